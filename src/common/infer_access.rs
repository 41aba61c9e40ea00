//! Typing of element access: subscripts of tuples, arrays and lists (reading, slicing,
//! storing), `*t` unpacking, constant indices, and the sequence protocol `for` loops, `len`
//! and the folds use (length and item i of arrays, tuples, ranges, lists, enumerate, zip).

use crate::common::array_methods::IndexPart;
use crate::common::diagnostic::{Diagnostic, Span};
use crate::common::infer::{describe_value, int_constant, Typer, Value};
use crate::common::ir::{BinOp, CmpOp, Expr, ExprKind, SliceItem, Stmt};
use crate::common::parse::span_of;
use crate::common::resolve::GlobalValue;
use crate::common::types::{ArrayType, Layout, Scalar, Type, BOOL, I64};
use rustpython_parser::ast;

fn bx(e: Expr) -> Box<Expr> {
    Box::new(e)
}

impl<'a> Typer<'a> {
    /// The elements of `*t` (in a call or a tuple display), a tuple evaluated once.
    pub(crate) fn unpack_starred(&mut self, e: &ast::Expr, span: Span) -> Result<Vec<Expr>, Diagnostic> {
        let t = self.rt(e)?;
        let Type::Tuple(items) = t.ty.clone() else {
            return Err(Diagnostic::typing("unsupported", format!("only tuples can be unpacked with * in compiled code, not {}", t.ty), span));
        };
        let (first, tuple) = match t.kind {
            ExprKind::Var(_) => (None, t),
            _ => {
                let tmp = self.temp("star", t.ty.clone());
                let var = Expr::new(ExprKind::Var(tmp), t.ty.clone(), span);
                (Some(Stmt::Assign(tmp, t)), var)
            }
        };
        let mut out: Vec<Expr> = items.iter().enumerate().map(|(i, ty)| Expr::new(ExprKind::TupleGet(bx(tuple.clone()), i), ty.clone(), span)).collect();
        if let (Some(assign), Some(head)) = (first, out.first_mut()) {
            // The first element evaluates the tuple; arguments are evaluated left to right.
            let ty = head.ty.clone();
            *head = Expr::new(ExprKind::Block(vec![assign], bx(head.clone())), ty, span);
        }
        Ok(out)
    }

    /// `t[a:b:c]` with constant bounds: a new tuple of the elements Python's slice picks.
    fn tuple_slice(&mut self, base: Expr, items: &[Type], sl: &ast::ExprSlice, span: Span) -> Result<Expr, Diagnostic> {
        let bound = |e: &Option<Box<ast::Expr>>| -> Result<Option<i64>, Diagnostic> {
            match e {
                None => Ok(None),
                Some(x) => match self.const_int(x) {
                    Some(v) => Ok(Some(v)),
                    None if matches!(x.as_ref(), ast::Expr::Constant(c) if matches!(c.value, ast::Constant::None)) => Ok(None),
                    None => Err(Diagnostic::typing("non-constant-index", "a tuple can only be sliced with constant bounds", span)
                        .with_hint("use integer literals (the result's length must be known when compiling)")),
                },
            }
        };
        let (start, stop, step) = (bound(&sl.lower)?, bound(&sl.upper)?, bound(&sl.step)?);
        let n = items.len() as i64;
        let step = step.unwrap_or(1);
        if step == 0 {
            return Err(Diagnostic::typing("bad-index", "slice step cannot be zero", span));
        }
        // Python's slice.indices(n).
        let (lower, upper) = if step < 0 { (-1, n - 1) } else { (0, n) };
        let clamp = |v: Option<i64>, default: i64| match v {
            None => default,
            Some(v) if v < 0 => (v + n).max(lower),
            Some(v) => v.min(upper),
        };
        let (mut k, stop) = (clamp(start, if step < 0 { upper } else { lower }), clamp(stop, if step < 0 { lower } else { upper }));
        let mut picked = vec![];
        while (step > 0 && k < stop) || (step < 0 && k > stop) {
            picked.push(k as usize);
            k += step;
        }
        let (stmts, tuple) = match base.kind {
            ExprKind::Var(_) => (vec![], base),
            _ => {
                let tmp = self.temp("tuple", base.ty.clone());
                let var = Expr::new(ExprKind::Var(tmp), base.ty.clone(), span);
                (vec![Stmt::Assign(tmp, base)], var)
            }
        };
        let parts: Vec<Expr> = picked.iter().map(|&i| Expr::new(ExprKind::TupleGet(bx(tuple.clone()), i), items[i].clone(), span)).collect();
        let ty = Type::Tuple(parts.iter().map(|p| p.ty.clone()).collect());
        let out = Expr::new(ExprKind::Tuple(parts), ty.clone(), span);
        Ok(if stmts.is_empty() { out } else { Expr::new(ExprKind::Block(stmts, bx(out)), ty, span) })
    }

