"""Lists in compiled code, checked against CPython running the same functions: displays
and comprehensions, methods, indexing and slicing, operators, builtins over lists,
Python list arguments (changes written back, as Numba's reflected lists) and
`typed.List` (shared with Python by reference, nested), with Python's exceptions.
"""

import gc

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.backend import IS_FERRUMBA, IS_NUMBA, TypingError, backend, numba_lacks
from tests.checks import check, compiled

# A list argument needs an item to be typed (as in Numba): arguments are never empty,
# lists built or emptied inside compiled code may be.
ints = st.lists(st.integers(-20, 20), min_size=1, max_size=12)
floats = st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=12)
index = st.integers(-15, 15)
SOME = settings(max_examples=40, deadline=None)

# ---------------------------------------------------------------- built in compiled code


def build_and_append(n):
    out = [1.5]
    for i in range(n):
        out.append(i * 0.5)
    return out


def build_from_empty(n):
    out = []
    for i in range(n):
        out.append(i * i)
    return out, len(out)


def comprehension(n):
    return [k * k for k in range(n) if k % 3 != 1]


def nested_comprehension(n):
    return [[i * j for j in range(i)] for i in range(n)]


def two_generators(n):
    return [(i, j) for i in range(n) for j in range(i) if (i + j) % 2 == 0]


def comprehension_of_list(xs):
    return [x * 2 for x in xs if x > 0]


def list_of_tuples(n):
    out = [(0, 0.0)]
    for i in range(n):
        out.append((i, i / 2))
    return out


def empty_list_typed_later(n):
    acc = []
    total = 0
    for i in range(n):
        acc.append(i)
        total += acc[-1]
    return total, acc


def list_constructor(n):
    return list(range(n)), list((1, 2, 3))


@pytest.mark.parametrize("fn", [build_and_append, build_from_empty, comprehension, nested_comprehension, two_generators, list_of_tuples,
                                empty_list_typed_later, list_constructor])
@given(n=st.integers(0, 12))
@SOME
def test_lists_built_in_compiled_code(fn, n):
    check(fn, n)


# ---------------------------------------------------------------- methods on arguments


def pop_insert(xs, i, v):
    xs.insert(i, v)
    a = xs.pop()
    b = xs.pop(0) if len(xs) else -1
    return a, b, xs


def pop_at(xs, i):
    return xs.pop(i), xs


def get(xs, i):
    return xs[i]


def set_item(xs, i, v):
    xs[i] = v
    return xs


def delete(xs, i):
    del xs[i]
    return xs


def extend_and_add(xs, ys):
    zs = xs + ys
    xs.extend(ys)
    xs += [7]
    return zs, xs, len(zs)


def repeat(xs, n):
    return xs * n, n * xs


def searching(xs, v):
    return v in xs, v not in xs, xs.count(v)


def index_of(xs, v):
    return xs.index(v)


def remove(xs, v):
    xs.remove(v)
    return xs


def reverse_sort(xs):
    ys = xs.copy()
    ys.reverse()
    zs = sorted(xs)
    ws = sorted(xs, reverse=True)
    xs.sort()
    return ys, zs, ws, xs


def slices(xs, i, j):
    return xs[i:j], xs[::2], xs[::-1], xs[j:i:-1], xs[:], xs[i:]


def reductions(xs):
    return sum(xs), len(xs), bool(xs)


def extremes(xs):
    return min(xs), max(xs)


def compare(xs, ys):
    return xs == ys, xs != ys, xs < ys, xs <= ys, xs > ys, xs >= ys


def clear(xs):
    xs.clear()
    xs.append(3)
    return xs


def iterate_with_enumerate(xs):
    s = 0
    for i, x in enumerate(xs):
        s += i * x
    return s


@given(ints, index, st.integers(-5, 5))
@SOME
def test_pop_insert_get_set_delete(xs, i, v):
    check(pop_insert, list(xs), i, v)
    check(pop_at, list(xs), i)
    check(get, list(xs), i)
    check(set_item, list(xs), i, v)
    check(delete, list(xs), i)


@given(ints, ints, st.integers(-1, 3))
@SOME
def test_concatenate_extend_repeat(xs, ys, n):
    check(extend_and_add, list(xs), list(ys))
    check(repeat, list(xs), n)
    check(compare, list(xs), list(ys))


@given(ints, st.integers(-3, 3))
@SOME
def test_search_and_remove(xs, v):
    check(searching, list(xs), v)
    check(index_of, list(xs), v)
    check(remove, list(xs), v)


@given(ints, index, index)
@SOME
def test_order_slices_and_reductions(xs, i, j):
    check(reverse_sort, list(xs))
    check(slices, list(xs), i, j)
    check(reductions, list(xs))
    check(extremes, list(xs))
    check(clear, list(xs))
    check(iterate_with_enumerate, list(xs))


