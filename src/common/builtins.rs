//! Typing of builtin functions: Python builtins, the `math`, `cmath` and `operator`
//! modules, NumPy scalar types, and the modules' attributes (which callee a call
//! reaches and how its arguments bind: `calls.rs`).

use crate::common::diagnostic::{Diagnostic, Span};
use crate::common::infer::{describe_value, Typer, Value};
use crate::common::ir::{BinOp, Expr, ExprKind};
use crate::common::types::{arith_promote, Scalar, Type, BOOL, F64, I64};
use rustpython_parser::ast;

fn bx(e: Expr) -> Box<Expr> {
    Box::new(e)
}

/// `math` functions of one float argument that return a float of the same width.
const MATH_UNARY: &[&str] = &[
    "sqrt", "exp", "log", "log1p", "expm1", "log10", "log2", "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "asinh",
    "acosh", "atanh", "erf", "erfc", "gamma", "lgamma", "fabs", "degrees", "radians", "exp2", "cbrt",
];
/// `math` functions of two floats.
/// cmath functions of one complex number returning one (runtime helpers in complex_math.rs).
const CMATH_UNARY: &[&str] =
    &["acos", "acosh", "asin", "asinh", "atan", "atanh", "cos", "cosh", "exp", "log", "log10", "sin", "sinh", "sqrt", "tan", "tanh"];
const MATH_BINARY: &[&str] = &["atan2", "hypot", "copysign", "fmod", "pow", "nextafter"];
/// `operator` module functions that are binary operators (in-place forms behave the same
/// on the immutable values compiled code holds, except arrays, which `binary` handles).
const OPERATOR_BINARY: &[(&str, ast::Operator)] = &[
    ("add", ast::Operator::Add),
    ("sub", ast::Operator::Sub),
    ("mul", ast::Operator::Mult),
    ("truediv", ast::Operator::Div),
    ("floordiv", ast::Operator::FloorDiv),
    ("mod", ast::Operator::Mod),
    ("pow", ast::Operator::Pow),
    ("and_", ast::Operator::BitAnd),
    ("or_", ast::Operator::BitOr),
    ("xor", ast::Operator::BitXor),
    ("lshift", ast::Operator::LShift),
    ("rshift", ast::Operator::RShift),
    ("matmul", ast::Operator::MatMult),
    ("imatmul", ast::Operator::MatMult),
    ("iadd", ast::Operator::Add),
    ("isub", ast::Operator::Sub),
    ("imul", ast::Operator::Mult),
    ("itruediv", ast::Operator::Div),
    ("ifloordiv", ast::Operator::FloorDiv),
    ("imod", ast::Operator::Mod),
    ("ipow", ast::Operator::Pow),
    ("iand", ast::Operator::BitAnd),
    ("ior", ast::Operator::BitOr),
    ("ixor", ast::Operator::BitXor),
    ("ilshift", ast::Operator::LShift),
    ("irshift", ast::Operator::RShift),
];
const OPERATOR_COMPARE: &[(&str, ast::CmpOp)] = &[
    ("lt", ast::CmpOp::Lt),
    ("le", ast::CmpOp::LtE),
    ("eq", ast::CmpOp::Eq),
    ("ne", ast::CmpOp::NotEq),
    ("gt", ast::CmpOp::Gt),
    ("ge", ast::CmpOp::GtE),
    ("is_", ast::CmpOp::Is),
    ("is_not", ast::CmpOp::IsNot),
];

/// NumPy ufuncs that ferrumba evaluates on scalars, and the C name each one maps to.
const NUMPY_SCALAR: &[(&str, &str)] = &[
    ("sqrt", "sqrt"),
    ("exp", "exp"),
    ("log", "log"),
    ("log1p", "log1p"),
    ("expm1", "expm1"),
    ("log10", "log10"),
    ("log2", "log2"),
    ("sin", "sin"),
    ("cos", "cos"),
    ("tan", "tan"),
    ("arcsin", "asin"),
    ("arccos", "acos"),
    ("arctan", "atan"),
    ("sinh", "sinh"),
    ("cosh", "cosh"),
    ("tanh", "tanh"),
    ("arcsinh", "asinh"),
    ("arccosh", "acosh"),
    ("arctanh", "atanh"),
    ("floor", "floor"),
    ("ceil", "ceil"),
    ("trunc", "trunc"),
    ("rint", "rint"),
    ("arctan2", "atan2"),
    ("hypot", "hypot"),
    ("copysign", "copysign"),
    ("deg2rad", "radians"),
    ("rad2deg", "degrees"),
    ("degrees", "degrees"),
    ("radians", "radians"),
    ("isnan", "isnan"),
    ("isinf", "isinf"),
    ("isfinite", "isfinite"),
    ("abs", "abs"),
    ("absolute", "abs"),
    ("fabs", "fabs"),
    ("conjugate", "conj"),
];
const NUMPY_DTYPES: &[&str] = &[
    "bool_", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float32", "float64", "complex64", "complex128",
    "intp", "uintp", "intc", "uintc", "double", "single", "byte", "ubyte", "float_", "int_",
];

