"""The GPU target of @cuda.jit: the CUDA driver, device arrays, streams, events, launches.

Three kinds of tests:
- without a GPU (default run): the GPU target reports its absence clearly, and kernels
  still compile to PTX through the GPU kernel object;
- `gpu`-marked: everything that needs a driver, compared with NumPy; skipped where no
  GPU is usable (`make gpu-check` runs them on a machine with one);
- `test_gpu_plumbing_under_a_fake_driver`: the `gpu` tests again, in a subprocess whose
  libcuda.so is `tests/fake_cuda/libcuda.c` (device memory in host memory, launches
  recorded, `saxpy` executed from the parameter bytes the real driver would read). This
  checks device arrays, copies, streams, the parameter buffer and error handling on
  machines without a GPU; tests whose kernels only a GPU can run are skipped there.
"""

import ctypes
import math
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

from tests.backend import IS_FERRUMBA

pytestmark = pytest.mark.skipif(not IS_FERRUMBA, reason="the GPU target of @cuda.jit is ferrumba's own")

if IS_FERRUMBA:
    import warnings

    from ferrumba import _core, cuda
    from ferrumba.errors import CudaAPIError, CudaSupportError, TypingError

    warnings.filterwarnings("ignore", "ferrumba.cuda: no usable GPU target", RuntimeWarning)

FAKE = os.environ.get("FERRUMBA_FAKE_CUDA") == "1"
HAVE_GPU = IS_FERRUMBA and cuda.is_available()
HERE = os.path.dirname(os.path.abspath(__file__))

needs_gpu = [pytest.mark.gpu, pytest.mark.skipif(not HAVE_GPU, reason="no usable CUDA GPU")]
real_gpu_only = pytest.mark.skipif(FAKE, reason="the fake driver does not run this kernel")
fake_only = pytest.mark.skipif(not FAKE, reason="checks the fake driver's record of a launch")


@pytest.fixture
def on_gpu(monkeypatch):
    monkeypatch.setenv("FERRUMBA_CUDA_TARGET", "gpu")


def saxpy(out, a, x, y):
    i = cuda.grid(1)
    if i < out.size:
        out[i] = a * x[i] + y[i]


def fault(a):
    i = cuda.grid(1)
    # Far outside any allocation: an illegal address on a real GPU.
    a[i + 1099511627776] = 1.0


def record(out, i, f, b, c, t):
    out[0] = i
    out[1] = f
    out[2] = b
    out[3] = c.real
    out[4] = c.imag
    out[5] = t[0]
    out[6] = t[1]


def bad_ptx(a):
    a[0] = 1.0


def heavy(a):
    a[0] = 1.0


def empty():
    pass


# ----------------------------------------------------------------------------------------
# Without a GPU


@pytest.mark.skipif(HAVE_GPU, reason="a GPU is usable here")
def test_no_driver_is_reported_clearly(capsys):
    ok, reason = _core.cuda_driver_status()
    assert not ok and ("libcuda" in reason or "driver" in reason or "GPU" in reason)
    assert cuda.is_available() is False
    assert cuda.detect() is False
    assert "no CUDA GPU" in capsys.readouterr().out


@pytest.mark.skipif(HAVE_GPU, reason="a GPU is usable here")
def test_auto_target_falls_back_to_the_cpu(monkeypatch):
    monkeypatch.setenv("FERRUMBA_CUDA_TARGET", "auto")
    assert cuda.current_target() == "cpu"


@pytest.mark.skipif(HAVE_GPU, reason="a GPU is usable here")
def test_forcing_the_gpu_target_without_one_raises_at_use(on_gpu):
    k = cuda.jit(saxpy)  # decorating works: the error comes when the GPU is needed
    x = np.ones(4)
    with pytest.raises(CudaSupportError, match="CUDA"):
        k[1, 32](x, 1.0, x, x)
    for use in (
        lambda: cuda.to_device(x),
        lambda: cuda.device_array(3),
        lambda: cuda.device_array_like(x),
        lambda: cuda.pinned_array(3),
        lambda: cuda.mapped_array(3),
        lambda: cuda.stream(),
        lambda: cuda.event(),
        lambda: cuda.get_current_device(),
        lambda: cuda.select_device(0),
        lambda: cuda.synchronize(),
    ):
        with pytest.raises(CudaSupportError, match="no CUDA driver|no GPU|sees no GPU|CUDA driver"):
            use()
    cuda.close()  # nothing to close: no error


