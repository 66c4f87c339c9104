use super::*;

pub(super) fn lint(text: &str) -> Vec<Finding> {
    Linter::default().check(text)
}

/// Rule ids of the warnings and errors, in order.
pub(super) fn rules(text: &str) -> Vec<&'static str> {
    lint(text)
        .iter()
        .filter(|f| f.severity >= Severity::Warning)
        .map(|f| f.rule.id())
        .collect()
}

pub(super) fn first(text: &str, rule: Rule) -> Finding {
    lint(text)
        .into_iter()
        .find(|f| f.rule == rule)
        .unwrap_or_else(|| panic!("no {rule} in {text:?}"))
}

/// Applying the replacement to the span gives `expected`.
pub(super) fn applied(text: &str, rule: Rule) -> String {
    let f = first(text, rule);
    let rep = f
        .replacement
        .clone()
        .unwrap_or_else(|| panic!("no replacement: {f:#?}"));
    format!("{}{}{}", &text[..f.start], rep, &text[f.end..])
}

#[test]
fn dave_misconfigured_the_firewall() {
    let f = lint("Dave misconfigured the firewall.");
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].rule, Rule::PersonAgent);
    assert_eq!(f[0].severity, Severity::Warning);
    assert_eq!(
        f[0].replacement.as_deref(),
        Some("The firewall was misconfigured")
    );
    assert_eq!(f[0].matched, "Dave misconfigured the firewall");
    assert_eq!((f[0].line, f[0].column), (1, 1));
    assert!(f[0].message.contains("Dave"));
}

#[test]
fn system_focused_rewrites_replace_exactly_the_span() {
    assert_eq!(
        applied(
            "Priya forgot to renew the certificate before the weekend.",
            Rule::PersonAgent
        ),
        "The certificate was not renewed before the weekend."
    );
    assert_eq!(
        applied("On Friday Dave never rotated the keys.", Rule::PersonAgent),
        "On Friday the keys were never rotated."
    );
    assert_eq!(
        applied("Dave's change broke the build.", Rule::PersonAgent),
        "The change broke the build."
    );
    assert_eq!(
        applied("The rule was deleted by Dave on Friday.", Rule::PersonAgent),
        "The rule was deleted on Friday."
    );
    assert_eq!(
        applied("Dave accidentally deleted the bucket.", Rule::PersonAgent),
        "The bucket was accidentally deleted."
    );
    assert_eq!(
        applied("Dave carelessly deleted the bucket.", Rule::PersonAgent),
        "The bucket was deleted."
    );
    assert_eq!(
        applied("The root cause was human error.", Rule::HumanError),
        "The root cause was the conditions that made this action likely (…)."
    );
    assert_eq!(
        applied("Obviously, the alert was ignored.", Rule::Hindsight),
        "The alert was ignored."
    );
    assert_eq!(
        applied("The engineer carelessly deleted the bucket.", Rule::Blame),
        "The engineer deleted the bucket."
    );
}

#[test]
fn neutral_names_are_notes_and_only_once() {
    let f = lint(
        "Priya and the database team restored service at 04:10. Priya then wrote the summary.",
    );
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].rule, Rule::PersonNamed);
    assert_eq!(f[0].severity, Severity::Note);
    assert_eq!(f[0].matched, "Priya");
}

#[test]
fn the_traps_are_not_flagged() {
    for text in [
        "The service died with a segmentation fault.",
        "The cluster is fault-tolerant.",
        "The default password was never changed.",
        "The health check failed twice.",
        "The API returned error 500.",
        "Running git blame showed the commit.",
        "Jenkins failed the build.",
        "Kafka dropped messages during the rebalance.",
        "The runbook should include a restore test.",
        "The on-call engineer escalated to the security lead.",
        "Every alert should have an owner.",
        "The database failed over to the replica.",
    ] {
        assert!(rules(text).is_empty(), "{text}: {:#?}", lint(text));
    }
}

#[test]
fn inflections_of_blame() {
    for text in [
        "That was careless.",
        "It was done carelessly.",
        "The carelessness was striking.",
        "They were negligent.",
        "Negligence caused it.",
        "They screwed up.",
        "They keep screwing up the release.",
        "We screw up releases.",
        "They dropped the ball.",
        "Don't drop the ball again.",
        "The team is dropping the ball.",
        "They couldn't be bothered.",
        "He was not doing his job.",
        "Who is to blame?",
        "They were at fault.",
    ] {
        assert_eq!(rules(text), ["blame"], "{text}: {:#?}", lint(text));
    }
}

