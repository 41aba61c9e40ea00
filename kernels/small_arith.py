"""A small scalar function: the compile-latency case for "typical tiny helper".

Branches, float arithmetic and a `math` call, but no loops or arrays, so its
first-call time is almost all fixed per-function compiler cost.
"""

import math

from _harness import Bench, standalone


def larger_root(a, b, c):
    disc = b * b - 4.0 * a * c
    if disc < 0.0:
        return math.nan
    return (-b + math.sqrt(disc)) / (2.0 * a)


BENCH = {
    "larger_root": Bench(
        func=larger_root,
        build=lambda: (1.0, -3.0, 2.0),
        label="larger_root(1.0, -3.0, 2.0)",
        kinds=("compile",),
    ),
}


if __name__ == "__main__":
    raise SystemExit(standalone(BENCH))
