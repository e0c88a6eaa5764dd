//! Diagnostics as data: what a rule found, where, and how to fix it.
//! Renderers (`report`) and the fixer (`fix`) consume these; rules produce them.

use crate::span::Span;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// Replace the bytes `span` of the decoded source with `content`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Edit {
    pub span: Span,
    pub content: String,
}

impl Edit {
    pub fn replace(span: Span, content: impl Into<String>) -> Self {
        Edit {
            span,
            content: content.into(),
        }
    }
    pub fn insert(at: usize, content: impl Into<String>) -> Self {
        Edit::replace(Span::empty(at), content)
    }
    pub fn delete(span: Span) -> Self {
        Edit::replace(span, "")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    /// Keeps the script's behaviour or makes it work: applied by `--fix`.
    Safe,
    /// May change what the script gets (e.g. removing a package another tool uses).
    Unsafe,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fix {
    pub message: String,
    pub applicability: Applicability,
    pub edits: Vec<Edit>,
}

/// One finding. Positions are byte spans into the decoded text of `path`;
/// renderers convert them to line:column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub message: String,
    pub span: Span,
    pub fix: Option<Fix>,
    /// The Python module the finding is about, where there is one.
    pub module: Option<String>,
    /// The nixpkgs attribute the finding is about, where there is one.
    pub attribute: Option<String>,
}

/// Two diagnostics' edits overlap when their byte ranges intersect, or both
/// insert at the same point (their order would be ambiguous).
pub fn edits_overlap(a: &Edit, b: &Edit) -> bool {
    if a.span.is_empty() && b.span.is_empty() {
        return a.span.start == b.span.start;
    }
    a.span.start < b.span.end && b.span.start < a.span.end
        || (a.span.is_empty() && b.span.contains(a.span.start) && a.span.start != b.span.start)
        || (b.span.is_empty() && a.span.contains(b.span.start) && b.span.start != a.span.start)
}

/// Apply non-overlapping edits in one pass. Returns `None` if two edits overlap.
pub fn apply_edits(text: &str, edits: &[Edit]) -> Option<String> {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.span.start, e.span.end));
    let mut out = String::with_capacity(text.len() + 64);
    let mut cursor = 0;
    for e in sorted {
        if e.span.start < cursor || e.span.end > text.len() || e.span.start > e.span.end {
            return None;
        }
        out.push_str(text.get(cursor..e.span.start)?);
        out.push_str(&e.content);
        cursor = e.span.end;
    }
    out.push_str(text.get(cursor..)?);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn applies_in_one_pass_and_rejects_overlap() {
        let t = "abcdef";
        let out = apply_edits(
            t,
            &[Edit::replace(Span::new(4, 5), "X"), Edit::insert(1, "++")],
        );
        assert_eq!(out.as_deref(), Some("a++bcdXf"));
        assert_eq!(
            apply_edits(
                t,
                &[
                    Edit::replace(Span::new(1, 4), "X"),
                    Edit::delete(Span::new(3, 5))
                ]
            ),
            None
        );
    }
}
