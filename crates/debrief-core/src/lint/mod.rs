//! The blameless-language checker.
//!
//! It reads Markdown or plain text and reports wording that makes a review
//! about people instead of the system: a named person as the agent of a
//! failure, blame and judgement words, hindsight and counterfactuals, and
//! "human error" offered as a cause. Each finding carries the exact span, a
//! message that says why the wording hurts learning and, where one can be
//! made, a rewrite that replaces exactly that span.
//!
//! ```
//! use debrief_core::lint::{Linter, LintConfig, People};
//! let linter = Linter::new(LintConfig::default(), People::parse("Dave Jones\n"));
//! let found = linter.check("Dave misconfigured the firewall.");
//! assert_eq!(found[0].rule.id(), "person-agent");
//! assert_eq!(found[0].replacement.as_deref(), Some("The firewall was misconfigured"));
//! ```
//!
//! A [`Linter`] is immutable, `Send + Sync`, and cheap to share in an `Arc`.
//! [`Linter::check`] takes a string; [`Linter::check_reader`] streams any
//! `BufRead` with bounded memory, paragraph by paragraph.

mod config;
mod lexicon;
mod people;
mod rules;
mod scan;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_classes;

pub use config::{ConfigError, Level, LintConfig};
pub use people::People;

use lexicon::{FxSet, Lexicon, f};
use rules::{Extras, Raw};
use scan::{Blocks, Directive, Scan};
use serde::Serialize;
use std::fmt;
use std::io::BufRead;
use std::str::FromStr;

/// A rule of the checker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rule {
    /// A person (by name, pronoun or role) is the agent or the cause of a
    /// failure, mistake or omission.
    PersonAgent,
    /// A person is named neutrally (a note, once per document).
    PersonNamed,
    /// Blame and judgement words.
    Blame,
    /// Hindsight and counterfactual language about past actions.
    Hindsight,
    /// "Human error" offered as a cause.
    HumanError,
    /// A call for sanction or for a culprit.
    Sanction,
    /// A suppression comment that cannot be used (no reason, unknown rule).
    Suppression,
}

impl Rule {
    pub const ALL: [Rule; 7] = [
        Rule::PersonAgent,
        Rule::PersonNamed,
        Rule::Blame,
        Rule::Hindsight,
        Rule::HumanError,
        Rule::Sanction,
        Rule::Suppression,
    ];

