//! Which lines nix-shell reads, and how it splits them into words.
//!
//! The rules are those of Nix ≥ 2.19 (`nix-build.cc`, `shellwords`), where
//! they differ from Debian's 2.8 the difference is noted; see
//! `nix-oracle.md` §4, copied into the comments below where it matters.

use super::{HeaderKind, IgnoredLine, Quote, Word};
use crate::span::Span;

/// The first line, classified.
#[derive(Debug, Clone)]
pub struct Shebang {
    pub kind: HeaderKind,
    /// Line 1 without its line ending.
    pub span: Span,
    /// `#!/usr/bin/env -S nix-shell ARGS`: the byte range of ARGS.
    pub inline: Option<Span>,
}

/// Whitespace as `std::regex`'s `\s` sees it.
fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

/// Nix's `chomp`: the line without trailing blanks and CR.
pub fn chomp(text: &str, span: Span) -> Span {
    let bytes = text.as_bytes();
    let mut end = span.end;
    while end > span.start && matches!(bytes[end - 1], b' ' | b'\t' | b'\r' | b'\n') {
        end -= 1;
    }
    Span::new(span.start, end)
}

/// Classify line 1: a nix-shell shebang, a `nix` (flake) shebang, or neither.
pub fn classify_shebang(text: &str) -> Option<Shebang> {
    // Line 1 only: no index of the whole file.
    let end = memchr::memchr(b'\n', text.as_bytes()).unwrap_or(text.len());
    let span = Span::new(0, end - usize::from(text[..end].ends_with('\r')));
    let line = &text[span.start..span.end];
    let rest = line.strip_prefix("#!")?;
    let base = span.start + 2;
    // Tokens of the line with their offsets, split on blanks as the kernel
    // and `env` would (no quoting is needed for program names).
    let mut tokens: Vec<(usize, &str)> = Vec::new();
    let mut i = 0;
    let b = rest.as_bytes();
    while i < b.len() {
        while i < b.len() && is_ws(b[i]) {
            i += 1;
        }
        let start = i;
        while i < b.len() && !is_ws(b[i]) {
            i += 1;
        }
        if i > start {
            tokens.push((start, &rest[start..i]));
        }
    }
    let (_, program) = *tokens.first()?;
    let mut next = 1;
    let mut split = false;
    if program == "env" || program.ends_with("/env") {
        // `env` options before the command: `-S` (split the rest), `-i`,
        // `-u NAME`, `NAME=VALUE` assignments.
        while let Some(&(_, t)) = tokens.get(next) {
            if t == "-S" || t == "--split-string" {
                split = true;
                next += 1;
            } else if t == "-u" || t == "--unset" || t == "-C" || t == "--chdir" {
                next += 2;
            } else if t.starts_with('-') || t.contains('=') {
                next += 1;
            } else {
                break;
            }
        }
    } else {
        next = 0;
    }
    let (cmd_at, cmd) = *tokens.get(next)?;
    if next == 0 && !cmd.starts_with('/') {
        return None;
    }
    let name = cmd.rsplit('/').next().unwrap_or(cmd);
    let kind = match name {
        "nix-shell" => HeaderKind::NixShell,
        "nix" => HeaderKind::Flake,
        // `uv run …` (DESIGN §12): the PEP 723 block declares, no header lines.
        "uv" if tokens.get(next + 1).is_some_and(|&(_, t)| t == "run") => HeaderKind::Uv,
        _ => return None,
    };
    // Only `env -S` splits inline arguments; without it the kernel hands the
    // rest of the line over as one argument, which nix-shell never reads.
    let inline = if split {
        let s = base + cmd_at + cmd.len();
        let whole = chomp(text, Span::new(s, span.end));
        let mut start = whole.start;
        while start < whole.end && is_ws(text.as_bytes()[start]) {
            start += 1;
        }
        (start < whole.end).then_some(Span::new(start, whole.end))
    } else {
        None
    };
    Some(Shebang { kind, span, inline })
}

