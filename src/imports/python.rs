//! The only module that touches the ruff crates (DESIGN §9): an upgrade of
//! `ruff_python_parser` should only ever need changes here.
//!
//! It produces plain data ([`Found`]) that the rest of `imports` works
//! with, by one of two routes that must agree: the import scanner
//! (`python/scan.rs`, no tree) for files it is sure of, else ruff's parser
//! in recovering mode and one walk over the tree. Where a file may change
//! `sys.path`, the scanner hands over the few statements that can, and only
//! those are parsed.

use super::context::{self, CalleeKind};
use super::firstparty::{PathExpr, SysPathChange};
use super::version_guard::{self as vg, Minors};
use super::{Context, Relative};
use crate::span::Span;
use ruff_python_ast::token::TokenKind;
use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr, Stmt, StringFlags};
use ruff_python_parser::parse_unchecked_source;
use ruff_text_size::{Ranged, TextRange};

/// One import as the walk found it, before suppression comments are applied.
#[derive(Debug, Clone)]
pub(crate) struct RawImport {
    pub module: String,
    pub span: Span,
    /// The whole statement (or call), to find a trailing comment on its last line.
    pub stmt: Span,
    pub context: Context,
    /// For `from m import a, b`: `a`, `b` (`*` left out).
    pub names: Vec<String>,
    /// Python 3 minors on which the import may run (`sys.version_info` tests).
    pub guard: Minors,
    /// In the ImportError handler of a `try`: the modules its body imports.
    pub fallback_for: Vec<String>,
}

#[derive(Debug, Default)]
pub(crate) struct Found {
    pub imports: Vec<RawImport>,
    pub errors: Vec<(Span, String)>,
    /// Byte spans of every comment; only collected when asked for.
    pub comments: Vec<Span>,
    pub relative: Vec<Relative>,
    /// The file's `sys.path` changes ([`sys_path_changes`]).
    pub sys_path: Vec<SysPathChange>,
    /// Deepest nesting of statements (+ expressions, when walked) the walk saw.
    pub max_depth: usize,
}

/// Below this nesting depth the walk recurses on the thread's own stack;
/// beyond it each level checks the stack and grows it on the heap (as the
/// ruff parser itself does), so pathological input cannot overflow.
const UNCHECKED_DEPTH: usize = 64;
const RED_ZONE: usize = 128 * 1024;
const GROW_BY: usize = 2 * 1024 * 1024;

mod scan;

/// Which route [`parse_with`] takes (tests compare them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Route {
    /// The scanner when it is sure, else the tree: what nixdeps uses.
    Auto,
    /// The scanner only; `None` where it is not sure.
    Scan,
    /// ruff's parser and the tree walk.
    Tree,
}

pub(crate) fn parse(text: &str, want_comments: bool) -> Found {
    parse_with(text, want_comments, Route::Auto).unwrap_or_default()
}

pub(crate) fn parse_with(text: &str, want_comments: bool, route: Route) -> Option<Found> {
    let paths = mentions_sys_path(text);
    if route != Route::Tree {
        if let Ok(scanned) = scan::scan(text, want_comments, paths) {
            let mut found = scanned.found;
            match scanned.path_statements {
                None => return Some(found),
                Some(spans) => {
                    if let Some(changes) = sys_path_changes_in(text, &spans) {
                        found.sys_path = changes;
                        return Some(found);
                    }
                }
            }
        }
    }
    (route != Route::Scan).then(|| parse_tree(text, want_comments, paths))
}

/// The scanner's source line where it gave up on `text`, `None` when it answered.
pub(crate) fn scan_gives_up_at(text: &str) -> Option<u32> {
    scan::scan(text, false, mentions_sys_path(text))
        .err()
        .map(|u| u.0)
}

/// [`sys_path_changes`] of the statements at `spans` (the scanner's path
/// statements), parsed on their own, one per line: a file that may change
/// `sys.path` costs the parse of a few lines, not of the whole file.
/// `None` when those lines do not parse cleanly (the whole file is parsed).
fn sys_path_changes_in(text: &str, spans: &[Span]) -> Option<Vec<SysPathChange>> {
    if spans.is_empty() {
        return Some(Vec::new());
    }
    let mut lines = String::with_capacity(spans.iter().map(|s| s.end - s.start + 1).sum());
    // (offset in `lines`, offset in `text`) of each statement.
    let mut starts = Vec::with_capacity(spans.len());
    for s in spans {
        starts.push((lines.len(), s.start));
        lines.push_str(&text[s.start..s.end]);
        lines.push('\n');
    }
    let parsed = parse_unchecked_source(&lines, ast::PySourceType::Python);
    if !parsed.errors().is_empty() {
        return None;
    }
    let depth = longest_logical_line(parsed.tokens());
    let module = parsed.into_syntax();
    let mut changes = sys_path_changes(&module.body);
    drop_deep(module, depth.saturating_add(1));
    for c in &mut changes {
        let i = starts.partition_point(|&(at, _)| at <= c.span.start) - 1;
        let (at, orig) = starts[i];
        c.span = Span::new(c.span.start - at + orig, c.span.end - at + orig);
    }
    Some(changes)
}

