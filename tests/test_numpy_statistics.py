"""Order statistics and NaN-aware reductions inside compiled code, against NumPy on
hypothesis-drawn arrays of several dtypes and views: percentile / quantile and their
NaN-ignoring forms (q a scalar, an array, a tuple or a list), ptp, nanmedian,
nancumsum / nancumprod, nanargmin / nanargmax, var / std / nanvar / nanstd of complex
arrays, nanmin / nanmax of complex arrays and of tuples, lists and scalars, and the
float32 rounding of mean.

Where Numba and NumPy disagree the tests follow NumPy, except one case ferrumba answers
as Numba does: an integer q, which makes NumPy's quantile pick an element in the array's
integer dtype, gives the same value as float64 (Numba's tests demand it)."""

import warnings

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from tests.array_oracle import ALL_DTYPES, FEW, FLOAT_DTYPES, INT_DTYPES, NUM_DTYPES, SOME, _view, arrays, check, same
from tests.backend import IS_FERRUMBA, IS_NUMBA, TypingError, numba_lacks
from tests.checks import compiled

COMPLEX_DTYPES = [np.complex64, np.complex128]

# Numba answers percentile with a float64 array of q's length, whatever q's shape and
# the array's float type; NumPy keeps q's shape and may compute in float32.
needs_numpy_shapes = numba_lacks("percentile results shaped like q, in NumPy's dtype")
needs_numpy_lerp = numba_lacks("NumPy's _lerp (NaN from an infinity times 0, differences in the array's dtype)")
needs_numpy_nan_parts = numba_lacks("NumPy's choice of NaN in complex min/max/ptp/cumprod")


@st.composite
def complex_arrays(draw, dtypes=COMPLEX_DTYPES, min_dims=0, max_dims=3, min_side=0, views=("c", "reversed", "strided", "fortran", "transposed")):
    """Complex arrays with NaN (and infinities) in either part, through every view."""
    re = draw(arrays(dtypes=[np.float64], min_dims=min_dims, max_dims=max_dims, min_side=min_side, nan=True))
    im = draw(arrays(dtypes=[np.float64], min_dims=re.ndim, max_dims=re.ndim, nan=True))
    im = np.resize(im, re.shape) if im.size else np.zeros(re.shape)
    z = np.empty(re.shape, dtype=draw(st.sampled_from(dtypes)))
    z.real = re
    z.imag = im
    return _view(z, draw(st.sampled_from(views)))


# Which NaN a complex min/max/ptp keeps (its parts show) depends on the order of the
# reduction: NumPy's is memory order, ferrumba's C order, the same for these views.
IN_C_ORDER = ("c", "strided")


def same_parts(got, exp):
    """Complex results agree part by part: which part of a NaN is NaN matters too."""
    same(np.real(got), np.real(exp), where="real part")
    same(np.imag(got), np.imag(exp), where="imaginary part")


def rounding(e, factor=8):
    """`factor` ulps of the result's float type, scaled by the largest finite result."""
    e = np.asarray(e)
    if e.dtype.kind not in "fc":
        return None
    finite = np.abs(e[np.isfinite(e)])
    return factor * float(np.finfo(e.dtype).eps) * (float(finite.max()) if finite.size else 0.0)


# ================================================================ percentile and quantile


def percentile(a, q):
    return np.percentile(a, q)


def nanpercentile(a, q):
    return np.nanpercentile(a, q)


def quantile(a, q):
    return np.quantile(a, q)


def nanquantile(a, q):
    return np.nanquantile(a, q)


QUANTILE_FUNCTIONS = [percentile, nanpercentile, quantile, nanquantile]


def _q_strategy(high):
    """q as a Python number, a tuple, a list, or a float64 / float32 array of 1 or 2 dims."""
    number = st.floats(0, high, allow_nan=False) | st.sampled_from([0.0, high / 2, float(high)])
    many = st.lists(number, min_size=1, max_size=5)
    return st.one_of(
        number,
        many.map(tuple),
        many,
        many.map(np.array),
        many.map(lambda v: np.array(v, dtype=np.float32)),
        st.lists(number, min_size=4, max_size=4).map(lambda v: np.array(v).reshape(2, 2)),
    )


@pytest.mark.parametrize("fn", QUANTILE_FUNCTIONS, ids=lambda f: f.__name__)
@needs_numpy_shapes
@SOME
@given(a=arrays(dtypes=NUM_DTYPES, nan=True, max_dims=3), data=st.data())
def test_quantiles_match_numpy(fn, a, data):
    q = data.draw(_q_strategy(100 if "percentile" in fn.__name__ else 1), label="q")
    if fn.__name__.startswith("nan") and not isinstance(q, float):
        # NumPy answers an empty input with a scalar, and an all-NaN one with an array of
        # a's dtype, where q asks for an array.
        assume(np.any(a == a))
    check(fn, a, q, tol=rounding)


