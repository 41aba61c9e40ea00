"""NumPy's API written in the Python that ferrumba compiles ("NumPy as a DSL"), registered
through the public extension API. Each implementation compiles once per argument types
and is then reused by every function that calls it.

Loaded on the first compile (not at `import ferrumba`)."""

import itertools
import linecache
import math

import numpy as np

from . import _native, types
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


# ---- code shaped by ndim or by a tuple's length -------------------------------------------

_GENERATED = {}
_GENERATED_COUNT = itertools.count()


def _generate(key, name, source, **env):
    """A jitable function made from source text, once per `key`: for code whose shape
    depends on an array's ndim or a tuple's length (a tuple of ndim items, an unrolled
    loop). The text is registered with linecache, so the compiler reads it like any other
    source."""
    if key in _GENERATED:
        return _GENERATED[key]
    filename = "<ferrumba._numpy_impl generated %d: %s>" % (next(_GENERATED_COUNT), name)
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    namespace = dict(globals())
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


# ---- reductions ------------------------------------------------------------------------------

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


_DIVIDERS = {}


def _divider(T):
    """x / n in type T as NumPy divides floats: inf or NaN for n == 0 (with NumPy's
    warning left out), never ZeroDivisionError."""
    from .decorators import njit

    if T not in _DIVIDERS:
        if np.issubdtype(T, np.complexfloating):
            def divide(x, n):
                return x / n
        else:
            def divide(x, n):
                if n == 0:
                    if x != x or x == 0:
                        return T(np.nan)
                    if x > 0:
                        return T(np.inf)
                    return T(-np.inf)
                return x / n

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
        # NumPy orders complex numbers by real part, then imaginary part.
        return x.real < best.real or (x.real == best.real and x.imag < best.imag) or x != x
    return x < best or x != x


@register_jitable
def _greater_or_nan(x, best):
    if isinstance(x, complex):
        return x.real > best.real or (x.real == best.real and x.imag > best.imag) or x != x
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
        return divide(acc, T(a.size))

    return impl


def _variance(a, take_root):
    """var/std of the whole array, `ddof` delta degrees of freedom (NumPy's two passes:
    the mean, then the mean squared deviation)."""
    T = _mean_type(a.dtype)
    divide = _divider(T)

    def impl(a, ddof=0):
        flat = a.ravel()
        mean = T(0)
        for x in flat:
            mean += x
        mean = divide(mean, T(flat.size))
        acc = T(0)
        for x in flat:
            d = x - mean
            acc += d * d
        var = divide(acc, T(max(flat.size - ddof, 0)))
        if take_root:
            return np.sqrt(var)
        return var

    return impl


def _register_variance(name, take_root):
    from .decorators import njit

    def typing(a, axis=None, ddof=None, **extra):
        if not _is_array(a) or extra or not (_no_axis(ddof) or isinstance(ddof, (types.Integer, types.Boolean))):
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


def _cumulative(name, start, combine):
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
                        acc = combine(acc, b[o, k, i])
                        o3[o, k, i] = acc
            return out

        return impl

    @_reduction(name, axis_impl=along)
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


def _matmul_exact(a, b):
    raise RuntimeError("_matmul_exact is only for compiled code")


@register_jitable
def matmul_exact(a, b):
    """a @ b of integer or boolean arrays (1 or 2 dimensions): the compiler calls it."""
    return _matmul_exact(a, b)


