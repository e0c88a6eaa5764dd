//! The fast path of [`super::parse`]: a byte-level scanner that finds the
//! imports of a file without building its syntax tree.
//!
//! Most of a script is code that imports nothing, and building (then
//! freeing) ruff's tree for it was most of nixdeps' time. The scanner
//! tokenises the file itself (ruff 0.0.10's public lexer yields token kinds
//! without their ranges, so it cannot name a module), groups the tokens in
//! logical lines, and follows the block structure through indentation: the
//! bodies of `try` (and which handler catches an ImportError, and whether
//! it gives up), `if TYPE_CHECKING`, `sys.version_info` tests, and every
//! other block. Where the file names `import_module` or `__import__` it
//! also reads every call whose first argument is a plain string (dynamic
//! imports, with the tree walk's callee and alias rules). It keeps only the
//! blocks that contain an import and gives
//! them the contexts the tree walk in `python.rs` gives; the two are checked
//! against each other on the standard library and site-packages
//! (`tests/imports_scan.rs`) and on generated snippets.
//!
//! In a file that may change `sys.path` it also keeps the simple statements
//! that can matter to `python::sys_path_changes` (see "Statements that may
//! change `sys.path`" below), which the caller parses alone.
//!
//! It answers `None` — "parse it properly" — on anything it is not sure of:
//! every lexical error, unbalanced brackets, inconsistent indentation, a
//! block without a body, two operands or two binary operators in a row
//! (`print "x"`, `x = = 1`), a statement keyword in the middle of a
//! statement, `match` statements, non-ASCII identifiers, and shapes of
//! `if`/`except` tests it does not recognise exactly. A file whose syntax
//! error only a grammar can see (`def f(:`…) is what it cannot catch, so
//! the caller still gets ND101 for every error the checks above see.

use super::{Found, RawImport};
use crate::imports::context;
use crate::imports::version_guard::{self as vg, Minors};
use crate::imports::{Context, Relative};
use crate::span::Span;

/// Not sure: the caller parses the file instead. Holds the scanner's
/// source line that gave up (to see which checks cost the most deferrals).
#[derive(Debug)]
pub(super) struct Unsure(pub(super) u32);

type R<T> = Result<T, Unsure>;

/// Deeper bracket or f-string nesting than this goes to the parser (the
/// scanner's helpers recurse on it).
const MAX_NESTING: u32 = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum K {
    Name,
    Number,
    Str,
    // Keywords (ruff's hard keywords; `match`, `case`, `type`, `_` are names).
    False,
    None,
    True,
    And,
    As,
    Assert,
    Async,
    Await,
    Break,
    Class,
    Continue,
    Def,
    Del,
    Elif,
    Else,
    Except,
    Finally,
    For,
    From,
    Global,
    If,
    Import,
    In,
    Is,
    Lambda,
    Nonlocal,
    Not,
    Or,
    Pass,
    Raise,
    Return,
    Try,
    While,
    With,
    Yield,
    // Punctuation.
    Lpar,
    Rpar,
    Lsqb,
    Rsqb,
    Lbrace,
    Rbrace,
    Colon,
    Semi,
    Comma,
    Dot,
    Ellipsis,
    Star,
    DoubleStar,
    Minus,
    Plus,
    Tilde,
    At,
    Arrow,
    Walrus,
    /// `<` `>` `<=` `>=` `==` `!=`
    Cmp,
    Assign,
    /// `+=` and the other augmented assignments.
    AugAssign,
    /// Every other binary-only operator.
    BinOp,
}

impl K {
    fn keyword(s: &[u8]) -> K {
        // Every name goes through here: compare it as one integer (all
        // keywords are 2 to 8 ASCII letters), not byte by byte per keyword.
        const fn pack(s: &[u8]) -> u64 {
            let mut v = 0u64;
            let mut i = 0;
            while i < s.len() {
                v = (v << 8) | s[i] as u64;
                i += 1;
            }
            v
        }
        const FALSE: u64 = pack(b"False");
        const NONE: u64 = pack(b"None");
        const TRUE: u64 = pack(b"True");
        const AND: u64 = pack(b"and");
        const AS: u64 = pack(b"as");
        const ASSERT: u64 = pack(b"assert");
        const ASYNC: u64 = pack(b"async");
        const AWAIT: u64 = pack(b"await");
        const BREAK: u64 = pack(b"break");
        const CLASS: u64 = pack(b"class");
        const CONTINUE: u64 = pack(b"continue");
        const DEF: u64 = pack(b"def");
        const DEL: u64 = pack(b"del");
        const ELIF: u64 = pack(b"elif");
        const ELSE: u64 = pack(b"else");
        const EXCEPT: u64 = pack(b"except");
        const FINALLY: u64 = pack(b"finally");
        const FOR: u64 = pack(b"for");
        const FROM: u64 = pack(b"from");
        const GLOBAL: u64 = pack(b"global");
        const IF: u64 = pack(b"if");
        const IMPORT: u64 = pack(b"import");
        const IN: u64 = pack(b"in");
        const IS: u64 = pack(b"is");
        const LAMBDA: u64 = pack(b"lambda");
        const NONLOCAL: u64 = pack(b"nonlocal");
        const NOT: u64 = pack(b"not");
        const OR: u64 = pack(b"or");
        const PASS: u64 = pack(b"pass");
        const RAISE: u64 = pack(b"raise");
        const RETURN: u64 = pack(b"return");
        const TRY: u64 = pack(b"try");
        const WHILE: u64 = pack(b"while");
        const WITH: u64 = pack(b"with");
        const YIELD: u64 = pack(b"yield");
        if !(2..=8).contains(&s.len()) {
            return K::Name;
        }
        match pack(s) {
            FALSE => K::False,
            NONE => K::None,
            TRUE => K::True,
            AND => K::And,
            AS => K::As,
            ASSERT => K::Assert,
            ASYNC => K::Async,
            AWAIT => K::Await,
            BREAK => K::Break,
            CLASS => K::Class,
            CONTINUE => K::Continue,
            DEF => K::Def,
            DEL => K::Del,
            ELIF => K::Elif,
            ELSE => K::Else,
            EXCEPT => K::Except,
            FINALLY => K::Finally,
            FOR => K::For,
            FROM => K::From,
            GLOBAL => K::Global,
            IF => K::If,
            IMPORT => K::Import,
            IN => K::In,
            IS => K::Is,
            LAMBDA => K::Lambda,
            NONLOCAL => K::Nonlocal,
            NOT => K::Not,
            OR => K::Or,
            PASS => K::Pass,
            RAISE => K::Raise,
            RETURN => K::Return,
            TRY => K::Try,
            WHILE => K::While,
            WITH => K::With,
            YIELD => K::Yield,
            _ => K::Name,
        }
    }

    /// Ends an operand: another operand may not follow.
    fn ends_operand(self) -> bool {
        matches!(
            self,
            K::Name
                | K::Number
                | K::Str
                | K::False
                | K::None
                | K::True
                | K::Rpar
                | K::Rsqb
                | K::Rbrace
                | K::Ellipsis
        )
    }

    fn starts_operand(self) -> bool {
        matches!(
            self,
            K::Name
                | K::Number
                | K::Str
                | K::False
                | K::None
                | K::True
                | K::Ellipsis
                | K::Lambda
                | K::Await
        )
    }

    /// Binary-only: needs an operand on both sides (`,` and `;` need one before).
    fn binary_only(self) -> bool {
        matches!(
            self,
            K::Dot
                | K::Comma
                | K::Semi
                | K::Assign
                | K::AugAssign
                | K::Cmp
                | K::BinOp
                | K::Arrow
                | K::Walrus
        )
    }

    fn is_keyword(self) -> bool {
        (self as u8) >= (K::False as u8) && (self as u8) <= (K::Yield as u8)
    }

    /// Keywords that are an operand by themselves.
    fn is_constant(self) -> bool {
        matches!(self, K::False | K::None | K::True)
    }

    /// Keywords that can only begin a statement (or follow `async` there).
    fn statement_only(self) -> bool {
        matches!(
            self,
            K::Import
                | K::Def
                | K::Class
                | K::Return
                | K::Pass
                | K::Try
                | K::Except
                | K::Finally
                | K::While
                | K::With
                | K::Global
                | K::Nonlocal
                | K::Del
                | K::Assert
                | K::Break
                | K::Continue
                | K::Raise
                | K::Elif
        )
    }

    fn opener(self) -> bool {
        matches!(self, K::Lpar | K::Lsqb | K::Lbrace)
    }

    fn closer(self) -> bool {
        matches!(self, K::Rpar | K::Rsqb | K::Rbrace)
    }
}

#[derive(Debug, Clone, Copy)]
struct Tok {
    kind: K,
    /// Bracket depth outside the token (an opener and its closer share it).
    depth: u32,
    start: u32,
    end: u32,
}

// ---------------------------------------------------------------------------
// The kept structure: only blocks that contain an import.

#[derive(Debug)]
enum Node {
    Import {
        /// Each alias's module name and `as` name.
        modules: Vec<(Span, Option<Span>)>,
        stmt: Span,
    },
    From {
        level: u32,
        module: Option<Span>,
        names: Vec<(Span, Option<Span>)>,
        stmt: Span,
    },
    /// Dynamic-import candidates of a statement (or a block's header).
    Calls(Vec<Call>),
    /// Each clause: its test, the calls in that test, its body.
    If(Vec<(Option<IfTest>, Vec<Call>, Body)>),
    Try {
        body: Body,
        /// Whether the handler catches an ImportError (a bare `except` does),
        /// the calls in its type, its body.
        handlers: Vec<(bool, Vec<Call>, Body)>,
        orelse: Body,
        finally: Body,
    },
    /// Any other compound statement: its bodies in order.
    Block(Vec<Body>),
}

/// `f("mod")` where `f` may be an import function (`python::Walker::call`).
#[derive(Debug)]
struct Call {
    callee: context::CalleeKind,
    /// `None`: escapes the scanner does not decode (matters only if the
    /// callee turns out to be an import function).
    module: Option<String>,
    span: Span,
    stmt: Span,
}

#[derive(Debug, Default)]
struct Body {
    nodes: Vec<Node>,
    /// Its last statement is `raise …` or an exit call (see `context`).
    gives_up: bool,
}