    /// The rule's id, as used in configuration, suppressions and output.
    pub fn id(self) -> &'static str {
        match self {
            Rule::PersonAgent => "person-agent",
            Rule::PersonNamed => "person-named",
            Rule::Blame => "blame",
            Rule::Hindsight => "hindsight",
            Rule::HumanError => "human-error",
            Rule::Sanction => "sanction",
            Rule::Suppression => "suppression",
        }
    }

    /// One line about what the rule flags.
    pub fn summary(self) -> &'static str {
        match self {
            Rule::PersonAgent => {
                "A person (by name or role) is the agent or the cause of a failure, mistake or omission."
            }
            Rule::PersonNamed => {
                "A person is named; neutral, but a role keeps the focus on the system."
            }
            Rule::Blame => "Blame and judgement words describe a person, not what happened.",
            Rule::Hindsight => {
                "Hindsight and counterfactuals judge past actions with knowledge not available at the time."
            }
            Rule::HumanError => {
                "\"Human error\" offered as a cause ends the investigation where it should start."
            }
            Rule::Sanction => "A call for sanction or for a culprit turns the review into a trial.",
            Rule::Suppression => "A suppression comment needs known rule ids and a reason.",
        }
    }

    /// Why the wording hurts learning, and what to write instead.
    pub fn help(self) -> &'static str {
        match self {
            Rule::PersonAgent => {
                "When a review names who caused a failure, people learn to hide details. Say what happened to the system (\"the firewall rule was misconfigured\") and then what made it possible: a missing check, an unclear procedure, time pressure."
            }
            Rule::PersonNamed => {
                "Naming people in a neutral timeline entry is fine. In a published review, a role (\"the on-call engineer\") keeps attention on the system and protects people who come forward."
            }
            Rule::Blame => {
                "Words such as careless, negligent or \"dropped the ball\" judge a person. Judgement stops reporting. Describe the action and the conditions that made it easy to get wrong."
            }
            Rule::Hindsight => {
                "\"Should have\", \"if only\" and \"obviously\" judge a past action with knowledge that came later. Describe what people knew and saw at the time, and turn the lesson into an action item."
            }
            Rule::HumanError => {
                "Human error is where an investigation starts, not where it ends. Ask what made the action possible, likely or hard to catch, and write those conditions down as the causes."
            }
            Rule::Sanction => {
                "\"Should be disciplined\", \"must be held accountable\" and \"who broke it?\" ask for a culprit. People then hide what they did and report later. Ask what made the action possible and what change prevents it; conduct questions belong in a separate process."
            }
            Rule::Suppression => {
                "Write suppressions as <!-- debrief-lint: allow RULE[, RULE] -- the reason -->; the reason is required."
            }
        }
    }

    /// The severity when the configuration says nothing.
    pub fn default_severity(self) -> Severity {
        match self {
            Rule::PersonNamed => Severity::Note,
            _ => Severity::Warning,
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl FromStr for Rule {
    type Err = String;
    fn from_str(s: &str) -> Result<Rule, String> {
        Rule::ALL
            .iter()
            .copied()
            .find(|r| r.id() == s.trim())
            .ok_or_else(|| format!("unknown rule '{}'", s.trim()))
    }
}

/// How serious a finding is. Warnings and errors fail `debrief lint`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Note,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub rule: Rule,
    pub severity: Severity,
    /// Byte offsets of the span in the input (end exclusive).
    pub start: usize,
    pub end: usize,
    /// 1-based line and column (in characters) where the span starts.
    pub line: usize,
    pub column: usize,
    /// 1-based line and column (in characters) just after the span.
    pub end_line: usize,
    pub end_column: usize,
    /// The text of the span.
    pub matched: String,
    /// Why the wording hurts learning.
    pub message: String,
    /// What to write instead (advice, or the rewrite in words).
    pub suggestion: Option<String>,
    /// A replacement for exactly `start..end`, when one can be made.
    pub replacement: Option<String>,
}

/// What a streamed check read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StreamStats {
    pub bytes: u64,
    pub lines: u64,
    pub findings: u64,
}

/// The checker: built once, shared freely.
#[derive(Debug, Clone)]
pub struct Linter {
    lexicon: Lexicon,
    extras: Extras,
    config: LintConfig,
    people: usize,
}

/// Longest piece of a line handled at once; longer lines are cut at white space.
const MAX_PIECE: usize = 16 * 1024;
/// A paragraph longer than this is checked in parts (at line boundaries).
const MAX_CHUNK: usize = 64 * 1024;
/// People remembered for "first mention" notes in one document.
const MAX_SEEN: usize = 100_000;

impl Default for Linter {
    fn default() -> Self {
        Linter::new(LintConfig::default(), People::default())
    }
}

impl Linter {
    /// Builds the checker from a configuration and the people directory.
    pub fn new(config: LintConfig, people: People) -> Linter {
        let mut lexicon = Lexicon::builtin();
        let mut extras = Extras::default();
        let mut dir = people;
        for p in &config.people {
            dir.add(p);
        }
        for g in &dir.given {
            lexicon.add(g, f::DIR_GIVEN);
        }
        for s in &dir.family {
            lexicon.add(s, f::DIR_FAMILY);
        }
        for a in &config.allowed_names {
            for part in a.split_whitespace() {
                lexicon.add(part, f::TOOL);
            }
        }
        for v in &config.failure_verbs {
            lexicon.add(v, f::FAIL | f::VERB);
        }
        let mut phrase = |p: &str, rule: Rule, lexicon: &mut Lexicon| {
            let words: Vec<String> = p.split_whitespace().map(lexicon::normalise).collect();
            match words.len() {
                0 => {}
                1 if rule == Rule::Blame => lexicon.add(&words[0], f::BLAME),
                _ => {
                    lexicon.add(&words[0], f::EXTRA_PHRASE);
                    extras.phrases.push((words, rule));
                }
            }
        };
        for w in &config.blame_words {
            phrase(w, Rule::Blame, &mut lexicon);
        }
        for w in &config.hindsight_phrases {
            phrase(w, Rule::Hindsight, &mut lexicon);
        }
        for w in &config.human_error_phrases {
            phrase(w, Rule::HumanError, &mut lexicon);
        }
        // an allowed name is never a person, even when it is a given name
        for a in &config.allowed_names {
            for part in a.split_whitespace() {
                lexicon.remove(part, f::GIVEN | f::DIR_GIVEN | f::DIR_FAMILY);
            }
        }
        lexicon.freeze();
        Linter {
            lexicon,
            extras,
            config,
            people: dir.len(),
        }
    }

