#!/usr/bin/env nix-shell
#!nix-shell update-shell.nix -i python3
import requests