def test_gpu_kernels_compile_to_ptx_without_a_gpu(on_gpu):
    k = cuda.jit("void(float64[::1], float64, float64[::1], float64[::1])")(saxpy)
    assert type(k).__name__ == "Kernel" and type(k).__module__ == "ferrumba.cuda._gpu"
    (sig,) = k.signatures
    for cc, target in [((5, 3), "sm_53"), ((8, 0), "sm_80"), ((9, 0), "sm_90"), ((12, 0), "sm_90"), ((8, 7), "sm_87")]:
        ptx = k.inspect_asm(sig, cc=cc)
        assert ".entry saxpy(" in ptx and f".target {target}" in ptx
    # Array arguments are flattened: meminfo, parent, data, shape, stride.
    assert ptx.count(".param .u64") == 15 and ptx.count(".param .f64") == 1
    llvm = k.inspect_llvm(sig, cc=(8, 0))
    assert "nvptx64-nvidia-cuda" in llvm and "saxpy" in llvm
    assert set(k.inspect_asm(cc=(8, 0))) == {sig}
    assert k.__name__ == "saxpy" and k.py_func is saxpy


GPU_TEST_KERNELS = {
    "saxpy": "void(float32[::1], float32, float32[::1], float32[::1])",
    "record": "void(float64[::1], int64, float32, bool, complex128, UniTuple(int64, 2))",
    "fault": "void(float64[::1])",
    "empty": "void()",
    "math_kernel": "void(float32[:, ::1], float64[:, ::1], float32[::1], float64[::1])",
    "atomic_kernel": "void(int32[::1], float32[::1], float64[::1], int32[::1])",
    "shared_histogram": "void(int32[::1], int32[::1])",
}


@pytest.mark.parametrize("name", sorted(GPU_TEST_KERNELS))
@pytest.mark.parametrize("cc", [(5, 3), (9, 0)])
def test_gpu_kernels_ptx_assembles(on_gpu, name, cc, tmp_path):
    from tests.test_ptx import assemble

    k = cuda.jit(GPU_TEST_KERNELS[name])(globals()[name])
    assemble(k.inspect_asm(k.signatures[0], cc=cc), cc, tmp_path)


def test_gpu_kernel_typing_errors_come_at_compile_time(on_gpu):
    def returns(a):
        return a[0]

    with pytest.raises(TypingError, match="cannot return"):
        cuda.jit("void(float64[::1])")(returns)
    with pytest.raises(TypeError, match="arguments"):
        cuda.jit("void(float64[::1], float64)")(returns)


def test_launch_configurations_are_checked_before_the_driver(on_gpu):
    k = cuda.jit(saxpy)
    with pytest.raises(ValueError, match="positive"):
        k[0, 32]
    with pytest.raises(ValueError, match="positive"):
        k[(4, 0), 32]
    with pytest.raises(ValueError, match="1 to 3 dimensions"):
        k[(1, 1, 1, 1), 32]
    with pytest.raises(ValueError, match="griddim, blockdim"):
        k[1]
    with pytest.raises(ValueError, match="griddim, blockdim"):
        k(np.ones(3), 1.0, np.ones(3), np.ones(3))
    with pytest.raises(TypeError, match="stream"):
        k[1, 32, object()]
    with pytest.raises(ValueError, match="shared memory"):
        k[1, 32, 0, -1]
    launch = k[(2, 3), (4,), 0, 128]
    assert (launch.griddim, launch.blockdim, launch.sharedmem, launch.stream) == ((2, 3, 1), (4, 1, 1), 128, 0)


def test_device_array_geometry_without_memory():
    # The Rust base of DeviceNDArray computes contiguity and layout like NumPy.
    dt = np.dtype(np.float64)
    a = _core.CudaArray((3, 4), (32, 8), dt, 0, None, 0, 0)
    assert a.is_c_contiguous() and not a.is_f_contiguous() and a._layout == "C"
    f = _core.CudaArray((3, 4), (8, 24), dt, 0, None, 0, 0)
    assert f.is_f_contiguous() and f._layout == "F"
    s = _core.CudaArray((3, 2), (32, 16), dt, 0, None, 0, 0)
    assert s._layout == "A" and not s.is_c_contiguous()
    one = _core.CudaArray((1, 4), (999, 8), dt, 0, None, 0, 0)
    assert one.is_c_contiguous()
    assert (a.shape, a.strides, a.ndim, a.size, a.nbytes, a.itemsize, len(a)) == ((3, 4), (32, 8), 2, 12, 96, 8, 3)
    with pytest.raises(ValueError):
        _core.CudaArray((3,), (8, 8), dt, 0, None, 0, 0)


