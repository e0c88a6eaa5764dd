//! First-party modules: what the script's own directory provides (it is
//! `sys.path[0]` when the script runs).

use super::context::is_dotted_name;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

/// What one directory offers as top-level modules, read once per run: a
/// script directory is asked about every import of every script in it, and a
/// stat (or worse, a listing for `top.<tag>.so`) per question made a check
/// of N scripts in one directory cost N² (125 s for 20,000 scripts).
#[derive(Debug, Default)]
struct Listing {
    /// `name` for `name.py` files.
    sources: HashSet<String>,
    /// Directories (packages and namespace packages).
    dirs: HashSet<String>,
    /// Module name → file for compiled extensions (`name.so`, `name.<tag>.so`, `.pyd`).
    extensions: HashMap<String, String>,
}

fn listing(dir: &Path) -> Arc<Listing> {
    static CACHE: OnceLock<Mutex<HashMap<PathBuf, Arc<Listing>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(l) = cache.lock().ok().and_then(|c| c.get(dir).cloned()) {
        return l;
    }
    let mut l = Listing::default();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        // Symlinks count as what they point to, as Python's import system sees them.
        let ty = entry.file_type().ok();
        let (is_file, is_dir) = match ty {
            Some(t) if t.is_symlink() => {
                let p = entry.path();
                (p.is_file(), p.is_dir())
            }
            Some(t) => (t.is_file(), t.is_dir()),
            None => (false, false),
        };
        if is_dir {
            l.dirs.insert(name.to_owned());
        } else if is_file {
            if let Some(stem) = name.strip_suffix(".py") {
                l.sources.insert(stem.to_owned());
            } else if let Some((module, rest)) = name.split_once('.') {
                let is_ext = rest == "so"
                    || rest == "pyd"
                    || (rest.ends_with(".so") || rest.ends_with(".pyd")) && !rest.starts_with('.');
                if is_ext {
                    l.extensions
                        .entry(module.to_owned())
                        .or_insert_with(|| name.to_owned());
                }
            }
        }
    }
    let l = Arc::new(l);
    if let Ok(mut c) = cache.lock() {
        c.insert(dir.to_path_buf(), Arc::clone(&l));
    }
    l
}

/// The file or directory in `dir` that provides top-level module `top`:
/// `top.py`, a directory `top/` (a package, or a namespace package without
/// `__init__.py`), or a compiled extension `top.so` / `top.<tag>.so` /
/// `top.pyd` / `top.<tag>.pyd`.
pub fn first_party_path(dir: &Path, top: &str) -> Option<PathBuf> {
    if !is_dotted_name(top) || top.contains('.') {
        return None;
    }
    let l = listing(dir);
    if l.sources.contains(top) {
        return Some(dir.join(format!("{top}.py")));
    }
    if l.dirs.contains(top) {
        return Some(dir.join(top));
    }
    l.extensions.get(top).map(|f| dir.join(f))
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
