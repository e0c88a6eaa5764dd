#!/usr/bin/env python3
"""How `nixdeps check` scales with the size of one script's header (issue 9 item 1).

    python3 bench/headers.py                        # 1k, 10k, 100k header lines, best of 3
    python3 bench/headers.py --sizes 1000,10000 --shapes repeat,one-line --runs 5 --no-build

For each shape and size N it writes bench/out/headers/SHAPE-N.py, one nix-shell script whose
header is hostile in one way:
- repeat:        N lines `#!nix-shell -p python3Packages.requests` (N - 1 ND005, the issue's case);
- one-line:      one `#!nix-shell -p` line of N words `python3Packages.requests` (N - 1 ND005 on
                 one very long line: the human renderer must not print the line N times);
- distinct:      N lines, each a different package of the embedded snapshot (data/attrs.txt,
                 cycled past its size), none imported: one ND002 each, fixed by removal;
- options:       N lines of `-I`, `--arg`, `--argstr`, `--keep` and bundled short options, then one
                 `-p python3Packages.requests`;
- with-packages: one `python3.withPackages (ps: [ … ])` list of N elements, every tenth one new,
                 the rest repeats (ND005 inside one Nix list);
- imports:       N/2 lines declaring packages and N/2 imports of other packages' modules (ND001,
                 ND002, ND008 meet: each import against every declaration was N² / 4).
Then it times, with the release binary and best of --runs (CPU user+sys beside wall time):
`check --no-config FILE` (human output), `check --no-config --diff FILE`, and
`check --no-config --fix` on a fresh copy of FILE. It checks that the fix did its work (the
fixed copy checks clean, or keeps only the findings that have no fix) and prints, per shape and
mode, the exponent b of a fit time ≈ a·N^b (b ≈ 1 is linear). Any b above --max-exponent
(default 1.2) makes the run exit 1.
Output: a Markdown table printed and written to bench/out/headers.md (+ headers.json).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import OUT, REPO, build_nixdeps, fmt_s, log, machine_line  # noqa: E402

SHEBANG = "#!/usr/bin/env nix-shell\n#!nix-shell -i python3\n"


def attrs() -> list[str]:
    names = [a.strip() for a in (REPO / "data" / "attrs.txt").read_text().splitlines()]
    # Names of the snapshot that a plain Nix identifier can carry.
    return [a for a in names if a and a[0].isalpha() and all(c.isalnum() or c in "_-" for c in a)]


def generate(shape: str, n: int, names: list[str]) -> str:
    if shape == "repeat":
        head = "#!nix-shell -p python3Packages.requests\n" * n
        return SHEBANG + head + "import requests\n\nprint(requests.__name__)\n"
    if shape == "one-line":
        head = "#!nix-shell -p" + " python3Packages.requests" * n + "\n"
        return SHEBANG + head + "import requests\n\nprint(requests.__name__)\n"
    if shape == "distinct":
        head = "".join(f"#!nix-shell -p python3Packages.{names[i % len(names)]}\n" for i in range(n))
        return SHEBANG + head + "import os\n\nprint(os.sep)\n"
    if shape == "options":
        kinds = ["-I nixpkgs=/tmp/nixpkgs-{i}", "--arg a{i} {i}", "--argstr s{i} v{i}", "--keep VAR{i}", "-vQ"]
        head = "".join(f"#!nix-shell {kinds[i % len(kinds)].format(i=i)}\n" for i in range(n))
        return SHEBANG + head + "#!nix-shell -p python3Packages.requests\nimport requests\n\nprint(requests.__name__)\n"
    if shape == "with-packages":
        items = " ".join(f"ps.{names[i // 10 % len(names)]}" for i in range(n))
        imports = "".join(f"import {names[i // 10 % len(names)].replace('-', '_')}  # nixdeps: ignore\n"
                          for i in range(0, min(n, 50), 10))
        return SHEBANG + f'#!nix-shell -p "python3.withPackages (ps: [ {items} ])"\n' + imports
    if shape == "imports":
        half = n // 2
        head = "".join(f"#!nix-shell -p python3Packages.{names[i % len(names)]}\n" for i in range(half))
        body = "".join(f"import {names[-1 - i % len(names)].replace('-', '_')}\n" for i in range(n - half))
        return SHEBANG + head + body
    raise SystemExit(f"unknown shape {shape}")


SHAPES = ["repeat", "one-line", "distinct", "options", "with-packages", "imports"]
MODES = ["check", "diff", "fix"]


def run_once(argv: list[str], cwd: Path) -> tuple[float, float, int, bytes]:
    """(wall s, CPU user+sys s, exit code, stdout) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    r = subprocess.run(argv, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if r.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(argv)} failed ({r.returncode}): {r.stderr.decode(errors='replace')[-400:]}")
    return wall, cpu, r.returncode, r.stdout


def diagnostics(nixdeps: Path, path: Path) -> tuple[int, int]:
    """(diagnostics, of which with a safe fix: what --fix applies) of `check --output-format json`."""
    r = subprocess.run([str(nixdeps), "check", "--no-config", "--output-format", "json", path.name],
                       cwd=path.parent, capture_output=True, check=False)
    found = json.loads(r.stdout or b"[]")
    items = found if isinstance(found, list) else found.get("diagnostics", [])
    return len(items), sum(1 for d in items if (d.get("fix") or {}).get("applicability") == "safe")


