//! Snapshot tests, one per fixture under `fixtures/rules/<case>/script.py`:
//! the diagnostics nixdeps reports and the diff `--fix` applies.

#[path = "support/snapshot.rs"]
mod snapshot;

use std::path::PathBuf;

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
        insta::assert_snapshot!(name, snapshot::describe(&case.join("script.py"), false));
    }
}