/// `module.attr` for the modules ferrumba knows.
pub fn module_attribute(module: &str, attr: &str, span: Span) -> Result<Value, Diagnostic> {
    if module == "numba.typed" {
        return match attr {
            "List" => Ok(Value::Func("typed.List".into())),
            _ => Err(Diagnostic::typing("unknown-attribute", format!("'typed.{attr}' is not supported in compiled code"), span)),
        };
    }
    if module == "numba" {
        if attr == "types" {
            return Ok(Value::Module("numba".into()));
        }
        if attr == "typed" {
            return Ok(Value::Module("numba.typed".into()));
        }
        return match Scalar::from_name(attr).or((attr == "boolean").then_some(Scalar::Bool)) {
            Some(s) => Ok(Value::DType(s)),
            None => Err(Diagnostic::typing("unknown-attribute", format!("'numba.{attr}' is not supported in compiled code"), span)),
        };
    }
    if module == "cuda" || module.starts_with("cuda.") {
        return crate::common::cuda::cuda_attribute(module, attr, span)
            .ok_or_else(|| Diagnostic::typing("unknown-attribute", format!("'{module}.{attr}' is not supported in compiled code"), span));
    }
    let float = |v: f64| Ok(Value::Rt(Expr::new(ExprKind::Float(v), F64, span)));
    match (module, attr) {
        ("math" | "cmath", "pi") | ("numpy", "pi") => return float(std::f64::consts::PI),
        ("math" | "cmath", "e") | ("numpy", "e") => return float(std::f64::consts::E),
        ("math" | "cmath", "tau") => return float(std::f64::consts::TAU),
        ("math" | "cmath", "inf") | ("numpy", "inf") => return float(f64::INFINITY),
        ("math" | "cmath", "nan") | ("numpy", "nan") => return float(f64::NAN),
        ("numpy", "newaxis") => return Ok(Value::Rt(Expr::new(ExprKind::NoneValue, Type::NoneType, span))),
        ("numpy", "random" | "linalg") => return Ok(Value::Module(format!("numpy.{attr}"))),
        ("numpy", d) if NUMPY_DTYPES.contains(&d) => {
            return Ok(Value::DType(Scalar::from_name(d).expect("dtype table and Scalar::from_name agree")))
        }
        ("numpy", "bool") => return Ok(Value::DType(Scalar::Bool)),
        ("native", "sort" | "argsort") => return Ok(Value::Func(format!("native.{attr}"))),
        _ => {}
    }
    let known = match module {
        "math" => MATH_UNARY.contains(&attr)
            || MATH_BINARY.contains(&attr)
            || matches!(attr, "floor" | "ceil" | "trunc" | "isnan" | "isinf" | "isfinite" | "ldexp" | "frexp" | "isclose" | "gcd" | "factorial" | "fsum"),
        "cmath" => CMATH_UNARY.contains(&attr) || matches!(attr, "phase" | "polar" | "rect" | "isnan" | "isinf" | "isfinite"),
        "operator" => OPERATOR_BINARY.iter().any(|(n, _)| *n == attr) || OPERATOR_COMPARE.iter().any(|(n, _)| *n == attr)
            || matches!(attr, "neg" | "pos" | "not_" | "invert" | "inv" | "truth" | "abs" | "index" | "getitem" | "is_" | "is_not" | "contains"),
        "numpy.random" => matches!(attr, "seed" | "random" | "rand" | "randn" | "standard_normal" | "normal" | "uniform" | "randint" | "random_sample"),
        "numpy" => {
            NUMPY_SCALAR.iter().any(|(n, _)| *n == attr)
                || matches!(
                    attr,
                    "maximum" | "minimum" | "power" | "sign" | "fmax" | "fmin" | "add" | "subtract" | "multiply" | "divide" | "true_divide"
                        | "floor_divide" | "remainder" | "mod" | "bitwise_and" | "bitwise_or" | "bitwise_xor" | "left_shift" | "right_shift"
                        | "logical_and" | "logical_or" | "logical_xor" | "logical_not" | "negative" | "invert" | "bitwise_not" | "square"
                        | "where" | "clip" | "ldexp"
                )
                || crate::common::numpy::ARRAY_FUNCTIONS.contains(&attr)
        }
        _ => false,
    };
    if known {
        return Ok(Value::Func(format!("{module}.{attr}")));
    }
    Err(Diagnostic::typing("unknown-attribute", format!("'{module}.{attr}' is not supported in compiled code"), span)
        .with_hint(if module == "numpy" { "NumPy array functions arrive with the NumPy milestone" } else { "see the README for the supported functions" }))
}

impl<'a> Typer<'a> {
    pub(crate) fn call_builtin_path(&mut self, path: &str, args: Vec<Value>, span: Span) -> Result<Value, Diagnostic> {
        self.call_builtin(path, args, vec![], span)
    }

    pub(crate) fn rt_args<const N: usize>(&mut self, args: Vec<Value>, what: &str, span: Span) -> Result<[Expr; N], Diagnostic> {
        if args.len() != N {
            return Err(Diagnostic::typing("bad-arity", format!("{what} takes {N} argument(s), {} given", args.len()), span));
        }
        let mut out = vec![];
        for a in args {
            out.push(self.as_rt(a, span)?);
        }
        Ok(out.try_into().unwrap_or_else(|_| unreachable!()))
    }

    /// Explicit conversion, as `int(x)`, `float(x)` or `np.float32(x)` do.
    pub(crate) fn convert(&mut self, a: Expr, to: &Type, span: Span) -> Result<Expr, Diagnostic> {
        if to.is_bool() {
            return self.truth(a);
        }
        if a.ty.is_complex() && !to.is_complex() {
            return Err(Diagnostic::typing("bad-argument", format!("cannot convert complex to {to}"), span)
                .with_hint("take .real or abs() first"));
        }
        self.coerce(a, to, span)
    }

    fn float_of(&mut self, a: Expr, span: Span) -> Result<Expr, Diagnostic> {
        let t = match a.ty.scalar() {
            Some(Scalar::F32) => Type::Scalar(Scalar::F32),
            Some(s) if s.is_complex() => {
                return Err(Diagnostic::typing("bad-argument", format!("this function takes a real number, not {}", a.ty), span)
                    .with_hint("use the cmath module for complex numbers"))
            }
            Some(_) => F64,
            None if a.ty == Type::Unknown => F64,
            None => return Err(Diagnostic::typing("bad-argument", format!("expected a number, got {}", a.ty), span)),
        };
        self.coerce(a, &t, span)
    }

    pub(crate) fn math(&mut self, name: &'static str, args: Vec<Expr>, ty: Type, span: Span) -> Value {
        Value::Rt(Expr::new(ExprKind::Math(name, args), ty, span))
    }

