//! The command line, end to end (assert_cmd): every option, each output
//! format and each exit status.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

fn nixdeps() -> Command {
    let mut c = Command::cargo_bin("nixdeps").unwrap();
    c.env_remove("NO_COLOR").env_remove("NIXDEPS_OUTPUT_FORMAT");
    // The embedded database, whatever nixpkgs this machine has (see README,
    // "Which package data nixdeps uses").
    c.env("NIXDEPS_NO_NIXPKGS_INDEX", "1");
    c
}

fn fixture(case: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/rules")
        .join(case)
        .join("script.py")
}

const MISSING: &str = "#!/usr/bin/env nix-shell\n#!nix-shell -i python3 -p \"python3.withPackages (ps: [ ps.requests ])\"\nimport requests\nimport yaml\n";
const CLEAN: &str = "#!/usr/bin/env nix-shell\n#!nix-shell -i python3 -p \"python3.withPackages (ps: [ ps.requests ])\"\nimport requests\n";

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn stdout_of(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn exit_status_0_1_2() {
    let t = tempfile::tempdir().unwrap();
    let clean = write(t.path(), "clean.py", CLEAN);
    let bad = write(t.path(), "bad.py", MISSING);
    nixdeps().arg("check").arg(&clean).assert().code(0);
    nixdeps().arg("check").arg(&bad).assert().code(1);
    nixdeps()
        .arg("check")
        .arg("--exit-zero")
        .arg(&bad)
        .assert()
        .code(0);
    nixdeps()
        .args(["check", "--python-version", "banana"])
        .arg(&clean)
        .assert()
        .code(2);
    nixdeps()
        .args(["check", "--select", "XX9"])
        .arg(&clean)
        .assert()
        .code(2);
    nixdeps().args(["check", "--no-such-flag"]).assert().code(2);
}

#[test]
fn missing_path_is_an_error_but_other_files_are_checked() {
    let t = tempfile::tempdir().unwrap();
    let bad = write(t.path(), "bad.py", MISSING);
    let (code, out, err) = stdout_of(
        nixdeps()
            .args(["check", "--output-format", "concise"])
            .arg(&bad)
            .arg(t.path().join("nope.py")),
    );
    assert_eq!(code, 2);
    assert!(err.contains("nope.py"), "{err}");
    assert!(out.contains("ND001"), "{out}");
}

#[test]
fn non_scripts_given_explicitly_are_skipped_silently() {
    let t = tempfile::tempdir().unwrap();
    let txt = write(t.path(), "README", "hello\n");
    let py = write(
        t.path(),
        "plain.py",
        "#!/usr/bin/env python3\nimport yaml\n",
    );
    std::fs::write(t.path().join("blob.bin"), [0u8, 1, 2, 255, 254]).unwrap();
    let (code, out, err) = stdout_of(
        nixdeps()
            .args(["check", "--output-format", "concise"])
            .arg(&txt)
            .arg(&py)
            .arg(t.path().join("blob.bin")),
    );
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(out, "");
    assert_eq!(err, "");
}

#[test]
fn directories_are_walked_and_sniffed_by_first_line() {
    let t = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(t.path().join("sub")).unwrap();
    write(&t.path().join("sub"), "noext", MISSING);
    write(t.path(), "other.py", "import yaml\n");
    let (code, out, _) = stdout_of(
        nixdeps()
            .args(["check", "--output-format", "concise"])
            .arg(t.path()),
    );
    assert_eq!(code, 1);
    assert!(out.contains("noext:4:8: ND001"), "{out}");
    assert!(!out.contains("other.py"), "{out}");
}

#[test]
fn concise_format_is_errorformat_friendly() {
    let (code, out, _) = stdout_of(
        nixdeps()
            .args(["check", "--output-format", "concise"])
            .arg(fixture("nd001-missing-dependency")),
    );
    assert_eq!(code, 1);
    let line = out.lines().next().unwrap();
    let re_ok =
        line.contains("script.py:4:8: ND001 ") && line.contains("yaml") && line.contains("pyyaml");
    assert!(re_ok, "{out}");
}

#[test]
fn json_format_has_ruff_fields() {
    let (code, out, _) = stdout_of(
        nixdeps()
            .args(["check", "--output-format", "json"])
            .arg(fixture("nd001-missing-dependency")),
    );
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let d = &v.as_array().unwrap()[0];
    for key in [
        "code",
        "message",
        "filename",
        "location",
        "end_location",
        "fix",
        "url",
        "name",
        "severity",
        "module",
        "attribute",
    ] {
        assert!(d.get(key).is_some(), "missing {key} in {d}");
    }
    assert_eq!(d["code"], "ND001");
    assert_eq!(d["location"]["row"], 4);
    assert_eq!(d["location"]["column"], 8);
    assert_eq!(d["module"], "yaml");
    assert_eq!(d["attribute"], "pyyaml");
    assert_eq!(d["fix"]["applicability"], "safe");
    assert!(!d["fix"]["edits"].as_array().unwrap().is_empty());
}

#[test]
fn sarif_github_gitlab_formats() {
    let f = fixture("nd001-missing-dependency");
    let (_, sarif, _) = stdout_of(
        nixdeps()
            .args(["check", "--output-format", "sarif"])
            .arg(&f),
    );
    let v: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    assert_eq!(v["version"], "2.1.0");
    assert_eq!(v["runs"][0]["results"][0]["ruleId"], "ND001");
    let (_, gh, _) = stdout_of(
        nixdeps()
            .args(["check", "--output-format", "github"])
            .arg(&f),
    );
    assert!(
        gh.lines()
            .any(|l| l.starts_with("::error ") && l.contains("line=4")),
        "{gh}"
    );
    let (_, gl, _) = stdout_of(
        nixdeps()
            .args(["check", "--output-format", "gitlab"])
            .arg(&f),
    );
    let v: serde_json::Value = serde_json::from_str(&gl).unwrap();
    assert!(v[0]["fingerprint"].is_string());
    assert_eq!(v[0]["check_name"], "ND001");
}

#[test]
fn output_is_identical_between_runs() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules");
    let a = nixdeps()
        .args(["check", "--output-format", "json"])
        .arg(&root)
        .output()
        .unwrap();
    let b = nixdeps()
        .args(["check", "--output-format", "json"])
        .arg(&root)
        .output()
        .unwrap();
    assert_eq!(a.stdout, b.stdout);
    assert!(!a.stdout.is_empty());
}

