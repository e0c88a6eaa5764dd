//! Renderers: one per output format, each a pure function of the results.
//!
//! Stage contract: [`render`] writes every file's diagnostics in `format`.
//! Results arrive sorted by path; diagnostics within a file sorted by position.
//! Renderers never reorder them, so output is as deterministic as the input;
//! the only derived orderings (SARIF rule table, `--statistics`) are sorted
//! by code.
//!
//! What each format prints (and deliberately does not):
//! - `human`: ruff-style header line, source snippet with carets, `help:` with
//!   the fix, then a summary line (suppressed by `quiet`).
//! - `concise`: `path:row:col: CODE message`, one a line, nothing else (no
//!   summary, no `[*]`), so errorformat and VS Code problem matchers can parse
//!   every line.
//! - `json`: ruff's JSON objects plus `name`, `severity`, `module`, `attribute`.
//! - `sarif`: SARIF 2.1.0, one run.
//! - `github`: workflow commands (`::error ...`).
//! - `gitlab`: GitLab Code Quality report.
//!
//! `statistics` replaces the per-diagnostic output of `human` and `concise`
//! with a table and of `json` with ruff's statistics array; the CI formats
//! (`sarif`, `github`, `gitlab`) ignore it, since their consumers need every
//! finding.

mod concise;
pub mod diff;
mod github;
mod gitlab;
mod human;
mod json;
mod sarif;

use crate::diagnostic::{Applicability, Diagnostic};
use crate::span::{LineIndex, Position, Span};
use std::collections::BTreeMap;
use std::io::{self, Write};

pub use github::{escape_data, escape_property};
pub use gitlab::fingerprint;
pub use sarif::{path_to_uri, SARIF_SCHEMA};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OutputFormat {
    Human,
    Concise,
    Json,
    Sarif,
    Github,
    Gitlab,
}

/// The diagnostics of one checked file, with the text their spans point into.
#[derive(Debug, Clone)]
pub struct FileResult {
    /// The path as given on the command line or found by discovery.
    pub path: String,
    /// The decoded text the diagnostics' spans refer to (after fixes, if any).
    pub text: String,
    pub diagnostics: Vec<Diagnostic>,
    /// Number of fixes applied to this file by `--fix`.
    pub fixed: usize,
}

#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub files_checked: usize,
    pub files_fixed: usize,
    pub fixes_applied: usize,
    /// Where package facts came from (`embedded snapshot late 2025`), for
    /// the human summary line; `None` leaves it out.
    pub packages: Option<String>,
}

impl Summary {
    pub fn of(results: &[FileResult]) -> Self {
        Summary {
            files_checked: results.len(),
            files_fixed: results.iter().filter(|r| r.fixed > 0).count(),
            fixes_applied: results.iter().map(|r| r.fixed).sum(),
            packages: None,
        }
    }
}

#[derive(Debug, Clone, Copy, Default)]
pub struct RenderOptions {
    pub color: bool,
    /// `--statistics`: counts per code instead of each diagnostic.
    pub statistics: bool,
    /// `--quiet`: diagnostics only, no summary line.
    pub quiet: bool,
}

/// Rule metadata the renderers cannot know by themselves (it lives in
/// `rules`). Every hook is optional: without it SARIF describes a rule by its
/// humanised name and JSON/SARIF carry no URL.
#[derive(Debug, Clone, Copy, Default)]
pub struct RuleMeta {
    /// One-sentence description of a rule code (SARIF `fullDescription`,
    /// and `shortDescription` when present).
    pub description: Option<fn(&str) -> Option<&'static str>>,
    /// Where a rule's documentation lives (JSON `url`, SARIF `helpUri`).
    pub url: Option<fn(&str) -> Option<String>>,
}

impl RuleMeta {
    pub(crate) fn description(&self, code: &str) -> Option<&'static str> {
        self.description.and_then(|f| f(code))
    }
    pub(crate) fn url(&self, code: &str) -> Option<String> {
        self.url.and_then(|f| f(code))
    }
}

pub fn render(
    format: OutputFormat,
    results: &[FileResult],
    summary: &Summary,
    opts: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    render_with(format, results, summary, opts, &RuleMeta::default(), out)
}

