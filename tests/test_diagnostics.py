"""Bad input: compile errors must be TypingErrors that point at the culprit;
bad calls must be TypeErrors; nothing may crash the process.

Numba is the oracle for *which* inputs are rejected; the exact layout of a
message is ferrumba's own (file, line, column, source line, caret under the
culprit, argument types, hint), so those parts are checked for ferrumba only.
"""

import inspect
import os
import re
import subprocess
import sys
import textwrap
import time  # only as a module compiled code cannot use

import pytest

from tests.backend import BACKEND, IS_FERRUMBA, FrontendError, TypingError, backend, njit, numba_lacks


def plain_python_helper(x):
    return x


# Each kernel marks the expression the error is about with CULPRIT; the test
# locates that line and expression in this file's source.
def type_conflict(x):
    return x + (1, 2)  # CULPRIT x + (1, 2)


def unknown_name(x):
    return x + undefined_name  # noqa: F821  CULPRIT undefined_name


def calls_unknown_function(x):
    return time.time() + x  # CULPRIT time.time


def calls_plain_python(x):
    return plain_python_helper(x)  # CULPRIT plain_python_helper


def branch_type_conflict(x):
    if x > 0:
        y = 1
    else:
        y = (1, 2)  # CULPRIT (1, 2)
    return y


def attribute_of_int(x):
    return x.real_part  # CULPRIT x.real_part


def call_an_int(x):
    return x(1)  # CULPRIT x(1)


def index_an_int(x):
    return x[0]  # CULPRIT x[0]


def with_statement(x):
    with open("f") as f:  # CULPRIT with
        pass
    return x


def class_statement(x):
    class Local:  # CULPRIT class Local
        pass

    return x


def global_statement(x):
    global SOME_GLOBAL  # CULPRIT global SOME_GLOBAL
    SOME_GLOBAL = x
    return x


def import_statement(x):
    import os.path  # CULPRIT import os.path

    return x


def string_method(x):
    return "abc".upper()  # CULPRIT "abc".upper()


def string_concat(x):
    s = "a" + "b"  # CULPRIT "a" + "b"
    return x


TYPING_ERRORS = [
    type_conflict, unknown_name, calls_unknown_function, calls_plain_python, branch_type_conflict, attribute_of_int,
    call_an_int, index_an_int,
]
UNSUPPORTED_CONSTRUCTS = [with_statement, class_statement, global_statement, import_statement]
STRING_OPERATIONS = [string_method, string_concat]
ALL_REJECTED = TYPING_ERRORS + UNSUPPORTED_CONSTRUCTS + STRING_OPERATIONS


def culprit(fn):
    """(absolute line number, source line, culprit text) for a kernel."""
    lines, start = inspect.getsourcelines(fn)
    for offset, line in enumerate(lines):
        if "CULPRIT" in line:
            text = line.split("CULPRIT", 1)[1].strip()
            return start + offset, line.rstrip("\n"), text
    raise AssertionError(f"{fn.__name__} has no CULPRIT marker")


def compile_error(fn, *args):
    with pytest.raises(FrontendError) as info:
        njit(fn)(*args)
    return info.value


@pytest.mark.parametrize("fn", TYPING_ERRORS, ids=lambda f: f.__name__)
def test_typing_error(fn):
    with pytest.raises(TypingError):
        njit(fn)(1)


@pytest.mark.parametrize("fn", UNSUPPORTED_CONSTRUCTS, ids=lambda f: f.__name__)
def test_unsupported_construct(fn):
    # Numba raises UnsupportedBytecodeError for some; ferrumba: TypingError.
    compile_error(fn, 1)


@numba_lacks("Numba compiles str operations")
@pytest.mark.parametrize("fn", STRING_OPERATIONS, ids=lambda f: f.__name__)
def test_string_operation_is_typing_error(fn):
    with pytest.raises(TypingError):
        njit(fn)(1)


def test_typing_error_is_exposed_as_errors_typingerror():
    assert backend.errors.TypingError is TypingError


def test_error_does_not_poison_dispatcher():
    f = njit(type_conflict)
    for _ in range(2):
        with pytest.raises(TypingError):
            f(1)
    g = njit(lambda x: x + 1)
    assert g(1) == 2


# The conflict in branch_type_conflict has no single culprit expression
# (either assignment, or the use), so its location is not pinned down.
LOCATABLE = [fn for fn in ALL_REJECTED if fn is not branch_type_conflict]

# Where Numba itself names the culprit's file and line (its other messages
# omit the location or point at a neighbouring statement).
NUMBA_LOCATES = [type_conflict, calls_unknown_function, calls_plain_python, attribute_of_int, call_an_int, index_an_int]


@pytest.mark.parametrize("fn", LOCATABLE if IS_FERRUMBA else NUMBA_LOCATES, ids=lambda f: f.__name__)
def test_message_names_file_and_line(fn):
    msg = str(compile_error(fn, 1))
    lineno, _, _ = culprit(fn)
    name = os.path.basename(__file__)
    assert re.search(rf"{re.escape(name)}\D{{1,12}}{lineno}\b", msg), msg


