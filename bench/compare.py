#!/usr/bin/env python3
"""nixdeps against ruff, deptry and fawltydeps (issue 4 item 7). Not a test: a measurement.

    python3 bench/compare.py                     # N = 2000 and 20000, best of 3, everything
    python3 bench/compare.py --sizes 2000 --runs 5 --no-build --skip fawltydeps

What it does, in one run so all tools see the same machine state:
1. bench/out/venv: a venv with pinned ruff, deptry and fawltydeps from PyPI (reused when the
   versions match); hyperfine and GNU time from apt when missing (best effort).
2. `cargo build --release` (skip with --no-build) -> target/release/nixdeps.
3. bench/out/corpus-N/: N nix-shell scripts made from this machine's Python standard library
   (cycling through the files when N exceeds them), in scripts/, plus a pyproject.toml whose
   [project].dependencies lists every declared package (deptry and fawltydeps need a project)
   and an empty git repository (so the repo's own .gitignore, which ignores bench/out, does
   not hide the files from gitignore-aware tools such as ruff and nixdeps).
   Each script gets `#!/usr/bin/env nix-shell` and a `#!nix-shell -i python3 -p …` line in
   one of three styles (withPackages with `ps.x`, with `with ps;`, python3Packages words)
   declaring its first top-level third-party-looking imports — standard-library files have
   few, so files without any declare their first two top-level imports as if they were
   packages (nixdeps then has unused/unknown declarations to report: real work, not a no-op).
4. Times over the same scripts/ directory:
   nixdeps check --output-format concise --exit-zero scripts
   ruff check --select F401 --no-cache --exit-zero --isolated scripts
   deptry .                                           (its whole scan, from the project root)
   fawltydeps --check --code scripts --deps pyproject.toml
   and a pre-commit-sized run: one script, process start to exit (hyperfine, 20 runs).
   The full default run took ≈25 minutes on the loaded 2-core machine, 13 of them fawltydeps
   on 20,000 files; `--skip fawltydeps` or `--sizes 2000` for a quick look.
5. Prints a Markdown table (wall = best run, files/s, peak RSS, ratio of the tool's time to
   nixdeps') and writes it to bench/out/results.md (+ results.json).

When nixdeps is still the skeleton binary (no `check`), it is timed all the same and marked
STUB: the numbers then only show process start-up, and the ratios are meaningless.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import sysconfig
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import (OUT, SLOW_SECONDS, Measure, build_nixdeps, ensure_system_tools, fmt, fmt_s, log,  # noqa: E402
                      machine_line, measure, nixdeps_status)

PINS = {"ruff": "0.17.5", "deptry": "0.25.1", "fawltydeps": "0.20.0"}
TOOLS = ["nixdeps", "ruff", "deptry", "fawltydeps"]
TOP_IMPORT = re.compile(r"^(?:import|from)[ \t]+([A-Za-z_]\w*)")


def ensure_venv(skip_install: bool) -> Path:
    venv = OUT / "venv"
    bindir = venv / "bin"
    want = [f"{k}=={v}" for k, v in PINS.items()]
    if not (bindir / "python").exists():
        log("creating bench/out/venv")
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    have = subprocess.run([str(bindir / "python"), "-m", "pip", "freeze"], capture_output=True, text=True).stdout
    missing = [w for w in want if w.lower() not in have.lower()]
    if missing and not skip_install:
        log(f"pip install {' '.join(missing)}")
        subprocess.run([str(bindir / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check",
                        *missing], check=True)
    return bindir


def stdlib_files() -> list[Path]:
    root = Path(sysconfig.get_paths()["stdlib"])
    files = []
    for p in sorted(root.rglob("*.py")):
        if "site-packages" in p.parts or "dist-packages" in p.parts:
            continue
        try:
            p.read_bytes().decode("utf-8")
        except (UnicodeDecodeError, OSError):
            continue  # latin-1 test files: their cookie would sit below our header
        files.append(p)
    return files


def attr(name: str) -> str:
    """nixpkgs-style attribute (and PEP 508 name) for an import name: `_ssl_x` -> `ssl-x`."""
    return name.lower().strip("_").replace("_", "-")


def header(i: int, names: list[str]) -> str:
    attrs = [attr(n) for n in names]
    style = i % 3
    if style == 0:
        p = '"python3.withPackages (ps: [ ' + "".join(f"ps.{a} " for a in attrs) + '])"'
    elif style == 1:
        p = '"python3.withPackages (ps: with ps; [ ' + "".join(f"{a} " for a in attrs) + '])"'
    else:
        p = " ".join(f"python3Packages.{a}" for a in attrs) or "python3"
    return f"#!/usr/bin/env nix-shell\n#!nix-shell -i python3 -p {p}\n"


def declared_names(text: str) -> list[str]:
    stdlib = set(sys.stdlib_module_names)
    firsts: list[str] = []
    for line in text.splitlines():
        m = TOP_IMPORT.match(line)
        if m and m.group(1) != "__future__" and m.group(1) not in firsts:
            firsts.append(m.group(1))
        if len(firsts) >= 8:
            break
    firsts = [n for n in firsts if not n.startswith("_") and attr(n)]
    third = [n for n in firsts if n not in stdlib][:3]
    return third or firsts[:2]


def build_corpus(n: int, sources: list[Path]) -> Path:
    corpus = OUT / f"corpus-{n}"
    stamp = corpus / ".stamp"
    key = f"{n} {len(sources)} v3"
    if stamp.exists() and stamp.read_text() == key:
        return corpus
    log(f"building {corpus} from {len(sources)} standard-library files")
    if corpus.exists():
        subprocess.run(["rm", "-rf", str(corpus)], check=True)
    scripts = corpus / "scripts"
    scripts.mkdir(parents=True)
    root = Path(sysconfig.get_paths()["stdlib"])
    deps: set[str] = set()
    cache: dict[Path, tuple[str, list[str]]] = {}
    for i in range(n):
        src = sources[i % len(sources)]
        if src not in cache:
            text = src.read_text(encoding="utf-8").removeprefix("\ufeff")
            if text.startswith("#!"):
                text = text.split("\n", 1)[1] if "\n" in text else ""
            cache[src] = (text, declared_names(text))
        text, names = cache[src]
        deps.update(attr(n_) for n_ in names)
        stem = "_".join(src.relative_to(root).with_suffix("").parts)
        (scripts / f"s{i:05d}_{stem}.py").write_text(header(i, names) + text, encoding="utf-8")
    dep_list = ",\n".join(f'  "{d}"' for d in sorted(deps))
    (corpus / "pyproject.toml").write_text(
        f'[project]\nname = "nixdeps-bench-corpus"\nversion = "0"\nrequires-python = ">=3.11"\n'
        f"dependencies = [\n{dep_list}\n]\n")
    subprocess.run(["git", "init", "-q", str(corpus)], check=True)
    stamp.write_text(key)
    return corpus


def commands(tool: str, nixdeps: Path, bindir: Path, target: str) -> list[str]:
    """The command for `target` (a directory or one file, relative to the project root)."""
    return {
        "nixdeps": [str(nixdeps), "check", "--output-format", "concise", "--exit-zero", target],
        "ruff": [str(bindir / "ruff"), "check", "--select", "F401", "--no-cache", "--exit-zero", "--isolated",
                 target],
        "deptry": [str(bindir / "deptry"), "."],
        "fawltydeps": [str(bindir / "fawltydeps"), "--check", "--code", target, "--deps", "pyproject.toml"],
    }[tool]


def ratio(wall: float, base: float, stub: bool, spec: str) -> str:
    if stub:
        return "n/a (stub)"
    return fmt(wall / base if base == base and base > 0 else float("nan"), spec) + "×"


def table(rows: list[Measure], n: int, stub: bool) -> str:
    base = next((r.wall for r in rows if r.name == "nixdeps"), float("nan"))
    out = ["| tool | wall (best) | runs | files/s | CPU user+sys | peak RSS | time ÷ nixdeps | exit | output lines |",
           "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        out.append(f"| {r.name} | {fmt_s(r.wall)} | {r.runs} | {fmt(n / r.wall, '.0f')} | {fmt_s(r.cpu)} | "
                   f"{fmt(r.rss_mb)} MB | {ratio(r.wall, base, stub, '.2f')} | {r.exit_code} | {r.out_lines} |")
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="2000,20000", help="corpus sizes (comma-separated)")
    ap.add_argument("--runs", type=int, default=3, help="timed runs per tool (best is reported)")
    ap.add_argument("--no-build", action="store_true", help="use the existing target/release/nixdeps")
    ap.add_argument("--nixdeps", help="time this nixdeps binary instead (implies --no-build)")
    ap.add_argument("--skip", default="", help="tools to leave out, e.g. fawltydeps")
    ap.add_argument("--slow", type=float, default=SLOW_SECONDS,
                    help="a tool whose first run takes longer is measured once (default %(default)s s)")
    ap.add_argument("--skip-install", action="store_true", help="do not pip install into bench/out/venv")
    args = ap.parse_args()
    tools = [t for t in TOOLS if t not in args.skip.split(",")]

    OUT.mkdir(parents=True, exist_ok=True)
    hyperfine, gnu_time = ensure_system_tools()
    bindir = ensure_venv(args.skip_install)
    nixdeps = Path(args.nixdeps).resolve() if args.nixdeps else build_nixdeps(args.no_build)
    status = nixdeps_status(nixdeps)
    versions = {t: subprocess.run([str(bindir / t), "--version"], capture_output=True, text=True).stdout.strip()
                for t in PINS}
    sources = stdlib_files()
    stub = status != "functional"

    md = ["# nixdeps vs ruff, deptry, fawltydeps", "",
          f"Machine: {machine_line()}.", f"nixdeps: {status}.",
          "Versions: " + ", ".join(f"{v}" for v in versions.values()) + ".",
          f"Corpus source: {len(sources)} UTF-8 standard-library files of Python {sys.version.split()[0]}.",
          f"Timing: {'hyperfine -N' if hyperfine else 'own timer'}, best of {args.runs} after one "
          f"{'/usr/bin/time' if gnu_time else 'untimed'} run for peak RSS and CPU time "
          f"(tools slower than {args.slow:g} s: that one run).",
          ""]
    results: dict = {"status": status, "versions": versions, "sizes": {}}
    for n in [int(s) for s in args.sizes.split(",") if s]:
        corpus = build_corpus(n, sources)
        rows = [measure(t, commands(t, nixdeps, bindir, "scripts"), corpus, args.runs, hyperfine, gnu_time,
                        slow=args.slow)
                for t in tools]
        md += [f"## {n} scripts (`{corpus.relative_to(OUT.parent.parent)}`)", "", table(rows, n, stub), ""]
        results["sizes"][n] = [r.__dict__ for r in rows]

    # Pre-commit-sized: one script in a one-file project, process start to exit.
    one = OUT / "one"
    if not (one / ".git").exists():
        (one / "scripts").mkdir(parents=True, exist_ok=True)
        first = sorted((OUT / f"corpus-{args.sizes.split(',')[0]}" / "scripts").iterdir())
        src = next((p for p in first if p.name.endswith("_argparse.py")), first[0])
        text = src.read_text(encoding="utf-8")
        (one / "scripts" / "hook.py").write_text(text, encoding="utf-8")
        deps = "".join(f'  "{attr(d)}",\n' for d in declared_names(text))
        (one / "pyproject.toml").write_text(f'[project]\nname = "one"\nversion = "0"\ndependencies = [\n{deps}]\n')
        subprocess.run(["git", "init", "-q", str(one)], check=True)
    rows = [measure(t, commands(t, nixdeps, bindir, "scripts/hook.py"), one, 20, hyperfine, gnu_time, warmup=3)
            for t in tools]
    lines = ["| tool | best | mean | runs | CPU user+sys | peak RSS | time ÷ nixdeps |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    base = next((r.wall for r in rows if r.name == "nixdeps"), float("nan"))
    for r in rows:
        lines.append(f"| {r.name} | {fmt_s(r.wall)} | {fmt_s(r.mean)} | {r.runs} | {fmt_s(r.cpu)} | {fmt(r.rss_mb)} MB | "
                     f"{ratio(r.wall, base, stub, '.1f')} |")
    md += ["## Pre-commit-sized run: one script (`argparse.py`), process start to exit", "", *lines, ""]
    results["one"] = [r.__dict__ for r in rows]

    text = "\n".join(md)
    (OUT / "results.md").write_text(text)
    (OUT / "results.json").write_text(json.dumps(results, indent=1, default=str))
    print(text)


if __name__ == "__main__":
    main()
