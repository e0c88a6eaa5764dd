//! PLACEHOLDER (branch `locate`): the `index` branch's `index.rs` replaces
//! this file. Only the names `locate` and the commands use are here.

use std::collections::BTreeMap;

/// The facts read from one nixpkgs tree (stand-in: empty).
#[derive(Debug, Clone, Default)]
pub struct Index {
    pub stats: IndexStats,
}

/// What a build read and skipped.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct IndexStats {
    pub attrs: usize,
    pub aliases: usize,
    pub removed: usize,
    pub files_read: usize,
    pub files_missing: usize,
    pub parse_errors: usize,
    pub imports: usize,
    pub deps: usize,
    pub skipped: BTreeMap<String, usize>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct IndexError(pub String);
