//! Live-index speed (`cargo bench --bench nixpkgs_index`, DESIGN §11.3): a
//! generated nixpkgs-shaped tree of 10,000 Python packages (package files
//! of 1.5–2.5 KB with src, dependency, check and meta blocks; a
//! python-packages.nix and python-aliases.nix of nixpkgs' size) in a temp
//! directory. Measures the cold build (index + cache write), the warm load,
//! and what a warm run adds over the embedded database alone (load +
//! overlay + eight resolutions).
//!
//! `NIXDEPS_BENCH_PACKAGES` changes the package count,
//! `NIXDEPS_BENCH_ROUNDS` the rounds (best of; the machine may be shared).

use nixdeps::db::Database;
use nixdeps::nixpkgs::{cache, index};
use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

/// Deterministic pseudo-random numbers (no dependency, same tree each run).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n.max(1)
    }
}

const WORDS: &[&str] = &[
    "async", "http", "client", "parser", "tools", "utils", "api", "cloud", "data", "json", "yaml",
    "crypto", "test", "mock", "flask", "django", "plot", "geo", "image", "audio",
];

fn name(i: usize) -> String {
    format!(
        "{}-{}{i}",
        WORDS[i % WORDS.len()],
        WORDS[(i / 7) % WORDS.len()]
    )
}

fn package_file(i: usize, rng: &mut Lcg) -> String {
    let n = name(i);
    let deps: Vec<String> = (0..rng.below(8))
        .filter(|_| i > 0)
        .map(|_| name(rng.below(i)))
        .collect();
    let mut args = vec![
        "lib",
        "buildPythonPackage",
        "fetchFromGitHub",
        "pythonOlder",
    ]
    .into_iter()
    .map(String::from)
    .collect::<Vec<_>>();
    args.extend(["setuptools".into(), "pytestCheckHook".into()]);
    args.extend(deps.iter().cloned());
    let mut f = String::from("{\n");
    for a in &args {
        let _ = writeln!(f, "  {a},");
    }
    let _ = write!(
        f,
        "}}:\n\nbuildPythonPackage rec {{\n  pname = \"{n}\";\n  version = \"{}.{}.{}\";\n  pyproject = true;\n\n  disabled = pythonOlder \"3.9\";\n\n  src = fetchFromGitHub {{\n    owner = \"{}\";\n    repo = \"{n}\";\n    tag = \"v${{version}}\";\n    hash = \"sha256-{}=\";\n  }};\n\n  build-system = [ setuptools ];\n\n",
        rng.below(5),
        rng.below(30),
        rng.below(10),
        WORDS[rng.below(WORDS.len())],
        "Q".repeat(43)
    );
    f.push_str("  dependencies = [\n");
    for d in &deps {
        let _ = writeln!(f, "    {d}");
    }
    f.push_str("  ]");
    if rng.below(10) == 0 {
        f.push_str(" ++ lib.optionals (pythonOlder \"3.11\") [ tomli ]");
    }
    f.push_str(";\n\n");
    if rng.below(4) == 0 && !deps.is_empty() {
        let _ = write!(
            f,
            "  optional-dependencies = {{\n    extra = [ {} ];\n  }};\n\n",
            deps[0]
        );
    }
    f.push_str("  nativeCheckInputs = [ pytestCheckHook ];\n\n  disabledTests = [\n");
    let target = 1500 + rng.below(1000) - 420;
    while f.len() < target {
        let _ = writeln!(
            f,
            "    # Requires network access\n    \"test_{}_{}\"",
            WORDS[rng.below(WORDS.len())],
            rng.below(1000)
        );
    }
    let module = n.replace('-', "_");
    let _ = write!(
        f,
        "  ];\n\n  pythonImportsCheck = [ \"{module}\" ];\n\n  meta = {{\n    description = \"Python library for {} {}\";\n    homepage = \"https://github.com/{}/{n}\";\n    changelog = \"https://github.com/{}/{n}/releases/tag/v${{version}}\";\n    license = lib.licenses.mit;\n    maintainers = with lib.maintainers; [ fab ];\n  }};\n}}\n",
        WORDS[rng.below(WORDS.len())],
        WORDS[rng.below(WORDS.len())],
        WORDS[i % WORDS.len()],
        WORDS[i % WORDS.len()],
    );
    f
}

