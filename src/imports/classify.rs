//! Classification of a top-level module (DESIGN §3.3).

use super::{firstparty, stdlib, Class};
use crate::header::PyVersion;
use std::path::Path;

/// Classify top-level module `top` for Python `version`, for a script in
/// directory `script_dir` (`None` for stdin without a path), with the
/// configuration's extra first-party names.
///
/// Order, first match wins:
/// 1. listed in `first_party` (an entry `pkg.sub` names top-level `pkg`);
/// 2. standard library of `version` — it wins over a sibling of the same
///    name: shadowing the stdlib is a bug we should not paper over, and
///    builtin / startup modules (`sys`, `os`) cannot be shadowed anyway;
/// 3. a sibling of the script ([`firstparty::first_party_path`]);
/// 4. removed stdlib: an older 3.x shipped it, `version` does not;
/// 5. third-party.
pub fn classify(
    top: &str,
    version: PyVersion,
    script_dir: Option<&Path>,
    first_party: &[String],
) -> Class {
    let top = top.split('.').next().unwrap_or(top);
    if first_party
        .iter()
        .any(|f| f.split('.').next().is_some_and(|f| f == top))
    {
        let path = script_dir.and_then(|d| firstparty::first_party_path(d, top));
        return Class::FirstParty { path };
    }
    if stdlib::is_stdlib(top, version) {
        return Class::Stdlib;
    }
    if let Some(path) = script_dir.and_then(|d| firstparty::first_party_path(d, top)) {
        return Class::FirstParty { path: Some(path) };
    }
    if let Some(removed_in) = stdlib::removed_in(top, version) {
        return Class::RemovedStdlib {
            removed_in: Some(removed_in),
            restored_by: stdlib::restored_by(top).map(str::to_owned),
        };
    }
    Class::ThirdParty
}
