//! ND017 unused-package (doc in [`RULE`]).

use super::{Ctx, Finding, Intent, Rule};
use crate::diagnostic::{Applicability, Severity};

pub const RULE: Rule = Rule {
    code: "ND017",
    name: "unused-package",
    severity: Severity::Warning,
    summary: "a shell script declares a package none of whose commands it runs",
    fixable: true,
    doc: r#"## What it finds
A package declared in the header of a shell nix-shell script that provides
none of the commands the script runs (nor its interpreter). A package is known
to provide a command when the command table says so or when the command is
named like its attribute (`jq`, `nodePackages.prettier` → `prettier`).

Kept although no command of them runs: packages that work without being run
(`cacert`, `glibcLocales`, `tzdata`, `nix`, which brings `<nixpkgs>`), `git`
when `nix-prefetch-git` or `update-source-version` runs, every package while
the script builds something (it runs or declares `pkg-config`, or runs `cc`,
`cmake`, `cargo` …: the package may be a library it finds), the
configuration's `keep` list, and package expressions that are not attribute
names.

## Why it matters
Every declared package is fetched or built before the script starts: a stale
one slows the first start and enlarges the closure.

## Example
    #!/usr/bin/env nix-shell
    #!nix-shell -i bash -p curl jq wget
    curl -s "$url" | jq .        # ND017: wget

## Fix
Removes the package from the header. The fix is unsafe (not applied by
`--fix`) while some command is unresolved, dynamic (`$cmd`) or unreadable
(zsh syntax), since the package may be what provides it.

After `nixdeps check --fix`:

    #!nix-shell -i bash -p curl jq"#,
};

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    let Some(shell) = ctx.shell else {
        return;
    };
    let applicability = if shell.uncertain() {
        Applicability::Unsafe
    } else {
        Applicability::Safe
    };
    for (k, p) in shell.packages.iter().enumerate() {
        if shell.used[k] || shell.kept[k].is_some() {
            continue;
        }
        out.push(ctx.finding(
            &RULE,
            p.span,
            format!(
                "{} is declared but the script runs none of its commands",
                p.attr
            ),
            None,
            Some(&p.attr),
            Some((
                Intent::RemovePackage(k),
                format!("Remove {}", p.attr),
                applicability,
            )),
        ));
    }
}
