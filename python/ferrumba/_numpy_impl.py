"""NumPy's API written in the Python that ferrumba compiles ("NumPy as a DSL"), registered
through the public extension API. Each implementation compiles once per argument types
and is then reused by every function that calls it.

The implementations live in one module per concept (`_np_*.py`); importing this module
registers them all. Loaded on the first compile (not at `import ferrumba`).

The compiler calls a few of them by name, as attributes of this module
(`InferCtx::library_call`): they are re-exported here."""

from . import (  # noqa: F401 - imported for their registrations
    _np_creation,
    _np_histogram,
    _np_joining,
    _np_linalg,
    _np_math,
    _np_methods,
    _np_random,
    _np_rearranging,
    _np_reductions,
    _np_setops,
    _np_sorting,
    _np_splitting,
    _np_statistics,
    _np_triangles,
)
from ._np_indexing import getitem_array, nonzero_nd, setitem_array  # noqa: F401
from ._np_linalg import matmul_exact  # noqa: F401
from ._np_methods import check_transpose_axes, item_at, item_at_flat, item_of  # noqa: F401