#[test]
fn select_and_ignore() {
    let f = fixture("nd002-unused-dependency");
    let (_, out, _) = stdout_of(
        nixdeps()
            .args(["check", "--output-format", "concise", "--select", "ND002"])
            .arg(&f),
    );
    assert!(
        out.lines().count() >= 2 && out.lines().all(|l| l.contains(" ND002 ")),
        "{out}"
    );
    let (code, out, _) = stdout_of(
        nixdeps()
            .args(["check", "--output-format", "concise", "--ignore", "ND002"])
            .arg(&f),
    );
    assert_eq!(code, 0, "{out}");
}

#[test]
fn python_version_changes_stdlib_verdict() {
    let f = fixture("nd007-removed-stdlib-module");
    let (_, out, _) = stdout_of(
        nixdeps()
            .args(["check", "--output-format", "concise"])
            .arg(&f),
    );
    assert!(out.contains("ND007"), "{out}");
    let (_, out, _) = stdout_of(
        nixdeps()
            .args([
                "check",
                "--output-format",
                "concise",
                "--python-version",
                "3.11",
            ])
            .arg(&f),
    );
    assert!(!out.contains("ND007"), "{out}");
}

#[test]
fn fix_rewrites_in_place_and_is_idempotent() {
    let t = tempfile::tempdir().unwrap();
    let p = write(t.path(), "s.py", MISSING);
    nixdeps().arg("check").arg("--fix").arg(&p).assert().code(0);
    let fixed = std::fs::read_to_string(&p).unwrap();
    assert!(fixed.contains("ps.pyyaml"), "{fixed}");
    assert!(fixed.ends_with("import requests\nimport yaml\n"));
    nixdeps().arg("fix").arg(&p).assert().code(0);
    assert_eq!(std::fs::read_to_string(&p).unwrap(), fixed);
}