    pub(crate) fn subscript(&mut self, base: Expr, index: &ast::Expr, span: Span) -> Result<Expr, Diagnostic> {
        match base.ty.clone() {
            Type::Tuple(items) => {
                if let Some(i) = self.const_int(index) {
                    let n = items.len() as i64;
                    let k = if i < 0 { i + n } else { i };
                    if k < 0 || k >= n {
                        return Err(Diagnostic::typing("index-out-of-range", format!("tuple index {i} is out of range for {}", base.ty), span));
                    }
                    return Ok(Expr::new(ExprKind::TupleGet(bx(base), k as usize), items[k as usize].clone(), span));
                }
                if let ast::Expr::Slice(sl) = index {
                    return self.tuple_slice(base, &items, sl, span);
                }
                let Some(elem) = base.ty.homogeneous_element().cloned() else {
                    return Err(Diagnostic::typing("non-constant-index", format!("a heterogeneous tuple {} can only be indexed with a constant", base.ty), span)
                        .with_hint("index it with an integer literal"));
                };
                let i = self.rt(index)?;
                let i = self.index_int(i, span)?;
                Ok(Expr::new(ExprKind::TupleGetDyn(bx(base), bx(i)), elem, span))
            }
            Type::Array(a) => {
                let raw: Vec<&ast::Expr> = match index {
                    ast::Expr::Tuple(t) => t.elts.iter().collect(),
                    other => vec![other],
                };
                let mut parts = vec![];
                for p in raw {
                    parts.push(match p {
                        ast::Expr::Slice(s) => IndexPart::Slice(s),
                        ast::Expr::Constant(c) if matches!(c.value, ast::Constant::Ellipsis) => IndexPart::Ellipsis,
                        other => {
                            let i = self.rt(other)?;
                            if i.ty == Type::NoneType {
                                IndexPart::NewAxis
                            } else {
                                IndexPart::Index(i, span_of(other))
                            }
                        }
                    });
                }
                if let [IndexPart::Index(t, at)] = parts.as_slice() {
                    // `a[t]` with a tuple of integers t is `a[t[0], t[1], ...]`, as in NumPy.
                    if let Type::Tuple(items) = &t.ty {
                        if !items.is_empty() && items.iter().all(|x| x.scalar().is_some_and(|s| s.is_int())) {
                            let (t, at, items) = (t.clone(), *at, items.clone());
                            let tmp = self.temp("index", t.ty.clone());
                            let setup = vec![self.assign_var(tmp, t, span)?];
                            parts = items
                                .into_iter()
                                .enumerate()
                                .map(|(k, ty)| IndexPart::Index(Expr::new(ExprKind::TupleGet(bx(self.var_expr(tmp, span)), k), ty, at), at))
                                .collect();
                            let access = self.subscript_parts(base, parts, &a, span)?;
                            let ty = access.ty.clone();
                            return Ok(Expr::new(ExprKind::Block(setup, bx(access)), ty, span));
                        }
                    }
                }
                self.subscript_parts(base, parts, &a, span)
            }
            Type::List { .. } => self.list_subscript(base, index, span),
            Type::Unknown => Ok(Expr::new(ExprKind::Int(0), Type::Unknown, span)),
            other => Err(Diagnostic::typing("not-subscriptable", format!("a value of type {other} cannot be indexed"), span)),
        }
    }

