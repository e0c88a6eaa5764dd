//! The index cache (DESIGN §11.3) and the database overlay (§11.2) on the
//! fixture tree `fixtures/nixpkgs-tree/`.

use nixdeps::db::{AliasTarget, Database, DbSource, NamespaceKind, Resolution};
use nixdeps::nixpkgs::cache::{self, CacheState, CacheStatus, Loaded};
use nixdeps::nixpkgs::index;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/nixpkgs-tree")
}

/// A private copy of the fixture tree (tests touch its files).
fn copy_tree() -> tempfile::TempDir {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for e in std::fs::read_dir(from).unwrap() {
            let e = e.unwrap();
            let dst = to.join(e.file_name());
            if e.file_type().unwrap().is_dir() {
                copy(&e.path(), &dst);
            } else {
                std::fs::copy(e.path(), dst).unwrap();
            }
        }
    }
    let dir = tempfile::tempdir().unwrap();
    copy(&fixture(), dir.path());
    dir
}

#[test]
fn cold_then_warm_gives_the_same_facts() {
    let cache_dir = tempfile::tempdir().unwrap();
    let cold = cache::load_or_build(&fixture(), cache_dir.path()).unwrap();
    assert_eq!(cold.state, CacheState::Built);
    assert!(cold.cache_file.starts_with(cache_dir.path()));
    assert!(cold.cache_file.is_file());
    assert_eq!(
        cache::status(&fixture(), cache_dir.path()),
        CacheStatus::Fresh
    );

    let warm = cache::load_or_build(&fixture(), cache_dir.path()).unwrap();
    assert_eq!(warm.state, CacheState::Warm);
    let built = index::build(&fixture()).unwrap();
    assert_eq!(warm.index(), built, "the cache round-trips every fact");
    assert_eq!(cold.index(), built);
    assert_eq!(
        warm.tables.attr("frobnicator-client"),
        built.attrs.get("frobnicator-client").cloned()
    );
    assert_eq!(warm.tables.attr("nonexistent"), None);
}

#[test]
fn status_never_builds() {
    let cache_dir = tempfile::tempdir().unwrap();
    assert_eq!(
        cache::status(&fixture(), cache_dir.path()),
        CacheStatus::Absent
    );
    assert_eq!(std::fs::read_dir(cache_dir.path()).unwrap().count(), 0);
}

#[test]
fn concurrent_builders_both_succeed() {
    let cache_dir = tempfile::tempdir().unwrap();
    let dir = cache_dir.path().to_path_buf();
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let dir = dir.clone();
            std::thread::spawn(move || cache::load_or_build(&fixture(), &dir).unwrap())
        })
        .collect();
    let results: Vec<Loaded> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    let want = index::build(&fixture()).unwrap();
    for r in &results {
        assert!(
            matches!(r.state, CacheState::Built | CacheState::Warm),
            "{:?}",
            r.state
        );
        assert_eq!(r.index(), want);
    }
    let after = cache::load_or_build(&fixture(), &dir).unwrap();
    assert_eq!(after.state, CacheState::Warm);
    // No temporary file is left behind.
    let names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
}