/// Every level of an expression tree consumes at least one token of its
/// logical line, so the longest logical line bounds expression depth even
/// when a walk skips expressions.
fn longest_logical_line(tokens: &ruff_python_ast::token::Tokens) -> usize {
    let mut longest = 0usize;
    let mut run = 0usize;
    for t in tokens.iter() {
        if t.kind() == TokenKind::Newline {
            run = 0;
        } else {
            run += 1;
            longest = longest.max(run);
        }
    }
    longest
}

/// `paths`: the text may change `sys.path` ([`mentions_sys_path`]).
fn parse_tree(text: &str, want_comments: bool, paths: bool) -> Found {
    let parsed = parse_unchecked_source(text, ast::PySourceType::Python);
    let mut found = Found::default();
    for e in parsed.errors() {
        found
            .errors
            .push((span_of(e.location), e.error.to_string()));
    }
    if want_comments {
        found.comments = parsed
            .tokens()
            .iter()
            .filter(|t| t.kind() == TokenKind::Comment)
            .map(|t| span_of(t.range()))
            .collect();
    }
    let longest_line = longest_logical_line(parsed.tokens());
    let module = parsed.into_syntax();
    let mut walker = Walker::new(text);
    // Statements never nest inside expressions, so expressions only need a
    // walk when a dynamic import can be there: every form names one of these.
    walker.walk_exprs = scan::may_import_dynamically(text);
    walker.visit_body(&module.body);
    walker.finish(&mut found);
    if paths {
        found.sys_path = sys_path_changes(&module.body);
    }
    drop_deep(module, found.max_depth.saturating_add(longest_line));
    found
}

/// The tree's `Drop` is recursive and unguarded: a 100,000-deep `1+1+…`
/// would overflow the stack while being freed. Free deep trees on a stack
/// sized for them: 1 KiB per level (measured on a 100,000-deep chain: the
/// drop needs 160–320 bytes per level in a debug build, 40–80 in release).
fn drop_deep(module: ast::ModModule, depth: usize) {
    if depth <= UNCHECKED_DEPTH * 4 {
        drop(module);
    } else {
        let size = depth.saturating_mul(1024).saturating_add(GROW_BY);
        stacker::grow(size, move || drop(module));
    }
}

fn span_of(range: TextRange) -> Span {
    Span::new(range.start().to_usize(), range.end().to_usize())
}

/// A dynamic-import candidate whose callee must be checked against the
/// names the file binds to `importlib` / `import_module` (known only at the end).
struct Candidate {
    callee: CalleeKind,
    import: RawImport,
}

struct Walker<'t> {
    text: &'t str,
    optional: u32,
    type_only: u32,
    guard: Minors,
    fallback_for: Vec<String>,
    depth: usize,
    max_depth: usize,
    walk_exprs: bool,
    imports: Vec<RawImport>,
    relative: Vec<Relative>,
    candidates: Vec<Candidate>,
    /// Local names bound by `import importlib [as X]`.
    importlib_aliases: Vec<String>,
    /// Local names bound by `from importlib import import_module [as X]`.
    import_module_aliases: Vec<String>,
}

impl<'t> Walker<'t> {
    fn new(text: &'t str) -> Self {
        Walker {
            text,
            optional: 0,
            type_only: 0,
            guard: vg::ALL,
            fallback_for: Vec::new(),
            depth: 0,
            max_depth: 0,
            walk_exprs: true,
            imports: Vec::new(),
            relative: Vec::new(),
            candidates: Vec::new(),
            importlib_aliases: Vec::new(),
            import_module_aliases: Vec::new(),
        }
    }

    fn context(&self, dynamic: bool) -> Context {
        Context {
            optional: self.optional > 0,
            type_only: self.type_only > 0,
            dynamic,
        }
    }

