"""The dispatcher API: decorators, options, signatures, introspection, nogil."""

import io
import math
import threading
from contextlib import redirect_stdout

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from tests.backend import IS_FERRUMBA, TypingError, backend, jit, njit, types


def add(x, y):
    return x + y


def scaled(x, n=10):
    return x * n


def sig_strings(disp):
    return [tuple(str(t) for t in sig) for sig in disp.signatures]


# --- decorator forms and options

def test_njit_bare_decorator():
    @njit
    def f(x):
        return x + 1

    assert f(1) == 2


def test_njit_empty_call():
    @njit()
    def f(x):
        return x + 1

    assert f(1) == 2


@pytest.mark.filterwarnings("ignore:nopython is set for njit")
@pytest.mark.parametrize(
    "make_decorator",
    [lambda: jit, lambda: jit(nopython=True), lambda: njit(nopython=True)],
    ids=["jit", "jit(nopython)", "njit(nopython)"],
)
def test_jit_forms(make_decorator):
    f = make_decorator()(add)
    assert f(2, 3) == 5
    assert f.py_func is add


@pytest.mark.filterwarnings("ignore:nopython is set for njit")
@pytest.mark.parametrize(
    "options",
    [dict(nogil=True), dict(fastmath=True), dict(fastmath=False), dict(boundscheck=True), dict(boundscheck=False),
     dict(error_model="python"), dict(error_model="numpy"), dict(cache=False), dict(nopython=True, nogil=True, fastmath=True)],
    ids=lambda o: ",".join(f"{k}={v}" for k, v in o.items()),
)
def test_options_accepted(options):
    f = njit(**options)(add)
    assert f(2, 3) == 5
    assert f(0.5, 0.25) == 0.75


def cached_function(x):
    return x * 2 + 1


def test_cache_option():
    # A second dispatcher for the same function may load what the first
    # stored (Numba writes to __pycache__); either way results must match.
    f = njit(cache=True)(cached_function)
    assert f(20) == 41
    g = njit(cache=True)(cached_function)
    assert g(20) == 41


def index(a, i):
    return a[i]


def test_boundscheck_raises_index_error():
    f = njit(boundscheck=True)(index)
    a = np.arange(3.0)
    assert f(a, 2) == 2.0
    assert f(a, -3) == 0.0
    with pytest.raises(IndexError):
        f(a, 3)
    with pytest.raises(IndexError):
        f(a, -4)


def divide(a, b):
    return a / b


def test_error_model_numpy_gives_ieee_results():
    f = njit(error_model="numpy")(divide)
    assert f(1.0, 0.0) == math.inf
    assert f(-1.0, 0.0) == -math.inf
    assert math.isnan(f(0.0, 0.0))


def test_error_model_python_raises():
    f = njit(error_model="python")(divide)
    with pytest.raises(ZeroDivisionError):
        f(1.0, 0.0)


# --- lazy compilation and introspection

def test_py_func_is_original():
    f = njit(add)
    assert f.py_func is add
    assert f.py_func(1, 2) == 3


def test_lazy_signatures_and_overloads():
    f = njit(add)
    assert f.signatures == []
    assert len(f.overloads) == 0
    f(1, 2)
    assert sig_strings(f) == [("int64", "int64")]
    f(1.0, 2)
    f(1, 2)  # reuses the existing specialization
    assert sig_strings(f) == [("int64", "int64"), ("float64", "int64")]
    assert isinstance(f.signatures, list)
    assert isinstance(f.overloads, dict)
    assert set(f.overloads) == set(f.signatures)


@pytest.mark.parametrize(
    "value, name",
    [(1, "int64"), (1.5, "float64"), (True, "bool"), (1j, "complex128"), (np.int8(1), "int8"), (np.uint32(1), "uint32"),
     (np.float32(1), "float32"), (np.complex64(1), "complex64")],
)
def test_argument_types(value, name):
    # Python ints become int64, floats float64; NumPy scalars keep their type.
    f = njit(lambda x: x)
    f(value)
    assert sig_strings(f) == [(name,)]


def test_inspect_types():
    f = njit(add)
    f(1, 2)
    buf = io.StringIO()
    with redirect_stdout(buf):
        returned = f.inspect_types()
    text = buf.getvalue() + (returned if isinstance(returned, str) else "")
    assert "int64" in text


def test_inspect_llvm_and_asm():
    f = njit(add)
    f(1, 2)
    f(1.0, 2.0)
    llvm = f.inspect_llvm()
    asm = f.inspect_asm()
    assert isinstance(llvm, dict) and isinstance(asm, dict)
    assert set(llvm) == set(f.signatures) == set(asm)
    for sig in f.signatures:
        assert isinstance(llvm[sig], str) and "define" in llvm[sig]
        assert isinstance(asm[sig], str) and asm[sig].strip()


# --- explicit signatures compile eagerly

def mul(a, b):
    return a * b


