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


def _reduction(name, method=True):
    """Register `impl_for(a)` as np.<name>(a) and, with `method`, as a.<name>()."""

    def register(impl_for):
        def typing(a, axis=None):
            if not _is_array(a) or not _no_axis(axis):
                return None
            return impl_for(a)

        overload(getattr(np, name))(typing)
        if method:
            overload_method(types.Array, name)(typing)
        return impl_for

    return register


@_reduction("sum")
def _sum(a):
    T = _sum_type(a.dtype)

    def impl(a, axis=None):
        acc = T(0)
        for x in a.ravel():
            acc += x
        return acc

    return impl


@_reduction("prod")
def _prod(a):
    T = _sum_type(a.dtype)

    def impl(a, axis=None):
        acc = T(1)
        for x in a.ravel():
            acc *= x
        return acc

    return impl


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


@register_jitable
def _add(x, y):
    return x + y


@register_jitable
def _mul(x, y):
    return x * y


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
    if not (_is_array(a) and _is_array(b) and a.ndim == 1 and b.ndim == 1):
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