    /// `a[...]` of an array, its subscript already split into typed parts.
    fn subscript_parts(&mut self, base: Expr, parts: Vec<IndexPart>, a: &ArrayType, span: Span) -> Result<Expr, Diagnostic> {
        if parts.iter().any(|p| !matches!(p, IndexPart::Index(..))) || parts.len() < a.ndim as usize {
            return self.array_view(base, parts, span);
        }
        let mut given: Vec<Expr> = parts
            .into_iter()
            .map(|p| match p {
                IndexPart::Index(i, _) => i,
                _ => unreachable!("only integer indices are left"),
            })
            .collect();
        let zero_d_int = |t: &Type| t.array().is_some_and(|x| x.ndim == 0 && x.dtype.is_int() && x.dtype != Scalar::Bool);
        if given.len() == a.ndim as usize && given.iter().any(|i| zero_d_int(&i.ty)) {
            // 0-d integer arrays index as the integers they hold when every axis is
            // indexed (NumPy's result is then the same element).
            given = given
                .into_iter()
                .map(|i| match i.ty.array().map(|x| x.dtype) {
                    Some(d) if zero_d_int(&i.ty) => Expr::new(ExprKind::ArrayGet(bx(i), vec![]), Type::Scalar(d), span),
                    _ => i,
                })
                .collect();
        }
        if given.len() == 1 && given[0].ty.array().is_some() {
            // a[mask] and a[indices]: library code, like NumPy's other functions.
            let i = given.pop().expect("one index");
            return self.library_call("getitem_array", vec![base, i], span);
        }
        let mut indices = vec![];
        for i in given {
            if i.ty.array().is_some() || matches!(i.ty, Type::Tuple(_)) {
                return Err(Diagnostic::typing("unsupported", "indexing with arrays along several axes is not supported yet", span)
                    .with_hint("index with one boolean mask or one integer array"));
            }
            indices.push(self.index_int(i, span)?);
        }
        if indices.len() != a.ndim as usize {
            return Err(Diagnostic::typing("index-out-of-range", format!("too many indices for a {}-d array", a.ndim), span));
        }
        Ok(Expr::new(ExprKind::ArrayGet(bx(base), indices), Type::Scalar(a.dtype), span))
    }

    /// `a op= b` on an array (also `operator.iadd(a, b)`, ...): `a` updated in place, as
    /// NumPy does.
    pub(crate) fn array_in_place(&mut self, op: ast::Operator, current: Expr, rhs: Expr, span: Span) -> Result<Vec<Stmt>, Diagnostic> {
        let ndim = current.ty.array().map_or(0, |t| t.ndim);
        if op == ast::Operator::MatMult {
            return self.matmul_in_place(current, rhs, ndim, span);
        }
        let result = self.binary(op, current.clone(), rhs, span)?;
        let (to, from) = (current.ty.array().map(|t| t.dtype), result.ty.array().map(|t| t.dtype).or(result.ty.scalar()));
        if let (Some(to), Some(from)) = (to, from) {
            // NumPy's same-kind rule: `int_array += 1.5` is an error, not a truncation.
            let kind = |s: Scalar| if s == Scalar::Bool { 0 } else if s.is_int() { 1 } else if s.is_float() { 2 } else { 3 };
            if kind(from) > kind(to) {
                return Err(Diagnostic::typing(
                    "unsafe-cast",
                    format!("cannot store the {} result of an in-place operation into a {} array", from.name(), to.name()),
                    span,
                )
                .with_hint("write `a = a op b` for a new array, or convert the operand first"));
            }
        }
        Ok(vec![self.assign_into(current, result, span)?])
    }

