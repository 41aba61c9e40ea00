"""NumPy functions beyond the core surface, against NumPy on hypothesis-drawn arrays of
several dtypes and views (empty ones included), and on the array-likes NumPy takes in
their place (numbers, tuples, lists): sinc, angle, tri/tril/triu and the triangle
indices, extract, append, split/array_split, partition, the set operations,
isclose/allclose, bincount of a list, rot90, and a.item() with indices.

Where NumPy's own result is unspecified (the order partition leaves the other elements
in), the check is on what NumPy promises; unsupported arguments must be TypingErrors."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.array_oracle import ALL_DTYPES, FEW, FLOAT_DTYPES, INT_DTYPES, NUM_DTYPES, SOME, arrays, check, same
from tests.backend import IS_NUMBA, TypingError, numba_lacks
from tests.checks import compiled

COMPLEX_DTYPES = [np.complex64, np.complex128]


def float_ulps(n):
    """A rounding bound of n units in the last place of the result's precision (float32
    results differ from NumPy's SIMD loops by an ulp)."""
    def tol(exp):
        dt = np.asarray(exp).dtype
        eps = np.finfo(dt).eps if dt.kind in "fc" else 0
        return n * eps * np.maximum(np.abs(np.asarray(exp)), 1)
    return tol


@st.composite
def complex_arrays(draw, min_dims=0, max_dims=3):
    re = draw(arrays(dtypes=FLOAT_DTYPES, min_dims=min_dims, max_dims=max_dims))
    im = draw(arrays(dtypes=FLOAT_DTYPES, min_dims=re.ndim, max_dims=re.ndim))
    im = np.resize(im, re.shape) if im.size else np.zeros(re.shape)
    return (re + 1j * im).astype(draw(st.sampled_from(COMPLEX_DTYPES)))


# ---------------------------------------------------------------- sinc, angle


def sinc(x):
    return np.sinc(x)


def angle(x):
    return np.angle(x)


def angle_deg(x, deg):
    return np.angle(x, deg)


# NumPy's angle of int8/uint8 arrays is float16, which compiled code lacks.
ANGLE_DTYPES = [d for d in NUM_DTYPES if np.dtype(d).itemsize > 1] + [np.bool_]


@numba_lacks("np.sinc of 0-d arrays and NumPy's result dtypes")
@SOME
@given(a=st.one_of(arrays(dtypes=NUM_DTYPES + [np.bool_], nan=True), complex_arrays()))
def test_sinc_of_arrays(a):
    # complex64: NumPy's single-precision sin is tens of ulps from the rounded complex128 one.
    check(sinc, a, tol=float_ulps(64))


@numba_lacks("np.angle of 0-d arrays and NumPy's result dtypes")
@SOME
@given(a=st.one_of(arrays(dtypes=ANGLE_DTYPES, nan=True), complex_arrays()))
def test_angle_of_arrays(a):
    check(angle, a, tol=float_ulps(2))
    check(angle_deg, a, True, tol=float_ulps(2))
    check(angle_deg, a, False, tol=float_ulps(2))


@pytest.mark.skipif(IS_NUMBA, reason="ferrumba's typing errors")
def test_angle_of_int8_arrays_is_a_typing_error():
    with pytest.raises(TypingError):
        compiled(angle)(np.ones(2, np.int8))


@pytest.mark.parametrize("x", [0, 3, -0.0, 0.5, -5.0, 5e-21, pytest.param(True, marks=numba_lacks("np.sinc of a bool")), 1j, -1 - 1j, 0j, np.float32(0.25), np.complex64(2 - 1j)])
def test_sinc_and_angle_of_numbers(x):
    check(sinc, x, tol=float_ulps(4))
    check(angle, x, tol=float_ulps(2))
    check(angle_deg, x, True, tol=float_ulps(2))


# ---------------------------------------------------------------- triangles


def tri(N, M, k):
    return np.tri(N, M, k)


def tri_n(N):
    return np.tri(N)


