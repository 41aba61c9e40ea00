"""The kernel language's names. ferrumba recognises them when it compiles a kernel (by
module path `cuda.*`); they have no meaning in plain Python."""

from ..errors import CudaSupportError


def _only_in_kernels(name):
    def fail(*args, **kwargs):
        raise CudaSupportError(f"cuda.{name} can only be used inside a @cuda.jit kernel or device function")

    fail.__name__ = name
    fail.__qualname__ = name
    return fail


class _Namespace:
    """A group of kernel-language names (`cuda.threadIdx`, `cuda.atomic`, ...)."""

    def __init__(self, path, names=()):
        self._path = path
        for n in names:
            setattr(self, n, _only_in_kernels(f"{path}.{n}"))

    def __repr__(self):
        return f"<ferrumba kernel intrinsic cuda.{self._path}>"


threadIdx = _Namespace("threadIdx")
blockIdx = _Namespace("blockIdx")
blockDim = _Namespace("blockDim")
gridDim = _Namespace("gridDim")
shared = _Namespace("shared", ["array"])
local = _Namespace("local", ["array"])
const = _Namespace("const", ["array_like"])
atomic = _Namespace("atomic", ["add", "sub", "max", "min", "exch", "cas", "compare_and_swap", "and_", "or_", "xor"])
laneid = _Namespace("laneid")
warpsize = 32
grid = _only_in_kernels("grid")
gridsize = _only_in_kernels("gridsize")
syncthreads = _only_in_kernels("syncthreads")
fma = _only_in_kernels("fma")
cbrt = _only_in_kernels("cbrt")
selp = _only_in_kernels("selp")

# What `_introspect.describe` reports for each object, so that kernels may also write
# `from ferrumba.cuda import grid, threadIdx`.
DESCRIPTIONS = {
    id(threadIdx): ("module", "cuda.threadIdx"),
    id(blockIdx): ("module", "cuda.blockIdx"),
    id(blockDim): ("module", "cuda.blockDim"),
    id(gridDim): ("module", "cuda.gridDim"),
    id(shared): ("module", "cuda.shared"),
    id(local): ("module", "cuda.local"),
    id(const): ("module", "cuda.const"),
    id(atomic): ("module", "cuda.atomic"),
    id(grid): ("function", "cuda.grid"),
    id(gridsize): ("function", "cuda.gridsize"),
    id(syncthreads): ("function", "cuda.syncthreads"),
    id(fma): ("function", "cuda.fma"),
    id(cbrt): ("function", "cuda.cbrt"),
    id(selp): ("function", "cuda.selp"),
}
