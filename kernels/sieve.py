"""Sieve of Eratosthenes returning the primes below `max`.

Needs NumPy inside compiled code (`np.ones` with a dtype, `np.nonzero`,
slicing of the result) plus a default argument: a later ferrumba milestone,
so the benchmark runner reports "unsupported yet" while it fails to compile.
"""

import numpy as np

from _harness import Bench, standalone


def primes(max=100000):
    numbers = np.ones(max, dtype=np.uint8)
    for i in range(2, max):
        if numbers[i] == 0:
            continue
        for j in range(i * i, max, i):
            numbers[j] = 0
    return np.nonzero(numbers)[0][2:]


BENCH = {
    "sieve": Bench(
        func=primes,
        # Called with no argument on purpose: the default value is part of
        # what a drop-in replacement has to honour.
        build=lambda: (),
        label="sieve primes(max=100000)",
        milestone="numpy",
        kinds=("steady", "compile"),
        summary=lambda ret, args: f"{len(ret)} primes, last {int(ret[-1])}",
    ),
}


if __name__ == "__main__":
    raise SystemExit(standalone(BENCH))
