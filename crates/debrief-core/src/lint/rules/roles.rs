//! Roles and teams as agents ("the contractor broke the build"), and the ways a
//! sentence can make any agent (name, pronoun or role) the culprit without a
//! failure verb: emphasis ("It was the DBA who …"), a person as the condition of
//! a counterfactual ("Had the engineer checked, …"), a person as the cause
//! ("… because the intern pushed …"), and a decision framed as a wrong choice
//! ("chose to postpone the fix rather than …").

use super::*;

/// Words that may stand between a determiner and a role without being one:
/// "the on-call SOC analyst", "our vendor's support engineer".
fn modifier(cx: &Cx, k: usize) -> bool {
    let t = &cx.t(k);
    (t.is_word() || t.is(shape::CODE))
        && !matches!(
            cx.lw(k),
            "to" | "if"
                | "of"
                | "as"
                | "than"
                | "then"
                | "down"
                | "up"
                | "out"
                | "off"
                | "over"
                | "into"
                | "via"
                | "per"
                | "once"
                | "only"
                | "just"
                | "nobody"
                | "none"
                | "but"
                | "else"
                | "who"
                | "whoever"
                | "which"
                | "whose"
        )
        && !t.has(f::TRIGGER | f::CHOICE)
        && !t.has(
            f::DET
                | f::VERB
                | f::FAIL
                | f::DESTRUCTIVE
                | f::SENSITIVE_ACT
                | f::OMIT
                | f::NEG
                | f::PREP
                | f::BOUNDARY
                | f::SKIP
                | f::SUBJ
                | f::PRONOUN
                | f::CAUSE
                | f::MISTAKE,
        )
        && !is_name_tok(t)
}

/// Whether the role word at `k` heads a noun phrase, and where the phrase
/// starts. A role followed by another role is a modifier ("team lead", "the
/// vendor's engineer"); "agent" is a role only after a word such as "support".
pub(super) fn role_np(cx: &Cx, k: usize, s0: usize, s1: usize) -> Option<usize> {
    for n in k + 1..(k + 3).min(s1) {
        let t = cx.t(n);
        if t.has(f::ROLE) && t.is_word() {
            return None;
        }
        if !modifier(cx, n) {
            break;
        }
    }
    if cx.t(k + 1).has(f::MISTAKE) && cx.t(k + 1).is_word() && !cx.t(k).is(shape::POSS) {
        return None;
    }
    let w = cx.lw(k);
    if matches!(w, "agent" | "agents")
        && !(k > s0
            && matches!(
                cx.lw(k - 1),
                "support" | "service" | "customer" | "helpdesk" | "desk" | "call-centre" | "sales"
            ))
    {
        return None;
    }
    if w == "operations" && !(k > s0 && matches!(cx.lw(k - 1), "security" | "it")) {
        return None;
    }
    // "desk" only as in "help desk", "front desk", "service desk"
    if w == "desk" && !(k > s0 && matches!(cx.lw(k - 1), "help" | "front" | "service" | "guard")) {
        return None;
    }
    let mut m = k;
    let mut steps = 0;
    while m > s0 && steps < 4 {
        let prev = cx.t(m - 1);
        if prev.is_word() && prev.has(f::DET) {
            m -= 1;
            break;
        }
        if !modifier(cx, m - 1) {
            break;
        }
        m -= 1;
        steps += 1;
    }
    Some(m)
}

/// Whether an act makes a role its culprit. A role deleting, disabling or
/// turning something off is routine work ("the administrator removed the
/// stale accounts") unless the act is marked as a slip.
pub(super) fn role_act(cx: &Cx, kind: &Kind) -> bool {
    match *kind {
        Kind::Verb(v, adv) => {
            let t = cx.t(v);
            t.has(f::FAIL)
                || adv.is_some()
                || (t.has(f::SENSITIVE_ACT) && secret_made_public(cx, v))
                || !(t.has(f::DESTRUCTIVE)
                    || (t.has(f::SENSITIVE_ACT) && !CLICK_VERBS.contains(&cx.lw(v))))
        }
        _ => true,
    }
}

