//! What the PEP 723 rules (ND012–ND015) share: which imports the block's
//! distributions provide, and the plan of a fix that edits the block
//! and/or the header (DESIGN §12).

use super::{Ctx, Intent};
use crate::db::{pep503, Database, Resolution};
use crate::diagnostic::Edit;
use crate::header::{edit, Header};
use crate::imports::Class;
use crate::pep723::{self, Metadata};
use crate::resolve::{Matching, Needed};
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

/// What the block's distributions provide, indexed so that matching costs
/// one database look-up per distribution and per import, not per pair.
/// The same facts as [`crate::resolve::provides`] for each distribution's
/// attribute (and the attribute it was renamed to).
struct Index {
    /// Attribute (as written and canonical) → distributions.
    attrs: HashMap<String, Vec<usize>>,
    /// PEP 503 form of those attributes → distributions.
    normalised: HashMap<String, Vec<usize>>,
    /// Provided module → distributions.
    modules: HashMap<String, Vec<usize>>,
    /// PyPI name → distributions.
    names: HashMap<String, Vec<usize>>,
}

impl Index {
    fn new(db: &Database, names: &[&str]) -> Index {
        let mut ix = Index {
            attrs: HashMap::new(),
            normalised: HashMap::new(),
            modules: HashMap::new(),
            names: HashMap::new(),
        };
        for (i, name) in names.iter().enumerate() {
            ix.names.entry((*name).to_owned()).or_default().push(i);
            let attr = db.attr_of_pypi(name);
            let mut attrs = vec![attr.clone()];
            if let Some(current) = db.canonical(&attr).filter(|c| *c != attr) {
                attrs.push(current);
            }
            for a in attrs {
                ix.normalised.entry(pep503(&a)).or_default().push(i);
                for m in db.provides(&a) {
                    ix.modules.entry(m).or_default().push(i);
                }
                ix.attrs.entry(a).or_default().push(i);
            }
        }
        ix
    }

    fn providers(&self, db: &Database, need: &Needed) -> Vec<usize> {
        let get = |m: &HashMap<String, Vec<usize>>, k: &str| m.get(k).cloned().unwrap_or_default();
        let mut out = get(&self.normalised, &pep503(need.top_level()));
        out.extend(get(&self.modules, need.top_level()));
        out.extend(get(&self.modules, &need.module));
        if let Resolution::Resolved {
            attr, alternatives, ..
        } = &need.resolution
        {
            for a in std::iter::once(attr).chain(alternatives) {
                out.extend(get(&self.attrs, a));
            }
            out.extend(get(&self.names, &db.pypi_name(attr)));
        }
        out.sort_unstable();
        out.dedup();
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
