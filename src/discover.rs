//! Finding the scripts to check (DESIGN §6 "Discovery").
//!
//! A file is a candidate only by its first line: a nix-shell shebang, a
//! `nix` (flake) shebang (§1.1, §1.2), or a `uv run` shebang (§12; its
//! PEP 723 block is looked for later, in the whole text). Extensions mean
//! nothing.
//!
//! Decisions, each chosen to behave like ripgrep / ruff:
//! - Directories are walked with the `ignore` crate: `.gitignore`, `.ignore`,
//!   `.git/info/exclude` and the global git excludes are honoured even outside
//!   a git repository (`require_git(false)`), and hidden entries are skipped.
//!   A directory given explicitly is walked even if it is hidden or ignored.
//! - Symbolic links met *during the walk* are not followed, neither to files
//!   nor to directories (ripgrep without `-L`), so a symlink loop in a tree
//!   cannot make the walk run forever and a script is never reported twice
//!   under two names. A symlink given *explicitly* is followed (to a file or a
//!   directory); an explicit path that cannot be resolved (dangling link, loop)
//!   is an error naming it.
//! - Explicitly given files that are not nix-shell scripts are skipped
//!   silently (pre-commit passes every file). A non-existent explicit path is
//!   an error naming it.
//! - Unreadable files and directories are errors naming the path; the walk
//!   goes on. A walked file that vanishes before its first line is read is
//!   skipped silently (it no longer exists, so there is nothing to check).
//! - Exclusion (the configuration's `exclude`) applies to entries found while
//!   walking, not to explicitly given paths, unless
//!   [`DiscoverOptions::force_exclude`] is set (ruff's `--force-exclude`).
//!   Excluded directories are pruned, not descended into.
//! - `-` (stdin) is not a path: it is taken out of the list and reported in
//!   [`Discovered::stdin`]; the caller reads stdin.
//! - The result is sorted by path and de-duplicated; a leading `./` is removed
//!   so `a.py` and `./a.py` are the same candidate.

use crate::header::HeaderKind;
use std::fs::File;
use std::io::{self, Read};
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

/// How many bytes of a file are read to decide whether it is a script. The
/// kernel reads at most 256 bytes of a shebang; the interpreter name we need
/// is at its start, so a longer first line is judged by its beginning.
pub const SNIFF_LIMIT: usize = 4096;

/// A file to check.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Candidate {
    pub path: PathBuf,
    /// Named on the command line (as opposed to found by walking).
    pub explicit: bool,
}

/// A path that could not be examined. `message` does not repeat the path.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct DiscoverError {
    pub path: PathBuf,
    pub message: String,
}

