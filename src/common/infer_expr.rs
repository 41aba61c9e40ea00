//! Typing of expressions: operators with Numba's promotion rules, names, attributes, and
//! conversions between types (subscripts and sequences: `infer_access.rs`).

use crate::common::diagnostic::{Diagnostic, Span};
use crate::common::infer::{describe_value, int_constant, Typer, Value};
use crate::common::ir::{BinOp, CmpOp, Expr, ExprKind, UnaryOp};
use crate::common::parse::span_of;
use crate::common::resolve::GlobalValue;
use crate::common::types::{arith_promote, unify, ArrayType, Layout, Scalar, Type, BOOL, F64, I64};
use rustpython_parser::ast::{self, Constant};

fn bx(e: Expr) -> Box<Expr> {
    Box::new(e)
}

impl<'a> Typer<'a> {
    pub(crate) fn value(&mut self, e: &ast::Expr) -> Result<Value, Diagnostic> {
        use ast::Expr as E;
        let span = span_of(e);
        Ok(match e {
            E::Constant(c) => constant(&c.value, span)?,
            E::Name(n) => self.name(n.id.as_str(), span)?,
            E::Attribute(a) => {
                let base = self.value(&a.value)?;
                self.attribute(base, a.attr.as_str(), span)?
            }
            E::BinOp(b) => {
                let l = self.rt(&b.left)?;
                let r = self.rt(&b.right)?;
                Value::Rt(self.binary(b.op, l, r, span)?)
            }
            E::UnaryOp(u) => {
                let v = self.rt(&u.operand)?;
                Value::Rt(self.unary(u.op, v, span)?)
            }
            E::BoolOp(b) => {
                let mut acc = self.rt(&b.values[0])?;
                for next in &b.values[1..] {
                    let rhs = self.rt(next)?;
                    acc = self.bool_op(b.op, acc, rhs, span)?;
                }
                Value::Rt(acc)
            }
            E::Compare(c) => {
                // `a < b < c` is `a < b and b < c` (b is pure, so evaluating it twice is safe).
                let mut left = self.rt(&c.left)?;
                let mut result: Option<Expr> = None;
                for (op, right) in c.ops.iter().zip(&c.comparators) {
                    let r = self.rt(right)?;
                    let cmp = self.compare(*op, left, r.clone(), span)?;
                    result = Some(match result {
                        None => cmp,
                        Some(acc) => Expr::new(ExprKind::And(bx(acc), bx(cmp)), BOOL, span),
                    });
                    left = r;
                }
                Value::Rt(result.expect("comparison without operators"))
            }
            E::IfExp(i) => {
                let cond = self.condition(&i.test)?;
                if let ExprKind::Bool(taken) = cond.kind {
                    // Known when compiling (`M if M is not None else N`): only the branch
                    // taken is typed, as for an `if` statement.
                    return self.value(if taken { &i.body } else { &i.orelse });
                }
                let a = self.rt(&i.body)?;
                let b = self.rt(&i.orelse)?;
                let ty = self.unify_or_err(&a.ty, &b.ty, span, "the two branches of a conditional expression")?;
                let a = self.coerce(a, &ty, span)?;
                let b = self.coerce(b, &ty, span)?;
                Value::Rt(Expr::new(ExprKind::IfElse(bx(cond), bx(a), bx(b)), ty, span))
            }
            E::Tuple(t) => {
                let mut items = vec![];
                for x in &t.elts {
                    match x {
                        E::Starred(st) => items.extend(self.unpack_starred(&st.value, span_of(x))?),
                        _ => items.push(self.rt(x)?),
                    }
                }
                let ty = Type::Tuple(items.iter().map(|x| x.ty.clone()).collect());
                Value::Rt(Expr::new(ExprKind::Tuple(items), ty, span))
            }
            E::Subscript(s) => {
                let base = self.rt(&s.value)?;
                Value::Rt(self.subscript(base, &s.slice, span)?)
            }
            E::Call(c) => self.call(c, span)?,
            E::List(l) => Value::Rt(self.list_display(&l.elts, span)?),
            E::ListComp(lc) => Value::Rt(self.list_comprehension(lc, span)?),
            E::Dict(_) | E::Set(_) | E::DictComp(_) | E::SetComp(_) => {
                return Err(Diagnostic::typing("unsupported", "dicts and sets are not supported yet", span))
            }
            E::JoinedStr(_) => return Err(Diagnostic::typing("unsupported", "f-strings are not supported", span)),
            E::Lambda(_) => {
                return Err(Diagnostic::typing("unsupported", "lambdas inside compiled functions are not supported", span)
                    .with_hint("define the function at module level and decorate it with @njit"))
            }
            E::GeneratorExp(_) | E::Yield(_) | E::YieldFrom(_) | E::Await(_) => {
                return Err(Diagnostic::typing("unsupported", "generators and coroutines are not supported", span))
            }
            E::NamedExpr(_) => return Err(Diagnostic::typing("unsupported", "assignment expressions (:=) are not supported", span)),
            E::Starred(_) => return Err(Diagnostic::typing("unsupported", "starred expressions are not supported", span)),
            E::Slice(_) => return Err(Diagnostic::typing("unsupported", "slices are not supported here", span)),
            _ => return Err(Diagnostic::typing("unsupported", "this expression is not supported", span)),
        })
    }

