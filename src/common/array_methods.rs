//! Array methods and views: `transpose` (with axes), `reshape`, `ravel`/`flatten`,
//! `copy`, `astype`, `item`, `conj`, and subscripts that make views (slices, `np.newaxis`,
//! `...`). Element-wise expressions and NumPy's functions are in `numpy.rs`.

use crate::common::diagnostic::{Diagnostic, Span};
use crate::common::infer::{describe_value, Typer, Value};
use crate::common::ir::{BinOp, CmpOp, Expr, ExprKind, SliceItem, Stmt};
use crate::common::parse::span_of;
use crate::common::types::{ArrayType, Layout, Type, BOOL, I64};
use rustpython_parser::ast;

fn bx(e: Expr) -> Box<Expr> {
    Box::new(e)
}

impl<'a> Typer<'a> {
    pub(crate) fn transpose(&mut self, a: Expr, span: Span) -> Result<Expr, Diagnostic> {
        let at = a.ty.array().cloned().expect("transpose of an array");
        let layout = match at.layout {
            Layout::C if at.ndim > 1 => Layout::F,
            Layout::F => Layout::C,
            other => other,
        };
        Ok(Expr::new(ExprKind::Transpose(bx(a)), Type::Array(ArrayType { layout, ..at }), span))
    }

    /// `a.transpose()`, `a.transpose(axes)`, `a.transpose(*axes)` (None: reversed).
    fn transpose_by(&mut self, a: Expr, args: Vec<Value>, span: Span) -> Result<Expr, Diagnostic> {
        let ndim = a.ty.array().expect("transpose of an array").ndim as usize;
        let axes = match args.len() {
            0 => return self.transpose(a, span),
            1 => {
                let only = args.into_iter().next().unwrap();
                if matches!(&only, Value::Rt(e) if e.ty == Type::NoneType) {
                    return self.transpose(a, span);
                }
                self.shape_dims(only, span)?
            }
            _ => {
                let mut axes = vec![];
                for v in args {
                    let e = self.as_rt(v, span)?;
                    axes.push(self.index_int(e, span)?);
                }
                axes
            }
        };
        if axes.len() != ndim {
            return Err(Diagnostic::typing("bad-argument", format!("transpose(): axes don't match array: {} axes for a {ndim}-d array", axes.len()), span));
        }
        // Library code checks that the axes are a permutation (raising NumPy's errors); the
        // view then picks dimensions by them, negative axes counted from the end.
        let tuple_ty = Type::Tuple(vec![I64; ndim]);
        let tmp = self.temp("axes", tuple_ty.clone());
        let int = |v: i64| Expr::new(ExprKind::Int(v), I64, span);
        let mut stmts = vec![self.assign_var(tmp, Expr::new(ExprKind::Tuple(axes), tuple_ty, span), span)?];
        let check = self.library_call("check_transpose_axes", vec![self.var_expr(tmp, span), int(ndim as i64)], span)?;
        stmts.push(Stmt::Eval(check));
        let mut picks = vec![];
        for i in 0..ndim {
            let axis = Expr::new(ExprKind::TupleGet(bx(self.var_expr(tmp, span)), i), I64, span);
            let negative = Expr::new(ExprKind::Compare(CmpOp::Lt, bx(axis.clone()), bx(int(0))), BOOL, span);
            let wrapped = Expr::new(ExprKind::Binary(BinOp::Add, bx(axis.clone()), bx(int(ndim as i64))), I64, span);
            picks.push(Expr::new(ExprKind::IfElse(bx(negative), bx(wrapped), bx(axis)), I64, span));
        }
        let at = a.ty.array().cloned().expect("transpose of an array");
        let layout = if ndim <= 1 { at.layout } else { Layout::Any };
        let ty = Type::Array(ArrayType { layout, ..at });
        let view = Expr::new(ExprKind::Permute(bx(a), picks), ty.clone(), span);
        Ok(Expr::new(ExprKind::Block(stmts, bx(view)), ty, span))
    }

    /// `a` as a C-contiguous array: itself when it is one, a copy otherwise.
    fn contiguous(&mut self, a: Expr, span: Span) -> Result<Expr, Diagnostic> {
        if a.ty.array().is_some_and(|t| t.layout == Layout::C) {
            return Ok(a);
        }
        let copy = self.copy_array(a, span)?;
        Ok(self.c_ordered(copy, span))
    }

    fn reshape(&mut self, a: Expr, dims: Vec<Expr>, span: Span) -> Result<Expr, Diagnostic> {
        // Elements are taken in C order: anything else is first copied into C order.
        let a = self.contiguous(a, span)?;
        let at = a.ty.array().cloned().expect("reshape of an array");
        let ty = Type::Array(ArrayType { ndim: dims.len() as u32, layout: Layout::C, ..at });
        Ok(Expr::new(ExprKind::Reshape(bx(a), dims), ty, span))
    }

