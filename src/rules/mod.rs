//! The rules: one file per rule, each with the text `nixdeps explain` prints
//! and a `check` that turns the analysed script into findings.

use crate::db::Database;
use crate::diagnostic::{Applicability, Diagnostic, Fix, Severity};
use crate::header::edit::{self, EditRequest};
use crate::header::{Header, PyVersion};
use crate::imports::SyntaxError;
use crate::resolve::{Matching, Needed};
use crate::span::{LazyLineIndex, Span};
use std::collections::HashSet;

pub mod nd001_missing_dependency;
pub mod nd002_unused_dependency;
pub mod nd003_unresolved_import;
pub mod nd004_renamed_package;
pub mod nd005_duplicate_package;
pub mod nd006_unknown_package;
pub mod nd007_removed_stdlib_module;
pub mod nd008_transitive_dependency;
pub mod nd009_mixed_python_versions;
pub mod nd010_interpreter_not_declared;
pub mod nd011_ignored_header_line;
// PEP 723 `# /// script` blocks (DESIGN §12).
pub mod block;
pub mod nd012_missing_block_dependency;
pub mod nd013_unused_block_dependency;
pub mod nd014_header_block_mismatch;
pub mod nd015_malformed_block;
// Shell scripts (DESIGN §15).
pub mod nd016_missing_command;
pub mod nd017_unused_package;
pub mod nd018_unresolved_command;
pub mod nd100_unsupported_header;
pub mod nd101_syntax_error;

/// What a rule is, for `explain`, SARIF and selection.
#[derive(Debug)]
pub struct Rule {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    /// One line: what it finds.
    pub summary: &'static str,
    /// What `nixdeps explain` prints: what it finds, why it matters, an
    /// example, the fix.
    pub doc: &'static str,
    /// Whether the rule offers a fix (sometimes).
    pub fixable: bool,
}

pub const ALL: &[&Rule] = &[
    &nd001_missing_dependency::RULE,
    &nd002_unused_dependency::RULE,
    &nd003_unresolved_import::RULE,
    &nd004_renamed_package::RULE,
    &nd005_duplicate_package::RULE,
    &nd006_unknown_package::RULE,
    &nd007_removed_stdlib_module::RULE,
    &nd008_transitive_dependency::RULE,
    &nd009_mixed_python_versions::RULE,
    &nd010_interpreter_not_declared::RULE,
    &nd011_ignored_header_line::RULE,
    &nd012_missing_block_dependency::RULE,
    &nd013_unused_block_dependency::RULE,
    &nd014_header_block_mismatch::RULE,
    &nd015_malformed_block::RULE,
    &nd016_missing_command::RULE,
    &nd017_unused_package::RULE,
    &nd018_unresolved_command::RULE,
    &nd100_unsupported_header::RULE,
    &nd101_syntax_error::RULE,
];

/// Look a rule up by code (`ND001`) or name (`missing-dependency`), case-insensitively.
pub fn lookup(code_or_name: &str) -> Option<&'static Rule> {
    ALL.iter().copied().find(|r| {
        r.code.eq_ignore_ascii_case(code_or_name) || r.name.eq_ignore_ascii_case(code_or_name)
    })
}

/// A change to the header a fix asks for. Fixes of one file are merged into
/// one [`EditRequest`], so two additions never fight over the same spot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Intent {
    Add(String),
    Remove(usize),
    Rename(usize, String),
    /// Add a PEP 503 name to the `# /// script` block's dependencies.
    BlockAdd(String),
    /// Remove the block's dependency with this index.
    BlockRemove(usize),
    /// Add a package attribute to a shell script's header (`-p jq`).
    AddPackage(String),
    /// Remove the package with this index into `shell::Analysis::packages`.
    RemovePackage(usize),
}

impl Intent {
    pub fn request(intents: &[&Intent]) -> EditRequest {
        let mut req = EditRequest::default();
        let mut adds = HashSet::new();
        let mut removes = HashSet::new();
        for i in intents {
            match i {
                Intent::Add(a) => {
                    if adds.insert(a) {
                        req.add.push(a.clone())
                    }
                }
                Intent::Remove(i) => {
                    if removes.insert(*i) {
                        req.remove.push(*i)
                    }
                }
                Intent::Rename(i, a) => req.rename.push((*i, a.clone())),
                Intent::BlockAdd(_)
                | Intent::BlockRemove(_)
                | Intent::AddPackage(_)
                | Intent::RemovePackage(_) => {}
            }
        }
        req
    }
}

