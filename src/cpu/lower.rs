//! Typed IR → LLVM IR for the host CPU: functions, statements, control flow, exceptions,
//! and the uniform entry wrapper the dispatcher calls.
//!
//! Calling convention of every compiled specialization:
//! `i32 @sym(ptr %ret_out, ptr %exc, <arguments by value>)`: 0 means returned normally
//! (result stored at `%ret_out`), 1 means an exception was raised (class and message
//! stored into `%exc`, an `ExcInfo`).
//! The entry wrapper `i32 @sym.entry(ptr %arg_slots, ptr %ret_slots, ptr %exc)` reads
//! and writes values as flat 8-byte slots, the layout `types::slot_count` defines.

use crate::common::diagnostic::{Diagnostic, Span};
use crate::common::ir::{Block, Function, Stmt, VarId};
use crate::common::types::{Scalar, Type};
use crate::cpu::lower_types::{ie, llvm_type, ARRAY_SHAPE};
use inkwell::basic_block::BasicBlock;
use inkwell::builder::Builder;
use inkwell::context::Context;
use inkwell::module::{Linkage, Module};
use inkwell::types::{BasicType, BasicTypeEnum};
use inkwell::values::{BasicValueEnum, FunctionValue, IntValue, PointerValue};
use inkwell::{AddressSpace, IntPredicate};
use std::collections::HashMap;

pub type R<T> = Result<T, Diagnostic>;

pub struct LowerOptions {
    pub fastmath: bool,
    pub boundscheck: bool,
    /// Python's error model raises ZeroDivisionError on float division by zero; NumPy's
    /// returns inf/nan.
    pub python_errors: bool,
    /// Lowering for the NVPTX target (src/cuda): no host runtime, math from libdevice,
    /// CUDA registers and barriers as NVVM intrinsics, exceptions only end the thread.
    pub gpu: bool,
}

/// Emit every function of a compile unit into `module`, each with its entry wrapper.
pub fn lower_unit<'ctx>(ctx: &'ctx Context, module: &Module<'ctx>, funcs: &[&Function], options: &LowerOptions) -> R<()> {
    // Only the unit's entry is called from Python; the others are inlined or called
    // natively. (A GPU kernel gets its own wrapper, made by src/cuda.)
    let entries: Vec<&str> = if options.gpu { vec![] } else { funcs.iter().take(1).map(|f| f.symbol.as_str()).collect() };
    lower_unit_with_entries(ctx, module, funcs, options, &entries)
}

/// `lower_unit` with host entry wrappers (`<symbol>.entry`) for each function in `entries`.
pub fn lower_unit_with_entries<'ctx>(ctx: &'ctx Context, module: &Module<'ctx>, funcs: &[&Function], options: &LowerOptions, entries: &[&str]) -> R<()> {
    // Declare all first so that calls (including recursive ones) resolve.
    for f in funcs {
        declare(ctx, module, f);
    }
    for f in funcs {
        let mut l = Lowerer::new(ctx, module, f, options);
        l.lower_body()?;
        if entries.contains(&f.symbol.as_str()) {
            emit_entry_wrapper(ctx, module, f, l.llfunc)?;
        }
    }
    if let Err(e) = module.verify() {
        return Err(Diagnostic::internal(format!("generated LLVM IR does not verify: {}", e.to_string())));
    }
    Ok(())
}

fn declare<'ctx>(ctx: &'ctx Context, module: &Module<'ctx>, f: &Function) -> FunctionValue<'ctx> {
    let ptr = ctx.ptr_type(AddressSpace::default());
    let mut params: Vec<inkwell::types::BasicMetadataTypeEnum> = vec![ptr.into(), ptr.into()];
    for &p in &f.params {
        params.push(llvm_type(ctx, &f.vars[p].ty).into());
    }
    let fn_ty = ctx.i32_type().fn_type(&params, false);
    module.add_function(&f.symbol, fn_ty, Some(Linkage::Internal))
}

pub(crate) struct LoopTargets<'ctx> {
    pub continue_to: BasicBlock<'ctx>,
    pub break_to: BasicBlock<'ctx>,
}

