//! ND007 removed-stdlib-module (doc in [`RULE`]).

use super::{display_attr, where_imported, Ctx, Finding, Intent, Rule};
use crate::diagnostic::{Applicability, Severity};
use crate::imports::Class;
use std::collections::BTreeSet;

pub const RULE: Rule = Rule {
    code: "ND007",
    name: "removed-stdlib-module",
    severity: Severity::Error,
    summary: "an import of a standard-library module the script's Python no longer ships",
    fixable: true,
    doc: r#"## What it finds
An import of a module an older Python shipped but the script's Python does not:
`distutils` (gone in 3.12), `imp`, `asyncore`, `asynchat`, `smtpd` (3.12),
`cgi`, `telnetlib`, `pipes`, `crypt` and the other PEP 594 modules (3.13).
The version comes from the header (`python311`), else `python-version`
(default 3.13, the current nixpkgs `python3`).

## Why it matters
The script dies with `ModuleNotFoundError` as soon as nixpkgs moves `python3`
to the newer version.

## Example
    #!/usr/bin/env nix-shell
    #!nix-shell -i python3 -p "python3.withPackages (ps: [ ])"
    from distutils.version import LooseVersion    # ND007: add setuptools

## Fix
Adds the package that restores the module where one exists (`setuptools` for
`distutils`, `legacy-cgi` for `cgi`, `standard-*` backports).

After `nixdeps check --fix`:

    #!nix-shell -i python3 -p "python3.withPackages (ps: [ ps.setuptools ])""#,
};

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    let mut seen = BTreeSet::new();
    for (n, providers) in ctx.needed.iter().zip(&ctx.matching.providers) {
        let Class::RemovedStdlib {
            removed_in,
            restored_by,
        } = &n.class
        else {
            continue;
        };
        if !n.required()
            || !providers.is_empty()
            || n.is_suppressed(RULE.code)
            || !seen.insert(n.top_level().to_owned())
        {
            continue;
        }
        let gone = match removed_in {
            Some(v) => format!("was removed from the standard library in Python {v}"),
            None => format!("is not in the standard library of Python {}", ctx.version),
        };
        let (advice, fix) = match restored_by {
            // A uv script (DESIGN §12): the block declares, and gets the distribution.
            Some(attr) if ctx.uv => {
                let name = ctx.db.pypi_name(attr);
                (
                    format!("; add \"{name}\" to the `# /// script` block, which provides it"),
                    Some((
                        Intent::BlockAdd(name.clone()),
                        format!("Add \"{name}\" to the `# /// script` block"),
                        Applicability::Safe,
                    )),
                )
            }
            Some(attr) if ctx.analysable() => {
                let shown = display_attr(ctx.header, attr);
                (
                    format!("; add {shown}, which provides it"),
                    Some((
                        Intent::Add(attr.clone()),
                        format!("Add {shown}"),
                        Applicability::Safe,
                    )),
                )
            }
            Some(attr) => (format!("; {attr} provides it"), None),
            None => ("; no nixpkgs package restores it".to_owned(), None),
        };
        out.push(ctx.finding(
            &RULE,
            n.span,
            format!(
                "\"{}\" {} but {gone} (the script runs Python {}){advice}",
                n.top_level(),
                where_imported(ctx, n),
                ctx.version
            ),
            Some(n.top_level()),
            restored_by.as_deref(),
            fix,
        ));
    }
}