    fn finish(self, found: &mut Found) {
        let Walker {
            mut imports,
            relative,
            candidates,
            importlib_aliases,
            import_module_aliases,
            max_depth,
            ..
        } = self;
        for c in candidates {
            let keep = match &c.callee {
                CalleeKind::Certain => true,
                CalleeKind::Function(name) => import_module_aliases.iter().any(|a| a == name),
                CalleeKind::Method(obj) => importlib_aliases.iter().any(|a| a == obj),
            };
            if keep {
                imports.push(c.import);
            }
        }
        imports.sort_by_key(|i| (i.span.start, i.span.end));
        found.imports = imports;
        found.relative = relative;
        found.max_depth = max_depth;
    }

    fn guarded<F: FnOnce(&mut Self)>(&mut self, f: F) {
        self.depth += 1;
        self.max_depth = self.max_depth.max(self.depth);
        if self.depth > UNCHECKED_DEPTH {
            stacker::maybe_grow(RED_ZONE, GROW_BY, || f(self));
        } else {
            f(self);
        }
        self.depth -= 1;
    }

    fn push(&mut self, module: &str, range: TextRange, stmt: TextRange, names: Vec<String>) {
        // Recovery can produce empty identifiers (`import ` or `import a..b`).
        if module.is_empty() || module.split('.').any(str::is_empty) {
            return;
        }
        if context::is_future(module) {
            return;
        }
        self.imports.push(RawImport {
            module: module.to_owned(),
            span: span_of(range),
            stmt: span_of(stmt),
            context: self.context(false),
            names,
            guard: self.guard,
            fallback_for: self.fallback_for.clone(),
        });
    }

    fn import_stmt(&mut self, stmt: &Stmt) {
        match stmt {
            Stmt::Import(ast::StmtImport { names, range, .. }) => {
                for alias in names {
                    let module = alias.name.id.as_str();
                    self.push(module, alias.name.range, *range, Vec::new());
                    if module == "importlib" {
                        let local = alias.asname.as_ref().map_or(module, |a| a.id.as_str());
                        self.importlib_aliases.push(local.to_owned());
                    }
                }
            }
            Stmt::ImportFrom(ast::StmtImportFrom {
                module: Some(module),
                names,
                level: 0,
                range,
                ..
            }) => {
                self.push(module.id.as_str(), module.range, *range, alias_names(names));
                if module.id.as_str() == "importlib" {
                    for alias in names {
                        if alias.name.id.as_str() == "import_module" {
                            let local = alias.asname.as_ref().unwrap_or(&alias.name);
                            self.import_module_aliases.push(local.id.to_string());
                        }
                    }
                }
            }
            Stmt::ImportFrom(ast::StmtImportFrom {
                module,
                names,
                level,
                range,
                ..
            }) if *level > 0 => {
                self.relative.push(Relative {
                    level: *level,
                    module: module.as_ref().map(|m| m.id.to_string()),
                    names: alias_names(names),
                    span: span_of(*range),
                    context: self.context(false),
                });
            }
            _ => {}
        }
    }

    fn try_stmt(&mut self, t: &ast::StmtTry) {
        // A missing module raises ModuleNotFoundError; the first handler
        // that matches it is the one that runs.
        let handler = t.handlers.iter().position(|h| {
            let ast::ExceptHandler::ExceptHandler(h) = h;
            h.type_.as_deref().is_none_or(catches_import_error)
        });
        let optional = handler.is_some_and(|i| {
            let ast::ExceptHandler::ExceptHandler(h) = &t.handlers[i];
            !h.body.last().is_some_and(gives_up)
        });
        if optional {
            self.optional += 1;
        }
        let first = self.imports.len();
        self.visit_body(&t.body);
        if optional {
            self.optional -= 1;
        }
        let body_modules: Vec<String> = self.imports[first..]
            .iter()
            .map(|i| i.module.clone())
            .collect();
        // Handlers, `else` and `finally` are not guarded by this try's own
        // handlers: an import there fails the script (see `context`).
        for (i, h) in t.handlers.iter().enumerate() {
            if Some(i) == handler && !body_modules.is_empty() {
                let outer = std::mem::replace(&mut self.fallback_for, body_modules.clone());
                self.visit_except_handler(h);
                self.fallback_for = outer;
            } else {
                self.visit_except_handler(h);
            }
        }
        self.visit_body(&t.orelse);
        self.visit_body(&t.finalbody);
    }

