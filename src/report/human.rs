//! `human`: ruff-style full output for people at a terminal.
//!
//! ```text
//! scripts/fetch.py:5:8: ND001 [*] "yaml" is imported on line 5 but ...
//!   |
//! 5 | import yaml
//!   |        ^^^^
//!   |
//!   = help: add python3Packages.pyyaml
//!
//! Found 1 diagnostic (1 fixable with --fix) in 1 file checked.
//! ```

use super::{
    clamp_span, has_safe_fix, one_line, plural, span_positions, statistics, visible, FileResult,
    RenderOptions, Summary,
};
use crate::diagnostic::{Applicability, Diagnostic, Severity};
use crate::span::{LineIndex, Span};
use anstyle::{AnsiColor, Style};
use std::io::{self, Write};
use unicode_width::UnicodeWidthChar;

/// Tab stops every 4 columns, as most editors show Python.
const TAB_WIDTH: usize = 4;
/// Spans longer than this many lines show their head and tail only.
const MAX_SNIPPET_LINES: usize = 6;
/// Lines longer than this many bytes are shown as a window of about this
/// size around the span, cut ends marked `...` (as ruff does): a header of
/// 20,000 words on one line has 20,000 findings on that line.
const MAX_LINE_BYTES: usize = 160;
/// Bytes of a window shown before the span.
const WINDOW_LEAD: usize = 40;
const ELLIPSIS: &str = "...";

struct Palette {
    color: bool,
}

impl Palette {
    fn paint(&self, style: Style, text: &str) -> String {
        if self.color {
            format!("{}{text}{}", style.render(), style.render_reset())
        } else {
            text.to_owned()
        }
    }

    fn severity(s: Severity) -> Style {
        let c = match s {
            Severity::Error => AnsiColor::Red,
            Severity::Warning => AnsiColor::Yellow,
            Severity::Info => AnsiColor::Blue,
        };
        Style::new().fg_color(Some(c.into()))
    }

    fn gutter() -> Style {
        Style::new()
            .fg_color(Some(AnsiColor::BrightBlue.into()))
            .bold()
    }
}

pub(super) fn render(
    results: &[FileResult],
    summary: &Summary,
    opts: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let pal = Palette { color: opts.color };
    if opts.statistics {
        write_statistics(results, &pal, out)?;
    } else {
        for file in super::located(results) {
            for d in &file.result.diagnostics {
                write_diagnostic(file.result, file.text, &file.index, d, &pal, out)?;
                writeln!(out)?;
            }
        }
    }
    if !opts.quiet {
        write_summary(results, summary, out)?;
    }
    Ok(())
}

/// `--statistics` for the text formats (also used by `concise`).
pub(super) fn render_statistics(
    results: &[FileResult],
    opts: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    write_statistics(results, &Palette { color: opts.color }, out)
}

fn write_diagnostic(
    r: &FileResult,
    text: &str,
    index: &LineIndex,
    d: &Diagnostic,
    pal: &Palette,
    out: &mut dyn Write,
) -> io::Result<()> {
    let (start, _) = span_positions(text, index, d.span);
    let sev = Palette::severity(d.severity);
    let fixable = if has_safe_fix(d) {
        format!(
            " {}",
            pal.paint(Style::new().fg_color(Some(AnsiColor::Cyan.into())), "[*]")
        )
    } else {
        String::new()
    };
    writeln!(
        out,
        "{}:{}:{}: {}{fixable} {}",
        pal.paint(Style::new().bold(), &one_line(&r.path)),
        start.row,
        start.column,
        pal.paint(sev.bold(), d.code),
        one_line(&d.message),
    )?;
    write_snippet(text, index, d.span, sev.bold(), pal, out)?;
    if let Some(fix) = &d.fix {
        let width = gutter_width(text, index, d.span);
        let note = match fix.applicability {
            Applicability::Safe => "",
            Applicability::Unsafe => " (unsafe fix)",
        };
        writeln!(
            out,
            "{:width$} {} {}: {}{note}",
            "",
            pal.paint(Palette::gutter(), "="),
            pal.paint(Style::new().bold(), "help"),
            one_line(&fix.message),
        )?;
    }
    Ok(())
}

/// 0-based first and last line a span touches. A non-empty span that ends
/// exactly at a line start (it includes the line break) ends on the line
/// before, so no empty line is shown under it.
fn span_lines(text: &str, index: &LineIndex, span: Span) -> (usize, usize) {
    let span = clamp_span(text, span);
    let first = index.line_of(span.start);
    let mut last = index.line_of(span.end);
    if last > first && index.line_span(text, last).start == span.end {
        last -= 1;
    }
    (first, last)
}

