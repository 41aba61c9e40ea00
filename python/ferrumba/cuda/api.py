"""Kernels, launches and device arrays of `ferrumba.cuda`: the CPU target here; calls on
the GPU target go to `_gpu.py` (imported on first use)."""

import functools
import os
import warnings

import numpy as np

from .. import _core
from ..errors import CudaSupportError
from ..types import _text_of_signature

_warned = False


def current_target():
    """'cpu' or 'gpu': where kernels run, from FERRUMBA_CUDA_TARGET (cpu, gpu, or auto:
    the GPU when one is usable) and NUMBA_ENABLE_CUDASIM=1 (cpu). Forcing gpu on a machine
    without one is allowed here; using the GPU then raises CudaSupportError."""
    global _warned
    asked = os.environ.get("FERRUMBA_CUDA_TARGET", "auto").lower()
    if os.environ.get("NUMBA_ENABLE_CUDASIM") == "1":
        asked = "cpu"
    if asked in ("cpu", "gpu"):
        return asked
    if asked != "auto":
        raise CudaSupportError(f"FERRUMBA_CUDA_TARGET must be cpu, gpu or auto, not {asked!r}")
    if is_available():
        return "gpu"
    if not _warned:
        _warned = True
        warnings.warn("ferrumba.cuda: no usable GPU target, running kernels on the CPU target", RuntimeWarning, stacklevel=3)
    return "cpu"


def _gpu():
    from . import _gpu

    return _gpu


def is_available():
    """Whether a CUDA GPU can run kernels (a driver and a device are present)."""
    return _core.cuda_driver_status()[0]


def detect():
    """Print the CUDA devices; True when one is supported."""
    if is_available():
        return _gpu().detect()
    print(f"ferrumba.cuda: no CUDA GPU ({_core.cuda_driver_status()[1]}); kernels run on the CPU target")
    return False


class _Device:
    name = b"ferrumba CPU target"
    compute_capability = (0, 0)
    id = 0

    def __repr__(self):
        return "<ferrumba CPU target device>"


def get_current_device():
    if current_target() == "gpu":
        return _gpu().get_current_device()
    return _Device()


def select_device(device_id):
    if current_target() == "gpu":
        return _gpu().select_device(device_id)
    if device_id != 0:
        raise CudaSupportError("the CPU target has a single device, 0")
    return _Device()


def close():
    if current_target() == "gpu":
        _gpu().close()


def synchronize():
    """Wait for the GPU; launches on the CPU target complete before they return."""
    if current_target() == "gpu":
        _gpu().synchronize()


class _Stream:
    """Streams keep order; CPU-target launches are synchronous, so they are trivially ordered."""

    def synchronize(self):
        pass

    def auto_synchronize(self):
        import contextlib

        return contextlib.nullcontext(self)


def stream():
    if current_target() == "gpu":
        return _gpu().stream()
    return _Stream()


def default_stream():
    if current_target() == "gpu":
        return _gpu().default_stream()
    return _Stream()


def legacy_default_stream():
    if current_target() == "gpu":
        return _gpu().legacy_default_stream()
    return _Stream()


def per_thread_default_stream():
    if current_target() == "gpu":
        return _gpu().per_thread_default_stream()
    return _Stream()


def external_stream(ptr):
    if current_target() == "gpu":
        return _gpu().external_stream(ptr)
    return _Stream()


class _Event:
    def __init__(self, timing=True):
        self._t = None

    def record(self, stream=0):
        import time

        self._t = time.perf_counter()

    def synchronize(self):
        pass

    def wait(self, stream=0):
        pass

    def elapsed_time(self, other):
        return (other._t - self._t) * 1e3


def event(timing=True):
    if current_target() == "gpu":
        return _gpu().event(timing)
    return _Event(timing)


def event_elapsed_time(evtstart, evtend):
    return evtstart.elapsed_time(evtend)


class DeviceNDArray(np.ndarray):
    """A device array of the CPU target: host memory, with Numba's device-array API."""

    def copy_to_host(self, ary=None, stream=0):
        if ary is None:
            return np.array(self, copy=True).view(np.ndarray)
        ary[...] = self
        return ary

    def copy_to_device(self, ary, stream=0):
        self[...] = ary

    def is_c_contiguous(self):
        return self.flags.c_contiguous

    def is_f_contiguous(self):
        return self.flags.f_contiguous

    @property
    def nbytes(self):
        return self.size * self.itemsize

    def split(self, section, stream=0):
        return [self[i:i + section] for i in range(0, len(self), section)]

    def get_ipc_handle(self):
        raise CudaSupportError("IPC handles need the GPU target")


