"""Array creation beyond what the compiler makes itself (empty, zeros, ones, full,
arange): linspace, eye, identity, and the layout conversions."""

import numpy as np

from . import types
from ._np_shapes import _is_array
from .extending import overload


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
