//! `nixdeps server` over stdio, the real binary (issue 12): initialize,
//! open, diagnostics, code actions and applying them, incremental change,
//! hover, close, garbage, unknown methods, bad params, a caught panic,
//! configuration reload, position encodings, shutdown and exit.

#[path = "support/lsp.rs"]
mod lsp;

use lsp::{apply_edits, Server};
use serde_json::{json, Value};
use std::path::Path;

const SCRIPT: &str = "#!/usr/bin/env nix-shell\n\
#!nix-shell -i python3 -p \"python3.withPackages (ps: [ ps.requests ])\"\n\
import requests\n\
import yaml\n\
\n\
print(requests, yaml)\n";

fn uri_of(path: &Path) -> String {
    lsp_types::Url::from_file_path(path).unwrap().to_string()
}

fn codes(diags: &Value) -> Vec<String> {
    diags["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_owned())
        .collect()
}

fn start(dir: &Path) -> Server {
    Server::start(&[], &[], Some(dir))
}

/// A whole editing session: the missing package is reported, its quick fix
/// applied and sent back as an incremental change, the diagnostic goes away.
#[test]
fn session_open_fix_change_hover_close_shutdown_exit() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tool.py");
    std::fs::write(&path, SCRIPT).unwrap();
    let uri = uri_of(&path);
    let mut s = start(dir.path());
    let init = s.initialize(json!({}), json!({"debounceMs": 0}));
    let caps = &init["result"]["capabilities"];
    assert_eq!(caps["positionEncoding"], "utf-16");
    assert_eq!(caps["textDocumentSync"]["change"], 2, "incremental sync");
    assert_eq!(caps["hoverProvider"], true);
    assert!(caps["codeActionProvider"]["codeActionKinds"]
        .as_array()
        .unwrap()
        .contains(&json!("source.fixAll.nixdeps")));

    s.open(&uri, SCRIPT);
    let d = s.diagnostics(&uri);
    assert_eq!(codes(&d), ["ND001"]);
    assert_eq!(d["version"], 1);
    let diag = d["diagnostics"][0].clone();
    assert_eq!(diag["severity"], 1);
    assert_eq!(diag["source"], "nixdeps");
    assert_eq!(
        diag["range"],
        json!({"start": {"line": 3, "character": 7}, "end": {"line": 3, "character": 11}})
    );
    assert!(diag["message"].as_str().unwrap().contains("pyyaml"));
    assert!(diag["codeDescription"]["href"]
        .as_str()
        .unwrap()
        .ends_with("ND001"));
    assert!(diag["data"]["explain"]
        .as_str()
        .unwrap()
        .contains("## What it finds"));
    let related = &diag["relatedInformation"][0];
    assert_eq!(related["location"]["uri"], uri.as_str());
    assert_eq!(related["location"]["range"]["start"]["line"], 1);

    // Code actions at the diagnostic.
    let r = s.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": diag["range"],
               "context": {"diagnostics": [diag]}}),
    );
    let actions = r["result"].as_array().unwrap().clone();
    let titles: Vec<&str> = actions
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert!(titles.contains(&"Add python3Packages.pyyaml"), "{titles:?}");
    assert!(
        titles.contains(&"Ignore ND001 for this import"),
        "{titles:?}"
    );
    assert!(
        titles.contains(&"Fix all nixdeps problems (safe fixes)"),
        "{titles:?}"
    );
    let fix = actions
        .iter()
        .find(|a| a["title"] == "Add python3Packages.pyyaml")
        .unwrap();
    assert_eq!(fix["kind"], "quickfix");
    assert_eq!(fix["isPreferred"], true);
    let edits = fix["edit"]["changes"][&uri].as_array().unwrap().clone();
    let fixed = apply_edits(SCRIPT, &edits);
    assert_eq!(
        fixed,
        SCRIPT.replace("[ ps.requests ]", "[ ps.pyyaml ps.requests ]")
    );

    // The editor applies the edit and reports it as an incremental change.
    let mut changes: Vec<Value> = edits
        .iter()
        .map(|e| json!({"range": e["range"], "text": e["newText"]}))
        .collect();
    changes.reverse();
    s.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": changes}),
    );
    let d = s.diagnostics(&uri);
    assert_eq!(d["version"], 2);
    assert_eq!(codes(&d), Vec::<String>::new());

    // Hover on the import and on the declared package.
    let h = s.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 3, "character": 9}}),
    );
    let text = h["result"]["contents"]["value"].as_str().unwrap();
    assert!(text.contains("import `yaml`"), "{text}");
    assert!(text.contains("third-party → pyyaml"), "{text}");
    assert!(text.contains("declared by: `pyyaml` (line 2)"), "{text}");
    let col = fixed.lines().nth(1).unwrap().find("ps.requests").unwrap() + 4;
    let h = s.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 1, "character": col}}),
    );
    let text = h["result"]["contents"]["value"].as_str().unwrap();
    assert!(text.contains("declared package `requests`"), "{text}");
    assert!(text.contains("used by: `requests` (line 3)"), "{text}");
    assert!(text.contains("propagates: "), "{text}");
    assert!(
        text.contains("`urllib3`"),
        "requests propagates urllib3: {text}"
    );
    // Nowhere special: no hover.
    let h = s.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 5, "character": 0}}),
    );
    assert_eq!(h["result"], Value::Null);

    // A change that brings a problem back.
    s.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 3}, "contentChanges": [
            {"range": {"start": {"line": 4, "character": 0}, "end": {"line": 4, "character": 0}},
             "text": "import rich\n"}]}),
    );
    let d = s.diagnostics(&uri);
    assert_eq!(d["version"], 3);
    assert_eq!(codes(&d), ["ND001"]);
    assert_eq!(d["diagnostics"][0]["range"]["start"]["line"], 4);

    s.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    );
    let d = s.diagnostics(&uri);
    assert_eq!(d["diagnostics"], json!([]));

    let r = s.request("shutdown", Value::Null);
    assert_eq!(r["result"], Value::Null);
    assert!(r.get("error").is_none());
    let r = s.request("textDocument/hover", json!({}));
    assert_eq!(r["error"]["code"], -32600, "requests after shutdown: {r}");
    s.notify("exit", Value::Null);
    assert_eq!(s.finish(), Some(0));
}

