//! `concise`: `path:row:col: CODE message`, one diagnostic a line and nothing
//! else (no summary, no `[*]`), for errorformat (`%f:%l:%c: %m`) and VS Code
//! problem matchers (`^(.*):(\d+):(\d+): (\w+) (.*)$`).

use super::{needed_text, one_line, span_positions, FileResult};
use crate::span::LineIndex;
use std::io::{self, Write};

pub(super) fn render(results: &[FileResult], out: &mut dyn Write) -> io::Result<()> {
    for r in results {
        // Clean files (most of a run) cost no line scan.
        if r.diagnostics.is_empty() {
            continue;
        }
        let text = needed_text(r);
        let index = LineIndex::new(text);
        for d in &r.diagnostics {
            let (start, _) = span_positions(text, &index, d.span);
            writeln!(
                out,
                "{}:{}:{}: {} {}",
                one_line(&r.path),
                start.row,
                start.column,
                d.code,
                one_line(&d.message)
            )?;
        }
    }
    Ok(())
}
