//! `debrief lint`: the blameless-language checker on files and directories,
//! with text (like a compiler's), JSON and SARIF 2.1.0 output.
//!
//! Exit codes: 0 when no finding is a warning or an error, 1 when one is, 2 for
//! a usage or input error (a malformed configuration names its line; a run in
//! which no file could be read).

use debrief_core::lint::{Finding, LintConfig, Linter, People, Rule, Severity};
use serde::Serialize;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

/// Output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
    Sarif,
}

/// The configuration file looked for in the current directory when `--config`
/// is not given.
pub const DEFAULT_CONFIG: &str = ".debrief-lint.toml";
const EXTENSIONS: &[&str] = &["md", "markdown", "txt"];
/// Bytes looked at to decide that a file is binary.
const SNIFF: usize = 8192;

/// What a run ends with: the exit code and, for codes 1 and 2, one line for
/// standard error.
pub struct Outcome {
    pub code: u8,
    pub message: Option<String>,
}

fn fail(message: impl Into<String>) -> Outcome {
    Outcome {
        code: 2,
        message: Some(message.into()),
    }
}

/// Runs the checker. `config_from_flag` tells whether `--config` was given on
/// the command line (`DEBRIEF_CONFIG` names the server's file, not this one).
pub fn run(
    format: Format,
    people: Option<PathBuf>,
    config: Option<PathBuf>,
    config_from_flag: bool,
    paths: Vec<PathBuf>,
) -> Outcome {
    // configuration
    let config_path = match config {
        Some(p) if config_from_flag => Some(p),
        _ => Some(PathBuf::from(DEFAULT_CONFIG)).filter(|p| p.is_file()),
    };
    let config = match &config_path {
        Some(p) => {
            let text = match std::fs::read_to_string(p) {
                Ok(t) => t,
                Err(e) => return fail(format!("cannot read config file {}: {e}", p.display())),
            };
            match LintConfig::from_toml(&text) {
                Ok(c) => c,
                Err(e) => return fail(format!("config file {}, {e}", p.display())),
            }
        }
        None => LintConfig::default(),
    };
    let people = match &people {
        Some(p) => match std::fs::read(p) {
            Ok(bytes) => People::parse(&String::from_utf8_lossy(&bytes)),
            Err(e) => return fail(format!("cannot read people file {}: {e}", p.display())),
        },
        None => People::default(),
    };
    let linter = Linter::new(config, people);

    // files
    let mut files = Vec::new();
    for p in &paths {
        if p.as_os_str() == "-" {
            files.push(Input::Stdin);
            continue;
        }
        match std::fs::metadata(p) {
            Ok(m) if m.is_dir() => {
                let before = files.len();
                walk(p, &mut files);
                if files.len() == before {
                    eprintln!(
                        "debrief: note: no .md, .markdown or .txt files under {}",
                        p.display()
                    );
                }
            }
            Ok(_) => files.push(Input::File(p.clone())),
            Err(e) => return fail(format!("cannot read {}: {e}", p.display())),
        }
    }

    let stdout = std::io::stdout();
    let information_uri = linter
        .config()
        .information_uri
        .clone()
        .unwrap_or_else(|| DEFAULT_INFORMATION_URI.to_string());
    let mut out = Output::new(
        format,
        &information_uri,
        BufWriter::with_capacity(1 << 16, stdout.lock()),
    );
    let mut read = 0usize;
    let mut skipped: Vec<(String, String)> = Vec::new();
    let mut counts = [0usize; 3];
    for input in &files {
        let name = input.name();
        let result = match input {
            Input::File(path) => lint_file(&linter, path, &name, &mut out, &mut counts),
            Input::Stdin => lint_stream(
                &linter,
                std::io::stdin().lock(),
                &name,
                &mut out,
                &mut counts,
            ),
        };
        match result {
            Ok(()) => read += 1,
            Err(why) => {
                eprintln!("debrief: note: skipped {name}: {why}");
                skipped.push((name, why));
            }
        }
        if out.broken {
            break;
        }
    }
    out.finish(read, &skipped, &counts);
    if !files.is_empty() && read == 0 {
        return fail(format!(
            "nothing could be read ({} file(s) skipped)",
            skipped.len()
        ));
    }
    let [notes, warnings, errors] = counts;
    if warnings + errors > 0 {
        Outcome {
            code: 1,
            message: Some(format!(
                "{} in {} file(s) checked ({} note(s))",
                plural(errors, "error", warnings, "warning"),
                read,
                notes
            )),
        }
    } else {
        Outcome {
            code: 0,
            message: None,
        }
    }
}