    fn if_stmt(&mut self, s: &ast::StmtIf) {
        self.visit_expr(&s.test);
        let outer_guard = self.guard;
        let (may_true, may_false) = version_test(&s.test);
        self.guard = outer_guard & may_true;
        let test = type_checking_test(&s.test);
        if test == Some(true) {
            self.type_only += 1;
        }
        self.visit_body(&s.body);
        if test == Some(true) {
            self.type_only -= 1;
        }
        // The `elif`s and `else` run only where the test may be false.
        self.guard = outer_guard & may_false;
        // After `if not TYPE_CHECKING:` every `elif`/`else` branch runs only
        // under the type checker.
        if test == Some(false) {
            self.type_only += 1;
        }
        for clause in &s.elif_else_clauses {
            self.visit_elif_else_clause(clause);
        }
        if test == Some(false) {
            self.type_only -= 1;
        }
        self.guard = outer_guard;
    }

    fn call(&mut self, call: &ast::ExprCall) {
        let callee = match call.func.as_ref() {
            Expr::Name(n) => context::callee_of_name(n.id.as_str()),
            Expr::Attribute(a) => match a.value.as_ref() {
                Expr::Name(obj) => context::callee_of_method(obj.id.as_str(), a.attr.id.as_str()),
                _ => None,
            },
            _ => None,
        };
        let Some(callee) = callee else { return };
        let Some(Expr::StringLiteral(lit)) = call.arguments.args.first() else {
            return;
        };
        let module = lit.value.to_str();
        // `import_module(".sub", package=…)` is relative: never a dependency.
        if module.starts_with('.') || !context::is_dotted_name(module) || context::is_future(module)
        {
            return;
        }
        let span = literal_content_span(self.text, &lit.value).unwrap_or(span_of(lit.range));
        self.candidates.push(Candidate {
            callee,
            import: RawImport {
                module: module.to_owned(),
                span,
                stmt: span_of(call.range()),
                context: self.context(true),
                names: Vec::new(),
                guard: self.guard,
                fallback_for: self.fallback_for.clone(),
            },
        });
    }
}

fn alias_names(names: &[ast::Alias]) -> Vec<String> {
    names
        .iter()
        .map(|a| a.name.id.as_str())
        .filter(|n| !n.is_empty() && *n != "*")
        .map(str::to_owned)
        .collect()
}

/// The bytes of the string's content when it is one plain literal whose
/// source text is exactly the value (no escapes), else `None`.
fn literal_content_span(text: &str, value: &ast::StringLiteralValue) -> Option<Span> {
    let [part] = value.as_slice() else {
        return None;
    };
    let start = part.range.start() + part.flags.opener_len();
    let end = part.range.end().checked_sub(part.flags.closer_len())?;
    let span = Span::new(start.to_usize(), end.to_usize());
    (text.get(span.start..span.end) == Some(&*part.value)).then_some(span)
}

/// `(may_be_true, may_be_false)` over Python 3 minors of an `if` test
/// (rules in `version_guard`); `(ALL, ALL)` when it is not a version test.
fn version_test(test: &Expr) -> (Minors, Minors) {
    const UNKNOWN: (Minors, Minors) = (vg::ALL, vg::ALL);
    match test {
        Expr::UnaryOp(u) if u.op == ast::UnaryOp::Not => {
            let (t, f) = version_test(&u.operand);
            (f, t)
        }
        Expr::BoolOp(b) => {
            let parts = b.values.iter().map(version_test);
            match b.op {
                ast::BoolOp::And => parts.fold((vg::ALL, 0), |(t, f), (t2, f2)| (t & t2, f | f2)),
                ast::BoolOp::Or => parts.fold((0, vg::ALL), |(t, f), (t2, f2)| (t | t2, f & f2)),
            }
        }
        Expr::Compare(c) if c.ops.len() == 1 && c.comparators.len() == 1 => {
            let Some(op) = cmp_op(c.ops[0]) else {
                return UNKNOWN;
            };
            let right = &c.comparators[0];
            let found = match (version_subject(&c.left), version_literal(right)) {
                (Some(s), Some(l)) => Some((s, op, l)),
                _ => match (version_literal(&c.left), version_subject(right)) {
                    (Some(l), Some(s)) => Some((s, op.flipped(), l)),
                    _ => None,
                },
            };
            found
                .and_then(|(s, op, l)| vg::compare(s, op, &l))
                .unwrap_or(UNKNOWN)
        }
        _ => UNKNOWN,
    }
}

