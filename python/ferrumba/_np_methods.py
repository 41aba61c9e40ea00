"""NumPy functions that are array methods, and array methods that are NumPy functions:
transpose, ravel, reshape, ndim, fill, clip, and a.item() (the compiler calls
`item_of`)."""

import numpy as np

from . import types
from ._np_shapes import _is_array, _no_axis
from .extending import overload, overload_method, register_jitable


@overload(np.transpose)
def _transpose_function(a, axes=None):
    if not _is_array(a):
        return None
    if _no_axis(axes):
        def impl(a, axes=None):
            return a.transpose()

        return impl
    return None


@overload(np.ravel)
def _ravel_function(a):
    if not _is_array(a):
        return None

    def impl(a):
        return a.ravel()

    return impl


@overload(np.reshape)
def _reshape_function(a, shape):
    if not _is_array(a):
        return None

    def impl(a, shape):
        return a.reshape(shape)

    return impl


@overload_method(types.Array, "fill")
def _fill(a, value):
    if a.readonly or not isinstance(value, (types.Integer, types.Float, types.Boolean, types.Complex)):
        return None
    T = getattr(np, a.dtype.name)
    if isinstance(a.dtype, types.Integer) and isinstance(value, (types.Integer, types.Float)):
        # A Python number is converted as NumPy converts it: int() of a float, then
        # OverflowError outside the dtype's range (not a wrapping cast).
        info = np.iinfo(T)
        lo = int(info.min)
        # The largest value as an int64; -1 where every int64 fits (int64, uint64).
        hi = int(info.max) if info.max < 2**63 - 1 else -1
        u64 = T is np.uint64
        top = 1.8446744073709552e19 if u64 else 9.223372036854775807e18
        floating = isinstance(value, types.Float)

        def checked(a, value):
            if floating:
                if value != value:
                    raise ValueError("cannot convert float NaN to integer")
                if not (value >= -9.223372036854775807e18 and value < top):
                    raise OverflowError("Python int too large to convert to C long")
                if u64 and value >= 9.223372036854775807e18:
                    a[...] = T(value)
                    return
                w = np.int64(value)
                if w < lo or (hi >= 0 and w > hi):
                    raise OverflowError("Python integer out of bounds for the array's dtype")
                a[...] = T(w)
            else:
                if value < lo or (hi >= 0 and value > hi):
                    raise OverflowError("Python integer out of bounds for the array's dtype")
                a[...] = T(value)

        return checked

    def impl(a, value):
        a[...] = T(value)

    return impl


@overload_method(types.Array, "clip")
def _clip_method(a, a_min, a_max):
    def impl(a, a_min, a_max):
        return np.clip(a, a_min, a_max)

    return impl


@overload(np.ndim)
def _ndim(a):
    def impl(a):
        return a.ndim

    return impl


@register_jitable
def item_of(a):
    """a.item(): the one element of an array of size 1 (the compiler calls it)."""
    if a.size != 1:
        raise ValueError("can only convert an array of size 1 to a Python scalar")
    return a.ravel()[0]
