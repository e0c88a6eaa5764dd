//! First-party modules: what the script's own directory provides (it is
//! `sys.path[0]` when the script runs).

use super::context::is_dotted_name;
use std::path::{Path, PathBuf};

/// The file or directory in `dir` that provides top-level module `top`:
/// `top.py`, a directory `top/` (a package, or a namespace package without
/// `__init__.py`), or a compiled extension `top.so` / `top.<tag>.so` /
/// `top.pyd` / `top.<tag>.pyd`.
pub fn first_party_path(dir: &Path, top: &str) -> Option<PathBuf> {
    if !is_dotted_name(top) || top.contains('.') {
        return None;
    }
    let py = dir.join(format!("{top}.py"));
    if py.is_file() {
        return Some(py);
    }
    let pkg = dir.join(top);
    if pkg.is_dir() {
        return Some(pkg);
    }
    let prefix = format!("{top}.");
    std::fs::read_dir(dir).ok()?.flatten().find_map(|entry| {
        let name = entry.file_name();
        let name = name.to_str()?;
        let rest = name.strip_prefix(&prefix)?;
        let is_ext = rest == "so"
            || rest == "pyd"
            || (rest.ends_with(".so") || rest.ends_with(".pyd")) && !rest.starts_with('.');
        (is_ext && entry.path().is_file()).then(|| entry.path())
    })
}

/// The Python source files, under `root`, that running `import module`
/// (and `from module import names…`, whose names may be submodules)
/// executes: each package's `__init__.py` along the dotted path, then the
/// module itself, then any of `names` that are submodule files. Only files
/// that exist are returned; compiled extensions cannot be followed.
pub fn module_files(root: &Path, module: &str, names: &[String]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if !is_dotted_name(module) {
        return out;
    }
    let mut dir = root.to_path_buf();
    let parts: Vec<&str> = module.split('.').collect();
    for (i, part) in parts.iter().enumerate() {
        let last = i + 1 == parts.len();
        let sub = dir.join(part);
        let init = sub.join("__init__.py");
        let file = dir.join(format!("{part}.py"));
        // A regular package beats `part.py`, which beats a namespace package.
        if init.is_file() || (sub.is_dir() && !file.is_file()) {
            if init.is_file() {
                out.push(init);
            }
            dir = sub;
            if last {
                for n in names
                    .iter()
                    .filter(|n| is_dotted_name(n) && !n.contains('.'))
                {
                    let f = dir.join(format!("{n}.py"));
                    if f.is_file() {
                        out.push(f);
                    } else {
                        let init = dir.join(n).join("__init__.py");
                        if init.is_file() {
                            out.push(init);
                        }
                    }
                }
            }
        } else {
            if file.is_file() {
                out.push(file);
            }
            break;
        }
    }
    out
}
