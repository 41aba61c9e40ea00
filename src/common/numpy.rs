//! Typing of NumPy inside compiled code: array creation, element-wise array expressions
//! (fused into one `Map`), ufuncs on arrays, `np.nonzero` and NumPy's functions the compiler
//! knows natively. Array methods and views are in `array_methods.rs`.
use crate::common::diagnostic::{Diagnostic, Span};
use crate::common::infer::{describe_value, Typer, Value};
use crate::common::ir::{BinOp, Expr, ExprKind, Stmt};
use crate::common::types::{arith_promote, ArrayType, Layout, Scalar, Type, F64, I64};
use rustpython_parser::ast;

fn bx(e: Expr) -> Box<Expr> {
    Box::new(e)
}

/// NumPy functions that build arrays, handled here rather than as scalar functions.
pub const ARRAY_FUNCTIONS: &[&str] = &[
    "empty", "zeros", "ones", "full", "empty_like", "zeros_like", "ones_like", "full_like", "arange", "nonzero", "copy", "array", "asarray",
    "matmul",
];

/// Ufuncs whose loops are of one type for all operands, so that a weak literal operand
/// takes the array's dtype (NEP 50); float functions (arctan2, ...) are not among them.
const WEAK_SCALAR_UFUNCS: &[&str] = &[
    "add", "subtract", "multiply", "divide", "true_divide", "floor_divide", "remainder", "mod", "maximum", "minimum", "fmax", "fmin",
    "bitwise_and", "bitwise_or", "bitwise_xor", "power",
];

/// Float functions of two operands: a weak literal next to an array takes its dtype when of
/// no higher kind (`np.arctan2(float32_array, 2.0)` is float32, `np.arctan2(0, int16_array)`
/// float32 as NumPy computes it; next to 8-bit integers NumPy's float16 is float32 here).
const WEAK_FLOAT_UFUNCS: &[&str] = &["arctan2", "hypot", "copysign"];

fn new_array(dtype: Scalar, ndim: u32) -> Type {
    Type::Array(ArrayType { dtype, ndim, layout: Layout::C, readonly: false })
}

/// NumPy's order='K' for element-wise results, as far as types tell: Fortran order when
/// every operand of two or more dimensions is F-contiguous (lower ones broadcast), else C.
fn result_layout(inputs: &[Expr], ndim: u32) -> Layout {
    let mut wide = inputs.iter().filter_map(|x| x.ty.array()).filter(|a| a.ndim >= 2).peekable();
    if ndim >= 2 && wide.peek().is_some() && wide.all(|a| a.layout == Layout::F) {
        Layout::F
    } else {
        Layout::C
    }
}

impl<'a> Typer<'a> {
    /// Split an operand of an element-wise operation into Map inputs and the scalar
    /// expression standing for its element; an unmaterialized Map is fused into the new one.
    pub(crate) fn map_operand(&mut self, e: Expr, inputs: &mut Vec<Expr>) -> Expr {
        let span = e.span;
        match e.kind {
            ExprKind::Map { inputs: inner, mut body, shape: None } => {
                let mut remap = vec![];
                for x in inner {
                    remap.push(self.add_map_input(x, inputs));
                }
                // Inputs may have been deduplicated, so renumber through the table.
                renumber(&mut body, &remap);
                *body
            }
            _ => {
                let ty = match &e.ty {
                    Type::Array(a) => Type::Scalar(a.dtype),
                    other => other.clone(),
                };
                let k = self.add_map_input(e, inputs);
                Expr::new(ExprKind::MapInput(k), ty, span)
            }
        }
    }

    fn add_map_input(&mut self, e: Expr, inputs: &mut Vec<Expr>) -> usize {
        // The same variable read twice (`a*b - 4.1*a`) is one input.
        if let ExprKind::Var(v) = e.kind {
            if let Some(k) = inputs.iter().position(|x| matches!(x.kind, ExprKind::Var(w) if w == v)) {
                return k;
            }
        }
        inputs.push(e);
        inputs.len() - 1
    }

    pub(crate) fn result_map(&mut self, inputs: Vec<Expr>, body: Expr, span: Span) -> Expr {
        let ndim = inputs.iter().filter_map(|x| x.ty.array().map(|a| a.ndim)).max().unwrap_or(0);
        let dtype = body.ty.scalar().unwrap_or(Scalar::F64);
        let ty = Type::Array(ArrayType { dtype, ndim, layout: result_layout(&inputs, ndim), readonly: false });
        Expr::new(ExprKind::Map { inputs, body: bx(body), shape: None }, ty, span)
    }

    /// The same array expression made C-ordered (`a.copy()`, `flatten`, a reshape's source).
    pub(crate) fn c_ordered(&mut self, e: Expr, span: Span) -> Expr {
        match (&e.kind, e.ty.clone()) {
            (ExprKind::Map { .. }, Type::Array(at)) if at.layout == Layout::F => Expr { ty: Type::Array(ArrayType { layout: Layout::C, ..at }), ..e },
            (_, Type::Array(at)) if at.layout != Layout::C => {
                let mut inputs = vec![];
                let x = self.map_operand(e, &mut inputs);
                let body = x;
                Expr::new(ExprKind::Map { inputs, body: bx(body), shape: None }, Type::Array(ArrayType { layout: Layout::C, readonly: false, ..at }), span)
            }
            _ => e,
        }
    }