/// Skips what may follow an agent before its verb: "on duty", "on call", "in
/// charge", "on the night shift", "on the platform team", "with admin rights".
pub(super) fn skip_after(cx: &Cx, j: usize, s1: usize) -> usize {
    // "an intern at SolarWinds", "an engineer from Northwind Tools"
    if cx.word_is(j, s1, &["at", "from"]) {
        let mut k = j + 1;
        while k < s1
            && k < j + 4
            && cx.t(k).is_word()
            && cx.t(k).is(shape::CAP)
            && !is_name_tok(&cx.t(k))
        {
            k += 1;
        }
        if k > j + 1 {
            return k;
        }
    }
    if cx.word_is(j, s1, &["on", "in", "from", "at"]) {
        if cx.word_is(j + 1, s1, &["duty", "call", "charge", "shift"])
            || (cx.lw(j + 1) == "it" && cx.t(j + 1).is(shape::ALLCAPS))
        {
            return j + 2;
        }
        // "on the night shift", "on the ops team", "in the SOC"
        let mut k = j + 1;
        while k < s1 && k < j + 5 {
            let t = cx.t(k);
            if !t.is_word() || t.has(f::VERB | f::FAIL | f::NEG | f::SKIP) {
                break;
            }
            if t.has(f::ROLE) || matches!(cx.lw(k), "shift" | "rota" | "rotation") {
                // "on the ops team": the last of the role words
                let mut e = k + 1;
                while e < s1 && e < k + 3 && cx.t(e).has(f::ROLE) && cx.t(e).is_word() {
                    e += 1;
                }
                return e;
            }
            k += 1;
        }
    }
    j
}

fn word_before<'a>(cx: &'a Cx, i: usize, s0: usize, back: usize) -> &'a str {
    if i >= s0 + back { cx.lw(i - back) } else { "" }
}

/// "It was Dave who …", "Priya, of all people, …", "Marco alone caused …",
/// "nobody but the DBA …", "Emre was the one who …".
pub(super) fn emphatic(cx: &Cx, p: &Person, j: usize, s0: usize, s1: usize) -> Option<Kind> {
    let first = p.first;
    // "It was X who/that VERB": credit ("who spotted it") is not blame
    let it = (s0..first)
        .rev()
        .take(5)
        .find(|&k| cx.lw(k) == "it" || cx.lw(k) == "it's");
    if let Some(it) = it
        && (cx.lw(it) == "it's" || cx.word_is(it + 1, s1, &["was", "is", "'s"]))
    {
        let rel = (j..(j + 8).min(s1)).find(|&k| matches!(cx.lw(k), "who" | "that"));
        if let Some(r) = rel {
            let v = (r + 1..s1)
                .find(|&k| !cx.t(k).has(f::SKIP) || cx.t(k).has(f::NEG))
                .unwrap_or(r);
            if !cx.t(v).has(f::POSITIVE) {
                return Some(Kind::Emphatic(it, v.min(s1 - 1)));
            }
        }
    }
    // "X, of all people," and "Of all people, X …"
    for k in s0..s1.min(first + 8) {
        if let Some(e) = seq(cx, k, s1, &[&["of"], &["all"], &["people"]]) {
            return Some(Kind::Emphatic(first.min(k), e.max(p.last)));
        }
    }
    // "the DBA, nobody else, ran it", "this one is on Pavel and nobody else"
    if let Some(e) = (p.last + 1..s1.min(p.last + 4))
        .find(|&k| matches!(cx.lw(k), "nobody" | "no-one") && cx.word_is(k + 1, s1, &["else"]))
        && (p.last + 1..e).all(|k| !cx.t(k).is_word() || matches!(cx.lw(k), "and" | "or"))
    {
        return Some(Kind::Emphatic(first, e + 1));
    }
    // "X alone", "X and X alone", "X single-handedly"
    if cx.word_is(j, s1, &["alone", "single-handedly", "singlehandedly"]) {
        let v = cx.t(j + 1);
        let acts = v.is_word()
            && (v.has(f::VERB | f::FAIL | f::DESTRUCTIVE | f::SENSITIVE_ACT)
                || cause_pred(cx, j + 1, s1).is_some()
                || past_participle(cx.lw(j + 1)).is_some());
        // "the on-call and the on-call alone"
        let twin = p.last + 1 < j && cx.lw(p.last + 1) == "and";
        if acts || twin || cx.lw(j) != "alone" {
            return Some(Kind::Emphatic(first, j));
        }
    }
    // "nobody but X", "none other than X", "and only X"
    let b1 = word_before(cx, first, s0, 1);
    let b2 = word_before(cx, first, s0, 2);
    if (b1 == "but" && matches!(b2, "nobody" | "one" | "else" | "none"))
        || (b1 == "than" && b2 == "other")
    {
        return Some(Kind::Emphatic(first - 2, p.last));
    }
    if b1 == "only"
        && (cx.word_is(j, s1, &["could"]) && cx.word_is(j + 1, s1, &["have"])
            || b2 == "and"
            || predicate(cx, j, s0, s1).is_some())
    {
        return Some(Kind::Emphatic(first - 1, p.last));
    }
    // "was the one who …"
    if let Some(e) = seq(
        cx,
        j,
        s1,
        &[&["was", "is"], &["the"], &["one"], &["who", "that"]],
    ) && !cx.t(e + 1).has(f::POSITIVE)
    {
        return Some(Kind::Emphatic(first, (e + 1).min(s1 - 1)));
    }
    // "entirely down to X", "rests squarely with X"
    if matches!(b1, "to" | "with")
        && matches!(
            if b1 == "to" {
                b2
            } else {
                word_before(cx, first, s0, 2)
            },
            "down" | "entirely" | "squarely" | "solely" | "wholly" | "fully"
        )
    {
        let a = (s0..first)
            .rev()
            .take(4)
            .find(|&k| {
                matches!(
                    cx.lw(k),
                    "entirely" | "squarely" | "solely" | "wholly" | "fully" | "down"
                )
            })
            .unwrap_or(first);
        let before = word_before(cx, a, s0, 1);
        if b2 != "down" || matches!(before, "entirely" | "all" | "comes" | "came" | "come") {
            return Some(Kind::Emphatic(a, p.last));
        }
    }
    None
}