@pytest.mark.parametrize("fn", QUANTILE_FUNCTIONS, ids=lambda f: f.__name__)
@needs_numpy_lerp
@FEW
@given(a=arrays(dtypes=FLOAT_DTYPES, nan=True, min_dims=1, max_dims=1, min_side=1))
def test_quantiles_of_lists_and_tuples(fn, a):
    # The array-like forms Numba's tests use: a list or tuple of numbers for a and q.
    high = 100.0 if "percentile" in fn.__name__ else 1.0
    assume(not fn.__name__.startswith("nan") or np.any(a == a))
    q = [0.0, high / 4, high / 3, high]
    values = [float(x) for x in a]
    check(fn, values, q, tol=rounding)
    check(fn, tuple(values), tuple(q), tol=rounding)


@pytest.mark.parametrize("fn", QUANTILE_FUNCTIONS, ids=lambda f: f.__name__)
@needs_numpy_lerp
def test_quantile_edge_values(fn):
    high = 100 if "percentile" in fn.__name__ else 1
    x = np.arange(8) * 0.5
    for q in (0.0, high / 2, float(high), high / 3):
        check(fn, x, q)
    check(fn, np.arange(12).reshape(3, 4), np.array((0.25, 0.5, 1.0)) * high)
    check(fn, np.array(5.0), high / 2)
    check(fn, 5.0, high / 2)
    check(fn, np.array([1.0, np.inf]), 0.0)      # NumPy's lerp: 1 + (inf - 1) * 0 is NaN
    check(fn, np.array([-np.inf, np.inf]), high / 2)
    check(fn, np.array([-100, 100], dtype=np.int8), high / 2)  # the difference wraps in int8
    a = np.array([2, 3, 4, 1])
    compiled(fn)(a, [high / 2])
    same(a, np.array([2, 3, 4, 1]))


@pytest.mark.parametrize("fn", QUANTILE_FUNCTIONS, ids=lambda f: f.__name__)
def test_quantiles_scalar_results_are_scalars(fn):
    high = 100 if "percentile" in fn.__name__ else 1
    got = compiled(fn)(np.arange(12).reshape(3, 4), high / 2)
    assert np.isscalar(got) and got == 5.5
    got = compiled(fn)(np.arange(5.0), np.array(high / 2))
    assert np.isscalar(got) and got == 2.0


@pytest.mark.parametrize("fn", [quantile, nanquantile], ids=lambda f: f.__name__)
def test_integer_q_gives_the_element_as_float64(fn):
    # NumPy 2 picks the element in the array's integer dtype; Numba gives float64.
    for q in (0, 1, (0, 1)):
        got = compiled(fn)(np.arange(5), q)
        exp = fn(np.arange(5), q)
        same(got, np.asarray(exp).astype(np.float64)[()] if isinstance(q, tuple) else float(exp))
    check(fn, np.arange(5.0), np.array([0, 1]))  # a float array keeps its dtype


@pytest.mark.parametrize("fn", QUANTILE_FUNCTIONS, ids=lambda f: f.__name__)
def test_quantiles_reject_q_out_of_range(fn):
    high = 100 if "percentile" in fn.__name__ else 1
    message = "Percentiles must be in the range [0, 100]" if high == 100 else "Quantiles must be in the range [0, 1]"
    for q in (-high / 20, (high / 100, high / 10, high * 1.05), (high / 100, np.nan), np.nan):
        with pytest.raises(ValueError, match=message.replace("[", r"\[")):
            fn(np.arange(5), q)
        with pytest.raises(ValueError) as info:
            compiled(fn)(np.arange(5), q)
        assert str(info.value) == message


@pytest.mark.parametrize("fn", [percentile, quantile], ids=lambda f: f.__name__)
@numba_lacks("IndexError for an empty array (Numba answers NaN)")
def test_quantiles_of_empty_arrays(fn):
    check(fn, np.zeros(0), 0.5)          # IndexError, as NumPy
    check(nanquantile, np.zeros(0), 0.5)  # NaN
    check(nanquantile, np.array([np.nan, np.nan]), [0.5, 0.25])


def test_quantiles_of_complex_and_bool_arrays_are_typing_errors():
    with pytest.raises(TypingError) as info:
        compiled(percentile)(np.arange(5) * 1j, 0.1)
    if IS_FERRUMBA:
        assert "Not supported for complex dtype" in str(info.value)
    if IS_FERRUMBA:  # Numba reads booleans as numbers; NumPy cannot subtract them
        with pytest.raises(TypingError):
            compiled(quantile)(np.array([True, False]), 0.5)