    /// The result of an element-wise operation: a Map, or, when every array operand is
    /// 0-d, the scalar NumPy gives (`0-d + 0-d`, `np.sqrt(0-d)`), each 0-d operand read once.
    fn elementwise_result(&mut self, inputs: Vec<Expr>, body: Expr, span: Span) -> Expr {
        if inputs.iter().any(|x| x.ty.array().is_some_and(|a| a.ndim > 0)) || body.ty.scalar().is_none() {
            return self.result_map(inputs, body, span);
        }
        let elements: Vec<Expr> = inputs
            .into_iter()
            .map(|x| match x.ty.array().map(|a| a.dtype) {
                Some(dtype) => Expr::new(ExprKind::ArrayGet(bx(x), vec![]), Type::Scalar(dtype), span),
                None => x,
            })
            .collect();
        let mut body = body;
        substitute_inputs(&mut body, &elements);
        body
    }

    /// NEP 50: a Python number written in the code (a literal) next to an array is "weak":
    /// it takes the array's dtype when it is of the same or a lower kind (bool < int <
    /// float < complex) and, for an integer, when its value fits (`int8_array + 3` is int8,
    /// `float32_array * 2.5` is float32). Otherwise it keeps the type Python gives it
    /// (`int8_array * 2.5` is float64), as it also does when it is a variable (Numba types
    /// those as int64/float64). `None`: leave the operand as it is.
    fn weak_literal(&mut self, lit: &Expr, dtype: Scalar, span: Span) -> Result<Option<Expr>, Diagnostic> {
        if self.strong_scalars.contains(&lit.span) {
            return Ok(None);
        }
        let target = match lit.kind {
            ExprKind::Bool(_) => Some(dtype),
            ExprKind::Int(n) if dtype.is_int() => {
                let fits = if dtype.is_signed() {
                    let half = 1i128 << (dtype.bits() - 1);
                    (n as i128) >= -half && (n as i128) < half
                } else {
                    n >= 0 && (n as i128) < (1i128 << dtype.bits())
                };
                fits.then_some(dtype)
            }
            ExprKind::Int(_) | ExprKind::Float(_) if dtype.is_float() || dtype.is_complex() => Some(dtype),
            ExprKind::Complex(..) if matches!(dtype, Scalar::F32 | Scalar::C64) => Some(Scalar::C64),
            _ => None,
        };
        match target {
            Some(t) if Type::Scalar(t) != lit.ty => Ok(Some(self.coerce(lit.clone(), &Type::Scalar(t), span)?)),
            Some(_) => Ok(Some(lit.clone())),
            None => Ok(None),
        }
    }

    /// The operands of a binary element-wise operation, a weak literal given the array's dtype.
    fn weaken_operands(&mut self, l: Expr, r: Expr, span: Span) -> Result<(Expr, Expr), Diagnostic> {
        match (l.ty.array().map(|a| a.dtype), r.ty.array().map(|a| a.dtype)) {
            (Some(d), None) => {
                let r = self.weak_literal(&r, d, span)?.unwrap_or(r);
                Ok((l, r))
            }
            (None, Some(d)) => {
                let l = self.weak_literal(&l, d, span)?.unwrap_or(l);
                Ok((l, r))
            }
            _ => Ok((l, r)),
        }
    }

    /// `l op r` where at least one side is an array.
    pub(crate) fn array_binary(&mut self, op: ast::Operator, l: Expr, r: Expr, span: Span) -> Result<Expr, Diagnostic> {
        // A scalar that is not weak (a variable, np.int64(3)) promotes as a 0-d array
        // would: NumPy's rule for typed scalars, and Numba's for its int64/float64.
        let (l, r) = self.weaken_operands(l, r, span)?;
        let mut inputs = vec![];
        let le = self.map_operand(l, &mut inputs);
        let re = self.map_operand(r, &mut inputs);
        let outer = std::mem::replace(&mut self.array_dtypes, true);
        let body = self.binary(op, le, re, span);
        self.array_dtypes = outer;
        Ok(self.elementwise_result(inputs, body?, span))
    }

    pub(crate) fn array_compare(&mut self, op: ast::CmpOp, l: Expr, r: Expr, span: Span) -> Result<Expr, Diagnostic> {
        let (l, r) = self.weaken_operands(l, r, span)?;
        let mut inputs = vec![];
        let le = self.map_operand(l, &mut inputs);
        let re = self.map_operand(r, &mut inputs);
        // Element-wise comparisons are exact between any two integers (uint64 with int64).
        let outer = std::mem::replace(&mut self.array_dtypes, true);
        let body = self.compare(op, le, re, span);
        self.array_dtypes = outer;
        Ok(self.elementwise_result(inputs, body?, span))
    }

    pub(crate) fn array_unary(&mut self, op: ast::UnaryOp, v: Expr, span: Span) -> Result<Expr, Diagnostic> {
        let mut inputs = vec![];
        let x = self.map_operand(v, &mut inputs);
        let body = match op {
            // `not` of an array is ambiguous in NumPy too.
            ast::UnaryOp::Not => return self.truth(Expr::new(ExprKind::Int(0), new_array(Scalar::Bool, 1), span)),
            // NumPy keeps the array's dtype (-int8_array is int8).
            _ => {
                let outer = std::mem::replace(&mut self.array_dtypes, true);
                let body = self.unary_scalar(op, x, span);
                self.array_dtypes = outer;
                body?
            }
        };
        Ok(self.elementwise_result(inputs, body, span))
    }

