//! A script's imports, classified, with first-party modules followed
//! transitively (DESIGN §3.3).

use super::{
    classify, extract_full, firstparty, version_guard, Class, Context, Extra, Import, SyntaxError,
};
use crate::header::PyVersion;
use crate::span::Span;
use serde::Serialize;
use std::collections::{HashSet, VecDeque};
use std::path::{Path, PathBuf};

/// No script needs more; a bound keeps a huge sibling tree from stalling a check.
const MAX_FOLLOWED_FILES: usize = 2000;

/// Everything the script needs to import.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Analysis {
    /// The script's own imports (source order), then those of the
    /// first-party files the follow read (in the order it read them). Every
    /// class is present, first-party included; rules filter by `class`.
    /// A fallback import (`except ImportError: import tomli` after
    /// `try: import tomllib`) is optional when the `try` imports only
    /// stdlib / first-party modules of this version: it never runs.
    pub imports: Vec<Needed>,
    /// The script's syntax errors (ND101). Followed files' errors are in `problems`.
    pub errors: Vec<SyntaxError>,
    /// Imports that never run on the script's Python: under a
    /// `sys.version_info` test that excludes it (`if sys.version_info <
    /// (3, 11): import tomli` on 3.12). Not followed, not in `imports`.
    pub unreachable: Vec<Needed>,
    /// First-party source files read by the follow, each once.
    pub followed: Vec<PathBuf>,
    /// Followed files that could not be read or decoded (the follow stops
    /// there) or that have syntax errors (their recovered imports still count).
    pub problems: Vec<FileProblem>,
    /// The script's `sys.path` changes: the directories followed as
    /// first-party roots, and the changes that could not be followed.
    pub sys_path: Vec<SysPathEntry>,
}

/// One `sys.path` change of the script.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SysPathEntry {
    /// 1-based line of the change in the script.
    pub line: usize,
    pub span: Span,
    /// The directory searched for first-party modules, when computable.
    pub directory: Option<PathBuf>,
    /// Why the change could not be followed.
    pub not_followed: Option<String>,
}

impl Analysis {
    /// The first `sys.path` change nixdeps could not follow: an import it
    /// cannot place may come from there.
    pub fn unfollowed_sys_path(&self) -> Option<&SysPathEntry> {
        self.sys_path.iter().find(|e| e.directory.is_none())
    }
}

/// Where first-party modules are looked up: the script's directory, then
/// the directories its `sys.path` changes add.
struct Roots<'a> {
    script_dir: Option<&'a Path>,
    added: Vec<PathBuf>,
}