pub(crate) struct Lowerer<'a, 'ctx> {
    pub ctx: &'ctx Context,
    pub module: &'a Module<'ctx>,
    pub builder: Builder<'ctx>,
    pub func: &'a Function,
    pub llfunc: FunctionValue<'ctx>,
    pub vars: Vec<PointerValue<'ctx>>,
    pub loops: Vec<LoopTargets<'ctx>>,
    pub options: &'a LowerOptions,
    /// Raise blocks shared by every site raising the same exception.
    raise_blocks: HashMap<(String, Option<String>), BasicBlock<'ctx>>,
    /// The element values a `Map` body is being evaluated with.
    pub map_frame: crate::cpu::lower_array::MapFrame<'ctx>,
    /// Inside an element-wise (ufunc) body: division by zero follows NumPy (inf, nan, or 0
    /// for integers) instead of raising.
    pub ufunc: bool,
    /// In a `MapInto` whose body is `c ? x : <target's own element>` (input k): store only
    /// where c holds, so unchanged elements are not written back (`a[a > t] = 0`).
    pub map_keep: Option<usize>,
}

impl<'a, 'ctx> Lowerer<'a, 'ctx> {
    fn new(ctx: &'ctx Context, module: &'a Module<'ctx>, func: &'a Function, options: &'a LowerOptions) -> Self {
        let llfunc = module.get_function(&func.symbol).expect("declared before lowering");
        Lowerer {
            ctx,
            module,
            builder: ctx.create_builder(),
            func,
            llfunc,
            vars: vec![],
            loops: vec![],
            options,
            raise_blocks: HashMap::new(),
            map_frame: Default::default(),
            ufunc: false,
            map_keep: None,
        }
    }

