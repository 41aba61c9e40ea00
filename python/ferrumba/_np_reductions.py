"""NumPy's reductions: sum, prod, min/max, mean, var/std, argmin/argmax, any/all,
cumsum/cumprod, count_nonzero, their NaN-ignoring forms and diff, whole-array or along
an axis."""

import numpy as np

from . import types
from ._np_shapes import (_as_3d, _is_array, _mean_type, _no_axis, _normalize_axis, _replaced_axis, _rows_along,
                         _sum_type, _without_axis)
from .extending import overload, overload_method, register_jitable


_DIVIDERS = {}


def _divider(T):
    """x / n (n an integer count) as NumPy divides a reduction's sum by its count: in
    float64 (complex128), rounded to T after (a float32 mean of 2**24 + 1 elements differs
    otherwise); inf or NaN for n == 0 (with NumPy's warning left out), never
    ZeroDivisionError."""
    from .decorators import njit

    if T not in _DIVIDERS:
        if np.issubdtype(T, np.complexfloating):
            def divide(x, n):
                if n == 0:
                    # Only empty sums are divided by 0 here: 0 / 0.
                    return T(complex(np.nan, np.nan))
                return T(np.complex128(x) / np.float64(n))
        else:
            def divide(x, n):
                if n == 0:
                    if x != x or x == 0:
                        return T(np.nan)
                    if x > 0:
                        return T(np.inf)
                    return T(-np.inf)
                return T(np.float64(x) / np.float64(n))

        _DIVIDERS[T] = njit(divide)
    return _DIVIDERS[T]


def _result_dtype(name, dtype):
    """The dtype NumPy's reduction `name` gives for arrays of `dtype`."""
    probe = np.ones(1, dtype=dtype.name)
    return getattr(np, np.asarray(getattr(np, name)(probe)).dtype.name)


def _axis_impl(name, impl_for, a, empty_error=None):
    """A reduction along an integer axis of an array of any ndim: the whole-array
    implementation run on each line along the axis (NumPy gives a scalar for 1-d arrays).
    `empty_error`: reducing along an axis of length 0 raises ValueError with this message."""
    from .decorators import njit

    reduce_line = njit(impl_for(types.Array(a.dtype, 1, "C")))
    result = _result_dtype(name, a.dtype)
    if a.ndim <= 1:
        # NumPy's ufunc reductions (and argmin/argmax) take axis 0 or -1 of a 0-d array
        # too; mean does not.
        ndim = a.ndim if name == "mean" else 1

        def scalar(a, axis=None):
            _normalize_axis(axis, ndim)
            return reduce_line(a.ravel())

        return scalar
    without = _without_axis(a.ndim)
    check_empty = empty_error is not None
    message = empty_error or ""

    def impl(a, axis=None):
        ax = _normalize_axis(axis, a.ndim)
        rows = _rows_along(a, ax)
        if check_empty and rows.shape[1] == 0:
            raise ValueError(message)
        out = np.empty(rows.shape[0], dtype=result)
        for r in range(rows.shape[0]):
            out[r] = reduce_line(rows[r])
        return out.reshape(without(a.shape, ax))

    return impl


def _reduction(name, method=True, empty_error=None, axis_impl=None):
    """Register `impl_for(a)` as np.<name>(a) and, with `method`, as a.<name>(); with an
    integer axis it runs along that axis (`axis_impl(a)` when given, else each line)."""

    def register(impl_for):
        def typing(a, axis=None, **extra):
            if isinstance(a, (types.Number, types.Boolean)) and not extra and _no_axis(axis):
                # NumPy reduces a scalar as a one-element array (np.max(2.5) is 2.5).
                from .decorators import njit

                of_array = njit(impl_for(types.Array(a, 1, "C")))

                def scalar(a, axis=None):
                    return of_array(np.full(1, a))

                return scalar
            if not _is_array(a) or extra:
                return None
            if _no_axis(axis):
                return impl_for(a)
            if isinstance(axis, types.Integer):
                if axis_impl is not None:
                    return axis_impl(a)
                return _axis_impl(name, impl_for, a, empty_error)
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


def _fold_along(name, start, combine):
    """sum/prod along an axis: every output element folds its line in order (as the
    whole-array fold does), with the innermost loop running over contiguous memory."""

    def build(a):
        T = _sum_type(a.dtype)
        if a.ndim <= 1:
            whole = _fold(start, combine)(a)
            from .decorators import njit

            fold = njit(whole)

            def scalar(a, axis=None):
                _normalize_axis(axis, 1)
                return fold(a)

            return scalar
        without = _without_axis(a.ndim)

        def impl(a, axis=None):
            ax = _normalize_axis(axis, a.ndim)
            b = _as_3d(a, ax)
            outer = b.shape[0]
            n = b.shape[1]
            inner = b.shape[2]
            out = np.empty((outer, inner), dtype=T)
            if inner == 1:
                rows = b.reshape((outer, n))
                for o in range(outer):
                    row = rows[o]
                    total = T(start)
                    for k in range(n):
                        total = combine(total, row[k])
                    out[o, 0] = total
            else:
                out[:, :] = T(start)
                for o in range(outer):
                    acc = out[o]
                    for k in range(n):
                        line = b[o, k]
                        for i in range(inner):
                            acc[i] = combine(acc[i], line[i])
            return out.reshape(without(a.shape, ax))

        return impl

    return build