impl std::fmt::Display for DiscoverError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.message)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Discovered {
    /// Sorted by path, no duplicates.
    pub files: Vec<Candidate>,
    /// Sorted by path. Each makes the run an I/O error (exit 2) but does not
    /// stop it.
    pub errors: Vec<DiscoverError>,
    /// Problems that do not affect the result's correctness enough to fail a
    /// run, e.g. an unparsable line in a `.gitignore` (git ignores it too).
    pub warnings: Vec<DiscoverError>,
    /// `-` was among the paths: the caller checks stdin as well.
    pub stdin: bool,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DiscoverOptions {
    /// Apply the exclusion hook to explicitly given paths too.
    pub force_exclude: bool,
    /// Walker threads; 0 lets the `ignore` crate choose.
    pub threads: usize,
}

/// The exclusion hook: `(path, is_dir) -> excluded`. Called from walker
/// threads, hence `Sync`.
pub type Exclude<'a> = dyn Fn(&Path, bool) -> bool + Sync + 'a;

/// Never excludes anything.
pub fn exclude_nothing(_: &Path, _: bool) -> bool {
    false
}

/// The kind of shebang on `first_line` (the bytes of line 1, with or without
/// its line ending; a UTF-8 BOM in front is accepted).
pub fn shebang_kind(first_line: &[u8]) -> Option<HeaderKind> {
    let line = first_line
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(first_line);
    let line = line.strip_prefix(b"#!")?;
    // Only the first line counts, even when handed more.
    let line = match line.iter().position(|&b| b == b'\n') {
        Some(end) => &line[..end],
        None => line,
    };
    let mut words = line
        .split(|&b| b == b' ' || b == b'\t' || b == b'\r')
        .filter(|w| !w.is_empty());
    let interpreter = words.next()?;
    if !interpreter.starts_with(b"/") {
        return None;
    }
    let base = basename(interpreter);
    let command = if base == b"env" {
        env_command(&mut words)?
    } else {
        interpreter
    };
    // `env -S "nix-shell -i python3"`: env's own quoting.
    let command = command
        .strip_prefix(b"\"")
        .or_else(|| command.strip_prefix(b"'"))
        .unwrap_or(command);
    let command = command
        .strip_suffix(b"\"")
        .or_else(|| command.strip_suffix(b"'"))
        .unwrap_or(command);
    match command_kind(command)? {
        // `uv run …` only: `uv` alone is not a script runner (DESIGN §12).
        HeaderKind::Uv => (words.next() == Some(b"run")).then_some(HeaderKind::Uv),
        kind => Some(kind),
    }
}

/// `#!/usr/bin/env nix-shell`, `#!/usr/bin/env -S nix-shell …`, or any
/// absolute path ending in `/nix-shell`.
pub fn is_nix_shell_shebang(first_line: &[u8]) -> bool {
    shebang_kind(first_line) == Some(HeaderKind::NixShell)
}

/// `#!/usr/bin/env nix`, `#!/usr/bin/env -S nix shell …`, or any absolute
/// path ending in `/nix`.
pub fn is_nix_flake_shebang(first_line: &[u8]) -> bool {
    shebang_kind(first_line) == Some(HeaderKind::Flake)
}

fn basename(path: &[u8]) -> &[u8] {
    match path.iter().rposition(|&b| b == b'/') {
        Some(i) => &path[i + 1..],
        None => path,
    }
}

/// The command `env` runs, skipping its options and `NAME=VALUE` settings.
fn env_command<'a>(words: &mut impl Iterator<Item = &'a [u8]>) -> Option<&'a [u8]> {
    while let Some(word) = words.next() {
        match word {
            b"-S"
            | b"--split-string"
            | b"-i"
            | b"--ignore-environment"
            | b"-"
            | b"-0"
            | b"--null"
            | b"-v"
            | b"--debug"
            | b"--" => continue,
            // Options that take the next word as their argument.
            b"-u" | b"--unset" | b"-C" | b"--chdir" | b"-P" => {
                words.next();
                continue;
            }
            _ => {}
        }
        if let Some(rest) = word.strip_prefix(b"-S") {
            // `-Snix-shell`: the split string is glued to the option.
            return Some(rest);
        }
        if let Some(rest) = word.strip_prefix(b"--split-string=") {
            return Some(rest);
        }
        if word.starts_with(b"-") || word.contains(&b'=') {
            continue;
        }
        return Some(word);
    }
    None
}

fn command_kind(command: &[u8]) -> Option<HeaderKind> {
    let name = if command.starts_with(b"/") {
        basename(command)
    } else {
        command
    };
    match name {
        b"nix-shell" => Some(HeaderKind::NixShell),
        b"nix" => Some(HeaderKind::Flake),
        b"uv" => Some(HeaderKind::Uv),
        _ => None,
    }
}

