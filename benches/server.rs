//! Language-server latency (`cargo bench --bench server`): the real binary
//! over stdio, driven by the protocol tests' client (tests/support/lsp.rs),
//! with the debounce set to 0 so the figures are the server's own time.
//!
//! - open-to-diagnostics: `didOpen` of a 2,000-line script written, until
//!   its `publishDiagnostics` is read;
//! - change-to-diagnostics: an incremental `didChange` (one import renamed,
//!   alternating, so each version has different diagnostics) until the
//!   diagnostics of that version are read.
//!
//! Both include the JSON round trip through pipes. In-process, for the
//! breakdown: `check_text` and `inspect` on the same text.
//! `NIXDEPS_BENCH_ROUNDS` (default 50) sets the number of samples.

#[path = "../tests/support/lsp.rs"]
mod lsp;

use serde_json::json;

// As in the binary, so the in-process figures compare with the server's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::time::{Duration, Instant};

/// A nix-shell script of `lines` lines: a header, imports of the standard
/// library and of declared and undeclared packages, then plain code.
fn script(lines: usize) -> String {
    let mut s = String::from(
        "#!/usr/bin/env nix-shell\n\
         #!nix-shell -i python3 -p \"python3.withPackages (ps: [ ps.requests ps.numpy ps.click ])\"\n",
    );
    for m in [
        "os",
        "sys",
        "json",
        "re",
        "argparse",
        "pathlib",
        "subprocess",
        "logging",
        "typing",
        "collections",
        "itertools",
        "functools",
        "dataclasses",
        "datetime",
    ] {
        s.push_str(&format!("import {m}\n"));
    }
    for m in ["requests", "numpy as np", "click", "yaml", "rich", "attr"] {
        s.push_str(&format!("import {m}\n"));
    }
    s.push_str("try:\n    import ujson\nexcept ImportError:\n    ujson = None\n");
    let mut i = 0;
    while s.lines().count() + 5 < lines {
        s.push_str(&format!(
            "\n\ndef task_{i}(session, path: pathlib.Path) -> dict:\n    \
             \"\"\"Fetch item {i}, write it, report.\"\"\"\n    \
             r = session.get(f\"https://example.org/{{path.name}}/{i}\", timeout=10)\n"
        ));
        i += 1;
    }
    while s.lines().count() < lines {
        s.push_str("print('done')\n");
    }
    s
}

fn stats(label: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let pick = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    println!(
        "{label:<24} median {:>6.2} ms  p90 {:>6.2} ms  min {:>6.2} ms  max {:>6.2} ms  ({} samples)",
        ms(pick(0.5)),
        ms(pick(0.9)),
        ms(samples[0]),
        ms(samples[samples.len() - 1]),
        samples.len()
    );
}

fn main() {
    let rounds: usize = std::env::var("NIXDEPS_BENCH_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(50);
    let text = script(2000);
    assert_eq!(text.lines().count(), 2000);
    let dir = tempfile::tempdir().expect("tempdir");
    println!(
        "script: 2,000 lines, {} bytes; debounce 0; embedded package database",
        text.len()
    );

    let mut server = lsp::Server::start(&[], &[], Some(dir.path()));
    server.initialize(json!({}), json!({"debounceMs": 0}));

    let mut open = Vec::new();
    let cpu_before = server.cpu_time();
    for i in 0..rounds {
        let uri = format!("file://{}/script{i}.py", dir.path().display());
        let t = Instant::now();
        server.open(&uri, &text);
        let d = server.diagnostics(&uri);
        open.push(t.elapsed());
        assert!(!d["diagnostics"].as_array().unwrap().is_empty());
    }

    let cpu_open = server.cpu_time();
    let uri = format!("file://{}/script0.py", dir.path().display());
    let line = text.lines().position(|l| l == "import yaml").unwrap();
    let mut change = Vec::new();
    for v in 0..rounds {
        // yaml → toml (another missing package, another message) and back.
        let (old, new) = if v % 2 == 0 {
            ("yaml", "toml")
        } else {
            ("toml", "yaml")
        };
        let version = v as i64 + 2;
        let t = Instant::now();
        server.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [
                {"range": {"start": {"line": line, "character": 7},
                           "end": {"line": line, "character": 7 + old.len()}},
                 "text": new}]}),
        );
        let d = server.wait_for(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri.as_str()
                && m["params"]["version"] == version
        });
        change.push(t.elapsed());
        assert!(d["params"]["diagnostics"].is_array());
    }
    let cpu_change = server.cpu_time();
    stats("open-to-diagnostics", open);
    stats("change-to-diagnostics", change);
    // The server's own CPU per message: what the latency is once a core is free.
    if let (Some(a), Some(b), Some(c)) = (cpu_before, cpu_open, cpu_change) {
        let per = |d: Duration| d.as_secs_f64() * 1e3 / rounds as f64;
        println!(
            "server CPU per open {:.2} ms, per change {:.2} ms (average; /proc ticks of 10 ms)",
            per(b.saturating_sub(a)),
            per(c.saturating_sub(b))
        );
    }

    // In-process breakdown of one analysis (what the server does per change).
    let settings = nixdeps::check::Settings::default();
    let mut check = Vec::new();
    let mut inspect = Vec::new();
    for _ in 0..rounds {
        let t = Instant::now();
        let c = nixdeps::check::check_text(&text, None, &settings, nixdeps::check::FixMode::Off);
        check.push(t.elapsed());
        std::hint::black_box(c.ok());
        let t = Instant::now();
        std::hint::black_box(nixdeps::check::inspect(&text, None, &settings).is_some());
        inspect.push(t.elapsed());
    }
    stats("  check_text", check);
    stats("  inspect", inspect);
    server.request("shutdown", serde_json::Value::Null);
    server.notify("exit", serde_json::Value::Null);
}