fn cmp_op(op: ast::CmpOp) -> Option<vg::Op> {
    Some(match op {
        ast::CmpOp::Lt => vg::Op::Lt,
        ast::CmpOp::LtE => vg::Op::LtE,
        ast::CmpOp::Gt => vg::Op::Gt,
        ast::CmpOp::GtE => vg::Op::GtE,
        ast::CmpOp::Eq => vg::Op::Eq,
        ast::CmpOp::NotEq => vg::Op::NotEq,
        _ => return None,
    })
}

fn is_version_info(e: &Expr) -> bool {
    match e {
        Expr::Name(n) => n.id.as_str() == "version_info",
        Expr::Attribute(a) => {
            a.attr.id.as_str() == "version_info"
                && matches!(a.value.as_ref(), Expr::Name(n) if n.id.as_str() == "sys")
        }
        _ => false,
    }
}

fn small_int(e: &Expr) -> Option<u64> {
    match e {
        Expr::NumberLiteral(n) => match &n.value {
            ast::Number::Int(i) => i.as_u64(),
            _ => None,
        },
        _ => None,
    }
}

fn version_subject(e: &Expr) -> Option<vg::Subject> {
    if is_version_info(e) {
        return Some(vg::Subject::Tuple);
    }
    match e {
        Expr::Attribute(a) if is_version_info(&a.value) => match a.attr.id.as_str() {
            "major" => Some(vg::Subject::Major),
            "minor" => Some(vg::Subject::Minor),
            _ => None,
        },
        Expr::Subscript(s) if is_version_info(&s.value) => match s.slice.as_ref() {
            Expr::Slice(sl)
                if sl.lower.is_none()
                    && sl.step.is_none()
                    && sl.upper.as_deref().and_then(small_int) == Some(2) =>
            {
                Some(vg::Subject::Slice2)
            }
            i => match small_int(i) {
                Some(0) => Some(vg::Subject::Major),
                Some(1) => Some(vg::Subject::Minor),
                _ => None,
            },
        },
        _ => None,
    }
}

fn version_literal(e: &Expr) -> Option<vg::Literal> {
    match e {
        Expr::Tuple(t) => t
            .elts
            .iter()
            .map(small_int)
            .collect::<Option<Vec<u64>>>()
            .map(vg::Literal::Tuple),
        _ => small_int(e).map(vg::Literal::Int),
    }
}

/// `Some(true)` for `TYPE_CHECKING` / `x.TYPE_CHECKING`, `Some(false)` for
/// their negation with `not`, else `None`.
fn type_checking_test(test: &Expr) -> Option<bool> {
    match test {
        Expr::Name(n) if context::is_type_checking_name(n.id.as_str()) => Some(true),
        Expr::Attribute(a) if context::is_type_checking_name(a.attr.id.as_str()) => Some(true),
        Expr::UnaryOp(u) if u.op == ast::UnaryOp::Not => type_checking_test(&u.operand).map(|b| !b),
        _ => None,
    }
}

/// A handler ending in `raise …` or `sys.exit(…)` (and the like) does not
/// let the script run without the module.
fn gives_up(last: &Stmt) -> bool {
    match last {
        Stmt::Raise(_) => true,
        Stmt::Expr(e) => match e.value.as_ref() {
            Expr::Call(call) => match call.func.as_ref() {
                Expr::Name(n) => context::is_exit_call(None, n.id.as_str()),
                Expr::Attribute(a) => match a.value.as_ref() {
                    Expr::Name(obj) => {
                        context::is_exit_call(Some(obj.id.as_str()), a.attr.id.as_str())
                    }
                    _ => false,
                },
                _ => false,
            },
            _ => false,
        },
        _ => false,
    }
}

fn catches_import_error(ty: &Expr) -> bool {
    match ty {
        Expr::Name(n) => context::is_import_error_family(n.id.as_str()),
        Expr::Attribute(a) => context::is_import_error_family(a.attr.id.as_str()),
        Expr::Tuple(t) => t.elts.iter().any(catches_import_error),
        _ => false,
    }
}

