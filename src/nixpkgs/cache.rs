//! The index cache (DESIGN §11.3).
//!
//! One file per nixpkgs tree, `index-HASH.tsv` under the cache directory,
//! in the sorted-TSV form the embedded database reads in place
//! (`crate::db`): a warm start is one file read and a few checks, and a
//! lookup bisects the text. Nothing is deserialised up front.
//!
//! ```text
//! nixdeps-index <TAB> SCHEMA
//! root <TAB> /canonical/path
//! key <TAB> what the tree looked like (see below)
//! sum <TAB> checksum of the rest of the file
//! stats <TAB> {IndexStats as JSON}
//! @attrs        attr  file  pname  imports,…  deps,…  extra=a+b;…  namespaces,…
//! @aliases      old  renamed|toplevel|removed  target  date  message
//! @modules      module  attr,…   (preferred first)
//! @variants     attr  base       (attributes sharing a base's directory)
//! @namespaces   namespace        (some package's pythonNamespaces)
//! @end
//! ```
//!
//! *Key.* A `/nix/store` path is immutable, so the path alone is the key.
//! A checkout is keyed by the mtime and size of `python-packages.nix`,
//! `python-aliases.nix`, the `python-modules` directory (which changes when
//! a package directory is added or removed) and `.git/HEAD` / `.git/index`
//! where they exist (a checkout, commit, pull or `git add` touches them).
//! That costs five `stat`s. What it cannot notice: an edit to an existing
//! package file that git has not seen yet (no `git add`), and edits in a
//! checkout whose `.git` is a file (a worktree) other than to the three
//! paths above. `nixdeps nixpkgs` shows the state; deleting the cache file
//! forces a rebuild.
//!
//! *Safety.* A cache is written to a temporary file in the same directory
//! and renamed into place, so readers see a whole old file or a whole new
//! one, and concurrent builders (pre-commit runs hooks in parallel) both
//! succeed; the last rename wins with equal content. A file that does not
//! load (wrong schema, other root or key, truncated, not UTF-8, bad checksum)
//! is rebuilt, never trusted. Sections are not re-checked for order on load
//! (that cost most of a millisecond); the checksum shows the file is what
//! the writer, which sorts them, wrote. When the directory is not writable the index
//! is still built and used, and [`CacheState::Unstored`] says why.

use super::index::{self, AliasFact, AliasTarget, AttrFacts, Index, IndexError, IndexStats};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::Write as _;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// Bump when the file format or what the index reads changes.
pub const SCHEMA: u32 = 1;
const MAGIC: &str = "nixdeps-index";
const SECTIONS: [&str; 5] = ["attrs", "aliases", "modules", "variants", "namespaces"];

/// `$XDG_CACHE_HOME/nixdeps`, else `$HOME/.cache/nixdeps`.
pub fn default_cache_dir() -> Option<PathBuf> {
    let nonempty = |v: &str| std::env::var_os(v).filter(|s| !s.is_empty());
    if let Some(x) = nonempty("XDG_CACHE_HOME") {
        let x = PathBuf::from(x);
        // The XDG spec says relative values are to be ignored.
        if x.is_absolute() {
            return Some(x.join("nixdeps"));
        }
    }
    nonempty("HOME").map(|h| PathBuf::from(h).join(".cache/nixdeps"))
}

/// How [`load_or_build`] got its tables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CacheState {
    /// No cache existed; built and stored.
    Built,
    /// Loaded from a fresh cache.
    Warm,
    /// The cache was stale or did not load; rebuilt and stored.
    Rebuilt { reason: String },
    /// Built, but the cache could not be written (the index is still used).
    Unstored { reason: String },
}

/// What [`status`] finds, without building anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CacheStatus {
    Absent,
    Fresh,
    Stale { reason: String },
    Corrupt { reason: String },
}

/// An index ready for use: its tables, how they were obtained, and where
/// the cache file is (or would be).
#[derive(Debug, Clone)]
pub struct Loaded {
    pub tables: Tables,
    pub state: CacheState,
    pub cache_file: PathBuf,
    /// The canonical nixpkgs path.
    pub root: PathBuf,
}

impl Loaded {
    /// Every fact, decoded (for `nixdeps nixpkgs` and tests; lookups use
    /// the tables in place).
    pub fn index(&self) -> Index {
        self.tables.to_index()
    }
}

