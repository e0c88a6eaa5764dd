//! Byte spans and the mapping from byte offsets to 1-based line:column.
//!
//! Every stage reports positions as byte ranges into the decoded source text
//! (BOM stripped, see `read`); renderers turn them into line:column with
//! [`LineIndex`], columns counted in characters as ruff does.

use serde::Serialize;

/// A half-open byte range `[start, end)` into the decoded source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub const fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }
    pub const fn empty(at: usize) -> Self {
        Span { start: at, end: at }
    }
    pub const fn len(&self) -> usize {
        self.end - self.start
    }
    pub const fn is_empty(&self) -> bool {
        self.start == self.end
    }
    pub fn contains(&self, offset: usize) -> bool {
        self.start <= offset && offset < self.end
    }
    pub fn cover(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

/// 1-based line and 1-based column (in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Position {
    pub row: usize,
    pub column: usize,
}

/// Every line's byte span as [`LineIndex::line_span`] gives it, in order,
/// without building an index (one pass, no allocation).
pub fn line_spans(text: &str) -> impl Iterator<Item = Span> + '_ {
    let b = text.as_bytes();
    let mut start = Some(0);
    std::iter::from_fn(move || {
        let s = start?;
        let (mut end, next) = match memchr::memchr(b'\n', &b[s..]) {
            Some(i) => (s + i, Some(s + i + 1)),
            None => (b.len(), None),
        };
        start = next;
        if end > s && b[end - 1] == b'\r' {
            end -= 1;
        }
        Some(Span::new(s, end))
    })
}

/// 0-based line numbers of offsets asked in increasing order, counted on
/// the way (no index of the whole file); an earlier offset recounts.
#[derive(Debug)]
pub struct LineCounter<'t> {
    text: &'t [u8],
    offset: usize,
    line: usize,
}

impl<'t> LineCounter<'t> {
    pub fn new(text: &'t str) -> Self {
        LineCounter {
            text: text.as_bytes(),
            offset: 0,
            line: 0,
        }
    }

    pub fn line_of(&mut self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        if offset < self.offset {
            (self.offset, self.line) = (0, 0);
        }
        self.line += memchr::memchr_iter(b'\n', &self.text[self.offset..offset]).count();
        self.offset = offset;
        self.line
    }
}

/// A [`LineIndex`] built on first use: most files a check reads need no
/// line number (a clean file, a diagnostic on the header), and the index
/// is a pass over the whole file.
#[derive(Debug)]
pub struct LazyLineIndex<'t> {
    text: &'t str,
    index: std::cell::OnceCell<LineIndex>,
}

impl<'t> LazyLineIndex<'t> {
    pub fn new(text: &'t str) -> Self {
        LazyLineIndex {
            text,
            index: std::cell::OnceCell::new(),
        }
    }

    pub fn get(&self) -> &LineIndex {
        self.index.get_or_init(|| LineIndex::new(self.text))
    }
}

/// Offsets of line starts, for offset → line:column conversion.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
    /// For text that is not ASCII: the number of characters before each
    /// multiple of [`BLOCK`] bytes, so a column costs at most a block's
    /// count, however long the line (empty for ASCII, where bytes are
    /// characters).
    chars_at: Vec<usize>,
}

const BLOCK: usize = 256;

/// Characters in `bytes` (valid UTF-8 cut anywhere): the bytes that start one.
fn char_starts(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b & 0xC0 != 0x80).count()
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = Vec::with_capacity(text.len() / 32 + 1);
        starts.push(0);
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        let mut chars_at = Vec::new();
        if !text.is_ascii() {
            chars_at.reserve(text.len() / BLOCK + 1);
            let mut total = 0;
            chars_at.push(0);
            for block in text.as_bytes().chunks(BLOCK) {
                total += char_starts(block);
                chars_at.push(total);
            }
        }
        LineIndex { starts, chars_at }
    }

    /// Characters before byte `offset` (a char boundary) of `text`.
    fn chars_before(&self, text: &str, offset: usize) -> usize {
        if self.chars_at.is_empty() {
            return offset;
        }
        let k = offset / BLOCK;
        self.chars_at[k] + char_starts(&text.as_bytes()[k * BLOCK..offset])
    }

    /// 0-based index of the line holding `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    /// Byte offset where 0-based line `line` starts.
    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.starts.get(line).copied()
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// Byte span of 0-based line `line`, without its line ending (`\n` or `\r\n`).
    pub fn line_span(&self, text: &str, line: usize) -> Span {
        let start = self.starts[line];
        let mut end = self.starts.get(line + 1).map_or(text.len(), |&n| n - 1);
        if end > start && text.as_bytes()[end - 1] == b'\r' {
            end -= 1;
        }
        Span::new(start, end.max(start))
    }

    /// 1-based row and column (characters) of `offset`. Offsets inside a
    /// multi-byte character are clamped to its start.
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let offset = offset.min(text.len());
        let line = self.line_of(offset);
        let start = self.starts[line];
        let mut end = offset;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        Position {
            row: line + 1,
            column: self.chars_before(text, end) - self.chars_before(text, start) + 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters() {
        let t = "ab\né x\r\nlast";
        let idx = LineIndex::new(t);
        assert_eq!(idx.position(t, 0), Position { row: 1, column: 1 });
        assert_eq!(idx.position(t, 3), Position { row: 2, column: 1 });
        // 'é' is two bytes, so byte 6 (the 'x') is column 3.
        assert_eq!(idx.position(t, 6), Position { row: 2, column: 3 });
        assert_eq!(idx.line_span(t, 1), Span::new(3, 7));
        assert_eq!(idx.line_span(t, 2), Span::new(9, 13));
        assert_eq!(idx.line_of(9), 2);
    }

    #[test]
    fn columns_on_long_lines_cross_blocks() {
        // Multi-byte characters straddle the block boundaries.
        let line: String = "aé日".repeat(200);
        let t = format!("x\n{line}\n");
        let idx = LineIndex::new(&t);
        for (k, (byte, _)) in line.char_indices().enumerate() {
            let p = idx.position(&t, 2 + byte);
            assert_eq!(
                p,
                Position {
                    row: 2,
                    column: k + 1
                }
            );
        }
        assert_eq!(idx.position(&t, t.len()).row, 3);
    }
}
