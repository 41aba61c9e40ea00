//! Which arrays of a CUDA kernel the CPU target may update with plain read-modify-writes
//! instead of atomic instructions.
//!
//! On the CPU target the threads of one block run in order on one OS thread, so an atomic
//! only has to be atomic with respect to other OS threads. Two cases need no atomic
//! instruction at all:
//! - block-local memory: `cuda.shared.array` (one per block) and `cuda.local.array` (one per
//!   thread) are only ever touched by the OS thread running their block;
//! - a kernel array argument that the kernel uses *only* as the target of commutative
//!   atomics whose old value it ignores (`cuda.atomic.add(hist, bin, 1)`): nothing inside
//!   the kernel can observe its intermediate values, so the launcher may give every worker
//!   a private copy (starting at the operation's identity) and merge the copies into the
//!   array when the launch ends. This is the privatized histogram, done by the compiler.
//!   Its results equal the atomic version's (integer operations exactly; float sums up to
//!   the order of additions, which atomics leave unspecified too).

use crate::common::ir::{AtomicOp, Block, Expr, ExprKind, Function, Stmt, Var, VarId};
use crate::common::types::Type;
use std::collections::{HashMap, HashSet};

/// A kernel parameter the launcher may privatize: its position among the kernel's
/// parameters, and the operation that merges a worker's copy into the array (`Add` also
/// stands for `sub`, whose copy accumulates the negated amounts).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PrivateArray {
    pub param: usize,
    pub merge: AtomicOp,
}

/// Variables that only ever hold `cuda.shared.array` / `cuda.local.array` arrays.
pub fn block_local_arrays(f: &Function) -> Vec<VarId> {
    let mut sources: HashMap<VarId, Vec<Option<VarId>>> = HashMap::new();
    // None: a block-local array expression; Some(w): a copy of variable w; anything else
    // disqualifies the variable (recorded as a self-copy, which never resolves).
    fn visit(b: &Block, sources: &mut HashMap<VarId, Vec<Option<VarId>>>) {
        for s in b {
            match s {
                Stmt::Assign(v, e) => {
                    let src = match &e.kind {
                        ExprKind::SharedArray(_) | ExprKind::LocalArray(_) => None,
                        ExprKind::Var(w) => Some(*w),
                        _ => Some(*v),
                    };
                    sources.entry(*v).or_default().push(src);
                }
                Stmt::ForRange { var, .. } => sources.entry(*var).or_default().push(Some(*var)),
                _ => {}
            }
            for e in s.exprs() {
                visit_expr_blocks(e, &mut |b| visit(b, sources));
            }
            for b in s.blocks() {
                visit(b, sources);
            }
        }
    }
    visit(&f.body, &mut sources);
    let mut local: HashSet<VarId> = HashSet::new();
    loop {
        let before = local.len();
        for (v, srcs) in &sources {
            if !f.params.contains(v) && f.vars[*v].ty.array().is_some() && srcs.iter().all(|s| s.is_none_or(|w| w != *v && local.contains(&w))) {
                local.insert(*v);
            }
        }
        if local.len() == before {
            break;
        }
    }
    let mut out: Vec<VarId> = local.into_iter().collect();
    out.sort();
    out
}

fn visit_expr_blocks(e: &Expr, f: &mut dyn FnMut(&Block)) {
    if let ExprKind::Block(stmts, _) = &e.kind {
        f(stmts);
    }
    for c in e.children() {
        visit_expr_blocks(c, f);
    }
}

