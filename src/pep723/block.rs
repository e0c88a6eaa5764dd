//! Finding `# /// TYPE` … `# ///` blocks exactly as the reference regex of
//! the specification (packaging.python.org, "Inline script metadata") does:
//!
//! ```text
//! (?m)^# /// (?P<type>[a-zA-Z0-9-]+)$\s(?P<content>(^#(| .*)$\s)+)^# ///$
//! ```
//!
//! Read as lines: an opening line `# /// TYPE`, then one or more content
//! lines (`#` alone, or `# ` and any text), and the block closes at the
//! *last* `# ///` line of that unbroken run of content lines (the greedy
//! `+` backtracks to it), so a `# ///` followed by more content lines does
//! not close the block early. An opening line without a closing line in its
//! run opens nothing, and the search goes on at the next line. Lines end at
//! `\n`; a `\r` before it is dropped, as Python's universal newlines do when
//! a tool reads the file.
//!
//! Linear: one backward pass finds, for every line, the last `# ///` of the
//! content run that starts there.

use crate::span::Span;

/// One block of any TYPE.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawBlock {
    pub kind: String,
    /// 0-based line numbers of the opening and closing lines.
    pub open_line: usize,
    pub close_line: usize,
    /// From the start of the opening line to the end of the closing line
    /// (line ending excluded).
    pub span: Span,
    /// The content lines, each with its `#` / `# ` prefix removed.
    pub lines: Vec<ContentLine>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentLine {
    /// 0-based line number in the file.
    pub line: usize,
    /// Start of the whole line in the file.
    pub line_start: usize,
    /// Where the content (after `# `) starts in the file, and its end
    /// (line ending excluded).
    pub content: Span,
}

/// The lines of `text`: (start, end without `\r\n` / `\n`, has a newline).
fn lines(text: &str) -> Vec<(usize, usize, bool)> {
    let mut out = Vec::new();
    let mut start = 0;
    for nl in memchr::memchr_iter(b'\n', text.as_bytes()) {
        let mut end = nl;
        if end > start && text.as_bytes()[end - 1] == b'\r' {
            end -= 1;
        }
        out.push((start, end, true));
        start = nl + 1;
    }
    if start < text.len() {
        out.push((start, text.len(), false));
    }
    out
}

fn is_content(line: &str) -> bool {
    line == "#" || line.starts_with("# ")
}

