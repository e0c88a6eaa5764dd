//! `imports::extract`: what counts as an import, contexts, spans,
//! suppressions, recovery and pathological nesting.

use nixdeps::imports::{extract, file_suppressions, Context, Extracted};

fn modules(x: &Extracted) -> Vec<&str> {
    x.imports.iter().map(|i| i.module.as_str()).collect()
}

fn ctx(src: &str, module: &str) -> Context {
    let x = extract(src);
    x.imports
        .iter()
        .find(|i| i.module == module)
        .unwrap_or_else(|| panic!("{module} not found in {:?}", modules(&x)))
        .context
}

const PLAIN: Context = Context {
    optional: false,
    type_only: false,
    dynamic: false,
};
const OPTIONAL: Context = Context {
    optional: true,
    ..PLAIN
};
const TYPE_ONLY: Context = Context {
    type_only: true,
    ..PLAIN
};
const DYNAMIC: Context = Context {
    dynamic: true,
    ..PLAIN
};

#[test]
fn every_statement_form_anywhere() {
    let src = r#"
import a.b.c as x, d
from e.f import g, h as i
from . import rel
from .. rel2 import z
from .sibling import y
from __future__ import annotations
import __future__
def f():
    import inside_def
    class C:
        from inside_class import k
    async def g():
        async with ctx() as c:
            import inside_with
        for _ in []:
            import inside_for
        else:
            import inside_for_else
        while True:
            import inside_while
lambda: 1
match v:
    case 1:
        import inside_match
if x:
    pass
elif y:
    import inside_elif
else:
    import inside_else
"#;
    let x = extract(src);
    assert!(x.errors.is_empty(), "{:?}", x.errors);
    assert_eq!(
        modules(&x),
        [
            "a.b.c",
            "d",
            "e.f",
            "inside_def",
            "inside_class",
            "inside_with",
            "inside_for",
            "inside_for_else",
            "inside_while",
            "inside_match",
            "inside_elif",
            "inside_else"
        ]
    );
    assert!(x.imports.iter().all(|i| i.context == PLAIN));
    assert_eq!(x.imports[0].top_level(), "a");
}

#[test]
fn spans_cover_the_module_name() {
    let src = "import  os.path as p, sys\nfrom   google.protobuf import message\nimport a . b\n";
    let x = extract(src);
    let texts: Vec<&str> = x
        .imports
        .iter()
        .map(|i| &src[i.span.start..i.span.end])
        .collect();
    assert_eq!(texts, ["os.path", "sys", "google.protobuf", "a . b"]);
    assert_eq!(x.imports[3].module, "a.b");
}

#[test]
fn optional_handlers() {
    for handler in [
        "except ImportError:",
        "except ModuleNotFoundError:",
        "except Exception:",
        "except BaseException:",
        "except:",
        "except (KeyError, ImportError) as e:",
        "except builtins.ImportError:",
        "except (OSError, (ValueError, Exception)):",
    ] {
        let src = format!("try:\n    import m\n{handler}\n    pass\n");
        assert_eq!(ctx(&src, "m"), OPTIONAL, "{handler}");
    }
    for handler in [
        "except KeyError:",
        "except (OSError, ValueError):",
        "except ImportWarning:",
    ] {
        let src = format!("try:\n    import m\n{handler}\n    pass\n");
        assert_eq!(ctx(&src, "m"), PLAIN, "{handler}");
    }
    // try* with except* is a try too.
    assert_eq!(
        ctx("try:\n    import m\nexcept* ImportError:\n    pass\n", "m"),
        OPTIONAL
    );
}

#[test]
fn handler_else_finally_are_not_optional() {
    let src = "try:\n    import fast\nexcept ImportError:\n    import slow\nelse:\n    import after\nfinally:\n    import always\n";
    assert_eq!(ctx(src, "fast"), OPTIONAL);
    assert!(!ctx(src, "fast").required() && ctx(src, "slow").required());
    assert_eq!(ctx(src, "slow"), PLAIN);
    assert_eq!(ctx(src, "after"), PLAIN);
    assert_eq!(ctx(src, "always"), PLAIN);
    // …unless an outer try guards them.
    let nested = "try:\n    try:\n        import a\n    except KeyError:\n        import b\nexcept ImportError:\n    pass\n";
    assert_eq!(ctx(nested, "a"), OPTIONAL);
    assert_eq!(ctx(nested, "b"), OPTIONAL);
}

