//! `nixdeps completions SHELL`: a completion script generated from the clap
//! definitions, so it cannot drift from the parser. Packagers install it
//! (package.nix runs this at build time through installShellFiles).

use crate::app::{io_err, RunError, EXIT_CLEAN};
use crate::cli::Cli;
use std::io::{self, Write};

pub fn run(shell: clap_complete::Shell) -> Result<u8, RunError> {
    let mut cmd = <Cli as clap::CommandFactory>::command();
    // Rendered into memory first: `generate` panics on a write error
    // (a closed pipe), and an error here must be a message, not a panic.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut cmd, "nixdeps", &mut script);
    let mut out = io::stdout().lock();
    out.write_all(&script)
        .and_then(|()| out.flush())
        .map_err(io_err)?;
    Ok(EXIT_CLEAN)
}
