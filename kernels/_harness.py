"""Shared plumbing for the benchmark kernels.

Every kernel module in this folder holds *undecorated* Python functions plus a
``BENCH`` dict describing them.  The JIT decorator is applied here, from
whichever backend module is asked for (``ferrumba`` or ``numba``), so the very
same source is compiled by both and neither backend is imported when a kernel
module is merely imported.  That is what lets ``bench.py`` compare the two
side by side in one process, and lets a compile-latency child process import
exactly one backend.

CUDA kernel modules (``cuda_*.py``) hold undecorated kernels that read a global
``cuda`` plus a ``CUDA_BENCH`` dict; ``cuda_jit`` binds ``cuda`` to
``ferrumba.cuda`` or ``numba.cuda`` the same way.

The module is also the entry point of the compile-latency child process
(``python _harness.py compile-child BACKEND MODULE_PATH NAME``): first-call
latency has to be measured in a fresh interpreter, otherwise in-process state
(LLVM initialisation, type caches, already-compiled helpers) hides most of it.
Likewise numba's CUDA simulator runs in a child (``cuda-sim-child``), since it
needs ``NUMBA_ENABLE_CUDASIM=1`` before numba is imported.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import importlib.util
import json
import math
import os
import statistics
import sys
import time
from dataclasses import dataclass
from itertools import repeat
from typing import Any, Callable

KERNELS_DIR = os.path.dirname(os.path.abspath(__file__))


@dataclass
class Bench:
    """One benchmarked function and how to feed it.

    ``build`` must return *fresh*, deterministic arguments on every call: each
    backend gets its own copy so that kernels which update arrays in place
    (n-body) cannot leak state from one backend into the other's check.
    """

    func: Callable
    build: Callable[[], tuple]
    label: str
    # Which measurements apply: "steady" (per-call time of a warm function),
    # "overhead" (per-call time of a trivial function), "compile" (first call
    # in a fresh process).
    kinds: tuple = ("steady",)
    # Small inputs for the compile-latency run, so that it times compilation
    # rather than the kernel's own work.
    build_small: Callable[[], tuple] | None = None
    # Indices of arguments the kernel writes to; they are compared between
    # backends together with the return value.
    outputs: tuple = ()
    # "core" kernels only need scalars, loops and array indexing; "numpy"
    # kernels need NumPy calls inside compiled code (a later ferrumba
    # milestone), so a ferrumba compile failure there is "unsupported yet"
    # rather than a failure.
    milestone: str = "core"
    # (ret, args) -> short human-readable text, for standalone runs.
    summary: Callable[[Any, tuple], str] | None = None


def load_backend(name: str):
    return importlib.import_module(name)


def jit(backend, fn, **options):
    """Compile ``fn`` with ``backend.njit`` the way a user would write it."""
    if options:
        return backend.njit(**options)(fn)
    return backend.njit(fn)


def backend_version(name: str) -> str:
    mod = sys.modules.get(name)
    version = getattr(mod, "__version__", None)
    if version:
        return str(version)
    try:
        from importlib.metadata import version as dist_version

        return dist_version(name)
    except Exception:
        return "?"


# --------------------------------------------------------------------------
# Timing


_LOOPS: dict[int, Callable] = {}


def _loop_for(nargs: int) -> Callable:
    """A timing loop that passes ``nargs`` positional arguments directly.

    Generated per arity because ``f(*args)`` would add tuple-unpacking cost to
    every call, which is a large fraction of a ~100 ns dispatch and would
    blur the call-overhead ratio.
    """
    loop = _LOOPS.get(nargs)
    if loop is None:
        params = ", ".join(f"a{i}" for i in range(nargs))
        src = (
            f"def loop(f, n{', ' if params else ''}{params}):\n"
            f"    for _ in repeat(None, n):\n"
            f"        f({params})\n"
        )
        ns = {"repeat": repeat}
        exec(src, ns)
        loop = _LOOPS[nargs] = ns["loop"]
    return loop


def time_calls(f, args: tuple, n: int) -> float:
    """Mean wall time of one call, in ns, over ``n`` back-to-back calls."""
    loop = _loop_for(len(args))
    gc_was_enabled = gc.isenabled()
    # A collection landing inside one sample and not another is pure noise.
    gc.disable()
    try:
        t0 = time.perf_counter_ns()
        loop(f, n, *args)
        t1 = time.perf_counter_ns()
    finally:
        if gc_was_enabled:
            gc.enable()
    return (t1 - t0) / n


def calibrate(f, args: tuple, target_ns: float) -> int:
    """Number of calls that makes one sample last about ``target_ns``."""
    n = 1
    while True:
        per_call = time_calls(f, args, n)
        total = per_call * n
        if total >= target_ns / 5 or n >= 1 << 24:
            return max(1, round(target_ns / max(per_call, 1.0)))
        n *= 4


def summarize(samples: list[float]) -> dict:
    """Median plus a robust relative spread (half the interquartile range)."""
    med = statistics.median(samples)
    if len(samples) >= 4:
        q = statistics.quantiles(samples, n=4)
        spread = (q[2] - q[0]) / 2 / med if med else 0.0
    else:
        spread = None
    return {"median_ns": med, "spread": spread, "n": len(samples)}


def fmt_ns(ns: float) -> str:
    """Three significant digits in the largest unit that keeps the value >= 1."""
    if ns > 0:
        # Round first so that 999.9 µs becomes "1.00 ms", not "1000 µs".
        ns = float(f"{ns:.3g}")
    for scale, unit in ((1e9, "s"), (1e6, "ms"), (1e3, "µs")):
        if ns >= scale:
            value = ns / scale
            break
    else:
        return f"{ns:.0f} ns"
    decimals = max(0, 2 - int(math.floor(math.log10(value))))
    return f"{value:.{decimals}f} {unit}"


# --------------------------------------------------------------------------
# Standalone runs: `python kernels/mandelbrot.py`


def standalone(bench: dict[str, Bench], argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Run this file's kernels once and time them."
    )
    parser.add_argument(
        "--backend", default="ferrumba", help="JIT module to use (default: ferrumba)"
    )
    parser.add_argument("--repeat", type=int, default=5, help="timing samples")
    opts = parser.parse_args(argv)

    try:
        backend = load_backend(opts.backend)
    except Exception as exc:  # ImportError, or a broken extension module
        print(
            f"error: cannot import {opts.backend!r}: {type(exc).__name__}: {exc}\n"
            "Build and install ferrumba first (e.g. `maturin develop --release` "
            "in the repository root), or run with `--backend numba`.",
            file=sys.stderr,
        )
        return 1

    status = 0
    for name, b in bench.items():
        args = b.build()
        try:
            f = jit(backend, b.func)
            t0 = time.perf_counter_ns()
            ret = f(*args)
            first = time.perf_counter_ns() - t0
        except Exception as exc:
            what = (
                "unsupported yet (needs NumPy inside compiled code)"
                if b.milestone == "numpy"
                else "FAILED"
            )
            print(f"{name} [{opts.backend}]: {what}: {type(exc).__name__}: {exc}")
            status = 1
            continue
        text = b.summary(ret, args) if b.summary else _default_summary(ret, args, b)
        n = calibrate(f, args, 20e6)
        samples = [time_calls(f, args, n) for _ in range(max(1, opts.repeat))]
        print(
            f"{name} [{opts.backend} {backend_version(opts.backend)}]: "
            f"{b.label}\n"
            f"  first call (compile + run): {fmt_ns(first)}\n"
            f"  per call, warm (median of {len(samples)}): "
            f"{fmt_ns(statistics.median(samples))}\n"
            f"  result: {text}"
        )
    return status


def _default_summary(ret, args, b: Bench) -> str:
    import numpy as np

    parts = []
    if ret is not None:
        arr = np.asarray(ret)
        parts.append(
            repr(ret)
            if arr.ndim == 0
            else f"array {arr.dtype}{list(arr.shape)} sum={arr.sum()!r}"
        )
    for i in b.outputs:
        arr = np.asarray(args[i])
        parts.append(f"arg{i} {arr.dtype}{list(arr.shape)} sum={float(arr.sum()):.6g}")
    return ", ".join(parts) or "None"


# --------------------------------------------------------------------------
# CUDA kernels: ferrumba.cuda's CPU target, numba.cuda's simulator


class _UnboundCuda:
    """What a kernel file's `cuda` is until `cuda_jit` binds it to a backend's module."""

    def __getattr__(self, name):
        raise RuntimeError(
            f"cuda.{name}: kernel sources in kernels/cuda_*.py are compiled through "
            "_harness.cuda_jit(), which binds `cuda` to ferrumba.cuda or numba.cuda"
        )

    def __repr__(self):
        return "<cuda: bound per backend by _harness.cuda_jit>"


# Kernel files write `from _harness import cuda` and use it as they would `numba.cuda`.
cuda = _UnboundCuda()


@dataclass
class CudaBench:
    """One CUDA kernel, the sequential loop that does the same work, and their inputs.

    ``kernel`` and ``device`` are *undecorated* functions whose global ``cuda`` is
    bound per backend by ``cuda_jit`` (a copy of the function over a copy of its
    globals), so the same source runs compiled by ``ferrumba.cuda`` and interpreted
    by numba's simulator. ``loop`` is plain Python for ``njit``.
    """

    kernel: Callable
    loop: Callable
    # size -> fresh, deterministic arguments (the same for kernel and loop).
    build: Callable[[int], tuple]
    # size -> (griddim, blockdim).
    config: Callable[[int], tuple]
    # Fresh arguments -> the expected values of ``outputs``, computed with NumPy.
    reference: Callable[[tuple], list]
    outputs: tuple
    # The size ferrumba's kernel and the @njit loops run on, and the (much smaller)
    # one numba's simulator runs on.
    size: int
    sim_size: int
    label: str
    # Device functions the kernel calls, bound under their own names.
    device: tuple = ()
    # Uses cuda.syncthreads(): no 2x-of-the-loop target, and until the CPU target
    # supports barriers a TypingError from ferrumba is "unsupported yet".
    barriers: bool = False
    size_text: Callable[[int], str] | None = None


def cuda_backend(name: str):
    """`ferrumba.cuda` (run on the CPU target) or `numba.cuda` (the simulator when
    NUMBA_ENABLE_CUDASIM=1 was set before numba was imported)."""
    if name == "ferrumba":
        os.environ.setdefault("FERRUMBA_CUDA_TARGET", "cpu")
    return importlib.import_module(name + ".cuda")


def cuda_jit(cuda_module, b: CudaBench):
    """``b.kernel`` decorated with ``cuda_module.jit``, its device functions with
    ``cuda_module.jit(device=True)``, all reading ``cuda_module`` as ``cuda``."""
    import types

    namespace = dict(b.kernel.__globals__)
    namespace["cuda"] = cuda_module

    def rebind(f):
        return types.FunctionType(f.__code__, namespace, f.__name__, f.__defaults__, f.__closure__)

    for dev in b.device:
        namespace[dev.__name__] = cuda_module.jit(device=True)(rebind(dev))
    return cuda_module.jit(rebind(b.kernel))


def cuda_threads(b: CudaBench, n: int) -> int:
    griddim, blockdim = b.config(n)
    return math.prod(_dim3(griddim)) * math.prod(_dim3(blockdim))


def _dim3(d) -> tuple:
    return (d,) if isinstance(d, int) else tuple(d)


def cuda_launch_text(b: CudaBench, n: int) -> str:
    griddim, blockdim = b.config(n)
    dims = lambda d: "×".join(str(x) for x in _dim3(d))  # noqa: E731
    size = b.size_text(n) if b.size_text else f"{n:,}"
    return f"{size}: [{dims(griddim)}, {dims(blockdim)}] = {cuda_threads(b, n):,} threads"


def check_outputs(got: list, expected: list) -> str | None:
    """None when every output equals (floats: allclose) the NumPy reference, with the
    same shape and dtype; else a one-line reason."""
    import numpy as np

    for k, (x, y) in enumerate(zip(got, expected)):
        x, y = np.asarray(x), np.asarray(y)
        if x.shape != y.shape:
            return f"output {k}: shape {x.shape}, expected {y.shape}"
        if x.dtype != y.dtype:
            return f"output {k}: dtype {x.dtype}, expected {y.dtype}"
        if x.dtype.kind in "fc":
            bad = int(np.sum(~np.isclose(x, y, equal_nan=True)))
        else:
            bad = int(np.sum(x != y))
        if bad:
            return f"output {k}: {bad} of {x.size} elements differ from NumPy's"
    return None


def run_checked(f, b: CudaBench, args: tuple, expected: list) -> str | None:
    """Call ``f(*args)`` (a launch or a loop) and check ``b.outputs`` against ``expected``."""
    f(*args)
    return check_outputs([args[i] for i in b.outputs], expected)


def time_calls_cpu(f, args: tuple, n: int) -> tuple[float, float]:
    """(wall ns, process CPU ns) per call over ``n`` calls: CPU/wall says how many
    cores a launch kept busy."""
    c0 = time.process_time_ns()
    wall = time_calls(f, args, n)
    c1 = time.process_time_ns()
    return wall, (c1 - c0) / n


def _cuda_sim_child(backend_name: str, module_path: str, bench_name: str, reps: str) -> None:
    """Run one kernel under numba's simulator at its small size: one checked launch,
    then ``reps`` timed launches on fresh arguments. NUMBA_ENABLE_CUDASIM=1 is set by
    the parent."""
    import numpy  # noqa: F401

    try:
        cuda_module = cuda_backend(backend_name)
        b = load_kernel_module(module_path).CUDA_BENCH[bench_name]
        kernel = cuda_jit(cuda_module, b)
        griddim, blockdim = b.config(b.sim_size)
        launch = kernel[griddim, blockdim]
        args = b.build(b.sim_size)
        expected = b.reference(b.build(b.sim_size))
        reason = run_checked(launch, b, args, expected)
        if reason:
            out = {"error": f"results differ: {reason}", "mismatch": True}
        else:
            samples = []
            for _ in range(int(reps)):
                args = b.build(b.sim_size)
                t0 = time.perf_counter_ns()
                launch(*args)
                samples.append(time.perf_counter_ns() - t0)
            out = {"samples_ns": samples, "threads": cuda_threads(b, b.sim_size)}
    except Exception as exc:
        out = {"error": f"{type(exc).__name__}: {exc}"}
    print("BENCH-RESULT " + json.dumps(out))


def cuda_standalone(bench: dict[str, CudaBench], argv: list[str] | None = None) -> int:
    """`python kernels/cuda_saxpy.py`: run each kernel and its @njit loop once, checked
    against NumPy, and time them (`--sim`: numba's simulator at the small size)."""
    parser = argparse.ArgumentParser(description="Run this file's CUDA kernels and time them.")
    parser.add_argument("--sim", action="store_true", help="run numba.cuda's simulator (small size) instead of ferrumba")
    parser.add_argument("--repeat", type=int, default=5, help="timing samples")
    opts = parser.parse_args(argv)
    if opts.sim:
        os.environ["NUMBA_ENABLE_CUDASIM"] = "1"
    name = "numba" if opts.sim else "ferrumba"
    try:
        cuda_module = cuda_backend(name)
        backend = None if opts.sim else load_backend(name)
    except Exception as exc:
        print(f"error: cannot import {name}.cuda: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    status = 0
    for key, b in bench.items():
        n = b.sim_size if opts.sim else b.size
        griddim, blockdim = b.config(n)
        runs = [("kernel", lambda: cuda_jit(cuda_module, b)[griddim, blockdim])]
        if backend is not None:
            runs.append(("@njit loop", lambda: jit(backend, b.loop)))
        for what, make in runs:
            try:
                f = make()
                t0 = time.perf_counter_ns()
                reason = run_checked(f, b, b.build(n), b.reference(b.build(n)))
                first = time.perf_counter_ns() - t0
            except Exception as exc:
                print(f"{key} {what} [{name}]: FAILED: {type(exc).__name__}: {first_line_of(exc)}")
                status = 1
                continue
            args = b.build(n)
            reps = max(1, opts.repeat if not opts.sim else 1)
            samples = [time_calls(f, args, 1 if opts.sim else calibrate(f, args, 20e6)) for _ in range(reps)]
            med = statistics.median(samples)
            per_thread = f", {fmt_ns(med / cuda_threads(b, n))} per CUDA thread" if what == "kernel" else ""
            print(
                f"{key} {what} [{name}] {b.label}, {cuda_launch_text(b, n)}\n"
                f"  first call (compile + run): {fmt_ns(first)}\n"
                f"  per call (median of {reps}): {fmt_ns(med)}{per_thread}\n"
                f"  result: {'matches NumPy' if reason is None else 'WRONG: ' + reason}"
            )
            status |= reason is not None
    return status


def first_line_of(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else ""


# --------------------------------------------------------------------------
# Compile-latency child process


def load_kernel_module(path: str):
    """Import a kernel file by path, under its own file name."""
    if KERNELS_DIR not in sys.path:
        sys.path.insert(0, KERNELS_DIR)
    name = os.path.splitext(os.path.basename(path))[0]
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _compile_child(backend_name: str, module_path: str, bench_name: str) -> None:
    # numpy and the backend are imported before the clock starts: import time
    # is its own benchmark, this one is about the first call only.
    import numpy  # noqa: F401

    try:
        backend = load_backend(backend_name)
        module = load_kernel_module(module_path)
        b = module.BENCH[bench_name]
        args = (b.build_small or b.build)()
        t0 = time.perf_counter_ns()
        # cache=False explicitly: an on-disk cache would turn this into a
        # cache-load benchmark.
        f = jit(backend, b.func, cache=False)
        f(*args)
        t1 = time.perf_counter_ns()
        f(*args)
        t2 = time.perf_counter_ns()
        out = {"first_ns": t1 - t0, "second_ns": t2 - t1}
    except Exception as exc:
        out = {"error": f"{type(exc).__name__}: {exc}"}
    print("BENCH-RESULT " + json.dumps(out))


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "compile-child":
        _compile_child(*sys.argv[2:])
    elif len(sys.argv) == 6 and sys.argv[1] == "cuda-sim-child":
        _cuda_sim_child(*sys.argv[2:])
    else:
        sys.exit(
            "usage: _harness.py compile-child BACKEND MODULE_PATH NAME\n"
            "       _harness.py cuda-sim-child BACKEND MODULE_PATH NAME REPS"
        )
