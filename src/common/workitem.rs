//! The work-item pass: turns a typed CUDA kernel into plain host functions, so that the
//! CPU backend runs kernels without knowing anything about CUDA.
//!
//! The kernel becomes a *thread function* taking the special registers (thread and block
//! indices, block and grid dimensions) and the block's shared arrays as extra parameters,
//! and a *block function* that allocates the shared arrays and calls the thread function
//! for every thread of one block, in loops over z, y and x (LLVM inlines the call and can
//! vectorize the x loop). The launcher runs block functions over a pool of OS threads.
//!
//! Kernels with `cuda.syncthreads()` are split into regions between barriers instead (see
//! `regions.rs`).

use crate::common::diagnostic::{Diagnostic, SourceFile, Span};
use crate::common::ir::{BinOp, Block, Expr, ExprKind, Function, GpuReg, Stmt, Var, VarId};
use crate::common::privatize::{block_local_arrays, privatizable, PrivateArray};
use crate::common::types::{ArrayType, Layout, Scalar, Type, I64};

/// Register parameters of the thread function, in order.
const REGISTERS: [&str; 12] = ["$tid.x", "$tid.y", "$tid.z", "$bid.x", "$bid.y", "$bid.z", "$bdim.x", "$bdim.y", "$bdim.z", "$gdim.x", "$gdim.y", "$gdim.z"];

/// The block function's leading parameters (what the launcher passes for each block):
/// block index, grid and block dimensions, and the dynamic shared memory size in bytes.
pub const BLOCK_PARAMS: usize = 10;

/// `cuda.shared.array(0, dtype)`: an array over the launch's dynamic shared memory.
fn shared_dims(dims: &[i64], ty: &Type, dynamic_bytes: VarId, span: Span) -> Vec<Expr> {
    if dims == [0] {
        let itemsize = ty.array().map(|a| a.dtype.itemsize()).unwrap_or(1) as i64;
        let bytes = Expr::new(ExprKind::Var(dynamic_bytes), I64, span);
        let count = Expr::new(ExprKind::Binary(BinOp::FloorDiv, bx(bytes), bx(Expr::new(ExprKind::Int(itemsize), I64, span))), I64, span);
        return vec![count];
    }
    dims.iter().map(|n| Expr::new(ExprKind::Int(*n), I64, span)).collect()
}

pub struct Lowered {
    pub block: Function,
    /// The per-thread function a barrier-free kernel's block function calls; a kernel with
    /// barriers is a single block function.
    pub thread: Option<Function>,
    /// The same functions with plain updates of the arrays a launcher may privatize per
    /// worker (see `privatize.rs`); None when the kernel has no such array.
    pub private: Option<Private>,
}

pub struct Private {
    pub block: Function,
    pub thread: Option<Function>,
    pub arrays: Vec<PrivateArray>,
}

fn bx(e: Expr) -> Box<Expr> {
    Box::new(e)
}

