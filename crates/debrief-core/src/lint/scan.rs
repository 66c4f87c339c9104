//! From text to tokens: Markdown masking (code, URLs, comments, link targets),
//! then words, punctuation and sentences, with each word looked up once.

use super::lexicon::Lexicon;
use super::lexicon::f;
use memchr::memmem::Finder;
use std::sync::LazyLock;

/// Opens and closes an inline code span in the masked text; the tokenizer turns
/// the span into one token that stands for a noun.
const CODE_OPEN: u8 = 0x01;
const CODE_CLOSE: u8 = 0x02;
/// An HTML comment is kept this long at most while it spans lines.
const MAX_COMMENT: usize = 4096;

/// Markdown state that outlives a line: an open code fence or HTML comment.
#[derive(Debug, Default)]
pub(crate) struct Blocks {
    fence: Option<(u8, usize)>,
    comment: Option<(usize, String)>,
}

/// A `<!-- debrief-lint: … -->` comment: where it starts (byte in the chunk) and
/// what follows the colon.
#[derive(Debug, Clone)]
pub(crate) struct Directive {
    pub at: usize,
    pub body: String,
}

impl Blocks {
    /// Appends `line` (with its line break) to `out`, with code, URLs, comments,
    /// HTML tags and link targets replaced by spaces. `base` is where the line
    /// starts in the chunk. Returns whether the line holds anything but masked
    /// content and white space.
    pub(crate) fn mask_line(
        &mut self,
        line: &str,
        base: usize,
        out: &mut Vec<u8>,
        directives: &mut Vec<Directive>,
    ) -> bool {
        let b = line.as_bytes();
        let start = out.len();
        if let Some((ch, n)) = self.fence {
            blank(out, b);
            if fence_marker(line).is_some_and(|(c, k, rest)| c == ch && k >= n && rest.is_empty()) {
                self.fence = None;
            }
            return false;
        }
        if self.comment.is_none()
            && let Some((c, k, _)) = fence_marker(line)
        {
            self.fence = Some((c, k));
            blank(out, b);
            return false;
        }
        out.extend_from_slice(b);
        let o = &mut out[start..];
        let n = b.len();
        if self.comment.is_none() {
            mask_urls(b, o);
        }
        let mut i = 0;
        while i < n {
            if let Some((at, mut text)) = self.comment.take() {
                match find(b, i, b"-->") {
                    Some(e) => {
                        push_bounded(&mut text, line.get(i..e).unwrap_or(""));
                        fill(o, i, e + 3);
                        finish_comment(at, &text, directives);
                        i = e + 3;
                        if i < n {
                            mask_urls(&b[i..], &mut o[i..]);
                        }
                    }
                    None => {
                        push_bounded(&mut text, line.get(i..).unwrap_or(""));
                        fill(o, i, n);
                        self.comment = Some((at, text));
                        i = n;
                    }
                }
                continue;
            }
            // the next byte that can start something to mask
            let Some(p) = memchr::memchr3(b'<', b'`', b']', &o[i..]) else {
                break;
            };
            i += p;
            match o[i] {
                b'<' if o[i..].starts_with(b"<!--") => {
                    self.comment = Some((base + i, String::new()));
                    fill(o, i, i + 4);
                    i += 4;
                }
                b'<' if o
                    .get(i + 1)
                    .is_some_and(|x| x.is_ascii_alphabetic() || *x == b'/') =>
                {
                    match o[i..].iter().position(|&x| x == b'>') {
                        Some(e) => {
                            fill(o, i, i + e + 1);
                            i += e + 1;
                        }
                        None => i += 1,
                    }
                }
                b'`' => {
                    let run = o[i..].iter().take_while(|&&x| x == b'`').count();
                    match find_run(o, i + run, run) {
                        Some(e) => {
                            fill(o, i, e + run);
                            o[i] = CODE_OPEN;
                            o[e + run - 1] = CODE_CLOSE;
                            i = e + run;
                        }
                        None => i += run,
                    }
                }
                b']' if o.get(i + 1) == Some(&b'(') => {
                    // a link target: the link text stays, the target goes
                    match o[i + 1..].iter().position(|&x| x == b')') {
                        Some(e) => {
                            fill(o, i + 1, i + 2 + e);
                            i += e + 2;
                        }
                        None => i += 1,
                    }
                }
                _ => i += 1,
            }
        }
        o.iter()
            .any(|&x| !x.is_ascii_whitespace() && x != CODE_OPEN && x != CODE_CLOSE && x != b'>')
            || o.contains(&CODE_OPEN)
    }
}

