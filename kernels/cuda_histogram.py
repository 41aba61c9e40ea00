"""Histogram with atomics: each thread bins one float in [0, 1) into 16 int32 bins with
`cuda.atomic.add`, through a device function.

Few bins make the atomics contended: every thread of every block hits the same 16
counters (one cache line), from all cores at once. The @njit loop is the sequential
`hist[bin] += 1`. 2**21 elements; blocks of 256 threads.
"""

import numpy as np

from _harness import CudaBench, cuda, cuda_standalone

TPB = 256
NBINS = 16


def bin_of(v):
    b = int(v * NBINS)
    return min(max(b, 0), NBINS - 1)


def histogram(x, hist):
    i = cuda.grid(1)
    if i < x.shape[0]:
        cuda.atomic.add(hist, bin_of(x[i]), 1)


def histogram_loop(x, hist):
    for i in range(x.shape[0]):
        b = min(max(int(x[i] * NBINS), 0), NBINS - 1)
        hist[b] += 1


def _build(n):
    rng = np.random.default_rng(5)
    # Not uniform, so that a bin mix-up shows in the check.
    return (rng.random(n) ** 2, np.zeros(NBINS, dtype=np.int32))


def _reference(args):
    x = args[0]
    bins = np.clip((x * NBINS).astype(np.int64), 0, NBINS - 1)
    return [np.bincount(bins, minlength=NBINS).astype(np.int32)]


CUDA_BENCH = {
    "histogram": CudaBench(
        kernel=histogram,
        device=(bin_of,),
        loop=histogram_loop,
        build=_build,
        config=lambda n: ((n + TPB - 1) // TPB, TPB),
        reference=_reference,
        outputs=(1,),
        size=1 << 21,
        sim_size=2048,
        label="histogram, 16 bins, atomic.add (contended)",
    ),
}


if __name__ == "__main__":
    raise SystemExit(cuda_standalone(CUDA_BENCH))
