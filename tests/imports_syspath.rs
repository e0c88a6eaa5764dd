//! Directories a script adds to `sys.path` (fixtures/imports/syspath): each
//! computable form is followed as a first-party root; a change that is not
//! computable from `__file__` and string literals is named, not guessed.

use nixdeps::check::{check_text, FixMode, Settings};
use nixdeps::header::PyVersion;
use nixdeps::imports::{analyze, Analysis, Class};
use std::path::{Path, PathBuf};

const PY313: PyVersion = PyVersion {
    major: 3,
    minor: 13,
};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/imports/syspath")
}

fn analysed(script: &str) -> (PathBuf, Analysis) {
    let path = dir().join(script);
    let text = std::fs::read_to_string(&path).unwrap();
    let a = analyze(Some(&path), &text, PY313, &[]);
    assert!(a.errors.is_empty(), "{script}: {:?}", a.errors);
    (path, a)
}

fn class_of<'a>(a: &'a Analysis, module: &str) -> &'a Class {
    &a.imports
        .iter()
        .find(|n| n.import.module == module)
        .unwrap_or_else(|| panic!("no import of {module}"))
        .class
}

/// What the checked script reports, as `CODE message` lines.
fn diagnostics(script: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(script).unwrap();
    check_text(&text, Some(script), &Settings::default(), FixMode::Off)
        .unwrap()
        .unwrap()
        .diagnostics
        .iter()
        .map(|d| format!("{} {}", d.code, d.message))
        .collect()
}

#[test]
fn computable_forms_are_followed_as_first_party_roots() {
    let forms = [
        ("append-join/script.py", "append-join/lib", 5),
        ("variable/script.py", "variable/lib", 8),
        ("pathlib-parent/script.py", "pathlib-parent/lib", 5),
        ("pathlib-parents/bin/script.py", "pathlib-parents/lib", 5),
        ("addsitedir/script.py", "addsitedir/lib", 5),
        ("normpath-up/bin/script.py", "normpath-up/lib", 5),
        ("extend-joinpath/script.py", "extend-joinpath/lib", 5),
    ];
    for (script, lib, line) in forms {
        let (path, a) = analysed(script);
        let lib = std::fs::canonicalize(dir().join(lib)).unwrap();
        let entry = &a.sys_path[..];
        assert_eq!(entry.len(), 1, "{script}: {entry:?}");
        assert_eq!(entry[0].line, line, "{script}");
        assert_eq!(
            entry[0]
                .directory
                .as_deref()
                .map(|d| std::fs::canonicalize(d).unwrap()),
            Some(lib.clone()),
            "{script}: {:?}",
            entry[0].not_followed
        );
        match class_of(&a, "helper") {
            Class::FirstParty { path: Some(p) } => {
                assert_eq!(
                    std::fs::canonicalize(p).unwrap(),
                    lib.join("helper.py"),
                    "{script}"
                )
            }
            other => panic!("{script}: helper is {other:?}"),
        }
        // The helper's own import counts as the script's.
        let requests = a
            .imports
            .iter()
            .find(|n| n.import.module == "requests")
            .unwrap_or_else(|| panic!("{script}: helper.py was not followed"));
        assert_eq!(requests.class, Class::ThirdParty);
        assert!(requests.file.as_ref().unwrap().ends_with("lib/helper.py"));
        assert!(
            diagnostics(&path).is_empty(),
            "{script}: {:?}",
            diagnostics(&path)
        );
    }
}

#[test]
fn the_nur_ci_tool_follows_ci_and_counts_aiohttp_as_used() {
    let (path, a) = analysed("nur/tools/update-nur.py");
    assert!(
        matches!(class_of(&a, "nur"), Class::FirstParty { path: Some(p) } if p.ends_with("ci/nur")),
        "{:?}",
        class_of(&a, "nur")
    );
    // `from .update import update` in ci/nur/__init__.py leads to update.py.
    let aiohttp = a
        .imports
        .iter()
        .find(|n| n.import.module == "aiohttp")
        .expect("ci/nur/update.py's import of aiohttp");
    assert!(aiohttp.file.as_ref().unwrap().ends_with("ci/nur/update.py"));
    let found = diagnostics(&path);
    assert!(found.is_empty(), "no false ND002/ND003: {found:?}");
}

#[test]
fn changes_that_cannot_be_computed_are_named_not_guessed() {
    let cases = [
        ("environment/script.py", 5, "__file__"),
        ("relative-literal/script.py", 4, "relative"),
        ("missing-dir/script.py", 5, "does not exist"),
    ];
    for (script, line, why) in cases {
        let (path, a) = analysed(script);
        let entry = a.unfollowed_sys_path().expect("an unfollowed change");
        assert_eq!(entry.line, line, "{script}");
        assert!(
            entry.not_followed.as_deref().unwrap().contains(why),
            "{script}: {entry:?}"
        );
        // `lib/helper.py` exists next to the script, but nixdeps does not
        // guess that the change adds it.
        assert_eq!(*class_of(&a, "helper"), Class::ThirdParty, "{script}");
        let found = diagnostics(&path);
        let nd003 = found
            .iter()
            .find(|d| {
                (d.starts_with("ND003") || d.starts_with("ND001")) && d.contains("\"helper\"")
            })
            .unwrap_or_else(|| panic!("{script}: {found:?}"));
        assert!(
            nd003.contains(&format!(
                "the sys.path change on line {line} could not be followed"
            )),
            "{script}: {nd003}"
        );
    }
}

#[test]
fn the_imports_command_notes_the_unfollowed_change() {
    let out = assert_cmd::Command::cargo_bin("nixdeps")
        .unwrap()
        .env("NIXDEPS_NO_NIXPKGS_INDEX", "1")
        .args(["imports"])
        .arg(dir().join("environment/script.py"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(
        stdout.lines().any(|l| l.contains("helper")
            && l.contains("note: the sys.path change on line 5 could not be followed")),
        "{stdout}"
    );
}

#[test]
fn a_script_read_from_stdin_has_no_file_to_follow_from() {
    let text = "import os, sys\nsys.path.insert(0, os.path.dirname(__file__))\nimport helper\n";
    let a = analyze(None, text, PY313, &[]);
    let entry = a.unfollowed_sys_path().unwrap();
    assert_eq!(entry.line, 2);
    assert!(entry
        .not_followed
        .as_deref()
        .unwrap()
        .contains("standard input"));
}

#[test]
fn a_file_without_sys_path_changes_has_none() {
    let a = analyze(
        None,
        "import sys\nprint(sys.path)\nx = sys.path[0]\n",
        PY313,
        &[],
    );
    assert!(a.sys_path.is_empty(), "{:?}", a.sys_path);
    let a = analyze(
        None,
        "import sys\nsys.path = ['x'] + sys.path\n",
        PY313,
        &[],
    );
    assert_eq!(a.sys_path.len(), 1, "an assignment to sys.path is a change");
    assert!(a.sys_path[0].directory.is_none());
}
