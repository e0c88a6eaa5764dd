//! Every rule's documented example is a test: the scripts under `## Example`
//! in the text `nixdeps explain CODE` prints are checked, and must get that
//! rule's code; the lines shown under `## Fix` must be what `--fix` writes.
//! So no explain text shows something the rule does not do.

use assert_cmd::Command;
use nixdeps::check::{check_text, FixMode, Settings};
use nixdeps::rules::{Rule, ALL};

/// The body of the `## NAME` section of a rule's doc.
fn section<'a>(doc: &'a str, name: &str) -> &'a str {
    let head = format!("## {name}\n");
    let Some(start) = doc.find(&head) else {
        return "";
    };
    let body = &doc[start + head.len()..];
    body.find("\n## ").map_or(body, |end| &body[..end])
}

/// The indented (4 spaces) blocks of a section, unindented; a non-indented
/// line of prose separates two blocks.
fn blocks(section: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in section.lines() {
        match line.strip_prefix("    ") {
            Some(code) => current.push(code),
            None if line.trim().is_empty() && !current.is_empty() => current.push(""),
            None => {
                if !current.is_empty() {
                    out.push(current.join("\n").trim_end().to_string() + "\n");
                    current.clear();
                }
            }
        }
    }
    if !current.is_empty() {
        out.push(current.join("\n").trim_end().to_string() + "\n");
    }
    out
}

fn explain(rule: &Rule) -> String {
    let out = Command::cargo_bin("nixdeps")
        .unwrap()
        .args(["explain", rule.code])
        .output()
        .unwrap();
    assert!(out.status.success(), "explain {} failed", rule.code);
    String::from_utf8(out.stdout).unwrap()
}

fn check_example(rule: &Rule, printed: &str) {
    let examples = blocks(section(printed, "Example"));
    assert!(!examples.is_empty(), "{}: no example", rule.code);
    let settings = Settings::default();
    for script in &examples {
        assert!(
            script.starts_with("#!"),
            "{}: the example is not a whole script:\n{script}",
            rule.code
        );
        let report = check_text(script, None, &settings, FixMode::Off)
            .unwrap()
            .unwrap_or_else(|| panic!("{}: not a nix-shell script:\n{script}", rule.code));
        let hits: Vec<_> = report
            .diagnostics
            .iter()
            .filter(|d| d.code == rule.code)
            .collect();
        assert!(
            !hits.is_empty(),
            "{}: its example gets no {0}:\n{script}\ngot: {:#?}",
            rule.code,
            report
                .diagnostics
                .iter()
                .map(|d| format!("{} {}", d.code, d.message))
                .collect::<Vec<_>>()
        );
        if !rule.fixable {
            assert!(
                hits.iter().all(|d| d.fix.is_none()),
                "{}: explain says no fix, but the example gets one",
                rule.code
            );
        }
    }
    // The lines `## Fix` shows are what `--fix` writes into the first example.
    let shown = blocks(section(printed, "Fix"));
    if shown.is_empty() {
        assert!(
            !rule.fixable,
            "{}: the rule has a fix, but its explain text shows none",
            rule.code
        );
        return;
    }
    assert!(
        rule.fixable,
        "{}: shows a fix but is not fixable",
        rule.code
    );
    let script = &examples[0];
    let report = check_text(script, None, &settings, FixMode::Off)
        .unwrap()
        .unwrap();
    assert!(
        report
            .diagnostics
            .iter()
            .any(|d| d.code == rule.code && d.fix.is_some()),
        "{}: its example gets no fix",
        rule.code
    );
    let fixed = check_text(script, None, &settings, FixMode::Apply)
        .unwrap()
        .unwrap()
        .text;
    for block in shown {
        for line in block.lines().filter(|l| !l.trim().is_empty()) {
            assert!(
                fixed.lines().any(|l| l == line),
                "{}: `--fix` does not write the line the explain text shows\n  {line}\nfixed script:\n{fixed}",
                rule.code
            );
            assert!(
                !script.lines().any(|l| l == line),
                "{}: the line the Fix section shows is in the example already: {line}",
                rule.code
            );
        }
    }
}

#[test]
fn every_rule_documents_an_example_that_the_rule_reports() {
    assert_eq!(ALL.len(), 20, "ND001–ND018, ND100, ND101");
    // Every rule is checked before failing, so one run names every wrong text.
    let failed: Vec<&str> = ALL
        .iter()
        .filter(|rule| {
            std::panic::catch_unwind(|| {
                let printed = explain(rule);
                assert!(
                    printed.contains(rule.doc),
                    "{}: explain does not print the rule's doc",
                    rule.code
                );
                check_example(rule, &printed);
            })
            .is_err()
        })
        .map(|rule| rule.code)
        .collect();
    assert!(failed.is_empty(), "wrong documented examples: {failed:?}");
}

#[test]
fn the_extractor_reads_blocks_and_sections() {
    let doc = "## Example\n    #!a\n    b\n\nprose\n    #!c\n\n## Fix\nx\n";
    assert_eq!(blocks(section(doc, "Example")), ["#!a\nb\n", "#!c\n"]);
    assert_eq!(section(doc, "Fix"), "x\n");
    assert!(blocks(section(doc, "Fix")).is_empty());
    assert_eq!(section(doc, "Missing"), "");
}