/// Bad input gets errors and the server keeps serving; exit without
/// shutdown is status 1.
#[test]
fn garbage_unknown_methods_and_bad_params() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = start(dir.path());
    // Before initialize, requests are refused.
    let r = s.request("textDocument/hover", json!({}));
    assert_eq!(r["error"]["code"], -32002);
    s.initialize(json!({}), json!({}));
    s.send_raw(&lsp::frame("{not json"));
    let e = s.wait_for(|m| m["error"]["code"] == -32700);
    assert_eq!(e["id"], Value::Null);
    s.send_raw(&lsp::frame(r#"{"jsonrpc":"2.0","id":77}"#));
    let e = s.wait_for(|m| m["id"] == 77);
    assert_eq!(e["error"]["code"], -32600);
    s.send_raw(b"Garbage-Header\r\n\r\n");
    let r = s.request("nixdeps/noSuchMethod", json!({}));
    assert_eq!(r["error"]["code"], -32601);
    let r = s.request("textDocument/hover", json!({"textDocument": 5}));
    assert_eq!(r["error"]["code"], -32602);
    let r = s.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": "file:///not/open.py"}, "position": {"line": 0, "character": 0}}),
    );
    assert_eq!(r["error"]["code"], -32602);
    let r = s.request(
        "workspace/executeCommand",
        json!({"command": "nixdeps.noSuch", "arguments": []}),
    );
    assert_eq!(r["error"]["code"], -32602);
    // Unknown and malformed notifications are ignored.
    s.notify("nixdeps/whatever", json!({}));
    s.notify("textDocument/didOpen", json!({"textDocument": 1}));
    s.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": "file:///nope.py", "version": 2}, "contentChanges": []}),
    );
    // Still serving.
    let uri = uri_of(&dir.path().join("x.py"));
    s.open(&uri, SCRIPT);
    assert_eq!(codes(&s.diagnostics(&uri)), ["ND001"]);
    let r = s.request("initialize", json!({"capabilities": {}}));
    assert_eq!(r["error"]["code"], -32600, "a second initialize");
    s.notify("exit", Value::Null);
    assert_eq!(s.finish(), Some(1));
}

