//! PEP 723 inline script metadata (DESIGN §12): the `# /// script` block,
//! its TOML, its PEP 508 requirements and its `requires-python`.
//!
//! The one module that uses `pep508_rs` and reads TOML out of comments;
//! `block` finds the blocks, `edit` rewrites the `dependencies` list.
//!
//! How far a block is looked for: discovery decides on the first line alone
//! (a nix-shell or `uv run` shebang, ≤ 4 KiB read, `src/discover.rs`); in a
//! file it picked, the block is looked for in the whole text, since the
//! specification puts it anywhere and the text is read anyway for its
//! imports (one linear pass over the lines).

pub mod block;
pub mod edit;

use crate::header::{Header, PyVersion};
use crate::span::Span;
use pep508_rs::pep440_rs::{Operator, VersionSpecifiers};
use serde::Deserialize;
use std::str::FromStr;
use toml::Spanned;

/// One requirement of `dependencies`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    /// The PEP 503 name: `pyyaml`, `typing-extensions`.
    pub name: String,
    /// The string as written (unquoted): `PyYAML[libyaml] >= 6; python_version < "3.14"`.
    pub text: String,
    /// The extras and the marker, kept for messages and JSON.
    pub extras: Vec<String>,
    pub marker: Option<String>,
    /// The string literal in the file, quotes included.
    pub span: Span,
}

/// The `dependencies` array.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DepList {
    /// From `[` to `]` in the file.
    pub span: Span,
    pub items: Vec<Requirement>,
    /// A TOML comment between the brackets (a rewrite must keep it).
    pub comments: bool,
}

/// The parsed `script` block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Script {
    pub block: block::RawBlock,
    /// `None` when the key is absent.
    pub dependencies: Option<DepList>,
    /// The lowest Python `requires-python` allows, if it sets a lower bound.
    pub requires_python: Option<PyVersion>,
    /// The `requires-python` line (0-based), to add `dependencies` after it.
    pub requires_python_line: Option<usize>,
}

/// A block that cannot be used (ND015): no fix is offered for the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Malformed {
    pub span: Span,
    pub message: String,
}

/// What the file's blocks say.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Metadata {
    /// The `script` block, when there is exactly one and it parses.
    pub script: Option<Script>,
    /// At least one `script` block exists (parsed or not).
    pub present: bool,
    pub malformed: Vec<Malformed>,
}

impl Metadata {
    /// The PEP 503 names the block declares.
    pub fn names(&self) -> Vec<&str> {
        self.script
            .iter()
            .flat_map(|s| s.dependencies.iter())
            .flat_map(|d| d.items.iter().map(|r| r.name.as_str()))
            .collect()
    }
}

#[derive(Deserialize)]
struct Toml {
    #[serde(rename = "requires-python")]
    requires_python: Option<Spanned<String>>,
    dependencies: Option<Spanned<Vec<Spanned<String>>>>,
}

/// Read the metadata blocks of `text` (decoded, BOM stripped).
pub fn read(text: &str) -> Metadata {
    let mut meta = Metadata::default();
    let all = block::blocks(text);
    // Not a block to the specification, but a script that meant one: report
    // it, and never add a second block beside it.
    for span in block::unclosed(text, "script", &all) {
        meta.present = true;
        meta.malformed.push(Malformed {
            span,
            message: "no `# ///` line closes this `# /// script` block within its run of `#` \
                      lines, so uv ignores the block and installs nothing"
                .into(),
        });
    }
    let mut scripts = all.into_iter().filter(|b| b.kind == "script");
    let Some(first) = scripts.next() else {
        return meta;
    };
    meta.present = true;
    if let Some(second) = scripts.next() {
        // The specification: tools must error on more than one block of a TYPE.
        meta.malformed.push(Malformed {
            span: first_line(&second),
            message: format!(
                "a second `# /// script` block (the first is on line {}); uv refuses the file",
                first.open_line + 1
            ),
        });
        return meta;
    }
    match parse_script(text, first) {
        Ok(s) => meta.script = Some(s),
        Err(m) => meta.malformed.push(m),
    }
    meta
}

fn first_line(b: &block::RawBlock) -> Span {
    let end = b.lines.first().map_or(b.span.end, |l| l.line_start);
    Span::new(b.span.start, end.saturating_sub(1).max(b.span.start))
}

