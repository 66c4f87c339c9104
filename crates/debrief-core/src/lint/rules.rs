//! The rules, applied one sentence at a time over looked-up tokens.
//!
//! - person-agent: a named person is the grammatical agent of a failure
//!   ("Dave misconfigured the firewall", "Dave's change broke the build",
//!   "the key was leaked by @dave").
//! - person-named: a person named neutrally (a note, once per document).
//! - blame: judgement words and phrases ("careless", "dropped the ball").
//! - hindsight: counterfactuals about past actions ("should have", "if only",
//!   "obviously").
//! - human-error: "human error" (operator error, PEBKAC) offered as a cause.

use super::Rule;
use super::lexicon::f;
use super::scan::{Scan, Tok, shape};

/// A finding before it has a line and column: bytes are chunk offsets.
#[derive(Debug, Clone)]
pub(crate) struct Raw {
    pub rule: Rule,
    pub start: usize,
    pub end: usize,
    pub message: String,
    pub suggestion: Option<String>,
    pub replacement: Option<String>,
}

/// Phrases added in configuration.
#[derive(Debug, Clone, Default)]
pub(crate) struct Extras {
    pub phrases: Vec<(Vec<String>, Rule)>,
}

pub(crate) struct Cx<'a> {
    pub text: &'a str,
    pub scan: &'a Scan,
    pub extras: &'a Extras,
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct Person {
    first: usize,
    last: usize,
    pronoun: bool,
    consumed: bool,
}

/// How a person is the agent of a failure.
#[derive(Clone, Copy, Debug)]
enum Kind {
    /// "Dave misconfigured the firewall" (verb index, slip adverb).
    Verb(usize, Option<usize>),
    /// "Dave forgot to renew / didn't renew the certificate" (base-form verb).
    Omission(usize),
    /// "Dave never rotated the keys" (past-form verb).
    Never(usize),
    /// "Dave's change broke the build" (the artifact, the predicate's last token).
    Possessive(usize, usize),
    /// "Dave's mistake", "Dave made a mistake" (last token).
    Other(usize),
    /// "… was deleted by Dave" (index of "by").
    Passive(usize),
    /// "because of Dave" (index of the first word of the phrase).
    Cause(usize),
}

#[rustfmt::skip]
const GROUP_HANDLES: &[&str] = &[
    "@here", "@channel", "@everyone", "@all", "@oncall", "@on-call", "@security", "@sre", "@ops", "@infra",
];
#[rustfmt::skip]
const ROLE_MAILBOXES: &[&str] = &[
    "security", "noreply", "no-reply", "alerts", "alert", "ops", "support", "admin", "root", "postmaster",
    "abuse", "info", "team", "oncall", "on-call", "soc", "it", "helpdesk", "help", "hr", "legal", "privacy",
    "dpo", "notifications", "bot", "ci", "builds", "sre", "incident", "incidents", "cert", "csirt", "psirt",
    "devops",
];
#[rustfmt::skip]
const PARTICLES: &[&str] = &[
    "van", "de", "da", "von", "der", "den", "del", "della", "di", "du", "la", "le", "bin", "ibn", "al", "el",
    "dos", "das", "ten", "ter", "y",
];
/// Actions that are a failure when their object is a lure (phishing link, macro).
#[rustfmt::skip]
const CLICK_VERBS: &[&str] = &[
    "clicked", "opened", "downloaded", "entered", "typed", "installed", "executed", "approved", "ran",
];
#[rustfmt::skip]
const TECH_AFTER_LAZY: &[&str] = &[
    "load", "loading", "loaded", "loads", "evaluation", "evaluated", "initialization", "initialisation", "init",
    "initialized", "initialised", "static", "iterator", "iterators", "sequence", "val", "import", "imports",
    "mode", "fetch", "fetching", "fetched", "binding", "bindings", "copy", "deletion", "expansion", "list",
    "lists", "instantiation", "instantiated", "computed", "compile", "compilation", "lock", "locking",
    "propagation", "migration", "consumer", "consumers", "cell",
];
#[rustfmt::skip]
const TECH_AFTER_DUMB: &[&str] = &[
    "terminal", "terminals", "pipe", "pipes", "init", "client", "clients", "switch", "device", "devices",
];
#[rustfmt::skip]
const FAILURE_NOUNS: &[&str] = &[
    "outage", "outages", "breach", "incident", "leak", "exposure", "mistake", "error", "failure", "compromise",
    "misconfiguration", "downtime", "loss", "deletion", "problem", "issue", "bug", "regression",
];

impl Cx<'_> {
    #[inline]
    fn t(&self, i: usize) -> Tok {
        self.scan.toks.get(i).copied().unwrap_or_default()
    }
    #[inline]
    fn lw(&self, i: usize) -> &str {
        match self.scan.toks.get(i) {
            Some(t) => self.scan.lower(t),
            None => "",
        }
    }
    #[inline]
    fn word_is(&self, i: usize, s1: usize, any: &[&str]) -> bool {
        i < s1 && self.t(i).is_word() && any.contains(&self.lw(i))
    }
    /// The original text from token a's start to token b's end (with 's).
    fn span(&self, a: usize, b: usize) -> &str {
        let (s, e) = (self.t(a).start as usize, self.t(b).full_end as usize);
        self.text.get(s..e.max(s)).unwrap_or("")
    }
    fn name_text(&self, p: &Person) -> &str {
        let (s, e) = (self.t(p.first).start as usize, self.t(p.last).end as usize);
        self.text.get(s..e.max(s)).unwrap_or("")
    }
    /// The end (exclusive) of the clause that starts at `from`.
    fn clause_end(&self, from: usize, s1: usize) -> usize {
        let mut k = from;
        while k < s1 {
            let t = self.t(k);
            if t.is(shape::PUNCT)
                || (k > from && t.has(f::BOUNDARY) && !matches!(self.lw(k), "that"))
            {
                return k;
            }
            k += 1;
        }
        s1
    }
    fn any_flag(&self, a: usize, b: usize, fl: u64) -> bool {
        (a..b).any(|k| self.t(k).has(fl))
    }
}

/// Runs every rule over the sentence `toks[s0..s1]`.
pub(crate) fn sentence(
    cx: &Cx,
    s0: usize,
    s1: usize,
    persons: &mut Vec<Person>,
    out: &mut Vec<Raw>,
    first_mention: &mut dyn FnMut(&str) -> bool,
) {
    // phrases and single words
    let mut i = s0;
    while i < s1 {
        let t = cx.t(i);
        if t.is_word() && t.flags & (f::BLAME | f::TRIGGER | f::EXTRA_PHRASE) != 0 {
            if let Some(r) = blame_phrase(cx, i, s0, s1)
                .or_else(|| hindsight(cx, i, s0, s1))
                .or_else(|| human_error(cx, i, s0, s1))
                .or_else(|| extra_phrase(cx, i, s1))
            {
                out.push(r);
            } else if t.has(f::BLAME)
                && let Some(r) = blame_word(cx, i, s0, s1)
            {
                out.push(r);
            }
        }
        i += 1;
    }
    // people
    find_persons(cx, s0, s1, persons);
    for pi in 0..persons.len() {
        let p = persons[pi];
        if p.consumed {
            continue;
        }
        match agent(cx, &p, s0, s1, persons) {
            Some(kind) => out.push(person_finding(cx, &p, kind, s1)),
            None if !p.pronoun && first_mention(cx.name_text(&p)) => {
                let name = cx.name_text(&p);
                out.push(Raw {
                        rule: Rule::PersonNamed,
                        start: cx.t(p.first).start as usize,
                        end: cx.t(p.last).end as usize,
                        message: format!(
                            "'{name}' is named here. A neutral mention is fine in a timeline; in a published review a role (\"the on-call engineer\") keeps the focus on the system."
                        ),
                        suggestion: Some("Consider the person's role instead of their name.".into()),
                        replacement: None,
                    });
            }
            None => {}
        }
    }
}

