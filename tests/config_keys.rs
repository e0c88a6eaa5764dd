//! Configuration files: every key, error messages, value validation.

use nixdeps::config::{Config, ConfigError};
use nixdeps::header::PyVersion;
use std::path::Path;

fn parse(name: &str, text: &str) -> Result<Option<Config>, ConfigError> {
    Config::parse(Path::new(name), text)
}

fn ok(name: &str, text: &str) -> Config {
    match parse(name, text) {
        Ok(Some(c)) => c,
        other => panic!("expected a config from {name}, got {other:?}"),
    }
}

fn err(name: &str, text: &str) -> ConfigError {
    match parse(name, text) {
        Err(e) => e,
        other => panic!("expected an error from {name}, got {other:?}"),
    }
}

const FULL: &str = r#"
python-version = "3.12"
select = ["ND001", "ND1"]
ignore = ["ND002"]
per-file-ignores = { "scripts/*.py" = ["ND002", "ND003"], "tests/**" = ["ND"] }
exclude = ["vendor/**", "build"]
first-party = ["mylib", "my.pkg"]
keep = ["pip", "setuptools"]
nixpkgs = "../nixpkgs"
nixpkgs-index = false

[mapping]
yaml = "pyyaml"
"google.protobuf" = "protobuf"
"#;

#[test]
fn every_key_in_nixdeps_toml() {
    let c = ok("/p/nixdeps.toml", FULL);
    assert_eq!(
        c.python_version,
        Some(PyVersion {
            major: 3,
            minor: 12
        })
    );
    assert_eq!(c.select, Some(vec!["ND001".into(), "ND1".into()]));
    assert_eq!(c.ignore, vec!["ND002".to_string()]);
    assert_eq!(
        c.per_file_ignores,
        vec![
            (
                "scripts/*.py".to_string(),
                vec!["ND002".into(), "ND003".into()]
            ),
            ("tests/**".to_string(), vec!["ND".into()]),
        ]
    );
    assert_eq!(c.exclude, vec!["vendor/**".to_string(), "build".into()]);
    assert_eq!(c.first_party, vec!["mylib".to_string(), "my.pkg".into()]);
    assert_eq!(c.keep, vec!["pip".to_string(), "setuptools".into()]);
    assert_eq!(c.mapping.get("yaml").map(String::as_str), Some("pyyaml"));
    assert_eq!(
        c.mapping.get("google.protobuf").map(String::as_str),
        Some("protobuf")
    );
    // Relative to the configuration file's directory.
    assert_eq!(c.nixpkgs.as_deref(), Some(Path::new("/nixpkgs")));
    assert_eq!(c.nixpkgs_index, Some(false));
    assert_eq!(c.path.as_deref(), Some(Path::new("/p/nixdeps.toml")));
}

#[test]
fn every_key_in_pyproject_table() {
    let text = format!(
        "[project]\nname = \"x\"\n\n[tool.ruff]\nline-length = 100\n\n[tool.nixdeps]\n{}",
        FULL.replace("[mapping]", "[tool.nixdeps.mapping]")
    );
    let c = ok("/p/pyproject.toml", &text);
    let d = ok("/p/nixdeps.toml", FULL);
    assert_eq!(c.python_version, d.python_version);
    assert_eq!(c.select, d.select);
    assert_eq!(c.per_file_ignores, d.per_file_ignores);
    assert_eq!(c.mapping, d.mapping);
    assert_eq!(c.keep, d.keep);
    assert_eq!(c.nixpkgs, d.nixpkgs);
    assert_eq!(c.nixpkgs_index, d.nixpkgs_index);
}

#[test]
fn pyproject_without_table_is_none() {
    let r = parse(
        "/p/pyproject.toml",
        "[project]\nname = \"x\"\n[tool.ruff]\nselect=[\"F\"]\n",
    );
    assert!(matches!(r, Ok(None)), "{r:?}");
}

#[test]
fn empty_file_is_defaults() {
    let c = ok("/p/.nixdeps.toml", "");
    assert_eq!(c.select, None);
    assert!(c.ignore.is_empty() && c.mapping.is_empty());
}

#[test]
fn unknown_key_names_file_key_and_line() {
    let e = err(
        "/p/nixdeps.toml",
        "select = [\"ND001\"]\n\nselct = [\"ND002\"]\n",
    );
    let text = e.to_string();
    assert!(text.starts_with("/p/nixdeps.toml:3:1: "), "{text}");
    assert!(text.contains("unknown key `selct`"), "{text}");
    assert!(text.contains("did you mean `select`"), "{text}");
    assert_eq!(e.key.as_deref(), Some("selct"));
    assert_eq!(e.line, Some(3));
}