fn parse_script(text: &str, b: block::RawBlock) -> Result<Script, Malformed> {
    let (toml_text, starts) = b.content(text);
    let to_file = |r: std::ops::Range<usize>| {
        Span::new(
            b.file_offset(&starts, r.start),
            b.file_offset(&starts, r.end),
        )
    };
    let doc: Toml = toml::from_str(&toml_text).map_err(|e| Malformed {
        span: e
            .span()
            .map_or_else(|| first_line(&b), |r| to_file(r.start..r.end.max(r.start))),
        message: format!(
            "the `# /// script` block is not valid TOML: {}",
            e.message()
        ),
    })?;
    let mut requires_python = None;
    let mut requires_python_line = None;
    if let Some(rp) = &doc.requires_python {
        let span = to_file(rp.span());
        requires_python = lowest_python(rp.get_ref()).map_err(|e| Malformed {
            span,
            message: format!(
                "`requires-python = \"{}\"` does not parse: {e}",
                rp.get_ref()
            ),
        })?;
        let k = starts
            .partition_point(|&s| s <= rp.span().start)
            .saturating_sub(1);
        requires_python_line = b.lines.get(k).map(|l| l.line);
    }
    let dependencies = match doc.dependencies {
        None => None,
        Some(list) => {
            let mut items = Vec::new();
            for item in list.get_ref() {
                let span = to_file(item.span());
                let bad = |message: String| Malformed {
                    span,
                    message: format!(
                        "the requirement \"{}\" does not parse (PEP 508): {message}",
                        item.get_ref(),
                    ),
                };
                if let Some(message) = refused_before_pep508(item.get_ref()) {
                    return Err(bad(message));
                }
                let req =
                    pep508_rs::Requirement::<pep508_rs::VerbatimUrl>::from_str(item.get_ref())
                        .map_err(|e| bad(e.message.to_string()))?;
                items.push(Requirement {
                    name: req.name.to_string(),
                    text: item.get_ref().clone(),
                    extras: req.extras.iter().map(|x| x.to_string()).collect(),
                    marker: req.marker.try_to_string(),
                    span,
                });
            }
            // Outside the strings, a `#` starts a comment.
            let mut cursor = list.span().start;
            let mut comments = false;
            for item in list.get_ref() {
                comments |= toml_text[cursor..item.span().start].contains('#');
                cursor = item.span().end;
            }
            comments |= toml_text[cursor..list.span().end].contains('#');
            Some(DepList {
                span: to_file(list.span()),
                items,
                comments,
            })
        }
    };
    Ok(Script {
        block: b,
        dependencies,
        requires_python,
        requires_python_line,
    })
}

/// The lowest `major.minor` a `requires-python` value allows: the highest
/// of its lower bounds (`>=3.11,<4` → 3.11, `~=3.12.1` → 3.12); `None` when
/// it sets none (`<3.14`, `!=3.9.*`).
pub fn lowest_python(spec: &str) -> Result<Option<PyVersion>, String> {
    let specs = VersionSpecifiers::from_str(spec).map_err(|e| e.to_string())?;
    let mut low: Option<PyVersion> = None;
    for s in specs.iter() {
        let bounded = matches!(
            s.operator(),
            Operator::Equal
                | Operator::EqualStar
                | Operator::ExactEqual
                | Operator::TildeEqual
                | Operator::GreaterThan
                | Operator::GreaterThanEqual
        );
        if !bounded {
            continue;
        }
        let release = s.version().release();
        let v = PyVersion {
            major: release.first().copied().unwrap_or(0).min(255) as u8,
            minor: release.get(1).copied().unwrap_or(0).min(255) as u8,
        };
        low = Some(low.map_or(v, |l| l.max(v)));
    }
    Ok(low)
}

/// The interpreter is uv (`-i "uv run --script"`, a `uv run` shebang): the
/// block, not the header, declares the Python packages.
pub fn runs_uv(header: &Header) -> bool {
    header.interpreter.as_ref().is_some_and(|i| {
        i.program.rsplit('/').next() == Some("uv") && i.flags.first().is_some_and(|f| f == "run")
    })
}

