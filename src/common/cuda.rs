//! Typing of the CUDA kernel language (`numba.cuda`'s names): thread and block indices,
//! `grid`/`gridsize`, barriers, shared and local arrays, atomics. These are ordinary
//! typed-IR operations; each target lowers them its own way.

use crate::common::diagnostic::{Diagnostic, Span};
use crate::common::infer::{Typer, Value};
use crate::common::ir::{AtomicOp, BinOp, CmpOp, Expr, ExprKind, GpuReg, WarpOp};
use crate::common::types::{ArrayType, Layout, Scalar, Type, BOOL, I64};

fn bx(e: Expr) -> Box<Expr> {
    Box::new(e)
}

const I32: Type = Type::Scalar(Scalar::I32);

/// `cuda.<attr>` (and `cuda.threadIdx.<x>`, `cuda.atomic.<op>`, ...).
pub fn cuda_attribute(module: &str, attr: &str, span: Span) -> Option<Value> {
    let axis = |a: &str| match a {
        "x" => Some(0u8),
        "y" => Some(1),
        "z" => Some(2),
        _ => None,
    };
    let reg = |r: GpuReg| Some(Value::Rt(Expr::new(ExprKind::GpuReg(r), I32, span)));
    match (module, attr) {
        ("cuda", "threadIdx" | "blockIdx" | "blockDim" | "gridDim" | "shared" | "local" | "const" | "atomic") => {
            Some(Value::Module(format!("cuda.{attr}")))
        }
        ("cuda", "laneid") => reg(GpuReg::LaneId),
        ("cuda", "warpsize") => reg(GpuReg::WarpSize),
        ("cuda", "grid" | "gridsize" | "syncthreads" | "syncthreads_count" | "syncthreads_and" | "syncthreads_or" | "fma" | "cbrt" | "selp") => Some(Value::Func(format!("cuda.{attr}"))),
        ("cuda", w) if warp_op(w).is_some() => Some(Value::Func(format!("cuda.{w}"))),
        ("cuda.threadIdx", a) => reg(GpuReg::ThreadIdx(axis(a)?)),
        ("cuda.blockIdx", a) => reg(GpuReg::BlockIdx(axis(a)?)),
        ("cuda.blockDim", a) => reg(GpuReg::BlockDim(axis(a)?)),
        ("cuda.gridDim", a) => reg(GpuReg::GridDim(axis(a)?)),
        ("cuda.shared" | "cuda.local", "array") | ("cuda.const", "array_like") => Some(Value::Func(format!("{module}.{attr}"))),
        ("cuda.atomic", op) if atomic_op(op).is_some() => Some(Value::Func(format!("cuda.atomic.{op}"))),
        _ => None,
    }
}

fn warp_op(name: &str) -> Option<WarpOp> {
    Some(match name {
        "shfl_sync" => WarpOp::Shfl,
        "shfl_up_sync" => WarpOp::ShflUp,
        "shfl_down_sync" => WarpOp::ShflDown,
        "shfl_xor_sync" => WarpOp::ShflXor,
        "ballot_sync" => WarpOp::Ballot,
        "all_sync" => WarpOp::All,
        "any_sync" => WarpOp::Any,
        "eq_sync" => WarpOp::Eq,
        "match_any_sync" => WarpOp::MatchAny,
        "activemask" => WarpOp::ActiveMask,
        "syncwarp" => WarpOp::SyncWarp,
        _ => return None,
    })
}

fn atomic_op(name: &str) -> Option<AtomicOp> {
    Some(match name {
        "add" => AtomicOp::Add,
        "sub" => AtomicOp::Sub,
        "max" => AtomicOp::Max,
        "min" => AtomicOp::Min,
        "exch" => AtomicOp::Exch,
        "cas" | "compare_and_swap" => AtomicOp::Cas,
        "and_" => AtomicOp::And,
        "or_" => AtomicOp::Or,
        "xor" => AtomicOp::Xor,
        "inc" => AtomicOp::Inc,
        "dec" => AtomicOp::Dec,
        _ => return None,
    })
}

impl<'a> Typer<'a> {
    fn reg(&self, r: GpuReg, span: Span) -> Expr {
        let e = Expr::new(ExprKind::GpuReg(r), I32, span);
        Expr::new(ExprKind::Cast(bx(e)), I64, span)
    }

