"""Counting values into bins: bincount and histogram."""

import numpy as np

from . import types
from ._np_arraylike import _as_array
from ._np_shapes import _array_1d, _is_array, _sum_type
from .extending import overload, register_jitable


@register_jitable
def _bin_count_length(x, minlength):
    """np.bincount's result length: max(x) + 1, at least minlength; NumPy's errors."""
    if minlength < 0:
        raise ValueError("'minlength' must not be negative")
    top = minlength
    for v in x:
        if v < 0:
            raise ValueError("first argument must be non-negative")
        if v + 1 > top:
            top = v + 1
    return top


@overload(np.bincount)
def _bincount(x, weights=None, minlength=None):
    if isinstance(x, types.List) and isinstance(x.dtype, (types.Integer, types.Boolean)):
        # A list of counts: as the array np.asarray makes of it.
        def of_list(x, weights=None, minlength=0):
            return np.bincount(_as_array(x), weights, minlength)

        return of_list
    if not _array_1d(x) or not isinstance(x.dtype, (types.Integer, types.Boolean)):
        return None
    if weights is None or isinstance(weights, types.NoneType):
        def impl(x, weights=None, minlength=0):
            out = np.zeros(_bin_count_length(x, minlength), dtype=np.int64)
            for v in x:
                out[v] += 1
            return out

        return impl

    if not (_array_1d(weights) and isinstance(weights.dtype, (types.Integer, types.Float, types.Boolean))):
        return None

    def impl_weighted(x, weights=None, minlength=0):
        if weights.size != x.size:
            raise ValueError("The weights and list don't have the same length.")
        out = np.zeros(_bin_count_length(x, minlength), dtype=np.float64)
        for i in range(x.size):
            out[x[i]] += np.float64(weights[i])
        return out

    return impl_weighted


def _stand_in(t, value):
    """A Python-side value of what type `t` holds in the caller, for asking NumPy which
    dtypes it picks: int64 and float64 arrive from Python ints and floats ("weak"
    scalars), other types from NumPy scalars."""
    if t == types.int64:
        return int(value)
    if t == types.float64:
        return float(value)
    return getattr(np, t.name)(value)


def _histogram_dtypes(a, range_types):
    """(compare, edges, linspace, shifted_linspace): the dtypes NumPy's histogram uses to
    keep values inside the range, for the bin edges, and to compute the edges by linspace
    (before and after an empty range is widened by 0.5 each way)."""
    a_dt = np.dtype(a.dtype.name)
    if range_types is None:
        first, last = a_dt.type(0), a_dt.type(1)
        compare = a_dt
    else:
        first, last = _stand_in(range_types[0], 0), _stand_in(range_types[1], 1)
        compare = np.result_type(a_dt, first)
        if compare.kind in "iub":
            # NumPy compares integers with integer bounds exactly.
            compare = np.dtype(np.float64) if a_dt == np.uint64 else np.dtype(np.int64)
    edges = np.result_type(first, last, a_dt)
    if edges.kind in "iub":
        edges = np.result_type(edges, float)
    linspace = np.linspace(first, last, 2).dtype
    shifted = np.linspace(first - 0.5, last + 0.5, 2).dtype
    as_type = lambda d: getattr(np, np.dtype(d).name)
    return as_type(compare), as_type(edges), as_type(linspace), as_type(shifted)


def _edges_function(L, E):
    """np.linspace(first, last, n + 1) computed in dtype L, then cast to the edge dtype E."""
    from .decorators import njit

    def edges(first, last, n):
        out = np.empty(n + 1, dtype=E)
        start = L(first)
        stop = L(last)
        delta = stop - start
        step = delta / L(n)
        for i in range(n + 1):
            if step == 0:
                out[i] = E((L(i) / L(n)) * delta + start)
            else:
                out[i] = E(L(i) * step + start)
        out[n] = E(stop)
        for i in range(n):
            if out[i] >= out[i + 1]:
                raise ValueError("Too many bins for data range. Cannot create finite-sized bins.")
        return out

    return njit(edges)


