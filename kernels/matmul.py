"""Naive triple-loop matrix multiply, 128×128 float64, into a preallocated C.

The classic i-j-k order with a scalar accumulator: a strided inner read of
`b` and a loop-carried float reduction, which a compiler may not reorder
without fast-math. Measures plain scalar loop code, not BLAS.
"""

import numpy as np

from _harness import Bench, standalone


def matmul(a, b, c):
    n = a.shape[0]
    p = a.shape[1]
    m = b.shape[1]
    for i in range(n):
        for j in range(m):
            acc = 0.0
            for k in range(p):
                acc += a[i, k] * b[k, j]
            c[i, j] = acc


def _build(n=128):
    rng = np.random.default_rng(3)
    return (rng.random((n, n)), rng.random((n, n)), np.zeros((n, n)))


BENCH = {
    "matmul": Bench(
        func=matmul,
        build=_build,
        label="naive matmul 128×128 float64",
        outputs=(2,),
        summary=lambda ret, args: (
            f"max |C - A@B| = {float(np.abs(args[2] - args[0] @ args[1]).max()):.3g}"
        ),
    ),
}


if __name__ == "__main__":
    raise SystemExit(standalone(BENCH))
