//! `nixdeps check` and `nixdeps fix`: discover scripts, check them in
//! parallel, apply or show fixes, render the results.

use crate::app::{io_err, read_script, usage, version_arg, RunError};
use crate::app::{EXIT_CLEAN, EXIT_DIAGNOSTICS, EXIT_ERROR, EXIT_INTERRUPTED};
use crate::check::{self, CheckError, FixMode, Settings};
use crate::cli::{CheckArgs, ColorChoice};
use crate::config::{CliOverrides, Config, ConfigError, ConfigResolver, ConfigSource};
use crate::discover::{self, DiscoverOptions};
use crate::header::PyVersion;
use crate::nixpkgs::select::Selector;
use crate::read;
use crate::report::{self, FileResult, OutputFormat, RenderOptions, Summary};
use crate::rules;
use rayon::prelude::*;
use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

/// Codes given on the command line must name at least one rule.
fn validate_codes(list: &[String], flag: &str) -> Result<(), RunError> {
    for c in list {
        let known = c == "ALL" || rules::ALL.iter().any(|r| r.code.starts_with(c.as_str()));
        if !known {
            return Err(usage(format!(
                "{flag}: unknown rule code or prefix {c:?} (see `nixdeps explain`)"
            )));
        }
    }
    Ok(())
}

struct Outcome {
    result: Option<FileResult>,
    diff: Option<String>,
    error: Option<RunError>,
}

fn settings_for(config: &Config, path: Option<&Path>, packages: &Selector) -> Settings {
    Settings::for_script(config, path, packages.database(config))
}

fn resolver_for(args: &CheckArgs, cli_version: Option<PyVersion>) -> ConfigResolver {
    ConfigResolver::new(
        ConfigSource::from_flags(args.config.as_deref(), args.no_config),
        CliOverrides {
            python_version: cli_version,
            select: (!args.select.is_empty()).then(|| args.select.clone()),
            ignore: args.ignore.clone(),
        },
    )
}

fn config_error(e: ConfigError) -> RunError {
    RunError {
        path: None,
        message: e.to_string(),
    }
}

fn fix_mode(args: &CheckArgs) -> FixMode {
    match (args.fix || args.diff, args.unsafe_fixes) {
        (false, _) => FixMode::Off,
        (true, false) => FixMode::Apply,
        (true, true) => FixMode::ApplyUnsafe,
    }
}

fn unified_diff(path: &str, old: &str, new: &str) -> String {
    crate::report::diff::unified(path, old, new)
}

fn check_one(
    path: &Path,
    args: &CheckArgs,
    resolver: &ConfigResolver,
    packages: &Selector,
) -> Outcome {
    let shown = path.display().to_string();
    let fail = |message: String| Outcome {
        result: None,
        diff: None,
        error: Some(RunError {
            path: Some(shown.clone()),
            message,
        }),
    };
    let (bytes, source) = match read_script(path) {
        Ok(x) => x,
        Err(e) => {
            return Outcome {
                result: None,
                diff: None,
                error: Some(e),
            }
        }
    };
    let config = match resolver.resolve(path) {
        Ok(c) => c,
        Err(e) => {
            return Outcome {
                result: None,
                diff: None,
                error: Some(config_error(e)),
            }
        }
    };
    let mut settings = settings_for(&config, Some(path), packages);
    settings.bom = source.bom;
    let checked = match check::check_text(&source.text, Some(path), &settings, fix_mode(args)) {
        Ok(Some(c)) => c,
        Ok(None) => {
            return Outcome {
                result: None,
                diff: None,
                error: None,
            }
        }
        Err(e @ (CheckError::NoConvergence | CheckError::BadRewrite(_))) => {
            return fail(e.to_string())
        }
    };
    let changed = checked.text != source.text;
    let mut diff = None;
    if changed && args.diff {
        diff = Some(unified_diff(&shown, &source.text, &checked.text));
    } else if changed && args.fix {
        let new_bytes = match read::encode(&source, &checked.text) {
            Ok(b) => b,
            Err(m) => return fail(m),
        };
        if let Err(e) = write_file(path, &bytes, &new_bytes) {
            return fail(e);
        }
    }
    Outcome {
        result: Some(slim(FileResult {
            path: shown,
            text: checked.text,
            diagnostics: checked.diagnostics,
            fixed: if args.diff { 0 } else { checked.fixed },
        })),
        diff,
        error: None,
    }
}

