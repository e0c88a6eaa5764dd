//! Hover: on an import, how nixdeps classified and resolved it and which
//! declared package provides it; on a declared package, which imports use it
//! and what it propagates; on a diagnostic, the rule's explanation.

use super::diagnostics::range;
use super::documents::{Document, Encoding};
use super::workspace::Analysed;
use crate::check::Inspection;
use crate::rules;
use crate::span::{LineIndex, Span};
use lsp_types::{Hover, HoverContents, MarkupContent, MarkupKind, Position};
use std::fmt::Write;

/// Lists in hovers stop here: a hover is a glance, not a report.
const MAX_LISTED: usize = 20;

pub fn hover(doc: &Document, analysed: &Analysed, pos: Position, enc: Encoding) -> Option<Hover> {
    let report = analysed.report()?;
    let offset = doc.offset(pos, enc).checked_sub(analysed.shift)?;
    let text = &doc.text[analysed.shift..];
    let lines = LineIndex::new(text);
    let hit = |s: Span| s.start <= offset && offset <= s.end;
    let mut parts: Vec<String> = Vec::new();
    let mut spans: Vec<Span> = Vec::new();
    if let Some(ins) = &report.inspection {
        for (i, n) in ins.needed.iter().enumerate() {
            if hit(n.span) {
                parts.push(import_text(ins, i, text, &lines));
                spans.push(n.span);
            }
        }
        if let Some((i, span, name)) = declared(ins).into_iter().find(|(_, s, _)| hit(*s)) {
            parts.push(declared_text(
                ins,
                report.settings.db,
                i,
                &name,
                text,
                &lines,
            ));
            spans.push(span);
        }
    }
    for d in &report.checked.diagnostics {
        if hit(d.span) {
            if let Some(r) = rules::lookup(d.code) {
                parts.push(format!(
                    "**{} {}** (`nixdeps explain {}`)\n\n{}",
                    r.code, r.name, r.code, r.doc
                ));
                spans.push(d.span);
            }
        }
    }
    let span = spans.into_iter().reduce(Span::cover)?;
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: parts.join("\n\n---\n\n"),
        }),
        range: Some(range(doc, analysed.shift, span, enc)),
    })
}

/// The declared names with their spans: the header's attributes, or under
/// uv the `# /// script` requirements (the indices `matching` uses).
fn declared(ins: &Inspection) -> Vec<(usize, Span, String)> {
    if ins.uv {
        ins.metadata
            .script
            .iter()
            .flat_map(|s| s.dependencies.iter())
            .flat_map(|l| l.items.iter())
            .enumerate()
            .map(|(i, r)| (i, r.span, r.name.clone()))
            .collect()
    } else {
        ins.header
            .declarations
            .iter()
            .enumerate()
            .map(|(i, d)| (i, d.span, d.attr.clone()))
            .collect()
    }
}

fn line_no(lines: &LineIndex, text: &str, offset: usize) -> usize {
    lines.position(text, offset).row
}

fn import_text(ins: &Inspection, i: usize, text: &str, lines: &LineIndex) -> String {
    let n = &ins.needed[i];
    let mut s = format!("**import `{}`** — {}", n.module, n.classification());
    let ctx = n.context_words();
    if !ctx.is_empty() {
        let _ = write!(s, " [{}]", ctx.join(", "));
    }
    if let crate::db::Resolution::Resolved { source, .. } = &n.resolution {
        let _ = write!(s, "\n\nresolved from: {source}");
    }
    if let Some(via) = &n.via {
        let _ = write!(s, "\n\nimported by `{}` (line {})", via.display(), n.line);
    }
    let decl = declared(ins);
    let providers: Vec<String> = ins
        .matching
        .providers
        .get(i)
        .into_iter()
        .flatten()
        .filter_map(|&p| decl.get(p))
        .map(|(_, span, name)| format!("`{name}` (line {})", line_no(lines, text, span.start)))
        .collect();
    let needs_provider = matches!(
        n.class,
        crate::imports::Class::ThirdParty | crate::imports::Class::RemovedStdlib { .. }
    );
    if !providers.is_empty() {
        let _ = write!(s, "\n\ndeclared by: {}", providers.join(", "));
    } else if needs_provider {
        s.push_str("\n\ndeclared by: no declared package");
    }
    let _ = write!(s, "\n\nPython {}", ins.version);
    s
}

fn declared_text(
    ins: &Inspection,
    db: &crate::db::Database,
    i: usize,
    name: &str,
    text: &str,
    lines: &LineIndex,
) -> String {
    let mut s = format!("**declared package `{name}`**");
    let users: Vec<String> = ins
        .needed
        .iter()
        .zip(&ins.matching.providers)
        .filter(|(_, p)| p.contains(&i))
        .map(|(n, _)| {
            format!(
                "`{}` (line {})",
                n.module,
                line_no(lines, text, n.span.start)
            )
        })
        .collect();
    if users.is_empty() {
        s.push_str("\n\nused by: no import");
    } else {
        let _ = write!(s, "\n\nused by: {}", listed(&users));
    }
    if !ins.uv {
        if let Some(current) = db.canonical(name).filter(|c| c != name) {
            let _ = write!(s, "\n\nnow called `{current}` in nixpkgs");
        }
        let propagated = db.propagated(name);
        if propagated.is_empty() {
            s.push_str("\n\npropagates: nothing nixdeps knows of");
        } else {
            let shown: Vec<String> = propagated.iter().map(|p| format!("`{p}`")).collect();
            let _ = write!(s, "\n\npropagates: {}", listed(&shown));
        }
    }
    s
}

fn listed(items: &[String]) -> String {
    let mut out = items
        .iter()
        .take(MAX_LISTED)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if items.len() > MAX_LISTED {
        let _ = write!(out, " and {} more", items.len() - MAX_LISTED);
    }
    out
}