impl<'a> Visitor<'a> for Walker<'_> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        self.guarded(|w| match stmt {
            Stmt::Import(_) | Stmt::ImportFrom(_) => w.import_stmt(stmt),
            Stmt::Try(t) => w.try_stmt(t),
            Stmt::If(s) => w.if_stmt(s),
            _ => visitor::walk_stmt(w, stmt),
        });
    }

    fn visit_elif_else_clause(&mut self, clause: &'a ast::ElifElseClause) {
        let type_only = clause
            .test
            .as_ref()
            .is_some_and(|t| type_checking_test(t) == Some(true));
        if let Some(test) = &clause.test {
            self.visit_expr(test);
        }
        // Clauses are visited in order with `guard` = "every earlier test
        // may be false"; this clause's body also needs its own test true,
        // and the clauses after it need it false.
        let before = self.guard;
        let (may_true, may_false) = clause.test.as_ref().map_or((vg::ALL, 0), version_test);
        self.guard = before & may_true;
        if type_only {
            self.type_only += 1;
        }
        self.visit_body(&clause.body);
        if type_only {
            self.type_only -= 1;
        }
        self.guard = before & may_false;
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        if !self.walk_exprs {
            return;
        }
        self.guarded(|w| {
            if let Expr::Call(call) = expr {
                w.call(call);
            }
            visitor::walk_expr(w, expr);
        });
    }
}

// ---- `sys.path` changes -------------------------------------------------
//
// Kept apart from the import walk: [`sys_path_changes`] takes parsed
// statements, either the whole module or, after the scanner, only those
// that can change what it finds ([`sys_path_changes_in`]), for the files
// [`mentions_sys_path`] picks out.

/// The text can change `sys.path` in a way [`sys_path_changes`] looks for.
///
/// Only a `sys.path` followed by what can change it counts (a method call,
/// `=`, `+=`, a subscript): most files that name `sys.path` only read it,
/// and reading their statements for it would be work for nothing.
pub(crate) fn mentions_sys_path(text: &str) -> bool {
    let b = text.as_bytes();
    if memchr::memmem::find(b, b"addsitedir").is_some() {
        return true;
    }
    let skip_blanks = |mut i: usize| {
        while matches!(b.get(i), Some(b' ' | b'\t')) {
            i += 1;
        }
        i
    };
    memchr::memmem::find_iter(b, b"sys.path").any(|at| {
        let i = skip_blanks(at + b"sys.path".len());
        match b.get(i) {
            Some(b'.') => {
                let rest = &b[skip_blanks(i + 1)..];
                [&b"insert"[..], b"append", b"extend"]
                    .iter()
                    .any(|m| rest.starts_with(m))
            }
            Some(b'[') => true,
            Some(b'+') => b.get(i + 1) == Some(&b'='),
            Some(b'=') => b.get(i + 1) != Some(&b'='),
            _ => false,
        }
    })
}

/// Every `sys.path.insert(i, D)`, `sys.path.append(D)`,
/// `sys.path.extend([D, …])`, `sys.path += [D, …]` and `site.addsitedir(D)`
/// of the module, anywhere in it, in source order, with D as data
/// ([`PathExpr`]). A name bound by a plain assignment (`HERE =
/// os.path.dirname(__file__)`) stands for the last value assigned to it
/// before the change. Any other assignment to `sys.path` is a change whose
/// directory is unknown.
pub(crate) fn sys_path_changes(body: &[Stmt]) -> Vec<SysPathChange> {
    let mut w = PathWalker::default();
    w.visit_body(body);
    w.out
}

/// Deeper path expressions are not read: no real one nests this far.
const MAX_PATH_DEPTH: usize = 32;
/// A name's value is kept only up to this many nodes ([`PathExpr::within`]).
const MAX_PATH_NODES: usize = 256;

#[derive(Default)]
struct PathWalker {
    names: std::collections::HashMap<String, PathExpr>,
    out: Vec<SysPathChange>,
}

/// `a.b.c` for a chain of names, else `None`.
fn dotted(e: &Expr) -> Option<String> {
    let mut parts = Vec::new();
    let mut e = e;
    loop {
        match e {
            Expr::Name(n) => {
                parts.push(n.id.as_str());
                break;
            }
            Expr::Attribute(a) if parts.len() < MAX_PATH_DEPTH => {
                parts.push(a.attr.id.as_str());
                e = &a.value;
            }
            _ => return None,
        }
    }
    parts.reverse();
    Some(parts.join("."))
}

fn is_sys_path(e: &Expr) -> bool {
    dotted(e).as_deref() == Some("sys.path")
}

