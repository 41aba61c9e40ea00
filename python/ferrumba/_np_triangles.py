"""Triangles of matrices: tri, tril, triu, and the indices of a triangle
(tril_indices, triu_indices and their _from forms)."""

import numpy as np

from . import types
from ._np_arraylike import _array_like, _as_array, _ndim_of
from ._np_shapes import _is_array
from .errors import TypingError
from .extending import overload, register_jitable


def _int_or_none(t):
    return t is None or isinstance(t, (types.Integer, types.NoneType))


def _is_none(t):
    return t is None or isinstance(t, types.NoneType)


def _require_int(t, name, optional=False):
    """Numba's TypingErrors for a non-integer size or offset (the tests read them)."""
    if isinstance(t, types.Integer) or (optional and (t is None or isinstance(t, types.NoneType))):
        return
    raise TypingError("%s must be an integer" % name)


@register_jitable
def _tri_mask(N, M, k):
    """tri(N, M, k) as booleans: True where j <= i + k (negative sizes are empty)."""
    n = max(N, 0)
    m = max(M, 0)
    out = np.zeros((n, m), dtype=np.bool_)
    for i in range(n):
        for j in range(min(max(i + k + 1, 0), m)):
            out[i, j] = True
    return out


@overload(np.tri)
def _tri(N, M=None, k=0):
    if not (isinstance(N, types.Integer) and _int_or_none(M) and isinstance(k, (int, types.Integer))):
        return None

    # Which size gives the columns is decided here: `N if M is None else M` would type
    # as an Optional (the compiler does not prune a test of None's type).
    if _is_none(M):
        return lambda N, M=None, k=0: _tri_mask(N, N, k).astype(np.float64)
    return lambda N, M=None, k=0: _tri_mask(N, M, k).astype(np.float64)


def _triangle(lower):
    """tril (lower) or triu of an array-like: a copy with the other triangle of each of its
    last two dimensions zeroed; a 1-d array is first repeated into a square, as NumPy
    broadcasts it against the mask."""

    def typing(m, k=0):
        if not (_array_like(m) and isinstance(k, (int, types.Integer))):
            return None
        ndim = _ndim_of(m)
        if ndim == 0:
            return None

        @register_jitable
        def zero_triangle(lines, k):
            rows = lines.shape[1]
            cols = lines.shape[2]
            for b in range(lines.shape[0]):
                for i in range(rows):
                    for j in range(cols):
                        if (j > i + k) if lower else (j < i + k):
                            lines[b, i, j] = 0

        if ndim == 1:
            def of_vector(m, k=0):
                a = _as_array(m)
                n = a.shape[0]
                out = np.empty((n, n), dtype=a.dtype)
                for i in range(n):
                    out[i] = a
                zero_triangle(out.reshape((1, n, n)), k)
                return out

            return of_vector

        def impl(m, k=0):
            a = _as_array(m)
            out = a.copy()
            batch = 1
            for d in range(a.ndim - 2):
                batch *= a.shape[d]
            zero_triangle(out.reshape((batch, a.shape[a.ndim - 2], a.shape[a.ndim - 1])), k)
            return out

        return impl

    overload(np.tril if lower else np.triu)(typing)


_triangle(True)
_triangle(False)


@register_jitable
def _mask_indices(mask):
    """np.nonzero of a 2-d boolean mask: (rows, columns)."""
    count = 0
    for x in mask.ravel():
        if x:
            count += 1
    rows = np.empty(count, dtype=np.int64)
    cols = np.empty(count, dtype=np.int64)
    p = 0
    for i in range(mask.shape[0]):
        for j in range(mask.shape[1]):
            if mask[i, j]:
                rows[p] = i
                cols[p] = j
                p += 1
    return rows, cols


@overload(np.tril_indices)
def _tril_indices(n, k=0, m=None):
    _require_int(n, "n")
    if not isinstance(k, int):
        _require_int(k, "k")
    _require_int(m, "m", optional=True)

    if _is_none(m):
        return lambda n, k=0, m=None: _mask_indices(_tri_mask(n, n, k))
    return lambda n, k=0, m=None: _mask_indices(_tri_mask(n, m, k))


@overload(np.triu_indices)
def _triu_indices(n, k=0, m=None):
    _require_int(n, "n")
    if not isinstance(k, int):
        _require_int(k, "k")
    _require_int(m, "m", optional=True)

    # NumPy's ~tri(n, m, k - 1): the complement of the triangle below diagonal k.
    if _is_none(m):
        return lambda n, k=0, m=None: _mask_indices(~_tri_mask(n, n, k - 1))
    return lambda n, k=0, m=None: _mask_indices(~_tri_mask(n, m, k - 1))


def _indices_from(lower):
    def typing(arr, k=0):
        if not _is_array(arr) or arr.ndim != 2:
            raise TypingError("input array must be 2-d")
        if not isinstance(k, int):
            _require_int(k, "k")
        if lower:
            def impl(arr, k=0):
                return np.tril_indices(arr.shape[0], k, arr.shape[1])
        else:
            def impl(arr, k=0):
                return np.triu_indices(arr.shape[0], k, arr.shape[1])
        return impl

    overload(np.tril_indices_from if lower else np.triu_indices_from)(typing)


_indices_from(True)
_indices_from(False)