fn push_bounded(s: &mut String, add: &str) {
    if s.len() + add.len() <= MAX_COMMENT {
        s.push_str(add);
    }
}

fn finish_comment(at: usize, text: &str, directives: &mut Vec<Directive>) {
    let t = text.trim();
    if let Some(rest) = t.strip_prefix("debrief-lint:") {
        directives.push(Directive {
            at,
            body: rest.trim().to_string(),
        });
    }
}

static SCHEME: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(b"://"));
static MAILTO: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(b"mailto:"));

/// Masks URLs: anything with a scheme ("https://", "ssh://"), "www." and
/// "mailto:" addresses, up to white space or a closing bracket; trailing
/// sentence punctuation stays.
fn mask_urls(b: &[u8], o: &mut [u8]) {
    let n = b.len();
    let url_end = |from: usize| {
        let mut e = from;
        while e < n
            && !b[e].is_ascii_whitespace()
            && !matches!(b[e], b'<' | b'>' | b'"' | b')' | b'`')
        {
            e += 1;
        }
        while e > from && matches!(b[e - 1], b'.' | b',' | b';' | b':' | b'!' | b'?' | b'\'') {
            e -= 1;
        }
        e
    };
    if memchr::memchr(b':', b).is_some() {
        mask_schemes(b, o, &url_end);
    }
    // "www.": look at each '.' (rare) rather than searching for the word
    for p in memchr::memchr_iter(b'.', b) {
        if p >= 3
            && b[p - 3..p].eq_ignore_ascii_case(b"www")
            && (p == 3 || !b[p - 4].is_ascii_alphanumeric())
        {
            let e = url_end(p + 1);
            fill(o, p - 3, e);
        }
    }
}

/// "scheme://…" and "mailto:…".
fn mask_schemes(b: &[u8], o: &mut [u8], url_end: &dyn Fn(usize) -> usize) {
    for p in SCHEME.find_iter(b) {
        let mut s = p;
        while s > 0 && (b[s - 1].is_ascii_alphanumeric() || matches!(b[s - 1], b'+' | b'-' | b'.'))
        {
            s -= 1;
        }
        if s < p {
            let e = url_end(p + 3);
            fill(o, s, e);
        }
    }
    for finder in [&*MAILTO] {
        for p in finder.find_iter(b) {
            if p == 0 || !b[p - 1].is_ascii_alphanumeric() {
                let e = url_end(p + finder.needle().len());
                fill(o, p, e);
            }
        }
    }
}

/// A code fence (three or more backticks or tildes) after at most three
/// spaces: (char, count, rest).
fn fence_marker(line: &str) -> Option<(u8, usize, &str)> {
    let t = line.trim_start_matches(' ');
    if line.len() - t.len() > 3 {
        return None;
    }
    let b = t.as_bytes();
    let c = *b.first()?;
    if c != b'`' && c != b'~' {
        return None;
    }
    let k = b.iter().take_while(|&&x| x == c).count();
    if k < 3 {
        return None;
    }
    let rest = t.get(k..).unwrap_or("").trim();
    if c == b'`' && rest.contains('`') {
        return None;
    }
    Some((c, k, rest))
}

fn blank(out: &mut Vec<u8>, b: &[u8]) {
    out.extend(
        b.iter()
            .map(|&x| if x == b'\n' || x == b'\r' { x } else { b' ' }),
    );
}

fn fill(o: &mut [u8], from: usize, to: usize) {
    let to = to.min(o.len());
    if from < to {
        for x in &mut o[from..to] {
            if *x != b'\n' && *x != b'\r' {
                *x = b' ';
            }
        }
    }
}

