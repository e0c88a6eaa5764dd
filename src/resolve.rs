//! Resolve stage: each import the script needs, classified, mapped to a
//! nixpkgs attribute, and matched against what the header declares.

use crate::db::{Database, Resolution};
use crate::header::{Header, PyVersion};
use crate::imports::{Class, Context};
use crate::span::Span;
use std::collections::BTreeMap;
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
    let needed = analysis
        .imports
        .into_iter()
        .map(|n| {
            let resolution = if n.class == Class::ThirdParty {
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
    crate::db::pep503(top) == crate::db::pep503(attr)
        || db
            .provides(attr)
            .iter()
            .any(|m| m == top || *m == need.module)
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
    let mut used = vec![false; decls.len()];
    let providers = needed
        .iter()
        .map(|n| {
            if n.class != Class::ThirdParty && !matches!(n.class, Class::RemovedStdlib { .. }) {
                return Vec::new();
            }
            let restored = match &n.class {
                Class::RemovedStdlib { restored_by, .. } => restored_by.as_deref(),
                _ => None,
            };
            let p: Vec<usize> = decls
                .iter()
                .enumerate()
                .filter(|(_, d)| {
                    Some(d.attr.as_str()) == restored
                        || (restored.is_none() && provides(db, &d.attr, n))
                })
                .map(|(i, _)| i)
                .collect();
            for &i in &p {
                used[i] = true;
            }
            p
        })
        .collect();
    // A stub package is used when the package it types is.
    for (i, d) in decls.iter().enumerate() {
        if used[i] {
            continue;
        }
        if let Some(target) = db.stub_target(&d.attr) {
            let target_used = decls
                .iter()
                .enumerate()
                .any(|(j, e)| used[j] && e.attr == target)
                || needed
                    .iter()
                    .any(|n| n.resolved_attr() == Some(target.as_str()));
            if target_used {
                used[i] = true;
            }
        }
    }
    Matching { providers, used }
}
