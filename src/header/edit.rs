//! Turning "add these, remove those, rename that" into byte-range edits
//! that keep the header's style (DESIGN §7.2).
//!
//! Edits are planned against the original text: inside a quoted Nix
//! expression they are computed on the word's unquoted text and mapped back
//! through the word's offset map, and inserted text is escaped for the
//! quoting at the insertion point. Every plan is checked before it is
//! returned: the edited text is parsed again and must declare exactly the
//! requested set, with edits only on header lines. A [`Planner`] serves
//! many requests against one header; its drafts are not checked one by one
//! (each check is a parse of the whole header): the fixes of a file's
//! findings are drafted apart and checked together, as `--fix` applies them.

use super::{nix, DeclStyle, Header, HeaderKind, Quote};
use crate::diagnostic::{apply_edits, Edit};
use crate::span::{LineIndex, Span};
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EditRequest {
    /// Attributes to add (to the header's main Python list).
    pub add: Vec<String>,
    /// Indices into `Header::declarations` to remove.
    pub remove: Vec<usize>,
    /// (index into `Header::declarations`, new attribute name).
    pub rename: Vec<(usize, String)>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum EditError {
    #[error("the header has no place nixdeps can add a Python package to")]
    NoPlace,
    #[error("declaration index {0} does not exist")]
    BadIndex(usize),
    #[error("`{0}` is not an attribute name nixdeps can write")]
    BadName(String),
    #[error("{0}")]
    Other(String),
}

/// Plain Nix identifiers only: nothing that needs quoting in Nix or in the
/// header, and no `'` (never emitted: 2.8 and ≥ 2.19 split it differently).
fn valid_name(s: &str) -> bool {
    let mut b = s.bytes();
    matches!(b.next(), Some(c) if c.is_ascii_alphabetic() || c == b'_')
        && b.all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-')
        && !matches!(
            s,
            "if" | "then" | "else" | "assert" | "with" | "let" | "in" | "rec" | "inherit" | "or"
        )
}

fn escape(s: &str, q: Quote, kind: HeaderKind) -> Result<String, EditError> {
    match q {
        Quote::Double => Ok(s.replace('\\', "\\\\").replace('"', "\\\"")),
        Quote::Single if s.contains('\'') => Err(EditError::Other(
            "cannot write `'` inside single quotes".into(),
        )),
        Quote::Single => Ok(s.to_string()),
        Quote::Backtick if s.contains('`') => Err(EditError::Other(
            "cannot write a backtick inside ``…``".into(),
        )),
        Quote::Backtick => Ok(s.to_string()),
        Quote::None if kind == HeaderKind::Flake => {
            if s.bytes()
                .any(|b| b.is_ascii_whitespace() || b"\\\"'`".contains(&b))
            {
                Err(EditError::Other(
                    "the flake form cannot quote this here".into(),
                ))
            } else {
                Ok(s.to_string())
            }
        }
        Quote::None => {
            let mut out = String::new();
            for c in s.chars() {
                if matches!(c, ' ' | '"' | '\'' | '\\' | '\t') {
                    out.push('\\');
                }
                out.push(c);
            }
            Ok(out)
        }
    }
}

/// Pending edits in file offsets.
#[derive(Default)]
struct Ops {
    del: Vec<Span>,
    ins: BTreeMap<usize, String>,
    replace: Vec<Edit>,
}

impl Ops {
    fn delete_text(&mut self, h: &Header, wi: usize, a: usize, b: usize) {
        let w = &h.words[wi];
        for i in a..b.min(w.offsets.len()) {
            self.del.push(Span::new(w.starts[i], w.offsets[i] + 1));
        }
    }
    /// The deletions so far as sorted, disjoint runs.
    fn deleted_runs(&self) -> Vec<Span> {
        let mut del = self.del.clone();
        del.sort();
        merge_runs(del)
    }
    fn insert(&mut self, at: usize, content: &str) {
        self.ins.entry(at).or_default().push_str(content);
    }
    fn finish(mut self) -> Result<Vec<Edit>, EditError> {
        self.del.sort();
        let runs = merge_runs(std::mem::take(&mut self.del));
        let mut edits: Vec<Edit> = runs.iter().map(|r| Edit::delete(*r)).collect();
        let deletions = edits.len();
        for (at, content) in self.ins {
            // The runs are sorted and disjoint (touching ones merged): at
            // most the run at `k - 1` ends at or holds `at`, at most the run
            // at `k` starts there.
            let k = runs.partition_point(|r| r.start < at);
            if k < deletions && runs[k].start == at {
                edits[k].content.insert_str(0, &content);
                continue;
            }
            if k > 0 && runs[k - 1].end == at {
                edits[k - 1].content.push_str(&content);
                continue;
            }
            if k > 0 && at < runs[k - 1].end {
                return Err(EditError::Other("conflicting edits".into()));
            }
            edits.push(Edit::insert(at, content));
        }
        edits.extend(self.replace);
        edits.sort_by_key(|e| (e.span.start, e.span.end));
        Ok(edits)
    }
}

/// Sorted spans with overlapping or touching ones joined.
fn merge_runs(sorted: Vec<Span>) -> Vec<Span> {
    let mut runs: Vec<Span> = Vec::new();
    for d in sorted {
        match runs.last_mut() {
            Some(r) if d.start <= r.end => r.end = r.end.max(d.end),
            _ => runs.push(d),
        }
    }
    runs
}

fn in_runs(runs: &[Span], offset: usize) -> bool {
    let k = runs.partition_point(|r| r.end <= offset);
    runs.get(k).is_some_and(|r| r.contains(offset))
}

fn sort_key(s: &str) -> (String, String) {
    (s.to_ascii_lowercase(), s.to_string())
}

/// Where new names go in a list or word group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Anchor {
    /// Before the declaration with this index.
    Before(usize),
    /// After the element / word ending at this text (or file) position.
    After(usize),
    /// Into an empty list.
    Empty,
}

