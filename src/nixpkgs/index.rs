//! The live index (DESIGN §11.2): what a nixpkgs tree says about its Python
//! package set, read with rnix and never evaluated.
//!
//! Three kinds of file are read:
//! - `pkgs/top-level/python-packages.nix`: every attribute of the set and,
//!   for `callPackage PATH { … }` (possibly under `toPythonModule`,
//!   `disabledIf` or `.override…`), the package file;
//! - `pkgs/top-level/python-aliases.nix`: renames and `throw` removals, with
//!   the date of the trailing `# added DATE` comment;
//! - each package file (in parallel): `pname`, `pythonImportsCheck`,
//!   `dependencies` / `propagatedBuildInputs`, `optional-dependencies`,
//!   `pythonNamespaces`. A file without a `buildPythonPackage` call that
//!   `callPackage`s or `import`s a sibling file (`foo/common.nix`) is read
//!   through that file.
//!
//! Only literal strings and names are facts. Whatever needs evaluation
//! (interpolation, `lib.optionals cond [ … ]`, function calls, `if`) is
//! skipped and counted per kind in [`IndexStats::skipped`]; the literal
//! operands of a `++` chain still count. Unreadable files are counted, never
//! fatal. Every step is one walk over its file, so the build is linear in
//! the size of the tree.

use rayon::prelude::*;
use rnix::ast::{self, BinOpKind, Expr, HasEntry, InterpolPart};
use rnix::{SyntaxKind, SyntaxNode};
use rowan::ast::AstNode;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// Where the package set is, relative to the nixpkgs root.
pub const PACKAGES_FILE: &str = "pkgs/top-level/python-packages.nix";
/// Where the renames and removals are.
pub const ALIASES_FILE: &str = "pkgs/top-level/python-aliases.nix";
/// The directory of the package files.
pub const MODULES_DIR: &str = "pkgs/development/python-modules";

/// How many problem descriptions [`IndexStats::problems`] keeps.
const MAX_PROBLEMS: usize = 50;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Index {
    pub attrs: BTreeMap<String, AttrFacts>,
    pub aliases: BTreeMap<String, AliasFact>,
    pub stats: IndexStats,
}