#[derive(Debug, Clone, Copy)]
struct IfTest {
    may_true: Minors,
    may_false: Minors,
    type_checking: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Head {
    If,
    Elif,
    Else,
    Try,
    Except,
    Finally,
    /// `for` / `while`: may take an `else`.
    Loop,
    /// `def` / `class` / `with`.
    Plain,
}

/// A compound statement whose clauses are still being read.
#[derive(Debug)]
struct Open {
    clauses: Vec<Clause>,
}

#[derive(Debug)]
struct Clause {
    head: Head,
    test: Option<IfTest>,
    catches: bool,
    calls: Vec<Call>,
    body: Body,
}

#[derive(Debug)]
struct Frame<'t> {
    /// `None` until the first line of the body sets it.
    indent: Option<&'t [u8]>,
    body: Body,
    open: Option<Open>,
    /// The last line was a decorator: a `def` or `class` must follow.
    decorated: bool,
}

struct Scanner<'t> {
    text: &'t str,
    src: &'t [u8],
    pos: usize,
    comments: Option<Vec<Span>>,
    toks: Vec<Tok>,
    depth: u32,
    brackets: Vec<K>,
    frames: Vec<Frame<'t>>,
    /// The file may hold dynamic imports: calls are read too.
    dynamic: bool,
    /// The file may change `sys.path`: the statements that can matter are kept.
    paths: Option<PathStatements<'t>>,
}

/// What [`scan`] found: the imports and, when asked for, the statements
/// that [`super::sys_path_changes`] must read ([`PathStatements`]).
pub(super) struct Scanned {
    pub(super) found: Found,
    pub(super) path_statements: Option<Vec<Span>>,
}

/// The imports of `text` as the tree walk would find them, or `Unsure`;
/// with `want_paths`, also the statements that may change `sys.path`.
pub(super) fn scan(text: &str, want_comments: bool, want_paths: bool) -> R<Scanned> {
    if text.len() >= u32::MAX as usize {
        return Err(Unsure(line!()));
    }
    let mut s = Scanner {
        text,
        src: text.as_bytes(),
        pos: 0,
        comments: want_comments.then(Vec::new),
        toks: Vec::with_capacity(64),
        depth: 0,
        brackets: Vec::new(),
        frames: vec![Frame {
            indent: Some(b""),
            body: Body::default(),
            open: None,
            decorated: false,
        }],
        dynamic: may_import_dynamically(text),
        paths: want_paths.then(PathStatements::default),
    };
    if text.starts_with('\u{feff}') {
        s.pos = 3;
    }
    s.run()?;
    let mut frames = std::mem::take(&mut s.frames);
    let module = close_all(&mut frames)?;
    let mut w = Walk {
        text,
        optional: 0,
        type_only: 0,
        guard: vg::ALL,
        fallback_for: Vec::new(),
        imports: Vec::new(),
        relative: Vec::new(),
        candidates: Vec::new(),
        importlib_aliases: Vec::new(),
        import_module_aliases: Vec::new(),
    };
    w.body(&module);
    w.finish()?;
    w.imports.sort_by_key(|i| (i.span.start, i.span.end));
    let found = Found {
        imports: w.imports,
        errors: Vec::new(),
        comments: s.comments.unwrap_or_default(),
        relative: w.relative,
        max_depth: 0,
        // The caller reads the path statements with the parser.
        sys_path: Vec::new(),
    };
    Ok(Scanned {
        found,
        path_statements: s.paths.map(|p| p.spans),
    })
}

/// As `python::parse`: expressions need reading only where a dynamic
/// import can be, and every form names one of these.
pub(super) fn may_import_dynamically(text: &str) -> bool {
    let b = text.as_bytes();
    memchr::memmem::find(b, b"import_module").is_some()
        || memchr::memmem::find(b, b"__import__").is_some()
}

fn span(t: &Tok) -> Span {
    Span::new(t.start as usize, t.end as usize)
}

impl<'t> Scanner<'t> {
    fn run(&mut self) -> R<()> {
        loop {
            // At the start of a physical line, outside brackets.
            let line_start = self.pos;
            while let Some(b' ' | b'\t') = self.src.get(self.pos) {
                self.pos += 1;
            }
            let indent = &self.src[line_start..self.pos];
            match self.src.get(self.pos) {
                None => return Ok(()),
                Some(b'\n') => {
                    self.pos += 1;
                    continue;
                }
                Some(b'\r') => {
                    self.newline();
                    continue;
                }
                Some(b'#') => {
                    self.comment();
                    continue;
                }
                Some(b'\\' | b'\x0c') => return Err(Unsure(line!())),
                _ => {}
            }
            self.toks.clear();
            self.logical_line()?;
            self.line(indent)?;
        }
    }

    fn newline(&mut self) {
        if self.src.get(self.pos) == Some(&b'\r') {
            self.pos += 1;
            if self.src.get(self.pos) == Some(&b'\n') {
                self.pos += 1;
            }
        } else {
            self.pos += 1;
        }
    }

    fn comment(&mut self) {
        let start = self.pos;
        let rest = &self.src[start..];
        let len = memchr::memchr2(b'\n', b'\r', rest).unwrap_or(rest.len());
        self.pos = start + len;
        if let Some(c) = &mut self.comments {
            c.push(Span::new(start, start + len));
        }
    }

    fn push(&mut self, kind: K, start: usize) {
        self.toks.push(Tok {
            kind,
            depth: self.depth,
            start: start as u32,
            end: self.pos as u32,
        });
    }

