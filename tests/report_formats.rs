//! Snapshot and property tests of every output format over hand-made results.

mod report_fixtures;

use nixdeps::diagnostic::Severity;
use nixdeps::report::{
    escape_data, escape_property, render, render_to_string, FileResult, OutputFormat,
    RenderOptions, RuleMeta, Summary,
};
use report_fixtures::{diag, find, results, summary};
use serde_json::Value;

const ALL: [OutputFormat; 6] = [
    OutputFormat::Human,
    OutputFormat::Concise,
    OutputFormat::Json,
    OutputFormat::Sarif,
    OutputFormat::Github,
    OutputFormat::Gitlab,
];

fn run(
    format: OutputFormat,
    results: &[FileResult],
    summary: &Summary,
    opts: RenderOptions,
) -> String {
    let mut buf = Vec::new();
    render(format, results, summary, &opts, &mut buf).unwrap();
    String::from_utf8(buf).unwrap()
}

fn plain(format: OutputFormat) -> String {
    run(format, &results(), &summary(), RenderOptions::default())
}

fn empty_summary() -> Summary {
    Summary {
        files_checked: 3,
        ..Summary::default()
    }
}

// ---- human -----------------------------------------------------------------

#[test]
fn human_snapshot() {
    insta::assert_snapshot!("human", plain(OutputFormat::Human));
}

#[test]
fn human_colour_snapshot() {
    let out = run(
        OutputFormat::Human,
        &results(),
        &summary(),
        RenderOptions {
            color: true,
            ..RenderOptions::default()
        },
    );
    // Error code red+bold, warning yellow, info blue: the SGR sequences.
    assert!(
        out.contains("\x1b[1m\x1b[31mND001") || out.contains("\x1b[1;31mND001"),
        "{out:?}"
    );
    assert!(out.contains("33mND002"), "{out:?}");
    assert!(out.contains("34mND100"), "{out:?}");
    insta::assert_snapshot!("human_colour", out.replace('\x1b', "␛"));
}

#[test]
fn human_without_colour_has_no_escape_codes() {
    assert!(!plain(OutputFormat::Human).contains('\x1b'));
}

#[test]
fn human_quiet_has_no_summary() {
    let opts = RenderOptions {
        quiet: true,
        ..RenderOptions::default()
    };
    let out = run(OutputFormat::Human, &results(), &summary(), opts);
    assert!(!out.contains("Found"));
    assert!(out.contains("scripts/fetch.py:4:8: ND001 [*] "));
}

#[test]
fn human_marks_only_safe_fixes() {
    let out = plain(OutputFormat::Human);
    assert!(out.contains("scripts/fetch.py:4:8: ND001 [*] \"yaml\""));
    // ND002's fix is unsafe: no [*], but the help line says so.
    assert!(out.contains("scripts/fetch.py:2:68: ND002 python3Packages.pip"));
    assert!(out.contains("= help: remove python3Packages.pip (unsafe fix)"));
    // ND003 has no fix and so no help line.
    let nd003 = out.split("\n\n").find(|b| b.contains("ND003")).unwrap();
    assert!(!nd003.contains("help"));
}

#[test]
fn human_caret_sits_under_the_span_in_display_columns() {
    let out = plain(OutputFormat::Human);
    // "import données": carets under the 7 characters of données (not its 8 bytes).
    assert!(
        out.contains("5 | import données  # 日本\n  |        ^^^^^^^\n"),
        "{out}"
    );
    // Tab expanded to the next tab stop: "#!nix-shell -p" is 14 columns, tab → 16.
    assert!(
        out.contains("3 | #!nix-shell -p  python3Packages.numpy"),
        "{out}"
    );
    // Empty span at the end of a line: one caret after its last character.
    assert!(
        out.contains("2 | #!nix-shell -i python3\n  |                       ^\n"),
        "{out}"
    );
    // CRLF: no \r reaches the output.
    assert!(!out.contains('\r'));
}

#[test]
fn human_summary_lines() {
    let out = plain(OutputFormat::Human);
    assert!(
        out.ends_with("\nFound 7 diagnostics (3 fixable with --fix) in 4 files checked.\n"),
        "{out}"
    );

    let out = run(
        OutputFormat::Human,
        &[],
        &empty_summary(),
        RenderOptions::default(),
    );
    assert_eq!(out, "All checked: 3 files, no diagnostics.\n");

    let fixed = Summary {
        files_checked: 1,
        files_fixed: 1,
        fixes_applied: 1,
        packages: None,
    };
    let out = run(OutputFormat::Human, &[], &fixed, RenderOptions::default());
    assert_eq!(
        out,
        "Fixed 1 diagnostic in 1 file.\nAll checked: 1 file, no diagnostics.\n"
    );
}

