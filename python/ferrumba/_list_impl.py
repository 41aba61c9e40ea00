"""List methods and operators beyond the primitives the compiler knows (`append`, `pop`,
`insert`, `extend`, indexing, ...), written in the subset ferrumba compiles and
registered as NumPy's functions are (`_np_*.py`). They serve Python lists and
`typed.List` alike, with Python's semantics and error messages."""

from . import types
from .extending import overload_method, register_jitable


def _is_list(t):
    return isinstance(t, types.List)


@register_jitable
def list_contains(lst, value):
    """`value in lst`."""
    for k in range(len(lst)):
        if lst[k] == value:
            return True
    return False


@register_jitable
def list_equal(a, b):
    """`a == b` for two lists: same length, equal items in order."""
    if len(a) != len(b):
        return False
    for k in range(len(a)):
        if a[k] != b[k]:
            return False
    return True


@register_jitable
def list_less(a, b, or_equal):
    """`a < b` (`a <= b` with or_equal): Python's lexicographic order of sequences."""
    n = min(len(a), len(b))
    for k in range(n):
        if a[k] != b[k]:
            return a[k] < b[k]
    if or_equal:
        return len(a) <= len(b)
    return len(a) < len(b)


@register_jitable
def _clamp(i, n):
    """A start/stop bound as list.index reads it (slice rules)."""
    if i < 0:
        return max(i + n, 0)
    return min(i, n)


@register_jitable
def _find(lst, value, lo, hi):
    for k in range(lo, hi):
        if lst[k] == value:
            return k
    raise ValueError("value is not in list")


@overload_method(types.List, "index")
def _index(lst, value, start=None, stop=None):
    def given(t):
        return t is not None and not isinstance(t, types.NoneType)

    for bound in (start, stop):
        if given(bound) and not isinstance(bound, (types.Integer, types.Boolean)):
            return None
    if given(stop):
        return lambda lst, value, start=0, stop=0: _find(lst, value, _clamp(start, len(lst)), _clamp(stop, len(lst)))
    if given(start):
        return lambda lst, value, start=0: _find(lst, value, _clamp(start, len(lst)), len(lst))
    return lambda lst, value: _find(lst, value, 0, len(lst))


@overload_method(types.List, "count")
def _count(lst, value):
    def impl(lst, value):
        c = 0
        for k in range(len(lst)):
            if lst[k] == value:
                c += 1
        return c

    return impl


@overload_method(types.List, "remove")
def _remove(lst, value):
    def impl(lst, value):
        for k in range(len(lst)):
            if lst[k] == value:
                del lst[k]
                return
        raise ValueError("list.remove(x): x not in list")

    return impl


@overload_method(types.List, "reverse")
def _reverse(lst):
    def impl(lst):
        i = 0
        j = len(lst) - 1
        while i < j:
            t = lst[i]
            lst[i] = lst[j]
            lst[j] = t
            i += 1
            j -= 1

    return impl


@register_jitable
def _merge_sort(lst, reverse):
    """Stable bottom-up merge sort in place (Python's sort is stable); with `reverse`,
    equal items keep their order, as in Python."""
    n = len(lst)
    scratch = lst.copy()
    width = 1
    while width < n:
        start = 0
        while start < n:
            mid = min(start + width, n)
            end = min(start + 2 * width, n)
            i = start
            j = mid
            k = start
            while i < mid and j < end:
                take_right = lst[i] < lst[j] if reverse else lst[j] < lst[i]
                if take_right:
                    scratch[k] = lst[j]
                    j += 1
                else:
                    scratch[k] = lst[i]
                    i += 1
                k += 1
            while i < mid:
                scratch[k] = lst[i]
                i += 1
                k += 1
            while j < end:
                scratch[k] = lst[j]
                j += 1
                k += 1
            start = end
        for t in range(n):
            lst[t] = scratch[t]
        width *= 2


@overload_method(types.List, "sort")
def _sort(lst, reverse=None):
    if reverse is not None and not isinstance(reverse, (types.Boolean, types.Integer, types.NoneType)):
        return None

    def impl(lst, reverse=False):
        _merge_sort(lst, reverse)

    return impl


@register_jitable
def sorted_list(lst, reverse):
    """`sorted(iterable)`: a new list (the caller made it), sorted stably."""
    _merge_sort(lst, reverse)
    return lst