#[derive(Debug, Clone)]
pub struct Finding {
    pub diagnostic: Diagnostic,
    pub intent: Option<Intent>,
}

/// Everything the rules look at for one script.
pub struct Ctx<'a> {
    pub text: &'a str,
    pub lines: &'a LazyLineIndex<'a>,
    pub header: &'a Header,
    pub needed: &'a [Needed],
    pub matching: &'a Matching,
    pub syntax_errors: &'a [SyntaxError],
    /// The version the script runs under (header, else configuration, else 3.13).
    pub version: PyVersion,
    /// The configured `python-version`: what `python3` means (DESIGN §2.3),
    /// whatever the header names.
    pub configured_version: PyVersion,
    pub db: &'a Database,
    /// Attributes kept even when unused (configuration `keep`).
    pub keep: &'a [String],
    /// A UTF-8 byte order mark precedes the shebang (ND011).
    pub bom: bool,
    /// The PEP 723 blocks (DESIGN §12).
    pub metadata: &'a crate::pep723::Metadata,
    /// The interpreter is uv: the block declares, and [`Ctx::matching`]
    /// matches the block's requirements instead of the header's declarations.
    pub uv: bool,
    /// The commands of a shell script (DESIGN §15), `None` for other scripts.
    pub shell: Option<&'a crate::shell::Analysis>,
    /// What the declarations propagate, walked once when ND001/ND008 first
    /// ask (`Default::default()` to build a `Ctx`).
    pub propagators: std::cell::OnceCell<crate::db::Propagators>,
}

impl Ctx<'_> {
    /// The interpreter is Python: dependency rules apply.
    pub fn is_python(&self) -> bool {
        self.header
            .interpreter
            .as_ref()
            .is_some_and(|i| i.is_python)
    }

    /// The header is understood well enough to judge missing and unused
    /// packages, and to be rewritten.
    pub fn analysable(&self) -> bool {
        self.header.unsupported.is_empty() && self.header.packages_mode
    }

    /// Fixes are offered only where the header is understood and the Python
    /// parsed: a rewrite of a header we half understand could break it.
    pub fn fixable(&self) -> bool {
        self.analysable() && self.syntax_errors.is_empty()
    }

    fn fixable_for(&self, intent: &Intent) -> bool {
        match intent {
            Intent::BlockAdd(_) | Intent::BlockRemove(_) => self.block_fixable(),
            _ => self.fixable(),
        }
    }

    pub fn line_of(&self, offset: usize) -> usize {
        self.lines.get().line_of(offset) + 1
    }

    /// A finding with a fix for `intent` alone (for display; `--fix` merges
    /// the intents of all findings of a file). Its edits are drafted by
    /// [`check`], with the file's other fixes.
    pub fn finding(
        &self,
        rule: &'static Rule,
        span: Span,
        message: String,
        module: Option<&str>,
        attribute: Option<&str>,
        fix: Option<(Intent, String, Applicability)>,
    ) -> Finding {
        let mut intent = None;
        let fix = match fix {
            Some((i, msg, applicability)) if self.fixable_for(&i) => {
                intent = Some(i);
                Some(Fix {
                    message: msg,
                    applicability,
                    edits: Vec::new(),
                })
            }
            _ => None,
        };
        Finding {
            diagnostic: Diagnostic {
                code: rule.code,
                name: rule.name,
                severity: rule.severity,
                // The rule name leads, as in `missing-dependency: "yaml" is imported …`:
                // editors show the message alone.
                message: format!("{}: {message}", rule.name),
                span,
                fix,
                module: module.map(str::to_owned),
                attribute: attribute.map(str::to_owned),
            },
            intent,
        }
    }
}

/// Run every rule over one script. Findings come unsorted and unfiltered.
pub fn check(ctx: &Ctx) -> Vec<Finding> {
    let mut out = Vec::new();
    run_rules(ctx, &mut out);
    draft_fixes(ctx, &mut out);
    out
}