_reduction("sum", axis_impl=_fold_along("sum", 0, _add))(_fold(0, _add))
_reduction("prod", axis_impl=_fold_along("prod", 1, _mul))(_fold(1, _mul))


@register_jitable
def _less_or_nan(x, best):
    if isinstance(x, complex):
        # NumPy orders complex numbers by real part, then imaginary part. The first NaN
        # met stays: which one it is shows in the parts of the result.
        return best == best and (x.real < best.real or (x.real == best.real and x.imag < best.imag) or x != x)
    return x < best or x != x


@register_jitable
def _greater_or_nan(x, best):
    if isinstance(x, complex):
        return best == best and (x.real > best.real or (x.real == best.real and x.imag > best.imag) or x != x)
    return x > best or x != x


def _extreme_message(which):
    return "zero-size array to reduction operation %s which has no identity" % ("minimum" if which == "min" else "maximum")


def _extreme(which):
    """np.min/np.max (NaN wins, as in NumPy); empty arrays raise ValueError."""
    pick = _less_or_nan if which == "min" else _greater_or_nan
    message = _extreme_message(which)

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


def _extreme_along(which):
    """min/max along an axis as sum is: every output element keeps the best of its line so
    far (NaN, once met, stays), the innermost loop over contiguous memory."""
    pick = _less_or_nan if which == "min" else _greater_or_nan
    message = _extreme_message(which)

    def build(a):
        if a.ndim <= 1:
            return _axis_impl(which, _extreme(which), a, message)
        without = _without_axis(a.ndim)

        def impl(a, axis=None):
            ax = _normalize_axis(axis, a.ndim)
            b = _as_3d(a, ax)
            outer = b.shape[0]
            n = b.shape[1]
            inner = b.shape[2]
            if n == 0:
                raise ValueError(message)
            out = np.empty((outer, inner), dtype=a.dtype)
            if inner == 1:
                rows = b.reshape((outer, n))
                for o in range(outer):
                    row = rows[o]
                    best = row[0]
                    for k in range(1, n):
                        if pick(row[k], best):
                            best = row[k]
                    out[o, 0] = best
            else:
                for o in range(outer):
                    acc = out[o]
                    first = b[o, 0]
                    for i in range(inner):
                        acc[i] = first[i]
                    for k in range(1, n):
                        line = b[o, k]
                        for i in range(inner):
                            if pick(line[i], acc[i]):
                                acc[i] = line[i]
            return out.reshape(without(a.shape, ax))

        return impl

    return build


_reduction("min", axis_impl=_extreme_along("min"))(_extreme("min"))
_reduction("max", axis_impl=_extreme_along("max"))(_extreme("max"))
_reduction("amin", method=False, axis_impl=_extreme_along("min"))(_extreme("min"))
_reduction("amax", method=False, axis_impl=_extreme_along("max"))(_extreme("max"))


@_reduction("mean")
def _mean(a):
    T = _mean_type(a.dtype)
    divide = _divider(T)

    def impl(a, axis=None):
        acc = T(0)
        for x in a.ravel():
            acc += x
        return divide(acc, a.size)

    return impl


@register_jitable
def _squared_magnitude(d):
    if isinstance(d, complex):
        # NumPy squares the parts in the real type and adds them (var of complex is real).
        return d.real * d.real + d.imag * d.imag
    return d * d


def _real_type(T):
    return {np.complex64: np.float32, np.complex128: np.float64}.get(T, T)


def _variance(a, take_root):
    """var/std of the whole array, `ddof` delta degrees of freedom (NumPy's two passes:
    the mean, then the mean squared deviation)."""
    T = _mean_type(a.dtype)
    V = _real_type(T)
    divide = _divider(T)
    divide_real = _divider(V)

    def impl(a, ddof=0):
        flat = a.ravel()
        mean = T(0)
        for x in flat:
            mean += x
        mean = divide(mean, flat.size)
        acc = V(0)
        for x in flat:
            acc += _squared_magnitude(x - mean)
        var = divide_real(acc, max(flat.size - ddof, 0))
        if take_root:
            return np.sqrt(var)
        return var

    return impl


