"""Selects the compiler under test.

The suite is differential: every compiled result is compared with the same
function run by CPython.  By default it exercises ferrumba; with
FERRUMBA_TEST_BACKEND=numba it runs unchanged against Numba, which is how the
tests themselves are validated (Numba is the behaviour ferrumba replaces).
"""

import os

import pytest

BACKEND = os.environ.get("FERRUMBA_TEST_BACKEND", "ferrumba").strip().lower() or "ferrumba"

if BACKEND == "numba":
    import numba as backend
    from numba.core.errors import NumbaError, TypingError, UnsupportedBytecodeError

    # Numba reports some unsupported constructs with other classes
    # (UnsupportedBytecodeError is not even a NumbaError); ferrumba must use
    # TypingError for all of them.
    FrontendError = (NumbaError, UnsupportedBytecodeError)
elif BACKEND == "ferrumba":
    try:
        import ferrumba as backend
    except ImportError as exc:
        raise ImportError(
            f"cannot import ferrumba ({exc}). Build it into the venv (e.g. "
            "`maturin develop`), or run the suite against Numba with "
            "FERRUMBA_TEST_BACKEND=numba."
        ) from exc
    from ferrumba.errors import TypingError

    FrontendError = TypingError
else:
    raise RuntimeError(
        f"FERRUMBA_TEST_BACKEND={BACKEND!r}: expected 'ferrumba' or 'numba'"
    )

IS_NUMBA = BACKEND == "numba"
IS_FERRUMBA = BACKEND == "ferrumba"

njit = backend.njit
jit = backend.jit
types = backend.types


def numba_lacks(reason):
    """Skip under Numba: the issue requires this but Numba 0.68 does otherwise."""
    return pytest.mark.skipif(IS_NUMBA, reason=f"Numba differs from the spec: {reason}")
