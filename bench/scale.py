#!/usr/bin/env python3
"""How `nixdeps check` scales with the size of the tree it walks (issue 5 item 3).

    python3 bench/scale.py                          # 10k, 30k, 100k files, best of 3
    python3 bench/scale.py --sizes 10000,30000 --runs 5 --no-build

For each size N it generates (once; reused while the generator version is unchanged)
bench/out/scale-N/, a git repository shaped like a real monorepo:
- about 3% nix-shell Python scripts (3,000 at N = 100k), made from this machine's standard
  library as in bench/compare.py, with and without .py extensions, some not executable-looking;
- the rest non-scripts of many kinds: Python modules, bash and plain-python shebang scripts,
  Markdown, JSON, TOML, Nix, C, Rust, binary blobs (with NUL bytes), empty files, one-line files;
- nested directories (up to 5 levels, about 40 entries each);
- a .gitignore that hides build/ and *.log trees (ignored files hold nix-shell scripts too, so a
  walker that does not honour it does visibly more work) and a hidden .cache/ directory.
Then it times `nixdeps check --exit-zero scale-N` (best of --runs, peak RSS from GNU time) and
reports wall time, files/s, peak RSS and whether time grows linearly: the time per 1,000 files
at each size, and the exponent b of a fit time ≈ a·N^b (b ≈ 1 is linear).
Output: a Markdown table printed and written to bench/out/scale.md (+ scale.json).

With the skeleton nixdeps (no `check` yet) the run still completes, marked STUB.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import (OUT, build_nixdeps, ensure_system_tools, fmt, fmt_s, log, machine_line,  # noqa: E402
                      measure, nixdeps_status)
from compare import declared_names, header, stdlib_files  # noqa: E402

GEN_VERSION = "v2"
SCRIPT_SHARE = 0.03
FANOUT = 40


def filler(rng: random.Random, kind: str, i: int) -> tuple[str, bytes]:
    """(file name suffix, contents) of a non-script file."""
    words = ["alpha", "beta", "gamma", "delta", "nix", "shell", "python", "import", "package"]
    line = " ".join(rng.choice(words) for _ in range(8))
    if kind == "md":
        return ".md", f"# Note {i}\n\n{line}\n\n```sh\n#!nix-shell -p python3\n```\n".encode()
    if kind == "json":
        return ".json", json.dumps({"id": i, "tags": line.split()}).encode()
    if kind == "toml":
        return ".toml", f'[tool]\nname = "p{i}"\nwords = "{line}"\n'.encode()
    if kind == "nix":
        return ".nix", f"{{ pkgs ? import <nixpkgs> {{}} }}:\npkgs.mkShell {{ packages = [ pkgs.jq ]; }} # {i}\n".encode()
    if kind == "c":
        return ".c", f"#include <stdio.h>\nint f{i}(void) {{ return {i}; }} /* {line} */\n".encode()
    if kind == "rs":
        return ".rs", f"pub fn f{i}() -> u32 {{ {i} }} // {line}\n".encode()
    if kind == "py":
        return ".py", f"import os\nimport json\n\n\ndef f{i}():\n    return os.sep + json.dumps({i})\n".encode()
    if kind == "bash":
        return ".sh", f"#!/usr/bin/env bash\n# {line}\necho {i}\n".encode()
    if kind == "pyshebang":
        return "", f"#!/usr/bin/env python3\nimport sys\nprint({i}, sys.argv)\n".encode()
    if kind == "bashnix":  # a nix-shell script, but not Python: skipped by the checker
        return "", f"#!/usr/bin/env nix-shell\n#!nix-shell -i bash -p jq\necho {i}\n".encode()
    if kind == "bin":
        return ".bin", bytes(rng.getrandbits(8) for _ in range(rng.choice([16, 512, 4096]))) + b"\0"
    if kind == "empty":
        return ".txt", b""
    return ".txt", (line + "\n").encode() * rng.randint(1, 40)


KINDS = ["txt"] * 6 + ["md"] * 3 + ["json"] * 3 + ["py"] * 4 + ["c", "rs", "toml", "nix", "bash", "pyshebang",
                                                              "bashnix", "bin", "empty"]


def dir_for(i: int) -> str:
    """Nested path for the i-th file: FANOUT entries per directory, up to 5 levels."""
    parts = []
    j = i // FANOUT
    while j:
        parts.append(f"d{j % FANOUT:02d}")
        j //= FANOUT
    return "/".join(reversed(parts[:5]))


def generate(n: int, sources: list[Path]) -> tuple[Path, dict]:
    root = OUT / f"scale-{n}"
    stamp = root / ".git" / "nixdeps-bench-stamp"
    key = f"{n} {len(sources)} {GEN_VERSION}"
    meta_file = OUT / f"scale-{n}.meta.json"
    if stamp.exists() and stamp.read_text() == key and meta_file.exists():
        return root, json.loads(meta_file.read_text())
    log(f"generating {root}")
    subprocess.run(["rm", "-rf", str(root)], check=True)
    root.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    (root / ".gitignore").write_text("build/\n*.log\n")
    rng = random.Random(n)
    texts: dict[Path, tuple[str, list[str]]] = {}
    counts = {"scripts": 0, "ignored": 0, "hidden": 0, "other": 0}
    n_ignored = n // 50   # 2% behind .gitignore, 1% hidden
    n_hidden = n // 100
    for i in range(n):
        if i < n_ignored:
            where, bucket = ("build/out" if i % 2 else "logs/run.log") + f"/{dir_for(i)}", "ignored"
        elif i < n_ignored + n_hidden:
            where, bucket = f".cache/{dir_for(i)}", "hidden"
        else:
            where, bucket = f"src/{dir_for(i)}", None
        d = root / where
        d.mkdir(parents=True, exist_ok=True)
        if rng.random() < SCRIPT_SHARE:
            src = sources[rng.randrange(len(sources))]
            if src not in texts:
                t = src.read_text(encoding="utf-8").removeprefix("\ufeff")
                if t.startswith("#!"):
                    t = t.split("\n", 1)[1] if "\n" in t else ""
                texts[src] = (t, declared_names(t))
            t, names = texts[src]
            name = f"tool{i}" + (".py" if i % 3 else "")
            (d / name).write_text(header(i, names) + t, encoding="utf-8")
            counts["scripts" if bucket is None else bucket] += 1
        else:
            suffix, data = filler(rng, rng.choice(KINDS), i)
            (d / f"f{i}{suffix}").write_bytes(data)
            counts["other" if bucket is None else bucket] += 1
    meta = {"files": n, **counts,
            "bytes": sum(p.stat().st_size for p in root.rglob("*") if p.is_file() and ".git" not in p.parts),
            "dirs": sum(1 for p in root.rglob("*") if p.is_dir() and ".git" not in p.parts)}
    meta_file.write_text(json.dumps(meta))
    stamp.write_text(key)
    return root, meta


def growth(rows: list) -> str:
    """Log-log slope, and whether the marginal cost per file stays put (start-up excluded)."""
    if len(rows) < 2:
        return "not enough sizes"
    xs = [math.log(n) for n, _, _ in rows]
    ys = [math.log(max(m.wall, 1e-6)) for _, _, m in rows]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
    marg = [(m2.wall - m1.wall) / (n2 - n1) * 1e6 for (n1, _, m1), (n2, _, m2) in zip(rows, rows[1:])]
    pos = [x for x in marg if x > 0]
    if len(pos) != len(marg):
        verdict = "no growth measured"
    elif len(marg) == 1 or max(pos) / min(pos) <= 1.5:
        verdict = "linear"
    elif max(pos) == pos[-1]:
        verdict = f"NOT linear: each file costs more in a bigger tree ({pos[-1] / min(pos):.1f}× the first step)"
    else:
        verdict = "linear or better (the marginal cost falls as the tree grows)"
    return (f"fit time ≈ a·N^{b:.2f}; marginal cost " + ", ".join(f"{x:.3f}" for x in marg)
            + f" ms per 1k files between successive sizes → {verdict}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10000,30000,100000")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--no-build", action="store_true", help="use the existing target/release/nixdeps")
    ap.add_argument("--nixdeps", help="time this nixdeps binary instead (implies --no-build)")
    ap.add_argument("--args", default="--exit-zero", help="extra nixdeps check arguments")
    args = ap.parse_args()

    OUT.mkdir(parents=True, exist_ok=True)
    hyperfine, gnu_time = ensure_system_tools()
    nixdeps = Path(args.nixdeps).resolve() if args.nixdeps else build_nixdeps(args.no_build)
    status = nixdeps_status(nixdeps)
    sources = stdlib_files()
    rows, floor = [], []
    for n in [int(s) for s in args.sizes.split(",") if s]:
        root, meta = generate(n, sources)
        m = measure(f"nixdeps {n}", [str(nixdeps), "check", *args.args.split(), root.name], OUT, args.runs,
                    hyperfine, gnu_time, warmup=0, slow=120.0)
        rows.append((n, meta, m))
        # Floor: listing the tree costs this much anyway (and shows the tree itself grows linearly).
        floor.append((n, meta, measure(f"find {n}", ["find", root.name, "-type", "f"], OUT, args.runs,
                                       hyperfine, gnu_time)))

    md = ["# nixdeps check: scaling with tree size", "", f"Machine: {machine_line()}.", f"nixdeps: {status}.",
          f"Command: `nixdeps check {args.args} scale-N` from bench/out, best of {args.runs}; "
          "`find scale-N -type f` as the floor.", "",
          "| command | files | scripts | ignored + hidden | dirs | MB | wall (best) | files/s | ms per 1k files "
          "| CPU user+sys | peak RSS | exit | output lines |",
          "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for label, rs in (("nixdeps check", rows), ("find", floor)):
        for n, meta, m in rs:
            md.append(f"| {label} | {n} | {meta['scripts']} | {meta['ignored']} + {meta['hidden']} | "
                      f"{meta['dirs']} | {meta['bytes'] / 1e6:.0f} | {fmt_s(m.wall)} | {fmt(n / m.wall, '.0f')} | "
                      f"{fmt(m.wall / n * 1e6, '.2f')} | {fmt_s(m.cpu)} | {fmt(m.rss_mb)} MB | {m.exit_code} | "
                      f"{m.out_lines} |")
    md += ["", f"Growth of nixdeps check: {growth(rows)}"
           + (" (meaningless with the stub binary: it does not walk the tree)" if "STUB" in status else "") + ".",
           f"Growth of find: {growth(floor)}.", ""]
    text = "\n".join(md)
    (OUT / "scale.md").write_text(text)
    (OUT / "scale.json").write_text(json.dumps(
        {"status": status, "rows": [{"n": n, **meta, **m.__dict__} for n, meta, m in rows],
         "floor": [{"n": n, **m.__dict__} for n, _, m in floor]}, indent=1, default=str))
    print(text)


if __name__ == "__main__":
    main()
