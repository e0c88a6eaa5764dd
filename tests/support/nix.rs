//! Real Nix as a test oracle (issue 2 item 7; what works is recorded in nix-oracle.md §1–§3).
//!
//! Use it from a test file with
//!
//! ```ignore
//! #[path = "support/nix.rs"]
//! mod nix;
//!
//! let Some(nix) = nix::oracle() else { return };   // skipped loudly locally, panics under CI=true
//! nix.parse_packages(&words)?;                       // is the -p text valid Nix?
//! let attrs = nix::python_attrs(&nix.eval_inputs(&words)?); // what withPackages received
//! let run = nix.run_script(path, &["arg"]);          // real nix-shell, shebang mode
//! let run = nix.run_text("x.py", &text, &[("helper.py", "…")], &[]); // same, from a string
//! assert_eq!(run.missing_module().as_deref(), Some("requests"));
//! ```
//!
//! (`#[path]` rather than `mod support;` so each test crate pulls in just this file; Cargo does
//! not treat `tests/support/` as a test crate because it has no `main.rs`.)
//!
//! Everything runs against the stub nixpkgs in `fixtures/nix-stub/` (see its `default.nix` for
//! its semantics: `python3` is 3.13, only declared packages are importable). Nix 2.8 (Debian) is
//! what runs here; its `#!nix-shell` word splitting differs from Nix ≥ 2.19 in the ways listed
//! in nix-oracle.md §4, so headers fed to [`Nix::run_script`] should stay in the common subset.
#![allow(dead_code)] // each test crate uses a different part of the oracle

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use serde::Deserialize;

/// Seconds a single nix-shell run may take (a lone trailing `\` hangs Nix 2.8).
const TIMEOUT_SECS: &str = "30";

/// Handle on the installed Nix tools and the project's stub nixpkgs.
#[derive(Debug, Clone)]
pub struct Nix {
    pub stub: PathBuf,
    pub version: String,
}

/// One element of the shell's input list, as the stub describes it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Input {
    /// `python-env` (a withPackages result), `python-package` (`python3Packages.x`),
    /// `python` (an interpreter such as `python3`), `package` (`ffmpeg`, `nix.out`),
    /// or `other` (anything else: a string, a function, ...).
    pub kind: String,
    /// Python version label ("3.13", "3.11" for pypy3), absent for non-Python inputs.
    #[serde(default)]
    pub version: Option<String>,
    /// Attribute name for `python-package`, `package`; `python3`/`pypy3` for `python`.
    #[serde(default)]
    pub pname: Option<String>,
    /// The attributes a withPackages received (`python-env` only).
    #[serde(default)]
    pub packages: Vec<String>,
    /// For `other`: the Nix type.
    #[serde(default, rename = "type")]
    pub type_: Option<String>,
}

/// The stub's "eval" report: what nix-shell's evaluation of the header produced.
#[derive(Debug, Clone, Deserialize)]
pub struct Report {
    pub inputs: Vec<Input>,
    /// `{prefix, path}` entries: the header's `-I` entries come before NIX_PATH's.
    #[serde(rename = "nixPath")]
    pub nix_path: Vec<NixPathEntry>,
    /// `impure`, or `pure` with `--pure`.
    #[serde(rename = "inNixShell")]
    pub in_nix_shell: String,
    /// Names of the arguments nixpkgs' top-level function got (values with NIXDEPS_STUB_ARGS=1).
    #[serde(rename = "autoArgs")]
    pub auto_args: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct NixPathEntry {
    pub prefix: String,
    pub path: String,
}

/// The stub interpreter's "exec" report: how the script was finally started.
#[derive(Debug, Clone, Deserialize)]
pub struct Exec {
    /// The Python tag that ran ("3.13", "pypy3.11").
    pub python: String,
    /// The stub executable behind it (`python3.13`, `pypy3`).
    pub exe: String,
    /// The name `-i` used (`python3`, `python`, `pypy3`, ...).
    pub argv0: String,
    /// Interpreter flags from `-i`, then the script path, then the script's arguments.
    pub args: Vec<String>,
    #[serde(rename = "IN_NIX_SHELL")]
    pub in_nix_shell: Option<String>,
}

/// The result of a real `nix-shell SCRIPT ARGS…` run.
#[derive(Debug, Clone)]
pub struct RunOutput {
    /// Exit code; `None` when killed by a signal. 124 means the timeout hit.
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    /// Eval stage: present once nix-shell evaluated the header and sourced the stub's setup.
    pub eval: Option<Report>,
    /// Exec stage: present once the `-i` interpreter started.
    pub exec: Option<Exec>,
    /// The stub package commands that ran, in order (each stub records its call).
    pub commands: Vec<String>,
}

impl RunOutput {
    pub fn success(&self) -> bool {
        self.code == Some(0)
    }

