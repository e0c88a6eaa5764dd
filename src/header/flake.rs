//! The `nix` (flake CLI) shebang, Nix ≥ 2.19 (`Args::parseCmdline`,
//! `parseShebangContent`). Nix 2.8 has no such mode: its `nix` answers
//! "not a recognised command", so this form is only parsed, never run, here.

use super::{IgnoredLine, Quote, Word};
use crate::span::{LineIndex, Span};

/// One `#! nix …` line: the byte range of its content.
#[derive(Debug, Clone)]
pub struct FlakeLine {
    pub line: usize,
    pub span: Span,
    pub content: Span,
}

/// From line 2, nix reads only *consecutive* lines that are non-empty and
/// start with one of `# / \ % @ * - (`; among them, lines matching
/// `^#!\s*nix(:? |$)(.*)$` (after `chomp`) give their rest. Later `#! nix`
/// lines are ignored (ND011).
pub fn flake_lines(text: &str) -> (Vec<FlakeLine>, Vec<IgnoredLine>) {
    let index = LineIndex::new(text);
    let bytes = text.as_bytes();
    let mut lines = Vec::new();
    let mut ignored = Vec::new();
    let mut in_block = true;
    for line in 1..index.line_count() {
        let span = index.line_span(text, line);
        // The raw line (with a CR) decides whether the block goes on.
        let raw_end = if span.end < text.len() && bytes[span.end] == b'\r' {
            span.end + 1
        } else {
            span.end
        };
        let raw = &bytes[span.start..raw_end];
        if in_block && (raw.is_empty() || !b"#/\\%@*-(".contains(&raw[0])) {
            in_block = false;
        }
        let chomped = super::words::chomp(text, span);
        let s = &bytes[chomped.start..chomped.end];
        let content = match_nix(s);
        match (in_block, content) {
            (true, Some(k)) => lines.push(FlakeLine {
                line,
                span,
                content: Span::new(chomped.start + k, chomped.end),
            }),
            (false, Some(_)) => ignored.push(IgnoredLine {
                line,
                span,
                reason: "not in the block of comment lines right after the shebang (the only `#! nix` lines read)".into(),
            }),
            (_, None) => {
                if let Some(reason) = super::words::looks_like_header(s, b"nix") {
                    if !s.starts_with(b"#!") || reason.starts_with("a blank") {
                        ignored.push(IgnoredLine {
                            line,
                            span,
                            reason: reason.into(),
                        });
                    }
                }
            }
        }
    }
    (lines, ignored)
}

/// `#!`, whitespace, `nix`, then `: `, ` ` or the end: the offset of the rest.
fn match_nix(s: &[u8]) -> Option<usize> {
    let rest = s.strip_prefix(b"#!")?;
    let k = rest
        .iter()
        .take_while(|&&b| matches!(b, b' ' | b'\t' | 0x0b | 0x0c))
        .count();
    let after = rest[k..].strip_prefix(b"nix")?;
    let at = 2 + k + 3;
    if after.is_empty() {
        Some(at)
    } else if after.starts_with(b": ") {
        Some(at + 2)
    } else if after.starts_with(b" ") {
        Some(at + 1)
    } else {
        None
    }
}