/// A line nix-shell reads: the range of its words.
#[derive(Debug, Clone)]
pub struct ShellLine {
    pub line: usize,
    pub span: Span,
    pub content: Span,
}

/// The lines after the first that contain `nix-shell` (the only ones that
/// can be read or look like header lines), with their 0-based numbers and
/// spans as [`crate::span::line_spans`] gives them. Found by searching for
/// the word, not by walking every line: most of a script is its body, and
/// the lines are only counted up to the last hit.
fn lines_naming_nix_shell(text: &str) -> impl Iterator<Item = (usize, Span)> + '_ {
    let b = text.as_bytes();
    let second = memchr::memchr(b'\n', b).map_or(b.len(), |i| i + 1);
    let (mut line, mut counted, mut next) = (1, second, second);
    memchr::memmem::find_iter(&b[second..], b"nix-shell").filter_map(move |hit| {
        let hit = second + hit;
        if hit < next {
            return None; // a second hit on a line already given
        }
        let start = memchr::memrchr(b'\n', &b[..hit]).map_or(0, |i| i + 1);
        line += memchr::memchr_iter(b'\n', &b[counted..start]).count();
        counted = start;
        let (mut end, after) = match memchr::memchr(b'\n', &b[hit..]) {
            Some(i) => (hit + i, hit + i + 1),
            None => (b.len(), usize::MAX),
        };
        next = after;
        if end > start && b[end - 1] == b'\r' {
            end -= 1;
        }
        Some((line, Span::new(start, end)))
    })
}

/// Scan every line after the first: which ones nix-shell ≥ 2.19 reads
/// (`^#!\s*nix-shell\s+(.*)$` after `chomp`), and which ones only look like
/// header lines (ND011).
pub fn shell_lines(text: &str) -> (Vec<ShellLine>, Vec<IgnoredLine>) {
    let bytes = text.as_bytes();
    let mut lines = Vec::new();
    let mut ignored = Vec::new();
    for (line, span) in lines_naming_nix_shell(text) {
        let chomped = chomp(text, span);
        let s = &bytes[chomped.start..chomped.end];
        if let Some(after) = match_nix_shell(s) {
            // `after` is the offset just past `nix-shell`; `\s+` must follow.
            let mut k = after;
            while k < s.len() && is_ws(s[k]) {
                k += 1;
            }
            if k > after && k < s.len() {
                // Nix 2.8's pattern is `^#!\s*nix-shell (.*)$`: one space.
                let reason = if s[after] != b' ' {
                    Some("a tab after `nix-shell`: Nix 2.8 needs exactly one space (Nix ≥ 2.19 reads the line)")
                } else if k - after > 1 {
                    Some("two blanks after `nix-shell`: Nix 2.8 reads an empty first word (Nix ≥ 2.19 does not)")
                } else {
                    None
                };
                if let Some(reason) = reason {
                    ignored.push(IgnoredLine {
                        line,
                        span,
                        reason: reason.into(),
                    });
                }
                lines.push(ShellLine {
                    line,
                    span,
                    content: Span::new(chomped.start + k, chomped.end),
                });
            }
            continue;
        }
        if let Some(reason) = looks_like_header(s, b"nix-shell") {
            ignored.push(IgnoredLine {
                line,
                span,
                reason: reason.into(),
            });
        }
    }
    (lines, ignored)
}

/// `#!`, optional whitespace, `nix-shell` at column 0: the offset after it.
fn match_nix_shell(s: &[u8]) -> Option<usize> {
    let rest = s.strip_prefix(b"#!")?;
    let mut k = 0;
    while k < rest.len() && is_ws(rest[k]) {
        k += 1;
    }
    rest[k..]
        .starts_with(b"nix-shell")
        .then_some(2 + k + "nix-shell".len())
}

