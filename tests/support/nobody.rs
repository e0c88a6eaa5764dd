//! Re-running one test of the current test binary as `nobody` (uid 65534):
//! tests run as root here, where permission bits do not stop reads or
//! writes. Include with `#[path = "support/nobody.rs"] mod nobody;`.

use std::os::unix::process::CommandExt;
use std::path::PathBuf;

/// A copy of the running test binary in a directory `nobody` can enter
/// (the checkout may live under a directory it cannot).
pub fn exe_for_nobody() -> (tempfile::TempDir, PathBuf) {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let exe = dir.path().join("test-binary");
    std::fs::copy(std::env::current_exe().unwrap(), &exe).unwrap();
    std::fs::set_permissions(&exe, std::fs::Permissions::from_mode(0o755)).unwrap();
    (dir, exe)
}

/// Run test `name` of this binary as `nobody` with `env` set, and assert it passed.
pub fn run_test_as_nobody(name: &str, env: (&str, &std::ffi::OsStr), extra_args: &[&str]) {
    let (_exe_dir, exe) = exe_for_nobody();
    let out = std::process::Command::new(&exe)
        .args([name, "--exact", "--test-threads=1"])
        .args(extra_args)
        .env(env.0, env.1)
        .current_dir("/")
        .uid(65534)
        .gid(65534)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "{name} as nobody: {}\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}
