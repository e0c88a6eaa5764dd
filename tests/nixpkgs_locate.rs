//! Locating `<nixpkgs>` (DESIGN §11.1): every resolution form against a
//! machine made of temporary directories, so the real one never matters.

use nixdeps::config::Config;
use nixdeps::nixpkgs::locate::{locate, Explicit, LocateEnv, Located, Outcome, Source, PYTHON_SET};
use std::fs;
use std::path::{Path, PathBuf};

/// A fake machine: home, /etc/nix, the Nix state directory, all empty.
struct Machine {
    dir: tempfile::TempDir,
}

impl Machine {
    fn new() -> Self {
        Machine {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn root(&self) -> PathBuf {
        fs::canonicalize(self.dir.path()).unwrap()
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    fn env(&self) -> LocateEnv {
        LocateEnv {
            cwd: self.path("work"),
            home: Some(self.path("home")),
            user: Some("alice".into()),
            nix_path: None,
            nix_config: None,
            nix_conf_dir: self.path("etc/nix"),
            config_home: Some(self.path("home/.config")),
            nix_state_dir: self.path("nix/var/nix"),
        }
    }

    /// A nixpkgs-shaped tree at `rel` with the given `.version`.
    fn tree(&self, rel: &str, version: &str) -> PathBuf {
        let root = self.path(rel);
        write(&root.join(PYTHON_SET), "self: super: { }\n");
        write(&root.join("lib/.version"), &format!("{version}\n"));
        write(
            &root.join(".git-revision"),
            "0123456789abcdef0123456789abcdef01234567\n",
        );
        root
    }

    fn write(&self, rel: &str, text: &str) -> PathBuf {
        let p = self.path(rel);
        write(&p, text);
        p
    }

    fn symlink(&self, target: &Path, rel: &str) -> PathBuf {
        let link = self.path(rel);
        fs::create_dir_all(link.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(target, &link).unwrap();
        link
    }
}

fn write(p: &Path, text: &str) {
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, text).unwrap();
}

fn with_nix_path(m: &Machine, nix_path: &str) -> Located {
    let env = LocateEnv {
        nix_path: Some(nix_path.to_owned()),
        ..m.env()
    };
    locate(&env, None)
}

fn outcomes(l: &Located) -> Vec<(Source, String, &'static str)> {
    l.chain
        .iter()
        .map(|s| {
            let kind = match s.outcome {
                Outcome::Found { .. } => "found",
                Outcome::Missing { .. } => "missing",
                Outcome::NotLocal { .. } => "not-local",
                Outcome::NotApplicable { .. } => "not-applicable",
                Outcome::Invalid { .. } => "invalid",
                Outcome::Overridden { .. } => "overridden",
                Outcome::Untrusted => "untrusted",
            };
            (s.source, s.entry.clone(), kind)
        })
        .collect()
}

#[test]
fn explicit_path_is_the_answer_and_nothing_else_is_tried() {
    let m = Machine::new();
    let tree = m.tree("src/nixpkgs", "25.05");
    let other = m.tree("other", "24.11");
    let env = LocateEnv {
        nix_path: Some(format!("nixpkgs={}", other.display())),
        ..m.env()
    };
    let l = locate(
        &env,
        Some(&Explicit {
            source: Source::Flag,
            path: tree.clone(),
        }),
    );
    assert_eq!(l.chosen.as_deref(), Some(tree.as_path()));
    assert_eq!(l.root().unwrap(), tree);
    assert_eq!(l.chain.len(), 1, "{:?}", l.chain);
    assert_eq!(l.chain[0].source, Source::Flag);
    assert_eq!(l.label.as_deref(), Some("25.05pre-git 0123456"));

    let missing = locate(
        &env,
        Some(&Explicit {
            source: Source::Flag,
            path: m.path("nope"),
        }),
    );
    assert_eq!(missing.chosen, None);
    assert_eq!(outcomes(&missing)[0].2, "missing");
    assert_eq!(
        missing.chain.len(),
        1,
        "a wrong --nixpkgs must not fall through"
    );
}

#[test]
fn config_key_is_relative_to_the_config_file() {
    let m = Machine::new();
    let tree = m.tree("proj/vendor/nixpkgs", "25.05");
    let file = m.write("proj/nixdeps.toml", "nixpkgs = \"vendor/nixpkgs\"\n");
    let config = Config::load(&file).unwrap().unwrap();
    assert_eq!(config.nixpkgs.as_deref(), Some(tree.as_path()));
    let l = locate(
        &m.env(),
        Some(&Explicit {
            source: Source::Config,
            path: config.nixpkgs.clone().unwrap(),
        }),
    );
    assert_eq!(l.root().unwrap(), tree);
    assert_eq!(l.chain[0].source, Source::Config);
}

#[test]
fn nix_path_prefix_entry() {
    let m = Machine::new();
    let tree = m.tree("pkgs-a", "25.05");
    let l = with_nix_path(&m, &format!("nixpkgs={}", tree.display()));
    assert_eq!(l.root().unwrap(), tree);
    assert_eq!(
        outcomes(&l),
        [(
            Source::NixPath,
            format!("nixpkgs={}", tree.display()),
            "found"
        )]
    );
}

#[test]
fn nix_path_relative_entry_is_taken_from_the_working_directory() {
    let m = Machine::new();
    let tree = m.tree("work/checkout", "25.05");
    let l = with_nix_path(&m, "nixpkgs=checkout");
    assert_eq!(l.root().unwrap(), tree);
}

#[test]
fn bare_directory_with_a_nixpkgs_child() {
    let m = Machine::new();
    let tree = m.tree("channels/nixpkgs", "24.11");
    let l = with_nix_path(&m, &m.path("channels").display().to_string());
    assert_eq!(l.root().unwrap(), tree);
    // A bare directory without such a child is skipped, not chosen.
    let empty = with_nix_path(&m, &m.path("channels/nixpkgs/pkgs").display().to_string());
    assert_eq!(empty.chosen, None);
    assert_eq!(outcomes(&empty)[0].2, "missing");
}

#[test]
fn earlier_entries_win_and_missing_ones_are_skipped() {
    let m = Machine::new();
    let a = m.tree("a", "25.05");
    let b = m.tree("b/nixpkgs", "24.11");
    let nix_path = format!(
        "nixpkgs={}:nixpkgs={}:{}",
        m.path("gone").display(),
        a.display(),
        m.path("b").display()
    );
    let l = with_nix_path(&m, &nix_path);
    assert_eq!(l.root().unwrap(), a);
    let kinds: Vec<_> = outcomes(&l).into_iter().map(|o| o.2).collect();
    assert_eq!(kinds, ["missing", "found"], "stops at the first found");
    let l = with_nix_path(
        &m,
        &format!("{}:nixpkgs={}", m.path("b").display(), a.display()),
    );
    assert_eq!(l.root().unwrap(), b);
}

#[test]
fn other_prefixes_do_not_provide_nixpkgs() {
    let m = Machine::new();
    let a = m.tree("a", "25.05");
    let b = m.tree("b", "24.11");
    // `nixpkgs/sub=` serves only `<nixpkgs/sub/...>` lookups, as in Nix.
    let nix_path = format!(
        "nixos-config={}:nixpkgs/pkgs={}:nixpkgs={}",
        a.display(),
        a.display(),
        b.display()
    );
    let l = with_nix_path(&m, &nix_path);
    assert_eq!(l.root().unwrap(), b);
    let kinds: Vec<_> = outcomes(&l).into_iter().map(|o| o.2).collect();
    assert_eq!(kinds, ["not-applicable", "not-applicable", "found"]);
}

#[test]
fn urls_and_channels_are_reported_not_fetched() {
    let m = Machine::new();
    let tree = m.tree("local", "25.05");
    let nix_path = format!(
        "nixpkgs=https://github.com/NixOS/nixpkgs/archive/nixos-24.11.tar.gz:nixpkgs=channel:nixos-unstable:nixpkgs=flake:nixpkgs-unstable:nixpkgs={}",
        tree.display()
    );
    let l = with_nix_path(&m, &nix_path);
    assert_eq!(l.root().unwrap(), tree);
    let got: Vec<_> = outcomes(&l)
        .into_iter()
        .filter(|o| o.0 != Source::Registry)
        .collect();
    assert_eq!(got.len(), 4, "{got:?}");
    assert_eq!(
        got[0],
        (
            Source::NixPath,
            "nixpkgs=https://github.com/NixOS/nixpkgs/archive/nixos-24.11.tar.gz".into(),
            "not-local"
        )
    );
    assert_eq!(got[1].1, "nixpkgs=channel:nixos-unstable");
    assert_eq!(got[1].2, "not-local");
    assert_eq!(got[2].1, "nixpkgs=flake:nixpkgs-unstable");
    assert_eq!(got[2].2, "not-local", "no registry pins it");
    // Nix's NIX_PATH splitting keeps one `:` after `flake:`, no more, so a
    // `flake:github:owner/repo` value is cut where Nix cuts it.
    assert_eq!(
        nixdeps::nixpkgs::locate::parse_nix_path("nixpkgs=flake:github:NixOS/nixpkgs"),
        ["nixpkgs=flake:github", "NixOS/nixpkgs"]
    );

    let only_url = with_nix_path(&m, "nixpkgs=channel:nixos-unstable");
    assert_eq!(only_url.chosen, None);
    assert!(only_url.root().is_err());
}

#[test]
fn empty_nix_path_is_an_empty_search_path() {
    let m = Machine::new();
    let tree = m.tree("home/.nix-defexpr/channels/nixpkgs", "24.11");
    assert!(tree.exists());
    let l = with_nix_path(&m, "");
    assert_eq!(
        l.chosen, None,
        "a set NIX_PATH replaces the default channels"
    );
    assert!(l.chain.is_empty());
}

#[test]
fn nix_conf_nix_path_when_nix_path_is_unset() {
    let m = Machine::new();
    let sys = m.tree("sys", "24.05");
    let user = m.tree("user", "24.11");
    m.write(
        "etc/nix/nix.conf",
        &format!("# system\nnix-path = nixpkgs={}\n", sys.display()),
    );
    assert_eq!(locate(&m.env(), None).root().unwrap(), sys);
    // The user file comes later and wins, as Nix reads it.
    m.write(
        "home/.config/nix/nix.conf",
        &format!("nix-path = nixpkgs={}  # mine\n", user.display()),
    );
    let l = locate(&m.env(), None);
    assert_eq!(l.root().unwrap(), user);
    assert_eq!(l.chain[0].source, Source::NixConf);
    assert_eq!(
        l.chain[0].origin.as_deref(),
        Some(m.path("home/.config/nix/nix.conf").as_path())
    );
    // NIX_CONFIG comes last of all.
    let env = LocateEnv {
        nix_config: Some(format!("nix-path = nixpkgs={}", sys.display())),
        ..m.env()
    };
    assert_eq!(locate(&env, None).root().unwrap(), sys);
    // A set NIX_PATH overrides the setting; the chain says so.
    let l = with_nix_path(&m, &format!("nixpkgs={}", sys.display()));
    assert_eq!(l.root().unwrap(), sys);
    assert_eq!(outcomes(&l)[0].2, "overridden");
}

#[test]
fn nix_conf_include_and_extra_nix_path() {
    let m = Machine::new();
    let tree = m.tree("extra", "25.05");
    m.write(
        "etc/nix/nix.conf",
        "!include missing.conf\ninclude more.conf\n",
    );
    m.write(
        "etc/nix/more.conf",
        &format!(
            "nix-path = nixpkgs={}\nextra-nix-path = nixpkgs={}\n",
            m.path("gone").display(),
            tree.display()
        ),
    );
    let l = locate(&m.env(), None);
    assert_eq!(l.root().unwrap(), tree);
    let kinds: Vec<_> = outcomes(&l).into_iter().map(|o| o.2).collect();
    assert_eq!(kinds, ["missing", "found"]);
    // A required include that is missing is reported, not fatal.
    m.write("etc/nix/nix.conf", "include absent.conf\n");
    let l = locate(&m.env(), None);
    assert_eq!(outcomes(&l)[0].2, "invalid");
}

#[test]
fn channel_symlinks_are_canonicalised_to_the_store_path() {
    let m = Machine::new();
    // What nix-channel leaves behind: ~/.nix-defexpr/channels → the
    // profile → a generation → a store path holding `nixpkgs`.
    let store = m.tree("nix/store/abc123-nixpkgs-24.11/nixpkgs", "24.11");
    let generation = m.symlink(
        &m.path("nix/store/abc123-nixpkgs-24.11"),
        "nix/var/nix/profiles/per-user/alice/channels-3-link",
    );
    let profile = m.symlink(&generation, "nix/var/nix/profiles/per-user/alice/channels");
    m.symlink(&profile, "home/.nix-defexpr/channels");
    let l = locate(&m.env(), None);
    assert_eq!(l.root().unwrap(), store);
    assert_eq!(l.chain[0].source, Source::Channels);
    assert_eq!(l.label.as_deref(), Some("24.11pre-git 0123456"));
}

#[test]
fn root_channels_are_nix_defaults() {
    let m = Machine::new();
    let tree = m.tree(
        "nix/var/nix/profiles/per-user/root/channels/nixpkgs",
        "24.05",
    );
    let l = locate(&m.env(), None);
    assert_eq!(l.root().unwrap(), tree);
    let got = outcomes(&l);
    assert_eq!(got[0].2, "missing", "~/.nix-defexpr/channels comes first");
    assert!(got[1].1.starts_with("nixpkgs="), "{got:?}");
}

fn registry(to: &str) -> String {
    format!(
        r#"{{"version": 2, "flakes": [{{"from": {{"type": "indirect", "id": "other"}}, "to": {{"type": "path", "path": "/nowhere"}}}}, {{"from": {{"type": "indirect", "id": "nixpkgs"}}, "to": {to}}}]}}"#
    )
}

#[test]
fn flake_registry_path_pins_user_before_system() {
    let m = Machine::new();
    let sys = m.tree("nix/store/sys-source", "24.05");
    let user = m.tree("nix/store/user-source", "24.11");
    m.write(
        "etc/nix/registry.json",
        &registry(&format!(
            r#"{{"type": "path", "path": "{}"}}"#,
            sys.display()
        )),
    );
    let l = with_nix_path(&m, "nixpkgs=flake:nixpkgs");
    assert_eq!(l.root().unwrap(), sys);
    let got = outcomes(&l);
    assert_eq!(
        got.iter().map(|o| (o.0, o.2)).collect::<Vec<_>>(),
        [
            (Source::Registry, "not-applicable"),
            (Source::Registry, "found"),
            (Source::NixPath, "found")
        ]
    );
    m.write(
        "home/.config/nix/registry.json",
        &registry(&format!(
            r#"{{"type": "path", "path": "{}"}}"#,
            user.display()
        )),
    );
    assert_eq!(
        with_nix_path(&m, "nixpkgs=flake:nixpkgs").root().unwrap(),
        user
    );
}

#[test]
fn flake_registry_store_path_of_a_github_pin() {
    // NixOS writes `nix.registry.nixpkgs.flake = inputs.nixpkgs` as a
    // github reference that also carries the store path it was fetched to.
    let m = Machine::new();
    let tree = m.tree("nix/store/xyz-source", "25.05");
    let store_path = format!("/nix/store/{}", "does-not-exist-here");
    m.write(
        "etc/nix/registry.json",
        &registry(&format!(
            r#"{{"type": "github", "owner": "NixOS", "repo": "nixpkgs", "path": "{store_path}"}}"#
        )),
    );
    let l = with_nix_path(&m, "nixpkgs=flake:nixpkgs");
    assert_eq!(l.chosen, None);
    let last = l.chain.last().unwrap();
    assert_eq!(
        last.outcome,
        Outcome::Missing {
            path: PathBuf::from(&store_path)
        }
    );
    // A github pin without a store path is not local.
    m.write(
        "etc/nix/registry.json",
        &registry(r#"{"type": "github", "owner": "NixOS", "repo": "nixpkgs"}"#),
    );
    let l = with_nix_path(
        &m,
        &format!("nixpkgs=flake:nixpkgs:nixpkgs={}", tree.display()),
    );
    assert_eq!(l.root().unwrap(), tree);
    let kinds: Vec<_> = outcomes(&l).into_iter().map(|o| o.2).collect();
    assert_eq!(kinds, ["not-applicable", "not-local", "not-local", "found"]);
}

#[test]
fn broken_registry_is_reported() {
    let m = Machine::new();
    m.write("home/.config/nix/registry.json", "{ not json");
    let l = with_nix_path(&m, "nixpkgs=flake:nixpkgs");
    assert_eq!(l.chosen, None);
    assert!(matches!(&l.chain[0].outcome, Outcome::Invalid { reason } if reason.contains("JSON")));
}

#[test]
fn a_tree_without_the_python_set_is_chosen_but_not_usable() {
    let m = Machine::new();
    let dir = m.path("not-nixpkgs");
    fs::create_dir_all(&dir).unwrap();
    let l = with_nix_path(&m, &format!("nixpkgs={}", dir.display()));
    assert_eq!(
        l.chosen.as_deref(),
        Some(dir.as_path()),
        "Nix takes the first that exists"
    );
    let why = l.root().unwrap_err();
    assert!(why.contains(PYTHON_SET), "{why}");
}

#[test]
fn revision_files_combine_into_a_label() {
    let m = Machine::new();
    let tree = m.tree("t", "24.11");
    write(&tree.join(".version"), "24.11\n");
    write(&tree.join(".version-suffix"), ".20250101.0123456\n");
    let l = with_nix_path(&m, &format!("nixpkgs={}", tree.display()));
    assert_eq!(l.label.as_deref(), Some("24.11.20250101.0123456"));
    let rev = l.revision.unwrap();
    assert_eq!(rev.suffix.as_deref(), Some(".20250101.0123456"));
    assert_eq!(
        rev.git_revision.as_deref(),
        Some("0123456789abcdef0123456789abcdef01234567")
    );
}

#[test]
fn header_includes_are_recorded_as_untrusted() {
    let m = Machine::new();
    let mut l = with_nix_path(&m, "");
    l.add_untrusted(&["nixpkgs=../pkgs".to_owned()]);
    assert_eq!(
        outcomes(&l),
        [(Source::Header, "nixpkgs=../pkgs".into(), "untrusted")]
    );
    assert_eq!(l.chosen, None);
}
