"""The math module (as far as Numba supports it) and cmath basics.

Inputs stay where CPython returns a value: outside a function's domain CPython
raises ValueError/OverflowError while Numba returns nan/inf, so those inputs
say nothing about agreement.  Results of transcendental functions may differ
from CPython's by a few ulp, since the two sides may use different libms.
"""

import cmath
import math

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from tests.checks import check, compiled

INF = math.inf
NAN = math.nan
ULPS = 4


def m_sqrt(x):
    return math.sqrt(x)


def m_exp(x):
    return math.exp(x)


def m_log(x):
    return math.log(x)


def m_log1p(x):
    return math.log1p(x)


def m_expm1(x):
    return math.expm1(x)


def m_log10(x):
    return math.log10(x)


def m_log2(x):
    return math.log2(x)


def m_sin(x):
    return math.sin(x)


def m_cos(x):
    return math.cos(x)


def m_tan(x):
    return math.tan(x)


def m_asin(x):
    return math.asin(x)


def m_acos(x):
    return math.acos(x)


def m_atan(x):
    return math.atan(x)


def m_sinh(x):
    return math.sinh(x)


def m_cosh(x):
    return math.cosh(x)


def m_tanh(x):
    return math.tanh(x)


def m_asinh(x):
    return math.asinh(x)


def m_acosh(x):
    return math.acosh(x)


def m_atanh(x):
    return math.atanh(x)


def m_floor(x):
    return math.floor(x)


def m_ceil(x):
    return math.ceil(x)


def m_trunc(x):
    return math.trunc(x)


def m_fabs(x):
    return math.fabs(x)


def m_isnan(x):
    return math.isnan(x)


def m_isinf(x):
    return math.isinf(x)


def m_isfinite(x):
    return math.isfinite(x)


def m_gamma(x):
    return math.gamma(x)


def m_lgamma(x):
    return math.lgamma(x)


def m_erf(x):
    return math.erf(x)


def m_erfc(x):
    return math.erfc(x)


def m_degrees(x):
    return math.degrees(x)


def m_radians(x):
    return math.radians(x)


def m_frexp(x):
    return math.frexp(x)


def m_atan2(y, x):
    return math.atan2(y, x)


def m_hypot(x, y):
    return math.hypot(x, y)


def m_copysign(x, y):
    return math.copysign(x, y)


def m_pow(x, y):
    return math.pow(x, y)


def m_ldexp(x, n):
    return math.ldexp(x, n)


def m_gcd(a, b):
    return math.gcd(a, b)


def cpython_returns(fn, *args):
    """False where CPython signals a domain or range error."""
    try:
        fn(*args)
    except (ValueError, OverflowError, ZeroDivisionError):
        return False
    return True


def any_float():
    return st.floats(allow_nan=True, allow_infinity=True)


def between(lo, hi, **kw):
    return st.floats(lo, hi, allow_nan=False, **kw)


