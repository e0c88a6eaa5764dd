use clap::Parser;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = nixdeps::cli::Cli::parse();
    ExitCode::from(nixdeps::app::run(cli))
}

/// mimalloc commits its arenas eagerly; with transparent huge pages on
/// ("always", as on Debian) every first touch of them made the kernel zero
/// a whole 2 MiB page: a tenth of a 2,000-script run's time and a sixth of
/// a one-script run's (perf), none of it useful for a short-lived process
/// that touches a few MiB. The flag must be set before the first
/// allocation, which the Rust runtime makes before `main`: so from the
/// program's initialisers, which the loader runs before the runtime.
#[cfg(target_os = "linux")]
#[used]
#[unsafe(link_section = ".init_array")]
static NO_HUGE_PAGES: extern "C" fn() = no_huge_pages;

#[cfg(target_os = "linux")]
extern "C" fn no_huge_pages() {
    // SAFETY: PR_SET_THP_DISABLE only sets a flag on this process; it takes
    // no pointers, and failure (old kernel) leaves things as they were.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}
