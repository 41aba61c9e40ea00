"""Tiled matrix multiply in shared memory (Numba's documentation example, row/column
per thread): each 16×16 block stages one tile of A and one of B in `cuda.shared.array`,
with `cuda.syncthreads()` before and after using them.

Compared with the naive i-j-k loop of `kernels/matmul.py` under @njit (same result up
to rounding). (n×256) @ (256×n), float64: one thread per element of C, each a 256-term
dot product over 16 tiles, whatever n is, so the time per CUDA thread of the full size
(n = 256: 65,536 threads) and of the simulator's (n = 16: one block) compare the same
work.
"""

import numpy as np

from _harness import CudaBench, cuda, cuda_standalone

TILE = 16
K = 256


def matmul_shared(a, b, c):
    sa = cuda.shared.array((TILE, TILE), np.float64)
    sb = cuda.shared.array((TILE, TILE), np.float64)
    col, row = cuda.grid(2)
    tx = cuda.threadIdx.x
    ty = cuda.threadIdx.y
    acc = 0.0
    for t in range((a.shape[1] + TILE - 1) // TILE):
        k = t * TILE
        if row < a.shape[0] and k + tx < a.shape[1]:
            sa[ty, tx] = a[row, k + tx]
        else:
            sa[ty, tx] = 0.0
        if col < b.shape[1] and k + ty < b.shape[0]:
            sb[ty, tx] = b[k + ty, col]
        else:
            sb[ty, tx] = 0.0
        cuda.syncthreads()
        for j in range(TILE):
            acc += sa[ty, j] * sb[j, tx]
        cuda.syncthreads()
    if row < c.shape[0] and col < c.shape[1]:
        c[row, col] = acc


def matmul_loop(a, b, c):
    n = a.shape[0]
    p = a.shape[1]
    m = b.shape[1]
    for i in range(n):
        for j in range(m):
            acc = 0.0
            for k in range(p):
                acc += a[i, k] * b[k, j]
            c[i, j] = acc


def _build(n):
    rng = np.random.default_rng(3)
    return (rng.random((n, K)), rng.random((K, n)), np.zeros((n, n)))


def _config(n):
    blocks = (n + TILE - 1) // TILE
    return ((blocks, blocks), (TILE, TILE))


CUDA_BENCH = {
    "matmul_shared": CudaBench(
        kernel=matmul_shared,
        loop=matmul_loop,
        build=_build,
        config=_config,
        reference=lambda args: [args[0] @ args[1]],
        outputs=(2,),
        size=256,
        sim_size=16,
        label="tiled matmul, shared memory + syncthreads, float64",
        barriers=True,
        size_text=lambda n: f"({n}×{K}) @ ({K}×{n})",
    ),
}


if __name__ == "__main__":
    raise SystemExit(cuda_standalone(CUDA_BENCH))