    /// A ufunc applied element-wise: type the scalar function on the element stand-ins,
    /// with NumPy's dtype rules (scalars that are not weak promote as 0-d arrays would).
    fn ufunc_map(&mut self, f: &str, args: Vec<Expr>, span: Span) -> Result<Value, Diagnostic> {
        let mut args = args;
        if args.len() == 2 && (WEAK_SCALAR_UFUNCS.contains(&f) || WEAK_FLOAT_UFUNCS.contains(&f)) {
            let r = args.pop().unwrap();
            let l = args.pop().unwrap();
            let (l, r) = self.weaken_operands(l, r, span)?;
            args = vec![l, r];
        }
        if args.len() == 3 && matches!(f, "clip" | "where") {
            // A weak literal bound of np.clip takes the array's dtype; a weak literal choice
            // of np.where takes the other choice's (NumPy 2: np.where(c, int8_array, 0) is int8).
            if f == "clip" {
                if let Some(d) = args[0].ty.array().map(|t| t.dtype) {
                    for i in 1..3 {
                        if args[i].ty.array().is_none() {
                            if let Some(w) = self.weak_literal(&args[i], d, span)? {
                                args[i] = w;
                            }
                        }
                    }
                }
            } else {
                for (i, j) in [(1usize, 2usize), (2, 1)] {
                    if let (None, Some(d)) = (args[i].ty.array(), args[j].ty.array().map(|t| t.dtype)) {
                        if let Some(w) = self.weak_literal(&args[i], d, span)? {
                            args[i] = w;
                        }
                    }
                }
            }
        }
        let mut inputs = vec![];
        let mut scalar_args = vec![];
        for a in args {
            let x = self.map_operand(a, &mut inputs);
            scalar_args.push(Value::Rt(x));
        }
        let outer = std::mem::replace(&mut self.array_dtypes, true);
        let typed = self.numpy_scalar(f, scalar_args, span);
        self.array_dtypes = outer;
        let body = match typed? {
            Value::Rt(e) => e,
            other => return Err(Diagnostic::internal(format!("ufunc {f} typed to {}", describe_value(&other)))),
        };
        if f == "where" {
            // Not a ufunc: np.where of scalars and 0-d arrays is a 0-d array.
            return Ok(Value::Rt(self.result_map(inputs, body, span)));
        }
        Ok(Value::Rt(self.elementwise_result(inputs, body, span)))
    }

    pub(crate) fn dtype_of(&self, v: &Value, span: Span) -> Result<Scalar, Diagnostic> {
        match v {
            Value::DType(s) | Value::Rt(Expr { ty: Type::DType(s), .. }) => Ok(*s),
            Value::Func(f) if f == "builtins.float" => Ok(Scalar::F64),
            Value::Func(f) if f == "builtins.int" => Ok(Scalar::I64),
            Value::Func(f) if f == "builtins.bool" => Ok(Scalar::Bool),
            Value::Func(f) if f == "builtins.complex" => Ok(Scalar::C128),
            Value::Str(s) => Scalar::from_name(s).ok_or_else(|| Diagnostic::typing("bad-argument", format!("unknown dtype '{s}'"), span)),
            other => Err(Diagnostic::typing("bad-argument", format!("{} is not a dtype", describe_value(other)), span)
                .with_hint("pass a NumPy type such as np.float64 or np.uint8")),
        }
    }

    /// The dimensions a shape argument (an int or a tuple of ints) gives.
    pub(crate) fn shape_dims(&mut self, v: Value, span: Span) -> Result<Vec<Expr>, Diagnostic> {
        let e = self.as_rt(v, span)?;
        match e.ty.clone() {
            Type::Tuple(items) => {
                let mut dims = vec![];
                for (i, _) in items.iter().enumerate() {
                    let item = Expr::new(ExprKind::TupleGet(bx(e.clone()), i), items[i].clone(), span);
                    dims.push(self.index_int(item, span)?);
                }
                Ok(dims)
            }
            _ => Ok(vec![self.index_int(e, span)?]),
        }
    }

    fn like_shape(&mut self, a: &Expr, span: Span) -> Result<(Vec<Expr>, Scalar), Diagnostic> {
        let Type::Array(at) = &a.ty else {
            return Err(Diagnostic::typing("bad-argument", format!("expected an array, got {}", a.ty), span));
        };
        let dims = (0..at.ndim as usize).map(|k| Expr::new(ExprKind::ArrayShape(bx(a.clone()), k), I64, span)).collect();
        Ok((dims, at.dtype))
    }

    fn filled(&mut self, dims: Vec<Expr>, dtype: Scalar, value: Option<Expr>, span: Span) -> Result<Expr, Diagnostic> {
        self.filled_in(dims, dtype, value, Layout::C, span)
    }

    fn filled_in(&mut self, dims: Vec<Expr>, dtype: Scalar, value: Option<Expr>, layout: Layout, span: Span) -> Result<Expr, Diagnostic> {
        let ndim = dims.len() as u32;
        let ty = Type::Array(ArrayType { dtype, ndim, layout: if ndim >= 2 { layout } else { Layout::C }, readonly: false });
        let Some(value) = value else {
            return Ok(Expr::new(ExprKind::ArrayEmpty(dims), ty, span));
        };
        let mut inputs = vec![];
        let x = self.map_operand(value, &mut inputs);
        let body = self.coerce(x, &Type::Scalar(dtype), span)?;
        Ok(Expr::new(ExprKind::Map { inputs, body: bx(body), shape: Some(dims) }, ty, span))
    }