    pub(crate) fn call_builtin(&mut self, path: &str, args: Vec<Value>, kwargs: Vec<(String, Value)>, span: Span) -> Result<Value, Diagnostic> {
        let (module, name) = path.split_once('.').unwrap_or(("builtins", path));
        if module == "numpy" {
            return self.numpy_call(name, args, kwargs, span);
        }
        if module == "cuda" {
            return self.cuda_call(name, args, kwargs, span);
        }
        if !kwargs.is_empty() && !matches!((module, name), ("builtins", "enumerate" | "sorted")) {
            return Err(Diagnostic::typing("unsupported", format!("'{name}' does not take keyword arguments in compiled code"), span));
        }
        match (module, name) {
            ("builtins", "range") => {
                let mut ints = vec![];
                for a in args {
                    let e = self.as_rt(a, span)?;
                    ints.push(self.index_int(e, span)?);
                }
                let zero = || Expr::new(ExprKind::Int(0), I64, span);
                let one = || Expr::new(ExprKind::Int(1), I64, span);
                let (a, b, c) = match ints.len() {
                    1 => (zero(), ints.pop().unwrap(), one()),
                    2 => {
                        let b = ints.pop().unwrap();
                        (ints.pop().unwrap(), b, one())
                    }
                    3 => {
                        let c = ints.pop().unwrap();
                        let b = ints.pop().unwrap();
                        (ints.pop().unwrap(), b, c)
                    }
                    n => return Err(Diagnostic::typing("bad-arity", format!("range expects 1 to 3 arguments, got {n}"), span)),
                };
                Ok(Value::Range(bx(a), bx(b), bx(c)))
            }
            ("builtins", "isinstance" | "getattr" | "hasattr" | "type") => self.reflect(name, args, span),
            ("builtins", "sum" | "any" | "all") => self.fold_builtin(name, args, span),
            ("builtins", "sorted") => {
                let mut reverse = None;
                for (k, v) in kwargs {
                    match k.as_str() {
                        "reverse" => reverse = Some(self.as_rt(v, span)?),
                        other => return Err(Diagnostic::typing("unsupported", format!("sorted() with {other}= is not supported in compiled code"), span)),
                    }
                }
                let [it] = <[Value; 1]>::try_from(args).map_err(|_| Diagnostic::typing("bad-arity", "sorted() takes one iterable", span))?;
                Ok(Value::Rt(self.sorted(it, reverse, span)?))
            }
            ("builtins", "tuple") => match args.len() {
                0 => Ok(Value::Rt(Expr::new(ExprKind::Tuple(vec![]), Type::Tuple(vec![]), span))),
                1 => {
                    let a = self.as_rt(args.into_iter().next().unwrap(), span)?;
                    if matches!(a.ty, Type::Tuple(_)) {
                        return Ok(Value::Rt(a));
                    }
                    // A tuple's length is part of its type: other iterables have theirs only at run time.
                    Err(Diagnostic::typing("unsupported", format!("tuple() of {} is not supported in compiled code: its length is not known when compiling", a.ty), span)
                        .with_hint("build the tuple from its items, e.g. (a[0], a[1])"))
                }
                _ => Err(Diagnostic::typing("bad-arity", "tuple() takes at most one argument", span)),
            },
            ("builtins", "list") => {
                if args.len() > 1 {
                    return Err(Diagnostic::typing("bad-arity", "list() takes at most one argument", span));
                }
                Ok(Value::Rt(self.list_from(args.into_iter().next(), true, span)?))
            }
            ("typed", "List") => {
                if args.len() > 1 {
                    return Err(Diagnostic::typing("bad-arity", "List() takes at most one iterable", span));
                }
                Ok(Value::Rt(self.list_from(args.into_iter().next(), false, span)?))
            }
            ("typed", "List.empty_list") => match args.as_slice() {
                [Value::DType(s)] => Ok(Value::Rt(self.empty_list(Type::Scalar(*s), false, span))),
                _ => Err(Diagnostic::typing("unsupported", "List.empty_list() takes one item type (a NumPy or numba scalar type) in compiled code", span)),
            },
            ("builtins", "len") => {
                if args.len() != 1 {
                    return Err(Diagnostic::typing("bad-arity", "len() takes exactly one argument", span));
                }
                let n = self.sequence_len(&args[0], span)?;
                Ok(Value::Rt(n))
            }
            ("builtins", "enumerate") => {
                let mut start = Expr::new(ExprKind::Int(0), I64, span);
                let mut args = args;
                if args.len() == 2 {
                    let s = self.as_rt(args.pop().unwrap(), span)?;
                    start = self.index_int(s, span)?;
                }
                for (k, v) in kwargs {
                    if k != "start" {
                        return Err(Diagnostic::typing("unsupported", format!("enumerate() got an unexpected keyword '{k}'"), span));
                    }
                    let s = self.as_rt(v, span)?;
                    start = self.index_int(s, span)?;
                }
                if args.len() != 1 {
                    return Err(Diagnostic::typing("bad-arity", "enumerate() takes an iterable and an optional start", span));
                }
                Ok(Value::Enumerate(Box::new(args.pop().unwrap()), bx(start)))
            }
            ("builtins", "zip") => Ok(Value::Zip(args)),
            ("builtins", "abs") | ("numpy", "abs" | "absolute") => {
                let [a] = self.rt_args::<1>(args, "abs()", span)?;
                self.abs(a, span)
            }
            ("builtins", "min" | "max") => self.min_max(name, args, span),
            ("builtins", "int") => {
                let [a] = self.rt_args::<1>(args, "int()", span)?;
                Ok(Value::Rt(self.convert(a, &I64, span)?))
            }
            ("builtins", "float") => {
                let [a] = self.rt_args::<1>(args, "float()", span)?;
                Ok(Value::Rt(self.convert(a, &F64, span)?))
            }
            ("builtins", "bool") => {
                let [a] = self.rt_args::<1>(args, "bool()", span)?;
                Ok(Value::Rt(self.truth(a)?))
            }
            ("builtins", "complex") => {
                let c128 = Type::Scalar(Scalar::C128);
                match args.len() {
                    1 => {
                        let [a] = self.rt_args::<1>(args, "complex()", span)?;
                        Ok(Value::Rt(self.coerce(a, &c128, span)?))
                    }
                    2 => {
                        let [re, im] = self.rt_args::<2>(args, "complex()", span)?;
                        let re = self.coerce(re, &F64, span)?;
                        let im = self.coerce(im, &F64, span)?;
                        Ok(self.math("complex", vec![re, im], c128, span))
                    }
                    _ => Err(Diagnostic::typing("bad-arity", "complex() takes one or two numbers", span)),
                }
            }
            ("builtins", "round") => self.round(args, span),
            ("builtins", "divmod") => {
                let [a, b] = self.rt_args::<2>(args, "divmod()", span)?;
                let q = self.binary(ast::Operator::FloorDiv, a.clone(), b.clone(), span)?;
                let r = self.binary(ast::Operator::Mod, a, b, span)?;
                let ty = Type::Tuple(vec![q.ty.clone(), r.ty.clone()]);
                Ok(Value::Rt(Expr::new(ExprKind::Tuple(vec![q, r]), ty, span)))
            }
            ("builtins", "pow") | ("numpy", "power") => {
                let [a, b] = self.rt_args::<2>(args, "pow()", span)?;
                Ok(Value::Rt(self.binary(ast::Operator::Pow, a, b, span)?))
            }
            ("math", f) if MATH_UNARY.contains(&f) => {
                let [a] = self.rt_args::<1>(args, f, span)?;
                let a = self.float_of(a, span)?;
                let t = a.ty.clone();
                Ok(self.math(static_name(f), vec![a], t, span))
            }
            ("math", "log") if args.len() == 2 => {
                let [x, base] = self.rt_args::<2>(args, "log", span)?;
                let x = self.float_of(x, span)?;
                let base = self.float_of(base, span)?;
                let lx = Expr::new(ExprKind::Math("log", vec![self.coerce(x, &F64, span)?]), F64, span);
                let lb = Expr::new(ExprKind::Math("log", vec![self.coerce(base, &F64, span)?]), F64, span);
                Ok(Value::Rt(Expr::new(ExprKind::Binary(BinOp::TrueDiv, bx(lx), bx(lb)), F64, span)))
            }
            ("math", f) if MATH_BINARY.contains(&f) => {
                let [a, b] = self.rt_args::<2>(args, f, span)?;
                let (a, b) = (self.float_of(a, span)?, self.float_of(b, span)?);
                let t = Type::Scalar(arith_promote(a.ty.scalar().unwrap_or(Scalar::F64), b.ty.scalar().unwrap_or(Scalar::F64)));
                let (a, b) = (self.coerce(a, &t, span)?, self.coerce(b, &t, span)?);
                Ok(self.math(static_name(f), vec![a, b], t, span))
            }
            ("math", "floor" | "ceil" | "trunc") => {
                let [a] = self.rt_args::<1>(args, name, span)?;
                if a.ty.is_int() {
                    let a = self.coerce(a, &I64, span)?;
                    return Ok(Value::Rt(a));
                }
                let a = self.float_of(a, span)?;
                let t = a.ty.clone();
                // Python's math.floor returns an int (Numba: int64).
                let f = Expr::new(ExprKind::Math(static_name(name), vec![a]), t, span);
                Ok(Value::Rt(self.coerce(f, &I64, span)?))
            }
            ("math" | "numpy", "isnan" | "isinf" | "isfinite") => {
                let [a] = self.rt_args::<1>(args, name, span)?;
                if a.ty.is_int() || a.ty.is_bool() {
                    return Ok(Value::Rt(Expr::new(ExprKind::Bool(name == "isfinite"), BOOL, span)));
                }
                let a = self.float_of(a, span)?;
                Ok(self.math(static_name(name), vec![a], BOOL, span))
            }
            ("math", "ldexp") => {
                let [x, e] = self.rt_args::<2>(args, "ldexp", span)?;
                let x = self.float_of(x, span)?;
                let e = self.index_int(e, span)?;
                let t = x.ty.clone();
                Ok(self.math("ldexp", vec![x, e], t, span))
            }
            ("math", "frexp") => {
                let [a] = self.rt_args::<1>(args, "frexp", span)?;
                let a = self.float_of(a, span)?;
                let x = self.coerce(a, &F64, span)?;
                let m = Expr::new(ExprKind::Math("frexp_mantissa", vec![x.clone()]), F64, span);
                let e = Expr::new(ExprKind::Math("frexp_exponent", vec![x]), I64, span);
                Ok(Value::Rt(Expr::new(ExprKind::Tuple(vec![m, e]), Type::Tuple(vec![F64, I64]), span)))
            }
            ("math", "gcd") => {
                let [a, b] = self.rt_args::<2>(args, "gcd", span)?;
                let (a, b) = (self.index_int(a, span)?, self.index_int(b, span)?);
                Ok(self.math("gcd", vec![a, b], I64, span))
            }
            ("cmath", f) => self.cmath(f, args, span),
            ("operator", f) => self.operator_call(f, args, span),
            ("native", f) => self.native_call(f, args, span),
            _ => Err(Diagnostic::typing("unsupported-function", format!("'{}' is not supported in compiled code", path.trim_start_matches("builtins.")), span)
                .with_hint("see the README for the supported builtins and math functions")),
        }
    }

