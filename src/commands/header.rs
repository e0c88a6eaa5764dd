//! `nixdeps header SCRIPT`: the parsed header as JSON (debugging).

use crate::app::{io_err, read_script, usage, RunError, EXIT_CLEAN};
use std::io::{self, Write};
use std::path::Path;

pub fn run(script: &Path) -> Result<u8, RunError> {
    let (_, source) = read_script(script)?;
    let header = crate::header::parse(&source.text).ok_or_else(|| RunError {
        path: Some(script.display().to_string()),
        message: "not a nix-shell script: the first line is not a nix-shell or nix shebang".into(),
    })?;
    let model = crate::header::json::model(&source.text, &header);
    let json = serde_json::to_string_pretty(&model).map_err(|e| usage(e.to_string()))?;
    let mut out = io::stdout().lock();
    writeln!(out, "{json}").map_err(io_err)?;
    Ok(EXIT_CLEAN)
}