    /// NumPy functions taking or making arrays. Scalar-only calls go to `numpy_scalar`.
    pub(crate) fn numpy_call(&mut self, f: &str, args: Vec<Value>, kwargs: Vec<(String, Value)>, span: Span) -> Result<Value, Diagnostic> {
        let mut args = args;
        let mut dtype_kw = None;
        let mut fill_kw = None;
        let mut size_kw = None;
        for (k, v) in kwargs {
            match k.as_str() {
                "dtype" => dtype_kw = Some(v),
                "fill_value" => fill_kw = Some(v),
                "size" => size_kw = Some(v),
                _ => return Err(Diagnostic::typing("unsupported", format!("numpy.{f}() keyword '{k}' is not supported"), span)),
            }
        }
        let const_value = |k: i64, dtype: Scalar| {
            let c = if dtype.is_float() || dtype.is_complex() { ExprKind::Float(k as f64) } else { ExprKind::Int(k) };
            let t = if dtype.is_float() || dtype.is_complex() { F64 } else { I64 };
            Expr::new(c, t, span)
        };
        match f {
            "empty" | "zeros" | "ones" | "full" => {
                if args.is_empty() {
                    return Err(Diagnostic::typing("bad-arity", format!("numpy.{f}() needs a shape"), span));
                }
                let shape = args.remove(0);
                let fill = if f == "full" {
                    match fill_kw.take().or_else(|| if args.is_empty() { None } else { Some(args.remove(0)) }) {
                        Some(v) => Some(self.as_rt(v, span)?),
                        None => return Err(Diagnostic::typing("bad-arity", "numpy.full() needs a fill value", span)),
                    }
                } else {
                    None
                };
                let dtype_v = dtype_kw.or_else(|| if args.is_empty() { None } else { Some(args.remove(0)) });
                let dtype = match (&dtype_v, &fill) {
                    (Some(d), _) => self.dtype_of(d, span)?,
                    (None, Some(v)) => v.ty.scalar().unwrap_or(Scalar::F64),
                    (None, None) => Scalar::F64,
                };
                let dims = self.shape_dims(shape, span)?;
                let value = match f {
                    "zeros" => Some(const_value(0, dtype)),
                    "ones" => Some(const_value(1, dtype)),
                    "full" => fill,
                    _ => None,
                };
                Ok(Value::Rt(self.filled(dims, dtype, value, span)?))
            }
            "empty_like" | "zeros_like" | "ones_like" | "full_like" | "copy" => {
                if args.is_empty() {
                    return Err(Diagnostic::typing("bad-arity", format!("numpy.{f}() needs an array"), span));
                }
                let a = self.as_rt(args.remove(0), span)?;
                let (dims, own_dtype) = self.like_shape(&a, span)?;
                if f == "copy" {
                    return Ok(Value::Rt(self.copy_array(a, span)?));
                }
                let fill = if f == "full_like" {
                    match fill_kw.take().or_else(|| if args.is_empty() { None } else { Some(args.remove(0)) }) {
                        Some(v) => Some(self.as_rt(v, span)?),
                        None => return Err(Diagnostic::typing("bad-arity", "numpy.full_like() needs a fill value", span)),
                    }
                } else {
                    None
                };
                let dtype_v = dtype_kw.or_else(|| if args.is_empty() { None } else { Some(args.remove(0)) });
                let dtype = match dtype_v {
                    Some(d) => self.dtype_of(&d, span)?,
                    None => own_dtype,
                };
                let value = match f {
                    "zeros_like" => Some(const_value(0, dtype)),
                    "ones_like" => Some(const_value(1, dtype)),
                    "full_like" => fill,
                    _ => None,
                };
                // order='K': an F-ordered input gives an F-ordered result.
                let layout = result_layout(std::slice::from_ref(&a), a.ty.array().map_or(0, |t| t.ndim));
                Ok(Value::Rt(self.filled_in(dims, dtype, value, layout, span)?))
            }
            "arange" => self.arange(args, dtype_kw, span),
            r if r.starts_with("random.") => self.random(&r[7..], args, size_kw.take(), span),
            "matmul" => {
                let [a, b] = <[Value; 2]>::try_from(args).map_err(|_| Diagnostic::typing("bad-arity", "numpy.matmul() takes two arrays", span))?;
                let (a, b) = (self.as_rt(a, span)?, self.as_rt(b, span)?);
                Ok(Value::Rt(self.matmul(a, b, span)?))
            }
            "array" | "asarray" => {
                if args.len() == 2 && dtype_kw.is_none() {
                    // np.array(seq, dtype): the dtype given by position.
                    dtype_kw = args.pop();
                }
                if args.len() != 1 {
                    return Err(Diagnostic::typing("bad-arity", format!("numpy.{f}() takes one sequence (and dtype=)"), span));
                }
                let a = self.as_rt(args.remove(0), span)?;
                let dtype = match &dtype_kw {
                    Some(d) => Some(self.dtype_of(d, span)?),
                    None => None,
                };
                Ok(Value::Rt(self.array_from(a, dtype, f == "asarray", span)?))
            }
            "nonzero" | "where" if args.len() == 1 => {
                let [a] = <[Value; 1]>::try_from(args).map_err(|_| Diagnostic::typing("bad-arity", "numpy.nonzero() takes one array", span))?;
                let a = self.as_rt(a, span)?;
                Ok(Value::Rt(self.nonzero(a, span)?))
            }
            _ => {
                if args.iter().any(|a| matches!(a, Value::Str(_))) {
                    // None of the functions left takes a string (`np.einsum('ij->i', a)`).
                    return Err(Diagnostic::typing("unsupported-function", format!("numpy.{f}() with a string argument is not supported in compiled code"), span)
                        .with_hint("see the README for the supported NumPy functions"));
                }
                let mut rts = vec![];
                for a in args {
                    rts.push(self.as_rt(a, span)?);
                }
                if rts.iter().any(|e| e.ty.array().is_some()) || (f == "where" && rts.len() == 3) {
                    return self.ufunc_map(f, rts, span);
                }
                self.numpy_scalar(f, rts.into_iter().map(Value::Rt).collect(), span)
            }
        }
    }