def test_host_side_index_geometry():
    from ferrumba.cuda._gpu import _index_geometry, _span

    a = np.zeros((4, 5, 6))
    for idx in [1, (1, 2), (slice(1, 3), slice(None, None, 2)), (Ellipsis, 2), (None, 1), (-1, -2, -3),
                (slice(None, None, -1),), (slice(5, 1, -2), Ellipsis, slice(2, 3)), (1, None, slice(None), 4), ()]:
        view = a[idx]
        offset, shape, strides, scalar = _index_geometry(a.shape, a.strides, idx)
        assert shape == np.shape(view)
        if not scalar:
            assert strides == view.strides, idx
            if view.size:
                assert offset == view.__array_interface__["data"][0] - a.__array_interface__["data"][0], idx
        assert scalar == (np.ndim(view) == 0 and not isinstance(view, np.ndarray))
    for bad in [(4,), (0, 5), (0, 0, 0, 0)]:
        with pytest.raises(IndexError):
            _index_geometry(a.shape, a.strides, bad)
    with pytest.raises(IndexError):
        _index_geometry(a.shape, a.strides, np.array([1, 2]))
    v = a[::-1, 1:4:2]
    assert _span(v.shape, v.strides, 8) == (-720, 144)
    assert _span((3, 0), (8, 8), 8) == (0, 0)


# ----------------------------------------------------------------------------------------
# The fake driver


def _fake_lib(tmp_path_factory):
    compiler = shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")
    if compiler is None:
        pytest.skip("no C compiler to build the fake CUDA driver")
    out = tmp_path_factory.mktemp("fake_cuda")
    src = os.path.join(HERE, "fake_cuda", "libcuda.c")
    done = subprocess.run([compiler, "-shared", "-fPIC", "-O1", "-o", str(out / "libcuda.so"), src], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.fail(f"building the fake driver failed:\n{done.stderr}")
    os.symlink(out / "libcuda.so", out / "libcuda.so.1")
    return out


@pytest.mark.skipif(FAKE, reason="already under the fake driver")
def test_gpu_plumbing_under_a_fake_driver(tmp_path_factory):
    lib = _fake_lib(tmp_path_factory)
    env = dict(os.environ, FERRUMBA_FAKE_CUDA="1", FERRUMBA_CUDA_TARGET="gpu")
    env["LD_LIBRARY_PATH"] = f"{lib}:{env['LD_LIBRARY_PATH']}" if env.get("LD_LIBRARY_PATH") else str(lib)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-o", "addopts=", "-q", "-rfE", "-m", "gpu", __file__],
        capture_output=True, text=True, env=env, cwd=os.path.dirname(HERE), timeout=600,
    )
    tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-60:])
    assert done.returncode == 0, tail
    assert " passed" in tail and "failed" not in tail, tail


def _fake():
    """The fake driver's test hooks (the process's libcuda.so)."""
    lib = ctypes.CDLL("libcuda.so.1")
    lib.fake_counter.restype = ctypes.c_long
    lib.fake_counter.argtypes = [ctypes.c_char_p]
    lib.fake_last_stream.restype = ctypes.c_uint64
    return lib


def _last_launch():
    lib = _fake()
    dims = (ctypes.c_uint * 7)()
    name = ctypes.create_string_buffer(128)
    nparams = lib.fake_last_launch(dims, name, 128)
    buf = ctypes.create_string_buffer(8192)
    n = lib.fake_last_params(buf, 8192)
    return {"grid": tuple(dims[:3]), "block": tuple(dims[3:6]), "shared": dims[6], "name": name.value.decode(),
            "nparams": nparams, "params": buf.raw[:n], "stream": lib.fake_last_stream()}


# ----------------------------------------------------------------------------------------
# With a GPU (or the fake driver)


@pytest.mark.usefixtures("on_gpu")
class TestDevice:
    pytestmark = needs_gpu

    def test_current_device_and_detect(self, capsys):
        dev = cuda.get_current_device()
        assert isinstance(dev.name, bytes) and dev.name
        assert isinstance(dev.compute_capability, tuple) and dev.compute_capability >= (5, 3)
        assert dev.id == 0 and dev.MULTIPROCESSOR_COUNT > 0 and dev.WARP_SIZE == 32
        assert dev.MAX_THREADS_PER_BLOCK == 1024
        with pytest.raises(AttributeError):
            dev.NOT_AN_ATTRIBUTE
        assert cuda.select_device(0) == dev
        assert cuda.detect() is True
        assert "Found" in capsys.readouterr().out
        assert cuda.is_available() and cuda.current_target() == "gpu"
        free, total = dev.get_memory_info()
        assert 0 < free <= total
        with pytest.raises(ValueError, match="no CUDA device 99"):
            cuda.select_device(99)

    def test_auto_target_picks_the_gpu(self, monkeypatch):
        monkeypatch.setenv("FERRUMBA_CUDA_TARGET", "auto")
        assert cuda.current_target() == "gpu"
        assert type(cuda.jit(saxpy)).__module__ == "ferrumba.cuda._gpu"


