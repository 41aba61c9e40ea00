"""`ferrumba.cuda`: Numba's CUDA API. `@cuda.jit` kernels are compiled by ferrumba and run
on the GPU (PTX through LLVM's NVPTX backend, loaded and launched through the CUDA driver,
which is loaded at run time) or, on machines without one, on the CPU target: the same
kernels execute, compiled (blocks in parallel over the cores, the threads of a block in a
loop).

Target selection: `FERRUMBA_CUDA_TARGET=cpu|gpu|auto` (default auto: the GPU when one is
usable, otherwise the CPU, with a one-time warning); `NUMBA_ENABLE_CUDASIM=1` means cpu.
Forcing gpu where there is no usable GPU makes launches and device arrays raise
CudaSupportError with the reason.

The kernel-language names below (threadIdx, grid, syncthreads, shared, atomic, ...) are
compiled by ferrumba when a kernel uses them; calling them from plain Python raises.
"""

from .api import (
    Kernel, DeviceNDArray, jit, to_device, device_array, device_array_like, pinned_array,
    mapped_array, pinned, synchronize, is_available, detect, select_device, get_current_device,
    close, stream, event, default_stream, current_target, compile_ptx, compile_ptx_for_current_device,
    find_libdevice, legacy_default_stream, per_thread_default_stream, external_stream,
    event_elapsed_time, is_cuda_array, as_cuda_array, from_cuda_array_interface,
)
from .intrinsics import (
    threadIdx, blockIdx, blockDim, gridDim, laneid, warpsize, grid, gridsize, syncthreads,
    shared, local, const, atomic, fma, cbrt, selp,
)
from ..errors import CudaSupportError, CudaAPIError, CudaDriverError

__all__ = [
    "Kernel", "DeviceNDArray", "jit", "to_device", "device_array", "device_array_like",
    "pinned_array", "mapped_array", "pinned", "synchronize", "is_available", "detect",
    "select_device", "get_current_device", "close", "stream", "event", "default_stream",
    "current_target", "threadIdx", "blockIdx", "blockDim", "gridDim", "laneid", "warpsize",
    "grid", "gridsize", "syncthreads", "shared", "local", "const", "atomic", "fma", "cbrt",
    "selp", "CudaSupportError", "compile_ptx", "compile_ptx_for_current_device", "find_libdevice",
    "legacy_default_stream", "per_thread_default_stream", "external_stream", "event_elapsed_time",
    "is_cuda_array", "as_cuda_array", "from_cuda_array_interface", "CudaAPIError", "CudaDriverError",
]