    /// `np.array(x)`: a copy of an array, or a new array from (nested) tuples of numbers.
    fn array_from(&mut self, a: Expr, dtype: Option<Scalar>, as_is: bool, span: Span) -> Result<Expr, Diagnostic> {
        if let Type::Array(at) = &a.ty {
            if as_is && dtype.is_none_or(|d| d == at.dtype) {
                return Ok(a);
            }
            let target = dtype.unwrap_or(at.dtype);
            let mut inputs = vec![];
            let x = self.map_operand(a, &mut inputs);
            let body = self.coerce(x, &Type::Scalar(target), span)?;
            return Ok(self.result_map(inputs, body, span));
        }
        if let Type::List { item, .. } = &a.ty {
            // A list of numbers: a 1-d array of its items, in the list's item type.
            let Some(elem) = item.scalar() else {
                return Err(Diagnostic::typing("unsupported", format!("numpy.array() of {} is not supported (only lists of numbers)", a.ty), span)
                    .with_hint("build the array with np.empty and fill it, or use nested tuples"));
            };
            let target = dtype.unwrap_or(elem);
            let list = self.temp("list", a.ty.clone());
            let stmts = vec![self.assign_var(list, a, span)?];
            let len = self.list_len(self.var_expr(list, span), span);
            let item = self.list_get(self.var_expr(list, span), Expr::new(ExprKind::MapIndex(0), I64, span), span);
            let body = self.coerce(item, &Type::Scalar(target), span)?;
            let ty = new_array(target, 1);
            let map = Expr::new(ExprKind::Map { inputs: vec![], body: bx(body), shape: Some(vec![len]) }, ty.clone(), span);
            return Ok(Expr::new(ExprKind::Block(stmts, bx(map)), ty, span));
        }
        if let Some(elem) = a.ty.scalar() {
            // A number: a 0-d array holding it.
            let target = dtype.unwrap_or(elem);
            let body = self.coerce(a, &Type::Scalar(target), span)?;
            return Ok(Expr::new(ExprKind::Map { inputs: vec![], body: bx(body), shape: Some(vec![]) }, new_array(target, 0), span));
        }
        // Nested tuples: the shape comes from the tuple type, every level homogeneous.
        let a = self.homogeneous_tuple(a, span)?;
        let mut dims = vec![];
        let mut level = a.ty.clone();
        while let Type::Tuple(items) = &level {
            let Some(first) = level.homogeneous_element().cloned() else {
                return Err(Diagnostic::typing("unsupported", format!("numpy.array() of {} (items of different types)", a.ty), span)
                    .with_hint("make every item the same type, e.g. all floats"));
            };
            dims.push(Expr::new(ExprKind::Int(items.len() as i64), I64, span));
            level = first;
        }
        let Some(elem) = level.scalar() else {
            return Err(Diagnostic::typing("bad-argument", format!("numpy.array() of {} is not supported", a.ty), span));
        };
        if dims.is_empty() {
            return Err(Diagnostic::typing("unsupported", "numpy.array() of a scalar (a 0-d array) is not supported yet", span));
        }
        let target = dtype.unwrap_or(if elem == Scalar::Bool { Scalar::Bool } else { elem });
        let tuple_ty = a.ty.clone();
        let mut body = Expr::new(ExprKind::MapInput(0), tuple_ty.clone(), span);
        let mut ty = tuple_ty;
        for d in 0..dims.len() {
            let inner = ty.homogeneous_element().cloned().expect("checked above");
            let index = Expr::new(ExprKind::MapIndex(d), I64, span);
            body = Expr::new(ExprKind::TupleGetDyn(bx(body), bx(index)), inner.clone(), span);
            ty = inner;
        }
        let body = self.coerce(body, &Type::Scalar(target), span)?;
        let ndim = dims.len() as u32;
        Ok(Expr::new(ExprKind::Map { inputs: vec![a], body: bx(body), shape: Some(dims) }, new_array(target, ndim), span))
    }

    /// Nested tuples of numbers with a regular shape but mixed types (`((x, 1.5), (y, 2))`)
    /// as the same tuple with every number converted to their common type, as NumPy's
    /// `array` promotes them; anything else is returned unchanged.
    fn homogeneous_tuple(&mut self, a: Expr, span: Span) -> Result<Expr, Diagnostic> {
        fn leaves(t: &Type, depth: usize, shape: &mut Vec<Option<usize>>, out: &mut Vec<Scalar>) -> bool {
            match t {
                Type::Tuple(items) => {
                    if shape.len() <= depth {
                        shape.push(Some(items.len()));
                    }
                    shape[depth] == Some(items.len()) && items.iter().all(|i| leaves(i, depth + 1, shape, out))
                }
                Type::Scalar(s) => {
                    if shape.len() <= depth {
                        shape.push(None);
                    }
                    out.push(*s);
                    shape[depth].is_none()
                }
                _ => false,
            }
        }
        if a.ty.homogeneous_element().is_some() && !matches!(a.ty.homogeneous_element(), Some(Type::Tuple(_))) {
            return Ok(a);
        }
        let (mut shape, mut scalars) = (vec![], vec![]);
        if !matches!(a.ty, Type::Tuple(_)) || !leaves(&a.ty, 0, &mut shape, &mut scalars) || scalars.is_empty() {
            return Ok(a);
        }
        let common = scalars.iter().skip(1).fold(scalars[0], |x, y| crate::common::types::numpy_promote(x, *y));
        let tmp = self.temp("rows", a.ty.clone());
        let var = Expr::new(ExprKind::Var(tmp), a.ty.clone(), span);
        fn rebuild(this: &mut Typer<'_>, e: Expr, to: Scalar, span: Span) -> Result<Expr, Diagnostic> {
            match e.ty.clone() {
                Type::Tuple(items) => {
                    let mut parts = vec![];
                    for (i, t) in items.into_iter().enumerate() {
                        parts.push(rebuild(this, Expr::new(ExprKind::TupleGet(bx(e.clone()), i), t, span), to, span)?);
                    }
                    let ty = Type::Tuple(parts.iter().map(|p| p.ty.clone()).collect());
                    Ok(Expr::new(ExprKind::Tuple(parts), ty, span))
                }
                _ => this.coerce(e, &Type::Scalar(to), span),
            }
        }
        let rebuilt = rebuild(self, var, common, span)?;
        let ty = rebuilt.ty.clone();
        Ok(Expr::new(ExprKind::Block(vec![Stmt::Assign(tmp, a)], bx(rebuilt)), ty, span))
    }