    pub fn ty(&self, t: &Type) -> BasicTypeEnum<'ctx> {
        llvm_type(self.ctx, t)
    }

    pub fn i64c(&self, v: i64) -> IntValue<'ctx> {
        self.ctx.i64_type().const_int(v as u64, true)
    }

    fn lower_body(&mut self) -> R<()> {
        let entry = self.ctx.append_basic_block(self.llfunc, "entry");
        self.builder.position_at_end(entry);
        let per_thread = self.func.per_thread.clone();
        for (i, v) in self.func.vars.iter().enumerate() {
            // A per-thread variable is an array with a slot for every thread of the block.
            let ty = match &per_thread {
                Some(p) if p.vars.contains(&i) => self.ty(&v.ty).array_type(p.max_threads).into(),
                _ => self.ty(&v.ty),
            };
            let slot = self.builder.build_alloca(ty, &sanitize(&v.name)).map_err(ie)?;
            self.vars.push(slot);
            if let Some(pos) = self.func.params.iter().position(|&p| p == i) {
                let arg = self.llfunc.get_nth_param(pos as u32 + 2).expect("parameter");
                self.builder.build_store(slot, arg).map_err(ie)?;
            }
        }
        self.block(&self.func.body)?;
        // Falling off the end cannot happen (inference appends `return None`), but the
        // block still needs a terminator.
        if self.current_block_open() {
            self.builder.build_unreachable().map_err(ie)?;
        }
        if !self.options.gpu {
            add_target_attributes(self.ctx, self.llfunc);
        }
        Ok(())
    }

    /// A stack slot in the entry block, where LLVM's mem2reg can promote it to a register
    /// (an alloca inside a loop would stay in memory and block vectorization).
    pub fn entry_alloca(&self, ty: inkwell::types::BasicTypeEnum<'ctx>, name: &str) -> R<PointerValue<'ctx>> {
        let entry = self.llfunc.get_first_basic_block().expect("entry block");
        let b = self.ctx.create_builder();
        match entry.get_first_instruction() {
            Some(first) => b.position_before(&first),
            None => b.position_at_end(entry),
        }
        b.build_alloca(ty, name).map_err(ie)
    }

    pub fn current_block_open(&self) -> bool {
        self.builder.get_insert_block().is_some_and(|b| b.get_terminator().is_none())
    }

    /// After a terminator, later statements of the same source block are unreachable;
    /// give them a block of their own so the IR stays well formed.
    pub fn start_dead_block(&mut self) {
        let dead = self.ctx.append_basic_block(self.llfunc, "dead");
        self.builder.position_at_end(dead);
    }

    pub fn new_block(&self, name: &str) -> BasicBlock<'ctx> {
        self.ctx.append_basic_block(self.llfunc, name)
    }

    pub fn branch(&mut self, to: BasicBlock<'ctx>) -> R<()> {
        if self.current_block_open() {
            self.builder.build_unconditional_branch(to).map_err(ie)?;
        }
        Ok(())
    }

    pub fn block(&mut self, stmts: &Block) -> R<()> {
        for s in stmts {
            self.stmt(s)?;
        }
        Ok(())
    }

    pub fn store_var(&mut self, v: VarId, value: BasicValueEnum<'ctx>) -> R<()> {
        let ptr = self.var_ptr(v)?;
        self.builder.build_store(ptr, value).map_err(ie)?;
        Ok(())
    }

    /// Where variable `v` lives (for a per-thread variable: the current thread's slot).
    pub fn var_ptr(&mut self, v: VarId) -> R<PointerValue<'ctx>> {
        let Some(p) = &self.func.per_thread else { return Ok(self.vars[v]) };
        if !p.vars.contains(&v) {
            return Ok(self.vars[v]);
        }
        let tid = self.builder.build_load(self.ctx.i64_type(), self.vars[p.tid], "tid").map_err(ie)?.into_int_value();
        let elem = self.ty(&self.func.vars[v].ty);
        let ptr = unsafe { self.builder.build_in_bounds_gep(elem, self.vars[v], &[tid], "slot").map_err(ie)? };
        Ok(ptr)
    }

    fn stmt(&mut self, s: &Stmt) -> R<()> {
        match s {
            Stmt::Assign(v, e) => {
                let value = self.expr(e)?;
                self.store_var(*v, value)?;
            }
            Stmt::Store { array, indices, value, span } => {
                let arr = self.expr(array)?;
                let idx = indices.iter().map(|i| self.expr(i).map(|v| v.into_int_value())).collect::<R<Vec<_>>>()?;
                let val = self.expr(value)?;
                let dtype = array.ty.array().expect("store into array").dtype;
                let ptr = self.element_ptr(arr, &array.ty, &idx, *span)?;
                self.store_element(ptr, dtype, val)?;
            }
            Stmt::Eval(e) => {
                self.expr(e)?;
            }
            Stmt::If { cond, then_body, else_body } => {
                let c = self.expr(cond)?.into_int_value();
                let then_bb = self.new_block("then");
                let else_bb = self.new_block("else");
                let join = self.new_block("endif");
                self.builder.build_conditional_branch(c, then_bb, else_bb).map_err(ie)?;
                self.builder.position_at_end(then_bb);
                self.block(then_body)?;
                self.branch(join)?;
                self.builder.position_at_end(else_bb);
                self.block(else_body)?;
                self.branch(join)?;
                self.builder.position_at_end(join);
            }
            Stmt::While { cond, body, orelse } => {
                let head = self.new_block("while.cond");
                let body_bb = self.new_block("while.body");
                let else_bb = self.new_block("while.else");
                let exit = self.new_block("while.end");
                self.branch(head)?;
                self.builder.position_at_end(head);
                let c = self.expr(cond)?.into_int_value();
                self.builder.build_conditional_branch(c, body_bb, else_bb).map_err(ie)?;
                self.builder.position_at_end(body_bb);
                self.loops.push(LoopTargets { continue_to: head, break_to: exit });
                self.block(body)?;
                self.loops.pop();
                self.branch(head)?;
                self.builder.position_at_end(else_bb);
                self.block(orelse)?;
                self.branch(exit)?;
                self.builder.position_at_end(exit);
            }
            Stmt::ForRange { var, start, stop, step, body, orelse } => self.for_range(*var, start, stop, step, body, orelse)?,
            Stmt::Break => {
                let t = self.loops.last().expect("break inside a loop").break_to;
                self.builder.build_unconditional_branch(t).map_err(ie)?;
                self.start_dead_block();
            }
            Stmt::Continue => {
                let t = self.loops.last().expect("continue inside a loop").continue_to;
                self.builder.build_unconditional_branch(t).map_err(ie)?;
                self.start_dead_block();
            }
            Stmt::Return(e) => {
                let v = self.expr(e)?;
                let out = self.llfunc.get_nth_param(0).expect("ret_out").into_pointer_value();
                self.builder.build_store(out, v).map_err(ie)?;
                self.builder.build_return(Some(&self.ctx.i32_type().const_zero())).map_err(ie)?;
                self.start_dead_block();
            }
            Stmt::Raise { class, message, .. } => {
                self.raise(class, message.as_deref())?;
                self.start_dead_block();
            }
            Stmt::Print(args) => self.print(args)?,
            Stmt::MapInto { target, inputs, body } => {
                use crate::common::ir::ExprKind;
                let t = self.expr(target)?;
                let own = |x: &crate::common::ir::Expr| matches!((&x.kind, &target.kind), (ExprKind::Var(a), ExprKind::Var(b)) if a == b) && x.ty == target.ty;
                let keep = match &body.kind {
                    ExprKind::IfElse(_, _, y) => match y.kind {
                        ExprKind::MapInput(k) if inputs.get(k).is_some_and(own) => Some(k),
                        _ => None,
                    },
                    _ => None,
                };
                self.map_keep = keep;
                let done = self.map_into(inputs, body, &target.ty, t);
                self.map_keep = None;
                done?;
            }
        }
        Ok(())
    }

    fn for_range(&mut self, var: VarId, start: &crate::common::ir::Expr, stop: &crate::common::ir::Expr, step: &crate::common::ir::Expr, body: &Block, orelse: &Block) -> R<()> {
        use crate::common::ir::ExprKind;
        let start_v = self.expr(start)?.into_int_value();
        let stop_v = self.expr(stop)?.into_int_value();
        let step_v = self.expr(step)?.into_int_value();
        let i64t = self.ctx.i64_type();
        // The hidden counter is separate from the loop variable so that assigning to the
        // variable inside the body does not change the iteration, as in Python.
        let counter = self.entry_alloca(i64t.into(), "range.i")?;
        self.builder.build_store(counter, start_v).map_err(ie)?;
        let head = self.new_block("for.cond");
        let body_bb = self.new_block("for.body");
        let latch = self.new_block("for.inc");
        let else_bb = self.new_block("for.else");
        let exit = self.new_block("for.end");
        self.branch(head)?;
        self.builder.position_at_end(head);
        let i = self.builder.build_load(i64t, counter, "i").map_err(ie)?.into_int_value();
        let keep_going = match step.kind {
            ExprKind::Int(s) if s > 0 => self.builder.build_int_compare(IntPredicate::SLT, i, stop_v, "lt").map_err(ie)?,
            ExprKind::Int(_) => self.builder.build_int_compare(IntPredicate::SGT, i, stop_v, "gt").map_err(ie)?,
            _ => {
                let up = self.builder.build_int_compare(IntPredicate::SGT, step_v, self.i64c(0), "up").map_err(ie)?;
                let lt = self.builder.build_int_compare(IntPredicate::SLT, i, stop_v, "lt").map_err(ie)?;
                let gt = self.builder.build_int_compare(IntPredicate::SGT, i, stop_v, "gt").map_err(ie)?;
                self.builder.build_select(up, lt, gt, "cont").map_err(ie)?.into_int_value()
            }
        };
        self.builder.build_conditional_branch(keep_going, body_bb, else_bb).map_err(ie)?;
        self.builder.position_at_end(body_bb);
        self.store_var(var, i.into())?;
        self.loops.push(LoopTargets { continue_to: latch, break_to: exit });
        self.block(body)?;
        self.loops.pop();
        self.branch(latch)?;
        self.builder.position_at_end(latch);
        let cur = self.builder.build_load(i64t, counter, "i").map_err(ie)?.into_int_value();
        // nsw lets LLVM compute the trip count; Python ranges never wrap.
        let next = self.builder.build_int_nsw_add(cur, step_v, "next").map_err(ie)?;
        self.builder.build_store(counter, next).map_err(ie)?;
        self.builder.build_unconditional_branch(head).map_err(ie)?;
        self.builder.position_at_end(else_bb);
        self.block(orelse)?;
        self.branch(exit)?;
        self.builder.position_at_end(exit);
        Ok(())
    }

    /// Store the exception into `%exc` and return 1. Sites raising the same exception
    /// share one block.
    pub fn raise(&mut self, class: &str, message: Option<&str>) -> R<()> {
        if self.options.gpu {
            // As in numba-cuda without debug: an exception in a kernel ends the thread.
            self.builder.build_return(Some(&self.ctx.i32_type().const_int(1, false))).map_err(ie)?;
            return Ok(());
        }
        let key = (class.to_string(), message.map(str::to_string));
        let bb = match self.raise_blocks.get(&key) {
            Some(bb) => *bb,
            None => {
                let here = self.builder.get_insert_block();
                let bb = self.new_block("raise");
                self.builder.position_at_end(bb);
                let exc = self.llfunc.get_nth_param(1).expect("exc").into_pointer_value();
                let class_ptr = self.builder.build_global_string_ptr(class, "exc.class").map_err(ie)?.as_pointer_value();
                let msg_ptr = match message {
                    Some(m) => self.builder.build_global_string_ptr(m, "exc.msg").map_err(ie)?.as_pointer_value(),
                    None => self.ctx.ptr_type(AddressSpace::default()).const_null(),
                };
                let ptr_t = self.ctx.ptr_type(AddressSpace::default());
                let exc_t = self.ctx.struct_type(&[ptr_t.into(), ptr_t.into()], false);
                let f0 = self.builder.build_struct_gep(exc_t, exc, 0, "exc.c").map_err(ie)?;
                self.builder.build_store(f0, class_ptr).map_err(ie)?;
                let f1 = self.builder.build_struct_gep(exc_t, exc, 1, "exc.m").map_err(ie)?;
                self.builder.build_store(f1, msg_ptr).map_err(ie)?;
                self.builder.build_return(Some(&self.ctx.i32_type().const_int(1, false))).map_err(ie)?;
                if let Some(h) = here {
                    self.builder.position_at_end(h);
                }
                self.raise_blocks.insert(key, bb);
                bb
            }
        };
        self.builder.build_unconditional_branch(bb).map_err(ie)?;
        Ok(())
    }

    /// Branch to a raise when `cond` holds; continue in a fresh block otherwise.
    pub fn raise_if(&mut self, cond: IntValue<'ctx>, class: &str, message: &str) -> R<()> {
        let fail = self.new_block("check.fail");
        let ok = self.new_block("check.ok");
        self.builder.build_conditional_branch(cond, fail, ok).map_err(ie)?;
        self.builder.position_at_end(fail);
        self.raise(class, Some(message))?;
        self.builder.position_at_end(ok);
        Ok(())
    }

    /// Address of `array[indices]`, wrapping negative indices (and checking bounds when
    /// asked). C- and F-contiguous arrays compute their strides from the shape so that
    /// LLVM sees unit-stride access and can vectorize.
    pub fn element_ptr(&mut self, arr: BasicValueEnum<'ctx>, ty: &Type, indices: &[IntValue<'ctx>], _span: Span) -> R<PointerValue<'ctx>> {
        let a = ty.array().expect("element_ptr on an array");
        let sv = arr.into_struct_value();
        let shape = self.builder.build_extract_value(sv, ARRAY_SHAPE, "shape").map_err(ie)?.into_array_value();
        let strides = self.builder.build_extract_value(sv, crate::cpu::lower_types::ARRAY_STRIDES, "strides").map_err(ie)?.into_array_value();
        let data = self.builder.build_extract_value(sv, crate::cpu::lower_types::ARRAY_DATA, "data").map_err(ie)?.into_pointer_value();
        let n = a.ndim as usize;
        let mut dims = vec![];
        for k in 0..n {
            dims.push(self.builder.build_extract_value(shape, k as u32, "dim").map_err(ie)?.into_int_value());
        }
        // Wrap negative indices (and check bounds when asked) dimension by dimension.
        let mut idx = Vec::with_capacity(n);
        for k in 0..n {
            let i = indices[k];
            let neg = self.builder.build_int_compare(IntPredicate::SLT, i, self.i64c(0), "neg").map_err(ie)?;
            let wrapped = self.builder.build_int_add(i, dims[k], "wrap").map_err(ie)?;
            let i = self.builder.build_select(neg, wrapped, i, "idx").map_err(ie)?.into_int_value();
            if self.options.boundscheck {
                let bad = self.builder.build_int_compare(IntPredicate::UGE, i, dims[k], "oob").map_err(ie)?;
                self.raise_if(bad, "IndexError", "index is out of bounds")?;
            }
            idx.push(i);
        }
        let elem_t = crate::cpu::lower_types::memory_type(self.ctx, a.dtype);
        // Contiguous layouts address elements by a linear element index computed from the
        // shape, so that LLVM sees unit-stride accesses it can vectorize (with run-time
        // alias checks); other layouts use the byte strides.
        let order: Vec<usize> = match a.layout {
            crate::common::types::Layout::C => (0..n).collect(),
            crate::common::types::Layout::F => (0..n).rev().collect(),
            crate::common::types::Layout::Any => vec![],
        };
        if !order.is_empty() || n == 0 {
            let mut linear = self.i64c(0);
            for (pos, &k) in order.iter().enumerate() {
                if pos > 0 {
                    linear = self.builder.build_int_nsw_mul(linear, dims[k], "lin").map_err(ie)?;
                }
                linear = self.builder.build_int_nsw_add(linear, idx[k], "lin").map_err(ie)?;
            }
            return unsafe { self.builder.build_in_bounds_gep(elem_t, data, &[linear], "elem").map_err(ie) };
        }
        let mut offset = self.i64c(0);
        for k in 0..n {
            let stride = self.builder.build_extract_value(strides, k as u32, "stride").map_err(ie)?.into_int_value();
            let term = self.builder.build_int_nsw_mul(idx[k], stride, "off").map_err(ie)?;
            offset = self.builder.build_int_nsw_add(offset, term, "off").map_err(ie)?;
        }
        let ptr = unsafe { self.builder.build_in_bounds_gep(self.ctx.i8_type(), data, &[offset], "elem").map_err(ie)? };
        Ok(ptr)
    }

    pub fn store_element(&mut self, ptr: PointerValue<'ctx>, dtype: Scalar, val: BasicValueEnum<'ctx>) -> R<()> {
        let v: BasicValueEnum = if dtype == Scalar::Bool {
            self.builder.build_int_z_extend(val.into_int_value(), self.ctx.i8_type(), "b8").map_err(ie)?.into()
        } else {
            val
        };
        self.builder.build_store(ptr, v).map_err(ie)?;
        Ok(())
    }

    pub fn load_element(&mut self, ptr: PointerValue<'ctx>, dtype: Scalar) -> R<BasicValueEnum<'ctx>> {
        let t = crate::cpu::lower_types::memory_type(self.ctx, dtype);
        let v = self.builder.build_load(t, ptr, "elem").map_err(ie)?;
        if dtype == Scalar::Bool {
            let b = self.builder.build_int_compare(IntPredicate::NE, v.into_int_value(), self.ctx.i8_type().const_zero(), "b").map_err(ie)?;
            return Ok(b.into());
        }
        Ok(v)
    }
}

