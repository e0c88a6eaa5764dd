#!/usr/bin/env python3
"""Build nixdeps' shell-command tables (data/shell/*.tsv) from the project's
hand-kept sources in data/shell/extra/.

    python3 scripts/gen-shell-data.py                  # write data/shell/*.tsv
    python3 scripts/gen-shell-data.py --check          # exit 1 if they are stale
    python3 scripts/gen-shell-data.py --debian DIR     # first re-extract
        data/shell/extra/debian-bin.tsv from DIR/Contents-amd64.gz and
        DIR/Contents-all.gz (Debian bookworm main; fetch them by hand, keep
        them outside the repository)

Python 3.11 standard library only, deterministic (sorted output, nothing
from time, locale or machine), so the committed files are reproducible.

Inputs (every row names its source):

* extra/curated.tsv   command -> attribute pairs seen in real public
                      nix-shell scripts (`curated`);
* extra/project.tsv   rows read in nixpkgs (`nixpkgs`) or known to the
                      project (`project`), each with its reason;
* extra/debian-map.tsv  Debian package -> nixpkgs attribute, hand-written;
* extra/debian-bin.tsv  the /usr/bin, /usr/sbin, /bin, /sbin entries of the
                      mapped Debian packages, extracted from Debian's
                      Contents index (`debian`);
* extra/stdenv.tsv    the packages a nix-shell brings without being asked.

Outputs:

* commands.tsv  command, attribute, source. Rows of one command keep the
                evidence order curated, nixpkgs, project, debian, except that
                a pinned or heavier variant (nodejs_22, ffmpeg-full) goes
                after its plain attribute; the first row is the attribute a
                fix adds.
* stdenv.tsv    command, package, source (initialPath, stdenv.cc or
                extraNativeBuildInputs).

A Debian row is a cross-check: when it names an attribute the curated or
nixpkgs/project rows for that command do not, it is reported and left out,
never used silently. Commands stdenv provides are left out of commands.tsv.
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHELL = os.path.join(ROOT, "data", "shell")
EXTRA = os.path.join(SHELL, "extra")

DEBIAN_RELEASE = "bookworm (Debian 12.15, Release file dated 2026-07-11), main, amd64 + all"
BIN_DIRS = ("usr/bin/", "usr/sbin/", "bin/", "sbin/")
# A command word nixdeps can meet as the first word of a simple command.
COMMAND = re.compile(r"^(?:\[|[A-Za-z0-9_][A-Za-z0-9_.+:@-]*)$")
# Attribute paths: dotted identifiers as nixpkgs spells them.
ATTRIBUTE = re.compile(r"^[A-Za-z_][A-Za-z0-9_'-]*(\.[A-Za-z_][A-Za-z0-9_'-]*)*$")
RANK = {"curated": 0, "nixpkgs": 1, "project": 2, "debian": 3}
# Pinned or heavier builds of a package (nodejs_22, ffmpeg-full, python312): a fix should add
# the plain attribute when the same command has it.
VARIANT = re.compile(r"^(.+?)(?:_\d+(?:_\d+)*|\d{2,}|-full|-bin|-headless|_latest)$")


def die(msg: str) -> None:
    sys.stderr.write(f"gen-shell-data: {msg}\n")
    sys.exit(1)


def read_table(name: str, columns: list[str]) -> list[dict[str, str]]:
    """Rows of a TSV whose first non-comment line is the header `columns`."""
    path = os.path.join(EXTRA, name)
    rows: list[dict[str, str]] = []
    header_seen = False
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            cells = line.split("\t")
            if not header_seen:
                if cells != columns:
                    die(f"{path}:{lineno}: header {cells} is not {columns}")
                header_seen = True
                continue
            if len(cells) != len(columns):
                die(f"{path}:{lineno}: {len(cells)} columns, want {len(columns)}")
            row = dict(zip(columns, cells))
            row["_where"] = f"{name}:{lineno}"
            rows.append(row)
    if not header_seen:
        die(f"{path}: no header line")
    return rows


def split_list(cell: str) -> list[str]:
    return [c for c in cell.split(",") if c]


def check_pair(row: dict[str, str]) -> None:
    if not COMMAND.match(row["command"]):
        die(f"{row['_where']}: {row['command']!r} is not a command name")
    if not ATTRIBUTE.match(row["attribute"]):
        die(f"{row['_where']}: {row['attribute']!r} is not an attribute path")


# --- Debian Contents extraction -------------------------------------------


def pep503(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def python_packages() -> dict[str, str]:
    """Debian package -> python3Packages attribute, for Debian packages that
    ship exactly one Python distribution nixpkgs has (the project's Debian
    extract data/extra/debian-modules.tsv and data/attrs.txt): their
    /usr/bin entries are that distribution's console scripts."""
    attrs = set()
    with open(os.path.join(ROOT, "data", "attrs.txt"), encoding="utf-8") as f:
        attrs = {line.strip() for line in f if line.strip() and not line.startswith("#")}
    dists: dict[str, set[str]] = {}
    with open(os.path.join(ROOT, "data", "extra", "debian-modules.tsv"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or line.startswith("module\t"):
                continue
            cells = line.rstrip("\n").split("\t")
            if len(cells) >= 3 and cells[1] and pep503(cells[1]) in attrs:
                dists.setdefault(cells[2], set()).add(pep503(cells[1]))
    return {deb: f"python3Packages.{next(iter(d))}" for deb, d in dists.items() if len(d) == 1}


# Debian's renamed copies of Python console scripts (cherryd3, python3-coverage,
# plac_runner.py): not names the nixpkgs package installs.
DEBIAN_PYTHON_RENAME = re.compile(r"python|3$|\.py$")


def wanted_debian_packages() -> set[str]:
    names = {r["debian"] for r in read_table("debian-map.tsv", MAP_COLUMNS)}
    names |= {r["debian"] for r in read_table("stdenv.tsv", STDENV_COLUMNS) if r["debian"]}
    return names | set(python_packages())


def extract_debian(contents_dir: str) -> None:
    """Write extra/debian-bin.tsv: command, Debian package, path, for the
    Debian packages the map and the stdenv table name."""
    wanted = wanted_debian_packages()
    rows: set[tuple[str, str, str]] = set()
    found: set[str] = set()
    for name in ("Contents-amd64.gz", "Contents-all.gz"):
        path = os.path.join(contents_dir, name)
        if not os.path.exists(path):
            die(f"{path}: missing (fetch it from Debian's archive, dists/bookworm/main/)")
        with gzip.open(path, "rt", encoding="utf-8", errors="replace") as f:
            for line in f:
                # "PATH   section/pkg,section/pkg2"; the path itself may hold spaces.
                path_part, _, pkgs = line.rstrip("\n").rpartition(" ")
                file_path = path_part.rstrip()
                if not file_path.startswith(BIN_DIRS):
                    continue
                command = file_path.rsplit("/", 1)[1]
                if "/" in file_path[file_path.index("bin/") + 4 :] or not COMMAND.match(command):
                    continue
                for qualified in pkgs.split(","):
                    pkg = qualified.rsplit("/", 1)[-1]
                    if pkg in wanted:
                        rows.add((command, pkg, file_path))
                        found.add(pkg)
    missing = sorted((wanted - set(python_packages())) - found)
    if missing:
        die(f"Debian packages with no binaries in the Contents index: {', '.join(missing)}")
    out = os.path.join(EXTRA, "debian-bin.tsv")
    with open(out, "w", encoding="utf-8") as f:
        f.write(
            "# Binaries of the Debian packages named by debian-map.tsv and stdenv.tsv, from Debian's\n"
            f"# Contents index: {DEBIAN_RELEASE}.\n"
            "# Extracted by `scripts/gen-shell-data.py --debian DIR`; do not edit by hand.\n"
            "# The Contents index lists file names only; no package content is copied.\n"
            "command\tdebian\tpath\n"
        )
        for command, pkg, file_path in sorted(rows):
            f.write(f"{command}\t{pkg}\t{file_path}\n")
    sys.stderr.write(f"gen-shell-data: {len(rows)} rows -> {out}\n")


# --- Tables -----------------------------------------------------------------

CURATED_COLUMNS = ["command", "attribute", "evidence"]
PROJECT_COLUMNS = ["command", "attribute", "source", "reason"]
MAP_COLUMNS = ["debian", "attribute", "exclude", "only"]
BIN_COLUMNS = ["command", "debian", "path"]
STDENV_COLUMNS = ["package", "origin", "debian", "exclude", "add"]


def stdenv_rows(debian_bins: dict[str, set[str]]) -> list[tuple[str, str, str]]:
    out: set[tuple[str, str, str]] = set()
    for row in read_table("stdenv.tsv", STDENV_COLUMNS):
        commands = set(debian_bins.get(row["debian"], set())) if row["debian"] else set()
        if row["debian"] and not commands:
            die(f"{row['_where']}: Debian package {row['debian']} has no binaries in debian-bin.tsv")
        excluded = set(split_list(row["exclude"]))
        unknown = excluded - commands
        if unknown:
            die(f"{row['_where']}: exclude names {sorted(unknown)} that Debian does not ship")
        commands = (commands - excluded) | set(split_list(row["add"]))
        for command in commands:
            out.add((command, row["package"], row["origin"]))
    return sorted(out)


SHELL_BEGIN, SHELL_END = "<!-- shell-data:begin -->", "<!-- shell-data:end -->"


def sources_section(
    counts: dict[str, int],
    commands: int,
    stdenv: list[tuple[str, str, str]],
    confirmed: int,
    conflicts: list[str],
) -> str:
    """The provenance block of data/SOURCES.md for the shell tables."""
    by_origin: dict[str, list[str]] = {}
    for command, package, origin in stdenv:
        by_origin.setdefault(origin, [])
        if package not in by_origin[origin]:
            by_origin[origin].append(package)
    lines = [
        SHELL_BEGIN,
        "## Shell command tables (`shell/`)",
        "",
        "Generated by `python3 scripts/gen-shell-data.py` from `shell/extra/` (this block too;",
        "`gen-data.py` carries it over). Every row names its source.",
        "",
        "| file | rows | from |",
        "|---|---|---|",
        f"| `shell/commands.tsv` | {sum(counts.values())} ({commands} commands) | "
        + ", ".join(f"{s} {counts[s]}" for s in RANK)
        + " |",
        f"| `shell/stdenv.tsv` | {len(stdenv)} | "
        + "; ".join(f"{o}: {', '.join(sorted(p))}" for o, p in sorted(by_origin.items()))
        + " |",
        "",
        "Sources of `commands.tsv`, strongest first (the first row of a command is the attribute a",
        "fix adds; a pinned or heavier variant such as `nodejs_22` or `ffmpeg-full` follows its plain",
        "attribute):",
        "",
        "* `curated` (`extra/curated.tsv`): pairs seen in real public `#!nix-shell -i bash` scripts",
        "  and `nix-shell -p WORD --run 'COMMAND'` lines found with the search index: the attribute",
        "  is a `-p` word and the command is what the body runs from it. Each row cites its",
        "  evidence (`nixpkgs:PATH` in NixOS/nixpkgs, `index:ID` for a public file whose repository",
        "  the index does not name). Facts only: no script text is copied.",
        "* `nixpkgs` (`extra/project.tsv`): read in the NixOS/nixpkgs tree (all-packages.nix",
        "  aliases such as `dnsutils = bind.dnsutils`, the common-updater scripts directory).",
        "* `project` (`extra/project.tsv`): the project's own knowledge of a package, each row with",
        "  its reason, for commands real scripts run that the other sources miss or name differently.",
        f"* `debian`: Debian's Contents index ({DEBIAN_RELEASE}), /usr/bin, /usr/sbin, /bin",
        "  and /sbin, through the hand-written Debian package -> attribute map",
        "  `extra/debian-map.tsv` (only packages whose nixpkgs counterpart is known; Debian-only",
        "  wrappers and renamed binaries excluded per package), plus the console scripts of",
        "  Debian's python3-* packages that ship exactly one distribution nixpkgs has, as",
        "  `python3Packages.X` (through `extra/debian-modules.tsv` and `attrs.txt`; Debian's renamed",
        "  copies such as `cherryd3` left out). The extract is `extra/debian-bin.tsv`, made by",
        "  `--debian DIR` from Contents-amd64.gz and Contents-all.gz fetched by hand (kept outside",
        "  the repository).",
        "",
        f"Cross-check: {confirmed} Debian rows confirm a curated/nixpkgs/project row; "
        f"{len(conflicts)} contradict one"
        + (":" if conflicts else " (a contradicting Debian row is reported and left out, never used)."),
    ]
    lines += [f"* {c}" for c in conflicts]
    lines += [
        "",
        "`stdenv.tsv`: Nix's nix-build.cc builds a `-p` shell as",
        "`(pkgs.runCommandCC or pkgs.runCommand) \"shell\" { buildInputs = [ ... ]; }`, a stdenv",
        "environment, so its PATH holds stdenv's `initialPath` (nixpkgs",
        "`pkgs/stdenv/generic/common-path.nix`: coreutils findutils diffutils gnused gnugrep gawk",
        "gnutar gzip bzip2 gnumake bash patch xz file), `stdenv.cc` (the wrapped gcc and binutils,",
        "`pkgs/stdenv/linux/default.nix`) and `extraNativeBuildInputs` (patchelf on Linux, same",
        "file). The `source` column says which; a consumer that wants only initialPath filters on",
        "it. Command names per package: Debian's Contents index of the same upstream with the",
        "adjustments of `extra/stdenv.tsv` (coreutils: GNU's default set, so kill and uptime in,",
        "arch out; xz: the lz* and xzdec links Debian drops; bash: sh in, Debian's rbash and",
        "bashbug out; gcc: the cc-wrapper's cc c++ cpp gcc g++).",
        "",
        "Licences: nixpkgs is MIT (`LICENSE-nixpkgs.txt`); Debian's Contents index is archive",
        "metadata (file names), credited to the Debian project; the curated rows are facts",
        "observed in public scripts, whose texts are not copied.",
        SHELL_END,
    ]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--debian", metavar="DIR", help="re-extract debian-bin.tsv from DIR first")
    ap.add_argument("--check", action="store_true", help="fail if data/shell/*.tsv are stale")
    args = ap.parse_args()
    if args.debian:
        extract_debian(args.debian)

    debian_bins: dict[str, set[str]] = {}
    for row in read_table("debian-bin.tsv", BIN_COLUMNS):
        debian_bins.setdefault(row["debian"], set()).add(row["command"])

    stdenv = stdenv_rows(debian_bins)
    stdenv_commands = {c for c, _, _ in stdenv}

    # command -> [(attribute, source)] in evidence order.
    pairs: dict[str, list[tuple[str, str]]] = {}
    seen: dict[tuple[str, str], str] = {}

    def add(row: dict[str, str], source: str) -> None:
        check_pair(row)
        key = (row["command"], row["attribute"])
        if key in seen:
            die(f"{row['_where']}: {key[0]} -> {key[1]} already given at {seen[key]}")
        seen[key] = row["_where"]
        pairs.setdefault(row["command"], []).append((row["attribute"], source))

    for row in read_table("curated.tsv", CURATED_COLUMNS):
        if not row["evidence"].strip():
            die(f"{row['_where']}: a curated row needs its evidence")
        add(row, "curated")
    for row in read_table("project.tsv", PROJECT_COLUMNS):
        if row["source"] not in ("nixpkgs", "project"):
            die(f"{row['_where']}: source {row['source']!r} is not nixpkgs or project")
        if not row["reason"].strip():
            die(f"{row['_where']}: a {row['source']} row needs its reason")
        add(row, row["source"])
    for command, ps in pairs.items():
        attrs = {a for a, _ in ps}

        def order(p: tuple[str, str]) -> tuple[bool, int]:
            m = VARIANT.match(p[0])
            return (bool(m and m.group(1) in attrs), RANK[p[1]])

        ps.sort(key=order)  # stable: file order within a source

    hand = {c: {a for a, _ in ps} for c, ps in pairs.items()}
    in_stdenv = sorted(c for c in hand if c in stdenv_commands)
    if in_stdenv:
        die(f"hand rows for commands stdenv provides: {', '.join(in_stdenv)}")

    confirmed = 0
    conflicts: list[str] = []
    debian_new: dict[str, set[str]] = {}
    mapping = read_table("debian-map.tsv", MAP_COLUMNS)
    names = [r["debian"] for r in mapping]
    if len(set(names)) != len(names):
        die("debian-map.tsv names a Debian package twice")
    python = python_packages()
    for deb in sorted(set(python) - set(names)):
        if deb in debian_bins:
            mapping.append(
                {"debian": deb, "attribute": python[deb], "exclude": "", "only": "", "_where": "python"}
            )

    def agrees(attr: str, known: set[str]) -> bool:
        # python3Packages.black confirms a hand row for the top-level black.
        return attr in known or attr.removeprefix("python3Packages.") in known

    for row in mapping:
        check_pair({"command": "x", "attribute": row["attribute"], "_where": row["_where"]})
        shipped = debian_bins.get(row["debian"])
        if not shipped:
            die(f"{row['_where']}: Debian package {row['debian']} has no binaries in debian-bin.tsv")
        excluded, only = set(split_list(row["exclude"])), set(split_list(row["only"]))
        unknown = (excluded | only) - shipped
        if unknown:
            die(f"{row['_where']}: names {sorted(unknown)} that Debian's {row['debian']} does not ship")
        for command in sorted(shipped):
            if command in excluded or (only and command not in only) or command in stdenv_commands:
                continue
            if row["_where"] == "python" and DEBIAN_PYTHON_RENAME.search(command):
                continue
            if command in hand:
                if agrees(row["attribute"], hand[command]):
                    confirmed += 1
                else:
                    conflicts.append(
                        f"{command}: Debian {row['debian']} -> {row['attribute']}, "
                        f"hand rows say {', '.join(sorted(hand[command]))}"
                    )
                continue
            debian_new.setdefault(command, []).append(row["attribute"])
    for command, attrs in debian_new.items():
        # Mapped packages first, then Python console scripts; each group by name.
        ordered = sorted(set(attrs), key=lambda a: (a.startswith("python3Packages."), a))
        pairs[command] = [(a, "debian") for a in ordered]

    rows = [(c, a, s) for c in sorted(pairs) for a, s in pairs[c]]
    counts = {s: sum(1 for _, _, x in rows if x == s) for s in RANK}
    commands_text = "".join(
        [
            "# nixdeps: which nixpkgs attribute puts a command on PATH. Generated by\n",
            "# scripts/gen-shell-data.py from data/shell/extra/ (see data/SOURCES.md); do not edit.\n",
            "# source: curated = seen in real public nix-shell scripts (header word + body command);\n",
            "# nixpkgs = read in the NixOS/nixpkgs tree (MIT); project = the project's knowledge;\n",
            f"# debian = Debian's Contents index ({DEBIAN_RELEASE}) through the hand-written\n",
            "# Debian package -> attribute map. Rows of a command: first = the attribute a fix adds.\n",
            "# Commands stdenv puts on PATH are in stdenv.tsv, not here.\n",
            "# rows: " + ", ".join(f"{s} {counts[s]}" for s in RANK) + f"; commands {len(pairs)}\n",
        ]
        + [f"{c}\t{a}\t{s}\n" for c, a, s in rows]
    )
    origins = sorted({o for _, _, o in stdenv})
    stdenv_text = "".join(
        [
            "# nixdeps: the commands a `nix-shell -p` environment has on PATH without being asked.\n",
            "# Generated by scripts/gen-shell-data.py from data/shell/extra/stdenv.tsv; do not edit.\n",
            "# Nix's nix-build.cc builds `-p` shells with pkgs.runCommandCC, i.e. stdenv: initialPath =\n",
            "# nixpkgs pkgs/stdenv/generic/common-path.nix; stdenv.cc = the wrapped gcc and binutils and\n",
            "# extraNativeBuildInputs = patchelf, from pkgs/stdenv/linux/default.nix (nixpkgs, MIT).\n",
            "# Command names per package: Debian's Contents index of the same upstream, adjusted as\n",
            "# data/shell/extra/stdenv.tsv says. source = which of the three brings the command.\n",
            f"# rows: {len(stdenv)} ("
            + ", ".join(f"{o} {sum(1 for _, _, x in stdenv if x == o)}" for o in origins)
            + ")\n",
        ]
        + [f"{c}\t{p}\t{o}\n" for c, p, o in stdenv]
    )

    sources_path = os.path.join(ROOT, "data", "SOURCES.md")
    sources_old = open(sources_path, encoding="utf-8").read()
    section = sources_section(counts, len(pairs), stdenv, confirmed, conflicts)
    start, end = sources_old.find(SHELL_BEGIN), sources_old.find(SHELL_END)
    if start >= 0 and end > start:
        sources_text = sources_old[:start] + section + sources_old[end + len(SHELL_END) :]
    else:
        sources_text = sources_old.rstrip("\n") + "\n\n" + section + "\n"

    outputs = {
        os.path.join(SHELL, "commands.tsv"): commands_text,
        os.path.join(SHELL, "stdenv.tsv"): stdenv_text,
        sources_path: sources_text,
    }
    stale = []
    for path, text in outputs.items():
        name = os.path.relpath(path, ROOT)
        old = open(path, encoding="utf-8").read() if os.path.exists(path) else None
        if old != text:
            stale.append(name)
            if not args.check:
                tmp = path + ".tmp"
                with open(tmp, "w", encoding="utf-8") as f:
                    f.write(text)
                os.replace(tmp, path)

    for line in conflicts:
        sys.stderr.write(f"gen-shell-data: debian row left out: {line}\n")
    sys.stderr.write(
        "gen-shell-data: commands.tsv "
        + ", ".join(f"{s} {counts[s]}" for s in RANK)
        + f" ({len(pairs)} commands); hand rows confirmed by Debian {confirmed}, "
        f"contradicted {len(conflicts)}; stdenv.tsv {len(stdenv)} commands\n"
    )
    if args.check and stale:
        die(f"stale: {', '.join(stale)} (re-run scripts/gen-shell-data.py)")


if __name__ == "__main__":
    main()
