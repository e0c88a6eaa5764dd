//! The live index as an overlay on the embedded database (DESIGN §11.2):
//! facts from the user's nixpkgs win for attributes, aliases and
//! propagation; import names from both are merged, the index's
//! `pythonImportsCheck` rows first (source `index`).
//!
//! The overlay reads the cache text in place, with the same bisected
//! [`Table`]s as the embedded tables, so nothing is decoded up front. The
//! embedded answers come from [`Database::get`], which never has an
//! overlay, so an overlaid method can ask "what does the snapshot say" and
//! then correct it.

use super::{Alias, AliasTarget, Database, Fields, Table};
use crate::nixpkgs::cache::{unesc, Loaded, Section};
use std::borrow::Cow;
use std::path::PathBuf;
use std::sync::Mutex;

/// Which package source a database answers from (for the summary line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DbSource {
    /// The embedded snapshot alone; `snapshot` is its date.
    Embedded { snapshot: &'static str },
    /// The user's nixpkgs index over the snapshot.
    Index { label: String, path: PathBuf },
}

#[derive(Debug, Clone, Copy)]
pub(super) struct AttrRow {
    file: &'static str,
    pname: &'static str,
    imports: &'static str,
    deps: &'static str,
}

#[derive(Debug, Clone, Copy)]
pub(super) struct AliasRow {
    kind: &'static str,
    target: &'static str,
    date: &'static str,
    message: &'static str,
}

#[derive(Debug)]
pub(super) struct Live {
    label: &'static str,
    path: PathBuf,
    attrs: Table<AttrRow>,
    aliases: Table<AliasRow>,
    modules: Table<&'static str>,
    variants: Table<&'static str>,
    /// Namespaces some package of the index installs into
    /// (`pythonNamespaces`): shared, so pure.
    namespaces: Table<()>,
}

fn one(f: &mut Fields) -> &'static str {
    f.next().unwrap_or("")
}

impl AttrRow {
    /// True when the package file was read (a missing or broken file
    /// leaves every fact empty): then its propagation is the index's.
    fn read(&self) -> bool {
        !self.pname.is_empty() || !self.imports.is_empty() || !self.deps.is_empty()
    }
}

impl Database {
    /// The database with the index of the user's nixpkgs over the embedded
    /// snapshot. `label` names it in messages ("nixpkgs 25.05.1234.abcdef
    /// at /nix/store/…").
    ///
    /// The result is leaked, like [`Database::get`]'s: every stage holds a
    /// `&'static Database` and the tables are `&'static str` slices of the
    /// cache text, which is what lets them be bisected in place. A process
    /// checks against one nixpkgs, so this costs one copy of the cache text
    /// per process; asking again for the same tree and text returns the
    /// same database (an editor server does, once per request).
    pub fn with_index(loaded: &Loaded, label: String) -> &'static Database {
        type Key = (PathBuf, String);
        static MADE: Mutex<Vec<(Key, &'static str, &'static Database)>> = Mutex::new(Vec::new());
        let key = (loaded.root.clone(), label);
        let text = loaded.tables.text();
        let mut made = MADE.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, _, db)) = made.iter().find(|(k, t, _)| *k == key && *t == text) {
            return db;
        }
        let text: &'static str = Box::leak(text.to_string().into_boxed_str());
        let label: &'static str = Box::leak(key.1.clone().into_boxed_str());
        let t = &loaded.tables;
        let body = |s: Section| &text[t.range(s)];
        let live = Live {
            label,
            path: loaded.root.clone(),
            attrs: Table {
                body: body(Section::Attrs),
                make: |f| AttrRow {
                    file: one(f),
                    pname: one(f),
                    imports: one(f),
                    deps: one(f),
                },
            },
            aliases: Table {
                body: body(Section::Aliases),
                make: |f| AliasRow {
                    kind: one(f),
                    target: one(f),
                    date: one(f),
                    message: one(f),
                },
            },
            modules: Table {
                body: body(Section::Modules),
                make: one,
            },
            variants: Table {
                body: body(Section::Variants),
                make: one,
            },
            namespaces: Table {
                body: body(Section::Namespaces),
                make: |_| (),
            },
        };
        let db: &'static Database = Box::leak(Box::new(Database {
            live: Some(live),
            ..Database::load()
        }));
        made.push((key, text, db));
        db
    }

    /// The user's nixpkgs tree, when its index is in use.
    pub fn nixpkgs_root(&self) -> Option<&std::path::Path> {
        self.live.as_ref().map(|l| l.path.as_path())
    }

    /// Where this database's answers come from.
    pub fn source(&self) -> DbSource {
        match &self.live {
            Some(l) => DbSource::Index {
                label: l.label.to_string(),
                path: l.path.clone(),
            },
            None => DbSource::Embedded {
                snapshot: Database::get().snapshot(),
            },
        }
    }
}

