#!/usr/bin/env python3
"""Derive import name -> PyPI distribution pairs from Debian's Contents index.

    scripts/debian-modules.py --release bookworm --date '12.15, 2026-07-11' \
        > data/extra/debian-modules.tsv

Needs `apt-file` with an updated cache (`apt-get install -y apt-file &&
apt-file update`; set APT_CONFIG to use a private sources list, e.g. one for a
newer release). This is a developer step, run by hand: the product and
`gen-data.py` only read the compact extract it writes, so they stay offline
and reproducible.

For every Debian package with files under /usr/lib/python3/dist-packages/:

* its distributions are the names of its `*.dist-info` / `*.egg-info`
  entries (the PyPI project name as the upstream build wrote it);
* its modules are top-level packages (`x/__init__.py`), modules (`x.py`),
  extension modules (`x.cpython-*.so`, `x.abi3.so`, `x.so`) and, under a
  directory that has no `__init__.py` in that package or is a namespace root
  listed in data/extra/namespaces.tsv, the sub-packages and modules one
  level down (`google/cloud/storage/__init__.py` -> `google.cloud.storage`).

Each module gets a `kind`; `helper` marks names that are scripts or test
scaffolding rather than the package's API (see HELPER_* below). gen-data
maps helpers to their package only when nothing else claims the name.

Output (TSV, sorted, one header line after the `#` comments): module,
distribution (as written in the dist-info name; empty when the package has
none), debian package, kind, release. A Debian package with several
distributions gets one row per module and distribution whose name matches
the module, else one row with an empty distribution and the kind suffixed
`?` (the Contents index does not say which of them ships the module).
Pure namespace roots themselves (`google`, `azure`) are left out.
"""

from __future__ import annotations

import collections
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DIST = "/usr/lib/python3/dist-packages/"

# Names that are never an API: test suites, build scripts, docs.
HELPER_NAMES = {
    "test", "tests", "testing", "testsuite", "conftest", "setup", "docs", "doc",
    "examples", "example", "benchmarks", "bench", "scripts", "tools", "utils",
    "__pycache__", "build", "src", "lib", "contrib", "demo", "demos",
    "samples", "misc", "util", "common", "tasks", "fabfile", "noxfile",
    "versioneer", "runtests", "run_tests", "ez_setup", "distribute_setup",
}
HELPER_SUFFIX = ("_sphinxhelper", "_test", "_tests", "_testing")
HELPER_PREFIX = ("test_",)