@pytest.mark.parametrize(
    "signature",
    [
        "float64(float64, int64)",
        backend.float64(backend.float64, backend.int64),
        types.float64(types.float64, types.int64),
        ["float64(float64, int64)"],
    ],
    ids=["string", "top-level types", "types module", "list"],
)
def test_explicit_signature(signature):
    f = njit(signature)(mul)
    assert sig_strings(f) == [("float64", "int64")]  # before any call
    r = f(2, 3)
    assert r == 6.0 and type(r) is float
    assert f(1.5, 4) == 6.0
    assert sig_strings(f) == [("float64", "int64")]


def test_several_explicit_signatures():
    f = njit(["int64(int64, int64)", "float64(float64, float64)"])(mul)
    assert sig_strings(f) == [("int64", "int64"), ("float64", "float64")]
    assert f(2, 3) == 6 and type(f(2, 3)) is int
    assert f(2.5, 2.0) == 5.0


def test_explicit_signature_on_jit():
    f = jit("int64(int64)", nopython=True)(lambda x: x * 2)
    assert f.signatures
    assert f(21) == 42


def test_explicit_signature_rejects_other_types():
    f = njit("float64(float64, int64)")(mul)
    with pytest.raises(TypeError):
        f((1, 2), 3)


def bad_body(x):
    return x + (1, 2)


def test_explicit_signature_reports_errors_at_decoration():
    with pytest.raises(TypingError):
        njit("int64(int64)")(bad_body)


def test_lazy_compilation_reports_errors_at_first_call():
    f = njit(bad_body)  # must not raise yet
    with pytest.raises(TypingError):
        f(1)


# --- defaults and keyword arguments at the call

@pytest.mark.parametrize(
    "args, kwargs",
    [((2,), {}), ((2, 3), {}), ((2,), {"n": 3}), ((), {"x": 2, "n": 3}), ((), {"n": 4, "x": 1.5}), ((2.5,), {})],
)
def test_defaults_and_keywords(args, kwargs):
    f = njit(scaled)
    r = f(*args, **kwargs)
    e = scaled(*args, **kwargs)
    assert r == e and type(r) is type(e)


def defaults_of_every_kind(x, n=3, scale=0.5, flip=False, label=None):
    r = x * n * scale
    if flip:
        r = -r
    if label is not None:
        r += label
    return r


@given(x=st.integers(-1000, 1000), n=st.integers(-5, 5), scale=st.floats(-4, 4), flip=st.booleans())
@settings(max_examples=25, deadline=None)
def test_omitted_defaults_compile_as_constants_without_mixing_specializations(x, n, scale, flip):
    # Numba specializes an omitted argument on its default value (types.Omitted); calls
    # that pass the argument, even with the same value, must not reuse that code.
    f = njit(defaults_of_every_kind)
    calls = [((x,), {}), ((x, n), {}), ((x,), {"scale": scale}), ((x, 3), {}), ((x,), {"flip": flip}), ((x, n, scale, flip), {}), ((x,), {})]
    for args, kwargs in calls:
        assert f(*args, **kwargs) == defaults_of_every_kind(*args, **kwargs), (args, kwargs)


def test_an_argument_of_an_unsupported_type_is_a_typing_error_and_a_type_error():
    # Numba raises TypingError; Python code expects TypeError: with ferrumba both catch it.
    f = njit(scaled)
    with pytest.raises(TypingError) as raised:
        f(object())
    assert IS_FERRUMBA <= isinstance(raised.value, TypeError)


def test_unknown_keyword_is_type_error():
    f = njit(scaled)
    with pytest.raises(TypeError):
        f(1, m=2)


# --- nogil: two threads inside the compiled code at once

@njit(nogil=True)
def rendezvous(flags, me, other, limit):
    # Announce this thread, then spin until the other thread has announced
    # itself too.  The store to flags[me] in the loop keeps the load of
    # flags[other] from being hoisted.  With the GIL held for the whole call
    # the second thread could never enter, and the first would give up.
    for _ in range(limit):
        flags[me] += 1
        if flags[other] > 0:
            return True
    return False


@njit(nogil=True)
def busy_sum(n):
    s = 0.0
    for i in range(n):
        s = s * 0.999999 + i % 7
    return s


def test_nogil_threads_run_concurrently():
    limit = 1_000_000_000  # ~0.3 s of spinning for one thread alone: only paid on failure
    busy_sum(10)  # compile before the threads start
    rendezvous(np.zeros(2, dtype=np.int64), 0, 1, 1)
    flags = np.zeros(2, dtype=np.int64)
    results = [None, None]
    barrier = threading.Barrier(2)

    def worker(me):
        barrier.wait()
        results[me] = rendezvous(flags, me, 1 - me, limit)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert results == [True, True]


def test_nogil_threads_compute_correct_results():
    n = 3_000_000
    expected = busy_sum(n)
    results = [None] * 4

    def worker(k):
        results[k] = busy_sum(n)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert results == [expected] * 4
