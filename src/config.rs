//! Configuration files (DESIGN §6): `.nixdeps.toml`, `nixdeps.toml`, or the
//! `[tool.nixdeps]` table of `pyproject.toml`.
//!
//! Resolution works as ruff's: for each checked file, the nearest directory
//! at or above it that holds a configuration wins, and its file is used
//! alone (configurations are not merged across directories). Inside one
//! directory the precedence is `.nixdeps.toml` > `nixdeps.toml` >
//! `pyproject.toml` (like `.ruff.toml` > `ruff.toml` > `pyproject.toml`). A
//! `pyproject.toml` without a `[tool.nixdeps]` table does not count and the
//! search goes on upward; one whose text does not even mention `nixdeps` is
//! not parsed at all, so a broken `pyproject.toml` of another tool cannot
//! break a run. `--config FILE` uses that one file for everything;
//! `--no-config` uses the defaults.
//!
//! Keys (kebab-case):
//! ```toml
//! python-version = "3.12"
//! select = ["ND001", "ND1"]           # codes or prefixes: ND, ND0, ND00, ND001
//! ignore = ["ND002"]
//! per-file-ignores = { "scripts/*.py" = ["ND002"] }
//! exclude = ["vendor/**", "build"]
//! first-party = ["mylib"]
//! keep = ["pip"]
//! nixpkgs = "../nixpkgs"               # the tree to index (relative to this file)
//! nixpkgs-index = false                # the embedded package database only
//! [mapping]                            # [tool.nixdeps.mapping] in pyproject.toml
//! yaml = "pyyaml"
//! ```
//! Unknown keys and bad values are errors naming the file, the line and the
//! key. Codes are checked for form only; whether a code exists is the rule
//! registry's business.
//!
//! Globs (`per-file-ignores`, `exclude`) are relative to the directory of the
//! configuration file (the current directory when there is none). As in
//! ruff, a pattern matches a path if it matches the whole path or just the
//! file name (so `exclude = ["build"]` excludes every `build` directory);
//! unlike ruff's default, `*` does not cross `/` (use `**`), as in
//! `.gitignore`. `is_excluded` also looks at the ancestors of the path below
//! the configuration directory, so an explicitly given `vendor/x/a.py` is
//! excluded by `exclude = ["vendor"]` under `--force-exclude`.
//!
//! Command-line values override the file: see [`CliOverrides`] and
//! [`Config::merge_cli`]; [`ConfigResolver`] applies them to every
//! configuration it hands out.
//!
//! Wiring, as the check pipeline is expected to use it (errors are cached
//! per directory, so every file under a broken configuration gets the same
//! error back: report each distinct error once):
//! ```no_run
//! use nixdeps::config::{CliOverrides, ConfigResolver, ConfigSource};
//! use nixdeps::discover::discover;
//! use std::path::PathBuf;
//!
//! let resolver = ConfigResolver::new(ConfigSource::Discover, CliOverrides::default());
//! let found = discover(&[PathBuf::from(".")], &|p, is_dir| resolver.is_excluded(p, is_dir));
//! for candidate in &found.files {
//!     match resolver.resolve(&candidate.path) {
//!         Ok(config) => {
//!             let _off = config.ignored_codes_for(&candidate.path);
//!         }
//!         Err(e) => eprintln!("{e}"), // exit status 2
//!     }
//! }
//! ```

use crate::header::PyVersion;
use globset::{GlobBuilder, GlobMatcher};
use std::collections::{BTreeMap, HashMap};
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use toml::{Spanned, Value};

/// The file names looked for in each directory, in precedence order.
pub const CONFIG_FILES: [&str; 3] = [".nixdeps.toml", "nixdeps.toml", "pyproject.toml"];

const KEYS: [&str; 10] = [
    "python-version",
    "select",
    "ignore",
    "per-file-ignores",
    "exclude",
    "mapping",
    "first-party",
    "keep",
    "nixpkgs",
    "nixpkgs-index",
];

