//! Rewriting the `dependencies` of the `# /// script` block the way
//! `uv add --script` / `uv remove --script` do (uv 0.13, checked by hand and
//! by `tests/pep723_uv.rs`):
//!
//! - a one-per-line list keeps its indentation, quoting and trailing-comma
//!   habit; a new line goes in sorted position when the list is sorted, else
//!   at its end; a removal takes the whole line; comments stay;
//! - an inline or empty list that gains a requirement becomes one
//!   requirement a line, four blanks of indentation, trailing comma (uv's
//!   own output); an inline list that only loses one stays inline;
//! - no `dependencies` key: one is added after `requires-python` (or as the
//!   first key); no block at all: one is added under the shebang and
//!   header lines;
//! - names are written as PEP 503 names (lower case), without a version.
//!
//! Every edit lies inside the block, or is the new block. A list whose
//! layout would lose a comment in a rewrite is refused ([`EditError`]).

use super::{DepList, Metadata, Script};
use crate::diagnostic::Edit;
use crate::span::{LineIndex, Span};

/// What the block should gain and lose.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Request {
    /// PEP 503 names to add.
    pub add: Vec<String>,
    /// Indices into the `dependencies` items to remove.
    pub remove: Vec<usize>,
}

impl Request {
    pub fn is_empty(&self) -> bool {
        self.add.is_empty() && self.remove.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    #[error("the `# /// script` block is malformed")]
    Malformed,
    #[error("no dependency {0} to remove")]
    BadIndex(usize),
    #[error(
        "the dependencies list mixes layouts and holds comments; rewriting it would lose them"
    )]
    Layout,
}

/// The edits that carry out `req` on `text`. `header_end`: the offset where
/// a new block goes (after the shebang and the header lines under it).
pub fn plan(
    text: &str,
    lines: &LineIndex,
    meta: &Metadata,
    header_end: usize,
    req: &Request,
) -> Result<Vec<Edit>, EditError> {
    if req.is_empty() {
        return Ok(Vec::new());
    }
    if !meta.malformed.is_empty() || (meta.present && meta.script.is_none()) {
        return Err(EditError::Malformed);
    }
    let mut add = req.add.clone();
    add.sort();
    add.dedup();
    let eol = if lines.line_count() > 1 && text[..lines.line_span(text, 1).start].ends_with("\r\n")
    {
        "\r\n"
    } else {
        "\n"
    };
    let Some(script) = &meta.script else {
        if let Some(&i) = req.remove.first() {
            return Err(EditError::BadIndex(i));
        }
        return Ok(vec![new_block(text, header_end, &add, eol)]);
    };
    match &script.dependencies {
        None => {
            if let Some(&i) = req.remove.first() {
                return Err(EditError::BadIndex(i));
            }
            Ok(vec![new_key(text, script, &add, eol)])
        }
        Some(list) => {
            if let Some(&i) = req.remove.iter().find(|&&i| i >= list.items.len()) {
                return Err(EditError::BadIndex(i));
            }
            if one_per_line(text, lines, list) {
                Ok(edit_lines(text, lines, list, &add, &req.remove, eol))
            } else if list.comments {
                Err(EditError::Layout)
            } else {
                Ok(vec![rebuild(text, list, &add, &req.remove, eol)])
            }
        }
    }
}

fn quoted(name: &str, quote: char) -> String {
    format!("{quote}{name}{quote}")
}

fn quote_of(text: &str, list: &DepList) -> char {
    let single = !list.items.is_empty()
        && list
            .items
            .iter()
            .all(|r| text[r.span.start..].starts_with('\''));
    if single {
        '\''
    } else {
        '"'
    }
}

fn uv_lines(items: &[String], eol: &str) -> String {
    let mut s = format!("[{eol}");
    for i in items {
        s.push_str(&format!("#     {i},{eol}"));
    }
    s.push_str("# ]");
    s
}

fn new_block(text: &str, at: usize, add: &[String], eol: &str) -> Edit {
    let items: Vec<String> = add.iter().map(|n| quoted(n, '"')).collect();
    let lead = if at > 0 && !text[..at].ends_with('\n') {
        eol
    } else {
        ""
    };
    // A comment line right under the new block would continue its run of
    // content lines, and a later `# ///` would then close it (block.rs).
    let next = &text[at..];
    let gap = if next.starts_with("#\n") || next.starts_with("#\r\n") || next.starts_with("# ") {
        eol
    } else {
        ""
    };
    Edit::insert(
        at,
        format!(
            "{lead}# /// script{eol}# dependencies = {}{eol}# ///{eol}{gap}",
            uv_lines(&items, eol)
        ),
    )
}

fn new_key(text: &str, script: &Script, add: &[String], eol: &str) -> Edit {
    let b = &script.block;
    let after = script.requires_python_line.unwrap_or(b.open_line);
    // The start of the line after `after`: every block line ends with a newline.
    let at = b
        .lines
        .iter()
        .find(|l| l.line == after + 1)
        .map_or(b.span.end, |l| l.line_start);
    let at = if after + 1 == b.close_line {
        text[..b.span.end]
            .rfind('\n')
            .map_or(b.span.start, |i| i + 1)
    } else {
        at
    };
    let items: Vec<String> = add.iter().map(|n| quoted(n, '"')).collect();
    Edit::insert(
        at,
        format!("# dependencies = {}{eol}", uv_lines(&items, eol)),
    )
}