/// What a request comes to once normalised: the declarations that go, the
/// renames that remain, the names that are really new.
struct Resolved {
    removed: HashSet<usize>,
    renamed: BTreeMap<usize, String>,
    adds: Vec<String>,
}

/// Where names are added: the withPackages list with the most declarations,
/// else the word group of the last declaration word (see [`Planner::add`]).
#[derive(Clone, Copy)]
enum Target {
    List(usize),
    Words(usize),
}

/// Plans edits against one parsed header. What every plan needs from the
/// header (line starts, each list's declarations and whether they are
/// sorted, how often each attribute is declared, where new names go) is
/// computed once, so that drafting the fix of each of a file's findings
/// costs what that fix touches, not a pass over the header: a header that
/// repeats one package 20,000 times has 20,000 findings.
pub struct Planner<'a> {
    text: &'a str,
    h: &'a Header,
    lines: Cow<'a, LineIndex>,
    /// Declarations of each list, in order.
    list_decls: Vec<Vec<usize>>,
    /// Whether each list's declarations are in sort order.
    list_sorted: Vec<bool>,
    /// The declaration of each list that starts last.
    list_last: Vec<Option<usize>>,
    /// How many declarations name each attribute.
    attr_count: HashMap<&'a str, usize>,
    target: Option<Target>,
}

/// Plan the edits for `req` against `header` (parsed from `text`). The edits
/// do not overlap and are applied together with `diagnostic::apply_edits`.
pub fn plan(text: &str, header: &Header, req: &EditRequest) -> Result<Vec<Edit>, EditError> {
    Planner::new(text, header).plan(req)
}

impl<'a> Planner<'a> {
    pub fn new(text: &'a str, header: &'a Header) -> Self {
        Self::build(text, header, Cow::Owned(LineIndex::new(text)))
    }

    /// With the line index of `text` the caller already has.
    pub fn with_lines(text: &'a str, header: &'a Header, lines: &'a LineIndex) -> Self {
        Self::build(text, header, Cow::Borrowed(lines))
    }

