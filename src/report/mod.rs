//! Renderers: one per output format, each a pure function of the results.
//!
//! Stage contract: [`render`] writes every file's diagnostics in `format`.
//! Results arrive sorted by path; diagnostics within a file sorted by position.

use crate::diagnostic::Diagnostic;
use std::io::{self, Write};

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
}

#[derive(Debug, Clone, Copy, Default)]
pub struct RenderOptions {
    pub color: bool,
    /// `--statistics`: counts per code instead of each diagnostic.
    pub statistics: bool,
    /// `--quiet`: diagnostics only, no summary line.
    pub quiet: bool,
}

pub fn render(
    format: OutputFormat,
    results: &[FileResult],
    summary: &Summary,
    opts: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let _ = (format, summary, opts);
    for r in results {
        for d in &r.diagnostics {
            writeln!(out, "{}: {} {}", r.path, d.code, d.message)?;
        }
    }
    Ok(())
}
