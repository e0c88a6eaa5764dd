#!/usr/bin/env nix-shell
#!nix-shell -i python3 -p "python3.withPackages (ps: with ps; [ pyyaml toolz ])"
#!nix-shell -p ffmpeg nix.out
import json

import toolz
import yaml

print(json.dumps({"yaml": yaml.NIXDEPS_STUB, "toolz": toolz.NIXDEPS_STUB}))