@given(floats)
@SOME
def test_float_lists(xs):
    check(reverse_sort, list(xs))
    check(reductions, list(xs))
    check(comprehension_of_list, list(xs))


def test_sort_is_stable_for_tuples():
    pairs = [(1, 3), (0, 2), (1, 1), (0, 5), (1, 2)]
    check(reverse_sort, pairs)


# ---------------------------------------------------------------- reflection and typed.List


def mutate_argument(xs):
    xs.append(len(xs))
    xs[0] = -xs[0]
    return None


def test_changes_to_a_list_argument_are_written_back():
    xs = [3, 1, 2]
    compiled(mutate_argument)(xs)
    assert xs == [-3, 1, 2, 3]


def test_unchanged_list_argument_keeps_its_items():
    xs = [1, 2, 3]
    items = [id(x) for x in xs]
    compiled(reductions)(xs)
    assert [id(x) for x in xs] == items


def seed_func(my_list):
    # The seed's example: modify a nested typed List in a compiled context.
    for i in range(10):
        my_list[1][i] = 23


def test_seed_nested_typed_list():
    List = backend.typed.List
    lst = List()
    l1 = List()
    [l1.append(i) for i in range(5)]
    lst.append(l1)
    l2 = List()
    [l2.append(i) for i in range(10)]
    lst.append(l2)
    assert str(lst) == "[[0, 1, 2, 3, 4], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]]"
    compiled(seed_func)(lst)
    assert str(lst) == "[[0, 1, 2, 3, 4], [23, 23, 23, 23, 23, 23, 23, 23, 23, 23]]"
    # The inner list is the same object's storage, changed in place.
    assert list(l2) == [23] * 10


def make_typed(n):
    out = backend.typed.List()
    for i in range(n):
        out.append((i, i * 0.25))
    return out


def typed_sum(lst):
    s = 0.0
    for x in lst:
        s += x
    lst.append(s)
    return s


def test_typed_list_returned_and_passed():
    got = compiled(make_typed)(4)
    assert type(got).__name__ == "List"
    assert list(got) == [(i, i * 0.25) for i in range(4)]
    lst = backend.typed.List([1.0, 2.0, 3.5])
    assert compiled(typed_sum)(lst) == 6.5
    assert list(lst) == [1.0, 2.0, 3.5, 6.5]


def typed_slices(lst):
    part = lst[1:3]
    part.append(7)
    return part, lst[::-1]


def test_slices_of_a_typed_list_are_typed_lists():
    lst = backend.typed.List([1, 2, 3, 4])
    part, backwards = compiled(typed_slices)(lst)
    assert type(part) is type(lst) and type(backwards) is type(lst)
    assert list(part) == [2, 3, 7] and list(backwards) == [4, 3, 2, 1]
    assert list(lst) == [1, 2, 3, 4]


def test_typed_list_from_python():
    List = backend.typed.List
    lst = List([3, 1, 2])
    lst.sort()
    lst.insert(0, 9)
    assert lst.pop() == 3
    assert list(lst) == [9, 1, 2]
    if IS_FERRUMBA:
        assert lst == [9, 1, 2]
    del lst[0]
    assert list(lst[::-1]) == [2, 1]
    with pytest.raises(IndexError):
        lst[5]
    empty = List.empty_list(backend.types.float64)
    assert len(empty) == 0
    empty.append(2)
    assert list(empty) == [2.0]


# ---------------------------------------------------------------- errors


def raise_index(xs, i):
    return xs[i]


def pop_empty():
    xs = [1]
    xs.pop()
    return xs.pop()


@pytest.mark.parametrize("fn, args, same_message", [
    # Numba says "getitem out of range"; ferrumba keeps CPython's words.
    (raise_index, ([1, 2], 5), IS_FERRUMBA),
    (pop_empty, (), True),
    # CPython's message shows the value ("3 is not in list"); compiled messages are constants.
    (index_of, ([1], 3), False),
    (remove, ([1], 3), True),
])
def test_python_exceptions(fn, args, same_message):
    check(fn, *args, same_message=same_message)


def mixed_items():
    xs = [1]
    xs.append((1, 2))
    return xs


def never_typed():
    xs = []
    return len(xs)


@pytest.mark.skipif(IS_NUMBA, reason="ferrumba's messages")
@pytest.mark.parametrize("fn, message", [(mixed_items, "cannot store"), (never_typed, "item type")])
def test_typing_errors(fn, message):
    with pytest.raises(TypingError, match=message):
        compiled(fn)()


# ---------------------------------------------------------------- memory


