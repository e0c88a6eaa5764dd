//! What the words mean: nix-shell's (and `nix shell`'s) options, as
//! `nix-build.cc` and the flake CLI parse them.

use super::flake::{flake_lines, split_flake};
use super::words::{shell_lines, split_shell, Shebang};
use super::{nix, pythons, Header, HeaderKind, HeaderLine, Interpreter, NixArg, Unsupported, Word};
use crate::span::Span;

fn empty_header(kind: HeaderKind, shebang: &Shebang) -> Header {
    Header {
        kind,
        shebang: shebang.span,
        lines: Vec::new(),
        ignored_lines: Vec::new(),
        words: Vec::new(),
        interpreter: None,
        packages_mode: false,
        pythons: Vec::new(),
        declarations: Vec::new(),
        lists: Vec::new(),
        others: Vec::new(),
        unsupported: Vec::new(),
        include_paths: Vec::new(),
        pure: false,
        keep: Vec::new(),
        args: Vec::new(),
        run: None,
        nix_files: Vec::new(),
        package_words: Vec::new(),
        word_groups: Default::default(),
    }
}

/// A `uv run …` shebang: no header lines; the interpreter is the command.
pub(crate) fn parse_uv(text: &str, shebang: &Shebang) -> Header {
    let mut h = empty_header(HeaderKind::Uv, shebang);
    let line = &text[shebang.span.start..shebang.span.end];
    let mut words = line.split_ascii_whitespace().skip_while(|w| {
        let base = w.rsplit('/').next().unwrap_or(w);
        base != "uv" && base != "\"uv" && base != "'uv"
    });
    let program = words.next().unwrap_or("uv").trim_matches(['"', '\'']);
    let flags: Vec<String> = words
        .map(|w| w.trim_matches(['"', '\'']).to_owned())
        .collect();
    h.interpreter = Some(Interpreter {
        command: std::iter::once(program.to_owned())
            .chain(flags.iter().cloned())
            .collect::<Vec<_>>()
            .join(" "),
        program: program.to_owned(),
        flags,
        span: shebang.span,
        is_python: false,
        version: None,
    });
    h
}

fn unsupported(h: &mut Header, span: Span, text: &str, reason: &str) {
    h.unsupported.push(Unsupported {
        span,
        text: text.to_string(),
        reason: reason.to_string(),
        nix_file: false,
    });
}

/// True for `python`, `python3`, `python3.NN`, `pypy3` (DESIGN §1.3).
pub fn is_python_program(p: &str) -> bool {
    p == "python"
        || p == "python3"
        || p == "pypy3"
        || p.strip_prefix("python3.")
            .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
}

fn interpreter(command: &str, span: Span) -> Interpreter {
    // nix-shell pastes the value unquoted into bash: blanks split it.
    let mut parts = command.split_ascii_whitespace();
    let program = parts.next().unwrap_or("").to_string();
    let flags = parts.map(str::to_string).collect();
    Interpreter {
        command: command.to_string(),
        is_python: is_python_program(&program),
        version: pythons::program_version(&program),
        program,
        flags,
        span,
    }
}

/// Options taking one value (nix-build.cc and the common `LegacyArgs`).
const ONE_VALUE: &[&str] = &[
    "--attr",
    "-A",
    "--out-link",
    "-o",
    "--add-root",
    "--drv-link",
    "--exclude",
    "-j",
    "--max-jobs",
    "--cores",
    "--store",
    "--eval-store",
    "--max-silent-time",
    "--timeout",
    "--log-format",
    "--builders",
    "--substituters",
    "--extra-substituters",
    "--include",
];
/// Options taking none.
const NO_VALUE: &[&str] = &[
    "--no-out-link",
    "--no-link",
    "--add-drv-link",
    "--dry-run",
    "--repair",
    "--run-env",
    "-v",
    "--verbose",
    "-Q",
    "--no-build-output",
    "-K",
    "-k",
    "--keep-going",
    "--keep-failed",
    "--fallback",
    "--show-trace",
    "--quiet",
    "--readonly-mode",
    "--no-gc-warning",
    "-L",
    "--print-build-logs",
    "--debug",
    "--refresh",
    "--help",
    "--version",
    "--offline",
    "--",
];