#[rustfmt::skip]
const ATTENTIVE: &[&str] = &[
    "more", "careful", "paying", "awake", "watching", "attentive", "diligent", "vigilant", "listening", "less",
];

/// "If the reviewer had read it …", "Had the DBA tested the backup, …",
/// "If only someone had …": a person as the condition of a counterfactual.
pub(super) fn counterfactual(cx: &Cx, p: &Person, j: usize, s0: usize, s1: usize) -> Option<Kind> {
    let first = p.first;
    // where the condition starts: "if [only|just|even] X", or "Had X" at the
    // start of the sentence or after a comma
    let mut a = None;
    for back in 1..=3 {
        if first < s0 + back {
            break;
        }
        let k = first - back;
        let w = cx.lw(k);
        if w == "if" {
            a = Some(k);
            break;
        }
        if w == "had" {
            a = Some(k);
            break;
        }
        if !matches!(w, "only" | "just" | "even" | "one") {
            break;
        }
    }
    let a = a?;
    let had_first = cx.lw(a) == "had";
    let mut k = j;
    // "if the engineer who ran the script had checked …": skip the relative
    // clause to its "had"
    if !had_first
        && cx.word_is(k, s1, &["who"])
        && let Some(h) = (k + 2..s1.min(k + 10))
            .take_while(|&q| cx.t(q).is_word())
            .find(|&q| matches!(cx.lw(q), "had" | "hadn't"))
    {
        k = h;
    }
    if !had_first {
        match cx.lw(k) {
            "had" | "hadn't" => k += 1,
            // "if the user didn't approve", "if the analyst had not"
            "didn't" | "did" => {
                if cx.lw(k) == "did" && !cx.word_is(k + 1, s1, &["not"]) {
                    return None;
                }
                return Some(Kind::Counterfactual(a, (k + 1).min(s1 - 1)));
            }
            _ => return None,
        }
    }
    if cx.word_is(
        k,
        s1,
        &[
            "not", "never", "only", "just", "actually", "properly", "simply",
        ],
    ) {
        k += 1;
    }
    if cx.word_is(k, s1, &["been"]) {
        // "if the DBA had been told" is a missing condition, not a judgement
        return cx
            .word_is(k + 1, s1, ATTENTIVE)
            .then_some(Kind::Counterfactual(a, k + 1));
    }
    if k < s1
        && cx.t(k).is_word()
        && !cx.t(k).has(f::DET | f::PREP)
        && (is_participle(cx, k, s1) || cx.t(k).has(f::VERB | f::FAIL | f::SENSITIVE_ACT))
    {
        return Some(Kind::Counterfactual(a, k));
    }
    None
}

