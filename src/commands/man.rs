//! `nixdeps man`: the man page (roff, section 1) generated from the clap
//! definitions; package.nix installs it as nixdeps.1.

use crate::app::{io_err, RunError, EXIT_CLEAN};
use crate::cli::Cli;
use std::io::{self, Write};

pub fn run() -> Result<u8, RunError> {
    let cmd = <Cli as clap::CommandFactory>::command();
    let mut page = Vec::new();
    clap_mangen::Man::new(cmd)
        .render(&mut page)
        .map_err(io_err)?;
    let mut out = io::stdout().lock();
    out.write_all(&page)
        .and_then(|()| out.flush())
        .map_err(io_err)?;
    Ok(EXIT_CLEAN)
}