    /// The commands the run could not find: bash's `NAME: command not found`, dash's
    /// `sh: 3: NAME: not found`, and the wrappers' `xargs: NAME: No such file or directory`,
    /// `timeout: failed to run command 'NAME': …`, `find: 'NAME': …`.
    pub fn not_found(&self) -> BTreeSet<String> {
        let quotes: &[char] = &['\'', '"', '‘', '’', '`'];
        self.stderr
            .lines()
            .filter(|l| !l.starts_with("error:"))
            .filter_map(|l| {
                [
                    ": command not found",
                    ": not found",
                    ": No such file or directory",
                ]
                .iter()
                .find_map(|end| l.strip_suffix(end))
            })
            .filter_map(|l| l.rsplit(": ").next())
            .map(|n| {
                n.trim_start_matches("failed to run command ")
                    .trim_matches(quotes)
            })
            .map(str::to_owned)
            .collect()
    }

    /// The module of the Python `ModuleNotFoundError: No module named 'x.y'`, if the script
    /// died of one.
    pub fn missing_module(&self) -> Option<String> {
        let marker = "ModuleNotFoundError: No module named '";
        let rest = &self.stderr[self.stderr.rfind(marker)? + marker.len()..];
        Some(rest[..rest.find('\'')?].to_string())
    }
}

/// The oracle, or `None` (with a loud message) when Nix is not installed.
/// Under `CI=true` a missing Nix is a failure, never a skip.
pub fn oracle() -> Option<Nix> {
    static FOUND: OnceLock<Result<Nix, String>> = OnceLock::new();
    match FOUND.get_or_init(find) {
        Ok(nix) => Some(nix.clone()),
        Err(why) => {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("real-Nix oracle unavailable under CI=true: {why}");
            }
            eprintln!(
                "\n!!!!!! SKIPPING real-Nix test: {why}\n!!!!!! install it with \
                 `apt-get install -y nix-bin` (scripts/test.sh does)\n"
            );
            None
        }
    }
}

fn find() -> Result<Nix, String> {
    let stub = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/nix-stub");
    if !stub.join("default.nix").is_file() {
        return Err(format!("stub nixpkgs missing at {}", stub.display()));
    }
    let mut version = String::new();
    for tool in ["nix-instantiate", "nix-shell"] {
        let out = Command::new(tool)
            .arg("--version")
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("`{tool} --version` could not run: {e}"))?;
        if !out.status.success() {
            return Err(format!("`{tool} --version` failed: {}", lossy(&out.stderr)));
        }
        version = lossy(&out.stdout).trim().to_string();
    }
    Ok(Nix { stub, version })
}

/// The expression nix-shell builds from its `-p` words (nix-build.cc, same in 2.8 and master).
pub fn packages_expression(words: &[String]) -> String {
    let mut e = String::from(
        "{...}@args: with import <nixpkgs> args; (pkgs.runCommandCC or pkgs.runCommand) \"shell\" { buildInputs = [ ",
    );
    for w in words {
        e.push('(');
        e.push_str(w);
        e.push_str(") ");
    }
    e.push_str("]; } \"\"");
    e
}

/// Attributes of every Python package among the inputs (withPackages elements and
/// `python3Packages.x` words), as a sorted set.
pub fn python_attrs(inputs: &[Input]) -> BTreeSet<String> {
    let mut set = BTreeSet::new();
    for i in inputs {
        match i.kind.as_str() {
            "python-env" => set.extend(i.packages.iter().cloned()),
            "python-package" => set.extend(i.pname.clone()),
            _ => {}
        }
    }
    set
}

/// Python versions among the inputs ("3.13", ...).
pub fn python_versions(inputs: &[Input]) -> BTreeSet<String> {
    inputs
        .iter()
        .filter(|i| i.kind.starts_with("python"))
        .filter_map(|i| i.version.clone())
        .collect()
}

impl Nix {
    /// A command with a clean environment steered only by us: no user NIX_PATH, config or
    /// store leaks into a test, and nothing outside `tmp` is written.
    fn command(&self, program: &str, tmp: &Path) -> Command {
        // Absolute paths: a shell test hides the host's PATH from the child.
        let mut c = Command::new(which("timeout"));
        c.arg(TIMEOUT_SECS).arg(which(program));
        c.env_clear()
            .env(
                "PATH",
                std::env::var_os("PATH").unwrap_or_else(|| "/usr/bin:/bin".into()),
            )
            .env("LANG", "C.UTF-8")
            .env("HOME", tmp)
            .env("TMPDIR", tmp)
            .env("NIX_CONF_DIR", tmp)
            .env("NIX_PATH", format!("nixpkgs={}", self.stub.display()))
            .env("NIX_CONFIG", "download-attempts = 1")
            .stdin(Stdio::null());
        c
    }

