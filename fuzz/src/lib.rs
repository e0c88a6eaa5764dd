//! The bodies of the fuzz targets, shared with `tests/fuzz_regressions.rs`
//! (which includes this file by path) so that every committed seed and crash
//! input is checked by the same code in `cargo test`.
//!
//! Each function panics on a broken invariant; a returned error from the
//! library (a decode error, a plan error) is fine.

use arbitrary::{Result, Unstructured};
use nixdeps::header::edit::{plan, EditRequest};
use std::collections::BTreeSet;

/// `header_words`: any bytes, read lossily, through the shebang sniffer, the
/// word splitter, the options parser and the Nix analysis.
pub fn header_words(data: &[u8]) {
    let _ = nixdeps::discover::is_nix_shell_shebang(data);
    let _ = nixdeps::discover::shebang_kind(data);
    let text = String::from_utf8_lossy(data);
    if let Some(h) = nixdeps::header::parse(&text) {
        // Every span the model hands out must index the text it came from.
        for w in &h.words {
            assert!(w.span.start <= w.span.end && w.span.end <= text.len());
            assert_eq!(w.text.len(), w.offsets.len());
            assert_eq!(w.text.len(), w.starts.len());
            assert_eq!(w.text.len(), w.quotes.len());
        }
        for d in &h.declarations {
            assert!(text.get(d.span.start..d.span.end).is_some(), "{d:?}");
            assert!(text.get(d.element.start..d.element.end).is_some(), "{d:?}");
        }
        for l in &h.lines {
            assert!(text.get(l.span.start..l.span.end).is_some(), "{l:?}");
        }
    }
}

/// `imports`: any bytes, decoded as Python would, through the import
/// extractor; half the inputs get a nix-shell shebang and go through the
/// whole check with fixes applied.
pub fn imports(data: &[u8]) {
    let Some((&flag, rest)) = data.split_first() else {
        return;
    };
    let owned;
    let bytes = if flag & 1 == 1 {
        owned = [SHEBANG.as_bytes(), rest].concat();
        &owned[..]
    } else {
        rest
    };
    let Ok(source) = nixdeps::read::decode(bytes) else {
        return;
    };
    let text = source.text;
    let extracted = nixdeps::imports::extract(&text);
    for i in &extracted.imports {
        assert!(text.get(i.span.start..i.span.end).is_some(), "{i:?}");
    }
    if nixdeps::discover::is_nix_shell_shebang(text.as_bytes()) {
        let settings = nixdeps::check::Settings::default();
        let mode = nixdeps::check::FixMode::Apply;
        // A refused fix (CheckError) is fine; a panic is not.
        if let Ok(Some(checked)) = nixdeps::check::check_text(&text, None, &settings, mode) {
            if checked.text != text {
                // A fixed file must still be a nix-shell script.
                assert!(nixdeps::header::parse(&checked.text).is_some());
            }
        }
    }
}

const SHEBANG: &str = "#!/usr/bin/env nix-shell\n#!nix-shell -i python3 -p \"python3.withPackages (ps: [ ps.requests ])\"\n";

/// A header form: `@` is where the initial declarations go, each written
/// with `elem` (`{}` is the name) and joined with `sep`.
struct Style {
    template: &'static str,
    elem: &'static str,
    sep: &'static str,
}

const fn style(template: &'static str, elem: &'static str, sep: &'static str) -> Style {
    Style {
        template,
        elem,
        sep,
    }
}

