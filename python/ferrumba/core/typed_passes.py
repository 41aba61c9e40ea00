"""Numba's typed passes by name (their work is ferrumba's type inference and LLVM
lowering, in Rust)."""

from .untyped_passes import _builtin

NopythonTypeInference = _builtin("nopython_type_inference")
AnnotateTypes = _builtin("annotate_types")
NopythonRewrites = _builtin("nopython_rewrites")
InlineOverloads = _builtin("inline_overloads")
PreLowerStripPhis = _builtin("strip_phis")
NativeLowering = _builtin("native_lowering")
IRLegalization = _builtin("ir_legalization")
NoPythonBackend = _builtin("nopython_backend")
