//! Hostile input (issue 5): each case a clear message naming the file (and
//! line where there is one), exit 2 for errors of the run and 1 for
//! diagnostics, the other files still checked, nothing written, no panic.

use assert_cmd::Command;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Stdio;

const SHEBANG: &str = "#!/usr/bin/env nix-shell\n";
const GOOD_HEADER: &str = "#!/usr/bin/env nix-shell\n#!nix-shell -i python3 -p \"python3.withPackages (ps: [ ps.requests ])\"\n";
const MISSING: &str = "#!/usr/bin/env nix-shell\n#!nix-shell -i python3 -p \"python3.withPackages (ps: [ ps.requests ])\"\nimport requests\nimport yaml\n";

fn nixdeps() -> Command {
    let mut c = Command::cargo_bin("nixdeps").unwrap();
    // The embedded database, whatever nixpkgs this machine has.
    c.env("NIXDEPS_NO_NIXPKGS_INDEX", "1");
    c
}

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

struct Run {
    code: i32,
    out: String,
    err: String,
}

fn run(cmd: &mut Command) -> Run {
    let o = cmd.output().unwrap();
    let r = Run {
        code: o.status.code().unwrap_or(-1),
        out: String::from_utf8_lossy(&o.stdout).into_owned(),
        err: String::from_utf8_lossy(&o.stderr).into_owned(),
    };
    assert!(!r.err.contains("panicked"), "panic: {}", r.err);
    r
}

/// A bad file next to a good one with a diagnostic: the bad one is an
/// error (exit 2, named), the good one is still reported, nothing written.
fn assert_error_beside_good(name: &str, bytes: &[u8], want_in_message: &str) {
    let t = tempfile::tempdir().unwrap();
    let bad = write(t.path(), name, bytes);
    let good = write(t.path(), "good.py", MISSING);
    let r = run(nixdeps()
        .args(["check", "--fix", "--output-format", "concise"])
        .arg(&bad)
        .arg(&good));
    assert_eq!(r.code, 2, "{name}: {}{}", r.out, r.err);
    assert!(
        r.err.contains(name),
        "{name}: the message names the file: {}",
        r.err
    );
    assert!(
        r.err.contains(want_in_message),
        "{name}: {:?} in {}",
        want_in_message,
        r.err
    );
    assert_eq!(
        std::fs::read(&bad).unwrap(),
        bytes,
        "{name}: the bad file was written"
    );
    assert!(
        std::fs::read_to_string(&good)
            .unwrap()
            .contains("ps.pyyaml"),
        "the good file was still fixed"
    );
}

#[test]
fn nul_bytes_behind_a_shebang() {
    let mut b = GOOD_HEADER.as_bytes().to_vec();
    b.extend_from_slice(b"import requests\n\0\0\x01binary\n");
    assert_error_beside_good("nul.py", &b, "line 4");
}

#[test]
fn invalid_utf8_without_cookie() {
    let mut b = GOOD_HEADER.as_bytes().to_vec();
    b.extend_from_slice(b"import requests\nname = '\xff\xfe'\n");
    assert_error_beside_good("bad-utf8.py", &b, "line 4");
}

#[test]
fn invalid_bytes_for_a_cookie() {
    // UTF-8 cookie, latin-1 bytes: an error with the line.
    let mut b =
        b"#!/usr/bin/env nix-shell\n# -*- coding: utf-8 -*-\n#!nix-shell -i python3 -p python3\n"
            .to_vec();
    b.extend_from_slice(b"s = '\xe9t\xe9'\n");
    assert_error_beside_good("cookie.py", &b, "line 4");
}

#[test]
fn latin1_with_cookie_is_checked_and_fixed_in_latin1() {
    let t = tempfile::tempdir().unwrap();
    let mut b = b"#!/usr/bin/env nix-shell\n# -*- coding: latin-1 -*-\n#!nix-shell -i python3 -p \"python3.withPackages (ps: [ ps.requests ])\"\n".to_vec();
    b.extend_from_slice(b"import requests, yaml\ns = '\xe9t\xe9'\n");
    let p = write(t.path(), "latin.py", &b);
    let r = run(nixdeps().args(["check", "--fix"]).arg(&p));
    assert_eq!(r.code, 0, "{}{}", r.out, r.err);
    let after = std::fs::read(&p).unwrap();
    assert!(after.ends_with(b"s = '\xe9t\xe9'\n"), "latin-1 bytes kept");
}

#[test]
fn empty_file_and_shebang_without_newline() {
    let t = tempfile::tempdir().unwrap();
    let empty = write(t.path(), "empty", "");
    let bare = write(t.path(), "bare", "#!/usr/bin/env nix-shell");
    let r = run(nixdeps().args(["check"]).arg(&empty).arg(&bare));
    assert_eq!(r.code, 0, "{}{}", r.out, r.err);
}

#[test]
fn unterminated_quote_and_trailing_backslash() {
    let t = tempfile::tempdir().unwrap();
    let cases = [
        ("quote.py", format!("{SHEBANG}#!nix-shell -i python3 -p \"python3.withPackages (ps: [ ps.requests ])\nimport requests\nimport yaml\n")),
        ("backslash.py", format!("{SHEBANG}#!nix-shell -i python3 -p python3 \\\nimport requests\n")),
    ];
    for (name, text) in cases {
        let p = write(t.path(), name, &text);
        let r = run(nixdeps()
            .args(["check", "--fix", "--output-format", "concise"])
            .arg(&p));
        assert_eq!(r.code, 1, "{name}: {}{}", r.out, r.err);
        assert!(
            r.out.contains("ND100"),
            "{name}: reported as not understood: {}",
            r.out
        );
        assert_eq!(
            std::fs::read_to_string(&p).unwrap(),
            text,
            "{name}: no fix on a header nixdeps does not understand"
        );
    }
}

