#!/usr/bin/env nix-shell
#!nix-shell -i python3 -p "python3.withPackages (ps: [ ps.numpy ps.requests ])"
import json
import sys

import numpy
import requests

print(json.dumps({"numpy": numpy.NIXDEPS_STUB, "requests": requests.NIXDEPS_STUB, "args": sys.argv[1:]}))
