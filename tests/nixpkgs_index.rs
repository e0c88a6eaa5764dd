//! The live index (DESIGN §11.2) on the fixture tree `fixtures/nixpkgs-tree/`:
//! every fact read is asserted, and real Nix evaluates the same tree through
//! a stub `buildPythonPackage` (the tree's `default.nix`) to show the index
//! agrees with evaluation wherever the file is literal.

#[path = "support/nix.rs"]
mod nix;

use nixdeps::nixpkgs::index::{self, AliasTarget, AttrFacts, Index, IndexError};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

fn tree() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/nixpkgs-tree")
}

fn fixture() -> &'static Index {
    static I: OnceLock<Index> = OnceLock::new();
    I.get_or_init(|| index::build(&tree()).expect("fixture tree indexes"))
}

/// attr | file under python-modules | pname | imports | deps | optional | namespaces
/// (`-` for none; lists comma-separated; optional as `extra=a+b;…`).
const EXPECTED: &str = "
3to2               | 3to2/default.nix               | 3to2               | lib3to2               | -        | -   | -
absl-py            | absl-py/default.nix            | absl-py            | absl                  | six      | -   | -
argon2-cffi        | argon2-cffi/default.nix        | argon2-cffi        | argon2                | -        | -   | -
asgiref            | asgiref/default.nix            | asgiref            | asgiref               | typing-extensions | - | -
attrs              | attrs/default.nix              | attrs              | attr,attrs            | -        | tests=six | -
babel              | babel/default.nix              | babel              | babel                 | -        | -   | -
bcrypt             | bcrypt/default.nix             | bcrypt             | bcrypt                | -        | -   | -
bcrypt-legacy      | -                              | -                  | -                     | -        | -   | -
bootstrap          | -                              | -                  | -                     | -        | -   | -
broken-pkg         | broken-pkg/default.nix         | -                  | -                     | -        | -   | -
brotli             | brotli/default.nix             | brotli             | brotli                | -        | -   | -
certifi            | certifi/default.nix            | certifi            | certifi               | -        | -   | -
chardet            | chardet/default.nix            | chardet            | chardet               | -        | -   | -
charset-normalizer | charset-normalizer/default.nix | charset-normalizer | charset_normalizer    | -        | -   | -
cli-tool           | cli-tool/default.nix           | cli-tool           | cli_tool              | requests | -   | -
cond-deps          | cond-deps/default.nix          | cond-deps          | cond_deps             | six      | -   | -
cond-imports       | cond-imports/default.nix       | cond-imports       | condimp               | -        | -   | -
django             | django/5.nix                   | django             | django                | asgiref,sqlparse | argon2=argon2-cffi;bcrypt=bcrypt | -
django_4           | django/4.nix                   | django             | django                | asgiref,sqlparse | - | -
django_5           | django/5.nix                   | django             | django                | asgiref,sqlparse | argon2=argon2-cffi;bcrypt=bcrypt | -
frobcorp-widgets   | frobcorp-widgets/default.nix   | frobcorp-widgets   | frobcorp.widgets      | frobnicator-client | - | frobcorp
frobnicator-client | frobnicator-client/default.nix | frobnicator-client | frob_api,frob_api.v2  | requests | -   | -
gone-pkg           | gone-pkg                       | -                  | -                     | -        | -   | -
graphviz           | graphviz/default.nix           | graphviz           | graphviz              | -        | -   | -
httpx-lite         | httpx-lite/default.nix         | httpx-lite         | httpx_lite            | idna,certifi | brotli=brotli;socks=pysocks | -
idna               | idna/default.nix               | idna               | idna                  | -        | -   | -
interp-name        | interp-name/default.nix        | -                  | interp_name           | -        | -   | -
jaraco-functools   | jaraco-functools/default.nix   | jaraco-functools   | jaraco.functools      | -        | -   | jaraco
jaraco-text        | jaraco-text/default.nix        | jaraco.text        | jaraco.text           | jaraco-functools | - | jaraco
jinja2             | jinja2/default.nix             | jinja2             | jinja2                | markupsafe | i18n=babel | -
legacy-extras      | legacy-extras/default.nix      | legacy-extras      | legacy_extras         | six      | yaml=pyyaml | -
libfoo             | -                              | -                  | -                     | -        | -   | -
markupsafe         | markupsafe/default.nix         | markupsafe         | markupsafe            | -        | -   | -
multi-pkg          | multi-pkg/default.nix          | multi-pkg          | multi                 | six      | -   | -
numpy              | numpy/default.nix              | numpy              | numpy                 | -        | -   | -
old-python-only    | old-python-only/default.nix    | old-python-only    | oldpy                 | -        | -   | -
old-style          | old-style/default.nix          | old-style          | old_style             | idna,six | -   | -
pysocks            | pysocks/default.nix            | pysocks            | socks,sockshandler    | -        | -   | -
pyyaml             | pyyaml/default.nix             | pyyaml             | yaml                  | -        | -   | -
pyyaml-tweaked     | pyyaml/default.nix             | pyyaml             | yaml                  | -        | -   | -
requests           | requests/default.nix           | requests           | requests              | certifi,charset-normalizer,idna,urllib3 | socks=pysocks;use-chardet-on-py3=chardet | -
requests-toolbelt  | requests-toolbelt/default.nix  | requests-toolbelt  | requests_toolbelt     | requests | -   | -
setuptools         | setuptools/default.nix         | setuptools         | setuptools,pkg_resources | -     | -   | -
six                | six/default.nix                | six                | six                   | -        | -   | -
sqlparse           | sqlparse/default.nix           | sqlparse           | sqlparse              | -        | -   | -
swig               | -                              | -                  | -                     | -        | -   | -
tomli              | tomli/default.nix              | tomli              | tomli                 | -        | -   | -
typing-extensions  | typing-extensions/default.nix  | typing-extensions  | typing_extensions     | -        | -   | -
urllib3            | urllib3/default.nix            | urllib3            | urllib3               | -        | brotli=brotli;socks=pysocks | -
yaml               | pyyaml/default.nix             | pyyaml             | yaml                  | -        | -   | -
zope-interface     | zope-interface/default.nix     | zope-interface     | zope.interface        | setuptools | - | zope
";

