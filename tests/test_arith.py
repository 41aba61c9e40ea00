"""Operators on scalars, checked against CPython evaluating the same function."""

import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from tests.backend import IS_FERRUMBA, numba_lacks
from tests.checks import check, compiled, wrap_int64


def add(a, b):
    return a + b


def sub(a, b):
    return a - b


def mul(a, b):
    return a * b


def truediv(a, b):
    return a / b


def floordiv(a, b):
    return a // b


def mod(a, b):
    return a % b


def power(a, b):
    return a**b


def bitand(a, b):
    return a & b


def bitor(a, b):
    return a | b


def bitxor(a, b):
    return a ^ b


def lshift(a, b):
    return a << b


def rshift(a, b):
    return a >> b


def neg(a):
    return -a


def pos(a):
    return +a


def invert(a):
    return ~a


def not_(a):
    return not a


ARITH = [add, sub, mul, truediv, floordiv, mod]

# Every sign combination, exact and inexact quotients, zero numerators.
INT_PAIRS = [
    (7, 3), (-7, 3), (7, -3), (-7, -3), (6, 3), (-6, 3), (6, -3), (0, 5),
    (0, -5), (1, 1), (-1, 1), (123456789, -1000), (-123456789, 1000),
    (2**40 + 1, 2**20), (-(2**40) - 1, 7),
]

FLOAT_PAIRS = [
    (7.5, 2.0), (-7.5, 2.0), (7.5, -2.0), (-7.5, -2.0), (0.0, 3.0), (-0.0, 3.0),
    (0.0, -3.0), (1e300, 1e-300), (1e-300, 1e300), (5.0, 0.1), (-5.0, 0.1),
    (0.1, 0.3), (3.0, math.inf), (-3.0, math.inf), (3.0, -math.inf),
    (math.inf, 2.0), (math.inf, math.inf), (math.nan, 1.0), (1.0, math.nan),
    (2.5, 2.5), (1e308, 10.0),
]

MIXED_PAIRS = [(3, 0.5), (-3, 0.5), (7, -2.0), (2.5, 2), (-2.5, 4), (0, -1.5), (10**15, 0.1)]

small_ints = st.integers(-(2**31), 2**31)
int64s = st.integers(-(2**63), 2**63 - 1)


@pytest.mark.parametrize("op", ARITH)
@pytest.mark.parametrize("a, b", INT_PAIRS)
def test_int_ops(op, a, b):
    check(op, a, b)


@pytest.mark.parametrize("op", ARITH)
@pytest.mark.parametrize("a, b", FLOAT_PAIRS)
def test_float_ops(op, a, b):
    check(op, a, b)


@pytest.mark.parametrize("op", ARITH)
@pytest.mark.parametrize("a, b", MIXED_PAIRS)
def test_mixed_int_float_ops(op, a, b):
    check(op, a, b)


# A negative base with a fractional exponent is left out: CPython returns a
# complex there, compiled code (typed float64 ** float64 -> float64) NaN.
@pytest.mark.parametrize("a, b", [(3, 0.5), (-3, 2.0), (2.5, 2), (-2.5, 3), (4, -0.5), (10**15, 0.1)])
def test_mixed_int_float_power(a, b):
    check(power, a, b)


def test_int_true_division_is_float():
    assert type(check(truediv, 6, 3)) is float


@pytest.mark.parametrize("op", ARITH)
@given(a=small_ints, b=small_ints)
def test_int_ops_property(op, a, b):
    # |a|, |b| <= 2**31 keeps products and quotients exact in int64 and
    # in float64, so CPython's unbounded ints are a valid oracle.
    check(op, a, b)


@pytest.mark.parametrize("op", ARITH)
@given(
    a=st.floats(allow_nan=True, allow_infinity=True),
    b=st.floats(allow_nan=True, allow_infinity=True),
)
def test_float_ops_property(op, a, b):
    check(op, a, b)


@pytest.mark.parametrize(
    "a, b",
    [(2, 10), (-3, 3), (-3, 4), (0, 0), (5, 0), (0, 5), (-1, 63), (7, 2), (2, 62), (1, 10**6)],
)
def test_int_power(a, b):
    assert type(check(power, a, b)) is int


@pytest.mark.parametrize(
    "a, b",
    [(2.0, 10.0), (2.0, 0.5), (-2.0, 3.0), (-2.0, -3.0), (0.0, 0.0), (math.nan, 0.0),
     (1.0, math.nan), (2.0, -1074.0), (10.0, -5), (1.5, 7), (-1.5, 7), (math.inf, -1.0),
     (0.5, math.inf), (4.0, 0.5)],
)
def test_float_power(a, b):
    check(power, a, b)


