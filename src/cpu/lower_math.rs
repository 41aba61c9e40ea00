//! `Math` nodes → LLVM intrinsics, C math library calls, or runtime helpers; and `print`.

use crate::common::diagnostic::Diagnostic;
use crate::common::ir::{Expr, ExprKind};
use crate::common::types::{Scalar, Type};
use crate::cpu::lower::{Lowerer, R};
use crate::cpu::lower_types::{ie, ARRAY_DATA, ARRAY_SHAPE, ARRAY_STRIDES};
use inkwell::values::{BasicValue, BasicValueEnum, FloatValue, IntValue};
use inkwell::{FloatPredicate, IntPredicate};

/// Functions LLVM knows as intrinsics (so it can constant-fold and vectorize them).
const INTRINSICS: &[(&str, &str)] = &[
    ("sqrt", "llvm.sqrt"),
    ("exp", "llvm.exp"),
    ("exp2", "llvm.exp2"),
    ("log", "llvm.log"),
    ("log10", "llvm.log10"),
    ("log2", "llvm.log2"),
    ("sin", "llvm.sin"),
    ("cos", "llvm.cos"),
    ("fabs", "llvm.fabs"),
    ("floor", "llvm.floor"),
    ("ceil", "llvm.ceil"),
    ("trunc", "llvm.trunc"),
    ("rint", "llvm.rint"),
    ("copysign", "llvm.copysign"),
    ("pow", "llvm.pow"),
    ("fma", "llvm.fma"),
];