    /// The configuration in force.
    pub fn config(&self) -> &LintConfig {
        &self.config
    }

    /// How many people the directory holds.
    pub fn people(&self) -> usize {
        self.people
    }

    /// How many words the vocabulary holds (built-in, directory, configuration).
    pub fn vocabulary(&self) -> usize {
        self.lexicon.len()
    }

    /// Checks a whole text. Spans are byte offsets into `text`.
    pub fn check(&self, text: &str) -> Vec<Finding> {
        let mut out = Vec::new();
        let mut s = Session::new(self);
        for line in text.split_inclusive('\n') {
            let mut rest = line;
            while rest.len() > MAX_PIECE {
                let cut = cut_point(rest.as_bytes(), MAX_PIECE);
                let (a, b) = rest.split_at(cut);
                s.push(a, false, &mut |f| out.push(f));
                rest = b;
            }
            let ends = rest.ends_with('\n');
            s.push(rest, ends, &mut |f| out.push(f));
        }
        s.finish(&mut |f| out.push(f));
        out
    }

    /// Checks a stream with bounded memory, calling `on_finding` as findings
    /// are made (in order). Spans are byte offsets from the start of the
    /// stream. Invalid UTF-8 stops the check with `InvalidData`, naming the line.
    pub fn check_reader<R: BufRead>(
        &self,
        mut reader: R,
        mut on_finding: impl FnMut(Finding),
    ) -> std::io::Result<StreamStats> {
        let mut s = Session::new(self);
        let mut line: Vec<u8> = Vec::with_capacity(4096);
        let mut stats = StreamStats::default();
        let mut sink = |f: Finding| {
            stats.findings += 1;
            on_finding(f)
        };
        loop {
            let buf = match reader.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if buf.is_empty() {
                if !line.is_empty() {
                    let piece = utf8(&line, s.line)?;
                    s.push(piece, false, &mut sink);
                }
                break;
            }
            let room = MAX_PIECE.saturating_sub(line.len()).max(1);
            let window = &buf[..buf.len().min(room)];
            match memchr::memchr(b'\n', window) {
                Some(p) if line.is_empty() => {
                    // the whole line is in the reader's buffer: no copy
                    let piece = utf8(&window[..=p], s.line)?;
                    s.push(piece, true, &mut sink);
                    reader.consume(p + 1);
                }
                Some(p) => {
                    line.extend_from_slice(&window[..=p]);
                    reader.consume(p + 1);
                    let piece = utf8(&line, s.line)?;
                    s.push(piece, true, &mut sink);
                    line.clear();
                }
                None => {
                    let take = window.len();
                    line.extend_from_slice(window);
                    reader.consume(take);
                    if line.len() >= MAX_PIECE {
                        let cut = cut_point(&line, MAX_PIECE);
                        let piece = utf8(&line[..cut], s.line)?;
                        s.push(piece, false, &mut sink);
                        line.drain(..cut);
                    }
                }
            }
        }
        s.finish(&mut sink);
        stats.bytes = s.offset as u64;
        stats.lines = s.line as u64;
        Ok(stats)
    }
}

fn utf8(b: &[u8], line: usize) -> std::io::Result<&str> {
    std::str::from_utf8(b).map_err(|_| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("invalid UTF-8 on line {line}"),
        )
    })
}

