//! From simple commands to the commands a script looks up on PATH: the
//! first word, and through wrappers (`sudo`, `env`, `xargs`, `find -exec` …)
//! the command they run. Builtins, keywords, the script's own functions and
//! aliases are not looked up; a name that is an expansion is dynamic.

use super::builtins::{self, Wrapper};
use super::parse::{Parsed, Word};
use crate::span::Span;

/// One use of a command looked up on PATH.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Use {
    pub name: String,
    /// The command-name word.
    pub span: Span,
    /// The wrapper that runs it (`sudo`, `find -exec`), if any.
    pub via: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Extracted {
    pub uses: Vec<Use>,
    /// Command names that are expansions (`$cmd`, `"${tool}"`): never guessed.
    pub dynamic: Vec<Span>,
    /// Functions and aliases the script defines.
    pub defined: Vec<String>,
    /// The first word of every literal argument (`which sbctl`, `tmux
    /// send-keys "steam-run …"`): commands the script may run indirectly.
    /// They count as uses of a package, never as missing.
    pub mentioned: Vec<String>,
    /// Where the script first starts code nixdeps does not read: a program
    /// by path, a sourced file, `eval`, an interpreter (`python3 x.py`,
    /// `… | bash`). That code may run any declared package.
    pub other_code: Option<Span>,
}

/// Programs that run code nixdeps does not read (from a file, an argument or stdin).
const INTERPRETERS: &[&str] = &[
    "bash",
    "sh",
    "zsh",
    "dash",
    "python",
    "python3",
    "node",
    "perl",
    "ruby",
    "php",
    "lua",
    "Rscript",
    "julia",
    "nix-shell",
    "make",
];

pub fn extract(parsed: &Parsed, zsh: bool) -> Extracted {
    let mut out = Extracted::default();
    out.defined.extend(parsed.functions.iter().cloned());
    for c in &parsed.commands {
        if c.words.first().and_then(|w| w.text.as_deref()) == Some("alias") {
            for a in &c.words[1..] {
                if let Some((name, value)) = a.text.as_deref().and_then(|t| t.split_once('=')) {
                    out.defined.push(name.to_owned());
                    // The alias runs the first word of its value.
                    let word = Word {
                        text: Some(value.to_owned()),
                        span: a.span,
                    };
                    command_line(std::slice::from_ref(&word), "alias", &mut out);
                }
            }
        }
    }
    out.defined.sort();
    out.defined.dedup();
    let mut mentioned = std::collections::HashSet::new();
    for c in &parsed.commands {
        command(&c.words, None, zsh, &mut out);
        for w in c.words.iter().skip(1) {
            if let Some(first) = w.text.as_deref().and_then(|t| t.split_whitespace().next()) {
                if !first.starts_with('-') && mentioned.insert(first) {
                    out.mentioned.push(first.to_owned());
                }
            }
        }
    }
    out.uses
        .retain(|u| out.defined.binary_search(&u.name).is_err());
    out
}

/// The command `words[0]` and, when it is a wrapper, the one it runs.
fn command(words: &[Word], via: Option<&str>, zsh: bool, out: &mut Extracted) {
    // A wrapper chain is as long as its words, so this loop is linear.
    let mut words = words;
    let mut via = via.map(str::to_owned);
    loop {
        let Some(first) = words.first() else {
            return;
        };
        let Some(name) = first.text.as_deref() else {
            out.dynamic.push(first.span);
            return;
        };
        // `./build.sh`, `/usr/bin/env`: a path, not looked up on PATH; `{}`
        // under `find -exec`: the files found, run as programs.
        if name.is_empty() || name.contains('/') || name.contains("{}") {
            out.other_code.get_or_insert(first.span);
            return;
        }
        let python = name.starts_with("python3.") || name.starts_with("pypy");
        if python || INTERPRETERS.contains(&name) || matches!(name, "source" | "." | "eval") {
            out.other_code.get_or_insert(first.span);
        }
        if !builtins::is_builtin(name, zsh) {
            out.uses.push(Use {
                name: name.to_owned(),
                span: first.span,
                via: via.clone(),
            });
        }
        // `find -exec find …` is not followed again: each word is read once.
        if name == "find" {
            if !via.as_deref().is_some_and(|v| v.starts_with("find")) {
                find_exec(&words[1..], zsh, out);
            }
            return;
        }
        let Some(w) = builtins::wrapper(name) else {
            return;
        };
        let Some(rest) = wrapped(w, &words[1..]) else {
            return;
        };
        if w.command_line {
            command_line(rest, name, out);
            return;
        }
        via = Some(name.to_owned());
        words = rest;
    }
}

