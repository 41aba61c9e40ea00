"""Exceptions raised in compiled code reach the caller as CPython's would."""

import numpy as np
import pytest

from tests.assert_kernels import assert_positive, bare_assert
from tests.backend import njit
from tests.checks import check, compiled


def raise_value_error(x):
    if x > 0:
        raise ValueError("x must not be positive")
    return x


def raise_class_only(x):
    if x > 0:
        raise ValueError
    return x


def raise_no_message(x):
    if x > 0:
        raise TypeError()
    return x


def raise_in_loop(n):
    s = 0
    for i in range(n):
        if i == 5:
            raise IndexError("index 5 is not allowed")
        s += i
    return s


def raise_from_nested_branches(a, b):
    if a > 0:
        if b > 0:
            raise RuntimeError("both positive")
        raise ArithmeticError("only a positive")
    elif b > 0:
        raise LookupError("only b positive")
    return a + b


def make_raiser(cls, message):
    def raiser(x):
        if x:
            raise cls(message)
        return 0

    return raiser


BUILTIN_CLASSES = [
    ValueError, TypeError, KeyError, IndexError, RuntimeError, ZeroDivisionError, OverflowError,
    ArithmeticError, LookupError, NotImplementedError, AssertionError, Exception, FloatingPointError,
    UnicodeError, MemoryError,
]

RAISERS = {cls.__name__: make_raiser(cls, f"{cls.__name__} from compiled code") for cls in BUILTIN_CLASSES}


@pytest.mark.parametrize("name", sorted(RAISERS))
def test_builtin_exception_classes(name):
    fn = RAISERS[name]
    check(fn, 1, same_message=True)
    check(fn, 0)


@pytest.mark.parametrize(
    "fn", [raise_value_error, raise_class_only, raise_no_message, assert_positive, bare_assert]
)
@pytest.mark.parametrize("x", [1, -1, 2.5])
def test_raise_forms(fn, x):
    check(fn, x, same_message=True)


@pytest.mark.parametrize("n", [3, 5, 10])
def test_raise_in_loop(n):
    check(raise_in_loop, n, same_message=True)


@pytest.mark.parametrize("a, b", [(1, 1), (1, -1), (-1, 1), (-1, -1)])
def test_raise_from_nested_branches(a, b):
    check(raise_from_nested_branches, a, b, same_message=True)


def test_exception_message_is_exact():
    f = compiled(raise_value_error)
    with pytest.raises(ValueError) as info:
        f(3)
    assert str(info.value) == "x must not be positive"
    assert info.value.args == ("x must not be positive",)


def test_function_works_after_raising():
    f = compiled(raise_in_loop)
    for _ in range(3):
        with pytest.raises(IndexError):
            f(10)
        assert f(4) == 6


@njit
def callee_raises(x):
    if x < 0:
        raise ValueError("negative input")
    return x * 2


def caller(x):
    return callee_raises(x) + 1


def caller_loop(a):
    s = 0.0
    for v in a:
        s += callee_raises(v)
    return s


def test_exception_propagates_through_calls():
    check(caller, 5)
    check(caller, -5, same_message=True)


def test_exception_propagates_out_of_loop():
    check(caller_loop, np.array([1.0, 2.0]))
    check(caller_loop, np.array([1.0, -2.0, 3.0]), same_message=True)


def test_exception_is_not_a_compile_error():
    # A raise is runtime behaviour: the function must compile and succeed on
    # inputs that do not reach it.
    f = njit(raise_value_error)
    assert f(-3) == -3
