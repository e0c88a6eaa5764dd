#!/usr/bin/env nix-shell
#!nix-shell -i python3
"""Fetch a page; the nix-shell header line is at the very end."""
import click
import requests

click.echo(requests.get("https://example.org", timeout=5).status_code)
#!nix-shell -p python3Packages.requests