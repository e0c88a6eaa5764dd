//! Real Nix checks the header engine (issue 2 item 7), fixture by fixture:
//! (a) every package expression of a header, before and after a rewrite,
//! parses with `nix-instantiate --parse`; (b) evaluated against the stub
//! nixpkgs it declares exactly the model's Python packages; (c) real
//! `nix-shell` (Nix 2.8's own header splitting) reads the same packages and
//! interpreter as the model, and a script missing a declaration dies of a
//! real `ModuleNotFoundError` until the engine adds the attribute.
//!
//! Nix 2.8 cannot run the flake form (no `nix` shebang mode): its `--expr`
//! is only parsed, its installables evaluated as attribute paths.

#[path = "support/nix.rs"]
mod nix;

use nixdeps::header::{self, edit, Header, HeaderKind};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Forms Nix 2.8 cannot run as a script, and why.
const NOT_RUNNABLE_BY_2_8: &[(&str, &str)] = &[
    (
        "env-split-string",
        "run as `nix-shell SCRIPT`, the `env -S` arguments on line 1 are never read",
    ),
    (
        "utf8-bom",
        "the BOM hides the `#!`: nix-shell evaluates the file as Nix",
    ),
    (
        "withpackages-single-quoted-with",
        "2.8 treats single quotes as ordinary characters",
    ),
    ("nix-file", "names a Nix file, not packages"),
    ("flake-installable", "2.8 has no `nix` shebang mode"),
    ("flake-expr-multiline", "2.8 has no `nix` shebang mode"),
];

/// Scripts the stub cannot give their modules: `python3 -I` ignores the
/// PYTHONPATH the stub's fake Python relies on (a real withPackages env
/// works). Their header is still checked against nix-shell's reading.
const IMPORTS_NOT_TESTABLE: &[&str] = &["interpreter-flags"];

fn fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/header");
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("script.py").exists())
        .collect();
    v.sort();
    v
}

fn name(dir: &Path) -> String {
    dir.file_name().unwrap().to_string_lossy().into_owned()
}

fn stub_modules() -> BTreeMap<String, Vec<String>> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/nix-stub/python-packages.json");
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

struct Case {
    name: String,
    text: String,
    add: Vec<String>,
    remove: Vec<String>,
}

fn cases() -> Vec<Case> {
    fixtures()
        .iter()
        .map(|d| {
            let src = nixdeps::read::decode(&std::fs::read(d.join("script.py")).unwrap()).unwrap();
            let req: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(d.join("request.json")).unwrap())
                    .unwrap();
            let list = |k: &str| -> Vec<String> {
                req[k]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_str().unwrap().to_string())
                    .collect()
            };
            Case {
                name: name(d),
                text: src.text,
                add: list("add"),
                remove: list("remove"),
            }
        })
        .collect()
}

fn rewrite(text: &str, add: &[String], remove: &[String]) -> String {
    let h = header::parse(text).unwrap();
    let add: Vec<&str> = add.iter().map(String::as_str).collect();
    let remove: Vec<&str> = remove.iter().map(String::as_str).collect();
    edit::apply(text, &h, &edit::request_by_name(&h, &add, &remove)).unwrap()
}

fn model_attrs(h: &Header) -> BTreeSet<String> {
    h.declarations.iter().map(|d| d.attr.clone()).collect()
}

fn package_words(h: &Header) -> Vec<String> {
    h.package_words
        .iter()
        .map(|&i| h.words[i].text.clone())
        .collect()
}

/// What Nix saw, without the stub's stand-in for packages nixdeps reports
/// as not understood (`python3.pkgs.callPackage …`).
fn nix_attrs(inputs: &[nix::Input]) -> BTreeSet<String> {
    nix::python_attrs(inputs)
        .into_iter()
        .filter(|a| !a.starts_with('<'))
        .collect()
}

