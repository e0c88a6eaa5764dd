//! Over every `.py` file of this machine's Python standard library that
//! CPython's `ast` parses, nixdeps must find exactly the imports `ast` finds:
//! the same (line, top-level module) pairs, file by file. The definition of
//! "import" shared by both sides is in `scripts/ast_imports.py`: absolute
//! `import` / `from … import` statements, `__future__` excluded; dynamic
//! imports are left out of the comparison here (they are nixdeps-only).
//! A nixdeps syntax error on a file `ast` accepts is a difference too.

use rayon::prelude::*;
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn python() -> Option<String> {
    let py = std::env::var("NIXDEPS_TEST_PYTHON").unwrap_or_else(|_| "python3".into());
    let ok = Command::new(&py)
        .arg("-c")
        .arg("pass")
        .status()
        .is_ok_and(|s| s.success());
    ok.then_some(py)
}

fn stdlib_dir(py: &str) -> PathBuf {
    let out = Command::new(py)
        .args([
            "-c",
            "import sysconfig; print(sysconfig.get_paths()['stdlib'])",
        ])
        .output()
        .expect("run python");
    assert!(out.status.success());
    PathBuf::from(String::from_utf8(out.stdout).unwrap().trim())
}

/// Every `.py` under the stdlib, without installed third-party packages.
fn corpus(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            let name = e.file_name();
            let Ok(ft) = e.file_type() else { continue };
            if ft.is_dir() {
                if name != "site-packages" && name != "dist-packages" && name != "__pycache__" {
                    stack.push(p);
                }
            } else if ft.is_file() && p.extension().is_some_and(|x| x == "py") {
                files.push(p);
            }
        }
    }
    files.sort();
    files
}

fn nixdeps_pairs(path: &Path) -> Result<Vec<(u64, String)>, String> {
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    let src = nixdeps::read::decode(&bytes).map_err(|e| format!("decode: {e}"))?;
    let x = nixdeps::imports::extract(&src.text);
    if let Some(e) = x.errors.first() {
        let line = src.text[..e.span.start].matches('\n').count() + 1;
        return Err(format!("syntax error at line {line}: {}", e.message));
    }
    let idx = nixdeps::span::LineIndex::new(&src.text);
    let mut pairs: Vec<(u64, String)> = x
        .imports
        .iter()
        .filter(|i| !i.context.dynamic)
        .map(|i| {
            (
                idx.position(&src.text, i.span.start).row as u64,
                i.top_level().to_string(),
            )
        })
        .collect();
    pairs.sort();
    Ok(pairs)
}

#[test]
fn same_imports_as_cpython_ast() {
    let Some(py) = python() else {
        eprintln!("SKIPPED: no python3 on PATH (set NIXDEPS_TEST_PYTHON)");
        return;
    };
    // Another corpus can be checked the same way (e.g. site-packages).
    let dir = std::env::var_os("NIXDEPS_AST_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| stdlib_dir(&py));
    let files = corpus(&dir);
    assert!(
        files.len() > 500,
        "only {} files under {}",
        files.len(),
        dir.display()
    );

    let helper = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/ast_imports.py");
    let mut child = Command::new(&py)
        .arg(&helper)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("run the ast helper");
    let list: String = files.iter().map(|f| format!("{}\n", f.display())).collect();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(list.as_bytes()));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(out.status.success(), "helper failed");
    let records: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), files.len());

    let parsed: Vec<&Value> = records.iter().filter(|r| r["ok"] == true).collect();
    let differences: Vec<String> = parsed
        .par_iter()
        .filter_map(|r| {
            let path = PathBuf::from(r["path"].as_str().unwrap());
            let want: Vec<(u64, String)> = r["imports"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| (p[0].as_u64().unwrap(), p[1].as_str().unwrap().to_string()))
                .collect();
            match nixdeps_pairs(&path) {
                Err(e) => Some(format!("{}: {e}", path.display())),
                Ok(got) if got != want => {
                    let only_ast: Vec<_> = want.iter().filter(|p| !got.contains(p)).collect();
                    let only_us: Vec<_> = got.iter().filter(|p| !want.contains(p)).collect();
                    Some(format!(
                        "{}: only ast {:?}, only nixdeps {:?} ({} vs {} imports)",
                        path.display(),
                        &only_ast[..only_ast.len().min(5)],
                        &only_us[..only_us.len().min(5)],
                        want.len(),
                        got.len()
                    ))
                }
                Ok(_) => None,
            }
        })
        .collect();
    let total: usize = parsed
        .iter()
        .map(|r| r["imports"].as_array().unwrap().len())
        .sum();
    eprintln!(
        "{} files, {} parsed by ast ({} imports), {} skipped, {} differ",
        files.len(),
        parsed.len(),
        total,
        files.len() - parsed.len(),
        differences.len()
    );
    assert!(parsed.len() > 500);
    assert!(total > 5000);
    assert!(
        differences.is_empty(),
        "{} files differ; first ones:\n{}",
        differences.len(),
        differences[..differences.len().min(20)].join("\n")
    );
}