#[rustfmt::skip]
const NEUTRAL_IN_CAUSE: &[&str] = &[
    "asked", "said", "told", "answered", "requested", "reported", "called", "notified", "escalated", "followed",
    "thanked", "praised", "agreed", "wanted", "needed", "knew", "had", "was", "were", "is", "are", "has",
    "could", "would", "did", "expected", "assumed", "believed", "thought", "saw", "received", "got",
];

/// "… because the intern pushed to main", "The root cause is that the
/// reviewer approved …": a person as the cause.
pub(super) fn because(cx: &Cx, p: &Person, j: usize, s0: usize, s1: usize) -> Option<Kind> {
    let first = p.first;
    let b1 = word_before(cx, first, s0, 1);
    let is_cause = matches!(b1, "because" | "cos" | "coz" | "cuz" | "bc" | "'cause")
        || (b1 == "that"
            && matches!(word_before(cx, first, s0, 2), "is" | "was")
            && (s0..first).any(|k| cx.lw(k) == "cause"));
    if !is_cause {
        return None;
    }
    let mut v = j;
    while v < s1 && cx.t(v).has(f::SKIP | f::FAIL_ADV) && !matches!(cx.lw(v), "had" | "has") {
        v += 1;
    }
    if v >= s1 || !cx.t(v).is_word() {
        return None;
    }
    let w = cx.lw(v);
    if matches!(w, "was" | "were")
        && cx.word_is(
            v + 1,
            s1,
            &["asleep", "distracted", "absent", "careless", "busy"],
        )
    {
        return Some(Kind::Other(v + 1));
    }
    if NEUTRAL_IN_CAUSE.contains(&w) || cx.t(v).has(f::CONDITION | f::POSITIVE | f::DET) {
        return None;
    }
    past_participle(w).map(|_| Kind::Because(v))
}

/// "Yusuf opening the attachment led to the infection", "Rosa disabling MFA
/// caused …": a person's act as the subject of a cause verb.
pub(super) fn gerund_cause(cx: &Cx, j: usize, s1: usize) -> Option<Kind> {
    let t = cx.t(j);
    if !(t.is_word() && cx.lw(j).ends_with("ing") && cx.lw(j).len() > 4) {
        return None;
    }
    let end = (j + 1..s1.min(j + 12))
        .find(|&k| cx.t(k).is(shape::PUNCT))
        .unwrap_or(s1.min(j + 12));
    (j + 1..end)
        .find_map(|k| cause_pred(cx, k, end))
        .map(Kind::Other)
}

