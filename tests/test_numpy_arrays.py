"""NumPy inside compiled code: creation, arange, copy, nonzero, slicing views,
row iteration, element-wise arithmetic / comparisons / ufuncs with
broadcasting, and arrays returned to Python.

Differential: every compiled result is compared with the same function run
by CPython/NumPy (`py_func`).  Arrays must agree in dtype, shape and value
(NaN-aware, signed zeros included) and, where NumPy makes a fresh array, in
memory order; views must be views of the same memory with the same strides.

Result dtypes follow NumPy.  Where Numba deliberately types a case otherwise
(it types a Python scalar in an array expression as int64/float64, where
NumPy 2 treats it as a "weak" scalar; it resolves some mixed-kind ufunc loops
to float32), the Numba dtype is accepted too, with values computed the way
Numba computes them.  Numba's choice is taken from Numba's own ufunc loop
resolver (`numba.np.numpy_support.ufunc_find_matching_loop`), so this file
does not compile anything with Numba.
"""

import functools
import gc
import sys

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tests.backend import IS_FERRUMBA, TypingError, njit, numba_lacks
from tests.checks import assert_same, compiled

try:  # the second oracle: Numba's ufunc typing, without compiling anything
    from numba.core import types as _nbtypes
    from numba.np.numpy_support import as_dtype as _nb_as_dtype
    from numba.np.numpy_support import from_dtype as _nb_from_dtype
    from numba.np.numpy_support import ufunc_find_matching_loop as _nb_find_loop
except ImportError:  # pragma: no cover - numba is in the dev venv
    _nb_find_loop = None

INT_DTYPES = [np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64]
FLOAT_DTYPES = [np.float32, np.float64]
NUM_DTYPES = INT_DTYPES + FLOAT_DTYPES
ALL_DTYPES = NUM_DTYPES + [np.bool_]


def dtype_id(d):
    return np.dtype(d).name


class DtypeMismatch(AssertionError):
    """A result dtype that is neither NumPy's nor Numba's."""


class LayoutMismatch(AssertionError):
    """A fresh result in neither NumPy's nor Numba's memory order."""



FEW = settings(max_examples=12)
SOME = settings(max_examples=25)


# ---------------------------------------------------------------- comparison


def _ordered(x):
    """Float array -> int64 array ordered like the floats (ulp distances)."""
    it = {2: np.int16, 4: np.int32, 8: np.int64}[x.dtype.itemsize]
    i = np.ascontiguousarray(x).view(it).astype(np.int64)
    return np.where(i < 0, np.int64(np.iinfo(it).min) - i, i)


def _float_mismatch(got, exp, ulps, signed_zeros):
    """Boolean mask of the elements of two float arrays of one dtype that differ."""
    gn, en = np.isnan(got), np.isnan(exp)
    with np.errstate(invalid="ignore"):
        eq = got == exp
    if signed_zeros:
        eq &= np.signbit(got) == np.signbit(exp)
    if ulps:
        finite = np.isfinite(got) & np.isfinite(exp)
        og, oe = _ordered(got), _ordered(exp)
        near = np.abs(og) <= ulps
        near_e = np.abs(oe) <= ulps
        with np.errstate(over="ignore"):
            close = ((og >= 0) == (oe >= 0)) & (np.abs(og - oe) <= ulps)
        close |= near & near_e & (np.abs(og) + np.abs(oe) <= ulps)
        eq |= finite & close
    return (gn != en) | (~gn & ~en & ~eq)


def assert_values(got, exp, ulps=0, signed_zeros=True, where="result"):
    """Same shape and the same values, element by element; `got` is converted
    to `exp`'s dtype first (callers check dtypes separately)."""
    assert got.shape == exp.shape, f"{where}: shape {got.shape}, NumPy {exp.shape}"
    if got.dtype != exp.dtype:
        with np.errstate(all="ignore"):
            got = got.astype(exp.dtype)
    if exp.dtype.kind == "c":
        bad = _float_mismatch(got.real, exp.real, ulps, signed_zeros) | _float_mismatch(
            got.imag, exp.imag, ulps, signed_zeros
        )
    elif exp.dtype.kind == "f":
        bad = _float_mismatch(got, exp, ulps, signed_zeros)
    else:
        bad = got != exp
    if np.any(bad):
        idx = tuple(int(i) for i in np.argwhere(np.asarray(bad))[0])
        raise AssertionError(
            f"{where}: {int(np.sum(bad))} of {exp.size} elements differ; first at {list(idx)}: "
            f"compiled {got[idx]!r}, NumPy {exp[idx]!r}"
            + (f" (allowed {ulps} ulp)" if ulps else "")
        )


def assert_array(got, exp, ulps=0, signed_zeros=True, where="result"):
    assert type(got) is np.ndarray, f"{where}: compiled gave {type(got).__name__} {got!r}, NumPy an ndarray"
    assert got.dtype == exp.dtype, f"{where}: dtype {got.dtype}, NumPy {exp.dtype}"
    assert_values(got, exp, ulps, signed_zeros, where)


def _array_args(args):
    return [a for a in args if isinstance(a, np.ndarray)]


def _numba_order(args):
    """Numba's memory order for an array it creates from `args` (like/copy,
    element-wise): F only when every array argument is typed F, else C."""
    arrays = _array_args(args)
    if arrays and all(a.flags.f_contiguous and not a.flags.c_contiguous for a in arrays):
        return "F"
    return "C"


def _data_address(a):
    return a.__array_interface__["data"][0]


def check_layout(got, exp, args, where="result"):
    """A view must be the same view; a fresh array must be fresh, writeable and
    in NumPy's (or Numba's) memory order."""
    arrays = _array_args(args)
    assert got.flags.aligned, f"{where}: not aligned"
    if exp.size == 0:
        return
    parents = [a for a in arrays if np.shares_memory(exp, a)]
    if parents:
        for a in parents:
            assert np.shares_memory(got, a), f"{where}: NumPy returns a view of an argument, compiled a copy"
        assert _data_address(got) == _data_address(exp), f"{where}: the view starts elsewhere"
        assert got.strides == exp.strides, f"{where}: strides {got.strides}, NumPy {exp.strides}"
        assert got.flags.writeable == exp.flags.writeable, f"{where}: writeable {got.flags.writeable}"
        return
    for a in arrays:
        assert not np.shares_memory(got, a), f"{where}: shares memory with an argument, NumPy's is fresh"
    assert got.flags.writeable, f"{where}: a fresh array must be writeable"
    flags = (got.flags.c_contiguous, got.flags.f_contiguous)
    if flags == (exp.flags.c_contiguous, exp.flags.f_contiguous):
        return
    order = _numba_order(args)
    ok = got.flags.f_contiguous if order == "F" else got.flags.c_contiguous
    if not ok:
        raise LayoutMismatch(
        f"{where}: strides {got.strides} (C {flags[0]}, F {flags[1]}); NumPy gives {exp.strides} "
        f"(C {exp.flags.c_contiguous}, F {exp.flags.f_contiguous}), Numba a {order}-order array"
        )


def assert_result(got, exp, args=(), ulps=0, signed_zeros=True, values=True, layout=True, where="result"):
    if isinstance(exp, tuple):
        assert isinstance(got, tuple) and len(got) == len(exp), f"{where}: {got!r} vs {exp!r}"
        for i, (g, e) in enumerate(zip(got, exp)):
            assert_result(g, e, args, ulps, signed_zeros, values, layout, f"{where}[{i}]")
    elif isinstance(exp, np.ndarray):
        assert type(got) is np.ndarray, f"{where}: compiled gave {type(got).__name__} {got!r}, NumPy an ndarray"
        assert got.dtype == exp.dtype, f"{where}: dtype {got.dtype}, NumPy {exp.dtype}"
        assert got.shape == exp.shape, f"{where}: shape {got.shape}, NumPy {exp.shape}"
        if values:
            assert_values(got, exp, ulps, signed_zeros, where)
        if layout:
            check_layout(got, exp, args, where)
    else:
        assert_same(got, exp, ulps, where=where)


def _snapshot(args):
    return [np.array(a, copy=True) if isinstance(a, np.ndarray) else None for a in args]


