//! One file per command; [`crate::app::run`] dispatches to them.

pub mod check;
pub mod completions;
pub mod explain;
pub mod header;
pub mod imports;
pub mod man;
pub mod nixpkgs;
pub mod server;