# ================================================================ ptp


def ptp(a):
    return np.ptp(a)


def ptp_axis(a, axis):
    return np.ptp(a, axis=axis)


@numba_lacks("ptp in the array's dtype (integers wrap)")
@SOME
@given(a=arrays(dtypes=NUM_DTYPES, nan=True, min_side=1))
def test_ptp_matches_numpy(a):
    check(ptp, a)


@numba_lacks("np.ptp along an axis")
@SOME
@given(a=arrays(dtypes=NUM_DTYPES, nan=True, min_dims=1, min_side=1), data=st.data())
def test_ptp_along_an_axis(a, data):
    axis = data.draw(st.integers(-a.ndim, a.ndim - 1), label="axis")
    check(ptp_axis, a, axis)


@needs_numpy_nan_parts
@SOME
@given(a=complex_arrays(min_side=1, views=IN_C_ORDER))
def test_ptp_of_complex_keeps_numpys_nan_parts(a):
    same_parts(compiled(ptp)(a), ptp(a))


@pytest.mark.parametrize("a", [(4, 2, 5), (1,), [2.2, -2.3, 0.1], 6, 6.5, -np.inf, 1 + 4j, [2.2, np.nan], [2.2, np.inf],
                               ((4.1, 2.0, -7.6), (4.3, 2.7, 5.2)), 1 + np.nan * 1j, np.nan + np.nan * 1j, np.nan,
                               np.array([-100, 100], dtype=np.int8)], ids=repr)
def test_ptp_of_array_likes(a):
    if IS_NUMBA and isinstance(a, np.ndarray):
        pytest.skip("Numba differs from the spec: ptp in the array's dtype (integers wrap)")
    got = compiled(ptp)(a)
    same(got, ptp(a))
    if isinstance(a, complex):
        same_parts(got, ptp(a))


def test_ptp_errors():
    with pytest.raises(TypingError):
        compiled(ptp)(np.array([True, False]))
    check(ptp, np.zeros(0))  # ValueError


# ================================================================ nanmedian


def nanmedian(a):
    return np.nanmedian(a)


def nanmedian_axis(a, axis):
    return np.nanmedian(a, axis=axis)


@SOME
@given(a=arrays(dtypes=NUM_DTYPES, nan=True))
def test_nanmedian(a):
    check(nanmedian, a, tol=rounding)


@numba_lacks("np.nanmedian along an axis")
@SOME
@given(a=arrays(dtypes=NUM_DTYPES, nan=True, min_dims=1, min_side=1), data=st.data())
def test_nanmedian_along_an_axis(a, data):
    axis = data.draw(st.integers(-a.ndim, a.ndim - 1), label="axis")
    check(nanmedian_axis, a, axis, tol=rounding)


# ================================================================ nancumsum / nancumprod


def nancumsum(a):
    return np.nancumsum(a)


def nancumprod(a):
    return np.nancumprod(a)


def nancumsum_axis(a, axis):
    return np.nancumsum(a, axis=axis)


def nancumprod_axis(a, axis):
    return np.nancumprod(a, axis=axis)


@pytest.mark.parametrize("fn", [nancumsum, nancumprod], ids=lambda f: f.__name__)
@needs_numpy_nan_parts
@SOME
@given(a=arrays(dtypes=ALL_DTYPES, nan=True) | complex_arrays())
def test_nan_cumulative(fn, a):
    check(fn, a)


@numba_lacks("np.nancumsum/np.nancumprod along an axis")
@pytest.mark.parametrize("fn", [nancumsum_axis, nancumprod_axis], ids=lambda f: f.__name__)
@SOME
@given(a=arrays(dtypes=ALL_DTYPES, nan=True, min_dims=1) | complex_arrays(min_dims=1), data=st.data())
def test_nan_cumulative_along_an_axis(fn, a, data):
    axis = data.draw(st.integers(-a.ndim, a.ndim - 1), label="axis")
    check(fn, a, axis)


def cumulative_methods(a):
    return a.nancumsum()


def test_nan_cumulative_are_not_array_methods():
    with pytest.raises(TypingError):
        compiled(cumulative_methods)(np.ones(3))


# ================================================================ nanargmin / nanargmax


def nanarg_extremes(a):
    return np.nanargmin(a), np.nanargmax(a)


def nanarg_extremes_axis(a, axis):
    return np.nanargmin(a, axis), np.nanargmax(a, axis=axis)


@SOME
@given(a=arrays(dtypes=NUM_DTYPES, nan=True, min_side=1))
def test_nanargmin_nanargmax(a):
    # An all-NaN input raises ValueError; a NaN next to the infinity NumPy replaces it by
    # is found first.
    check(nanarg_extremes, a)


