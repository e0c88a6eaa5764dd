//! Which nixpkgs attributes are Python interpreters, the Python version each
//! gives and the package set that goes with it. Facts of nixpkgs as of late
//! 2025 (pkgs/top-level/all-packages.nix, aliases.nix and
//! pkgs/development/interpreters/python/default.nix); older names are kept
//! because scripts still carry them:
//!
//! - `python3` (3.13) and `python3NN` with `python3Packages` /
//!   `python3NNPackages`. `python3Minimal` is built from `python3`'s sources,
//!   so it follows `python3`'s version; it has no `…Packages` set of its own
//!   and pairs with `python3Packages`.
//! - `python3Full` and `python3NNFull` (python3 with X11/Bluetooth): removed
//!   on 2025-08-30 (now a `throw`), older nixpkgs has them; they pair with
//!   `python3Packages` / `python3NNPackages`.
//! - `python`, `pythonFull` and `pythonPackages` are aliases of `python2`,
//!   `python2Full` and `python2.pkgs` (aliases.nix, 2022-01-11; before that
//!   `python = python2` in all-packages.nix): Python 2.7, as are `python2`,
//!   `python27` and their `Full` forms.
//! - `pypy3` is `pypy311` (3.11); `pypy310`, `pypy39`; `pypy`, `pypy2`,
//!   `pypy27` are PyPy's Python 2.7.

use super::PyVersion;

const PY27: PyVersion = PyVersion { major: 2, minor: 7 };

/// The `python3` of the nixpkgs the embedded database describes; `pypy3`'s
/// version is fixed the same way.
const PYPY3: PyVersion = PyVersion {
    major: 3,
    minor: 11,
};

/// A known interpreter attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interp<'a> {
    /// The interpreter's base name, without `Full`/`Minimal`: `python3`,
    /// `python311`, `python`, `pypy3`.
    pub base: &'a str,
    /// `None` for the `python3` family: the configured `python-version`.
    pub version: Option<PyVersion>,
}

impl Interp<'_> {
    /// The package set that goes with the interpreter: `python3Full` →
    /// `python3Packages`, `pythonFull` → `pythonPackages`.
    pub fn package_set(&self) -> String {
        format!("{}Packages", self.base)
    }
}

/// `python3NN` (digits only) → 3.NN.
fn python3_digits(d: &str) -> Option<PyVersion> {
    if d.is_empty() || d.len() > 2 || !d.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(PyVersion {
        major: 3,
        minor: d.parse().ok()?,
    })
}

/// The interpreter `name` is, if it is one.
pub fn interp(name: &str) -> Option<Interp<'_>> {
    let base = name
        .strip_suffix("Full")
        .or_else(|| (name == "python3Minimal").then_some("python3"))
        .unwrap_or(name);
    let version = match base {
        // Only CPython has `Full` variants.
        _ if base.len() != name.len() && base.starts_with("pypy") => return None,
        "python3" => None,
        "python" | "python2" | "python27" | "pypy" | "pypy2" | "pypy27" => Some(PY27),
        "pypy3" => Some(PYPY3),
        _ => {
            if let Some(d) = base.strip_prefix("pypy3") {
                Some(python3_digits(d)?)
            } else {
                Some(python3_digits(base.strip_prefix("python3")?)?)
            }
        }
    };
    Some(Interp { base, version })
}

/// The interpreter a package set belongs to: `python3Packages` → `python3`,
/// `pythonPackages` → `python`. `python3FullPackages` is not a set.
pub fn set_interp(name: &str) -> Option<&str> {
    let base = name.strip_suffix("Packages")?;
    interp(base).filter(|i| i.base == base).map(|i| i.base)
}

/// The version an interpreter program (`-i` value) runs: `python3.11` →
/// 3.11, `pypy3` → 3.11; `None` for `python3` and `python`, which are
/// whatever Python the header provides.
pub fn program_version(program: &str) -> Option<PyVersion> {
    if program == "pypy3" {
        return Some(PYPY3);
    }
    python3_digits(program.strip_prefix("python3.")?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(major: u8, minor: u8) -> Option<PyVersion> {
        Some(PyVersion { major, minor })
    }

    #[test]
    fn interpreters_and_their_sets() {
        let cases = [
            ("python3", None, "python3Packages"),
            ("python3Full", None, "python3Packages"),
            ("python3Minimal", None, "python3Packages"),
            ("python311", v(3, 11), "python311Packages"),
            ("python311Full", v(3, 11), "python311Packages"),
            ("pythonFull", v(2, 7), "pythonPackages"),
            ("python", v(2, 7), "pythonPackages"),
            ("python2Full", v(2, 7), "python2Packages"),
            ("python27Full", v(2, 7), "python27Packages"),
            ("pypy3", v(3, 11), "pypy3Packages"),
            ("pypy310", v(3, 10), "pypy310Packages"),
            ("pypy27", v(2, 7), "pypy27Packages"),
        ];
        for (name, version, set) in cases {
            let i = interp(name).unwrap_or_else(|| panic!("{name} is an interpreter"));
            assert_eq!(
                (i.version, i.package_set().as_str()),
                (version, set),
                "{name}"
            );
        }
        for not in [
            "python3Fullx",
            "pypy3Full",
            "python3123",
            "python4",
            "pythonMinimal",
            "python311Minimal",
            "ffmpeg",
            "python3Packages",
        ] {
            assert_eq!(interp(not), None, "{not}");
        }
    }

    #[test]
    fn package_sets() {
        assert_eq!(set_interp("python3Packages"), Some("python3"));
        assert_eq!(set_interp("pythonPackages"), Some("python"));
        assert_eq!(set_interp("python312Packages"), Some("python312"));
        assert_eq!(set_interp("pypy3Packages"), Some("pypy3"));
        assert_eq!(set_interp("python3FullPackages"), None);
        assert_eq!(set_interp("python3MinimalPackages"), None);
    }

    #[test]
    fn programs() {
        assert_eq!(program_version("python3.11"), v(3, 11));
        assert_eq!(program_version("pypy3"), v(3, 11));
        assert_eq!(program_version("python3"), None);
        assert_eq!(program_version("python"), None);
        assert_eq!(program_version("python311"), None);
    }
}