#[test]
fn damaged_caches_are_rebuilt() {
    let cache_dir = tempfile::tempdir().unwrap();
    let first = cache::load_or_build(&fixture(), cache_dir.path()).unwrap();
    let good = std::fs::read(&first.cache_file).unwrap();
    let want = first.index();
    let text = String::from_utf8(good.clone()).unwrap();
    let unsorted = {
        // Swap two attribute rows: bisection would give wrong answers.
        let mut lines: Vec<&str> = text.lines().collect();
        let i = lines
            .iter()
            .position(|l| l.starts_with("absl-py\t"))
            .unwrap();
        lines.swap(i, i + 1);
        lines.join("\n") + "\n"
    };
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("truncated", good[..good.len() / 2].to_vec()),
        ("truncated at a line", {
            let cut = text[..text.len() - 10].rfind('\n').unwrap() + 1;
            good[..cut].to_vec()
        }),
        ("empty", vec![]),
        ("garbage", b"\x00\xff\xfe garbage \n@end\n".to_vec()),
        (
            "not utf-8",
            [&good[..100], b"\xff\xfe", &good[100..]].concat(),
        ),
        (
            "wrong schema",
            text.replacen("nixdeps-index\t1", "nixdeps-index\t999", 1)
                .into_bytes(),
        ),
        ("unsorted", unsorted.into_bytes()),
        (
            "one byte changed",
            text.replacen("frob_api", "frob_apj", 1).into_bytes(),
        ),
        (
            "other key",
            text.replacen("key\t", "key\tx", 1).into_bytes(),
        ),
    ];
    for (what, bytes) in cases {
        std::fs::write(&first.cache_file, &bytes).unwrap();
        assert!(
            matches!(
                cache::status(&fixture(), cache_dir.path()),
                CacheStatus::Corrupt { .. } | CacheStatus::Stale { .. }
            ),
            "{what}: status"
        );
        let again = cache::load_or_build(&fixture(), cache_dir.path()).unwrap();
        assert!(
            matches!(again.state, CacheState::Rebuilt { .. }),
            "{what}: {:?}",
            again.state
        );
        assert_eq!(again.index(), want, "{what}");
        assert_eq!(
            std::fs::read(&first.cache_file).unwrap(),
            good,
            "{what}: rewritten"
        );
    }
}

#[test]
fn a_touched_tree_is_noticed() {
    let tree = copy_tree();
    let cache_dir = tempfile::tempdir().unwrap();
    cache::load_or_build(tree.path(), cache_dir.path()).unwrap();
    let pkgs = tree.path().join(index::PACKAGES_FILE);
    // Add an attribute, keep the mtime moving even on coarse clocks.
    let text = std::fs::read_to_string(&pkgs).unwrap();
    let text = text.replacen("{\n  bootstrap", "{\n  newcomer = six;\n\n  bootstrap", 1);
    std::fs::write(&pkgs, text).unwrap();
    let f = std::fs::File::options().write(true).open(&pkgs).unwrap();
    f.set_modified(std::time::SystemTime::now() + std::time::Duration::from_secs(5))
        .unwrap();
    drop(f);
    match cache::status(tree.path(), cache_dir.path()) {
        CacheStatus::Stale { reason } => {
            assert!(reason.contains("python-packages.nix"), "{reason}")
        }
        other => panic!("{other:?}"),
    }
    let again = cache::load_or_build(tree.path(), cache_dir.path()).unwrap();
    match &again.state {
        CacheState::Rebuilt { reason } => assert!(reason.contains("python-packages.nix")),
        other => panic!("{other:?}"),
    }
    assert!(again.index().attrs.contains_key("newcomer"));
}

#[test]
fn an_unwritable_cache_dir_still_gives_an_index() {
    // A file where the directory should be: fails for root too.
    let base = tempfile::tempdir().unwrap();
    let blocked = base.path().join("not-a-dir");
    std::fs::write(&blocked, "").unwrap();
    let cache_dir = blocked.join("nixdeps");
    let l = cache::load_or_build(&fixture(), &cache_dir).unwrap();
    assert!(
        matches!(l.state, CacheState::Unstored { .. }),
        "{:?}",
        l.state
    );
    assert!(l.tables.attr("frobnicator-client").is_some());
    assert_eq!(cache::status(&fixture(), &cache_dir), CacheStatus::Absent);
}

#[test]
fn default_cache_dir_follows_xdg() {
    // Read-only check of the current environment's answer.
    if let Some(d) = cache::default_cache_dir() {
        assert!(d.ends_with("nixdeps"), "{}", d.display());
        assert!(d.is_absolute());
    }
}

fn overlay() -> &'static Database {
    static DB: OnceLock<&'static Database> = OnceLock::new();
    DB.get_or_init(|| {
        let cache_dir = tempfile::tempdir().unwrap();
        let loaded = cache::load_or_build(&fixture(), cache_dir.path()).unwrap();
        Database::with_index(&loaded, "nixpkgs 25.05 at fixture".into())
    })
}

