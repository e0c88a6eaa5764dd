//! Propagated dependencies (DESIGN §4.1), which ND008 relies on.

use nixdeps::db::Database;

fn closure(attr: &str) -> Vec<String> {
    Database::get().propagated(attr)
}

#[test]
fn requests_propagates_urllib3_and_charset_normalizer() {
    let c = closure("requests");
    for want in ["urllib3", "certifi", "idna", "charset-normalizer"] {
        assert!(c.contains(&want.to_string()), "{want} missing from {c:?}");
    }
    // The 2020 file had chardet; current requests does not propagate it.
    assert!(!c.contains(&"chardet".to_string()), "{c:?}");
    assert!(!c.contains(&"requests".to_string()));
}

#[test]
fn urllib3_propagates_nothing_current() {
    // The shared v1.23 row had pyopenssl, cryptography, idna, certifi, …
    let c = closure("urllib3");
    assert!(c.is_empty(), "{c:?}");
    assert!(Database::get().deps_known("urllib3"));
    assert!(!closure("requests").contains(&"cryptography".to_string()));
}

#[test]
fn transitive_closure_goes_deep() {
    let c = closure("boto3");
    for want in [
        "botocore",
        "s3transfer",
        "jmespath",
        "urllib3",
        "python-dateutil",
        "six",
    ] {
        assert!(c.contains(&want.to_string()), "{want} missing from {c:?}");
    }
    let c = closure("flask");
    for want in [
        "werkzeug",
        "jinja2",
        "markupsafe",
        "click",
        "itsdangerous",
        "blinker",
    ] {
        assert!(c.contains(&want.to_string()), "{want} missing from {c:?}");
    }
    let c = closure("pandas");
    assert!(
        c.contains(&"numpy".to_string()) && c.contains(&"six".to_string()),
        "{c:?}"
    );
    // Sorted, no duplicates.
    let mut sorted = c.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(c, sorted);
}

#[test]
fn old_spellings_are_normalised() {
    let db = Database::get();
    // adal's 2019 file said `dateutil`; googleapis-common-protos said `grpc`.
    let adal = db.direct_deps("adal").expect("adal row");
    assert!(adal.contains(&"python-dateutil".to_string()), "{adal:?}");
    assert!(!adal.contains(&"dateutil".to_string()));
    for (attr, deps) in [("adal", adal)] {
        for d in deps {
            assert!(db.has_attr(&d) || d == "pytokens", "{attr} → {d}");
        }
    }
    let rich = db.direct_deps("rich").expect("rich row");
    assert!(
        !rich.iter().any(|d| d == "CommonMark" || d == "commonmark"),
        "{rich:?}"
    );
}

#[test]
fn unknown_is_not_empty() {
    let db = Database::get();
    assert_eq!(db.direct_deps("surely-not-a-package-xyz"), None);
    assert!(!db.deps_known("surely-not-a-package-xyz"));
    assert_eq!(db.direct_deps("certifi"), Some(vec![]));
    assert_eq!(db.deps_source("requests"), Some("project"));
    assert!(db
        .deps_source("aiohttp")
        .is_some_and(|s| s.starts_with("nixpkgs:")));
}

#[test]
fn propagation_paths_for_nd008() {
    let db = Database::get();
    assert_eq!(
        db.propagation_path("boto3", "urllib3"),
        Some(vec!["boto3".into(), "botocore".into(), "urllib3".into()])
    );
    assert_eq!(db.propagation_path("urllib3", "requests"), None);
    assert_eq!(
        db.propagated_by(&["numpy", "requests"], "urllib3"),
        Some(vec!["requests".into(), "urllib3".into()])
    );
    assert_eq!(db.propagated_by(&["numpy"], "urllib3"), None);
    // A package never propagates itself through propagated_by.
    assert_eq!(db.propagated_by(&["urllib3"], "urllib3"), None);
}

#[test]
fn no_closure_contains_its_root_and_coverage_is_wide() {
    let db = Database::get();
    let stats = db.stats();
    assert!(stats.deps >= 300, "{stats:?}");
    let mut with_edges = 0;
    for a in db.dep_attrs() {
        let c = db.propagated(a);
        assert!(!c.contains(&a.to_string()), "{a} propagates itself");
        if !c.is_empty() {
            with_edges += 1;
        }
    }
    assert!(with_edges >= 200, "{with_edges}");
}

#[test]
fn provided_transitively_answers_nd008() {
    let db = Database::get();
    assert_eq!(
        db.provided_transitively(&["requests"], "urllib3.util.retry"),
        Some(vec!["requests".into(), "urllib3".into()])
    );
    // Declared directly: not transitive.
    assert_eq!(
        db.provided_transitively(&["requests", "urllib3"], "urllib3"),
        None
    );
    // Not brought in at all: missing, not transitive.
    assert_eq!(db.provided_transitively(&["numpy"], "yaml"), None);
    // Through two levels: six via pandas → python-dateutil.
    let p = db
        .provided_transitively(&["pandas"], "six")
        .expect("six via pandas");
    assert_eq!(p.first().map(String::as_str), Some("pandas"));
    assert_eq!(p.last().map(String::as_str), Some("six"));
    // A variant declared directly counts as providing its base's module.
    assert_eq!(db.provided_transitively(&["django_4"], "django"), None);
}

/// `propagators` (one walk per declared attribute) answers what
/// `propagated_by` answers, for every attribute with dependencies.
#[test]
fn propagators_agree_with_propagated_by() {
    let db = Database::get();
    let attrs: Vec<&str> = db.dep_attrs();
    // Repeats, and the attribute asked about among the declared ones.
    let declared: Vec<&str> = attrs
        .iter()
        .step_by(7)
        .chain(attrs.iter().step_by(11))
        .copied()
        .chain(["requests", "urllib3", "no-such-attr"])
        .collect();
    let p = db.propagators(&declared);
    let mut found = 0;
    for a in attrs
        .iter()
        .copied()
        .chain(["urllib3", "idna", "no-such-attr"])
    {
        let want = db.propagated_by(&declared, a);
        found += usize::from(want.is_some());
        assert_eq!(p.chain(db, a), want, "{a}");
    }
    assert!(
        found > 20,
        "{found} propagated attributes: the test means something"
    );
}