fn gutter_width(text: &str, index: &LineIndex, span: Span) -> usize {
    let (_, last) = span_lines(text, index, span);
    (last + 1).to_string().len()
}

fn write_snippet(
    text: &str,
    index: &LineIndex,
    span: Span,
    caret_style: Style,
    pal: &Palette,
    out: &mut dyn Write,
) -> io::Result<()> {
    let span = clamp_span(text, span);
    let (first, last) = span_lines(text, index, span);
    let width = gutter_width(text, index, span);
    let bar = pal.paint(Palette::gutter(), "|");
    writeln!(out, "{:width$} {bar}", "")?;
    let total = last - first + 1;
    for (i, line) in (first..=last).enumerate() {
        if total > MAX_SNIPPET_LINES && i == 3 {
            writeln!(out, "{}", pal.paint(Palette::gutter(), "..."))?;
        }
        if total > MAX_SNIPPET_LINES && i >= 3 && i < total - 2 {
            continue;
        }
        let ls = index.line_span(text, line);
        let (a, b) = (
            span.start.clamp(ls.start, ls.end),
            span.end.clamp(ls.start, ls.end),
        );
        let win = window(text, ls, a);
        let (shown, cols) = display_line(&text[win.start..win.end]);
        let lead = if win.start > ls.start { ELLIPSIS } else { "" };
        let trail = if win.end < ls.end { ELLIPSIS } else { "" };
        let shown = format!("{lead}{shown}{trail}");
        let (a, b) = (a - win.start, b.min(win.end) - win.start);
        let (ca, cb) = (lead.len() + cols(a), lead.len() + cols(b));
        let carets = "^".repeat(cb.saturating_sub(ca).max(1));
        let number = pal.paint(Palette::gutter(), &format!("{:>width$}", line + 1));
        if shown.is_empty() {
            writeln!(out, "{number} {bar}")?;
        } else {
            writeln!(out, "{number} {bar} {shown}")?;
        }
        writeln!(
            out,
            "{:width$} {bar} {:ca$}{}",
            "",
            "",
            pal.paint(caret_style, &carets)
        )?;
    }
    writeln!(out, "{:width$} {bar}", "")
}

/// The part of line `ls` shown for a span starting at `at`: the whole line,
/// or for a long one about [`MAX_LINE_BYTES`] from a little before `at`.
fn window(text: &str, ls: Span, at: usize) -> Span {
    if ls.len() <= MAX_LINE_BYTES {
        return ls;
    }
    let end = (at.saturating_sub(WINDOW_LEAD).max(ls.start) + MAX_LINE_BYTES).min(ls.end);
    let mut start = end.saturating_sub(MAX_LINE_BYTES).max(ls.start);
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = end;
    while !text.is_char_boundary(end) {
        end += 1;
    }
    Span::new(start, end)
}

/// The line as it is shown (tabs expanded, control characters made visible so
/// a script cannot drive the terminal) and a map from byte offset within the
/// line to display column.
fn display_line(line: &str) -> (String, impl Fn(usize) -> usize + '_) {
    let mut shown = String::with_capacity(line.len());
    let mut col = 0;
    for c in line.chars() {
        match c {
            '\t' => {
                let n = TAB_WIDTH - col % TAB_WIDTH;
                shown.extend(std::iter::repeat_n(' ', n));
                col += n;
            }
            c => {
                let v = visible(c);
                shown.push(v);
                col += v.width().unwrap_or(0);
            }
        }
    }
    let cols = move |byte: usize| {
        let mut col = 0;
        for (i, c) in line.char_indices() {
            if i >= byte {
                break;
            }
            col += match c {
                '\t' => TAB_WIDTH - col % TAB_WIDTH,
                c => visible(c).width().unwrap_or(0),
            };
        }
        col
    };
    (shown, cols)
}

fn write_statistics(results: &[FileResult], pal: &Palette, out: &mut dyn Write) -> io::Result<()> {
    let stats = statistics(results);
    let cw = stats
        .iter()
        .map(|s| s.count.to_string().len())
        .max()
        .unwrap_or(1);
    let kw = stats.iter().map(|s| s.code.len()).max().unwrap_or(0);
    let nw = stats.iter().map(|s| s.name.len()).max().unwrap_or(0);
    for s in &stats {
        let code = pal.paint(Style::new().bold(), &format!("{:kw$}", s.code));
        let line = if s.fixable_count > 0 {
            format!("{:>cw$}  {code}  {:nw$}  [*]", s.count, s.name)
        } else {
            format!("{:>cw$}  {code}  {}", s.count, s.name)
        };
        writeln!(out, "{line}")?;
    }
    Ok(())
}

