//! Wording that makes a person the culprit in the looser styles of chat,
//! tickets, notes and summaries: slips marked by a phrase ("by mistake"),
//! choices made with "went with" or "preferred … to", causes written as a
//! cleft ("What took the site down was Farid's change") or as "down to X",
//! and sarcastic thanks ("Thanks to the intern, we lost a day of orders").

use super::*;

/// Phrases after a verb that mark the act as a slip: "by mistake", "in
/// error", "without thinking".
#[rustfmt::skip]
const SLIPS: &[&[&[&str]]] = &[
    &[&["by"], &["mistake", "accident"]],
    &[&["in"], &["error"]],
    &[&["without"], &["thinking", "checking", "looking", "asking", "telling", "testing", "verifying", "reading"]],
];

/// The verb at `v` is a past act and a slip phrase follows it in its clause;
/// returns the phrase's first token.
pub(super) fn slip_marker(cx: &Cx, v: usize, clause: usize) -> Option<usize> {
    let t = cx.t(v);
    let w = cx.lw(v);
    let past = t.is_word()
        && !t.has(f::DET | f::PREP | f::BOUNDARY | f::NEG | f::POSITIVE | f::CONDITION)
        && !matches!(
            w,
            "reported" | "said" | "asked" | "told" | "warned" | "noticed" | "flagged"
        )
        && (t.has(f::PARTICIPLE | f::DESTRUCTIVE | f::SENSITIVE_ACT)
            || (w.len() > 4 && w.ends_with("ed")));
    if !past {
        return None;
    }
    (v + 1..clause.min(v + 10)).find(|&k| SLIPS.iter().any(|pat| seq(cx, k, clause, pat).is_some()))
}

/// Words for loss or breakage after "Thanks to X,": sarcasm, not credit.
#[rustfmt::skip]
const LOSS: &[&str] = &[
    "lost", "down", "offline", "outage", "broken", "crashed", "dead", "wiped", "leaked", "exposed",
    "breach", "corrupted", "ruined",
];
/// Words of rescue, which make "Thanks to X, …" credit after all.
#[rustfmt::skip]
const RESCUE: &[&str] = &[
    "back", "restored", "recovered", "saved", "fixed", "caught", "stopped", "contained", "avoided", "nobody",
    "no", "never", "only", "before", "quickly", "early", "prevented",
];

/// "Thanks to the intern, we lost a day of orders": "thanks to" a person,
/// then a clause about loss and nothing about rescue.
pub(super) fn sarcastic_thanks(cx: &Cx, p: &Person, s0: usize, s1: usize) -> Option<Kind> {
    let a = p.first.checked_sub(2)?;
    if a < s0 || !(cx.lw(a) == "thanks" && cx.lw(a + 1) == "to") {
        return None;
    }
    let comma = (p.last + 1..s1.min(p.last + 4)).find(|&k| cx.t(k).punct == b',')?;
    let clause = comma + 1..s1;
    let loss = clause.clone().any(|k| {
        let t = cx.t(k);
        t.is_word() && (t.has(f::FAIL | f::DESTRUCTIVE) || LOSS.contains(&cx.lw(k)))
    });
    let rescue = clause
        .clone()
        .any(|k| cx.t(k).has(f::POSITIVE) || RESCUE.contains(&cx.lw(k)));
    (loss && !rescue).then_some(Kind::Cause(a))
}

