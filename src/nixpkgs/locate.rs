//! Where `<nixpkgs>` is (DESIGN §11.1), found offline the way Nix finds it,
//! without running Nix and without touching the network.
//!
//! Order:
//! 1. `--nixpkgs PATH`, else the configuration's `nixpkgs` key. An explicit
//!    path is the answer (or the reason there is none); nothing else is tried.
//! 2. The search path, as Nix builds it: `NIX_PATH` when the variable is set
//!    (even empty), else the last `nix-path` of the nix.conf files, else
//!    Nix's default (`~/.nix-defexpr/channels`,
//!    `nixpkgs=$NIX_STATE_DIR/profiles/per-user/root/channels/nixpkgs`, that
//!    `channels` directory), followed by the channel profiles those links
//!    usually point at (per-user `$USER` and the XDG state directory).
//!    `extra-nix-path` entries are appended. For `<nixpkgs>` an entry
//!    `nixpkgs=P` stands for `P` itself and a bare entry `P` for `P/nixpkgs`;
//!    entries with another prefix (`nixos-config=`, `nixpkgs/sub=`) do not
//!    apply, exactly as in Nix's `suffixIfPotentialMatch`. The first entry
//!    whose path exists wins.
//! 3. `flake:ID` values are looked up in the user registry, then the system
//!    registry; only a pin to a local path (type `path`, or a `/nix/store`
//!    `path`) counts. `channel:` and URL values would be downloaded by Nix:
//!    they are reported as not local and skipped.
//!
//! nix.conf files are read in Nix's order (`$NIX_CONF_DIR/nix.conf`, then
//! `$XDG_CONFIG_HOME/nix/nix.conf`, then the `NIX_CONFIG` variable), with
//! `include` and `!include` followed (relative to the including file).
//!
//! Every step is recorded in [`Located::chain`] so `nixdeps nixpkgs` can show
//! why a tree was or was not chosen. A header's own `-I` entries are never
//! opened (§10); [`Located::add_untrusted`] records them as not used.
//!
//! Everything the machine could contribute comes through [`LocateEnv`], so
//! tests run against temporary directories instead of the real machine.

use serde::Serialize;
use std::path::{Path, PathBuf};

/// The file that makes a tree a nixpkgs nixdeps can read.
pub const PYTHON_SET: &str = "pkgs/top-level/python-packages.nix";

/// How deep `include` directives in nix.conf are followed.
const MAX_INCLUDE_DEPTH: usize = 8;

/// The machine, as far as locating nixpkgs is concerned.
#[derive(Debug, Clone, Default)]
pub struct LocateEnv {
    /// Relative search-path entries are taken from here.
    pub cwd: PathBuf,
    pub home: Option<PathBuf>,
    pub user: Option<String>,
    /// `NIX_PATH`; `Some("")` (set but empty) is an empty search path.
    pub nix_path: Option<String>,
    /// `NIX_CONFIG`: nix.conf text that comes after every file.
    pub nix_config: Option<String>,
    /// `$NIX_CONF_DIR`, default `/etc/nix` (nix.conf and the system registry).
    pub nix_conf_dir: PathBuf,
    /// `$XDG_CONFIG_HOME`, default `~/.config`.
    pub config_home: Option<PathBuf>,
    /// `$NIX_STATE_DIR`, default `/nix/var/nix` (the channel profiles).
    pub nix_state_dir: PathBuf,
}