/// The cache text, checked, with the byte range of each section's rows.
#[derive(Clone)]
pub struct Tables {
    text: String,
    sections: [Range<usize>; 5],
    stats: Range<usize>,
}

impl std::fmt::Debug for Tables {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Tables({} bytes)", self.text.len())
    }
}

/// Which section of [`Tables`].
#[derive(Debug, Clone, Copy)]
pub enum Section {
    Attrs = 0,
    Aliases = 1,
    Modules = 2,
    Variants = 3,
    Namespaces = 4,
}

impl Tables {
    /// The whole text; sections are ranges of it ([`Tables::range`]).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The rows of a section (no header), sorted by their first field.
    pub fn range(&self, s: Section) -> Range<usize> {
        self.sections[s as usize].clone()
    }

    fn rows(&self, s: Section) -> impl Iterator<Item = &str> {
        self.text[self.range(s)].lines().filter(|l| !l.is_empty())
    }

    pub fn stats(&self) -> IndexStats {
        serde_json::from_str(&unesc(&self.text[self.stats.clone()])).unwrap_or_default()
    }

    /// The facts of one attribute, by bisection.
    pub fn attr(&self, name: &str) -> Option<AttrFacts> {
        crate::db::find_line(&self.text[self.range(Section::Attrs)], name).map(|l| attr_row(l).1)
    }

    pub fn to_index(&self) -> Index {
        Index {
            attrs: self.rows(Section::Attrs).map(attr_row).collect(),
            aliases: self.rows(Section::Aliases).filter_map(alias_row).collect(),
            stats: self.stats(),
        }
    }

    /// Reads and checks a cache text. `Err` says what is wrong with it.
    fn parse(text: String, root: &Path, key: &str) -> Result<Tables, Problem> {
        let mut head = [""; 5];
        let mut lines = text.split('\n');
        for (slot, name) in head.iter_mut().zip([MAGIC, "root", "key", "sum", "stats"]) {
            *slot = lines
                .next()
                .and_then(|l| l.strip_prefix(name))
                .and_then(|r| r.strip_prefix('\t'))
                .ok_or_else(|| Problem::Corrupt(format!("no `{name}` line")))?;
        }
        let [schema, cached_root, cached_key, sum, stats_line] = head;
        if schema != SCHEMA.to_string() {
            return Err(Problem::Stale(format!(
                "schema {schema}, this nixdeps writes {SCHEMA}"
            )));
        }
        if unesc(cached_root) != root.to_string_lossy() {
            return Err(Problem::Stale("cache of another tree".into()));
        }
        let cached_key = unesc(cached_key);
        if cached_key != key {
            return Err(Problem::Stale(format!(
                "the tree changed ({})",
                key_difference(&cached_key, key)
            )));
        }
        let stats_start = stats_line.as_ptr() as usize - text.as_ptr() as usize;
        if sum
            != format!(
                "{:016x}",
                checksum(&text.as_bytes()[stats_start - "stats\t".len()..])
            )
        {
            return Err(Problem::Corrupt("checksum mismatch".into()));
        }
        let stats = stats_start..stats_start + stats_line.len();
        if !text.ends_with("\n@end\n") {
            return Err(Problem::Corrupt("truncated (no @end)".into()));
        }
        // Offsets of each marker's leading newline, in order, then @end's.
        let mut marks = [0usize; 6];
        let mut from = stats.end;
        for (i, name) in SECTIONS.iter().chain(["end"].iter()).enumerate() {
            let marker = format!("\n@{name}\n");
            let at = memchr::memmem::find(&text.as_bytes()[from..], marker.as_bytes())
                .map(|p| from + p)
                .ok_or_else(|| Problem::Corrupt(format!("no @{name} section")))?;
            marks[i] = at;
            // The next marker's newline may be this marker's last byte.
            from = at + marker.len() - 1;
        }
        let sections: [Range<usize>; 5] = std::array::from_fn(|i| {
            let start = marks[i] + SECTIONS[i].len() + 3;
            start..(marks[i + 1] + 1).max(start)
        });
        Ok(Tables {
            text,
            sections,
            stats,
        })
    }
}

