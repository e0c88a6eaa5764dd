//! First-party modules: what the script's own directory provides (it is
//! `sys.path[0]` when the script runs), and the directories the script adds
//! to `sys.path` where they are computable from `__file__` and string
//! literals alone ([`sys_path_roots`]).

use super::context::is_dotted_name;
use crate::span::Span;
use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};
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

/// The directory argument of a `sys.path` change, as data: built from the
/// syntax tree by `python.rs` (the only module that sees it), evaluated
/// here. Only `__file__` and string literals are values; anything else is
/// [`PathExpr::Unknown`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PathExpr {
    /// `__file__`: the script's path (absolute since Python 3.9).
    File,
    Str(String),
    /// `os.path.join(a, b…)`, `Path(a, b…)`, `a / b`, `a.joinpath(b…)`.
    Join(Vec<PathExpr>),
    /// `os.path.dirname(x)`.
    Dirname(Box<PathExpr>),
    /// `x.parent` (1), `x.parents[n]` (n + 1).
    Parent(Box<PathExpr>, usize),
    /// `os.path.abspath(x)`, `os.path.normpath(x)`, `x.absolute()`.
    Absolute(Box<PathExpr>),
    /// `os.path.realpath(x)`, `x.resolve()`: symlinks resolved.
    Real(Box<PathExpr>),
    Unknown,
}

impl PathExpr {
    /// Whether the expression has at most `limit` nodes. Names stand for
    /// copies of their values, so `B = join(A, A)` doubles: a bound keeps a
    /// hostile file from growing one exponentially.
    pub(crate) fn within(&self, limit: usize) -> bool {
        fn count(e: &PathExpr, left: &mut usize) -> bool {
            if *left == 0 {
                return false;
            }
            *left -= 1;
            match e {
                PathExpr::Join(parts) => parts.iter().all(|p| count(p, left)),
                PathExpr::Dirname(x)
                | PathExpr::Parent(x, _)
                | PathExpr::Absolute(x)
                | PathExpr::Real(x) => count(x, left),
                PathExpr::File | PathExpr::Str(_) | PathExpr::Unknown => true,
            }
        }
        let mut left = limit;
        count(self, &mut left)
    }
}

/// One `sys.path.insert/append/extend` or `site.addsitedir` of a file, in
/// source order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SysPathChange {
    /// The call (or statement) that changes `sys.path`.
    pub span: Span,
    pub dir: PathExpr,
}

/// `path` without `.` components and with `..` applied where a name
/// precedes it, as `os.path.normpath` does.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                let last = out.components().next_back();
                if matches!(last, Some(Component::Normal(_))) {
                    out.pop();
                } else if !matches!(last, Some(Component::RootDir | Component::Prefix(_))) {
                    out.push("..");
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// The directory `expr` names when the script is the file `script`
/// (absolute), or why it cannot be known.
fn evaluate(expr: &PathExpr, script: &Path) -> Result<PathBuf, &'static str> {
    Ok(match expr {
        PathExpr::File => script.to_path_buf(),
        PathExpr::Str(s) => PathBuf::from(s),
        PathExpr::Join(parts) => {
            let mut out = PathBuf::new();
            for p in parts {
                // An absolute part restarts the path, as in os.path.join.
                out.push(evaluate(p, script)?);
            }
            out
        }
        PathExpr::Dirname(x) => {
            let p = evaluate(x, script)?;
            p.parent().map(Path::to_path_buf).unwrap_or_default()
        }
        PathExpr::Parent(x, n) => {
            let mut p = normalize(&evaluate(x, script)?);
            for _ in 0..*n {
                p = match p.parent() {
                    Some(parent) if parent.as_os_str().is_empty() => PathBuf::from("."),
                    Some(parent) => parent.to_path_buf(),
                    None => p,
                };
            }
            p
        }
        PathExpr::Absolute(x) => normalize(&evaluate(x, script)?),
        PathExpr::Real(x) => {
            let p = evaluate(x, script)?;
            std::fs::canonicalize(&p).unwrap_or_else(|_| normalize(&p))
        }
        PathExpr::Unknown => return Err("it is not computed from __file__ and string literals"),
    })
}