/// `source` is the kernel's source file, for run-time error messages that name a line.
pub fn to_host(kernel: &Function, source: &SourceFile) -> Result<Lowered, Diagnostic> {
    if kernel.ret != Type::NoneType {
        return Err(Diagnostic::typing("kernel-returns", format!("a kernel cannot return a value (this one returns {})", kernel.ret), Span::default())
            .with_hint("write results into an array argument"));
    }
    let mut expanded = kernel.clone();
    crate::common::regions::hoist_collectives(&mut expanded)?;
    crate::common::regions::expand_warps(&mut expanded)?;
    let kernel = &expanded;
    let block_local = block_local_arrays(kernel);
    let private_arrays = privatizable(kernel);
    let mut lowered = if crate::common::regions::contains_barrier(&kernel.body) { with_barriers(kernel, source)? } else { without_barriers(kernel)? };
    match &mut lowered.thread {
        Some(thread) => thread.plain_atomics = block_local,
        None => lowered.block.plain_atomics = block_local,
    }
    if !private_arrays.is_empty() {
        // Kernel parameters keep their variable numbers in the thread function (and in
        // the block function of a kernel with barriers).
        let params: Vec<VarId> = private_arrays.iter().map(|a| kernel.params[a.param]).collect();
        let mut block = lowered.block.clone();
        block.symbol = format!("{}.private", block.symbol);
        let thread = lowered.thread.as_ref().map(|t| {
            let mut t = t.clone();
            let renamed = format!("{}.private", t.symbol);
            let old = std::mem::replace(&mut t.symbol, renamed);
            rename_calls(&mut block.body, &old, &t.symbol);
            block.callees = vec![t.symbol.clone()];
            t.plain_atomics.extend(&params);
            t
        });
        let mut thread = thread;
        match &mut thread {
            Some(t) => {
                let nk = kernel.params.len();
                let mut assigned = std::collections::HashSet::new();
                crate::common::privatize::assigned_vars(&t.body, &mut assigned);
                // Block index, block and grid dimensions; scalar arguments never rebound.
                let mut uniform: std::collections::HashSet<VarId> = t.params[nk + 3..nk + 12].iter().copied().collect();
                uniform.extend(kernel.params.iter().copied().filter(|p| kernel.vars[*p].ty.scalar().is_some() && !assigned.contains(p)));
                let block_params = kernel.params.iter().copied().zip(block.params[BLOCK_PARAMS..].iter().copied()).collect();
                crate::common::privatize::accumulate_per_block(&mut block, t, &params, &uniform, &block_params);
            }
            None => block.plain_atomics.extend(&params),
        }
        lowered.private = Some(Private { block, thread, arrays: private_arrays });
    }
    Ok(lowered)
}

fn rename_calls(b: &mut Block, from: &str, to: &str) {
    crate::common::ir::for_each_call_mut(b, &mut |symbol, _| {
        if symbol == from {
            *symbol = to.to_string();
        }
    });
}

fn without_barriers(kernel: &Function) -> Result<Lowered, Diagnostic> {
    let mut thread = kernel.clone();
    thread.symbol = format!("{}.thread", kernel.symbol);
    let first_reg = thread.vars.len();
    for name in REGISTERS {
        thread.vars.push(Var { name: name.into(), ty: I64 });
    }
    thread.params.extend(first_reg..first_reg + REGISTERS.len());
    let mut shared: Vec<(Vec<i64>, Type)> = vec![];
    let mut rewriter = Rewriter { first_reg, shared: &mut shared, vars: &mut thread.vars, params: vec![] };
    rewriter.block(&mut thread.body)?;
    let shared_params = rewriter.params;
    thread.params.extend(shared_params.iter().copied());

    // The block function: registers first, then the kernel's own parameters.
    let mut vars: Vec<Var> = ["$bid.x", "$bid.y", "$bid.z", "$gdim.x", "$gdim.y", "$gdim.z", "$bdim.x", "$bdim.y", "$bdim.z", "$dynshared"]
        .iter()
        .map(|n| Var { name: (*n).into(), ty: I64 })
        .collect();
    let mut params: Vec<VarId> = (0..BLOCK_PARAMS).collect();
    for &p in &kernel.params {
        params.push(vars.len());
        vars.push(kernel.vars[p].clone());
    }
    let span = Span::default();
    let var = |vars: &Vec<Var>, v: VarId| Expr::new(ExprKind::Var(v), vars[v].ty.clone(), span);
    let mut body: Block = vec![];
    let mut shared_vars = vec![];
    for (dims, ty) in &shared {
        let v = vars.len();
        vars.push(Var { name: format!("$shared{}", shared_vars.len()), ty: ty.clone() });
        let d = shared_dims(dims, ty, 9, span);
        body.push(Stmt::Assign(v, Expr::new(ExprKind::ArrayEmpty(d), ty.clone(), span)));
        shared_vars.push(v);
    }
    let (tx, ty_, tz) = (vars.len(), vars.len() + 1, vars.len() + 2);
    for n in ["$tid.x", "$tid.y", "$tid.z"] {
        vars.push(Var { name: n.into(), ty: I64 });
    }
    let mut call_args: Vec<Expr> = params[BLOCK_PARAMS..].iter().map(|&p| var(&vars, p)).collect();
    // Registers in the thread function's order: tid, bid, bdim, gdim.
    for v in [tx, ty_, tz, 0, 1, 2, 6, 7, 8, 3, 4, 5] {
        call_args.push(var(&vars, v));
    }
    for &s in &shared_vars {
        call_args.push(var(&vars, s));
    }
    let call = Stmt::Eval(Expr::new(ExprKind::Call(thread.symbol.clone(), call_args), Type::NoneType, span));
    let zero = Expr::new(ExprKind::Int(0), I64, span);
    let one = Expr::new(ExprKind::Int(1), I64, span);
    let loop_over = |v: VarId, dim: VarId, inner: Block, vars: &Vec<Var>| Stmt::ForRange {
        var: v,
        start: zero.clone(),
        stop: var(vars, dim),
        step: one.clone(),
        body: inner,
        orelse: vec![],
    };
    // Registers are never negative: telling LLVM lets it drop the negative-index wrap of
    // `a[cuda.grid(1)]` and vectorize the thread loop.
    for v in 0..BLOCK_PARAMS {
        body.insert(0, Stmt::Eval(Expr::new(ExprKind::Math("assume_nonnegative", vec![var(&vars, v)]), Type::NoneType, span)));
    }
    let x_loop = loop_over(tx, 6, vec![call], &vars);
    let y_loop = loop_over(ty_, 7, vec![x_loop], &vars);
    body.push(loop_over(tz, 8, vec![y_loop], &vars));
    body.push(Stmt::Return(Expr::new(ExprKind::NoneValue, Type::NoneType, span)));
    let block = Function {
        name: kernel.name.clone(),
        symbol: format!("{}.block", kernel.symbol),
        params,
        vars,
        ret: Type::NoneType,
        body,
        callees: vec![thread.symbol.clone()],
        per_thread: None,
        plain_atomics: vec![],
    };
    Ok(Lowered { block: over_block_range(block), thread: Some(thread), private: None })
}