@overload(_matmul_exact)
def _matmul_exact_typing(a, b):
    """Sums of products in NumPy's result dtype, wrapping; of booleans, any(x and y)."""
    if not (_is_array(a) and _is_array(b) and a.ndim in (1, 2) and b.ndim in (1, 2)):
        return None
    T = getattr(np, np.result_type(np.dtype(a.dtype.name), np.dtype(b.dtype.name)).name)
    if T is np.bool_:
        def dot(a, b, i, j, k):
            acc = False
            for p in range(k):
                acc = acc or (bool(a[i, p]) and bool(b[p, j]))
            return acc
    else:
        def dot(a, b, i, j, k):
            acc = T(0)
            for p in range(k):
                acc += T(a[i, p]) * T(b[p, j])
            return acc
    dot = register_jitable(dot)

    def product(a2, b2):
        k = a2.shape[1]
        if b2.shape[0] != k:
            raise ValueError("matmul: Input operand 1 has a mismatch in its core dimension 0")
        m = a2.shape[0]
        n = b2.shape[1]
        out = np.empty((m, n), dtype=T)
        for i in range(m):
            for j in range(n):
                out[i, j] = dot(a2, b2, i, j, k)
        return out

    product = register_jitable(product)
    if a.ndim == 2 and b.ndim == 2:
        def mm(a, b):
            return product(a, b)

        return mm
    if a.ndim == 1 and b.ndim == 1:
        def vv(a, b):
            return product(a.reshape((1, a.size)), b.reshape((b.size, 1)))[0, 0]

        return vv
    if a.ndim == 1:
        def vm(a, b):
            return product(a.reshape((1, a.size)), b)[0].copy()

        return vm

    def mv(a, b):
        r = product(a, b.reshape((b.size, 1)))
        return r.reshape(r.size)

    return mv


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
    if T is np.bool_:
        def logical(a, b):
            return matmul_exact(a, b)

        return logical

    def impl(a, b):
        if a.size != b.size:
            raise ValueError("shapes not aligned")
        acc = T(0)
        for i in range(a.size):
            acc += a[i] * b[i]
        return acc

    return impl


@register_jitable
def _largest_or_smallest(values, largest):
    """max (0.0 for none) or min (ValueError for none) of a 1-d float64 array, NaN winning,
    as NumPy's matrix norms reduce their line sums and singular values."""
    if values.size == 0:
        if largest:
            return 0.0
        raise ValueError("zero-size array to reduction operation minimum which has no identity")
    best = values[0]
    for v in values:
        if v != v:
            return v
        if (v > best) if largest else (v < best):
            best = v
    return best


@register_jitable
def _abs_line_sums(x, over_rows):
    """Sums of |x| (in float64) down each column, or along each row with `over_rows`."""
    m = x.shape[0]
    n = x.shape[1]
    sums = np.zeros(m if over_rows else n)
    for i in range(m):
        for j in range(n):
            v = abs(np.float64(x[i, j]))
            if over_rows:
                sums[i] += v
            else:
                sums[j] += v
    return sums


@register_jitable
def _singular_values(x):
    """The singular values of a 2-d array (float64, unordered), by one-sided Jacobi: plane
    rotations make the rows of w (the shorter side's vectors) orthogonal, and their lengths
    are then the singular values. NaN raises LinAlgError and inf gives NaNs, as LAPACK's
    SVD does in NumPy."""
    m = x.shape[0]
    n = x.shape[1]
    for v in x.ravel():
        if v != v:
            raise _LinAlgError("SVD did not converge")
    if m >= n:
        w = x.T.astype(np.float64)
    else:
        w = x.astype(np.float64)
    k = w.shape[0]
    length = w.shape[1]
    out = np.empty(k)
    for v in w.ravel():
        if not np.isfinite(v):
            out[:] = np.nan
            return out
    for sweep in range(80):
        rotated = False
        for p in range(k - 1):
            wp = w[p]
            for q in range(p + 1, k):
                wq = w[q]
                alpha = 0.0
                beta = 0.0
                gamma = 0.0
                for i in range(length):
                    alpha += wp[i] * wp[i]
                    beta += wq[i] * wq[i]
                    gamma += wp[i] * wq[i]
                if abs(gamma) <= 1e-15 * math.sqrt(alpha * beta) or gamma == 0.0:
                    continue
                rotated = True
                zeta = (beta - alpha) / (2.0 * gamma)
                t = 1.0 / (abs(zeta) + math.sqrt(1.0 + zeta * zeta))
                if zeta < 0:
                    t = -t
                c = 1.0 / math.sqrt(1.0 + t * t)
                s = c * t
                for i in range(length):
                    a = wp[i]
                    b = wq[i]
                    wp[i] = c * a - s * b
                    wq[i] = s * a + c * b
        if not rotated:
            break
    for p in range(k):
        acc = 0.0
        for i in range(length):
            acc += w[p, i] * w[p, i]
        out[p] = math.sqrt(acc)
    return out