def check_np(fn, *args, ulps=0, signed_zeros=True, values=True, layout=True):
    """Run `fn` compiled and under NumPy on the same (unmodified) arguments and
    demand the same result, or the same exception class."""
    cfunc = compiled(fn)
    before = _snapshot(args)
    try:
        with np.errstate(all="ignore"):
            exp = fn(*args)
    except Exception as exc:  # noqa: BLE001 - any exception is a result here
        with pytest.raises(type(exc)):
            cfunc(*args)
        return None
    got = cfunc(*args)
    assert_result(got, exp, args, ulps, signed_zeros, values, layout)
    for i, (a, b) in enumerate(zip(args, before)):
        if b is not None:
            assert_values(a, b, where=f"argument {i} after the call")
    return got


def check_mutation(fn, make_args):
    """For functions that write into their arguments: run both on fresh
    arguments from `make_args` and compare the results and the arguments'
    whole buffers (a store must land exactly where NumPy's lands)."""
    c_args, p_args = make_args(), make_args()
    with np.errstate(all="ignore"):
        exp = fn(*p_args)
    got = compiled(fn)(*c_args)
    assert_result(got, exp, c_args, layout=False)
    for i, (c, p) in enumerate(zip(c_args, p_args)):
        if isinstance(p, np.ndarray):
            cb = c.base if c.base is not None else c
            pb = p.base if p.base is not None else p
            assert_values(c, p, where=f"argument {i} after the call")
            assert_values(np.asarray(cb), np.asarray(pb), where=f"buffer under argument {i}")
    return got, c_args


# ------------------------------------------------- array layouts for inputs


LAYOUTS = ["C", "F", "strided", "reversed"]


def relayout(a, kind):
    """An array equal to `a` with another memory layout."""
    if kind == "C" or a.ndim == 0:
        return np.ascontiguousarray(a)
    if kind == "F":
        return np.asfortranarray(a)
    if kind == "strided":
        big = np.zeros(tuple(2 * s + 1 for s in a.shape), dtype=a.dtype)
        view = big[tuple(slice(1, None, 2) for _ in a.shape)]
        view[...] = a
        return view
    if kind == "reversed":
        flip = tuple(slice(None, None, -1) for _ in a.shape)
        return np.ascontiguousarray(a[flip])[flip]
    raise ValueError(kind)


def values_of(dtype, small=False):
    """Hypothesis elements of `dtype`; `small` keeps integers where no result
    of + - * // % overflows and floats finite-ish (for dtype-mixing tests)."""
    dt = np.dtype(dtype)
    if dt.kind == "b":
        return st.booleans()
    if dt.kind in "iu":
        info = np.iinfo(dt)
        if small:
            return st.integers(max(info.min, -100), min(info.max, 100))
        return st.integers(int(info.min), int(info.max))
    width = dt.itemsize * 8
    if small:
        return st.one_of(
            st.floats(-1e3, 1e3, width=width),
            st.sampled_from([np.nan, np.inf, -np.inf, -0.0, 0.5]),
        )
    return st.floats(width=width)


def nonzero_values_of(dtype):
    dt = np.dtype(dtype)
    if dt.kind in "iu":
        return values_of(dt, small=True).filter(bool)
    return values_of(dt, small=True).filter(lambda x: x != 0)


def exponents_of(dtype):
    dt = np.dtype(dtype)
    if dt.kind in "iu":
        return st.integers(0, 5)  # NumPy refuses negative integer powers
    return st.floats(-4.0, 4.0, width=dt.itemsize * 8)


# ======================================================================
# Creation: empty / zeros / ones / full and their _like forms
# ======================================================================


def create_positional(shape):
    return (np.zeros(shape, np.float32), np.ones(shape, np.uint8), np.ones(shape, np.int64),
            np.zeros(shape, np.bool_), np.ones(shape, np.bool_), np.full(shape, 7, np.int16),
            np.full(shape, 2.5, np.float32), np.ones(shape, np.complex128), np.zeros(shape, np.int8),
            np.ones(shape, np.uint64), np.full(shape, 3, np.float64))


def create_keyword(shape):
    return (np.zeros(shape, dtype=np.float32), np.ones(shape, dtype=np.uint8),
            np.ones(shape, dtype=np.int64), np.zeros(shape, dtype=np.bool_),
            np.full(shape, 7, dtype=np.int16), np.full(shape, 2.5, dtype=np.float32),
            np.ones(shape, dtype=np.complex64), np.zeros(shape, dtype=np.uint32),
            np.full(shape, True, dtype=np.bool_))


def create_default(shape):
    return (np.zeros(shape), np.ones(shape), np.full(shape, 3), np.full(shape, 2.5),
            np.full(shape, True), np.full(shape, 1.5 - 2j))


def create_builtin_dtypes(shape):
    return (np.zeros(shape, float), np.ones(shape, int), np.ones(shape, bool),
            np.zeros(shape, dtype=float), np.full(shape, 3, dtype=int), np.ones(shape, dtype=bool),
            np.zeros(shape, complex))


def create_empty(shape):
    return (np.empty(shape), np.empty(shape, np.float32), np.empty(shape, dtype=np.uint8),
            np.empty(shape, dtype=np.bool_), np.empty(shape, np.int16))


def create_full_runtime(shape, v):
    return np.full(shape, v), np.full(shape, v, np.float32), np.full(shape, v, dtype=np.int16)


def create_from_shape_of(a):
    return np.zeros(a.shape, np.int32), np.ones(a.shape[0]), np.full((a.shape[-1], 2), 1.5)


SHAPES = st.one_of(
    st.integers(0, 7),
    hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4),
)


@SOME
@given(shape=SHAPES)
@example(shape=0)
@example(shape=())
@example(shape=(0, 3))
@example(shape=(3, 0, 2))
def test_creation(shape):
    check_np(create_positional, shape)
    check_np(create_keyword, shape)
    check_np(create_default, shape)
    check_np(create_empty, shape, values=False)


@numba_lacks("np.zeros(n, float) and the other builtin-type dtypes are Numba TypingErrors")
@FEW
@given(shape=SHAPES)
def test_creation_builtin_dtypes(shape):
    check_np(create_builtin_dtypes, shape)


@FEW
@given(shape=SHAPES, v=st.floats(-3e4, 3e4))
def test_full_with_runtime_value(shape, v):
    # a float fill value stored into int16 is truncated (an unsafe cast, as np.full does)
    check_np(create_full_runtime, shape, v)


@pytest.mark.parametrize("a", [np.zeros((3, 4)), np.zeros((2, 5, 7)), np.zeros(6)[::2]], ids=["2d", "3d", "view"])
def test_creation_from_shape_of_argument(a):
    check_np(create_from_shape_of, a)


def create_negative(n):
    return np.zeros(n)


def create_negative_tuple(n):
    return np.ones((3, n), np.uint8)


@pytest.mark.parametrize("fn", [create_negative, create_negative_tuple])
def test_negative_dimensions_raise(fn):
    check_np(fn, -1)
    with pytest.raises(ValueError):
        compiled(fn)(-5)


def likes(a):
    return (np.zeros_like(a), np.ones_like(a), np.full_like(a, 3),
            np.zeros_like(a, dtype=np.float32), np.ones_like(a, np.uint8),
            np.full_like(a, 2.5, dtype=np.int16), np.full_like(a, 7, np.float64),
            np.zeros_like(a, np.bool_))


def empty_likes(a):
    return np.empty_like(a), np.empty_like(a, dtype=np.int8), np.empty_like(a, np.float32)


def copy_of(a):
    return np.copy(a)


def like_input(name, dtype=np.float64):
    base = (np.arange(24.0).reshape(4, 6) - 7.5).astype(dtype)
    return {
        "1d": lambda: base[1],
        "2d-C": lambda: base,
        "2d-F": lambda: np.asfortranarray(base),
        "2d-strided": lambda: base[::2, 1::2],
        "2d-transposed-strided": lambda: base[::2, ::-3].T,
        "1d-reversed": lambda: base[2, ::-1],
        "3d-F": lambda: np.arange(60.0).astype(dtype).reshape(3, 4, 5).T,
        "0d": lambda: np.array(2.5).astype(dtype),
        "empty": lambda: np.zeros((0, 3), dtype),
        "empty-F": lambda: np.zeros((3, 0), dtype, order="F"),
    }[name]()


