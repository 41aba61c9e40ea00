"""Compiler pipelines (Numba's `numba.core.compiler`): subclass `CompilerBase`, define
its pipelines with `DefaultPassBuilder` plus passes of your own, and compile with
`@njit(pipeline_class=YourCompiler)`."""

import ast
import inspect
import linecache
import textwrap
import itertools
from numbers import Number  # noqa: F401 - passes commonly test constants against it

from . import ir
from .compiler_machinery import PassManager
from . import typed_passes as tp
from . import untyped_passes as up


class StateDict(dict):
    """The compiler state passes receive; keys read as attributes too (`state.func_ir`)."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name, value):
        self[name] = value


def _pipeline(name, passes):
    pm = PassManager(name)
    for p in passes:
        pm.add_pass(p, p._name)
    return pm


class DefaultPassBuilder:
    @staticmethod
    def define_untyped_pipeline(state, name="untyped"):
        return _pipeline(name, (up.TranslateByteCode, up.FixupArgs, up.IRProcessing, up.WithLifting, up.InlineClosureLikeCalls,
                                up.RewriteSemanticConstants, up.DeadBranchPrune, up.GenericRewrites, up.MakeFunctionToJitFunction,
                                up.InlineInlinables, up.FindLiterallyCalls, up.LiteralUnroll, up.ReconstructSSA,
                                up.LiteralPropagationSubPipelinePass))

    @staticmethod
    def define_typed_pipeline(state, name="typed"):
        return _pipeline(name, (tp.NopythonTypeInference, tp.AnnotateTypes, tp.NopythonRewrites, tp.InlineOverloads))

    @staticmethod
    def define_nopython_lowering_pipeline(state, name="nopython_lowering"):
        return _pipeline(name, (tp.IRLegalization, tp.PreLowerStripPhis, tp.NativeLowering, tp.NoPythonBackend))

    @staticmethod
    def define_nopython_pipeline(state, name="nopython"):
        pm = PassManager(name)
        for sub in (DefaultPassBuilder.define_untyped_pipeline(state), DefaultPassBuilder.define_typed_pipeline(state),
                    DefaultPassBuilder.define_nopython_lowering_pipeline(state)):
            pm.passes.extend(sub.passes)
        pm.finalize()
        return pm


class CompilerBase:
    """A compiler: its pipelines (`define_pipelines`) run over the function's IR."""

    def __init__(self, typingctx=None, targetctx=None, library=None, args=None, return_type=None, flags=None, locals=None):
        self.state = StateDict(typingctx=typingctx, targetctx=targetctx, library=library, args=args,
                               return_type=return_type, flags=flags, locals=locals or {}, func_ir=None, func_id=None)

    def define_pipelines(self):
        raise NotImplementedError("a CompilerBase subclass defines define_pipelines()")

    def _run(self):
        for pm in self.define_pipelines():
            pm.run(self.state)


class Compiler(CompilerBase):
    """The default pipeline (no pass of your own)."""

    def define_pipelines(self):
        return [DefaultPassBuilder.define_nopython_pipeline(self.state)]


_COUNTER = itertools.count()


def run_pipeline(pipeline_class, func):
    """`func` as `pipeline_class`'s passes leave it: a new function compiled from the
    source the changed IR stands for."""
    if func.__closure__:
        raise TypeError("pipeline_class= needs a module-level function (%s reads closure variables)" % func.__qualname__)
    lines, first = inspect.getsourcelines(func)
    source = textwrap.dedent("".join(lines))
    tree = ast.parse(source)
    fdef = next(n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)))
    fdef.decorator_list = []
    filename = func.__code__.co_filename
    block = ir.Block(scope=None, loc=ir.Loc(filename, first))
    consts = []
    for node in ast.walk(fdef):
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float, complex)) and node is not fdef:
            loc = ir.Loc(filename, first + node.lineno - 1, node.col_offset)
            const = ir.Const(node.value, loc)
            block.append(ir.Assign(const, ir.Var(None, "$const%d" % len(consts), loc), loc))
            consts.append((node, const))
    compiler = pipeline_class()
    compiler.state.func_ir = ir.FunctionIR({0: block}, func, block.loc)
    compiler.state.func_id = func
    compiler._run()
    for node, const in consts:
        node.value = const.value
    text = ast.unparse(ast.fix_missing_locations(tree)) + "\n"
    name = "<ferrumba pipeline %d: %s>" % (next(_COUNTER), func.__qualname__)
    linecache.cache[name] = (len(text), None, text.splitlines(True), name)
    namespace = {}
    exec(compile(text, name, "exec"), func.__globals__, namespace)
    new = namespace[fdef.name]
    new.__qualname__ = func.__qualname__
    new.__defaults__ = func.__defaults__
    return new