/// Turn a block function (taking the block index x, y, z first) into one that runs a
/// range of blocks, given as its first two arguments (linear block numbers, start and
/// end): the launcher then makes one native call per chunk of blocks, not per block.
fn over_block_range(mut f: Function) -> Function {
    let span = Span::default();
    let (bx, by, bz) = (f.params[0], f.params[1], f.params[2]);
    let (gx, gy) = (f.params[3], f.params[4]);
    let start = f.vars.len();
    f.vars.push(Var { name: "$first_block".into(), ty: I64 });
    let end = f.vars.len();
    f.vars.push(Var { name: "$end_block".into(), ty: I64 });
    let unused = f.vars.len();
    f.vars.push(Var { name: "$unused".into(), ty: I64 });
    let b = f.vars.len();
    f.vars.push(Var { name: "$block".into(), ty: I64 });
    f.params[0] = start;
    f.params[1] = end;
    f.params[2] = unused;
    let var = |v: VarId| Expr::new(ExprKind::Var(v), I64, span);
    let bin = |op: BinOp, a: Expr, c: Expr| Expr::new(ExprKind::Binary(op, bx_(a), bx_(c)), I64, span);
    let mut body = std::mem::take(&mut f.body);
    if matches!(body.last(), Some(Stmt::Return(_))) {
        body.pop();
    }
    let plane = bin(BinOp::Mul, var(gx), var(gy));
    let mut per_block = vec![
        Stmt::Assign(bx, bin(BinOp::Mod, var(b), var(gx))),
        Stmt::Assign(by, bin(BinOp::Mod, bin(BinOp::FloorDiv, var(b), var(gx)), var(gy))),
        Stmt::Assign(bz, bin(BinOp::FloorDiv, var(b), plane)),
    ];
    per_block.extend(body);
    f.body = vec![
        Stmt::ForRange { var: b, start: var(start), stop: var(end), step: Expr::new(ExprKind::Int(1), I64, span), body: per_block, orelse: vec![] },
        Stmt::Return(Expr::new(ExprKind::NoneValue, Type::NoneType, span)),
    ];
    if let Some(p) = &mut f.per_thread {
        // The block-range counter is shared by all threads of a block.
        p.vars.retain(|v| *v != b);
    }
    f
}

fn bx_(e: Expr) -> Box<Expr> {
    Box::new(e)
}