    /// `operator.add(a, b)` and friends: the operator itself.
    fn operator_call(&mut self, f: &str, args: Vec<Value>, span: Span) -> Result<Value, Diagnostic> {
        if let Some((_, op)) = OPERATOR_BINARY.iter().find(|(n, _)| *n == f) {
            let [a, b] = self.rt_args::<2>(args, f, span)?;
            if f.starts_with('i') && a.ty.array().is_some() {
                // operator.iadd(a, b) on an array is `a += b`: in place, then a itself.
                let (tmp, ty) = (self.temp("inplace", a.ty.clone()), a.ty.clone());
                let mut stmts = vec![self.assign_var(tmp, a, span)?];
                stmts.extend(self.array_in_place(*op, self.var_expr(tmp, span), b, span)?);
                return Ok(Value::Rt(Expr::new(ExprKind::Block(stmts, Box::new(self.var_expr(tmp, span))), ty, span)));
            }
            return Ok(Value::Rt(self.binary(*op, a, b, span)?));
        }
        if let Some((_, op)) = OPERATOR_COMPARE.iter().find(|(n, _)| *n == f) {
            let [a, b] = self.rt_args::<2>(args, f, span)?;
            return Ok(Value::Rt(self.compare(*op, a, b, span)?));
        }
        if f == "contains" {
            let [container, item] = self.rt_args::<2>(args, f, span)?;
            return Ok(Value::Rt(self.compare(ast::CmpOp::In, item, container, span)?));
        }
        let [a] = self.rt_args::<1>(args, f, span)?;
        match f {
            "neg" => Ok(Value::Rt(self.unary(ast::UnaryOp::USub, a, span)?)),
            "pos" => Ok(Value::Rt(self.unary(ast::UnaryOp::UAdd, a, span)?)),
            "invert" | "inv" => Ok(Value::Rt(self.unary(ast::UnaryOp::Invert, a, span)?)),
            "not_" => Ok(Value::Rt(self.unary(ast::UnaryOp::Not, a, span)?)),
            "truth" => Ok(Value::Rt(self.truth(a)?)),
            "abs" => self.abs(a, span),
            "index" => Ok(Value::Rt(self.index_int(a, span)?)),
            _ => Err(Diagnostic::typing("unsupported-function", format!("operator.{f} is not supported in compiled code"), span)),
        }
    }

