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
            writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&v).map_err(|e| usage(e.to_string()))?
            )
            .map_err(io_err)?;
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