def _matrix_norm(x, ord_type):
    """Matrix norms for ord None or 'fro', 'nuc', 1, -1, inf, -inf, 2, -2 (2-d arrays of
    numbers), in float32 for float32 matrices and float64 otherwise, as NumPy returns them."""
    if isinstance(x.dtype, types.Complex):
        return None
    R = np.float32 if x.dtype == types.float32 else np.float64

    if isinstance(ord_type, types.StringLiteral):
        if ord_type.literal_value == "fro":
            def frobenius(x, ord=None):
                acc = 0.0
                for v in x.ravel():
                    f = np.float64(v)
                    acc += f * f
                return R(math.sqrt(acc))

            return frobenius
        if ord_type.literal_value == "nuc":
            def nuclear(x, ord=None):
                acc = 0.0
                for s in _singular_values(x):
                    acc += s
                return R(acc)

            return nuclear

        def invalid(x, ord=None):
            if x.ndim == 2:  # always: a typed return besides the raise
                raise ValueError("Invalid norm order for matrices.")
            return R(0.0)

        return invalid

    def matrix(x, ord=None):
        if ord is None:
            acc = 0.0
            for v in x.ravel():
                f = np.float64(v)
                acc += f * f
            return R(math.sqrt(acc))
        if ord == 1 or ord == -1:
            return R(_largest_or_smallest(_abs_line_sums(x, False), ord > 0))
        if ord == np.inf or ord == -np.inf:
            return R(_largest_or_smallest(_abs_line_sums(x, True), ord > 0))
        if ord == 2 or ord == -2:
            return R(_largest_or_smallest(_singular_values(x), ord > 0))
        raise ValueError("Invalid norm order for matrices.")

    return matrix



@register_jitable
def _sum_of_squares(a):
    """sum(|a[k]|**2) in four interleaved partial sums: the additions of one sum wait on
    each other, four run side by side (and vectorize), as BLAS's nrm2 and NumPy's dot do."""
    n = a.size
    s0 = 0.0
    s1 = 0.0
    s2 = 0.0
    s3 = 0.0
    k = 0
    while k + 4 <= n:
        s0 += abs(a[k]) ** 2
        s1 += abs(a[k + 1]) ** 2
        s2 += abs(a[k + 2]) ** 2
        s3 += abs(a[k + 3]) ** 2
        k += 4
    while k < n:
        s0 += abs(a[k]) ** 2
        k += 1
    return (s0 + s1) + (s2 + s3)


@register_jitable
def _sum_of_abs(a):
    """sum(|a[k]|) in four interleaved partial sums (see _sum_of_squares)."""
    n = a.size
    s0 = 0.0
    s1 = 0.0
    s2 = 0.0
    s3 = 0.0
    k = 0
    while k + 4 <= n:
        s0 += abs(a[k])
        s1 += abs(a[k + 1])
        s2 += abs(a[k + 2])
        s3 += abs(a[k + 3])
        k += 4
    while k < n:
        s0 += abs(a[k])
        k += 1
    return (s0 + s1) + (s2 + s3)

def _inexact(x):
    raise RuntimeError("_inexact is only for compiled code")


@overload(_inexact)
def _inexact_typing(x):
    """x itself for float and complex arrays, x in float64 otherwise."""
    if isinstance(x.dtype, (types.Float, types.Complex)):
        def same(x):
            return x

        return same

    def as_float(x):
        return x.astype(np.float64)

    return as_float


