//! ND002 unused-dependency (doc in [`RULE`]).

use super::{Ctx, Finding, Intent, Rule};
use crate::db::Resolution;
use crate::diagnostic::{Applicability, Severity};
use crate::imports::Class;
use std::collections::HashSet;

pub const RULE: Rule = Rule {
    code: "ND002",
    name: "unused-dependency",
    severity: Severity::Warning,
    summary: "a declared Python package that no import uses",
    fixable: true,
    doc: r#"## What it finds
A Python package declared in the header that no import of the script (or of
the first-party modules it imports) uses. Optional and `TYPE_CHECKING` imports
count as uses; a stub package (`types-requests`) is used when its package is.
Non-Python `-p` words (`ffmpeg`, `git`, `python3` itself) are never reported.

## Why it matters
Every declared package is fetched or built before the script starts: a stale
one slows the first start and enlarges the closure.

## Example
    #!/usr/bin/env nix-shell
    #!nix-shell -i python3 -p "python3.withPackages (ps: [ ps.numpy ps.requests ])"
    import requests              # numpy: ND002

## Fix
Removes the declaration. The fix is unsafe (not applied by `--fix`) when the
script has imports nixdeps cannot resolve (or resolves only by a guess from
the name), since the package may provide them.
Packages another declared package loads by name (`BeautifulSoup(html,
"lxml")`, pandas' Excel and Parquet engines, SQLAlchemy drivers, matplotlib
backends, `pytest-*` plugins with pytest) are not reported. Keep any other
package used outside imports (a tool run by the script) with `keep = ["attr"]`
in the configuration.

After `nixdeps check --fix`:

    #!nix-shell -i python3 -p "python3.withPackages (ps: [ ps.requests ])""#,
};

/// Packages that another package loads by name at run time, never by an
/// import in the script: `BeautifulSoup(html, "lxml")`, `pandas.read_excel`
/// (openpyxl), an SQLAlchemy URL (psycopg2), a matplotlib backend (pyqt5).
/// With the loader declared, such a package is not reported unused: a removal
/// would break the script, and a linter's false alarm costs more than a
/// missed stale package. (package, loaders)
const LOADED_BY_NAME: &[(&str, &[&str])] = &[
    ("lxml", &["beautifulsoup4", "pandas", "feedparser"]),
    ("html5lib", &["beautifulsoup4", "pandas"]),
    ("openpyxl", &["pandas", "tablib"]),
    ("xlrd", &["pandas", "tablib"]),
    ("xlsxwriter", &["pandas"]),
    ("odfpy", &["pandas"]),
    ("pyxlsb", &["pandas"]),
    ("pyarrow", &["pandas", "dask", "polars"]),
    ("fastparquet", &["pandas", "dask"]),
    ("tables", &["pandas"]),
    ("tabulate", &["pandas"]),
    ("psycopg2", &["sqlalchemy", "pandas", "peewee", "dataset"]),
    ("psycopg", &["sqlalchemy"]),
    ("pymysql", &["sqlalchemy", "dataset"]),
    ("mysqlclient", &["sqlalchemy", "django"]),
    ("oracledb", &["sqlalchemy"]),
    ("cx-oracle", &["sqlalchemy"]),
    ("pyqt5", &["matplotlib"]),
    ("pyqt6", &["matplotlib"]),
    ("pyside6", &["matplotlib"]),
    ("pycairo", &["matplotlib"]),
    ("tkinter", &["matplotlib"]),
    ("pysocks", &["requests", "urllib3", "httpx"]),
    ("brotli", &["urllib3", "aiohttp", "httpx"]),
    ("h2", &["httpx"]),
    ("uvloop", &["uvicorn"]),
    ("httptools", &["uvicorn"]),
    ("pillow", &["matplotlib", "reportlab", "qrcode"]),
    ("cryptography", &["pyjwt", "paramiko"]),
];

/// Whether a declared package may load `attr` by name (see
/// [`LOADED_BY_NAME`]); `pytest-*` plugins are loaded by a declared pytest.
pub(super) fn loaded_by_declared(attr: &str, declared: &HashSet<&str>) -> bool {
    let loaders = LOADED_BY_NAME
        .iter()
        .find(|(p, _)| *p == attr)
        .map_or(&[][..], |(_, l)| *l);
    loaders.iter().any(|l| declared.contains(l))
        || (attr.starts_with("pytest-") && declared.contains("pytest"))
}

/// A removal is unsafe while some import is unresolved, or resolved only by a
/// guess from its name: the package may be what really provides it.
pub(super) fn removal_applicability(ctx: &Ctx) -> Applicability {
    let unresolved = ctx.needed.iter().any(|n| {
        n.class == Class::ThirdParty
            && (n.resolution == Resolution::Unresolved || n.resolution.is_guess())
    });
    if unresolved {
        Applicability::Unsafe
    } else {
        Applicability::Safe
    }
}

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    let applicability = removal_applicability(ctx);
    let declared: HashSet<&str> = ctx
        .header
        .declarations
        .iter()
        .map(|d| d.attr.as_str())
        .collect();
    // A duplicate is ND005's business: only the first of each name is judged.
    let mut seen: HashSet<&str> = HashSet::new();
    for (i, d) in ctx.header.declarations.iter().enumerate() {
        let first = seen.insert(d.attr.as_str());
        if ctx.matching.used[i] || ctx.keep.iter().any(|k| k == &d.attr) {
            continue;
        }
        // An unknown or removed name is ND006's.
        if !first || ctx.db.canonical(&d.attr).is_none() {
            continue;
        }
        if loaded_by_declared(&d.attr, &declared) {
            continue;
        }
        out.push(ctx.finding(
            &RULE,
            d.span,
            format!("{} is declared but no import uses it", d.attr),
            None,
            Some(&d.attr),
            Some((
                Intent::Remove(i),
                format!("Remove {}", d.attr),
                applicability,
            )),
        ));
    }
}
