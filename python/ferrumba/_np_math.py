"""Mathematical functions beyond the ufuncs the compiler fuses: sinc, angle, isclose,
allclose."""

import cmath
import math

import numpy as np

from . import types
from ._np_arraylike import _array_like, _as_array, _scalar_type
from ._np_shapes import _is_array
from .extending import overload


def _number(t):
    return isinstance(t, (types.Integer, types.Float, types.Boolean))


def _scalar_of_0d(typing):
    """NumPy answers a 0-d array with a scalar: the loops below make arrays, so a 0-d
    argument runs them on one element and returns that element."""
    from .decorators import njit

    def wrapped(x, *rest):
        impl = typing(x, *rest)
        if impl is None or not (_is_array(x) and x.ndim == 0):
            return impl
        inner = njit(typing(types.Array(x.dtype, 1, "C"), *rest))
        if rest:
            return lambda x, deg=False: inner(x.reshape(1), deg)[0]
        return lambda x: inner(x.reshape(1))[0]

    return wrapped


def _sinc(x):
    """sin(pi x) / (pi x), with NumPy's 1e-20 in place of x = 0 (so sinc(0) is 1)."""
    if _number(x):
        def real(x):
            y = np.pi * (1.0e-20 if x == 0 else x)
            return np.sin(y) / y

        return real
    if isinstance(x, types.Complex):
        T = getattr(np, x.name)

        # In complex128, then rounded: near the zeros of sin a complex64 sin's error
        # (1e-8) is all of the result (NumPy's own complex64 loop has it, Numba not).
        def complex_scalar(x):
            y = np.pi * (1.0e-20 if x == 0 else complex(x))
            return T(cmath.sin(y) / y)

        return complex_scalar
    if not _is_array(x):
        return None
    if not isinstance(x.dtype, types.Complex):
        # Element-wise expressions type as NumPy's ufuncs do (float32 stays float32).
        def real_array(x):
            y = np.pi * np.where(x == 0, 1.0e-20, x)
            return np.sin(y) / y

        return real_array
    # The compiler's np.sin takes real numbers only: complex elements go through cmath.
    T = getattr(np, x.dtype.name)

    def complex_array(x):
        out = np.empty(x.shape, dtype=T)
        flat = out.ravel()
        k = 0
        for z in x.ravel():
            y = np.pi * (1.0e-20 if z == 0 else complex(z))
            flat[k] = cmath.sin(y) / y
            k += 1
        return out

    return complex_array


def _angle(z, deg=False):
    """The counterclockwise angle from the positive real axis: arctan2(imag, real), in
    degrees with `deg`; of a real number, 0 or pi (for negative numbers and -0.0)."""
    if not (deg is False or isinstance(deg, types.Boolean)):
        return None
    if _number(z):
        def real(z, deg=False):
            a = math.atan2(0.0, z)
            return a * (180.0 / np.pi) if deg else a

        return real
    if isinstance(z, types.Complex):
        R = getattr(np, z.underlying_float.name)

        def complex_scalar(z, deg=False):
            a = R(math.atan2(z.imag, z.real))
            return a * R(180.0 / np.pi) if deg else a

        return complex_scalar
    if not _is_array(z):
        return None
    if isinstance(z.dtype, (types.Integer, types.Boolean)):
        # NumPy's arctan2(0, z) picks the smallest float holding the integers: float16
        # for int8 (which compiled code lacks: a TypingError), float32 for int16.
        R = np.arctan2(0, np.zeros(1, dtype=z.dtype.name)).dtype
        if R == np.float16:
            return None
        R = getattr(np, R.name)

        def integer_array(z, deg=False):
            out = np.empty(z.shape, dtype=R)
            flat = out.ravel()
            k = 0
            for v in z.ravel():
                flat[k] = math.atan2(0.0, float(v))
                k += 1
            if deg:
                out *= R(180.0 / np.pi)
            return out

        return integer_array
    if not isinstance(z.dtype, types.Complex):
        def real_array(z, deg=False):
            a = np.arctan2(0, z)
            if deg:
                # NumPy's `a *= 180/pi`: in place, so a float32 angle stays float32.
                a *= 180.0 / np.pi
            return a

        return real_array
    R = getattr(np, z.dtype.underlying_float.name)

    def complex_array(z, deg=False):
        out = np.empty(z.shape, dtype=R)
        flat = out.ravel()
        k = 0
        for v in z.ravel():
            flat[k] = math.atan2(v.imag, v.real)
            k += 1
        if deg:
            out *= R(180.0 / np.pi)
        return out

    return complex_array


overload(np.sinc)(_scalar_of_0d(_sinc))
overload(np.angle)(_scalar_of_0d(_angle))


def _tolerance_ok(*ts):
    return all(isinstance(t, (float, int, types.Integer, types.Float)) for t in ts)


@overload(np.isclose)
def _isclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    """NumPy's |a - b| <= atol + rtol |b| (b first made inexact, so unsigned integers do
    not wrap), or equal (infinities of one sign); NaNs equal only with equal_nan. Arrays
    broadcast; numbers give a bool."""
    if not (_array_like(a) and _array_like(b) and _tolerance_ok(rtol, atol)
            and (equal_nan is False or isinstance(equal_nan, types.Boolean))):
        return None
    F = getattr(np, np.result_type(np.dtype(_scalar_type(b)), 1.0).name)

    def impl(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
        x = _as_array(a)
        y = _as_array(b).astype(F)
        close = ((np.abs(x - y) <= atol + rtol * np.abs(y)) & np.isfinite(y)) | (x == y)
        if equal_nan:
            return close | ((x != x) & (y != y))
        return close | False

    return impl


@overload(np.allclose)
def _allclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    if _isclose(a, b, rtol, atol, equal_nan) is None:
        return None

    def impl(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
        return bool(np.all(np.isclose(a, b, rtol, atol, equal_nan)))

    return impl
