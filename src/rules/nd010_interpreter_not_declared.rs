//! ND010 interpreter-not-declared (doc in [`RULE`]).

use super::{Ctx, Finding, Intent, Rule};
use crate::diagnostic::{Applicability, Severity};

pub const RULE: Rule = Rule {
    code: "ND010",
    name: "interpreter-not-declared",
    severity: Severity::Error,
    summary: "a Python interpreter is run, but nothing in the header provides one",
    fixable: true,
    doc: r#"## What it finds
`-i python3` (or another Python) with `-p` packages of which none is a Python:
no `python3`, no `withPackages`, no `python3Packages.x`.

## Why it matters
The script then runs whatever `python3` the caller's `PATH` has, with whatever
packages it has: it works on one machine and not on the next, and `--pure`
makes it fail everywhere.

## Example
    #!/usr/bin/env nix-shell
    #!nix-shell -i python3 -p ffmpeg
    import requests

## Fix
Adds `"python3.withPackages (ps: [ … ])"` with the packages the imports need
(applied together with the ND001 fixes).

After `nixdeps check --fix`:

    #!nix-shell -i python3 -p ffmpeg "python3.withPackages (ps: [ ps.requests ])""#,
};

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    let h = ctx.header;
    if !h.packages_mode
        || !h.pythons.is_empty()
        || !h.declarations.is_empty()
        || !h.unsupported.is_empty()
    {
        return;
    }
    let Some(interp) = &h.interpreter else { return };
    // The fix is the interpreter's withPackages with a package the imports
    // need: ND001's fixes, merged by `--fix`, fill in the rest. A name-only
    // guess is left to ND001's unsafe fix.
    let fix = super::unprovided(ctx, "ND001")
        .find(|(n, _)| !n.resolution.is_guess())
        .map(|(_, attr)| {
            (
                Intent::Add(attr.to_owned()),
                format!("Add the interpreter's withPackages with ps.{attr}"),
                Applicability::Safe,
            )
        });
    out.push(ctx.finding(
        &RULE,
        interp.span,
        format!(
            "the script runs {} but no package in the header provides a Python; add python3.withPackages",
            interp.program
        ),
        None,
        None,
        fix,
    ));
}
