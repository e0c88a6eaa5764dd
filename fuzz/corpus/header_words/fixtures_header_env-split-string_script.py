#!/usr/bin/env -S nix-shell -i python3 -p python3

"""Print the size of a file."""
import sys

import humanize

print(humanize.naturalsize(len(open(sys.argv[1], "rb").read())))