@given(a=st.floats(0.0, 1e6), b=st.floats(-50.0, 50.0))
def test_float_power_property(a, b):
    try:
        a**b
    except (OverflowError, ZeroDivisionError):
        # CPython raises where compiled code returns inf (as Numba does).
        assume(False)
    check(power, a, b, ulps=2)


def power_neg_literal(a):
    return a**-2


@numba_lacks("Numba 0.68 types int ** negative-int as int64 and gives 0 for 2 ** -2")
@pytest.mark.parametrize("a", [2, -2, 1, -1, 4])
def test_int_power_negative_literal_exponent_is_float(a):
    check(power_neg_literal, a)


# --- int64 wrap-around: CPython's ints never overflow, so the expected value
# is computed in Python and reduced modulo 2**64 explicitly.

WRAP_CASES = [
    (add, 2**62, 2**62), (add, 2**63 - 1, 1), (add, -(2**63), -1),
    (sub, -(2**63), 1), (sub, 2**63 - 1, -1), (mul, 2**62, 4), (mul, 2**32 + 1, 2**32 + 1),
    (mul, -(2**63), -1), (power, 3, 41), (power, 2, 63), (power, -2, 65), (lshift, 1, 63),
    (lshift, 3, 62), (lshift, -1, 63),
]


@pytest.mark.parametrize("op, a, b", WRAP_CASES)
def test_int64_wraps(op, a, b):
    got = compiled(op)(a, b)
    assert type(got) is int
    assert got == wrap_int64(op(a, b))


@pytest.mark.parametrize("a", [-(2**63), 2**63 - 1, 0, 1])
def test_negate_wraps(a):
    assert compiled(neg)(a) == wrap_int64(-a)


@pytest.mark.parametrize("op", [add, sub, mul])
@given(a=int64s, b=int64s)
def test_int64_wraps_property(op, a, b):
    assert compiled(op)(a, b) == wrap_int64(op(a, b))


# --- bit operations

@pytest.mark.parametrize("op", [bitand, bitor, bitxor])
@given(a=int64s, b=int64s)
def test_bitwise_property(op, a, b):
    check(op, a, b)


@given(a=int64s, n=st.integers(0, 63))
def test_shifts_property(a, n):
    # Right shifts of int64 never overflow, so CPython is the exact oracle.
    check(rshift, a, n)
    assert compiled(lshift)(a, n) == wrap_int64(a << n)


@pytest.mark.parametrize("a", [0, 1, -1, 5, -6, 2**63 - 1, -(2**63)])
def test_invert_int(a):
    check(invert, a)


@pytest.mark.parametrize("op", [bitand, bitor, bitxor])
@pytest.mark.parametrize("a, b", [(True, False), (True, True), (False, False)])
def test_bitwise_bools_stay_bool(op, a, b):
    check(op, a, b)


# --- unary operators

@pytest.mark.parametrize("op", [neg, pos, not_])
@pytest.mark.parametrize("a", [0, 5, -5, 0.0, -0.0, 2.5, -math.inf, math.nan, True, False, 1 + 2j])
def test_unary(op, a):
    check(op, a)


# --- comparisons

def lt(a, b):
    return a < b


def le(a, b):
    return a <= b


def eq(a, b):
    return a == b


def ne(a, b):
    return a != b


def gt(a, b):
    return a > b


def ge(a, b):
    return a >= b


# Int/float pairs stay below 2**53: beyond it CPython compares exactly while
# Numba converts the int to float64 first.
COMPARE_PAIRS = [
    (1, 2), (2, 1), (2, 2), (-1, 1), (1.5, 1.5), (1.5, 2.5), (0.0, -0.0), (math.nan, 1.0),
    (math.nan, math.nan), (math.inf, 1e308), (1, 1.0), (2, 1.5), (2**53, 2.0**53),
    (True, 1), (False, 0.0), (-math.inf, -(2**63)),
]


@pytest.mark.parametrize("op", [lt, le, eq, ne, gt, ge])
@pytest.mark.parametrize("a, b", COMPARE_PAIRS)
def test_compare(op, a, b):
    assert type(check(op, a, b)) is bool


@pytest.mark.parametrize("op", [eq, ne])
@pytest.mark.parametrize("a, b", [(1 + 2j, 1 + 2j), (1 + 2j, 1 - 2j), (1j, 1), (2 + 0j, 2.0)])
def test_compare_complex(op, a, b):
    check(op, a, b)


