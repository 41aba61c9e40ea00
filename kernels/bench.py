"""Benchmark runner: ferrumba vs numba on the kernels in this folder.

    python kernels/bench.py [--quick] [--only NAME ...] [--out docs/benchmarks.md]
                            [--backend-a ferrumba] [--backend-b numba]

Both backends compile the same undecorated kernel sources. Before anything is
timed, both results are compared (np.allclose); a benchmark whose results
differ is reported FAILED and not timed, because a fast wrong answer is not a
result. In-process timings alternate A/B sample by sample so that drift on a
shared, noisy machine hits both sides equally; import time and first-call
compile latency run in fresh subprocesses (alternating too) so that no
in-process cache or warm-up helps either side.

The Markdown table replaces the section between `<!-- bench:cpu:start -->` and
`<!-- bench:cpu:end -->` in the --out file (`-` prints only). Exit status is 1
when a core benchmark FAILED (error or mismatch), 2 when a backend cannot be
imported, 0 otherwise; missing a performance target does not fail the run.
"""

from __future__ import annotations

import argparse
import datetime
import faulthandler
import glob
import json
import math
import os
import platform
import shlex
import subprocess
import sys
from dataclasses import dataclass, field

KERNELS_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(KERNELS_DIR)
if KERNELS_DIR not in sys.path:
    sys.path.insert(0, KERNELS_DIR)

import numpy as np  # noqa: E402

import _harness as H  # noqa: E402

START = "<!-- bench:cpu:start -->"
END = "<!-- bench:cpu:end -->"

# Targets from the "CPU @jit core" issue, as ferrumba/numba ratios.
TARGETS = {
    "import": 0.15,
    "overhead": 0.70,
    "compile": 0.20,
    "geomean": 1.00,
}

CONFIGS = {
    # Full run: ~35 s on a 2-core box when both sides are numba-fast, leaving
    # room under the ~3 min budget for a slower backend under test.
    "full": dict(
        import_reps=7,
        compile_reps=5,
        steady_reps=21,
        sample_ns=50e6,
        overhead_calls=200_000,
        overhead_reps=15,
    ),
    # CI smoke run: every code path once, numbers only indicative.
    "quick": dict(
        import_reps=2,
        compile_reps=1,
        steady_reps=3,
        sample_ns=10e6,
        overhead_calls=50_000,
        overhead_reps=3,
    ),
}

SECTION_ORDER = ["import", "overhead", "compile", "steady"]


@dataclass
class Cell:
    """One backend's outcome for one row."""

    stat: dict | None = None  # H.summarize() output
    status: str = "ok"  # ok | failed | unsupported | mismatch | skipped
    error: str = ""


@dataclass
class Row:
    id: str
    section: str
    label: str
    milestone: str = "core"
    a: Cell = field(default_factory=Cell)
    b: Cell = field(default_factory=Cell)

    @property
    def ratio(self) -> float | None:
        if self.a.status == "ok" and self.b.status == "ok" and self.a.stat and self.b.stat:
            return self.a.stat["median_ns"] / self.b.stat["median_ns"]
        return None

    @property
    def failed(self) -> bool:
        """Counts toward a non-zero exit: broken core benchmarks only."""
        if self.milestone != "core":
            return self.b.status in ("failed", "mismatch")
        return any(c.status in ("failed", "mismatch") for c in (self.a, self.b))


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def first_line(text: str, limit: int = 160) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"


# --------------------------------------------------------------------------
# Discovery


def discover() -> list[tuple[str, str, H.Bench]]:
    """(module path, name, Bench) for every kernel module's BENCH entries."""
    found = []
    for path in sorted(glob.glob(os.path.join(KERNELS_DIR, "*.py"))):
        base = os.path.basename(path)
        if base.startswith("_") or base == "bench.py":
            continue
        module = H.load_kernel_module(path)
        for name, bench in getattr(module, "BENCH", {}).items():
            found.append((path, name, bench))
    return found