#[derive(Debug, Clone, Default)]
pub struct Config {
    pub python_version: Option<PyVersion>,
    /// `None`: the default rule set.
    pub select: Option<Vec<String>>,
    pub ignore: Vec<String>,
    /// `(glob, codes)`, sorted by glob (the codes of every matching glob apply).
    pub per_file_ignores: Vec<(String, Vec<String>)>,
    pub exclude: Vec<String>,
    /// Python module (top-level or dotted) → nixpkgs attribute.
    pub mapping: BTreeMap<String, String>,
    pub first_party: Vec<String>,
    /// Attributes never reported as unused.
    pub keep: Vec<String>,
    /// `nixpkgs`: the tree to index, made absolute against the file's directory.
    pub nixpkgs: Option<PathBuf>,
    /// `nixpkgs-index = false`: use the embedded database alone.
    pub nixpkgs_index: Option<bool>,
    /// The file this came from; `None` for the defaults.
    pub path: Option<PathBuf>,
    /// Compiled globs, built on first use: change `per_file_ignores` /
    /// `exclude` before the first call to `ignored_codes_for`/`is_excluded`.
    matchers: OnceLock<Matchers>,
}

impl PartialEq for Config {
    fn eq(&self, other: &Self) -> bool {
        self.python_version == other.python_version
            && self.select == other.select
            && self.ignore == other.ignore
            && self.per_file_ignores == other.per_file_ignores
            && self.exclude == other.exclude
            && self.mapping == other.mapping
            && self.first_party == other.first_party
            && self.keep == other.keep
            && self.nixpkgs == other.nixpkgs
            && self.nixpkgs_index == other.nixpkgs_index
            && self.path == other.path
    }
}

#[derive(Debug, Clone)]
struct Pattern {
    /// Matched against the absolute path (pattern joined to the base dir).
    full: GlobMatcher,
    /// Matched against the file name, for patterns without a `/`.
    name: Option<GlobMatcher>,
}

impl Pattern {
    fn new(base: &Path, pattern: &str) -> Result<Self, globset::Error> {
        // `./scripts/*.py` and `../shared/*.py` must match the lexically
        // normalised paths they are compared with.
        let joined = absolute(&base.join(pattern));
        let full = build_glob(&joined.to_string_lossy())?;
        let name = if pattern.contains('/') {
            None
        } else {
            Some(build_glob(pattern)?)
        };
        Ok(Pattern { full, name })
    }

    fn is_match(&self, path: &Path) -> bool {
        self.full.is_match(path)
            || match (&self.name, path.file_name()) {
                (Some(name), Some(file)) => name.is_match(file),
                _ => false,
            }
    }
}

fn build_glob(pattern: &str) -> Result<GlobMatcher, globset::Error> {
    Ok(GlobBuilder::new(pattern)
        .literal_separator(true)
        .backslash_escape(true)
        .build()?
        .compile_matcher())
}

#[derive(Debug, Clone, Default)]
struct Matchers {
    base: PathBuf,
    per_file: Vec<(Pattern, Vec<String>)>,
    exclude: Vec<Pattern>,
}

impl Config {
    /// The directory relative globs are taken from.
    pub fn base_dir(&self) -> PathBuf {
        match self.path.as_deref().and_then(Path::parent) {
            Some(dir) => absolute(dir),
            None => absolute(Path::new(".")),
        }
    }

    fn matchers(&self) -> &Matchers {
        self.matchers.get_or_init(|| {
            let base = self.base_dir();
            // Patterns were validated when loading; one set up in code that
            // does not compile is dropped rather than failing every file.
            let per_file = self
                .per_file_ignores
                .iter()
                .filter_map(|(glob, codes)| Some((Pattern::new(&base, glob).ok()?, codes.clone())))
                .collect();
            let exclude = self
                .exclude
                .iter()
                .filter_map(|glob| Pattern::new(&base, glob).ok())
                .collect();
            Matchers {
                base,
                per_file,
                exclude,
            }
        })
    }