    /// `np.random.*`: scalars, or arrays (C order) when a size is given.
    fn random(&mut self, f: &str, args: Vec<Value>, size_kw: Option<Value>, span: Span) -> Result<Value, Diagnostic> {
        let mut rts = vec![];
        for a in args {
            rts.push(self.as_rt(a, span)?);
        }
        let f64e = |this: &mut Self, e: Expr| this.coerce(e, &F64, span);
        let draw = |name: &'static str, args: Vec<Expr>, ty: Type| Expr::new(ExprKind::Math(name, args), ty, span);
        let (body, size) = match f {
            "seed" => {
                let [s] = <[Expr; 1]>::try_from(rts).map_err(|_| Diagnostic::typing("bad-arity", "np.random.seed() takes one integer", span))?;
                let s = self.index_int(s, span)?;
                return Ok(Value::Rt(draw("rand_seed", vec![s], Type::NoneType)));
            }
            "random" | "random_sample" => (draw("rand_f64", vec![], F64), rts.into_iter().next().or(None).map(Value::Rt).or(size_kw)),
            "rand" | "randn" | "standard_normal" => {
                let name = if f == "rand" { "rand_f64" } else { "rand_normal" };
                let size = if f == "standard_normal" {
                    rts.into_iter().next().map(Value::Rt).or(size_kw)
                } else if rts.is_empty() {
                    None
                } else {
                    let ty = Type::Tuple(rts.iter().map(|e| e.ty.clone()).collect());
                    Some(Value::Rt(Expr::new(ExprKind::Tuple(rts), ty, span)))
                };
                (draw(name, vec![], F64), size)
            }
            "normal" | "uniform" => {
                let mut it = rts.into_iter();
                let (d0, d1) = if f == "normal" { (0.0, 1.0) } else { (0.0, 1.0) };
                let a = match it.next() { Some(e) => f64e(self, e)?, None => Expr::new(ExprKind::Float(d0), F64, span) };
                let b = match it.next() { Some(e) => f64e(self, e)?, None => Expr::new(ExprKind::Float(d1), F64, span) };
                let size = it.next().map(Value::Rt).or(size_kw);
                let body = if f == "normal" {
                    let z = draw("rand_normal", vec![], F64);
                    let scaled = Expr::new(ExprKind::Binary(BinOp::Mul, bx(b), bx(z)), F64, span);
                    Expr::new(ExprKind::Binary(BinOp::Add, bx(a), bx(scaled)), F64, span)
                } else {
                    let u = draw("rand_f64", vec![], F64);
                    let width = Expr::new(ExprKind::Binary(BinOp::Sub, bx(b), bx(a.clone())), F64, span);
                    let scaled = Expr::new(ExprKind::Binary(BinOp::Mul, bx(width), bx(u)), F64, span);
                    Expr::new(ExprKind::Binary(BinOp::Add, bx(a), bx(scaled)), F64, span)
                };
                (body, size)
            }
            "randint" => {
                let mut it = rts.into_iter();
                let first = it.next().ok_or_else(|| Diagnostic::typing("bad-arity", "np.random.randint() needs a bound", span))?;
                let first = self.index_int(first, span)?;
                let (lo, hi) = match it.next() {
                    Some(h) if h.ty != Type::NoneType => (first, self.index_int(h, span)?),
                    _ => (Expr::new(ExprKind::Int(0), I64, span), first),
                };
                let size = it.next().map(Value::Rt).or(size_kw);
                (draw("rand_int", vec![lo, hi], I64), size)
            }
            other => return Err(Diagnostic::typing("unsupported-function", format!("numpy.random.{other} is not supported yet"), span)),
        };
        let Some(size) = size else { return Ok(Value::Rt(body)) };
        let dims = self.shape_dims(size, span)?;
        let dtype = body.ty.scalar().unwrap_or(Scalar::F64);
        let ndim = dims.len() as u32;
        Ok(Value::Rt(Expr::new(ExprKind::Map { inputs: vec![], body: bx(body), shape: Some(dims) }, new_array(dtype, ndim), span)))
    }