/// Give each finding the edits of its fix, drafted by one planner for the
/// file, and check them together as one plan (one parse of the header, not
/// one per finding). A finding keeps its fix only when the fix has edits;
/// only when the merged plan fails is each fix checked alone, and those
/// that fail are dropped, as a fix that does not check is never offered.
fn draft_fixes(ctx: &Ctx, out: &mut [Finding]) {
    if out.iter().all(|f| f.intent.is_none()) {
        return;
    }
    let planner = edit::Planner::with_lines(ctx.text, ctx.header, ctx.lines.get());
    let drop_fix = |f: &mut Finding| {
        f.intent = None;
        f.diagnostic.fix = None;
    };
    for f in out.iter_mut() {
        let Some(i) = &f.intent else { continue };
        match block::edits(&planner, ctx.metadata, &[i], false) {
            Ok(edits) if !edits.is_empty() => {
                if let Some(fix) = &mut f.diagnostic.fix {
                    fix.edits = edits;
                }
            }
            _ => drop_fix(f),
        }
    }
    let intents: Vec<&Intent> = out.iter().filter_map(|f| f.intent.as_ref()).collect();
    if intents.is_empty() || block::edits(&planner, ctx.metadata, &intents, true).is_ok() {
        return;
    }
    for f in out.iter_mut() {
        let Some(i) = &f.intent else { continue };
        if block::edits(&planner, ctx.metadata, &[i], true).is_err() {
            drop_fix(f);
        }
    }
}

fn run_rules(ctx: &Ctx, out: &mut Vec<Finding>) {
    nd011_ignored_header_line::check(ctx, out);
    if ctx.uv {
        if ctx.header.kind != crate::header::HeaderKind::Uv {
            nd100_unsupported_header::check(ctx, out);
        }
        nd101_syntax_error::check(ctx, out);
        nd015_malformed_block::check(ctx, out);
        nd014_header_block_mismatch::check(ctx, out);
        nd007_removed_stdlib_module::check(ctx, out);
        nd012_missing_block_dependency::check(ctx, out);
        nd013_unused_block_dependency::check(ctx, out);
        nd003_unresolved_import::check(ctx, out);
        return;
    }
    if ctx.shell.is_some() {
        nd100_unsupported_header::check(ctx, out);
        nd101_syntax_error::check(ctx, out);
        if ctx.analysable() {
            nd016_missing_command::check(ctx, out);
            nd017_unused_package::check(ctx, out);
        }
        nd018_unresolved_command::check(ctx, out);
        return;
    }
    if !ctx.is_python() {
        // Only ND011 applies to nix-shell scripts of other interpreters.
        return;
    }
    nd100_unsupported_header::check(ctx, out);
    nd101_syntax_error::check(ctx, out);
    nd004_renamed_package::check(ctx, out);
    nd005_duplicate_package::check(ctx, out);
    nd006_unknown_package::check(ctx, out);
    nd009_mixed_python_versions::check(ctx, out);
    nd010_interpreter_not_declared::check(ctx, out);
    nd007_removed_stdlib_module::check(ctx, out);
    if ctx.analysable() {
        nd001_missing_dependency::check(ctx, out);
        nd008_transitive_dependency::check(ctx, out);
        nd002_unused_dependency::check(ctx, out);
    }
    nd003_unresolved_import::check(ctx, out);
    nd015_malformed_block::check(ctx, out);
    nd014_header_block_mismatch::check(ctx, out);
}

/// Required third-party imports that no declaration provides, each with its
/// resolved attribute, once per attribute, not suppressed for `code`: the
/// candidates of ND001 (missing) and ND008 (transitive).
pub fn unprovided<'a>(
    ctx: &'a Ctx,
    code: &'a str,
) -> impl Iterator<Item = (&'a Needed, &'a str)> + 'a {
    let mut seen = std::collections::BTreeSet::new();
    ctx.needed
        .iter()
        .zip(&ctx.matching.providers)
        .filter(move |(n, providers)| {
            n.class == crate::imports::Class::ThirdParty
                && n.required()
                && providers.is_empty()
                && !n.is_suppressed(code)
        })
        .filter_map(|(n, _)| Some((n, n.resolved_attr()?)))
        .filter(move |(_, attr)| seen.insert(attr.to_string()))
}

/// How a declared attribute is written for messages: `python3Packages.x`.
pub fn display_attr(header: &Header, attr: &str) -> String {
    let interp = header
        .declarations
        .first()
        .map(|d| d.python.attr.as_str())
        .or_else(|| header.pythons.first().map(|p| p.attr.as_str()))
        .unwrap_or("python3");
    format!("{}.{attr}", crate::header::nix::package_set(interp))
}

/// The import is one nobody can do without: not optional, not type-only.
/// For an import found in a first-party module, name that module.
pub fn where_imported(ctx: &Ctx, n: &Needed) -> String {
    match &n.via {
        Some(p) => format!(
            "is imported by {} (line {})",
            p.file_name()
                .map(|f| f.to_string_lossy())
                .unwrap_or_default(),
            n.line
        ),
        None => format!("is imported on line {}", ctx.line_of(n.span.start)),
    }
}