impl Roots<'_> {
    fn classify(&self, top: &str, version: PyVersion, first_party: &[String]) -> Class {
        let class = classify(top, version, self.script_dir, first_party);
        if !matches!(class, Class::ThirdParty | Class::RemovedStdlib { .. }) {
            return class;
        }
        self.added
            .iter()
            .find_map(|d| firstparty::first_party_path(d, top))
            .map_or(class, |path| Class::FirstParty { path: Some(path) })
    }

    /// The directory a first-party module was found in, to follow it from.
    fn of<'c>(&'c self, class: &'c Class) -> Option<&'c Path> {
        match class {
            Class::FirstParty { path: Some(p) } => p.parent().or(self.script_dir),
            _ => self.script_dir,
        }
    }

    fn all(&self) -> impl Iterator<Item = &Path> {
        self.script_dir
            .into_iter()
            .chain(self.added.iter().map(PathBuf::as_path))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Needed {
    /// `span` is in `file`. `context` is the effective one: the import's own
    /// guards united with those of every import on the chain from the
    /// script (a module reached through an optional import is optional).
    /// `suppressed` likewise adds the script-side import's codes: ignoring
    /// `import utils` ignores what `utils` drags in.
    pub import: Import,
    pub class: Class,
    /// The file holding the import; `None` for the script itself.
    pub file: Option<PathBuf>,
    /// For an import in another file: the span, in the script, of the
    /// script's import that led there (diagnostics point at it). `None` for
    /// the script's own imports.
    pub via: Option<Span>,
    /// For `from a import b, c`: `["b", "c"]` (resolution looks at
    /// `a.b` first: `from google.cloud import storage`). Empty for `import a`.
    pub names: Vec<String>,
    /// 1-based line of the import in `file` (or the script).
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileProblem {
    pub path: PathBuf,
    /// The script's import that led to the file.
    pub via: Span,
    pub message: String,
}

/// One file waiting to be read, and how the script got there.
struct Pending {
    path: PathBuf,
    via: Span,
    context: Context,
    suppressed: Vec<String>,
}

/// Analyse `text` (the decoded script at `script_path`, `None` for stdin):
/// extract, classify for `version` with the configuration's `first_party`
/// names, and follow first-party modules found next to the script.
/// Absolute imports in followed files resolve against the script's
/// directory (`sys.path[0]`); relative ones against their own package.
pub fn analyze(
    script_path: Option<&Path>,
    text: &str,
    version: PyVersion,
    first_party: &[String],
) -> Analysis {
    let root: Option<PathBuf> = script_path.map(|p| match p.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    });
    let root = root.as_deref();
    let mut seen: HashSet<PathBuf> = HashSet::new();
    if let Some(p) = script_path {
        seen.insert(canonical(p));
    }
    let mut out = Analysis::default();
    let mut queue: VecDeque<Pending> = VecDeque::new();

    let full = extract_full(text);
    out.errors = full.extracted.errors;
    let mut lines = crate::span::LineCounter::new(text);
    let mut roots = Roots {
        script_dir: root,
        added: Vec::new(),
    };
    let followed = match script_path {
        Some(p) => firstparty::sys_path_roots(p, &full.sys_path),
        None => full
            .sys_path
            .iter()
            .map(|c| {
                let why = "the script is read from standard input: __file__ is unknown";
                (c.span, firstparty::Followed::Not(why.into()))
            })
            .collect(),
    };
    for (span, f) in followed {
        let (directory, not_followed) = match f {
            firstparty::Followed::Root(d) => (Some(d), None),
            firstparty::Followed::Not(why) => (None, Some(why)),
        };
        if let Some(d) = &directory {
            if !roots.added.contains(d) {
                roots.added.push(d.clone());
            }
        }
        out.sys_path.push(SysPathEntry {
            line: lines.line_of(span.start) + 1,
            span,
            directory,
            not_followed,
        });
    }
    for (import, extra) in full.extracted.imports.into_iter().zip(full.extra) {
        let Some((import, class)) =
            admit(import, &extra, version, &roots, first_party, &mut out, None)
        else {
            continue;
        };
        let import_start = import.span.start;
        if let (Class::FirstParty { .. }, Some(dir)) = (&class, roots.of(&class)) {
            for path in firstparty::module_files(dir, &import.module, &extra.names) {
                queue.push_back(Pending {
                    path,
                    via: import.span,
                    context: import.context,
                    suppressed: import.suppressed.clone(),
                });
            }
        }
        out.imports.push(Needed {
            import,
            class,
            file: None,
            via: None,
            names: extra.names.clone(),
            line: lines.line_of(import_start) + 1,
        });
    }

    if root.is_none() {
        return out;
    }
    while let Some(p) = queue.pop_front() {
        if !seen.insert(canonical(&p.path)) {
            continue;
        }
        if out.followed.len() >= MAX_FOLLOWED_FILES {
            out.problems.push(FileProblem {
                path: p.path,
                via: p.via,
                message: format!("not followed: more than {MAX_FOLLOWED_FILES} first-party files"),
            });
            break;
        }
        let text = match std::fs::read(&p.path) {
            Ok(bytes) => match crate::read::decode(&bytes) {
                Ok(src) => src.text,
                Err(e) => {
                    out.problems.push(problem(&p, e.to_string()));
                    continue;
                }
            },
            Err(e) => {
                out.problems.push(problem(&p, e.to_string()));
                continue;
            }
        };
        out.followed.push(p.path.clone());
        let full = extract_full(&text);
        if let Some(e) = full.extracted.errors.first() {
            let line = text[..e.span.start.min(text.len())].matches('\n').count() + 1;
            out.problems.push(problem(
                &p,
                format!("syntax error at line {line}: {}", e.message),
            ));
        }
        let mut lines = crate::span::LineCounter::new(&text);
        for (mut import, extra) in full.extracted.imports.into_iter().zip(full.extra) {
            let line = lines.line_of(import.span.start) + 1;
            import.context = import.context.union(p.context);
            merge_codes(&mut import.suppressed, &p.suppressed);
            let Some((import, class)) = admit(
                import,
                &extra,
                version,
                &roots,
                first_party,
                &mut out,
                Some((&p.path, p.via)),
            ) else {
                continue;
            };
            if let (Class::FirstParty { .. }, Some(dir)) = (&class, roots.of(&class)) {
                for path in firstparty::module_files(dir, &import.module, &extra.names) {
                    queue.push_back(Pending {
                        path,
                        via: p.via,
                        context: import.context,
                        suppressed: import.suppressed.clone(),
                    });
                }
            }
            out.imports.push(Needed {
                import,
                class,
                file: Some(p.path.clone()),
                via: Some(p.via),
                names: extra.names.clone(),
                line,
            });
        }
        for rel in full.relative {
            let Some(base) = relative_base(&p.path, rel.level, &roots) else {
                continue;
            };
            let files = match &rel.module {
                Some(m) => firstparty::module_files(&base, m, &rel.names),
                None => rel
                    .names
                    .iter()
                    .flat_map(|n| firstparty::module_files(&base, n, &[]))
                    .collect(),
            };
            for path in files {
                queue.push_back(Pending {
                    path,
                    via: p.via,
                    context: rel.context.union(p.context),
                    suppressed: p.suppressed.clone(),
                });
            }
        }
    }
    out
}

/// Classify `import` and apply what only the version knows: an import
/// whose `sys.version_info` guard excludes `version` goes to
/// `out.unreachable` (`None` is returned), and a fallback import (in the
/// ImportError handler of a `try`) becomes optional when everything that
/// `try` imports is available — stdlib or first-party — since the fallback
/// then never runs.
fn admit(
    mut import: Import,
    extra: &Extra,
    version: PyVersion,
    roots: &Roots,
    first_party: &[String],
    out: &mut Analysis,
    file: Option<(&Path, Span)>,
) -> Option<(Import, Class)> {
    let class = roots.classify(import.top_level(), version, first_party);
    if !version_guard::allows(extra.guard, version.major, version.minor) {
        out.unreachable.push(Needed {
            import,
            class,
            file: file.map(|f| f.0.to_path_buf()),
            via: file.map(|f| f.1),
            names: extra.names.clone(),
            line: 0,
        });
        return None;
    }
    if !extra.fallback_for.is_empty()
        && extra.fallback_for.iter().all(|m| {
            let top = m.split('.').next().unwrap_or(m);
            matches!(
                roots.classify(top, version, first_party),
                Class::Stdlib | Class::FirstParty { .. }
            )
        })
    {
        import.context.optional = true;
    }
    Some((import, class))
}

fn problem(p: &Pending, message: String) -> FileProblem {
    FileProblem {
        path: p.path.clone(),
        via: p.via,
        message,
    }
}

fn canonical(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
}

fn merge_codes(into: &mut Vec<String>, from: &[String]) {
    into.extend_from_slice(from);
    *into = super::suppress::normalise(std::mem::take(into));
}

/// The package directory a relative import of `level` in `file` starts
/// from; `None` when it would climb out of every first-party root.
fn relative_base(file: &Path, level: u32, roots: &Roots) -> Option<PathBuf> {
    let mut base = file.parent()?.to_path_buf();
    for _ in 1..level {
        base = base.parent()?.to_path_buf();
    }
    let cb = canonical(&base);
    roots
        .all()
        .map(canonical)
        .any(|cr| cb.starts_with(&cr) && cb != cr)
        .then_some(base)
}
