"""Atomics and counting barriers of @cuda.jit kernels, checked against NumPy on random
inputs, on every target (the GPU one is marked `gpu`).

On the CPU target these kernels go through three different code paths, all covered here:
atomic instructions (old value used, or arrays the launcher cannot privatize), plain
updates of per-worker private copies merged at the end of the launch (arrays the kernel
only updates with one commutative atomic), per-block accumulators (those updates at a
block-uniform index), and plain updates of shared/local arrays."""

import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings as _settings, strategies as st

from tests.backend import IS_FERRUMBA

pytestmark = pytest.mark.skipif(not IS_FERRUMBA, reason="the CPU target of @cuda.jit is ferrumba's own")

if IS_FERRUMBA:
    from ferrumba import cuda
    from ferrumba.errors import TypingError

    warnings.filterwarnings("ignore", "ferrumba.cuda: no usable GPU target", RuntimeWarning)

TARGETS = ["cpu", pytest.param("gpu", marks=pytest.mark.gpu)]
# Launches below and above the size where the CPU target starts using every core.
SIZES = [1, 300, 40_000]
INT_TYPES = [np.int32, np.int64, np.uint32, np.uint64]


@pytest.fixture(params=TARGETS)
def target(request, monkeypatch):
    monkeypatch.setenv("FERRUMBA_CUDA_TARGET", request.param)
    return request.param


def settings(**kw):
    # The target fixture only sets an environment variable: sharing it between examples is fine.
    return _settings(suppress_health_check=[HealthCheck.function_scoped_fixture], **kw)


_compiled = {}


def jit(kernel):
    """One compiled kernel per Python function (and target), reused across examples."""
    import os

    key = (kernel, os.environ.get("FERRUMBA_CUDA_TARGET"))
    if key not in _compiled:
        _compiled[key] = cuda.jit(kernel)
    return _compiled[key]


def launch(kernel, n, *args, tpb=128):
    jit(kernel)[(n + tpb - 1) // tpb, tpb](*args)


def scatter_max(out, idx, values):
    i = cuda.grid(1)
    if i < values.size:
        cuda.atomic.max(out, idx[i], values[i])


def scatter_min(out, idx, values):
    i = cuda.grid(1)
    if i < values.size:
        cuda.atomic.min(out, idx[i], values[i])


def scatter_add_sub(out, idx, values):
    i = cuda.grid(1)
    if i < values.size:
        if i % 3 == 0:
            cuda.atomic.sub(out, idx[i], values[i])
        else:
            cuda.atomic.add(out, idx[i], values[i])


def scatter_and(out, idx, values):
    i = cuda.grid(1)
    if i < values.size:
        cuda.atomic.and_(out, idx[i], values[i])


def scatter_or(out, idx, values):
    i = cuda.grid(1)
    if i < values.size:
        cuda.atomic.or_(out, idx[i], values[i])


def scatter_xor(out, idx, values):
    i = cuda.grid(1)
    if i < values.size:
        cuda.atomic.xor(out, idx[i], values[i])


def _reference(kind, out, idx, values):
    ref = out.copy()
    if kind == "max":
        np.maximum.at(ref, idx, values)
    elif kind == "min":
        np.minimum.at(ref, idx, values)
    elif kind == "add_sub":
        signed = values.copy()
        sub = np.arange(values.size) % 3 == 0
        # Unsigned subtraction wraps, as the atomic does.
        signed[sub] = (np.zeros(1, dtype=values.dtype) - values[sub]).astype(values.dtype)
        np.add.at(ref, idx, signed)
    elif kind == "and":
        np.bitwise_and.at(ref, idx, values)
    elif kind == "or":
        np.bitwise_or.at(ref, idx, values)
    else:
        np.bitwise_xor.at(ref, idx, values)
    return ref


SCATTERS = {"max": scatter_max, "min": scatter_min, "add_sub": scatter_add_sub, "and": scatter_and, "or": scatter_or, "xor": scatter_xor}


@pytest.mark.parametrize("kind", list(SCATTERS))
@pytest.mark.parametrize("dtype", INT_TYPES)
@pytest.mark.parametrize("n", SIZES)
@settings(max_examples=4, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), bins=st.integers(1, 40))
def test_integer_scatter_atomics_match_numpy(target, kind, dtype, n, seed, bins):
    rng = np.random.default_rng(seed)
    info = np.iinfo(dtype)
    values = rng.integers(max(info.min, -(2**40)), min(info.max, 2**40), size=n, dtype=dtype)
    idx = rng.integers(0, bins, size=n)
    out = rng.integers(max(info.min, -(2**40)), min(info.max, 2**40), size=bins, dtype=dtype)
    ref = _reference(kind, out, idx, values)
    launch(SCATTERS[kind], n, out, idx, values)
    np.testing.assert_array_equal(out, ref)