/// Read at most [`SNIFF_LIMIT`] bytes of the first line of `reader`.
pub fn read_first_line(reader: &mut impl Read) -> io::Result<Vec<u8>> {
    let mut buf = vec![0u8; SNIFF_LIMIT];
    let mut len = 0;
    while len < buf.len() {
        match reader.read(&mut buf[len..]) {
            Ok(0) => break,
            Ok(n) => {
                let had_newline = buf[len..len + n].contains(&b'\n');
                len += n;
                if had_newline {
                    break;
                }
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    buf.truncate(len);
    if let Some(end) = buf.iter().position(|&b| b == b'\n') {
        buf.truncate(end + 1);
    }
    Ok(buf)
}

/// The kind of script `path` is, from its first line only; `None` if it is
/// not a nix-shell / nix script.
pub fn sniff_kind(path: &Path) -> io::Result<Option<HeaderKind>> {
    let mut file = File::open(path)?;
    let line = read_first_line(&mut file)?;
    Ok(shebang_kind(&line))
}

/// Whether `path` starts with a nix-shell or nix shebang. Reads at most
/// [`SNIFF_LIMIT`] bytes, never the whole file.
pub fn sniff(path: &Path) -> io::Result<bool> {
    Ok(sniff_kind(path)?.is_some())
}

/// `./a/b` → `a/b`; other paths unchanged (`..` is kept: it is not lexical).
fn tidy(path: &Path) -> PathBuf {
    let mut components = path.components().peekable();
    if components.peek() == Some(&Component::CurDir) {
        components.next();
        if components.peek().is_none() {
            return PathBuf::from(".");
        }
    }
    components.collect()
}

fn io_message(e: &io::Error) -> String {
    // The raw OS text ("No such file or directory (os error 2)") minus the
    // errno, which means nothing to a user.
    let text = e.to_string();
    match text.find(" (os error") {
        Some(i) => text[..i].to_owned(),
        None => text,
    }
}

#[derive(Default)]
struct Collector {
    files: Vec<Candidate>,
    errors: Vec<DiscoverError>,
    warnings: Vec<DiscoverError>,
}

impl Collector {
    fn error(&mut self, path: &Path, message: String) {
        self.errors.push(DiscoverError {
            path: tidy(path),
            message,
        });
    }
}

/// Find the scripts among `paths` (files and directories; `-` is stdin).
pub fn discover(paths: &[PathBuf], exclude: &Exclude<'_>) -> Discovered {
    discover_with(paths, exclude, DiscoverOptions::default())
}

pub fn discover_with(
    paths: &[PathBuf],
    exclude: &Exclude<'_>,
    options: DiscoverOptions,
) -> Discovered {
    let mut out = Collector::default();
    let mut stdin = false;
    let mut roots = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            stdin = true;
            continue;
        }
        // `metadata` follows symlinks: an explicit link is taken for its target.
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => {
                if options.force_exclude && exclude(path, true) {
                    continue;
                }
                roots.push(path.clone());
            }
            Ok(meta) => {
                if options.force_exclude && exclude(path, false) {
                    continue;
                }
                if !meta.is_file() {
                    // A FIFO or device: reading it could block forever.
                    continue;
                }
                match sniff(path) {
                    Ok(true) => out.files.push(Candidate {
                        path: tidy(path),
                        explicit: true,
                    }),
                    Ok(false) => {}
                    Err(e) => out.error(path, io_message(&e)),
                }
            }
            Err(e) => {
                let message = if e.kind() == io::ErrorKind::NotFound
                    && std::fs::symlink_metadata(path).is_ok()
                {
                    "broken symbolic link".to_owned()
                } else {
                    io_message(&e)
                };
                out.error(path, message);
            }
        }
    }
    if !roots.is_empty() {
        walk(&roots, exclude, options, &mut out);
    }
    let Collector {
        mut files,
        mut errors,
        mut warnings,
    } = out;
    // Explicit first among equal paths, so the dedup keeps `explicit: true`.
    files.sort_by(|a, b| a.path.cmp(&b.path).then(b.explicit.cmp(&a.explicit)));
    files.dedup_by(|later, first| later.path == first.path);
    errors.sort();
    errors.dedup();
    warnings.sort();
    warnings.dedup();
    Discovered {
        files,
        errors,
        warnings,
        stdin,
    }
}

