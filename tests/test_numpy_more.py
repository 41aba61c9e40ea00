"""More of NumPy inside compiled code: reductions along any axis of arrays of any ndim,
histogram, stacking, argwhere/flatnonzero/nonzero of n-d arrays, matrix norms, indexing
with np.newaxis and `...`, and 0-d results.

Differential, as tests/test_numpy_arrays.py: every compiled result is compared with
the same function run by NumPy (`py_func`), on many inputs drawn by hypothesis across
integer, float and bool dtypes, empty arrays, non-contiguous views and negative strides,
with NaN where it matters. Results must agree in kind (a NumPy scalar is a scalar, an
array an ndarray), dtype, shape and value; where NumPy raises, the compiled function must
raise the same class. Float results are exact except where the order of a sum differs
(NumPy sums pairwise): there a bound on the rounding error is allowed, computed from
the operands.
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tests.array_oracle import ALL_DTYPES, FEW, FLOAT_DTYPES, NUM_DTYPES, SOME, VIEWS, _view, arrays, check, same
from tests.backend import IS_FERRUMBA, TypingError, njit, numba_lacks
from tests.checks import compiled, kind

# Numba 0.68 has little of this surface (axis= on n-d arrays and for min/max/argmin/any/
# all/var, histogram's range handling and edges, n-d nonzero, matrix ords 2/-2/'nuc',
# 0-d scalars, mean/var of empty arrays raise ZeroDivisionError there).
pytestmark = numba_lacks("most of NumPy's surface tested here")

# ================================================================ reductions

# Each reduction as a function, as a method, and along an axis (keyword and positional).


def r_sum(a):
    return np.sum(a), a.sum()


def r_prod(a):
    return np.prod(a), a.prod()


def r_min(a):
    return np.min(a), a.min(), np.amin(a)


def r_max(a):
    return np.max(a), a.max(), np.amax(a)


def r_mean(a):
    return np.mean(a), a.mean()


def r_var(a):
    return np.var(a), a.var()


def r_std(a):
    return np.std(a), a.std()


def r_argmin(a):
    return np.argmin(a), a.argmin()


def r_argmax(a):
    return np.argmax(a), a.argmax()


def r_any(a):
    return np.any(a), a.any()


def r_all(a):
    return np.all(a), a.all()


def r_cumsum(a):
    return np.cumsum(a), a.cumsum()


def r_cumprod(a):
    return np.cumprod(a), a.cumprod()


def x_sum(a, axis):
    return np.sum(a, axis=axis), a.sum(axis)


def x_prod(a, axis):
    return np.prod(a, axis=axis), a.prod(axis=axis)


def x_min(a, axis):
    return np.min(a, axis=axis), a.min(axis), np.amin(a, axis)


def x_max(a, axis):
    return np.max(a, axis=axis), a.max(axis=axis), np.amax(a, axis=axis)


def x_mean(a, axis):
    return np.mean(a, axis=axis), a.mean(axis)


def x_var(a, axis):
    return np.var(a, axis=axis), a.var(axis)


def x_std(a, axis):
    return np.std(a, axis=axis), a.std(axis=axis)


def x_argmin(a, axis):
    return np.argmin(a, axis=axis), a.argmin(axis)


def x_argmax(a, axis):
    return np.argmax(a, axis=axis), a.argmax(axis=axis)


def x_any(a, axis):
    return np.any(a, axis=axis), a.any(axis)


def x_all(a, axis):
    return np.all(a, axis=axis), a.all(axis=axis)


def x_cumsum(a, axis):
    return np.cumsum(a, axis=axis), a.cumsum(axis)


def x_cumprod(a, axis):
    return np.cumprod(a, axis=axis), a.cumprod(axis=axis)


WHOLE = {f.__name__[2:]: f for f in (r_sum, r_prod, r_min, r_max, r_mean, r_var, r_std, r_argmin, r_argmax,
                                      r_any, r_all, r_cumsum, r_cumprod)}
ALONG = {f.__name__[2:]: f for f in (x_sum, x_prod, x_min, x_max, x_mean, x_var, x_std, x_argmin, x_argmax,
                                      x_any, x_all, x_cumsum, x_cumprod)}
NAMES = list(WHOLE)


def _tolerance(name, a, axis):
    """The rounding a reduction may differ by from NumPy's (which sums pairwise and
    multiplies in its own order), or None where the result must be exact."""
    a = np.asarray(a)
    if name not in ("var", "std", "prod") or a.size == 0:
        return None
    fa = np.abs(a.astype(np.float64))
    n = a.size if axis is None else a.shape[axis]
    result = np.result_type(a.dtype, np.float32) if a.dtype.kind == "f" else np.float64
    eps = float(np.finfo(result).eps)
    with np.errstate(all="ignore"):
        if name == "prod":
            if a.dtype.kind != "f":
                return None
            bound = 4 * n * eps * np.prod(fa, axis=axis)
        else:
            bound = 16 * n * eps * (np.max(fa) ** 2) + 1e-300
            if name == "std":
                bound = np.sqrt(bound)
    return np.nan_to_num(bound, nan=np.inf)


@pytest.mark.parametrize("name", NAMES)
@SOME
@given(a=arrays())
def test_whole_array_reductions(name, a):
    # A full reduction of an array of any ndim is a scalar (cumsum/cumprod a 1-d array).
    check(WHOLE[name], a, tol=_tolerance(name, a, None))


@pytest.mark.parametrize("name", NAMES)
@SOME
@given(a=arrays(min_dims=1), data=st.data())
def test_reductions_along_an_axis(name, a, data):
    axis = data.draw(st.integers(-a.ndim, a.ndim - 1), label="axis")
    check(ALONG[name], a, axis, tol=_tolerance(name, a, axis))


@pytest.mark.parametrize("name", NAMES)
@FEW
@given(a=arrays(dtypes=FLOAT_DTYPES, nan=True), data=st.data())
def test_reductions_with_nan_and_infinities(name, a, data):
    check(WHOLE[name], a, tol=_tolerance(name, a, None))
    if a.ndim:
        axis = data.draw(st.integers(-a.ndim, a.ndim - 1), label="axis")
        check(ALONG[name], a, axis, tol=_tolerance(name, a, axis))


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("shape", [(0,), (0, 0), (0, 3), (3, 0), (2, 0, 3), (1, 1, 1, 1)], ids=str)
def test_reductions_of_empty_and_unit_shapes(name, shape):
    # Reducing along an axis of length 0 raises for min/max/argmin/argmax only.
    a = np.ones(shape)
    check(WHOLE[name], a)
    for axis in range(-len(shape), len(shape)):
        check(ALONG[name], a, axis)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("ndim", [0, 1, 3])
def test_axis_out_of_bounds_raises_axis_error(name, ndim):
    a = np.ones((2,) * ndim)
    for axis in (ndim, -ndim - 1, 7):
        check(ALONG[name], a, axis)


def var_ddof(a, axis, ddof):
    return np.var(a, axis=axis, ddof=ddof), np.std(a, axis=axis, ddof=ddof), a.var(ddof=ddof)


@SOME
@given(a=arrays(dtypes=NUM_DTYPES, min_dims=1), data=st.data())
def test_var_and_std_with_ddof(a, data):
    axis = data.draw(st.integers(-a.ndim, a.ndim - 1), label="axis")
    ddof = data.draw(st.integers(0, 3), label="ddof")
    tol = _tolerance("var", a, None)
    check(var_ddof, a, axis, ddof, tol=None if tol is None else np.sqrt(tol) * 4 + tol * 4)


def sums_of_nd(a):
    return a.sum(), np.max(a), a.mean(), np.argmax(a), a.all()


@pytest.mark.parametrize("ndim", [0, 1, 2, 3, 4])
def test_full_reductions_of_nd_arrays_are_scalars(ndim):
    a = np.arange(1.0, 1.0 + 2**ndim).reshape((2,) * ndim)
    got = check(sums_of_nd, a)
    assert all(not isinstance(x, np.ndarray) for x in got)


def sum_axis0_of_1d(a):
    return np.sum(a, axis=0), a.max(axis=-1), np.argmin(a, 0)


def test_axis_reduction_of_1d_is_a_scalar():
    got = check(sum_axis0_of_1d, np.array([3, -1, 2], dtype=np.int16))
    assert all(not isinstance(x, np.ndarray) for x in got)


# ================================================================ histogram


def hist(a, bins):
    return np.histogram(a, bins)


def hist_default(a):
    return np.histogram(a)


def hist_range(a, bins, lo, hi):
    return np.histogram(a, bins, (lo, hi))


def hist_keywords(a, bins, lo, hi):
    return np.histogram(a, bins=bins, range=(lo, hi))


@st.composite
def histogram_input(draw, nan=False):
    dtype = draw(st.sampled_from(NUM_DTYPES))
    n = draw(st.integers(0, 60))
    if np.dtype(dtype).kind == "f":
        scale = draw(st.sampled_from([1e-3, 1.0, 7.0, 1e4]))
        vals = draw(st.lists(st.floats(-100, 100, allow_nan=False, width=32), min_size=n, max_size=n))
        a = (np.array(vals, dtype=np.float64) * scale).astype(dtype)
        if nan and n:
            a[draw(st.integers(0, n - 1))] = draw(st.sampled_from([np.nan, np.inf, -np.inf]))
    else:
        top = draw(st.sampled_from([1, 10, 120]))
        vals = draw(st.lists(st.integers(0, top), min_size=n, max_size=n))
        a = np.array(vals).astype(dtype)
    return _view(a, draw(st.sampled_from(["c", "reversed", "strided"])))


@SOME
@given(a=histogram_input(), bins=st.integers(1, 25))
def test_histogram_bins(a, bins):
    check(hist, a, bins)


@FEW
@given(a=histogram_input())
def test_histogram_default_bins(a):
    check(hist_default, a)


@SOME
@given(a=histogram_input(), bins=st.integers(1, 25),
       lo=st.floats(-150, 150, allow_nan=False), width=st.floats(0, 300, allow_nan=False))
def test_histogram_with_a_range(a, bins, lo, width):
    check(hist_range, a, bins, lo, lo + width)
    check(hist_keywords, a, bins, int(lo), int(lo + width))


@FEW
@given(a=histogram_input(nan=True), bins=st.integers(1, 12))
def test_histogram_of_nan_and_infinity(a, bins):
    # Without a range NaN and infinities raise ValueError; with one they are left out.
    check(hist, a, bins)
    check(hist_range, a, bins, -50.0, 50.0)


@st.composite
def long_histogram_input(draw):
    """Arrays long enough for the blocked passes (min/max in blocks of 256, counting in
    chunks of 1024): normal values, values on a grid (many exactly on bin edges), and
    extremes that are zeros of both signs."""
    dtype = draw(st.sampled_from([np.float64, np.float32, np.int64, np.int16, np.uint8]))
    n = draw(st.integers(500, 3000))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    kind = draw(st.sampled_from(["normal", "grid", "zeros"]))
    if kind == "normal":
        a = rng.standard_normal(n) * draw(st.sampled_from([1e-3, 1.0, 50.0]))
    elif kind == "grid":
        a = rng.integers(0, 41, n) * draw(st.sampled_from([0.25, 0.1, 1.0, 3.0]))
    else:
        a = rng.choice(np.array([0.0, -0.0, 0.5, 1.0, 2.5]), n) * draw(st.sampled_from([1.0, -1.0]))
    if np.dtype(dtype).kind == "u":
        a = np.abs(a)
    a = a.astype(dtype)
    if np.dtype(dtype).kind == "f" and draw(st.booleans()):
        a[draw(st.integers(0, n - 1))] = draw(st.sampled_from([np.nan, np.inf]))
    return a


@FEW
@given(a=long_histogram_input(), bins=st.integers(1, 60),
       lo=st.floats(-60, 60, allow_nan=False), width=st.floats(0, 120, allow_nan=False))
def test_histogram_of_long_arrays(a, bins, lo, width):
    check(hist, a, bins)
    check(hist_range, a, bins, lo, lo + width)


@pytest.mark.parametrize("dtype", NUM_DTYPES, ids=lambda d: np.dtype(d).name)
def test_histogram_edge_cases(dtype):
    same_values = np.full(7, 3, dtype)
    check(hist, same_values, 4)                     # one value: range widened by 0.5
    check(hist_range, same_values, 4, 3, 3)         # an empty range: widened too
    check(hist_range, same_values, 4, 3.0, 3.0)
    check(hist, np.zeros(0, dtype), 3)              # empty: range (0, 1)
    check(hist, np.arange(10).astype(dtype), 0)     # ValueError: bins must be positive
    check(hist, np.arange(10).astype(dtype), -2)
    check(hist_range, np.arange(10).astype(dtype), 3, 5.0, 1.0)   # ValueError: min > max
    check(hist_range, np.arange(10).astype(dtype), 3, 0.0, np.inf)  # ValueError: not finite
    values = np.arange(10).astype(dtype)
    check(hist_range, values, 3, 0, 9)              # the last bin is closed: 9 counts
    check(hist_range, values, 9, 0.5, 8.5)
    check(hist_range, values, 3, 0.0, 1e-47)        # float32 edges collapse: ValueError


# ================================================================ stacking


def stack2(a, b):
    return np.stack((a, b))


def stack3_axis(a, b, axis):
    return np.stack((a, b, a), axis=axis)


def vstack2(a, b):
    return np.vstack((a, b))


def hstack2(a, b):
    return np.hstack((a, b))


def column_stack2(a, b):
    return np.column_stack((a, b))


def concatenate_axis(a, b, axis):
    return np.concatenate((a, b), axis=axis)


def concatenate_flat(a, b):
    return np.concatenate((a, b), axis=None)


@st.composite
def array_pair(draw, same_shape=False, max_dims=3, min_dims=1):
    """Two arrays of the same ndim and (maybe) different dtypes and layouts; their shapes
    agree except along one axis (or everywhere with `same_shape`), sometimes not at all."""
    shape = draw(hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=0, max_side=4))
    other = list(shape)
    axis = draw(st.integers(0, len(shape) - 1))
    if not same_shape:
        other[axis] = draw(st.integers(0, 4))
    if draw(st.integers(0, 9)) == 0:
        other[draw(st.integers(0, len(shape) - 1))] += 1  # shapes that do not fit: ValueError
    dtypes = st.sampled_from(ALL_DTYPES)
    rng = np.random.default_rng(draw(st.integers(0, 2**32)))
    a = (rng.integers(0, 3, shape)).astype(draw(dtypes))
    b = (rng.integers(0, 3, tuple(other))).astype(draw(dtypes))
    return _view(a, draw(st.sampled_from(VIEWS))), _view(b, draw(st.sampled_from(VIEWS))), axis


@FEW
@given(pair=array_pair())
def test_concatenate_along_an_axis(pair):
    a, b, axis = pair
    check(concatenate_axis, a, b, axis)
    check(concatenate_axis, a, b, axis - a.ndim)
    check(concatenate_flat, a, b)


@FEW
@given(pair=array_pair(same_shape=True), data=st.data())
def test_stack(pair, data):
    a, b, _ = pair
    check(stack2, a, b)
    check(stack3_axis, a, b, data.draw(st.integers(-a.ndim - 1, a.ndim), label="axis"))


@FEW
@given(pair=array_pair(max_dims=2))
def test_vstack_hstack_column_stack(pair):
    a, b, _ = pair
    check(vstack2, a, b)
    check(hstack2, a, b)
    if a.ndim <= 2:
        check(column_stack2, a, b)


def test_stacking_1d_with_2d():
    m = np.arange(6.0).reshape(2, 3)
    v = np.arange(3, dtype=np.int32)
    check(vstack2, m, v)
    check(vstack2, v, m[::-1])
    check(column_stack2, m.T, v)
    check(column_stack2, v, v[::-1])
    check(hstack2, v, v[:0])


# ================================================================ where the nonzeros are


def argwhere_of(a):
    return np.argwhere(a)


def flatnonzero_of(a):
    return np.flatnonzero(a)


def nonzero_tuple(a):
    return np.nonzero(a)


def nonzero_method(a):
    return a.nonzero()


def nonzero_indexing(a):
    # The classic use: the nonzero elements, gathered through the index arrays.
    idx = np.nonzero(a)
    return a.ravel()[np.flatnonzero(a)], idx[0]


@SOME
@given(a=arrays(nan=True, max_side=5))
def test_argwhere_flatnonzero_nonzero(a):
    check(argwhere_of, a)
    check(flatnonzero_of, a)
    if a.ndim:
        check(nonzero_tuple, a)
        check(nonzero_method, a)
        check(nonzero_indexing, a)


def test_nonzero_of_0d_is_an_error():
    # NumPy raises ValueError at run time; ferrumba says so when compiling.
    with pytest.raises((ValueError, TypingError)):
        njit(nonzero_tuple)(np.array(1.0))


# ================================================================ matrix norms


def norm_ord(x, ord):
    return np.linalg.norm(x, ord)


def norm_default(x):
    return np.linalg.norm(x), np.linalg.norm(x, None)


def norm_named(x):
    return np.linalg.norm(x, 'fro'), np.linalg.norm(x, ord='nuc')


def norm_bad_name(x):
    return np.linalg.norm(x, 'xyz')


MATRIX_ORDS = [1, -1, np.inf, -np.inf, 2, -2]


def _norm_tolerance(x):
    # LAPACK's SVD and NumPy's pairwise sums against float64 Jacobi rotations and
    # plain sums: a bound relative to the matrix's size.
    scale = float(np.sqrt(np.sum(np.abs(x.astype(np.float64)) ** 2))) if x.size else 0.0
    eps = float(np.finfo(np.float32 if x.dtype == np.float32 else np.float64).eps)
    return 8 * (x.shape[0] + x.shape[1] + 2) * eps * max(scale, 1.0)


@st.composite
def matrices(draw):
    dtype = draw(st.sampled_from([np.float64, np.float32, np.int32, np.int8]))
    m, n = draw(st.integers(0, 6)), draw(st.integers(0, 6))
    rng = np.random.default_rng(draw(st.integers(0, 2**32)))
    x = rng.standard_normal((m, n)) * draw(st.sampled_from([1e-3, 1.0, 50.0]))
    if draw(st.booleans()) and m > 1:
        x[1] = x[0] * 2  # rank deficient
    x = x.astype(dtype) if dtype in FLOAT_DTYPES else np.round(x).clip(-100, 100).astype(dtype)
    return _view(x, draw(st.sampled_from(VIEWS)))


@SOME
@given(x=matrices())
def test_matrix_norms(x):
    tol = _norm_tolerance(x)
    check(norm_default, x, tol=tol)
    check(norm_named, x, tol=tol * max(1, min(x.shape)))
    for ord in MATRIX_ORDS:
        check(norm_ord, x, ord, tol=tol)


def test_matrix_norm_errors():
    x = np.arange(6.0).reshape(2, 3)
    check(norm_ord, x, 3)                    # ValueError: invalid order for matrices
    check(norm_ord, x, 0)
    check(norm_ord, np.zeros((0, 3)), -2)    # ValueError: empty min
    check(norm_ord, np.zeros((3, 0)), 1)
    check(norm_ord, np.zeros((3, 0)), -1)
    check(norm_ord, np.array([[np.nan, 1.0], [1.0, 1.0]]), 2)   # LinAlgError
    check(norm_ord, np.array([[np.inf, 1.0], [1.0, 1.0]]), 2)   # nan
    check(norm_ord, np.array([[np.inf, 1.0], [1.0, np.nan]]), np.inf)
    check(norm_bad_name, x)                 # ValueError: no such order
    check(norm_named, x[0])                 # ValueError: 'fro' is for matrices


# ================================================================ np.newaxis and ...


def column(a):
    return a[:, None]


def row(a):
    return a[None, :]


def last_of(a):
    return a[..., 0]


def first_of(a):
    return a[1, ...]


def everything(a):
    return a[...]


def around(a):
    return a[np.newaxis, ..., np.newaxis]


def mixed(a):
    return a[None, ::-1, None, 1:]


def outer(a, b):
    return a[:, None] * b[None, :]


def outer_sub(a, b):
    return a[:, np.newaxis] - b


def pairwise_distances(p):
    d = p[:, None, :] - p[None, :, :]
    return np.sqrt(np.sum(d * d, axis=-1))


def store_through_ellipsis(a):
    a[..., 0] = 7
    a[...] += 1
    return a


def store_through_newaxis(a, v):
    a[:, None] = v
    return a


VIEW_FUNCS = [column, row, last_of, first_of, everything, around, mixed]


def _expected_view(fn, a):
    try:
        return fn(a), None
    except Exception as exc:  # noqa: BLE001
        return None, exc


@pytest.mark.parametrize("fn", VIEW_FUNCS, ids=lambda f: f.__name__)
@SOME
@given(a=arrays(min_dims=1, min_side=2, max_side=4))
def test_newaxis_and_ellipsis_give_views(fn, a):
    exp, exc = _expected_view(fn, a)
    cfunc = compiled(fn)
    if exc is not None:
        with pytest.raises((type(exc), TypingError)):
            cfunc(a)
        return
    got = cfunc(a)
    same(got, exp)
    # The same view of the same memory: NumPy's strides, NumPy's first element.
    assert got.strides == exp.strides, f"strides {got.strides}, NumPy {exp.strides}"
    assert got.__array_interface__["data"][0] == exp.__array_interface__["data"][0]


@SOME
@given(a=arrays(dtypes=NUM_DTYPES, min_dims=1, max_dims=1, max_side=6),
       b=arrays(dtypes=NUM_DTYPES, min_dims=1, max_dims=1, max_side=6))
def test_newaxis_in_broadcasting_expressions(a, b):
    check(outer, a, b)
    check(outer_sub, a, b)


@FEW
@given(p=arrays(dtypes=FLOAT_DTYPES, min_dims=2, max_dims=2, max_side=5))
def test_pairwise_distances(p):
    check(pairwise_distances, p, tol=lambda e: 1e-5 * (1 + np.abs(e)))


@FEW
@given(a=arrays(dtypes=NUM_DTYPES, min_dims=1, min_side=1))
def test_stores_through_ellipsis_and_newaxis(a):
    base = a.copy()
    exp = store_through_ellipsis(base.copy())
    got = compiled(store_through_ellipsis)(a)
    same(got, exp)
    same(a, exp, where="argument after the call")
    if a.ndim == 1:
        c = np.zeros(a.shape, a.dtype)
        check(store_through_newaxis, c, np.ones((a.shape[0], 1), a.dtype))


def two_ellipses(a):
    return a[..., 0, ...]


def too_many(a):
    return a[0, None, 0]


def test_bad_subscripts_raise():
    a = np.ones((2, 3))
    with pytest.raises((IndexError, TypingError)):
        njit(two_ellipses)(a)
    with pytest.raises((IndexError, TypingError)):
        njit(too_many)(np.ones(3))


# ================================================================ 0-d results


def add(a, b):
    return a + b


def zero_d_ops(a, b):
    return a * b - a, a < b, np.maximum(a, b), a == b


def zero_d_float_ufuncs(a):
    return np.sqrt(a) + a, np.exp(a) / (a + a)


@pytest.mark.parametrize("dtype", NUM_DTYPES, ids=lambda d: np.dtype(d).name)
def test_0d_arithmetic_gives_scalars(dtype):
    # NumPy gives a scalar wherever every operand is 0-d (as Numba gives a Python number).
    a = np.array(3, dtype=dtype)
    b = np.array(2, dtype=dtype)
    got = check(add, a, b)
    assert not isinstance(got, np.ndarray)
    check(add, a, np.arange(3, dtype=dtype))      # 0-d with 1-d: an array
    got = check(zero_d_ops, a, b)
    assert not any(isinstance(x, np.ndarray) for x in got)
    if np.dtype(dtype).kind == "f":
        got = check(zero_d_float_ufuncs, a, tol=lambda e: 4 * np.finfo(dtype).eps * np.abs(e[0]))
        assert not any(isinstance(x, np.ndarray) for x in got)


# ================================================================ typing errors


def hist_string_bins(a):
    return np.histogram(a, "auto")


def sum_float_axis(a):
    return np.sum(a, axis=1.5)


def norm_tuple_ord(x):
    return np.linalg.norm(x, (1, 2))


def stack_mixed_ndim(a, b):
    return np.stack((a, b))


def method_bad_axis(a):
    return a.max(axis=0.5)


@pytest.mark.parametrize("fn, args, name", [
    (hist_string_bins, (np.ones(4),), "histogram"),
    (sum_float_axis, (np.ones((2, 2)),), "sum"),
    (norm_tuple_ord, (np.ones((2, 2)),), "norm"),
    (stack_mixed_ndim, (np.ones(2), np.ones((2, 2))), "stack"),
    (method_bad_axis, (np.ones((2, 2)),), "max"),
], ids=["histogram-edges", "sum-float-axis", "norm-tuple-ord", "stack-mixed-ndim", "method-float-axis"])
def test_unsupported_arguments_are_typing_errors(fn, args, name):
    with pytest.raises(TypingError) as info:
        njit(fn)(*args)
    if IS_FERRUMBA:
        message = str(info.value)
        assert name in message and "float64" in message, message


# ---------------------------------------------------------------- complex ordering


def complex_extremes(a):
    return np.min(a), np.max(a), np.argmin(a), np.argmax(a), a.min(), a.max()


@pytest.mark.parametrize("dtype", [np.complex64, np.complex128])
@SOME
@given(data=st.data())
def test_min_max_of_complex_arrays_order_like_numpy(dtype, data):
    # Real part first, then imaginary part; a NaN in either part wins.
    n = data.draw(st.integers(1, 12))
    parts = st.integers(-2, 2).map(float) | st.just(np.nan)
    re = np.array(data.draw(st.lists(parts, min_size=n, max_size=n)))
    im = np.array(data.draw(st.lists(parts, min_size=n, max_size=n)))
    a = (re + 1j * im).astype(dtype)
    same(njit(complex_extremes)(a), complex_extremes(a))


# ---------------------------------------------------------------- median / count_nonzero along an axis


def median_along(a, axis):
    return np.median(a, axis=axis)


def count_nonzero_along(a, axis):
    return np.count_nonzero(a, axis=axis)


@pytest.mark.parametrize("fn", [median_along, count_nonzero_along])
@SOME
@given(a=arrays(dtypes=NUM_DTYPES, min_dims=1, min_side=1), data=st.data())
def test_median_and_count_nonzero_along_an_axis(fn, a, data):
    axis = data.draw(st.integers(-a.ndim, a.ndim - 1), label="axis")
    same(njit(fn)(a, axis), fn(a, axis))


# ---------------------------------------------------------------- assignment broadcasting


def assign_all(dst, value):
    dst[:] = value
    return dst


@pytest.mark.parametrize("shape, target", [((1, 5), (5,)), ((1, 1, 5), (5,)), ((1, 1), (1,)), ((1, 3, 5), (3, 5)), ((2, 5), (5,))], ids=str)
def test_assigned_values_drop_leading_unit_dimensions_like_numpy(shape, target):
    # NumPy drops leading length-1 dimensions of the value; other extra ones are errors.
    value = np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape)
    try:
        want = assign_all(np.zeros(target), value)
    except ValueError:
        with pytest.raises(ValueError):
            njit(assign_all)(np.zeros(target), value)
        return
    same(njit(assign_all)(np.zeros(target), value), want)


# ---------------------------------------------------------------- reductions of scalars


def scalar_reductions(x):
    return np.max(x), np.min(x), np.sum(x), np.mean(x), np.all(x), np.any(x), np.prod(x), np.argmax(x)


@pytest.mark.parametrize("x", [3, -7, 2.5, float("nan"), True, False, np.float32(1.5), np.int8(-3)], ids=repr)
def test_reductions_of_scalars_reduce_a_one_element_array(x):
    same(njit(scalar_reductions)(x), scalar_reductions(x))


# ---------------------------------------------------------------- np.array from list literals


def arrays_from_lists(x, y):
    return np.array([x, y, 3]), np.array([[x, 1.5], [y, 2]]), np.asarray([x]), np.array([x, y], dtype=np.float32)


@given(x=st.integers(-100, 100), y=st.integers(-100, 100) | st.floats(-10, 10, allow_nan=False))
def test_array_from_list_literals(x, y):
    same(njit(arrays_from_lists)(x, y), arrays_from_lists(x, y))