fn sanitize(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '.' }).collect()
}

/// Generate for the host CPU exactly (its name and features), as Numba does.
fn add_target_attributes<'ctx>(ctx: &'ctx Context, f: FunctionValue<'ctx>) {
    let (cpu, features) = crate::cpu::jit::host_cpu();
    f.add_attribute(inkwell::attributes::AttributeLoc::Function, ctx.create_string_attribute("target-cpu", cpu));
    f.add_attribute(inkwell::attributes::AttributeLoc::Function, ctx.create_string_attribute("target-features", features));
}

/// `i32 @sym.entry(ptr %args, ptr %ret, ptr %exc)`: unpack slots, call, pack the result.
fn emit_entry_wrapper<'ctx>(ctx: &'ctx Context, module: &Module<'ctx>, f: &Function, target: FunctionValue<'ctx>) -> R<()> {
    let ptr = ctx.ptr_type(AddressSpace::default());
    let fn_ty = ctx.i32_type().fn_type(&[ptr.into(), ptr.into(), ptr.into()], false);
    let wrapper = module.add_function(&format!("{}.entry", f.symbol), fn_ty, Some(Linkage::External));
    let builder = ctx.create_builder();
    let entry = ctx.append_basic_block(wrapper, "entry");
    builder.position_at_end(entry);
    let args_p = wrapper.get_nth_param(0).unwrap().into_pointer_value();
    let ret_p = wrapper.get_nth_param(1).unwrap().into_pointer_value();
    let exc_p = wrapper.get_nth_param(2).unwrap().into_pointer_value();
    let ret_slot = builder.build_alloca(llvm_type(ctx, &f.ret), "ret").map_err(ie)?;
    let mut call_args: Vec<inkwell::values::BasicMetadataValueEnum> = vec![ret_slot.into(), exc_p.into()];
    let mut slot = 0u32;
    for &p in &f.params {
        let v = unpack_slots(ctx, &builder, args_p, &mut slot, &f.vars[p].ty)?;
        call_args.push(v.into());
    }
    let status = builder.build_call(target, &call_args, "status").map_err(ie)?.try_as_basic_value().basic().expect("i32 status");
    let ok_bb = ctx.append_basic_block(wrapper, "ok");
    let fail_bb = ctx.append_basic_block(wrapper, "fail");
    let is_ok = builder.build_int_compare(IntPredicate::EQ, status.into_int_value(), ctx.i32_type().const_zero(), "isok").map_err(ie)?;
    builder.build_conditional_branch(is_ok, ok_bb, fail_bb).map_err(ie)?;
    builder.position_at_end(ok_bb);
    let result = builder.build_load(llvm_type(ctx, &f.ret), ret_slot, "result").map_err(ie)?;
    let mut out = 0u32;
    pack_slots(ctx, &builder, ret_p, &mut out, &f.ret, result)?;
    builder.build_return(Some(&ctx.i32_type().const_zero())).map_err(ie)?;
    builder.position_at_end(fail_bb);
    builder.build_return(Some(&status)).map_err(ie)?;
    add_target_attributes(ctx, wrapper);
    Ok(())
}

