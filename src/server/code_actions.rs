//! Code actions: each fixable diagnostic's own fix (the edits `--fix`
//! would make for it alone), `source.fixAll.nixdeps` (what `nixdeps fix`
//! does to the whole script), and suppression comments. A suppression edit
//! is offered only when checking the edited text shows the diagnostic gone,
//! so an action never promises what the rules would not honour.

use super::diagnostics::{self, range};
use super::documents::{Document, Encoding};
use super::workspace::{recheck, Analysed, Report};
use crate::check::FixMode;
use crate::diagnostic::{Applicability, Diagnostic, Edit};
use crate::span::{LineIndex, Span};
use lsp_types::{CodeAction, CodeActionKind, CodeActionOrCommand, Range, TextEdit, WorkspaceEdit};
use std::collections::HashMap;

pub const FIX_ALL_KIND: &str = "source.fixAll.nixdeps";

/// Suppression actions are verified by a re-check each; a request for a
/// large range verifies this many and offers no more, so it stays fast.
const MAX_SUPPRESSIONS: usize = 16;

/// The actions for `range` of `doc`, limited to the kinds in `only` (all
/// when absent).
pub fn actions(
    doc: &Document,
    analysed: &Analysed,
    at: Range,
    only: Option<&[CodeActionKind]>,
    enc: Encoding,
) -> Vec<CodeActionOrCommand> {
    let Some(report) = analysed.report() else {
        return Vec::new();
    };
    let wants = |kind: &str| {
        only.is_none_or(|kinds| {
            kinds.iter().any(|k| {
                let k = k.as_str();
                kind == k || kind.strip_prefix(k).is_some_and(|r| r.starts_with('.'))
            })
        })
    };
    let shift = analysed.shift;
    let lsp = diagnostics::to_lsp(doc, analysed, enc);
    let mut out = Vec::new();
    let mut suppressions = 0;
    if wants(CodeActionKind::QUICKFIX.as_str()) {
        for (d, ld) in report.checked.diagnostics.iter().zip(&lsp) {
            if !overlaps(ld.range, at) {
                continue;
            }
            if let Some(fix) = &d.fix {
                let safe = fix.applicability == Applicability::Safe;
                out.push(action(
                    if safe {
                        fix.message.clone()
                    } else {
                        format!("{} (unsafe)", fix.message)
                    },
                    CodeActionKind::QUICKFIX,
                    Some(ld.clone()),
                    safe,
                    doc,
                    edits(doc, shift, &fix.edits, enc),
                ));
            }
            if suppressions == MAX_SUPPRESSIONS {
                continue;
            }
            suppressions += 1;
            if let Some((title, edit)) = suppression(doc, shift, report, d) {
                out.push(action(
                    title,
                    CodeActionKind::QUICKFIX,
                    Some(ld.clone()),
                    false,
                    doc,
                    edits(doc, shift, &[edit], enc),
                ));
            }
        }
    }
    if wants(FIX_ALL_KIND) {
        if let Some(edit) = fix_all(doc, analysed, FixMode::Apply, enc) {
            out.push(action(
                "Fix all nixdeps problems (safe fixes)".into(),
                CodeActionKind::new(FIX_ALL_KIND),
                None,
                false,
                doc,
                edit,
            ));
        }
    }
    out
}

fn action(
    title: String,
    kind: CodeActionKind,
    diagnostic: Option<lsp_types::Diagnostic>,
    preferred: bool,
    doc: &Document,
    edits: Vec<TextEdit>,
) -> CodeActionOrCommand {
    CodeActionOrCommand::CodeAction(CodeAction {
        title,
        kind: Some(kind),
        diagnostics: diagnostic.map(|d| vec![d]),
        edit: Some(workspace_edit(doc, edits)),
        command: None,
        is_preferred: preferred.then_some(true),
        disabled: None,
        data: None,
    })
}

pub fn workspace_edit(doc: &Document, edits: Vec<TextEdit>) -> WorkspaceEdit {
    WorkspaceEdit {
        changes: Some(HashMap::from([(doc.uri.clone(), edits)])),
        document_changes: None,
        change_annotations: None,
    }
}

fn edits(doc: &Document, shift: usize, edits: &[Edit], enc: Encoding) -> Vec<TextEdit> {
    edits
        .iter()
        .map(|e| TextEdit {
            range: range(doc, shift, e.span, enc),
            new_text: e.content.clone(),
        })
        .collect()
}

fn overlaps(a: Range, b: Range) -> bool {
    a.start <= b.end && b.start <= a.end
}

/// The edits `nixdeps fix` (or `--unsafe-fixes`) would make to the whole
/// document, as one replacement of the part that changes; `None` when
/// nothing would.
pub fn fix_all(
    doc: &Document,
    analysed: &Analysed,
    mode: FixMode,
    enc: Encoding,
) -> Option<Vec<TextEdit>> {
    let report = analysed.report()?;
    let old = &doc.text[analysed.shift..];
    let new = recheck(report, old, mode).ok()??.text;
    let edit = minimal_edit(old, &new)?;
    Some(edits(doc, analysed.shift, &[edit], enc))
}

