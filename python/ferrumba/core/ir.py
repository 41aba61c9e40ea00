"""The untyped IR custom passes see (Numba's `numba.core.ir`, the parts a pass over
constants and assignments uses)."""


class Loc:
    """Where a node comes from: file, line and column (1-based line)."""

    def __init__(self, filename, line, col=None):
        self.filename, self.line, self.col = filename, line, col

    def __repr__(self):
        return "Loc(file=%s, line=%s, col=%s)" % (self.filename, self.line, self.col)


class Inst:
    """A statement of a block."""


class Var:
    def __init__(self, scope, name, loc):
        self.scope, self.name, self.loc = scope, name, loc

    def __repr__(self):
        return self.name


class Const:
    """A literal. `value` may be changed by a pass; the compiled code uses the new value."""

    def __init__(self, value, loc, use_literal_type=True):
        self.value, self.loc, self.use_literal_type = value, loc, use_literal_type

    def __repr__(self):
        return "const(%s, %r)" % (type(self.value).__name__, self.value)


class Assign(Inst):
    def __init__(self, value, target, loc):
        self.value, self.target, self.loc = value, target, loc

    def __repr__(self):
        return "%s = %r" % (self.target, self.value)


class Block:
    def __init__(self, scope, loc):
        self.scope, self.loc = scope, loc
        self.body = []

    def append(self, inst):
        self.body.append(inst)

    def find_insts(self, cls=None):
        """The statements of the block that are instances of `cls` (all of them for None)."""
        for inst in self.body:
            if cls is None or isinstance(inst, cls):
                yield inst

    def dump(self, file=None):
        import sys

        for inst in self.body:
            print("    %r" % (inst,), file=file or sys.stdout)


class FunctionIR:
    """The function as the passes see it: `blocks` by label (one block: ferrumba's IR is
    structured, control flow stays in the source), and the function it comes from."""

    def __init__(self, blocks, func_id, loc):
        self.blocks, self.func_id, self.loc = blocks, func_id, loc

    def dump(self, file=None):
        import sys

        for label, block in self.blocks.items():
            print("label %s:" % label, file=file or sys.stdout)
            block.dump(file)
