//! `sarif`: a SARIF 2.1.0 log with one run, for GitHub code scanning
//! (`github/codeql-action/upload-sarif`) and other SARIF viewers.
//!
//! Columns are counted in characters, so the run says
//! `"columnKind": "unicodeCodePoints"` (SARIF's default is UTF-16 units).

use super::{gitlab::fingerprint, portable_path, span_positions, FileResult, RuleMeta};
use crate::diagnostic::{Applicability, Severity};
use crate::span::Position;
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};

pub const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn region(start: Position, end: Position) -> Value {
    json!({
        "startLine": start.row,
        "startColumn": start.column,
        "endLine": end.row,
        "endColumn": end.column,
    })
}

/// `missing-dependency` → `Missing dependency`.
fn humanise(name: &str) -> String {
    let mut s = name.replace('-', " ");
    if let Some(first) = s.get(0..1) {
        let upper = first.to_ascii_uppercase();
        s.replace_range(0..1, &upper);
    }
    s
}

/// A path as a URI reference: relative paths stay relative (resolved against
/// the repository root by code scanning), absolute ones become `file://`.
pub fn path_to_uri(path: &str) -> String {
    let p = portable_path(path);
    let mut o = String::with_capacity(p.len());
    if p.starts_with('/') {
        o.push_str("file://");
    }
    for b in p.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                o.push(char::from(b))
            }
            b => o.push_str(&format!("%{b:02X}")),
        }
    }
    o
}

pub(super) fn render(
    results: &[FileResult],
    meta: &RuleMeta,
    out: &mut dyn Write,
) -> io::Result<()> {
    // Rules sorted by code, each with the severity of its first finding.
    let mut rules: BTreeMap<&str, (&str, Severity)> = BTreeMap::new();
    for d in results.iter().flat_map(|r| &r.diagnostics) {
        rules.entry(d.code).or_insert((d.name, d.severity));
    }
    let rule_index: HashMap<&str, usize> = rules.keys().enumerate().map(|(i, c)| (*c, i)).collect();
    let rules_json: Vec<Value> = rules
        .iter()
        .map(|(code, (name, sev))| {
            let mut r = Map::new();
            r.insert("id".into(), json!(code));
            r.insert("name".into(), json!(name));
            let short = meta
                .description(code)
                .map_or_else(|| humanise(name), str::to_owned);
            r.insert("shortDescription".into(), json!({ "text": short }));
            if let Some(full) = meta.description(code) {
                r.insert("fullDescription".into(), json!({ "text": full }));
            }
            if let Some(url) = meta.url(code) {
                r.insert("helpUri".into(), json!(url));
            }
            r.insert(
                "defaultConfiguration".into(),
                json!({ "level": level(*sev) }),
            );
            Value::Object(r)
        })
        .collect();

    let mut results_json = Vec::new();
    for file in super::located(results) {
        let (r, text, index) = (file.result, file.text, &file.index);
        let uri = path_to_uri(&r.path);
        let path = portable_path(&r.path);
        let mut seen: HashMap<(&str, &str), usize> = HashMap::new();
        for d in &r.diagnostics {
            let (start, end) = span_positions(text, index, d.span);
            let ordinal = seen.entry((d.code, d.message.as_str())).or_insert(0);
            let fp = fingerprint(&path, d.code, &d.message, *ordinal);
            *ordinal += 1;
            let mut res = Map::new();
            res.insert("ruleId".into(), json!(d.code));
            if let Some(i) = rule_index.get(d.code) {
                res.insert("ruleIndex".into(), json!(i));
            }
            res.insert("level".into(), json!(level(d.severity)));
            res.insert("message".into(), json!({ "text": d.message }));
            res.insert(
                "locations".into(),
                json!([{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri },
                        "region": region(start, end),
                    }
                }]),
            );
            res.insert("partialFingerprints".into(), json!({ "nixdeps/v1": fp }));
            if let Some(fix) = d.fix.as_ref().filter(|f| !f.edits.is_empty()) {
                let replacements: Vec<Value> = fix
                    .edits
                    .iter()
                    .map(|e| {
                        let (s, t) = span_positions(text, index, e.span);
                        json!({
                            "deletedRegion": region(s, t),
                            "insertedContent": { "text": e.content },
                        })
                    })
                    .collect();
                let applicability = match fix.applicability {
                    Applicability::Safe => "safe",
                    Applicability::Unsafe => "unsafe",
                };
                res.insert(
                    "fixes".into(),
                    json!([{
                        "description": { "text": fix.message },
                        "artifactChanges": [{
                            "artifactLocation": { "uri": uri },
                            "replacements": replacements,
                        }],
                        "properties": { "applicability": applicability },
                    }]),
                );
            }
            let mut props = Map::new();
            if let Some(m) = &d.module {
                props.insert("module".into(), json!(m));
            }
            if let Some(a) = &d.attribute {
                props.insert("attribute".into(), json!(a));
            }
            if !props.is_empty() {
                res.insert("properties".into(), Value::Object(props));
            }
            results_json.push(Value::Object(res));
        }
    }

    let mut driver = Map::new();
    driver.insert("name".into(), json!("nixdeps"));
    driver.insert("version".into(), json!(env!("CARGO_PKG_VERSION")));
    let info = [env!("CARGO_PKG_REPOSITORY"), env!("CARGO_PKG_HOMEPAGE")]
        .into_iter()
        .find(|u| !u.is_empty());
    if let Some(u) = info {
        driver.insert("informationUri".into(), json!(u));
    }
    driver.insert("rules".into(), Value::Array(rules_json));

    let log = json!({
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": Value::Object(driver) },
            "columnKind": "unicodeCodePoints",
            "results": results_json,
        }],
    });
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_percent_encoded_references() {
        assert_eq!(path_to_uri("./a b/ü.py"), "a%20b/%C3%BC.py");
        assert_eq!(path_to_uri("/tmp/x#1.py"), "file:///tmp/x%231.py");
    }

    #[test]
    fn names_are_humanised() {
        assert_eq!(humanise("missing-dependency"), "Missing dependency");
        assert_eq!(humanise(""), "");
    }
}