#[test]
fn hindsight_about_the_past_but_not_the_future() {
    assert_eq!(rules("They should have rolled back."), ["hindsight"]);
    assert_eq!(rules("They should've rolled back."), ["hindsight"]);
    assert_eq!(rules("They shouldn't have rolled back."), ["hindsight"]);
    assert_eq!(
        rules("They should not have deployed on Friday."),
        ["hindsight"]
    );
    assert!(rules("The runbook should include a rollback step.").is_empty());
    assert!(rules("The runbook should have a rollback step.").is_empty());
    assert!(rules("An attacker could have read the token.").is_empty());
}

#[test]
fn people_from_the_directory_handles_and_emails() {
    let people = People::parse("Zygmunt Kowalczyk\n");
    let linter = Linter::new(LintConfig::default(), people);
    let f = linter.check("Zygmunt misconfigured the proxy. Kowalczyk also missed the alert.");
    let agents: Vec<_> = f.iter().filter(|f| f.rule == Rule::PersonAgent).collect();
    assert_eq!(agents.len(), 2, "{f:#?}");
    assert_eq!(rules("@zk misconfigured the proxy."), ["person-agent"]);
    assert_eq!(
        rules("zk@example.com misconfigured the proxy."),
        ["person-agent"]
    );
    assert!(rules("security@example.com misconfigured nothing; @here please read.").is_empty());
    // a capitalised common word is not a name
    let linter = Linter::new(LintConfig::default(), People::parse("Mark Young\n"));
    let f = linter.check("Young engineers are the first responders.");
    assert!(f.is_empty(), "{f:#?}");
}

#[test]
fn markdown_code_urls_comments_and_link_targets_are_ignored() {
    let text = "# Review\n\n```\nDave forgot to renew the cert\n```\n\nRun `Dave forgot` in the shell.\n\nSee <https://example.com/dave-forgot> and [the notes](https://example.com/careless).\n\n<!-- Dave was careless -->\n\n~~~text\nhuman error\n~~~\n";
    let f = lint(text);
    assert!(f.is_empty(), "{f:#?}");
    // link text is prose
    assert_eq!(
        rules("[Dave forgot to renew the cert](https://example.com)."),
        ["person-agent"]
    );
}

#[test]
fn lines_and_columns_count_characters() {
    let text = "# Timeline\n\nAt 10:00 the café’s owner, Zoë, was fine.\nThen Zoë forgot to renew the cert.\n";
    let f = first(text, Rule::PersonAgent);
    assert_eq!(f.line, 4);
    assert_eq!(f.column, 6);
    assert_eq!(&text[f.start..f.end], f.matched);
    assert!(f.matched.starts_with("Zoë forgot"));
    assert_eq!(f.end_line, 4);
    assert_eq!(f.end_column, f.column + f.matched.chars().count());
}

#[test]
fn suppression_with_a_reason() {
    let text = "<!-- debrief-lint: allow person-agent -- quoting the attacker's alias -->\nDave forgot to renew the cert.\n";
    assert!(rules(text).is_empty(), "{:#?}", lint(text));
    // a comment alone in its paragraph covers the next paragraph only
    let text = "<!-- debrief-lint: allow person-agent -- quoting a chat log -->\n\nDave forgot to renew the cert.\n\nPriya forgot to renew the cert.\n";
    let f: Vec<_> = lint(text)
        .into_iter()
        .filter(|f| f.rule == Rule::PersonAgent)
        .collect();
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].line, 5);
    // "all"
    let text = "<!-- debrief-lint: allow all -- a verbatim quote -->\nDave carelessly forgot it, obviously.\n";
    assert!(rules(text).is_empty());
    // other rules still apply
    let text = "<!-- debrief-lint: allow person-agent -- quoting -->\nDave was careless.\n";
    assert_eq!(rules(text), ["blame"]);
}

