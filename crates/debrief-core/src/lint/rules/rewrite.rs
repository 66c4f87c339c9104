//! The findings for a person as agent or cause, with a rewrite of exactly
//! the span where the sentence allows one ("Dave misconfigured the firewall"
//! → "The firewall was misconfigured").

use super::*;

pub(super) fn person_finding(cx: &Cx, p: &Person, kind: Kind, s1: usize) -> Raw {
    let (kind, cause) = match kind {
        Kind::Emphatic(..) | Kind::Counterfactual(..) | Kind::Choice(..) => {
            return framing_finding(cx, p, kind);
        }
        Kind::Because(v) => (Kind::Verb(v, None), true),
        k => (k, false),
    };
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
                    .filter(|&a| cx.t(a).has(f::FAIL_ADV) && !cx.t(a).has(f::JUDGE_ADV))
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
        Kind::Emphatic(..) | Kind::Counterfactual(..) | Kind::Choice(..) | Kind::Because(_) => {}
    }
    if e < s {
        e = s;
    }
    let what = match kind {
        Kind::Possessive(a, end) => format!("{} {}", cx.lw(a), cx.span(a + 1, end).trim()),
        _ => String::new(),
    };
    let message = if cause {
        format!(
            "'{name}' is written as the cause. A person's act is where an explanation starts: say what happened to the system and what let the act have this effect."
        )
    } else if what.is_empty() {
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
    if first.is_word() && first.has(f::PRONOUN) && !matches!(cx.lw(o0), "his" | "her" | "your") {
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
