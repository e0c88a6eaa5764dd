use clap::Parser;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::process::ExitCode;

fn main() -> ExitCode {
    no_huge_pages();
    let cli = nixdeps::cli::Cli::parse();
    ExitCode::from(nixdeps::app::run(cli))
}

/// mimalloc commits its arenas eagerly; with transparent huge pages on
/// ("always", as on Debian) every first touch of them made the kernel zero
/// a whole 2 MiB page: a tenth of a 2,000-script run's time (perf), none
/// of it useful for a short-lived process that touches a few MiB.
fn no_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE only sets a flag on this process; it takes
    // no pointers, and failure (old kernel) leaves things as they were.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}
