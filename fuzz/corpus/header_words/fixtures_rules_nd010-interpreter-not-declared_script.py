#!/usr/bin/env nix-shell
#!nix-shell -i python3 -p ffmpeg
import subprocess
import yaml
subprocess.run(["ffmpeg", "-version"])
