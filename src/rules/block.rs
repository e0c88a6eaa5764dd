//! What the PEP 723 rules (ND012–ND015) share: which imports the block's
//! distributions provide, and the plan of a fix that edits the block
//! and/or the header (DESIGN §12).

use super::{Ctx, Intent};
use crate::db::{Database, Resolution};
use crate::diagnostic::Edit;
use crate::header::{edit, Header};
use crate::imports::Class;
use crate::pep723::{self, Metadata};
use crate::resolve::{AttrIndex, Matching, Needed};
use crate::span::LineIndex;
use std::collections::{HashMap, HashSet};

/// The block's part of a merged fix.
pub fn request(intents: &[&Intent]) -> pep723::edit::Request {
    let mut req = pep723::edit::Request::default();
    let mut adds = HashSet::new();
    let mut removes = HashSet::new();
    for i in intents {
        match i {
            Intent::BlockAdd(name) if adds.insert(name) => req.add.push(name.clone()),
            Intent::BlockRemove(k) if removes.insert(*k) => req.remove.push(*k),
            _ => {}
        }
    }
    req
}

/// The shell packages part of a merged fix: (attributes to add, package
/// indices to remove).
pub fn package_request(intents: &[&Intent]) -> (Vec<String>, Vec<usize>) {
    let (mut add, mut remove) = (Vec::new(), Vec::new());
    let (mut added, mut removed) = (HashSet::new(), HashSet::new());
    for i in intents {
        match i {
            Intent::AddPackage(a) if added.insert(a) => add.push(a.clone()),
            Intent::RemovePackage(k) if removed.insert(*k) => remove.push(*k),
            _ => {}
        }
    }
    (add, remove)
}

/// Where a new block goes: under the shebang and the header lines that
/// follow it directly.
pub fn header_end(text: &str, lines: &LineIndex, header: &Header) -> usize {
    // Header lines come in file order.
    let mut last = 0;
    for l in &header.lines {
        if l.line == last + 1 {
            last += 1;
        } else if l.line > last + 1 {
            break;
        }
    }
    if last + 1 < lines.line_count() {
        lines.line_span(text, last + 1).start
    } else {
        text.len()
    }
}

/// The edits of a merged fix: header edits and block edits together, checked.
pub fn plan(
    text: &str,
    lines: &LineIndex,
    header: &Header,
    meta: &Metadata,
    intents: &[&Intent],
) -> Result<Vec<Edit>, String> {
    edits(
        &edit::Planner::with_lines(text, header, lines),
        meta,
        intents,
        true,
    )
}

/// The edits of `intents`: checked (`check`) or a draft (see
/// [`edit::Planner::draft`]).
pub(super) fn edits(
    planner: &edit::Planner,
    meta: &Metadata,
    intents: &[&Intent],
    check: bool,
) -> Result<Vec<Edit>, String> {
    let req = Intent::request(intents);
    let mut edits = if req == edit::EditRequest::default() {
        Vec::new()
    } else if check {
        planner.plan(&req).map_err(|e| e.to_string())?
    } else {
        planner.draft(&req).map_err(|e| e.to_string())?
    };
    let (add, remove) = package_request(intents);
    if !add.is_empty() || !remove.is_empty() {
        edits.extend(
            crate::header::packages::plan(planner.text(), planner.header(), &add, &remove)
                .map_err(|e| e.to_string())?,
        );
    }
    let block = request(intents);
    if !block.is_empty() {
        let (text, lines, header) = (planner.text(), planner.lines(), planner.header());
        edits.extend(
            pep723::edit::plan(text, lines, meta, header_end(text, lines, header), &block)
                .map_err(|e| e.to_string())?,
        );
    }
    Ok(edits)
}

/// What the block's distributions provide: their attributes' [`AttrIndex`],
/// and their PyPI names.
struct Index {
    attrs: AttrIndex,
    /// PyPI name → distributions.
    names: HashMap<String, Vec<usize>>,
}

impl Index {
    fn new(db: &Database, names: &[&str]) -> Index {
        let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, name) in names.iter().enumerate() {
            by_name.entry((*name).to_owned()).or_default().push(i);
        }
        Index {
            attrs: AttrIndex::new(db, names.iter().map(|n| db.attr_of_pypi(n))),
            names: by_name,
        }
    }

    fn providers(&self, db: &Database, need: &Needed) -> Vec<usize> {
        let mut out = self.attrs.providers(need);
        if let Resolution::Resolved { attr, .. } = &need.resolution {
            out.extend(self.names.get(&db.pypi_name(attr)).into_iter().flatten());
            out.sort_unstable();
            out.dedup();
        }
        out
    }
}

/// [`Matching`] of the block's distributions (uv scripts, where the block
/// is the declaration): `providers` index the block's requirements.
pub fn matching(db: &Database, meta: &Metadata, needed: &[Needed]) -> Matching {
    let names = meta.names();
    let index = Index::new(db, &names);
    let mut used = vec![false; names.len()];
    let providers = needed
        .iter()
        .map(|n| {
            let p: Vec<usize> = match &n.class {
                Class::ThirdParty => index.providers(db, n),
                Class::RemovedStdlib {
                    restored_by: Some(attr),
                    ..
                } => index
                    .names
                    .get(&db.pypi_name(attr))
                    .cloned()
                    .unwrap_or_default(),
                _ => Vec::new(),
            };
            for &i in &p {
                used[i] = true;
            }
            p
        })
        .collect();
    // A stub distribution is used when the one it types is.
    for (i, name) in names.iter().enumerate() {
        if let Some(target) = db.stub_target(&db.attr_of_pypi(name)) {
            let typed = index.names.get(&db.pypi_name(&target));
            if typed.is_some_and(|js| js.iter().any(|&j| used[j])) {
                used[i] = true;
            }
        }
    }
    Matching { providers, used }
}

impl Ctx<'_> {
    /// The block is the declaration: the interpreter is uv.
    pub fn block_declares(&self) -> bool {
        self.uv
    }

    /// Block fixes need a block that parses (or none) and Python that parses.
    pub fn block_fixable(&self) -> bool {
        self.metadata.malformed.is_empty() && self.syntax_errors.is_empty()
    }
}
