//! ND013 unused-block-dependency (doc in [`RULE`]).

use super::{Ctx, Finding, Intent, Rule};
use crate::diagnostic::Severity;

pub const RULE: Rule = Rule {
    code: "ND013",
    name: "unused-block-dependency",
    severity: Severity::Warning,
    summary: "a dependency of the `# /// script` block that no import uses",
    fixable: true,
    doc: r#"## What it finds
In a script run by uv, a requirement of the PEP 723 `# /// script` block whose
distribution no import of the script (or of the first-party modules it
imports) uses. Optional and `TYPE_CHECKING` imports count as uses, a stub
distribution (`types-requests`) is used when its package is, and packages that
a declared one loads by name (`lxml` with `beautifulsoup4`) are not reported,
as for ND002. Extras, markers and versions do not matter.

## Why it matters
uv resolves, downloads and installs every dependency before the script starts.

## Example
    #!/usr/bin/env -S uv run --script
    # /// script
    # dependencies = ["requests", "rich"]
    # ///
    import requests              # ND013: "rich"

## Fix
Removes the requirement (its whole line in a one-per-line list). Unsafe (not
applied by `--fix`) while the script has imports nixdeps cannot resolve, since
the distribution may provide them. Keep a distribution with `keep = ["name"]`.

After `nixdeps check --fix`:

    # dependencies = ["requests"]"#,
};

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    let Some(list) = ctx
        .metadata
        .script
        .as_ref()
        .and_then(|s| s.dependencies.as_ref())
    else {
        return;
    };
    let applicability = super::nd002_unused_dependency::removal_applicability(ctx);
    let attrs: Vec<String> = list
        .items
        .iter()
        .map(|r| ctx.db.attr_of_pypi(&r.name))
        .collect();
    let declared: std::collections::HashSet<&str> = attrs.iter().map(String::as_str).collect();
    let mut seen = std::collections::HashSet::new();
    for (i, r) in list.items.iter().enumerate() {
        let kept = ctx
            .keep
            .iter()
            .any(|k| crate::db::pep503(k) == r.name || *k == attrs[i]);
        let repeated = !seen.insert(r.name.as_str());
        if ctx.matching.used.get(i).copied().unwrap_or(true) || kept || repeated {
            continue;
        }
        if super::nd002_unused_dependency::loaded_by_declared(&attrs[i], &declared) {
            continue;
        }
        out.push(ctx.finding(
            &RULE,
            r.span,
            format!(
                "\"{}\" is a dependency of the `# /// script` block but no import uses it",
                r.name
            ),
            None,
            Some(&r.name),
            Some((
                Intent::BlockRemove(i),
                format!("Remove \"{}\" from the `# /// script` block", r.name),
                applicability,
            )),
        ));
    }
}