@overload(np.linalg.norm)
def _norm(x, ord=None):
    """The seed talk's example: vector norms for every `ord`; matrix norms for 2-d arrays."""
    if not _is_array(x) or x.ndim not in (1, 2):
        return None
    if x.ndim == 2:
        if not (_no_axis(ord) or isinstance(ord, (types.Integer, types.Float, types.StringLiteral))):
            return None
        return _matrix_norm(x, ord)
    if isinstance(ord, types.StringLiteral):
        def invalid(x, ord=None):
            if x.ndim == 1:  # always: a typed return besides the raise
                raise ValueError("Invalid norm order for vectors.")
            return 0.0

        return invalid

    # NumPy computes the norms of integers and booleans in float64.
    inexact = isinstance(x.dtype, (types.Float, types.Complex))

    def vector(x, ord=None):
        a = _inexact(x)
        n = a.size
        if ord is None:
            if n == 0:
                return 0.0
            return math.sqrt(_sum_of_squares(a))
        if n == 0:
            if ord == -np.inf:
                raise ValueError("zero-size array to reduction operation minimum which has no identity")
            if ord < 0:
                return np.inf
            return 0.0
        if ord == np.inf:
            # max(abs(a))
            ret = abs(a[0])
            for k in range(1, n):
                val = abs(a[k])
                if val > ret or val != val:
                    ret = val
                if ret != ret:
                    break   # NaN wins, as in np.max/np.min
            return ret
        elif ord == -np.inf:
            # min(abs(a))
            ret = abs(a[0])
            for k in range(1, n):
                val = abs(a[k])
                if val < ret or val != val:
                    ret = val
                if ret != ret:
                    break   # NaN wins, as in np.max/np.min
            return ret
        elif ord == 0:
            # sum(a != 0), counted in integers (no float addition chain)
            count = 0
            for k in range(n):
                if a[k] != 0.0:
                    count += 1
            return float(count)
        elif ord == 1:
            return _sum_of_abs(a)
        elif ord == 2:
            return math.sqrt(_sum_of_squares(a))
        else:
            ret = 0.0
            for k in range(n):
                v = abs(a[k])
                # NumPy's power: 0 to a negative power is inf (not ZeroDivisionError).
                ret += np.inf if v == 0 and ord < 0 else v ** ord
            if ret == 0 and ord < 0:
                return np.inf
            return ret ** (1.0 / ord)

    return vector


# ---- creation -------------------------------------------------------------------------

@overload(np.linspace)
def _linspace(start, stop, num=None, endpoint=None):
    """NumPy's algorithm: arange(num) * step + start (for a step that underflows to 0,
    arange(num) / div * delta + start), the last value set to `stop`, in float64."""
    if not all(isinstance(t, (types.Integer, types.Float, types.Boolean)) for t in (start, stop)):
        return None

    def impl(start, stop, num=50, endpoint=True):
        if num < 0:
            raise ValueError("Number of samples must be non-negative.")
        out = np.empty(num, dtype=np.float64)
        div = num - 1 if endpoint else num
        first = np.float64(start)
        delta = np.float64(stop) - first
        if div > 0:
            step = delta / div
            if step == 0:
                for i in range(num):
                    out[i] = (i / div) * delta + first
            else:
                for i in range(num):
                    out[i] = i * step + first
        else:
            # 0 or 1 values with endpoint: no step; NumPy multiplies by delta (0 * inf is NaN).
            for i in range(num):
                out[i] = i * delta + first
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


# ---- array functions that are methods ------------------------------------------------------

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


@overload_method(types.Array, "dot")
def _dot_method(a, b):
    def impl(a, b):
        return np.dot(a, b)

    return impl


@overload_method(types.Array, "trace")
def _trace_method(a):
    if not (_is_array(a) and a.ndim == 2):
        return None

    def impl(a):
        return np.trace(a)

    return impl


@register_jitable
def item_of(a):
    """a.item(): the one element of an array of size 1 (the compiler calls it)."""
    if a.size != 1:
        raise ValueError("can only convert an array of size 1 to a Python scalar")
    return a.ravel()[0]


# ---- sorting and searching ---------------------------------------------------------------
#
# Real numbers sort in the runtime (`_native`, Rust's pdqsort/driftsort: measured 4x faster
# than a quicksort in the compiled subset); complex numbers here, in NumPy's order.

def _array_1d(a):
    return _is_array(a) and a.ndim == 1


@overload(np.ascontiguousarray)
def _ascontiguousarray(a):
    if not _is_array(a):
        return None
    if a.ndim == 0:
        # NumPy gives at least one dimension here.
        return lambda a: a.reshape(1)
    if a.layout == "C":
        return lambda a: a
    return lambda a: a.copy()


@overload(np.asfortranarray)
def _asfortranarray(a):
    if not _is_array(a):
        return None
    if a.ndim == 0:
        return lambda a: a.reshape(1)
    if a.layout == "F" or (a.ndim == 1 and a.layout == "C"):
        return lambda a: a
    return lambda a: a.T.copy().T


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


# ---- combining and differencing ------------------------------------------------------------

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
    return _generate(key, "join", source, T=T, with_axis=with_axis, replaced_axis=_replaced_axis(nd))


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


