"""Sorting and searching inside compiled code, against NumPy on hypothesis-drawn arrays of
every dtype (complex included) and view: np.sort / ndarray.sort / argsort along any axis
and flattened, unique, median, searchsorted on both sides, and the layout conversions
the sorting code leans on (ascontiguousarray, asfortranarray).

Real numbers are sorted by the runtime's native kernels, complex ones by the library's
quicksort; both must give NumPy's order, NaN last. argsort is stable here, which is a
valid answer for every `kind` and equals NumPy's for kind='stable'.
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.array_oracle import ALL_DTYPES, FEW, FLOAT_DTYPES, NUM_DTYPES, SOME, _view, arrays, check
from tests.backend import IS_FERRUMBA, TypingError, numba_lacks
from tests.checks import compiled

COMPLEX_DTYPES = [np.complex64, np.complex128]
SORTABLE = ALL_DTYPES + COMPLEX_DTYPES

# Numba sorts only along the last axis and takes no axis=None or kind= for np.sort.
needs_axes = numba_lacks("sorting along any axis, axis=None and kind=")


@st.composite
def sortable_arrays(draw, dtypes=SORTABLE, min_dims=1, max_dims=3, max_side=6):
    """Arrays with many ties and, for floats and complex, NaN in either part."""
    a = draw(arrays(dtypes=[d for d in dtypes if np.dtype(d).kind != "c"] or FLOAT_DTYPES,
                    min_dims=min_dims, max_dims=max_dims, max_side=max_side, nan=True))
    dtype = draw(st.sampled_from(dtypes))
    if np.dtype(dtype).kind == "c":
        imag = draw(arrays(dtypes=FLOAT_DTYPES, min_dims=a.ndim, max_dims=a.ndim, max_side=max_side, nan=True))
        imag = np.resize(imag, a.shape) if imag.size else np.zeros(a.shape)
        with np.errstate(invalid="ignore"):
            real = a.astype(np.float64)
        z = np.empty(a.shape, dtype=dtype)
        z.real = real
        z.imag = imag
        return _view(z, draw(st.sampled_from(["c", "reversed", "strided", "fortran"])))
    with np.errstate(invalid="ignore"):
        return a.astype(dtype)


# ---------------------------------------------------------------- sort


def sort_default(a):
    return np.sort(a)


def sort_axis(a, axis):
    return np.sort(a, axis)


def sort_flat(a):
    return np.sort(a, axis=None)


def sort_kind(a):
    return np.sort(a, kind="mergesort"), np.sort(a, kind="stable"), np.sort(a, kind="quicksort")


def sort_method(a):
    b = a.copy()
    b.sort()
    return b


def sort_method_axis(a, axis):
    b = a.copy()
    b.sort(axis=axis)
    return b


def sort_view_in_place(a):
    # Sorting a strided view must reorder exactly the viewed elements of the parent.
    b = a.copy()
    v = b[::2]
    v.sort()
    return b


@given(sortable_arrays(max_dims=1, max_side=40))
@SOME
def test_sort_1d(a):
    check(sort_default, a)
    check(sort_method, a)
    check(sort_view_in_place, a)


@given(sortable_arrays())
@SOME
def test_sort_along_last_axis(a):
    check(sort_default, a)
    check(sort_method, a)


@needs_axes
@given(sortable_arrays(), st.data())
@SOME
def test_sort_along_any_axis(a, data):
    axis = data.draw(st.integers(-a.ndim, a.ndim - 1))
    check(sort_axis, a, axis)
    check(sort_method_axis, a, axis)
    check(sort_flat, a)
    check(sort_kind, a)


@needs_axes
def test_sort_axis_out_of_range_raises():
    a = np.arange(6.0).reshape(2, 3)
    check(sort_axis, a, 2)
    check(sort_axis, a, -3)


def test_sort_large_random_arrays_match_numpy():
    # Beyond the small-run insertion sort, with many ties and NaNs.
    rng = np.random.default_rng(3)
    for dtype in (np.int64, np.uint8, np.float32, np.float64, np.complex128):
        a = rng.integers(-50, 50, 5000).astype(dtype)
        if np.dtype(dtype).kind in "fc":
            a[rng.integers(0, a.size, 40)] = np.nan
        if np.dtype(dtype).kind == "c":
            a.imag = rng.integers(-3, 3, a.size)
        got = compiled(sort_default)(a)
        np.testing.assert_array_equal(got, np.sort(a))


# ---------------------------------------------------------------- argsort


def argsort_default(a):
    return np.argsort(a), a.argsort()


def argsort_stable(a):
    return np.argsort(a, kind="stable")


def argsort_axis(a, axis):
    return np.argsort(a, axis=axis, kind="stable")


def argsort_flat(a):
    return np.argsort(a, axis=None, kind="mergesort")


def _assert_sorting_permutation(order, a, axis=-1):
    """`order` sorts `a` along `axis` (any stable or unstable permutation will do)."""
    assert order.dtype == np.int64 and order.shape == a.shape
    np.testing.assert_array_equal(np.sort(order, axis=axis), np.sort(np.argsort(a, axis=axis), axis=axis))
    np.testing.assert_array_equal(np.take_along_axis(a, order, axis=axis), np.sort(a, axis=axis))


@given(sortable_arrays(max_dims=1, max_side=40))
@SOME
def test_argsort_1d(a):
    for order in compiled(argsort_default)(a):
        _assert_sorting_permutation(order, a)
    check(argsort_stable, a)


@needs_axes
@given(sortable_arrays(), st.data())
@SOME
def test_argsort_along_any_axis(a, data):
    check(argsort_axis, a, data.draw(st.integers(-a.ndim, a.ndim - 1)))
    check(argsort_flat, a)


# ---------------------------------------------------------------- unique, median


def unique(a):
    return np.unique(a)


def median(a):
    return np.median(a)


@given(sortable_arrays(max_dims=3, max_side=8))
@SOME
def test_unique(a):
    check(unique, a)


@numba_lacks("median of empty arrays and of large integers (it sums in the integer type)")
@given(arrays(dtypes=NUM_DTYPES, min_dims=1, max_dims=3, max_side=6, nan=True))
@SOME
def test_median(a):
    check(median, a)


@numba_lacks("median of large integers (it sums in the integer type)")
@pytest.mark.parametrize("dtype", [np.uint64, np.int64])
def test_median_of_large_integers_does_not_overflow(dtype):
    a = np.array([np.iinfo(dtype).max - 2, np.iinfo(dtype).max, 0, np.iinfo(dtype).max - 4], dtype=dtype)
    check(median, a)


# ---------------------------------------------------------------- searchsorted


def search_left(a, v):
    return np.searchsorted(a, v), np.searchsorted(a, v, side="left")


def search_right(a, v):
    return np.searchsorted(a, v, side="right")


@numba_lacks("NumPy's order for NaN and complex needles, 0-d needles")
@given(sortable_arrays(dtypes=NUM_DTYPES + COMPLEX_DTYPES, max_dims=1, max_side=20), st.data())
@SOME
def test_searchsorted(a, data):
    a = np.sort(a)
    v = data.draw(sortable_arrays(dtypes=[a.dtype.type], min_dims=0, max_dims=2, max_side=5))
    check(search_left, a, v)
    check(search_right, a, v)
    if v.size:
        scalar = v.ravel()[0]
        check(search_left, a, scalar)
        check(search_right, a, scalar)


@pytest.mark.skipif(not IS_FERRUMBA, reason="ferrumba's message")
def test_searchsorted_unknown_side_is_a_typing_error():
    def bad(a):
        return np.searchsorted(a, 1.0, side="middle")

    with pytest.raises(TypingError, match="searchsorted"):
        compiled(bad)(np.arange(3.0))


# ---------------------------------------------------------------- layouts


def contiguous(a):
    return np.ascontiguousarray(a)


def fortran(a):
    return np.asfortranarray(a)


@given(arrays(dtypes=ALL_DTYPES, min_dims=0, max_dims=3))
@FEW
def test_layout_conversions(a):
    for fn, flag in ((contiguous, "C_CONTIGUOUS"), (fortran, "F_CONTIGUOUS")):
        got = check(fn, a)
        if a.ndim:
            assert got.flags[flag]