    /// `a @= b` on an array, as NumPy does it: the product written into `a`, whose shape it
    /// must have (a ValueError otherwise, as for a 1-d `b`).
    fn matmul_in_place(&mut self, a: Expr, b: Expr, a_ndim: u32, span: Span) -> Result<Vec<Stmt>, Diagnostic> {
        let b_ndim = b.ty.array().map_or(0, |t| t.ndim);
        if a_ndim < 1 || b_ndim < 2 {
            // Known from the types: NumPy raises ValueError for every such call.
            return Err(Diagnostic::typing(
                "bad-operand",
                format!("in-place matrix multiplication needs an array of at least one dimension and a second operand of at least two, not {} @= {}", a.ty, b.ty),
                span,
            )
            .with_hint("write `c = a @ b` for a new result"));
        }
        let product = self.binary(ast::Operator::MatMult, a.clone(), b, span)?;
        let tmp = self.temp("product", product.ty.clone());
        let mut stmts = vec![self.assign_var(tmp, product, span)?];
        let mut differs: Option<Expr> = None;
        for k in 0..a_ndim as usize {
            let got = Expr::new(ExprKind::ArrayShape(Box::new(self.var_expr(tmp, span)), k), I64, span);
            let want = Expr::new(ExprKind::ArrayShape(Box::new(a.clone()), k), I64, span);
            let ne = Expr::new(ExprKind::Compare(CmpOp::Ne, Box::new(got), Box::new(want)), BOOL, span);
            differs = Some(match differs {
                None => ne,
                Some(d) => Expr::new(ExprKind::Or(Box::new(d), Box::new(ne)), BOOL, span),
            });
        }
        if let Some(cond) = differs {
            let message = "matmul: Output operand 0 does not have the shape of the product".to_string();
            stmts.push(Stmt::If { cond, then_body: vec![Stmt::Raise { class: "ValueError".into(), message: Some(message), span }], else_body: vec![] });
        }
        let value = self.var_expr(tmp, span);
        stmts.push(self.assign_into(a, value, span)?);
        Ok(stmts)
    }


    /// `a[mask(a)] = x` with the mask an element-wise expression of `a` alone and `x` a
    /// real number: one loop `a[k] = x if mask(a[k]) else a[k]`, without materializing
    /// the mask (each element's mask reads it before the loop writes it, so this is
    /// NumPy's result). None where that does not hold.
    fn fused_masked_store(&mut self, array: &Expr, mask: &Expr, value: &Expr, span: Span) -> Result<Option<Stmt>, Diagnostic> {
        let ExprKind::Var(target) = array.kind else { return Ok(None) };
        let ExprKind::Map { inputs, shape: None, .. } = &mask.kind else { return Ok(None) };
        // The mask reads only the target's own elements (and scalars, such as the threshold).
        let is_target = |x: &Expr| matches!(x.kind, ExprKind::Var(v) if v == target) && x.ty == array.ty;
        let only_target = inputs.iter().any(is_target) && inputs.iter().all(|x| is_target(x) || x.ty.scalar().is_some());
        let real_scalar = value.ty.scalar().is_some_and(|s| !s.is_complex());
        let real_array = array.ty.array().is_some_and(|a| !a.dtype.is_complex());
        if !(only_target && real_scalar && real_array && mask.ty.array().is_some_and(|m| m.dtype == Scalar::Bool)) {
            return Ok(None);
        }
        let args = vec![Value::Rt(mask.clone()), Value::Rt(value.clone()), Value::Rt(array.clone())];
        let Value::Rt(blend) = self.numpy_call("where", args, vec![], span)? else { return Ok(None) };
        Ok(Some(self.assign_into(array.clone(), blend, span)?))
    }

