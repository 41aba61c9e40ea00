"""Numba's untyped passes by name, so that pipelines can place passes around them. In
ferrumba their work (bytecode → IR, constant rewriting, dead-branch pruning, ...) is done
by the compiler itself; here they leave the IR as it is."""

from .compiler_machinery import FunctionPass, register_pass


def _builtin(name):
    @register_pass(mutates_CFG=False, analysis_only=False)
    class Builtin(FunctionPass):
        _name = name

        def run_pass(self, state):
            return False

    Builtin.__name__ = Builtin.__qualname__ = "".join(part.title() for part in name.split("_"))
    return Builtin


TranslateByteCode = _builtin("translate_bytecode")
FixupArgs = _builtin("fixup_args")
IRProcessing = _builtin("ir_processing")
WithLifting = _builtin("with_lifting")
InlineClosureLikeCalls = _builtin("inline_closure_likes")
RewriteSemanticConstants = _builtin("rewrite_semantic_constants")
DeadBranchPrune = _builtin("dead_branch_prune")
GenericRewrites = _builtin("generic_rewrites")
MakeFunctionToJitFunction = _builtin("make_function_op_code_to_jit_function")
InlineInlinables = _builtin("inline_inlinables")
FindLiterallyCalls = _builtin("find_literally")
LiteralUnroll = _builtin("literal_unroll")
ReconstructSSA = _builtin("reconstruct_ssa")
LiteralPropagationSubPipelinePass = _builtin("LiteralPropagation")
