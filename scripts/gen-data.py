#!/usr/bin/env python3
"""Build nixdeps' embedded package database (data/*.tsv) from the shared
research tables plus the project's own extension tables in data/extra/.

    python3 scripts/gen-data.py /path/to/shared/data

Python 3.11 standard library only. Deterministic: the output depends only on
the input files (every table is written sorted, nothing depends on time,
locale, hash seed or the machine), so re-running it on the same inputs
reproduces the committed files byte for byte. The binary never reads the
shared folder; it embeds what this script writes.
"""

from __future__ import annotations

import collections
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "data")
EXTRA = os.path.join(DATA, "extra")

# Versions the stdlib table covers, oldest first; the last one is "newest".
VERSIONS = ["3.6", "3.7", "3.8", "3.9", "3.10", "3.11", "3.12", "3.13", "3.14"]
CURRENT = {"3.13", "3.14"}


# Evidence order of modules.tsv tags, strongest first.
RANK = {"nixpkgs": 0, "debian": 1, "pipreqs": 2, "project": 3}

# Helper module names (tests, setup, docs …) so generic that mapping them to
# any one package would claim first-party code; Debian ships them by
# packaging accident. Other helpers (kconfiglib's menuconfig) map to their
# package when nothing else claims the name. The list is the one
# scripts/debian-modules.py marks helpers by.
def _helper_names() -> set[str]:
    import importlib.util

    sys.dont_write_bytecode = True  # no __pycache__ in scripts/
    spec = importlib.util.spec_from_file_location(
        "debian_modules", os.path.join(ROOT, "scripts", "debian-modules.py")
    )
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return set(mod.HELPER_NAMES)


GENERIC_HELPERS = _helper_names()


SHELL_BEGIN, SHELL_END = "<!-- shell-data:begin -->", "<!-- shell-data:end -->"


def shell_section() -> str:
    """The block scripts/gen-shell-data.py keeps in SOURCES.md, carried over
    unchanged so that regenerating the Python tables does not drop it."""
    try:
        text = open(os.path.join(DATA, "SOURCES.md"), encoding="utf-8").read()
    except FileNotFoundError:
        return ""
    start, end = text.find(SHELL_BEGIN), text.find(SHELL_END)
    if start < 0 or end < start:
        return ""
    return text[start : end + len(SHELL_END)] + "\n"


def die(msg: str) -> None:
    sys.stderr.write(f"gen-data: {msg}\n")
    sys.exit(1)


def read_tsv(path: str, columns: list[str]) -> list[dict[str, str]]:
    """Read a TSV with a header; `#` lines are comments (extension tables only)."""
    rows = []
    with open(path, encoding="utf-8", newline="") as f:
        lines = f.read().split("\n")
    header = None
    for n, line in enumerate(lines, 1):
        if not line or line.startswith("#"):
            continue
        fields = line.split("\t")
        if header is None:
            header = fields
            if header[: len(columns)] != columns:
                die(f"{path}: header {header} does not start with {columns}")
            continue
        if len(fields) != len(header):
            die(f"{path}:{n}: {len(fields)} fields, header has {len(header)}")
        rows.append(dict(zip(header, fields)))
    if header is None:
        die(f"{path}: empty")
    return rows


def prefixes_of(module: str) -> list[str]:
    parts = module.split(".")
    return [".".join(parts[:i]) for i in range(len(parts), 0, -1)]