fn list(s: &str) -> Vec<String> {
    if s == "-" {
        return vec![];
    }
    s.split(',').map(str::to_string).collect()
}

fn expected() -> BTreeMap<String, AttrFacts> {
    EXPECTED
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('|').map(str::trim).collect();
            let opt = |s: &str| (s != "-").then(|| s.to_string());
            let optional = if f[5] == "-" {
                BTreeMap::new()
            } else {
                f[5].split(';')
                    .map(|kv| {
                        let (k, v) = kv.split_once('=').unwrap();
                        (k.to_string(), v.split('+').map(str::to_string).collect())
                    })
                    .collect()
            };
            (
                f[0].to_string(),
                AttrFacts {
                    file: opt(f[1]).map(|p| format!("{}/{p}", index::MODULES_DIR)),
                    pname: opt(f[2]),
                    imports: list(f[3]),
                    deps: list(f[4]),
                    optional,
                    namespaces: list(f[6]),
                },
            )
        })
        .collect()
}

#[test]
fn every_attribute_and_fact() {
    let got = &fixture().attrs;
    let want = expected();
    for (attr, w) in &want {
        assert_eq!(got.get(attr), Some(w), "facts of {attr}");
    }
    let extra: Vec<_> = got.keys().filter(|k| !want.contains_key(*k)).collect();
    assert!(extra.is_empty(), "attributes not expected: {extra:?}");
}