/// A kernel with barriers: registers become block-function variables (thread indices are
/// the thread loops' variables), then regions split at the barriers.
fn with_barriers(kernel: &Function, source: &SourceFile) -> Result<Lowered, Diagnostic> {
    let mut f = kernel.clone();
    let first_reg = f.vars.len();
    for name in REGISTERS {
        f.vars.push(Var { name: name.into(), ty: I64 });
    }
    let dynamic_bytes = f.vars.len();
    f.vars.push(Var { name: "$dynshared".into(), ty: I64 });
    let mut shared: Vec<(Vec<i64>, Type)> = vec![];
    let mut rewriter = Rewriter { first_reg, shared: &mut shared, vars: &mut f.vars, params: vec![] };
    rewriter.block(&mut f.body)?;
    let shared_vars = rewriter.params;
    let span = Span::default();
    let mut shared_init = vec![];
    for ((dims, ty), &v) in shared.iter().zip(&shared_vars) {
        let d = shared_dims(dims, ty, dynamic_bytes, span);
        shared_init.push(Stmt::Assign(v, Expr::new(ExprKind::ArrayEmpty(d), ty.clone(), span)));
    }
    let reg = |k: usize| first_reg + k;
    // The launcher's order: block index, grid dimensions, block dimensions, then arguments.
    let mut params = vec![reg(3), reg(4), reg(5), reg(9), reg(10), reg(11), reg(6), reg(7), reg(8), dynamic_bytes];
    params.extend(kernel.params.iter().copied());
    let locals: Vec<VarId> = (0..kernel.vars.len()).filter(|v| !kernel.params.contains(v)).collect();
    let mut splitter = crate::common::regions::Splitter::new(f.vars.clone(), reg(0), reg(1), reg(2), [reg(6), reg(7), reg(8)], kernel.name.clone(), source.clone());
    // Block index and dimensions, the shared arrays, and scalar arguments never rebound are
    // the same in every thread of a block; so are locals computed only from them.
    let mut assigned = std::collections::HashSet::new();
    crate::common::privatize::assigned_vars(&f.body, &mut assigned);
    let mut inputs: std::collections::HashSet<VarId> = (3..12).map(reg).collect();
    inputs.insert(dynamic_bytes);
    inputs.extend(shared_vars.iter().copied());
    inputs.extend(kernel.params.iter().copied().filter(|p| kernel.vars[*p].ty.scalar().is_some() && !assigned.contains(p)));
    let block_uniform = crate::common::uniform::block_uniform_vars(&f.body, &inputs, &locals);
    let locals: Vec<VarId> = locals.into_iter().filter(|v| !block_uniform.contains(v)).collect();
    splitter.block_uniform = block_uniform.union(&inputs).copied().collect();
    let block = crate::common::regions::split(&f, &mut splitter, shared_init, params, locals)?;
    Ok(Lowered { block: over_block_range(block), thread: None, private: None })
}

struct Rewriter<'a> {
    first_reg: VarId,
    shared: &'a mut Vec<(Vec<i64>, Type)>,
    vars: &'a mut Vec<Var>,
    params: Vec<VarId>,
}