    fn build(text: &'a str, h: &'a Header, lines: Cow<'a, LineIndex>) -> Self {
        let mut list_decls = vec![Vec::new(); h.lists.len()];
        let mut attr_count: HashMap<&str, usize> = HashMap::new();
        for (i, d) in h.declarations.iter().enumerate() {
            if let Some(l) = list_decls.get_mut(d.list) {
                l.push(i);
            }
            *attr_count.entry(d.attr.as_str()).or_default() += 1;
        }
        let list_sorted = list_decls.iter().map(|d| is_sorted(h, d)).collect();
        let list_last = list_decls
            .iter()
            .map(|d| {
                d.iter()
                    .copied()
                    .max_by_key(|&i| h.declarations[i].element.start)
            })
            .collect();
        // 1. The withPackages list with the most declarations (ties: the
        // first); 2. the group of the last declaration word.
        let target = (0..h.lists.len())
            .filter(|&l| matches!(h.lists[l].style, DeclStyle::Selected | DeclStyle::Bare))
            .max_by_key(|&l| (list_decls[l].len(), std::cmp::Reverse(l)))
            .map(Target::List)
            .or_else(|| {
                (0..h.declarations.len())
                    .filter(|&i| {
                        matches!(
                            h.declarations[i].style,
                            DeclStyle::Word | DeclStyle::Installable
                        )
                    })
                    .max_by_key(|&i| h.declarations[i].element.start)
                    .map(|i| Target::Words(h.declarations[i].list))
            });
        Planner {
            text,
            h,
            lines,
            list_decls,
            list_sorted,
            list_last,
            attr_count,
            target,
        }
    }

