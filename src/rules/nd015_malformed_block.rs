//! ND015 malformed-block (doc in [`RULE`]).

use super::{Ctx, Finding, Rule};
use crate::diagnostic::Severity;

pub const RULE: Rule = Rule {
    code: "ND015",
    name: "malformed-block",
    severity: Severity::Error,
    summary: "a `# /// script` block that is not valid TOML, holds a requirement that does not parse, or is repeated",
    fixable: false,
    doc: r#"## What it finds
A PEP 723 `# /// script` block that tools cannot read: its content is not
valid TOML, `dependencies` is not a list of strings, a requirement is not a
PEP 508 dependency specifier, `requires-python` is not a PEP 440 version
specifier, the file has a second `script` block (the specification requires
tools to refuse the file), or an opening `# /// script` line has no closing
`# ///` line in its run of `#` lines (the specification, and uv, ignore such a
block silently). The position is the offending string or line.

A `# ///` line followed by more `#` lines does not close the block: the last
`# ///` line of the comment run does.

## Why it matters
uv refuses to run the script.

## Example
    #!/usr/bin/env -S uv run --script
    # /// script
    # dependencies = ["requests", "rich>"]   # ND015: "rich>" does not parse
    # ///

## Fix
None: nixdeps does not guess what was meant, and offers no fix for the file's
block until it parses."#,
};

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    for m in &ctx.metadata.malformed {
        out.push(ctx.finding(&RULE, m.span, m.message.clone(), None, None, None));
    }
}
