//! `# nixdeps: ignore[…]` comments (DESIGN §5, suppression).
//!
//! Grammar, inside a comment (it may follow other comment text, as in
//! `# noqa: E402  # nixdeps: ignore[ND003]`):
//! `nixdeps:` *ws* `ignore` then either `[` codes separated by `,` `]`
//! (codes trimmed and upper-cased; `ignore[]` suppresses nothing), or
//! nothing / whitespace / another `#` — a bare `ignore`, meaning every code,
//! represented as `["*"]` ([`ALL_CODES`]).
//!
//! A comment names codes, not prefixes: `ignore[ND00]` suppresses nothing,
//! as ruff's `# noqa: F4` does not suppress F401 (ruff matches a noqa code
//! exactly, and calls `F4` an invalid code). Prefixes are for the
//! configuration's `select`, `ignore` and `per-file-ignores`, which select
//! rules as ruff's do. [`suppresses`] is the one matcher, for an import's
//! comment and for the header block's alike.

use crate::span::Span;
use std::collections::HashSet;

/// The single entry of a suppression list that means "every code".
pub const ALL_CODES: &str = "*";

/// Whether a suppression list (as [`parse_ignore`] returns it) suppresses
/// `code`: [`ALL_CODES`], or `code` itself, case-insensitively.
pub fn suppresses(codes: &[String], code: &str) -> bool {
    codes
        .iter()
        .any(|c| c == ALL_CODES || c.eq_ignore_ascii_case(code))
}

/// `codes` once each, in first-seen order; just [`ALL_CODES`] when it is
/// among them.
pub(crate) fn normalise(codes: Vec<String>) -> Vec<String> {
    if codes.iter().any(|c| c == ALL_CODES) {
        return vec![ALL_CODES.to_owned()];
    }
    let mut seen = HashSet::new();
    codes
        .into_iter()
        .filter(|c| seen.insert(c.clone()))
        .collect()
}

/// The codes a comment suppresses, `None` when it has no `nixdeps: ignore`.
pub fn parse_ignore(comment: &str) -> Option<Vec<String>> {
    let mut out: Option<Vec<String>> = None;
    let mut rest = comment;
    while let Some(i) = rest.find("nixdeps:") {
        rest = &rest[i + "nixdeps:".len()..];
        let after = rest.trim_start();
        let Some(tail) = after.strip_prefix("ignore") else {
            continue;
        };
        let codes = if let Some(list) = tail.strip_prefix('[') {
            let Some(close) = list.find(']') else {
                continue;
            };
            list[..close]
                .split(',')
                .map(|c| c.trim().to_ascii_uppercase())
                .filter(|c| !c.is_empty())
                .collect()
        } else if tail.is_empty() || tail.starts_with(char::is_whitespace) || tail.starts_with('#')
        {
            vec![ALL_CODES.to_owned()]
        } else {
            // `ignored`, `ignore:` …: not our syntax.
            continue;
        };
        out.get_or_insert_with(Vec::new).extend(codes);
    }
    out.map(normalise)
}

/// Codes suppressed for the whole file by comment lines of the header
/// block: the lines at the top of the file that are comments (the shebang
/// and `#!nix-shell` lines included) or blank, up to the first other line.
/// Same representation as [`super::Import::suppressed`].
pub fn file_suppressions(text: &str) -> Vec<String> {
    let mut codes: Vec<String> = Vec::new();
    for line in text.lines() {
        let t = line.trim_start_matches([' ', '\t', '\u{c}']);
        if t.trim_end().is_empty() {
            continue;
        }
        if !t.starts_with('#') {
            break;
        }
        codes.extend(parse_ignore(t).unwrap_or_default());
    }
    normalise(codes)
}

/// Line starts, to find the line a statement ends on.
pub(crate) struct Lines {
    starts: Vec<usize>,
}

impl Lines {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines { starts }
    }
    pub fn empty() -> Self {
        Lines { starts: vec![0] }
    }
    /// Offset just past the end of the line holding `offset`.
    fn line_end(&self, offset: usize, len: usize) -> usize {
        let i = self.starts.partition_point(|&s| s <= offset);
        self.starts.get(i).copied().unwrap_or(len)
    }
}

/// Codes suppressed by the comments (`comments`, sorted spans) on the lines
/// of `stmt` up to the end of its last line — so both `import a  # …` and the
/// closing line of a parenthesised `from a import (\n b,\n)  # …` count.
pub(crate) fn trailing(text: &str, lines: &Lines, comments: &[Span], stmt: Span) -> Vec<String> {
    let end = lines.line_end(stmt.end.saturating_sub(1).max(stmt.start), text.len());
    let first = comments.partition_point(|c| c.start < stmt.start);
    let mut codes: Vec<String> = Vec::new();
    for c in comments[first..].iter().take_while(|c| c.start < end) {
        if let Some(found) = text.get(c.start..c.end).and_then(parse_ignore) {
            codes.extend(found);
        }
    }
    normalise(codes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ignore_comment_grammar() {
        assert_eq!(
            parse_ignore("# nixdeps: ignore[ND003, nd001]"),
            Some(vec!["ND003".to_string(), "ND001".to_string()])
        );
        assert_eq!(parse_ignore("# nixdeps: ignore"), Some(vec!["*".into()]));
        assert_eq!(
            parse_ignore("# noqa  # nixdeps:ignore # why"),
            Some(vec!["*".into()])
        );
        assert_eq!(parse_ignore("# nixdeps: ignore[]"), Some(vec![]));
        assert_eq!(parse_ignore("# nixdeps: ignored"), None);
        assert_eq!(parse_ignore("# nixdeps: ignore[ND001"), None);
        assert_eq!(parse_ignore("# plain comment"), None);
    }

    #[test]
    fn header_block_only() {
        let t = "#!/usr/bin/env nix-shell\n#!nix-shell -i python3 -p python3\n\n# nixdeps: ignore[ND002]\nimport os\n# nixdeps: ignore[ND001]\n";
        assert_eq!(file_suppressions(t), vec!["ND002".to_string()]);
        assert_eq!(
            file_suppressions("# nixdeps: ignore[ND1]\n# nixdeps: ignore\n"),
            vec!["*".to_string()]
        );
        assert!(file_suppressions("x = 1\n# nixdeps: ignore\n").is_empty());
    }

    #[test]
    fn codes_match_exactly_not_by_prefix() {
        let codes = parse_ignore("# nixdeps: ignore[ND00, nd003]").unwrap();
        assert!(suppresses(&codes, "ND003"));
        assert!(suppresses(&codes, "nd003"));
        // `ND00` is not a code: like ruff's `# noqa: F4`, it suppresses nothing.
        assert!(!suppresses(&codes, "ND001"));
        assert!(!suppresses(&codes, "ND0031"));
        assert!(suppresses(&[ALL_CODES.to_owned()], "ND101"));
        assert!(!suppresses(&[], "ND001"));
    }

    #[test]
    fn many_codes_are_deduplicated() {
        let list: Vec<String> = (0..20_000).map(|i| format!("X{}", i % 100)).collect();
        let comment = format!("# nixdeps: ignore[{}]", list.join(","));
        assert_eq!(parse_ignore(&comment).unwrap().len(), 100);
    }
}
