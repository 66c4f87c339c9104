//! Calls for sanction or for a culprit (sanction): "should be disciplined",
//! "must be held accountable", "we need to find out who … and deal with them",
//! "Who is responsible for the outage?", "someone has to answer for this".

use super::*;

/// Sanctions that mean punishment whoever they are said of.
#[rustfmt::skip]
const PUNISHED: &[&str] = &[
    "disciplined", "reprimanded", "fired", "sacked", "punished", "sanctioned", "suspended", "dismissed",
    "demoted", "penalised", "penalized", "shamed", "docked",
];
/// Sanctions when they are said of a person: "the technician should be banned".
#[rustfmt::skip]
const PERSONAL: &[&str] = &[
    "removed", "replaced", "banned", "barred", "moved", "named", "reported", "relieved", "made", "allowed",
    "written",
];
#[rustfmt::skip]
const MODALS: &[&str] = &[
    "should", "must", "will", "shall", "needs", "need", "has", "have", "ought", "deserves", "deserve", "to",
    "would", "expects", "wants",
];
#[rustfmt::skip]
const SANCTION_NOUNS: &[&str] = &[
    "warning", "reprimand", "punishment", "sanction", "sanctions", "penalty", "sack", "consequences",
    "discipline", "dismissal",
];
#[rustfmt::skip]
const FIND: &[&str] = &[
    "find", "know", "identify", "figure", "track", "name", "determine", "establish", "catch", "learn",
];

fn sanction_raw(cx: &Cx, a: usize, b: usize) -> Raw {
    let matched = cx.span(a, b).to_string();
    Raw {
        rule: Rule::Sanction,
        start: cx.t(a).start as usize,
        end: cx.t(b).full_end as usize,
        message: format!(
            "'{matched}' calls for a culprit or a sanction. A review that punishes teaches people to hide what they did; the next incident is reported later, or not at all."
        ),
        suggestion: Some(
            "Ask the question the review can answer instead: what made the action possible and what change to the system prevents it (\"What let an unreviewed change reach production?\"). Conduct questions, if any, belong in a separate process."
                .to_string(),
        ),
        replacement: None,
    }
}

/// Whether a person or role stands before `i` in the sentence.
fn person_before(cx: &Cx, i: usize, s0: usize) -> bool {
    (s0..i).any(|k| {
        let t = cx.t(k);
        t.is_word()
            && (t.has(f::ROLE | f::PRONOUN) || is_name_tok(&t) || t.is(shape::HANDLE))
            && !t.has(f::MISTAKE)
    }) || (s0..i).any(|k| matches!(cx.lw(k), "whoever" | "who" | "culprit" | "those"))
}

/// The sentence ends with a question mark (after the last token).
fn question(cx: &Cx, s1: usize) -> bool {
    if s1 == 0 {
        return false;
    }
    let end = cx.t(s1 - 1).full_end as usize;
    cx.text
        .get(end..)
        .unwrap_or("")
        .trim_start_matches(['"', '\'', '*', '_', ')', '\u{201d}'])
        .starts_with('?')
}

/// A past-tense act: "broke", "dropped", "signed", "let".
fn past_act(cx: &Cx, k: usize, s1: usize) -> bool {
    let t = cx.t(k);
    k < s1
        && t.is_word()
        && !t.has(f::POSITIVE | f::DET)
        && !matches!(
            cx.lw(k),
            "is" | "was" | "owns" | "holds" | "approves" | "had" | "has"
        )
        && (t.has(f::FAIL | f::DESTRUCTIVE | f::SENSITIVE_ACT)
            || past_participle(cx.lw(k)).is_some())
}

