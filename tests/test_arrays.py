"""NumPy arrays passed in from Python: element access, attributes, stores."""

import numpy as np
import pytest

from tests.backend import TypingError
from tests.checks import check, compiled

INT_DTYPES = [np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64]
ALL_DTYPES = INT_DTYPES + [np.float32, np.float64, np.bool_, np.complex64, np.complex128]


def sample(dtype, n=8):
    """n values of `dtype` that include its extremes, so a wrong element
    width or signedness shows up as a wrong value."""
    dt = np.dtype(dtype)
    if dt.kind in "iu":
        info = np.iinfo(dt)
        vals = [info.min, info.max, 0, 1, info.max - 1, 7, info.min + 1, 42]
    elif dt.kind == "f":
        info = np.finfo(dt)
        vals = [info.min, info.max, 0.1, -0.0, np.inf, np.nan, info.tiny, -2.5]
    elif dt.kind == "c":
        vals = [1 + 2j, -0.5j, 0, 3.25, np.inf, complex(np.nan, 1), 1e30 - 1e-30j, -1 - 1j]
    else:
        vals = [True, False, False, True, True, False, True, True]
    return np.array((vals * n)[:n], dtype=dt)


def getitem(a, i):
    return a[i]


def getitem2(a, i, j):
    return a[i, j]


def getitem3(a, i, j, k):
    return a[i, j, k]


def setitem(a, i, v):
    a[i] = v


def setitem2(a, i, j, v):
    a[i, j] = v


def copy_element(a, i, j):
    a[i] = a[j]


def attributes(a):
    return a.shape, a.ndim, a.size, len(a)


def attributes_nolen(a):
    return a.shape, a.ndim, a.size


def count_truthy(a):
    n = 0
    for x in a:
        if x:
            n += 1
    return n


def last_by_iteration(a):
    r = a[0]
    for x in a:
        r = x
    return r


def reverse_in_place(a):
    n = len(a)
    for i in range(n // 2):
        t = a[i]
        a[i] = a[n - 1 - i]
        a[n - 1 - i] = t


def weighted_sum2(a):
    s = 0.0
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            s += a[i, j] * (i * 7 + j + 1)
    return s


def fill2(a):
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            a[i, j] = i * 10 + j


def sum3(a):
    s = 0
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            for k in range(a.shape[2]):
                s = s * 3 + a[i, j, k]
    return s


def negative_index2(a):
    return a[-1, -1] - a[-2, 0] + a[0, -3]


def scale_in_place(a, f):
    for i in range(a.shape[0]):
        a[i] *= f


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=lambda d: np.dtype(d).name)
def test_getitem_every_dtype(dtype):
    a = sample(dtype)
    for i in [0, 1, 2, 3, 4, 5, 6, 7, -1, -8, -3]:
        check(getitem, a, i)


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=lambda d: np.dtype(d).name)
def test_setitem_every_dtype(dtype):
    a = sample(dtype)
    for i, j in [(0, 1), (2, 7), (-1, 0), (3, -2)]:
        check(copy_element, a, i, j)
    # a NumPy scalar of the array's own dtype stored from outside
    check(setitem, a, 5, sample(dtype)[1])
    check(setitem, a, -2, sample(dtype)[0])


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=lambda d: np.dtype(d).name)
def test_iteration_every_dtype(dtype):
    a = sample(dtype)
    check(count_truthy, a)
    check(last_by_iteration, a)
    check(reverse_in_place, a)


@pytest.mark.parametrize(
    "a, v",
    [(np.zeros(4), 2.5), (np.zeros(4, dtype=np.int64), 7), (np.zeros(4, dtype=np.int32), 7),
     (np.zeros(4, dtype=np.float32), 0.1), (np.zeros(4, dtype=np.complex128), 1 - 2j), (np.zeros(4, dtype=np.bool_), True),
     (np.zeros(4), 3), (np.zeros(4, dtype=np.uint8), 255)],
)
def test_setitem_python_scalar(a, v):
    check(setitem, a, 1, v)
    check(setitem, a, -1, v)


def test_store_is_visible_to_caller():
    a = np.zeros(5)
    compiled(setitem)(a, 2, 4.5)
    compiled(setitem)(a, -1, -1.0)
    assert a.tolist() == [0.0, 0.0, 4.5, 0.0, -1.0]


def layouts_2d():
    base = np.arange(48.0).reshape(6, 8) * 1.5 - 20
    return {
        "C": base.copy(),
        "F": np.asfortranarray(base),
        "strided": base[::2, 1::3],
        "transposed": base.T,
        "reversed": base[::-1, ::-2],
        "row-slice": base[1:4],
        "column-slice": base[:, 2:5],
    }


LAYOUTS = list(layouts_2d())


@pytest.mark.parametrize("layout", LAYOUTS)
def test_2d_layouts_read(layout):
    a = layouts_2d()[layout]
    check(weighted_sum2, a)
    check(attributes, a)
    check(negative_index2, a)
    for i, j in [(0, 0), (1, 2), (-1, -1), (a.shape[0] - 1, 0), (0, -a.shape[1])]:
        check(getitem2, a, i, j)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_2d_layouts_write(layout):
    # Stores through a view must land in the viewed memory and nowhere else.
    base = np.zeros((6, 8))
    view = {
        "C": base,
        "F": base.T,
        "strided": base[::2, 1::3],
        "transposed": base.T,
        "reversed": base[::-1, ::-2],
        "row-slice": base[1:4],
        "column-slice": base[:, 2:5],
    }[layout]
    expected_base = np.zeros((6, 8))
    expected_view = {
        "C": expected_base,
        "F": expected_base.T,
        "strided": expected_base[::2, 1::3],
        "transposed": expected_base.T,
        "reversed": expected_base[::-1, ::-2],
        "row-slice": expected_base[1:4],
        "column-slice": expected_base[:, 2:5],
    }[layout]
    compiled(fill2)(view)
    fill2(expected_view)
    np.testing.assert_array_equal(base, expected_base)
    compiled(setitem2)(view, -1, 0, -5.0)
    setitem2(expected_view, -1, 0, -5.0)
    np.testing.assert_array_equal(base, expected_base)


