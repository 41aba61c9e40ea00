"""cmath in compiled code, compared bit for bit with CPython's cmath.

Every function is checked on the grid of special values CPython's own tests use
(every combination of ±0, ±finite, ±inf and nan for the real and imaginary
parts, plus tiny, subnormal and huge finite parts) and on hypothesis-drawn
complex numbers. Results must be identical: the same float per part, the same
sign of zero, NaN in the same places, and the same exception (ValueError for
CPython's EDOM, OverflowError for ERANGE) where CPython raises one.
"""

import cmath
import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.backend import IS_NUMBA
from tests.checks import compiled

# Numba computes cmath with its own formulas: it raises no ValueError/OverflowError and
# differs from CPython on many special values, which is what this file pins down.
pytestmark = pytest.mark.skipif(IS_NUMBA, reason="Numba's cmath does not follow CPython's special values and errors")


def f_acos(z):
    return cmath.acos(z)


def f_acosh(z):
    return cmath.acosh(z)


def f_asin(z):
    return cmath.asin(z)


def f_asinh(z):
    return cmath.asinh(z)


def f_atan(z):
    return cmath.atan(z)


def f_atanh(z):
    return cmath.atanh(z)


def f_cos(z):
    return cmath.cos(z)


def f_cosh(z):
    return cmath.cosh(z)


def f_exp(z):
    return cmath.exp(z)


def f_log(z):
    return cmath.log(z)


def f_log10(z):
    return cmath.log10(z)


def f_sin(z):
    return cmath.sin(z)


def f_sinh(z):
    return cmath.sinh(z)


def f_sqrt(z):
    return cmath.sqrt(z)


def f_tan(z):
    return cmath.tan(z)


def f_tanh(z):
    return cmath.tanh(z)


def f_phase(z):
    return cmath.phase(z)


def f_polar(z):
    return cmath.polar(z)


def f_isnan(z):
    return cmath.isnan(z)


def f_isinf(z):
    return cmath.isinf(z)


def f_isfinite(z):
    return cmath.isfinite(z)


def f_rect(r, phi):
    return cmath.rect(r, phi)


def f_log_base(z, base):
    return cmath.log(z, base)


UNARY = [
    f_acos, f_acosh, f_asin, f_asinh, f_atan, f_atanh, f_cos, f_cosh, f_exp, f_log, f_log10,
    f_sin, f_sinh, f_sqrt, f_tan, f_tanh, f_phase, f_polar, f_isnan, f_isinf, f_isfinite,
]

INF, NAN = math.inf, math.nan
# CPython's special-value classes (±0, ±finite, ±inf, nan), with finite values of
# every size: tiny and subnormal (the rescaling paths), near 1, and huge (the paths
# that avoid spurious overflow, and overflow itself).
PARTS = [
    -INF, INF, NAN, -0.0, 0.0, -2.3, 2.3, -1.0, 1.0, 0.5, -0.5, 1e-310, -1e-310, 5e-324,
    1e-160, 2e-308, 710.0, -710.0, 1e154, 1e300, -1e300, 1.7e308, -1.7e308, math.pi, 1.5707963267948966,
]
GRID = [complex(re, im) for re, im in itertools.product(PARTS, PARTS)]


def outcome(fn, *args):
    try:
        return fn(*args)
    except (ValueError, OverflowError) as exc:
        return type(exc)


def same_float(a, b):
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)


def same(got, exp):
    if isinstance(exp, type):
        return got is exp
    if isinstance(exp, bool):
        return type(got) is bool and got == exp
    if isinstance(exp, tuple):
        return isinstance(got, tuple) and len(got) == len(exp) and all(map(same, got, exp))
    if isinstance(exp, complex):
        return isinstance(got, complex) and same_float(got.real, exp.real) and same_float(got.imag, exp.imag)
    return isinstance(got, float) and same_float(got, exp)