def pep503(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def write(name: str, text: str) -> None:
    with open(os.path.join(DATA, name), "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def tsv(header: list[str], rows: list[list[str]]) -> str:
    for r in rows:
        for field in r:
            if "\t" in field or "\n" in field:
                die(f"field with tab/newline: {field!r}")
    return "\n".join("\t".join(r) for r in [header] + rows) + "\n"


def main() -> None:
    if len(sys.argv) != 2:
        die("usage: gen-data.py SHARED_DATA_DIR")
    shared = sys.argv[1]

    def S(name: str) -> str:
        return os.path.join(shared, name)

    def X(name: str) -> str:
        return os.path.join(EXTRA, name)

    # ---------------------------------------------------------------- stdlib
    std_rows = read_tsv(S("python-stdlib.tsv"), ["module", "versions"])
    stdlib = {r["module"]: r["versions"].split(",") for r in std_rows}
    std_changes = []
    for r in read_tsv(X("stdlib.tsv"), ["module", "versions", "source"]):
        vs = r["versions"].split(",")
        for v in vs:
            if v not in VERSIONS:
                die(f"stdlib.tsv: bad version {v} for {r['module']}")
        old = ",".join(stdlib.get(r["module"], [])) or "(absent)"
        stdlib[r["module"]] = vs
        std_changes.append((r["module"], old, r["versions"], r["source"]))
    write(
        "python-stdlib.tsv",
        tsv(["module", "versions"], [[m, ",".join(stdlib[m])] for m in sorted(stdlib)]),
    )
    stdlib_any = set(stdlib)
    stdlib_current = {m for m, vs in stdlib.items() if CURRENT & set(vs)}

    # ------------------------------------------------------------ attributes
    # The late-2025 table is the snapshot; the mid-2024 one only tells which
    # names have gone since (rows naming them are renamed or dropped below).
    cur_rows = read_tsv(S("nixpkgs-python-attrs-current.tsv"), ["attr", "dir", "definition"])
    # `bootstrap.build` and friends are the bootstrap set inside the package
    # set, not attributes a script declares.
    nested = sorted(r["attr"] for r in cur_rows if "." in r["attr"])
    attr_rows = [r for r in cur_rows if "." not in r["attr"]]
    attrs = sorted({r["attr"] for r in attr_rows})
    attr_set = set(attrs)
    old_attr_set = {r["attr"] for r in read_tsv(S("nixpkgs-python-attrs.tsv"), ["attr", "dir"])}
    gone = sorted(old_attr_set - attr_set)
    write("attrs.txt", "\n".join(attrs) + "\n")

    # -------------------------------------------------------------- variants
    # Versioned or build variants of one package (django_4, numpy_2,
    # torch-bin, tensorflowWithCuda) provide the same modules as the base.
    dir_of = {r["attr"]: r["dir"] for r in attr_rows}
    # An attribute defined as another one (`django = self.django_4`,
    # `torchWithCuda = self.torch.override …`) is built from its directory.
    same_as = re.compile(r"^(?:= )?(?:self\.)?([A-Za-z0-9_-]+)(?:\.override\b.*)?$")
    for r in attr_rows:
        a = r["attr"]
        seen = {a}
        while not dir_of.get(a):
            m = same_as.match(next((x["definition"] for x in attr_rows if x["attr"] == a), ""))
            if not m or m.group(1) in seen or m.group(1) not in attr_set:
                break
            a = m.group(1)
            seen.add(a)
        if dir_of.get(a):
            dir_of[r["attr"]] = dir_of[a]
    variant_re = re.compile(r"^(_[0-9_]+|[0-9]+|-bin|-build|-no-triton|-mpi|With[A-Z]\w*|Without[A-Z]\w*)$")

    def top_dir(a: str) -> str:
        return dir_of.get(a, "").split("/")[0]

    variants = {}
    for a in attrs:
        if a.startswith(("mypy-boto3-", "types-aiobotocore-")):
            continue  # service names such as inspector2 are not versions
        for b in (a[:i] for i in range(len(a) - 1, 0, -1)):
            if b in attr_set and variant_re.match(a[len(b):]) and top_dir(a) and top_dir(a) == top_dir(b):
                variants[a] = b
                break
    for a in variants:  # django_5_2 -> django_5 -> django
        while variants[a] in variants:
            variants[a] = variants[variants[a]]
    write("variants.tsv", tsv(["attr", "base"], [[a, variants[a]] for a in sorted(variants)]))

    # --------------------------------------------------------------- aliases
    alias_rows = read_tsv(S("nixpkgs-python-aliases.tsv"), ["old_attr", "new_attr", "note"])
    alias_rows += read_tsv(X("aliases.tsv"), ["old_attr", "new_attr", "note", "source"])
    aliases = {r["old_attr"]: (r["new_attr"], r["note"]) for r in alias_rows}
    # An old alias whose name is an attribute again in the newer snapshot
    # (aliases and attributes cannot share a name in nixpkgs).
    alias_shadowed = sorted(a for a in aliases if a in attr_set)
    for a in alias_shadowed:
        del aliases[a]
    write(
        "aliases.tsv",
        tsv(
            ["old_attr", "new_attr", "note"],
            [[o, aliases[o][0], aliases[o][1]] for o in sorted(aliases)],
        ),
    )

    def follow(name: str) -> tuple[str | None, str]:
        """Current attribute for `name` (None when removed), and why."""
        seen = set()
        cur = name
        while cur not in attr_set and cur in aliases and cur not in seen:
            seen.add(cur)
            new, _note = aliases[cur]
            if not new or new.startswith("pkgs."):
                return None, f"alias {cur}: {aliases[cur][1]}"
            cur = new
        if cur == name:
            return name, ""
        return cur, f"alias {name} -> {cur}"

    # ------------------------------------------------------------ namespaces
    ns_rows = read_tsv(X("namespaces.tsv"), ["namespace", "kind", "source"])
    namespaces = {}
    for r in ns_rows:
        if r["kind"] not in ("pure", "owned"):
            die(f"namespaces.tsv: kind {r['kind']}")
        namespaces[r["namespace"]] = r["kind"]
    write(
        "namespaces.tsv",
        tsv(["namespace", "kind"], [[n, namespaces[n]] for n in sorted(namespaces)]),
    )

    # --------------------------------------------------------- import names
    # module -> attr -> set of source tags
    mapping: dict[str, dict[str, set[str]]] = collections.defaultdict(dict)
    shared_rows = read_tsv(
        S("import-names.tsv"), ["import_name", "nixpkgs_attr", "pypi_name", "source"]
    )
    drops = {
        (r["import_name"], r["attr"]): r["reason"]
        for r in read_tsv(X("drop-modules.tsv"), ["import_name", "attr", "reason"])
    }
    used_drops = set()
    dropped_stdlib = []
    dropped_ns = []
    dropped_listed = []
    dropped_gone = []
    renamed_targets = []
    tag_of = {
        "nixpkgs-pythonImportsCheck": ["nixpkgs"],
        "pipreqs-mapping": ["pipreqs"],
        "both": ["nixpkgs", "pipreqs"],
    }
    counts_in = collections.Counter(r["source"] for r in shared_rows)
    for r in shared_rows:
        mod, attr, src = r["import_name"], r["nixpkgs_attr"], r["source"]
        top = mod.split(".")[0]
        if top in stdlib_any:
            dropped_stdlib.append((mod, attr, src))
            continue
        if namespaces.get(mod) == "pure":
            dropped_ns.append((mod, attr, src))
            continue
        for key in ((mod, attr), (mod, "*")):
            if key in drops:
                used_drops.add(key)
                dropped_listed.append((mod, attr, src, drops[key]))
                break
        else:
            cur, why = follow(attr)
            if cur is None or cur not in attr_set:
                dropped_gone.append((mod, attr, src, why or "not in the late-2025 snapshot"))
                continue
            if cur != attr:
                renamed_targets.append((mod, attr, cur))
            for t in tag_of[src]:
                mapping[mod].setdefault(cur, set()).add(t)
    for key in sorted(set(drops) - used_drops):
        die(f"drop-modules.tsv: row {key} matches nothing")

    # ---------------------------------------------------------- Debian rows
    # module -> distribution pairs from Debian's Contents index (see
    # scripts/debian-modules.py), joined to attributes by PEP 503 name, by
    # the package's directory in python-packages.nix, by a pname nixpkgs
    # files were seen to use, and through aliases.
    by_dir: dict[str, set[str]] = collections.defaultdict(set)
    for r in attr_rows:
        d = r["dir"].rstrip("/").split("/")[-1]
        d = d[: -len(".nix")] if d.endswith(".nix") else d
        if d and d not in ("default",):
            by_dir[pep503(d)].add(r["attr"])
    by_pname: dict[str, set[str]] = collections.defaultdict(set)
    for r in read_tsv(S("nixpkgs-importscheck-reads.tsv"), ["attr", "file", "commit", "pname"]):
        if r["pname"] and r["attr"] in attr_set:
            by_pname[pep503(r["pname"])].add(r["attr"])

    def join_dist(dist: str) -> tuple[str | None, str]:
        n = pep503(dist)
        if n in attr_set:
            return n, "pep503"
        cur, _ = follow(n)
        if cur and cur in attr_set:
            return cur, "alias"
        for how, table in (("dir", by_dir), ("pname", by_pname)):
            hits = table.get(n, set())
            if len(hits) == 1:
                return next(iter(hits)), how
        return None, ""

    deb_rows = read_tsv(
        X("debian-modules.tsv"), ["module", "distribution", "debian_package", "kind", "release"]
    )
    with open(X("debian-modules.tsv"), encoding="utf-8") as f:
        deb_head = [l.strip() for l in f if l.startswith("# ")]
    deb_release = [l[len("# Release: "):].split(". ")[0] for l in deb_head if l.startswith("# Release: ")]
    deb_left_out = [l[len("# Left out: "):] for l in deb_head if l.startswith("# Left out: ")]
    deb_join = collections.Counter()
    deb_pairs: dict[str, set[str]] = collections.defaultdict(set)
    deb_helpers: dict[str, set[str]] = collections.defaultdict(set)
    deb_generic = set()
    deb_skipped = collections.Counter()
    for r in deb_rows:
        mod, kind = r["module"], r["kind"]
        if kind.endswith("?"):
            deb_skipped["several distributions in one Debian package"] += 1
            continue
        top = mod.split(".")[0]
        if top in stdlib_any:
            deb_skipped["standard-library name"] += 1
            continue
        if namespaces.get(mod) == "pure":
            deb_skipped["pure namespace root"] += 1
            continue
        a, how = join_dist(r["distribution"])
        if a is None:
            deb_skipped["distribution is no nixpkgs attribute"] += 1
            continue
        deb_join[how] += 1
        if kind == "helper":
            if mod.rsplit(".", 1)[-1] in GENERIC_HELPERS:
                deb_generic.add(mod)
            else:
                deb_helpers[mod].add(a)
        else:
            deb_pairs[mod].add(a)
    # A module Debian ships with one real package and also as another
    # package's helper goes to the real one; helpers only fill silence.
    for mod, attrs_ in deb_pairs.items():
        for a in sorted(attrs_):
            mapping[mod].setdefault(a, set()).add("debian")
    deb_mods_of: dict[str, set[str]] = collections.defaultdict(set)
    for table in (deb_pairs, deb_helpers):
        for mod, attrs_ in table.items():
            for a in attrs_:
                deb_mods_of[a].add(mod)
    deb_helper_used = []
    for mod in sorted(deb_helpers):
        if mod in deb_pairs or mod in mapping:
            continue
        deb_helper_used.append(mod)
        for a in sorted(deb_helpers[mod]):
            mapping[mod].setdefault(a, set()).add("debian")

    project_rows = read_tsv(X("modules.tsv"), ["import_name", "attr", "source"])
    project_new = 0
    project_confirm = 0
    project_not_in_snapshot = []
    project_overruled = []
    for r in project_rows:
        mod, attr = r["import_name"], r["attr"]
        if not r["source"].strip():
            die(f"modules.tsv: {mod} has no source")
        if mod.split(".")[0] in stdlib_current:
            die(f"modules.tsv: {mod} is a current standard-library name")
        if namespaces.get(mod) == "pure":
            die(f"modules.tsv: {mod} is a pure namespace")
        if attr not in attr_set:
            cur, _ = follow(attr)
            if cur is None or cur not in attr_set:
                project_not_in_snapshot.append((mod, attr))
                continue
            attr = cur
        # Debian contradicts a row only the project states when it gives the
        # module to another distribution and lists this one's modules without
        # it. Either alone is no contradiction: two projects can ship one
        # name (whisper), and Debian splits packages (pkg_resources).
        own = deb_mods_of.get(attr)
        shared_says = attr in mapping.get(mod, {})
        others = deb_pairs.get(mod, set()) - {attr}
        if others and own and not shared_says and not any(p in own for p in prefixes_of(mod)):
            project_overruled.append((mod, attr, sorted(own)[:4]))
            continue
        if attr in mapping.get(mod, {}):
            project_confirm += 1
        else:
            project_new += 1
        mapping[mod].setdefault(attr, set()).add("project")

    prefer = {}
    for r in read_tsv(X("prefer.tsv"), ["import_name", "attr", "reason"]):
        prefer[r["import_name"]] = (r["attr"], r["reason"])

    def srank(tags: set[str]) -> int:
        # nixpkgs' own import checks, then Debian's file lists, then
        # pipreqs, then the project's rows.
        return min(RANK[t] for t in tags)

    # A sub-module row whose attributes are a subset of its nearest mapped
    # (non-namespace) ancestor's adds nothing but bias: nixpkgs' pygame-ce
    # checks pygame.sprite, which would make `import pygame.sprite` pick the
    # fork while `import pygame` picks pygame. Drop such rows.
    redundant = []
    for mod in sorted(mapping):
        parts = mod.split(".")
        for i in range(len(parts) - 1, 0, -1):
            p = ".".join(parts[:i])
            if p in mapping and p not in namespaces:
                if set(mapping[mod]) <= set(mapping[p]):
                    redundant.append((mod, p))
                break
    for mod, _ in redundant:
        del mapping[mod]

    module_rows = []
    multi = []
    prefer_stale = []
    ties = []
    for mod in sorted(mapping):
        cands = mapping[mod]
        if len(cands) > 1:
            best = min(srank(t) for t in cands.values())
            top_c = sorted(a for a in cands if srank(cands[a]) == best)
            if mod in prefer:
                p, why = prefer[mod]
                if p not in cands:
                    die(f"prefer.tsv: {mod} -> {p} is not among {sorted(cands)}")
            elif len(top_c) == 1:
                p, why = top_c[0], "evidence rank (" + "+".join(sorted(cands[top_c[0]])) + ")"
            else:
                ties.append((mod, top_c, {a: sorted(cands[a]) for a in cands}))
                continue
            rest = sorted((a for a in cands if a != p), key=lambda a: (srank(cands[a]), a))
            order = [p] + rest
            multi.append((mod, order, why))
        else:
            if mod in prefer:
                # The alternative has left nixpkgs since the row was written.
                prefer_stale.append((mod, prefer[mod][0]))
            order = list(cands)
        module_rows.append(
            [mod, ",".join(order), ",".join("+".join(sorted(cands[a])) for a in order)]
        )
    for t in ties:
        sys.stderr.write(f"tie: {t}\n")
    if ties:
        die(f"{len(ties)} modules have several attributes of equal evidence: add prefer.tsv rows")
    for mod in sorted(prefer):
        if mod not in mapping:
            die(f"prefer.tsv: {mod} is not mapped")
    write("modules.tsv", tsv(["module", "attrs", "sources"], module_rows))

    # ------------------------------------------------------------------ deps
    dep_names = {
        r["old"]: (r["new"], r["reason"])
        for r in read_tsv(X("dep-names.tsv"), ["old", "new", "reason"])
    }
    dep_rows = read_tsv(
        S("nixpkgs-python-deps.tsv"), ["attr", "propagates", "optional", "commit", "note"]
    )
    renames_seen = collections.Counter()
    dropped_dep_names = collections.Counter()

    def norm_dep(name: str) -> str | None:
        if name in dep_names:
            new, _ = dep_names[name]
            renames_seen[(name, new or "(dropped)")] += 1
            if not new:
                dropped_dep_names[name] += 1
            return new or None
        if name in attr_set:
            return name
        cur, why = follow(name)
        if cur is None:
            dropped_dep_names[name] += 1
            renames_seen[(name, "(dropped: " + why + ")")] += 1
            return None
        if cur != name:
            renames_seen[(name, cur)] += 1
        return cur

    def norm_list(names: list[str]) -> list[str]:
        out = []
        for n in names:
            m = norm_dep(n)
            if m and m not in out:
                out.append(m)
        return out

    deps: dict[str, tuple[list[str], str]] = {}
    for r in dep_rows:
        a, _ = follow(r["attr"])
        a = a or r["attr"]
        props = [p for p in r["propagates"].split(",") if p]
        deps[a] = (norm_list(props), "nixpkgs:" + r["commit"][:12])
    shared_dep_attrs = set(deps)

    dep_changes = []
    dep_added = 0
    noop = []
    for r in read_tsv(X("deps.tsv"), ["attr", "propagates", "source", "change"]):
        a = r["attr"]
        if not r["source"].strip():
            die(f"deps.tsv: {a} has no source")
        new = norm_list([p for p in r["propagates"].split(",") if p])
        if a in deps:
            old = deps[a][0]
            if old == new:
                noop.append(a)
                continue
            dep_changes.append((a, ",".join(old) or "(none)", ",".join(new) or "(none)", r["change"]))
        else:
            dep_added += 1
        deps[a] = (new, "project")
    if noop:
        die(f"deps.tsv: rows that change nothing: {noop}")
    deps_not_in_snapshot = sorted(
        {d for ds, _ in deps.values() for d in ds if d not in attr_set}
        | {a for a in deps if a not in attr_set}
    )
    write(
        "deps.tsv",
        tsv(["attr", "propagates", "source"], [[a, ",".join(deps[a][0]), deps[a][1]] for a in sorted(deps)]),
    )

    # -------------------------------------------------------------- unmapped
    unmapped = read_tsv(X("unmapped.tsv"), ["module", "note", "source"])
    stale = [r["module"] for r in unmapped if r["module"] in mapping or pep503(r["module"]) in attr_set]
    if stale:
        die(f"unmapped.tsv: now mapped or an attribute: {stale}")
    write(
        "unmapped.tsv",
        tsv(["module", "note"], [[r["module"], r["note"]] for r in sorted(unmapped, key=lambda r: r["module"])]),
    )

    # ----------------------------------------------------------------- stubs
    stub_over = {
        r["attr"]: (r["target"], r["source"])
        for r in read_tsv(X("stubs.tsv"), ["attr", "target", "source"])
    }
    stubs = {}
    for a in attrs:
        target = None
        if a in stub_over:
            target = stub_over[a][0]
        elif a.startswith("types-aiobotocore"):
            target = "aiobotocore"
        elif a.startswith("mypy-boto3-") or a == "mypy-boto3":
            target = "boto3"
        elif a.startswith("types-"):
            target = a[len("types-"):]
        elif a.endswith("-stubs"):
            target = a[: -len("-stubs")]
        if target is None:
            continue
        cur, _ = follow(target)
        if cur is None or cur not in attr_set:
            continue
        stubs[a] = cur
    stub_gone = sorted(a for a in stub_over if a not in attr_set)
    for a in stub_over:
        if a not in stubs and a not in stub_gone:
            die(f"stubs.tsv: {a} -> {stub_over[a][0]} did not resolve")
    write("stubs.tsv", tsv(["attr", "target"], [[a, stubs[a]] for a in sorted(stubs)]))

    # ------------------------------------------------------------- licences
    write(
        "LICENSE-nixpkgs.txt",
        "The nixpkgs-derived tables in this folder (attrs.txt, aliases.tsv, deps.tsv,\n"
        "and the rows of modules.tsv tagged `nixpkgs`) are facts taken from NixOS/nixpkgs,\n"
        "which is distributed under the following licence (its COPYING file):\n\n"
        "Copyright (c) 2003-2024 Eelco Dolstra and the Nixpkgs/NixOS contributors\n\n"
        "Permission is hereby granted, free of charge, to any person obtaining\n"
        "a copy of this software and associated documentation files (the\n"
        '"Software"), to deal in the Software without restriction, including\n'
        "without limitation the rights to use, copy, modify, merge, publish,\n"
        "distribute, sublicense, and/or sell copies of the Software, and to\n"
        "permit persons to whom the Software is furnished to do so, subject to\n"
        "the following conditions:\n\n"
        "The above copyright notice and this permission notice shall be\n"
        "included in all copies or substantial portions of the Software.\n\n"
        'THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND,\n'
        "EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF\n"
        "MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND\n"
        "NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE\n"
        "LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION\n"
        "OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION\n"
        "WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.\n",
    )
    with open(os.path.join(EXTRA, "licenses", "Apache-2.0.txt"), encoding="utf-8") as f:
        apache = f.read()
    write(
        "LICENSE-pipreqs.txt",
        "The rows of modules.tsv tagged `pipreqs` are a factual extract (import name to\n"
        "PyPI distribution) of the file pipreqs/mapping of bndr/pipreqs, commit\n"
        "48dbafd39003b9de177b8d314795e45797555850, Copyright the pipreqs authors,\n"
        "licensed under the Apache License, Version 2.0, reproduced below.\n"
        "Changes: distribution names were PEP 503-normalised and matched to nixpkgs\n"
        "attributes; standard-library and namespace rows were dropped (see SOURCES.md).\n\n"
        + apache,
    )

    # --------------------------------------------------------------- report
    tag_counts = collections.Counter()
    for mod, cands in mapping.items():
        for a, tags in cands.items():
            for t in tags:
                tag_counts[t] += 1
    pairs = sum(len(c) for c in mapping.values())
    closure_sizes = {}

    def closure(a: str) -> set[str]:
        seen, todo = set(), list(deps.get(a, ([], ""))[0])
        while todo:
            d = todo.pop()
            if d in seen or d == a:
                continue
            seen.add(d)
            todo.extend(deps.get(d, ([], ""))[0])
        return seen

    for a in deps:
        closure_sizes[a] = len(closure(a))

    L = []
    L.append("# Provenance of nixdeps' embedded package database\n")
    L.append(
        "Generated by `python3 scripts/gen-data.py SHARED_DATA_DIR` from the shared\n"
        "research tables (described in that folder's SOURCES.md) and the project's own\n"
        "extension tables in `data/extra/`. Do not edit the generated files by hand:\n"
        "edit `data/extra/*.tsv` (every row names its source) and re-run the generator.\n"
        "The generator is deterministic (sorted output, no time or machine input): the\n"
        "same inputs give byte-identical files. The binary embeds these files with\n"
        "`include_str!` and never reads the shared folder.\n"
    )
    L.append("## Files\n")
    L.append("| file | rows | from |\n|---|---|---|")
    L.append(f"| `attrs.txt` | {len(attrs)} | shared `nixpkgs-python-attrs-current.tsv`: nixpkgs `pkgs/top-level/python-packages.nix`, late 2025 (an estimate from the packages it holds; the search index gives no commit for it, read_file id 3039428) |")
    L.append(f"| `aliases.tsv` | {len(aliases)} | nixpkgs `pkgs/top-level/python-aliases.nix` at `000b58721fef0d1cf693a6f2f4fa442b66fbe2bb` (mid-2024, the newest version the index holds; see `extra/aliases.tsv`) |")
    L.append(f"| `modules.tsv` | {len(module_rows)} modules, {pairs} module→attribute pairs | shared `import-names.tsv` (nixpkgs pythonImportsCheck + pipreqs), Debian's Contents index (`extra/debian-modules.tsv`) and `extra/modules.tsv` |")
    L.append(f"| `deps.tsv` | {len(deps)} | shared `nixpkgs-python-deps.tsv` ({len(shared_dep_attrs)} rows, 150 commits 2018–2026) refreshed/extended by `extra/deps.tsv` |")
    L.append(f"| `namespaces.tsv` | {len(namespaces)} | `extra/namespaces.tsv` |")
    L.append(f"| `stubs.tsv` | {len(stubs)} | attrs named `types-X`, `X-stubs`, `mypy-boto3-*`, `types-aiobotocore-*`, plus `extra/stubs.tsv` |")
    L.append(f"| `unmapped.tsv` | {len(unmapped)} | `extra/unmapped.tsv`: import names known to have no attribute, with the reason |")
    L.append(f"| `variants.tsv` | {len(variants)} | attrs named base+`_N`/`N`/`-bin`/`-build`/`With…` built from the base's directory in python-packages.nix (they provide the base's modules) |")
    L.append(f"| `python-stdlib.tsv` | {len(stdlib)} | shared `python-stdlib.tsv` refined by `extra/stdlib.tsv` |")
    L.append("| `LICENSE-nixpkgs.txt`, `LICENSE-pipreqs.txt` | | licence notices (nixpkgs MIT, pipreqs Apache-2.0) |\n")

    L.append("## modules.tsv\n")
    L.append(
        "Columns: `module` (possibly dotted), `attrs` (preferred first, then the\n"
        "alternatives), `sources` (per attribute, `+`-joined tags: `nixpkgs` =\n"
        "pythonImportsCheck or test-phase import in the package's nixpkgs file,\n"
        "`debian` = Debian's Contents index (`extra/debian-modules.tsv`), `pipreqs` =\n"
        "pipreqs' mapping, `project` = `extra/modules.tsv`). Evidence order, strongest\n"
        "first: nixpkgs, debian, pipreqs, project.\n"
    )
    by_best = collections.Counter(
        min((t for t in mapping[r[0]][r[1].split(",")[0]]), key=RANK.get) for r in module_rows
    )
    L.append(
        "Modules by the strongest evidence of their preferred attribute: "
        + ", ".join(f"{t} {by_best[t]}" for t in sorted(by_best, key=RANK.get))
        + ".\n"
    )
    L.append("Shared input rows by source: " + ", ".join(f"{k} {counts_in[k]}" for k in sorted(counts_in)) + ".\n")
    L.append(
        "Module→attribute pairs in the output by evidence tag (a pair can carry several): "
        + ", ".join(f"{k} {tag_counts[k]}" for k in sorted(tag_counts))
        + f". Project rows: {len(project_rows)} ({project_new} new pairs, {project_confirm} confirming a shared pair).\n"
    )
    L.append(f"### Dropped shared rows: standard-library names ({len(dropped_stdlib)})\n")
    L.append("Standard-library names are filtered before any mapping, so these never fire:\n")
    for m, a, s in dropped_stdlib:
        L.append(f"* `{m}` → `{a}` ({s})")
    L.append(f"\n### Dropped shared rows: pure namespace roots ({len(dropped_ns)})\n")
    L.append(
        "A namespace root (`google`, `azure`, …) is shared by many distributions, so\n"
        "mapping it to one of them is wrong; resolution goes through the dotted name.\n"
    )
    for m, a, s in dropped_ns:
        L.append(f"* `{m}` → `{a}` ({s})")
    L.append(f"\n### Dropped shared rows: listed in extra/drop-modules.tsv ({len(dropped_listed)})\n")
    for m, a, s, why in dropped_listed:
        L.append(f"* `{m}` → `{a}` ({s}): {why}")
    L.append(f"\n### Dropped shared rows: attribute gone from the late-2025 snapshot ({len(dropped_gone)})\n")
    for m, a, s_, why in dropped_gone:
        L.append(f"* `{m}` → `{a}` ({s_}): {why}")
    if not dropped_gone:
        L.append("None.")
    L.append("\n### Debian rows\n")
    L.append(
        "`extra/debian-modules.tsv` is written by `scripts/debian-modules.py` from Debian's\n"
        "Contents index (release " + ", ".join(deb_release) + "; trixie's Contents files could\n"
        "not be fetched: the mirror reported a size mismatch on three tries on 2026-12-07).\n"
        "Each Debian package's\n"
        "`*.dist-info` / `*.egg-info` name is its PyPI distribution; the distribution is joined\n"
        "to an attribute by PEP 503 name, through an alias, by the package's directory in\n"
        "python-packages.nix, or by a pname read in a nixpkgs file (only when exactly one\n"
        "attribute matches). The Contents index is factual metadata (file names per package) of\n"
        "the Debian archive, published without a licence of its own; the extract holds only\n"
        "package, file and distribution names (facts), no package content. Credit: the Debian\n"
        "project.\n"
    )
    kinds = collections.Counter(r["kind"] for r in deb_rows)
    L.append(
        "Extract rows by kind: " + ", ".join(f"{k} {kinds[k]}" for k in sorted(kinds))
        + ". Left out by the script: " + ("; ".join(deb_left_out) or "nothing") + "\n"
    )
    L.append(f"Rows read: {len(deb_rows)}; joined by " + ", ".join(f"{k} {v}" for k, v in sorted(deb_join.items())) + ".\n")
    L.append("Not used: " + ", ".join(f"{k} {v}" for k, v in sorted(deb_skipped.items())) + ".\n")
    L.append(
        f"Helper modules (scripts, test scaffolding, private modules beside a public one): "
        f"{len(deb_generic)} generic names (`tests`, `setup`, `docs` …) never mapped; "
        f"{len(deb_helper_used)} others mapped to their package because nothing else claims them; "
        f"{len([m for m in deb_helpers if m not in deb_helper_used])} left out because a real package or another source claims the name.\n"
    )
    L.append(f"\n### Project rows overruled by Debian ({len(project_overruled)})\n")
    L.append(
        "A project row falls when Debian gives the module to another distribution and lists this\n"
        "attribute's modules without it. Where both ship the name, the project's reviewed choice in\n"
        "`prefer.tsv` (or stronger evidence) stands and Debian's attribute is an alternative: "
        + ", ".join(
            f"`{m}` ({order[0]} over {a})"
            for m, order, _ in multi
            for a in order[1:]
            if "debian" in mapping[m][a] and "debian" not in mapping[m][order[0]]
        )
        + ".\n"
    )
    for m, a, own in project_overruled:
        L.append(f"* `{m}` → ~~`{a}`~~ (Debian's {a} ships {', '.join(own)})")
    if not project_overruled:
        L.append("None.")
    L.append(f"\n### Sub-module rows folded into their parent ({len(redundant)})\n")
    L.append("Same attributes as the nearest mapped parent (or a subset of them), so the parent row decides:\n")
    L.append(", ".join(f"`{m}`" for m, _ in redundant) + "\n")
    L.append(f"\n### Shared targets renamed through aliases ({len(renamed_targets)})\n")
    for m, a, c in renamed_targets:
        L.append(f"* `{m}`: `{a}` → `{c}`")
    if not renamed_targets:
        L.append("None.")
    L.append(f"\n### Project rows dropped: attribute not in the late-2025 snapshot ({len(project_not_in_snapshot)})\n")
    for m, a in project_not_in_snapshot:
        L.append(f"* `{m}` → `{a}`")
    if not project_not_in_snapshot:
        L.append("None.")
    shadow = [
        (m, r[1].split(",")[0], pep503(m))
        for m, r in ((r[0], r) for r in module_rows)
        if "." not in m and pep503(m) in attr_set and pep503(m) not in r[1].split(",")
    ]
    L.append(f"\n### Mapped modules whose PEP 503 name is a different attribute ({len(shadow)})\n")
    L.append(
        "The evidence names another distribution (reviewed project rows, or Debian's file list,\n"
        "which does not know the like-named attribute). ND001 suggests the mapped attribute; a\n"
        "declared like-named attribute still counts as providing its own module form:\n"
    )
    L.append(", ".join(f"`{m}` → `{a}` (not `{p}`)" for m, a, p in shadow) + "\n")
    L.append(f"\n### Modules with several attributes: preference ({len(multi)})\n")
    L.append(
        "From `extra/prefer.tsv` where it has a row; otherwise the attribute with the\n"
        "strongest evidence (nixpkgs > debian > pipreqs > project). The others are\n"
        "reported as alternatives.\n"
    )
    for m, order, why in multi:
        L.append(f"* `{m}`: **{order[0]}** over {', '.join(order[1:])}: {why}")

    L.append("\n## deps.tsv (propagated Python dependencies)\n")
    L.append(
        "Columns: `attr`, `propagates` (direct, comma-separated, current attribute\n"
        "names), `source` (`nixpkgs:COMMIT` for a shared row kept as read, `project`\n"
        "for a row refreshed or added by `extra/deps.tsv`). The closure over\n"
        "`propagates` is what `python3.withPackages` puts next to a package. Only\n"
        "unconditional entries for CPython on Linux are listed. A missing row means\n"
        "\"unknown\", not \"no dependencies\".\n"
    )
    n_shared_kept = sum(1 for a in deps if deps[a][1] != "project")
    L.append(
        f"Rows: {len(deps)} — {n_shared_kept} shared rows kept as read (names normalised), "
        f"{len(dep_changes)} shared rows refreshed, {dep_added} rows added by the project.\n"
    )
    L.append("### Names normalised in the shared rows\n")
    for (o, n), c in sorted(renames_seen.items()):
        why = dep_names.get(o, ("", "nixpkgs alias"))[1]
        L.append(f"* `{o}` → `{n}` ({c}×): {why}")
    L.append(f"\n### Shared rows refreshed ({len(dep_changes)})\n")
    L.append("Each replaces the whole row; the reason (and the source) is in `extra/deps.tsv`.\n")
    L.append("| attr | before | after | why |\n|---|---|---|---|")
    for a, o, n, why in sorted(dep_changes):
        L.append(f"| {a} | {o} | {n} | {why} |")
    L.append(f"\n### Names not in the late-2025 attribute snapshot ({len(deps_not_in_snapshot)})\n")
    L.append(
        "Newer than the snapshot (the shared deps rows reach 2026), removed since (a row keyed\n"
        "by a removed name never fires), or built inside another package's file; kept so\n"
        "closures stay right.\n"
    )
    L.append(", ".join(f"`{d}`" for d in deps_not_in_snapshot) + "\n")
    big = sorted(closure_sizes.items(), key=lambda kv: (-kv[1], kv[0]))[:5]
    L.append("Largest closures: " + ", ".join(f"{a} ({n})" for a, n in big) + ".\n")

    L.append("## attrs.txt, variants.tsv, stubs.tsv: the move to the late-2025 snapshot\n")
    L.append(
        f"{len(gone)} attributes of the mid-2024 table are not in the late-2025 one (removed or\n"
        f"renamed); rows naming them were renamed through aliases or dropped, as listed above.\n"
        f"{len(nested)} nested `bootstrap.*` names are left out (not declarable packages).\n"
        f"{len(alias_shadowed)} mid-2024 aliases are attributes again and were dropped: "
        + ", ".join(f"`{a}`" for a in alias_shadowed) + ".\n"
        f"Stub overrides for attributes gone: " + (", ".join(f"`{a}`" for a in stub_gone) or "none") + ".\n"
        f"`prefer.tsv` rows whose alternative has left nixpkgs (kept, inert): "
        + (", ".join(f"`{m}` ({a})" for m, a in prefer_stale) or "none") + ".\n"
    )
    L.append("## python-stdlib.tsv\n")
    L.append(
        "Kept in the shared format (`module\\tversions`). The shared table's 3.14 column\n"
        "was estimated; these rows were changed (`extra/stdlib.tsv`). Python 3.14\n"
        "removed no top-level module (the PEP 594 removals happened in 3.13).\n"
    )
    L.append("| module | before | after | source |\n|---|---|---|---|")
    for m, o, n, s in std_changes:
        L.append(f"| `{m}` | {o} | {n} | {s} |")
    L.append("\n## namespaces.tsv\n")
    L.append(
        "`pure`: the root itself belongs to no distribution (never resolves on its own).\n"
        "`owned`: one distribution ships the root, others ship sub-packages. Under a\n"
        "namespace, an unknown dotted module `a.b` also resolves to the attribute named\n"
        "`pep503(a.b)` (`google.cloud.vision` → `google-cloud-vision`).\n"
    )
    L.append(", ".join(f"`{n}` ({namespaces[n]})" for n in sorted(namespaces)) + "\n")
    L.append("## Licences\n")
    L.append(
        "nixpkgs is MIT (`LICENSE-nixpkgs.txt`); pipreqs is Apache-2.0\n"
        "(`LICENSE-pipreqs.txt`, with the notice of what was changed). The `debian` rows are\n"
        "file-name facts from Debian's archive index (credit: the Debian project; the Contents\n"
        "files are archive metadata, not a copyrighted work of one package, and no package's\n"
        "files or texts were copied). Previously: pipreqs is Apache-2.0\n"
        "(`LICENSE-pipreqs.txt`, with the notice of what was changed). The project's\n"
        "extension rows are the project's own, stated from public nixpkgs files and PyPI\n"
        "project metadata named in each row's `source`.\n"
    )
    write("SOURCES.md", "\n".join(L) + "\n" + shell_section())
    print(
        f"modules {len(module_rows)} (pairs {pairs}), attrs {len(attrs)}, aliases {len(aliases)}, "
        f"deps {len(deps)} ({len(dep_changes)} refreshed, {dep_added} added), stubs {len(stubs)}, "
        f"stdlib {len(stdlib)}"
    )


if __name__ == "__main__":
    main()