fn find(b: &[u8], from: usize, pat: &[u8]) -> Option<usize> {
    if from >= b.len() {
        return None;
    }
    b[from..]
        .windows(pat.len())
        .position(|w| w == pat)
        .map(|p| p + from)
}

/// The next run of exactly `k` backticks at or after `from`.
fn find_run(b: &[u8], from: usize, k: usize) -> Option<usize> {
    let mut i = from;
    while i < b.len() {
        if b[i] == b'`' {
            let run = b[i..].iter().take_while(|&&x| x == b'`').count();
            if run == k {
                return Some(i);
            }
            i += run;
        } else {
            i += 1;
        }
    }
    None
}

// ---------------------------------------------------------------------------
// tokens

pub(crate) mod shape {
    pub const CAP: u16 = 1;
    pub const ALLCAPS: u16 = 1 << 1;
    pub const POSS: u16 = 1 << 2;
    pub const HANDLE: u16 = 1 << 3;
    pub const EMAIL: u16 = 1 << 4;
    pub const CODE: u16 = 1 << 5;
    pub const PUNCT: u16 = 1 << 6;
    pub const START: u16 = 1 << 7;
    pub const NUM: u16 = 1 << 8;
}

/// A word, a code span or a punctuation mark of the chunk.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Tok {
    /// Bytes of the word in the chunk, without a possessive 's.
    pub start: u32,
    pub end: u32,
    /// With the possessive 's.
    pub full_end: u32,
    /// The lower-cased word in [`Scan::lower`].
    pub lo: u32,
    pub lo_end: u32,
    pub flags: u64,
    /// Built-in blame phrases that may start here.
    pub phrases: u32,
    pub shape: u16,
    pub punct: u8,
}

impl Tok {
    #[inline]
    pub fn is(&self, s: u16) -> bool {
        self.shape & s != 0
    }
    #[inline]
    pub fn has(&self, fl: u64) -> bool {
        self.flags & fl != 0
    }
    #[inline]
    pub fn is_word(&self) -> bool {
        self.shape & (shape::PUNCT | shape::CODE) == 0
    }
}

/// The tokens and sentences of one chunk.
#[derive(Debug, Default)]
pub(crate) struct Scan {
    pub toks: Vec<Tok>,
    /// Token ranges of the sentences.
    pub sents: Vec<(usize, usize)>,
    /// For each sentence, whether any rule can start from one of its words
    /// (a name, a handle, a trigger word); the others need no rule pass.
    pub live: Vec<bool>,
    /// Meanings seen since the current sentence started.
    acc: u64,
    acc_shape: u16,
    pub lower: String,
}

#[rustfmt::skip]
const ABBREVIATIONS: &[&str] = &[
    "e.g", "i.e", "etc", "vs", "mr", "mrs", "ms", "dr", "st", "no", "approx", "fig", "cf", "al", "inc", "ltd",
    "jr", "sr", "prof", "ca", "viz", "resp", "incl", "min", "max", "approx",
];

/// Words from which some rule starts: names, pronouns, titles, blame words and
/// the first words of phrases.
const LIVE_FLAGS: u64 = f::GIVEN
    | f::DIR_GIVEN
    | f::DIR_FAMILY
    | f::PRONOUN
    | f::BLAME
    | f::TRIGGER
    | f::EXTRA_PHRASE
    | f::TITLE
    | f::ROLE
    | f::SANCTION
    | f::CHOICE
    | f::SOFT;

/// ASCII letters, digits and '_'.
static WORD_BYTE: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = b.is_ascii_alphanumeric() || b == b'_';
        c += 1;
    }
    t
};

#[inline]
fn word_byte(c: u8) -> bool {
    WORD_BYTE[c as usize]
}

impl Scan {
    pub(crate) fn clear(&mut self) {
        self.toks.clear();
        self.sents.clear();
        self.live.clear();
        self.acc = 0;
        self.acc_shape = 0;
        self.lower.clear();
    }