@register_jitable
def _min_max(flat):
    """(min, max) of a non-empty 1-d array in one pass, NaN winning (as np.min/np.max)."""
    lo = flat[0]
    hi = flat[0]
    nan = False
    for x in flat:
        lo = x if x < lo else lo
        hi = x if x > hi else hi
        nan = nan | (x != x)
    if nan:
        for x in flat:
            if x != x:
                return x, x
    return lo, hi


@register_jitable
def _min_max_float(flat):
    """_min_max for floats, vectorized: a running minimum and maximum per position in a
    block of 256 (element by element, which vectorizes, where one running value does
    not), reduced at the end. The result is _min_max's: equal values are identical except
    zeros, so a zero extreme is the first zero of the array, as a sequential pass keeps."""
    size = flat.size
    w = 256
    if size < 2 * w:
        return _min_max(flat)
    lows = flat[:w].copy()
    highs = flat[:w].copy()
    nans = 0
    full = size - size % w
    for c0 in range(0, full, w):
        for j in range(w):
            x = flat[c0 + j]
            lows[j] = x if x < lows[j] else lows[j]
            highs[j] = x if x > highs[j] else highs[j]
            nans += x != x
    for i in range(full, size):
        x = flat[i]
        nans += x != x
    if nans != 0:
        for x in flat:
            if x != x:
                return x, x
    lo = lows[0]
    hi = highs[0]
    for j in range(1, w):
        lo = lows[j] if lows[j] < lo else lo
        hi = highs[j] if highs[j] > hi else hi
    for i in range(full, size):
        x = flat[i]
        lo = x if x < lo else lo
        hi = x if x > hi else hi
    if lo == 0:
        for x in flat:
            if x == 0:
                lo = x
                break
    if hi == 0:
        for x in flat:
            if x == 0:
                hi = x
                break
    return lo, hi


_HIST_CHUNK = 1024


def _counts_function(E):
    """Counts of flat's values in the n bins (edges[i] <= x < edges[i + 1], the last bin
    closed), skipping values outside [lo, hi] (NaN too), as NumPy's histogram counts: an
    estimate of the bin from the value (in the edge dtype E), corrected against the edges."""
    from .decorators import njit

    eps = float(np.finfo(E).eps)
    chunk = _HIST_CHUNK

    def counts(flat, edges, n, lo, hi, first, last, inside):
        # `inside`: every value is known to lie in [lo, hi] (a range taken from the data).
        # hist[n] counts, per chunk, the values that take the long way (then reset).
        hist = np.zeros(n + 1, dtype=np.int64)
        # The estimate divides by the range as given (as NumPy does), not by its edges.
        start = np.float64(first)
        scale = n / (np.float64(last) - start)
        # How far (in bins) the estimate below may be from where the edges put a value:
        # the edges' rounding, relative to their magnitude. Away from an edge by more than
        # that, the estimate is the bin; nearer, the edges decide.
        near = 16.0 * eps * max(abs(start), abs(np.float64(last))) * abs(scale) + 1e-9 * n
        nf = np.float64(n)
        size = flat.size
        # Chunk by chunk: first the bin of every value as a float, or n where the range or
        # the edges must decide (a loop without branches or integer conversions, which
        # vectorizes), then the counting without branches, then the values counted in
        # bin n take the long way.
        bins = np.empty(min(size, chunk), dtype=np.float64)
        for c0 in range(0, size, chunk):
            m = min(chunk, size - c0)
            for j in range(m):
                x = flat[c0 + j]
                f = (np.float64(E(x)) - start) * scale
                fl = np.floor(f)
                d = f - fl
                ok = (d >= near) & (d <= 1.0 - near) & (fl >= 0.0) & (fl < nf) & (x >= lo) & (x <= hi)
                bins[j] = fl if ok else nf
            for j in range(m):
                hist[np.uint32(bins[j])] += 1
            if hist[n] == 0:
                continue
            hist[n] = 0
            for j in range(m):
                if bins[j] != nf:
                    continue
                x = flat[c0 + j]
                if not inside:
                    if not (x >= lo and x <= hi):
                        continue
                xe = E(x)
                f = (np.float64(xe) - start) * scale
                k = int(f)
                if k > n - 1:
                    k = n - 1
                if k < 0:
                    k = 0
                d = f - k
                if d < near or d > 1.0 - near:
                    if xe < edges[k]:
                        if k == 0:
                            continue
                        k -= 1
                    elif k != n - 1 and xe >= edges[k + 1]:
                        k += 1
                hist[k] += 1
        return hist[:n].copy()

    return njit(counts)


