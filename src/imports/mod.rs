//! What a script imports: Python parsing (confined to `python.rs`), import
//! contexts, and classification (stdlib / removed stdlib / first-party /
//! third-party), with first-party modules followed transitively.
//!
//! Stage contract (other stages rely on these names; extend, don't rename):
//! - [`extract`]: decoded source → imports with context + syntax errors.
//! - [`classify`]: a top-level module → [`Class`] for a Python version.

use crate::header::PyVersion;
use crate::span::Span;
use serde::Serialize;
use std::path::PathBuf;

/// How an import is guarded (DESIGN §3.2).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Context {
    /// Inside `try` with a handler for ImportError-like exceptions.
    pub optional: bool,
    /// Under `if TYPE_CHECKING:`.
    pub type_only: bool,
    /// `importlib.import_module("x")` / `__import__("x")`.
    pub dynamic: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Import {
    /// The full dotted module name: `google.protobuf.message`.
    pub module: String,
    /// The bytes of the module name in the source.
    pub span: Span,
    pub context: Context,
    /// Codes suppressed by a trailing `# nixdeps: ignore[…]` on the import's line
    /// (empty vec with `all = true` means every code).
    pub suppressed: Vec<String>,
}

impl Import {
    pub fn top_level(&self) -> &str {
        self.module.split('.').next().unwrap_or(&self.module)
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
/// and `__future__` imports are left out.
pub fn extract(text: &str) -> Extracted {
    let _ = text;
    Extracted::default()
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

/// Classify top-level module `top` for Python `version`, for a script in
/// directory `script_dir` (`None` for stdin without a path), with the
/// configuration's extra first-party names.
pub fn classify(
    top: &str,
    version: PyVersion,
    script_dir: Option<&std::path::Path>,
    first_party: &[String],
) -> Class {
    let _ = (top, version, script_dir, first_party);
    Class::ThirdParty
}
