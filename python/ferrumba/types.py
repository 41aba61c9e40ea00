"""Type objects spelled as Numba spells them: `float64`, `int64[:, ::1]`,
`UniTuple(int64, 2)`, and signatures such as `float64(float64, int64)`.

They exist to write signatures; the compiler itself reads their string form."""


class Type:
    def __init__(self, name):
        self.name = name

    def __str__(self):
        return self.name

    __repr__ = __str__

    def __eq__(self, other):
        return isinstance(other, Type) and self.name == other.name

    def __hash__(self):
        return hash(self.name)

    def __call__(self, *args):
        return Signature(self, args)

    def __getitem__(self, dims):
        if not isinstance(dims, tuple):
            dims = (dims,)
        for d in dims:
            if not isinstance(d, slice):
                raise TypeError("array types are written with slices, e.g. float64[:, ::1]")
        parts = [":" if d.step is None else "::1" for d in dims]
        return Array(self, len(dims), _layout_of(parts), spelled="%s[%s]" % (self.name, ", ".join(parts)))


def _layout_of(parts):
    if parts and parts[-1] == "::1" and all(p == ":" for p in parts[:-1]):
        return "C"
    if len(parts) > 1 and parts[0] == "::1" and all(p == ":" for p in parts[1:]):
        return "F"
    return "A"


class Array(Type):
    def __init__(self, dtype, ndim, layout, readonly=False, spelled=None):
        self.dtype, self.ndim, self.layout, self.readonly = dtype, ndim, layout, readonly
        prefix = "readonly array" if readonly else "array"
        self.spelled = spelled or "Array(%s, %d, '%s')" % (dtype, ndim, layout)
        super().__init__("%s(%s, %dd, %s)" % (prefix, dtype, ndim, layout))

    def signature_text(self):
        return self.spelled


class Signature:
    def __init__(self, return_type, args):
        self.return_type = return_type
        self.args = tuple(args)

    def __str__(self):
        return "%s(%s)" % (_text(self.return_type), ", ".join(_text(a) for a in self.args))

    __repr__ = __str__


def _text(t):
    return t.signature_text() if isinstance(t, Array) else str(t)


def UniTuple(dtype, count):
    return Type("UniTuple(%s x %d)" % (dtype, count)) if False else _Tuple([dtype] * count)


def Tuple(items):
    return _Tuple(list(items))


class _Tuple(Type):
    def __init__(self, items):
        self.items = items
        if items and all(i == items[0] for i in items):
            name = "UniTuple(%s x %d)" % (items[0], len(items))
        else:
            name = "Tuple(%s)" % ", ".join(str(i) for i in items)
        super().__init__(name)

    def signature_text(self):
        return "Tuple((%s))" % ", ".join(_text(i) for i in self.items) if len(self.items) != 1 else "Tuple((%s,))" % _text(self.items[0])


def optional(t):
    return _Optional(t)


class _Optional(Type):
    def __init__(self, inner):
        self.inner = inner
        super().__init__("OptionalType(%s)" % inner)

    def signature_text(self):
        return "optional(%s)" % _text(self.inner)


_SCALARS = (
    "boolean", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
    "float32", "float64", "complex64", "complex128",
)
boolean = bool_ = b1 = Type("bool")
int8, int16, int32, int64 = (Type(n) for n in ("int8", "int16", "int32", "int64"))
uint8, uint16, uint32, uint64 = (Type(n) for n in ("uint8", "uint16", "uint32", "uint64"))
float32, float64 = Type("float32"), Type("float64")
complex64, complex128 = Type("complex64"), Type("complex128")
none = void = Type("none")
intp, uintp = int64, uint64
byte, uint = uint8, uint64
double, single = float64, float32
f4, f8, i1, i2, i4, i8, u1, u2, u4, u8 = float32, float64, int8, int16, int32, int64, uint8, uint16, uint32, uint64
c8, c16 = complex64, complex128

_BY_NAME = {t.name: t for t in (boolean, int8, int16, int32, int64, uint8, uint16, uint32, uint64, float32, float64, complex64, complex128, none)}


def _text_of_signature(sig):
    """Any way a user writes a signature, as the string the compiler parses."""
    if isinstance(sig, str):
        return sig
    if isinstance(sig, Signature):
        return str(sig)
    if isinstance(sig, tuple):
        return "(%s)" % ", ".join(_text(t) if isinstance(t, Type) else str(t) for t in sig)
    if isinstance(sig, Type):
        return "(%s)" % _text(sig)
    return str(sig)


def from_string(text):
    """The type object for a type as the compiler prints it."""
    if text in _BY_NAME:
        return _BY_NAME[text]
    t = Type(text)
    return t
