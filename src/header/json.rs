//! The header model as JSON, for `nixdeps header SCRIPT` and for tests.
//! Field names are stable; spans are `{start: {row, column}, end: {row,
//! column}, bytes: [start, end]}` (1-based rows, columns in characters);
//! `line` fields are 1-based too (the Rust model counts lines from 0).

use super::{Header, PythonRef};
use crate::span::{LineIndex, Span};
use serde_json::{json, Value};

struct Ctx<'a> {
    text: &'a str,
    index: LineIndex,
}

impl Ctx<'_> {
    fn span(&self, s: Span) -> Value {
        json!({
            "start": self.index.position(self.text, s.start),
            "end": self.index.position(self.text, s.end),
            "bytes": [s.start, s.end],
        })
    }
    fn python(&self, p: &PythonRef) -> Value {
        json!({
            "attr": p.attr,
            "version": p.version.map(|v| v.to_string()),
            "span": self.span(p.span),
        })
    }
}

/// The model of `header` (parsed from `text`) as a JSON value.
pub fn model(text: &str, header: &Header) -> Value {
    let c = Ctx {
        text,
        index: LineIndex::new(text),
    };
    json!({
        "kind": header.kind,
        "shebang": c.span(header.shebang),
        "lines": header.lines.iter().map(|l| json!({
            "line": l.line + 1,
            "span": c.span(l.span),
        })).collect::<Vec<_>>(),
        "ignored_lines": header.ignored_lines.iter().map(|l| json!({
            "line": l.line + 1,
            "span": c.span(l.span),
            "reason": l.reason,
        })).collect::<Vec<_>>(),
        "words": header.words.iter().map(|w| json!({
            "text": w.text,
            "span": c.span(w.span),
        })).collect::<Vec<_>>(),
        "interpreter": header.interpreter.as_ref().map(|i| json!({
            "command": i.command,
            "program": i.program,
            "flags": i.flags,
            "is_python": i.is_python,
            "version": i.version.map(|v| v.to_string()),
            "span": c.span(i.span),
        })),
        "python_version": header.python_version().map(|v| v.to_string()),
        "packages_mode": header.packages_mode,
        "pythons": header.pythons.iter().map(|p| c.python(p)).collect::<Vec<_>>(),
        "declarations": header.declarations.iter().map(|d| json!({
            "attr": d.attr,
            "style": d.style,
            "list": d.list,
            "python": d.python.attr,
            "span": c.span(d.span),
            "element": c.span(d.element),
        })).collect::<Vec<_>>(),
        "lists": header.lists.iter().map(|l| json!({
            "style": l.style,
            "python": c.python(&l.python),
            "arg": l.arg,
            "with_arg": l.with_arg,
            "prefix": l.prefix,
            "span": c.span(l.span),
        })).collect::<Vec<_>>(),
        "others": header.others.iter().map(|o| json!({
            "text": o.text,
            "span": c.span(o.span),
        })).collect::<Vec<_>>(),
        "unsupported": header.unsupported.iter().map(|u| json!({
            "text": u.text,
            "reason": u.reason,
            "nix_file": u.nix_file,
            "span": c.span(u.span),
        })).collect::<Vec<_>>(),
        "include_paths": header.include_paths,
        "pure": header.pure,
        "keep": header.keep,
        "args": header.args,
        "run": header.run,
        "nix_files": header.nix_files,
        "package_words": header.package_words,
    })
}
