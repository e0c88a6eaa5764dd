//! `github`: GitHub Actions workflow commands, one a line, which the runner
//! turns into annotations on the pull request:
//!
//! ```text
//! ::error file=PATH,line=R,col=C,endLine=R2,endColumn=C2,title=nixdeps (CODE)::PATH:R:C: CODE message
//! ```
//!
//! Like ruff, the message repeats `path:row:col: CODE`, because the job log
//! shows only the message, and adds the fix as a second line.

use super::{portable_path, span_positions, FileResult};
use crate::diagnostic::{Applicability, Severity};
use std::io::{self, Write};

pub(super) fn render(results: &[FileResult], out: &mut dyn Write) -> io::Result<()> {
    for file in super::located(results) {
        let (r, text, index) = (file.result, file.text, &file.index);
        let path = portable_path(&r.path);
        for d in &r.diagnostics {
            let (start, end) = span_positions(text, index, d.span);
            let level = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            let mut message = format!(
                "{path}:{}:{}: {} {}",
                start.row, start.column, d.code, d.message
            );
            if let Some(fix) = &d.fix {
                message.push_str("\n  help: ");
                message.push_str(&fix.message);
                if fix.applicability == Applicability::Unsafe {
                    message.push_str(" (unsafe fix)");
                }
            }
            writeln!(
                out,
                "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}",
                escape_property(&path),
                start.row,
                start.column,
                end.row,
                end.column,
                escape_property(&format!("nixdeps ({})", d.code)),
                escape_data(&message),
            )?;
        }
    }
    Ok(())
}

/// Escaping of a workflow command's message (as `@actions/core` does).
pub fn escape_data(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => o.push_str("%25"),
            '\r' => o.push_str("%0D"),
            '\n' => o.push_str("%0A"),
            c => o.push(c),
        }
    }
    o
}

/// Escaping of a workflow command's property value: the message escapes plus
/// the `:` and `,` that would end the value.
pub fn escape_property(s: &str) -> String {
    // `%` is escaped first, so the `%` of `%3A` and `%2C` is never doubled.
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_actions_core() {
        assert_eq!(escape_data("100%\r\nok: a,b"), "100%25%0D%0Aok: a,b");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }
}