@SOME
@given(a=arrays(dtypes=NUM_DTYPES, nan=True, min_dims=1, min_side=1), data=st.data())
def test_nanargmin_nanargmax_along_an_axis(a, data):
    axis = data.draw(st.integers(-a.ndim, a.ndim - 1), label="axis")
    check(nanarg_extremes_axis, a, axis)


@pytest.mark.parametrize("a", [[np.nan, -np.inf], [np.inf, np.nan], [np.nan, np.inf], [-np.inf, np.nan]], ids=str)
def test_nanarg_ties_with_infinities(a):
    check(nanarg_extremes, np.array(a))


# ================================================================ var / std of complex arrays


def variances(a, ddof):
    return np.var(a, ddof=ddof), np.std(a, ddof=ddof), a.var(ddof=ddof)


def nan_variances(a, ddof):
    return np.nanvar(a, ddof=ddof), np.nanstd(a, ddof=ddof)


def variances_axis(a, axis):
    return np.var(a, axis=axis), np.std(a, axis=axis)


def _variance_tolerance(e):
    # NumPy sums pairwise, ferrumba in order: a few ulps of the squares' sum.
    return rounding(e, factor=64)


@numba_lacks("ddof= for np.var/np.std")
@SOME
@given(a=complex_arrays(), ddof=st.integers(0, 2))
def test_var_std_of_complex(a, ddof):
    check(variances, a, ddof, tol=_variance_tolerance)


@SOME
@given(a=complex_arrays() | arrays(dtypes=NUM_DTYPES, nan=True), ddof=st.integers(0, 2))
def test_nanvar_nanstd(a, ddof):
    check(nan_variances, a, ddof, tol=_variance_tolerance)


@numba_lacks("np.var/np.std along an axis")
@FEW
@given(a=complex_arrays(min_dims=1), data=st.data())
def test_var_std_of_complex_along_an_axis(a, data):
    axis = data.draw(st.integers(-a.ndim, a.ndim - 1), label="axis")
    check(variances_axis, a, axis, tol=_variance_tolerance)


def scalar_variances(x):
    return np.var(x), np.std(x)


@numba_lacks("np.var of scalars")
@pytest.mark.parametrize("x", [2.5, -3, True, np.float32(21.0), np.inf, np.nan], ids=repr)
def test_var_std_of_scalars(x):
    check(scalar_variances, x)


# ================================================================ nanmin / nanmax


def nan_extremes(a):
    return np.nanmin(a), np.nanmax(a)


@needs_numpy_nan_parts
@SOME
@given(a=complex_arrays(min_side=1, views=IN_C_ORDER))
def test_nanmin_nanmax_of_complex(a):
    # NumPy's fmin/fmax: a NaN in either part is skipped; all-NaN gives the first element.
    got = compiled(nan_extremes)(a)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exp = nan_extremes(a)
    for g, e in zip(got, exp):
        same_parts(g, e)


@SOME
@given(a=arrays(dtypes=ALL_DTYPES, nan=True))
def test_nanmin_nanmax_of_real_arrays(a):
    check(nan_extremes, a)


@pytest.mark.parametrize("a", [[1, 6, 4, 2], ((-10, 4, -12), (5, 200, -30)), np.array(3), (2,), 3.142, False,
                               (np.nan, 3.142, -5.2, 3.0), [np.inf, np.nan, -np.inf], [(np.nan, 1.1), (-4.4, 8.7)]],
                         ids=repr)
def test_nanmin_nanmax_of_array_likes(a):
    check(nan_extremes, a)


def extremes(a):
    return np.min(a), np.max(a)


@needs_numpy_nan_parts
@SOME
@given(a=complex_arrays(min_side=1, views=IN_C_ORDER))
def test_min_max_of_complex_keep_the_first_nan(a):
    got = compiled(extremes)(a)
    for g, e in zip(got, extremes(a)):
        same_parts(g, e)


# ================================================================ mean


def mean(a):
    return a.mean()


@pytest.mark.parametrize("dtype", [np.float32, np.complex64])
def test_mean_divides_the_sum_in_double_precision(dtype):
    # 2**24 + 1 is not a float32: NumPy divides by the count as an integer, in float64.
    a = np.zeros(2**24 + 1, dtype=dtype)
    a[0] = 2**24 - 1
    got = compiled(mean)(a)
    assert got == mean(a)


@pytest.mark.parametrize("dtype", FLOAT_DTYPES + COMPLEX_DTYPES + INT_DTYPES[:1])
def test_mean_of_empty_arrays_is_nan(dtype):
    check(mean, np.zeros(0, dtype=dtype))
