//! ND006 unknown-package (doc in [`RULE`]).

use super::{Ctx, Finding, Rule};
use crate::db::{AliasTarget, DbSource};
use crate::diagnostic::Severity;

pub const RULE: Rule = Rule {
    code: "ND006",
    name: "unknown-package",
    severity: Severity::Warning,
    summary: "a declared attribute that is not in the nixpkgs snapshot, or that nixpkgs removed",
    fixable: false,
    doc: r#"## What it finds
A declared Python attribute that the embedded nixpkgs snapshot does not have
(a typo, or a package newer than the snapshot: the message names its date; with
the live index, one your nixpkgs does not have: the message names it), or
one that nixpkgs removed (then an error, with nixpkgs' removal note).

## Why it matters
Nix stops with `undefined variable` or `attribute missing` before the script
starts; a removed package fails with its `throw` message.

## Example
    #!/usr/bin/env nix-shell
    #!nix-shell -i python3 -p "python3.withPackages (ps: [ ps.reqests ])"

## Fix
None automatic: pick the right attribute (`nix search nixpkgs#python3Packages.`)."#,
};

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    for d in &ctx.header.declarations {
        match ctx.db.alias(&d.attr) {
            Some(alias) if alias.target == AliasTarget::Removed => {
                let mut f = ctx.finding(
                    &RULE,
                    d.span,
                    format!(
                        "{} was removed from nixpkgs: {}",
                        d.attr,
                        alias.note.strip_prefix("removed: ").unwrap_or(&alias.note)
                    ),
                    None,
                    Some(&d.attr),
                    None,
                );
                f.diagnostic.severity = Severity::Error;
                out.push(f);
            }
            Some(_) => {}
            None if !ctx.db.has_attr(&d.attr) => out.push(ctx.finding(
                &RULE,
                d.span,
                match ctx.db.source() {
                    DbSource::Embedded { snapshot } => format!(
                        "{} is not a Python package in nixpkgs as of {snapshot} (a newer nixpkgs may have it)",
                        d.attr
                    ),
                    DbSource::Index { label, .. } => {
                        format!("{} is not a Python package in {label}", d.attr)
                    }
                },
                None,
                Some(&d.attr),
                None,
            )),
            None => {}
        }
    }
}