#[test]
fn human_fixed_summary_snapshot() {
    let fixed = Summary {
        files_checked: 4,
        files_fixed: 2,
        fixes_applied: 5,
        packages: None,
    };
    let r: Vec<FileResult> = results()
        .into_iter()
        .filter(|r| r.path == "z/shell.py")
        .collect();
    insta::assert_snapshot!(
        "human_after_fix",
        run(OutputFormat::Human, &r, &fixed, RenderOptions::default())
    );
}

#[test]
fn human_statistics_snapshot() {
    let mut r = results();
    // Two more ND003 so ordering by count is visible.
    let extra = r[2].diagnostics[2].clone();
    r[2].diagnostics.push(extra.clone());
    r[2].diagnostics.push(extra);
    let opts = RenderOptions {
        statistics: true,
        ..RenderOptions::default()
    };
    let out = run(OutputFormat::Human, &r, &summary(), opts);
    let first = out.lines().next().unwrap();
    assert!(first.starts_with("3  ND003"), "{out}");
    insta::assert_snapshot!("human_statistics", out);
}

#[test]
fn human_long_span_is_elided() {
    let text: String = (1..=9).map(|i| format!("#!nix-shell -p a{i}\n")).collect();
    let span = find(&text, "a1", 0).cover(find(&text, "a9", 0));
    let r = vec![FileResult {
        path: "long.py".into(),
        text: text.clone(),
        diagnostics: vec![diag(
            "ND100",
            "unsupported-header",
            Severity::Warning,
            "long",
            span,
        )],
        fixed: 0,
    }];
    let opts = RenderOptions {
        quiet: true,
        ..RenderOptions::default()
    };
    insta::assert_snapshot!(
        "human_long_span",
        run(OutputFormat::Human, &r, &summary(), opts)
    );
}

// ---- concise ---------------------------------------------------------------

#[test]
fn concise_snapshot() {
    insta::assert_snapshot!("concise", plain(OutputFormat::Concise));
}

/// Every line matches the VS Code problem matcher `^(.*):(\d+):(\d+): (\w+) (.*)$`.
#[test]
fn concise_lines_parse_as_problem_matcher_input() {
    let out = plain(OutputFormat::Concise);
    let r = results();
    let expected: usize = r.iter().map(|f| f.diagnostics.len()).sum();
    assert_eq!(out.lines().count(), expected);
    for line in out.lines() {
        let (loc, rest) = line.split_once(": ").unwrap();
        let mut parts = loc.rsplitn(3, ':');
        let col: usize = parts.next().unwrap().parse().unwrap();
        let row: usize = parts.next().unwrap().parse().unwrap();
        let path = parts.next().unwrap();
        assert!(row >= 1 && col >= 1);
        assert!(r.iter().any(|f| f.path == path), "{path}");
        let (code, msg) = rest.split_once(' ').unwrap();
        assert!(code.starts_with("ND") && code[2..].chars().all(|c| c.is_ascii_digit()));
        assert!(!msg.is_empty() && !msg.contains("[*]"));
    }
    assert!(out.contains("tools/ünïcode tool.py:5:8: ND003 \"données\""));
}

// ---- json ------------------------------------------------------------------

#[test]
fn json_snapshot() {
    insta::assert_snapshot!("json", plain(OutputFormat::Json));
}

/// ruff 0.17's JSON objects have exactly these keys (checked against
/// `ruff check --output-format json`); nixdeps adds `module` and `attribute`.
const RUFF_KEYS: [&str; 11] = [
    "cell",
    "code",
    "end_location",
    "filename",
    "fix",
    "location",
    "message",
    "name",
    "noqa_row",
    "severity",
    "url",
];

