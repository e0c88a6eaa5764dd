//! Finding the configuration for a file; globs relative to the config's dir.

use nixdeps::config::{CliOverrides, Config, ConfigResolver, ConfigSource};
use nixdeps::header::PyVersion;
use std::fs;
use std::path::{Path, PathBuf};

fn write(path: &Path, text: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

fn tree() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().canonicalize().unwrap();
    write(&root.join("nixdeps.toml"), "select = [\"ND001\"]\n");
    write(
        &root.join("a/b/pyproject.toml"),
        "[tool.ruff]\nline-length = 3\n",
    );
    write(&root.join("a/b/c/x.py"), "");
    write(
        &root.join("p/pyproject.toml"),
        "[tool.nixdeps]\nselect = [\"ND002\"]\n",
    );
    write(&root.join("p/q/x.py"), "");
    (tmp, root)
}

fn discover() -> ConfigResolver {
    ConfigResolver::new(ConfigSource::Discover, CliOverrides::default())
}

#[test]
fn nearest_config_wins_and_pyproject_without_table_is_skipped() {
    let (_tmp, root) = tree();
    let r = discover();
    let c = r.resolve(&root.join("a/b/c/x.py")).unwrap();
    assert_eq!(c.path.as_deref(), Some(root.join("nixdeps.toml").as_path()));
    assert_eq!(c.select, Some(vec!["ND001".to_string()]));
    let c = r.resolve(&root.join("p/q/x.py")).unwrap();
    assert_eq!(
        c.path.as_deref(),
        Some(root.join("p/pyproject.toml").as_path())
    );
    assert_eq!(c.select, Some(vec!["ND002".to_string()]));
    // A file right beside the config.
    let c = r.resolve(&root.join("top.py")).unwrap();
    assert_eq!(c.select, Some(vec!["ND001".to_string()]));
}

#[test]
fn precedence_inside_one_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().canonicalize().unwrap();
    write(
        &d.join("pyproject.toml"),
        "[tool.nixdeps]\nkeep = [\"c\"]\n",
    );
    let keep = |d: &Path| discover().resolve(&d.join("s.py")).unwrap().keep.clone();
    assert_eq!(keep(&d), vec!["c".to_string()]);
    write(&d.join("nixdeps.toml"), "keep = [\"b\"]\n");
    assert_eq!(keep(&d), vec!["b".to_string()]);
    write(&d.join(".nixdeps.toml"), "keep = [\"a\"]\n");
    assert_eq!(keep(&d), vec!["a".to_string()]);
}

#[test]
fn broken_pyproject_of_another_tool_is_ignored_but_ours_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().canonicalize().unwrap();
    write(&d.join("nixdeps.toml"), "keep = [\"up\"]\n");
    write(&d.join("sub/pyproject.toml"), "[tool.black\nbroken");
    let c = discover().resolve(&d.join("sub/s.py")).unwrap();
    assert_eq!(c.keep, vec!["up".to_string()]);
    write(&d.join("sub/pyproject.toml"), "[tool.nixdeps]\nkep = []\n");
    let e = discover().resolve(&d.join("sub/s.py")).unwrap_err();
    assert_eq!(e.path, d.join("sub/pyproject.toml"));
    assert!(
        e.to_string().contains("unknown key `tool.nixdeps.kep`"),
        "{e}"
    );
}

#[test]
fn no_config_anywhere_gives_defaults() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().canonicalize().unwrap();
    // /tmp itself could hold a stray config; only assert when it does not.
    let stray = d.ancestors().any(|a| {
        nixdeps::config::CONFIG_FILES
            .iter()
            .any(|n| a.join(n).exists())
    });
    if !stray {
        let c = discover().resolve(&d.join("s.py")).unwrap();
        assert_eq!(c.path, None);
        assert_eq!(c.select, None);
    }
}

