"""`jit` and `njit`: wrap a Python function in a dispatcher that compiles it per
argument types on first call (or eagerly, for given signatures)."""

import functools
import warnings

from . import _core
from .types import _text_of_signature, from_string

_ACCEPTED = {"nopython", "nogil", "fastmath", "boundscheck", "error_model", "cache", "parallel", "inline", "locals", "forceobj", "looplift", "no_cpython_wrapper", "no_cfunc_wrapper", "_nrt", "pipeline_class"}


class CPUDispatcher(_core.Dispatcher):
    """A jitted function. Calling it compiles (once per argument types) and runs native code."""

    @property
    def signatures(self):
        """Argument types of each compiled specialization."""
        return [tuple(from_string(t) for t in args) for args, _ in self._signature_strings()]

    @property
    def nopython_signatures(self):
        return [_Sig(tuple(from_string(t) for t in args), from_string(ret)) for args, ret in self._signature_strings()]

    @property
    def overloads(self):
        """{argument types: compile result} for each specialization."""
        out = {}
        for i, (args, ret) in enumerate(self._signature_strings()):
            key = tuple(from_string(t) for t in args)
            out[key] = _CompileResult(self, i, key, from_string(ret))
        return out

    def _index(self, signature):
        sigs = self.signatures
        if signature is None:
            return list(range(len(sigs)))
        signature = tuple(signature)
        for i, s in enumerate(sigs):
            if s == signature or tuple(str(x) for x in s) == tuple(str(x) for x in signature):
                return [i]
        raise KeyError(f"no compiled specialization for {signature}")

    def inspect_types(self, file=None, signature=None, pretty=False, **kwargs):
        """Print the typed IR of each specialization (Numba prints its annotated IR)."""
        import sys

        out = file or sys.stdout
        for i in self._index(signature):
            print(f"{self.py_func.__qualname__} {self.signatures[i]}", file=out)
            print("-" * 80, file=out)
            print(self._typed_ir(i), file=out)
            print("=" * 80, file=out)

    def inspect_llvm(self, signature=None):
        """{signature: optimized LLVM IR}, or the IR of one signature."""
        if signature is not None:
            return self._llvm_ir(self._index(signature)[0])
        return {self.signatures[i]: self._llvm_ir(i) for i in self._index(None)}

    def inspect_asm(self, signature=None):
        """{signature: host assembly}, or the assembly of one signature."""
        if signature is not None:
            return self._asm(self._index(signature)[0])
        return {self.signatures[i]: self._asm(i) for i in self._index(None)}

    def __repr__(self):
        return f"CPUDispatcher({self.py_func!r})"

    def __get__(self, obj, objtype=None):
        # Jitted functions stored on classes behave like plain functions (staticmethod-like).
        return self


class _Sig:
    def __init__(self, args, return_type):
        self.args, self.return_type = args, return_type

    def __repr__(self):
        return "(%s) -> %s" % (", ".join(str(a) for a in self.args), self.return_type)


class _CompileResult:
    def __init__(self, dispatcher, index, args, ret):
        self._dispatcher, self._index = dispatcher, index
        self.signature = _Sig(args, ret)
        self.type_annotation = dispatcher._typed_ir(index)

    @property
    def library(self):
        return self._dispatcher._llvm_ir(self._index)


def _make(func, signatures, options):
    unknown = set(options) - _ACCEPTED
    if unknown:
        raise TypeError("unexpected keyword argument(s) to jit: " + ", ".join(sorted(unknown)))
    if options.get("forceobj"):
        raise TypeError("ferrumba has no object mode: forceobj=True is not supported")
    if options.get("parallel"):
        warnings.warn("parallel=True is accepted but ferrumba does not parallelize loops yet", stacklevel=3)
    if not callable(func) or not hasattr(func, "__code__"):
        raise TypeError(f"jit expects a Python function, got {func!r}")
    if options.get("pipeline_class") is not None:
        # Custom compiler passes (ferrumba.core): compile the function they leave.
        from .core.compiler import run_pipeline

        func = run_pipeline(options["pipeline_class"], func)
    d = CPUDispatcher(
        func,
        nogil=bool(options.get("nogil", False)),
        fastmath=bool(options.get("fastmath", False)),
        boundscheck=bool(options.get("boundscheck", False)),
        error_model=options.get("error_model", "python"),
    )
    functools.update_wrapper(d, func)
    d._enable_vectorcall()
    for sig in signatures:
        d.compile(_text_of_signature(sig))
    return d


def jit(signature_or_function=None, locals=None, **options):
    """Compile a function for the CPU. ferrumba always compiles in nopython mode."""
    if locals is not None:
        options["locals"] = locals
    if callable(signature_or_function) and not isinstance(signature_or_function, str) and hasattr(signature_or_function, "__code__"):
        return _make(signature_or_function, [], options)
    if signature_or_function is None:
        signatures = []
    elif isinstance(signature_or_function, list):
        signatures = signature_or_function
    else:
        signatures = [signature_or_function]

    def decorate(func):
        return _make(func, signatures, options)

    return decorate


def njit(*args, **options):
    """`jit` with nopython=True (the only mode ferrumba has)."""
    options.pop("nopython", None)
    return jit(*args, **options)