def to_device(obj, stream=0, copy=True, to=None):
    if current_target() == "gpu":
        return _gpu().to_device(obj, stream=stream, copy=copy, to=to)
    if to is not None:
        to.copy_to_device(obj)
        return to
    return np.array(obj, copy=True).view(DeviceNDArray)


def device_array(shape, dtype=np.float64, strides=None, order="C", stream=0):
    if current_target() == "gpu":
        return _gpu().device_array(shape, dtype, strides, order, stream)
    return np.empty(shape, dtype=dtype, order=order).view(DeviceNDArray)


def device_array_like(ary, stream=0):
    if current_target() == "gpu":
        return _gpu().device_array_like(ary, stream)
    return np.empty_like(ary).view(DeviceNDArray)


def pinned_array(shape, dtype=np.float64, strides=None, order="C"):
    if current_target() == "gpu":
        return _gpu().pinned_array(shape, dtype, strides, order)
    return np.empty(shape, dtype=dtype, order=order)


def mapped_array(shape, dtype=np.float64, strides=None, order="C", stream=0, portable=False, wc=False):
    if current_target() == "gpu":
        return _gpu().mapped_array(shape, dtype, strides, order, stream, portable, wc)
    return np.empty(shape, dtype=dtype, order=order).view(DeviceNDArray)


def pinned(*arrays):
    import contextlib

    return contextlib.nullcontext()


def is_cuda_array(obj):
    """Whether `obj` exposes `__cuda_array_interface__` (device memory)."""
    return hasattr(obj, "__cuda_array_interface__")


def as_cuda_array(obj, sync=True):
    """A device array viewing another library's GPU memory (no copy); GPU target only."""
    if current_target() != "gpu":
        raise CudaSupportError("as_cuda_array needs the GPU target: device memory cannot be read on the CPU target")
    return _gpu().as_cuda_array(obj, sync=sync)


def from_cuda_array_interface(desc, owner=None, sync=True):
    if current_target() != "gpu":
        raise CudaSupportError("from_cuda_array_interface needs the GPU target: device memory cannot be read on the CPU target")
    return _gpu().from_cuda_array_interface(desc, owner=owner, sync=sync)


def _dims(d, what):
    if isinstance(d, (int, np.integer)):
        d = (int(d),)
    d = tuple(int(x) for x in d)
    if not 1 <= len(d) <= 3:
        raise ValueError(f"{what} must have 1 to 3 dimensions, got {d}")
    return d + (1,) * (3 - len(d))


class _Launch:
    __slots__ = ("kernel", "grid", "block", "shared_bytes")

    def __init__(self, kernel, grid, block, shared_bytes=0):
        self.kernel, self.grid, self.block, self.shared_bytes = kernel, grid, block, shared_bytes

    def __call__(self, *args):
        self.kernel._dispatcher._launch(self.grid, self.block, args, self.shared_bytes)


