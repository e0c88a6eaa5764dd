//! package.nix, flake.nix and nix/git-hooks.nix under real Nix (2.8 here),
//! evaluated against the stand-in nixpkgs in fixtures/nix-dist-stub/ (its
//! README says what is real there and what is not). No nixpkgs source and no
//! binary cache are reachable offline, so nothing here builds a derivation:
//! the stub's buildRustPackage returns its arguments, and the tests assert
//! those. What is real: Nix's parser and evaluator, `lib.importTOML`'s
//! fromTOML, the source filter, which builtins.path applies to copy the
//! source into a private store (the tests list what landed there), and the
//! flake machinery (`nix eval` of the flake with its nixpkgs input overridden
//! by a local path, which locks without the network).
//!
//! Each test works on a copy of the project in which target/, fuzz/corpus/
//! and bench/out/ are planted, so leaving them out of `src` is checked even on
//! a clean checkout. Skips loudly without Nix; fails under `CI=true`.

#[path = "support/nix.rs"]
mod nix;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const SYSTEMS: [&str; 4] = [
    "x86_64-linux",
    "aarch64-linux",
    "x86_64-darwin",
    "aarch64-darwin",
];

struct Project {
    tmp: tempfile::TempDir,
    /// The copy of the project (with planted build output).
    tree: PathBuf,
    /// A private local store (`--store`); store paths live under it.
    store: PathBuf,
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn cargo_package() -> toml::Table {
    let text = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
    let manifest: toml::Table = text.parse().unwrap();
    manifest["package"].as_table().unwrap().clone()
}

fn copy(from: &Path, to: &Path) {
    let status = Command::new("cp")
        .arg("-R")
        .arg(from)
        .arg(to)
        .status()
        .expect("cp runs");
    assert!(status.success(), "copy {from:?} to {to:?}");
}

fn plant(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// The project copied without its own build output, then planted with some.
fn project() -> Option<Project> {
    nix::oracle()?;
    if !nix_cli_works() {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("the `nix` command is required under CI=true (nix-bin provides it)");
        }
        eprintln!("\n!!!!!! SKIPPING: `nix --version` does not run (nix-bin provides it)\n");
        return None;
    }
    let tmp = tempfile::Builder::new()
        .prefix("nixdeps-dist.")
        .tempdir()
        .unwrap();
    let tree = tmp.path().join("tree");
    std::fs::create_dir(&tree).unwrap();
    for entry in std::fs::read_dir(root()).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        match name.to_str().unwrap() {
            "target" | ".git" => {}
            "fuzz" => {
                std::fs::create_dir(tree.join("fuzz")).unwrap();
                for sub in std::fs::read_dir(entry.path()).unwrap() {
                    let sub = sub.unwrap();
                    if !matches!(
                        sub.file_name().to_str().unwrap(),
                        "corpus" | "target" | "artifacts"
                    ) {
                        copy(&sub.path(), &tree.join("fuzz"));
                    }
                }
            }
            _ => copy(&entry.path(), &tree),
        }
    }
    plant(&tree.join("target/release/nixdeps"), "build output\n");
    plant(&tree.join("fuzz/corpus/imports/seed-1"), "import os\n");
    plant(&tree.join("bench/out/run.json"), "{}\n");
    let store = tmp.path().join("store");
    Some(Project { tmp, tree, store })
}

fn nix_cli_works() -> bool {
    Command::new("nix")
        .arg("--version")
        .stdin(Stdio::null())
        .output()
        .is_ok_and(|o| o.status.success())
}

impl Project {
    /// A Nix command with nothing of the user's: clean environment, private
    /// store and state, bounded in time.
    fn command(&self, program: &str) -> Command {
        let mut c = Command::new("timeout");
        c.arg("120").arg(program);
        c.env_clear()
            .env(
                "PATH",
                std::env::var_os("PATH").unwrap_or_else(|| "/usr/bin:/bin".into()),
            )
            .env("LANG", "C.UTF-8")
            .env("HOME", self.tmp.path())
            .env("TMPDIR", self.tmp.path())
            .env("NIX_CONF_DIR", self.tmp.path())
            .env("NIX_CONFIG", "download-attempts = 1")
            .arg("--store")
            .arg(&self.store)
            .current_dir(&self.tree)
            .stdin(Stdio::null());
        c
    }