    /// The codes `per-file-ignores` switches off for `path` (relative paths
    /// are taken from the current directory), in file order, de-duplicated.
    pub fn ignored_codes_for(&self, path: &Path) -> Vec<String> {
        let path = absolute(path);
        let mut codes: Vec<String> = Vec::new();
        for (pattern, list) in &self.matchers().per_file {
            if pattern.is_match(&path) {
                for code in list {
                    if !codes.contains(code) {
                        codes.push(code.clone());
                    }
                }
            }
        }
        codes
    }

    /// Whether `exclude` covers `path` or one of its ancestors below the
    /// configuration's directory.
    pub fn is_excluded(&self, path: &Path) -> bool {
        let matchers = self.matchers();
        if matchers.exclude.is_empty() {
            return false;
        }
        let path = absolute(path);
        let mut current: Option<&Path> = Some(&path);
        while let Some(p) = current {
            if p == matchers.base || (!p.starts_with(&matchers.base) && p != path) {
                break;
            }
            if matchers.exclude.iter().any(|pat| pat.is_match(p)) {
                return true;
            }
            current = p.parent();
        }
        false
    }

    /// Apply command-line values, with ruff's layering: `--select` replaces
    /// the file's `select` *and* its `ignore` (a later selection resets the
    /// earlier layer), `--ignore` adds to whatever `ignore` is left, and
    /// `--python-version` wins over the file's.
    pub fn merge_cli(&mut self, cli: &CliOverrides) {
        if let Some(select) = &cli.select {
            self.select = Some(select.clone());
            self.ignore.clear();
        }
        for code in &cli.ignore {
            if !self.ignore.contains(code) {
                self.ignore.push(code.clone());
            }
        }
        if cli.python_version.is_some() {
            self.python_version = cli.python_version;
        }
    }

    /// Parse configuration text. `path` names the file in errors; its name
    /// decides the format (`pyproject.toml` → the `[tool.nixdeps]` table).
    /// `Ok(None)`: a `pyproject.toml` without that table.
    pub fn parse(path: &Path, text: &str) -> Result<Option<Config>, ConfigError> {
        let is_pyproject = path.file_name().is_some_and(|n| n == "pyproject.toml");
        let ctx = Ctx {
            path,
            text,
            prefix: if is_pyproject { "tool.nixdeps." } else { "" },
        };
        let table = if is_pyproject {
            #[derive(serde::Deserialize)]
            struct Pyproject {
                tool: Option<Tool>,
            }
            #[derive(serde::Deserialize)]
            struct Tool {
                nixdeps: Option<RawTable>,
            }
            let doc: Pyproject = toml::from_str(text).map_err(|e| ctx.toml_error(&e))?;
            match doc.tool.and_then(|t| t.nixdeps) {
                Some(table) => table,
                None => return Ok(None),
            }
        } else {
            toml::from_str::<RawTable>(text).map_err(|e| ctx.toml_error(&e))?
        };
        let mut config = Config {
            path: Some(path.to_path_buf()),
            ..Config::default()
        };
        // In file order, so the first problem reported is the first one in
        // the file.
        let mut entries: Vec<_> = table.into_iter().collect();
        entries.sort_by_key(|(key, _)| key.span().start);
        for (key, value) in entries {
            ctx.apply(&mut config, &key, &value)?;
        }
        Ok(Some(config))
    }

    /// Read and parse a configuration file.
    pub fn load(path: &Path) -> Result<Option<Config>, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
            path: path.to_path_buf(),
            line: None,
            column: None,
            key: None,
            message: format!("cannot read: {}", crate_io_message(&e)),
        })?;
        Config::parse(path, &text)
    }
}

/// Values given on the command line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CliOverrides {
    pub python_version: Option<PyVersion>,
    pub select: Option<Vec<String>>,
    pub ignore: Vec<String>,
}

type RawTable = BTreeMap<Spanned<String>, Spanned<Value>>;

/// A configuration problem. Displays as `path:line:column: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub path: PathBuf,
    /// 1-based, where known.
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// The full key (`tool.nixdeps.select` in a pyproject.toml).
    pub key: Option<String>,
    pub message: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for ConfigError {}

fn crate_io_message(e: &std::io::Error) -> String {
    let text = e.to_string();
    match text.find(" (os error") {
        Some(i) => text[..i].to_owned(),
        None => text,
    }
}