#[test]
fn input_closed_without_exit_is_status_1() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = start(dir.path());
    s.initialize(json!({}), json!({}));
    assert_eq!(s.finish(), Some(1));
}

/// Files that are not nix-shell scripts get an empty diagnostics list.
#[test]
fn non_scripts_get_no_diagnostics() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = start(dir.path());
    s.initialize(json!({}), json!({}));
    let uri = uri_of(&dir.path().join("lib.py"));
    s.open(&uri, "import yaml\nimport requests\n");
    assert_eq!(s.diagnostics(&uri)["diagnostics"], json!([]));
    let r = s.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": {"start": {"line": 0, "character": 0},
               "end": {"line": 1, "character": 0}}, "context": {"diagnostics": []}}),
    );
    assert_eq!(r["result"], json!([]));
}

/// A panic while analysing one document is caught and shown; other
/// documents are still checked.
#[test]
fn a_panic_in_one_document_is_reported_and_survived() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Server::start(
        &[],
        &[("NIXDEPS_SERVER_TEST_PANIC", "TRIGGER-PANIC")],
        Some(dir.path()),
    );
    s.initialize(json!({}), json!({}));
    let bad = uri_of(&dir.path().join("bad.py"));
    s.open(&bad, &format!("{SCRIPT}# TRIGGER-PANIC\n"));
    let m = s.wait_for(|m| m["method"] == "window/showMessage");
    assert_eq!(m["params"]["type"], 1);
    assert!(m["params"]["message"]
        .as_str()
        .unwrap()
        .contains("keeps serving"));
    assert_eq!(s.diagnostics(&bad)["diagnostics"], json!([]));
    let good = uri_of(&dir.path().join("good.py"));
    s.open(&good, SCRIPT);
    assert_eq!(codes(&s.diagnostics(&good)), ["ND001"]);
    assert_eq!(s.request("shutdown", Value::Null)["result"], Value::Null);
    s.notify("exit", Value::Null);
    assert_eq!(s.finish(), Some(0));
}

/// Positions count UTF-16 code units by default and bytes when the client
/// offers utf-8.
#[test]
fn position_encodings() {
    // Before `yaml`: `x = "` 5, é (1 unit, 2 bytes), 𝄞 (2 units, 4 bytes),
    // `"; import ` 10: 18 UTF-16 units, 21 bytes.
    let text = SCRIPT.replace("import yaml\n", "x = \"é𝄞\"; import yaml\n");
    for (offered, expected, character) in [
        (json!(null), "utf-16", 18),
        (json!(["utf-8", "utf-16"]), "utf-8", 21),
        (json!(["utf-16"]), "utf-16", 18),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let mut s = start(dir.path());
        let caps = if offered.is_null() {
            json!({})
        } else {
            json!({"general": {"positionEncodings": offered}})
        };
        let init = s.initialize(caps, json!({}));
        assert_eq!(init["result"]["capabilities"]["positionEncoding"], expected);
        let uri = uri_of(&dir.path().join("t.py"));
        s.open(&uri, &text);
        let d = s.diagnostics(&uri);
        assert_eq!(codes(&d), ["ND001"]);
        assert_eq!(
            d["diagnostics"][0]["range"]["start"],
            json!({"line": 3, "character": character}),
            "{expected}"
        );
        // An incremental change after the non-ASCII text, in the same units.
        s.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [
                {"range": {"start": {"line": 3, "character": character},
                           "end": {"line": 3, "character": character + 4}},
                 "text": "rich"}]}),
        );
        let d = s.diagnostics(&uri);
        assert_eq!(d["version"], 2);
        assert!(
            d["diagnostics"][0]["message"]
                .as_str()
                .unwrap()
                .contains("\"rich\""),
            "{d}"
        );
    }
}