def _register_variance(name, take_root):
    from .decorators import njit

    def typing(a, axis=None, ddof=None, **extra):
        if extra or not (_no_axis(ddof) or isinstance(ddof, (types.Integer, types.Boolean))):
            return None
        if isinstance(a, (types.Number, types.Boolean)) and _no_axis(axis):
            # NumPy's var of a scalar is that of a one-element array.
            of_array = njit(_variance(types.Array(a, 1, "C"), take_root))

            def scalar(a, axis=None, ddof=0):
                return of_array(np.full(1, a), ddof)

            return scalar
        if not _is_array(a):
            return None
        core = njit(_variance(a, take_root))
        if _no_axis(axis):
            def whole(a, axis=None, ddof=0):
                return core(a, ddof)

            return whole
        if not isinstance(axis, types.Integer):
            return None
        result = _result_dtype(name, a.dtype)
        if a.ndim <= 1:
            def scalar(a, axis=None, ddof=0):
                _normalize_axis(axis, a.ndim)
                return core(a.ravel(), ddof)

            return scalar
        without = _without_axis(a.ndim)

        def along(a, axis=None, ddof=0):
            ax = _normalize_axis(axis, a.ndim)
            rows = _rows_along(a, ax)
            out = np.empty(rows.shape[0], dtype=result)
            for r in range(rows.shape[0]):
                out[r] = core(rows[r], ddof)
            return out.reshape(without(a.shape, ax))

        return along

    overload(getattr(np, name))(typing)
    overload_method(types.Array, name)(typing)


_register_variance("var", False)
_register_variance("std", True)


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


_reduction("argmin", empty_error="attempt to get argmin of an empty sequence")(_arg_extreme(_less_or_nan, "argmin"))
_reduction("argmax", empty_error="attempt to get argmax of an empty sequence")(_arg_extreme(_greater_or_nan, "argmax"))


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


@register_jitable
def _as_is(x, start):
    return x


def _cumulative(name, start, combine, method=True, lead=_as_is):
    """cumsum/cumprod-like. Each element counts as `lead(x, start)` (nancumsum's NaN as
    0); as in NumPy's accumulate the first is taken as it is, not combined with `start`:
    1 * (inf+0j) would have a NaN part, 0 + -0.0 is 0.0."""

    def along(a):
        T = _sum_type(a.dtype)
        if a.ndim == 0:
            whole = build(a)
            from .decorators import njit

            accumulate = njit(whole)

            def of_0d(a, axis=None):
                _normalize_axis(axis, 1)
                return accumulate(a)

            return of_0d

        def impl(a, axis=None):
            ax = _normalize_axis(axis, a.ndim)
            out = np.empty(a.shape, dtype=T)
            b = _as_3d(a, ax)
            o3 = out.reshape((b.shape[0], b.shape[1], b.shape[2]))
            for o in range(b.shape[0]):
                for i in range(b.shape[2]):
                    acc = T(start)
                    for k in range(b.shape[1]):
                        x = lead(b[o, k, i], T(start))
                        acc = combine(acc, x) if k > 0 else T(x)
                        o3[o, k, i] = acc
            return out

        return impl

    @_reduction(name, method=method, axis_impl=along)
    def build(a):
        T = _sum_type(a.dtype)

        def impl(a, axis=None):
            flat = a.ravel()
            out = np.empty(flat.size, dtype=T)
            acc = T(start)
            for i in range(flat.size):
                x = lead(flat[i], T(start))
                acc = combine(acc, x) if i > 0 else T(x)
                out[i] = acc
            return out

        return impl

    return build


_cumulative("cumsum", 0, _add)
_cumulative("cumprod", 1, _mul)


@overload(np.count_nonzero)
def _count_nonzero(a, axis=None):
    if not _is_array(a):
        return None
    if _no_axis(axis):
        return _count_nonzero_whole(a)
    if isinstance(axis, types.Integer):
        return _axis_impl("count_nonzero", _count_nonzero_whole, a)
    return None


def _count_nonzero_whole(a):
    def impl(a, axis=None):
        n = 0
        for x in a.ravel():
            if x != 0:
                n += 1
        return n

    return impl


@overload(np.diff)
def _diff(a, n=None, axis=None):
    """The n-th differences along an axis (the last by default); of booleans, NumPy's
    not_equal."""
    if not _is_array(a) or a.ndim == 0:
        return None
    if not (n is None or isinstance(n, (types.Integer, types.NoneType))):
        return None
    if not (axis is None or isinstance(axis, (types.Integer, types.NoneType))):
        return None
    replaced = _replaced_axis(a.ndim)
    if isinstance(a.dtype, types.Boolean):
        def step(work, i):
            work[:, i, :] = work[:, i + 1, :] != work[:, i, :]
    else:
        def step(work, i):
            work[:, i, :] = work[:, i + 1, :] - work[:, i, :]
    step = register_jitable(step)

    def impl(a, n=1, axis=-1):
        if n < 0:
            raise ValueError("order must be non-negative")
        ax = _normalize_axis(axis, a.ndim)
        work = _as_3d(a, ax).copy()
        size = work.shape[1]
        for _ in range(n):
            if size <= 1:
                size = 0
                break
            for i in range(size - 1):
                step(work, i)
            size -= 1
        return work[:, :size, :].copy().reshape(replaced(a.shape, ax, size))

    return impl


