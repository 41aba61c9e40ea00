"""`ferrumba.typed`: containers whose items have one native type, shared by reference
between Python and compiled code (Numba's `numba.typed`).

A `List` keeps its items in native memory (the list runtime of `src/cpu/list.rs`); a
compiled function receives the list itself, so its changes are seen from Python at
once, and lists nest (`List` of `List`). Its item type comes from the first item added,
or from `List.empty_list(item_type)`.
"""

from collections.abc import MutableSequence

from . import types as _types
from ._core import ListStorage


def _type_text(item_type):
    if isinstance(item_type, str):
        return item_type
    if isinstance(item_type, type) and item_type.__module__ == "numpy":
        import numpy as np

        return np.dtype(item_type).name
    text = getattr(item_type, "signature_text", None)
    return text() if callable(text) else str(item_type)


class List(MutableSequence):
    """A list of items of one type, usable in Python and in compiled code alike."""

    def __init__(self, iterable=None, allocated=None):
        self._storage = None
        if iterable is not None:
            self.extend(iterable)

    @classmethod
    def empty_list(cls, item_type, allocated=None):
        """An empty list of `item_type` (a ferrumba/numba type or a NumPy scalar type)."""
        lst = cls()
        lst._storage = ListStorage(_type_text(item_type))
        return lst

    @classmethod
    def _from_storage(cls, storage):
        lst = cls()
        lst._storage = storage
        return lst

    @property
    def _numba_type_(self):
        if self._storage is None:
            raise TypeError("this List has no item type yet")
        return _types.from_string("ListType[%s]" % self._storage.item_type)

    @property
    def _dtype(self):
        return None if self._storage is None else _types.from_string(self._storage.item_type)

    def _typed_for(self, value):
        if self._storage is None:
            if isinstance(value, List) and value._storage is None:
                raise TypeError("cannot add an empty typed List without an item type to a List")
            # The item type is what a compiled function would type `value` as.
            self._storage = ListStorage.for_item(value)
        return self._storage

    # ---- the sequence protocol

    def __len__(self):
        return 0 if self._storage is None else len(self._storage)

    def __getitem__(self, i):
        if isinstance(i, slice):
            out = List._from_storage(self._storage.empty_like()) if self._storage is not None else List()
            for k in range(*i.indices(len(self))):
                out.append(self._storage.get(k))
            return out
        if self._storage is None:
            raise IndexError("list index out of range")
        return self._storage.get(_index(i))

    def __setitem__(self, i, value):
        if isinstance(i, slice):
            raise NotImplementedError("assigning to a slice of a typed List is not supported")
        if self._storage is None:
            raise IndexError("list assignment index out of range")
        self._storage.set(_index(i), value)

    def __delitem__(self, i):
        if isinstance(i, slice):
            for k in sorted(range(*i.indices(len(self))), reverse=True):
                self._storage.pop(k)
            return
        if self._storage is None:
            raise IndexError("list assignment index out of range")
        self._storage.pop(_index(i))

    def insert(self, i, value):
        self._typed_for(value).insert(_index(i), value)

    def append(self, value):
        self._typed_for(value).append(value)

    def pop(self, i=-1):
        if self._storage is None:
            raise IndexError("pop from empty list")
        return self._storage.pop(_index(i))

    def clear(self):
        if self._storage is not None:
            self._storage.clear()

    def extend(self, iterable):
        if isinstance(iterable, List) and iterable._storage is not None and self._storage is not None:
            self._storage.extend_from(iterable._storage)
            return
        for x in list(iterable):
            self.append(x)

    def copy(self):
        return self[:]

    def sort(self, key=None, reverse=False):
        items = sorted(self, key=key, reverse=reverse)
        for k, x in enumerate(items):
            self[k] = x

    def __iter__(self):
        for k in range(len(self)):
            yield self._storage.get(k)

    def __eq__(self, other):
        if isinstance(other, (List, list)):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other))
        return NotImplemented

    def __ne__(self, other):
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def _order(self, other):
        if not isinstance(other, (List, list)):
            return NotImplemented
        return (list(self) > list(other)) - (list(self) < list(other))

    def __lt__(self, other):
        c = self._order(other)
        return c if c is NotImplemented else c < 0

    def __le__(self, other):
        c = self._order(other)
        return c if c is NotImplemented else c <= 0

    def __gt__(self, other):
        c = self._order(other)
        return c if c is NotImplemented else c > 0

    def __ge__(self, other):
        c = self._order(other)
        return c if c is NotImplemented else c >= 0

    __hash__ = None

    def _allocated(self):
        """How many items fit before the list grows (Numba's typed List says too)."""
        return 0 if self._storage is None else self._storage.capacity

    @property
    def _typed(self):
        """Whether the item type is known yet."""
        return self._storage is not None

    def __repr__(self):
        # Numba's spelling: the type, then the items (str() shows only the items).
        if self._storage is None:
            return "ListType[Undefined]([])"
        return "ListType[%s]([%s])" % (self._storage.item_type, ", ".join(repr(x) for x in self))

    def __str__(self):
        return "[%s]" % ", ".join(str(x) for x in self)


def _index(i):
    try:
        return i.__index__()
    except AttributeError:
        raise TypeError("list indices must be integers or slices, not %s" % type(i).__name__) from None


__all__ = ["List"]