pub(super) fn sanction(cx: &Cx, i: usize, s0: usize, s1: usize) -> Option<Raw> {
    if !cx.t(i).has(f::SANCTION) {
        return None;
    }
    let w = cx.lw(i);
    let prev = if i > s0 { cx.lw(i - 1) } else { "" };
    // "nobody will be disciplined", "this is not about punishment"
    let negated = (i.saturating_sub(5).max(s0)..i)
        .any(|k| cx.t(k).has(f::NEG) || matches!(cx.lw(k), "nobody" | "no-one" | "never"));
    match w {
        _ if PUNISHED.contains(&w) => {
            let be = matches!(prev, "be" | "been" | "being" | "get" | "got" | "personally")
                || (i >= s0 + 2
                    && matches!(cx.lw(i - 2), "be" | "been" | "get")
                    && cx.t(i - 1).has(f::SKIP | f::FAIL_ADV)
                    || matches!(prev, "formally" | "immediately"));
            if be && !negated {
                let a = (s0..i)
                    .rev()
                    .take(4)
                    .find(|&k| MODALS.contains(&cx.lw(k)))
                    .unwrap_or(i);
                return Some(sanction_raw(cx, a, i));
            }
            None
        }
        "punish" | "punishment" | "punishments" | "disciplinary" | "scapegoat" | "scapegoats"
        | "penalty" | "penalise" | "penalize" | "prosecution" => {
            (!negated && !matches!(prev, "no" | "without")).then(|| sanction_raw(cx, i, i))
        }
        // "held accountable", "hold the team accountable", "held to account"
        "accountable" | "liable" | "account" | "responsible" => {
            let held = (s0..i)
                .rev()
                .take(6)
                .find(|&k| matches!(cx.lw(k), "held" | "hold" | "holding"))?;
            if w == "account" && prev != "to" {
                return None;
            }
            (!negated).then(|| sanction_raw(cx, held, i))
        }
        // "face consequences", "deserves a reprimand", "deserves to be fired"
        "consequences"
            if prev == "face" || prev == "the" && i >= s0 + 2 && cx.lw(i - 2) == "face" =>
        {
            (!negated).then(|| sanction_raw(cx, i - 1, i))
        }
        // "consequences for the developer are being discussed"
        "consequences" if cx.word_is(i + 1, s1, &["for"]) && person_at(cx, i + 2, s1) => {
            (!negated).then(|| sanction_raw(cx, i, i + 1))
        }
        // "put on a performance plan"
        "plan" if matches!(prev, "performance" | "improvement") && person_before(cx, i, s0) => {
            (!negated).then(|| sanction_raw(cx, i - 1, i))
        }
        "deserves" | "deserve" | "deserved" => {
            let mut k = i + 1;
            while k < s1 && k < i + 4 && cx.t(k).has(f::DET)
                || cx.word_is(k, s1, &["formal", "written", "a"])
            {
                k += 1;
            }
            let hit = cx.word_is(k, s1, SANCTION_NOUNS)
                || (cx.word_is(k, s1, &["to"])
                    && (cx.word_is(k + 1, s1, &["be"]) && cx.word_is(k + 2, s1, PUNISHED)
                        || cx.word_is(k + 1, s1, &["be"])
                            && cx.word_is(k + 2, s1, &["fired", "let"])));
            (hit && !negated).then(|| sanction_raw(cx, i, k.min(s1 - 1)))
        }
        "answer" => {
            // "someone has to answer for this", "must answer to the CTO for …"
            let for_ = (i + 1..s1.min(i + 5)).find(|&k| cx.lw(k) == "for")?;
            (!negated && MODALS.contains(&prev)).then(|| sanction_raw(cx, i, for_))
        }
        "culprit" | "culprits" => {
            let hunt = (s0..i)
                .rev()
                .take(4)
                .any(|k| FIND.contains(&cx.lw(k)) || cx.lw(k) == "down");
            hunt.then(|| sanction_raw(cx, i, i))
        }
        "guilty" => cx
            .word_is(i + 1, s1, &["party", "parties", "one", "ones"])
            .then(|| sanction_raw(cx, i, i + 1)),
        "heads" => seq(
            cx,
            i + 1,
            s1,
            &[
                &["must", "will", "should", "need", "are"],
                &["?to", "?going"],
                &["?to"],
                &["roll"],
            ],
        )
        .map(|e| sanction_raw(cx, i, e)),
        "fall"
            if prev == "the"
                && i >= s0 + 2
                && matches!(cx.lw(i - 2), "take" | "takes" | "taking") =>
        {
            Some(sanction_raw(cx, i - 2, i))
        }
        "example" => {
            (i >= s0 + 2 && cx.lw(i - 1) == "an" && matches!(cx.lw(i - 2), "make" | "made"))
                .then(|| sanction_raw(cx, i - 2, i))
        }
        "deal" => seq(
            cx,
            i + 1,
            s1,
            &[&["with"], &["them", "him", "her", "whoever", "those"]],
        )
        .filter(|_| !negated)
        .map(|e| sanction_raw(cx, i, e)),
        "dealt" => (matches!(prev, "be" | "been" | "being")
            && cx.word_is(i + 1, s1, &["with"])
            && person_before(cx, i, s0)
            && !negated)
            .then(|| sanction_raw(cx, i - 1, i + 1)),
        "word" => (prev == "a"
            && i >= s0 + 2
            && matches!(cx.lw(i - 2), "have" | "had")
            && cx.word_is(i + 1, s1, &["with"]))
        .then(|| sanction_raw(cx, i - 2, i + 1)),
        "office" => (prev == "my" && (s0..i).any(|k| matches!(cx.lw(k), "whoever" | "want")))
            .then(|| sanction_raw(cx, i - 1, i)),
        "apologise" | "apologize" | "pay" | "cover" | "lose" | "step" => {
            let modal = MODALS.contains(&prev)
                || (i >= s0 + 2
                    && cx.lw(i - 1) == "to"
                    && matches!(cx.lw(i - 2), "made" | "has" | "have" | "needs"));
            let fits = match w {
                "pay" => cx.word_is(i + 1, s1, &["for"]),
                "cover" => {
                    cx.word_is(i + 1, s1, &["the"])
                        && cx.word_is(i + 2, s1, &["cost", "costs", "bill"])
                }
                "lose" => (i + 1..s1.min(i + 5)).any(|k| {
                    matches!(
                        cx.lw(k),
                        "access"
                            | "rights"
                            | "job"
                            | "bonus"
                            | "privileges"
                            | "permissions"
                            | "pay"
                            | "badge"
                            | "role"
                    )
                }),
                "step" => cx.word_is(i + 1, s1, &["down"]),
                _ => true,
            };
            (modal && fits && !negated && person_before(cx, i, s0)).then(|| sanction_raw(cx, i, i))
        }
        "performance" => {
            seq(cx, i + 1, s1, &[&["improvement"], &["plan"]]).map(|e| sanction_raw(cx, i, e))
        }
        "pip" => cx.t(i).is(shape::ALLCAPS).then(|| sanction_raw(cx, i, i)),
        "go" if prev == "let"
            && i >= s0 + 2
            && matches!(
                cx.lw(i - 2),
                "be" | "been" | "was" | "were" | "being" | "got" | "get"
            )
            && !negated =>
        {
            Some(sanction_raw(cx, i - 2, i))
        }
        // "was walked out", "has been stood down", "got escorted off the site"
        "walked" | "stood" | "escorted"
            if matches!(
                prev,
                "be" | "been" | "was" | "were" | "being" | "got" | "get"
            ) && cx.word_is(i + 1, s1, &["out", "down", "off"])
                && person_before(cx, i, s0)
                && !negated =>
        {
            Some(sanction_raw(cx, i - 1, i + 1))
        }
        // "has been shown the door"
        "shown" => seq(cx, i + 1, s1, &[&["the"], &["door"]])
            .filter(|_| !negated)
            .map(|e| sanction_raw(cx, i, e)),
        // "placed on probation"
        "probation" => (prev == "on" && person_before(cx, i, s0) && !negated)
            .then(|| sanction_raw(cx, i - 1, i)),
        // "needs to be taught a lesson"
        "lesson" => (prev == "a"
            && i >= s0 + 2
            && matches!(cx.lw(i - 2), "taught" | "teach" | "teaching")
            && !negated)
            .then(|| sanction_raw(cx, i - 2, i)),
        // "someone's head should roll"
        "head" => seq(
            cx,
            i + 1,
            s1,
            &[
                &["must", "will", "should", "needs", "has"],
                &["?to"],
                &["roll"],
            ],
        )
        .map(|e| sanction_raw(cx, i, e)),
        // "can't be trusted with it", "is no longer trusted with production access"
        "trusted" => {
            let distrust = (matches!(prev, "be" | "longer")
                && i >= s0 + 2
                && matches!(
                    cx.lw(i - 2),
                    "can't" | "cannot" | "no" | "never" | "is" | "be"
                ))
                || prev == "longer";
            (distrust && cx.word_is(i + 1, s1, &["with", "again"]) && person_before(cx, i, s0))
                .then(|| sanction_raw(cx, i - 1, i + 1))
        }
        // "is no longer with the company"
        "longer" => (prev == "no"
            && cx.word_is(i + 1, s1, &["with"])
            && cx.word_is(i + 2, s1, &["the", "us", "our"])
            && person_before(cx, i, s0))
        .then(|| sanction_raw(cx, i - 1, i + 1)),
        "away" if matches!(prev, "take" | "taken" | "took") => seq(
            cx,
            i + 1,
            s1,
            &[
                &["their", "his", "her"],
                &["?production", "?admin", "?deploy"],
                &["access", "rights"],
            ],
        )
        .map(|e| sanction_raw(cx, i - 1, e)),
        _ if PERSONAL.contains(&w) => {
            // "the vendor's technician should be banned", "will be named in the report"
            if prev != "be"
                || !(i >= s0 + 2 && MODALS.contains(&cx.lw(i - 2))
                    || i >= s0 + 3 && cx.lw(i - 2) == "never")
            {
                return None;
            }
            let personal = person_before(cx, i - 1, s0);
            let what = match w {
                "made" => {
                    cx.word_is(i + 1, s1, &["to"])
                        && cx.word_is(i + 2, s1, &["pay", "explain", "apologise", "apologize"])
                }
                "allowed" => i >= s0 + 3 && cx.lw(i - 2) == "never",
                "named" => cx.word_is(i + 1, s1, &["and", "in"]),
                "moved" => cx.word_is(i + 1, s1, &["off"]),
                "reported" => {
                    cx.word_is(i + 1, s1, &["to"])
                        && cx.word_is(i + 2, s1, &["hr", "management", "the"])
                }
                "written" => cx.word_is(i + 1, s1, &["up"]),
                _ => true,
            };
            let negated = negated && w != "allowed";
            (personal && what && !negated).then(|| sanction_raw(cx, i - 2, i))
        }
        // "a formal warning", "a written warning"
        "warning" | "reprimand" => (matches!(prev, "formal" | "written" | "final")
            || w == "reprimand")
            .then(|| sanction_raw(cx, if w == "warning" { i - 1 } else { i }, i))
            .filter(|_| !negated),
        // "the person behind the misconfiguration has to be found"
        "behind" => {
            let who = i > s0 && cx.t(i - 1).has(f::ROLE);
            let failure = (i + 1..s1.min(i + 4))
                .any(|k| cx.t(k).has(f::MISTAKE) || FAILURE_NOUNS.contains(&cx.lw(k)));
            let found = (i..s1).any(|k| {
                matches!(
                    cx.lw(k),
                    "found" | "identified" | "named" | "find" | "identify"
                )
            });
            (who && failure && found).then(|| sanction_raw(cx, i - 1, i))
        }
        "who" | "whoever" | "which" | "whose" => culprit_question(cx, i, s0, s1),
        _ => None,
    }
}