# name -> (function, hypothesis domain, edge values where CPython returns,
#          ulps allowed, absolute tolerance)
UNARY = {
    "sqrt": (m_sqrt, between(0.0, INF), [0.0, -0.0, 1.0, 4.0, 2.0, INF, NAN], 0, 0.0),
    "exp": (m_exp, between(-INF, 709.0), [0.0, -0.0, 1.0, -745.0, 709.0, -INF, NAN], ULPS, 0.0),
    "log": (m_log, between(0.0, INF, exclude_min=True), [1.0, 5e-324, 2.718281828459045, INF, NAN], ULPS, 0.0),
    "log1p": (m_log1p, between(-1.0, INF, exclude_min=True), [0.0, -0.0, 1e-300, -0.5, INF, NAN], ULPS, 0.0),
    "expm1": (m_expm1, between(-INF, 709.0), [0.0, -0.0, 1e-300, -INF, NAN], ULPS, 0.0),
    "log10": (m_log10, between(0.0, INF, exclude_min=True), [1.0, 10.0, 1000.0, 1e-300, INF, NAN], ULPS, 0.0),
    "log2": (m_log2, between(0.0, INF, exclude_min=True), [1.0, 2.0, 1024.0, 5e-324, INF, NAN], ULPS, 0.0),
    "sin": (m_sin, between(-1e6, 1e6), [0.0, -0.0, math.pi, NAN], ULPS, 0.0),
    "cos": (m_cos, between(-1e6, 1e6), [0.0, -0.0, math.pi, NAN], ULPS, 0.0),
    "tan": (m_tan, between(-1e6, 1e6), [0.0, -0.0, math.pi / 4, NAN], ULPS, 0.0),
    "asin": (m_asin, between(-1.0, 1.0), [0.0, -0.0, 1.0, -1.0, NAN], ULPS, 0.0),
    "acos": (m_acos, between(-1.0, 1.0), [0.0, -0.0, 1.0, -1.0, NAN], ULPS, 0.0),
    "atan": (m_atan, any_float(), [0.0, -0.0, 1.0, INF, -INF, NAN], ULPS, 0.0),
    "sinh": (m_sinh, between(-710.0, 710.0), [0.0, -0.0, INF, -INF, NAN], ULPS, 0.0),
    "cosh": (m_cosh, between(-710.0, 710.0), [0.0, -0.0, INF, -INF, NAN], ULPS, 0.0),
    "tanh": (m_tanh, any_float(), [0.0, -0.0, 30.0, INF, -INF, NAN], ULPS, 0.0),
    "asinh": (m_asinh, any_float(), [0.0, -0.0, INF, -INF, NAN], ULPS, 0.0),
    "acosh": (m_acosh, between(1.0, INF), [1.0, INF, NAN], ULPS, 0.0),
    "atanh": (m_atanh, between(-1.0, 1.0, exclude_min=True, exclude_max=True), [0.0, -0.0, 0.5, NAN], ULPS, 0.0),
    "fabs": (m_fabs, any_float(), [0.0, -0.0, -INF, NAN], 0, 0.0),
    "isnan": (m_isnan, any_float(), [0.0, INF, -INF, NAN], 0, 0.0),
    "isinf": (m_isinf, any_float(), [0.0, INF, -INF, NAN], 0, 0.0),
    "isfinite": (m_isfinite, any_float(), [0.0, INF, -INF, NAN], 0, 0.0),
    # gamma overflows past ~171.62 and has poles at 0, -1, -2, ...
    "gamma": (m_gamma, between(1e-300, 171.0), [0.5, 1.0, 2.0, 10.0, -0.5, -1.5, -170.5, INF, NAN], 16, 0.0),
    # lgamma crosses zero at 1 and 2, where ulps of a tiny result mean little.
    "lgamma": (m_lgamma, between(1e-300, 1e300), [0.5, 1.0, 2.0, 3.0, -0.5, -2.5, INF, -INF, NAN], 16, 1e-15),
    "erf": (m_erf, any_float(), [0.0, -0.0, 1.0, 6.0, INF, -INF, NAN], ULPS, 0.0),
    "erfc": (m_erfc, any_float(), [0.0, -0.0, 1.0, 27.0, INF, -INF, NAN], ULPS, 0.0),
    "degrees": (m_degrees, any_float(), [0.0, -0.0, math.pi, INF, NAN], 1, 0.0),
    "radians": (m_radians, any_float(), [0.0, -0.0, 180.0, INF, NAN], 1, 0.0),
    "frexp": (m_frexp, st.floats(allow_nan=False, allow_infinity=False), [0.0, -0.0, 1.0, 5e-324, 1e308], 0, 0.0),
}

# floor/ceil/trunc return an int: CPython raises on inf/nan, and the int64
# result has to hold the value.
ROUNDING = {
    "floor": m_floor,
    "ceil": m_ceil,
    "trunc": m_trunc,
}


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_edges(name):
    fn, _, edges, ulps, abs_tol = UNARY[name]
    for x in edges:
        check(fn, x, ulps=ulps, abs_tol=abs_tol)


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_property(name):
    fn, domain, _, ulps, abs_tol = UNARY[name]

    @given(domain)
    def prop(x):
        check(fn, x, ulps=ulps, abs_tol=abs_tol)

    prop()


@given(between(-170.0, -1e-300).filter(lambda x: x != math.floor(x)))
def test_gamma_negative_non_integers(x):
    assume(cpython_returns(m_gamma, x))
    check(m_gamma, x, ulps=16)
    # Near its negative-axis zeros lgamma is ill-conditioned; implementations
    # agree only to an absolute ~1e-15 there.
    check(m_lgamma, x, ulps=16, abs_tol=1e-13)


@pytest.mark.parametrize("name", sorted(ROUNDING))
@pytest.mark.parametrize("x", [0.0, -0.0, 0.5, -0.5, 1.0, -1.0, 2.5, -2.5, 1e15 + 0.5, -(2.0**62), 7, -7])
def test_rounding_edges(name, x):
    assert type(check(ROUNDING[name], x)) is int


@pytest.mark.parametrize("name", sorted(ROUNDING))
def test_rounding_property(name):
    @given(between(-(2.0**62), 2.0**62))
    def prop(x):
        check(ROUNDING[name], x)

    prop()


