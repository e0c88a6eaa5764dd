//! What a script imports: Python parsing (confined to `python.rs`), import
//! contexts, and classification (stdlib / removed stdlib / first-party /
//! third-party), with first-party modules followed transitively.
//!
//! Stage contract (other stages rely on these names; extend, don't rename):
//! - [`extract`]: decoded source → imports with context + syntax errors.
//! - [`classify`]: a top-level module → [`Class`] for a Python version.
//! - [`analyze`]: [`extract`] + [`classify`] + the first-party follow.
//! - [`file_suppressions`]: whole-file `# nixdeps: ignore[…]` in the header block.
//!
//! Version-dependent facts live in [`analyze`] (it knows the Python version):
//! imports under a `sys.version_info` test that excludes the version
//! ([`version_guard`]) are set aside as unreachable, and a fallback import in
//! an ImportError handler becomes optional when what the `try` imports is
//! available. [`extract`] alone reports every import with its syntactic
//! [`Context`] only.
//!
//! What counts as an import (the same definition the stdlib `ast` comparison
//! test, `tests/imports_stdlib_ast.rs`, applies to both sides): every
//! `import a.b` alias and every `from a.b import …` with level 0 (absolute),
//! wherever it is, except when the module is `__future__`. Dynamic imports
//! (see [`context`]) are extra entries with `context.dynamic` set.

mod analyze;
mod classify;
pub mod context;
mod firstparty;
mod python;
pub mod stdlib;
pub mod suppress;
pub mod version_guard;

pub use analyze::{analyze, Analysis, FileProblem, Needed, SysPathEntry};
pub use classify::classify;
pub use firstparty::{first_party_path, module_files};
pub use suppress::{file_suppressions, parse_ignore, suppresses, ALL_CODES};

use crate::header::PyVersion;
use crate::span::Span;
use serde::Serialize;
use std::path::PathBuf;

/// How an import is guarded (DESIGN §3.2; exact rules in [`context`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Context {
    /// Inside `try` with a handler for ImportError-like exceptions.
    pub optional: bool,
    /// Under `if TYPE_CHECKING:`.
    pub type_only: bool,
    /// `importlib.import_module("x")` / `__import__("x")`.
    pub dynamic: bool,
}

impl Context {
    /// The script fails at run time without the module: neither optional
    /// nor type-only (the cases ND001 reports as missing).
    pub fn required(self) -> bool {
        !self.optional && !self.type_only
    }

