#!/usr/bin/env nix-shell
#!nix-shell -i python3 -p "python3.withPackages (ps: with ps; [ click requests ])"
import click
import numpy
import requests
from bs4 import BeautifulSoup
