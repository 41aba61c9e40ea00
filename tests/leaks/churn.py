"""Run by tests/test_memory.py under valgrind: compiled code that allocates arrays, drops
some, views others and returns some to Python, many times."""

import numpy as np
import ferrumba
from ferrumba import njit

@njit
def churn(n):
    total = 0.0
    for k in range(n):
        a = np.ones(100) * k
        b = a[10:20]
        total += b.sum()
    return total

@njit
def make(n):
    a = np.arange(n) * 2.0
    return a, a[::2]

for i in range(int(__import__("sys").argv[1])):
    churn(20)
    x, y = make(50)
del x, y
import gc; gc.collect()
print("live", ferrumba._core.live_allocations())