def plan_rows(benches) -> list[tuple[Row, object]]:
    rows: list[tuple[Row, object]] = [
        (Row("import", "import", "import time (`import X` after `import numpy`)"), None)
    ]
    for path, name, b in benches:
        for kind in b.kinds:
            if kind == "overhead":
                rows.append((Row(f"overhead:{name}", "overhead", f"call overhead: {b.label}"), (path, name, b)))
            elif kind == "compile":
                rows.append((Row(f"compile:{name}", "compile", f"first call (compile): {name}", b.milestone), (path, name, b)))
            elif kind == "steady":
                rows.append((Row(f"steady:{name}", "steady", b.label, b.milestone), (path, name, b)))
    order = {s: i for i, s in enumerate(SECTION_ORDER)}
    # Stable sort: file order within a section, and later-milestone kernels
    # after the core ones so the geometric mean sits under its inputs.
    rows.sort(key=lambda r: (order[r[0].section], r[0].milestone != "core"))
    return rows


def selected(row: Row, only: list[str]) -> bool:
    if not only:
        return True
    section, _, name = row.id.partition(":")
    return any(tok in (row.id, section, name) for tok in only)


# --------------------------------------------------------------------------
# Comparison


def _outputs(ret, args, b: H.Bench) -> list[tuple[str, object]]:
    outs = [] if ret is None else [("return value", ret)]
    outs.extend((f"argument {i}", args[i]) for i in b.outputs)
    return outs


def compare(outs_a: list, outs_b: list) -> str | None:
    """None when the two backends agree, else a one-line reason."""
    if [k for k, _ in outs_a] != [k for k, _ in outs_b]:
        return f"outputs {[k for k, _ in outs_a]} vs {[k for k, _ in outs_b]}"
    for (k, x), (_, y) in zip(outs_a, outs_b):
        x, y = np.asarray(x), np.asarray(y)
        if x.shape != y.shape:
            return f"{k}: shape {x.shape} vs {y.shape}"
        # A drop-in replacement must produce the same dtypes, not just values.
        if x.dtype != y.dtype:
            return f"{k}: dtype {x.dtype} vs {y.dtype}"
        if x.dtype.kind in "fc":
            ok = np.allclose(x, y, equal_nan=True)
        else:
            ok = np.array_equal(x, y)
        if not ok:
            bad = int(np.sum(~np.isclose(x, y, equal_nan=True))) if x.dtype.kind in "fc" else int(np.sum(x != y))
            return f"{k}: {bad} of {x.size} elements differ"
    return None


# --------------------------------------------------------------------------
# Measurements


def run_in_process(row: Row, b: H.Bench, backends, cfg) -> None:
    """Steady-state or call-overhead row: compile, check agreement, time."""
    funcs = {}
    outs = {}
    for side, backend in zip("ab", backends):
        cell = getattr(row, side)
        try:
            f = H.jit(backend, b.func)
            # First call compiles, on arguments of its own so that in-place
            # kernels start the check from the same state on both sides.
            f(*b.build())
            args = b.build()
            outs[side] = _outputs(f(*args), args, b)
            funcs[side] = f
        except Exception as exc:
            cell.status = "unsupported" if (side == "a" and b.milestone == "numpy") else "failed"
            cell.error = first_line(f"{type(exc).__name__}: {exc}")
            log(f"  {row.id} [{backend.__name__}] {cell.status}: {cell.error}")

    if len(outs) == 2:
        reason = compare(outs["a"], outs["b"])
        if reason:
            row.a.status = row.b.status = "mismatch"
            row.a.error = reason
            log(f"  {row.id}: results differ: {reason}")
            return

    if not funcs:
        return
    argsets = {side: b.build() for side in funcs}
    if row.section == "overhead":
        counts = {side: cfg["overhead_calls"] for side in funcs}
        reps = cfg["overhead_reps"]
    else:
        counts = {side: H.calibrate(funcs[side], argsets[side], cfg["sample_ns"]) for side in funcs}
        reps = cfg["steady_reps"]
    samples = {side: [] for side in funcs}
    sides = sorted(funcs)
    for rep in range(reps):
        # Alternate who goes first so a slow phase of the machine does not
        # systematically land on one backend.
        for side in sides if rep % 2 == 0 else sides[::-1]:
            samples[side].append(H.time_calls(funcs[side], argsets[side], counts[side]))
    for side in funcs:
        getattr(row, side).stat = H.summarize(samples[side])