/// One edit turning `old` into `new`: the span between their common prefix
/// and suffix (on character boundaries).
fn minimal_edit(old: &str, new: &str) -> Option<Edit> {
    if old == new {
        return None;
    }
    let mut prefix = old
        .bytes()
        .zip(new.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    while !old.is_char_boundary(prefix) || !new.is_char_boundary(prefix) {
        prefix -= 1;
    }
    let max_suffix = (old.len() - prefix).min(new.len() - prefix);
    let mut suffix = old
        .bytes()
        .rev()
        .zip(new.bytes().rev())
        .take(max_suffix)
        .take_while(|(a, b)| a == b)
        .count();
    while !old.is_char_boundary(old.len() - suffix) || !new.is_char_boundary(new.len() - suffix) {
        suffix -= 1;
    }
    Some(Edit::replace(
        Span::new(prefix, old.len() - suffix),
        &new[prefix..new.len() - suffix],
    ))
}

/// "Ignore CODE for this import" (a trailing `# nixdeps: ignore[CODE]` on
/// the import's line) or, for findings elsewhere, "Ignore CODE in this file"
/// (a comment line in the header block). Checked before it is offered.
fn suppression(
    doc: &Document,
    shift: usize,
    report: &Report,
    d: &Diagnostic,
) -> Option<(String, Edit)> {
    let text = &doc.text[shift..];
    let ins = report.inspection.as_ref()?;
    let is_import = ins
        .needed
        .iter()
        .any(|n| n.span == d.span && Some(n.module.as_str()) == d.module.as_deref());
    let (title, edit) = if is_import {
        (
            format!("Ignore {} for this import", d.code),
            trailing_comment(text, d.span, d.code),
        )
    } else {
        let last = ins
            .header
            .lines
            .last()
            .map_or(ins.header.shebang, |l| l.span);
        let lines = LineIndex::new(text);
        let line = lines.line_of(last.end.min(text.len()));
        let end = lines.line_span(text, line).end;
        let newline = if text[..end].ends_with('\r') || text[end..].starts_with("\r\n") {
            "\r\n"
        } else {
            "\n"
        };
        let edit = if end == text.len() {
            Edit::insert(end, format!("{newline}# nixdeps: ignore[{}]", d.code))
        } else {
            let next = end + newline.len();
            Edit::insert(next, format!("# nixdeps: ignore[{}]{newline}", d.code))
        };
        (format!("Ignore {} in this file", d.code), edit)
    };
    let edited = crate::diagnostic::apply_edits(text, std::slice::from_ref(&edit))?;
    let after = recheck(report, &edited, FixMode::Off).ok()??;
    let gone = !after
        .diagnostics
        .iter()
        .any(|x| x.code == d.code && x.module == d.module && x.attribute == d.attribute);
    let new_errors = after
        .diagnostics
        .iter()
        .filter(|x| x.code == "ND101")
        .count()
        > report
            .checked
            .diagnostics
            .iter()
            .filter(|x| x.code == "ND101")
            .count();
    (gone && !new_errors).then_some((title, edit))
}

/// The comment on the last line of the statement at `span` (past `\`
/// continuations), joining an existing `ignore[...]` list when there is one.
fn trailing_comment(text: &str, span: Span, code: &str) -> Edit {
    let lines = LineIndex::new(text);
    let mut line = lines.line_of(span.end.saturating_sub(1).max(span.start));
    let mut s = lines.line_span(text, line);
    while text[s.start..s.end].ends_with('\\') && line + 1 < lines.line_count() {
        line += 1;
        s = lines.line_span(text, line);
    }
    let content = &text[s.start..s.end];
    if let Some(i) = content.find("nixdeps: ignore[") {
        let list = i + "nixdeps: ignore[".len();
        if let Some(close) = content[list..].find(']') {
            let at = s.start + list + close;
            let sep = if close == 0 { "" } else { ", " };
            return Edit::insert(at, format!("{sep}{code}"));
        }
    }
    let pad = if content.ends_with([' ', '\t']) || content.is_empty() {
        ""
    } else {
        "  "
    };
    Edit::insert(s.end, format!("{pad}# nixdeps: ignore[{code}]"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimal_edit_keeps_common_ends() {
        let e = minimal_edit("a [ ps.x ] b", "a [ ps.x ps.y ] b").unwrap();
        assert_eq!(e.span, Span::new(9, 9));
        assert_eq!(e.content, "ps.y ");
        let e = minimal_edit("é1é", "é2é").unwrap();
        assert_eq!((e.span, e.content.as_str()), (Span::new(2, 3), "2"));
        assert!(minimal_edit("same", "same").is_none());
    }

    #[test]
    fn trailing_comment_joins_lists_and_skips_continuations() {
        let t = "import a, \\\n  yaml\nimport b  # nixdeps: ignore[ND003]\n";
        let e = trailing_comment(t, Span::new(0, 6), "ND001");
        assert_eq!(e.span.start, t.find("\nimport b").unwrap());
        let b = t.find("import b").unwrap();
        let e = trailing_comment(t, Span::new(b, b + 8), "ND001");
        assert_eq!(
            crate::diagnostic::apply_edits(t, &[e]).unwrap(),
            t.replace("ignore[ND003]", "ignore[ND003, ND001]")
        );
    }
}