def chain_lt_lt(a, b, c):
    return a < b < c


def chain_lt_gt(a, b, c):
    return a < b > c


def chain_eq_eq(a, b, c):
    return a == b == c


def chain_long(a, b, c):
    return a <= b < c != a


@pytest.mark.parametrize("op", [chain_lt_lt, chain_lt_gt, chain_eq_eq, chain_long])
@pytest.mark.parametrize(
    "a, b, c", [(1, 2, 3), (3, 2, 1), (1, 3, 2), (2, 2, 2), (1, 1, 2), (1.0, 2, 2.5), (math.nan, 1.0, 2.0)]
)
def test_chained_compare(op, a, b, c):
    check(op, a, b, c)


# --- boolean operators return an operand and short-circuit

def or_(a, b):
    return a or b


def and_(a, b):
    return a and b


def or3(a, b, c):
    return a or b or c


def and_or(a, b, c):
    return a and b or c


@pytest.mark.parametrize("op", [or_, and_])
@pytest.mark.parametrize(
    "a, b", [(0, 5), (3, 5), (0, 0), (3, 0), (0.0, 2.5), (1.5, 2.5), (-0.0, 0.0), (True, False), (False, True)]
)
def test_and_or_return_operand(op, a, b):
    check(op, a, b)


@pytest.mark.parametrize("op", [or3, and_or])
@pytest.mark.parametrize("a, b, c", [(0, 0, 7), (0, 4, 7), (2, 0, 7), (2, 4, 7), (0, 0, 0)])
def test_and_or_chains(op, a, b, c):
    check(op, a, b, c)


def guarded_div(a, b):
    # `and` must not evaluate the division when b == 0.
    return b != 0 and a // b > 1


def guarded_div_or(a, b):
    return b == 0 or a % b == 0


def not_and(a, b):
    return not (a > 0 and b > 0)


@pytest.mark.parametrize("op", [guarded_div, guarded_div_or, not_and])
@pytest.mark.parametrize("a, b", [(10, 0), (10, 3), (10, 5), (-10, 0), (0, 0)])
def test_short_circuit(op, a, b):
    check(op, a, b)


# --- conditional expressions

def ternary(a, b):
    return a if a > b else b


def ternary_nested(x):
    return -1 if x < 0 else (0 if x == 0 else 1)


def ternary_mixed(x):
    # int in one arm, float in the other: the result type unifies to float
    return 1 if x > 0 else 2.5


@pytest.mark.parametrize("a, b", [(1, 2), (2, 1), (1.5, -1.5), (3, 3)])
def test_ternary(a, b):
    check(ternary, a, b)


@pytest.mark.parametrize("x", [-5, 0, 5, -0.5, 0.0])
def test_ternary_nested(x):
    check(ternary_nested, x)


def test_ternary_unifies_to_float():
    f = compiled(ternary_mixed)
    assert f(1) == 1.0 and type(f(1)) is float
    assert f(-1) == 2.5


# --- augmented assignment

def augmented_int(x, y):
    x += y
    x *= 3
    x -= y
    x //= 2
    x %= 1000
    x **= 2
    x <<= 2
    x >>= 1
    x &= 0xFFFF
    x |= 0x10
    x ^= y
    return x


def augmented_float(x, y):
    x += y
    x *= 1.5
    x -= y
    x /= 2.0
    x //= 0.5
    x %= 7.0
    x **= 2
    return x


def augmented_int_to_float(x):
    x += 1
    x /= 2
    return x


@given(x=st.integers(-1000, 1000), y=st.integers(-1000, 1000))
def test_augmented_int(x, y):
    check(augmented_int, x, y)


@given(x=st.floats(-1e6, 1e6), y=st.floats(-1e6, 1e6))
def test_augmented_float(x, y):
    check(augmented_float, x, y)


@pytest.mark.parametrize("x", [3, -4, 0])
def test_augmented_int_becomes_float(x):
    check(augmented_int_to_float, x)


# --- complex, bool and narrow scalar types

@pytest.mark.parametrize("op", [add, sub, mul, truediv])
@pytest.mark.parametrize("a, b", [(1 + 2j, 3 - 4j), (-1.5j, 2 + 0j), (1 + 1j, 2.0), (3, 1j), (1e300 + 1e300j, 1e-300j)])
def test_complex_ops(op, a, b):
    check(op, a, b, ulps=2)


def test_complex_power():
    check(power, 1 + 1j, 2 + 0j, ulps=4)
    check(power, 2j, 2, ulps=4)