struct Ctx<'a> {
    path: &'a Path,
    text: &'a str,
    prefix: &'static str,
}

impl Ctx<'_> {
    fn position(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let before = self.text.get(..offset).unwrap_or("");
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        (line, column)
    }

    fn error(&self, span: std::ops::Range<usize>, key: &str, message: String) -> ConfigError {
        let (line, column) = self.position(span.start);
        ConfigError {
            path: self.path.to_path_buf(),
            line: Some(line),
            column: Some(column),
            key: Some(format!("{}{key}", self.prefix)),
            message,
        }
    }

    /// The offset of `key = …` inside the table value starting at `from`
    /// (an inline table, or a `[table]` up to the next header). Falls back
    /// to `from`.
    fn find_inner_key(&self, from: usize, key: &str) -> usize {
        let Some(rest) = self.text.get(from..) else {
            return from;
        };
        // A `[table]` value ends where the next header line starts.
        let end = rest
            .match_indices("\n[")
            .map(|(i, _)| i)
            .find(|&i| i > 0)
            .unwrap_or(rest.len());
        let body = &rest[..end];
        let quoted = [format!("\"{key}\""), format!("'{key}'"), key.to_owned()];
        quoted
            .iter()
            .filter_map(|needle| {
                body.match_indices(needle.as_str())
                    .find(|(i, _)| {
                        let before = body[..*i].chars().next_back();
                        let after = body[i + needle.len()..].trim_start_matches([' ', '\t']);
                        after.starts_with('=')
                            && before.is_none_or(|c| c.is_whitespace() || c == '{' || c == ',')
                    })
                    .map(|(i, _)| i)
            })
            .min()
            .map_or(from, |i| from + i)
    }

    fn toml_error(&self, e: &toml::de::Error) -> ConfigError {
        let (line, column) = match e.span() {
            Some(span) => {
                let (l, c) = self.position(span.start);
                (Some(l), Some(c))
            }
            None => (None, None),
        };
        ConfigError {
            path: self.path.to_path_buf(),
            line,
            column,
            key: None,
            message: format!("invalid TOML: {}", e.message().trim_end()),
        }
    }

    fn apply(
        &self,
        config: &mut Config,
        key: &Spanned<String>,
        value: &Spanned<Value>,
    ) -> Result<(), ConfigError> {
        let name = key.get_ref().as_str();
        let full = format!("{}{name}", self.prefix);
        let bad = |message: String| self.error(value.span(), name, format!("`{full}`: {message}"));
        // A problem with one entry of a table value: point at that entry.
        let bad_at = |inner: &str, message: String| {
            let at = self.find_inner_key(value.span().start, inner);
            self.error(at..at, name, format!("`{full}`: {message}"))
        };
        match name {
            "python-version" => {
                let text = value.get_ref().as_str().ok_or_else(|| {
                    bad(format!(
                        "expected a string such as \"3.12\", found {}",
                        describe(value.get_ref())
                    ))
                })?;
                config.python_version = Some(PyVersion::parse(text).map_err(bad)?);
            }
            "select" => config.select = Some(self.codes(&full, value.get_ref()).map_err(bad)?),
            "ignore" => config.ignore = self.codes(&full, value.get_ref()).map_err(bad)?,
            "per-file-ignores" => {
                let table = value.get_ref().as_table().ok_or_else(|| {
                    bad(format!(
                        "expected a table of glob = [codes], found {}",
                        describe(value.get_ref())
                    ))
                })?;
                let base = Path::new("/");
                let mut list = Vec::new();
                for (glob, codes) in table {
                    Pattern::new(base, glob).map_err(|e| {
                        bad_at(glob, format!("invalid glob {glob:?}: {}", glob_reason(&e)))
                    })?;
                    let codes = self
                        .codes(&format!("{full}.\"{glob}\""), codes)
                        .map_err(|m| bad_at(glob, format!("{glob:?}: {m}")))?;
                    list.push((glob.clone(), codes));
                }
                config.per_file_ignores = list;
            }
            "exclude" => {
                let globs = strings(value.get_ref()).map_err(&bad)?;
                for glob in &globs {
                    Pattern::new(Path::new("/"), glob)
                        .map_err(|e| bad(format!("invalid glob {glob:?}: {}", glob_reason(&e))))?;
                }
                config.exclude = globs;
            }
            "mapping" => {
                let table = value.get_ref().as_table().ok_or_else(|| {
                    bad(format!(
                        "expected a table of module = \"attribute\", found {}",
                        describe(value.get_ref())
                    ))
                })?;
                let mut mapping = BTreeMap::new();
                for (module, attr) in table {
                    if !is_module_name(module) {
                        return Err(bad_at(
                            module,
                            format!("{module:?} is not a Python module name"),
                        ));
                    }
                    let attr = attr.as_str().ok_or_else(|| {
                        bad_at(
                            module,
                            format!(
                                "the attribute for {module:?} must be a string, found {}",
                                describe(attr)
                            ),
                        )
                    })?;
                    if !is_attr_name(attr) {
                        return Err(bad_at(
                            module,
                            format!("{} (for {module:?})", not_attr(attr)),
                        ));
                    }
                    mapping.insert(module.clone(), attr.to_owned());
                }
                config.mapping = mapping;
            }
            "first-party" => {
                let names = strings(value.get_ref()).map_err(&bad)?;
                if let Some(name) = names.iter().find(|n| !is_module_name(n)) {
                    return Err(bad(format!("{name:?} is not a Python module name")));
                }
                config.first_party = names;
            }
            "keep" => {
                let names = strings(value.get_ref()).map_err(&bad)?;
                if let Some(name) = names.iter().find(|n| !is_attr_name(n)) {
                    return Err(bad(not_attr(name)));
                }
                config.keep = names;
            }
            "nixpkgs" => {
                let text = value.get_ref().as_str().ok_or_else(|| {
                    bad(format!(
                        "expected the path of a nixpkgs tree as a string, found {}",
                        describe(value.get_ref())
                    ))
                })?;
                if text.is_empty() {
                    return Err(bad("the path is empty".into()));
                }
                if is_pseudo_url_like(text) {
                    return Err(bad(format!(
                        "{text:?} is not a local path (nixdeps never downloads)"
                    )));
                }
                let base = self.path.parent().unwrap_or(Path::new("."));
                config.nixpkgs = Some(absolute(&base.join(text)));
            }
            "nixpkgs-index" => {
                let on = value.get_ref().as_bool().ok_or_else(|| {
                    bad(format!(
                        "expected true or false, found {}",
                        describe(value.get_ref())
                    ))
                })?;
                config.nixpkgs_index = Some(on);
            }
            _ => {
                let mut message = format!("unknown key `{full}`");
                if let Some(near) = nearest_key(name) {
                    message.push_str(&format!("; did you mean `{}{near}`?", self.prefix));
                }
                message.push_str(&format!(" (known keys: {})", KEYS.join(", ")));
                return Err(self.error(key.span(), name, message));
            }
        }
        Ok(())
    }

    fn codes(&self, _key: &str, value: &Value) -> Result<Vec<String>, String> {
        let codes = strings(value)?;
        for code in &codes {
            if !is_code_selector(code) {
                let hint = if is_code_selector(&code.to_ascii_uppercase()) {
                    format!("; codes are upper case: {:?}", code.to_ascii_uppercase())
                } else {
                    String::new()
                };
                return Err(format!(
                    "{code:?} is not a rule code (expected ND followed by up to three digits, e.g. \"ND001\" or the prefix \"ND0\"){hint}"
                ));
            }
        }
        Ok(codes)
    }
}

