#!/usr/bin/env nix-shell
#!nix-shell -i "python3 -u" -p "python3.withPackages (p: with p; [ rich structlog ])"
import json
import sys

import rich
import structlog

print(json.dumps({"unbuffered": "-u" in sys.orig_argv, "rich": rich.NIXDEPS_STUB}))
