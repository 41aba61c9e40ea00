"""The GPU section of kernels/bench.py: ferrumba.cuda on a GPU against numba-cuda (and
CuPy where it has the same operation), in one process, same device, same inputs.

Rows (ids `cuda-gpu:NAME`, selected with `--only cuda-gpu` or a name):

- `launch0`, `launch1`, `launch4`: launch overhead, an empty kernel with 0, 1 and 4
  device-array arguments. Host time per `kernel[1, 1](*args)` over a batch of launches
  short enough not to fill the driver's queue (the GPU catches up outside the clock).
- `compile`: the first launch of a fresh kernel (decorate, type, compile, load, launch,
  synchronize) in a fresh process whose driver is already initialized, with the driver's
  PTX cache off (`CUDA_CACHE_DISABLE=1`) on both sides.
- kernel rows, from kernels/cuda_*.py at GPU sizes: time per launch over back-to-back
  launches on device arrays, synchronized at the end of each sample (GPU-bound, so the
  kernels' own time). Each side's output is first checked against NumPy.

Targets (ferrumba / numba-cuda): launch overhead ≤ 0.4×, compile ≤ 0.2×, kernel ≤ 1.05×.
CuPy's column is a reference (its own elementwise kernel, cuBLAS, reductions), no target.

Also the entry point of the compile-latency child:
`python _bench_gpu.py compile-child BACKEND MODULE_PATH NAME`.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
import warnings
from dataclasses import dataclass, field

KERNELS_DIR = os.path.dirname(os.path.abspath(__file__))
if KERNELS_DIR not in sys.path:
    sys.path.insert(0, KERNELS_DIR)

import _harness as H  # noqa: E402

GPU_START = "<!-- bench:cuda-gpu:start -->"
GPU_END = "<!-- bench:cuda-gpu:end -->"

TARGETS = {"launch": 0.40, "compile": 0.20, "kernel": 1.05}

CONFIGS = {
    "full": dict(launch_batch=500, launch_reps=31, compile_reps=5, kernel_reps=15, sample_ns=30e6),
    "quick": dict(launch_batch=200, launch_reps=5, compile_reps=1, kernel_reps=3, sample_ns=5e6),
}

# kernels/cuda_*.py CUDA_BENCH entries run on the GPU, and their sizes there.
GPU_KERNELS = {
    "saxpy": (1 << 24, 1 << 20),
    "matmul_shared": (2048, 512),
    "block_sum_atomic": (1 << 24, 1 << 20),
    "block_sum_shared": (1 << 24, 1 << 20),
    "histogram": (1 << 24, 1 << 20),
    "histogram_shared": (1 << 24, 1 << 20),
}

LAUNCH_ROWS = {"launch0": 0, "launch1": 1, "launch4": 4}


@dataclass
class Cell:
    stat: dict | None = None
    status: str = "ok"  # ok | failed | mismatch | skipped
    error: str = ""


@dataclass
class GpuRow:
    id: str
    name: str
    kind: str  # launch | compile | kernel
    label: str
    a: Cell = field(default_factory=Cell)  # ferrumba
    b: Cell = field(default_factory=Cell)  # numba-cuda
    c: Cell = field(default_factory=lambda: Cell(status="skipped"))  # CuPy, reference
    size_text: str = ""

    @property
    def ratio(self):
        if self.a.status == "ok" and self.b.status == "ok" and self.a.stat and self.b.stat:
            return self.a.stat["median_ns"] / self.b.stat["median_ns"]
        return None

    @property
    def failed(self):
        return any(c.status in ("failed", "mismatch") for c in (self.a, self.b))


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def first_line(text, limit=160):
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _kernel_benches():
    import glob

    found = {}
    for path in sorted(glob.glob(os.path.join(KERNELS_DIR, "cuda_*.py"))):
        module = H.load_kernel_module(path)
        for name, b in getattr(module, "CUDA_BENCH", {}).items():
            found[name] = (path, b)
    return found


def plan() -> list[GpuRow]:
    rows = [
        GpuRow(f"cuda-gpu:{name}", name, "launch", f"launch overhead: empty kernel, {n} device-array argument{'s' if n != 1 else ''}")
        for name, n in LAUNCH_ROWS.items()
    ]
    rows.append(GpuRow("cuda-gpu:compile", "compile", "compile", "first launch (compile + load): saxpy, fresh process"))
    benches = _kernel_benches()
    for name in GPU_KERNELS:
        if name in benches:
            rows.append(GpuRow(f"cuda-gpu:{name}", name, "kernel", benches[name][1].label))
    return rows


def usable() -> tuple[bool, str]:
    """Whether ferrumba sees a GPU here (numba-cuda is checked per row)."""
    try:
        from ferrumba import _core

        ok, reason = _core.cuda_driver_status()
    except Exception as exc:  # a broken build
        return False, f"{type(exc).__name__}: {exc}"
    return ok, reason


# --------------------------------------------------------------------------------------
# Backends


class Side:
    """One backend's CUDA module as the benchmarks use it."""

    def __init__(self, name):
        self.name = name
        if name == "ferrumba":
            os.environ["FERRUMBA_CUDA_TARGET"] = "gpu"
        import importlib

        self.cuda = importlib.import_module(name + ".cuda")
        if not self.cuda.is_available():
            raise RuntimeError(f"{name}.cuda sees no GPU")

    def to_device(self, args):
        import numpy as np

        return tuple(self.cuda.to_device(a) if isinstance(a, np.ndarray) else a for a in args)

    def sync(self):
        self.cuda.synchronize()


