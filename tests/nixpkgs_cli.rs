//! The package source on the command line: `nixdeps nixpkgs`, `--nixpkgs`,
//! `--no-nixpkgs-index`, and which database `check` says it used. Every run
//! gets a machine of its own (HOME, /etc/nix, the Nix state directory and
//! the cache are temporary directories), so the real one never leaks in.

use assert_cmd::Command;
use std::fs;
use std::path::{Path, PathBuf};

const MISSING: &str = "#!/usr/bin/env nix-shell\n#!nix-shell -i python3 -p \"python3.withPackages (ps: [ ps.requests ])\"\nimport requests\nimport yaml\n";

/// The fixture tree of the index branch: `frobnicator-client` provides
/// `frob_api`, which the embedded database does not know.
fn fixture_tree() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/nixpkgs-tree")
}

struct Machine {
    dir: tempfile::TempDir,
}

impl Machine {
    fn new() -> Self {
        let m = Machine {
            dir: tempfile::tempdir().unwrap(),
        };
        fs::create_dir_all(m.path("work")).unwrap();
        m
    }

    fn root(&self) -> PathBuf {
        fs::canonicalize(self.dir.path()).unwrap()
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    fn write(&self, rel: &str, text: &str) -> PathBuf {
        let p = self.path(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(&p, text).unwrap();
        p
    }

    fn tree(&self, rel: &str) -> PathBuf {
        self.write(
            &format!("{rel}/pkgs/top-level/python-packages.nix"),
            "self: super: { }\n",
        );
        self.write(&format!("{rel}/lib/.version"), "25.05\n");
        self.write(&format!("{rel}/.git-revision"), "abc1234def567\n");
        self.path(rel)
    }

    fn nixdeps(&self) -> Command {
        let mut c = Command::cargo_bin("nixdeps").unwrap();
        for var in [
            "NIX_PATH",
            "NIX_CONFIG",
            "NIXDEPS_NO_NIXPKGS_INDEX",
            "NIXDEPS_OUTPUT_FORMAT",
            "NO_COLOR",
        ] {
            c.env_remove(var);
        }
        c.env("HOME", self.path("home"))
            .env("USER", "alice")
            .env("NIX_CONF_DIR", self.path("etc/nix"))
            .env("NIX_STATE_DIR", self.path("nix/var/nix"))
            .env("XDG_CONFIG_HOME", self.path("home/.config"))
            .env("XDG_CACHE_HOME", self.path("cache"))
            .current_dir(self.path("work"));
        c
    }

    /// Output with this machine's paths replaced, for snapshots.
    fn redact(&self, text: &str) -> String {
        text.replace(&self.root().display().to_string(), "[MACHINE]")
    }
}

fn run(c: &mut Command) -> (i32, String, String) {
    let out = c.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn nothing_resolvable_uses_the_embedded_database_quietly() {
    let m = Machine::new();
    let script = m.write("work/s.py", MISSING);
    let (code, out, err) = run(m.nixdeps().arg("check").arg(&script));
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains("checked (packages: embedded snapshot late 2025)."),
        "{out}"
    );
    assert!(
        err.is_empty(),
        "no warning when nothing is configured: {err}"
    );
}

#[test]
fn unusable_nixpkgs_is_a_warning_not_a_failure() {
    let m = Machine::new();
    let script = m.write("work/s.py", MISSING);
    for i in 0..6 {
        m.write(&format!("work/more/s{i}.py"), MISSING);
    }
    fs::create_dir_all(m.path("empty")).unwrap();
    let (code, out, err) = run(m
        .nixdeps()
        .args(["check", "--nixpkgs"])
        .arg(m.path("empty"))
        .arg(&script)
        .arg(m.path("work/more")));
    assert_eq!(
        code, 1,
        "the diagnostics decide the exit status: {out}{err}"
    );
    assert!(
        err.contains("has no pkgs/top-level/python-packages.nix"),
        "{err}"
    );
    assert!(err.contains("using the embedded package database"), "{err}");
    assert_eq!(
        err.matches("warning:").count(),
        1,
        "once per run, not per file: {err}"
    );
    assert!(
        out.contains("in 7 files checked (packages: embedded snapshot"),
        "{out}"
    );
    assert!(out.contains("(packages: embedded snapshot"), "{out}");
    // The same through the configuration key, relative to its file.
    m.write("work/nixdeps.toml", "nixpkgs = \"../empty\"\n");
    let (_, _, err) = run(m.nixdeps().arg("check").arg(&script));
    assert!(err.contains("config "), "{err}");
    assert!(err.contains("has no pkgs/top-level"), "{err}");
    // A missing --nixpkgs is named.
    let (_, _, err) = run(m
        .nixdeps()
        .args(["check", "--nixpkgs", "/nonexistent/nixpkgs"])
        .arg(&script));
    assert!(err.contains("--nixpkgs /nonexistent/nixpkgs"), "{err}");
}

#[test]
fn no_nixpkgs_index_switches_the_lookup_off() {
    let m = Machine::new();
    let script = m.write("work/s.py", MISSING);
    fs::create_dir_all(m.path("empty")).unwrap();
    let nix_path = format!("nixpkgs={}", m.path("empty").display());
    let check = |c: &mut Command| {
        let (code, out, err) = run(c.env("NIX_PATH", &nix_path).arg(&script));
        assert_eq!(code, 1);
        assert!(err.is_empty(), "the tree is not even looked at: {err}");
        assert!(out.contains("(packages: embedded snapshot"), "{out}");
    };
    check(m.nixdeps().args(["check", "--no-nixpkgs-index"]));
    check(
        m.nixdeps()
            .env("NIXDEPS_NO_NIXPKGS_INDEX", "1")
            .arg("check"),
    );
    m.write("work/nixdeps.toml", "nixpkgs-index = false\n");
    check(m.nixdeps().arg("check"));
    // The flag wins over --nixpkgs too.
    check(
        m.nixdeps()
            .args(["check", "--no-nixpkgs-index", "--nixpkgs"])
            .arg(m.path("empty")),
    );
    fs::remove_file(m.path("work/nixdeps.toml")).unwrap();
    // A false-ish value of the variable does not switch it off.
    let (_, _, err) = run(m
        .nixdeps()
        .env("NIXDEPS_NO_NIXPKGS_INDEX", "0")
        .env("NIX_PATH", &nix_path)
        .arg("check")
        .arg(&script));
    assert!(err.contains("has no pkgs/top-level"), "{err}");
}

#[test]
fn machine_formats_are_unchanged() {
    let m = Machine::new();
    let script = m.write("work/s.py", MISSING);
    let (_, out, _) = run(m
        .nixdeps()
        .args(["check", "--output-format", "json"])
        .arg(&script));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(v.is_array(), "{out}");
    let (_, out, _) = run(m
        .nixdeps()
        .args(["check", "--output-format", "concise"])
        .arg(&script));
    assert!(!out.contains("packages"), "{out}");
}

#[test]
fn nixpkgs_command_human() {
    let m = Machine::new();
    let tree = m.tree("src/nixpkgs");
    let script = m.write(
        "work/s.py",
        "#!/usr/bin/env nix-shell\n#!nix-shell -I nixpkgs=../pkgs -i python3 -p python3\nprint(1)\n",
    );
    let nix_path = format!(
        "nixos-config=/etc/nixos/configuration.nix:nixpkgs=channel:nixos-unstable:{}:nixpkgs={}",
        m.path("nowhere").display(),
        tree.display()
    );
    let (code, out, err) = run(m
        .nixdeps()
        .env("NIX_PATH", &nix_path)
        .arg("nixpkgs")
        .arg(&script));
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!("nixpkgs_human", m.redact(&out));
}

#[test]
fn nixpkgs_command_json() {
    let m = Machine::new();
    let tree = m.tree("store/abc-source");
    m.write(
        "home/.config/nix/registry.json",
        &format!(
            r#"{{"version": 2, "flakes": [{{"from": {{"type": "indirect", "id": "nixpkgs"}}, "to": {{"type": "path", "path": "{}"}}}}]}}"#,
            tree.display()
        ),
    );
    m.write("etc/nix/nix.conf", "nix-path = nixpkgs=flake:nixpkgs\n");
    let (code, out, err) = run(m.nixdeps().args(["nixpkgs", "--output-format", "json"]));
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["chosen"], tree.display().to_string());
    assert_eq!(v["label"], "25.05pre-git abc1234");
    insta::assert_snapshot!("nixpkgs_json", m.redact(&out));
}

#[test]
fn nixpkgs_command_without_anything() {
    let m = Machine::new();
    let (code, out, _) = run(m.nixdeps().arg("nixpkgs"));
    assert_eq!(code, 0);
    assert!(out.contains("Chosen: none (no <nixpkgs> found)"), "{out}");
    assert!(
        out.contains("Packages: embedded snapshot late 2025"),
        "{out}"
    );
    let (code, _, err) = run(m.nixdeps().args(["nixpkgs", "--build"]));
    assert_eq!(code, 2, "nothing to build is an error when asked to build");
    assert!(err.contains("nothing to build"), "{err}");
    let (_, out, _) = run(m.nixdeps().args(["nixpkgs", "--no-nixpkgs-index"]));
    assert!(out.contains("switched off"), "{out}");
}

const FROB: &str = "#!/usr/bin/env nix-shell\n#!nix-shell -i python3 -p \"python3.withPackages (ps: [ ps.requests ])\"\nimport requests\nimport frob_api\n";

#[test]
fn a_module_only_the_index_knows_is_unresolved_without_it() {
    let m = Machine::new();
    let script = m.write("work/s.py", FROB);
    let (_, out, _) = run(m
        .nixdeps()
        .env("NIX_PATH", format!("nixpkgs={}", fixture_tree().display()))
        .args(["check", "--no-nixpkgs-index", "--output-format", "concise"])
        .arg(&script));
    assert!(out.contains("ND003"), "{out}");
    assert!(!out.contains("frobnicator-client"), "{out}");
}

#[test]

fn a_module_only_the_index_knows_resolves_and_is_fixed() {
    let m = Machine::new();
    let script = m.write("work/s.py", FROB);
    let nix_path = format!("nixpkgs={}", fixture_tree().display());
    let (code, out, err) = run(m
        .nixdeps()
        .env("NIX_PATH", &nix_path)
        .arg("check")
        .arg(&script));
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("ND001"), "{out}");
    assert!(out.contains("frobnicator-client"), "{out}");
    assert!(out.contains("(packages: nixpkgs "), "{out}");
    assert!(err.is_empty(), "{err}");
    let (code, _, err) = run(m
        .nixdeps()
        .env("NIX_PATH", &nix_path)
        .arg("fix")
        .arg(&script));
    assert_eq!(code, 0, "{err}");
    let fixed = fs::read_to_string(&script).unwrap();
    assert!(fixed.contains("ps.frobnicator-client"), "{fixed}");
    // The second run is warm.
    let (_, out, _) = run(m
        .nixdeps()
        .env("NIX_PATH", &nix_path)
        .args(["nixpkgs", "--build"]));
    assert!(out.contains("Index: warm"), "{out}");
}

#[test]

fn nixpkgs_build_reports_the_index() {
    let m = Machine::new();
    let c = || {
        let mut c = m.nixdeps();
        c.args(["nixpkgs", "--output-format", "json", "--nixpkgs"])
            .arg(fixture_tree());
        c
    };
    let (_, before, _) = run(&mut c());
    let v: serde_json::Value = serde_json::from_str(&before).unwrap();
    assert_eq!(v["cache"]["status"], "absent", "{before}");
    let (code, out, err) = run(c().arg("--build"));
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["build"]["state"], "built", "{out}");
    assert!(v["build"]["stats"]["attrs"].as_u64().unwrap() > 0, "{out}");
    assert!(Path::new(v["build"]["cache_file"].as_str().unwrap()).starts_with(m.path("cache")));
    let (_, after, _) = run(&mut c());
    let v: serde_json::Value = serde_json::from_str(&after).unwrap();
    assert_eq!(v["cache"]["status"], "fresh", "{after}");
    assert!(
        v["packages"].as_str().unwrap().starts_with("nixpkgs "),
        "{after}"
    );
}