/// "What took the site down was Farid's cron change", "The cause is Ravi",
/// "The root cause was the contractor, who …", "The outage was down to the
/// contractor restoring …", "The lockout stemmed from the admin changing …":
/// a person named as the cause. Returns the first token of the phrase.
pub(super) fn named_cause(cx: &Cx, p: &Person, s0: usize, s1: usize) -> Option<Kind> {
    let first = p.first;
    if first < s0 + 2 {
        return None;
    }
    let b1 = cx.lw(first - 1);
    let b2 = cx.lw(first - 2);
    let possessive = cx.t(p.last).is(shape::POSS)
        || (p.pronoun && matches!(cx.lw(p.first), "his" | "her" | "your"));
    // an organisation's artefact is its product: "the provider's template"
    let org = p.role && ORG_ROLES.contains(&cx.lw(p.last).trim_end_matches("'s"));
    // what follows the person: an act ("restoring …") or a thing they own
    let acts = !org && {
        let n = p.last + 1;
        (cx.t(n).is_word()
            && cx.lw(n).ends_with("ing")
            && cx.lw(n).len() > 4
            && !cx.t(n).has(f::PREP | f::DET | f::BOUNDARY | f::COMMON)
            && !matches!(
                cx.lw(n),
                "during"
                    | "morning"
                    | "evening"
                    | "nothing"
                    | "something"
                    | "anything"
                    | "thing"
                    | "string"
                    | "spring"
                    | "meeting"
                    | "briefing"
                    | "building"
                    | "according"
                    | "regarding"
                    | "concerning"
                    | "including"
                    | "following"
                    | "pending"
            ))
            || (possessive && (n..s1.min(n + 3)).any(|k| owned(cx, k)))
    };
    // "What took the site down was X's change"
    if matches!(b1, "was" | "is") && cx.lw(s0) == "what" {
        let cause = (s0 + 1..first - 1).any(|k| {
            cause_pred(cx, k, first - 1).is_some()
                || cx.t(k).has(f::FAIL | f::DESTRUCTIVE)
                || (matches!(cx.lw(k), "took" | "brought" | "knocked")
                    && (k + 1..(k + 4).min(first - 1))
                        .any(|q| matches!(cx.lw(q), "down" | "out" | "offline")))
        });
        if cause && (possessive || acts || !p.role) {
            return Some(Kind::Cause(s0));
        }
    }
    // "the (root) cause is X", "the culprit was X"
    if matches!(b1, "is" | "was") {
        let c = (s0..first - 1)
            .rev()
            .take(3)
            .find(|&k| matches!(cx.lw(k), "cause" | "culprit" | "reason"));
        if let Some(c) = c
            && !cx.word_is(c + 1, s1, &["of", "for"])
        {
            return Some(Kind::Cause(c));
        }
    }
    // "was down to X restoring …", "is all down to X"
    if b1 == "to" && b2 == "down" && first >= s0 + 3 {
        let b3 = cx.lw(first - 3);
        if matches!(
            b3,
            "was" | "is" | "all" | "entirely" | "squarely" | "partly"
        ) && (acts || !p.role || possessive)
        {
            return Some(Kind::Cause(first - 2));
        }
    }
    // "traces back to the contractor", "it all goes back to one individual"
    if b1 == "to"
        && b2 == "back"
        && first >= s0 + 3
        && matches!(
            cx.lw(first - 3),
            "traces" | "traced" | "goes" | "went" | "comes" | "came" | "leads" | "led"
        )
    {
        return Some(Kind::Cause(first - 3));
    }
    // "The only person who touched the server that night was Ines"
    if matches!(b1, "was" | "is")
        && (s0..first - 1).any(|k| cx.lw(k) == "only" && cx.t(k + 1).has(f::ROLE))
        && (s0..first - 1).any(|k| matches!(cx.lw(k), "who" | "with"))
    {
        let o = (s0..first).find(|&k| cx.lw(k) == "only").unwrap_or(s0);
        return Some(Kind::Emphatic(o, p.last));
    }
    // "Kenji's late approval is why the patch missed the window"
    if possessive
        && let Some(c) = (p.last + 1..s1.min(p.last + 6))
            .find(|&k| matches!(cx.lw(k), "is" | "was") && cx.word_is(k + 1, s1, &["why", "how"]))
        && (p.last + 1..c).any(|k| owned(cx, k))
        && (c + 2..s1).any(|k| {
            cx.t(k).has(f::FAIL | f::DESTRUCTIVE) && !matches!(cx.lw(k), "failed" | "fails")
                || matches!(
                    cx.lw(k),
                    "lost" | "down" | "outage" | "breach" | "broken" | "started" | "began"
                )
        })
        && !org
    {
        return Some(Kind::Possessive(p.last + 1, c + 1));
    }
    // "stemmed from the admin changing …", "came from the developer's script"
    if b1 == "from"
        && matches!(
            b2,
            "stemmed"
                | "stems"
                | "resulted"
                | "results"
                | "came"
                | "comes"
                | "arose"
                | "originated"
                | "started"
        )
        && acts
    {
        return Some(Kind::Cause(first - 2));
    }
    None
}