def _child(cmd: list[str]) -> tuple[dict | None, str]:
    """Run a measurement subprocess; parse its BENCH-RESULT line."""
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd=REPO_ROOT)
    except subprocess.TimeoutExpired:
        return None, "timed out after 120 s"
    for line in proc.stdout.splitlines():
        if line.startswith("BENCH-RESULT "):
            data = json.loads(line[len("BENCH-RESULT "):])
            if "error" in data:
                return None, data["error"]
            return data, ""
    tail = (proc.stderr or proc.stdout).strip().splitlines()
    return None, f"exit {proc.returncode}: {tail[-1] if tail else 'no output'}"


IMPORT_SNIPPET = (
    "import time, numpy\n"
    "t0 = time.perf_counter_ns()\n"
    "import {mod}\n"
    "t1 = time.perf_counter_ns()\n"
    "print('BENCH-RESULT {{\"ns\": %d}}' % (t1 - t0))\n"
)


def run_subprocess_row(row: Row, names: tuple[str, str], reps: int, make_cmd, key: str) -> None:
    """Alternate A/B fresh-process runs; median of each side's results."""
    samples = {"a": [], "b": []}
    # One unrecorded run per side first: the very first start after a build
    # pays for cold disk caches and .pyc writing, which users pay only once.
    plan = [("a", False), ("b", False)]
    for rep in range(reps):
        plan += [("a", True), ("b", True)] if rep % 2 == 0 else [("b", True), ("a", True)]
    for side, record in plan:
        cell = getattr(row, side)
        if cell.status != "ok":
            continue
        data, err = _child(make_cmd(names[0 if side == "a" else 1]))
        if data is None:
            cell.status = "unsupported" if (side == "a" and row.milestone == "numpy") else "failed"
            cell.error = first_line(err)
            log(f"  {row.id} [{names[0 if side == 'a' else 1]}] {cell.status}: {cell.error}")
            continue
        if record:
            samples[side].append(data[key])
    for side in "ab":
        if samples[side] and getattr(row, side).status == "ok":
            getattr(row, side).stat = H.summarize(samples[side])


# --------------------------------------------------------------------------
# Report


def machine_info() -> dict:
    cpu = platform.processor() or "?"
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    return {"cpu": cpu, "cores": os.cpu_count(), "usable": usable}


def command_line() -> str:
    exe = sys.executable
    rel = os.path.relpath(exe, REPO_ROOT)
    if not rel.startswith(".."):
        exe = rel
    return shlex.join([exe] + sys.argv)


def fmt_cell(cell: Cell, side: str) -> str:
    if cell.status == "unsupported":
        return "unsupported yet"
    if cell.status == "failed":
        return "FAILED"
    if cell.status == "mismatch":
        return "FAILED (results differ)" if side == "a" else "not timed"
    if cell.status == "skipped" or cell.stat is None:
        return "—"
    text = H.fmt_ns(cell.stat["median_ns"])
    if cell.stat["spread"] is not None:
        text += f" ±{cell.stat['spread'] * 100:.0f}%"
    return text