    /// `a @ b` for float arrays of 1 or 2 dimensions, through a blocked GEMM kernel.
    pub(crate) fn matmul(&mut self, a: Expr, b: Expr, span: Span) -> Result<Expr, Diagnostic> {
        let (Some(at), Some(bt)) = (a.ty.array().cloned(), b.ty.array().cloned()) else {
            return Err(Diagnostic::typing("unsupported-operator", format!("@ needs two arrays, not {} and {}", a.ty, b.ty), span));
        };
        if !(1..=2).contains(&at.ndim) || !(1..=2).contains(&bt.ndim) {
            return Err(Diagnostic::typing("unsupported", "matrix products of arrays with more than 2 dimensions are not supported yet", span));
        }
        let dtype = match crate::common::types::numpy_promote(at.dtype, bt.dtype) {
            s @ (Scalar::F32 | Scalar::F64) => s,
            // Integers and booleans: exact sums (wrapping as NumPy's do) in library code.
            s if s.is_int() || s == Scalar::Bool => return self.library_call("matmul_exact", vec![a, b], span),
            other => {
                return Err(Diagnostic::typing("unsupported", format!("matrix products of {} arrays are not supported yet", other.name()), span)
                    .with_hint("convert to float64 with .astype(np.float64)"))
            }
        };
        let as_dtype = |this: &mut Self, x: Expr, t: &ArrayType| -> Result<Expr, Diagnostic> {
            if t.dtype == dtype {
                return Ok(x);
            }
            let mut inputs = vec![];
            let e = this.map_operand(x, &mut inputs);
            let body = this.coerce(e, &Type::Scalar(dtype), span)?;
            Ok(Expr::new(ExprKind::Map { inputs, body: bx(body), shape: None }, new_array(dtype, t.ndim), span))
        };
        let a = as_dtype(self, a, &at)?;
        let b = as_dtype(self, b, &bt)?;
        let va = self.temp("mm_a", a.ty.clone());
        let vb = self.temp("mm_b", b.ty.clone());
        let mut stmts = vec![self.assign_var(va, a, span)?, self.assign_var(vb, b, span)?];
        let (ea, eb) = (self.var_expr(va, span), self.var_expr(vb, span));
        let dim = |e: &Expr, k: usize| Expr::new(ExprKind::ArrayShape(bx(e.clone()), k), I64, span);
        // Inner dimensions must agree (NumPy raises ValueError).
        let ka = dim(&ea, at.ndim as usize - 1);
        let kb = dim(&eb, 0);
        let differ = Expr::new(ExprKind::Compare(crate::common::ir::CmpOp::Ne, bx(ka), bx(kb)), Type::Scalar(Scalar::Bool), span);
        stmts.push(Stmt::If {
            cond: differ,
            then_body: vec![Stmt::Raise { class: "ValueError".into(), message: Some("matmul: input operand 1 has a mismatch in its core dimension 0".into()), span }],
            else_body: vec![],
        });
        let mut out_dims = vec![];
        if at.ndim == 2 {
            out_dims.push(dim(&ea, 0));
        }
        if bt.ndim == 2 {
            out_dims.push(dim(&eb, 1));
        }
        let scalar_result = out_dims.is_empty();
        if scalar_result {
            out_dims.push(Expr::new(ExprKind::Int(1), I64, span));
        }
        let out_ty = new_array(dtype, out_dims.len() as u32);
        let vo = self.temp("mm_out", out_ty.clone());
        stmts.push(Stmt::Assign(vo, Expr::new(ExprKind::ArrayEmpty(out_dims), out_ty.clone(), span)));
        let eo = self.var_expr(vo, span);
        stmts.push(Stmt::Eval(Expr::new(ExprKind::Math("gemm", vec![ea, eb, eo.clone()]), Type::NoneType, span)));
        let result = if scalar_result {
            Expr::new(ExprKind::ArrayGet(bx(eo), vec![Expr::new(ExprKind::Int(0), I64, span)]), Type::Scalar(dtype), span)
        } else {
            eo
        };
        let ty = result.ty.clone();
        Ok(Expr::new(ExprKind::Block(stmts, bx(result)), ty, span))
    }

    pub(crate) fn copy_array(&mut self, a: Expr, span: Span) -> Result<Expr, Diagnostic> {
        let mut inputs = vec![];
        let x = self.map_operand(a, &mut inputs);
        Ok(self.result_map(inputs, x, span))
    }

    fn arange(&mut self, args: Vec<Value>, dtype_kw: Option<Value>, span: Span) -> Result<Value, Diagnostic> {
        let mut rts = vec![];
        for a in args {
            rts.push(self.as_rt(a, span)?);
        }
        let zero = Expr::new(ExprKind::Int(0), I64, span);
        let one = Expr::new(ExprKind::Int(1), I64, span);
        let (start, stop, step) = match rts.len() {
            1 => (zero, rts.pop().unwrap(), one),
            2 => {
                let stop = rts.pop().unwrap();
                (rts.pop().unwrap(), stop, one)
            }
            3 => {
                let step = rts.pop().unwrap();
                let stop = rts.pop().unwrap();
                (rts.pop().unwrap(), stop, step)
            }
            _ => return Err(Diagnostic::typing("bad-arity", "numpy.arange() takes 1 to 3 numbers", span)),
        };
        let natural = [&start, &stop, &step].iter().fold(Scalar::I64, |acc, e| arith_promote(acc, e.ty.scalar().unwrap_or(Scalar::F64)));
        let dtype = match dtype_kw {
            Some(d) => self.dtype_of(&d, span)?,
            None => natural,
        };
        let t = Type::Scalar(natural);
        let (start, stop, step) = (self.coerce(start, &t, span)?, self.coerce(stop, &t, span)?, self.coerce(step, &t, span)?);
        // Length as NumPy computes it: ceil((stop - start) / step), at least 0.
        let len = if natural.is_int() {
            let r = Expr::new(ExprKind::Call("range".into(), vec![start.clone(), stop, step.clone()]), Type::Range, span);
            Expr::new(ExprKind::Call("range.len".into(), vec![r]), I64, span)
        } else {
            let diff = Expr::new(ExprKind::Binary(BinOp::Sub, bx(stop), bx(start.clone())), F64, span);
            let q = Expr::new(ExprKind::Binary(BinOp::TrueDiv, bx(diff), bx(step.clone())), F64, span);
            let c = Expr::new(ExprKind::Math("ceil", vec![q]), F64, span);
            let n = self.coerce(c, &I64, span)?;
            Expr::new(ExprKind::Math("max", vec![n, Expr::new(ExprKind::Int(0), I64, span)]), I64, span)
        };
        let index = Expr::new(ExprKind::MapIndex(0), I64, span);
        let index = self.coerce(index, &t, span)?;
        let offset = Expr::new(ExprKind::Binary(BinOp::Mul, bx(index), bx(step)), t.clone(), span);
        let value = Expr::new(ExprKind::Binary(BinOp::Add, bx(start), bx(offset)), t, span);
        let body = self.coerce(value, &Type::Scalar(dtype), span)?;
        Ok(Value::Rt(Expr::new(ExprKind::Map { inputs: vec![], body: bx(body), shape: Some(vec![len]) }, new_array(dtype, 1), span)))
    }