impl<'a, 'ctx> Lowerer<'a, 'ctx> {
    pub fn math(&mut self, name: &str, vals: &[BasicValueEnum<'ctx>], tys: &[&Type], ret: &Type) -> R<BasicValueEnum<'ctx>> {
        let arg_s = tys.first().and_then(|t| t.scalar());
        match name {
            "min" | "max" => return self.min_max(name, vals[0], vals[1], arg_s.unwrap()),
            "fmax_nan" | "fmin_nan" => {
                let s = arg_s.unwrap();
                if s.is_float() {
                    let intr = if name == "fmax_nan" { "llvm.maximum" } else { "llvm.minimum" };
                    let f = self.intrinsic(intr, &[vals[0].get_type()])?;
                    return Ok(self.builder.build_call(f, &[vals[0].into(), vals[1].into()], name).map_err(ie)?.try_as_basic_value().basic().unwrap());
                }
                return self.min_max(if name == "fmax_nan" { "max" } else { "min" }, vals[0], vals[1], s);
            }
            "fmax_num" | "fmin_num" => {
                let s = arg_s.unwrap();
                if s.is_float() {
                    let intr = if name == "fmax_num" { "llvm.maxnum" } else { "llvm.minnum" };
                    let f = self.intrinsic(intr, &[vals[0].get_type()])?;
                    return Ok(self.builder.build_call(f, &[vals[0].into(), vals[1].into()], name).map_err(ie)?.try_as_basic_value().basic().unwrap());
                }
                return self.min_max(if name == "fmax_num" { "max" } else { "min" }, vals[0], vals[1], s);
            }
            "powi" => {
                let (x, n) = (vals[0].into_float_value(), vals[1].into_int_value());
                let negative = self.builder.build_int_compare(IntPredicate::SLT, n, n.get_type().const_zero(), "negexp").map_err(ie)?;
                self.raise_zero_to_negative_power(x, negative)?;
                return self.powi(x, n);
            }
            "nonnegative" => {
                // The value is known to be >= 0; clearing the sign bit (a no-op then) tells
                // LLVM's known-bits analysis so.
                let x = vals[0].into_int_value();
                let mask = x.get_type().const_int(i64::MAX as u64, false);
                return Ok(self.builder.build_and(x, mask, "nonneg").map_err(ie)?.into());
            }
            "arena_mark" => return self.call_runtime("ferrumba_rt_arena_mark", self.ctx.i64_type().into(), &[]),
            "arena_release" => {
                self.call_runtime("ferrumba_rt_arena_release", self.ctx.i64_type().into(), &[vals[0]])?;
                return Ok(self.ctx.const_struct(&[], false).into());
            }
            "assume_nonnegative" => {
                let x = vals[0].into_int_value();
                let ok = self.builder.build_int_compare(IntPredicate::SGE, x, x.get_type().const_zero(), "nonneg").map_err(ie)?;
                let assume = self.intrinsic("llvm.assume", &[])?;
                self.builder.build_call(assume, &[ok.into()], "").map_err(ie)?;
                return Ok(self.ctx.const_struct(&[], false).into());
            }
            "iabs" => {
                let x = vals[0].into_int_value();
                let neg = self.builder.build_int_compare(IntPredicate::SLT, x, x.get_type().const_zero(), "neg").map_err(ie)?;
                let nx = self.builder.build_int_neg(x, "nx").map_err(ie)?;
                return self.builder.build_select(neg, nx, x, "abs").map_err(ie);
            }
            "isnan" => {
                let x = vals[0].into_float_value();
                return Ok(self.builder.build_float_compare(FloatPredicate::UNO, x, x, "isnan").map_err(ie)?.into());
            }
            "isinf" | "isfinite" => {
                let x = vals[0].into_float_value();
                let s = arg_s.unwrap();
                let fabs = self.intrinsic("llvm.fabs", &[x.get_type().into()])?;
                let ax = self.builder.build_call(fabs, &[x.into()], "ax").map_err(ie)?.try_as_basic_value().basic().unwrap().into_float_value();
                let inf = self.float_const(s, f64::INFINITY);
                let p = if name == "isinf" { FloatPredicate::OEQ } else { FloatPredicate::OLT };
                return Ok(self.builder.build_float_compare(p, ax, inf, name).map_err(ie)?.into());
            }
            "degrees" | "radians" => {
                let s = arg_s.unwrap();
                let k = if name == "degrees" { 180.0 / std::f64::consts::PI } else { std::f64::consts::PI / 180.0 };
                let kv = self.float_const(s, k);
                return Ok(self.builder.build_float_mul(vals[0].into_float_value(), kv, name).map_err(ie)?.into());
            }
            "sign" => return self.sign(vals[0], arg_s.unwrap()),
            "conj" => {
                let (re, im) = self.complex_parts(vals[0])?;
                let im = self.builder.build_float_neg(im, "conj").map_err(ie)?;
                return self.complex_value(ret, re, im);
            }
            "frexp_mantissa" => return self.call_runtime("ferrumba_rt_frexp_mantissa", self.ctx.f64_type().into(), &[vals[0]]),
            "frexp_exponent" => return self.call_runtime("ferrumba_rt_frexp_exponent", self.ctx.i64_type().into(), &[vals[0]]),
            "creal" | "cimag" => {
                let (re, im) = self.complex_parts(vals[0])?;
                return Ok(if name == "creal" { re.into() } else { im.into() });
            }
            "complex" => {
                return self.complex_value(ret, vals[0].into_float_value(), vals[1].into_float_value());
            }
            "cphase" if arg_s == Some(Scalar::C128) => {
                // CPython raises where the C library's atan2 sets errno (complex_math::phase).
                let (re, im) = self.complex_parts(vals[0])?;
                let z = self.cmath_runtime("ferrumba_rt_cphase", &[re, im], &Type::Scalar(Scalar::C128), false)?;
                return Ok(self.complex_parts(z)?.0.into());
            }
            "cabs" | "cphase" => {
                let (re, im) = self.complex_parts(vals[0])?;
                let s = ret.scalar().unwrap();
                let (f, a, b) = if name == "cabs" { ("hypot", re, im) } else { ("atan2", im, re) };
                return self.libm(f, &[a, b], s);
            }
            "crect" => {
                let (r, phi) = (vals[0].into_float_value(), vals[1].into_float_value());
                return self.cmath_runtime("ferrumba_rt_crect", &[r, phi], ret, false);
            }
            "cpolar" => {
                // (abs, phase) as a pair of the argument's part type; errors as CPython's.
                let (re, im) = self.complex_parts(vals[0])?;
                let part = arg_s.unwrap().real_part();
                let ct = Type::Scalar(if part == Scalar::F32 { Scalar::C64 } else { Scalar::C128 });
                let z = self.cmath_runtime("ferrumba_rt_cpolar", &[re, im], &ct, false)?;
                let (r, phi) = self.complex_parts(z)?;
                let tt = self.ty(ret).into_struct_type();
                let v = self.builder.build_insert_value(tt.get_undef(), r, 0, "polar").map_err(ie)?;
                return Ok(self.builder.build_insert_value(v, phi, 1, "polar").map_err(ie)?.into_struct_value().into());
            }
            "clog_base" => {
                let (a, b) = self.complex_parts(vals[0])?;
                let (c, d) = self.complex_parts(vals[1])?;
                return self.cmath_runtime("ferrumba_rt_clog_base", &[a, b, c, d], ret, false);
            }
            "cisnan" | "cisinf" | "cisfinite" => {
                let (re, im) = self.complex_parts(vals[0])?;
                let part = arg_s.unwrap().real_part();
                let inner = &name[1..];
                let pt = Type::Scalar(part);
                let a = self.math(inner, &[re.into()], &[&pt], &Type::Scalar(Scalar::Bool))?.into_int_value();
                let b = self.math(inner, &[im.into()], &[&pt], &Type::Scalar(Scalar::Bool))?.into_int_value();
                let v = if name == "cisfinite" { self.builder.build_and(a, b, name) } else { self.builder.build_or(a, b, name) };
                return Ok(v.map_err(ie)?.into());
            }
            _ if crate::cpu::complex_math::UNARY.contains(&name) => {
                let (re, im) = self.complex_parts(vals[0])?;
                return self.cmath_runtime(&format!("ferrumba_rt_{name}"), &[re, im], ret, false);
            }
            _ if name.strip_prefix("np_").is_some_and(|c| crate::cpu::complex_math::UNARY.contains(&c)) => {
                let (re, im) = self.complex_parts(vals[0])?;
                return self.cmath_runtime(&format!("ferrumba_rt_{}", &name[3..]), &[re, im], ret, true);
            }
            "round_ndigits" => {
                let s = arg_s.unwrap();
                let x = self.builder.build_float_ext(vals[0].into_float_value(), self.ctx.f64_type(), "x").map_err(ie)?;
                let r = self.call_runtime("ferrumba_rt_round_ndigits", self.ctx.f64_type().into(), &[x.into(), vals[1]])?;
                let t = self.ty(&Type::Scalar(s)).into_float_type();
                return Ok(self.builder.build_float_cast(r.into_float_value(), t, "r").map_err(ie)?.into());
            }
            "round_int" | "gcd" => {
                let f = if name == "gcd" { "ferrumba_rt_gcd" } else { "ferrumba_rt_round_int" };
                return self.call_runtime(f, self.ctx.i64_type().into(), &[vals[0], vals[1]]);
            }
            "ldexp" => {
                let s = arg_s.unwrap();
                let x = self.builder.build_float_ext(vals[0].into_float_value(), self.ctx.f64_type(), "x").map_err(ie)?;
                let r = self.call_runtime("ferrumba_rt_ldexp", self.ctx.f64_type().into(), &[x.into(), vals[1]])?;
                let t = self.ty(&Type::Scalar(s)).into_float_type();
                return Ok(self.builder.build_float_cast(r.into_float_value(), t, "r").map_err(ie)?.into());
            }
            "array_min" | "array_max" => return self.array_extreme(name, vals[0], tys[0]),
            "gemm" => return self.gemm(vals, tys),
            "sort" | "argsort" => return self.native_sort(name, vals, tys),
            "rand_seed" => {
                self.call_runtime_void("ferrumba_rt_rand_seed", &[vals[0]])?;
                return Ok(self.ctx.const_struct(&[], false).into());
            }
            "rand_f64" => return self.call_runtime("ferrumba_rt_rand_f64", self.ctx.f64_type().into(), &[]),
            "rand_normal" => return self.call_runtime("ferrumba_rt_rand_normal", self.ctx.f64_type().into(), &[]),
            "rand_int" => return self.call_runtime("ferrumba_rt_rand_int", self.ctx.i64_type().into(), &[vals[0], vals[1]]),
            _ => {}
        }
        let s = arg_s.ok_or_else(|| Diagnostic::internal(format!("math function {name} without a scalar argument")))?;
        if !vals.iter().all(|v| v.is_float_value()) {
            return Err(Diagnostic::internal(format!("math function {name} applied to a non-float value")));
        }
        let floats: Vec<FloatValue> = vals.iter().map(|v| v.into_float_value()).collect();
        // NVPTX selects only the simple intrinsics itself; the rest come from libdevice.
        let native_on_gpu = matches!(name, "sqrt" | "fabs" | "floor" | "ceil" | "trunc" | "rint" | "copysign" | "fma");
        if self.options.gpu && !native_on_gpu {
            let c_name = match name {
                "gamma" => "tgamma",
                other => other,
            };
            return self.libm(c_name, &floats, s);
        }
        if let Some((_, intr)) = INTRINSICS.iter().find(|(n, _)| *n == name) {
            let f = self.intrinsic(intr, &[vals[0].get_type()])?;
            let args: Vec<inkwell::values::BasicMetadataValueEnum> = vals.iter().map(|v| (*v).into()).collect();
            let v = self.builder.build_call(f, &args, name).map_err(ie)?.try_as_basic_value().basic().unwrap();
            if self.options.fastmath {
                if let Some(inst) = v.as_instruction_value() {
                    let _ = inst.set_fast_math_flags(inkwell::values::FastMathFlags::all());
                }
            }
            return Ok(v);
        }
        let c_name = match name {
            "gamma" => "tgamma",
            "fmod" | "atan2" | "hypot" | "nextafter" | "tan" | "asin" | "acos" | "atan" | "sinh" | "cosh" | "tanh" | "asinh" | "acosh"
            | "atanh" | "erf" | "erfc" | "lgamma" | "log1p" | "expm1" | "cbrt" => name,
            other => return Err(Diagnostic::internal(format!("math function '{other}' has no lowering"))),
        };
        self.libm(c_name, &floats, s)
    }

    /// Call the C math library (`sinh`, or `sinhf` for float32).
    pub(crate) fn libm(&mut self, name: &str, args: &[FloatValue<'ctx>], s: Scalar) -> R<BasicValueEnum<'ctx>> {
        // On the GPU the C math library is NVIDIA's libdevice (`__nv_sinhf`, `__nv_sinh`).
        let sym = match (self.options.gpu, s == Scalar::F32) {
            (false, true) => format!("{name}f"),
            (false, false) => name.to_string(),
            (true, true) => format!("__nv_{name}f"),
            (true, false) => format!("__nv_{name}"),
        };
        let ft = self.ty(&Type::Scalar(s));
        let params: Vec<inkwell::types::BasicMetadataTypeEnum> = args.iter().map(|_| ft.into()).collect();
        let fn_ty = ft.into_float_type().fn_type(&params, false);
        let f = self.module.get_function(&sym).unwrap_or_else(|| self.module.add_function(&sym, fn_ty, None));
        let margs: Vec<inkwell::values::BasicMetadataValueEnum> = args.iter().map(|a| (*a).into()).collect();
        Ok(self.builder.build_call(f, &margs, name).map_err(ie)?.try_as_basic_value().basic().unwrap())
    }

    /// Python's `min(a, b)`/`max(a, b)`: the first argument unless the second is strictly
    /// smaller (larger), so NaN handling follows the argument order as in CPython.
    fn min_max(&mut self, name: &str, a: BasicValueEnum<'ctx>, b: BasicValueEnum<'ctx>, s: Scalar) -> R<BasicValueEnum<'ctx>> {
        let take_b = if s.is_float() {
            let p = if name == "min" { FloatPredicate::OLT } else { FloatPredicate::OGT };
            self.builder.build_float_compare(p, b.into_float_value(), a.into_float_value(), "takeb").map_err(ie)?
        } else {
            let p = match (name == "min", s.is_signed() || s == Scalar::Bool) {
                (true, true) => IntPredicate::SLT,
                (true, false) => IntPredicate::ULT,
                (false, true) => IntPredicate::SGT,
                (false, false) => IntPredicate::UGT,
            };
            let p = if s == Scalar::Bool {
                if name == "min" { IntPredicate::ULT } else { IntPredicate::UGT }
            } else {
                p
            };
            self.builder.build_int_compare(p, b.into_int_value(), a.into_int_value(), "takeb").map_err(ie)?
        };
        self.builder.build_select(take_b, b, a, name).map_err(ie)
    }

    fn sign(&mut self, v: BasicValueEnum<'ctx>, s: Scalar) -> R<BasicValueEnum<'ctx>> {
        if s.is_float() {
            let x = v.into_float_value();
            let zero = self.float_const(s, 0.0);
            let one = self.float_const(s, 1.0);
            let m1 = self.float_const(s, -1.0);
            let pos = self.builder.build_float_compare(FloatPredicate::OGT, x, zero, "pos").map_err(ie)?;
            let neg = self.builder.build_float_compare(FloatPredicate::OLT, x, zero, "neg").map_err(ie)?;
            let r = self.builder.build_select(neg, m1, x, "s").map_err(ie)?; // keeps 0 and NaN
            let r = self.builder.build_select(pos, one.into(), r, "s").map_err(ie)?;
            return Ok(r);
        }
        let x = v.into_int_value();
        let t = x.get_type();
        let pos = self.builder.build_int_compare(IntPredicate::SGT, x, t.const_zero(), "pos").map_err(ie)?;
        let neg = self.builder.build_int_compare(if s.is_signed() { IntPredicate::SLT } else { IntPredicate::ULT }, x, t.const_zero(), "neg").map_err(ie)?;
        let r = self.builder.build_select(neg, t.const_all_ones(), t.const_zero(), "s").map_err(ie)?;
        let pos = if s.is_signed() { pos } else { self.builder.build_int_compare(IntPredicate::NE, x, t.const_zero(), "pos").map_err(ie)? };
        self.builder.build_select(pos, t.const_int(1, false).into(), r, "s").map_err(ie)
    }

    /// `c = a @ b` through the runtime's GEMM; a 1-d operand is a row (left) or a column
    /// (right) with a zero-step other axis.
    fn gemm(&mut self, vals: &[BasicValueEnum<'ctx>], tys: &[&Type]) -> R<BasicValueEnum<'ctx>> {
        let (na, nb, nc) = (tys[0].array().unwrap().ndim, tys[1].array().unwrap().ndim, tys[2].array().unwrap().ndim);
        let (pa, da, sa) = self.array_parts(vals[0], na)?;
        let (pb, db, sb) = self.array_parts(vals[1], nb)?;
        let (pc, _, sc) = self.array_parts(vals[2], nc)?;
        let one = self.i64c(1);
        let zero = self.i64c(0);
        // a: m×k (a 1-d a is 1×k), b: k×n (a 1-d b is k×1), c: m×n.
        let (m, rsa, csa) = if na == 2 { (da[0], sa[0], sa[1]) } else { (one, zero, sa[0]) };
        let k = if na == 2 { da[1] } else { da[0] };
        let (n, rsb, csb) = if nb == 2 { (db[1], sb[0], sb[1]) } else { (one, sb[0], zero) };
        let (rsc, csc) = match (na, nb) {
            (2, 2) => (sc[0], sc[1]),
            (2, 1) => (sc[0], zero),
            (1, 2) => (zero, sc[0]),
            _ => (zero, zero),
        };
        let dtype = tys[2].array().unwrap().dtype;
        let name = if dtype == Scalar::F32 { "ferrumba_rt_gemm_f32" } else { "ferrumba_rt_gemm_f64" };
        let args: Vec<BasicValueEnum> = vec![m.into(), k.into(), n.into(), pa.into(), rsa.into(), csa.into(), pb.into(), rsb.into(), csb.into(), pc.into(), rsc.into(), csc.into()];
        self.call_runtime_void(name, &args)?;
        Ok(self.ctx.const_struct(&[], false).into())
    }

    /// `ferrumba._native.sort(a)` / `argsort(a, out)`: the runtime's sorting kernels
    /// (`src/cpu/sorting.rs`) over 1-d arrays of any stride.
    fn native_sort(&mut self, name: &str, vals: &[BasicValueEnum<'ctx>], tys: &[&Type]) -> R<BasicValueEnum<'ctx>> {
        let dtype = tys[0].array().expect("sort of an array").dtype;
        let dtype_name = if dtype == Scalar::Bool { "uint8" } else { dtype.name() };
        let (data, dims, strides) = self.array_parts(vals[0], 1)?;
        let mut args: Vec<BasicValueEnum> = vec![data.into(), dims[0].into(), strides[0].into()];
        if name == "argsort" {
            let (out, _, out_strides) = self.array_parts(vals[1], 1)?;
            args.extend::<[BasicValueEnum; 2]>([out.into(), out_strides[0].into()]);
        }
        self.call_runtime_void(&format!("ferrumba_rt_{name}_{dtype_name}"), &args)?;
        Ok(self.ctx.const_struct(&[], false).into())
    }

    /// `min(array)`/`max(array)` of a 1-d array: Python iteration semantics (the first
    /// extreme wins; an empty array raises ValueError).
    fn array_extreme(&mut self, name: &str, arr: BasicValueEnum<'ctx>, ty: &Type) -> R<BasicValueEnum<'ctx>> {
        let a = ty.array().expect("array");
        let which = if name == "array_min" { "min" } else { "max" };
        if a.ndim != 1 {
            return Err(Diagnostic::internal("min/max of a multi-dimensional array reached lowering"));
        }
        let sv = arr.into_struct_value();
        let shape = self.builder.build_extract_value(sv, ARRAY_SHAPE, "shape").map_err(ie)?.into_array_value();
        let n = self.builder.build_extract_value(shape, 0, "n").map_err(ie)?.into_int_value();
        let _ = (ARRAY_DATA, ARRAY_STRIDES);
        let empty = self.builder.build_int_compare(IntPredicate::SLE, n, self.i64c(0), "empty").map_err(ie)?;
        self.raise_if(empty, "ValueError", &format!("{which}() arg is an empty sequence"))?;
        let first_ptr = self.element_ptr(arr, ty, &[self.i64c(0)], Default::default())?;
        let first = self.load_element(first_ptr, a.dtype)?;
        let acc = self.entry_alloca((first.get_type()).into(), "acc")?;
        self.builder.build_store(acc, first).map_err(ie)?;
        let counter = self.entry_alloca((self.ctx.i64_type()).into(), "k")?;
        self.builder.build_store(counter, self.i64c(1)).map_err(ie)?;
        let head = self.new_block("ext.cond");
        let body = self.new_block("ext.body");
        let exit = self.new_block("ext.end");
        self.builder.build_unconditional_branch(head).map_err(ie)?;
        self.builder.position_at_end(head);
        let k = self.builder.build_load(self.ctx.i64_type(), counter, "k").map_err(ie)?.into_int_value();
        let more = self.builder.build_int_compare(IntPredicate::SLT, k, n, "more").map_err(ie)?;
        self.builder.build_conditional_branch(more, body, exit).map_err(ie)?;
        self.builder.position_at_end(body);
        let p = self.element_ptr(arr, ty, &[k], Default::default())?;
        let x = self.load_element(p, a.dtype)?;
        let cur = self.builder.build_load(first.get_type(), acc, "cur").map_err(ie)?;
        let m = self.min_max(which, cur, x, a.dtype)?;
        self.builder.build_store(acc, m).map_err(ie)?;
        let k1 = self.builder.build_int_add(k, self.i64c(1), "k1").map_err(ie)?;
        self.builder.build_store(counter, k1).map_err(ie)?;
        self.builder.build_unconditional_branch(head).map_err(ie)?;
        self.builder.position_at_end(exit);
        self.builder.build_load(first.get_type(), acc, which).map_err(ie)
    }

    /// `print(a, b, ...)`: one runtime call per item, separated by spaces, then a newline.
    pub fn print(&mut self, args: &[Expr]) -> R<()> {
        for (i, a) in args.iter().enumerate() {
            if i > 0 {
                self.print_str(" ")?;
            }
            if let ExprKind::Call(sym, _) = &a.kind {
                if let Some(text) = sym.strip_prefix("str:") {
                    self.print_str(text)?;
                    continue;
                }
            }
            let v = self.expr(a)?;
            self.print_value(v, &a.ty)?;
        }
        self.print_str("\n")?;
        self.call_runtime_void("ferrumba_rt_print_flush", &[])
    }

    fn print_str(&mut self, s: &str) -> R<()> {
        let p = self.builder.build_global_string_ptr(s, "str").map_err(ie)?.as_pointer_value();
        self.call_runtime_void("ferrumba_rt_print_str", &[p.into()])
    }

    fn print_value(&mut self, v: BasicValueEnum<'ctx>, t: &Type) -> R<()> {
        match t {
            Type::Scalar(Scalar::Bool) => {
                let w = self.builder.build_int_z_extend(v.into_int_value(), self.ctx.i64_type(), "b").map_err(ie)?;
                self.call_runtime_void("ferrumba_rt_print_bool", &[w.into()])
            }
            Type::Scalar(s) if s.is_complex() => {
                let (re, im) = self.complex_parts(v)?;
                let f64t = self.ctx.f64_type();
                let re = self.builder.build_float_ext(re, f64t, "re").map_err(ie)?;
                let im = self.builder.build_float_ext(im, f64t, "im").map_err(ie)?;
                self.call_runtime_void("ferrumba_rt_print_complex", &[re.into(), im.into()])
            }
            Type::Scalar(s) if s.is_float() => {
                let x = self.builder.build_float_ext(v.into_float_value(), self.ctx.f64_type(), "f").map_err(ie)?;
                let single = self.ctx.i64_type().const_int((*s == Scalar::F32) as u64, false);
                self.call_runtime_void("ferrumba_rt_print_f64", &[x.into(), single.into()])
            }
            Type::Scalar(s) => {
                let iv = v.into_int_value();
                let i64t = self.ctx.i64_type();
                let w = if iv.get_type().get_bit_width() == 64 {
                    iv
                } else if s.is_signed() {
                    self.builder.build_int_s_extend(iv, i64t, "w").map_err(ie)?
                } else {
                    self.builder.build_int_z_extend(iv, i64t, "w").map_err(ie)?
                };
                let f = if s.is_signed() { "ferrumba_rt_print_i64" } else { "ferrumba_rt_print_u64" };
                self.call_runtime_void(f, &[w.into()])
            }
            Type::NoneType => self.print_str("None"),
            Type::Tuple(items) => {
                self.print_str("(")?;
                let sv = v.into_struct_value();
                for (i, it) in items.iter().enumerate() {
                    if i > 0 {
                        self.print_str(", ")?;
                    }
                    let x = self.builder.build_extract_value(sv, i as u32, "x").map_err(ie)?;
                    self.print_value(x, it)?;
                }
                self.print_str(if items.len() == 1 { ",)" } else { ")" })
            }
            Type::Optional(inner) => {
                let sv = v.into_struct_value();
                let flag = self.builder.build_extract_value(sv, 0, "some").map_err(ie)?.into_int_value();
                let some_bb = self.new_block("print.some");
                let none_bb = self.new_block("print.none");
                let join = self.new_block("print.end");
                self.builder.build_conditional_branch(flag, some_bb, none_bb).map_err(ie)?;
                self.builder.position_at_end(some_bb);
                let x = self.builder.build_extract_value(sv, 1, "x").map_err(ie)?;
                self.print_value(x, inner)?;
                self.builder.build_unconditional_branch(join).map_err(ie)?;
                self.builder.position_at_end(none_bb);
                self.print_str("None")?;
                self.builder.build_unconditional_branch(join).map_err(ie)?;
                self.builder.position_at_end(join);
                Ok(())
            }
            other => Err(Diagnostic::typing("unsupported", format!("printing a {other} is not supported yet"), Default::default())),
        }
    }

    pub(crate) fn call_runtime_void(&mut self, name: &str, args: &[BasicValueEnum<'ctx>]) -> R<()> {
        self.host_only(name)?;
        let params: Vec<inkwell::types::BasicMetadataTypeEnum> = args.iter().map(|a| a.get_type().into()).collect();
        let fn_ty = self.ctx.void_type().fn_type(&params, false);
        let f = self.module.get_function(name).unwrap_or_else(|| self.module.add_function(name, fn_ty, None));
        let margs: Vec<inkwell::values::BasicMetadataValueEnum> = args.iter().map(|a| (*a).into()).collect();
        self.builder.build_call(f, &margs, "").map_err(ie)?;
        Ok(())
    }

    /// `x ** n` for a float x and an integer n by repeated squaring, as Numba computes it
    /// (`int_power`): a few multiplications instead of a pow call, fully unrolled by LLVM
    /// when n is a constant; exponents beyond 65536 fall back to pow.
    /// Python's `0.0 ** negative` raises ZeroDivisionError (NumPy's element-wise power and
    /// the GPU give inf instead).
    pub(crate) fn raise_zero_to_negative_power(&mut self, x: FloatValue<'ctx>, negative: IntValue<'ctx>) -> R<()> {
        if !self.options.python_errors || self.ufunc {
            return Ok(());
        }
        let zero = self.builder.build_float_compare(FloatPredicate::OEQ, x, x.get_type().const_zero(), "zerobase").map_err(ie)?;
        let bad = self.builder.build_and(zero, negative, "bad").map_err(ie)?;
        self.raise_if(bad, "ZeroDivisionError", "0.0 cannot be raised to a negative power")
    }

    fn powi(&mut self, x: FloatValue<'ctx>, n: IntValue<'ctx>) -> R<BasicValueEnum<'ctx>> {
        let ft = x.get_type();
        let i64t = self.ctx.i64_type();
        let b = &self.builder;
        let function = self.llfunc;
        let start = b.get_insert_block().expect("inside a block");
        let negative = b.build_int_compare(IntPredicate::SLT, n, i64t.const_zero(), "neg").map_err(ie)?;
        let minus_n = b.build_int_neg(n, "minus").map_err(ie)?;
        let exp = b.build_select(negative, minus_n, n, "exp").map_err(ie)?.into_int_value();
        let huge = b.build_int_compare(IntPredicate::UGT, exp, i64t.const_int(0x10000, false), "huge").map_err(ie)?;
        let loop_bb = self.ctx.append_basic_block(function, "powi.loop");
        let body_bb = self.ctx.append_basic_block(function, "powi.body");
        let done_bb = self.ctx.append_basic_block(function, "powi.done");
        let generic_bb = self.ctx.append_basic_block(function, "powi.generic");
        let join_bb = self.ctx.append_basic_block(function, "powi.join");
        b.build_conditional_branch(huge, generic_bb, loop_bb).map_err(ie)?;

        b.position_at_end(loop_bb);
        let r = b.build_phi(ft, "r").map_err(ie)?;
        let a = b.build_phi(ft, "a").map_err(ie)?;
        let e = b.build_phi(i64t, "e").map_err(ie)?;
        r.add_incoming(&[(&ft.const_float(1.0), start)]);
        a.add_incoming(&[(&x, start)]);
        e.add_incoming(&[(&exp, start)]);
        let ev = e.as_basic_value().into_int_value();
        let more = b.build_int_compare(IntPredicate::NE, ev, i64t.const_zero(), "more").map_err(ie)?;
        b.build_conditional_branch(more, body_bb, done_bb).map_err(ie)?;

        b.position_at_end(body_bb);
        let (rv, av) = (r.as_basic_value().into_float_value(), a.as_basic_value().into_float_value());
        let odd = b.build_and(ev, i64t.const_int(1, false), "odd").map_err(ie)?;
        let odd = b.build_int_compare(IntPredicate::NE, odd, i64t.const_zero(), "isodd").map_err(ie)?;
        let times = b.build_float_mul(rv, av, "times").map_err(ie)?;
        let r_next = b.build_select(odd, times, rv, "rnext").map_err(ie)?.into_float_value();
        let a_next = b.build_float_mul(av, av, "square").map_err(ie)?;
        let e_next = b.build_right_shift(ev, i64t.const_int(1, false), false, "half").map_err(ie)?;
        r.add_incoming(&[(&r_next, body_bb)]);
        a.add_incoming(&[(&a_next, body_bb)]);
        e.add_incoming(&[(&e_next, body_bb)]);
        b.build_unconditional_branch(loop_bb).map_err(ie)?;

        b.position_at_end(done_bb);
        let inverse = b.build_float_div(ft.const_float(1.0), rv, "inv").map_err(ie)?;
        let by_squaring = b.build_select(negative, inverse, rv, "powi").map_err(ie)?.into_float_value();
        b.build_unconditional_branch(join_bb).map_err(ie)?;

        b.position_at_end(generic_bb);
        let nf = b.build_signed_int_to_float(n, ft, "nf").map_err(ie)?;
        let pow = self.intrinsic("llvm.pow", &[ft.into()])?;
        let b = &self.builder;
        let generic = b.build_call(pow, &[x.into(), nf.into()], "pow").map_err(ie)?.try_as_basic_value().basic().unwrap().into_float_value();
        b.build_unconditional_branch(join_bb).map_err(ie)?;

        b.position_at_end(join_bb);
        let out = b.build_phi(ft, "powi").map_err(ie)?;
        out.add_incoming(&[(&by_squaring, done_bb), (&generic, generic_bb)]);
        Ok(out.as_basic_value())
    }
}