fn env_path(name: &str) -> Option<PathBuf> {
    std::env::var_os(name)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

impl LocateEnv {
    /// The real process environment.
    pub fn from_process() -> Self {
        let home = env_path("HOME");
        LocateEnv {
            cwd: std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/")),
            user: std::env::var("USER").ok().filter(|u| !u.is_empty()),
            nix_path: std::env::var("NIX_PATH").ok(),
            nix_config: std::env::var("NIX_CONFIG").ok(),
            nix_conf_dir: env_path("NIX_CONF_DIR").unwrap_or_else(|| PathBuf::from("/etc/nix")),
            config_home: env_path("XDG_CONFIG_HOME")
                .filter(|p| p.is_absolute())
                .or_else(|| home.as_ref().map(|h| h.join(".config"))),
            nix_state_dir: env_path("NIX_STATE_DIR")
                .unwrap_or_else(|| PathBuf::from("/nix/var/nix")),
            home,
        }
    }
}

/// Where a step's entry came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Source {
    #[serde(rename = "--nixpkgs")]
    Flag,
    #[serde(rename = "config")]
    Config,
    #[serde(rename = "NIX_PATH")]
    NixPath,
    #[serde(rename = "nix.conf")]
    NixConf,
    #[serde(rename = "channels")]
    Channels,
    #[serde(rename = "registry")]
    Registry,
    /// A script header's `-I` option.
    #[serde(rename = "header -I")]
    Header,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Flag => "--nixpkgs",
            Source::Config => "config",
            Source::NixPath => "NIX_PATH",
            Source::NixConf => "nix.conf",
            Source::Channels => "channels",
            Source::Registry => "registry",
            Source::Header => "header -I",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Outcome {
    /// The entry gives this (canonical) path for `<nixpkgs>`.
    Found { path: PathBuf },
    /// The entry applies, but its path does not exist.
    Missing { path: PathBuf },
    /// Nix would download it; nixdeps does not.
    NotLocal { reason: String },
    /// The entry does not provide `<nixpkgs>` (another prefix, no registry
    /// entry for the id, …).
    NotApplicable { reason: String },
    /// A file that could not be read or parsed.
    Invalid { reason: String },
    /// Replaced by something that takes precedence (a nix.conf `nix-path`
    /// under a set `NIX_PATH`).
    Overridden { by: String },
    /// Untrusted input (a header's `-I`): shown, never opened.
    Untrusted,
}

impl Outcome {
    pub fn describe(&self) -> String {
        match self {
            Outcome::Found { path } => format!("found {}", path.display()),
            Outcome::Missing { path } => format!("missing: {} does not exist", path.display()),
            Outcome::NotLocal { reason } => format!("not local: {reason}"),
            Outcome::NotApplicable { reason } => format!("not applicable: {reason}"),
            Outcome::Invalid { reason } => format!("invalid: {reason}"),
            Outcome::Overridden { by } => format!("overridden by {by}"),
            Outcome::Untrusted => "not used: untrusted input from the script".to_owned(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    pub source: Source,
    /// The entry as written (`nixpkgs=/x`, a registry id, a path).
    pub entry: String,
    /// The file the entry was read from, where there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin: Option<PathBuf>,
    pub outcome: Outcome,
}

/// The revision files of a nixpkgs tree.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Revision {
    /// `.version`, else `lib/.version` (`25.05`).
    pub version: Option<String>,
    /// `.version-suffix` (`.20250101.abc1234` in a channel).
    pub suffix: Option<String>,
    /// `.git-revision` (a full commit hash).
    pub git_revision: Option<String>,
}

impl Revision {
    pub fn read(root: &Path) -> Revision {
        let file = |name: &str| {
            std::fs::read_to_string(root.join(name))
                .ok()
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty() && s.len() < 200 && !s.contains('\n'))
        };
        Revision {
            version: file(".version").or_else(|| file("lib/.version")),
            suffix: file(".version-suffix"),
            git_revision: file(".git-revision"),
        }
    }

    /// What nixpkgs' `lib.version` says (`version` + suffix, `pre-git`
    /// without a suffix file, as `lib/trivial.nix` has it), then the short
    /// commit unless the suffix already names it.
    pub fn label(&self) -> Option<String> {
        let mut label = self.version.clone().map(|v| {
            let suffix = self.suffix.as_deref().unwrap_or("pre-git");
            format!("{v}{suffix}")
        });
        if let Some(rev) = &self.git_revision {
            let short: String = rev.chars().take(7).collect();
            match &mut label {
                Some(l) if l.contains(&short) => {}
                Some(l) => {
                    l.push(' ');
                    l.push_str(&short);
                }
                None => label = Some(short),
            }
        }
        label
    }
}

/// The answer and how it was reached.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Located {
    pub chain: Vec<Step>,
    /// The tree `<nixpkgs>` resolves to (canonical), if any.
    pub chosen: Option<PathBuf>,
    /// Whether the chosen tree has [`PYTHON_SET`].
    pub has_python_set: bool,
    pub revision: Option<Revision>,
    /// `revision.label()`, kept for the JSON output.
    pub label: Option<String>,
}

/// Where an explicit nixpkgs came from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Explicit {
    pub source: Source,
    pub path: PathBuf,
}

impl Located {
    /// The tree to index, or why there is none.
    pub fn root(&self) -> Result<&Path, String> {
        match &self.chosen {
            Some(p) if self.has_python_set => Ok(p),
            Some(p) => Err(format!(
                "{} has no {PYTHON_SET}: not a nixpkgs tree nixdeps can read",
                p.display()
            )),
            None => Err("no <nixpkgs> found".to_owned()),
        }
    }

    /// Record a header's `-I` entries: shown, never opened (DESIGN §10).
    pub fn add_untrusted(&mut self, includes: &[String]) {
        for entry in includes {
            self.chain.push(Step {
                source: Source::Header,
                entry: entry.clone(),
                origin: None,
                outcome: Outcome::Untrusted,
            });
        }
    }