// ---------------------------------------------------------------------------
// people

fn is_name_tok(t: &Tok) -> bool {
    t.is_word()
        && t.is(shape::CAP)
        && !t.is(shape::ALLCAPS)
        && t.has(f::GIVEN | f::DIR_GIVEN | f::DIR_FAMILY)
        && !t.has(f::TOOL)
}

fn verbish(cx: &Cx, k: usize, s1: usize) -> bool {
    // skip adverbs between a subject and its verb
    let mut k = k;
    let mut steps = 0;
    while k < s1 && steps < 3 && cx.t(k).has(f::SKIP | f::FAIL_ADV) {
        k += 1;
        steps += 1;
    }
    if k >= s1 {
        return false;
    }
    let t = cx.t(k);
    if !t.is_word() || t.is(shape::CAP) {
        return false;
    }
    let w = cx.lw(k);
    t.has(f::VERB | f::FAIL | f::OMIT | f::DESTRUCTIVE | f::SENSITIVE_ACT)
        || matches!(
            w,
            "didn't"
                | "did"
                | "never"
                | "wasn't"
                | "should"
                | "should've"
                | "could"
                | "had"
                | "has"
                | "was"
        )
        || (w.len() > 4 && w.ends_with("ed") && !t.has(f::DET))
}

pub(crate) fn find_persons(cx: &Cx, s0: usize, s1: usize, persons: &mut Vec<Person>) {
    persons.clear();
    let mut k = s0;
    while k < s1 {
        let t = cx.t(k);
        if !t.is_word() {
            k += 1;
            continue;
        }
        if t.is(shape::HANDLE) {
            let h = cx.lw(k);
            let group = GROUP_HANDLES.contains(&h)
                || h.contains("team")
                || h.ends_with("-oncall")
                || h.ends_with("bot")
                || h.contains('/');
            if !group {
                persons.push(Person {
                    first: k,
                    last: k,
                    pronoun: false,
                    consumed: false,
                });
            }
            k += 1;
            continue;
        }
        if t.is(shape::EMAIL) {
            let e = cx.lw(k);
            let local = e.split('@').next().unwrap_or("");
            let dom_ok = e.split('@').nth(1).is_some_and(|d| d.contains('.'));
            if dom_ok && !ROLE_MAILBOXES.contains(&local) {
                persons.push(Person {
                    first: k,
                    last: k,
                    pronoun: false,
                    consumed: false,
                });
            }
            k += 1;
            continue;
        }
        if t.has(f::PRONOUN) && !t.is(shape::ALLCAPS) {
            let w = cx.lw(k);
            // "him" only matters after "by"; "her" may be possessive
            if matches!(w, "he" | "she" | "his" | "her" | "him") {
                persons.push(Person {
                    first: k,
                    last: k,
                    pronoun: true,
                    consumed: false,
                });
            }
            k += 1;
            continue;
        }
        let title = matches!(cx.lw(k), "mr" | "mrs" | "ms" | "dr" | "mx")
            && k + 1 < s1
            && cx.t(k + 1).is(shape::CAP)
            && cx.t(k + 1).is_word();
        if !(is_name_tok(&t) || title) {
            k += 1;
            continue;
        }
        // extend over the rest of the name: "Priya Sharma", "Jan van der Berg"
        let mut m = k;
        if title {
            m = k + 1;
        }
        while m + 1 < s1 && m - k < 4 && !cx.t(m).is(shape::POSS) {
            let nt = cx.t(m + 1);
            let tool = nt.has(f::TOOL) && !nt.has(f::DIR_FAMILY);
            if nt.is_word() && nt.is(shape::CAP) && !nt.is(shape::ALLCAPS) && !tool {
                let named = nt.has(f::GIVEN | f::DIR_GIVEN | f::DIR_FAMILY);
                let unknown = nt.flags & !(f::AMBIG) == 0;
                if named || unknown {
                    m += 1;
                    continue;
                }
            }
            if nt.is_word()
                && PARTICLES.contains(&cx.lw(m + 1))
                && m + 2 < s1
                && cx.t(m + 2).is(shape::CAP)
                && cx.t(m + 2).is_word()
            {
                m += 2;
                continue;
            }
            break;
        }
        let multi = m > k;
        let ambiguous = !multi
            && !title
            && (t.has(f::AMBIG | f::COMMON)
                || (t.is(shape::START) && !t.has(f::GIVEN | f::DIR_GIVEN))
                || cx.lw(k).len() < 2);
        if ambiguous && !(cx.t(m).is(shape::POSS) || verbish(cx, m + 1, s1)) {
            k = m + 1;
            continue;
        }
        persons.push(Person {
            first: k,
            last: m,
            pronoun: false,
            consumed: false,
        });
        k = m + 1;
    }
}

/// Whether the person is the agent of a failure, and how.
fn agent(cx: &Cx, p: &Person, s0: usize, s1: usize, persons: &mut [Person]) -> Option<Kind> {
    let last = p.last;
    let pw = cx.lw(p.first);
    let possessive = cx.t(last).is(shape::POSS) || (p.pronoun && matches!(pw, "his" | "her"));
    if p.pronoun && pw == "him" {
        return passive_or_cause(cx, p, s0, s1);
    }
    let mut j = last + 1;
    if possessive {
        // skip up to two modifiers: "Dave's untested Terraform change"
        let mut a = j;
        while a < s1 && a < j + 3 {
            let t = cx.t(a);
            if t.has(f::MISTAKE) && t.is_word() {
                return Some(Kind::Other(a));
            }
            if t.has(f::ARTIFACT) && t.is_word() {
                break;
            }
            if !(t.is_word() || t.is(shape::CODE))
                || t.has(f::DET | f::VERB | f::FAIL | f::BOUNDARY)
            {
                return passive_or_cause(cx, p, s0, s1);
            }
            a += 1;
        }
        if a >= s1 || !cx.t(a).has(f::ARTIFACT) {
            return passive_or_cause(cx, p, s0, s1);
        }
        // "Dave's pull request", "Grace's config change", "Chen's cron job"
        let mut art_end = a;
        while art_end + 1 < s1
            && (cx.word_is(art_end + 1, s1, &["request", "requests", "job", "jobs"])
                || (cx.t(art_end + 1).has(f::ARTIFACT) && cx.t(art_end + 1).is_word()))
        {
            art_end += 1;
        }
        return match predicate(cx, art_end + 1, s0, s1) {
            Some(k) => {
                let end = match k {
                    Kind::Verb(v, _) | Kind::Never(v) | Kind::Omission(v) | Kind::Other(v) => v,
                    _ => art_end,
                };
                Some(Kind::Possessive(a, end))
            }
            // "caused by Marguerite's change", "due to Keanu's script"
            None => passive_or_cause(cx, p, s0, s1).map(|_| Kind::Possessive(a, art_end)),
        };
    }
    if p.pronoun && pw == "her" {
        // "her" as an object ("paged her") is not a subject
        return None;
    }
    // "Dave and Priya forgot …": the second name shares the verb
    if cx.word_is(j, s1, &["and", "or"])
        && let Some(q) = persons.iter_mut().find(|q| q.first == j + 1 && !q.pronoun)
    {
        q.consumed = true;
        j = q.last + 1;
    }
    // "Dave, the on-call engineer, forgot …"
    if j < s1
        && cx.t(j).punct == b','
        && let Some(c) = (j + 1..(j + 9).min(s1)).find(|&k| cx.t(k).punct == b',')
        && !cx.any_flag(j + 1, c, f::FAIL | f::NEG)
    {
        j = c + 1;
    }
    predicate(cx, j, s0, s1).or_else(|| passive_or_cause(cx, p, s0, s1))
}

