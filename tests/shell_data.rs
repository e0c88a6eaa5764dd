//! The shell command tables (data/shell/) and the hand-judged shell corpus
//! (fixtures/wild-shell/): format, provenance, the facts fixes rely on, and
//! that the generator reproduces what is committed.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

const COMMANDS: &str = include_str!("../data/shell/commands.tsv");
const STDENV: &str = include_str!("../data/shell/stdenv.tsv");
const CURATED: &str = include_str!("../data/shell/extra/curated.tsv");
const SOURCES: &str = include_str!("../data/SOURCES.md");
const EXPECTED: &str = include_str!("../fixtures/wild-shell/expected.tsv");

/// Data rows (after the leading `#` lines) split into their three fields.
fn rows(text: &'static str) -> Vec<[&'static str; 3]> {
    let mut lines = text.lines().skip_while(|l| l.starts_with('#'));
    let mut out = Vec::new();
    for line in lines.by_ref() {
        assert!(
            !line.starts_with('#'),
            "comment after the first row: {line}"
        );
        let f: Vec<&str> = line.split('\t').collect();
        assert_eq!(f.len(), 3, "not three fields: {line:?}");
        assert!(
            f.iter().all(|x| !x.is_empty() && x.trim() == *x),
            "{line:?}"
        );
        out.push([f[0], f[1], f[2]]);
    }
    out
}

/// command -> its rows' (attribute, source), in file order.
fn providers() -> BTreeMap<&'static str, Vec<(&'static str, &'static str)>> {
    let mut out: BTreeMap<_, Vec<_>> = BTreeMap::new();
    for [c, a, s] in rows(COMMANDS) {
        out.entry(c).or_default().push((a, s));
    }
    out
}

#[test]
fn tables_are_sorted_by_command_without_duplicates() {
    for (name, text) in [("commands", COMMANDS), ("stdenv", STDENV)] {
        let rows = rows(text);
        assert!(rows.len() > 150, "{name}: {} rows", rows.len());
        for w in rows.windows(2) {
            // Byte order: the loader bisects on the first field.
            assert!(w[0][0] <= w[1][0], "{name}: {} before {}", w[0][0], w[1][0]);
        }
        let pairs: BTreeSet<_> = rows.iter().map(|r| (r[0], r[1])).collect();
        assert_eq!(
            pairs.len(),
            rows.len(),
            "{name}: a (command, attribute) pair twice"
        );
    }
    let stdenv = rows(STDENV);
    let once: BTreeSet<_> = stdenv.iter().map(|r| r[0]).collect();
    assert_eq!(
        once.len(),
        stdenv.len(),
        "a stdenv command under two packages"
    );
    let both: Vec<_> = providers()
        .into_keys()
        .filter(|c| once.contains(c))
        .collect();
    assert!(both.is_empty(), "stdenv commands in commands.tsv: {both:?}");
}

#[test]
fn every_row_names_a_known_source_and_a_plausible_attribute() {
    for [c, a, s] in rows(COMMANDS) {
        assert!(
            ["curated", "nixpkgs", "project", "debian"].contains(&s),
            "{c}: source {s}"
        );
        let ok = a.split('.').all(|part| {
            part.starts_with(|ch: char| ch.is_ascii_alphabetic() || ch == '_')
                && part
                    .chars()
                    .all(|ch| ch.is_ascii_alphanumeric() || "_-'".contains(ch))
        });
        assert!(ok, "{c}: attribute {a:?}");
        assert!(!c.contains('/') && !c.contains(' '), "command {c:?}");
    }
    for [c, _, s] in rows(STDENV) {
        assert!(
            ["initialPath", "stdenv.cc", "extraNativeBuildInputs"].contains(&s),
            "{c}: origin {s}"
        );
    }
}

#[test]
fn stdenv_is_the_initial_path_plus_cc_and_patchelf() {
    let stdenv: BTreeMap<_, _> = rows(STDENV)
        .into_iter()
        .map(|r| (r[0], (r[1], r[2])))
        .collect();
    for (command, package) in [
        ("sed", "gnused"),
        ("grep", "gnugrep"),
        ("awk", "gawk"),
        ("tar", "gnutar"),
        ("make", "gnumake"),
        ("find", "findutils"),
        ("xargs", "findutils"),
        ("diff", "diffutils"),
        ("cut", "coreutils"),
        ("mktemp", "coreutils"),
        ("kill", "coreutils"),
        ("gzip", "gzip"),
        ("bzip2", "bzip2"),
        ("xz", "xz"),
        ("unxz", "xz"),
        ("patch", "patch"),
        ("sh", "bash"),
        ("file", "file"),
    ] {
        assert_eq!(stdenv.get(command).map(|p| p.0), Some(package), "{command}");
        assert_eq!(stdenv[command].1, "initialPath", "{command}");
    }
    assert_eq!(
        stdenv.get("patchelf"),
        Some(&("patchelf", "extraNativeBuildInputs"))
    );
    assert_eq!(stdenv.get("cc"), Some(&("gcc", "stdenv.cc")));
    assert_eq!(stdenv.get("strings"), Some(&("binutils", "stdenv.cc")));
    // Not stdenv: what `-p` must bring, and Debian-only names.
    for command in [
        "jq", "curl", "git", "rev", "hostname", "arch", "rgrep", "rbash", "tarcat",
    ] {
        assert!(
            !stdenv.contains_key(command),
            "{command} is not on a nix-shell's PATH"
        );
    }
}

