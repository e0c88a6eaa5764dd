//! `nixdeps imports SCRIPT`: how each import was classified and resolved
//! (debugging).

use crate::app::{io_err, read_script, usage, version_arg, RunError, EXIT_CLEAN};
use crate::check;
use crate::cli::{ListFormat, PackageArgs};
use crate::config::{CliOverrides, ConfigResolver, ConfigSource};
use crate::nixpkgs::select::{self, Selector};
use std::io::{self, Write};
use std::path::Path;

pub fn run(
    script: &Path,
    format: ListFormat,
    version: Option<&str>,
    packages: &PackageArgs,
) -> Result<u8, RunError> {
    let (_, source) = read_script(script)?;
    // Only for the configuration's `nixpkgs` keys: classification here is
    // the database's alone, without the configuration's mapping.
    let config = ConfigResolver::new(ConfigSource::Discover, CliOverrides::default())
        .resolve(script)
        .map_err(|e| usage(e.to_string()))?;
    let db = Selector::new(packages.choice()).database(&config);
    let text = &source.text;
    let header = crate::header::parse(text);
    if let Some(h) = &header {
        if crate::shell::dialect(h).is_some() {
            return shell_commands(text, h, format, &config.keep, db.nixpkgs_root());
        }
    }
    let version = header
        .as_ref()
        .and_then(|h| h.python_version())
        .or(version_arg(version)?)
        .unwrap_or(check::DEFAULT_PYTHON);
    let lines = crate::span::LineIndex::new(text);
    let (needed, _) = crate::resolve::needed(Some(script), text, version, db, &Default::default());
    let mut out = io::stdout().lock();
    match format {
        ListFormat::Json => {
            let rows: Vec<serde_json::Value> = needed
                .iter()
                .map(|n| {
                    let p = lines.position(text, n.span.start);
                    serde_json::json!({
                        "module": n.module,
                        "location": {"row": p.row, "column": p.column},
                        "context": n.context,
                        "class": n.class,
                        "resolution": n.resolution,
                        "via": n.via,
                        "unfollowed_sys_path": n.unfollowed_sys_path,
                    })
                })
                .collect();
            let v = serde_json::json!({
                "python_version": version.to_string(),
                "packages": select::describe(db),
                "imports": rows,
            });
            print_json(&mut out, &v)?;
        }
        ListFormat::Human => {
            writeln!(out, "Python {version} (packages: {})", select::describe(db))
                .map_err(io_err)?;
            for n in &needed {
                let p = lines.position(text, n.span.start);
                let ctx = n.context_words();
                let class = n.classification();
                let ctx = if ctx.is_empty() {
                    String::new()
                } else {
                    format!(" [{}]", ctx.join(", "))
                };
                writeln!(
                    out,
                    "{}:{}  {}{}  {}",
                    p.row, p.column, n.module, ctx, class
                )
                .map_err(io_err)?;
            }
        }
    }
    Ok(EXIT_CLEAN)
}

/// For a shell script: each command it runs and who provides it (DESIGN §15).
fn shell_commands(
    text: &str,
    header: &crate::header::Header,
    format: ListFormat,
    keep: &[String],
    nixpkgs: Option<&Path>,
) -> Result<u8, RunError> {
    use crate::shell::Status;
    let db = crate::db::commands::Commands::get();
    let Some(a) = crate::shell::analyse(
        text,
        header,
        &crate::shell::Knowledge {
            keep,
            commands: db,
            nixpkgs,
        },
    ) else {
        return Err(usage("the bash grammar failed to load".to_owned()));
    };
    let lines = crate::span::LineIndex::new(text);
    let describe = |s: &Status| -> String {
        match s {
            Status::Stdenv { package } => format!("stdenv ({package})"),
            Status::Host => "the host (never from -p)".into(),
            Status::Declared { package } => format!("declared {}", a.packages[*package].attr),
            Status::Python => "the header's Python".into(),
            Status::Missing {
                attr, alternatives, ..
            } if alternatives.is_empty() => format!("missing → {attr}"),
            Status::Missing {
                attr, alternatives, ..
            } => format!("missing → {attr} (also: {})", alternatives.join(", ")),
            Status::Unresolved => "unresolved".into(),
        }
    };
    let mut out = io::stdout().lock();
    match format {
        ListFormat::Json => {
            let pos = |o: usize| {
                let p = lines.position(text, o);
                serde_json::json!({"row": p.row, "column": p.column})
            };
            let v = serde_json::json!({
                "dialect": a.dialect,
                "commands": a.uses.iter().map(|u| serde_json::json!({
                    "command": u.name,
                    "location": pos(u.span.start),
                    "via": u.via,
                    "status": u.status,
                })).collect::<Vec<_>>(),
                "dynamic": a.dynamic.iter().map(|s| pos(s.start)).collect::<Vec<_>>(),
                "packages": a.packages.iter().enumerate().map(|(k, p)| serde_json::json!({
                    "attribute": p.attr,
                    "used": a.used[k],
                    "kept": a.kept[k],
                })).collect::<Vec<_>>(),
                "opaque_packages": a.opaque,
            });
            print_json(&mut out, &v)?;
        }
        ListFormat::Human => {
            let name = serde_json::to_value(a.dialect)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            writeln!(out, "{name} script: commands and who provides them").map_err(io_err)?;
            for u in &a.uses {
                let p = lines.position(text, u.span.start);
                let via = u
                    .via
                    .as_deref()
                    .map_or(String::new(), |v| format!(" [via {v}]"));
                writeln!(
                    out,
                    "{}:{}  {}{via}  {}",
                    p.row,
                    p.column,
                    u.name,
                    describe(&u.status)
                )
                .map_err(io_err)?;
            }
            for s in &a.dynamic {
                let p = lines.position(text, s.start);
                writeln!(
                    out,
                    "{}:{}  {}  dynamic (never guessed)",
                    p.row,
                    p.column,
                    &text[s.start..s.end]
                )
                .map_err(io_err)?;
            }
            for (k, p) in a.packages.iter().enumerate() {
                let state = match (&a.kept[k], a.used[k]) {
                    (_, true) => "used".to_owned(),
                    (Some(why), false) => format!("kept: {why}"),
                    (None, false) => "unused".to_owned(),
                };
                writeln!(out, "package {}  {state}", p.attr).map_err(io_err)?;
            }
        }
    }
    Ok(EXIT_CLEAN)
}

fn print_json(out: &mut impl Write, v: &serde_json::Value) -> Result<(), RunError> {
    let text = serde_json::to_string_pretty(v).map_err(|e| usage(e.to_string()))?;
    writeln!(out, "{text}").map_err(io_err)
}
