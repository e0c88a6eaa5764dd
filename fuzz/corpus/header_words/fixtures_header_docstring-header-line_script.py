#!/usr/bin/env nix-shell
#!nix-shell -i python3 -p "python3.withPackages (ps: [ ps.requests ])"

import requests
import six

USAGE = """
Run me directly. The line below is read by nix-shell too:
#!nix-shell -p "python3.withPackages (ps: [ ps.toolz ])"
"""

print(USAGE, requests.__version__, six.PY3)
