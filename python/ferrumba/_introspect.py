"""What the compiler needs to know about a Python function, computed once per function
at compile time (never on the call path): its source, and the frozen values of the
names it reads from outside."""

import builtins
import cmath
import sys
import inspect
import math
import operator
import textwrap
import types

import numpy as np

from . import extending

_LIBRARY_LOADED = False


def _load_library():
    """Register ferrumba's own NumPy implementations (on the first compile, not at import)."""
    global _LIBRARY_LOADED
    if not _LIBRARY_LOADED:
        _LIBRARY_LOADED = True
        from . import _list_impl, _numpy_impl  # noqa: F401

_KNOWN_MODULES = {"math", "cmath", "numpy", "numpy.random", "numpy.linalg", "operator", "ferrumba._numpy_impl", "ferrumba._list_impl"}
_BUILTIN_FUNCTIONS = (
    "range", "len", "abs", "min", "max", "round", "int", "float", "bool", "complex",
    "enumerate", "zip", "divmod", "pow", "print", "isinstance", "getattr", "hasattr", "tuple", "sum", "any", "all",
    "list", "sorted", "type",
)
_ARRAY_DTYPES = {
    "bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
    "float32", "float64", "complex64", "complex128",
}
_NUMPY_DTYPES = (
    "bool_", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
    "float32", "float64", "complex64", "complex128",
)


def _function_path(value):
    """`math.sqrt` for math.sqrt, ...: found by name and checked by identity, so nothing
    has to scan (and lazily import) all of NumPy."""
    name = getattr(value, "__name__", None)
    if not isinstance(name, str):
        return None
    if name in _BUILTIN_FUNCTIONS and getattr(builtins, name) is value:
        return "builtins." + name
    for module, prefix in ((math, "math"), (cmath, "cmath"), (np, "numpy"), (np.random, "numpy.random"), (np.linalg, "numpy.linalg"), (operator, "operator")):
        if getattr(module, name, None) is value:
            return f"{prefix}.{name}"
    return None


_DTYPES = {id(getattr(np, n)): np.dtype(getattr(np, n)).name for n in _NUMPY_DTYPES}


def function_source(func):
    """(filename, dedented source, line offset, column offset, name, qualname)."""
    code = func.__code__
    try:
        lines, first = inspect.getsourcelines(func)
    except (OSError, TypeError) as e:
        raise OSError(f"source code of {func.__qualname__} is not available ({e})") from None
    text = "".join(lines)
    if func.__name__ == "<lambda>":
        # Several lambdas may share a line: cut out exactly this one's expression.
        segment = _lambda_segment(text, code)
        if segment is not None:
            return (code.co_filename, segment[0], first - 1 + segment[1], segment[2], func.__name__, func.__qualname__)
    dedented = textwrap.dedent(text)
    removed = 0
    if lines:
        first_line = lines[0]
        removed = len(first_line) - len(first_line.lstrip()) if dedented != text else 0
    filename = code.co_filename
    return (filename, dedented, max(first, 1) - 1, removed, func.__name__, func.__qualname__)


def _lambda_segment(text, code):
    """(source of the lambda, line offset, column) for the lambda whose body is `code`:
    the code's instruction positions say which of the lambdas in the text it is."""
    import ast

    source = textwrap.dedent(text)
    try:
        tree = ast.parse(source)
    except SyntaxError:
        # A block header alone (`for f in [lambda ...]:`): give it a body to parse.
        source = source.rstrip() + "\n    pass\n"
        try:
            tree = ast.parse(source)
        except SyntaxError:
            return None
    lambdas = [n for n in ast.walk(tree) if isinstance(n, ast.Lambda)]
    if not lambdas:
        return None
    indent = len(text) - len(text.lstrip()) - (len(source) - len(source.lstrip()))
    spots = [(p[0] - code.co_firstlineno + 1, p[2] - max(indent, 0)) for p in code.co_positions() if p[0] is not None and p[2]]

    def contains(n, line, col):
        b = n.body
        after_start = (line, col) >= (b.lineno, b.col_offset)
        before_end = (line, col) < (b.end_lineno, b.end_col_offset)
        return after_start and before_end

    target = next((n for n in lambdas if spots and all(contains(n, l, c) for l, c in spots)), lambdas[0])
    segment = ast.get_source_segment(source, target)
    if segment is None:
        return None
    return (segment, target.lineno - 1, 0)


def _lookup(func, name):
    code = func.__code__
    if name in code.co_freevars and func.__closure__:
        cell = func.__closure__[code.co_freevars.index(name)]
        try:
            return True, cell.cell_contents
        except ValueError:
            return False, None
    g = func.__globals__
    if name in g:
        return True, g[name]
    b = g.get("__builtins__", builtins)
    b = b if isinstance(b, dict) else vars(b)
    if name in b:
        return True, b[name]
    return False, None