#[test]
fn diff_prints_and_changes_nothing() {
    let t = tempfile::tempdir().unwrap();
    let p = write(t.path(), "s.py", MISSING);
    let (code, out, _) = stdout_of(nixdeps().arg("check").arg("--diff").arg(&p));
    assert_eq!(code, 1);
    assert!(
        out.contains("+#!nix-shell") && out.contains("ps.pyyaml"),
        "{out}"
    );
    assert_eq!(std::fs::read_to_string(&p).unwrap(), MISSING);
    let c = write(t.path(), "c.py", CLEAN);
    nixdeps()
        .arg("check")
        .arg("--diff")
        .arg(&c)
        .assert()
        .code(0);
}

#[test]
fn stdin_fix_writes_the_script_to_stdout() {
    let t = tempfile::tempdir().unwrap();
    let out = nixdeps()
        .args(["check", "--fix", "--exit-zero", "--stdin-filename"])
        .arg(t.path().join("s.py"))
        .arg("-")
        .write_stdin(MISSING)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let fixed = String::from_utf8(out.stdout).unwrap();
    assert!(
        fixed.contains("ps.pyyaml") && fixed.ends_with("import yaml\n"),
        "{fixed}"
    );
    // A non-script passes through unchanged (the formatter contract).
    let out = nixdeps()
        .args(["check", "--fix", "-"])
        .write_stdin("print(1)\n")
        .output()
        .unwrap();
    assert_eq!(out.stdout, b"print(1)\n");
    // Without --fix, diagnostics go to stdout.
    let (code, out, _) = {
        let o = nixdeps()
            .args(["check", "--output-format", "concise", "-"])
            .write_stdin(MISSING)
            .output()
            .unwrap();
        (
            o.status.code().unwrap(),
            String::from_utf8_lossy(&o.stdout).into_owned(),
            (),
        )
    };
    assert_eq!(code, 1);
    assert!(out.starts_with("-:4:8: ND001"), "{out}");
}

#[test]
fn config_file_and_no_config() {
    let t = tempfile::tempdir().unwrap();
    let p = write(t.path(), "s.py", MISSING);
    write(t.path(), "nixdeps.toml", "ignore = [\"ND001\"]\n");
    nixdeps().arg("check").arg(&p).assert().code(0);
    nixdeps()
        .arg("check")
        .arg("--no-config")
        .arg(&p)
        .assert()
        .code(1);
    let other = write(t.path(), "other.toml", "select = [\"ND002\"]\n");
    nixdeps()
        .arg("check")
        .arg("--config")
        .arg(&other)
        .arg(&p)
        .assert()
        .code(0);
    write(t.path(), "nixdeps.toml", "bogus-key = 1\n");
    let (code, _, err) = stdout_of(nixdeps().arg("check").arg(&p));
    assert_eq!(code, 2);
    assert!(
        err.contains("nixdeps.toml") && err.contains("bogus-key"),
        "{err}"
    );
}

#[test]
fn colour_only_when_asked() {
    let f = fixture("nd001-missing-dependency");
    let (_, out, _) = stdout_of(nixdeps().args(["check", "--color", "always"]).arg(&f));
    assert!(out.contains('\u{1b}'), "{out}");
    let (_, out, _) = stdout_of(nixdeps().args(["check", "--color", "never"]).arg(&f));
    assert!(!out.contains('\u{1b}'));
    let (_, out, _) = stdout_of(nixdeps().args(["check"]).env("NO_COLOR", "1").arg(&f));
    assert!(!out.contains('\u{1b}'));
}