LIKE_NAMES = ["1d", "2d-C", "2d-F", "2d-strided", "2d-transposed-strided", "1d-reversed", "3d-F", "0d",
              "empty", "empty-F"]
LIKE_PARAMS = LIKE_NAMES


@pytest.mark.parametrize("name", LIKE_PARAMS)
@pytest.mark.parametrize("dtype", [np.float64, np.int8, np.uint32, np.bool_, np.float32], ids=dtype_id)
def test_like_functions(name, dtype):
    a = like_input(name, dtype)
    check_np(likes, a)
    check_np(empty_likes, a, values=False)


@pytest.mark.parametrize("name", LIKE_PARAMS)
def test_copy(name):
    a = like_input(name)
    got = check_np(copy_of, a)
    assert not np.shares_memory(got, a)
    if got.size:
        got.flat[0] = 1234.0
        assert a.flat[0] != 1234.0


@pytest.mark.parametrize("dtype", ALL_DTYPES + [np.complex64, np.complex128], ids=dtype_id)
@pytest.mark.parametrize("layout", ["C", "strided", "reversed"])
def test_copy_dtypes_and_views(dtype, layout):
    a = relayout((np.arange(12) % 5 - 2).astype(dtype).reshape(3, 4), layout)
    check_np(copy_of, a)
    check_np(copy_of, a[1])
    check_np(copy_of, a[:, ::-2])


# ======================================================================
# arange
# ======================================================================


def arange1(n):
    return np.arange(n)


def arange2(a, b):
    return np.arange(a, b)


def arange3(a, b, s):
    return np.arange(a, b, s)


def arange_float32(n):
    return np.arange(n, dtype=np.float32)


def arange_literals():
    return (np.arange(5), np.arange(2, 9), np.arange(9, 2, -2), np.arange(3.5),
            np.arange(1, 2.5, 0.5), np.arange(1.0, -1.0, -0.25),
            np.arange(5, 2), np.arange(0, 10, -1), np.arange(0, 10, 20), np.arange(-3))


def _arange_numba_way(fn, args):
    """Numba fills a float arange with start + i*step (NumPy with start +
    i*((start + step) - start)); both are accepted."""
    if fn is arange3 and any(isinstance(x, float) for x in args):
        start, stop, step = (float(x) for x in args)
        n = len(np.arange(start, stop, step))
        return start + np.arange(n, dtype=np.float64) * step
    return None


def check_arange(fn, *args):
    cfunc = compiled(fn)
    try:
        exp = fn(*args)
    except Exception as exc:  # noqa: BLE001
        with pytest.raises(type(exc)):
            cfunc(*args)
        return
    got = cfunc(*args)
    alt = _arange_numba_way(fn, args)
    try:
        assert_result(got, exp, args)
    except AssertionError:
        if alt is None:
            raise
        assert_result(got, alt, args)


def test_arange_literals():
    check_np(arange_literals)


@SOME
@given(n=st.integers(-5, 300))
def test_arange_one_int(n):
    check_arange(arange1, n)
    check_arange(arange_float32, n)


@SOME
@given(a=st.integers(-100, 100), b=st.integers(-100, 100))
def test_arange_two_ints(a, b):
    check_arange(arange2, a, b)


@SOME
@given(a=st.integers(-100, 100), b=st.integers(-100, 100), s=st.integers(-9, 9).filter(bool))
@example(a=0, b=10, s=-1)
@example(a=9, b=2, s=-2)
@example(a=-(2**40), b=-(2**40) + 7, s=3)
def test_arange_three_ints(a, b, s):
    check_arange(arange3, a, b, s)


@SOME
@given(
    a=st.floats(-50, 50),
    b=st.floats(-50, 50),
    s=st.one_of(st.floats(0.05, 7.0), st.floats(-7.0, -0.05)),
)
@example(a=0.0, b=1.0, s=0.1)
@example(a=1.0, b=-1.0, s=-0.25)
@example(a=0.5, b=3.0, s=0.3)
def test_arange_floats(a, b, s):
    check_arange(arange3, a, b, s)
    check_arange(arange3, int(a), b, s)
    check_arange(arange1, a)


def test_arange_zero_step_raises():
    # NumPy raises ZeroDivisionError, Numba ValueError: either is accepted
    for args in [(0, 5, 0), (0.0, 5.0, 0.0)]:
        with pytest.raises((ValueError, ZeroDivisionError)):
            compiled(arange3)(*args)


# ======================================================================
# nonzero (1-d)
# ======================================================================


def nonzero_of(a):
    return np.nonzero(a)


def nonzero_first(a):
    return np.nonzero(a)[0]


def nonzero_of_view(a):
    return np.nonzero(a[::-2])


def nonzero_of_comparison(a):
    return np.nonzero(a > 0.5)[0][1:]


@pytest.mark.parametrize("dtype", ALL_DTYPES + [np.complex128], ids=dtype_id)
def test_nonzero_dtypes(dtype):
    dt = np.dtype(dtype)
    vals = [0, 1, 0, 0, 3, 1, 0, 2] if dt.kind != "b" else [0, 1, 0, 0, 1, 1, 0, 1]
    a = np.array(vals).astype(dt)
    check_np(nonzero_of, a)
    check_np(nonzero_first, a)
    check_np(nonzero_of_view, a)
    check_np(nonzero_of, a[1::3])
    check_np(nonzero_of, a[:0])
    check_np(nonzero_of, np.zeros(5, dt))


def test_nonzero_float_specials():
    a = np.array([0.0, -0.0, np.nan, 1.5, np.inf, 0.0, 5e-324])
    check_np(nonzero_of, a)
    check_np(nonzero_of_comparison, a)


@SOME
@given(a=hnp.arrays(st.sampled_from([np.bool_, np.int16, np.float64]), st.integers(0, 40),
                    elements=st.integers(0, 1)))
def test_nonzero_property(a):
    check_np(nonzero_of, a)
    check_np(nonzero_of_view, a)


def test_nonzero_of_2d():
    # A tuple of one index array per dimension (more in tests/test_numpy_more.py).
    a = np.array([[0.0, 1.0], [2.0, 0.0]])
    got = njit(nonzero_of)(a)
    assert_result(got, nonzero_of(a), (a,), layout=False)


# ======================================================================
# Slicing: views
# ======================================================================


def s_ijk(a, i, j, k):
    return a[i:j:k]


def s_i(a, i):
    return a[i:]


def s_j(a, j):
    return a[:j]


def s_k(a, k):
    return a[::k]


def s_ik(a, i, k):
    return a[i::k]


def s_jk(a, j, k):
    return a[:j:k]


def s_all(a):
    return a[:]


def s_rev(a):
    return a[::-1]


BOUND = st.integers(-15, 15)
STEP = st.integers(-4, 4).filter(bool)


@SOME
@given(n=st.integers(0, 12), i=BOUND, j=BOUND, k=STEP, layout=st.sampled_from(["C", "strided", "reversed"]))
def test_slice_1d(n, i, j, k, layout):
    a = relayout(np.arange(n, dtype=np.float64) * 1.5 - 3, layout)
    check_np(s_ijk, a, i, j, k)
    check_np(s_i, a, i)
    check_np(s_j, a, j)
    check_np(s_k, a, k)
    check_np(s_ik, a, i, k)
    check_np(s_jk, a, j, k)
    check_np(s_all, a)
    check_np(s_rev, a)


def slice_literals(a):
    return a[1:-1], a[-3:], a[3:100], a[-100:2], a[-1:0:-2], a[:1:-3], a[5:2], a[::3], a[-2::-4]


def test_slice_literals():
    check_np(slice_literals, np.arange(10))
    check_np(slice_literals, np.arange(10.0)[::-1])


def test_slice_step_zero_raises():
    check_np(s_k, np.arange(5), 0)
    check_np(s_ijk, np.arange(5), 1, 3, 0)


def s2_rows_cols(a, i, j, k):
    return a[i:j, ::k]


def s2_mixed(a, i, j, k, l, m):
    return a[i:j:k, l:m]


def s2_col(a, j):
    return a[:, j]


def s2_row(a, i):
    return a[i]