@pytest.mark.parametrize("kind", ["max", "min", "add_sub"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n", SIZES)
@settings(max_examples=4, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), bins=st.integers(1, 40), with_nan=st.booleans())
def test_float_scatter_atomics_match_numpy(target, kind, dtype, n, seed, bins, with_nan):
    rng = np.random.default_rng(seed)
    values = (rng.standard_normal(n) * 100).astype(dtype)
    if with_nan and kind != "add_sub":
        # The atomic float max/min skip NaN values (maxnum), as np.fmax does.
        values[rng.integers(0, n, size=max(1, n // 10))] = np.nan
    idx = rng.integers(0, bins, size=n)
    out = (rng.standard_normal(bins) * 100).astype(dtype)
    ref = out.copy()
    {"max": np.fmax, "min": np.fmin, "add_sub": np.add}[kind].at(ref, idx, np.where(np.arange(n) % 3 == 0, -values, values) if kind == "add_sub" else values)
    launch(SCATTERS[kind], n, out, idx, values)
    np.testing.assert_allclose(out, ref, rtol=1e-4 if dtype == np.float32 else 1e-10, atol=1e-3 if dtype == np.float32 else 1e-8)


def block_sums(x, partial):
    i = cuda.grid(1)
    if i < x.shape[0]:
        cuda.atomic.add(partial, cuda.blockIdx.x, x[i])


def block_sums_2d(x, partial):
    i, j = cuda.grid(2)
    if i < x.shape[0] and j < x.shape[1]:
        cuda.atomic.add(partial, (cuda.blockIdx.x, cuda.blockIdx.y), x[i, j])
        cuda.atomic.sub(partial, (cuda.blockIdx.x, cuda.blockIdx.y), 1)


@pytest.mark.parametrize("dtype", [np.int32, np.uint64, np.float64])
@pytest.mark.parametrize("n", [5, 1000, 100_000])
@pytest.mark.parametrize("tpb", [32, 256])
def test_block_uniform_atomic_sums(target, dtype, n, tpb):
    rng = np.random.default_rng(n + tpb)
    x = (rng.random(n) * 1000).astype(dtype)
    blocks = (n + tpb - 1) // tpb
    # One extra element that no block updates (its index is never reached).
    partial = np.full(blocks + 1, 7, dtype=dtype)
    jit(block_sums)[blocks, tpb](x, partial)
    padded = np.zeros(blocks * tpb, dtype=dtype)
    padded[:n] = x
    ref = np.full(blocks + 1, 7, dtype=dtype)
    ref[:blocks] += padded.reshape(blocks, tpb).sum(axis=1, dtype=dtype)
    np.testing.assert_allclose(partial, ref, rtol=1e-12)


def test_block_uniform_atomics_in_two_dimensions(target):
    rng = np.random.default_rng(3)
    x = rng.integers(0, 100, size=(100, 70)).astype(np.int64)
    partial = np.zeros((7, 5), dtype=np.int64)
    jit(block_sums_2d)[(7, 5), (16, 16)](x, partial)
    ref = np.zeros((7, 5), dtype=np.int64)
    for bi in range(7):
        for bj in range(5):
            tile = x[bi * 16 : (bi + 1) * 16, bj * 16 : (bj + 1) * 16]
            ref[bi, bj] = tile.sum() - tile.size
    np.testing.assert_array_equal(partial, ref)


def test_privatized_array_may_be_a_strided_view(target):
    rng = np.random.default_rng(4)
    values = rng.integers(0, 1000, size=50_000).astype(np.int64)
    idx = rng.integers(0, 16, size=values.size)
    backing = np.zeros((16, 3), dtype=np.int64)
    view = backing[::-1, 1]
    launch(scatter_add_sub, values.size, view, idx, values)
    ref = _reference("add_sub", np.zeros(16, dtype=np.int64), idx, values)
    np.testing.assert_array_equal(view, ref)
    np.testing.assert_array_equal(backing[:, [0, 2]], 0)


def count_and_read(hist, values, seen):
    i = cuda.grid(1)
    if i < values.size:
        cuda.atomic.add(hist, values[i], 1)
        # Reading the array makes private copies invalid: this must see real updates.
        seen[i] = hist[values[i]] >= 1


def test_an_array_the_kernel_also_reads_stays_atomic(target):
    values = np.random.default_rng(5).integers(0, 8, size=50_000)
    hist = np.zeros(8, dtype=np.int32)
    seen = np.zeros(values.size, dtype=np.bool_)
    launch(count_and_read, values.size, hist, values, seen)
    np.testing.assert_array_equal(hist, np.bincount(values, minlength=8))
    assert seen.all()


def two_targets(a, b, idx):
    i = cuda.grid(1)
    if i < idx.size:
        cuda.atomic.add(a, idx[i], 1)
        cuda.atomic.add(b, idx[i], 2)


def test_the_same_array_passed_twice_is_not_privatized_wrongly(target):
    idx = np.random.default_rng(6).integers(0, 10, size=50_000)
    a = np.zeros(10, dtype=np.int64)
    launch(two_targets, idx.size, a, a, idx)
    np.testing.assert_array_equal(a, 3 * np.bincount(idx, minlength=10))


def slot_counter(counter, slots):
    i = cuda.grid(1)
    if i < slots.size:
        slots[i] = cuda.atomic.add(counter, 0, 1)


def test_old_values_are_unique_when_used(target):
    n = 50_000
    counter = np.zeros(1, dtype=np.int64)
    slots = np.full(n, -1, dtype=np.int64)
    launch(slot_counter, n, counter, slots)
    assert counter[0] == n
    np.testing.assert_array_equal(np.sort(slots), np.arange(n))


def inc_dec(counters, limit, olds):
    i = cuda.grid(1)
    if i < olds.shape[0]:
        olds[i, 0] = cuda.atomic.inc(counters, 0, limit)
        olds[i, 1] = cuda.atomic.dec(counters, 1, limit)


def inc_dec_unused(counters, limit, n):
    i = cuda.grid(1)
    if i < n:
        cuda.atomic.inc(counters, 0, limit)
        cuda.atomic.dec(counters, 1, limit)


def _inc_dec_reference(start, limit, n):
    inc, dec = start
    for _ in range(n):
        inc = 0 if inc >= limit else inc + 1
        dec = limit if dec == 0 or dec > limit else dec - 1
    return inc, dec


@pytest.mark.parametrize("dtype", [np.uint32, np.uint64])
@pytest.mark.parametrize("n", SIZES)
@settings(max_examples=5, deadline=None)
@given(limit=st.integers(0, 3000), start=st.tuples(st.integers(0, 5000), st.integers(0, 5000)))
def test_atomic_inc_dec_wrap_like_cuda(target, dtype, n, limit, start):
    # Every thread applies the same operation, so the final value does not depend on order.
    counters = np.array(start, dtype=dtype)
    olds = np.zeros((n, 2), dtype=dtype)
    launch(inc_dec, n, counters, dtype(limit), olds)
    assert tuple(int(c) for c in counters) == _inc_dec_reference(start, limit, n)
    counters2 = np.array(start, dtype=dtype)
    launch(inc_dec_unused, n, counters2, dtype(limit), n)
    np.testing.assert_array_equal(counters2, counters)
    # The old values seen are the states of the sequence, each once.
    inc, dec = start
    seen_inc = []
    for _ in range(n):
        seen_inc.append(inc)
        inc = 0 if inc >= limit else inc + 1
    np.testing.assert_array_equal(np.sort(olds[:, 0]), np.sort(np.array(seen_inc, dtype=dtype)))


def test_inc_dec_need_unsigned_arrays(target):
    def bad(a):
        cuda.atomic.inc(a, 0, 5)

    with pytest.raises(TypingError, match="uint32 and uint64"):
        cuda.jit(bad)[1, 1](np.zeros(1, dtype=np.int32))


TPB_SHARED = 128


def shared_histogram(values, hist):
    local = cuda.shared.array(16, np.int32)
    t = cuda.threadIdx.x
    if t < 16:
        local[t] = 0
    cuda.syncthreads()
    i = cuda.grid(1)
    if i < values.size:
        cuda.atomic.add(local, values[i] % 16, 1)
        cuda.atomic.max(local, 15, 0)
    cuda.syncthreads()
    if t < 16:
        cuda.atomic.add(hist, t, local[t])


@pytest.mark.parametrize("n", SIZES)
def test_shared_memory_atomics(target, n):
    values = np.random.default_rng(n).integers(0, 1000, size=n)
    hist = np.zeros(16, dtype=np.int32)
    jit(shared_histogram)[(n + TPB_SHARED - 1) // TPB_SHARED, TPB_SHARED](values, hist)
    np.testing.assert_array_equal(hist, np.bincount(values % 16, minlength=16))


def block_votes(x, out):
    i = cuda.grid(1)
    positive = i < x.size and x[i] > 0
    count = cuda.syncthreads_count(positive)
    every = cuda.syncthreads_and(positive)
    some = cuda.syncthreads_or(positive)
    if cuda.threadIdx.x == 0:
        out[cuda.blockIdx.x, 0] = count
        out[cuda.blockIdx.x, 1] = every
        out[cuda.blockIdx.x, 2] = some


def votes_in_expressions(x, out):
    i = cuda.grid(1)
    total = 0
    for k in range(3):
        total += cuda.syncthreads_count(i < x.size and x[i] > k) * 10 ** k
    if cuda.syncthreads_or(i < x.size and x[i] > 2):
        total += 1000
    if i < x.size:
        out[i] = total


@pytest.mark.parametrize("n, tpb", [(1, 1), (100, 32), (5000, 128), (40_000, 256)])
@settings(max_examples=5, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), density=st.floats(0, 1))
def test_syncthreads_count_and_or(target, n, tpb, seed, density):
    rng = np.random.default_rng(seed)
    x = np.where(rng.random(n) < density, rng.integers(1, 5, size=n), 0).astype(np.int64)
    blocks = (n + tpb - 1) // tpb
    out = np.zeros((blocks, 3), dtype=np.int64)
    jit(block_votes)[blocks, tpb](x, out)
    padded = np.zeros(blocks * tpb, dtype=np.int64)
    padded[:n] = x
    per_block = padded.reshape(blocks, tpb) > 0
    np.testing.assert_array_equal(out[:, 0], per_block.sum(axis=1))
    np.testing.assert_array_equal(out[:, 1], per_block.all(axis=1))
    np.testing.assert_array_equal(out[:, 2], per_block.any(axis=1))
    res = np.zeros(n, dtype=np.int64)
    jit(votes_in_expressions)[blocks, tpb](x, res)
    counts = [(padded.reshape(blocks, tpb) > k).sum(axis=1) for k in range(3)]
    expect = counts[0] + 10 * counts[1] + 100 * counts[2] + 1000 * (padded.reshape(blocks, tpb) > 2).any(axis=1)
    np.testing.assert_array_equal(res, np.repeat(expect, tpb)[:n])
