//! Resolve stage: each import the script needs, classified, mapped to a
//! nixpkgs attribute, and matched against what the header declares.

use crate::db::pep503;
use crate::db::{Database, Resolution};
use crate::header::{Header, PyVersion};
use crate::imports::{Class, Context};
use crate::span::Span;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

/// One import the script needs at run time (or for typing), after
/// classification and resolution.
#[derive(Debug, Clone)]
pub struct Needed {
    pub module: String,
    /// Where to point in the script: the import itself, or, for an import
    /// found in a first-party module, the script's import of that module.
    pub span: Span,
    pub context: Context,
    pub class: Class,
    /// The first-party file the import was found in (None: the script itself).
    pub via: Option<PathBuf>,
    /// 1-based line of the import in the file it was found in.
    pub line: usize,
    pub suppressed: Vec<String>,
    /// For third-party imports: the attribute that provides the module.
    pub resolution: Resolution,
    /// For third-party imports: the line of the script's first `sys.path`
    /// change nixdeps could not follow (the module may come from there).
    pub unfollowed_sys_path: Option<usize>,
}

impl Needed {
    pub fn top_level(&self) -> &str {
        self.module.split('.').next().unwrap_or(&self.module)
    }

    /// An import the script cannot run without.
    pub fn required(&self) -> bool {
        !self.context.optional && !self.context.type_only
    }

    /// Whether the import's `# nixdeps: ignore[…]` comment suppresses `code`
    /// (exact codes, as for the import itself: see [`crate::imports::suppresses`]).
    pub fn is_suppressed(&self, code: &str) -> bool {
        crate::imports::suppresses(&self.suppressed, code)
    }

    /// How the import was classified and resolved, in words:
    /// `third-party → pyyaml (matched yaml)`, `stdlib`, `first-party` …
    pub fn classification(&self) -> String {
        let class = self.class_words();
        // Set for third-party imports only.
        match self.unfollowed_sys_path {
            Some(line) => format!(
                "{class} (note: the sys.path change on line {line} could not be followed; the module may come from there)"
            ),
            None => class,
        }
    }

    fn class_words(&self) -> String {
        match &self.class {
            Class::Stdlib => "stdlib".to_owned(),
            Class::RemovedStdlib { restored_by, .. } => match restored_by {
                Some(a) => format!("removed-stdlib (restored by {a})"),
                None => "removed-stdlib".to_owned(),
            },
            Class::FirstParty { .. } => "first-party".to_owned(),
            Class::ThirdParty => match &self.resolution {
                Resolution::Resolved {
                    attr,
                    alternatives,
                    matched,
                    ..
                } => {
                    let alt = if alternatives.is_empty() {
                        String::new()
                    } else {
                        format!(" (also: {})", alternatives.join(", "))
                    };
                    format!("third-party → {attr} (matched {matched}){alt}")
                }
                Resolution::Unresolved => "third-party, unresolved".to_owned(),
            },
        }
    }

    /// The import's context flags in words (`optional`, `type-only`, `dynamic`).
    pub fn context_words(&self) -> Vec<&'static str> {
        let mut words = Vec::new();
        if self.context.optional {
            words.push("optional");
        }
        if self.context.type_only {
            words.push("type-only");
        }
        if self.context.dynamic {
            words.push("dynamic");
        }
        words
    }

    pub fn resolved_attr(&self) -> Option<&str> {
        match &self.resolution {
            Resolution::Resolved { attr, .. } => Some(attr),
            Resolution::Unresolved => None,
        }
    }
}

/// Settings of the resolve stage taken from the configuration.
#[derive(Debug, Clone, Default)]
pub struct ResolveSettings {
    pub first_party: Vec<String>,
    /// Configured `module = "attr"` mappings; they win over the database.
    pub mapping: BTreeMap<String, String>,
}

/// Resolve one module, configured mappings first (longest dotted prefix).
pub fn resolve_module(db: &Database, settings: &ResolveSettings, module: &str) -> Resolution {
    let mut prefix = module;
    loop {
        if let Some(attr) = settings.mapping.get(prefix) {
            return Resolution::Resolved {
                attr: attr.clone(),
                alternatives: Vec::new(),
                matched: prefix.to_owned(),
                source: "configuration".into(),
            };
        }
        match prefix.rfind('.') {
            Some(i) => prefix = &prefix[..i],
            None => break,
        }
    }
    db.resolve(module)
}

