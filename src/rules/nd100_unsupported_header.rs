//! ND100 unsupported-header (doc in [`RULE`]).

use super::{Ctx, Finding, Rule};
use crate::diagnostic::Severity;

pub const RULE: Rule = Rule {
    code: "ND100",
    name: "unsupported-header",
    severity: Severity::Warning,
    summary: "a header nixdeps cannot analyse",
    fixable: false,
    doc: r#"## What it finds
A part of the header nixdeps does not understand: a package expression other
than the forms it reads (`callPackage`, `fetchFromGitHub`, an `overrideAttrs`,
a `let` …), or a header that names a Nix file (`#!nix-shell shell.nix`) or
relies on `shell.nix`/`default.nix` (info: the packages live in that file).

## Why it matters
nixdeps gives no missing/unused verdict and no fix for such a script, rather
than a wrong one. Everything else is still checked.

## Example
    #!/usr/bin/env nix-shell
    #!nix-shell -i python3 -p "python3.pkgs.callPackage ./pkg.nix { }"

## Fix
None: nixdeps never evaluates Nix. Silence it with `# nixdeps: ignore[ND100]`."#,
};

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    let h = ctx.header;
    for u in &h.unsupported {
        let mut f = ctx.finding(&RULE, u.span, u.reason.clone(), None, None, None);
        if u.nix_file {
            f.diagnostic.severity = Severity::Info;
        }
        out.push(f);
    }
    if !h.packages_mode && h.unsupported.is_empty() {
        let span = h.lines.first().map_or(h.shebang, |l| l.span);
        let mut f = ctx.finding(
            &RULE,
            span,
            "the header has no -p packages, so nix-shell takes them from shell.nix or default.nix; nixdeps does not read Nix files".into(),
            None,
            None,
            None,
        );
        f.diagnostic.severity = Severity::Info;
        out.push(f);
    }
}
