//! Tests of the real-Nix oracle itself (tests/support/nix.rs) on the hand-written scripts in
//! fixtures/nix/. If these fail, every test that trusts the oracle is suspect.

#[path = "support/nix.rs"]
mod nix;

use std::collections::BTreeSet;
use std::path::PathBuf;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/nix")
        .join(name)
}

fn words(ws: &[&str]) -> Vec<String> {
    ws.iter().map(|w| w.to_string()).collect()
}

fn set(xs: &[&str]) -> BTreeSet<String> {
    xs.iter().map(|x| x.to_string()).collect()
}

fn stdout_json(run: &nix::RunOutput) -> serde_json::Value {
    assert!(
        run.success(),
        "script failed (exit {:?}):\n{}",
        run.code,
        run.stderr
    );
    serde_json::from_str(run.stdout.trim())
        .unwrap_or_else(|e| panic!("script printed no JSON ({e}): {:?}", run.stdout))
}

#[test]
fn declared_script_runs_with_its_arguments() {
    let Some(nix) = nix::oracle() else { return };
    let run = nix.run_script(&fixture("ok.py"), &["a b", "c"]);
    let out = stdout_json(&run);
    assert_eq!(out["numpy"], true);
    assert_eq!(out["requests"], true);
    assert_eq!(out["args"], serde_json::json!(["a b", "c"]));
    let eval = run.eval.expect("eval report");
    assert_eq!(nix::python_attrs(&eval.inputs), set(&["numpy", "requests"]));
    assert_eq!(eval.in_nix_shell, "impure");
    let exec = run.exec.expect("exec report");
    assert_eq!(exec.argv0, "python3");
    assert_eq!(exec.python, "3.13", "python3 is 3.13 in the stub");
}

#[test]
fn undeclared_import_is_a_real_module_not_found_error() {
    let Some(nix) = nix::oracle() else { return };
    let run = nix.run_script(&fixture("missing.py"), &[]);
    assert_eq!(run.code, Some(1), "stderr: {}", run.stderr);
    assert!(
        run.stderr
            .contains("ModuleNotFoundError: No module named 'requests'"),
        "stderr: {}",
        run.stderr
    );
    // numpy was declared and imported first: the failure is requests, not the harness.
    assert_eq!(run.missing_module().as_deref(), Some("requests"));
    let eval = run
        .eval
        .expect("nix-shell got as far as evaluating the header");
    assert_eq!(nix::python_attrs(&eval.inputs), set(&["numpy"]));
}

#[test]
fn parse_rejects_syntax_errors_and_accepts_valid_words() {
    let Some(nix) = nix::oracle() else { return };
    nix.parse_packages(&words(&[
        "python3.withPackages(ps: with ps; [ numpy requests ])",
    ]))
    .expect("valid");
    nix.parse_packages(&words(&["python3Packages.requests", "ffmpeg", "nix.out"]))
        .expect("valid");
    // An empty -p list is valid Nix: `buildInputs = [ ]`.
    nix.parse_packages(&[]).expect("empty list");

    let err = nix
        .parse_packages(&words(&["python3.withPackages(ps: [ ps.numpy ]"]))
        .expect_err("unbalanced parenthesis");
    assert!(err.contains("syntax error"), "{err}");
    // Two spaces after `nix-shell` give an empty word, which nix-shell turns into `()`.
    let err = nix.parse_packages(&words(&[""])).expect_err("empty word");
    assert!(err.contains("syntax error"), "{err}");
    nix.parse_expr("with import <nixpkgs> {}; python3.withPackages (ps: [ ps.six ])")
        .expect("expr");
    assert!(nix
        .parse_expr("python3.withPackages (ps: [ ps.six ]")
        .is_err());
    // A `#` comments out the rest of nix-shell's one-line expression.
    let err = nix
        .parse_packages(&words(&["python3 # comment"]))
        .expect_err("comment");
    assert!(err.contains("syntax error"), "{err}");
}

#[test]
fn eval_returns_the_declared_set() {
    let Some(nix) = nix::oracle() else { return };
    let inputs = nix
        .eval_inputs(&words(&[
            "python3.withPackages (ps: with ps; [ ps.click requests ])",
            "nix",
        ]))
        .expect("evaluates");
    assert_eq!(nix::python_attrs(&inputs), set(&["click", "requests"]));
    assert_eq!(nix::python_versions(&inputs), set(&["3.13"]));
    assert_eq!(inputs.len(), 2);
    assert_eq!(inputs[1].kind, "package");
    assert_eq!(inputs[1].pname.as_deref(), Some("nix"));

    let inputs = nix
        .eval_inputs(&words(&["python311", "python311Packages.asyncinotify"]))
        .expect("evaluates");
    assert_eq!(inputs[0].kind, "python");
    assert_eq!(nix::python_attrs(&inputs), set(&["asyncinotify"]));
    assert_eq!(nix::python_versions(&inputs), set(&["3.11"]));

    let inputs = nix
        .eval_inputs(&words(&[
            "(python3.withPackages (ps: with ps; [ vdf xdg ] ++ [ ps.attrs ]))",
        ]))
        .expect("evaluates");
    assert_eq!(nix::python_attrs(&inputs), set(&["attrs", "vdf", "xdg"]));
}

