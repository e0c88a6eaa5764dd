//! Reading a script: bytes → decoded text (PEP 263 cookie, UTF-8 BOM), and
//! back again for writing a fix in the file's own encoding.
//!
//! Encodings come from `encoding_rs`, which implements the WHATWG set. Two
//! consequences, both harmless for import analysis: `latin-1` /
//! `iso-8859-1` decode as windows-1252 (they differ only in 0x80–0x9F,
//! which Python maps to C1 controls; every byte still round-trips through
//! [`encode`] unchanged), and Python codecs unknown to WHATWG (`cp437`,
//! `mac-roman`…) are reported as unknown encodings. `ascii` is checked as
//! strict ASCII, as Python does.

/// A decoded script. `text` never contains the BOM; spans of every later
/// stage are byte offsets into `text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub text: String,
    /// The file started with a UTF-8 byte order mark.
    pub bom: bool,
    /// The encoding the file is written in (`utf-8` unless a cookie says otherwise).
    pub encoding: &'static encoding_rs::Encoding,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DecodeError {
    /// `line` is 1-based.
    #[error("line {line}: {message}")]
    Invalid { line: usize, message: String },
}

fn invalid(line: usize, message: impl Into<String>) -> DecodeError {
    DecodeError::Invalid {
        line,
        message: message.into(),
    }
}