/// The forms of `fixtures/header/`, with the declarations made variable
/// (no BOM form: `header::parse` takes text with the BOM stripped).
const STYLES: &[Style] = &[
    style(
        "#!/usr/bin/env nix-shell\n#!nix-shell -i python3 -p \"python3.withPackages (ps: [ @ ])\"\n",
        "ps.{}",
        " ",
    ),
    style(
        "#!/usr/bin/env nix-shell\r\n#!nix-shell -i python3 -p \"python3.withPackages (ps: [ @ ])\"\r\n",
        "ps.{}",
        " ",
    ),
    style(
        "#!/usr/bin/env nix-shell\n#!nix-shell -i python3 -p python3Packages.@\n",
        "{}",
        " python3Packages.",
    ),
    style(
        "#!/usr/bin/env nix-shell\n#!nix-shell -i python3 -p @\n",
        "python3Packages.{}",
        " ",
    ),
    style(
        "#!/usr/bin/env nix-shell\n#! nix-shell -i python3 -p 'python312.withPackages(ps: with ps; [ @ ])'\n",
        "{}",
        " ",
    ),
    style(
        "#!/usr/bin/env nix\n#! nix shell --impure --expr ``\n#! nix   with import (builtins.getFlake \"nixpkgs\") { };\n#! nix   python3.withPackages (ps: with ps; [ @ ])\n#! nix ``\n#! nix --command python3\n",
        "{}",
        "\n#! nix     ",
    ),
    style(
        "#!/usr/bin/env nix\n#! nix shell @ --command python3\n",
        "nixpkgs#python3Packages.{}",
        " ",
    ),
    style(
        "#!/usr/bin/env nix-shell\n#! nix-shell -i python -p \"python3.withPackages (ps: with ps; [ ps.click @ ])\" nix\n",
        "{}",
        " ",
    ),
    style(
        "#!/usr/bin/env nix-shell\n#! nix-shell -i \"python3 -I\" -p \"python3.withPackages(p: with p; [ @ ])\"\n",
        "p.{}",
        " ",
    ),
    style(
        "#!/usr/bin/env nix-shell\n#!nix-shell -p python3Packages.click -i python3 @\n#!nix-shell -p python3Packages.rich -I nixpkgs=../pkgs\n",
        "python3Packages.{}",
        " ",
    ),
    style(
        "#!/usr/bin/env nix-shell\n#!nix-shell -i python3 -p \"(python3.withPackages (ps: with ps; [ @ ]))\"\n",
        "{}",
        " ",
    ),
    style(
        "#!/usr/bin/env nix-shell\n#! nix-shell -i python3 -p python3 @ nix.out\n",
        "python3.pkgs.{}",
        " ",
    ),
    style(
        "#!/usr/bin/env nix-shell\n#!nix-shell -i python3.11 -p python311 @\n",
        "python311Packages.{}",
        " ",
    ),
    style(
        "#!/usr/bin/env -S nix-shell -i python3 -p python3 @\n",
        "python3Packages.{}",
        " ",
    ),
    style("#!/usr/bin/env nix-shell\n#!nix-shell -i python3\n", "{}", " "),
    style(
        "#!/usr/bin/env nix-shell\n#!nix-shell update-shell.nix -i python3\n",
        "{}",
        " ",
    ),
    style(
        "#!/usr/bin/env nix-shell\n# !nix-shell ./shell.nix -i python3\n#!nix-shell -i python3 -p @\n",
        "python3Packages.{}",
        " ",
    ),
    style(
        "#!/usr/bin/env nix-shell\n#!nix-shell -i python3 -p python3.withPackages\\ (ps:\\ [\\ @\\ ])\n",
        "ps.{}",
        "\\ ",
    ),
    style(
        "#!/usr/bin/env nix-shell\n#!nix-shell -i python3 -p \"python3.withPackages (ps: [ @ ])\" \"python3.withPackages (ps: [ ps.rich ])\"\n",
        "ps.{}",
        " ",
    ),
    style(
        "#!/usr/bin/env nix-shell\n#!nix-shell -i python3 -p \"python3.withPackages (ps: (with ps; [ @ ]) ++ [ ps.attrs ])\"\n",
        "{}",
        " ",
    ),
    style(
        "#!/usr/bin/env nix-shell\n#!nix-shell -i python3 -p \"python3.withPackages (ps: [\n#!nix-shell @ ])\"\n",
        "ps.{}",
        " ",
    ),
    style(
        "#!/usr/bin/env nix-shell\n#!nix-shell -i python3 -p \"python3.withPackages (ps: [ @ ])\"\n#!nix-shell -p \"python3.withPackages (ps: [ ps.toolz ])\"\n",
        "ps.{}",
        " ",
    ),
    style(
        "#!/usr/bin/env nix-shell\n#!nix-shell -i python3 -p \"python3.withPackages (ps: [ @ ])\"\t\n",
        "ps.{}",
        "  ",
    ),
];

/// Mostly names `plan` accepts, a few it must refuse, some shadowing the
/// header's own words.
const NAMES: &[&str] = &[
    "requests", "numpy", "pyyaml", "click", "rich", "attrs", "toolz", "a", "b_c", "x-y", "ps", "p",
    "python3", "with", "or", "nix", "A1", "_", "1bad", "a'b", "a b", "", "a\"b", "a\\b", "é",
    "Requests",
];

/// How many header forms and names a [`RewriteCase`] can pick from.
pub fn alphabet() -> (usize, usize) {
    (STYLES.len(), NAMES.len())
}