    fn abs(&mut self, a: Expr, span: Span) -> Result<Value, Diagnostic> {
        match a.ty.scalar() {
            Some(s) if s.is_complex() => {
                let t = Type::Scalar(s.real_part());
                Ok(self.math("cabs", vec![a], t, span))
            }
            Some(s) if s.is_float() => {
                let t = a.ty.clone();
                Ok(self.math("fabs", vec![a], t, span))
            }
            Some(s) => {
                let t = if s == Scalar::Bool { I64 } else { Type::Scalar(arith_promote(s, s)) };
                if !t.scalar().unwrap().is_signed() {
                    return Ok(Value::Rt(self.coerce(a, &t, span)?));
                }
                let a = self.coerce(a, &t, span)?;
                Ok(self.math("iabs", vec![a], t, span))
            }
            None if a.ty == Type::Unknown => Ok(Value::Rt(a)),
            None => Err(Diagnostic::typing("bad-argument", format!("abs() of {} is not supported", a.ty), span)),
        }
    }

    fn min_max(&mut self, name: &str, args: Vec<Value>, span: Span) -> Result<Value, Diagnostic> {
        let which: &'static str = if name == "min" { "min" } else { "max" };
        let items: Vec<Expr> = if args.len() == 1 {
            let seq = args.into_iter().next().unwrap();
            match seq {
                Value::Rt(e) if matches!(e.ty, Type::Tuple(_)) => {
                    let Type::Tuple(tys) = e.ty.clone() else { unreachable!() };
                    if tys.is_empty() {
                        return Err(Diagnostic::typing("bad-argument", format!("{which}() argument is an empty tuple"), span));
                    }
                    (0..tys.len()).map(|i| Expr::new(ExprKind::TupleGet(bx(e.clone()), i), tys[i].clone(), span)).collect()
                }
                Value::Rt(e) if matches!(e.ty, Type::Array(_)) => {
                    let a = e.ty.array().unwrap().clone();
                    if a.dtype.is_complex() {
                        return Err(Diagnostic::typing("bad-argument", format!("{which}() of a complex array is not supported"), span));
                    }
                    let name = if which == "min" { "array_min" } else { "array_max" };
                    return Ok(self.math(name, vec![e], Type::Scalar(a.dtype), span));
                }
                range @ Value::Range(..) => return self.fold_builtin(which, vec![range], span),
                Value::Rt(e) if matches!(e.ty, Type::List { .. }) => return self.fold_builtin(which, vec![Value::Rt(e)], span),
                other => {
                    return Err(Diagnostic::typing("bad-argument", format!("{which}() of {} is not supported", describe_value(&other)), span)
                        .with_hint("pass several numbers, a tuple or an array"))
                }
            }
        } else {
            let mut v = vec![];
            for a in args {
                v.push(self.as_rt(a, span)?);
            }
            v
        };
        let mut acc: Option<Expr> = None;
        for x in items {
            acc = Some(match acc {
                None => x,
                Some(a) => {
                    let (Some(sa), Some(sb)) = (a.ty.scalar(), x.ty.scalar()) else {
                        if a.ty == Type::Unknown || x.ty == Type::Unknown {
                            return Ok(Value::Rt(Expr::new(ExprKind::Int(0), Type::Unknown, span)));
                        }
                        return Err(Diagnostic::typing("bad-argument", format!("{which}() of {} and {} is not supported", a.ty, x.ty), span));
                    };
                    let t = if sa == Scalar::Bool && sb == Scalar::Bool { BOOL } else { Type::Scalar(crate::common::types::unify(&a.ty, &x.ty).and_then(|t| t.scalar()).unwrap_or(sa)) };
                    let _ = sb;
                    let (a, x) = (self.coerce(a, &t, span)?, self.coerce(x, &t, span)?);
                    Expr::new(ExprKind::Math(which, vec![a, x]), t, span)
                }
            });
        }
        Ok(Value::Rt(acc.expect("min/max with no items")))
    }