def mismatches(fn, cases):
    cfn = compiled(fn)
    bad = []
    for args in cases:
        exp, got = outcome(fn, *args), outcome(cfn, *args)
        if not same(got, exp):
            bad.append((args, got, exp))
    return bad


@pytest.mark.parametrize("fn", UNARY, ids=lambda f: f.__name__[2:])
def test_special_value_grid(fn):
    bad = mismatches(fn, [(z,) for z in GRID])
    assert not bad, f"{len(bad)} of {len(GRID)} differ, e.g. {bad[:5]}"


def test_rect_special_value_grid():
    bad = mismatches(f_rect, list(itertools.product(PARTS, PARTS)))
    assert not bad, f"{len(bad)} differ, e.g. {bad[:5]}"


def test_log_base_grid():
    bases = [complex(b) for b in [2.0, 10.0, 0.5, 1.0, 0.0, -1.0, INF, NAN]] + [1j, complex(2, -3), complex(NAN, 1.0)]
    zs = [complex(re, im) for re, im in itertools.product([-INF, -1.5, -0.0, 0.0, 1.0, 3.0, INF, NAN], repeat=2)]
    bad = mismatches(f_log_base, list(itertools.product(zs, bases)))
    assert not bad, f"{len(bad)} differ, e.g. {bad[:5]}"


def test_log_base_real_arguments():
    assert compiled(f_log_base)(8.0, 2.0) == cmath.log(8.0, 2.0)
    assert compiled(f_log_base)(100, 10) == cmath.log(100, 10)


def test_examples_from_the_issue():
    assert same(compiled(f_exp)(complex(-INF, -INF)), 0j)
    assert same(compiled(f_sqrt)(complex(-0.0, -INF)), complex(INF, -INF))
    with pytest.raises(ValueError, match="math domain error"):
        compiled(f_log)(0j)
    with pytest.raises(OverflowError, match="math range error"):
        compiled(f_exp)(complex(1000.0, 1.0))


finite = st.floats(allow_nan=False, allow_infinity=False)
huge = st.floats(min_value=1e300, max_value=1.7976931348623157e308) | st.floats(min_value=-1.7976931348623157e308, max_value=-1e300)
tiny = st.floats(min_value=-1e-300, max_value=1e-300)
moderate = st.floats(min_value=-50.0, max_value=50.0)
part = finite | huge | tiny | moderate | st.sampled_from([0.0, -0.0, INF, -INF, NAN])


@pytest.mark.parametrize("fn", UNARY, ids=lambda f: f.__name__[2:])
def test_property(fn):
    cfn = compiled(fn)

    @settings(max_examples=150, deadline=None)
    @given(part, part)
    def prop(re, im):
        z = complex(re, im)
        exp, got = outcome(fn, z), outcome(cfn, z)
        assert same(got, exp), (z, got, exp)

    prop()


@settings(max_examples=200, deadline=None)
@given(part, part)
def test_rect_property(r, phi):
    exp, got = outcome(f_rect, r, phi), outcome(compiled(f_rect), r, phi)
    assert same(got, exp), (r, phi, got, exp)


@settings(max_examples=200, deadline=None)
@given(part, part, part, part)
def test_log_base_property(a, b, c, d):
    z, base = complex(a, b), complex(c, d)
    exp, got = outcome(f_log_base, z, base), outcome(compiled(f_log_base), z, base)
    assert same(got, exp), (z, base, got, exp)


@pytest.mark.parametrize("fn", [f for f in UNARY if f not in (f_phase, f_polar, f_isnan, f_isinf, f_isfinite)],
                         ids=lambda f: f.__name__[2:])
def test_complex64_rounds_the_complex128_result(fn):
    # complex64 arguments are computed in double precision and rounded, as before.
    for z in [0.5 + 0.25j, -1.5 + 2j, 0.3 - 0.7j]:
        got = compiled(fn)(np.complex64(z))
        exp = fn(complex(np.complex64(z)))
        assert isinstance(got, np.complex64) or isinstance(got, complex)
        assert complex(got) == complex(np.complex64(exp))
