"""What the parts of ferrumba's NumPy library share: tests of argument types, axes
normalized as NumPy does, arrays seen as (before, along, after), and code generated
from source text for shapes that depend on an ndim or a tuple's length."""

import itertools
import linecache

import numpy as np

from . import types
from .extending import register_jitable

def _is_array(a):
    return isinstance(a, types.Array)


def _no_axis(axis):
    return axis is None or isinstance(axis, types.NoneType)


def _sum_type(dtype):
    """The accumulator NumPy uses for sum/prod/cumsum of `dtype`."""
    if isinstance(dtype, types.Boolean):
        return np.int64
    if isinstance(dtype, types.Integer):
        return np.int64 if dtype.signed else np.uint64
    return getattr(np, dtype.name)


def _mean_type(dtype):
    if isinstance(dtype, (types.Float, types.Complex)):
        return getattr(np, dtype.name)
    return np.float64


def _array_1d(a):
    return _is_array(a) and a.ndim == 1


# ---- code shaped by ndim or by a tuple's length -------------------------------------------

_GENERATED = {}
_GENERATED_COUNT = itertools.count()


def _generate(key, name, source, scope=None, **env):
    """A jitable function made from source text, once per `key`: for code whose shape
    depends on an array's ndim or a tuple's length (a tuple of ndim items, an unrolled
    loop). The text is registered with linecache, so the compiler reads it like any other
    source. Its globals are `scope` (the calling module's, for the helpers the text
    names), or this module's, and `env`."""
    if key in _GENERATED:
        return _GENERATED[key]
    filename = "<ferrumba._numpy_impl generated %d: %s>" % (next(_GENERATED_COUNT), name)
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    namespace = dict(globals() if scope is None else scope)
    namespace.update(env)
    exec(compile(source, filename, "exec"), namespace)
    _GENERATED[key] = register_jitable(namespace[name])
    return _GENERATED[key]


def _tuple_text(items):
    return "(" + "".join(item + ", " for item in items) + ")"


def _tuple_function(name, params, n, item):
    """def name(params): return (item(0), ..., item(n-1)), generated once per n."""
    source = "def %s(%s):\n    return %s\n" % (name, params, _tuple_text(item(i) for i in range(n)))
    return _generate((name, n), name, source)


def _without_axis(n):
    """shape, ax -> shape without item ax (a tuple of n - 1 items)."""
    return _tuple_function("_shape_without_axis", "shape, ax", n - 1, lambda i: "shape[%d if %d < ax else %d]" % (i, i, i + 1))


def _with_axis(n):
    """shape, ax, size -> shape with `size` inserted at position ax (n + 1 items)."""
    return _tuple_function("_shape_with_axis", "shape, ax, size", n + 1,
                           lambda i: "size if ax == %d else shape[%d if %d < ax else %d]" % (i, i, i, i - 1))


def _replaced_axis(n):
    """shape, ax, size -> shape with item ax replaced by `size`."""
    return _tuple_function("_shape_replaced_axis", "shape, ax, size", n, lambda i: "size if ax == %d else shape[%d]" % (i, i))


# ---- axes ------------------------------------------------------------------------------------

_AxisError = np.exceptions.AxisError


@register_jitable
def _normalize_axis(axis, ndim):
    if axis < -ndim or axis >= ndim:
        raise _AxisError("axis is out of bounds for the array's dimension")
    if axis < 0:
        return axis + ndim
    return axis


@register_jitable
def _split_at_axis(shape, ax):
    """(product of the dimensions before ax, dimension ax, product of those after)."""
    outer = 1
    for d in range(ax):
        outer *= shape[d]
    inner = 1
    for d in range(ax + 1, len(shape)):
        inner *= shape[d]
    return outer, shape[ax], inner


@register_jitable
def _as_3d(a, ax):
    """a as a C-contiguous (before, along, after) array: a view of a C-contiguous array."""
    outer, n, inner = _split_at_axis(a.shape, ax)
    return a.ravel().reshape((outer, n, inner))


@register_jitable
def _rows_along(a, ax):
    """A C-contiguous 2-d array whose rows are the 1-d lines of `a` along axis ax, in the
    C order of the other axes (a view when ax is the last axis of a C-contiguous array)."""
    b = _as_3d(a, ax)
    outer = b.shape[0]
    n = b.shape[1]
    inner = b.shape[2]
    if inner == 1:
        return b.reshape((outer, n))
    rows = np.empty((outer * inner, n), dtype=a.dtype)
    for o in range(outer):
        for k in range(n):
            for i in range(inner):
                rows[o * inner + i, k] = b[o, k, i]
    return rows
