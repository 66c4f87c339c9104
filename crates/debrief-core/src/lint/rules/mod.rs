//! The rules, applied one sentence at a time over looked-up tokens.
//!
//! - person-agent: a named person is the grammatical agent of a failure
//!   ("Dave misconfigured the firewall", "Dave's change broke the build",
//!   "the key was leaked by @dave").
//! - person-named: a person named neutrally (a note, once per document).
//! - blame: judgement words and phrases ("careless", "dropped the ball").
//! - hindsight: counterfactuals about past actions ("should have", "if only",
//!   "obviously").
//! - human-error: "human error" (operator error, PEBKAC) offered as a cause.

mod blame;
mod hindsight;
mod human_error;
mod inflect;
mod mentions;
mod person;
mod phrasing;
mod rewrite;
mod roles;
mod sanction;

use super::Rule;
use super::lexicon::f;
use super::scan::{Scan, Tok, shape};
pub(crate) use blame::phrase_starters;
use blame::*;
use hindsight::*;
use human_error::*;
use inflect::*;
use mentions::*;
pub(crate) use person::Person;
use person::*;
use phrasing::*;
use rewrite::*;
use roles::*;
use sanction::*;

/// A finding before it has a line and column: bytes are chunk offsets.
#[derive(Debug, Clone)]
pub(crate) struct Raw {
    pub rule: Rule,
    pub start: usize,
    pub end: usize,
    pub message: String,
    pub suggestion: Option<String>,
    pub replacement: Option<String>,
}

/// Phrases added in configuration.
#[derive(Debug, Clone, Default)]
pub(crate) struct Extras {
    pub phrases: Vec<(Vec<String>, Rule)>,
}

pub(crate) struct Cx<'a> {
    pub text: &'a str,
    pub scan: &'a Scan,
    pub extras: &'a Extras,
}

impl Cx<'_> {
    #[inline]
    fn t(&self, i: usize) -> Tok {
        self.scan.toks.get(i).copied().unwrap_or_default()
    }
    #[inline]
    fn lw(&self, i: usize) -> &str {
        match self.scan.toks.get(i) {
            Some(t) => self.scan.lower(t),
            None => "",
        }
    }
    #[inline]
    fn word_is(&self, i: usize, s1: usize, any: &[&str]) -> bool {
        i < s1 && self.t(i).is_word() && any.contains(&self.lw(i))
    }
    /// The original text from token a's start to token b's end (with 's).
    fn span(&self, a: usize, b: usize) -> &str {
        let (s, e) = (self.t(a).start as usize, self.t(b).full_end as usize);
        self.text.get(s..e.max(s)).unwrap_or("")
    }
    fn name_text(&self, p: &Person) -> &str {
        let (s, e) = (self.t(p.first).start as usize, self.t(p.last).end as usize);
        self.text.get(s..e.max(s)).unwrap_or("")
    }
    /// The end (exclusive) of the clause that starts at `from`.
    fn clause_end(&self, from: usize, s1: usize) -> usize {
        let mut k = from;
        while k < s1 {
            let t = self.t(k);
            if t.is(shape::PUNCT)
                || (k > from && t.has(f::BOUNDARY) && !matches!(self.lw(k), "that"))
            {
                return k;
            }
            k += 1;
        }
        s1
    }
    fn any_flag(&self, a: usize, b: usize, fl: u64) -> bool {
        (a..b).any(|k| self.t(k).has(fl))
    }
}

/// Runs every rule over the sentence `toks[s0..s1]`.
pub(crate) fn sentence(
    cx: &Cx,
    s0: usize,
    s1: usize,
    persons: &mut Vec<Person>,
    out: &mut Vec<Raw>,
    first_mention: &mut dyn FnMut(&str) -> bool,
) {
    let first_raw = out.len();
    // phrases and single words
    let mut i = s0;
    while i < s1 {
        let t = cx.t(i);
        if t.is_word()
            && t.flags & (f::BLAME | f::TRIGGER | f::EXTRA_PHRASE | f::ROLE | f::SOFT | f::SANCTION)
                != 0
        {
            if let Some(r) = blame_phrase(cx, i, s0, s1)
                .or_else(|| hindsight(cx, i, s0, s1))
                .or_else(|| human_error(cx, i, s0, s1))
                .or_else(|| sanction(cx, i, s0, s1))
                .or_else(|| soft_judgement(cx, i, s0, s1))
                .or_else(|| extra_phrase(cx, i, s1))
            {
                out.push(r);
            } else if t.has(f::BLAME)
                && let Some(r) = blame_word(cx, i, s0, s1)
            {
                out.push(r);
            }
        } else if t.is_word()
            && let Some(r) = fate(cx, i, s0, s1)
        {
            out.push(r);
        }
        i += 1;
    }
    // people
    find_persons(cx, s0, s1, persons);
    for pi in 0..persons.len() {
        let p = persons[pi];
        if p.consumed {
            continue;
        }
        let kind = agent(cx, &p, s0, s1, persons).filter(|k| !p.role || role_act(cx, k));
        match kind {
            // a role whose act another rule already judges needs no second finding
            Some(_)
                if p.role
                    && out[first_raw..]
                        .iter()
                        .any(|r| r.rule != Rule::PersonAgent && r.rule != Rule::PersonNamed) => {}
            Some(kind) => out.push(person_finding(cx, &p, kind, s1)),
            None if !p.pronoun && !p.role && first_mention(cx.name_text(&p)) => {
                let name = cx.name_text(&p);
                out.push(Raw {
                        rule: Rule::PersonNamed,
                        start: cx.t(p.first).start as usize,
                        end: cx.t(p.last).end as usize,
                        message: format!(
                            "'{name}' is named here. A neutral mention is fine in a timeline; in a published review a role (\"the on-call engineer\") keeps the focus on the system."
                        ),
                        suggestion: Some("Consider the person's role instead of their name.".into()),
                        replacement: None,
                    });
            }
            None => {}
        }
    }
}

pub(super) fn cap_if(s: &str, cap: bool) -> String {
    if !cap {
        return s.to_string();
    }
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Matches `pat` (alternatives per slot; a slot starting with "?" is optional)
/// at token `i`; returns the last token matched.
pub(super) fn seq(cx: &Cx, i: usize, s1: usize, pat: &[&[&str]]) -> Option<usize> {
    let mut k = i;
    let mut last = i;
    for slot in pat {
        let optional = slot.first().is_some_and(|s| s.starts_with('?'));
        let hit = k < s1
            && cx.t(k).is_word()
            && slot.iter().any(|s| s.trim_start_matches('?') == cx.lw(k));
        if hit {
            last = k;
            k += 1;
        } else if !optional {
            return None;
        }
    }
    Some(last)
}