    /// `np.nonzero(a)` of a 1-d array: count, allocate, fill.
    fn nonzero(&mut self, a: Expr, span: Span) -> Result<Expr, Diagnostic> {
        let Some(at) = a.ty.array().cloned() else {
            return Err(Diagnostic::typing("bad-argument", format!("numpy.nonzero() takes an array, not {}", a.ty), span));
        };
        if at.ndim == 0 {
            return Err(Diagnostic::typing("bad-argument", format!("numpy.nonzero() of a 0-d array ({}) is not allowed", a.ty), span)
                .with_hint("use np.atleast_1d(a).nonzero(), as NumPy says"));
        }
        if at.ndim > 1 {
            // A tuple of ndim index arrays: library code (`_numpy_impl.nonzero_nd`).
            return self.library_call("nonzero_nd", vec![a], span);
        }
        let mut stmts = vec![];
        let arr = self.temp("nz_array", a.ty.clone());
        stmts.push(self.assign_var(arr, a, span)?);
        let count = self.temp("nz_count", I64);
        let index = self.temp("nz_i", I64);
        let slot = self.temp("nz_k", I64);
        let out = self.temp("nz_out", new_array(Scalar::I64, 1));
        let int = |v: i64| Expr::new(ExprKind::Int(v), I64, span);
        let var = |t: &Self, v: usize| t.var_expr(v, span);
        let len = Expr::new(ExprKind::ArrayShape(bx(var(self, arr)), 0), I64, span);
        let elem = Expr::new(ExprKind::ArrayGet(bx(var(self, arr)), vec![var(self, index)]), Type::Scalar(at.dtype), span);
        let is_set = self.truth(elem)?;
        let bump = |t: &Self, v: usize| Stmt::Assign(v, Expr::new(ExprKind::Binary(BinOp::Add, bx(var(t, v)), bx(int(1))), I64, span));
        stmts.push(Stmt::Assign(count, int(0)));
        stmts.push(Stmt::ForRange {
            var: index,
            start: int(0),
            stop: len.clone(),
            step: int(1),
            body: vec![Stmt::If { cond: is_set.clone(), then_body: vec![bump(self, count)], else_body: vec![] }],
            orelse: vec![],
        });
        stmts.push(Stmt::Assign(out, Expr::new(ExprKind::ArrayEmpty(vec![var(self, count)]), new_array(Scalar::I64, 1), span)));
        stmts.push(Stmt::Assign(slot, int(0)));
        let store = Stmt::Store { array: var(self, out), indices: vec![var(self, slot)], value: var(self, index), span };
        stmts.push(Stmt::ForRange {
            var: index,
            start: int(0),
            stop: len,
            step: int(1),
            body: vec![Stmt::If { cond: is_set, then_body: vec![store, bump(self, slot)], else_body: vec![] }],
            orelse: vec![],
        });
        let result = Expr::new(ExprKind::Tuple(vec![var(self, out)]), Type::Tuple(vec![new_array(Scalar::I64, 1)]), span);
        Ok(Expr::new(ExprKind::Block(stmts, bx(result)), Type::Tuple(vec![new_array(Scalar::I64, 1)]), span))
    }

}


/// Every `MapInput(k)` of a Map body replaced by `values[k]` (a body of 0-d operands
/// evaluated once, as a scalar expression). Each input is read once, or is a variable
/// (the same walk as `renumber`: what a Map body can hold).
fn substitute_inputs(e: &mut Expr, values: &[Expr]) {
    if let ExprKind::MapInput(k) = e.kind {
        *e = values[k].clone();
        return;
    }
    match &mut e.kind {
        ExprKind::Cast(x) | ExprKind::Unary(_, x) | ExprKind::Truth(x) | ExprKind::TupleGet(x, _) | ExprKind::IsNone(x) | ExprKind::Unwrap(x) => {
            substitute_inputs(x, values)
        }
        ExprKind::Binary(_, a, b) | ExprKind::Compare(_, a, b) | ExprKind::And(a, b) | ExprKind::Or(a, b) => {
            substitute_inputs(a, values);
            substitute_inputs(b, values);
        }
        ExprKind::IfElse(c, a, b) => {
            substitute_inputs(c, values);
            substitute_inputs(a, values);
            substitute_inputs(b, values);
        }
        ExprKind::Tuple(items) | ExprKind::Math(_, items) => items.iter_mut().for_each(|x| substitute_inputs(x, values)),
        _ => {}
    }
}

fn renumber(e: &mut Expr, table: &[usize]) {
    match &mut e.kind {
        ExprKind::MapInput(k) => *k = table[*k],
        ExprKind::Cast(x) | ExprKind::Unary(_, x) | ExprKind::Truth(x) | ExprKind::TupleGet(x, _) | ExprKind::IsNone(x) | ExprKind::Unwrap(x) => {
            renumber(x, table)
        }
        ExprKind::Binary(_, a, b) | ExprKind::Compare(_, a, b) | ExprKind::And(a, b) | ExprKind::Or(a, b) => {
            renumber(a, table);
            renumber(b, table);
        }
        ExprKind::IfElse(c, a, b) => {
            renumber(c, table);
            renumber(a, table);
            renumber(b, table);
        }
        ExprKind::Tuple(items) | ExprKind::Math(_, items) => items.iter_mut().for_each(|x| renumber(x, table)),
        _ => {}
    }
}