#[test]
fn unknown_key_in_pyproject_is_qualified() {
    let e = err(
        "/p/pyproject.toml",
        "[tool.nixdeps]\npython_version = \"3.11\"\n",
    );
    let text = e.to_string();
    assert!(text.starts_with("/p/pyproject.toml:2:1: "), "{text}");
    assert!(text.contains("`tool.nixdeps.python_version`"), "{text}");
    assert!(
        text.contains("did you mean `tool.nixdeps.python-version`"),
        "{text}"
    );
}

#[test]
fn unknown_key_in_pyproject_subtable() {
    let e = err(
        "/p/pyproject.toml",
        "[tool.nixdeps]\n\n[tool.nixdeps.bogus]\nx = 1\n",
    );
    assert!(
        e.to_string().contains("unknown key `tool.nixdeps.bogus`"),
        "{e}"
    );
    assert_eq!(e.line, Some(3));
}

#[test]
fn bad_python_versions() {
    for (value, needle) in [
        ("\"banana\"", "\"banana\" is not a Python version"),
        ("\"2.7\"", "Python 2.7 is not supported"),
        ("\"3\"", "is not a Python version"),
        ("\"3.x\"", "is not a Python version"),
        ("3.12", "expected a string"),
    ] {
        let e = err("/p/nixdeps.toml", &format!("\n python-version = {value}\n"));
        let text = e.to_string();
        assert!(text.starts_with("/p/nixdeps.toml:2:"), "{text}");
        assert!(text.contains("`python-version`"), "{text}");
        assert!(text.contains(needle), "{value}: {text}");
    }
    assert_eq!(
        ok("/p/nixdeps.toml", "python-version = \"3.9\"").python_version,
        Some(PyVersion { major: 3, minor: 9 })
    );
}

#[test]
fn bad_codes() {
    for (key, value, needle) in [
        ("select", "[\"XX1\"]", "\"XX1\" is not a rule code"),
        ("select", "[\"ND0001\"]", "\"ND0001\" is not a rule code"),
        ("ignore", "[\"nd001\"]", "codes are upper case: \"ND001\""),
        ("ignore", "\"ND001\"", "expected an array of strings"),
        ("select", "[1]", "found the integer 1"),
    ] {
        let e = err("/p/nixdeps.toml", &format!("{key} = {value}\n"));
        let text = e.to_string();
        assert!(text.contains(&format!("`{key}`")), "{text}");
        assert!(text.contains(needle), "{key} = {value}: {text}");
        assert_eq!(e.line, Some(1));
    }
    for code in ["ND", "ND0", "ND00", "ND001", "ND101"] {
        ok("/p/nixdeps.toml", &format!("select = [\"{code}\"]"));
    }
}

#[test]
fn bad_per_file_ignores_and_exclude() {
    let e = err(
        "/p/nixdeps.toml",
        "per-file-ignores = { \"a/*.py\" = [\"ND9999\"] }\n",
    );
    assert!(e.to_string().contains("`per-file-ignores`"), "{e}");
    assert!(e.to_string().contains("ND9999"), "{e}");
    let e = err("/p/nixdeps.toml", "per-file-ignores = [\"a\"]\n");
    assert!(e.to_string().contains("expected a table"), "{e}");
    let e = err("/p/nixdeps.toml", "exclude = [\"a[\"]\n");
    assert!(e.to_string().contains("invalid glob \"a[\""), "{e}");
    let e = err(
        "/p/nixdeps.toml",
        "per-file-ignores = { \"{a\" = [\"ND001\"] }\n",
    );
    assert!(e.to_string().contains("invalid glob"), "{e}");
}

