//! People: names, pronouns, handles and email addresses, and whether one is
//! the agent of a failure (person-agent) or named neutrally (person-named).

use super::*;

#[derive(Clone, Copy, Debug)]
pub(crate) struct Person {
    pub(super) first: usize,
    pub(super) last: usize,
    pub(super) pronoun: bool,
    pub(super) consumed: bool,
    /// A role or team ("the contractor"), not a name.
    pub(super) role: bool,
}

impl Person {
    pub(super) fn at(first: usize, last: usize) -> Person {
        Person {
            first,
            last,
            pronoun: false,
            consumed: false,
            role: false,
        }
    }
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
    /// "It was Dave who …", "Dave, of all people, …" (first and last token).
    Emphatic(usize, usize),
    /// "Had Dave checked …", "if the reviewer had read it" (first and last token).
    Counterfactual(usize, usize),
    /// "… because Dave pushed …" (the verb).
    Because(usize),
    /// "Dave chose to postpone the fix rather than …" (choice verb, last token).
    Choice(usize, usize),
}

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

/// Prepositions after which a role is an object, never the subject of what follows.
#[rustfmt::skip]
const OBJECT_PREPS: &[&str] = &[
    "at", "in", "into", "from", "for", "with", "on", "over", "under", "via", "through", "across", "during",
    "without", "despite", "about", "among", "between", "near", "of", "to", "by",
];

/// Things a person uses whose failure is blamed on them: "Dave's laptop".
#[rustfmt::skip]
const POSSESSIONS: &[&str] = &[
    "laptop", "laptops", "spreadsheet", "password", "passwords", "usb", "phone", "account", "credentials",
    "workstation", "machine", "pc", "desktop", "browser",
];

/// An artefact or a possession at `k`.
pub(super) fn owned(cx: &Cx, k: usize) -> bool {
    let t = cx.t(k);
    t.is_word() && (t.has(f::ARTIFACT) || POSSESSIONS.contains(&cx.lw(k).trim_end_matches("'s")))
}

