//! ND002 unused-dependency (doc in [`RULE`]).

use super::{Ctx, Finding, Intent, Rule};
use crate::db::Resolution;
use crate::diagnostic::{Applicability, Severity};
use crate::imports::Class;

pub const RULE: Rule = Rule {
    code: "ND002",
    name: "unused-dependency",
    severity: Severity::Warning,
    summary: "a declared Python package that no import uses",
    fixable: true,
    doc: r#"## What it finds
A Python package declared in the header that no import of the script (or of
the first-party modules it imports) uses. Optional and `TYPE_CHECKING` imports
count as uses; a stub package (`types-requests`) is used when its package is.
Non-Python `-p` words (`ffmpeg`, `git`, `python3` itself) are never reported.

## Why it matters
Every declared package is fetched or built before the script starts: a stale
one slows the first start and enlarges the closure.

## Example
    #!nix-shell -i python3 -p "python3.withPackages (ps: [ ps.numpy ps.requests ])"
    import requests              # numpy: ND002

## Fix
Removes the declaration. The fix is unsafe (not applied by `--fix`) when the
script has imports nixdeps cannot resolve, since the package may provide them.
Keep a package used outside imports (a plugin, a tool run by the script) with
`keep = ["attr"]` in the configuration."#,
};

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    let unresolved = ctx
        .needed
        .iter()
        .any(|n| n.class == Class::ThirdParty && n.resolution == Resolution::Unresolved);
    let applicability = if unresolved {
        Applicability::Unsafe
    } else {
        Applicability::Safe
    };
    for (i, d) in ctx.header.declarations.iter().enumerate() {
        if ctx.matching.used[i] || ctx.keep.iter().any(|k| k == &d.attr) {
            continue;
        }
        // A duplicate is ND005's business; an unknown or removed name ND006's.
        if ctx.header.declarations[..i]
            .iter()
            .any(|e| e.attr == d.attr)
            || ctx.db.canonical(&d.attr).is_none()
        {
            continue;
        }
        out.push(ctx.finding(
            &RULE,
            d.span,
            format!("{} is declared but no import uses it", d.attr),
            None,
            Some(&d.attr),
            Some((
                Intent::Remove(i),
                format!("Remove {}", d.attr),
                applicability,
            )),
        ));
    }
}