fn plural(errors: usize, e: &str, warnings: usize, w: &str) -> String {
    let s = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    match (errors, warnings) {
        (0, w_) => s(w_, w),
        (e_, 0) => s(e_, e),
        (e_, w_) => format!("{}, {}", s(e_, e), s(w_, w)),
    }
}

enum Input {
    File(PathBuf),
    Stdin,
}

impl Input {
    fn name(&self) -> String {
        match self {
            Input::Stdin => "-".to_string(),
            Input::File(p) => {
                let s = p.to_string_lossy().replace('\\', "/");
                s.strip_prefix("./").map(str::to_string).unwrap_or(s)
            }
        }
    }
}

/// Markdown and text files under `dir`, in a stable order; hidden files and
/// folders (and `node_modules`) are skipped; symbolic links are not followed.
fn walk(dir: &Path, files: &mut Vec<Input>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = e.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') || name == "node_modules" {
            continue;
        }
        let Ok(kind) = e.file_type() else { continue };
        let path = e.path();
        if kind.is_dir() {
            walk(&path, files);
        } else if kind.is_file() {
            let ext = path
                .extension()
                .map(|x| x.to_string_lossy().to_lowercase())
                .unwrap_or_default();
            if EXTENSIONS.contains(&ext.as_str()) {
                files.push(Input::File(path));
            }
        }
    }
}

/// Checks that a file is text (no NUL in its first bytes) and valid UTF-8,
/// reading it once in bounded pieces, then lints it in a second, streaming pass.
fn lint_file(
    linter: &Linter,
    path: &Path,
    name: &str,
    out: &mut Output<impl Write>,
    counts: &mut [usize; 3],
) -> Result<(), String> {
    let mut f = File::open(path).map_err(|e| e.to_string())?;
    let mut buf = vec![0u8; 1 << 18];
    let mut carry: Vec<u8> = Vec::new();
    // bytes validated before the current piece
    let mut done = 0u64;
    let mut first = true;
    loop {
        let n = match f.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e.to_string()),
        };
        let chunk = &buf[..n];
        if first {
            first = false;
            if chunk[..n.min(SNIFF)].contains(&0) {
                return Err("binary file".to_string());
            }
        }
        let piece: &[u8] = if carry.is_empty() {
            chunk
        } else {
            carry.extend_from_slice(chunk);
            &carry
        };
        match std::str::from_utf8(piece) {
            Ok(_) => {
                done += piece.len() as u64;
                carry.clear();
            }
            Err(e) => {
                let good = e.valid_up_to();
                if e.error_len().is_some() {
                    let line = line_at(path, done + good as u64);
                    return Err(format!("not valid UTF-8 (line {line})"));
                }
                // an incomplete character at the end: keep it for the next read
                done += good as u64;
                carry = piece[good..].to_vec();
            }
        }
    }
    if !carry.is_empty() {
        return Err(format!("not valid UTF-8 (line {})", line_at(path, done)));
    }
    let f = File::open(path).map_err(|e| e.to_string())?;
    lint_stream(
        linter,
        BufReader::with_capacity(1 << 16, f),
        name,
        out,
        counts,
    )
}