/// The predicate that starts at `j` makes its subject the agent of a failure.
fn predicate(cx: &Cx, j0: usize, s0: usize, s1: usize) -> Option<Kind> {
    let mut j = j0;
    let mut adv = None;
    let mut steps = 0;
    while j < s1 && steps < 4 {
        let t = cx.t(j);
        if !t.is_word() {
            break;
        }
        if t.has(f::FAIL_ADV) {
            adv = Some(j);
        } else if t.has(f::SKIP) {
            // "had not", "has never" are negations, handled below
            if matches!(cx.lw(j), "had" | "has" | "have")
                && cx.word_is(j + 1, s1, &["not", "never"])
            {
                break;
            }
            // "had" as the main verb
            if matches!(cx.lw(j), "had" | "has" | "have")
                && !cx.t(j + 1).has(
                    f::VERB
                        | f::FAIL
                        | f::DESTRUCTIVE
                        | f::SENSITIVE_ACT
                        | f::OMIT
                        | f::FAIL_ADV
                        | f::SKIP,
                )
                && !cx.lw(j + 1).ends_with("ed")
            {
                return None;
            }
        } else {
            break;
        }
        j += 1;
        steps += 1;
    }
    if j >= s1 || !cx.t(j).is_word() {
        return None;
    }
    let t = cx.t(j);
    let w = cx.lw(j);
    let next = cx.lw(j + 1);
    // "Tomás dropped the ball", "Keanu couldn't be bothered"
    if let Some(r) = blame_phrase(cx, j, s0, s1) {
        let end = (j..s1)
            .take_while(|&q| (cx.t(q).start as usize) < r.end)
            .last()
            .unwrap_or(j);
        return Some(Kind::Other(end));
    }
    // "let the domain lapse", "allowed the certificate to expire"
    if matches!(w, "let" | "allowed") {
        if let Some(q) = (j + 1..s1.min(j + 7)).find(|&q| {
            matches!(
                cx.lw(q),
                "lapse" | "expire" | "expired" | "slip" | "rot" | "lapsed"
            )
        }) {
            return Some(Kind::Other(q));
        }
        return None;
    }
    // "Olga not following the runbook"
    if w == "not" && j + 1 < s1 && cx.lw(j + 1).ends_with("ing") && cx.t(j + 1).is_word() {
        return Some(Kind::Omission(j + 1));
    }
    // technical senses of "fail"
    if matches!(w, "failed" | "fails" | "fail")
        && matches!(next, "over" | "back" | "open" | "closed" | "safe")
    {
        return None;
    }
    if t.has(f::OMIT) && next == "to" && j + 2 < s1 && cx.t(j + 2).is_word() {
        return Some(Kind::Omission(j + 2));
    }
    // negations: didn't / did not / never / had not
    let (neg_verb, never) = match w {
        "didn't" | "didnt" | "doesn't" | "hadn't" | "haven't" | "hasn't" => (Some(j + 1), false),
        "did" | "does" | "had" | "has" if matches!(next, "not" | "never") => {
            (Some(j + 2), next == "never")
        }
        "never" => (Some(j + 1), true),
        _ => (None, false),
    };
    if let Some(v) = neg_verb {
        if v >= s1 || !cx.t(v).is_word() {
            return None;
        }
        let vt = cx.t(v);
        let vw = cx.lw(v);
        if vt.has(f::CONDITION | f::DET)
            || matches!(vw, "be" | "been" | "yet" | "always" | "need" | "a" | "the")
        {
            return None;
        }
        return Some(if never {
            Kind::Never(v)
        } else {
            Kind::Omission(v)
        });
    }
    if matches!(w, "wasn't" | "weren't" | "isn't" | "was" | "were" | "is") {
        let k = if matches!(next, "not") { j + 2 } else { j + 1 };
        let after = cx.lw(k);
        if k != j + 1 || w.ends_with("n't") {
            if matches!(
                after,
                "paying"
                    | "following"
                    | "careful"
                    | "watching"
                    | "monitoring"
                    | "checking"
                    | "looking"
                    | "reading"
                    | "attentive"
                    | "diligent"
            ) {
                return Some(Kind::Other(k));
            }
            return None;
        }
        // "was responsible for the outage", "was the root cause", "was to blame"
        if after == "responsible"
            && cx.word_is(k + 1, s1, &["for"])
            && (k + 2..s1.min(k + 6)).any(|q| FAILURE_NOUNS.contains(&cx.lw(q)))
        {
            return Some(Kind::Other(k + 1));
        }
        if (after == "to" && cx.lw(k + 1) == "blame") || (after == "at" && cx.lw(k + 1) == "fault")
        {
            return Some(Kind::Other(k + 1));
        }
        // "Priya was negligent", "Dave was clearly careless"
        let mut q = k;
        while q < s1 && q < k + 3 && cx.t(q).has(f::SKIP) {
            q += 1;
        }
        if cx.t(q).has(f::BLAME) && cx.t(q).is_word() {
            return Some(Kind::Other(q));
        }
        if let Some(c) = (k..s1.min(k + 3)).find(|&q| cx.lw(q) == "cause") {
            return Some(Kind::Other(c));
        }
        return None;
    }
    if matches!(w, "made" | "makes" | "make") {
        // "made a mistake", "made a careless error"
        let mut k = j + 1;
        if cx.t(k).has(f::DET) {
            k += 1;
        }
        for q in k..s1.min(k + 3) {
            if cx.t(q).has(f::MISTAKE) {
                return Some(Kind::Other(q));
            }
        }
        return None;
    }
    if w == "fell" && next == "for" {
        return Some(Kind::Other(j + 1));
    }
    if matches!(w, "should" | "should've" | "shouldn't" | "ought" | "could") {
        return hindsight(cx, j, s0, s1).map(|r| {
            let end = (j..s1)
                .take_while(|&q| (cx.t(q).end as usize) <= r.end)
                .last()
                .unwrap_or(j);
            Kind::Other(end)
        });
    }
    if t.has(f::FAIL) {
        return Some(Kind::Verb(j, adv));
    }
    let clause = cx.clause_end(j, s1);
    if t.has(f::DESTRUCTIVE) {
        if matches!(w, "turned" | "switched" | "shut")
            && !(j + 1..clause.min(j + 4)).any(|q| matches!(cx.lw(q), "off" | "down"))
        {
            return None;
        }
        // containment words before the verb or in its clause: "to contain the
        // breach, Priya disabled …", "deleted the attacker's key"
        if !cx.any_flag(s0, clause, f::CONTAIN) {
            return Some(Kind::Verb(j, adv));
        }
        return None;
    }
    if t.has(f::SENSITIVE_ACT) && cx.any_flag(j + 1, clause, f::SENSITIVE_OBJ) {
        let click = CLICK_VERBS.contains(&w);
        if click || !cx.any_flag(s0, clause, f::CONTAIN) {
            return Some(Kind::Verb(j, adv));
        }
        return None;
    }
    if adv.is_some() && !t.has(f::DET) {
        return Some(Kind::Verb(j, adv));
    }
    None
}