/// A `scheme://` URL or a `channel:`/`flake:` reference, which nixdeps
/// cannot index.
fn is_pseudo_url_like(text: &str) -> bool {
    crate::nixpkgs::locate::is_pseudo_url(text) || text.starts_with("flake:")
}

fn not_attr(name: &str) -> String {
    let mut message = format!("{name:?} is not a nixpkgs attribute name");
    if let Some((_, last)) = name.rsplit_once('.') {
        if is_attr_name(last) {
            message.push_str(&format!(" (name the package itself: write {last:?})"));
        }
    }
    message
}

fn glob_reason(e: &globset::Error) -> String {
    e.kind().to_string()
}

fn describe(value: &Value) -> String {
    match value {
        Value::String(s) => format!("the string {s:?}"),
        Value::Integer(i) => format!("the integer {i}"),
        Value::Float(f) => format!("the number {f}"),
        Value::Boolean(b) => format!("the boolean {b}"),
        Value::Datetime(d) => format!("the date {d}"),
        Value::Array(_) => "an array".to_owned(),
        Value::Table(_) => "a table".to_owned(),
    }
}

fn strings(value: &Value) -> Result<Vec<String>, String> {
    let array = value
        .as_array()
        .ok_or_else(|| format!("expected an array of strings, found {}", describe(value)))?;
    array
        .iter()
        .map(|v| {
            v.as_str()
                .map(str::to_owned)
                .ok_or_else(|| format!("expected an array of strings, found {} in it", describe(v)))
        })
        .collect()
}

