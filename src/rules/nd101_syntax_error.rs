//! ND101 syntax-error (doc in [`RULE`]).

use super::{Ctx, Finding, Rule};
use crate::diagnostic::Severity;

pub const RULE: Rule = Rule {
    code: "ND101",
    name: "syntax-error",
    severity: Severity::Error,
    summary: "Python or shell that does not parse",
    fixable: false,
    doc: r#"## What it finds
Python source that does not parse (for the newest Python grammar), or a
shell script (`-i bash`, `-i sh`) that does not parse as bash. zsh scripts are
read as far as bash syntax allows and get no ND101.

## Why it matters
The script fails before its first import (or command). nixdeps still checks
the imports or commands the parser recovered, but applies no fix to the file.

## Example
    #!/usr/bin/env nix-shell
    #!nix-shell -i python3 -p python3
    print "hello"            # Python 2

## Fix
None: correct the syntax."#,
};

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    for e in ctx.syntax_errors {
        out.push(ctx.finding(&RULE, e.span, e.message.clone(), None, None, None));
    }
}