/// "… was misconfigured by Dave", "because of Dave", "an error by Dave".
fn passive_or_cause(cx: &Cx, p: &Person, s0: usize, _s1: usize) -> Option<Kind> {
    if p.first <= s0 {
        return None;
    }
    let prev = p.first - 1;
    let pw = cx.lw(prev);
    if pw == "by" && prev > s0 {
        let mut k = prev;
        let mut steps = 0;
        while k > s0 && steps < 6 {
            k -= 1;
            steps += 1;
            let t = cx.t(k);
            if t.is(shape::PUNCT) {
                break;
            }
            if t.has(f::FAIL | f::MISTAKE)
                || (t.has(f::DESTRUCTIVE) && !cx.any_flag(s0, _s1, f::CONTAIN))
                || (t.has(f::SENSITIVE_ACT)
                    && cx.any_flag(s0, _s1, f::SENSITIVE_OBJ)
                    && !cx.any_flag(s0, _s1, f::CONTAIN))
            {
                return Some(Kind::Passive(prev));
            }
        }
        return None;
    }
    if prev > s0 {
        let pp = cx.lw(prev - 1);
        if (pw == "of"
            && matches!(
                pp,
                "because" | "fault" | "mistake" | "error" | "part" | "negligence" | "carelessness"
            ))
            || (pw == "to" && matches!(pp, "due" | "owing"))
            || (pw == "on" && matches!(pp, "blame" | "blamed"))
        {
            return Some(Kind::Cause(prev - 1));
        }
    }
    None
}

fn person_finding(cx: &Cx, p: &Person, kind: Kind, s1: usize) -> Raw {
    let name = cx.name_text(p).to_string();
    let start = cx.t(p.first).start as usize;
    let at_start = cx.t(p.first).is(shape::START);
    let mut rep = None;
    let (mut s, mut e) = (start, cx.t(p.last).full_end as usize);
    let pred_end = |k: usize| cx.t(k).full_end as usize;
    match kind {
        Kind::Verb(v, adv) => {
            e = pred_end(v);
            let vw = cx.lw(v);
            if let Some(part) = past_participle(vw)
                && !matches!(vw, "caused" | "failed" | "fell")
                && let Some((o0, o1)) = object(cx, v + 1, s1)
            {
                let obj = cx.span(o0, o1);
                let adv_text = adv
                    .filter(|&a| !cx.t(a).has(f::JUDGE_ADV))
                    .map(|a| format!("{} ", cx.lw(a)))
                    .unwrap_or_default();
                rep = Some(format!(
                    "{} {} {}{}",
                    cap_if(obj, at_start),
                    be(cx, o1),
                    adv_text,
                    part
                ));
                e = cx.t(o1).full_end as usize;
            }
        }
        Kind::Omission(v) => {
            e = pred_end(v);
            if let Some((o0, o1)) = object(cx, v + 1, s1) {
                let obj = cx.span(o0, o1);
                rep = Some(format!(
                    "{} {} not {}",
                    cap_if(obj, at_start),
                    be(cx, o1),
                    participle_of_base(cx.lw(v))
                ));
                e = cx.t(o1).full_end as usize;
            }
        }
        Kind::Never(v) => {
            e = pred_end(v);
            if let Some(part) = past_participle(cx.lw(v))
                && let Some((o0, o1)) = object(cx, v + 1, s1)
            {
                let obj = cx.span(o0, o1);
                rep = Some(format!(
                    "{} {} never {}",
                    cap_if(obj, at_start),
                    be(cx, o1),
                    part
                ));
                e = cx.t(o1).full_end as usize;
            }
        }
        Kind::Possessive(_, _) => {
            // replace "Dave's" with "the": one click, and the sentence reads on
            e = cx.t(p.last).full_end as usize;
            rep = Some(if at_start {
                "The".to_string()
            } else {
                "the".to_string()
            });
        }
        Kind::Other(k) => e = pred_end(k),
        Kind::Passive(by) => {
            if by > 0 {
                s = cx.t(by - 1).full_end as usize;
                rep = Some(String::new());
            }
        }
        Kind::Cause(k) => s = cx.t(k).start as usize,
    }
    if e < s {
        e = s;
    }
    let what = match kind {
        Kind::Possessive(a, end) => format!("{} {}", cx.lw(a), cx.span(a + 1, end).trim()),
        _ => String::new(),
    };
    let message = if what.is_empty() {
        format!(
            "'{name}' is written as the agent of a failure. When a person is the cause in a review, people guard details next time; describe what happened to the system and what made it possible."
        )
    } else {
        format!(
            "'{name}' is written as the owner of a failure ('{what}'). Attach the failure to the change and the system, not to a person."
        )
    };
    let suggestion = Some(match &rep {
        Some(r) if r.is_empty() => "Remove the name; the sentence already says what happened.".to_string(),
        Some(r) => format!(
            "Rewrite as \"{r}\", then ask what made it possible: a missing check, an unclear procedure, time pressure."
        ),
        None => "Describe the action without the name (\"the certificate was not renewed\"), then what made it likely: tooling, procedure, load, what was known at the time.".to_string(),
    });
    Raw {
        rule: Rule::PersonAgent,
        start: s,
        end: e,
        message,
        suggestion,
        replacement: rep,
    }
}