def s2_literal(a):
    return a[1:-1, ::2], a[:, 0], a[::-1], a[-1], a[:, ::-1], a[1:, -2]


@pytest.mark.parametrize("layout", LAYOUTS)
def test_slice_2d_literals(layout):
    a = relayout(np.arange(42.0).reshape(6, 7), layout)
    check_np(s2_literal, a)


@SOME
@given(i=BOUND, j=BOUND, k=STEP, l=BOUND, m=BOUND, layout=st.sampled_from(LAYOUTS))
def test_slice_2d(i, j, k, l, m, layout):
    a = relayout(np.arange(35.0).reshape(5, 7), layout)
    check_np(s2_rows_cols, a, i, j, k)
    check_np(s2_mixed, a, i, j, k, l, m)
    check_np(s2_col, a, l % 7 - 7 * (l < 0))
    check_np(s2_row, a, i % 5 - 5 * (i < 0))


def s3(a, i, j):
    return a[1:, ::-1, 1::2], a[i, :, j], a[:, j], a[i], a[::2, i:, ::-j - 1]


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("i, j", [(0, 0), (1, 2), (-1, -3), (2, 1)])
def test_slice_3d(layout, i, j):
    a = relayout(np.arange(60, dtype=np.int32).reshape(3, 4, 5), layout)
    check_np(s3, a, i, j)


def s_empty2d(a):
    return a[:, 1:], a[2:], a[1:1, :]


@pytest.mark.parametrize("shape", [(0, 3), (3, 0), (0, 0)])
def test_slice_empty_2d(shape):
    check_np(s_empty2d, np.zeros(shape))


def test_slice_of_readonly_argument_is_readonly():
    a = np.arange(6.0)
    a.setflags(write=False)
    got = check_np(s_i, a, 2)
    assert not got.flags.writeable


def view_write_readonly(a):
    v = a[1:]
    v[0] = 1.0
    return a


def test_writing_into_view_of_readonly_array_is_typing_error():
    a = np.arange(6.0)
    a.setflags(write=False)
    with pytest.raises(TypingError):
        njit(view_write_readonly)(a)
    assert a.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]


# ---------------------------------------------------- views of arguments


def tail(a):
    return a[1:]


def test_returned_view_shares_memory_with_argument():
    a = np.arange(8.0)
    v = compiled(tail)(a)
    assert np.shares_memory(v, a)
    assert v.base is not None
    v[0] = 99.0
    assert a[1] == 99.0
    a[2] = -1.0
    assert v[1] == -1.0
    # the view keeps the argument's buffer alive
    del a
    gc.collect()
    assert v.tolist() == [99.0, -1.0, 3.0, 4.0, 5.0, 6.0, 7.0]


def test_returned_view_of_f_array_and_column():
    a = np.asfortranarray(np.arange(20.0).reshape(4, 5))
    r = compiled(s2_col)(a, 3)
    assert np.shares_memory(r, a) and r.strides == a[:, 3].strides
    r[1] = -7.0
    assert a[1, 3] == -7.0


def test_identity_returns_the_argument():
    a = np.arange(4)
    r = compiled(s_all)(a)
    assert np.shares_memory(r, a) and r.shape == a.shape and r.strides == a.strides


# ======================================================================
# Writing through views, iterating over rows
# ======================================================================


def write_through_view(a):
    v = a[1:]
    v[0] = 5
    return a


def write_column(a, j):
    v = a[:, j]
    for i in range(v.shape[0]):
        v[i] = 100 + i
    return v


def write_reversed(a):
    v = a[::-2]
    for i in range(len(v)):
        v[i] = -i
    return a


def write_rows(a):
    for r in a:
        r[0] = r[-1] * 2
        r[-1] = 7


def write_view_of_view(a):
    v = a[1:-1, ::2]
    w = v[::-1]
    w[0, 0] = -1
    w[-1, -1] = -2
    return w


def write_internal_view(n):
    a = np.zeros(n)
    v = a[::2]
    v[1] = 3.0
    v[-1] = 4.0
    return a


@pytest.mark.parametrize("layout", LAYOUTS)
def test_writes_through_views_of_arguments(layout):
    check_mutation(write_through_view, lambda: (relayout(np.arange(6.0), layout),))
    check_mutation(write_reversed, lambda: (relayout(np.arange(7), layout),))
    check_mutation(write_column, lambda: (relayout(np.arange(20.0).reshape(4, 5), layout), -2))
    check_mutation(write_rows, lambda: (relayout(np.arange(20, dtype=np.int32).reshape(4, 5), layout),))
    check_mutation(write_view_of_view, lambda: (relayout(np.arange(42.0).reshape(6, 7), layout),))


def test_write_through_view_modifies_the_argument():
    a = np.arange(5.0)
    compiled(write_through_view)(a)
    assert a.tolist() == [0.0, 5.0, 2.0, 3.0, 4.0]
    b = np.zeros((3, 4))
    v = compiled(write_column)(b, 1)
    assert np.shares_memory(v, b) and b[:, 1].tolist() == [100.0, 101.0, 102.0]


def test_write_into_internal_view():
    check_np(write_internal_view, 7)
    check_np(write_internal_view, 4)


def row_sums(a):
    s = 0.0
    k = 1.0
    for r in a:
        for x in r:
            s += x * k
            k += 0.5
    return s


def row_heads(a):
    out = np.zeros(a.shape[0])
    i = 0
    for r in a:
        out[i] = r[0] - r[-1]
        i += 1
    return out


def plane_sums(a):
    # rows of a 3-d array are 2-d views; their rows are 1-d views
    s = 0.0
    for plane in a:
        for r in plane:
            s = s * 0.5 + r[0] - r[-1] * 2
    return s


def count_rows(a):
    n = 0
    for _ in a:
        n += 1
    return n


@pytest.mark.parametrize("layout", LAYOUTS)
def test_iterate_rows(layout):
    a = relayout(np.arange(30.0).reshape(5, 6) ** 1.5, layout)
    check_np(row_sums, a)
    check_np(row_heads, a)
    check_np(count_rows, a)
    check_np(row_sums, a[::-2, 1:])
    check_np(row_heads, a[1:, ::-1])
    b = relayout(np.arange(24.0).reshape(2, 3, 4), layout)
    check_np(count_rows, b)
    check_np(plane_sums, b)


@pytest.mark.parametrize("shape", [(0, 4), (4, 0), (1, 1)])
def test_iterate_rows_edge_shapes(shape):
    a = np.ones(shape)
    check_np(row_sums, a)
    check_np(count_rows, a)


# ======================================================================
# Element-wise dtype matrix: array (op) array
# ======================================================================


def binary_ops(a, b, e):
    return (a + b, a - b, a * b, a / b, a // b, a % b, a ** e,
            np.maximum(a, b), np.minimum(a, b), a < b, a == b, a >= b)


def binary_ufuncs(a, b, e):
    return np.arctan2(a, b), np.hypot(a, b), np.copysign(a, b), a <= b, a != b, a > b


# (label, ufunc, operands: argument names or Python scalars, ulps)
BINARY_OPS = [
    ("a + b", np.add, ("a", "b"), 0), ("a - b", np.subtract, ("a", "b"), 0),
    ("a * b", np.multiply, ("a", "b"), 0), ("a / b", np.true_divide, ("a", "b"), 0),
    ("a // b", np.floor_divide, ("a", "b"), 0), ("a % b", np.remainder, ("a", "b"), 0),
    ("a ** e", np.power, ("a", "e"), 1),
    ("maximum", np.maximum, ("a", "b"), 0), ("minimum", np.minimum, ("a", "b"), 0),
    ("a < b", np.less, ("a", "b"), 0), ("a == b", np.equal, ("a", "b"), 0),
    ("a >= b", np.greater_equal, ("a", "b"), 0),
]
# NumPy's own float32 arctan2 (SIMD) is up to ~3 ulp from the correctly rounded value.
BINARY_UFUNCS = [
    ("arctan2", np.arctan2, ("a", "b"), 4), ("hypot", np.hypot, ("a", "b"), 1),
    ("copysign", np.copysign, ("a", "b"), 0), ("a <= b", np.less_equal, ("a", "b"), 0),
    ("a != b", np.not_equal, ("a", "b"), 0), ("a > b", np.greater, ("a", "b"), 0),
]
BINARY_ARGS = ("a", "b", "e")

