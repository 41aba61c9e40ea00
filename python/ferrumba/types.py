"""Type objects spelled as Numba spells them: `float64`, `int64[:, ::1]`,
`UniTuple(int64, 2)`, and signatures such as `float64(float64, int64)`.

Users write signatures with them, and `@overload` typing functions receive them (so
`isinstance(a, types.Array)` and `a.dtype` work as in Numba). The compiler itself reads
and prints their string form; `from_string` turns that form back into objects."""

import re


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
        return Array(self, len(dims), _layout_of(parts))

    def signature_text(self):
        return self.name


class Number(Type):
    pass


class Boolean(Number):
    bitwidth = 1


class Integer(Number):
    def __init__(self, name):
        super().__init__(name)
        self.signed = not name.startswith("u")
        self.bitwidth = int(name.lstrip("uint"))


class Float(Number):
    def __init__(self, name):
        super().__init__(name)
        self.bitwidth = int(name[5:])


class Complex(Number):
    def __init__(self, name):
        super().__init__(name)
        self.bitwidth = int(name[7:])
        self.underlying_float = float32 if self.bitwidth == 64 else float64


class NoneType(Type):
    pass


class RangeType(Type):
    pass


class NumberClass(Type):
    """A NumPy scalar type used as a value (a `dtype=` argument)."""

    def __init__(self, dtype):
        self.dtype = self.instance_type = dtype
        super().__init__("class(%s)" % dtype)


class Literal(Type):
    """A constant whose value the typing function of an @overload can read
    (`literal_value`), as Numba's literal types."""


class StringLiteral(Literal):
    """A string constant passed to an @overload (`ord='fro'`): its text is known when the
    typing function runs (`literal_value`), and it has no run-time value."""

    def __init__(self, value):
        self.literal_value = value
        super().__init__("Literal[str](%s)" % value)


class BooleanLiteral(Literal, Boolean):
    """`True` or `False` written in a call to an @overload: still a Boolean, with its value
    known to the typing function (the implementation chosen receives a plain bool)."""

    def __init__(self, value):
        self.literal_value = bool(value)
        super().__init__("Literal[bool](%s)" % bool(value))


def _layout_of(parts):
    if parts and parts[-1] == "::1" and all(p == ":" for p in parts[:-1]):
        return "C"
    if len(parts) > 1 and parts[0] == "::1" and all(p == ":" for p in parts[1:]):
        return "F"
    return "A"


class Array(Type):
    def __init__(self, dtype, ndim, layout, readonly=False):
        self.dtype, self.ndim, self.layout, self.readonly = dtype, ndim, layout, readonly
        self.mutable = not readonly
        prefix = "readonly array" if readonly else "array"
        super().__init__("%s(%s, %dd, %s)" % (prefix, dtype, ndim, layout))

    def signature_text(self):
        if self.readonly:
            return "Array(%s, %d, '%s', readonly=True)" % (self.dtype, self.ndim, self.layout)
        return "Array(%s, %d, '%s')" % (self.dtype, self.ndim, self.layout)

    def copy(self, dtype=None, ndim=None, layout=None, readonly=None):
        return Array(dtype or self.dtype, self.ndim if ndim is None else ndim, layout or self.layout,
                     self.readonly if readonly is None else readonly)


class List(Type):
    """A list: `reflected` for Python lists (`list(int64)`), else a `typed.List`
    (`ListType[int64]`)."""

    def __init__(self, dtype, reflected=False):
        self.dtype = self.item_type = dtype
        self.reflected = reflected
        super().__init__(("list(%s)" if reflected else "ListType[%s]") % dtype)


def ListType(item_type):
    return List(item_type, reflected=False)


class BaseTuple(Type):
    def __init__(self, items):
        self.types = tuple(items)
        self.count = len(self.types)
        if items and all(i == items[0] for i in items):
            name = "UniTuple(%s x %d)" % (items[0], len(items))
        else:
            name = "Tuple(%s)" % ", ".join(str(i) for i in items)
        super().__init__(name)

    def __iter__(self):
        return iter(self.types)

    def __len__(self):
        return self.count

    def __getitem__(self, i):
        return self.types[i]

    def signature_text(self):
        inner = ", ".join(_text(i) for i in self.types)
        return "Tuple((%s,))" % inner if len(self.types) == 1 else "Tuple((%s))" % inner


class UniTupleType(BaseTuple):
    @property
    def dtype(self):
        return self.types[0]