/// "Who broke the build?", "we need to find out who opened the port", "which
/// engineer broke the build", "Who is responsible for the expired
/// certificate?", "Whose fault was it?", "the one who caused all this".
fn culprit_question(cx: &Cx, i: usize, s0: usize, s1: usize) -> Option<Raw> {
    let w = cx.lw(i);
    let q = question(cx, s1);
    let hunt = (s0..i)
        .rev()
        .take(3)
        .any(|k| FIND.contains(&cx.lw(k)) || matches!(cx.lw(k), "out" | "down"));
    if w == "whose" {
        // "Whose fault was it?", "Whose idea was it to skip the review?"
        let idea = cx.word_is(i + 1, s1, &["idea", "decision", "call", "change", "doing"])
            && seq(cx, i + 2, s1, &[&["was", "is"], &["it", "that", "this"]]).is_some()
            && (q || i == s0 || cx.t(i).is(shape::START));
        return (cx.word_is(i + 1, s1, &["fault", "mistake", "error"]) || idea)
            .then(|| sanction_raw(cx, i, i + 1));
    }
    let mut v = i + 1;
    if w == "which" {
        // "which engineer", "which admin"
        if !cx.t(v).has(f::ROLE) {
            return None;
        }
        v += 1;
    }
    while v < s1 && cx.t(v).has(f::SKIP) && !matches!(cx.lw(v), "had" | "has") {
        v += 1;
    }
    let vw = cx.lw(v);
    // "Who is responsible for the expired certificate?", "who is accountable for the outage"
    if matches!(vw, "is" | "was") && cx.word_is(v + 1, s1, &["responsible", "accountable"]) {
        let for_ = v + 2;
        if !cx.word_is(for_, s1, &["for"]) || cx.lw(for_ + 1).ends_with("ing") {
            return None;
        }
        let failure = (for_ + 1..s1).any(|k| {
            FAILURE_NOUNS.contains(&cx.lw(k))
                || matches!(
                    cx.lw(k),
                    "expired" | "leaked" | "lost" | "open" | "broken" | "exposed"
                )
        });
        return (q || failure).then(|| sanction_raw(cx, i, v + 1));
    }
    let act = past_act(cx, v, s1) || vw == "let" || vw == "signed";
    if !act {
        return None;
    }
    let one = i > s0 && cx.lw(i - 1) == "one" && cx.t(v).has(f::FAIL | f::DESTRUCTIVE);
    let asked = (q && (i == s0 || cx.t(i).is(shape::START))) || hunt;
    if one {
        // "the one who caused all this": emphasis on a person
        let mut r = sanction_raw(cx, i - 1, v);
        r.rule = Rule::PersonAgent;
        r.message = format!(
            "'{}' singles out one person as the cause. Emphasis on who acted turns the review into a search for a culprit.",
            cx.span(i - 1, v)
        );
        r.suggestion = Some(
            "State what happened without singling anyone out, then what made the action possible."
                .to_string(),
        );
        return Some(r);
    }
    asked.then(|| sanction_raw(cx, i, v))
}