def tril(m, k):
    return np.tril(m, k)


def triu(m, k):
    return np.triu(m, k)


def tril_indices(n, k, m):
    return np.tril_indices(n, k, m)


def triu_indices(n, k, m):
    return np.triu_indices(n, k, m)


def triu_indices_m(n, m):
    return np.triu_indices(n, m=m)


def indices_from(a, k):
    return np.tril_indices_from(a, k), np.triu_indices_from(a, k), np.triu_indices_from(a)


@FEW
@given(n=st.integers(-2, 6), m=st.one_of(st.none(), st.integers(-2, 6)), k=st.integers(-7, 7))
def test_tri_and_triangle_indices(n, m, k):
    check(tri, n, m, k)
    check(tri_n, n)
    if n >= 0 and (m is None or m >= 0):
        check(tril_indices, n, k, m)
        check(triu_indices, n, k, m)
        check(triu_indices_m, n, m)


@SOME
@given(a=arrays(dtypes=ALL_DTYPES + COMPLEX_DTYPES, min_dims=1, max_dims=4), k=st.integers(-4, 4))
def test_tril_triu(a, k):
    check(tril, a, k)
    check(triu, a, k)


@FEW
@given(a=arrays(min_dims=2, max_dims=2), k=st.integers(-4, 4))
def test_triangle_indices_from(a, k):
    check(indices_from, a, k)


@numba_lacks("np.tril/np.triu of tuples")
def test_tril_triu_of_nested_tuples():
    check(tril, ((1, 2, 3), (4, 5, 6)), 0)
    check(triu, ((1.5, 2), (4, 5)), 1)


@pytest.mark.parametrize("fn,args,message", [
    (tril_indices, (1.0, 0, None), "n must be an integer"),
    (triu_indices, (1, 0.5, None), "k must be an integer"),
    (triu_indices_m, (1, 1.0), "m must be an integer"),
    (indices_from, (np.ones(3), 0), "input array must be 2-d"),
    (indices_from, (np.ones((2, 2)), 0.5), "k must be an integer"),
])
def test_triangle_argument_errors_are_typing_errors(fn, args, message):
    with pytest.raises(TypingError, match=message):
        compiled(fn)(*args)


# ---------------------------------------------------------------- extract, append


def extract(c, a):
    return np.extract(c, a)


def append(a, v, axis):
    return np.append(a, v, axis)


def append_flat(a, v):
    return np.append(a, v)


@numba_lacks("NumPy's IndexError for a condition longer than the array, and 0-d arrays")
@SOME
@given(a=arrays(dtypes=ALL_DTYPES, nan=True), data=st.data())
def test_extract(a, data):
    # A condition of another dtype and view, shorter than a, as long, or longer (NumPy's
    # IndexError once a nonzero falls beyond a's end).
    size = data.draw(st.integers(0, a.size + 2))
    c = data.draw(arrays(dtypes=ALL_DTYPES, min_dims=1, max_dims=1, min_side=size, max_side=size))
    check(extract, c, a)
    check(extract, a, a)


@pytest.mark.parametrize("c,a", [
    (np.eye(3).flatten(), ((1, 2, 3), (3, 4, 5), (4, 5, 6))),
    ((True, False, np.nan, 1.5j), np.linspace(-2, 10, 6)),
    (1, 1), (0, np.array(4)), (np.array([]), np.array([1, 2, 3])),
])
def test_extract_of_array_likes(c, a):
    check(extract, c, a)


@SOME
@given(a=arrays(dtypes=NUM_DTYPES + [np.bool_], min_dims=1, max_dims=3), data=st.data())
def test_append(a, data):
    v = data.draw(arrays(dtypes=NUM_DTYPES, min_dims=a.ndim, max_dims=a.ndim))
    check(append, a, v, None)
    check(append_flat, a, 2.5)
    # Along an axis the other dimensions must match: give v a's shape there.
    axis = data.draw(st.integers(-a.ndim, a.ndim - 1))
    shape = list(a.shape)
    shape[axis] = data.draw(st.integers(0, 3))
    check(append, a, np.ones(shape, v.dtype), axis)


