//! Real uv as the oracle for `# /// script` fixes (issue 10): for every fixture under
//! `fixtures/rules/` with a `uv-resolves.txt`, nixdeps fixes the script, and `uv lock --script`
//! (offline, against stub wheels this test builds) must read the fixed block and resolve exactly
//! the distributions that file lists, written by hand from the script's imports.
//!
//! uv comes from PyPI (`pip install uv`, scripts/test.sh); without it the test is skipped loudly,
//! and under CI=true it fails instead.

#[path = "support/tool.rs"]
mod tool;

use nixdeps::check::{check_text, FixMode, Settings};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn uv() -> Option<String> {
    tool::require("uv", "real-uv test", "python3 -m pip install uv")
}

/// Minimal wheels (a package, METADATA, WHEEL, an empty RECORD), version 99.0 so that any lower
/// bound of a fixture holds, one per distribution, written
/// by Python's zipfile: uv needs nothing more to lock them.
fn build_wheels(dir: &Path, names: &BTreeSet<String>) {
    const WHEEL: &str = r#"
import os, sys, zipfile
out = sys.argv[1]
for name in sys.argv[2:]:
    norm = name.replace("-", "_")
    info = f"{norm}-99.0.dist-info"
    with zipfile.ZipFile(os.path.join(out, f"{norm}-99.0-py3-none-any.whl"), "w") as z:
        z.writestr(f"{norm}/__init__.py", "")
        z.writestr(f"{info}/METADATA", f"Metadata-Version: 2.1\nName: {name}\nVersion: 99.0\n")
        z.writestr(f"{info}/WHEEL", "Wheel-Version: 1.0\nGenerator: nixdeps-test\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
        z.writestr(f"{info}/RECORD", "")
"#;
    let status = Command::new("python3")
        .arg("-c")
        .arg(WHEEL)
        .arg(dir)
        .args(names)
        .status()
        .expect("python3 runs (uv from PyPI needs it anyway)");
    assert!(status.success(), "building stub wheels failed");
}

fn cases() -> Vec<(PathBuf, BTreeSet<String>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules");
    let mut out: Vec<(PathBuf, BTreeSet<String>)> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter_map(|dir| {
            let want = std::fs::read_to_string(dir.join("uv-resolves.txt")).ok()?;
            Some((dir, want.split_whitespace().map(str::to_owned).collect()))
        })
        .collect();
    out.sort();
    out
}

/// The package names of a `uv lock` lock file.
fn locked(lock: &str) -> BTreeSet<String> {
    let doc: toml::Value = toml::from_str(lock).expect("uv writes TOML");
    doc.get("package")
        .and_then(|p| p.as_array())
        .into_iter()
        .flatten()
        .filter_map(|p| p.get("name")?.as_str().map(str::to_owned))
        .collect()
}

#[test]
fn uv_resolves_exactly_what_the_fixed_block_intends() {
    let cases = cases();
    assert!(cases.len() >= 8, "uv fixtures missing");
    let Some(version) = uv() else { return };
    eprintln!("real-uv test with {version}");
    let tmp = tempfile::tempdir().unwrap();
    let wheels = tmp.path().join("wheels");
    std::fs::create_dir(&wheels).unwrap();
    let all: BTreeSet<String> = cases.iter().flat_map(|(_, w)| w.iter().cloned()).collect();
    build_wheels(&wheels, &all);
    let python = Command::new("python3")
        .args(["-c", "import sys; print(sys.executable)"])
        .output()
        .unwrap();
    let python = String::from_utf8_lossy(&python.stdout).trim().to_owned();
    for (dir, want) in &cases {
        let name = dir.file_name().unwrap().to_string_lossy();
        let text = std::fs::read_to_string(dir.join("script.py")).unwrap();
        let fixed = check_text(&text, None, &Settings::default(), FixMode::Apply)
            .unwrap()
            .unwrap();
        assert_ne!(fixed.text, text, "{name}: nixdeps fixed nothing");
        let script = tmp.path().join(format!("{name}.py"));
        std::fs::write(&script, &fixed.text).unwrap();
        let out = Command::new("uv")
            .args(["lock", "--script"])
            .arg(&script)
            .args(["--offline", "--no-index", "--find-links"])
            .arg(&wheels)
            // Locking needs an interpreter but not one that satisfies requires-python (uv
            // warns): the one that built the wheels, never a download.
            .arg("--python")
            .arg(&python)
            .arg("--no-python-downloads")
            .env("UV_CACHE_DIR", tmp.path().join("cache"))
            .env("UV_NO_CONFIG", "1")
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{name}: uv lock failed on the fixed script:\n{}\n{}",
            String::from_utf8_lossy(&out.stderr),
            fixed.text
        );
        let lock = std::fs::read_to_string(tmp.path().join(format!("{name}.py.lock"))).unwrap();
        assert_eq!(&locked(&lock), want, "{name}: uv resolved\n{}", fixed.text);
    }
}