@register_jitable
def _pairwise_sum(a, lo, n, zero):
    """NumPy's sum of a contiguous run a[lo:lo + n] (its pairwise summation, in a's
    dtype), so that a float sum rounds as np.sum's does."""
    if n < 8:
        res = -zero
        for i in range(lo, lo + n):
            res += a[i]
        return res
    if n <= 128:
        r0 = a[lo]
        r1 = a[lo + 1]
        r2 = a[lo + 2]
        r3 = a[lo + 3]
        r4 = a[lo + 4]
        r5 = a[lo + 5]
        r6 = a[lo + 6]
        r7 = a[lo + 7]
        i = 8
        while i < n - n % 8:
            r0 += a[lo + i]
            r1 += a[lo + i + 1]
            r2 += a[lo + i + 2]
            r3 += a[lo + i + 3]
            r4 += a[lo + i + 4]
            r5 += a[lo + i + 5]
            r6 += a[lo + i + 6]
            r7 += a[lo + i + 7]
            i += 8
        res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
        while i < n:
            res += a[lo + i]
            i += 1
        return res
    n2 = n // 2
    n2 -= n2 % 8
    return _pairwise_sum(a, lo, n2, zero) + _pairwise_sum(a, lo + n2, n - n2, zero)


_HIST_BLOCK = 65536


def _weight_type(weights):
    """The dtype of a weighted histogram (the weights'), or None where unsupported."""
    if not (_is_array(weights) and isinstance(weights.dtype, (types.Integer, types.Float))):
        return None
    return getattr(np, weights.dtype.name)


def _weighted_counts_function(E, W):
    """Sums of the weights of flat's values in the n equal bins, as NumPy's histogram
    sums them: per block of 65536 values a float64 sum per bin (np.bincount), cast to
    the weights' dtype W and added. A value's bin is the edges' (the estimate corrected
    against them, as _counts_function's long way)."""
    from .decorators import njit

    def weighted(flat, w, edges, n, lo, hi, first, last):
        out = np.zeros(n, dtype=W)
        acc = np.zeros(n, dtype=np.float64)
        start = np.float64(first)
        scale = n / (np.float64(last) - start)
        size = flat.size
        for b0 in range(0, size, _HIST_BLOCK):
            for j in range(n):
                acc[j] = 0.0
            for i in range(b0, min(size, b0 + _HIST_BLOCK)):
                x = flat[i]
                if not (x >= lo and x <= hi):
                    continue
                xe = E(x)
                f = (np.float64(xe) - start) * scale
                k = int(f) if f < n else n - 1
                if k > n - 1:
                    k = n - 1
                if k < 0:
                    k = 0
                while k > 0 and xe < edges[k]:
                    k -= 1
                while k < n - 1 and xe >= edges[k + 1]:
                    k += 1
                acc[k] += np.float64(w[i])
            for j in range(n):
                out[j] = out[j] + W(acc[j])
        return out

    return njit(weighted)


def _density_function(N, E):
    """n / diff(edges) / n.sum() as NumPy computes it (the differences in the edges'
    dtype E, then in float64; the sum NumPy's, in N's sum type)."""
    from .decorators import njit

    S = _sum_type(getattr(types, np.dtype(N).name))
    floating = np.issubdtype(N, np.floating)

    def density(n, edges):
        k = n.size
        if floating:
            total = _pairwise_sum(n, 0, k, N(0))
        else:
            total = S(0)
            for i in range(k):
                total += S(n[i])
        db = np.empty(k, dtype=np.float64)
        for i in range(k):
            db[i] = np.float64(E(edges[i + 1] - edges[i]))
        # Array division: NumPy's (a zero total gives NaN, not ZeroDivisionError).
        return n.astype(np.float64) / db / np.full(k, np.float64(total))

    return njit(density)


