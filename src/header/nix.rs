//! What the package expressions declare, read with rnix (never with regular
//! expressions). nix-shell builds `with import <nixpkgs> { }; … buildInputs
//! = [ (w1) (w2) … ]` from the `-p` words, so each word is one expression.
//!
//! Ranges from rnix are byte ranges into a word's unquoted text; they are
//! mapped back to file offsets through [`Word::file_span`].

use super::{
    pythons, version_of, DeclList, DeclStyle, Declaration, Header, OtherPackage, PythonRef,
    Unsupported,
};
use crate::span::Span;
use rnix::ast::{self, BinOpKind, Expr};
use rnix::{SyntaxKind, SyntaxNode};
use rowan::ast::AstNode;

/// `python3`, `python311`, `python3Full`, `pythonFull`, `pypy3`: an
/// interpreter attribute (the table is [`super::pythons`]).
pub fn is_interp(name: &str) -> bool {
    pythons::interp(name).is_some()
}

/// `python3Packages`, `python311Packages`, `pythonPackages`, `pypy3Packages`:
/// the interpreter attribute the package set belongs to.
pub fn set_interp(name: &str) -> Option<&str> {
    pythons::set_interp(name)
}

/// The package set that goes with an interpreter attribute (`python3Full` →
/// `python3Packages`); `python3Packages` for a name that is none.
pub fn package_set(interp: &str) -> String {
    pythons::interp(interp).map_or_else(|| "python3Packages".into(), |i| i.package_set())
}

/// A name that hints at Python: an expression we cannot read that mentions
/// one is unsupported rather than "some other package".
fn mentions_python(node: &SyntaxNode) -> bool {
    node.descendants_with_tokens().any(|e| {
        e.as_token().is_some_and(|t| {
            t.kind() == SyntaxKind::TOKEN_IDENT
                && (t.text().starts_with("python") || t.text().starts_with("pypy"))
        })
    })
}

/// The range of a node without leading/trailing whitespace and comments.
fn range(node: &SyntaxNode) -> (usize, usize) {
    let toks: Vec<_> = node
        .descendants_with_tokens()
        .filter_map(|e| e.into_token())
        .filter(|t| {
            !matches!(
                t.kind(),
                SyntaxKind::TOKEN_WHITESPACE | SyntaxKind::TOKEN_COMMENT
            )
        })
        .collect();
    match (toks.first(), toks.last()) {
        (Some(a), Some(b)) => (
            usize::from(a.text_range().start()),
            usize::from(b.text_range().end()),
        ),
        _ => {
            let r = node.text_range();
            (usize::from(r.start()), usize::from(r.end()))
        }
    }
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

fn ident_name(e: &Expr) -> Option<String> {
    match e {
        Expr::Ident(i) => i.ident_token().map(|t| t.text().to_string()),
        _ => None,
    }
}

/// The attribute names of a select's attrpath when all are plain identifiers.
fn attr_names(s: &ast::Select) -> Option<Vec<(String, (usize, usize))>> {
    if s.default_expr().is_some() {
        return None;
    }
    let path = s.attrpath()?;
    let mut out = Vec::new();
    for a in path.attrs() {
        match a {
            ast::Attr::Ident(i) => {
                let t = i.ident_token()?;
                let r = t.text_range();
                out.push((
                    t.text().to_string(),
                    (usize::from(r.start()), usize::from(r.end())),
                ));
            }
            _ => return None,
        }
    }
    Some(out)
}

struct Ctx<'a> {
    h: &'a mut Header,
    wi: usize,
}

impl Ctx<'_> {
    fn span(&self, (a, b): (usize, usize)) -> Span {
        self.h.words[self.wi].file_span(a, b)
    }
    fn text(&self, (a, b): (usize, usize)) -> String {
        self.h.words[self.wi]
            .text
            .get(a..b)
            .unwrap_or("")
            .to_string()
    }
    fn unsupported(&mut self, r: (usize, usize), reason: &str) {
        let span = self.span(r);
        let text = self.text(r);
        self.h.unsupported.push(Unsupported {
            span,
            text,
            reason: reason.into(),
            nix_file: false,
        });
    }
    fn python_ref(&self, attr: &str, r: (usize, usize)) -> PythonRef {
        PythonRef {
            attr: attr.to_string(),
            version: version_of(attr),
            span: self.span(r),
            from_set: false,
        }
    }
}

