//! The nix-shell header: which lines nix-shell reads, how it splits them
//! into words, what the options mean, and which Python packages the package
//! expressions declare. Also the edit API that rewrites declarations.
//!
//! Stage contract (other stages rely on these names; extend, don't rename):
//! - [`parse`] turns decoded source text into `Option<Header>` (`None`: the
//!   first line is not a nix-shell / nix shebang, so the file is not ours).
//! - [`edit::plan`] turns an [`edit::EditRequest`] into byte-range edits.
//! - [`json::model`] is the model as JSON (`nixdeps header SCRIPT`).
//!
//! Files: `words` (which lines nix-shell reads, its ≥ 2.19 word splitting),
//! `flake` (the `nix` shebang and its double-backtick quoting), `options`
//! (what the words mean), `nix` (rnix analysis of package expressions),
//! `edit`, `json`.
//!
//! Reported as not understood ([`Unsupported`], ND100), the rest of the
//! header still modelled: a `-p` word that is not valid Nix or holds a `#`
//! comment (it would comment out the rest of nix-shell's one-line
//! expression); a Python expression other than `SET.ATTR`, a bare
//! interpreter or `INTERP.withPackages (ARG: BODY)` (`callPackage`,
//! `buildEnv`, `.override`, `(…).env`); a withPackages argument that is not
//! `ARG: …`, a body that is not lists of `ARG.x` / `with ARG; [ x ]` joined
//! with `++`, and list elements other than `ARG.x`, bare `x` under `with`, or
//! those in parentheses; an installable or `--expr` naming Python without a
//! withPackages; unknown options, options missing their value, bundled short
//! options with glued values (`-ipython3`); an unterminated quote or a
//! trailing backslash; `-E` expressions; Nix files (`nix_file = true`).

pub mod edit;
pub mod flake;
pub mod json;
pub mod nix;
pub mod options;
pub mod packages;
pub mod pythons;
pub mod words;

use crate::span::Span;
use serde::Serialize;

/// A Python version `major.minor`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct PyVersion {
    pub major: u8,
    pub minor: u8,
}

impl PyVersion {
    /// A version as a user names it, for `--python-version` and the
    /// configuration's `python-version` alike: `3.N` with N from 0 to 99,
    /// written in digits without a sign or leading zero (surrounding blanks
    /// allowed). Python 2 and other majors are refused with their own message.
    pub fn parse(text: &str) -> Result<PyVersion, String> {
        let malformed =
            || format!("{text:?} is not a Python version (expected \"3.N\", e.g. \"3.12\")");
        let number = |s: &str| {
            let digits = !s.is_empty() && s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit());
            (digits && (s.len() == 1 || !s.starts_with('0')))
                .then(|| s.parse::<u8>().ok())
                .flatten()
        };
        let (major, minor) = text.trim().split_once('.').ok_or_else(malformed)?;
        let (major, minor) = (
            number(major).ok_or_else(malformed)?,
            number(minor).ok_or_else(malformed)?,
        );
        if major != 3 {
            return Err(format!(
                "Python {} is not supported: nixdeps checks Python 3 scripts (expected \"3.N\")",
                text.trim()
            ));
        }
        Ok(PyVersion { major, minor })
    }
}

impl std::fmt::Display for PyVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum HeaderKind {
    /// `#!/usr/bin/env nix-shell` + `#!nix-shell …` lines.
    NixShell,
    /// `#!/usr/bin/env nix` + `#! nix shell …` lines.
    Flake,
    /// `#!/usr/bin/env -S uv run --script`: no nix-shell, the PEP 723 block
    /// declares (DESIGN §12).
    Uv,
}

/// One word of the joined header lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Word {
    /// The unquoted text, as nix-shell passes it on.
    pub text: String,
    /// The bytes in the file the word was read from, quotes included.
    pub span: Span,
    /// For each byte of `text`, the file offset it came from (escapes map to
    /// the escaped character). `text.len() == offsets.len()`.
    #[serde(skip)]
    pub offsets: Vec<usize>,
    /// For each byte of `text`, the file offset where its source starts:
    /// the backslash of an escape, else the same as `offsets`.
    #[serde(skip)]
    pub starts: Vec<usize>,
    /// For each byte of `text`, the quoting it was read in.
    #[serde(skip)]
    pub quotes: Vec<Quote>,
}

