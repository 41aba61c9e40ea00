"""Linear algebra: exact matrix products of integers and booleans (the compiler calls
`matmul_exact`), dot, outer, trace, np.linalg.norm, and det/solve/inv by LU."""

import math

import numpy as np

from . import types
from ._np_shapes import _is_array, _no_axis, _sum_type
from .extending import overload, overload_method, register_jitable


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