/// Roles that are organisations: what they own is a product, not a person's act.
#[rustfmt::skip]
pub(super) const ORG_ROLES: &[&str] = &[
    "vendor", "vendors", "provider", "providers", "msp", "agency", "company", "supplier", "suppliers",
    "integrator", "partner", "partners", "isp", "host", "manufacturer",
];

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
    let possessive =
        cx.t(last).is(shape::POSS) || (p.pronoun && matches!(pw, "his" | "her" | "your"));
    if let Some(k) = on_person(cx, p, s0, s1) {
        return Some(k);
    }
    if p.pronoun && pw == "him" {
        return passive_or_cause(cx, p, s0, s1);
    }
    if let Some(k) = sarcastic_thanks(cx, p, s0, s1)
        .or_else(|| named_cause(cx, p, s0, s1))
        .or_else(|| own_doing(cx, p, s1))
    {
        return Some(k);
    }
    let mut j = last + 1;
    // "the vendor's update broke the agent": an organisation's artefact is its
    // product; a person it employs ("the vendor's installer") is found on its own
    if possessive
        && p.role
        && ORG_ROLES.contains(&cx.lw(last).trim_end_matches("'s"))
        && !cx.t(j).has(f::MISTAKE)
    {
        // "the kiosk vendor's installer forgot to change …": only a person forgets to
        return (j..s1.min(j + 3))
            .find(|&k| {
                cx.word_is(k, s1, &["forgot", "neglected"]) && cx.word_is(k + 1, s1, &["to"])
            })
            .filter(|&k| (j..k).all(|q| cx.t(q).is_word() && !cx.t(q).has(f::VERB | f::DET)))
            .map(|k| Kind::Omission(k + 1));
    }
    if possessive {
        // "a lapse on the release manager's part"
        if cx.word_is(j, s1, &["part"])
            && p.first >= s0 + 2
            && cx.lw(p.first - 1) == "on"
            && (s0..p.first).any(|k| cx.t(k).has(f::MISTAKE))
        {
            return Some(Kind::Cause(p.first - 1));
        }
        // skip up to two modifiers: "Dave's untested Terraform change"
        let mut a = j;
        while a < s1 && a < j + 3 {
            let t = cx.t(a);
            if t.has(f::MISTAKE) && t.is_word() {
                return Some(Kind::Other(a));
            }
            if owned(cx, a) {
                break;
            }
            // "Sarah's misconfigured rule": a participle before the artefact
            let participle = t.has(f::FAIL) && cx.lw(a).ends_with("ed") && owned(cx, a + 1);
            if !(t.is_word() || t.is(shape::CODE))
                || (t.has(f::DET | f::VERB | f::FAIL | f::BOUNDARY) && !participle)
            {
                return passive_or_cause(cx, p, s0, s1);
            }
            a += 1;
        }
        if a >= s1 || !owned(cx, a) {
            return passive_or_cause(cx, p, s0, s1);
        }
        // "Dave's pull request", "Grace's config change", "Chen's cron job"
        let mut art_end = a;
        while art_end + 1 < s1
            && (cx.word_is(art_end + 1, s1, &["request", "requests", "job", "jobs"])
                || owned(cx, art_end + 1)
                || cx.word_is(art_end + 1, s1, &["stick", "key"]))
        {
            art_end += 1;
        }
        // "Fatima's approval of the change caused the outage"
        let clause = cx.clause_end(art_end, s1).min(art_end + 10);
        // "Chidi's query locked the table and caused the outage"
        let and_cause = cx
            .word_is(clause, s1, &["and"])
            .then(|| cause_pred(cx, clause + 1, s1))
            .flatten();
        if let Some(e) = (art_end + 1..clause)
            .find_map(|k| cause_pred(cx, k, s1))
            .or(and_cause)
        {
            return Some(Kind::Possessive(a, e));
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
    let before_apposition = j;
    if j < s1
        && cx.t(j).punct == b','
        && let Some(c) = (j + 1..(j + 9).min(s1)).find(|&k| cx.t(k).punct == b',')
        && !cx.any_flag(j + 1, c, f::FAIL | f::NEG)
        && seq(cx, j + 1, s1, &[&["of"], &["all"], &["people"]]).is_none()
    {
        j = c + 1;
    }
    // "the SRE on duty", "someone on the night shift"
    j = skip_after(cx, j, s1);
    // "a breach at our vendor exposed …": a role after a preposition is not the subject
    if p.role && p.first > s0 && cx.word_is(p.first - 1, s1, OBJECT_PREPS) {
        return emphatic(cx, p, j, s0, s1).or_else(|| passive_or_cause(cx, p, s0, s1));
    }
    if let Some(k) = emphatic(
        cx,
        p,
        before_apposition.max(j.min(before_apposition + 1)),
        s0,
        s1,
    )
    .or_else(|| emphatic(cx, p, j, s0, s1))
    .or_else(|| counterfactual(cx, p, j, s0, s1))
    {
        return Some(k);
    }
    // "because the vendor had not released a fix": an organisation's state is
    // the reason for a decision, not an omission to blame
    let org_reason = p.role
        && ORG_ROLES.contains(&cx.lw(last))
        && (p.first.saturating_sub(3).max(s0)..p.first)
            .any(|k| matches!(cx.lw(k), "because" | "since" | "as" | "until" | "while"));
    let ok = |k: &Kind| {
        (!p.role || role_act(cx, k))
            && !(org_reason && matches!(k, Kind::Omission(_) | Kind::Never(_)))
    };
    predicate(cx, j, s0, s1)
        .filter(ok)
        .or_else(|| relative(cx, j, s0, s1).filter(ok))
        .or_else(|| because(cx, p, j, s0, s1))
        .or_else(|| gerund_cause(cx, j, s1))
        .or_else(|| passive_or_cause(cx, p, s0, s1))
        .or_else(|| scare_reason(cx, j, s1))
}

/// "Julia bypassed the check because the change was "small"": the person's
/// act, then a reason in scare quotes, which judges the decision.
fn scare_reason(cx: &Cx, j: usize, s1: usize) -> Option<Kind> {
    let v = j + usize::from(cx.word_is(j, s1, &["then", "just", "simply"]));
    let verb = cx.t(v);
    if !(verb.is_word() && cx.lw(v).ends_with("ed") && !verb.has(f::DET | f::BOUNDARY)) {
        return None;
    }
    let b = (v + 1..s1.min(v + 8)).find(|&k| cx.word_is(k, s1, &["because", "since"]))?;
    let quoted = |k: usize| {
        let (e, n) = (cx.t(k).full_end as usize, cx.t(k + 1).start as usize);
        cx.text
            .get(e.min(n)..n.max(e))
            .is_some_and(|g| g.contains(['"', '\u{201c}', '\u{201d}']))
    };
    let q = (b..s1.min(b + 8)).find(|&k| quoted(k))?;
    (q + 1 < s1).then_some(Kind::Choice(v, q + 1))
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
    // "chose to postpone the fix rather than …", "made the call to wait instead of …"
    if t.has(f::CHOICE) {
        return choice(cx, j, s1).or_else(|| loose_choice(cx, j, s1));
    }
    if let Some(k) = loose_choice(cx, j, s1) {
        return Some(k);
    }
    if w == "made"
        && matches!(next, "the" | "a")
        && let Some(k) = choice(cx, j, s1)
    {
        return Some(k);
    }
    // "led to the outage", "resulted in the lockout"
    if matches!(w, "led" | "resulted")
        && let Some(e) = cause_pred(cx, j, s1)
    {
        return Some(Kind::Other(e));
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
        // "let the tailgater through", "let the attacker in"
        if w == "let"
            && let Some(q) = (j + 2..s1.min(j + 6)).find(|&q| matches!(cx.lw(q), "through" | "in"))
            && !cx.t(q - 1).has(f::DET | f::PREP)
            && !system_reason(cx, q, s1)
        {
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
        // "was ignoring the alerts"
        if k == j + 1 && cx.t(k).has(f::FAIL) && cx.t(k).is_word() && after.ends_with("ing") {
            return Some(Kind::Verb(k, adv));
        }
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
    // "slept through the page"
    if w == "slept" && next == "through" {
        return Some(Kind::Other(j + 1));
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
    // "restarted the primary by mistake", "tagged the wrong commit in error"
    if let Some(m) = slip_marker(cx, j, clause) {
        return Some(Kind::Verb(j, Some(m)));
    }
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
            // "the human error probability model is used by …": a compound, not a cause
            let compound = t.has(f::MISTAKE) && {
                let n = cx.t(k + 1);
                n.is_word()
                    && n.flags & !(f::COMMON | f::ARTIFACT) == 0
                    && !matches!(
                        cx.lw(k + 1),
                        "by" | "of"
                            | "in"
                            | "on"
                            | "from"
                            | "during"
                            | "at"
                            | "for"
                            | "to"
                            | "that"
                    )
            };
            if t.has(f::FAIL | f::MISTAKE) && !compound
                || cx.lw(k) == "triggered"
                || (!p.role && t.has(f::DESTRUCTIVE) && !cx.any_flag(s0, _s1, f::CONTAIN))
                || (!p.role
                    && t.has(f::SENSITIVE_ACT)
                    && cx.any_flag(s0, _s1, f::SENSITIVE_OBJ)
                    && !cx.any_flag(s0, _s1, f::CONTAIN))
            {
                return Some(Kind::Passive(prev));
            }
            // "attachments uploaded by {people}": another verb is the passive's
            if t.is_word()
                && (t.has(f::VERB) || cx.lw(k).ends_with("ed"))
                && !matches!(
                    cx.lw(k),
                    "introduced"
                        | "made"
                        | "committed"
                        | "written"
                        | "done"
                        | "created"
                        | "added"
                        | "was"
                        | "were"
                        | "is"
                        | "are"
                        | "been"
                        | "had"
                        | "has"
                )
            {
                break;
            }
        }
        return None;
    }
    if prev > s0 {
        let pp = cx.lw(prev - 1);
        if (pw == "of"
            && matches!(
                pp,
                "because" | "fault" | "mistake" | "error" | "negligence" | "carelessness"
            ))
            || (pw == "of"
                && pp == "part"
                && prev >= s0 + 3
                && cx.lw(prev - 2) == "the"
                && cx.lw(prev - 3) == "on")
            || (pw == "of" && pp == "result")
            || (pw == "to" && matches!(pp, "due" | "owing"))
            || (pw == "on" && matches!(pp, "blame" | "blamed"))
        {
            return Some(Kind::Cause(prev - 1));
        }
    }
    None
}