#[test]
fn suppression_without_a_reason_is_reported_and_not_applied() {
    let text = "<!-- debrief-lint: allow person-agent -->\nDave forgot to renew the cert.\n";
    assert_eq!(rules(text), ["suppression", "person-agent"]);
    let text = "<!-- debrief-lint: allow nonsense -- because -->\nDave forgot to renew the cert.\n";
    let r = rules(text);
    assert!(
        r.contains(&"suppression") && r.contains(&"person-agent"),
        "{r:?}"
    );
}

#[test]
fn configuration_changes_severities_words_and_names() {
    let config = LintConfig::from_toml(
        r#"
[rules]
person-agent = "error"
hindsight = "off"
blame = { severity = "note" }
human-error = { enabled = false }

[words]
blame = ["muppet", "asleep on the job"]
failure-verbs = ["nuked"]

[names]
allow = ["Marvin"]
people = ["Quentin Blake"]
"#,
    )
    .unwrap();
    let linter = Linter::new(config, People::default());
    let f = linter.check("Quentin nuked the cluster. They should have known. Human error.");
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(
        (f[0].rule, f[0].severity),
        (Rule::PersonAgent, Severity::Error)
    );
    let f = linter
        .check("The team was asleep on the job, the muppets. Marvin deleted the build cache.");
    let ids: Vec<_> = f
        .iter()
        .map(|f| (f.rule.id(), f.severity.as_str()))
        .collect();
    assert_eq!(ids, [("blame", "note")], "{f:#?}");
    // Marvin is a bot, so not a person (it is also not a built-in name)
    let f = linter.check("Marvin forgot to renew the cert.");
    assert!(f.is_empty(), "{f:#?}");
}

#[test]
fn allowed_names_override_given_names() {
    let config = LintConfig::from_toml("[names]\nallow = [\"Priya\"]\n").unwrap();
    let linter = Linter::new(config, People::default());
    assert!(linter.check("Priya forgot to renew the cert.").is_empty());
}

#[test]
fn malformed_configuration_names_the_line() {
    let e =
        LintConfig::from_toml("[rules]\nblame = \"warning\"\nhindsight = \"loud\"\n").unwrap_err();
    assert_eq!(e.line, Some(3), "{e}");
    let e =
        LintConfig::from_toml("[rules]\nblame = \"warning\"\n\nperson = \"off\"\n").unwrap_err();
    assert_eq!(e.line, Some(4), "{e}");
    let e = LintConfig::from_toml("[rules\n").unwrap_err();
    assert_eq!(e.line, Some(1), "{e}");
    assert!(e.to_string().starts_with("line 1: "));
}

#[test]
fn people_lists_and_csv_exports() {
    let p = People::parse("# staff\nPriya Sharma\n\nJan van der Berg\n");
    assert_eq!(p.len(), 2);
    assert!(p.family.contains(&"Berg".to_string()));
    let p = People::parse(
        "id,email,name,roles\n1,a@example.com,\"Okafor, Ngozi\",admin\n2,b@example.com,Keanu Makoa,\n",
    );
    assert_eq!(p.len(), 2);
    assert!(p.given.contains(&"Keanu".to_string()));
    let p = People::parse("first_name,last_name\nWren,Castillo\n");
    assert_eq!(
        (p.len(), p.given[0].as_str(), p.family[0].as_str()),
        (1, "Wren", "Castillo")
    );
}

#[test]
fn streaming_gives_the_same_findings_as_check() {
    let para = "Dave forgot to renew the certificate. The team was careless.\nPriya and the on-call engineer restored service. Root cause: human error.\n\n```\nDave forgot\n```\n\n";
    let text = para.repeat(500);
    let linter = Linter::default();
    let whole = linter.check(&text);
    let mut streamed = Vec::new();
    let stats = linter
        .check_reader(
            std::io::BufReader::with_capacity(97, text.as_bytes()),
            |f| streamed.push(f),
        )
        .unwrap();
    assert_eq!(whole, streamed);
    assert_eq!(stats.bytes as usize, text.len());
    assert_eq!(stats.findings as usize, whole.len());
    let last = whole.last().unwrap();
    assert_eq!(&text[last.start..last.end], last.matched);
    assert!(last.line > 3000);
}

