//! Plain-text helpers shared by every format: sentence-aware shortening,
//! label truncation, durations and numbers in words, paragraph splitting.

/// Text after shortening, and whether anything was left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Shortened {
    pub text: String,
    pub shortened: bool,
}

/// Words that end with a full stop without ending a sentence.
const ABBREVIATIONS: &[&str] = &[
    "e.g", "i.e", "etc", "vs", "cf", "approx", "incl", "excl", "no", "nr", "mr", "mrs", "ms", "dr",
    "prof", "st", "fig", "ca", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
    "oct", "nov", "dec", "min", "max", "avg", "dept", "inc", "ltd", "co", "corp",
];

/// Byte offsets just after each sentence's closing punctuation (and any
/// closing quotes or brackets that follow it). The end of the text always
/// counts as a boundary when the text is not empty.
pub(crate) fn sentence_ends(text: &str) -> Vec<usize> {
    let mut ends = Vec::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (_, c) = chars[i];
        if matches!(c, '.' | '!' | '?' | '…' | '。') {
            // take a run of closing punctuation: "?!", "...", ".)" or '."'
            let mut j = i + 1;
            while j < chars.len()
                && matches!(
                    chars[j].1,
                    '.' | '!' | '?' | '…' | '"' | '\'' | ')' | ']' | '”' | '’' | '»'
                )
            {
                j += 1;
            }
            let end = chars.get(j).map_or(text.len(), |&(o, _)| o);
            let followed_by_space = j >= chars.len() || chars[j].1.is_whitespace();
            if followed_by_space && c == '.' && is_abbreviation(text, chars[i].0) {
                i = j;
                continue;
            }
            if followed_by_space {
                // the next word must look like the start of a sentence
                let next = chars[j..]
                    .iter()
                    .map(|&(_, c)| c)
                    .find(|c| !c.is_whitespace());
                let starts_sentence = match next {
                    None => true,
                    Some(n) => !n.is_lowercase(),
                };
                if starts_sentence {
                    ends.push(end);
                }
            }
            i = j;
            continue;
        }
        if c == '\n' {
            // a blank line ends a paragraph, and with it a sentence
            let mut j = i + 1;
            while j < chars.len() && chars[j].1 != '\n' && chars[j].1.is_whitespace() {
                j += 1;
            }
            if j < chars.len() && chars[j].1 == '\n' {
                let before = text[..chars[i].0].trim_end();
                if !before.is_empty() && ends.last().is_none_or(|&e| e < before.len()) {
                    ends.push(before.len());
                }
            }
        }
        i += 1;
    }
    let trimmed = text.trim_end().len();
    if trimmed > 0 && ends.last().is_none_or(|&e| e < trimmed) {
        ends.push(trimmed);
    }
    ends.dedup();
    ends
}

/// Whether the word that ends at the full stop at `dot` is an abbreviation
/// or an initial ("J. Smith").
fn is_abbreviation(text: &str, dot: usize) -> bool {
    let before = &text[..dot];
    let word_start = before
        .rfind(|c: char| c.is_whitespace() || c == '(' || c == '"')
        .map_or(0, |p| {
            p + before[p..].chars().next().map_or(1, char::len_utf8)
        });
    let word = &before[word_start..];
    if word.is_empty() {
        return false;
    }
    if word.chars().count() == 1 && word.chars().all(char::is_alphabetic) {
        return true;
    }
    let lower = word.to_lowercase();
    ABBREVIATIONS.contains(&lower.as_str())
}

/// Keeps whole sentences from the start of `text` while they fit in
/// `max_chars` characters. Never cuts inside a sentence: when the first
/// sentence alone is too long the result is empty.
pub(crate) fn shorten_sentences(text: &str, max_chars: usize) -> Shortened {
    let text = text.trim();
    if text.chars().count() <= max_chars {
        return Shortened {
            text: text.to_string(),
            shortened: false,
        };
    }
    let mut best = 0;
    let mut chars = 0;
    for end in sentence_ends(text) {
        chars += text[best..end].chars().count();
        if chars > max_chars {
            break;
        }
        best = end;
    }
    Shortened {
        text: text[..best].trim_end().to_string(),
        shortened: true,
    }
}

/// Shortens a label (a title, a name, a category) to at most `max_chars`
/// characters at a word boundary, ending with "…". Labels are not sentences.
pub(crate) fn truncate_label(text: &str, max_chars: usize) -> String {
    let text = one_line(text);
    if text.chars().count() <= max_chars {
        return text;
    }
    let limit = max_chars.saturating_sub(1);
    let cut = text
        .char_indices()
        .nth(limit)
        .map_or(text.len(), |(offset, _)| offset);
    let head = &text[..cut];
    let head = match head.rfind(char::is_whitespace) {
        Some(space) if space > cut / 2 => &head[..space],
        _ => head,
    };
    format!("{}…", head.trim_end())
}