# signed zeros: maximum/minimum of +0 and -0 may return either (NumPy and Numba differ)
SIGNED_ZERO_FREE = {"maximum", "minimum", "sign"}


def _scalar_dtype(x):
    if isinstance(x, (bool, np.bool_)):
        return np.dtype(np.bool_)
    if isinstance(x, int):
        return np.dtype(np.int64)
    if isinstance(x, float):
        return np.dtype(np.float64)
    if isinstance(x, complex):
        return np.dtype(np.complex128)
    return np.asarray(x).dtype


@functools.lru_cache(maxsize=None)
def numba_loop(ufunc, dtypes):
    """(input dtypes, output dtype) of the loop Numba picks, or None."""
    if _nb_find_loop is None:
        return None
    try:
        nbtypes = [_nbtypes.boolean if d == np.bool_ else _nb_from_dtype(d) for d in dtypes]
        loop = _nb_find_loop(ufunc, nbtypes)
        if loop is None:
            return None
        ins = tuple(_nb_as_dtype(t) for t in loop.inputs)
        out = _nb_as_dtype(loop.outputs[0])
    except Exception:  # noqa: BLE001 - a type Numba lacks (float16): no Numba variant
        return None
    if out == np.float16:
        return None
    return ins, out


def expected_variants(fn, argnames, args, ops, i):
    """The acceptable results of op `i` of `fn`: NumPy's, and Numba's where it
    differs (the arrays cast to the inputs of the loop Numba picks)."""
    label, ufunc, operands, _ = ops[i]
    with np.errstate(all="ignore"):
        out = [fn(*args)[i]]
    named = dict(zip(argnames, args))
    dtypes = tuple(named[o].dtype if isinstance(o, str) else _scalar_dtype(o) for o in operands)
    loop = numba_loop(ufunc, dtypes)
    if loop is not None:
        ins, _ = loop
        cast = dict(named)
        for o, d in zip(operands, ins):
            if isinstance(o, str):
                cast[o] = named[o].astype(d)
        try:
            with np.errstate(all="ignore"):
                alt = fn(*[cast[n] for n in argnames])[i]
        except Exception:  # noqa: BLE001 - NumPy has no such loop for another op
            alt = None
        if alt is not None:
            out.append(alt)
    return out


def _operand_dtypes(operands, named_dtypes):
    return tuple(np.dtype(named_dtypes[o]) if isinstance(o, str) else _scalar_dtype(o) for o in operands)


def allowed_dtypes(fn, argnames, sample_args, ops, i):
    return {np.asarray(v).dtype for v in expected_variants(fn, argnames, sample_args, ops, i)}


def match_variants(got, variants, ulps, signed_zeros, where):
    """`got` must equal one of the variants in dtype and value."""
    errors = []
    for v in variants:
        try:
            assert_array(got, np.asarray(v), ulps, signed_zeros, where)
            return
        except AssertionError as exc:
            errors.append(str(exc))
    raise AssertionError(" / ".join(errors))


def check_values_any_dtype(got, variants, ulps, signed_zeros, where):
    """Values only: compare with the variant of got's dtype, else with NumPy's
    result after converting got to its dtype (one more ulp for the rounding)."""
    for v in variants:
        v = np.asarray(v)
        if got.dtype == v.dtype:
            try:
                assert_values(got, v, ulps, signed_zeros, where)
                return
            except AssertionError:
                pass
    exp = np.asarray(variants[0])
    assert_values(got, exp, ulps + (got.dtype != exp.dtype), signed_zeros, where)


def _sample(dtype, n=3):
    return np.arange(1, n + 1).astype(dtype)


def _pair_params(pairs):
    return [pytest.param(da, db, id=f"{dtype_id(da)}-{dtype_id(db)}") for da, db in pairs]


BINARY_PAIRS = _pair_params([(da, db) for da in NUM_DTYPES for db in NUM_DTYPES])
UFUNC_PAIRS = _pair_params([
    (np.float64, np.float64), (np.float32, np.float32), (np.float32, np.float64), (np.int64, np.int64),
    (np.int8, np.int8), (np.int32, np.float32), (np.uint8, np.float64), (np.uint64, np.int64),
    (np.int16, np.uint16), (np.float32, np.int8),
])


def _run_table(fn, argnames, args, ops):
    cfunc = compiled(fn)
    with np.errstate(all="ignore"):
        got = cfunc(*args)
    assert isinstance(got, tuple) and len(got) == len(ops)
    return got


def check_table_dtypes(fn, argnames, args, ops):
    """Each op's result dtype is NumPy's (or Numba's, where Numba differs), and
    its values are those of that dtype."""
    got = _run_table(fn, argnames, args, ops)
    wrong = []
    for i, (label, _, _, ulps) in enumerate(ops):
        variants = expected_variants(fn, argnames, args, ops, i)
        if got[i].dtype not in [np.asarray(v).dtype for v in variants]:
            allowed = sorted({str(np.asarray(v).dtype) for v in variants})
            wrong.append(f"{label}: {got[i].dtype} (NumPy/Numba: {'/'.join(allowed)})")
        else:
            match_variants(got[i], variants, ulps, label not in SIGNED_ZERO_FREE, label)
    if wrong:
        raise DtypeMismatch("; ".join(wrong))


@pytest.mark.parametrize("da, db", BINARY_PAIRS)
def test_binary_dtypes(da, db):
    args = (_sample(da), _sample(db)[::-1].copy(), np.array([0, 1, 2]).astype(db))
    check_table_dtypes(binary_ops, BINARY_ARGS, args, BINARY_OPS)


@pytest.mark.parametrize("da, db", UFUNC_PAIRS)
def test_binary_ufunc_dtypes(da, db):
    args = (_sample(da), _sample(db)[::-1].copy(), np.array([0, 1, 2]).astype(db))
    check_table_dtypes(binary_ufuncs, BINARY_ARGS, args, BINARY_UFUNCS)


@pytest.mark.parametrize("da", NUM_DTYPES, ids=dtype_id)
@pytest.mark.parametrize("db", NUM_DTYPES, ids=dtype_id)
@settings(max_examples=6)
@given(data=st.data())
def test_binary_values(da, db, data):
    """Values of every op on every dtype pair (converted to NumPy's dtype where
    ferrumba's differs: the dtypes themselves are test_binary_dtypes' job)."""
    n = data.draw(st.integers(0, 9), label="n")
    a = data.draw(hnp.arrays(da, n, elements=values_of(da, small=True)), label="a")
    b = data.draw(hnp.arrays(db, n, elements=nonzero_values_of(db)), label="b")
    e = data.draw(hnp.arrays(db, n, elements=exponents_of(db)), label="e")
    check_table_values(binary_ops, BINARY_ARGS, (a, b, e), BINARY_OPS)


def check_table_values(fn, argnames, args, ops):
    got = _run_table(fn, argnames, args, ops)
    for i, (label, _, _, ulps) in enumerate(ops):
        variants = expected_variants(fn, argnames, args, ops, i)
        check_values_any_dtype(got[i], variants, ulps, label not in SIGNED_ZERO_FREE, label)


@pytest.mark.parametrize("da, db", [p.values for p in UFUNC_PAIRS], ids=[p.id for p in UFUNC_PAIRS])
@settings(max_examples=10)
@given(data=st.data())
def test_binary_ufunc_values(da, db, data):
    n = data.draw(st.integers(0, 9), label="n")
    a = data.draw(hnp.arrays(da, n, elements=values_of(da, small=True)), label="a")
    b = data.draw(hnp.arrays(db, n, elements=values_of(db, small=True)), label="b")
    check_table_values(binary_ufuncs, BINARY_ARGS, (a, b, b), BINARY_UFUNCS)


def same_type_ops(a, b):
    return a + b, a - b, a * b, -a, a < b, a == b, a >= b, np.maximum(a, b), np.minimum(a, b)


@pytest.mark.parametrize("dtype", [np.int64, np.uint64, np.float64, np.float32], ids=dtype_id)
@SOME
@given(data=st.data())
def test_full_range_same_dtype(dtype, data):
    """Extremes: wrap-around of 64-bit integers, inf and NaN of floats."""
    n = data.draw(st.integers(0, 8))
    a = data.draw(hnp.arrays(dtype, n, elements=values_of(dtype)))
    b = data.draw(hnp.arrays(dtype, n, elements=values_of(dtype)))
    check_np(same_type_ops, a, b, signed_zeros=False)