/// Where to cut a long piece: the last white space before `max`, else the
/// last character boundary.
fn cut_point(b: &[u8], max: usize) -> usize {
    let max = max.min(b.len());
    if let Some(p) = b[..max].iter().rposition(|c| c.is_ascii_whitespace())
        && p > max / 2
    {
        return p + 1;
    }
    let mut c = max;
    while c > 1 && (b[c - 1] & 0b1100_0000) == 0b1000_0000 {
        c -= 1;
    }
    // c - 1 is a lead byte: cut before it unless its character is complete
    let lead = b[c - 1];
    let len = if lead < 0x80 {
        1
    } else if lead >= 0xF0 {
        4
    } else if lead >= 0xE0 {
        3
    } else {
        2
    };
    if c - 1 + len <= max {
        max
    } else {
        (c - 1).max(1)
    }
}

/// A suppression: which rules, and whether it is usable.
#[derive(Debug, Clone)]
struct Allow {
    rules: Vec<Rule>,
    all: bool,
}

/// One document being checked: paragraph-sized chunks, Markdown state carried
/// across them, suppressions, and the people already noted.
struct Session<'a> {
    linter: &'a Linter,
    blocks: Blocks,
    chunk: String,
    masked: Vec<u8>,
    directives: Vec<Directive>,
    content: bool,
    chunk_offset: usize,
    chunk_line: usize,
    chunk_col: usize,
    offset: usize,
    line: usize,
    col: usize,
    pending: Vec<Allow>,
    blank: Vec<u8>,
    scan: Scan,
    raws: Vec<Raw>,
    persons: Vec<rules::Person>,
    seen: FxSet<String>,
}