    fn name(&mut self, name: &str, span: Span) -> Result<Value, Diagnostic> {
        if let Some(id) = self.lookup_var(name) {
            return Ok(Value::Rt(self.var_expr(id, span)));
        }
        match self.global(name).cloned() {
            Some(g) => global_value(g, name, span),
            None => Err(Diagnostic::typing("unknown-name", format!("name '{name}' is not defined"), span)
                .with_hint("define it as a module-level global, a closure variable or a parameter")),
        }
    }

    pub(crate) fn attribute(&mut self, base: Value, attr: &str, span: Span) -> Result<Value, Diagnostic> {
        match base {
            Value::Module(m) => match crate::common::builtins::module_attribute(&m, attr, span) {
                Ok(v) => Ok(v),
                Err(native) => match self.host.module_attribute(&m, attr)? {
                    Some(GlobalValue::Unsupported(_)) | None => Err(native),
                    Some(g) => global_value(g, &format!("{m}.{attr}"), span),
                },
            },
            Value::Rt(e) => self.rt_attribute(e, attr, span),
            Value::Func(f) if f == "typed.List" && attr == "empty_list" => Ok(Value::Func("typed.List.empty_list".into())),
            other => Err(Diagnostic::typing("unknown-attribute", format!("{} has no attribute '{attr}' in compiled code", describe_value(&other)), span)),
        }
    }

    fn rt_attribute(&mut self, e: Expr, attr: &str, span: Span) -> Result<Value, Diagnostic> {
        if let Type::Array(a) = &e.ty {
            let a = a.clone();
            return Ok(Value::Rt(match attr {
                "shape" => {
                    let dims: Vec<Expr> = (0..a.ndim as usize).map(|k| Expr::new(ExprKind::ArrayShape(bx(e.clone()), k), I64, span)).collect();
                    Expr::new(ExprKind::Tuple(dims), Type::Tuple(vec![I64; a.ndim as usize]), span)
                }
                "ndim" => Expr::new(ExprKind::Int(a.ndim as i64), I64, span),
                "dtype" => Expr::new(ExprKind::NoneValue, Type::DType(a.dtype), span),
                "size" => Expr::new(ExprKind::ArraySize(bx(e)), I64, span),
                "itemsize" => Expr::new(ExprKind::Int(a.dtype.itemsize() as i64), I64, span),
                "nbytes" => {
                    let size = Expr::new(ExprKind::ArraySize(bx(e)), I64, span);
                    let item = Expr::new(ExprKind::Int(a.dtype.itemsize() as i64), I64, span);
                    Expr::new(ExprKind::Binary(BinOp::Mul, bx(size), bx(item)), I64, span)
                }
                "T" => self.transpose(e, span)?,
                // Views of the parts of complex elements (writes go to the array); a real
                // array is its own real part, and its imaginary part is read-only zeros.
                "real" | "imag" if a.dtype.is_complex() => {
                    let layout = if a.ndim == 0 { a.layout } else { Layout::Any };
                    let ty = Type::Array(ArrayType { dtype: a.dtype.real_part(), layout, ..a });
                    Expr::new(ExprKind::ComplexPart(bx(e), attr == "imag"), ty, span)
                }
                "real" => e,
                "imag" => {
                    let zeros = match self.numpy_call("zeros_like", vec![Value::Rt(e)], vec![], span)? {
                        Value::Rt(z) => z,
                        _ => return Err(Diagnostic::internal("zeros_like gave no value")),
                    };
                    let readonly = zeros.ty.array().map(|t| ArrayType { readonly: true, ..t.clone() });
                    Expr { ty: readonly.map(Type::Array).unwrap_or(zeros.ty.clone()), ..zeros }
                }
                // Anything else may be a method (native or `@overload_method`), resolved
                // when it is called.
                _ => return Ok(Value::Method(bx(e), attr.to_string())),
            }));
        }
        if matches!(e.ty, Type::List { .. }) || (matches!(e.ty, Type::Tuple(_)) && matches!(attr, "index" | "count")) {
            return Ok(Value::Method(bx(e), attr.to_string()));
        }
        if let Some(s) = e.ty.scalar() {
            if matches!(attr, "conjugate" | "item") {
                return Ok(Value::Method(bx(e), attr.to_string()));
            }
            let real = Type::Scalar(s.real_part());
            match attr {
                "real" if s.is_complex() => return Ok(Value::Rt(Expr::new(ExprKind::Math("creal", vec![e]), real, span))),
                "imag" if s.is_complex() => return Ok(Value::Rt(Expr::new(ExprKind::Math("cimag", vec![e]), real, span))),
                "real" => return Ok(Value::Rt(e)),
                "imag" => return Ok(Value::Rt(self.coerce(Expr::new(ExprKind::Int(0), I64, span), &real, span)?)),
                _ => {}
            }
        }
        Err(Diagnostic::typing("unknown-attribute", format!("a value of type {} has no attribute '{attr}' in compiled code", e.ty), span))
    }

    pub(crate) fn unify_or_err(&self, a: &Type, b: &Type, span: Span, what: &str) -> Result<Type, Diagnostic> {
        unify(a, b).ok_or_else(|| {
            Diagnostic::typing("type-conflict", format!("{what} have incompatible types {a} and {b}"), span)
                .with_hint("make both produce the same kind of value")
        })
    }

