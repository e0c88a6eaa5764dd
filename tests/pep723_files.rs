//! PEP 723 scripts end to end: which files are picked (by the first line alone), what the
//! output formats carry, and that a block fix changes no byte outside the block.

use assert_cmd::Command;
use nixdeps::check::{check_text, FixMode, Settings};
use nixdeps::discover::shebang_kind;
use nixdeps::header::HeaderKind;
use std::path::{Path, PathBuf};

#[test]
fn uv_run_shebangs_are_candidates_and_uv_alone_is_not() {
    for line in [
        "#!/usr/bin/env -S uv run --script\n",
        "#!/usr/bin/env -S uv run --quiet --script\n",
        "#!/usr/bin/env -S uv run --with rich --script\r\n",
        "#!/usr/bin/env -S \"uv run --script\"\n",
        "#!/home/me/.local/bin/uv run --script\n",
        "\u{feff}#!/usr/bin/env -S uv run\n",
    ] {
        assert_eq!(
            shebang_kind(line.as_bytes()),
            Some(HeaderKind::Uv),
            "{line:?}"
        );
    }
    for line in [
        "#!/usr/bin/env uv\n",
        "#!/usr/bin/env -S uv tool run ruff\n",
        "#!/usr/bin/env -S uvx ruff\n",
        "#!/usr/bin/env python3\n",
        "# /// script\n",
    ] {
        assert_eq!(shebang_kind(line.as_bytes()), None, "{line:?}");
    }
    // The header parser agrees with discovery.
    let h =
        nixdeps::header::parse("#!/usr/bin/env -S uv run --quiet --script\nimport x\n").unwrap();
    assert_eq!(h.kind, HeaderKind::Uv);
    assert!(nixdeps::pep723::runs_uv(&h));
    let h = nixdeps::header::parse(
        "#!/usr/bin/env nix-shell\n#!nix-shell -i \"uv run --script\" -p uv\n",
    )
    .unwrap();
    assert!(nixdeps::pep723::runs_uv(&h));
    let h =
        nixdeps::header::parse("#!/usr/bin/env nix-shell\n#!nix-shell -i python3 -p uv\n").unwrap();
    assert!(!nixdeps::pep723::runs_uv(&h));
}

fn fixed_cases() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("uv-resolves.txt").exists())
        .collect();
    cases.sort();
    cases
}

/// The text before and after the script block (or, without one, all of it).
fn outside(text: &str) -> (String, String) {
    let meta = nixdeps::pep723::read(text);
    match meta.script {
        Some(s) => (
            text[..s.block.span.start].to_owned(),
            text[s.block.span.end..].to_owned(),
        ),
        None => (text.to_owned(), String::new()),
    }
}

#[test]
fn block_fixes_touch_no_byte_outside_the_block_and_keep_crlf() {
    let mut checked = 0;
    for case in fixed_cases() {
        let text = std::fs::read_to_string(case.join("script.py")).unwrap();
        for text in [text.clone(), text.replace('\n', "\r\n")] {
            let fixed = check_text(&text, None, &Settings::default(), FixMode::Apply)
                .unwrap()
                .unwrap();
            let (before, after) = outside(&fixed.text);
            let had_block = nixdeps::pep723::read(&text).script.is_some();
            if had_block {
                assert_eq!((before, after), outside(&text), "{}", case.display());
            } else {
                // A new block is inserted whole: around it, the original text.
                let at = nixdeps::pep723::read(&fixed.text)
                    .script
                    .unwrap()
                    .block
                    .span
                    .start;
                let inserted = fixed.text.len() - text.len();
                assert_eq!(&fixed.text[..at], &text[..at], "{}", case.display());
                assert_eq!(
                    &fixed.text[at + inserted..],
                    &text[at..],
                    "{}",
                    case.display()
                );
                let new = &fixed.text[at..at + inserted];
                assert!(
                    new.starts_with("# /// script") && new.trim_end().ends_with("# ///"),
                    "{new:?}"
                );
            }
            let crlf = text.contains("\r\n");
            assert_eq!(
                fixed.text.matches('\n').count(),
                if crlf {
                    fixed.text.matches("\r\n").count()
                } else {
                    fixed.text.matches('\n').count()
                },
                "{}: mixed line endings after the fix",
                case.display()
            );
            checked += 1;
        }
    }
    assert!(checked >= 16);
}

/// stdout of `nixdeps ARGS… SCRIPT`.
fn run(args: &[&str], script: &Path) -> (Option<i32>, String) {
    let out = Command::cargo_bin("nixdeps")
        .unwrap()
        .args(args)
        .arg(script)
        .output()
        .unwrap();
    (out.status.code(), String::from_utf8(out.stdout).unwrap())
}