@pytest.mark.usefixtures("on_gpu")
class TestDeviceArrays:
    pytestmark = needs_gpu

    @pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int8, np.int32, np.uint64, np.complex128, np.bool_])
    @pytest.mark.parametrize("shape", [(17,), (3, 5), (2, 3, 4), (), (0,), (4, 0)])
    def test_round_trip(self, dtype, shape):
        a = (np.arange(int(np.prod(shape))) % 7).astype(dtype).reshape(shape)
        d = cuda.to_device(a)
        assert (d.shape, d.dtype, d.ndim, d.size, d.nbytes) == (a.shape, a.dtype, a.ndim, a.size, a.nbytes)
        assert d.strides == a.strides or a.size == 0
        host = d.copy_to_host()
        assert type(host) is np.ndarray and host.dtype == a.dtype and np.array_equal(host, a)
        assert np.array_equal(np.asarray(d), a)

    def test_fortran_order_and_non_contiguous_sources(self):
        a = np.asfortranarray(np.arange(12.0).reshape(3, 4))
        d = cuda.to_device(a)
        assert d.is_f_contiguous() and not d.is_c_contiguous() and d.strides == a.strides
        assert np.array_equal(d.copy_to_host(), a) and d.copy_to_host().flags.f_contiguous
        b = np.arange(20.0)[::3]
        db = cuda.to_device(b)
        assert db.is_c_contiguous() and np.array_equal(db.copy_to_host(), b)
        like = cuda.device_array_like(a)
        assert like.is_f_contiguous() and like.shape == a.shape

    def test_to_device_copies_and_device_array_allocates(self):
        a = np.arange(5.0)
        d = cuda.to_device(a)
        a[0] = 99
        assert d.copy_to_host()[0] == 0.0
        assert cuda.to_device(d) is d
        e = cuda.device_array((2, 3), dtype=np.int32)
        assert e.shape == (2, 3) and e.dtype == np.int32 and e.is_c_contiguous()
        f = cuda.device_array(4, order="F")
        assert f.shape == (4,) and f.dtype == np.float64
        g = cuda.device_array((2, 3), np.float32, order="F")
        assert g.is_f_contiguous() and g.strides == (4, 8)
        to = cuda.device_array(5)
        assert cuda.to_device(a, to=to) is to and np.array_equal(to.copy_to_host(), a)

    def test_copy_to_host_into_an_array_and_on_a_stream(self):
        a = np.random.default_rng(0).random((4, 6))
        d = cuda.to_device(a)
        out = np.zeros_like(a)
        assert d.copy_to_host(out) is out and np.array_equal(out, a)
        s = cuda.stream()
        out2 = cuda.pinned_array(a.shape)
        d.copy_to_host(out2, stream=s)
        s.synchronize()
        assert np.array_equal(out2, a)
        fortran_out = np.zeros_like(a, order="F")
        d.copy_to_host(fortran_out)
        assert np.array_equal(fortran_out, a)
        with pytest.raises(TypeError, match="dtype"):
            d.copy_to_host(np.zeros(a.shape, np.float32))
        with pytest.raises(ValueError, match="shape"):
            d.copy_to_host(np.zeros(5))

    def test_slicing_gives_device_views(self):
        a = np.arange(24.0).reshape(4, 6)
        d = cuda.to_device(a)
        for idx in [1, (slice(1, 3), slice(None, None, 2)), (Ellipsis, 1), (None, 2), (slice(None, None, -1), 3), (slice(3, 3),)]:
            view = d[idx]
            assert isinstance(view, type(d)), idx
            assert np.array_equal(view.copy_to_host(), a[idx]), idx
        assert d[2, 3] == 15.0 and isinstance(d[2, 3], np.float64)
        assert d[-1, -1] == 23.0
        with pytest.raises(IndexError):
            d[4]
        with pytest.raises(IndexError):
            d[[0, 1]]
        row = d[1]
        assert row._ptr == d._ptr + a.strides[0] and row._owner is d._owner
        col = d[:, 2]
        assert not col.is_c_contiguous() and col.strides == (48,)
        assert len(d) == 4 and len(d[1:3]) == 2

    def test_writes_through_views_and_setitem(self):
        a = np.arange(24.0).reshape(4, 6)
        d = cuda.to_device(a)
        d[1:3] = 7.0
        a[1:3] = 7.0
        d[0, 0] = -5
        a[0, 0] = -5
        d[:, 1] = np.arange(4.0) * 10  # a strided write
        a[:, 1] = np.arange(4.0) * 10
        d[3, ::2] = np.array([1.0, 2.0, 3.0])
        a[3, ::2] = [1.0, 2.0, 3.0]
        assert np.array_equal(d.copy_to_host(), a)
        d[2].copy_to_device(np.full(6, 0.5))
        a[2] = 0.5
        assert np.array_equal(d.copy_to_host(), a)

    def test_copy_to_device_checks_and_device_to_device(self):
        a = np.arange(10.0)
        d = cuda.device_array(10)
        d.copy_to_device(a)
        e = cuda.device_array(10)
        e.copy_to_device(d)
        assert np.array_equal(e.copy_to_host(), a)
        f = cuda.device_array(5)
        f.copy_to_device(d[::2])
        assert np.array_equal(f.copy_to_host(), a[::2])
        with pytest.raises(TypeError, match="dtype"):
            d.copy_to_device(np.arange(10, dtype=np.int32))
        with pytest.raises(ValueError, match="shape"):
            d.copy_to_device(np.zeros(3))
        s = cuda.stream()
        d.copy_to_device(a[::-1].copy(), stream=s)
        s.synchronize()
        assert np.array_equal(d.copy_to_host(), a[::-1])

    def test_split_reshape_ravel_transpose_view(self):
        a = np.arange(10.0)
        d = cuda.to_device(a)
        parts = d.split(4)
        assert [p.shape for p in parts] == [(4,), (4,), (2,)]
        assert np.array_equal(parts[1].copy_to_host(), a[4:8])
        with pytest.raises(ValueError):
            cuda.to_device(np.zeros((2, 2))).split(1)
        m = cuda.to_device(np.arange(12.0).reshape(3, 4))
        assert np.array_equal(m.reshape(4, 3).copy_to_host(), np.arange(12.0).reshape(4, 3))
        assert np.array_equal(m.reshape(-1).copy_to_host(), np.arange(12.0))
        assert np.array_equal(m.ravel().copy_to_host(), np.arange(12.0))
        assert np.array_equal(m.T.copy_to_host(), np.arange(12.0).reshape(3, 4).T)
        with pytest.raises(NotImplementedError):
            m.T.reshape(12)
        assert np.array_equal(d.view(np.int64).copy_to_host(), a.view(np.int64))
        assert d.view(np.float32).shape == (20,)

    def test_cuda_array_interface_export_and_import(self):
        a = np.arange(6, dtype=np.float32).reshape(2, 3)
        d = cuda.to_device(a)
        cai = d.__cuda_array_interface__
        assert cai["version"] == 3 and cai["shape"] == (2, 3) and cai["typestr"] == "<f4"
        assert cai["data"] == (d._ptr, False) and cai["strides"] is None
        assert d[:, 1].__cuda_array_interface__["strides"] == (12,)

        class Foreign:
            def __init__(self, desc):
                self.__cuda_array_interface__ = desc

        f = Foreign(dict(cai, stream=None))
        assert cuda.is_cuda_array(f) and not cuda.is_cuda_array(a)
        view = cuda.as_cuda_array(f)
        assert view._ptr == d._ptr and view._owner is f and np.array_equal(view.copy_to_host(), a)
        ro = cuda.from_cuda_array_interface(dict(cai, data=(d._ptr, True)), owner=d)
        assert ro.readonly
        with pytest.raises(TypeError):
            cuda.as_cuda_array(a)
        # A foreign array with a stream is synchronized on it (v3); 0 is invalid.
        assert cuda.as_cuda_array(Foreign(dict(cai, stream=1)))._ptr == d._ptr
        with pytest.raises(ValueError, match="stream"):
            cuda.as_cuda_array(Foreign(dict(cai, stream=0)))

    def test_pinned_and_mapped_host_arrays(self):
        p = cuda.pinned_array((3, 4), dtype=np.int32)
        assert type(p) is np.ndarray and p.shape == (3, 4) and p.flags.writeable and p.flags.c_contiguous
        p[:] = 3
        assert np.array_equal(cuda.to_device(p).copy_to_host(), p)
        m = cuda.mapped_array(8, dtype=np.float64)
        m[:] = np.arange(8.0)
        cai = m.__cuda_array_interface__
        assert cai["shape"] == (8,) and cai["data"][0] != 0
        assert cuda.is_cuda_array(m)
        with cuda.pinned(np.zeros(3)):
            pass

    def test_streams_and_events(self):
        s = cuda.stream()
        assert s.handle != 0 and int(s) == s.handle
        with s.auto_synchronize() as same:
            assert same is s
        assert s.query() is True
        assert cuda.default_stream().handle == 0
        assert cuda.legacy_default_stream().handle == 1 and cuda.per_thread_default_stream().handle == 2
        e1, e2 = cuda.event(), cuda.event()
        e1.record()
        d = cuda.to_device(np.arange(1000.0))
        d.copy_to_host()
        e2.record(stream=s)
        e2.synchronize()
        assert e2.query() is True
        ms = e1.elapsed_time(e2)
        assert ms >= 0 and cuda.event_elapsed_time(e1, e2) == ms
        e2.wait(s)
        with pytest.raises(CudaAPIError):
            cuda.event().elapsed_time(cuda.event())  # never recorded
        cuda.synchronize()


