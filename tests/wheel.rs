//! The Python wheel (pyproject.toml: maturin, bindings = "bin") and the
//! `language: python` pre-commit hooks of nixdeps-pre-commit/ that install it.
//! Real maturin (PyPI) builds the wheel from this tree with the dev profile
//! in cargo's own target directory (most of it is built already; a release
//! build is the same command with --release); a fresh venv installs it
//! without an index; real pre-commit installs the mirror's hook with no cargo
//! or rustc on PATH and no package index (pip's find-links: the wheel and the
//! setuptools wheel virtualenv ships, which pre-commit's venv creation
//! already uses). Skips loudly without the tools; fails under `CI=true`.

#[path = "support/precommit.rs"]
mod precommit;

use precommit::{git, project_root, text, tool_or_skip, BAD};
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::Command;

fn cargo_version() -> String {
    let manifest: toml::Table = std::fs::read_to_string(project_root().join("Cargo.toml"))
        .unwrap()
        .parse()
        .unwrap();
    manifest["package"]["version"].as_str().unwrap().to_string()
}

/// `python3 -c CODE ARGS…`'s stdout.
fn python(code: &str, args: &[&OsStr]) -> String {
    let out = Command::new("python3")
        .arg("-c")
        .arg(code)
        .args(args)
        .output()
        .expect("python3 runs");
    assert!(out.status.success(), "python3 -c {code}: {}", text(&out));
    String::from_utf8(out.stdout).unwrap()
}

/// PATH with no Rust toolchain: a directory holding cargo or rustc is
/// replaced by a copy of it (links, under `shadow`) without the Rust tools,
/// so that git and Python beside them stay reachable.
fn path_without_rust(shadow: &Path) -> OsString {
    let rust = |name: &str| {
        ["cargo", "rustc", "rustup", "rustdoc", "rust-"]
            .iter()
            .any(|t| name.starts_with(t))
    };
    let dirs: Vec<PathBuf> = std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .enumerate()
        .map(|(i, d)| {
            if !d.join("cargo").exists() && !d.join("rustc").exists() {
                return d;
            }
            let copy = shadow.join(i.to_string());
            std::fs::create_dir_all(&copy).unwrap();
            for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
                let name = e.file_name();
                if !rust(&name.to_string_lossy()) {
                    let _ = std::os::unix::fs::symlink(e.path(), copy.join(&name));
                }
            }
            copy
        })
        .collect();
    std::env::join_paths(dirs).unwrap()
}

fn build_wheel(out_dir: &Path) -> PathBuf {
    let started = std::time::Instant::now();
    let out = Command::new("maturin")
        .args(["build", "--profile", "dev", "--locked", "--out"])
        .arg(out_dir)
        .arg("--manifest-path")
        .arg(project_root().join("Cargo.toml"))
        .output()
        .expect("maturin runs");
    assert!(out.status.success(), "maturin build: {}", text(&out));
    eprintln!("maturin build took {:.1?}", started.elapsed());
    let wheels: Vec<PathBuf> = std::fs::read_dir(out_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "whl"))
        .collect();
    assert_eq!(wheels.len(), 1, "one wheel: {wheels:?}");
    wheels[0].clone()
}