/// A fast checksum of the text after the `sum` line (word at a time, in
/// the manner of FxHash): it catches a truncated, damaged or hand-edited
/// file before a lookup bisects it, for a fifth of a millisecond on a full
/// nixpkgs. Not a defence against a forger, who could write any file in the
/// user's own cache directory anyway.
fn checksum(bytes: &[u8]) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mix = |h: u64, w: u64| (h.rotate_left(5) ^ w).wrapping_mul(K);
    let word = |c: &[u8]| u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
    // Four independent lanes, so the multiplications overlap.
    let mut lanes = [bytes.len() as u64, 1, 2, 3];
    let mut blocks = bytes.chunks_exact(32);
    for b in &mut blocks {
        for (i, lane) in lanes.iter_mut().enumerate() {
            *lane = mix(*lane, word(&b[i * 8..i * 8 + 8]));
        }
    }
    let mut h = lanes.iter().fold(0, |h, l| mix(h, *l));
    for &b in blocks.remainder() {
        h = mix(h, u64::from(b));
    }
    h
}

enum Problem {
    Absent,
    Stale(String),
    Corrupt(String),
}

/// Which parts of two keys differ, for the rebuild reason.
fn key_difference(old: &str, new: &str) -> String {
    let name = |p: &str| p.split(':').next().unwrap_or("").to_string();
    let old: BTreeSet<&str> = old.split('|').collect();
    let changed: Vec<String> = new
        .split('|')
        .filter(|p| !old.contains(p))
        .map(name)
        .collect();
    if changed.is_empty() {
        "key".into()
    } else {
        changed.join(", ")
    }
}

/// The cache key of a canonical root (see the module doc).
fn tree_key(root: &Path) -> String {
    if root.starts_with("/nix/store") {
        return "store".into();
    }
    let mut key = String::new();
    for rel in [
        index::PACKAGES_FILE,
        index::ALIASES_FILE,
        index::MODULES_DIR,
        ".git/HEAD",
        ".git/index",
    ] {
        if !key.is_empty() {
            key.push('|');
        }
        match std::fs::metadata(root.join(rel)) {
            Ok(m) => {
                let mtime = m
                    .modified()
                    .ok()
                    .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                    .map_or(0, |d| d.as_nanos());
                let _ = write!(key, "{rel}:{mtime}:{}", m.len());
            }
            Err(_) => {
                let _ = write!(key, "{rel}:-");
            }
        }
    }
    key
}

/// FNV-1a: a file name stable across runs and Rust versions.
fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn canonical(root: &Path) -> Result<PathBuf, IndexError> {
    std::fs::canonicalize(root).map_err(|e| IndexError::Io(root.to_path_buf(), e))
}

/// The cache file for a canonical root.
pub fn cache_file(canonical_root: &Path, cache_dir: &Path) -> PathBuf {
    let h = fnv(canonical_root.as_os_str().as_encoded_bytes());
    cache_dir.join(format!("index-{h:016x}.tsv"))
}

fn try_load(file: &Path, root: &Path, key: &str) -> Result<Tables, Problem> {
    let bytes = match std::fs::read(file) {
        Ok(b) => b,
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
            ) =>
        {
            return Err(Problem::Absent)
        }
        Err(e) => return Err(Problem::Corrupt(e.to_string())),
    };
    let text = String::from_utf8(bytes).map_err(|_| Problem::Corrupt("not UTF-8".into()))?;
    Tables::parse(text, root, key)
}

/// The state of the cache of `root`, without building.
pub fn status(root: &Path, cache_dir: &Path) -> CacheStatus {
    let Ok(root) = canonical(root) else {
        return CacheStatus::Absent;
    };
    let key = tree_key(&root);
    match try_load(&cache_file(&root, cache_dir), &root, &key) {
        Ok(_) => CacheStatus::Fresh,
        Err(Problem::Absent) => CacheStatus::Absent,
        Err(Problem::Stale(reason)) => CacheStatus::Stale { reason },
        Err(Problem::Corrupt(reason)) => CacheStatus::Corrupt { reason },
    }
}