/// Keep only the text the diagnostics point into: results wait for every
/// file before rendering, and whole scripts held for 20,000 files made the
/// peak memory the size of the corpus.
fn slim(mut r: FileResult) -> FileResult {
    let keep = report::needed_text(&r).len();
    r.text.truncate(keep);
    r.text.shrink_to_fit();
    r
}

fn write_file(path: &Path, original: &[u8], new: &[u8]) -> Result<(), String> {
    // WriteError messages name the path already; RunError adds it again.
    crate::write::write_atomic(path, original, new).map_err(|e| {
        let msg = e.to_string();
        let shown = path.display().to_string();
        msg.strip_prefix(&shown)
            .map(|m| m.trim_start_matches(':').trim_start().to_owned())
            .unwrap_or(msg)
    })
}

fn color_enabled(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}

pub fn run(args: CheckArgs) -> Result<u8, RunError> {
    let cli_version = version_arg(args.python_version.as_deref())?;
    validate_codes(&args.select, "--select")?;
    validate_codes(&args.ignore, "--ignore")?;
    let stdin_mode = args.paths.len() == 1 && args.paths[0] == Path::new("-");
    if stdin_mode {
        return run_stdin(&args, cli_version);
    }
    if args.paths.iter().any(|p| p == Path::new("-")) {
        return Err(usage("`-` (stdin) cannot be combined with other paths"));
    }
    let roots = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let resolver = resolver_for(&args, cli_version);
    let packages = Selector::new(args.packages.choice());
    let exclude = |p: &Path, is_dir: bool| resolver.is_excluded(p, is_dir);
    let found = discover::discover_with(&roots, &exclude, DiscoverOptions::default());
    for w in &found.warnings {
        eprintln!("warning: {w}");
    }
    let mut errors: Vec<RunError> = found
        .errors
        .iter()
        .map(|e| RunError {
            path: Some(e.path.display().to_string()),
            message: e.message.clone(),
        })
        .collect();
    if args.fix {
        if let Err(e) = crate::write::install_interrupt_handler() {
            eprintln!("warning: {e}");
        }
    }
    let one = |c: &discover::Candidate| {
        (!crate::write::interrupted()).then(|| check_one(&c.path, &args, &resolver, &packages))
    };
    // A pre-commit hook or an editor often checks one file: starting the
    // thread pool would cost more than that file.
    let outcomes: Vec<Outcome> = if found.files.len() == 1 {
        found.files.iter().filter_map(one).collect()
    } else {
        found.files.par_iter().filter_map(one).collect()
    };
    let mut results = Vec::new();
    let mut diffs = Vec::new();
    for o in outcomes {
        results.extend(o.result);
        diffs.extend(o.diff);
        errors.extend(o.error);
    }
    results.sort_by(|a, b| a.path.cmp(&b.path));
    let summary = Summary {
        packages: packages.summary(),
        ..Summary::of(&results)
    };
    let mut out = io::BufWriter::new(io::stdout().lock());
    if args.diff {
        for d in &diffs {
            out.write_all(d.as_bytes()).map_err(io_err)?;
        }
    } else {
        let opts = RenderOptions {
            color: args.output_format == OutputFormat::Human && color_enabled(args.color),
            statistics: args.statistics,
            quiet: args.quiet,
        };
        report::render(args.output_format, &results, &summary, &opts, &mut out).map_err(io_err)?;
    }
    out.flush().map_err(io_err)?;
    drop(out);
    errors.sort_by(|a, b| (&a.path, &a.message).cmp(&(&b.path, &b.message)));
    // A broken configuration shows up once per file it governs: say it once.
    errors.dedup();
    for e in &errors {
        eprintln!("error: {e}");
    }
    let remaining = results.iter().any(|r| !r.diagnostics.is_empty());
    if crate::write::interrupted() {
        eprintln!("error: interrupted; every file is either as it was or fully fixed");
        return Ok(EXIT_INTERRUPTED);
    }
    Ok(if !errors.is_empty() {
        EXIT_ERROR
    } else if (args.diff && !diffs.is_empty()) || (remaining && !args.exit_zero) {
        EXIT_DIAGNOSTICS
    } else {
        EXIT_CLEAN
    })
}