#[test]
fn json_has_ruffs_fields() {
    let out = plain(OutputFormat::Json);
    let v: Value = serde_json::from_str(&out).unwrap();
    let arr = v.as_array().unwrap();
    assert_eq!(arr.len(), 7);
    for o in arr {
        let o = o.as_object().unwrap();
        let mut keys: Vec<&str> = o.keys().map(String::as_str).collect();
        keys.sort_unstable();
        let mut want: Vec<&str> = RUFF_KEYS
            .iter()
            .copied()
            .chain(["module", "attribute"])
            .collect();
        want.sort_unstable();
        assert_eq!(keys, want);
        assert!(o["cell"].is_null());
        assert_eq!(o["noqa_row"], o["location"]["row"]);
        for k in ["location", "end_location"] {
            assert!(o[k]["row"].as_u64().unwrap() >= 1);
            assert!(o[k]["column"].as_u64().unwrap() >= 1);
        }
        if let Some(fix) = o["fix"].as_object() {
            let a = fix["applicability"].as_str().unwrap();
            assert!(a == "safe" || a == "unsafe");
            assert!(fix["message"].is_string());
            for e in fix["edits"].as_array().unwrap() {
                assert!(e["content"].is_string());
                assert!(e["location"]["row"].is_u64() && e["end_location"]["column"].is_u64());
            }
        } else {
            assert!(o["fix"].is_null());
        }
    }
    // Columns count characters: "import données" → 8..15, not 8..16 bytes.
    let nd003 = arr.iter().find(|o| o["code"] == "ND003").unwrap();
    assert_eq!(
        nd003["location"],
        serde_json::json!({"row": 5, "column": 8})
    );
    assert_eq!(
        nd003["end_location"],
        serde_json::json!({"row": 5, "column": 15})
    );
    assert_eq!(nd003["module"], "données");
    assert!(nd003["attribute"].is_null());
    assert_eq!(nd003["severity"], "warning");
    // The multi-line ND009 spans rows 3..4.
    let nd009 = arr.iter().find(|o| o["code"] == "ND009").unwrap();
    assert_eq!(nd009["location"]["row"], 3);
    assert_eq!(
        nd009["end_location"],
        serde_json::json!({"row": 4, "column": 37})
    );
    // Fix edits: an insertion has location == end_location.
    let nd001 = arr.iter().find(|o| o["code"] == "ND001").unwrap();
    let edit = &nd001["fix"]["edits"][0];
    assert_eq!(edit["location"], edit["end_location"]);
    assert_eq!(edit["content"], " ps.pyyaml");
}

#[test]
fn json_keys_are_in_ruffs_alphabetical_order() {
    let out = plain(OutputFormat::Json);
    let first = out.split("\n  },\n").next().unwrap();
    let top: Vec<&str> = first
        .lines()
        .filter(|l| l.starts_with("    \"") && !l.starts_with("     "))
        .map(|l| l.trim().split('"').nth(1).unwrap())
        .collect();
    let mut sorted = top.clone();
    sorted.sort_unstable();
    assert_eq!(top, sorted);
    assert_eq!(top.len(), 13);
}

#[test]
fn json_url_comes_from_rule_meta() {
    fn url(code: &str) -> Option<String> {
        Some(format!("https://example.invalid/rules/{code}"))
    }
    let meta = RuleMeta {
        url: Some(url),
        ..RuleMeta::default()
    };
    let out = render_to_string(
        OutputFormat::Json,
        &results(),
        &summary(),
        &RenderOptions::default(),
        &meta,
    );
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v[0]["url"], "https://example.invalid/rules/ND002");
}

#[test]
fn json_statistics_are_rufflike() {
    let opts = RenderOptions {
        statistics: true,
        ..RenderOptions::default()
    };
    let out = run(OutputFormat::Json, &results(), &summary(), opts);
    let v: Value = serde_json::from_str(&out).unwrap();
    let arr = v.as_array().unwrap();
    assert_eq!(arr.len(), 7);
    let nd001 = arr.iter().find(|s| s["code"] == "ND001").unwrap();
    assert_eq!(
        nd001,
        &serde_json::json!({"code": "ND001", "name": "missing-dependency", "count": 1, "fixable": true, "fixable_count": 1})
    );
    let nd002 = arr.iter().find(|s| s["code"] == "ND002").unwrap();
    assert_eq!(
        nd002["fixable"], false,
        "unsafe fixes are not applied by --fix"
    );
}

// ---- sarif (schema validation: tests/report_sarif_schema.rs) ---------------

#[test]
fn sarif_snapshot() {
    let out = plain(OutputFormat::Sarif);
    // The version is the crate's; keep the snapshot stable across releases.
    let out = out.replace(env!("CARGO_PKG_VERSION"), "[VERSION]");
    insta::assert_snapshot!("sarif", out);
}

// ---- github ----------------------------------------------------------------

#[test]
fn github_snapshot() {
    insta::assert_snapshot!("github", plain(OutputFormat::Github));
}