/// The index of `root`: from its cache when fresh, else built and stored.
pub fn load_or_build(root: &Path, cache_dir: &Path) -> Result<Loaded, IndexError> {
    let root = canonical(root)?;
    let key = tree_key(&root);
    let file = cache_file(&root, cache_dir);
    let previous = match try_load(&file, &root, &key) {
        Ok(tables) => {
            return Ok(Loaded {
                tables,
                state: CacheState::Warm,
                cache_file: file,
                root,
            })
        }
        Err(p) => p,
    };
    let index = index::build(&root)?;
    let text = serialize(&index, &root, &key);
    let state = match store(&file, &text) {
        Err(e) => CacheState::Unstored {
            reason: format!("{}: {e}", file.display()),
        },
        Ok(()) => match previous {
            Problem::Absent => CacheState::Built,
            Problem::Stale(reason) => CacheState::Rebuilt { reason },
            Problem::Corrupt(reason) => CacheState::Rebuilt {
                reason: format!("the cache did not load: {reason}"),
            },
        },
    };
    // Our own text always parses; checking it anyway keeps one code path.
    let tables = Tables::parse(text, &root, &key).map_err(|p| {
        let why = match p {
            Problem::Absent => "absent".to_string(),
            Problem::Stale(r) | Problem::Corrupt(r) => r,
        };
        IndexError::Io(
            file.clone(),
            std::io::Error::other(format!("internal: cache text does not load: {why}")),
        )
    })?;
    Ok(Loaded {
        tables,
        state,
        cache_file: file,
        root,
    })
}

fn store(file: &Path, text: &str) -> std::io::Result<()> {
    let dir = file.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".index-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    tmp.write_all(text.as_bytes())?;
    tmp.as_file().sync_data()?;
    tmp.persist(file).map_err(|e| e.error)?;
    Ok(())
}

/// Tabs, newlines and backslashes escaped, so a value stays in its field.
fn esc(s: &str) -> String {
    if !s.contains(['\\', '\t', '\n', '\r']) {
        return s.to_string();
    }
    s.replace('\\', "\\\\")
        .replace('\t', "\\t")
        .replace('\n', "\\n")
        .replace('\r', "\\r")
}

pub(crate) fn unesc(s: &str) -> String {
    if !s.contains('\\') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut it = s.chars();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match it.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some(o) => out.push(o),
            None => {}
        }
    }
    out
}

/// A list field. Names with a separator or control character cannot be a
/// Python module or attribute, and are left out rather than escaped.
fn join(items: &[String], sep: &str) -> String {
    items
        .iter()
        .filter(|i| !i.is_empty() && !i.contains([',', ';', '=', '+', '\t', '\n', '\r', '\\']))
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(sep)
}

fn split(s: &str, sep: char) -> Vec<String> {
    s.split(sep)
        .filter(|x| !x.is_empty())
        .map(str::to_string)
        .collect()
}

/// The attribute key must be usable as a row key.
fn key_ok(k: &str) -> bool {
    !k.is_empty() && !k.contains(['\t', '\n', '\r', '\\']) && !k.starts_with('@')
}

/// The directory under python-modules of a package file.
fn module_dir(file: &str) -> Option<&str> {
    file.strip_prefix(index::MODULES_DIR)?
        .strip_prefix('/')?
        .split('/')
        .next()
}