/// Resolve `from module import names…`: `module.name` first, so that
/// `from google.cloud import storage` finds google-cloud-storage.
pub fn resolve_from(
    db: &Database,
    settings: &ResolveSettings,
    module: &str,
    names: &[String],
) -> Resolution {
    for name in names {
        let dotted = format!("{module}.{name}");
        if settings.mapping.contains_key(&dotted) {
            return resolve_module(db, settings, &dotted);
        }
    }
    let plain = resolve_module(db, settings, module);
    if let Resolution::Resolved { source, .. } = &plain {
        if source == "configuration" {
            return plain;
        }
    }
    names
        .iter()
        .map(|n| db.resolve_from(module, n))
        .find(|r| matches!(r, Resolution::Resolved { .. }))
        .unwrap_or(plain)
}

/// Everything the script needs: its imports and those of the first-party
/// modules it imports, classified for `version` and resolved.
pub fn needed(
    script: Option<&Path>,
    text: &str,
    version: PyVersion,
    db: &Database,
    settings: &ResolveSettings,
) -> (Vec<Needed>, Vec<crate::imports::SyntaxError>) {
    let analysis = crate::imports::analyze(script, text, version, &settings.first_party);
    let unfollowed = analysis.unfollowed_sys_path().map(|e| e.line);
    let needed = analysis
        .imports
        .into_iter()
        .map(|n| {
            let third_party = n.class == Class::ThirdParty;
            let resolution = if third_party {
                resolve_from(db, settings, &n.import.module, &n.names)
            } else {
                Resolution::Unresolved
            };
            Needed {
                module: n.import.module,
                span: n.via.unwrap_or(n.import.span),
                context: n.import.context,
                class: n.class,
                via: n.file,
                line: n.line,
                suppressed: n.import.suppressed,
                resolution,
                unfollowed_sys_path: unfollowed.filter(|_| third_party),
            }
        })
        .collect();
    (needed, analysis.errors)
}

/// Does declared attribute `attr` provide the module of `need`? A renamed
/// attribute provides what its new name does.
pub fn provides(db: &Database, attr: &str, need: &Needed) -> bool {
    match db.canonical(attr) {
        Some(current) if current != attr => {
            provides_as(db, &current, need) || provides_as(db, attr, need)
        }
        _ => provides_as(db, attr, need),
    }
}

fn provides_as(db: &Database, attr: &str, need: &Needed) -> bool {
    if let Resolution::Resolved {
        attr: a,
        alternatives,
        ..
    } = &need.resolution
    {
        if a == attr || alternatives.iter().any(|x| x == attr) {
            return true;
        }
    }
    let top = need.top_level();
    pep503(top) == pep503(attr)
        || db
            .provides(attr)
            .iter()
            .any(|m| m == top || *m == need.module)
}

/// Which of a list of attributes provide an import: the answer of
/// [`provides`] for each of them, at a few look-ups per import instead of
/// one test per (import, attribute) pair, so that a header of thousands of
/// declarations and a script of thousands of imports meet in linear time.
pub struct AttrIndex {
    /// Attribute (as written, and the one it was renamed to) → positions.
    attrs: HashMap<String, Vec<usize>>,
    /// PEP 503 form of those attributes → positions.
    normalised: HashMap<String, Vec<usize>>,
    /// Module one of those attributes provides → positions.
    modules: HashMap<String, Vec<usize>>,
}

impl AttrIndex {
    pub fn new(db: &Database, attrs: impl IntoIterator<Item = String>) -> AttrIndex {
        let mut ix = AttrIndex {
            attrs: HashMap::new(),
            normalised: HashMap::new(),
            modules: HashMap::new(),
        };
        for (i, attr) in attrs.into_iter().enumerate() {
            let renamed = db.canonical(&attr).filter(|c| *c != attr);
            for a in std::iter::once(attr).chain(renamed) {
                ix.normalised.entry(pep503(&a)).or_default().push(i);
                for m in db.provides(&a) {
                    ix.modules.entry(m).or_default().push(i);
                }
                ix.attrs.entry(a).or_default().push(i);
            }
        }
        ix
    }