@overload(np.bincount)
def _bincount(x, weights=None, minlength=None):
    if not _array_1d(x) or not isinstance(x.dtype, (types.Integer, types.Boolean)):
        return None
    if weights is None or isinstance(weights, types.NoneType):
        def impl(x, weights=None, minlength=0):
            if minlength < 0:
                raise ValueError("'minlength' must not be negative")
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

    if not (_array_1d(weights) and isinstance(weights.dtype, (types.Integer, types.Float, types.Boolean))):
        return None

    def impl_weighted(x, weights=None, minlength=0):
        if weights.size != x.size:
            raise ValueError("The weights and list don't have the same length.")
        if minlength < 0:
            raise ValueError("'minlength' must not be negative")
        top = minlength
        for v in x:
            if v < 0:
                raise ValueError("'x' argument must be non-negative")
            if v + 1 > top:
                top = v + 1
        out = np.zeros(top, dtype=np.float64)
        for i in range(x.size):
            out[x[i]] += np.float64(weights[i])
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


# ---- where the nonzero elements are -----------------------------------------------------------

@register_jitable
def _argwhere_of(a):
    """The (count, ndim) indices of a's nonzero elements, in C order."""
    flat = a.ravel()
    count = 0
    for x in flat:
        if x != 0:
            count += 1
    shape = a.shape
    out = np.empty((count, a.ndim), dtype=np.int64)
    k = 0
    for i in range(flat.size):
        if flat[i] != 0:
            rest = i
            for d in range(a.ndim - 1, -1, -1):
                out[k, d] = rest % shape[d]
                rest //= shape[d]
            k += 1
    return out


@overload(np.argwhere)
def _argwhere(a):
    if not _is_array(a):
        return None
    if a.ndim == 0:
        def of_0d(a):
            return np.empty((1 if a.ravel()[0] != 0 else 0, 0), dtype=np.int64)

        return of_0d

    def impl(a):
        return _argwhere_of(a)

    return impl


@overload(np.flatnonzero)
def _flatnonzero(a):
    if not _is_array(a):
        return None

    def impl(a):
        flat = a.ravel()
        count = 0
        for x in flat:
            if x != 0:
                count += 1
        out = np.empty(count, dtype=np.int64)
        k = 0
        for i in range(flat.size):
            if flat[i] != 0:
                out[k] = i
                k += 1
        return out

    return impl


def _index_columns(where, a):
    raise RuntimeError("_index_columns is only for compiled code")


@overload(_index_columns)
def _index_columns_typing(where, a):
    """(where[:, 0], ..., where[:, ndim - 1]): one index array per dimension of `a`."""
    return _tuple_function("_columns", "where, a", a.ndim, lambda d: "where[:, %d]" % d)


@overload_method(types.Array, "nonzero")
def _nonzero_method(a):
    def impl(a):
        return np.nonzero(a)

    return impl


@register_jitable
def nonzero_nd(a):
    """np.nonzero of an array of 2 or more dimensions (the compiler calls it; 1-d arrays
    have their own loop)."""
    return _index_columns(_argwhere_of(a), a)


# ---- histogram --------------------------------------------------------------------------------

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
    type, and a bool's value is not known when compiling: density=False given explicitly
    raises TypingError (leave it out, or pass None, for the counts)."""
    from .decorators import njit
    from .errors import TypingError

    if density is None or isinstance(density, types.NoneType):
        def counts(hist, edges, density):
            return hist, edges

        return njit(counts)

    def densities(hist, edges, density):
        if not density:
            raise TypingError("np.histogram(density=False) in compiled code: leave density out for the counts")
        return density_of(hist, edges), edges

    return njit(densities)


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
    """a[mask] (a boolean array of a's shape) or a[indices] (an integer array, along the
    first axis): the compiler calls it."""
    return _take(a, index)


@register_jitable
def setitem_array(a, index, value):
    """a[mask] = value and a[indices] = value, value a scalar or an array of the
    selection's size (or of one element): the compiler calls it."""
    _put(a, index, value)


def _take(a, index):
    raise RuntimeError("_take is only for compiled code")


def _put(a, index, value):
    raise RuntimeError("_put is only for compiled code")


@register_jitable
def _mask_count(a, index):
    if index.shape != a.shape:
        raise IndexError("boolean index did not match indexed array")
    count = 0
    for m in index.ravel():
        if m:
            count += 1
    return count


@register_jitable
def _checked_index(j, n):
    if j < 0:
        j += n
    if j < 0 or j >= n:
        raise IndexError("index is out of bounds")
    return j


