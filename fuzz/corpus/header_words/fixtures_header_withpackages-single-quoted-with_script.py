#!/usr/bin/env nix-shell
#! nix-shell -i python3 -p 'python312.withPackages(ps: with ps; [ numpy toolz ])'

import numpy
from toolz import curry
import attrs


@curry
def add(a: int, b: int) -> int:
    return a + b


print(numpy.array([add(1)(2)]), attrs)