    pub fn text(&self) -> &'a str {
        self.text
    }

    pub fn header(&self) -> &'a Header {
        self.h
    }

    pub fn lines(&self) -> &LineIndex {
        &self.lines
    }

    /// The edits for `req`, checked: applied and parsed again, they declare
    /// exactly what was asked, with bytes changed on header lines only.
    pub fn plan(&self, req: &EditRequest) -> Result<Vec<Edit>, EditError> {
        let (edits, resolved) = self.draft_resolved(req)?;
        if !edits.is_empty() {
            self.verify(&edits, &resolved)?;
        }
        Ok(edits)
    }

    /// The edits for `req`, not checked: the fix shown for one finding,
    /// checked with the other fixes of its file in one [`Planner::plan`].
    pub fn draft(&self, req: &EditRequest) -> Result<Vec<Edit>, EditError> {
        Ok(self.draft_resolved(req)?.0)
    }

    fn resolve(&self, req: &EditRequest) -> Result<Resolved, EditError> {
        let h = self.h;
        let n = h.declarations.len();
        for &i in req.remove.iter().chain(req.rename.iter().map(|(i, _)| i)) {
            if i >= n {
                return Err(EditError::BadIndex(i));
            }
        }
        for name in req.add.iter().chain(req.rename.iter().map(|(_, s)| s)) {
            if !valid_name(name) {
                return Err(EditError::BadName(name.clone()));
            }
        }
        let mut removed: HashSet<usize> = req.remove.iter().copied().collect();
        let mut renamed: BTreeMap<usize, String> = BTreeMap::new();
        for (i, s) in &req.rename {
            if !removed.contains(i) {
                renamed.insert(*i, s.clone());
            }
        }
        // A name stays declared while some declaration of it is neither
        // removed nor renamed.
        let mut gone: HashMap<&str, usize> = HashMap::new();
        for &i in removed.iter().chain(renamed.keys()) {
            *gone.entry(h.declarations[i].attr.as_str()).or_default() += 1;
        }
        let stays = |s: &str| {
            self.attr_count.get(s).copied().unwrap_or(0) > gone.get(s).copied().unwrap_or(0)
        };
        // A rename onto a name that stays declared is a removal (no duplicate).
        let mut seen_new: HashSet<String> = HashSet::new();
        for (i, s) in renamed.clone() {
            if s == h.declarations[i].attr {
                renamed.remove(&i);
            } else if stays(&s) || seen_new.contains(&s) {
                renamed.remove(&i);
                removed.insert(i);
            } else {
                seen_new.insert(s);
            }
        }
        let mut adds: Vec<String> = Vec::new();
        let mut added: HashSet<&str> = HashSet::new();
        for a in &req.add {
            if !stays(a) && !seen_new.contains(a) && added.insert(a) {
                adds.push(a.clone());
            }
        }
        Ok(Resolved {
            removed,
            renamed,
            adds,
        })
    }

    fn draft_resolved(&self, req: &EditRequest) -> Result<(Vec<Edit>, Resolved), EditError> {
        let h = self.h;
        let r = self.resolve(req)?;
        let mut ops = Ops::default();
        let mut removed: Vec<usize> = r.removed.iter().copied().collect();
        removed.sort_unstable();
        for i in removed {
            self.remove(i, &mut ops);
        }
        for (i, s) in &r.renamed {
            let d = &h.declarations[*i];
            let q = h.words[d.word].quotes.first().copied().unwrap_or_default();
            let q = if matches!(d.style, DeclStyle::Word | DeclStyle::Installable) {
                Quote::None
            } else {
                word_quote_at(h, d.word, d.span.start).unwrap_or(q)
            };
            ops.replace
                .push(Edit::replace(d.span, escape(s, q, h.kind)?));
        }
        if !r.adds.is_empty() {
            self.add(&r.adds, &r.removed, &mut ops)?;
        }
        Ok((ops.finish()?, r))
    }

    fn remove(&self, i: usize, ops: &mut Ops) {
        let (text, h, line) = (self.text, self.h, &self.lines);
        let d = &h.declarations[i];
        let bytes = text.as_bytes();
        match d.style {
            DeclStyle::Word | DeclStyle::Installable => {
                // The whole word and the blanks on one side of it.
                let ls = line.line_span(text, line.line_of(d.element.start));
                let mut e = d.element.end;
                while e < ls.end && is_blank(bytes[e]) {
                    e += 1;
                }
                let rest_blank = bytes
                    .get(e..ls.end)
                    .is_none_or(|r| r.iter().all(|&b| is_blank(b) || b == b'\r'));
                if e > d.element.end && !rest_blank {
                    ops.del.push(Span::new(d.element.start, e));
                } else {
                    let mut s = d.element.start;
                    while s > ls.start && is_blank(bytes[s - 1]) {
                        s -= 1;
                    }
                    ops.del.push(Span::new(s, d.element.end));
                }
            }
            DeclStyle::Selected | DeclStyle::Bare => {
                let w = &h.words[d.word];
                let t = w.text.as_bytes();
                let (a, b) = d.text_element;
                let mut j = b;
                while j < t.len() && t[j] == b' ' {
                    j += 1;
                }
                if j > b && j < t.len() {
                    ops.delete_text(h, d.word, a, j);
                } else {
                    let mut k = a;
                    while k > 0 && t[k - 1] == b' ' {
                        k -= 1;
                    }
                    ops.delete_text(h, d.word, k, b);
                    // Alone on a `#! nix` line: take the blank after `nix` too,
                    // so the line keeps no trailing blank.
                    let fe = w.offsets[b - 1] + 1;
                    let fs = w.starts[k];
                    let ls = line.line_span(text, line.line_of(fs));
                    if fe <= ls.end && bytes[fe..ls.end].iter().all(|&c| is_blank(c)) {
                        let mut s = fs;
                        while s > ls.start && is_blank(bytes[s - 1]) {
                            s -= 1;
                        }
                        if s < fs {
                            ops.del.push(Span::new(s, fs));
                        }
                    }
                }
            }
        }
    }

    fn add(
        &self,
        adds: &[String],
        removed: &HashSet<usize>,
        ops: &mut Ops,
    ) -> Result<(), EditError> {
        let (text, h) = (self.text, self.h);
        match self.target {
            Some(Target::List(l)) => {
                let decls = &self.list_decls[l];
                return add_to_list(h, l, decls, self.list_sorted[l], adds, removed, ops);
            }
            Some(Target::Words(l)) => {
                let decls = &self.list_decls[l];
                let last = if removed.is_empty() {
                    self.list_last[l]
                } else {
                    decls
                        .iter()
                        .copied()
                        .filter(|d| !removed.contains(d))
                        .max_by_key(|&d| h.declarations[d].element.start)
                };
                let group = Group {
                    l,
                    decls,
                    sorted: self.list_sorted[l],
                    last,
                };
                return add_words(h, &group, adds, removed, ops);
            }
            None => {}
        }
        let mut names = adds.to_vec();
        names.sort_by_key(|s| sort_key(s));
        // 3. A bare interpreter word becomes a withPackages expression.
        for p in &h.pythons {
            // Words come in file order and do not overlap.
            let k = h.words.partition_point(|w| w.span.start <= p.span.start);
            let Some(wi) = k.checked_sub(1).filter(|&wi| {
                let w = &h.words[wi];
                w.span.start <= p.span.start && p.span.end <= w.span.end
            }) else {
                continue;
            };
            let w = &h.words[wi];
            let bare = w
                .text
                .trim_matches(|c: char| c == '(' || c == ')' || c.is_whitespace());
            if nix::is_interp(bare) {
                if h.kind == HeaderKind::Flake {
                    for n in &names {
                        ops.insert(
                            w.span.end,
                            &format!(" nixpkgs#{}.{n}", nix::package_set(bare)),
                        );
                    }
                    return Ok(());
                }
                ops.replace
                    .push(Edit::replace(w.span, with_packages(bare, &names)));
                return Ok(());
            }
        }
        if !h.pythons.is_empty() || h.kind == HeaderKind::Flake || !h.nix_files.is_empty() {
            return Err(EditError::NoPlace);
        }
        // 4. No Python at all (ND010): a new -p word on the last header line of
        // the comment block under the shebang (not one in a docstring further
        // down, which nix-shell reads too).
        let mut content = String::from(" ");
        if !h.packages_mode {
            content.push_str("-p ");
        }
        content.push_str(&with_packages(&default_interp(h), &names));
        match last_block_line(text, h, &self.lines) {
            Some(l) => {
                let end = super::words::chomp(text, l.span).end;
                ops.insert(end, &content);
            }
            None => {
                let nl = if text.as_bytes().get(h.shebang.end) == Some(&b'\r') {
                    "\r\n"
                } else {
                    "\n"
                };
                ops.insert(h.shebang.end, &format!("{nl}#! nix-shell{content}"));
            }
        }
        Ok(())
    }

    /// Apply, parse again, and check the result declares what was asked, with
    /// bytes changed on header lines only.
    fn verify(&self, edits: &[Edit], r: &Resolved) -> Result<(), EditError> {
        let (text, h) = (self.text, self.h);
        // Header lines do not overlap; sorted, the only one that can hold an
        // edit is the last one starting at or before it.
        let mut allowed: Vec<Span> = h.lines.iter().map(|l| l.span).collect();
        allowed.push(h.shebang);
        allowed.sort();
        for e in edits {
            let k = allowed.partition_point(|s| s.start <= e.span.start);
            let ok = k
                .checked_sub(1)
                .is_some_and(|k| e.span.end <= allowed[k].end);
            if !ok || e.content.contains('\n') && !e.span.is_empty() {
                return Err(EditError::Other(format!(
                    "internal: an edit at line {} leaves the header lines",
                    self.lines.line_of(e.span.start) + 1
                )));
            }
        }
        let out = apply_edits(text, edits)
            .ok_or_else(|| EditError::Other("internal: overlapping edits".into()))?;
        let Some(new) = super::parse(&out) else {
            return Err(EditError::Other(
                "internal: the edited file lost its shebang".into(),
            ));
        };
        let mut want: Vec<String> = Vec::new();
        for (i, d) in h.declarations.iter().enumerate() {
            if r.removed.contains(&i) {
                continue;
            }
            want.push(r.renamed.get(&i).cloned().unwrap_or_else(|| d.attr.clone()));
        }
        want.extend(r.adds.iter().cloned());
        want.sort();
        let mut got: Vec<String> = new.declarations.iter().map(|d| d.attr.clone()).collect();
        got.sort();
        if want != got {
            return Err(EditError::Other(format!(
                "internal: the edited header would declare [{}] instead of [{}]",
                got.join(", "),
                want.join(", ")
            )));
        }
        let old_unsupported: Vec<&str> = h.unsupported.iter().map(|u| u.reason.as_str()).collect();
        let new_unsupported: Vec<&str> =
            new.unsupported.iter().map(|u| u.reason.as_str()).collect();
        if old_unsupported != new_unsupported {
            return Err(EditError::Other(
                "internal: the edit would change what nixdeps cannot read".into(),
            ));
        }
        Ok(())
    }
}