    /// Array methods ferrumba implements natively; None leaves the name to
    /// `@overload_method` implementations.
    pub(crate) fn array_method(&mut self, a: Expr, name: &str, args: Vec<Value>, kwargs: Vec<(String, Value)>, span: Span) -> Result<Option<Value>, Diagnostic> {
        let no_kwargs = |kw: &Vec<(String, Value)>| -> Result<(), Diagnostic> {
            match kw.first() {
                Some((k, _)) => Err(Diagnostic::typing("unsupported", format!("{name}() keyword '{k}' is not supported"), span)),
                None => Ok(()),
            }
        };
        // -1: the dimension reshape infers from the size.
        let size = || Expr::new(ExprKind::Int(-1), I64, span);
        Ok(Some(Value::Rt(match name {
            "copy" => {
                // ndarray.copy() is C-ordered (np.copy keeps the order).
                no_kwargs(&kwargs)?;
                let copy = self.copy_array(a, span)?;
                self.c_ordered(copy, span)
            }
            "transpose" => {
                no_kwargs(&kwargs)?;
                self.transpose_by(a, args, span)?
            }
            "ravel" | "flatten" => {
                no_kwargs(&kwargs)?;
                let flat_source = if name == "flatten" {
                    let copy = self.copy_array(a, span)?;
                    self.c_ordered(copy, span)
                } else {
                    self.contiguous(a, span)?
                };
                self.reshape(flat_source, vec![size()], span)?
            }
            "reshape" => {
                no_kwargs(&kwargs)?;
                let dims = if args.len() == 1 {
                    self.shape_dims(args.into_iter().next().unwrap(), span)?
                } else {
                    let mut d = vec![];
                    for v in args {
                        let e = self.as_rt(v, span)?;
                        d.push(self.index_int(e, span)?);
                    }
                    d
                };
                self.reshape(a, dims, span)?
            }
            "astype" => {
                let dtype_v = match (args.into_iter().next(), kwargs.into_iter().find(|(k, _)| k == "dtype")) {
                    (Some(v), _) | (None, Some((_, v))) => v,
                    (None, None) => return Err(Diagnostic::typing("bad-arity", "astype() needs a dtype", span)),
                };
                let dtype = self.dtype_of(&dtype_v, span)?;
                let mut inputs = vec![];
                let x = self.map_operand(a, &mut inputs);
                let body = self.coerce(x, &Type::Scalar(dtype), span)?;
                self.result_map(inputs, body, span)
            }
            "conj" | "conjugate" if args.is_empty() => {
                // An array even when 0-d (np.conj of a 0-d array is a scalar: a ufunc).
                no_kwargs(&kwargs)?;
                let mut inputs = vec![];
                let x = self.map_operand(a, &mut inputs);
                let body = match self.numpy_scalar("conjugate", vec![Value::Rt(x)], span)? {
                    Value::Rt(e) => e,
                    other => return Err(Diagnostic::internal(format!("conjugate typed to {}", describe_value(&other)))),
                };
                self.result_map(inputs, body, span)
            }
            // ValueError unless the array has one element: library code.
            "item" if args.is_empty() => self.library_call("item_of", vec![a], span)?,
            // a.item(k): the k-th element in C order; a.item(i, j, ...) or a.item((i, j, ...)):
            // one index per dimension. Both raise IndexError out of bounds, as NumPy does.
            "item" => {
                no_kwargs(&kwargs)?;
                let ndim = a.ty.array().map_or(0, |t| t.ndim as usize);
                let index = if args.len() == 1 { self.shape_dims(args.into_iter().next().unwrap(), span)? } else {
                    let mut index = vec![];
                    for v in args {
                        let e = self.as_rt(v, span)?;
                        index.push(self.index_int(e, span)?);
                    }
                    index
                };
                match index.len() {
                    1 => {
                        let k = index.into_iter().next().unwrap();
                        self.library_call("item_at_flat", vec![a, k], span)?
                    }
                    n if n == ndim => {
                        let tuple = Expr::new(ExprKind::Tuple(index), Type::Tuple(vec![I64; n]), span);
                        self.library_call("item_at", vec![a, tuple], span)?
                    }
                    n => return Err(Diagnostic::typing("bad-argument", format!("item(): incorrect number of indices for array: {n} for a {ndim}-d array"), span)),
                }
            }
            _ => return Ok(None),
        })))
    }

