"""np.random beyond the native draws (seed, random, rand, randn, normal, uniform,
randint)."""

import numpy as np

from . import types
from ._np_shapes import _array_1d
from .extending import overload


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