#[test]
fn explicit_config_file_and_no_config() {
    let (_tmp, root) = tree();
    write(&root.join("elsewhere/cfg.toml"), "ignore = [\"ND005\"]\n");
    let r = ConfigResolver::new(
        ConfigSource::File(root.join("elsewhere/cfg.toml")),
        CliOverrides::default(),
    );
    for f in ["a/b/c/x.py", "p/q/x.py"] {
        assert_eq!(
            r.resolve(&root.join(f)).unwrap().ignore,
            vec!["ND005".to_string()]
        );
    }
    let r = ConfigResolver::new(ConfigSource::Defaults, CliOverrides::default());
    assert_eq!(r.resolve(&root.join("p/q/x.py")).unwrap().select, None);
    let r = ConfigResolver::new(
        ConfigSource::File(root.join("missing.toml")),
        CliOverrides::default(),
    );
    let e = r.resolve(&root.join("p/q/x.py")).unwrap_err();
    assert!(e.to_string().contains("missing.toml"), "{e}");
    assert!(e.to_string().contains("cannot read"), "{e}");
}

#[test]
fn cli_overrides_layer_over_the_file() {
    let (_tmp, root) = tree();
    write(
        &root.join("x/nixdeps.toml"),
        "python-version = \"3.10\"\nselect = [\"ND0\"]\nignore = [\"ND002\"]\n",
    );
    let cli = CliOverrides {
        python_version: Some(PyVersion {
            major: 3,
            minor: 13,
        }),
        select: None,
        ignore: vec!["ND003".into()],
    };
    let c = ConfigResolver::new(ConfigSource::Discover, cli)
        .resolve(&root.join("x/s.py"))
        .unwrap();
    assert_eq!(
        c.python_version,
        Some(PyVersion {
            major: 3,
            minor: 13
        })
    );
    assert_eq!(c.select, Some(vec!["ND0".to_string()]));
    assert_eq!(c.ignore, vec!["ND002".to_string(), "ND003".into()]);
    let cli = CliOverrides {
        select: Some(vec!["ND001".into()]),
        ..CliOverrides::default()
    };
    let c = ConfigResolver::new(ConfigSource::Discover, cli)
        .resolve(&root.join("x/s.py"))
        .unwrap();
    assert_eq!(c.select, Some(vec!["ND001".to_string()]));
    assert!(c.ignore.is_empty(), "--select resets the file's ignore");
    assert_eq!(
        c.python_version,
        Some(PyVersion {
            major: 3,
            minor: 10
        })
    );
}

#[test]
fn per_file_ignores_are_relative_to_the_config_dir() {
    let (_tmp, root) = tree();
    write(
        &root.join("proj/nixdeps.toml"),
        "per-file-ignores = { \"scripts/*.py\" = [\"ND002\"], \"*.sh\" = [\"ND003\", \"ND002\"] }\n",
    );
    let r = discover();
    let codes = |p: &str| {
        r.resolve(&root.join(p))
            .unwrap()
            .ignored_codes_for(&root.join(p))
    };
    assert_eq!(codes("proj/scripts/a.py"), vec!["ND002".to_string()]);
    // `*` does not cross directories.
    assert!(codes("proj/scripts/deep/a.py").is_empty());
    // Relative to the config's directory, not to the file's or the cwd.
    assert!(codes("proj/other/scripts/a.py").is_empty());
    // A pattern without `/` matches the file name anywhere below.
    assert_eq!(
        codes("proj/other/run.sh"),
        vec!["ND003".to_string(), "ND002".into()]
    );
    assert!(codes("proj/a.py").is_empty());
}

