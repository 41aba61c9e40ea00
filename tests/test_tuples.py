"""Homogeneous and heterogeneous tuples, checked against CPython."""

import operator

import numpy as np
import pytest
from hypothesis import given, strategies as st

from tests.backend import IS_FERRUMBA, TypingError, numba_lacks
from tests.checks import check, compiled


def make_homogeneous(a, b):
    return (a, b, a + b)


def make_heterogeneous(i, x):
    return (i, x, i > 0, i * x)


def nested(i, x):
    return ((i, x), (x, (i, i)))


def swap(a, b):
    a, b = b, a
    return a, b


def unpack(t):
    a, b, c = t
    return c - a * b


def unpack_nested(t):
    (a, b), c = t
    return a + c * b


def const_index(t):
    return t[0] * 100 + t[2] * 10 + t[-1]


def const_index_hetero(t):
    return t[1] + t[0], t[2]


def runtime_index(t, i):
    # Homogeneous tuples may be indexed with a runtime integer.
    return t[i]


def iterate(t):
    s = 0.0
    for x in t:
        s = s * 2 + x
    return s


def tuple_len(t):
    return len(t)


def tuple_eq(a, b):
    return a == b


def tuple_ne(a, b):
    return a != b


def rebuild(t):
    lo, hi = t
    if lo > hi:
        t = (hi, lo)
    return t


def pass_through(t):
    return t


def returns_empty_tuple():
    return ()


def sum_pairs(t):
    s = 0
    for a, b in t:
        s += a * b
    return s


@pytest.mark.parametrize("a, b", [(1, 2), (1.5, -2.5), (True, False)])
def test_make_homogeneous(a, b):
    check(make_homogeneous, a, b)


@pytest.mark.parametrize("i, x", [(3, 0.5), (-2, 1.25)])
def test_make_heterogeneous_and_nested(i, x):
    check(make_heterogeneous, i, x)
    check(nested, i, x)


@pytest.mark.parametrize("a, b", [(1, 2), (1.5, 2.5), (1, 2.5)])
def test_swap(a, b):
    check(swap, a, b)


@pytest.mark.parametrize("t", [(1, 2, 3), (1.5, 2, True), (-1, -2.5, 3)])
def test_unpack(t):
    check(unpack, t)


@pytest.mark.parametrize("t", [((1, 2), 3), ((1.5, 2), 3.5)])
def test_unpack_nested(t):
    check(unpack_nested, t)


@pytest.mark.parametrize("t", [(1, 2, 3), (4, 5, 6, 7, 8)])
def test_const_index(t):
    check(const_index, t)


@pytest.mark.parametrize("t", [(1, 2.5, True), (-3, 0.25, False)])
def test_const_index_heterogeneous(t):
    check(const_index_hetero, t)


@pytest.mark.parametrize("i", [0, 1, 3, -1, -4])
def test_runtime_index(i):
    check(runtime_index, (10, 20, 30, 40), i)
    check(runtime_index, (1.5, 2.5, 3.5, 4.5), i)


@pytest.mark.parametrize("t", [(1, 2, 3), (1.5, 2.5), (7,), (True, False, True)])
def test_iterate_homogeneous(t):
    check(iterate, t)


@pytest.mark.parametrize("t", [(), (1,), (1, 2.5, True), ((1, 2), (3, 4))])
def test_len(t):
    check(tuple_len, t)


@pytest.mark.parametrize(
    "a, b", [((1, 2), (1, 2)), ((1, 2), (2, 1)), ((1, 2.5), (1, 2.5)), ((1.0, 2.0), (1, 2))]
)
def test_equality(a, b):
    check(tuple_eq, a, b)
    check(tuple_ne, a, b)


@pytest.mark.parametrize("t", [(1, 2), (2, 1), (3.5, -1.5)])
def test_rebuild_same_type(t):
    check(rebuild, t)


@pytest.mark.parametrize("t", [(1, 2.5, True), ((1, 2), (3.5,)), (np.int8(3), np.float32(0.5))])
def test_tuple_round_trip(t):
    check(pass_through, t)


def test_empty_tuple():
    check(returns_empty_tuple)


def test_iterate_tuple_of_tuples():
    check(sum_pairs, ((1, 2), (3, 4), (5, 6)))


def membership(x, t):
    return (x in t, x not in t, x in (1, 2.5, 3j), x in ())


def membership_operator(x, t):
    return operator.contains(t, x)


@numba_lacks("'in' on tuples of mixed types or empty tuples")
@given(x=st.integers(-3, 3) | st.floats(-3, 3, allow_nan=False), t=st.tuples(st.integers(-3, 3), st.integers(-3, 3), st.floats(-3, 3, allow_nan=False)))
def test_in_on_tuples(x, t):
    check(membership, x, t)
    check(membership_operator, x, t)


def tuple_slices(t):
    return t[1:], t[:-1], t[::2], t[::-1], t[-2:], t[5:], t[1:4:2], t[-1:0:-2], t[:]


@given(t=st.tuples(st.integers(-9, 9), st.floats(-9, 9, allow_nan=False), st.integers(-9, 9)) | st.tuples(st.integers(-9, 9)) | st.tuples(*[st.integers(-9, 9)] * 6))
def test_constant_slices_of_tuples(t):
    check(tuple_slices, t)


def slice_of_call(x):
    return (x, x + 1, x + 2)[1:]


@given(x=st.integers(-100, 100))
def test_slicing_a_tuple_expression_evaluates_it_once(x):
    check(slice_of_call, x)


def tuple_index(t, x):
    return t.index(x)


def tuple_count(t, x):
    return t.count(x)


@given(st.lists(st.integers(-3, 3), min_size=1, max_size=6), st.integers(-4, 4))
def test_tuple_index(items, x):
    check(tuple_index, tuple(items), x, same_message=True)


@numba_lacks("tuple.count")
@given(st.lists(st.integers(-3, 3), min_size=1, max_size=6), st.integers(-4, 4))
def test_tuple_count(items, x):
    check(tuple_count, tuple(items), x)
    # Items of another kind are simply never equal.
    check(tuple_count, tuple(items) + (1.5, True), x)


def tuple_of(t):
    return tuple(t), tuple(), tuple(tuple(t))


@pytest.mark.parametrize("t", [(), (4, 5), (4, 5.5), (1, (2.0, 3j))], ids=str)
def test_tuple_constructor_of_tuples(t):
    check(tuple_of, t)


def tuple_of_array(a):
    return tuple(a)


@pytest.mark.skipif(not IS_FERRUMBA, reason="ferrumba's typing errors")
def test_tuple_of_an_array_is_a_typing_error():
    with pytest.raises(TypingError, match="length is not known"):
        compiled(tuple_of_array)(np.ones(3))