fn word_quote_at(h: &Header, wi: usize, offset: usize) -> Option<Quote> {
    // A word's offsets increase: each text byte comes from later in the file.
    let w = &h.words[wi];
    let k = w.offsets.partition_point(|&o| o < offset);
    (w.offsets.get(k) == Some(&offset)).then(|| w.quotes[k])
}

fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// The interpreter attribute to build a new withPackages from.
fn default_interp(h: &Header) -> String {
    if let Some(p) = h.pythons.first() {
        return p.attr.clone();
    }
    match h.interpreter.as_ref().map(|i| i.program.as_str()) {
        Some("pypy3") => "pypy3".into(),
        Some(p) => match p.strip_prefix("python3.") {
            Some(d) if !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()) => {
                format!("python3{d}")
            }
            _ => "python3".into(),
        },
        None => "python3".into(),
    }
}

fn with_packages(interp: &str, names: &[String]) -> String {
    let items: Vec<String> = names.iter().map(|n| format!("ps.{n}")).collect();
    format!("\"{interp}.withPackages (ps: [ {} ])\"", items.join(" "))
}

/// The last header line of the block of `#` lines right under the shebang.
fn last_block_line<'h>(
    text: &str,
    h: &'h Header,
    index: &LineIndex,
) -> Option<&'h super::HeaderLine> {
    // Header lines come in file order, one per line.
    let mut best = h.lines.first().filter(|l| l.line == 0);
    for n in 1..index.line_count() {
        let span = index.line_span(text, n);
        if !text[span.start..span.end].starts_with('#') {
            break;
        }
        if let Ok(k) = h.lines.binary_search_by_key(&n, |l| l.line) {
            best = Some(&h.lines[k]);
        }
    }
    best
}

