"""Where the nonzero elements are (argwhere, flatnonzero, nonzero, extract), and indexing with
arrays: the compiler calls `getitem_array`/`setitem_array` for a[mask] and a[indices],
and `nonzero_nd` for np.nonzero of n-d arrays."""

import numpy as np

from . import types
from ._np_arraylike import _array_like, _as_array
from ._np_shapes import _is_array, _tuple_function
from .extending import overload, overload_method, register_jitable


@register_jitable
def _argwhere_of(a):
    """The (count, ndim) indices of a's nonzero elements, in C order."""
    flat = a.ravel()
    count = 0
    for x in flat:
        if x != 0:
            count += 1
    shape = a.shape
    out = np.empty((count, a.ndim), dtype=np.int64)
    k = 0
    for i in range(flat.size):
        if flat[i] != 0:
            rest = i
            for d in range(a.ndim - 1, -1, -1):
                out[k, d] = rest % shape[d]
                rest //= shape[d]
            k += 1
    return out


@overload(np.argwhere)
def _argwhere(a):
    if not _is_array(a):
        return None
    if a.ndim == 0:
        def of_0d(a):
            return np.empty((1 if a.ravel()[0] != 0 else 0, 0), dtype=np.int64)

        return of_0d

    def impl(a):
        return _argwhere_of(a)

    return impl


@overload(np.flatnonzero)
def _flatnonzero(a):
    if not _is_array(a):
        return None

    def impl(a):
        flat = a.ravel()
        count = 0
        for x in flat:
            if x != 0:
                count += 1
        out = np.empty(count, dtype=np.int64)
        k = 0
        for i in range(flat.size):
            if flat[i] != 0:
                out[k] = i
                k += 1
        return out

    return impl


@overload(np.extract)
def _extract(condition, arr):
    """The elements of arr (flattened) where condition (flattened) is nonzero, as NumPy's
    take(ravel(arr), nonzero(ravel(condition))[0]): a nonzero beyond arr's end raises
    IndexError, a shorter condition leaves the rest out."""
    if not (_array_like(condition) and _array_like(arr)):
        return None

    def impl(condition, arr):
        c = _as_array(condition).ravel()
        a = _as_array(arr).ravel()
        count = 0
        for i in range(c.size):
            if c[i] != 0:
                if i >= a.size:
                    raise IndexError("index out of bounds for the array's size")
                count += 1
        out = np.empty(count, dtype=a.dtype)
        k = 0
        for i in range(c.size):
            if c[i] != 0:
                out[k] = a[i]
                k += 1
        return out

    return impl


def _index_columns(where, a):
    raise RuntimeError("_index_columns is only for compiled code")


@overload(_index_columns)
def _index_columns_typing(where, a):
    """(where[:, 0], ..., where[:, ndim - 1]): one index array per dimension of `a`."""
    return _tuple_function("_columns", "where, a", a.ndim, lambda d: "where[:, %d]" % d)


@overload_method(types.Array, "nonzero")
def _nonzero_method(a):
    def impl(a):
        return np.nonzero(a)

    return impl


@register_jitable
def nonzero_nd(a):
    """np.nonzero of an array of 2 or more dimensions (the compiler calls it; 1-d arrays
    have their own loop)."""
    return _index_columns(_argwhere_of(a), a)


@register_jitable
def getitem_array(a, index):
    """a[mask] (a boolean array of a's shape) or a[indices] (an integer array, along the
    first axis): the compiler calls it."""
    return _take(a, index)


@register_jitable
def setitem_array(a, index, value):
    """a[mask] = value and a[indices] = value, value a scalar or an array of the
    selection's size (or of one element): the compiler calls it."""
    _put(a, index, value)


def _take(a, index):
    raise RuntimeError("_take is only for compiled code")


def _put(a, index, value):
    raise RuntimeError("_put is only for compiled code")


@register_jitable
def _mask_count(a, index):
    if index.shape != a.shape:
        raise IndexError("boolean index did not match indexed array")
    count = 0
    for m in index.ravel():
        if m:
            count += 1
    return count


@register_jitable
def _checked_index(j, n):
    if j < 0:
        j += n
    if j < 0 or j >= n:
        raise IndexError("index is out of bounds")
    return j


