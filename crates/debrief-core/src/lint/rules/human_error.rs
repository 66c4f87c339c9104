//! "Human error" offered as a cause (human-error).

use super::*;

pub(super) fn human_raw(cx: &Cx, a: usize, b: usize, at_start: bool) -> Raw {
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
pub(super) const HUMAN_ERROR_IS: &[&str] = &[
    "where", "symptom", "starting", "start", "never", "rarely", "not", "only", "label", "description",
    "question",
];

pub(super) fn human_error(cx: &Cx, i: usize, s0: usize, s1: usize) -> Option<Raw> {
    let w = cx.lw(i);
    let end = match w {
        // "The mistake was a human one", "the error was human"
        "human"
            if i >= s0 + 2
                && (s0..i)
                    .rev()
                    .take(3)
                    .any(|k| matches!(cx.lw(k), "was" | "is"))
                && (s0..i).rev().take(5).any(|k| cx.t(k).has(f::MISTAKE)) =>
        {
            let m = (s0..i).rev().take(5).find(|&k| cx.t(k).has(f::MISTAKE))?;
            let e = if cx.word_is(i + 1, s1, &["one"]) {
                i + 1
            } else {
                i
            };
            return Some(human_raw(cx, m, e, cx.t(m).is(shape::START)));
        }
        "human" | "operator" | "user" | "pilot" | "operators" | "users" => seq(
            cx,
            i + 1,
            s1,
            &[&[
                "error",
                "errors",
                "mistake",
                "mistakes",
                "failure",
                "failures",
                "slip",
                "slips",
                "slip-up",
                "slip-ups",
                "lapse",
                "lapses",
                "blunder",
                "oversight",
            ]],
        )?,
        // "a people problem, not a tech problem", "wetware failure"
        "people" | "wetware" => seq(
            cx,
            i + 1,
            s1,
            &[&["problem", "problems", "issue", "issues", "failure", "error"]],
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
        // "an administrator error", "a clerical error", "an engineer's mistake"
        _ if cx.t(i).has(f::ROLE) || matches!(w, "clerical" | "typing" | "keying") => seq(
            cx,
            i + 1,
            s1,
            &[&[
                "error",
                "errors",
                "mistake",
                "mistakes",
                "oversight",
                "lapse",
            ]],
        )?,
        _ => return None,
    };
    if matches!(w, "operators" | "users") && cx.lw(end).starts_with("fail") {
        return None;
    }
    let acronym = matches!(w, "pebkac" | "pebcak" | "id10t" | "picnic" | "layer-8");
    // "human error rates", "user error page": a modifier, not a cause
    if end + 1 < s1 && !acronym {
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
            && cause_pred(cx, end + 1, s1).is_none()
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
    // "Root cause: human error", "classified as human error", "put down to operator error"
    let labelled = a > s0 && (cx.t(a - 1).punct == b':' || cx.word_is(a - 1, s1, &["as", "to"]));
    // "Operator error, plain and simple."
    let headline = a == s0 && (end + 1 >= s1 || matches!(cx.t(end + 1).punct, b',' | b':' | b'-'));
    let labelled = labelled || headline;
    // "a human error by the DBA", "human error on the part of …", "… deleted the replica"
    let attributed = cx.word_is(end + 1, s1, &["by", "from"])
        || seq(cx, end + 1, s1, &[&["on"], &["the"], &["part"]]).is_some()
        || (end + 1..s1).any(|k| {
            let t = cx.t(k);
            t.is_word() && t.has(f::FAIL | f::DESTRUCTIVE) || cause_pred(cx, k, s1).is_some()
        });
    let causal = causal || attributed;
    if causal || words <= 4 || copula || labelled || acronym {
        let at_start = cx.t(a).is(shape::START);
        return Some(human_raw(cx, a, end, at_start));
    }
    None
}
