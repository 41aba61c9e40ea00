"""Builtin functions, checked against CPython running the same function."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.backend import numba_lacks
from tests.checks import check, compiled


def abs_(x):
    return abs(x)


@pytest.mark.parametrize(
    "x", [5, -5, 0, -(2**62), 2.5, -2.5, -0.0, math.inf, -math.inf, math.nan, 3 + 4j, -3 - 4j, np.int8(-5), np.float32(-1.5)]
)
def test_abs(x):
    check(abs_, x)


def min2(a, b):
    return min(a, b)


def max2(a, b):
    return max(a, b)


def min4(a, b, c, d):
    return min(a, b, c, d)


def max4(a, b, c, d):
    return max(a, b, c, d)


def min_iter(t):
    return min(t)


def max_iter(t):
    return max(t)


# All arguments of one type: with mixed int/float arguments CPython returns
# the winning object unchanged, while compiled code unifies them to float.
@pytest.mark.parametrize("fn", [min2, max2])
@pytest.mark.parametrize(
    "a, b", [(1, 2), (2, 1), (-3, -3), (1.5, -2.5), (0.0, -0.0), (-0.0, 0.0), (math.nan, 1.0), (1.0, math.nan), (True, False)]
)
def test_min_max_two(fn, a, b):
    check(fn, a, b)


@pytest.mark.parametrize("fn", [min4, max4])
@given(st.lists(st.integers(-(2**63), 2**63 - 1), min_size=4, max_size=4))
def test_min_max_several_ints(fn, xs):
    check(fn, *xs)


@pytest.mark.parametrize("fn", [min4, max4])
@given(st.lists(st.floats(allow_nan=False), min_size=4, max_size=4))
def test_min_max_several_floats(fn, xs):
    check(fn, *xs)


@pytest.mark.parametrize("fn", [min_iter, max_iter])
@pytest.mark.parametrize(
    "t",
    [(3, 1, 2), (7,), (1.5, -0.5, 2.5, 0.0), np.array([3.0, -1.0, 2.0]), np.array([4, 9, -2], dtype=np.int32),
     np.array([5], dtype=np.uint8), np.arange(10.0)[::-3]],
)
def test_min_max_iterable(fn, t):
    check(fn, t)


@numba_lacks("min/max of an empty array raise StopIteration, not CPython's ValueError")
@pytest.mark.parametrize("fn", [min_iter, max_iter])
def test_min_max_empty_array(fn):
    assert isinstance(check(fn, np.array([], dtype=np.float64)), ValueError)


def round0(x):
    return round(x)


def round_n(x, n):
    return round(x, n)


@pytest.mark.parametrize(
    "x", [0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.49999999999999994, 2.4, 2.6, -2.6, 1e15 + 0.5, 2.0**62, -0.0, 7.0, 5, -5]
)
def test_round_half_even(x):
    check(round0, x)


@given(st.floats(-1e15, 1e15))
def test_round_property(x):
    check(round0, x)


# Only cases whose decimal result is unambiguous in binary: for x = 2.675
# CPython's correctly rounded round(x, 2) gives 2.67 and Numba 2.68.
@pytest.mark.parametrize(
    "x, n",
    [(0.125, 2), (0.375, 2), (2.5, 0), (3.5, 0), (1234.5678, 2), (-1234.5678, 2), (1234.5, -1), (1250.0, -2),
     (1350.0, -2), (-1250.0, -2), (0.0, 3), (-0.0, 1), (math.inf, 2), (math.nan, 2), (1e300, 2), (123.0, -5)],
)
def test_round_ndigits(x, n):
    check(round_n, x, n)


def to_int(x):
    return int(x)


def to_float(x):
    return float(x)


def to_bool(x):
    return bool(x)


def to_complex1(x):
    return complex(x)


def to_complex2(a, b):
    return complex(a, b)


@pytest.mark.parametrize("x", [0, 7, -7, 2.7, -2.7, -0.0, 1e18, -1e18, True, False, np.int8(-3), np.uint16(65535), np.float32(2.5)])
def test_int_conversion(x):
    check(to_int, x)


# float(bool) and complex(bool) are left out: Numba rejects them at typing.
@pytest.mark.parametrize("x", [0, -7, 2**53 + 1, -(2**63), 2.5, np.int32(-4), np.float32(0.1)])
def test_float_conversion(x):
    check(to_float, x)


@pytest.mark.parametrize("x", [0, 1, -1, 0.0, -0.0, 0.1, math.nan, math.inf, True, False, 0j, 1j, np.uint8(0)])
def test_bool_conversion(x):
    check(to_bool, x)


@pytest.mark.parametrize("x", [1, -2.5, 1 + 2j])
def test_complex_one_arg(x):
    check(to_complex1, x)


@pytest.mark.parametrize("a, b", [(1, 2), (1.5, -2.5), (0, 0.0), (-3, 0.5)])
def test_complex_two_args(a, b):
    check(to_complex2, a, b)


def len_(x):
    return len(x)


def len_range(a, b, c):
    return len(range(a, b, c))


@pytest.mark.parametrize(
    "x", [(1, 2, 3), (1, 2.5), (), np.zeros(7), np.zeros((3, 5)), np.zeros((0, 4)), np.zeros((4, 5), order="F")[1:3]]
)
def test_len(x):
    check(len_, x)


@pytest.mark.parametrize("a, b, c", [(0, 10, 1), (0, 10, 3), (10, 0, -3), (0, 0, 1), (5, 0, 1), (-5, 5, 2)])
def test_len_range(a, b, c):
    check(len_range, a, b, c)


def divmod_(a, b):
    return divmod(a, b)


@given(st.integers(-(2**40), 2**40), st.integers(-(2**20), 2**20).filter(bool))
def test_divmod_int(a, b):
    check(divmod_, a, b)


@pytest.mark.parametrize("a, b", [(7.5, 2.0), (-7.5, 2.0), (7.5, -2.0), (-0.0, 1.0), (5.0, math.inf), (-5.0, math.inf), (1, 0.5)])
def test_divmod_float(a, b):
    check(divmod_, a, b)


def pow_(a, b):
    return pow(a, b)


@pytest.mark.parametrize("a, b", [(3, 4), (-3, 3), (0, 0), (2.0, 0.5), (2, 0.5), (2.0, 3), (-2.0, -1), (1 + 1j, 2)])
def test_pow(a, b):
    check(pow_, a, b, ulps=2)


# --- print: compiled code must write what CPython's print writes

def print_ints(a, b):
    print(a, b)


def print_floats(x):
    print(x, 1.5, -0.0)


def print_mixed(i, x, b):
    print("values:", i, x, b)
    print()
    print(i * 2)


@pytest.mark.parametrize(
    "fn, args",
    [(print_ints, (1, -2)), (print_ints, (True, False)), (print_floats, (0.1,)), (print_floats, (1e300,)),
     (print_floats, (1e-7,)), (print_floats, (2.0,)), (print_mixed, (7, 2.5, True))],
)
def test_print(capfd, fn, args):
    cfunc = compiled(fn)
    assert cfunc(*args) is None
    got = capfd.readouterr().out
    cfunc.py_func(*args)
    expected = capfd.readouterr().out
    assert got == expected


def classify(x):
    # Each branch is typed only where it can run (isinstance is a compile-time constant).
    if isinstance(x, bool):
        return 0.0 if x else -1.0
    if isinstance(x, int):
        return float(x * 2)
    if isinstance(x, float):
        return x / 2
    if isinstance(x, complex):
        return x.real
    if isinstance(x, tuple):
        return float(len(x))
    return -2.0


@pytest.mark.parametrize("x", [True, False, 7, -3, 2.5, 1 + 2j, (1, 2.0), (1, 2, 3)])
def test_isinstance_is_decided_at_compile_time(x):
    check(classify, x)


def converted_by_type_of(a, b):
    return type(a)(b)


def same_type_as(a, b):
    return isinstance(b, type(a))


@pytest.mark.parametrize("a, b", [(1.5, 2), (1, 2.5), (1.5j, 2), (True, 2), (2.5j, False),
                                  pytest.param(7, True, marks=numba_lacks("isinstance(True, int) is False in Numba, True in Python")),
                                  (np.float32(1.5), 2.25), (np.int8(3), 100), (np.uint16(1), 7)])
def test_type_of_a_value_converts_as_its_class(a, b):
    check(converted_by_type_of, a, b)
    check(same_type_as, a, b)


def attributes(z):
    return getattr(z, "real") + getattr(z, "imag", 0.0) * 10 + hasattr(z, "imag") + hasattr(z, "missing") * 100


@given(st.complex_numbers(allow_nan=False, allow_infinity=False, max_magnitude=1e6))
def test_getattr_and_hasattr_with_constant_names(z):
    check(attributes, z)


def classify_many(x):
    return isinstance(x, (int, float)), isinstance(x, (complex, tuple)), isinstance(x, ())


def compares_with_none(x):
    return x == None, x != None, None == x  # noqa: E711


@pytest.mark.parametrize("x", [3, 2.5, 1j, (1, 2), pytest.param(True, marks=numba_lacks("isinstance(True, int) is False in Numba, True in Python"))])
def test_isinstance_with_a_tuple_of_classes_and_equality_with_none(x):
    check(classify_many, x)
    check(compares_with_none, x)


import operator as _operator  # noqa: E402

ADD = _operator.add
LT = _operator.lt


def through_operator_globals(a, b):
    return ADD(a, b), LT(a, b)


@given(st.integers(-100, 100), st.integers(-100, 100))
def test_operator_functions_as_global_values(a, b):
    check(through_operator_globals, a, b)


def folds_of_tuple(t):
    return sum(t), sum(t, 10), sum(t, 0.5), any(t), all(t)


def folds_of_array(a):
    return sum(a), sum(a, 2), any(a), all(a)


def folds_of_range(start, stop, step):
    r = range(start, stop, step)
    return sum(r), any(r), all(r), sum(range(stop))


def extremes_of_range(start, stop, step):
    return min(range(start, stop, step)), max(range(start, stop, step))


@numba_lacks("any/all of tuples")
@given(st.tuples(st.integers(-5, 5), st.floats(-5, 5, allow_nan=False), st.booleans()) | st.tuples(st.integers(-5, 5), st.integers(-5, 5)) | st.just(()))
def test_sum_any_all_of_tuples(t):
    check(folds_of_tuple, t)


@numba_lacks("sum/any/all of arrays with a start value, of bool arrays, and min/max of ranges")
@pytest.mark.parametrize("dtype", [np.int32, np.int64, np.uint8, np.float64, np.bool_])
@given(n=st.integers(1, 20), seed=st.integers(0, 2**32 - 1))
def test_sum_any_all_of_arrays(dtype, n, seed):
    # (Python's sum of an empty float array is the int 0: a type no compiler can know.)
    a = (np.random.default_rng(seed).integers(0, 3, n)).astype(dtype)
    check(folds_of_array, a)


@numba_lacks("sum/any/all of arrays with a start value, of bool arrays, and min/max of ranges")
@given(st.integers(-20, 20), st.integers(-20, 20), st.integers(-5, 5).filter(bool))
def test_folds_of_ranges(start, stop, step):
    check(folds_of_range, start, stop, step)
    check(extremes_of_range, start, stop, step)


def identity_of_bools(a, b):
    return a is b, a is not b, True is a, (a == b) is True


@pytest.mark.parametrize("a", [True, False])
@pytest.mark.parametrize("b", [True, False])
def test_is_between_bools_is_equality(a, b):
    check(identity_of_bools, a, b)
