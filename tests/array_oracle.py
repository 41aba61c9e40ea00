"""The NumPy oracle for array results: compiled results must agree with NumPy's in kind
(a NumPy scalar is a scalar, an array an ndarray), dtype, shape and value (NaN-aware, with
an optional rounding bound), and hypothesis strategies for arrays of every dtype, seen
through every kind of view (C, Fortran, reversed, strided, transposed)."""

import numpy as np
import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tests.checks import compiled, kind

INT_DTYPES = [np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64]
FLOAT_DTYPES = [np.float32, np.float64]
NUM_DTYPES = INT_DTYPES + FLOAT_DTYPES
ALL_DTYPES = NUM_DTYPES + [np.bool_]

FEW = settings(max_examples=15)
SOME = settings(max_examples=30)


# ---------------------------------------------------------------- comparison


def _values_agree(got, exp, tol):
    """NaN-aware element comparison; `tol` (scalar or array) bounds |got - exp|."""
    got = np.asarray(got)
    exp = np.asarray(exp)
    if exp.dtype.kind in "fc":
        with np.errstate(invalid="ignore"):
            gn, en = np.isnan(got), np.isnan(exp)
            eq = got == exp
            if tol is not None:
                eq |= np.abs(got.astype(np.float64) - exp.astype(np.float64)) <= tol
        return np.all((gn == en) & (gn | eq))
    return np.array_equal(got, exp)


def same(got, exp, tol=None, where="result"):
    if isinstance(exp, tuple):
        assert isinstance(got, tuple) and len(got) == len(exp), f"{where}: compiled {got!r}, NumPy {exp!r}"
        for i, (g, e) in enumerate(zip(got, exp)):
            same(g, e, tol, f"{where}[{i}]")
        return
    if isinstance(exp, np.ndarray):
        assert type(got) is np.ndarray, f"{where}: compiled gave {type(got).__name__} {got!r}, NumPy an ndarray"
        assert got.dtype == exp.dtype, f"{where}: dtype {got.dtype}, NumPy {exp.dtype}"
        assert got.shape == exp.shape, f"{where}: shape {got.shape}, NumPy {exp.shape}"
    else:
        assert kind(got) == kind(exp), f"{where}: compiled gave {kind(got)} {got!r}, NumPy {kind(exp)} {exp!r}"
        if isinstance(exp, np.generic) and isinstance(got, np.generic):
            assert got.dtype == exp.dtype, f"{where}: dtype {got.dtype}, NumPy {exp.dtype}"
    assert _values_agree(got, exp, tol), f"{where}: compiled {got!r}, NumPy {exp!r}" + (
        f" (allowed {tol!r})" if tol is not None else "")


def check(fn, *args, tol=None):
    """Run `fn` compiled and under NumPy (on copies) and demand the same result, or the
    same exception class; the compiled call must leave its arguments alone."""
    cfunc = compiled(fn)
    copies = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
    try:
        with np.errstate(all="ignore"):
            exp = fn(*copies)
    except Exception as exc:  # noqa: BLE001 - any exception is a result here
        with pytest.raises(type(exc)):
            cfunc(*args)
        return None
    got = cfunc(*args)
    same(got, exp, tol(exp) if callable(tol) else tol)
    for i, (a, c) in enumerate(zip(args, copies)):
        if isinstance(a, np.ndarray):
            assert _values_agree(a, c, None), f"argument {i} changed by the call"
    return got


# ---------------------------------------------------------------- inputs


def _elements(dtype, nan):
    dt = np.dtype(dtype)
    if dt.kind == "b":
        return st.booleans()
    if dt.kind == "u":
        return st.integers(0, 60)
    if dt.kind == "f" and nan:
        # Small integers keep sums exact in any order; NaN and infinities where asked.
        return st.one_of(st.integers(-30, 30).map(float), st.sampled_from([np.nan, np.inf, -np.inf, -0.0]))
    return st.integers(-30, 30)


def _view(a, how):
    """`a` as the view `how` names: C-contiguous, Fortran order, reversed (negative
    strides), or every other element of a larger array (a strided view)."""
    if how == "fortran":
        return np.asfortranarray(a)
    if how == "reversed" and a.ndim:
        return a[::-1]
    if how == "strided" and a.ndim:
        big = np.zeros(a.shape[:-1] + (2 * a.shape[-1],), a.dtype)
        big[..., ::2] = a
        big[..., 1::2] = 1
        return big[..., ::2]
    if how == "transposed" and a.ndim > 1:
        return np.ascontiguousarray(a.T).T
    return a


VIEWS = ["c", "fortran", "reversed", "strided", "transposed"]


@st.composite
def arrays(draw, dtypes=ALL_DTYPES, min_dims=0, max_dims=4, max_side=4, nan=False, min_side=0):
    dtype = draw(st.sampled_from(dtypes))
    shape = draw(hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side))
    values = draw(st.lists(_elements(dtype, nan), min_size=int(np.prod(shape)), max_size=int(np.prod(shape))))
    a = np.array(values, dtype=np.float64 if np.dtype(dtype).kind == "f" else None).astype(dtype).reshape(shape)
    return _view(a, draw(st.sampled_from(VIEWS)))