def _index_kind(a, index):
    """'mask', 'indices' or None (no implementation: a TypingError)."""
    if not (_is_array(a) and _is_array(index)) or a.ndim == 0:
        return None
    if isinstance(index.dtype, types.Boolean):
        return "mask" if index.ndim == a.ndim else None
    if isinstance(index.dtype, types.Integer):
        return "indices"
    return None


@overload(_take)
def _take_typing(a, index):
    kind = _index_kind(a, index)
    if kind == "mask":
        def masked(a, index):
            count = _mask_count(a, index)
            flat = a.ravel()
            mask = index.ravel()
            out = np.empty(count, dtype=a.dtype)
            k = 0
            for i in range(flat.size):
                if mask[i]:
                    out[k] = flat[i]
                    k += 1
            return out

        return masked
    if kind != "indices":
        return None
    if a.ndim == 1:
        def elements(a, index):
            idx = index.ravel()
            out = np.empty(idx.size, dtype=a.dtype)
            n = a.shape[0]
            for k in range(idx.size):
                out[k] = a[_checked_index(idx[k], n)]
            return out.reshape(index.shape)

        return elements

    def rows(a, index):
        idx = index.ravel()
        out = np.empty((idx.size,) + a.shape[1:], dtype=a.dtype)
        n = a.shape[0]
        for k in range(idx.size):
            out[k] = a[_checked_index(idx[k], n)]
        return out.reshape(index.shape + a.shape[1:])

    return rows


@register_jitable
def _check_values(value, count):
    """NumPy's rule for the values stored into `count` selected places: one, or `count`
    (any leading dimensions of length 1)."""
    if value.size == 1:
        return
    shape = value.shape
    for d in range(value.ndim - 1):
        if shape[d] != 1:
            raise ValueError("shape mismatch: value array could not be broadcast to indexing result")
    if value.size != count:
        raise ValueError("shape mismatch: value array could not be broadcast to indexing result")


def _check_values_typing(value, count):
    if _is_array(value):
        def check(value, count):
            _check_values(value, count)

        return check

    def nothing(value, count):
        return None

    return nothing


def _values_fit(value, count):
    raise RuntimeError("_values_fit is only for compiled code")


overload(_values_fit)(_check_values_typing)


def _store_back(a, flat):
    raise RuntimeError("_store_back is only for compiled code")


@overload(_store_back)
def _store_back_typing(a, flat):
    """After a store into a.ravel(): nothing where that is a view of `a` (C layout), the
    values written back into `a` where it is a copy."""
    if a.layout == "C":
        def nothing(a, flat):
            return None

        return nothing

    def write_back(a, flat):
        a[...] = flat.reshape(a.shape)

    return write_back


@overload(_put)
def _put_typing(a, index, value):
    kind = _index_kind(a, index)
    if a.readonly or kind is None:
        return None
    if _is_array(value) and (value.ndim > 1 and kind == "indices" and a.ndim > 1):
        return None
    if kind == "mask" and not _is_array(value):
        # One value for every selected place: no need to count them first.
        def masked_scalar(a, index, value):
            if index.shape != a.shape:
                raise IndexError("boolean index did not match indexed array")
            flat = a.ravel()
            mask = index.ravel()
            for i in range(flat.size):
                if mask[i]:
                    flat[i] = value
            _store_back(a, flat)

        return masked_scalar
    if kind == "mask":
        def masked(a, index, value):
            count = _mask_count(a, index)
            _values_fit(value, count)
            flat = a.ravel()
            mask = index.ravel()
            k = 0
            for i in range(flat.size):
                if mask[i]:
                    flat[i] = _pick(value, k)
                    k += 1
            _store_back(a, flat)

        return masked
    if a.ndim != 1:
        return None

    def elements(a, index, value):
        idx = index.ravel()
        _values_fit(value, idx.size)
        n = a.shape[0]
        for k in range(idx.size):
            a[_checked_index(idx[k], n)] = _pick(value, k)

    return elements


@overload(np.ndim)
def _ndim(a):
    def impl(a):
        return a.ndim

    return impl


def _pick_typing(value, k):
    if _is_array(value):
        def from_array(value, k):
            # One value (size 1) goes everywhere.
            return value.ravel()[k if value.size != 1 else 0]

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