#[test]
fn fixes_add_the_attribute_nix_shell_scripts_use() {
    let p = providers();
    let first = |c: &str| p.get(c).map(|v| v[0].0);
    for (command, attribute) in [
        ("jq", "jq"),
        ("curl", "curl"),
        ("nix-prefetch-git", "nix-prefetch-git"),
        ("update-source-version", "common-updater-scripts"),
        ("list-git-tags", "common-updater-scripts"),
        ("dig", "dnsutils"),
        ("nslookup", "dnsutils"),
        ("host", "bind.host"),
        ("composer", "php.packages.composer"),
        ("prefetch-npm-deps", "prefetch-npm-deps"),
        ("http", "httpie"),
        ("rg", "ripgrep"),
        ("sponge", "moreutils"),
        ("ssh", "openssh"),
        ("bsdtar", "libarchive"),
        ("tq", "tomlq"),
        ("rev", "util-linux"),
        ("free", "procps"),
        // A pinned major follows the plain attribute.
        ("node", "nodejs"),
        ("ffprobe", "ffmpeg"),
        // Console scripts of Python distributions.
        ("black", "black"),
        ("httpx", "python3Packages.httpx"),
    ] {
        assert_eq!(
            first(command),
            Some(attribute),
            "{command}: {:?}",
            p.get(command)
        );
    }
    let dig: Vec<_> = p["dig"].iter().map(|x| x.0).collect();
    assert!(dig.contains(&"bind.dnsutils"), "{dig:?}");
    let node: Vec<_> = p["node"].iter().map(|x| x.0).collect();
    assert!(node.contains(&"nodejs_22"), "{node:?}");
    assert!(
        !p.contains_key("darwin-rebuild"),
        "nix-darwin is not a nixpkgs attribute"
    );
}

#[test]
fn curated_rows_cite_public_evidence_and_counts_are_stated() {
    let mut curated = 0;
    for line in CURATED.lines().filter(|l| !l.starts_with('#')).skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        assert_eq!(f.len(), 3, "{line:?}");
        let refs: Vec<&str> = f[2].split(' ').collect();
        assert!(!refs.is_empty(), "{line}");
        for r in refs {
            let ok = r
                .strip_prefix("index:")
                .is_some_and(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
                || r.strip_prefix("nixpkgs:pkgs/").is_some();
            assert!(ok, "{line}: evidence {r:?}");
        }
        curated += 1;
    }
    let rows = rows(COMMANDS);
    let count = |s: &str| rows.iter().filter(|r| r[2] == s).count();
    assert_eq!(count("curated"), curated);
    let line = format!(
        "# rows: curated {}, nixpkgs {}, project {}, debian {}; commands {}",
        count("curated"),
        count("nixpkgs"),
        count("project"),
        count("debian"),
        providers().len()
    );
    assert!(
        COMMANDS.contains(&line),
        "commands.tsv does not say {line:?}"
    );
    let table = format!(
        "| `shell/commands.tsv` | {} ({} commands)",
        rows.len(),
        providers().len()
    );
    assert!(
        SOURCES.contains(&table),
        "SOURCES.md does not say {table:?}"
    );
    assert!(SOURCES.contains("pkgs/stdenv/generic/common-path.nix"));
}

#[test]
fn the_generator_reproduces_the_committed_tables() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new("python3")
        .arg(root.join("scripts/gen-shell-data.py"))
        .arg("--check")
        .output()
        .expect("python3 runs (scripts/test.sh installs it)");
    assert!(
        out.status.success(),
        "gen-shell-data.py --check: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn wild_shell_corpus_is_judged_and_well_formed() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/wild-shell");
    let scripts: BTreeSet<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".sh"))
        .collect();
    assert!(scripts.len() >= 50, "{} scripts", scripts.len());
    for name in &scripts {
        let text = std::fs::read_to_string(dir.join(name)).unwrap();
        let head: Vec<&str> = text.lines().take(5).collect();
        assert!(head[0].contains("nix-shell"), "{name}: shebang");
        assert!(
            head.iter().any(|l| l.starts_with("# modelled on ")),
            "{name}: no provenance line"
        );
        let ok = Command::new("bash").arg("-n").arg(dir.join(name)).status();
        assert!(ok.expect("bash runs").success(), "{name}: bash -n fails");
    }
    let mut seen = BTreeSet::new();
    let mut last = None;
    for line in EXPECTED.lines().filter(|l| !l.starts_with('#')) {
        let f: Vec<&str> = line.split('\t').collect();
        assert_eq!(f.len(), 3, "{line:?}");
        assert!(scripts.contains(f[0]), "{line}: no such script");
        assert!(
            ["missing-command", "unused-package"].contains(&f[1]),
            "{line}"
        );
        let header = std::fs::read_to_string(dir.join(f[0])).unwrap();
        if f[1] == "unused-package" {
            // The judged word is one the header really declares.
            let declared = header
                .lines()
                .take_while(|l| l.starts_with("#!"))
                .any(|l| l.split_whitespace().any(|w| w == f[2]));
            assert!(declared, "{line}: not a header word");
        } else {
            assert!(header.contains(f[2]), "{line}: the script never names it");
        }
        assert!(
            last < Some((f[0], f[1], f[2])),
            "{line}: not sorted or twice"
        );
        last = Some((f[0], f[1], f[2]));
        seen.insert(f[0]);
    }
    assert!(
        seen.len() >= 25,
        "only {} scripts have findings",
        seen.len()
    );
}
