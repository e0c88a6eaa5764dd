//! The fuzz targets' bodies (`fuzz/src/lib.rs`, included by path) run on
//! every committed seed (`fuzz/corpus/<target>/`) and every crash input found
//! so far (`fuzz/regressions/<target>/`), so their invariants are checked by
//! `cargo test` without libFuzzer.

#[path = "../fuzz/src/lib.rs"]
#[allow(dead_code)]
mod bodies;

use std::path::{Path, PathBuf};

fn inputs(target: &str) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut files = Vec::new();
    for dir in ["corpus", "regressions"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir).join(target)) else {
            continue;
        };
        for e in entries {
            let p = e.expect("readable corpus directory").path();
            if p.is_file() {
                files.push(p);
            }
        }
    }
    files.sort();
    files
}

fn run_all(target: &str, body: fn(&[u8])) {
    let files = inputs(target);
    assert!(
        files.len() >= 10,
        "fuzz/corpus/{target} has only {} inputs",
        files.len()
    );
    for f in files {
        let data = std::fs::read(&f).expect("readable corpus file");
        let r = std::panic::catch_unwind(|| body(&data));
        assert!(r.is_ok(), "{target}: {} panics", f.display());
    }
}

#[test]
fn header_words_corpus() {
    run_all("header_words", bodies::header_words);
}

#[test]
fn header_rewrite_corpus() {
    run_all("header_rewrite", bodies::header_rewrite);
}

#[test]
fn imports_corpus() {
    run_all("imports", bodies::imports);
}

#[test]
fn config_corpus() {
    run_all("config", bodies::config);
}

#[test]
fn pep723_corpus() {
    run_all("pep723", bodies::pep723);
    // Not vacuous: most seeds hold a block the editor accepts.
    let edited = inputs("pep723")
        .iter()
        .filter(|f| bodies::pep723_edited(&std::fs::read(f).unwrap()))
        .count();
    assert!(edited >= 20, "only {edited} pep723 seeds reach the editor");
}

#[test]
fn nixpkgs_index_corpus() {
    run_all("nixpkgs_index", bodies::nixpkgs_index);
}

/// Every header form with every single add and every single removal: the
/// deterministic floor under the fuzzer's random walk.
#[test]
fn header_rewrite_every_form_single_edits() {
    let (styles, names) = bodies::alphabet();
    let mut accepted = vec![0; styles];
    for (style, accepted) in accepted.iter_mut().enumerate() {
        for add in 0..names {
            for remove in [vec![], vec![0], vec![1], vec![0, 1]] {
                *accepted += usize::from(bodies::check_rewrite(&bodies::RewriteCase {
                    style,
                    initial: vec![0, 1],
                    add: vec![add],
                    remove,
                }));
            }
        }
        // An empty list, and a list that loses everything.
        let _ = bodies::check_rewrite(&bodies::RewriteCase {
            style,
            initial: vec![],
            add: vec![2, 3],
            remove: vec![],
        });
        let _ = bodies::check_rewrite(&bodies::RewriteCase {
            style,
            initial: vec![4],
            add: vec![],
            remove: vec![0],
        });
    }
    // The property is not vacuous: most forms take most edits (the named
    // Nix file and the bare `-i python3` forms may refuse some).
    eprintln!("accepted plans per form: {accepted:?}");
    let busy = accepted.iter().filter(|&&n| n >= names).count();
    assert!(busy >= styles - 3, "accepted plans per form: {accepted:?}");
}
