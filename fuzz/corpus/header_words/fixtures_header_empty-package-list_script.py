#!/usr/bin/env nix-shell
#! nix-shell -i python3 -p

import requests

print(requests.get("https://example.org", timeout=5).status_code)