/// 1-based line of byte `offset` (every supported encoding is ASCII-compatible).
fn line_at(bytes: &[u8], offset: usize) -> usize {
    bytes[..offset.min(bytes.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// A PEP 263 cookie found on line 1 or 2.
struct Cookie<'a> {
    name: &'a str,
    line: usize,
}

/// The PEP 263 cookie: the regex `^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)`
/// on line 1, or on line 2 when line 1 is blank or a comment (as CPython's
/// tokenizer and `tokenize.detect_encoding` do).
fn find_cookie(body: &[u8]) -> Option<Cookie<'_>> {
    let mut lines = body.split(|&b| b == b'\n');
    let first = lines.next()?;
    if let Some(name) = cookie_in_line(first) {
        return Some(Cookie { name, line: 1 });
    }
    let blank_or_comment = matches!(
        first
            .iter()
            .find(|&&b| !matches!(b, b' ' | b'\t' | b'\x0c')),
        None | Some(b'#' | b'\r')
    );
    if !blank_or_comment {
        return None;
    }
    let name = cookie_in_line(lines.next()?)?;
    Some(Cookie { name, line: 2 })
}

fn cookie_in_line(line: &[u8]) -> Option<&str> {
    let start = line
        .iter()
        .position(|&b| !matches!(b, b' ' | b'\t' | b'\x0c'))?;
    let line = &line[start..];
    if line.first() != Some(&b'#') {
        return None;
    }
    let mut from = 0;
    while let Some(i) = find(&line[from..], b"coding") {
        let after = from + i + b"coding".len();
        if matches!(line.get(after), Some(b':' | b'=')) {
            let rest = &line[after + 1..];
            let skip = rest
                .iter()
                .position(|&b| b != b' ' && b != b'\t')
                .unwrap_or(rest.len());
            let rest = &rest[skip..];
            let len = rest
                .iter()
                .position(|&b| !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.')))
                .unwrap_or(rest.len());
            if len > 0 {
                return std::str::from_utf8(&rest[..len]).ok();
            }
        }
        from = from + i + 1;
    }
    None
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Python's encoding name (after its own normalisation) → an `encoding_rs`
/// encoding; `Err` names what is wrong.
fn lookup(name: &str) -> Result<Lookup, String> {
    let lower = name.to_ascii_lowercase().replace('_', "-");
    // CPython's tokenizer normalises these two families itself.
    if lower == "utf-8" || lower.starts_with("utf-8-") || lower == "utf8" {
        return Ok(Lookup::Utf8);
    }
    if lower == "ascii" || lower == "us-ascii" || lower == "646" {
        return Ok(Lookup::Ascii);
    }
    let lower = match lower.as_str() {
        "latin-1" | "iso-latin-1" | "latin1" | "iso-8859-1" | "iso8859-1" | "l1" => {
            "iso-8859-1".to_owned()
        }
        l if l.starts_with("latin-1-") || l.starts_with("iso-8859-1-") => "iso-8859-1".to_owned(),
        l => l.to_owned(),
    };
    let candidates = [
        lower.clone(),
        lower.replace('-', ""),
        lower.replace('-', "_"),
    ];
    let enc = candidates
        .iter()
        .find_map(|c| encoding_rs::Encoding::for_label_no_replacement(c.as_bytes()))
        .ok_or_else(|| format!("unknown encoding in coding cookie: {name}"))?;
    if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE {
        return Err(format!(
            "encoding {name} is not ASCII-compatible; Python cannot read source in it"
        ));
    }
    if enc == encoding_rs::UTF_8 {
        return Ok(Lookup::Utf8);
    }
    Ok(Lookup::Other(enc))
}

enum Lookup {
    Utf8,
    Ascii,
    Other(&'static encoding_rs::Encoding),
}

/// Decode `bytes` as Python would (PEP 263): a BOM means UTF-8; otherwise a
/// coding cookie on line 1 or 2 names the encoding; otherwise UTF-8.
/// A BOM with a cookie naming another encoding, an unknown encoding, bytes
/// invalid in the encoding, and NUL bytes (binary files) are errors.
pub fn decode(bytes: &[u8]) -> Result<Source, DecodeError> {
    let (bom, body) = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => (true, rest),
        None => (false, bytes),
    };
    if let Some(nul) = memchr::memchr(0, body) {
        return Err(invalid(
            line_at(body, nul),
            "source contains a NUL byte (a binary file?)",
        ));
    }
    let cookie = find_cookie(body);
    let lookup = match &cookie {
        None => Lookup::Utf8,
        Some(c) => lookup(c.name).map_err(|m| invalid(c.line, m))?,
    };
    if bom && !matches!(lookup, Lookup::Utf8) {
        let c = cookie.as_ref().map_or((1, ""), |c| (c.line, c.name));
        return Err(invalid(
            c.0,
            format!(
                "the file starts with a UTF-8 byte order mark but its coding cookie says {}",
                c.1
            ),
        ));
    }
    match lookup {
        Lookup::Utf8 => decode_utf8(body, bom),
        Lookup::Ascii => {
            if let Some(i) = body.iter().position(|b| !b.is_ascii()) {
                return Err(invalid(
                    line_at(body, i),
                    format!(
                        "byte 0x{:02x} is not ASCII (the coding cookie says ascii)",
                        body[i]
                    ),
                ));
            }
            decode_utf8(body, bom)
        }
        Lookup::Other(enc) => decode_other(body, enc),
    }
}

fn decode_utf8(body: &[u8], bom: bool) -> Result<Source, DecodeError> {
    match std::str::from_utf8(body) {
        Ok(text) => Ok(Source {
            text: text.to_owned(),
            bom,
            encoding: encoding_rs::UTF_8,
        }),
        Err(e) => Err(invalid(
            line_at(body, e.valid_up_to()),
            format!(
                "invalid UTF-8 (byte 0x{:02x}); add a coding cookie if the file uses another encoding",
                body[e.valid_up_to()]
            ),
        )),
    }
}

fn decode_other(body: &[u8], enc: &'static encoding_rs::Encoding) -> Result<Source, DecodeError> {
    let mut decoder = enc.new_decoder_without_bom_handling();
    let cap = decoder
        .max_utf8_buffer_length_without_replacement(body.len())
        .ok_or_else(|| invalid(1, "file too large"))?;
    let mut text = String::with_capacity(cap);
    let (result, read) = decoder.decode_to_string_without_replacement(body, &mut text, true);
    match result {
        encoding_rs::DecoderResult::InputEmpty => Ok(Source {
            text,
            bom: false,
            encoding: enc,
        }),
        encoding_rs::DecoderResult::Malformed(bad, after) => {
            let at = read.saturating_sub(after as usize + bad as usize);
            Err(invalid(
                line_at(body, at),
                format!("bytes invalid in {}", enc.name()),
            ))
        }
        encoding_rs::DecoderResult::OutputFull => Err(invalid(1, "decoding buffer overflow")),
    }
}

/// Encode `text` back into the bytes of a file decoded as `like`.
pub fn encode(like: &Source, text: &str) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(text.len() + 3);
    if like.bom {
        out.extend_from_slice(b"\xEF\xBB\xBF");
    }
    if like.encoding == encoding_rs::UTF_8 {
        out.extend_from_slice(text.as_bytes());
    } else {
        let (bytes, _, unmappable) = like.encoding.encode(text);
        if unmappable {
            return Err(format!(
                "the fixed text cannot be written in {}",
                like.encoding.name()
            ));
        }
        out.extend_from_slice(&bytes);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err_line(bytes: &[u8]) -> (usize, String) {
        match decode(bytes) {
            Err(DecodeError::Invalid { line, message }) => (line, message),
            Ok(s) => panic!("decoded: {:?}", s.text),
        }
    }

    #[test]
    fn latin1_cookie_round_trips() {
        let bytes = b"#!/usr/bin/env python\n# -*- coding: latin-1 -*-\ns = '\xe9\x80\x81'\n";
        let src = decode(bytes).unwrap();
        assert!(src.text.contains('\u{e9}'));
        assert_eq!(src.encoding, encoding_rs::WINDOWS_1252);
        assert_eq!(encode(&src, &src.text).unwrap(), bytes.to_vec());
    }

    #[test]
    fn cookie_on_line_two_only_after_comment() {
        // Line 1 is code: the cookie on line 2 does not count → invalid UTF-8.
        let (line, msg) = err_line(b"x = 1\n# coding: latin-1\ns = '\xe9'\n");
        assert_eq!(line, 3);
        assert!(msg.contains("UTF-8"), "{msg}");
        assert!(
            decode(b"\n# vim: set fileencoding=iso-8859-15 :\ns = '\xa4'\n")
                .unwrap()
                .text
                .contains('\u{20ac}')
        );
    }

    #[test]
    fn bom_and_cookies() {
        let src = decode(b"\xEF\xBB\xBF# coding: utf-8\nimport os\n").unwrap();
        assert!(src.bom);
        assert_eq!(src.text, "# coding: utf-8\nimport os\n");
        assert_eq!(
            encode(&src, &src.text).unwrap(),
            b"\xEF\xBB\xBF# coding: utf-8\nimport os\n"
        );
        let (line, msg) = err_line(b"\xEF\xBB\xBF#!/bin/sh\n# coding: latin-1\n");
        assert_eq!(line, 2);
        assert!(msg.contains("byte order mark"), "{msg}");
    }

    #[test]
    fn errors_name_their_line() {
        assert_eq!(err_line(b"a\nb\n\xff\n").0, 3);
        let (line, msg) = err_line(b"import os\n\0\0");
        assert_eq!(line, 2);
        assert!(msg.contains("NUL"));
        let (line, msg) = err_line(b"# coding: klingon\n");
        assert_eq!(line, 1);
        assert!(msg.contains("unknown encoding"));
        let (line, msg) = err_line(b"# coding: ascii\nx = '\xc3\xa9'\n");
        assert_eq!(line, 2);
        assert!(msg.contains("ASCII"));
        assert!(err_line(b"# coding: utf-16\n")
            .1
            .contains("ASCII-compatible"));
        // shift_jis: 0x82 must be followed by a trail byte.
        assert_eq!(err_line(b"# coding: shift_jis\n\nx = '\x82'\n").0, 3);
    }
}