/// pep508_rs 0.9.2 panics (an `expect` in its name parser) on a package or
/// extra name that ends in `.`, `-` or `_` when more text follows
/// (`"types-[x]"`, `"a- >1"`, `"requests[socks.]"`); at the very end of the
/// string it reports an error. Catch those names first, with its wording.
fn refused_before_pep508(requirement: &str) -> Option<String> {
    // Its cursor also slices inside multi-byte characters (a `é` in a marker
    // value panics). Names, versions and markers are ASCII in PEP 508; a
    // non-ASCII character is nearly always a pasted typographic quote.
    if let Some(c) = requirement.chars().find(|c| !c.is_ascii()) {
        return Some(format!(
            "the character '{c}' is not ASCII; PEP 508 names, versions and markers are"
        ));
    }
    let is_name = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_');
    let ends_badly = |name: &str| name.chars().last().filter(|c| matches!(c, '.' | '-' | '_'));
    let rest = requirement.trim_start();
    let name_len = rest.find(|c: char| !is_name(c)).unwrap_or(rest.len());
    if let Some(c) = ends_badly(&rest[..name_len]) {
        return Some(format!(
            "Package name must end with an alphanumeric character, not '{c}'"
        ));
    }
    let extras = rest[name_len..].trim_start().strip_prefix('[')?;
    let extras = &extras[..extras.find(']').unwrap_or(extras.len())];
    extras.split(',').find_map(|extra| {
        let extra = extra.trim_start();
        let len = extra.find(|c: char| !is_name(c)).unwrap_or(extra.len());
        ends_badly(&extra[..len])
            .map(|c| format!("Extra name must end with an alphanumeric character, not '{c}'"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lowest_python_takes_the_highest_lower_bound() {
        let v = |s| lowest_python(s).unwrap().map(|v| v.to_string());
        assert_eq!(v(">=3.11").as_deref(), Some("3.11"));
        assert_eq!(v(">=3.9, >=3.12, <4").as_deref(), Some("3.12"));
        assert_eq!(v("~=3.12.1").as_deref(), Some("3.12"));
        assert_eq!(v("==3.13.*").as_deref(), Some("3.13"));
        assert_eq!(v("<3.14"), None);
        assert!(lowest_python(">=three").is_err());
    }

    #[test]
    fn requirements_keep_extras_and_markers() {
        let t = "# /// script\n# dependencies = [\"PyYAML[libyaml] >=6 ; python_version < '3.14'\"]\n# ///\n";
        let m = read(t);
        let r = &m.script.unwrap().dependencies.unwrap().items[0];
        assert_eq!(r.name, "pyyaml");
        assert_eq!(r.extras, ["libyaml"]);
        assert_eq!(r.marker.as_deref(), Some("python_full_version < '3.14'"));
        assert_eq!(&t[r.span.start..r.span.start + 7], "\"PyYAML");
    }

    #[test]
    fn malformed_blocks_name_the_place() {
        let t = "x = 1\n# /// script\n# dependencies = [\"requests\", \"bad name!\"]\n# ///\n";
        let m = read(t);
        assert!(m.script.is_none());
        assert_eq!(m.malformed.len(), 1);
        assert_eq!(
            &t[m.malformed[0].span.start..m.malformed[0].span.end],
            "\"bad name!\""
        );
        let t = "# /// script\n# dependencies = [\n# ///\n";
        assert!(read(t).malformed[0].message.contains("not valid TOML"));
        // Without a line between them, the second opening line is content of
        // the first block (the last `# ///` of the run closes it): one block.
        let t = "# /// script\n# a = 1\n# ///\n# /// script\n# b = 1\n# ///\n";
        assert!(read(t).malformed[0].message.contains("not valid TOML"));
        let t = "# /// script\n# a = 1\n# ///\n\n# /// script\n# b = 1\n# ///\n";
        let m = read(t);
        assert!(m.malformed[0].message.contains("second"));
        assert_eq!(
            m.malformed[0].span.start,
            t.find("# /// script\n# b").unwrap()
        );
    }

    #[test]
    fn a_name_ending_in_a_separator_is_malformed_not_a_panic() {
        for dep in [
            "types-[requests]",
            "a- >=1",
            "b_ ; python_version < '3'",
            "c.",
        ] {
            let t = format!("# /// script\n# dependencies = [\"ok\", \"{dep}\"]\n# ///\n");
            let m = read(&t);
            assert!(m.script.is_none(), "{dep}");
            assert!(
                m.malformed[0]
                    .message
                    .contains("must end with an alphanumeric"),
                "{dep}: {:?}",
                m.malformed
            );
        }
        assert!(read("# /// script\n# dependencies = [\"a-b[x]\"]\n# ///\n")
            .malformed
            .is_empty());
    }
}