    /// Tokens up to the end of the logical line (its newline consumed).
    fn logical_line(&mut self) -> R<()> {
        loop {
            let Some(&b) = self.src.get(self.pos) else {
                return if self.depth == 0 {
                    Ok(())
                } else {
                    Err(Unsure(line!()))
                };
            };
            let start = self.pos;
            match b {
                b' ' | b'\t' | b'\x0c' => self.pos += 1,
                b'\n' | b'\r' => {
                    self.newline();
                    if self.depth == 0 {
                        return Ok(());
                    }
                }
                b'#' => self.comment(),
                b'\\' => {
                    self.pos += 1;
                    match self.src.get(self.pos) {
                        Some(b'\n' | b'\r') => self.newline(),
                        _ => return Err(Unsure(line!())),
                    }
                    if self.pos >= self.src.len() {
                        return Err(Unsure(line!()));
                    }
                }
                b'\'' | b'"' => {
                    self.string(Prefix::default())?;
                    self.push(K::Str, start);
                }
                b'a'..=b'z' | b'A'..=b'Z' | b'_' => {
                    while let Some(b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_') =
                        self.src.get(self.pos)
                    {
                        self.pos += 1;
                    }
                    match self.src.get(self.pos) {
                        Some(b'\'' | b'"') => {
                            if let Some(p) = Prefix::of(&self.src[start..self.pos]) {
                                self.string(p)?;
                                self.push(K::Str, start);
                                continue;
                            }
                        }
                        Some(c) if *c >= 0x80 => return Err(Unsure(line!())),
                        _ => {}
                    }
                    let kind = K::keyword(&self.src[start..self.pos]);
                    self.push(kind, start);
                }
                b'0'..=b'9' => {
                    self.number()?;
                    self.push(K::Number, start);
                }
                b'.' => {
                    if matches!(self.src.get(self.pos + 1), Some(b'0'..=b'9')) {
                        self.number()?;
                        self.push(K::Number, start);
                    } else if self.src[self.pos..].starts_with(b"...") {
                        self.pos += 3;
                        self.push(K::Ellipsis, start);
                    } else {
                        self.pos += 1;
                        self.push(K::Dot, start);
                    }
                }
                b'(' | b'[' | b'{' => {
                    let kind = match b {
                        b'(' => K::Lpar,
                        b'[' => K::Lsqb,
                        _ => K::Lbrace,
                    };
                    self.pos += 1;
                    self.push(kind, start);
                    self.depth += 1;
                    if self.depth > MAX_NESTING {
                        return Err(Unsure(line!()));
                    }
                    self.brackets.push(kind);
                }
                b')' | b']' | b'}' => {
                    let (kind, open) = match b {
                        b')' => (K::Rpar, K::Lpar),
                        b']' => (K::Rsqb, K::Lsqb),
                        _ => (K::Rbrace, K::Lbrace),
                    };
                    if self.brackets.pop() != Some(open) {
                        return Err(Unsure(line!()));
                    }
                    self.depth -= 1;
                    self.pos += 1;
                    self.push(kind, start);
                }
                _ => {
                    let kind = self.operator()?;
                    self.push(kind, start);
                }
            }
        }
    }

    fn operator(&mut self) -> R<K> {
        let rest = &self.src[self.pos..];
        let three: &[(&[u8], K)] = &[
            (b"**=", K::AugAssign),
            (b"//=", K::AugAssign),
            (b">>=", K::AugAssign),
            (b"<<=", K::AugAssign),
        ];
        let two: &[(&[u8], K)] = &[
            (b"**", K::DoubleStar),
            (b"//", K::BinOp),
            (b">>", K::BinOp),
            (b"<<", K::BinOp),
            (b"<=", K::Cmp),
            (b">=", K::Cmp),
            (b"==", K::Cmp),
            (b"!=", K::Cmp),
            (b"->", K::Arrow),
            (b":=", K::Walrus),
            (b"+=", K::AugAssign),
            (b"-=", K::AugAssign),
            (b"*=", K::AugAssign),
            (b"/=", K::AugAssign),
            (b"%=", K::AugAssign),
            (b"&=", K::AugAssign),
            (b"|=", K::AugAssign),
            (b"^=", K::AugAssign),
            (b"@=", K::AugAssign),
        ];
        for (table, len) in [(three, 3), (two, 2)] {
            if rest.len() >= len {
                if let Some((_, k)) = table.iter().find(|(op, _)| rest.starts_with(op)) {
                    self.pos += len;
                    return Ok(*k);
                }
            }
        }
        let k = match rest[0] {
            b':' => K::Colon,
            b';' => K::Semi,
            b',' => K::Comma,
            b'*' => K::Star,
            b'-' => K::Minus,
            b'+' => K::Plus,
            b'~' => K::Tilde,
            b'@' => K::At,
            b'<' | b'>' => K::Cmp,
            b'=' => K::Assign,
            b'/' | b'%' | b'|' | b'&' | b'^' => K::BinOp,
            _ => return Err(Unsure(line!())),
        };
        self.pos += 1;
        Ok(k)
    }

    fn number(&mut self) -> R<()> {
        let start = self.pos;
        let hex = self.src[start..].len() > 1 && matches!(self.src[start + 1], b'x' | b'X');
        while let Some(&c) = self.src.get(self.pos) {
            match c {
                b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z' | b'_' | b'.' => self.pos += 1,
                b'+' | b'-'
                    if !hex
                        && matches!(self.src[self.pos - 1], b'e' | b'E')
                        && matches!(self.src.get(self.pos + 1), Some(b'0'..=b'9')) =>
                {
                    self.pos += 1
                }
                _ => break,
            }
        }
        if valid_number(&self.src[start..self.pos]) {
            Ok(())
        } else {
            Err(Unsure(line!()))
        }
    }

    /// From the opening quote to after the closing one.
    fn string(&mut self, p: Prefix) -> R<()> {
        self.string_nested(p, 0)
    }

    fn string_nested(&mut self, p: Prefix, nesting: u32) -> R<()> {
        if nesting > MAX_NESTING {
            return Err(Unsure(line!()));
        }
        let q = self.src[self.pos];
        let triple = self.src[self.pos..].starts_with(&[q, q, q]);
        self.pos += if triple { 3 } else { 1 };
        let body_start = self.pos;
        if p.format {
            self.fstring_body(q, triple, p.raw, nesting)?;
        } else {
            loop {
                let rest = &self.src[self.pos..];
                let i = if triple {
                    memchr::memchr2(q, b'\\', rest)
                } else {
                    memchr::memchr3(q, b'\\', b'\n', rest)
                }
                .ok_or(Unsure(line!()))?;
                if !triple && rest[..i].contains(&b'\r') {
                    return Err(Unsure(line!()));
                }
                self.pos += i;
                match self.src[self.pos] {
                    b'\\' => self.escape(p)?,
                    b'\n' => return Err(Unsure(line!())),
                    _ => {
                        if !triple {
                            self.pos += 1;
                            break;
                        }
                        if self.src[self.pos..].starts_with(&[q, q, q]) {
                            self.pos += 3;
                            break;
                        }
                        self.pos += 1;
                    }
                }
            }
        }
        if p.bytes && !self.src[body_start..self.pos].is_ascii() {
            return Err(Unsure(line!()));
        }
        Ok(())
    }

    /// At a backslash inside a string: step over it and what it escapes.
    fn escape(&mut self, p: Prefix) -> R<()> {
        self.pos += 1;
        let Some(&c) = self.src.get(self.pos) else {
            return Err(Unsure(line!()));
        };
        if c == b'\r' {
            self.newline();
            return Ok(());
        }
        if !p.raw {
            let hex = match c {
                b'x' => 2,
                b'u' if !p.bytes => 4,
                b'U' if !p.bytes => 8,
                b'N' if !p.bytes => {
                    // A character name the parser knows, in braces.
                    let rest = &self.src[self.pos + 1..];
                    if rest.first() != Some(&b'{') {
                        return Err(Unsure(line!()));
                    }
                    let close = memchr::memchr(b'}', rest).ok_or(Unsure(line!()))?;
                    let name = std::str::from_utf8(&rest[1..close]).map_err(|_| Unsure(line!()))?;
                    if unicode_names2::character(name).is_none() {
                        return Err(Unsure(line!()));
                    }
                    self.pos += 1 + close;
                    0
                }
                b'4'..=b'7' if p.bytes => return Err(Unsure(line!())),
                _ => 0,
            };
            if hex > 0 {
                let digits = self
                    .src
                    .get(self.pos + 1..self.pos + 1 + hex)
                    .ok_or(Unsure(line!()))?;
                if !digits.iter().all(u8::is_ascii_hexdigit) {
                    return Err(Unsure(line!()));
                }
                // Surrogates become U+FFFD for ruff; beyond U+10FFFF is an error.
                if c == b'U' {
                    let v = u32::from_str_radix(std::str::from_utf8(digits).unwrap_or("z"), 16);
                    if !v.is_ok_and(|v| v <= 0x10FFFF) {
                        return Err(Unsure(line!()));
                    }
                }
                self.pos += hex;
            }
        }
        // One byte: a UTF-8 continuation is never a quote or a backslash.
        self.pos += 1;
        Ok(())
    }

    fn fstring_body(&mut self, q: u8, triple: bool, raw: bool, nesting: u32) -> R<()> {
        loop {
            let Some(&c) = self.src.get(self.pos) else {
                return Err(Unsure(line!()));
            };
            match c {
                _ if c == q => {
                    if !triple {
                        self.pos += 1;
                        return Ok(());
                    }
                    if self.src[self.pos..].starts_with(&[q, q, q]) {
                        self.pos += 3;
                        return Ok(());
                    }
                    self.pos += 1;
                }
                b'\n' | b'\r' if !triple => return Err(Unsure(line!())),
                b'\\' => {
                    match self.src.get(self.pos + 1) {
                        Some(b'{' | b'}') => self.pos += 1,
                        Some(b'N') if !raw => return Err(Unsure(line!())),
                        _ if raw => self.pos += 2,
                        _ => self.escape(Prefix::default())?,
                    };
                }
                b'{' => {
                    if self.src.get(self.pos + 1) == Some(&b'{') {
                        self.pos += 2;
                    } else {
                        self.pos += 1;
                        self.field(q, triple, nesting + 1)?;
                    }
                }
                b'}' => {
                    if self.src.get(self.pos + 1) == Some(&b'}') {
                        self.pos += 2;
                    } else {
                        return Err(Unsure(line!()));
                    }
                }
                _ => self.pos += 1,
            }
        }
    }

    /// A replacement field, after its `{`, to after its `}`.
    /// A replacement field, after its `{`, to after its `}`. Its
    /// expression is tokenised and pair-checked like any other code.
    fn field(&mut self, q: u8, triple: bool, nesting: u32) -> R<()> {
        if nesting > MAX_NESTING {
            return Err(Unsure(line!()));
        }
        let mut toks: Vec<Tok> = Vec::new();
        let mut depth = 0u32;
        let tok = |kind: K, depth: u32, start: usize, end: usize| Tok {
            kind,
            depth,
            start: start as u32,
            end: end as u32,
        };
        // What ends the expression: `}`, a conversion `!x` or a format spec `:`.
        let end = loop {
            let Some(&c) = self.src.get(self.pos) else {
                return Err(Unsure(line!()));
            };
            let start = self.pos;
            match c {
                b' ' | b'\t' => self.pos += 1,
                b'\n' | b'\r' if !triple => return Err(Unsure(line!())),
                b'\n' | b'\r' => self.pos += 1,
                b'#' | b'\\' => return Err(Unsure(line!())),
                b'\'' | b'"' => {
                    self.string_nested(Prefix::default(), nesting + 1)?;
                    toks.push(tok(K::Str, depth, start, self.pos));
                }
                b'a'..=b'z' | b'A'..=b'Z' | b'_' => {
                    while let Some(b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_') =
                        self.src.get(self.pos)
                    {
                        self.pos += 1;
                    }
                    let kind = if let Some(b'\'' | b'"') = self.src.get(self.pos) {
                        let p = Prefix::of(&self.src[start..self.pos]).ok_or(Unsure(line!()))?;
                        self.string_nested(p, nesting + 1)?;
                        K::Str
                    } else {
                        K::keyword(&self.src[start..self.pos])
                    };
                    toks.push(tok(kind, depth, start, self.pos));
                }
                b'0'..=b'9' => {
                    self.number()?;
                    toks.push(tok(K::Number, depth, start, self.pos));
                }
                b'.' if matches!(self.src.get(self.pos + 1), Some(b'0'..=b'9')) => {
                    self.number()?;
                    toks.push(tok(K::Number, depth, start, self.pos));
                }
                b'.' => {
                    let (kind, len) = if self.src[self.pos..].starts_with(b"...") {
                        (K::Ellipsis, 3)
                    } else {
                        (K::Dot, 1)
                    };
                    self.pos += len;
                    toks.push(tok(kind, depth, start, self.pos));
                }
                b'(' | b'[' | b'{' => {
                    let kind = match c {
                        b'(' => K::Lpar,
                        b'[' => K::Lsqb,
                        _ => K::Lbrace,
                    };
                    self.pos += 1;
                    toks.push(tok(kind, depth, start, self.pos));
                    depth += 1;
                }
                b'}' if depth == 0 => break c,
                b')' | b']' | b'}' => {
                    let (kind, open) = match c {
                        b')' => (K::Rpar, K::Lpar),
                        b']' => (K::Rsqb, K::Lsqb),
                        _ => (K::Rbrace, K::Lbrace),
                    };
                    depth = depth.checked_sub(1).ok_or(Unsure(line!()))?;
                    let opener = toks.iter().rev().find(|t| t.depth == depth).map(|t| t.kind);
                    if opener != Some(open) {
                        return Err(Unsure(line!()));
                    }
                    self.pos += 1;
                    toks.push(tok(kind, depth, start, self.pos));
                }
                b'!' if depth == 0 && self.src.get(self.pos + 1) != Some(&b'=') => break c,
                b':' if depth == 0 => break c,
                _ => {
                    let kind = self.operator()?;
                    toks.push(tok(kind, depth, start, self.pos));
                }
            }
        };
        // `{x=}`: the expression with its source text.
        if toks.last().is_some_and(|t| t.kind == K::Assign) {
            toks.pop();
        }
        if toks.is_empty() {
            return Err(Unsure(line!()));
        }
        check_pairs(self.src, &toks)?;
        // A call with a string in a field could be a dynamic import.
        if self.dynamic
            && toks
                .windows(2)
                .any(|w| w[0].kind == K::Lpar && w[1].kind == K::Str)
        {
            return Err(Unsure(line!()));
        }
        self.pos += 1;
        match end {
            b'}' => Ok(()),
            b'!' => {
                if !matches!(self.src.get(self.pos), Some(b'r' | b's' | b'a')) {
                    return Err(Unsure(line!()));
                }
                self.pos += 1;
                match self.src.get(self.pos) {
                    Some(b'}') => {
                        self.pos += 1;
                        Ok(())
                    }
                    Some(b':') => {
                        self.pos += 1;
                        self.format_spec(q, triple, nesting)
                    }
                    _ => Err(Unsure(line!())),
                }
            }
            _ => self.format_spec(q, triple, nesting),
        }
    }

    fn format_spec(&mut self, q: u8, triple: bool, nesting: u32) -> R<()> {
        loop {
            let Some(&c) = self.src.get(self.pos) else {
                return Err(Unsure(line!()));
            };
            match c {
                b'{' => {
                    if self.src.get(self.pos + 1) == Some(&b'{') {
                        return Err(Unsure(line!()));
                    }
                    self.pos += 1;
                    self.field(q, triple, nesting + 1)?;
                }
                b'}' => {
                    self.pos += 1;
                    return Ok(());
                }
                b'\n' | b'\r' if !triple => return Err(Unsure(line!())),
                b'\\' => return Err(Unsure(line!())),
                _ if c == q => return Err(Unsure(line!())),
                _ => self.pos += 1,
            }
        }
    }

    // -----------------------------------------------------------------------
    // Logical lines → structure.

    fn line(&mut self, indent: &'t [u8]) -> R<()> {
        if self.toks.is_empty() {
            return Ok(());
        }
        let toks = std::mem::take(&mut self.toks);
        let r = self.line_inner(indent, &toks);
        self.toks = toks;
        r
    }

    fn line_inner(&mut self, indent: &'t [u8], toks: &[Tok]) -> R<()> {
        self.indentation(indent)?;
        check_pairs(self.src, toks)?;
        let first = toks[0];
        let text = self.text;
        {
            let frame = self.frames.last_mut().ok_or(Unsure(line!()))?;
            let definition = matches!(
                (first.kind, toks.get(1).map(|t| t.kind)),
                (K::At | K::Def | K::Class, _) | (K::Async, Some(K::Def))
            );
            if frame.decorated && !definition {
                return Err(Unsure(line!()));
            }
            frame.decorated = first.kind == K::At;
        }
        let word = |t: &Tok| &text[t.start as usize..t.end as usize];
        if first.kind == K::Name
            && matches!(word(&first), "match" | "case")
            && toks.last().is_some_and(|t| t.kind == K::Colon)
        {
            return Err(Unsure(line!()));
        }
        let (head, at) = match first.kind {
            K::If => (Some(Head::If), 1),
            K::Elif => (Some(Head::Elif), 1),
            K::Else => (Some(Head::Else), 1),
            K::Try => (Some(Head::Try), 1),
            K::Except => (Some(Head::Except), 1),
            K::Finally => (Some(Head::Finally), 1),
            K::For | K::While => (Some(Head::Loop), 1),
            K::Def | K::Class | K::With => (Some(Head::Plain), 1),
            K::Async => match toks.get(1).map(|t| t.kind) {
                Some(K::For) => (Some(Head::Loop), 2),
                Some(K::Def | K::With) => (Some(Head::Plain), 2),
                _ => return Err(Unsure(line!())),
            },
            _ => (None, 0),
        };
        let Some(head) = head else {
            let frame = self.frames.last_mut().ok_or(Unsure(line!()))?;
            finish_open(frame)?;
            return statements(text, toks, &mut frame.body, self.dynamic, &mut self.paths);
        };
        // The header's colon: the first one outside brackets.
        let colon = toks
            .iter()
            .position(|t| t.kind == K::Colon && t.depth == 0)
            .ok_or(Unsure(line!()))?;
        let header = &toks[at..colon];
        if header.iter().any(|t| {
            (t.depth == 0 && matches!(t.kind, K::Lambda | K::Assign | K::AugAssign))
                || t.kind.statement_only()
        }) {
            return Err(Unsure(line!()));
        }
        let (test, catches) = match head {
            Head::If | Head::Elif if header.is_empty() => return Err(Unsure(line!())),
            Head::If | Head::Elif => (Some(if_test(text, header)?), false),
            Head::Except => (None, except_catches(text, header)?),
            Head::Else | Head::Try | Head::Finally if !header.is_empty() => {
                return Err(Unsure(line!()))
            }
            Head::Loop | Head::Plain if header.is_empty() => return Err(Unsure(line!())),
            _ => (None, false),
        };
        if first.kind == K::For && !header.iter().any(|t| t.depth == 0 && t.kind == K::In) {
            return Err(Unsure(line!()));
        }
        if self.paths.is_some() && header_changes_path(text, header) {
            return Err(Unsure(line!()));
        }
        let kw = toks[at - 1].kind;
        if matches!(kw, K::Def | K::Class) && !def_or_class_header(kw, header) {
            return Err(Unsure(line!()));
        }
        let header_calls = if self.dynamic {
            calls(text, header)?
        } else {
            Vec::new()
        };
        let frame = self.frames.last_mut().ok_or(Unsure(line!()))?;
        // A clause's test is read in the clause's context; the first
        // header's in the enclosing one (`python::Walker`).
        let (calls, outer_calls) = match head {
            Head::Elif | Head::Except => (header_calls, Vec::new()),
            _ => (Vec::new(), header_calls),
        };
        let clause = Clause {
            head,
            test,
            catches,
            calls,
            body: Body::default(),
        };
        let (next_head, needs_open) = match head {
            Head::Elif | Head::Else | Head::Except | Head::Finally => (head, true),
            _ => (head, false),
        };
        if needs_open {
            let open = frame.open.as_mut().ok_or(Unsure(line!()))?;
            let first_head = open.clauses[0].head;
            let last = open.clauses.last().ok_or(Unsure(line!()))?.head;
            let ok = match next_head {
                Head::Elif => first_head == Head::If && matches!(last, Head::If | Head::Elif),
                Head::Else => match first_head {
                    Head::If => matches!(last, Head::If | Head::Elif),
                    Head::Loop => last == Head::Loop,
                    Head::Try => last == Head::Except,
                    _ => false,
                },
                Head::Except => first_head == Head::Try && matches!(last, Head::Try | Head::Except),
                Head::Finally => {
                    first_head == Head::Try && matches!(last, Head::Try | Head::Except | Head::Else)
                }
                _ => false,
            };
            if !ok {
                return Err(Unsure(line!()));
            }
            open.clauses.push(clause);
        } else {
            finish_open(frame)?;
            frame.open = Some(Open {
                clauses: vec![clause],
            });
        }
        if !outer_calls.is_empty() {
            frame.body.nodes.push(Node::Calls(outer_calls));
        }
        frame.body.gives_up = false;
        let rest = &toks[colon + 1..];
        if rest.is_empty() {
            self.frames.push(Frame {
                indent: None,
                body: Body::default(),
                open: None,
                decorated: false,
            });
        } else {
            let mut body = Body::default();
            // An inline body holds simple statements only.
            if rest
                .split(|t| t.kind == K::Semi && t.depth == 0)
                .any(|st| st.first().is_some_and(|t| opens_block(t.kind)))
            {
                return Err(Unsure(line!()));
            }
            statements(text, rest, &mut body, self.dynamic, &mut self.paths)?;
            let open = frame.open.as_mut().ok_or(Unsure(line!()))?;
            open.clauses.last_mut().ok_or(Unsure(line!()))?.body = body;
        }
        Ok(())
    }

    fn indentation(&mut self, indent: &'t [u8]) -> R<()> {
        let top = self.frames.last_mut().ok_or(Unsure(line!()))?;
        if top.indent.is_none() {
            // The first line of a block's body.
            let parent = self
                .frames
                .len()
                .checked_sub(2)
                .and_then(|i| self.frames[i].indent)
                .ok_or(Unsure(line!()))?;
            if indent.len() > parent.len() && indent.starts_with(parent) {
                self.frames.last_mut().ok_or(Unsure(line!()))?.indent = Some(indent);
                return Ok(());
            }
            return Err(Unsure(line!()));
        }
        loop {
            let cur = self
                .frames
                .last()
                .and_then(|f| f.indent)
                .ok_or(Unsure(line!()))?;
            if cur == indent {
                return Ok(());
            }
            if indent.len() >= cur.len() || !cur.starts_with(indent) || self.frames.len() == 1 {
                return Err(Unsure(line!()));
            }
            close_frame(&mut self.frames)?;
        }
    }
}

/// `name [type params] (params) [-> annotation]` / `name [type params] [(bases)]`.
fn def_or_class_header(kw: K, header: &[Tok]) -> bool {
    if header.first().map(|t| t.kind) != Some(K::Name) {
        return false;
    }
    let mut i = 1;
    let group = |i: &mut usize, open: K| -> Option<bool> {
        if header.get(*i).map(|t| t.kind) == Some(open) {
            *i = group_end(header, *i)? + 1;
            Some(true)
        } else {
            Some(false)
        }
    };
    let (Some(_), Some(params)) = (group(&mut i, K::Lsqb), group(&mut i, K::Lpar)) else {
        return false;
    };
    match kw {
        K::Def => {
            params && (i == header.len() || (header[i].kind == K::Arrow && i + 1 < header.len()))
        }
        _ => i == header.len(),
    }
}

fn opens_block(k: K) -> bool {
    matches!(
        k,
        K::If
            | K::Elif
            | K::Else
            | K::For
            | K::While
            | K::Try
            | K::Except
            | K::Finally
            | K::With
            | K::Def
            | K::Class
            | K::Async
    )
}

/// Close the innermost body and hand it to its compound statement.
fn close_frame(frames: &mut Vec<Frame>) -> R<()> {
    let mut f = frames.pop().ok_or(Unsure(line!()))?;
    if f.indent.is_none() || f.decorated {
        return Err(Unsure(line!())); // a block without a body
    }
    finish_open(&mut f)?;
    let parent = frames.last_mut().ok_or(Unsure(line!()))?;
    let open = parent.open.as_mut().ok_or(Unsure(line!()))?;
    open.clauses.last_mut().ok_or(Unsure(line!()))?.body = f.body;
    Ok(())
}

fn close_all(frames: &mut Vec<Frame>) -> R<Body> {
    while frames.len() > 1 {
        close_frame(frames)?;
    }
    let mut module = frames.pop().ok_or(Unsure(line!()))?;
    if module.decorated {
        return Err(Unsure(line!()));
    }
    finish_open(&mut module)?;
    Ok(module.body)
}

/// The compound statement at this level is complete: keep it if it imports.
fn finish_open(frame: &mut Frame) -> R<()> {
    let Some(open) = frame.open.take() else {
        return Ok(());
    };
    let first = open.clauses[0].head;
    if first == Head::Try && open.clauses.len() == 1 {
        return Err(Unsure(line!())); // `try` without handlers or `finally`
    }
    if open
        .clauses
        .iter()
        .all(|c| c.body.nodes.is_empty() && c.calls.is_empty())
    {
        return Ok(());
    }
    let node = match first {
        Head::If => Node::If(
            open.clauses
                .into_iter()
                .map(|c| (c.test, c.calls, c.body))
                .collect(),
        ),
        Head::Try => {
            let mut clauses = open.clauses.into_iter();
            let body = clauses.next().ok_or(Unsure(line!()))?.body;
            let (mut handlers, mut orelse, mut finally) =
                (Vec::new(), Body::default(), Body::default());
            for c in clauses {
                match c.head {
                    Head::Except => handlers.push((c.catches, c.calls, c.body)),
                    Head::Else => orelse = c.body,
                    _ => finally = c.body,
                }
            }
            Node::Try {
                body,
                handlers,
                orelse,
                finally,
            }
        }
        _ => Node::Block(open.clauses.into_iter().map(|c| c.body).collect()),
    };
    frame.body.nodes.push(node);
    Ok(())
}

/// The simple statements of `toks` (split at `;`) into `body`.
fn statements<'t>(
    text: &'t str,
    toks: &[Tok],
    body: &mut Body,
    dynamic: bool,
    paths: &mut Option<PathStatements<'t>>,
) -> R<()> {
    for stmt in toks.split(|t| t.kind == K::Semi && t.depth == 0) {
        if stmt.is_empty() {
            continue; // a trailing `;` (`;;` is caught by `check_pairs`)
        }
        match stmt[0].kind {
            K::Import | K::From => {
                body.nodes.push(import(text, stmt)?);
                body.gives_up = false;
            }
            _ => {
                // One pass over the statement for the checks below (most of
                // a file is statements like these).
                let (mut colon, mut lambda, mut comma) = (false, false, false);
                for (i, t) in stmt.iter().enumerate() {
                    if (i > 0 && t.kind.statement_only()) || t.kind == K::Semi {
                        return Err(Unsure(line!()));
                    }
                    if t.depth == 0 {
                        match t.kind {
                            K::Colon => colon = true,
                            K::Lambda => lambda = true,
                            K::Comma => comma = true,
                            // `x := 1` needs brackets.
                            K::Walrus | K::As => return Err(Unsure(line!())),
                            _ => {}
                        }
                    }
                }
                if stmt
                    .last()
                    .is_some_and(|t| t.kind == K::Colon && t.depth == 0)
                {
                    return Err(Unsure(line!()));
                }
                // Outside brackets a colon is an annotation (after a target)
                // or a lambda's.
                if stmt[0].kind.is_keyword() && colon && !lambda {
                    return Err(Unsure(line!()));
                }
                // Python 2's `raise E, "message"`.
                if stmt[0].kind == K::Raise && comma {
                    return Err(Unsure(line!()));
                }
                body.gives_up = gives_up(text, stmt);
                if let Some(p) = paths {
                    p.consider(text, stmt);
                }
                if dynamic {
                    let found = calls(text, stmt)?;
                    if !found.is_empty() {
                        body.nodes.push(Node::Calls(found));
                    }
                }
            }
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Statements that may change `sys.path`.
//
// `sys_path_changes` reads calls that name `sys.path` or `addsitedir`, and
// follows names through plain assignments. An assignment changes what it
// knows only when its value can be a path expression (one of the tokens of
// [`PathStatements::is_trigger`]) or when its target is a name it may
// know. Every other statement leaves the walk as it was, so reading the
// kept statements alone, in order, gives exactly the changes of the file.

/// The names a path expression is built from (`PathWalker::path`).
const PATH_WORDS: &[&str] = &[
    "__file__",
    "join",
    "dirname",
    "abspath",
    "normpath",
    "realpath",
    "Path",
    "PurePath",
    "PosixPath",
    "parent",
    "parents",
    "resolve",
    "absolute",
    "joinpath",
];

#[derive(Default)]
struct PathStatements<'t> {
    /// The kept simple statements, in source order.
    spans: Vec<Span>,
    /// Every name a kept assignment may have bound (a superset of those the
    /// walk knows).
    tracked: std::collections::HashSet<&'t str>,
}

impl<'t> PathStatements<'t> {
    fn is_trigger(&self, text: &str, t: &Tok) -> bool {
        match t.kind {
            K::Str => true,
            K::BinOp => word(text, t) == "/",
            K::Name => {
                let w = word(text, t);
                PATH_WORDS.contains(&w) || self.tracked.contains(w)
            }
            _ => false,
        }
    }

    fn consider(&mut self, text: &'t str, stmt: &[Tok]) {
        let top = |toks: &[Tok], k: K| toks.iter().any(|t| t.depth == 0 && t.kind == k);
        let mut parts: Vec<&[Tok]> = stmt
            .split(|t| t.depth == 0 && t.kind == K::Assign)
            .collect();
        let first = parts[0];
        // `x: T` / `(x): T = v`; a top-level colon after a lambda is the
        // lambda's (a keyword before a top-level colon is not sure: `statements`).
        let annotated = top(first, K::Colon) && !top(first, K::Lambda);
        let assigns = parts.len() > 1 || annotated;
        let keep = may_name(text, stmt, "addsitedir")
            || (may_name(text, stmt, "sys") && may_name(text, stmt, "path"))
            || (assigns && stmt.iter().any(|t| self.is_trigger(text, t)));
        if !keep {
            return;
        }
        if assigns {
            if parts.len() > 1 {
                parts.pop(); // the value
            }
            for target in parts {
                let target = match target
                    .iter()
                    .position(|t| t.depth == 0 && t.kind == K::Colon)
                {
                    Some(colon) => &target[..colon],
                    None => target,
                };
                let mut target = target;
                while let Some(inner) = paren_inner(target) {
                    target = inner;
                }
                if let [t] = target {
                    if t.kind == K::Name {
                        self.tracked.insert(word(text, t));
                    }
                }
            }
        }
        let (first, last) = (stmt[0], stmt[stmt.len() - 1]);
        self.spans
            .push(Span::new(first.start as usize, last.end as usize));
    }
}

/// A block header that may call `sys.path.insert/append/extend` or
/// `addsitedir`: only the whole tree reads it.
fn header_changes_path(text: &str, header: &[Tok]) -> bool {
    may_name(text, header, "addsitedir")
        || (may_name(text, header, "sys")
            && may_name(text, header, "path")
            && ["insert", "append", "extend"]
                .iter()
                .any(|m| may_name(text, header, m)))
}

/// `name` is a name token of `toks`, or may be one inside a string (an
/// f-string's fields are code the parser reads).
fn may_name(text: &str, toks: &[Tok], name: &str) -> bool {
    mentions(text, toks, name)
        || toks
            .iter()
            .any(|t| t.kind == K::Str && word(text, t).contains(name))
}

fn word<'a>(text: &'a str, t: &Tok) -> &'a str {
    &text[t.start as usize..t.end as usize]
}

/// `import a.b as c, d` / `from ..a import (b, c as d)`.
fn import(text: &str, toks: &[Tok]) -> R<Node> {
    let stmt = Span::new(toks[0].start as usize, toks[toks.len() - 1].end as usize);
    let mut i = 1;
    // A dotted name whose parts touch (so its source text is its name).
    let dotted = |i: &mut usize| -> R<Span> {
        let first = toks
            .get(*i)
            .filter(|t| t.kind == K::Name)
            .ok_or(Unsure(line!()))?;
        let mut end = first.end;
        *i += 1;
        while toks.get(*i).is_some_and(|t| t.kind == K::Dot) {
            let dot = toks[*i];
            let name = toks
                .get(*i + 1)
                .filter(|t| t.kind == K::Name)
                .ok_or(Unsure(line!()))?;
            if dot.start != end || name.start != dot.end {
                return Err(Unsure(line!()));
            }
            end = name.end;
            *i += 2;
        }
        Ok(Span::new(first.start as usize, end as usize))
    };
    let alias = |i: &mut usize| -> R<Option<Span>> {
        if toks.get(*i).is_some_and(|t| t.kind == K::As) {
            let name = toks
                .get(*i + 1)
                .filter(|t| t.kind == K::Name)
                .ok_or(Unsure(line!()))?;
            *i += 2;
            return Ok(Some(span(name)));
        }
        Ok(None)
    };
    if toks[0].kind == K::Import {
        let mut modules = Vec::new();
        loop {
            let m = dotted(&mut i)?;
            modules.push((m, alias(&mut i)?));
            match toks.get(i) {
                None => break,
                Some(t) if t.kind == K::Comma => i += 1,
                Some(_) => return Err(Unsure(line!())),
            }
        }
        return Ok(Node::Import { modules, stmt });
    }
    let mut level = 0;
    while let Some(t) = toks.get(i) {
        match t.kind {
            K::Dot => level += 1,
            K::Ellipsis => level += 3,
            _ => break,
        }
        i += 1;
    }
    let module = if toks.get(i).is_some_and(|t| t.kind == K::Name) {
        Some(dotted(&mut i)?)
    } else {
        None
    };
    if (level == 0 && module.is_none()) || toks.get(i).map(|t| t.kind) != Some(K::Import) {
        return Err(Unsure(line!()));
    }
    i += 1;
    let mut names = Vec::new();
    match toks.get(i).map(|t| t.kind) {
        Some(K::Star) if i + 1 == toks.len() => {}
        Some(K::Lpar) => {
            if toks.last().map(|t| t.kind) != Some(K::Rpar) || toks.len() < i + 3 {
                return Err(Unsure(line!()));
            }
            let inner = &toks[i + 1..toks.len() - 1];
            let mut j = 0;
            while j < inner.len() {
                let n = inner[j];
                if n.kind != K::Name {
                    return Err(Unsure(line!()));
                }
                j += 1;
                let mut asname = None;
                if inner.get(j).is_some_and(|t| t.kind == K::As) {
                    let a = inner
                        .get(j + 1)
                        .filter(|t| t.kind == K::Name)
                        .ok_or(Unsure(line!()))?;
                    asname = Some(span(a));
                    j += 2;
                }
                names.push((span(&n), asname));
                match inner.get(j) {
                    None => {}
                    Some(t) if t.kind == K::Comma => j += 1,
                    Some(_) => return Err(Unsure(line!())),
                }
            }
        }
        Some(K::Name) => loop {
            let n = toks[i];
            if n.kind != K::Name {
                return Err(Unsure(line!()));
            }
            i += 1;
            names.push((span(&n), alias(&mut i)?));
            match toks.get(i) {
                None => break,
                Some(t) if t.kind == K::Comma && i + 1 < toks.len() => i += 1,
                Some(_) => return Err(Unsure(line!())),
            }
        },
        _ => return Err(Unsure(line!())),
    }
    let _ = text;
    Ok(Node::From {
        level,
        module,
        names,
        stmt,
    })
}

/// Token-pair checks that catch the common syntax errors (Python 2's
/// `print "x"`, `x = = 1`, `f(a,,b)`, `x = 1 +`) so that such files reach
/// the parser and ND101.
fn check_pairs(src: &[u8], toks: &[Tok]) -> R<()> {
    let mut prev: Option<&Tok> = None;
    for (i, t) in toks.iter().enumerate() {
        let k = t.kind;
        match prev {
            None => {
                if k.binary_only() || k.closer() || matches!(k, K::Colon | K::DoubleStar) {
                    return Err(Unsure(line!()));
                }
            }
            Some(p) => {
                let pk = p.kind;
                if pk.ends_operand() && k.starts_operand() && !(pk == K::Str && k == K::Str) {
                    // `type X = …` is a statement (a soft keyword).
                    let soft = i == 1 && &src[p.start as usize..p.end as usize] == b"type";
                    if !soft {
                        return Err(Unsure(line!()));
                    }
                }
                // The checks below look at operators, keywords and brackets:
                // none applies after an operand or a closer, nor to a name,
                // number or string after anything but `not` (most pairs).
                let after_operand = matches!(
                    pk,
                    K::Name | K::Number | K::Str | K::Rpar | K::Rsqb | K::Rbrace
                );
                let operand_after = matches!(k, K::Name | K::Number | K::Str) && pk != K::Not;
                if !after_operand && !operand_after {
                    // `def f(a, /, b)`: the positional-only marker.
                    let is_slash = |t: &Tok| {
                        t.kind == K::BinOp && &src[t.start as usize..t.end as usize] == b"/"
                    };
                    let slash = (is_slash(t) && matches!(pk, K::Comma | K::Lpar))
                        || (is_slash(p) && matches!(k, K::Comma | K::Rpar));
                    // `a, = f()`: unpacking into a one-element tuple.
                    let unpack = k == K::Assign && pk == K::Comma && t.depth == 0;
                    if k.binary_only()
                        && (pk.binary_only() || pk.opener())
                        && !(k == K::Dot && matches!(pk, K::Dot))
                        && !slash
                        && !unpack
                    {
                        return Err(Unsure(line!()));
                    }
                    if k.closer() && pk.binary_only() && pk != K::Comma && !slash {
                        return Err(Unsure(line!()));
                    }
                    if pk.is_keyword()
                        && !pk.is_constant()
                        && k.binary_only()
                        && k != K::Semi
                        && !(pk == K::From && k == K::Dot)
                        && !(pk == K::Import && k == K::Dot)
                    {
                        return Err(Unsure(line!()));
                    }
                    // Outside brackets (no slices there) a colon ends a header or
                    // an annotation's target: an operand must follow, if anything.
                    if pk == K::Colon && p.depth == 0 && (k == K::Colon || k.binary_only()) {
                        return Err(Unsure(line!()));
                    }
                    // `else:` / `try:` / `finally:` / `except:` begin a line.
                    if pk.is_keyword()
                        && !pk.is_constant()
                        && pk != K::Lambda
                        && k == K::Colon
                        && i != 1
                    {
                        return Err(Unsure(line!()));
                    }
                    if pk == K::Not
                        && toks
                            .get(i.wrapping_sub(2))
                            .is_some_and(|b| b.kind.ends_operand())
                        && k != K::In
                    {
                        return Err(Unsure(line!()));
                    }
                }
            }
        }
        prev = Some(t);
    }
    let last = prev.map(|t| t.kind);
    if let Some(k) = last {
        // `from m import *` ends in a star.
        let star_import = k == K::Star && toks.len() >= 2 && toks[toks.len() - 2].kind == K::Import;
        let dangling = !star_import
            && ((k.binary_only() && !matches!(k, K::Comma | K::Semi))
                || matches!(
                    k,
                    K::Plus
                        | K::Minus
                        | K::Tilde
                        | K::Star
                        | K::DoubleStar
                        | K::At
                        | K::And
                        | K::Or
                        | K::Not
                        | K::In
                        | K::Is
                        | K::If
                        | K::Elif
                        | K::While
                        | K::For
                        | K::With
                        | K::From
                        | K::As
                        | K::Import
                        | K::Del
                        | K::Assert
                        | K::Global
                        | K::Nonlocal
                        | K::Lambda
                        | K::Await
                        | K::Async
                        | K::Def
                        | K::Class
                        | K::Except
                ));
        if dangling {
            return Err(Unsure(line!()));
        }
    }
    Ok(())
}

/// The dynamic-import candidates among the calls of `toks`: a callee that
/// is a name or `name.attr`, whose first argument is a plain string
/// literal (implicit concatenation allowed), as `python::Walker::call`.
fn calls(text: &str, toks: &[Tok]) -> R<Vec<Call>> {
    let mut out = Vec::new();
    for i in 0..toks.len() {
        let t = &toks[i];
        let kind = |j: usize| toks.get(j).map(|t| t.kind);
        // `(f)("x")`: a parenthesised callee is still a name to the tree.
        if t.kind == K::Rpar && kind(i + 1) == Some(K::Lpar) && kind(i + 2) == Some(K::Str) {
            return Err(Unsure(line!()));
        }
        if t.kind != K::Name || (i > 0 && toks[i - 1].kind == K::Dot) {
            continue;
        }
        let (callee, lpar) = if kind(i + 1) == Some(K::Lpar) {
            (context::callee_of_name(word(text, t)), i + 1)
        } else if kind(i + 1) == Some(K::Dot)
            && kind(i + 2) == Some(K::Name)
            && kind(i + 3) == Some(K::Lpar)
        {
            (
                context::callee_of_method(word(text, t), word(text, &toks[i + 2])),
                i + 3,
            )
        } else {
            continue;
        };
        let Some(callee) = callee else { continue };
        let inner = toks[lpar].depth + 1;
        let mut j = lpar + 1;
        while toks
            .get(j)
            .is_some_and(|t| t.kind == K::Str && t.depth == inner)
        {
            j += 1;
        }
        let follows = toks.get(j).map(|t| (t.kind, t.depth));
        if j == lpar + 1
            || !matches!(follows, Some((K::Comma, d)) if d == inner)
                && follows.map(|f| f.0) != Some(K::Rpar)
        {
            continue;
        }
        let (module, span) = match string_value(text, &toks[lpar + 1..j]) {
            Err(_) => (None, Span::empty(0)),
            Ok(None) => continue,
            Ok(Some((m, s))) => (Some(m), s),
        };
        if module.as_deref().is_some_and(|m| {
            m.starts_with('.') || !context::is_dotted_name(m) || context::is_future(m)
        }) {
            continue;
        }
        let end = group_end(toks, lpar).ok_or(Unsure(line!()))?;
        out.push(Call {
            callee,
            module,
            span,
            stmt: Span::new(t.start as usize, toks[end].end as usize),
        });
    }
    Ok(out)
}

/// The value of plain string literal parts and the span `python.rs`
/// gives it (the content of a lone part, else the whole literal); `None`
/// when a part is a bytes, f- or t-string (not a string literal to the
/// tree); `Unsure` for escapes (their value needs decoding).
fn string_value(text: &str, parts: &[Tok]) -> R<Option<(String, Span)>> {
    let mut value = String::new();
    let mut content = Span::empty(0);
    for p in parts {
        let w = word(text, p);
        let q = w.find(['\'', '"']).ok_or(Unsure(line!()))?;
        let prefix = w[..q].to_ascii_lowercase();
        if prefix.contains(['b', 'f', 't']) {
            return Ok(None);
        }
        let quote = if w[q..].starts_with("\"\"\"") || w[q..].starts_with("'''") {
            3
        } else {
            1
        };
        let inside = w.get(q + quote..w.len() - quote).ok_or(Unsure(line!()))?;
        if !prefix.contains('r') {
            // Only these escapes can decode to a module name's characters;
            // any other leaves a character no module name has.
            let b = inside.as_bytes();
            let mut escapes = memchr::memchr_iter(b'\\', b).map(|i| b.get(i + 1));
            if escapes.clone().any(|c| {
                matches!(
                    c,
                    Some(b'x' | b'u' | b'U' | b'N' | b'0'..=b'7' | b'\n' | b'\r') | None
                )
            }) {
                return Err(Unsure(line!()));
            }
            if escapes.next().is_some() {
                return Ok(None);
            }
        }
        value.push_str(inside);
        let start = p.start as usize + q + quote;
        content = Span::new(start, start + inside.len());
    }
    let whole = Span::new(parts[0].start as usize, parts[parts.len() - 1].end as usize);
    Ok(Some((
        value,
        if parts.len() == 1 { content } else { whole },
    )))
}

/// A handler's last statement gives up: `raise …`, or a lone call to an
/// exit function (`context::is_exit_call`).
fn gives_up(text: &str, stmt: &[Tok]) -> bool {
    if stmt[0].kind == K::Raise {
        return true;
    }
    let w = |i: usize| {
        stmt.get(i)
            .filter(|t| t.kind == K::Name)
            .map(|t| word(text, t))
    };
    let (callee, lpar) = match (w(0), stmt.get(1).map(|t| t.kind)) {
        (Some(n), Some(K::Lpar)) => (context::is_exit_call(None, n), 1),
        (Some(obj), Some(K::Dot)) => match (w(2), stmt.get(3).map(|t| t.kind)) {
            (Some(attr), Some(K::Lpar)) => (context::is_exit_call(Some(obj), attr), 3),
            _ => return false,
        },
        _ => return false,
    };
    callee && group_end(stmt, lpar) == Some(stmt.len() - 1)
}

/// The index of the closer matching the opener at `i`.
fn group_end(toks: &[Tok], i: usize) -> Option<usize> {
    let d = toks.get(i)?.depth;
    toks[i + 1..]
        .iter()
        .position(|t| t.depth == d)
        .map(|j| i + 1 + j)
        .filter(|&j| toks[j].kind.closer())
}

/// `toks` is one bracketed group `( … )`: its inside.
fn paren_inner(toks: &[Tok]) -> Option<&[Tok]> {
    (toks.len() >= 2 && toks[0].kind == K::Lpar && group_end(toks, 0) == Some(toks.len() - 1))
        .then(|| &toks[1..toks.len() - 1])
}

fn has_top(toks: &[Tok], kind: K) -> bool {
    let d = toks.first().map_or(0, |t| t.depth);
    toks.iter().any(|t| t.depth == d && t.kind == kind)
}

fn split_top(toks: &[Tok], kind: K) -> Vec<&[Tok]> {
    let d = toks.first().map_or(0, |t| t.depth);
    toks.split(|t| t.depth == d && t.kind == kind).collect()
}

fn mentions(text: &str, toks: &[Tok], name: &str) -> bool {
    toks.iter()
        .any(|t| t.kind == K::Name && word(text, t) == name)
}

/// A primary chain: an atom followed by `.name`, `(…)`, `[…]`; the index
/// of its last trailer's start, when that trailer is `.name`.
fn attribute_chain(toks: &[Tok]) -> Option<usize> {
    let mut i = match toks.first()?.kind {
        K::Name | K::Str | K::Number | K::True | K::False | K::None => {
            let mut i = 1;
            while toks.get(i).is_some_and(|t| t.kind == K::Str) {
                i += 1;
            }
            i
        }
        k if k.opener() => group_end(toks, 0)? + 1,
        _ => return None,
    };
    let mut last_dot = None;
    while i < toks.len() {
        match toks[i].kind {
            K::Dot => {
                toks.get(i + 1).filter(|t| t.kind == K::Name)?;
                last_dot = Some(i);
                i += 2;
            }
            K::Lpar | K::Lsqb => {
                last_dot = None;
                i = group_end(toks, i)? + 1;
            }
            _ => return None,
        }
    }
    last_dot
}

/// `Some(true)` for `TYPE_CHECKING` / `<primary>.TYPE_CHECKING`, `Some(false)`
/// for its negation with `not` (as `python::type_checking_test`).
fn type_checking(text: &str, toks: &[Tok]) -> Option<bool> {
    if toks.first()?.kind == K::Not {
        return type_checking(text, &toks[1..]).map(|b| !b);
    }
    if let Some(inner) = paren_inner(toks) {
        if has_top(inner, K::Comma) || inner.is_empty() {
            return None;
        }
        return type_checking(text, inner);
    }
    if toks.len() == 1 && toks[0].kind == K::Name {
        return context::is_type_checking_name(word(text, &toks[0])).then_some(true);
    }
    let dot = attribute_chain(toks)?;
    context::is_type_checking_name(word(text, &toks[dot + 1])).then_some(true)
}

fn if_test(text: &str, toks: &[Tok]) -> R<IfTest> {
    let risky = mentions(text, toks, "version_info") || mentions(text, toks, "TYPE_CHECKING");
    let d = toks.first().map_or(0, |t| t.depth);
    let odd = toks.iter().any(|t| {
        t.depth == d
            && matches!(
                t.kind,
                K::If | K::Else | K::Lambda | K::Walrus | K::Star | K::Yield | K::Await
            )
    });
    if odd || has_top(toks, K::Comma) {
        return if risky {
            Err(Unsure(line!()))
        } else {
            Ok(IfTest {
                may_true: vg::ALL,
                may_false: vg::ALL,
                type_checking: None,
            })
        };
    }
    let (may_true, may_false) = if mentions(text, toks, "version_info") {
        version_test(text, toks)?
    } else {
        (vg::ALL, vg::ALL)
    };
    Ok(IfTest {
        may_true,
        may_false,
        type_checking: type_checking(text, toks),
    })
}

const UNKNOWN: (Minors, Minors) = (vg::ALL, vg::ALL);

/// As `python::version_test`, over tokens (no `if`/`lambda`/`,` at the top).
fn version_test(text: &str, toks: &[Tok]) -> R<(Minors, Minors)> {
    if toks.is_empty() {
        return Err(Unsure(line!()));
    }
    let ors = split_top(toks, K::Or);
    if ors.len() > 1 {
        return ors.iter().try_fold((0, vg::ALL), |(t, f), part| {
            let (t2, f2) = version_test(text, part)?;
            Ok((t | t2, f & f2))
        });
    }
    let ands = split_top(toks, K::And);
    if ands.len() > 1 {
        return ands.iter().try_fold((vg::ALL, 0), |(t, f), part| {
            let (t2, f2) = version_test(text, part)?;
            Ok((t & t2, f | f2))
        });
    }
    if toks[0].kind == K::Not {
        let (t, f) = version_test(text, &toks[1..])?;
        return Ok((f, t));
    }
    let d = toks[0].depth;
    let ops: Vec<usize> = (0..toks.len())
        .filter(|&i| {
            let t = &toks[i];
            t.depth == d
                && (matches!(t.kind, K::Cmp | K::In | K::Is) || (t.kind == K::Not && i > 0))
        })
        .collect();
    if ops.is_empty() {
        if let Some(inner) = paren_inner(toks) {
            if !has_top(inner, K::Comma) && !inner.is_empty() {
                return version_test(text, inner);
            }
        }
        return if mentions(text, toks, "version_info")
            && attribute_chain(toks).is_none()
            && toks.len() > 1
        {
            Err(Unsure(line!()))
        } else {
            Ok(UNKNOWN)
        };
    }
    let op_tok = toks[ops[0]];
    // A chained comparison, `in`, `is`: not a version test.
    if ops.len() > 1 || op_tok.kind != K::Cmp {
        return if mentions(text, toks, "version_info") {
            // `not in` / `is not` span two tokens; chains are rare: ask the parser.
            Err(Unsure(line!()))
        } else {
            Ok(UNKNOWN)
        };
    }
    let op = match word(text, &op_tok) {
        "<" => vg::Op::Lt,
        "<=" => vg::Op::LtE,
        ">" => vg::Op::Gt,
        ">=" => vg::Op::GtE,
        "==" => vg::Op::Eq,
        "!=" => vg::Op::NotEq,
        _ => return Err(Unsure(line!())),
    };
    let (left, right) = (&toks[..ops[0]], &toks[ops[0] + 1..]);
    let pair =
        |s: Tri<vg::Subject>, l: Tri<vg::Literal>| -> R<Option<(vg::Subject, vg::Literal)>> {
            match (s, l) {
                (Tri::Yes(s), Tri::Yes(l)) => Ok(Some((s, l))),
                (Tri::No, _) | (_, Tri::No) => Ok(None),
                _ => Err(Unsure(line!())),
            }
        };
    let found = match pair(subject(text, left), literal(text, right))? {
        Some((s, l)) => Some((s, op, l)),
        None => pair(subject(text, right), literal(text, left))?.map(|(s, l)| (s, op.flipped(), l)),
    };
    Ok(found
        .and_then(|(s, op, l)| vg::compare(s, op, &l))
        .unwrap_or(UNKNOWN))
}

enum Tri<T> {
    Yes(T),
    No,
    Unsure,
}

fn small_int(text: &str, toks: &[Tok]) -> Tri<u64> {
    match toks {
        [t] if t.kind == K::Number => {
            let w = word(text, t);
            if w.bytes().all(|b| b.is_ascii_digit()) {
                w.parse().map_or(Tri::Unsure, Tri::Yes)
            } else {
                Tri::Unsure
            }
        }
        _ => Tri::No,
    }
}

fn subject(text: &str, toks: &[Tok]) -> Tri<vg::Subject> {
    if let Some(inner) = paren_inner(toks) {
        if !has_top(inner, K::Comma) && !inner.is_empty() {
            return subject(text, inner);
        }
    }
    if !mentions(text, toks, "version_info") {
        return Tri::No;
    }
    let w = |t: &Tok| if t.kind == K::Name { word(text, t) } else { "" };
    let base = match toks {
        [a, ..] if w(a) == "version_info" => 1,
        [a, d, b, ..] if w(a) == "sys" && d.kind == K::Dot && w(b) == "version_info" => 3,
        _ => return Tri::Unsure,
    };
    let rest = &toks[base..];
    match rest {
        [] => Tri::Yes(vg::Subject::Tuple),
        [d, n] if d.kind == K::Dot && n.kind == K::Name => match w(n) {
            "major" => Tri::Yes(vg::Subject::Major),
            "minor" => Tri::Yes(vg::Subject::Minor),
            _ => Tri::No,
        },
        [o, i, c] if o.kind == K::Lsqb && c.kind == K::Rsqb => {
            match small_int(text, std::slice::from_ref(i)) {
                Tri::Yes(0) => Tri::Yes(vg::Subject::Major),
                Tri::Yes(1) => Tri::Yes(vg::Subject::Minor),
                Tri::Yes(_) => Tri::No,
                _ => Tri::Unsure,
            }
        }
        [o, col, i, c] if o.kind == K::Lsqb && col.kind == K::Colon && c.kind == K::Rsqb => {
            match small_int(text, std::slice::from_ref(i)) {
                Tri::Yes(2) => Tri::Yes(vg::Subject::Slice2),
                Tri::Yes(_) => Tri::No,
                _ => Tri::Unsure,
            }
        }
        _ => Tri::Unsure,
    }
}

fn literal(text: &str, toks: &[Tok]) -> Tri<vg::Literal> {
    if let Some(inner) = paren_inner(toks) {
        if !has_top(inner, K::Comma) {
            if inner.is_empty() {
                return Tri::Yes(vg::Literal::Tuple(Vec::new()));
            }
            return literal(text, inner);
        }
        let mut parts = split_top(inner, K::Comma);
        if parts.last().is_some_and(|p| p.is_empty()) {
            parts.pop();
        }
        let mut elts = Vec::new();
        for p in parts {
            match small_int(text, p) {
                Tri::Yes(n) => elts.push(n),
                _ => return Tri::Unsure,
            }
        }
        return Tri::Yes(vg::Literal::Tuple(elts));
    }
    match small_int(text, toks) {
        Tri::Yes(n) => Tri::Yes(vg::Literal::Int(n)),
        Tri::Unsure => Tri::Unsure,
        // A name, an attribute, a string: certainly no literal.
        Tri::No
            if attribute_chain(toks).is_some()
                || (toks.len() == 1 && matches!(toks[0].kind, K::Name | K::Str)) =>
        {
            Tri::No
        }
        Tri::No => Tri::Unsure,
    }
}

/// As `python::catches_import_error`, over the tokens of `except <type> [as x]:`.
fn except_catches(text: &str, header: &[Tok]) -> R<bool> {
    if header.first().is_some_and(|t| t.kind == K::Star) {
        return Err(Unsure(line!())); // except*: left to the parser
    }
    let ty = match header.iter().position(|t| t.depth == 0 && t.kind == K::As) {
        Some(i) => {
            if header.len() != i + 2 || header[i + 1].kind != K::Name || i == 0 {
                return Err(Unsure(line!()));
            }
            &header[..i]
        }
        None => header,
    };
    if ty.is_empty() {
        return Ok(true);
    }
    if ty
        .iter()
        .any(|t| t.depth == 0 && t.kind.is_keyword() && !t.kind.is_constant())
    {
        return Err(Unsure(line!()));
    }
    Ok(catches(text, ty))
}

fn catches(text: &str, toks: &[Tok]) -> bool {
    if toks.is_empty() {
        return false;
    }
    if let Some(inner) = paren_inner(toks) {
        if inner.is_empty() {
            return false;
        }
        if !has_top(inner, K::Comma) {
            return catches(text, inner);
        }
        return split_top(inner, K::Comma).iter().any(|p| catches(text, p));
    }
    if has_top(toks, K::Comma) {
        return split_top(toks, K::Comma).iter().any(|p| catches(text, p));
    }
    if toks.len() == 1 && toks[0].kind == K::Name {
        return context::is_import_error_family(word(text, &toks[0]));
    }
    attribute_chain(toks)
        .is_some_and(|dot| context::is_import_error_family(word(text, &toks[dot + 1])))
}

#[derive(Debug, Clone, Copy, Default)]
struct Prefix {
    raw: bool,
    bytes: bool,
    format: bool,
}

impl Prefix {
    fn of(s: &[u8]) -> Option<Prefix> {
        if s.len() > 2 {
            return None;
        }
        let mut p = Prefix::default();
        let mut u = false;
        for &c in s {
            match c.to_ascii_lowercase() {
                b'r' if !p.raw => p.raw = true,
                b'b' if !p.bytes => p.bytes = true,
                b'f' | b't' if !p.format => p.format = true,
                b'u' if !u => u = true,
                _ => return None,
            }
        }
        let ok = !((u && s.len() > 1) || (p.bytes && p.format));
        ok.then_some(p)
    }
}

/// Python's numeric literal grammar (with `_` separators).
fn valid_number(s: &[u8]) -> bool {
    fn digits(s: &[u8], ok: fn(u8) -> bool, lead_underscore: bool) -> bool {
        // Non-empty digits, single `_` between digits (or first, after a base prefix).
        !s.is_empty()
            && s.last() != Some(&b'_')
            && (lead_underscore || s[0] != b'_')
            && !s.windows(2).any(|w| w == b"__")
            && s.iter().all(|&c| c == b'_' || ok(c))
    }
    if s.len() > 2 && s[0] == b'0' && s[1].is_ascii_alphabetic() {
        let rest = &s[2..];
        return match s[1] {
            b'x' | b'X' => digits(rest, |c| c.is_ascii_hexdigit(), true),
            b'o' | b'O' => digits(rest, |c| (b'0'..=b'7').contains(&c), true),
            b'b' | b'B' => digits(rest, |c| c == b'0' || c == b'1', true),
            _ => false,
        };
    }
    let dec = |c: u8| c.is_ascii_digit();
    let (body, imag) = match s.last() {
        Some(b'j' | b'J') => (&s[..s.len() - 1], true),
        _ => (s, false),
    };
    let (mant, exp) = match body.iter().position(|&c| c == b'e' || c == b'E') {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    if let Some(e) = exp {
        let e = e
            .strip_prefix(b"+")
            .or_else(|| e.strip_prefix(b"-"))
            .unwrap_or(e);
        if !digits(e, dec, false) {
            return false;
        }
    }
    let (int, frac) = match mant.iter().position(|&c| c == b'.') {
        Some(i) => (&mant[..i], Some(&mant[i + 1..])),
        None => (mant, None),
    };
    match frac {
        Some(f) => {
            (int.is_empty() || digits(int, dec, false))
                && (f.is_empty() || digits(f, dec, false))
                && !(int.is_empty() && f.is_empty())
        }
        None => {
            digits(int, dec, false)
                && (exp.is_some()
                    || imag
                    || int[0] != b'0'
                    || int.iter().all(|&c| c == b'0' || c == b'_'))
        }
    }
}

// ---------------------------------------------------------------------------
// The walk: the contexts `python::Walker` gives, over the kept structure.

struct Walk<'t> {
    text: &'t str,
    optional: u32,
    type_only: u32,
    guard: Minors,
    fallback_for: Vec<String>,
    imports: Vec<RawImport>,
    relative: Vec<Relative>,
    candidates: Vec<(context::CalleeKind, RawImport)>,
    /// Local names bound by `import importlib [as X]`.
    importlib_aliases: Vec<String>,
    /// Local names bound by `from importlib import import_module [as X]`.
    import_module_aliases: Vec<String>,
}

impl Walk<'_> {
    /// Keep the candidates whose callee is an import function (as
    /// `python::Walker::finish`).
    /// An undecoded candidate (empty module) that is kept: ask the tree.
    fn finish(&mut self) -> R<()> {
        for (callee, import) in std::mem::take(&mut self.candidates) {
            let keep = match &callee {
                context::CalleeKind::Certain => true,
                context::CalleeKind::Function(name) => {
                    self.import_module_aliases.iter().any(|a| a == name)
                }
                context::CalleeKind::Method(obj) => self.importlib_aliases.iter().any(|a| a == obj),
            };
            if keep {
                if import.module.is_empty() {
                    return Err(Unsure(line!()));
                }
                self.imports.push(import);
            }
        }
        Ok(())
    }

