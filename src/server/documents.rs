//! Open documents: their text as the editor has it, incremental changes, and
//! the mapping between LSP positions (line + character in the negotiated
//! encoding) and the byte offsets every nixdeps stage works in.

use crate::span::LineIndex;
use lsp_types::{Position, Range, TextDocumentContentChangeEvent, Url};
use std::collections::HashMap;

/// How `Position::character` counts: UTF-16 code units (the LSP default) or
/// bytes (`utf-8`, when the client offers it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

impl Encoding {
    fn units(self, c: char) -> usize {
        match self {
            Encoding::Utf8 => c.len_utf8(),
            Encoding::Utf16 => c.len_utf16(),
        }
    }
}

/// Line starts of one text, for LSP positions. Lines end at `\n`; a `\r`
/// before it belongs to the line's end, as the LSP has it.
#[derive(Debug, Clone)]
pub struct Lines {
    index: LineIndex,
}

impl Lines {
    pub fn new(text: &str) -> Self {
        Lines {
            index: LineIndex::new(text),
        }
    }

    /// The LSP position of byte `offset` (clamped into the text; an offset
    /// inside a character counts from that character's start).
    pub fn position(&self, text: &str, offset: usize, enc: Encoding) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.index.line_of(offset);
        let start = self.index.line_start(line).unwrap_or(0);
        let character: usize = text[start..offset].chars().map(|c| enc.units(c)).sum();
        Position::new(to_u32(line), to_u32(character))
    }

    /// The byte offset of `pos`. A line past the end means the end of the
    /// text; a character past the line's end means the line's end (both as
    /// the specification asks); a character inside a surrogate pair or a
    /// multi-byte sequence rounds down to the character's start.
    pub fn offset(&self, text: &str, pos: Position, enc: Encoding) -> usize {
        let line = pos.line as usize;
        if line >= self.index.line_count() {
            return text.len();
        }
        let span = self.index.line_span(text, line);
        let want = pos.character as usize;
        let mut units = 0;
        for (i, c) in text[span.start..span.end].char_indices() {
            let next = units + enc.units(c);
            if next > want {
                return span.start + i;
            }
            units = next;
        }
        span.end
    }

    pub fn range(&self, text: &str, start: usize, end: usize, enc: Encoding) -> Range {
        Range::new(
            self.position(text, start, enc),
            self.position(text, end, enc),
        )
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// One open document.
#[derive(Debug, Clone)]
pub struct Document {
    pub uri: Url,
    pub text: String,
    pub version: i32,
    pub lines: Lines,
    /// Bumped on every change, so analyses can tell whether they are current.
    pub revision: u64,
}

impl Document {
    pub fn new(uri: Url, text: String, version: i32) -> Self {
        let lines = Lines::new(&text);
        Document {
            uri,
            text,
            version,
            lines,
            revision: 0,
        }
    }

    /// Apply the changes of one `didChange`, in order: each range is read
    /// against the text the previous change left.
    pub fn apply(
        &mut self,
        version: i32,
        changes: Vec<TextDocumentContentChangeEvent>,
        enc: Encoding,
    ) -> Result<(), String> {
        for change in changes {
            match change.range {
                None => self.text = change.text,
                Some(r) => {
                    let start = self.lines.offset(&self.text, r.start, enc);
                    let end = self.lines.offset(&self.text, r.end, enc);
                    if start > end {
                        return Err(format!(
                            "change range ends before it starts ({}:{} .. {}:{})",
                            r.start.line, r.start.character, r.end.line, r.end.character
                        ));
                    }
                    self.text.replace_range(start..end, &change.text);
                }
            }
            self.lines = Lines::new(&self.text);
        }
        self.version = version;
        self.revision += 1;
        Ok(())
    }

    pub fn range(&self, start: usize, end: usize, enc: Encoding) -> Range {
        self.lines.range(&self.text, start, end, enc)
    }

    pub fn offset(&self, pos: Position, enc: Encoding) -> usize {
        self.lines.offset(&self.text, pos, enc)
    }
}

/// The open documents by URI.
#[derive(Debug, Default)]
pub struct Documents {
    by_uri: HashMap<Url, Document>,
}

impl Documents {
    pub fn open(&mut self, doc: Document) {
        self.by_uri.insert(doc.uri.clone(), doc);
    }
    pub fn close(&mut self, uri: &Url) -> Option<Document> {
        self.by_uri.remove(uri)
    }
    pub fn get(&self, uri: &Url) -> Option<&Document> {
        self.by_uri.get(uri)
    }
    pub fn get_mut(&mut self, uri: &Url) -> Option<&mut Document> {
        self.by_uri.get_mut(uri)
    }
    pub fn uris(&self) -> Vec<Url> {
        let mut v: Vec<Url> = self.by_uri.keys().cloned().collect();
        v.sort();
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_and_utf8_positions_round_trip() {
        // 'é' is 2 bytes / 1 unit; '𝄞' is 4 bytes / 2 UTF-16 units.
        let t = "aé𝄞b\r\nx\n";
        let l = Lines::new(t);
        let b = t.find('b').unwrap();
        assert_eq!(l.position(t, b, Encoding::Utf16), Position::new(0, 4));
        assert_eq!(l.position(t, b, Encoding::Utf8), Position::new(0, 7));
        assert_eq!(l.offset(t, Position::new(0, 4), Encoding::Utf16), b);
        assert_eq!(l.offset(t, Position::new(0, 7), Encoding::Utf8), b);
        // Inside the surrogate pair: the character's start.
        assert_eq!(l.offset(t, Position::new(0, 3), Encoding::Utf16), 3);
        // Past the line's end: before the \r\n.
        assert_eq!(l.offset(t, Position::new(0, 99), Encoding::Utf16), b + 1);
        assert_eq!(l.offset(t, Position::new(1, 0), Encoding::Utf16), b + 3);
        // Past the last line: the end.
        assert_eq!(l.offset(t, Position::new(9, 0), Encoding::Utf16), t.len());
        assert_eq!(l.position(t, t.len(), Encoding::Utf16), Position::new(2, 0));
    }

    #[test]
    fn incremental_changes_apply_in_order() {
        let uri = Url::parse("file:///x.py").unwrap();
        let mut d = Document::new(uri, "import a\nimport b\n".into(), 1);
        let change = |l1, c1, l2, c2, text: &str| TextDocumentContentChangeEvent {
            range: Some(Range::new(Position::new(l1, c1), Position::new(l2, c2))),
            range_length: None,
            text: text.into(),
        };
        d.apply(
            2,
            vec![change(1, 7, 1, 8, "yaml"), change(0, 0, 0, 0, "# é\n")],
            Encoding::Utf16,
        )
        .unwrap();
        assert_eq!(d.text, "# é\nimport a\nimport yaml\n");
        assert_eq!(d.version, 2);
        // "# é\n" is 5 bytes, "import a\n" 9.
        assert_eq!(d.offset(Position::new(2, 7), Encoding::Utf16), 21);
    }
}
