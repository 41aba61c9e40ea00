#!/usr/bin/env bash
# GPU check: run ferrumba's GPU tests and GPU benchmarks on a machine with an NVIDIA GPU,
# with the extension built elsewhere (no Rust, no LLVM, no rebuild there).
#
#   scripts/gpu_check.sh --bundle   (here, after `make build`) pack .gpu-bundle/: the built
#                                   extension (stripped, gzip: the raw .so is too big to
#                                   carry), pytest + hypothesis (pure Python) and the two
#                                   shared libraries the extension needs besides libc/libstdc++
#   scripts/gpu_check.sh            (on the GPU machine, in the repository) unpack what is
#                                   missing, run every `gpu`-marked test and `kernels/bench.py --only
#                                   cuda-gpu`, and write everything under $OUT (default
#                                   gpu-out/): gpu-check.log, environment.txt, gpu-tests.log,
#                                   gpu-tests.xml, gpu-bench.log, benchmarks.md (docs/benchmarks.md
#                                   with the cuda-gpu section replaced), cuda-gpu-section.md
#
# Environment: PYTHON (default python3), OUT, GPU_CHECK_QUICK=1 (benchmark smoke run),
# GPU_CHECK_TESTS=0 / GPU_CHECK_BENCH=0 (skip a part), GPU_CHECK_TEST_TIMEOUT and
# GPU_CHECK_BENCH_TIMEOUT (seconds; default 300 and 420).
# Exit status: 0 when every part that ran passed, 1 when tests or benchmarks failed,
# 2 when ferrumba cannot be imported or no GPU is usable.

set -u
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUNDLE="$ROOT/.gpu-bundle"
PY="${PYTHON:-python3}"
cd "$ROOT"

if [ "${1:-}" = "--bundle" ]; then
    PY="${PYTHON:-$ROOT/.venv/bin/python}"
    SO="$ROOT/python/ferrumba/_core.abi3.so"
    [ -f "$SO" ] || { echo "no $SO: run \`make build\` first" >&2; exit 2; }
    rm -rf "$BUNDLE" && mkdir -p "$BUNDLE/libs"
    strip --strip-unneeded -o "$BUNDLE/_core.abi3.so" "$SO" 2>/dev/null || cp "$SO" "$BUNDLE/_core.abi3.so"
    gzip -6 -f "$BUNDLE/_core.abi3.so"
    # The extension's own shared libraries, for machines that lack them (used only then).
    for lib in libffi.so.8 libzstd.so.1; do
        path="$(ldd "$SO" | awk -v l="$lib" '$1 == l {print $3}')"
        [ -n "$path" ] && cp -L "$path" "$BUNDLE/libs/"
    done
    "$PY" - "$BUNDLE/vendor.tar.gz" <<'EOF'
import glob, os, sys, tarfile
import pytest
site = os.path.dirname(os.path.dirname(pytest.__file__))
names = ["pytest", "_pytest", "py.py", "pluggy", "iniconfig", "packaging", "hypothesis",
         "_hypothesis_pytestplugin.py", "_hypothesis_globals.py", "_hypothesis_ftz_detector.py",
         "sortedcontainers", "attr", "attrs", "exceptiongroup", "tomli", "pygments", "colorama"]
with tarfile.open(sys.argv[1], "w:gz") as tar:
    for name in names:
        for path in [os.path.join(site, name)] + glob.glob(os.path.join(site, name.split(".")[0] + "-*.dist-info")):
            if os.path.exists(path):
                tar.add(path, arcname=os.path.basename(path), filter=lambda t: None if "__pycache__" in t.name else t)
