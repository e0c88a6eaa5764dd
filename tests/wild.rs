//! Accuracy on the "wild" corpus: realistic nix-shell scripts in `fixtures/wild/`, with a
//! hand-judged ground truth in `fixtures/wild/expected.toml` (see its header for the fields).
//!
//! For each judgeable script, `check_text` with `FixMode::Apply` must leave a header that
//! (a) declares every attribute the script needs, (b) no longer declares the unused ones
//! (unless the script has imports nixpkgs cannot provide: removal is then unsafe), keeps every
//! other declaration, (c) changes no byte outside the header lines and (d) is a fixed point.
//! Detection is also scored against the truth (missing = ND001/ND007/ND008, unused = ND002,
//! renamed = ND004). Scripts the tool should refuse to judge get no fix and an ND100.
//! The per-script mismatches and the totals go to stderr (`cargo test --test wild -- --nocapture`).

use nixdeps::check::{check_text, Checked, FixMode, Settings};
use nixdeps::diagnostic::Diagnostic;
use nixdeps::{header, read};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Truth {
    declared: Vec<String>,
    needs: Vec<String>,
    unused: Vec<String>,
    #[serde(default)]
    renamed: BTreeMap<String, String>,
    #[serde(default)]
    unresolved: Vec<String>,
    judgeable: bool,
    notes: String,
}

impl Truth {
    /// A declared attribute under its current name.
    fn current<'a>(&'a self, attr: &'a str) -> &'a str {
        self.renamed.get(attr).map_or(attr, String::as_str)
    }

    /// What the header lacks: needed, and not declared under any name.
    fn missing(&self) -> BTreeSet<String> {
        let have: BTreeSet<&str> = self.declared.iter().map(|d| self.current(d)).collect();
        self.needs
            .iter()
            .filter(|n| !have.contains(n.as_str()))
            .cloned()
            .collect()
    }
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/wild")
}

fn ground_truth() -> BTreeMap<String, Truth> {
    let path = corpus_dir().join("expected.toml");
    let text = std::fs::read_to_string(&path).expect("read expected.toml");
    toml::from_str(&text).expect("parse expected.toml")
}

