//! Hand-made results shared by the report tests: several files, every
//! severity, multi-byte text, a CRLF file with a tab, a span at the end of a
//! line, a multi-line span, safe, unsafe and no fixes, and a clean file.
#![allow(dead_code)]

use nixdeps::diagnostic::{Applicability, Diagnostic, Edit, Fix, Severity};
use nixdeps::report::{FileResult, Summary};
use nixdeps::span::Span;

/// Byte span of the `nth` (0-based) occurrence of `needle` in `text`.
pub fn find(text: &str, needle: &str, nth: usize) -> Span {
    let start = text
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("{needle:?} #{nth} not in fixture"))
        .0;
    Span::new(start, start + needle.len())
}

pub fn diag(
    code: &'static str,
    name: &'static str,
    severity: Severity,
    message: &str,
    span: Span,
) -> Diagnostic {
    Diagnostic {
        code,
        name,
        severity,
        message: message.to_owned(),
        span,
        fix: None,
        module: None,
        attribute: None,
    }
}

pub fn fix(message: &str, applicability: Applicability, edits: Vec<Edit>) -> Option<Fix> {
    Some(Fix {
        message: message.to_owned(),
        applicability,
        edits,
    })
}

pub const FETCH: &str = "#!/usr/bin/env nix-shell
#!nix-shell -i python3 -p \"python3.withPackages (ps: [ ps.requests ps.pip ])\"
\"\"\"Fetch the café menus — naïve version.\"\"\"
import yaml
import requests
";

pub const UNICODE: &str = "#! /usr/bin/env nix-shell\r\n#!nix-shell -i python3\r\n#!nix-shell -p\tpython3Packages.numpy python3Packages.requests_oauthlib\r\n# Ünïcödé 日本語 header\r\nimport données  # 日本\r\nimport numpy\r\n";

pub const SHELL: &str = "#!/usr/bin/env nix-shell
#!nix-shell shell.nix -i python3
#!nix-shell -p python39Packages.six
#!nix-shell -p python311Packages.six
import six
";

pub const CLEAN: &str = "#!/usr/bin/env nix-shell
#!nix-shell -i python3 -p python3
print('ok')
";

fn fetch() -> FileResult {
    let t = FETCH;
    let requests = find(t, "ps.requests", 0);
    let mut unused = diag(
        "ND002",
        "unused-dependency",
        Severity::Warning,
        "python3Packages.pip is declared but no import uses it",
        find(t, "ps.pip", 0),
    );
    unused.attribute = Some("pip".into());
    unused.fix = fix(
        "remove python3Packages.pip",
        Applicability::Unsafe,
        vec![Edit::delete(find(t, " ps.pip", 0))],
    );
    let mut missing = diag(
        "ND001",
        "missing-dependency",
        Severity::Error,
        "\"yaml\" is imported on line 4 but no declared package provides it; add python3Packages.pyyaml",
        find(t, "yaml", 0),
    );
    missing.module = Some("yaml".into());
    missing.attribute = Some("pyyaml".into());
    missing.fix = fix(
        "add python3Packages.pyyaml",
        Applicability::Safe,
        vec![Edit::insert(requests.end, " ps.pyyaml")],
    );
    FileResult {
        path: "scripts/fetch.py".into(),
        text: t.into(),
        diagnostics: vec![unused, missing],
        fixed: 0,
    }
}

fn unicode() -> FileResult {
    let t = UNICODE;
    let line2_end = find(t, "python3\r\n", 0).start + "python3".len();
    let mut interp = diag(
        "ND010",
        "interpreter-not-declared",
        Severity::Error,
        "\"-i python3\" but nothing in the header provides a Python; add python3",
        Span::empty(line2_end),
    );
    interp.attribute = Some("python3".into());
    interp.fix = fix(
        "add python3",
        Applicability::Safe,
        vec![Edit::insert(
            find(t, "python3Packages.numpy", 0).start,
            "python3 ",
        )],
    );
    let old = find(t, "python3Packages.requests_oauthlib", 0);
    let mut renamed = diag(
        "ND004",
        "renamed-package",
        Severity::Warning,
        "python3Packages.requests_oauthlib is an alias of python3Packages.requests-oauthlib",
        old,
    );
    renamed.attribute = Some("requests_oauthlib".into());
    renamed.fix = fix(
        "rename to python3Packages.requests-oauthlib",
        Applicability::Safe,
        vec![Edit::replace(old, "python3Packages.requests-oauthlib")],
    );
    let mut unresolved = diag(
        "ND003",
        "unresolved-import",
        Severity::Warning,
        "\"données\" is imported but no nixpkgs package is known to provide it",
        find(t, "données", 0),
    );
    unresolved.module = Some("données".into());
    FileResult {
        path: "tools/ünïcode tool.py".into(),
        text: t.into(),
        diagnostics: vec![interp, renamed, unresolved],
        fixed: 0,
    }
}

fn shell() -> FileResult {
    let t = SHELL;
    let nixfile = diag(
        "ND100",
        "unsupported-header",
        Severity::Info,
        "the header names shell.nix; nixdeps cannot tell what it provides",
        find(t, "shell.nix", 0),
    );
    let mixed = diag(
        "ND009",
        "mixed-python-versions",
        Severity::Error,
        "python39Packages.six and python311Packages.six come from two Python package sets",
        find(t, "python39Packages.six", 0).cover(find(t, "python311Packages.six", 0)),
    );
    FileResult {
        path: "z/shell.py".into(),
        text: t.into(),
        diagnostics: vec![nixfile, mixed],
        fixed: 0,
    }
}

fn clean() -> FileResult {
    FileResult {
        path: "clean.py".into(),
        text: CLEAN.into(),
        diagnostics: vec![],
        fixed: 0,
    }
}

/// Sorted by path, as the pipeline hands them over.
pub fn results() -> Vec<FileResult> {
    vec![clean(), fetch(), unicode(), shell()]
}

pub fn summary() -> Summary {
    Summary {
        files_checked: 4,
        files_fixed: 0,
        fixes_applied: 0,
        packages: None,
    }
}