/// The structured input of `header_rewrite`.
#[derive(Debug)]
pub struct RewriteCase {
    pub style: usize,
    /// Names of the initial declarations (indices into `NAMES`).
    pub initial: Vec<usize>,
    pub add: Vec<usize>,
    /// Indices into the parsed header's declarations (taken modulo their count).
    pub remove: Vec<usize>,
}

const BODY: &str =
    "\nimport requests  # a comment with #!nix-shell -p inside\n\n\nprint(\"done\")\n";

impl RewriteCase {
    pub fn from_bytes(data: &[u8]) -> Result<Self> {
        let mut u = Unstructured::new(data);
        let style = u.choose_index(STYLES.len())?;
        let list = |u: &mut Unstructured, max: usize| -> Result<Vec<usize>> {
            let n = u.int_in_range(0..=max)?;
            (0..n).map(|_| u.choose_index(NAMES.len())).collect()
        };
        let initial = list(&mut u, 4)?;
        let add = list(&mut u, 4)?;
        let n = u.int_in_range(0..=3)?;
        let remove = (0..n)
            .map(|_| u.int_in_range(0..=7))
            .collect::<Result<Vec<usize>>>()?;
        Ok(RewriteCase {
            style,
            initial,
            add,
            remove,
        })
    }

    pub fn script(&self) -> String {
        let s = &STYLES[self.style];
        let items: Vec<String> = self
            .initial
            .iter()
            .map(|&i| s.elem.replace("{}", NAMES[i]))
            .collect();
        format!("{}{BODY}", s.template.replace('@', &items.join(s.sep)))
    }
}

/// `header_rewrite`: plan an edit on a generated header; when the plan is
/// accepted, the result must re-parse, declare exactly the requested set,
/// and keep every byte after the header.
pub fn header_rewrite(data: &[u8]) {
    let Ok(case) = RewriteCase::from_bytes(data) else {
        return;
    };
    let _ = check_rewrite(&case);
}

/// Returns true when the plan was accepted (and checked).
pub fn check_rewrite(case: &RewriteCase) -> bool {
    let text = case.script();
    let header = nixdeps::header::parse(&text).expect("every style has a nix shebang");
    let n = header.declarations.len();
    let remove: BTreeSet<usize> = if n == 0 {
        BTreeSet::new()
    } else {
        case.remove.iter().map(|r| r % n).collect()
    };
    let req = EditRequest {
        add: case.add.iter().map(|&i| NAMES[i].to_string()).collect(),
        remove: remove.iter().copied().collect(),
        rename: Vec::new(),
    };
    let Ok(edits) = plan(&text, &header, &req) else {
        return false;
    };
    let out = nixdeps::diagnostic::apply_edits(&text, &edits)
        .unwrap_or_else(|| panic!("plan returned overlapping edits for {text:?}: {edits:?}"));
    let new = nixdeps::header::parse(&out)
        .unwrap_or_else(|| panic!("rewrite lost the header: {text:?} -> {out:?}"));
    let mut want: BTreeSet<String> = header
        .declarations
        .iter()
        .enumerate()
        .filter(|(i, _)| !remove.contains(i))
        .map(|(_, d)| d.attr.clone())
        .collect();
    want.extend(req.add.iter().cloned());
    let got: BTreeSet<String> = new.declarations.iter().map(|d| d.attr.clone()).collect();
    assert_eq!(
        got, want,
        "declared set after the rewrite\n{text:?}\n-> {out:?}\nrequest {req:?}"
    );
    assert!(
        out.ends_with(BODY),
        "body changed: {text:?} -> {out:?} (request {req:?})"
    );
    let body_start = out.len() - BODY.len();
    for l in &new.lines {
        assert!(
            l.span.end <= body_start,
            "a header line moved into the body: {out:?}"
        );
    }
    true
}

/// `config`: any bytes as a configuration file. The first byte picks the
/// file name, which decides the format (`pyproject.toml` reads only
/// `[tool.nixdeps]`). An error must point inside the file.
pub fn config(data: &[u8]) {
    let Some((&flag, rest)) = data.split_first() else {
        return;
    };
    let name = if flag & 1 == 1 {
        "pyproject.toml"
    } else {
        "nixdeps.toml"
    };
    let text = String::from_utf8_lossy(rest);
    let path = std::path::Path::new("/fuzz").join(name);
    if let Err(e) = nixdeps::config::Config::parse(&path, &text) {
        assert_eq!(e.path, path);
        assert!(!e.message.is_empty());
        if let Some(line) = e.line {
            // 1-based; a file that ends in a newline has one more (empty) line.
            assert!(line >= 1 && line <= text.lines().count() + 1, "{e:?}");
        }
    }
}