/// `ND`, `ND0`, `ND00`, `ND001`: a code or a prefix of codes.
pub fn is_code_selector(code: &str) -> bool {
    code.strip_prefix("ND")
        .is_some_and(|digits| digits.len() <= 3 && digits.bytes().all(|b| b.is_ascii_digit()))
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c == '_' || c.is_alphabetic())
        && chars.all(|c| c == '_' || c.is_alphanumeric())
}

fn is_module_name(s: &str) -> bool {
    !s.is_empty() && s.split('.').all(is_identifier)
}

/// A nixpkgs attribute name as Nix lexes an identifier.
fn is_attr_name(s: &str) -> bool {
    let mut bytes = s.bytes();
    bytes
        .next()
        .is_some_and(|b| b == b'_' || b.is_ascii_alphabetic())
        && bytes.all(|b| b == b'_' || b == b'-' || b == b'\'' || b.is_ascii_alphanumeric())
}

fn nearest_key(name: &str) -> Option<&'static str> {
    let normalised = name.replace('_', "-").to_ascii_lowercase();
    KEYS.iter()
        .map(|k| (levenshtein(&normalised, k), *k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 4))
        .min()
        .map(|(_, k)| k)
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = if ca == *cb {
                prev
            } else {
                1 + prev.min(cur).min(row[j])
            };
            prev = cur;
        }
    }
    row[b.len()]
}

/// `path` made absolute against the current directory, `.` and `..` removed
/// lexically (symlinks are not resolved: globs are about the names the user
/// sees, as in ruff).
pub fn absolute(path: &Path) -> PathBuf {
    let joined;
    let path = if path.is_absolute() {
        path
    } else {
        match std::env::current_dir() {
            Ok(cwd) => {
                joined = cwd.join(path);
                &joined
            }
            Err(_) => path,
        }
    };
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

/// Where configurations come from for a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigSource {
    /// The nearest configuration above each file.
    Discover,
    /// `--config FILE`: that file for every script.
    File(PathBuf),
    /// `--no-config`: the defaults.
    Defaults,
}

impl ConfigSource {
    /// From `--config FILE` and `--no-config`.
    pub fn from_flags(file: Option<&Path>, no_config: bool) -> Self {
        match (file, no_config) {
            (Some(f), _) => ConfigSource::File(f.to_path_buf()),
            (None, true) => ConfigSource::Defaults,
            (None, false) => ConfigSource::Discover,
        }
    }
}

type Loaded = Result<Arc<Config>, ConfigError>;

/// Finds the configuration for each file, caching per directory. Shared
/// between rayon threads (`&ConfigResolver` is `Sync`).
#[derive(Debug)]
pub struct ConfigResolver {
    source: ConfigSource,
    cli: CliOverrides,
    /// Directory → the configuration that applies to files in it.
    by_dir: Mutex<HashMap<PathBuf, Loaded>>,
    fixed: OnceLock<Loaded>,
}

