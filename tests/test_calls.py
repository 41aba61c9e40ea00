"""Globals, closures, calls between compiled functions, recursion, lambdas."""

import math

import numpy as np
import pytest
from hypothesis import given, strategies as st

from tests.backend import njit
from tests.checks import check

SCALE = 3
OFFSET = 0.5
COEFFS = (1, -2, 3)
MUTABLE_GLOBAL = 10


def uses_globals(x):
    return x * SCALE + OFFSET


def uses_global_tuple(x):
    r = 0
    for c in COEFFS:
        r = r * x + c
    return r


def reads_mutable_global(x):
    return x + MUTABLE_GLOBAL


@pytest.mark.parametrize("x", [0, 2, -1.5])
def test_globals(x):
    check(uses_globals, x)
    check(uses_global_tuple, x)


def test_globals_are_frozen_at_compile_time():
    global MUTABLE_GLOBAL
    f = njit(reads_mutable_global)
    assert f(1) == 11
    MUTABLE_GLOBAL = 1000
    try:
        # the int64 specialization already exists and captured the value 10
        assert f(1) == 11
        assert f.py_func(1) == 1001
    finally:
        MUTABLE_GLOBAL = 10


def make_scaler(k, shift):
    def scaled(x):
        return x * k + shift

    return njit(scaled)


@pytest.mark.parametrize("k, shift, x", [(2, 1, 5), (0.5, -1.0, 3), (3, 0.25, -2.0)])
def test_closure_variables(k, shift, x):
    f = make_scaler(k, shift)
    assert f(x) == x * k + shift
    assert type(f(x)) is type(x * k + shift)


def test_closure_variables_are_frozen():
    k = 2

    def times_k(x):
        return x * k

    f = njit(times_k)
    assert f(5) == 10
    k = 100  # noqa: F841 - rebinding the cell after compilation
    assert f(5) == 10


# --- calling other compiled functions

@njit
def square(x):
    return x * x


@njit
def hypot2(a, b):
    return square(a) + square(b)


@njit
def with_default(x, n=3):
    return x * n


def calls_jitted(a, b):
    return hypot2(a, b) - square(a - b)


def calls_with_default(x):
    return with_default(x) + with_default(x, 2) + with_default(x, n=10)


def calls_jitted_in_loop(n):
    s = 0
    for i in range(n):
        s += square(i)
    return s


@pytest.mark.parametrize("a, b", [(3, 4), (1.5, -2.0), (0, 0)])
def test_call_jitted(a, b):
    check(calls_jitted, a, b)


@pytest.mark.parametrize("x", [2, 1.5])
def test_call_jitted_with_defaults_and_keywords(x):
    check(calls_with_default, x)


def test_call_jitted_in_loop():
    check(calls_jitted_in_loop, 100)


# --- recursion

@njit
def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


@njit
def fact(n):
    if n <= 1:
        return 1.0
    return n * fact(n - 1)


@njit
def ackermann(m, n):
    if m == 0:
        return n + 1
    if n == 0:
        return ackermann(m - 1, 1)
    return ackermann(m - 1, ackermann(m, n - 1))


@njit
def is_even(n):
    if n == 0:
        return True
    return is_odd(n - 1)


@njit
def is_odd(n):
    if n == 0:
        return False
    return is_even(n - 1)


@pytest.mark.parametrize("n", [0, 1, 2, 10, 20])
def test_fib(n):
    assert fib(n) == fib.py_func(n)
    assert type(fib(n)) is int


@pytest.mark.parametrize("n", [0, 1, 5, 20])
def test_recursion_float_result(n):
    assert fact(n) == fact.py_func(n)
    assert type(fact(n)) is float


@pytest.mark.parametrize("m, n", [(0, 0), (1, 2), (2, 3), (3, 3)])
def test_ackermann(m, n):
    # Recursion through a non-tail argument position.
    assert ackermann(m, n) == ackermann.py_func(m, n)


@pytest.mark.parametrize("n", [0, 1, 7, 10, 100])
def test_mutual_recursion(n):
    assert is_even(n) is (n % 2 == 0)
    assert is_odd(n) is (n % 2 == 1)


# --- lambdas and functions defined locally

def test_lambda():
    f = njit(lambda x: x + 1)
    assert f(1) == 2
    assert f(1.5) == 2.5
    assert type(f(1)) is int


def test_lambda_two_args_and_math():
    f = njit(lambda x, y: math.sqrt(x * x + y * y))
    assert f(3.0, 4.0) == 5.0


def test_function_defined_in_test():
    def local(a, n):
        total = 0.0
        for i in range(n):
            total += a[i % a.shape[0]]
        return total

    f = njit(local)
    a = np.array([1.0, 2.5, -3.0])
    assert f(a, 7) == local(a, 7)


def test_local_function_calls_global_jitted():
    def local(x):
        return square(x) + fib(5)

    check(local, 3)


def test_local_jitted_calls_local_jitted():
    @njit
    def inner(x):
        return x * 2

    @njit
    def outer(x):
        return inner(x) + 1

    assert outer(20) == 41
    assert outer(0.5) == 2.0


def test_decorated_with_options():
    @njit(fastmath=False, nogil=True)
    def g(x):
        return x - 1

    assert g(10) == 9


@njit
def three(a, b, c):
    return a * 100 + b * 10 + c


def star_args(t, u):
    pair = (t[0], u)
    return three(*t), three(1, *pair), max(*t), (*t, *pair, 9), three(*(u, u, u))


@given(t=st.tuples(st.integers(-9, 9), st.integers(-9, 9), st.integers(-9, 9)), u=st.integers(-9, 9))
def test_star_unpacking_in_calls_and_tuples(t, u):
    check(star_args, t, u)
