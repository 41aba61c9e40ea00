"""Numba's compiler toolkit, for custom compiler passes (`numba.core`): `ir`,
`compiler` (`CompilerBase`, `DefaultPassBuilder`), `compiler_machinery`
(`FunctionPass`, `register_pass`, `PassManager`) and the names of Numba's own passes
(`untyped_passes`, `typed_passes`).

A pipeline runs over ferrumba's untyped IR of the function (`ir.FunctionIR`), made from
its source: every numeric literal is an `ir.Const` assigned to a temporary (`ir.Assign`),
as in Numba's IR. Passes may change those constants; `@njit(pipeline_class=...)` then
compiles the function as the passes left it. Numba's own passes are named here so that
pipelines can be built around them; ferrumba's compiler does their work in Rust.
"""
