"""Array-likes: NumPy functions take numbers, tuples and lists wherever they take arrays
(np.extract(cond, (1, 2, 3)), np.append(2, 2), np.setxor1d([1, 2], [2])). `_as_array`
turns any of them into an array as np.asarray does, so one implementation serves all."""

import numpy as np

from . import types
from ._np_shapes import _is_array
from .extending import overload


def _array_like(t):
    """Whether np.asarray of a value of type `t` is an array compiled code can make."""
    if _is_array(t) or isinstance(t, (types.Number, types.Boolean)):
        return True
    if isinstance(t, types.List):
        return isinstance(t.dtype, (types.Number, types.Boolean))
    if isinstance(t, types.BaseTuple):
        return all(isinstance(i, (types.Number, types.Boolean)) for i in t) or (
            len(t) > 0 and all(isinstance(i, types.BaseTuple) and _array_like(i) for i in t))
    return False


def _scalar_type(t):
    """The NumPy scalar type of the elements of np.asarray(x) for x of type `t`."""
    if _is_array(t) or isinstance(t, types.List):
        return getattr(np, t.dtype.name)
    if isinstance(t, (types.Number, types.Boolean)):
        return getattr(np, t.name)
    if isinstance(t, types.BaseTuple):
        if len(t) == 0:
            return np.float64
        return getattr(np, np.result_type(*[np.dtype(_scalar_type(i)) for i in t]).name)
    raise TypeError(t)


def _ndim_of(t):
    if _is_array(t):
        return t.ndim
    if isinstance(t, (types.Number, types.Boolean)):
        return 0
    if isinstance(t, types.BaseTuple) and len(t) > 0 and isinstance(t[0], types.BaseTuple):
        return 1 + _ndim_of(t[0])
    return 1


def _as_array(x):
    raise RuntimeError("_as_array is only for compiled code")


@overload(_as_array)
def _as_array_typing(x):
    """np.asarray(x) of an array (itself), a number (a 0-d array), a tuple or a list of
    numbers (a 1-d array; tuples of tuples n-d). The compiler's np.asarray takes tuples
    only; numbers and lists are made here."""
    if not _array_like(x):
        return None
    if _is_array(x):
        return lambda x: x
    if isinstance(x, (types.Number, types.Boolean)):
        return lambda x: np.full((), x)
    T = _scalar_type(x)
    if isinstance(x, types.List):
        def of_list(x):
            out = np.empty(len(x), dtype=T)
            for i in range(len(x)):
                out[i] = x[i]
            return out

        return of_list
    if len(x) == 0:
        return lambda x: np.empty(0, dtype=np.float64)
    return lambda x: np.asarray(x)
