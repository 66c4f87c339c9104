//! The checker's vocabulary: every word a rule looks at, with what it means to
//! the rules (a bit set), looked up once per token in one hash map.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// What a word means to the rules. A word can carry several meanings.
pub(crate) mod f {
    /// A given name from the built-in multilingual list.
    pub const GIVEN: u64 = 1 << 0;
    /// A name that is also an everyday word (Will, May, Grace): a name only
    /// when it acts as the subject of a verb.
    pub const AMBIG: u64 = 1 << 1;
    /// The first part of a name in the organisation's people directory.
    pub const DIR_GIVEN: u64 = 1 << 2;
    /// A later part of a name in the people directory.
    pub const DIR_FAMILY: u64 = 1 << 3;
    /// A tool, product or project that shares a given name (Jenkins, Kafka).
    pub const TOOL: u64 = 1 << 4;
    /// An everyday English word; capitalised at a sentence start it is not a name.
    pub const COMMON: u64 = 1 << 5;
    /// A verb that makes its subject the agent of a failure (misconfigured, forgot).
    pub const FAIL: u64 = 1 << 6;
    /// A destructive action (deleted, disabled): a failure unless the clause is
    /// about containment (the attacker's key, the compromised account).
    pub const DESTRUCTIVE: u64 = 1 << 7;
    /// An everyday action (pushed, clicked) that is a failure when its object is
    /// sensitive (a secret, a phishing link).
    pub const SENSITIVE_ACT: u64 = 1 << 8;
    /// Omission verbs followed by "to": failed to, forgot to, neglected to.
    pub const OMIT: u64 = 1 << 9;
    /// Negation: not, never, didn't, no.
    pub const NEG: u64 = 1 << 10;
    /// Words that may stand between a subject and its verb (had, then, also).
    pub const SKIP: u64 = 1 << 11;
    /// Adverbs that mark an action as a slip (accidentally, mistakenly).
    pub const FAIL_ADV: u64 = 1 << 12;
    /// Things a person makes (change, commit, config): "Dave's change".
    pub const ARTIFACT: u64 = 1 << 13;
    /// Nouns for a failure (mistake, error, oversight).
    pub const MISTAKE: u64 = 1 << 14;
    /// Words of attack and containment (attacker, malicious, compromised, to contain).
    pub const CONTAIN: u64 = 1 << 15;
    /// Sensitive objects (secret, password, phishing).
    pub const SENSITIVE_OBJ: u64 = 1 << 16;
    /// A blame or judgement word (careless, negligent).
    pub const BLAME: u64 = 1 << 17;
    /// Words of causation (cause, due, because, root).
    pub const CAUSE: u64 = 1 << 18;
    /// Past participles and past forms that do not end in -ed (known, caught).
    pub const PARTICIPLE: u64 = 1 << 19;
    /// he, she, him, her, his.
    pub const PRONOUN: u64 = 1 << 20;
    /// Subjects other than names (we, they, someone).
    pub const SUBJ: u64 = 1 << 21;
    /// Words that end a clause (because, which, when).
    pub const BOUNDARY: u64 = 1 << 22;
    /// Starts a phrase that some rule checks (should, human, clearly, at, drop).
    pub const TRIGGER: u64 = 1 << 23;
    /// Determiners and possessive pronouns (the, a, our).
    pub const DET: u64 = 1 << 24;
    /// Common neutral verbs, so that an ambiguous name followed by one is a name.
    pub const VERB: u64 = 1 << 25;
    /// Verbs after "didn't" that describe a missing condition, not an omission
    /// (didn't have access, didn't know).
    pub const CONDITION: u64 = 1 << 26;
    /// Words that make "human error" forward-looking (reduce, prevent, chance).
    pub const PREVENT: u64 = 1 << 27;
    /// Prepositions that end an object noun phrase (on, during, without).
    pub const PREP: u64 = 1 << 28;
    /// Blame phrases added in configuration start with this word.
    pub const EXTRA_PHRASE: u64 = 1 << 29;
    /// Adverbs ending in -ly that are judgement (carelessly): dropped in rewrites.
    pub const JUDGE_ADV: u64 = 1 << 30;
    /// Titles before a family name (Mr, Ms, Dr).
    pub const TITLE: u64 = 1 << 31;
    /// A role or team that can act like a person (the contractor, the DBA,
    /// the platform team, someone).
    pub const ROLE: u64 = 1 << 32;
    /// Starts a call for sanction or a culprit (disciplined, accountable, culprit).
    pub const SANCTION: u64 = 1 << 33;
    /// Verbs of choice (chose, decided, opted).
    pub const CHOICE: u64 = 1 << 34;
    /// Verbs that report a good act (reported, spotted, fixed): "It was Priya
    /// who spotted it" is credit, not blame.
    pub const POSITIVE: u64 = 1 << 35;
    /// Judgement only when attached to a person's act ("Priya's bad call",
    /// "a silly mistake"), not alone ("basic authentication").
    pub const SOFT: u64 = 1 << 36;
}

