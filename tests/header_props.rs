//! Property tests of the edit engine: random add/remove/rename sequences on
//! random headers of every style keep the non-header bytes identical,
//! re-parse to the requested set, and are idempotent.

use nixdeps::header::{self, edit, Header};
use proptest::prelude::*;
use std::collections::BTreeSet;

const POOL: &[&str] = &[
    "aiohttp", "attrs", "click", "numpy", "pyyaml", "requests", "rich", "six", "toolz", "zstd",
];

#[derive(Debug, Clone, Copy)]
enum Style {
    Selected,
    WithBare,
    WithMixed,
    Concat,
    Words,
    PkgsWords,
    Unquoted,
    SingleQuoted,
    BarePython,
    NoPython,
    NoPackagesMode,
    FlakeInstallables,
    FlakeExpr,
    FlakeExprLines,
}

const STYLES: &[Style] = &[
    Style::Selected,
    Style::WithBare,
    Style::WithMixed,
    Style::Concat,
    Style::Words,
    Style::PkgsWords,
    Style::Unquoted,
    Style::SingleQuoted,
    Style::BarePython,
    Style::NoPython,
    Style::NoPackagesMode,
    Style::FlakeInstallables,
    Style::FlakeExpr,
    Style::FlakeExprLines,
];

/// The header lines (after the shebang) for `attrs` in `style`.
fn render(style: Style, attrs: &[String], split_lines: bool) -> (String, Vec<String>) {
    let sel = |a: &[String]| {
        a.iter()
            .map(|x| format!("ps.{x}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let bare = |a: &[String]| a.join(" ");
    let interp = "-i python3";
    let (first, pkgs): (&str, String) = match style {
        Style::Selected => ("nix-shell", format!("-p \"python3.withPackages (ps: [ {} ])\"", sel(attrs))),
        Style::WithBare => ("nix-shell", format!("-p \"python3.withPackages(ps: with ps; [ {} ])\"", bare(attrs))),
        Style::WithMixed => {
            let mixed: Vec<String> = attrs
                .iter()
                .enumerate()
                .map(|(i, a)| if i % 2 == 0 { a.clone() } else { format!("ps.{a}") })
                .collect();
            ("nix-shell", format!("-p \"python3.withPackages (ps: with ps; [ {} ])\"", mixed.join(" ")))
        }
        Style::Concat => {
            let (l, r) = attrs.split_at(attrs.len() / 2);
            (
                "nix-shell",
                format!(
                    "-p \"python3.withPackages (ps: [ {} ] ++ (with ps; [ /* more */ {} ]))\"",
                    sel(l),
                    bare(r)
                ),
            )
        }
        Style::Words => (
            "nix-shell",
            format!(
                "-p {} ffmpeg",
                attrs.iter().map(|a| format!("python3Packages.{a}")).collect::<Vec<_>>().join(" ")
            ),
        ),
        Style::PkgsWords => (
            "nix-shell",
            format!(
                "-p python3 {} nix.out",
                attrs.iter().map(|a| format!("python3.pkgs.{a}")).collect::<Vec<_>>().join(" ")
            ),
        ),
        Style::Unquoted => (
            "nix-shell",
            format!(
                "-p python3.withPackages\\ (ps:\\ [{}])",
                attrs.iter().map(|a| format!("\\ ps.{a}")).collect::<String>() + "\\ "
            ),
        ),
        Style::SingleQuoted => ("nix-shell", format!("-p 'python312.withPackages (ps: with ps; [ {} ])'", bare(attrs))),
        Style::BarePython => ("nix-shell", "-p python3 git".into()),
        Style::NoPython => ("nix-shell", "-p git".into()),
        Style::NoPackagesMode => ("nix-shell", "--pure".into()),
        Style::FlakeInstallables => (
            "nix",
            format!(
                "shell nixpkgs#hello {}",
                attrs.iter().map(|a| format!("nixpkgs#python3Packages.{a}")).collect::<Vec<_>>().join(" ")
            ),
        ),
        Style::FlakeExpr => (
            "nix",
            format!(
                "shell --impure --expr ``\n#! nix with import <nixpkgs> {{ }};\n#! nix python3.withPackages (ps: with ps; [\n#! nix   {}\n#! nix ])``",
                bare(attrs)
            ),
        ),
        Style::FlakeExprLines => (
            "nix",
            format!(
                "shell --impure --expr ``\n#! nix (import <nixpkgs> {{ }}).python3.withPackages (ps: [\n{}#! nix ])``",
                attrs.iter().map(|a| format!("#! nix   ps.{a}\n")).collect::<String>()
            ),
        ),
    };
    let mut lines = Vec::new();
    if first == "nix" {
        lines.push(format!("#! nix {pkgs}"));
        lines.push("#! nix --command python3".into());
        return ("#!/usr/bin/env nix".into(), lines);
    }
    if split_lines {
        lines.push(format!("#!nix-shell {interp}"));
        lines.push(format!("#!nix-shell {pkgs}"));
        lines.push("#! nix-shell -I nixpkgs=../pkgs".into());
    } else {
        lines.push(format!("#! nix-shell {interp} {pkgs}"));
    }
    ("#!/usr/bin/env nix-shell".into(), lines)
}

fn build(style: Style, attrs: &[String], split: bool, crlf: bool, final_nl: bool) -> String {
    let (shebang, lines) = render(style, attrs, split);
    let mut text = shebang + "\n";
    for l in lines {
        text.push_str(&l);
        text.push('\n');
    }
    text.push_str("# !nix-shell -p ignored\n\"\"\"Docstring with \\\" and ' quotes.\"\"\"\nimport os  # comment\nprint(os.sep)");
    if final_nl {
        text.push('\n');
    }
    if crlf {
        text = text.replace('\n', "\r\n");
    }
    text
}

fn non_header_lines(text: &str, h: &Header) -> Vec<String> {
    let lines: BTreeSet<usize> = h.lines.iter().map(|l| l.line).collect();
    text.split_inclusive('\n')
        .enumerate()
        .filter(|(i, _)| *i != 0 && !lines.contains(i))
        .map(|(_, l)| l.to_string())
        .collect()
}

fn declared(h: &Header) -> Vec<String> {
    let mut v: Vec<String> = h.declarations.iter().map(|d| d.attr.clone()).collect();
    v.sort();
    v
}

#[derive(Debug, Clone)]
struct Step {
    add: Vec<usize>,
    remove: Vec<usize>,
    rename: Option<(usize, usize)>,
}

fn step() -> impl Strategy<Value = Step> {
    (
        prop::collection::vec(0..POOL.len(), 0..3),
        prop::collection::vec(0..POOL.len(), 0..3),
        prop::option::of((0..POOL.len(), 0..POOL.len())),
    )
        .prop_map(|(add, remove, rename)| Step {
            add,
            remove,
            rename,
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn edits_keep_the_body_reach_the_set_and_are_idempotent(
        style in prop::sample::select(STYLES),
        initial in prop::sample::subsequence(POOL, 0..5),
        shuffle in any::<bool>(),
        split in any::<bool>(),
        crlf in any::<bool>(),
        final_nl in any::<bool>(),
        steps in prop::collection::vec(step(), 1..4),
    ) {
        let mut attrs: Vec<String> = match style {
            Style::BarePython | Style::NoPython | Style::NoPackagesMode => Vec::new(),
            _ => initial.iter().map(|s| s.to_string()).collect(),
        };
        if shuffle {
            attrs.reverse();
        }
        let original = build(style, &attrs, split, crlf, final_nl);
        let h0 = header::parse(&original).expect("a header");
        prop_assert_eq!(declared(&h0), { let mut a = attrs.clone(); a.sort(); a }, "{}", original);
        let body = non_header_lines(&original, &h0);
        let mut text = original.clone();
        let mut want: BTreeSet<String> = attrs.iter().cloned().collect();
        for s in steps {
            let h = header::parse(&text).expect("still a header");
            let add: Vec<&str> = s.add.iter().map(|&i| POOL[i]).collect();
            // A name both added and removed is a contradiction: drop the removal.
            let remove: Vec<&str> = s.remove.iter().map(|&i| POOL[i]).filter(|r| !add.contains(r)).collect();
            let mut req = edit::request_by_name(&h, &add, &remove);
            for r in &remove {
                want.remove(*r);
            }
            if let Some((from, to)) = s.rename {
                let target_free = !remove.contains(&POOL[to]) && !add.contains(&POOL[to]);
                if let Some(i) = h.declarations.iter().position(|d| d.attr == POOL[from] && !remove.contains(&POOL[from])).filter(|_| target_free) {
                    req.rename.push((i, POOL[to].to_string()));
                    want.remove(POOL[from]);
                    want.insert(POOL[to].to_string());
                }
            }
            let had_python = !h.pythons.is_empty() || !h.declarations.is_empty();
            match edit::plan(&text, &h, &req) {
                Ok(edits) => {
                    for e in &edits {
                        prop_assert!(!e.content.contains('\t') && !e.content.contains('\''));
                        prop_assert!(!e.content.ends_with('\\'));
                    }
                    text = nixdeps::diagnostic::apply_edits(&text, &edits).expect("no overlap");
                    want.extend(add.iter().map(|s| s.to_string()));
                }
                Err(edit::EditError::NoPlace) => {
                    // Only when there is nothing to add to and no way to add one.
                    prop_assert!(!add.is_empty());
                    prop_assert!(matches!(style, Style::FlakeInstallables) && !had_python, "{:?}\n{}", style, text);
                    // Nothing of this request happened; keep going without it.
                    want = declared(&h).into_iter().collect();
                    continue;
                }
                Err(e) => prop_assert!(false, "{e}\n{text}\n{req:?}"),
            }
            let h2 = header::parse(&text).expect("still a header");
            prop_assert_eq!(declared(&h2), want.iter().cloned().collect::<Vec<_>>(), "{}", text);
            prop_assert_eq!(&non_header_lines(&text, &h2), &body, "{}", text);
            prop_assert_eq!(h2.unsupported.len(), h0.unsupported.len(), "{}", text);
            let again = edit::request_by_name(&h2, &add, &remove);
            prop_assert_eq!(edit::plan(&text, &h2, &again), Ok(vec![]), "{}", text);
        }
    }
}

/// Fragments that header lines are made of, glued at random.
const FRAGMENTS: &[&str] = &[
    "#!nix-shell ",
    "#! nix-shell ",
    "#!nix-shell\t",
    "# !nix-shell ",
    "  #!nix-shell ",
    "#! nix ",
    "-i ",
    "python3 ",
    "-p ",
    "--packages ",
    "-I ",
    "--arg ",
    "--argstr ",
    "--run ",
    "-c ",
    "--command ",
    "--expr ",
    "shell ",
    "nixpkgs#python3Packages.x ",
    "\"",
    "'",
    "\\",
    "``",
    "`",
    "python3.withPackages",
    "(ps: ",
    "with ps; ",
    "[ ",
    "] ",
    "++ ",
    "ps.a ",
    "b ",
    ")",
    "(",
    "# c",
    "/* c */ ",
    "python311Packages.y ",
    "python3.pkgs.z ",
    "é ",
    "\n",
    "\r\n",
    " ",
    "{ }",
    ";",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    /// Any text: parsing never panics, spans are in range and on character
    /// boundaries, and planning an edit either fails cleanly or verifies.
    #[test]
    fn arbitrary_headers_never_panic(
        flake in any::<bool>(),
        parts in prop::collection::vec(prop::sample::select(FRAGMENTS), 0..40),
        add in prop::sample::subsequence(POOL, 0..3),
    ) {
        let mut text = String::from(if flake { "#!/usr/bin/env nix\n" } else { "#!/usr/bin/env nix-shell\n" });
        for p in parts {
            text.push_str(p);
        }
        text.push_str("\nimport os\n");
        let Some(h) = header::parse(&text) else {
            return Err(TestCaseError::fail("the shebang was not recognised"));
        };
        let ok = |s: nixdeps::span::Span| s.start <= s.end && s.end <= text.len()
            && text.is_char_boundary(s.start) && text.is_char_boundary(s.end);
        for w in &h.words {
            prop_assert!(ok(w.span));
            prop_assert_eq!(w.offsets.len(), w.text.len());
            prop_assert!(w.offsets.iter().all(|&o| o < text.len()));
        }
        for d in &h.declarations {
            prop_assert!(ok(d.span) && ok(d.element));
            prop_assert_eq!(&text[d.span.start..d.span.end], d.attr.as_str());
        }
        for u in &h.unsupported {
            prop_assert!(ok(u.span));
        }
        let _ = nixdeps::header::json::model(&text, &h);
        let remove: Vec<&str> = h.declarations.iter().take(1).map(|d| d.attr.as_str()).collect();
        let req = edit::request_by_name(&h, &add, &remove);
        if let Ok(edits) = edit::plan(&text, &h, &req) {
            let out = nixdeps::diagnostic::apply_edits(&text, &edits).expect("no overlap");
            prop_assert!(out.ends_with("\nimport os\n"));
        }
    }
}
