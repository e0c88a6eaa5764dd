//! The import scanner (`src/imports/python/scan.rs`) against ruff's tree
//! walk: on every `.py` file of this machine's Python (standard library and
//! site-packages) and on generated snippets, wherever the scanner answers,
//! it must answer exactly what the tree gives — every import with its
//! span, statement span, context, names, version guard and fallback list,
//! every relative import, every comment, and no syntax error.

use proptest::prelude::*;
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::process::Command;

fn python_dirs() -> Option<Vec<PathBuf>> {
    let py = std::env::var("NIXDEPS_TEST_PYTHON").unwrap_or_else(|_| "python3".into());
    let out = Command::new(&py)
        .args([
            "-c",
            "import sysconfig; p = sysconfig.get_paths(); print(p['stdlib']); print(p['purelib']); print(p['platlib'])",
        ])
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let mut dirs: Vec<PathBuf> = String::from_utf8(out.stdout)
        .ok()?
        .lines()
        .map(PathBuf::from)
        .collect();
    dirs.dedup();
    Some(dirs)
}

fn py_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            let Ok(ft) = e.file_type() else { continue };
            if ft.is_dir() && e.file_name() != "__pycache__" {
                stack.push(p);
            } else if ft.is_file() && p.extension().is_some_and(|x| x == "py") {
                out.push(p);
            }
        }
    }
}

/// `None` when they agree (or the scanner deferred), else a description.
fn difference(text: &str) -> (bool, Option<String>) {
    let (scan, tree) = nixdeps::imports::scan_and_tree(text);
    match scan {
        None => (false, None),
        Some(s) if s == tree => (true, None),
        Some(s) => {
            let diff = similar::TextDiff::from_lines(&tree, &s);
            let shown: String = diff
                .unified_diff()
                .context_radius(3)
                .header("tree", "scan")
                .to_string()
                .lines()
                .take(40)
                .map(|l| format!("{l}\n"))
                .collect();
            (true, Some(shown))
        }
    }
}

