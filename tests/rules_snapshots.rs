//! Snapshot tests, one per fixture under `fixtures/rules/<case>/script.py`:
//! the diagnostics nixdeps reports and the diff `--fix` applies.

use nixdeps::check::{check_text, FixMode, Settings};
use nixdeps::span::LineIndex;
use std::path::{Path, PathBuf};

fn describe(case: &Path) -> String {
    let script = case.join("script.py");
    let bytes = std::fs::read(&script).unwrap();
    let source = nixdeps::read::decode(&bytes).unwrap();
    let text = &source.text;
    let settings = Settings::default();
    let mut out = String::new();
    let report = check_text(text, Some(&script), &settings, FixMode::Off).unwrap();
    let Some(report) = report else {
        return "not a nix-shell script\n".into();
    };
    let idx = LineIndex::new(text);
    out.push_str("# diagnostics\n");
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
    match check_text(text, Some(&script), &settings, FixMode::Apply) {
        Ok(Some(fixed)) if fixed.text != *text => {
            let diff = similar::TextDiff::from_lines(text.as_str(), fixed.text.as_str());
            out.push_str(&diff.unified_diff().context_radius(1).to_string());
            // Idempotence: fixing the fixed text changes nothing.
            let again = check_text(&fixed.text, Some(&script), &settings, FixMode::Apply)
                .unwrap()
                .unwrap();
            assert_eq!(
                again.text,
                fixed.text,
                "{}: a second --fix changed the file",
                case.display()
            );
            assert_eq!(
                again.fixed,
                0,
                "{}: a second --fix found something to fix",
                case.display()
            );
        }
        Ok(_) => out.push_str("(no change)\n"),
        Err(e) => out.push_str(&format!("error: {e}\n")),
    }
    out
}

#[test]
fn rule_fixtures() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("script.py").exists())
        .collect();
    cases.sort();
    assert!(
        cases.len() >= 20,
        "fixtures missing under {}",
        root.display()
    );
    for case in cases {
        let name = case.file_name().unwrap().to_string_lossy().to_string();
        insta::assert_snapshot!(name, describe(&case));
    }
}
