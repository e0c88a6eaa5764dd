//! `imports::analyze` over `fixtures/imports/follow`: classification and the
//! transitive first-party follow (packages, relative imports, cycles,
//! unreadable and broken siblings).

use nixdeps::header::PyVersion;
use nixdeps::imports::{analyze, Class, Needed};
use std::path::{Path, PathBuf};

const PY312: PyVersion = PyVersion {
    major: 3,
    minor: 12,
};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/imports/follow")
}

fn file_name(n: &Needed) -> String {
    n.file
        .as_ref()
        .map(|f| {
            f.strip_prefix(dir())
                .unwrap_or(f)
                .to_string_lossy()
                .into_owned()
        })
        .unwrap_or_else(|| "<script>".into())
}

#[test]
fn follows_first_party_transitively() {
    let path = dir().join("script.py");
    let text = std::fs::read_to_string(&path).unwrap();
    let a = analyze(Some(&path), &text, PY312, &[]);
    assert!(a.errors.is_empty());

    let third: Vec<(String, String)> = a
        .imports
        .iter()
        .filter(|n| n.class == Class::ThirdParty)
        .map(|n| (n.import.module.clone(), file_name(n)))
        .collect();
    let expect = [
        ("yaml", "<script>"),
        ("missing_sibling", "<script>"),
        ("requests", "utils.py"),
        ("numpy", "helper.py"),
        ("attr", "pkg/api.py"),
        ("toml", "pkg/core.py"),
        ("mypy_extensions", "pkg/extra.py"),
        ("click", "nsdir/mod.py"),
        ("rich", "optional_local.py"),
        ("jinja2", "broken.py"),
        ("markdown", "broken.py"),
    ];
    for (m, f) in expect {
        assert!(
            third.iter().any(|(tm, tf)| tm == m && tf == f),
            "{m} from {f} missing in {third:?}"
        );
    }
    assert_eq!(third.len(), expect.len(), "{third:?}");

    // Each file read once despite utils ⇄ helper and helper → script.
    let followed: Vec<String> = a
        .followed
        .iter()
        .map(|f| {
            f.strip_prefix(dir())
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    let mut sorted = followed.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), followed.len(), "{followed:?}");
    assert!(!followed.iter().any(|f| f == "script.py"));
    for f in [
        "utils.py",
        "helper.py",
        "pkg/__init__.py",
        "pkg/core.py",
        "pkg/extra.py",
    ] {
        assert!(
            followed.iter().any(|x| x == f),
            "{f} not followed: {followed:?}"
        );
    }

    // Imports found elsewhere point back at the script's import that led there.
    let numpy = a
        .imports
        .iter()
        .find(|n| n.import.module == "numpy")
        .unwrap();
    let via = numpy.via.unwrap();
    assert_eq!(&text[via.start..via.end], "utils");
    let toml = a
        .imports
        .iter()
        .find(|n| n.import.module == "toml")
        .unwrap();
    assert_eq!(&text[toml.via.unwrap().start..toml.via.unwrap().end], "pkg");
    assert_eq!(
        &std::fs::read_to_string(toml.file.as_ref().unwrap()).unwrap()
            [toml.import.span.start..toml.import.span.end],
        "toml"
    );

    // Contexts propagate along the chain.
    let rich = a
        .imports
        .iter()
        .find(|n| n.import.module == "rich")
        .unwrap();
    assert!(rich.import.context.optional);
    assert!(!numpy.import.context.optional);
    let mx = a
        .imports
        .iter()
        .find(|n| n.import.module == "mypy_extensions")
        .unwrap();
    assert!(mx.import.context.type_only);

    // Script imports: classes and first-party paths.
    let class_of = |m: &str| {
        &a.imports
            .iter()
            .find(|n| n.import.module == m && n.file.is_none())
            .unwrap()
            .class
    };
    assert_eq!(class_of("os"), &Class::Stdlib);
    assert!(
        matches!(class_of("fast"), Class::FirstParty { path: Some(p) } if p.to_string_lossy().ends_with(".so"))
    );
    assert!(matches!(class_of("nsdir.mod"), Class::FirstParty { .. }));

    // Problems: the undecodable sibling stops the follow (its lxml is not
    // seen), the broken one is reported but its recovered imports count.
    assert!(!a.imports.iter().any(|n| n.import.module == "lxml"));
    let probs: Vec<(String, String)> = a
        .problems
        .iter()
        .map(|p| {
            (
                p.path.file_name().unwrap().to_string_lossy().into_owned(),
                p.message.clone(),
            )
        })
        .collect();
    assert!(
        probs
            .iter()
            .any(|(f, m)| f == "undecodable.py" && m.contains("line 2")),
        "{probs:?}"
    );
    assert!(
        probs
            .iter()
            .any(|(f, m)| f == "broken.py" && m.contains("syntax error at line 2")),
        "{probs:?}"
    );
    let und = a
        .problems
        .iter()
        .find(|p| p.path.ends_with("undecodable.py"))
        .unwrap();
    assert_eq!(&text[und.via.start..und.via.end], "undecodable");
}

