#!/usr/bin/env nix-shell
#!nix-shell -i python3 -p "python3.withPackages (ps: [ ps.jinja2 ])"
"""Render a report; the YAML loading lives in the sibling helpers.py."""
import sys

import jinja2

import helpers

template = jinja2.Template("{% for k, v in data.items() %}{{ k }}: {{ v }}\n{% endfor %}")
print(template.render(data=helpers.load(sys.argv[1])))
