"""Sorting and searching: sort, argsort, partition, unique, searchsorted, median."""

import numpy as np

from . import _native, types
from ._np_arraylike import _array_like, _as_array, _ndim_of
from ._np_reductions import _axis_impl
from ._np_shapes import _array_1d, _as_3d, _is_array, _no_axis, _normalize_axis
from .extending import overload, overload_method, register_jitable


# Real numbers sort in the runtime (`_native`, Rust's pdqsort/driftsort: measured 4x faster
# than a quicksort in the compiled subset); complex numbers here, in NumPy's order.

_SORT_KINDS = (None, "quicksort", "mergesort", "heapsort", "stable")


@register_jitable
def _complex_before(x, y):
    """x sorts before y in NumPy's complex order (npysort's CLT): numbers with a NaN part
    after all others, in the classes R+Rj, R+nanj, nan+Rj, nan+nanj, each ordered by its
    non-NaN parts."""
    xr = x.real
    xi = x.imag
    yr = y.real
    yi = y.imag
    if xr < yr:
        return xi == xi or yi != yi
    if xr > yr:
        return yi != yi and xi == xi
    if xr == yr or (xr != xr and yr != yr):
        return xi < yi or (yi != yi and xi == xi)
    return yr != yr


@register_jitable
def _complex_quicksort(v):
    """Sort a 1-d complex array in place: quicksort with median-of-three pivots, an
    explicit stack (the smaller side first, so it stays small) and insertion sort for
    short runs."""
    n = v.size
    if n < 2:
        return
    stack = np.empty(128, dtype=np.int64)
    stack[0] = 0
    stack[1] = n - 1
    top = 2
    while top > 0:
        top -= 2
        lo = stack[top]
        hi = stack[top + 1]
        while hi - lo > 16:
            mid = (lo + hi) // 2
            if _complex_before(v[mid], v[lo]):
                v[mid], v[lo] = v[lo], v[mid]
            if _complex_before(v[hi], v[lo]):
                v[hi], v[lo] = v[lo], v[hi]
            if _complex_before(v[hi], v[mid]):
                v[hi], v[mid] = v[mid], v[hi]
            pivot = v[mid]
            i = lo
            j = hi
            while i <= j:
                while _complex_before(v[i], pivot):
                    i += 1
                while _complex_before(pivot, v[j]):
                    j -= 1
                if i <= j:
                    v[i], v[j] = v[j], v[i]
                    i += 1
                    j -= 1
            if j - lo < hi - i:
                if i < hi:
                    stack[top] = i
                    stack[top + 1] = hi
                    top += 2
                hi = j
            else:
                if lo < j:
                    stack[top] = lo
                    stack[top + 1] = j
                    top += 2
                lo = i
        for k in range(lo + 1, hi + 1):
            x = v[k]
            m = k - 1
            while m >= lo and _complex_before(x, v[m]):
                v[m + 1] = v[m]
                m -= 1
            v[m + 1] = x


@register_jitable
def _complex_argsort(keys, out):
    """Stable bottom-up merge sort of the indices of the 1-d complex array `keys` into
    the int64 array `out`."""
    n = keys.size
    order = np.arange(n)
    scratch = np.empty(n, dtype=np.int64)
    width = 1
    while width < n:
        start = 0
        while start < n:
            mid = min(start + width, n)
            end = min(start + 2 * width, n)
            i = start
            j = mid
            k = start
            while i < mid and j < end:
                # The right run's element goes first only when strictly before (stability).
                if _complex_before(keys[order[j]], keys[order[i]]):
                    scratch[k] = order[j]
                    j += 1
                else:
                    scratch[k] = order[i]
                    i += 1
                k += 1
            while i < mid:
                scratch[k] = order[i]
                i += 1
                k += 1
            while j < end:
                scratch[k] = order[j]
                j += 1
                k += 1
            start = end
        for t in range(n):
            order[t] = scratch[t]
        width *= 2
    for t in range(n):
        out[t] = order[t]