/// The built-in given names: a few hundred across many languages. Names that
/// are also common English words are listed in [`AMBIGUOUS_NAMES`] too.
pub(crate) const GIVEN_NAMES: &str = "
aaron abby abdul abdullah abebe abigail abraham adam adebayo adele adeola adina aditi aditya adrian adriana agnieszka
ahmad ahmed aiden aiko aisha akash akira akosua alan albert alberto alejandra alejandro aleksandr aleksandra alessandro
alex alexander alexandra alexei alexis alfredo ali alice alicia alina alison amanda amara amelia amina amir amit amy ana
anastasia anders andre andrea andreas andrei andres andrew andrzej andy angela angelica angelo anika anita anja ankit
anna anne annika anthony antoine anton antonio anya arash arjun arnav arturo asha ashley astrid aylin ayumi ayse aziz
barbara bartosz beatriz ben benjamin bernard bianca bilal bjorn bogdan boris brandon brian bruno caitlin camila carla
carlos carmen carol caroline carsten catherine cecilia celine chandra charles charlie charlotte chen chidi chinedu chioma
chloe chris christian christina christine christopher claire clara claudia colin connor cristina dai daisuke dan dana
daniel daniela danielle darius dave david dawit deborah deepak deepika denis dennis diana diego dimitri dimitris dmitri
dmitry dominik dong donna dylan edward elena eli elias elif elijah elizabeth ella ellen emeka emil emily emma emre enrique
eric erik erika esther ethan eva evelyn fabian fabio farah farid fatima fatma federico felipe felix fernando filip fiona
florian francesca francesco francisco franziska fred freya gabriel gabriela gareth gaurav george georgia gerald gianluca
giorgio giovanni giulia gloria gonzalo greta guillaume gustavo hamid hana hannah hans harish harper haruto hassan heather
helen helena hemant henrik henry hiroshi hitomi hugo hussein ian ibrahim igor ilya ingrid irene irina isaac isabel
isabella ivan jacob jakub james jamal jamie jan jana jane janet jasmin jason javier jean jennifer jens jeremy jessica
jiang jin joanna joao joe johan johannes john jonas jonathan jorge jose josef joseph joshua juan julian julie julien
juliet jun jurgen justin kai kaito kamal karen karim karina karl kasia kate katarzyna katharina katie kavya kemal ken
kenji kevin khalid kim kirill klaus kofi kwame lakshmi lars laura lauren layla leila leah lena leo leon leonardo liam lin
linda lisa liu lorenzo louis lucas lucia luis luka lukas lukasz madison magdalena mahmoud malik manuel marco marcus
margaret maria mariam mariana marie marina mario marta martin martina mary maryam mateo matteo matthew matthias mehmet
mei mia michael michal michelle miguel mikhail min ming minh mohammed mohammad monica morgan muhammad nadia naomi
natalia natasha nathan neha nicholas nicolas nicole niklas nikhil nikita nikolai nina noah noor nora nuno oleg olga
oliver olivia omar oscar owen pablo paolo patricia patrick paul paula pavel pedro per peter petra philipp pierre pooja
prakash pranav priya priyanka rachel rafael rahul raj rajesh ramon rania raquel raul rebecca ren ricardo richard rita
robert roberto rohan roman rosa ruth ryan sabine sadia sahil sakura salma sam samantha samir samuel sandra sanjay sara
sarah sasha satoshi sean sebastian selin seo-yeon sergei sergey sergio shreya simon simone siddharth sofia sophia
sophie soren stefan stefanie stephanie steven sunil susan svetlana takeshi tamara tanvir tatiana teresa thabo thomas
tim timothy tobias tom tomas tomasz tony tyler ulrich valentina valeria vanessa vera victor victoria vijay vikram
vincent vivek vladimir wei william wojciech xavier xin yan yasmin yelena yiannis yuki yusuf yuto zainab zara zeynep
zhang zoe zofia ngozi oluwaseun tendai thandiwe kwabena amani baraka wanjiru jabari nia zuri sipho lerato olumide
chiamaka yaw efua hiroko kazuki takumi yui minjun ji-woo seojun hyun jisoo jae-won linh anh thao quang huong duc
budi siti dewi agus putri ayu nurul rizky ahmet mustafa hatice emine burak cem hakan leyla reza mehdi shirin parisa
dariush negar yosef avi noa tamar yael itai eitan moshe rivka dorit goran milan nikola dragan jelena ivana marko
luca bogdana radu ioana mihai andreea vlad cristian elif sven lars-erik ola kari ingeborg sigrid magnus torbjorn
mikko antti juha pekka sanna aino eero jukka kaisa tiina aleksi ville arvid dave dan rob bob bill tom jim mike steve
joe sue pat ted ned liz beth meg kat kathy becky nick matt pete greg jeff josh zach zack ben kyle sean shaun derek
chad brad tara nadine fenna sander bram daan joost sanne floor anouk ruben thijs wouter emma-louise jean-luc jean-pierre
marie-claire ana-maria jose-luis maria-jose xiaoming xiaoling jianguo yuxuan zihan haoran yuhang ying hui ping lei
gil dov yoni tariq usman bilqis hamza zaid idris ayaan reyansh ishaan vihaan anaya diya ira saanvi myra kiara anvi
łukasz josé joão zoë søren jürgen björn françois andrés maría sofía tomás ramón inés chloé renée mónica raúl álvaro
ömer özlem şule ayşe çağla małgorzata paweł michał grzegorz dariusz jiří václav tomáš zdeněk ondřej lucía gaël anaïs
noémie hélène élodie bjørn åsa märta jörg günter björk þóra ravi aigerim nurlan dauren aizhan ahmet santiago olga
kofi fiona leah lena tobias nadia magnus zainab felipe arash eitan raj emma svetlana mateus haruto thandiwe ingrid
chen amira alejandro arjun gustavo valentina kwame oluwaseun xiaoming jonas elif
 piotr marek grigor wiremu aroha tane mere kiri kev jen jenny steph stevie mick mikey danny