#[test]
fn wheel_carries_the_binary_and_the_python_hook_installs_it_offline() {
    if !tool_or_skip("maturin", &["--version"])
        || !tool_or_skip("python3", &["-m", "venv", "--help"])
        || !tool_or_skip("git", &["--version"])
        || !tool_or_skip("python3", &["-m", "pre_commit", "--version"])
    {
        return;
    }
    let version = cargo_version();
    let tmp = tempfile::tempdir().unwrap();
    let wheels = tmp.path().join("wheels");
    std::fs::create_dir(&wheels).unwrap();
    let wheel = build_wheel(&wheels);

    // What the wheel holds: the binary as a script, this version's metadata.
    let listing = python(
        "import sys, zipfile; print('\\n'.join(zipfile.ZipFile(sys.argv[1]).namelist()))",
        &[wheel.as_os_str()],
    );
    let script = format!("nixdeps-{version}.data/scripts/nixdeps");
    assert!(
        listing.lines().any(|l| l == script),
        "no {script}:\n{listing}"
    );
    assert!(
        !listing.lines().any(|l| l.ends_with(".rs")),
        "sources in the wheel:\n{listing}"
    );
    let metadata = python(
        "import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); \
         print(z.read(next(n for n in z.namelist() if n.endswith('.dist-info/METADATA'))).decode())",
        &[wheel.as_os_str()],
    );
    assert!(metadata.contains("Name: nixdeps\n"), "{metadata}");
    assert!(
        metadata.contains(&format!("Version: {version}\n")),
        "{metadata}"
    );

    // A fresh venv installs it from the file alone and runs it.
    let venv = tmp.path().join("venv");
    let made = Command::new("python3")
        .args(["-m", "venv"])
        .arg(&venv)
        .output()
        .unwrap();
    assert!(made.status.success(), "{}", text(&made));
    let pip = Command::new(venv.join("bin/python"))
        .args([
            "-m",
            "pip",
            "install",
            "--no-index",
            "--disable-pip-version-check",
        ])
        .arg(&wheel)
        .env("PATH", path_without_rust(&tmp.path().join("no-rust-path")))
        .output()
        .unwrap();
    assert!(pip.status.success(), "pip install: {}", text(&pip));
    let exe = venv.join("bin/nixdeps");
    let v = Command::new(&exe).arg("--version").output().unwrap();
    assert_eq!(text(&v).trim(), format!("nixdeps {version}"));
    let bad = tmp.path().join("fetch.py");
    std::fs::write(&bad, BAD).unwrap();
    let check = Command::new(&exe)
        .arg("check")
        .arg(&bad)
        .env("NIXDEPS_NO_NIXPKGS_INDEX", "1")
        .output()
        .unwrap();
    assert_eq!(check.status.code(), Some(1), "{}", text(&check));
    assert!(text(&check).contains("ND001"), "{}", text(&check));

    // The mirror pins this very version.
    let mirror = project_root().join("nixdeps-pre-commit");
    let pyproject: toml::Table = std::fs::read_to_string(mirror.join("pyproject.toml"))
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(
        pyproject["project"]["dependencies"].as_array().unwrap(),
        &vec![toml::Value::from(format!("nixdeps=={version}"))]
    );

    // pre-commit installs the python hook offline, without a Rust toolchain.
    let (hooks, work, home) = precommit::dirs(tmp.path());
    let rev = precommit::snapshot(
        &mirror,
        &[".pre-commit-hooks.yaml", "pyproject.toml", "README.md"],
        &hooks,
    );
    precommit::work_repo(&work, &hooks, &rev, &["nixdeps", "nixdeps-fix"]);
    std::fs::write(work.join("fetch"), BAD).unwrap();
    git(&work, &["add", "-A"]);

    let seed = python(
        "import os, virtualenv; print(os.path.join(os.path.dirname(virtualenv.__file__), 'seed', 'wheels', 'embed'))",
        &[],
    );
    let mut find_links = wheels.clone().into_os_string();
    find_links.push(" ");
    find_links.push(seed.trim());
    let path = path_without_rust(&tmp.path().join("no-rust-path"));
    let no_cargo = Command::new("sh")
        .args(["-c", "command -v cargo || command -v rustc"])
        .env("PATH", &path)
        .output()
        .unwrap();
    assert!(
        !no_cargo.status.success(),
        "cargo still on PATH: {}",
        text(&no_cargo)
    );
    let nowhere = tmp.path().join("no-rust");
    let env: [(&str, &OsStr); 6] = [
        ("PATH", &path),
        ("PIP_NO_INDEX", OsStr::new("1")),
        ("PIP_FIND_LINKS", &find_links),
        ("PIP_DISABLE_PIP_VERSION_CHECK", OsStr::new("1")),
        ("CARGO_HOME", nowhere.as_os_str()),
        ("RUSTUP_HOME", nowhere.as_os_str()),
    ];
    let run = precommit::run(&work, &home, "nixdeps", "pre-commit", &env);
    let out = text(&run);
    assert!(!run.status.success(), "the check hook must fail:\n{out}");
    assert!(
        out.contains("ND001") && out.contains("yaml"),
        "the hook reports the missing package:\n{out}"
    );
    // The hook's environment got the binary from the wheel.
    let installed: Vec<PathBuf> = walk(&home)
        .into_iter()
        .filter(|p| p.ends_with("bin/nixdeps"))
        .collect();
    assert_eq!(installed.len(), 1, "one nixdeps in {home:?}: {installed:?}");
    let same = python(
        "import sys, zipfile; \
         print(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]) == open(sys.argv[3], 'rb').read())",
        &[
            wheel.as_os_str(),
            OsStr::new(&script),
            installed[0].as_os_str(),
        ],
    );
    assert_eq!(same.trim(), "True", "the hook runs the wheel's binary");

    let fix = precommit::run(&work, &home, "nixdeps-fix", "manual", &env);
    assert!(!fix.status.success(), "the fix hook modifies the file");
    let fixed = std::fs::read_to_string(work.join("fetch")).unwrap();
    assert!(fixed.contains("ps.pyyaml"), "{fixed}\n{}", text(&fix));
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            match e.file_type() {
                Ok(t) if t.is_dir() => stack.push(p),
                Ok(_) => found.push(p),
                Err(_) => {}
            }
        }
    }
    found
}
