//! `debrief lint` as a team uses it in CI and pre-commit: output formats (text,
//! JSON, SARIF 2.1.0), exit codes, directory walking, bad input, the people
//! directory and suppressions.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_debrief");

/// A fresh directory for one test.
fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("debrief-lint-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn write(d: &Path, name: &str, body: impl AsRef<[u8]>) -> PathBuf {
    let p = d.join(name);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(&p, body).unwrap();
    p
}

/// Runs `debrief lint ARGS` in `cwd`.
fn lint(cwd: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .current_dir(cwd)
        .arg("lint")
        .args(args)
        .env_remove("DEBRIEF_CONFIG")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(o)))
}

const BLAMEFUL: &str =
    "# Review\n\nThe outage began at 10:00.\n\nDave forgot to renew the certificate.\n";
const CLEAN: &str = "# Review\n\nThe certificate expired because the renewal job had been disabled by a migration.\n\nThe runbook should include a renewal check.\n";

#[test]
fn text_output_reads_like_a_compiler() {
    let d = dir("text");
    write(&d, "pm.md", BLAMEFUL);
    let o = lint(&d, &["pm.md"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.starts_with(
            "pm.md:5:1: warning[person-agent]: 'Dave' is written as the agent of a failure"
        ),
        "{out}"
    );
    assert!(
        out.contains("  | Dave forgot to renew the certificate"),
        "{out}"
    );
    assert!(
        out.contains("  = suggestion: Rewrite as \"The certificate was not renewed\""),
        "{out}"
    );
    // one line on stderr saying what was found
    let err = stderr(&o);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("1 warning"), "{err}");
}

