//! Walking directories: ignore files, hidden entries, symlinks, errors.

#[path = "support/nobody.rs"]
mod nobody;

use nixdeps::discover::{discover, discover_with, exclude_nothing, Candidate, DiscoverOptions};
use std::fs;
use std::path::{Path, PathBuf};

const SCRIPT: &str = "#!/usr/bin/env nix-shell\n#!nix-shell -i python3 -p python3\nimport os\n";

fn put(path: &Path, text: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

fn rel(root: &Path, files: &[Candidate]) -> Vec<String> {
    files
        .iter()
        .map(|c| {
            c.path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect()
}

fn root() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().canonicalize().unwrap();
    (tmp, root)
}

#[test]
fn picks_scripts_by_first_line_only() {
    let (_t, r) = root();
    put(&r.join("a.py"), SCRIPT);
    put(&r.join("no_extension"), SCRIPT);
    put(
        &r.join("tool.sh"),
        "#!/usr/bin/env nix-shell\n#!nix-shell -i bash\n",
    );
    put(
        &r.join("flake"),
        "#!/usr/bin/env nix\n#! nix shell nixpkgs#python3 --command python3\n",
    );
    put(&r.join("plain.py"), "import os\n");
    put(&r.join("python.py"), "#!/usr/bin/env python3\n");
    put(&r.join("empty"), "");
    put(
        &r.join("crlf.py"),
        "#!/usr/bin/env nix-shell\r\n#!nix-shell -i python3\r\n",
    );
    put(&r.join("bom.py"), "\u{feff}#!/usr/bin/env nix-shell\n");
    put(&r.join("sub/deeper/z"), SCRIPT);
    let d = discover(std::slice::from_ref(&r), &exclude_nothing);
    assert!(d.errors.is_empty(), "{:?}", d.errors);
    // Interpreter checks belong to the header stage: every nix-shell script is a candidate.
    assert_eq!(
        rel(&r, &d.files),
        [
            "a.py",
            "bom.py",
            "crlf.py",
            "flake",
            "no_extension",
            "sub/deeper/z",
            "tool.sh"
        ]
    );
    assert!(d.files.iter().all(|c| !c.explicit));
    assert!(!d.stdin);
}

#[test]
fn gitignore_ignore_and_hidden_are_respected_without_git() {
    let (_t, r) = root();
    put(&r.join(".gitignore"), "ignored_by_git.py\nbuild/\n");
    put(&r.join(".ignore"), "ignored_by_ignore\n");
    put(&r.join("sub/.gitignore"), "local_*\n");
    put(&r.join("kept.py"), SCRIPT);
    put(&r.join("ignored_by_git.py"), SCRIPT);
    put(&r.join("ignored_by_ignore"), SCRIPT);
    put(&r.join("build/x.py"), SCRIPT);
    put(&r.join("sub/local_x"), SCRIPT);
    put(&r.join("sub/y"), SCRIPT);
    put(&r.join(".hidden.py"), SCRIPT);
    put(&r.join(".hiddendir/x.py"), SCRIPT);
    let d = discover(std::slice::from_ref(&r), &exclude_nothing);
    assert_eq!(rel(&r, &d.files), ["kept.py", "sub/y"]);
    // Given explicitly, an ignored or hidden file or directory is checked.
    let d = discover(
        &[
            r.join("ignored_by_git.py"),
            r.join(".hiddendir"),
            r.join("build"),
        ],
        &exclude_nothing,
    );
    assert_eq!(
        rel(&r, &d.files),
        [".hiddendir/x.py", "build/x.py", "ignored_by_git.py"]
    );
    assert!(
        d.files
            .iter()
            .find(|c| c.path.ends_with("ignored_by_git.py"))
            .unwrap()
            .explicit
    );
}

#[test]
fn git_info_exclude_is_respected() {
    let (_t, r) = root();
    put(&r.join(".git/info/exclude"), "secret.py\n");
    put(&r.join("secret.py"), SCRIPT);
    put(&r.join("open.py"), SCRIPT);
    let d = discover(std::slice::from_ref(&r), &exclude_nothing);
    assert_eq!(rel(&r, &d.files), ["open.py"]);
}

#[test]
fn explicit_non_script_is_skipped_silently_and_missing_path_is_an_error() {
    let (_t, r) = root();
    put(&r.join("README.md"), "# hello\n");
    put(&r.join("s"), SCRIPT);
    let missing = r.join("does/not/exist.py");
    let d = discover(
        &[
            r.join("README.md"),
            r.join("s"),
            missing.clone(),
            PathBuf::from("-"),
        ],
        &exclude_nothing,
    );
    assert_eq!(rel(&r, &d.files), ["s"]);
    assert!(d.files[0].explicit);
    assert_eq!(d.errors.len(), 1, "{:?}", d.errors);
    assert_eq!(d.errors[0].path, missing);
    assert!(
        d.errors[0].to_string().contains("exist.py: No such file"),
        "{}",
        d.errors[0]
    );
    assert!(d.stdin, "`-` is passed on as stdin");
}

#[test]
fn results_are_sorted_and_deduplicated() {
    let (_t, r) = root();
    for name in ["c", "a", "b/x", "b/a"] {
        put(&r.join(name), SCRIPT);
    }
    let d = discover(
        &[r.join("c"), r.clone(), r.join("b"), r.join("c")],
        &exclude_nothing,
    );
    assert_eq!(rel(&r, &d.files), ["a", "b/a", "b/x", "c"]);
    // The explicitly named duplicate wins.
    assert!(d.files[3].explicit);
    assert!(!d.files[0].explicit);
    // `./x` and `x` are one candidate, printed without `./`.
    let cwd_relative = discover(
        &[PathBuf::from("./Cargo.toml"), PathBuf::from("Cargo.toml")],
        &exclude_nothing,
    );
    assert!(cwd_relative.files.is_empty() && cwd_relative.errors.is_empty());
}

#[cfg(unix)]
#[test]
fn symlinks_walked_are_not_followed_and_loops_terminate() {
    use std::os::unix::fs::symlink;
    let (_t, r) = root();
    put(&r.join("real/s"), SCRIPT);
    put(&r.join("outside/o"), SCRIPT);
    symlink(r.join("real"), r.join("real/loop")).unwrap();
    symlink("..", r.join("real/up")).unwrap();
    symlink(r.join("outside/o"), r.join("real/link_to_file")).unwrap();
    symlink(r.join("nowhere"), r.join("real/dangling")).unwrap();
    let d = discover(&[r.join("real")], &exclude_nothing);
    assert_eq!(rel(&r, &d.files), ["real/s"]);
    assert!(d.errors.is_empty(), "{:?}", d.errors);

    // Explicit links are followed: to a file, and to a directory.
    symlink(r.join("outside"), r.join("dirlink")).unwrap();
    let d = discover(
        &[r.join("real/link_to_file"), r.join("dirlink")],
        &exclude_nothing,
    );
    assert_eq!(rel(&r, &d.files), ["dirlink/o", "real/link_to_file"]);

    // An explicit dangling link or link loop is an error naming it.
    symlink(r.join("loop_b"), r.join("loop_a")).unwrap();
    symlink(r.join("loop_a"), r.join("loop_b")).unwrap();
    let d = discover(
        &[r.join("loop_a"), r.join("real/dangling"), r.join("real/s")],
        &exclude_nothing,
    );
    assert_eq!(rel(&r, &d.files), ["real/s"]);
    assert_eq!(d.errors.len(), 2, "{:?}", d.errors);
    assert_eq!(d.errors[0].path, r.join("loop_a"));
    assert!(
        d.errors[0].message.contains("symbolic links"),
        "{}",
        d.errors[0]
    );
    assert_eq!(d.errors[1].path, r.join("real/dangling"));
    assert_eq!(d.errors[1].message, "broken symbolic link");
}

/// Runs `body` as a non-root user. As root, permission bits do not stop
/// reads, so the test binary re-runs this one test as `nobody` (uid 65534).
#[cfg(unix)]
fn as_non_root(test_name: &str, body: impl FnOnce()) {
    const ENV: &str = "NIXDEPS_TEST_AS_NOBODY";
    if !is_root() {
        body();
        return;
    }
    if std::env::var_os(ENV).is_some() {
        panic!("still root after dropping privileges");
    }
    nobody::run_test_as_nobody(
        test_name,
        (ENV, std::ffi::OsStr::new("1")),
        &["--nocapture"],
    );
}

#[cfg(unix)]
#[test]
fn unreadable_entries_are_errors_naming_them_and_the_walk_goes_on() {
    as_non_root(
        "unreadable_entries_are_errors_naming_them_and_the_walk_goes_on",
        || {
            use std::os::unix::fs::PermissionsExt;
            let (_t, r) = root();
            put(&r.join("locked/s"), SCRIPT);
            put(&r.join("secret"), SCRIPT);
            put(&r.join("ok"), SCRIPT);
            fs::set_permissions(r.join("locked"), fs::Permissions::from_mode(0o000)).unwrap();
            fs::set_permissions(r.join("secret"), fs::Permissions::from_mode(0o000)).unwrap();
            let d = discover(&[r.clone(), r.join("secret")], &exclude_nothing);
            let explicit = discover(&[r.join("locked"), r.join("ok")], &exclude_nothing);
            fs::set_permissions(r.join("locked"), fs::Permissions::from_mode(0o755)).unwrap();
            assert_eq!(rel(&r, &explicit.files), ["ok"]);
            assert_eq!(explicit.errors.len(), 1, "{:?}", explicit.errors);
            assert_eq!(explicit.errors[0].path, r.join("locked"));
            assert!(
                explicit.errors[0]
                    .to_string()
                    .contains("locked: Permission denied"),
                "{:?}",
                explicit.errors
            );
            assert_eq!(rel(&r, &d.files), ["ok"]);
            let paths: Vec<_> = d.errors.iter().map(|e| e.path.clone()).collect();
            // `secret` is found twice (walked and explicit): one error.
            assert_eq!(
                paths,
                [r.join("locked"), r.join("secret")],
                "{:?}",
                d.errors
            );
            assert!(
                d.errors
                    .iter()
                    .all(|e| e.message.contains("Permission denied")),
                "{:?}",
                d.errors
            );
        },
    );
}

#[test]
fn exclusion_applies_to_walked_entries_only_unless_forced() {
    let (_t, r) = root();
    put(&r.join("vendor/v"), SCRIPT);
    put(&r.join("src/gen_x"), SCRIPT);
    put(&r.join("src/y"), SCRIPT);
    let seen_dirs = std::sync::Mutex::new(Vec::new());
    let exclude = |p: &Path, is_dir: bool| {
        if is_dir {
            seen_dirs.lock().unwrap().push(p.to_path_buf());
        }
        p.components().any(|c| c.as_os_str() == "vendor")
            || p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("gen_"))
    };
    let d = discover(&[r.clone(), r.join("vendor/v")], &exclude);
    assert_eq!(rel(&r, &d.files), ["src/y", "vendor/v"]);
    assert!(
        d.files
            .iter()
            .find(|c| c.path.ends_with("vendor/v"))
            .unwrap()
            .explicit
    );
    // Excluded directories are pruned: vendor/ is asked about, nothing in it is walked.
    assert!(seen_dirs.lock().unwrap().contains(&r.join("vendor")));
    let forced = discover_with(
        &[r.join("vendor/v"), r.join("vendor"), r.join("src")],
        &exclude,
        DiscoverOptions {
            force_exclude: true,
            threads: 1,
        },
    );
    assert_eq!(rel(&r, &forced.files), ["src/y"]);
}

#[test]
fn a_big_tree_is_complete_and_deterministic() {
    let (_t, r) = root();
    let mut expected = Vec::new();
    for i in 0..40 {
        for j in 0..10 {
            let name = format!("d{i:02}/f{j}");
            if (i + j) % 3 == 0 {
                put(&r.join(&name), SCRIPT);
                expected.push(name);
            } else {
                put(&r.join(&name), "x = 1\n");
            }
        }
    }
    expected.sort();
    let a = discover(std::slice::from_ref(&r), &exclude_nothing);
    let b = discover_with(
        std::slice::from_ref(&r),
        &exclude_nothing,
        DiscoverOptions {
            threads: 1,
            ..Default::default()
        },
    );
    assert_eq!(rel(&r, &a.files), expected);
    assert_eq!(a, b);
}

/// Measurement, not a check: `NIXDEPS_TREE_FILES=100000 cargo test --release
/// --test discover_walk scale -- --ignored --nocapture`. One file in 30 is a
/// script; the rest are plain files of 1 KiB.
#[test]
#[ignore]
fn scale() {
    let n: usize = std::env::var("NIXDEPS_TREE_FILES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let (_t, r) = root();
    let filler = vec![b'x'; 1024];
    for i in 0..n {
        let p = r.join(format!("d{:02}/e{}/f{i}", i % 100, i % 10));
        if i % 30 == 0 {
            put(&p, SCRIPT);
        } else {
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(&p, &filler).unwrap();
        }
    }
    let start = std::time::Instant::now();
    let d = discover(std::slice::from_ref(&r), &exclude_nothing);
    let elapsed = start.elapsed();
    assert_eq!(d.files.len(), n.div_ceil(30));
    println!(
        "{n} files, {} scripts: {:.3} s ({:.0} files/s)",
        d.files.len(),
        elapsed.as_secs_f64(),
        n as f64 / elapsed.as_secs_f64()
    );
}
