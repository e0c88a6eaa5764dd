//! Real Nix proves the fixes: for every rule fixture that `--fix` changes,
//! the fixed header is valid Nix, real `nix-shell` (Nix's own header
//! splitting, stub nixpkgs) hands withPackages exactly the attributes
//! nixdeps' model says the header declares, and the fixed script gets past
//! its imports, where the original died of `ModuleNotFoundError` when
//! nixdeps reported a missing package.

#[path = "support/nix.rs"]
mod nix;

use nixdeps::check::{check_text, FixMode, Settings};
use std::collections::BTreeSet;
use std::path::PathBuf;

fn stub_attrs() -> BTreeSet<String> {
    let p =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/nix-stub/python-packages.json");
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap();
    v.as_object().unwrap().keys().cloned().collect()
}

/// Top-level modules the stub provides for `attrs`.
fn stub_modules(attrs: &BTreeSet<String>) -> BTreeSet<String> {
    let p =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/nix-stub/python-packages.json");
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap();
    attrs
        .iter()
        .filter_map(|a| v.get(a).and_then(|m| m.as_array()))
        .flatten()
        .filter_map(|m| m.as_str())
        .map(|m| m.split('.').next().unwrap_or(m).to_owned())
        .collect()
}

#[test]
fn fixed_headers_declare_what_nixdeps_meant_under_real_nix_shell() {
    let Some(nix) = nix::oracle() else { return };
    let known = stub_attrs();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    cases.sort();
    let mut proved = 0;
    for case in cases {
        let script = case.join("script.py");
        let Ok(text) = std::fs::read_to_string(&script) else {
            continue;
        };
        let settings = Settings::default();
        let Some(before) = check_text(&text, Some(&script), &settings, FixMode::Off).unwrap()
        else {
            continue;
        };
        let Some(after) = check_text(&text, Some(&script), &settings, FixMode::Apply).unwrap()
        else {
            continue;
        };
        if after.text == text {
            continue;
        }
        let header = nixdeps::header::parse(&after.text).unwrap();
        if header.kind == nixdeps::header::HeaderKind::Uv {
            // No nix-shell in a `uv run` shebang: tests/pep723_uv.rs runs real uv on it.
            continue;
        }
        let meant: BTreeSet<String> = header.declarations.iter().map(|d| d.attr.clone()).collect();
        if !meant.is_subset(&known) {
            eprintln!(
                "{}: skipped, the stub lacks {:?}",
                case.display(),
                meant.difference(&known).collect::<Vec<_>>()
            );
            continue;
        }
        // Siblings travel with the script (first-party modules).
        let siblings: Vec<(String, String)> = std::fs::read_dir(&case)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.file_name().unwrap() != "script.py")
            .map(|p| {
                (
                    p.file_name().unwrap().to_string_lossy().into_owned(),
                    std::fs::read_to_string(&p).unwrap(),
                )
            })
            .collect();
        let sib: Vec<(&str, &str)> = siblings
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();

        let run = nix.run_text("script.py", &after.text, &sib, &[]);
        let eval = run.eval.as_ref().unwrap_or_else(|| {
            panic!(
                "{}: nix-shell did not evaluate the fixed header: {}",
                case.display(),
                run.stderr
            )
        });
        let seen = nix::python_attrs(&eval.inputs);
        assert_eq!(
            seen,
            meant,
            "{}: Nix sees a different package set than nixdeps meant\n{}",
            case.display(),
            after.text
        );
        // The stub installs each package's top-level modules as empty
        // packages, so `lxml.etree` can be missing while `lxml` is there:
        // only a missing top-level module means the header lacks a package.
        if let Some(m) = run.missing_module() {
            let top = m.split('.').next().unwrap_or(&m).to_owned();
            // A module nixdeps cannot map to an attribute (ND003) stays
            // missing: the fix cannot add what it cannot name.
            let unresolved =
                nixdeps::db::Database::get().resolve(&top) == nixdeps::db::Resolution::Unresolved;
            assert!(
                unresolved || stub_modules(&meant).contains(&top),
                "{}: the fixed script still misses {m}\n{}",
                case.display(),
                run.stderr
            );
        }

        // With ND010 the original runs whatever python3 the caller's PATH has
        // (the very problem ND010 reports), so it may well import the module.
        let has = |code: &str| before.diagnostics.iter().any(|d| d.code == code);
        if has("ND001") && !has("ND010") {
            let orig = nix.run_text("script.py", &text, &sib, &[]);
            assert!(
                orig.missing_module().is_some(),
                "{}: ND001 was reported but the original ran: {}",
                case.display(),
                orig.stderr
            );
        }
        proved += 1;
    }
    assert!(
        proved >= 6,
        "only {proved} fixtures were proved under nix-shell"
    );
}
