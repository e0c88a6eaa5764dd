#!/usr/bin/env python3
"""Precision and recall of nixdeps' shell rules over the hand-judged corpus.

    python3 scripts/measure-wild-shell.py [--nixdeps BIN] [--show]

Runs `BIN check --output-format json` (default target/debug/nixdeps) over
fixtures/wild-shell/ with no configuration and the embedded database only,
and compares its diagnostics with fixtures/wild-shell/expected.tsv:

* missing   ND016 missing-command findings (the command, per script) against
            the `missing-command` rows; "missing+unresolved" also counts
            ND018 unresolved-command findings as claims that a command is
            missing (nixdeps could not tell which package provides it);
* unused    ND017 unused-package findings (the header word) against the
            `unused-package` rows.

Prints true/false positives and false negatives per kind, precision and
recall, for the whole corpus and for the held-out scripts of heldout.txt
(judged after the data tables were frozen), and with --show every
disagreement. Exit status 0 unless nixdeps
cannot be run or its output is not what the JSON format promises.
Python 3.11 standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "fixtures", "wild-shell")
KINDS = {"missing-command", "unused-package"}


def expected() -> tuple[set[str], set[tuple[str, str, str]]]:
    """(scripts of the corpus, {(file, kind, name)}) from expected.tsv."""
    scripts = {f for f in os.listdir(CORPUS) if f.endswith(".sh")}
    rows: set[tuple[str, str, str]] = set()
    path = os.path.join(CORPUS, "expected.tsv")
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if line.startswith("#") or not line.strip():
                continue
            cells = line.rstrip("\n").split("\t")
            if len(cells) != 3 or cells[1] not in KINDS:
                sys.exit(f"{path}:{lineno}: want file<TAB>kind<TAB>name, kind one of {sorted(KINDS)}")
            if cells[0] not in scripts:
                sys.exit(f"{path}:{lineno}: {cells[0]} is not a script of the corpus")
            rows.add((cells[0], cells[1], cells[2]))
    return scripts, rows


def found(nixdeps: str, scripts: set[str]) -> tuple[set[tuple[str, str, str]], set[tuple[str, str, str]]]:
    """({(file, kind, name)} of ND016/ND017, {(file, missing-command, name)} of ND018)."""
    proc = subprocess.run(
        [nixdeps, "check", "--no-config", "--no-nixpkgs-index", "--output-format", "json",
         "--exit-zero", *sorted(scripts)],
        cwd=CORPUS, capture_output=True, text=True, check=False,
    )
    if proc.returncode != 0:
        sys.exit(f"{nixdeps} exited {proc.returncode}:\n{proc.stderr}")
    rules: set[tuple[str, str, str]] = set()
    unresolved: set[tuple[str, str, str]] = set()
    for d in json.loads(proc.stdout):
        file = os.path.basename(d["filename"])
        if d["code"] == "ND016":
            rules.add((file, "missing-command", d["module"]))
        elif d["code"] == "ND017":
            rules.add((file, "unused-package", d["attribute"]))
        elif d["code"] == "ND018":
            unresolved.add((file, "missing-command", d["module"]))
    return rules, unresolved


def heldout() -> set[str]:
    with open(os.path.join(CORPUS, "heldout.txt"), encoding="utf-8") as f:
        return {line.strip() for line in f if line.strip() and not line.startswith("#")}


def score(name: str, truth: set, claims: set, show: bool) -> None:
    tp, fp, fn = claims & truth, claims - truth, truth - claims
    precision = len(tp) / len(claims) if claims else float("nan")
    recall = len(tp) / len(truth) if truth else float("nan")
    print(
        f"{name:20} truth {len(truth):3}  claimed {len(claims):3}  TP {len(tp):3}  FP {len(fp):3}  "
        f"FN {len(fn):3}  precision {precision:.2f}  recall {recall:.2f}"
    )
    if show:
        for f, _, n in sorted(fp):
            print(f"    FP {f}: {n}")
        for f, _, n in sorted(fn):
            print(f"    FN {f}: {n}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--nixdeps", default=os.path.join(ROOT, "target", "debug", "nixdeps"))
    ap.add_argument("--show", action="store_true", help="list every false positive and negative")
    args = ap.parse_args()
    scripts, truth = expected()
    rules, unresolved = found(os.path.abspath(args.nixdeps), scripts)
    held = heldout()
    if not held <= scripts:
        sys.exit(f"heldout.txt names scripts the corpus lacks: {sorted(held - scripts)}")
    by = lambda rows, kind: {r for r in rows if r[1] == kind}  # noqa: E731
    for title, keep in [("all", scripts), ("held-out", held)]:
        sub = lambda rows: {r for r in rows if r[0] in keep}  # noqa: E731
        t = sub(truth)
        print(f"{title}: {len(keep)} scripts, {len(t)} expected findings")
        score("missing", by(t, "missing-command"), by(sub(rules), "missing-command"), args.show)
        score(
            "missing+unresolved",
            by(t, "missing-command"),
            by(sub(rules), "missing-command") | sub(unresolved),
            args.show,
        )
        score("unused", by(t, "unused-package"), by(sub(rules), "unused-package"), args.show)

if __name__ == "__main__":
    main()
