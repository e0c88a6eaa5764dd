#!/usr/bin/env nix-shell
#!nix-shell -i python3 -p python3Packages.requests python3Packages.lxml ffmpeg
import json

import lxml
import requests

print(json.dumps({"requests": requests.NIXDEPS_STUB, "lxml": lxml.NIXDEPS_STUB}))
