"""Fused element-wise expression `a*b - 4.1*a > 2.5*b` on 1e6 float64.

Needs array expressions inside compiled code (a later ferrumba milestone);
a good compiler fuses it into one loop with no temporaries, which is where
it can beat plain NumPy.
"""

import numpy as np

from _harness import Bench, standalone


def fused(a, b):
    return a * b - 4.1 * a > 2.5 * b


def _build(n=1_000_000):
    rng = np.random.default_rng(11)
    return (rng.random(n) * 10.0, rng.random(n) * 10.0)


BENCH = {
    "fused_expr": Bench(
        func=fused,
        build=_build,
        label="a*b - 4.1*a > 2.5*b, 1e6 float64",
        milestone="numpy",
        kinds=("steady", "compile"),
        build_small=lambda: _build(8),
        summary=lambda ret, args: f"{int(ret.sum())} of {ret.size} true",
    ),
}


if __name__ == "__main__":
    raise SystemExit(standalone(BENCH))