#[test]
fn human_output_quiet_and_statistics() {
    let f = fixture("nd002-unused-dependency");
    let (_, out, _) = stdout_of(nixdeps().args(["check", "--color", "never"]).arg(&f));
    assert!(out.contains("ND002") && out.contains('^'), "{out}");
    assert!(out.contains("Found"), "summary line: {out}");
    let (_, quiet, _) = stdout_of(
        nixdeps()
            .args(["check", "--color", "never", "--quiet"])
            .arg(&f),
    );
    assert!(!quiet.contains("Found"), "{quiet}");
    let (_, stats, _) = stdout_of(nixdeps().args(["check", "--statistics"]).arg(&f));
    assert!(stats.contains("ND002") && stats.contains('2'), "{stats}");
}

#[test]
fn explain_imports_header_completions_man() {
    let (code, out, _) = stdout_of(nixdeps().args(["explain", "ND001"]));
    assert_eq!(code, 0);
    assert!(out.contains("missing-dependency") && out.contains("ModuleNotFoundError"));
    let (_, list, _) = stdout_of(nixdeps().arg("explain"));
    assert_eq!(
        list.lines().filter(|l| l.starts_with("ND")).count(),
        20,
        "{list}"
    );
    nixdeps().args(["explain", "ND999"]).assert().code(2);

    let f = fixture("contexts-optional-typing-dynamic");
    let (_, out, _) = stdout_of(nixdeps().arg("imports").arg(&f));
    assert!(
        out.contains("optional") && out.contains("type-only") && out.contains("dynamic"),
        "{out}"
    );
    let (_, out, _) = stdout_of(
        nixdeps()
            .args(["imports", "--output-format", "json"])
            .arg(&f),
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(v["imports"]
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["module"] == "requests"));

    let (code, out, _) = stdout_of(
        nixdeps()
            .arg("header")
            .arg(fixture("nd001-missing-dependency")),
    );
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(out.contains("requests"), "{v}");

    let (_, out, _) = stdout_of(nixdeps().args(["completions", "bash"]));
    assert!(out.contains("nixdeps"));
    let (_, out, _) = stdout_of(nixdeps().arg("man"));
    assert!(out.contains(".TH"));
}

#[test]
fn unsafe_fixes_only_when_asked() {
    // With an unresolved import, removing an unused package is unsafe: the
    // package may be the one that provides it.
    let t = tempfile::tempdir().unwrap();
    let text = "#!/usr/bin/env nix-shell\n#!nix-shell -i python3 -p \"python3.withPackages (ps: [ ps.requests ps.toolz ])\"\nimport requests\nimport mystery_module\n";
    let p = write(t.path(), "s.py", text);
    let (code, out, _) = stdout_of(
        nixdeps()
            .args(["check", "--fix", "--output-format", "concise"])
            .arg(&p),
    );
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("ND002") && out.contains("ND003"), "{out}");
    assert_eq!(
        std::fs::read_to_string(&p).unwrap(),
        text,
        "safe fixes only: nothing to apply"
    );
    nixdeps()
        .args(["check", "--fix", "--unsafe-fixes"])
        .arg(&p)
        .assert()
        .code(1);
    let fixed = std::fs::read_to_string(&p).unwrap();
    assert!(
        !fixed.contains("ps.toolz") && fixed.contains("ps.requests"),
        "{fixed}"
    );
}

#[test]
fn a_bom_before_the_shebang_is_reported() {
    let t = tempfile::tempdir().unwrap();
    let p = t.path().join("bom.py");
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(CLEAN.as_bytes());
    std::fs::write(&p, &bytes).unwrap();
    let (code, out, _) = stdout_of(
        nixdeps()
            .args(["check", "--output-format", "concise"])
            .arg(&p),
    );
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("bom.py:1:1: ND011") && out.contains("byte order mark"),
        "{out}"
    );
    // The same script without the BOM is clean.
    std::fs::write(&p, CLEAN).unwrap();
    nixdeps().arg("check").arg(&p).assert().code(0);
}

