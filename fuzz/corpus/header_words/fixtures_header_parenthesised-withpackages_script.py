#!/usr/bin/env nix-shell
#!nix-shell -i python3 -p "(python3.withPackages (ps: with ps; [ vdf xdg ]))"

import psutil
import vdf
from xdg import BaseDirectory

print(vdf.dumps({}), BaseDirectory.xdg_config_home, psutil.cpu_count())