    /// Positions of the attributes that provide `need`, sorted, once each.
    pub fn providers(&self, need: &Needed) -> Vec<usize> {
        let get = |m: &HashMap<String, Vec<usize>>, k: &str| m.get(k).cloned().unwrap_or_default();
        let mut out = get(&self.normalised, &pep503(need.top_level()));
        out.extend(get(&self.modules, need.top_level()));
        out.extend(get(&self.modules, &need.module));
        if let Resolution::Resolved {
            attr, alternatives, ..
        } = &need.resolution
        {
            for a in std::iter::once(attr).chain(alternatives) {
                out.extend(get(&self.attrs, a));
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// Which declarations (by index) provide each needed import, and which
/// declarations propagate it.
pub struct Matching {
    /// For each `Needed`, indices of the declarations that provide it.
    pub providers: Vec<Vec<usize>>,
    /// For each declaration, whether any needed import uses it.
    pub used: Vec<bool>,
}

pub fn match_declarations(db: &Database, header: &Header, needed: &[Needed]) -> Matching {
    let decls = &header.declarations;
    let index = AttrIndex::new(db, decls.iter().map(|d| d.attr.clone()));
    let mut by_attr: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, d) in decls.iter().enumerate() {
        by_attr.entry(d.attr.as_str()).or_default().push(i);
    }
    let mut used = vec![false; decls.len()];
    let providers = needed
        .iter()
        .map(|n| {
            let p: Vec<usize> = match &n.class {
                Class::ThirdParty => index.providers(n),
                Class::RemovedStdlib { restored_by, .. } => match restored_by {
                    Some(attr) => by_attr.get(attr.as_str()).cloned().unwrap_or_default(),
                    None => index.providers(n),
                },
                _ => Vec::new(),
            };
            for &i in &p {
                used[i] = true;
            }
            p
        })
        .collect();
    // A stub package is used when the package it types is.
    let mut used_attrs: HashSet<&str> = decls
        .iter()
        .zip(&used)
        .filter(|(_, u)| **u)
        .map(|(d, _)| d.attr.as_str())
        .collect();
    let resolved: HashSet<&str> = needed.iter().filter_map(Needed::resolved_attr).collect();
    for (i, d) in decls.iter().enumerate() {
        if used[i] {
            continue;
        }
        if let Some(target) = db.stub_target(&d.attr) {
            if used_attrs.contains(target.as_str()) || resolved.contains(target.as_str()) {
                used[i] = true;
                used_attrs.insert(d.attr.as_str());
            }
        }
    }
    Matching { providers, used }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn need(db: &Database, module: &str) -> Needed {
        Needed {
            module: module.into(),
            span: Span::default(),
            context: Context::default(),
            class: Class::ThirdParty,
            via: None,
            line: 1,
            suppressed: Vec::new(),
            resolution: db.resolve(module),
            unfollowed_sys_path: None,
        }
    }

    /// The index answers what [`provides`] answers, pair by pair.
    #[test]
    fn index_agrees_with_provides() {
        let db = Database::get();
        let attrs: Vec<String> = [
            "requests",
            "pyyaml",
            "PyYAML",
            "beautifulsoup4",
            "pillow",
            "urllib3",
            "types-requests",
            "google-cloud-storage",
            "protobuf",
            "no-such-attr",
            "requests",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let index = AttrIndex::new(db, attrs.iter().cloned());
        let modules = [
            "requests",
            "requests.adapters",
            "yaml",
            "bs4",
            "PIL",
            "PIL.Image",
            "urllib3",
            "google.cloud.storage",
            "google.protobuf",
            "no_such_attr",
            "numpy",
            "os",
        ];
        for m in modules {
            let n = need(db, m);
            let want: Vec<usize> = (0..attrs.len())
                .filter(|&i| provides(db, &attrs[i], &n))
                .collect();
            assert_eq!(index.providers(&n), want, "{m}");
        }
        // Repeats are found each, and the test means something.
        let requests = index.providers(&need(db, "requests"));
        assert!(
            requests.contains(&0) && requests.contains(&10),
            "{requests:?}"
        );
        assert!(index.providers(&need(db, "yaml")).contains(&1));
    }
}