    /// Convert `e` to type `to`, or explain why it cannot be.
    pub(crate) fn coerce(&mut self, e: Expr, to: &Type, span: Span) -> Result<Expr, Diagnostic> {
        if &e.ty == to || e.ty == Type::Unknown || to == &Type::Unknown {
            return Ok(if &e.ty == to { e } else { Expr { ty: to.clone(), ..e } });
        }
        if let (Type::List { item, reflected: a }, Type::List { reflected: b, .. }) = (&e.ty, to) {
            // A list whose items were never seen (an empty display) takes the type its
            // variable settled on.
            if **item == Type::Unknown && a == b {
                return Ok(Expr { ty: to.clone(), ..e });
            }
        }
        let ok = match (&e.ty, to) {
            (Type::Scalar(_), Type::Scalar(_)) => true,
            (_, Type::Optional(inner)) => {
                if e.ty == Type::NoneType || matches!(e.ty, Type::Optional(_)) {
                    true
                } else {
                    let inner = (**inner).clone();
                    let converted = self.coerce(e, &inner, span)?;
                    return Ok(Expr::new(ExprKind::Cast(bx(converted)), to.clone(), span));
                }
            }
            (Type::Optional(inner), t) if **inner == *t => {
                return Ok(Expr::new(ExprKind::Unwrap(bx(e)), to.clone(), span));
            }
            (Type::Tuple(from), Type::Tuple(into)) if from.len() == into.len() => {
                let items: Vec<Expr> = match e.kind {
                    ExprKind::Tuple(items) => items,
                    _ => (0..from.len()).map(|i| Expr::new(ExprKind::TupleGet(bx(e.clone()), i), from[i].clone(), span)).collect(),
                };
                let mut out = vec![];
                for (x, t) in items.into_iter().zip(into) {
                    out.push(self.coerce(x, t, span)?);
                }
                return Ok(Expr::new(ExprKind::Tuple(out), to.clone(), span));
            }
            (Type::Array(a), Type::Array(b)) => a.dtype == b.dtype && a.ndim == b.ndim,
            _ => false,
        };
        if !ok {
            return Err(Diagnostic::typing("type-conflict", format!("cannot convert a value of type {} to {}", e.ty, to), span));
        }
        Ok(Expr::new(ExprKind::Cast(bx(e)), to.clone(), span))
    }

    /// Unwrap an Optional operand where an operator needs the value inside.
    fn strip_optional(&mut self, e: Expr) -> Expr {
        match e.ty.clone() {
            Type::Optional(inner) => {
                let span = e.span;
                Expr::new(ExprKind::Unwrap(bx(e)), *inner, span)
            }
            _ => e,
        }
    }

    pub(crate) fn truth(&mut self, e: Expr) -> Result<Expr, Diagnostic> {
        let span = e.span;
        match &e.ty {
            Type::Scalar(Scalar::Bool) => Ok(e),
            Type::Scalar(_) | Type::Optional(_) | Type::NoneType | Type::Tuple(_) | Type::Range | Type::List { .. } | Type::DType(_) | Type::StrLiteral(_) | Type::BoolLiteral(_) | Type::Unknown => {
                Ok(Expr::new(ExprKind::Truth(bx(e)), BOOL, span))
            }
            Type::Array(_) => Err(Diagnostic::typing("ambiguous-truth", "the truth value of an array is ambiguous", span)
                .with_hint("use a.any() or a.all(), or compare an element")),
        }
    }

