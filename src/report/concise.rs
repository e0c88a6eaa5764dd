//! `concise`: `path:row:col: CODE message`, one diagnostic a line and nothing
//! else (no summary, no `[*]`), for errorformat (`%f:%l:%c: %m`) and VS Code
//! problem matchers (`^(.*):(\d+):(\d+): (\w+) (.*)$`).

use super::{one_line, span_positions, FileResult};
use std::io::{self, Write};

pub(super) fn render(results: &[FileResult], out: &mut dyn Write) -> io::Result<()> {
    for file in super::located(results) {
        let (r, text, index) = (file.result, file.text, &file.index);
        for d in &r.diagnostics {
            let (start, _) = span_positions(text, index, d.span);
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
