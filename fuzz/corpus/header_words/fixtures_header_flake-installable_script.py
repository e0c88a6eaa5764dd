#!/usr/bin/env nix
#! nix shell nixpkgs#python3Packages.numpy --command python3

import numpy as np
import scipy

print(np.linspace(0, 1, 5), scipy.__version__)