/// A burst of changes inside the debounce delay is analysed once, for the
/// last version.
#[test]
fn changes_are_debounced() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = start(dir.path());
    s.initialize(json!({}), json!({"debounceMs": 300}));
    let uri = uri_of(&dir.path().join("d.py"));
    s.open(&uri, SCRIPT);
    assert_eq!(s.diagnostics(&uri)["version"], 1);
    for v in 2..=4 {
        s.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": v}, "contentChanges": [
                {"range": {"start": {"line": 5, "character": 0}, "end": {"line": 5, "character": 0}},
                 "text": "#\n"}]}),
        );
    }
    let d = s.diagnostics(&uri);
    assert_eq!(d["version"], 4, "only the last version is analysed");
    // A full-text change (no range) replaces the document.
    s.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 5}, "contentChanges": [{"text": "print(1)\n"}]}),
    );
    let d = s.diagnostics(&uri);
    assert_eq!(
        (d["version"].clone(), d["diagnostics"].clone()),
        (json!(5), json!([]))
    );
    assert!(
        !s.backlog
            .iter()
            .any(|m| m["method"] == "textDocument/publishDiagnostics"),
        "no diagnostics for the intermediate versions: {:?}",
        s.backlog
    );
}

/// The configuration that governs the file is used, and a change to it
/// (didChangeWatchedFiles) re-checks open documents.
#[test]
fn configuration_per_document_and_reload() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("nixdeps.toml");
    std::fs::write(&config, "ignore = [\"ND001\"]\n").unwrap();
    let path = dir.path().join("c.py");
    let uri = uri_of(&path);
    let mut s = start(dir.path());
    let init = s.initialize(
        json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}}),
        json!({}),
    );
    assert!(init.get("error").is_none());
    let reg = s.wait_for(|m| m["method"] == "client/registerCapability");
    let globs = reg["params"]["registrations"][0]["registerOptions"]["watchers"].to_string();
    assert!(globs.contains("**/nixdeps.toml"), "{globs}");
    s.send(&json!({"id": reg["id"], "result": null}));
    s.open(&uri, SCRIPT);
    assert_eq!(codes(&s.diagnostics(&uri)), Vec::<String>::new());
    std::fs::write(&config, "ignore = []\n").unwrap();
    s.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri_of(&config), "type": 2}]}),
    );
    assert_eq!(codes(&s.diagnostics(&uri)), ["ND001"]);
    // A broken configuration: said once, no diagnostics.
    std::fs::write(&config, "ignore = [\n").unwrap();
    s.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri_of(&config), "type": 2}]}),
    );
    let m = s.wait_for(|m| m["method"] == "window/showMessage");
    assert!(m["params"]["message"]
        .as_str()
        .unwrap()
        .contains("nixdeps.toml"));
    assert_eq!(s.diagnostics(&uri)["diagnostics"], json!([]));
}

/// source.fixAll.nixdeps, the suppression action applied, and fix-all as
/// a command the server applies through workspace/applyEdit.
#[test]
fn fix_all_suppression_and_execute_command() {
    let dir = tempfile::tempdir().unwrap();
    let text = SCRIPT.replace("import yaml\n", "import yaml\nimport rich\n");
    let uri = uri_of(&dir.path().join("f.py"));
    let mut s = start(dir.path());
    s.initialize(json!({}), json!({"debounceMs": 0}));
    s.open(&uri, &text);
    assert_eq!(codes(&s.diagnostics(&uri)), ["ND001", "ND001"]);
    let whole = json!({"start": {"line": 0, "character": 0}, "end": {"line": 9, "character": 0}});
    let r = s.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": whole,
               "context": {"diagnostics": [], "only": ["source.fixAll"]}}),
    );
    let actions = r["result"].as_array().unwrap();
    assert_eq!(actions.len(), 1, "only the fix-all kind: {actions:?}");
    assert_eq!(actions[0]["kind"], "source.fixAll.nixdeps");
    let all = apply_edits(
        &text,
        actions[0]["edit"]["changes"][&uri].as_array().unwrap(),
    );
    assert_eq!(
        all,
        text.replace("[ ps.requests ]", "[ ps.pyyaml ps.requests ps.rich ]")
    );

    // Suppress ND001 for `import rich`.
    let r = s.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri},
               "range": {"start": {"line": 4, "character": 8}, "end": {"line": 4, "character": 8}},
               "context": {"diagnostics": [], "only": ["quickfix"]}}),
    );
    let ignore = r["result"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"] == "Ignore ND001 for this import")
        .cloned()
        .unwrap();
    let suppressed = apply_edits(&text, ignore["edit"]["changes"][&uri].as_array().unwrap());
    assert_eq!(
        suppressed,
        text.replace("import rich\n", "import rich  # nixdeps: ignore[ND001]\n")
    );
    s.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": suppressed}]}),
    );
    let d = s.diagnostics(&uri);
    assert_eq!(codes(&d), ["ND001"]);
    assert!(d["diagnostics"][0]["message"]
        .as_str()
        .unwrap()
        .contains("\"yaml\""));

    // Fix-all as a command: the server asks the client to apply the edit.
    let id = s.request_async(
        "workspace/executeCommand",
        json!({"command": "nixdeps.fixAll", "arguments": [uri]}),
    );
    let apply = s.wait_for(|m| m["method"] == "workspace/applyEdit");
    let edited = apply_edits(
        &suppressed,
        apply["params"]["edit"]["changes"][&uri].as_array().unwrap(),
    );
    assert_eq!(
        edited,
        suppressed.replace("[ ps.requests ]", "[ ps.pyyaml ps.requests ]")
    );
    s.send(&json!({"id": apply["id"], "result": {"applied": true}}));
    let r = s.wait_for(|m| m["id"] == id);
    assert_eq!(r["result"], Value::Null);
}