#[test]
fn github_escapes_data_and_properties() {
    let text = "import x\n".to_owned();
    let mut d = diag(
        "ND003",
        "unresolved-import",
        Severity::Info,
        "100% odd: a,b\r\nsecond line",
        find(&text, "x", 0),
    );
    d.fix = None;
    let r = vec![FileResult {
        path: "we:ird,dir/100%.py".into(),
        text,
        diagnostics: vec![d],
        fixed: 0,
    }];
    let out = run(
        OutputFormat::Github,
        &r,
        &summary(),
        RenderOptions::default(),
    );
    assert_eq!(
        out,
        "::notice file=we%3Aird%2Cdir/100%25.py,line=1,col=8,endLine=1,endColumn=9,\
         title=nixdeps (ND003)::we:ird,dir/100%25.py:1:8: ND003 100%25 odd: a,b%0D%0Asecond line\n"
    );
    assert_eq!(out.lines().count(), 1);
    assert_eq!(escape_data("%\r\n:,"), "%25%0D%0A:,");
    assert_eq!(escape_property("%\r\n:,"), "%25%0D%0A%3A%2C");
}

#[test]
fn github_levels() {
    let out = plain(OutputFormat::Github);
    let levels: Vec<&str> = out.lines().map(|l| l.split(' ').next().unwrap()).collect();
    assert_eq!(
        levels,
        [
            "::warning",
            "::error",
            "::error",
            "::warning",
            "::warning",
            "::notice",
            "::error"
        ]
    );
}

// ---- gitlab ----------------------------------------------------------------

#[test]
fn gitlab_snapshot() {
    insta::assert_snapshot!("gitlab", plain(OutputFormat::Gitlab));
}