#[test]
fn json_sarif_and_github_carry_block_diagnostics() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("fetch.py");
    std::fs::write(
        &script,
        "#!/usr/bin/env -S uv run --script\n# /// script\n# dependencies = [\"requests\", \"rich\"]\n# ///\nimport requests, yaml\n",
    )
    .unwrap();
    let (code, json) = run(&["check", "--output-format", "json"], &script);
    assert_eq!(code, Some(1));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let codes: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["ND013", "ND012"]);
    let nd012 = &v[1];
    assert_eq!(nd012["attribute"], "pyyaml");
    assert_eq!(nd012["module"], "yaml");
    assert_eq!(nd012["location"]["row"], 5);
    let edit = &nd012["fix"]["edits"][0];
    assert_eq!(
        edit["location"]["row"], 3,
        "the edit is inside the block: {edit}"
    );
    assert!(edit["content"]
        .as_str()
        .unwrap()
        .contains("#     \"pyyaml\","));
    let (_, sarif) = run(&["check", "--output-format", "sarif"], &script);
    assert!(sarif.contains("\"ND012\"") && sarif.contains("missing-block-dependency"));
    let (_, gh) = run(
        &["check", "--output-format", "github", "--select", "ND012"],
        &script,
    );
    assert!(
        gh.starts_with("::error ") && gh.contains("ND012") && !gh.contains("ND013"),
        "{gh}"
    );
    // Configuration applies unchanged.
    std::fs::write(
        dir.path().join("nixdeps.toml"),
        "ignore = [\"ND013\"]\nkeep = []\n",
    )
    .unwrap();
    let (_, text) = run(&["check", "--output-format", "concise"], &script);
    assert!(text.contains("ND012") && !text.contains("ND013"), "{text}");
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

    /// Scripts of block-shaped lines: reading never panics, and every fix nixdeps plans is one it
    /// can verify (a refused rewrite would be a planning bug) and is idempotent.
    #[test]
    fn block_shaped_scripts_fix_cleanly(
        picks in proptest::collection::vec(0usize..LINES.len(), 0..14),
        crlf in proptest::bool::ANY,
    ) {
        let mut text = String::from("#!/usr/bin/env -S uv run --script\n");
        for p in picks {
            text.push_str(LINES[p]);
            text.push('\n');
        }
        text.push_str("import requests, yaml\n");
        if crlf {
            text = text.replace('\n', "\r\n");
        }
        let _ = nixdeps::pep723::read(&text);
        let fixed = check_text(&text, None, &Settings::default(), FixMode::ApplyUnsafe);
        let fixed = fixed.map_err(|e| proptest::test_runner::TestCaseError::fail(format!("{e}\n{text}")))?;
        let fixed = fixed.unwrap();
        let again = check_text(&fixed.text, None, &Settings::default(), FixMode::ApplyUnsafe)
            .unwrap()
            .unwrap();
        proptest::prop_assert_eq!(&again.text, &fixed.text, "not idempotent:\n{}", text);
    }
}

const LINES: &[&str] = &[
    "# /// script",
    "# ///",
    "#",
    "# dependencies = [",
    "# ]",
    "# dependencies = []",
    "# dependencies = [\"rich\", 'click']",
    "#   \"requests\",",
    "#   'rich'  # note",
    "#     \"click\",",
    "# # a comment",
    "# requires-python = \">=3.11\"",
    "# [tool.uv]",
    "# /// pyproject",
    "",
    "x = 1",
    "#!nix-shell -p uv",
];

/// Per-file work is linear: a block of thousands of dependencies matched against thousands of
/// imports, and thousands of unclosed opening lines (each would rescan the rest of the file in a
/// naive reading of the specification's regex). Quadratic matching took minutes here.
#[test]
fn big_blocks_and_many_openings_stay_linear() {
    let n = 3000;
    let mut text =
        String::from("#!/usr/bin/env -S uv run --script\n# /// script\n# dependencies = [\n");
    for i in 0..n {
        text.push_str(&format!("#     \"pkg{i}\",\n"));
    }
    text.push_str("# ]\n# ///\n\n");
    for _ in 0..20 * n {
        text.push_str("# /// notes\n");
    }
    for i in 0..n {
        text.push_str(&format!("import pkg{i}\n"));
    }
    text.push_str("import yaml\n");
    let start = std::time::Instant::now();
    let fixed = check_text(&text, None, &Settings::default(), FixMode::Apply)
        .unwrap()
        .unwrap();
    let took = start.elapsed();
    assert_eq!(fixed.fixed, 1, "only pyyaml is missing");
    assert!(fixed.text.contains("#     \"pyyaml\",\n"));
    assert!(took.as_secs() < 60, "took {took:?}");
}
