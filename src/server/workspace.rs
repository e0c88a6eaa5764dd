//! What every document is checked with: the configuration that governs its
//! path (looked up exactly as `nixdeps check FILE` does), and the package
//! database, chosen once per configured nixpkgs and shared by all documents.
//! Analysis runs under `catch_unwind`: one document that trips a bug must not
//! take the editor's server down with it.

use super::documents::Document;
use crate::check::{self, Checked, FixMode, Inspection, Settings};
use crate::config::{CliOverrides, ConfigResolver, ConfigSource};
use crate::nixpkgs::select::{Choice, Selector};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

/// The UTF-8 byte order mark: the CLI strips it when decoding (see `read`),
/// so the server does too and shifts spans back by its length.
const BOM: &str = "\u{feff}";

/// Set to a string in the environment, a document containing that string
/// panics during analysis: the protocol tests' way to reach the crash path
/// without a real bug.
pub const PANIC_HOOK_ENV: &str = "NIXDEPS_SERVER_TEST_PANIC";

pub struct Workspace {
    source: ConfigSource,
    resolver: ConfigResolver,
    packages: Selector,
    /// Where untitled documents look for configuration.
    root: PathBuf,
    panic_marker: Option<String>,
}

/// One document's analysis at one revision.
pub struct Analysed {
    pub revision: u64,
    /// Bytes before the analysed text (a byte order mark), added to every span.
    pub shift: usize,
    pub outcome: Outcome,
}

pub enum Outcome {
    /// Not a script nixdeps checks: no diagnostics.
    NotAScript,
    Checked(Box<Report>),
    /// The configuration governing the document does not load.
    ConfigError(String),
    /// Analysis panicked (a bug); the message for the user.
    Failed(String),
}

pub struct Report {
    pub checked: Checked,
    /// What the rules saw (hover, related information); `None` when the
    /// script is checked but its imports are not nixdeps's to read.
    pub inspection: Option<Inspection>,
    pub settings: Settings,
    pub path: Option<PathBuf>,
}

impl Analysed {
    pub fn report(&self) -> Option<&Report> {
        match &self.outcome {
            Outcome::Checked(r) => Some(r),
            _ => None,
        }
    }
}

impl Workspace {
    pub fn new(source: ConfigSource, choice: Choice, root: PathBuf) -> Self {
        Workspace {
            resolver: resolver(&source),
            source,
            packages: Selector::new(choice),
            root,
            panic_marker: std::env::var(PANIC_HOOK_ENV).ok().filter(|s| !s.is_empty()),
        }
    }

    pub fn set_root(&mut self, root: PathBuf) {
        self.root = root;
    }

    /// Forget every configuration read so far (a configuration file
    /// changed). The package database stays: it depends on nixpkgs, not on
    /// the configuration, and indexing is the expensive part.
    pub fn reload_config(&mut self) {
        self.resolver = resolver(&self.source);
    }

    /// Check `doc` as the CLI checks the file at its path.
    pub fn analyse(&self, doc: &Document) -> Analysed {
        let shift = if doc.text.starts_with(BOM) {
            BOM.len()
        } else {
            0
        };
        let outcome = match catch_unwind(AssertUnwindSafe(|| self.check(doc, shift))) {
            Ok(outcome) => outcome,
            Err(payload) => Outcome::Failed(format!(
                "nixdeps: checking {} failed: {} (this is a bug; please report it). \
                 The server keeps serving other documents.",
                doc.uri,
                panic_message(payload.as_ref())
            )),
        };
        Analysed {
            revision: doc.revision,
            shift,
            outcome,
        }
    }

    fn check(&self, doc: &Document, shift: usize) -> Outcome {
        let text = &doc.text[shift..];
        if let Some(marker) = &self.panic_marker {
            if text.contains(marker.as_str()) {
                panic!("{PANIC_HOOK_ENV} marker found in the document");
            }
        }
        let path = file_path(doc);
        let config = match &path {
            Some(p) => self.resolver.resolve(p),
            None => self.resolver.resolve_dir(&self.root),
        };
        let config = match config {
            Ok(c) => c,
            Err(e) => return Outcome::ConfigError(e.to_string()),
        };
        let mut settings =
            Settings::for_script(&config, path.as_deref(), self.packages.database(&config));
        settings.bom = shift > 0;
        match check::check_text(text, path.as_deref(), &settings, FixMode::Off) {
            Ok(Some(checked)) => {
                let inspection = check::inspect(text, path.as_deref(), &settings);
                Outcome::Checked(Box::new(Report {
                    checked,
                    inspection,
                    settings,
                    path,
                }))
            }
            Ok(None) => Outcome::NotAScript,
            // Report-only checks have no fix loop to fail; kept total anyway.
            Err(e) => Outcome::Failed(format!("nixdeps: {}: {e}", doc.uri)),
        }
    }
}

/// The file a document is, for configuration and first-party modules;
/// `None` for untitled and non-file documents.
pub fn file_path(doc: &Document) -> Option<PathBuf> {
    (doc.uri.scheme() == "file")
        .then(|| doc.uri.to_file_path().ok())
        .flatten()
}

/// Re-check `text` with the settings of an earlier analysis, under `mode`:
/// fix-all and the verification of suppression edits, panics caught.
pub fn recheck(report: &Report, text: &str, mode: FixMode) -> Result<Option<Checked>, String> {
    catch_unwind(AssertUnwindSafe(|| {
        check::check_text(text, report.path.as_deref(), &report.settings, mode)
    }))
    .map_err(|p| panic_message(p.as_ref()))?
    .map_err(|e| e.to_string())
}

fn resolver(source: &ConfigSource) -> ConfigResolver {
    ConfigResolver::new(source.clone(), CliOverrides::default())
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".to_owned())
}

/// Whether `path` is a configuration file nixdeps reads.
pub fn is_config_file(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| crate::config::CONFIG_FILES.contains(&n))
}
