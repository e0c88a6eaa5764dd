#!/usr/bin/env nix-shell
#!nix-shell update-shell.nix -i python3

import json
import requests

print(json.dumps(requests.get("https://example.org/pkgs.json", timeout=5).json()))