#[test]
fn nix_that_does_not_parse_is_reported_not_fixed() {
    let t = tempfile::tempdir().unwrap();
    let text = format!("{SHEBANG}#!nix-shell -i python3 -p \"python3.withPackages (ps: [ ps.requests )\"\nimport requests\nimport yaml\n");
    let p = write(t.path(), "nix.py", &text);
    let r = run(nixdeps()
        .args(["check", "--fix", "--output-format", "concise"])
        .arg(&p));
    assert_eq!(r.code, 1, "{}{}", r.out, r.err);
    assert!(r.out.contains("ND100"), "{}", r.out);
    assert_eq!(std::fs::read_to_string(&p).unwrap(), text);
}

#[test]
fn python2_syntax() {
    let t = tempfile::tempdir().unwrap();
    let text = format!("{GOOD_HEADER}import requests\nprint \"hi\"\nexec \"x\"\n");
    let p = write(t.path(), "py2.py", &text);
    let r = run(nixdeps()
        .args(["check", "--fix", "--output-format", "concise"])
        .arg(&p));
    assert_eq!(r.code, 1);
    assert!(
        r.out.contains("py2.py:4:") && r.out.contains("ND101"),
        "{}",
        r.out
    );
    assert_eq!(
        std::fs::read_to_string(&p).unwrap(),
        text,
        "no fix on a file with a syntax error"
    );
}

#[test]
fn deeply_nested_python_does_not_overflow() {
    let t = tempfile::tempdir().unwrap();
    for (name, open, close) in [("parens.py", "(", ")"), ("brackets.py", "[", "]")] {
        let text = format!(
            "{GOOD_HEADER}import requests\nx = {}1{}\nimport yaml\n",
            open.repeat(10_000),
            close.repeat(10_000)
        );
        let p = write(t.path(), name, &text);
        let r = run(nixdeps()
            .args(["check", "--output-format", "concise"])
            .arg(&p));
        assert!(r.code == 1, "{name}: {}{}", r.out, r.err);
    }
}

#[test]
fn big_script_and_long_header() {
    let t = tempfile::tempdir().unwrap();
    let mut big = String::from(MISSING);
    let line = "x = [1, 2, 3]  # padding padding padding padding padding\n";
    while big.len() < 50 * 1024 * 1024 {
        big.push_str(line);
    }
    let p = write(t.path(), "big.py", &big);
    let r = run(nixdeps()
        .args(["check", "--output-format", "concise"])
        .arg(&p));
    assert_eq!(r.code, 1, "{}", r.err);
    assert!(r.out.contains("ND001"));

    let mut long = String::from(SHEBANG);
    long.push_str("#!nix-shell -i python3 -p \"python3.withPackages (ps: [ ps.requests ])\"\n");
    for _ in 0..100_000 {
        long.push_str("#!nix-shell -p jq\n");
    }
    long.push_str("import requests\n");
    let p = write(t.path(), "long.py", &long);
    let r = run(nixdeps()
        .args(["check", "--output-format", "concise"])
        .arg(&p));
    assert_eq!(r.code, 0, "{}{}", r.out, r.err);
}

#[test]
fn directory_symlink_loop_terminates() {
    let t = tempfile::tempdir().unwrap();
    std::fs::create_dir(t.path().join("d")).unwrap();
    std::os::unix::fs::symlink(t.path(), t.path().join("d/loop")).unwrap();
    write(&t.path().join("d"), "s.py", MISSING);
    let r = run(nixdeps()
        .args(["check", "--output-format", "concise"])
        .arg(t.path()));
    assert!(r.code == 1 || r.code == 2, "{}{}", r.out, r.err);
    assert_eq!(r.out.matches("ND001").count(), 1, "{}", r.out);
}

#[test]
fn a_directory_given_as_stdin_filename_or_unreadable_entries() {
    let t = tempfile::tempdir().unwrap();
    let fifo = t.path().join("not-a-file");
    std::fs::create_dir(&fifo).unwrap();
    // A directory where a script is expected: walked, nothing inside, clean.
    let r = run(nixdeps().args(["check"]).arg(&fifo));
    assert_eq!(r.code, 0, "{}{}", r.out, r.err);
}

#[test]
fn fix_refuses_a_read_only_file() {
    use std::os::unix::fs::PermissionsExt;
    let t = tempfile::tempdir().unwrap();
    let p = write(t.path(), "ro.py", MISSING);
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o444)).unwrap();
    let r = run(nixdeps().args(["check", "--fix"]).arg(&p));
    assert_eq!(r.code, 2, "{}{}", r.out, r.err);
    assert!(r.err.contains("ro.py"), "{}", r.err);
    assert_eq!(std::fs::read_to_string(&p).unwrap(), MISSING);
    let leftovers: Vec<_> = std::fs::read_dir(t.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers.len(), 1, "no temporary left: {leftovers:?}");
}

#[test]
fn broken_pipe_exits_quietly() {
    let t = tempfile::tempdir().unwrap();
    for i in 0..1500 {
        write(t.path(), &format!("s{i}.py"), MISSING);
    }
    let bin = assert_cmd::cargo::cargo_bin("nixdeps");
    let mut child = std::process::Command::new(bin)
        .env("NIXDEPS_NO_NIXPKGS_INDEX", "1")
        .args(["check", "--output-format", "concise"])
        .arg(t.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 16];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    child.wait().unwrap();
    assert!(err.is_empty(), "quiet on a broken pipe: {err}");
}
