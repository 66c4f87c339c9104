//! Precision and recall of the blameless-language checker on the labelled
//! evaluation set in `tests/lint-eval/sentences.tsv`.
//!
//! Each sentence is checked on its own, with the directory in
//! `tests/lint-eval/people.txt`. For each sentence and each rule family
//! (person-agent, blame, hindsight, human-error) the expected label is compared
//! with the findings of severity warning or error: a family found and expected
//! is a true positive, found and not expected a false positive, expected and
//! not found a false negative. Notes (a neutrally named person) never count.
//! The test prints the figures and every misclassified sentence, and fails when
//! precision or recall falls below 0.90.

use debrief_core::lint::{LintConfig, Linter, People, Rule, Severity};
use std::collections::BTreeSet;

const FAMILIES: [&str; 4] = ["person-agent", "blame", "hindsight", "human-error"];
const THRESHOLD: f64 = 0.90;

struct Case {
    line: usize,
    expected: BTreeSet<String>,
    text: String,
}

/// The set: `tests/lint-eval/sentences.tsv`, or another file in the same
/// format named by `DEBRIEF_LINT_EVAL` (to measure a held-out set).
fn cases() -> (Vec<Case>, bool) {
    let (data, default) = match std::env::var("DEBRIEF_LINT_EVAL") {
        Ok(path) => (
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}")),
            false,
        ),
        Err(_) => (include_str!("lint-eval/sentences.tsv").to_string(), true),
    };
    let mut out = Vec::new();
    for (i, line) in data.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let (labels, text) = line
            .split_once('\t')
            .unwrap_or_else(|| panic!("line {}: no tab between labels and sentence", i + 1));
        let expected: BTreeSet<String> = labels
            .split(',')
            .map(str::trim)
            .filter(|l| *l != "clean")
            .map(String::from)
            .collect();
        for l in &expected {
            assert!(
                FAMILIES.contains(&l.as_str()),
                "line {}: unknown label {l}",
                i + 1
            );
        }
        out.push(Case {
            line: i + 1,
            expected,
            text: text.to_string(),
        });
    }
    (out, default)
}

#[derive(Default, Clone, Copy)]
struct Counts {
    tp: usize,
    fp: usize,
    fn_: usize,
}

impl Counts {
    fn precision(&self) -> f64 {
        if self.tp + self.fp == 0 {
            1.0
        } else {
            self.tp as f64 / (self.tp + self.fp) as f64
        }
    }
    fn recall(&self) -> f64 {
        if self.tp + self.fn_ == 0 {
            1.0
        } else {
            self.tp as f64 / (self.tp + self.fn_) as f64
        }
    }
}

#[test]
fn precision_and_recall_on_the_evaluation_set() {
    let people = People::parse(include_str!("lint-eval/people.txt"));
    let linter = Linter::new(LintConfig::default(), people);
    let (cases, default_set) = cases();
    if default_set {
        assert!(
            cases.len() >= 300,
            "the evaluation set has {} sentences",
            cases.len()
        );
    }

    let mut per = [Counts::default(); 4];
    let mut all = Counts::default();
    let mut misses = Vec::new();
    let mut clean_sentences = 0;
    for c in &cases {
        let findings = linter.check(&c.text);
        // neutral mentions are notes, never more
        for f in &findings {
            if f.rule == Rule::PersonNamed {
                assert_eq!(f.severity, Severity::Note, "line {}: {}", c.line, c.text);
            }
        }
        let found: BTreeSet<String> = findings
            .iter()
            .filter(|f| f.severity >= Severity::Warning)
            .map(|f| f.rule.id().to_string())
            .collect();
        if c.expected.is_empty() {
            clean_sentences += 1;
        }
        for (k, fam) in FAMILIES.iter().enumerate() {
            let e = c.expected.contains(*fam);
            let g = found.contains(*fam);
            match (e, g) {
                (true, true) => per[k].tp += 1,
                (false, true) => per[k].fp += 1,
                (true, false) => per[k].fn_ += 1,
                (false, false) => {}
            }
        }
        let unexpected: Vec<&String> = found
            .iter()
            .filter(|r| !FAMILIES.contains(&r.as_str()) || !c.expected.contains(*r))
            .collect();
        let missed: Vec<&String> = c.expected.iter().filter(|r| !found.contains(*r)).collect();
        if !unexpected.is_empty() || !missed.is_empty() {
            misses.push(format!(
                "  line {:>3}: expected {:?}, found {:?}: {}",
                c.line,
                c.expected.iter().collect::<Vec<_>>(),
                found.iter().collect::<Vec<_>>(),
                c.text
            ));
        }
    }
    for p in &per {
        all.tp += p.tp;
        all.fp += p.fp;
        all.fn_ += p.fn_;
    }
    println!(
        "blameless-language evaluation: {} sentences ({} clean, {} with findings expected)",
        cases.len(),
        clean_sentences,
        cases.len() - clean_sentences
    );
    println!(
        "{:<14} {:>4} {:>4} {:>4} {:>9} {:>7}",
        "family", "tp", "fp", "fn", "precision", "recall"
    );
    for (k, fam) in FAMILIES.iter().enumerate() {
        let p = per[k];
        println!(
            "{:<14} {:>4} {:>4} {:>4} {:>9.3} {:>7.3}",
            fam,
            p.tp,
            p.fp,
            p.fn_,
            p.precision(),
            p.recall()
        );
    }
    println!(
        "{:<14} {:>4} {:>4} {:>4} {:>9.3} {:>7.3}",
        "all",
        all.tp,
        all.fp,
        all.fn_,
        all.precision(),
        all.recall()
    );
    if !misses.is_empty() {
        println!("misclassified ({}):", misses.len());
        for m in &misses {
            println!("{m}");
        }
    }
    assert!(
        all.precision() >= THRESHOLD && all.recall() >= THRESHOLD,
        "precision {:.3} / recall {:.3} below {THRESHOLD}",
        all.precision(),
        all.recall()
    );
    for (k, fam) in FAMILIES.iter().enumerate() {
        assert!(
            per[k].precision() >= THRESHOLD && per[k].recall() >= THRESHOLD,
            "{fam}: precision {:.3} / recall {:.3} below {THRESHOLD}",
            per[k].precision(),
            per[k].recall()
        );
    }
}