def render(rows: list[Row], names: tuple[str, str], cfg_name: str, cfg: dict, only: list[str]) -> tuple[str, list[str]]:
    # Same module on both sides (runner self-test) would give two identical
    # headers; suffix them so the table stays readable.
    ha, hb = names if names[0] != names[1] else (f"{names[0]} (A)", f"{names[1]} (B)")
    lines = [
        f"| benchmark | {ha} | {hb} | ratio {names[0]}/{names[1]} | target | met? |",
        "|---|---:|---:|---:|---:|:---:|",
    ]
    notes: list[str] = []

    def note_for(row: Row) -> str:
        refs = []
        for side, cell in (("a", row.a), ("b", row.b)):
            if cell.error:
                who = names[0] if side == "a" else names[1]
                if cell.status == "mismatch":
                    who = f"{names[0]} vs {names[1]}"
                notes.append(f"{row.id} [{who}]: {cell.error}")
                refs.append(f"[^{len(notes)}]")
        return "".join(refs)

    steady_core: list[float] = []
    steady_core_total = 0
    for row in rows:
        ratio = row.ratio
        ratio_text = f"{ratio:.2f}×" if ratio is not None else "—"
        if row.section == "steady":
            if row.milestone == "core":
                steady_core_total += 1
                if ratio is not None:
                    steady_core.append(ratio)
                target_text, met = "in geomean", "—"
            else:
                target_text, met = "later milestone", "—"
        else:
            target = TARGETS[row.section]
            target_text = f"≤ {target:.2f}×"
            if ratio is not None:
                met = "yes" if ratio <= target else "no"
            elif row.milestone != "core":
                met = "—"
            else:
                met = "no"
        label = row.label + note_for(row)
        lines.append(
            f"| {label} | {fmt_cell(row.a, 'a')} | {fmt_cell(row.b, 'b')} "
            f"| {ratio_text} | {target_text} | {met} |"
        )

    if steady_core_total:
        if steady_core:
            gm = math.exp(sum(math.log(r) for r in steady_core) / len(steady_core))
            complete = len(steady_core) == steady_core_total
            gm_text = f"**{gm:.2f}×**"
            met = ("yes" if gm <= TARGETS["geomean"] else "no") if complete else "no (incomplete)"
        else:
            gm_text, met = "—", "no"
        lines.append(
            f"| **geometric mean, steady state** ({len(steady_core)}/{steady_core_total} core kernels) "
            f"| | | {gm_text} | ≤ {TARGETS['geomean']:.2f}× | {met} |"
        )
    return "\n".join(lines), notes


def build_section(rows, names, cfg_name, cfg, only, info) -> str:
    table, notes = render(rows, names, cfg_name, cfg, only)
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    versions = [
        f"Python {platform.python_version()}",
        f"NumPy {np.__version__}",
    ]
    for name in dict.fromkeys(names):
        versions.append(f"{name} {H.backend_version(name)}")
    if "numba" not in names:
        versions.append(f"numba {H.backend_version('numba')}")
    method = (
        f"Times are medians (± half the interquartile range). "
        f"Steady state and call overhead: {cfg['steady_reps']} samples of ~{cfg['sample_ns'] / 1e6:.0f} ms "
        f"(call overhead: {cfg['overhead_reps']} × {cfg['overhead_calls']:,} calls), per call, A/B samples "
        f"interleaved in one process after both results were checked to agree. "
        f"First call: decorate + first call on tiny inputs, `cache=False`, in a fresh process, "
        f"median of {cfg['compile_reps']}. Import: fresh process, median of {cfg['import_reps']}."
    )
    parts = [
        START,
        f"### CPU: {names[0]} vs {names[1]}" + (" (quick run)" if cfg_name == "quick" else ""),
        "",
        "_Generated by `kernels/bench.py`; do not edit by hand between the markers._",
        "",
        table,
        "",
    ]
    if notes:
        parts += [f"[^{i}]: {n.replace('|', '∣')}" for i, n in enumerate(notes, 1)] + [""]
    parts += [
        f"- Command: `{command_line()}`" + (f" (subset: {', '.join(only)})" if only else ""),
        f"- Date: {now}",
        f"- Machine: {info['cpu']}, {info['cores']} cores ({info['usable']} usable), {platform.system()} {platform.machine()}",
        f"- Versions: {', '.join(versions)}",
        f"- Method: {method}",
        END,
    ]
    return "\n".join(parts)