# ---- NaN-ignoring reductions ------------------------------------------------------------------

def _nan_reduction(name, along=False):
    def register(build):
        def typing(a, axis=None, ddof=None):
            if not _is_array(a):
                return None
            if along and isinstance(axis, types.Integer):
                return _axis_impl(name, build, a)
            if not _no_axis(axis):
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


@register_jitable
def _fmin_keeps(best, x):
    """NumPy's fmin keeps `best` against x: x is NaN, or best <= x (complex: NumPy's CLE,
    real parts first, a NaN imaginary part never ordered)."""
    if x != x:
        return True
    if isinstance(x, complex):
        return (best.real < x.real and best.imag == best.imag) or (best.real == x.real and best.imag <= x.imag)
    return best <= x


@register_jitable
def _fmax_keeps(best, x):
    if x != x:
        return True
    if isinstance(x, complex):
        return (best.real > x.real and best.imag == best.imag) or (best.real == x.real and best.imag >= x.imag)
    return best >= x


def _nan_extreme(which):
    """np.nanmin/np.nanmax: NumPy's fmin/fmax reduction (a NaN accumulator gives way to the
    next number; all-NaN gives the first element)."""
    keeps = _fmin_keeps if which == 0 else _fmax_keeps
    message = "zero-size array to reduction operation %s which has no identity" % ("fmin" if which == 0 else "fmax")

    def build(a):
        def impl(a, axis=None, ddof=0):
            flat = a.ravel()
            if flat.size == 0:
                raise ValueError(message)
            best = flat[0]
            for x in flat:
                if not keeps(best, x):
                    best = x
            return best

        return impl

    return build


_nan_reduction("nanmin")(_nan_extreme(0))
_nan_reduction("nanmax")(_nan_extreme(1))


def _nan_variance_impl(a, take_root):
    if not isinstance(a.dtype, (types.Float, types.Complex)):
        # NumPy's nanvar of numbers that cannot be NaN is var (inf, not NaN, for ddof >= n).
        core = register_jitable(_variance(a, take_root))
        return lambda a, axis=None, ddof=0: core(a, ddof)
    T = _mean_type(a.dtype)
    V = _real_type(T)
    divide = _divider(T)
    divide_real = _divider(V)

    def impl(a, axis=None, ddof=0):
        mean = T(0)
        n = 0
        for x in a.ravel():
            if x == x:
                mean += x
                n += 1
        if n - ddof <= 0:
            return V(np.nan)
        mean = divide(mean, n)
        acc = V(0)
        for x in a.ravel():
            if x == x:
                acc += _squared_magnitude(x - mean)
        var = divide_real(acc, n - ddof)
        return np.sqrt(var) if take_root else var

    return impl


_nan_reduction("nanvar")(lambda a: _nan_variance_impl(a, False))
_nan_reduction("nanstd")(lambda a: _nan_variance_impl(a, True))


def _nan_arg_extreme(which):
    """np.nanargmin/nanargmax as NumPy computes them: NaN replaced by the value that never
    wins (inf for argmin, -inf for argmax), then the first extreme, so [nan, -inf] gives 0
    for nanargmax."""
    empty = "attempt to get %s of an empty sequence" % ("argmin" if which == 0 else "argmax")

    def build(a):
        if not isinstance(a.dtype, types.Float):
            def exact(a, axis=None, ddof=0):
                flat = a.ravel()
                if flat.size == 0:
                    raise ValueError(empty)
                where = 0
                for i in range(1, flat.size):
                    if (flat[i] < flat[where]) if which == 0 else (flat[i] > flat[where]):
                        where = i
                return where

            return exact
        T = getattr(np, a.dtype.name)
        worst = T(np.inf if which == 0 else -np.inf)

        def impl(a, axis=None, ddof=0):
            flat = a.ravel()
            if flat.size == 0:
                raise ValueError(empty)
            where = 0
            best = worst
            found = False
            for i in range(flat.size):
                x = flat[i]
                if x != x:
                    x = worst
                else:
                    found = True
                if i == 0 or ((x < best) if which == 0 else (x > best)):
                    best = x
                    where = i
            if not found:
                raise ValueError("All-NaN slice encountered")
            return where

        return impl

    return build


_nan_reduction("nanargmin", along=True)(_nan_arg_extreme(0))
_nan_reduction("nanargmax", along=True)(_nan_arg_extreme(1))
