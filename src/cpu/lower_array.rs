//! Arrays made by compiled code: allocation through the runtime, views (slicing), and the
//! element-wise `Map` loop that fused array expressions and array creation lower to.

use crate::common::diagnostic::Diagnostic;
use crate::common::ir::{Expr, ExprKind, SliceItem};
use crate::common::types::{ArrayType, Layout, Scalar, Type};
use crate::cpu::lower::{Lowerer, R};
use crate::cpu::lower_types::{array_struct, ie, memory_type, ARRAY_DATA, ARRAY_SHAPE, ARRAY_STRIDES};
use inkwell::types::BasicType;
use inkwell::values::{BasicValueEnum, IntValue, PointerValue, StructValue};
use inkwell::{AddressSpace, IntPredicate};

/// What a `Map` body reads while its loop runs.
#[derive(Default)]
pub struct MapFrame<'ctx> {
    pub inputs: Vec<BasicValueEnum<'ctx>>,
    pub index: Vec<IntValue<'ctx>>,
}

impl<'a, 'ctx> Lowerer<'a, 'ctx> {
    pub(crate) fn array_parts(&self, v: BasicValueEnum<'ctx>, ndim: u32) -> R<(PointerValue<'ctx>, Vec<IntValue<'ctx>>, Vec<IntValue<'ctx>>)> {
        let sv = v.into_struct_value();
        let data = self.builder.build_extract_value(sv, ARRAY_DATA, "data").map_err(ie)?.into_pointer_value();
        let shape = self.builder.build_extract_value(sv, ARRAY_SHAPE, "shape").map_err(ie)?.into_array_value();
        let strides = self.builder.build_extract_value(sv, ARRAY_STRIDES, "strides").map_err(ie)?.into_array_value();
        let mut dims = vec![];
        let mut st = vec![];
        for k in 0..ndim {
            dims.push(self.builder.build_extract_value(shape, k, "dim").map_err(ie)?.into_int_value());
            st.push(self.builder.build_extract_value(strides, k, "stride").map_err(ie)?.into_int_value());
        }
        Ok((data, dims, st))
    }