#[test]
fn clean_files_exit_zero_and_notes_do_not_fail() {
    let d = dir("clean");
    write(&d, "clean.md", CLEAN);
    write(
        &d,
        "named.md",
        "Priya and the database team restored service at 04:10.\n",
    );
    let o = lint(&d, &["clean.md", "named.md"]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    assert!(
        stdout(&o).contains("named.md:1:1: note[person-named]"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn json_output() {
    let d = dir("json");
    write(&d, "pm.md", BLAMEFUL);
    let o = lint(&d, &["--format", "json", "pm.md"]);
    assert_eq!(code(&o), 1);
    let v = json(&o);
    let f = &v["findings"][0];
    assert_eq!(f["path"], "pm.md");
    assert_eq!(f["rule"], "person-agent");
    assert_eq!(f["severity"], "warning");
    assert_eq!(f["line"], 5);
    assert_eq!(f["column"], 1);
    assert_eq!(f["matched"], "Dave forgot to renew the certificate");
    assert_eq!(f["replacement"], "The certificate was not renewed");
    let start = f["start"].as_u64().unwrap() as usize;
    let end = f["end"].as_u64().unwrap() as usize;
    assert_eq!(
        &BLAMEFUL[start..end],
        "Dave forgot to renew the certificate"
    );
    assert_eq!(v["files_checked"], 1);
    assert_eq!(v["summary"]["warnings"], 1);
}

#[test]
fn sarif_output_has_the_shape_code_scanning_accepts() {
    let d = dir("sarif");
    write(&d, "docs/pm.md", BLAMEFUL);
    write(
        &d,
        "docs/other.md",
        "Root cause: human error.\n\nWe should have caught it. The team was careless.\n",
    );
    let o = lint(&d, &["--format", "sarif", "docs"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let v = json(&o);
    assert_eq!(v["version"], "2.1.0");
    assert!(v["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
    let run = &v["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    for id in [
        "person-agent",
        "person-named",
        "blame",
        "hindsight",
        "human-error",
        "sanction",
    ] {
        assert!(ids.contains(&id), "{ids:?}");
    }
    assert!(
        rules
            .iter()
            .all(|r| r["shortDescription"]["text"].is_string())
    );
    let results = run["results"].as_array().unwrap();
    assert!(results.len() >= 4, "{results:#?}");
    for r in results {
        assert!(["error", "warning", "note"].contains(&r["level"].as_str().unwrap()));
        assert!(r["message"]["text"].as_str().unwrap().len() > 10);
        let rule = r["ruleId"].as_str().unwrap();
        assert_eq!(rules[r["ruleIndex"].as_u64().unwrap() as usize]["id"], rule);
        let loc = &r["locations"][0]["physicalLocation"];
        assert!(
            loc["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
                .starts_with("docs/")
        );
        assert!(loc["region"]["startLine"].as_u64().unwrap() >= 1);
        assert!(loc["region"]["startColumn"].as_u64().unwrap() >= 1);
    }
    let pm: Vec<_> = results
        .iter()
        .filter(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "docs/pm.md"
        })
        .collect();
    assert_eq!(pm[0]["ruleId"], "person-agent");
    assert_eq!(
        pm[0]["locations"][0]["physicalLocation"]["region"]["startLine"],
        5
    );
    assert_eq!(
        pm[0]["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"],
        "The certificate was not renewed"
    );
    let levels: Vec<_> = results
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap())
        .collect();
    for id in ["human-error", "hindsight", "blame"] {
        assert!(levels.contains(&id), "{levels:?}");
    }
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);
    // relative paths sit under %SRCROOT%, declared as the working directory
    let loc = &results[0]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(loc["uriBaseId"], "%SRCROOT%");
    let root = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .unwrap();
    assert!(
        root.starts_with("file:///") && root.ends_with('/'),
        "{root}"
    );
    let info = run["tool"]["driver"]["informationUri"].as_str().unwrap();
    assert!(info.starts_with("data:text/plain"), "{info}");
}

#[test]
fn sarif_absolute_paths_are_file_uris_without_a_base() {
    let d = dir("sarif-abs");
    let pm = write(&d, "post mortems/é.md", BLAMEFUL);
    let o = lint(&d, &["--format", "sarif", pm.to_str().unwrap()]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let v = json(&o);
    let results = v["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty());
    let expected = format!(
        "file://{}/post%20mortems/%C3%A9.md",
        d.to_str().unwrap().replace(' ', "%20")
    );
    for r in results {
        let loc = &r["locations"][0]["physicalLocation"]["artifactLocation"];
        assert_eq!(loc["uri"], expected.as_str(), "{loc}");
        assert!(loc.get("uriBaseId").is_none(), "{loc}");
        if let Some(fix) = r["fixes"].as_array() {
            let a = &fix[0]["artifactChanges"][0]["artifactLocation"];
            assert_eq!(a["uri"], expected.as_str());
            assert!(a.get("uriBaseId").is_none());
        }
    }
}

#[test]
fn sarif_information_uri_comes_from_the_config() {
    let d = dir("sarif-info");
    write(&d, "pm.md", BLAMEFUL);
    write(
        &d,
        ".debrief-lint.toml",
        "[sarif]\ninformation-uri = \"https://wiki.example.org/blameless\"\n",
    );
    let o = lint(&d, &["--format", "sarif", "pm.md"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert_eq!(
        json(&o)["runs"][0]["tool"]["driver"]["informationUri"],
        "https://wiki.example.org/blameless"
    );
    write(
        &d,
        ".debrief-lint.toml",
        "[sarif]\ninformation-uri = \"our wiki\"\n",
    );
    let o = lint(&d, &["--format", "sarif", "pm.md"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("line 2"), "{}", stderr(&o));
    assert!(stderr(&o).contains("absolute URI"), "{}", stderr(&o));
}

#[test]
fn directories_are_walked_for_markdown_and_text_skipping_hidden_ones() {
    let d = dir("walk");
    write(&d, "reviews/a.md", BLAMEFUL);
    write(&d, "reviews/b.markdown", BLAMEFUL);
    write(&d, "reviews/c.txt", BLAMEFUL);
    write(&d, "reviews/d.MD", BLAMEFUL);
    write(&d, "reviews/e.html", BLAMEFUL);
    write(&d, "reviews/.hidden.md", BLAMEFUL);
    write(&d, "reviews/.git/f.md", BLAMEFUL);
    write(&d, "reviews/node_modules/g.md", BLAMEFUL);
    write(&d, "reviews/deep/er/h.md", BLAMEFUL);
    let o = lint(&d, &["--format", "json", "reviews"]);
    assert_eq!(code(&o), 1);
    let v = json(&o);
    let mut paths: Vec<String> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect();
    paths.dedup();
    assert_eq!(
        paths,
        [
            "reviews/a.md",
            "reviews/b.markdown",
            "reviews/c.txt",
            "reviews/d.MD",
            "reviews/deep/er/h.md"
        ]
    );
    assert_eq!(v["files_checked"], 5);
}

#[test]
fn binary_and_invalid_utf8_files_are_skipped_with_a_note() {
    let d = dir("binary");
    write(&d, "ok.md", BLAMEFUL);
    write(&d, "image.md", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0");
    write(&d, "latin1.md", b"Caf\xe9 au lait.\nDave forgot.\n");
    let o = lint(&d, &["--format", "json", "ok.md", "image.md", "latin1.md"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("note: skipped image.md: binary file"), "{err}");
    assert!(
        err.contains("note: skipped latin1.md: not valid UTF-8 (line 1)"),
        "{err}"
    );
    let v = json(&o);
    assert_eq!(v["files_checked"], 1);
    assert_eq!(v["skipped"].as_array().unwrap().len(), 2);
    // nothing readable at all: exit 2
    let o = lint(&d, &["image.md", "latin1.md"]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o)
            .lines()
            .last()
            .unwrap()
            .contains("nothing could be read"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn an_empty_file_has_no_findings() {
    let d = dir("empty");
    write(&d, "empty.md", "");
    let o = lint(&d, &["empty.md"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stdout(&o).is_empty());
    let o = lint(&d, &["--format", "sarif", "empty.md"]);
    assert_eq!(code(&o), 0);
    assert_eq!(json(&o)["runs"][0]["results"].as_array().unwrap().len(), 0);
}

#[test]
fn usage_errors_exit_two_with_one_line() {
    let d = dir("usage");
    write(&d, "pm.md", BLAMEFUL);
    let o = lint(&d, &["missing.md"]);
    assert_eq!(code(&o), 2);
    assert_eq!(stderr(&o).trim_end().lines().count(), 1, "{}", stderr(&o));
    assert!(stderr(&o).contains("missing.md"));
    let o = lint(&d, &["--format", "xml", "pm.md"]);
    assert_eq!(code(&o), 2);
    let o = lint(&d, &["--people", "nobody.txt", "pm.md"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("nobody.txt"));
}

#[test]
fn a_malformed_config_names_the_line() {
    let d = dir("config");
    write(&d, "pm.md", BLAMEFUL);
    write(
        &d,
        "bad.toml",
        "[rules]\nblame = \"warning\"\nperson-agent = \"loud\"\n",
    );
    let o = lint(&d, &["--config", "bad.toml", "pm.md"]);
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("bad.toml, line 3"), "{err}");
    write(&d, "typo.toml", "[rules]\n\n[word]\nblame = [\"muppet\"]\n");
    let o = lint(&d, &["--config=typo.toml", "pm.md"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("line 3"), "{}", stderr(&o));
}

#[test]
fn configuration_turns_rules_off_and_adds_words() {
    let d = dir("config-ok");
    write(
        &d,
        "pm.md",
        "Dave forgot to renew the certificate. The team were muppets.\n",
    );
    write(
        &d,
        "lint.toml",
        "[rules]\nperson-agent = \"off\"\n\n[words]\nblame = [\"muppets\"]\n",
    );
    let o = lint(&d, &["--format", "json", "--config", "lint.toml", "pm.md"]);
    assert_eq!(code(&o), 1);
    let v = json(&o);
    let rules: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["blame"]);
    // .debrief-lint.toml in the working directory is read when --config is absent
    write(
        &d,
        ".debrief-lint.toml",
        "[rules]\nperson-agent = \"note\"\n",
    );
    let o = lint(&d, &["pm.md"]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert!(stdout(&o).contains("note[person-agent]"));
}

#[test]
fn the_server_config_variable_is_not_a_lint_config() {
    let d = dir("envcfg");
    write(&d, "pm.md", CLEAN);
    write(&d, "server.toml", "listen = \"127.0.0.1:9999\"\n");
    let o = Command::new(BIN)
        .current_dir(&d)
        .args(["lint", "pm.md"])
        .env("DEBRIEF_CONFIG", d.join("server.toml"))
        .output()
        .unwrap();
    assert_eq!(code(&o), 0, "{}", stderr(&o));
}

#[test]
fn people_from_a_list_and_from_a_csv_export() {
    let d = dir("people");
    // names the built-in list does not know
    write(
        &d,
        "pm.md",
        "Zygmunt misconfigured the proxy.\n\nQuillon deleted the backups.\n",
    );
    let o = lint(&d, &["--format", "json", "pm.md"]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    write(&d, "people.txt", "# staff\nZygmunt Kowalczyk\n");
    let o = lint(&d, &["--format", "json", "--people", "people.txt", "pm.md"]);
    assert_eq!(code(&o), 1);
    assert_eq!(json(&o)["findings"].as_array().unwrap().len(), 1);
    write(
        &d,
        "users.csv",
        "id,email,name,roles\n1,zk@example.org,Zygmunt Kowalczyk,reporter\n2,aq@example.org,\"Quillon, Amadea\",reporter\n3,x@example.org,Amadea Quillon,admin\n",
    );
    let o = lint(&d, &["--format", "json", "--people", "users.csv", "pm.md"]);
    assert_eq!(code(&o), 1);
    let v = json(&o);
    let lines: Vec<u64> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [1, 3], "{v:#}");
}

#[test]
fn inline_suppression_with_a_reason() {
    let d = dir("suppress");
    write(
        &d,
        "pm.md",
        "<!-- debrief-lint: allow person-agent -- quoting the attacker's alias -->\nDave forgot to renew the certificate.\n",
    );
    let o = lint(&d, &["pm.md"]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    write(
        &d,
        "noreason.md",
        "<!-- debrief-lint: allow person-agent -->\nDave forgot to renew the certificate.\n",
    );
    let o = lint(&d, &["noreason.md"]);
    assert_eq!(code(&o), 1);
    let out = stdout(&o);
    assert!(out.contains("warning[suppression]"), "{out}");
    assert!(out.contains("warning[person-agent]"), "{out}");
}

#[test]
fn standard_input() {
    use std::io::Write;
    let d = dir("stdin");
    let mut child = Command::new(BIN)
        .current_dir(&d)
        .args(["lint", "--format", "json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"The root cause was human error.\n")
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(code(&o), 1);
    let v = json(&o);
    assert_eq!(v["findings"][0]["path"], "-");
    assert_eq!(v["findings"][0]["rule"], "human-error");
}

#[test]
fn the_pre_commit_hook_runs_debrief_lint_on_markdown() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let hooks = std::fs::read_to_string(root.join(".pre-commit-hooks.yaml")).unwrap();
    assert!(hooks.contains("id: debrief-lint"));
    assert!(hooks.contains("entry: debrief lint"));
    assert!(hooks.contains("markdown"));
}

/// Every sentence of the demo reviews (the data files beside the generator)
/// passes `debrief lint` as a team would run it over its own reviews.
#[test]
fn the_demo_stories_pass_debrief_lint() {
    fn prose(v: &toml::Value, key: &str, out: &mut Vec<String>) {
        // keys whose values are identifiers, not prose
        const KEYS: &[&str] = &["category", "factor", "level", "priority", "team", "who"];
        match v {
            toml::Value::String(s) if !KEYS.contains(&key) => out.push(s.clone()),
            toml::Value::Array(a) => a.iter().for_each(|x| prose(x, key, out)),
            toml::Value::Table(t) => t.iter().for_each(|(k, x)| prose(x, k, out)),
            _ => {}
        }
    }
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/demo_stories");
    let d = dir("demo-stories");
    let mut files = 0;
    let mut sentences = 0;
    for entry in std::fs::read_dir(&src).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let value: toml::Value = toml::from_str(&text).unwrap();
        let mut out = Vec::new();
        prose(&value, "", &mut out);
        assert!(!out.is_empty(), "{}: no prose", path.display());
        sentences += out.len();
        files += 1;
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        write(&d, &format!("{name}.md"), out.join("\n\n"));
    }
    assert!(
        files > 20 && sentences > 800,
        "{files} files, {sentences} texts"
    );
    let o = lint(&d, &["--format", "text", "."]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}{}",
        stdout(&o),
        String::from_utf8_lossy(&o.stderr)
    );
}
