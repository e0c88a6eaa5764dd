//! ND012 missing-block-dependency (doc in [`RULE`]).

use super::{where_imported, Ctx, Finding, Intent, Rule};
use crate::diagnostic::{Applicability, Severity};

pub const RULE: Rule = Rule {
    code: "ND012",
    name: "missing-block-dependency",
    severity: Severity::Error,
    summary: "a third-party import that no dependency of the `# /// script` block provides",
    fixable: true,
    doc: r#"## What it finds
In a script run by uv (`#!nix-shell -i "uv run --script"`, or a
`#!/usr/bin/env -S uv run --script` shebang), a third-party import, not guarded
by `try/except ImportError` and not under `if TYPE_CHECKING:`, that no
requirement of the PEP 723 `# /// script` block provides. The import is mapped
to its PyPI distribution through the same database as nixpkgs attributes
(`yaml` → `pyyaml`, `PIL` → `pillow`). A script without a block needs one for
every such import.

## Why it matters
`uv run --script` installs exactly the block's dependencies into a fresh
environment: the script dies with `ModuleNotFoundError` on first run, even
where the module is installed system-wide. A module that is only installed as
a dependency of a declared one breaks when that one drops it.

## Example
    #!/usr/bin/env -S uv run --script
    # /// script
    # dependencies = ["requests"]
    # ///
    import requests, yaml        # ND012: add "pyyaml"

## Fix
Adds the distribution as `uv add --script` would: one requirement a line, lower
case, no version, in sorted position when the list is sorted, with the list's
quoting, indentation and trailing comma; comments stay. A script without a
block gets one under its shebang and header lines.

After `nixdeps check --fix`:

    # dependencies = [
    #     "pyyaml",
    #     "requests",
    # ]"#,
};

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    for (n, attr) in super::unprovided(ctx, RULE.code) {
        let name = ctx.db.pypi_name(attr);
        out.push(ctx.finding(
            &RULE,
            n.span,
            format!(
                "\"{}\" {} but no dependency of the `# /// script` block provides it; add \"{name}\"",
                n.module,
                where_imported(ctx, n)
            ),
            Some(&n.module),
            Some(&name),
            Some((
                Intent::BlockAdd(name.clone()),
                format!("Add \"{name}\" to the `# /// script` block"),
                Applicability::Safe,
            )),
        ));
    }
}
