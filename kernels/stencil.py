"""2-D 5-point stencil (one Jacobi sweep) from one 512×512 array into another.

Memory-bound neighbour access: measures bounds/stride handling of 2-D
indexing and whether the inner loop gets vectorised. The border of `dst` is
left as allocated.
"""

import numpy as np

from _harness import Bench, standalone


def stencil5(src, dst):
    n = src.shape[0]
    m = src.shape[1]
    for i in range(1, n - 1):
        for j in range(1, m - 1):
            dst[i, j] = 0.2 * (
                src[i, j] + src[i - 1, j] + src[i + 1, j] + src[i, j - 1] + src[i, j + 1]
            )


def _build(n=512):
    rng = np.random.default_rng(7)
    return (rng.random((n, n)), np.zeros((n, n)))


BENCH = {
    "stencil": Bench(
        func=stencil5,
        build=_build,
        label="5-point stencil 512×512",
        outputs=(1,),
    ),
}


if __name__ == "__main__":
    raise SystemExit(standalone(BENCH))