    /// `t.index(x)` and `t.count(x)` of a tuple: every item compared with `x` (items of
    /// another kind are never equal, as in Python), the first match wins for `index`.
    pub(crate) fn tuple_search(&mut self, method: &str, t: Expr, x: Expr, span: Span) -> Result<Expr, Diagnostic> {
        let Type::Tuple(items) = t.ty.clone() else { return Err(Diagnostic::internal("tuple_search of a non-tuple")) };
        let (tv, xv) = (self.temp("tuple", t.ty.clone()), self.temp("needle", x.ty.clone()));
        let mut stmts = vec![Stmt::Assign(tv, t), Stmt::Assign(xv, x)];
        let acc = self.temp(method, I64);
        let int = |n: i64| Expr::new(ExprKind::Int(n), I64, span);
        stmts.push(Stmt::Assign(acc, int(if method == "index" { -1 } else { 0 })));
        let order: Vec<usize> = if method == "index" { (0..items.len()).rev().collect() } else { (0..items.len()).collect() };
        for i in order {
            let item = Expr::new(ExprKind::TupleGet(bx(self.var_expr(tv, span)), i), items[i].clone(), span);
            let equal = match self.compare(ast::CmpOp::Eq, item, self.var_expr(xv, span), span) {
                Ok(e) if e.ty == BOOL => e,
                _ => continue,
            };
            let update = if method == "index" {
                int(i as i64)
            } else {
                Expr::new(ExprKind::Binary(BinOp::Add, bx(self.var_expr(acc, span)), bx(int(1))), I64, span)
            };
            stmts.push(Stmt::If { cond: equal, then_body: vec![Stmt::Assign(acc, update)], else_body: vec![] });
        }
        if method == "index" {
            let missing = Expr::new(ExprKind::Compare(CmpOp::Lt, bx(self.var_expr(acc, span)), bx(int(0))), BOOL, span);
            let raise = Stmt::Raise { class: "ValueError".into(), message: Some("tuple.index(x): x not in tuple".into()), span };
            stmts.push(Stmt::If { cond: missing, then_body: vec![raise], else_body: vec![] });
        }
        Ok(Expr::new(ExprKind::Block(stmts, bx(self.var_expr(acc, span))), I64, span))
    }

    /// An index converted to int64 (the IR's index type).
    pub(crate) fn index_int(&mut self, i: Expr, span: Span) -> Result<Expr, Diagnostic> {
        let i = self.strip_optional_pub(i);
        match i.ty.scalar() {
            Some(s) if s.is_int() || s == Scalar::Bool => self.coerce(i, &I64, span),
            _ if i.ty == Type::Unknown => Ok(i),
            _ => Err(Diagnostic::typing("bad-index", format!("indices must be integers, not {}", i.ty), span)),
        }
    }

    /// Every element of array `target` becomes the matching (broadcast) element of `value`,
    /// converted to the target's dtype: one fused loop when `value` is an array expression.
    pub(crate) fn assign_into(&mut self, target: Expr, value: Expr, span: Span) -> Result<Stmt, Diagnostic> {
        let Some(t) = target.ty.array().cloned() else {
            return Err(Diagnostic::internal("assign_into a non-array"));
        };
        if t.readonly {
            return Err(Diagnostic::typing("readonly-array", format!("Cannot modify readonly array of type: {}", target.ty), span)
                .with_hint("pass a writeable array, or copy it before the call"));
        }
        let mut value = self.strip_optional_pub(value);
        if let Some(v) = value.ty.array().cloned().filter(|v| v.ndim > t.ndim) {
            // NumPy broadcasts a value with extra leading dimensions of length 1 (a (1, 5)
            // array into a (5,) target): check they are 1, then view past them.
            let extra = (v.ndim - t.ndim) as usize;
            let tmp = self.temp("value", value.ty.clone());
            let var = Expr::new(ExprKind::Var(tmp), value.ty.clone(), span);
            let mut stmts = vec![Stmt::Assign(tmp, value)];
            for k in 0..extra {
                let dim = Expr::new(ExprKind::ArrayShape(bx(var.clone()), k), I64, span);
                let not_one = Expr::new(ExprKind::Compare(CmpOp::Ne, bx(dim), bx(Expr::new(ExprKind::Int(1), I64, span))), BOOL, span);
                let message = format!("could not broadcast a {}-d array into a {}-d array: its leading dimensions must be 1", v.ndim, t.ndim);
                stmts.push(Stmt::If { cond: not_one, then_body: vec![Stmt::Raise { class: "ValueError".into(), message: Some(message), span }], else_body: vec![] });
            }
            let items = (0..extra).map(|_| SliceItem::Index(Expr::new(ExprKind::Int(0), I64, span))).collect();
            let view_ty = Type::Array(ArrayType { ndim: t.ndim, layout: if v.layout == Layout::C { Layout::C } else { Layout::Any }, ..v });
            let view = Expr::new(ExprKind::ArrayView(bx(var), items), view_ty.clone(), span);
            value = Expr::new(ExprKind::Block(stmts, bx(view)), view_ty, span);
        }
        if value.ty.scalar().is_none() && value.ty.array().is_none() && value.ty != Type::Unknown {
            return Err(Diagnostic::typing("type-conflict", format!("cannot assign a value of type {} into {}", value.ty, target.ty), span));
        }
        let (inputs, body) = match value.kind {
            ExprKind::Map { inputs, body, shape: None } => (inputs, *body),
            _ => {
                let elem = match &value.ty {
                    Type::Array(a) => Type::Scalar(a.dtype),
                    other => other.clone(),
                };
                (vec![value], Expr::new(ExprKind::MapInput(0), elem, span))
            }
        };
        let body = self.coerce(body, &Type::Scalar(t.dtype), span)?;
        Ok(Stmt::MapInto { target, inputs, body })
    }