/// Parse a word's text; on a syntax error or a `#` comment report the whole
/// word and return `None`.
fn parse_word(ctx: &mut Ctx, what: &str) -> Option<Expr> {
    let text = ctx.h.words[ctx.wi].text.clone();
    let all = (0, text.len());
    let parse = rnix::Root::parse(&text);
    if let Some(err) = parse.errors().first() {
        ctx.unsupported(all, &format!("{what} is not valid Nix: {err}"));
        return None;
    }
    let root = parse.tree();
    let line_comment = root.syntax().descendants_with_tokens().any(|e| {
        e.as_token()
            .is_some_and(|t| t.kind() == SyntaxKind::TOKEN_COMMENT && t.text().starts_with('#'))
    });
    if line_comment && what == "this -p word" {
        ctx.unsupported(
            all,
            "a `#` comment in a -p word comments out the rest of nix-shell's one-line expression",
        );
        return None;
    }
    match root.expr() {
        Some(e) => Some(e),
        None => {
            ctx.unsupported(all, &format!("{what} is empty"));
            None
        }
    }
}

/// Analyse one `-p` word.
pub fn package_word(h: &mut Header, wi: usize) {
    let mut ctx = Ctx { h, wi };
    let word_span = ctx.h.words[wi].span;
    let word_text = ctx.h.words[wi].text.clone();
    let Some(expr) = parse_word(&mut ctx, "this -p word") else {
        return;
    };
    let e = strip_parens(expr);
    let r = range(e.syntax());
    if let Some(name) = ident_name(&e) {
        if is_interp(&name) {
            let p = ctx.python_ref(&name, r);
            ctx.h.pythons.push(p);
            return;
        }
    }
    if let Expr::Select(s) = &e {
        if let Some(d) = set_select(s) {
            let (prefix, attr, attr_r, interp, interp_r) = d;
            let python = ctx.python_ref(&interp, interp_r);
            let attr_span = ctx.span(attr_r);
            push_word_decl(
                ctx.h,
                wi,
                WordDecl {
                    prefix,
                    attr,
                    attr_span,
                    element: word_span,
                    text_element: (0, word_text.len()),
                    python,
                    style: DeclStyle::Word,
                },
            );
            return;
        }
    }
    if let Some(ap) = with_packages(&e) {
        analyse_with_packages(&mut ctx, ap);
        return;
    }
    if mentions_python(e.syntax()) {
        ctx.unsupported(r, "a Python expression nixdeps does not understand");
    } else {
        ctx.h.others.push(OtherPackage {
            text: word_text,
            span: word_span,
        });
    }
}

/// `python3Packages.x` / `python3.pkgs.x`: (prefix, attr, attr range,
/// interpreter, interpreter range).
type SetSelect = (String, String, (usize, usize), String, (usize, usize));

fn set_select(s: &ast::Select) -> Option<SetSelect> {
    let base = s.expr()?;
    let base_name = ident_name(&base)?;
    let base_r = range(base.syntax());
    let names = attr_names(s)?;
    if let Some(interp) = set_interp(&base_name) {
        if let [(attr, ar)] = names.as_slice() {
            return Some((
                format!("{base_name}."),
                attr.clone(),
                *ar,
                interp.to_string(),
                base_r,
            ));
        }
    }
    if is_interp(&base_name) {
        if let [(pkgs, _), (attr, ar)] = names.as_slice() {
            if pkgs == "pkgs" {
                return Some((
                    format!("{base_name}.pkgs."),
                    attr.clone(),
                    *ar,
                    base_name.clone(),
                    base_r,
                ));
            }
        }
    }
    None
}

pub(crate) struct WordDecl {
    pub prefix: String,
    pub attr: String,
    pub attr_span: Span,
    pub element: Span,
    pub text_element: (usize, usize),
    pub python: PythonRef,
    pub style: DeclStyle,
}

/// A flake installable's declaration: `text[..a]` is its prefix
/// (`nixpkgs#python3Packages.`), `attr` starts at `a`, the interpreter is
/// named by the `set_len` bytes at `skip`.
#[allow(clippy::too_many_arguments)]
fn installable_decl(
    r: &dyn Fn(usize, usize) -> Span,
    text: &str,
    span: Span,
    skip: usize,
    interp: &str,
    set_len: usize,
    a: usize,
    attr: &str,
) -> WordDecl {
    WordDecl {
        prefix: text[..a].to_string(),
        attr: attr.to_string(),
        attr_span: r(a, a + attr.len()),
        element: span,
        text_element: (0, text.len()),
        python: PythonRef {
            attr: interp.to_string(),
            version: version_of(interp),
            span: r(skip, skip + set_len),
            from_set: true,
        },
        style: DeclStyle::Installable,
    }
}