@pytest.mark.usefixtures("on_gpu")
class TestLaunches:
    pytestmark = needs_gpu

    @pytest.mark.parametrize("n", [1, 1000, 100_000])
    @pytest.mark.parametrize("dtype", [np.float64, np.float32])
    def test_saxpy_on_device_arrays(self, n, dtype):
        rng = np.random.default_rng(n)
        x, y = rng.random(n).astype(dtype), rng.random(n).astype(dtype)
        k = cuda.jit(saxpy)
        dx, dy, dout = cuda.to_device(x), cuda.to_device(y), cuda.device_array(n, dtype)
        k[(n + 255) // 256, 256](dout, dtype(2.5), dx, dy)
        np.testing.assert_allclose(dout.copy_to_host(), dtype(2.5) * x + y, rtol=1e-6)

    def test_numpy_arguments_are_copied_in_and_back(self):
        x = np.arange(50.0)
        y = np.ones(50)
        y.flags.writeable = False
        out = np.zeros(50)
        cuda.jit(saxpy)[1, 64](out, 2.0, x, y)
        assert np.array_equal(out, 2.0 * x + 1)
        strided = np.zeros(100)[::2]
        cuda.jit(saxpy)[1, 64](strided, 1.0, x, x)
        assert np.array_equal(strided, 2 * x)

    def test_foreign_device_memory_is_passed_without_a_copy(self):
        x = cuda.to_device(np.arange(20.0))
        out = cuda.device_array(20)

        class Foreign:
            def __init__(self, d):
                self.__cuda_array_interface__ = dict(d.__cuda_array_interface__)

        cuda.jit(saxpy)[1, 32](Foreign(out), 3.0, Foreign(x), x)
        assert np.array_equal(out.copy_to_host(), 4 * np.arange(20.0))
        m = cuda.mapped_array(20)
        cuda.jit(saxpy)[1, 32](m, 1.0, x, x)
        cuda.synchronize()
        assert np.array_equal(m, 2 * np.arange(20.0))

    def test_launch_forms_and_streams(self):
        k = cuda.jit(saxpy)
        n = 300
        x = cuda.to_device(np.arange(float(n)))
        out = cuda.device_array(n)
        s = cuda.stream()
        for cfg in [((2,), (256,)), (2, 256, s), ((2, 1), (256, 1, 1), s, 0), (2, 256, 0, 64), (2, 256, None)]:
            out.copy_to_device(np.zeros(n))
            k[cfg](out, 1.0, x, x)
            cuda.synchronize()
            assert np.array_equal(out.copy_to_host(), 2 * np.arange(float(n))), cfg
        if FAKE:
            k[3, 128, s, 256](out, 1.0, x, x)
            last = _last_launch()
            assert (last["grid"], last["block"], last["shared"], last["stream"]) == ((3, 1, 1), (128, 1, 1), 256, s.handle)
        k.forall(n)(out, 1.0, x, x)
        k.configure(2, 256)(out, 1.0, x, x)

    def test_bad_launch_configurations_raise_before_launching(self):
        k = cuda.jit(saxpy)
        x = cuda.to_device(np.ones(4))
        with pytest.raises(ValueError, match="exceeds the 1024 threads"):
            k[1, 2048](x, 1.0, x, x)
        with pytest.raises(ValueError, match="1024 threads"):
            k[1, (32, 32, 2)](x, 1.0, x, x)
        with pytest.raises(ValueError, match="blockdim.z"):
            k[1, (1, 1, 65)](x, 1.0, x, x)
        with pytest.raises(ValueError, match="griddim.y"):
            k[(1, 70000), 1](x, 1.0, x, x)
        with pytest.raises(ValueError, match="shared memory"):
            k[1, 32, 0, 1 << 24](x, 1.0, x, x)
        with pytest.raises(TypeError, match="takes 4 arguments"):
            k[1, 32](x, 1.0, x)
        with pytest.raises(TypeError, match="argument 2"):
            k[1, 32](x, "a", x, x)
        # Large dynamic shared memory is opted into up to the device's limit.
        limit = cuda.get_current_device().MAX_SHARED_MEMORY_PER_BLOCK_OPTIN
        k[1, 32, 0, limit](x, 1.0, x, x)
        cuda.synchronize()

    @fake_only
    def test_register_heavy_kernels_get_a_lower_thread_limit(self):
        x = cuda.to_device(np.ones(4))
        with pytest.raises(ValueError, match="256 threads.*registers"):
            cuda.jit(heavy)[1, 512](x)
        cuda.jit(heavy)[1, 256](x)

    @fake_only
    def test_the_jit_log_is_in_the_error(self):
        with pytest.raises(CudaAPIError, match="fake error in bad_ptx") as info:
            cuda.jit(bad_ptx)[1, 1](cuda.device_array(1))
        assert info.value.code == 218

    def test_parameter_buffer_of_scalars_and_tuples(self):
        out = cuda.device_array(7)
        k = cuda.jit(record)
        k[1, 1](out, 7, np.float32(1.5), True, complex(2.0, -3.0), (4, 5.5))
        if FAKE:
            last = _last_launch()
            # out (5 words), int64, float32, bool (a byte), complex128 (16 bytes, 8-aligned), tuple items.
            assert last["nparams"] == 5 + 1 + 1 + 1 + 1 + 2
            p = last["params"]
            assert np.frombuffer(p[:40], np.int64)[2:].tolist() == [out._ptr, 7, 8]
            assert np.frombuffer(p[40:48], np.int64)[0] == 7
            assert np.frombuffer(p[48:52], np.float32)[0] == 1.5
            assert p[52] == 1
            assert np.frombuffer(p[56:72], np.float64).tolist() == [2.0, -3.0]
            assert np.frombuffer(p[72:80], np.int64)[0] == 4 and np.frombuffer(p[80:88], np.float64)[0] == 5.5
        else:
            assert out.copy_to_host().tolist() == [7, 1.5, 1, 2.0, -3.0, 4, 5.5]

    def test_explicit_signatures_convert_scalars(self):
        k = cuda.jit("void(float32[::1], float32, float32[::1], float32[::1])")(saxpy)
        x = cuda.to_device(np.arange(8, dtype=np.float32))
        out = cuda.device_array(8, np.float32)
        k[1, 8](out, 2, x, x)  # an int for float32
        assert np.array_equal(out.copy_to_host(), 3 * np.arange(8, dtype=np.float32))
        assert len(k.signatures) == 1
        with pytest.raises(TypeError, match="no matching definition"):
            k[1, 8](cuda.device_array(8), 2.0, x, x)

    def test_specializations_are_cached_per_signature(self):
        k = cuda.jit(saxpy)
        for dtype in (np.float64, np.float32, np.float64):
            x = cuda.to_device(np.ones(4, dtype))
            k[1, 4](x, dtype(1), x, x)
        assert len(k.signatures) == 2
        sig = k.signatures[0]
        cc = cuda.get_current_device().compute_capability
        ptx = k.inspect_asm(sig)
        assert ".entry saxpy(" in ptx and ".target sm_" in ptx
        if cc == (9, 0):
            assert ".target sm_90" in ptx
        assert "define" in k.inspect_llvm(sig)
        assert isinstance(k.get_regs_per_thread(sig), int) and k.get_max_threads_per_block(sig) > 0
        assert set(k.get_shared_mem_per_block()) == set(k.signatures)

    def test_empty_kernel_launch(self):
        k = cuda.jit(empty)
        for _ in range(3):
            k[1, 1]()
        cuda.synchronize()

    def test_kernel_faults_are_reported_and_the_device_recovers(self):
        keep = cuda.to_device(np.arange(4.0))
        a = cuda.device_array(16)
        cuda.jit(fault)[1, 1](a)
        with pytest.raises(CudaAPIError, match="ILLEGAL_ADDRESS|illegal|reset") as info:
            cuda.synchronize()
        assert info.value.code in (700, 719)
        # The context was reset: new work runs, old arrays say they are gone.
        x = cuda.to_device(np.arange(10.0))
        out = cuda.device_array(10)
        cuda.jit(saxpy)[1, 32](out, 1.0, x, x)
        assert np.array_equal(out.copy_to_host(), 2 * np.arange(10.0))
        with pytest.raises(ValueError, match="closed or reset"):
            keep.copy_to_host()
        with pytest.raises(ValueError, match="closed or reset"):
            cuda.jit(saxpy)[1, 32](keep, 1.0, x, x)

    def test_close_releases_the_context(self):
        d = cuda.to_device(np.arange(3.0))
        cuda.close()
        with pytest.raises(ValueError, match="closed or reset"):
            d.copy_to_host()
        e = cuda.to_device(np.arange(3.0))
        assert np.array_equal(e.copy_to_host(), np.arange(3.0))


# ----------------------------------------------------------------------------------------
# Kernels only a GPU runs (the CPU-target suite, tests/test_cuda_cpu.py, also runs each of
# its kernels on the GPU under its `gpu` target parameter)


def math_kernel(out32, out64, x32, x64):
    i = cuda.grid(1)
    if i < x64.size:
        out64[i, 0] = math.sin(x64[i])
        out64[i, 1] = math.exp(x64[i])
        out64[i, 2] = math.sqrt(x64[i])
        out64[i, 3] = math.log(x64[i] + 1.0)
        out64[i, 4] = math.atan2(x64[i], 0.5)
        out64[i, 5] = math.pow(x64[i], 1.5)
        out32[i, 0] = math.sin(x32[i])
        out32[i, 1] = math.exp(x32[i])
        out32[i, 2] = math.sqrt(x32[i])
        out32[i, 3] = math.tanh(x32[i])


def atomic_kernel(ints, floats, doubles, values):
    i = cuda.grid(1)
    if i < values.size:
        v = values[i]
        cuda.atomic.add(ints, 0, 1)
        cuda.atomic.max(ints, 1, v)
        cuda.atomic.min(ints, 2, v)
        cuda.atomic.add(floats, 0, 1.0)
        cuda.atomic.add(doubles, 0, 0.5)
        cuda.atomic.add(ints, 3 + v % 4, 1)


def shared_histogram(data, hist):
    local = cuda.shared.array(16, np.int32)
    t = cuda.threadIdx.x
    if t < 16:
        local[t] = 0
    cuda.syncthreads()
    i = cuda.grid(1)
    if i < data.size:
        cuda.atomic.add(local, data[i] % 16, 1)
    cuda.syncthreads()
    if t < 16:
        cuda.atomic.add(hist, t, local[t])


@pytest.mark.usefixtures("on_gpu")
class TestKernelsOnTheGpu:
    pytestmark = [*needs_gpu, real_gpu_only]

    def test_math_from_libdevice(self):
        n = 1000
        x64 = np.linspace(0.01, 3.0, n)
        x32 = x64.astype(np.float32)
        out32, out64 = np.zeros((n, 4), np.float32), np.zeros((n, 6))
        cuda.jit(math_kernel)[(n + 127) // 128, 128](out32, out64, x32, x64)
        expected64 = np.stack([np.sin(x64), np.exp(x64), np.sqrt(x64), np.log(x64 + 1), np.arctan2(x64, 0.5), x64**1.5], 1)
        np.testing.assert_allclose(out64, expected64, rtol=1e-14)
        expected32 = np.stack([np.sin(x32), np.exp(x32), np.sqrt(x32), np.tanh(x32)], 1)
        np.testing.assert_allclose(out32, expected32, rtol=2e-6)

    def test_contended_atomics(self):
        values = np.random.default_rng(3).integers(0, 1000, 100_000).astype(np.int32)
        ints = np.array([0, -1, 10**6, 0, 0, 0, 0], np.int32)
        floats, doubles = np.zeros(1, np.float32), np.zeros(1)
        cuda.jit(atomic_kernel)[(values.size + 255) // 256, 256](ints, floats, doubles, values)
        assert ints[0] == values.size and ints[1] == values.max() and ints[2] == values.min()
        assert np.array_equal(ints[3:], np.bincount(values % 4, minlength=4))
        assert floats[0] == values.size and doubles[0] == values.size / 2

    def test_shared_memory_histogram(self):
        data = np.random.default_rng(4).integers(0, 1 << 20, 1 << 18).astype(np.int32)
        hist = cuda.to_device(np.zeros(16, np.int32))
        cuda.jit(shared_histogram)[(data.size + 255) // 256, 256](cuda.to_device(data), hist)
        assert np.array_equal(hist.copy_to_host(), np.bincount(data % 16, minlength=16))

    def test_cupy_arrays_are_taken_without_a_copy(self):
        cp = pytest.importorskip("cupy")
        x = cp.arange(1000, dtype=cp.float64)
        out = cp.zeros(1000)
        cuda.jit(saxpy)[4, 256](out, 2.0, x, x)
        assert np.array_equal(cp.asnumpy(out), 4 * np.arange(1000.0))
        d = cuda.to_device(np.arange(5.0))
        assert np.array_equal(cp.asnumpy(cp.asarray(d)), np.arange(5.0))

    def test_torch_tensors_are_taken_without_a_copy(self):
        torch = pytest.importorskip("torch")
        if not torch.cuda.is_available():
            pytest.skip("this PyTorch has no CUDA")
        x = torch.arange(1000, dtype=torch.float32, device="cuda")
        out = torch.zeros(1000, dtype=torch.float32, device="cuda")
        cuda.jit(saxpy)[4, 256](out, np.float32(3.0), x, x)
        torch.cuda.synchronize()
        assert torch.equal(out.cpu(), 4 * torch.arange(1000, dtype=torch.float32))

    def test_many_small_launches_keep_their_order_on_a_stream(self):
        s = cuda.stream()
        x = cuda.to_device(np.ones(256))
        out = cuda.to_device(np.zeros(256))
        k = cuda.jit(saxpy)
        for _ in range(100):
            k[1, 256, s](out, 1.0, x, out)
        s.synchronize()
        assert np.array_equal(out.copy_to_host(), np.full(256, 100.0))