def _sides():
    sides = {}
    for key, name in (("a", "ferrumba"), ("b", "numba")):
        try:
            sides[key] = Side(name)
        except Exception as exc:
            sides[key] = exc
    try:
        import cupy

        cupy.cuda.runtime.getDeviceCount()
        sides["c"] = cupy
    except Exception as exc:
        sides["c"] = exc
    return sides


def _fail(cell, status, exc, who, row_id):
    cell.status = status
    cell.error = first_line(exc if isinstance(exc, str) else f"{type(exc).__name__}: {exc}")
    log(f"  {row_id} [{who}] {status}: {cell.error}")


# --------------------------------------------------------------------------------------
# Launch overhead


def empty0():
    pass


def empty1(a):
    pass


def empty4(a, b, c, d):
    pass


_LAUNCH_LOOPS = {}


def _launch_loop(nargs):
    loop = _LAUNCH_LOOPS.get(nargs)
    if loop is None:
        params = ", ".join(f"a{i}" for i in range(nargs))
        src = (
            f"def loop(k, n{', ' if params else ''}{params}):\n"
            f"    for _ in repeat(None, n):\n"
            f"        k[1, 1]({params})\n"
        )
        from itertools import repeat

        ns = {"repeat": repeat}
        exec(src, ns)
        loop = _LAUNCH_LOOPS[nargs] = ns["loop"]
    return loop


def run_launch_row(row, sides, cfg):
    import gc

    import numpy as np

    nargs = LAUNCH_ROWS[row.name]
    kernel_fn = {0: empty0, 1: empty1, 4: empty4}[nargs]
    prepared = {}
    for key in "ab":
        side, cell = sides[key], getattr(row, key)
        if isinstance(side, Exception):
            _fail(cell, "skipped" if key == "b" else "failed", side, key, row.id)
            continue
        try:
            k = side.cuda.jit(kernel_fn)
            args = tuple(side.cuda.to_device(np.zeros(16, np.float32)) for _ in range(nargs))
            k[1, 1](*args)
            side.sync()
            prepared[key] = (k, args, side)
        except Exception as exc:
            _fail(cell, "failed", exc, side.name, row.id)
    loop = _launch_loop(nargs)
    samples = {key: [] for key in prepared}
    n = cfg["launch_batch"]
    keys = sorted(prepared)
    for rep in range(cfg["launch_reps"]):
        for key in keys if rep % 2 == 0 else keys[::-1]:
            k, args, side = prepared[key]
            gc.disable()
            try:
                t0 = time.perf_counter_ns()
                loop(k, n, *args)
                t1 = time.perf_counter_ns()
            finally:
                gc.enable()
            side.sync()  # outside the clock: the GPU drains the queue
            samples[key].append((t1 - t0) / n)
    for key in prepared:
        getattr(row, key).stat = H.summarize(samples[key])
    row.size_text = f"batches of {n} launches, `kernel[1, 1](...)`"


# --------------------------------------------------------------------------------------
# Compile latency (fresh processes)