impl<'a> Session<'a> {
    fn new(linter: &'a Linter) -> Session<'a> {
        Session {
            linter,
            blocks: Blocks::default(),
            chunk: String::new(),
            masked: Vec::new(),
            directives: Vec::new(),
            content: false,
            chunk_offset: 0,
            chunk_line: 1,
            chunk_col: 0,
            offset: 0,
            line: 1,
            col: 0,
            pending: Vec::new(),
            blank: Vec::new(),
            scan: Scan::default(),
            raws: Vec::new(),
            persons: Vec::new(),
            seen: FxSet::default(),
        }
    }

    /// Adds a piece of a line; `ends_line` when it ends with its line break.
    fn push(&mut self, piece: &str, ends_line: bool, sink: &mut dyn FnMut(Finding)) {
        if ends_line && self.col == 0 && piece.trim().is_empty() {
            // a blank line ends the paragraph
            self.flush(sink);
            // keep the fence and comment state moving; the bytes are not needed
            self.blank.clear();
            self.blocks
                .mask_line(piece, 0, &mut self.blank, &mut self.directives);
            self.directives.clear();
            self.offset += piece.len();
            self.line += 1;
            return;
        }
        if self.chunk.is_empty() {
            self.chunk_offset = self.offset;
            self.chunk_line = self.line;
            self.chunk_col = self.col;
        }
        let base = self.chunk.len();
        self.chunk.push_str(piece);
        self.content |= self
            .blocks
            .mask_line(piece, base, &mut self.masked, &mut self.directives);
        self.offset += piece.len();
        if ends_line {
            self.line += 1;
            self.col = 0;
        } else {
            self.col += piece.chars().count();
        }
        // a long paragraph is checked in parts, at a line break when it can be
        if (ends_line && self.chunk.len() >= MAX_CHUNK) || self.chunk.len() >= 2 * MAX_CHUNK {
            self.flush(sink);
        }
    }

    fn finish(&mut self, sink: &mut dyn FnMut(Finding)) {
        self.flush(sink);
    }

    fn flush(&mut self, sink: &mut dyn FnMut(Finding)) {
        if self.chunk.is_empty() {
            return;
        }
        let lx = &self.linter.lexicon;
        self.raws.clear();
        if let Ok(masked) = std::str::from_utf8(&self.masked) {
            self.scan.run(masked, lx);
            let cx = rules::Cx {
                text: &self.chunk,
                scan: &self.scan,
                extras: &self.linter.extras,
            };
            let seen = &mut self.seen;
            let mut first = |name: &str| {
                // names are compared as written: "Priya" and "priya" are two mentions
                if seen.contains(name) || seen.len() >= MAX_SEEN {
                    false
                } else {
                    seen.insert(name.to_string());
                    true
                }
            };
            for (k, &(s0, s1)) in self.scan.sents.iter().enumerate() {
                if !self.scan.live.get(k).copied().unwrap_or(true) {
                    continue;
                }
                rules::sentence(&cx, s0, s1, &mut self.persons, &mut self.raws, &mut first);
            }
        }
        // suppressions
        let mut allows = Vec::new();
        for d in &self.directives {
            match parse_directive(&d.body) {
                Ok(a) => allows.push(a),
                Err(why) => self.raws.push(Raw {
                    rule: Rule::Suppression,
                    start: d.at,
                    end: (d.at + 4).min(self.chunk.len()),
                    message: format!("This suppression is not applied: {why}."),
                    suggestion: Some(
                        "Write <!-- debrief-lint: allow RULE[, RULE] -- the reason -->."
                            .to_string(),
                    ),
                    replacement: None,
                }),
            }
        }
        if !self.content {
            self.pending.append(&mut allows);
        } else {
            allows.append(&mut self.pending);
            if !allows.is_empty() {
                self.raws.retain(|r| {
                    r.rule == Rule::Suppression
                        || !allows.iter().any(|a| a.all || a.rules.contains(&r.rule))
                });
            }
        }
        // one finding per rule and span start
        self.raws.sort_by_key(|r| (r.start, r.end));
        self.raws
            .dedup_by(|b, a| a.rule == b.rule && b.start < a.end);
        let config = &self.linter.config;
        let text = &self.chunk;
        let mut cursor = Cursor {
            pos: 0,
            line: self.chunk_line,
            col: self.chunk_col,
        };
        for r in self.raws.drain(..) {
            let Some(severity) = config.severity(r.rule) else {
                continue;
            };
            let start = floor_boundary(text, r.start);
            let end = floor_boundary(text, r.end.max(start));
            cursor.advance(text, start);
            let mut end_cur = cursor;
            end_cur.advance(text, end);
            sink(Finding {
                rule: r.rule,
                severity,
                start: self.chunk_offset + start,
                end: self.chunk_offset + end,
                line: cursor.line,
                column: cursor.col + 1,
                end_line: end_cur.line,
                end_column: end_cur.col + 1,
                matched: text.get(start..end).unwrap_or("").to_string(),
                message: r.message,
                suggestion: r.suggestion,
                replacement: r.replacement,
            });
        }
        self.chunk.clear();
        self.masked.clear();
        self.directives.clear();
        self.content = false;
    }
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[derive(Clone, Copy)]
struct Cursor {
    pos: usize,
    line: usize,
    col: usize,
}

impl Cursor {
    fn advance(&mut self, text: &str, to: usize) {
        if to <= self.pos {
            return;
        }
        for c in text.get(self.pos..to).unwrap_or("").chars() {
            if c == '\n' {
                self.line += 1;
                self.col = 0;
            } else {
                self.col += 1;
            }
        }
        self.pos = to;
    }
}

/// `allow person-agent, blame -- reason`
fn parse_directive(body: &str) -> Result<Allow, String> {
    let Some(rest) = body.strip_prefix("allow") else {
        return Err(format!(
            "'{}' is not a directive (use 'allow')",
            body.split_whitespace().next().unwrap_or("")
        ));
    };
    let (rules, reason) = match rest.split_once("--") {
        Some((r, why)) => (r, why.trim()),
        None => (rest, ""),
    };
    if reason.is_empty() {
        return Err("a reason is required after '--'".to_string());
    }
    let mut allow = Allow {
        rules: Vec::new(),
        all: false,
    };
    for id in rules
        .split([',', ' '])
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        if id == "all" {
            allow.all = true;
        } else {
            allow.rules.push(id.parse::<Rule>()?);
        }
    }
    if !allow.all && allow.rules.is_empty() {
        return Err("no rule named".to_string());
    }
    Ok(allow)
}

#[cfg(test)]
const _: fn() = || {
    fn shared<T: Send + Sync>() {}
    shared::<Linter>();
};