    /// `blockIdx.a * blockDim.a + threadIdx.a` in int64, marked non-negative so that
    /// indexing with it needs no negative-index wrap (and vectorizes on the CPU target).
    fn absolute_index(&self, a: u8, span: Span) -> Expr {
        let prod = Expr::new(ExprKind::Binary(BinOp::Mul, bx(self.reg(GpuReg::BlockIdx(a), span)), bx(self.reg(GpuReg::BlockDim(a), span))), I64, span);
        let sum = Expr::new(ExprKind::Binary(BinOp::Add, bx(prod), bx(self.reg(GpuReg::ThreadIdx(a), span))), I64, span);
        Expr::new(ExprKind::Math("nonnegative", vec![sum]), I64, span)
    }

    fn const_shape(&mut self, v: Value, span: Span) -> Result<Vec<i64>, Diagnostic> {
        let e = self.as_rt(v, span)?;
        let read = |e: &Expr| match e.kind {
            ExprKind::Int(n) => Some(n),
            _ => None,
        };
        let dims = match &e.kind {
            ExprKind::Tuple(items) => items.iter().map(read).collect::<Option<Vec<_>>>(),
            _ => read(&e).map(|n| vec![n]),
        };
        dims.ok_or_else(|| {
            Diagnostic::typing("non-constant-shape", "the shape of a shared or local array must be a constant", span)
                .with_hint("use an integer literal or a global constant (or a tuple of them)")
        })
    }

