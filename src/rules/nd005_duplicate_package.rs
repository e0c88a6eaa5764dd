//! ND005 duplicate-package (doc in [`RULE`]).

use super::{Ctx, Finding, Intent, Rule};
use crate::diagnostic::{Applicability, Severity};
use std::collections::HashMap;

pub const RULE: Rule = Rule {
    code: "ND005",
    name: "duplicate-package",
    severity: Severity::Warning,
    summary: "the same attribute declared twice",
    fixable: true,
    doc: r#"## What it finds
An attribute declared more than once in the header, in one list or across
lists and `-p` words.

## Why it matters
Harmless to Nix, but it hides what the script really needs and makes the next
edit of the header error-prone.

## Example
    #!/usr/bin/env nix-shell
    #!nix-shell -i python3 -p "python3.withPackages (ps: [ ps.rich ps.click ps.rich ])"
    import click, rich

## Fix
Removes the repeat; the first declaration stays.

After `nixdeps check --fix`:

    #!nix-shell -i python3 -p "python3.withPackages (ps: [ ps.rich ps.click ])""#,
};

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    let decls = &ctx.header.declarations;
    // The first declaration of each attribute.
    let mut first: HashMap<&str, usize> = HashMap::new();
    for (i, d) in decls.iter().enumerate() {
        let f = *first.entry(d.attr.as_str()).or_insert(i);
        if f == i {
            continue;
        }
        out.push(ctx.finding(
            &RULE,
            d.span,
            format!(
                "{} is declared twice (first on line {})",
                d.attr,
                ctx.line_of(decls[f].span.start)
            ),
            None,
            Some(&d.attr),
            Some((
                Intent::Remove(i),
                format!("Remove the repeated {}", d.attr),
                Applicability::Safe,
            )),
        ));
    }
}