def _sort_kernels(a):
    """(in-place sort, argsort into an int64 array) for 1-d lines of a's dtype."""
    if isinstance(a.dtype, types.Complex):
        return _complex_quicksort, _complex_argsort
    return _native.sort, _native.argsort


def _sort_arguments_ok(a, axis, kind):
    kind_ok = kind is None or isinstance(kind, types.NoneType) or (
        isinstance(kind, types.StringLiteral) and kind.literal_value in _SORT_KINDS)
    axis_ok = axis is None or isinstance(axis, (types.Integer, types.NoneType))
    return _is_array(a) and kind_ok and axis_ok


@overload(np.sort)
def _sort(a, axis=None, kind=None):
    if not _sort_arguments_ok(a, axis, kind):
        return None
    sort_line = _sort_kernels(a)[0]
    if isinstance(axis, types.NoneType):

        def flat(a, axis=-1, kind=None):
            out = a.flatten()
            sort_line(out)
            return out

        return flat

    if a.ndim == 1:

        def line(a, axis=-1, kind=None):
            _normalize_axis(axis, 1)
            out = a.copy()
            sort_line(out)
            return out

        return line

    def impl(a, axis=-1, kind=None):
        out = a.copy()
        lines = _as_3d(out, _normalize_axis(axis, a.ndim))
        for o in range(lines.shape[0]):
            for i in range(lines.shape[2]):
                sort_line(lines[o, :, i])
        return out

    return impl


@overload_method(types.Array, "sort")
def _sort_in_place(a, axis=None, kind=None):
    if not _sort_arguments_ok(a, axis, kind) or a.readonly or isinstance(axis, types.NoneType):
        return None
    sort_line = _sort_kernels(a)[0]

    if a.ndim == 1:

        def line(a, axis=-1, kind=None):
            _normalize_axis(axis, 1)
            sort_line(a)

        return line

    def impl(a, axis=-1, kind=None):
        # Each line of a along the axis, sorted in a contiguous buffer and written back.
        buffer = a.copy()
        lines = _as_3d(buffer, _normalize_axis(axis, a.ndim))
        for o in range(lines.shape[0]):
            for i in range(lines.shape[2]):
                sort_line(lines[o, :, i])
        a[...] = buffer

    return impl


@overload(np.argsort)
@overload_method(types.Array, "argsort")
def _argsort(a, axis=None, kind=None):
    if not _sort_arguments_ok(a, axis, kind):
        return None
    argsort_line = _sort_kernels(a)[1]
    if isinstance(axis, types.NoneType):

        def flat(a, axis=-1, kind=None):
            keys = a.flatten()
            order = np.empty(keys.size, dtype=np.int64)
            argsort_line(keys, order)
            return order

        return flat

    if a.ndim == 1:

        def line(a, axis=-1, kind=None):
            _normalize_axis(axis, 1)
            order = np.empty(a.size, dtype=np.int64)
            argsort_line(a, order)
            return order

        return line

    def impl(a, axis=-1, kind=None):
        order = np.empty(a.shape, dtype=np.int64)
        ax = _normalize_axis(axis, a.ndim)
        keys = _as_3d(a, ax)
        lines = _as_3d(order, ax)
        for o in range(keys.shape[0]):
            for i in range(keys.shape[2]):
                argsort_line(keys[o, :, i], lines[o, :, i])
        return order

    return impl


@register_jitable
def _new_value(x, previous):
    """x differs from the previous sorted value (all NaNs count as one, as in NumPy)."""
    return x != previous and not (x != x and previous != previous)


@overload(np.unique)
def _unique(ar):
    if not _is_array(ar):
        return None

    sort_flat = _sort_kernels(ar)[0]

    def impl(ar):
        s = ar.flatten()
        sort_flat(s)
        n = s.size
        count = 0
        for i in range(n):
            if i == 0 or _new_value(s[i], s[i - 1]):
                count += 1
        out = np.empty(count, dtype=s.dtype)
        k = 0
        for i in range(n):
            if i == 0 or _new_value(s[i], s[i - 1]):
                out[k] = s[i]
                k += 1
        return out

    return impl


