"""The differential oracle: run a function compiled and under CPython, compare.

Results must agree in kind (bool / int / float / complex / None / tuple /
array) as well as value, because a compiler that returns 2.0 where Python
returns 2 is wrong even though 2 == 2.0.  NumPy scalars count as their Python
kind: the pure-Python run of a function over an int8 array yields np.int8
where a compiler boxes a Python int.
"""

import cmath
import math
import struct

import numpy as np

from tests.backend import njit

_DISPATCHERS = {}


def compiled(pyfunc):
    """One dispatcher per Python function, so parametrized cases reuse its
    compiled specializations instead of recompiling for every case."""
    try:
        return _DISPATCHERS[pyfunc]
    except KeyError:
        disp = _DISPATCHERS[pyfunc] = njit(pyfunc)
        return disp


def kind(x):
    if x is None:
        return "none"
    if isinstance(x, (bool, np.bool_)):
        return "bool"
    if isinstance(x, (int, np.integer)):
        return "int"
    if isinstance(x, (float, np.floating)):
        return "float"
    if isinstance(x, (complex, np.complexfloating)):
        return "complex"
    if isinstance(x, tuple):
        return "tuple"
    if isinstance(x, list) or type(x).__name__ == "List":
        # A typed List compares as the Python list it mirrors.
        return "list"
    if isinstance(x, np.ndarray):
        return "array"
    return type(x).__name__


def _ordered_bits(x):
    i = struct.unpack("<q", struct.pack("<d", x))[0]
    return i if i >= 0 else -(2**63) - i


def ulp_distance(a, b):
    return abs(_ordered_bits(a) - _ordered_bits(b))


def _same_float(got, exp, ulps, abs_tol):
    got, exp = float(got), float(exp)
    if math.isnan(exp) or math.isnan(got):
        return math.isnan(exp) and math.isnan(got)
    if got == exp:
        # -0.0 == 0.0, but copysign and atan2 can tell them apart.
        return ulps > 0 or math.copysign(1.0, got) == math.copysign(1.0, exp)
    if math.isinf(got) or math.isinf(exp):
        return False
    return ulp_distance(got, exp) <= ulps or abs(got - exp) <= abs_tol


def assert_same(got, exp, ulps=0, abs_tol=0.0, where="result", modulus_rtol=0.0):
    gk, ek = kind(got), kind(exp)
    assert gk == ek, (
        f"{where}: compiled gave {gk} {got!r}, Python gave {ek} {exp!r}"
    )
    if ek == "float":
        assert _same_float(got, exp, ulps, abs_tol), (
            f"{where}: compiled {float(got)!r} != Python {float(exp)!r}"
            + (f" (allowed {ulps} ulp)" if ulps else "")
        )
    elif ek == "complex":
        ok = _same_float(got.real, exp.real, ulps, abs_tol) and _same_float(
            got.imag, exp.imag, ulps, abs_tol
        )
        if not ok and modulus_rtol and cmath.isfinite(exp) and cmath.isfinite(got):
            # A component that cancels (log near |z| = 1, exp near a zero of
            # cos) can be off by many of its own ulps yet be exact relative
            # to the whole number.
            ok = abs(complex(got) - complex(exp)) <= modulus_rtol * abs(complex(exp))
        assert ok, f"{where}: compiled {complex(got)!r} != Python {complex(exp)!r}"
    elif ek in ("tuple", "list"):
        assert len(got) == len(exp), f"{where}: {got!r} vs {exp!r}"
        for i, (g, e) in enumerate(zip(got, exp)):
            assert_same(g, e, ulps, abs_tol, where=f"{where}[{i}]", modulus_rtol=modulus_rtol)
    elif ek == "array":
        assert got.dtype == exp.dtype, f"{where}: dtype {got.dtype} vs {exp.dtype}"
        assert got.shape == exp.shape, f"{where}: shape {got.shape} vs {exp.shape}"
        for idx in np.ndindex(exp.shape):
            assert_same(got[idx], exp[idx], ulps, abs_tol, where=f"{where}{list(idx)}")
    elif ek in ("int", "bool"):
        assert int(got) == int(exp), f"{where}: compiled {got!r} != Python {exp!r}"
    elif ek == "none":
        pass
    else:
        raise AssertionError(f"{where}: cannot compare values of kind {ek}: {exp!r}")


def _run(fn, args):
    try:
        with np.errstate(all="ignore"):
            return fn(*args), None
    except Exception as exc:  # noqa: BLE001 - any exception is a result here
        return None, exc


def check(pyfunc, *args, ulps=0, abs_tol=0.0, modulus_rtol=0.0, same_message=False):
    """Compile `pyfunc`, run it and its `py_func` on `args`, demand agreement.

    Array arguments: the compiled code gets the caller's arrays (their exact
    layout, strides and flags matter to it); CPython gets copies, and the
    arrays are compared afterwards so that stores must agree too.

    If CPython raises, the compiled function must raise the same class;
    `same_message` also demands the same args (where Numba keeps CPython's
    wording, e.g. user-raised exceptions).

    Returns the compiled result.
    """
    cfunc = compiled(pyfunc)
    py_args = tuple(_copy_argument(a) for a in args)
    exp, exp_exc = _run(cfunc.py_func, py_args)
    got, got_exc = _run(cfunc, args)
    if got_exc is not None and exp_exc is None:
        raise AssertionError(
            f"compiled raised but Python returned {exp!r}"
        ) from got_exc
    if exp_exc is not None:
        assert got_exc is not None, (
            f"Python raised {type(exp_exc).__name__}({exp_exc}) but compiled "
            f"returned {got!r}"
        )
        assert type(got_exc) is type(exp_exc), (
            f"Python raised {type(exp_exc).__name__}({exp_exc}), compiled raised "
            f"{type(got_exc).__name__}({got_exc})"
        )
        if same_message:
            assert got_exc.args == exp_exc.args, (
                f"exception args: compiled {got_exc.args!r}, Python {exp_exc.args!r}"
            )
        return got_exc
    assert_same(got, exp, ulps, abs_tol, modulus_rtol=modulus_rtol)
    for i, (a, p) in enumerate(zip(args, py_args)):
        if isinstance(a, (np.ndarray, list)) or type(a).__name__ == "List":
            assert_same(a, p, where=f"argument {i} after the call")
    return got


def _copy_argument(a):
    """A copy CPython may change, so that stores into arrays and lists must agree too."""
    if isinstance(a, np.ndarray):
        return np.array(a, copy=True)
    if isinstance(a, list):
        return [_copy_argument(x) for x in a]
    if type(a).__name__ == "List":
        return [_copy_argument(x) for x in a]
    return a


def wrap_int64(x):
    """Python int -> the int64 a wrapping machine add/mul/shift produces."""
    x &= (1 << 64) - 1
    return x - (1 << 64) if x >= 1 << 63 else x