class Kernel:
    """A `@cuda.jit` kernel; launch it with `kernel[griddim, blockdim](*args)`."""

    def __init__(self, func, signatures=(), fastmath=False, debug=False):
        current_target()
        self.py_func = func
        self._dispatcher = _core.Dispatcher(func, fastmath=fastmath, boundscheck=bool(debug), kernel=True)
        functools.update_wrapper(self, func)
        for sig in signatures:
            self._dispatcher.compile(_text_of_signature(sig))

    def __getitem__(self, config):
        if not isinstance(config, tuple) or not 2 <= len(config) <= 4:
            raise ValueError("launch a kernel as kernel[griddim, blockdim] (optionally [griddim, blockdim, stream, sharedmem])")
        shared_bytes = int(config[3]) if len(config) == 4 else 0
        return _Launch(self, _dims(config[0], "griddim"), _dims(config[1], "blockdim"), shared_bytes)

    def __call__(self, *args, **kwargs):
        raise ValueError(f"launch kernel {self.py_func.__name__} with a configuration: {self.py_func.__name__}[griddim, blockdim](...)")

    def forall(self, ntasks, tpb=0, stream=0, sharedmem=0):
        tpb = tpb or 128
        return self[(ntasks + tpb - 1) // tpb, tpb]

    @property
    def signatures(self):
        from ..types import from_string

        return [tuple(from_string(t) for t in args) for args, _ in self._dispatcher._signature_strings()]

    @property
    def overloads(self):
        return {sig: i for i, sig in enumerate(self.signatures)}

    def inspect_types(self, file=None):
        for i, sig in enumerate(self.signatures):
            print(f"{self.py_func.__qualname__} {sig}", file=file)
            print(self._dispatcher._typed_ir(i), file=file)

    def inspect_llvm(self, signature=None):
        out = {sig: self._dispatcher._llvm_ir(i) for i, sig in enumerate(self.signatures)}
        return out[tuple(signature)] if signature is not None else out

    def inspect_asm(self, signature=None):
        out = {sig: self._dispatcher._asm(i) for i, sig in enumerate(self.signatures)}
        return out[tuple(signature)] if signature is not None else out


def jit(func_or_sig=None, device=False, inline=False, link=(), debug=None, opt=True, lineinfo=False,
        cache=False, fastmath=False, max_registers=None, **kws):
    """`@cuda.jit`: a kernel (lazy, or eager for given signatures), or with `device=True` a
    device function callable from kernels."""
    from ..decorators import njit

    def decorate(func, sigs):
        if device:
            d = njit(fastmath=fastmath)(func)
            for sig in sigs:
                d.compile(_text_of_signature(sig))
            return d
        if current_target() == "gpu":
            return _gpu().Kernel(func, sigs, fastmath=fastmath, debug=debug, max_registers=max_registers, lineinfo=lineinfo)
        return Kernel(func, sigs, fastmath=fastmath, debug=debug)

    if callable(func_or_sig) and hasattr(func_or_sig, "__code__"):
        return decorate(func_or_sig, ())
    sigs = [] if func_or_sig is None else func_or_sig if isinstance(func_or_sig, list) else [func_or_sig]
    return lambda func: decorate(func, sigs)


def find_libdevice():
    """NVIDIA's libdevice bitcode: from CUDA_HOME, /usr/local/cuda, or the
    nvidia-cuda-nvcc-cu12 wheel; None when there is none."""
    import glob

    roots = [os.environ.get("CUDA_HOME"), os.environ.get("CUDA_PATH"), "/usr/local/cuda"]
    try:
        import nvidia.cuda_nvcc as nvcc

        roots.extend(nvcc.__path__)
    except ImportError:
        pass
    try:
        # Other NVIDIA wheels (the CUDA 13 `nvidia/cu13` layout, cuda_nvcc under another name).
        import nvidia

        for base in nvidia.__path__:
            roots.extend(sorted(glob.glob(os.path.join(base, "*"))))
    except ImportError:
        pass
    for root in filter(None, roots):
        found = sorted(glob.glob(os.path.join(root, "nvvm", "libdevice", "libdevice*.bc")))
        if found:
            return found[-1]
    return None


def compile_ptx(pyfunc, sig, device=False, debug=False, lineinfo=False, fastmath=False, cc=None, opt=True, abi="c", abi_info=None):
    """PTX for `pyfunc` as a kernel of signature `sig`, for compute capability `cc`
    (default (5, 3)). Returns (ptx, return type). Needs no GPU."""
    if device:
        raise CudaSupportError("compile_ptx(device=True) is not supported yet: compile the kernel that calls it")
    ptx, resty = _core.compile_ptx(pyfunc, _text_of_signature(sig), tuple(cc or (5, 3)), fastmath=fastmath, libdevice=find_libdevice())
    from ..types import from_string

    return ptx, from_string(resty)


def compile_ptx_for_current_device(pyfunc, sig, device=False, debug=False, lineinfo=False, fastmath=False, opt=True, abi="c", abi_info=None):
    """compile_ptx for the current device's compute capability (8.0 where there is no GPU)."""
    cc = (8, 0)
    if is_available():
        cc = tuple(_core.cuda_device_info(_core.cuda_selected_device())["compute_capability"])
    return compile_ptx(pyfunc, sig, device=device, fastmath=fastmath, cc=cc)