    /// Both guards apply: an import reached through a guarded import is guarded too.
    pub fn union(self, other: Context) -> Context {
        Context {
            optional: self.optional || other.optional,
            type_only: self.type_only || other.type_only,
            dynamic: self.dynamic || other.dynamic,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Import {
    /// The full dotted module name: `google.protobuf.message`.
    pub module: String,
    /// The bytes of the module name in the source (for a dynamic import,
    /// the string's content, or the whole literal when it has escapes).
    pub span: Span,
    pub context: Context,
    /// Codes suppressed by a trailing `# nixdeps: ignore[…]` comment on the
    /// import's (last) line, upper-cased, as written. A bare
    /// `# nixdeps: ignore` is `["*"]` ([`ALL_CODES`]): every code. Empty: none.
    pub suppressed: Vec<String>,
}

impl Import {
    pub fn top_level(&self) -> &str {
        self.module.split('.').next().unwrap_or(&self.module)
    }

    /// Whether a diagnostic with `code` on this import is suppressed.
    pub fn is_suppressed(&self, code: &str) -> bool {
        suppress::suppresses(&self.suppressed, code)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SyntaxError {
    pub span: Span,
    pub message: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Extracted {
    /// In source order.
    pub imports: Vec<Import>,
    pub errors: Vec<SyntaxError>,
}

/// All imports of `text`, with their contexts, plus syntax errors. Relative
/// and `__future__` imports are left out. Never panics; any nesting depth.
pub fn extract(text: &str) -> Extracted {
    extract_full(text).extracted
}

/// What the import scanner and the tree walk each find in `text`
/// (imports with every field, relative imports, comments, `sys.path`
/// changes, syntax errors),
/// rendered for comparison; the scanner's is `None` where it defers to the
/// tree. For `tests/imports_scan.rs`; not a stable interface.
#[doc(hidden)]
pub fn scan_and_tree(text: &str) -> (Option<String>, String) {
    let render = |f: python::Found| {
        format!(
            "{:#?}\n{:#?}\ncomments {:?}\nsys.path {:#?}\nerrors {:?}",
            f.imports, f.relative, f.comments, f.sys_path, f.errors
        )
    };
    let scan = python::parse_with(text, true, python::Route::Scan).map(render);
    let tree = python::parse_with(text, true, python::Route::Tree).map_or_else(String::new, render);
    (scan, tree)
}

/// Where in its source the scanner gave up on `text` (`None`: it answered).
/// For measuring deferrals; not a stable interface.
#[doc(hidden)]
pub fn scan_gives_up_at(text: &str) -> Option<u32> {
    python::scan_gives_up_at(text)
}

/// A relative import (`from .x import a, b`), kept only to follow
/// first-party packages; never a dependency itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Relative {
    pub level: u32,
    pub module: Option<String>,
    pub names: Vec<String>,
    pub span: Span,
    pub context: Context,
}

/// [`extract`] plus what the first-party follow needs.
#[derive(Debug, Clone, Default)]
pub(crate) struct Full {
    pub extracted: Extracted,
    /// Parallel to `extracted.imports`.
    pub extra: Vec<Extra>,
    pub relative: Vec<Relative>,
    /// The file's `sys.path` changes, evaluated by [`firstparty`].
    pub sys_path: Vec<firstparty::SysPathChange>,
}

/// What [`analyze`] needs to know of an import beyond [`Import`].
#[derive(Debug, Clone, Default)]
pub(crate) struct Extra {
    /// The names of a `from m import a, b` (they may be submodules of `m`).
    pub names: Vec<String>,
    /// Python 3 minors on which the import may run ([`version_guard`]).
    pub guard: version_guard::Minors,
    /// Set when the import is in the ImportError handler of a `try`: the
    /// modules that `try`'s body imports (the fallback runs only when one
    /// of them is missing).
    pub fallback_for: Vec<String>,
}

pub(crate) fn extract_full(text: &str) -> Full {
    // Comments are only tokenised out when a suppression can be present.
    let want_comments = text.contains("nixdeps:");
    let found = python::parse(text, want_comments);
    let line_ends = if want_comments {
        suppress::Lines::new(text)
    } else {
        suppress::Lines::empty()
    };
    let mut imports = Vec::with_capacity(found.imports.len());
    let mut extra = Vec::with_capacity(found.imports.len());
    for raw in found.imports {
        let suppressed = if want_comments {
            suppress::trailing(text, &line_ends, &found.comments, raw.stmt)
        } else {
            Vec::new()
        };
        imports.push(Import {
            module: raw.module,
            span: raw.span,
            context: raw.context,
            suppressed,
        });
        extra.push(Extra {
            names: raw.names,
            guard: raw.guard,
            fallback_for: raw.fallback_for,
        });
    }
    let errors = found
        .errors
        .into_iter()
        .map(|(span, message)| SyntaxError { span, message })
        .collect();
    Full {
        extracted: Extracted { imports, errors },
        extra,
        relative: found.relative,
        sys_path: found.sys_path,
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Class {
    Stdlib,
    /// Shipped by an older Python, not by this one; `restored_by` is the
    /// nixpkgs attribute that brings it back, where one exists.
    RemovedStdlib {
        removed_in: Option<PyVersion>,
        restored_by: Option<String>,
    },
    /// Provided by a file next to the script (or listed in the configuration).
    FirstParty {
        path: Option<PathBuf>,
    },
    ThirdParty,
}
