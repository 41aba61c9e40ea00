"""Order statistics and NaN-aware extras: percentile, quantile and their NaN-ignoring
forms (NumPy's default 'linear' method), ptp, nanmedian, nancumsum/nancumprod, and
nanmin/nanmax of array-likes (tuples, lists, scalars).

Result dtypes are NumPy's (but for quantiles of integers at an integer q, float64 as in
Numba): the typing functions ask NumPy itself what its function gives for a sample of the
argument types, so the mixed-precision rules of percentile (q divided in the array's float
type, or in q's) need no table here."""

import warnings

import numpy as np

from . import _native, types
from ._np_reductions import _add, _axis_impl, _cumulative, _mul, _result_dtype
from ._np_shapes import _is_array, _no_axis, _normalize_axis
from .errors import TypingError
from .extending import overload, overload_method, register_jitable


# ---- array-likes --------------------------------------------------------------------------

def _dtype_of(t):
    """The NumPy dtype of the scalar type t, or None."""
    if isinstance(t, (types.Number, types.Boolean)):
        return np.dtype(t.name)
    return None


def _leaf_dtype(t):
    """The dtype np.asarray gives a (nested) tuple of numbers of type t, or None."""
    if isinstance(t, types.BaseTuple):
        leaves = [_leaf_dtype(i) for i in t]
        if not leaves or any(d is None for d in leaves):
            return None
        return np.result_type(*leaves)
    return _dtype_of(t)


@register_jitable
def _list_to_1d(a, dtype):
    out = np.empty(len(a), dtype=dtype)
    for i in range(len(a)):
        out[i] = a[i]
    return out


def _array_like(t):
    """A jitable converting a value of type t to an array as np.asarray does (a scalar to a
    0-d array), or None for types NumPy would not read as numbers."""
    if _is_array(t):
        return register_jitable(lambda a: a)
    if isinstance(t, (types.Number, types.Boolean)):
        return register_jitable(lambda a: np.full((), a))
    if isinstance(t, types.BaseTuple):
        if _leaf_dtype(t) is None:
            return None
        if len(t) == 0:
            return None
        return register_jitable(lambda a: np.asarray(a))
    if isinstance(t, types.List):
        item = t.dtype
        if isinstance(item, (types.Number, types.Boolean)):
            dtype = getattr(np, np.dtype(item.name).name)
            return register_jitable(lambda a: _list_to_1d(a, dtype))
        if isinstance(item, types.BaseTuple) and len(item) and all(isinstance(i, (types.Number, types.Boolean)) for i in item):
            dtype = getattr(np, _leaf_dtype(item).name)
            width = len(item)

            def rows(a):
                out = np.empty((len(a), width), dtype=dtype)
                for i in range(len(a)):
                    row = a[i]
                    for j in range(width):
                        out[i, j] = row[j]
                return out

            return register_jitable(rows)
    return None


def _array_like_dtype(t):
    if _is_array(t):
        return np.dtype(t.dtype.name)
    if isinstance(t, types.List):
        return _leaf_dtype(t.dtype)
    return _leaf_dtype(t)


def _sample(t):
    """A value NumPy would see for an argument of type t: scalars as Python numbers (NumPy's
    weak scalars), arrays as arrays of their dtype."""
    if isinstance(t, types.Boolean):
        return False
    if isinstance(t, types.Integer):
        return 0
    if isinstance(t, types.Float):
        return 0.0
    if _is_array(t):
        return np.zeros((1,) * t.ndim, dtype=t.dtype.name)
    if isinstance(t, types.BaseTuple):
        return tuple(_sample(i) for i in t)
    if isinstance(t, types.List):
        return [_sample(t.dtype)]
    return None


def _is_scalar_q(q):
    return isinstance(q, (types.Number, types.Boolean)) or (_is_array(q) and q.ndim == 0)


# ---- percentile and quantile --------------------------------------------------------------

