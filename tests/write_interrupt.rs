//! SIGINT during a `--fix` over many files: every file is the old or the new
//! version, and no temporary is left. The test binary re-runs itself as the
//! child that writes (`child_writer`), and signals it.
#![cfg(unix)]

use nixdeps::write::{
    install_interrupt_handler, interrupted, write_atomic, WriteError, TEMP_PREFIX,
};
use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const DIR_ENV: &str = "NIXDEPS_INTERRUPT_DIR";
const MODE_ENV: &str = "NIXDEPS_INTERRUPT_MODE";
const FILES: usize = 40;

fn version(i: usize, v: u8, size: usize) -> Vec<u8> {
    let mut out = format!("#!/usr/bin/env nix-shell\n# file {i} version {v}\n").into_bytes();
    out.resize(size, b'a' + v);
    out
}

fn size(mode: &str) -> usize {
    if mode == "force" {
        1 << 20
    } else {
        256 << 10
    }
}

/// The writer. Does nothing unless started by the tests below.
#[test]
fn child_writer() {
    let Some(dir) = std::env::var_os(DIR_ENV) else {
        return;
    };
    let dir = PathBuf::from(dir);
    let mode = std::env::var(MODE_ENV).unwrap_or_default();
    let size = size(&mode);
    install_interrupt_handler().unwrap();
    install_interrupt_handler().unwrap(); // idempotent
    let mut stdout = std::io::stdout();
    let started = Instant::now();
    // Alternate old → new → old … so there is always a write to do.
    for round in 0.. {
        let (from, to) = if round % 2 == 0 { (0, 1) } else { (1, 0) };
        for i in 0..FILES {
            // A real `--fix` loop stops here; the "force" child does not, so
            // that only a second signal ends it.
            if mode != "force" && interrupted() {
                std::process::exit(130);
            }
            let path = dir.join(format!("f{i:02}"));
            match write_atomic(&path, &version(i, from, size), &version(i, to, size)) {
                Ok(()) => {}
                Err(WriteError::Interrupted { .. }) => continue,
                Err(e) => panic!("{e}"),
            }
            if round == 0 && i == 0 {
                writeln!(stdout, "ready").unwrap();
                stdout.flush().unwrap();
            }
        }
        if started.elapsed() > Duration::from_secs(60) {
            std::process::exit(3);
        }
    }
}

fn setup(mode: &str) -> (tempfile::TempDir, PathBuf, Child) {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().to_path_buf();
    for i in 0..FILES {
        fs::write(d.join(format!("f{i:02}")), version(i, 0, size(mode))).unwrap();
    }
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["child_writer", "--exact", "--nocapture", "--test-threads=1"])
        .env(DIR_ENV, &d)
        .env(MODE_ENV, mode)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    loop {
        match lines.next() {
            Some(Ok(line)) if line.contains("ready") => break,
            Some(Ok(_)) => continue,
            other => panic!("child did not start: {other:?}"),
        }
    }
    (tmp, d, child)
}

fn signal(child: &Child, sig: i32) {
    // SAFETY: plain kill(2) on our own child's pid.
    assert_eq!(unsafe { libc::kill(child.id() as i32, sig) }, 0);
}

fn wait(mut child: Child) -> (i32, String) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut err = String::new();
            std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
            return (status.code().unwrap_or(-1), err);
        }
        if Instant::now() > deadline {
            child.kill().unwrap();
            panic!("child did not stop");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn temporaries(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(TEMP_PREFIX))
        .collect()
}

/// Every file is exactly one of its two versions; returns how many are new.
fn check_files(dir: &Path, mode: &str) -> usize {
    let mut new = 0;
    for i in 0..FILES {
        let bytes = fs::read(dir.join(format!("f{i:02}"))).unwrap();
        if bytes == version(i, 1, size(mode)) {
            new += 1;
        } else {
            assert!(
                bytes == version(i, 0, size(mode)),
                "f{i:02} is neither version"
            );
        }
    }
    new
}

#[test]
fn sigint_stops_between_files() {
    let (_t, d, child) = setup("stop");
    std::thread::sleep(Duration::from_millis(30));
    signal(&child, libc::SIGINT);
    let (code, stderr) = wait(child);
    assert_eq!(code, 130, "{stderr}");
    assert!(temporaries(&d).is_empty(), "{:?}", temporaries(&d));
    check_files(&d, "stop");
}

#[test]
fn second_signal_exits_at_once_and_removes_the_temporary_in_flight() {
    let (_t, d, child) = setup("force");
    // Wait until a temporary exists, so the signal lands mid-write.
    let deadline = Instant::now() + Duration::from_secs(20);
    while temporaries(&d).is_empty() && Instant::now() < deadline {
        std::thread::yield_now();
    }
    // Two different signals: two SIGINTs in a row could merge into one.
    signal(&child, libc::SIGINT);
    signal(&child, libc::SIGTERM);
    let (code, stderr) = wait(child);
    assert_eq!(code, 130, "{stderr}");
    assert!(
        stderr.contains("nixdeps: interrupted"),
        "the forced path ran: {stderr}"
    );
    assert!(temporaries(&d).is_empty(), "{:?}", temporaries(&d));
    check_files(&d, "force");
}
