"""ferrumba: a just-in-time, type-specializing compiler for numerical Python, written in
Rust, with Numba's API (`import ferrumba as numba`)."""

from . import errors, typed, types
from .decorators import jit, njit
from .types import (
    boolean, bool_, int8, int16, int32, int64, uint8, uint16, uint32, uint64,
    float32, float64, complex64, complex128, intp, uintp, none, void, optional, UniTuple, Tuple,
)

__version__ = "0.1.0"
__all__ = [
    "jit", "njit", "errors", "typed", "types",
    "boolean", "bool_", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
    "float32", "float64", "complex64", "complex128", "intp", "uintp", "none", "void", "optional", "UniTuple", "Tuple",
]