    pub(crate) fn cuda_call(&mut self, f: &str, args: Vec<Value>, kwargs: Vec<(String, Value)>, span: Span) -> Result<Value, Diagnostic> {
        let mut args = args;
        for (k, v) in kwargs {
            match k.as_str() {
                "shape" if args.is_empty() => args.push(v),
                "dtype" if args.len() == 1 => args.push(v),
                _ => return Err(Diagnostic::typing("unsupported", format!("cuda.{f}() keyword '{k}' is not supported"), span)),
            }
        }
        match f {
            "grid" | "gridsize" => {
                let n = match args.first().map(|v| self.as_rt(v.clone(), span)).transpose()? {
                    Some(Expr { kind: ExprKind::Int(n), .. }) if (1..=3).contains(&n) => n as u8,
                    _ => return Err(Diagnostic::typing("bad-argument", format!("cuda.{f}() takes a literal 1, 2 or 3"), span)),
                };
                let parts: Vec<Expr> = (0..n)
                    .map(|a| {
                        if f == "grid" {
                            self.absolute_index(a, span)
                        } else {
                            Expr::new(ExprKind::Binary(BinOp::Mul, bx(self.reg(GpuReg::BlockDim(a), span)), bx(self.reg(GpuReg::GridDim(a), span))), I64, span)
                        }
                    })
                    .collect();
                if n == 1 {
                    return Ok(Value::Rt(parts.into_iter().next().unwrap()));
                }
                let ty = Type::Tuple(vec![I64; n as usize]);
                Ok(Value::Rt(Expr::new(ExprKind::Tuple(parts), ty, span)))
            }
            "syncthreads" => {
                if !args.is_empty() {
                    return Err(Diagnostic::typing("bad-arity", "cuda.syncthreads() takes no arguments", span));
                }
                Ok(Value::Rt(Expr::new(ExprKind::Barrier, Type::NoneType, span)))
            }
            "syncthreads_count" | "syncthreads_and" | "syncthreads_or" => {
                let [pred] = <[Value; 1]>::try_from(args).map_err(|_| Diagnostic::typing("bad-arity", format!("cuda.{f}(predicate) takes one argument"), span))?;
                let pred = self.as_rt(pred, span)?;
                let pred = self.truth(pred)?;
                let count = Expr::new(ExprKind::BarrierCount(bx(pred)), I32, span);
                let as_int = |e: Expr| Expr::new(ExprKind::Cast(bx(e)), I32, span);
                Ok(Value::Rt(match f {
                    "syncthreads_count" => count,
                    "syncthreads_or" => as_int(Expr::new(ExprKind::Compare(CmpOp::Ne, bx(count), bx(Expr::new(ExprKind::Int(0), I32, span))), BOOL, span)),
                    _ => {
                        // Every thread of the block: the count equals the block's size.
                        let dim = |a| Expr::new(ExprKind::GpuReg(GpuReg::BlockDim(a)), I32, span);
                        let mul = |a: Expr, b: Expr| Expr::new(ExprKind::Binary(BinOp::Mul, bx(a), bx(b)), I32, span);
                        let size = mul(mul(dim(0), dim(1)), dim(2));
                        as_int(Expr::new(ExprKind::Compare(CmpOp::Eq, bx(count), bx(size)), BOOL, span))
                    }
                }))
            }
            "shared.array" | "local.array" => {
                if args.len() != 2 {
                    return Err(Diagnostic::typing("bad-arity", format!("cuda.{f}(shape, dtype) takes two arguments"), span));
                }
                let dtype_v = args.pop().unwrap();
                let dtype = match dtype_v {
                    Value::DType(s) => s,
                    Value::Func(ref p) if p == "builtins.float" => Scalar::F64,
                    Value::Func(ref p) if p == "builtins.int" => Scalar::I64,
                    _ => return Err(Diagnostic::typing("bad-argument", "the dtype of a shared or local array must be a NumPy type", span)),
                };
                let dims = self.const_shape(args.pop().unwrap(), span)?;
                if f == "local.array" && dims.iter().any(|&d| d <= 0) || dims.iter().any(|&d| d < 0) {
                    return Err(Diagnostic::typing("bad-argument", format!("cuda.{f}() needs positive dimensions"), span));
                }
                let ty = Type::Array(ArrayType { dtype, ndim: dims.len() as u32, layout: Layout::C, readonly: false });
                let kind = if f == "shared.array" { ExprKind::SharedArray(dims) } else { ExprKind::LocalArray(dims) };
                Ok(Value::Rt(Expr::new(kind, ty, span)))
            }
            "const.array_like" => {
                let [a] = <[Value; 1]>::try_from(args).map_err(|_| Diagnostic::typing("bad-arity", "cuda.const.array_like() takes one array", span))?;
                Ok(Value::Rt(self.as_rt(a, span)?))
            }
            op if op.starts_with("atomic.") => self.atomic(&op[7..], args, span),
            w if warp_op(w).is_some() => self.warp(warp_op(w).unwrap(), args, span),
            "fma" => {
                let [a, b, c] = <[Value; 3]>::try_from(args).map_err(|_| Diagnostic::typing("bad-arity", "cuda.fma() takes three numbers", span))?;
                let (a, b, c) = (self.as_rt(a, span)?, self.as_rt(b, span)?, self.as_rt(c, span)?);
                // One rounding, as the fma instruction does (float32 when all three are).
                let all_f32 = [&a, &b, &c].iter().all(|x| x.ty == Type::Scalar(Scalar::F32));
                let t = Type::Scalar(if all_f32 { Scalar::F32 } else { Scalar::F64 });
                let (a, b, c) = (self.coerce(a, &t, span)?, self.coerce(b, &t, span)?, self.coerce(c, &t, span)?);
                Ok(Value::Rt(Expr::new(ExprKind::Math("fma", vec![a, b, c]), t, span)))
            }
            "selp" => {
                let [c, a, b] = <[Value; 3]>::try_from(args).map_err(|_| Diagnostic::typing("bad-arity", "cuda.selp() takes three arguments", span))?;
                let (c, a, b) = (self.as_rt(c, span)?, self.as_rt(a, span)?, self.as_rt(b, span)?);
                let c = self.truth(c)?;
                let ty = self.unify_or_err(&a.ty, &b.ty, span, "the choices of cuda.selp")?;
                let (a, b) = (self.coerce(a, &ty, span)?, self.coerce(b, &ty, span)?);
                Ok(Value::Rt(Expr::new(ExprKind::IfElse(bx(c), bx(a), bx(b)), ty, span)))
            }
            "cbrt" => self.call_builtin_path("math.cbrt", args, span),
            _ => Err(Diagnostic::typing("unsupported-function", format!("cuda.{f} is not supported yet"), span)),
        }
    }