impl Live {
    pub(super) fn label(&self) -> &'static str {
        self.label
    }

    pub(super) fn has_attr(&self, attr: &str) -> bool {
        self.attrs.contains_key(attr)
    }

    /// The index's alias entry, else (for a name the index does not have)
    /// the snapshot's: an alias nixpkgs has since dropped still tells what
    /// the old name became.
    pub(super) fn alias(&self, attr: &str) -> Option<Alias> {
        let Some(row) = self.aliases.get(attr) else {
            if self.has_attr(attr) {
                return None;
            }
            return Database::get().alias(attr);
        };
        let dated = |what: String| match row.date {
            "" => what,
            d => format!("{what} ({d})"),
        };
        let (target, note) = match row.kind {
            "renamed" => (
                AliasTarget::Renamed(row.target.to_string()),
                format!("renamed (as of {})", self.label),
            ),
            "toplevel" => (
                AliasTarget::TopLevel(row.target.to_string()),
                format!("moved to top-level (as of {})", self.label),
            ),
            _ => (
                AliasTarget::Removed,
                dated(format!("removed: {}", unesc(row.message))),
            ),
        };
        Some(Alias { target, note })
    }

    /// The index's modules row, merged with the snapshot's (see the module
    /// doc), every attribute current in the index. `None` when no current
    /// attribute is left.
    pub(super) fn module_attrs(&self, db: &Database, module: &str) -> Option<(String, String)> {
        let embedded = Database::get().modules.get(module);
        let mut attrs: Vec<String> = Vec::new();
        let mut push = |a: &str| {
            if let Some(c) = db.canonical(a) {
                if !attrs.contains(&c) {
                    attrs.push(c);
                }
            }
        };
        let ours = self.modules.get(module);
        ours.into_iter()
            .flat_map(|r| r.split(','))
            .for_each(&mut push);
        embedded
            .into_iter()
            .flat_map(|r| r.attrs.split(','))
            .for_each(&mut push);
        if attrs.is_empty() {
            return None;
        }
        let source = match (ours, embedded) {
            (Some(_), _) => "index".to_string(),
            (None, Some(r)) => r.sources.split(',').next().unwrap_or("").to_string(),
            (None, None) => String::new(),
        };
        Some((attrs.join(","), source))
    }

    /// The import names the index has for `attr`.
    pub(super) fn imports(&self, attr: &str) -> impl Iterator<Item = &'static str> {
        self.attrs
            .get(attr)
            .map_or("", |r| r.imports)
            .split(',')
            .filter(|m| !m.is_empty())
    }

    pub(super) fn is_namespace(&self, module: &str) -> bool {
        self.namespaces.contains_key(module)
    }

    pub(super) fn variant_of(&self, attr: &str) -> Option<&'static str> {
        self.variants.get(attr)
    }

    /// The index's propagated dependencies of `attr`, where it read them.
    pub(super) fn direct_deps(&self, attr: &str) -> Option<&'static str> {
        self.attrs.get(attr).filter(AttrRow::read).map(|r| r.deps)
    }

    /// The package file of `attr`, for `deps_source`.
    pub(super) fn file(&self, attr: &str) -> Option<&'static str> {
        self.attrs.get(attr).filter(AttrRow::read).map(|r| r.file)
    }
}

impl Database {
    /// The modules row of `module`: the merged one under an overlay.
    pub(super) fn module_row(&self, module: &str) -> Option<(Cow<'static, str>, String)> {
        match &self.live {
            Some(l) => l
                .module_attrs(self, module)
                .map(|(a, s)| (Cow::Owned(a), s)),
            None => self.modules.get(module).map(|row| {
                let first = row.sources.split(',').next().unwrap_or("");
                (Cow::Borrowed(row.attrs), first.to_string())
            }),
        }
    }
}