    pub(crate) fn binary(&mut self, op: ast::Operator, l: Expr, r: Expr, span: Span) -> Result<Expr, Diagnostic> {
        use ast::Operator as O;
        let l = self.strip_optional(l);
        let r = self.strip_optional(r);
        if l.ty == Type::Unknown || r.ty == Type::Unknown {
            return Ok(Expr::new(ExprKind::Int(0), Type::Unknown, span));
        }
        if let Some(e) = self.list_binary(op, l.clone(), r.clone(), span)? {
            return Ok(e);
        }
        if op == ast::Operator::MatMult {
            return self.matmul(l, r, span);
        }
        if l.ty.array().is_some() || r.ty.array().is_some() {
            return self.array_binary(op, l, r, span);
        }
        let op = match op {
            O::Add => BinOp::Add,
            O::Sub => BinOp::Sub,
            O::Mult => BinOp::Mul,
            O::Div => BinOp::TrueDiv,
            O::FloorDiv => BinOp::FloorDiv,
            O::Mod => BinOp::Mod,
            O::Pow => BinOp::Pow,
            O::LShift => BinOp::LShift,
            O::RShift => BinOp::RShift,
            O::BitAnd => BinOp::BitAnd,
            O::BitOr => BinOp::BitOr,
            O::BitXor => BinOp::BitXor,
            O::MatMult => return self.matmul(l, r, span),
        };
        // Tuple concatenation and repetition are compile-time shape operations.
        if let (Type::Tuple(a), Type::Tuple(b)) = (&l.ty, &r.ty) {
            if op == BinOp::Add {
                let (a, b) = (a.clone(), b.clone());
                let mut items: Vec<Expr> = (0..a.len()).map(|i| Expr::new(ExprKind::TupleGet(bx(l.clone()), i), a[i].clone(), span)).collect();
                items.extend((0..b.len()).map(|i| Expr::new(ExprKind::TupleGet(bx(r.clone()), i), b[i].clone(), span)));
                let ty = Type::Tuple(items.iter().map(|x| x.ty.clone()).collect());
                return Ok(Expr::new(ExprKind::Tuple(items), ty, span));
            }
        }
        let (Some(a), Some(b)) = (l.ty.scalar(), r.ty.scalar()) else {
            return Err(self.operator_error(op.symbol(), &l.ty, &r.ty, span));
        };
        // `x ** 2` is `x * x` (exactly: both are one correctly rounded operation), which
        // avoids a pow call in hot loops; only for operands that are safe to evaluate twice.
        if op == BinOp::Pow && !a.is_complex() && is_pure(&l) && matches!(r.kind, ExprKind::Int(2)) || op == BinOp::Pow && a.is_float() && is_pure(&l) && matches!(r.kind, ExprKind::Float(f) if f == 2.0) {
            let t = Type::Scalar(if a == Scalar::Bool { Scalar::I64 } else { arith_promote(a, if r.ty.is_float() { b } else { a }) });
            let x = self.coerce(l, &t, span)?;
            return Ok(Expr::new(ExprKind::Binary(BinOp::Mul, bx(x.clone()), bx(x)), t, span));
        }
        let bitwise = matches!(op, BinOp::LShift | BinOp::RShift | BinOp::BitAnd | BinOp::BitOr | BinOp::BitXor);
        if bitwise {
            if a == Scalar::Bool && b == Scalar::Bool && !matches!(op, BinOp::LShift | BinOp::RShift) {
                return Ok(Expr::new(ExprKind::Binary(op, bx(l), bx(r)), BOOL, span));
            }
            let int_like = |s: Scalar| s.is_int() || s == Scalar::Bool;
            if !int_like(a) || !int_like(b) {
                return Err(self.operator_error(op.symbol(), &l.ty, &r.ty, span));
            }
            // A shift keeps the left operand's signedness (as Numba types it); the other
            // bit operations promote both operands.
            let promoted = crate::common::types::numpy_promote(a, b);
            let t = if self.array_dtypes && (promoted.is_int() || promoted == Scalar::Bool) {
                // Element-wise, shifts promote like the other operators (int8_array << 2 is
                // int8); uint64 with a signed integer, which NumPy refuses, stays as below.
                Type::Scalar(promoted)
            } else if matches!(op, BinOp::LShift | BinOp::RShift) {
                Type::Scalar(arith_promote(a, a))
            } else {
                Type::Scalar(arith_promote(a, b))
            };
            let (l, r) = (self.coerce(l, &t, span)?, self.coerce(r, &t, span)?);
            return Ok(Expr::new(ExprKind::Binary(op, bx(l), bx(r)), t, span));
        }
        // Element-wise between arrays, NumPy's dtype rules apply (bool + bool is logical or).
        if self.array_dtypes && a == Scalar::Bool && b == Scalar::Bool {
            let logical = match op {
                BinOp::Add => Some(BinOp::BitOr),
                BinOp::Mul => Some(BinOp::BitAnd),
                _ => None,
            };
            if let Some(lop) = logical {
                return Ok(Expr::new(ExprKind::Binary(lop, bx(l), bx(r)), BOOL, span));
            }
            if op == BinOp::Sub {
                return Err(Diagnostic::typing("unsupported-operator", "subtracting boolean arrays is not supported (as in NumPy)", span)
                    .with_hint("use np.logical_xor, or convert the arrays to integers first"));
            }
        }
        let common = if self.array_dtypes { crate::common::types::numpy_promote(a, b) } else { arith_promote(a, b) };
        if common.is_complex() && matches!(op, BinOp::FloorDiv | BinOp::Mod) {
            return Err(self.operator_error(op.symbol(), &l.ty, &r.ty, span));
        }
        if op == BinOp::Pow && common.is_float() && (b.is_int() || b == Scalar::Bool) && !self.array_dtypes {
            // float ** int by repeated squaring, as Numba does (its `int_power`); arrays
            // follow NumPy's power loops, which cast the exponent and call pow.
            let t = Type::Scalar(common);
            let (x, n) = (self.coerce(l, &t, span)?, self.coerce(r, &I64, span)?);
            return Ok(Expr::new(ExprKind::Math("powi", vec![x, n]), t, span));
        }
        let (operand_ty, result_ty) = match op {
            // int / int computes in float64, as Python does.
            BinOp::TrueDiv if common.is_int() => (F64, F64),
            BinOp::Pow if common.is_int() => {
                // Numba types `x ** -n` with a negative constant exponent as float.
                if matches!(r.kind, ExprKind::Int(n) if n < 0) {
                    (F64, F64)
                } else {
                    (Type::Scalar(common), Type::Scalar(common))
                }
            }
            _ => (Type::Scalar(common), Type::Scalar(common)),
        };
        let (l, r) = (self.coerce(l, &operand_ty, span)?, self.coerce(r, &operand_ty, span)?);
        Ok(Expr::new(ExprKind::Binary(op, bx(l), bx(r)), result_ty, span))
    }

