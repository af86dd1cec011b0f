#!/usr/bin/env python3
"""Makes "June's" digits (a CSV) from January's: every image moved one pixel to the right and speckled
with noise (a new scanner), so `caviar retune` has a changed environment to find.

    python3 examples/retune/change_digits.py examples/data/digits.csv.gz jun.csv

Deterministic (seeded): the same input gives the same output. Standard library only."""
import gzip
import os
import random
import sys


def main(source, target, seed=2026):
    rng = random.Random(seed)
    out = []
    with gzip.open(source, "rt") as f:
        for line in f:
            cells = line.strip().split(",")
            if len(cells) != 65:
                continue
            pixels, label = [int(c) for c in cells[:64]], cells[64]
            moved = []
            for row in range(8):
                r = pixels[row * 8:(row + 1) * 8]
                moved += [0] + r[:7]  # one pixel to the right
            noisy = [min(16, max(0, p + rng.choice((-3, 0, 0, 0, 3)))) for p in moved]
            out.append(",".join(str(p) for p in noisy) + "," + label)
    os.makedirs(os.path.dirname(os.path.abspath(target)), exist_ok=True)
    # Plain text (compressed if TARGET ends in .gz, with no name or time in the header): the same
    # bytes on every machine, so its sha256 names its content only.
    data = ("\n".join(out) + "\n").encode()
    with open(target, "wb") as raw:
        if target.endswith(".gz"):
            with gzip.GzipFile("", "wb", fileobj=raw, mtime=0) as f:
                f.write(data)
        else:
            raw.write(data)
    print(f"{target}: {len(out)} digits, moved one pixel right, with noise")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: change_digits.py SOURCE.csv.gz TARGET.csv.gz")
    main(sys.argv[1], sys.argv[2])
