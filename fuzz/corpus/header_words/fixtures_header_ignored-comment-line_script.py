#!/usr/bin/env nix-shell
# !nix-shell ./shell.nix -i python3
#!nix-shell -i python3 -p python3Packages.requests

import requests
import yaml

print(yaml.safe_dump(requests.get("https://example.org", timeout=5).headers))
