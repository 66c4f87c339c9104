//! Recall and false-alarm rate of the blameless-language checker per class of
//! wording, on sentences written independently of the rules.
//!
//! `tests/lint-eval/dev.tsv` (70%) and `tests/lint-eval/test.tsv` (30%) were
//! split once, per class, by a fixed seed (`tests/lint-eval/split.py`). The
//! rules are tuned on the development part only: its test lists every
//! misclassified sentence. The test part's test prints counts only, never a
//! sentence, and fails below a recall of 0.90 or above a false-alarm rate of
//! 0.05, overall and for each class with at least 20 sentences.
//! `tests/lint-eval/public.tsv` (facts from public incident reports, labelled
//! before the checker ran on them) is reported on its own, and so are
//! `tests/lint-eval/fresh.tsv` and `fresh2.tsv`: text in other styles,
//! committed before the checker first ran on it.
//!
//! A sentence of a blame class counts as found when the checker gives it at
//! least one warning (or error); a sentence of a blameless class (`ok-…`)
//! counts as a false alarm when it gets one. Notes never count.

use debrief_core::lint::{LintConfig, Linter, People, Severity};
use std::collections::BTreeMap;

const MIN_RECALL: f64 = 0.90;
const MAX_FALSE_ALARM: f64 = 0.05;
/// Classes smaller than this are reported but not held to the thresholds.
const MIN_CLASS: usize = 20;
/// Floors for `fresh.tsv`: just below what it measured, so that a regression fails.
const FRESH_FLOOR_RECALL: f64 = 0.90;
const FRESH_CEILING_FALSE_ALARM: f64 = 0.02;
/// Floors for `fresh2.tsv`: just below what it measured, so that a regression fails.
const FRESH2_FLOOR_RECALL: f64 = 0.64;
const FRESH2_CEILING_FALSE_ALARM: f64 = 0.03;

const BLAME_CLASSES: [&str; 8] = [
    "role-agent",
    "wrong-choice",
    "counterfactual",
    "sanction",
    "emphatic",
    "judged-act",
    "human-error",
    "causation",
];
const OK_CLASSES: [&str; 8] = [
    "ok-credit",
    "ok-neutral",
    "ok-term",
    "ok-failure",
    "ok-should",
    "ok-markdown",
    "ok-context",
    "ok-ownership",
];

struct Case {
    line: usize,
    class: String,
    text: String,
}

fn parse(data: &str) -> Vec<Case> {
    let mut out = Vec::new();
    for (i, line) in data.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let (class, text) = line
            .split_once('\t')
            .unwrap_or_else(|| panic!("line {}: no tab between class and sentence", i + 1));
        assert!(
            BLAME_CLASSES.contains(&class) || OK_CLASSES.contains(&class),
            "line {}: unknown class {class}",
            i + 1
        );
        out.push(Case {
            line: i + 1,
            class: class.to_string(),
            text: text.replace("\\n", "\n"),
        });
    }
    out
}

#[derive(Default)]
struct Tally {
    n: usize,
    flagged: usize,
}

impl Tally {
    fn rate(&self) -> f64 {
        if self.n == 0 {
            0.0
        } else {
            self.flagged as f64 / self.n as f64
        }
    }
}

struct Report {
    per: BTreeMap<String, Tally>,
    wrong: Vec<String>,
}

fn linter() -> Linter {
    Linter::new(
        LintConfig::default(),
        People::parse(include_str!("lint-eval/people.txt")),
    )
}

fn evaluate(cases: &[Case]) -> Report {
    let linter = linter();
    let mut per: BTreeMap<String, Tally> = BTreeMap::new();
    let mut wrong = Vec::new();
    for c in cases {
        let findings = linter.check(&c.text);
        let warned: Vec<&str> = findings
            .iter()
            .filter(|f| f.severity >= Severity::Warning)
            .map(|f| f.rule.id())
            .collect();
        let t = per.entry(c.class.clone()).or_default();
        t.n += 1;
        if !warned.is_empty() {
            t.flagged += 1;
        }
        let blame = BLAME_CLASSES.contains(&c.class.as_str());
        if blame == warned.is_empty() {
            wrong.push(format!(
                "  line {:>4} [{}] {}: {}",
                c.line,
                c.class,
                if blame {
                    "missed".to_string()
                } else {
                    format!("false alarm {warned:?}")
                },
                c.text.replace('\n', "\\n")
            ));
        }
    }
    Report { per, wrong }
}