def _quantile_dtypes(name, a_dtype, q):
    """(dtype NumPy divides and interpolates q in, dtype of its result) for np.<name> of an
    array of a_dtype, or None where NumPy raises for these types."""
    sample = _sample(q)
    if sample is None:
        return None
    if name.endswith("percentile"):
        divisor = a_dtype.type(100) if a_dtype.kind == "f" else 100
        work = np.asarray(np.true_divide(sample, divisor)).dtype
    elif isinstance(sample, (int, float)) and a_dtype.kind == "f":
        work = a_dtype
    else:
        work = np.asarray(sample).dtype
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = np.asarray(getattr(np, name)(np.arange(3).astype(a_dtype), sample)).dtype
    except TypeError:
        return None
    return work, result


def _lerp_value(G, R, A, inexact):
    """The 'linear' quantile of the sorted 1-d array s at fraction x (in G), as NumPy's
    _lerp gives it in R from elements of A."""

    @register_jitable
    def value(s, x):
        n = s.size
        if n == 0 or (inexact and s[n - 1] != s[n - 1]):
            return R(np.nan)
        # NumPy's _lerp between the neighbours of the virtual index (n - 1) * x, whose
        # fraction is measured from index -1 (the last element) past the end.
        vi = G(n - 1) * x
        if vi >= G(n - 1):
            lo = n - 1
            hi = n - 1
            gamma = G(np.float64(vi) + 1.0)
        else:
            lo = int(vi)
            hi = lo + 1
            gamma = G(np.float64(vi) - lo)
        diff = R(A(s[hi] - s[lo]))
        if gamma >= 0.5:
            return R(s[hi]) - diff * R(G(1) - gamma)
        return R(s[lo]) + diff * R(gamma)

    return value


def _register_quantile(name):
    skip_nan = name.startswith("nan")
    scale = 100 if name.endswith("percentile") else 1
    message = "Percentiles must be in the range [0, 100]" if scale == 100 else "Quantiles must be in the range [0, 1]"

    def typing(a, q, axis=None):
        if not _no_axis(axis):
            return None
        to_array = _array_like(a)
        q_array = _array_like(q)
        if to_array is None or q_array is None:
            return None
        a_dtype = _array_like_dtype(a)
        if a_dtype is None or _array_like_dtype(q) is None:
            return None
        if a_dtype.kind == "c":
            # NumPy raises TypeError here; the message is Numba's.
            raise TypingError("Not supported for complex dtype")
        dtypes = _quantile_dtypes(name, a_dtype, q)
        if dtypes is None:
            return None
        G = getattr(np, dtypes[0].name)
        # NumPy keeps an integer dtype where an integer q picks an element; Numba (and its
        # tests) answer float64 always: the same value, in Numba's type.
        R = np.float64 if dtypes[1].kind in "biu" else getattr(np, dtypes[1].name)
        A = getattr(np, a_dtype.name)
        taken = dtypes[0].kind in "biu"
        inexact = a_dtype.kind == "f"

        if scale == 1:
            fraction = register_jitable(lambda x: G(x))
        else:
            fraction = register_jitable(lambda x: G(x) / G(scale))

        @register_jitable
        def fractions(q):
            flat = q_array(q).ravel()
            out = np.empty(flat.size, dtype=G)
            for i in range(flat.size):
                x = fraction(flat[i])
                if not (0 <= x <= 1):
                    raise ValueError(message)
                out[i] = x
            return out

        @register_jitable
        def sorted_values(a):
            flat = to_array(a).ravel()
            if skip_nan and inexact:
                s = flat[flat == flat]
            else:
                s = flat.copy()
            if s.size == 0:
                if not skip_nan:
                    # NumPy indexes the last element of the empty partition.
                    raise IndexError("index -1 is out of bounds for axis 0 with size 0")
            else:
                _native.sort(s)
            return s

        if taken:
            # An integer q (0 or 1) picks an element, with no interpolation.
            @register_jitable
            def picked(s, x):
                n = s.size
                if n == 0 or (inexact and s[n - 1] != s[n - 1]):
                    return R(np.nan)
                return R(s[(n - 1) * x])

            value = picked
        else:
            value = _lerp_value(G, R, A, inexact)

        if _is_scalar_q(q):
            def scalar(a, q, axis=None):
                x = fractions(q)[0]
                return value(sorted_values(a), x)

            return scalar

        def impl(a, q, axis=None):
            xs = fractions(q)
            s = sorted_values(a)
            out = np.empty(xs.size, dtype=R)
            for i in range(xs.size):
                out[i] = value(s, xs[i])
            return out.reshape(q_array(q).shape)

        return impl

    overload(getattr(np, name))(typing)