nadya katya dasha misha kostya vova lyosha zoltan istvan laszlo gergely tamas agnes zsofia janos
niamh aoife ciaran siobhan sinead eoin padraig cormac declan ronan oisin
matej petr jaroslav milos nemanja vuk dusan bojan teodora
renata kwabena folasade bashir oleg farid ines hiba
";

/// Given names that are also common words. They count as names only when they
/// act as the subject of a verb ("Will forgot", not "Will the fix hold?").
pub(crate) const AMBIGUOUS_NAMES: &str = "
will may june april august mark bill sue rob pat grace hope faith joy rose chase frank art guy jack lane ray dawn
summer winter autumn sky star hunter miles case cash dean max sunny honey angel bob don gene earl april skip buck
rich penny ruby sandy rusty woody page holly ivy jade amber crystal destiny harmony melody river storm willow sage
bo del lee long young king
";

/// Tools and products that share a given name (or look like one). Never a person.
pub(crate) const TOOLS: &str = "
jenkins kafka ansible hudson grafana jira travis terraform cassandra aurora athena jasmine karma mocha phoenix hugo
django ruby julia ada pascal sage nova alexa siri cortana watson sonar heroku nomad consul vault envoy istio kibana
logstash prometheus thanos loki tempo mimir cortex jaeger zipkin zabbix nagios icinga sensu splunk sumo datadog redis
nginx apache tomcat jetty maven gradle bazel helm argo flux spinnaker tekton drone circle bamboo gitlab github
bitbucket gerrit confluence trello asana slack zoom okta duo keycloak falco suricata zeek snort wazuh osquery
velociraptor ghidra burp nessus qualys tenable crowdstrike sentinel defender sophos hydra medusa mimikatz bloodhound
sliver havoc metasploit nmap shodan censys dependabot renovate snyk trivy grype clair copilot gemini jarvis clippy
tiller celery sidekiq airflow luigi dagster prefect superset metabase looker tableau redash presto trino druid pinot
flink spark storm hadoop hive oozie zookeeper etcd patroni vitess citus kong traefik varnish squid rancher apollo
hermes atlas zeus odin thor mercury electron ember gatsby jekyll laravel rails sinatra flask chef puppet salt vagrant
packer otto harbor quay artemis minerva nexus sonatype bolt hal eliza opsgenie pagerduty victorops sentry bugsnag
rollbar honeybadger lambda fargate beanstalk
";