    fn calls(&mut self, calls: &[Call]) {
        for c in calls {
            let import = RawImport {
                module: c.module.clone().unwrap_or_default(),
                span: c.span,
                stmt: c.stmt,
                context: Context {
                    dynamic: true,
                    ..self.context()
                },
                names: Vec::new(),
                guard: self.guard,
                fallback_for: self.fallback_for.clone(),
            };
            self.candidates.push((c.callee.clone(), import));
        }
    }

    fn context(&self) -> Context {
        Context {
            optional: self.optional > 0,
            type_only: self.type_only > 0,
            dynamic: false,
        }
    }

    fn name(&self, s: Span) -> String {
        self.text[s.start..s.end].to_owned()
    }

    fn push(&mut self, module: Span, stmt: Span, names: Vec<String>) {
        let m = self.name(module);
        if context::is_future(&m) {
            return;
        }
        self.imports.push(RawImport {
            module: m,
            span: module,
            stmt,
            context: self.context(),
            names,
            guard: self.guard,
            fallback_for: self.fallback_for.clone(),
        });
    }

    fn body(&mut self, b: &Body) {
        for n in &b.nodes {
            self.node(n);
        }
    }

    fn node(&mut self, n: &Node) {
        match n {
            Node::Import { modules, stmt } => {
                for (m, asname) in modules {
                    self.push(*m, *stmt, Vec::new());
                    if &self.text[m.start..m.end] == "importlib" {
                        let local = self.name(asname.unwrap_or(*m));
                        self.importlib_aliases.push(local);
                    }
                }
            }
            Node::Calls(calls) => self.calls(calls),
            Node::From {
                level,
                module,
                names,
                stmt,
            } => {
                let names_of: Vec<String> = names
                    .iter()
                    .map(|(s, _)| self.name(*s))
                    .filter(|n| n != "*")
                    .collect();
                if *level == 0 {
                    if let Some(m) = module {
                        self.push(*m, *stmt, names_of);
                        if &self.text[m.start..m.end] == "importlib" {
                            for (n, asname) in names {
                                if &self.text[n.start..n.end] == "import_module" {
                                    let local = self.name(asname.unwrap_or(*n));
                                    self.import_module_aliases.push(local);
                                }
                            }
                        }
                    }
                } else {
                    self.relative.push(Relative {
                        level: *level,
                        module: module.map(|m| self.name(m)),
                        names: names_of,
                        span: *stmt,
                        context: self.context(),
                    });
                }
            }
            Node::Block(bodies) => {
                for b in bodies {
                    self.body(b);
                }
            }
            Node::If(clauses) => self.if_(clauses),
            Node::Try {
                body,
                handlers,
                orelse,
                finally,
            } => {
                let handler = handlers.iter().position(|(c, _, _)| *c);
                let optional = handler.is_some_and(|i| !handlers[i].2.gives_up);
                if optional {
                    self.optional += 1;
                }
                let first = self.imports.len();
                self.body(body);
                if optional {
                    self.optional -= 1;
                }
                let body_modules: Vec<String> = self.imports[first..]
                    .iter()
                    .map(|i| i.module.clone())
                    .collect();
                for (i, (_, calls, h)) in handlers.iter().enumerate() {
                    if Some(i) == handler && !body_modules.is_empty() {
                        let outer = std::mem::replace(&mut self.fallback_for, body_modules.clone());
                        self.calls(calls);
                        self.body(h);
                        self.fallback_for = outer;
                    } else {
                        self.calls(calls);
                        self.body(h);
                    }
                }
                self.body(orelse);
                self.body(finally);
            }
        }
    }

    fn if_(&mut self, clauses: &[(Option<IfTest>, Vec<Call>, Body)]) {
        let outer = self.guard;
        let Some((Some(first), _, body)) = clauses.first() else {
            return;
        };
        self.guard = outer & first.may_true;
        if first.type_checking == Some(true) {
            self.type_only += 1;
        }
        self.body(body);
        if first.type_checking == Some(true) {
            self.type_only -= 1;
        }
        self.guard = outer & first.may_false;
        if first.type_checking == Some(false) {
            self.type_only += 1;
        }
        for (test, calls, body) in &clauses[1..] {
            self.calls(calls);
            let before = self.guard;
            let (t, f) = test.map_or((vg::ALL, 0), |t| (t.may_true, t.may_false));
            let tc = test.is_some_and(|t| t.type_checking == Some(true));
            self.guard = before & t;
            if tc {
                self.type_only += 1;
            }
            self.body(body);
            if tc {
                self.type_only -= 1;
            }
            self.guard = before & f;
        }
        if first.type_checking == Some(false) {
            self.type_only -= 1;
        }
        self.guard = outer;
    }
}