/// The quoting a character of a word was read in; inserted text is escaped
/// for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Quote {
    #[default]
    None,
    Single,
    Double,
    /// The flake form's double-backtick quoting.
    Backtick,
}

impl Word {
    /// File span of the text bytes `[a, b)` (`a < b`), escapes included.
    pub fn file_span(&self, a: usize, b: usize) -> Span {
        if a >= b || b > self.offsets.len() {
            return Span::empty(self.starts.get(a).copied().unwrap_or(self.span.start));
        }
        Span::new(self.starts[a], self.offsets[b - 1] + 1)
    }
}

/// A line of the file that nix-shell reads as part of the header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HeaderLine {
    /// 0-based line number.
    pub line: usize,
    /// The whole line without its line ending.
    pub span: Span,
}

/// A line that looks like a header line but nix-shell ignores (ND011).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IgnoredLine {
    pub line: usize,
    pub span: Span,
    pub reason: String,
}

/// The `-i` interpreter (last one wins), or the flake form's `--command`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Interpreter {
    /// The whole value: `python3 -u`.
    pub command: String,
    /// The program: `python3`, `python3.11`, `pypy3`, `bash`.
    pub program: String,
    /// Flags after the program: `["-u"]`.
    pub flags: Vec<String>,
    pub span: Span,
    /// True when the program is a Python interpreter (DESIGN §1.3).
    pub is_python: bool,
    /// `python3.11` → 3.11, `pypy3` → 3.11; `None` for `python3`/`python`.
    pub version: Option<PyVersion>,
}

/// A Nix attribute that provides a Python interpreter: `python3` as a bare
/// `-p` word, or the INTERP of `INTERP.withPackages`, or the set owning a
/// `python311Packages.x` word.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PythonRef {
    /// `python3`, `python311`, `pypy3`, `python`.
    pub attr: String,
    /// `None` for the `python3` family: the configured default applies.
    pub version: Option<PyVersion>,
    pub span: Span,
    /// Named by a package set (`python311Packages.x`, `python3.pkgs.x`), not
    /// as an interpreter of its own (a bare word or `withPackages`).
    #[serde(skip)]
    pub from_set: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DeclStyle {
    /// `-p python3Packages.requests` (also `python3.pkgs.requests`).
    Word,
    /// `ps.requests` inside `withPackages (ps: [ … ])`.
    Selected,
    /// `requests` under `with ps;`.
    Bare,
    /// `nixpkgs#python3Packages.requests` (flake form).
    Installable,
}

/// One declared Python package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Declaration {
    /// The nixpkgs attribute: `requests`, `pyyaml`.
    pub attr: String,
    /// The bytes of the attribute name in the file.
    pub span: Span,
    /// The bytes of the whole element (`ps.requests`, `python3Packages.requests`).
    pub element: Span,
    /// Index into [`Header::lists`]: the list (or word group) it belongs to.
    pub list: usize,
    pub style: DeclStyle,
    /// The interpreter/package set it is taken from.
    pub python: PythonRef,
    /// Index into [`Header::words`] of the word it was read from.
    pub word: usize,
    /// The element's byte range inside the word's unquoted text.
    #[serde(skip)]
    pub text_element: (usize, usize),
}

/// A place declarations live in, where new ones can be added.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeclList {
    pub style: DeclStyle,
    /// Span of the list or word group in the file.
    pub span: Span,
    pub python: PythonRef,
    /// The `withPackages` argument name (`ps`), for lists.
    pub arg: Option<String>,
    /// True when the list is under `with ARG;` (bare names allowed).
    pub with_arg: bool,
    /// For word groups and installables, the text before the attribute:
    /// `python3Packages.`, `python3.pkgs.`, `nixpkgs#python3Packages.`.
    pub prefix: Option<String>,
    /// For lists: the word holding it.
    pub word: Option<usize>,
    /// For lists: text ranges (in the word) of every element, understood or
    /// not, and of the closing `]`.
    #[serde(skip)]
    pub text_items: Vec<(usize, usize)>,
    #[serde(skip)]
    pub text_close: usize,
}

