//! ND004 renamed-package (doc in [`RULE`]).

use super::{Ctx, Finding, Intent, Rule};
use crate::db::AliasTarget;
use crate::diagnostic::{Applicability, Severity};

pub const RULE: Rule = Rule {
    code: "ND004",
    name: "renamed-package",
    severity: Severity::Warning,
    summary: "a declared attribute that nixpkgs renamed",
    fixable: true,
    doc: r#"## What it finds
A declared attribute that is an alias of another in nixpkgs' python-aliases.nix
(`pyyaml` was once `PyYAML`, `dateutil` is now `python-dateutil`).

## Why it matters
Aliases are removed after a while, and with `allowAliases = false` (common in
flakes and CI) they fail at once.

## Example
    #!/usr/bin/env nix-shell
    #!nix-shell -i python3 -p "python3.withPackages (ps: [ ps.dateutil ])"
    import dateutil

## Fix
Renames it to the current attribute (`ps.python-dateutil`).

After `nixdeps check --fix`:

    #!nix-shell -i python3 -p "python3.withPackages (ps: [ ps.python-dateutil ])""#,
};

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    for (i, d) in ctx.header.declarations.iter().enumerate() {
        let Some(alias) = ctx.db.alias(&d.attr) else {
            continue;
        };
        match alias.target {
            AliasTarget::Renamed(new) => out.push(ctx.finding(
                &RULE,
                d.span,
                format!(
                    "{} was renamed to {new} in nixpkgs ({})",
                    d.attr,
                    alias.note.strip_prefix("renamed ").unwrap_or(&alias.note).trim_matches(['(', ')'])
                ),
                None,
                Some(&d.attr),
                Some((
                    Intent::Rename(i, new.clone()),
                    format!("Rename {} to {new}", d.attr),
                    Applicability::Safe,
                )),
            )),
            AliasTarget::TopLevel(pkg) => out.push(ctx.finding(
                &RULE,
                d.span,
                format!(
                    "{} is now the top-level package {pkg} in nixpkgs, not a Python package attribute",
                    d.attr
                ),
                None,
                Some(&d.attr),
                None,
            )),
            AliasTarget::Removed => {}
        }
    }
}