    /// `nix-instantiate --parse` of the exact expression nix-shell builds from these `-p`
    /// words. `Err` carries Nix's message (`syntax error, unexpected …`).
    pub fn parse_packages(&self, words: &[String]) -> Result<(), String> {
        self.parse_expr(&packages_expression(words))
    }

    /// `nix-instantiate --parse` of any expression (the flake form's `--expr` text, a
    /// `shell.nix`). Nix 2.8 also rejects unbound names here, so wrap free-standing
    /// package names in `with import <nixpkgs> {}; …` first.
    pub fn parse_expr(&self, expr: &str) -> Result<(), String> {
        let tmp = tempdir()?;
        let out = self
            .command("nix-instantiate", tmp.path())
            .args(["--store", "dummy://", "--parse", "-E", expr])
            .output()
            .map_err(|e| format!("nix-instantiate: {e}"))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(lossy(&out.stderr).trim().to_string())
        }
    }

    /// Evaluates the `-p` words against the stub and returns the shell's inputs (what
    /// withPackages received, which Python version, other packages). The words are first
    /// parsed exactly as nix-shell would see them; an unknown attribute is Nix's own error.
    pub fn eval_inputs(&self, words: &[String]) -> Result<Vec<Input>, String> {
        self.parse_packages(words)?;
        let tmp = tempdir()?;
        // Newlines keep a `#` comment inside a word from swallowing our wrapper (the parse
        // above already rejected what nix-shell itself would reject).
        let expr = format!(
            "let d = (\n{}\n) {{}}; in (builtins.fromJSON d.nixdepsReport).inputs",
            packages_expression(words)
        );
        let out = self
            .command("nix-instantiate", tmp.path())
            .args(["--store", "dummy://", "--eval", "--strict", "--json", "-I"])
            .arg(format!("nixpkgs={}", self.stub.display()))
            .arg("-E")
            .arg(expr)
            .output()
            .map_err(|e| format!("nix-instantiate: {e}"))?;
        if !out.status.success() {
            return Err(lossy(&out.stderr).trim().to_string());
        }
        serde_json::from_slice(&out.stdout)
            .map_err(|e| format!("bad stub report {:?}: {e}", lossy(&out.stdout)))
    }

    /// `nix-instantiate --eval --strict --json` of any expression (no store, clean
    /// environment), decoded. `Err` carries Nix's message.
    pub fn eval_json<T: serde::de::DeserializeOwned>(&self, expr: &str) -> Result<T, String> {
        let tmp = tempdir()?;
        let out = self
            .command("nix-instantiate", tmp.path())
            .args([
                "--store", "dummy://", "--eval", "--strict", "--json", "-E", expr,
            ])
            .output()
            .map_err(|e| format!("nix-instantiate: {e}"))?;
        if !out.status.success() {
            return Err(lossy(&out.stderr).trim().to_string());
        }
        serde_json::from_slice(&out.stdout)
            .map_err(|e| format!("bad JSON from Nix {:?}: {e}", lossy(&out.stdout)))
    }

    /// Runs real `nix-shell SCRIPT ARGS…` in shebang mode (the header lines are split by Nix
    /// itself), then the script under the stub Python. Private store, fresh TMPDIR/HOME,
    /// null stdin, a timeout. Never fails: inspect `code`, `stderr`, `eval`, `exec`.
    pub fn run_script(&self, script: &Path, args: &[&str]) -> RunOutput {
        self.run_script_in(script, args, false)
    }

    /// Like [`Nix::run_script`], for shell scripts: the host's PATH is replaced, so a command
    /// is found only when the stub's stdenv or a declared package provides it (nix-shell
    /// appends the caller's PATH in impure mode), or when a machine running nix-shell has it:
    /// Nix's own commands, `sudo` (a stand-in that runs its arguments with the caller's PATH,
    /// as NixOS's does), and `rm`, which nix-shell's rc file runs before stdenv is set up.
    pub fn run_shell_script(&self, script: &Path) -> RunOutput {
        self.run_script_in(script, &[], true)
    }

    fn run_script_in(&self, script: &Path, args: &[&str], hide_path: bool) -> RunOutput {
        let tmp = match tempdir() {
            Ok(t) => t,
            Err(e) => return RunOutput::error(e),
        };
        let report = tmp.path().join("report.jsonl");
        let mut cmd = self.command("nix-shell", tmp.path());
        if hide_path {
            let bin = tmp.path().join("host-bin");
            if let Err(e) = host_bin(&bin) {
                return RunOutput::error(format!("cannot prepare {}: {e}", bin.display()));
            }
            cmd.env("PATH", &bin).current_dir(tmp.path());
        }
        let out = cmd
            .env("NIX_BUILD_SHELL", self.stub.join("bash-only/bash"))
            .env("NIX_REMOTE", tmp.path().join("store"))
            .env("NIXDEPS_REPORT", &report)
            .arg(script)
            .args(args)
            .output();
        let out = match out {
            Ok(o) => o,
            Err(e) => return RunOutput::error(format!("nix-shell: {e}")),
        };
        let mut run = RunOutput {
            code: out.status.code(),
            stdout: lossy(&out.stdout),
            stderr: lossy(&out.stderr),
            eval: None,
            exec: None,
            commands: Vec::new(),
        };
        let lines = std::fs::read_to_string(&report).unwrap_or_default();
        for line in lines.lines() {
            let v: serde_json::Value = match serde_json::from_str(line) {
                Ok(v) => v,
                Err(e) => {
                    run.stderr
                        .push_str(&format!("\n[oracle] bad report line {line:?}: {e}"));
                    continue;
                }
            };
            match v.get("stage").and_then(|s| s.as_str()) {
                Some("eval") => run.eval = serde_json::from_value(v).ok(),
                Some("exec") => run.exec = serde_json::from_value(v).ok(),
                Some("command") => run
                    .commands
                    .extend(v.get("name").and_then(|n| n.as_str()).map(str::to_owned)),
                _ => {}
            }
        }
        run
    }

    /// Writes `contents` as `dir/name` in a fresh directory (siblings may be added through
    /// `siblings`: `(relative path, contents)`) and runs it like [`Nix::run_script`].
    pub fn run_text(
        &self,
        name: &str,
        contents: &str,
        siblings: &[(&str, &str)],
        args: &[&str],
    ) -> RunOutput {
        let dir = match tempdir() {
            Ok(d) => d,
            Err(e) => return RunOutput::error(e),
        };
        for (path, text) in std::iter::once((name, contents)).chain(siblings.iter().copied()) {
            let p = dir.path().join(path);
            let written = p
                .parent()
                .map_or(Ok(()), std::fs::create_dir_all)
                .and_then(|()| std::fs::write(&p, text));
            if let Err(e) = written {
                return RunOutput::error(format!("cannot write {}: {e}", p.display()));
            }
        }
        self.run_script(&dir.path().join(name), args)
    }

    /// The eval-stage report real nix-shell produced for this script (its inputs after Nix's
    /// own header splitting), or Nix's error when evaluation did not get that far.
    pub fn shell_report(&self, script: &Path) -> Result<Report, String> {
        let run = self.run_script(script, &[]);
        run.eval.ok_or_else(|| {
            format!(
                "nix-shell produced no eval report (exit {:?}): {}",
                run.code,
                run.stderr.trim()
            )
        })
    }
}

