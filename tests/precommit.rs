//! The pre-commit hooks, run by real `pre-commit` (PyPI) against a temporary
//! git repository: `nixdeps` fails on a script with a missing package, and
//! `nixdeps-fix` repairs it. Skips loudly without pre-commit or git, except
//! under `CI=true`, where a missing tool is a failure.

#[path = "support/precommit.rs"]
mod precommit;

use precommit::{git, project_root, text, tool_or_skip, BAD};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

fn pre_commit(dir: &Path, home: &Path, hook: &str, stage: &str) -> std::process::Output {
    // Reuse one target directory across runs so the hook's `cargo install`
    // builds the project once.
    let target = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("precommit-target");
    precommit::run(
        dir,
        home,
        hook,
        stage,
        &[("CARGO_TARGET_DIR", OsStr::new(&target))],
    )
}

#[test]
fn hooks_fail_on_missing_package_and_fix_repairs_it() {
    if !tool_or_skip("git", &["--version"])
        || !tool_or_skip("python3", &["-m", "pre_commit", "--version"])
    {
        return;
    }
    let tmp = tempfile::tempdir().expect("tempdir");
    let (hooks, work, home) = precommit::dirs(tmp.path());
    // A committed snapshot of the working tree (uncommitted changes included).
    let rev = precommit::snapshot(
        &project_root(),
        &[
            "Cargo.toml",
            "Cargo.lock",
            ".pre-commit-hooks.yaml",
            "src",
            "data",
            "README.md",
        ],
        &hooks,
    );

    precommit::work_repo(&work, &hooks, &rev, &["nixdeps", "nixdeps-fix"]);
    // Not executable and no .py extension: `types: [python]` would miss it.
    std::fs::write(work.join("fetch"), BAD).unwrap();
    std::fs::write(work.join("notes.txt"), "not a script\n").unwrap();
    std::fs::write(work.join("logo.bin"), [0u8, 159, 146, 150, 0, 1]).unwrap();
    git(&work, &["add", "-A"]);

    let check = pre_commit(&work, &home, "nixdeps", "pre-commit");
    let out = text(&check);
    assert!(!check.status.success(), "the check hook must fail:\n{out}");
    assert!(out.contains("ND001"), "the failure names the rule:\n{out}");
    assert!(out.contains("yaml"), "the failure names the module:\n{out}");

    let fix = pre_commit(&work, &home, "nixdeps-fix", "manual");
    let out = text(&fix);
    // pre-commit reports a hook that modified files as failed.
    assert!(
        !fix.status.success(),
        "the fix hook modifies the file:\n{out}"
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
    let out = text(&again);
    assert!(
        again.status.success(),
        "after the fix the check passes:\n{out}"
    );
}
