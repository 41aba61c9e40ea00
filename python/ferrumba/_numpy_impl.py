"""NumPy's API written in the Python that ferrumba compiles ("NumPy as a DSL"), registered
through the public extension API. Each implementation compiles once per argument types
and is then reused by every function that calls it.

Loaded on the first compile (not at `import ferrumba`)."""

import math

import numpy as np

from . import types
from .extending import overload, overload_method, register_jitable

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


def _axis_impl(name, impl_for, a):
    """A reduction along axis 0 or 1 of a 2-d array: the whole-array implementation run on
    each column or row view, results gathered into a 1-d array."""
    from .decorators import njit

    row_type = types.Array(a.dtype, 1, "A")
    reduce_view = njit(impl_for(row_type))
    # NumPy itself says what type the reduction gives for this dtype.
    probe = np.ones(1, dtype=a.dtype.name)
    result = getattr(np, np.asarray(getattr(np, name)(probe)).dtype.name)

    def impl(a, axis=None):
        if axis < -2 or axis > 1:
            raise ValueError("axis is out of bounds for a 2-d array")
        if axis % 2 == 0:
            out = np.empty(a.shape[1], dtype=result)
            for i in range(a.shape[1]):
                out[i] = reduce_view(a[:, i])
        else:
            out = np.empty(a.shape[0], dtype=result)
            for i in range(a.shape[0]):
                out[i] = reduce_view(a[i])
        return out

    return impl


def _reduction(name, method=True):
    """Register `impl_for(a)` as np.<name>(a) and, with `method`, as a.<name>(); with an
    integer axis on a 2-d array, it runs on each row or column."""

    def register(impl_for):
        def typing(a, axis=None):
            if not _is_array(a):
                return None
            if _no_axis(axis):
                return impl_for(a)
            if a.ndim == 2 and isinstance(axis, types.Integer):
                return _axis_impl(name, impl_for, a)
            return None

        overload(getattr(np, name))(typing)
        if method:
            overload_method(types.Array, name)(typing)
        return impl_for

    return register


@register_jitable
def _add(x, y):
    return x + y


@register_jitable
def _mul(x, y):
    return x * y


def _fold(start, combine, skip_nan=False):
    """A whole-array reduction folding the elements with `combine` from `start`, in the
    accumulator type NumPy uses for the dtype; `skip_nan` ignores NaNs (np.nansum...)."""

    def build(a):
        T = _sum_type(a.dtype)

        def impl(a, axis=None, ddof=0):
            acc = T(start)
            for x in a.ravel():
                if not skip_nan or x == x:
                    acc = combine(acc, x)
            return acc

        return impl

    return build


_reduction("sum")(_fold(0, _add))
_reduction("prod")(_fold(1, _mul))


@register_jitable
def _less_or_nan(x, best):
    return x < best or x != x


@register_jitable
def _greater_or_nan(x, best):
    return x > best or x != x


def _extreme(which):
    """np.min/np.max (NaN wins, as in NumPy); empty arrays raise ValueError."""
    pick = _less_or_nan if which == "min" else _greater_or_nan
    message = "zero-size array to reduction operation %s which has no identity" % ("minimum" if which == "min" else "maximum")

    def build(a):
        def impl(a, axis=None):
            flat = a.ravel()
            if flat.size == 0:
                raise ValueError(message)
            best = flat[0]
            for x in flat:
                if pick(x, best):
                    best = x
            return best

        return impl

    return build


_reduction("min")(_extreme("min"))
_reduction("max")(_extreme("max"))
_reduction("amin", method=False)(_extreme("min"))
_reduction("amax", method=False)(_extreme("max"))


@_reduction("mean")
def _mean(a):
    T = _mean_type(a.dtype)

    def impl(a, axis=None):
        acc = T(0)
        for x in a.ravel():
            acc += x
        return acc / T(a.size)

    return impl


def _variance(a):
    T = _mean_type(a.dtype)

    def impl(a):
        flat = a.ravel()
        mean = T(0)
        for x in flat:
            mean += x
        mean = mean / T(flat.size)
        acc = T(0)
        for x in flat:
            d = x - mean
            acc += d * d
        return acc / T(flat.size)

    return impl


@_reduction("var")
def _var(a):
    variance = _variance(a)
    from .decorators import njit

    core = njit(variance)

    def impl(a, axis=None):
        return core(a)

    return impl


@_reduction("std")
def _std(a):
    from .decorators import njit

    core = njit(_variance(a))

    def impl(a, axis=None):
        return np.sqrt(core(a))

    return impl


