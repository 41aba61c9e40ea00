"""The GPU target of `ferrumba.cuda`: kernels compiled to PTX and launched through the
CUDA driver, device arrays in GPU memory, streams and events, with numba-cuda's API.

`api.py` sends calls here when `current_target()` is "gpu". The driver work is in Rust
(`src/cuda`): `_core.GpuKernel` types a launch's arguments and launches without calling
Python (for device arrays and numbers), `_core.CudaArray` holds what a launch reads of a
device array, and the `cuda_*` functions copy and allocate. This module adds the Python
API around them: `DeviceNDArray` (slicing, copies, `__cuda_array_interface__`), pinned and
mapped host arrays, `Stream`/`Event`/`Device`, and `_prepare_args`, the one Python step of
a launch that gets NumPy arrays (copied in, and back after the launch, as numba-cuda does)
or other libraries' device arrays (wrapped, no copy).
"""

import contextlib
import ctypes
import functools
import operator
import os

import numpy as np

from .. import _core
from ..errors import CudaSupportError
from ..types import _text_of_signature

_FOREIGN = 0xFFFFFFFF  # generation of memory another library owns


def _require():
    ok, reason = _core.cuda_driver_status()
    if not ok:
        raise CudaSupportError(reason)


def _stream_handle(stream):
    """The driver handle of a stream argument (0: the default stream)."""
    if stream is None:
        return 0
    if isinstance(stream, _core.CudaStream):
        return stream.handle
    if isinstance(stream, (int, np.integer)):
        return int(stream)
    for attr in ("handle", "ptr", "cuda_stream"):
        h = getattr(stream, attr, None)
        if h is not None:
            h = getattr(h, "value", h)
            return int(h or 0)
    raise TypeError(f"expected a cuda.stream(), 0 or None as stream, not {type(stream).__name__}")


# --------------------------------------------------------------------------------------
# Geometry of arrays


def _shape_tuple(shape):
    if isinstance(shape, (int, np.integer)):
        return (int(shape),)
    return tuple(int(d) for d in shape)


def _contiguous_strides(shape, itemsize, order="C"):
    strides = [0] * len(shape)
    step = itemsize
    dims = range(len(shape) - 1, -1, -1) if order == "C" else range(len(shape))
    for k in dims:
        strides[k] = step
        step *= max(shape[k], 1)
    return tuple(strides)


def _span(shape, strides, itemsize):
    """(lowest, highest + 1) byte offsets an array's elements occupy from its pointer."""
    if any(n == 0 for n in shape):
        return 0, 0
    lo = sum(s * (n - 1) for n, s in zip(shape, strides) if s < 0)
    hi = sum(s * (n - 1) for n, s in zip(shape, strides) if s > 0)
    return lo, hi + itemsize


def _index_geometry(shape, strides, idx):
    """Basic indexing on the host side: (byte offset, shape, strides, scalar?) of
    `array[idx]` for integers, slices, None and Ellipsis."""
    if not isinstance(idx, tuple):
        idx = (idx,)
    real = [k for k in idx if k is not None and k is not Ellipsis]
    if len(real) > len(shape):
        raise IndexError(f"too many indices for a device array: array is {len(shape)}-dimensional, but {len(real)} were indexed")
    ellipses = sum(1 for k in idx if k is Ellipsis)
    if ellipses > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    expanded = []
    for k in idx:
        if k is Ellipsis:
            expanded.extend([slice(None)] * (len(shape) - len(real)))
        else:
            expanded.append(k)
    if not ellipses:
        expanded.extend([slice(None)] * (len(shape) - len(real)))
    offset, new_shape, new_strides = 0, [], []
    dim = 0
    all_ints = True
    for k in expanded:
        if k is None:
            new_shape.append(1)
            new_strides.append(0)
            all_ints = False
            continue
        n, s = shape[dim], strides[dim]
        dim += 1
        if isinstance(k, slice):
            start, stop, step = k.indices(n)
            length = len(range(start, stop, step))
            if length > 0:
                offset += start * s
            new_shape.append(length)
            new_strides.append(s * step)
            all_ints = False
        elif isinstance(k, (bool, np.bool_)):
            raise IndexError("boolean indices are not supported on device arrays")
        else:
            try:
                i = operator.index(k)
            except TypeError:
                raise IndexError(
                    "only integers, slices (`:`), ellipsis (`...`) and None are valid indices of a device array; "
                    "copy it to the host for fancy indexing"
                ) from None
            if i < 0:
                i += n
            if not 0 <= i < n:
                raise IndexError(f"index {operator.index(k)} is out of bounds for axis {dim - 1} with size {n}")
            offset += i * s
    return offset, tuple(new_shape), tuple(new_strides), all_ints and not new_shape


