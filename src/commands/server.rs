//! `nixdeps server`: the language server (see [`crate::server`]).

use crate::app::RunError;
use crate::cli::ServerArgs;
use crate::config::ConfigSource;
use crate::server::{self, Options};

pub fn run(args: &ServerArgs) -> Result<u8, RunError> {
    Ok(server::run(Options {
        config: ConfigSource::from_flags(args.config.as_deref(), args.no_config),
        packages: args.packages.choice(),
    }))
}