    fn step(&mut self, source: Source, entry: &str, origin: Option<&Path>, outcome: Outcome) {
        self.chain.push(Step {
            source,
            entry: entry.to_owned(),
            origin: origin.map(Path::to_path_buf),
            outcome,
        });
    }

    fn choose(&mut self, path: PathBuf) {
        self.has_python_set = path.join(PYTHON_SET).is_file();
        let revision = Revision::read(&path);
        self.label = revision.label();
        self.revision = Some(revision);
        self.chosen = Some(path);
    }
}

/// Resolve `<nixpkgs>`.
pub fn locate(env: &LocateEnv, explicit: Option<&Explicit>) -> Located {
    let mut located = Located::default();
    if let Some(e) = explicit {
        let path = absolute(&env.cwd, &e.path);
        let entry = e.path.display().to_string();
        match std::fs::canonicalize(&path) {
            Ok(found) => {
                located.step(
                    e.source,
                    &entry,
                    None,
                    Outcome::Found {
                        path: found.clone(),
                    },
                );
                located.choose(found);
            }
            Err(_) => located.step(e.source, &entry, None, Outcome::Missing { path }),
        }
        return located;
    }
    for entry in search_path(env, &mut located) {
        if let Some(found) = resolve_entry(env, &entry, &mut located) {
            located.choose(found);
            break;
        }
    }
    located
}

/// One search-path entry and where it came from.
struct Entry {
    text: String,
    source: Source,
    origin: Option<PathBuf>,
}

fn search_path(env: &LocateEnv, located: &mut Located) -> Vec<Entry> {
    let conf = NixConf::read(env);
    for (origin, problem) in &conf.problems {
        located.step(
            Source::NixConf,
            &origin.display().to_string(),
            Some(origin),
            Outcome::Invalid {
                reason: problem.clone(),
            },
        );
    }
    let mut entries = Vec::new();
    if let Some(var) = &env.nix_path {
        if let Some((origin, value)) = &conf.nix_path {
            located.step(
                Source::NixConf,
                &format!("nix-path = {}", value.join(" ")),
                origin.as_deref(),
                Outcome::Overridden {
                    by: "NIX_PATH".into(),
                },
            );
        }
        entries.extend(parse_nix_path(var).into_iter().map(|text| Entry {
            text,
            source: Source::NixPath,
            origin: None,
        }));
    } else if let Some((origin, value)) = &conf.nix_path {
        entries.extend(value.iter().map(|text| Entry {
            text: text.clone(),
            source: Source::NixConf,
            origin: origin.clone(),
        }));
    } else {
        entries.extend(default_channels(env).into_iter().map(|text| Entry {
            text,
            source: Source::Channels,
            origin: None,
        }));
    }
    entries.extend(conf.extra_nix_path.into_iter().map(|(origin, text)| Entry {
        text,
        source: Source::NixConf,
        origin,
    }));
    entries
}

/// Nix's default search path, then the channel profiles its links point to.
fn default_channels(env: &LocateEnv) -> Vec<String> {
    let profiles = env.nix_state_dir.join("profiles/per-user");
    let root = profiles.join("root/channels");
    let mut out = Vec::new();
    if let Some(home) = &env.home {
        out.push(home.join(".nix-defexpr/channels").display().to_string());
    }
    out.push(format!("nixpkgs={}", root.join("nixpkgs").display()));
    out.push(root.display().to_string());
    if let Some(user) = &env.user {
        out.push(profiles.join(user).join("channels").display().to_string());
    }
    if let Some(home) = &env.home {
        out.push(
            home.join(".local/state/nix/profiles/channels")
                .display()
                .to_string(),
        );
    }
    out
}

/// Split `NIX_PATH` on `:` as Nix does: a `:` that belongs to a URL
/// (`https://`, `channel:`) or a `flake:` reference does not split.
pub fn parse_nix_path(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = s;
    while !rest.is_empty() {
        let value_start = |part: &str| part.rfind('=').map_or(0, |i| i + 1);
        let Some(colon) = rest.find(':') else {
            out.push(rest.to_owned());
            break;
        };
        let value = &rest[value_start(&rest[..colon])..];
        let mut end = colon;
        if is_pseudo_url(value) || value.starts_with("flake:") {
            end = rest[colon + 1..]
                .find(':')
                .map_or(rest.len(), |i| colon + 1 + i);
        }
        if end > 0 {
            out.push(rest[..end].to_owned());
        }
        rest = rest.get(end + 1..).unwrap_or("");
    }
    out
}

