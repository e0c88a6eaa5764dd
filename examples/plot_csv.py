#!/usr/bin/env nix-shell
#!nix-shell -i python3 -p "python3.withPackages (ps: with ps; [ matplotlib numpy scipy ])"
"""Plot the columns of a CSV file."""
import csv
import sys

import matplotlib.pyplot as plt
import numpy as np


def main(path: str) -> None:
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    data = np.array(rows[1:], dtype=float)
    for i, name in enumerate(rows[0]):
        plt.plot(data[:, i], label=name)
    plt.legend()
    plt.show()


if __name__ == "__main__":
    main(sys.argv[1])
