"""Custom compiler passes, as the seed shows them (`numba.core.compiler`): a pass over the
untyped IR's constants, placed after Numba's IRProcessing in the default nopython
pipeline, changes what the compiled function computes, exactly as under Numba."""

import importlib
from numbers import Number

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.backend import backend

core = importlib.import_module(backend.__name__ + ".core")
ir = importlib.import_module(backend.__name__ + ".core.ir")
compiler = importlib.import_module(backend.__name__ + ".core.compiler")
machinery = importlib.import_module(backend.__name__ + ".core.compiler_machinery")
untyped_passes = importlib.import_module(backend.__name__ + ".core.untyped_passes")


@machinery.register_pass(mutates_CFG=False, analysis_only=False)
class ConstsAddOne(machinery.FunctionPass):
    _name = "consts_add_one_test"

    def __init__(self):
        machinery.FunctionPass.__init__(self)

    def run_pass(self, state):
        mutated = False
        for blk in state.func_ir.blocks.values():
            for assgn in blk.find_insts(ir.Assign):
                if isinstance(assgn.value, ir.Const) and isinstance(assgn.value.value, Number):
                    assgn.value.value += 1
                    mutated |= True
        return mutated


class AddOneCompiler(compiler.CompilerBase):
    def define_pipelines(self):
        pm = compiler.DefaultPassBuilder.define_nopython_pipeline(self.state)
        pm.add_pass_after(ConstsAddOne, untyped_passes.IRProcessing)
        pm.finalize()
        return [pm]


def seed_foo(x):
    a = 10
    b = 20.2
    c = x + a + b
    return c


def affine(x):
    return x * 2 + 1


def test_the_seeds_pass_adds_one_to_each_constant():
    foo = backend.njit(pipeline_class=AddOneCompiler)(seed_foo)
    # 100 + 10 + 20.2, plus one for each of the two constants.
    assert foo(100) == pytest.approx(132.2)


@given(st.integers(-1000, 1000))
@settings(max_examples=20, deadline=None)
def test_constants_inside_expressions_change_too(x):
    changed = backend.njit(pipeline_class=AddOneCompiler)(affine)
    assert changed(x) == x * 3 + 2


@given(st.integers(-1000, 1000))
@settings(max_examples=20, deadline=None)
def test_the_default_pipeline_changes_nothing(x):
    plain = backend.njit(pipeline_class=compiler.Compiler)(affine)
    assert plain(x) == affine(x)
