//! `nixdeps nixpkgs [SCRIPT]`: which nixpkgs the package data comes from,
//! how `<nixpkgs>` was found (every step), its revision and the state of the
//! index cache; `--build` builds or refreshes the cache and shows what the
//! index read.

use crate::app::{io_err, usage, RunError, EXIT_CLEAN, EXIT_ERROR};
use crate::cli::{ListFormat, PackageArgs};
use crate::config::{CliOverrides, ConfigResolver, ConfigSource};
use crate::nixpkgs::cache::{self, CacheState, CacheStatus};
use crate::nixpkgs::index::IndexStats;
use crate::nixpkgs::locate::Located;
use crate::nixpkgs::select::Selector;
use serde_json::{json, Value};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

pub struct Request {
    pub script: Option<PathBuf>,
    pub format: ListFormat,
    pub build: bool,
    pub config: Option<PathBuf>,
    pub no_config: bool,
    pub packages: PackageArgs,
}

/// What the command found out, rendered as text or JSON.
struct Report {
    located: Located,
    enabled: bool,
    cache_dir: Option<PathBuf>,
    status: Option<CacheStatus>,
    built: Option<Result<Built, String>>,
}

struct Built {
    state: CacheState,
    cache_file: PathBuf,
    stats: IndexStats,
}

pub fn run(req: &Request) -> Result<u8, RunError> {
    let resolver = ConfigResolver::new(
        ConfigSource::from_flags(req.config.as_deref(), req.no_config),
        CliOverrides::default(),
    );
    let config = match &req.script {
        Some(s) => resolver.resolve(s),
        None => resolver.resolve_dir(Path::new(".")),
    }
    .map_err(|e| usage(e.to_string()))?;
    let selector = Selector::new(req.packages.choice());
    let mut located = selector.locate(&config);
    if let Some(script) = &req.script {
        let (_, source) = crate::app::read_script(script)?;
        if let Some(header) = crate::header::parse(&source.text) {
            located.add_untrusted(&header.include_paths);
        }
    }
    let cache_dir = cache::default_cache_dir();
    let root = located.root().ok().map(Path::to_path_buf);
    let status = match (&root, &cache_dir) {
        (Some(r), Some(d)) => Some(cache::status(r, d)),
        _ => None,
    };
    let built = match (&root, &cache_dir, req.build) {
        (Some(r), Some(d), true) => Some(
            cache::load_or_build(r, d)
                .map(|l| Built {
                    state: l.state,
                    cache_file: l.cache_file,
                    stats: l.tables.stats(),
                })
                .map_err(|e| e.to_string()),
        ),
        _ => None,
    };
    let report = Report {
        located,
        enabled: selector.enabled(&config),
        cache_dir,
        status,
        built,
    };
    let mut out = io::stdout().lock();
    match req.format {
        ListFormat::Human => out.write_all(human(&report).as_bytes()),
        ListFormat::Json => {
            let text = serde_json::to_string_pretty(&to_json(&report))
                .map_err(|e| usage(e.to_string()))?;
            writeln!(out, "{text}")
        }
    }
    .map_err(io_err)?;
    if req.build && root.is_none() {
        eprintln!(
            "error: nothing to build: {}",
            report.located.root().err().unwrap_or_default()
        );
        return Ok(EXIT_ERROR);
    }
    if let Some(Err(e)) = &report.built {
        eprintln!("error: building the index failed: {e}");
        return Ok(EXIT_ERROR);
    }
    Ok(EXIT_CLEAN)
}

fn status_words(s: &CacheStatus) -> (&'static str, Option<&str>) {
    match s {
        CacheStatus::Absent => ("absent", None),
        CacheStatus::Fresh => ("fresh", None),
        CacheStatus::Stale { reason } => ("stale", Some(reason)),
        CacheStatus::Corrupt { reason } => ("corrupt", Some(reason)),
    }
}

fn state_words(s: &CacheState) -> (&'static str, Option<&str>) {
    match s {
        CacheState::Built => ("built", None),
        CacheState::Warm => ("warm", None),
        CacheState::Rebuilt { reason } => ("rebuilt", Some(reason)),
        CacheState::Unstored { reason } => ("not stored", Some(reason)),
    }
}

fn stats_json(s: &IndexStats) -> Value {
    json!({
        "attrs": s.attrs,
        "aliases": s.aliases,
        "removed": s.removed,
        "files_read": s.files_read,
        "files_missing": s.files_missing,
        "parse_errors": s.parse_errors,
        "imports": s.imports,
        "deps": s.deps,
        "skipped": s.skipped,
    })
}

