#!/usr/bin/env nix-shell
#!nix-shell -i python3 -p "python3.withPackages(ps: [ ps.numpy ps.requests ])"

import numpy as np
import yaml
import requests


def main() -> None:
    data = np.arange(3)
    print(requests.get("https://example.org", timeout=5).status_code, data)


if __name__ == "__main__":
    main()