impl PathWalker {
    fn path(&self, e: &Expr, depth: usize) -> PathExpr {
        if depth > MAX_PATH_DEPTH {
            return PathExpr::Unknown;
        }
        let sub = |e: &Expr| Box::new(self.path(e, depth + 1));
        let all = |args: &[Expr]| args.iter().map(|a| self.path(a, depth + 1)).collect();
        match e {
            Expr::Name(n) if n.id.as_str() == "__file__" => PathExpr::File,
            Expr::Name(n) => self
                .names
                .get(n.id.as_str())
                .cloned()
                .unwrap_or(PathExpr::Unknown),
            Expr::StringLiteral(s) => PathExpr::Str(s.value.to_str().to_owned()),
            Expr::BinOp(b) if b.op == ast::Operator::Div => PathExpr::Join(vec![
                self.path(&b.left, depth + 1),
                self.path(&b.right, depth + 1),
            ]),
            Expr::Attribute(a) if a.attr.id.as_str() == "parent" => {
                PathExpr::Parent(sub(&a.value), 1)
            }
            Expr::Subscript(s) => match (s.value.as_ref(), small_int(&s.slice)) {
                (Expr::Attribute(a), Some(n)) if a.attr.id.as_str() == "parents" && n < 64 => {
                    PathExpr::Parent(sub(&a.value), n as usize + 1)
                }
                _ => PathExpr::Unknown,
            },
            Expr::Call(c) if c.arguments.keywords.is_empty() => {
                let args = &c.arguments.args;
                let one = |f: fn(Box<PathExpr>) -> PathExpr| match &args[..] {
                    [x] => f(sub(x)),
                    _ => PathExpr::Unknown,
                };
                let name = dotted(&c.func).unwrap_or_default();
                let function = name.rsplit('.').next().unwrap_or("");
                let module = name.rsplit_once('.').map_or("", |(m, _)| m);
                let os_path = matches!(module, "" | "os.path" | "path" | "osp" | "posixpath");
                let pathlib = matches!(module, "" | "pathlib");
                match function {
                    "join" if os_path && !args.is_empty() => PathExpr::Join(all(args)),
                    "dirname" if os_path => one(PathExpr::Dirname),
                    "abspath" | "normpath" if os_path => one(PathExpr::Absolute),
                    "realpath" if os_path => one(PathExpr::Real),
                    "str" | "fspath" if matches!(module, "" | "os") => match &args[..] {
                        [x] => self.path(x, depth + 1),
                        _ => PathExpr::Unknown,
                    },
                    "Path" | "PurePath" | "PosixPath" if pathlib && !args.is_empty() => {
                        PathExpr::Join(all(args))
                    }
                    _ => match c.func.as_ref() {
                        // Methods of a path: `x.resolve()`, `x.joinpath("a")`.
                        Expr::Attribute(a) => match (a.attr.id.as_str(), &args[..]) {
                            ("resolve", []) => PathExpr::Real(sub(&a.value)),
                            ("absolute", []) => PathExpr::Absolute(sub(&a.value)),
                            ("joinpath", _) => {
                                let mut parts = vec![self.path(&a.value, depth + 1)];
                                parts.extend(args.iter().map(|x| self.path(x, depth + 1)));
                                PathExpr::Join(parts)
                            }
                            _ => PathExpr::Unknown,
                        },
                        _ => PathExpr::Unknown,
                    },
                }
            }
            _ => PathExpr::Unknown,
        }
    }

    fn push(&mut self, range: TextRange, dir: PathExpr) {
        self.out.push(SysPathChange {
            span: span_of(range),
            dir,
        });
    }

    fn elements(&mut self, range: TextRange, list: &Expr) {
        let elts = match list {
            Expr::List(l) => &l.elts,
            Expr::Tuple(t) => &t.elts,
            _ => return self.push(range, PathExpr::Unknown),
        };
        for e in elts {
            let dir = self.path(e, 0);
            self.push(range, dir);
        }
    }

    fn call(&mut self, c: &ast::ExprCall) {
        let Some(name) = dotted(&c.func) else { return };
        let args = &c.arguments.args;
        match (name.as_str(), &args[..]) {
            ("sys.path.insert", [_, dir])
            | ("sys.path.append", [dir])
            | ("site.addsitedir", [dir]) => {
                let dir = self.path(dir, 0);
                self.push(c.range(), dir);
            }
            ("sys.path.extend", [list]) => self.elements(c.range(), list),
            ("sys.path.insert" | "sys.path.append" | "sys.path.extend" | "site.addsitedir", _) => {
                self.push(c.range(), PathExpr::Unknown);
            }
            _ => {}
        }
    }

