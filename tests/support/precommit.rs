//! Real `pre-commit` (PyPI) and git for the hook tests. Include with
//! `#[path = "support/precommit.rs"] mod precommit;`. A missing tool skips
//! loudly, except under `CI=true`, where it is a failure.
#![allow(dead_code)] // each test crate uses a different part

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Whether `program args` runs; a loud skip message (or, under CI=true, a
/// panic) when it does not.
pub fn tool_or_skip(program: &str, args: &[&str]) -> bool {
    let ok = Command::new(program)
        .args(args)
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !ok {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("{program} is required under CI=true (scripts/test.sh installs it)");
        }
        eprintln!("\n!!!!! SKIPPED: {program} not found; install it (scripts/test.sh does) to run this test !!!!!\n");
    }
    ok
}

/// `git ARGS` in `dir` with a throwaway identity; panics on failure.
pub fn git(dir: &Path, args: &[&str]) {
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

/// The hook repository, the work repository and pre-commit's cache, made
/// under `tmp`.
pub fn dirs(tmp: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let made = ["hooks", "work", "pre-commit-home"].map(|d| tmp.join(d));
    for d in &made {
        std::fs::create_dir_all(d).unwrap();
    }
    let [hooks, work, home] = made;
    (hooks, work, home)
}

/// Copies `entries` (paths relative to `from`) into `into`, commits them as a
/// fresh repository and returns the revision, so pre-commit can clone it.
pub fn snapshot(from: &Path, entries: &[&str], into: &Path) -> String {
    for entry in entries {
        let source = from.join(entry);
        let status = Command::new("cp")
            .args(["-R"])
            .arg(&source)
            .arg(into)
            .status()
            .expect("cp runs");
        assert!(status.success(), "copy {source:?}");
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

/// A work repository with a `.pre-commit-config.yaml` using `hooks` (ids)
/// of the hook repository at `repo`/`rev`; later hooks run in the manual
/// stage only.
pub fn work_repo(work: &Path, repo: &Path, rev: &str, hooks: &[&str]) {
    git(work, &["init", "-q"]);
    let mut config = format!(
        "repos:\n  - repo: {}\n    rev: {rev}\n    hooks:\n",
        repo.display()
    );
    for (i, id) in hooks.iter().enumerate() {
        config.push_str(&format!("      - id: {id}\n"));
        if i > 0 {
            config.push_str("        stages: [manual]\n");
        }
    }
    std::fs::write(work.join(".pre-commit-config.yaml"), config).unwrap();
}

/// `python3 -m pre_commit run HOOK --all-files` in `dir`, with its cache in
/// `home` and the embedded package database (no nixpkgs of the machine).
pub fn run(
    dir: &Path,
    home: &Path,
    hook: &str,
    stage: &str,
    env: &[(&str, &std::ffi::OsStr)],
) -> Output {
    let mut c = Command::new("python3");
    c.current_dir(dir)
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
        .env("NIXDEPS_NO_NIXPKGS_INDEX", "1");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("pre-commit runs")
}

/// stdout and stderr together, for assertion messages.
pub fn text(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr)
}

/// The project's root (the hook repository of the main hooks).
pub fn project_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A script whose header misses `yaml`'s package (ND001 on line 4).
pub const BAD: &str = "#!/usr/bin/env nix-shell\n#!nix-shell -i python3 -p \"python3.withPackages (ps: [ ps.requests ])\"\nimport requests\nimport yaml\n";