/// The noun phrase after a verb: tokens up to a preposition, clause word or
/// punctuation, at most eight.
fn object(cx: &Cx, from: usize, s1: usize) -> Option<(usize, usize)> {
    let mut k = from;
    // phrasal particles: "turned off the alerts", "wiped out"
    if cx.word_is(k, s1, &["off", "down", "out", "up"]) {
        k += 1;
    }
    let o0 = k;
    while k < s1 && k < o0 + 8 {
        let t = cx.t(k);
        if t.is(shape::PUNCT) {
            break;
        }
        if t.is_word() && k > o0 && t.has(f::PREP | f::BOUNDARY) && !t.has(f::DET) {
            break;
        }
        if t.is_word() && k > o0 && t.has(f::FAIL | f::OMIT) {
            break;
        }
        k += 1;
    }
    if k == o0 {
        return None;
    }
    let first = cx.t(o0);
    if first.is_word()
        && (first.has(f::PREP | f::BOUNDARY | f::NEG | f::SUBJ) && !first.has(f::DET)
            || cx.lw(o0) == "to")
    {
        return None;
    }
    if first.is_word() && first.has(f::PRONOUN) && !matches!(cx.lw(o0), "his" | "her") {
        return None;
    }
    let mut o1 = k - 1;
    // an object cannot end in a determiner
    while o1 > o0 && cx.t(o1).has(f::DET) {
        o1 -= 1;
    }
    Some((o0, o1))
}

fn be(cx: &Cx, head: usize) -> &'static str {
    let w = cx.lw(head);
    let t = cx.t(head);
    let plural = t.is_word()
        && w.len() > 3
        && w.ends_with('s')
        && !w.ends_with("ss")
        && !w.ends_with("us")
        && !w.ends_with("is")
        && !matches!(
            w,
            "dns" | "https" | "kubernetes" | "aws" | "status" | "access" | "series" | "news"
        );
    if plural { "were" } else { "was" }
}

