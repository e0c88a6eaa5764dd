//! ND008 transitive-dependency (doc in [`RULE`]).

use super::{display_attr, where_imported, Ctx, Finding, Intent, Rule};
use crate::diagnostic::{Applicability, Severity};

pub const RULE: Rule = Rule {
    code: "ND008",
    name: "transitive-dependency",
    severity: Severity::Warning,
    summary: "an import that works only because a declared package propagates its provider",
    fixable: true,
    doc: r#"## What it finds
A third-party import whose package is not declared, but which a declared
package propagates: `withPackages` puts it on the path as a dependency of that
package (`urllib3` through `requests`).

## Why it matters
The script depends on another package's dependency list. When nixpkgs drops
the edge (urllib3 once propagated pyopenssl; it no longer does), the script
breaks without any change of its own. The propagation data is a snapshot, so
this is a warning, not a pass.

## Example
    #!/usr/bin/env nix-shell
    #!nix-shell -i python3 -p "python3.withPackages (ps: [ ps.requests ])"
    import requests
    import urllib3               # ND008: provided only through requests

## Fix
Declares the package explicitly (`ps.urllib3`).

After `nixdeps check --fix`:

    #!nix-shell -i python3 -p "python3.withPackages (ps: [ ps.requests ps.urllib3 ])""#,
};

/// The chain from the first declared attribute that propagates `attr` to
/// `attr` (`["requests", "urllib3"]`), if any.
pub fn propagator(ctx: &Ctx, attr: &str) -> Option<Vec<String>> {
    ctx.propagators
        .get_or_init(|| {
            let declared: Vec<&str> = ctx
                .header
                .declarations
                .iter()
                .map(|d| d.attr.as_str())
                .collect();
            ctx.db.propagators(&declared)
        })
        .chain(ctx.db, attr)
}

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    for (n, attr) in super::unprovided(ctx, RULE.code) {
        let Some(chain) = propagator(ctx, attr) else {
            continue;
        };
        let via = chain.first().cloned().unwrap_or_default();
        let through = if chain.len() > 2 {
            format!(" (through {})", chain[1..chain.len() - 1].join(" → "))
        } else {
            String::new()
        };
        let shown = display_attr(ctx.header, attr);
        out.push(ctx.finding(
            &RULE,
            n.span,
            format!(
                "\"{}\" {} and is provided only because {via} propagates {attr}{through}; declare {shown} explicitly",
                n.module,
                where_imported(ctx, n)
            ),
            Some(&n.module),
            Some(attr),
            Some((Intent::Add(attr.to_owned()), format!("Add {shown}"), Applicability::Safe)),
        ));
    }
}
