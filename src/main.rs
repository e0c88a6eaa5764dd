use clap::Parser;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = nixdeps::cli::Cli::parse();
    ExitCode::from(nixdeps::app::run(cli))
}