def _arg_extreme(pick_new, name):
    message = "attempt to get %s of an empty sequence" % name

    def build(a):
        def impl(a, axis=None):
            flat = a.ravel()
            if flat.size == 0:
                raise ValueError(message)
            best = flat[0]
            where = 0
            for i in range(flat.size):
                x = flat[i]
                if best != best:
                    break
                if pick_new(x, best):
                    best = x
                    where = i
            return where

        return impl

    return build


_reduction("argmin")(_arg_extreme(_less_or_nan, "argmin"))
_reduction("argmax")(_arg_extreme(_greater_or_nan, "argmax"))


@_reduction("any")
def _any(a):
    def impl(a, axis=None):
        for x in a.ravel():
            if x:
                return True
        return False

    return impl


@_reduction("all")
def _all(a):
    def impl(a, axis=None):
        for x in a.ravel():
            if not x:
                return False
        return True

    return impl


def _cumulative(name, start, combine):
    @_reduction(name)
    def build(a):
        T = _sum_type(a.dtype)

        def impl(a, axis=None):
            flat = a.ravel()
            out = np.empty(flat.size, dtype=T)
            acc = T(start)
            for i in range(flat.size):
                acc = combine(acc, flat[i])
                out[i] = acc
            return out

        return impl

    return build


_cumulative("cumsum", 0, _add)
_cumulative("cumprod", 1, _mul)


@overload(np.count_nonzero)
def _count_nonzero(a, axis=None):
    if not _is_array(a) or not _no_axis(axis):
        return None

    def impl(a, axis=None):
        n = 0
        for x in a.ravel():
            if x != 0:
                n += 1
        return n

    return impl


@overload(np.dot)
def _dot(a, b):
    if not (_is_array(a) and _is_array(b)):
        return None
    if a.ndim == 2 or b.ndim == 2:
        def matrix_product(a, b):
            return a @ b

        return matrix_product
    if a.ndim != 1 or b.ndim != 1:
        return None

    T = getattr(np, np.result_type(a.dtype.name, b.dtype.name).name)

    def impl(a, b):
        if a.size != b.size:
            raise ValueError("shapes not aligned")
        acc = T(0)
        for i in range(a.size):
            acc += a[i] * b[i]
        return acc

    return impl


@overload(np.linalg.norm)
def _norm(x, ord=None):
    """The seed talk's example: vector norms for every `ord`, Frobenius for matrices."""
    if not _is_array(x) or x.ndim not in (1, 2):
        return None
    if x.ndim == 2:
        if not _no_axis(ord):
            return None

        def frobenius(x, ord=None):
            acc = 0.0
            for v in x.ravel():
                acc += abs(v) ** 2
            return math.sqrt(acc)

        return frobenius

    def vector(x, ord=None):
        a = x
        n = a.size
        if n == 0:
            return 0.0
        if ord is None:
            acc = 0.0
            for k in range(n):
                acc += abs(a[k]) ** 2
            return math.sqrt(acc)
        if ord == np.inf:
            # max(abs(a))
            ret = abs(a[0])
            for k in range(1, n):
                val = abs(a[k])
                if val > ret:
                    ret = val
            return ret
        elif ord == -np.inf:
            # min(abs(a))
            ret = abs(a[0])
            for k in range(1, n):
                val = abs(a[k])
                if val < ret:
                    ret = val
            return ret
        elif ord == 0:
            # sum(a != 0)
            ret = 0.0
            for k in range(n):
                if a[k] != 0.0:
                    ret += 1.0
            return ret
        elif ord == 1:
            ret = 0.0
            for k in range(n):
                ret += abs(a[k])
            return ret
        elif ord == 2:
            acc = 0.0
            for k in range(n):
                acc += abs(a[k]) ** 2
            return math.sqrt(acc)
        else:
            ret = 0.0
            for k in range(n):
                ret += abs(a[k]) ** ord
            return ret ** (1.0 / ord)

    return vector


# ---- creation -------------------------------------------------------------------------

@overload(np.linspace)
def _linspace(start, stop, num=None, endpoint=None):
    def impl(start, stop, num=50, endpoint=True):
        out = np.empty(num, dtype=np.float64)
        if num == 1:
            out[0] = start
            return out
        div = num - 1 if endpoint else num
        step = (stop - start) / div
        for i in range(num):
            out[i] = start + i * step
        if endpoint and num > 1:
            out[num - 1] = stop
        return out

    return impl