def measure(nixdeps: Path, mode: str, src: Path, runs: int) -> dict:
    work = src.parent / "work"
    work.mkdir(exist_ok=True)
    walls, cpus, out_bytes = [], [], 0
    for _ in range(runs):
        if mode == "fix":
            target = work / src.name
            shutil.copyfile(src, target)
            argv, cwd = [str(nixdeps), "check", "--no-config", "--fix", target.name], work
        else:
            flags = ["--diff"] if mode == "diff" else []
            argv, cwd = [str(nixdeps), "check", "--no-config", *flags, src.name], src.parent
        wall, cpu, _, out = run_once(argv, cwd)
        walls.append(wall)
        cpus.append(cpu)
        out_bytes = len(out)
    row = {"wall": min(walls), "cpu": min(cpus), "runs": runs, "out_bytes": out_bytes}
    if mode == "fix":
        left, fixable = diagnostics(nixdeps, work / src.name)
        row["after_fix"], row["after_fix_fixable"] = left, fixable
    return row


def exponent(points: list[tuple[int, float]]) -> float:
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(max(t, 1e-6)) for _, t in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--shapes", default=",".join(SHAPES))
    ap.add_argument("--modes", default=",".join(MODES))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--max-exponent", type=float, default=1.2)
    ap.add_argument("--no-build", action="store_true", help="use the existing target/release/nixdeps")
    ap.add_argument("--nixdeps", help="time this nixdeps binary instead (implies --no-build)")
    args = ap.parse_args()

    nixdeps = Path(args.nixdeps).resolve() if args.nixdeps else build_nixdeps(args.no_build)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    shapes = [s for s in args.shapes.split(",") if s]
    modes = [m for m in args.modes.split(",") if m]
    root = OUT / "headers"
    root.mkdir(parents=True, exist_ok=True)
    names = attrs()
    rows = []
    for shape in shapes:
        for n in sizes:
            src = root / f"{shape}-{n}.py"
            src.write_text(generate(shape, n, names))
            found, fixable = diagnostics(nixdeps, src)
            for mode in modes:
                log(f"{shape} N={n} {mode}")
                m = measure(nixdeps, mode, src, args.runs)
                rows.append({"shape": shape, "n": n, "mode": mode, "bytes": src.stat().st_size,
                             "diagnostics": found, "fixable": fixable, **m})
                log(f"  -> best {m['wall']:.3f}s wall, {m['cpu']:.3f}s CPU")

    md = ["# nixdeps check: scaling with the size of one header", "", f"Machine: {machine_line()}.",
          f"Binary: {nixdeps}. Best of {args.runs}; `check --no-config` (human output), `--diff`, "
          "`--fix` on a fresh copy.", "",
          "| shape | N | KB | diagnostics (safe fixes) | mode | wall (best) | CPU (best) | output KB | left after --fix |",
          "|---|---:|---:|---:|---|---:|---:|---:|---:|"]
    for r in rows:
        left = f"{r['after_fix']} ({r['after_fix_fixable']} safe fixes)" if "after_fix" in r else ""
        md.append(f"| {r['shape']} | {r['n']} | {r['bytes'] / 1e3:.0f} | {r['diagnostics']} ({r['fixable']}) | "
                  f"{r['mode']} | {fmt_s(r['wall'])} | {fmt_s(r['cpu'])} | {r['out_bytes'] / 1e3:.0f} | {left} |")
    md += ["", "| shape | mode | growth exponent b (wall) | b (CPU) | verdict |", "|---|---|---:|---:|---|"]
    worst = 0.0
    failures = []
    for shape in shapes:
        for mode in modes:
            pts = [r for r in rows if r["shape"] == shape and r["mode"] == mode]
            if len(pts) < 2:
                continue
            bw = exponent([(r["n"], r["wall"]) for r in pts])
            bc = exponent([(r["n"], max(r["cpu"], 1e-3)) for r in pts])
            b = min(bw, bc)  # one of them may carry another engineer's build
            worst = max(worst, b)
            ok = b <= args.max_exponent
            # A fix that leaves fixable findings did not do its work.
            fixed = all(r.get("after_fix_fixable", 0) == 0 for r in pts)
            if not ok or not fixed:
                failures.append(f"{shape}/{mode}")
            verdict = ("linear" if ok else f"NOT linear (> {args.max_exponent})") + ("" if fixed else "; FIX INCOMPLETE")
            md.append(f"| {shape} | {mode} | {bw:.2f} | {bc:.2f} | {verdict} |")
    md += ["", f"Worst exponent: {worst:.2f} (limit {args.max_exponent})."
           + (f" FAILED: {', '.join(failures)}." if failures else ""), ""]
    text = "\n".join(md)
    (OUT / "headers.md").write_text(text)
    (OUT / "headers.json").write_text(json.dumps({"binary": str(nixdeps), "rows": rows}, indent=1))
    print(text)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    os.environ.setdefault("NO_COLOR", "1")
    main()
