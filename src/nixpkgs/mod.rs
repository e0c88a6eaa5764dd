//! The user's own nixpkgs (DESIGN §11): locate → index → cache.
//!
//! [`index`] reads a nixpkgs tree with rnix, never evaluating it;
//! [`cache`] keeps the result under `$XDG_CACHE_HOME/nixdeps/` so that a
//! warm run pays about a millisecond. The embedded database takes the
//! result as an overlay (`crate::db::Database::with_index`).

pub mod by_name;
pub mod cache;
pub mod index;
pub mod locate;
pub mod select;