@overload(np.eye)
def _eye(N, M=None, k=None, dtype=None):
    def impl(N, M=None, k=0, dtype=np.float64):
        m = N if M is None else M
        out = np.zeros((N, m), dtype=dtype)
        for i in range(N):
            j = i + k
            if 0 <= j < m:
                out[i, j] = 1
        return out

    return impl


@overload(np.identity)
def _identity(n, dtype=None):
    def impl(n, dtype=np.float64):
        out = np.zeros((n, n), dtype=dtype)
        for i in range(n):
            out[i, i] = 1
        return out

    return impl


# ---- sorting and searching ---------------------------------------------------------------

@register_jitable
def _merge_sort_indices(keys, order, scratch, lo, hi):
    """Stable bottom-up merge sort of order[lo:hi] by keys (NaN last, as NumPy sorts)."""
    width = 1
    n = hi - lo
    while width < n:
        start = lo
        while start < hi:
            mid = min(start + width, hi)
            end = min(start + 2 * width, hi)
            i = start
            j = mid
            k = start
            while i < mid and j < end:
                a = keys[order[i]]
                b = keys[order[j]]
                # b goes first only when strictly smaller (stability), NaN sorts last.
                if b < a or (a != a and b == b):
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
        for t in range(lo, hi):
            order[t] = scratch[t]
        width *= 2


@register_jitable
def _argsort_flat(flat):
    n = flat.size
    order = np.arange(n)
    scratch = np.empty(n, dtype=np.int64)
    _merge_sort_indices(flat, order, scratch, 0, n)
    return order


def _array_1d(a):
    return _is_array(a) and a.ndim == 1


@overload(np.argsort)
@overload_method(types.Array, "argsort")
def _argsort(a, axis=None, kind=None):
    if not _array_1d(a):
        return None

    def impl(a, axis=-1, kind=None):
        return _argsort_flat(a)

    return impl


@register_jitable
def _before(x, y):
    """x sorts before y: numbers ascending, NaN last (as NumPy sorts)."""
    return x < y or (y != y and x == x)


@register_jitable
def _quicksort(v):
    """Sort a 1-d array in place: quicksort with median-of-three pivots, an explicit stack
    (the smaller side first, so it stays small) and insertion sort for short runs."""
    n = v.size
    if n < 2:
        return
    stack = np.empty(128, dtype=np.int64)
    top = 0
    stack[0] = 0
    stack[1] = n - 1
    top = 2
    while top > 0:
        top -= 2
        lo = stack[top]
        hi = stack[top + 1]
        while hi - lo > 16:
            mid = (lo + hi) // 2
            if _before(v[mid], v[lo]):
                t = v[mid]
                v[mid] = v[lo]
                v[lo] = t
            if _before(v[hi], v[lo]):
                t = v[hi]
                v[hi] = v[lo]
                v[lo] = t
            if _before(v[hi], v[mid]):
                t = v[hi]
                v[hi] = v[mid]
                v[mid] = t
            pivot = v[mid]
            i = lo
            j = hi
            while i <= j:
                while _before(v[i], pivot):
                    i += 1
                while _before(pivot, v[j]):
                    j -= 1
                if i <= j:
                    t = v[i]
                    v[i] = v[j]
                    v[j] = t
                    i += 1
                    j -= 1
            # Recurse (via the stack) into the larger side later, loop on the smaller.
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
            while m >= lo and _before(x, v[m]):
                v[m + 1] = v[m]
                m -= 1
            v[m + 1] = x


@overload(np.sort)
def _sort(a, axis=None, kind=None):
    if not _array_1d(a):
        return None

    def impl(a, axis=-1, kind=None):
        out = a.copy()
        _quicksort(out)
        return out

    return impl


@overload_method(types.Array, "sort")
def _sort_in_place(a, axis=None, kind=None):
    if not _array_1d(a) or a.readonly:
        return None

    def impl(a, axis=-1, kind=None):
        _quicksort(a)

    return impl


@register_jitable
def _new_value(x, previous):
    """x differs from the previous sorted value (all NaNs count as one, as in NumPy)."""
    return x != previous and not (x != x and previous != previous)


@overload(np.unique)
def _unique(ar):
    if not _is_array(ar):
        return None

    def impl(ar):
        s = ar.flatten()
        _quicksort(s)
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


