#!/usr/bin/env nix-shell
#! nix-shell -i python -p "python3.withPackages (ps: with ps; [ ps.click ps.requests ])" nix

import click
import requests
import rich


@click.command()
def main() -> None:
    rich.print(requests.get("https://example.org", timeout=5).status_code)


main()