#[test]
fn headers_parse_and_evaluate_to_the_model_before_and_after_a_rewrite() {
    let Some(nix) = nix::oracle() else { return };
    let mut checked = 0;
    for c in cases() {
        if c.name == "nix-file" {
            continue;
        }
        let after = rewrite(&c.text, &c.add, &c.remove);
        for (stage, text) in [("original", &c.text), ("rewritten", &after)] {
            let h = header::parse(text).unwrap();
            let what = format!("{} ({stage})", c.name);
            match h.kind {
                HeaderKind::NixShell => {
                    let words = package_words(&h);
                    nix.parse_packages(&words)
                        .unwrap_or_else(|e| panic!("{what}: not valid Nix: {e}\n{words:?}"));
                    let inputs = nix
                        .eval_inputs(&words)
                        .unwrap_or_else(|e| panic!("{what}: {e}\n{words:?}"));
                    assert_eq!(nix_attrs(&inputs), model_attrs(&h), "{what}: {words:?}");
                    let want = h
                        .python_version()
                        .map_or("3.13".to_string(), |v| v.to_string());
                    let versions = nix::python_versions(&inputs);
                    if !versions.is_empty() {
                        assert_eq!(versions, BTreeSet::from([want]), "{what}");
                    }
                }
                HeaderKind::Flake => {
                    // The --expr text is Nix; installables are attribute paths.
                    let mut paths = Vec::new();
                    for &i in &h.package_words {
                        let w = &h.words[i].text;
                        if let Some((_, path)) = w.split_once('#') {
                            paths.push(path.to_string());
                        }
                    }
                    for (i, w) in h.words.iter().enumerate() {
                        if i > 0 && h.words[i - 1].text == "--expr" {
                            nix.parse_expr(&w.text)
                                .unwrap_or_else(|e| panic!("{what}: --expr is not valid Nix: {e}"));
                        }
                    }
                    if !paths.is_empty() {
                        let inputs = nix
                            .eval_inputs(&paths)
                            .unwrap_or_else(|e| panic!("{what}: {e}"));
                        assert_eq!(nix_attrs(&inputs), model_attrs(&h), "{what}");
                    }
                }
                // No Nix in a `uv run` shebang (tests/pep723_*.rs cover it).
                HeaderKind::Uv => continue,
            }
            checked += 1;
        }
    }
    assert!(checked >= 38, "only {checked} headers checked");
}

#[test]
fn real_nix_shell_reads_headers_as_the_model_does_and_finds_the_added_module() {
    let Some(nix) = nix::oracle() else { return };
    let modules = stub_modules();
    let mut ran = 0;
    for c in cases() {
        if NOT_RUNNABLE_BY_2_8.iter().any(|(n, _)| *n == c.name) {
            continue;
        }
        // Add only: the script then has everything it imports.
        let after = rewrite(&c.text, &c.add, &[]);
        // A header without any Python would run the host's python3 on the
        // script: never do that (it may reach the network).
        let runnable = |t: &str| !header::parse(t).unwrap().pythons.is_empty();
        let after_run = nix.run_text("script.py", &after, &[], &[]);
        let before_run = runnable(&c.text).then(|| nix.run_text("script.py", &c.text, &[], &[]));
        let mut runs = vec![("fixed", &after, &after_run)];
        if let Some(r) = &before_run {
            runs.push(("original", &c.text, r));
        }
        for (stage, text, run) in runs {
            let what = format!("{} ({stage})", c.name);
            let h = header::parse(text).unwrap();
            let eval = run
                .eval
                .as_ref()
                .unwrap_or_else(|| panic!("{what}: nix-shell did not evaluate: {}", run.stderr));
            assert_eq!(
                nix_attrs(&eval.inputs),
                model_attrs(&h),
                "{what}: 2.8 splits differently"
            );
            let exec = run
                .exec
                .as_ref()
                .unwrap_or_else(|| panic!("{what}: the interpreter did not start: {}", run.stderr));
            let i = h.interpreter.as_ref().unwrap();
            assert_eq!(exec.argv0, i.program, "{what}");
            assert_eq!(&exec.args[..i.flags.len()], &i.flags[..], "{what}");
        }
        ran += 1;
        if IMPORTS_NOT_TESTABLE.contains(&c.name.as_str()) {
            continue;
        }
        assert_eq!(
            after_run.missing_module(),
            None,
            "{}: {}",
            c.name,
            after_run.stderr
        );
        let Some(before_run) = before_run else {
            continue;
        };
        let missing = before_run.missing_module();
        let provided: Vec<&String> = c.add.iter().flat_map(|a| &modules[a]).collect();
        assert!(
            missing.as_ref().is_some_and(|m| provided.contains(&m)),
            "{}: the original should miss one of {provided:?}, got {missing:?}\n{}",
            c.name,
            before_run.stderr
        );
    }
    assert!(ran >= 14, "only {ran} scripts ran");
}