    pub(crate) fn store(&mut self, array: Expr, index: &ast::Expr, value: Expr, span: Span) -> Result<Stmt, Diagnostic> {
        if matches!(array.ty, Type::List { .. }) {
            return self.list_store(array, index, value, span);
        }
        let ellipsis = matches!(index, ast::Expr::Constant(c) if matches!(c.value, ast::Constant::Ellipsis));
        if let (Type::Array(a), false) = (&array.ty, ellipsis || matches!(index, ast::Expr::Tuple(_) | ast::Expr::Slice(_))) {
            let i = self.rt(index)?;
            if i.ty.array().is_some() {
                if a.readonly {
                    return Err(Diagnostic::typing("readonly-array", format!("Cannot modify readonly array of type: {}", array.ty), span));
                }
                if let Some(fused) = self.fused_masked_store(&array, &i, &value, span)? {
                    return Ok(fused);
                }
                let call = self.library_call("setitem_array", vec![array, i, value], span)?;
                return Ok(Stmt::Eval(call));
            }
        }
        let Type::Array(a) = array.ty.clone() else {
            return Err(Diagnostic::typing("not-subscriptable", format!("cannot assign into an element of {}", array.ty), span)
                .with_hint("only array elements can be assigned; tuples are immutable"));
        };
        if a.readonly {
            return Err(Diagnostic::typing("readonly-array", format!("Cannot modify readonly array of type: {}", array.ty), span)
                .with_hint("pass a writeable array, or copy it before the call"));
        }
        let element = self.subscript(array.clone(), index, span)?;
        if element.ty.array().is_some() {
            // `a[1:3] = x`: element-wise assignment into the view.
            return self.assign_into(element, value, span);
        }
        let Expr { kind: ExprKind::ArrayGet(_, indices), .. } = element else {
            return Err(Diagnostic::internal("array subscript did not produce an element access"));
        };
        let value = self.strip_optional_pub(value);
        if value.ty.scalar().is_none() && value.ty != Type::Unknown {
            return Err(Diagnostic::typing("type-conflict", format!("cannot store a value of type {} into {}", value.ty, array.ty), span));
        }
        let value = self.coerce(value, &Type::Scalar(a.dtype), span)?;
        Ok(Stmt::Store { array, indices, value, span })
    }

    pub(crate) fn const_int(&self, e: &ast::Expr) -> Option<i64> {
        match e {
            ast::Expr::Constant(c) => int_constant(&c.value),
            ast::Expr::UnaryOp(u) if u.op == ast::UnaryOp::USub => self.const_int(&u.operand).map(|v| -v),
            ast::Expr::Name(n) if self.lookup_var(n.id.as_str()).is_none() => match self.global(n.id.as_str()) {
                Some(GlobalValue::Int(i)) => Some(*i),
                _ => None,
            },
            _ => None,
        }
    }

    // ---- sequences (for loops, len, min/max of an iterable) ----