def test_append_of_numbers():
    check(append, 2, 2, None)
    check(append, np.arange(10).reshape(5, 2), np.arange(3), None)


def test_append_of_arrays_of_other_ndims_along_an_axis_is_a_typing_error():
    with pytest.raises(TypingError):
        compiled(append)(np.ones((2, 2)), np.ones(2), 0)


# ---------------------------------------------------------------- split, array_split


def split(a, indices, axis):
    return np.split(a, indices, axis=axis)


def array_split(a, indices, axis):
    return np.array_split(a, indices, axis=axis)


def same_parts(fn, *args):
    """A list of arrays (compiled) against NumPy's list, or the same exception."""
    try:
        exp = fn(*args)
    except Exception as exc:  # noqa: BLE001 - any exception is a result here
        with pytest.raises(type(exc)):
            compiled(fn)(*args)
        return
    got = compiled(fn)(*args)
    assert len(got) == len(exp)
    for g, e in zip(got, exp):
        same(g, e)


@SOME
@given(a=arrays(min_dims=1, max_dims=3, max_side=6), data=st.data())
def test_split_and_array_split(a, data):
    axis = data.draw(st.integers(-a.ndim, a.ndim - 1))
    sections = data.draw(st.integers(1, 4))
    indices = data.draw(st.lists(st.integers(-8, 8), max_size=4))
    for fn in (split, array_split):
        same_parts(fn, a, sections, axis)
        same_parts(fn, a, np.array(indices, dtype=np.int64), axis)
        if indices:
            same_parts(fn, a, tuple(indices), axis)


@numba_lacks("NumPy's AxisError (Numba raises a plain ValueError)")
def test_split_of_lists_and_tuples_and_errors():
    same_parts(split, list(range(10)), [1, 4, 7], 0)
    same_parts(array_split, tuple(range(10)), 3, 0)
    same_parts(split, np.ones(5), 2, 0)        # not an equal division: ValueError
    same_parts(split, np.ones(5), [3], -3)     # axis out of bounds
    same_parts(array_split, np.ones(5), 0, 0)  # no sections


# ---------------------------------------------------------------- partition


def partition(a, kth):
    return np.partition(a, kth)


@numba_lacks("negative kth down to -n")
@SOME
@given(a=arrays(dtypes=NUM_DTYPES + [np.bool_], min_dims=1, max_dims=3, nan=True), data=st.data())
def test_partition(a, data):
    n = a.shape[-1]
    kth = data.draw(st.one_of(st.integers(-n - 1, n), st.lists(st.integers(-max(n, 1), max(n - 1, 0)), min_size=1, max_size=3)))
    try:
        exp = partition(a, kth)
    except ValueError:
        with pytest.raises(ValueError):
            compiled(partition)(a, kth)
        return
    got = compiled(partition)(a, kth)
    assert got.dtype == exp.dtype and got.shape == exp.shape
    if a.size == 0:
        return
    # What NumPy promises: the kth elements where a sort puts them, none larger before
    # them, none smaller after (NaN sorts last).
    srt = np.sort(a, axis=-1)
    for k in np.atleast_1d(kth):
        same(got[..., k], srt[..., k])
        with np.errstate(invalid="ignore"):
            kv = srt[..., k][..., None]
            k = k % n
            assert not np.any(got[..., :k] > kv)
            if a.dtype.kind != "f":
                assert not np.any(got[..., k + 1:] < kv)


def test_partition_of_array_likes_and_empty_arrays():
    check(partition, np.zeros((3, 2, 1, 0)), 0)
    check(partition, (), 0)
    check(partition, (3, 1, 2), 1)
    check(partition, [3.5, 1.0, 2.0], [0, 2])


# ---------------------------------------------------------------- set operations