    /// `item in tuple`: equal to some element (elements of another kind are never equal,
    /// as in Python), evaluated left to right and stopping at the first match.
    fn contains(&mut self, item: Expr, container: Expr, span: Span) -> Result<Expr, Diagnostic> {
        if matches!(container.ty, Type::List { .. }) {
            return self.library_call_in("ferrumba._list_impl", "list_contains", vec![container, item], span);
        }
        let Type::Tuple(items) = container.ty.clone() else {
            return Err(Diagnostic::typing("unsupported-operator", format!("'in' is supported on tuples in compiled code, not on {}", container.ty), span)
                .with_hint("for an array, use np.any(a == x)"));
        };
        let mut found = Expr::new(ExprKind::Bool(false), BOOL, span);
        for (i, t) in items.into_iter().enumerate().rev() {
            let element = Expr::new(ExprKind::TupleGet(bx(container.clone()), i), t, span);
            let equal = match self.compare(ast::CmpOp::Eq, item.clone(), element, span) {
                Ok(e) if e.ty == BOOL => e,
                _ => continue,
            };
            found = match found.kind {
                ExprKind::Bool(false) => equal,
                _ => Expr::new(ExprKind::Or(bx(equal), bx(found)), BOOL, span),
            };
        }
        Ok(found)
    }

    fn operator_error(&self, sym: &str, a: &Type, b: &Type, span: Span) -> Diagnostic {
        Diagnostic::typing("unsupported-operator", format!("operator {sym} is not supported between {a} and {b}"), span)
            .with_hint("convert the operands to numbers of compatible types")
    }

    pub(crate) fn unary(&mut self, op: ast::UnaryOp, v: Expr, span: Span) -> Result<Expr, Diagnostic> {
        if op == ast::UnaryOp::Not {
            let t = self.truth(v)?;
            if let ExprKind::Bool(b) = t.kind {
                return Ok(Expr::new(ExprKind::Bool(!b), BOOL, span));
            }
            return Ok(Expr::new(ExprKind::Unary(UnaryOp::Not, bx(t)), BOOL, span));
        }
        let v = self.strip_optional(v);
        if v.ty == Type::Unknown {
            return Ok(v);
        }
        if v.ty.array().is_some() {
            return self.array_unary(op, v, span);
        }
        self.unary_scalar(op, v, span)
    }

    /// Unary +, - and ~ on a scalar.
    pub(crate) fn unary_scalar(&mut self, op: ast::UnaryOp, v: Expr, span: Span) -> Result<Expr, Diagnostic> {
        let Some(s) = v.ty.scalar() else {
            return Err(Diagnostic::typing("unsupported-operator", format!("unary operator is not supported on {}", v.ty), span));
        };
        match op {
            ast::UnaryOp::UAdd | ast::UnaryOp::USub => {
                // Numba widens integers (and bools) to the machine word for unary +/-.
                let t = if s == Scalar::Bool {
                    I64
                } else if s.is_int() && self.array_dtypes {
                    // Element-wise, NumPy keeps the dtype (-int8_array is int8).
                    v.ty.clone()
                } else if s.is_int() {
                    Type::Scalar(arith_promote(s, s))
                } else {
                    v.ty.clone()
                };
                if op == ast::UnaryOp::USub && s.is_int() && !s.is_signed() && t != v.ty && !matches!(v.kind, ExprKind::Int(_)) {
                    // As for ~: Numba negates a narrow unsigned integer at its own width,
                    // then widens it (-uint8(1) is 255, as NumPy's uint8 arithmetic gives).
                    let narrow = Expr::new(ExprKind::Unary(UnaryOp::Neg, bx(v)), Type::Scalar(s), span);
                    return self.coerce(narrow, &t, span);
                }
                let v = self.coerce(v, &t, span)?;
                if op == ast::UnaryOp::UAdd {
                    return Ok(v);
                }
                // Fold `-constant` so that `x ** -2` sees a negative literal, as Numba does.
                match v.kind {
                    ExprKind::Int(n) => return Ok(Expr::new(ExprKind::Int(n.wrapping_neg()), t, span)),
                    ExprKind::Float(x) => return Ok(Expr::new(ExprKind::Float(-x), t, span)),
                    _ => {}
                }
                Ok(Expr::new(ExprKind::Unary(UnaryOp::Neg, bx(v)), t, span))
            }
            ast::UnaryOp::Invert => {
                if s == Scalar::Bool {
                    // Numba (unlike Python) treats ~ on a bool as logical not.
                    return Ok(Expr::new(ExprKind::Unary(UnaryOp::Not, bx(v)), BOOL, span));
                }
                if !s.is_int() {
                    return Err(Diagnostic::typing("unsupported-operator", format!("operator ~ is not supported on {}", v.ty), span));
                }
                let t = if self.array_dtypes { v.ty.clone() } else { Type::Scalar(arith_promote(s, s)) };
                if !s.is_signed() && !self.array_dtypes && t != v.ty {
                    // Numba inverts a narrow unsigned integer at its own width, then widens
                    // it (~uint8(0) is 255, typed uint64).
                    let narrow = Expr::new(ExprKind::Unary(UnaryOp::Invert, bx(v)), Type::Scalar(s), span);
                    return self.coerce(narrow, &t, span);
                }
                let v = self.coerce(v, &t, span)?;
                Ok(Expr::new(ExprKind::Unary(UnaryOp::Invert, bx(v)), t, span))
            }
            ast::UnaryOp::Not => unreachable!(),
        }
    }

    fn bool_op(&mut self, op: ast::BoolOp, a: Expr, b: Expr, span: Span) -> Result<Expr, Diagnostic> {
        let ty = self.unify_or_err(&a.ty, &b.ty, span, "the operands of and/or")?;
        let a = self.coerce(a, &ty, span)?;
        let b = self.coerce(b, &ty, span)?;
        let kind = match op {
            ast::BoolOp::And => ExprKind::And(bx(a), bx(b)),
            ast::BoolOp::Or => ExprKind::Or(bx(a), bx(b)),
        };
        Ok(Expr::new(kind, ty, span))
    }

