//! The one module that talks to tree-sitter-bash: shell text in, the simple
//! commands, function names and comments out, as plain data. An upgrade of
//! the grammar or of the `tree-sitter` crate touches this file only.
//!
//! tree-sitter-bash was chosen because it is the maintained bash grammar
//! (the tree-sitter organisation's, used by editors and GitHub), recovers
//! from errors, gives byte spans, and builds offline from crates.io with a C
//! compiler; the Rust shell parsers on crates.io (`conch-parser`, `yash-syntax`)
//! are unmaintained or POSIX-only.
//!
//! Every `command` node anywhere in the tree is a simple command, so one walk
//! finds those in pipelines, lists, subshells, command and process
//! substitutions, here-strings, heredoc bodies and compound statements. The
//! walk uses the tree cursor, not recursion, so nesting depth costs no stack.

use crate::span::Span;
use std::cell::RefCell;

/// One word of a simple command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// The word after quote removal, `None` when it depends on an expansion
    /// (`$cmd`, `"${tool}"`, `$(which x)`).
    pub text: Option<String>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimpleCommand {
    /// The command name first, then the arguments (redirections and
    /// leading assignments left out).
    pub words: Vec<Word>,
    pub span: Span,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parsed {
    /// In source order.
    pub commands: Vec<SimpleCommand>,
    /// Names of the functions the script defines.
    pub functions: Vec<String>,
    /// Comment text (with its `#`) and span.
    pub comments: Vec<(String, Span)>,
    /// Where the parser met text that is not bash.
    pub errors: Vec<Span>,
}

thread_local! {
    static PARSER: RefCell<Option<tree_sitter::Parser>> = const { RefCell::new(None) };
}

/// Parse `text` as bash. `None` only if the grammar fails to load (a build
/// problem, never an input problem).
pub fn parse(text: &str) -> Option<Parsed> {
    PARSER.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            let mut p = tree_sitter::Parser::new();
            p.set_language(&tree_sitter_bash::LANGUAGE.into()).ok()?;
            *slot = Some(p);
        }
        let parser = slot.as_mut()?;
        let tree = parser.parse(text, None)?;
        Some(collect(text, tree.root_node()))
    })
}

fn span(n: tree_sitter::Node) -> Span {
    Span::new(n.start_byte(), n.end_byte())
}

fn collect(text: &str, root: tree_sitter::Node) -> Parsed {
    let mut out = Parsed::default();
    let mut cursor = root.walk();
    loop {
        let node = cursor.node();
        let mut descend = true;
        match node.kind() {
            "command" => out.commands.push(simple_command(text, node)),
            "function_definition" => {
                if let Some(name) = node.child_by_field_name("name") {
                    if let Some(t) = static_text(text, name) {
                        out.functions.push(t);
                    }
                }
            }
            "comment" => {
                out.comments
                    .push((text[node.byte_range()].to_owned(), span(node)));
                descend = false;
            }
            _ if node.is_error() || node.is_missing() => out.errors.push(span(node)),
            _ => {}
        }
        if descend && cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return out;
            }
        }
    }
}

fn simple_command(text: &str, node: tree_sitter::Node) -> SimpleCommand {
    let mut words = Vec::new();
    let mut c = node.walk();
    if c.goto_first_child() {
        loop {
            let child = c.node();
            let word = match c.field_name() {
                Some("name") => Some(child.named_child(0).unwrap_or(child)),
                Some("argument") => Some(child),
                _ => None,
            };
            if let Some(word) = word {
                words.push(Word {
                    text: static_text(text, word),
                    span: span(word),
                });
            }
            if !c.goto_next_sibling() {
                break;
            }
        }
    }
    SimpleCommand {
        words,
        span: span(node),
    }
}

/// The value of a word after quote removal, if it has no expansion.
fn static_text(text: &str, node: tree_sitter::Node) -> Option<String> {
    let raw = &text[node.byte_range()];
    match node.kind() {
        "word" | "number" => Some(unescape_bare(raw)),
        "raw_string" => Some(raw.trim_start_matches('\'').trim_end_matches('\'').into()),
        "ansi_c_string" => Some(
            raw.trim_start_matches("$'")
                .trim_end_matches('\'')
                .to_owned(),
        ),
        "string" => {
            let mut c = node.walk();
            if node
                .named_children(&mut c)
                .any(|n| n.kind() != "string_content")
            {
                return None;
            }
            let inner = raw.strip_prefix('"')?.strip_suffix('"')?;
            Some(unescape_double(inner))
        }
        "concatenation" => {
            let mut c = node.walk();
            let mut s = String::new();
            for part in node.named_children(&mut c) {
                s.push_str(&static_text(text, part)?);
            }
            Some(s)
        }
        _ => None,
    }
}

/// Outside quotes a backslash keeps the next character (and a
/// backslash-newline disappears).
fn unescape_bare(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('\n') | None => {}
                Some(n) => out.push(n),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Inside double quotes a backslash escapes only `$`, `` ` ``, `"`, `\` and
/// a newline.
fn unescape_double(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.peek() {
                Some('$' | '`' | '"' | '\\') => {
                    out.extend(chars.next());
                    continue;
                }
                Some('\n') => {
                    chars.next();
                    continue;
                }
                _ => {}
            }
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(src: &str) -> Vec<Option<String>> {
        parse(src)
            .unwrap()
            .commands
            .into_iter()
            .map(|c| c.words.first().and_then(|w| w.text.clone()))
            .collect()
    }

    #[test]
    fn words_lose_their_quotes_and_expansions_are_dynamic() {
        let p = parse("FOO=1 'jq' \"-r\" a\\ b $x \"${y}z\" 2>/dev/null\n").unwrap();
        let words: Vec<Option<&str>> = p.commands[0]
            .words
            .iter()
            .map(|w| w.text.as_deref())
            .collect();
        assert_eq!(words, [Some("jq"), Some("-r"), Some("a b"), None, None]);
        assert_eq!(names("$cmd x\n"), [None]);
    }

    #[test]
    fn nested_commands_are_found_in_source_order() {
        let got = names("a | b && (c; { d; }) <<< \"$(e)\"\nf() { g <(h); }\n");
        let want: Vec<Option<String>> = ["a", "b", "c", "d", "e", "g", "h"]
            .iter()
            .map(|s| Some(s.to_string()))
            .collect();
        assert_eq!(got, want);
        assert_eq!(parse("f() { :; }\n").unwrap().functions, ["f"]);
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let src = format!("{}x{}\n", "$(".repeat(3000), ")".repeat(3000));
        let p = parse(&src).unwrap();
        assert!(!p.commands.is_empty());
    }
}
