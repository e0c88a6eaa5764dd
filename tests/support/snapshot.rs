//! The snapshot of one fixture: the diagnostics nixdeps reports and the diff `--fix` applies,
//! with fix idempotence asserted. Shared by tests/rules_snapshots.rs and tests/shell.rs.
#![allow(dead_code)]

use nixdeps::check::{check_text, FixMode, Settings};
use nixdeps::span::LineIndex;
use std::path::Path;

/// `header_only`: also assert that the fix changed header lines only (DESIGN §7.1; PEP 723
/// fixes edit the block too, so Python fixtures do not ask for it).
pub fn describe(script: &Path, header_only: bool) -> String {
    let bytes = std::fs::read(script).unwrap();
    let source = nixdeps::read::decode(&bytes).unwrap();
    let text = &source.text;
    let settings = Settings::default();
    let report = check_text(text, Some(script), &settings, FixMode::Off).unwrap();
    let Some(report) = report else {
        return "not a nix-shell script\n".into();
    };
    let idx = LineIndex::new(text);
    let mut out = String::from("# diagnostics\n");
    for d in &report.diagnostics {
        let p = idx.position(text, d.span.start);
        let fix = match &d.fix {
            Some(f) => format!(" [fix ({:?}): {}]", f.applicability, f.message),
            None => String::new(),
        };
        out.push_str(&format!(
            "{}:{} {} {} {}{fix}\n",
            p.row,
            p.column,
            d.code,
            d.severity.as_str(),
            d.message
        ));
    }
    out.push_str("# fix\n");
    match check_text(text, Some(script), &settings, FixMode::Apply) {
        Ok(Some(fixed)) if fixed.text != *text => {
            let diff = similar::TextDiff::from_lines(text.as_str(), fixed.text.as_str());
            out.push_str(&diff.unified_diff().context_radius(1).to_string());
            // Idempotence: fixing the fixed text changes nothing.
            let again = check_text(&fixed.text, Some(script), &settings, FixMode::Apply)
                .unwrap()
                .unwrap();
            assert_eq!(
                again.text,
                fixed.text,
                "{}: a second --fix changed the file",
                script.display()
            );
            assert_eq!(
                again.fixed,
                0,
                "{}: a second --fix found something to fix",
                script.display()
            );
            if header_only {
                let header = nixdeps::header::parse(text).unwrap();
                for (i, (a, b)) in text.lines().zip(fixed.text.lines()).enumerate() {
                    assert!(
                        a == b || header.lines.iter().any(|l| l.line == i),
                        "{}: line {} changed",
                        script.display(),
                        i + 1
                    );
                }
            }
        }
        Ok(_) => out.push_str("(no change)\n"),
        Err(e) => out.push_str(&format!("error: {e}\n")),
    }
    out
}
