//! ND009 mixed-python-versions (doc in [`RULE`]).

use super::{Ctx, Finding, Rule};
use crate::diagnostic::Severity;
use crate::header::nix::package_set;
use crate::header::{PyVersion, PythonRef};

pub const RULE: Rule = Rule {
    code: "ND009",
    name: "mixed-python-versions",
    severity: Severity::Error,
    summary: "packages or interpreters from more than one Python version",
    fixable: false,
    doc: r#"## What it finds
A header that mixes Python versions: `-i python3` with `python39Packages.x`,
`python311.withPackages` next to `python312Packages.y`, or `-i python3.11`
with `python312.withPackages`. `python3` (and `python3Packages`,
`python3Minimal`, `python3Full`) counts as the configured `python-version`
(default 3.13); `python`, `pythonFull` and `pythonPackages` are nixpkgs'
aliases of Python 2.7. `-i python3` runs the header's own interpreter when it
has one (any Python 3 will do), else the configured `python3`, which must then
match the package sets.

## Why it matters
Each version has its own package set and site-packages: a package of one is
invisible to the interpreter of the other, so the import fails.

## Example
    #!/usr/bin/env nix-shell
    #!nix-shell -i python3 -p python3 python39Packages.requests

## Fix
None automatic: pick one version for every package."#,
};

/// How a Python reference is named in messages: the set for a package set
/// (`python39Packages`), the attribute for an interpreter.
fn label(p: &PythonRef) -> String {
    if p.from_set {
        package_set(&p.attr)
    } else {
        p.attr.clone()
    }
}

/// `Python 3.13, the configured python-version` for the `python3` family.
fn describe(p: Option<PyVersion>, configured: PyVersion) -> String {
    match p {
        Some(v) => format!("Python {v}"),
        None => format!("Python {configured}, the configured python-version"),
    }
}

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    let configured = ctx.configured_version;
    let pythons = &ctx.header.pythons;
    let effective = |p: &PythonRef| p.version.unwrap_or(configured);
    if let Some(first) = pythons.first() {
        for p in &pythons[1..] {
            if effective(p) != effective(first) {
                out.push(ctx.finding(
                    &RULE,
                    p.span,
                    format!(
                        "{} is {}, but the header also uses {} ({})",
                        label(p),
                        describe(p.version, configured),
                        label(first),
                        describe(first.version, configured)
                    ),
                    None,
                    Some(&p.attr),
                    None,
                ));
            }
        }
    }
    let Some(interp) = &ctx.header.interpreter else {
        return;
    };
    // The Python the interpreter program runs, and what it is compared with.
    let provider = pythons.iter().find(|p| !p.from_set);
    let conflict = match (interp.version, interp.program.as_str(), provider) {
        (Some(iv), _, _) => pythons
            .first()
            .filter(|p| effective(p) != iv)
            .map(|p| (format!("is {},", describe(Some(iv), configured)), p)),
        // `python3` comes from the header's interpreter when it has one: any
        // Python 3 will do.
        (None, "python3", Some(p)) => {
            (effective(p).major != 3).then(|| ("needs a Python 3,".to_string(), p))
        }
        // Else from the configured `python3`, which must match the sets.
        (None, "python3", None) => pythons
            .iter()
            .find(|p| effective(p) != configured)
            .map(|p| (format!("is {},", describe(None, configured)), p)),
        _ => None,
    };
    if let Some((runs, p)) = conflict {
        out.push(ctx.finding(
            &RULE,
            interp.span,
            format!(
                "the interpreter {} {runs} but the packages come from {} ({})",
                interp.program,
                label(p),
                describe(p.version, configured)
            ),
            None,
            None,
            None,
        ));
    }
}
