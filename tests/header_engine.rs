//! Targeted checks of the header engine: splitting, options, the rnix
//! analysis and the edits, each on a small header written out in full.

use nixdeps::diagnostic::apply_edits;
use nixdeps::header::edit::{self, EditError, EditRequest};
use nixdeps::header::{self, DeclStyle, Header, PyVersion};

const BODY: &str = "import os\nprint(os.name)\n";

fn script(lines: &[&str]) -> String {
    let mut s = String::from("#!/usr/bin/env nix-shell\n");
    for l in lines {
        s.push_str(l);
        s.push('\n');
    }
    s.push_str(BODY);
    s
}

fn parse(text: &str) -> Header {
    header::parse(text).expect("a header")
}

fn attrs(h: &Header) -> Vec<(String, DeclStyle)> {
    h.declarations
        .iter()
        .map(|d| (d.attr.clone(), d.style))
        .collect()
}

fn names(h: &Header) -> Vec<&str> {
    h.declarations.iter().map(|d| d.attr.as_str()).collect()
}

/// Apply a by-name request; return the header line(s) after the edit.
fn rewrite(text: &str, add: &[&str], remove: &[&str]) -> String {
    let h = parse(text);
    let req = edit::request_by_name(&h, add, remove);
    let out = edit::apply(text, &h, &req).unwrap_or_else(|e| panic!("{e}"));
    assert!(out.ends_with(BODY), "the body changed:\n{out}");
    // Idempotent.
    let h2 = parse(&out);
    let again = edit::request_by_name(&h2, add, remove);
    assert_eq!(edit::plan(&out, &h2, &again), Ok(vec![]));
    out[..out.len() - BODY.len()]
        .lines()
        .skip(1)
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn concatenated_lists_comments_and_parens() {
    let t = script(&[
        r#"#!nix-shell -i python3 -p "python3.withPackages (ps: [ ps.a /* c */ (ps.b) ] ++ (with ps; [ c ps.d ]))""#,
    ]);
    let h = parse(&t);
    use DeclStyle::*;
    assert_eq!(
        attrs(&h),
        [
            ("a".into(), Selected),
            ("b".into(), Selected),
            ("c".into(), Bare),
            ("d".into(), Selected)
        ]
    );
    assert_eq!(h.lists.len(), 2);
    assert!(h.unsupported.is_empty());
    let b = &h.declarations[1];
    assert_eq!(&t[b.element.start..b.element.end], "(ps.b)");
    assert_eq!(&t[b.span.start..b.span.end], "b");
    // Removing the parenthesised element removes its parentheses too.
    assert_eq!(
        rewrite(&t, &[], &["b"]),
        r#"#!nix-shell -i python3 -p "python3.withPackages (ps: [ ps.a /* c */ ] ++ (with ps; [ c ps.d ]))""#
    );
}

#[test]
fn interpreter_options_and_arguments() {
    let t = script(&[
        "#!nix-shell -i bash -i \"python3 -u -X dev\" --pure --keep FOO",
        "#!nix-shell -I nixpkgs=channel:nixos-24.05 -I https://example.org/x.tar.gz -I ../pkgs",
        "#!nix-shell --arg config \"{ }\" --argstr system x86_64-linux -p python3",
    ]);
    let h = parse(&t);
    let i = h.interpreter.as_ref().unwrap();
    assert_eq!(i.program, "python3");
    assert_eq!(i.flags, ["-u", "-X", "dev"]);
    assert!(i.is_python);
    assert!(h.pure);
    assert_eq!(h.keep, ["FOO"]);
    assert_eq!(
        h.include_paths,
        [
            "nixpkgs=channel:nixos-24.05",
            "https://example.org/x.tar.gz",
            "../pkgs"
        ]
    );
    assert_eq!(h.args.len(), 2);
    assert_eq!(
        (h.args[0].name.as_str(), h.args[0].value.as_str()),
        ("config", "{ }")
    );
    assert_eq!(h.args[1].kind, "argstr");
    assert_eq!(h.pythons.len(), 1);
    assert!(h.declarations.is_empty() && h.unsupported.is_empty());

    // --run after -i replaces the command: not a Python script any more.
    let h = parse(&script(&[
        "#!nix-shell -i python3 --run 'echo hi' -p python3",
    ]));
    assert!(h.interpreter.is_none());
    assert_eq!(h.run.as_deref(), Some("echo hi"));
    // Bundled short options are split the way nix does, and reported.
    let h = parse(&script(&["#!nix-shell -ipython3 -p python3"]));
    assert!(!h.is_python());
    assert!(!h.unsupported.is_empty());
}

#[test]
fn python_versions() {
    let v = |minor| Some(PyVersion { major: 3, minor });
    let h = parse(&script(&[
        "#!nix-shell -i python3 -p python313Packages.requests",
    ]));
    assert_eq!(h.python_version(), v(13));
    let h = parse(&script(&[
        "#!nix-shell -i python3.11 -p python3Packages.requests",
    ]));
    assert_eq!(h.python_version(), v(11));
    let h = parse(&script(&[
        "#!nix-shell -i pypy3 -p \"pypy3.withPackages (ps: [ ps.x ])\"",
    ]));
    // nixpkgs' `pypy3` is `pypy311` since 2025.
    assert_eq!(h.python_version(), v(11));
    assert!(h.is_python());
    let h = parse(&script(&[
        "#!nix-shell -i python -p python3Packages.x python3",
    ]));
    assert_eq!(h.python_version(), None);
    assert_eq!(names(&h), ["x"]);
    // `pythonPackages` and `pythonFull` are nixpkgs aliases of Python 2.7's.
    let h = parse(&script(&[
        "#!nix-shell -i python -p pythonPackages.x pythonFull",
    ]));
    assert_eq!(h.python_version(), Some(PyVersion { major: 2, minor: 7 }));
    assert_eq!(names(&h), ["x"]);
    assert!(h.unsupported.is_empty());
    for (word, version) in [
        ("python3Full", None),
        ("python3Minimal", None),
        ("python311Full", v(11)),
        ("pypy310", v(10)),
    ] {
        let h = parse(&script(&[&format!(
            "#!nix-shell -i python3 -p {word} {word}.pkgs.x"
        )]));
        assert!(h.unsupported.is_empty(), "{word}: {:?}", h.unsupported);
        assert_eq!(h.python_version(), version, "{word}");
        assert_eq!(names(&h), ["x"], "{word}");
    }
}

#[test]
fn what_is_not_understood_is_reported_and_the_rest_kept() {
    let t = script(&[
        r#"#!nix-shell -i python3 -p "python3.withPackages (ps: builtins.attrValues { inherit (ps) a; })""#,
        r#"#!nix-shell -p "python3.withPackages (ps: [ ps.b (ps.callPackage ./c.nix { }) ])" ffmpeg"#,
        r#"#!nix-shell -p "haskellPackages.ghcWithPackages (p: [ p.lens ])" "(python3 # comment""#,
    ]);
    let h = parse(&t);
    assert_eq!(names(&h), ["b"]);
    let reasons: Vec<&str> = h.unsupported.iter().map(|u| u.text.as_str()).collect();
    assert_eq!(
        reasons,
        [
            "builtins.attrValues { inherit (ps) a; }",
            "(ps.callPackage ./c.nix { })",
            "(python3 # comment",
        ]
    );
    let others: Vec<&str> = h.others.iter().map(|o| o.text.as_str()).collect();
    assert_eq!(
        others,
        ["ffmpeg", "haskellPackages.ghcWithPackages (p: [ p.lens ])"]
    );
    // Still editable where it is understood.
    let out = rewrite(&t, &["z"], &[]);
    assert!(
        out.contains("[ ps.b ps.z (ps.callPackage ./c.nix { }) ]"),
        "{out}"
    );
}

#[test]
fn tab_after_nix_shell_is_read_by_2_19_but_flagged_for_2_8() {
    let h = parse(&script(&["#!nix-shell\t-i python3 -p python3Packages.a"]));
    assert_eq!(names(&h), ["a"]);
    assert_eq!(h.ignored_lines.len(), 1);
    assert!(h.ignored_lines[0].reason.contains("2.8"));
}

#[test]
fn unquoted_expression_words_are_edited_with_escapes() {
    let t = script(&[r"#!nix-shell -i python3 -p python3.withPackages\ (ps:\ [\ ps.a\ ])"]);
    let h = parse(&t);
    assert_eq!(names(&h), ["a"]);
    assert_eq!(
        rewrite(&t, &["b"], &[]),
        r"#!nix-shell -i python3 -p python3.withPackages\ (ps:\ [\ ps.a\ ps.b\ ])"
    );
    assert_eq!(
        rewrite(&t, &[], &["a"]),
        r"#!nix-shell -i python3 -p python3.withPackages\ (ps:\ [\ ])"
    );
}

#[test]
fn sorted_lists_stay_sorted_unsorted_get_it_at_the_end() {
    let t = script(&[
        r#"#!nix-shell -i python3 -p "python3.withPackages (ps: [ ps.alpha ps.gamma ])""#,
    ]);
    assert_eq!(
        rewrite(&t, &["beta", "delta", "Aardvark"], &[]),
        r#"#!nix-shell -i python3 -p "python3.withPackages (ps: [ ps.Aardvark ps.alpha ps.beta ps.delta ps.gamma ])""#
    );
    let t = script(&[
        r#"#!nix-shell -i python3 -p "python3.withPackages (ps: with ps; [ gamma alpha ])""#,
    ]);
    assert_eq!(
        rewrite(&t, &["beta"], &[]),
        r#"#!nix-shell -i python3 -p "python3.withPackages (ps: with ps; [ gamma alpha beta ])""#
    );
    let t = script(&["#!nix-shell -i python3 -p python3Packages.a python3Packages.c git"]);
    assert_eq!(
        rewrite(&t, &["b", "d"], &[]),
        "#!nix-shell -i python3 -p python3Packages.a python3Packages.b python3Packages.c python3Packages.d git"
    );
}

#[test]
fn removal_leaves_no_doubled_blanks() {
    let t =
        script(&[r#"#!nix-shell -i python3 -p "python3.withPackages (ps: [ ps.a ps.b ps.c ])""#]);
    let line = |s: &str| format!("#!nix-shell -i python3 -p \"python3.withPackages (ps: [ {s}])\"");
    assert_eq!(rewrite(&t, &[], &["a"]), line("ps.b ps.c "));
    assert_eq!(rewrite(&t, &[], &["b"]), line("ps.a ps.c "));
    assert_eq!(rewrite(&t, &[], &["c"]), line("ps.a ps.b "));
    assert_eq!(rewrite(&t, &[], &["a", "b", "c"]), line(""));
    let t = script(&[r#"#!nix-shell -i python3 -p "python3.withPackages (ps: [ps.a ps.b])""#]);
    assert_eq!(
        rewrite(&t, &[], &["a", "b"]),
        r#"#!nix-shell -i python3 -p "python3.withPackages (ps: [])""#
    );
    let t = script(&[
        "#!nix-shell -i python3 -p python3Packages.a python3Packages.b",
        "#!nix-shell -p python3Packages.c",
    ]);
    assert_eq!(
        rewrite(&t, &[], &["b", "c"]),
        "#!nix-shell -i python3 -p python3Packages.a\n#!nix-shell -p"
    );
}

#[test]
fn no_python_at_all_gets_a_with_packages_word() {
    let t = script(&["#!nix-shell -i python3.11"]);
    assert_eq!(
        rewrite(&t, &["requests"], &[]),
        r#"#!nix-shell -i python3.11 -p "python311.withPackages (ps: [ ps.requests ])""#
    );
    let t = script(&["#!nix-shell -i python3 -p git"]);
    assert_eq!(
        rewrite(&t, &["b", "a"], &[]),
        r#"#!nix-shell -i python3 -p git "python3.withPackages (ps: [ ps.a ps.b ])""#
    );
    // A Nix file is named: there is nowhere to add.
    let t = script(&["#!nix-shell shell.nix -i python3"]);
    let h = parse(&t);
    let req = edit::request_by_name(&h, &["a"], &[]);
    assert_eq!(edit::plan(&t, &h, &req), Err(EditError::NoPlace));
}

#[test]
fn renames_and_requests_that_change_nothing() {
    let t = script(&[
        r#"#!nix-shell -i python3 -p "python3.withPackages (ps: [ ps.PyYAML ps.requests ])""#,
    ]);
    let h = parse(&t);
    let req = EditRequest {
        rename: vec![(0, "pyyaml".into())],
        ..Default::default()
    };
    let out = edit::apply(&t, &h, &req).unwrap();
    assert!(out.contains("[ ps.pyyaml ps.requests ]"), "{out}");
    // Renaming onto a name already declared removes the alias instead.
    let req = EditRequest {
        rename: vec![(0, "requests".into())],
        ..Default::default()
    };
    let out = edit::apply(&t, &h, &req).unwrap();
    assert!(out.contains("[ ps.requests ]"), "{out}");
    // Adding what is declared does nothing.
    let req = edit::request_by_name(&h, &["requests"], &[]);
    assert_eq!(edit::plan(&t, &h, &req), Ok(vec![]));
    // Names that would need quoting are refused.
    let req = edit::request_by_name(&h, &["it's"], &[]);
    assert!(matches!(
        edit::plan(&t, &h, &req),
        Err(EditError::BadName(_))
    ));
    assert_eq!(
        edit::plan(
            &t,
            &h,
            &EditRequest {
                remove: vec![9],
                ..Default::default()
            }
        ),
        Err(EditError::BadIndex(9))
    );
}

#[test]
fn flake_installables_and_expressions() {
    let t = "#!/usr/bin/env nix\n#! nix shell nixpkgs#python311Packages.numpy nixpkgs#ffmpeg\n#! nix --command python3.11 -u\n".to_string() + BODY;
    let h = parse(&t);
    assert_eq!(names(&h), ["numpy"]);
    assert_eq!(h.declarations[0].style, DeclStyle::Installable);
    assert_eq!(
        h.python_version(),
        Some(PyVersion {
            major: 3,
            minor: 11
        })
    );
    let i = h.interpreter.as_ref().unwrap();
    assert_eq!(
        (i.program.as_str(), i.flags.clone()),
        ("python3.11", vec!["-u".to_string()])
    );
    assert_eq!(h.others[0].text, "nixpkgs#ffmpeg");
    let out = rewrite(&t, &["scipy"], &[]);
    assert_eq!(
        out,
        "#! nix shell nixpkgs#python311Packages.numpy nixpkgs#python311Packages.scipy nixpkgs#ffmpeg\n#! nix --command python3.11 -u"
    );
    // An unquoted parenthesis is an error in the flake form.
    let h = parse(&("#!/usr/bin/env nix\n#! nix shell --expr (x) -c python3\n".to_string() + BODY));
    assert!(!h.unsupported.is_empty());
}

#[test]
fn crlf_spans_exclude_the_carriage_return() {
    let t =
        "#!/usr/bin/env nix-shell\r\n#!nix-shell -i python3 -p python3Packages.a\r\nimport a\r\n";
    let h = parse(t);
    assert_eq!(
        &t[h.lines[0].span.start..h.lines[0].span.end],
        "#!nix-shell -i python3 -p python3Packages.a"
    );
    let out = edit::apply(t, &h, &edit::request_by_name(&h, &["b"], &[])).unwrap();
    assert_eq!(out, "#!/usr/bin/env nix-shell\r\n#!nix-shell -i python3 -p python3Packages.a python3Packages.b\r\nimport a\r\n");
    let t = "#!/usr/bin/env nix-shell\r\nimport a\r\n";
    let h = parse(t);
    let out = apply_edits(
        t,
        &edit::plan(t, &h, &edit::request_by_name(&h, &["a"], &[])).unwrap(),
    )
    .unwrap();
    assert_eq!(out, "#!/usr/bin/env nix-shell\r\n#! nix-shell -p \"python3.withPackages (ps: [ ps.a ])\"\r\nimport a\r\n");
}

#[test]
fn double_blank_after_nix_shell_is_flagged_for_2_8() {
    let h = parse(&script(&["#!nix-shell  -i python3 -p python3Packages.a"]));
    assert_eq!(names(&h), ["a"]);
    assert_eq!(h.words[0].text, "-i");
    assert!(h.ignored_lines[0].reason.contains("empty first word"));
}

#[test]
fn env_split_string_flake_shebang() {
    let t =
        "#!/usr/bin/env -S nix shell nixpkgs#python3Packages.rich --command python3\nimport rich\n";
    let h = parse(t);
    assert_eq!(h.kind, header::HeaderKind::Flake);
    assert_eq!(names(&h), ["rich"]);
    assert!(h.is_python());
    let out = edit::apply(t, &h, &edit::request_by_name(&h, &["click"], &[])).unwrap();
    assert_eq!(out, "#!/usr/bin/env -S nix shell nixpkgs#python3Packages.click nixpkgs#python3Packages.rich --command python3\nimport rich\n");
}

#[test]
fn nd010_addition_goes_under_the_shebang_not_into_a_docstring() {
    let t = "#!/usr/bin/env nix-shell\n#!nix-shell -i python3\n\"\"\"Usage.\n#!nix-shell --pure\n\"\"\"\nimport a\n";
    let h = parse(t);
    assert_eq!(h.lines.len(), 2);
    let out = edit::apply(t, &h, &edit::request_by_name(&h, &["a"], &[])).unwrap();
    assert_eq!(out, "#!/usr/bin/env nix-shell\n#!nix-shell -i python3 -p \"python3.withPackages (ps: [ ps.a ])\"\n\"\"\"Usage.\n#!nix-shell --pure\n\"\"\"\nimport a\n");
    // Only header lines in a docstring: a new line under the shebang.
    let t = "#!/usr/bin/env nix-shell\n\"\"\"\n#!nix-shell -i python3\n\"\"\"\nimport a\n";
    let h = parse(t);
    let out = edit::apply(t, &h, &edit::request_by_name(&h, &["a"], &[])).unwrap();
    assert_eq!(out, "#!/usr/bin/env nix-shell\n#! nix-shell -p \"python3.withPackages (ps: [ ps.a ])\"\n\"\"\"\n#!nix-shell -i python3\n\"\"\"\nimport a\n");
}

#[test]
fn flake_expr_forms() {
    let t = "#!/usr/bin/env nix\n#! nix shell --impure --expr ``(import <nixpkgs> { }).python312.withPackages (ps: [ ps.requests ps.rich ])``\n#! nix -c python3\nimport requests\n";
    let h = parse(t);
    assert_eq!(names(&h), ["requests", "rich"]);
    assert_eq!(
        h.python_version(),
        Some(PyVersion {
            major: 3,
            minor: 12
        })
    );
    let out = edit::apply(t, &h, &edit::request_by_name(&h, &["click"], &["rich"])).unwrap();
    assert!(
        out.contains("withPackages (ps: [ ps.click ps.requests ])``"),
        "{out}"
    );
    // A flake expression without withPackages that names Python: not understood.
    let t = "#!/usr/bin/env nix\n#! nix shell --expr ``with import <nixpkgs> { }; python3.buildEnv.override { }``\n#! nix -c python3\n";
    let h = parse(t);
    assert!(h.declarations.is_empty());
    assert_eq!(h.unsupported.len(), 1);
}

#[test]
fn glued_values() {
    let h = parse(&script(&[
        "#!nix-shell -j4 -I/opt/pkgs -p python3Packages.a -i python3",
    ]));
    assert!(h.unsupported.is_empty(), "{:?}", h.unsupported);
    assert_eq!(h.include_paths, ["/opt/pkgs"]);
    assert!(h.is_python());
    let h = parse(&script(&[
        "#!nix-shell -Inixpkgs=../pkgs -p python3Packages.a -i python3",
    ]));
    // Nix reads `-I -n -i -x -p -k -g -s =../pkgs`: reported, and `-i` is `-x`.
    assert!(h.unsupported[0].reason.contains("bundled"));
    assert!(!h.is_python() || h.interpreter.as_ref().unwrap().program == "python3");
}

#[test]
fn a_repeat_is_removed_by_index_and_the_first_kept() {
    let t = script(&[
        r#"#!nix-shell -i python3 -p "python3.withPackages (ps: with ps; [ rich click rich ])""#,
    ]);
    let h = parse(&t);
    assert_eq!(names(&h), ["rich", "click", "rich"]);
    let req = EditRequest {
        remove: vec![2],
        ..Default::default()
    };
    let out = edit::apply(&t, &h, &req).unwrap();
    assert!(out.contains("with ps; [ rich click ])"), "{out}");
    let req = EditRequest {
        remove: vec![0],
        add: vec!["rich".into()],
        ..Default::default()
    };
    // The other `rich` stays, so adding it again does nothing.
    let out = edit::apply(&t, &h, &req).unwrap();
    assert!(out.contains("with ps; [ click rich ])"), "{out}");
}

#[test]
fn flake_list_over_several_lines() {
    let t = "#!/usr/bin/env nix\n#! nix shell --impure --expr ``\n#! nix (import <nixpkgs> { }).python3.withPackages (ps: [\n#! nix   ps.click\n#! nix   ps.six\n#! nix ])``\n#! nix --command python3\nimport six\n";
    let h = parse(t);
    assert_eq!(names(&h), ["click", "six"]);
    let out = edit::apply(t, &h, &edit::request_by_name(&h, &["rich"], &["click"])).unwrap();
    assert_eq!(
        out,
        "#!/usr/bin/env nix\n#! nix shell --impure --expr ``\n#! nix (import <nixpkgs> { }).python3.withPackages (ps: [\n#! nix\n#! nix   ps.rich ps.six\n#! nix ])``\n#! nix --command python3\nimport six\n"
    );
}