/// Split the joined contents of the `#! nix` lines (`parseShebangContent`):
/// words separated by whitespace; ``` ``…`` ``` quotes literally (across
/// lines), a single space before the closing pair is dropped, and inside it
/// a run of n ≥ 3 backticks stands for n − 1. Unquoted `$*~<>|;()[]{}'"\`,
/// a lone backtick and a leading `#` are errors.
///
/// `lines` gives the pieces; a newline is put between them, mapped to the
/// end of the previous line.
pub fn split_flake(text: &str, lines: &[FlakeLine]) -> (Vec<Word>, Vec<(Span, String)>) {
    // The joined content with, for each byte, its file offset.
    let mut joined: Vec<(u8, usize)> = Vec::new();
    for l in lines {
        for i in l.content.start..l.content.end {
            joined.push((text.as_bytes()[i], i));
        }
        joined.push((b'\n', l.content.end));
    }
    let mut words = Vec::new();
    let mut errors = Vec::new();
    let n = joined.len();
    let mut i = 0;
    let is_ws = |b: u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r');
    while i < n {
        if is_ws(joined[i].0) {
            i += 1;
            continue;
        }
        let start = joined[i].1;
        let mut w = Word {
            text: String::new(),
            span: Span::empty(start),
            offsets: Vec::new(),
            starts: Vec::new(),
            quotes: Vec::new(),
        };
        let mut bytes: Vec<u8> = Vec::new();
        let mut end = start;
        let mut bad: Option<String> = None;
        if joined[i].0 == b'#' {
            bad = Some("a word may not start with `#`".into());
        }
        while i < n && !is_ws(joined[i].0) {
            let (c, at) = joined[i];
            if c == b'`' {
                let run = joined[i..].iter().take_while(|x| x.0 == b'`').count();
                if run != 2 {
                    bad.get_or_insert_with(|| "a lone backtick outside ``…`` quoting".into());
                    i += run;
                    end = at + run;
                    continue;
                }
                // Quoted part: up to the next run of exactly two backticks.
                i += 2;
                let mut closed = false;
                let mut piece: Vec<(u8, usize)> = Vec::new();
                while i < n {
                    if joined[i].0 == b'`' {
                        let r = joined[i..].iter().take_while(|x| x.0 == b'`').count();
                        if r == 2 {
                            end = joined[i + 1].1 + 1;
                            i += 2;
                            closed = true;
                            break;
                        }
                        let keep = if r >= 3 { r - 1 } else { r };
                        for k in 0..keep {
                            piece.push(joined[i + k]);
                        }
                        i += r;
                        continue;
                    }
                    piece.push(joined[i]);
                    i += 1;
                }
                if !closed {
                    bad.get_or_insert_with(|| "unterminated ``…`` quoting".into());
                    end = joined[n - 1].1;
                } else if piece.last().is_some_and(|x| x.0 == b' ') {
                    piece.pop();
                }
                for (c, at) in piece {
                    bytes.push(c);
                    w.offsets.push(at);
                    w.starts.push(at);
                    w.quotes.push(Quote::Backtick);
                }
                continue;
            }
            if b"$*~<>|;()[]{}'\"\\".contains(&c) {
                bad.get_or_insert_with(|| format!("`{}` must be quoted with ``…``", c as char));
            }
            bytes.push(c);
            w.offsets.push(at);
            w.starts.push(at);
            w.quotes.push(Quote::None);
            end = at + 1;
            i += 1;
        }
        w.text = String::from_utf8(bytes)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
        w.span = Span::new(start, end.max(start));
        if let Some(reason) = bad {
            errors.push((w.span, reason));
        }
        words.push(w);
    }
    (words, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(t: &str) -> Vec<String> {
        let (lines, _) = flake_lines(t);
        split_flake(t, &lines)
            .0
            .into_iter()
            .map(|w| w.text)
            .collect()
    }

    #[test]
    fn reads_consecutive_comment_lines_only() {
        let t = "#!/usr/bin/env nix\n#! nix shell nixpkgs#hello\n# a comment\n#! nix --command python3\n\n#! nix ignored\n";
        assert_eq!(words(t), ["shell", "nixpkgs#hello", "--command", "python3"]);
        let (_, ignored) = flake_lines(t);
        assert_eq!(ignored.len(), 1);
        assert_eq!(ignored[0].line, 5);
    }

    #[test]
    fn double_backticks_span_lines() {
        let t = "#!/usr/bin/env nix\n#! nix shell --impure --expr ``\n#! nix with import <nixpkgs> {};\n#! nix python3.withPackages (ps: [ ps.a ])``\n#! nix --command python3\n";
        let w = words(t);
        assert_eq!(
            w[3],
            "\nwith import <nixpkgs> {};\npython3.withPackages (ps: [ ps.a ])"
        );
        assert_eq!(w[4], "--command");
        assert_eq!(
            words("#!/usr/bin/env nix\n#! nix ``a ``` b `` c\n"),
            ["a `` b", "c"]
        );
    }
}