COMPILE_BENCH = ("cuda_saxpy.py", "saxpy", 1 << 12)


def _compile_child(backend_name, module_path, bench_name):
    import numpy as np

    os.environ["FERRUMBA_CUDA_TARGET"] = "gpu"
    warnings.simplefilter("ignore")
    try:
        import importlib

        cuda_module = importlib.import_module(backend_name + ".cuda")
        b = H.load_kernel_module(module_path).CUDA_BENCH[bench_name]
        n = COMPILE_BENCH[2]
        # The driver and the context are initialized before the clock starts; the inputs
        # are on the device already: the clock covers compile, load and launch.
        cuda_module.synchronize()
        args = tuple(cuda_module.to_device(a) if isinstance(a, np.ndarray) else a for a in b.build(n))
        cuda_module.synchronize()
        griddim, blockdim = b.config(n)
        t0 = time.perf_counter_ns()
        kernel = H.cuda_jit(cuda_module, b)
        kernel[griddim, blockdim](*args)
        cuda_module.synchronize()
        t1 = time.perf_counter_ns()
        kernel[griddim, blockdim](*args)
        cuda_module.synchronize()
        t2 = time.perf_counter_ns()
        out = {"first_ns": t1 - t0, "second_ns": t2 - t1}
    except Exception as exc:
        out = {"error": f"{type(exc).__name__}: {exc}"}
    print("BENCH-RESULT " + json.dumps(out))


def run_compile_row(row, sides, cfg):
    path = os.path.join(KERNELS_DIR, COMPILE_BENCH[0])
    env = dict(os.environ, CUDA_CACHE_DISABLE="1", FERRUMBA_CUDA_TARGET="gpu")
    env.pop("NUMBA_ENABLE_CUDASIM", None)
    samples = {"a": [], "b": []}
    names = {"a": "ferrumba", "b": "numba"}
    plan = [("a", False), ("b", False)]
    for rep in range(cfg["compile_reps"]):
        plan += [("a", True), ("b", True)] if rep % 2 == 0 else [("b", True), ("a", True)]
    for key, record in plan:
        cell = getattr(row, key)
        if isinstance(sides[key], Exception):
            cell.status = "skipped" if key == "b" else "failed"
            cell.error = first_line(str(sides[key]))
            continue
        if cell.status != "ok":
            continue
        cmd = [sys.executable, os.path.abspath(__file__), "compile-child", names[key], path, COMPILE_BENCH[1]]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300, env=env, cwd=os.path.dirname(KERNELS_DIR))
        except subprocess.TimeoutExpired:
            _fail(cell, "failed", "timed out after 300 s", names[key], row.id)
            continue
        data = None
        for line in proc.stdout.splitlines():
            if line.startswith("BENCH-RESULT "):
                data = json.loads(line[len("BENCH-RESULT "):])
        if data is None or "error" in data:
            err = data["error"] if data else (proc.stderr.strip().splitlines() or ["no output"])[-1]
            _fail(cell, "failed", err, names[key], row.id)
            continue
        if record:
            samples[key].append(data["first_ns"])
    for key in "ab":
        if samples[key] and getattr(row, key).status == "ok":
            getattr(row, key).stat = H.summarize(samples[key])
    row.size_text = f"{COMPILE_BENCH[2]:,} elements"


# --------------------------------------------------------------------------------------
# Kernels


def _cupy_equivalent(cp, name, host_args):
    """A CuPy function doing the same work on its own device arrays, or None."""
    import numpy as np

    args = [cp.asarray(a) if isinstance(a, np.ndarray) else a for a in host_args]
    if name == "saxpy":
        a, x, y, out = args
        k = cp.ElementwiseKernel("float32 a, float32 x, float32 y", "float32 out", "out = a * x + y", "bench_saxpy")
        return lambda: k(np.float32(a), x, y, out), "ElementwiseKernel `a * x + y`"
    if name == "matmul_shared":
        a, b, c = args
        return lambda: cp.matmul(a, b, out=c), "cupy.matmul (cuBLAS)"
    if name.startswith("block_sum"):
        x, partial = args
        tpb = 256
        return lambda: cp.sum(x.reshape(-1, tpb), axis=1, out=partial), "sum(axis=1) of x.reshape(-1, 256)"
    if name.startswith("histogram"):
        x, hist = args
        nbins = hist.size
        return lambda: cp.bincount(cp.clip((x * nbins).astype(cp.int32), 0, nbins - 1), minlength=nbins), "bincount of the bins"
    return None