fn cap_if(s: &str, cap: bool) -> String {
    if !cap {
        return s.to_string();
    }
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

#[rustfmt::skip]
const IRREGULAR: &[(&str, &str)] = &[
    ("broke", "broken"), ("forgot", "forgotten"), ("overrode", "overridden"), ("overwrote", "overwritten"),
    ("misread", "misread"), ("misunderstood", "misunderstood"), ("mistook", "mistaken"), ("left", "left"),
    ("gave", "given"), ("ran", "run"), ("sent", "sent"), ("shut", "shut"), ("wrote", "written"),
    ("took", "taken"), ("put", "put"), ("set", "set"), ("cut", "cut"), ("lost", "lost"), ("hid", "hidden"),
    ("threw", "thrown"), ("stole", "stolen"), ("undid", "undone"), ("did", "done"), ("made", "made"),
    ("kept", "kept"), ("let", "let"), ("shared", "shared"), ("got", "got"), ("drove", "driven"),
    ("chose", "chosen"), ("froze", "frozen"), ("spoke", "spoken"), ("saw", "seen"), ("knew", "known"),
    ("read", "read"), ("held", "held"),
];

/// The past participle of a past-tense verb, when it is one.
fn past_participle(w: &str) -> Option<String> {
    if let Some((_, p)) = IRREGULAR.iter().find(|(k, _)| *k == w) {
        return Some((*p).to_string());
    }
    if w.ends_with("ed") && w.len() > 3 {
        return Some(w.to_string());
    }
    None
}

#[rustfmt::skip]
const IRREGULAR_BASE: &[(&str, &str)] = &[
    ("set", "set"), ("run", "run"), ("put", "put"), ("take", "taken"), ("send", "sent"), ("write", "written"),
    ("do", "done"), ("make", "made"), ("get", "got"), ("give", "given"), ("see", "seen"), ("keep", "kept"),
    ("shut", "shut"), ("read", "read"), ("tell", "told"), ("find", "found"), ("bring", "brought"),
    ("build", "built"), ("leave", "left"), ("hold", "held"), ("let", "let"), ("cut", "cut"),
    ("rebuild", "rebuilt"), ("rerun", "rerun"), ("reset", "reset"), ("override", "overridden"),
    ("rewrite", "rewritten"), ("undo", "undone"), ("spin", "spun"), ("tear", "torn"), ("lock", "locked"),
    ("stop", "stopped"), ("drop", "dropped"), ("ship", "shipped"), ("plan", "planned"), ("commit", "committed"),
    ("submit", "submitted"), ("tag", "tagged"), ("log", "logged"), ("scan", "scanned"), ("pin", "pinned"),
    ("flag", "flagged"), ("map", "mapped"), ("wrap", "wrapped"), ("audit", "audited"), ("edit", "edited"),
    ("visit", "visited"), ("limit", "limited"), ("permit", "permitted"), ("admit", "admitted"),
    ("refer", "referred"), ("transfer", "transferred"), ("patch", "patched"),
];

/// "renew" → "renewed", "set" → "set", "apply" → "applied".
fn participle_of_base(w: &str) -> String {
    if let Some((_, p)) = IRREGULAR_BASE.iter().find(|(k, _)| *k == w) {
        return (*p).to_string();
    }
    if w.ends_with("ed") {
        return w.to_string();
    }
    if w.ends_with('e') {
        return format!("{w}d");
    }
    let b = w.as_bytes();
    if b.len() > 2
        && b[b.len() - 1] == b'y'
        && !matches!(b[b.len() - 2], b'a' | b'e' | b'i' | b'o' | b'u')
    {
        return format!("{}ied", &w[..w.len() - 1]);
    }
    format!("{w}ed")
}

// ---------------------------------------------------------------------------
// blame and judgement

fn negated_before(cx: &Cx, i: usize, s0: usize, window: usize) -> bool {
    let from = i.saturating_sub(window).max(s0);
    (from..i).any(|k| {
        let t = cx.t(k);
        t.has(f::NEG) && !matches!(cx.lw(k), "no" if false)
    })
}

fn blame_raw(cx: &Cx, a: usize, b: usize, replacement: Option<(usize, usize, String)>) -> Raw {
    let matched = cx.span(a, b).to_string();
    let (start, end, rep) = match replacement {
        Some((s, e, r)) => (s, e, Some(r)),
        None => (cx.t(a).start as usize, cx.t(b).full_end as usize, None),
    };
    Raw {
        rule: Rule::Blame,
        start,
        end,
        message: format!(
            "'{matched}' judges a person instead of describing what happened. Judgement teaches people to hide details; the review needs the conditions around the action."
        ),
        suggestion: Some(
            "Describe the action and what made it easy to get wrong: a missing safeguard, an unclear procedure, fatigue, time pressure."
                .to_string(),
        ),
        replacement: rep,
    }
}

fn blame_word(cx: &Cx, i: usize, s0: usize, s1: usize) -> Option<Raw> {
    let w = cx.lw(i);
    let next = if i + 1 < s1 { cx.lw(i + 1) } else { "" };
    let prev = if i > s0 { cx.lw(i - 1) } else { "" };
    if matches!(w, "lazy" | "lazily") && TECH_AFTER_LAZY.contains(&next) {
        return None;
    }
    if w == "sloppy" && next == "quorum" {
        return None;
    }
    if w == "dumb" && TECH_AFTER_DUMB.contains(&next) {
        return None;
    }
    // "the report blames user error": attribution to a cause, which the
    // human-error rule judges
    if matches!(w, "blames" | "blamed" | "blaming" | "blame")
        && (i + 1..s1.min(i + 4))
            .any(|k| matches!(cx.lw(k), "human" | "operator" | "user" | "pilot"))
    {
        return None;
    }
    if w.starts_with("blam") {
        // git blame, blame output; "we do not blame", "no blame"
        if matches!(prev, "git" | "svn" | "hg" | "cvs" | "the") && w == "blame"
            || matches!(
                next,
                "output"
                    | "view"
                    | "annotations"
                    | "annotation"
                    | "log"
                    | "shows"
                    | "showed"
                    | "data"
                    | "-w"
                    | "--"
            )
        {
            return None;
        }
    }
    if w == "guilty" && !cx.any_flag(s0, s1, f::PRONOUN) && !(s0..s1).any(|k| is_name_tok(&cx.t(k)))
    {
        return None;
    }
    if negated_before(cx, i, s0, 3) {
        return None;
    }
    // "to blame" reads as one phrase
    let a = if w == "blame" && prev == "to" {
        i - 1
    } else {
        i
    };
    let rep = if cx.t(i).has(f::JUDGE_ADV) && i + 1 < s1 && cx.t(i + 1).is_word() {
        // "carelessly deleted" → "deleted"
        Some((
            cx.t(i).start as usize,
            cx.t(i + 1).start as usize,
            String::new(),
        ))
    } else {
        None
    };
    Some(blame_raw(cx, a, i, rep))
}

/// Matches `pat` (alternatives per slot; a slot starting with "?" is optional)
/// at token `i`; returns the last token matched.
fn seq(cx: &Cx, i: usize, s1: usize, pat: &[&[&str]]) -> Option<usize> {
    let mut k = i;
    let mut last = i;
    for slot in pat {
        let optional = slot.first().is_some_and(|s| s.starts_with('?'));
        let hit = k < s1
            && cx.t(k).is_word()
            && slot.iter().any(|s| s.trim_start_matches('?') == cx.lw(k));
        if hit {
            last = k;
            k += 1;
        } else if !optional {
            return None;
        }
    }
    Some(last)
}

#[rustfmt::skip]
const BLAME_PHRASES: &[&[&[&str]]] = &[
    &[
        &["drop", "drops", "dropped", "dropping"],
        &["the"],
        &["ball"],
    ],
    &[&["screw", "screws", "screwed", "screwing"], &["up"]],
    &[&["mess", "messes", "messed", "messing"], &["up"]],
    &[&["at"], &["fault"]],
    &[
        &["could", "can", "couldn't", "can't", "cannot"],
        &["?not"],
        &["be"],
        &["bothered"],
    ],
    &[&["wasn't", "weren't"], &["bothered"]],
    &[
        &[
            "not", "didn't", "wasn't", "weren't", "isn't", "aren't", "don't", "doesn't", "never",
        ],
        &["?to"],
        &["do", "doing", "did"],
        &["his", "her", "their", "your", "my", "our", "the"],
        &["job", "jobs"],
    ],
    &[&["asleep"], &["at"], &["the"], &["wheel", "switch"]],
    &[&["cut", "cuts", "cutting"], &["corners", "corner"]],
    &[&["fat"], &["finger", "fingered", "fingers", "fingering"]],
    &[
        &["lapse", "lapses"],
        &["in", "of"],
        &["judgement", "judgment", "concentration", "attention"],
    ],
    &[&["poor", "bad"], &["judgement", "judgment"]],
    &[&["known"], &["better"]],
    &[&["no"], &["excuse"]],
    &[
        &[
            "wasn't", "weren't", "not", "stop", "stops", "stopped", "stopping",
        ],
        &["paying"],
        &["attention"],
    ],
    &[&["ball"], &["was", "got", "gets", "is"], &["dropped"]],
    &[&["didn't"], &["pay"], &["attention"]],
    &[&["his", "her", "their", "my", "your", "our"], &["fault"]],
    &[&["more"], &["careful", "attentive", "diligent", "vigilant"]],
    &[
        &["wasn't", "weren't", "not"],
        &["careful", "attentive", "diligent", "vigilant"],
    ],
    &[
        &["responsible"],
        &["for"],
        &["the"],
        &[
            "outage", "breach", "incident", "leak", "mistake", "exposure",
        ],
    ],
];

/// First words of the built-in blame phrases: the tokenizer marks them so that
/// the phrase check runs only where a phrase can start.
pub(crate) fn phrase_starters() -> impl Iterator<Item = (usize, &'static str)> {
    BLAME_PHRASES.iter().enumerate().flat_map(|(i, p)| {
        p.first()
            .into_iter()
            .flat_map(move |slot| slot.iter().map(move |w| (i, *w)))
    })
}

fn blame_phrase(cx: &Cx, i: usize, s0: usize, s1: usize) -> Option<Raw> {
    let mut bits = cx.t(i).phrases;
    while bits != 0 {
        let k = bits.trailing_zeros() as usize;
        bits &= bits - 1;
        let Some(pat) = BLAME_PHRASES.get(k) else {
            break;
        };
        if let Some(last) = seq(cx, i, s1, pat) {
            // "nobody was at fault", "no one is to blame"
            if matches!(
                cx.lw(i),
                "at" | "his" | "her" | "their" | "my" | "your" | "our" | "responsible"
            ) && negated_before(cx, i, s0, 4)
            {
                return None;
            }
            // "responsible for the outage" is blame only when a person is meant
            if cx.lw(i) == "responsible" {
                let person_before =
                    (s0..i).any(|k| is_name_tok(&cx.t(k)) || cx.t(k).has(f::PRONOUN));
                if !person_before {
                    return None;
                }
            }
            return Some(blame_raw(cx, i, last, None));
        }
    }
    // "Dave's fault", "the fault lies with"
    if i < s1 && cx.lw(i) == "fault" {
        if i > s0 && cx.t(i - 1).is(shape::POSS) && !negated_before(cx, i, s0, 3) {
            return Some(blame_raw(cx, i - 1, i, None));
        }
        if let Some(last) = seq(
            cx,
            i,
            s1,
            &[&["fault"], &["lies", "lay", "lie", "lay"], &["with"]],
        ) {
            return Some(blame_raw(cx, i, last, None));
        }
    }
    None
}

fn extra_phrase(cx: &Cx, i: usize, s1: usize) -> Option<Raw> {
    if !cx.t(i).has(f::EXTRA_PHRASE) {
        return None;
    }
    for (words, rule) in &cx.extras.phrases {
        if words.first().map(String::as_str) != Some(cx.lw(i)) {
            continue;
        }
        let mut k = i;
        let mut ok = true;
        for w in words {
            if k < s1 && cx.t(k).is_word() && cx.lw(k) == w {
                k += 1;
            } else {
                ok = false;
                break;
            }
        }
        if ok && k > i {
            let mut r = match rule {
                Rule::Hindsight => hindsight_raw(cx, i, k - 1, None),
                Rule::HumanError => human_raw(cx, i, k - 1, false),
                _ => blame_raw(cx, i, k - 1, None),
            };
            r.rule = *rule;
            return Some(r);
        }
    }
    None
}

// ---------------------------------------------------------------------------
// hindsight

fn hindsight_raw(cx: &Cx, a: usize, b: usize, rep: Option<(usize, usize, String)>) -> Raw {
    let matched = cx.span(a, b).to_string();
    let (start, end, replacement) = match rep {
        Some((s, e, r)) => (s, e, Some(r)),
        None => (cx.t(a).start as usize, cx.t(b).full_end as usize, None),
    };
    Raw {
        rule: Rule::Hindsight,
        start,
        end,
        message: format!(
            "'{matched}' judges a past action with knowledge that was not available at the time (hindsight bias). It teaches \"be more careful\", not how to make the system safer."
        ),
        suggestion: Some(
            "Describe what the people involved knew and saw at the time and why their action made sense then; put the improvement in an action item."
                .to_string(),
        ),
        replacement,
    }
}

fn is_participle(cx: &Cx, k: usize, s1: usize) -> bool {
    if k >= s1 || !cx.t(k).is_word() {
        return false;
    }
    let w = cx.lw(k);
    cx.t(k).has(f::PARTICIPLE | f::FAIL) && !cx.t(k).has(f::DET)
        || (w.len() > 3
            && (w.ends_with("ed") || w.ends_with("wn") || w.ends_with("ght"))
            && !w.ends_with("need"))
}

#[rustfmt::skip]
const HINDSIGHT_ADVERBS: &[&str] = &[
    "easily", "simply", "just", "really", "probably", "obviously", "clearly", "at", "least", "also",
    "definitely", "certainly", "surely",
];
#[rustfmt::skip]
const PREVENTABLE: &[&str] = &[
    "prevented", "avoided", "caught", "spotted", "noticed", "stopped", "known", "checked", "detected", "seen",
    "asked", "escalated", "verified", "tested", "realised", "realized", "flagged", "blocked",
];

fn hindsight(cx: &Cx, i: usize, s0: usize, s1: usize) -> Option<Raw> {
    let w = cx.lw(i);
    match w {
        "should" | "should've" | "shouldn't" | "shoulda" | "ought" => {
            let mut k = i + 1;
            if w == "should" || w == "shouldn't" {
                if cx.word_is(k, s1, &["not", "never"]) {
                    k += 1;
                }
                if !cx.word_is(k, s1, &["have", "of"]) {
                    return None;
                }
                k += 1;
            } else if w == "ought" {
                k = seq(cx, k, s1, &[&["?not"], &["to"], &["have"]])? + 1;
            } else if w == "shoulda" {
                // "shoulda" stands for "should have"
            }
            while k < s1 && HINDSIGHT_ADVERBS.contains(&cx.lw(k)) {
                k += 1;
            }
            if is_participle(cx, k, s1) {
                return Some(hindsight_raw(cx, i, k, None));
            }
            None
        }
        "could" => {
            // "could easily have", "could have prevented", "could have been avoided"
            let easy = seq(cx, i + 1, s1, &[&["easily", "simply", "just"], &["have"]])
                .or_else(|| seq(cx, i + 1, s1, &[&["have"], &["easily", "simply", "just"]]));
            if let Some(e) = easy {
                let end = if is_participle(cx, e + 1, s1) {
                    e + 1
                } else {
                    e
                };
                return Some(hindsight_raw(cx, i, end, None));
            }
            if cx.word_is(i + 1, s1, &["have"]) {
                let mut k = i + 2;
                if cx.word_is(k, s1, &["been"]) {
                    k += 1;
                }
                if cx.word_is(k, s1, PREVENTABLE) {
                    return Some(hindsight_raw(cx, i, k, None));
                }
            }
            None
        }
        "would" | "wouldn't" => {
            if let Some(e) = seq(
                cx,
                i + 1,
                s1,
                &[&["?not", "?never"], &["have"], &["happened", "occurred"]],
            ) {
                let from = i.saturating_sub(4).max(s0);
                let neg = w == "wouldn't"
                    || matches!(cx.lw(i + 1), "not" | "never")
                    || (from..i).any(|q| matches!(cx.lw(q), "none" | "nothing" | "never"));
                if neg {
                    return Some(hindsight_raw(cx, i, e, None));
                }
            }
            if let Some(e) = seq(
                cx,
                i + 1,
                s1,
                &[
                    &["have"],
                    &["been"],
                    &["prevented", "avoided", "caught", "stopped", "detected"],
                ],
            ) {
                return Some(hindsight_raw(cx, i, e, None));
            }
            if let Some(e) = seq(
                cx,
                i + 1,
                s1,
                &[
                    &["have"],
                    &[
                        "prevented",
                        "avoided",
                        "caught",
                        "stopped",
                        "spotted",
                        "noticed",
                    ],
                ],
            ) {
                return Some(hindsight_raw(cx, i, e, None));
            }
            None
        }
        "if" => seq(cx, i, s1, &[&["if"], &["only"]]).map(|e| hindsight_raw(cx, i, e, None)),
        "obviously" => {
            if i > s0
                && matches!(
                    cx.lw(i - 1),
                    "not" | "wasn't" | "isn't" | "weren't" | "aren't"
                )
            {
                return None;
            }
            Some(adverb_hindsight(cx, i, s1))
        }
        "clearly" => clearly(cx, i, s0, s1),
        "obvious" => {
            let prev = if i > s0 { cx.lw(i - 1) } else { "" };
            let next = cx.lw(i + 1);
            if matches!(
                prev,
                "not" | "no" | "non" | "wasn't" | "isn't" | "weren't" | "aren't" | "less"
            ) {
                return None;
            }
            if matches!(
                prev,
                "was"
                    | "were"
                    | "is"
                    | "seems"
                    | "seemed"
                    | "looked"
                    | "been"
                    | "so"
                    | "very"
                    | "pretty"
                    | "quite"
            ) || matches!(
                next,
                "mistake"
                    | "mistakes"
                    | "error"
                    | "errors"
                    | "oversight"
                    | "sign"
                    | "signs"
                    | "warning"
                    | "warnings"
                    | "red"
                    | "blunder"
            ) {
                let a = if matches!(prev, "so" | "very" | "pretty" | "quite") {
                    i - 1
                } else {
                    i
                };
                return Some(hindsight_raw(cx, a, i, None));
            }
            None
        }
        _ => None,
    }
}

#[rustfmt::skip]
const MANNER: &[&str] = &[
    "documented", "labelled", "labeled", "defined", "written", "stated", "marked", "communicated", "explained",
    "described", "separated", "identified", "indicated", "state", "states", "label", "define", "document",
    "mark", "explain", "identify", "describe", "communicate", "separate", "show", "shows", "showed", "shown",
    "showing", "see", "saw", "seen", "distinguish", "distinguished", "understood", "understand", "outlined",
    "delineated", "structured", "named", "tell", "demonstrates", "demonstrated", "establish", "established",
    "attributable", "reproducible", "reproduced", "audible", "readable", "legible", "signposted", "scoped",
];
#[rustfmt::skip]
const JUDGED: &[&str] = &[
    "wrong", "negligent", "careless", "unsafe", "risky", "dangerous", "reckless", "avoidable", "preventable",
    "inadequate", "insufficient", "bad", "a", "an", "not", "should", "ignored", "missed", "failed", "didn't",
    "knew", "obvious", "broken", "incorrect", "mistaken", "irresponsible", "unacceptable", "at", "to",
    "visible", "incompetent", "sloppy", "lazy", "apparent", "evident", "malicious", "suspicious",
];

fn clearly(cx: &Cx, i: usize, s0: usize, s1: usize) -> Option<Raw> {
    let prev = if i > s0 { cx.lw(i - 1) } else { "" };
    let next = cx.lw(i + 1);
    let next_t = cx.t(i + 1);
    if i + 1 >= s1 {
        return None;
    }
    if MANNER.contains(&next) {
        return None;
    }
    let start = i == s0 || cx.t(i).is(shape::START);
    if start {
        // "Clearly, …" / "Clearly the alert was ignored" but not "Clearly label …"
        if next_t.punct == b','
            || next_t.has(f::DET | f::PRONOUN | f::SUBJ)
            || is_name_tok(&next_t)
            || next == "it"
        {
            return Some(adverb_hindsight(cx, i, s1));
        }
        return None;
    }
    if matches!(
        prev,
        "should"
            | "must"
            | "will"
            | "would"
            | "can"
            | "could"
            | "may"
            | "might"
            | "shall"
            | "to"
            | "be"
            | "more"
            | "less"
            | "very"
            | "not"
            | "so"
            | "how"
            | "and"
            | "or"
            | "is"
            | "are"
    ) {
        return None;
    }
    let pt = cx.t(i - 1);
    let subject_before =
        pt.is_word() && !pt.has(f::PREP | f::DET | f::BOUNDARY) && !pt.is(shape::PUNCT);
    let past_next = next_t.is_word()
        && (next.ends_with("ed")
            || next_t.has(f::FAIL | f::PARTICIPLE | f::NEG | f::DESTRUCTIVE)
            || next == "knew");
    if subject_before && (past_next || JUDGED.contains(&next)) {
        return Some(adverb_hindsight(cx, i, s1));
    }
    if matches!(prev, "was" | "were" | "had" | "has") && JUDGED.contains(&next) {
        return Some(adverb_hindsight(cx, i, s1));
    }
    None
}

/// "obviously"/"clearly": removing the adverb is the rewrite.
fn adverb_hindsight(cx: &Cx, i: usize, s1: usize) -> Raw {
    let t = cx.t(i);
    let next = cx.t(i + 1);
    let rep = if i + 1 < s1 && next.punct == b',' && t.is(shape::START) {
        // "Obviously, the alert" → "The alert"
        if i + 2 < s1 && cx.t(i + 2).is_word() {
            let w = cx.span(i + 2, i + 2);
            Some((
                t.start as usize,
                cx.t(i + 2).full_end as usize,
                cap_if(w, true),
            ))
        } else {
            None
        }
    } else if i + 1 < s1 && next.is_word() {
        if t.is(shape::START) {
            let w = cx.span(i + 1, i + 1);
            Some((t.start as usize, next.full_end as usize, cap_if(w, true)))
        } else {
            Some((t.start as usize, next.start as usize, String::new()))
        }
    } else {
        None
    };
    hindsight_raw(cx, i, i, rep)
}

// ---------------------------------------------------------------------------
// human error

fn human_raw(cx: &Cx, a: usize, b: usize, at_start: bool) -> Raw {
    let matched = cx.span(a, b).to_string();
    let rep = if at_start {
        "The conditions that made this action likely (…)"
    } else {
        "the conditions that made this action likely (…)"
    };
    Raw {
        rule: Rule::HumanError,
        start: cx.t(a).start as usize,
        end: cx.t(b).full_end as usize,
        message: format!(
            "'{matched}' is offered as a cause. Human error is where an investigation starts, not where it ends: ask what made the action possible, likely or hard to catch."
        ),
        suggestion: Some(
            "Name the conditions instead: what the person saw, what the tool allowed, what the procedure said, what else was going on."
                .to_string(),
        ),
        replacement: Some(rep.to_string()),
    }
}

/// "Human error is where an investigation starts", "… is a symptom".
#[rustfmt::skip]
const HUMAN_ERROR_IS: &[&str] = &[
    "where", "symptom", "starting", "start", "never", "rarely", "not", "only", "label", "description",
    "question",
];

fn human_error(cx: &Cx, i: usize, s0: usize, s1: usize) -> Option<Raw> {
    let w = cx.lw(i);
    let end = match w {
        "human" | "operator" | "user" | "pilot" | "operators" | "users" => seq(
            cx,
            i + 1,
            s1,
            &[&[
                "error", "errors", "mistake", "mistakes", "failure", "failures",
            ]],
        )?,
        "pebkac" | "pebcak" | "id10t" | "picnic" | "layer-8" => {
            if w == "picnic" && !cx.t(i).is(shape::ALLCAPS) {
                return None;
            }
            i
        }
        "layer" => seq(
            cx,
            i + 1,
            s1,
            &[&["8", "eight"], &["?issue", "?problem", "?error"]],
        )?,
        _ => return None,
    };
    if matches!(w, "operators" | "users") && cx.lw(end).starts_with("fail") {
        return None;
    }
    // "human error rates", "user error page": a modifier, not a cause
    if end + 1 < s1 {
        let nt = cx.t(end + 1);
        let nw = cx.lw(end + 1);
        let joins = f::PREP
            | f::BOUNDARY
            | f::VERB
            | f::FAIL
            | f::SKIP
            | f::CAUSE
            | f::DET
            | f::NEG
            | f::OMIT;
        if nt.is_word()
            && nt.flags & joins == 0
            && !nw.ends_with("ed")
            && !matches!(nw, "is" | "was" | "are" | "were")
        {
            return None;
        }
    }
    // not "rather than human error", "not just human error", "no longer accept human error"
    let from = i.saturating_sub(5).max(s0);
    if (from..i)
        .any(|k| cx.t(k).has(f::NEG) || matches!(cx.lw(k), "than" | "beyond" | "past" | "behind"))
    {
        return None;
    }
    // "reduce the chance of operator error" is a remedy, not a cause
    let from = i.saturating_sub(6).max(s0);
    if (from..i).any(|k| cx.t(k).has(f::PREVENT)) {
        return None;
    }
    // "human error is where an investigation starts", "… is a symptom"
    if let Some(k) = seq(
        cx,
        end + 1,
        s1,
        &[
            &["is", "was", "are"],
            &["?a", "?the", "?only", "?never", "?rarely", "?not"],
        ],
    ) && (end + 2..=k + 1).any(|q| HUMAN_ERROR_IS.contains(&cx.lw(q)))
    {
        return None;
    }
    let words = (s0..s1).filter(|&k| cx.t(k).is_word()).count();
    let causal = (s0..s1).any(|k| k != i && k != end && cx.t(k).has(f::CAUSE))
        || (s0..s1).any(|k| matches!(cx.lw(k), "down") && cx.word_is(k + 1, s1, &["to"]));
    let copula = i > s0
        && (s0..i).rev().take(4).any(|k| {
            matches!(
                cx.lw(k),
                "was" | "is" | "were" | "chalked" | "classic" | "simple" | "plain"
            )
        });
    let mut a = i;
    if a > s0 && cx.word_is(a - 1, s1, &["a", "an"]) {
        a -= 1;
    }
    let labelled = a > s0 && cx.t(a - 1).punct == b':';
    if causal || words <= 4 || copula || labelled {
        let at_start = cx.t(a).is(shape::START);
        return Some(human_raw(cx, a, end, at_start));
    }
    None
}