fn packages_words(r: &Report) -> String {
    let embedded = || {
        format!(
            "embedded snapshot {}",
            crate::db::Database::get().snapshot()
        )
    };
    match (&r.located.root(), r.enabled) {
        (_, false) => format!("{} (the nixpkgs index is switched off)", embedded()),
        (Ok(root), true) => match &r.built {
            Some(Err(_)) => format!("{} (the index could not be built)", embedded()),
            _ => format!(
                "nixpkgs {} at {}",
                r.located.label.as_deref().unwrap_or("(unknown revision)"),
                root.display()
            ),
        },
        (Err(_), true) => embedded(),
    }
}

fn to_json(r: &Report) -> Value {
    let cache = r.status.as_ref().map(|s| {
        let (status, reason) = status_words(s);
        json!({"status": status, "reason": reason})
    });
    let build = r.built.as_ref().map(|b| match b {
        Ok(b) => {
            let (state, reason) = state_words(&b.state);
            json!({"state": state, "reason": reason, "cache_file": b.cache_file, "stats": stats_json(&b.stats)})
        }
        Err(e) => json!({"error": e}),
    });
    json!({
        "chain": r.located.chain,
        "chosen": r.located.chosen,
        "has_python_set": r.located.has_python_set,
        "revision": r.located.revision,
        "label": r.located.label,
        "index_enabled": r.enabled,
        "cache_dir": r.cache_dir,
        "cache": cache,
        "build": build,
        "packages": packages_words(r),
    })
}

fn human(r: &Report) -> String {
    let mut s = String::from("How <nixpkgs> was looked up:\n");
    if r.located.chain.is_empty() {
        s.push_str("  (no search-path entries)\n");
    }
    for (i, step) in r.located.chain.iter().enumerate() {
        let origin = step
            .origin
            .as_ref()
            .map_or(String::new(), |o| format!(" ({})", o.display()));
        s.push_str(&format!(
            "  {}. {:<9} {}{origin}: {}\n",
            i + 1,
            step.source.as_str(),
            step.entry,
            step.outcome.describe()
        ));
    }
    let chosen = match r.located.root() {
        Ok(p) => p.display().to_string(),
        Err(why) => format!("none ({why})"),
    };
    s.push_str(&format!("Chosen: {chosen}\n"));
    if let Some(rev) = &r.located.revision {
        let field = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
        s.push_str(&format!(
            "Revision: {} (version {}, suffix {}, git revision {})\n",
            r.located.label.as_deref().unwrap_or("unknown"),
            field(&rev.version),
            field(&rev.suffix),
            field(&rev.git_revision),
        ));
    }
    let cache = match (&r.status, &r.cache_dir) {
        (_, None) => "no cache directory ($XDG_CACHE_HOME and $HOME unset)".to_owned(),
        (None, Some(d)) => format!("nothing to cache ({})", d.display()),
        (Some(st), Some(d)) => {
            let (word, reason) = status_words(st);
            let reason = reason.map_or(String::new(), |r| format!(": {r}"));
            format!("{word}{reason} ({})", d.display())
        }
    };
    s.push_str(&format!("Cache: {cache}\n"));
    match &r.built {
        Some(Ok(b)) => {
            let (word, reason) = state_words(&b.state);
            let reason = reason.map_or(String::new(), |r| format!(": {r}"));
            let st = &b.stats;
            s.push_str(&format!(
                "Index: {word}{reason} ({})\n  {} attributes, {} aliases ({} removed), {} import names, {} dependency lists\n  {} files read, {} missing, {} parse errors\n",
                b.cache_file.display(),
                st.attrs,
                st.aliases,
                st.removed,
                st.imports,
                st.deps,
                st.files_read,
                st.files_missing,
                st.parse_errors,
            ));
            if !st.skipped.is_empty() {
                let parts: Vec<String> =
                    st.skipped.iter().map(|(k, n)| format!("{k} {n}")).collect();
                s.push_str(&format!("  skipped (not literal): {}\n", parts.join(", ")));
            }
        }
        Some(Err(e)) => s.push_str(&format!("Index: not built: {e}\n")),
        None => {}
    }
    s.push_str(&format!("Packages: {}\n", packages_words(r)));
    s
}
