//! `write_atomic`: modes, owners, symlinks, refusals, no temporary left.
#![cfg(unix)]

#[path = "support/nobody.rs"]
mod nobody;

use nixdeps::write::{write_atomic, WriteError, TEMP_PREFIX};
use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

fn dir() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().canonicalize().unwrap();
    (tmp, d)
}

fn temporaries(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(TEMP_PREFIX))
        .collect()
}

fn mode(path: &Path) -> u32 {
    fs::metadata(path).unwrap().mode() & 0o7777
}

fn set_mode(path: &Path, mode: u32) {
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

const OLD: &[u8] =
    b"#!/usr/bin/env nix-shell\r\n#!nix-shell -i python3 -p python3\r\nimport yaml\r\n";
const NEW: &[u8] =
    b"#!/usr/bin/env nix-shell\r\n#!nix-shell -i python3 -p python3Packages.pyyaml\r\nimport yaml\r\n";

#[test]
fn writes_bytes_exactly_and_keeps_the_mode() {
    let (_t, d) = dir();
    for m in [0o755, 0o644, 0o600, 0o750, 0o4755] {
        let f = d.join(format!("s{m:o}"));
        fs::write(&f, OLD).unwrap();
        set_mode(&f, m);
        write_atomic(&f, OLD, NEW).unwrap();
        assert_eq!(fs::read(&f).unwrap(), NEW, "CRLF and every byte kept");
        assert_eq!(mode(&f), m, "mode {m:o}");
    }
    // Bytes that are not text at all, and an empty result.
    let f = d.join("bin");
    fs::write(&f, b"a").unwrap();
    let junk: Vec<u8> = (0..=255u8).cycle().take(100_000).collect();
    write_atomic(&f, b"a", &junk).unwrap();
    assert_eq!(fs::read(&f).unwrap(), junk);
    write_atomic(&f, &junk, b"").unwrap();
    assert_eq!(fs::read(&f).unwrap(), b"");
    assert!(temporaries(&d).is_empty());
}

#[test]
fn keeps_the_owner_when_allowed() {
    if !is_root() {
        eprintln!("skipped: only root can give a file to another owner");
        return;
    }
    let (_t, d) = dir();
    let f = d.join("owned");
    fs::write(&f, OLD).unwrap();
    std::os::unix::fs::chown(&f, Some(1234), Some(4321)).unwrap();
    set_mode(&f, 0o2775);
    write_atomic(&f, OLD, NEW).unwrap();
    let meta = fs::metadata(&f).unwrap();
    assert_eq!((meta.uid(), meta.gid()), (1234, 4321));
    assert_eq!(meta.mode() & 0o7777, 0o2775, "set-gid survives the chown");
}

#[test]
fn writes_through_a_symlink_and_keeps_the_link() {
    let (_t, d) = dir();
    fs::create_dir(d.join("real")).unwrap();
    let target = d.join("real/script");
    fs::write(&target, OLD).unwrap();
    set_mode(&target, 0o755);
    std::os::unix::fs::symlink("real/script", d.join("link")).unwrap();
    // A chain of two links, too.
    std::os::unix::fs::symlink("link", d.join("link2")).unwrap();
    write_atomic(&d.join("link2"), OLD, NEW).unwrap();
    for link in ["link", "link2"] {
        let meta = fs::symlink_metadata(d.join(link)).unwrap();
        assert!(meta.file_type().is_symlink(), "{link} is still a link");
    }
    assert_eq!(
        fs::read_link(d.join("link")).unwrap(),
        Path::new("real/script")
    );
    assert_eq!(fs::read(&target).unwrap(), NEW);
    assert_eq!(mode(&target), 0o755);
    assert!(temporaries(&d).is_empty() && temporaries(&d.join("real")).is_empty());
}

#[test]
fn refuses_a_file_changed_since_it_was_read() {
    let (_t, d) = dir();
    let f = d.join("s");
    fs::write(&f, b"someone else's edit\n").unwrap();
    let e = write_atomic(&f, OLD, NEW).unwrap_err();
    assert!(matches!(e, WriteError::Changed { .. }), "{e:?}");
    assert!(
        e.to_string().starts_with(&format!("{}: ", f.display())),
        "{e}"
    );
    assert!(e.to_string().contains("changed on disk"), "{e}");
    assert_eq!(fs::read(&f).unwrap(), b"someone else's edit\n");
    assert!(temporaries(&d).is_empty());
}

#[test]
fn refuses_a_read_only_file_even_as_root() {
    let (_t, d) = dir();
    let f = d.join("ro");
    fs::write(&f, OLD).unwrap();
    set_mode(&f, 0o444);
    let e = write_atomic(&f, OLD, NEW).unwrap_err();
    assert!(matches!(e, WriteError::ReadOnlyFile { .. }), "{e:?}");
    assert_eq!(
        e.to_string(),
        format!("{}: the file is read-only; not overwritten", f.display())
    );
    assert_eq!(fs::read(&f).unwrap(), OLD);
    assert_eq!(mode(&f), 0o444);
    assert!(temporaries(&d).is_empty());
}

#[test]
fn refuses_a_read_only_directory_even_as_root() {
    let (_t, d) = dir();
    let sub = d.join("ro");
    fs::create_dir(&sub).unwrap();
    let f = sub.join("s");
    fs::write(&f, OLD).unwrap();
    set_mode(&sub, 0o555);
    let e = write_atomic(&f, OLD, NEW).unwrap_err();
    set_mode(&sub, 0o755);
    assert!(matches!(e, WriteError::ReadOnlyDir { .. }), "{e:?}");
    let text = e.to_string();
    assert!(
        text.starts_with(&format!(
            "{}: cannot write in the directory {}",
            f.display(),
            sub.display()
        )),
        "{text}"
    );
    assert!(text.contains("read-only"), "{text}");
    assert_eq!(fs::read(&f).unwrap(), OLD);
    assert!(temporaries(&sub).is_empty());
}

#[test]
fn vanished_file_and_non_file() {
    let (_t, d) = dir();
    let e = write_atomic(&d.join("gone"), OLD, NEW).unwrap_err();
    assert!(matches!(e, WriteError::Vanished { .. }), "{e:?}");
    assert!(
        e.to_string().contains("gone: the file no longer exists"),
        "{e}"
    );
    assert!(!d.join("gone").exists(), "nothing created");
    fs::create_dir(d.join("adir")).unwrap();
    let e = write_atomic(&d.join("adir"), OLD, NEW).unwrap_err();
    assert!(matches!(e, WriteError::NotAFile { .. }), "{e:?}");
    std::os::unix::fs::symlink("nowhere", d.join("dangling")).unwrap();
    let e = write_atomic(&d.join("dangling"), OLD, NEW).unwrap_err();
    assert!(matches!(e, WriteError::Vanished { .. }), "{e:?}");
    assert!(fs::symlink_metadata(d.join("dangling"))
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(!d.join("nowhere").exists());
    assert!(temporaries(&d).is_empty());
}

/// Permission checks as a plain user: a file or directory that belongs to
/// root is refused by `access(2)`, not by mode bits alone.
#[test]
fn permission_refusals_as_a_plain_user() {
    const ENV: &str = "NIXDEPS_WRITE_AS_NOBODY";
    if let Some(dir) = std::env::var_os(ENV) {
        let d = PathBuf::from(dir);
        // Writable by all, in a directory nobody may not write.
        let e = write_atomic(&d.join("locked/open"), OLD, NEW).unwrap_err();
        assert!(matches!(e, WriteError::ReadOnlyDir { .. }), "{e:?}");
        assert!(e.to_string().contains("permission denied"), "{e}");
        // Root's 0644 file in a directory everyone may write: renaming over
        // it would work, but nobody may not write the file itself.
        let e = write_atomic(&d.join("open/roots"), OLD, NEW).unwrap_err();
        assert!(matches!(e, WriteError::ReadOnlyFile { .. }), "{e:?}");
        // And a file nobody may write, for contrast, is written.
        write_atomic(&d.join("open/mine"), OLD, NEW).unwrap();
        return;
    }
    if !is_root() {
        eprintln!("skipped: needs root to set up files of two owners");
        return;
    }
    let (_t, d) = dir();
    set_mode(&d, 0o755);
    for sub in ["locked", "open"] {
        fs::create_dir(d.join(sub)).unwrap();
    }
    set_mode(&d.join("open"), 0o777);
    fs::write(d.join("locked/open"), OLD).unwrap();
    set_mode(&d.join("locked/open"), 0o666);
    fs::write(d.join("open/roots"), OLD).unwrap();
    set_mode(&d.join("open/roots"), 0o644);
    fs::write(d.join("open/mine"), OLD).unwrap();
    std::os::unix::fs::chown(d.join("open/mine"), Some(65534), Some(65534)).unwrap();
    nobody::run_test_as_nobody(
        "permission_refusals_as_a_plain_user",
        (ENV, d.as_os_str()),
        &[],
    );
    assert_eq!(fs::read(d.join("locked/open")).unwrap(), OLD);
    assert_eq!(fs::read(d.join("open/roots")).unwrap(), OLD);
    assert_eq!(fs::read(d.join("open/mine")).unwrap(), NEW);
    assert_eq!(fs::metadata(d.join("open/mine")).unwrap().uid(), 65534);
    assert!(temporaries(&d.join("open")).is_empty() && temporaries(&d.join("locked")).is_empty());
}

#[test]
fn unchanged_content_is_not_rewritten() {
    let (_t, d) = dir();
    let f = d.join("same");
    fs::write(&f, OLD).unwrap();
    let before = fs::metadata(&f).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    write_atomic(&f, OLD, OLD).unwrap();
    let after = fs::metadata(&f).unwrap();
    assert_eq!(before.ino(), after.ino(), "not replaced");
    assert_eq!(before.mtime_nsec(), after.mtime_nsec());
    fs::write(&f, b"edited").unwrap();
    let e = write_atomic(&f, OLD, OLD).unwrap_err();
    assert!(matches!(e, WriteError::Changed { .. }), "{e:?}");
    // A real change does replace the inode (atomic rename).
    fs::write(&f, OLD).unwrap();
    let before = fs::metadata(&f).unwrap();
    write_atomic(&f, OLD, NEW).unwrap();
    assert_ne!(before.ino(), fs::metadata(&f).unwrap().ino());
}
