//! The packages of the user's nixpkgs under `pkgs/by-name/XX/NAME/package.nix`
//! (DESIGN §15): a directory name is an attribute, and the file's literal
//! `meta.mainProgram` is the command it puts on PATH. Read on demand, one
//! `stat` or one file per question, so nothing is indexed or cached: a shell
//! script asks only about its few unresolved commands and unused packages.

use rnix::ast;
use rowan::ast::AstNode;
use std::path::{Path, PathBuf};

/// The largest package file read (a by-name `package.nix` is a few KiB).
const MAX_FILE: u64 = 1 << 20;

fn package_file(root: &Path, name: &str) -> Option<PathBuf> {
    let valid = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'));
    if !valid {
        return None;
    }
    let shard: String = name
        .chars()
        .take(2)
        .collect::<String>()
        .to_ascii_lowercase();
    Some(
        root.join("pkgs/by-name")
            .join(shard)
            .join(name)
            .join("package.nix"),
    )
}

/// True when `root` has a by-name package called `name`.
pub fn has_package(root: &Path, name: &str) -> bool {
    package_file(root, name).is_some_and(|p| p.is_file())
}

/// The literal `mainProgram` of by-name package `name`, if it has one.
pub fn main_program(root: &Path, name: &str) -> Option<String> {
    let file = package_file(root, name)?;
    if std::fs::metadata(&file).ok()?.len() > MAX_FILE {
        return None;
    }
    let text = std::fs::read_to_string(&file).ok()?;
    main_program_in(&text)
}

/// `mainProgram = "x";` anywhere in the file (in `meta = { … }` or as
/// `meta.mainProgram`), when its value is a plain string.
pub fn main_program_in(text: &str) -> Option<String> {
    let parse = rnix::Root::parse(text);
    let root = parse.tree();
    root.syntax()
        .descendants()
        .filter_map(ast::AttrpathValue::cast)
        .find_map(|kv| {
            let last = kv.attrpath()?.attrs().last()?;
            if last.syntax().text() != "mainProgram" {
                return None;
            }
            let ast::Expr::Str(s) = kv.value()? else {
                return None;
            };
            match s.normalized_parts().as_slice() {
                [ast::InterpolPart::Literal(l)] => Some(l.clone()),
                _ => None,
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn main_program_is_read_only_when_literal() {
        let t = "{ lib, stdenv }: stdenv.mkDerivation { pname = \"x\"; meta = { mainProgram = \"x-cli\"; }; }";
        assert_eq!(main_program_in(t).as_deref(), Some("x-cli"));
        let t = "{ }: { meta.mainProgram = \"y\"; }";
        assert_eq!(main_program_in(t).as_deref(), Some("y"));
        let t = "{ pname }: { meta.mainProgram = \"${pname}-cli\"; }";
        assert_eq!(main_program_in(t), None);
        assert!(package_file(Path::new("/"), "../etc").is_none());
    }
}