#[test]
fn gitlab_report_shape() {
    let mut r = results();
    // A repeated identical finding must still get its own fingerprint.
    let dup = r[3].diagnostics[0].clone();
    r[3].diagnostics.push(dup);
    let out = run(
        OutputFormat::Gitlab,
        &r,
        &summary(),
        RenderOptions::default(),
    );
    let v: Value = serde_json::from_str(&out).unwrap();
    let arr = v.as_array().unwrap();
    assert_eq!(arr.len(), 8);
    let mut fps: Vec<&str> = arr
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect();
    fps.sort_unstable();
    fps.dedup();
    assert_eq!(fps.len(), 8, "fingerprints are unique");
    for i in arr {
        let sev = i["severity"].as_str().unwrap();
        assert!(["major", "minor", "info"].contains(&sev));
        let code = i["check_name"].as_str().unwrap();
        assert!(i["description"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{code}: ")));
        assert!(
            i["location"]["positions"]["begin"]["line"]
                .as_u64()
                .unwrap()
                >= 1
        );
        assert!(i["location"]["path"].is_string());
    }
    assert_eq!(arr[1]["severity"], "major"); // ND001 error
    assert_eq!(arr[0]["severity"], "minor"); // ND002 warning
    assert_eq!(arr[5]["severity"], "info"); // ND100 info
}

#[test]
fn gitlab_fingerprint_ignores_line_moves() {
    let r = results();
    let before = run(
        OutputFormat::Gitlab,
        &r[1..2],
        &summary(),
        RenderOptions::default(),
    );
    let mut moved = r[1].clone();
    moved.text = format!("\n\n{}", moved.text);
    for d in &mut moved.diagnostics {
        d.span = nixdeps::span::Span::new(d.span.start + 2, d.span.end + 2);
    }
    let after = run(
        OutputFormat::Gitlab,
        &[moved],
        &summary(),
        RenderOptions::default(),
    );
    let fp = |s: &str| -> Vec<String> {
        let v: Value = serde_json::from_str(s).unwrap();
        v.as_array()
            .unwrap()
            .iter()
            .map(|i| i["fingerprint"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(fp(&before), fp(&after));
    assert_ne!(before, after, "the lines did move");
}

// ---- every format ----------------------------------------------------------

#[test]
fn rendering_is_deterministic() {
    for format in ALL {
        for opts in [
            RenderOptions::default(),
            RenderOptions {
                color: true,
                statistics: true,
                quiet: false,
            },
        ] {
            let a = run(format, &results(), &summary(), opts);
            let b = run(format, &results().clone(), &summary(), opts);
            assert_eq!(a.as_bytes(), b.as_bytes(), "{format:?}");
            assert!(
                !a.is_empty() || matches!(format, OutputFormat::Github),
                "{format:?}"
            );
        }
    }
}

#[test]
fn empty_result_sets() {
    let none: Vec<FileResult> = vec![];
    let opts = RenderOptions::default();
    let s = empty_summary();
    assert_eq!(
        run(OutputFormat::Human, &none, &s, opts),
        "All checked: 3 files, no diagnostics.\n"
    );
    assert_eq!(run(OutputFormat::Concise, &none, &s, opts), "");
    assert_eq!(run(OutputFormat::Json, &none, &s, opts), "[]\n");
    assert_eq!(run(OutputFormat::Github, &none, &s, opts), "");
    assert_eq!(run(OutputFormat::Gitlab, &none, &s, opts), "[]\n");
    let sarif: Value = serde_json::from_str(&run(OutputFormat::Sarif, &none, &s, opts)).unwrap();
    assert_eq!(sarif["runs"][0]["results"], serde_json::json!([]));
    assert_eq!(
        sarif["runs"][0]["tool"]["driver"]["rules"],
        serde_json::json!([])
    );
    // Files without diagnostics render like no files at all (but count as checked).
    let clean = vec![results().remove(0)];
    assert!(clean[0].diagnostics.is_empty());
    for f in [
        OutputFormat::Concise,
        OutputFormat::Json,
        OutputFormat::Github,
        OutputFormat::Gitlab,
    ] {
        assert_eq!(run(f, &clean, &s, opts), run(f, &none, &s, opts), "{f:?}");
    }
}

#[test]
fn bad_spans_do_not_panic() {
    let text = "é\r\nx".to_owned();
    let spans = [
        nixdeps::span::Span::new(1, 1),           // inside 'é'
        nixdeps::span::Span::new(3, 99),          // between \r and \n, past the end
        nixdeps::span::Span { start: 4, end: 2 }, // reversed
    ];
    let r = vec![FileResult {
        path: "bad.py".into(),
        text: text.clone(),
        diagnostics: spans
            .iter()
            .map(|s| diag("ND101", "syntax-error", Severity::Error, "bad", *s))
            .collect(),
        fixed: 0,
    }];
    for format in ALL {
        let out = run(format, &r, &summary(), RenderOptions::default());
        assert!(!out.is_empty());
    }
}

#[test]
fn terminal_control_characters_never_reach_the_terminal() {
    let text = "#!nix-shell -p a\x1b[2Jb\nimport x\n".to_owned();
    let mut d = diag(
        "ND003",
        "unresolved-import",
        Severity::Warning,
        "evil \x1b]0;title\x07 message\nsecond",
        find(&text, "a\x1b", 0),
    );
    d.fix = report_fixtures::fix(
        "help \x1b[31m",
        nixdeps::diagnostic::Applicability::Safe,
        vec![],
    );
    let r = vec![FileResult {
        path: "dir\x1b[1m/evil.py".into(),
        text,
        diagnostics: vec![d],
        fixed: 0,
    }];
    for format in [OutputFormat::Human, OutputFormat::Concise] {
        let out = run(format, &r, &summary(), RenderOptions::default());
        assert!(
            !out.contains('\x1b') && !out.contains('\x07'),
            "{format:?}: {out:?}"
        );
        assert!(out.contains("dir\u{241b}[1m/evil.py"), "{out}");
    }
    let concise = run(
        OutputFormat::Concise,
        &r,
        &summary(),
        RenderOptions::default(),
    );
    assert_eq!(concise.lines().count(), 1);
    // The caret still sits under the (now visible) span.
    let human = run(
        OutputFormat::Human,
        &r,
        &summary(),
        RenderOptions::default(),
    );
    assert!(
        human.contains("1 | #!nix-shell -p a\u{241b}[2Jb\n  |                ^^\n"),
        "{human}"
    );
}

proptest::proptest! {
    /// Whatever the text and spans, every renderer succeeds and JSON-based
    /// formats stay valid JSON.
    #[test]
    fn any_text_and_span_renders(text in "(\\PC|\r|\n|\t){0,60}", a in 0usize..80, b in 0usize..80) {
        let r = vec![FileResult {
            path: "p.py".into(),
            text: text.clone(),
            diagnostics: vec![diag("ND101", "syntax-error", Severity::Error, "m", nixdeps::span::Span { start: a, end: b })],
            fixed: 0,
        }];
        for format in ALL {
            let out = run(format, &r, &summary(), RenderOptions::default());
            if matches!(format, OutputFormat::Json | OutputFormat::Sarif | OutputFormat::Gitlab) {
                proptest::prop_assert!(serde_json::from_str::<Value>(&out).is_ok());
            }
            proptest::prop_assert!(!out.contains('\r') || !matches!(format, OutputFormat::Human | OutputFormat::Concise));
        }
    }
}