#[test]
fn type_checking() {
    let src = "from typing import TYPE_CHECKING\nimport typing\nif TYPE_CHECKING:\n    import a\nelse:\n    import b\nif typing.TYPE_CHECKING:\n    from c import C\nif x:\n    pass\nelif TYPE_CHECKING:\n    import d\nif not TYPE_CHECKING:\n    import e\nelse:\n    import f\n";
    assert_eq!(ctx(src, "a"), TYPE_ONLY);
    assert_eq!(ctx(src, "b"), PLAIN);
    assert_eq!(ctx(src, "c"), TYPE_ONLY);
    assert_eq!(ctx(src, "d"), TYPE_ONLY);
    assert_eq!(ctx(src, "e"), PLAIN);
    assert_eq!(ctx(src, "f"), TYPE_ONLY);
    assert_eq!(ctx(src, "typing"), PLAIN);
    // Both guards at once.
    let both =
        "if TYPE_CHECKING:\n    try:\n        import g\n    except ImportError:\n        pass\n";
    assert_eq!(
        ctx(both, "g"),
        Context {
            optional: true,
            type_only: true,
            dynamic: false
        }
    );
}

#[test]
fn dynamic_imports() {
    let src = r#"
import importlib
import importlib as il
from importlib import import_module as im
importlib.import_module("x.y")
il.import_module('dyn2')
im("dyn3")
__import__("dyn4")
importlib.import_module(".relative", package="p")
importlib.import_module(name)
importlib.import_module(f"plug_{name}")
other.import_module("not_an_import")
unbound("nope")
def f():
    try:
        return __import__("dyn5" "_cat")
    except ImportError:
        return None
"#;
    let x = extract(src);
    let dynamic: Vec<&str> = x
        .imports
        .iter()
        .filter(|i| i.context.dynamic)
        .map(|i| i.module.as_str())
        .collect();
    assert_eq!(dynamic, ["x.y", "dyn2", "dyn3", "dyn4", "dyn5_cat"]);
    assert_eq!(ctx(src, "x.y"), DYNAMIC);
    assert_eq!(
        ctx(src, "dyn5_cat"),
        Context {
            optional: true,
            dynamic: true,
            type_only: false
        }
    );
    let i = x.imports.iter().find(|i| i.module == "dyn2").unwrap();
    assert_eq!(&src[i.span.start..i.span.end], "dyn2");
    // A bare `import_module(...)` needs `from importlib import import_module`.
    assert!(extract("import_module('x')\n").imports.is_empty());
    assert_eq!(
        modules(&extract(
            "from importlib import import_module\nimport_module('x')\n"
        )),
        ["importlib", "x"]
    );
}

#[test]
fn trailing_suppressions() {
    let src = "import a  # nixdeps: ignore[ND003,nd001]\nimport b  # nixdeps: ignore\nimport c  # other\nfrom d import (\n    e,\n)  # nixdeps: ignore[ND002]\ns = '# nixdeps: ignore'; import f\nimport g\n";
    let x = extract(src);
    let sup: Vec<(&str, Vec<String>)> = x
        .imports
        .iter()
        .map(|i| (i.module.as_str(), i.suppressed.clone()))
        .collect();
    assert_eq!(
        sup,
        [
            ("a", vec!["ND003".to_string(), "ND001".to_string()]),
            ("b", vec!["*".to_string()]),
            ("c", vec![]),
            ("d", vec!["ND002".to_string()]),
            ("f", vec![]),
            ("g", vec![]),
        ]
    );
    assert!(x.imports[0].is_suppressed("nd001"));
    assert!(!x.imports[0].is_suppressed("ND002"));
    assert!(x.imports[1].is_suppressed("ND777"));
    assert_eq!(
        file_suppressions("#!/usr/bin/env nix-shell\n# nixdeps: ignore[ND002, ND003]\nimport a\n"),
        ["ND002", "ND003"]
    );
}

#[test]
fn recovers_after_syntax_errors() {
    let src = "import before\ndef broken(:\n    import inside_broken\nx = (1,\nimport after_paren\nclass C\n    pass\nimport after\n";
    let x = extract(src);
    assert!(!x.errors.is_empty());
    let m = modules(&x);
    assert!(m.contains(&"before"), "{m:?}");
    assert!(m.contains(&"after"), "{m:?}");
    let e = &x.errors[0];
    assert!(e.span.start >= src.find("(:").unwrap(), "{e:?}");
    assert!(!e.message.is_empty());
    // PEP 701 f-strings (3.12) are not errors, and the imports survive.
    let x = extract("import a\nprint(f\"{'\\n'.join(x)}\" f'{x:{y}}')\nimport b\n");
    assert!(x.errors.is_empty(), "{:?}", x.errors);
    assert_eq!(modules(&x), ["a", "b"]);
}