/// `-`: one script from stdin. With --fix the fixed script goes to stdout
/// (the editor action) and diagnostics to stderr.
fn run_stdin(args: &CheckArgs, cli_version: Option<PyVersion>) -> Result<u8, RunError> {
    let mut bytes = Vec::new();
    io::stdin().read_to_end(&mut bytes).map_err(io_err)?;
    let shown = args
        .stdin_filename
        .as_ref()
        .map_or_else(|| "-".to_owned(), |p| p.display().to_string());
    let source = read::decode(&bytes).map_err(|e| RunError {
        path: Some(shown.clone()),
        message: e.to_string(),
    })?;
    let resolver = resolver_for(args, cli_version);
    let config = match &args.stdin_filename {
        Some(p) => resolver.resolve(p),
        None => resolver.resolve_dir(Path::new(".")),
    }
    .map_err(config_error)?;
    let packages = Selector::new(args.packages.choice());
    let mut settings = settings_for(&config, args.stdin_filename.as_deref(), &packages);
    settings.bom = source.bom;
    let checked = check::check_text(
        &source.text,
        args.stdin_filename.as_deref(),
        &settings,
        fix_mode(args),
    )
    .map_err(|e| RunError {
        path: Some(shown.clone()),
        message: e.to_string(),
    })?;
    let results: Vec<FileResult> = checked
        .iter()
        .map(|c| FileResult {
            path: shown.clone(),
            text: c.text.clone(),
            diagnostics: c.diagnostics.clone(),
            fixed: c.fixed,
        })
        .collect();
    let summary = Summary {
        packages: packages.summary(),
        ..Summary::of(&results)
    };
    let opts = RenderOptions {
        color: false,
        statistics: args.statistics,
        quiet: args.quiet,
    };
    let new_text = checked
        .as_ref()
        .map_or(source.text.as_str(), |c| c.text.as_str());
    if args.fix {
        let new_bytes = read::encode(&source, new_text).map_err(|m| RunError {
            path: Some(shown.clone()),
            message: m,
        })?;
        let mut stdout = io::stdout().lock();
        stdout.write_all(&new_bytes).map_err(io_err)?;
        stdout.flush().map_err(io_err)?;
        let mut err = io::stderr().lock();
        report::render(args.output_format, &results, &summary, &opts, &mut err).map_err(io_err)?;
    } else if args.diff {
        if new_text != source.text {
            print!("{}", unified_diff(&shown, &source.text, new_text));
            return Ok(EXIT_DIAGNOSTICS);
        }
        return Ok(EXIT_CLEAN);
    } else {
        let mut out = io::BufWriter::new(io::stdout().lock());
        report::render(args.output_format, &results, &summary, &opts, &mut out).map_err(io_err)?;
        out.flush().map_err(io_err)?;
    }
    let remaining = results.iter().any(|r| !r.diagnostics.is_empty());
    Ok(if remaining && !args.exit_zero {
        EXIT_DIAGNOSTICS
    } else {
        EXIT_CLEAN
    })
}
