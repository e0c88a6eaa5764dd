//! `--output-format sarif` validates against the official SARIF 2.1.0 JSON
//! schema, vendored in tests/schemas/ (see its README for provenance).

mod report_fixtures;

use nixdeps::report::{
    render_to_string, FileResult, OutputFormat, RenderOptions, RuleMeta, SARIF_SCHEMA,
};
use report_fixtures::{results, summary};
use serde_json::Value;

fn validator() -> jsonschema::Validator {
    let text = include_str!("schemas/sarif-schema-2.1.0.json");
    let mut schema: Value = serde_json::from_str(text).unwrap();
    // The official schema's `language` patterns (on `run` and
    // `toolComponent`) have a stray `]`, a known erratum, which the draft-07
    // meta-schema's `format: regex` rejects when the schema is compiled with
    // format checks on. Fix them in memory to what they mean (the file stays
    // byte-identical to the published one); nixdeps emits no `language`, so
    // this changes no verdict on its logs.
    let fixed = fix_language_patterns(&mut schema);
    assert_eq!(
        fixed, 2,
        "the vendored schema is the one this workaround knows"
    );
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap()
}

fn fix_language_patterns(v: &mut Value) -> usize {
    const BAD: &str = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$";
    match v {
        Value::Object(m) => {
            let mut n = 0;
            if m.get("pattern").and_then(Value::as_str) == Some(BAD) {
                m.insert(
                    "pattern".into(),
                    "^[a-zA-Z]{2}$|^[a-zA-Z]{2}-[a-zA-Z]{2}$".into(),
                );
                n += 1;
            }
            n + m.values_mut().map(fix_language_patterns).sum::<usize>()
        }
        Value::Array(a) => a.iter_mut().map(fix_language_patterns).sum(),
        _ => 0,
    }
}

fn errors(v: &jsonschema::Validator, log: &Value) -> Vec<String> {
    v.iter_errors(log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

fn sarif(results: &[FileResult], meta: &RuleMeta) -> Value {
    let out = render_to_string(
        OutputFormat::Sarif,
        results,
        &summary(),
        &RenderOptions::default(),
        meta,
    );
    serde_json::from_str(&out).unwrap()
}

#[test]
fn sarif_output_is_valid_sarif_2_1_0() {
    let v = validator();
    let log = sarif(&results(), &RuleMeta::default());
    assert_eq!(errors(&v, &log), Vec::<String>::new());
    assert_eq!(log["$schema"], SARIF_SCHEMA);
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "nixdeps");
    assert_eq!(run["results"].as_array().unwrap().len(), 7);
}

#[test]
fn sarif_empty_and_with_rule_metadata_is_valid() {
    fn desc(code: &str) -> Option<&'static str> {
        (code == "ND001").then_some("A third-party import that no declared package provides.")
    }
    fn url(code: &str) -> Option<String> {
        Some(format!("https://example.invalid/rules/{code}"))
    }
    let v = validator();
    assert_eq!(
        errors(&v, &sarif(&[], &RuleMeta::default())),
        Vec::<String>::new()
    );

    let mut r = results();
    r[1].path = "/abs/dir with space/fetch.py".into();
    let meta = RuleMeta {
        description: Some(desc),
        url: Some(url),
    };
    let log = sarif(&r, &meta);
    assert_eq!(errors(&v, &log), Vec::<String>::new());
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    let nd001 = rules.iter().find(|r| r["id"] == "ND001").unwrap();
    assert_eq!(nd001["fullDescription"]["text"], desc("ND001").unwrap());
    assert_eq!(nd001["helpUri"], "https://example.invalid/rules/ND001");
    assert_eq!(
        log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "file:///abs/dir%20with%20space/fetch.py"
    );
}

/// The validation would catch a broken log: the test is not vacuous.
#[test]
fn schema_rejects_invalid_logs() {
    let v = validator();
    let good = sarif(&results(), &RuleMeta::default());

    let mut bad = good.clone();
    bad["runs"][0]["results"][0]["level"] = "info".into();
    assert!(!errors(&v, &bad).is_empty());

    let mut bad = good.clone();
    bad["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        0.into();
    assert!(!errors(&v, &bad).is_empty());

    // Formats are checked too: a raw space is not a URI reference.
    let mut bad = good.clone();
    bad["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] =
        "a b\\c.py".into();
    assert!(!errors(&v, &bad).is_empty());

    let mut bad = good;
    bad.as_object_mut().unwrap().remove("version");
    assert!(!errors(&v, &bad).is_empty());
}

#[test]
fn sarif_rules_cover_every_result_and_indices_match() {
    let log = sarif(&results(), &RuleMeta::default());
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    assert_eq!(ids, sorted, "rules sorted by code");
    for res in run["results"].as_array().unwrap() {
        let i = res["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[i]["id"], res["ruleId"]);
        let level = res["level"].as_str().unwrap();
        assert!(["error", "warning", "note"].contains(&level));
    }
    let nd001 = rules.iter().find(|r| r["id"] == "ND001").unwrap();
    assert_eq!(nd001["name"], "missing-dependency");
    assert_eq!(nd001["shortDescription"]["text"], "Missing dependency");
    assert_eq!(nd001["defaultConfiguration"]["level"], "error");
    let nd100 = rules.iter().find(|r| r["id"] == "ND100").unwrap();
    assert_eq!(nd100["defaultConfiguration"]["level"], "note");
}