    fn round(&mut self, args: Vec<Value>, span: Span) -> Result<Value, Diagnostic> {
        match args.len() {
            1 => {
                let [a] = self.rt_args::<1>(args, "round()", span)?;
                if a.ty.is_int() || a.ty.is_bool() {
                    return Ok(Value::Rt(self.coerce(a, &I64, span)?));
                }
                let a = self.float_of(a, span)?;
                let t = a.ty.clone();
                let r = Expr::new(ExprKind::Math("rint", vec![a]), t, span);
                Ok(Value::Rt(self.coerce(r, &I64, span)?))
            }
            2 => {
                let [a, n] = self.rt_args::<2>(args, "round()", span)?;
                let n = self.index_int(n, span)?;
                if a.ty.is_int() {
                    let a = self.coerce(a, &I64, span)?;
                    return Ok(self.math("round_int", vec![a, n], I64, span));
                }
                let a = self.float_of(a, span)?;
                let t = a.ty.clone();
                Ok(self.math("round_ndigits", vec![a, n], t, span))
            }
            _ => Err(Diagnostic::typing("bad-arity", "round() takes a number and an optional ndigits", span)),
        }
    }

    fn cmath(&mut self, f: &str, args: Vec<Value>, span: Span) -> Result<Value, Diagnostic> {
        let c128 = Type::Scalar(Scalar::C128);
        if f == "rect" {
            let [r, phi] = self.rt_args::<2>(args, "cmath.rect", span)?;
            let (r, phi) = (self.coerce(r, &F64, span)?, self.coerce(phi, &F64, span)?);
            return Ok(self.math("crect", vec![r, phi], c128, span));
        }
        if f == "log" && args.len() == 2 {
            // log(z, base) = log(z) / log(base), by CPython's complex division.
            let [z, base] = self.rt_args::<2>(args, "cmath.log", span)?;
            if z.ty.scalar().is_none() || base.ty.scalar().is_none() {
                return Err(Diagnostic::typing("bad-argument", "cmath.log takes numbers", span));
            }
            let both64 = z.ty.scalar() == Some(Scalar::C64) && base.ty.scalar() == Some(Scalar::C64);
            let ct = if both64 { Type::Scalar(Scalar::C64) } else { c128 };
            let (z, base) = (self.coerce(z, &ct, span)?, self.coerce(base, &ct, span)?);
            return Ok(self.math("clog_base", vec![z, base], ct, span));
        }
        let [a] = self.rt_args::<1>(args, f, span)?;
        if a.ty.scalar().is_none() {
            return Err(Diagnostic::typing("bad-argument", format!("cmath.{f} takes a number, not {}", a.ty), span));
        }
        let ct = if a.ty.scalar() == Some(Scalar::C64) { Type::Scalar(Scalar::C64) } else { c128.clone() };
        let a = self.coerce(a, &ct, span)?;
        let rt = Type::Scalar(ct.scalar().unwrap().real_part());
        if !(CMATH_UNARY.contains(&f) || matches!(f, "phase" | "polar" | "isnan" | "isinf" | "isfinite")) {
            return Err(Diagnostic::typing("unsupported-function", format!("cmath.{f} is not supported in compiled code yet"), span)
                .with_hint(format!("supported: {}, phase, polar, rect, isnan, isinf, isfinite", CMATH_UNARY.join(", "))));
        }
        Ok(match f {
            "phase" => self.math("cphase", vec![a], rt, span),
            "polar" => self.math("cpolar", vec![a], Type::Tuple(vec![rt.clone(), rt]), span),
            "isnan" | "isinf" | "isfinite" => self.math(static_name(&format!("c{f}")), vec![a], BOOL, span),
            _ => self.math(static_name(&format!("c{f}")), vec![a], ct, span),
        })
    }