#[test]
fn an_import_only_the_index_knows_resolves() {
    let db = overlay();
    assert_eq!(Database::get().resolve("frob_api").attr(), None);
    match db.resolve("frob_api.v2.client") {
        Resolution::Resolved {
            attr,
            matched,
            source,
            ..
        } => {
            assert_eq!(attr, "frobnicator-client");
            assert_eq!(matched, "frob_api.v2");
            assert_eq!(source, "index");
        }
        r => panic!("{r:?}"),
    }
    assert!(db
        .provides("frobnicator-client")
        .contains(&"frob_api".to_string()));
    assert!(db.provides_module("frobnicator-client", "frob_api.x"));
}

#[test]
fn import_names_merge_index_first() {
    let db = overlay();
    // `socks`: the index says pysocks; the snapshot adds an attribute the
    // fixture does not have, which is dropped.
    match db.resolve("socks") {
        Resolution::Resolved {
            attr,
            alternatives,
            source,
            ..
        } => {
            assert_eq!(attr, "pysocks");
            assert!(alternatives.is_empty(), "{alternatives:?}");
            assert_eq!(source, "index");
        }
        r => panic!("{r:?}"),
    }
    // `yaml`: the package's own attribute first, then the other attributes
    // built from the same file.
    match db.resolve("yaml") {
        Resolution::Resolved {
            attr, alternatives, ..
        } => {
            assert_eq!(attr, "pyyaml");
            assert_eq!(alternatives, ["yaml", "pyyaml-tweaked"]);
        }
        r => panic!("{r:?}"),
    }
    // Only the snapshot maps `attr` → attrs; the fixture has attrs too.
    assert_eq!(db.resolve("attr").attr(), Some("attrs"));
}

#[test]
fn namespaces_from_the_index() {
    let db = overlay();
    assert_eq!(Database::get().namespace("frobcorp"), None);
    assert_eq!(db.namespace("frobcorp"), Some(NamespaceKind::Pure));
    assert_eq!(db.resolve("frobcorp").attr(), None, "a shared root alone");
    assert_eq!(
        db.resolve("frobcorp.widgets.x").attr(),
        Some("frobcorp-widgets")
    );
    assert!(db
        .provides("frobcorp-widgets")
        .contains(&"frobcorp.widgets".to_string()));
    assert!(!db.provides_module("frobcorp-widgets", "frobcorp.gadgets"));
}

#[test]
fn attributes_are_the_index_s() {
    let db = overlay();
    assert!(db.has_attr("frobnicator-client"));
    assert!(db.has_attr("cond-deps"));
    assert!(Database::get().has_attr("flask"));
    assert!(!db.has_attr("flask"), "the index lacks it: unknown");
    assert_eq!(db.resolve("flask").attr(), None);
}

#[test]
fn propagation_and_variants_are_the_index_s() {
    let db = overlay();
    assert_eq!(Database::get().direct_deps("absl-py"), None);
    assert_eq!(db.direct_deps("absl-py"), Some(vec!["six".to_string()]));
    assert_eq!(db.deps_source("absl-py"), Some("index"));
    assert_eq!(
        db.propagated("frobnicator-client"),
        [
            "certifi",
            "charset-normalizer",
            "idna",
            "requests",
            "urllib3"
        ]
    );
    assert_eq!(
        db.propagation_path("cli-tool", "idna"),
        Some(vec!["cli-tool".into(), "requests".into(), "idna".into()])
    );
    // A file that did not parse: nothing known from the index.
    assert_eq!(db.deps_source("broken-pkg"), None);
    // Attributes built from a package's directory are its variants.
    assert_eq!(db.variant_of("django_4"), Some("django"));
    assert_eq!(db.variant_of("pyyaml-tweaked"), Some("pyyaml"));
    assert!(db.provides_module("django_4", "django.db"));
}

