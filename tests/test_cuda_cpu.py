"""@cuda.jit kernels on the CPU target, checked against NumPy. One set of kernels; the
`target` parameter runs each test on the GPU target too (marked `gpu`, skipped without a
usable GPU; tests/test_cuda_gpu.py has the driver and device-array tests)."""

import inspect
import math
import warnings

import numpy as np
import pytest

from tests.backend import IS_FERRUMBA

pytestmark = pytest.mark.skipif(not IS_FERRUMBA, reason="the CPU target of @cuda.jit is ferrumba's own")

if IS_FERRUMBA:
    from ferrumba import cuda
    from ferrumba.errors import TypingError

    warnings.filterwarnings("ignore", "ferrumba.cuda: no usable GPU target", RuntimeWarning)

HAVE_GPU = IS_FERRUMBA and cuda.is_available()
TARGETS = ["cpu", pytest.param("gpu", marks=[pytest.mark.gpu, pytest.mark.skipif(not HAVE_GPU, reason="no usable CUDA GPU")])]


@pytest.fixture(params=TARGETS)
def target(request, monkeypatch):
    monkeypatch.setenv("FERRUMBA_CUDA_TARGET", request.param)
    return request.param


def saxpy(out, a, x, y):
    i = cuda.grid(1)
    if i < out.size:
        out[i] = a * x[i] + y[i]


def histogram(data, bins):
    i = cuda.grid(1)
    if i < data.size:
        cuda.atomic.add(bins, data[i] % bins.size, 1)


def fill_2d(a):
    x, y = cuda.grid(2)
    if x < a.shape[0] and y < a.shape[1]:
        a[x, y] = x * 1000 + y


def fill_3d(a):
    x, y, z = cuda.grid(3)
    if x < a.shape[0] and y < a.shape[1] and z < a.shape[2]:
        a[x, y, z] = (x * 100 + y) * 100 + z


def registers(out):
    i = cuda.grid(1)
    if i < out.shape[0]:
        out[i, 0] = cuda.threadIdx.x
        out[i, 1] = cuda.blockIdx.x
        out[i, 2] = cuda.blockDim.x
        out[i, 3] = cuda.gridDim.x
        out[i, 4] = cuda.gridsize(1)
        out[i, 5] = cuda.laneid
        out[i, 6] = cuda.warpsize


def atomics(counters, values):
    i = cuda.grid(1)
    if i < values.size:
        v = values[i]
        cuda.atomic.max(counters, 0, v)
        cuda.atomic.min(counters, 1, v)
        cuda.atomic.add(counters, 2, v)
        cuda.atomic.sub(counters, 3, v)


def atomic_float_sum(total, values):
    i = cuda.grid(1)
    if i < values.size:
        cuda.atomic.add(total, 0, values[i])


def claim_first(owner, ids):
    i = cuda.grid(1)
    if i < ids.size:
        # Only the first thread to arrive swaps the -1 out.
        old = cuda.atomic.cas(owner, 0, -1, ids[i])
        if old == -1:
            cuda.atomic.add(owner, 1, 1)


def local_reverse(out, x):
    i = cuda.grid(1)
    if i < x.shape[0]:
        tmp = cuda.local.array(4, np.float64)
        for k in range(4):
            tmp[k] = x[i, k]
        for k in range(4):
            out[i, k] = tmp[3 - k]