fn opening_kind(line: &str) -> Option<&str> {
    let kind = line.strip_prefix("# /// ")?;
    (!kind.is_empty() && kind.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
        .then_some(kind)
}

/// Every block of `text`, in file order.
pub fn blocks(text: &str) -> Vec<RawBlock> {
    // Most scripts have none: one SIMD search instead of a pass over the lines.
    if memchr::memmem::find(text.as_bytes(), b"# /// ").is_none() {
        return Vec::new();
    }
    let lines = lines(text);
    let line = |i: usize| &text[lines[i].0..lines[i].1];
    // last_close[i]: the last `# ///` line of the content run starting at
    // line i. A content line must end with a newline (`$\s`); the closing
    // line need not.
    let mut last_close: Vec<Option<usize>> = vec![None; lines.len() + 1];
    for i in (0..lines.len()).rev() {
        let l = line(i);
        if l == "# ///" {
            last_close[i] = if lines[i].2 {
                last_close[i + 1].or(Some(i))
            } else {
                Some(i)
            };
        } else if is_content(l) && lines[i].2 {
            last_close[i] = last_close[i + 1];
        }
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some(kind) = opening_kind(line(i)).filter(|_| lines[i].2) else {
            i += 1;
            continue;
        };
        // At least one content line lies between the opening and closing lines.
        match last_close[i + 1].filter(|&c| c > i + 1) {
            Some(close) => {
                let content = (i + 1..close)
                    .map(|k| {
                        let (s, e, _) = lines[k];
                        let skip = if e - s == 1 { 1 } else { 2 };
                        ContentLine {
                            line: k,
                            line_start: s,
                            content: Span::new(s + skip, e),
                        }
                    })
                    .collect();
                out.push(RawBlock {
                    kind: kind.to_owned(),
                    open_line: i,
                    close_line: close,
                    span: Span::new(lines[i].0, lines[close].1),
                    lines: content,
                });
                i = close + 1;
            }
            None => i += 1,
        }
    }
    out
}

/// Opening lines of `kind` that open no block (no closing line in their
/// run), outside every block of `found`: the specification ignores them,
/// and so does uv, silently.
pub fn unclosed(text: &str, kind: &str, found: &[RawBlock]) -> Vec<Span> {
    if memchr::memmem::find(text.as_bytes(), b"# /// ").is_none() {
        return Vec::new();
    }
    let mut blocks = found.iter().peekable();
    lines(text)
        .into_iter()
        .map(|(s, e, _)| Span::new(s, e))
        .filter(|l| {
            while blocks.next_if(|b| b.span.end < l.start).is_some() {}
            let inside = blocks.peek().is_some_and(|b| b.span.start <= l.start);
            !inside && opening_kind(&text[l.start..l.end]) == Some(kind)
        })
        .collect()
}

impl RawBlock {
    /// The TOML text: content lines joined with `\n`, and for each line the
    /// offset its content has in that text.
    pub fn content(&self, text: &str) -> (String, Vec<usize>) {
        let mut toml = String::new();
        let mut starts = Vec::with_capacity(self.lines.len());
        for l in &self.lines {
            starts.push(toml.len());
            toml.push_str(&text[l.content.start..l.content.end]);
            toml.push('\n');
        }
        (toml, starts)
    }

    /// The file offset of byte `at` of [`RawBlock::content`] (`starts` from it).
    pub fn file_offset(&self, starts: &[usize], at: usize) -> usize {
        let k = starts.partition_point(|&s| s <= at).saturating_sub(1);
        match self.lines.get(k) {
            Some(l) => (l.content.start + (at - starts[k])).min(l.content.end),
            None => self.span.end,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(String, usize, usize)> {
        blocks(text)
            .into_iter()
            .map(|b| (b.kind, b.open_line, b.close_line))
            .collect()
    }

    #[test]
    fn a_closing_line_followed_by_content_does_not_close() {
        let t = "# /// script\n# a = 1\n# ///\n# b = 2\n# ///\nx\n";
        assert_eq!(kinds(t), vec![("script".into(), 0, 4)]);
    }

    #[test]
    fn the_last_closing_line_of_the_run_wins_even_with_comments_after() {
        let t = "# /// script\n# a = 1\n# ///\n# a comment\nx\n";
        assert_eq!(kinds(t), vec![("script".into(), 0, 2)]);
    }

    #[test]
    fn unclosed_and_empty_blocks_are_not_blocks() {
        assert!(kinds("# /// script\n# a = 1\nx = 1\n# ///\n").is_empty());
        assert!(kinds("# /// script\n# ///\n").is_empty());
        assert!(kinds("#/// script\n# a\n# ///\n").is_empty());
        assert!(kinds("# /// script \n# a\n# ///\n").is_empty());
        // `#x` is not a content line: it breaks the run.
        assert!(kinds("# /// script\n#x\n# ///\n").is_empty());
    }

    #[test]
    fn unclosed_openings_outside_blocks() {
        let t = "# /// script\n# a\nx\n# /// script\n# b = 1\n# /// script\n# ///\n# /// script\n";
        let found = blocks(t);
        assert_eq!(found.len(), 1);
        let open: Vec<&str> = unclosed(t, "script", &found)
            .iter()
            .map(|s| &t[s.start..s.end])
            .collect();
        // The first and the last; the ones inside the block are its content.
        assert_eq!(open, ["# /// script", "# /// script"]);
        assert_eq!(unclosed(t, "script", &found)[0].start, 0);
    }

    #[test]
    fn crlf_and_no_final_newline() {
        let t = "# /// script\r\n# a = 1\r\n# ///";
        let b = blocks(t);
        assert_eq!(b.len(), 1);
        assert_eq!(b[0].content(t).0, "a = 1\n");
    }

    #[test]
    fn content_maps_back_to_the_file() {
        let t = "x\n# /// script\n#\n# a = 1\n# ///\n";
        let b = &blocks(t)[0];
        let (toml, starts) = b.content(t);
        assert_eq!(toml, "\na = 1\n");
        assert_eq!(&t[b.file_offset(&starts, 1)..][..5], "a = 1");
    }
}
