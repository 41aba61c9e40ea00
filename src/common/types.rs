//! The types of the typed IR, spelled the way Numba spells them so that
//! `f.signatures`, `inspect_types()` and error messages read the same to a Numba user.

use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scalar {
    Bool,
    I8,
    I16,
    I32,
    I64,
    U8,
    U16,
    U32,
    U64,
    F32,
    F64,
    C64,
    C128,
}

impl Scalar {
    pub fn is_int(self) -> bool {
        matches!(self, Scalar::I8 | Scalar::I16 | Scalar::I32 | Scalar::I64 | Scalar::U8 | Scalar::U16 | Scalar::U32 | Scalar::U64)
    }
    pub fn is_signed(self) -> bool {
        matches!(self, Scalar::I8 | Scalar::I16 | Scalar::I32 | Scalar::I64)
    }
    pub fn is_float(self) -> bool {
        matches!(self, Scalar::F32 | Scalar::F64)
    }
    pub fn is_complex(self) -> bool {
        matches!(self, Scalar::C64 | Scalar::C128)
    }
    /// Width in bits of the value (of one component for complex).
    pub fn bits(self) -> u32 {
        match self {
            Scalar::Bool => 1,
            Scalar::I8 | Scalar::U8 => 8,
            Scalar::I16 | Scalar::U16 => 16,
            Scalar::I32 | Scalar::U32 | Scalar::F32 | Scalar::C64 => 32,
            Scalar::I64 | Scalar::U64 | Scalar::F64 | Scalar::C128 => 64,
        }
    }
    /// Bytes one element takes in a NumPy array.
    pub fn itemsize(self) -> usize {
        match self {
            Scalar::Bool | Scalar::I8 | Scalar::U8 => 1,
            Scalar::I16 | Scalar::U16 => 2,
            Scalar::I32 | Scalar::U32 | Scalar::F32 => 4,
            Scalar::I64 | Scalar::U64 | Scalar::F64 | Scalar::C64 => 8,
            Scalar::C128 => 16,
        }
    }
    pub fn int(bits: u32, signed: bool) -> Scalar {
        match (bits, signed) {
            (8, true) => Scalar::I8,
            (16, true) => Scalar::I16,
            (32, true) => Scalar::I32,
            (8, false) => Scalar::U8,
            (16, false) => Scalar::U16,
            (32, false) => Scalar::U32,
            (_, false) => Scalar::U64,
            _ => Scalar::I64,
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Scalar::Bool => "bool",
            Scalar::I8 => "int8",
            Scalar::I16 => "int16",
            Scalar::I32 => "int32",
            Scalar::I64 => "int64",
            Scalar::U8 => "uint8",
            Scalar::U16 => "uint16",
            Scalar::U32 => "uint32",
            Scalar::U64 => "uint64",
            Scalar::F32 => "float32",
            Scalar::F64 => "float64",
            Scalar::C64 => "complex64",
            Scalar::C128 => "complex128",
        }
    }
    pub fn from_name(name: &str) -> Option<Scalar> {
        Some(match name {
            "bool" | "bool_" | "boolean" | "b1" => Scalar::Bool,
            "int8" | "i1" | "byte" => Scalar::I8,
            "int16" | "i2" => Scalar::I16,
            "int32" | "i4" | "intc" => Scalar::I32,
            "int64" | "i8" | "intp" | "int_" => Scalar::I64,
            "uint8" | "u1" | "ubyte" => Scalar::U8,
            "uint16" | "u2" => Scalar::U16,
            "uint32" | "u4" | "uintc" => Scalar::U32,
            "uint64" | "u8" | "uintp" => Scalar::U64,
            "float32" | "f4" | "single" => Scalar::F32,
            "float64" | "f8" | "double" | "float_" => Scalar::F64,
            "complex64" | "c8" | "csingle" => Scalar::C64,
            "complex128" | "c16" | "cdouble" | "complex_" => Scalar::C128,
            _ => return None,
        })
    }
    /// The real type of one component (complex128 -> float64); itself otherwise.
    pub fn real_part(self) -> Scalar {
        match self {
            Scalar::C64 => Scalar::F32,
            Scalar::C128 => Scalar::F64,
            s => s,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Layout {
    C,
    F,
    Any,
}

impl Layout {
    pub fn letter(self) -> &'static str {
        match self {
            Layout::C => "C",
            Layout::F => "F",
            Layout::Any => "A",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ArrayType {
    pub dtype: Scalar,
    pub ndim: u32,
    pub layout: Layout,
    pub readonly: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Type {
    Scalar(Scalar),
    NoneType,
    Tuple(Vec<Type>),
    Array(ArrayType),
    Optional(Box<Type>),
    /// A list: `[...]` in compiled code or a Python list argument (`reflected`: it goes
    /// back to Python as a `list`, and an argument's changes are written back), or a
    /// `ferrumba.typed.List` (shared with Python by reference). `Unknown` items: an empty
    /// list whose item type later appends decide.
    List { item: Box<Type>, reflected: bool },
    /// The range object of `range(...)` when it is a value (stored or passed), not just iterated.
    Range,
    /// A NumPy scalar type used as a value (`dtype=np.float32` passed along): known at
    /// compile time, nothing at run time. Numba calls it a NumberClass.
    DType(Scalar),
    /// A string constant passed as an argument (`ord='fro'`): known at compile time, nothing
    /// at run time, so an `@overload` can choose its implementation by the text. Numba
    /// calls it a StringLiteral.
    StrLiteral(String),
    /// `True`/`False` written in a call to an `@overload` (`density=False`): seen only by
    /// the typing function choosing the implementation (Numba's BooleanLiteral); the
    /// implementation itself receives a plain bool.
    BoolLiteral(bool),
    /// Not known yet: the bottom of the unification lattice while a recursive call's
    /// return type is still being inferred.
    Unknown,
}

pub const BOOL: Type = Type::Scalar(Scalar::Bool);
pub const I64: Type = Type::Scalar(Scalar::I64);
pub const F64: Type = Type::Scalar(Scalar::F64);

impl Type {
    pub fn scalar(&self) -> Option<Scalar> {
        match self {
            Type::Scalar(s) => Some(*s),
            _ => None,
        }
    }
    pub fn is_int(&self) -> bool {
        self.scalar().is_some_and(|s| s.is_int())
    }
    pub fn is_bool(&self) -> bool {
        matches!(self, Type::Scalar(Scalar::Bool))
    }
    pub fn is_float(&self) -> bool {
        self.scalar().is_some_and(|s| s.is_float())
    }
    pub fn is_complex(&self) -> bool {
        self.scalar().is_some_and(|s| s.is_complex())
    }
    /// bool, integers and floats: what `<` orders.
    pub fn is_real_number(&self) -> bool {
        self.scalar().is_some_and(|s| !s.is_complex())
    }
    pub fn is_number(&self) -> bool {
        self.scalar().is_some()
    }
    pub fn array(&self) -> Option<&ArrayType> {
        match self {
            Type::Array(a) => Some(a),
            _ => None,
        }
    }
    /// The element type a homogeneous tuple iterates over.
    pub fn homogeneous_element(&self) -> Option<&Type> {
        match self {
            Type::Tuple(items) if !items.is_empty() && items.iter().all(|t| t == &items[0]) => Some(&items[0]),
            _ => None,
        }
    }
    pub fn contains_unknown(&self) -> bool {
        match self {
            Type::Unknown => true,
            Type::Tuple(items) => items.iter().any(|t| t.contains_unknown()),
            Type::Optional(t) => t.contains_unknown(),
            Type::List { item, .. } => item.contains_unknown(),
            _ => false,
        }
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Scalar(s) => f.write_str(s.name()),
            Type::NoneType => f.write_str("none"),
            Type::Tuple(items) => {
                if let Some(first) = self.homogeneous_element() {
                    write!(f, "UniTuple({} x {})", first, items.len())
                } else {
                    f.write_str("Tuple(")?;
                    for (i, t) in items.iter().enumerate() {
                        if i > 0 {
                            f.write_str(", ")?;
                        }
                        write!(f, "{t}")?;
                    }
                    f.write_str(")")
                }
            }
            Type::Array(a) => {
                if a.readonly {
                    write!(f, "readonly array({}, {}d, {})", a.dtype.name(), a.ndim, a.layout.letter())
                } else {
                    write!(f, "array({}, {}d, {})", a.dtype.name(), a.ndim, a.layout.letter())
                }
            }
            Type::Optional(t) => write!(f, "OptionalType({t})"),
            Type::Range => f.write_str("range_state64"),
            Type::List { item, reflected: true } => write!(f, "list({item})"),
            Type::List { item, reflected: false } => write!(f, "ListType[{item}]"),
            Type::DType(s) => write!(f, "class({})", s.name()),
            Type::StrLiteral(s) => write!(f, "Literal[str]({s})"),
            Type::BoolLiteral(b) => write!(f, "Literal[bool]({})", if *b { "True" } else { "False" }),
            Type::Unknown => f.write_str("undefined"),
        }
    }
}

/// Numba's rule for integer arithmetic: operands widen to the machine word, the result is
/// unsigned only when both operands are.
pub fn int_arith_result(a: Scalar, b: Scalar) -> Scalar {
    let unsigned = |s: Scalar| s.is_int() && !s.is_signed();
    if unsigned(a) && unsigned(b) {
        Scalar::U64
    } else {
        Scalar::I64
    }
}

/// Whether converting `from` to `to` loses nothing (Numba's "safe" conversion), which decides
/// which float width a mixed int/float operation picks.
fn safe_int_to_float(int: Scalar, float: Scalar) -> bool {
    match float {
        Scalar::F32 => int.bits() <= 16,
        _ => true,
    }
}

/// The common numeric type that arithmetic on `a` and `b` computes in (before any
/// operator-specific adjustment such as true division producing a float).
pub fn arith_promote(a: Scalar, b: Scalar) -> Scalar {
    use Scalar::*;
    let a = if a == Bool { I64 } else { a };
    let b = if b == Bool { I64 } else { b };
    if a.is_complex() || b.is_complex() {
        let wide = [a, b].iter().any(|s| matches!(s, C128 | F64) || (s.is_int() && s.bits() > 16));
        return if wide { C128 } else { C64 };
    }
    if a.is_float() || b.is_float() {
        return match (a, b) {
            (F32, F32) => F32,
            (F32, i) | (i, F32) if i.is_int() && safe_int_to_float(i, F32) => F32,
            _ => F64,
        };
    }
    int_arith_result(a, b)
}

/// NumPy's promotion of two array dtypes (`np.result_type`), which element-wise operations
/// between arrays follow (in Numba too): int8 + int8 stays int8, uint64 + int64 is float64.
pub fn numpy_promote(a: Scalar, b: Scalar) -> Scalar {
    use Scalar::*;
    if a == b {
        return a;
    }
    match (a, b) {
        (Bool, x) | (x, Bool) => x,
        (x, y) if x.is_complex() || y.is_complex() => {
            let narrow = |s: Scalar| matches!(s, C64 | F32 | I8 | I16 | U8 | U16);
            if narrow(x) && narrow(y) { C64 } else { C128 }
        }
        (x, y) if x.is_float() || y.is_float() => {
            let fits_f32 = |s: Scalar| matches!(s, F32 | I8 | I16 | U8 | U16);
            if fits_f32(x) && fits_f32(y) { F32 } else { F64 }
        }
        (x, y) if x.is_signed() == y.is_signed() => Scalar::int(x.bits().max(y.bits()), x.is_signed()),
        (s, u) | (u, s) if s.is_signed() => {
            if u.bits() < s.bits() {
                s
            } else if u.bits() >= 64 {
                F64
            } else {
                Scalar::int(u.bits() * 2, true)
            }
        }
        _ => arith_promote(a, b),
    }
}

/// Unify two types that flow into one variable (branches, loop back-edges, returns), as
/// Numba's type unification does. `None` when they cannot share a type.
pub fn unify(a: &Type, b: &Type) -> Option<Type> {
    use Type::*;
    if a == b {
        return Some(a.clone());
    }
    match (a, b) {
        (Unknown, t) | (t, Unknown) => Some(t.clone()),
        (NoneType, Optional(t)) | (Optional(t), NoneType) => Some(Optional(t.clone())),
        (NoneType, t) | (t, NoneType) => Some(Optional(Box::new(t.clone()))),
        (Optional(x), Optional(y)) => unify(x, y).map(|t| Optional(Box::new(t))),
        (Optional(x), t) | (t, Optional(x)) => unify(x, t).map(|t| Optional(Box::new(t))),
        (Scalar(x), Scalar(y)) => Some(Scalar(unify_scalar(*x, *y))),
        (Tuple(xs), Tuple(ys)) if xs.len() == ys.len() => {
            xs.iter().zip(ys).map(|(x, y)| unify(x, y)).collect::<Option<Vec<_>>>().map(Tuple)
        }
        (List { item: x, reflected: rx }, List { item: y, reflected: ry }) if rx == ry && (**x == Unknown || **y == Unknown) => {
            Some(List { item: Box::new(if **x == Unknown { (**y).clone() } else { (**x).clone() }), reflected: *rx })
        }
        (Array(x), Array(y)) if x.dtype == y.dtype && x.ndim == y.ndim => Some(Array(ArrayType {
            dtype: x.dtype,
            ndim: x.ndim,
            layout: if x.layout == y.layout { x.layout } else { Layout::Any },
            readonly: x.readonly || y.readonly,
        })),
        _ => None,
    }
}

fn unify_scalar(a: Scalar, b: Scalar) -> Scalar {
    use Scalar::*;
    if a == b {
        return a;
    }
    if a.is_int() && b.is_int() {
        // Numba unifies mixed integers to the wider one, signed when either is.
        let bits = a.bits().max(b.bits());
        let signed = a.is_signed() || b.is_signed();
        if signed && !a.is_signed() && a.bits() == bits || signed && !b.is_signed() && b.bits() == bits {
            return if bits >= 64 { F64 } else { Scalar::int(bits * 2, true) };
        }
        return Scalar::int(bits, signed);
    }
    match (a, b) {
        (Bool, x) | (x, Bool) if x.is_int() => x,
        (Bool, x) | (x, Bool) => x,
        _ => arith_promote(a, b),
    }
}

/// How values of a type travel across the native entry point: as a flat run of 8-byte
/// slots. Both the dispatcher (boxing/unboxing) and the generated wrapper use this one
/// definition, so they cannot disagree.
pub fn slot_count(t: &Type) -> usize {
    match t {
        Type::Scalar(s) if s.is_complex() => 2,
        Type::Scalar(_) => 1,
        Type::NoneType => 0,
        Type::Tuple(items) => items.iter().map(slot_count).sum(),
        // meminfo, parent object, data pointer, then shape and strides.
        Type::Array(a) => 3 + 2 * a.ndim as usize,
        Type::Optional(t) => 1 + slot_count(t),
        Type::Range => 3,
        Type::List { .. } => 1,
        Type::DType(_) | Type::StrLiteral(_) | Type::BoolLiteral(_) => 0,
        Type::Unknown => 0,
    }
}

/// Where a list keeps one item: its size and alignment in the LLVM layout of the item
/// type (C struct rules; bool is one byte), and the offset of the list reference the
/// item holds, if any. None for item types lists cannot hold yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ItemLayout {
    pub size: usize,
    pub align: usize,
    pub owned: Option<usize>,
}

pub fn item_layout(t: &Type) -> Option<ItemLayout> {
    let plain = |size: usize| Some(ItemLayout { size, align: size.max(1), owned: None });
    match t {
        Type::Scalar(s) if s.is_complex() => Some(ItemLayout { size: 2 * (s.bits() as usize / 8), align: s.bits() as usize / 8, owned: None }),
        Type::Scalar(Scalar::Bool) => plain(1),
        Type::Scalar(s) => plain(s.bits() as usize / 8),
        Type::List { .. } => Some(ItemLayout { size: 8, align: 8, owned: Some(0) }),
        // meminfo (the reference the item holds), parent, data, shape, strides.
        Type::Array(a) => Some(ItemLayout { size: 24 + 16 * a.ndim as usize, align: 8, owned: Some(0) }),
        Type::NoneType => Some(ItemLayout { size: 0, align: 1, owned: None }),
        // An array inside a tuple item would need an owner of its own when borrowed from
        // Python (see list_python::adopt_array_item), which only whole items get.
        Type::Tuple(items) if items.iter().any(|t| matches!(t, Type::Array(_))) => None,
        Type::Tuple(items) => {
            let (mut size, mut align, mut owned) = (0usize, 1usize, None);
            for it in items {
                let l = item_layout(it)?;
                size = size.div_ceil(l.align) * l.align;
                if let Some(o) = l.owned {
                    if owned.is_some() {
                        return None;
                    }
                    owned = Some(size + o);
                }
                size += l.size;
                align = align.max(l.align);
            }
            Some(ItemLayout { size: size.div_ceil(align) * align, align, owned })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numba_spelling() {
        assert_eq!(Type::Tuple(vec![I64, I64]).to_string(), "UniTuple(int64 x 2)");
        assert_eq!(Type::Tuple(vec![I64, F64]).to_string(), "Tuple(int64, float64)");
        let arr = Type::Array(ArrayType { dtype: Scalar::F32, ndim: 2, layout: Layout::F, readonly: false });
        assert_eq!(arr.to_string(), "array(float32, 2d, F)");
    }

    #[test]
    fn unification_follows_numba() {
        assert_eq!(unify(&I64, &F64), Some(F64));
        assert_eq!(unify(&Type::NoneType, &I64), Some(Type::Optional(Box::new(I64))));
        assert_eq!(unify(&Type::Scalar(Scalar::I32), &I64), Some(I64));
        assert_eq!(unify(&Type::Scalar(Scalar::U64), &I64), Some(F64));
        assert_eq!(unify(&Type::Tuple(vec![I64]), &I64), None);
    }

    #[test]
    fn arithmetic_promotion() {
        assert_eq!(arith_promote(Scalar::I32, Scalar::I32), Scalar::I64);
        assert_eq!(arith_promote(Scalar::U8, Scalar::U32), Scalar::U64);
        assert_eq!(arith_promote(Scalar::U64, Scalar::I64), Scalar::I64);
        assert_eq!(arith_promote(Scalar::I16, Scalar::F32), Scalar::F32);
        assert_eq!(arith_promote(Scalar::I32, Scalar::F32), Scalar::F64);
        assert_eq!(arith_promote(Scalar::F32, Scalar::C64), Scalar::C64);
        assert_eq!(numpy_promote(Scalar::I8, Scalar::I8), Scalar::I8);
        assert_eq!(numpy_promote(Scalar::U8, Scalar::I8), Scalar::I16);
        assert_eq!(numpy_promote(Scalar::U64, Scalar::I64), Scalar::F64);
        assert_eq!(numpy_promote(Scalar::F32, Scalar::I16), Scalar::F32);
        assert_eq!(numpy_promote(Scalar::F32, Scalar::I32), Scalar::F64);
    }
}