def run_kernel_row(row, sides, cfg, quick):
    path, b = _kernel_benches()[row.name]
    n = GPU_KERNELS[row.name][1 if quick else 0]
    griddim, blockdim = b.config(n)
    row.size_text = H.cuda_launch_text(b, n)
    expected = b.reference(b.build(n))
    launches = {}
    for key in "ab":
        side, cell = sides[key], getattr(row, key)
        if isinstance(side, Exception):
            cell.status = "skipped" if key == "b" else "failed"
            cell.error = first_line(str(side))
            continue
        try:
            k = H.cuda_jit(side.cuda, b)[griddim, blockdim]
            dargs = side.to_device(b.build(n))
            k(*dargs)
            side.sync()
            got = [dargs[i].copy_to_host() for i in b.outputs]
            reason = H.check_outputs(got, expected)
        except Exception as exc:
            _fail(cell, "failed", exc, side.name, row.id)
            continue
        if reason:
            _fail(cell, "mismatch", f"results differ from NumPy's: {reason}", side.name, row.id)
            continue
        launches[key] = (k, dargs, side.sync)
    cp = sides["c"]
    if not isinstance(cp, Exception):
        try:
            made = _cupy_equivalent(cp, row.name, b.build(n))
            if made is not None:
                f, what = made
                f()
                cp.cuda.runtime.deviceSynchronize()
                launches["c"] = (lambda *a: f(), (), cp.cuda.runtime.deviceSynchronize)
                row.c.status = "ok"
                row.c.error = what
        except Exception as exc:
            row.c.status = "failed"
            row.c.error = first_line(f"{type(exc).__name__}: {exc}")
    if not launches:
        return
    counts = {}
    for key, (k, dargs, sync) in launches.items():
        count = 1
        while True:
            t0 = time.perf_counter_ns()
            for _ in range(count):
                k(*dargs)
            sync()
            dt = time.perf_counter_ns() - t0
            if dt >= cfg["sample_ns"] / 4 or count >= 1 << 16:
                counts[key] = max(1, round(count * cfg["sample_ns"] / max(dt, 1)))
                break
            count *= 4
    samples = {key: [] for key in launches}
    keys = sorted(launches)
    for rep in range(cfg["kernel_reps"]):
        shift = rep % len(keys)
        for key in keys[shift:] + keys[:shift]:
            k, dargs, sync = launches[key]
            sync()
            t0 = time.perf_counter_ns()
            for _ in range(counts[key]):
                k(*dargs)
            sync()
            samples[key].append((time.perf_counter_ns() - t0) / counts[key])
    for key in launches:
        getattr(row, key).stat = H.summarize(samples[key])


# --------------------------------------------------------------------------------------
# Report


def fmt_cell(cell):
    if cell.status == "skipped":
        return "—"
    if cell.status == "failed":
        return "FAILED"
    if cell.status == "mismatch":
        return "FAILED (results differ)"
    if cell.stat is None:
        return "—"
    text = H.fmt_ns(cell.stat["median_ns"])
    if cell.stat["spread"] is not None:
        text += f" ±{cell.stat['spread'] * 100:.0f}%"
    return text


def device_text():
    try:
        from ferrumba import _core

        info = _core.cuda_device_info(_core.cuda_selected_device())
        version = _core.cuda_driver_version()
        cc = info["compute_capability"]
        return f"{info['name']} (compute capability {cc[0]}.{cc[1]}, {info['multiprocessor_count']} SMs, {info['total_memory'] / 2**30:.0f} GiB), CUDA driver API {version // 1000}.{version % 1000 // 10}"
    except Exception as exc:
        return f"? ({exc})"