    pub(crate) fn numpy_scalar(&mut self, f: &str, args: Vec<Value>, span: Span) -> Result<Value, Diagnostic> {
        let rts: Vec<Expr> = {
            let mut v = vec![];
            for a in args {
                v.push(self.as_rt(a, span)?);
            }
            v
        };
        if rts.iter().any(|e| e.ty.array().is_some()) {
            return Err(Diagnostic::typing("unsupported-function", format!("numpy.{f} on arrays is not supported yet"), span)
                .with_hint("NumPy array functions arrive with the NumPy milestone; loop over the elements"));
        }
        match (f, rts.len()) {
            ("maximum" | "minimum", 2) => {
                let mut it = rts.into_iter();
                let (a, b) = (it.next().unwrap(), it.next().unwrap());
                let (sa, sb) = (a.ty.scalar().unwrap_or(Scalar::F64), b.ty.scalar().unwrap_or(Scalar::F64));
                let t = Type::Scalar(if self.array_dtypes { crate::common::types::numpy_promote(sa, sb) } else { arith_promote(sa, sb) });
                let (a, b) = (self.coerce(a, &t, span)?, self.coerce(b, &t, span)?);
                // NumPy propagates NaN from either side, unlike Python's min/max.
                let name = if f == "maximum" { "fmax_nan" } else { "fmin_nan" };
                Ok(self.math(name, vec![a, b], t, span))
            }
            ("sign", 1) => {
                let a = rts.into_iter().next().unwrap();
                let t = a.ty.clone();
                Ok(self.math("sign", vec![a], t, span))
            }
            ("fmax" | "fmin", 2) => {
                let mut it = rts.into_iter();
                let (a, b) = (it.next().unwrap(), it.next().unwrap());
                let (sa, sb) = (a.ty.scalar().unwrap_or(Scalar::F64), b.ty.scalar().unwrap_or(Scalar::F64));
                let t = Type::Scalar(if self.array_dtypes { crate::common::types::numpy_promote(sa, sb) } else { arith_promote(sa, sb) });
                let (a, b) = (self.coerce(a, &t, span)?, self.coerce(b, &t, span)?);
                // fmax/fmin ignore a NaN when the other operand is a number.
                let name = if f == "fmax" { "fmax_num" } else { "fmin_num" };
                Ok(self.math(name, vec![a, b], t, span))
            }
            ("add" | "subtract" | "multiply" | "divide" | "true_divide" | "floor_divide" | "remainder" | "mod" | "bitwise_and"
            | "bitwise_or" | "bitwise_xor" | "left_shift" | "right_shift" | "power", 2) => {
                let op = match f {
                    "add" => ast::Operator::Add,
                    "subtract" => ast::Operator::Sub,
                    "multiply" => ast::Operator::Mult,
                    "divide" | "true_divide" => ast::Operator::Div,
                    "floor_divide" => ast::Operator::FloorDiv,
                    "remainder" | "mod" => ast::Operator::Mod,
                    "bitwise_and" => ast::Operator::BitAnd,
                    "bitwise_or" => ast::Operator::BitOr,
                    "bitwise_xor" => ast::Operator::BitXor,
                    "left_shift" => ast::Operator::LShift,
                    "power" => ast::Operator::Pow,
                    _ => ast::Operator::RShift,
                };
                let mut it = rts.into_iter();
                let (a, b) = (it.next().unwrap(), it.next().unwrap());
                Ok(Value::Rt(self.binary(op, a, b, span)?))
            }
            ("logical_and" | "logical_or" | "logical_xor", 2) => {
                let mut it = rts.into_iter();
                let (a, b) = (self.truth(it.next().unwrap())?, self.truth(it.next().unwrap())?);
                let op = match f {
                    "logical_and" => BinOp::BitAnd,
                    "logical_or" => BinOp::BitOr,
                    _ => BinOp::BitXor,
                };
                Ok(Value::Rt(Expr::new(ExprKind::Binary(op, bx(a), bx(b)), BOOL, span)))
            }
            ("logical_not", 1) => {
                let a = self.truth(rts.into_iter().next().unwrap())?;
                Ok(Value::Rt(Expr::new(ExprKind::Unary(crate::common::ir::UnaryOp::Not, bx(a)), BOOL, span)))
            }
            ("negative" | "invert" | "bitwise_not", 1) => {
                let op = if f == "negative" { ast::UnaryOp::USub } else { ast::UnaryOp::Invert };
                let a = rts.into_iter().next().unwrap();
                Ok(Value::Rt(self.unary_scalar(op, a, span)?))
            }
            ("square", 1) => {
                let a = rts.into_iter().next().unwrap();
                Ok(Value::Rt(self.binary(ast::Operator::Mult, a.clone(), a, span)?))
            }
            ("where", 3) => {
                let mut it = rts.into_iter();
                let (c, x, y) = (it.next().unwrap(), it.next().unwrap(), it.next().unwrap());
                let c = self.truth(c)?;
                let ty = self.unify_or_err(&x.ty, &y.ty, span, "the two choices of numpy.where")?;
                let (x, y) = (self.coerce(x, &ty, span)?, self.coerce(y, &ty, span)?);
                Ok(Value::Rt(Expr::new(ExprKind::IfElse(bx(c), bx(x), bx(y)), ty, span)))
            }
            ("ldexp", 2) => {
                // x * 2**e, exactly (subnormal results correctly rounded), in x's float type.
                let mut it = rts.into_iter();
                let (x, e) = (it.next().unwrap(), it.next().unwrap());
                if !e.ty.scalar().is_some_and(|s| s.is_int() || s == Scalar::Bool) {
                    return Err(Diagnostic::typing("bad-argument", format!("numpy.ldexp() takes an integer exponent, not {}", e.ty), span));
                }
                let narrow = matches!(x.ty.scalar(), Some(Scalar::Bool | Scalar::I8 | Scalar::U8 | Scalar::I16 | Scalar::U16));
                // Element-wise, NumPy's loops take small integers as float32 (float16 for
                // 8-bit ones, which is float32 here, as elsewhere).
                let x = if narrow && self.array_dtypes { self.coerce(x, &Type::Scalar(Scalar::F32), span)? } else { self.float_of(x, span)? };
                let e = self.index_int(e, span)?;
                let t = x.ty.clone();
                Ok(self.math("ldexp", vec![x, e], t, span))
            }
            ("clip", 3) => {
                let mut it = rts.into_iter();
                let (x, lo, hi) = (it.next().unwrap(), it.next().unwrap(), it.next().unwrap());
                let raised = self.numpy_scalar("maximum", vec![Value::Rt(x), Value::Rt(lo)], span)?;
                self.numpy_scalar("minimum", vec![raised, Value::Rt(hi)], span)
            }
            (_, 1) | (_, 2) => {
                let Some((_, c)) = NUMPY_SCALAR.iter().find(|(n, _)| *n == f) else {
                    return Err(Diagnostic::typing("unsupported-function", format!("numpy.{f} is not supported yet"), span));
                };
                let mut rts = rts;
                if self.array_dtypes {
                    // Element-wise, NumPy's loops decide: integer abs/floor/ceil/trunc keep
                    // the dtype; float functions compute in the smallest float type every
                    // operand converts to safely (float32 for <=16-bit integers; NumPy's
                    // float16 for 8-bit ones is Numba's float32 here).
                    let all_real = rts.iter().all(|x| x.ty.scalar().is_some_and(|s| !s.is_complex()));
                    let ints = rts.iter().all(|x| x.ty.scalar().is_some_and(|s| s.is_int() || s == Scalar::Bool));
                    if ints && matches!(*c, "abs" | "floor" | "ceil" | "trunc") && rts.len() == 1 {
                        let a = rts.pop().unwrap();
                        let s = a.ty.scalar().unwrap();
                        if *c == "abs" && s.is_signed() {
                            let t = a.ty.clone();
                            return Ok(self.math("iabs", vec![a], t, span));
                        }
                        return Ok(Value::Rt(a));
                    }
                    let float_loop = *c == "rint" || (MATH_UNARY.contains(c) || matches!(*c, "atan2" | "hypot" | "copysign")) && *c != "abs";
                    if all_real && float_loop {
                        let narrow = rts.iter().all(|x| matches!(x.ty.scalar(), Some(Scalar::Bool | Scalar::I8 | Scalar::U8 | Scalar::I16 | Scalar::U16 | Scalar::F32)));
                        if narrow && rts.iter().any(|x| x.ty != Type::Scalar(Scalar::F32)) {
                            // Small integers are exact in float64: computing there and rounding
                            // once gives the float32 result correctly rounded.
                            let mut wide = vec![];
                            for x in rts {
                                wide.push(Value::Rt(self.coerce(x, &F64, span)?));
                            }
                            let v = self.numpy_scalar(f, wide, span)?;
                            let e = self.as_rt(v, span)?;
                            return Ok(Value::Rt(self.coerce(e, &Type::Scalar(Scalar::F32), span)?));
                        }
                        let t = Type::Scalar(if narrow { Scalar::F32 } else { Scalar::F64 });
                        let mut cast = vec![];
                        for x in rts {
                            cast.push(self.coerce(x, &t, span)?);
                        }
                        rts = cast;
                    }
                }
                let mut it = rts.into_iter();
                let mut vals: Vec<Value> = vec![];
                for x in it.by_ref() {
                    vals.push(Value::Rt(x));
                }
                match *c {
                    "abs" => {
                        let [a] = self.rt_args::<1>(vals, "numpy.abs", span)?;
                        self.abs(a, span)
                    }
                    "floor" | "ceil" | "trunc" | "rint" => {
                        let [a] = self.rt_args::<1>(vals, f, span)?;
                        // NumPy keeps the float type (np.floor(2.5) is 2.0).
                        let a = self.float_of(a, span)?;
                        let t = a.ty.clone();
                        Ok(self.math(static_name(c), vec![a], t, span))
                    }
                    "conj" => {
                        let [a] = self.rt_args::<1>(vals, "numpy.conjugate", span)?;
                        if a.ty.is_complex() {
                            let t = a.ty.clone();
                            return Ok(self.math("conj", vec![a], t, span));
                        }
                        // The conjugate of a real number is itself, in its own type.
                        Ok(Value::Rt(a))
                    }
                    _ if vals.len() == 1 && matches!(&vals[0], Value::Rt(x) if x.ty.is_complex())
                        && (CMATH_UNARY.contains(c) || matches!(*c, "isnan" | "isinf" | "isfinite")) =>
                    {
                        // Complex numbers: cmath's functions (NumPy's follow the same C99
                        // special values), in the argument's precision.
                        let t = match &vals[0] {
                            Value::Rt(x) => x.ty.clone(),
                            _ => unreachable!("checked above"),
                        };
                        let v = self.call_builtin(&format!("cmath.{c}"), vals, vec![], span)?;
                        let mut e = self.as_rt(v, span)?;
                        if let ExprKind::Math(name, _) = &mut e.kind {
                            // NumPy returns special values where cmath raises (log(0j) is -inf).
                            if let Some(quiet) = NUMPY_QUIET_CMATH.iter().find(|q| q[3..] == **name) {
                                *name = quiet;
                            }
                        }
                        if e.ty.is_complex() {
                            return Ok(Value::Rt(self.coerce(e, &t, span)?));
                        }
                        Ok(Value::Rt(e))
                    }
                    _ => {
                        let path = if MATH_UNARY.contains(c) || MATH_BINARY.contains(c) || matches!(*c, "isnan" | "isinf" | "isfinite") {
                            format!("math.{c}")
                        } else {
                            return Err(Diagnostic::typing("unsupported-function", format!("numpy.{f} is not supported yet"), span));
                        };
                        self.call_builtin(&path, vals, vec![], span)
                    }
                }
            }
            _ => Err(Diagnostic::typing("bad-arity", format!("numpy.{f} called with {} arguments", rts.len()), span)),
        }
    }
}

