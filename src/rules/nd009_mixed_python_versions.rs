//! ND009 mixed-python-versions (doc in [`RULE`]).

use super::{Ctx, Finding, Rule};
use crate::diagnostic::Severity;
use crate::header::PyVersion;

pub const RULE: Rule = Rule {
    code: "ND009",
    name: "mixed-python-versions",
    severity: Severity::Error,
    summary: "packages or interpreters from more than one Python version",
    fixable: false,
    doc: r#"## What it finds
A header that mixes Python versions: `-i python3` with `python39Packages.x`,
`python311.withPackages` next to `python312Packages.y`, or `-i python3.11`
with `python312.withPackages`. `python3` counts as the configured
`python-version` (default 3.13).

## Why it matters
Each version has its own package set and site-packages: a package of one is
invisible to the interpreter of the other, so the import fails.

## Example
    #!nix-shell -i python3 -p python3 python39Packages.requests

## Fix
None automatic: pick one version for every package."#,
};

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    let default = ctx.version;
    let mut first: Option<(PyVersion, &str)> = None;
    for p in &ctx.header.pythons {
        let v = p.version.unwrap_or(default);
        match first {
            None => first = Some((v, &p.attr)),
            Some((fv, fattr)) if fv != v => {
                out.push(ctx.finding(
                    &RULE,
                    p.span,
                    format!(
                        "{} is Python {v}, but the header also uses {fattr} (Python {fv})",
                        p.attr
                    ),
                    None,
                    Some(&p.attr),
                    None,
                ));
            }
            Some(_) => {}
        }
    }
    if let (Some(interp), Some((fv, fattr))) = (&ctx.header.interpreter, first) {
        if let Some(iv) = interp.version {
            if iv != fv {
                out.push(ctx.finding(
                    &RULE,
                    interp.span,
                    format!(
                        "the interpreter {} is Python {iv}, but the packages come from {fattr} (Python {fv})",
                        interp.program
                    ),
                    None,
                    None,
                    None,
                ));
            }
        }
    }
}
