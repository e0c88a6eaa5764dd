//! `nixdeps explain [CODE]`: the rule list, or one rule's documentation.

use crate::app::{io_err, usage, RunError, EXIT_CLEAN};
use crate::rules;
use std::io::{self, Write};

pub fn run(code: Option<&str>) -> Result<u8, RunError> {
    let mut out = io::stdout().lock();
    match code {
        None => {
            for r in rules::ALL {
                writeln!(
                    out,
                    "{}  {:<26} {:<8} {}{}",
                    r.code,
                    r.name,
                    r.severity.as_str(),
                    r.summary,
                    if r.fixable { " [fix]" } else { "" }
                )
                .map_err(io_err)?;
            }
        }
        Some(c) => {
            let r = rules::lookup(c)
                .ok_or_else(|| usage(format!("unknown rule {c:?} (see `nixdeps explain`)")))?;
            writeln!(
                out,
                "# {} ({})\n\nDefault severity: {}. Fix: {}.\n\n{}",
                r.name,
                r.code,
                r.severity.as_str(),
                if r.fixable { "yes" } else { "none" },
                r.doc
            )
            .map_err(io_err)?;
        }
    }
    Ok(EXIT_CLEAN)
}