def compare_ops(a, b):
    return a < b, a > b, a == b, a != b


def compare_with_literals(a):
    # Python ints outside the array's dtype compare exactly (NumPy 2)
    return a > -1, a == -1, -1 < a, a <= 300, a != 300, -129 < a


MIXED_SIGN_PAIRS = [(np.uint64, np.int64), (np.int64, np.uint64), (np.uint64, np.int8), (np.int32, np.uint64),
                    (np.uint32, np.int64), (np.uint8, np.int8), (np.uint64, np.uint8)]


def _int_edges(dtype):
    info = np.iinfo(dtype)
    return st.one_of(st.integers(int(info.min), int(info.max)),
                     st.sampled_from([int(info.min), int(info.max), 0, 1, max(int(info.min), -1)]))


@pytest.mark.parametrize("da, db", MIXED_SIGN_PAIRS, ids=dtype_id)
@SOME
@given(data=st.data())
def test_mixed_sign_comparisons(da, db, data):
    """uint64 against signed integers (and the other pairs) compare exactly, as in
    NumPy: 2**63 > -1 and 2**64-1 != -1; equal values are drawn often."""
    n = data.draw(st.integers(0, 8))
    a = data.draw(hnp.arrays(da, n, elements=_int_edges(da)))
    b = data.draw(hnp.arrays(db, n, elements=_int_edges(db)))
    take = data.draw(hnp.arrays(np.bool_, n))
    info = np.iinfo(db)
    for i in range(n):  # copy a's value where db holds it, so == and != see equal pairs
        if take[i] and info.min <= int(a[i]) <= info.max:
            b[i] = int(a[i])
    check_np(compare_ops, a, b)


@pytest.mark.parametrize("dtype", INT_DTYPES, ids=dtype_id)
@FEW
@given(data=st.data())
def test_compare_with_out_of_range_literals(dtype, data):
    a = data.draw(hnp.arrays(dtype, st.integers(0, 8), elements=_int_edges(dtype)))
    check_np(compare_with_literals, a)


def test_int8_overflow_wraps():
    # a symptom of the dtype bug, spelled out: NumPy and Numba compute int8 + int8 in int8
    a = np.array([100, -128, 127], np.int8)
    check_np(add, a, a)


# ======================================================================
# Element-wise dtype matrix: array (op) Python scalar, unary minus
# ======================================================================


def scalar_ops(a):
    return (a + 3, 3 - a, a * 2.5, 2.5 - a, a / 2, a // 3, a % 3, a ** 2, -a,
            a + True, a > 1, 2.5 <= a, a == 2, np.maximum(a, 1), np.minimum(a, 0.5))


SCALAR_OPS = [
    ("a + 3", np.add, ("a", 3), 0), ("3 - a", np.subtract, (3, "a"), 0),
    ("a * 2.5", np.multiply, ("a", 2.5), 0), ("2.5 - a", np.subtract, (2.5, "a"), 0),
    ("a / 2", np.true_divide, ("a", 2), 0), ("a // 3", np.floor_divide, ("a", 3), 0),
    ("a % 3", np.remainder, ("a", 3), 0), ("a ** 2", np.power, ("a", 2), 0),
    ("-a", np.negative, ("a",), 0), ("a + True", np.add, ("a", True), 0),
    ("a > 1", np.greater, ("a", 1), 0), ("2.5 <= a", np.less_equal, (2.5, "a"), 0),
    ("a == 2", np.equal, ("a", 2), 0), ("maximum(a, 1)", np.maximum, ("a", 1), 0),
    ("minimum(a, 0.5)", np.minimum, ("a", 0.5), 0),
]


@pytest.mark.parametrize("dtype", NUM_DTYPES, ids=dtype_id)
def test_scalar_dtypes(dtype):
    """With a Python scalar NumPy 2 keeps the array's dtype; Numba types the
    scalar as int64/float64 (int8 array + 3 -> int64): either is accepted."""
    check_table_dtypes(scalar_ops, ("a",), (_sample(dtype, 4),), SCALAR_OPS)


@pytest.mark.parametrize("dtype", NUM_DTYPES, ids=dtype_id)
@FEW
@given(data=st.data())
def test_scalar_values(dtype, data):
    a = data.draw(hnp.arrays(dtype, st.integers(0, 9), elements=values_of(dtype, small=True)))
    check_table_values(scalar_ops, ("a",), (a,), SCALAR_OPS)


def typed_scalar_ops(a):
    return a + np.int64(3), a * np.float64(2.5), a - np.float32(1.5), np.maximum(a, np.int64(1))


TYPED_SCALAR_OPS = [
    ("a + int64(3)", np.add, ("a", np.int64(3)), 0), ("a * float64(2.5)", np.multiply, ("a", np.float64(2.5)), 0),
    ("a - float32(1.5)", np.subtract, ("a", np.float32(1.5)), 0),
    ("maximum(a, int64(1))", np.maximum, ("a", np.int64(1)), 0),
]


def shift_ops(a):
    return a << 2, a >> 1, a & 3, a | 4, a ^ 1


SHIFT_OPS = [
    ("a << 2", np.left_shift, ("a", 2), 0), ("a >> 1", np.right_shift, ("a", 1), 0),
    ("a & 3", np.bitwise_and, ("a", 3), 0), ("a | 4", np.bitwise_or, ("a", 4), 0),
    ("a ^ 1", np.bitwise_xor, ("a", 1), 0),
]


def float_function_literals(a):
    return np.arctan2(a, 2.0), np.hypot(a, 1), np.copysign(a, -1.0), np.arctan2(0.5, a)


FLOAT_FUNCTION_LITERALS = [
    ("arctan2(a, 2.0)", np.arctan2, ("a", 2.0), 2), ("hypot(a, 1)", np.hypot, ("a", 1), 1),
    ("copysign(a, -1.0)", np.copysign, ("a", -1.0), 0), ("arctan2(0.5, a)", np.arctan2, (0.5, "a"), 2),
]


@pytest.mark.parametrize("dtype", NUM_DTYPES, ids=dtype_id)
@FEW
@given(data=st.data())
def test_typed_numpy_scalars_are_not_weak(dtype, data):
    """np.int64(3) is a typed NumPy scalar, not a weak Python number: int8 array +
    np.int64(3) is int64 in NumPy and Numba alike."""
    a = data.draw(hnp.arrays(dtype, st.integers(1, 9), elements=values_of(dtype, small=True)))
    check_table_dtypes(typed_scalar_ops, ("a",), (a,), TYPED_SCALAR_OPS)


@pytest.mark.parametrize("dtype", INT_DTYPES, ids=dtype_id)
@FEW
@given(data=st.data())
def test_bit_operations_with_literals(dtype, data):
    a = data.draw(hnp.arrays(dtype, st.integers(1, 9), elements=values_of(dtype)))
    check_table_dtypes(shift_ops, ("a",), (a,), SHIFT_OPS)


@pytest.mark.parametrize("dtype", FLOAT_DTYPES, ids=dtype_id)
@FEW
@given(data=st.data())
def test_float_functions_with_literals(dtype, data):
    a = data.draw(hnp.arrays(dtype, st.integers(1, 9), elements=values_of(dtype, small=True)))
    check_table_dtypes(float_function_literals, ("a",), (a,), FLOAT_FUNCTION_LITERALS)


# ======================================================================
# Unary ufuncs
# ======================================================================


def unary_ufuncs(a):
    return (np.abs(a), np.absolute(a), np.fabs(a), np.floor(a), np.ceil(a), np.trunc(a),
            np.rint(a), np.isnan(a), np.isinf(a), np.isfinite(a), np.sqrt(a), np.exp(a),
            np.expm1(a), np.log(a), np.log10(a), np.log2(a), np.log1p(a), np.sin(a), np.cos(a),
            np.tan(a), np.arcsin(a), np.arccos(a), np.arctan(a), np.sinh(a), np.cosh(a),
            np.tanh(a), np.arcsinh(a), np.arccosh(a), np.arctanh(a), np.deg2rad(a),
            np.rad2deg(a), np.degrees(a), np.radians(a))