#[test]
fn bad_mapping_first_party_keep() {
    let e = err("/p/nixdeps.toml", "[mapping]\nyaml = 3\n");
    assert!(e.to_string().contains("`mapping`"), "{e}");
    assert!(e.to_string().contains("must be a string"), "{e}");
    let e = err("/p/nixdeps.toml", "[mapping]\n\"not a module\" = \"x\"\n");
    assert!(e.to_string().contains("is not a Python module name"), "{e}");
    let e = err("/p/nixdeps.toml", "[mapping]\nyaml = \"py yaml\"\n");
    assert!(
        e.to_string().contains("is not a nixpkgs attribute name"),
        "{e}"
    );
    let e = err("/p/nixdeps.toml", "first-party = [\"1abc\"]\n");
    assert!(e.to_string().contains("`first-party`"), "{e}");
    let e = err("/p/nixdeps.toml", "keep = [\"a b\"]\n");
    assert!(e.to_string().contains("`keep`"), "{e}");
    let e = err("/p/nixdeps.toml", "keep = [\"python3Packages.pip\"]\n");
    assert!(e.to_string().contains("write \"pip\""), "{e}");
    assert_eq!(
        ok("/p/nixdeps.toml", "keep = [\"pip\", \"ruamel-yaml\"]")
            .keep
            .len(),
        2
    );
}

#[test]
fn bad_nixpkgs_keys() {
    let e = err("/p/nixdeps.toml", "select = []\nnixpkgs = 3\n");
    assert!(e.to_string().starts_with("/p/nixdeps.toml:2:11: "), "{e}");
    assert!(
        e.to_string().contains("`nixpkgs`: expected the path"),
        "{e}"
    );
    let e = err("/p/nixdeps.toml", "nixpkgs = \"\"\n");
    assert!(e.to_string().contains("empty"), "{e}");
    for url in [
        "channel:nixos-24.11",
        "https://x.org/n.tar.gz",
        "flake:nixpkgs",
    ] {
        let e = err("/p/nixdeps.toml", &format!("nixpkgs = \"{url}\"\n"));
        assert!(e.to_string().contains("not a local path"), "{url}: {e}");
    }
    let e = err("/p/nixdeps.toml", "nixpkgs-index = \"no\"\n");
    assert!(e.to_string().contains("expected true or false"), "{e}");
    let e = err("/p/nixdeps.toml", "nixpkgs-indx = false\n");
    assert!(
        e.to_string().contains("did you mean `nixpkgs-index`"),
        "{e}"
    );
    let e = err("/p/pyproject.toml", "[tool.nixdeps]\nnixpkg = \"x\"\n");
    assert!(
        e.to_string()
            .contains("did you mean `tool.nixdeps.nixpkgs`"),
        "{e}"
    );
    assert_eq!(
        ok("/p/sub/nixdeps.toml", "nixpkgs = \"/abs/tree\"\n")
            .nixpkgs
            .as_deref(),
        Some(Path::new("/abs/tree"))
    );
}

#[test]
fn toml_syntax_error_names_file_and_line() {
    let e = err("/p/nixdeps.toml", "select = [\"ND001\"\nignore = 1\n");
    let text = e.to_string();
    assert!(text.starts_with("/p/nixdeps.toml:"), "{text}");
    assert!(text.contains("invalid TOML"), "{text}");
    assert!(e.line.is_some());
}

#[test]
fn duplicate_key_is_an_error() {
    let e = err(
        "/p/nixdeps.toml",
        "select = [\"ND001\"]\nselect = [\"ND002\"]\n",
    );
    assert_eq!(e.line, Some(2), "{e}");
}

#[test]
fn first_problem_in_file_order_is_reported() {
    let e = err("/p/nixdeps.toml", "zzz = 1\naaa = 2\n");
    assert_eq!(e.key.as_deref(), Some("zzz"), "{e}");
    assert_eq!(e.line, Some(1));
}

#[test]
fn errors_inside_a_table_point_into_it() {
    let e = err(
        "/p/nixdeps.toml",
        "keep = []\n\n[mapping]\nok = \"fine\"\nyaml = 3\n",
    );
    assert_eq!(e.line, Some(5), "{e}");
    assert!(
        e.to_string().starts_with("/p/nixdeps.toml:5:1: `mapping`:"),
        "{e}"
    );
    let e = err(
        "/p/pyproject.toml",
        "[tool.nixdeps]\n[tool.nixdeps.per-file-ignores]\n\"a/*\" = [\"ND001\"]\n  \"b/*\" = [\"X\"]\n[tool.other]\n\"b/*\" = 1\n",
    );
    assert_eq!((e.line, e.column), (Some(4), Some(3)), "{e}");
    assert!(
        e.to_string()
            .contains("`tool.nixdeps.per-file-ignores`: \"b/*\": \"X\" is not a rule code"),
        "{e}"
    );
    let e = err(
        "/p/nixdeps.toml",
        "per-file-ignores = { \"a/*\" = [\"ND001\"], 'b/*' = [\"X\"] }\n",
    );
    assert_eq!((e.line, e.column), (Some(1), Some(41)), "{e}");
}