fn is_sorted(h: &Header, decls: &[usize]) -> bool {
    decls
        .windows(2)
        .all(|w| sort_key(&h.declarations[w[0]].attr) <= sort_key(&h.declarations[w[1]].attr))
}

/// The names to add, grouped by where each goes (its sorted position, or
/// `after`), each group in sort order when the list is sorted.
fn group_by_anchor<'a>(
    h: &Header,
    live: &[usize],
    sorted: bool,
    adds: &'a [String],
    after: Anchor,
) -> BTreeMap<Anchor, Vec<&'a String>> {
    let mut groups: BTreeMap<Anchor, Vec<&String>> = BTreeMap::new();
    for n in adds {
        groups
            .entry(anchor_for(h, live, sorted, n, after))
            .or_default()
            .push(n);
    }
    if sorted {
        for names in groups.values_mut() {
            names.sort_by_key(|s| sort_key(s));
        }
    }
    groups
}

fn anchor_for(h: &Header, decls: &[usize], sorted: bool, name: &str, after: Anchor) -> Anchor {
    if sorted {
        // Before the first declaration that sorts after `name`.
        let key = sort_key(name);
        let k = decls.partition_point(|&d| sort_key(&h.declarations[d].attr) <= key);
        if let Some(&d) = decls.get(k) {
            return Anchor::Before(d);
        }
    }
    after
}

/// `decls` without the removed ones (borrowed when nothing is removed, so a
/// one-name draft does not copy a long list).
fn live<'d>(decls: &'d [usize], removed: &HashSet<usize>) -> Cow<'d, [usize]> {
    if removed.is_empty() {
        Cow::Borrowed(decls)
    } else {
        Cow::Owned(
            decls
                .iter()
                .copied()
                .filter(|d| !removed.contains(d))
                .collect(),
        )
    }
}