#[test]
fn scanner_agrees_with_the_tree_on_this_pythons_files() {
    let Some(dirs) = python_dirs() else {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("no python3 (set NIXDEPS_TEST_PYTHON)");
        }
        eprintln!("SKIPPED LOUDLY: no python3 on PATH (set NIXDEPS_TEST_PYTHON)");
        return;
    };
    let mut files = Vec::new();
    for d in &dirs {
        py_files(d, &mut files);
    }
    files.sort();
    files.dedup();
    assert!(
        files.len() > 1000,
        "only {} files under {dirs:?}",
        files.len()
    );
    let results: Vec<(bool, Option<String>)> = files
        .par_iter()
        .map(|p| {
            let Ok(bytes) = std::fs::read(p) else {
                return (false, None);
            };
            let Ok(src) = nixdeps::read::decode(&bytes) else {
                return (false, None);
            };
            let (scanned, diff) = difference(&src.text);
            (scanned, diff.map(|d| format!("{}:\n{d}", p.display())))
        })
        .collect();
    let scanned = results.iter().filter(|r| r.0).count();
    let diffs: Vec<&String> = results.iter().filter_map(|r| r.1.as_ref()).collect();
    eprintln!(
        "{} files, {} answered by the scanner, {} left to the tree, {} differ",
        files.len(),
        scanned,
        files.len() - scanned,
        diffs.len()
    );
    // The fast path must be the common one, or it is no fast path.
    assert!(
        scanned * 10 >= files.len() * 7,
        "the scanner answered only {scanned} of {} files",
        files.len()
    );
    assert!(
        diffs.is_empty(),
        "{} files differ; first ones:\n{}",
        diffs.len(),
        diffs
            .iter()
            .take(5)
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// One statement of the generated snippets, at indentation `ind`.
fn stmt(depth: u32) -> BoxedStrategy<Vec<String>> {
    let simple = prop_oneof![
        Just("import os".to_string()),
        Just("import a.b as c, d".to_string()),
        Just("from x.y import (p,\n    q as r,)".to_string()),
        Just("from . import z".to_string()),
        Just("from ..m import *".to_string()),
        Just("from __future__ import annotations".to_string()),
        Just("import tomllib; x = 1".to_string()),
        Just("x = 1; import yaml".to_string()),
        Just("s = 'import nope' \"\"\"import nope\"\"\"".to_string()),
        Just("t = f\"{a['k']:>{w}} import no {{x}}\"".to_string()),
        Just("u = (1,\n  # import no\n  2)".to_string()),
        Just("v = 1 + \\\n    2".to_string()),
        Just("raise SystemExit(1)".to_string()),
        Just("sys.exit(2)".to_string()),
        Just("exit()".to_string()),
        Just("pass  # nixdeps: ignore[ND001]".to_string()),
        Just("print('x')".to_string()),
        Just("import requests  # nixdeps: ignore".to_string()),
        Just("from typing import TYPE_CHECKING".to_string()),
        Just("x: int = 0x1_f + 1.5e-3j".to_string()),
        Just("type X = int".to_string()),
        Just("d = {k: v for k, v in e if not k in f}".to_string()),
        Just("m = importlib.import_module('yaml.x', package=p)".to_string()),
        Just("import importlib as il; il.import_module(\"toml\")".to_string()),
        Just("from importlib import import_module as im".to_string()),
        Just("x = [im('a.b' 'c') for _ in y]".to_string()),
        Just("@register(__import__(r'zz'))\nclass C: pass".to_string()),
        Just("v = __import__('.rel') or __import__(f'no') or __import__(name)".to_string()),
        Just("print(f\"{x!r}\", __import__('q'))".to_string()),
        // What sys.path changes read: names bound from __file__, reassigned,
        // annotated, in comprehensions and inline bodies.
        Just("HERE = os.path.dirname(os.path.abspath(__file__))".to_string()),
        Just("LIB = os.path.join(HERE, 'lib'); sys.path.insert(0, LIB)".to_string()),
        Just("HERE = compute()".to_string()),
        Just("(LIB): int".to_string()),
        Just("a = b = Path(__file__).resolve().parents[1] / \"src\"".to_string()),
        Just("sys.path.append(str(a)); site.addsitedir(b)".to_string()),
        Just("sys.path[0:0] = [HERE]; sys.path += [LIB, 'x']".to_string()),
        Just("x = [sys.path.append(d) for d in (HERE, 'a')]".to_string()),
        Just("for p in [LIB]: sys.path.extend([p, HERE])".to_string()),
        Just("print(sys.path)".to_string()),
        Just("print(f\"{sys.path.append(HERE)}\")".to_string()),
    ]
    .prop_map(|s| vec![s]);
    if depth == 0 {
        return simple.boxed();
    }
    let body = || prop::collection::vec(stmt(depth - 1), 1..3).prop_map(|v| v.concat());
    let tests = prop_oneof![
        Just("TYPE_CHECKING"),
        Just("not TYPE_CHECKING"),
        Just("typing.TYPE_CHECKING"),
        Just("sys.version_info >= (3, 11)"),
        Just("sys.version_info[:2] < (3, 8)"),
        Just("(3, 9) <= sys.version_info"),
        Just("sys.version_info.major == 2 or x"),
        Just("not (sys.version_info[1] > 10 and y)"),
        Just("sys.version_info > (3, 10, 5)"),
        Just("version_info < (3,)"),
        Just("x"),
        Just("a < b < c"),
        Just("__import__('cond')"),
        Just("not sys.path.insert(0, HERE)"),
    ];
    let handlers = prop_oneof![
        Just("except ImportError:"),
        Just("except (ValueError, ModuleNotFoundError) as e:"),
        Just("except builtins.ImportError:"),
        Just("except KeyError:"),
        Just("except:"),
        Just("except Exception as e:"),
        Just("except __import__('h').Error:"),
    ];
    let indent = |v: Vec<String>| -> Vec<String> {
        v.into_iter()
            .map(|s| {
                s.lines()
                    .map(|l| format!("    {l}"))
                    .collect::<Vec<_>>()
                    .join("\n")
            })
            .collect()
    };
    prop_oneof![
        3 => simple,
        1 => (tests.clone(), body(), prop::option::of((tests, body())), prop::option::of(body()))
            .prop_map(move |(t, b, elif, els)| {
                let mut v = vec![format!("if {t}:")];
                v.extend(indent(b));
                if let Some((t2, b2)) = elif {
                    v.push(format!("elif {t2}:"));
                    v.extend(indent(b2));
                }
                if let Some(e) = els {
                    v.push("else:".into());
                    v.extend(indent(e));
                }
                v
            }),
        1 => (body(), prop::collection::vec((handlers, body()), 0..3), prop::option::of(body()))
            .prop_map(move |(b, hs, fin)| {
                let mut v = vec!["try:".to_string()];
                v.extend(indent(b));
                for (h, hb) in &hs {
                    v.push(h.to_string());
                    v.extend(indent(hb.clone()));
                }
                if hs.is_empty() || fin.is_some() {
                    v.push("finally:".into());
                    v.extend(indent(fin.unwrap_or_else(|| vec!["pass".into()])));
                }
                v
            }),
        1 => body().prop_map(move |b| {
            let mut v = vec!["def f(a, *, b=lambda: 0) -> None:".to_string()];
            v.extend(indent(b));
            v
        }),
        1 => Just(vec!["try: import simplejson as json\nexcept ImportError: import json".to_string()]),
    ]
    .boxed()
}

/// Small edits that make most snippets invalid: the scanner must then
/// either defer or still agree with the tree.
fn mutate(text: &str, at: usize, what: u8) -> String {
    let mut t = text.to_string();
    let mut at = at % (t.len() + 1);
    while !t.is_char_boundary(at) {
        at -= 1;
    }
    let pieces = [
        "", " ", "\n", "(", ")", ":", ",", "=", "'", "\"", "\\", "#", "import", "\t", "else:",
        "print ", "  ", "f'{", "0777", "`",
    ];
    let p = pieces[what as usize % pieces.len()];
    if what.is_multiple_of(3) {
        let end = (at + 1..=t.len())
            .find(|&e| t.is_char_boundary(e))
            .unwrap_or(t.len());
        t.replace_range(at..end, p);
    } else {
        t.insert_str(at, p);
    }
    t
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn scanner_agrees_on_generated_snippets(stmts in prop::collection::vec(stmt(3), 1..6)) {
        let text = stmts.concat().join("\n") + "\n";
        let (scanned, diff) = difference(&text);
        prop_assert!(diff.is_none(), "{text}\n{}", diff.unwrap_or_default());
        let _ = scanned;
    }

    #[test]
    fn scanner_agrees_on_broken_snippets(
        stmts in prop::collection::vec(stmt(2), 1..5),
        edits in prop::collection::vec((any::<usize>(), any::<u8>()), 1..3),
    ) {
        let text = broken(&stmts, &edits);
        // Some edits keep the code valid (a space, a comment, a line
        // break in brackets): then the answers must be the same. Where the
        // tree sees an error the two recover differently; how often the
        // scanner defers then is `most_broken_snippets_reach_the_parser`.
        let (scan, tree) = nixdeps::imports::scan_and_tree(&text);
        if let (Some(scan), false) = (scan, has_errors(&tree)) {
            prop_assert_eq!(scan, tree, "{:?}", text);
        }
    }
}

fn broken(stmts: &[Vec<String>], edits: &[(usize, u8)]) -> String {
    let mut text = stmts.concat().join("\n") + "\n";
    for &(at, what) in edits {
        text = mutate(&text, at, what);
    }
    text
}

fn has_errors(rendered: &str) -> bool {
    !rendered.ends_with("\nerrors []")
}

/// How many broken snippets still reach the parser (and so ND101): the
/// scanner's checks are token-level, so this is a rate, not a guarantee.
#[test]
fn most_broken_snippets_reach_the_parser() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]);
    let mut runner = TestRunner::new_with_rng(Config::default(), rng);
    let strategy = (
        prop::collection::vec(stmt(2), 1..5),
        prop::collection::vec((any::<usize>(), any::<u8>()), 1..3),
    );
    let (mut with_errors, mut deferred) = (0, 0);
    let mut missed = Vec::new();
    for _ in 0..3000 {
        let (stmts, edits) = strategy.new_tree(&mut runner).unwrap().current();
        let text = broken(&stmts, &edits);
        let (scan, tree) = nixdeps::imports::scan_and_tree(&text);
        if has_errors(&tree) {
            with_errors += 1;
            if scan.is_none() {
                deferred += 1;
            } else if missed.len() < 5 {
                missed.push(text);
            }
        }
    }
    eprintln!(
        "{with_errors} broken snippets with a syntax error, {deferred} left to the parser; missed e.g. {missed:#?}"
    );
    assert!(
        with_errors > 1000,
        "the mutations broke only {with_errors} snippets"
    );
    assert!(
        deferred * 100 >= with_errors * 95,
        "only {deferred} of {with_errors} broken snippets reached the parser; e.g. {missed:#?}"
    );
}

