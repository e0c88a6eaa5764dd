//! Import-extraction throughput (`cargo bench --bench imports`): parse +
//! import walk (`imports::extract`) over a real corpus, the `.py` files of
//! the machine's Python standard library (without site-packages), single
//! thread and all cores. Decoding is done up front and not timed.
//!
//! Corpus: `$NIXDEPS_BENCH_CORPUS` (a directory) or, by default, the stdlib
//! of `python3` (`sysconfig.get_paths()["stdlib"]`).

use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

fn corpus_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("NIXDEPS_BENCH_CORPUS") {
        return PathBuf::from(d);
    }
    let out = Command::new("python3")
        .args([
            "-c",
            "import sysconfig; print(sysconfig.get_paths()['stdlib'])",
        ])
        .output()
        .expect("python3 to locate the standard library (or set NIXDEPS_BENCH_CORPUS)");
    PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        let name = e.file_name();
        match e.file_type() {
            Ok(t)
                if t.is_dir()
                    && name != "site-packages"
                    && name != "dist-packages"
                    && name != "__pycache__" =>
            {
                collect(&p, out)
            }
            Ok(t) if t.is_file() && p.extension().is_some_and(|x| x == "py") => out.push(p),
            _ => {}
        }
    }
}

fn cpu_time(clock: libc::clockid_t) -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec.
    unsafe { libc::clock_gettime(clock, &mut ts) };
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

struct Timing {
    wall: Duration,
    cpu: Duration,
}

/// Best of `rounds` runs of `f`, by wall clock and by CPU time (of this
/// thread, or of the process for the parallel run). The machine may be
/// shared: the minimum is the least disturbed run, and CPU time leaves out
/// the time spent waiting for a core.
fn best<F: FnMut() -> usize>(rounds: usize, clock: libc::clockid_t, mut f: F) -> (Timing, usize) {
    let mut t = Timing {
        wall: Duration::MAX,
        cpu: Duration::MAX,
    };
    let mut n = 0;
    for _ in 0..rounds {
        let (w, c) = (Instant::now(), cpu_time(clock));
        n = std::hint::black_box(f());
        t.cpu = t.cpu.min(cpu_time(clock).saturating_sub(c));
        t.wall = t.wall.min(w.elapsed());
    }
    (t, n)
}

fn main() {
    // `cargo bench` passes `--bench`; ignore arguments.
    let dir = corpus_dir();
    let mut paths = Vec::new();
    collect(&dir, &mut paths);
    paths.sort();
    let texts: Vec<String> = paths
        .iter()
        .filter_map(|p| std::fs::read(p).ok())
        .filter_map(|b| nixdeps::read::decode(&b).ok())
        .map(|s| s.text)
        .collect();
    let bytes: usize = texts.iter().map(String::len).sum();
    let mb = bytes as f64 / 1e6;
    println!(
        "corpus: {} ({} files, {} decoded, {:.1} MB)",
        dir.display(),
        paths.len(),
        texts.len(),
        mb
    );
    let rounds: usize = std::env::var("NIXDEPS_BENCH_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(5);

    let count = |t: &String| nixdeps::imports::extract(t).imports.len();
    let (single, imports) = best(rounds, libc::CLOCK_THREAD_CPUTIME_ID, || {
        texts.iter().map(count).sum()
    });
    let (multi, imports_mt) = best(rounds, libc::CLOCK_PROCESS_CPUTIME_ID, || {
        texts.par_iter().map(count).sum()
    });
    assert_eq!(imports, imports_mt);
    let report = |label: &str, t: Timing| {
        let (w, c) = (t.wall.as_secs_f64(), t.cpu.as_secs_f64());
        println!(
            "{label:<18} wall {:>7.1} ms {:>6.1} MB/s {:>6.0} files/s | cpu {:>7.1} ms {:>6.1} MB/cpu-s {:>6.0} files/cpu-s",
            w * 1e3,
            mb / w,
            texts.len() as f64 / w,
            c * 1e3,
            mb / c,
            texts.len() as f64 / c
        );
    };
    println!("imports found: {imports}; best of {rounds} rounds");
    report("single thread", single);
    report(
        &format!("all cores ({})", rayon::current_num_threads()),
        multi,
    );
}
