//! `gitlab`: a GitLab Code Quality report (a JSON array), for
//! `artifacts: reports: codequality:`.
//!
//! The fingerprint identifies a finding across pipelines so GitLab can tell
//! new findings from old ones: it hashes path, code, message and the
//! finding's ordinal among identical ones in the file, but not its line, so
//! that editing lines above does not make it look new.

use super::{portable_path, span_positions, FileResult};
use crate::diagnostic::Severity;
use serde::Serialize;
use std::collections::HashMap;
use std::io::{self, Write};

#[derive(Serialize)]
struct LineColumn {
    line: usize,
    column: usize,
}

#[derive(Serialize)]
struct Positions {
    begin: LineColumn,
    end: LineColumn,
}

#[derive(Serialize)]
struct Location {
    path: String,
    positions: Positions,
}

#[derive(Serialize)]
struct Issue<'a> {
    check_name: &'a str,
    description: String,
    severity: &'static str,
    fingerprint: String,
    location: Location,
}

pub(super) fn render(results: &[FileResult], out: &mut dyn Write) -> io::Result<()> {
    let mut issues = Vec::new();
    for file in super::located(results) {
        let (r, text, index) = (file.result, file.text, &file.index);
        let path = portable_path(&r.path);
        let mut seen: HashMap<(&str, &str), usize> = HashMap::new();
        for d in &r.diagnostics {
            let (start, end) = span_positions(text, index, d.span);
            let ordinal = seen.entry((d.code, d.message.as_str())).or_insert(0);
            let fp = fingerprint(&path, d.code, &d.message, *ordinal);
            *ordinal += 1;
            issues.push(Issue {
                check_name: d.code,
                description: format!("{}: {}", d.code, d.message),
                severity: match d.severity {
                    Severity::Error => "major",
                    Severity::Warning => "minor",
                    Severity::Info => "info",
                },
                fingerprint: fp,
                location: Location {
                    path: path.clone(),
                    positions: Positions {
                        begin: LineColumn {
                            line: start.row,
                            column: start.column,
                        },
                        end: LineColumn {
                            line: end.row,
                            column: end.column,
                        },
                    },
                },
            });
        }
    }
    serde_json::to_writer_pretty(&mut *out, &issues)?;
    writeln!(out)
}

/// Stable 128-bit FNV-1a of the finding's identity, as 32 hex digits. Fixed
/// by this code (not by `std`'s hasher, which may change between Rust
/// releases), so fingerprints survive toolchain upgrades.
pub fn fingerprint(path: &str, code: &str, message: &str, ordinal: usize) -> String {
    const OFFSET: u128 = 0x6c62272e07bb014262b821756295c58d;
    const PRIME: u128 = 0x0000000001000000000000000000013b;
    let mut h = OFFSET;
    let ordinal = ordinal.to_string();
    for part in [path, code, message, ordinal.as_str()] {
        // Length prefix: ("ab","c") and ("a","bc") must differ.
        for b in (part.len() as u64)
            .to_le_bytes()
            .iter()
            .chain(part.as_bytes())
        {
            h ^= u128::from(*b);
            h = h.wrapping_mul(PRIME);
        }
    }
    format!("{h:032x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_is_stable_and_distinguishes_parts() {
        let a = fingerprint("a.py", "ND001", "m", 0);
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(a, fingerprint("a.py", "ND001", "m", 0));
        assert_ne!(a, fingerprint("a.py", "ND001", "m", 1));
        assert_ne!(a, fingerprint("a.p", "yND001", "m", 0));
        assert_ne!(a, fingerprint("b.py", "ND001", "m", 0));
    }
}