/// Prints the figures; returns the threshold violations.
fn summarise(name: &str, r: &Report) -> Vec<String> {
    let mut fails = Vec::new();
    let (mut bn, mut bf, mut on, mut of) = (0, 0, 0, 0);
    println!("{name}:");
    println!(
        "  {:<16} {:>5} {:>8} {:>7}",
        "class", "n", "flagged", "rate"
    );
    for (class, t) in &r.per {
        let blame = BLAME_CLASSES.contains(&class.as_str());
        let what = if blame { "recall" } else { "false alarm" };
        println!(
            "  {:<16} {:>5} {:>8} {:>7.3} {what}",
            class,
            t.n,
            t.flagged,
            t.rate()
        );
        if blame {
            bn += t.n;
            bf += t.flagged;
            if t.n >= MIN_CLASS && t.rate() < MIN_RECALL {
                fails.push(format!("{name}: {class} recall {:.3}", t.rate()));
            }
        } else {
            on += t.n;
            of += t.flagged;
            if t.n >= MIN_CLASS && t.rate() > MAX_FALSE_ALARM {
                fails.push(format!("{name}: {class} false alarm {:.3}", t.rate()));
            }
        }
    }
    let recall = Tally { n: bn, flagged: bf }.rate();
    let fa = Tally { n: on, flagged: of }.rate();
    println!("  blameful  {bn:>5} sentences, recall {recall:.3} ({bf} flagged)");
    println!("  blameless {on:>5} sentences, false alarm {fa:.3} ({of} flagged)");
    if bn > 0 && recall < MIN_RECALL {
        fails.push(format!("{name}: overall recall {recall:.3}"));
    }
    if on > 0 && fa > MAX_FALSE_ALARM {
        fails.push(format!("{name}: overall false alarm {fa:.3}"));
    }
    fails
}

#[test]
fn development_part() {
    let cases = parse(include_str!("lint-eval/dev.tsv"));
    assert!(cases.len() >= 1000, "{} sentences", cases.len());
    let r = evaluate(&cases);
    let fails = summarise("development part", &r);
    if !r.wrong.is_empty() {
        println!("misclassified ({}):", r.wrong.len());
        for w in &r.wrong {
            println!("{w}");
        }
    }
    assert!(fails.is_empty(), "{fails:#?}");
}

/// The held-out part: counts only, so that nobody tunes a rule on its sentences.
#[test]
fn test_part() {
    let cases = parse(include_str!("lint-eval/test.tsv"));
    assert!(cases.len() >= 400, "{} sentences", cases.len());
    let r = evaluate(&cases);
    let fails = summarise("test part (held out)", &r);
    assert!(fails.is_empty(), "{fails:#?}");
}

/// Sentences from public incident reports, reported on their own.
#[test]
fn public_postmortems() {
    let cases = parse(include_str!("lint-eval/public.tsv"));
    assert!(cases.len() >= 100, "{} sentences", cases.len());
    let r = evaluate(&cases);
    // reported beside the test part, not held to its thresholds
    for f in summarise("public incident reports", &r) {
        println!("  below the test part's bar: {f}");
    }
    if std::env::var_os("DEBRIEF_LINT_EVAL_SHOW").is_some() {
        for w in &r.wrong {
            println!("{w}");
        }
    }
}

/// Fresh text in styles the other parts lack (chat, review comments, meeting
/// notes, tickets, summaries, public incidents), labelled and committed before
/// the checker first ran on it. Its floors sit just below the figures measured
/// on it, so that a regression fails; they are not the goal.
#[test]
fn fresh_unseen() {
    fresh(
        "fresh text",
        include_str!("lint-eval/fresh.tsv"),
        240,
        FRESH_FLOOR_RECALL,
        FRESH_CEILING_FALSE_ALARM,
    );
}

/// A second fresh set in other styles again, written before the rules were
/// changed for the first one's misses and committed before it first ran: the
/// figure after those changes.
#[test]
fn fresh_unseen_second() {
    fresh(
        "second fresh text",
        include_str!("lint-eval/fresh2.tsv"),
        120,
        FRESH2_FLOOR_RECALL,
        FRESH2_CEILING_FALSE_ALARM,
    );
}

fn fresh(name: &str, data: &str, min: usize, floor_recall: f64, ceiling_false_alarm: f64) {
    let cases = parse(data);
    assert!(cases.len() >= min, "{} sentences", cases.len());
    let r = evaluate(&cases);
    for f in summarise(name, &r) {
        println!("  below the test part's bar: {f}");
    }
    let (recall, false_alarm) = overall(&r);
    if std::env::var_os("DEBRIEF_LINT_EVAL_SHOW").is_some() {
        for w in &r.wrong {
            println!("{w}");
        }
    }
    assert!(
        recall >= floor_recall,
        "{name}: recall {recall:.3} below its floor {floor_recall}"
    );
    assert!(
        false_alarm <= ceiling_false_alarm,
        "{name}: false alarm {false_alarm:.3} above its ceiling {ceiling_false_alarm}"
    );
}

/// Overall recall and false-alarm rate of a report.
fn overall(r: &Report) -> (f64, f64) {
    let (mut blame, mut ok) = (Tally::default(), Tally::default());
    for (class, t) in &r.per {
        let into = if BLAME_CLASSES.contains(&class.as_str()) {
            &mut blame
        } else {
            &mut ok
        };
        into.n += t.n;
        into.flagged += t.flagged;
    }
    (blame.rate(), ok.rate())
}

/// `DEBRIEF_LINT_EXPLAIN="some sentence" cargo test -p debrief-core --test
/// lint_classes explain -- --nocapture` prints the findings for one text.
#[test]
fn explain() {
    let Ok(text) = std::env::var("DEBRIEF_LINT_EXPLAIN") else {
        return;
    };
    for f in linter().check(&text) {
        println!(
            "{} {} [{}..{}] {:?}: {}",
            f.severity, f.rule, f.start, f.end, f.matched, f.message
        );
    }
}