/// Nix's `isPseudoUrl`: values Nix would download.
pub fn is_pseudo_url(s: &str) -> bool {
    if s.starts_with("channel:") {
        return true;
    }
    s.split_once("://").is_some_and(|(scheme, _)| {
        matches!(
            scheme,
            "http" | "https" | "file" | "channel" | "git" | "s3" | "ssh"
        )
    })
}

fn absolute(cwd: &Path, p: &Path) -> PathBuf {
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        cwd.join(p)
    }
}

/// The path an entry gives for `<nixpkgs>`, recording the step.
fn resolve_entry(env: &LocateEnv, entry: &Entry, located: &mut Located) -> Option<PathBuf> {
    let origin = entry.origin.as_deref();
    let (prefix, value) = entry.text.split_once('=').unwrap_or(("", &entry.text));
    // Nix: an empty prefix matches every lookup with the whole name as the
    // suffix; otherwise the name must be the prefix itself or start with
    // `prefix/`. `<nixpkgs>` is never under `nixpkgs/sub=`.
    let suffix = match prefix {
        "" => "nixpkgs",
        "nixpkgs" => "",
        other => {
            located.step(
                entry.source,
                &entry.text,
                origin,
                Outcome::NotApplicable {
                    reason: format!("the prefix {other:?} is not <nixpkgs>"),
                },
            );
            return None;
        }
    };
    let base = if is_pseudo_url(value) {
        located.step(
            entry.source,
            &entry.text,
            origin,
            Outcome::NotLocal {
                reason: "Nix would download it; nixdeps never does".into(),
            },
        );
        return None;
    } else if let Some(flake) = value.strip_prefix("flake:") {
        let base = flake_path(env, flake, located);
        match base {
            Ok(b) => b,
            Err(outcome) => {
                located.step(entry.source, &entry.text, origin, outcome);
                return None;
            }
        }
    } else {
        absolute(&env.cwd, Path::new(value))
    };
    let candidate = if suffix.is_empty() {
        base
    } else {
        base.join(suffix)
    };
    match std::fs::canonicalize(&candidate) {
        Ok(found) => {
            located.step(
                entry.source,
                &entry.text,
                origin,
                Outcome::Found {
                    path: found.clone(),
                },
            );
            Some(found)
        }
        Err(_) => {
            located.step(
                entry.source,
                &entry.text,
                origin,
                Outcome::Missing { path: candidate },
            );
            None
        }
    }
}

/// A local path for a flake reference, through the registries for an id.
fn flake_path(env: &LocateEnv, flake: &str, located: &mut Located) -> Result<PathBuf, Outcome> {
    if let Some(p) = flake.strip_prefix("path:") {
        return Ok(absolute(
            &env.cwd,
            Path::new(p.split('?').next().unwrap_or(p)),
        ));
    }
    if flake.starts_with('/') {
        return Ok(PathBuf::from(flake));
    }
    let is_id = !flake.is_empty()
        && flake
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !is_id {
        return Err(Outcome::NotLocal {
            reason: format!("the flake reference {flake:?} is not a local path"),
        });
    }
    let mut registries = Vec::new();
    if let Some(home) = &env.config_home {
        registries.push(home.join("nix/registry.json"));
    }
    registries.push(env.nix_conf_dir.join("registry.json"));
    for file in registries {
        match registry_lookup(&file, flake) {
            Ok(path) => {
                located.step(
                    Source::Registry,
                    flake,
                    Some(&file),
                    Outcome::Found { path: path.clone() },
                );
                return Ok(path);
            }
            Err(outcome) => located.step(Source::Registry, flake, Some(&file), outcome),
        }
    }
    Err(Outcome::NotLocal {
        reason: format!(
            "no registry pins {flake:?} to a local path (the global registry is downloaded; nixdeps never does)"
        ),
    })
}

