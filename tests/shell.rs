//! Shell nix-shell scripts (issue 13, DESIGN §15): the commands found in each construct,
//! and the rules with their fixes as snapshots (idempotence checked).

#[path = "support/shell.rs"]
mod shell_support;
#[path = "support/snapshot.rs"]
mod snapshot;

use shell_support::analyse;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn root(sub: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/shell")
        .join(sub)
}

/// The words after `# KEY:` in the script's expectation lines.
fn expected(text: &str, key: &str) -> BTreeSet<String> {
    text.lines()
        .filter_map(|l| l.strip_prefix(&format!("# {key}:")))
        .flat_map(|l| l.split_whitespace().map(str::to_owned))
        .collect()
}

#[test]
fn each_construct_finds_its_commands_and_only_those() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root("constructs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 15, "construct fixtures missing");
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let a = analyse(&text);
        let used: BTreeSet<String> = a
            .uses
            .iter()
            .filter(|u| u.via.as_deref() != Some("-i"))
            .map(|u| u.name.clone())
            .collect();
        let found = expected(&text, "found");
        let not = expected(&text, "not-commands");
        assert_eq!(
            used,
            found,
            "{}: commands found (left) differ from the expected ones",
            f.display()
        );
        let wrong: Vec<&String> = not.intersection(&used).collect();
        assert!(
            wrong.is_empty(),
            "{}: {wrong:?} are not commands",
            f.display()
        );
        let dynamic: usize = expected(&text, "dynamic")
            .iter()
            .next()
            .map_or(0, |n| n.parse().unwrap());
        assert_eq!(a.dynamic.len(), dynamic, "{}: dynamic names", f.display());
        assert!(a.errors.is_empty(), "{}: parses as bash", f.display());
    }
}

#[test]
fn rule_fixtures() {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(root("rules"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("script.sh").exists())
        .collect();
    cases.sort();
    assert!(cases.len() >= 15, "rule fixtures missing");
    for case in cases {
        let name = case.file_name().unwrap().to_string_lossy().to_string();
        insta::assert_snapshot!(name, snapshot::describe(&case.join("script.sh"), true));
    }
}

fn run(args: &[&str], dir: &Path) -> (i32, String) {
    let out = assert_cmd::Command::cargo_bin("nixdeps")
        .unwrap()
        .current_dir(dir)
        .env("NIX_PATH", "")
        .env("HOME", dir)
        .env("XDG_CACHE_HOME", dir.join("cache"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn imports_lists_the_commands_of_a_shell_script() {
    let script = root("rules").join("nd016-issue-example/script.sh");
    let (code, out) = run(&["imports", script.to_str().unwrap()], Path::new("."));
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("nix-prefetch-git  missing → nix-prefetch-git"),
        "{out}"
    );
    assert!(
        out.contains("update-source-version  declared common-updater-scripts"),
        "{out}"
    );
    assert!(out.contains("package jq  used"), "{out}");
}

#[test]
fn cli_check_fix_json_and_keep_configuration() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let text = "#!/usr/bin/env nix-shell\n#!nix-shell -i bash -p curl wget\ncurl -s x | jq .\n";
    std::fs::write(d.join("s.sh"), text).unwrap();
    let (code, out) = run(&["check", "--output-format", "json", "s.sh"], d);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let codes: Vec<(&str, &str)> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap(),
                d["attribute"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(codes, [("ND017", "wget"), ("ND016", "jq")]);
    // The configuration keeps wget; --fix then adds jq, header only, and a rerun is clean.
    std::fs::write(d.join("nixdeps.toml"), "keep = [\"wget\"]\n").unwrap();
    let (code, _) = run(&["check", "--fix", "s.sh"], d);
    assert_eq!(code, 0);
    let fixed = std::fs::read_to_string(d.join("s.sh")).unwrap();
    assert_eq!(fixed, text.replace("-p curl wget", "-p curl jq wget"));
    let (code, out) = run(&["check", "s.sh"], d);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn every_output_format_renders_shell_findings() {
    let script = root("rules").join("nd016-issue-example/script.sh");
    for format in ["human", "concise", "json", "sarif", "github", "gitlab"] {
        let (code, out) = run(
            &["check", "--output-format", format, script.to_str().unwrap()],
            Path::new("."),
        );
        assert_eq!(code, 1, "{format}: {out}");
        assert!(out.contains("ND016"), "{format}: {out}");
        assert!(out.contains("nix-prefetch-git"), "{format}: {out}");
    }
}

#[test]
fn the_users_nixpkgs_by_name_packages_resolve_commands() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let tree = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/nixpkgs-tree");
    let tree = tree.to_str().unwrap();
    let s = "#!/usr/bin/env nix-shell\n#!nix-shell -i bash -p hello-tool\nhello-cmd --greet\nfrobnicate x\n";
    std::fs::write(d.join("s.sh"), s).unwrap();
    // The embedded table knows neither command: no verdict, hello-tool looks unused.
    let (_, out) = run(
        &[
            "check",
            "--no-nixpkgs-index",
            "--output-format",
            "concise",
            "s.sh",
        ],
        d,
    );
    assert!(
        out.contains("ND018") && out.contains("`frobnicate`"),
        "{out}"
    );
    assert!(out.contains("ND017") && out.contains("hello-tool"), "{out}");
    // The tree's pkgs/by-name: hello-tool's meta.mainProgram is hello-cmd, and frobnicate is
    // a package there.
    let (_, out) = run(
        &[
            "check",
            "--nixpkgs",
            tree,
            "--output-format",
            "concise",
            "s.sh",
        ],
        d,
    );
    assert!(!out.contains("ND017"), "{out}");
    assert!(!out.contains("`hello-cmd`"), "{out}");
    assert!(
        out.contains("ND016") && out.contains("add frobnicate"),
        "{out}"
    );
    let (_, out) = run(&["check", "--nixpkgs", tree, "--diff", "s.sh"], d);
    assert!(
        out.contains("+#!nix-shell -i bash -p frobnicate hello-tool"),
        "{out}"
    );
}

#[test]
fn big_and_adversarial_shell_scripts_finish() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut s = String::from("#!/usr/bin/env nix-shell\n#!nix-shell -i bash -p curl\n");
    for _ in 0..20_000 {
        s.push_str("#!nix-shell -p jq\n");
    }
    for i in 0..20_000 {
        s.push_str(&format!(
            "curl -s x | jq . | tool{i} \"arg{i}\" && $dyn{i}\n"
        ));
    }
    s.push_str("find .");
    for _ in 0..10_000 {
        s.push_str(" -exec find .");
    }
    s.push('\n');
    s.push_str(&format!("{}x{}\n", "$(".repeat(5_000), ")".repeat(5_000)));
    std::fs::write(d.join("big.sh"), &s).unwrap();
    let (code, out) = run(&["check", "--output-format", "concise", "big.sh"], d);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("ND018") && out.contains("`tool19999`"));
    assert!(
        !out.contains("ND016") && !out.contains("ND017"),
        "jq and curl are used"
    );
}