    #[inline]
    pub(crate) fn lower(&self, t: &Tok) -> &str {
        self.lower
            .get(t.lo as usize..t.lo_end as usize)
            .unwrap_or("")
    }

    /// Tokenizes `masked` (the masked chunk, valid UTF-8).
    pub(crate) fn run(&mut self, masked: &str, lx: &Lexicon) {
        self.clear();
        let b = masked.as_bytes();
        let n = b.len();
        let mut i = 0;
        let mut sent_start = 0usize;
        let mut at_start = true;
        let mut line_start = true;
        while i < n {
            let c = b[i];
            if line_start {
                line_start = false;
                // a block marker at the start of a line starts a sentence
                let mut k = i;
                while k < n && (b[k] == b' ' || b[k] == b'\t') {
                    k += 1;
                }
                if k < n && is_block_marker(&b[k..]) {
                    self.end_sentence(&mut sent_start);
                    at_start = true;
                    // skip the list marker itself
                    if matches!(b[k], b'-' | b'*' | b'+' | b'>' | b'#') {
                        while k < n && matches!(b[k], b'-' | b'*' | b'+' | b'>' | b'#') {
                            k += 1;
                        }
                        i = k;
                        continue;
                    }
                }
            }
            if c == b'\n' {
                line_start = true;
                // a heading or table row ends at its line break
                if line_is_heading_or_row(b, i) {
                    self.end_sentence(&mut sent_start);
                    at_start = true;
                }
                i += 1;
                continue;
            }
            if c == CODE_OPEN {
                let e = b[i..]
                    .iter()
                    .position(|&x| x == CODE_CLOSE)
                    .map_or(n, |p| i + p + 1);
                self.push_tok(Tok {
                    start: i as u32,
                    end: e as u32,
                    full_end: e as u32,
                    lo: self.lower.len() as u32,
                    lo_end: self.lower.len() as u32,
                    shape: shape::CODE | if at_start { shape::START } else { 0 },
                    ..Tok::default()
                });
                at_start = false;
                i = e;
                continue;
            }
            if c < 0x80 {
                if word_byte(c) || (c == b'@' && b.get(i + 1).is_some_and(|&x| word_byte(x))) {
                    i = self.word(masked, i, lx, &mut at_start);
                    continue;
                }
                match c {
                    b'.' | b'!' | b'?' => {
                        let mut e = i + 1;
                        while e < n && matches!(b[e], b'.' | b'!' | b'?') {
                            e += 1;
                        }
                        let next_ok = e >= n
                            || matches!(
                                b[e],
                                b' ' | b'\t' | b'\n' | b'\r' | b'"' | b'\'' | b')' | b'*' | b'_'
                            );
                        let abbrev = c == b'.'
                            && e == i + 1
                            && self.toks.last().is_some_and(|t| {
                                t.is_word()
                                    && t.end as usize == i
                                    && (ABBREVIATIONS.contains(&self.lower(t))
                                        || (t.end - t.start == 1 && t.is(shape::CAP)))
                            });
                        if next_ok && !abbrev {
                            self.end_sentence(&mut sent_start);
                            at_start = true;
                        }
                        i = e;
                    }
                    b',' | b';' | b':' | b'(' | b')' | b'|' => {
                        self.push_tok(Tok {
                            start: i as u32,
                            end: i as u32 + 1,
                            full_end: i as u32 + 1,
                            lo: self.lower.len() as u32,
                            lo_end: self.lower.len() as u32,
                            shape: shape::PUNCT,
                            punct: c,
                            ..Tok::default()
                        });
                        if matches!(c, b':' | b'|' | b'(') {
                            at_start = true;
                        }
                        i += 1;
                    }
                    _ => i += 1,
                }
                continue;
            }
            // non-ASCII
            let Some(ch) = masked.get(i..).and_then(|s| s.chars().next()) else {
                i += 1;
                continue;
            };
            if ch.is_alphanumeric() {
                i = self.word(masked, i, lx, &mut at_start);
            } else {
                if matches!(ch, '\u{2014}' | '\u{2013}') {
                    self.push_tok(Tok {
                        start: i as u32,
                        end: (i + ch.len_utf8()) as u32,
                        full_end: (i + ch.len_utf8()) as u32,
                        lo: self.lower.len() as u32,
                        lo_end: self.lower.len() as u32,
                        shape: shape::PUNCT,
                        punct: b'-',
                        ..Tok::default()
                    });
                }
                i += ch.len_utf8();
            }
        }
        self.end_sentence(&mut sent_start);
    }