/// Add a word-style (or installable) declaration to the group of words with
/// the same prefix.
pub(crate) fn push_word_decl(h: &mut Header, wi: usize, mut d: WordDecl) {
    d.python.from_set = true;
    let list = match h.word_groups.get(&(d.style, d.prefix.clone())) {
        Some(&i) => {
            h.lists[i].span = h.lists[i].span.cover(d.element);
            i
        }
        None => {
            h.lists.push(DeclList {
                style: d.style,
                span: d.element,
                python: d.python.clone(),
                arg: None,
                with_arg: false,
                prefix: Some(d.prefix.clone()),
                word: None,
                text_items: Vec::new(),
                text_close: 0,
            });
            h.pythons.push(d.python.clone());
            let i = h.lists.len() - 1;
            h.word_groups.insert((d.style, d.prefix.clone()), i);
            i
        }
    };
    h.declarations.push(Declaration {
        attr: d.attr,
        span: d.attr_span,
        element: d.element,
        list,
        style: d.style,
        python: d.python,
        word: wi,
        text_element: d.text_element,
    });
}

/// `INTERP.withPackages ARG` (INTERP possibly `pkgs.python3`), the apply node.
fn with_packages(e: &Expr) -> Option<ast::Apply> {
    let Expr::Apply(ap) = e else { return None };
    let Expr::Select(s) = ap.lambda()? else {
        return None;
    };
    let names = attr_names(&s)?;
    let (last, _) = names.last()?;
    if last != "withPackages" {
        return None;
    }
    interp_of(&s)?;
    Some(ap.clone())
}

/// The interpreter attribute (and its range) of `INTERP.withPackages`.
fn interp_of(s: &ast::Select) -> Option<(String, (usize, usize))> {
    let names = attr_names(s)?;
    if names.len() >= 2 {
        let (n, r) = &names[names.len() - 2];
        return is_interp(n).then(|| (n.clone(), *r));
    }
    let base = s.expr()?;
    let n = ident_name(&base)?;
    is_interp(&n).then(|| (n, range(base.syntax())))
}

fn analyse_with_packages(ctx: &mut Ctx, ap: ast::Apply) {
    let Some(Expr::Select(sel)) = ap.lambda() else {
        return;
    };
    let Some((interp, ir)) = interp_of(&sel) else {
        return;
    };
    let python = ctx.python_ref(&interp, ir);
    ctx.h.pythons.push(python.clone());
    let Some(arg) = ap.argument() else {
        ctx.unsupported(range(ap.syntax()), "withPackages without an argument");
        return;
    };
    let arg = strip_parens(arg);
    let Expr::Lambda(lam) = &arg else {
        ctx.unsupported(
            range(arg.syntax()),
            "withPackages argument is not a `ps: [ … ]` function",
        );
        return;
    };
    let param = match lam.param() {
        Some(ast::Param::IdentParam(p)) => p.ident().and_then(|i| i.ident_token()),
        _ => None,
    };
    let (Some(param), Some(body)) = (param, lam.body()) else {
        ctx.unsupported(
            range(lam.syntax()),
            "withPackages function with a pattern argument",
        );
        return;
    };
    let arg_name = param.text().to_string();
    body_lists(ctx, body, &arg_name, false, &python);
}

fn body_lists(ctx: &mut Ctx, body: Expr, arg: &str, with_arg: bool, python: &PythonRef) {
    let body = strip_parens(body);
    match &body {
        Expr::With(w) => {
            let ns = w.namespace().map(strip_parens);
            if ns.as_ref().and_then(ident_name).as_deref() == Some(arg) {
                if let Some(b) = w.body() {
                    body_lists(ctx, b, arg, true, python);
                    return;
                }
            }
            ctx.unsupported(
                range(body.syntax()),
                "`with` of something other than the package set argument",
            );
        }
        Expr::BinOp(b) if b.operator() == Some(BinOpKind::Concat) => {
            if let (Some(l), Some(r)) = (b.lhs(), b.rhs()) {
                body_lists(ctx, l, arg, with_arg, python);
                body_lists(ctx, r, arg, with_arg, python);
            }
        }
        Expr::List(l) => list(ctx, l, arg, with_arg, python),
        _ => ctx.unsupported(
            range(body.syntax()),
            "a withPackages body nixdeps cannot read (expected a list of packages)",
        ),
    }
}