    /// `a[...]` with slices, `np.newaxis` or `...`: a view sharing `a`'s memory.
    pub(crate) fn array_view(&mut self, base: Expr, parts: Vec<IndexPart>, span: Span) -> Result<Expr, Diagnostic> {
        let at = base.ty.array().cloned().expect("array_view of an array");
        if let [IndexPart::Index(i, _)] = parts.as_slice() {
            if i.ty.array().is_some() {
                // a[mask] and a[indices] of an n-d array: library code, as for 1-d arrays.
                let Some(IndexPart::Index(i, _)) = parts.into_iter().next() else { unreachable!("one array index") };
                return self.library_call("getitem_array", vec![base, i], span);
            }
        }
        let consumed = parts.iter().filter(|p| matches!(p, IndexPart::Slice(_) | IndexPart::Index(..))).count();
        if parts.iter().filter(|p| matches!(p, IndexPart::Ellipsis)).count() > 1 {
            return Err(Diagnostic::typing("bad-index", "an index can only have a single ellipsis ('...')", span));
        }
        if consumed > at.ndim as usize {
            return Err(Diagnostic::typing("index-out-of-range", format!("too many indices for a {}-d array", at.ndim), span));
        }
        let mut items = vec![];
        let mut kept = 0u32;
        // Where np.newaxis puts a dimension of length 1, counted in the result's dimensions.
        let mut new_axes = vec![];
        // C layout survives when leading dimensions are indexed and at most the first
        // kept dimension is cut (without a step).
        let mut c_contiguous = at.layout == Layout::C;
        let mut seen_range = false;
        for p in parts {
            match p {
                IndexPart::Slice(s) => {
                    let part = |x: &Option<Box<ast::Expr>>, this: &mut Self| -> Result<Option<Expr>, Diagnostic> {
                        match x {
                            None => Ok(None),
                            Some(e) => {
                                let v = this.rt(e)?;
                                if v.ty == Type::NoneType {
                                    return Ok(None);
                                }
                                Ok(Some(this.index_int(v, span_of(e.as_ref()))?))
                            }
                        }
                    };
                    let lo = part(&s.lower, self)?;
                    let hi = part(&s.upper, self)?;
                    let st = part(&s.step, self)?;
                    let whole = lo.is_none() && hi.is_none() && st.is_none();
                    if seen_range && !whole || st.is_some() {
                        c_contiguous = false;
                    }
                    seen_range = true;
                    kept += 1;
                    items.push(SliceItem::Range(lo, hi, st));
                }
                IndexPart::Ellipsis => {
                    // As many whole dimensions as the other indices leave.
                    for _ in 0..at.ndim as usize - consumed {
                        seen_range = true;
                        kept += 1;
                        items.push(SliceItem::Range(None, None, None));
                    }
                }
                IndexPart::NewAxis => new_axes.push(kept as usize + new_axes.len()),
                IndexPart::Index(i, at_span) => {
                    if seen_range {
                        c_contiguous = false;
                    }
                    if i.ty.array().is_some() || matches!(i.ty, Type::Tuple(_)) {
                        return Err(Diagnostic::typing("unsupported", "indexing with arrays together with slices is not supported yet", at_span)
                            .with_hint("index with one boolean mask or one integer array"));
                    }
                    items.push(SliceItem::Index(self.index_int(i, span)?));
                }
            }
        }
        let ndim = kept + (at.ndim - items.len() as u32);
        let layout = if c_contiguous { Layout::C } else { Layout::Any };
        let ty = Type::Array(ArrayType { dtype: at.dtype, ndim, layout, readonly: at.readonly });
        let view = if items.is_empty() { base } else { Expr::new(ExprKind::ArrayView(bx(base), items), ty.clone(), span) };
        if new_axes.is_empty() {
            return Ok(view);
        }
        // A C-contiguous view stays C-contiguous with unit dimensions added (NumPy agrees).
        let layout = match view.ty.array().map(|v| v.layout) {
            Some(Layout::C) if ndim > 0 => Layout::C,
            _ if ndim == 0 => Layout::C,
            _ => Layout::Any,
        };
        let ty = Type::Array(ArrayType { dtype: at.dtype, ndim: ndim + new_axes.len() as u32, layout, readonly: at.readonly });
        Ok(Expr::new(ExprKind::ExpandDims(bx(view), new_axes), ty, span))
    }
}

/// One item of an array subscript, as the typer sees it.
pub(crate) enum IndexPart<'e> {
    Slice(&'e ast::ExprSlice),
    /// An integer (or, alone, an integer or boolean array) index, typed, with its place.
    Index(Expr, Span),
    /// `np.newaxis` or `None`.
    NewAxis,
    /// `...`
    Ellipsis,
}