impl Rewriter<'_> {
    fn reg(&self, k: usize, span: Span) -> Expr {
        Expr::new(ExprKind::Var(self.first_reg + k), I64, span)
    }

    fn block(&mut self, b: &mut Block) -> Result<(), Diagnostic> {
        for s in b.iter_mut() {
            self.stmt(s)?;
        }
        Ok(())
    }

    fn stmt(&mut self, s: &mut Stmt) -> Result<(), Diagnostic> {
        match s {
            Stmt::Assign(_, e) | Stmt::Eval(e) | Stmt::Return(e) => self.expr(e),
            Stmt::Store { array, indices, value, .. } => {
                self.expr(array)?;
                for i in indices {
                    self.expr(i)?;
                }
                self.expr(value)
            }
            Stmt::If { cond, then_body, else_body } => {
                self.expr(cond)?;
                self.block(then_body)?;
                self.block(else_body)
            }
            Stmt::While { cond, body, orelse } => {
                self.expr(cond)?;
                self.block(body)?;
                self.block(orelse)
            }
            Stmt::ForRange { start, stop, step, body, orelse, .. } => {
                self.expr(start)?;
                self.expr(stop)?;
                self.expr(step)?;
                self.block(body)?;
                self.block(orelse)
            }
            Stmt::Print(args) => args.iter_mut().try_for_each(|a| self.expr(a)),
            Stmt::MapInto { target, inputs, body } => {
                self.expr(target)?;
                inputs.iter_mut().try_for_each(|a| self.expr(a))?;
                self.expr(body)
            }
            Stmt::Break | Stmt::Continue | Stmt::Raise { .. } => Ok(()),
        }
    }

    fn expr(&mut self, e: &mut Expr) -> Result<(), Diagnostic> {
        let span = e.span;
        // `int64(threadIdx.x)` (how cuda.grid and index arithmetic read registers) is the
        // int64 register itself: no truncation to int32 and back for LLVM to see through.
        if let ExprKind::Cast(inner) = &e.kind {
            if e.ty == I64 && matches!(inner.kind, ExprKind::GpuReg(_)) {
                let mut reg = (**inner).clone();
                self.expr(&mut reg)?;
                if let ExprKind::Cast(wide) = reg.kind {
                    *e = *wide;
                    return Ok(());
                }
            }
        }
        match &mut e.kind {
            ExprKind::GpuReg(r) => {
                let value = match *r {
                    GpuReg::ThreadIdx(a) => self.reg(a as usize, span),
                    GpuReg::BlockIdx(a) => self.reg(3 + a as usize, span),
                    GpuReg::BlockDim(a) => self.reg(6 + a as usize, span),
                    GpuReg::GridDim(a) => self.reg(9 + a as usize, span),
                    GpuReg::WarpSize => Expr::new(ExprKind::Int(32), I64, span),
                    GpuReg::LaneId => {
                        // (x + y*bdx + z*bdx*bdy) % 32, all non-negative.
                        let plane = Expr::new(ExprKind::Binary(BinOp::Mul, bx(self.reg(6, span)), bx(self.reg(7, span))), I64, span);
                        let zpart = Expr::new(ExprKind::Binary(BinOp::Mul, bx(self.reg(2, span)), bx(plane)), I64, span);
                        let ypart = Expr::new(ExprKind::Binary(BinOp::Mul, bx(self.reg(1, span)), bx(self.reg(6, span))), I64, span);
                        let sum = Expr::new(ExprKind::Binary(BinOp::Add, bx(self.reg(0, span)), bx(ypart)), I64, span);
                        let linear = Expr::new(ExprKind::Binary(BinOp::Add, bx(sum), bx(zpart)), I64, span);
                        Expr::new(ExprKind::Binary(BinOp::BitAnd, bx(linear), bx(Expr::new(ExprKind::Int(31), I64, span))), I64, span)
                    }
                };
                *e = Expr::new(ExprKind::Cast(bx(value)), Type::Scalar(Scalar::I32), span);
                Ok(())
            }
            // Barriers stay: the region splitter cuts the kernel at them.
            ExprKind::Barrier => Ok(()),
            ExprKind::SharedArray(dims) => {
                let Type::Array(a) = &e.ty else { unreachable!("shared array type") };
                let ty = Type::Array(ArrayType { layout: Layout::C, ..a.clone() });
                let v = self.vars.len();
                self.vars.push(Var { name: format!("$shared{}", self.shared.len()), ty: ty.clone() });
                self.shared.push((dims.clone(), ty.clone()));
                self.params.push(v);
                *e = Expr::new(ExprKind::Var(v), ty, span);
                Ok(())
            }
            ExprKind::Block(stmts, value) => {
                self.block(stmts)?;
                self.expr(value)
            }
            _ => {
                for child in e.children_mut() {
                    self.expr(child)?;
                }
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::common::diagnostic::SourceFile;
    use crate::common::infer::{infer_function, Host, InferOptions};
    use crate::common::resolve::{GlobalValue, Globals};
    use crate::common::types::{ArrayType, Layout, Scalar};

    struct NoCalls;

    impl Host for NoCalls {
        fn call_dispatcher(&mut self, _: usize, _: &[Type]) -> Result<(String, Type), Diagnostic> {
            Err(Diagnostic::internal("no calls in these kernels"))
        }
        fn dispatcher_params(&mut self, _: usize) -> Result<(Vec<String>, Vec<GlobalValue>), Diagnostic> {
            Err(Diagnostic::internal("no calls in these kernels"))
        }
        fn module_attribute(&mut self, _: &str, _: &str) -> Result<Option<GlobalValue>, Diagnostic> {
            Ok(None)
        }
        fn resolve_overload(&mut self, _: usize, _: &[Type], _: &[(String, Type)]) -> Result<Option<usize>, Diagnostic> {
            Ok(None)
        }
        fn resolve_method(&mut self, _: &str, _: &[Type], _: &[(String, Type)]) -> Result<Option<usize>, Diagnostic> {
            Ok(None)
        }
    }

    fn kernel(text: &str) -> Function {
        let src = SourceFile { filename: "<test>".into(), text: text.into(), line_offset: 0, col_offset: 0 };
        let parsed = crate::common::parse::parse_function(&src, "k").expect("parses");
        let mut globals = Globals::new();
        globals.insert("cuda".into(), GlobalValue::Module("cuda".into()));
        globals.insert("float64".into(), GlobalValue::DType("float64".into()));
        let a = Type::Array(ArrayType { dtype: Scalar::F64, ndim: 1, layout: Layout::C, readonly: false });
        infer_function(&parsed, &[a], &globals, "k".into(), &InferOptions { self_symbol: None }, &mut NoCalls).expect("types")
    }

    #[test]
    fn barrier_free_kernels_become_a_block_range_and_a_thread_function() {
        let k = kernel("def k(a):\n    i = cuda.grid(1)\n    if i < a.size:\n        a[i] = i\n");
        let lowered = to_host(&k, &SourceFile::default()).expect("lowers");
        let thread = lowered.thread.expect("a thread function");
        assert_eq!(lowered.block.params.len(), BLOCK_PARAMS + 1);
        assert_eq!(thread.params.len(), 1 + REGISTERS.len());
        assert!(lowered.block.per_thread.is_none());
        assert!(crate::common::verify::find_unknown(&lowered.block).is_none());
    }

    #[test]
    fn kernels_with_barriers_are_split_with_per_thread_locals() {
        let k = kernel(
            "def k(a):\n    s = cuda.shared.array(32, float64)\n    t = cuda.threadIdx.x\n    s[t] = a[t]\n    cuda.syncthreads()\n    a[t] = s[31 - t]\n",
        );
        let lowered = to_host(&k, &SourceFile::default()).expect("lowers");
        assert!(lowered.thread.is_none());
        let per_thread = lowered.block.per_thread.as_ref().expect("per-thread variables");
        let names: Vec<&str> = per_thread.vars.iter().map(|&v| lowered.block.vars[v].name.as_str()).collect();
        assert!(names.contains(&"t"), "{names:?}");
        let text = lowered.block.to_string();
        assert!(!text.contains("syncthreads"), "barriers become region boundaries:\n{text}");
    }

    #[test]
    fn block_uniform_locals_are_kept_once_per_block() {
        let k = kernel(
            "def k(a):\n    t = cuda.threadIdx.x\n    n = cuda.blockDim.x // 2\n    while n > 0:\n        if t < n:\n            a[t] += a[t + n]\n        cuda.syncthreads()\n        n //= 2\n",
        );
        let lowered = to_host(&k, &SourceFile::default()).expect("lowers");
        let per_thread = lowered.block.per_thread.as_ref().expect("per-thread variables");
        let names: Vec<&str> = per_thread.vars.iter().map(|&v| lowered.block.vars[v].name.as_str()).collect();
        assert!(names.contains(&"t") && !names.contains(&"n"), "{names:?}");
        // No agreement check on a condition every thread computes the same way.
        let text = lowered.block.to_string();
        assert!(!text.contains("RuntimeError"), "{text}");
    }

    #[test]
    fn kernels_cannot_return_values() {
        let k = kernel("def k(a):\n    return a[0]\n");
        assert!(to_host(&k, &SourceFile::default()).is_err());
    }
}
