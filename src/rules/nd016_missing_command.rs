//! ND016 missing-command (doc in [`RULE`]).

use super::{Ctx, Finding, Intent, Rule};
use crate::diagnostic::{Applicability, Severity};
use crate::shell::Status;
use std::collections::BTreeSet;

pub const RULE: Rule = Rule {
    code: "ND016",
    name: "missing-command",
    severity: Severity::Error,
    summary: "a shell script runs a command that no declared package provides",
    fixable: true,
    doc: r#"## What it finds
A command a shell nix-shell script runs (`-i bash`, `-i sh`, `-i zsh`, or the
flake form's `--command bash`) that is not a shell builtin or keyword, not a
function or alias the script defines, not one of stdenv's commands (coreutils,
findutils, diffutils, gnused, gnugrep, gawk, gnutar, gzip, bzip2, xz, gnumake,
patch, bash), and that no declared package provides, while nixdeps' command
table knows a nixpkgs attribute that does. Commands are read from every simple
command, also inside pipelines, lists, subshells, command and process
substitutions, here-strings and compound statements, and through the commands
that run their argument (`sudo`, `env`, `exec`, `command`, `time`, `nice`,
`xargs`, `timeout`, `nohup`, `watch`, `parallel`, `find -exec`).

## Why it matters
The script works where the command happens to be installed and dies with
"command not found" under `--pure` or on a fresh machine.

## Example
    #!/usr/bin/env nix-shell
    #!nix-shell -i bash -p curl jq
    repo=$(curl -s "$1" | jq -r .git)
    nix-prefetch-git "$repo" | jq -r .sha256     # ND016: nix-prefetch-git

## Fix
Adds the attribute to the header, in its style (a new `-p` word, sorted into a
sorted list; `nixpkgs#attr` in the flake form). Not offered while a package
expression nixdeps cannot read (`"haskellPackages.ghcWithPackages (…)"`) is
declared: it may provide the command, so nothing is reported then. Suppress one
line with `# nixdeps: ignore[ND016]`.

After `nixdeps check --fix`:

    #!nix-shell -i bash -p curl jq nix-prefetch-git"#,
};

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    let Some(shell) = ctx.shell else {
        return;
    };
    if shell.opaque > 0 {
        return;
    }
    let mut seen = BTreeSet::new();
    for u in &shell.uses {
        let Status::Missing {
            attr, alternatives, ..
        } = &u.status
        else {
            continue;
        };
        if u.is_suppressed(RULE.code) || !seen.insert(u.name.as_str()) {
            continue;
        }
        let also = if alternatives.is_empty() {
            String::new()
        } else {
            format!(" (or {})", alternatives.join(", "))
        };
        let place = match &u.via {
            Some(v) if v == "-i" => "is the interpreter".to_owned(),
            Some(v) => format!("is run through {v} on line {}", ctx.line_of(u.span.start)),
            None => format!("is run on line {}", ctx.line_of(u.span.start)),
        };
        out.push(ctx.finding(
            &RULE,
            u.span,
            format!(
                "`{}` {place} but no declared package provides it; add {attr}{also}",
                u.name
            ),
            Some(&u.name),
            Some(attr),
            Some((
                Intent::AddPackage(attr.clone()),
                format!("Add {attr}"),
                Applicability::Safe,
            )),
        ));
    }
}
