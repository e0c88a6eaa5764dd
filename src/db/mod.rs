//! The embedded nixpkgs package database: import names → attributes, the set
//! of attributes, aliases (renamed/removed), and propagated dependencies.
//!
//! Stage contract (other stages rely on these names; extend, don't rename):
//! [`Database::get`] gives the lazily built embedded database.

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Resolution {
    /// `attr` is the preferred attribute; `alternatives` also provide it.
    /// `matched` is the dotted prefix of the module that matched.
    Resolved {
        attr: String,
        alternatives: Vec<String>,
        matched: String,
        source: String,
    },
    Unresolved,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum AliasTarget {
    /// Renamed to this Python attribute.
    Renamed(String),
    /// Now the top-level package `pkgs.X`.
    TopLevel(String),
    /// Removed; the note is nixpkgs' throw message.
    Removed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Alias {
    pub target: AliasTarget,
    pub note: String,
}

#[derive(Debug, Default)]
pub struct Database {}

impl Database {
    /// The embedded database, parsed on first use.
    pub fn get() -> &'static Database {
        static DB: std::sync::OnceLock<Database> = std::sync::OnceLock::new();
        DB.get_or_init(Database::default)
    }

    /// Resolve a (non-stdlib, non-first-party) module to an attribute.
    pub fn resolve(&self, module: &str) -> Resolution {
        let _ = module;
        Resolution::Unresolved
    }

    /// True when `attr` is a Python attribute of the snapshot.
    pub fn has_attr(&self, attr: &str) -> bool {
        let _ = attr;
        false
    }

    pub fn alias(&self, attr: &str) -> Option<Alias> {
        let _ = attr;
        None
    }

    /// Top-level modules `attr` provides (its own normalised name included).
    pub fn provides(&self, attr: &str) -> Vec<String> {
        let _ = attr;
        Vec::new()
    }

    /// Every attribute `attr` propagates, transitively (not `attr` itself).
    pub fn propagated(&self, attr: &str) -> Vec<String> {
        let _ = attr;
        Vec::new()
    }

    /// For a typing-stub package (`types-requests`, `requests-stubs`), the
    /// attribute it provides types for.
    pub fn stub_target(&self, attr: &str) -> Option<String> {
        let _ = attr;
        None
    }

    /// The date of the nixpkgs snapshot the attribute set was read from.
    pub fn snapshot(&self) -> &'static str {
        "2024-06"
    }
}
