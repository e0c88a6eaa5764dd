#!/usr/bin/env nix-shell
#!nix-shell -i python3 -p "python3.withPackages (ps: [ ps.requests ])"
from distutils.version import LooseVersion
import cgi
import requests