#[test]
fn exclude_globs() {
    let (_tmp, root) = tree();
    write(
        &root.join("proj/nixdeps.toml"),
        "exclude = [\"vendor/**\", \"build\", \"gen/*.py\"]\n",
    );
    let r = discover();
    let excluded = |p: &str| r.resolve(&root.join(p)).unwrap().is_excluded(&root.join(p));
    assert!(excluded("proj/vendor/a.py"));
    assert!(excluded("proj/vendor/x/y/a.py"));
    assert!(excluded("proj/build"));
    assert!(excluded("proj/sub/build/a.py"), "ancestor named build");
    assert!(excluded("proj/gen/a.py"));
    assert!(!excluded("proj/gen/sub/a.py"));
    assert!(!excluded("proj/src/vendor.py"));
    assert!(!excluded("proj/a.py"));
    assert!(!excluded("proj/sub/vendor/a.py"), "vendor/** is anchored");
}

#[test]
fn relative_paths_are_taken_from_the_cwd() {
    let c = Config::parse(
        &std::env::current_dir().unwrap().join("nixdeps.toml"),
        "per-file-ignores = { \"t/*.py\" = [\"ND001\"] }\nexclude = [\"v\"]\n",
    )
    .unwrap()
    .unwrap();
    assert_eq!(
        c.ignored_codes_for(Path::new("t/a.py")),
        vec!["ND001".to_string()]
    );
    assert_eq!(
        c.ignored_codes_for(Path::new("./t/a.py")),
        vec!["ND001".to_string()]
    );
    assert!(c.is_excluded(Path::new("v/x.py")));
    assert!(!c.is_excluded(Path::new("w/x.py")));
}

#[test]
fn resolver_is_shared_across_threads() {
    let (_tmp, root) = tree();
    let r = discover();
    std::thread::scope(|s| {
        for i in 0..8 {
            let r = &r;
            let root = &root;
            s.spawn(move || {
                for j in 0..50 {
                    let (f, code) = if (i + j) % 2 == 0 {
                        ("a/b/c/x.py", "ND001")
                    } else {
                        ("p/q/x.py", "ND002")
                    };
                    let c = r.resolve(&root.join(f)).unwrap();
                    assert_eq!(c.select, Some(vec![code.to_string()]));
                }
            });
        }
    });
}

#[test]
fn dot_and_dotdot_in_globs_are_normalised() {
    let (_tmp, root) = tree();
    write(
        &root.join("proj/cfg/nixdeps.toml"),
        "per-file-ignores = { \"./local/*.py\" = [\"ND001\"], \"../shared/*.py\" = [\"ND002\"] }\n",
    );
    let c = ConfigResolver::new(
        ConfigSource::File(root.join("proj/cfg/nixdeps.toml")),
        CliOverrides::default(),
    )
    .resolve(&root.join("x.py"))
    .unwrap();
    assert_eq!(
        c.ignored_codes_for(&root.join("proj/cfg/local/a.py")),
        vec!["ND001".to_string()]
    );
    assert_eq!(
        c.ignored_codes_for(&root.join("proj/shared/a.py")),
        vec!["ND002".to_string()]
    );
    assert!(c
        .ignored_codes_for(&root.join("proj/cfg/shared/a.py"))
        .is_empty());
}

#[test]
fn resolver_as_the_discovery_exclusion_hook() {
    let (_tmp, root) = tree();
    let script = "#!/usr/bin/env nix-shell\n";
    write(
        &root.join("w/nixdeps.toml"),
        "exclude = [\"vendor\", \"gen_*\"]\n",
    );
    write(&root.join("w/vendor/v"), script);
    write(&root.join("w/src/gen_a"), script);
    write(&root.join("w/src/b"), script);
    // A deeper config that excludes nothing overrides the outer one.
    write(&root.join("w/own/nixdeps.toml"), "");
    write(&root.join("w/own/gen_c"), script);
    let r = discover();
    let hook = |p: &Path, d: bool| r.is_excluded(p, d);
    let found = nixdeps::discover::discover(&[root.join("w")], &hook);
    let names: Vec<_> = found
        .files
        .iter()
        .map(|c| c.path.strip_prefix(root.join("w")).unwrap().to_path_buf())
        .collect();
    assert_eq!(names, [PathBuf::from("own/gen_c"), PathBuf::from("src/b")]);
}