/// `pep723`: any bytes after a nix-shell header, through the block reader
/// and the block editor. An accepted edit must apply, and the block read
/// back must declare exactly (old − removed) ∪ added.
pub fn pep723(data: &[u8]) {
    let _ = pep723_edited(data);
}

/// The `pep723` body; true when an edit was planned and checked.
pub fn pep723_edited(data: &[u8]) -> bool {
    let Some((&flag, rest)) = data.split_first() else {
        return false;
    };
    let text = format!("{SHEBANG}{}", String::from_utf8_lossy(rest));
    let meta = nixdeps::pep723::read(&text);
    for m in &meta.malformed {
        assert!(text.get(m.span.start..m.span.end).is_some(), "{m:?}");
    }
    let Some(header) = nixdeps::header::parse(&text) else {
        panic!("the prepended header must parse");
    };
    let lines = nixdeps::span::LineIndex::new(&text);
    let end = nixdeps::rules::block::header_end(&text, &lines, &header);
    let old: Vec<String> = meta.names().iter().map(|s| s.to_string()).collect();
    let add = ["fuzz-added", "requests", "Zope.Interface"][usize::from(flag >> 1) % 3];
    let remove: Vec<usize> = if flag & 1 == 1 && !old.is_empty() {
        vec![usize::from(flag >> 3) % old.len()]
    } else {
        vec![]
    };
    let req = nixdeps::pep723::edit::Request {
        add: vec![add.to_string()],
        remove: remove.clone(),
    };
    let Ok(edits) = nixdeps::pep723::edit::plan(&text, &lines, &meta, end, &req) else {
        return false;
    };
    let fixed = nixdeps::diagnostic::apply_edits(&text, &edits).expect("edits must not overlap");
    let again = nixdeps::pep723::read(&fixed);
    assert!(
        again.malformed.is_empty(),
        "{fixed:?}: {:?}",
        again.malformed
    );
    let mut want: BTreeSet<String> = old
        .iter()
        .enumerate()
        .filter(|(i, _)| !remove.contains(i))
        .map(|(_, n)| normalise(n))
        .collect();
    want.insert(normalise(add));
    let got: BTreeSet<String> = again.names().iter().map(|n| normalise(n)).collect();
    assert_eq!(got, want, "{fixed:?}");
    // The edit stays out of the header.
    assert_eq!(&fixed[..end.min(fixed.len())], &text[..end]);
    true
}

/// PEP 503 normalisation, to compare names as uv does.
fn normalise(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        let c = c.to_ascii_lowercase();
        if matches!(c, '-' | '_' | '.') {
            if !out.ends_with('-') {
                out.push('-');
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// `nixpkgs_index`: the input split at 0xFF bytes into python-packages.nix,
/// python-aliases.nix and one package file (reachable as
/// `../development/python-modules/fuzz`), written into a scratch tree that
/// the index reader then reads. Every count must agree with the facts.
pub fn nixpkgs_index(data: &[u8]) {
    use nixdeps::nixpkgs::index::{build, ALIASES_FILE, MODULES_DIR, PACKAGES_FILE};
    let mut parts = data.splitn(3, |&b| b == 0xFF);
    let packages = parts.next().unwrap_or_default();
    let aliases = parts.next();
    let package = parts.next();
    let root = scratch_tree();
    let write = |rel: &str, bytes: Option<&[u8]>| {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        match bytes {
            Some(b) => std::fs::write(&p, b).unwrap(),
            None => {
                let _ = std::fs::remove_file(&p);
            }
        }
    };
    write(PACKAGES_FILE, Some(packages));
    write(ALIASES_FILE, aliases);
    write(&format!("{MODULES_DIR}/fuzz/default.nix"), package);
    let Ok(index) = build(&root) else {
        // Not valid UTF-8: a read error, reported, not a panic.
        assert!(std::str::from_utf8(packages).is_err());
        return;
    };
    let s = &index.stats;
    assert_eq!(s.attrs, index.attrs.len());
    assert_eq!(
        s.imports,
        index.attrs.values().map(|a| a.imports.len()).sum::<usize>()
    );
    assert_eq!(
        s.deps,
        index.attrs.values().map(|a| a.deps.len()).sum::<usize>()
    );
    assert!(s.problems.len() <= 50);
}

/// One scratch tree per process: libFuzzer runs inputs one after another.
fn scratch_tree() -> std::path::PathBuf {
    static ROOT: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    ROOT.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("nixdeps-fuzz-index-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    })
    .clone()
}