fn generate(root: &Path, count: usize) -> usize {
    let mut rng = Lcg(42);
    let modules = root.join(index::MODULES_DIR);
    let mut set = String::from("self: super: with self; {\n\n");
    let mut bytes = 0;
    for i in 0..count {
        let n = name(i);
        let dir = modules.join(&n);
        std::fs::create_dir_all(&dir).unwrap();
        let text = package_file(i, &mut rng);
        bytes += text.len();
        std::fs::write(dir.join("default.nix"), text).unwrap();
        let _ = writeln!(
            set,
            "  {n} = callPackage ../development/python-modules/{n} {{ }};\n"
        );
    }
    set.push_str("}\n");
    let mut aliases = String::from("lib: self: super:\nwith self;\nmapAliases ({\n");
    for i in 0..count / 7 {
        let n = name(i);
        if i % 3 == 0 {
            let _ = writeln!(
                aliases,
                "  old-{n} = throw \"old-{n} was removed\"; # added 2024-01-01"
            );
        } else {
            let _ = writeln!(aliases, "  old-{n} = {n}; # added 2023-02-01");
        }
    }
    aliases.push_str("})\n");
    let top = root.join("pkgs/top-level");
    std::fs::create_dir_all(&top).unwrap();
    std::fs::write(top.join("python-packages.nix"), set).unwrap();
    std::fs::write(top.join("python-aliases.nix"), aliases).unwrap();
    bytes
}

fn best<F: FnMut()>(rounds: usize, mut f: F) -> Duration {
    (0..rounds)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1e3)
}

const MODULES: [&str; 8] = [
    "requests",
    "yaml",
    "numpy",
    "async_http5",
    "http_async21",
    "flask",
    "click",
    "attr",
];

fn main() {
    let count: usize = std::env::var("NIXDEPS_BENCH_PACKAGES")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(10_000);
    let rounds: usize = std::env::var("NIXDEPS_BENCH_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(3);
    let tree = tempfile::tempdir().unwrap();
    let bytes = generate(tree.path(), count);
    println!(
        "tree: {count} packages, {:.1} MB of package files (avg {} B); {} threads",
        bytes as f64 / 1e6,
        bytes / count,
        rayon::current_num_threads()
    );

    let index_only = best(rounds, || {
        let i = index::build(tree.path()).unwrap();
        assert_eq!(i.stats.attrs, count);
    });
    let cold = best(rounds, || {
        let dir = tempfile::tempdir().unwrap();
        let l = cache::load_or_build(tree.path(), dir.path()).unwrap();
        assert_eq!(l.state, cache::CacheState::Built);
    });
    let cache_dir = tempfile::tempdir().unwrap();
    let first = cache::load_or_build(tree.path(), cache_dir.path()).unwrap();
    let size = std::fs::metadata(&first.cache_file).unwrap().len();
    let warm_rounds = rounds * 20;
    let warm = best(warm_rounds, || {
        let l = cache::load_or_build(tree.path(), cache_dir.path()).unwrap();
        assert_eq!(l.state, cache::CacheState::Warm);
    });
    let resolve_all = |db: &Database| {
        for m in MODULES {
            std::hint::black_box(db.resolve(m));
        }
    };
    let embedded = best(warm_rounds, || resolve_all(&Database::load()));
    let mut n = 0;
    let overlay = best(warm_rounds, || {
        let l = cache::load_or_build(tree.path(), cache_dir.path()).unwrap();
        n += 1;
        // A new label each round: with_index reuses a database it has made.
        let db = Database::with_index(&l, format!("bench {n}"));
        resolve_all(db);
    });
    let read_only = best(warm_rounds, || {
        let b = std::fs::read(&first.cache_file).unwrap();
        std::hint::black_box(String::from_utf8(b).unwrap());
    });
    let overlay_only = best(warm_rounds, || {
        n += 1;
        std::hint::black_box(Database::with_index(&first, format!("bench {n}")));
    });
    let made = Database::with_index(&first, "bench".into());
    let resolves_only = best(warm_rounds, || resolve_all(made));
    println!("index::build (cold, no cache)     {}", ms(index_only));
    println!("load_or_build cold (build+write)  {}", ms(cold));
    println!(
        "cache file                        {:.2} MB",
        size as f64 / 1e6
    );
    println!("load_or_build warm                {}", ms(warm));
    println!("  of which read + UTF-8 check     {}", ms(read_only));
    println!("with_index alone                  {}", ms(overlay_only));
    println!("8 resolves on an overlay          {}", ms(resolves_only));
    println!("embedded db + 8 resolves          {}", ms(embedded));
    println!("warm load + overlay + 8 resolves  {}", ms(overlay));
    println!(
        "warm run adds                     {}",
        ms(overlay.saturating_sub(embedded))
    );
}