#[test]
fn eval_reports_unknown_attributes_as_nix_does() {
    let Some(nix) = nix::oracle() else { return };
    let err = nix
        .eval_inputs(&words(&["python3.withPackages (ps: with ps; [ reqests ])"]))
        .expect_err("unknown bare name");
    assert!(err.contains("undefined variable 'reqests'"), "{err}");
    let err = nix
        .eval_inputs(&words(&["python3.withPackages (ps: [ ps.nosuch ])"]))
        .expect_err("unknown selected name");
    assert!(err.contains("attribute 'nosuch' missing"), "{err}");
}

#[test]
fn two_p_lines_are_joined() {
    let Some(nix) = nix::oracle() else { return };
    let run = nix.run_script(&fixture("two-p-lines.py"), &[]);
    let out = stdout_json(&run);
    assert_eq!(out["yaml"], true);
    assert_eq!(out["toolz"], true);
    let inputs = run.eval.expect("eval report").inputs;
    assert_eq!(nix::python_attrs(&inputs), set(&["pyyaml", "toolz"]));
    let others: Vec<_> = inputs
        .iter()
        .filter(|i| i.kind == "package")
        .filter_map(|i| i.pname.as_deref())
        .collect();
    assert_eq!(
        others,
        ["ffmpeg", "nix"],
        "the second line's words follow the first's"
    );
}

#[test]
fn interpreter_flags_from_dash_i_reach_python() {
    let Some(nix) = nix::oracle() else { return };
    let run = nix.run_script(&fixture("interp-flags.py"), &[]);
    let out = stdout_json(&run);
    assert_eq!(out["unbuffered"], true, "-i \"python3 -u\" passes -u");
    assert_eq!(out["rich"], true);
    let exec = run.exec.expect("exec report");
    assert_eq!(exec.args.first().map(String::as_str), Some("-u"));
}

#[test]
fn python_packages_word_form() {
    let Some(nix) = nix::oracle() else { return };
    let run = nix.run_script(&fixture("word-form.py"), &[]);
    let out = stdout_json(&run);
    assert_eq!(out["requests"], true);
    assert_eq!(out["lxml"], true);
    let inputs = run.eval.expect("eval report").inputs;
    let kinds: Vec<_> = inputs.iter().map(|i| i.kind.as_str()).collect();
    assert_eq!(kinds, ["python-package", "python-package", "package"]);
    assert_eq!(nix::python_attrs(&inputs), set(&["lxml", "requests"]));
}

#[test]
fn nested_modules_are_importable_next_to_each_other() {
    let Some(nix) = nix::oracle() else { return };
    let run = nix.run_script(&fixture("nested-module.py"), &[]);
    let out = stdout_json(&run);
    assert_eq!(out["protobuf"], true);
    assert_eq!(out["auth"], true);
}

#[test]
fn pypy3_runs_as_pypy() {
    let Some(nix) = nix::oracle() else { return };
    let run = nix.run_script(&fixture("pypy.py"), &[]);
    assert!(run.success(), "stderr: {}", run.stderr);
    assert_eq!(run.stdout.trim(), "True");
    let exec = run.exec.expect("exec report");
    assert_eq!(
        (exec.exe.as_str(), exec.python.as_str()),
        ("pypy3.11", "pypy3.11")
    );
    assert_eq!(exec.argv0, "pypy3", "-i pypy3 found the stub's pypy3 link");
}

#[test]
fn shell_report_shows_nix_header_splitting() {
    let Some(nix) = nix::oracle() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let script = dir.path().join("split.py");
    // A header line after code still counts; `-I` goes before NIX_PATH.
    std::fs::write(
        &script,
        "#!/usr/bin/env nix-shell\n#!nix-shell -i python3 -I extra=/nowhere\nimport sys\n\
         #!nix-shell -p \"python3.withPackages (ps: [ ps.six ])\" git\n",
    )
    .expect("write");
    let report = nix.shell_report(&script).expect("report");
    assert_eq!(nix::python_attrs(&report.inputs), set(&["six"]));
    assert_eq!(
        report.nix_path.first().map(|e| e.prefix.as_str()),
        Some("extra")
    );
    assert!(report.nix_path.iter().any(|e| e.prefix == "nixpkgs"));

    // Without `-p`, no package evaluation happens: nix-shell looks for shell.nix instead.
    std::fs::write(
        &script,
        "#!/usr/bin/env nix-shell\n#!nix-shell -i python3\n",
    )
    .expect("write");
    let err = nix.shell_report(&script).expect_err("no -p, no shell.nix");
    assert!(
        err.contains("shell.nix") || err.contains("default.nix"),
        "{err}"
    );
}

