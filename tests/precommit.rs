//! The pre-commit hooks, run by real `pre-commit` (PyPI) against a temporary
//! git repository: `nixdeps` fails on a script with a missing package, and
//! `nixdeps-fix` repairs it. Skips loudly without pre-commit or git, except
//! under `CI=true`, where a missing tool is a failure.

use std::path::{Path, PathBuf};
use std::process::Command;

fn tool_or_skip(program: &str, args: &[&str]) -> bool {
    let ok = Command::new(program)
        .args(args)
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !ok {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("{program} is required under CI=true (scripts/test.sh installs it)");
        }
        eprintln!("\n!!!!! SKIPPED: {program} not found; install it (scripts/test.sh does) to run the pre-commit test !!!!!\n");
    }
    ok
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.org",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A committed snapshot of the working tree (uncommitted changes included),
/// so pre-commit can clone the hook repository at a revision.
fn snapshot_of_project(into: &Path) -> String {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    for entry in [
        "Cargo.toml",
        "Cargo.lock",
        ".pre-commit-hooks.yaml",
        "src",
        "data",
        "README.md",
    ] {
        let from = root.join(entry);
        let status = Command::new("cp")
            .args(["-R"])
            .arg(&from)
            .arg(into)
            .status()
            .expect("cp runs");
        assert!(status.success(), "copy {from:?}");
    }
    git(into, &["init", "-q"]);
    git(into, &["add", "-A"]);
    git(into, &["commit", "-qm", "snapshot"]);
    let out = Command::new("git")
        .current_dir(into)
        .args(["rev-parse", "HEAD"])
        .output()
        .expect("git rev-parse");
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

fn pre_commit(dir: &Path, home: &Path, hook: &str, stage: &str) -> std::process::Output {
    Command::new("python3")
        .current_dir(dir)
        .args([
            "-m",
            "pre_commit",
            "run",
            hook,
            "--all-files",
            "--color=never",
            "--hook-stage",
            stage,
        ])
        .env("PRE_COMMIT_HOME", home)
        .env("NIXDEPS_NO_NIXPKGS_INDEX", "1")
        // Reuse one target directory across runs so the hook's `cargo install`
        // builds the project once.
        .env(
            "CARGO_TARGET_DIR",
            PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("precommit-target"),
        )
        .output()
        .expect("pre-commit runs")
}

const BAD: &str = "#!/usr/bin/env nix-shell\n#!nix-shell -i python3 -p \"python3.withPackages (ps: [ ps.requests ])\"\nimport requests\nimport yaml\n";

#[test]
fn hooks_fail_on_missing_package_and_fix_repairs_it() {
    if !tool_or_skip("git", &["--version"])
        || !tool_or_skip("python3", &["-m", "pre_commit", "--version"])
    {
        return;
    }
    let tmp = tempfile::tempdir().expect("tempdir");
    let hooks = tmp.path().join("hooks");
    let work = tmp.path().join("work");
    let home = tmp.path().join("pre-commit-home");
    std::fs::create_dir_all(&hooks).unwrap();
    std::fs::create_dir_all(&work).unwrap();
    let rev = snapshot_of_project(&hooks);

    git(&work, &["init", "-q"]);
    std::fs::write(
        work.join(".pre-commit-config.yaml"),
        format!(
            "repos:\n  - repo: {}\n    rev: {rev}\n    hooks:\n      - id: nixdeps\n      - id: nixdeps-fix\n        stages: [manual]\n",
            hooks.display()
        ),
    )
    .unwrap();
    // Not executable and no .py extension: `types: [python]` would miss it.
    std::fs::write(work.join("fetch"), BAD).unwrap();
    std::fs::write(work.join("notes.txt"), "not a script\n").unwrap();
    std::fs::write(work.join("logo.bin"), [0u8, 159, 146, 150, 0, 1]).unwrap();
    git(&work, &["add", "-A"]);

    let check = pre_commit(&work, &home, "nixdeps", "pre-commit");
    let text = String::from_utf8_lossy(&check.stdout).to_string()
        + &String::from_utf8_lossy(&check.stderr);
    assert!(!check.status.success(), "the check hook must fail:\n{text}");
    assert!(
        text.contains("ND001"),
        "the failure names the rule:\n{text}"
    );
    assert!(
        text.contains("yaml"),
        "the failure names the module:\n{text}"
    );

    let fix = pre_commit(&work, &home, "nixdeps-fix", "manual");
    let text =
        String::from_utf8_lossy(&fix.stdout).to_string() + &String::from_utf8_lossy(&fix.stderr);
    // pre-commit reports a hook that modified files as failed.
    assert!(
        !fix.status.success(),
        "the fix hook modifies the file:\n{text}"
    );
    let fixed = std::fs::read_to_string(work.join("fetch")).unwrap();
    assert!(
        fixed.contains("ps.pyyaml"),
        "fixed header declares pyyaml:\n{fixed}"
    );
    assert_eq!(
        fixed.lines().skip(2).collect::<Vec<_>>(),
        BAD.lines().skip(2).collect::<Vec<_>>(),
        "bytes outside the header are kept"
    );

    git(&work, &["add", "-A"]);
    let again = pre_commit(&work, &home, "nixdeps", "pre-commit");
    let text = String::from_utf8_lossy(&again.stdout).to_string()
        + &String::from_utf8_lossy(&again.stderr);
    assert!(
        again.status.success(),
        "after the fix the check passes:\n{text}"
    );
}
