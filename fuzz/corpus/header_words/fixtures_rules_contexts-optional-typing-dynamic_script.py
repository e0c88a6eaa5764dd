#!/usr/bin/env nix-shell
#!nix-shell -i python3 -p "python3.withPackages (ps: [ ps.requests ps.types-requests ])"
import importlib
from typing import TYPE_CHECKING

import requests

try:
    import ujson as json
except ImportError:
    import json

if TYPE_CHECKING:
    import numpy

yaml = importlib.import_module("yaml")
