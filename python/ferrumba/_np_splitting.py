"""Splitting arrays: split and array_split, into a list of views along an axis."""

import numpy as np

from . import types
from ._np_arraylike import _array_like, _as_array, _ndim_of
from ._np_shapes import _AxisError, _generate
from .extending import overload, register_jitable


def _slicer(ndim):
    """a[..., start:stop, ...] with the slice at axis ax (known only at run time): one
    branch per axis, generated per ndim."""
    lines = ["def along(a, ax, start, stop):\n"]
    for d in range(ndim - 1):
        lines.append("    if ax == %d:\n        return a[%sstart:stop]\n" % (d, ":, " * d))
    lines.append("    return a[%sstart:stop]\n" % (":, " * (ndim - 1)))
    return _generate(("split_along", ndim), "along", "".join(lines))


@register_jitable
def _split_axis(axis, ndim):
    if axis < -ndim or axis >= ndim:
        # Numba's words; AxisError is NumPy's class (a ValueError and an IndexError).
        raise _AxisError("np.split: Argument axis out of bounds")
    return axis + ndim if axis < 0 else axis


def _splitter(equal):
    """split (`equal`: a number of sections must divide the axis) or array_split."""

    def typing(ary, indices_or_sections, axis=0):
        if not (_array_like(ary) and _ndim_of(ary) >= 1 and isinstance(axis, (int, types.Integer))):
            return None
        along = _slicer(_ndim_of(ary))
        if isinstance(indices_or_sections, types.Integer):
            def sections(ary, indices_or_sections, axis=0):
                a = _as_array(ary)
                ax = _split_axis(axis, a.ndim)
                n = a.shape[ax]
                count = indices_or_sections
                if count <= 0:
                    raise ValueError("number sections must be larger than 0.")
                if equal and n % count != 0:
                    raise ValueError("array split does not result in an equal division")
                each = n // count
                extras = n % count
                parts = []
                start = 0
                for i in range(count):
                    stop = start + each + (1 if i < extras else 0)
                    parts.append(along(a, ax, start, stop))
                    start = stop
                return parts

            return sections
        if not (_array_like(indices_or_sections) and _ndim_of(indices_or_sections) == 1):
            return None

        def at_indices(ary, indices_or_sections, axis=0):
            a = _as_array(ary)
            ax = _split_axis(axis, a.ndim)
            points = _as_array(indices_or_sections)
            parts = []
            start = 0
            for p in points:
                parts.append(along(a, ax, start, p))
                start = p
            parts.append(along(a, ax, start, a.shape[ax]))
            return parts

        return at_indices

    return typing


overload(np.split)(_splitter(True))
overload(np.array_split)(_splitter(False))