@pytest.mark.parametrize("dtype", [np.int8, np.uint16, np.int64, np.float32, np.complex64, np.bool_], ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("order", ["C", "F"])
def test_2d_dtypes(dtype, order):
    a = np.asarray(sample(dtype, 12).reshape(3, 4), order=order)
    for i, j in [(0, 0), (2, 3), (1, -1), (-3, 2)]:
        check(getitem2, a, i, j)
    check(setitem2, a, 1, 2, a[0, 0])


@pytest.mark.parametrize(
    "a",
    [np.arange(24).reshape(2, 3, 4), np.asfortranarray(np.arange(24).reshape(2, 3, 4)),
     np.arange(120).reshape(4, 5, 6)[::2, 1:4, ::-2]],
    ids=["C", "F", "strided"],
)
def test_3d(a):
    check(sum3, a)
    check(attributes, a)
    check(getitem3, a, 1, -1, 2)
    check(getitem3, a, -2, 0, -1)


def test_4d_attributes():
    check(attributes, np.zeros((2, 3, 1, 5), dtype=np.int16))


def test_iterate_empty():
    check(count_truthy, np.zeros(0))
    check(sum3, np.zeros((0, 2, 3), dtype=np.int64))


def test_0d_attributes():
    check(attributes_nolen, np.array(3.5))


@pytest.mark.parametrize("a", [np.zeros(0), np.zeros((0, 3)), np.zeros((3, 0))])
def test_empty_attributes(a):
    check(attributes, a)


@pytest.mark.parametrize(
    "a", [np.arange(10.0), np.arange(10.0)[::3], np.arange(10.0)[::-1], np.arange(20.0).reshape(4, 5)[:, 1]]
)
def test_1d_views(a):
    check(attributes, a)
    check(last_by_iteration, a)
    check(reverse_in_place, a)
    check(scale_in_place, a, 2.5)


def test_in_place_update_of_strided_view_leaves_gaps_alone():
    base = np.arange(10.0)
    compiled(scale_in_place)(base[1::2], -1.0)
    assert base.tolist() == [0.0, -1.0, 2.0, -3.0, 4.0, -5.0, 6.0, -7.0, 8.0, -9.0]


# --- read-only arrays

def _readonly(a):
    a.setflags(write=False)
    return a


@pytest.mark.parametrize(
    "fn, args",
    [(setitem, (_readonly(np.zeros(3)), 0, 1.0)),
     (setitem2, (_readonly(np.zeros((2, 2))), 0, 1, 1.0)),
     (scale_in_place, (_readonly(np.arange(4.0)), 2.0)),
     (reverse_in_place, (_readonly(np.arange(4)),))],
    ids=["setitem", "setitem2", "augmented", "swap"],
)
def test_writing_to_readonly_array_is_typing_error(fn, args):
    from tests.backend import njit

    before = args[0].copy()
    with pytest.raises(TypingError):
        njit(fn)(*args)
    np.testing.assert_array_equal(args[0], before)


def test_reading_readonly_array_works():
    a = _readonly(np.arange(6.0).reshape(2, 3))
    check(weighted_sum2, a)
    check(getitem2, a, -1, 1)
    check(attributes, a)


# --- global arrays: frozen at compile time as read-only constants, as in Numba

GLOBAL_TABLES = {np.dtype(d).name: sample(d, 12) for d in ALL_DTYPES}
GRID = np.arange(30.0).reshape(5, 6)[:, ::-2]  # a non-contiguous view: frozen in C order


def _table_sum(dtype):
    src = f"def table_sum(i):\n    t = GLOBAL_TABLES_{dtype}\n    return t[i], t[-1], t.size, t[2:5].copy()\n"
    namespace = {f"GLOBAL_TABLES_{dtype}": GLOBAL_TABLES[dtype], "np": np}
    import linecache

    filename = f"<global-table-{dtype}>"
    linecache.cache[filename] = (len(src), None, src.splitlines(True), filename)
    exec(compile(src, filename, "exec"), namespace)
    return namespace["table_sum"]


@pytest.mark.parametrize("dtype", sorted(GLOBAL_TABLES))
@pytest.mark.parametrize("i", [0, 5, -3])
def test_global_arrays_are_frozen_constants(dtype, i):
    check(_table_sum(dtype), i)


def grid_lookup(i, j):
    return GRID[i, j] + GRID.sum(), GRID.shape


def grid_returned():
    return GRID


@pytest.mark.parametrize("i, j", [(0, 0), (4, 2), (-1, -2)])
def test_global_2d_view_is_frozen_in_c_order(i, j):
    check(grid_lookup, i, j)
    check(grid_returned)


def writes_global():
    GRID[0, 0] = 1.0


def test_writing_into_a_global_array_is_a_typing_error():
    from tests.backend import njit

    with pytest.raises(TypingError):
        njit(writes_global)()
