"""Histogram with atomics: each thread bins one float in [0, 1) into 16 int32 bins with
`cuda.atomic.add`, through a device function.

Few bins make the atomics contended: every thread of every block hits the same 16
counters (one cache line), from all cores at once. The @njit loop is the sequential
`hist[bin] += 1`. 2**21 elements; blocks of 256 threads.

`histogram_shared` is the usual GPU remedy: each block counts into its own 16 bins in
`cuda.shared.array` (shared-memory atomics), then adds them to the global bins once.
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


def histogram_shared(x, hist):
    local = cuda.shared.array(NBINS, np.int32)
    t = cuda.threadIdx.x
    if t < NBINS:
        local[t] = 0
    cuda.syncthreads()
    i = cuda.grid(1)
    if i < x.shape[0]:
        cuda.atomic.add(local, bin_of(x[i]), 1)
    cuda.syncthreads()
    if t < NBINS:
        cuda.atomic.add(hist, t, local[t])


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
    "histogram_shared": CudaBench(
        kernel=histogram_shared,
        device=(bin_of,),
        loop=histogram_loop,
        build=_build,
        config=lambda n: ((n + TPB - 1) // TPB, TPB),
        reference=_reference,
        outputs=(1,),
        size=1 << 21,
        sim_size=2048,
        label="histogram, 16 bins, shared-memory atomics per block + syncthreads",
        barriers=True,
    ),
}


if __name__ == "__main__":
    raise SystemExit(cuda_standalone(CUDA_BENCH))