/// "went with the untested firmware anyway", "went ahead and merged …",
/// "pressed on despite …", "preferred a quick workaround to a real fix": the
/// choice verb at `j`; the last token of the framing.
pub(super) fn loose_choice(cx: &Cx, j: usize, s1: usize) -> Option<Kind> {
    let w = cx.lw(j);
    let k = match w {
        "went" if cx.word_is(j + 1, s1, &["with", "for", "ahead"]) => j + 2,
        "pressed" | "pushed" | "ploughed" | "plowed" | "carried"
            if cx.word_is(j + 1, s1, &["on", "ahead"]) =>
        {
            j + 2
        }
        "sat" if cx.word_is(j + 1, s1, &["on"]) => j + 2,
        "preferred" | "prefers" => j + 1,
        // "took the shortcut", "took the easy way out", "took a gamble"
        "took" | "takes" => {
            return (j + 1..s1.min(j + 4))
                .find(|&q| matches!(cx.lw(q), "shortcut" | "shortcuts" | "gamble" | "easy"))
                .map(|q| Kind::Choice(j, q));
        }
        _ => return None,
    };
    let end = (k..s1)
        .find(|&q| cx.t(q).is(shape::PUNCT) && cx.t(q).punct != b',')
        .unwrap_or(s1);
    for q in k..end {
        let lw = cx.lw(q);
        let contrast = matches!(lw, "despite" | "anyway" | "regardless" | "instead")
            || seq(cx, q, end, &[&["rather"], &["than"]]).is_some()
            || (lw == "over" && q > k)
            || (lw == "without" && q > k + 1)
            || (lw == "to" && matches!(w, "preferred" | "prefers") && q > k + 1);
        if contrast {
            if system_reason(cx, q, s1) {
                return None;
            }
            return Some(Kind::Choice(j, q));
        }
    }
    // "went ahead and merged the unreviewed patch"
    if (k..end).any(|q| {
        let t = cx.t(q);
        t.has(f::BLAME)
            || [
                "unsigned",
                "untested",
                "unreviewed",
                "unverified",
                "unpatched",
            ]
            .contains(&cx.lw(q))
    }) && w == "went"
    {
        return Some(Kind::Choice(j, end.saturating_sub(1).max(j)));
    }
    None
}

/// "entirely Oleg's doing", "the contractor's alone", "his doing".
pub(super) fn own_doing(cx: &Cx, p: &Person, s1: usize) -> Option<Kind> {
    let poss = cx.t(p.last).is(shape::POSS)
        || (p.pronoun && matches!(cx.lw(p.first), "his" | "her" | "your"));
    // "Sven's and Sven's alone"
    if poss
        && cx.word_is(p.last + 1, s1, &["and"])
        && cx.t(p.last + 2).is(shape::POSS)
        && cx.word_is(p.last + 3, s1, &["alone"])
    {
        return Some(Kind::Emphatic(p.first, p.last + 3));
    }
    (poss
        && cx.word_is(p.last + 1, s1, &["doing", "alone"])
        && (p.last + 2 >= s1
            || !cx.t(p.last + 2).is_word()
            || cx.word_is(p.last + 2, s1, &["and", "but"])))
    .then_some(Kind::Emphatic(p.first, p.last + 1))
}

/// Subjects of "… is on X": the incident or a pointer to it.
#[rustfmt::skip]
const ON_WHOM: &[&str] = &[
    "this", "that", "it", "one", "mess", "outage", "incident", "failure", "breach", "blame", "fault", "that's",
    "it's", "all",
];

/// "This one is on Pavel and nobody else", "the whole mess is on him",
/// "that's on the DBA": the incident laid on a person.
pub(super) fn on_person(cx: &Cx, p: &Person, s0: usize, s1: usize) -> Option<Kind> {
    let first = p.first;
    if first < s0 + 2 || cx.lw(first - 1) != "on" || cx.t(p.last).is(shape::POSS) {
        return None;
    }
    let mut c = first - 2;
    if matches!(
        cx.lw(c),
        "all" | "entirely" | "squarely" | "totally" | "firmly" | "solely"
    ) && c > s0
    {
        c -= 1;
    }
    let w = cx.lw(c);
    let copula = matches!(w, "is" | "was" | "'s" | "that's" | "it's");
    if !copula {
        return None;
    }
    let subject = (c.saturating_sub(3).max(s0)..=c).any(|k| ON_WHOM.contains(&cx.lw(k)));
    // the person ends the clause: "… on him.", "… on the DBA, frankly", "… and nobody else"
    let n = p.last + 1;
    let ends =
        n >= s1 || !cx.t(n).is_word() || cx.word_is(n, s1, &["and", "alone", "frankly", "again"]);
    (subject && ends).then_some(Kind::Emphatic(c, p.last))
}