def setops(a, b):
    return np.union1d(a, b), np.intersect1d(a, b), np.setdiff1d(a, b), np.setxor1d(a, b)


def membership(a, b):
    return np.isin(a, b), np.isin(a, b, invert=True)


@numba_lacks("Numba 0.68 crashes (a segfault) on some of these arrays")
@SOME
@given(a=arrays(dtypes=NUM_DTYPES + [np.bool_], max_dims=2, nan=True),
       b=arrays(dtypes=NUM_DTYPES + [np.bool_], max_dims=2, nan=True))
def test_set_operations(a, b):
    check(setops, a, b)
    check(membership, a, b)


@pytest.mark.parametrize("a,b", [([1], [2]), ([1, 2, 2], [2, 2, 3]), ([5, 7, 1, 2], [2, 4, 3, 1, 5]),
                                 ((1.5, 2), [2.0]), pytest.param(3, [1, 3], marks=numba_lacks("a number as a set"))])
def test_set_operations_of_lists_tuples_and_numbers(a, b):
    check(setops, a, b)
    check(membership, a, b)


# ---------------------------------------------------------------- isclose, allclose


def close(a, b):
    return np.isclose(a, b), np.isclose(a, b, 1e-3, 0.0, True), np.allclose(a, b)


@numba_lacks("NumPy's isclose of unsigned integers and 0-d arrays")
@SOME
@given(a=arrays(dtypes=NUM_DTYPES, max_dims=2, nan=True), data=st.data())
def test_isclose_allclose(a, data):
    b = data.draw(arrays(dtypes=NUM_DTYPES, min_dims=a.ndim, max_dims=a.ndim, nan=True))
    b = np.resize(b, a.shape).astype(b.dtype) if b.size else np.zeros(a.shape, b.dtype)
    check(close, a, b)
    check(close, a, a)
    check(close, a, 1.0)


def test_allclose_of_numbers():
    check(close, 1.0, 1.0 + 1e-10)
    check(close, np.inf, np.inf)
    check(close, np.nan, np.nan)


# ---------------------------------------------------------------- bincount, item


def bincount(x):
    return np.bincount(x)


def test_bincount_of_a_list():
    check(bincount, [2, 1, 1, 0])
    check(bincount, [2, -1])   # ValueError


def item_flat(a, k):
    return a.item(k)


def item_nd(a, i, j):
    return a.item(i, j), a.item((i, j))


@numba_lacks("a.item() with indices")
@SOME
@given(a=arrays(dtypes=ALL_DTYPES, min_dims=1, max_dims=3, min_side=1), data=st.data())
def test_item_with_a_flat_index(a, data):
    check(item_flat, a, data.draw(st.integers(-a.size - 1, a.size)))


@numba_lacks("a.item() with indices")
@SOME
@given(a=arrays(dtypes=ALL_DTYPES, min_dims=2, max_dims=2, min_side=1), data=st.data())
def test_item_with_one_index_per_dimension(a, data):
    i = data.draw(st.integers(-a.shape[0] - 1, a.shape[0]))
    j = data.draw(st.integers(-a.shape[1] - 1, a.shape[1]))
    check(item_nd, a, i, j)


# ---------------------------------------------------------------- rot90


def rot90(m, k):
    return np.rot90(m), np.rot90(m, k)


@SOME
@given(a=arrays(dtypes=ALL_DTYPES, min_dims=2, max_dims=4), k=st.integers(-5, 5))
def test_rot90(a, k):
    got = check(rot90, a, k)
    exp = rot90(a, k)
    # Views, as NumPy's: the same strides (where they matter: dimensions longer than 1).
    def strides(x):
        return [s for s, n in zip(x.strides, x.shape) if n > 1] if x.size else []

    assert [strides(g) for g in got] == [strides(e) for e in exp]


def test_rot90_of_a_vector_is_a_typing_error():
    with pytest.raises(TypingError):
        compiled(rot90)(np.ones(3), 1)