    pub(crate) fn compare(&mut self, op: ast::CmpOp, l: Expr, r: Expr, span: Span) -> Result<Expr, Diagnostic> {
        use ast::CmpOp as C;
        if matches!(op, C::Is | C::IsNot) && l.ty == BOOL && r.ty == BOOL {
            // True and False are singletons: identity is equality.
            let eq = if op == C::Is { C::Eq } else { C::NotEq };
            return self.compare(eq, l, r, span);
        }
        if matches!(op, C::Is | C::IsNot) {
            let none_side = if r.ty == Type::NoneType {
                Some(l)
            } else if l.ty == Type::NoneType {
                Some(r)
            } else {
                None
            };
            let Some(x) = none_side else {
                return Err(Diagnostic::typing("unsupported-operator", "'is' is supported only for comparing with None, or two bools", span)
                    .with_hint("use == to compare values"));
            };
            // Only an Optional decides at run time; otherwise the type answers.
            let is_none = match x.ty {
                Type::Optional(_) | Type::Unknown => Expr::new(ExprKind::IsNone(bx(x)), BOOL, span),
                Type::NoneType => Expr::new(ExprKind::Bool(true), BOOL, span),
                _ => Expr::new(ExprKind::Bool(false), BOOL, span),
            };
            return Ok(match (op == C::IsNot, &is_none.kind) {
                (true, ExprKind::Bool(b)) => Expr::new(ExprKind::Bool(!b), BOOL, span),
                (true, _) => Expr::new(ExprKind::Unary(UnaryOp::Not, bx(is_none)), BOOL, span),
                (false, _) => is_none,
            });
        }
        if let (Type::List { .. }, Type::List { .. }) = (&l.ty, &r.ty) {
            return self.list_compare(op, l, r, span);
        }
        if matches!(op, C::In | C::NotIn) {
            let found = self.contains(l, r, span)?;
            return Ok(if op == C::NotIn { Expr::new(ExprKind::Unary(UnaryOp::Not, bx(found)), BOOL, span) } else { found });
        }
        if matches!(op, C::Eq | C::NotEq) && (l.ty == Type::NoneType || r.ty == Type::NoneType) && l.ty != Type::Unknown && r.ty != Type::Unknown {
            // `x == None` is `x is None` for an Optional; otherwise the types decide.
            let other = if l.ty == Type::NoneType { r } else { l };
            let is_none = match other.ty {
                Type::Optional(_) => Expr::new(ExprKind::IsNone(bx(other)), BOOL, span),
                Type::NoneType => Expr::new(ExprKind::Bool(true), BOOL, span),
                _ => Expr::new(ExprKind::Bool(false), BOOL, span),
            };
            return Ok(match (op == C::NotEq, &is_none.kind) {
                (true, ExprKind::Bool(b)) => Expr::new(ExprKind::Bool(!b), BOOL, span),
                (true, _) => Expr::new(ExprKind::Unary(UnaryOp::Not, bx(is_none)), BOOL, span),
                (false, _) => is_none,
            });
        }
        let cmp = match op {
            C::Eq => CmpOp::Eq,
            C::NotEq => CmpOp::Ne,
            C::Lt => CmpOp::Lt,
            C::LtE => CmpOp::Le,
            C::Gt => CmpOp::Gt,
            C::GtE => CmpOp::Ge,
            _ => unreachable!(),
        };
        let l = self.strip_optional(l);
        let r = self.strip_optional(r);
        if l.ty == Type::Unknown || r.ty == Type::Unknown {
            return Ok(Expr::new(ExprKind::Bool(false), BOOL, span));
        }
        if l.ty.array().is_some() || r.ty.array().is_some() {
            return self.array_compare(op, l, r, span);
        }
        // dtypes are compile-time values: comparing them is decided now (and prunes).
        if let (Type::DType(a), Type::DType(b)) = (&l.ty, &r.ty) {
            let equal = a == b;
            return match cmp {
                CmpOp::Eq => Ok(Expr::new(ExprKind::Bool(equal), BOOL, span)),
                CmpOp::Ne => Ok(Expr::new(ExprKind::Bool(!equal), BOOL, span)),
                _ => Err(self.operator_error(cmp.symbol(), &l.ty, &r.ty, span)),
            };
        }
        // Tuples compare element-wise, lexicographically.
        if let (Type::Tuple(a), Type::Tuple(b)) = (&l.ty, &r.ty) {
            if matches!(cmp, CmpOp::Eq | CmpOp::Ne) {
                if a.len() != b.len() {
                    return Ok(Expr::new(ExprKind::Bool(cmp == CmpOp::Ne), BOOL, span));
                }
                let (a, b) = (a.clone(), b.clone());
                let mut acc = Expr::new(ExprKind::Bool(true), BOOL, span);
                for i in 0..a.len() {
                    let x = Expr::new(ExprKind::TupleGet(bx(l.clone()), i), a[i].clone(), span);
                    let y = Expr::new(ExprKind::TupleGet(bx(r.clone()), i), b[i].clone(), span);
                    let eq = self.compare(C::Eq, x, y, span)?;
                    acc = Expr::new(ExprKind::And(bx(acc), bx(eq)), BOOL, span);
                }
                return Ok(if cmp == CmpOp::Ne { Expr::new(ExprKind::Unary(UnaryOp::Not, bx(acc)), BOOL, span) } else { acc });
            }
            // Ordering is lexicographic: the first unequal pair decides, then the lengths.
            let (a, b) = (a.clone(), b.clone());
            let n = a.len().min(b.len());
            let lens = self.compare(op, Expr::new(ExprKind::Int(a.len() as i64), I64, span), Expr::new(ExprKind::Int(b.len() as i64), I64, span), span)?;
            let mut acc = lens;
            for i in (0..n).rev() {
                let x = Expr::new(ExprKind::TupleGet(bx(l.clone()), i), a[i].clone(), span);
                let y = Expr::new(ExprKind::TupleGet(bx(r.clone()), i), b[i].clone(), span);
                let same = self.compare(C::Eq, x.clone(), y.clone(), span)?;
                let strict = match cmp {
                    CmpOp::Lt | CmpOp::Le => C::Lt,
                    _ => C::Gt,
                };
                let decided = self.compare(strict, x, y, span)?;
                acc = Expr::new(ExprKind::IfElse(bx(same), bx(acc), bx(decided)), BOOL, span);
            }
            return Ok(acc);
        }
        let (Some(a), Some(b)) = (l.ty.scalar(), r.ty.scalar()) else {
            if l.ty == Type::NoneType && r.ty == Type::NoneType {
                return Ok(Expr::new(ExprKind::Bool(matches!(cmp, CmpOp::Eq | CmpOp::Le | CmpOp::Ge)), BOOL, span));
            }
            return Err(self.operator_error(cmp.symbol(), &l.ty, &r.ty, span));
        };
        if (a.is_complex() || b.is_complex()) && !matches!(cmp, CmpOp::Eq | CmpOp::Ne) {
            return Err(self.operator_error(cmp.symbol(), &l.ty, &r.ty, span));
        }
        // Comparing a signed with an unsigned 64-bit integer must not wrap: compare as float
        // as Numba does; everything else compares in the promoted type.
        if self.array_dtypes && a.is_int() && b.is_int() && a.is_signed() != b.is_signed() && a.bits().max(b.bits()) >= 64 {
            return self.mixed_sign_compare(cmp, l, r, span);
        }
        let common = if a == Scalar::Bool && b == Scalar::Bool { Scalar::Bool } else { arith_promote(a, b) };
        let t = Type::Scalar(common);
        let (l, r) = (self.coerce(l, &t, span)?, self.coerce(r, &t, span)?);
        Ok(Expr::new(ExprKind::Compare(cmp, bx(l), bx(r)), BOOL, span))
    }

