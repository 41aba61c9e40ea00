"""Block sums of a float64 vector, two ways: with atomics and with shared memory.

Both kernels add each block's 256 elements into `partial[blockIdx.x]`, and both are
compared with the same sequential loop (and `x.reshape(-1, 256).sum(1)`).

- `block_sum_atomic`: every thread does `cuda.atomic.add(partial, blockIdx.x, x[i])`
  (no barrier; the float atomic is contended by the 256 threads of its block).
- `block_sum_shared`: the classic tree reduction in `cuda.shared.array`, with a
  `cuda.syncthreads()` between levels; thread 0 adds the block's result.

2**21 elements; blocks of 256 threads.
"""

import numpy as np

from _harness import CudaBench, cuda, cuda_standalone

TPB = 256


def block_sum_atomic(x, partial):
    i = cuda.grid(1)
    if i < x.shape[0]:
        cuda.atomic.add(partial, cuda.blockIdx.x, x[i])


def block_sum_shared(x, partial):
    buf = cuda.shared.array(TPB, np.float64)
    t = cuda.threadIdx.x
    i = cuda.grid(1)
    if i < x.shape[0]:
        buf[t] = x[i]
    else:
        buf[t] = 0.0
    cuda.syncthreads()
    s = TPB // 2
    while s > 0:
        if t < s:
            buf[t] += buf[t + s]
        cuda.syncthreads()
        s //= 2
    if t == 0:
        partial[cuda.blockIdx.x] += buf[0]


def block_sum_loop(x, partial):
    n = x.shape[0]
    for b in range(partial.shape[0]):
        s = 0.0
        for i in range(b * TPB, min((b + 1) * TPB, n)):
            s += x[i]
        partial[b] += s


def _build(n):
    rng = np.random.default_rng(9)
    return (rng.random(n) - 0.5, np.zeros((n + TPB - 1) // TPB))


def _reference(args):
    x = args[0]
    padded = np.zeros(args[1].shape[0] * TPB)
    padded[: x.shape[0]] = x
    return [padded.reshape(-1, TPB).sum(axis=1)]


_COMMON = dict(
    loop=block_sum_loop,
    build=_build,
    config=lambda n: ((n + TPB - 1) // TPB, TPB),
    reference=_reference,
    outputs=(1,),
    size=1 << 21,
)

CUDA_BENCH = {
    "block_sum_atomic": CudaBench(
        kernel=block_sum_atomic,
        sim_size=4096,
        label="block sums, float atomic.add per thread",
        **_COMMON,
    ),
    "block_sum_shared": CudaBench(
        kernel=block_sum_shared,
        sim_size=1024,
        label="block sums, shared-memory tree + syncthreads",
        barriers=True,
        **_COMMON,
    ),
}


if __name__ == "__main__":
    raise SystemExit(cuda_standalone(CUDA_BENCH))
