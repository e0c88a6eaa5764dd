//! The entry point of the commands: dispatch, exit status and the errors
//! every command shares. Exit status: 0 clean, 1 diagnostics remain (or
//! --diff would change something), 2 usage, configuration or I/O error.
//! Each command lives in its own file under `commands/`.

use crate::cli::{Cli, Command};
use crate::commands;
use crate::header::PyVersion;
use crate::read;
use std::io;
use std::path::Path;

pub const EXIT_CLEAN: u8 = 0;
pub const EXIT_DIAGNOSTICS: u8 = 1;
pub const EXIT_ERROR: u8 = 2;
/// SIGINT during `--fix`, as shells report it (128 + 2).
pub const EXIT_INTERRUPTED: u8 = 130;

/// An error of the run (not a diagnostic): printed as `error: …`, exit 2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunError {
    pub path: Option<String>,
    pub message: String,
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.path {
            Some(p) => write!(f, "{p}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

pub(crate) fn usage(message: impl Into<String>) -> RunError {
    RunError {
        path: None,
        message: message.into(),
    }
}

pub fn run(cli: Cli) -> u8 {
    let result = match cli.command {
        Command::Check(args) => commands::check::run(args),
        Command::Fix(mut args) => {
            args.fix = true;
            commands::check::run(args)
        }
        Command::Explain { code } => commands::explain::run(code.as_deref()),
        Command::Imports {
            script,
            output_format,
            python_version,
            packages,
        } => commands::imports::run(&script, output_format, python_version.as_deref(), &packages),
        Command::Header { script } => commands::header::run(&script),
        Command::Nixpkgs {
            script,
            output_format,
            build,
            config,
            no_config,
            packages,
        } => commands::nixpkgs::run(&commands::nixpkgs::Request {
            script,
            format: output_format,
            build,
            config,
            no_config,
            packages,
        }),
        Command::Server(args) => commands::server::run(&args),
        Command::Completions { shell } => commands::completions::run(shell),
        Command::Man => commands::man::run(),
    };
    match result {
        Ok(code) => code,
        Err(e) if is_broken_pipe(&e) => EXIT_CLEAN,
        Err(e) => {
            eprintln!("error: {e}");
            EXIT_ERROR
        }
    }
}

fn is_broken_pipe(e: &RunError) -> bool {
    e.path.is_none() && e.message == BROKEN_PIPE
}

const BROKEN_PIPE: &str = "broken pipe";

pub(crate) fn io_err(e: io::Error) -> RunError {
    if e.kind() == io::ErrorKind::BrokenPipe {
        usage(BROKEN_PIPE)
    } else {
        usage(e.to_string())
    }
}

pub(crate) fn version_arg(v: Option<&str>) -> Result<Option<PyVersion>, RunError> {
    v.map(|s| PyVersion::parse(s).map_err(|e| usage(format!("invalid --python-version: {e}"))))
        .transpose()
}

pub(crate) fn read_script(path: &Path) -> Result<(Vec<u8>, read::Source), RunError> {
    let bytes = std::fs::read(path).map_err(|e| RunError {
        path: Some(path.display().to_string()),
        message: e.to_string(),
    })?;
    let source = read::decode(&bytes).map_err(|e| RunError {
        path: Some(path.display().to_string()),
        message: e.to_string(),
    })?;
    Ok((bytes, source))
}