EXT = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)(?:\.cpython-[^/]*|\.abi3|\.pypy[^/]*)?\.so$")
PY = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\.py$")
INFO = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._+-]*?)(?:-[0-9][^/]*)?\.(?:dist|egg)-info$")
IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def pep503(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def namespaces() -> dict[str, str]:
    """Namespace root -> kind (`pure` or `owned`), from data/extra/namespaces.tsv."""
    out = {}
    with open(os.path.join(ROOT, "data", "extra", "namespaces.tsv"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or line.startswith("namespace\t") or not line.strip():
                continue
            name, kind = line.split("\t")[:2]
            out[name] = kind
    return out


def contents() -> dict[str, set[str]]:
    """Debian package -> paths under dist-packages (relative) and /usr/bin."""
    out = subprocess.run(
        ["apt-file", "search", "-x", r"^/usr/(lib/python3/dist-packages|bin)/"],
        check=True, capture_output=True, text=True,
    ).stdout
    files: dict[str, set[str]] = collections.defaultdict(set)
    for line in out.splitlines():
        pkg, _, path = line.partition(": ")
        files[pkg].add(path)
    return files


def packages_dirs(files: dict[str, set[str]]) -> set[str]:
    """Directories that some Debian package gives an `__init__.py`.

    Global, not per package: python3-sklearn-lib ships only the extension
    modules of sklearn/, whose `__init__.py` is in python3-sklearn, and that
    does not make sklearn/ a namespace."""
    out = set()
    for paths in files.values():
        for p in paths:
            if p.startswith(DIST) and p.endswith("/__init__.py"):
                out.add(p[len(DIST) : -len("/__init__.py")])
    return out


def modules_of(
    paths: set[str], ns_roots: dict[str, str], dirs_with_init: set[str]
) -> tuple[set[str], dict[str, str]]:
    """(distribution names, module -> kind) of one Debian package."""
    rel = [p[len(DIST):] for p in paths if p.startswith(DIST)]
    dists = set()
    for r in rel:
        m = INFO.match(r.split("/")[0])
        if m:
            dists.add(m.group(1))
    mods: dict[str, str] = {}

    def is_ns(d: str) -> bool:
        return d.replace("/", ".") in ns_roots or d not in dirs_with_init

    for r in rel:
        parts = r.split("/")
        if any(not IDENT.match(p) for p in parts[:-1]):
            continue
        depth = len(parts) - 1  # directories above the file
        leaf = parts[-1]
        # Is every directory above the module a namespace level?
        def ns_chain(k: int) -> bool:
            return all(is_ns("/".join(parts[: i + 1])) for i in range(k))

        if leaf == "__init__.py" and depth >= 1:
            # package parts[:depth]; accept when its parents are namespaces.
            if ns_chain(depth - 1):
                kind = "package" if depth == 1 else "namespace"
                mods.setdefault(".".join(parts[:depth]), kind)
            continue
        m = PY.match(leaf) or EXT.match(leaf)
        if not m or m.group(1) == "__init__":
            continue
        if depth >= 1 and not ns_chain(depth):
            continue
        if depth >= 1 and depth > 3:
            continue
        kind = "extension" if leaf.endswith(".so") else "module"
        if depth >= 1:
            kind = "namespace"
        mods.setdefault(".".join(parts[:depth] + [m.group(1)]), kind)
    return dists, mods


def helper(mod: str, kind: str, mods: dict[str, str], dists: set[str], bins: set[str]) -> bool:
    last = mod.rsplit(".", 1)[-1]
    if pep503(mod) in {pep503(d) for d in dists}:
        return False  # pypa's `build` is a real package named `build`
    if last in HELPER_NAMES or last.endswith(HELPER_SUFFIX) or last.startswith(HELPER_PREFIX):
        return True
    if "." in mod:
        return False
    public = [m for m in mods if "." not in m and not m.startswith("_")]
    # A private `_x` next to public modules is an implementation detail.
    if mod.startswith("_") and public:
        return True
    # A single-file module named like a program the package installs is a
    # script (kconfiglib's menuconfig, guiconfig, ...), as are the extra
    # single-file modules of a package whose API is a module named after
    # its distribution when it ships several of them.
    if kind == "module" and (mod in bins or mod.replace("_", "-") in bins):
        return True
    own = {pep503(d) for d in dists}
    if kind == "module" and pep503(mod) not in own and any(pep503(m) in own for m in public):
        extra = [m for m in public if mods[m] == "module" and pep503(m) not in own]
        if len(extra) >= 3:
            return True
    return False


def main() -> None:
    args = sys.argv[1:]
    if len(args) != 4 or args[0] != "--release" or args[2] != "--date":
        sys.exit("usage: debian-modules.py --release CODENAME --date 'VERSION, InRelease Date'")
    release, date = args[1], args[3]
    ns_roots = namespaces()
    rows = set()
    files = contents()
    with_init = packages_dirs(files)
    for pkg, paths in sorted(files.items()):
        bins = {p[len("/usr/bin/"):] for p in paths if p.startswith("/usr/bin/")}
        dists, mods = modules_of(paths, ns_roots, with_init)
        if not mods:
            continue
        for mod, kind in mods.items():
            if ns_roots.get(mod) == "pure":
                continue  # a pure namespace root belongs to no one distribution
            k = "helper" if helper(mod, kind, mods, dists, bins) else kind
            if len(dists) <= 1:
                rows.add((mod, next(iter(dists), ""), pkg, k))
                continue
            # Several distributions: the one named like the module (or its
            # top-level part) if any, else all of them, marked uncertain.
            top = mod.split(".")[0]
            named = [d for d in dists if pep503(d) in (pep503(mod), pep503(top))]
            for d in named:
                rows.add((mod, d, pkg, k))
            if not named:
                rows.add((mod, "", pkg, k + "?"))
    # A module of a Debian package without dist-info cannot be joined to a
    # PyPI name; leave it out but count it.
    unjoinable = {r for r in rows if not r[1]}
    rows -= unjoinable
    w = sys.stdout.write
    w("# Debian Contents index: module -> distribution (scripts/debian-modules.py).\n")
    w(f"# Release: {release} ({date}). Facts (file names) from Debian's package archive.\n")
    w(f"# Left out: {len(unjoinable)} modules of Debian packages with no dist-info name (or several, none named like the module).\n")
    w("module\tdistribution\tdebian_package\tkind\trelease\n")
    for mod, dist, pkg, kind in sorted(rows):
        w(f"{mod}\t{dist}\t{pkg}\t{kind}\t{release}\n")


if __name__ == "__main__":
    main()