INTRO = """# Benchmarks

ferrumba aims to be a drop-in replacement for Numba, so every benchmark here
compiles the *same* kernel source (`kernels/*.py`) with both and reports the
ratio ferrumba/numba (lower is better). Each kernel is also runnable on its
own, e.g. `python kernels/mandelbrot.py`.

Regenerate the section below with `python kernels/bench.py` (add `--quick`
for a smoke run, `--only NAME` for a subset).

"""


def write_section(path: str, section: str) -> None:
    if os.path.exists(path):
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
        start, end = text.find(START), text.find(END)
        if start != -1 and end > start:
            text = text[:start] + section + text[end + len(END):]
        else:
            text = text.rstrip("\n") + "\n\n" + section + "\n"
    else:
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        text = INTRO + section + "\n"
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)


# --------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats (CI smoke run)")
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="NAME",
        help="run only matching rows: a row id (steady:mandelbrot), a kernel name "
        "(mandelbrot) or a section (import, overhead, compile, steady); repeatable, comma-separated",
    )
    parser.add_argument(
        "--out",
        default=os.path.join(REPO_ROOT, "docs", "benchmarks.md"),
        help="Markdown file whose bench:cpu section is replaced ('-': print only)",
    )
    parser.add_argument("--backend-a", default="ferrumba", help="module under test (default ferrumba)")
    parser.add_argument("--backend-b", default="numba", help="reference module (default numba)")
    parser.add_argument("--list", action="store_true", help="list row ids and exit")
    opts = parser.parse_args(argv)

    # A JIT under development can crash the interpreter; at least say where.
    faulthandler.enable()
    only = [tok for item in opts.only for tok in item.split(",") if tok]
    cfg_name = "quick" if opts.quick else "full"
    cfg = CONFIGS[cfg_name]
    names = (opts.backend_a, opts.backend_b)

    planned = plan_rows(discover())
    if opts.list:
        for row, _ in planned:
            print(f"{row.id:24} {row.label}")
        return 0
    if only:
        known = {p for row, _ in planned for p in (row.id, *row.id.split(":"))}
        unknown = [tok for tok in only if tok not in known]
        if unknown:
            parser.error(f"unknown --only {unknown}; see --list")
        planned = [(row, src) for row, src in planned if selected(row, only)]

    backends = []
    for name in names:
        try:
            backends.append(H.load_backend(name))
        except Exception as exc:
            print(
                f"error: cannot import backend {name!r}: {type(exc).__name__}: {exc}\n"
                "Build ferrumba first (`maturin develop --release`), or validate the runner "
                "with `--backend-a numba --backend-b numba`.",
                file=sys.stderr,
            )
            return 2

    harness = os.path.join(KERNELS_DIR, "_harness.py")
    rows = []
    for row, src in planned:
        log(f"[{row.id}] {row.label}")
        if row.section == "import":
            run_subprocess_row(
                row,
                names,
                cfg["import_reps"],
                lambda mod: [sys.executable, "-c", IMPORT_SNIPPET.format(mod=mod)],
                "ns",
            )
        elif row.section == "compile":
            path, name, _ = src
            run_subprocess_row(
                row,
                names,
                cfg["compile_reps"],
                lambda mod, path=path, name=name: [sys.executable, harness, "compile-child", mod, path, name],
                "first_ns",
            )
        else:
            run_in_process(row, src[2], backends, cfg)
        rows.append(row)

    section = build_section(rows, names, cfg_name, cfg, only, machine_info())
    print(section)
    if opts.out != "-":
        write_section(opts.out, section)
        log(f"wrote {opts.out}")
    return 1 if any(r.failed for r in rows) else 0


if __name__ == "__main__":
    raise SystemExit(main())