def UniTuple(dtype, count):
    return UniTupleType([dtype] * count)


def Tuple(items):
    items = list(items)
    if items and all(i == items[0] for i in items):
        return UniTupleType(items)
    return BaseTuple(items)


class Optional(Type):
    def __init__(self, inner):
        self.type = inner
        super().__init__("OptionalType(%s)" % inner)

    def signature_text(self):
        return "optional(%s)" % _text(self.type)


def optional(t):
    return Optional(t)


class Signature:
    def __init__(self, return_type, args):
        self.return_type = return_type
        self.args = tuple(args)

    def __str__(self):
        return "%s(%s)" % (_text(self.return_type), ", ".join(_text(a) for a in self.args))

    __repr__ = __str__


def _text(t):
    return t.signature_text() if isinstance(t, Type) else str(t)


boolean = bool_ = b1 = Boolean("bool")
int8, int16, int32, int64 = (Integer(n) for n in ("int8", "int16", "int32", "int64"))
uint8, uint16, uint32, uint64 = (Integer(n) for n in ("uint8", "uint16", "uint32", "uint64"))
float32, float64 = Float("float32"), Float("float64")
complex64, complex128 = Complex("complex64"), Complex("complex128")
none = void = NoneType("none")
range_state64 = RangeType("range_state64")
intp, uintp = int64, uint64
byte, uint = uint8, uint64
double, single = float64, float32
f4, f8, i1, i2, i4, i8, u1, u2, u4, u8 = float32, float64, int8, int16, int32, int64, uint8, uint16, uint32, uint64
c8, c16 = complex64, complex128
integer_domain = frozenset([int8, int16, int32, int64, uint8, uint16, uint32, uint64])
real_domain = frozenset([float32, float64])
complex_domain = frozenset([complex64, complex128])
number_domain = real_domain | integer_domain | complex_domain

_BY_NAME = {t.name: t for t in (boolean, int8, int16, int32, int64, uint8, uint16, uint32, uint64,
                                float32, float64, complex64, complex128, none, range_state64)}


def _text_of_signature(sig):
    """Any way a user writes a signature, as the string the compiler parses."""
    if isinstance(sig, str):
        return sig
    if isinstance(sig, Signature):
        return str(sig)
    if isinstance(sig, tuple):
        return "(%s)" % ", ".join(_text(t) for t in sig)
    if isinstance(sig, Type):
        return "(%s)" % _text(sig)
    return str(sig)


_TOKEN = re.compile(r"\s*(Literal\[str\]\([^()]*\)|Literal\[bool\]\((?:True|False)\)|readonly array|array|UniTuple|Tuple|OptionalType|ListType|list|class|[A-Za-z_][A-Za-z0-9_]*|\d+d?|[(),x\[\]])")


def from_string(text):
    """The type object for a type as the compiler prints it (`array(float64, 2d, C)`)."""
    if text in _BY_NAME:
        return _BY_NAME[text]
    tokens = [m.group(1) for m in _TOKEN.finditer(text)]
    pos = 0

    def take():
        nonlocal pos
        pos += 1
        return tokens[pos - 1]

    def parse():
        head = take()
        if head in ("array", "readonly array"):
            take()  # (
            dtype = parse()
            take()  # ,
            ndim = int(take().rstrip("d"))
            take()  # ,
            layout = take()
            take()  # )
            return Array(dtype, ndim, layout, readonly=head.startswith("readonly"))
        if head == "UniTuple":
            take()
            item = parse()
            take()  # x
            count = int(take())
            take()
            return UniTuple(item, count)
        if head == "Tuple":
            take()
            items = []
            while tokens[pos] != ")":
                items.append(parse())
                if tokens[pos] == ",":
                    take()
            take()
            return Tuple(items)
        if head == "class":
            take()
            inner = parse()
            take()
            return NumberClass(inner)
        if head in ("list", "ListType"):
            take()  # ( or [
            inner = parse()
            take()
            return List(inner, reflected=head == "list")
        if head.startswith("Literal[str]("):
            return StringLiteral(head[len("Literal[str]("):-1])
        if head.startswith("Literal[bool]("):
            return BooleanLiteral(head[len("Literal[bool]("):-1] == "True")
        if head == "OptionalType":
            take()
            inner = parse()
            take()
            return Optional(inner)
        if head in _BY_NAME:
            return _BY_NAME[head]
        return Type(head)

    try:
        return parse()
    except (IndexError, ValueError):
        return Type(text)