    /// An exact comparison of a signed with an unsigned integer where no integer type holds
    /// both (uint64 with int64), as NumPy compares them element-wise: a negative signed
    /// operand is below every unsigned one; otherwise both compare as uint64. The operands
    /// are element stand-ins, safe to read twice.
    fn mixed_sign_compare(&mut self, cmp: CmpOp, l: Expr, r: Expr, span: Span) -> Result<Expr, Diagnostic> {
        let left_signed = l.ty.scalar().is_some_and(|s| s.is_signed());
        let signed = if left_signed { &l } else { &r };
        let st = signed.ty.clone();
        let zero = self.coerce(Expr::new(ExprKind::Int(0), I64, span), &st, span)?;
        let negative = Expr::new(ExprKind::Compare(CmpOp::Lt, bx(signed.clone()), bx(zero)), BOOL, span);
        // With the signed operand negative, it is the smaller one.
        let answer = match cmp {
            CmpOp::Eq => false,
            CmpOp::Ne => true,
            CmpOp::Lt | CmpOp::Le => left_signed,
            CmpOp::Gt | CmpOp::Ge => !left_signed,
        };
        let u = Type::Scalar(Scalar::U64);
        let (l, r) = (self.coerce(l, &u, span)?, self.coerce(r, &u, span)?);
        let unsigned = Expr::new(ExprKind::Compare(cmp, bx(l), bx(r)), BOOL, span);
        Ok(Expr::new(ExprKind::IfElse(bx(negative), bx(Expr::new(ExprKind::Bool(answer), BOOL, span)), bx(unsigned)), BOOL, span))
    }

    pub(crate) fn strip_optional_pub(&mut self, e: Expr) -> Expr {
        self.strip_optional(e)
    }

    /// Call a function of ferrumba's NumPy library (`_numpy_impl`) from the compiler itself.
    pub(crate) fn library_call(&mut self, name: &str, args: Vec<Expr>, span: Span) -> Result<Expr, Diagnostic> {
        self.library_call_in("ferrumba._numpy_impl", name, args, span)
    }

    /// Call a jit-able function of one of ferrumba's library modules.
    pub(crate) fn library_call_in(&mut self, module: &str, name: &str, args: Vec<Expr>, span: Span) -> Result<Expr, Diagnostic> {
        let callee = match self.host.module_attribute(module, name)? {
            Some(g) => global_value(g, name, span)?,
            None => return Err(Diagnostic::internal(format!("{module}.{name} is missing"))),
        };
        let Value::Dispatcher(id) = callee else {
            return Err(Diagnostic::internal(format!("{module}.{name} is not jitable")));
        };
        match self.call_dispatcher_value(id, args.into_iter().map(Value::Rt).collect(), vec![], span)? {
            Value::Rt(e) => Ok(e),
            _ => Err(Diagnostic::internal("library call did not produce a value")),
        }
    }

}