# --------------------------------------------------------------------------------------
# Device arrays


class DeviceNDArray(_core.CudaArray):
    """An array in GPU memory, with numba-cuda's `DeviceNDArray` API. Made by
    `cuda.to_device`, `cuda.device_array[_like]`, slicing, or wrapping another library's
    `__cuda_array_interface__`."""

    __cuda_memory__ = True
    __cuda_ndarray__ = True
    stream = 0

    # Construction (the base class's __new__ does it): shape, strides, dtype, ptr, owner,
    # device, generation, readonly.

    @property
    def __cuda_array_interface__(self):
        return {
            "shape": self.shape,
            "strides": None if self.is_c_contiguous() else self.strides,
            "data": (self._ptr if self.size else 0, self.readonly),
            "typestr": self.dtype.str,
            "descr": self.dtype.descr if self.dtype.fields else [("", self.dtype.str)],
            "stream": _stream_handle(self.stream) or None,
            "version": 3,
        }

    @property
    def device_ctypes_pointer(self):
        return ctypes.c_void_p(self._ptr if self.size else 0)

    @property
    def alloc_size(self):
        owner = self._owner
        return owner.size if isinstance(owner, _core.DeviceMemory) else self.nbytes

    @property
    def T(self):
        return self.transpose()

    def __repr__(self):
        return f"<ferrumba.cuda DeviceNDArray shape={self.shape} dtype={self.dtype} device={self._device}>"

    def __array__(self, dtype=None, copy=None):
        host = self.copy_to_host()
        return host if dtype is None else host.astype(dtype, copy=False)

    def _check_live(self):
        if not self._is_live():
            raise ValueError(
                f"this device array belongs to a CUDA context of device {self._device} that was closed or reset "
                "(after cuda.close() or a kernel fault); copy the data to a new device array"
            )

    def _view(self, offset, shape, strides, dtype=None):
        ptr = self._ptr + offset if all(shape) else self._ptr
        return type(self)(shape, strides, self.dtype if dtype is None else dtype, ptr, self._owner, self._device, self._generation, self.readonly)

    def bind(self, stream=0):
        view = self._view(0, self.shape, self.strides)
        view.stream = stream
        return view

    # -- host-side indexing -------------------------------------------------------------

    def __getitem__(self, idx):
        return self.getitem(idx)

    def getitem(self, idx, stream=0):
        offset, shape, strides, scalar = _index_geometry(self.shape, self.strides, idx)
        view = self._view(offset, shape, strides)
        if scalar:
            host = np.empty((), dtype=self.dtype)
            self._check_live()
            _core.cuda_dtoh(host, view._ptr, self.itemsize, 0, self._device)
            return host[()]
        return view

    def __setitem__(self, idx, value):
        self.setitem(idx, value)

    def setitem(self, idx, value, stream=0):
        offset, shape, strides, _ = _index_geometry(self.shape, self.strides, idx)
        view = self._view(offset, shape, strides)
        if isinstance(value, _core.CudaArray) or hasattr(value, "__cuda_array_interface__"):
            view.copy_to_device(value, stream=stream)
            return
        host = np.asarray(value, dtype=self.dtype)
        if host.shape != shape:
            host = np.broadcast_to(host, shape)
        view.copy_to_device(host, stream=stream)

    # -- copies -------------------------------------------------------------------------

    def _order(self):
        if self.is_c_contiguous():
            return "C"
        if self.is_f_contiguous():
            return "F"
        return None

    def _read_span(self):
        """The bytes the array occupies, copied to the host, as a strided NumPy view."""
        lo, hi = _span(self.shape, self.strides, self.itemsize)
        buf = np.empty(hi - lo, np.uint8)
        _core.cuda_dtoh(buf, self._ptr + lo, hi - lo, 0, self._device)
        return buf, np.ndarray(self.shape, self.dtype, buffer=buf, offset=-lo, strides=self.strides)

    def copy_to_host(self, ary=None, stream=0):
        """A NumPy copy of the array (into `ary` when given). With a stream the copy is
        queued on it (complete after `stream.synchronize()`)."""
        self._check_live()
        h = _stream_handle(stream)
        if ary is not None:
            if not isinstance(ary, np.ndarray):
                raise TypeError("copy_to_host(ary): ary must be a NumPy array")
            if ary.dtype != self.dtype:
                raise TypeError(f"incompatible dtype: {ary.dtype} vs. {self.dtype}")
            if ary.shape != self.shape and (ary.size != self.size or np.squeeze(ary).shape != tuple(d for d in self.shape if d != 1)):
                raise ValueError(f"incompatible shape: {ary.shape} vs. {self.shape}")
        if self.size == 0:
            return ary if ary is not None else np.empty(self.shape, self.dtype)
        order = self._order()
        if order is not None:
            same = (
                ary is not None
                and ary.shape == self.shape
                and ary.flags.writeable
                and (ary.flags.c_contiguous if order == "C" else ary.flags.f_contiguous)
            )
            target = ary if same else np.empty(self.shape, self.dtype, order=order)
            _core.cuda_dtoh(target, self._ptr, self.nbytes, h, self._device)
            if target is ary:
                return ary
        else:
            target = self._read_span()[1].copy()
        if ary is None:
            return target
        if h:
            _core.CudaStream(handle=h, device=self._device).synchronize()
        ary[...] = target.reshape(ary.shape)
        return ary

    def copy_to_device(self, ary, stream=0):
        """Copy a host array (or another device array) into this one."""
        self._check_live()
        h = _stream_handle(stream)
        if isinstance(ary, _core.CudaArray) or hasattr(ary, "__cuda_array_interface__"):
            src = ary if isinstance(ary, _core.CudaArray) else _from_cai(ary)
            if src.dtype != self.dtype:
                raise TypeError(f"incompatible dtype: {src.dtype} vs. {self.dtype}")
            if src.size != self.size:
                raise ValueError(f"incompatible shape: {src.shape} vs. {self.shape}")
            order = self._order()
            if order is not None and src.shape == self.shape and src._order() == order:
                _core.cuda_dtod(self._ptr, src._ptr, self.nbytes, h, self._device)
            elif order is not None and self.ndim <= 1 and src._order() is not None:
                _core.cuda_dtod(self._ptr, src._ptr, self.nbytes, h, self._device)
            else:
                self.copy_to_device(src.copy_to_host(), stream=stream)
            return
        host = np.asarray(ary)
        if host.dtype != self.dtype:
            if host.ndim == 0 or not isinstance(ary, np.ndarray):
                host = host.astype(self.dtype)
            else:
                raise TypeError(f"incompatible dtype: {host.dtype} vs. {self.dtype}")
        if host.shape != self.shape:
            if host.size == self.size:
                host = host.reshape(self.shape)
            else:
                raise ValueError(f"incompatible shape: {host.shape} vs. {self.shape}")
        if self.size == 0:
            return
        order = self._order()
        if order is not None:
            host = np.ascontiguousarray(host) if order == "C" else np.asfortranarray(host)
            _core.cuda_htod(self._ptr, host, self.nbytes, h, self._device)
        else:
            # A strided view: read the bytes it spans, update them, write them back.
            lo, _ = _span(self.shape, self.strides, self.itemsize)
            buf, view = self._read_span()
            view[...] = host
            _core.cuda_htod(self._ptr + lo, buf, buf.nbytes, 0, self._device)

    # -- views --------------------------------------------------------------------------

    def split(self, section, stream=0):
        """Views of `section` elements each (the last may be shorter); 1-d, unit stride."""
        if self.ndim != 1:
            raise ValueError("only support 1d array")
        if self.strides[0] != self.itemsize:
            raise ValueError("only support unit stride")
        return [self[i:i + section] for i in range(0, self.shape[0], section)]

    def reshape(self, *newshape, order="C"):
        if len(newshape) == 1 and not isinstance(newshape[0], (int, np.integer)):
            newshape = tuple(newshape[0])
        newshape = list(_shape_tuple(newshape))
        if newshape.count(-1) > 1:
            raise ValueError("can only specify one unknown dimension")
        if -1 in newshape:
            known = int(np.prod([d for d in newshape if d != -1]))
            newshape[newshape.index(-1)] = self.size // known if known else 0
        newshape = tuple(newshape)
        if int(np.prod(newshape)) != self.size:
            raise ValueError(f"cannot reshape array of size {self.size} into shape {newshape}")
        if newshape == self.shape:
            return self
        if order not in "CFA":
            raise ValueError("order not C|F|A")
        if order == "A":
            order = "F" if self.is_f_contiguous() and not self.is_c_contiguous() else "C"
        if (order == "C" and self.is_c_contiguous()) or (order == "F" and self.is_f_contiguous()):
            return self._view(0, newshape, _contiguous_strides(newshape, self.itemsize, order))
        raise NotImplementedError("reshaping this device array needs a copy")

    def ravel(self, order="C", stream=0):
        return self.reshape(self.size, order=order)

    def transpose(self, axes=None):
        axes = tuple(range(self.ndim - 1, -1, -1)) if axes is None else tuple(axes)
        if sorted(axes) != list(range(self.ndim)):
            raise ValueError("invalid axes list %r" % (axes,))
        return self._view(0, tuple(self.shape[a] for a in axes), tuple(self.strides[a] for a in axes))

    def view(self, dtype):
        dtype = np.dtype(dtype)
        if dtype.itemsize == self.itemsize:
            return self._view(0, self.shape, self.strides, dtype)
        if self.ndim == 0 or self.strides[-1] != self.itemsize or (self.shape[-1] * self.itemsize) % dtype.itemsize:
            raise ValueError("new dtype must divide the contiguous last dimension")
        shape = self.shape[:-1] + (self.shape[-1] * self.itemsize // dtype.itemsize,)
        return self._view(0, shape, self.strides[:-1] + (dtype.itemsize,), dtype)

    def is_contiguous(self):
        return self.is_c_contiguous() or self.is_f_contiguous()

    def get_ipc_handle(self):
        raise NotImplementedError("CUDA IPC handles are not supported by ferrumba yet")


def _alloc(shape, dtype, strides=None, order="C", device=None):
    dtype = np.dtype(dtype)
    shape = _shape_tuple(shape)
    if order not in ("C", "F"):
        raise ValueError(f"order must be 'C' or 'F', not {order!r}")
    if strides is None:
        strides = _contiguous_strides(shape, dtype.itemsize, order)
    else:
        strides = _shape_tuple(strides)
        if any(s < 0 for s in strides):
            raise ValueError("a new device array cannot have negative strides")
    _, nbytes = _span(shape, strides, dtype.itemsize)
    mem = _core.cuda_alloc(nbytes, device)
    return DeviceNDArray(shape, strides, dtype, mem.ptr, mem, mem.device, mem.generation, False)


def _from_cai(obj, owner=None, sync=True):
    desc = obj.__cuda_array_interface__ if hasattr(obj, "__cuda_array_interface__") else obj
    return from_cuda_array_interface(desc, owner=obj if owner is None else owner, sync=sync)


def from_cuda_array_interface(desc, owner=None, sync=True):
    """A device array over memory described by a `__cuda_array_interface__` dict (no
    copy; `owner` is kept alive with it). With `sync`, the producer's stream is
    synchronized first, as the interface (v3) asks."""
    _require()
    if desc.get("mask") is not None:
        raise NotImplementedError("masked arrays (a 'mask' in __cuda_array_interface__) are not supported")
    shape = tuple(int(d) for d in desc["shape"])
    descr = desc.get("descr")
    dtype = np.dtype(descr) if descr and any(name for name, *_ in descr) else np.dtype(desc["typestr"])
    strides = desc.get("strides")
    strides = _contiguous_strides(shape, dtype.itemsize) if strides is None else tuple(int(s) for s in strides)
    ptr, readonly = desc["data"]
    stream = desc.get("stream")
    if sync and stream is not None and os.environ.get("NUMBA_CUDA_ARRAY_INTERFACE_SYNC", "1") != "0":
        if stream == 0:
            raise ValueError("__cuda_array_interface__ 'stream' must not be 0 (it is ambiguous); use 1 or 2 for the default streams")
        _core.CudaStream(handle=int(stream)).synchronize()
    return DeviceNDArray(shape, strides, dtype, int(ptr or 0), owner, _core.cuda_selected_device(), _FOREIGN, bool(readonly))


def as_cuda_array(obj, sync=True):
    """A device array viewing `obj`'s `__cuda_array_interface__` memory (no copy)."""
    if not hasattr(obj, "__cuda_array_interface__"):
        raise TypeError("*obj* doesn't implement the cuda array interface.")
    return _from_cai(obj, sync=sync)


def is_cuda_array(obj):
    return hasattr(obj, "__cuda_array_interface__")


def to_device(obj, stream=0, copy=True, to=None):
    _require()
    if to is not None:
        to.copy_to_device(obj, stream=stream)
        return to
    if isinstance(obj, _core.CudaArray):
        return obj
    if hasattr(obj, "__cuda_array_interface__") and not isinstance(obj, np.ndarray) or isinstance(obj, MappedNDArray) and _mapped_buffer(obj):
        return _from_cai(obj)
    host = np.asarray(obj)
    if host.flags.c_contiguous:
        order = "C"
    elif host.flags.f_contiguous:
        order = "F"
    else:
        host, order = np.ascontiguousarray(host), "C"
    dev = _alloc(host.shape, host.dtype, order=order)
    if copy:
        dev.copy_to_device(host, stream=stream)
    return dev


def device_array(shape, dtype=np.float64, strides=None, order="C", stream=0):
    _require()
    return _alloc(shape, dtype, strides, order)


def _order_like(ary):
    flags = getattr(ary, "flags", None)
    if flags is not None and flags.f_contiguous and not flags.c_contiguous:
        return "F"
    if isinstance(ary, _core.CudaArray) and ary.is_f_contiguous() and not ary.is_c_contiguous():
        return "F"
    return "C"


def device_array_like(ary, stream=0):
    _require()
    return _alloc(ary.shape, ary.dtype, order=_order_like(ary))


# --------------------------------------------------------------------------------------
# Pinned and mapped host memory


class _HostBuffer:
    """Keeps page-locked memory alive under the NumPy arrays that view it."""

    def __init__(self, mem, shape, dtype, strides):
        self._mem = mem
        self.__array_interface__ = {
            "shape": shape,
            "typestr": dtype.str,
            "descr": dtype.descr,
            "data": (mem.ptr, False),
            "strides": strides,
            "version": 3,
        }


def _host_array(shape, dtype, strides, order, mapped, portable=False, wc=False, cls=np.ndarray):
    _require()
    dtype = np.dtype(dtype)
    shape = _shape_tuple(shape)
    strides = _contiguous_strides(shape, dtype.itemsize, order) if strides is None else _shape_tuple(strides)
    _, nbytes = _span(shape, strides, dtype.itemsize)
    mem = _core.cuda_host_alloc(nbytes, mapped=mapped, portable=portable, wc=wc)
    ary = np.asarray(_HostBuffer(mem, shape, dtype, strides))
    return ary.view(cls) if cls is not np.ndarray else ary


def pinned_array(shape, dtype=np.float64, strides=None, order="C"):
    """A NumPy array in page-locked host memory (fast, truly asynchronous copies)."""
    return _host_array(shape, dtype, strides, order, mapped=False)


def _mapped_buffer(ary):
    b = ary
    while b is not None:
        if isinstance(b, _HostBuffer):
            return b if b._mem.device_ptr else None
        b = getattr(b, "base", None)
    return None


class MappedNDArray(np.ndarray):
    """A host array whose memory the device reads and writes directly (zero-copy);
    kernels take it as a device array."""

    @property
    def __cuda_array_interface__(self):
        buf = _mapped_buffer(self)
        if buf is None:
            raise AttributeError("this array is not in mapped memory")
        host = self.__array_interface__["data"][0]
        return {
            "shape": self.shape,
            "strides": None if self.flags.c_contiguous else self.strides,
            "data": (buf._mem.device_ptr + (host - buf._mem.ptr), False),
            "typestr": self.dtype.str,
            "stream": None,
            "version": 3,
        }

    @property
    def device_ctypes_pointer(self):
        return ctypes.c_void_p(self.__cuda_array_interface__["data"][0])

    def copy_to_host(self, ary=None, stream=0):
        if ary is None:
            return np.array(self, copy=True).view(np.ndarray)
        ary[...] = self
        return ary

    def copy_to_device(self, ary, stream=0):
        self[...] = ary


def mapped_array(shape, dtype=np.float64, strides=None, order="C", stream=0, portable=False, wc=False):
    return _host_array(shape, dtype, strides, order, mapped=True, portable=portable, wc=wc, cls=MappedNDArray)


@contextlib.contextmanager
def pinned(*arrays):
    """numba-cuda page-locks the arrays for the block; copies work the same without it."""
    yield


# --------------------------------------------------------------------------------------
# Devices, streams, events


class Device:
    """A CUDA device: `id`, `name` (bytes, as numba-cuda), `compute_capability`, and its
    attributes by numba-cuda's names (`MULTIPROCESSOR_COUNT`, `MAX_THREADS_PER_BLOCK`, ...)."""

    def __init__(self, device_id):
        info = _core.cuda_device_info(device_id)
        self.id = device_id
        self.name = info["name"].encode()
        self.compute_capability = tuple(info["compute_capability"])
        self._info = info

    def __getattr__(self, name):
        if name.isupper():
            return _core.cuda_device_attribute(self.id, name)
        raise AttributeError(f"'Device' object has no attribute {name!r}")

    @property
    def pci_bus_id(self):
        return self._info["pci_bus_id"]

    def reset(self):
        _core.cuda_reset_device(self.id)

    def get_memory_info(self):
        return _core.cuda_mem_info(self.id)

    def __eq__(self, other):
        return isinstance(other, Device) and other.id == self.id

    def __hash__(self):
        return hash(("cuda-device", self.id))

    def __repr__(self):
        return f"<CUDA device {self.id} '{self.name.decode()}'>"


def get_current_device():
    _require()
    return Device(_core.cuda_selected_device())


def select_device(device_id):
    _require()
    _core.cuda_select_device(int(device_id))
    return Device(int(device_id))


def list_devices():
    _require()
    return [Device(i) for i in range(_core.cuda_device_count())]


def close():
    _core.cuda_close()


def synchronize():
    _require()
    _core.cuda_synchronize()


def detect():
    """Print the CUDA devices (numba-cuda's format); True when one is supported."""
    ok, reason = _core.cuda_driver_status()
    if not ok:
        print(f"ferrumba.cuda: no CUDA GPU: {reason}")
        return False
    n = _core.cuda_device_count()
    print(f"Found {n} CUDA devices")
    supported = 0
    for i in range(n):
        info = _core.cuda_device_info(i)
        cc = tuple(info["compute_capability"])
        ok = cc >= (5, 3)
        supported += ok
        print(f"id {i:d}    {info['name'].encode()!r:>40}    {'[SUPPORTED]' if ok else '[NOT SUPPORTED] (CC < 5.3)'}")
        print(f"{'Compute Capability':>40}: {cc[0]}.{cc[1]}")
        print(f"{'PCI Bus ID':>40}: {info['pci_bus_id']}")
        print(f"{'Memory':>40}: {info['total_memory'] / 2**30:.1f} GiB")
    print("Summary:")
    print(f"\t{supported}/{n} devices are supported")
    return supported > 0


class Stream(_core.CudaStream):
    """A CUDA stream (`cuda.stream()`); `handle` is the driver's CUstream."""

    @contextlib.contextmanager
    def auto_synchronize(self):
        """Synchronize the stream when the `with` block ends."""
        yield self
        self.synchronize()

    def __cuda_stream__(self):
        return (0, self.handle)

    def __repr__(self):
        names = {0: "default", 1: "legacy default", 2: "per-thread default"}
        kind = names.get(self.handle, f"0x{self.handle:x}")
        return f"<CUDA stream {kind} on device {self.device}>"


def stream():
    _require()
    return Stream()


def default_stream():
    _require()
    return Stream(handle=0)


def legacy_default_stream():
    _require()
    return Stream(handle=1)


def per_thread_default_stream():
    _require()
    return Stream(handle=2)


def external_stream(ptr):
    _require()
    return Stream(handle=int(ptr))


class Event(_core.CudaEvent):
    """A CUDA event: `record(stream)`, `synchronize()`, `query()`, `wait(stream)`,
    `elapsed_time(later_event)` in milliseconds."""

    def record(self, stream=0):
        self._record(_stream_handle(stream))

    def wait(self, stream=0):
        Stream(handle=_stream_handle(stream))._wait_event(self.handle)


def event(timing=True):
    _require()
    return Event(timing)


def event_elapsed_time(evtstart, evtend):
    return evtstart.elapsed_time(evtend)


# --------------------------------------------------------------------------------------
# Kernels


_LIBDEVICE = []


def _libdevice():
    if not _LIBDEVICE:
        from .api import find_libdevice

        _LIBDEVICE.append(find_libdevice())
    return _LIBDEVICE[0]


def _prepare_args(args, stream):
    """Launch arguments the Rust hot path does not take: objects with
    `__cuda_array_interface__` wrapped (no copy), NumPy arrays copied to the device
    and, after the launch, back (writable ones), as numba-cuda does. Returns the new
    arguments and what to call after the launch (or None)."""
    h = _stream_handle(stream)
    new, back = [], []
    for a in args:
        if isinstance(a, _core.CudaArray):
            new.append(a)
        elif isinstance(a, MappedNDArray) and _mapped_buffer(a) is not None:
            new.append(_from_cai(a))
        elif not isinstance(a, np.ndarray) and hasattr(a, "__cuda_array_interface__"):
            new.append(_from_cai(a))
        elif isinstance(a, np.ndarray):
            d = to_device(a, stream=h)
            new.append(d)
            if a.flags.writeable:
                back.append((d, a))
        else:
            new.append(a)
    if not back:
        return tuple(new), None

    def copy_back():
        for d, a in back:
            d.copy_to_host(a, stream=h)

    return tuple(new), copy_back


class Kernel(_core.GpuKernel):
    """A `@cuda.jit` kernel on the GPU target: `kernel[griddim, blockdim](*args)`,
    optionally `[griddim, blockdim, stream, dynamic_shared_bytes]`."""

    def __new__(cls, func, signatures=(), fastmath=False, debug=False, max_registers=None, lineinfo=False):
        return super().__new__(cls, func, fastmath=bool(fastmath), max_registers=max_registers, libdevice=_libdevice())

    def __init__(self, func, signatures=(), fastmath=False, debug=False, max_registers=None, lineinfo=False):
        functools.update_wrapper(self, func)
        self.debug = bool(debug)
        self.lineinfo = bool(lineinfo)
        for sig in signatures:
            self.compile(_text_of_signature(sig))

    def __call__(self, *args, **kwargs):
        name = self.py_func.__name__
        raise ValueError(f"launch kernel {name} with a configuration: {name}[griddim, blockdim](...)")

    def __repr__(self):
        return f"<ferrumba.cuda GPU kernel {self.py_func.__qualname__}>"

    @property
    def _dispatcher(self):
        return self

    def configure(self, griddim, blockdim, stream=0, sharedmem=0):
        return self[griddim, blockdim, stream, sharedmem]

    def forall(self, ntasks, tpb=0, stream=0, sharedmem=0):
        tpb = tpb or 128
        return self[(ntasks + tpb - 1) // tpb, tpb, stream, sharedmem]

    def specialize(self, *args):
        self._compile_for_args(args)
        return self

    @property
    def signatures(self):
        from ..types import from_string

        return [tuple(from_string(t) for t in args) for args, _ in self._signature_strings()]

    @property
    def overloads(self):
        return {sig: i for i, sig in enumerate(self.signatures)}

    def _index(self, signature):
        sigs = self.signatures
        if signature is None:
            if len(sigs) != 1:
                raise ValueError("this kernel has several specializations: pass the signature")
            return 0
        if isinstance(signature, str):
            from ..types import from_string

            signature = tuple(from_string(t.strip()) for t in signature.strip("()").split(",") if t.strip())
        signature = tuple(signature)
        if signature not in sigs:
            raise KeyError(f"no specialization for {signature}; compiled: {sigs}")
        return sigs.index(signature)

    def inspect_types(self, file=None):
        for i, sig in enumerate(self.signatures):
            print(f"{self.py_func.__qualname__} {sig}", file=file)
            print(self._typed_ir(i), file=file)

    def inspect_llvm(self, signature=None, cc=None):
        """LLVM IR (NVPTX, optimized) of a specialization, or of all as a dict."""
        if signature is None:
            return {sig: self._llvm_ir(i, cc) for i, sig in enumerate(self.signatures)}
        return self._llvm_ir(self._index(signature), cc)

    def inspect_asm(self, signature=None, cc=None):
        """PTX of a specialization for the current device (or `cc`), or of all as a dict."""
        if signature is None:
            return {sig: self._ptx(i, cc) for i, sig in enumerate(self.signatures)}
        return self._ptx(self._index(signature), cc)

    def _attribute(self, name, signature):
        if signature is None:
            return {sig: self._function_attributes(i)[name] for i, sig in enumerate(self.signatures)}
        return self._function_attributes(self._index(signature))[name]

    def get_regs_per_thread(self, signature=None):
        return self._attribute("regs", signature)

    def get_shared_mem_per_block(self, signature=None):
        return self._attribute("shared", signature)

    def get_local_mem_per_thread(self, signature=None):
        return self._attribute("local", signature)

    def get_const_mem_size(self, signature=None):
        return self._attribute("const", signature)

    def get_max_threads_per_block(self, signature=None):
        return self._attribute("maxthreads", signature)
