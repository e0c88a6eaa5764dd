//! `imports::classify` over `fixtures/imports/classify`.

use nixdeps::header::PyVersion;
use nixdeps::imports::{classify, Class};
use std::path::{Path, PathBuf};

const fn v(minor: u8) -> PyVersion {
    PyVersion { major: 3, minor }
}

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/imports/classify")
}

fn first_party_file(c: &Class) -> Option<String> {
    match c {
        Class::FirstParty { path } => Some(
            path.as_ref()
                .and_then(|p| p.file_name())
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
        ),
        _ => None,
    }
}

#[test]
fn stdlib_per_version() {
    for (top, minor, stdlib) in [
        ("os", 12, true),
        ("sys", 6, true),
        ("_thread", 13, true),
        ("tomllib", 11, true),
        ("tomllib", 10, false),
        ("zoneinfo", 8, false),
        ("zoneinfo", 9, true),
        ("distutils", 11, true),
        ("asyncore", 11, true),
        ("cgi", 12, true),
        ("yaml", 12, false),
        ("requests", 13, false),
    ] {
        let c = classify(top, v(minor), None, &[]);
        assert_eq!(c == Class::Stdlib, stdlib, "{top} on 3.{minor}: {c:?}");
    }
    // `os.path` is classified by its top level.
    assert_eq!(classify("os.path", v(12), None, &[]), Class::Stdlib);
}

#[test]
fn removed_stdlib_with_restorers() {
    let removed = |top: &str, minor| match classify(top, v(minor), None, &[]) {
        Class::RemovedStdlib {
            removed_in,
            restored_by,
        } => Some((removed_in.map(|v| v.to_string()), restored_by)),
        _ => None,
    };
    assert_eq!(
        removed("distutils", 12),
        Some((Some("3.12".into()), Some("setuptools".into())))
    );
    assert_eq!(
        removed("distutils", 13),
        Some((Some("3.12".into()), Some("setuptools".into())))
    );
    assert_eq!(
        removed("asyncore", 12),
        Some((Some("3.12".into()), Some("pyasyncore".into())))
    );
    assert_eq!(removed("imp", 12), Some((Some("3.12".into()), None)));
    assert_eq!(removed("smtpd", 12), Some((Some("3.12".into()), None)));
    assert_eq!(
        removed("cgi", 13),
        Some((Some("3.13".into()), Some("legacy-cgi".into())))
    );
    assert_eq!(
        removed("cgitb", 13),
        Some((Some("3.13".into()), Some("legacy-cgi".into())))
    );
    assert_eq!(
        removed("audioop", 13),
        Some((Some("3.13".into()), Some("audioop-lts".into())))
    );
    assert_eq!(removed("telnetlib", 13), Some((Some("3.13".into()), None)));
    for m in [
        "aifc",
        "chunk",
        "crypt",
        "imghdr",
        "mailcap",
        "msilib",
        "nis",
        "nntplib",
        "ossaudiodev",
        "pipes",
        "sndhdr",
        "spwd",
        "sunau",
        "uu",
        "xdrlib",
        "lib2to3",
    ] {
        assert_eq!(
            removed(m, 13).map(|r| r.0),
            Some(Some("3.13".into())),
            "{m}"
        );
        assert_eq!(removed(m, 12), None, "{m} is still shipped by 3.12");
    }
    // Newer-only modules are not "removed" on an older Python.
    assert_eq!(removed("tomllib", 10), None);
    assert_eq!(classify("tomllib", v(10), None, &[]), Class::ThirdParty);
}

#[test]
fn first_party_siblings_and_config() {
    let d = dir();
    let fp = |top: &str| first_party_file(&classify(top, v(12), Some(&d), &[]));
    assert_eq!(fp("localmod").as_deref(), Some("localmod.py"));
    assert_eq!(fp("localpkg").as_deref(), Some("localpkg"));
    assert_eq!(
        fp("cext").as_deref(),
        Some("cext.cpython-312-x86_64-linux-gnu.so")
    );
    assert_eq!(fp("winext").as_deref(), Some("winext.pyd"));
    assert_eq!(fp("notamodule"), None);
    assert_eq!(fp("requests"), None);
    // The stdlib wins over a sibling of the same name…
    assert_eq!(classify("json", v(12), Some(&d), &[]), Class::Stdlib);
    // …but a sibling provides a module the version no longer ships.
    assert_eq!(fp("distutils").as_deref(), Some("distutils.py"));
    assert!(matches!(
        classify("distutils", v(12), None, &[]),
        Class::RemovedStdlib { .. }
    ));
    // No directory (stdin): no siblings.
    assert_eq!(classify("localmod", v(12), None, &[]), Class::ThirdParty);
    // Configured first-party names, dotted entries by their top level.
    let cfg = vec!["mycompany.tools".to_string(), "internal".to_string()];
    assert_eq!(
        classify("mycompany", v(12), None, &cfg),
        Class::FirstParty { path: None }
    );
    assert_eq!(
        classify("internal", v(12), Some(&d), &cfg),
        Class::FirstParty { path: None }
    );
    assert_eq!(classify("requests", v(12), None, &cfg), Class::ThirdParty);
}