/// A verb that makes its subject the cause: "caused", "led to", "resulted
/// in", "triggered", "brought down", "took down"; the last token.
pub(super) fn cause_pred(cx: &Cx, k: usize, s1: usize) -> Option<usize> {
    match cx.lw(k) {
        "caused" | "causes" | "triggered" | "triggers" => Some(k),
        "led" | "leads" => cx.word_is(k + 1, s1, &["to"]).then_some(k + 1),
        "resulted" | "results" => cx.word_is(k + 1, s1, &["in"]).then_some(k + 1),
        "brought" | "took" | "knocked" | "takes"
            if cx.word_is(k + 1, s1, &["down", "out", "offline"]) =>
        {
            Some(k + 1)
        }
        "introduced" => (k + 1..s1.min(k + 5)).find(|&q| {
            matches!(
                cx.lw(q),
                "bug"
                    | "vulnerability"
                    | "injection"
                    | "regression"
                    | "flaw"
                    | "backdoor"
                    | "outage"
            )
        }),
        "got" | "brought" => (k + 1..s1.min(k + 4)).find(|&q| {
            cx.t(q).has(f::CONTAIN)
                || matches!(
                    cx.lw(q),
                    "ransomware" | "malware" | "worm" | "virus" | "attackers" | "attacker"
                )
        }),
        "gave" => cx
            .word_is(k + 1, s1, &["the"])
            .then_some(k)
            .filter(|_| cx.word_is(k + 2, s1, &["attacker", "attackers", "intruder"])),
        "spread" | "cost" | "destroyed" | "overloaded" | "lost" | "let" | "allowed" | "crashed"
        | "exposed" | "broke" | "wiped" | "deleted" | "leaked" | "infected" | "disabled" => Some(k),
        "left" => cx
            .word_is(k + 1, s1, &["the", "a", "our", "every"])
            .then_some(k),
        "made" => {
            (k + 1..s1.min(k + 5)).find(|&q| matches!(cx.lw(q), "worse" | "possible" | "longer"))
        }
        _ => None,
    }
}

/// "the team lead who ignored the warning", "the developer who wrote the
/// parser forgot to …": the verb of the relative clause, or the first failure
/// verb after it.
pub(super) fn relative(cx: &Cx, j: usize, s0: usize, s1: usize) -> Option<Kind> {
    if !cx.word_is(j, s1, &["who", "that"]) {
        return None;
    }
    if let Some(k) = predicate(cx, j + 1, s0, s1) {
        return Some(k);
    }
    let end = (j + 1..s1)
        .find(|&k| cx.t(k).is(shape::PUNCT))
        .unwrap_or(s1);
    (j + 2..end.min(j + 10))
        .find(|&k| cx.t(k).has(f::FAIL | f::OMIT) && !cx.t(k - 1).has(f::DET))
        .and_then(|k| predicate(cx, k, s0, s1))
}

#[rustfmt::skip]
const CONTRAST: &[&[&[&str]]] = &[
    &[&["rather"], &["than"]],
    &[&["instead"]],
    &[&["against"]],
    &[&["not"], &["to"]],
    &[&["without"]],
    &[&["despite"]],
    &[&["in"], &["favour", "favor"], &["of"]],
];
#[rustfmt::skip]
const BAD_CHOICE: &[&str] = &[
    "ignore", "skip", "bypass", "disable", "silence", "suppress", "override", "overrule", "postpone", "defer",
    "delay", "reuse", "trust", "force", "force-merge", "downgrade", "whitelist", "circumvent", "leave", "let",
    "hide", "conceal", "rubber-stamp", "hotfix", "mute", "snooze", "dismiss", "turn", "switch", "push", "keep",
];
#[rustfmt::skip]
const UNCHECKED: &[&str] = &[
    "unsigned", "untested", "unreviewed", "unverified", "unpatched", "unencrypted", "plain", "plaintext",
];
#[rustfmt::skip]
const REASONS: &[&str] = &["because", "as", "since", "given", "when", "so"];