    /// Warp intrinsics. The member mask is accepted; the CPU target runs every lane of a
    /// warp, as a full mask says.
    fn warp(&mut self, op: WarpOp, args: Vec<Value>, span: Span) -> Result<Value, Diagnostic> {
        let mut rts = vec![];
        for a in args {
            rts.push(self.as_rt(a, span)?);
        }
        let want = match op {
            WarpOp::ActiveMask => 0,
            WarpOp::SyncWarp => rts.len().min(1),
            WarpOp::Ballot | WarpOp::All | WarpOp::Any | WarpOp::Eq | WarpOp::MatchAny => 2,
            _ => 3,
        };
        if rts.len() != want {
            return Err(Diagnostic::typing("bad-arity", format!("cuda.{op:?} takes {want} arguments"), span));
        }
        let u32t = Type::Scalar(Scalar::U32);
        let ty = match op {
            WarpOp::ActiveMask | WarpOp::Ballot => u32t.clone(),
            WarpOp::MatchAny => {
                let v = &rts[1];
                if !matches!(v.ty.scalar(), Some(s) if s.is_int() || s.is_float()) {
                    return Err(Diagnostic::typing("bad-argument", format!("cuda.match_any_sync compares numbers, not {}", v.ty), span));
                }
                u32t.clone()
            }
            WarpOp::SyncWarp => Type::NoneType,
            WarpOp::All | WarpOp::Any | WarpOp::Eq => I32,
            _ => {
                let v = &rts[1];
                if v.ty.scalar().is_none() || v.ty.is_complex() {
                    return Err(Diagnostic::typing("bad-argument", format!("warp shuffles move numbers, not {}", v.ty), span));
                }
                v.ty.clone()
            }
        };
        let mut args = vec![];
        for (i, a) in rts.into_iter().enumerate() {
            // Mask, lane, delta and width are integers; predicates are truth values.
            let a = match (op, i) {
                // numba.cuda.eq_sync compares the predicates' truth, not the values.
                (WarpOp::Ballot | WarpOp::All | WarpOp::Any | WarpOp::Eq, 1) => self.truth(a)?,
                (WarpOp::Shfl | WarpOp::ShflUp | WarpOp::ShflDown | WarpOp::ShflXor | WarpOp::MatchAny, 1) => a,
                _ => self.index_int(a, span)?,
            };
            args.push(a);
        }
        Ok(Value::Rt(Expr::new(ExprKind::Warp(op, args), ty, span)))
    }

    fn atomic(&mut self, name: &str, args: Vec<Value>, span: Span) -> Result<Value, Diagnostic> {
        let op = atomic_op(name).ok_or_else(|| Diagnostic::typing("unsupported-function", format!("cuda.atomic.{name} is not supported yet"), span))?;
        let want = if op == AtomicOp::Cas { 4 } else { 3 };
        if args.len() != want {
            return Err(Diagnostic::typing("bad-arity", format!("cuda.atomic.{name}() takes {want} arguments"), span));
        }
        let mut rts = vec![];
        for a in args {
            rts.push(self.as_rt(a, span)?);
        }
        let mut it = rts.into_iter();
        let array = it.next().unwrap();
        let Some(at) = array.ty.array().cloned() else {
            return Err(Diagnostic::typing("bad-argument", format!("cuda.atomic.{name}() works on an array element, not {}", array.ty), span));
        };
        if !matches!(at.dtype, Scalar::I32 | Scalar::I64 | Scalar::U32 | Scalar::U64 | Scalar::F32 | Scalar::F64) {
            return Err(Diagnostic::typing("bad-argument", format!("atomics on {} elements are not supported", at.dtype.name()), span)
                .with_hint("use int32, int64, uint32, uint64, float32 or float64 arrays"));
        }
        if matches!(op, AtomicOp::Inc | AtomicOp::Dec) && !matches!(at.dtype, Scalar::U32 | Scalar::U64) {
            return Err(Diagnostic::typing("bad-argument", format!("cuda.atomic.{name} works on uint32 and uint64 arrays, not {}", at.dtype.name()), span)
                .with_hint("as in CUDA, atomicInc/atomicDec are unsigned: make the array np.uint32 or np.uint64"));
        }
        if at.dtype.is_float() && matches!(op, AtomicOp::And | AtomicOp::Or | AtomicOp::Xor) {
            return Err(Diagnostic::typing("bad-argument", format!("cuda.atomic.{name} needs an integer array"), span));
        }
        let index = it.next().unwrap();
        let mut indices = vec![];
        match index.ty.clone() {
            Type::Tuple(items) => {
                for (i, t) in items.into_iter().enumerate() {
                    let item = Expr::new(ExprKind::TupleGet(bx(index.clone()), i), t, span);
                    indices.push(self.index_int(item, span)?);
                }
            }
            _ => indices.push(self.index_int(index, span)?),
        }
        if indices.len() != at.ndim as usize {
            return Err(Diagnostic::typing("bad-argument", format!("the index of an atomic on a {}-d array needs {} components", at.ndim, at.ndim), span));
        }
        let elem = Type::Scalar(at.dtype);
        let mut operands = vec![array];
        let n_index = indices.len();
        operands.extend(indices);
        for v in it {
            operands.push(self.coerce(v, &elem, span)?);
        }
        let _ = n_index;
        Ok(Value::Rt(Expr::new(ExprKind::Atomic(op, operands), elem, span)))
    }
}
