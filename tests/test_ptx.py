"""PTX from the NVPTX backend, checked on any machine: every kernel of the CUDA test suite
is compiled for several compute capabilities and assembled by NVIDIA's ptxas (from the
nvidia-cuda-nvcc-cu12 wheel `make` installs)."""

import math
import os
import subprocess

import numpy as np
import pytest

from tests.backend import IS_FERRUMBA

pytestmark = pytest.mark.skipif(not IS_FERRUMBA, reason="ferrumba's own PTX path")

if IS_FERRUMBA:
    import warnings

    from ferrumba import cuda
    from ferrumba.errors import TypingError

    warnings.filterwarnings("ignore", "ferrumba.cuda: no usable GPU target", RuntimeWarning)
    from tests import test_cuda_atomics as atomics
    from tests import test_cuda_cpu as kernels


def ptxas():
    try:
        import nvidia.cuda_nvcc as nvcc
    except ImportError:
        pytest.skip("nvidia-cuda-nvcc-cu12 is not installed (make installs it)")
    path = os.path.join(nvcc.__path__[0], "bin", "ptxas")
    if not os.access(path, os.X_OK):
        pytest.skip("ptxas is not executable here")
    return path


def assemble(ptx, cc, tmp_path):
    source = tmp_path / "kernel.ptx"
    source.write_text(ptx)
    done = subprocess.run([ptxas(), f"-arch=sm_{cc[0]}{cc[1]}", str(source), "-o", os.devnull], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr + "\n" + ptx[:3000]


def math_kernel(out, x):
    i = cuda.grid(1)
    if i < x.size:
        v = x[i]
        out[i] = math.sin(v) + math.exp(v) * math.sqrt(abs(v)) + math.atan2(v, 2.0) + v ** 1.5 + math.floor(v)


KERNELS = {
    "saxpy": ("void(float64[::1], float64, float64[::1], float64[::1])", lambda: kernels.saxpy),
    "histogram": ("void(int64[::1], int64[::1])", lambda: kernels.histogram),
    "fill_2d": ("void(float64[:, ::1])", lambda: kernels.fill_2d),
    "fill_3d": ("void(int64[:, :, ::1])", lambda: kernels.fill_3d),
    "registers": ("void(int64[:, ::1])", lambda: kernels.registers),
    "atomics": ("void(float32[::1], float32[::1])", lambda: kernels.atomics),
    "atomic_cas": ("void(int64[::1], int64[::1])", lambda: kernels.claim_first),
    "local_arrays": ("void(float64[:, ::1], float64[:, ::1])", lambda: kernels.local_reverse),
    "tiled_matmul": ("void(float64[:, ::1], float64[:, ::1], float64[:, ::1])", lambda: kernels.tiled_matmul),
    "tree_sum": ("void(float64[::1], float64[::1])", lambda: kernels.tree_sum),
    "warp_reduce": ("void(int64[::1], int64[::1])", lambda: kernels.warp_reduce),
    "math": ("void(float32[::1], float32[::1])", lambda: math_kernel),
    "dynamic_shared": ("void(float64[::1], float64[::1])", lambda: kernels.reverse_in_dynamic_shared),
    "const_fma": ("void(float64[::1], float64[::1], float64[::1], float64[::1], float32[::1])", lambda: kernels.const_table_and_fma),
    "atomic_inc_dec": ("void(uint32[::1], uint32, uint32[:, ::1])", lambda: atomics.inc_dec),
    "atomic_inc_dec_64": ("void(uint64[::1], uint64, uint64[:, ::1])", lambda: atomics.inc_dec),
    "atomic_bitwise": ("void(uint64[::1], int64[::1], uint64[::1])", lambda: atomics.scatter_xor),
    "shared_atomics": ("void(int64[::1], int32[::1])", lambda: atomics.shared_histogram),
    "syncthreads_count": ("void(int64[::1], int64[:, ::1])", lambda: atomics.block_votes),
    "warp_votes": ("void(int64[::1], int64[::1], int64[::1], int64[::1], int64[::1], int64[::1], int64[::1])", lambda: kernels.warp_votes),
}


@pytest.mark.parametrize("cc", [(5, 3), (7, 0), (8, 0), (9, 0)], ids=lambda cc: f"sm_{cc[0]}{cc[1]}")
@pytest.mark.parametrize("name", sorted(KERNELS))
def test_ptx_assembles(name, cc, tmp_path):
    sig, kernel = KERNELS[name]
    ptx, resty = cuda.compile_ptx(kernel(), sig, cc=cc)
    assert f".target sm_{cc[0]}{cc[1]}" in ptx
    assert f".entry {kernel().__name__}(" in ptx
    assert str(resty) == "none"
    assemble(ptx, cc, tmp_path)


def test_ptx_uses_the_cuda_special_registers_and_barrier(tmp_path):
    ptx, _ = cuda.compile_ptx(kernels.tiled_matmul, KERNELS["tiled_matmul"][0], cc=(8, 0))
    for needle in ("%tid.x", "%ctaid.x", "%ntid.x", "bar.sync", ".shared"):
        assert needle in ptx, needle


@pytest.mark.parametrize("cc", [(7, 0), (9, 0)], ids=lambda cc: f"sm_{cc[0]}{cc[1]}")
def test_match_any_sync_assembles_from_volta_on(cc, tmp_path):
    ptx, _ = cuda.compile_ptx(kernels.warp_matches, "void(float64[::1], int64[::1], int64[::1])", cc=cc)
    assert "match.any.sync.b64" in ptx and "vote.sync.uni" in ptx
    assemble(ptx, cc, tmp_path)


def test_const_arrays_live_in_constant_memory_and_fma_is_fused():
    ptx, _ = cuda.compile_ptx(kernels.const_table_and_fma, KERNELS["const_fma"][0], cc=(8, 0))
    assert ".const" in ptx and "fma.rn.f64" in ptx


def test_counting_barriers_and_inc_dec_use_the_native_instructions():
    ptx, _ = cuda.compile_ptx(atomics.block_votes, KERNELS["syncthreads_count"][0], cc=(8, 0))
    assert "bar.red.popc" in ptx
    ptx, _ = cuda.compile_ptx(atomics.inc_dec, KERNELS["atomic_inc_dec"][0], cc=(8, 0))
    assert "atom.global.inc.u32" in ptx or "atom.inc.u32" in ptx
    assert "atom.global.dec.u32" in ptx or "atom.dec.u32" in ptx


def test_compile_ptx_for_current_device_needs_no_gpu(tmp_path):
    ptx, _ = cuda.compile_ptx_for_current_device(kernels.saxpy, KERNELS["saxpy"][0])
    assemble(ptx, (8, 0), tmp_path)


def test_host_only_operations_are_rejected_for_the_gpu():
    def allocates(out):
        tmp = np.zeros(4)
        out[0] = tmp[0]

    with pytest.raises(TypingError, match="GPU target"):
        cuda.compile_ptx(allocates, "void(float64[::1])")


def test_kernels_cannot_return_values_on_the_gpu_either():
    def returns(a):
        return a[0]

    with pytest.raises(TypingError, match="cannot return"):
        cuda.compile_ptx(returns, "(float64[::1],)")