/// Whether evaluating `e` twice is the same as once (no calls, no allocation).
fn is_pure(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Int(_) | ExprKind::Float(_) | ExprKind::Bool(_) | ExprKind::Var(_) | ExprKind::MapInput(_) | ExprKind::MapIndex(_) => true,
        ExprKind::Cast(x) | ExprKind::Unary(_, x) | ExprKind::TupleGet(x, _) | ExprKind::ArrayShape(x, _) => is_pure(x),
        ExprKind::Binary(op, a, b) => !matches!(op, BinOp::FloorDiv | BinOp::Mod | BinOp::TrueDiv | BinOp::Pow) && is_pure(a) && is_pure(b),
        ExprKind::ArrayGet(a, idx) => is_pure(a) && idx.iter().all(is_pure),
        ExprKind::Math(name, args) => matches!(*name, "fabs" | "iabs" | "cabs") && args.iter().all(is_pure),
        _ => false,
    }
}

fn constant(c: &Constant, span: Span) -> Result<Value, Diagnostic> {
    Ok(Value::Rt(match c {
        Constant::Int(_) => match int_constant(c) {
            Some(v) => Expr::new(ExprKind::Int(v), I64, span),
            None => {
                return Err(Diagnostic::typing("int-too-large", "integer constant does not fit in 64 bits", span)
                    .with_hint("compiled integers are 64-bit, as in Numba"))
            }
        },
        Constant::Float(f) => Expr::new(ExprKind::Float(*f), F64, span),
        Constant::Bool(b) => Expr::new(ExprKind::Bool(*b), BOOL, span),
        Constant::None => Expr::new(ExprKind::NoneValue, Type::NoneType, span),
        Constant::Complex { real, imag } => Expr::new(ExprKind::Complex(*real, *imag), Type::Scalar(Scalar::C128), span),
        Constant::Str(s) => return Ok(Value::Str(s.clone())),
        Constant::Tuple(items) => {
            let mut out = vec![];
            for x in items {
                match constant(x, span)? {
                    Value::Rt(e) => out.push(e),
                    _ => return Err(Diagnostic::typing("unsupported", "tuple constants may hold only numbers", span)),
                }
            }
            let ty = Type::Tuple(out.iter().map(|x| x.ty.clone()).collect());
            Expr::new(ExprKind::Tuple(out), ty, span)
        }
        Constant::Bytes(_) | Constant::Ellipsis => {
            return Err(Diagnostic::typing("unsupported", "bytes and Ellipsis constants are not supported", span))
        }
    }))
}

/// A frozen global as a compile-time value.
pub fn global_value(g: GlobalValue, name: &str, span: Span) -> Result<Value, Diagnostic> {
    Ok(match g {
        GlobalValue::Int(v) => Value::Rt(Expr::new(ExprKind::Int(v), I64, span)),
        GlobalValue::Float(v) => Value::Rt(Expr::new(ExprKind::Float(v), F64, span)),
        GlobalValue::Bool(v) => Value::Rt(Expr::new(ExprKind::Bool(v), BOOL, span)),
        GlobalValue::Complex(r, i) => Value::Rt(Expr::new(ExprKind::Complex(r, i), Type::Scalar(Scalar::C128), span)),
        GlobalValue::NoneValue => Value::Rt(Expr::new(ExprKind::NoneValue, Type::NoneType, span)),
        GlobalValue::Str(s) => Value::Str(s),
        GlobalValue::Tuple(items) => {
            let mut out = vec![];
            for (i, x) in items.into_iter().enumerate() {
                match global_value(x, &format!("{name}[{i}]"), span)? {
                    Value::Rt(e) => out.push(e),
                    _ => return Err(Diagnostic::typing("unsupported", format!("global tuple '{name}' holds a value that is not a number"), span)),
                }
            }
            let ty = Type::Tuple(out.iter().map(|x| x.ty.clone()).collect());
            Value::Rt(Expr::new(ExprKind::Tuple(out), ty, span))
        }
        GlobalValue::Module(m) => Value::Module(m),
        GlobalValue::Array(dtype, shape, bytes) => {
            let Some(dtype) = Scalar::from_name(&dtype) else {
                return Err(Diagnostic::typing("unsupported", format!("global array '{name}' of dtype {dtype} is not supported"), span));
            };
            let ty = Type::Array(crate::common::types::ArrayType { dtype, ndim: shape.len() as u32, layout: crate::common::types::Layout::C, readonly: true });
            Value::Rt(Expr::new(ExprKind::ConstArray(crate::common::ir::ConstArray { shape, bytes }), ty, span))
        }
        GlobalValue::Function(f) => Value::Func(f),
        GlobalValue::DType(d) => match Scalar::from_name(&d) {
            Some(s) => Value::DType(s),
            None => return Err(Diagnostic::typing("unsupported", format!("dtype '{d}' is not supported"), span)),
        },
        GlobalValue::Dispatcher(id) => Value::Dispatcher(id),
        GlobalValue::Overload(key) => Value::Overload(key),
        GlobalValue::ExceptionClass(c) => Value::ExcClass(c),
        GlobalValue::Unsupported(t) => {
            return Err(Diagnostic::typing("unsupported-global", format!("global name '{name}' refers to a {t}, which compiled code cannot use"), span)
                .with_hint("pass it as an argument, or use a number, tuple, module or jitted function"))
        }
    })
}
