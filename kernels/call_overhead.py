"""Call overhead: the cost of entering a compiled function from Python.

`add3` does almost no work, so its per-call time is dominated by argument
unboxing, dispatch on argument types and boxing the result: exactly the
overhead that matters when compiled functions are called in a Python loop.
"""

from _harness import Bench, standalone


def add3(a, b, c):
    return a + b + c


BENCH = {
    "add3": Bench(
        func=add3,
        build=lambda: (1, 2, 3),
        label="add3(1, 2, 3), small ints",
        kinds=("overhead",),
    ),
}


if __name__ == "__main__":
    raise SystemExit(standalone(BENCH))