    fn assign(&mut self, target: &Expr, value: Option<&Expr>) {
        match target {
            Expr::Name(n) => {
                let v = value.map_or(PathExpr::Unknown, |v| self.path(v, 0));
                if v == PathExpr::Unknown || !v.within(MAX_PATH_NODES) {
                    self.names.remove(n.id.as_str());
                } else {
                    self.names.insert(n.id.to_string(), v);
                }
            }
            // `sys.path = […]`, `sys.path[0:0] = […]`.
            Expr::Subscript(s) if is_sys_path(&s.value) => {
                self.push(s.range, PathExpr::Unknown);
            }
            e if is_sys_path(e) => self.push(e.range(), PathExpr::Unknown),
            _ => {}
        }
    }
}

impl<'a> Visitor<'a> for PathWalker {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        stacker::maybe_grow(RED_ZONE, GROW_BY, || {
            visitor::walk_stmt(self, stmt);
            match stmt {
                Stmt::Assign(a) => {
                    for t in &a.targets {
                        self.assign(t, Some(&a.value));
                    }
                }
                Stmt::AnnAssign(a) => self.assign(&a.target, a.value.as_deref()),
                Stmt::AugAssign(a) if is_sys_path(&a.target) && a.op == ast::Operator::Add => {
                    self.elements(a.range, &a.value);
                }
                _ => {}
            }
        });
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        stacker::maybe_grow(RED_ZONE, GROW_BY, || {
            if let Expr::Call(c) = expr {
                self.call(c);
            }
            visitor::walk_expr(self, expr);
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The cheap test that makes a file's `sys.path` changes be read finds
    /// every change the tree's walk reports, and lets files that only read
    /// `sys.path` pass.
    #[test]
    fn only_files_that_may_change_sys_path_are_read_for_it() {
        let changes = |t: &str| parse_tree(t, false, mentions_sys_path(t)).sys_path.len();
        for t in [
            "import sys\nsys.path.insert(0, 'lib')\n",
            "import sys\nsys.path .append('lib')\n",
            "import sys\nsys.path.extend(['a', 'b'])\n",
            "import sys\nsys.path = ['lib']\n",
            "import sys\nsys.path[0:0] = ['lib']\n",
            "import sys\nsys.path += ['lib']\n",
            "import site\nsite.addsitedir('lib')\n",
        ] {
            assert!(mentions_sys_path(t), "{t}");
            assert!(changes(t) > 0, "{t}");
        }
        for t in [
            "import sys\nfor p in sys.path:\n    print(p)\n",
            "import sys\nok = sys.path == []\n",
            "import sys\nprint(sys.path, sys.path_hooks)\n",
        ] {
            assert!(!mentions_sys_path(t), "{t}");
            assert_eq!(changes(t), 0, "{t}");
        }
    }

    /// The scanner's path statements alone give the tree's changes, with
    /// the file's spans; a block header that changes `sys.path` is left
    /// to the tree.
    #[test]
    fn path_statements_give_the_trees_changes() {
        let scanned = |t: &str| parse_with(t, false, Route::Scan).map(|f| f.sys_path);
        let tree = |t: &str| parse_tree(t, false, mentions_sys_path(t)).sys_path;
        for t in [
            // Chained names, through a function body and an inline block.
            "import os, sys\nprint('start')\nHERE = os.path.dirname(__file__)\n\
             def f():\n    LIB = os.path.join(HERE, 'lib')\n    if LIB: sys.path.insert(0, LIB)\n",
            // A name reassigned to something unknown, or only annotated, is forgotten.
            "import sys\nD = 'lib'\nD = compute()\nsys.path.append(D)\n",
            "import sys\nD = 'lib'\n(D): str\nsys.path.append(D)\n",
            "import sys\nD = E = 'lib'\nx = [1, 2]\nsys.path += [D, E]\n",
            // pathlib, a change inside an expression, addsitedir.
            "import sys, site\nfrom pathlib import Path\nROOT = Path(__file__).resolve().parents[1]\n\
             ok = [sys.path.append(str(ROOT / d)) for d in ('a', 'b')]\nsite.addsitedir(ROOT)\n",
            // A change inside an f-string's field is code too.
            "import sys\nprint(f\"{sys.path.append('lib')}\")\n",
        ] {
            let want = tree(t);
            assert!(!want.is_empty(), "{t}");
            assert_eq!(scanned(t).as_ref(), Some(&want), "{t}");
        }
        for t in [
            "import sys\nif sys.path.insert(0, 'lib'):\n    pass\n",
            "import sys\ndef f(x=sys.path.append('lib')):\n    pass\n",
        ] {
            assert_eq!(scanned(t), None, "{t}");
            assert_eq!(parse(t, false).sys_path, tree(t), "{t}");
        }
    }
}
