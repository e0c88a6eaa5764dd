//! One script through the whole flow: header → imports → resolve → rules,
//! and, with fixes on, the fix loop that rewrites the header until nothing
//! fixable is left.

use crate::config::Config;
use crate::db::commands::Commands;
use crate::db::Database;
use crate::diagnostic::{apply_edits, Applicability, Diagnostic};
use crate::header::{self, edit, Header, PyVersion};
use crate::imports;
use crate::pep723;
use crate::resolve::{self, Matching, Needed, ResolveSettings};
use crate::rules::{self, Finding, Intent};
use crate::shell;
use crate::span::{LazyLineIndex, LineIndex};
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// The default Python of the current nixpkgs `python3` (DESIGN §2.3).
pub const DEFAULT_PYTHON: PyVersion = PyVersion {
    major: 3,
    minor: 13,
};

/// Fix rounds before giving up: each round applies every fix at once, so a
/// second round is needed only when a fix reveals another (rare).
const MAX_FIX_ROUNDS: usize = 8;

/// Which codes are reported: `select` prefixes (empty = all), minus `ignore` prefixes.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub select: Vec<String>,
    pub ignore: Vec<String>,
}

impl Selection {
    pub fn enabled(&self, code: &str) -> bool {
        let hit = |list: &[String]| {
            list.iter()
                .any(|p| p == "ALL" || code.starts_with(p.as_str()))
        };
        (self.select.is_empty() || hit(&self.select)) && !hit(&self.ignore)
    }
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub python_version: PyVersion,
    pub resolve: ResolveSettings,
    pub keep: Vec<String>,
    pub selection: Selection,
    /// Codes switched off for this file (`per-file-ignores`).
    pub file_ignores: Vec<String>,
    /// The file starts with a UTF-8 byte order mark (stripped from the text).
    pub bom: bool,
    /// The package database: the embedded one, or it overlaid with the
    /// user's nixpkgs index (see `nixpkgs::select`).
    pub db: &'static Database,
}