fn registry_lookup(file: &Path, id: &str) -> Result<PathBuf, Outcome> {
    let text = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Outcome::NotApplicable {
                reason: "no registry file".into(),
            })
        }
        Err(e) => {
            return Err(Outcome::Invalid {
                reason: format!("cannot read: {e}"),
            })
        }
    };
    let json: serde_json::Value = serde_json::from_str(&text).map_err(|e| Outcome::Invalid {
        reason: format!("not valid JSON: {e}"),
    })?;
    let flakes = json
        .get("flakes")
        .and_then(|f| f.as_array())
        .ok_or_else(|| Outcome::Invalid {
            reason: "no \"flakes\" list".into(),
        })?;
    let str_of =
        |v: &serde_json::Value, k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_owned);
    let hit = flakes.iter().find(|f| {
        f.get("from").is_some_and(|from| {
            str_of(from, "type").as_deref() == Some("indirect")
                && str_of(from, "id").as_deref() == Some(id)
                && from.get("ref").is_none()
        })
    });
    let Some(to) = hit.and_then(|f| f.get("to")) else {
        return Err(Outcome::NotApplicable {
            reason: format!("no entry for {id:?}"),
        });
    };
    let kind = str_of(to, "type").unwrap_or_default();
    let path = str_of(to, "path");
    let local = match (&*kind, path) {
        ("path", Some(p)) => p,
        (_, Some(p)) if p.starts_with("/nix/store/") => p,
        _ => {
            return Err(Outcome::NotLocal {
                reason: format!("pinned to a {kind:?} reference, not a local path"),
            })
        }
    };
    let mut path = PathBuf::from(local);
    if let Some(dir) = str_of(to, "dir") {
        path.push(dir);
    }
    Ok(path)
}

/// The settings of nix.conf that matter here.
#[derive(Debug, Default)]
struct NixConf {
    /// The last `nix-path` and the file that set it (`None`: `NIX_CONFIG`).
    nix_path: Option<(Option<PathBuf>, Vec<String>)>,
    extra_nix_path: Vec<(Option<PathBuf>, String)>,
    problems: Vec<(PathBuf, String)>,
}

impl NixConf {
    fn read(env: &LocateEnv) -> NixConf {
        let mut conf = NixConf::default();
        conf.file(&env.nix_conf_dir.join("nix.conf"), false, 0);
        if let Some(home) = &env.config_home {
            conf.file(&home.join("nix/nix.conf"), false, 0);
        }
        if let Some(text) = &env.nix_config {
            conf.text(text, None, &env.cwd, 0);
        }
        conf
    }

    fn file(&mut self, path: &Path, required: bool, depth: usize) {
        match std::fs::read_to_string(path) {
            Ok(text) => {
                let dir = path.parent().unwrap_or(Path::new("/")).to_path_buf();
                self.text(&text, Some(path), &dir, depth);
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => {}
            Err(e) => self
                .problems
                .push((path.to_path_buf(), format!("cannot read: {e}"))),
        }
    }

    fn text(&mut self, text: &str, origin: Option<&Path>, dir: &Path, depth: usize) {
        for line in text.lines() {
            let line = line.split('#').next().unwrap_or("").trim();
            let words: Vec<&str> = line.split_whitespace().collect();
            match words.as_slice() {
                [] => {}
                [kw @ ("include" | "!include"), file] => {
                    if depth >= MAX_INCLUDE_DEPTH {
                        let at = origin.unwrap_or(Path::new("NIX_CONFIG"));
                        self.problems
                            .push((at.to_path_buf(), "includes nested too deeply".into()));
                        continue;
                    }
                    self.file(&absolute(dir, Path::new(file)), *kw == "include", depth + 1);
                }
                [name, "=", value @ ..] => {
                    let value: Vec<String> = value.iter().map(|s| (*s).to_owned()).collect();
                    let origin = origin.map(Path::to_path_buf);
                    match *name {
                        "nix-path" => self.nix_path = Some((origin, value)),
                        "extra-nix-path" => self
                            .extra_nix_path
                            .extend(value.into_iter().map(|v| (origin.clone(), v))),
                        _ => {}
                    }
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nix_path_splitting_keeps_urls_and_flakes_whole() {
        assert_eq!(
            parse_nix_path("nixpkgs=/a:/b::c=https://x.org/y.tar.gz:d=flake:nixpkgs:/e"),
            [
                "nixpkgs=/a",
                "/b",
                "c=https://x.org/y.tar.gz",
                "d=flake:nixpkgs",
                "/e"
            ]
        );
        assert_eq!(
            parse_nix_path("nixpkgs=channel:nixos-24.11"),
            ["nixpkgs=channel:nixos-24.11"]
        );
        assert!(parse_nix_path("").is_empty());
    }

    #[test]
    fn revision_label_follows_lib_version() {
        let r = Revision {
            version: Some("25.05".into()),
            suffix: None,
            git_revision: Some("abc1234def".into()),
        };
        assert_eq!(r.label().as_deref(), Some("25.05pre-git abc1234"));
        let channel = Revision {
            version: Some("24.11".into()),
            suffix: Some(".20250101.abc1234".into()),
            git_revision: Some("abc1234def".into()),
        };
        assert_eq!(channel.label().as_deref(), Some("24.11.20250101.abc1234"));
        assert_eq!(Revision::default().label(), None);
    }
}