    fn run_json(&self, mut c: Command) -> Result<Value, String> {
        let out = c.output().expect("nix runs");
        if !out.status.success() {
            return Err(String::from_utf8_lossy(&out.stderr).into_owned());
        }
        serde_json::from_slice(&out.stdout).map_err(|e| {
            format!(
                "bad JSON from Nix ({e}): {}",
                String::from_utf8_lossy(&out.stdout)
            )
        })
    }

    /// `nix-instantiate --eval --strict --json`, in the project copy, in
    /// read-write mode so that sources really are copied into the store.
    fn eval(&self, expr: &str) -> Result<Value, String> {
        let mut c = self.command("nix-instantiate");
        c.args([
            "--read-write-mode",
            "--eval",
            "--strict",
            "--json",
            "-E",
            expr,
        ]);
        self.run_json(c)
    }

    fn eval_ok(&self, expr: &str) -> Value {
        self.eval(expr).unwrap_or_else(|e| panic!("{expr}\n{e}"))
    }

    /// `nix eval` of a flake output of the project copy, nixpkgs being the
    /// stub (a path input, locked offline; no lock file is written). Pure
    /// evaluation, as `nix build` and `nix flake check` do.
    fn flake(&self, attr: &str, apply: Option<&str>) -> Value {
        self.flake_eval(attr, apply, false)
    }

    fn flake_eval(&self, attr: &str, apply: Option<&str>, impure: bool) -> Value {
        let mut c = self.command("nix");
        c.args([
            "--extra-experimental-features",
            "nix-command flakes",
            "eval",
            "--json",
            "--no-write-lock-file",
            "--override-input",
            "nixpkgs",
        ])
        .arg(format!("path:{}", self.stub().display()))
        .arg(format!("path:{}#{attr}", self.tree.display()));
        if let Some(f) = apply {
            c.args(["--apply", f]);
        }
        if impure {
            c.arg("--impure");
        }
        self.run_json(c)
            .unwrap_or_else(|e| panic!("nix eval {attr} {apply:?}\n{e}"))
    }

    fn stub(&self) -> PathBuf {
        self.tree.join("fixtures/nix-dist-stub")
    }

    /// Where a store path of the private store is on disk.
    fn on_disk(&self, store_path: &str) -> PathBuf {
        self.store.join(store_path.trim_start_matches('/'))
    }
}

fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} is no string in {v}"))
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("no list: {v}"))
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

