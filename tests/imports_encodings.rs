//! `read::decode` on the files of `fixtures/imports/encodings`, and the
//! imports found in what it decodes.

use nixdeps::imports::extract;
use nixdeps::read::{decode, encode, DecodeError};
use std::path::Path;

fn bytes(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/imports/encodings")
            .join(name),
    )
    .unwrap()
}

fn modules(text: &str) -> Vec<String> {
    extract(text)
        .imports
        .into_iter()
        .map(|i| i.module)
        .collect()
}

fn error(name: &str) -> (usize, String) {
    match decode(&bytes(name)) {
        Err(DecodeError::Invalid { line, message }) => (line, message),
        Ok(_) => panic!("{name} decoded"),
    }
}

#[test]
fn latin1_cookie() {
    let b = bytes("latin1.py");
    let src = decode(&b).unwrap();
    assert!(src.text.contains("café"));
    assert_eq!(modules(&src.text), ["requests", "yaml"]);
    assert_eq!(encode(&src, &src.text).unwrap(), b);
}

#[test]
fn shift_jis_cookie_on_line_two() {
    let src = decode(&bytes("sjis.py")).unwrap();
    assert!(src.text.contains("日本"));
    assert_eq!(src.encoding, encoding_rs::SHIFT_JIS);
    assert_eq!(modules(&src.text), ["requests"]);
}

#[test]
fn bom_is_stripped_and_restored() {
    let b = bytes("bom.py");
    let src = decode(&b).unwrap();
    assert!(src.bom);
    assert!(src.text.starts_with("import requests"));
    let x = extract(&src.text);
    assert_eq!(
        &src.text[x.imports[0].span.start..x.imports[0].span.end],
        "requests"
    );
    assert_eq!(encode(&src, &src.text).unwrap(), b);
}

#[test]
fn bom_with_conflicting_cookie() {
    let (line, msg) = error("bom_conflict.py");
    assert_eq!(line, 1);
    assert!(
        msg.contains("byte order mark") && msg.contains("latin-1"),
        "{msg}"
    );
}

#[test]
fn invalid_utf8_without_cookie() {
    let (line, msg) = error("invalid_utf8.py");
    assert_eq!(line, 2);
    assert!(msg.contains("invalid UTF-8"), "{msg}");
}

#[test]
fn nul_bytes_mean_binary() {
    let (line, msg) = error("nul.py");
    assert_eq!(line, 2);
    assert!(msg.contains("NUL"), "{msg}");
}