impl RunOutput {
    fn error(msg: String) -> Self {
        RunOutput {
            code: None,
            stdout: String::new(),
            stderr: msg,
            eval: None,
            exec: None,
            commands: Vec::new(),
        }
    }
}

/// The PATH directory of a machine that runs nix-shell (see [`Nix::run_shell_script`]).
fn host_bin(bin: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::{symlink, PermissionsExt};
    std::fs::create_dir_all(bin)?;
    symlink("/bin/rm", bin.join("rm"))?;
    for name in [
        "nix",
        "nix-build",
        "nix-instantiate",
        "nix-store",
        "nix-env",
        "nix-hash",
        "nix-prefetch-url",
        "nix-shell",
    ] {
        let real = which(name);
        if real.is_absolute() {
            symlink(real, bin.join(name))?;
        }
    }
    let sudo = bin.join("sudo");
    std::fs::write(&sudo, "#!/bin/sh\nexec \"$@\"\n")?;
    std::fs::set_permissions(&sudo, std::fs::Permissions::from_mode(0o755))
}

/// `program` found on this process's PATH (as given when it is not there).
fn which(program: &str) -> PathBuf {
    std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .map(|d| d.join(program))
        .find(|p| p.is_file())
        .unwrap_or_else(|| PathBuf::from(program))
}

fn tempdir() -> Result<tempfile::TempDir, String> {
    tempfile::Builder::new()
        .prefix("nixdeps-oracle.")
        .tempdir()
        .map_err(|e| format!("cannot create a temporary directory: {e}"))
}

fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}