@pytest.mark.parametrize("fn", [m_isnan, m_isinf, m_isfinite, m_sqrt, m_exp, m_fabs])
@pytest.mark.parametrize("x", [0, 4, 700])
def test_int_arguments(fn, x):
    check(fn, x, ulps=ULPS)


SPECIAL = [0.0, -0.0, 1.0, -1.0, INF, -INF, NAN, 5e-324, 1e308]


def _pairs(values):
    return [(a, b) for a in values for b in values]


@pytest.mark.parametrize("y, x", _pairs(SPECIAL))
def test_atan2_special(y, x):
    check(m_atan2, y, x, ulps=ULPS)


@pytest.mark.parametrize("x, y", _pairs(SPECIAL))
def test_hypot_copysign_special(x, y):
    check(m_hypot, x, y, ulps=1)
    check(m_copysign, x, y)


@given(any_float(), any_float())
def test_binary_property(a, b):
    check(m_atan2, a, b, ulps=ULPS)
    check(m_hypot, a, b, ulps=1)
    check(m_copysign, a, b)


@given(between(0.0, 1e10), between(-30.0, 30.0))
def test_math_pow_property(x, y):
    assume(cpython_returns(m_pow, x, y))
    check(m_pow, x, y, ulps=ULPS)


@pytest.mark.parametrize("x, n", [(1.5, 3), (1.0, -1074), (-0.75, 10), (0.0, 5), (INF, -3), (1.0, 1023)])
def test_ldexp(x, n):
    check(m_ldexp, x, n)


@given(st.integers(-(2**62), 2**62), st.integers(-(2**62), 2**62))
def test_gcd(a, b):
    check(m_gcd, a, b)


def c_pi():
    return math.pi


def c_e():
    return math.e


def c_inf():
    return math.inf


def c_nan():
    return math.nan


def c_tau():
    return math.tau


@pytest.mark.parametrize("fn", [c_pi, c_e, c_inf, c_nan, c_tau])
def test_constants(fn):
    check(fn)


def constants_in_expression(r):
    return math.pi * r * r + math.e - math.inf * (r > 1e308)


@pytest.mark.parametrize("r", [0.0, 1.5, 2.0])
def test_constants_in_expression(r):
    check(constants_in_expression, r)


# --- cmath


def c_sqrt(z):
    return cmath.sqrt(z)


def c_exp(z):
    return cmath.exp(z)


def c_log(z):
    return cmath.log(z)


def c_abs(z):
    return abs(z)


def c_phase(z):
    return cmath.phase(z)


def c_polar(z):
    return cmath.polar(z)


def c_rect(r, phi):
    return cmath.rect(r, phi)


def c_isnan(z):
    return cmath.isnan(z)


def c_parts(z):
    return z.real, z.imag


def c_conjugate(z):
    return z.conjugate()


CMATH = [c_sqrt, c_exp, c_log, c_abs, c_phase, c_polar, c_isnan, c_parts, c_conjugate]

COMPLEX_EDGES = [1 + 0j, -1 + 0j, complex(-1.0, -0.0), 1j, -1j, 3 + 4j, -3 - 4j, 0.5 - 2j, complex(1e-300, 1e300)]

# Subnormal components are left out: CPython's cmath rescales them carefully
# (and phase() even raises OverflowError), Numba's cmath loses precision.
CMATH_RTOL = 4 * 2.0**-52

moderate = between(-300.0, 300.0).filter(lambda v: v == 0.0 or abs(v) > 1e-150)


@pytest.mark.parametrize("fn", CMATH)
@pytest.mark.parametrize("z", COMPLEX_EDGES)
def test_cmath_edges(fn, z):
    if fn is c_exp and abs(z.real) > 700:
        pytest.skip("CPython raises OverflowError")
    check(fn, z, ulps=ULPS, modulus_rtol=CMATH_RTOL)


@pytest.mark.parametrize("fn", CMATH)
def test_cmath_property(fn):
    @given(moderate, moderate)
    def prop(re, im):
        z = complex(re, im)
        # c_log(0): CPython raises ValueError, Numba gives -inf
        assume(cpython_returns(fn, z))
        check(fn, z, ulps=ULPS, modulus_rtol=CMATH_RTOL)

    prop()


@given(between(0.0, 1e10), between(-10.0, 10.0))
def test_cmath_rect_property(r, phi):
    check(c_rect, r, phi, ulps=ULPS, modulus_rtol=CMATH_RTOL)


@given(moderate, moderate)
def test_polar_rect_roundtrip(re, im):
    f = compiled(c_polar)
    g = compiled(c_rect)
    z = complex(re, im)
    w = g(*f(z))
    assert abs(w - z) <= 1e-12 * max(1.0, abs(z))
