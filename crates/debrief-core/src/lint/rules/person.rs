//! People: names, pronouns, handles and email addresses, and whether one is
//! the agent of a failure (person-agent) or named neutrally (person-named).

use super::*;

#[derive(Clone, Copy, Debug)]
pub(crate) struct Person {
    pub(super) first: usize,
    pub(super) last: usize,
    pub(super) pronoun: bool,
    pub(super) consumed: bool,
}

/// How a person is the agent of a failure.
#[derive(Clone, Copy, Debug)]
pub(super) enum Kind {
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
pub(super) const GROUP_HANDLES: &[&str] = &[
    "@here", "@channel", "@everyone", "@all", "@oncall", "@on-call", "@security", "@sre", "@ops", "@infra",
];
#[rustfmt::skip]
pub(super) const ROLE_MAILBOXES: &[&str] = &[
    "security", "noreply", "no-reply", "alerts", "alert", "ops", "support", "admin", "root", "postmaster",
    "abuse", "info", "team", "oncall", "on-call", "soc", "it", "helpdesk", "help", "hr", "legal", "privacy",
    "dpo", "notifications", "bot", "ci", "builds", "sre", "incident", "incidents", "cert", "csirt", "psirt",
    "devops",
];
#[rustfmt::skip]
pub(super) const PARTICLES: &[&str] = &[
    "van", "de", "da", "von", "der", "den", "del", "della", "di", "du", "la", "le", "bin", "ibn", "al", "el",
    "dos", "das", "ten", "ter", "y",
];
/// Actions that are a failure when their object is a lure (phishing link, macro).
#[rustfmt::skip]
pub(super) const CLICK_VERBS: &[&str] = &[
    "clicked", "opened", "downloaded", "entered", "typed", "installed", "executed", "approved", "ran",
];

#[rustfmt::skip]
pub(super) const FAILURE_NOUNS: &[&str] = &[
    "outage", "outages", "breach", "incident", "leak", "exposure", "mistake", "error", "failure", "compromise",
    "misconfiguration", "downtime", "loss", "deletion", "problem", "issue", "bug", "regression",
];

pub(super) fn is_name_tok(t: &Tok) -> bool {
    t.is_word()
        && t.is(shape::CAP)
        && !t.is(shape::ALLCAPS)
        && t.has(f::GIVEN | f::DIR_GIVEN | f::DIR_FAMILY)
        && !t.has(f::TOOL)
}

pub(super) fn verbish(cx: &Cx, k: usize, s1: usize) -> bool {
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
pub(super) fn agent(
    cx: &Cx,
    p: &Person,
    s0: usize,
    s1: usize,
    persons: &mut [Person],
) -> Option<Kind> {
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
pub(super) fn predicate(cx: &Cx, j0: usize, s0: usize, s1: usize) -> Option<Kind> {
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
pub(super) fn passive_or_cause(cx: &Cx, p: &Person, s0: usize, _s1: usize) -> Option<Kind> {
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

pub(super) fn person_finding(cx: &Cx, p: &Person, kind: Kind, s1: usize) -> Raw {
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
pub(super) fn object(cx: &Cx, from: usize, s1: usize) -> Option<(usize, usize)> {
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

pub(super) fn be(cx: &Cx, head: usize) -> &'static str {
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