/// Everyday words that a people directory may contain as family names, and
/// frequent sentence starters. Capitalised at the start of a sentence they are
/// not names unless a verb follows.
pub(crate) const COMMON_WORDS: &str = "
the a an this that these those it we they he she i you our their his her my your its there here when while after
before during since because as at on in by for from to with without within once then next later first second third
finally also however meanwhile all some no not each every both either neither most many few one two three what why
how who which where if unless although though so but and or yet still only even please note see check make add update
review run use set ensure consider investigate root cause impact timeline summary action actions items lessons
background detection response resolution recovery follow owner status young long little short black white brown green
gray grey rich price page cook mason bell grant hunter fisher baker king bishop banks case field fields hall hill
wood woods lake river stone frost snow rain storm day knight wolf fox bird crane swift rush lamb sharp strong wise good
best small large power major noble march may june april august will mark bill guy jack lane ray rose chase frank art
hope grace joy faith miles cross church chance gold silver ash ford bush booth love moody rice street north south west
east lord hardy ward pope parsons major marsh moss nash park parks pike poole reed ross rowe sage sutton walker wells
west young yates best root summary outcome detected contained resolved reported impact cost
";

const FAIL_VERBS: &str = "
misconfigured misconfigures misconfigure misconfiguring forgot forgets forgotten neglected neglects overlooked overlooks
mistyped mistypes botched bungled fumbled mishandled mishandles misread misjudged misunderstood misinterpreted
misconfigured misapplied mislabeled mislabelled misrouted misclicked broke breaks ignored ignores ignoring missed misses
caused causes leaked leaks exposed exposes hardcoded hard-coded bypassed bypasses circumvented disregarded disregards
overrode overrides overrode violated violates skipped skips failed fails omitted omits fat-fingered fat-fingers
screwed messed neglecting overwrote overwrites misjudges misconfigures
 nuked nukes nuking borked borks hosed trashed trashes clobbered clobbers mangled mangles bricked bricks
wrecked wrecks torched fubared munged bodged bungles botches
";

const DESTRUCTIVE_VERBS: &str = "
deleted deletes removed removes dropped drops disabled disables wiped wipes truncated truncates purged purges killed
erased erases destroyed destroys turned switched shut overwritten unplugged silenced muted snoozed dismissed
force-pushed force-deleted
";

const SENSITIVE_VERBS: &str = "
pushed committed pasted posted shared uploaded published emailed reused clicked opened downloaded entered typed
approved merged granted gave deployed ran executed installed copied sent forwarded stored saved logged printed
checked left
";

const OMIT_VERBS: &str = "failed forgot neglected omitted fails forgets neglects";

const NEG_WORDS: &str = "
not never didn't did don't doesn't wasn't weren't hadn't haven't hasn't no nobody cannot can't couldn't isn't aren't
won't without neither nor rather instead
";

