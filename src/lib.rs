//! nixdeps: keep the dependency headers of nix-shell Python scripts honest.
//!
//! Data flows one way: discover → read → header → imports → resolve (db) →
//! rules → report or fix; `server` is the editors' face beside the CLI.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod app;
pub mod check;
pub mod cli;
pub mod commands;
pub mod config;
pub mod db;
pub mod diagnostic;
pub mod discover;
pub mod header;
pub mod imports;
pub mod nixpkgs;
pub mod pep723;
pub mod read;
pub mod report;
pub mod resolve;
pub mod rules;
pub mod server;
pub mod shell;
pub mod span;
pub mod write;
