//! ND001 missing-dependency (doc in [`RULE`]).

use super::{display_attr, where_imported, Ctx, Finding, Intent, Rule};
use crate::diagnostic::{Applicability, Severity};

pub const RULE: Rule = Rule {
    code: "ND001",
    name: "missing-dependency",
    severity: Severity::Error,
    summary: "a third-party import that no declared package provides",
    fixable: true,
    doc: r#"## What it finds
A third-party import, not guarded by `try/except ImportError` and not under
`if TYPE_CHECKING:`, that no package declared in the nix-shell header provides.
Imports of first-party modules next to the script are followed: a sibling
`utils.py` that imports `yaml` makes the script need `pyyaml`.

## Why it matters
The script works on the author's machine, where the module happens to be
installed, and dies with `ModuleNotFoundError` everywhere else: nix-shell puts
only the declared packages on the interpreter's path.

## Example
    #!/usr/bin/env nix-shell
    #!nix-shell -i python3 -p "python3.withPackages (ps: [ ps.requests ])"
    import requests, yaml        # ND001: "yaml" … add python3Packages.pyyaml

## Fix
Adds the attribute that provides the module (`ps.pyyaml`), in the style of the
list it joins; a sorted list stays sorted. When no source knows the module and
the attribute is only guessed from its name (`import foo` → `py-foo`), the
message says "guessed from the name" and the fix is unsafe (not applied by
`--fix`).

After `nixdeps check --fix`:

    #!nix-shell -i python3 -p "python3.withPackages (ps: [ ps.pyyaml ps.requests ])""#,
};

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    for (n, attr) in super::unprovided(ctx, RULE.code) {
        if super::nd008_transitive_dependency::propagator(ctx, attr).is_some() {
            continue;
        }
        let shown = display_attr(ctx.header, attr);
        // A name-only guess (db/guess.rs) may be wrong: say so, and leave
        // the edit to the user.
        let guessed = n.resolution.is_guess();
        // The module may be the script's own, on a directory nixdeps could
        // not compute: say so, and leave the edit to the user.
        let unfollowed = n.unfollowed_sys_path.map_or_else(String::new, |line| {
            format!(" (the sys.path change on line {line} could not be followed; the module may come from there)")
        });
        out.push(ctx.finding(
            &RULE,
            n.span,
            format!(
                "\"{}\" {} but no declared package provides it; add {shown}{}{unfollowed}",
                n.module,
                where_imported(ctx, n),
                if guessed {
                    " (guessed from the name)"
                } else {
                    ""
                }
            ),
            Some(&n.module),
            Some(attr),
            Some((
                Intent::Add(attr.to_owned()),
                format!("Add {shown}"),
                if guessed || n.unfollowed_sys_path.is_some() {
                    Applicability::Unsafe
                } else {
                    Applicability::Safe
                },
            )),
        ));
    }
}