/// Whether a person is named at `k`: "the analyst", "whoever", "Dave", "him".
fn person_at(cx: &Cx, k: usize, s1: usize) -> bool {
    let mut k = k;
    if cx.word_is(k, s1, &["the", "that", "this", "our", "a", "an", "their"]) {
        k += 1;
    }
    (k..s1.min(k + 3)).any(|q| {
        let t = cx.t(q);
        t.is_word()
            && !t.is(shape::POSS)
            && !cx.t(q + 1).is(shape::POSS)
            && (t.has(f::ROLE) || is_name_tok(&t) || t.is(shape::HANDLE))
            && !(q + 1 < s1 && cx.t(q + 1).is_word() && cx.t(q + 1).has(f::ARTIFACT))
    }) || cx.word_is(k, s1, &["whoever", "him", "her", "them"])
}

/// A person's fate after the incident: "what happens to the analyst who
/// missed it", "what to do with the admin", "should never work in security
/// again".
pub(super) fn fate(cx: &Cx, i: usize, s0: usize, s1: usize) -> Option<Raw> {
    match cx.lw(i) {
        "what" => {
            let mut k = i + 1;
            if cx.word_is(k, s1, &["will", "would", "should", "is", "are"]) {
                k += 1;
            }
            if cx.word_is(k, s1, &["going"]) && cx.word_is(k + 1, s1, &["to"]) {
                k += 2;
            }
            let e = if cx.word_is(k, s1, &["happens", "happen", "happened"])
                && cx.word_is(k + 1, s1, &["to"])
            {
                k + 1
            } else {
                seq(cx, k, s1, &[&["to"], &["do"], &["with", "about"]])?
            };
            person_at(cx, e + 1, s1).then(|| sanction_raw(cx, i, e + 1))
        }
        "again" => {
            let m = (s0..i)
                .rev()
                .take(10)
                .find(|&k| matches!(cx.lw(k), "should" | "must" | "shall"))?;
            let neg = seq(cx, m + 1, s1, &[&["never", "not"]])?;
            let act = cx.word_is(
                neg + 1,
                s1,
                &[
                    "work", "touch", "handle", "go", "be", "get", "have", "lead", "run", "deploy",
                ],
            );
            let be_ok = cx.lw(neg + 1) != "be"
                || cx.word_is(
                    neg + 2,
                    s1,
                    &["allowed", "trusted", "given", "put", "hired", "employed"],
                );
            // "this vendor integration should not be allowed to deploy again"
            let org = (s0..m).any(|k| ORG_ROLES.contains(&cx.lw(k)));
            (act && be_ok && !org && person_before(cx, m, s0)).then(|| sanction_raw(cx, m, i))
        }
        _ => None,
    }
}