/// Headers of every nix-shell style the engine edits, with a request each:
/// what the engine writes is valid Nix and evaluates to the model's set.
#[test]
fn every_style_the_engine_writes_is_valid_nix() {
    let Some(nix) = nix::oracle() else { return };
    let styles: &[(&str, &[&str], &[&str])] = &[
        (
            r#"-p "python3.withPackages (ps: [ ps.numpy ps.requests ])""#,
            &["attrs", "six"],
            &["numpy"],
        ),
        (
            r#"-p "python3.withPackages(ps: with ps; [ numpy toolz ])""#,
            &["click"],
            &["numpy", "toolz"],
        ),
        (
            r#"-p "python3.withPackages (ps: with ps; [ six ps.click ])""#,
            &["rich"],
            &["six"],
        ),
        (
            r#"-p "python3.withPackages (ps: [ ps.a1 ] ++ (with ps; [ /* c */ (ps.six) tqdm ]))""#,
            &["toml"],
            &["tqdm"],
        ),
        (
            "-p python3Packages.requests python3Packages.lxml ffmpeg",
            &["click", "six"],
            &["lxml"],
        ),
        (
            "-p python3 python3.pkgs.requests nix.out",
            &["tqdm"],
            &["requests"],
        ),
        (
            r"-p python3.withPackages\ (ps:\ [\ ps.six\ ])",
            &["toml", "attrs"],
            &["six"],
        ),
        ("-p python3 git", &["requests", "click"], &[]),
        ("-p git", &["requests"], &[]),
        ("--pure", &["requests"], &[]),
        (
            r#"-p "pypy3.withPackages (ps: [ ps.six ])""#,
            &["attrs"],
            &[],
        ),
        (
            r#"-p "python311.withPackages (ps: [ ])""#,
            &["six", "attrs"],
            &[],
        ),
        ("-p python312Packages.six", &["attrs"], &["six"]),
    ];
    // Attributes the stub does not know would fail to evaluate: use known ones.
    let known = stub_modules();
    for (words, add, remove) in styles {
        let text = format!("#!/usr/bin/env nix-shell\n#!nix-shell -i python3 {words}\nimport os\n");
        let after = rewrite(
            &text,
            &add.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
            &remove.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
        );
        let h = header::parse(&after).unwrap();
        let model = model_attrs(&h);
        for a in add.iter() {
            assert!(model.contains(*a), "{words}: {a} not added:\n{after}");
        }
        let words_after = package_words(&h);
        nix.parse_packages(&words_after)
            .unwrap_or_else(|e| panic!("{words}: not valid Nix: {e}\n{after}"));
        if model.iter().all(|a| known.contains_key(a)) {
            let inputs = nix
                .eval_inputs(&words_after)
                .unwrap_or_else(|e| panic!("{words}: {e}\n{after}"));
            assert_eq!(nix_attrs(&inputs), model, "{words}:\n{after}");
        }
    }
}
