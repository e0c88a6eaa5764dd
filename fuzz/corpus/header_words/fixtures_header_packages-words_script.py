#!/usr/bin/env nix-shell
#!nix-shell -i python3 -p python3Packages.requests python3Packages.lxml ffmpeg

import subprocess

import click
import requests
from lxml import etree

page = requests.get("https://example.org", timeout=5)
tree = etree.HTML(page.text)
subprocess.run(["ffmpeg", "-version"], check=True)