/// [`render`] with rule metadata (descriptions, documentation URLs).
pub fn render_with(
    format: OutputFormat,
    results: &[FileResult],
    summary: &Summary,
    opts: &RenderOptions,
    meta: &RuleMeta,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        OutputFormat::Human => human::render(results, summary, opts, out),
        OutputFormat::Concise if opts.statistics => human::render_statistics(results, opts, out),
        OutputFormat::Concise => concise::render(results, out),
        OutputFormat::Json if opts.statistics => json::render_statistics(results, out),
        OutputFormat::Json => json::render(results, meta, out),
        OutputFormat::Sarif => sarif::render(results, meta, out),
        OutputFormat::Github => github::render(results, out),
        OutputFormat::Gitlab => gitlab::render(results, out),
    }
}

/// Render into a `String` (for tests, `--stdin-filename` buffering, ...).
pub fn render_to_string(
    format: OutputFormat,
    results: &[FileResult],
    summary: &Summary,
    opts: &RenderOptions,
    meta: &RuleMeta,
) -> String {
    let mut buf = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = render_with(format, results, summary, opts, meta, &mut buf);
    String::from_utf8_lossy(&buf).into_owned()
}

/// Whether `--fix` would apply this diagnostic's fix.
pub fn has_safe_fix(d: &Diagnostic) -> bool {
    d.fix
        .as_ref()
        .is_some_and(|f| f.applicability == Applicability::Safe)
}

/// The part of a file's text that its diagnostics and fixes point into: up to
/// the end of the line holding the furthest offset. Line-indexing only this
/// prefix keeps rendering proportional to the header, where most findings
/// are, instead of to the whole script.
pub(crate) fn needed_text(r: &FileResult) -> &str {
    let furthest = r
        .diagnostics
        .iter()
        .flat_map(|d| {
            let edits = d.fix.iter().flat_map(|f| &f.edits).map(|e| e.span);
            std::iter::once(d.span).chain(edits)
        })
        .map(|s| s.start.max(s.end))
        .max()
        .unwrap_or(0)
        .min(r.text.len());
    let bytes = r.text.as_bytes();
    let end = bytes[furthest..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(r.text.len(), |i| furthest + i + 1);
    // `end` is just past a '\n' or the end of the text: a char boundary.
    r.text.get(..end).unwrap_or(&r.text)
}

/// A file that has diagnostics, with the text and line index their spans
/// need (see [`needed_text`]).
pub(crate) struct Located<'a> {
    pub result: &'a FileResult,
    pub text: &'a str,
    pub index: LineIndex,
}

/// The files with diagnostics, in order. Clean files (most of a run) cost no
/// line scan.
pub(crate) fn located(results: &[FileResult]) -> impl Iterator<Item = Located<'_>> {
    results
        .iter()
        .filter(|r| !r.diagnostics.is_empty())
        .map(|r| {
            let text = needed_text(r);
            Located {
                result: r,
                text,
                index: LineIndex::new(text),
            }
        })
}

/// Start and end (exclusive) positions of a span, robust to spans that are
/// out of range, reversed, or not on character boundaries (a bug elsewhere
/// must not make a renderer panic).
pub(crate) fn span_positions(text: &str, index: &LineIndex, span: Span) -> (Position, Position) {
    let span = clamp_span(text, span);
    (
        index.position(text, span.start),
        index.position(text, span.end),
    )
}

/// Clamp a span into `text`: in range, ordered, on char boundaries, and not
/// between the `\r` and `\n` of a CRLF.
pub(crate) fn clamp_span(text: &str, span: Span) -> Span {
    let fix = |mut o: usize| {
        o = o.min(text.len());
        while !text.is_char_boundary(o) {
            o -= 1;
        }
        let b = text.as_bytes();
        if o > 0 && o < b.len() && b[o - 1] == b'\r' && b[o] == b'\n' {
            o -= 1;
        }
        o
    };
    let (s, e) = (fix(span.start), fix(span.end));
    Span::new(s.min(e), s.max(e))
}

/// A message or path on one line, safe to print on a terminal: line breaks
/// become spaces (a line-oriented consumer must not see a forged second
/// record) and other control characters become visible (a script must not
/// drive the terminal through its module names or file names).
pub(crate) fn one_line(s: &str) -> String {
    if !s.chars().any(needs_replacing) {
        return s.to_owned();
    }
    let joined = s
        .split(['\n', '\r'])
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    joined.chars().map(visible).collect()
}