_TRANSCENDENTAL_ULPS = 4
UNARY_OPS = [
    (name, getattr(np, name), ("a",), ulps)
    for name, ulps in [
        ("abs", 0), ("absolute", 0), ("fabs", 0), ("floor", 0), ("ceil", 0), ("trunc", 0),
        ("rint", 0), ("isnan", 0), ("isinf", 0), ("isfinite", 0), ("sqrt", 0),
        ("exp", _TRANSCENDENTAL_ULPS), ("expm1", _TRANSCENDENTAL_ULPS), ("log", _TRANSCENDENTAL_ULPS),
        ("log10", _TRANSCENDENTAL_ULPS), ("log2", _TRANSCENDENTAL_ULPS), ("log1p", _TRANSCENDENTAL_ULPS),
        ("sin", _TRANSCENDENTAL_ULPS), ("cos", _TRANSCENDENTAL_ULPS), ("tan", _TRANSCENDENTAL_ULPS),
        ("arcsin", _TRANSCENDENTAL_ULPS), ("arccos", _TRANSCENDENTAL_ULPS), ("arctan", _TRANSCENDENTAL_ULPS),
        ("sinh", _TRANSCENDENTAL_ULPS), ("cosh", _TRANSCENDENTAL_ULPS), ("tanh", _TRANSCENDENTAL_ULPS),
        ("arcsinh", _TRANSCENDENTAL_ULPS), ("arccosh", _TRANSCENDENTAL_ULPS),
        # NumPy's float32 rad2deg is up to 2 ulp off the correctly rounded value (Numba is not)
        ("arctanh", _TRANSCENDENTAL_ULPS), ("deg2rad", 2), ("rad2deg", 2), ("degrees", 2),
        ("radians", 2),
    ]
]


def sign_of(a):
    return (np.sign(a),)


SIGN_OPS = [("sign", np.sign, ("a",), 0)]


def _unary_input(dtype):
    dt = np.dtype(dtype)
    if dt.kind == "f":
        return np.array([0.5, -1.5, 2.5, np.nan, -0.0, np.inf, -np.inf, 1e-3, 3.7, 0.0], dt)
    if dt.kind == "b":
        return np.array([True, False, True])
    lo = -3 if dt.kind == "i" else 0
    return np.arange(lo, lo + 8).astype(dt)


def _check_table_dtypes(fn, ops, a):
    check_table_dtypes(fn, ("a",), (a,), ops)


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=dtype_id)
def test_unary_ufunc_dtypes(dtype):
    _check_table_dtypes(unary_ufuncs, UNARY_OPS, _unary_input(dtype))


@pytest.mark.parametrize("dtype", NUM_DTYPES, ids=dtype_id)
def test_sign_dtypes(dtype):
    _check_table_dtypes(sign_of, SIGN_OPS, _unary_input(dtype))


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=dtype_id)
@FEW
@given(data=st.data())
def test_unary_ufunc_values(dtype, data):
    dt = np.dtype(dtype)
    elements = values_of(dt, small=True) if dt.kind != "f" else st.one_of(
        st.floats(-30, 30, width=dt.itemsize * 8), values_of(dt))
    a = data.draw(hnp.arrays(dt, st.integers(0, 9), elements=elements))
    for fn, ops in [(unary_ufuncs, UNARY_OPS)] + ([(sign_of, SIGN_OPS)] if dt.kind != "b" else []):
        check_table_values(fn, ("a",), (a,), ops)


def ufunc_scalar(x):
    return np.sqrt(x), np.floor(x), np.isnan(x), np.sin(x)


def test_ufuncs_on_scalars_return_scalars():
    for x in [4.0, -2.5, float("nan")]:
        got = compiled(ufunc_scalar)(x)
        with np.errstate(invalid="ignore"):
            exp = ufunc_scalar(x)
        for g, e in zip(got, exp):
            assert_same(g, e)


# ======================================================================
# Broadcasting, fused expressions, layouts
# ======================================================================


def fused(a, b):
    return a * b - 4.1 * a > 2.5 * b


def mixed_expr(a, b):
    return (a + b) * 0.5 - a / (np.abs(b) + 1.0)


def ufunc_expr(a, b):
    return np.maximum(a, b) - np.sqrt(np.abs(a)) + np.floor(b) * 2.0


def neg_expr(a, b):
    return -a + b, -(a - b), a - -b


def int_expr(a, b):
    return a * b - 3 * a > 2 * b, (a + b) // 3, a - b, np.maximum(a, b)


def _float_elements():
    return st.one_of(st.floats(-1e3, 1e3), st.sampled_from([np.nan, np.inf, -np.inf, 0.0, -0.0]))


@SOME
@given(
    shapes=hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=1, max_dims=3, max_side=4),
    la=st.sampled_from(LAYOUTS),
    lb=st.sampled_from(LAYOUTS),
    data=st.data(),
)
def test_broadcast_float_expressions(shapes, la, lb, data):
    sa, sb = shapes.input_shapes
    a = relayout(data.draw(hnp.arrays(np.float64, sa, elements=_float_elements())), la)
    b = relayout(data.draw(hnp.arrays(np.float64, sb, elements=_float_elements())), lb)
    for fn in (fused, mixed_expr, ufunc_expr, neg_expr):
        # layouts of fresh results are checked in test_result_layout
        check_np(fn, a, b, layout=False, signed_zeros=fn is not ufunc_expr)


@FEW
@given(
    shapes=hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=1, max_dims=3, max_side=4),
    data=st.data(),
)
def test_broadcast_int_expressions(shapes, data):
    sa, sb = shapes.input_shapes
    a = data.draw(hnp.arrays(np.int64, sa, elements=values_of(np.int64)))
    b = data.draw(hnp.arrays(np.int64, sb, elements=st.integers(-1000, 1000)))
    check_np(int_expr, a, b, layout=False)


def add(a, b):
    return a + b


def mul(a, b):
    return a * b


@pytest.mark.parametrize(
    "sa, sb",
    [((2, 3), (3,)), ((3, 1), (1, 4)), ((3, 1), (4,)), ((1,), (5,)), ((2, 1, 3), (4, 1)),
     ((0, 3), (3,)), ((0, 3), (1, 3)), ((0,), (1,)), ((2, 0), (2, 1)), ((1, 1), (0,))],
    ids=str,
)
def test_broadcast_shapes(sa, sb):
    a = np.arange(int(np.prod(sa)), dtype=np.float64).reshape(sa) + 0.5
    b = np.arange(int(np.prod(sb)), dtype=np.float64).reshape(sb) * -2.0
    check_np(add, a, b)
    check_np(add, b, a)
    check_np(fused, a, b)


@pytest.mark.parametrize(
    "sa, sb",
    [((3,), (4,)), ((2, 3), (2,)), ((2, 3), (3, 2)), ((0,), (2,)), ((2, 3, 4), (3, 1, 2)), ((4, 1), (3, 2))],
    ids=str,
)
def test_broadcast_errors_raise_value_error(sa, sb):
    a, b = np.ones(sa), np.ones(sb)
    with pytest.raises(ValueError):
        add(a, b)
    with pytest.raises(ValueError):
        compiled(add)(a, b)
    with pytest.raises(ValueError):
        compiled(fused)(a, b)


def test_fused_seed_example():
    a, b = np.arange(1e4), np.arange(1e4)[::-1] * 0.3
    got = check_np(fused, a, b)
    assert got.dtype == np.bool_ and got.shape == (10000,)


@pytest.mark.parametrize(
    "la, lb",
    [("C", "C"), ("strided", "C"), ("reversed", "strided"), ("C", "F"),
     ("F", "F")],
)
def test_result_layout(la, lb):
    base = np.arange(12.0).reshape(3, 4)
    a, b = relayout(base, la), relayout(base * 2, lb)
    check_np(add, a, b)
    check_np(ufunc_expr, a, b, signed_zeros=False)


def test_result_layout_unary_of_f_array():
    a = np.asfortranarray(np.arange(12.0).reshape(3, 4))
    check_np(lambda a: np.sqrt(a) * 2, a)


