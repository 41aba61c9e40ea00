"""np.linalg det/solve/inv against NumPy, and exceptions of non-builtin classes."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.backend import IS_FERRUMBA, njit, numba_lacks


class InputTooLarge(ValueError):
    """A user's own exception class, raised from compiled code."""


def det(a):
    return np.linalg.det(a)


def solve(a, b):
    return np.linalg.solve(a, b)


def inv(a):
    return np.linalg.inv(a)


def checked(x):
    if x > 10:
        raise InputTooLarge("x is too large")
    return x


@numba_lacks("Numba's linalg needs SciPy's LAPACK, not installed here")
@settings(max_examples=25, deadline=None)
@given(n=st.integers(1, 8), seed=st.integers(0, 10_000), dtype=st.sampled_from([np.float64, np.float32]))
def test_det_solve_inv_match_numpy(n, seed, dtype):
    rng = np.random.default_rng(seed)
    a = (rng.random((n, n)) + n * np.eye(n)).astype(dtype)
    b = rng.random(n).astype(dtype)
    B = rng.random((n, 3)).astype(dtype)
    tol = 1e-9 if dtype == np.float64 else 1e-4
    np.testing.assert_allclose(njit(det)(a), np.linalg.det(a), rtol=tol)
    np.testing.assert_allclose(njit(solve)(a, b), np.linalg.solve(a, b), rtol=tol, atol=tol)
    np.testing.assert_allclose(njit(solve)(a, B), np.linalg.solve(a, B), rtol=tol, atol=tol)
    np.testing.assert_allclose(njit(inv)(a), np.linalg.inv(a), rtol=tol, atol=tol)


@numba_lacks("Numba's linalg needs SciPy's LAPACK, not installed here")
def test_singular_matrices_raise_linalg_error():
    a = np.ones((3, 3))
    assert njit(det)(a) == 0.0
    with pytest.raises(np.linalg.LinAlgError):
        njit(solve)(a, np.ones(3))
    with pytest.raises(np.linalg.LinAlgError):
        njit(inv)(a)


def test_user_exception_classes_reach_the_caller():
    f = njit(checked)
    assert f(3) == 3
    with pytest.raises(InputTooLarge, match="too large"):
        f(11)