fn needs_replacing(c: char) -> bool {
    visible(c) != c || c == '\n' || c == '\r'
}

/// Control characters as visible stand-ins; everything else unchanged.
pub(crate) fn visible(c: char) -> char {
    match c {
        // C0 controls → their Control Pictures (U+2400 block).
        '\0'..='\x08' | '\x0a'..='\x1f' => char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'),
        '\x7f' => '\u{2421}',
        // C1 controls (CSI etc.) and bidi overrides could reorder or hide text.
        '\u{80}'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => '\u{fffd}',
        c => c,
    }
}

/// `1 file`, `2 files`.
pub(crate) fn plural(n: usize, singular: &str, plural: &str) -> String {
    format!("{n} {}", if n == 1 { singular } else { plural })
}

/// Path as a portable, repository-relative string: forward slashes (on
/// Windows) and no leading `./`.
pub(crate) fn portable_path(path: &str) -> String {
    let p = if cfg!(windows) {
        path.replace('\\', "/")
    } else {
        path.to_owned()
    };
    let mut s = p.as_str();
    while let Some(rest) = s.strip_prefix("./") {
        s = rest;
    }
    s.to_owned()
}

/// One line of `--statistics`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statistic {
    pub code: &'static str,
    pub name: &'static str,
    pub count: usize,
    pub fixable_count: usize,
}

/// Counts per code, sorted by count (descending) then code.
pub fn statistics(results: &[FileResult]) -> Vec<Statistic> {
    let mut by_code: BTreeMap<&'static str, Statistic> = BTreeMap::new();
    for d in results.iter().flat_map(|r| &r.diagnostics) {
        let s = by_code.entry(d.code).or_insert(Statistic {
            code: d.code,
            name: d.name,
            count: 0,
            fixable_count: 0,
        });
        s.count += 1;
        s.fixable_count += usize::from(has_safe_fix(d));
    }
    let mut v: Vec<Statistic> = by_code.into_values().collect();
    v.sort_by(|a, b| b.count.cmp(&a.count).then(a.code.cmp(b.code)));
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clamp_handles_bad_spans() {
        let t = "aé\r\nb";
        // Inside 'é' (bytes 1..3), reversed, past the end, between \r and \n.
        assert_eq!(clamp_span(t, Span::new(2, 1)), Span::new(1, 1));
        assert_eq!(clamp_span(t, Span::new(0, 99)), Span::new(0, 6));
        assert_eq!(clamp_span(t, Span::new(4, 4)), Span::new(3, 3));
    }

    #[test]
    fn prefix_positions_equal_full_text_positions() {
        use crate::diagnostic::Severity;
        for text in ["aé\r\nb\n\ncd", "x\r\n\r\ny", "", "\n", "日本\n語"] {
            let full = LineIndex::new(text);
            for a in 0..=text.len() + 1 {
                for b in 0..=text.len() + 1 {
                    let r = FileResult {
                        path: "p".into(),
                        text: text.into(),
                        diagnostics: vec![Diagnostic {
                            code: "ND101",
                            name: "syntax-error",
                            severity: Severity::Error,
                            message: String::new(),
                            span: Span::new(a, b),
                            fix: None,
                            module: None,
                            attribute: None,
                        }],
                        fixed: 0,
                    };
                    let pre = needed_text(&r);
                    assert!(text.starts_with(pre));
                    let idx = LineIndex::new(pre);
                    assert_eq!(
                        span_positions(pre, &idx, Span::new(a, b)),
                        span_positions(text, &full, Span::new(a, b)),
                        "{text:?} {a} {b}"
                    );
                    let l = idx.line_of(clamp_span(pre, Span::new(a, b)).end);
                    assert_eq!(idx.line_span(pre, l), full.line_span(text, l));
                }
            }
        }
    }

    #[test]
    fn one_line_joins_breaks() {
        assert_eq!(one_line("a\r\nb\nc"), "a b c");
        assert_eq!(one_line("plain\ttab"), "plain\ttab");
        assert_eq!(one_line("a\x1b[2Jb"), "a\u{241b}[2Jb");
    }

    #[test]
    fn portable_path_strips_dot_slash() {
        assert_eq!(portable_path("./././a/b.py"), "a/b.py");
        assert_eq!(portable_path("/abs/x"), "/abs/x");
    }
}