const SKIP_WORDS: &str = "
had has have then also just apparently simply again later still already initially first once reportedly allegedly
probably evidently quickly subsequently unfortunately clearly obviously
 knowingly deliberately consciously wilfully willfully intentionally purposely literally really
";

const FAIL_ADVERBS: &str = "
accidentally accidently mistakenly inadvertently erroneously wrongly incorrectly improperly unintentionally
unknowingly carelessly negligently recklessly sloppily lazily
";

const JUDGE_ADVERBS: &str = "carelessly negligently recklessly sloppily lazily stupidly foolishly incompetently irresponsibly";

const ARTIFACTS: &str = "
change changes commit commits config configuration pr prs pull merge push deploy deployment rollout release script
patch query migration rule rules edit update command code fix hotfix decision approval review ticket playbook
plan plans workflow pipeline automation reply response approval rollback escalation copy use email click
typo handling triage investigation testing monitoring override call choice idea design trust work
runbook cron job template policy terraform manifest chart diff branch upload post message email
 attitude approach behaviour behavior effort
";

const MISTAKES: &str = "
mistake mistakes error errors fault faults oversight oversights typo typos blunder blunders slip slips lapse lapses
negligence carelessness misconfiguration misstep screw-up screwup screw-ups fault failure failures inaction omission
";

const CONTAIN_WORDS: &str = "
attacker attackers attacker's malicious compromised rogue suspicious malware backdoor backdoors unauthorized
unauthorised stolen webshell implant implants c2 ioc iocs exfiltration persistence intruder intruder's adversary
threat contain contained containment isolate isolated quarantine quarantined mitigate mitigation block blocked revoke
revoked stop halt evict evicted planned scheduled expired obsolete unused stale old deprecated leaked exposed phishing
fake fraudulent infected squatted false duplicate noisy miner crypto-miner cryptominer temporary runaway
orphaned leftover hung stuck zombie spare
ransomware-encrypted defaced
";

const SENSITIVE_OBJECTS: &str = "
secret secrets key keys password passwords passphrase token tokens credential credentials api phishing malicious
certificate private ssh aws gcp azure public publicly pastebin gist attachment attachments macro macros link links
unverified untrusted unknown suspicious unreviewed without port ports internet world world-readable public-read
wrong incorrect mfa .env env unsigned untested
";

const BLAME_WORDS: &str = "
careless carelessly carelessness negligent negligently negligence lazy lazily laziness sloppy sloppily sloppiness
incompetent incompetently incompetence incompetents reckless recklessly recklessness irresponsible irresponsibly
irresponsibility stupid stupidly stupidity idiot idiots idiotic foolish foolishly foolishness dumb clueless inept
ineptitude ineptly complacent complacency rubber-stamped rubber-stamping rubber-stamp amateurish boneheaded bonehead moron morons moronic inexcusable unforgivable
screw-up screwup screw-ups screwups blunder blunders blundered botched bungled thoughtless thoughtlessly heedless
lackadaisical blame blamed blames blaming guilty derelict dereliction fat-fingered fat-fingering shoddy slapdash
half-baked half-hearted gullible unprofessional ill-advised ill-judged inattention inattentive dismissive rookie
 noob noobs n00b newbie newbies amateur-hour ham-fisted cack-handed brain-dead dim-witted dimwitted
numpty numpties naivety gullibility cowboy cowboys bone-headed
";

const SOFT_JUDGEMENT: &str = "
bad poor hasty rash naive silly basic elementary embarrassing clumsy blind superficial risky slow slack lax poorly
beginner lousy terrible awful weak
";

const CAUSE_WORDS: &str = "
cause caused causes causing root due because result resulted results resulting attributed attributable attribute
blame blamed blames reason culprit responsible fault factor factors traced stemmed led why
";

const PARTICIPLES: &str = "
been known done seen caught taken gone made run set put kept sent built written given gotten got told found brought
thought left read shut cut spoken chosen woken had said paid held heard meant lost won understood spent stood taught
bought sought fought begun drawn driven ridden risen shown thrown torn worn blown grown flown forgotten broken stolen
frozen hidden bitten beaten eaten fallen felt dealt led let hit hurt quit split spread upset overseen undertaken
overridden overwritten rewritten mistaken misread misunderstood
";