    /// Byte strides of a C-contiguous array with constant dimensions.
    pub fn const_c_strides(&self, dims: &[i64], itemsize: i64) -> Vec<IntValue<'ctx>> {
        let mut strides = vec![self.i64c(itemsize); dims.len()];
        let mut s = itemsize;
        for k in (0..dims.len()).rev() {
            strides[k] = self.i64c(s);
            s *= dims[k];
        }
        strides
    }

    pub fn array_value(&self, ndim: u32, meminfo: PointerValue<'ctx>, parent: PointerValue<'ctx>, data: PointerValue<'ctx>, dims: &[IntValue<'ctx>], strides: &[IntValue<'ctx>]) -> R<StructValue<'ctx>> {
        self.make_array(ndim, meminfo, parent, data, dims, strides)
    }

    fn make_array(&self, ndim: u32, meminfo: PointerValue<'ctx>, parent: PointerValue<'ctx>, data: PointerValue<'ctx>, dims: &[IntValue<'ctx>], strides: &[IntValue<'ctx>]) -> R<StructValue<'ctx>> {
        let st = array_struct(self.ctx, ndim);
        let b = &self.builder;
        let mut agg = b.build_insert_value(st.get_undef(), meminfo, 0, "arr").map_err(ie)?.into_struct_value();
        agg = b.build_insert_value(agg, parent, 1, "arr").map_err(ie)?.into_struct_value();
        agg = b.build_insert_value(agg, data, ARRAY_DATA, "arr").map_err(ie)?.into_struct_value();
        let i64t = self.ctx.i64_type();
        let mut shape = i64t.array_type(ndim).get_undef();
        let mut strd = i64t.array_type(ndim).get_undef();
        for k in 0..ndim as usize {
            shape = b.build_insert_value(shape, dims[k], k as u32, "shape").map_err(ie)?.into_array_value();
            strd = b.build_insert_value(strd, strides[k], k as u32, "strides").map_err(ie)?.into_array_value();
        }
        agg = b.build_insert_value(agg, shape, ARRAY_SHAPE, "arr").map_err(ie)?.into_struct_value();
        Ok(b.build_insert_value(agg, strd, ARRAY_STRIDES, "arr").map_err(ie)?.into_struct_value())
    }

    /// A new C-contiguous array from the runtime.
    pub fn alloc_array(&mut self, ty: &Type, dims: &[IntValue<'ctx>]) -> R<StructValue<'ctx>> {
        let a = ty.array().expect("allocating an array type");
        let itemsize = self.i64c(a.dtype.itemsize() as i64);
        let mut count = self.i64c(1);
        for d in dims {
            let negative = self.builder.build_int_compare(IntPredicate::SLT, *d, self.i64c(0), "negdim").map_err(ie)?;
            self.raise_if(negative, "ValueError", "negative dimensions are not allowed")?;
            count = self.builder.build_int_mul(count, *d, "count").map_err(ie)?;
        }
        let nbytes = self.builder.build_int_mul(count, itemsize, "nbytes").map_err(ie)?;
        let ptr_t = self.ctx.ptr_type(AddressSpace::default());
        let meminfo = self.call_runtime("ferrumba_rt_alloc", ptr_t.into(), &[nbytes.into()])?.into_pointer_value();
        // MemInfo is { i64 refcount, ptr data, i64 size }.
        let mi_t = self.ctx.struct_type(&[self.ctx.i64_type().into(), ptr_t.into(), self.ctx.i64_type().into()], false);
        let data_field = self.builder.build_struct_gep(mi_t, meminfo, 1, "mi.data").map_err(ie)?;
        let data = self.builder.build_load(ptr_t, data_field, "data").map_err(ie)?.into_pointer_value();
        let mut strides = vec![itemsize; dims.len()];
        let mut s = itemsize;
        // C order (last index fastest), or Fortran order (first index fastest).
        let order: Vec<usize> = if a.layout == Layout::F { (0..dims.len()).collect() } else { (0..dims.len()).rev().collect() };
        for k in order {
            strides[k] = s;
            s = self.builder.build_int_mul(s, dims[k], "stride").map_err(ie)?;
        }
        self.make_array(a.ndim, meminfo, ptr_t.const_null(), data, dims, &strides)
    }

    pub fn lower_array_expr(&mut self, e: &Expr) -> R<BasicValueEnum<'ctx>> {
        match &e.kind {
            ExprKind::Block(stmts, value) => {
                self.block(stmts)?;
                self.expr(value)
            }
            ExprKind::ArrayEmpty(dims) => {
                let d = dims.iter().map(|x| self.expr(x).map(|v| v.into_int_value())).collect::<R<Vec<_>>>()?;
                Ok(self.alloc_array(&e.ty, &d)?.into())
            }
            ExprKind::ArrayView(base, items) => self.view(base, items, &e.ty),
            ExprKind::Map { inputs, body, shape } => self.map(inputs, body, shape.as_deref(), &e.ty),
            ExprKind::MapInput(k) => Ok(self.map_frame.inputs[*k]),
            ExprKind::MapIndex(d) => Ok(self.map_frame.index[*d].into()),
            ExprKind::Reshape(base, dims) => self.reshape(base, dims, &e.ty),
            ExprKind::LocalArray(dims) => {
                // A fixed-size array on the thread's stack.
                let a = e.ty.array().expect("local array type");
                let count: i64 = dims.iter().product();
                let elem = memory_type(self.ctx, a.dtype);
                let slot = self.entry_alloca(elem.array_type(count.max(1) as u32).into(), "local")?;
                let d: Vec<IntValue> = dims.iter().map(|n| self.i64c(*n)).collect();
                let strides = self.const_c_strides(dims, a.dtype.itemsize() as i64);
                let null = self.ctx.ptr_type(AddressSpace::default()).const_null();
                Ok(self.make_array(a.ndim, null, null, slot, &d, &strides)?.into())
            }
            ExprKind::Atomic(op, args) => self.atomic(*op, args, &e.ty),
            ExprKind::ConstArray(c) => self.const_array(c, &e.ty),
            ExprKind::Transpose(base) => {
                let (meminfo, parent, data, mut dims, mut strides) = self.view_parts(base)?;
                let nd = dims.len() as u32;
                dims.reverse();
                strides.reverse();
                Ok(self.make_array(nd, meminfo, parent, data, &dims, &strides)?.into())
            }
            ExprKind::Permute(base, axes) => self.permute(base, axes),
            ExprKind::ComplexPart(base, imag) => {
                // The same elements' real or imaginary halves: one part further in, same
                // dimensions and strides (in bytes).
                let at = base.ty.array().expect("complex part of an array").clone();
                let (meminfo, parent, data, dims, strides) = self.view_parts(base)?;
                let offset = if *imag { at.dtype.itemsize() as u64 / 2 } else { 0 };
                let i8t = self.ctx.i8_type();
                let part = unsafe { self.builder.build_gep(i8t, data, &[self.ctx.i64_type().const_int(offset, false)], "part") }.map_err(ie)?;
                Ok(self.make_array(at.ndim, meminfo, parent, part, &dims, &strides)?.into())
            }
            ExprKind::ExpandDims(base, at) => self.expand_dims(base, at),
            _ => Err(Diagnostic::internal("lower_array_expr on a non-array expression")),
        }
    }

    /// What a view of `base` keeps (its owner and parent object) and what it may change
    /// (data pointer, dimensions, strides).
    #[allow(clippy::type_complexity)]
    fn view_parts(&mut self, base: &Expr) -> R<(PointerValue<'ctx>, PointerValue<'ctx>, PointerValue<'ctx>, Vec<IntValue<'ctx>>, Vec<IntValue<'ctx>>)> {
        let nd = base.ty.array().expect("a view of an array").ndim;
        let bv = self.expr(base)?;
        let sv = bv.into_struct_value();
        let meminfo = self.builder.build_extract_value(sv, 0, "meminfo").map_err(ie)?.into_pointer_value();
        let parent = self.builder.build_extract_value(sv, 1, "parent").map_err(ie)?.into_pointer_value();
        let (data, dims, strides) = self.array_parts(bv, nd)?;
        Ok((meminfo, parent, data, dims, strides))
    }

    /// `base` with its dimensions (and strides) reordered: dimension `i` of the view is
    /// dimension `axes[i]` of `base`. Axes are run-time values, so each is a chain of
    /// selects over the base's dimensions (ndim is small).
    fn permute(&mut self, base: &Expr, axes: &[Expr]) -> R<BasicValueEnum<'ctx>> {
        let (meminfo, parent, data, dims, strides) = self.view_parts(base)?;
        let nd = dims.len() as u32;
        let (mut new_dims, mut new_strides) = (vec![], vec![]);
        for axis in axes {
            let axis = self.expr(axis)?.into_int_value();
            let (mut d, mut s) = (dims[0], strides[0]);
            for k in 1..nd as usize {
                let is_k = self.builder.build_int_compare(IntPredicate::EQ, axis, self.i64c(k as i64), "is_axis").map_err(ie)?;
                d = self.builder.build_select(is_k, dims[k], d, "dim").map_err(ie)?.into_int_value();
                s = self.builder.build_select(is_k, strides[k], s, "stride").map_err(ie)?.into_int_value();
            }
            new_dims.push(d);
            new_strides.push(s);
        }
        Ok(self.make_array(nd, meminfo, parent, data, &new_dims, &new_strides)?.into())
    }

    /// `base` with a new dimension of length 1 and stride 0 at each position of `at`
    /// (positions of the result, increasing), as NumPy's `np.newaxis` makes them.
    fn expand_dims(&mut self, base: &Expr, at: &[usize]) -> R<BasicValueEnum<'ctx>> {
        let (meminfo, parent, data, mut dims, mut strides) = self.view_parts(base)?;
        for &k in at {
            dims.insert(k, self.i64c(1));
            strides.insert(k, self.i64c(0));
        }
        Ok(self.make_array(dims.len() as u32, meminfo, parent, data, &dims, &strides)?.into())
    }

    /// New dimensions over the same C-contiguous data; a -1 dimension takes what is left
    /// of the size, and the sizes must agree, as NumPy checks.
    fn reshape(&mut self, base: &Expr, dims: &[Expr], ty: &Type) -> R<BasicValueEnum<'ctx>> {
        let at = base.ty.array().expect("reshape of an array").clone();
        let bv = self.expr(base)?;
        let sv = bv.into_struct_value();
        let meminfo = self.builder.build_extract_value(sv, 0, "meminfo").map_err(ie)?.into_pointer_value();
        let parent = self.builder.build_extract_value(sv, 1, "parent").map_err(ie)?.into_pointer_value();
        let (data, old_dims, _) = self.array_parts(bv, at.ndim)?;
        let mut size = self.i64c(1);
        for d in &old_dims {
            size = self.builder.build_int_mul(size, *d, "size").map_err(ie)?;
        }
        let mut new_dims = vec![];
        for d in dims {
            new_dims.push(self.expr(d)?.into_int_value());
        }
        // Product of the known dimensions, and where the -1 is (if any).
        let mut known = self.i64c(1);
        let mut unknowns = self.i64c(0);
        for d in &new_dims {
            let is_free = self.builder.build_int_compare(IntPredicate::EQ, *d, self.i64c(-1), "free").map_err(ie)?;
            let factor = self.builder.build_select(is_free, self.i64c(1), *d, "f").map_err(ie)?.into_int_value();
            known = self.builder.build_int_mul(known, factor, "known").map_err(ie)?;
            let one = self.builder.build_int_z_extend(is_free, self.ctx.i64_type(), "one").map_err(ie)?;
            unknowns = self.builder.build_int_add(unknowns, one, "n").map_err(ie)?;
        }
        let zero_known = self.builder.build_int_compare(IntPredicate::EQ, known, self.i64c(0), "z").map_err(ie)?;
        let divisor = self.builder.build_select(zero_known, self.i64c(1), known, "div").map_err(ie)?.into_int_value();
        let inferred = self.builder.build_int_signed_div(size, divisor, "inferred").map_err(ie)?;
        let mut total = self.i64c(1);
        for d in new_dims.iter_mut() {
            let is_free = self.builder.build_int_compare(IntPredicate::EQ, *d, self.i64c(-1), "free").map_err(ie)?;
            *d = self.builder.build_select(is_free, inferred, *d, "dim").map_err(ie)?.into_int_value();
            let negative = self.builder.build_int_compare(IntPredicate::SLT, *d, self.i64c(0), "neg").map_err(ie)?;
            self.raise_if(negative, "ValueError", "negative dimensions are not allowed in reshape")?;
            total = self.builder.build_int_mul(total, *d, "total").map_err(ie)?;
        }
        let too_many = self.builder.build_int_compare(IntPredicate::UGT, unknowns, self.i64c(1), "many").map_err(ie)?;
        self.raise_if(too_many, "ValueError", "can only specify one unknown dimension")?;
        // A -1 beside a 0 is ambiguous (NumPy refuses it even for an empty array).
        let one_free = self.builder.build_int_compare(IntPredicate::EQ, unknowns, self.i64c(1), "one").map_err(ie)?;
        let ambiguous = self.builder.build_and(one_free, zero_known, "ambiguous").map_err(ie)?;
        self.raise_if(ambiguous, "ValueError", "cannot reshape an array of size 0 with an unknown dimension beside a 0")?;
        let mismatch = self.builder.build_int_compare(IntPredicate::NE, total, size, "mismatch").map_err(ie)?;
        self.raise_if(mismatch, "ValueError", "cannot reshape array into the requested shape")?;
        let itemsize = self.i64c(at.dtype.itemsize() as i64);
        let nd = ty.array().expect("reshape type").ndim as usize;
        let mut strides = vec![itemsize; nd];
        let mut s = itemsize;
        for k in (0..nd).rev() {
            strides[k] = s;
            s = self.builder.build_int_mul(s, new_dims[k], "stride").map_err(ie)?;
        }
        Ok(self.make_array(nd as u32, meminfo, parent, data, &new_dims, &strides)?.into())
    }

    fn view(&mut self, base: &Expr, items: &[SliceItem], ty: &Type) -> R<BasicValueEnum<'ctx>> {
        let at = base.ty.array().expect("view of an array").clone();
        let bv = self.expr(base)?;
        let sv = bv.into_struct_value();
        let meminfo = self.builder.build_extract_value(sv, 0, "meminfo").map_err(ie)?.into_pointer_value();
        let parent = self.builder.build_extract_value(sv, 1, "parent").map_err(ie)?.into_pointer_value();
        let (data, dims, strides) = self.array_parts(bv, at.ndim)?;
        let mut offset = self.i64c(0);
        let mut new_dims = vec![];
        let mut new_strides = vec![];
        for (k, item) in items.iter().enumerate() {
            match item {
                SliceItem::Index(i) => {
                    let i = self.expr(i)?.into_int_value();
                    let neg = self.builder.build_int_compare(IntPredicate::SLT, i, self.i64c(0), "neg").map_err(ie)?;
                    let wrapped = self.builder.build_int_add(i, dims[k], "wrap").map_err(ie)?;
                    let i = self.builder.build_select(neg, wrapped, i, "idx").map_err(ie)?.into_int_value();
                    let bad = self.builder.build_int_compare(IntPredicate::UGE, i, dims[k], "oob").map_err(ie)?;
                    self.raise_if(bad, "IndexError", "index is out of bounds")?;
                    let term = self.builder.build_int_mul(i, strides[k], "off").map_err(ie)?;
                    offset = self.builder.build_int_add(offset, term, "off").map_err(ie)?;
                }
                SliceItem::Range(lo, hi, step) => {
                    let opt = |this: &mut Self, x: &Option<Expr>| -> R<(IntValue<'ctx>, IntValue<'ctx>)> {
                        match x {
                            Some(e) => Ok((this.expr(e)?.into_int_value(), this.ctx.i64_type().const_int(1, false))),
                            None => Ok((this.i64c(0), this.ctx.i64_type().const_zero())),
                        }
                    };
                    let (lo, has_lo) = opt(self, lo)?;
                    let (hi, has_hi) = opt(self, hi)?;
                    let (st, has_st) = opt(self, step)?;
                    let one = self.i64c(1);
                    let step_v = self.builder.build_select(
                        self.builder.build_int_compare(IntPredicate::NE, has_st, self.i64c(0), "hs").map_err(ie)?,
                        st,
                        one,
                        "step",
                    ).map_err(ie)?.into_int_value();
                    let zero_step = self.builder.build_int_compare(IntPredicate::EQ, step_v, self.i64c(0), "zs").map_err(ie)?;
                    self.raise_if(zero_step, "ValueError", "slice step cannot be zero")?;
                    let flags = self.builder.build_or(has_lo, self.builder.build_left_shift(has_hi, one, "f").map_err(ie)?, "flags").map_err(ie)?;
                    let i64t = self.ctx.i64_type();
                    let out = self.entry_alloca(i64t.array_type(2).into(), "slice")?;
                    self.call_runtime_ptr("ferrumba_rt_slice", &[dims[k].into(), lo.into(), hi.into(), step_v.into(), flags.into()], out)?;
                    let arr = self.builder.build_load(i64t.array_type(2), out, "s").map_err(ie)?.into_array_value();
                    let start = self.builder.build_extract_value(arr, 0, "start").map_err(ie)?.into_int_value();
                    let len = self.builder.build_extract_value(arr, 1, "len").map_err(ie)?.into_int_value();
                    let term = self.builder.build_int_mul(start, strides[k], "off").map_err(ie)?;
                    offset = self.builder.build_int_add(offset, term, "off").map_err(ie)?;
                    new_dims.push(len);
                    new_strides.push(self.builder.build_int_mul(strides[k], step_v, "stride").map_err(ie)?);
                }
            }
        }
        for k in items.len()..at.ndim as usize {
            new_dims.push(dims[k]);
            new_strides.push(strides[k]);
        }
        let new_data = unsafe { self.builder.build_gep(self.ctx.i8_type(), data, &[offset], "view").map_err(ie)? };
        let nd = ty.array().expect("view type").ndim;
        Ok(self.make_array(nd, meminfo, parent, new_data, &new_dims, &new_strides)?.into())
    }

    /// A frozen global array: its bytes as a private constant of the module (in the GPU's
    /// constant memory on the GPU target), viewed as a read-only array that owns nothing.
    fn const_array(&mut self, c: &crate::common::ir::ConstArray, ty: &Type) -> R<BasicValueEnum<'ctx>> {
        let a = ty.array().expect("const array type");
        let init = self.ctx.const_string(&c.bytes, false);
        let space = if self.options.gpu { AddressSpace::from(4u16) } else { AddressSpace::default() };
        let g = self.module.add_global(init.get_type(), Some(space), "const.array");
        g.set_initializer(&init);
        g.set_constant(true);
        g.set_linkage(inkwell::module::Linkage::Private);
        g.set_alignment(64);
        let generic = self.ctx.ptr_type(AddressSpace::default());
        let data = if self.options.gpu {
            self.builder.build_address_space_cast(g.as_pointer_value(), generic, "const.ptr").map_err(ie)?
        } else {
            g.as_pointer_value()
        };
        let dims: Vec<IntValue> = c.shape.iter().map(|n| self.i64c(*n)).collect();
        let strides = self.const_c_strides(&c.shape, a.dtype.itemsize() as i64);
        let null = generic.const_null();
        Ok(self.make_array(a.ndim, null, null, data, &dims, &strides)?.into())
    }

    /// A read-modify-write of one array element as a single atomic instruction (so blocks
    /// running on different cores see each other's updates); returns the old value. Arrays
    /// only one OS thread touches during a launch (`plain_atomics`) get a plain load, op,
    /// store instead: same result, a fraction of the cost.
    fn atomic(&mut self, op: crate::common::ir::AtomicOp, args: &[Expr], ty: &Type) -> R<BasicValueEnum<'ctx>> {
        use crate::common::ir::AtomicOp as A;
        use inkwell::AtomicOrdering::SequentiallyConsistent as SeqCst;
        use inkwell::AtomicRMWBinOp as Rmw;
        let array = &args[0];
        let ndim = array.ty.array().expect("atomic on an array").ndim as usize;
        let av = self.expr(array)?;
        let mut idx = vec![];
        for i in &args[1..1 + ndim] {
            idx.push(self.expr(i)?.into_int_value());
        }
        let ptr = self.element_ptr(av, &array.ty, &idx, array.span)?;
        let s = ty.scalar().expect("atomic element");
        let value = self.expr(&args[1 + ndim])?;
        let plain = !self.options.gpu && matches!(array.kind, ExprKind::Var(v) if self.func.plain_atomics.contains(&v));
        if plain {
            let elem = self.ty(ty);
            let old = self.builder.build_load(elem, ptr, "old").map_err(ie)?;
            let operand = if op == A::Cas { self.expr(&args[2 + ndim])? } else { value };
            let new = self.atomic_update(op, s, old, value, operand)?;
            self.builder.build_store(ptr, new).map_err(ie)?;
            return Ok(old);
        }
        if self.options.gpu && matches!(op, A::Inc | A::Dec) && s.itemsize() == 4 {
            // PTX has atom.inc/dec.u32, but LLVM 19's NVPTX backend expands `uinc_wrap` into
            // a compare-and-swap loop.
            let i32t = self.ctx.i32_type();
            let fn_ty = i32t.fn_type(&[self.ctx.ptr_type(AddressSpace::default()).into(), i32t.into()], false);
            let text = format!("atom.{}.u32 $0, [$1], $2;", if op == A::Inc { "inc" } else { "dec" });
            let asm = self.ctx.create_inline_asm(fn_ty, text, "=r,l,r,~{memory}".into(), true, false, None, false);
            let call = self.builder.build_indirect_call(fn_ty, asm, &[ptr.into(), value.into()], "old").map_err(ie)?;
            return call.try_as_basic_value().basic().ok_or_else(|| crate::common::diagnostic::Diagnostic::internal("inline asm without a value"));
        }
        if op == A::Cas {
            let new = self.expr(&args[2 + ndim])?;
            let pair = self.builder.build_cmpxchg(ptr, value, new, SeqCst, SeqCst).map_err(ie)?;
            return self.builder.build_extract_value(pair, 0, "old").map_err(ie);
        }
        let signed = s.is_signed();
        let rmw = match (op, s.is_float()) {
            (A::Add, false) => Rmw::Add,
            (A::Add, true) => Rmw::FAdd,
            (A::Sub, false) => Rmw::Sub,
            (A::Sub, true) => Rmw::FSub,
            (A::Max, false) => if signed { Rmw::Max } else { Rmw::UMax },
            (A::Max, true) => Rmw::FMax,
            (A::Min, false) => if signed { Rmw::Min } else { Rmw::UMin },
            (A::Min, true) => Rmw::FMin,
            (A::Exch, _) => Rmw::Xchg,
            (A::And, _) => Rmw::And,
            (A::Or, _) => Rmw::Or,
            (A::Xor, _) => Rmw::Xor,
            (A::Inc, _) => Rmw::UIncWrap,
            (A::Dec, _) => Rmw::UDecWrap,
            (A::Cas, _) => unreachable!(),
        };
        let old = if s.is_float() {
            // inkwell builds integer atomics only; floating-point ones go through the C API.
            use inkwell::values::AsValueRef;
            let raw = unsafe {
                inkwell::llvm_sys::core::LLVMBuildAtomicRMW(self.builder.as_mut_ptr(), rmw.into(), ptr.as_value_ref(), value.as_value_ref(), SeqCst.into(), 0)
            };
            unsafe { BasicValueEnum::new(raw) }
        } else {
            self.builder.build_atomicrmw(rmw, ptr, value.into_int_value(), SeqCst).map_err(ie)?.into()
        };
        Ok(old)
    }

    /// The value an atomic stores, from the old one: the same rule the atomic instruction
    /// applies (`maxnum` for floats, CUDA's wrap-around for inc/dec). For a compare-and-swap
    /// `value` is the expected old value and `operand` the new one.
    fn atomic_update(&mut self, op: crate::common::ir::AtomicOp, s: Scalar, old: BasicValueEnum<'ctx>, value: BasicValueEnum<'ctx>, operand: BasicValueEnum<'ctx>) -> R<BasicValueEnum<'ctx>> {
        use crate::common::ir::AtomicOp as A;
        use inkwell::IntPredicate as P;
        let b = &self.builder;
        if s.is_float() {
            let (o, v) = (old.into_float_value(), value.into_float_value());
            return Ok(match op {
                A::Add => b.build_float_add(o, v, "new").map_err(ie)?.into(),
                A::Sub => b.build_float_sub(o, v, "new").map_err(ie)?.into(),
                A::Exch => value,
                A::Max | A::Min => {
                    let f = self.intrinsic(if op == A::Max { "llvm.maxnum" } else { "llvm.minnum" }, &[old.get_type()])?;
                    self.builder.build_call(f, &[o.into(), v.into()], "new").map_err(ie)?.try_as_basic_value().basic().expect("maxnum value")
                }
                _ => return Err(crate::common::diagnostic::Diagnostic::internal(format!("atomic {op:?} on floats"))),
            });
        }
        let (o, v) = (old.into_int_value(), value.into_int_value());
        let signed = s.is_signed();
        let pick = |cond: inkwell::values::IntValue<'ctx>, a: inkwell::values::IntValue<'ctx>, c: inkwell::values::IntValue<'ctx>| -> R<BasicValueEnum<'ctx>> {
            Ok(b.build_select(cond, a, c, "new").map_err(ie)?)
        };
        let one = o.get_type().const_int(1, false);
        let zero = o.get_type().const_zero();
        Ok(match op {
            A::Add => b.build_int_add(o, v, "new").map_err(ie)?.into(),
            A::Sub => b.build_int_sub(o, v, "new").map_err(ie)?.into(),
            A::And => b.build_and(o, v, "new").map_err(ie)?.into(),
            A::Or => b.build_or(o, v, "new").map_err(ie)?.into(),
            A::Xor => b.build_xor(o, v, "new").map_err(ie)?.into(),
            A::Exch => value,
            A::Max => pick(b.build_int_compare(if signed { P::SGT } else { P::UGT }, o, v, "gt").map_err(ie)?, o, v)?,
            A::Min => pick(b.build_int_compare(if signed { P::SLT } else { P::ULT }, o, v, "lt").map_err(ie)?, o, v)?,
            A::Cas => pick(b.build_int_compare(P::EQ, o, v, "eq").map_err(ie)?, operand.into_int_value(), o)?,
            A::Inc => {
                let wraps = b.build_int_compare(P::UGE, o, v, "wraps").map_err(ie)?;
                pick(wraps, zero, b.build_int_add(o, one, "inc").map_err(ie)?)?
            }
            A::Dec => {
                let is_zero = b.build_int_compare(P::EQ, o, zero, "zero").map_err(ie)?;
                let above = b.build_int_compare(P::UGT, o, v, "above").map_err(ie)?;
                let reset = b.build_or(is_zero, above, "reset").map_err(ie)?;
                pick(reset, v, b.build_int_sub(o, one, "dec").map_err(ie)?)?
            }
        })
    }

    fn call_runtime_ptr(&mut self, name: &str, args: &[BasicValueEnum<'ctx>], out: PointerValue<'ctx>) -> R<()> {
        self.host_only(name)?;
        let mut params: Vec<inkwell::types::BasicMetadataTypeEnum> = args.iter().map(|a| a.get_type().into()).collect();
        params.push(self.ctx.ptr_type(AddressSpace::default()).into());
        let fn_ty = self.ctx.void_type().fn_type(&params, false);
        let f = self.module.get_function(name).unwrap_or_else(|| self.module.add_function(name, fn_ty, None));
        let mut margs: Vec<inkwell::values::BasicMetadataValueEnum> = args.iter().map(|a| (*a).into()).collect();
        margs.push(out.into());
        self.builder.build_call(f, &margs, "").map_err(ie)?;
        Ok(())
    }

    /// Evaluate a Map: broadcast shapes, allocate the result, and run one loop that
    /// computes every element. Same-shape C-contiguous inputs take a flat loop LLVM can
    /// vectorize; anything else takes a loop nest with broadcasting.
    fn map(&mut self, inputs: &[Expr], body: &Expr, shape: Option<&[Expr]>, ty: &Type) -> R<BasicValueEnum<'ctx>> {
        self.map_loop(inputs, body, shape, ty, None)
    }

    /// Write a Map into an existing array (which fixes the shape).
    pub fn map_into(&mut self, inputs: &[Expr], body: &Expr, ty: &Type, target: BasicValueEnum<'ctx>) -> R<()> {
        self.map_loop(inputs, body, None, ty, Some(target)).map(|_| ())
    }

    fn map_loop(&mut self, inputs: &[Expr], body: &Expr, shape: Option<&[Expr]>, ty: &Type, target: Option<BasicValueEnum<'ctx>>) -> R<BasicValueEnum<'ctx>> {
        let out_t = ty.array().expect("map makes an array").clone();
        let nd = out_t.ndim as usize;
        let mut vals = vec![];
        for x in inputs {
            vals.push(self.expr(x)?);
        }
        let mut parts = vec![];
        for (x, v) in inputs.iter().zip(&vals) {
            parts.push(match x.ty.array() {
                Some(a) => Some((a.clone(), self.array_parts(*v, a.ndim)?)),
                None => None,
            });
        }
        let target_parts = match target {
            Some(t) => Some(self.array_parts(t, out_t.ndim)?),
            None => None,
        };
        let mut dims: Vec<IntValue> = match (shape, &target_parts) {
            (Some(s), _) => s.iter().map(|d| self.expr(d).map(|v| v.into_int_value())).collect::<R<Vec<_>>>()?,
            (None, Some((_, d, _))) => d.clone(),
            (None, None) => vec![self.i64c(1); nd],
        };
        let fixed = shape.is_some() || target.is_some();
        if parts.iter().flatten().any(|(a, _)| a.ndim as usize > nd) {
            return Err(Diagnostic::internal("an element-wise input has more dimensions than the result"));
        }
        for (a, (_, in_dims, _)) in parts.iter().flatten() {
            let lead = nd - a.ndim as usize;
            for j in 0..a.ndim as usize {
                let (d, x) = (dims[lead + j], in_dims[j]);
                let one = self.i64c(1);
                let x_is_one = self.builder.build_int_compare(IntPredicate::EQ, x, one, "x1").map_err(ie)?;
                let equal = self.builder.build_int_compare(IntPredicate::EQ, x, d, "eq").map_err(ie)?;
                let ok = if fixed {
                    self.builder.build_or(x_is_one, equal, "ok").map_err(ie)?
                } else {
                    let d_is_one = self.builder.build_int_compare(IntPredicate::EQ, d, one, "d1").map_err(ie)?;
                    let ok = self.builder.build_or(x_is_one, equal, "ok").map_err(ie)?;
                    self.builder.build_or(ok, d_is_one, "ok").map_err(ie)?
                };
                let bad = self.builder.build_not(ok, "bad").map_err(ie)?;
                self.raise_if(bad, "ValueError", "operands could not be broadcast together")?;
                if !fixed {
                    dims[lead + j] = self.builder.build_select(x_is_one, d, x, "dim").map_err(ie)?.into_int_value();
                }
            }
        }
        let out = match target {
            Some(t) => t.into_struct_value(),
            None => self.alloc_array(ty, &dims)?,
        };
        let out_data = self.builder.build_extract_value(out, ARRAY_DATA, "out").map_err(ie)?.into_pointer_value();
        // An output that is not C-contiguous is written through its strides in the loop nest
        // (the flat loop stays valid for a Fortran-ordered output of Fortran-ordered inputs).
        let strided_out = if out_t.layout == Layout::C {
            None
        } else {
            match &target_parts {
                Some((_, _, s)) => Some(s.clone()),
                None => {
                    let strides = self.builder.build_extract_value(out, ARRAY_STRIDES, "strides").map_err(ie)?.into_array_value();
                    let mut s = vec![];
                    for k in 0..nd {
                        s.push(self.builder.build_extract_value(strides, k as u32, "stride").map_err(ie)?.into_int_value());
                    }
                    Some(s)
                }
            }
        };
        let flat_layout_ok = out_t.layout == Layout::C || (out_t.layout == Layout::F && target.is_none());
        let mut size = self.i64c(1);
        for d in &dims {
            size = self.builder.build_int_mul(size, *d, "size").map_err(ie)?;
        }
        let uses_index = contains_map_index(body);
        // Flat-loop condition: every array input has the output's shape and is C-contiguous.
        let mut flat = self.ctx.bool_type().const_int((!(uses_index && nd > 1) && flat_layout_ok) as u64, false);
        for (a, (_, in_dims, _)) in parts.iter().flatten() {
            if a.ndim as usize != nd || (a.layout != out_t.layout && nd > 1) || (nd <= 1 && a.layout != Layout::C) {
                flat = self.ctx.bool_type().const_zero();
                continue;
            }
            for k in 0..nd {
                let eq = self.builder.build_int_compare(IntPredicate::EQ, in_dims[k], dims[k], "same").map_err(ie)?;
                flat = self.builder.build_and(flat, eq, "flat").map_err(ie)?;
            }
        }
        let flat_bb = self.new_block("map.flat");
        let nest_bb = self.new_block("map.nest");
        let done = self.new_block("map.done");
        self.builder.build_conditional_branch(flat, flat_bb, nest_bb).map_err(ie)?;

        // Flat loop over the elements in memory order.
        self.builder.position_at_end(flat_bb);
        let counter = self.entry_alloca(self.ctx.i64_type().into(), "map.i")?;
        self.builder.build_store(counter, self.i64c(0)).map_err(ie)?;
        let (head, body_bb, exit) = (self.new_block("flat.cond"), self.new_block("flat.body"), self.new_block("flat.end"));
        self.builder.build_unconditional_branch(head).map_err(ie)?;
        self.builder.position_at_end(head);
        let i = self.builder.build_load(self.ctx.i64_type(), counter, "i").map_err(ie)?.into_int_value();
        let more = self.builder.build_int_compare(IntPredicate::SLT, i, size, "more").map_err(ie)?;
        self.builder.build_conditional_branch(more, body_bb, exit).map_err(ie)?;
        self.builder.position_at_end(body_bb);
        let mut frame = MapFrame { inputs: vec![], index: vec![i; nd.max(1)] };
        for (v, p) in vals.iter().zip(&parts) {
            frame.inputs.push(match p {
                Some((a, (data, _, _))) => {
                    let ptr = unsafe { self.builder.build_in_bounds_gep(memory_type(self.ctx, a.dtype), *data, &[i], "in").map_err(ie)? };
                    self.load_element(ptr, a.dtype)?
                }
                None => *v,
            });
        }
        self.emit_map_element(body, frame, out_data, &out_t, i)?;
        let next = self.builder.build_int_nsw_add(i, self.i64c(1), "next").map_err(ie)?;
        self.builder.build_store(counter, next).map_err(ie)?;
        self.builder.build_unconditional_branch(head).map_err(ie)?;
        self.builder.position_at_end(exit);
        self.builder.build_unconditional_branch(done).map_err(ie)?;

        // Loop nest with broadcasting, writing the output in C order.
        self.builder.position_at_end(nest_bb);
        let linear = self.entry_alloca(self.ctx.i64_type().into(), "map.lin")?;
        self.builder.build_store(linear, self.i64c(0)).map_err(ie)?;
        let mut counters = vec![];
        let mut heads = vec![];
        let mut exits = vec![];
        let mut idx = vec![];
        for (k, dim) in dims.iter().enumerate() {
            let c = self.entry_alloca(self.ctx.i64_type().into(), "nest.i")?;
            self.builder.build_store(c, self.i64c(0)).map_err(ie)?;
            let (h, b, x) = (self.new_block("nest.cond"), self.new_block("nest.body"), self.new_block("nest.end"));
            self.builder.build_unconditional_branch(h).map_err(ie)?;
            self.builder.position_at_end(h);
            let iv = self.builder.build_load(self.ctx.i64_type(), c, "i").map_err(ie)?.into_int_value();
            let more = self.builder.build_int_compare(IntPredicate::SLT, iv, *dim, "more").map_err(ie)?;
            self.builder.build_conditional_branch(more, b, x).map_err(ie)?;
            self.builder.position_at_end(b);
            let _ = k;
            counters.push(c);
            heads.push(h);
            exits.push(x);
            idx.push(iv);
        }
        let mut frame = MapFrame { inputs: vec![], index: idx.clone() };
        for (v, p) in vals.iter().zip(&parts) {
            frame.inputs.push(match p {
                Some((a, (data, in_dims, in_strides))) => {
                    let lead = nd - a.ndim as usize;
                    let mut off = self.i64c(0);
                    for j in 0..a.ndim as usize {
                        let is_one = self.builder.build_int_compare(IntPredicate::EQ, in_dims[j], self.i64c(1), "b1").map_err(ie)?;
                        let ij = self.builder.build_select(is_one, self.i64c(0), idx[lead + j], "bi").map_err(ie)?.into_int_value();
                        let t = self.builder.build_int_mul(ij, in_strides[j], "o").map_err(ie)?;
                        off = self.builder.build_int_add(off, t, "o").map_err(ie)?;
                    }
                    let ptr = unsafe { self.builder.build_gep(self.ctx.i8_type(), *data, &[off], "in").map_err(ie)? };
                    self.load_element(ptr, a.dtype)?
                }
                None => *v,
            });
        }
        let lin = self.builder.build_load(self.ctx.i64_type(), linear, "lin").map_err(ie)?.into_int_value();
        match &strided_out {
            None => self.emit_map_element(body, frame, out_data, &out_t, lin)?,
            Some(strides) => {
                let mut off = self.i64c(0);
                for (k, st) in strides.iter().enumerate() {
                    let t = self.builder.build_int_mul(idx[k], *st, "o").map_err(ie)?;
                    off = self.builder.build_int_add(off, t, "o").map_err(ie)?;
                }
                let base = unsafe { self.builder.build_gep(self.ctx.i8_type(), out_data, &[off], "outs").map_err(ie)? };
                self.emit_map_element(body, frame, base, &out_t, self.i64c(0))?;
            }
        }
        let lin1 = self.builder.build_int_add(lin, self.i64c(1), "lin1").map_err(ie)?;
        self.builder.build_store(linear, lin1).map_err(ie)?;
        for k in (0..dims.len()).rev() {
            let iv = self.builder.build_load(self.ctx.i64_type(), counters[k], "i").map_err(ie)?.into_int_value();
            let n = self.builder.build_int_add(iv, self.i64c(1), "n").map_err(ie)?;
            self.builder.build_store(counters[k], n).map_err(ie)?;
            self.builder.build_unconditional_branch(heads[k]).map_err(ie)?;
            self.builder.position_at_end(exits[k]);
        }
        if dims.is_empty() {
            // A 0-d result is a single element; nothing to loop over.
        }
        self.builder.build_unconditional_branch(done).map_err(ie)?;
        self.builder.position_at_end(done);
        Ok(out.into())
    }

    fn emit_map_element(&mut self, body: &Expr, frame: MapFrame<'ctx>, out_data: PointerValue<'ctx>, out_t: &ArrayType, at: IntValue<'ctx>) -> R<()> {
        let keep = self.map_keep.take();
        if let (Some(k), ExprKind::IfElse(c, x, y)) = (keep, &body.kind) {
            if matches!(y.kind, ExprKind::MapInput(j) if j == k) {
                // A conditional store (masked stores once vectorized): elements that keep
                // their value are not written, which halves the memory traffic.
                let saved = std::mem::replace(&mut self.map_frame, frame);
                let was_ufunc = std::mem::replace(&mut self.ufunc, true);
                let stored = self.store_where(c, x, out_data, out_t, at);
                self.ufunc = was_ufunc;
                self.map_frame = saved;
                self.map_keep = keep;
                return stored;
            }
        }
        self.map_keep = keep;
        let saved = std::mem::replace(&mut self.map_frame, frame);
        let was_ufunc = std::mem::replace(&mut self.ufunc, true);
        let v = self.expr(body);
        self.ufunc = was_ufunc;
        self.map_frame = saved;
        let v = v?;
        let ptr = unsafe { self.builder.build_in_bounds_gep(memory_type(self.ctx, out_t.dtype), out_data, &[at], "out").map_err(ie)? };
        self.store_element(ptr, out_t.dtype, v)
    }
}

impl<'a, 'ctx> Lowerer<'a, 'ctx> {
    fn store_where(&mut self, cond: &Expr, value: &Expr, out_data: PointerValue<'ctx>, out_t: &ArrayType, at: IntValue<'ctx>) -> R<()> {
        let c = self.expr(cond)?.into_int_value();
        let (store_bb, join) = (self.new_block("keep.store"), self.new_block("keep.end"));
        self.builder.build_conditional_branch(c, store_bb, join).map_err(ie)?;
        self.builder.position_at_end(store_bb);
        let v = self.expr(value)?;
        let ptr = unsafe { self.builder.build_in_bounds_gep(memory_type(self.ctx, out_t.dtype), out_data, &[at], "out").map_err(ie)? };
        self.store_element(ptr, out_t.dtype, v)?;
        self.builder.build_unconditional_branch(join).map_err(ie)?;
        self.builder.position_at_end(join);
        Ok(())
    }
}

fn contains_map_index(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::MapIndex(_) => true,
        ExprKind::Cast(x) | ExprKind::Unary(_, x) | ExprKind::Truth(x) | ExprKind::TupleGet(x, _) | ExprKind::IsNone(x) | ExprKind::Unwrap(x) => {
            contains_map_index(x)
        }
        ExprKind::Binary(_, a, b) | ExprKind::Compare(_, a, b) | ExprKind::And(a, b) | ExprKind::Or(a, b) | ExprKind::TupleGetDyn(a, b) => {
            contains_map_index(a) || contains_map_index(b)
        }
        ExprKind::IfElse(c, a, b) => contains_map_index(c) || contains_map_index(a) || contains_map_index(b),
        ExprKind::Tuple(items) | ExprKind::Math(_, items) | ExprKind::Call(_, items) => items.iter().any(contains_map_index),
        _ => false,
    }
}