def _edges_counts_function(C, W):
    """Counts (or sums of weights, W not None) over an array of edges, NumPy's way: the
    values sorted (in the dtype C that searchsorted compares in), the cumulative counts
    at the edges (searchsorted left, right for the last edge) and their differences."""
    from .decorators import njit

    if W is None:
        def counts(flat, edges, w):
            sa = np.sort(flat.astype(C))
            e = edges.astype(C)
            k = e.size
            cum = np.empty(k, dtype=np.int64)
            for i in range(k):
                if i == k - 1:
                    cum[i] = np.searchsorted(sa, e[i], side="right")
                else:
                    cum[i] = np.searchsorted(sa, e[i])
            out = np.empty(max(k - 1, 0), dtype=np.int64)
            for i in range(k - 1):
                out[i] = cum[i + 1] - cum[i]
            return out

        return njit(counts)
    # The running sums: in W for floats, in NumPy's cumsum type (int64/uint64) otherwise.
    R = W if np.issubdtype(W, np.floating) else _sum_type(getattr(types, np.dtype(W).name))

    def weighted(flat, edges, w):
        order = np.argsort(flat, kind="stable")
        sa = flat[order].astype(C)
        e = edges.astype(C)
        cw = np.empty(sa.size + 1, dtype=R)
        cw[0] = R(0)
        for i in range(sa.size):
            cw[i + 1] = cw[i] + R(w[order[i]])
        k = e.size
        cum = np.empty(k, dtype=W)
        for i in range(k):
            if i == k - 1:
                cum[i] = W(cw[np.searchsorted(sa, e[i], side="right")])
            else:
                cum[i] = W(cw[np.searchsorted(sa, e[i])])
        out = np.empty(max(k - 1, 0), dtype=W)
        for i in range(k - 1):
            out[i] = cum[i + 1] - cum[i]
        return out

    return njit(weighted)