    #[inline]
    fn push_tok(&mut self, t: Tok) {
        self.acc |= t.flags;
        self.acc_shape |= t.shape;
        self.toks.push(t);
    }

    fn end_sentence(&mut self, sent_start: &mut usize) {
        if self.toks.len() > *sent_start {
            self.sents.push((*sent_start, self.toks.len()));
            self.live.push(
                self.acc & LIVE_FLAGS != 0 || self.acc_shape & (shape::HANDLE | shape::EMAIL) != 0,
            );
        }
        *sent_start = self.toks.len();
        self.acc = 0;
        self.acc_shape = 0;
    }

    /// Reads one word starting at `i`; returns where it ends.
    fn word(&mut self, s: &str, i: usize, lx: &Lexicon, at_start: &mut bool) -> usize {
        let b = s.as_bytes();
        let n = b.len();
        // the common case: ASCII letters and digits, not followed by a joiner
        // ("e.g", "on-call", "didn't", "a@b") or by a non-ASCII letter
        if b[i] != b'@' {
            let mut e = i;
            while e < n && word_byte(b[e]) {
                e += 1;
            }
            let plain = match b.get(e) {
                None => true,
                Some(&c) if c >= 0x80 => false,
                Some(&c) => !(matches!(c, b'-' | b'.' | b'\'' | b'@') && next_is_word(s, e + 1)),
            };
            if plain && e > i {
                return self.plain_word(s, i, e, lx, at_start);
            }
        }
        let mut e = i;
        let mut has_at = false;
        let mut ascii = true;
        if b[e] == b'@' {
            has_at = true;
            e += 1;
        }
        loop {
            while e < n && word_byte(b[e]) {
                e += 1;
            }
            if e >= n {
                break;
            }
            let c = b[e];
            if c < 0x80 {
                if word_byte(c) {
                    e += 1;
                    continue;
                }
                if matches!(c, b'-' | b'.' | b'\'' | b'@') && next_is_word(s, e + 1) {
                    if c == b'@' {
                        has_at = true;
                    }
                    e += 1;
                    continue;
                }
                break;
            }
            let Some(ch) = s.get(e..).and_then(|x| x.chars().next()) else {
                break;
            };
            if ch.is_alphanumeric() {
                ascii = false;
                e += ch.len_utf8();
                continue;
            }
            if ch == '\u{2019}' && next_is_word(s, e + 3) {
                ascii = false;
                e += 3;
                continue;
            }
            break;
        }
        let word = s.get(i..e).unwrap_or("");
        let mut shape = 0u16;
        let mut end = e;
        if b[i] == b'@' {
            shape |= shape::HANDLE;
        } else if has_at {
            shape |= shape::EMAIL;
        }
        // possessive 's
        let apostrophe = word.len() > 2 && matches!(b[e - 2], b'\'' | 0x99);
        for suf in ["'s", "\u{2019}s", "'S"] {
            if !apostrophe {
                break;
            }
            if word.len() > suf.len() + 1
                && word.ends_with(suf)
                && shape & (shape::HANDLE | shape::EMAIL) == 0
            {
                shape |= shape::POSS;
                end = e - suf.len();
                break;
            }
        }
        let core = s.get(i..end).unwrap_or("");
        let cb = core.as_bytes();
        let upper = match cb.first() {
            Some(&c) if c < 0x80 => c.is_ascii_uppercase(),
            Some(_) => core.chars().next().is_some_and(char::is_uppercase),
            None => false,
        };
        if upper {
            shape |= shape::CAP;
            if cb.len() > 1 && core.chars().all(|c| !c.is_lowercase()) {
                shape |= shape::ALLCAPS;
            }
        } else if cb.first().is_some_and(u8::is_ascii_digit) {
            shape |= shape::NUM;
        }
        if *at_start {
            shape |= shape::START;
            *at_start = false;
        }
        let lo = self.lower.len();
        if ascii {
            self.lower.push_str(core);
            if let Some(added) = self.lower.get_mut(lo..) {
                added.make_ascii_lowercase();
            }
        } else {
            for c in core.chars() {
                if c == '\u{2019}' {
                    self.lower.push('\'');
                } else {
                    self.lower.extend(c.to_lowercase());
                }
            }
        }
        let lo_end = self.lower.len();
        let entry = if shape & (shape::HANDLE | shape::EMAIL | shape::NUM) != 0 || lo_end - lo > 40
        {
            Default::default()
        } else {
            lx.get(self.lower.get(lo..lo_end).unwrap_or(""))
        };
        self.push_tok(Tok {
            start: i as u32,
            end: end as u32,
            full_end: e as u32,
            lo: lo as u32,
            lo_end: lo_end as u32,
            flags: entry.flags,
            phrases: entry.phrases,
            shape,
            punct: 0,
        });
        e
    }
}