@pytest.mark.skipif(not IS_FERRUMBA, reason="message layout is ferrumba's own")
@pytest.mark.parametrize("fn", LOCATABLE, ids=lambda f: f.__name__)
def test_message_shows_source_line_column_and_caret(fn):
    msg = str(compile_error(fn, 1))
    lineno, source, text = culprit(fn)
    code = source.split("#", 1)[0].rstrip()
    col = source.index(text)  # 0-based column of the culprit
    assert re.search(rf"\b{lineno}\D{{1,12}}({col}|{col + 1})\b", msg), f"no line:column in\n{msg}"

    lines = msg.splitlines()
    carets = [i for i, line in enumerate(lines) if re.fullmatch(r"\s*[|│]?\s*\^[\^~]*\s*", line)]
    assert carets, f"no caret line in\n{msg}"
    k = carets[0]
    shown = lines[k - 1]
    assert code.strip() in shown, f"line above the caret is not the source line:\n{msg}"
    # Align the caret with the culprit as displayed (the display may indent
    # or prefix the source line, e.g. with a line-number gutter).
    start = shown.index(code.strip()) + (col - (len(code) - len(code.lstrip())))
    caret_at = lines[k].index("^")
    assert start <= caret_at < start + len(text), f"caret not under {text!r}:\n{msg}"


@pytest.mark.skipif(not IS_FERRUMBA, reason="message layout is ferrumba's own")
@pytest.mark.parametrize("fn", TYPING_ERRORS, ids=lambda f: f.__name__)
def test_message_shows_argument_types_and_hint(fn):
    msg = str(compile_error(fn, 1))
    assert "int64" in msg, msg
    assert "hint" in msg.lower(), msg


def test_type_conflict_message_mentions_operand_types():
    # Holds for both backends: the operand types of the failing operation.
    msg = str(compile_error(type_conflict, 1))
    assert "int64" in msg


# --- bad calls

def one_arg(x):
    return x + 1


def two_args(x, y=2):
    return x * y


@pytest.mark.parametrize(
    "fn, args, kwargs",
    [(one_arg, (), {}), (one_arg, (1, 2), {}), (two_args, (), {}), (two_args, (1, 2, 3), {}), (two_args, (1,), {"z": 3}),
     (two_args, (1,), {"x": 3})],
    ids=["too-few", "too-many", "none-for-two", "three-for-two", "unknown-keyword", "duplicate-keyword"],
)
def test_wrong_arguments_are_type_errors(fn, args, kwargs):
    f = njit(fn)
    f(1)  # a compiled specialization exists; the bad call must still be caught
    with pytest.raises(TypeError):
        f(*args, **kwargs)


@pytest.mark.parametrize(
    "value", [{"a": 1}, object(), {1, 2}, "text", b"bytes", len], ids=["dict", "object", "set", "str", "bytes", "builtin"]
)
def test_unsupported_argument_type(value):
    f = njit(one_arg)
    with pytest.raises(Exception) as info:
        f(value)
    err = info.value
    if IS_FERRUMBA:
        # Nothing compiles for such an argument: a TypeError, naming it.
        assert isinstance(err, TypeError), f"{type(err).__name__}: {err}"
        assert type(value).__name__ in str(err)
    else:
        # Numba rejects these in type inference (or supports str and then
        # fails on `str + int`).
        assert isinstance(err, (TypeError, TypingError)), f"{type(err).__name__}: {err}"


def test_bad_argument_does_not_break_later_calls():
    f = njit(one_arg)
    with pytest.raises(Exception):
        f(object())
    assert f(41) == 42


# --- no crash: inputs that trap on the hardware must not kill the process

CRASH_SCRIPT = textwrap.dedent(
    """
    from tests.backend import njit

    def fdiv(a, b):
        return a // b

    def fmod(a, b):
        return a % b

    for fn in (fdiv, fmod):
        f = njit(fn)
        for a, b in [(-2**63, -1), (1, 0), (-2**63, 0)]:
            try:
                f(a, b)
            except ZeroDivisionError:
                pass
    print("survived")
    """
)


def test_int_min_divided_by_minus_one_does_not_crash(tmp_path):
    # x86 idiv traps on INT64_MIN / -1; a compiler must avoid emitting a bare
    # one.  Run in a child so a crash fails this test instead of the session.
    # The script is a file, not `python -c`: the compiler may need the source.
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    script = tmp_path / "int_min_div.py"
    script.write_text(CRASH_SCRIPT)
    env = dict(os.environ, FERRUMBA_TEST_BACKEND=BACKEND)
    env["PYTHONPATH"] = os.pathsep.join(p for p in [root, env.get("PYTHONPATH")] if p)
    proc = subprocess.run([sys.executable, str(script)], cwd=root, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, f"child exited with {proc.returncode}:\n{proc.stderr[-3000:]}"
    assert "survived" in proc.stdout
