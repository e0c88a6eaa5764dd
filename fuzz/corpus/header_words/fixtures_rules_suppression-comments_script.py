#!/usr/bin/env nix-shell
#!nix-shell -i python3 -p "python3.withPackages (ps: [ ps.requests ps.numpy ])"
# nixdeps: ignore[ND002]
import requests
import mycompany_internal_sdk  # nixdeps: ignore[ND003]
import yaml
