//! A guess from a module's name, for modules no evidence row knows.
//!
//! An unresolved import is a missing dependency nixdeps can neither report
//! nor fix, so a name the attribute list itself can confirm beats silence:
//! `google.cloud.pubsub_v1` → `google-cloud-pubsub`, `foo` → `py-foo`,
//! `python-foo`, `django-foo`, `foo-py`, `foo-python`, `pyfoo`,
//! `foo-client`, `foo-sdk`, `skfoo` → `scikit-foo`, a private `_foo` as
//! `foo`, and a dotted `a.b` → `a-b`. A guess is only asked for after every evidence rule of
//! [`Database::resolve`] came up empty, so it never overrides evidence; its
//! `source` is `guess`, and ND001 says so and marks the fix unsafe.
//!
//! A candidate is refused when the database already knows which modules the
//! attribute ships and this name is not among them (`import utils` is not
//! python-utils, whose module is `python_utils`): only attributes whose
//! modules nobody recorded, or that record the guessed stem itself, qualify.

use super::{pep503, prefixes, Database, NamespaceKind};

/// Names that are usually a script's own module (or a framework's layout)
/// rather than a package; guessing `py-app` for `import app` would be wrong
/// more often than right.
const TOO_GENERIC: &[&str] = &[
    "api", "app", "base", "cli", "client", "common", "config", "core", "data", "db", "helpers",
    "lib", "main", "models", "server", "settings", "test", "tests", "tools", "types", "util",
    "utils", "version", "views",
];

/// Affixes nixpkgs attribute names add to a project's module name.
const FORMS: &[(&str, &str)] = &[
    ("", ""),
    ("py-", ""),
    ("python-", ""),
    ("django-", ""),
    ("", "-py"),
    ("", "-python"),
    // On the Debian pairs without module rows this form finds 46 more
    // attributes for 2 wrong ones (`lru` is not pylru).
    ("py", ""),
    ("", "-client"),
    ("", "-sdk"),
];

/// Module-name prefixes that stand for a longer word in the distribution's
/// name: `skfuzzy` (scikit-fuzzy), `pythonosc` (python-osc), `grpc_status`
/// (grpcio-status).
const SPELLED_OUT: &[(&str, &str)] = &[
    ("sk", "scikit-"),
    ("python", "python-"),
    ("grpc-", "grpcio-"),
];

/// `pubsub_v1` → `pubsub`, `v2beta1` → `` (an API version of the parent),
/// `vision_v1p3beta1` → `vision`; `None` when the name has no such suffix.
fn strip_api_version(name: &str) -> Option<&str> {
    let cut = name.rfind('v')?;
    let (stem, ver) = name.split_at(cut);
    let ver = &ver[1..];
    let digits = ver.bytes().take_while(u8::is_ascii_digit).count();
    let rest = &ver[digits..];
    let tail_ok = rest.is_empty()
        || ["alpha", "beta", "p"]
            .iter()
            .any(|t| rest.starts_with(t) && rest.bytes().any(|b| b.is_ascii_digit()))
            && rest.bytes().all(|b| b.is_ascii_alphanumeric());
    if digits == 0 || !tail_ok {
        return None;
    }
    match stem.strip_suffix('_') {
        Some(s) if !s.is_empty() => Some(s),
        _ if stem.is_empty() => Some(""),
        _ => None,
    }
}

impl Database {
    /// The attribute a module's name points at, for a module no evidence
    /// knows: `(attr, matched prefix)`.
    pub(super) fn guess(&self, module: &str) -> Option<(String, String)> {
        for prefix in prefixes(module) {
            if self.namespace(prefix) == Some(NamespaceKind::Pure) {
                continue;
            }
            if !prefix.contains('.') && TOO_GENERIC.contains(&prefix) {
                continue;
            }
            if let Some(attr) = self.guess_prefix(prefix) {
                return Some((attr, prefix.to_string()));
            }
        }
        None
    }

    /// The guess for one dotted prefix: its own name in each form, then the
    /// name without an API-version suffix (`pubsub_v1`, `…vision.v1`).
    pub(super) fn guess_prefix(&self, prefix: &str) -> Option<String> {
        let (parent, last) = match prefix.rsplit_once('.') {
            Some((p, l)) => (Some(p), l),
            None => (None, prefix),
        };
        let unversioned = strip_api_version(last).map(|s| match (parent, s) {
            (Some(p), "") => p.to_string(),
            (Some(p), s) => format!("{p}.{s}"),
            (None, s) => s.to_string(),
        });
        std::iter::once(prefix.to_string())
            .chain(unversioned.filter(|s| !s.is_empty()))
            .find_map(|stem| self.guess_stem(&stem))
    }

    fn guess_stem(&self, stem: &str) -> Option<String> {
        if self.namespace(stem) == Some(NamespaceKind::Pure) {
            return None;
        }
        // `_argon2_cffi_bindings` is the private module of
        // argon2-cffi-bindings.
        let norm = pep503(stem.trim_start_matches('_'));
        let spelled = SPELLED_OUT.iter().filter_map(|(short, long)| {
            let rest = norm.strip_prefix(short)?;
            (rest.len() > 2).then(|| format!("{long}{}", rest.trim_start_matches('-')))
        });
        FORMS
            .iter()
            .map(|(pre, suf)| format!("{pre}{norm}{suf}"))
            .chain(spelled)
            .find(|cand| self.has_attr(cand) && self.may_ship(cand, stem))
    }

    /// False when the database knows `attr`'s modules and `stem` is not
    /// one of them (nor lies under one).
    fn may_ship(&self, attr: &str, stem: &str) -> bool {
        if self.module_rows_of(attr).is_empty() {
            return true;
        }
        let provided = self.provided_name(stem);
        self.provides(attr)
            .iter()
            .any(|p| *p == provided || p == stem)
    }
}

#[cfg(test)]
mod tests {
    use super::strip_api_version;

    #[test]
    fn api_version_suffixes() {
        assert_eq!(strip_api_version("pubsub_v1"), Some("pubsub"));
        assert_eq!(strip_api_version("vision_v1p3beta1"), Some("vision"));
        assert_eq!(strip_api_version("v2beta1"), Some(""));
        assert_eq!(strip_api_version("v1"), Some(""));
        assert_eq!(strip_api_version("dev"), None);
        assert_eq!(strip_api_version("review"), None);
        assert_eq!(strip_api_version("kv2"), None);
        assert_eq!(strip_api_version("_v1"), None);
        assert_eq!(strip_api_version("pubsub_v1x"), None);
    }
}