#[test]
fn run_text_sees_sibling_modules_and_reports_dotted_misses() {
    let Some(nix) = nix::oracle() else { return };
    let header = "#!/usr/bin/env nix-shell\n#!nix-shell -i python3 -p \"python3.withPackages (ps: [ ps.protobuf ])\"\n";
    let run = nix.run_text(
        "main.py",
        &format!("{header}import helper\nprint(helper.X)\n"),
        &[("helper.py", "import google.protobuf\nX = 'sibling'\n")],
        &[],
    );
    assert!(run.success(), "stderr: {}", run.stderr);
    assert_eq!(run.stdout.trim(), "sibling");
    let run = nix.run_text(
        "main.py",
        &format!("{header}import google.auth\n"),
        &[],
        &[],
    );
    assert_eq!(
        run.missing_module().as_deref(),
        Some("google.auth"),
        "{}",
        run.stderr
    );
}

/// Issue 2's fixture forms as Nix 2.8 really reads them: the set withPackages received, or
/// `None` when 2.8 does not get as far as evaluating (see nix-oracle.md §4).
#[test]
fn issue_two_forms_under_real_nix() {
    let Some(nix) = nix::oracle() else { return };
    // (header lines, the set Nix sees or None when 2.8 fails, the Python version)
    type Case = (
        &'static str,
        Option<&'static [&'static str]>,
        Option<&'static str>,
    );
    let cases: &[Case] = &[
        (
            "#!nix-shell -i python3 -p \"python3.withPackages(ps: [ ps.numpy ps.requests ])\"\n",
            Some(&["numpy", "requests"]),
            Some("3.13"),
        ),
        (
            "#!nix-shell -i python3 -p python3 python3.pkgs.requests nix.out\n",
            Some(&["requests"]),
            Some("3.13"),
        ),
        (
            "#!nix-shell -i python3.11 -p python311 python311Packages.asyncinotify\n",
            Some(&["asyncinotify"]),
            Some("3.11"),
        ),
        (
            "#!nix-shell -i python3 -p \"(python3.withPackages (ps: with ps; [ vdf xdg ]))\"\n",
            Some(&["vdf", "xdg"]),
            Some("3.13"),
        ),
        (
            "#!nix-shell -i python3\n#!nix-shell -p \"python3.withPackages(ps: [ ps.attrs ])\"\n\
             #!nix-shell -p \"python3.pkgs.callPackage (fetchFromGitHub {owner = \\\"a\\\"; repo = \\\"b\\\"; \
             rev = \\\"c\\\"; sha256 = \\\"d\\\"; }) { }\"\n",
            Some(&["<callPackage>", "attrs"]),
            Some("3.13"),
        ),
        // 2.8 treats single quotes as ordinary characters: `'python312.withPackages(ps:` is a word.
        ("#! nix-shell -i python3 -p 'python312.withPackages(ps: with ps; [ numpy toolz ])'\n", None, None),
        // `-p` with no words: an empty buildInputs, still a valid shell.
        ("#! nix-shell -i python3 -p\n", Some(&[]), Some("3.13")),
    ];
    for (header, want, version) in cases {
        let text = format!("#!/usr/bin/env nix-shell\n{header}print('ran')\n");
        let run = nix.run_text("form.py", &text, &[], &[]);
        match want {
            Some(want) => {
                let eval = run
                    .eval
                    .as_ref()
                    .unwrap_or_else(|| panic!("{header}: {}", run.stderr));
                assert_eq!(nix::python_attrs(&eval.inputs), set(want), "{header}");
                assert_eq!(run.stdout.trim(), "ran", "{header}: {}", run.stderr);
                if !want.is_empty() {
                    assert_eq!(
                        nix::python_versions(&eval.inputs)
                            .into_iter()
                            .collect::<Vec<_>>(),
                        [version.unwrap_or_default()],
                        "{header}"
                    );
                }
            }
            None => assert!(
                run.eval.is_none() && !run.success(),
                "{header}: 2.8 should fail"
            ),
        }
    }
}
