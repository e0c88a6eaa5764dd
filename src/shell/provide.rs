//! Who puts each command on PATH: stdenv (what nix-shell brings without
//! being asked), the host (what must come from the running system), a
//! declared package, or nobody — and then which attribute would.

use super::commands::{Extracted, Use};
use super::parse::Parsed;
use super::Dialect;
use crate::db::commands::Commands;
use crate::header::packages::{self, Package};
use crate::header::Header;
use crate::imports::SyntaxError;
use crate::nixpkgs::by_name;
use crate::span::{LineIndex, Span};
use std::collections::{HashMap, HashSet};
use std::path::Path;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Status {
    /// stdenv brings it (the package named).
    Stdenv { package: &'static str },
    /// It must come from the running system: setuid wrappers (`sudo`,
    /// never from a store path), and, unless `--pure`, Nix's own commands (nix-shell runs, and appends the
    /// caller's PATH).
    Host,
    /// The declared package with this index into [`Analysis::packages`].
    Declared { package: usize },
    /// The header's Python (`python3`, a withPackages, `python3Packages.x`).
    Python,
    /// Nothing declared provides it; the database knows who would.
    Missing {
        attr: String,
        alternatives: Vec<String>,
        source: String,
    },
    /// Nothing declared provides it, and the database knows no package.
    Unresolved,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CommandUse {
    pub name: String,
    pub span: Span,
    pub via: Option<String>,
    pub status: Status,
    /// Codes a `# nixdeps: ignore[…]` comment on its line suppresses.
    pub suppressed: Vec<String>,
}

impl CommandUse {
    pub fn is_suppressed(&self, code: &str) -> bool {
        self.suppressed
            .iter()
            .any(|c| c == crate::imports::suppress::ALL_CODES || code.starts_with(c.as_str()))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Analysis {
    pub dialect: Dialect,
    pub uses: Vec<CommandUse>,
    /// Command names that are expansions: never guessed.
    pub dynamic: Vec<Span>,
    pub defined: Vec<String>,
    pub errors: Vec<SyntaxError>,
    /// Declared packages that name attributes.
    pub packages: Vec<Package>,
    /// Package expressions that do not name an attribute: they may provide
    /// any command, so no command is reported missing.
    pub opaque: usize,
    /// Per package: some use needs it.
    pub used: Vec<bool>,
    /// Per package: why it is kept although no command of it runs.
    pub kept: Vec<Option<String>>,
}

impl Analysis {
    /// Some command could not be matched: a declared package may be what
    /// provides it, so removing one is unsafe.
    pub fn uncertain(&self) -> bool {
        !self.dynamic.is_empty()
            || (self.dialect == Dialect::Zsh && !self.errors.is_empty())
            || self.uses.iter().any(|u| u.status == Status::Unresolved)
    }
}

/// Packages that work without being run (DESIGN §15).
const WORK_UNRUN: &[(&str, &str)] = &[
    ("cacert", "its certificates are used without running it"),
    ("glibcLocales", "its locales are used without running it"),
    (
        "glibcLocalesUtf8",
        "its locales are used without running it",
    ),
    ("tzdata", "its time zones are used without running it"),
];

/// (package, the commands that run it for the script).
const RUN_BY: &[(&str, &[&str])] = &[
    // Nix fetches git sources and flakes with git; so do cargo, npm and go.
    (
        "git",
        &[
            "nix-prefetch-git",
            "nix-update",
            "nurl",
            "update-source-version",
            "nix",
            "nix-build",
            "nix-shell",
            "nix-instantiate",
            "cargo",
            "npm",
            "go",
        ],
    ),
    ("gnupg", &["git"]),
    (
        "nix-prefetch-git",
        &["nix-update", "nurl", "update-source-version"],
    ),
    // ssh is the transport of these.
    (
        "openssh",
        &[
            "sshfs", "rsync", "git", "borg", "restic", "ansible", "mosh", "autossh", "sshuttle",
        ],
    ),
];

/// Commands that build against libraries declared in `-p` (found through
/// pkg-config or the compiler's search paths).
const BUILD_TOOLS: &[&str] = &[
    "pkg-config",
    "pkgconf",
    "cc",
    "gcc",
    "g++",
    "c++",
    "clang",
    "clang++",
    "cmake",
    "meson",
    "ninja",
    "cargo",
    "rustc",
    "go",
    "ld",
    "ghc",
    "cabal",
    "autoreconf",
    "./configure",
];

/// Setuid wrappers: no `-p` package can provide a working one.
const SETUID: &[&str] = &["sudo", "doas", "su", "fusermount", "fusermount3", "pkexec"];

/// Libraries whose package also has a command, so the table knows them.
const LIBRARIES_WITH_TOOLS: &[&str] = &[
    "openssl",
    "zlib",
    "libxml2",
    "sqlite",
    "ncurses",
    "curl",
    "gtk3",
    "gtk4",
    "glib",
    "SDL2",
    "freetype",
    "fontconfig",
    "libpng",
    "protobuf",
    "icu",
    "boost",
    "systemd",
    "udev",
];

const PYTHONS: &[&str] = &["python", "python3", "pip", "pip3", "pydoc3", "2to3"];

fn is_python_command(name: &str) -> bool {
    PYTHONS.contains(&name)
        || name
            .strip_prefix("python3.")
            .is_some_and(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
}

fn last_component(attr: &str) -> &str {
    attr.rsplit('.').next().unwrap_or(attr)
}

/// What nixdeps knows besides the script: the configuration's `keep`, the
/// command tables, and the user's nixpkgs tree when its index is in use.
#[derive(Debug, Clone, Copy)]
pub struct Knowledge<'a> {
    pub keep: &'a [String],
    pub commands: &'a Commands,
    pub nixpkgs: Option<&'a Path>,
}

/// Which declared packages provide a command, looked up by name (linear in
/// the header, however many commands ask).
struct PackageIndex<'p> {
    /// Command named like the attribute's last part, or its `mainProgram`.
    by_name: HashMap<&'p str, Vec<usize>>,
    by_attr: HashMap<&'p str, Vec<usize>>,
}

impl<'p> PackageIndex<'p> {
    fn new(packages: &'p [Package], mains: &'p [Option<String>]) -> Self {
        let mut by_name: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut by_attr: HashMap<&str, Vec<usize>> = HashMap::new();
        for (k, p) in packages.iter().enumerate() {
            by_name.entry(last_component(&p.attr)).or_default().push(k);
            if let Some(m) = &mains[k] {
                by_name.entry(m.as_str()).or_default().push(k);
            }
            by_attr.entry(p.attr.as_str()).or_default().push(k);
        }
        PackageIndex { by_name, by_attr }
    }

    /// The packages that provide `name`, given the attributes the table and
    /// stdenv name for it; in header order.
    fn providers(&self, name: &str, table: &[&str], stdenv: Option<&str>) -> Vec<usize> {
        let mut out: Vec<usize> = self.by_name.get(name).cloned().unwrap_or_default();
        for a in table.iter().copied().chain(stdenv) {
            out.extend(self.by_attr.get(a).into_iter().flatten());
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

pub fn analyse(
    text: &str,
    header: &Header,
    dialect: Dialect,
    parsed: &Parsed,
    extracted: Extracted,
    known: &Knowledge,
) -> Analysis {
    let (keep, db, nixpkgs) = (known.keep, known.commands, known.nixpkgs);
    let lines = LineIndex::new(text);
    let (packages, opaque) = packages::packages(header);
    // The user's nixpkgs says which command a by-name package runs.
    let mains: Vec<Option<String>> = packages
        .iter()
        .map(|p| nixpkgs.and_then(|root| by_name::main_program(root, &p.attr)))
        .collect();
    let mut uses: Vec<Use> = Vec::new();
    // The interpreter is itself a command nix-shell must find.
    if let Some(i) = &header.interpreter {
        let base = i.program.rsplit('/').next().unwrap_or(&i.program);
        uses.push(Use {
            name: base.to_owned(),
            span: i.span,
            via: Some("-i".into()),
        });
    }
    uses.extend(extracted.uses);
    // Suppression comments by line.
    let mut suppressions: std::collections::HashMap<usize, Vec<String>> = Default::default();
    for (c, s) in &parsed.comments {
        if let Some(codes) = crate::imports::suppress::parse_ignore(c) {
            suppressions
                .entry(lines.line_of(s.start))
                .or_default()
                .extend(codes);
        }
    }
    let python = !header.pythons.is_empty() || !header.declarations.is_empty();
    let python_attrs: HashSet<&str> = header
        .declarations
        .iter()
        .map(|d| d.attr.as_str())
        .collect();
    let index = PackageIndex::new(&packages, &mains);
    let mut used = vec![false; packages.len()];
    let mut out_uses = Vec::with_capacity(uses.len());
    // One verdict per command name, however often it runs.
    let mut verdicts: HashMap<String, Status> = HashMap::new();
    for u in uses {
        let status = match verdicts.get(&u.name) {
            Some(s) => s.clone(),
            None => {
                let status = {
                    let providers = db.providers(&u.name);
                    let by_table: Vec<&'static str> = providers.iter().map(|p| p.attr).collect();
                    let stdenv = db.stdenv(&u.name);
                    // A declared stdenv package (`-p gnused`) provides its commands too.
                    let declared = index.providers(&u.name, &by_table, stdenv);
                    let status = if let Some(&k) = declared.first() {
                        for k in declared {
                            used[k] = true;
                        }
                        Status::Declared { package: k }
                    } else if let Some(package) = stdenv {
                        Status::Stdenv { package }
                    } else if (python && is_python_command(&u.name))
                        || python_attrs.contains(u.name.as_str())
                        || by_table.iter().any(|a| {
                            a.strip_prefix("python3Packages.")
                                .is_some_and(|x| python_attrs.contains(x))
                        })
                    {
                        Status::Python
                    } else if SETUID.contains(&u.name.as_str())
                        || (!header.pure && by_table.contains(&"nix"))
                    {
                        Status::Host
                    } else if by_table.is_empty() {
                        match nixpkgs.filter(|root| by_name::has_package(root, &u.name)) {
                            Some(_) => Status::Missing {
                                attr: u.name.clone(),
                                alternatives: Vec::new(),
                                source: "nixpkgs-by-name".to_owned(),
                            },
                            None => Status::Unresolved,
                        }
                    } else {
                        // The table's first row is the attribute a fix adds.
                        let p = 0;
                        Status::Missing {
                            attr: by_table[p].to_owned(),
                            alternatives: by_table
                                .iter()
                                .enumerate()
                                .filter(|(i, _)| *i != p)
                                .map(|(_, a)| a.to_string())
                                .collect(),
                            source: providers[p].source.to_owned(),
                        }
                    };
                    status
                };
                verdicts.insert(u.name.clone(), status.clone());
                status
            }
        };
        let suppressed = suppressions
            .get(&lines.line_of(u.span.start))
            .cloned()
            .unwrap_or_default();
        out_uses.push(CommandUse {
            name: u.name,
            span: u.span,
            via: u.via,
            status,
            suppressed,
        });
    }
    // Names the script mentions as arguments may be commands it runs indirectly.
    for name in &extracted.mentioned {
        let table: Vec<&str> = db.providers(name).iter().map(|p| p.attr).collect();
        for k in index.providers(name, &table, None) {
            used[k] = true;
        }
    }
    // A package with the same attribute as a used one is used too.
    let used_attrs: HashSet<&str> = (0..packages.len())
        .filter(|&k| used[k])
        .map(|k| packages[k].attr.as_str())
        .collect();
    for (k, p) in packages.iter().enumerate() {
        used[k] |= used_attrs.contains(p.attr.as_str());
    }
    let nixpkgs = text.contains("<nixpkgs>");
    let other_code = extracted.other_code.map(|s| {
        format!(
            "the script starts code nixdeps does not read (line {}) that may run it",
            lines.line_of(s.start) + 1
        )
    });
    let ran = |names: &[&str]| out_uses.iter().any(|u| names.contains(&u.name.as_str()));
    let builds = ran(BUILD_TOOLS) || packages.iter().any(|p| p.attr == "pkg-config");
    let kept = packages
        .iter()
        .enumerate()
        .map(|(k, p)| {
            if used[k] {
                return None;
            }
            if keep.contains(&p.attr) {
                return Some("the configuration keeps it".to_owned());
            }
            if let Some((_, why)) = WORK_UNRUN.iter().find(|(a, _)| *a == p.attr) {
                return Some((*why).to_owned());
            }
            if p.attr == "nix" && nixpkgs {
                return Some("it provides <nixpkgs>".to_owned());
            }
            if let Some(why) = &other_code {
                return Some(why.clone());
            }
            if let Some((_, by)) = RUN_BY.iter().find(|(a, _)| *a == p.attr) {
                if ran(by) {
                    return Some("a command of the script runs it".to_owned());
                }
            }
            // Libraries have no command to run; some (openssl, libxml2)
            // have one beside the library.
            let library = p.attr.starts_with("lib")
                || LIBRARIES_WITH_TOOLS.contains(&p.attr.as_str())
                || !db.knows_attr(&p.attr);
            if builds && library {
                return Some("it may be a library the script builds against".to_owned());
            }
            None
        })
        .collect();
    // The first error is enough to say where; zsh syntax bash cannot read
    // is no error, but leaves the command list incomplete (`uncertain`).
    let message = match dialect {
        Dialect::Zsh => "zsh syntax that bash cannot read",
        _ => "this does not parse as bash",
    };
    let errors = parsed
        .errors
        .iter()
        .take(1)
        .map(|s| SyntaxError {
            span: *s,
            message: message.to_owned(),
        })
        .collect();
    Analysis {
        dialect,
        uses: out_uses,
        dynamic: extracted.dynamic,
        defined: extracted.defined,
        errors,
        packages,
        opaque,
        used,
        kept,
    }
}
