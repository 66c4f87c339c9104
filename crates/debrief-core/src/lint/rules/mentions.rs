//! Finding the people in a sentence: names (with the organisation's
//! directory), pronouns and "you", @handles, email addresses, roles and teams,
//! and names written in lower case in chat ("kev forgot to …").

use super::*;

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
                persons.push(Person::at(k, k));
            }
            k += 1;
            continue;
        }
        if t.is(shape::EMAIL) {
            let e = cx.lw(k);
            let local = e.split('@').next().unwrap_or("");
            let dom_ok = e.split('@').nth(1).is_some_and(|d| d.contains('.'));
            if dom_ok && !ROLE_MAILBOXES.contains(&local) {
                persons.push(Person::at(k, k));
            }
            k += 1;
            continue;
        }
        if t.has(f::PRONOUN) && !t.is(shape::ALLCAPS) {
            let w = cx.lw(k);
            // "him" only matters after "by"; "her" may be possessive
            if matches!(w, "he" | "she" | "his" | "her" | "him" | "you" | "your") {
                persons.push(Person {
                    pronoun: true,
                    ..Person::at(k, k)
                });
            }
            k += 1;
            continue;
        }
        if t.has(f::ROLE) && !is_name_tok(&t) {
            if let Some(first) = role_np(cx, k, s0, s1) {
                persons.push(Person {
                    role: true,
                    ..Person::at(first, k)
                });
            }
            k += 1;
            continue;
        }
        let title = matches!(cx.lw(k), "mr" | "mrs" | "ms" | "dr" | "mx")
            && k + 1 < s1
            && cx.t(k + 1).is(shape::CAP)
            && cx.t(k + 1).is_word();
        // "It was Julia who …", "Ruby decided to …": a tool's name acting as a person
        let tool_person = t.is_word()
            && t.is(shape::CAP)
            && t.has(f::TOOL)
            && !t.is(shape::POSS)
            && (cx.word_is(k + 1, s1, &["who", "forgot", "neglected"])
                || cx.t(k + 1).has(f::CHOICE)
                || cx.word_is(k + 1, s1, &["bypassed"]));
        // "Julia's commit broke the build": a tool owns no commit or laptop
        let tool_person = tool_person
            || (t.is_word()
                && t.is(shape::CAP)
                && t.has(f::TOOL)
                && t.is(shape::POSS)
                && k + 1 < s1
                && owned(cx, k + 1)
                && !cx.word_is(
                    k + 1,
                    s1,
                    &[
                        "config",
                        "configuration",
                        "code",
                        "release",
                        "update",
                        "patch",
                    ],
                ));
        if lower_name(cx, k, s0, s1) {
            persons.push(Person::at(k, k));
            k += 1;
            continue;
        }
        if !(is_name_tok(&t) || title || tool_person) {
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
        persons.push(Person::at(k, m));
        k = m + 1;
    }
}

/// Given names that are also everyday lower-case words or syllables: never a
/// name when written in lower case.
#[rustfmt::skip]
const LOWER_NOT_NAMES: &[&str] = &[
    "per", "floor", "min", "ping", "lei", "jan", "ira", "ola", "noa", "art", "gil", "lin", "yan", "jun", "dai",
    "dong", "hui", "ying", "xin", "ren", "kai", "ken", "tim", "nia", "ayu", "mei", "anh", "duc", "linh",
    "abby", "avi", "ali", "amir", "leo", "felix", "victor", "sage", "kim", "chen", "liu", "wei", "zhang", "jin",
    "min", "ming", "seo-yeon", "juan", "pat", "ted", "ned", "liz", "meg", "kat", "nick", "matt", "greg", "chad",
    "brad", "jeff", "josh", "tara", "ben", "dan", "jim", "bill", "bob", "sue", "joe", "tom", "mike", "steve",
    "pete", "mary", "karma", "eric", "rob", "chris", "sam", "alex", "kyle", "derek", "sean", "zach", "jack",
];

/// "kev forgot to renew it", "cos marek force-pushed": a given name written in
/// lower case, as in chat, counts only as the subject of a verb that follows
/// it, and never after a determiner ("the ping failed").
fn lower_name(cx: &Cx, k: usize, s0: usize, s1: usize) -> bool {
    let t = cx.t(k);
    t.is_word()
        && !t.is(shape::CAP)
        && t.has(f::GIVEN)
        && !t.has(f::AMBIG | f::COMMON | f::TOOL | f::DET | f::PREP | f::ROLE | f::VERB)
        && !t.is(shape::POSS)
        && cx.lw(k).len() >= 3
        && !LOWER_NOT_NAMES.contains(&cx.lw(k))
        && !(k > s0 && cx.t(k - 1).is_word() && cx.t(k - 1).has(f::DET | f::PREP))
        && (verbish(cx, k + 1, s1) || cx.word_is(k + 1, s1, &["who"]))
}
