#!/usr/bin/env nix-shell
#!nix-shell -i python3 -p "python3.withPackages (ps: [ ps.numpy ])"
# -*- coding: utf-8 -*-
"""Café statistics."""
import numpy
import pandas

print(numpy.mean([1, 2]), pandas.__version__)
