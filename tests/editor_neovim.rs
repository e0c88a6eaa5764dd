//! A real editor against `nixdeps server` (issue 12): Debian's Neovim,
//! headless, with its built-in LSP client (tests/editor/neovim.lua) opens a
//! script with a missing package, gets the diagnostic, applies the quick fix
//! through vim.lsp.buf.code_action and writes the buffer. The file on disk
//! must then be the original with the package added to the header and every
//! other byte unchanged.
//!
//! Neovim comes from apt (`neovim`, scripts/test.sh); without it the test is
//! skipped loudly, and under CI=true it fails instead.

#[path = "support/tool.rs"]
mod tool;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn nvim() -> Option<String> {
    tool::require("nvim", "real-editor test", "apt-get install neovim")
}

/// Non-ASCII before the import on its line (UTF-16 positions matter), a
/// comment and a docstring that must survive byte for byte.
const SCRIPT: &str = "#!/usr/bin/env nix-shell\n\
#!nix-shell -i python3 -p \"python3.withPackages (ps: [ ps.requests ])\"\n\
\"\"\"Fetch things — naïvely, with 𝄞 in the docstring.\"\"\"\n\
import requests\n\
x = \"é𝄞\"; import yaml  # keep this comment\n\
\n\
print(requests.get, yaml.safe_load, x)\n";

fn run_nvim(dir: &Path, script: &Path, action: &str) -> String {
    let result = dir.join("result.txt");
    let lua = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/editor/neovim.lua");
    let home = dir.join("home");
    std::fs::create_dir_all(&home).unwrap();
    let mut child = Command::new("nvim")
        .args(["--headless", "--clean", "-n", "-i", "NONE", "-c"])
        .arg(format!("luafile {}", lua.display()))
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("XDG_DATA_HOME", home.join(".local/share"))
        .env("XDG_STATE_HOME", home.join(".local/state"))
        .env("XDG_CACHE_HOME", home.join(".cache"))
        .env("NIXDEPS_NO_NIXPKGS_INDEX", "1")
        .env("NIXDEPS_BIN", env!("CARGO_BIN_EXE_nixdeps"))
        .env("NIXDEPS_SCRIPT", script)
        .env("NIXDEPS_RESULT", &result)
        .env("NIXDEPS_ACTION", action)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn nvim");
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("nvim did not finish within 90 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    std::fs::read_to_string(&result).unwrap_or_else(|_| "no result file".into())
}

#[test]
fn neovim_applies_the_quick_fix_and_writes_exactly_the_fixed_header() {
    let Some(version) = nvim() else { return };
    eprintln!("using {version}");
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("fetch.py");
    std::fs::write(&script, SCRIPT).unwrap();
    let outcome = run_nvim(dir.path(), &script, "Add python3Packages.pyyaml");
    assert_eq!(outcome, "ok", "the Neovim session failed");
    let on_disk = std::fs::read(&script).unwrap();
    let expected = SCRIPT.replace("[ ps.requests ]", "[ ps.pyyaml ps.requests ]");
    assert_ne!(expected, SCRIPT);
    assert_eq!(String::from_utf8_lossy(&on_disk), expected);
    assert_eq!(on_disk, expected.as_bytes(), "every other byte unchanged");
}
