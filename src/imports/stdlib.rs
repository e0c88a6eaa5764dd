//! The standard library per Python version, from `data/python-stdlib.tsv`
//! (columns `module\tversions`, versions a comma list of `3.N`), and the
//! modules later versions removed, with the nixpkgs attribute that restores
//! them where nixpkgs has one.
//!
//! Versions outside the table's range are clamped to it: a newer Python is
//! judged by the newest column, an older one (or Python 2) by the oldest.

use crate::header::PyVersion;
use std::collections::HashMap;
use std::sync::OnceLock;

const TABLE: &str = include_str!("../../data/python-stdlib.tsv");

/// Shipped by every CPython although `sys.stdlib_module_names` (the
/// table's source from 3.10 on) leaves them out.
const ALWAYS: &[&str] = &["__main__", "test"];

struct Table {
    /// Bit `n` set: shipped by Python 3.n.
    modules: HashMap<&'static str, u32>,
    min_minor: u8,
    max_minor: u8,
}

fn table() -> &'static Table {
    static T: OnceLock<Table> = OnceLock::new();
    T.get_or_init(|| {
        let mut modules = HashMap::new();
        let (mut min_minor, mut max_minor) = (u8::MAX, 0u8);
        for line in TABLE.lines().skip(1) {
            let Some((module, versions)) = line.split_once('\t') else {
                continue;
            };
            let mut bits = 0u32;
            for v in versions.split(',') {
                if let Some(minor) = v
                    .trim()
                    .strip_prefix("3.")
                    .and_then(|m| m.parse::<u8>().ok())
                    .filter(|&m| m < 32)
                {
                    bits |= 1 << minor;
                    min_minor = min_minor.min(minor);
                    max_minor = max_minor.max(minor);
                }
            }
            modules.insert(module.trim(), bits);
        }
        if min_minor > max_minor {
            (min_minor, max_minor) = (0, 0);
        }
        Table {
            modules,
            min_minor,
            max_minor,
        }
    })
}

/// The minor version whose column answers for `version`.
fn column(version: PyVersion) -> u8 {
    let t = table();
    let minor = match version.major {
        3 => version.minor,
        m if m < 3 => 0,
        _ => u8::MAX,
    };
    minor.clamp(t.min_minor, t.max_minor)
}

/// The versions covered by the table, oldest and newest.
pub fn known_versions() -> (PyVersion, PyVersion) {
    let t = table();
    (
        PyVersion {
            major: 3,
            minor: t.min_minor,
        },
        PyVersion {
            major: 3,
            minor: t.max_minor,
        },
    )
}

/// `top` (a top-level module name) is in Python `version`'s standard library.
pub fn is_stdlib(top: &str, version: PyVersion) -> bool {
    if ALWAYS.contains(&top) {
        return true;
    }
    let col = column(version);
    table()
        .modules
        .get(top)
        .is_some_and(|bits| bits & (1 << col) != 0)
}

/// When `top` was shipped by an older 3.x than `version` but not by
/// `version`: the first version without it (after the last one with it).
pub fn removed_in(top: &str, version: PyVersion) -> Option<PyVersion> {
    if is_stdlib(top, version) {
        return None;
    }
    let col = column(version);
    let bits = *table().modules.get(top)?;
    let older = bits & ((1u32 << col) - 1);
    if older == 0 {
        return None; // only in newer versions (`tomllib` on 3.10)
    }
    let last = 31 - older.leading_zeros() as u8;
    Some(PyVersion {
        major: 3,
        minor: last + 1,
    })
}

/// The nixpkgs attribute that brings a removed stdlib module back.
///
/// Only attributes known to exist in nixpkgs are listed; "snapshot" means
/// present in `data/nixpkgs-python-attrs.tsv` (mid-2024), "newer" means
/// added to nixpkgs after that snapshot (so ND006 may call it unknown
/// against the snapshot). Deliberately absent, because not verified to be
/// in nixpkgs: `pyasynchat` (asynchat), `zombie-imp` (imp) and most of the
/// `standard-*` backports (imghdr, telnetlib, pipes, sndhdr, mailcap, uu,
/// xdrlib, nntplib, sunau, crypt, nis, spwd, ossaudiodev, msilib, lib2to3).
/// `smtpd` has no drop-in replacement (`aiosmtpd` is a different API).
pub fn restored_by(top: &str) -> Option<&'static str> {
    Some(match top {
        // snapshot: setuptools ships `distutils` (its `_distutils_hack` shim).
        "distutils" => "setuptools",
        // snapshot: pyasyncore is the asyncore code removed in 3.12.
        "asyncore" => "pyasyncore",
        // snapshot: legacy-cgi provides both `cgi` and `cgitb`.
        "cgi" | "cgitb" => "legacy-cgi",
        // newer (late 2024): audioop-lts, the 3.13 backport of audioop.
        "audioop" => "audioop-lts",
        // newer (2024/25): python-deadlib backports pulled in by
        // speechrecognition/pydub for Python 3.13.
        "aifc" => "standard-aifc",
        "chunk" => "standard-chunk",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const fn v(minor: u8) -> PyVersion {
        PyVersion { major: 3, minor }
    }

    #[test]
    fn per_version() {
        assert!(is_stdlib("os", v(12)));
        assert!(is_stdlib("tomllib", v(11)));
        assert!(!is_stdlib("tomllib", v(10)));
        assert!(is_stdlib("distutils", v(11)));
        assert!(!is_stdlib("distutils", v(12)));
        assert!(!is_stdlib("yaml", v(12)));
        assert!(is_stdlib("test", v(12)));
        assert_eq!(removed_in("distutils", v(13)), Some(v(12)));
        assert_eq!(removed_in("cgi", v(13)), Some(v(13)));
        assert_eq!(removed_in("cgi", v(12)), None);
        assert_eq!(removed_in("tomllib", v(10)), None);
        assert_eq!(removed_in("yaml", v(13)), None);
        // Clamped: 3.20 is judged as the newest known version.
        assert!(!is_stdlib("asyncore", v(20)));
        assert!(is_stdlib("json", v(20)));
        assert_eq!(known_versions().0, v(6));
    }
}
