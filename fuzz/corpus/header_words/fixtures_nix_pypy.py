#!/usr/bin/env nix-shell
#!nix-shell -i pypy3 -p "pypy3.withPackages (ps: [ ps.six ])"
import six

print(six.NIXDEPS_STUB)