#[test]
fn a_long_line_without_breaks_is_checked_in_pieces() {
    let text = "Dave forgot to renew the certificate and the team was careless. ".repeat(5000);
    let linter = Linter::default();
    let mut n = 0;
    let mut max_line = 0;
    linter
        .check_reader(text.as_bytes(), |f| {
            assert_eq!(&text[f.start..f.end], f.matched);
            n += 1;
            max_line = max_line.max(f.line);
        })
        .unwrap();
    assert!(n >= 5000, "{n}");
    assert_eq!(max_line, 1);
    assert_eq!(linter.check(&text).len(), n);
}

#[test]
fn invalid_utf8_stops_the_stream_naming_the_line() {
    let bytes: &[u8] = b"fine line\nanother\nbad \xff byte\n";
    let e = Linter::default().check_reader(bytes, |_| {}).unwrap_err();
    assert_eq!(e.kind(), std::io::ErrorKind::InvalidData);
    assert!(e.to_string().contains("line 3"), "{e}");
}

#[test]
fn empty_and_blank_input() {
    assert!(lint("").is_empty());
    assert!(lint("\n\n   \n").is_empty());
    let stats = Linter::default().check_reader(&b""[..], |_| {}).unwrap();
    assert_eq!(stats.findings, 0);
}

/// A small deterministic generator, so that the fuzz test needs no crate.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn no_panic_on_arbitrary_input() {
    const PIECES: &[&str] = &[
        "Dave",
        "Dave's",
        "forgot",
        "to",
        "the",
        "should",
        "have",
        "been",
        "human",
        "error",
        "`",
        "``",
        "```",
        "<!--",
        "-->",
        "debrief-lint:",
        "allow",
        "--",
        "@",
        "@x",
        "a@b.c",
        "’s",
        "'",
        ".",
        ",",
        "\n",
        "\n\n",
        " ",
        "é",
        "Zoë",
        "\u{200b}",
        "\u{1F600}",
        "(",
        ")",
        "](",
        "http://x",
        "#",
        "- ",
        "|",
        ":",
        "by",
        "because",
        "of",
        "clearly",
        "obviously",
        "careless",
        "drop",
        "ball",
        "PEBKAC",
        "~~~",
        "<b>",
        "\r\n",
        "\t",
        "if",
        "only",
        "didn't",
        "never",
        "failed",
        "over",
        "Will",
        "May",
        "Jenkins",
        "\u{2014}",
    ];
    let linter = Linter::default();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for round in 0..3000 {
        let n = (rng.next() % 60) as usize;
        let mut s = String::new();
        for _ in 0..n {
            if round % 3 == 0 {
                // raw bytes, made valid
                let b = (rng.next() % 256) as u8;
                s.push_str(&String::from_utf8_lossy(&[b]));
            } else {
                s.push_str(PIECES[(rng.next() as usize) % PIECES.len()]);
                if rng.next().is_multiple_of(3) {
                    s.push(' ');
                }
            }
        }
        for f in linter.check(&s) {
            assert!(
                s.is_char_boundary(f.start) && s.is_char_boundary(f.end),
                "{s:?}"
            );
            assert_eq!(&s[f.start..f.end], f.matched, "{s:?}");
            assert!(f.line >= 1 && f.column >= 1);
        }
        let mut bytes = s.clone().into_bytes();
        if round % 5 == 0 && !bytes.is_empty() {
            let i = (rng.next() as usize) % bytes.len();
            bytes[i] = 0xC3;
        }
        let _ = linter.check_reader(&bytes[..], |_| {});
    }
}

#[test]
fn the_linter_is_shareable() {
    fn shared<T: Send + Sync + 'static>(_: &T) {}
    let l = std::sync::Arc::new(Linter::default());
    shared(&l);
    let l2 = l.clone();
    let h = std::thread::spawn(move || l2.check("Dave forgot to renew the cert.").len());
    assert_eq!(h.join().unwrap(), 1);
}

#[test]
fn findings_serialise_with_rule_ids_and_severities() {
    let f = first("Dave forgot to renew the cert.", Rule::PersonAgent);
    let v = serde_json::to_value(&f).unwrap();
    assert_eq!(v["rule"], "person-agent");
    assert_eq!(v["severity"], "warning");
    assert_eq!(v["line"], 1);
    assert!(v["replacement"].is_string());
}