/// Parse a nix-shell header.
pub fn parse_nix_shell(text: &str, shebang: &Shebang) -> Header {
    let mut h = empty_header(HeaderKind::NixShell, shebang);
    if let Some(inline) = shebang.inline {
        let (words, err) = split_shell(text, inline);
        h.lines.push(HeaderLine {
            line: 0,
            span: shebang.span,
        });
        if let Some(e) = err {
            unsupported(&mut h, inline, &text[inline.start..inline.end], &e);
        }
        h.words.extend(words);
    }
    let (lines, ignored) = shell_lines(text);
    h.ignored_lines = ignored;
    for l in &lines {
        let (words, err) = split_shell(text, l.content);
        if let Some(e) = err {
            unsupported(&mut h, l.content, &text[l.content.start..l.content.end], &e);
        }
        h.words.extend(words);
        h.lines.push(HeaderLine {
            line: l.line,
            span: l.span,
        });
    }

    // Tokens still to read, (text, word index), the next one last, so that
    // taking one, skipping option values and expanding a bundle of short
    // options as nix does (`-abc` → `-a -b -c`, `-j3` → `-j 3`) all happen at
    // the end of the stack, never by shifting the rest.
    let mut toks: Vec<(String, usize)> = h
        .words
        .iter()
        .enumerate()
        .rev()
        .map(|(i, w)| (w.text.clone(), i))
        .collect();
    let skip = |toks: &mut Vec<(String, usize)>, n: usize| {
        toks.truncate(toks.len().saturating_sub(n));
    };
    let mut positional = Vec::new();
    let mut expr_mode = false;
    while let Some((t, wi)) = toks.pop() {
        let span = h.words[wi].span;
        let bytes = t.as_bytes();
        if bytes.len() > 2 && bytes[0] == b'-' && bytes[1] != b'-' && bytes[1].is_ascii_alphabetic()
        {
            let mut expanded = vec![(format!("-{}", bytes[1] as char), wi)];
            for (j, &c) in bytes.iter().enumerate().skip(2) {
                if c.is_ascii_alphabetic() {
                    expanded.push((format!("-{}", c as char), wi));
                } else {
                    expanded.push((t[j..].to_string(), wi));
                    break;
                }
            }
            // `-j4` and `-I/path` work; `-ipython3` or `-Inixpkgs=…` do not:
            // the letters after an option that takes a value become options.
            if matches!(bytes[1], b'i' | b'I' | b'A' | b'o' | b'j')
                && bytes[2].is_ascii_alphabetic()
            {
                unsupported(
                    &mut h,
                    span,
                    &t,
                    "nix splits bundled short options (`-ipython3` means `-i -p -y …`); write the option and its value as two words",
                );
            }
            toks.extend(expanded.into_iter().rev());
            continue;
        }
        // The k-th token after this one.
        let value = |k: usize| {
            toks.len()
                .checked_sub(k)
                .map(|j| (toks[j].0.clone(), toks[j].1))
        };
        match t.as_str() {
            "-p" | "--packages" => h.packages_mode = true,
            "--pure" => h.pure = true,
            "--impure" => h.pure = false,
            "-E" | "--expr" => expr_mode = true,
            "-i" | "--run" | "--command" | "-I" | "--keep" => {
                let Some((v, vw)) = value(1) else {
                    unsupported(&mut h, span, &t, &format!("`{t}` requires an argument"));
                    continue;
                };
                let vspan = h.words[vw].span;
                match t.as_str() {
                    "-i" => {
                        h.interpreter = Some(interpreter(&v, vspan));
                        h.run = None;
                    }
                    "--run" | "--command" => {
                        // The last of -i/--run/--command sets the command.
                        h.run = Some(v);
                        h.interpreter = None;
                    }
                    "-I" => h.include_paths.push(v),
                    _ => h.keep.push(v),
                }
                skip(&mut toks, 1);
                continue;
            }
            "--arg" | "--argstr" | "--option" => {
                match (value(1), value(2)) {
                    (Some((name, _)), Some((v, _))) => {
                        if t != "--option" {
                            h.args.push(NixArg {
                                kind: t.trim_start_matches('-').to_string(),
                                name,
                                value: v,
                            });
                        }
                    }
                    _ => unsupported(&mut h, span, &t, &format!("`{t}` requires two arguments")),
                }
                skip(&mut toks, 2);
                continue;
            }
            s if ONE_VALUE.contains(&s) => {
                skip(&mut toks, 1);
                continue;
            }
            s if NO_VALUE.contains(&s) => {}
            s if s.starts_with('-') && s.len() > 1 => {
                unsupported(&mut h, span, &t, "an option nixdeps does not know");
            }
            _ => positional.push(wi),
        }
    }
    // Words already seen to be plain other packages (`jq` on a hundred
    // thousand lines) are not parsed again.
    let mut plain: std::collections::HashSet<String> = std::collections::HashSet::new();
    for wi in positional {
        if h.packages_mode {
            h.package_words.push(wi);
            let w = &h.words[wi];
            if plain.contains(&w.text) {
                let other = super::OtherPackage {
                    text: w.text.clone(),
                    span: w.span,
                };
                h.others.push(other);
                continue;
            }
            let before = (
                h.declarations.len(),
                h.pythons.len(),
                h.unsupported.len(),
                h.others.len(),
            );
            nix::package_word(&mut h, wi);
            let after = (
                h.declarations.len(),
                h.pythons.len(),
                h.unsupported.len(),
                h.others.len(),
            );
            if after == (before.0, before.1, before.2, before.3 + 1) {
                plain.insert(h.words[wi].text.clone());
            }
        } else {
            let w: &Word = &h.words[wi];
            let (span, text) = (w.span, w.text.clone());
            if expr_mode {
                unsupported(&mut h, span, &text, "a Nix expression given with -E");
            } else {
                h.nix_files.push(text.clone());
                h.unsupported.push(Unsupported {
                    span,
                    text,
                    reason:
                        "the header names a Nix file instead of packages; nixdeps does not read it"
                            .into(),
                    nix_file: true,
                });
            }
        }
    }
    h
}