impl ConfigResolver {
    pub fn new(source: ConfigSource, cli: CliOverrides) -> Self {
        ConfigResolver {
            source,
            cli,
            by_dir: Mutex::new(HashMap::new()),
            fixed: OnceLock::new(),
        }
    }

    fn defaults(&self) -> Config {
        let mut config = Config::default();
        config.merge_cli(&self.cli);
        config
    }

    /// The configuration for the script at `file` (CLI overrides applied).
    pub fn resolve(&self, file: &Path) -> Result<Arc<Config>, ConfigError> {
        let file = absolute(file);
        let dir = file.parent().unwrap_or(Path::new("/"));
        self.resolve_dir(dir)
    }

    /// The configuration for files inside `dir`.
    pub fn resolve_dir(&self, dir: &Path) -> Result<Arc<Config>, ConfigError> {
        match &self.source {
            ConfigSource::Defaults => self
                .fixed
                .get_or_init(|| Ok(Arc::new(self.defaults())))
                .clone(),
            ConfigSource::File(path) => self
                .fixed
                .get_or_init(|| {
                    let path = absolute(path);
                    match Config::load(&path)? {
                        Some(mut config) => {
                            config.merge_cli(&self.cli);
                            Ok(Arc::new(config))
                        }
                        None => Err(ConfigError {
                            path,
                            line: None,
                            column: None,
                            key: None,
                            message: "has no [tool.nixdeps] table".to_owned(),
                        }),
                    }
                })
                .clone(),
            ConfigSource::Discover => self.discover(&absolute(dir)),
        }
    }

    fn discover(&self, dir: &Path) -> Loaded {
        // Held across the file reads: each directory is looked at once, and
        // after the first few files everything is a cache hit.
        let mut cache = self.by_dir.lock().unwrap_or_else(|e| e.into_inner());
        let mut visited = Vec::new();
        let mut found: Option<Loaded> = None;
        let mut current = Some(dir);
        while let Some(d) = current {
            if let Some(hit) = cache.get(d) {
                found = Some(hit.clone());
                break;
            }
            visited.push(d.to_path_buf());
            if let Some(loaded) = self.config_in(d) {
                found = Some(loaded);
                break;
            }
            current = d.parent();
        }
        let result = found.unwrap_or_else(|| Ok(Arc::new(self.defaults())));
        for d in visited {
            cache.insert(d, result.clone());
        }
        result
    }

    /// The configuration file in `dir` itself, if any.
    fn config_in(&self, dir: &Path) -> Option<Loaded> {
        for name in CONFIG_FILES {
            let path = dir.join(name);
            if !path.is_file() {
                continue;
            }
            if name == "pyproject.toml" {
                match std::fs::read_to_string(&path) {
                    Ok(text) if !text.contains("nixdeps") => continue,
                    Ok(text) => match Config::parse(&path, &text) {
                        Ok(Some(config)) => return Some(Ok(self.finish(config))),
                        Ok(None) => continue,
                        Err(e) => return Some(Err(e)),
                    },
                    Err(e) => return Some(Err(read_error(&path, &e))),
                }
            }
            return Some(match Config::load(&path) {
                Ok(Some(config)) => Ok(self.finish(config)),
                Ok(None) => Ok(Arc::new(self.defaults())),
                Err(e) => Err(e),
            });
        }
        None
    }

    /// The exclusion hook for [`crate::discover::discover`]: whether the
    /// configuration that applies to `path` excludes it. A configuration
    /// that does not load excludes nothing here; the error is reported when
    /// the file itself is resolved.
    pub fn is_excluded(&self, path: &Path, _is_dir: bool) -> bool {
        self.resolve(path)
            .is_ok_and(|config| config.is_excluded(path))
    }

    fn finish(&self, mut config: Config) -> Arc<Config> {
        config.merge_cli(&self.cli);
        Arc::new(config)
    }
}

fn read_error(path: &Path, e: &std::io::Error) -> ConfigError {
    ConfigError {
        path: path.to_path_buf(),
        line: None,
        column: None,
        key: None,
        message: format!("cannot read: {}", crate_io_message(e)),
    }
}
