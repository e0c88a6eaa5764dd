#!/usr/bin/env nix-shell
#! nix-shell -i python3 -p python3
import sys
import yaml