fn write_summary(results: &[FileResult], summary: &Summary, out: &mut dyn Write) -> io::Result<()> {
    if summary.fixes_applied > 0 {
        writeln!(
            out,
            "Fixed {} in {}.",
            plural(summary.fixes_applied, "diagnostic", "diagnostics"),
            plural(summary.files_fixed, "file", "files"),
        )?;
    }
    let all = results.iter().flat_map(|r| &r.diagnostics);
    let total = all.clone().count();
    let fixable = all.filter(|d| has_safe_fix(d)).count();
    let files = plural(summary.files_checked, "file", "files");
    let packages = summary
        .packages
        .as_ref()
        .map_or(String::new(), |p| format!(" (packages: {p})"));
    if total == 0 {
        writeln!(out, "All checked: {files}, no diagnostics{packages}.")
    } else if fixable == 0 {
        writeln!(
            out,
            "Found {} in {files} checked{packages}.",
            plural(total, "diagnostic", "diagnostics")
        )
    } else {
        writeln!(
            out,
            "Found {} ({fixable} fixable with --fix) in {files} checked{packages}.",
            plural(total, "diagnostic", "diagnostics")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_columns_count_width_not_bytes() {
        let (shown, cols) = display_line("\tné日x");
        assert_eq!(shown, "    né日x");
        // byte 0 '\t', 1 'n', 2..4 'é', 4..7 '日', 7 'x'
        assert_eq!(cols(1), 4);
        assert_eq!(cols(4), 6);
        assert_eq!(cols(7), 8);
        assert_eq!(cols(8), 9);
    }

    #[test]
    fn long_lines_show_a_window_around_the_span() {
        let line = format!("{}TARGET{}", "a".repeat(1000), "b".repeat(1000));
        let ls = Span::new(0, line.len());
        let w = window(&line, ls, 1000);
        assert!(w.len() <= MAX_LINE_BYTES + 3);
        assert!(w.start < 1000 && 1006 <= w.end, "{w:?}");
        // At either end the window keeps its size and is cut on one side only.
        assert_eq!(window(&line, ls, 0), Span::new(0, MAX_LINE_BYTES));
        assert_eq!(window(&line, ls, line.len()).end, line.len());
        let short = "short line";
        assert_eq!(window(short, Span::new(0, 10), 3), Span::new(0, 10));
        // Never inside a character.
        let wide = "日".repeat(400);
        let w = window(&wide, Span::new(0, wide.len()), 600);
        assert!(wide.is_char_boundary(w.start) && wide.is_char_boundary(w.end));
    }

    #[test]
    fn snippet_of_a_long_line_is_short() {
        let line = format!("{}TARGET{}", "a ".repeat(20_000), "b ".repeat(20_000));
        let t = format!("{line}\n");
        let idx = LineIndex::new(&t);
        let at = 40_000;
        let mut out = Vec::new();
        let pal = Palette { color: false };
        write_snippet(
            &t,
            &idx,
            Span::new(at, at + 6),
            Style::new(),
            &pal,
            &mut out,
        )
        .unwrap();
        let out = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = out.lines().collect();
        assert!(out.len() < 500, "{out}");
        assert!(lines[1].starts_with("1 | ...a a") && lines[1].ends_with("..."));
        assert!(lines[1].contains("a TARGETb b"), "{out}");
        // The carets sit under TARGET.
        let col = lines[1].find("TARGET").unwrap();
        assert_eq!(lines[2].find('^'), Some(col));
        assert_eq!(lines[2].matches('^').count(), 6);
    }

    #[test]
    fn control_characters_are_made_visible() {
        let (shown, _) = display_line("a\x1b[31mb\u{202e}");
        assert_eq!(shown, "a\u{241b}[31mb\u{fffd}");
    }

    #[test]
    fn span_including_newline_ends_on_its_line() {
        let t = "ab\ncd\n";
        let idx = LineIndex::new(t);
        assert_eq!(span_lines(t, &idx, Span::new(0, 3)), (0, 0));
        assert_eq!(span_lines(t, &idx, Span::new(0, 4)), (0, 1));
        assert_eq!(span_lines(t, &idx, Span::new(3, 3)), (1, 1));
    }
}