fn slot_ptr<'ctx>(ctx: &'ctx Context, b: &Builder<'ctx>, base: PointerValue<'ctx>, slot: u32) -> R<PointerValue<'ctx>> {
    unsafe { b.build_gep(ctx.i64_type(), base, &[ctx.i64_type().const_int(slot as u64, false)], "slot").map_err(ie) }
}

fn unpack_slots<'ctx>(ctx: &'ctx Context, b: &Builder<'ctx>, base: PointerValue<'ctx>, slot: &mut u32, t: &Type) -> R<BasicValueEnum<'ctx>> {
    let i64t = ctx.i64_type();
    let mut next = |b: &Builder<'ctx>| -> R<IntValue<'ctx>> {
        let p = slot_ptr(ctx, b, base, *slot)?;
        *slot += 1;
        Ok(b.build_load(i64t, p, "s").map_err(ie)?.into_int_value())
    };
    Ok(match t {
        Type::Scalar(s) if s.is_complex() => {
            let ft = if *s == Scalar::C64 { ctx.f32_type() } else { ctx.f64_type() };
            let re = b.build_bit_cast(next(b)?, ctx.f64_type(), "re").map_err(ie)?.into_float_value();
            let im = b.build_bit_cast(next(b)?, ctx.f64_type(), "im").map_err(ie)?.into_float_value();
            let re = b.build_float_cast(re, ft, "re").map_err(ie)?;
            let im = b.build_float_cast(im, ft, "im").map_err(ie)?;
            let st = llvm_type(ctx, t).into_struct_type();
            let v = b.build_insert_value(st.get_undef(), re, 0, "c").map_err(ie)?;
            b.build_insert_value(v, im, 1, "c").map_err(ie)?.into_struct_value().into()
        }
        Type::Scalar(s) if s.is_float() => {
            let f = b.build_bit_cast(next(b)?, ctx.f64_type(), "f").map_err(ie)?.into_float_value();
            if *s == Scalar::F32 {
                b.build_float_cast(f, ctx.f32_type(), "f32").map_err(ie)?.into()
            } else {
                f.into()
            }
        }
        Type::Scalar(s) => {
            let v = next(b)?;
            let target = llvm_type(ctx, t).into_int_type();
            if *s == Scalar::Bool {
                b.build_int_compare(IntPredicate::NE, v, i64t.const_zero(), "b").map_err(ie)?.into()
            } else if target.get_bit_width() < 64 {
                b.build_int_truncate(v, target, "t").map_err(ie)?.into()
            } else {
                v.into()
            }
        }
        Type::NoneType | Type::Unknown | Type::DType(_) | Type::StrLiteral(_) | Type::BoolLiteral(_) => ctx.const_struct(&[], false).into(),
        Type::Tuple(items) => {
            let st = llvm_type(ctx, t).into_struct_type();
            let mut agg = st.get_undef();
            for (i, it) in items.iter().enumerate() {
                let v = unpack_slots(ctx, b, base, slot, it)?;
                agg = b.build_insert_value(agg, v, i as u32, "tup").map_err(ie)?.into_struct_value();
            }
            agg.into()
        }
        Type::Array(a) => {
            let st = llvm_type(ctx, t).into_struct_type();
            let ptr = ctx.ptr_type(AddressSpace::default());
            let mut agg = st.get_undef();
            for field in 0..3u32 {
                let v = next(b)?;
                let p = b.build_int_to_ptr(v, ptr, "p").map_err(ie)?;
                agg = b.build_insert_value(agg, p, field, "arr").map_err(ie)?.into_struct_value();
            }
            for field in [ARRAY_SHAPE, crate::cpu::lower_types::ARRAY_STRIDES] {
                let mut dims = i64t.array_type(a.ndim).get_undef();
                for k in 0..a.ndim {
                    let v = next(b)?;
                    dims = b.build_insert_value(dims, v, k, "dim").map_err(ie)?.into_array_value();
                }
                agg = b.build_insert_value(agg, dims, field, "arr").map_err(ie)?.into_struct_value();
            }
            agg.into()
        }
        Type::Optional(inner) => {
            let flag = next(b)?;
            let flag = b.build_int_compare(IntPredicate::NE, flag, i64t.const_zero(), "some").map_err(ie)?;
            let v = unpack_slots(ctx, b, base, slot, inner)?;
            let st = llvm_type(ctx, t).into_struct_type();
            let agg = b.build_insert_value(st.get_undef(), flag, 0, "opt").map_err(ie)?;
            b.build_insert_value(agg, v, 1, "opt").map_err(ie)?.into_struct_value().into()
        }
        Type::Range => {
            let st = llvm_type(ctx, t).into_struct_type();
            let mut agg = st.get_undef();
            for k in 0..3 {
                let v = next(b)?;
                agg = b.build_insert_value(agg, v, k, "r").map_err(ie)?.into_struct_value();
            }
            agg.into()
        }
        Type::List { .. } => {
            let v = next(b)?;
            b.build_int_to_ptr(v, ctx.ptr_type(AddressSpace::default()), "list").map_err(ie)?.into()
        }
    })
}

