//! Guesses from a module's name (src/db/guess.rs): what they find, what
//! they refuse, that evidence always wins, and how the rules treat them.

use nixdeps::check::{check_text, FixMode, Settings};
use nixdeps::db::{Database, Resolution};
use nixdeps::diagnostic::Applicability;

fn guessed(module: &str) -> Option<String> {
    match Database::get().resolve(module) {
        Resolution::Resolved { attr, source, .. } if source == "guess" => Some(attr),
        _ => None,
    }
}

#[test]
fn name_forms_checked_against_the_attribute_list() {
    for (module, want) in [
        ("arango", "python-arango"),
        ("binance", "python-binance"),
        ("autoslug", "django-autoslug"),
        ("bencode", "bencode-py"),
        // An API-version suffix under a namespace.
        (
            "google.cloud.videointelligence_v1",
            "google-cloud-videointelligence",
        ),
        ("google.cloud.asset_v1.types", "google-cloud-asset"),
    ] {
        assert_eq!(guessed(module).as_deref(), Some(want), "{module}");
    }
}

#[test]
fn spelled_out_prefixes_suffixes_and_private_modules() {
    // By name alone (some of these also have evidence rows, which agree).
    let db = Database::get();
    for (module, want) in [
        ("skfuzzy", "scikit-fuzzy"),
        ("pythonosc", "python-osc"),
        ("grpc_status", "grpcio-status"),
        ("_argon2_cffi_bindings", "argon2-cffi-bindings"),
        ("weaviate", "weaviate-client"),
        ("msgraph", "msgraph-sdk"),
        ("humps", "pyhumps"),
    ] {
        assert_eq!(db.resolve_by_name(module).attr(), Some(want), "{module}");
        assert_eq!(db.resolve(module).attr(), Some(want), "{module}");
    }
}

#[test]
fn refused_where_the_attributes_modules_are_known() {
    let db = Database::get();
    // python-crfsuite ships pycrfsuite, python-louvain ships community:
    // the database knows, so the name resemblance is no evidence.
    for (module, attr) in [
        ("crfsuite", "python-crfsuite"),
        ("louvain", "python-louvain"),
    ] {
        assert!(db.has_attr(attr));
        assert_eq!(db.resolve(module), Resolution::Unresolved, "{module}");
    }
    // Names a script's own modules usually have.
    for m in ["utils", "config", "app", "settings"] {
        assert_ne!(db.resolve(m).attr(), Some("python-utils"), "{m}");
        assert_eq!(guessed(m), None, "{m}");
    }
    // Pure namespace roots never resolve, guessed or not.
    assert_eq!(db.resolve("google"), Resolution::Unresolved);
    assert_eq!(db.resolve("azure"), Resolution::Unresolved);
}

#[test]
fn evidence_always_wins() {
    let db = Database::get();
    for (module, want) in [
        ("telegram", "python-telegram-bot"),
        ("DNS", "py3dns"),
        ("yaml", "pyyaml"),
        ("jenkins", "python-jenkins"),
    ] {
        match db.resolve(module) {
            Resolution::Resolved { attr, source, .. } => {
                assert_eq!(attr, want, "{module}");
                assert_ne!(source, "guess", "{module}");
            }
            r => panic!("{module}: {r:?}"),
        }
    }
    // Without the evidence rows the name alone would have said otherwise.
    assert_ne!(
        db.resolve_by_name("telegram").attr(),
        Some("python-telegram-bot")
    );
}

fn script(imports: &str, packages: &str) -> String {
    format!(
        "#!/usr/bin/env nix-shell\n#!nix-shell -i python3 -p \"python3.withPackages (ps: [ {packages} ])\"\n{imports}\n"
    )
}

fn findings(text: &str) -> Vec<(String, String, Option<Applicability>)> {
    let report = check_text(text, None, &Settings::default(), FixMode::Off)
        .unwrap()
        .unwrap();
    report
        .diagnostics
        .iter()
        .map(|d| {
            (
                d.code.to_string(),
                d.message.clone(),
                d.fix.as_ref().map(|f| f.applicability),
            )
        })
        .collect()
}

#[test]
fn nd001_says_guessed_and_its_fix_is_unsafe() {
    let got = findings(&script("import requests\nimport arango", "ps.requests"));
    let nd001: Vec<_> = got.iter().filter(|f| f.0 == "ND001").collect();
    assert_eq!(nd001.len(), 1, "{got:?}");
    assert!(
        nd001[0]
            .1
            .ends_with("add python3Packages.python-arango (guessed from the name)"),
        "{}",
        nd001[0].1
    );
    assert_eq!(nd001[0].2, Some(Applicability::Unsafe));
    // Evidence-backed: the usual message and a safe fix.
    let got = findings(&script("import requests\nimport yaml", "ps.requests"));
    let nd001 = got.iter().find(|f| f.0 == "ND001").unwrap();
    assert!(!nd001.1.contains("guessed"), "{}", nd001.1);
    assert_eq!(nd001.2, Some(Applicability::Safe));
    // --fix leaves a guess alone.
    let text = script("import requests\nimport arango", "ps.requests");
    let fixed = check_text(&text, None, &Settings::default(), FixMode::Apply)
        .unwrap()
        .unwrap();
    assert_eq!(fixed.text, text);
}

#[test]
fn a_guess_does_not_make_removing_a_declaration_safe() {
    // `arango` is only guessed. The declared numpy looks unused, but the
    // guess may be wrong and numpy (for all nixdeps knows) the provider:
    // ND002 stays, its fix stays unsafe, as with an unresolved import.
    let got = findings(&script("import arango", "ps.numpy"));
    let nd002 = got.iter().find(|f| f.0 == "ND002").expect("ND002");
    assert_eq!(nd002.2, Some(Applicability::Unsafe), "{got:?}");
    let got = findings(&script("import yaml", "ps.numpy"));
    let nd002 = got.iter().find(|f| f.0 == "ND002").expect("ND002");
    assert_eq!(nd002.2, Some(Applicability::Safe), "{got:?}");
    // The guessed attribute declared: used, nothing to report.
    let got = findings(&script("import arango", "ps.python-arango"));
    assert!(
        got.iter().all(|f| f.0 != "ND001" && f.0 != "ND002"),
        "{got:?}"
    );
}