@pytest.mark.parametrize("n, tpb", [(1, 1), (1000, 128), (100_000, 256), (70_001, 1024)])
def test_saxpy(target, n, tpb):
    rng = np.random.default_rng(n)
    x, y = rng.random(n), rng.random(n)
    out = np.zeros(n)
    cuda.jit(saxpy)[(n + tpb - 1) // tpb, tpb](out, 2.5, x, y)
    np.testing.assert_allclose(out, 2.5 * x + y, rtol=1e-15)


@pytest.mark.parametrize("n", [10, 100_000])
def test_histogram_with_contended_atomics(target, n):
    data = np.random.default_rng(1).integers(0, 1000, n)
    bins = np.zeros(7, np.int64)
    cuda.jit(histogram)[(n + 255) // 256, 256](data, bins)
    assert np.array_equal(bins, np.bincount(data % 7, minlength=7))


def test_2d_and_3d_grids(target):
    a = np.zeros((37, 53))
    cuda.jit(fill_2d)[(3, 4), (16, 16)](a)
    assert np.array_equal(a, np.add.outer(np.arange(37) * 1000, np.arange(53)))
    b = np.zeros((5, 6, 7), np.int64)
    cuda.jit(fill_3d)[(2, 2, 2), (4, 4, 4)](b)
    i, j, k = np.indices(b.shape)
    assert np.array_equal(b, (i * 100 + j) * 100 + k)


def test_special_registers(target):
    out = np.zeros((300, 7), np.int64)
    cuda.jit(registers)[3, 100](out)
    i = np.arange(300)
    expected = np.stack([i % 100, i // 100, np.full(300, 100), np.full(300, 3), np.full(300, 300), (i % 100) % 32, np.full(300, 32)], axis=1)
    assert np.array_equal(out, expected)


@pytest.mark.parametrize("dtype", [np.int32, np.int64, np.uint32, np.uint64, np.float32, np.float64])
def test_atomic_max_min_add_sub(target, dtype):
    values = np.random.default_rng(5).integers(1, 1000, 5000).astype(dtype)
    counters = np.array([0, 10**6, 0, 10**7], dtype=dtype)
    cuda.jit(atomics)[20, 256](counters, values)
    assert counters[0] == values.max() and counters[1] == values.min()
    assert counters[2] == values.sum(dtype=dtype)
    assert counters[3] == dtype(10**7) - values.sum(dtype=dtype)


def test_float_atomic_add_is_exact_for_integers_in_floats(target):
    values = np.arange(20000, dtype=np.float64)
    total = np.zeros(1)
    cuda.jit(atomic_float_sum)[79, 256](total, values)
    assert total[0] == values.sum()


def test_compare_and_swap_lets_one_thread_win(target):
    owner = np.array([-1, 0], np.int64)
    ids = np.arange(100_000, dtype=np.int64) + 7
    cuda.jit(claim_first)[391, 256](owner, ids)
    assert owner[1] == 1 and owner[0] in ids


def test_local_arrays_are_private_per_thread(target):
    x = np.random.default_rng(2).random((1000, 4))
    out = np.zeros_like(x)
    cuda.jit(local_reverse)[8, 128](out, x)
    assert np.array_equal(out, x[:, ::-1])


def test_device_function_and_device_arrays(target):
    @cuda.jit(device=True)
    def hypot2(a, b):
        return math.sqrt(a * a + b * b)

    @cuda.jit
    def kernel(out, x, y):
        i = cuda.grid(1)
        if i < out.size:
            out[i] = hypot2(x[i], y[i])

    x = np.linspace(0, 3, 1000)
    dx, dy = cuda.to_device(x), cuda.to_device(x[::-1].copy())
    dout = cuda.device_array_like(x)
    kernel[4, 256](dout, dx, dy)
    host = dout.copy_to_host()
    assert type(host) is np.ndarray
    np.testing.assert_allclose(host, np.hypot(x, x[::-1]), rtol=1e-15)
    # to_device copies: changing the host array leaves the device array alone.
    x[0] = 99.0
    assert dx[0] == 0.0


def test_eager_signature_and_inspection(target):
    k = cuda.jit("void(float64[::1], float64, float64[::1], float64[::1])")(saxpy)
    assert len(k.signatures) == 1
    assert "threadIdx" in k._dispatcher._typed_ir(0) or "cuda." in k._dispatcher._typed_ir(0)
    x = np.ones(10)
    out = np.zeros(10)
    k[1, 32](out, 2.0, x, x)
    assert np.array_equal(out, np.full(10, 3.0))


def test_exceptions_in_kernels_reach_the_caller(target):
    @cuda.jit
    def checks(a):
        i = cuda.grid(1)
        if i == 5:
            raise ValueError("bad element")
        if i < a.size:
            a[i] = i

    if target == "gpu":
        # As numba-cuda without debug=True: the raising thread ends, the others go on.
        a = np.zeros(32)
        checks[1, 32](a)
        assert np.array_equal(a, np.where(np.arange(32) == 5, 0, np.arange(32)))
        return
    with pytest.raises(ValueError, match="bad element"):
        checks[1, 32](np.zeros(32))


def test_bad_launches_are_clear_errors(target):
    k = cuda.jit(saxpy)
    x = np.ones(4)
    with pytest.raises(ValueError, match="1024 threads"):
        k[1, 2048](x, 1.0, x, x)
    with pytest.raises(ValueError, match="positive"):
        k[0, 32](x, 1.0, x, x)
    with pytest.raises(ValueError, match="griddim, blockdim"):
        k(x, 1.0, x, x)
    with pytest.raises(TypeError):
        k[1, 32](x, 1.0, x)


def test_kernels_cannot_return_values(target):
    @cuda.jit
    def returns(a):
        return a[0]

    with pytest.raises(TypingError, match="cannot return"):
        returns[1, 1](np.zeros(1))


TPB = 8


def tiled_matmul(A, B, C):
    sA = cuda.shared.array(shape=(TPB, TPB), dtype=np.float64)
    sB = cuda.shared.array(shape=(TPB, TPB), dtype=np.float64)
    x, y = cuda.grid(2)
    tx = cuda.threadIdx.x
    ty = cuda.threadIdx.y
    if x >= C.shape[0] and y >= C.shape[1]:
        # Numba's documented example quits early here, before the barriers.
        return
    tmp = 0.0
    for i in range(cuda.gridDim.x):
        sA[tx, ty] = A[x, ty + i * TPB]
        sB[tx, ty] = B[tx + i * TPB, y]
        cuda.syncthreads()
        for j in range(TPB):
            tmp += sA[tx, j] * sB[j, ty]
        cuda.syncthreads()
    C[x, y] = tmp


def tree_sum(x, out):
    s = cuda.shared.array(128, dtype=np.float64)
    t = cuda.threadIdx.x
    i = cuda.grid(1)
    s[t] = x[i] if i < x.size else 0.0
    cuda.syncthreads()
    step = 64
    while step > 0:
        if t < step:
            s[t] += s[t + step]
        cuda.syncthreads()
        step //= 2
    if t == 0:
        cuda.atomic.add(out, 0, s[0])


def block_scan(x, out):
    # Inclusive Hillis-Steele scan of each block's 64 elements.
    s = cuda.shared.array(64, dtype=np.int64)
    t = cuda.threadIdx.x
    i = cuda.grid(1)
    s[t] = x[i]
    cuda.syncthreads()
    offset = 1
    for _ in range(6):
        v = s[t - offset] if t >= offset else 0
        cuda.syncthreads()
        s[t] += v
        cuda.syncthreads()
        offset *= 2
    out[i] = s[t]


def divergent_barrier(a):
    if cuda.threadIdx.x < 5:
        cuda.syncthreads()
    a[0] = 1


@pytest.mark.parametrize("n", [8, 32, 64])
def test_shared_memory_tiled_matmul_with_barriers_in_a_loop(target, n):
    rng = np.random.default_rng(n)
    A, B = rng.random((n, n)), rng.random((n, n))
    C = np.zeros((n, n))
    cuda.jit(tiled_matmul)[(n // TPB, n // TPB), (TPB, TPB)](A, B, C)
    np.testing.assert_allclose(C, A @ B, rtol=1e-12)


@pytest.mark.parametrize("n", [1, 128, 10_000])
def test_shared_memory_tree_reduction(target, n):
    x = np.random.default_rng(n).random(n)
    out = np.zeros(1)
    cuda.jit(tree_sum)[(n + 127) // 128, 128](x, out)
    np.testing.assert_allclose(out[0], x.sum(), rtol=1e-12)


def test_shared_memory_scan(target):
    x = np.random.default_rng(4).integers(0, 100, 64 * 10)
    out = np.zeros_like(x)
    cuda.jit(block_scan)[10, 64](x, out)
    assert np.array_equal(out, np.cumsum(x.reshape(10, 64), axis=1).ravel())


def test_a_barrier_not_all_threads_reach_is_a_clear_error(target):
    if target == "gpu":
        pytest.skip("a divergent barrier is undefined behaviour on a GPU (it may hang)")
    line = divergent_barrier.__code__.co_firstlineno
    body = inspect.getsource(divergent_barrier).splitlines()
    cond_line = line + next(k for k, text in enumerate(body) if text.strip().startswith("if "))
    with pytest.raises(RuntimeError, match=rf"divergent_barrier.*test_cuda_cpu.py, line {cond_line}\).*disagree.*syncthreads"):
        cuda.jit(divergent_barrier)[1, 32](np.zeros(1))


def warp_reduce(x, out):
    i = cuda.grid(1)
    v = x[i] if i < x.size else 0
    offset = 16
    while offset > 0:
        other = cuda.shfl_down_sync(0xFFFFFFFF, v, offset)
        v += other
        offset //= 2
    if cuda.laneid == 0:
        cuda.atomic.add(out, 0, v)


def warp_votes(x, ballot, all_any, up, xor, idx, mask):
    i = cuda.grid(1)
    p = x[i] % 3 == 0
    b = cuda.ballot_sync(0xFFFFFFFF, p)
    al = cuda.all_sync(0xFFFFFFFF, p)
    an = cuda.any_sync(0xFFFFFFFF, p)
    u = cuda.shfl_up_sync(0xFFFFFFFF, x[i], 3)
    s = cuda.shfl_xor_sync(0xFFFFFFFF, x[i], 5)
    j = cuda.shfl_sync(0xFFFFFFFF, x[i], 7)
    m = cuda.activemask()
    ballot[i] = b
    all_any[i] = al * 10 + an
    up[i] = u
    xor[i] = s
    idx[i] = j
    mask[i] = m


@pytest.mark.parametrize("n", [32, 1000, 4096])
def test_warp_shuffle_reduction(target, n):
    x = np.random.default_rng(n).integers(0, 100, n)
    out = np.zeros(1, np.int64)
    cuda.jit(warp_reduce)[(n + 127) // 128, 128](x, out)
    assert out[0] == x.sum()


def test_warp_votes_and_shuffles_follow_cuda(target):
    n = 80  # the last warp of the block is partial
    x = np.random.default_rng(9).integers(0, 1000, n)
    outs = [np.zeros(n, np.int64) for _ in range(6)]
    cuda.jit(warp_votes)[1, n](x, *outs)
    ballot, all_any, up, xor, idx, mask = outs
    for w in range(0, n, 32):
        lanes = np.arange(w, min(w + 32, n))
        p = x[lanes] % 3 == 0
        assert np.all(ballot[lanes] == sum(1 << k for k in range(len(lanes)) if p[k]))
        assert np.all(all_any[lanes] == int(p.all()) * 10 + int(p.any()))
        k = lanes - w
        assert np.array_equal(up[lanes], np.where(k >= 3, x[np.clip(lanes - 3, 0, None)], x[lanes]))
        src = w + (k ^ 5)
        assert np.array_equal(xor[lanes], np.where(src < n, x[np.minimum(src, n - 1)], x[lanes]))
        assert np.all(idx[lanes] == x[w + 7])
        assert np.all(mask[lanes] == (1 << len(lanes)) - 1)


def warp_matches(x, same, uniform):
    i = cuda.grid(1)
    v = x[i]
    same[i] = cuda.match_any_sync(0xFFFFFFFF, v)
    uniform[i] = cuda.eq_sync(0xFFFFFFFF, v % 4)


@pytest.mark.parametrize("dtype", [np.int32, np.int64, np.float64])
@pytest.mark.parametrize("seed", range(4))
def test_match_any_and_eq_sync_follow_cuda(target, dtype, seed):
    rng = np.random.default_rng(seed)
    n = 96
    # Few distinct values so that lanes match; some warps all multiples of 4.
    x = rng.integers(0, 4, n).astype(dtype)
    x[32:64] *= 4
    if seed % 2:
        x[64:] = 8
    same = np.zeros(n, np.int64)
    uniform = np.zeros(n, np.int64)
    cuda.jit(warp_matches)[1, n](x, same, uniform)
    for w in range(0, n, 32):
        lanes = np.arange(w, w + 32)
        for k in lanes:
            assert same[k] == sum(1 << j for j in range(32) if x[w + j] == x[k])
        truth = x[lanes] % 4 != 0
        # eq_sync compares the predicates' truth, as numba.cuda documents.
        assert np.all(uniform[lanes] == int(truth.all() or not truth.any()))


def hillis_steele_scan(x, out):
    # `step` and `rounds` are the same in every thread (kept once per block on the CPU
    # target); `mine` differs per thread.
    buf = cuda.shared.array(256, np.int64)
    t = cuda.threadIdx.x
    i = cuda.grid(1)
    mine = x[i] if i < x.size else 0
    step = 1
    rounds = 0
    while step < cuda.blockDim.x:
        buf[t] = mine
        cuda.syncthreads()
        if t >= step:
            mine += buf[t - step]
        cuda.syncthreads()
        step *= 2
        rounds += 1
    if i < x.size:
        out[i] = mine * 100 + rounds


@pytest.mark.parametrize("n, tpb", [(1, 1), (100, 32), (1000, 256), (777, 64)])
def test_scan_with_block_uniform_loop_counters(target, n, tpb):
    x = np.random.default_rng(n).integers(0, 50, n)
    out = np.zeros(n, np.int64)
    cuda.jit(hillis_steele_scan)[(n + tpb - 1) // tpb, tpb](x, out)
    padded = np.zeros(((n + tpb - 1) // tpb) * tpb, np.int64)
    padded[:n] = x
    scans = np.cumsum(padded.reshape(-1, tpb), axis=1).ravel()[:n]
    rounds = int(np.ceil(np.log2(tpb))) if tpb > 1 else 0
    np.testing.assert_array_equal(out, scans * 100 + rounds)


TABLE = np.arange(24, dtype=np.float32).reshape(4, 6) * 0.25


def const_table_and_fma(x, y, z, out, looked_up):
    t = cuda.const.array_like(TABLE)
    i = cuda.grid(1)
    if i < x.size:
        out[i] = cuda.fma(x[i], y[i], z[i])
        looked_up[i] = t[i % 4, i % 6]


def test_const_arrays_and_fused_multiply_add(target):
    from fractions import Fraction

    rng = np.random.default_rng(3)
    n = 300
    x, y, z = (rng.standard_normal(n) * 1e3 for _ in range(3))
    out = np.zeros(n)
    looked_up = np.zeros(n, np.float32)
    cuda.jit(const_table_and_fma)[(n + 63) // 64, 64](x, y, z, out, looked_up)
    # One rounding of the exact a*b+c, as the fma instruction computes it.
    exact = np.array([float(Fraction(a) * Fraction(b) + Fraction(c)) for a, b, c in zip(x, y, z)])
    np.testing.assert_array_equal(out, exact)
    idx = np.arange(n)
    np.testing.assert_array_equal(looked_up, TABLE[idx % 4, idx % 6])


def reverse_in_dynamic_shared(x, out):
    s = cuda.shared.array(0, np.float64)
    t = cuda.threadIdx.x
    s[t] = x[t]
    cuda.syncthreads()
    out[t] = s[s.size - 1 - t]


def test_dynamic_shared_memory_is_sized_by_the_launch(target):
    x = np.arange(96.0)
    out = np.zeros(96)
    cuda.jit(reverse_in_dynamic_shared)[1, 96, 0, 96 * 8](x, out)
    assert np.array_equal(out, x[::-1])


@pytest.mark.skipif(HAVE_GPU, reason="a GPU is usable here")
def test_gpu_target_is_reported_missing(monkeypatch):
    from ferrumba.errors import CudaSupportError

    monkeypatch.setenv("FERRUMBA_CUDA_TARGET", "gpu")
    k = cuda.jit(saxpy)
    with pytest.raises(CudaSupportError, match="no CUDA driver|sees no GPU|CUDA driver"):
        k[1, 32](np.zeros(4), 1.0, np.ones(4), np.ones(4))
    assert cuda.is_available() is False