/// "Priya chose to postpone the fix rather than …", "The DBA decided to wait
/// instead of …", "chose speed over safety": a decision framed as the
/// person's wrong choice. `j` is the choice verb.
pub(super) fn choice(cx: &Cx, j: usize, s1: usize) -> Option<Kind> {
    let mut k = j + 1;
    let made_call = cx.lw(j) == "made";
    if made_call {
        k = seq(cx, k, s1, &[&["the", "a"], &["call", "decision", "choice"]])? + 1;
    } else if !cx.t(j).has(f::CHOICE) {
        return None;
    }
    // "chose speed over safety"
    if !cx.word_is(k, s1, &["to", "not", "that", "against"])
        && let Some(o) = (k..s1.min(k + 6)).find(|&q| cx.lw(q) == "over")
        && o > k
        && !system_reason(cx, o, s1)
    {
        return Some(Kind::Choice(j, o));
    }
    for q in k..s1 {
        if cx.t(q).is(shape::PUNCT) && cx.t(q).punct != b',' {
            break;
        }
        for pat in CONTRAST {
            if let Some(e) = seq(cx, q, s1, pat) {
                // "decided not to wait" is a choice too; "without" only after the act
                if cx.lw(q) == "without" && q == k {
                    continue;
                }
                if system_reason(cx, e, s1) {
                    return None;
                }
                return Some(Kind::Choice(j, e));
            }
        }
    }
    // "decided to skip the checklist", unless a reason about the system follows
    let to = if cx.word_is(k, s1, &["to"]) {
        k + 1
    } else {
        return None;
    };
    let v = cx.lw(to);
    let clause = cx.clause_end(to, s1);
    let bad = BAD_CHOICE.contains(&v)
        || cx.t(to).has(f::FAIL | f::DESTRUCTIVE)
        || cx.any_flag(to, clause, f::BLAME)
        || (to..clause).any(|q| UNCHECKED.contains(&cx.lw(q)));
    if !bad {
        return None;
    }
    if system_reason(cx, to, s1) {
        return None;
    }
    Some(Kind::Choice(j, to))
}

/// A reason about the system follows `from`: "because the workaround broke
/// logins", "as its contract permits" (not "because she was in a hurry").
pub(super) fn system_reason(cx: &Cx, from: usize, s1: usize) -> bool {
    (from..s1)
        .find(|&q| REASONS.contains(&cx.lw(q)))
        .is_some_and(|r| {
            let subj = cx.t(r + 1);
            !(subj.has(f::PRONOUN | f::SUBJ) || is_name_tok(&subj))
        })
}

/// The finding for emphasis, a person as a counterfactual's condition, and a
/// decision framed as a wrong choice.
pub(super) fn framing_finding(cx: &Cx, p: &Person, kind: Kind) -> Raw {
    let name = cx.name_text(p).to_string();
    let (a, b) = match kind {
        Kind::Emphatic(a, b) | Kind::Counterfactual(a, b) | Kind::Choice(a, b) => (a, b),
        _ => (p.first, p.last),
    };
    let (a, b) = (a.min(p.first), b.max(a));
    let matched = cx.span(a, b).to_string();
    let (rule, message, suggestion) = match kind {
        Kind::Emphatic(..) => (
            Rule::PersonAgent,
            format!(
                "'{matched}' singles out '{name}' as the one to blame. Emphasis on who acted turns the review into a search for a culprit."
            ),
            "State what happened without singling anyone out (\"The bucket was deleted during the clean-up\"), then what made the action possible.",
        ),
        Kind::Counterfactual(..) => (
            Rule::Hindsight,
            format!(
                "'{matched}' makes '{name}' the condition of the incident. A counterfactual about a person judges them with hindsight; the same question about the system leads to a fix."
            ),
            "Name the missing condition in the system instead (\"The change tool did not show the target host; nothing required a second check\").",
        ),
        _ => (
            Rule::Hindsight,
            format!(
                "'{matched}' frames a decision by '{name}' as the wrong choice, judged by its outcome."
            ),
            "Report the decision with what was known and what constrained it at the time (\"The fix was deferred to Monday because no escalation procedure existed\").",
        ),
    };
    Raw {
        rule,
        start: cx.t(a).start as usize,
        end: cx.t(b).full_end as usize,
        message,
        suggestion: Some(suggestion.to_string()),
        replacement: None,
    }
}

/// "pasted the API key into the public issue": a secret and a public place in
/// the clause of the act at `v`.
fn secret_made_public(cx: &Cx, v: usize) -> bool {
    let end = cx.clause_end(v + 1, cx.scan.toks.len()).min(v + 12);
    let has = |words: &[&str]| (v + 1..end).any(|k| words.contains(&cx.lw(k)));
    has(&[
        "key",
        "keys",
        "password",
        "passwords",
        "token",
        "tokens",
        "secret",
        "secrets",
        "credentials",
    ]) && has(&[
        "public",
        "publicly",
        "internet",
        "pastebin",
        "gist",
        "github",
        "world-readable",
    ])
}