/// The kernel's array parameters that are used only as targets of commutative atomics
/// whose result is unused, all with one merge operation.
pub fn privatizable(f: &Function) -> Vec<PrivateArray> {
    let candidates: HashSet<VarId> = f.params.iter().copied().filter(|&p| f.vars[p].ty.array().is_some()).collect();
    let mut uses = Uses { candidates: &candidates, escaped: HashSet::new(), merges: HashMap::new() };
    uses.block(&f.body);
    let mut out = vec![];
    for (pos, p) in f.params.iter().enumerate() {
        if uses.escaped.contains(p) {
            continue;
        }
        let Some(ops) = uses.merges.get(p) else { continue };
        let first = ops[0];
        if first.is_some() && ops.iter().all(|m| *m == first) {
            out.push(PrivateArray { param: pos, merge: first.unwrap() });
        }
    }
    out
}

fn merge_op(op: AtomicOp) -> Option<AtomicOp> {
    match op {
        AtomicOp::Add | AtomicOp::Sub => Some(AtomicOp::Add),
        AtomicOp::Max | AtomicOp::Min | AtomicOp::And | AtomicOp::Or | AtomicOp::Xor => Some(op),
        // The stored value depends on the old one in a way a merge cannot replay.
        AtomicOp::Exch | AtomicOp::Cas | AtomicOp::Inc | AtomicOp::Dec => None,
    }
}

struct Uses<'a> {
    candidates: &'a HashSet<VarId>,
    escaped: HashSet<VarId>,
    merges: HashMap<VarId, Vec<Option<AtomicOp>>>,
}

impl Uses<'_> {
    fn block(&mut self, b: &Block) {
        for s in b {
            self.stmt(s);
        }
    }

    fn stmt(&mut self, s: &Stmt) {
        match s {
            Stmt::Eval(Expr { kind: ExprKind::Atomic(op, args), .. }) => match &args[0].kind {
                ExprKind::Var(v) if self.candidates.contains(v) => {
                    self.merges.entry(*v).or_default().push(merge_op(*op));
                    for a in &args[1..] {
                        self.expr(a);
                    }
                }
                _ => args.iter().for_each(|a| self.expr(a)),
            },
            other => {
                if let Stmt::Assign(v, _) | Stmt::ForRange { var: v, .. } = other {
                    self.escaped.insert(*v);
                }
                other.exprs().into_iter().for_each(|e| self.expr(e));
                other.blocks().into_iter().for_each(|b| self.block(b));
            }
        }
    }

    /// Any other mention of a candidate (a read, a store, a view, a call) disqualifies it.
    fn expr(&mut self, e: &Expr) {
        match &e.kind {
            ExprKind::Var(v) => {
                self.escaped.insert(*v);
            }
            ExprKind::Block(stmts, value) => {
                self.block(stmts);
                self.expr(value);
            }
            _ => e.children().into_iter().for_each(|c| self.expr(c)),
        }
    }
}

