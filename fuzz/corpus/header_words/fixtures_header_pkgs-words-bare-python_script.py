#!/usr/bin/env nix-shell
#! nix-shell -i python3 -p python3 python3.pkgs.requests nix.out

import json
import subprocess

import requests
import tqdm

out = subprocess.run(["nix", "eval", "--json", "nixpkgs#hello.meta"], capture_output=True, check=True)
print(json.loads(out.stdout), requests.__version__, tqdm)
