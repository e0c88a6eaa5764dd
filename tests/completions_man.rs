//! `nixdeps completions SHELL` and `nixdeps man`, which package.nix runs at
//! build time (installShellFiles): every subcommand is in each script and in
//! the page, bash accepts its script, and a closed pipe is no panic.

use assert_cmd::Command;
use std::process::Stdio;

const SUBCOMMANDS: [&str; 8] = [
    "check",
    "fix",
    "explain",
    "imports",
    "header",
    "nixpkgs",
    "completions",
    "man",
];

fn output(args: &[&str]) -> String {
    let out = Command::cargo_bin("nixdeps")
        .unwrap()
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "nixdeps {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stderr.is_empty(), "nixdeps {args:?} wrote to stderr");
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

#[test]
fn every_shell_script_names_every_subcommand() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let script = output(&["completions", shell]);
        for sub in SUBCOMMANDS {
            assert!(script.contains(sub), "{shell} completions lack {sub}");
        }
        assert!(script.contains("output-format"), "{shell}: options too");
    }
    Command::cargo_bin("nixdeps")
        .unwrap()
        .args(["completions", "tcsh"])
        .assert()
        .code(2);
}

#[test]
fn bash_parses_the_bash_script() {
    let script = output(&["completions", "bash"]);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("nixdeps.bash");
    std::fs::write(&file, script).unwrap();
    let status = std::process::Command::new("bash")
        .arg("-n")
        .arg(&file)
        .status()
        .expect("bash runs");
    assert!(status.success(), "bash -n rejects the completion script");
}

#[test]
fn man_page_is_section_1_with_every_subcommand() {
    let page = output(&["man"]);
    let th = page
        .lines()
        .find(|l| l.starts_with(".TH "))
        .expect("a .TH line");
    assert!(th.starts_with(".TH nixdeps 1 "), "{th}");
    assert!(
        th.contains(env!("CARGO_PKG_VERSION")),
        "version in the header: {th}"
    );
    for sub in SUBCOMMANDS {
        assert!(page.contains(sub), "the page lacks {sub}");
    }
}

#[test]
fn closed_stdout_is_no_panic() {
    for args in [&["man"][..], &["completions", "zsh"][..]] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_nixdeps"))
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        let status = out.status;
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert_eq!(status.code(), Some(0), "{args:?}: {err}");
    }
}