/// Roles and teams: the head of a noun phrase that names people by what they do.
const ROLES: &str = "
contractor contractors analyst analysts dba dbas lead leads team teams reviewer reviewers engineer engineers
intern interns technician technicians admin admins administrator administrators sysadmin sysadmins developer
developers dev devs manager managers sre sres operator operators guard guards receptionist receptionists clerk
clerks architect architects consultant consultants tester testers pentester pentesters auditor auditors approver
approvers responder responders commander commanders captain captains supervisor supervisors maintainer
maintainers staff staffer employee employees user users hire hires person people someone somebody anyone anybody
vendor vendors provider providers supplier suppliers msp msps soc helpdesk desk champion champions officer
officers specialist specialists member members colleague colleagues coworker coworkers programmer programmers
coder coders executive executives director directors ciso cto ceo cfo cio agent agents owner owners
operations
 on-call oncall ops secops devops netops devsecops infosec itops ic qa management leadership requester requesters
individual individuals offender offenders tech techs chief folks guy guys shift customer customers support
";

/// Words from which a call for sanction or a culprit is looked for.
const SANCTION_WORDS: &str = "
disciplined discipline disciplinary reprimand reprimanded reprimands fired sacked punished punish punishment
punishments sanctioned sanctions suspended dismissed demoted penalised penalized penalty penalise penalize
accountable liable account culprit culprits scapegoat scapegoats heads answer consequences deserves deserve
deserved shamed banned barred relieved apologise apologize pay cover lose deal word office fall example guilty
removed replaced moved named reported allowed who whoever whose which prosecution performance pip go away step
responsible written warning behind docked dealt
 walked stood escorted shown probation lesson head trusted longer final
 plan
";

const CHOICE_VERBS: &str =
    "chose choose chooses chosen choosing decided decides opted opts elected preferred picked picks favoured favored prioritised prioritized preferred prefers trusted settled
";

const POSITIVE_VERBS: &str = "
reported spotted noticed found caught fixed restored escalated raised flagged saved helped stopped detected
discovered alerted contained recovered thanked praised volunteered warned identified rescued protected
";

const PRONOUNS: &str = "he she him her his you your";
const SUBJECTS: &str = "we they you someone somebody anyone anybody nobody everyone everybody i";
const BOUNDARIES: &str = "
because which who whom whose while when whenever after before since although though but so and or whereas until
unless once where that whether
";
const TRIGGERS: &str = "
should should've shouldn't shoulda ought could couldn't would wouldn't if obviously clearly obvious human operator
user pilot pebkac pebcak id10t layer layer-8 at fault drop drops dropped dropping screw screws screwed screwing mess
messes messed messing can't cannot can wasn't not didn't isn't weren't asleep cut cuts cutting lapse lapses poor bad
known no paying pay more his her their my your our fat made make makes responsible fell clerical typing
keying lack
 people wetware
";
const DETERMINERS: &str = "
the a an this that these those our their his her its my your some all every each another any no two three several
both
";
const NEUTRAL_VERBS: &str = "
said asked restored escalated joined paged noticed reported found rotated revoked fixed deployed rolled wrote
confirmed investigated identified opened closed shared led ran called acknowledged triaged responded replied
noted checked verified recovered reviewed approved started stopped updated added raised filed flagged spotted
detected saw heard told contacted emailed messaged pinged helped worked took gave made was is were has had
says asks writes notes reports"; // plus every FAIL/OMIT/DESTRUCTIVE verb

const CONDITIONS: &str = "
have has had receive received get got know knew need needed see saw hear heard exist existed realise realize
realised realized hold own
";

const PREVENT_WORDS: &str = "
reduce reduces reduced reducing prevent prevents preventing prevented avoid avoids avoiding minimise minimize
minimises minimizes mitigate mitigates chance chances risk risks likelihood likely proof guard guards against
tolerate tolerates tolerant forgiving catch catches catching harder less fewer rates rate
";