pub(crate) fn serialize(index: &Index, root: &Path, key: &str) -> String {
    let mut out = String::with_capacity(index.attrs.len() * 160 + 4096);
    let stats = serde_json::to_string(&index.stats).unwrap_or_else(|_| "{}".into());
    let _ = writeln!(out, "{MAGIC}\t{SCHEMA}");
    let _ = writeln!(out, "root\t{}", esc(&root.to_string_lossy()));
    let _ = writeln!(out, "key\t{}", esc(key));
    let head_len = out.len();
    let _ = writeln!(out, "stats\t{}", esc(&stats));

    out.push_str("@attrs\n");
    let mut modules: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let mut variants: Vec<(&str, &str)> = Vec::new();
    for (attr, f) in index.attrs.iter().filter(|(a, _)| key_ok(a)) {
        let optional: Vec<String> = f
            .optional
            .iter()
            .filter(|(k, _)| !k.contains([',', ';', '=', '+', '\t', '\n', '\\']))
            .map(|(k, v)| format!("{k}={}", join(v, "+")))
            .collect();
        let _ = writeln!(
            out,
            "{attr}\t{}\t{}\t{}\t{}\t{}\t{}",
            esc(f.file.as_deref().unwrap_or("")),
            esc(f.pname.as_deref().unwrap_or("")),
            join(&f.imports, ","),
            join(&f.deps, ","),
            optional.join(";"),
            join(&f.namespaces, ","),
        );
        for m in &f.imports {
            if key_ok(m) && !m.contains(',') {
                modules.entry(m).or_default().push(attr);
            }
        }
        if let Some(dir) = f.file.as_deref().and_then(module_dir) {
            if dir != attr && index.attrs.contains_key(dir) {
                variants.push((attr, dir));
            }
        }
    }

    out.push_str("@aliases\n");
    for (old, a) in index.aliases.iter().filter(|(a, _)| key_ok(a)) {
        let (kind, target, date, message) = match &a.target {
            AliasTarget::Renamed(t) => ("renamed", t.as_str(), "", ""),
            AliasTarget::TopLevel(t) => ("toplevel", t.as_str(), "", ""),
            AliasTarget::Removed { message, date } => (
                "removed",
                "",
                date.as_deref().unwrap_or(""),
                message.as_str(),
            ),
        };
        let _ = writeln!(
            out,
            "{old}\t{kind}\t{}\t{}\t{}",
            esc(target),
            esc(date),
            esc(message)
        );
    }

    out.push_str("@modules\n");
    for (module, mut attrs) in modules {
        let top = module.split('.').next().unwrap_or(module);
        let norm = crate::db::pep503(top);
        // The attribute of the package's own directory first (`pyyaml`
        // before `yaml = self.pyyaml`), then the one named after the module.
        attrs.sort_by_key(|a| {
            let own = index.attrs[*a].file.as_deref().and_then(module_dir) == Some(a);
            (!own, **a != norm, a.len(), *a)
        });
        let _ = writeln!(out, "{module}\t{}", attrs.join(","));
    }

    out.push_str("@variants\n");
    for (attr, base) in variants {
        let _ = writeln!(out, "{attr}\t{base}");
    }
    out.push_str("@namespaces\n");
    let namespaces: BTreeSet<&str> = index
        .attrs
        .values()
        .flat_map(|f| &f.namespaces)
        .map(String::as_str)
        .filter(|n| key_ok(n))
        .collect();
    for ns in namespaces {
        let _ = writeln!(out, "{ns}");
    }
    out.push_str("@end\n");
    let sum = format!("sum\t{:016x}\n", checksum(&out.as_bytes()[head_len..]));
    out.insert_str(head_len, &sum);
    out
}

fn attr_row(line: &str) -> (String, AttrFacts) {
    let mut f = line.split('\t');
    let mut next = || f.next().unwrap_or("");
    let attr = next().to_string();
    let opt = |s: &str| (!s.is_empty()).then(|| unesc(s));
    let file = opt(next());
    let pname = opt(next());
    let imports = split(next(), ',');
    let deps = split(next(), ',');
    let optional = next()
        .split(';')
        .filter(|x| !x.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (k.to_string(), split(v, '+'))
        })
        .collect();
    let namespaces = split(next(), ',');
    (
        attr,
        AttrFacts {
            file,
            pname,
            imports,
            deps,
            optional,
            namespaces,
        },
    )
}

pub(crate) fn alias_row(line: &str) -> Option<(String, AliasFact)> {
    let mut f = line.split('\t');
    let old = f.next()?.to_string();
    let kind = f.next()?;
    let target = unesc(f.next().unwrap_or(""));
    let date = f.next().filter(|d| !d.is_empty()).map(unesc);
    let message = unesc(f.next().unwrap_or(""));
    let target = match kind {
        "renamed" => AliasTarget::Renamed(target),
        "toplevel" => AliasTarget::TopLevel(target),
        "removed" => AliasTarget::Removed { message, date },
        _ => return None,
    };
    Some((old, AliasFact { target }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_round_trip() {
        for s in ["plain", "a\tb", "multi\nline \\ back", ""] {
            assert_eq!(unesc(&esc(s)), s);
        }
    }

    #[test]
    fn key_difference_names_the_changed_file() {
        let old = "a:1:2|b:3:4";
        assert_eq!(key_difference(old, "a:1:2|b:5:4"), "b");
    }
}
