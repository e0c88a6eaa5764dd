//! Turning "add these, remove those, rename that" into byte-range edits
//! that keep the header's style (DESIGN §7.2).

use super::Header;
use crate::diagnostic::Edit;

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
    #[error("{0}")]
    Other(String),
}

/// Plan the edits for `req` against `header` (parsed from `text`). The edits
/// do not overlap and are applied together with `diagnostic::apply_edits`.
pub fn plan(text: &str, header: &Header, req: &EditRequest) -> Result<Vec<Edit>, EditError> {
    let _ = (text, header, req);
    Err(EditError::NoPlace)
}