/// In the private variant of a barrier-free kernel, `cuda.atomic.add/sub` on a privatized
/// array at a block-uniform index (`partial[cuda.blockIdx.x]`) adds into a block-level
/// accumulator instead: LLVM keeps it in a register across the block's thread loop, and the
/// block adds it to the array once, at its end. Only valid on a private copy (nothing reads
/// the array while the kernel runs).
///
/// `private` are the privatized parameters and `uniform` the thread function's variables
/// that hold the same value for every thread of a block (block registers, scalar
/// parameters it never assigns); `block_params` maps the thread function's kernel
/// parameters to the block function's.
pub fn accumulate_per_block(block: &mut Function, thread: &mut Function, private: &[VarId], uniform: &HashSet<VarId>, block_params: &HashMap<VarId, VarId>) {
    let mut sites = vec![];
    let mut body = std::mem::take(&mut thread.body);
    rewrite_sites(&mut body, thread, private, uniform, &mut sites);
    thread.body = body;
    if sites.is_empty() {
        return;
    }
    let span = crate::common::diagnostic::Span::default();
    let var = |f: &Function, v: VarId| Expr::new(ExprKind::Var(v), f.vars[v].ty.clone(), span);
    let int = |n: i64| Expr::new(ExprKind::Int(n), crate::common::types::I64, span);
    let get = |f: &Function, a: VarId, k: i64| {
        let elem = Type::Scalar(f.vars[a].ty.array().expect("accumulator array").dtype);
        Expr::new(ExprKind::ArrayGet(Box::new(var(f, a)), vec![int(k)]), elem, span)
    };
    let mut init = vec![];
    let mut flush = vec![];
    let mut extra_args = vec![];
    for site in &sites {
        let acc = block.vars.len();
        block.vars.push(Var { name: format!("$blockacc{acc}"), ty: thread.vars[site.acc].ty.clone() });
        let meta = block.vars.len();
        block.vars.push(Var { name: format!("$blockaccmeta{meta}"), ty: thread.vars[site.meta].ty.clone() });
        let dtype = block.vars[acc].ty.array().expect("accumulator").dtype;
        let zero = if dtype.is_float() { Expr::new(ExprKind::Float(0.0), Type::Scalar(dtype), span) } else { Expr::new(ExprKind::Int(0), Type::Scalar(dtype), span) };
        init.push(Stmt::Assign(acc, Expr::new(ExprKind::LocalArray(vec![1]), block.vars[acc].ty.clone(), span)));
        init.push(Stmt::Assign(meta, Expr::new(ExprKind::LocalArray(vec![1 + site.ndim as i64]), block.vars[meta].ty.clone(), span)));
        init.push(Stmt::Store { array: var(block, acc), indices: vec![int(0)], value: zero, span });
        init.push(Stmt::Store { array: var(block, meta), indices: vec![int(0)], value: int(0), span });
        let target = block_params[&site.array];
        let mut args = vec![var(block, target)];
        args.extend((0..site.ndim as i64).map(|j| get(block, meta, 1 + j)));
        args.push(get(block, acc, 0));
        let touched = Expr::new(ExprKind::Compare(crate::common::ir::CmpOp::Ne, Box::new(get(block, meta, 0)), Box::new(int(0))), crate::common::types::BOOL, span);
        flush.push(Stmt::If {
            cond: touched,
            then_body: vec![Stmt::Eval(Expr::new(ExprKind::Atomic(AtomicOp::Add, args), Type::Scalar(dtype), span))],
            else_body: vec![],
        });
        if !block.plain_atomics.contains(&target) {
            block.plain_atomics.push(target);
        }
        extra_args.push(var(block, acc));
        extra_args.push(var(block, meta));
        thread.params.push(site.acc);
        thread.params.push(site.meta);
    }
    let thread_symbol = thread.symbol.clone();
    append_call_args(&mut block.body, &thread_symbol, &extra_args);
    // The block-range loop's body is one block: accumulators start there and end there.
    if let Some(Stmt::ForRange { body, .. }) = block.body.first_mut() {
        let registers = body.len().min(3);
        body.splice(registers..registers, init);
        body.extend(flush);
    }
}

struct Site {
    array: VarId,
    ndim: usize,
    acc: VarId,
    meta: VarId,
}