EOF
    du -sh "$BUNDLE"/* | sed 's/^/  /'
    echo "wrote $BUNDLE: carry it (and nothing else ignored) to the GPU machine, then run \`make gpu-check\` there"
    exit 0
fi

OUT="${OUT:-$ROOT/gpu-out}"
mkdir -p "$OUT"
LOG="$OUT/gpu-check.log"
: > "$LOG"
log() { echo "[gpu-check] $*" | tee -a "$LOG"; }
status=0

# 1. The extension: the built one, or the bundle's.
SO="$ROOT/python/ferrumba/_core.abi3.so"
if [ ! -f "$SO" ] && [ -f "$BUNDLE/_core.abi3.so.gz" ]; then
    log "unpacking the extension from .gpu-bundle"
    gzip -dc "$BUNDLE/_core.abi3.so.gz" > "$SO" && chmod +x "$SO"
fi
export PYTHONPATH="$ROOT/python${PYTHONPATH:+:$PYTHONPATH}"
if ! "$PY" -c "import ferrumba._core" 2> "$OUT/import-error.txt"; then
    if [ -d "$BUNDLE/libs" ]; then
        log "import failed ($(tail -1 "$OUT/import-error.txt")); retrying with the bundle's libffi/libzstd"
        export LD_LIBRARY_PATH="$BUNDLE/libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    fi
    if ! "$PY" -c "import ferrumba._core" 2> "$OUT/import-error.txt"; then
        log "cannot import ferrumba with $PY: $(tail -1 "$OUT/import-error.txt")"
        log "(the extension is built on Debian 12: it needs glibc >= 2.36 and CPython >= 3.10)"
        exit 2
    fi
fi

# 2. The machine.
{
    echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "python: $("$PY" -VV 2>&1)"
    command -v nvidia-smi > /dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total,compute_cap --format=csv 2>&1
    "$PY" - <<'EOF' 2>&1
import importlib
for name in ["numpy", "numba", "numba_cuda", "cupy", "torch", "pytest", "hypothesis"]:
    try:
        m = importlib.import_module(name)
        print(f"{name}: {getattr(m, '__version__', '?')}")
    except Exception as exc:
        print(f"{name}: not importable ({type(exc).__name__}: {exc})")
from ferrumba import _core, cuda
print("ferrumba driver status:", _core.cuda_driver_status())
cuda.detect()
print("libdevice:", cuda.find_libdevice())
EOF
} > "$OUT/environment.txt" 2>&1
cat "$OUT/environment.txt" >> "$LOG"
if ! "$PY" -c "from ferrumba import cuda; raise SystemExit(0 if cuda.is_available() else 1)"; then
    log "no usable GPU: $("$PY" -c 'from ferrumba import _core; print(_core.cuda_driver_status()[1])')"
    exit 2
fi
log "GPU: $("$PY" -c 'from ferrumba import cuda; d = cuda.get_current_device(); print(d.name.decode(), d.compute_capability)')"

# 3. The gpu-marked tests (pytest and hypothesis from the bundle when missing here).
if [ "${GPU_CHECK_TESTS:-1}" != "0" ]; then
    if ! "$PY" -c "import pytest, hypothesis" 2> /dev/null && [ -f "$BUNDLE/vendor.tar.gz" ]; then
        VENDOR="$(mktemp -d)"
        tar -xzf "$BUNDLE/vendor.tar.gz" -C "$VENDOR"
        export PYTHONPATH="$PYTHONPATH:$VENDOR"
        log "pytest/hypothesis from the bundle ($VENDOR)"
    fi
    if "$PY" -c "import pytest, hypothesis" 2> /dev/null; then
        log "running the gpu tests"
        timeout "${GPU_CHECK_TEST_TIMEOUT:-300}" "$PY" -m pytest -p no:cacheprovider -o addopts= -m gpu -q -rfEs --continue-on-collection-errors \
            --junitxml "$OUT/gpu-tests.xml" tests/ > "$OUT/gpu-tests.log" 2>&1
        rc=$?
        tail -25 "$OUT/gpu-tests.log" | tee -a "$LOG"
        [ $rc -eq 0 ] || { log "gpu tests: exit status $rc"; status=1; }
    else
        log "pytest or hypothesis is missing and there is no .gpu-bundle/vendor.tar.gz: tests skipped"
    fi
fi

# 4. The GPU benchmarks, into a copy of docs/benchmarks.md.
if [ "${GPU_CHECK_BENCH:-1}" != "0" ]; then
    cp docs/benchmarks.md "$OUT/benchmarks.md"
    quick=()
    [ "${GPU_CHECK_QUICK:-0}" = "1" ] && quick=(--quick)
    log "running kernels/bench.py --only cuda-gpu ${quick[*]}"
    timeout "${GPU_CHECK_BENCH_TIMEOUT:-420}" "$PY" kernels/bench.py --only cuda-gpu ${quick[@]+"${quick[@]}"} --out "$OUT/benchmarks.md" \
        > "$OUT/gpu-bench.log" 2>&1
    rc=$?
    tail -40 "$OUT/gpu-bench.log" >> "$LOG"
    "$PY" - "$OUT/benchmarks.md" "$OUT/cuda-gpu-section.md" <<'EOF'
import sys
text = open(sys.argv[1], encoding="utf-8").read()
start, end = "<!-- bench:cuda-gpu:start -->", "<!-- bench:cuda-gpu:end -->"
if start in text and end in text:
    open(sys.argv[2], "w", encoding="utf-8").write(text[text.index(start):text.index(end) + len(end)] + "\n")
EOF
    [ $rc -eq 0 ] || { log "benchmarks: exit status $rc (see gpu-bench.log)"; status=1; }
    [ -f "$OUT/cuda-gpu-section.md" ] && log "benchmark section: $OUT/cuda-gpu-section.md"
fi

log "done (status $status); outputs in $OUT"
exit $status