#[test]
fn aliases_renames_and_removals() {
    let a = &fixture().aliases;
    let renamed = |t: &str| AliasTarget::Renamed(t.into());
    let top = |t: &str| AliasTarget::TopLevel(t.into());
    let removed = |m: &str, d: Option<&str>| AliasTarget::Removed {
        message: m.into(),
        date: d.map(str::to_string),
    };
    let want = [
        ("abodepy", renamed("jaraco-text")),
        (
            "acebinf",
            removed(
                "acebinf has been removed because it is abandoned and broken.",
                Some("2023-05-19"),
            ),
        ),
        ("argon2_cffi", renamed("argon2-cffi")),
        ("cmake", top("cmake")),
        ("fetchPypi", top("fetchPypi")),
        ("frobnicator", renamed("frobnicator-client")),
        (
            "gone-string",
            removed(
                "gone-string is no longer exposed in python*Packages",
                Some("2022-03-23"),
            ),
        ),
        (
            "interp-removed",
            removed(
                "interp-removed was removed, use ${\"requests\"} instead",
                Some("2024-02-02"),
            ),
        ),
        (
            "nodate-removed",
            removed("nodate-removed was removed", None),
        ),
        ("pyqt-builder", top("pyqt-builder")),
        ("pyyaml_old", renamed("pyyaml")),
    ];
    let got: Vec<_> = a
        .iter()
        .map(|(k, v)| (k.as_str(), v.target.clone()))
        .collect();
    assert_eq!(got, want);
}

#[test]
fn stats_count_reads_misses_and_skips() {
    let s = &fixture().stats;
    assert_eq!(s.attrs, 51);
    assert_eq!((s.aliases, s.removed), (7, 4));
    // 43 package files + multi-pkg/common.nix; broken-pkg is read but fails.
    assert_eq!(s.files_read, 44);
    assert_eq!(s.files_missing, 1);
    assert_eq!(s.parse_errors, 1);
    assert_eq!(s.imports, 49);
    assert_eq!(s.deps, 26);
    let skipped: Vec<_> = s.skipped.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    assert_eq!(
        skipped,
        [
            ("alias", 1),   // warned = lib.warn …
            ("deps", 3),    // cond-deps: optionals + optional; graphviz: bound by callPackage
            ("file", 1),    // bcrypt-legacy = if … then … else …
            ("imports", 2), // cond-imports: interpolated item + optionals
            ("pname", 1),   // interp-name
        ]
    );
    assert_eq!(s.problems.len(), 2);
    assert!(
        s.problems[0].starts_with("pkgs/development/python-modules/broken-pkg/default.nix:9: "),
        "{:?}",
        s.problems
    );
    assert!(s.problems[1].starts_with("pkgs/development/python-modules/gone-pkg: "));
}

#[test]
fn not_a_nixpkgs_tree_is_an_error_with_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let err = index::build(dir.path()).unwrap_err();
    assert!(matches!(err, IndexError::NotNixpkgs(_)));
    let msg = err.to_string();
    assert!(msg.contains(&dir.path().display().to_string()), "{msg}");
    assert!(msg.contains("pkgs/top-level/python-packages.nix"), "{msg}");
}

#[test]
fn odd_files_never_panic() {
    // Half-written and hostile package sets: counted, never fatal.
    for text in [
        "",
        "{",
        "self: super: with self; { a = callPackage ../x { }",
        "self: super: { a = callPackage ../../../../../etc/passwd { }; b = callPackage /abs { }; }",
        "self: super: { \"\" = 1; ${x} = 2; a.b = callPackage ./c { }; }",
        "self: super: { a = callPackage ../development/python-modules/${x} { }; }",
    ] {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("pkgs/top-level")).unwrap();
        std::fs::write(dir.path().join(index::PACKAGES_FILE), text).unwrap();
        std::fs::write(dir.path().join(index::ALIASES_FILE), text).unwrap();
        let i = index::build(dir.path()).unwrap();
        for f in i.attrs.values().filter_map(|a| a.file.as_deref()) {
            assert!(
                !f.starts_with('/') && !f.contains(".."),
                "{f} escapes the tree"
            );
        }
    }
}