/// Folds every run of whitespace, newlines included, into one space.
pub(crate) fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Splits text into paragraphs at blank lines; lines inside a paragraph are
/// kept (trimmed), empty paragraphs are dropped.
pub(crate) fn paragraphs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() {
            if !current.is_empty() {
                out.push(current.join("\n"));
                current.clear();
            }
        } else {
            current.push(line);
        }
    }
    if !current.is_empty() {
        out.push(current.join("\n"));
    }
    out
}

/// 12345 → "12,345".
pub(crate) fn group_thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// "1 action item", "7 action items".
pub(crate) fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// Whether a link may be shown as a link: http and https only.
pub(crate) fn is_web_url(url: &str) -> bool {
    let url = url.trim();
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://"))
        && !url.chars().any(|c| c.is_whitespace() || c.is_control())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_end_at_punctuation_followed_by_a_capital() {
        let t = "The alert fired at 03:10. Nobody saw it until Monday! Why? The pager was off, e.g. on Fridays.";
        let ends = sentence_ends(t);
        let parts: Vec<&str> = ends.iter().map(|&e| &t[..e]).collect();
        assert_eq!(parts[0], "The alert fired at 03:10.");
        assert_eq!(
            parts[1],
            "The alert fired at 03:10. Nobody saw it until Monday!"
        );
        assert_eq!(
            parts[2],
            "The alert fired at 03:10. Nobody saw it until Monday! Why?"
        );
        assert_eq!(parts.last().copied(), Some(t));
        assert_eq!(
            ends.len(),
            4,
            "no boundary after 'e.g.' or before a lower-case word"
        );
    }

    #[test]
    fn abbreviations_and_initials_do_not_end_sentences() {
        let t = "Dr. Smith and J. Doe met approx. Two hours later, v1.2 shipped. Done.";
        let ends = sentence_ends(t);
        let parts: Vec<&str> = ends.iter().map(|&e| &t[..e]).collect();
        assert_eq!(
            parts,
            vec![
                "Dr. Smith and J. Doe met approx. Two hours later, v1.2 shipped.",
                t
            ]
        );
    }

    #[test]
    fn closing_quotes_stay_with_their_sentence() {
        let t = "He said \"stop.\" Then it stopped (mostly.) Fine";
        let parts: Vec<&str> = sentence_ends(t).iter().map(|&e| &t[..e]).collect();
        assert_eq!(parts[0], "He said \"stop.\"");
        assert_eq!(parts[1], "He said \"stop.\" Then it stopped (mostly.)");
        assert_eq!(parts[2], t);
    }

    #[test]
    fn blank_lines_end_a_sentence_without_punctuation() {
        let t = "First paragraph without a stop\n\nSecond one.";
        let parts: Vec<&str> = sentence_ends(t).iter().map(|&e| &t[..e]).collect();
        assert_eq!(parts, vec!["First paragraph without a stop", t]);
    }

    #[test]
    fn shortening_keeps_whole_sentences_only() {
        let t = "One two three. Four five six. Seven eight nine.";
        let s = shorten_sentences(t, 30);
        assert_eq!(s.text, "One two three. Four five six.");
        assert!(s.shortened);
        let s = shorten_sentences(t, 100);
        assert_eq!(s.text, t);
        assert!(!s.shortened);
        let s = shorten_sentences(t, 10);
        assert_eq!(
            s.text, "",
            "an overlong first sentence is dropped, never cut"
        );
        assert!(s.shortened);
    }

    #[test]
    fn labels_are_truncated_at_a_word_with_an_ellipsis() {
        assert_eq!(truncate_label("short", 10), "short");
        let t = truncate_label("Rotate the signing keys of every service", 20);
        assert!(t.ends_with('…'));
        assert!(t.chars().count() <= 20, "{t}");
        assert_eq!(t, "Rotate the signing…");
        let t = truncate_label(&"x".repeat(50), 10);
        assert_eq!(t.chars().count(), 10);
    }

    #[test]
    fn numbers_read_with_grouped_thousands() {
        assert_eq!(group_thousands(1234567), "1,234,567");
        assert_eq!(group_thousands(999), "999");
        assert_eq!(group_thousands(-1000), "-1,000");
    }

    #[test]
    fn paragraphs_split_at_blank_lines() {
        assert_eq!(
            paragraphs("  a\n b \n\n\n c\n"),
            vec!["a\nb".to_string(), "c".to_string()]
        );
        assert!(paragraphs(" \n ").is_empty());
    }

    #[test]
    fn only_http_links_are_links() {
        assert!(is_web_url("https://tracker.example.org/T-1"));
        assert!(is_web_url("HTTP://x.example"));
        assert!(!is_web_url("javascript:alert(1)"));
        assert!(!is_web_url("https://a b"));
        assert!(!is_web_url("ftp://x"));
    }
}