/// Every item on a line of its own, `[` and `]` on other lines.
fn one_per_line(text: &str, lines: &LineIndex, list: &DepList) -> bool {
    let open = lines.line_of(list.span.start);
    let close = lines.line_of(list.span.end.saturating_sub(1));
    let mut prev = open;
    !list.items.is_empty()
        && list.items.iter().all(|r| {
            let l = lines.line_of(r.span.start);
            let ok = l > prev
                && l < close
                && lines.line_of(r.span.end) == l
                && alone(text, lines, r.span);
            prev = l;
            ok
        })
}

/// Nothing but blanks before the item on its line (after `#`), nothing but
/// a comma, blanks and a comment after it.
fn alone(text: &str, lines: &LineIndex, item: Span) -> bool {
    let line = lines.line_span(text, lines.line_of(item.start));
    let before = &text[line.start..item.start];
    let after = text[item.end..line.end].trim_start();
    let after = after.strip_prefix(',').unwrap_or(after).trim_start();
    before
        .strip_prefix('#')
        .is_some_and(|b| b.trim().is_empty())
        && (after.is_empty() || after.starts_with('#'))
}

fn line_with_eol(text: &str, lines: &LineIndex, line: usize) -> Span {
    let s = lines.line_span(text, line);
    let end = if text[s.end..].starts_with("\r\n") {
        s.end + 2
    } else if text[s.end..].starts_with('\n') {
        s.end + 1
    } else {
        s.end
    };
    Span::new(s.start, end)
}

fn is_sorted(list: &DepList) -> bool {
    list.items.windows(2).all(|w| w[0].name <= w[1].name)
}

fn edit_lines(
    text: &str,
    lines: &LineIndex,
    list: &DepList,
    add: &[String],
    remove: &[usize],
    eol: &str,
) -> Vec<Edit> {
    let mut edits = Vec::new();
    for &i in remove {
        let line = lines.line_of(list.items[i].span.start);
        edits.push(Edit::replace(line_with_eol(text, lines, line), ""));
    }
    let last = list.items.len() - 1;
    let last_span = list.items[last].span;
    let last_line = lines.line_span(text, lines.line_of(last_span.start));
    let trailing = text[last_span.end..last_line.end]
        .trim_start()
        .starts_with(',');
    let indent = &text[last_line.start + 1..last_span.start];
    let quote = quote_of(text, list);
    let sorted = is_sorted(list);
    // Each new name goes before the first item that sorts after it (sorted
    // lists), else after the last item.
    let mut at_end: Vec<&String> = Vec::new();
    let mut before: Vec<(usize, &String)> = Vec::new();
    for name in add {
        match list.items.iter().position(|r| sorted && r.name > *name) {
            Some(k) => before.push((k, name)),
            None => at_end.push(name),
        }
    }
    for (k, name) in before {
        let at = lines
            .line_span(text, lines.line_of(list.items[k].span.start))
            .start;
        edits.push(Edit::insert(
            at,
            format!("#{indent}{},{eol}", quoted(name, quote)),
        ));
    }
    if !at_end.is_empty() {
        if !trailing && !remove.contains(&last) {
            edits.push(Edit::insert(last_span.end, ","));
        }
        let at = line_with_eol(text, lines, lines.line_of(last_span.start)).end;
        let mut s = String::new();
        for (j, name) in at_end.iter().enumerate() {
            let comma = if trailing || j + 1 < at_end.len() {
                ","
            } else {
                ""
            };
            s.push_str(&format!("#{indent}{}{comma}{eol}", quoted(name, quote)));
        }
        // The last item's line may be the file's last line without a newline:
        // impossible inside a closed block, whose `]` line follows.
        edits.push(Edit::insert(at, s));
    }
    edits
}

fn rebuild(text: &str, list: &DepList, add: &[String], remove: &[usize], eol: &str) -> Edit {
    let quote = quote_of(text, list);
    let mut items: Vec<(String, String)> = list
        .items
        .iter()
        .enumerate()
        .filter(|(i, _)| !remove.contains(i))
        .map(|(_, r)| (r.name.clone(), text[r.span.start..r.span.end].to_owned()))
        .collect();
    let content = if add.is_empty() {
        let kept: Vec<&str> = items.iter().map(|(_, t)| t.as_str()).collect();
        format!("[{}]", kept.join(", "))
    } else {
        let sorted = is_sorted(list);
        for name in add {
            let entry = (name.clone(), quoted(name, quote));
            match items.iter().position(|(n, _)| sorted && n > name) {
                Some(k) => items.insert(k, entry),
                None => items.push(entry),
            }
        }
        let texts: Vec<String> = items.into_iter().map(|(_, t)| t).collect();
        uv_lines(&texts, eol)
    };
    Edit::replace(list.span, content)
}