fn pack_slots<'ctx>(ctx: &'ctx Context, b: &Builder<'ctx>, base: PointerValue<'ctx>, slot: &mut u32, t: &Type, v: BasicValueEnum<'ctx>) -> R<()> {
    let i64t = ctx.i64_type();
    let mut put = |b: &Builder<'ctx>, x: IntValue<'ctx>| -> R<()> {
        let p = slot_ptr(ctx, b, base, *slot)?;
        *slot += 1;
        b.build_store(p, x).map_err(ie)?;
        Ok(())
    };
    match t {
        Type::Scalar(s) if s.is_complex() => {
            let sv = v.into_struct_value();
            for k in 0..2 {
                let part = b.build_extract_value(sv, k, "part").map_err(ie)?.into_float_value();
                let wide = b.build_float_ext(part, ctx.f64_type(), "w").map_err(ie)?;
                let bits = b.build_bit_cast(wide, i64t, "bits").map_err(ie)?.into_int_value();
                put(b, bits)?;
            }
        }
        Type::Scalar(s) if s.is_float() => {
            let wide = b.build_float_ext(v.into_float_value(), ctx.f64_type(), "w").map_err(ie)?;
            let bits = b.build_bit_cast(wide, i64t, "bits").map_err(ie)?.into_int_value();
            put(b, bits)?;
        }
        Type::Scalar(s) => {
            let iv = v.into_int_value();
            let wide = if iv.get_type().get_bit_width() == 64 {
                iv
            } else if s.is_signed() {
                b.build_int_s_extend(iv, i64t, "w").map_err(ie)?
            } else {
                b.build_int_z_extend(iv, i64t, "w").map_err(ie)?
            };
            put(b, wide)?;
        }
        Type::NoneType | Type::Unknown | Type::DType(_) | Type::StrLiteral(_) | Type::BoolLiteral(_) => {}
        Type::Tuple(items) => {
            let sv = v.into_struct_value();
            for (i, it) in items.iter().enumerate() {
                let x = b.build_extract_value(sv, i as u32, "item").map_err(ie)?;
                pack_slots(ctx, b, base, slot, it, x)?;
            }
        }
        Type::Array(a) => {
            let sv = v.into_struct_value();
            for field in 0..3u32 {
                let p = b.build_extract_value(sv, field, "p").map_err(ie)?.into_pointer_value();
                put(b, b.build_ptr_to_int(p, i64t, "pi").map_err(ie)?)?;
            }
            for field in [ARRAY_SHAPE, crate::cpu::lower_types::ARRAY_STRIDES] {
                let dims = b.build_extract_value(sv, field, "dims").map_err(ie)?.into_array_value();
                for k in 0..a.ndim {
                    put(b, b.build_extract_value(dims, k, "d").map_err(ie)?.into_int_value())?;
                }
            }
        }
        Type::Optional(inner) => {
            let sv = v.into_struct_value();
            let flag = b.build_extract_value(sv, 0, "flag").map_err(ie)?.into_int_value();
            put(b, b.build_int_z_extend(flag, i64t, "f").map_err(ie)?)?;
            let x = b.build_extract_value(sv, 1, "v").map_err(ie)?;
            pack_slots(ctx, b, base, slot, inner, x)?;
        }
        Type::Range => {
            let sv = v.into_struct_value();
            for k in 0..3 {
                put(b, b.build_extract_value(sv, k, "r").map_err(ie)?.into_int_value())?;
            }
        }
        Type::List { .. } => put(b, b.build_ptr_to_int(v.into_pointer_value(), i64t, "list").map_err(ie)?)?,
    }
    Ok(())
}
