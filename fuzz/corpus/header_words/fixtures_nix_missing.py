#!/usr/bin/env nix-shell
#!nix-shell -i python3 -p "python3.withPackages (ps: [ ps.numpy ])"
# Same imports as ok.py, but requests is not declared: a real ModuleNotFoundError.
import numpy
import requests

print(numpy, requests)