impl Settings {
    /// The settings for the script at `path` under `config`, with the package
    /// database `db` (from [`crate::nixpkgs::select::Selector::database`]): what
    /// the CLI and the language server both check with. `bom` is left false;
    /// the caller knows whether the text had one.
    pub fn for_script(config: &Config, path: Option<&Path>, db: &'static Database) -> Settings {
        Settings {
            db,
            python_version: config.python_version.unwrap_or(DEFAULT_PYTHON),
            resolve: ResolveSettings {
                first_party: config.first_party.clone(),
                mapping: config.mapping.clone(),
            },
            keep: config.keep.clone(),
            selection: Selection {
                select: config.select.clone().unwrap_or_default(),
                ignore: config.ignore.clone(),
            },
            file_ignores: path
                .map(|p| config.ignored_codes_for(p))
                .unwrap_or_default(),
            bom: false,
        }
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            python_version: DEFAULT_PYTHON,
            resolve: ResolveSettings::default(),
            keep: Vec::new(),
            selection: Selection::default(),
            file_ignores: Vec::new(),
            bom: false,
            db: Database::get(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixMode {
    /// Report only.
    Off,
    /// Apply safe fixes (to the returned text; the caller writes it).
    Apply,
    /// Apply safe and unsafe fixes (`--unsafe-fixes`).
    ApplyUnsafe,
}

/// The result for one nix-shell script.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The text after fixes (the input when nothing changed).
    pub text: String,
    /// What remains, sorted by position then code, filtered by selection and suppressions.
    pub diagnostics: Vec<Diagnostic>,
    /// Number of diagnostics fixed.
    pub fixed: usize,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CheckError {
    #[error("fixes did not converge after {MAX_FIX_ROUNDS} rounds; nothing was written (please report this)")]
    NoConvergence,
    #[error("refusing to write the fix: {0}")]
    BadRewrite(String),
}

/// One analysed version of the script's text.
struct Analysis {
    header: Header,
    metadata: pep723::Metadata,
    findings: Vec<Finding>,
    needed: Vec<Needed>,
    matching: Matching,
    version: PyVersion,
    uv: bool,
}

/// What the rules looked at, for tools that explain a script rather than
/// judge it (the language server's hover and related information).
pub struct Inspection {
    pub header: Header,
    pub metadata: pep723::Metadata,
    /// Every import the script needs, with its classification and resolution.
    pub needed: Vec<Needed>,
    /// Which declarations provide each of [`Inspection::needed`]; under uv,
    /// which `# /// script` requirements.
    pub matching: Matching,
    pub version: PyVersion,
    /// The `# /// script` block declares (uv), not the header.
    pub uv: bool,
}

/// The analysis of `text` as [`check_text`] starts it, without rules'
/// verdicts or fixes. `None`: not a script whose imports nixdeps reads.
pub fn inspect(text: &str, script: Option<&Path>, settings: &Settings) -> Option<Inspection> {
    let a = analyse(text, script, settings, settings.db)?;
    Some(Inspection {
        header: a.header,
        metadata: a.metadata,
        needed: a.needed,
        matching: a.matching,
        version: a.version,
        uv: a.uv,
    })
}

fn analyse(
    text: &str,
    script: Option<&Path>,
    settings: &Settings,
    db: &Database,
) -> Option<Analysis> {
    let header = header::parse(text)?;
    let lines = LazyLineIndex::new(text);
    // uv reads the PEP 723 block and installs what it declares (DESIGN §12);
    // a nix-shell Python script's block must agree with its header.
    let uv = pep723::runs_uv(&header);
    let metadata = if uv || header.is_python() {
        pep723::read(text)
    } else {
        pep723::Metadata::default()
    };
    let block_python = metadata
        .script
        .as_ref()
        .and_then(|s| s.requires_python)
        .filter(|_| uv);
    let version = block_python
        .or(header.python_version())
        .unwrap_or(settings.python_version);
    // Other interpreters get ND011 only: their imports are not ours to read.
    let (needed, mut syntax_errors) = if header.is_python() || uv {
        resolve::needed(script, text, version, db, &settings.resolve)
    } else {
        (Vec::new(), Vec::new())
    };
    // Shell scripts: the commands they run (DESIGN §15).
    let shell = if uv {
        None
    } else {
        shell::analyse(
            text,
            &header,
            &shell::Knowledge {
                keep: &settings.keep,
                commands: Commands::get(),
                nixpkgs: db.nixpkgs_root(),
            },
        )
    };
    if let Some(s) = &shell {
        if s.dialect != shell::Dialect::Zsh {
            syntax_errors.extend(s.errors.iter().cloned());
        }
    }
    let matching = if uv {
        rules::block::matching(db, &metadata, &needed)
    } else {
        resolve::match_declarations(db, &header, &needed)
    };
    let ctx = rules::Ctx {
        text,
        lines: &lines,
        header: &header,
        needed: &needed,
        matching: &matching,
        syntax_errors: &syntax_errors,
        version,
        configured_version: settings.python_version,
        db,
        keep: &settings.keep,
        bom: settings.bom,
        metadata: &metadata,
        uv,
        shell: shell.as_ref(),
        propagators: Default::default(),
    };
    let file_suppressed = imports::file_suppressions(text);
    let mut findings: Vec<Finding> = rules::check(&ctx)
        .into_iter()
        .filter(|f| {
            let code = f.diagnostic.code;
            settings.selection.enabled(code)
                && !settings
                    .file_ignores
                    .iter()
                    .any(|c| code.starts_with(c.as_str()))
                && !imports::suppresses(&file_suppressed, code)
        })
        .collect();
    findings.sort_by(|a, b| {
        (a.diagnostic.span, a.diagnostic.code, &a.diagnostic.message).cmp(&(
            b.diagnostic.span,
            b.diagnostic.code,
            &b.diagnostic.message,
        ))
    });
    Some(Analysis {
        header,
        metadata,
        findings,
        needed,
        matching,
        version,
        uv,
    })
}

fn applicable_intents(findings: &[Finding], unsafe_too: bool) -> Vec<&Intent> {
    findings
        .iter()
        .filter(|f| {
            f.diagnostic
                .fix
                .as_ref()
                .is_some_and(|x| unsafe_too || x.applicability == Applicability::Safe)
        })
        .filter_map(|f| f.intent.as_ref())
        .collect()
}

/// The attribute multiset the header should declare after `req`.
fn expected_after(header: &Header, req: &edit::EditRequest) -> Vec<String> {
    let remove: HashSet<usize> = req.remove.iter().copied().collect();
    let mut rename: HashMap<usize, &String> = HashMap::new();
    for (i, s) in &req.rename {
        rename.entry(*i).or_insert(s);
    }
    let mut attrs: Vec<String> = header
        .declarations
        .iter()
        .enumerate()
        .filter(|(i, _)| !remove.contains(i))
        .map(|(i, d)| rename.get(&i).map_or(&d.attr, |s| *s).clone())
        .collect();
    let mut present: HashSet<String> = attrs.iter().cloned().collect();
    for a in &req.add {
        if present.insert(a.clone()) {
            attrs.push(a.clone());
        }
    }
    attrs.sort();
    attrs
}

/// The rewritten block must parse and declare exactly the intended names.
fn verify_block(
    before: &pep723::Metadata,
    req: &pep723::edit::Request,
    after: &pep723::Metadata,
) -> Result<(), CheckError> {
    if let Some(m) = after.malformed.first() {
        return Err(CheckError::BadRewrite(format!(
            "the rewritten `# /// script` block no longer parses: {}",
            m.message
        )));
    }
    let remove: HashSet<usize> = req.remove.iter().copied().collect();
    let mut want: Vec<&str> = before
        .names()
        .into_iter()
        .enumerate()
        .filter(|(i, _)| !remove.contains(i))
        .map(|(_, n)| n)
        .collect();
    let mut present: HashSet<&str> = want.iter().copied().collect();
    for a in &req.add {
        if present.insert(a) {
            want.push(a);
        }
    }
    want.sort_unstable();
    let mut got = after.names();
    got.sort_unstable();
    if got != want {
        return Err(CheckError::BadRewrite(format!(
            "the rewritten `# /// script` block would declare [{}] instead of [{}]",
            got.join(" "),
            want.join(" ")
        )));
    }
    Ok(())
}

/// Check `text` (the decoded script at `script`, if it has a path).
/// `None`: not a nix-shell script, nothing to check.
pub fn check_text(
    text: &str,
    script: Option<&Path>,
    settings: &Settings,
    mode: FixMode,
) -> Result<Option<Checked>, CheckError> {
    let db = settings.db;
    let Some(mut analysis) = analyse(text, script, settings, db) else {
        return Ok(None);
    };
    let mut current = text.to_owned();
    let mut fixed = 0;
    if mode != FixMode::Off {
        let mut rounds = 0;
        loop {
            let intents = applicable_intents(&analysis.findings, mode == FixMode::ApplyUnsafe);
            if intents.is_empty() {
                break;
            }
            if rounds == MAX_FIX_ROUNDS {
                return Err(CheckError::NoConvergence);
            }
            rounds += 1;
            let req = Intent::request(&intents);
            let block_req = rules::block::request(&intents);
            let edits = rules::block::plan(
                &current,
                &LineIndex::new(&current),
                &analysis.header,
                &analysis.metadata,
                &intents,
            )
            .map_err(CheckError::BadRewrite)?;
            let next = apply_edits(&current, &edits)
                .ok_or_else(|| CheckError::BadRewrite("the planned edits overlap".into()))?;
            if next == current {
                break;
            }
            let Some(reparsed) = analyse(&next, script, settings, db) else {
                return Err(CheckError::BadRewrite(
                    "the rewritten header no longer parses".into(),
                ));
            };
            let mut got: Vec<String> = reparsed
                .header
                .declarations
                .iter()
                .map(|d| d.attr.clone())
                .collect();
            got.sort();
            let want = expected_after(&analysis.header, &req);
            if got != want {
                return Err(CheckError::BadRewrite(format!(
                    "the rewritten header would declare [{}] instead of [{}]",
                    got.join(" "),
                    want.join(" ")
                )));
            }
            if !block_req.is_empty() {
                verify_block(&analysis.metadata, &block_req, &reparsed.metadata)?;
            }
            fixed += intents.len();
            current = next;
            analysis = reparsed;
        }
    }
    Ok(Some(Checked {
        text: current,
        diagnostics: analysis
            .findings
            .into_iter()
            .map(|f| f.diagnostic)
            .collect(),
        fixed,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selection_by_prefix() {
        let s = Selection {
            select: vec!["ND00".into()],
            ignore: vec!["ND002".into()],
        };
        assert!(s.enabled("ND001"));
        assert!(!s.enabled("ND002"));
        assert!(!s.enabled("ND100"));
        assert!(Selection::default().enabled("ND100"));
    }
}