#[test]
fn suppression_propagates_from_the_script_import() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("helper.py"),
        "import yaml\nimport toml  # nixdeps: ignore[ND001]\n",
    )
    .unwrap();
    let script = dir.path().join("s.py");
    let text = "import helper  # nixdeps: ignore[ND003]\n";
    std::fs::write(&script, text).unwrap();
    let a = analyze(Some(&script), text, PY312, &[]);
    let yaml = a
        .imports
        .iter()
        .find(|n| n.import.module == "yaml")
        .unwrap();
    assert_eq!(yaml.import.suppressed, ["ND003"]);
    let toml = a
        .imports
        .iter()
        .find(|n| n.import.module == "toml")
        .unwrap();
    assert_eq!(toml.import.suppressed, ["ND001", "ND003"]);
}

#[test]
fn stdin_has_no_siblings() {
    let a = analyze(None, "import utils\nimport yaml\n", PY312, &[]);
    assert!(a.followed.is_empty());
    assert!(a.imports.iter().all(|n| n.class == Class::ThirdParty));
    // A relative path without a directory part resolves against ".".
    let a = analyze(Some(Path::new("script.py")), "import os\n", PY312, &[]);
    assert_eq!(a.imports[0].class, Class::Stdlib);
}

fn analyze_str(text: &str, minor: u8) -> nixdeps::imports::Analysis {
    analyze(None, text, PyVersion { major: 3, minor }, &[])
}

fn reachable(a: &nixdeps::imports::Analysis) -> Vec<String> {
    a.imports.iter().map(|n| n.import.module.clone()).collect()
}

#[test]
fn version_guards_drop_imports_that_never_run() {
    let src = "import sys\nif sys.version_info >= (3, 11):\n    import tomllib\nelse:\n    import tomli\nif sys.version_info[:2] < (3, 9):\n    import backports_zoneinfo\nelif sys.version_info < (3, 12):\n    import mid\nelse:\n    import new\nif (3, 8) > sys.version_info:\n    import old38\nif sys.version_info.major == 2:\n    import py2only\nif not sys.version_info >= (3, 10) and flag:\n    import under310\nif sys.version_info >= (3, 10, 5):\n    import micro\nif flag:\n    import unrelated\n";
    let a = analyze_str(src, 12);
    assert_eq!(
        reachable(&a),
        ["sys", "tomllib", "new", "micro", "unrelated"]
    );
    let gone: Vec<String> = a
        .unreachable
        .iter()
        .map(|n| n.import.module.clone())
        .collect();
    assert_eq!(
        gone,
        [
            "tomli",
            "backports_zoneinfo",
            "mid",
            "old38",
            "py2only",
            "under310"
        ]
    );
    let a = analyze_str(src, 10);
    assert_eq!(reachable(&a), ["sys", "tomli", "mid", "micro", "unrelated"]);
    let a = analyze_str(src, 8);
    assert_eq!(
        reachable(&a),
        [
            "sys",
            "tomli",
            "backports_zoneinfo",
            "under310",
            "unrelated"
        ]
    );
}

#[test]
fn fallbacks_of_available_modules_are_optional() {
    let src = "try:\n    import tomllib\nexcept ImportError:\n    import tomli as tomllib\ntry:\n    import ujson as json\nexcept ImportError:\n    import simplejson as json\n";
    let optional = |minor| -> Vec<(String, bool)> {
        analyze_str(src, minor)
            .imports
            .iter()
            .map(|n| (n.import.module.clone(), n.import.context.optional))
            .collect()
    };
    // 3.12 ships tomllib: the tomli fallback never runs.
    assert_eq!(
        optional(12),
        [
            ("tomllib".to_string(), true),
            ("tomli".to_string(), true),
            ("ujson".to_string(), true),
            ("simplejson".to_string(), false),
        ]
    );
    // 3.10 does not: tomli is what the script runs with.
    assert_eq!(optional(10)[1], ("tomli".to_string(), false));
}