/// The scripts of the corpus: files under fixtures/wild whose first line runs nix-shell.
fn corpus_scripts() -> BTreeSet<String> {
    fn walk(dir: &Path, root: &Path, out: &mut BTreeSet<String>) {
        for entry in std::fs::read_dir(dir).expect("read corpus dir") {
            let path = entry.expect("dir entry").path();
            if path.is_dir() {
                walk(&path, root, out);
                continue;
            }
            let bytes = std::fs::read(&path).expect("read corpus file");
            let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
            let first = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
            if first.starts_with(b"#!") && first.windows(9).any(|w| w == b"nix-shell") {
                let rel = path.strip_prefix(root).expect("under root");
                out.insert(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let root = corpus_dir();
    let mut out = BTreeSet::new();
    walk(&root, &root, &mut out);
    out
}

/// Lines nix-shell reads as header lines: after the first, starting in column 0 with `#!`,
/// optional blanks, `nix-shell`, a blank. Computed here, independently of the product.
fn is_header_line(line: &str) -> bool {
    line.strip_prefix("#!")
        .map(|r| r.trim_start_matches([' ', '\t']))
        .and_then(|r| r.strip_prefix("nix-shell"))
        .is_some_and(|r| r.starts_with([' ', '\t']))
}

/// Every line (with its line ending) that is not a header line, in order.
fn outside_header(text: &str) -> Vec<&str> {
    text.split_inclusive('\n')
        .enumerate()
        .filter(|(i, l)| *i == 0 || !is_header_line(l))
        .map(|(_, l)| l)
        .collect()
}

fn header_lines(text: &str) -> Vec<&str> {
    text.split_inclusive('\n')
        .skip(1)
        .filter(|l| is_header_line(l))
        .collect()
}

fn declared(text: &str) -> Option<Vec<String>> {
    let h = header::parse(text)?;
    let mut v: Vec<String> = h.declarations.into_iter().map(|d| d.attr).collect();
    v.sort();
    Some(v)
}

fn attrs_of(diags: &[Diagnostic], codes: &[&str]) -> BTreeSet<String> {
    diags
        .iter()
        .filter(|d| codes.contains(&d.code))
        .filter_map(|d| d.attribute.clone())
        .collect()
}

fn codes(diags: &[Diagnostic]) -> String {
    let c: BTreeSet<&str> = diags.iter().map(|d| d.code).collect();
    c.into_iter().collect::<Vec<_>>().join(",")
}

/// Detection scores: true positives, false positives, false negatives.
#[derive(Default)]
struct Score {
    tp: usize,
    fp: usize,
    fn_: usize,
}

impl Score {
    fn add(
        &mut self,
        want: &BTreeSet<String>,
        got: &BTreeSet<String>,
        problems: &mut Vec<String>,
        what: &str,
    ) {
        self.tp += want.intersection(got).count();
        let fp: Vec<&String> = got.difference(want).collect();
        let fn_: Vec<&String> = want.difference(got).collect();
        self.fp += fp.len();
        self.fn_ += fn_.len();
        if !fp.is_empty() {
            problems.push(format!("{what}: reported but wrong {fp:?}"));
        }
        if !fn_.is_empty() {
            problems.push(format!("{what}: not reported {fn_:?}"));
        }
    }

    fn line(&self, what: &str) -> String {
        let ratio = |a: usize, b: usize| {
            if a + b == 0 {
                "n/a".to_owned()
            } else {
                format!("{:.2}", a as f64 / (a + b) as f64)
            }
        };
        format!(
            "{what:8} tp={:3} fp={:3} fn={:3}  precision={} recall={}",
            self.tp,
            self.fp,
            self.fn_,
            ratio(self.tp, self.fp),
            ratio(self.tp, self.fn_)
        )
    }
}

#[derive(Default)]
struct Totals {
    missing: Score,
    unused: Score,
    renamed: Score,
    unresolved: Score,
}

fn run(text: &str, path: &Path, mode: FixMode) -> Result<Checked, String> {
    match check_text(text, Some(path), &Settings::default(), mode) {
        Ok(Some(c)) => Ok(c),
        Ok(None) => Err("not recognised as a nix-shell script".into()),
        Err(e) => Err(format!("check_text failed: {e}")),
    }
}

/// Judge one script; returns its problems (empty = it matches the ground truth).
fn judge(name: &str, truth: &Truth, totals: &mut Totals) -> Vec<String> {
    let path = corpus_dir().join(name);
    let bytes = std::fs::read(&path).expect("read script");
    let source = match read::decode(&bytes) {
        Ok(s) => s,
        Err(e) => return vec![format!("decode failed: {e}")],
    };
    let text = source.text.as_str();
    let mut problems = Vec::new();

    let report = match run(text, &path, FixMode::Off) {
        Ok(c) => c,
        Err(e) => return vec![e],
    };
    let applied = match run(text, &path, FixMode::Apply) {
        Ok(c) => c,
        Err(e) => return vec![e],
    };

    if !truth.judgeable {
        if applied.text != text {
            problems.push("a fix was applied to a header beyond analysis".into());
        }
        if !report.diagnostics.iter().any(|d| d.code == "ND100") {
            problems.push(format!("no ND100 (got [{}])", codes(&report.diagnostics)));
        }
        return problems;
    }

    // The header as the product reads it, before any fix.
    let mut want_declared = truth.declared.clone();
    want_declared.sort();
    match declared(text) {
        Some(got) if got == want_declared => {}
        Some(got) => problems.push(format!(
            "header read as {got:?}, Nix sees {want_declared:?}"
        )),
        None => problems.push("header::parse returned None".into()),
    }

    // Detection, scored against the truth.
    totals.missing.add(
        &truth.missing(),
        &attrs_of(&report.diagnostics, &["ND001", "ND007", "ND008"]),
        &mut problems,
        "missing",
    );
    totals.unused.add(
        &truth.unused.iter().cloned().collect(),
        &attrs_of(&report.diagnostics, &["ND002"]),
        &mut problems,
        "unused",
    );
    totals.renamed.add(
        &truth.renamed.keys().cloned().collect(),
        &attrs_of(&report.diagnostics, &["ND004"]),
        &mut problems,
        "renamed",
    );
    totals.unresolved.add(
        &truth.unresolved.iter().cloned().collect(),
        &report
            .diagnostics
            .iter()
            .filter(|d| d.code == "ND003")
            .filter_map(|d| d.module.as_deref())
            .map(|m| m.split('.').next().unwrap_or(m).to_owned())
            .collect(),
        &mut problems,
        "unresolved",
    );

    // The fixed header.
    let fixed = applied.text.as_str();
    let after: BTreeSet<String> = match declared(fixed) {
        Some(d) => d.into_iter().collect(),
        None => {
            problems.push("the fixed text has no header".into());
            return problems;
        }
    };
    let lacking: Vec<&String> = truth.needs.iter().filter(|n| !after.contains(*n)).collect();
    if !lacking.is_empty() {
        problems.push(format!(
            "(a) after the fix, still not declared: {lacking:?}"
        ));
    }
    if truth.unresolved.is_empty() {
        let left: Vec<&String> = truth.unused.iter().filter(|u| after.contains(*u)).collect();
        if !left.is_empty() {
            problems.push(format!(
                "(b) after the fix, unused still declared: {left:?}"
            ));
        }
    }
    let dropped: Vec<&str> = truth
        .declared
        .iter()
        .filter(|d| !truth.unused.contains(d))
        .map(|d| truth.current(d))
        .filter(|d| !after.contains(*d))
        .collect();
    if !dropped.is_empty() {
        problems.push(format!(
            "(b) the fix dropped needed declarations: {dropped:?}"
        ));
    }
    if outside_header(text) != outside_header(fixed) {
        problems.push("(c) the fix changed bytes outside the header lines".into());
    }
    if let Err(e) = read::encode(&source, fixed) {
        problems.push(format!("the fixed text cannot be written back: {e}"));
    }
    if !problems.is_empty() && fixed != text {
        let before = header_lines(text);
        for (old, new) in before.iter().zip(header_lines(fixed)) {
            if *old != new {
                problems.push(format!("fix: {} => {}", old.trim_end(), new.trim_end()));
            }
        }
    }
    match run(fixed, &path, FixMode::Apply) {
        Ok(again) if again.text == fixed && again.fixed == 0 => {}
        Ok(_) => problems.push("(d) a second fix changed the text again".into()),
        Err(e) => problems.push(format!("(d) second check: {e}")),
    }
    problems
}

#[test]
fn ground_truth_is_consistent() {
    let truth = ground_truth();
    let files = corpus_scripts();
    let keys: BTreeSet<String> = truth.keys().cloned().collect();
    assert_eq!(
        keys, files,
        "expected.toml and the scripts of fixtures/wild must match one to one"
    );
    assert!(truth.len() >= 40, "the corpus shrank to {}", truth.len());
    for (name, t) in &truth {
        let declared: BTreeSet<&String> = t.declared.iter().collect();
        for u in &t.unused {
            assert!(declared.contains(u), "{name}: unused {u} is not declared");
            assert!(
                !t.needs.contains(u),
                "{name}: {u} is both needed and unused"
            );
        }
        for old in t.renamed.keys() {
            assert!(
                declared.contains(old),
                "{name}: renamed {old} is not declared"
            );
        }
        assert!(!t.notes.is_empty(), "{name}: no notes");
        if !t.judgeable {
            assert!(
                t.unused.is_empty(),
                "{name}: a script beyond analysis has no unused verdict"
            );
        }
    }
    // The corpus exercises what it claims to.
    let judgeable = truth.values().filter(|t| t.judgeable);
    let (mut missing, mut unused, mut right) = (0, 0, 0);
    for t in judgeable {
        missing += t.missing().len();
        unused += t.unused.len();
        right += usize::from(t.missing().is_empty() && t.unused.is_empty() && t.renamed.is_empty());
    }
    assert!(
        missing >= 10 && unused >= 5 && right >= 10,
        "{missing} {unused} {right}"
    );
}

#[test]
fn wild_corpus_accuracy() {
    let truth = ground_truth();
    let mut totals = Totals::default();
    let mut failed = Vec::new();
    eprintln!("\nwild corpus: {} scripts", truth.len());
    eprintln!("{:-<78}", "");
    for (name, t) in &truth {
        let problems = judge(name, t, &mut totals);
        let tag = if t.judgeable { "" } else { " (not judgeable)" };
        if problems.is_empty() {
            eprintln!("ok        {name}{tag}");
        } else {
            eprintln!("MISMATCH  {name}{tag}");
            for p in &problems {
                eprintln!("            {p}");
            }
            failed.push(name.clone());
        }
    }
    eprintln!("{:-<78}", "");
    eprintln!("{}", totals.missing.line("missing"));
    eprintln!("{}", totals.unused.line("unused"));
    eprintln!("{}", totals.renamed.line("renamed"));
    eprintln!("{}", totals.unresolved.line("unresolv"));
    eprintln!(
        "{} of {} scripts match the ground truth",
        truth.len() - failed.len(),
        truth.len()
    );
    assert!(failed.is_empty(), "mismatching scripts: {failed:?}");
}

/// Real Nix reads the fixed headers as nixdeps believes: every judgeable script is fixed,
/// written (in its own encoding) to a scratch copy of the corpus whose expected.toml says
/// `declared` = what `header::parse` finds in the fixed text, and `validate.sh` parses and
/// evaluates each header with nix-instantiate against the corpus' stub nixpkgs.
/// Without this, check (a) would read the rewritten header only through the product's parser.
#[test]
fn fixed_headers_read_the_same_in_real_nix() {
    let found = std::process::Command::new("nix-instantiate")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "nix-instantiate is required under CI"
        );
        eprintln!("SKIPPED: nix-instantiate not found (apt-get install nix-bin)");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let mut toml_text = String::new();
    for (name, truth) in ground_truth() {
        if !truth.judgeable {
            continue;
        }
        let path = corpus_dir().join(&name);
        let bytes = std::fs::read(&path).expect("read script");
        let Ok(source) = read::decode(&bytes) else {
            continue; // reported by wild_corpus_accuracy
        };
        let Ok(checked) = run(&source.text, &path, FixMode::Apply) else {
            continue;
        };
        let Some(attrs) = declared(&checked.text) else {
            continue;
        };
        let Ok(out) = read::encode(&source, &checked.text) else {
            continue;
        };
        let dest = dir.path().join(&name);
        std::fs::create_dir_all(dest.parent().expect("parent")).expect("mkdir");
        std::fs::write(&dest, out).expect("write fixed copy");
        let list: Vec<String> = attrs.iter().map(|a| format!("{a:?}")).collect();
        toml_text.push_str(&format!(
            "[{name:?}]\ndeclared = [{}]\nneeds = []\nunused = []\njudgeable = true\nnotes = \"fixed\"\n\n",
            list.join(", ")
        ));
    }
    std::fs::write(dir.path().join("expected.toml"), toml_text).expect("write expected.toml");
    let out = std::process::Command::new("sh")
        .arg(corpus_dir().join("validate.sh"))
        .arg(dir.path())
        .output()
        .expect("run validate.sh");
    let stdout = String::from_utf8_lossy(&out.stdout);
    for line in stdout.lines().filter(|l| l.contains("FAIL")) {
        eprintln!("{line}");
    }
    eprintln!("{}", stdout.lines().last().unwrap_or_default());
    assert!(
        out.status.success(),
        "real Nix reads some fixed headers differently:\n{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