/// Parse a `nix shell` (flake CLI) header.
pub fn parse_flake(text: &str, shebang: &Shebang) -> Header {
    let mut h = empty_header(HeaderKind::Flake, shebang);
    if let Some(inline) = shebang.inline {
        let (words, _) = split_shell(text, inline);
        h.lines.push(HeaderLine {
            line: 0,
            span: shebang.span,
        });
        h.words.extend(words);
    }
    let (lines, ignored) = flake_lines(text);
    h.ignored_lines = ignored;
    let (words, errors) = split_flake(text, &lines);
    h.words.extend(words);
    for l in &lines {
        h.lines.push(HeaderLine {
            line: l.line,
            span: l.span,
        });
    }
    for (span, reason) in errors {
        let t = text.get(span.start..span.end).unwrap_or("").to_string();
        unsupported(&mut h, span, &t, &reason);
    }
    let n = h.words.len();
    let mut subcommand: Option<String> = None;
    let mut installables = Vec::new();
    let mut exprs = Vec::new();
    let mut i = 0;
    while i < n {
        let t = h.words[i].text.clone();
        let span = h.words[i].span;
        match t.as_str() {
            "--command" | "-c" => {
                if i + 1 < n {
                    let cmd: Vec<String> =
                        h.words[i + 1..].iter().map(|w| w.text.clone()).collect();
                    let span = h.words[i + 1].span.cover(h.words[n - 1].span);
                    let mut it = interpreter(&cmd.join(" "), span);
                    it.program = cmd[0].clone();
                    it.flags = cmd[1..].to_vec();
                    it.is_python = is_python_program(&it.program);
                    it.version = pythons::program_version(&it.program);
                    h.interpreter = Some(it);
                } else {
                    unsupported(&mut h, span, &t, "`--command` requires a command");
                }
                break;
            }
            "--expr" => {
                if i + 1 < n {
                    exprs.push(i + 1);
                }
                i += 2;
                continue;
            }
            "--impure" => {}
            "-i" | "--ignore-environment" => h.pure = true,
            "-I" | "--include" | "--keep" | "-k" | "--unset" | "-u" | "--file" | "-f"
            | "--inputs-from" | "--store" | "--eval-store" | "--max-jobs" | "-j" => {
                if let Some(v) = h.words.get(i + 1).map(|w| w.text.clone()) {
                    match t.as_str() {
                        "-I" | "--include" => h.include_paths.push(v),
                        "--keep" | "-k" => h.keep.push(v),
                        "--file" | "-f" => {
                            let s = h.words[i + 1].span;
                            h.nix_files.push(v.clone());
                            h.unsupported.push(Unsupported {
                                span: s,
                                text: v,
                                reason: "installables from a Nix file; nixdeps does not read it"
                                    .into(),
                                nix_file: true,
                            });
                        }
                        _ => {}
                    }
                }
                i += 2;
                continue;
            }
            "--arg" | "--argstr" | "--override-input" | "--option" => {
                if let (Some(a), Some(b)) = (h.words.get(i + 1), h.words.get(i + 2)) {
                    if t == "--arg" || t == "--argstr" {
                        let arg = NixArg {
                            kind: t.trim_start_matches('-').to_string(),
                            name: a.text.clone(),
                            value: b.text.clone(),
                        };
                        h.args.push(arg);
                    }
                }
                i += 3;
                continue;
            }
            s if s.starts_with('-') => {
                let known = [
                    "--offline",
                    "--refresh",
                    "-v",
                    "--verbose",
                    "--quiet",
                    "-L",
                    "--print-build-logs",
                    "--no-write-lock-file",
                    "--show-trace",
                    "--debug",
                ];
                if !known.contains(&s) {
                    unsupported(&mut h, span, &t, "an option nixdeps does not know");
                }
            }
            _ => {
                if subcommand.is_none() {
                    if t != "shell" {
                        unsupported(&mut h, span, &t, "only the `nix shell` form is understood");
                    }
                    subcommand = Some(t);
                } else {
                    installables.push(i);
                }
            }
        }
        i += 1;
    }
    h.packages_mode = !installables.is_empty() || !exprs.is_empty();
    let with_expr = !exprs.is_empty();
    for wi in exprs {
        nix::expr_word(&mut h, wi);
    }
    h.package_words = installables.clone();
    for wi in installables {
        if h.words[wi].text.contains('#') || !with_expr {
            nix::installable(&mut h, wi);
        } else {
            // With --expr, installables are attribute paths into it.
            let w = &h.words[wi];
            let (span, text) = (w.span, w.text.clone());
            h.others.push(super::OtherPackage { text, span });
        }
    }
    h
}
