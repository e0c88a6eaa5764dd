#!/usr/bin/env nix-shell
#!nix-shell -i bash -p jq
# !nix-shell -p curl
 #!nix-shell -p git
jq --version
