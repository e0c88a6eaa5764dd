//! What the PEP 723 rules (ND012–ND015) share: which imports the block's
//! distributions provide, and the plan of a fix that edits the block
//! and/or the header (DESIGN §12).

use super::{Ctx, Intent};
use crate::db::Database;
use crate::diagnostic::Edit;
use crate::header::{edit, Header};
use crate::imports::Class;
use crate::pep723::{self, Metadata};
use crate::resolve::{self, Matching, Needed};
use crate::span::LineIndex;

/// The block's part of a merged fix.
pub fn request(intents: &[&Intent]) -> pep723::edit::Request {
    let mut req = pep723::edit::Request::default();
    for i in intents {
        match i {
            Intent::BlockAdd(name) if !req.add.contains(name) => req.add.push(name.clone()),
            Intent::BlockRemove(k) if !req.remove.contains(k) => req.remove.push(*k),
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

/// The edits of a merged fix: header edits and block edits together.
pub fn plan(
    text: &str,
    lines: &LineIndex,
    header: &Header,
    meta: &Metadata,
    intents: &[&Intent],
) -> Result<Vec<Edit>, String> {
    let req = Intent::request(intents);
    let mut edits = if req == edit::EditRequest::default() {
        Vec::new()
    } else {
        edit::plan(text, header, &req).map_err(|e| e.to_string())?
    };
    let block = request(intents);
    edits.extend(
        pep723::edit::plan(text, lines, meta, header_end(text, lines, header), &block)
            .map_err(|e| e.to_string())?,
    );
    Ok(edits)
}

/// Does block distribution `name` (PEP 503) provide the import?
pub fn provides(db: &Database, name: &str, need: &Needed) -> bool {
    resolve::provides(db, &db.attr_of_pypi(name), need)
        || need
            .resolved_attr()
            .is_some_and(|a| db.pypi_name(a) == name)
}

/// [`Matching`] of the block's distributions (uv scripts, where the block
/// is the declaration): `providers` index the block's requirements.
pub fn matching(db: &Database, meta: &Metadata, needed: &[Needed]) -> Matching {
    let names = meta.names();
    let mut used = vec![false; names.len()];
    let providers = needed
        .iter()
        .map(|n| {
            let p: Vec<usize> = match &n.class {
                Class::ThirdParty => (0..names.len())
                    .filter(|&i| provides(db, names[i], n))
                    .collect(),
                Class::RemovedStdlib {
                    restored_by: Some(attr),
                    ..
                } => {
                    let restorer = db.pypi_name(attr);
                    (0..names.len()).filter(|&i| names[i] == restorer).collect()
                }
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
            let target = db.pypi_name(&target);
            if names
                .iter()
                .enumerate()
                .any(|(j, m)| used[j] && *m == target)
            {
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