/// What one attribute's package file says. Empty facts mean "not known"
/// (no file, or nothing literal), never "none".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttrFacts {
    /// The package file, relative to the nixpkgs root, when the attribute
    /// is a `callPackage` of one.
    pub file: Option<String>,
    pub pname: Option<String>,
    /// `pythonImportsCheck`, in file order.
    pub imports: Vec<String>,
    /// `dependencies` and `propagatedBuildInputs`, attribute names, in
    /// file order, without repeats.
    pub deps: Vec<String>,
    /// `optional-dependencies`: extra → attribute names.
    pub optional: BTreeMap<String, Vec<String>>,
    /// `pythonNamespaces`.
    pub namespaces: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AliasFact {
    pub target: AliasTarget,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AliasTarget {
    /// `old = new;` / `old = self.new;`: another Python attribute.
    Renamed(String),
    /// `old = pkgs.x;` / `inherit (pkgs) x;`: a top-level package now.
    TopLevel(String),
    /// `old = throw "message"; # added DATE`.
    Removed {
        message: String,
        date: Option<String>,
    },
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexStats {
    pub attrs: usize,
    /// Renames and top-level moves (not removals).
    pub aliases: usize,
    pub removed: usize,
    /// Package files read (a `common.nix` reached from a `default.nix`
    /// counts too).
    pub files_read: usize,
    pub files_missing: usize,
    pub parse_errors: usize,
    /// Import names read, over all attributes.
    pub imports: usize,
    /// Dependency names read, over all attributes.
    pub deps: usize,
    /// Non-literal parts skipped, per kind (`pname`, `imports`, `deps`,
    /// `optional`, `namespaces`, `file`, `alias`).
    pub skipped: BTreeMap<String, usize>,
    /// The first problems met, as `file:line: what` (missing files, parse
    /// errors), for `nixdeps nixpkgs`.
    pub problems: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("{}: not a nixpkgs tree (no {PACKAGES_FILE})", .0.display())]
    NotNixpkgs(PathBuf),
    #[error("{}: {}", .0.display(), .1)]
    Io(PathBuf, std::io::Error),
}

/// Where an attribute of python-packages.nix comes from.
#[derive(Debug, Clone)]
enum Origin {
    /// `callPackage PATH { overrides }`: the package file (repo-relative)
    /// and the names the call binds itself, which are then not the set's
    /// attributes in the file.
    File(String, BTreeSet<String>),
    /// `name = other;` / `name = self.other;`.
    Ref(String),
    /// Known to exist, but nothing to read (`inherit`, `pkgs.x`, `if`, …).
    Opaque,
}

/// Reads the tree at `root`.
pub fn build(root: &Path) -> Result<Index, IndexError> {
    let pkgs_path = root.join(PACKAGES_FILE);
    if !pkgs_path.is_file() {
        return Err(IndexError::NotNixpkgs(root.to_path_buf()));
    }
    let mut stats = IndexStats::default();
    let text = std::fs::read_to_string(&pkgs_path).map_err(|e| IndexError::Io(pkgs_path, e))?;
    let origins = read_package_set(&text, &mut stats);

    let aliases_path = root.join(ALIASES_FILE);
    let aliases = match std::fs::read_to_string(&aliases_path) {
        Ok(text) => read_aliases(&text, &mut stats),
        Err(_) => BTreeMap::new(),
    };

    let mut files: Vec<&str> = origins
        .values()
        .filter_map(|o| match o {
            Origin::File(f, _) => Some(f.as_str()),
            _ => None,
        })
        .collect();
    files.sort_unstable();
    files.dedup();
    let read: HashMap<&str, FileResult> = files
        .par_iter()
        .map(|f| (*f, read_package_file(root, f)))
        .collect();

    let mut attrs = BTreeMap::new();
    for (name, origin) in &origins {
        let mut cur = origin;
        // Follow `a = b;` chains; a cycle or a dangling name is opaque.
        for _ in 0..8 {
            match cur {
                Origin::Ref(r) => match origins.get(r) {
                    Some(next) => cur = next,
                    None => break,
                },
                _ => break,
            }
        }
        let facts = match cur {
            Origin::File(f, overridden) => {
                let r = read.get(f.as_str());
                let mut facts = r.and_then(|r| r.facts.clone());
                if let Some(facts) = &mut facts {
                    drop_overridden(facts, overridden, &mut stats);
                }
                facts.unwrap_or_else(|| AttrFacts {
                    file: Some(r.map_or_else(|| f.clone(), |r| r.file.clone())),
                    ..AttrFacts::default()
                })
            }
            _ => AttrFacts::default(),
        };
        attrs.insert(name.clone(), facts);
    }
    for r in read.values() {
        stats.files_read += r.read;
        stats.files_missing += r.missing;
        stats.parse_errors += r.parse_errors;
        for (k, n) in &r.skipped {
            *stats.skipped.entry(k.clone()).or_default() += n;
        }
        stats.problems.extend(r.problems.iter().cloned());
    }
    // Sorted before the cut, so the same tree always keeps the same ones.
    stats.problems.sort();
    stats.problems.truncate(MAX_PROBLEMS);
    stats.attrs = attrs.len();
    stats.imports = attrs.values().map(|a| a.imports.len()).sum();
    stats.deps = attrs.values().map(|a| a.deps.len()).sum();
    Ok(Index {
        attrs,
        aliases,
        stats,
    })
}

/// `callPackage ./x { requests = self.requests_2; }` binds `requests`
/// itself: the file's `requests` is then not the set's attribute of that
/// name, so it is no fact.
fn drop_overridden(facts: &mut AttrFacts, overridden: &BTreeSet<String>, stats: &mut IndexStats) {
    if overridden.is_empty() {
        return;
    }
    let mut dropped = 0;
    let mut keep = |d: &String| {
        let bound = overridden.contains(d);
        dropped += usize::from(bound);
        !bound
    };
    facts.deps.retain(&mut keep);
    for v in facts.optional.values_mut() {
        v.retain(&mut keep);
    }
    if dropped > 0 {
        *stats.skipped.entry("deps".into()).or_default() += dropped;
    }
}

fn skip(skipped: &mut BTreeMap<String, usize>, kind: &str) {
    *skipped.entry(kind.to_string()).or_default() += 1;
}

fn strip_parens(mut e: Expr) -> Expr {
    while let Expr::Paren(p) = &e {
        match p.expr() {
            Some(inner) => e = inner,
            None => break,
        }
    }
    e
}

/// The attribute sets that make up a file's value, through the lambdas,
/// `with`, `let … in`, `assert`, applications (`mapAliases ({ … })`,
/// `lib.fix (self: { … })`) and `//` that wrap them.
fn top_sets(e: Expr, out: &mut Vec<ast::AttrSet>) {
    match strip_parens(e) {
        Expr::AttrSet(s) => out.push(s),
        Expr::Lambda(l) => l.body().into_iter().for_each(|b| top_sets(b, out)),
        Expr::With(w) => w.body().into_iter().for_each(|b| top_sets(b, out)),
        Expr::LetIn(l) => l.body().into_iter().for_each(|b| top_sets(b, out)),
        Expr::Assert(a) => a.body().into_iter().for_each(|b| top_sets(b, out)),
        Expr::Apply(a) => a.argument().into_iter().for_each(|b| top_sets(b, out)),
        Expr::BinOp(b) if b.operator() == Some(BinOpKind::Update) => {
            b.lhs().into_iter().for_each(|x| top_sets(x, out));
            b.rhs().into_iter().for_each(|x| top_sets(x, out));
        }
        _ => {}
    }
}

/// A single-name attribute path (`foo`, `"3to2"`), else `None`.
fn single_name(path: Option<ast::Attrpath>) -> Option<String> {
    let mut attrs = path?.attrs();
    let first = attrs.next()?;
    if attrs.next().is_some() {
        return None;
    }
    attr_name(&first)
}

fn attr_name(a: &ast::Attr) -> Option<String> {
    match a {
        ast::Attr::Ident(i) => i.ident_token().map(|t| t.text().to_string()),
        ast::Attr::Str(s) => literal_str(s),
        ast::Attr::Dynamic(_) => None,
    }
}

/// The parts of a string, or `None` when it holds a syntax error (an
/// unterminated string or interpolation): rnix's part iterator asserts that
/// every child node is an interpolation and would panic on the error node.
fn string_parts(s: &ast::Str) -> Option<Vec<InterpolPart<String>>> {
    s.syntax()
        .children()
        .all(|c| c.kind() == SyntaxKind::NODE_INTERPOL)
        .then(|| s.normalized_parts())
}

/// The text of a string without interpolation.
fn literal_str(s: &ast::Str) -> Option<String> {
    let mut out = String::new();
    for part in string_parts(s)? {
        match part {
            InterpolPart::Literal(t) => out.push_str(&t),
            InterpolPart::Interpolation(_) => return None,
        }
    }
    Some(out)
}

/// The name of a plain identifier expression.
fn ident(e: &Expr) -> Option<String> {
    match e {
        Expr::Ident(i) => i.ident_token().map(|t| t.text().to_string()),
        _ => None,
    }
}

/// `(root, names)` of a select `a.b.c` without `or`.
fn select_parts(s: &ast::Select) -> Option<(String, Vec<String>)> {
    if s.default_expr().is_some() {
        return None;
    }
    let root = ident(&s.expr()?)?;
    let names = s
        .attrpath()?
        .attrs()
        .map(|a| attr_name(&a))
        .collect::<Option<Vec<_>>>()?;
    Some((root, names))
}

/// Names under which a package file or python-packages.nix refers to the
/// Python set itself.
fn is_python_set(root: &str, names: &[String]) -> bool {
    matches!(
        root,
        "self" | "super" | "ps" | "pythonPackages" | "python3Packages" | "final" | "prev"
    ) || (names.first().is_some_and(|n| n == "pkgs") && matches!(root, "python" | "python3"))
}

/// The Python attribute a name expression denotes, if any: `x`, or the
/// last name of `self.x`, `ps.x`, `python.pkgs.x` (not `pkgs.x`, a
/// top-level package).
fn python_name(e: &Expr) -> Option<String> {
    match e {
        Expr::Ident(_) => ident(e),
        Expr::Select(s) => {
            let (root, names) = select_parts(s)?;
            let last = names.last()?.clone();
            let depth_ok = if root == "python" || root == "python3" {
                names.len() == 2
            } else {
                names.len() == 1
            };
            (is_python_set(&root, &names) && depth_ok).then_some(last)
        }
        _ => None,
    }
}

/// The name of the function an application calls, with its arguments in
/// order: `f a b` → (`f`, [a, b]); `lib.f a` → (`f`, [a]).
fn call(e: &Expr) -> Option<(String, Vec<Expr>, Expr)> {
    let Expr::Apply(_) = e else { return None };
    let mut args = Vec::new();
    let mut cur = e.clone();
    while let Expr::Apply(a) = cur {
        args.push(a.argument()?);
        cur = strip_parens(a.lambda()?);
    }
    args.reverse();
    let name = match &cur {
        Expr::Ident(_) => ident(&cur)?,
        Expr::Select(s) => s.attrpath()?.attrs().last().and_then(|a| attr_name(&a))?,
        _ => return None,
    };
    Some((name, args, cur))
}

/// Wrappers in python-packages.nix whose last argument is the package.
const WRAPPERS: &[&str] = &[
    "toPythonModule",
    "toPythonApplication",
    "disabledIf",
    "recurseIntoAttrs",
    "dontRecurseIntoAttrs",
    "lowPrio",
    "hiPrio",
];

/// Overrides that keep the package file (`(callPackage ./x { }).override …`).
const OVERRIDES: &[&str] = &[
    "override",
    "overrideAttrs",
    "overridePythonAttrs",
    "overrideDerivation",
];

/// The top attribute sets of a top-level file. Nix would reject a file
/// with a syntax error; we count it and read what rnix recovered, since
/// one bad line should not hide ten thousand attributes.
fn file_sets(text: &str, file: &str, stats: &mut IndexStats) -> Vec<ast::AttrSet> {
    let parse = rnix::Root::parse(text);
    if let Some(e) = parse.errors().first() {
        stats.parse_errors += 1;
        stats
            .problems
            .push(format!("{file}:{}: {e}", error_line(text, e)));
    }
    let mut sets = Vec::new();
    if let Some(e) = parse.tree().expr() {
        top_sets(e, &mut sets);
    }
    sets
}

fn read_package_set(text: &str, stats: &mut IndexStats) -> BTreeMap<String, Origin> {
    let sets = file_sets(text, PACKAGES_FILE, stats);
    let mut out = BTreeMap::new();
    for set in sets {
        for entry in set.entries() {
            match entry {
                ast::Entry::Inherit(inh) => {
                    for a in inh.attrs() {
                        if let Some(n) = attr_name(&a) {
                            out.insert(n, Origin::Opaque);
                        }
                    }
                }
                ast::Entry::AttrpathValue(av) => {
                    let Some(name) = single_name(av.attrpath()) else {
                        continue;
                    };
                    let origin = av
                        .value()
                        .map(|v| origin_of(v, &mut stats.skipped))
                        .unwrap_or(Origin::Opaque);
                    out.insert(name, origin);
                }
            }
        }
    }
    out
}

fn origin_of(v: Expr, skipped: &mut BTreeMap<String, usize>) -> Origin {
    let v = strip_parens(v);
    if let Some(n) = python_name(&v) {
        return Origin::Ref(n);
    }
    if let Expr::Select(s) = &v {
        // `(callPackage ./x { }).py` and the like: the package is the set
        // inside, not something we can read.
        if s.expr()
            .is_some_and(|e| matches!(strip_parens(e), Expr::Apply(_)))
        {
            skip(skipped, "file");
        }
        return Origin::Opaque;
    }
    let Some((name, args, head)) = call(&v) else {
        if matches!(v, Expr::IfElse(_) | Expr::LetIn(_)) {
            skip(skipped, "file");
        }
        return Origin::Opaque;
    };
    if name == "callPackage" {
        let Some(path) = args
            .first()
            .and_then(|p| path_text(&strip_parens(p.clone())))
        else {
            skip(skipped, "file");
            return Origin::Opaque;
        };
        let Some(file) = join_rel("pkgs/top-level", &path) else {
            skip(skipped, "file");
            return Origin::Opaque;
        };
        let mut bound = BTreeSet::new();
        if let Some(Expr::AttrSet(s)) = args.get(1).map(|a| strip_parens(a.clone())) {
            for e in s.entries() {
                match e {
                    ast::Entry::Inherit(i) => bound.extend(i.attrs().filter_map(|a| attr_name(&a))),
                    ast::Entry::AttrpathValue(av) => bound.extend(single_name(av.attrpath())),
                }
            }
        }
        return Origin::File(file, bound);
    }
    if WRAPPERS.contains(&name.as_str()) {
        if let Some(last) = args.last() {
            return origin_of(last.clone(), skipped);
        }
    }
    if OVERRIDES.contains(&name.as_str()) {
        // `(PKG).override …`; not `pkgs.x.override …`, whose package is a
        // top-level one.
        if let Expr::Select(s) = head {
            let one_name = s.attrpath().is_some_and(|p| p.attrs().count() == 1);
            if let (true, Some(inner)) = (one_name, s.expr()) {
                return origin_of(inner, skipped);
            }
        }
    }
    Origin::Opaque
}

/// The text of a literal path expression (`../development/python-modules/x`).
fn path_text(e: &Expr) -> Option<String> {
    let (Expr::PathRel(_) | Expr::PathAbs(_)) = e else {
        return None;
    };
    let node = e.syntax();
    if node.children().next().is_some() {
        return None; // interpolated
    }
    Some(node.text().to_string())
}

/// `dir/rel`, normalised lexically, when it stays inside the tree and is
/// relative (`./` or `../`).
fn join_rel(dir: &str, rel: &str) -> Option<String> {
    if rel.starts_with('/') {
        return None;
    }
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for p in rel.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// The 1-based line of a parse error.
fn error_line(text: &str, e: &rnix::ParseError) -> usize {
    use rnix::ParseError as P;
    let at = match e {
        P::Unexpected(r)
        | P::UnexpectedExtra(r)
        | P::UnexpectedWanted(_, r, _)
        | P::UnexpectedDoubleBind(r)
        | P::DuplicatedArgs(r, _) => usize::from(r.start()),
        _ => text.len(),
    };
    text.as_bytes()[..at.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

fn read_aliases(text: &str, stats: &mut IndexStats) -> BTreeMap<String, AliasFact> {
    let sets = file_sets(text, ALIASES_FILE, stats);
    let mut out = BTreeMap::new();
    for set in sets {
        for entry in set.entries() {
            match entry {
                ast::Entry::Inherit(inh) => {
                    // `inherit (pkgs) x;`, `inherit (super.pkgs) x;`
                    let top_level =
                        inh.from()
                            .and_then(|f| f.expr())
                            .is_some_and(|e| match strip_parens(e) {
                                e @ Expr::Ident(_) => ident(&e).as_deref() == Some("pkgs"),
                                Expr::Select(s) => select_parts(&s).is_some_and(|(root, names)| {
                                    is_python_set(&root, &names) && names == ["pkgs"]
                                }),
                                _ => false,
                            });
                    for a in inh.attrs().filter_map(|a| attr_name(&a)) {
                        if top_level {
                            out.insert(
                                a.clone(),
                                AliasFact {
                                    target: AliasTarget::TopLevel(a),
                                },
                            );
                        } else {
                            skip(&mut stats.skipped, "alias");
                        }
                    }
                }
                ast::Entry::AttrpathValue(av) => {
                    let Some(name) = single_name(av.attrpath()) else {
                        continue;
                    };
                    match av.value().and_then(|v| alias_target(v, av.syntax())) {
                        Some(target) => {
                            out.insert(name, AliasFact { target });
                        }
                        None => skip(&mut stats.skipped, "alias"),
                    }
                }
            }
        }
    }
    for a in out.values() {
        match a.target {
            AliasTarget::Removed { .. } => stats.removed += 1,
            _ => stats.aliases += 1,
        }
    }
    out
}

fn alias_target(v: Expr, entry: &SyntaxNode) -> Option<AliasTarget> {
    let v = strip_parens(v);
    if let Some(n) = python_name(&v) {
        return Some(AliasTarget::Renamed(n));
    }
    if let Expr::Select(s) = &v {
        let (root, names) = select_parts(s)?;
        return (root == "pkgs").then(|| AliasTarget::TopLevel(names.join(".")));
    }
    // A bare string where a package should be is nixpkgs' way (by mistake,
    // but in use) of saying the name is gone.
    if let Expr::Str(s) = &v {
        return Some(AliasTarget::Removed {
            message: message_text(s),
            date: trailing_date(entry),
        });
    }
    let (name, args, _) = call(&v)?;
    if name != "throw" || args.len() != 1 {
        return None;
    }
    let Expr::Str(s) = strip_parens(args[0].clone()) else {
        return None;
    };
    Some(AliasTarget::Removed {
        message: message_text(&s),
        date: trailing_date(entry),
    })
}

/// A throw message for people: literal parts as they are, interpolations as
/// written (`${lib.x}`), since the message is only shown.
fn message_text(s: &ast::Str) -> String {
    let Some(parts) = string_parts(s) else {
        return s.syntax().text().to_string();
    };
    let mut out = String::new();
    for part in parts {
        match part {
            InterpolPart::Literal(t) => out.push_str(&t),
            InterpolPart::Interpolation(i) => out.push_str(&i.syntax().text().to_string()),
        }
    }
    out
}

/// The `YYYY-MM-DD` of the comment that follows an entry on its line
/// (`# added 2024-01-01`, `# Added 2023-05-19`).
fn trailing_date(entry: &SyntaxNode) -> Option<String> {
    let mut tok = entry.last_token()?.next_token();
    while let Some(t) = tok {
        match t.kind() {
            SyntaxKind::TOKEN_COMMENT => return first_date(t.text()),
            SyntaxKind::TOKEN_WHITESPACE if !t.text().contains('\n') => {}
            _ => return None,
        }
        tok = t.next_token();
    }
    None
}

fn first_date(s: &str) -> Option<String> {
    let b = s.as_bytes();
    (0..b.len().saturating_sub(9)).find_map(|i| {
        let w = &b[i..i + 10];
        let shape = w.iter().enumerate().all(|(j, c)| {
            if j == 4 || j == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        });
        shape.then(|| s[i..i + 10].to_string())
    })
}

/// What reading one package file gave.
#[derive(Debug, Default)]
struct FileResult {
    /// The file as Nix would import it (`DIR/default.nix` for a directory).
    file: String,
    facts: Option<AttrFacts>,
    read: usize,
    missing: usize,
    parse_errors: usize,
    skipped: BTreeMap<String, usize>,
    problems: Vec<String>,
}

/// `rel` is a directory (→ `default.nix`) or a file.
fn read_package_file(root: &Path, rel: &str) -> FileResult {
    let mut res = FileResult::default();
    let mut rel = rel.to_string();
    if root.join(&rel).is_dir() {
        rel.push_str("/default.nix");
    }
    res.file = rel.clone();
    let mut facts = AttrFacts {
        file: Some(rel.clone()),
        ..AttrFacts::default()
    };
    // A default.nix that only hands over to a sibling (`callPackage
    // ./common.nix { }`) is followed, a few steps at most.
    let mut cur = rel;
    for _ in 0..3 {
        match read_one(root, &cur, &mut facts, &mut res) {
            Step::Done => {
                res.facts = Some(facts);
                return res;
            }
            Step::Follow(next) => cur = next,
            Step::Failed => return res,
        }
    }
    res.facts = Some(facts);
    res
}

enum Step {
    Done,
    Follow(String),
    Failed,
}

fn read_one(root: &Path, rel: &str, facts: &mut AttrFacts, res: &mut FileResult) -> Step {
    let text = match std::fs::read_to_string(root.join(rel)) {
        Ok(t) => t,
        Err(e) => {
            res.missing += 1;
            res.problems.push(format!("{rel}: {e}"));
            return Step::Failed;
        }
    };
    res.read += 1;
    let parse = rnix::Root::parse(&text);
    if let Some(e) = parse.errors().first() {
        // Nix rejects the whole file; so do we, rather than trust the
        // parser's recovery.
        res.parse_errors += 1;
        res.problems
            .push(format!("{rel}:{}: {e}", error_line(&text, e)));
        return Step::Failed;
    }
    let root_node = parse.syntax();
    let lets = let_strings(&root_node);
    for node in root_node.descendants() {
        let Some(e) = Expr::cast(node) else { continue };
        let Some((name, args, _)) = call(&e) else {
            continue;
        };
        if matches!(
            name.as_str(),
            "buildPythonPackage" | "buildPythonApplication"
        ) {
            if let Some(set) = args.first().and_then(|a| package_set(a.clone())) {
                read_attrs(&set, &lets, facts, &mut res.skipped);
                return Step::Done;
            }
        }
    }
    // No package call: a hand-over to a sibling file?
    for node in root_node.descendants() {
        let Some(e) = Expr::cast(node) else { continue };
        if let Some((name, args, _)) = call(&e) {
            if matches!(name.as_str(), "callPackage" | "import") {
                if let Some(p) = args
                    .first()
                    .and_then(|a| path_text(&strip_parens(a.clone())))
                {
                    let dir = rel.rsplit_once('/').map_or("", |(d, _)| d);
                    if let Some(next) = join_rel(dir, &p) {
                        let next = if root.join(&next).is_dir() {
                            format!("{next}/default.nix")
                        } else {
                            next
                        };
                        return Step::Follow(next);
                    }
                }
            }
        }
    }
    Step::Done
}

/// The attribute set given to `buildPythonPackage`: `{ … }`, `rec { … }` or
/// `finalAttrs: { … }`.
fn package_set(arg: Expr) -> Option<ast::AttrSet> {
    match strip_parens(arg) {
        Expr::AttrSet(s) => Some(s),
        Expr::Lambda(l) => match strip_parens(l.body()?) {
            Expr::AttrSet(s) => Some(s),
            _ => None,
        },
        _ => None,
    }
}

/// Literal string bindings of the file's `let`s, for `inherit pname;`.
fn let_strings(root: &SyntaxNode) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for node in root.descendants() {
        let Some(l) = ast::LetIn::cast(node) else {
            continue;
        };
        for av in l.attrpath_values() {
            if let (Some(n), Some(Expr::Str(s))) = (single_name(av.attrpath()), av.value()) {
                if let Some(v) = literal_str(&s) {
                    out.insert(n, v);
                }
            }
        }
    }
    out
}

fn read_attrs(
    set: &ast::AttrSet,
    lets: &HashMap<String, String>,
    facts: &mut AttrFacts,
    skipped: &mut BTreeMap<String, usize>,
) {
    let mut deps = Vec::new();
    for entry in set.entries() {
        match entry {
            ast::Entry::Inherit(inh) if inh.from().is_none() => {
                for n in inh.attrs().filter_map(|a| attr_name(&a)) {
                    if n == "pname" {
                        match lets.get("pname") {
                            Some(v) => facts.pname = Some(v.clone()),
                            None => skip(skipped, "pname"),
                        }
                    }
                }
            }
            ast::Entry::Inherit(_) => {}
            ast::Entry::AttrpathValue(av) => {
                let (Some(path), Some(value)) = (path_names(av.attrpath()), av.value()) else {
                    continue;
                };
                let path: Vec<&str> = path.iter().map(String::as_str).collect();
                let name = match path.as_slice() {
                    [name] => *name,
                    // `optional-dependencies.extra = [ … ];`, and the older
                    // `passthru.optional-dependencies…`.
                    ["passthru", rest @ ..] | rest @ ["optional-dependencies", _] => {
                        optional_entry(rest, value, facts, skipped);
                        continue;
                    }
                    _ => continue,
                };
                match name {
                    "pname" => match strip_parens(value) {
                        Expr::Str(s) => match literal_str(&s) {
                            Some(v) => facts.pname = Some(v),
                            None => skip(skipped, "pname"),
                        },
                        _ => skip(skipped, "pname"),
                    },
                    "pythonImportsCheck" => strings(value, &mut facts.imports, skipped, "imports"),
                    "pythonNamespaces" => {
                        strings(value, &mut facts.namespaces, skipped, "namespaces")
                    }
                    "dependencies" | "propagatedBuildInputs" => {
                        names(value, &mut deps, skipped, "deps")
                    }
                    "optional-dependencies" => {
                        optional_entry(&[name], value, facts, skipped);
                    }
                    "passthru" => {
                        if let Expr::AttrSet(s) = strip_parens(value) {
                            for av in s.attrpath_values() {
                                if let (Some(p), Some(v)) = (path_names(av.attrpath()), av.value())
                                {
                                    let p: Vec<&str> = p.iter().map(String::as_str).collect();
                                    optional_entry(&p, v, facts, skipped);
                                }
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    let mut seen = BTreeSet::new();
    deps.retain(|d| seen.insert(d.clone()));
    facts.deps = deps;
}

/// The static names of an attribute path (`a.b."c"`), else `None`.
fn path_names(path: Option<ast::Attrpath>) -> Option<Vec<String>> {
    path?.attrs().map(|a| attr_name(&a)).collect()
}

/// `optional-dependencies = { extra = [ … ]; }` or
/// `optional-dependencies.extra = [ … ]` (`path` from `optional-dependencies`
/// on); other paths are not ours.
fn optional_entry(
    path: &[&str],
    value: Expr,
    facts: &mut AttrFacts,
    skipped: &mut BTreeMap<String, usize>,
) {
    match path {
        ["optional-dependencies"] => match strip_parens(value) {
            Expr::AttrSet(s) => {
                for av in s.attrpath_values() {
                    let (Some(k), Some(v)) = (single_name(av.attrpath()), av.value()) else {
                        skip(skipped, "optional");
                        continue;
                    };
                    optional_entry(&["optional-dependencies", &k], v, facts, skipped);
                }
            }
            _ => skip(skipped, "optional"),
        },
        ["optional-dependencies", extra] => {
            let mut members = Vec::new();
            names(value, &mut members, skipped, "optional");
            facts.optional.insert(extra.to_string(), members);
        }
        _ => {}
    }
}

/// The operands of a `++` chain, left to right, through `with X;`.
fn concat_operands(e: Expr, out: &mut Vec<Expr>) {
    match strip_parens(e) {
        Expr::BinOp(b) if b.operator() == Some(BinOpKind::Concat) => {
            b.lhs().into_iter().for_each(|x| concat_operands(x, out));
            b.rhs().into_iter().for_each(|x| concat_operands(x, out));
        }
        Expr::With(w) => w.body().into_iter().for_each(|x| concat_operands(x, out)),
        other => out.push(other),
    }
}

/// The items of the literal lists of a `++` chain; every other operand or
/// item is skipped under `kind`.
fn list_items(value: Expr, skipped: &mut BTreeMap<String, usize>, kind: &str) -> Vec<Expr> {
    let mut ops = Vec::new();
    concat_operands(value, &mut ops);
    let mut items = Vec::new();
    for op in ops {
        match op {
            Expr::List(l) => items.extend(l.items().map(strip_parens)),
            _ => skip(skipped, kind),
        }
    }
    items
}

fn strings(value: Expr, out: &mut Vec<String>, skipped: &mut BTreeMap<String, usize>, kind: &str) {
    for item in list_items(value, skipped, kind) {
        match &item {
            Expr::Str(s) => match literal_str(s) {
                Some(v) => out.push(v),
                None => skip(skipped, kind),
            },
            _ => skip(skipped, kind),
        }
    }
}

fn names(value: Expr, out: &mut Vec<String>, skipped: &mut BTreeMap<String, usize>, kind: &str) {
    for item in list_items(value, skipped, kind) {
        match python_name(&item) {
            Some(n) => out.push(n),
            None => skip(skipped, kind),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_normalise() {
        assert_eq!(
            join_rel("pkgs/top-level", "../development/python-modules/foo").as_deref(),
            Some("pkgs/development/python-modules/foo")
        );
        assert_eq!(
            join_rel("pkgs/top-level", "./../../x/./y.nix").as_deref(),
            Some("x/y.nix")
        );
        assert_eq!(join_rel("pkgs", "../../x"), None);
        assert_eq!(join_rel("pkgs", "/abs"), None);
    }

    fn origin(expr: &str) -> String {
        let parse = rnix::Root::parse(expr);
        let e = parse.tree().expr().unwrap();
        format!("{:?}", origin_of(e, &mut BTreeMap::new()))
    }

    #[test]
    fn origins_of_package_set_values() {
        assert_eq!(
            origin("toPythonModule (pkgs.libfoo.override { python3Packages = self; })"),
            "Opaque"
        );
        assert_eq!(
            origin(
                "(callPackage ../development/python-modules/a { }).overridePythonAttrs (o: { })"
            ),
            "File(\"pkgs/development/python-modules/a\", {})"
        );
        assert_eq!(
            origin("disabledIf (!isPy3k) (callPackage ../x { inherit (pkgs) y; z = 1; })"),
            "File(\"pkgs/x\", {\"y\", \"z\"})"
        );
        assert_eq!(origin("self.other"), "Ref(\"other\")");
        assert_eq!(origin("pkgs.other"), "Opaque");
    }

    #[test]
    fn dates_in_comments() {
        assert_eq!(
            first_date("# added 2024-01-01").as_deref(),
            Some("2024-01-01")
        );
        assert_eq!(first_date("# Added 2023-5-19"), None);
        assert_eq!(first_date("#"), None);
    }
}
