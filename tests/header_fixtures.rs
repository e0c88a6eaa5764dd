//! Every fixture under `fixtures/header/`: the parsed model (insta snapshot,
//! reviewed by eye) and a rewrite that adds and removes a package.

use nixdeps::diagnostic::apply_edits;
use nixdeps::header::{self, edit, Header};
use std::path::{Path, PathBuf};

fn fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/header");
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("script.py").exists())
        .collect();
    v.sort();
    v
}

fn load(dir: &Path) -> (String, Header) {
    let bytes = std::fs::read(dir.join("script.py")).unwrap();
    let src = nixdeps::read::decode(&bytes).unwrap();
    let h = header::parse(&src.text).unwrap_or_else(|| panic!("{}: no header", dir.display()));
    (src.text, h)
}

/// The header lines of `text` (the ones the model says nix reads).
fn header_text(text: &str) -> String {
    let h = header::parse(text).unwrap();
    let mut out = String::new();
    out.push_str(&text[h.shebang.start..h.shebang.end]);
    out.push('\n');
    for l in &h.lines {
        if l.line != 0 {
            out.push_str(&text[l.span.start..l.span.end]);
            out.push('\n');
        }
    }
    out
}

/// Every line that is not a header line, with its line ending.
fn non_header_lines(text: &str) -> Vec<String> {
    let h = header::parse(text).unwrap();
    let lines: Vec<usize> = h.lines.iter().map(|l| l.line).collect();
    text.split_inclusive('\n')
        .enumerate()
        .filter(|(i, _)| *i != 0 && !lines.contains(i))
        .map(|(_, l)| l.to_string())
        .collect()
}

/// Every span object of the model agrees with itself: bytes ↔ row:column.
fn check_spans(text: &str, v: &serde_json::Value) {
    let index = nixdeps::span::LineIndex::new(text);
    match v {
        serde_json::Value::Object(m) if m.contains_key("bytes") => {
            let s = m["bytes"][0].as_u64().unwrap() as usize;
            let e = m["bytes"][1].as_u64().unwrap() as usize;
            assert!(s <= e && e <= text.len());
            let p = index.position(text, s);
            assert_eq!(m["start"]["row"].as_u64().unwrap() as usize, p.row);
            assert_eq!(m["start"]["column"].as_u64().unwrap() as usize, p.column);
        }
        serde_json::Value::Object(m) => m.values().for_each(|x| check_spans(text, x)),
        serde_json::Value::Array(a) => a.iter().for_each(|x| check_spans(text, x)),
        _ => {}
    }
}

/// The model with every span shown as `row:col-row:col «text»`, so the
/// snapshots can be read by eye.
fn compact(text: &str, v: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match v {
        Value::Object(m) if m.contains_key("bytes") => {
            let s = m["bytes"][0].as_u64().unwrap() as usize;
            let e = m["bytes"][1].as_u64().unwrap() as usize;
            Value::String(format!(
                "{}:{}-{}:{} «{}»",
                m["start"]["row"],
                m["start"]["column"],
                m["end"]["row"],
                m["end"]["column"],
                &text[s..e]
            ))
        }
        Value::Object(m) => {
            Value::Object(m.into_iter().map(|(k, x)| (k, compact(text, x))).collect())
        }
        Value::Array(a) => Value::Array(a.into_iter().map(|x| compact(text, x)).collect()),
        x => x,
    }
}

#[test]
fn models() {
    let mut seen = 0;
    for dir in fixtures() {
        let name = dir.file_name().unwrap().to_str().unwrap().to_string();
        let (text, h) = load(&dir);
        for w in &h.words {
            assert_eq!(w.text.len(), w.offsets.len(), "{name}: offsets");
            assert!(
                !text[w.span.start..w.span.end].contains('\r'),
                "{name}: CR in a span"
            );
        }
        let model = header::json::model(&text, &h);
        check_spans(&text, &model);
        insta::assert_json_snapshot!(format!("model-{name}"), compact(&text, model));
        seen += 1;
    }
    assert!(seen >= 20, "only {seen} fixtures");
}

#[test]
fn rewrites() {
    for dir in fixtures() {
        let name = dir.file_name().unwrap().to_str().unwrap().to_string();
        let (text, h) = load(&dir);
        let req: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("request.json")).unwrap())
                .unwrap();
        let strs = |k: &str| -> Vec<String> {
            req[k]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap().to_string())
                .collect()
        };
        let (add, remove, mut expect) = (strs("add"), strs("remove"), strs("expect"));
        let add_refs: Vec<&str> = add.iter().map(String::as_str).collect();
        let remove_refs: Vec<&str> = remove.iter().map(String::as_str).collect();
        let request = edit::request_by_name(&h, &add_refs, &remove_refs);
        if req["no_place"].as_bool() == Some(true) {
            let r = edit::plan(
                &text,
                &h,
                &edit::EditRequest {
                    add: vec!["requests".into()],
                    ..Default::default()
                },
            );
            assert_eq!(r, Err(edit::EditError::NoPlace), "{name}");
            continue;
        }
        let edits = edit::plan(&text, &h, &request).unwrap_or_else(|e| panic!("{name}: {e}"));
        let out = apply_edits(&text, &edits).unwrap();
        let h2 = header::parse(&out).unwrap();
        let mut got: Vec<String> = h2.declarations.iter().map(|d| d.attr.clone()).collect();
        got.sort();
        expect.sort();
        assert_eq!(got, expect, "{name}: declared set after the rewrite");
        assert_eq!(
            non_header_lines(&text),
            non_header_lines(&out),
            "{name}: non-header bytes"
        );
        assert_eq!(
            h.unsupported.len(),
            h2.unsupported.len(),
            "{name}: unsupported parts"
        );
        let texts = |h: &Header| h.others.iter().map(|o| o.text.clone()).collect::<Vec<_>>();
        assert_eq!(texts(&h), texts(&h2), "{name}: other packages kept");
        // Idempotent: asking again changes nothing.
        let again = edit::request_by_name(&h2, &add_refs, &remove_refs);
        assert!(
            again.remove.is_empty(),
            "{name}: removed attribute still there"
        );
        assert_eq!(
            edit::plan(&out, &h2, &again),
            Ok(vec![]),
            "{name}: not idempotent"
        );
        let before = header_text(&text);
        let after = header_text(&out);
        insta::assert_snapshot!(format!("rewrite-{name}"), format!("{before}---\n{after}"));
    }
}