@pytest.mark.parametrize("op", [add, sub, mul, truediv, floordiv, mod])
@pytest.mark.parametrize("a, b", [(True, True), (True, 3), (False, 2.5), (7, True)])
def test_bool_arithmetic(op, a, b):
    check(op, a, b)


NARROW = [np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64]


# uint64 mixed with a signed int is left out: NumPy makes it float64, Numba
# keeps an integer.
WIDTH_PAIRS = [
    (ta, tb)
    for ta in NARROW
    for tb in [np.int8, np.uint16, np.int32, np.uint64]
    if np.uint64 not in (ta, tb) or np.dtype(ta).kind == np.dtype(tb).kind
]


@pytest.mark.parametrize("op", [add, mul, floordiv, mod, bitxor])
@pytest.mark.parametrize("ta, tb", WIDTH_PAIRS, ids=lambda t: np.dtype(t).name)
def test_mixed_width_ints(op, ta, tb):
    # Small values: no width overflows, so the result value does not depend
    # on which integer type the promotion picks.
    check(op, ta(23), tb(5))
    check(op, ta(9), tb(7))


@pytest.mark.parametrize("t", [np.int8, np.int16, np.int32, np.uint8, np.uint16, np.uint32])
def test_narrow_ints_promote_to_machine_width_like_numba(t):
    # Numba computes on scalars of <64-bit ints in (u)int64 (NumPy would
    # wrap at the narrow width), so 100 + 100 is 200 even for int8.
    assert compiled(add)(t(100), t(100)) == 200
    assert compiled(mul)(t(100), t(100)) == 10000


@pytest.mark.parametrize("op", [neg, invert])
@pytest.mark.parametrize("t", [np.uint8, np.uint16, np.uint32, np.uint64])
@pytest.mark.parametrize("v", [0, 1, 7])
def test_negate_and_invert_narrow_unsigned_at_their_own_width(op, t, v):
    # As NumPy's scalars and Numba: -uint8(1) is 255 (Numba then types it uint64).
    got = compiled(op)(t(v))
    assert got == op(t(v)), (got, op(t(v)))


@pytest.mark.parametrize("op", [add, sub, mul, truediv])
@pytest.mark.parametrize("a, b", [(1.1, 2.2), (-3.5, 0.1), (1e30, 1e10), (3.0, 7.0)])
def test_float32_arithmetic(op, a, b):
    check(op, np.float32(a), np.float32(b))
    # NumPy scalars, not Python ones: NumPy 2 treats a Python float as
    # "weak" and stays in float32, Numba types it float64 and promotes.
    check(op, np.float32(a), np.float64(b))
    check(op, np.float32(a), np.int64(3))


# --- division by zero: ZeroDivisionError under the default error model

@pytest.mark.parametrize("op", [truediv, floordiv, mod])
@pytest.mark.parametrize("a, b", [(1, 0), (0, 0), (-5, 0), (1.0, 0.0), (1.0, -0.0), (0.0, 0.0), (1, 0.0), (1.5, 0), (math.nan, 0.0)])
def test_division_by_zero(op, a, b):
    # Numba's messages differ from CPython's ("division by zero" vs "float
    # division by zero"); only the class is specified.
    assert isinstance(check(op, a, b), ZeroDivisionError)


def divmod_(a, b):
    return divmod(a, b)


@pytest.mark.parametrize("a, b", [(1, 0), (1.0, 0.0)])
def test_divmod_by_zero(a, b):
    assert isinstance(check(divmod_, a, b), ZeroDivisionError)


def test_int_zero_to_negative_power():
    assert isinstance(check(power, 0, -1), ZeroDivisionError)


def test_complex_division_by_zero():
    assert isinstance(check(truediv, 1 + 2j, 0j), ZeroDivisionError)


def inverse(x):
    return x ** -1


@pytest.mark.parametrize("a, b", [
    (0.0, -1), (0.0, -3), (0.0, 2), (2.0, -2),
    # Numba returns inf for float exponents (and for -0.0 says it differently).
    *[pytest.param(a, b, marks=numba_lacks("ZeroDivisionError for 0.0 ** negative float")) for a, b in [(0, -2.0), (0.0, -0.5), (-0.0, -2)]],
])
def test_zero_to_a_negative_power_raises(a, b):
    # CPython raises ZeroDivisionError for a zero base and a negative exponent, whether
    # the exponent is an int (repeated squaring) or a float (pow).
    # Numba raises it too, saying "division by zero".
    check(power, a, b, same_message=IS_FERRUMBA)
    check(inverse, a)
