"""Matrix products (`@`, np.matmul, np.dot) against NumPy, over shapes, dtypes and layouts."""

import operator

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.backend import TypingError, njit, numba_lacks


def matmul_op(a, b):
    return a @ b


def matmul_fn(a, b):
    return np.matmul(a, b)


def dot_fn(a, b):
    return np.dot(a, b)


@numba_lacks("Numba's matrix products need SciPy's BLAS, not installed here")
@pytest.mark.parametrize("fn", [matmul_op, matmul_fn, dot_fn])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@settings(max_examples=25, deadline=None)
@given(m=st.integers(1, 9), k=st.integers(1, 9), n=st.integers(1, 9), shape=st.sampled_from(["mm", "mv", "vm", "vv"]), layout=st.sampled_from(["C", "F", "strided"]))
def test_products_match_numpy(fn, dtype, m, k, n, shape, layout):
    rng = np.random.default_rng(m * 100 + k * 10 + n)

    def make(*dims):
        x = rng.random(dims).astype(dtype)
        if layout == "F":
            x = np.asfortranarray(x)
        elif layout == "strided":
            x = np.repeat(x, 2, axis=-1)[..., ::2]
        return x

    a = make(m, k) if shape[0] == "m" else make(k)
    b = make(k, n) if shape[1] == "m" else make(k)
    got = njit(fn)(a, b)
    expected = fn(a, b)
    tol = 1e-12 if dtype == np.float64 else 1e-5
    np.testing.assert_allclose(got, expected, rtol=tol, atol=tol)
    if isinstance(expected, np.ndarray):
        assert got.dtype == expected.dtype


@numba_lacks("Numba's matrix products need SciPy's BLAS, not installed here")
def test_mismatched_inner_dimensions_raise_value_error():
    with pytest.raises(ValueError):
        njit(matmul_op)(np.ones((3, 4)), np.ones((5, 2)))


@numba_lacks("Numba requires both operands of @ to have the same dtype")
def test_mixed_float_dtypes_promote():
    got = njit(matmul_op)(np.ones((2, 3), np.float32), np.ones((3, 2)))
    assert got.dtype == np.float64 and np.all(got == 3.0)


def operator_matmul(a, b):
    return operator.matmul(a, b)


def operator_imatmul(a, b):
    return operator.imatmul(a, b)


def matmul_augmented(a, b):
    a @= b
    return a


def operator_iadd(a, b):
    return operator.iadd(a, b)


@numba_lacks("in-place matrix products (Numba refuses `a @= b`)")
@pytest.mark.parametrize("fn", [operator_matmul, operator_imatmul, matmul_augmented, operator_iadd])
@pytest.mark.parametrize("shapes", [((3,), (3,)), ((2, 3), (3, 2)), ((3, 3), (3, 3)), ((4,), (4, 2)), ((2, 4), (4, 4)), ((3, 2), (2, 1))], ids=str)
def test_operator_and_augmented_matmul_as_python(fn, shapes):
    # As Python runs them on NumPy arrays: `a @= b` writes the product into a (a ValueError
    # unless it has a's shape, or when b is 1-d), operator.imatmul/iadd are the same.
    rng = np.random.default_rng(len(shapes[0]) * 10 + shapes[1][0])
    a, b = rng.random(shapes[0]), rng.random(shapes[1])
    if fn is operator_iadd:
        b = rng.random(shapes[0])
    a_py = a.copy()
    try:
        expected = fn(a_py, b)
    except ValueError:
        # A 1-d second operand is refused when compiling; a product of another shape than
        # a's when running.
        with pytest.raises(TypingError if b.ndim < 2 else ValueError):
            njit(fn)(a.copy(), b)
        return
    got = njit(fn)(a, b)
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    np.testing.assert_allclose(a, a_py, rtol=1e-12)
    if expected is a_py:
        assert got is a
