#!/usr/bin/env nix
#! nix shell --impure --expr ``
#! nix   with import (builtins.getFlake "nixpkgs") { };
#! nix   python3.withPackages (ps: with ps; [ requests ])
#! nix ``
#! nix --command python3

import requests
import urllib3

print(requests.get("https://example.org", timeout=5).status_code, urllib3.__version__)
