//! The user's own nixpkgs (DESIGN §11): where it is ([`locate`]), what it
//! says about Python packages ([`index`]) and the cache of that ([`cache`]).
//!
//! PLACEHOLDER (branch `locate`): `index` and `cache` here are stand-ins with
//! the signatures the `index` branch provides; the integrator keeps that
//! branch's `mod.rs`, `index.rs` and `cache.rs` and adds `pub mod locate;` and
//! `pub mod select;` (both written in branch `locate`).

pub mod cache;
pub mod index;
pub mod locate;
pub mod select;