def render(rows):
    notes = []

    def note(cell, who, row):
        if cell.error and cell.status != "ok":
            notes.append(f"{row.id} [{who}]: {cell.error}")
            return f"[^g{len(notes)}]"
        return ""

    lines = [
        "| benchmark | size | ferrumba | numba-cuda | ratio | target | met? | CuPy (reference) |",
        "|---|---|---:|---:|---:|---:|:---:|---:|",
    ]
    for row in rows:
        ratio = row.ratio
        target = TARGETS[row.kind]
        met = "yes" if ratio is not None and ratio <= target else "no"
        if ratio is None and row.b.status == "skipped":
            met = "—"
        cupy = fmt_cell(row.c)
        if row.c.status == "ok" and row.c.error:
            cupy += f" ({row.c.error})"
        lines.append(
            f"| {row.label} | {row.size_text} | {fmt_cell(row.a)}{note(row.a, 'ferrumba', row)} "
            f"| {fmt_cell(row.b)}{note(row.b, 'numba-cuda', row)} | {f'{ratio:.2f}×' if ratio is not None else '—'} "
            f"| ≤ {target:.2f}× | {met} | {cupy}{note(row.c, 'cupy', row)} |"
        )
    return "\n".join(lines), notes


def build_section(rows, cfg_name, cfg, command, info, only):
    import datetime
    import platform

    import numpy as np

    table, notes = render(rows)
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    versions = [f"Python {platform.python_version()}", f"NumPy {np.__version__}", f"ferrumba {H.backend_version('ferrumba')}",
                f"numba {H.backend_version('numba')}", f"numba-cuda {H.backend_version('numba-cuda')}"]
    if "cupy" in sys.modules:
        versions.append(f"CuPy {H.backend_version('cupy')}")
    method = (
        f"Launch overhead: host time per `kernel[1, 1](*args)` over batches of {cfg['launch_batch']} launches "
        f"(the GPU drains the queue outside the clock), median of {cfg['launch_reps']} batches, sides alternating. "
        f"First launch: a fresh process with the driver initialized and the inputs on the device before the clock, "
        f"`CUDA_CACHE_DISABLE=1`, decorate + launch + synchronize, median of {cfg['compile_reps']}. "
        f"Kernels: device arrays made once, each side's output checked against NumPy, then {cfg['kernel_reps']} samples "
        f"of ~{cfg['sample_ns'] / 1e6:.0f} ms of back-to-back launches ending in a synchronize, per launch, medians "
        f"(± half the interquartile range). CuPy is a reference (no target)."
    )
    parts = [
        GPU_START,
        f"### CUDA kernels on the GPU: ferrumba.cuda vs numba-cuda" + (" (quick run)" if cfg_name == "quick" else ""),
        "",
        "_Generated by `kernels/bench.py` (`--only cuda-gpu` for this section alone, `make gpu-check` on a GPU machine); "
        "do not edit by hand between the markers._",
        "",
        f"Device: **{device_text()}**",
        "",
        table,
        "",
    ]
    if notes:
        parts += [f"[^g{i}]: {n.replace('|', '∣')}" for i, n in enumerate(notes, 1)] + [""]
    parts += [
        f"- Command: `{command}`" + (f" (subset: {', '.join(only)})" if only else ""),
        f"- Date: {now}",
        f"- Machine: {info['cpu']}, {info['cores']} cores ({info['usable']} usable), {platform.system()} {platform.machine()}",
        f"- Versions: {', '.join(versions)}",
        f"- Method: {method}",
        GPU_END,
    ]
    return "\n".join(parts)


def run(rows, cfg_name):
    """Measure `rows` in place."""
    cfg = CONFIGS[cfg_name]
    before = os.environ.get("FERRUMBA_CUDA_TARGET")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # numba-cuda's grid-size performance warnings
            sides = _sides()
            for row in rows:
                log(f"[{row.id}] {row.label}")
                try:
                    if row.kind == "launch":
                        run_launch_row(row, sides, cfg)
                    elif row.kind == "compile":
                        run_compile_row(row, sides, cfg)
                    else:
                        run_kernel_row(row, sides, cfg, cfg_name == "quick")
                except Exception as exc:  # keep the other rows
                    _fail(row.a, "failed", exc, "runner", row.id)
    finally:
        if before is None:
            os.environ.pop("FERRUMBA_CUDA_TARGET", None)
        else:
            os.environ["FERRUMBA_CUDA_TARGET"] = before


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "compile-child":
        _compile_child(*sys.argv[2:])
    else:
        sys.exit("usage: _bench_gpu.py compile-child BACKEND MODULE_PATH NAME")
