//! Typed-IR expressions → LLVM values: constants, conversions, operators with Python's
//! semantics (floor division, modulo, division by zero), tuples, arrays and Optionals.

use crate::common::ir::{BinOp, CmpOp, Expr, ExprKind, UnaryOp};
use crate::common::types::{Scalar, Type};
use crate::cpu::lower::{Lowerer, R};
use crate::cpu::lower_types::{ie, ARRAY_SHAPE};
use inkwell::types::{BasicType, BasicTypeEnum};
use inkwell::values::{BasicMetadataValueEnum, BasicValueEnum, FloatValue, IntValue};
use inkwell::{AddressSpace, FloatPredicate, IntPredicate};

impl<'a, 'ctx> Lowerer<'a, 'ctx> {
    pub fn expr(&mut self, e: &Expr) -> R<BasicValueEnum<'ctx>> {
        Ok(match &e.kind {
            ExprKind::Int(v) => match e.ty.scalar() {
                Some(s) if s.is_float() => self.float_const(s, *v as f64).into(),
                _ => self.ty(&e.ty).into_int_type().const_int(*v as u64, true).into(),
            },
            ExprKind::Float(v) => self.float_const(e.ty.scalar().unwrap_or(Scalar::F64), *v).into(),
            ExprKind::Bool(v) => self.ctx.bool_type().const_int(*v as u64, false).into(),
            ExprKind::Complex(re, im) => {
                let s = e.ty.scalar().unwrap_or(Scalar::C128);
                let part = s.real_part();
                self.ctx.const_struct(&[self.float_const(part, *re).into(), self.float_const(part, *im).into()], false).into()
            }
            ExprKind::NoneValue => self.ctx.const_struct(&[], false).into(),
            ExprKind::Var(v) => {
                let ptr = self.var_ptr(*v)?;
                self.builder.build_load(self.ty(&e.ty), ptr, &self.func.vars[*v].name).map_err(ie)?
            }
            ExprKind::Cast(x) => {
                let v = self.expr(x)?;
                self.cast(v, &x.ty, &e.ty)?
            }
            ExprKind::Binary(op, l, r) => {
                let a = self.expr(l)?;
                let bv = self.expr(r)?;
                self.binary(*op, a, bv, &l.ty, &e.ty)?
            }
            ExprKind::Unary(op, x) => {
                let v = self.expr(x)?;
                match op {
                    UnaryOp::Not => {
                        let t = self.truth(v, &x.ty)?;
                        self.builder.build_not(t, "not").map_err(ie)?.into()
                    }
                    UnaryOp::Neg => match x.ty.scalar() {
                        Some(s) if s.is_complex() => {
                            let (re, im) = self.complex_parts(v)?;
                            let re = self.builder.build_float_neg(re, "nre").map_err(ie)?;
                            let im = self.builder.build_float_neg(im, "nim").map_err(ie)?;
                            self.complex_value(&e.ty, re, im)?
                        }
                        Some(s) if s.is_float() => self.builder.build_float_neg(v.into_float_value(), "neg").map_err(ie)?.into(),
                        _ => self.builder.build_int_neg(v.into_int_value(), "neg").map_err(ie)?.into(),
                    },
                    UnaryOp::Invert => self.builder.build_not(v.into_int_value(), "inv").map_err(ie)?.into(),
                }
            }
            ExprKind::Compare(op, l, r) => {
                let a = self.expr(l)?;
                let bv = self.expr(r)?;
                self.compare(*op, a, bv, &l.ty)?.into()
            }
            ExprKind::And(l, r) | ExprKind::Or(l, r) => {
                let is_and = matches!(e.kind, ExprKind::And(..));
                let a = self.expr(l)?;
                let ta = self.truth(a, &l.ty)?;
                let start = self.builder.get_insert_block().unwrap();
                let rhs_bb = self.new_block("bool.rhs");
                let join = self.new_block("bool.end");
                if is_and {
                    self.builder.build_conditional_branch(ta, rhs_bb, join).map_err(ie)?;
                } else {
                    self.builder.build_conditional_branch(ta, join, rhs_bb).map_err(ie)?;
                }
                self.builder.position_at_end(rhs_bb);
                let bv = self.expr(r)?;
                let rhs_end = self.builder.get_insert_block().unwrap();
                self.builder.build_unconditional_branch(join).map_err(ie)?;
                self.builder.position_at_end(join);
                let phi = self.builder.build_phi(self.ty(&e.ty), "bool").map_err(ie)?;
                phi.add_incoming(&[(&a, start), (&bv, rhs_end)]);
                phi.as_basic_value()
            }
            ExprKind::Truth(x) => {
                let v = self.expr(x)?;
                self.truth(v, &x.ty)?.into()
            }
            ExprKind::IfElse(c, x, y) => {
                let cv = self.expr(c)?.into_int_value();
                let then_bb = self.new_block("ifexp.then");
                let else_bb = self.new_block("ifexp.else");
                let join = self.new_block("ifexp.end");
                self.builder.build_conditional_branch(cv, then_bb, else_bb).map_err(ie)?;
                self.builder.position_at_end(then_bb);
                let xv = self.expr(x)?;
                let then_end = self.builder.get_insert_block().unwrap();
                self.builder.build_unconditional_branch(join).map_err(ie)?;
                self.builder.position_at_end(else_bb);
                let yv = self.expr(y)?;
                let else_end = self.builder.get_insert_block().unwrap();
                self.builder.build_unconditional_branch(join).map_err(ie)?;
                self.builder.position_at_end(join);
                let phi = self.builder.build_phi(self.ty(&e.ty), "ifexp").map_err(ie)?;
                phi.add_incoming(&[(&xv, then_end), (&yv, else_end)]);
                phi.as_basic_value()
            }
            ExprKind::Tuple(items) => {
                let st = self.ty(&e.ty).into_struct_type();
                let mut agg = st.get_undef();
                for (i, it) in items.iter().enumerate() {
                    let v = self.expr(it)?;
                    agg = self.builder.build_insert_value(agg, v, i as u32, "tup").map_err(ie)?.into_struct_value();
                }
                agg.into()
            }
            ExprKind::TupleGet(t, i) => {
                let v = self.expr(t)?.into_struct_value();
                self.builder.build_extract_value(v, *i as u32, "item").map_err(ie)?
            }
            ExprKind::TupleGetDyn(t, i) => {
                let Type::Tuple(items) = &t.ty else { unreachable!("TupleGetDyn on a non-tuple") };
                let n = items.len() as i64;
                let v = self.expr(t)?;
                let idx = self.expr(i)?.into_int_value();
                let neg = self.builder.build_int_compare(IntPredicate::SLT, idx, self.i64c(0), "neg").map_err(ie)?;
                let wrapped = self.builder.build_int_add(idx, self.i64c(n), "wrap").map_err(ie)?;
                let idx = self.builder.build_select(neg, wrapped, idx, "idx").map_err(ie)?.into_int_value();
                let bad = self.builder.build_int_compare(IntPredicate::UGE, idx, self.i64c(n), "oob").map_err(ie)?;
                self.raise_if(bad, "IndexError", "tuple index out of range")?;
                // A homogeneous tuple has the layout of an array of its element.
                let slot = self.entry_alloca((self.ty(&t.ty)).into(), "tup")?;
                self.builder.build_store(slot, v).map_err(ie)?;
                let elem_t = self.ty(&e.ty);
                let p = unsafe { self.builder.build_gep(elem_t, slot, &[idx], "p").map_err(ie)? };
                self.builder.build_load(elem_t, p, "item").map_err(ie)?
            }
            ExprKind::ArrayGet(a, idx) => {
                let av = self.expr(a)?;
                let iv = idx.iter().map(|i| self.expr(i).map(|v| v.into_int_value())).collect::<R<Vec<_>>>()?;
                let p = self.element_ptr(av, &a.ty, &iv, e.span)?;
                self.load_element(p, a.ty.array().unwrap().dtype)?
            }
            ExprKind::ArrayShape(a, k) => {
                let av = self.expr(a)?.into_struct_value();
                let shape = self.builder.build_extract_value(av, ARRAY_SHAPE, "shape").map_err(ie)?.into_array_value();
                self.builder.build_extract_value(shape, *k as u32, "dim").map_err(ie)?
            }
            ExprKind::ArraySize(a) => {
                let ndim = a.ty.array().unwrap().ndim;
                let av = self.expr(a)?.into_struct_value();
                let shape = self.builder.build_extract_value(av, ARRAY_SHAPE, "shape").map_err(ie)?.into_array_value();
                let mut n = self.i64c(1);
                for k in 0..ndim {
                    let d = self.builder.build_extract_value(shape, k, "dim").map_err(ie)?.into_int_value();
                    n = self.builder.build_int_mul(n, d, "size").map_err(ie)?;
                }
                n.into()
            }
            ExprKind::IsNone(x) => {
                let v = self.expr(x)?;
                match &x.ty {
                    Type::NoneType => self.ctx.bool_type().const_int(1, false).into(),
                    Type::Optional(_) => {
                        let flag = self.builder.build_extract_value(v.into_struct_value(), 0, "some").map_err(ie)?.into_int_value();
                        self.builder.build_not(flag, "isnone").map_err(ie)?.into()
                    }
                    _ => self.ctx.bool_type().const_zero().into(),
                }
            }
            ExprKind::Unwrap(x) => {
                let v = self.expr(x)?.into_struct_value();
                let flag = self.builder.build_extract_value(v, 0, "some").map_err(ie)?.into_int_value();
                let none = self.builder.build_not(flag, "isnone").map_err(ie)?;
                self.raise_if(none, "TypeError", &format!("expected {}, got None", e.ty))?;
                self.builder.build_extract_value(v, 1, "value").map_err(ie)?
            }
            ExprKind::Call(sym, args) => self.call(sym, args, &e.ty)?,
            ExprKind::ThreadSlot(v, t) => {
                let tid = self.expr(t)?.into_int_value();
                let elem = self.ty(&e.ty);
                let ptr = unsafe { self.builder.build_in_bounds_gep(elem, self.vars[*v], &[tid], "lane").map_err(ie)? };
                self.builder.build_load(elem, ptr, "lane").map_err(ie)?
            }
            ExprKind::GpuReg(_) | ExprKind::Barrier | ExprKind::BarrierCount(_) | ExprKind::SharedArray(_) | ExprKind::Warp(..) if self.options.gpu => {
                self.lower_gpu_expr(e)?
            }
            ExprKind::GpuReg(_) | ExprKind::Barrier | ExprKind::BarrierCount(_) | ExprKind::SharedArray(_) | ExprKind::Warp(..) => {
                return Err(crate::common::diagnostic::Diagnostic::internal("a CUDA operation reached the host backend without the work-item pass"))
            }
            ExprKind::Block(..)
            | ExprKind::ArrayEmpty(_)
            | ExprKind::ArrayView(..)
            | ExprKind::Map { .. }
            | ExprKind::MapInput(_)
            | ExprKind::MapIndex(_)
            | ExprKind::Reshape(..)
            | ExprKind::Transpose(_)
            | ExprKind::Permute(..)
            | ExprKind::ComplexPart(..)
            | ExprKind::ExpandDims(..)
            | ExprKind::LocalArray(_)
            | ExprKind::ConstArray(_)
            | ExprKind::Atomic(..) => {
                self.lower_array_expr(e)?
            }
            ExprKind::Math(name, args) => {
                let mut vals = vec![];
                for a in args {
                    vals.push(self.expr(a)?);
                }
                let tys: Vec<&Type> = args.iter().map(|a| &a.ty).collect();
                self.math(name, &vals, &tys, &e.ty)?
            }
        })
    }

    pub fn float_const(&self, s: Scalar, v: f64) -> FloatValue<'ctx> {
        if s == Scalar::F32 {
            self.ctx.f32_type().const_float(v)
        } else {
            self.ctx.f64_type().const_float(v)
        }
    }

    pub fn complex_parts(&self, v: BasicValueEnum<'ctx>) -> R<(FloatValue<'ctx>, FloatValue<'ctx>)> {
        let sv = v.into_struct_value();
        let re = self.builder.build_extract_value(sv, 0, "re").map_err(ie)?.into_float_value();
        let im = self.builder.build_extract_value(sv, 1, "im").map_err(ie)?.into_float_value();
        Ok((re, im))
    }

    pub fn complex_value(&self, ty: &Type, re: FloatValue<'ctx>, im: FloatValue<'ctx>) -> R<BasicValueEnum<'ctx>> {
        let st = self.ty(ty).into_struct_type();
        let v = self.builder.build_insert_value(st.get_undef(), re, 0, "c").map_err(ie)?;
        Ok(self.builder.build_insert_value(v, im, 1, "c").map_err(ie)?.into_struct_value().into())
    }

    /// Convert between types, as the typed IR's `Cast` means it.
    pub fn cast(&mut self, v: BasicValueEnum<'ctx>, from: &Type, to: &Type) -> R<BasicValueEnum<'ctx>> {
        if from == to {
            return Ok(v);
        }
        let b = &self.builder;
        match (from, to) {
            (Type::Scalar(f), Type::Scalar(t)) => self.cast_scalar(v, *f, *t),
            (Type::NoneType, Type::Optional(_)) => {
                let st = self.ty(to).into_struct_type();
                let zero = self.ctx.bool_type().const_zero();
                Ok(b.build_insert_value(st.get_undef(), zero, 0, "none").map_err(ie)?.into_struct_value().into())
            }
            (Type::Optional(fi), Type::Optional(ti)) => {
                let sv = v.into_struct_value();
                let flag = b.build_extract_value(sv, 0, "f").map_err(ie)?;
                let inner = b.build_extract_value(sv, 1, "v").map_err(ie)?;
                let inner = self.cast(inner, fi, ti)?;
                let st = self.ty(to).into_struct_type();
                let r = self.builder.build_insert_value(st.get_undef(), flag, 0, "o").map_err(ie)?;
                Ok(self.builder.build_insert_value(r, inner, 1, "o").map_err(ie)?.into_struct_value().into())
            }
            (f, Type::Optional(ti)) => {
                let inner = self.cast(v, f, ti)?;
                let st = self.ty(to).into_struct_type();
                let one = self.ctx.bool_type().const_int(1, false);
                let r = self.builder.build_insert_value(st.get_undef(), one, 0, "o").map_err(ie)?;
                Ok(self.builder.build_insert_value(r, inner, 1, "o").map_err(ie)?.into_struct_value().into())
            }
            (Type::Tuple(fs), Type::Tuple(ts)) => {
                let sv = v.into_struct_value();
                let st = self.ty(to).into_struct_type();
                let mut agg = st.get_undef();
                for (i, (f, t)) in fs.iter().zip(ts).enumerate() {
                    let x = self.builder.build_extract_value(sv, i as u32, "x").map_err(ie)?;
                    let x = self.cast(x, f, t)?;
                    agg = self.builder.build_insert_value(agg, x, i as u32, "t").map_err(ie)?.into_struct_value();
                }
                Ok(agg.into())
            }
            // Arrays differing only in layout or read-only flag share a representation.
            (Type::Array(_), Type::Array(_)) => Ok(v),
            _ => Err(crate::common::diagnostic::Diagnostic::internal(format!("no conversion from {from} to {to} in lowering"))),
        }
    }

    fn cast_scalar(&mut self, v: BasicValueEnum<'ctx>, f: Scalar, t: Scalar) -> R<BasicValueEnum<'ctx>> {
        let b = &self.builder;
        let tt = self.ty(&Type::Scalar(t));
        if t.is_complex() {
            let part = t.real_part();
            let (re, im) = if f.is_complex() {
                let (re, im) = self.complex_parts(v)?;
                (self.cast_scalar(re.into(), f.real_part(), part)?, self.cast_scalar(im.into(), f.real_part(), part)?)
            } else {
                (self.cast_scalar(v, f, part)?, self.float_const(part, 0.0).into())
            };
            return self.complex_value(&Type::Scalar(t), re.into_float_value(), im.into_float_value());
        }
        if f.is_complex() {
            // Only reached through explicit `.real`-free conversions the front end rejects.
            let (re, _) = self.complex_parts(v)?;
            return self.cast_scalar(re.into(), f.real_part(), t);
        }
        if t == Scalar::Bool {
            return Ok(self.truth(v, &Type::Scalar(f))?.into());
        }
        Ok(match (f.is_float(), t.is_float()) {
            (true, true) => b.build_float_cast(v.into_float_value(), tt.into_float_type(), "fcast").map_err(ie)?.into(),
            (false, true) => {
                if f.is_signed() {
                    b.build_signed_int_to_float(v.into_int_value(), tt.into_float_type(), "i2f").map_err(ie)?.into()
                } else {
                    b.build_unsigned_int_to_float(v.into_int_value(), tt.into_float_type(), "u2f").map_err(ie)?.into()
                }
            }
            (true, false) => {
                // Saturating conversion: NaN and out-of-range floats give a defined value
                // instead of LLVM poison.
                let name = if t.is_signed() { "llvm.fptosi.sat" } else { "llvm.fptoui.sat" };
                let intr = inkwell::intrinsics::Intrinsic::find(name).expect("fpto*i.sat intrinsic");
                let decl = intr.get_declaration(self.module, &[tt, v.get_type()]).expect("fpto*i.sat declaration");
                b.build_call(decl, &[v.into()], "f2i").map_err(ie)?.try_as_basic_value().basic().unwrap()
            }
            (false, false) => {
                let iv = v.into_int_value();
                let target = tt.into_int_type();
                let fw = iv.get_type().get_bit_width();
                let tw = target.get_bit_width();
                if fw == tw {
                    iv.into()
                } else if fw > tw {
                    b.build_int_truncate(iv, target, "trunc").map_err(ie)?.into()
                } else if f.is_signed() {
                    b.build_int_s_extend(iv, target, "sext").map_err(ie)?.into()
                } else {
                    b.build_int_z_extend(iv, target, "zext").map_err(ie)?.into()
                }
            }
        })
    }

    /// Python's truth value of a value of type `t`.
    pub fn truth(&mut self, v: BasicValueEnum<'ctx>, t: &Type) -> R<IntValue<'ctx>> {
        let b = &self.builder;
        Ok(match t {
            Type::Scalar(Scalar::Bool) => v.into_int_value(),
            Type::Scalar(s) if s.is_complex() => {
                let (re, im) = self.complex_parts(v)?;
                let z = self.float_const(s.real_part(), 0.0);
                let a = b.build_float_compare(FloatPredicate::UNE, re, z, "re").map_err(ie)?;
                let c = b.build_float_compare(FloatPredicate::UNE, im, z, "im").map_err(ie)?;
                b.build_or(a, c, "truth").map_err(ie)?
            }
            Type::Scalar(s) if s.is_float() => {
                let z = self.float_const(*s, 0.0);
                b.build_float_compare(FloatPredicate::UNE, v.into_float_value(), z, "truth").map_err(ie)?
            }
            Type::Scalar(_) => {
                let iv = v.into_int_value();
                b.build_int_compare(IntPredicate::NE, iv, iv.get_type().const_zero(), "truth").map_err(ie)?
            }
            Type::NoneType | Type::Unknown => self.ctx.bool_type().const_zero(),
            Type::DType(_) => self.ctx.bool_type().const_int(1, false),
            Type::StrLiteral(s) => self.ctx.bool_type().const_int((!s.is_empty()) as u64, false),
            Type::BoolLiteral(b) => self.ctx.bool_type().const_int(*b as u64, false),
            Type::Tuple(items) => self.ctx.bool_type().const_int((!items.is_empty()) as u64, false),
            Type::Optional(inner) => {
                let sv = v.into_struct_value();
                let flag = b.build_extract_value(sv, 0, "some").map_err(ie)?.into_int_value();
                let x = b.build_extract_value(sv, 1, "v").map_err(ie)?;
                let tx = self.truth(x, inner)?;
                self.builder.build_and(flag, tx, "truth").map_err(ie)?
            }
            Type::Range => {
                let n = self.range_len(v)?;
                self.builder.build_int_compare(IntPredicate::SGT, n, self.i64c(0), "truth").map_err(ie)?
            }
            Type::List { .. } => {
                let n = self.call_runtime("ferrumba_rt_list_len", self.ctx.i64_type().into(), &[v])?.into_int_value();
                self.builder.build_int_compare(IntPredicate::SGT, n, self.i64c(0), "truth").map_err(ie)?
            }
            Type::Array(_) => return Err(crate::common::diagnostic::Diagnostic::internal("truth value of an array reached lowering")),
        })
    }

    fn compare(&mut self, op: CmpOp, a: BasicValueEnum<'ctx>, b: BasicValueEnum<'ctx>, t: &Type) -> R<IntValue<'ctx>> {
        let s = t.scalar().expect("comparison of scalars");
        let bld = &self.builder;
        if s.is_complex() {
            let (ar, ai) = self.complex_parts(a)?;
            let (br, bi) = self.complex_parts(b)?;
            let eq_r = bld.build_float_compare(FloatPredicate::OEQ, ar, br, "eqr").map_err(ie)?;
            let eq_i = bld.build_float_compare(FloatPredicate::OEQ, ai, bi, "eqi").map_err(ie)?;
            let eq = bld.build_and(eq_r, eq_i, "eq").map_err(ie)?;
            return Ok(if op == CmpOp::Eq { eq } else { bld.build_not(eq, "ne").map_err(ie)? });
        }
        if s.is_float() {
            // Python: every comparison with NaN is False except !=.
            let p = match op {
                CmpOp::Eq => FloatPredicate::OEQ,
                CmpOp::Ne => FloatPredicate::UNE,
                CmpOp::Lt => FloatPredicate::OLT,
                CmpOp::Le => FloatPredicate::OLE,
                CmpOp::Gt => FloatPredicate::OGT,
                CmpOp::Ge => FloatPredicate::OGE,
            };
            return bld.build_float_compare(p, a.into_float_value(), b.into_float_value(), "cmp").map_err(ie);
        }
        let signed = s.is_signed();
        let p = match (op, signed) {
            (CmpOp::Eq, _) => IntPredicate::EQ,
            (CmpOp::Ne, _) => IntPredicate::NE,
            (CmpOp::Lt, true) => IntPredicate::SLT,
            (CmpOp::Le, true) => IntPredicate::SLE,
            (CmpOp::Gt, true) => IntPredicate::SGT,
            (CmpOp::Ge, true) => IntPredicate::SGE,
            (CmpOp::Lt, false) => IntPredicate::ULT,
            (CmpOp::Le, false) => IntPredicate::ULE,
            (CmpOp::Gt, false) => IntPredicate::UGT,
            (CmpOp::Ge, false) => IntPredicate::UGE,
        };
        bld.build_int_compare(p, a.into_int_value(), b.into_int_value(), "cmp").map_err(ie)
    }

    fn binary(&mut self, op: BinOp, a: BasicValueEnum<'ctx>, b: BasicValueEnum<'ctx>, operand: &Type, result: &Type) -> R<BasicValueEnum<'ctx>> {
        let s = operand.scalar().expect("arithmetic on scalars");
        if s.is_complex() {
            return self.complex_binary(op, a, b, result);
        }
        if s.is_float() {
            return self.float_binary(op, a.into_float_value(), b.into_float_value(), s);
        }
        if s == Scalar::Bool {
            let (x, y) = (a.into_int_value(), b.into_int_value());
            let bld = &self.builder;
            return Ok(match op {
                BinOp::BitAnd => bld.build_and(x, y, "and").map_err(ie)?,
                BinOp::BitOr => bld.build_or(x, y, "or").map_err(ie)?,
                BinOp::BitXor => bld.build_xor(x, y, "xor").map_err(ie)?,
                _ => return Err(crate::common::diagnostic::Diagnostic::internal(format!("bool operator {}", op.symbol()))),
            }
            .into());
        }
        self.int_binary(op, a.into_int_value(), b.into_int_value(), s)
    }

    fn int_binary(&mut self, op: BinOp, x: IntValue<'ctx>, y: IntValue<'ctx>, s: Scalar) -> R<BasicValueEnum<'ctx>> {
        let signed = s.is_signed();
        let zero = x.get_type().const_zero();
        Ok(match op {
            BinOp::Add => self.builder.build_int_add(x, y, "add").map_err(ie)?.into(),
            BinOp::Sub => self.builder.build_int_sub(x, y, "sub").map_err(ie)?.into(),
            BinOp::Mul => self.builder.build_int_mul(x, y, "mul").map_err(ie)?.into(),
            BinOp::BitAnd => self.builder.build_and(x, y, "and").map_err(ie)?.into(),
            BinOp::BitOr => self.builder.build_or(x, y, "or").map_err(ie)?.into(),
            BinOp::BitXor => self.builder.build_xor(x, y, "xor").map_err(ie)?.into(),
            BinOp::LShift | BinOp::RShift => {
                // Shifting by the width or more is poison in LLVM; Python gives 0 (or -1 for
                // a negative value shifted right). Clamp to keep it defined.
                let width = x.get_type().const_int(x.get_type().get_bit_width() as u64 - 1, false);
                let too_far = self.builder.build_int_compare(IntPredicate::UGT, y, width, "far").map_err(ie)?;
                let amount = self.builder.build_select(too_far, width, y, "amt").map_err(ie)?.into_int_value();
                if op == BinOp::LShift {
                    let v = self.builder.build_left_shift(x, amount, "shl").map_err(ie)?;
                    self.builder.build_select(too_far, zero, v, "shl").map_err(ie)?
                } else {
                    self.builder.build_right_shift(x, amount, signed, "shr").map_err(ie)?.into()
                }
            }
            BinOp::FloorDiv | BinOp::Mod => {
                let is_zero = self.builder.build_int_compare(IntPredicate::EQ, y, zero, "divzero").map_err(ie)?;
                if self.ufunc {
                    // NumPy's integer division by zero gives 0 (with a warning), no exception.
                    let one = y.get_type().const_int(1, false);
                    let safe = self.builder.build_select(is_zero, one, y, "safe").map_err(ie)?.into_int_value();
                    let (q, r) = self.int_divmod(x, safe, signed)?;
                    let v = if op == BinOp::FloorDiv { q } else { r };
                    return Ok(self.builder.build_select(is_zero, zero, v, "ufunc").map_err(ie)?);
                }
                let msg = if op == BinOp::FloorDiv { "integer division by zero" } else { "integer modulo by zero" };
                self.raise_if(is_zero, "ZeroDivisionError", msg)?;
                let (q, r) = self.int_divmod(x, y, signed)?;
                if op == BinOp::FloorDiv { q.into() } else { r.into() }
            }
            BinOp::TrueDiv => return Err(crate::common::diagnostic::Diagnostic::internal("int true division reached lowering")),
            BinOp::Pow => {
                // 0 ** negative raises; everything else goes to the runtime's exact power.
                if signed {
                    let neg = self.builder.build_int_compare(IntPredicate::SLT, y, zero, "negexp").map_err(ie)?;
                    let base0 = self.builder.build_int_compare(IntPredicate::EQ, x, zero, "zero").map_err(ie)?;
                    let bad = self.builder.build_and(neg, base0, "bad").map_err(ie)?;
                    self.raise_if(bad, "ZeroDivisionError", "0 cannot be raised to a negative power")?;
                }
                // The runtime's exact power works on 64-bit integers; narrower types (array
                // dtypes keep int8..int32) widen for the call and wrap back after.
                let name = if signed { "ferrumba_rt_ipow" } else { "ferrumba_rt_upow" };
                let i64t = self.ctx.i64_type();
                let widen = |b: &inkwell::builder::Builder<'ctx>, v: IntValue<'ctx>| {
                    if signed { b.build_int_s_extend_or_bit_cast(v, i64t, "w") } else { b.build_int_z_extend_or_bit_cast(v, i64t, "w") }
                };
                let (wx, wy) = (widen(&self.builder, x).map_err(ie)?, widen(&self.builder, y).map_err(ie)?);
                let p = self.call_runtime(name, i64t.into(), &[wx.into(), wy.into()])?.into_int_value();
                self.builder.build_int_truncate_or_bit_cast(p, x.get_type(), "pow").map_err(ie)?.into()
            }
        })
    }

    /// Python's floor division and modulo for integers (the remainder takes the divisor's
    /// sign). `y` is known non-zero; MIN // -1 wraps instead of trapping.
    fn int_divmod(&mut self, x: IntValue<'ctx>, y: IntValue<'ctx>, signed: bool) -> R<(IntValue<'ctx>, IntValue<'ctx>)> {
        let bld = &self.builder;
        if !signed {
            return Ok((bld.build_int_unsigned_div(x, y, "q").map_err(ie)?, bld.build_int_unsigned_rem(x, y, "r").map_err(ie)?));
        }
        let t = x.get_type();
        let minus_one = t.const_all_ones();
        let is_m1 = bld.build_int_compare(IntPredicate::EQ, y, minus_one, "m1").map_err(ie)?;
        // Divide by 1 instead of -1 (then negate) so that MIN / -1 cannot trap.
        let safe_y = bld.build_select(is_m1, t.const_int(1, false), y, "y").map_err(ie)?.into_int_value();
        let q0 = bld.build_int_signed_div(x, safe_y, "q0").map_err(ie)?;
        let r0 = bld.build_int_signed_rem(x, safe_y, "r0").map_err(ie)?;
        let neg_q = bld.build_int_sub(t.const_zero(), q0, "nq").map_err(ie)?;
        let q0 = bld.build_select(is_m1, neg_q, q0, "q0").map_err(ie)?.into_int_value();
        let nonzero = bld.build_int_compare(IntPredicate::NE, r0, t.const_zero(), "rnz").map_err(ie)?;
        let rneg = bld.build_int_compare(IntPredicate::SLT, r0, t.const_zero(), "rneg").map_err(ie)?;
        let yneg = bld.build_int_compare(IntPredicate::SLT, y, t.const_zero(), "yneg").map_err(ie)?;
        let differ = bld.build_xor(rneg, yneg, "differ").map_err(ie)?;
        let adjust = bld.build_and(nonzero, differ, "adj").map_err(ie)?;
        let q1 = bld.build_int_sub(q0, t.const_int(1, false), "q1").map_err(ie)?;
        let r1 = bld.build_int_add(r0, y, "r1").map_err(ie)?;
        let q = bld.build_select(adjust, q1, q0, "q").map_err(ie)?.into_int_value();
        let r = bld.build_select(adjust, r1, r0, "r").map_err(ie)?.into_int_value();
        Ok((q, r))
    }

    fn float_binary(&mut self, op: BinOp, x: FloatValue<'ctx>, y: FloatValue<'ctx>, s: Scalar) -> R<BasicValueEnum<'ctx>> {
        let zero = self.float_const(s, 0.0);
        let fast = self.options.fastmath;
        let v: FloatValue = match op {
            BinOp::Add => self.builder.build_float_add(x, y, "add").map_err(ie)?,
            BinOp::Sub => self.builder.build_float_sub(x, y, "sub").map_err(ie)?,
            BinOp::Mul => self.builder.build_float_mul(x, y, "mul").map_err(ie)?,
            BinOp::TrueDiv | BinOp::FloorDiv | BinOp::Mod => {
                if self.options.python_errors && !self.ufunc {
                    let is_zero = self.builder.build_float_compare(FloatPredicate::OEQ, y, zero, "divzero").map_err(ie)?;
                    let msg = match op {
                        BinOp::TrueDiv => "division by zero",
                        BinOp::FloorDiv => "float floor division by zero",
                        // CPython 3.12+ (and Numba: "modulo by zero"); 3.11 said "float modulo".
                        _ => "float modulo by zero",
                    };
                    self.raise_if(is_zero, "ZeroDivisionError", msg)?;
                }
                match op {
                    BinOp::TrueDiv => self.builder.build_float_div(x, y, "div").map_err(ie)?,
                    _ => {
                        let (q, r) = self.float_divmod(x, y, s)?;
                        let v = if op == BinOp::FloorDiv { q } else { r };
                        if self.ufunc && op == BinOp::FloorDiv {
                            // NumPy: x // 0.0 is x / 0.0 (inf, -inf or nan).
                            let is_zero = self.builder.build_float_compare(FloatPredicate::OEQ, y, zero, "z").map_err(ie)?;
                            let div = self.builder.build_float_div(x, y, "div").map_err(ie)?;
                            self.builder.build_select(is_zero, div, v, "fdiv").map_err(ie)?.into_float_value()
                        } else {
                            v
                        }
                    }
                }
            }
            BinOp::Pow if self.options.gpu => self.libm("pow", &[x, y], s)?.into_float_value(),
            BinOp::Pow => {
                let negative = self.builder.build_float_compare(FloatPredicate::OLT, y, zero, "negexp").map_err(ie)?;
                self.raise_zero_to_negative_power(x, negative)?;
                let f = self.intrinsic("llvm.pow", &[x.get_type().into()])?;
                self.builder.build_call(f, &[x.into(), y.into()], "pow").map_err(ie)?.try_as_basic_value().basic().unwrap().into_float_value()
            }
            _ => return Err(crate::common::diagnostic::Diagnostic::internal(format!("float operator {}", op.symbol()))),
        };
        if fast {
            if let Some(inst) = v.as_instruction() {
                let _ = inst.set_fast_math_flags(inkwell::values::FastMathFlags::all());
            }
        }
        Ok(v.into())
    }

    /// CPython's float_divmod: floor quotient and a remainder with the divisor's sign.
    fn float_divmod(&mut self, x: FloatValue<'ctx>, y: FloatValue<'ctx>, s: Scalar) -> R<(FloatValue<'ctx>, FloatValue<'ctx>)> {
        let ft = x.get_type();
        let zero = self.float_const(s, 0.0);
        let m = self.builder.build_float_rem(x, y, "fmod").map_err(ie)?;
        let diff = self.builder.build_float_sub(x, m, "xm").map_err(ie)?;
        let div = self.builder.build_float_div(diff, y, "div").map_err(ie)?;
        let m_nonzero = self.builder.build_float_compare(FloatPredicate::UNE, m, zero, "mnz").map_err(ie)?;
        let y_neg = self.builder.build_float_compare(FloatPredicate::OLT, y, zero, "yneg").map_err(ie)?;
        let m_neg = self.builder.build_float_compare(FloatPredicate::OLT, m, zero, "mneg").map_err(ie)?;
        let differ = self.builder.build_xor(y_neg, m_neg, "differ").map_err(ie)?;
        let adjust = self.builder.build_and(m_nonzero, differ, "adj").map_err(ie)?;
        let m_adj = self.builder.build_float_add(m, y, "madj").map_err(ie)?;
        let one = self.float_const(s, 1.0);
        let div_adj = self.builder.build_float_sub(div, one, "dadj").map_err(ie)?;
        let m1 = self.builder.build_select(adjust, m_adj, m, "m1").map_err(ie)?.into_float_value();
        let div1 = self.builder.build_select(adjust, div_adj, div, "d1").map_err(ie)?.into_float_value();
        let copysign = self.intrinsic("llvm.copysign", &[ft.into()])?;
        let signed_zero = self.builder.build_call(copysign, &[zero.into(), y.into()], "sz").map_err(ie)?.try_as_basic_value().basic().unwrap().into_float_value();
        let m_final = self.builder.build_select(m_nonzero, m1, signed_zero, "mod").map_err(ie)?.into_float_value();
        let floor = self.intrinsic("llvm.floor", &[ft.into()])?;
        let fl = self.builder.build_call(floor, &[div1.into()], "fl").map_err(ie)?.try_as_basic_value().basic().unwrap().into_float_value();
        let frac = self.builder.build_float_sub(div1, fl, "frac").map_err(ie)?;
        let half = self.float_const(s, 0.5);
        let over = self.builder.build_float_compare(FloatPredicate::OGT, frac, half, "over").map_err(ie)?;
        let fl1 = self.builder.build_float_add(fl, one, "fl1").map_err(ie)?;
        let fl = self.builder.build_select(over, fl1, fl, "fl").map_err(ie)?.into_float_value();
        let div_nonzero = self.builder.build_float_compare(FloatPredicate::UNE, div1, zero, "dnz").map_err(ie)?;
        let q0 = self.builder.build_float_div(x, y, "q0").map_err(ie)?;
        let zq = self.builder.build_call(copysign, &[zero.into(), q0.into()], "zq").map_err(ie)?.try_as_basic_value().basic().unwrap().into_float_value();
        let q = self.builder.build_select(div_nonzero, fl, zq, "floordiv").map_err(ie)?.into_float_value();
        Ok((q, m_final))
    }

    fn complex_binary(&mut self, op: BinOp, a: BasicValueEnum<'ctx>, b: BasicValueEnum<'ctx>, result: &Type) -> R<BasicValueEnum<'ctx>> {
        let (ar, ai) = self.complex_parts(a)?;
        let (br, bi) = self.complex_parts(b)?;
        let bld = &self.builder;
        let (re, im) = match op {
            BinOp::Add => (bld.build_float_add(ar, br, "re").map_err(ie)?, bld.build_float_add(ai, bi, "im").map_err(ie)?),
            BinOp::Sub => (bld.build_float_sub(ar, br, "re").map_err(ie)?, bld.build_float_sub(ai, bi, "im").map_err(ie)?),
            BinOp::Mul => {
                let rr = bld.build_float_mul(ar, br, "rr").map_err(ie)?;
                let ii = bld.build_float_mul(ai, bi, "ii").map_err(ie)?;
                let ri = bld.build_float_mul(ar, bi, "ri").map_err(ie)?;
                let ir = bld.build_float_mul(ai, br, "ir").map_err(ie)?;
                (bld.build_float_sub(rr, ii, "re").map_err(ie)?, bld.build_float_add(ri, ir, "im").map_err(ie)?)
            }
            BinOp::TrueDiv | BinOp::Pow => {
                let zero = self.float_const(br.get_type().get_bit_width_scalar(), 0.0);
                if op == BinOp::TrueDiv {
                    let zr = self.builder.build_float_compare(FloatPredicate::OEQ, br, zero, "zr").map_err(ie)?;
                    let zi = self.builder.build_float_compare(FloatPredicate::OEQ, bi, zero, "zi").map_err(ie)?;
                    let z = self.builder.build_and(zr, zi, "z").map_err(ie)?;
                    self.raise_if(z, "ZeroDivisionError", "complex division by zero")?;
                }
                let name = if op == BinOp::TrueDiv { "ferrumba_rt_cdiv" } else { "ferrumba_rt_cpow" };
                return self.complex_runtime(name, &[ar, ai, br, bi], result);
            }
            _ => return Err(crate::common::diagnostic::Diagnostic::internal(format!("complex operator {}", op.symbol()))),
        };
        self.complex_value(result, re, im)
    }

    /// Call a runtime helper `void f(double..., double* out)` computing a complex value.
    pub fn complex_runtime(&mut self, name: &str, parts: &[FloatValue<'ctx>], result: &Type) -> R<BasicValueEnum<'ctx>> {
        self.complex_helper(name, parts, result, false, false)
    }

    /// Call a cmath helper `i64 f(double..., double* out)` (complex_math.rs): its status is
    /// CPython's errno, raised as ValueError (EDOM) or OverflowError (ERANGE).
    /// `quiet`: NumPy's complex functions, which return special values where cmath raises.
    pub fn cmath_runtime(&mut self, name: &str, parts: &[FloatValue<'ctx>], result: &Type, quiet: bool) -> R<BasicValueEnum<'ctx>> {
        let raise = self.options.python_errors && !self.ufunc && !quiet;
        self.complex_helper(name, parts, result, true, raise)
    }

    /// `with_errno`: the helper returns a status (cmath's EDOM/ERANGE), raised as CPython
    /// does when `raise` says so.
    fn complex_helper(&mut self, name: &str, parts: &[FloatValue<'ctx>], result: &Type, with_errno: bool, raise: bool) -> R<BasicValueEnum<'ctx>> {
        self.host_only(name)?;
        let f64t = self.ctx.f64_type();
        let i64t = self.ctx.i64_type();
        let mut args: Vec<BasicMetadataValueEnum> = vec![];
        for p in parts {
            args.push(self.builder.build_float_ext(*p, f64t, "w").map_err(ie)?.into());
        }
        let out = self.entry_alloca((f64t.array_type(2)).into(), "cout")?;
        args.push(out.into());
        let mut params: Vec<inkwell::types::BasicMetadataTypeEnum> = parts.iter().map(|_| f64t.into()).collect();
        params.push(self.ctx.ptr_type(AddressSpace::default()).into());
        let fn_ty = if with_errno { i64t.fn_type(&params, false) } else { self.ctx.void_type().fn_type(&params, false) };
        let f = self.module.get_function(name).unwrap_or_else(|| self.module.add_function(name, fn_ty, None));
        let call = self.builder.build_call(f, &args, "").map_err(ie)?;
        if with_errno && raise {
            let status = call.try_as_basic_value().basic().unwrap().into_int_value();
            let edom = self.builder.build_int_compare(IntPredicate::EQ, status, i64t.const_int(1, false), "edom").map_err(ie)?;
            self.raise_if(edom, "ValueError", "math domain error")?;
            let erange = self.builder.build_int_compare(IntPredicate::EQ, status, i64t.const_int(2, false), "erange").map_err(ie)?;
            self.raise_if(erange, "OverflowError", "math range error")?;
        }
        let arr = self.builder.build_load(f64t.array_type(2), out, "c").map_err(ie)?.into_array_value();
        let re = self.builder.build_extract_value(arr, 0, "re").map_err(ie)?.into_float_value();
        let im = self.builder.build_extract_value(arr, 1, "im").map_err(ie)?.into_float_value();
        let part = result.scalar().unwrap().real_part();
        let pt = self.ty(&Type::Scalar(part)).into_float_type();
        let re = self.builder.build_float_cast(re, pt, "re").map_err(ie)?;
        let im = self.builder.build_float_cast(im, pt, "im").map_err(ie)?;
        self.complex_value(result, re, im)
    }

    /// Host runtime helpers do not exist on the GPU: say which operation is missing there.
    pub fn host_only(&self, helper: &str) -> R<()> {
        if self.options.gpu {
            let what = helper.trim_start_matches("ferrumba_rt_");
            return Err(crate::common::diagnostic::Diagnostic::typing(
                "unsupported-on-gpu",
                format!("'{what}' (used by this kernel) is not supported on the GPU target yet"),
                Default::default(),
            )
            .with_hint("run the kernel on the CPU target, or avoid this operation in the kernel"));
        }
        Ok(())
    }

    pub fn intrinsic(&self, name: &str, tys: &[BasicTypeEnum<'ctx>]) -> R<inkwell::values::FunctionValue<'ctx>> {
        let intr = inkwell::intrinsics::Intrinsic::find(name).ok_or_else(|| ie(format!("no intrinsic {name}")))?;
        intr.get_declaration(self.module, tys).ok_or_else(|| ie(format!("cannot declare {name}")))
    }

    /// Call an `extern "C"` helper of the runtime (resolved by the JIT at load time).
    pub fn call_runtime(&mut self, name: &str, ret: BasicTypeEnum<'ctx>, args: &[BasicValueEnum<'ctx>]) -> R<BasicValueEnum<'ctx>> {
        self.host_only(name)?;
        let params: Vec<inkwell::types::BasicMetadataTypeEnum> = args.iter().map(|a| a.get_type().into()).collect();
        let fn_ty = ret.fn_type(&params, false);
        let f = self.module.get_function(name).unwrap_or_else(|| self.module.add_function(name, fn_ty, None));
        let margs: Vec<BasicMetadataValueEnum> = args.iter().map(|a| (*a).into()).collect();
        Ok(self.builder.build_call(f, &margs, "rt").map_err(ie)?.try_as_basic_value().basic().expect("runtime call returns a value"))
    }

    pub fn range_len(&mut self, r: BasicValueEnum<'ctx>) -> R<IntValue<'ctx>> {
        let sv = r.into_struct_value();
        let start = self.builder.build_extract_value(sv, 0, "start").map_err(ie)?;
        let stop = self.builder.build_extract_value(sv, 1, "stop").map_err(ie)?;
        let step = self.builder.build_extract_value(sv, 2, "step").map_err(ie)?;
        let i64t = self.ctx.i64_type();
        Ok(self.call_runtime("ferrumba_rt_range_len", i64t.into(), &[start, stop, step])?.into_int_value())
    }

    fn call(&mut self, sym: &str, args: &[Expr], ret: &Type) -> R<BasicValueEnum<'ctx>> {
        let mut vals = vec![];
        for a in args {
            vals.push(self.expr(a)?);
        }
        let arg_types: Vec<&Type> = args.iter().map(|a| &a.ty).collect();
        if let Some(v) = self.list_call(sym, &vals, &arg_types, ret)? {
            return Ok(v);
        }
        match sym {
            "range" => {
                let step = vals[2].into_int_value();
                let zero = self.builder.build_int_compare(IntPredicate::EQ, step, self.i64c(0), "zerostep").map_err(ie)?;
                self.raise_if(zero, "ValueError", "range() arg 3 must not be zero")?;
                let st = self.ty(ret).into_struct_type();
                let mut agg = st.get_undef();
                for (k, v) in vals.into_iter().enumerate() {
                    agg = self.builder.build_insert_value(agg, v, k as u32, "range").map_err(ie)?.into_struct_value();
                }
                return Ok(agg.into());
            }
            "range.len" => return Ok(self.range_len(vals[0])?.into()),
            "range.item" => {
                let sv = vals[0].into_struct_value();
                let start = self.builder.build_extract_value(sv, 0, "start").map_err(ie)?.into_int_value();
                let step = self.builder.build_extract_value(sv, 2, "step").map_err(ie)?.into_int_value();
                let off = self.builder.build_int_mul(vals[1].into_int_value(), step, "off").map_err(ie)?;
                return Ok(self.builder.build_int_add(start, off, "item").map_err(ie)?.into());
            }
            _ => {}
        }
        let callee = self.module.get_function(sym).ok_or_else(|| ie(format!("callee {sym} is not in the compile unit")))?;
        let out = self.entry_alloca((self.ty(ret)).into(), "callret")?;
        let exc = self.llfunc.get_nth_param(1).unwrap();
        let mut cargs: Vec<BasicMetadataValueEnum> = vec![out.into(), exc.into()];
        cargs.extend(vals.into_iter().map(BasicMetadataValueEnum::from));
        let status = self.builder.build_call(callee, &cargs, "status").map_err(ie)?.try_as_basic_value().basic().unwrap().into_int_value();
        // Propagate a raised exception: the callee already filled `%exc`.
        let failed = self.builder.build_int_compare(IntPredicate::NE, status, self.ctx.i32_type().const_zero(), "failed").map_err(ie)?;
        let fail_bb = self.new_block("call.fail");
        let ok_bb = self.new_block("call.ok");
        self.builder.build_conditional_branch(failed, fail_bb, ok_bb).map_err(ie)?;
        self.builder.position_at_end(fail_bb);
        self.builder.build_return(Some(&status)).map_err(ie)?;
        self.builder.position_at_end(ok_bb);
        self.builder.build_load(self.ty(ret), out, "ret").map_err(ie)
    }
}

trait FloatWidth {
    fn get_bit_width_scalar(&self) -> Scalar;
}

impl FloatWidth for inkwell::types::FloatType<'_> {
    fn get_bit_width_scalar(&self) -> Scalar {
        if self.get_bit_width() == 32 {
            Scalar::F32
        } else {
            Scalar::F64
        }
    }
}