impl Scan {
    /// An ASCII word without joiners: no possessive, handle or email to find.
    #[inline]
    fn plain_word(
        &mut self,
        s: &str,
        i: usize,
        e: usize,
        lx: &Lexicon,
        at_start: &mut bool,
    ) -> usize {
        let b = s.as_bytes();
        let first = b[i];
        let mut shape = 0u16;
        if first.is_ascii_uppercase() {
            shape |= shape::CAP;
            if e - i > 1 && !b[i + 1..e].iter().any(u8::is_ascii_lowercase) {
                shape |= shape::ALLCAPS;
            }
        } else if first.is_ascii_digit() {
            shape |= shape::NUM;
        }
        if *at_start {
            shape |= shape::START;
            *at_start = false;
        }
        let lo = self.lower.len();
        self.lower.push_str(s.get(i..e).unwrap_or(""));
        if let Some(added) = self.lower.get_mut(lo..) {
            added.make_ascii_lowercase();
        }
        let lo_end = self.lower.len();
        let entry = if shape & shape::NUM != 0 || e - i > 40 {
            Default::default()
        } else {
            lx.get(self.lower.get(lo..lo_end).unwrap_or(""))
        };
        self.push_tok(Tok {
            start: i as u32,
            end: e as u32,
            full_end: e as u32,
            lo: lo as u32,
            lo_end: lo_end as u32,
            flags: entry.flags,
            phrases: entry.phrases,
            shape,
            punct: 0,
        });
        e
    }
}

fn next_is_word(s: &str, at: usize) -> bool {
    match s.as_bytes().get(at) {
        Some(&c) if c < 0x80 => word_byte(c),
        Some(_) => s
            .get(at..)
            .and_then(|x| x.chars().next())
            .is_some_and(char::is_alphanumeric),
        None => false,
    }
}

/// A list item, heading, quote, table row or numbered/timestamped line.
fn is_block_marker(b: &[u8]) -> bool {
    match b.first() {
        Some(b'#') | Some(b'|') | Some(b'>') => true,
        Some(b'-') | Some(b'*') | Some(b'+') => matches!(b.get(1), Some(b' ') | Some(b'\t')),
        Some(c) if c.is_ascii_digit() => true,
        _ => false,
    }
}

/// Whether the line that ends at `nl` is a heading or a table row.
fn line_is_heading_or_row(b: &[u8], nl: usize) -> bool {
    let start = b[..nl]
        .iter()
        .rposition(|&x| x == b'\n')
        .map_or(0, |p| p + 1);
    let line = &b[start..nl];
    let t = line
        .iter()
        .position(|&x| x != b' ' && x != b'\t')
        .map(|p| &line[p..]);
    matches!(t.and_then(|t| t.first()), Some(b'#') | Some(b'|'))
}
