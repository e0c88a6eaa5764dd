//! ND011 ignored-header-line (doc in [`RULE`]).

use super::{Ctx, Finding, Rule};
use crate::diagnostic::Severity;

pub const RULE: Rule = Rule {
    code: "ND011",
    name: "ignored-header-line",
    severity: Severity::Warning,
    summary: "a line that looks like a nix-shell header line but nix-shell ignores",
    fixable: false,
    doc: r#"## What it finds
A line that looks like a header line but that nix-shell does not read:
`# !nix-shell …`, ` #!nix-shell …` (a leading blank), or `#!nix-shell` followed
by a tab (Nix 2.8 and older skip it). Also a UTF-8 byte order mark before the
shebang: nixdeps reads the header, but the kernel does not see `#!` and
nix-shell evaluates the whole file as Nix. Checked in every nix-shell script,
whatever its interpreter.

## Why it matters
This is how a script silently loses its `-i` and `-p`: the line reads like a
declaration, and Nix never sees it.

## Example
    #!/usr/bin/env nix-shell
    # !nix-shell -i python3 -p python3Packages.requests

## Fix
None automatic: write `#!nix-shell` at the start of the line, followed by one space."#,
};

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    if ctx.bom {
        out.push(ctx.finding(
            &RULE,
            ctx.header.shebang,
            "a byte order mark precedes `#!`: the kernel does not run the shebang and nix-shell reads the file as a Nix expression; save the file without the BOM".into(),
            None,
            None,
            None,
        ));
    }
    for l in &ctx.header.ignored_lines {
        out.push(ctx.finding(
            &RULE,
            l.span,
            format!("this looks like a nix-shell header line, but {}", l.reason),
            None,
            None,
            None,
        ));
    }
}