def describe(value):
    """A plain tuple the Rust side turns into a frozen compile-time value."""
    from ._core import Dispatcher

    if value is None:
        return ("none",)
    if isinstance(value, (bool, np.bool_)):
        return ("bool", bool(value))
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        v = int(value)
        if -(2**63) <= v < 2**63:
            return ("int", v)
        return ("unsupported", "int too large for 64 bits")
    if isinstance(value, (float, np.floating)):
        return ("float", float(value))
    if isinstance(value, (complex, np.complexfloating)):
        return ("complex", value.real, value.imag)
    if isinstance(value, str):
        return ("str", value)
    if isinstance(value, tuple):
        return ("tuple", [describe(v) for v in value])
    if isinstance(value, np.ndarray):
        # Frozen into the compiled code as a read-only constant, as Numba does.
        if value.dtype.name not in _ARRAY_DTYPES or value.dtype.byteorder == ">":
            return ("unsupported", f"array of {value.dtype}")
        return ("array", value.dtype.name, list(value.shape), np.ascontiguousarray(value).tobytes())
    if isinstance(value, types.ModuleType):
        if value.__name__ in _KNOWN_MODULES:
            return ("module", value.__name__)
        if value.__name__ == "ferrumba._native":
            return ("module", "native")
        if value.__name__ in ("ferrumba.typed", "numba.typed"):
            return ("module", "numba.typed")
        if value.__name__ in ("ferrumba.cuda", "numba.cuda"):
            return ("module", "cuda")
        if value.__name__ in ("ferrumba", "numba", "ferrumba.types", "numba.types", "numba.core.types"):
            return ("module", "numba")
        return ("unsupported", f"module '{value.__name__}'")
    if isinstance(value, Dispatcher):
        return ("dispatcher", value)
    cuda_name = _cuda_description(value)
    if cuda_name is not None:
        return cuda_name
    _load_library()
    jitable = extending._JITABLE.get(id(value))
    if jitable is not None and jitable[0] is value:
        return ("dispatcher", jitable[1])
    if id(value) in extending._OVERLOADS:
        return ("overload", id(value))
    if id(value) in _DTYPES:
        return ("dtype", _DTYPES[id(value)])
    from . import types as _ftypes

    if isinstance(value, (_ftypes.Integer, _ftypes.Float, _ftypes.Complex, _ftypes.Boolean)):
        return ("dtype", value.name)
    numba_types = sys.modules.get("numba.core.types")
    if numba_types is not None and isinstance(value, numba_types.Number) or (numba_types is not None and value is getattr(numba_types, "boolean", None)):
        return ("dtype", str(value))
    if isinstance(value, type) and issubclass(value, BaseException):
        if value.__module__ == "builtins":
            return ("exception", value.__name__)
        # Other classes are named by module path; the dispatcher imports them to raise.
        return ("exception", f"{value.__module__}:{value.__qualname__}")
    # numba.typed.List too, so that Numba code keeps its imports.
    for typed_name in ("ferrumba.typed", "numba.typed"):
        typed = sys.modules.get(typed_name)
        if typed is not None and value is getattr(typed, "List", None):
            return ("function", "typed.List")
    if getattr(value, "__module__", None) == "ferrumba._native" and callable(value):
        return ("function", "native." + value.__name__)
    path = _function_path(value) if callable(value) else None
    if path is not None:
        return ("function", path)
    return ("unsupported", type(value).__name__)


def _cuda_description(value):
    import sys

    intrinsics = sys.modules.get("ferrumba.cuda.intrinsics")
    if intrinsics is not None and id(value) in intrinsics.DESCRIPTIONS:
        return intrinsics.DESCRIPTIONS[id(value)]
    # Kernels ported from numba-cuda may name numba.cuda's own objects.
    numba_cuda = sys.modules.get("numba.cuda")
    if numba_cuda is not None:
        for name in ("threadIdx", "blockIdx", "blockDim", "gridDim", "shared", "local", "const", "atomic"):
            if getattr(numba_cuda, name, None) is value:
                return ("module", "cuda." + name)
        for name in ("grid", "gridsize", "syncthreads", "fma", "cbrt", "selp"):
            if getattr(numba_cuda, name, None) is value:
                return ("function", "cuda." + name)
    return None


def resolve_names(func, names):
    """[(name, descriptor)] for each name the function reads from outside that exists."""
    out = []
    for name in names:
        found, value = _lookup(func, name)
        if found:
            out.append((name, describe(value)))
    return out


def describe_defaults(func):
    """Descriptors of the function's positional defaults, in order."""
    return [describe(v) for v in (func.__defaults__ or ())]


def snippet_globals(source, names):
    """Globals of a source snippet (for `typed_ir_of_source`): run its module-level
    statements, then resolve names as for a real function (falling back to builtins)."""
    namespace = {}
    exec(compile(source, "<source>", "exec"), namespace)
    out = []
    for name in names:
        if name in namespace:
            out.append((name, describe(namespace[name])))
        elif hasattr(builtins, name):
            out.append((name, describe(getattr(builtins, name))))
    return out


def describe_attribute(module_name, attr):
    """Describe `module.attr` for a module compiled code may use, or None."""
    import importlib

    if module_name not in _KNOWN_MODULES:
        return None
    _load_library()
    module = importlib.import_module(module_name)
    if not hasattr(module, attr):
        return None
    return describe(getattr(module, attr))
