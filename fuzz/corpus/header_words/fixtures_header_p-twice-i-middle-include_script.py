#!/usr/bin/env nix-shell
#!nix-shell -p python3Packages.click -i python3 python3Packages.pyyaml
#!nix-shell -p python3Packages.rich -I nixpkgs=../pkgs

import click
import yaml
import jinja2


@click.command()
@click.argument("path")
def main(path: str) -> None:
    print(jinja2.Template("{{ x }}").render(x=yaml.safe_load(open(path))))


main()
