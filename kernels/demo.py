"""The headline example (`make demo`): the seed talk's sieve of Eratosthenes and fused
array expression, compiled by ferrumba and timed against plain Python."""

import time

import numpy as np

import ferrumba
from ferrumba import njit


@njit
def primes(max=100000):
    numbers = np.ones(max, dtype=np.uint8)  # initialize the boolean sieve
    for i in range(2, max):
        if numbers[i] == 0:  # has previously been crossed off
            continue
        else:  # it is a prime, cross off all multiples
            x = i + i
            while x < max:
                numbers[x] = 0
                x += i
    # return all primes, as indicated by boolean positions that have value 1
    return np.nonzero(numbers)[0][2:]


@njit
def fused(a, b):
    return a * b - 4.1 * a > 2.5 * b


def best_of(f, *args, repeat=7, number=5):
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        for _ in range(number):
            f(*args)
        best = min(best, (time.perf_counter() - t) / number)
    return best


def show(label, compiled, python):
    print(f"  {label:<34} compiled {compiled * 1e6:10.1f} µs   plain Python/NumPy {python * 1e6:10.1f} µs   ({python / compiled:.0f}× faster)")


def main():
    print(f"ferrumba {ferrumba.__version__}")
    t = time.perf_counter()
    result = primes()
    first = time.perf_counter() - t
    assert np.array_equal(result, primes.py_func()), "compiled sieve disagrees with Python"
    print(f"primes(): {len(result)} primes below 100000, the first ten {result[:10].tolist()}")
    print(f"  first call (compile + run)         {first * 1e3:.1f} ms")
    show("primes()", best_of(primes), best_of(primes.py_func, repeat=3, number=1))

    a, b = np.arange(1e6), np.arange(1e6)
    assert np.array_equal(fused(a, b), fused.py_func(a, b)), "compiled expression disagrees with NumPy"
    show("a*b - 4.1*a > 2.5*b on 1e6 float64", best_of(fused, a, b), best_of(fused.py_func, a, b))


if __name__ == "__main__":
    main()