/// The 1-based line of byte `offset` in a file (read again only to name the
/// line of a bad byte).
fn line_at(path: &Path, offset: u64) -> usize {
    let Ok(f) = File::open(path) else { return 0 };
    let mut line = 1;
    let mut r = BufReader::new(f.take(offset));
    loop {
        let n = match r.fill_buf() {
            Ok(buf) if !buf.is_empty() => {
                line += buf.iter().filter(|&&c| c == b'\n').count();
                buf.len()
            }
            _ => break,
        };
        r.consume(n);
    }
    line
}

fn lint_stream(
    linter: &Linter,
    reader: impl BufRead,
    name: &str,
    out: &mut Output<impl Write>,
    counts: &mut [usize; 3],
) -> Result<(), String> {
    linter
        .check_reader(reader, |f| {
            counts[match f.severity {
                Severity::Note => 0,
                Severity::Warning => 1,
                Severity::Error => 2,
            }] += 1;
            out.finding(name, &f);
        })
        .map(|_| ())
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::InvalidData => format!("not valid UTF-8 ({e})"),
            _ => e.to_string(),
        })
}

// ---------------------------------------------------------------------------
// output

struct Output<W: Write> {
    format: Format,
    w: W,
    n: usize,
    broken: bool,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    path: &'a str,
    #[serde(flatten)]
    finding: &'a Finding,
}

impl<W: Write> Output<W> {
    fn new(format: Format, information_uri: &str, w: W) -> Self {
        let mut o = Output {
            format,
            w,
            n: 0,
            broken: false,
        };
        match format {
            Format::Text => {}
            Format::Json => o.put("{\"findings\":["),
            Format::Sarif => {
                let head = sarif_head(information_uri);
                o.put(&head);
            }
        }
        o
    }

    fn put(&mut self, s: &str) {
        if !self.broken && self.w.write_all(s.as_bytes()).is_err() {
            self.broken = true;
        }
    }

    fn finding(&mut self, path: &str, f: &Finding) {
        let sep = if self.n == 0 { "\n" } else { ",\n" };
        self.n += 1;
        match self.format {
            Format::Text => {
                let first_line = f.matched.split('\n').next().unwrap_or("");
                let snippet = match first_line.char_indices().nth(160) {
                    Some((i, _)) => &first_line[..i],
                    None => first_line,
                };
                let mut r = write!(
                    self.w,
                    "{path}:{}:{}: {}[{}]: {}\n  | {snippet}\n",
                    f.line, f.column, f.severity, f.rule, f.message
                );
                if let Some(sug) = &f.suggestion {
                    r = r.and_then(|()| writeln!(self.w, "  = suggestion: {sug}"));
                }
                if r.is_err() {
                    self.broken = true;
                }
            }
            Format::Json => {
                let j =
                    serde_json::to_string(&JsonFinding { path, finding: f }).unwrap_or_default();
                self.put(sep);
                self.put(&j);
            }
            Format::Sarif => {
                let j = serde_json::to_string(&sarif_result(path, f)).unwrap_or_default();
                self.put(sep);
                self.put(&j);
            }
        }
    }