/// cmath's runtime helpers as NumPy's complex ufuncs call them: the same values, but special
/// values are returned rather than raised as ValueError/OverflowError.
const NUMPY_QUIET_CMATH: &[&str] = &[
    "np_csqrt", "np_cexp", "np_clog", "np_clog10", "np_csin", "np_ccos", "np_ctan", "np_cacos", "np_cacosh", "np_casin", "np_casinh",
    "np_catan", "np_catanh", "np_ccosh", "np_csinh", "np_ctanh",
];

/// Math function names live in the IR as `&'static str`; map a runtime name to the static one.
fn static_name(name: &str) -> &'static str {
    const ALL: &[&str] = &[
        "sqrt", "exp", "log", "log1p", "expm1", "log10", "log2", "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "asinh",
        "acosh", "atanh", "erf", "erfc", "gamma", "lgamma", "fabs", "degrees", "radians", "exp2", "cbrt", "atan2", "hypot", "copysign", "fmod",
        "pow", "nextafter", "floor", "ceil", "trunc", "rint", "isnan", "isinf", "isfinite", "csqrt", "cexp", "clog", "clog10", "csin", "ccos",
        "ctan", "cisnan", "cisinf", "cisfinite", "cacos", "cacosh", "casin", "casinh", "catan", "catanh", "ccosh", "csinh", "ctanh",
    ];
    ALL.iter().find(|n| **n == name).copied().unwrap_or("unknown")
}

impl<'a> Typer<'a> {
    /// `ferrumba._native.sort(a)` (in place) and `argsort(a, out)`: the NumPy library's
    /// hooks into the runtime's sorting kernels, for 1-d arrays of real numbers.
    fn native_call(&mut self, name: &str, args: Vec<Value>, span: Span) -> Result<Value, Diagnostic> {
        let mut exprs = vec![];
        for a in args {
            exprs.push(self.as_rt(a, span)?);
        }
        let sortable = |e: &Expr| e.ty.array().is_some_and(|a| a.ndim == 1 && !a.dtype.is_complex());
        let ok = match (name, exprs.as_slice()) {
            ("sort", [a]) => sortable(a) && !a.ty.array().is_some_and(|t| t.readonly),
            ("argsort", [a, out]) => sortable(a) && out.ty.array().is_some_and(|t| t.ndim == 1 && t.dtype == Scalar::I64 && !t.readonly),
            _ => false,
        };
        if !ok {
            let types: Vec<String> = exprs.iter().map(|e| e.ty.to_string()).collect();
            return Err(Diagnostic::internal(format!("ferrumba._native.{name} called with ({})", types.join(", "))));
        }
        let name: &'static str = if name == "sort" { "sort" } else { "argsort" };
        Ok(Value::Rt(Expr::new(ExprKind::Math(name, exprs), Type::NoneType, span)))
    }
}
