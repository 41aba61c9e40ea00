"""Hooks from the NumPy library (`_np_*.py`) into kernels the runtime implements in
Rust because they measured faster there (`src/cpu/sorting.rs`). Compiled code calls the
native kernel; these Python bodies do the same thing for `py_func` and the simulator.

Both take 1-d arrays of real numbers (bool, integers, floats); NaN sorts last.
"""

import numpy as np


def sort(a):
    """Sort `a` in place."""
    a.sort()


def argsort(a, out):
    """Write the stable sorting permutation of `a` into the int64 array `out`."""
    out[:] = np.argsort(a, kind="stable")