const PREPOSITIONS: &str = "
on at during before after while when without despite because since as in into from for with by via through
across over under again yesterday today tonight earlier last this that which who so but and or then until
";

/// One word of the vocabulary.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Entry {
    pub flags: u64,
    /// Built-in blame phrases that can start with this word (bit i = phrase i).
    pub phrases: u32,
}

/// FxHash: a small, fast hash for short keys. The keys are the checker's own
/// vocabulary and the people directory, so flooding is not a concern.
#[derive(Default, Clone, Copy)]
pub(crate) struct Fx(u64);

impl Hasher for Fx {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        let mut h = self.0;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            h = (h.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            h = (h.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
        }
        self.0 = h;
    }
    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.0 = (self.0.rotate_left(5) ^ u64::from(i)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

pub(crate) type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<Fx>>;
pub(crate) type FxSet<K> = std::collections::HashSet<K, BuildHasherDefault<Fx>>;

/// Longer words are never in the vocabulary.
const MAX_KEY: usize = 64;

/// The vocabulary: lower-cased word → meanings. Words are added to a hash
/// map; [`Lexicon::freeze`] then lays them out for lookups in an open-addressing
/// table whose keys sit in one byte arena (one hash, usually one probe).
#[derive(Clone, Debug, Default)]
pub(crate) struct Lexicon {
    map: FxMap<Box<str>, Entry>,
    slots: Vec<Slot>,
    arena: Vec<u8>,
    mask: usize,
}

#[derive(Clone, Copy, Debug, Default)]
struct Slot {
    /// The key's first eight bytes, zero-padded: most words are compared
    /// without touching the arena.
    prefix: u64,
    flags: u64,
    phrases: u32,
    off: u32,
    tag: u16,
    /// 0 for an empty slot.
    len: u16,
}

/// Up to eight bytes as one little-endian integer, zero-padded.
#[inline]
fn load8(b: &[u8]) -> u64 {
    let mut w = 0u64;
    for (j, &c) in b.iter().take(8).enumerate() {
        w |= u64::from(c) << (8 * j);
    }
    w
}

/// The hash of a key for the frozen table, and its first eight bytes: one
/// multiplication per eight bytes, so most words cost one.
#[inline]
fn hash(key: &[u8]) -> (u64, u64) {
    const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
    let prefix = load8(key);
    let mut h = ((key.len() as u64).rotate_left(5) ^ prefix).wrapping_mul(K);
    let mut rest = key.get(8..).unwrap_or(&[]);
    while !rest.is_empty() {
        h = (h.rotate_left(5) ^ load8(rest)).wrapping_mul(K);
        rest = rest.get(8..).unwrap_or(&[]);
    }
    // spread the high bits, which the multiplication mixes best, to the low ones
    (h ^ (h >> 29), prefix)
}

impl Lexicon {
    pub(crate) fn builtin() -> Lexicon {
        let mut lx = Lexicon::default();
        let lists: &[(&str, u64)] = &[
            (GIVEN_NAMES, f::GIVEN),
            (AMBIGUOUS_NAMES, f::AMBIG | f::GIVEN),
            (TOOLS, f::TOOL),
            (COMMON_WORDS, f::COMMON),
            (FAIL_VERBS, f::FAIL | f::VERB),
            (DESTRUCTIVE_VERBS, f::DESTRUCTIVE | f::VERB),
            (SENSITIVE_VERBS, f::SENSITIVE_ACT | f::VERB),
            (OMIT_VERBS, f::OMIT | f::VERB),
            (NEG_WORDS, f::NEG),
            (SKIP_WORDS, f::SKIP),
            (FAIL_ADVERBS, f::FAIL_ADV),
            (JUDGE_ADVERBS, f::JUDGE_ADV),
            (ARTIFACTS, f::ARTIFACT),
            (MISTAKES, f::MISTAKE),
            (CONTAIN_WORDS, f::CONTAIN),
            (SENSITIVE_OBJECTS, f::SENSITIVE_OBJ),
            (BLAME_WORDS, f::BLAME),
            (CAUSE_WORDS, f::CAUSE),
            (PARTICIPLES, f::PARTICIPLE),
            (PRONOUNS, f::PRONOUN),
            (ROLES, f::ROLE),
            (SANCTION_WORDS, f::SANCTION),
            (CHOICE_VERBS, f::CHOICE | f::VERB),
            (SOFT_JUDGEMENT, f::SOFT),
            (POSITIVE_VERBS, f::POSITIVE),
            (SUBJECTS, f::SUBJ),
            (BOUNDARIES, f::BOUNDARY),
            (TRIGGERS, f::TRIGGER),
            (DETERMINERS, f::DET),
            (NEUTRAL_VERBS, f::VERB),
            (CONDITIONS, f::CONDITION),
            (PREVENT_WORDS, f::PREVENT),
            (PREPOSITIONS, f::PREP),
            ("mr mrs ms dr mx", f::TITLE),
        ];
        for &(list, flags) in lists {
            for w in list.split_whitespace() {
                lx.add(w, flags);
            }
        }
        for (i, w) in super::rules::phrase_starters() {
            lx.add(w, f::TRIGGER);
            if let Some(e) = lx.map.get_mut(w) {
                e.phrases |= 1 << i;
            }
        }
        lx.freeze();
        lx
    }

    /// Adds meanings to a word (lower-cased here). Unfreezes the table.
    pub(crate) fn add(&mut self, word: &str, flags: u64) {
        self.slots.clear();
        let key = normalise(word);
        if key.is_empty() {
            return;
        }
        self.map.entry(key.into_boxed_str()).or_default().flags |= flags;
    }

    /// Removes meanings from a word. Unfreezes the table.
    pub(crate) fn remove(&mut self, word: &str, flags: u64) {
        self.slots.clear();
        let key = normalise(word);
        if let Some(e) = self.map.get_mut(key.as_str()) {
            e.flags &= !flags;
        }
    }

    /// Lays the words out for fast lookups; call after the last `add`.
    pub(crate) fn freeze(&mut self) {
        let n = (self.map.len() * 2).next_power_of_two().max(64);
        let mut slots = vec![Slot::default(); n];
        let mut arena = Vec::new();
        for (k, e) in &self.map {
            let kb = k.as_bytes();
            if kb.len() > MAX_KEY {
                continue;
            }
            let (h, prefix) = hash(kb);
            let mut i = (h as usize) & (n - 1);
            while slots[i].len != 0 {
                i = (i + 1) & (n - 1);
            }
            slots[i] = Slot {
                prefix,
                flags: e.flags,
                phrases: e.phrases,
                off: arena.len() as u32,
                tag: (h >> 48) as u16,
                len: kb.len() as u16,
            };
            arena.extend_from_slice(kb);
        }
        self.slots = slots;
        self.arena = arena;
        self.mask = n - 1;
    }

    #[inline]
    pub(crate) fn get(&self, lower: &str) -> Entry {
        if self.slots.is_empty() {
            return self.map.get(lower).copied().unwrap_or_default();
        }
        let kb = lower.as_bytes();
        if kb.len() > MAX_KEY {
            return Entry::default();
        }
        let (h, pre) = hash(kb);
        let tag = (h >> 48) as u16;
        let mut i = (h as usize) & self.mask;
        loop {
            let Some(s) = self.slots.get(i) else {
                return Entry::default();
            };
            if s.len == 0 {
                return Entry::default();
            }
            if s.tag == tag
                && s.prefix == pre
                && s.len as usize == kb.len()
                && (kb.len() <= 8
                    || self
                        .arena
                        .get(s.off as usize + 8..s.off as usize + kb.len())
                        == kb.get(8..))
            {
                return Entry {
                    flags: s.flags,
                    phrases: s.phrases,
                };
            }
            i = (i + 1) & self.mask;
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.map.len()
    }
}

/// Lower case, with typographic apostrophes made plain.
pub(crate) fn normalise(word: &str) -> String {
    word.trim()
        .chars()
        .map(|c| if c == '\u{2019}' { '\'' } else { c })
        .flat_map(char::to_lowercase)
        .collect()
}
