#!/usr/bin/nix-shell
#!nix-shell -i python3 -p "python3.withPackages (ps: [ ps.requests ])"

import requests
import bs4

soup = bs4.BeautifulSoup(requests.get("https://example.org", timeout=5).text, "html.parser")
print(soup.title)