def _index_kind(a, index):
    """'mask', 'indices' or None (no implementation: a TypingError)."""
    if not (_is_array(a) and _is_array(index)) or a.ndim == 0:
        return None
    if isinstance(index.dtype, types.Boolean):
        return "mask" if index.ndim == a.ndim else None
    if isinstance(index.dtype, types.Integer):
        return "indices"
    return None


@overload(_take)
def _take_typing(a, index):
    kind = _index_kind(a, index)
    if kind == "mask":
        def masked(a, index):
            count = _mask_count(a, index)
            flat = a.ravel()
            mask = index.ravel()
            out = np.empty(count, dtype=a.dtype)
            k = 0
            for i in range(flat.size):
                if mask[i]:
                    out[k] = flat[i]
                    k += 1
            return out

        return masked
    if kind != "indices":
        return None
    if a.ndim == 1:
        def elements(a, index):
            idx = index.ravel()
            out = np.empty(idx.size, dtype=a.dtype)
            n = a.shape[0]
            for k in range(idx.size):
                out[k] = a[_checked_index(idx[k], n)]
            return out.reshape(index.shape)

        return elements

    def rows(a, index):
        idx = index.ravel()
        out = np.empty((idx.size,) + a.shape[1:], dtype=a.dtype)
        n = a.shape[0]
        for k in range(idx.size):
            out[k] = a[_checked_index(idx[k], n)]
        return out.reshape(index.shape + a.shape[1:])

    return rows


@register_jitable
def _check_values(value, count):
    """NumPy's rule for the values stored into `count` selected places: one, or `count`
    (any leading dimensions of length 1)."""
    if value.size == 1:
        return
    shape = value.shape
    for d in range(value.ndim - 1):
        if shape[d] != 1:
            raise ValueError("shape mismatch: value array could not be broadcast to indexing result")
    if value.size != count:
        raise ValueError("shape mismatch: value array could not be broadcast to indexing result")


def _check_values_typing(value, count):
    if _is_array(value):
        def check(value, count):
            _check_values(value, count)

        return check

    def nothing(value, count):
        return None

    return nothing


def _values_fit(value, count):
    raise RuntimeError("_values_fit is only for compiled code")


overload(_values_fit)(_check_values_typing)


def _store_back(a, flat):
    raise RuntimeError("_store_back is only for compiled code")


@overload(_store_back)
def _store_back_typing(a, flat):
    """After a store into a.ravel(): nothing where that is a view of `a` (C layout), the
    values written back into `a` where it is a copy."""
    if a.layout == "C":
        def nothing(a, flat):
            return None

        return nothing

    def write_back(a, flat):
        a[...] = flat.reshape(a.shape)

    return write_back


@overload(_put)
def _put_typing(a, index, value):
    kind = _index_kind(a, index)
    if a.readonly or kind is None:
        return None
    if _is_array(value) and (value.ndim > 1 and kind == "indices" and a.ndim > 1):
        return None
    if kind == "mask" and not _is_array(value):
        # One value for every selected place: no need to count them first.
        def masked_scalar(a, index, value):
            if index.shape != a.shape:
                raise IndexError("boolean index did not match indexed array")
            flat = a.ravel()
            mask = index.ravel()
            for i in range(flat.size):
                if mask[i]:
                    flat[i] = value
            _store_back(a, flat)

        return masked_scalar
    if kind == "mask":
        def masked(a, index, value):
            count = _mask_count(a, index)
            _values_fit(value, count)
            flat = a.ravel()
            mask = index.ravel()
            k = 0
            for i in range(flat.size):
                if mask[i]:
                    flat[i] = _pick(value, k)
                    k += 1
            _store_back(a, flat)

        return masked
    if a.ndim != 1:
        return None

    def elements(a, index, value):
        idx = index.ravel()
        _values_fit(value, idx.size)
        n = a.shape[0]
        for k in range(idx.size):
            a[_checked_index(idx[k], n)] = _pick(value, k)

    return elements


def _pick_typing(value, k):
    if _is_array(value):
        def from_array(value, k):
            # One value (size 1) goes everywhere.
            return value.ravel()[k if value.size != 1 else 0]

        return from_array

    def scalar(value, k):
        return value

    return scalar


def _pick(value, k):
    raise RuntimeError("_pick is only for compiled code")


overload(_pick)(_pick_typing)