fn list(ctx: &mut Ctx, l: &ast::List, arg: &str, with_arg: bool, python: &PythonRef) {
    let lr = range(l.syntax());
    let close = l
        .r_brack_token()
        .map(|t| usize::from(t.text_range().start()))
        .unwrap_or(lr.1.saturating_sub(1));
    let index = ctx.h.lists.len();
    let items: Vec<Expr> = l.items().collect();
    let text_items = items.iter().map(|i| range(i.syntax())).collect();
    ctx.h.lists.push(DeclList {
        style: if with_arg {
            DeclStyle::Bare
        } else {
            DeclStyle::Selected
        },
        span: ctx.span(lr),
        python: python.clone(),
        arg: Some(arg.to_string()),
        with_arg,
        prefix: None,
        word: Some(ctx.wi),
        text_items,
        text_close: close,
    });
    for item in items {
        let er = range(item.syntax());
        let e = strip_parens(item);
        let found = match &e {
            Expr::Ident(_) if with_arg => ident_name(&e).map(|n| {
                let r = range(e.syntax());
                (n, r, DeclStyle::Bare)
            }),
            Expr::Select(s) => {
                let base = s.expr().as_ref().and_then(ident_name);
                match (base.as_deref(), attr_names(s).as_deref()) {
                    (Some(b), Some([(n, r)])) if b == arg => {
                        Some((n.clone(), *r, DeclStyle::Selected))
                    }
                    _ => None,
                }
            }
            _ => None,
        };
        match found {
            Some((attr, r, style)) => {
                let d = Declaration {
                    attr,
                    span: ctx.span(r),
                    element: ctx.span(er),
                    list: index,
                    style,
                    python: python.clone(),
                    word: ctx.wi,
                    text_element: er,
                };
                ctx.h.declarations.push(d);
            }
            None => ctx.unsupported(er, "a list element nixdeps does not understand"),
        }
    }
}

/// Analyse the flake form's `--expr` word: every `INTERP.withPackages`
/// application in it declares packages; the rest is not ours to read.
pub fn expr_word(h: &mut Header, wi: usize) {
    let mut ctx = Ctx { h, wi };
    let Some(expr) = parse_word(&mut ctx, "the --expr value") else {
        return;
    };
    let mut found = false;
    let applies: Vec<ast::Apply> = expr
        .syntax()
        .descendants()
        .filter_map(ast::Apply::cast)
        .collect();
    for ap in applies {
        if with_packages(&Expr::Apply(ap.clone())).is_some() {
            found = true;
            analyse_with_packages(&mut ctx, ap);
        }
    }
    if !found {
        let r = range(expr.syntax());
        if mentions_python(expr.syntax()) {
            ctx.unsupported(r, "an --expr nixdeps does not understand");
        } else {
            let (span, text) = (ctx.span(r), ctx.text(r));
            ctx.h.others.push(OtherPackage { text, span });
        }
    }
}

/// A flake installable `REF#ATTRPATH`.
pub fn installable(h: &mut Header, wi: usize) {
    let w = &h.words[wi];
    let text = w.text.clone();
    let span = w.span;
    let Some(hash) = text.find('#') else {
        h.others.push(OtherPackage { text, span });
        return;
    };
    let mut path = &text[hash + 1..];
    let mut skip = hash + 1;
    // `nixpkgs#legacyPackages.x86_64-linux.python3Packages.x`
    if let Some(rest) = path.strip_prefix("legacyPackages.") {
        if let Some(dot) = rest.find('.') {
            skip += "legacyPackages.".len() + dot + 1;
            path = &rest[dot + 1..];
        }
    }
    let parts: Vec<&str> = path.split('.').collect();
    let valid = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    };
    if !parts.iter().all(|p| valid(p)) {
        let mentions = parts
            .iter()
            .any(|p| p.starts_with("python") || p.starts_with("pypy"));
        if mentions {
            h.unsupported.push(Unsupported {
                span,
                text,
                reason: "an installable nixdeps does not understand".into(),
                nix_file: false,
            });
        } else {
            h.others.push(OtherPackage { text, span });
        }
        return;
    }
    let r = |a: usize, b: usize| h.words[wi].file_span(a, b);
    match parts.as_slice() {
        [one] if is_interp(one) => {
            let p = PythonRef {
                attr: one.to_string(),
                version: version_of(one),
                span: r(skip, skip + one.len()),
                from_set: false,
            };
            h.pythons.push(p);
        }
        // `SET.attr` and `INTERP.pkgs.attr`: the set (its first `set_len`
        // bytes) names the interpreter; the attribute starts at `a`.
        [set, attr] if set_interp(set).is_some() => {
            let interp = set_interp(set).unwrap_or("python3");
            let d = installable_decl(
                &r,
                &text,
                span,
                skip,
                interp,
                set.len(),
                skip + set.len() + 1,
                attr,
            );
            push_word_decl(h, wi, d);
        }
        [interp, pkgs, attr] if is_interp(interp) && *pkgs == "pkgs" => {
            let d = installable_decl(
                &r,
                &text,
                span,
                skip,
                interp,
                interp.len(),
                skip + interp.len() + 6,
                attr,
            );
            push_word_decl(h, wi, d);
        }
        _ if parts
            .iter()
            .any(|p| p.starts_with("python") || p.starts_with("pypy")) =>
        {
            h.unsupported.push(Unsupported {
                span,
                text,
                reason: "an installable nixdeps does not understand".into(),
                nix_file: false,
            });
        }
        _ => h.others.push(OtherPackage { text, span }),
    }
}