/// Every `#[test]` function of the test crates: (file, name, text up to the
/// next test).
fn test_functions(tree: &Path) -> Vec<(String, String, String)> {
    let mut found = Vec::new();
    let mut files: Vec<PathBuf> = std::fs::read_dir(tree.join("tests"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .collect();
    files.sort();
    for path in files {
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let starts: Vec<usize> = (0..lines.len())
            .filter(|&i| lines[i].trim() == "#[test]")
            .collect();
        for (k, &start) in starts.iter().enumerate() {
            let end = starts.get(k + 1).copied().unwrap_or(lines.len());
            let body = lines[start..end].join("\n");
            let signature = lines[start..end]
                .iter()
                .find_map(|l| l.trim().strip_prefix("fn "))
                .unwrap_or_else(|| panic!("{file}:{}: no fn after #[test]", start + 1));
            let name: String = signature
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            found.push((file.clone(), name, body));
        }
    }
    found
}

#[test]
fn package_nix_builds_from_cargo_toml_with_a_limited_src() {
    let Some(p) = project() else { return };
    for file in ["package.nix", "flake.nix", "nix/git-hooks.nix"] {
        let mut c = p.command("nix-instantiate");
        c.arg("--parse").arg(file);
        let out = c.output().unwrap();
        assert!(
            out.status.success(),
            "{file} does not parse: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let v = p.eval_ok(
        r#"let
             pkgs = import ./fixtures/nix-dist-stub { };
             d = pkgs.callPackage ./package.nix { };
           in {
             inherit (d) pname version checkFlags postInstall stub;
             src = "${d.src}";
             lockFile = toString d.cargoLock.lockFile;
             lockExists = builtins.pathExists d.cargoLock.lockFile;
             inputs = map (x: x.name) d.nativeBuildInputs;
             meta = d.meta // { license = d.meta.license.spdxId; };
           }"#,
    );
    let cargo = cargo_package();
    assert_eq!(str_of(&v, "stub"), "buildRustPackage");
    assert_eq!(str_of(&v, "pname"), "nixdeps");
    assert_eq!(str_of(&v, "version"), cargo["version"].as_str().unwrap());
    assert_eq!(v["lockExists"], true, "{v}");
    assert_eq!(
        PathBuf::from(str_of(&v, "lockFile")),
        p.tree.join("Cargo.lock")
    );
    assert_eq!(strings(&v["inputs"]), ["install-shell-files"]);
    let meta = &v["meta"];
    assert_eq!(str_of(meta, "mainProgram"), "nixdeps");
    assert_eq!(str_of(meta, "license"), "MIT");
    assert_eq!(cargo["license"].as_str(), Some("MIT"));
    assert_eq!(
        str_of(meta, "description"),
        cargo["description"].as_str().unwrap()
    );

    // What builtins.path copied, on disk in the private store.
    let src = p.on_disk(str_of(&v, "src"));
    assert!(src.is_dir(), "no source at {src:?}");
    for needed in [
        "Cargo.toml",
        "Cargo.lock",
        "src/main.rs",
        "src/lib.rs",
        "data/deps.tsv",
        "tests/cli.rs",
        "fixtures/rules",
        "benches/imports.rs",
        "fuzz/src/lib.rs",
    ] {
        assert!(src.join(needed).exists(), "src lacks {needed}");
    }
    for left_out in [
        "target",
        "fuzz/corpus",
        "bench",
        "scripts",
        "README.md",
        "flake.nix",
    ] {
        assert!(
            p.tree.join(left_out).exists(),
            "{left_out} should be in the copy"
        );
        assert!(!src.join(left_out).exists(), "src holds {left_out}");
    }
    assert_eq!(
        std::fs::read(src.join("Cargo.lock")).unwrap(),
        std::fs::read(p.tree.join("Cargo.lock")).unwrap()
    );

    // The completion and man commands postInstall runs exist and succeed.
    let post = str_of(&v, "postInstall");
    let mut shells = Vec::new();
    for (i, _) in post.match_indices("nixdeps completions ") {
        let rest = &post[i + "nixdeps completions ".len()..];
        shells.push(rest[..rest.find(')').unwrap()].to_string());
    }
    assert_eq!(shells, ["bash", "fish", "zsh"], "{post}");
    assert!(
        post.contains("installShellCompletion --cmd nixdeps"),
        "{post}"
    );
    assert!(post.contains("nixdeps man > nixdeps.1"), "{post}");
    assert!(post.contains("installManPage nixdeps.1"), "{post}");
    for args in shells
        .iter()
        .map(|s| vec!["completions", s.as_str()])
        .chain([vec!["man"]])
    {
        let out = Command::new(env!("CARGO_BIN_EXE_nixdeps"))
            .args(&args)
            .output()
            .unwrap();
        assert!(
            out.status.success() && !out.stdout.is_empty(),
            "nixdeps {args:?}"
        );
    }

    // Every skipped test exists, is matched by its name alone (a --skip is a
    // substring filter), and every real-Nix test is skipped.
    let tests = test_functions(&p.tree);
    let skipped: Vec<String> = strings(&v["checkFlags"])
        .into_iter()
        .map(|f| {
            f.strip_prefix("--skip=")
                .unwrap_or_else(|| panic!("not a --skip: {f}"))
                .to_string()
        })
        .collect();
    for name in &skipped {
        let matched: Vec<&str> = tests
            .iter()
            .filter(|(_, t, _)| t.contains(name.as_str()))
            .map(|(f, t, _)| if t == name { f.as_str() } else { t.as_str() })
            .collect();
        assert_eq!(
            matched.len(),
            1,
            "--skip={name} must match exactly one test: {matched:?}"
        );
        assert!(
            matched[0].ends_with(".rs"),
            "--skip={name} skips {matched:?}"
        );
    }
    for (file, name, body) in &tests {
        let needs_nix = [
            "oracle()",
            "project()",
            // A program started by name; a test that merely mentions the
            // word (a shebang assertion) runs nothing.
            "command(\"nix-",
            "Command::new(\"nix-",
        ]
        .iter()
        .any(|call| body.contains(call));
        assert!(
            !needs_nix || skipped.contains(name),
            "{file}: {name} runs real Nix but package.nix does not skip it"
        );
    }
    assert!(tests.len() > 300, "only {} tests found", tests.len());
}

#[test]
fn flake_outputs_wire_the_package_app_overlay_shell_and_checks() {
    let Some(p) = project() else { return };
    let cargo = cargo_package();
    let version = cargo["version"].as_str().unwrap();

    let top = p.eval_ok("let f = import ./flake.nix; in { inherit (f) description inputs; }");
    assert!(
        str_of(&top, "description").contains("no flake.lock"),
        "{top}"
    );
    assert_eq!(
        top["inputs"]
            .as_object()
            .unwrap()
            .keys()
            .collect::<Vec<_>>(),
        ["nixpkgs"]
    );
    assert!(!root().join("flake.lock").exists());

    for system in SYSTEMS {
        let pkgs = p.flake(
            &format!("packages.{system}"),
            Some("ps: builtins.mapAttrs (_: d: { inherit (d) pname version; }) ps"),
        );
        for name in ["default", "nixdeps"] {
            assert_eq!(pkgs[name]["pname"], "nixdeps", "{system}: {pkgs}");
            assert_eq!(pkgs[name]["version"], version, "{system}: {pkgs}");
        }
        let app = p.flake(&format!("apps.{system}.default"), None);
        assert_eq!(app["type"], "app");
        let out = p.flake(&format!("packages.{system}.default"), Some("d: d.outPath"));
        assert_eq!(
            str_of(&app, "program"),
            format!("{}/bin/nixdeps", out.as_str().unwrap())
        );
    }

    // The overlay, applied by the stub as nixpkgs applies overlays (impure:
    // the stub is imported by its path).
    let overlaid = p.flake_eval(
        "overlays.default",
        Some(&format!(
            "ov: let pkgs = import {} {{ overlays = [ ov ]; }}; in {{ inherit (pkgs.nixdeps) pname version; }}",
            p.stub().display()
        )),
        true,
    );
    assert_eq!(overlaid["pname"], "nixdeps");
    assert_eq!(overlaid["version"], version);

    let shell = p.flake(
        "devShells.x86_64-linux.default",
        Some("s: { packages = map (x: x.name) s.packages; from = map (x: x.pname) s.inputsFrom; }"),
    );
    assert_eq!(
        strings(&shell["packages"]),
        [
            "cargo",
            "rustc",
            "clippy",
            "rustfmt",
            "rust-analyzer",
            "nix"
        ]
    );
    assert_eq!(strings(&shell["from"]), ["nixdeps"]);

    let checks = p.flake(
        "checks.x86_64-linux",
        Some(
            "c: { names = builtins.attrNames c; package = c.package.pname; \
             clippy = { inherit (c.clippy) pname buildPhase installPhase doCheck; \
                         inputs = map (x: x.name) c.clippy.nativeBuildInputs; }; \
             fmt = c.fmt.script; examples = c.examples.script; }",
        ),
    );
    assert_eq!(
        strings(&checks["names"]),
        ["clippy", "examples", "fmt", "package"]
    );
    assert_eq!(checks["package"], "nixdeps");
    let clippy = &checks["clippy"];
    assert!(
        str_of(clippy, "buildPhase")
            .contains("cargo clippy --all-targets --locked --offline -- -D warnings"),
        "{clippy}"
    );
    assert_eq!(clippy["doCheck"], false);
    assert_eq!(
        strings(&clippy["inputs"]),
        ["install-shell-files", "clippy"]
    );
    assert!(str_of(&checks, "fmt").contains("cargo fmt --all -- --check"));
    assert!(str_of(&checks, "examples").contains("nixdeps check examples"));

    let formatter = p.flake("formatter.x86_64-linux", Some("f: f.name"));
    assert_eq!(formatter, "nixfmt-tree");
    let module = p.flake("gitHooksModules.default", Some("m: toString m"));
    assert!(
        module.as_str().unwrap().ends_with("/nix/git-hooks.nix"),
        "{module}"
    );
}

/// The module evaluated by the stub's evalModules with a stand-in for
/// git-hooks.nix's hookModule; `user` is a module (Nix text).
fn hook(p: &Project, user: &str, pick: &str) -> Result<Value, String> {
    p.eval(&format!(
        r#"let
             lib = import ./fixtures/nix-dist-stub/lib.nix;
             pkgs = import ./fixtures/nix-dist-stub {{ }};
             ev = lib.evalModules {{
               modules = [ ./nix/git-hooks.nix ({user}) ];
               args = {{ inherit pkgs; hookModule = ./fixtures/nix-dist-stub/hook-module.nix; }};
             }};
             h = ev.config.hooks.nixdeps;
           in {pick}"#
    ))
}

#[test]
fn git_hooks_module_builds_its_entry_from_typed_settings() {
    let Some(p) = project() else { return };
    let pkg = p.eval_ok(
        "let pkgs = import ./fixtures/nix-dist-stub { }; in (pkgs.callPackage ./package.nix { }).outPath",
    );
    let exe = format!("{}/bin/nixdeps", pkg.as_str().unwrap());

    let d = hook(
        &p,
        "{ hooks.nixdeps.enable = true; }",
        "{ inherit (h) enable name entry types settings; pname = h.package.pname; }",
    )
    .unwrap();
    assert_eq!(d["enable"], true);
    assert_eq!(d["name"], "nixdeps");
    assert_eq!(d["pname"], "nixdeps");
    assert_eq!(str_of(&d, "entry"), format!("{exe} check"));
    assert_eq!(strings(&d["types"]), ["text"]);
    assert_eq!(
        d["settings"],
        serde_json::json!({"fix": false, "select": [], "ignore": []})
    );

    let s = hook(
        &p,
        r#"{ hooks.nixdeps = { enable = true; settings = { fix = true; select = [ "ND001" "ND00" ]; ignore = [ "ND002" "ALL" ]; }; }; }"#,
        "h.entry",
    )
    .unwrap();
    assert_eq!(
        s.as_str().unwrap(),
        format!("{exe} fix --select=ND001,ND00 --ignore=ND002,ALL")
    );

    // The package is a default: another one is used as given, and so are types.
    let other = hook(
        &p,
        r#"{ hooks.nixdeps = { enable = true; package = { outPath = "/nix/store/x-mine"; meta.mainProgram = "nixdeps"; }; types = [ "python" ]; }; }"#,
        "{ inherit (h) entry types; }",
    )
    .unwrap();
    assert_eq!(
        str_of(&other, "entry"),
        "/nix/store/x-mine/bin/nixdeps check"
    );
    assert_eq!(strings(&other["types"]), ["python"]);

    // The overlay's nixdeps, when applied, is the default package.
    let overlaid = p
        .eval(
            r#"let
                 lib = import ./fixtures/nix-dist-stub/lib.nix;
                 pkgs = import ./fixtures/nix-dist-stub {
                   overlays = [ (final: prev: { nixdeps = { outPath = "/nix/store/y-overlaid"; meta.mainProgram = "nixdeps"; }; }) ];
                 };
                 ev = lib.evalModules {
                   modules = [ ./nix/git-hooks.nix { hooks.nixdeps.enable = true; } ];
                   args = { inherit pkgs; hookModule = ./fixtures/nix-dist-stub/hook-module.nix; };
                 };
               in ev.config.hooks.nixdeps.entry"#,
        )
        .unwrap();
    assert_eq!(overlaid, "/nix/store/y-overlaid/bin/nixdeps check");

    // The settings' types, and values they refuse.
    let types = hook(
        &p,
        "{ }",
        r#"let
             sub = lib.evalModules {
               modules = ev.options.hooks.nixdeps.type.modules;
               args = { inherit pkgs; name = "nixdeps"; };
             };
             o = sub.options.settings;
             t = x: { name = x.type.name; elem = x.type.nestedTypes.elemType.name or null; default = x.default; };
           in {
             outer = ev.options.hooks.nixdeps.type.name;
             fix = t o.fix; select = t o.select; ignore = t o.ignore;
           }"#,
    )
    .unwrap();
    assert_eq!(types["outer"], "submodule");
    assert_eq!(types["fix"]["name"], "bool");
    assert_eq!(types["fix"]["default"], false);
    for list in ["select", "ignore"] {
        assert_eq!(types[list]["name"], "listOf", "{types}");
        assert!(
            str_of(&types[list], "elem").starts_with("strMatching"),
            "{types}"
        );
        assert_eq!(types[list]["default"], serde_json::json!([]));
    }
    for bad in [
        r#"settings.select = [ "missing-dependency" ];"#,
        r#"settings.ignore = [ "XX1" ];"#,
        r#"settings.select = "ND001";"#,
        r#"settings.fix = "yes";"#,
    ] {
        let err = hook(
            &p,
            &format!("{{ hooks.nixdeps = {{ enable = true; {bad} }}; }}"),
            "h.entry",
        )
        .expect_err(bad);
        assert!(err.contains("is not of type"), "{bad}: {err}");
    }
}

/// Runs a check's builder script as the sandbox would, with store paths
/// mapped into the private store and `PATH` holding what its inputs give.
fn run_script(p: &Project, script: &str, path_front: &[&Path]) -> std::process::Output {
    let store_root = p.store.join("nix/store");
    let script = script.replace("/nix/store/", &format!("{}/", store_root.display()));
    let work = tempfile::tempdir_in(p.tmp.path()).unwrap();
    let mut path = std::env::join_paths(path_front).unwrap();
    path.push(":");
    path.push(std::env::var_os("PATH").unwrap_or_default());
    Command::new("bash")
        .args(["-euo", "pipefail", "-c", &script])
        .current_dir(work.path())
        .env("PATH", path)
        .env("out", work.path().join("out"))
        .env("TMPDIR", work.path())
        .env("NIXDEPS_NO_NIXPKGS_INDEX", "1")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

#[test]
fn flake_checks_scripts_pass_on_this_tree() {
    let Some(p) = project() else { return };
    let scripts = p.flake(
        "checks.x86_64-linux",
        Some("c: { fmt = c.fmt.script; examples = c.examples.script; env = c.examples.env.NIXDEPS_NO_NIXPKGS_INDEX; }"),
    );
    assert_eq!(scripts["env"], "1");
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_nixdeps"));
    let bin_dir = bin.parent().unwrap();
    let text = |o: &std::process::Output| {
        String::from_utf8_lossy(&o.stdout).to_string() + &String::from_utf8_lossy(&o.stderr)
    };

    let examples = str_of(&scripts, "examples");
    let ok = run_script(&p, examples, &[bin_dir]);
    assert!(ok.status.success(), "examples check: {}", text(&ok));

    // The same check fails on examples that carry no fault.
    let store_path = examples
        .split_whitespace()
        .find(|w| w.starts_with("/nix/store/") && w.ends_with("-examples"))
        .expect("the examples' store path");
    let clean = p.tmp.path().join("clean-examples");
    copy(&p.on_disk(store_path), &clean);
    let writable = Command::new("chmod")
        .args(["-R", "u+w"])
        .arg(&clean)
        .status()
        .unwrap();
    assert!(writable.success());
    let fixed = Command::new(&bin)
        .arg("fix")
        .arg(&clean)
        .env("NIXDEPS_NO_NIXPKGS_INDEX", "1")
        .output()
        .unwrap();
    assert!(fixed.status.success(), "{}", text(&fixed));
    let bad = run_script(
        &p,
        &examples.replace(store_path, clean.to_str().unwrap()),
        &[bin_dir],
    );
    assert!(!bad.status.success(), "clean examples must fail the check");
    assert!(text(&bad).contains("want 1"), "{}", text(&bad));

    let fmt = str_of(&scripts, "fmt");
    let ok = run_script(&p, fmt, &[]);
    assert!(ok.status.success(), "fmt check: {}", text(&ok));
}