@pytest.mark.skipif(not IS_FERRUMBA, reason="ferrumba's allocation counter")
def test_lists_do_not_leak():
    from ferrumba import _core

    nested = compiled(nested_comprehension)
    typed = compiled(make_typed)
    nested(5)
    typed(3)
    gc.collect()
    before = _core.live_allocations()
    for _ in range(2000):
        nested(5)
        kept = typed(3)
        inner = backend.typed.List()
        inner.append(kept[0][0])
        outer = backend.typed.List()
        outer.append(inner)
        del kept, inner, outer
    gc.collect()
    assert _core.live_allocations() == before


@pytest.mark.skipif(not IS_FERRUMBA, reason="ferrumba's message")
@pytest.mark.parametrize("arg, why", [([], "empty list"), ([[1], [2]], "cannot be a list item")])
def test_list_arguments_that_cannot_be_typed_are_refused_clearly(arg, why):
    # Reflected lists cannot nest (Numba refuses them too): nested data wants typed.List.
    with pytest.raises(TypeError, match=why) as raised:
        compiled(reductions)(arg)
    assert isinstance(raised.value, TypingError)


def index_between(xs, v, start, stop):
    return xs.index(v, start, stop), xs.index(v, start)


@given(ints, st.integers(-3, 3), index, index)
@SOME
def test_index_with_bounds(xs, v, start, stop):
    check(index_between, list(xs), v, start, stop)


def grow(n, times):
    return list(range(n)) * times


@pytest.mark.skipif(not IS_FERRUMBA, reason="ferrumba's message")
@pytest.mark.parametrize("times", [2**58, 2**62])
def test_impossible_lists_raise_memory_error(times):
    # Never an abort: a list that cannot be allocated is a MemoryError, as in Python.
    with pytest.raises(MemoryError):
        compiled(grow)(1, times)


def append_and_return(xs):
    xs.append(len(xs))
    return xs


def test_returning_a_list_argument_returns_that_list():
    xs = [1, 2]
    assert compiled(append_and_return)(xs) is xs
    assert xs == [1, 2, 2]


def test_typed_lists_order_like_lists():
    List = backend.typed.List
    a, b = List([1, 2]), List([1, 3])
    assert (a < b, a <= b, a > b, a >= b, a != b) == (True, True, False, False, True)
    assert List([1]) == List([1])


# ---------------------------------------------------------------- arrays as items


def arrays_built(n):
    out = []
    for i in range(n):
        out.append(np.arange(i) * 1.5)
    return out


def arrays_argument(arrays):
    total = 0.0
    for a in arrays:
        total += a.sum()
    arrays.append(arrays[0] * 2)
    return total


@given(st.integers(0, 6))
@SOME
def test_lists_of_arrays(n):
    check(arrays_built, n)
    check(arrays_argument, [np.arange(3.0), np.ones(3)])


def keep_array(lst, a):
    lst.append(a)
    lst.append(a * 2)


def test_a_typed_list_keeps_borrowed_arrays_alive():
    lst = backend.typed.List()
    lst.append(np.zeros(4))
    a = np.arange(4.0)
    compiled(keep_array)(lst, a)
    del a
    gc.collect()
    np.testing.assert_array_equal(lst[1], np.arange(4.0))
    np.testing.assert_array_equal(lst[2], np.arange(4.0) * 2)


@pytest.mark.skipif(not IS_FERRUMBA, reason="ferrumba's allocation counter")
def test_lists_of_arrays_do_not_leak():
    from ferrumba import _core

    built, keep = compiled(arrays_built), compiled(keep_array)
    built(3)
    gc.collect()
    before = _core.live_allocations()
    for _ in range(500):
        built(4)
        lst = backend.typed.List()
        lst.append(np.zeros(3))
        keep(lst, np.ones(3))
        del lst
    gc.collect()
    assert _core.live_allocations() == before


def slice_assign(xs, ys, i, j):
    xs[i:j] = ys
    return xs


def slice_assign_extended(xs, ys):
    xs[::2] = ys
    return xs


def slice_delete(xs, i, j, k):
    del xs[i:j:k]
    return xs


def slice_assign_self(xs):
    xs[1:] = xs
    return xs


@numba_lacks("del of extended slices; some slice assignments")
@given(ints, ints, index, index, st.sampled_from([1, 2, -1, -3]))
@SOME
def test_slice_assignment_and_deletion(xs, ys, i, j, k):
    check(slice_assign, list(xs), list(ys), i, j)
    check(slice_assign_extended, list(xs), list(ys))
    check(slice_delete, list(xs), i, j, k)
    check(slice_assign_self, list(xs))


def wrap_argument(xs):
    out = backend.typed.List()
    out.append(xs)
    xs.append(9)
    return out


@numba_lacks("reflected lists inside typed Lists")
def test_a_list_argument_kept_in_a_typed_list_outlives_the_caller_s_list():
    xs = [1, 2]
    kept = compiled(wrap_argument)(xs)
    assert xs == [1, 2, 9]
    del xs
    gc.collect()
    assert list(kept[0]) == [1, 2, 9]
