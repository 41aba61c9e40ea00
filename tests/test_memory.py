"""The memory runtime of arrays made by compiled code: nothing leaks, nothing
is freed while Python can still reach it.

`ferrumba._core.live_allocations()` counts the buffers compiled code has
allocated and not yet freed (see src/cpu/memory.rs): it must come back to
where it started once the arrays a test got back are dropped.
"""

import gc
import os
import shutil
import subprocess
import sys
import threading

import numpy as np
import pytest

from tests.backend import IS_NUMBA, njit

pytestmark = pytest.mark.skipif(IS_NUMBA, reason="ferrumba's allocation counter")

if not IS_NUMBA:
    from ferrumba import _core


def live():
    gc.collect()
    return _core.live_allocations()


def rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def reset_peak_rss():
    """Reset VmHWM (Linux >= 4.0); False where not allowed."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def peak_rss_bytes():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmHWM")


# --- compiled functions (module level: one compilation for the whole file)


@njit
def make(n):
    return np.arange(n) * 2.0


@njit
def make_2d(n):
    a = np.zeros((n, 3), np.int32)
    a[0, 1] = 7
    return a


@njit
def temporaries(a):
    s = 0.0
    for i in range(3):
        b = a + i            # a fresh array each time round
        c = np.sqrt(b) * b   # and another
        s += c[0] + b[-1]
    return s + np.zeros(5)[0] + np.ones((2, 2))[1, 1]


@njit
def nonzero_count(a):
    return len(np.nonzero(a > 0.5)[0])


@njit
def internal_view(n):
    a = np.arange(n)
    a[0] = -1
    return a[1::2]


@njit
def view_of_view(n):
    a = np.ones((n, n))
    for i in range(n):
        a[i, i] = i
    return a[1:, ::-1][::2]


@njit
def two_arrays(n):
    return np.zeros(n), np.ones(n, np.int32)


@njit
def same_array_twice(n):
    a = np.zeros(n)
    return a, a


@njit
def array_and_its_view(n):
    a = np.arange(n)
    return a, a[::-1]


@njit
def raises_after_allocating(n):
    a = np.zeros(n)
    b = a + 1
    if n > 3:
        raise ValueError("boom")
    return b


@njit
def _callee_allocates(n):
    return np.full(n, 2.5)


@njit
def caller_of_allocator(n):
    a = _callee_allocates(n)
    b = _callee_allocates(n + 1)
    return a[1:] + b[2:]


@njit(nogil=True)
def nogil_make(n):
    s = 0.0
    for i in range(20):
        a = np.arange(n) + i
        s += a[-1]
    return np.full(3, s)


@njit
def loop_temporaries(n, reps):
    s = 0.0
    for i in range(reps):
        t = np.zeros(n)
        t[0] = i
        s += t[0]
    return s


# --- (1) returned arrays


def test_returned_arrays_are_freed_and_rss_is_flat():
    make(4)  # compiled before measuring
    start = live()
    n_calls = 200_000
    half = n_calls // 2
    rss_half = None
    for i in range(n_calls):
        x = make(16)
        if i == half:
            gc.collect()
            rss_half = rss_bytes()
    assert x[-1] == 30.0
    del x
    assert live() == start
    growth = rss_bytes() - rss_half
    assert growth < 4 * 2**20, f"RSS grew by {growth / 2**20:.1f} MiB over the second {half} calls"


def test_returned_2d_arrays_are_freed():
    start = live()
    kept = [make_2d(i + 1) for i in range(100)]
    assert live() == start + 100
    assert all(k[0, 1] == 7 and k.shape == (i + 1, 3) for i, k in enumerate(kept))
    del kept
    assert live() == start


def test_returned_array_outlives_gc_and_frees_on_last_reference():
    start = live()
    a = make(10)
    b = a[2:5]          # a NumPy view of the returned array holds the buffer too
    del a
    gc.collect()
    assert live() == start + 1
    assert b.tolist() == [4.0, 6.0, 8.0]
    del b
    assert live() == start


# --- (2) temporaries inside a call


def test_temporaries_are_freed_after_each_call():
    a = np.linspace(0.0, 1.0, 64)
    temporaries(a)
    nonzero_count(a)
    start = live()
    for _ in range(20_000):
        temporaries(a)
        nonzero_count(a)
    assert live() == start
    assert temporaries(a) == temporaries.py_func(a)


def test_exception_frees_the_call_s_allocations():
    raises_after_allocating(2)
    start = live()
    for _ in range(2000):
        with pytest.raises(ValueError, match="boom"):
            raises_after_allocating(10)
    assert live() == start
    r = raises_after_allocating(3)
    assert live() == start + 1
    del r
    assert live() == start


def test_arrays_from_jitted_callees():
    start = live()
    for _ in range(1000):
        r = caller_of_allocator(6)
    assert r.tolist() == [5.0] * 5
    assert live() == start + 1
    del r
    assert live() == start


def test_nogil_calls_from_threads():
    nogil_make(8)
    start = live()
    results = []

    def work():
        for _ in range(500):
            results.append(nogil_make(50)[0])
            del results[:-1]

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results and results[-1] == nogil_make.py_func(50)[0]
    del results
    assert live() == start


def test_loop_temporaries_do_not_accumulate_within_a_call():
    loop_temporaries(10, 2)
    if not reset_peak_rss():
        pytest.skip("cannot reset the peak RSS here")
    before = peak_rss_bytes()
    assert loop_temporaries(500_000, 50) == float(sum(range(50)))
    growth = peak_rss_bytes() - before
    assert growth < 40 * 2**20, f"peak RSS grew by {growth / 2**20:.0f} MiB during one call"


# Loops whose arrays outlive an iteration must keep them: each of these is checked against
# Python and must leave nothing allocated.


def carried_across_iterations(n, reps):
    prev = np.zeros(n)
    cur = np.ones(n)
    for i in range(reps):
        nxt = prev + cur
        prev = cur
        cur = nxt
    return cur.sum() + prev[0]


def kept_after_the_loop(n, reps):
    last = np.zeros(1)
    for i in range(reps):
        t = np.arange(n) * float(i)
        if i == reps - 1:
            last = t[1:3]
    return last


def made_before_read_only_sometimes(n, reps):
    total = 0.0
    for i in range(reps):
        if i % 2 == 0:
            t = np.full(n, float(i))
        total += t.sum()
    return total


def breaks_out_with_a_view(n, reps):
    found = np.zeros(2, dtype=np.int64)
    for i in range(reps):
        t = np.arange(n) + i
        if t.sum() > 10 * n:
            found = t[:2]
            break
    return found


def nested_loops_and_tuples(n, reps):
    acc = 0.0
    for i in range(reps):
        pair = (np.ones(n) * i, np.zeros(n))
        for j in range(3):
            inner = pair[0] + j
            acc += inner[0]
        acc += pair[1].sum()
    return acc


def temporaries_in_expressions(n, reps):
    acc = 0.0
    a = np.arange(n) * 1.0
    for i in range(reps):
        acc += (a * i + 1.0).sum()
    return acc


@pytest.mark.parametrize(
    "fn",
    [carried_across_iterations, kept_after_the_loop, made_before_read_only_sometimes, breaks_out_with_a_view, nested_loops_and_tuples, temporaries_in_expressions],
)
@pytest.mark.parametrize("n, reps", [(3, 1), (5, 4), (1000, 30)])
def test_loops_that_keep_arrays_stay_correct(fn, n, reps):
    start = live()
    got = njit(fn)(n, reps)
    want = fn(n, reps)
    np.testing.assert_array_equal(got, want)
    del got
    assert live() == start


# --- (3) views of internal arrays


def test_view_of_internal_array_keeps_its_buffer_alive():
    start = live()
    v = internal_view(10)
    gc.collect()
    assert live() == start + 1
    assert v.tolist() == [1, 3, 5, 7, 9]
    assert v.strides == (16,) and v.flags.writeable
    # garbage elsewhere on the heap must not land in the buffer
    junk = [make(10) for _ in range(50)]
    del junk
    gc.collect()
    assert v.tolist() == [1, 3, 5, 7, 9]
    v[0] = 100
    assert v[0] == 100
    del v
    assert live() == start


def test_view_of_view_of_internal_array():
    start = live()
    v = view_of_view(5)
    exp = view_of_view.py_func(5)
    gc.collect()
    assert v.shape == exp.shape and v.strides == exp.strides
    assert np.array_equal(v, exp)
    del v
    assert live() == start


# --- (4) tuples of arrays


def test_tuple_of_two_arrays():
    start = live()
    a, b = two_arrays(5)
    assert live() == start + 2
    assert a.dtype == np.float64 and b.dtype == np.int32
    assert a.tolist() == [0.0] * 5 and b.tolist() == [1] * 5
    assert not np.shares_memory(a, b)
    del a
    assert live() == start + 1
    assert b.sum() == 5
    del b
    assert live() == start
    for _ in range(10_000):
        a, b = two_arrays(3)
    del a, b
    assert live() == start


def test_same_array_returned_twice_shares_one_buffer():
    start = live()
    a, b = same_array_twice(4)
    assert live() == start + 1
    assert np.shares_memory(a, b)
    a[0] = 9.0
    assert b[0] == 9.0
    del a
    assert b[0] == 9.0
    del b
    assert live() == start


def test_array_and_its_view_returned_together():
    start = live()
    a, r = array_and_its_view(6)
    assert live() == start + 1
    assert np.shares_memory(a, r) and r.strides == (-8,)
    assert r.tolist() == [5, 4, 3, 2, 1, 0]
    del a
    gc.collect()
    assert r.tolist() == [5, 4, 3, 2, 1, 0]
    del r
    assert live() == start


def _runtime_losses(report):
    """valgrind's leak records whose allocation stack passes through the array runtime."""
    records = report.split("are definitely lost in loss record")
    runtime = ("cpu::memory", "ferrumba_rt_alloc", "cpu::boxing", "MemoryOwner")
    losses = []
    for before, after in zip(records, records[1:]):
        stack = after.split("\n==")[0:40]
        if any(any(r in line for r in runtime) for line in stack):
            losses.append(before.splitlines()[-1] + after[:2000])
    return losses


@pytest.mark.skipif(not shutil.which("valgrind"), reason="valgrind is not installed (make installs it)")
def test_no_array_memory_leaks_under_valgrind():
    script = os.path.join(os.path.dirname(__file__), "leaks", "churn.py")
    done = subprocess.run(
        ["valgrind", "--leak-check=full", "--show-leak-kinds=definite,indirect", "--num-callers=40", sys.executable, script, "150"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "live 0" in done.stdout
    assert "LEAK SUMMARY" in done.stderr or "no leaks are possible" in done.stderr
    losses = _runtime_losses(done.stderr.replace("indirectly lost in loss record", "definitely lost in loss record"))
    assert not losses, "\n\n".join(losses)