@register_jitable
def _real_before(x, y):
    """x sorts before y: numbers ascending, NaN last (NumPy's order for real numbers)."""
    return x < y or (y != y and x == x)


@overload(np.searchsorted)
def _searchsorted(a, v, side=None):
    """Binary search in NumPy's sort order (NaN last; complex as np.sort orders it)."""
    if not _array_1d(a):
        return None
    if side is None or isinstance(side, types.NoneType):
        right = False
    elif isinstance(side, types.StringLiteral) and side.literal_value in ("left", "right"):
        right = side.literal_value == "right"
    else:
        return None
    complex_keys = isinstance(a.dtype, types.Complex) or (_is_array(v) and isinstance(v.dtype, types.Complex)) or isinstance(v, types.Complex)
    before = _complex_before if complex_keys else _real_before

    @register_jitable
    def insertion_point(a, x):
        lo = 0
        hi = a.size
        while lo < hi:
            mid = (lo + hi) >> 1
            # left: the first place with x <= a[mid]; right: the first with x < a[mid].
            goes_right = not before(x, a[mid]) if right else before(a[mid], x)
            if goes_right:
                lo = mid + 1
            else:
                hi = mid
        return lo

    if _is_array(v) and v.ndim == 0:
        # NumPy answers a 0-d array of needles with a scalar.
        return lambda a, v, side="left": insertion_point(a, v.ravel()[0])
    if _is_array(v):

        def impl_many(a, v, side="left"):
            flat = v.ravel()
            out = np.empty(flat.size, dtype=np.int64)
            for k in range(flat.size):
                out[k] = insertion_point(a, flat[k])
            return out.reshape(v.shape)

        return impl_many

    def impl(a, v, side="left"):
        return insertion_point(a, v)

    return impl


@overload(np.median)
def _median(a, axis=None):
    if not _is_array(a):
        return None
    if _no_axis(axis):
        return _median_whole(a)
    if isinstance(axis, types.Integer):
        return _axis_impl("median", _median_whole, a)
    return None


def _median_whole(a):
    def impl(a, axis=None):
        flat = a.ravel()
        n = flat.size
        if n == 0:
            return np.nan
        s = flat.copy()
        _native.sort(s)
        if s[n - 1] != s[n - 1]:
            return np.nan
        half = n // 2
        if n % 2 == 1:
            return s[half] * 1.0
        return (s[half - 1] * 1.0 + s[half] * 1.0) / 2.0

    return impl


def _kth_ok(kth):
    """An integer or a sequence of integers; NumPy rejects booleans (a ValueError there,
    a TypingError here)."""
    if isinstance(kth, types.Boolean):
        return False
    if isinstance(kth, types.Integer):
        return True
    if isinstance(kth, types.BaseTuple):
        return all(isinstance(t, types.Integer) and not isinstance(t, types.Boolean) for t in kth)
    if isinstance(kth, types.List) or (_is_array(kth) and kth.ndim <= 1):
        return isinstance(kth.dtype, types.Integer)
    return False


@overload(np.partition)
def _partition(a, kth):
    """Each line along the last axis with its kth elements where a sort puts them, smaller
    ones before, larger after. A full sort of the line has that property: NumPy's exact
    arrangement of the other elements (introselect's) is unspecified, and Numba's differs
    from it too."""
    if not (_array_like(a) and _ndim_of(a) >= 1 and _kth_ok(kth)):
        return None

    def impl(a, kth):
        arr = _as_array(a)
        n = arr.shape[arr.ndim - 1]
        ks = _as_array(kth).ravel()
        for k in ks:
            # NumPy checks kth only when there is something to partition.
            if arr.size != 0 and (k < -n or k >= n):
                raise ValueError("kth out of bounds")
        return np.sort(arr, axis=-1)

    return impl
