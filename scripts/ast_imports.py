#!/usr/bin/env python3
"""Print the imports CPython's own `ast` finds, for comparison with nixdeps.

Reads file paths, one per line, on stdin; all files are handled in this one
process (speed). For each file prints one JSON line:
  {"path": P, "ok": true, "imports": [[line, top], ...]}   (sorted)
  {"path": P, "ok": false, "error": "..."}                   (ast cannot parse it)

"Import" means exactly what nixdeps' `imports::extract` means, minus dynamic
imports: every alias of an `ast.Import` (line = the alias's line), and every
`ast.ImportFrom` with level 0 (line = the statement's line), keeping the
top-level module name; `__future__` is left out in both forms. Files are
parsed from bytes, so PEP 263 cookies and BOMs are honoured by CPython.
"""
import ast
import json
import sys
import warnings


def imports_of(tree):
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                top = alias.name.split(".")[0]
                if top != "__future__":
                    out.append([getattr(alias, "lineno", node.lineno), top])
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0 and node.module:
                top = node.module.split(".")[0]
                if top != "__future__":
                    out.append([node.lineno, top])
    out.sort()
    return out


def main():
    warnings.simplefilter("ignore")
    write = sys.stdout.write
    for line in sys.stdin:
        path = line.rstrip("\n")
        if not path:
            continue
        try:
            with open(path, "rb") as f:
                data = f.read()
            tree = ast.parse(data, filename=path)
            rec = {"path": path, "ok": True, "imports": imports_of(tree)}
        except (SyntaxError, ValueError, RecursionError, MemoryError, OSError) as e:
            rec = {"path": path, "ok": False, "error": f"{type(e).__name__}: {e}"}
        write(json.dumps(rec) + "\n")


if __name__ == "__main__":
    main()