#[test]
fn garbage_never_panics() {
    for src in [
        "",
        "import",
        "import ",
        "from",
        "from import x",
        "from . import",
        "import a..b",
        "import a.",
        "from a import",
        "\u{feff}",
        "(((",
        "try:",
        "if TYPE_CHECKING",
        "\\",
        "import_module(",
        "__import__(",
        "__import__(1)",
        "\"\"\"",
        "lazy import x",
    ] {
        let x = extract(src);
        for i in &x.imports {
            assert!(!i.module.is_empty(), "{src:?}");
            assert!(i.span.end <= src.len());
        }
    }
}

fn deep(depth: usize, open: &str, close: &str, inner: &str) -> String {
    format!(
        "import first\nx = {}{}{}\nimport last\n",
        open.repeat(depth),
        inner,
        close.repeat(depth)
    )
}

/// Pathological nesting must neither overflow the stack nor lose imports.
/// Run on a thread with a *small* (256 KiB) stack to show the guards work.
#[test]
fn deep_nesting_does_not_overflow() {
    let cases = [
        deep(10_000, "(", ")", "1"),
        deep(10_000, "[", "]", "1"),
        deep(10_000, "f(", ")", "1"),
        deep(10_000, "-", "", "1"),
        deep(10_000, "not ", "", "1"),
        format!(
            "import first\nx = {}1\nimport last\n",
            "1 + ".repeat(100_000)
        ),
        format!(
            "import first\nx = {}\nimport last\n",
            "a.".repeat(50_000) + "b"
        ),
        format!(
            "import first\n{}import last\n",
            (0..2_000)
                .map(|d| format!("{}if x:\n", " ".repeat(d)))
                .collect::<String>()
                + &" ".repeat(2_000)
                + "pass\n"
        ),
    ];
    let handle = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(move || {
            // With a dynamic import in the file, expressions are walked too.
            cases
                .iter()
                .flat_map(|src| [src.clone(), format!("{src}__import__('dyn')\n")])
                .map(|src| {
                    (
                        src.contains("__import__"),
                        modules(&extract(&src)).join(","),
                    )
                })
                .collect::<Vec<_>>()
        })
        .unwrap();
    let results = handle.join().expect("no stack overflow");
    assert_eq!(results.len(), 16);
    for (dynamic, r) in results {
        let want = if dynamic { "last,dyn" } else { "last" };
        assert!(r.starts_with("first,") && r.ends_with(want), "{r}");
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(400))]
    /// Arbitrary Python-ish text: no panic, and every span is a valid,
    /// in-bounds slice whose text names the module (or the string holding it).
    #[test]
    fn never_panics_and_spans_are_valid(
        src in proptest::collection::vec(proptest::prop_oneof![
            proptest::strategy::Just("import "), proptest::strategy::Just("from "),
            proptest::strategy::Just(" import "), proptest::strategy::Just("."),
            proptest::strategy::Just("a"), proptest::strategy::Just("é"),
            proptest::strategy::Just("\n"), proptest::strategy::Just("    "),
            proptest::strategy::Just("try:"), proptest::strategy::Just("except ImportError:"),
            proptest::strategy::Just("if TYPE_CHECKING:"), proptest::strategy::Just("("),
            proptest::strategy::Just(")"), proptest::strategy::Just(","),
            proptest::strategy::Just("__import__('x')"), proptest::strategy::Just("\""),
            proptest::strategy::Just("# nixdeps: ignore[ND001]"), proptest::strategy::Just("\\"),
            proptest::strategy::Just(" as "), proptest::strategy::Just("f'{"),
            proptest::strategy::Just("}"), proptest::strategy::Just(":"),
        ], 0..60)
    ) {
        let src: String = src.concat();
        let x = extract(&src);
        for i in &x.imports {
            let text = src.get(i.span.start..i.span.end);
            proptest::prop_assert!(text.is_some(), "{:?} in {:?}", i, src);
            let first = i.top_level();
            proptest::prop_assert!(text.unwrap().contains(first), "{:?} in {:?}", i, src);
        }
        for e in &x.errors {
            proptest::prop_assert!(e.span.end <= src.len());
        }
    }
}
