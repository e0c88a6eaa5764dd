use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = nixdeps::cli::Cli::parse();
    ExitCode::from(nixdeps::app::run(cli))
}