    pub(crate) fn sequence_len(&mut self, seq: &Value, span: Span) -> Result<Expr, Diagnostic> {
        Ok(match seq {
            Value::Rt(e) => match &e.ty {
                Type::Array(_) => Expr::new(ExprKind::ArrayShape(bx(e.clone()), 0), I64, span),
                Type::Tuple(items) => Expr::new(ExprKind::Int(items.len() as i64), I64, span),
                Type::Range => Expr::new(ExprKind::Call("range.len".into(), vec![e.clone()]), I64, span),
                Type::List { .. } => self.list_len(e.clone(), span),
                Type::Unknown => Expr::new(ExprKind::Int(0), I64, span),
                other => return Err(Diagnostic::typing("not-iterable", format!("a value of type {other} is not iterable"), span)),
            },
            Value::Range(a, b, c) => {
                let r = Expr::new(ExprKind::Call("range".into(), vec![(**a).clone(), (**b).clone(), (**c).clone()]), Type::Range, span);
                Expr::new(ExprKind::Call("range.len".into(), vec![r]), I64, span)
            }
            Value::Enumerate(inner, _) => self.sequence_len(inner, span)?,
            Value::Zip(items) => {
                let mut acc: Option<Expr> = None;
                for v in items {
                    let n = self.sequence_len(v, span)?;
                    acc = Some(match acc {
                        None => n,
                        Some(m) => Expr::new(ExprKind::Math("min", vec![m, n]), I64, span),
                    });
                }
                acc.unwrap_or_else(|| Expr::new(ExprKind::Int(0), I64, span))
            }
            other => return Err(Diagnostic::typing("not-iterable", format!("{} is not iterable", describe_value(other)), span)),
        })
    }

    pub(crate) fn sequence_item(&mut self, seq: &Value, i: Expr, span: Span) -> Result<Expr, Diagnostic> {
        Ok(match seq {
            Value::Rt(e) => match &e.ty {
                Type::Array(a) if a.ndim == 1 => Expr::new(ExprKind::ArrayGet(bx(e.clone()), vec![i]), Type::Scalar(a.dtype), span),
                Type::Array(a) => {
                    // Rows of a multi-dimensional array are views.
                    // A row of a C array is C-contiguous; rows of other layouts are strided.
                    let layout = if a.layout == crate::common::types::Layout::C { a.layout } else { crate::common::types::Layout::Any };
                    let ty = Type::Array(crate::common::types::ArrayType { ndim: a.ndim - 1, layout, ..a.clone() });
                    Expr::new(ExprKind::ArrayView(bx(e.clone()), vec![crate::common::ir::SliceItem::Index(i)]), ty, span)
                }
                Type::Tuple(items) => match e.ty.homogeneous_element() {
                    Some(t) => Expr::new(ExprKind::TupleGetDyn(bx(e.clone()), bx(i)), t.clone(), span),
                    None if items.is_empty() => Expr::new(ExprKind::Int(0), Type::Unknown, span),
                    None => {
                        return Err(Diagnostic::typing("unsupported", format!("iterating over a heterogeneous tuple {} is not supported", e.ty), span)
                            .with_hint("index it with constants instead"))
                    }
                },
                Type::Range => Expr::new(ExprKind::Call("range.item".into(), vec![e.clone(), i]), I64, span),
                Type::List { .. } => self.list_get(e.clone(), i, span),
                _ => Expr::new(ExprKind::Int(0), Type::Unknown, span),
            },
            Value::Range(a, _, c) => {
                let step = Expr::new(ExprKind::Binary(BinOp::Mul, bx(i), c.clone()), I64, span);
                Expr::new(ExprKind::Binary(BinOp::Add, a.clone(), bx(step)), I64, span)
            }
            Value::Enumerate(inner, start) => {
                let item = self.sequence_item(inner, i.clone(), span)?;
                let count = Expr::new(ExprKind::Binary(BinOp::Add, bx(i), start.clone()), I64, span);
                let ty = Type::Tuple(vec![I64, item.ty.clone()]);
                Expr::new(ExprKind::Tuple(vec![count, item]), ty, span)
            }
            Value::Zip(items) => {
                let mut parts = vec![];
                for v in items {
                    parts.push(self.sequence_item(v, i.clone(), span)?);
                }
                let ty = Type::Tuple(parts.iter().map(|x| x.ty.clone()).collect());
                Expr::new(ExprKind::Tuple(parts), ty, span)
            }
            other => return Err(Diagnostic::typing("not-iterable", format!("{} is not iterable", describe_value(other)), span)),
        })
    }
}
