"""Set operations on 1-d arrays (of any array-like, flattened): union1d, intersect1d,
setdiff1d, setxor1d, isin. Written as NumPy's own formulas over sorted unique values, so
that NaNs come out as NumPy's do (np.unique keeps one NaN; == never pairs two)."""

import numpy as np

from . import types
from ._np_arraylike import _array_like, _as_array, _scalar_type
from .extending import overload, register_jitable


def _flag_ok(t):
    return t is False or isinstance(t, types.Boolean)


def _both(ar1, ar2, *flags):
    return _array_like(ar1) and _array_like(ar2) and all(_flag_ok(f) for f in flags)


def _common(ar1, ar2):
    return getattr(np, np.result_type(np.dtype(_scalar_type(ar1)), np.dtype(_scalar_type(ar2))).name)


@register_jitable
def _unique_or_flat(x, assume_unique):
    a = _as_array(x).ravel()
    if assume_unique:
        return a
    return np.unique(a)


@register_jitable
def _member(sorted_values, x):
    """x equals an element of the sorted 1-d array (never for NaN, as == answers)."""
    i = np.searchsorted(sorted_values, x)
    return i < sorted_values.size and sorted_values[i] == x


@overload(np.union1d)
def _union1d(ar1, ar2):
    if not _both(ar1, ar2):
        return None

    def impl(ar1, ar2):
        return np.unique(np.concatenate((_as_array(ar1).ravel(), _as_array(ar2).ravel())))

    return impl


@overload(np.intersect1d)
def _intersect1d(ar1, ar2, assume_unique=False):
    if not _both(ar1, ar2, assume_unique):
        return None

    def impl(ar1, ar2, assume_unique=False):
        aux = np.sort(np.concatenate((_unique_or_flat(ar1, assume_unique), _unique_or_flat(ar2, assume_unique))))
        if aux.size == 0:
            return aux
        return aux[:-1][aux[1:] == aux[:-1]]

    return impl


@overload(np.setxor1d)
def _setxor1d(ar1, ar2, assume_unique=False):
    if not _both(ar1, ar2, assume_unique):
        return None

    def impl(ar1, ar2, assume_unique=False):
        aux = np.sort(np.concatenate((_unique_or_flat(ar1, assume_unique), _unique_or_flat(ar2, assume_unique))))
        n = aux.size
        if n == 0:
            return aux
        # Values that differ from both neighbours appear in one of the arrays only.
        keep = np.empty(n, dtype=np.bool_)
        for i in range(n):
            keep[i] = (i == 0 or aux[i] != aux[i - 1]) and (i == n - 1 or aux[i + 1] != aux[i])
        return aux[keep]

    return impl


@overload(np.setdiff1d)
def _setdiff1d(ar1, ar2, assume_unique=False):
    if not _both(ar1, ar2, assume_unique):
        return None
    T = _common(ar1, ar2)

    def impl(ar1, ar2, assume_unique=False):
        a = _unique_or_flat(ar1, assume_unique)
        b = np.sort(_as_array(ar2).ravel().astype(T))
        keep = np.empty(a.size, dtype=np.bool_)
        for i in range(a.size):
            keep[i] = not _member(b, T(a[i]))
        return a[keep]

    return impl


@overload(np.isin)
def _isin(element, test_elements, assume_unique=False, invert=False):
    """Whether each element is among test_elements, in element's shape."""
    if not _both(element, test_elements, assume_unique, invert):
        return None
    T = _common(element, test_elements)

    def impl(element, test_elements, assume_unique=False, invert=False):
        e = _as_array(element)
        b = np.sort(_as_array(test_elements).ravel().astype(T))
        flat = e.ravel()
        out = np.empty(flat.size, dtype=np.bool_)
        for i in range(flat.size):
            out[i] = _member(b, T(flat[i])) != invert
        return out.reshape(e.shape)

    return impl