/// A header finding gets the imports of the declaration as related
/// information, and an "ignore in this file" action that works.
#[test]
fn header_findings_relate_to_imports() {
    let dir = tempfile::tempdir().unwrap();
    let text = "#!/usr/bin/env nix-shell\n\
#!nix-shell -i python3 -p \"python3.withPackages (ps: [ ps.requests ps.requests ])\"\n\
import requests\n";
    let uri = uri_of(&dir.path().join("h.py"));
    let mut s = start(dir.path());
    s.initialize(json!({}), json!({}));
    s.open(&uri, text);
    let d = s.diagnostics(&uri);
    assert_eq!(codes(&d), ["ND005"]);
    let diag = &d["diagnostics"][0];
    assert_eq!(diag["severity"], 2);
    let related = &diag["relatedInformation"][0];
    assert_eq!(related["location"]["range"]["start"]["line"], 2);
    assert!(related["message"].as_str().unwrap().contains("requests"));
    let r = s.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": diag["range"],
               "context": {"diagnostics": [diag]}}),
    );
    let ignore = r["result"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"] == "Ignore ND005 in this file")
        .cloned()
        .expect("an ignore-in-file action");
    let after = apply_edits(text, ignore["edit"]["changes"][&uri].as_array().unwrap());
    assert!(after.contains("ps.requests ])\"\n# nixdeps: ignore[ND005]\nimport requests\n"));
}

/// An unsafe fix is offered but marked: a title suffix, never preferred,
/// and left out of source.fixAll.nixdeps.
#[test]
fn unsafe_fixes_are_marked_and_not_in_fix_all() {
    let dir = tempfile::tempdir().unwrap();
    // numpy is unused, but an unresolved import might be what needs it.
    let text = "#!/usr/bin/env nix-shell\n\
#!nix-shell -i python3 -p \"python3.withPackages (ps: [ ps.numpy ])\"\n\
import zzz_nobody_knows_this_module\n";
    let uri = uri_of(&dir.path().join("u.py"));
    let mut s = start(dir.path());
    s.initialize(json!({}), json!({}));
    s.open(&uri, text);
    let d = s.diagnostics(&uri);
    let all = d["diagnostics"].as_array().unwrap();
    let unused = all.iter().find(|d| d["code"] == "ND002").expect("ND002");
    assert_eq!(unused["data"]["fix"]["applicability"], "unsafe");
    let r = s.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": unused["range"],
               "context": {"diagnostics": [unused]}}),
    );
    let actions = r["result"].as_array().unwrap();
    let fix = actions
        .iter()
        .find(|a| a["title"].as_str().unwrap().ends_with("(unsafe)"))
        .unwrap_or_else(|| panic!("an unsafe quick fix: {actions:?}"));
    assert_eq!(fix["kind"], "quickfix");
    assert!(fix.get("isPreferred").is_none_or(|p| p == false), "{fix}");
    let removed = apply_edits(text, fix["edit"]["changes"][&uri].as_array().unwrap());
    assert!(!removed.contains("numpy"), "{removed}");
    assert!(
        !actions.iter().any(|a| a["kind"] == "source.fixAll.nixdeps"),
        "no safe fix, so no fix-all: {actions:?}"
    );
}