@overload(np.searchsorted)
def _searchsorted(a, v, side=None):
    if not _array_1d(a):
        return None
    if _is_array(v):
        def impl_many(a, v, side=None):
            flat = v.ravel()
            out = np.empty(flat.size, dtype=np.int64)
            for k in range(flat.size):
                out[k] = _bisect_left(a, flat[k])
            return out.reshape(v.shape)

        return impl_many

    def impl(a, v, side=None):
        return _bisect_left(a, v)

    return impl


@register_jitable
def _bisect_left(a, x):
    lo = 0
    hi = a.size
    while lo < hi:
        mid = (lo + hi) // 2
        if a[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo


@overload(np.median)
def _median(a, axis=None):
    if not _is_array(a) or not _no_axis(axis):
        return None

    def impl(a, axis=None):
        flat = a.ravel()
        n = flat.size
        if n == 0:
            return np.nan
        order = _argsort_flat(flat)
        if flat[order[n - 1]] != flat[order[n - 1]]:
            return np.nan
        half = n // 2
        if n % 2 == 1:
            return flat[order[half]] * 1.0
        return (flat[order[half - 1]] + flat[order[half]]) / 2.0

    return impl


# ---- combining and differencing ------------------------------------------------------------

@overload(np.concatenate)
def _concatenate(arrays, axis=None):
    if not isinstance(arrays, types.UniTupleType) or not _array_1d(arrays.dtype):
        return None

    def impl(arrays, axis=0):
        total = 0
        for arr in arrays:
            total += arr.size
        out = np.empty(total, dtype=arrays[0].dtype)
        k = 0
        for arr in arrays:
            for x in arr:
                out[k] = x
                k += 1
        return out

    return impl


@overload(np.hstack)
def _hstack(arrays):
    return _concatenate(arrays)


@overload(np.diff)
def _diff(a, n=None):
    if not _array_1d(a):
        return None

    def impl(a, n=1):
        out = a.copy()
        size = a.size
        for _ in range(n):
            for i in range(size - 1):
                out[i] = out[i + 1] - out[i]
            size -= 1
        return out[: max(size, 0)].copy()

    return impl


@overload(np.bincount)
def _bincount(x, weights=None, minlength=None):
    if not _array_1d(x) or not isinstance(x.dtype, (types.Integer, types.Boolean)):
        return None
    if weights is None or isinstance(weights, types.NoneType):
        def impl(x, weights=None, minlength=0):
            top = minlength
            for v in x:
                if v < 0:
                    raise ValueError("'x' argument must be non-negative")
                if v + 1 > top:
                    top = v + 1
            out = np.zeros(top, dtype=np.int64)
            for v in x:
                out[v] += 1
            return out

        return impl

    def impl_weighted(x, weights=None, minlength=0):
        top = minlength
        for v in x:
            if v < 0:
                raise ValueError("'x' argument must be non-negative")
            if v + 1 > top:
                top = v + 1
        out = np.zeros(top, dtype=np.float64)
        for i in range(x.size):
            out[x[i]] += weights[i]
        return out

    return impl_weighted


@overload(np.outer)
def _outer(a, b):
    if not (_is_array(a) and _is_array(b)):
        return None

    def impl(a, b):
        fa = a.ravel()
        fb = b.ravel()
        out = np.empty((fa.size, fb.size), dtype=T)
        for i in range(fa.size):
            for j in range(fb.size):
                out[i, j] = fa[i] * fb[j]
        return out

    T = getattr(np, np.result_type(a.dtype.name, b.dtype.name).name)
    return impl


@overload(np.trace)
def _trace(a):
    if not (_is_array(a) and a.ndim == 2):
        return None
    T = _sum_type(a.dtype)

    def impl(a):
        acc = T(0)
        for i in range(min(a.shape[0], a.shape[1])):
            acc += a[i, i]
        return acc

    return impl


# ---- NaN-ignoring reductions ------------------------------------------------------------------

def _nan_reduction(name):
    def register(build):
        def typing(a, axis=None, ddof=None):
            if not _is_array(a) or not _no_axis(axis):
                return None
            return build(a)

        overload(getattr(np, name))(typing)
        return build

    return register


_nan_reduction("nansum")(_fold(0, _add, skip_nan=True))
_nan_reduction("nanprod")(_fold(1, _mul, skip_nan=True))


@_nan_reduction("nanmean")
def _nanmean(a):
    T = _mean_type(a.dtype)

    def impl(a, axis=None, ddof=0):
        acc = T(0)
        n = 0
        for x in a.ravel():
            if x == x:
                acc += x
                n += 1
        return acc / T(n) if n > 0 else T(np.nan)

    return impl


def _nan_extreme(which):
    def build(a):
        def impl(a, axis=None, ddof=0):
            flat = a.ravel()
            if flat.size == 0:
                raise ValueError("zero-size array to reduction operation which has no identity")
            best = flat[0]
            found = False
            for x in flat:
                if x == x:
                    if not found or (x < best if which == 0 else x > best):
                        best = x
                        found = True
            if not found:
                return flat[0]
            return best

        return impl

    return build


_nan_reduction("nanmin")(_nan_extreme(0))
_nan_reduction("nanmax")(_nan_extreme(1))


def _nan_variance_impl(a, take_root):
    T = _mean_type(a.dtype)

    def impl(a, axis=None, ddof=0):
        mean = T(0)
        n = 0
        for x in a.ravel():
            if x == x:
                mean += x
                n += 1
        if n - ddof <= 0:
            return T(np.nan)
        mean = mean / T(n)
        acc = T(0)
        for x in a.ravel():
            if x == x:
                d = x - mean
                acc += d * d
        var = acc / T(n - ddof)
        return np.sqrt(var) if take_root else var

    return impl


_nan_reduction("nanvar")(lambda a: _nan_variance_impl(a, False))
_nan_reduction("nanstd")(lambda a: _nan_variance_impl(a, True))


def _nan_arg_extreme(which):
    def build(a):
        def impl(a, axis=None, ddof=0):
            flat = a.ravel()
            where = -1
            for i in range(flat.size):
                x = flat[i]
                if x == x and (where < 0 or (x < flat[where] if which == 0 else x > flat[where])):
                    where = i
            if where < 0:
                raise ValueError("All-NaN slice encountered")
            return where

        return impl

    return build


_nan_reduction("nanargmin")(_nan_arg_extreme(0))
_nan_reduction("nanargmax")(_nan_arg_extreme(1))


# ---- indexing with arrays (called by the compiler for a[mask], a[indices]) ---------------------

@register_jitable
def getitem_array(a, index):
    """a[mask] (a boolean array of a's shape) or a[indices] (an integer array, first axis
    of a 1-d array)."""
    flat = a.ravel()
    if index.dtype == np.bool_:
        if index.shape != a.shape:
            raise IndexError("boolean index did not match indexed array")
        mask = index.ravel()
        count = 0
        for m in mask:
            if m:
                count += 1
        out = np.empty(count, dtype=a.dtype)
        k = 0
        for i in range(flat.size):
            if mask[i]:
                out[k] = flat[i]
                k += 1
        return out
    idx = index.ravel()
    out = np.empty(idx.size, dtype=a.dtype)
    n = a.shape[0]
    for k in range(idx.size):
        j = idx[k]
        if j < 0:
            j += n
        if j < 0 or j >= n:
            raise IndexError("index out of bounds")
        out[k] = a[j]
    return out.reshape(index.shape)


@register_jitable
def setitem_array(a, index, value):
    """a[mask] = value and a[indices] = value, value a scalar or an array of the selection's size."""
    if index.dtype == np.bool_:
        if index.shape != a.shape:
            raise IndexError("boolean index did not match indexed array")
        _masked_store(a.ravel(), index.ravel(), value)
        return
    idx = index.ravel()
    n = a.shape[0]
    for k in range(idx.size):
        j = idx[k]
        if j < 0:
            j += n
        if j < 0 or j >= n:
            raise IndexError("index out of bounds")
        a[j] = _pick(value, k)


@register_jitable
def _masked_store(flat, mask, value):
    k = 0
    for i in range(flat.size):
        if mask[i]:
            flat[i] = _pick(value, k)
            k += 1


@overload(np.ndim)
def _ndim(a):
    def impl(a):
        return a.ndim

    return impl


def _pick_typing(value, k):
    if _is_array(value):
        def from_array(value, k):
            return value.ravel()[k]

        return from_array

    def scalar(value, k):
        return value

    return scalar


def _pick(value, k):
    raise RuntimeError("_pick is only for compiled code")


overload(_pick)(_pick_typing)


# ---- np.random beyond the native draws (seed, random, rand, randn, normal, uniform, randint) ----

@overload(np.random.shuffle)
def _shuffle(x):
    if not _array_1d(x) or x.readonly:
        return None

    def impl(x):
        # Fisher-Yates, drawing from the same generator as the native functions.
        for i in range(x.size - 1, 0, -1):
            j = np.random.randint(0, i + 1)
            t = x[i]
            x[i] = x[j]
            x[j] = t

    return impl


@overload(np.random.permutation)
def _permutation(x):
    if isinstance(x, types.Integer):
        def of_count(x):
            out = np.arange(x)
            np.random.shuffle(out)
            return out

        return of_count
    if _array_1d(x):
        def of_array(x):
            out = x.copy()
            np.random.shuffle(out)
            return out

        return of_array
    return None


@overload(np.random.choice)
def _choice(a):
    if isinstance(a, types.Integer):
        def from_count(a):
            return np.random.randint(0, a)

        return from_count
    if _array_1d(a):
        def from_array(a):
            return a[np.random.randint(0, a.size)]

        return from_array
    return None


# ---- linear algebra: LU with partial pivoting ---------------------------------------------------

_LinAlgError = np.linalg.LinAlgError


def _square_float(a):
    return _is_array(a) and a.ndim == 2 and isinstance(a.dtype, (types.Float, types.Integer))


@register_jitable
def _lu(a):
    """LU factors of a square matrix (in one float64 array) with the row permutation and
    its sign; raises LinAlgError for a singular matrix when `strict`."""
    n = a.shape[0]
    if a.shape[1] != n:
        raise _LinAlgError("Last 2 dimensions of the array must be square")
    lu = a.astype(np.float64)
    perm = np.arange(n)
    sign = 1.0
    singular = False
    for k in range(n):
        p = k
        best = abs(lu[k, k])
        for i in range(k + 1, n):
            if abs(lu[i, k]) > best:
                best = abs(lu[i, k])
                p = i
        if best == 0.0:
            singular = True
            continue
        if p != k:
            for j in range(n):
                t = lu[k, j]
                lu[k, j] = lu[p, j]
                lu[p, j] = t
            t2 = perm[k]
            perm[k] = perm[p]
            perm[p] = t2
            sign = -sign
        for i in range(k + 1, n):
            f = lu[i, k] / lu[k, k]
            lu[i, k] = f
            for j in range(k + 1, n):
                lu[i, j] -= f * lu[k, j]
    return lu, perm, sign, singular


@register_jitable
def _lu_solve(lu, perm, b):
    n = lu.shape[0]
    x = np.empty(n, dtype=np.float64)
    for i in range(n):
        s = b[perm[i]]
        for j in range(i):
            s -= lu[i, j] * x[j]
        x[i] = s
    for i in range(n - 1, -1, -1):
        s = x[i]
        for j in range(i + 1, n):
            s -= lu[i, j] * x[j]
        x[i] = s / lu[i, i]
    return x


@overload(np.linalg.det)
def _det(a):
    if not _square_float(a):
        return None

    def impl(a):
        lu, perm, sign, singular = _lu(a)
        if singular:
            return 0.0
        d = sign
        for i in range(lu.shape[0]):
            d *= lu[i, i]
        return d

    return impl


@overload(np.linalg.solve)
def _solve(a, b):
    if not _square_float(a) or not _is_array(b) or b.ndim not in (1, 2):
        return None
    if b.ndim == 1:
        def vector(a, b):
            lu, perm, sign, singular = _lu(a)
            if singular:
                raise _LinAlgError("Singular matrix")
            if b.shape[0] != lu.shape[0]:
                raise ValueError("solve: b does not match the matrix")
            return _lu_solve(lu, perm, b.astype(np.float64))

        return vector

    def matrix(a, b):
        lu, perm, sign, singular = _lu(a)
        if singular:
            raise _LinAlgError("Singular matrix")
        if b.shape[0] != lu.shape[0]:
            raise ValueError("solve: b does not match the matrix")
        out = np.empty((b.shape[0], b.shape[1]), dtype=np.float64)
        for j in range(b.shape[1]):
            col = _lu_solve(lu, perm, b[:, j].astype(np.float64))
            for i in range(b.shape[0]):
                out[i, j] = col[i]
        return out

    return matrix


@overload(np.linalg.inv)
def _inv(a):
    if not _square_float(a):
        return None

    def impl(a):
        lu, perm, sign, singular = _lu(a)
        if singular:
            raise _LinAlgError("Singular matrix")
        n = lu.shape[0]
        out = np.empty((n, n), dtype=np.float64)
        e = np.zeros(n)
        for j in range(n):
            e[:] = 0.0
            e[j] = 1.0
            col = _lu_solve(lu, perm, e)
            for i in range(n):
                out[i, j] = col[i]
        return out

    return impl
