"""Passes and pass managers (Numba's `numba.core.compiler_machinery`)."""

_REGISTERED = {}


class CompilerPass:
    _name = None

    def __init__(self, *args, **kwargs):
        pass

    @classmethod
    def name(cls):
        return cls._name

    def run_initialization(self, state):
        return False

    def run_pass(self, state):
        raise NotImplementedError("a compiler pass implements run_pass(self, state)")

    def run_finalizer(self, state):
        return False


class FunctionPass(CompilerPass):
    """A pass over one function's IR."""


class AnalysisPass(CompilerPass):
    """A pass that only looks."""


class LoweringPass(CompilerPass):
    """A pass at the end of the pipeline."""


def register_pass(mutates_CFG, analysis_only):
    """Register a pass class with the framework, as Numba's decorator does."""

    def decorate(cls):
        if not getattr(cls, "_name", None):
            raise ValueError("a pass needs a _name")
        cls._mutates_CFG, cls._analysis_only = mutates_CFG, analysis_only
        _REGISTERED[cls._name] = cls
        return cls

    return decorate


class PassManager:
    """An ordered list of passes."""

    def __init__(self, pipeline_name):
        self.pipeline_name = pipeline_name
        self.passes = []
        self._finalized = False

    def add_pass(self, pss, description=""):
        self.passes.append((pss, description))

    def _position(self, location):
        for i, (p, _) in enumerate(self.passes):
            if p is location:
                return i
        raise ValueError("pass %s is not in the pipeline" % getattr(location, "_name", location))

    def add_pass_after(self, pass_cls, location):
        self.passes.insert(self._position(location) + 1, (pass_cls, ""))

    def replace_pass(self, pass_cls, location):
        self.passes[self._position(location)] = (pass_cls, "")

    def finalize(self):
        self._finalized = True

    @property
    def finalized(self):
        return self._finalized

    def run(self, state):
        for pass_cls, _ in self.passes:
            p = pass_cls()
            p.run_initialization(state)
            p.run_pass(state)
            p.run_finalizer(state)
