//! Command-line definitions (clap derive). Completions and the man page are
//! generated from these, so they never drift from the parser.

use crate::report::OutputFormat;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "nixdeps",
    version,
    about = "Keep the dependency headers of nix-shell Python scripts honest",
    long_about = "nixdeps compares the imports of nix-shell Python scripts, and the commands \
                  of nix-shell shell scripts, with the packages their #!nix-shell header \
                  declares, reports missing, unused and unknown dependencies, and rewrites \
                  the header with --fix."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check scripts (files or directories; default ".")
    Check(CheckArgs),
    /// Apply fixes in place: short for `check --fix`
    Fix(CheckArgs),
    /// Explain a rule (by code or name), or list all rules
    Explain {
        /// ND001, missing-dependency, …; omit to list every rule
        code: Option<String>,
    },
    /// Show how each import of a script is classified and resolved
    Imports {
        script: PathBuf,
        #[arg(long, value_enum, default_value_t = ListFormat::Human)]
        output_format: ListFormat,
        /// Python version for stdlib classification when the header names none
        #[arg(long, value_name = "X.Y")]
        python_version: Option<String>,
        #[command(flatten)]
        packages: PackageArgs,
    },
    /// Print the parsed header of a script as JSON
    Header { script: PathBuf },
    /// Show which nixpkgs is used for package data, how it was found, and
    /// the state of its index cache
    Nixpkgs {
        /// Also list this script's header `-I` entries (shown, never used)
        script: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = ListFormat::Human)]
        output_format: ListFormat,
        /// Build or refresh the index cache now
        #[arg(long)]
        build: bool,
        /// Use this configuration file (its `nixpkgs` key)
        #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
        config: Option<PathBuf>,
        /// Ignore configuration files
        #[arg(long)]
        no_config: bool,
        #[command(flatten)]
        packages: PackageArgs,
    },
    /// Run the language server on stdin/stdout (LSP): diagnostics, quick
    /// fixes and hover in any editor with an LSP client
    Server(ServerArgs),
    /// Print a shell completion script
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff)
    Man,
}

/// Where package facts come from (DESIGN §11).
#[derive(Debug, Clone, Default, Args)]
pub struct PackageArgs {
    /// Read package data from this nixpkgs tree instead of locating <nixpkgs>
    #[arg(long, value_name = "PATH")]
    pub nixpkgs: Option<PathBuf>,
    /// Use the embedded package database only (wins over --nixpkgs)
    #[arg(
        long,
        env = "NIXDEPS_NO_NIXPKGS_INDEX",
        value_parser = clap::builder::FalseyValueParser::new()
    )]
    pub no_nixpkgs_index: bool,
}

impl PackageArgs {
    pub fn choice(&self) -> crate::nixpkgs::select::Choice {
        crate::nixpkgs::select::Choice {
            nixpkgs: self.nixpkgs.clone(),
            disabled: self.no_nixpkgs_index,
        }
    }
}

#[derive(Debug, Clone, Args)]
pub struct ServerArgs {
    /// Use this configuration file for every document
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Ignore configuration files
    #[arg(long)]
    pub no_config: bool,
    #[command(flatten)]
    pub packages: PackageArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Human,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Args)]
pub struct CheckArgs {
    /// Files or directories to check; `-` reads one script from stdin
    pub paths: Vec<PathBuf>,
    /// Apply fixes in place (with `-`: write the fixed script to stdout)
    #[arg(long)]
    pub fix: bool,
    /// Print the unified diff that --fix would apply; change nothing
    #[arg(long, conflicts_with = "fix")]
    pub diff: bool,
    /// Also apply unsafe fixes (e.g. removals when some imports are unresolved)
    #[arg(long)]
    pub unsafe_fixes: bool,
    #[arg(long, value_enum, default_value_t = OutputFormat::Human, env = "NIXDEPS_OUTPUT_FORMAT")]
    pub output_format: OutputFormat,
    /// Report only these codes or prefixes (comma-separated: ND001,ND00)
    #[arg(long, value_delimiter = ',', value_name = "CODES")]
    pub select: Vec<String>,
    /// Do not report these codes or prefixes
    #[arg(long, value_delimiter = ',', value_name = "CODES")]
    pub ignore: Vec<String>,
    /// Exit 0 even when diagnostics remain
    #[arg(long)]
    pub exit_zero: bool,
    /// The path of the script read from stdin (for configuration, first-party
    /// modules and messages)
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<PathBuf>,
    /// Python version `python3` stands for (default 3.13)
    #[arg(long, value_name = "X.Y")]
    pub python_version: Option<String>,
    /// Use this configuration file for every script
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Ignore configuration files
    #[arg(long)]
    pub no_config: bool,
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Print diagnostics only (no summary)
    #[arg(long, short)]
    pub quiet: bool,
    /// Print counts per rule instead of each diagnostic
    #[arg(long)]
    pub statistics: bool,
    #[command(flatten)]
    pub packages: PackageArgs,
}
