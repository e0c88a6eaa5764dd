//! ND018 unresolved-command (doc in [`RULE`]).

use super::{Ctx, Finding, Rule};
use crate::diagnostic::Severity;
use crate::shell::Status;
use std::collections::BTreeSet;

pub const RULE: Rule = Rule {
    code: "ND018",
    name: "unresolved-command",
    severity: Severity::Info,
    summary: "a shell script runs a command nixdeps cannot map to a nixpkgs attribute",
    fixable: false,
    doc: r#"## What it finds
A command a shell nix-shell script runs that is not a builtin, not defined in
the script, not from stdenv, not provided by a declared package as far as
nixdeps knows, and that nixdeps' command table cannot map to an attribute.

## Why it matters
nixdeps cannot tell whether the header provides it. The script may rely on a
command of the machine it was written on. While such a command is left,
removals of unused packages (ND017) are unsafe.

## Example
    #!/usr/bin/env nix-shell
    #!nix-shell -i bash -p curl
    curl -fsS "$1" -o config.json
    my-company-tool --sync        # ND018

## Fix
None automatic. Declare the package that provides it, keep the package that
does with `keep = ["attr"]`, or suppress the line with
`# nixdeps: ignore[ND018]`."#,
};

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    let Some(shell) = ctx.shell else {
        return;
    };
    let mut seen = BTreeSet::new();
    for u in &shell.uses {
        if u.status != Status::Unresolved
            || u.is_suppressed(RULE.code)
            || !seen.insert(u.name.as_str())
        {
            continue;
        }
        out.push(ctx.finding(
            &RULE,
            u.span,
            format!(
                "`{}` is run on line {} but nixdeps knows no nixpkgs attribute that provides it",
                u.name,
                ctx.line_of(u.span.start)
            ),
            Some(&u.name),
            None,
            None,
        ));
    }
}