    fn finish(&mut self, read: usize, skipped: &[(String, String)], counts: &[usize; 3]) {
        let skipped_json: Vec<serde_json::Value> = skipped
            .iter()
            .map(|(p, why)| serde_json::json!({"path": p, "reason": why}))
            .collect();
        match self.format {
            Format::Text => {}
            Format::Json => {
                let tail = serde_json::json!({
                    "files_checked": read,
                    "skipped": skipped_json,
                    "summary": {"errors": counts[2], "warnings": counts[1], "notes": counts[0]},
                });
                let tail = tail.to_string();
                // splice the summary into the open object
                let tail = tail.strip_prefix('{').unwrap_or(&tail);
                self.put(&format!("\n],{tail}\n"));
            }
            Format::Sarif => {
                let notes: Vec<serde_json::Value> = skipped
                    .iter()
                    .map(|(p, why)| {
                        serde_json::json!({
                            "level": "note",
                            "message": {"text": format!("skipped {p}: {why}")},
                            "locations": [{"physicalLocation": {"artifactLocation": artifact(p)}}],
                        })
                    })
                    .collect();
                let inv = serde_json::json!([{
                    "executionSuccessful": read != 0 || skipped.is_empty(),
                    "toolExecutionNotifications": notes,
                }]);
                self.put(&format!("\n],\"invocations\":{inv}}}]}}\n"));
            }
        }
        if !self.broken && self.w.flush().is_err() {
            self.broken = true;
        }
    }
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

/// The SARIF log up to the opening of `results`: schema, version, the tool
/// and its rules.
fn sarif_head(information_uri: &str) -> String {
    let config = LintConfig::default();
    let rules: Vec<serde_json::Value> = Rule::ALL
        .iter()
        .map(|r| {
            serde_json::json!({
                "id": r.id(),
                "name": rule_name(*r),
                "shortDescription": {"text": r.summary()},
                "fullDescription": {"text": r.help()},
                "help": {"text": r.help(), "markdown": r.help()},
                "defaultConfiguration": {"level": config.severity(*r).map_or("none", level)},
                "properties": {"tags": ["blameless", "postmortem"]},
            })
        })
        .collect();
    let mut run = serde_json::json!({
        "tool": {"driver": {
            "name": "debrief-lint",
            "fullName": "Debrief blameless-language checker",
            "version": env!("CARGO_PKG_VERSION"),
            "semanticVersion": env!("CARGO_PKG_VERSION"),
            "informationUri": information_uri,
            "rules": rules,
        }},
        "columnKind": "unicodeCodePoints",
    });
    // relative paths are relative to the working directory, declared as %SRCROOT%
    if let Some(root) = std::env::current_dir()
        .ok()
        .and_then(|d| file_uri(&d, true))
        && let Some(obj) = run.as_object_mut()
    {
        obj.insert(
            "originalUriBaseIds".to_string(),
            serde_json::json!({ SRCROOT: {"uri": root} }),
        );
    }
    let run = run.to_string();
    // the run object stays open: its results are streamed after it
    let run = run.strip_suffix('}').unwrap_or(&run);
    format!(
        "{{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\",\"version\":\"2.1.0\",\"runs\":[{run},\"results\":["
    )
}

fn rule_name(r: Rule) -> &'static str {
    match r {
        Rule::PersonAgent => "PersonAsAgentOfFailure",
        Rule::PersonNamed => "PersonNamed",
        Rule::Blame => "BlameAndJudgement",
        Rule::Hindsight => "HindsightAndCounterfactuals",
        Rule::HumanError => "HumanErrorAsCause",
        Rule::Sanction => "CallForSanction",
        Rule::Suppression => "InvalidSuppression",
    }
}

fn sarif_result(path: &str, f: &Finding) -> serde_json::Value {
    let index = Rule::ALL.iter().position(|r| *r == f.rule).unwrap_or(0);
    let region = serde_json::json!({
        "startLine": f.line,
        "startColumn": f.column,
        "endLine": f.end_line,
        "endColumn": f.end_column,
        "charOffset": f.start,
        "charLength": f.end - f.start,
        "snippet": {"text": f.matched},
    });
    let mut text = f.message.clone();
    if let Some(s) = &f.suggestion {
        text.push(' ');
        text.push_str(s);
    }
    let mut result = serde_json::json!({
        "ruleId": f.rule.id(),
        "ruleIndex": index,
        "level": level(f.severity),
        "message": {"text": text},
        "locations": [{"physicalLocation": {
            "artifactLocation": artifact(path),
            "region": region,
        }}],
    });
    if let Some(rep) = &f.replacement
        && let Some(obj) = result.as_object_mut()
    {
        obj.insert(
            "fixes".to_string(),
            serde_json::json!([{
                "description": {"text": if rep.is_empty() { "Remove the name".to_string() } else { format!("Rewrite as \"{rep}\"") }},
                "artifactChanges": [{
                    "artifactLocation": artifact(path),
                    "replacements": [{
                        "deletedRegion": {"startLine": f.line, "startColumn": f.column, "endLine": f.end_line, "endColumn": f.end_column},
                        "insertedContent": {"text": rep},
                    }],
                }],
            }]),
        );
    }
    result
}