#[test]
fn aliases_are_the_index_s() {
    let db = overlay();
    let abodepy = db.alias("abodepy").unwrap();
    assert_eq!(abodepy.target, AliasTarget::Renamed("jaraco-text".into()));
    assert!(
        abodepy.note.contains("nixpkgs 25.05 at fixture"),
        "{}",
        abodepy.note
    );
    assert_eq!(
        Database::get().alias("abodepy").unwrap().target,
        AliasTarget::Renamed("jaraco-abode".into()),
        "the snapshot disagrees; the index wins"
    );
    assert_eq!(
        db.canonical("frobnicator"),
        Some("frobnicator-client".into())
    );
    assert_eq!(db.resolve("frobnicator").attr(), Some("frobnicator-client"));
    let removed = db.alias("acebinf").unwrap();
    assert_eq!(removed.target, AliasTarget::Removed);
    assert_eq!(
        removed.note,
        "removed: acebinf has been removed because it is abandoned and broken. (2023-05-19)"
    );
    assert_eq!(
        db.alias("pyqt-builder").unwrap().target,
        AliasTarget::TopLevel("pyqt-builder".into())
    );
    // An index attribute has no alias, whatever the snapshot says.
    assert_eq!(db.alias("six"), None);
    assert_eq!(db.stub_target("types-requests"), Some("requests".into()));
}

#[test]
fn the_label_replaces_the_snapshot_date() {
    let db = overlay();
    assert_eq!(db.snapshot(), "nixpkgs 25.05 at fixture");
    match db.source() {
        DbSource::Index { label, path } => {
            assert_eq!(label, "nixpkgs 25.05 at fixture");
            assert_eq!(path, std::fs::canonicalize(fixture()).unwrap());
        }
        s => panic!("{s:?}"),
    }
    assert!(matches!(
        Database::get().source(),
        DbSource::Embedded { .. }
    ));
    assert_eq!(Database::get().snapshot(), "late 2025");
}

/// The diagnostics' codes and messages for `script` under `db`, through the
/// same check path the CLI takes (`check_text` with the database given).
fn messages(db: &'static Database, script: &str) -> Vec<(String, String)> {
    use nixdeps::check::{check_text, FixMode, Settings};
    let settings = Settings {
        db,
        ..Settings::default()
    };
    check_text(script, None, &settings, FixMode::Off)
        .expect("the check runs")
        .expect("a nix-shell script")
        .diagnostics
        .into_iter()
        .map(|d| (d.code.to_string(), d.message))
        .collect()
}

#[test]
fn rules_see_the_overlay_and_name_the_index() {
    let script = "#!/usr/bin/env nix-shell\n\
        #!nix-shell -i python3 -p \"python3.withPackages (ps: [ ps.flask ps.abodepy ps.acebinf ])\"\n\
        import frob_api\nimport flask\nimport jaraco.text\n";
    let got = messages(overlay(), script);
    let has = |code: &str, text: &str| got.iter().any(|(c, m)| c == code && m.contains(text));
    assert!(
        has(
            "ND006",
            "flask is not a Python package in nixpkgs 25.05 at fixture"
        ),
        "{got:?}"
    );
    assert!(
        has(
            "ND004",
            "abodepy was renamed to jaraco-text in nixpkgs (as of nixpkgs 25.05 at fixture)"
        ),
        "{got:?}"
    );
    assert!(has("ND006", "acebinf was removed from nixpkgs"), "{got:?}");
    // frob_api is missing, and only the index knows its attribute.
    assert!(
        got.iter().any(|(c, m)| c == "ND001"
            && m.contains("frob_api")
            && m.contains("frobnicator-client")),
        "{got:?}"
    );
    // The embedded database alone: flask is known, frob_api is not.
    let embedded = messages(Database::get(), script);
    assert!(!embedded
        .iter()
        .any(|(c, m)| c == "ND006" && m.contains("flask")));
    assert!(!embedded
        .iter()
        .any(|(_, m)| m.contains("frobnicator-client")));
}
