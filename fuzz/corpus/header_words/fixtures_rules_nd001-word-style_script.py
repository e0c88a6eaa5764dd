#!/usr/bin/env nix-shell
#!nix-shell -i python3 -p python3Packages.requests python3Packages.lxml ffmpeg
import lxml.etree
import requests
from PIL import Image