/// Where the SARIF log says to learn about the tool when the configuration
/// names no page (`[sarif] information-uri`): a self-contained description,
/// since a deployment's own documentation address is not known here.
const DEFAULT_INFORMATION_URI: &str = "data:text/plain;charset=utf-8,Debrief%20blameless-language%20checker%20%28debrief%20lint%29%3A%20flags%20wording%20that%20makes%20a%20review%20about%20people%20instead%20of%20the%20system.%20Rules%2C%20configuration%20and%20evaluation%3A%20docs%2Flint.md%20in%20the%20Debrief%20source.";

/// The base that relative artifact URIs are resolved against: the working
/// directory, declared in the run's `originalUriBaseIds`.
const SRCROOT: &str = "%SRCROOT%";

/// Percent-encodes a path for a URI: forward slashes kept, characters outside
/// the unreserved set encoded.
fn encode_path(path: &str) -> String {
    let mut s = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            s.push(b as char);
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s
}

/// `file:///abs/path` for an absolute path (with a trailing slash for a
/// directory); `None` for a relative one.
fn file_uri(path: &Path, dir: bool) -> Option<String> {
    if !path.is_absolute() {
        return None;
    }
    let p = path.to_string_lossy().replace('\\', "/");
    let p = if p.starts_with('/') {
        p
    } else {
        format!("/{p}")
    };
    let mut u = format!("file://{}", encode_path(&p));
    if dir && !u.ends_with('/') {
        u.push('/');
    }
    Some(u)
}

/// The SARIF artifact location of a path: an absolute path as a `file://` URI
/// with no base; a relative one as a relative reference under %SRCROOT%;
/// standard input as "-".
fn artifact(path: &str) -> serde_json::Value {
    if path == "-" {
        return serde_json::json!({"uri": "-", "description": {"text": "standard input"}});
    }
    match file_uri(Path::new(path), false) {
        Some(u) => serde_json::json!({ "uri": u }),
        None => {
            let rel = path.strip_prefix("./").unwrap_or(path);
            serde_json::json!({ "uri": encode_path(&rel.replace('\\', "/")), "uriBaseId": SRCROOT })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_encoded() {
        assert_eq!(
            artifact("docs/post mortem #1.md"),
            serde_json::json!({"uri": "docs/post%20mortem%20%231.md", "uriBaseId": "%SRCROOT%"})
        );
        assert_eq!(artifact("./a/é.md")["uri"], "a/%C3%A9.md");
        assert_eq!(
            artifact("/srv/post mortems/x.md"),
            serde_json::json!({"uri": "file:///srv/post%20mortems/x.md"})
        );
        assert_eq!(
            file_uri(Path::new("/srv/pm"), true).as_deref(),
            Some("file:///srv/pm/")
        );
        assert_eq!(file_uri(Path::new("docs"), true), None);
    }

    #[test]
    fn the_sarif_head_opens_the_results() {
        let h = sarif_head(DEFAULT_INFORMATION_URI);
        assert!(h.ends_with(",\"results\":["), "{h}");
        let full = format!("{h}],\"invocations\":[]}}]}}");
        let v: serde_json::Value = serde_json::from_str(&full).unwrap();
        assert_eq!(v["version"], "2.1.0");
        assert_eq!(
            v["runs"][0]["tool"]["driver"]["rules"][0]["id"],
            "person-agent"
        );
    }
}
