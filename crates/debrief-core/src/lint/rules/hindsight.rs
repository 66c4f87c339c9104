//! Hindsight and counterfactuals about past actions (hindsight).

use super::*;

pub(super) fn hindsight_raw(
    cx: &Cx,
    a: usize,
    b: usize,
    rep: Option<(usize, usize, String)>,
) -> Raw {
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

pub(super) fn is_participle(cx: &Cx, k: usize, s1: usize) -> bool {
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
pub(super) const HINDSIGHT_ADVERBS: &[&str] = &[
    "easily", "simply", "just", "really", "probably", "obviously", "clearly", "at", "least", "also",
    "definitely", "certainly", "surely",
];
#[rustfmt::skip]
pub(super) const PREVENTABLE: &[&str] = &[
    "prevented", "avoided", "caught", "spotted", "noticed", "stopped", "known", "checked", "detected", "seen",
    "asked", "escalated", "verified", "tested", "realised", "realized", "flagged", "blocked",
];

/// What someone could have perceived: "could have seen" is hindsight about a
/// person, or a fact about exposure ("anyone with read access could have seen
/// the token", "the analyst could have seen only the last hour").
#[rustfmt::skip]
const PERCEIVED: &[&str] = &["seen", "noticed", "spotted", "known", "realised", "realized", "detected", "read"];

fn factual_sight(cx: &Cx, could: usize, k: usize, s0: usize, s1: usize) -> bool {
    if (k + 1..s1.min(k + 5)).any(|q| cx.lw(q) == "only") {
        return true;
    }
    if could == s0 {
        return true;
    }
    let subj = cx.t(could - 1);
    let w = cx.lw(could - 1);
    let agent = subj.is_word()
        && (subj.has(f::ROLE | f::PRONOUN | f::GIVEN | f::DIR_GIVEN | f::DIR_FAMILY)
            || subj.is(shape::HANDLE));
    !agent
        || matches!(
            w,
            "users" | "customers" | "visitors" | "tenants" | "attackers" | "people"
        )
}

/// "The breach would have been prevented if MFA had been enforced" names a
/// condition of the system; the counterfactual judges nobody.
fn system_condition(cx: &Cx, s0: usize, s1: usize) -> bool {
    // "If you had a second approver in the tool, …": having is a condition
    let having = (s0..s1).any(|k| {
        cx.lw(k) == "if"
            && (k + 2..s1.min(k + 5)).any(|h| {
                cx.lw(h) == "had" && (cx.t(h + 1).has(f::DET) || cx.word_is(h + 1, s1, &["no"]))
            })
    });
    having
        || (s0..s1).any(|k| {
            let w = cx.lw(k);
            (w == "if" || (w == "had" && (k == s0 || cx.t(k - 1).punct == b',')))
                && (k + 1..s1.min(k + 6)).all(|q| {
                    let t = cx.t(q);
                    !(t.has(f::ROLE | f::PRONOUN | f::SUBJ)
                        || is_name_tok(&t)
                        || cx.lw(q) == "only")
                })
        })
}

/// "The scanner should have caught it": the subject before "should" is a
/// system (no person, role, pronoun or relative "who"), so the sentence states
/// what a control was meant to do, not what someone failed to do.
fn system_subject(cx: &Cx, should: usize, s0: usize) -> bool {
    should > s0
        && should - s0 <= 6
        && (s0..should).all(|q| {
            let t = cx.t(q);
            // "the EDR agent": a role word named after a tool is the tool
            let tool_role = q > s0 && cx.t(q - 1).is(shape::ALLCAPS) && t.has(f::ROLE);
            t.is_word()
                && (tool_role || !t.has(f::ROLE))
                && !(t.has(f::PRONOUN | f::SUBJ | f::GIVEN | f::DIR_GIVEN | f::DIR_FAMILY)
                    || is_name_tok(&t)
                    || t.is(shape::HANDLE)
                    || matches!(
                        cx.lw(q),
                        "who"
                            | "whoever"
                            | "someone"
                            | "somebody"
                            | "anyone"
                            | "nobody"
                            | "team"
                            | "we"
                            | "i"
                            | "you"
                            | "they"
                            | "people"
                            | "staff"
                            | "users"
                    ))
        })
}

pub(super) fn hindsight(cx: &Cx, i: usize, s0: usize, s1: usize) -> Option<Raw> {
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
            if is_participle(cx, k, s1) && !system_subject(cx, i, s0) {
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
                if cx.word_is(k, s1, PREVENTABLE)
                    && !(PERCEIVED.contains(&cx.lw(k)) && factual_sight(cx, i, k, s0, s1))
                {
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
                if neg && !system_condition(cx, s0, s1) {
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
            ) && !system_condition(cx, s0, s1)
            {
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
            // "would have been obvious at a glance" names what a design would show
            if prev == "been" && i >= s0 + 3 && cx.lw(i - 3) == "would" {
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
pub(super) const MANNER: &[&str] = &[
    "documented", "labelled", "labeled", "defined", "written", "stated", "marked", "communicated", "explained",
    "described", "separated", "identified", "indicated", "state", "states", "label", "define", "document",
    "mark", "explain", "identify", "describe", "communicate", "separate", "show", "shows", "showed", "shown",
    "showing", "see", "saw", "seen", "distinguish", "distinguished", "understood", "understand", "outlined",
    "delineated", "structured", "named", "tell", "demonstrates", "demonstrated", "establish", "established",
    "attributable", "reproducible", "reproduced", "audible", "readable", "legible", "signposted", "scoped",
];
#[rustfmt::skip]
pub(super) const JUDGED: &[&str] = &[
    "wrong", "negligent", "careless", "unsafe", "risky", "dangerous", "reckless", "avoidable", "preventable",
    "inadequate", "insufficient", "bad", "a", "an", "not", "should", "ignored", "missed", "failed", "didn't",
    "knew", "obvious", "broken", "incorrect", "mistaken", "irresponsible", "unacceptable", "at", "to",
    "visible", "incompetent", "sloppy", "lazy", "apparent", "evident", "malicious", "suspicious",
];

pub(super) fn clearly(cx: &Cx, i: usize, s0: usize, s1: usize) -> Option<Raw> {
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
pub(super) fn adverb_hindsight(cx: &Cx, i: usize, s1: usize) -> Raw {
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
