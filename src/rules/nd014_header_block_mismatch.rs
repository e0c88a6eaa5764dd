//! ND014 header-block-mismatch (doc in [`RULE`]).

use super::{display_attr, Ctx, Finding, Rule};
use crate::diagnostic::Severity;
use std::collections::HashSet;

pub const RULE: Rule = Rule {
    code: "ND014",
    name: "header-block-mismatch",
    severity: Severity::Warning,
    summary: "the nix-shell header and the `# /// script` block declare different distributions",
    fixable: false,
    doc: r#"## What it finds
A script with both a nix-shell header that declares Python packages and a PEP
723 `# /// script` block, where a distribution is declared in one and not the
other. Names are compared as PEP 503 names, nixpkgs attributes mapped to their
PyPI distributions through the database (`pyyaml` ↔ `PyYAML`); versions,
extras and markers do not matter.

## Why it matters
The two declarations drift: whoever runs the script through the other tool
(`uv run` instead of nix-shell, or the reverse) gets a different set of
packages, and one of them fails.

## Example
    #!/usr/bin/env nix-shell
    #!nix-shell -i python3 -p "python3.withPackages (ps: [ ps.requests ])"
    # /// script
    # dependencies = ["requests", "rich"]   # ND014: "rich" is not in the header
    # ///
    import requests, rich

## Fix
None: which side is right is the author's call. Once one side is fixed (ND001
and ND002 for the header, ND012 and ND013 for the block), make the other match."#,
};

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    let Some(script) = &ctx.metadata.script else {
        return;
    };
    if ctx.header.declarations.is_empty() && !ctx.is_python() {
        return;
    }
    let block: HashSet<&str> = ctx.metadata.names().into_iter().collect();
    let header: Vec<String> = ctx
        .header
        .declarations
        .iter()
        .map(|d| ctx.db.pypi_name(&d.attr))
        .collect();
    let declared: HashSet<&str> = header.iter().map(String::as_str).collect();
    for (d, name) in ctx.header.declarations.iter().zip(&header) {
        if !block.contains(&name.as_str()) {
            out.push(ctx.finding(
                &RULE,
                d.span,
                format!(
                    "{} is declared in the header but \"{name}\" is not in the `# /// script` block (line {})",
                    display_attr(ctx.header, &d.attr),
                    script.block.open_line + 1
                ),
                None,
                Some(&d.attr),
                None,
            ));
        }
    }
    for r in script.dependencies.iter().flat_map(|l| &l.items) {
        if !declared.contains(r.name.as_str()) {
            out.push(ctx.finding(
                &RULE,
                r.span,
                format!(
                    "\"{}\" is in the `# /// script` block but the header does not declare {}",
                    r.name,
                    display_attr(ctx.header, &ctx.db.attr_of_pypi(&r.name))
                ),
                None,
                Some(&r.name),
                None,
            ));
        }
    }
}
