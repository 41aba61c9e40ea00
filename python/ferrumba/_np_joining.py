"""Joining arrays: concatenate, stack, vstack, hstack, column_stack, append."""

import numpy as np

from . import types
from ._np_arraylike import _array_like, _as_array, _ndim_of
# _normalize_axis and _split_at_axis are named by the generated joiners (their globals are ours).
from ._np_shapes import _generate, _is_array, _normalize_axis, _replaced_axis, _split_at_axis, _with_axis  # noqa: F401
from .extending import overload, register_jitable


def _array_items(arrays):
    """The item types of a tuple of arrays, or None."""
    if not isinstance(arrays, types.BaseTuple) or len(arrays) == 0:
        return None
    if not all(_is_array(t) for t in arrays):
        return None
    return list(arrays)


def _common_dtype(items):
    return getattr(np, np.result_type(*[np.dtype(t.dtype.name) for t in items]).name)


@register_jitable
def _as_row(x):
    return x.ravel().reshape((1, x.size))


@register_jitable
def _as_column(x):
    return x.ravel().reshape((x.size, 1))


@register_jitable
def _as_1d(x):
    return x.ravel()


@register_jitable
def _check_concat_shape(shape, first, ax):
    if len(shape) != len(first):
        raise ValueError("all the input array dimensions except for the concatenation axis must match exactly")
    for d in range(len(shape)):
        if d != ax and shape[d] != first[d]:
            raise ValueError("all the input array dimensions except for the concatenation axis must match exactly")


@register_jitable
def _check_same_shape(shape, first):
    for d in range(len(shape)):
        if shape[d] != first[d]:
            raise ValueError("all input arrays must have the same shape")


def _joiner(kind, items):
    """The implementation of concatenate/stack/vstack/hstack/column_stack for a tuple of
    arrays of these types: generated per tuple length, each part converted first (a 1-d
    array becomes a row for vstack, a column for column_stack...), then copied into its
    block of the result along the axis."""
    count = len(items)
    ndims = [t.ndim for t in items]
    if kind == "stack":
        if len(set(ndims)) != 1 or ndims[0] == 0:
            return None
        nd = ndims[0] + 1
        parts = ["arrays[%d].ravel().reshape(with_axis(arrays[0].shape, ax, 1))" % j for j in range(count)]
        axis_text = "_normalize_axis(axis, %d)" % nd
        check = "".join("    _check_same_shape(arrays[%d].shape, arrays[0].shape)\n" % j for j in range(count))
    else:
        check = ""
        if kind == "concatenate":
            if len(set(ndims)) != 1 or ndims[0] == 0:
                return None
            nd = ndims[0]
            parts = ["arrays[%d]" % j for j in range(count)]
            axis_text = "_normalize_axis(axis, %d)" % nd
        elif kind == "flat":
            nd = 1
            parts = ["arrays[%d].ravel()" % j for j in range(count)]
            axis_text = "0"
        elif kind == "vstack":
            nd = max(max(ndims), 2)
            if any(n not in (1, nd) for n in ndims):
                return None
            parts = ["_as_row(arrays[%d])" % j if n == 1 else "arrays[%d]" % j for j, n in enumerate(ndims)]
            axis_text = "0"
        elif kind == "hstack":
            nd = max(max(ndims), 1)
            if any(n not in (0, nd) if nd == 1 else n != nd for n in ndims):
                return None
            parts = ["_as_1d(arrays[%d])" % j if n == 0 else "arrays[%d]" % j for j, n in enumerate(ndims)]
            axis_text = "0" if nd == 1 else "1"
        elif kind == "column_stack":
            nd = 2
            if any(n not in (1, 2) for n in ndims):
                return None
            parts = ["_as_column(arrays[%d])" % j if n == 1 else "arrays[%d]" % j for j, n in enumerate(ndims)]
            axis_text = "1"
        else:
            raise AssertionError(kind)
    T = _common_dtype(items)
    lines = ["def join(arrays, axis=0):\n", check]
    lines.append("    ax = %s\n" % axis_text)
    for j, p in enumerate(parts):
        lines.append("    p%d = %s\n" % (j, p))
    lines.append("    total = 0\n")
    for j in range(count):
        lines.append("    _check_concat_shape(p%d.shape, p0.shape, ax)\n" % j)
        lines.append("    total += p%d.shape[ax]\n" % j)
    lines.append("    outer, along, inner = _split_at_axis(p0.shape, ax)\n")
    lines.append("    out = np.empty(replaced_axis(p0.shape, ax, total), dtype=T)\n")
    lines.append("    o3 = out.reshape((outer, total, inner))\n")
    lines.append("    k = 0\n")
    for j in range(count):
        lines.append("    n = p%d.shape[ax]\n" % j)
        lines.append("    o3[:, k:k + n, :] = p%d.ravel().reshape((outer, n, inner))\n" % j)
        lines.append("    k += n\n")
    lines.append("    return out\n")
    source = "".join(lines)
    key = ("join", kind, tuple(str(t) for t in items))
    with_axis = _with_axis(nd - 1) if kind == "stack" else None
    return _generate(key, "join", source, globals(), T=T, with_axis=with_axis, replaced_axis=_replaced_axis(nd))


@overload(np.concatenate)
def _concatenate(arrays, axis=None):
    items = _array_items(arrays)
    if items is None:
        return None
    if axis is None or isinstance(axis, types.Integer):
        join = _joiner("concatenate", items)
    elif isinstance(axis, types.NoneType):
        join = _joiner("flat", items)  # axis=None: the arrays are flattened first
    else:
        return None
    if join is None:
        return None

    def impl(arrays, axis=0):
        return join(arrays, axis)

    return impl


@overload(np.stack)
def _stack(arrays, axis=None):
    items = _array_items(arrays)
    if items is None or not (axis is None or isinstance(axis, types.Integer)):
        return None
    join = _joiner("stack", items)
    if join is None:
        return None

    def impl(arrays, axis=0):
        return join(arrays, axis)

    return impl


def _fixed_axis_joiner(kind):
    def typing(tup):
        items = _array_items(tup)
        if items is None:
            return None
        join = _joiner(kind, items)
        if join is None:
            return None

        def impl(tup):
            return join(tup, 0)

        return impl

    overload(getattr(np, kind))(typing)


_fixed_axis_joiner("vstack")
_fixed_axis_joiner("hstack")
_fixed_axis_joiner("column_stack")


@overload(np.append)
def _append(arr, values, axis=None):
    """arr and values joined: both flattened when axis is None, else concatenated along
    the axis (arrays of one ndim; NumPy's ValueError for others is a TypingError here)."""
    if not (_array_like(arr) and _array_like(values)):
        return None
    if axis is None or isinstance(axis, types.NoneType):
        def flat(arr, values, axis=None):
            return np.concatenate((_as_array(arr).ravel(), _as_array(values).ravel()))

        return flat
    if not isinstance(axis, types.Integer) or _ndim_of(arr) != _ndim_of(values) or _ndim_of(arr) == 0:
        return None

    def along(arr, values, axis=None):
        return np.concatenate((_as_array(arr), _as_array(values)), axis)

    return along
