"""Statements and loops, checked against CPython running the same function."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.checks import check, compiled


def sign(x):
    if x > 0:
        return 1
    elif x < 0:
        return -1
    else:
        return 0


def classify(x):
    r = 0
    if x < -10:
        r = 1
    elif x < 0:
        r = 2
    elif x == 0:
        r = 3
    elif x < 10:
        r = 4
    else:
        r = 5
    return r


def if_no_else(x):
    y = x
    if x % 2 == 0:
        y = x // 2
    return y


def nested_if(a, b):
    if a > 0:
        if b > 0:
            return 1
        return 2
    else:
        if b > 0:
            return 3
    return 4


@pytest.mark.parametrize("fn", [sign, classify, if_no_else])
@pytest.mark.parametrize("x", [-20, -10, -3, 0, 3, 10, 20])
def test_if_chains(fn, x):
    check(fn, x)


@pytest.mark.parametrize("x", [-2.5, -0.0, 0.0, 7.5, float("nan")])
def test_if_on_floats(x):
    check(sign, x)
    check(classify, x)


@pytest.mark.parametrize("a", [-1, 0, 1])
@pytest.mark.parametrize("b", [-1, 0, 1])
def test_nested_if(a, b):
    check(nested_if, a, b)


def collatz_steps(n):
    steps = 0
    while n != 1:
        if n % 2 == 0:
            n //= 2
        else:
            n = 3 * n + 1
        steps += 1
    return steps


def while_break_else(n, stop):
    i = 0
    total = 0
    while i < n:
        if i == stop:
            break
        total += i
        i += 1
    else:
        total = -total
    return total


def while_continue(n):
    i = 0
    total = 0
    while i < n:
        i += 1
        if i % 3 == 0:
            continue
        total += i
    return total


def for_break_else(n, stop):
    found = -1
    for i in range(n):
        if i * i == stop:
            found = i
            break
    else:
        found = -2
    return found


def for_continue(n):
    total = 0
    for i in range(n):
        if i % 2:
            continue
        total += i
    return total


def first_divisor(n):
    for d in range(2, n):
        if n % d == 0:
            return d
    return n


def multiple_returns(x):
    if x < 0:
        return -1
    for i in range(x):
        if i * i > x:
            return i
    while x > 100:
        return 100
    return x


def nested_loops(n):
    count = 0
    for i in range(n):
        for j in range(i):
            if (i + j) % 3 == 0:
                continue
            if j > 5:
                break
            k = 0
            while k < j:
                count += 1
                k += 1
    return count


def primes_below(n):
    count = 0
    for i in range(2, n):
        for d in range(2, i):
            if d * d > i:
                count += 1
                break
            if i % d == 0:
                break
        else:
            count += 1
    return count


def loop_var_after_loop(n):
    for i in range(n):
        pass
    return i


@given(st.integers(1, 10000))
def test_collatz(n):
    check(collatz_steps, n)


@pytest.mark.parametrize("fn", [while_break_else, for_break_else])
@pytest.mark.parametrize("n, stop", [(10, 3), (10, 9), (10, 20), (0, 0), (5, 16), (5, 4)])
def test_break_and_else(fn, n, stop):
    check(fn, n, stop)


@pytest.mark.parametrize("fn", [while_continue, for_continue, first_divisor, multiple_returns, nested_loops, primes_below])
@pytest.mark.parametrize("n", [0, 1, 2, 7, 30, 97, 101, 150])
def test_loops(fn, n):
    check(fn, n)


@pytest.mark.parametrize("n", [1, 5])
def test_loop_variable_survives_loop(n):
    check(loop_var_after_loop, n)


# --- range

def sum_range1(n):
    s = 0
    for i in range(n):
        s += i
    return s


def sum_range2(a, b):
    s = 0
    for i in range(a, b):
        s = s * 3 + i
    return s


def sum_range3(a, b, c):
    s = 0
    for i in range(a, b, c):
        s = (s * 7 + i) % 1000003
    return s


def range_len(a, b, c):
    return len(range(a, b, c))


@pytest.mark.parametrize("n", [-3, 0, 1, 10])
def test_range_one_arg(n):
    check(sum_range1, n)


@pytest.mark.parametrize("a, b", [(0, 5), (-5, 5), (5, 0), (3, 3), (-10, -2)])
def test_range_two_args(a, b):
    check(sum_range2, a, b)


@given(st.integers(-30, 30), st.integers(-30, 30), st.integers(-7, 7))
def test_range_three_args(a, b, c):
    # c == 0 included: range() raises ValueError in both.
    check(sum_range3, a, b, c)
    check(range_len, a, b, c)


# --- for over arrays, tuples, enumerate, zip

def sum_array(a):
    s = 0.0
    for x in a:
        s = s * 0.5 + x
    return s


def sum_rows(a):
    # iterating a 2-D array yields its rows (first axis)
    s = 0.0
    for row in a:
        s = s * 0.5 + row[0] - row[-1]
    return s


def sum_tuple(t):
    s = 0
    for x in t:
        s = s * 10 + x
    return s


def enumerate_array(a):
    s = 0.0
    for i, x in enumerate(a):
        s += i * x
    return s


def enumerate_start(a):
    s = 0
    for i, x in enumerate(a, 5):
        s += i * x
    return s


def enumerate_range(n):
    s = 0
    for i, x in enumerate(range(n, 0, -1)):
        s += i * x
    return s


def zip_arrays(a, b):
    s = 0.0
    for x, y in zip(a, b):
        s += x * y
    return s


def zip_three(a, t, n):
    s = 0.0
    for x, y, z in zip(a, t, range(n)):
        s = s * 2 + x + y - z
    return s


def zip_enumerate(a, b):
    s = 0.0
    for i, (x, y) in enumerate(zip(a, b)):
        s += i * (x - y)
    return s


@pytest.mark.parametrize(
    "a",
    [np.arange(5.0), np.arange(10, dtype=np.int64), np.array([], dtype=np.float64), np.linspace(-1, 1, 7)[::2]],
)
def test_for_over_1d_array(a):
    check(sum_array, a)
    check(enumerate_array, a)


@pytest.mark.parametrize(
    "a",
    [np.arange(12.0).reshape(3, 4), np.asfortranarray(np.arange(12.0).reshape(4, 3)), np.arange(24.0).reshape(4, 6)[::2, 1:]],
)
def test_for_over_2d_array_rows(a):
    check(sum_rows, a)


@pytest.mark.parametrize("t", [(1, 2, 3), (5,), (-1, 0, 1, 2, 3, 4)])
def test_for_over_tuple(t):
    check(sum_tuple, t)
    check(enumerate_start, t)


@pytest.mark.parametrize("n", [0, 1, 6])
def test_enumerate_range(n):
    check(enumerate_range, n)


@pytest.mark.parametrize(
    "a, b",
    [(np.arange(5.0), np.arange(5.0) * 2), (np.arange(3.0), np.arange(7.0)), (np.arange(6.0), np.arange(2.0))],
)
def test_zip(a, b):
    # zip stops at the shortest input
    check(zip_arrays, a, b)
    check(zip_enumerate, a, b)


@pytest.mark.parametrize("n", [0, 2, 10])
def test_zip_three_kinds(n):
    check(zip_three, np.arange(4.0), (1.5, 2.5, 3.5), n)


# --- type unification across branches

def int_or_float(x):
    if x > 0:
        y = 1
    else:
        y = 2.5
    return y


def accumulate_becomes_float(n):
    s = 0
    for i in range(n):
        s += 0.5
    return s


def maybe_none(x):
    if x > 0:
        return x
    return None


def maybe_none_var(x):
    r = None
    if x > 0:
        r = x * 2
    return r


def none_check(x):
    r = None
    if x > 0:
        r = x
    if r is None:
        return -1
    return r + 1


def returns_none(x):
    x += 1


def default_if_none(x, y):
    if y is None:
        return x
    return x + y


def identity(x):
    return x


def test_int_and_float_branches_unify_to_float():
    f = compiled(int_or_float)
    assert type(f(1)) is float and f(1) == 1.0
    assert f(-1) == 2.5


@pytest.mark.parametrize("n", [0, 3])
def test_loop_carried_unification(n):
    # n == 0 returns the int 0 in CPython but 0.0 once typed float64
    assert compiled(accumulate_becomes_float)(n) == 0.5 * n
    assert type(compiled(accumulate_becomes_float)(n)) is float


@pytest.mark.parametrize("fn", [maybe_none, maybe_none_var])
@pytest.mark.parametrize("x", [5, -5, 2.5, -2.5])
def test_optional(fn, x):
    check(fn, x)


@pytest.mark.parametrize("x", [5, -5])
def test_optional_narrowed_by_is_none(x):
    check(none_check, x)


def test_implicit_none_return():
    check(returns_none, 3)


@pytest.mark.parametrize("x, y", [(1, None), (1, 2), (1.5, None), (1.5, 2.5)])
def test_none_argument(x, y):
    # None is a type of its own: `y is None` is decided per specialization.
    check(default_if_none, x, y)


def test_none_round_trip():
    check(identity, None)


def columns_or_rows(n, m=None):
    # Only the branch taken is typed when the condition is known when compiling.
    c = n if m is None else m
    return max(c, 0), (n if m is not None else 2.5) * 2


@pytest.mark.parametrize("args", [(3,), (3, 4), (-3, None), (2, -1)], ids=str)
def test_conditional_expression_known_when_compiling(args):
    check(columns_or_rows, *args)
