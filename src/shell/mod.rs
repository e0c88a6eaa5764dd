//! Shell nix-shell scripts (DESIGN §15): the commands a script runs,
//! matched against what the header's packages and stdenv put on PATH.
//!
//! Stage contract (other stages rely on these names; extend, don't rename):
//! - [`dialect`] says whether a header's interpreter is a shell nixdeps reads;
//! - [`analyse`] turns the text and its header (and, when in use, the user's
//!   nixpkgs tree: its `pkgs/by-name` packages) into an [`Analysis`]: every
//!   command use with its [`Status`], the declared packages with whether a
//!   use needs them, dynamic command names and syntax errors.
//!
//! Files: `parse` (the only tree-sitter user), `builtins` (builtins,
//! keywords, wrappers), `commands` (uses through wrappers), `provide` (what
//! stdenv, the host and the declared packages provide).

pub mod builtins;
pub mod commands;
pub mod parse;
pub mod provide;

pub use commands::Use;
pub use provide::{Analysis, Knowledge, Status};

use crate::header::Header;

/// The shells nixdeps reads, all as bash (zsh as far as bash syntax allows).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Dialect {
    Bash,
    Sh,
    Zsh,
}

/// The dialect of the header's interpreter (`-i bash`, `-i "bash -e"`,
/// `--command bash`, `/usr/bin/env bash`), if it is a shell.
pub fn dialect(h: &Header) -> Option<Dialect> {
    let program = h.interpreter.as_ref()?.program.as_str();
    let base = program.rsplit('/').next().unwrap_or(program);
    match base {
        "bash" => Some(Dialect::Bash),
        "sh" | "dash" | "ash" => Some(Dialect::Sh),
        "zsh" => Some(Dialect::Zsh),
        _ => None,
    }
}

/// Analyse a shell script; `None` when the header's interpreter is not a
/// shell (or the grammar failed to load).
pub fn analyse(text: &str, header: &Header, known: &Knowledge) -> Option<Analysis> {
    let dialect = dialect(header)?;
    let parsed = parse::parse(text)?;
    let extracted = commands::extract(&parsed, dialect == Dialect::Zsh);
    Some(provide::analyse(
        text, header, dialect, &parsed, extracted, known,
    ))
}