for _name in ("percentile", "nanpercentile", "quantile", "nanquantile"):
    _register_quantile(_name)


# ---- ptp ----------------------------------------------------------------------------------

def _ptp(a, axis=None):
    """max - min in the array's dtype (integers wrap, as NumPy's subtract does)."""
    to_array = _array_like(a)
    dtype = _array_like_dtype(a)
    if to_array is None or dtype is None:
        return None
    if dtype.kind == "b":
        raise TypingError("Boolean dtype is unsupported (as per NumPy)")
    D = getattr(np, dtype.name)
    if _no_axis(axis):
        def whole(a, axis=None):
            b = to_array(a)
            return D(np.max(b) - np.min(b))

        return whole
    if not isinstance(axis, types.Integer) or not _is_array(a):
        return None
    if a.ndim <= 1:
        # NumPy's max/min of a 1-d (or 0-d) array along axis 0 or -1 is a scalar.
        def scalar(a, axis=None):
            _normalize_axis(axis, 1)
            return D(np.max(a) - np.min(a))

        return scalar

    def along(a, axis=None):
        return (np.max(a, axis) - np.min(a, axis)).astype(D)

    return along


overload(np.ptp)(_ptp)
if hasattr(np.ndarray, "ptp"):
    # NumPy 2 removed the method; older NumPy (and Numba with it) has it.
    overload_method(types.Array, "ptp")(_ptp)


# ---- nanmedian ----------------------------------------------------------------------------

def _nanmedian_whole(a):
    T = _result_dtype("nanmedian", a.dtype)

    def impl(a, axis=None):
        flat = a.ravel()
        s = flat[flat == flat]
        n = s.size
        if n == 0:
            return T(np.nan)
        _native.sort(s)
        half = n // 2
        if n % 2 == 1:
            return T(s[half])
        # NumPy takes the mean of the middle two: a sum in T, divided in float64.
        return T(np.float64(T(s[half - 1]) + T(s[half])) / 2.0)

    return impl


@overload(np.nanmedian)
def _nanmedian(a, axis=None):
    if not _is_array(a) or isinstance(a.dtype, types.Complex):
        return None
    if _no_axis(axis):
        return _nanmedian_whole(a)
    if isinstance(axis, types.Integer):
        return _axis_impl("nanmedian", _nanmedian_whole, a)
    return None


# ---- NaN-ignoring cumulative sums and products ---------------------------------------------

@register_jitable
def _start_if_nan(x, start):
    # NumPy replaces NaN by 0 (1) before summing (multiplying): (inf+0j) * (1+0j) has a
    # NaN part. x != x holds for a complex number with a NaN in either part, as np.isnan.
    if x != x:
        return start
    return x


_cumulative("nancumsum", 0, _add, method=False, lead=_start_if_nan)
_cumulative("nancumprod", 1, _mul, method=False, lead=_start_if_nan)


# ---- nanmin / nanmax of array-likes ---------------------------------------------------------

def _nan_extreme_of_array_like(name):
    def typing(a, axis=None):
        if _is_array(a) or not _no_axis(axis):
            return None
        to_array = _array_like(a)
        if to_array is None:
            return None
        reduce = getattr(np, name)

        def impl(a, axis=None):
            return reduce(to_array(a))

        return impl

    overload(getattr(np, name))(typing)


_nan_extreme_of_array_like("nanmin")
_nan_extreme_of_array_like("nanmax")