fn add_to_list(
    h: &Header,
    l: usize,
    decls: &[usize],
    sorted: bool,
    adds: &[String],
    removed: &HashSet<usize>,
    ops: &mut Ops,
) -> Result<(), EditError> {
    let list = &h.lists[l];
    let Some(wi) = list.word else {
        return Err(EditError::NoPlace);
    };
    let w = &h.words[wi];
    let arg = list.arg.clone().unwrap_or_else(|| "ps".into());
    let bare = match decls.last() {
        Some(&d) => h.declarations[d].style == DeclStyle::Bare,
        None => list.with_arg,
    };
    let form = |n: &str| {
        if bare {
            n.to_string()
        } else {
            format!("{arg}.{n}")
        }
    };
    // Anchors that survive: not before a removed declaration.
    let live = live(decls, removed);
    let live_items: Cow<[(usize, usize)]> = if removed.is_empty() {
        Cow::Borrowed(&list.text_items)
    } else {
        let removed_items: HashSet<(usize, usize)> = decls
            .iter()
            .filter(|&d| removed.contains(d))
            .map(|&d| h.declarations[d].text_element)
            .collect();
        Cow::Owned(
            list.text_items
                .iter()
                .copied()
                .filter(|r| !removed_items.contains(r))
                .collect(),
        )
    };
    let last_item_end = if sorted {
        live.last().map(|&d| h.declarations[d].text_element.1)
    } else {
        None
    }
    .or_else(|| live_items.last().map(|r| r.1));
    let after = match last_item_end {
        Some(e) => Anchor::After(e),
        None => Anchor::Empty,
    };
    for (anchor, names) in group_by_anchor(h, &live, sorted, adds, after) {
        let forms: Vec<String> = names.iter().map(|n| form(n)).collect();
        let joined = forms.join(" ");
        let (pos, content) = match anchor {
            Anchor::Before(d) => (h.declarations[d].text_element.0, format!("{joined} ")),
            Anchor::After(e) => (e, format!(" {joined}")),
            Anchor::Empty => {
                let c = list.text_close;
                // The character that will precede `]` once deletions apply.
                let deleted = ops.deleted_runs();
                let mut k = c;
                while k > 0 && in_runs(&deleted, w.offsets[k - 1]) {
                    k -= 1;
                }
                let spaced = k > 0 && w.text.as_bytes().get(k - 1) == Some(&b' ');
                (
                    c,
                    if spaced {
                        format!("{joined} ")
                    } else {
                        format!(" {joined} ")
                    },
                )
            }
        };
        // Insert before text byte `pos` (or after the last one).
        let (at, q) = if pos < w.offsets.len() {
            match anchor {
                Anchor::After(_) => (w.offsets[pos - 1] + 1, w.quotes[pos - 1]),
                _ => (w.starts[pos], w.quotes[pos]),
            }
        } else if pos > 0 && pos <= w.offsets.len() {
            (w.offsets[pos - 1] + 1, w.quotes[pos - 1])
        } else {
            return Err(EditError::NoPlace);
        };
        ops.insert(at, &escape(&content, q, h.kind)?);
    }
    Ok(())
}

/// A word group new names are added to.
struct Group<'d> {
    l: usize,
    decls: &'d [usize],
    sorted: bool,
    /// The declaration that starts last and stays.
    last: Option<usize>,
}

fn add_words(
    h: &Header,
    g: &Group,
    adds: &[String],
    removed: &HashSet<usize>,
    ops: &mut Ops,
) -> Result<(), EditError> {
    let prefix = h.lists[g.l].prefix.clone().unwrap_or_default();
    let Some(last) = g.last else {
        // Every word of the group goes: the new words take the last one's place.
        let Some(&last) = g
            .decls
            .iter()
            .max_by_key(|&&d| h.declarations[d].element.start)
        else {
            return Err(EditError::NoPlace);
        };
        let el = h.declarations[last].element;
        ops.del
            .retain(|d| !(d.start <= el.start && el.end <= d.end));
        let mut names = adds.to_vec();
        names.sort_by_key(|s| sort_key(s));
        let words: Vec<String> = names.iter().map(|n| format!("{prefix}{n}")).collect();
        ops.replace.push(Edit::replace(el, words.join(" ")));
        return Ok(());
    };
    let live = live(g.decls, removed);
    let after = Anchor::After(h.declarations[last].element.end);
    for (anchor, names) in group_by_anchor(h, &live, g.sorted, adds, after) {
        let words: Vec<String> = names.iter().map(|n| format!("{prefix}{n}")).collect();
        let joined = words.join(" ");
        match anchor {
            Anchor::Before(d) => ops.insert(h.declarations[d].element.start, &format!("{joined} ")),
            Anchor::After(e) => ops.insert(e, &format!(" {joined}")),
            Anchor::Empty => return Err(EditError::NoPlace),
        }
    }
    Ok(())
}

/// Convenience for callers and tests: the request that sets the header's
/// declarations by name (add `add`, remove every declaration named in
/// `remove`).
pub fn request_by_name(header: &Header, add: &[&str], remove: &[&str]) -> EditRequest {
    EditRequest {
        add: add.iter().map(|s| s.to_string()).collect(),
        remove: header
            .declarations
            .iter()
            .enumerate()
            .filter(|(_, d)| remove.contains(&d.attr.as_str()))
            .map(|(i, _)| i)
            .collect(),
        rename: Vec::new(),
    }
}

/// Plan and apply in one step.
pub fn apply(text: &str, header: &Header, req: &EditRequest) -> Result<String, EditError> {
    let edits = plan(text, header, req)?;
    apply_edits(text, &edits).ok_or_else(|| EditError::Other("internal: overlapping edits".into()))
}
