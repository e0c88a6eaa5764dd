"""Shared helpers for bench/compare.py and bench/scale.py: tool set-up and measurement.

Timing: one run under `/usr/bin/time` gives peak RSS (and serves as warm-up); then, if that run
took less than SLOW_SECONDS, `hyperfine -N` (no shell in between) does RUNS more runs and the
best is kept. A tool slower than that is measured once: three 4-minute runs would teach nothing
more and keep six other engineers' builds waiting on a 2-core machine.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "bench" / "out"
SLOW_SECONDS = 15.0


def log(msg: str) -> None:
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


def is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def apt_install(pkg: str) -> bool:
    """Best effort: the harness still runs (with less detail) without the package."""
    sudo = [] if is_root() else ["sudo"]
    if sudo and not shutil.which("sudo"):
        return False
    log(f"installing {pkg} (apt)")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run([*sudo, "apt-get", "update", "-qq"], env=env, check=False)
    r = subprocess.run([*sudo, "apt-get", "install", "-y", "-qq", pkg], env=env, check=False,
                       stdout=subprocess.DEVNULL)
    return r.returncode == 0


def ensure_system_tools() -> tuple[str | None, str | None]:
    """(hyperfine path or None, GNU time path or None)."""
    if not shutil.which("hyperfine"):
        apt_install("hyperfine")
    if not Path("/usr/bin/time").exists():
        apt_install("time")
    gnu_time = "/usr/bin/time" if Path("/usr/bin/time").exists() else None
    return shutil.which("hyperfine"), gnu_time


def build_nixdeps(skip: bool) -> Path:
    binary = REPO / "target" / "release" / "nixdeps"
    if not skip:
        log("cargo build --release")
        subprocess.run(["cargo", "build", "--release", "--locked", "--bin", "nixdeps"], cwd=REPO, check=True)
    if not binary.exists():
        sys.exit(f"{binary} missing: run without --no-build")
    return binary


def nixdeps_status(binary: Path) -> str:
    """'functional' when `nixdeps check` exists, else a short description of what it is."""
    try:
        r = subprocess.run([str(binary), "check", "--help"], capture_output=True, text=True, timeout=30)
        ver = subprocess.run([str(binary), "--version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"not runnable ({e})"
    # The skeleton binary ignores its arguments and prints its version: that is not a check.
    if r.returncode == 0 and "check" in (r.stdout + r.stderr).lower() and r.stdout.strip() != ver.stdout.strip():
        return "functional"
    return f"STUB ({(ver.stdout or r.stdout).strip() or 'no output'}): timings are process start/exit only"


@dataclass
class Measure:
    name: str
    argv: list[str]
    wall: float = float("nan")       # best wall time, seconds
    mean: float = float("nan")
    runs: int = 0
    rss_mb: float = float("nan")
    cpu: float = float("nan")        # user + sys seconds of the RSS run: steadier than wall on a busy machine
    exit_code: int | None = None
    out_lines: int = 0               # stdout + stderr lines of the RSS run: proves the tool saw the files
    note: str = ""
    times: list[float] = field(default_factory=list)


def measure(name: str, argv: list[str], cwd: Path, runs: int, hyperfine: str | None,
            gnu_time: str | None, warmup: int = 0, slow: float = SLOW_SECONDS) -> Measure:
    m = Measure(name, argv)
    log(f"{name}: {shlex.join(argv)}  (cwd {cwd})")
    with tempfile.TemporaryDirectory() as td:
        out_file, time_file = Path(td) / "out", Path(td) / "time"
        pre = [gnu_time, "-f", "%e %U %S %M %x", "-o", str(time_file)] if gnu_time else []
        t0 = time.perf_counter()
        with open(out_file, "wb") as out:
            r = subprocess.run(pre + argv, cwd=cwd, stdout=out, stderr=subprocess.PIPE)
            out.write(r.stderr)
        first = time.perf_counter() - t0
        m.exit_code = r.returncode
        with open(out_file, "rb") as f:
            m.out_lines = sum(1 for _ in f)
        if gnu_time and time_file.exists():
            fields = time_file.read_text().split()
            # GNU time reports "Command exited with non-zero status N" first when N != 0.
            try:
                _, user, sys_, rss_kb, code = fields[-5:]
                m.rss_mb, m.exit_code = int(rss_kb) / 1024, int(code)
                m.cpu = float(user) + float(sys_)
            except ValueError:
                m.note = "no RSS"
        if r.returncode not in (0, 1) and not m.note:
            err = r.stderr.decode(errors="replace").strip().splitlines()
            m.note = f"exit {m.exit_code}: {err[-1][:80] if err else ''}"
    m.times = [first]
    if first < slow and runs > 0:
        if hyperfine:
            with tempfile.TemporaryDirectory() as td:
                js = Path(td) / "h.json"
                subprocess.run([hyperfine, "-N", "-i", "--style", "none", "--warmup", str(warmup),
                                "--runs", str(runs), "--export-json", str(js), "--", shlex.join(argv)],
                               cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
                m.times = json.loads(js.read_text())["results"][0]["times"]
        else:
            for _ in range(warmup):
                subprocess.run(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            m.times = []
            for _ in range(runs):
                t0 = time.perf_counter()
                subprocess.run(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                m.times.append(time.perf_counter() - t0)
    elif first >= slow:
        m.note = (m.note + "; " if m.note else "") + "slow: 1 run"
    m.wall, m.mean, m.runs = min(m.times), sum(m.times) / len(m.times), len(m.times)
    log(f"  -> best {m.wall:.3f}s over {m.runs} run(s), peak RSS {m.rss_mb:.1f} MB, CPU {m.cpu:.2f}s, exit {m.exit_code}, "
        f"{m.out_lines} output lines")
    return m


def fmt_s(x: float) -> str:
    if x != x:
        return "n/a"
    return f"{x * 1000:.1f} ms" if x < 1 else f"{x:.2f} s"


def fmt(x: float, spec: str = ".1f") -> str:
    return "n/a" if x != x else format(x, spec)


def machine_line() -> str:
    cpus = os.cpu_count()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (f"{cpus} CPUs, load average {load:.1f} at start (shared machine: other builds may run), "
            f"Python {sys.version.split()[0]}, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