fn walk(roots: &[PathBuf], exclude: &Exclude<'_>, options: DiscoverOptions, out: &mut Collector) {
    let mut builder = ignore::WalkBuilder::new(&roots[0]);
    for root in &roots[1..] {
        builder.add(root);
    }
    builder
        .standard_filters(true)
        .hidden(true)
        .parents(true)
        .ignore(true)
        .git_ignore(true)
        .git_global(true)
        .git_exclude(true)
        .require_git(false)
        .follow_links(false)
        .threads(options.threads);
    let shared = Mutex::new(std::mem::take(out));
    builder.build_parallel().run(|| {
        let shared = &shared;
        Box::new(move |result| {
            use ignore::WalkState;
            let entry = match result {
                Ok(entry) => entry,
                Err(err) => {
                    let mut guard = shared.lock().unwrap_or_else(|e| e.into_inner());
                    for (path, message) in flatten_error(&err, None) {
                        guard.error(&path, message);
                    }
                    return WalkState::Continue;
                }
            };
            if let Some(err) = entry.error() {
                // A bad line in an ignore file: reported, not fatal.
                let mut guard = shared.lock().unwrap_or_else(|e| e.into_inner());
                for (path, message) in flatten_error(err, Some(entry.path())) {
                    guard.warnings.push(DiscoverError {
                        path: tidy(&path),
                        message,
                    });
                }
            }
            let Some(file_type) = entry.file_type() else {
                // Only stdin has no file type; we never walk it.
                return WalkState::Continue;
            };
            let path = entry.path();
            let top = entry.depth() == 0;
            if file_type.is_dir() {
                if !top && exclude(path, true) {
                    return WalkState::Skip;
                }
                return WalkState::Continue;
            }
            if !file_type.is_file() || (!top && exclude(path, false)) {
                // Symlinks (not followed), sockets, FIFOs, devices.
                return WalkState::Continue;
            }
            let found = match sniff(path) {
                Ok(true) => Ok(Some(Candidate {
                    path: tidy(path),
                    explicit: top,
                })),
                Ok(false) => Ok(None),
                // Deleted since the directory was listed: nothing to check.
                Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(io_message(&e)),
            };
            if !matches!(found, Ok(None)) {
                let mut guard = shared.lock().unwrap_or_else(|e| e.into_inner());
                match found {
                    Ok(Some(candidate)) => guard.files.push(candidate),
                    Ok(None) => {}
                    Err(message) => guard.error(path, message),
                }
            }
            WalkState::Continue
        })
    });
    *out = shared.into_inner().unwrap_or_else(|e| e.into_inner());
}

/// Every (path, message) inside an `ignore::Error`, which nests paths,
/// depths and partial lists around the underlying I/O or glob error.
fn flatten_error(err: &ignore::Error, path: Option<&Path>) -> Vec<(PathBuf, String)> {
    use ignore::Error as E;
    let here = || path.map(Path::to_path_buf).unwrap_or_default();
    match err {
        E::Partial(errs) => errs.iter().flat_map(|e| flatten_error(e, path)).collect(),
        E::WithLineNumber { line, err } => flatten_error(err, path)
            .into_iter()
            .map(|(p, m)| (p, format!("line {line}: {m}")))
            .collect(),
        E::WithPath { path, err } => flatten_error(err, Some(path)),
        E::WithDepth { err, .. } => flatten_error(err, path),
        E::Loop { ancestor, child } => vec![(
            child.clone(),
            format!("symbolic link loop (points back to {})", ancestor.display()),
        )],
        E::Io(e) => vec![(here(), io_message(e))],
        E::Glob { glob, err } => vec![(
            here(),
            match glob {
                Some(g) => format!("invalid pattern {g:?}: {err}"),
                None => err.clone(),
            },
        )],
        other => vec![(here(), other.to_string())],
    }
}
