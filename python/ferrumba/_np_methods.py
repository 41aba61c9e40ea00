"""NumPy functions that are array methods, and array methods that are NumPy functions:
transpose, ravel, reshape, ndim, fill, clip, and a.item() (the compiler calls `item_of`,
`item_at_flat` and `item_at`) and a.transpose(axes) (`check_transpose_axes`)."""

import numpy as np

from . import types
from ._np_indexing import _checked_index
from ._np_shapes import _AxisError, _generate, _is_array, _no_axis
from .extending import overload, overload_method, register_jitable


@overload(np.transpose)
def _transpose_function(a, axes=None):
    if not _is_array(a):
        return None
    if _no_axis(axes):
        def impl(a, axes=None):
            return a.transpose()

        return impl

    def impl_axes(a, axes=None):
        return a.transpose(axes)

    return impl_axes


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


@register_jitable
def item_at_flat(a, k):
    """a.item(k): the element at position k of a in C order, k negative counting from the
    end; IndexError outside (the compiler calls it)."""
    return _element_at_flat(a, _checked_index(k, a.size))


@register_jitable
def item_at(a, index):
    """a.item(i, j, ...) and a.item((i, j, ...)): one index per dimension, each negative
    counting from the end; IndexError outside (the compiler calls it)."""
    return _element_at(a, index)


def _element_at_flat(a, k):
    raise RuntimeError("_element_at_flat is only for compiled code")


def _element_at(a, index):
    raise RuntimeError("_element_at is only for compiled code")


def _subscript(ndim):
    return "".join("i%d, " % d for d in range(ndim))


@overload(_element_at_flat)
def _element_at_flat_typing(a, k):
    """a[i0, i1, ...] for the C-order position k (0 <= k < a.size), the indices unravelled
    from k, generated per ndim: a.ravel() would copy an array that is not C-contiguous."""
    if not _is_array(a):
        return None
    if a.ndim == 0:
        return lambda a, k: a.ravel()[0]
    lines = ["def element(a, k):\n", "    rest = k\n"]
    for d in range(a.ndim - 1, 0, -1):
        lines.append("    i%d = rest %% a.shape[%d]\n" % (d, d))
        lines.append("    rest //= a.shape[%d]\n" % d)
    lines.append("    i0 = rest\n")
    lines.append("    return a[%s]\n" % _subscript(a.ndim))
    return _generate(("element_at_flat", a.ndim), "element", "".join(lines), globals())


@overload(_element_at)
def _element_at_typing(a, index):
    """a[index[0], index[1], ...], each index checked against its dimension, generated
    per ndim (compiled code indexes with a tuple's items, not with the tuple)."""
    if not (_is_array(a) and isinstance(index, types.BaseTuple) and len(index) == a.ndim):
        return None
    if a.ndim == 0:
        return lambda a, index: a.ravel()[0]
    lines = ["def element(a, index):\n"]
    for d in range(a.ndim):
        lines.append("    i%d = _checked_index(index[%d], a.shape[%d])\n" % (d, d, d))
    lines.append("    return a[%s]\n" % _subscript(a.ndim))
    return _generate(("element_at", a.ndim), "element", "".join(lines), globals())


@register_jitable
def check_transpose_axes(axes, ndim):
    """a.transpose(axes): NumPy's errors unless the axes name each dimension once (the
    compiler builds the view from them, negative axes counted from the end)."""
    seen = 0
    for axis in axes:
        if axis < -ndim or axis >= ndim:
            raise _AxisError("axis is out of bounds for the array's dimension")
        if axis < 0:
            axis += ndim
        if seen & (1 << axis):
            raise ValueError("repeated axis in transpose")
        seen |= 1 << axis
    return 0