/// Syntax errors common in real scripts (Python 2 above all) must reach
/// the parser, so ND101 reports them and no fix is applied.
#[test]
fn common_syntax_errors_reach_the_parser() {
    let cases = [
        "print \"hello\"\n",
        "import os\nprint os.name\n",
        "exec \"x = 1\"\n",
        "raise ValueError, \"bad\"\n",
        "x = `1`\n",
        "x = 0777\n",
        "x = 10L\n",
        "s = ur\"x\"\n",
        "if 1 <> 2: pass\n",
        "x = = 1\n",
        "f(a,,b)\n",
        "x = 1 +\n",
        "if x\n    import y\n",
        "if x:\nimport y\n",
        "if x:\n        a = 1\n    b = 2\n",
        "  import y\n",
        "s = 'unterminated\n",
        "s = '''unterminated\n",
        "f(\n",
        "x = (]\n",
        "try:\n    import a\n",
        "else:\n    pass\n",
        "def f(:\n    pass\n",
        "class A(B:\n    pass\n",
        "x = f'{}'\n",
        "x = f'{a b}'\n",
        "import a.\n",
        "from . import\n",
        "from x import a,\n",
        "import (a)\n",
    ];
    for text in cases {
        let (scan, tree) = nixdeps::imports::scan_and_tree(text);
        assert!(has_errors(&tree), "the parser accepts {text:?}");
        assert!(scan.is_none(), "the scanner answered for {text:?}");
    }
}
