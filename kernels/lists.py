"""Lists inside compiled code: appends and iteration, a comprehension sorted with
`sorted`, and the seed's nested typed List (a List of Lists changed in place).

Both backends compile these same sources; `List` is numba's `numba.typed.List`, which
ferrumba reads as its own `ferrumba.typed.List` (so Numba code ports unchanged).
"""

from numba.typed import List

from _harness import Bench, standalone


def append_and_iterate(n):
    values = []
    for i in range(n):
        values.append(i * 3 % 1001)
    total = 0
    for v in values:
        total += v
    return total + len(values)


def sorted_comprehension(n):
    keys = sorted([(i * 7919) % 10007 for i in range(n)])
    checksum = 0
    for k in range(0, len(keys), 97):
        checksum = checksum * 31 % 1000003 + keys[k]
    return checksum


def nested_typed_list(rows):
    outer = List()
    for r in range(rows):
        inner = List()
        for c in range(64):
            inner.append(r * c)
        outer.append(inner)
    # The seed's loop: write through the outer list into each inner list.
    for r in range(rows):
        row = outer[r]
        for c in range(len(row)):
            row[c] = row[c] + 1
    total = 0
    for row in outer:
        for x in row:
            total += x
    return total


BENCH = {
    "list_append": Bench(func=append_and_iterate, build=lambda: (1_000_000,), label="list append + iterate, 1e6 ints", milestone="lists",
                         kinds=("steady", "compile"), build_small=lambda: (10,)),
    "list_sorted": Bench(func=sorted_comprehension, build=lambda: (200_000,), label="sorted(list comprehension), 2e5 ints", milestone="lists"),
    "typed_list_nested": Bench(func=nested_typed_list, build=lambda: (2_000,), label="nested typed List, 2000×64, write + sum", milestone="lists"),
}


if __name__ == "__main__":
    raise SystemExit(standalone(BENCH))
