"""SAXPY as a CUDA kernel: `out[i] = a * x[i] + y[i]`, one thread per element, float32.

The simplest data-parallel kernel: measures what a launch and the per-thread index
arithmetic (`cuda.grid(1)` and its bounds check) cost over a plain loop. 2**21 elements
(24 MiB of arrays, more than L2, less than L3); blocks of 256 threads.
"""

import numpy as np

from _harness import CudaBench, cuda, cuda_standalone

TPB = 256


def saxpy(a, x, y, out):
    i = cuda.grid(1)
    if i < x.shape[0]:
        out[i] = a * x[i] + y[i]


def saxpy_loop(a, x, y, out):
    for i in range(x.shape[0]):
        out[i] = a * x[i] + y[i]


def _build(n):
    rng = np.random.default_rng(11)
    x = rng.random(n, dtype=np.float32)
    y = rng.random(n, dtype=np.float32)
    return (np.float32(2.5), x, y, np.zeros(n, dtype=np.float32))


CUDA_BENCH = {
    "saxpy": CudaBench(
        kernel=saxpy,
        loop=saxpy_loop,
        build=_build,
        config=lambda n: ((n + TPB - 1) // TPB, TPB),
        reference=lambda args: [args[0] * args[1] + args[2]],
        outputs=(3,),
        size=1 << 21,
        sim_size=4096,
        label="saxpy, float32",
    ),
}


if __name__ == "__main__":
    raise SystemExit(cuda_standalone(CUDA_BENCH))