/// Where a `sys.path` change of the script leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Followed {
    /// A directory to search for first-party modules.
    Root(PathBuf),
    /// Not followed, and why.
    Not(String),
}

/// The directories the script's `sys.path` changes add, in order, for the
/// script at `script` (relative to the current directory or absolute).
pub(crate) fn sys_path_roots(script: &Path, changes: &[SysPathChange]) -> Vec<(Span, Followed)> {
    let script = if script.is_absolute() {
        script.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(script))
            .unwrap_or_else(|_| script.to_path_buf())
    };
    let script = normalize(&script);
    changes
        .iter()
        .map(|c| {
            let followed = match evaluate(&c.dir, &script) {
                Ok(dir) if dir.is_relative() => Followed::Not(format!(
                    "the directory {} is relative to wherever the script is run from",
                    dir.display()
                )),
                Ok(dir) => {
                    let dir = normalize(&dir);
                    if dir.is_dir() {
                        Followed::Root(dir)
                    } else {
                        Followed::Not(format!("the directory {} does not exist", dir.display()))
                    }
                }
                Err(why) => Followed::Not(why.to_owned()),
            };
            (c.span, followed)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(e: PathExpr) -> Box<PathExpr> {
        Box::new(e)
    }

    #[test]
    fn evaluates_file_based_directories() {
        let script = Path::new("/repo/tools/run.py");
        let s = |x: &str| PathExpr::Str(x.into());
        let cases = [
            // os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "ci")
            (
                PathExpr::Join(vec![
                    PathExpr::Dirname(b(PathExpr::Dirname(b(PathExpr::Absolute(b(
                        PathExpr::File,
                    )))))),
                    s("ci"),
                ]),
                "/repo/ci",
            ),
            // Path(__file__).parent / "lib"
            (
                PathExpr::Join(vec![
                    PathExpr::Parent(b(PathExpr::Join(vec![PathExpr::File])), 1),
                    s("lib"),
                ]),
                "/repo/tools/lib",
            ),
            // Path(__file__).parents[1]
            (PathExpr::Parent(b(PathExpr::File), 2), "/repo"),
            // os.path.join(os.path.dirname(__file__), "..", "lib")
            (
                PathExpr::Absolute(b(PathExpr::Join(vec![
                    PathExpr::Dirname(b(PathExpr::File)),
                    s(".."),
                    s("lib"),
                ]))),
                "/repo/lib",
            ),
            // an absolute literal restarts the join
            (PathExpr::Join(vec![PathExpr::File, s("/opt/x")]), "/opt/x"),
        ];
        for (expr, want) in cases {
            assert_eq!(evaluate(&expr, script), Ok(PathBuf::from(want)), "{expr:?}");
        }
        assert!(evaluate(
            &PathExpr::Join(vec![PathExpr::File, PathExpr::Unknown]),
            script
        )
        .is_err());
    }

    #[test]
    fn relative_missing_and_unknown_directories_are_not_followed() {
        let dir = std::env::temp_dir();
        let script = dir.join("nixdeps-syspath-test.py");
        let change = |dir| SysPathChange {
            span: Span::new(0, 1),
            dir,
        };
        let got = sys_path_roots(
            &script,
            &[
                change(PathExpr::Str("lib".into())),
                change(PathExpr::Join(vec![
                    PathExpr::Dirname(Box::new(PathExpr::File)),
                    PathExpr::Str("no-such-dir-for-nixdeps".into()),
                ])),
                change(PathExpr::Unknown),
                change(PathExpr::Dirname(Box::new(PathExpr::File))),
            ],
        );
        assert!(matches!(&got[0].1, Followed::Not(m) if m.contains("relative")));
        assert!(matches!(&got[1].1, Followed::Not(m) if m.contains("does not exist")));
        assert!(matches!(&got[2].1, Followed::Not(m) if m.contains("__file__")));
        assert_eq!(got[3].1, Followed::Root(normalize(&dir)));
    }
}
