#!/usr/bin/env nix-shell
#!nix-shell -i python3 -p python311 python312Packages.requests
import requests
