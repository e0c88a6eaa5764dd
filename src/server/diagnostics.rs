//! nixdeps diagnostics as LSP diagnostics.
//!
//! `codeDescription` must carry an `href`, and nixdeps has no hosted rule
//! documentation yet: the href follows one documentation URL scheme
//! ([`RULE_DOCS`] + code, the single place to change when the project gets
//! a home), and the text `nixdeps explain CODE` prints travels with the
//! diagnostic in `data.explain`, so the explanation is there offline (the
//! server's hover shows it on the diagnostic's range).

use super::documents::{Document, Encoding};
use super::workspace::{Analysed, Report};
use crate::diagnostic::{Applicability, Severity};
use crate::rules;
use crate::span::Span;
use lsp_types::{
    CodeDescription, Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location,
    NumberOrString, Url,
};

/// Rule documentation: `{RULE_DOCS}ND001`.
pub const RULE_DOCS: &str = "https://example.org/nixdeps/rules/";

pub const SOURCE: &str = "nixdeps";

/// The LSP diagnostics of one analysis (none for non-scripts and failures).
pub fn to_lsp(doc: &Document, analysed: &Analysed, enc: Encoding) -> Vec<Diagnostic> {
    let Some(report) = analysed.report() else {
        return Vec::new();
    };
    report
        .checked
        .diagnostics
        .iter()
        .map(|d| convert(doc, analysed.shift, report, d, enc))
        .collect()
}

/// The LSP range of a span of the analysed text.
pub fn range(doc: &Document, shift: usize, span: Span, enc: Encoding) -> lsp_types::Range {
    doc.range(span.start + shift, span.end + shift, enc)
}

fn convert(
    doc: &Document,
    shift: usize,
    report: &Report,
    d: &crate::diagnostic::Diagnostic,
    enc: Encoding,
) -> Diagnostic {
    let rule = rules::lookup(d.code);
    let related = related(doc, shift, report, d, enc);
    Diagnostic {
        range: range(doc, shift, d.span, enc),
        severity: Some(match d.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
            Severity::Info => DiagnosticSeverity::INFORMATION,
        }),
        code: Some(NumberOrString::String(d.code.to_owned())),
        code_description: Url::parse(&format!("{RULE_DOCS}{}", d.code))
            .ok()
            .map(|href| CodeDescription { href }),
        source: Some(SOURCE.to_owned()),
        message: d.message.clone(),
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: Some(serde_json::json!({
            "name": d.name,
            "explain": rule.map(|r| r.doc),
            "fix": d.fix.as_ref().map(|f| serde_json::json!({
                "message": f.message,
                "applicability": match f.applicability {
                    Applicability::Safe => "safe",
                    Applicability::Unsafe => "unsafe",
                },
            })),
        })),
    }
}

/// Where else the finding shows: for a declaration in the header, the
/// imports it provides; for an import the header lacks, the package list a
/// fix would add to.
fn related(
    doc: &Document,
    shift: usize,
    report: &Report,
    d: &crate::diagnostic::Diagnostic,
    enc: Encoding,
) -> Vec<DiagnosticRelatedInformation> {
    let Some(ins) = &report.inspection else {
        return Vec::new();
    };
    let at = |span: Span, message: String| DiagnosticRelatedInformation {
        location: Location {
            uri: doc.uri.clone(),
            range: range(doc, shift, span, enc),
        },
        message,
    };
    let declared: Vec<Span> = if ins.uv {
        ins.metadata
            .script
            .iter()
            .flat_map(|s| s.dependencies.iter())
            .flat_map(|l| l.items.iter().map(|r| r.span))
            .collect()
    } else {
        ins.header.declarations.iter().map(|x| x.span).collect()
    };
    if let Some(i) = declared.iter().position(|s| *s == d.span) {
        return ins
            .needed
            .iter()
            .zip(&ins.matching.providers)
            .filter(|(_, p)| p.contains(&i))
            .take(20)
            .map(|(n, _)| at(n.span, format!("\"{}\" is imported here", n.module)))
            .collect();
    }
    let is_import = ins
        .needed
        .iter()
        .any(|n| n.span == d.span && Some(&n.module) == d.module.as_ref());
    if is_import && d.attribute.is_some() {
        let list = if ins.uv {
            ins.metadata
                .script
                .as_ref()
                .and_then(|s| s.dependencies.as_ref())
                .map(|l| (l.span, "the `# /// script` dependencies"))
        } else {
            ins.header
                .lists
                .first()
                .map(|l| (l.span, "the packages the header declares"))
        };
        if let Some((span, what)) = list {
            return vec![at(span, what.to_owned())];
        }
    }
    Vec::new()
}
