//! PLACEHOLDER (branch `locate`): the `index` branch's `cache.rs` replaces
//! this file. It never builds anything: [`load_or_build`] always fails, so
//! the plumbing around it can be exercised (the embedded database is used).

use super::index::{Index, IndexError};
use std::path::{Path, PathBuf};

/// An index loaded from the cache or freshly built.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub index: Index,
    pub state: CacheState,
    pub cache_file: PathBuf,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CacheState {
    Built,
    Warm,
    Rebuilt { reason: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CacheStatus {
    Absent,
    Fresh,
    Stale { reason: String },
    Corrupt,
}

/// `$XDG_CACHE_HOME/nixdeps`, else `~/.cache/nixdeps`.
pub fn default_cache_dir() -> Option<PathBuf> {
    let xdg = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .filter(|p| p.is_absolute());
    xdg.or_else(|| {
        std::env::var_os("HOME")
            .filter(|v| !v.is_empty())
            .map(|h| PathBuf::from(h).join(".cache"))
    })
    .map(|d| d.join("nixdeps"))
}

pub fn load_or_build(_root: &Path, _cache_dir: &Path) -> Result<Loaded, IndexError> {
    Err(IndexError("index not built in this branch".into()))
}

pub fn status(_root: &Path, _cache_dir: &Path) -> CacheStatus {
    CacheStatus::Absent
}
