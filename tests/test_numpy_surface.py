"""The rest of issue 4's NumPy surface inside compiled code, where the other files leave
gaps: linspace, eye, identity, arrays from tuples, asarray; the array methods flatten,
ravel, reshape (with -1), transpose/T, astype, fill, item and copy; integer-array and
boolean-mask indexing for reading and writing; the ufuncs fmax, fmin, power, clip,
where (1 and 3 arguments), logical_* and bitwise_* as functions; count_nonzero, diff,
bincount, outer, trace, dot and matmul of every dtype; concatenate, vstack and hstack of
more arrays and shapes; vector norms; histogram with an array of edges, weights=,
density= and range=; and np.random's draws, reproducible after np.random.seed.

Differential, as tests/test_numpy_more.py: each function under test is small, its
inputs are drawn by hypothesis over every integer and float dtype (and bool), empty
arrays, non-contiguous views and negative strides, with NaN where it matters, and its
compiled result is compared with the same function run by NumPy (`check` from
tests/array_oracle.py: same kind, dtype, shape and value, or the same exception class).
np.random is the exception: the compiled generator is its own, so its draws are checked
for reproducibility and against NumPy's shapes, dtypes and ranges.
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tests.array_oracle import (ALL_DTYPES, FEW, FLOAT_DTYPES, INT_DTYPES, NUM_DTYPES, SOME, VIEWS, _view,
                                _values_agree, arrays, check, same)
from tests.backend import IS_FERRUMBA, TypingError, numba_lacks
from tests.checks import compiled

SIGNED_DTYPES = [np.int8, np.int16, np.int32, np.int64]
INTLIKE_DTYPES = INT_DTYPES + [np.bool_]


def _typing_or(exc):
    """An error NumPy raises at run time may be found by the compiler already."""
    return (exc, TypingError)


# ================================================================ creation


def linspace_default(start, stop):
    return np.linspace(start, stop)


def linspace_num(start, stop, num):
    return np.linspace(start, stop, num)


def linspace_open(start, stop, num):
    return np.linspace(start, stop, num, endpoint=False), np.linspace(start, stop, num=num, endpoint=True)


NUMBERS = st.integers(-1000, 1000) | st.floats(-1e6, 1e6, allow_nan=False)


@numba_lacks("linspace's endpoint= and its num=0 edge")
@SOME
@given(start=NUMBERS, stop=NUMBERS, num=st.integers(0, 40))
def test_linspace(start, stop, num):
    check(linspace_default, start, stop)
    check(linspace_num, start, stop, num)
    check(linspace_open, start, stop, num)


@numba_lacks("linspace through infinities and NaN: Numba computes another way")
@pytest.mark.parametrize("start, stop", [(0.0, np.inf), (-np.inf, 1.0), (np.nan, 1.0), (1.0, 1.0), (5e-324, 1e-323)])
@pytest.mark.parametrize("num", [0, 1, 2, 7])
def test_linspace_special_values(start, stop, num):
    check(linspace_num, start, stop, num)
    check(linspace_open, start, stop, num)


def test_linspace_negative_num_raises():
    with pytest.raises(ValueError):
        compiled(linspace_num)(0.0, 1.0, -1)


def eye_n(n):
    return np.eye(n)


def eye_nm(n, m):
    return np.eye(n, m), np.eye(n, M=m)


def eye_k(n, m, k):
    return np.eye(n, m, k), np.eye(n, m, k=k), np.eye(n, M=m, k=k)


def eye_dtypes(n):
    return np.eye(n, dtype=np.int32), np.eye(n, n + 1, 1, np.uint8), np.eye(n, dtype=np.bool_), np.eye(n, dtype=np.float32)


def identity_of(n):
    return np.identity(n), np.identity(n, dtype=np.int8), np.identity(n, np.bool_), np.identity(n, np.float32)


@SOME
@given(n=st.integers(0, 6), m=st.integers(0, 6), k=st.integers(-8, 8))
def test_eye_and_identity(n, m, k):
    check(eye_n, n)
    check(eye_nm, n, m)
    check(eye_k, n, m, k)
    check(eye_dtypes, n)
    check(identity_of, n)


@pytest.mark.parametrize("fn, args", [(eye_n, (-1,)), (eye_nm, (2, -1)), (identity_of, (-2,))],
                         ids=["eye", "eye-m", "identity"])
def test_eye_and_identity_of_negative_sizes_raise(fn, args):
    with pytest.raises(ValueError):
        compiled(fn)(*args)


def array_from_tuple(x, y, z):
    return np.array((x, y, z))


def array_from_nested(x, y):
    return np.array(((x, y), (y, x), (x, x)))


def array_from_tuple_dtype(x, y):
    return np.array((x, y), dtype=np.float32), np.array((x, y), np.int16), np.array([x, y], dtype=np.bool_)


SCALARS = st.integers(-100, 100) | st.floats(-100, 100, allow_nan=False) | st.booleans()


@SOME
@given(x=SCALARS, y=SCALARS, z=SCALARS)
def test_array_from_tuples(x, y, z):
    check(array_from_tuple, x, y, z)
    check(array_from_nested, x, y)
    check(array_from_tuple_dtype, x, y)


def asarray_of(a):
    return np.asarray(a)


def asarray_of_tuple(x, y):
    return np.asarray((x, y)), np.asarray((x, y, x), dtype=np.float64)


@FEW
@given(a=arrays())
def test_asarray_of_an_array_is_the_array(a):
    got = check(asarray_of, a)
    assert np.shares_memory(got, a) or a.size == 0


@FEW
@given(x=SCALARS, y=SCALARS)
def test_asarray_of_tuples(x, y):
    check(asarray_of_tuple, x, y)


# ================================================================ attributes and methods


def attributes(a):
    return a.shape, a.ndim, a.size, a.T.shape, a.itemsize, a.nbytes


def dtype_of(a):
    # The dtype itself, through a creation that takes it.
    return np.zeros(2, a.dtype), np.ones(a.shape, dtype=a.dtype)


@SOME
@given(a=arrays())
def test_attributes(a):
    check(attributes, a)
    check(dtype_of, a)


def transposed(a):
    return a.T, a.transpose(), np.transpose(a)


@SOME
@given(a=arrays())
def test_transpose(a):
    check(transposed, a)


def transposed_by(a, axes):
    return a.transpose(axes), np.transpose(a, axes), a.transpose(*axes)


def transposed_3d_by_constants(a):
    # Axes known when compiling, negative ones included.
    return a.transpose((1, 0, 2)), a.transpose(2, 0, 1), np.transpose(a, (-1, 0, -2)), a.transpose(None)


@SOME
@given(a=arrays(min_dims=1), data=st.data())
def test_transpose_with_axes(a, data):
    axes = data.draw(st.permutations(range(a.ndim)))
    negative = data.draw(st.lists(st.booleans(), min_size=a.ndim, max_size=a.ndim))
    axes = tuple(ax - a.ndim if neg else ax for ax, neg in zip(axes, negative))
    got = check(transposed_by, a, axes)
    if a.size:
        # A view: writing through it writes the argument.
        got[0].flat[0] = got[0].flat[0]
        assert np.shares_memory(got[0], a)


@SOME
@given(a=arrays(min_dims=3, max_dims=3))
def test_transpose_with_constant_axes(a):
    check(transposed_3d_by_constants, a)


@numba_lacks("NumPy's AxisError for an axis out of range (Numba raises ValueError)")
@pytest.mark.parametrize("axes", [(0, 2), (-3, 1)], ids=["too-large", "too-negative"])
def test_transpose_with_axes_out_of_range_raises_as_numpy(axes):
    check(transposed_by, np.ones((2, 3)), axes)


@pytest.mark.parametrize("axes", [(0, 0), (1, 1)], ids=["repeated", "repeated-again"])
def test_transpose_with_repeated_axes_raises_as_numpy(axes):
    check(transposed_by, np.ones((2, 3)), axes)


def transposed_by_too_few(a):
    return a.transpose((1, 0))


@pytest.mark.skipif(not IS_FERRUMBA, reason="ferrumba's typing errors")
def test_transpose_with_the_wrong_number_of_axes_is_a_typing_error():
    with pytest.raises(TypingError, match="axes don't match array"):
        compiled(transposed_by_too_few)(np.ones((2, 3, 4)))


def flat_forms(a):
    return a.ravel(), a.flatten(), np.ravel(a), a.reshape(-1)


@numba_lacks('reshape(-1) of non-contiguous arrays')
@SOME
@given(a=arrays())
def test_ravel_flatten(a):
    got = check(flat_forms, a)
    b = compiled(flat_forms)(a)[1]
    if b.size:  # flatten always copies
        b[0] = not b[0] if b.dtype == np.bool_ else b[0] + 1
        assert not np.array_equal(b, a.ravel())


def reshape_to(a, shape):
    return a.reshape(shape), np.reshape(a, shape)


def reshape_two(a, m, n):
    return a.reshape(m, n)


@st.composite
def reshapes(draw):
    """A contiguous array and a shape of the same size, sometimes with -1, sometimes wrong."""
    a = draw(arrays(max_dims=3, max_side=4))
    a = np.ascontiguousarray(a)
    size = a.size
    divisors = [d for d in range(1, size + 1) if size % d == 0] or [1]
    m = draw(st.sampled_from(divisors))
    shape = [m, size // m] if size else [draw(st.integers(0, 3)), 0]
    how = draw(st.sampled_from(["exact", "first", "second", "wrong"]))
    if how == "first" and size:
        shape[0] = -1
    elif how == "second":
        shape[1] = -1
    elif how == "wrong":
        shape[0] += 1
    return a, tuple(shape)


@numba_lacks("NumPy's checks of reshape's -1 beside a 0, and reshape of non-contiguous arrays")
@SOME
@given(x=reshapes())
def test_reshape(x):
    a, shape = x
    check(reshape_to, a, shape)
    check(reshape_two, a, shape[0], shape[1])
    check(reshape_to, a, (-1,))


def reshape_3d(a):
    return a.reshape(2, -1, 3), a.reshape((-1, 2, 3))


def test_reshape_minus_one_in_the_middle():
    check(reshape_3d, np.arange(24.0))
    check(reshape_3d, np.arange(12, dtype=np.int8))
    with pytest.raises(ValueError):
        compiled(reshape_3d)(np.arange(10.0))


def as_types(a):
    return (a.astype(np.float64), a.astype(np.float32), a.astype(np.int64), a.astype(np.uint8),
            a.astype(np.bool_), a.astype(np.int16), a.astype(a.dtype))


@SOME
@given(a=arrays())
def test_astype(a):
    # Integers wrap into narrower and unsigned types alike; a negative float into an
    # unsigned type is undefined (C's cast), so floats are made non-negative.
    if a.dtype.kind == "f":
        a[...] = np.abs(a)
    check(as_types, a)


def filled(a, v):
    b = a.copy()
    b.fill(v)
    return b


def fill_view(a, v):
    b = a.copy()
    b[::2].fill(v)
    return b


@numba_lacks("fill of 0-d arrays and NumPy's OverflowError for out-of-range Python ints")
@SOME
@given(a=arrays(), v=st.integers(0, 100) | st.floats(-5, 5) | st.booleans())
def test_fill(a, v):
    check(filled, a, v)
    if a.ndim:
        check(fill_view, a, v)


def fill_argument(a, v):
    a.fill(v)


@numba_lacks('fill of 0-d arrays')
@FEW
@given(a=arrays(dtypes=NUM_DTYPES))
def test_fill_writes_through_a_view_argument(a):
    expected = a.copy()
    expected.fill(7)
    compiled(fill_argument)(a, 7)
    same(a, expected)


def item_of(a):
    return a.item()


@SOME
@given(a=arrays(max_dims=3, max_side=2))
def test_item(a):
    check(item_of, a)   # ValueError unless a has one element


def copies(a):
    b = a.copy()
    c = np.copy(a)
    return b, c


@FEW
@given(a=arrays())
def test_copy_method(a):
    b, c = check(copies, a)
    assert not np.shares_memory(b, a) and not np.shares_memory(c, a)


# ================================================================ fancy indexing


def take_indices(a, idx):
    return a[idx]


def put_indices(a, idx, v):
    b = a.copy()
    b[idx] = v
    return b


def put_index_values(a, idx):
    b = a.copy()
    b[idx] = a[idx][::-1]
    return b


def take_mask(a, mask):
    return a[mask]


def put_mask(a, mask, v):
    b = a.copy()
    b[mask] = v
    return b


def put_mask_array(a, mask):
    b = a.copy()
    b[mask] = a[mask][::-1]
    return b


def put_mask_view(a, mask, v):
    # Through a non-contiguous view of a local array.
    b = np.zeros(2 * a.size, a.dtype)
    b[::2][mask] = v
    return b


def put_mask_argument(a, mask, v):
    a[mask] = v


def take_comparison(a):
    return a[a > 3], a[a == a]


@st.composite
def indexed(draw, min_dims=1, max_dims=1):
    a = draw(arrays(min_dims=min_dims, max_dims=max_dims, max_side=6))
    n = a.shape[0]
    k = draw(st.integers(0, 6))
    lo, hi = (-n, n - 1) if n else (0, 0)
    idx = np.array(draw(st.lists(st.integers(lo, hi), min_size=k if n else 0, max_size=k if n else 0)),
                   dtype=draw(st.sampled_from([np.int64, np.int32, np.uint8, np.intp]) if lo >= 0 else st.sampled_from(SIGNED_DTYPES)))
    idx = _view(idx, draw(st.sampled_from(["c", "reversed", "strided"])))
    mask = draw(arrays(dtypes=[np.bool_], min_dims=a.ndim, max_dims=a.ndim, max_side=6))
    mask = np.resize(mask, a.shape) if mask.size else np.zeros(a.shape, np.bool_)
    mask = _view(mask, draw(st.sampled_from(["c", "reversed"])))
    return a, idx, mask


def element_by_tuple(a, t):
    return a[t]


@SOME
@given(a=arrays(min_dims=1, max_dims=3, min_side=1), data=st.data())
def test_a_tuple_of_integers_indexes_as_its_items(a, data):
    full = tuple(data.draw(st.integers(-n, n - 1)) for n in a.shape)
    check(element_by_tuple, a, full)
    if a.ndim > 1:
        check(element_by_tuple, a, full[:-1])   # a view of the last axis


def element_by_0d_indices(a, i, j):
    return a[i, j], a[i][j]


@SOME
@given(a=arrays(min_dims=2, max_dims=2, min_side=1), data=st.data())
def test_0d_integer_arrays_index_as_integers(a, data):
    i = data.draw(st.integers(-a.shape[0], a.shape[0] - 1))
    j = data.draw(st.integers(-a.shape[1], a.shape[1] - 1))
    dtype = data.draw(st.sampled_from([np.int32, np.int64, np.uint8])) if i >= 0 and j >= 0 else np.int64
    check(element_by_0d_indices, a, np.array(i, dtype), np.array(j, dtype))


@SOME
@given(x=indexed())
def test_integer_array_indexing_1d(x):
    a, idx, _ = x
    check(take_indices, a, idx)
    check(put_indices, a, idx, 1)
    check(put_index_values, a, idx)


@numba_lacks('bounds checks of integer-array indices')
def test_integer_array_index_out_of_bounds_raises():
    a = np.arange(5.0)
    check(take_indices, a, np.array([0, 5]))
    check(take_indices, a, np.array([-6]))
    check(put_indices, a, np.array([7]), 1.0)


@numba_lacks('boolean masks of n-d arrays and stores of arrays through masks')
@SOME
@given(x=indexed(min_dims=1, max_dims=3))
def test_boolean_mask_indexing(x):
    a, _, mask = x
    check(take_mask, a, mask)
    check(put_mask, a, mask, 1)
    check(put_mask_array, a, mask)
    check(take_comparison, a)


@numba_lacks('stores through masks into non-contiguous views')
@FEW
@given(x=indexed(min_dims=1, max_dims=3))
def test_boolean_mask_stores_through_views(x):
    a, _, mask = x
    if a.ndim == 1:
        check(put_mask_view, a, mask, 1)
    b = a
    expected = b.copy()
    expected[mask] = 1
    compiled(put_mask_argument)(b, mask, 1)
    same(b, expected, where="argument after the store")


@numba_lacks('IndexError for a mask of another shape')
def test_boolean_mask_of_another_shape_raises():
    a = np.arange(6.0)
    with pytest.raises(IndexError):
        compiled(take_mask)(a, np.ones(5, np.bool_))
    with pytest.raises(IndexError):
        compiled(put_mask)(a, np.ones(7, np.bool_), 1.0)


def take_rows(a, idx):
    return a[idx]


@numba_lacks("integer-array indexing of the first axis of an n-d array")
@FEW
@given(x=indexed(min_dims=2, max_dims=3))
def test_integer_array_indexing_of_rows(x):
    a, idx, _ = x
    check(take_rows, a, idx)


# ================================================================ ufuncs


def extremes_nan(a, b):
    return np.fmax(a, b), np.fmin(a, b), np.maximum(a, b), np.minimum(a, b)


def powers(a, b):
    return np.power(a, b), a ** b


def clip_of(a, lo, hi):
    return np.clip(a, lo, hi)


def clip_method(a, lo, hi):
    return a.clip(lo, hi)


def clip_literals(a):
    # Weak literal bounds take the array's dtype (NumPy 2).
    return np.clip(a, 1, 5), np.clip(a, 2.5, 3.5)


def where3(c, a, b):
    return np.where(c, a, b)


def where3_scalars(c, a):
    return np.where(c, a, 0), np.where(c, 1.5, a)


def where1(c):
    return np.where(c)


def logical(a, b):
    return np.logical_and(a, b), np.logical_or(a, b), np.logical_xor(a, b), np.logical_not(a)


def bitwise(a, b):
    return np.bitwise_and(a, b), np.bitwise_or(a, b), np.bitwise_xor(a, b), np.bitwise_not(a), np.invert(b)


def bit_operators(a, b):
    return a & b, a | b, a ^ b, ~a


@st.composite
def operand_pair(draw, dtypes=NUM_DTYPES, nan=True, same_dtype=False):
    """Two arrays that broadcast (the second maybe of fewer dimensions, or of a length 1)."""
    a = draw(arrays(dtypes=dtypes, min_dims=1, max_dims=3, max_side=4, nan=nan))
    dtype = a.dtype.type if same_dtype else None
    shape = a.shape[draw(st.integers(0, a.ndim)):]
    if shape and draw(st.booleans()):
        shape = (1,) + shape[1:]
    b = draw(arrays(dtypes=[dtype] if dtype else dtypes, min_dims=len(shape), max_dims=len(shape), nan=nan))
    b = np.resize(b, shape) if b.size and int(np.prod(shape)) else np.zeros(shape, b.dtype)
    return a, _view(b, draw(st.sampled_from(VIEWS)))


@SOME
@given(x=operand_pair(dtypes=FLOAT_DTYPES))
def test_fmax_fmin_maximum_minimum_with_nan(x):
    check(extremes_nan, *x)
    check(extremes_nan, x[1], x[0])


@numba_lacks("NumPy's loops for fmax/fmin of mixed dtypes")
@SOME
@given(x=operand_pair(dtypes=NUM_DTYPES, nan=False))
def test_fmax_fmin_mixed_dtypes(x):
    check(extremes_nan, *x)


@numba_lacks("NumPy's result dtype of np.power of mixed dtypes")
@SOME
@given(x=operand_pair(dtypes=FLOAT_DTYPES + [np.int64, np.int32, np.uint8]), data=st.data())
def test_power(x, data):
    a, b = x
    if b.dtype.kind in "iu":
        b = np.abs(b) % 4   # NumPy: integers to negative integer powers are an error
    # NumPy's SIMD pow loops are accurate to about 1 ULP, not correctly rounded as libm's:
    # allow several ULPs of the result's own precision.
    check(powers, a, b, tol=lambda e: np.abs(np.asarray(e[0], np.float64)) * 8 * np.finfo(np.asarray(e[0]).dtype).eps
          if np.asarray(e[0]).dtype.kind == "f" else 0)


def float_functions_with_a_literal(a):
    return np.arctan2(0, a), np.hypot(a, 3), np.copysign(1, a), np.arctan2(a, 0.5)


@numba_lacks("NumPy 2's float32 result of float functions of int16 arrays and literals")
@SOME
@given(a=arrays(dtypes=[np.int16, np.uint16, np.int32, np.int64, np.float32, np.float64]))
def test_float_functions_take_a_weak_literal_at_the_arrays_dtype(a):
    # NumPy 2: np.arctan2(0, int16_array) is float32, with float64 only from wider integers.
    # float32 results: NumPy's float32 loops and ours may round differently in the last bit.
    check(float_functions_with_a_literal, a, tol=lambda e: 4e-7 * max(float(np.abs(np.asarray(x, np.float64)).max(initial=1.0)) for x in e))


def ldexps(x, e):
    return np.ldexp(x, e), np.ldexp(x, 3)


@SOME
@given(x=arrays(dtypes=FLOAT_DTYPES + [np.int16, np.int32, np.int64], nan=True), data=st.data())
def test_ldexp(x, data):
    # Exponents that reach overflow and subnormal results, which must be rounded correctly.
    e = data.draw(hnp.arrays(np.int32, x.shape, elements=st.integers(-1100, 1100)))
    check(ldexps, x, e)
    check(ldexps, x, np.int32(data.draw(st.integers(-1100, 1100))))


@numba_lacks("NumPy 2's dtype of np.clip with scalar bounds, and ndarray.clip")
@SOME
@given(a=arrays(dtypes=NUM_DTYPES, nan=True), lo=st.integers(-10, 10), width=st.integers(0, 20))
def test_clip_with_scalar_bounds(a, lo, width):
    hi = lo + width
    if a.dtype.kind == "u":
        lo, hi = abs(lo), abs(lo) + width
    # Typed scalars (a Python int argument is weak in NumPy, int64 in Numba and here).
    check(clip_of, a, np.int64(lo), np.int64(hi))
    check(clip_of, a, np.float64(lo), np.float64(hi))
    check(clip_method, a, np.int64(lo), np.int64(hi))
    check(clip_literals, a)


@numba_lacks("NumPy's result dtype of np.clip with array bounds")
@SOME
@given(x=operand_pair(dtypes=NUM_DTYPES, nan=True, same_dtype=True))
def test_clip_with_array_bounds(x):
    a, b = x
    check(clip_of, a, b, b + b.dtype.type(3))
    check(clip_of, a, b, np.int64(5))


@st.composite
def condition_and_operands(draw):
    # NumPy's where of 0-d arguments is a 0-d array, here a scalar: 1 dimension or more.
    c = draw(arrays(dtypes=ALL_DTYPES, min_dims=1, max_dims=3, max_side=4, nan=True))
    a = draw(arrays(dtypes=ALL_DTYPES, min_dims=c.ndim, max_dims=c.ndim, max_side=4, nan=True))
    a = np.resize(a, c.shape) if a.size and c.size else np.zeros(c.shape, a.dtype)
    b = draw(arrays(dtypes=ALL_DTYPES, min_dims=c.ndim, max_dims=c.ndim, nan=True))
    b = np.resize(b, c.shape) if b.size and c.size else np.ones(c.shape, b.dtype)
    if c.ndim and draw(st.booleans()):
        b = np.ascontiguousarray(b[..., :1])   # broadcast along the last axis
    return c, _view(a, draw(st.sampled_from(VIEWS))), b


@numba_lacks("NumPy 2's dtype of np.where with a weak scalar, any-dtype conditions")
@SOME
@given(x=condition_and_operands())
def test_where_with_three_arguments(x):
    c, a, b = x
    check(where3, c.astype(np.bool_), a, b)
    check(where3, c, a, b)          # any dtype is a condition
    check(where3_scalars, c.astype(np.bool_), a)


def where_of_scalars(c, x, y):
    return np.where(c, x, y), np.where(True, x, 2.5), np.where(c > 0, 1, 2)


@SOME
@given(c=st.integers(-2, 2), x=st.integers(-5, 5), y=st.floats(-5, 5))
def test_where_of_scalars_and_0d_arrays_is_a_0d_array(c, x, y):
    check(where_of_scalars, c, x, y)
    check(where_of_scalars, np.array(c), np.array(x), np.array(y))


@SOME
@given(c=arrays(dtypes=ALL_DTYPES, min_dims=1, max_dims=3, nan=True))
def test_where_with_one_argument(c):
    check(where1, c)


@SOME
@given(x=operand_pair(dtypes=ALL_DTYPES, nan=True))
def test_logical_functions(x):
    check(logical, *x)


@SOME
@given(x=operand_pair(dtypes=INTLIKE_DTYPES, nan=False, same_dtype=True))
def test_bitwise_functions(x):
    check(bitwise, *x)
    check(bit_operators, *x)


@FEW
@given(x=operand_pair(dtypes=SIGNED_DTYPES + [np.bool_], nan=False))
def test_bitwise_functions_mixed_dtypes(x):
    check(bitwise, *x)


# ================================================================ reductions and friends


def count_nonzero_of(a):
    return np.count_nonzero(a)


@SOME
@given(a=arrays(nan=True))
def test_count_nonzero_whole_array(a):
    check(count_nonzero_of, a)


def diff_default(a):
    return np.diff(a)


def diff_n(a, n):
    return np.diff(a, n)


def diff_keyword(a, n):
    return np.diff(a, n=n)


@numba_lacks('np.diff of booleans and n=0')
@SOME
@given(a=arrays(dtypes=ALL_DTYPES, min_dims=1, max_dims=1, max_side=8, nan=True), n=st.integers(0, 4))
def test_diff_1d(a, n):
    if a.dtype.kind == "u":
        a = np.sort(a)[::-1] if a.size and n % 2 else a   # unsigned differences wrap (both do)
    check(diff_default, a)
    check(diff_n, a, n)
    check(diff_keyword, a, n)


def test_diff_negative_order_raises():
    check(diff_n, np.arange(4.0), -1)


def diff_axis(a, n, axis):
    return np.diff(a, n, axis)


@numba_lacks("np.diff of n-d arrays along any axis")
@SOME
@given(a=arrays(dtypes=NUM_DTYPES + [np.bool_], min_dims=2, max_dims=3, nan=True), n=st.integers(0, 3), data=st.data())
def test_diff_nd(a, n, data):
    check(diff_n, a, n)
    check(diff_axis, a, n, data.draw(st.integers(-a.ndim, a.ndim - 1), label="axis"))


def bincount_of(x):
    return np.bincount(x)


def bincount_min(x, m):
    return np.bincount(x, minlength=m)


def bincount_weighted(x, w):
    return np.bincount(x, w), np.bincount(x, weights=w, minlength=3)


@numba_lacks('np.bincount of booleans and bool weights')
@SOME
@given(x=arrays(dtypes=INTLIKE_DTYPES, min_dims=1, max_dims=1, max_side=12), m=st.integers(0, 70), data=st.data())
def test_bincount(x, m, data):
    check(bincount_of, x)
    check(bincount_min, x, m)
    w = data.draw(arrays(dtypes=NUM_DTYPES + [np.bool_], min_dims=1, max_dims=1, min_side=x.size, max_side=x.size))
    if x.size:   # NumPy's bincount of nothing is int64 even with weights: a type known only at run time
        check(bincount_weighted, x, w)


def test_bincount_of_negative_values_raises():
    check(bincount_of, np.array([1, -1, 2]))
    check(bincount_weighted, np.array([0, 1]), np.array([1.0, 2.0, 3.0]))  # ValueError: lengths differ


def outer_of(a, b):
    return np.outer(a, b)


@numba_lacks("NumPy's dtype of np.outer of mixed and bool arrays")
@SOME
@given(a=arrays(dtypes=ALL_DTYPES, max_dims=2), b=arrays(dtypes=ALL_DTYPES, max_dims=2))
def test_outer(a, b):
    check(outer_of, a, b)


def trace_of(a):
    return np.trace(a), a.trace()


@numba_lacks('np.trace of booleans and ndarray.trace')
@SOME
@given(a=arrays(dtypes=ALL_DTYPES, min_dims=2, max_dims=2, max_side=5, nan=True))
def test_trace(a):
    check(trace_of, a)


def dot_of(a, b):
    return np.dot(a, b)


def matmul_of(a, b):
    return a @ b, np.matmul(a, b)


def vdot_method(a, b):
    return a.dot(b)


@st.composite
def product_operands(draw, dtypes=NUM_DTYPES + [np.bool_]):
    shape = draw(st.sampled_from(["vv", "mv", "vm", "mm"]))
    m, k, n = draw(st.integers(0, 5)), draw(st.integers(0, 5)), draw(st.integers(0, 5))
    sa = (m, k) if shape[0] == "m" else (k,)
    sb = (k, n) if shape[1] == "m" else (k,)
    if draw(st.integers(0, 9)) == 0:
        sb = (sb[0] + 1,) + sb[1:]   # inner dimensions that do not match: ValueError
    da, db = draw(st.sampled_from(dtypes)), draw(st.sampled_from(dtypes))
    rng = np.random.default_rng(draw(st.integers(0, 2**32)))
    a = _view(rng.integers(-5, 6, sa).astype(da) if np.dtype(da).kind != "u" else rng.integers(0, 6, sa).astype(da),
              draw(st.sampled_from(VIEWS)))
    b = _view(rng.integers(-5, 6, sb).astype(db) if np.dtype(db).kind != "u" else rng.integers(0, 6, sb).astype(db),
              draw(st.sampled_from(VIEWS)))
    return a, b


@numba_lacks("matrix products of integer and bool arrays, and of mixed dtypes")
@SOME
@given(x=product_operands())
def test_dot_and_matmul_of_every_dtype(x):
    # Small integer values: every product is exact in any order of summation.
    check(dot_of, *x)
    check(matmul_of, *x)
    check(vdot_method, *x)


@numba_lacks("Numba's matrix products need SciPy's BLAS, not installed here")
@SOME
@given(x=product_operands(dtypes=FLOAT_DTYPES))
def test_dot_and_matmul_of_floats_including_empty(x):
    check(dot_of, *x)
    check(matmul_of, *x)


# ================================================================ joining


def concatenate3(a, b, c):
    return np.concatenate((a, b, c)), np.concatenate((a, b, c), axis=0)


def vstack3(a, b, c):
    return np.vstack((a, b, c))


def hstack3(a, b, c):
    return np.hstack((a, b, c))


def concatenate_one(a):
    return np.concatenate((a,))


@st.composite
def three_1d(draw):
    return tuple(draw(arrays(dtypes=ALL_DTYPES, min_dims=1, max_dims=1, max_side=5)) for _ in range(3))


@SOME
@given(x=three_1d())
def test_joining_three_1d_arrays(x):
    check(concatenate3, *x)
    check(hstack3, *x)
    if x[0].size == x[1].size == x[2].size:
        check(vstack3, *x)
    check(concatenate_one, x[0])


@st.composite
def three_2d(draw, axis):
    rows = draw(st.integers(0, 3))
    out = []
    for _ in range(3):
        other = draw(st.integers(0, 3))
        shape = (other, rows) if axis == 0 else (rows, other)
        a = draw(arrays(dtypes=ALL_DTYPES, min_dims=2, max_dims=2))
        a = np.resize(a, shape) if a.size and other * rows else np.zeros(shape, a.dtype)
        out.append(_view(a, draw(st.sampled_from(VIEWS))))
    return tuple(out)


@SOME
@given(x=three_2d(axis=0))
def test_vstack_and_concatenate_of_2d(x):
    check(vstack3, *x)
    check(concatenate3, *x)


@SOME
@given(x=three_2d(axis=1))
def test_hstack_of_2d(x):
    check(hstack3, *x)


def test_joining_mismatched_shapes_raises():
    check(vstack3, np.ones(2), np.ones(3), np.ones(2))
    check(hstack3, np.ones((2, 2)), np.ones((3, 2)), np.ones((2, 1)))
    check(concatenate3, np.ones((2, 2)), np.ones((2, 3)), np.ones((2, 2)))


# ================================================================ vector norms


def vnorm_ord(x, ord):
    return np.linalg.norm(x, ord)


def vnorm_default(x):
    return np.linalg.norm(x), np.linalg.norm(x, None), np.linalg.norm(x, ord=2)


VECTOR_ORDS = [1, 2, np.inf, -np.inf, 0, 3, 0.5, -1, -2, 1.5]


@numba_lacks('vector norms of integers and of NaN with ord=+-inf')
@SOME
@given(x=arrays(dtypes=NUM_DTYPES + [np.bool_], min_dims=1, max_dims=1, max_side=8, nan=True))
def test_vector_norms(x):
    def tol(e):
        e = np.abs(np.asarray(e, dtype=np.float64))
        with np.errstate(invalid="ignore"):
            return np.nan_to_num(e * (4e-6 if x.dtype == np.float32 else 1e-14), nan=0.0)
    check(vnorm_default, x, tol=tol)
    for ord in VECTOR_ORDS:
        check(vnorm_ord, x, ord, tol=tol)


# ================================================================ histogram


def hist_edges(a, edges):
    return np.histogram(a, edges)


def hist_edges_keyword(a, edges):
    return np.histogram(a, bins=edges)


def hist_edges_range(a, edges):
    # With an array of edges the range is ignored.
    return np.histogram(a, edges, range=(0.0, 1.0))


def hist_weights(a, bins, w):
    return np.histogram(a, bins, weights=w)


def hist_edges_weights(a, edges, w):
    return np.histogram(a, edges, weights=w)


def hist_density(a, bins):
    return np.histogram(a, bins, density=True), np.histogram(a, bins, density=None)


def hist_edges_density(a, edges):
    return np.histogram(a, edges, density=True)


def hist_all(a, bins, lo, hi, w):
    return np.histogram(a, bins=bins, range=(lo, hi), weights=w, density=True)


def hist_range_weights(a, bins, lo, hi, w):
    return np.histogram(a, bins, (lo, hi), weights=w)


@st.composite
def histogram_data(draw, nan=False):
    dtype = draw(st.sampled_from(NUM_DTYPES))
    n = draw(st.integers(0, 40))
    if np.dtype(dtype).kind == "f":
        vals = draw(st.lists(st.integers(-40, 40), min_size=n, max_size=n))
        a = (np.array(vals, dtype=np.float64) * draw(st.sampled_from([0.25, 1.0, 0.1]))).astype(dtype)
        if nan and n:
            a[draw(st.integers(0, n - 1))] = draw(st.sampled_from([np.nan, np.inf, -np.inf]))
    else:
        a = np.array(draw(st.lists(st.integers(0, 40), min_size=n, max_size=n))).astype(dtype)
    return _view(a, draw(st.sampled_from(["c", "reversed", "strided"])))


@st.composite
def edges(draw):
    """Increasing edges (ties allowed) of any real dtype, sometimes not increasing."""
    dtype = draw(st.sampled_from(NUM_DTYPES))
    n = draw(st.integers(1, 8))
    vals = sorted(draw(st.lists(st.integers(-10, 45), min_size=n, max_size=n)))
    if np.dtype(dtype).kind == "u":
        vals = [abs(v) for v in vals]
        vals.sort()
    e = np.array(vals).astype(dtype)
    if np.dtype(dtype).kind == "f":
        e = e + draw(st.sampled_from([0.0, 0.5, 0.05]))
    if n > 1 and draw(st.integers(0, 9)) == 0:
        e = e[::-1].copy()   # decreasing: ValueError
    return _view(e, draw(st.sampled_from(["c", "strided"])))


@st.composite
def weights_for(draw, a):
    dtype = draw(st.sampled_from([np.float64, np.float32, np.int64, np.int32, np.uint8]))
    vals = draw(st.lists(st.integers(0 if np.dtype(dtype).kind == "u" else -5, 9), min_size=a.size, max_size=a.size))
    w = np.array(vals).astype(dtype)
    if np.dtype(dtype).kind == "f":
        w = w * dtype(draw(st.sampled_from([1.0, 0.5, 0.1])))
    return _view(w, draw(st.sampled_from(["c", "reversed"])))


@numba_lacks("histogram with NaN among the values, and edges of another dtype than the values")
@SOME
@given(a=histogram_data(nan=True), e=edges())
def test_histogram_with_an_array_of_edges(a, e):
    check(hist_edges, a, e)
    check(hist_edges_keyword, a, e)
    check(hist_edges_range, a, e)


@numba_lacks("histogram's weights= and density=")
@SOME
@given(a=histogram_data(), bins=st.integers(1, 12), data=st.data())
def test_histogram_weights_and_density(a, bins, data):
    w = data.draw(weights_for(a), label="weights")
    e = data.draw(edges(), label="edges")
    # NumPy sums the weights of an array of edges in the order of its (unstable) argsort,
    # which no other implementation reproduces: float sums may differ by their rounding.
    rounding = len(w) * np.finfo(w.dtype).eps * float(np.abs(w).sum()) if w.dtype.kind == "f" else None
    check(hist_weights, a, bins, w, tol=rounding)
    check(hist_density, a, bins)
    check(hist_edges_weights, a, e, w, tol=rounding)
    check(hist_edges_density, a, e)


@numba_lacks("histogram's weights= and density=")
@SOME
@given(a=histogram_data(nan=True), bins=st.integers(1, 12), lo=st.integers(-20, 20), width=st.integers(0, 40), data=st.data())
def test_histogram_with_range_weights_and_density(a, bins, lo, width, data):
    w = data.draw(weights_for(a), label="weights")
    check(hist_range_weights, a, bins, lo, lo + width, w)
    check(hist_all, a, bins, float(lo), float(lo + width), w)


@numba_lacks("histogram's weights=")
def test_histogram_weights_of_another_shape_raise():
    with pytest.raises(ValueError):
        compiled(hist_weights)(np.arange(4.0), 3, np.ones(3))


def hist_string_bins(a):
    return np.histogram(a, "auto")


def hist_2d_edges(a, e):
    return np.histogram(a, e)


def hist_complex_weights(a, w):
    return np.histogram(a, 3, weights=w)


def hist_density_literals(a):
    # Counts or densities is a matter of type: a literal True/False picks it when compiling.
    return np.histogram(a, 3, density=False), np.histogram(a, 4, density=True), np.histogram(a, density=False, bins=np.array([0.0, 0.5, 2.0]))


@numba_lacks("histogram's density=")
@SOME
@given(a=arrays(dtypes=FLOAT_DTYPES + [np.int64], min_dims=1, max_dims=1, min_side=1))
def test_histogram_density_given_as_a_literal(a):
    check(hist_density_literals, a, tol=1e-12)


def hist_density_variable(a, density):
    return np.histogram(a, 3, density=density)


@pytest.mark.skipif(not IS_FERRUMBA, reason="ferrumba's error for a run-time density=False")
def test_histogram_density_false_as_a_variable_raises():
    # A bool variable's value is known only at run time: densities are the result type.
    f = compiled(hist_density_variable)
    assert np.allclose(f(np.arange(5.0), True)[0], np.histogram(np.arange(5.0), 3, density=True)[0])
    with pytest.raises(TypingError, match="density"):
        f(np.arange(5.0), False)


@pytest.mark.skipif(not IS_FERRUMBA, reason="ferrumba's typing errors")
@pytest.mark.parametrize("fn, args", [
    (hist_string_bins, (np.ones(4),)),
    (hist_2d_edges, (np.ones(4), np.ones((2, 2)))),
    (hist_complex_weights, (np.ones(4), np.ones(4, np.complex128))),
], ids=["string-bins", "2d-edges", "complex-weights"])
def test_unsupported_histogram_arguments_are_typing_errors(fn, args):
    with pytest.raises(TypingError, match="histogram"):
        compiled(fn)(*args)


def uses_fft(a):
    return np.fft.fft(a)


def uses_einsum(a):
    return np.einsum("ij->i", a)


def sorts_by_field(a):
    return np.sort(a, order="x")


def sums_keeping_dims(a):
    return np.sum(a, keepdims=True)


def uses_eig(a):
    return np.linalg.eig(a)


@pytest.mark.skipif(not IS_FERRUMBA, reason="ferrumba's typing errors")
@pytest.mark.parametrize("fn, names", [
    (uses_fft, "numpy.fft"),
    (uses_einsum, "numpy.einsum"),
    (sorts_by_field, r"np.sort\(\) accepts \(array\(float64, 2d, C\), order="),
    (sums_keeping_dims, r"np.sum\(\) accepts \(array\(float64, 2d, C\), keepdims="),
    (uses_eig, "numpy.linalg.eig"),
], ids=["fft", "einsum", "sort-order", "sum-keepdims", "eig"])
def test_unsupported_numpy_calls_name_the_function_and_argument_types(fn, names):
    with pytest.raises(TypingError, match=names):
        compiled(fn)(np.ones((2, 2)))


# ================================================================ np.random


def draws(seed):
    np.random.seed(seed)
    return (np.random.random(), np.random.random(3), np.random.random((2, 2)), np.random.rand(), np.random.rand(4),
            np.random.rand(2, 3), np.random.randn(), np.random.randn(3), np.random.randn(2, 2),
            np.random.normal(), np.random.normal(1.0), np.random.normal(5.0, 0.5), np.random.normal(5.0, 0.5, 4),
            np.random.normal(0.0, 2.0, (2, 2)), np.random.uniform(), np.random.uniform(-2.0, 3.0),
            np.random.uniform(-2.0, 3.0, 5), np.random.uniform(1.0, 2.0, size=(2, 3)),
            np.random.randint(4), np.random.randint(3, 9), np.random.randint(3, 9, 50), np.random.randint(-5, 5, (2, 3)),
            np.random.permutation(7), np.random.choice(5))


def draws_from_arrays(seed, a):
    np.random.seed(seed)
    b = a.copy()
    np.random.shuffle(b)
    return b, np.random.permutation(a), np.random.choice(a)


@pytest.mark.skipif(not IS_FERRUMBA, reason="the generator's stream is ferrumba's own")
@FEW
@given(seed=st.integers(0, 2**32 - 1))
def test_random_draws_are_reproducible_and_shaped_like_numpys(seed):
    f = compiled(draws)
    first, again = f(seed), f(seed)
    expected = draws(seed)
    for i, (x, y, e) in enumerate(zip(first, again, expected)):
        same(x, y, where=f"draw {i} after the same seed")
        # NumPy's kind, shape and dtype (the values are the generator's own).
        assert type(x) is type(e) or (isinstance(e, (int, np.integer)) and isinstance(x, (int, np.integer))) \
            or (isinstance(e, float) and isinstance(x, float)), f"draw {i}: {type(x)}, NumPy {type(e)}"
        assert np.shape(x) == np.shape(e) and np.asarray(x).dtype.kind == np.asarray(e).dtype.kind, f"draw {i}"
    ranges = [(0, 1)] * 6 + [None] * 8 + [(0, 1), (-2, 3), (-2, 3), (1, 2), (0, 4), (3, 9), (3, 9), (-5, 5),
                                          (0, 7), (0, 5)]
    for i, (x, r) in enumerate(zip(first, ranges)):
        if r is not None:
            assert np.all((r[0] <= np.asarray(x)) & (np.asarray(x) < r[1])), f"draw {i} out of {r}"
    assert sorted(first[22].tolist()) == list(range(7))


@pytest.mark.skipif(not IS_FERRUMBA, reason="the generator's stream is ferrumba's own")
@FEW
@given(seed=st.integers(0, 2**32 - 1), a=arrays(dtypes=NUM_DTYPES, min_dims=1, max_dims=1, min_side=1, max_side=8))
def test_random_permutations_of_arrays(seed, a):
    f = compiled(draws_from_arrays)
    b, p, c = f(seed, a)
    b2, p2, c2 = f(seed, a)
    same(b, b2)
    same(p, p2)
    same(c, c2)
    assert b.dtype == p.dtype == a.dtype and sorted(b.tolist()) == sorted(a.tolist()) == sorted(p.tolist())
    assert c in a.tolist()


# ================================================================ complex ufuncs


COMPLEX_UFUNCS = [np.sqrt, np.exp, np.log, np.log10, np.sin, np.cos, np.tan, np.arcsin, np.arccos, np.arctan,
                  np.sinh, np.cosh, np.tanh, np.arcsinh, np.arccosh, np.arctanh]


def complex_ufuncs(z):
    return (np.sqrt(z), np.exp(z), np.log(z), np.log10(z), np.sin(z), np.cos(z), np.tan(z), np.arcsin(z),
            np.arccos(z), np.arctan(z), np.sinh(z), np.cosh(z), np.tanh(z), np.arcsinh(z), np.arccosh(z), np.arctanh(z))


def complex_predicates(z):
    return np.isnan(z), np.isinf(z), np.isfinite(z), np.conj(z), np.conjugate(z)


def conj_method(a):
    return a.conj(), a.conjugate()


def _complex_close(g, e, tol):
    """Part by part: equal (infinities too), both NaN, or within tol."""
    g = np.asarray(g, dtype=np.complex128)
    e = np.asarray(e, dtype=np.complex128)
    ok = np.ones(e.shape, dtype=bool)
    with np.errstate(invalid="ignore"):
        for gp, ep in ((g.real, e.real), (g.imag, e.imag)):
            ok &= (gp == ep) | (np.isnan(gp) & np.isnan(ep)) | (np.abs(gp - ep) <= tol)
    return bool(np.all(ok))


def _complex_tol(exp):
    # NumPy's complex loops (the C library's, or its own for complex64) and cmath's
    # algorithms agree to a few ULPs of each result's magnitude, not bit for bit.
    out = []
    for e in exp:
        e = np.asarray(e)
        eps = np.finfo(np.complex64 if e.dtype == np.complex64 else np.complex128).eps
        out.append(np.abs(e.astype(np.complex128)) * 16 * eps + 16 * eps)
    return tuple(out)


finite_complex = st.complex_numbers(max_magnitude=50, allow_nan=False, allow_infinity=False)


@numba_lacks("NumPy's side of branch cuts for a signed zero part (arccosh(-1-0j))")
@SOME
@given(values=st.lists(finite_complex, max_size=6), dtype=st.sampled_from([np.complex128, np.complex64]), view=st.sampled_from(VIEWS))
def test_complex_ufuncs_on_arrays(values, dtype, view):
    z = _view(np.array(values, dtype=dtype).reshape(-1), view) if values else np.zeros(0, dtype)
    got = compiled(complex_ufuncs)(z)
    with np.errstate(all="ignore"):
        exp = complex_ufuncs(z)
    for fn, g, e, tol in zip(COMPLEX_UFUNCS, got, exp, _complex_tol(exp)):
        assert g.dtype == e.dtype, (fn.__name__, g.dtype, e.dtype)
        assert _complex_close(g, e, tol), (fn.__name__, z, g, e)


@SOME
@given(z=finite_complex)
def test_complex_ufuncs_on_scalars(z):
    got = compiled(complex_ufuncs)(z)
    with np.errstate(all="ignore"):
        exp = complex_ufuncs(z)
    for fn, g, e, tol in zip(COMPLEX_UFUNCS, got, exp, _complex_tol(exp)):
        assert _complex_close(g, e, tol), (fn.__name__, z, g, e)


@pytest.mark.parametrize("z", [0j, 1 + 2j, complex(np.inf, 0), complex(0, -np.inf), complex(np.nan, 1), complex(1, np.nan)], ids=str)
def test_complex_predicates_and_conjugates(z):
    check(complex_predicates, z)
    check(complex_predicates, np.array([z, 1 - 1j], dtype=np.complex64))
    check(complex_predicates, np.array([z, 2.5]))
    check(complex_predicates, 2.5)


@numba_lacks("ndarray.conj() of a 0-d array as a 0-d array")
@SOME
@given(a=arrays(dtypes=FLOAT_DTYPES + [np.int32]))
def test_conj_method_of_real_arrays(a):
    check(conj_method, a)


def arrays_from_lists_and_numbers(lst, x):
    return np.asarray(lst), np.array(lst, dtype=np.float32), np.asarray(x), np.array(x)


@SOME
@given(lst=st.lists(st.integers(-100, 100), min_size=1, max_size=6), x=st.one_of(st.integers(-5, 5), st.floats(-5, 5)))
def test_arrays_from_lists_and_numbers(lst, x):
    check(arrays_from_lists_and_numbers, lst, x)


def complex_parts(z):
    return z.real, z.imag, z.real + 2 * z.imag


def write_complex_parts(z, x):
    z.real[:] = x
    z.imag[0] = -1.0
    return z


@SOME
@given(values=st.lists(finite_complex, min_size=1, max_size=6), dtype=st.sampled_from([np.complex128, np.complex64]), view=st.sampled_from(VIEWS), x=st.floats(-5, 5))
def test_real_and_imag_of_complex_arrays_are_views(values, dtype, view, x):
    z = _view(np.array(values, dtype=dtype), view)
    check(complex_parts, z)
    z_py = z.copy()
    got = compiled(write_complex_parts)(z, x)
    write_complex_parts(z_py, x)
    assert np.array_equal(z, z_py) and np.array_equal(got, z_py)


@numba_lacks("a.imag of non-contiguous real arrays, and NumPy 2's int32 dtype of a.real + 2 * a.imag")
@SOME
@given(a=arrays(dtypes=FLOAT_DTYPES + [np.int32]))
def test_real_and_imag_of_real_arrays(a):
    check(complex_parts, a)


def write_imag_of_real(a):
    a.imag[0] = 1.0
    return a


@pytest.mark.skipif(not IS_FERRUMBA, reason="ferrumba's typing errors")
def test_the_imaginary_part_of_a_real_array_is_read_only():
    with pytest.raises(TypingError, match="readonly"):
        compiled(write_imag_of_real)(np.ones(3))


def masked_stores_with_scalars(a, t, x):
    # Fused into one loop that writes only where the mask holds; the threshold a[0] is the
    # value before any store, as NumPy computes the whole mask first.
    a[a > t] = x
    a[a < a[0]] = x + 1
    a[:] = np.where(a == x, -x, a)
    return a


@numba_lacks("boolean-mask stores into n-d arrays (an assertion inside Numba)")
@SOME
@given(a=arrays(dtypes=FLOAT_DTYPES + [np.int64], min_dims=1, min_side=1, nan=True), t=st.integers(-3, 3), x=st.integers(-2, 2))
def test_fused_masked_stores_write_only_where_the_mask_holds(a, t, x):
    expected = masked_stores_with_scalars(a.copy(), t, x)
    got = compiled(masked_stores_with_scalars)(a, t, x)
    assert _values_agree(got, expected, None) and _values_agree(a, expected, None)