/// A `-p` word (or installable) that is not a Python declaration: `ffmpeg`,
/// `nix.out`, `python3` itself. Never reported unused, always kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OtherPackage {
    pub text: String,
    pub span: Span,
}

/// A part of the header nixdeps does not understand (ND100).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unsupported {
    pub span: Span,
    pub text: String,
    pub reason: String,
    /// True when this is a Nix file argument (`#!nix-shell shell.nix`):
    /// reported as info, not warning.
    pub nix_file: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Header {
    pub kind: HeaderKind,
    /// The first line (the shebang), without its line ending.
    pub shebang: Span,
    pub lines: Vec<HeaderLine>,
    pub ignored_lines: Vec<IgnoredLine>,
    pub words: Vec<Word>,
    pub interpreter: Option<Interpreter>,
    /// True when `-p`/`--packages` is present (nix-shell) or installables are
    /// given (flake).
    pub packages_mode: bool,
    /// Every Python interpreter the header brings in.
    pub pythons: Vec<PythonRef>,
    pub declarations: Vec<Declaration>,
    pub lists: Vec<DeclList>,
    pub others: Vec<OtherPackage>,
    pub unsupported: Vec<Unsupported>,
    /// `-I` values, `--pure`, `--keep`, `--arg(str)`: kept for the JSON model.
    pub include_paths: Vec<String>,
    pub pure: bool,
    /// `--keep VAR` values.
    pub keep: Vec<String>,
    /// `--arg NAME EXPR` / `--argstr NAME TEXT`.
    pub args: Vec<NixArg>,
    /// The last `--run`/`--command` value (nix-shell form), if any.
    pub run: Option<String>,
    /// Nix files named instead of packages (`#!nix-shell shell.nix`).
    pub nix_files: Vec<String>,
    /// Indices into [`Header::words`] of the package expressions (`-p`
    /// words), in order: what nix-shell pastes into `buildInputs`.
    pub package_words: Vec<usize>,
    /// The word group of each (style, prefix) in [`Header::lists`]: found
    /// by look-up, as a header may have thousands of lists.
    #[serde(skip)]
    pub(crate) word_groups: std::collections::HashMap<(DeclStyle, String), usize>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NixArg {
    /// `arg` or `argstr`.
    pub kind: String,
    pub name: String,
    pub value: String,
}

impl Header {
    /// The Python version the script runs under, if the header names one
    /// explicitly (`python311`, `-i python3.11`); `None` means the default.
    pub fn python_version(&self) -> Option<PyVersion> {
        self.pythons
            .iter()
            .find_map(|p| p.version)
            .or_else(|| self.interpreter.as_ref().and_then(|i| i.version))
    }

    /// True when the interpreter is Python (DESIGN §1.3): the script is checked.
    pub fn is_python(&self) -> bool {
        self.interpreter.as_ref().is_some_and(|i| i.is_python)
    }
}

/// Parse the header of `text` (decoded, BOM stripped). `None` when the first
/// line is not a nix-shell or nix shebang.
pub fn parse(text: &str) -> Option<Header> {
    let shebang = words::classify_shebang(text)?;
    Some(match shebang.kind {
        HeaderKind::NixShell => options::parse_nix_shell(text, &shebang),
        HeaderKind::Flake => options::parse_flake(text, &shebang),
        HeaderKind::Uv => options::parse_uv(text, &shebang),
    })
}

/// The version a Python attribute implies (DESIGN §2.3, facts in
/// [`pythons`]): `python311`, `python311Packages`, `python311Full` → 3.11;
/// `pythonFull`, `pythonPackages` → 2.7; `pypy3` → 3.11; `python3`,
/// `python3Packages`, `python3Minimal` → `None` (the configured default).
/// Programs (`-i python3.11`) go through [`pythons::program_version`].
pub fn version_of(name: &str) -> Option<PyVersion> {
    let interp = pythons::set_interp(name).unwrap_or(name);
    pythons::interp(interp).and_then(|i| i.version)
}
