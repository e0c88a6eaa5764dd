//! Real programs the tests run (uv, Neovim …): found, or skipped loudly, or
//! under `CI=true` a failure, so that an install step of scripts/test.sh that
//! stopped working cannot turn CI green.
//!
//! ```ignore
//! #[path = "support/tool.rs"]
//! mod tool;
//! let Some(version) = tool::require("uv", "real-uv test", "python3 -m pip install uv") else { return };
//! ```

use std::process::{Command, Stdio};

/// The first line `program --version` prints, when it runs and succeeds.
pub fn require(program: &str, what: &str, install: &str) -> Option<String> {
    let found = Command::new(program)
        .arg("--version")
        .stdin(Stdio::null())
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| {
            let out = String::from_utf8_lossy(&o.stdout);
            out.lines().next().unwrap_or_default().trim().to_owned()
        });
    if found.is_none() {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("{program} unavailable under CI=true (scripts/test.sh installs it: {install})");
        }
        eprintln!(
            "\n!!!!!! SKIPPING {what}: `{program} --version` did not run\n!!!!!! install it \
             with `{install}` (scripts/test.sh does)\n"
        );
    }
    found
}
