//! Which package database a run uses: the index of the located nixpkgs
//! (DESIGN §11) or the embedded one. A run locates nixpkgs once per distinct
//! configured `nixpkgs` (usually once), and never fails over it: a tree that
//! cannot be indexed is a warning, and the embedded database is used.

use super::cache;
use super::locate::{self, Explicit, LocateEnv, Located, Source};
use crate::config::Config;
use crate::db::Database;
use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::Mutex;

/// The command line's say in the choice.
#[derive(Debug, Clone, Default)]
pub struct Choice {
    /// `--nixpkgs PATH` (wins over the configuration).
    pub nixpkgs: Option<PathBuf>,
    /// `--no-nixpkgs-index`: the embedded database, whatever else is set.
    pub disabled: bool,
}

/// Chooses, once per configured `nixpkgs`, and remembers. Shared between
/// the rayon threads of a check.
pub struct Selector {
    choice: Choice,
    env: LocateEnv,
    cache_dir: Option<PathBuf>,
    chosen: Mutex<HashMap<Option<Explicit>, &'static Database>>,
    /// [`describe`] of every database handed out.
    used: Mutex<BTreeSet<String>>,
}

impl Selector {
    pub fn new(choice: Choice) -> Self {
        Selector::with_env(
            choice,
            LocateEnv::from_process(),
            cache::default_cache_dir(),
        )
    }

    pub fn with_env(choice: Choice, env: LocateEnv, cache_dir: Option<PathBuf>) -> Self {
        Selector {
            choice,
            env,
            cache_dir,
            chosen: Mutex::new(HashMap::new()),
            used: Mutex::new(BTreeSet::new()),
        }
    }

    /// The explicit nixpkgs for files under `config`, if any.
    pub fn explicit(&self, config: &Config) -> Option<Explicit> {
        match (&self.choice.nixpkgs, &config.nixpkgs) {
            (Some(path), _) => Some(Explicit {
                source: Source::Flag,
                path: path.clone(),
            }),
            (None, Some(path)) => Some(Explicit {
                source: Source::Config,
                path: path.clone(),
            }),
            (None, None) => None,
        }
    }

    pub fn enabled(&self, config: &Config) -> bool {
        !self.choice.disabled && config.nixpkgs_index != Some(false)
    }

    pub fn locate(&self, config: &Config) -> Located {
        locate::locate(&self.env, self.explicit(config).as_ref())
    }

    /// The database for scripts under `config`.
    pub fn database(&self, config: &Config) -> &'static Database {
        let db = self.choose(config);
        let mut used = self.used.lock().unwrap_or_else(|e| e.into_inner());
        if used.len() < 8 {
            used.insert(describe(db));
        }
        db
    }

    /// Where the databases handed out so far came from, for the summary
    /// line; `None` before any.
    pub fn summary(&self) -> Option<String> {
        let used = self.used.lock().unwrap_or_else(|e| e.into_inner());
        (!used.is_empty()).then(|| used.iter().cloned().collect::<Vec<_>>().join("; "))
    }

    fn choose(&self, config: &Config) -> &'static Database {
        if !self.enabled(config) {
            return Database::get();
        }
        let key = self.explicit(config);
        // Held while building: concurrent files under one configuration
        // wait for the one build instead of each starting their own.
        let mut chosen = self.chosen.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(db) = chosen.get(&key) {
            return db;
        }
        let db = self.build(&self.locate(config), key.as_ref());
        chosen.insert(key, db);
        db
    }

    fn build(&self, located: &Located, explicit: Option<&Explicit>) -> &'static Database {
        let root = match located.root() {
            Ok(root) => root,
            // Nothing found and nothing asked for: the usual case on a
            // machine without channels, not worth a warning.
            Err(_) if located.chosen.is_none() && explicit.is_none() => return Database::get(),
            Err(why) => {
                let asked = explicit.map_or(String::new(), |e| {
                    format!("{} {}: ", e.source.as_str(), e.path.display())
                });
                warn(&format!("{asked}{why}"));
                return Database::get();
            }
        };
        let Some(cache_dir) = &self.cache_dir else {
            warn("no cache directory (neither $XDG_CACHE_HOME nor $HOME is set)");
            return Database::get();
        };
        match cache::load_or_build(root, cache_dir) {
            Ok(loaded) => {
                let label = located
                    .label
                    .clone()
                    .unwrap_or_else(|| "(unknown revision)".to_owned());
                Database::with_index(&loaded, label)
            }
            Err(e) => {
                warn(&format!("cannot index {}: {e}", root.display()));
                Database::get()
            }
        }
    }
}

fn warn(message: &str) {
    eprintln!("warning: nixpkgs index not used, {message}; using the embedded package database");
}

/// The human summary's words for where package facts came from.
pub fn describe(db: &Database) -> String {
    match db.source() {
        crate::db::DbSource::Embedded { snapshot } => format!("embedded snapshot {snapshot}"),
        crate::db::DbSource::Index { label, path } => {
            format!("nixpkgs {label} at {}", path.display())
        }
    }
}