@overload(np.histogram)
def _histogram(a, bins=None, range=None, density=None, weights=None, **extra):
    """np.histogram with a number of bins (10 by default) and an optional (min, max) range,
    or an array of edges (then the range is ignored); weights= and density=: NumPy's
    edges (linspace in the dtypes NumPy picks) and its counting."""
    if not _is_array(a) or extra or isinstance(a.dtype, (types.Boolean, types.Complex)):
        return None
    unweighted = weights is None or isinstance(weights, types.NoneType)
    W = None if unweighted else _weight_type(weights)
    if not unweighted and W is None:
        return None
    if not (density is None or isinstance(density, (types.NoneType, types.Boolean))):
        return None
    from .decorators import njit

    def check_weights(a, w):
        if w.shape != a.shape:
            raise ValueError("weights should have the same shape as a.")

    check_weights = njit(check_weights) if not unweighted else None

    if _array_1d(bins):
        if not isinstance(bins.dtype, (types.Integer, types.Float)):
            return None
        if not (range is None or isinstance(range, types.NoneType) or isinstance(range, types.BaseTuple)):
            return None
        C = getattr(np, np.result_type(np.dtype(a.dtype.name), np.dtype(bins.dtype.name)).name)
        E = getattr(np, bins.dtype.name)
        counts_over = _edges_counts_function(C, W)
        result = _histogram_result(density, _density_function(np.int64 if W is None else W, E))

        def with_edges(a, bins=10, range=None, density=None, weights=None):
            for i in builtins_range(bins.size - 1):
                if bins[i] > bins[i + 1]:
                    raise ValueError("`bins` must increase monotonically, when an array")
            if weights is None:
                n = counts_over(a.ravel(), bins, 0)
            else:
                check_weights(a, weights)
                n = counts_over(a.ravel(), bins, weights.ravel())
            return result(n, bins, density)

        return with_edges
    if not (bins is None or isinstance(bins, types.Integer)):
        return None
    given = not (range is None or isinstance(range, types.NoneType))
    if given:
        if not (isinstance(range, types.BaseTuple) and len(range) == 2
                and all(isinstance(t, (types.Integer, types.Float)) for t in range)):
            return None
        C, E, L, Ls = _histogram_dtypes(a, list(range))
    else:
        C, E, L, Ls = _histogram_dtypes(a, None)
    # Bounds widened by 0.5 are compared as floats.
    Cs = C if np.issubdtype(C, np.floating) else np.float64
    edges_of = _edges_function(L, E)
    widened_edges_of = _edges_function(Ls, E)
    counts = _counts_function(E) if W is None else _weighted_counts_function(E, W)
    density_of = _density_function(np.int64 if W is None else W, E)
    N = np.int64 if W is None else W

    if W is None:
        def count(flat, w, edges, n, lo, hi, first, last, inside):
            return counts(flat, edges, n, lo, hi, first, last, inside)
    else:
        def count(flat, w, edges, n, lo, hi, first, last, inside):
            return counts(flat, w, edges, n, lo, hi, first, last)
    count = njit(count)

    def finish(flat, w, n, first, last, lo, hi, inside):
        if first == last:
            first_w = first - 0.5
            last_w = last + 0.5
            edges = widened_edges_of(first_w, last_w, n)
            return count(flat, w, edges, n, Cs(first_w), Cs(last_w), first_w, last_w, inside), edges
        edges = edges_of(first, last, n)
        return count(flat, w, edges, n, lo, hi, first, last, inside), edges

    finish = njit(finish)

    def flat_weights(a, weights):
        if weights is None:
            return a.ravel()[:0]
        check_weights(a, weights)
        return weights.ravel()

    flat_weights = njit(flat_weights)

    result = _histogram_result(density, density_of)

    if given:
        def with_range(a, bins=10, range=None, density=None, weights=None):
            if bins < 1:
                raise ValueError("`bins` must be positive, when an integer")
            w = flat_weights(a, weights)
            first = range[0]
            last = range[1]
            if first > last:
                raise ValueError("max must be larger than min in range parameter.")
            if not (np.isfinite(first) and np.isfinite(last)):
                raise ValueError("supplied range of the histogram is not finite")
            hist, edges = finish(a.ravel(), w, bins, first, last, C(first), C(last), False)
            return result(hist, edges, density)

        return with_range
    # An empty array without a range: NumPy's range is (0, 1), as Python ints.
    empty_edges_of = _edges_function(np.float64, E)
    min_max = _min_max_float if isinstance(a.dtype, types.Float) else _min_max

    def from_data(a, bins=10, range=None, density=None, weights=None):
        if bins < 1:
            raise ValueError("`bins` must be positive, when an integer")
        w = flat_weights(a, weights)
        flat = a.ravel()
        if flat.size == 0:
            return result(np.zeros(bins, dtype=N), empty_edges_of(0, 1, bins), density)
        first, last = min_max(flat)
        if not (np.isfinite(first) and np.isfinite(last)):
            raise ValueError("autodetected range of the histogram is not finite")
        hist, edges = finish(flat, w, bins, first, last, C(first), C(last), True)
        return result(hist, edges, density)

    return from_data


builtins_range = range


def _histogram_result(density, density_of):
    """(hist, edges), or (density, edges) for density=True. Which one is a matter of
    type: `density=False` written as a constant is a literal and gives the counts; a bool
    variable is known only at run time, so it gives densities and raises when false."""
    from .decorators import njit
    from .errors import TypingError

    counts_wanted = isinstance(density, types.BooleanLiteral) and not density.literal_value
    if density is None or isinstance(density, types.NoneType) or counts_wanted:
        def counts(hist, edges, density):
            return hist, edges

        return njit(counts)

    def densities(hist, edges, density):
        if not density:
            raise TypingError("np.histogram(density=d) with d false at run time: write density=False, or leave it out, for the counts")
        return density_of(hist, edges), edges

    return njit(densities)