def test_result_layout_of_transposed_and_mixed():
    # a transposed C array is F-contiguous: NumPy gives F, Numba F too...
    a = np.arange(12.0).reshape(3, 4)
    # ...but mixing F and C inputs gives C in both, and 1-d is both
    check_np(add, np.asfortranarray(a), a)
    check_np(add, np.arange(4.0)[::-1], np.arange(4.0))


# --- 0-d arrays, empty arrays, non-float dtypes


def test_0d_with_1d_broadcasts():
    check_np(add, np.array(2.5), np.arange(3.0))
    check_np(add, np.arange(3.0)[::-1], np.array(-1.0))


def times_two(a):
    return a * 2


def test_0d_arithmetic_gives_a_scalar():
    check_np(add, np.array(2.5), np.array(1.0))
    check_np(times_two, np.array(3))


@pytest.mark.parametrize("shape", [(0,), (0, 3), (3, 0), (2, 0, 4)], ids=str)
def test_elementwise_on_empty(shape):
    a = np.zeros(shape)
    check_np(add, a, a)
    check_np(fused, a, a)
    check_np(unary_ufuncs, a)
    check_np(times_two, a.astype(np.int64))


def bool_ops(a, b):
    return a & b, a | b, ~a, a == b, a != b, a ^ b


def test_bool_arrays():
    a = np.array([True, False, True, False])
    b = np.array([True, True, False, False])
    check_np(bool_ops, a, b)


BOOL_ADD_BUG = (
    "bool array + bool array gives int64 [2, 1, 1, 0] (element-wise int addition); NumPy and "
    "Numba give bool (logical or)"
)


def test_bool_plus_bool():
    a = np.array([True, True, False, False])
    b = np.array([True, False, True, False])
    check_np(add, a, b)
    check_np(mul, a, b)


def complex_ops(a, b):
    return a * b + 1, a - b, a / b, np.abs(a), -a, a == b


def test_complex128_arrays():
    a = np.array([1 + 2j, -0.5j, 3.0, np.inf + 1j])
    b = np.array([3 - 1j, 2.0, 1j, 1 + 1j])
    check_np(complex_ops, a, b)


def test_complex64_arrays():
    a = np.array([1 + 2j, -0.5j, 3.0], dtype=np.complex64)
    check_np(times_two, a)
    check_np(complex_ops, a, a[::-1].copy())


# --- division by zero in arrays: the ufunc semantics, no exception


def divisions(a, b):
    return a / b, a // b, a % b


def true_div_and_mod(a, b):
    return a / b, a % b


def floor_div(a, b):
    return a // b


def scalar_by_array(a):
    return 2.5 / a, 7 // a, 7 % a


def _zero_divisors(dtype):
    dt = np.dtype(dtype)
    a = np.array([1, -1 if dt.kind != "u" else 5, 0, 3]).astype(dt)
    return a, np.array([0, 0, 0, 2]).astype(dt)


@pytest.mark.parametrize("dtype", [np.int64, np.uint64], ids=dtype_id)
def test_integer_division_by_zero_in_arrays(dtype):
    # x // 0 and x % 0 give 0, x / 0 gives inf or nan, and nothing raises
    a, b = _zero_divisors(dtype)
    check_np(divisions, a, b, layout=False)
    if dtype == np.int64:  # 7 // uint64 array: the dtype bug of test_scalar_dtypes
        check_np(scalar_by_array, b, layout=False)


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=dtype_id)
def test_float_division_by_zero_in_arrays(dtype):
    a, b = _zero_divisors(dtype)
    check_np(true_div_and_mod, a, b, layout=False)
    check_np(true_div_and_mod, a, -b, layout=False)


FLOOR_DIV_ZERO_BUG = (
    "float floor division by zero in an array expression gives nan for every element; "
    "NumPy and Numba give +-inf for a nonzero dividend (1.0 // 0.0 == inf) and nan for 0 // 0"
)


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=dtype_id)
def test_float_floor_division_by_zero_in_arrays(dtype):
    a, b = _zero_divisors(dtype)
    check_np(floor_div, a, b, layout=False)


# --- augmented assignment to arrays: in place


def aug_add(a):
    a += 1
    return a


def aug_alias(a):
    b = a
    b *= 2
    return a


def aug_view(a):
    v = a[::2]
    v += 10
    return a


def aug_array(a, b):
    a -= b
    return a


def aug_float_into_int(a):
    a += 1.5
    return a


def test_augmented_assignment_updates_in_place():
    check_mutation(aug_add, lambda: (np.zeros(3),))
    check_mutation(aug_alias, lambda: (np.arange(4.0),))
    check_mutation(aug_view, lambda: (np.arange(7.0),))
    check_mutation(aug_array, lambda: (np.ones((2, 3)), np.arange(3.0)))
    check_mutation(aug_array, lambda: (np.asfortranarray(np.ones((2, 3))), np.arange(3.0)[::-1]))
    a = np.zeros(3)
    r = compiled(aug_add)(a)
    assert a.tolist() == [1.0, 1.0, 1.0] and np.shares_memory(r, a)


AUG_BROADCAST_BUG = (
    "`a *= b` where the result has more dimensions than `a` (1-d a, 2-d b) panics the "
    "compiler: InternalError, index out of bounds in cpu/lower_array.rs map_loop; NumPy "
    "raises ValueError (non-broadcastable output operand)"
)


@numba_lacks("Numba compiles it and writes garbage")
def test_augmented_assignment_that_cannot_broadcast_into_target():
    a, b = np.ones(3), np.ones((2, 3))
    with pytest.raises((ValueError, TypingError)):
        compiled(aug_array)(a, b)


AUG_CAST_BUG = (
    "`a += 1.5` on an int8 array silently truncates into the array; NumPy refuses the "
    "float64 -> int8 'same_kind' cast (UFuncTypeError, a TypeError)"
)


@numba_lacks("Numba fails inside its own typing (AttributeError)")
def test_augmented_assignment_float_into_int_array_is_refused():
    a = np.arange(3, dtype=np.int8)
    with pytest.raises((TypeError, TypingError)):
        compiled(aug_float_into_int)(a)


# ======================================================================
# Arrays returned to Python
# ======================================================================


def make_arange(n):
    return np.arange(n) * 2


def make_2d(n):
    return np.ones((n, 3), np.float32)


def make_view(n):
    a = np.arange(n * 2)
    return a[1::2]


def pair_sum(a):
    return a[1:] + a[:-1]


def test_returned_arrays_are_ordinary_ndarrays():
    for fn, n in [(make_arange, 5), (make_2d, 4), (make_view, 6)]:
        r = compiled(fn)(n)
        exp = fn(n)
        assert type(r) is np.ndarray
        assert r.flags.writeable and r.flags.aligned
        assert r.dtype == exp.dtype and r.shape == exp.shape and r.strides == exp.strides
        r[...] = 7
        assert np.all(r == 7)
        np.add(r, 1, out=r)
        assert np.all(r == 8)
        assert np.array_equal(r.copy(), r)
        # and they go back into compiled code
        check_np(pair_sum, r)
    r = compiled(make_arange)(6)
    import pickle

    assert np.array_equal(pickle.loads(pickle.dumps(r)), r)
    assert np.array_equal(np.frombuffer(r.tobytes(), r.dtype), r)


def inner_make(n):
    return np.arange(n) * 3


_inner_make = njit(inner_make)


def outer_use(n):
    x = _inner_make(n)
    return x[::2] + 1


def test_array_from_a_jitted_callee():
    check_np(outer_use, 7)
    check_np(outer_use, 0)


# ======================================================================
# The seed's sieve
# ======================================================================


def _demo_primes():
    sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent.parent / "kernels"))
    try:
        import demo
    finally:
        sys.path.pop(0)
    return demo.primes


def test_demo_primes_equals_python():
    primes = _demo_primes()
    got = primes()
    exp = primes.py_func()
    assert type(got) is np.ndarray and got.dtype == exp.dtype
    assert np.array_equal(got, exp)
    assert len(got) == 9592 and got[:5].tolist() == [2, 3, 5, 7, 11]


@FEW
@given(n=st.integers(0, 3000))
@example(n=0)
@example(n=2)
@example(n=3)
def test_sieve_any_max(n):
    check_np(_demo_primes().py_func, n)
