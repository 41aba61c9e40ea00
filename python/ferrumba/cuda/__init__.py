"""`ferrumba.cuda`: Numba's CUDA API. `@cuda.jit` kernels are compiled by ferrumba and,
on this build, run on the CPU target: the same kernels execute, compiled, on machines
without a GPU (blocks in parallel over the cores, the threads of a block in a loop).

Target selection: `FERRUMBA_CUDA_TARGET=cpu|gpu|auto` (default auto: the GPU when one is
usable, otherwise the CPU, with a one-time warning); `NUMBA_ENABLE_CUDASIM=1` means cpu.
The GPU target (NVPTX code generation and the CUDA driver) is not part of this build yet:
asking for it raises CudaSupportError.

The kernel-language names below (threadIdx, grid, syncthreads, shared, atomic, ...) are
compiled by ferrumba when a kernel uses them; calling them from plain Python raises.
"""

from .api import (
    Kernel, DeviceNDArray, jit, to_device, device_array, device_array_like, pinned_array,
    mapped_array, pinned, synchronize, is_available, detect, select_device, get_current_device,
    close, stream, event, default_stream, current_target, compile_ptx, compile_ptx_for_current_device,
    find_libdevice,
)
from .intrinsics import (
    threadIdx, blockIdx, blockDim, gridDim, laneid, warpsize, grid, gridsize, syncthreads,
    shared, local, const, atomic, fma, cbrt, selp,
)
from ..errors import CudaSupportError

__all__ = [
    "Kernel", "DeviceNDArray", "jit", "to_device", "device_array", "device_array_like",
    "pinned_array", "mapped_array", "pinned", "synchronize", "is_available", "detect",
    "select_device", "get_current_device", "close", "stream", "event", "default_stream",
    "current_target", "threadIdx", "blockIdx", "blockDim", "gridDim", "laneid", "warpsize",
    "grid", "gridsize", "syncthreads", "shared", "local", "const", "atomic", "fma", "cbrt",
    "selp", "CudaSupportError", "compile_ptx", "compile_ptx_for_current_device", "find_libdevice",
]
