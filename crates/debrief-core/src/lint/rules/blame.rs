//! Blame and judgement words and phrases (blame).

use super::*;

#[rustfmt::skip]
pub(super) const TECH_AFTER_LAZY: &[&str] = &[
    "load", "loading", "loaded", "loads", "evaluation", "evaluated", "initialization", "initialisation", "init",
    "initialized", "initialised", "static", "iterator", "iterators", "sequence", "val", "import", "imports",
    "mode", "fetch", "fetching", "fetched", "binding", "bindings", "copy", "deletion", "expansion", "list",
    "lists", "instantiation", "instantiated", "computed", "compile", "compilation", "lock", "locking",
    "propagation", "migration", "consumer", "consumers", "cell",
];
#[rustfmt::skip]
pub(super) const TECH_AFTER_DUMB: &[&str] = &[
    "terminal", "terminals", "pipe", "pipes", "init", "client", "clients", "switch", "device", "devices",
];

pub(super) fn negated_before(cx: &Cx, i: usize, s0: usize, window: usize) -> bool {
    let from = i.saturating_sub(window).max(s0);
    (from..i).any(|k| {
        let t = cx.t(k);
        t.has(f::NEG) && !matches!(cx.lw(k), "no" if false)
    })
}

pub(super) fn blame_raw(
    cx: &Cx,
    a: usize,
    b: usize,
    replacement: Option<(usize, usize, String)>,
) -> Raw {
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

pub(super) fn blame_word(cx: &Cx, i: usize, s0: usize, s1: usize) -> Option<Raw> {
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
    // "the careless mistakes checklist", "the negligence clause": a label
    if (i + 1..s1.min(i + 3)).any(|k| META_NOUNS.contains(&cx.lw(k))) {
        return None;
    }
    // "to blame" reads as one phrase
    let a = if w == "blame" && prev == "to" {
        i - 1
    } else {
        i
    };
    let adjective = i + 1 < s1
        && cx.t(i + 1).is_word()
        && (cx.t(i + 1).has(f::ARTIFACT | f::MISTAKE) || i > s0 && cx.t(i - 1).is(shape::POSS));
    let rep = if (cx.t(i).has(f::JUDGE_ADV) || adjective) && i + 1 < s1 && cx.t(i + 1).is_word() {
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

#[rustfmt::skip]
pub(super) const BLAME_PHRASES: &[&[&[&str]]] = &[
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
        &["lack"],
        &["of"],
        &["attention", "care", "diligence", "rigour", "rigor", "judgement", "judgment", "awareness"],
    ],
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

pub(super) fn blame_phrase(cx: &Cx, i: usize, s0: usize, s1: usize) -> Option<Raw> {
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

pub(super) fn extra_phrase(cx: &Cx, i: usize, s1: usize) -> Option<Raw> {
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

/// Nouns that make a judgement word a label: "the careless mistakes checklist".
#[rustfmt::skip]
const META_NOUNS: &[&str] = &[
    "checklist", "clause", "category", "label", "section", "guide", "training", "module", "template", "tag",
    "metric", "quiz", "taxonomy", "field",
];
/// Nouns for a decision: "a bad call", "a rash decision".
#[rustfmt::skip]
const DECISIONS: &[&str] = &["call", "decision", "choice", "idea", "move", "judgement", "judgment"];

/// "Priya's bad call", "the engineer's slow response", "a silly mistake", "a
/// rash decision": a judgement attached to a person's act.
pub(super) fn soft_judgement(cx: &Cx, i: usize, s0: usize, s1: usize) -> Option<Raw> {
    if !cx.t(i).has(f::SOFT) || negated_before(cx, i, s0, 2) {
        return None;
    }
    let owner = |k: usize| {
        let t = cx.t(k);
        t.is_word()
            && (t.is(shape::POSS) && (t.has(f::ROLE) || is_name_tok(&t) || t.is(shape::CAP))
                || matches!(cx.lw(k), "his" | "her" | "their"))
    };
    let possessed =
        (i > s0 && owner(i - 1)) || (i > s0 + 1 && owner(i - 2) && cx.t(i - 1).is_word());
    let mistake = (i + 1..s1.min(i + 3))
        .any(|k| cx.t(k).has(f::MISTAKE) && cx.t(k).is_word() || DECISIONS.contains(&cx.lw(k)));
    if !(possessed && i + 1 < s1 && cx.t(i + 1).is_word() || mistake) {
        return None;
    }
    let rep = (i + 1 < s1 && cx.t(i + 1).is_word() && possessed).then(|| {
        (
            cx.t(i).start as usize,
            cx.t(i + 1).start as usize,
            String::new(),
        )
    });
    Some(blame_raw(cx, i, i, rep))
}