/// Why a line that is not read looks like a header line, if it does:
/// `# !nix-shell`, `  #!nix-shell`, `#!nix-shell` with nothing after it.
pub fn looks_like_header(s: &[u8], word: &[u8]) -> Option<&'static str> {
    let lead = s.iter().take_while(|&&b| is_ws(b)).count();
    let t = &s[lead..];
    let t = t.strip_prefix(b"#")?;
    let sp1 = t.iter().take_while(|&&b| is_ws(b)).count();
    let t = t[sp1..].strip_prefix(b"!")?;
    let sp2 = t.iter().take_while(|&&b| is_ws(b)).count();
    let t = t[sp2..].strip_prefix(word)?;
    if !(t.is_empty() || is_ws(t[0]) || t[0] == b':') {
        return None;
    }
    Some(if lead > 0 {
        "a blank before `#!` (only lines that start with `#!` in column 0 are read)"
    } else if sp1 > 0 {
        "`# !` is not `#!`"
    } else {
        "no words follow"
    })
}

/// A word being built.
#[derive(Default)]
struct Building {
    text: Vec<u8>,
    offsets: Vec<usize>,
    starts: Vec<usize>,
    quotes: Vec<Quote>,
    span_start: usize,
}

impl Building {
    fn push(&mut self, b: u8, at: usize, start: usize, q: Quote) {
        self.text.push(b);
        self.offsets.push(at);
        self.starts.push(start);
        self.quotes.push(q);
    }
    fn finish(self, end: usize) -> Word {
        Word {
            // Bytes are copied whole from valid UTF-8 between ASCII
            // delimiters, so this only fails on a bug; fall back lossily.
            text: String::from_utf8(self.text)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
            span: Span::new(self.span_start, end),
            offsets: self.offsets,
            starts: self.starts,
            quotes: self.quotes,
        }
    }
}