/// What Nix evaluates for an attribute (see the tree's default.nix).
#[derive(Debug, serde::Deserialize)]
struct NixFacts {
    pname: Option<String>,
    imports: Vec<String>,
    deps: Vec<String>,
    optional: BTreeMap<String, Vec<String>>,
    namespaces: Vec<String>,
}

fn nix_list(names: &[&String]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("{n:?}")).collect();
    format!("[ {} ]", quoted.join(" "))
}

/// Attributes whose file holds non-literal parts: the index has skipped
/// them (counted above) and Nix shows what the literal part misses.
const NON_LITERAL: [&str; 3] = ["interp-name", "cond-deps", "cond-imports"];

#[test]
fn real_nix_agrees_on_every_attribute() {
    let Some(nix) = nix::oracle() else { return };
    let idx = fixture();
    // Attributes with a readable package file (broken/missing ones below).
    let readable: Vec<&String> = idx
        .attrs
        .iter()
        .filter(|(a, f)| f.pname.is_some() || a.as_str() == "interp-name")
        .map(|(a, _)| a)
        .collect();
    assert_eq!(readable.len(), 45);
    let expr = format!(
        "(import {} {{ }}).facts {}",
        tree().display(),
        nix_list(&readable)
    );
    let got: BTreeMap<String, NixFacts> = nix.eval_json(&expr).expect("Nix evaluates the tree");
    for attr in &readable {
        let i = &idx.attrs[*attr];
        let n = &got[*attr];
        // Top-level packages are not Python attributes; the index leaves
        // out what the call binds itself (graphviz) and so does this.
        let nix_deps: Vec<&String> = n.deps.iter().filter(|d| !d.starts_with("pkgs.")).collect();
        let idx_deps: Vec<&String> = i.deps.iter().collect();
        if NON_LITERAL.contains(&attr.as_str()) {
            continue;
        }
        assert_eq!(i.pname, n.pname, "pname of {attr}");
        assert_eq!(i.imports, n.imports, "imports of {attr}");
        assert_eq!(idx_deps, nix_deps, "deps of {attr}");
        assert_eq!(i.optional, n.optional, "optional-dependencies of {attr}");
        assert_eq!(i.namespaces, n.namespaces, "namespaces of {attr}");
    }
    // Non-literal parts: what the index has is what Nix has, minus what
    // needs evaluation.
    let n = &got["interp-name"];
    assert_eq!(n.pname.as_deref(), Some("interp-name"));
    assert_eq!(idx.attrs["interp-name"].pname, None);
    assert_eq!(got["cond-deps"].deps, ["six", "tomli", "idna"]);
    assert_eq!(idx.attrs["cond-deps"].deps, ["six"]);
    assert_eq!(
        got["cond-imports"].imports,
        ["condimp", "condimp.fast", "condimp.linux"]
    );
    assert_eq!(idx.attrs["cond-imports"].imports, ["condimp"]);
    assert_eq!(got["graphviz"].deps, ["pkgs.graphviz"]);

    // Nix rejects what the index counted as broken or missing.
    for attr in ["broken-pkg", "gone-pkg"] {
        let expr = format!("(import {} {{ }}).facts [ {attr:?} ]", tree().display());
        assert!(
            nix.eval_json::<serde_json::Value>(&expr).is_err(),
            "Nix evaluated {attr}"
        );
    }
}

#[test]
fn real_nix_agrees_on_aliases() {
    let Some(nix) = nix::oracle() else { return };
    let idx = fixture();
    let names: Vec<&String> = idx.aliases.keys().collect();
    let expr = format!(
        "(import {} {{ }}).aliasTargets {}",
        tree().display(),
        nix_list(&names)
    );
    let got: BTreeMap<String, Option<String>> = nix.eval_json(&expr).expect("Nix evaluates");
    for (old, a) in &idx.aliases {
        let want = match &a.target {
            AliasTarget::Renamed(t) => Some(t.clone()),
            AliasTarget::TopLevel(t) => Some(format!("pkgs.{t}")),
            AliasTarget::Removed { .. } => None,
        };
        assert_eq!(got[old], want, "alias {old}");
    }
}