/// `--python-version` and the configuration's `python-version` are read by
/// one parser: every value is accepted by both or refused by both, with the
/// same reason.
#[test]
fn python_version_cli_and_config_agree() {
    let t = tempfile::tempdir().unwrap();
    let script = write(t.path(), "s.py", CLEAN);
    let cases = [
        ("3.0", true),
        ("3.8", true),
        ("3.13", true),
        // Past 3.19, which the command line used to refuse.
        ("3.20", true),
        ("3.99", true),
        (" 3.12 ", true),
        ("3.100", false),
        ("3.+1", false),
        ("3.08", false),
        ("3", false),
        ("3.x", false),
        ("banana", false),
        ("2.7", false),
        ("4.0", false),
    ];
    for (value, accepted) in cases {
        let (code, _, err) = stdout_of(
            nixdeps()
                .args(["check", "--no-config", "--python-version", value])
                .arg(&script),
        );
        let config = nixdeps::config::Config::parse(
            Path::new("/p/nixdeps.toml"),
            &format!("python-version = {value:?}\n"),
        );
        assert_eq!(code == 0, accepted, "--python-version {value:?}: {err}");
        assert_eq!(
            config.is_ok(),
            accepted,
            "python-version = {value:?}: {config:?}"
        );
        if !accepted {
            let reason = config.unwrap_err().to_string();
            let reason = reason.rsplit("`python-version`: ").next().unwrap();
            assert!(
                err.contains(reason),
                "{value:?}: CLI says {err:?}, config {reason:?}"
            );
        }
    }
}

/// `# nixdeps: ignore[…]` names codes, on an import and in the header block
/// alike: the exact code (any case) suppresses, a prefix does not (as ruff's
/// `# noqa: F4` does not suppress F401).
#[test]
fn suppression_codes_match_exactly_on_both_paths() {
    let t = tempfile::tempdir().unwrap();
    let head = "#!/usr/bin/env nix-shell\n#!nix-shell -i python3 -p \"python3.withPackages (ps: [ ps.requests ])\"\n";
    let codes = |text: &str| {
        let p = write(t.path(), "s.py", text);
        let (_, out, _) = stdout_of(
            nixdeps()
                .args(["check", "--no-config", "--output-format", "concise"])
                .arg(&p),
        );
        let mut found: Vec<String> = out
            .lines()
            .filter_map(|l| l.split(": ").nth(1))
            .filter_map(|rest| rest.split_whitespace().next())
            .map(str::to_owned)
            .collect();
        found.sort();
        found
    };
    // (text after the header, codes left): unsuppressed, requests is unused
    // (ND002) and yaml missing (ND001).
    let cases: [(&str, &[&str]); 7] = [
        ("import yaml\n", &["ND001", "ND002"]),
        // The import path (resolve stage): by code, lower case too; a prefix does nothing.
        ("import yaml  # nixdeps: ignore[nd001]\n", &["ND002"]),
        (
            "import yaml  # nixdeps: ignore[ND00]\n",
            &["ND001", "ND002"],
        ),
        ("import yaml  # nixdeps: ignore[ND]\n", &["ND001", "ND002"]),
        // The header block (whole file): the same matcher.
        ("# nixdeps: ignore[ND002]\nimport yaml\n", &["ND001"]),
        (
            "# nixdeps: ignore[ND00]\nimport yaml\n",
            &["ND001", "ND002"],
        ),
        ("# nixdeps: ignore\nimport yaml\n", &[]),
    ];
    for (rest, left) in cases {
        assert_eq!(codes(&format!("{head}{rest}")), left, "{rest:?}");
    }
    // Prefixes stay what the configuration selects with.
    let p = write(t.path(), "s.py", &format!("{head}import yaml\n"));
    let (_, out, _) = stdout_of(
        nixdeps()
            .args([
                "check",
                "--no-config",
                "--output-format",
                "concise",
                "--ignore",
                "ND00",
            ])
            .arg(&p),
    );
    assert!(!out.contains("ND00"), "{out}");
}
