#!/usr/bin/env nix-shell
#!nix-shell -i python3 -p "python3.withPackages(ps: [ ps.attrs ])"
#!nix-shell -p "python3.pkgs.callPackage (fetchFromGitHub {owner = \"a\"; repo = \"b\"; rev = \"c\"; sha256 = \"d\"; }) { }"
import attrs
import yaml