/// The words of the command `w` runs, `None` when it runs none.
fn wrapped<'a>(w: &Wrapper, args: &'a [Word]) -> Option<&'a [Word]> {
    let mut i = 0;
    while let Some(word) = args.get(i) {
        let Some(t) = word.text.as_deref() else {
            break;
        };
        if t == "--" {
            i += 1;
            break;
        }
        if t.starts_with('-') && t.len() > 1 {
            if w.no_command.contains(&t) {
                return None;
            }
            i += if w.with_value.contains(&t) { 2 } else { 1 };
            continue;
        }
        if w.assignments && t.split_once('=').is_some_and(|(n, _)| is_name(n)) {
            i += 1;
            continue;
        }
        break;
    }
    let start = (i + w.skip).min(args.len());
    let mut rest = &args[start..];
    if let Some(end) = w.end {
        let stop = rest
            .iter()
            .position(|x| x.text.as_deref().is_some_and(|t| t.starts_with(end)))
            .unwrap_or(rest.len());
        rest = &rest[..stop];
    }
    (!rest.is_empty()).then_some(rest)
}

fn is_name(s: &str) -> bool {
    let mut b = s.bytes();
    matches!(b.next(), Some(c) if c.is_ascii_alphabetic() || c == b'_')
        && b.all(|c| c.is_ascii_alphanumeric() || c == b'_')
}

/// `watch "df -h"`: the first word of the line is the command.
fn command_line(rest: &[Word], via: &str, out: &mut Extracted) {
    let first = &rest[0];
    let Some(t) = first.text.as_deref() else {
        out.dynamic.push(first.span);
        return;
    };
    let Some(name) = t.split_whitespace().next() else {
        return;
    };
    if !name.contains('/') && !builtins::is_builtin(name, false) && !name.contains('$') {
        out.uses.push(Use {
            name: name.to_owned(),
            span: first.span,
            via: Some(via.to_owned()),
        });
    }
}

/// Every `-exec CMD …` of a `find`.
fn find_exec(args: &[Word], zsh: bool, out: &mut Extracted) {
    let mut i = 0;
    while i < args.len() {
        let Some(action) = args[i]
            .text
            .as_deref()
            .filter(|t| builtins::FIND_EXEC.contains(t))
        else {
            i += 1;
            continue;
        };
        let end = args[i + 1..]
            .iter()
            .position(|x| matches!(x.text.as_deref(), Some(";" | "+")))
            .map_or(args.len(), |p| i + 1 + p);
        let via = format!("find {action}");
        command(&args[i + 1..end], Some(&via), zsh, out);
        // The action's words are its command's, not more actions.
        i = end + 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uses(src: &str) -> Vec<String> {
        let parsed = super::super::parse::parse(src).unwrap();
        extract(&parsed, false)
            .uses
            .into_iter()
            .map(|u| u.name)
            .collect()
    }

    #[test]
    fn wrappers_run_their_argument() {
        assert_eq!(
            uses("sudo -u root env A=1 nice -n 5 jq .\n"),
            ["sudo", "env", "nice", "jq"]
        );
        assert_eq!(uses("timeout -s KILL 5 curl x\n"), ["timeout", "curl"]);
        assert_eq!(uses("command -v jq\n"), Vec::<String>::new());
        assert_eq!(uses("exec -a x gh\n"), ["gh"]);
        assert_eq!(uses("xargs -n 1 -I{} wget {}\n"), ["xargs", "wget"]);
        assert_eq!(uses("watch -n 1 'df -h'\n"), ["watch", "df"]);
        assert_eq!(uses("parallel -j4 gzip ::: a b\n"), ["parallel", "gzip"]);
        assert_eq!(uses("parallel ::: a b\n"), ["parallel"]);
        assert_eq!(
            uses("find . -name x -exec sha256sum {} \\; -execdir git add {} +\n"),
            ["find", "sha256sum", "git"]
        );
        let parsed = super::super::parse::parse("find . -name u.sh -exec {} \\;\n").unwrap();
        let e = extract(&parsed, false);
        assert!(e.uses.iter().all(|u| u.name != "{}") && e.other_code.is_some());
    }

    #[test]
    fn builtins_functions_aliases_and_paths_are_not_commands() {
        // The alias's value runs `ls`; `ll` itself is no command.
        assert_eq!(
            uses("f() { :; }\nalias ll='ls -l'\nf; ll; echo; ./x.sh; /bin/ls; local a\n"),
            ["ls"]
        );
        let parsed = super::super::parse::parse("$cmd a; \"${t}\" b\n").unwrap();
        assert_eq!(extract(&parsed, false).dynamic.len(), 2);
    }
}
