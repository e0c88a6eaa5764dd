//! The nix-shell + uv form of PEP 723 scripts through real nix-shell (Nix 2.8 here, against the
//! stub nixpkgs whose `uv` records how it was run): nix-shell runs the interpreter nixdeps takes
//! for uv, as `uv run …` with the script, before and after nixdeps fixes the block, and the fix
//! leaves the header's packages as they were. (Double quotes only: Nix 2.8 does not group
//! single-quoted `#!nix-shell` words, nix-oracle.md §4.)

#[path = "support/nix.rs"]
mod nix;

use nixdeps::check::{check_text, FixMode, Settings};

const SCRIPTS: &[(&str, &[&str])] = &[
    (
        "#!/usr/bin/env nix-shell\n#!nix-shell -i \"uv run --script --quiet\" -p uv nix-prefetch-git\n\
         # /// script\n# requires-python = \">=3.12\"\n# dependencies = [\"requests\", \"rich\"]\n# ///\n\
         import requests, rich, yaml\n",
        &["run", "--script", "--quiet"],
    ),
    (
        "#!/usr/bin/env nix-shell\n#!nix-shell -i \"uv run\" -p uv\nimport requests\n",
        &["run"],
    ),
];

#[test]
fn nix_shell_runs_uv_with_the_fixed_block() {
    let Some(nix) = nix::oracle() else { return };
    for (text, flags) in SCRIPTS {
        let fixed = check_text(text, None, &Settings::default(), FixMode::Apply)
            .unwrap()
            .unwrap();
        assert!(
            fixed.fixed > 0 && fixed.text.contains("# /// script"),
            "{}",
            fixed.text
        );
        let header = |t: &str| t.lines().take(2).collect::<Vec<_>>().join("\n");
        assert_eq!(
            header(&fixed.text),
            header(text),
            "the fix touched the header"
        );
        for (stage, t) in [("original", *text), ("fixed", fixed.text.as_str())] {
            let run = nix.run_text("script.py", t, &[], &[]);
            let exec = run
                .exec
                .as_ref()
                .unwrap_or_else(|| panic!("{stage}: uv was not run: {}", run.stderr));
            assert_eq!(exec.exe, "uv", "{stage}");
            let (script, uv_flags) = exec.args.split_last().expect("uv got the script");
            assert_eq!(uv_flags, *flags, "{stage}");
            assert!(script.ends_with("script.py"), "{stage}: {script}");
            let eval = run.eval.as_ref().unwrap();
            assert!(
                eval.inputs.iter().any(|i| i.pname.as_deref() == Some("uv")),
                "{stage}: {:?}",
                eval.inputs
            );
            assert!(
                eval.inputs.iter().all(|i| !i.kind.starts_with("python")),
                "{stage}"
            );
        }
    }
}