fn rewrite_sites(b: &mut Block, f: &mut Function, private: &[VarId], uniform: &HashSet<VarId>, sites: &mut Vec<Site>) {
    let span = crate::common::diagnostic::Span::default();
    let mut out = Vec::with_capacity(b.len());
    for mut s in std::mem::take(b) {
        match &mut s {
            Stmt::If { then_body, else_body, .. } => {
                rewrite_sites(then_body, f, private, uniform, sites);
                rewrite_sites(else_body, f, private, uniform, sites);
            }
            Stmt::While { body, orelse, .. } | Stmt::ForRange { body, orelse, .. } => {
                rewrite_sites(body, f, private, uniform, sites);
                rewrite_sites(orelse, f, private, uniform, sites);
            }
            Stmt::Eval(Expr { kind: ExprKind::Atomic(op @ (AtomicOp::Add | AtomicOp::Sub), args), span: at, .. }) => {
                let ndim = args[0].ty.array().map(|a| a.ndim as usize).unwrap_or(0);
                let on_private = matches!(args[0].kind, ExprKind::Var(v) if private.contains(&v));
                if on_private && args[1..1 + ndim].iter().all(|i| is_uniform(i, uniform)) {
                    let ExprKind::Var(array) = args[0].kind else { unreachable!() };
                    let dtype = args[0].ty.array().expect("array").dtype;
                    let acc_ty = Type::Array(crate::common::types::ArrayType { dtype, ndim: 1, layout: crate::common::types::Layout::C, readonly: false });
                    let meta_ty = Type::Array(crate::common::types::ArrayType { dtype: crate::common::types::Scalar::I64, ndim: 1, layout: crate::common::types::Layout::C, readonly: false });
                    let acc = f.vars.len();
                    f.vars.push(Var { name: format!("$acc{acc}"), ty: acc_ty.clone() });
                    let meta = f.vars.len();
                    f.vars.push(Var { name: format!("$accmeta{meta}"), ty: meta_ty.clone() });
                    let int = |n: i64| Expr::new(ExprKind::Int(n), crate::common::types::I64, *at);
                    let acc_e = Expr::new(ExprKind::Var(acc), acc_ty, *at);
                    let meta_e = Expr::new(ExprKind::Var(meta), meta_ty, *at);
                    let elem = Type::Scalar(dtype);
                    let old = Expr::new(ExprKind::ArrayGet(Box::new(acc_e.clone()), vec![int(0)]), elem.clone(), *at);
                    let binop = if *op == AtomicOp::Add { crate::common::ir::BinOp::Add } else { crate::common::ir::BinOp::Sub };
                    let value = args[1 + ndim].clone();
                    let new = Expr::new(ExprKind::Binary(binop, Box::new(old), Box::new(value)), elem, *at);
                    out.push(Stmt::Store { array: acc_e, indices: vec![int(0)], value: new, span });
                    out.push(Stmt::Store { array: meta_e.clone(), indices: vec![int(0)], value: int(1), span });
                    for (j, index) in args[1..1 + ndim].iter().enumerate() {
                        out.push(Stmt::Store { array: meta_e.clone(), indices: vec![int(1 + j as i64)], value: index.clone(), span });
                    }
                    sites.push(Site { array, ndim, acc, meta });
                    continue;
                }
            }
            _ => {}
        }
        out.push(s);
    }
    *b = out;
}

/// Whether every thread of a block computes the same value for `e`.
fn is_uniform(e: &Expr, uniform: &HashSet<VarId>) -> bool {
    let own = match &e.kind {
        ExprKind::Int(_) | ExprKind::Bool(_) | ExprKind::Float(_) => true,
        ExprKind::Var(v) => uniform.contains(v),
        ExprKind::Cast(_) | ExprKind::Unary(..) | ExprKind::Binary(..) | ExprKind::Compare(..) | ExprKind::IfElse(..) => true,
        ExprKind::Math(name, _) => matches!(*name, "nonnegative" | "min" | "max" | "abs"),
        _ => false,
    };
    own && e.children().into_iter().all(|c| is_uniform(c, uniform))
}

fn append_call_args(b: &mut Block, symbol: &str, extra: &[Expr]) {
    crate::common::ir::for_each_call_mut(b, &mut |callee, args| {
        if callee == symbol {
            args.extend(extra.iter().cloned());
        }
    });
}

/// Variables a function assigns anywhere (parameters it never assigns keep their value).
pub fn assigned_vars(b: &Block, out: &mut HashSet<VarId>) {
    for s in b {
        match s {
            Stmt::Assign(v, _) => {
                out.insert(*v);
            }
            Stmt::ForRange { var, .. } => {
                out.insert(*var);
            }
            _ => {}
        }
        for e in s.exprs() {
            visit_expr_blocks(e, &mut |inner| assigned_vars(inner, out));
        }
        for inner in s.blocks() {
            assigned_vars(inner, out);
        }
    }
}