/// Split `text[content]` as nix-shell ≥ 2.19 does (`shellwords`): blanks
/// separate words; `"…"` groups with backslash escapes; `'…'` groups
/// literally; a backslash outside single quotes keeps the next character.
/// Returns the words and, if the line is malformed for ≥ 2.19, why.
///
/// Nix 2.8 differs: single quotes are ordinary characters, an unterminated
/// `"` runs to the end of the line, and a final `""` is dropped.
pub fn split_shell(text: &str, content: Span) -> (Vec<Word>, Option<String>) {
    let b = text.as_bytes();
    let mut words = Vec::new();
    let mut cur = Building {
        span_start: content.start,
        ..Building::default()
    };
    let mut state = Quote::None;
    let mut error = None;
    let mut i = content.start;
    // The content starts at a non-blank: `\s+` before it was greedy.
    while i < content.end {
        let c = b[i];
        if state == Quote::None && is_ws(c) {
            let word_end = i;
            while i < content.end && is_ws(b[i]) {
                i += 1;
            }
            words.push(std::mem::take(&mut cur).finish(word_end));
            if i == content.end {
                return (words, error);
            }
            cur.span_start = i;
            continue;
        }
        match c {
            b'\'' if state != Quote::Double => {
                state = if state == Quote::None {
                    Quote::Single
                } else {
                    Quote::None
                };
            }
            b'"' if state != Quote::Single => {
                state = if state == Quote::None {
                    Quote::Double
                } else {
                    Quote::None
                };
            }
            b'\\' if state != Quote::Single => {
                if i + 1 >= content.end {
                    // Nix reads past the end here (2.8 hangs).
                    error = Some(
                        "a trailing backslash: nix-shell reads past the end of the line".into(),
                    );
                    i += 1;
                    continue;
                }
                cur.push(b[i + 1], i + 1, i, state);
                i += 2;
                continue;
            }
            _ => cur.push(c, i, i, state),
        }
        i += 1;
    }
    if state != Quote::None {
        error = Some("unterminated quote: Nix ≥ 2.19 rejects this line".into());
    }
    words.push(cur.finish(content.end));
    (words, error)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The search for `nix-shell` gives the lines a walk over every
        /// line would keep, with the same numbers and spans.
        #[test]
        fn nix_shell_lines_are_those_of_a_line_walk(
            parts in prop::collection::vec(prop_oneof![
                Just("nix-shell"), Just("#!"), Just("#! "), Just("\n"), Just("\r\n"), Just("\r"),
                Just(" "), Just("x"), Just("nix-shellnix-shell"), Just("# !"),
            ], 0..40)
        ) {
            let text = parts.concat();
            let walk: Vec<(usize, Span)> = crate::span::line_spans(&text)
                .enumerate()
                .skip(1)
                .filter(|(_, s)| text[s.start..s.end].contains("nix-shell"))
                .collect();
            prop_assert_eq!(lines_naming_nix_shell(&text).collect::<Vec<_>>(), walk, "{:?}", text);
        }
    }

    fn split(s: &str) -> Vec<String> {
        split_shell(s, Span::new(0, s.len()))
            .0
            .into_iter()
            .map(|w| w.text)
            .collect()
    }

    #[test]
    fn splits_like_nix_2_19() {
        assert_eq!(split("-i python3 -p a"), ["-i", "python3", "-p", "a"]);
        assert_eq!(split(r#"a"b c"d"#), ["ab cd"]);
        assert_eq!(split(r#""a\"b\\c""#), [r#"a"b\c"#]);
        assert_eq!(split("'a b' c"), ["a b", "c"]);
        assert_eq!(split(r"'a\b'"), [r"a\b"]);
        assert_eq!(split(r"a\ b"), ["a b"]);
        assert_eq!(split(r#"x """#), ["x", ""]);
        assert_eq!(split("a   b"), ["a", "b"]);
        assert_eq!(split("a\tb"), ["a", "b"]);
    }

    #[test]
    fn offsets_point_at_source_bytes() {
        let s = r#"-p "a\"b""#;
        let (w, err) = split_shell(s, Span::new(0, s.len()));
        assert!(err.is_none());
        assert_eq!(w[1].text, "a\"b");
        assert_eq!(w[1].offsets, vec![4, 6, 7]);
        assert_eq!(w[1].starts, vec![4, 5, 7]);
        assert_eq!(w[1].span, Span::new(3, 9));
        assert_eq!(w[1].quotes, vec![Quote::Double; 3]);
    }

    #[test]
    fn unterminated_quote_is_an_error() {
        let s = r#"-p "abc"#;
        let (w, err) = split_shell(s, Span::new(0, s.len()));
        assert!(err.is_some());
        assert_eq!(w[1].text, "abc");
    }

    #[test]
    fn shebangs() {
        let k = |s: &str| classify_shebang(s).map(|x| x.kind);
        assert_eq!(k("#!/usr/bin/env nix-shell\n"), Some(HeaderKind::NixShell));
        assert_eq!(k("#! /usr/bin/env nix-shell\n"), Some(HeaderKind::NixShell));
        assert_eq!(k("#!/usr/bin/nix-shell\n"), Some(HeaderKind::NixShell));
        assert_eq!(
            k("#!/run/current-system/sw/bin/nix-shell"),
            Some(HeaderKind::NixShell)
        );
        assert_eq!(k("#!/usr/bin/env nix\n"), Some(HeaderKind::Flake));
        assert_eq!(k("#!/usr/bin/env python3\n"), None);
        assert_eq!(k("#!nix-shell\n"), None);
        assert_eq!(k("import os\n"), None);
        let s = "#!/usr/bin/env -S nix-shell -i python3 -p python3\r\n";
        let sb = classify_shebang(s).unwrap();
        assert_eq!(
            &s[sb.inline.unwrap().start..sb.inline.unwrap().end],
            "-i python3 -p python3"
        );
    }

    #[test]
    fn header_lines_and_ignored_lines() {
        let t = "#!/usr/bin/env nix-shell\n#!nix-shell -i python3\n# !nix-shell ./shell.nix\n  #!nix-shell -p x\n#!  nix-shell\t-p y \r\nx = 1\n";
        let (lines, ignored) = shell_lines(t);
        assert_eq!(lines.iter().map(|l| l.line).collect::<Vec<_>>(), [1, 4]);
        assert_eq!(&t[lines[1].content.start..lines[1].content.end], "-p y");
        assert_eq!(
            ignored.iter().map(|l| l.line).collect::<Vec<_>>(),
            [2, 3, 4]
        );
    }
}
