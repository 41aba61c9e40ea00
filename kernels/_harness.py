"""Shared plumbing for the benchmark kernels.

Every kernel module in this folder holds *undecorated* Python functions plus a
``BENCH`` dict describing them.  The JIT decorator is applied here, from
whichever backend module is asked for (``ferrumba`` or ``numba``), so the very
same source is compiled by both and neither backend is imported when a kernel
module is merely imported.  That is what lets ``bench.py`` compare the two
side by side in one process, and lets a compile-latency child process import
exactly one backend.

The module is also the entry point of the compile-latency child process
(``python _harness.py compile-child BACKEND MODULE_PATH NAME``): first-call
latency has to be measured in a fresh interpreter, otherwise in-process state
(LLVM initialisation, type caches, already-compiled helpers) hides most of it.
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
    else:
        sys.exit("usage: _harness.py compile-child BACKEND MODULE_PATH NAME")
