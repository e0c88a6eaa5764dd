//! ND003 unresolved-import (doc in [`RULE`]).

use super::{where_imported, Ctx, Finding, Rule};
use crate::db::Resolution;
use crate::diagnostic::Severity;
use crate::imports::Class;
use std::collections::BTreeSet;

pub const RULE: Rule = Rule {
    code: "ND003",
    name: "unresolved-import",
    severity: Severity::Warning,
    summary: "a third-party import the database cannot map to a nixpkgs attribute",
    fixable: false,
    doc: r#"## What it finds
A third-party import (not standard library, not a module next to the script)
that neither the embedded database nor the configuration maps to a nixpkgs
attribute, and that no declared package is known to provide.

## Why it matters
nixdeps cannot tell whether the header declares it, so the script may fail with
`ModuleNotFoundError` on another machine.

## Example
    #!/usr/bin/env nix-shell
    #!nix-shell -i python3 -p python3
    import mycompany_sdk         # ND003

## Fix
None automatic. Declare the package and map the module in the configuration
(`[mapping] mycompany_sdk = "mycompany-sdk"`), or mark the module first-party
(`first-party = ["mycompany_sdk"]`)."#,
};

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    let mut seen = BTreeSet::new();
    for (n, providers) in ctx.needed.iter().zip(&ctx.matching.providers) {
        if n.class != Class::ThirdParty
            || n.resolution != Resolution::Unresolved
            || !n.required()
            || !providers.is_empty()
            || n.is_suppressed(RULE.code)
            || !seen.insert(n.top_level().to_owned())
        {
            continue;
        }
        // A uv script declares PyPI distributions (DESIGN §12).
        let what = if ctx.uv {
            "PyPI distribution"
        } else {
            "nixpkgs attribute"
        };
        out.push(ctx.finding(
            &RULE,
            n.span,
            format!(
                "\"{}\" {} but nixdeps does not know which {what} provides it{}",
                n.module,
                where_imported(ctx, n),
                n.unfollowed_sys_path.map_or_else(String::new, |line| format!(
                    " (the sys.path change on line {line} could not be followed; the module may come from there)"
                ))
            ),
            Some(&n.module),
            None,
            None,
        ));
    }
}
