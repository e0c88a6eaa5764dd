//! `json`: one array of ruff-shaped diagnostic objects, so editor plugins
//! written for `ruff check --output-format json` work by changing the command.
//!
//! Fields are those of ruff (`cell`, `code`, `end_location`, `filename`,
//! `fix`, `location`, `message`, `name`, `noqa_row`, `severity`, `url`) plus
//! nixdeps' `module` and `attribute`, all in alphabetical order as ruff prints
//! them. The order comes from the struct declarations, not from a map, so it
//! holds whatever features `serde_json` is built with.

use super::{span_positions, statistics, FileResult, RuleMeta};
use crate::diagnostic::Applicability;
use crate::span::Position;
use serde::Serialize;
use std::io::{self, Write};

#[derive(Serialize)]
struct Location {
    column: usize,
    row: usize,
}

impl From<Position> for Location {
    fn from(p: Position) -> Self {
        Location {
            column: p.column,
            row: p.row,
        }
    }
}

#[derive(Serialize)]
struct JsonEdit<'a> {
    content: &'a str,
    end_location: Location,
    location: Location,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    applicability: Applicability,
    edits: Vec<JsonEdit<'a>>,
    message: &'a str,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    attribute: Option<&'a str>,
    /// Notebook cell: ruff's field, always null (nixdeps checks scripts).
    cell: Option<usize>,
    code: &'a str,
    end_location: Location,
    filename: &'a str,
    fix: Option<JsonFix<'a>>,
    location: Location,
    message: &'a str,
    module: Option<&'a str>,
    name: &'a str,
    /// The row an inline `# nixdeps: ignore[...]` comment goes on.
    noqa_row: usize,
    severity: &'a str,
    url: Option<String>,
}

pub(super) fn render(
    results: &[FileResult],
    meta: &RuleMeta,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut all = Vec::new();
    for file in super::located(results) {
        let (r, text, index) = (file.result, file.text, &file.index);
        for d in &r.diagnostics {
            let (start, end) = span_positions(text, index, d.span);
            let fix = d.fix.as_ref().map(|f| JsonFix {
                applicability: f.applicability,
                edits: f
                    .edits
                    .iter()
                    .map(|e| {
                        let (s, t) = span_positions(text, index, e.span);
                        JsonEdit {
                            content: &e.content,
                            end_location: t.into(),
                            location: s.into(),
                        }
                    })
                    .collect(),
                message: &f.message,
            });
            all.push(JsonDiagnostic {
                attribute: d.attribute.as_deref(),
                cell: None,
                code: d.code,
                end_location: end.into(),
                filename: &r.path,
                fix,
                location: start.into(),
                message: &d.message,
                module: d.module.as_deref(),
                name: d.name,
                noqa_row: start.row,
                severity: d.severity.as_str(),
                url: meta.url(d.code),
            });
        }
    }
    serde_json::to_writer_pretty(&mut *out, &all)?;
    writeln!(out)
}

/// ruff's `--statistics --output-format json` shape.
#[derive(Serialize)]
struct JsonStatistic<'a> {
    code: &'a str,
    name: &'a str,
    count: usize,
    fixable: bool,
    fixable_count: usize,
}

pub(super) fn render_statistics(results: &[FileResult], out: &mut dyn Write) -> io::Result<()> {
    let stats = statistics(results);
    let v: Vec<JsonStatistic> = stats
        .iter()
        .map(|s| JsonStatistic {
            code: s.code,
            name: s.name,
            count: s.count,
            fixable: s.fixable_count > 0,
            fixable_count: s.fixable_count,
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &v)?;
    writeln!(out)
}
