//! Barriers on the host: the region-splitting half of the work-item pass (the technique of
//! MCUDA and POCL).
//!
//! A kernel with `cuda.syncthreads()` becomes one block function. Its statements are cut at
//! every barrier into regions; each region runs as a loop over all threads of the block,
//! so every thread finishes a region before any starts the next, which is what the barrier
//! promises. Every local variable of the kernel keeps one value per thread (`per_thread`).
//! Control flow that contains a barrier must be the same for all threads of a block (CUDA
//! requires it): its condition or bounds are evaluated once, and a run-time check raises a
//! clear error when the threads disagree, instead of hanging or computing garbage.

use crate::common::diagnostic::{Diagnostic, SourceFile, Span};
use crate::common::ir::{Block, CmpOp, Expr, ExprKind, Function, PerThread, Stmt, UnaryOp, Var, VarId};
use crate::common::types::{Type, BOOL, I64};

fn bx(e: Expr) -> Box<Expr> {
    Box::new(e)
}

pub fn contains_barrier(b: &[Stmt]) -> bool {
    b.iter().any(stmt_has_barrier)
}

fn stmt_has_barrier(s: &Stmt) -> bool {
    match s {
        Stmt::Eval(Expr { kind: ExprKind::Barrier, .. }) | Stmt::Assign(_, Expr { kind: ExprKind::BarrierCount(_), .. }) => true,
        Stmt::If { then_body, else_body, .. } => contains_barrier(then_body) || contains_barrier(else_body),
        Stmt::While { body, orelse, .. } | Stmt::ForRange { body, orelse, .. } => contains_barrier(body) || contains_barrier(orelse),
        _ => false,
    }
}

/// Whether `s` leaves the loop around it (a `break`/`continue` not inside a nested loop).
fn exits_loop(s: &Stmt) -> bool {
    match s {
        Stmt::Break | Stmt::Continue => true,
        Stmt::If { then_body, else_body, .. } => then_body.iter().any(exits_loop) || else_body.iter().any(exits_loop),
        _ => false,
    }
}

pub struct Splitter {
    pub vars: Vec<Var>,
    /// Uniform (one per block) register variables.
    pub tx: VarId,
    pub ty: VarId,
    pub tz: VarId,
    pub tid: VarId,
    pub bdim: [VarId; 3],
    /// Set for a thread that has returned: it skips the rest of the kernel.
    pub done: VarId,
    pub kernel_name: String,
    /// For naming the line in run-time errors.
    source: SourceFile,
    uniform_count: usize,
    /// Variables with one value per block (see `uniform.rs`), with the block-uniform inputs:
    /// kept once, assigned once per block.
    pub block_uniform: std::collections::HashSet<VarId>,
}

impl Splitter {
    pub fn new(vars: Vec<Var>, tx: VarId, ty: VarId, tz: VarId, bdim: [VarId; 3], kernel_name: String, source: SourceFile) -> Splitter {
        let mut vars = vars;
        let tid = vars.len();
        vars.push(Var { name: "$tid".into(), ty: I64 });
        let done = vars.len();
        vars.push(Var { name: "$returned".into(), ty: BOOL });
        Splitter { vars, tx, ty, tz, tid, bdim, done, kernel_name, source, uniform_count: 0, block_uniform: Default::default() }
    }

    fn var(&self, v: VarId) -> Expr {
        Expr::new(ExprKind::Var(v), self.vars[v].ty.clone(), Span::default())
    }

    fn int(v: i64) -> Expr {
        Expr::new(ExprKind::Int(v), I64, Span::default())
    }

    fn uniform(&mut self, ty: Type) -> VarId {
        self.uniform_count += 1;
        self.vars.push(Var { name: format!("$uniform{}", self.uniform_count), ty });
        self.vars.len() - 1
    }

    /// `for tz, ty, tx in the block: $tid = ...; if not $returned: body`.
    pub fn thread_loop(&self, body: Block) -> Stmt {
        let mul = |a: Expr, b: Expr| Expr::new(ExprKind::Binary(crate::common::ir::BinOp::Mul, bx(a), bx(b)), I64, Span::default());
        let add = |a: Expr, b: Expr| Expr::new(ExprKind::Binary(crate::common::ir::BinOp::Add, bx(a), bx(b)), I64, Span::default());
        let linear = add(mul(add(mul(self.var(self.tz), self.var(self.bdim[1])), self.var(self.ty)), self.var(self.bdim[0])), self.var(self.tx));
        let not_done = Expr::new(ExprKind::Unary(UnaryOp::Not, bx(self.var(self.done))), BOOL, Span::default());
        let inner = vec![Stmt::Assign(self.tid, linear), Stmt::If { cond: not_done, then_body: body, else_body: vec![] }];
        let lp = |v: VarId, dim: VarId, body: Block| Stmt::ForRange {
            var: v,
            start: Self::int(0),
            stop: self.var(dim),
            step: Self::int(1),
            body,
            orelse: vec![],
        };
        lp(self.tz, self.bdim[2], vec![lp(self.ty, self.bdim[1], vec![lp(self.tx, self.bdim[0], inner)])])
    }

    /// Point the registers at thread 0, for evaluating a block-uniform value.
    fn at_thread_zero(&self) -> Vec<Stmt> {
        [self.tx, self.ty, self.tz, self.tid].iter().map(|&v| Stmt::Assign(v, Self::int(0))).collect()
    }

    /// Evaluate `e` once for the block (as thread 0 sees it) and check every thread agrees.
    fn uniform_value(&mut self, e: &Expr, what: &str, out: &mut Block) -> VarId {
        let u = self.uniform(e.ty.clone());
        if crate::common::uniform::is_uniform(e, &self.block_uniform) {
            // Every thread computes the same value: once per block, nothing to check.
            out.push(Stmt::Assign(u, e.clone()));
            return u;
        }
        out.extend(self.at_thread_zero());
        out.push(Stmt::Assign(u, e.clone()));
        let differs = Expr::new(ExprKind::Compare(CmpOp::Ne, bx(e.clone()), bx(self.var(u))), BOOL, e.span);
        let (line, _) = self.source.line_col(e.span.start);
        let message = format!(
            "in kernel '{}' ({}, line {line}): the threads of a block disagree on {what} around cuda.syncthreads(); every thread of a block must reach the same barriers",
            self.kernel_name, self.source.filename
        );
        out.push(self.thread_loop(vec![Stmt::If {
            cond: differs,
            then_body: vec![Stmt::Raise { class: "RuntimeError".into(), message: Some(message), span: e.span }],
            else_body: vec![],
        }]));
        u
    }

    /// The statements of a region list, with barriers turned into region boundaries.
    pub fn region(&mut self, stmts: &Block) -> Result<Block, Diagnostic> {
        let mut out = vec![];
        let mut run: Block = vec![];
        for s in stmts {
            if let Stmt::Assign(v, _) = s {
                if self.block_uniform.contains(v) {
                    if !run.is_empty() {
                        let body = self.early_returns(std::mem::take(&mut run))?;
                        out.push(self.thread_loop(body));
                    }
                    out.push(s.clone());
                    continue;
                }
            }
            if !stmt_has_barrier(s) && !exits_loop(s) && !matches!(s, Stmt::Return(_)) {
                run.push(s.clone());
                continue;
            }
            if !run.is_empty() {
                let body = self.early_returns(std::mem::take(&mut run))?;
                out.push(self.thread_loop(body));
            }
            match s {
                Stmt::Eval(Expr { kind: ExprKind::Barrier, .. }) => {}
                Stmt::Assign(result, Expr { kind: ExprKind::BarrierCount(pred), ty, span }) => {
                    // The threads count into a block-uniform variable in the loop before
                    // the barrier; each reads the total in the loop after it.
                    let acc = self.uniform(I64);
                    let add = Expr::new(ExprKind::Binary(crate::common::ir::BinOp::Add, bx(self.var(acc)), bx(Self::int(1))), I64, *span);
                    let mut before = std::mem::take(&mut run);
                    before.push(Stmt::If { cond: (**pred).clone(), then_body: vec![Stmt::Assign(acc, add)], else_body: vec![] });
                    out.push(Stmt::Assign(acc, Self::int(0)));
                    let body = self.early_returns(before)?;
                    out.push(self.thread_loop(body));
                    run.push(Stmt::Assign(*result, Expr::new(ExprKind::Cast(bx(self.var(acc))), ty.clone(), *span)));
                    continue;
                }
                Stmt::Break | Stmt::Continue => out.push(s.clone()),
                // A return every thread reaches ends the block: every thread is done.
                Stmt::Return(_) => {
                    let all_done = Stmt::Assign(self.done, Expr::new(ExprKind::Bool(true), BOOL, Span::default()));
                    out.push(self.thread_loop(vec![all_done]));
                }
                Stmt::If { cond, then_body, else_body } => {
                    let truth = if cond.ty == BOOL { cond.clone() } else { Expr::new(ExprKind::Truth(bx(cond.clone())), BOOL, cond.span) };
                    let u = self.uniform_value(&truth, "an if condition", &mut out);
                    let then_body = self.region(then_body)?;
                    let else_body = self.region(else_body)?;
                    out.push(Stmt::If { cond: self.var(u), then_body, else_body });
                }
                Stmt::ForRange { var, start, stop, step, body, orelse } => {
                    let lo = self.uniform_value(start, "a loop's start", &mut out);
                    let hi = self.uniform_value(stop, "a loop's end", &mut out);
                    let st = self.uniform_value(step, "a loop's step", &mut out);
                    let counter = self.uniform(I64);
                    let set_var = Stmt::Assign(*var, self.var(counter));
                    let mut inner = vec![if self.block_uniform.contains(var) { set_var } else { self.thread_loop(vec![set_var]) }];
                    inner.extend(self.region(body)?);
                    let orelse = self.region(orelse)?;
                    out.push(Stmt::ForRange { var: counter, start: self.var(lo), stop: self.var(hi), step: self.var(st), body: inner, orelse });
                }
                Stmt::While { cond, body, orelse } => {
                    if body.iter().any(|s| matches!(s, Stmt::Continue) || exits_loop(s) && !matches!(s, Stmt::Break)) {
                        return Err(Diagnostic::typing("unsupported", "continue in a while loop that contains cuda.syncthreads() is not supported on the CPU target", cond.span)
                            .with_hint("use a for loop over range(), or restructure without continue"));
                    }
                    let truth = if cond.ty == BOOL { cond.clone() } else { Expr::new(ExprKind::Truth(bx(cond.clone())), BOOL, cond.span) };
                    let u = self.uniform_value(&truth, "a while condition", &mut out);
                    let mut inner = self.region(body)?;
                    // Re-evaluate the condition at the end of each iteration.
                    let again = self.uniform_value(&truth, "a while condition", &mut inner);
                    inner.push(Stmt::Assign(u, self.var(again)));
                    let orelse = self.region(orelse)?;
                    out.push(Stmt::While { cond: self.var(u), body: inner, orelse });
                }
                other => out.push(other.clone()),
            }
        }
        if !run.is_empty() {
            let body = self.early_returns(run)?;
            out.push(self.thread_loop(body));
        }
        Ok(out)
    }

    /// Inside a thread loop a `return` ends only that thread: it sets the thread's
    /// `$returned` flag, and the statements after it run only for threads that did not
    /// return. Returns nested in loops are not supported here.
    fn early_returns(&self, run: Block) -> Result<Block, Diagnostic> {
        let mut out = vec![];
        let mut iter = run.into_iter();
        while let Some(s) = iter.next() {
            match s {
                Stmt::Return(_) => {
                    out.push(Stmt::Assign(self.done, Expr::new(ExprKind::Bool(true), BOOL, Span::default())));
                    return Ok(out);
                }
                Stmt::If { cond, then_body, else_body } if has_return(&then_body) || has_return(&else_body) => {
                    let then_body = self.early_returns(then_body)?;
                    let else_body = self.early_returns(else_body)?;
                    out.push(Stmt::If { cond, then_body, else_body });
                    let rest: Block = iter.collect();
                    if !rest.is_empty() {
                        let rest = self.early_returns(rest)?;
                        let alive = Expr::new(ExprKind::Unary(UnaryOp::Not, bx(self.var(self.done))), BOOL, Span::default());
                        out.push(Stmt::If { cond: alive, then_body: rest, else_body: vec![] });
                    }
                    return Ok(out);
                }
                Stmt::While { ref body, .. } | Stmt::ForRange { ref body, .. } if has_return(body) => {
                    return Err(Diagnostic::typing(
                        "unsupported",
                        "a return inside a loop of a kernel that uses cuda.syncthreads() is not supported on the CPU target",
                        Span::default(),
                    )
                    .with_hint("set a flag and break instead"));
                }
                other => out.push(other),
            }
        }
        Ok(out)
    }

    pub fn per_thread(&self, locals: Vec<VarId>) -> PerThread {
        let mut vars = locals;
        vars.push(self.done);
        PerThread { vars, tid: self.tid, max_threads: 1024 }
    }
}

fn has_return(b: &Block) -> bool {
    b.iter().any(|s| match s {
        Stmt::Return(_) => true,
        Stmt::If { then_body, else_body, .. } => has_return(then_body) || has_return(else_body),
        Stmt::While { body, .. } | Stmt::ForRange { body, .. } => has_return(body),
        _ => false,
    })
}

/// The block function of a kernel with barriers (see the module comment). `kernel` has
/// already had its registers rewritten to variables by the work-item pass.
pub fn split(kernel: &Function, splitter: &mut Splitter, shared_init: Block, params: Vec<VarId>, locals: Vec<VarId>) -> Result<Function, Diagnostic> {
    let mut body = shared_init;
    // Every thread starts not returned.
    let init_done = splitter.thread_loop(vec![Stmt::Assign(splitter.done, Expr::new(ExprKind::Bool(false), BOOL, Span::default()))]);
    body.push(strip_done_check(init_done));
    body.extend(splitter.region(&kernel.body)?);
    body.push(Stmt::Return(Expr::new(ExprKind::NoneValue, Type::NoneType, Span::default())));
    Ok(Function {
        name: kernel.name.clone(),
        symbol: format!("{}.block", kernel.symbol),
        params,
        vars: splitter.vars.clone(),
        ret: Type::NoneType,
        body,
        callees: kernel.callees.clone(),
        per_thread: Some(splitter.per_thread(locals)),
        plain_atomics: vec![],
    })
}

/// The initializing loop must not skip threads on the (not yet set) `$returned` flag.
fn strip_done_check(s: Stmt) -> Stmt {
    match s {
        Stmt::ForRange { var, start, stop, step, body, orelse } => {
            let body = body.into_iter().map(strip_done_check).collect();
            Stmt::ForRange { var, start, stop, step, body, orelse }
        }
        Stmt::If { then_body, .. } if then_body.len() == 1 && matches!(then_body[0], Stmt::Assign(..)) => then_body.into_iter().next().unwrap(),
        other => other,
    }
}

/// Warp intrinsics exchange values between threads, so on the host they are barriers:
/// `v = shfl_down_sync(mask, x, d)` becomes `$w = x; syncthreads(); v = <$w of the source
/// lane, or own $w when the source lane is outside the warp>`. `ballot`, `all`, `any` and
/// `eq` read the 32 lanes of the caller's warp the same way. Runs before the split.
/// Give every collective operation (`cuda.syncthreads_count(pred)`, warp intrinsics) a
/// statement of its own, `$c = <operation>`, just before the statement that used it (which
/// reads `$c` instead), so that the region splitter and the warp expansion find them at
/// statement level.
pub fn hoist_collectives(f: &mut Function) -> Result<(), Diagnostic> {
    let mut body = std::mem::take(&mut f.body);
    let result = hoist_block(f, &mut body);
    f.body = body;
    result
}

fn is_collective(e: &Expr) -> bool {
    matches!(e.kind, ExprKind::BarrierCount(_) | ExprKind::Warp(..))
}

fn hoist_block(f: &mut Function, b: &mut Block) -> Result<(), Diagnostic> {
    let mut out = Vec::with_capacity(b.len());
    for mut s in std::mem::take(b) {
        let mut pre = vec![];
        match &mut s {
            Stmt::If { cond, then_body, else_body } => {
                hoist_expr(f, cond, &mut pre);
                hoist_block(f, then_body)?;
                hoist_block(f, else_body)?;
            }
            Stmt::ForRange { start, stop, step, body, orelse, .. } => {
                for e in [start, stop, step] {
                    hoist_expr(f, e, &mut pre);
                }
                hoist_block(f, body)?;
                hoist_block(f, orelse)?;
            }
            Stmt::While { cond, body, orelse } => {
                let mut found = vec![];
                hoist_expr(f, &mut cond.clone(), &mut found);
                if !found.is_empty() {
                    return Err(Diagnostic::typing("unsupported", "on the CPU target a while condition cannot call cuda.syncthreads_count/and/or or a warp intrinsic", cond.span)
                        .with_hint("compute it into a variable before the loop and again at the end of the loop body"));
                }
                hoist_block(f, body)?;
                hoist_block(f, orelse)?;
            }
            // Already in statement form; only the operands may hold another one.
            Stmt::Assign(_, e) | Stmt::Eval(e) if is_collective(e) => {
                for c in e.children_mut() {
                    hoist_expr(f, c, &mut pre);
                }
            }
            Stmt::Assign(_, e) | Stmt::Eval(e) | Stmt::Return(e) => hoist_expr(f, e, &mut pre),
            Stmt::Store { array, indices, value, .. } => {
                hoist_expr(f, array, &mut pre);
                for i in indices {
                    hoist_expr(f, i, &mut pre);
                }
                hoist_expr(f, value, &mut pre);
            }
            Stmt::Print(items) => items.iter_mut().for_each(|e| hoist_expr(f, e, &mut pre)),
            _ => {}
        }
        out.extend(pre);
        out.push(s);
    }
    *b = out;
    Ok(())
}

fn hoist_expr(f: &mut Function, e: &mut Expr, pre: &mut Block) {
    for child in e.children_mut() {
        hoist_expr(f, child, pre);
    }
    if is_collective(e) {
        let c = f.vars.len();
        f.vars.push(Var { name: format!("$collective{c}"), ty: e.ty.clone() });
        let value = std::mem::replace(e, Expr::new(ExprKind::Var(c), e.ty.clone(), e.span));
        pre.push(Stmt::Assign(c, value));
    }
}

pub fn expand_warps(f: &mut Function) -> Result<(), Diagnostic> {
    let mut body = std::mem::take(&mut f.body);
    expand_block(f, &mut body)?;
    f.body = body;
    Ok(())
}

fn expand_block(f: &mut Function, b: &mut Block) -> Result<(), Diagnostic> {
    let mut out = Vec::with_capacity(b.len());
    for mut s in std::mem::take(b) {
        match &mut s {
            Stmt::If { then_body, else_body, .. } => {
                expand_block(f, then_body)?;
                expand_block(f, else_body)?;
            }
            Stmt::While { body, orelse, .. } | Stmt::ForRange { body, orelse, .. } => {
                expand_block(f, body)?;
                expand_block(f, orelse)?;
            }
            _ => {}
        }
        match s {
            Stmt::Eval(Expr { kind: ExprKind::Warp(crate::common::ir::WarpOp::SyncWarp, _), span, .. }) => {
                out.push(Stmt::Eval(Expr::new(ExprKind::Barrier, Type::NoneType, span)));
            }
            Stmt::Assign(v, Expr { kind: ExprKind::Warp(op, args), ty, span }) => out.extend(expand_one(f, v, op, args, ty, span)?),
            other => {
                if stmt_mentions_warp(&other) {
                    return Err(Diagnostic::typing(
                        "unsupported",
                        "on the CPU target a warp intrinsic must be assigned to a variable on its own (`v = cuda.shfl_down_sync(...)`)",
                        stmt_span(&other),
                    )
                    .with_hint("assign the intrinsic's result to a variable first"));
                }
                out.push(other);
            }
        }
    }
    *b = out;
    Ok(())
}

fn stmt_span(s: &Stmt) -> Span {
    match s {
        Stmt::Assign(_, e) | Stmt::Eval(e) | Stmt::Return(e) => e.span,
        Stmt::If { cond, .. } | Stmt::While { cond, .. } => cond.span,
        _ => Span::default(),
    }
}

fn stmt_mentions_warp(s: &Stmt) -> bool {
    fn expr(e: &Expr) -> bool {
        format!("{:?}", e.kind).contains("Warp(")
    }
    match s {
        Stmt::Assign(_, e) | Stmt::Eval(e) | Stmt::Return(e) => expr(e),
        Stmt::Store { array, indices, value, .. } => expr(array) || expr(value) || indices.iter().any(expr),
        Stmt::If { cond, .. } | Stmt::While { cond, .. } => expr(cond),
        Stmt::ForRange { start, stop, step, .. } => expr(start) || expr(stop) || expr(step),
        _ => false,
    }
}

fn expand_one(f: &mut Function, target: VarId, op: crate::common::ir::WarpOp, args: Vec<Expr>, ty: Type, span: Span) -> Result<Block, Diagnostic> {
    use crate::common::ir::{BinOp, GpuReg, WarpOp as W};
    let i64e = |v: i64| Expr::new(ExprKind::Int(v), I64, span);
    let reg = |r: GpuReg| Expr::new(ExprKind::Cast(bx(Expr::new(ExprKind::GpuReg(r), Type::Scalar(crate::common::types::Scalar::I32), span))), I64, span);
    let bin = |op: BinOp, a: Expr, b: Expr| Expr::new(ExprKind::Binary(op, bx(a), bx(b)), I64, span);
    let cmp = |op: CmpOp, a: Expr, b: Expr| Expr::new(ExprKind::Compare(op, bx(a), bx(b)), BOOL, span);
    let bdx = reg(GpuReg::BlockDim(0));
    let bdy = reg(GpuReg::BlockDim(1));
    let plane = bin(BinOp::Mul, bdx.clone(), bdy.clone());
    let tid = bin(
        BinOp::Add,
        bin(BinOp::Add, reg(GpuReg::ThreadIdx(0)), bin(BinOp::Mul, reg(GpuReg::ThreadIdx(1)), bdx)),
        bin(BinOp::Mul, reg(GpuReg::ThreadIdx(2)), plane.clone()),
    );
    let nthreads = bin(BinOp::Mul, plane, reg(GpuReg::BlockDim(2)));
    let lane = bin(BinOp::BitAnd, tid.clone(), i64e(31));
    let base = bin(BinOp::Sub, tid.clone(), lane.clone());
    if op == W::ActiveMask {
        // Lanes that exist: all 32 unless the block ends inside this warp.
        let live = Expr::new(ExprKind::Math("min", vec![bin(BinOp::Sub, nthreads, base), i64e(32)]), I64, span);
        let bits = bin(BinOp::Sub, bin(BinOp::LShift, i64e(1), live), i64e(1));
        return Ok(vec![Stmt::Assign(target, Expr::new(ExprKind::Cast(bx(bits)), ty, span))]);
    }
    let operand = args[1].clone();
    let w = f.vars.len();
    f.vars.push(Var { name: format!("$warp{w}"), ty: operand.ty.clone() });
    let mut out = vec![Stmt::Assign(w, operand), Stmt::Eval(Expr::new(ExprKind::Barrier, Type::NoneType, span))];
    let own = Expr::new(ExprKind::Var(w), f.vars[w].ty.clone(), span);
    let slot = |t: Expr, ty: &Type| Expr::new(ExprKind::ThreadSlot(w, bx(t)), ty.clone(), span);
    let value = match op {
        W::Shfl | W::ShflUp | W::ShflDown | W::ShflXor => {
            let arg = args[2].clone();
            let (src, in_warp) = match op {
                W::Shfl => {
                    let s = bin(BinOp::BitAnd, arg, i64e(31));
                    (s, Expr::new(ExprKind::Bool(true), BOOL, span))
                }
                W::ShflUp => {
                    let s = bin(BinOp::Sub, lane.clone(), arg);
                    (s.clone(), cmp(CmpOp::Ge, s, i64e(0)))
                }
                W::ShflDown => {
                    let s = bin(BinOp::Add, lane.clone(), arg);
                    (s.clone(), cmp(CmpOp::Lt, s, i64e(32)))
                }
                _ => {
                    let s = bin(BinOp::BitXor, lane.clone(), arg);
                    (s.clone(), cmp(CmpOp::Lt, s, i64e(32)))
                }
            };
            let target_tid = bin(BinOp::Add, base.clone(), src);
            let exists = cmp(CmpOp::Lt, target_tid.clone(), nthreads.clone());
            let ok = Expr::new(ExprKind::And(bx(in_warp), bx(exists)), BOOL, span);
            Expr::new(ExprKind::IfElse(bx(ok), bx(slot(target_tid, &ty)), bx(own)), ty.clone(), span)
        }
        W::Ballot | W::All | W::Any | W::Eq | W::MatchAny => {
            // acc over the warp's lanes, in a block expression with its own loop.
            let acc = f.vars.len();
            f.vars.push(Var { name: format!("$warpacc{acc}"), ty: I64 });
            let k = f.vars.len();
            f.vars.push(Var { name: format!("$lane{k}"), ty: I64 });
            let kth = bin(BinOp::Add, base.clone(), Expr::new(ExprKind::Var(k), I64, span));
            let exists = cmp(CmpOp::Lt, kth.clone(), nthreads.clone());
            let lane_value = slot(kth, &f.vars[w].ty);
            let hit = match op {
                W::Eq | W::MatchAny => Expr::new(ExprKind::Compare(CmpOp::Eq, bx(lane_value), bx(own.clone())), BOOL, span),
                _ => lane_value,
            };
            let acc_e = Expr::new(ExprKind::Var(acc), I64, span);
            let bit = bin(BinOp::LShift, i64e(1), Expr::new(ExprKind::Var(k), I64, span));
            let counted = bin(BinOp::BitOr, acc_e.clone(), bit);
            let cond = Expr::new(ExprKind::And(bx(exists.clone()), bx(hit)), BOOL, span);
            let present = bin(BinOp::BitOr, acc_e.clone(), bin(BinOp::LShift, i64e(1), Expr::new(ExprKind::Var(k), I64, span)));
            // Two masks: lanes that exist, and lanes where the predicate holds.
            let exist_mask = f.vars.len();
            f.vars.push(Var { name: format!("$warpmask{exist_mask}"), ty: I64 });
            let em = Expr::new(ExprKind::Var(exist_mask), I64, span);
            let body = vec![
                Stmt::If { cond, then_body: vec![Stmt::Assign(acc, counted)], else_body: vec![] },
                Stmt::If {
                    cond: exists,
                    then_body: vec![Stmt::Assign(exist_mask, bin(BinOp::BitOr, em.clone(), bin(BinOp::LShift, i64e(1), Expr::new(ExprKind::Var(k), I64, span))))],
                    else_body: vec![],
                },
            ];
            let _ = present;
            let stmts = vec![
                Stmt::Assign(acc, i64e(0)),
                Stmt::Assign(exist_mask, i64e(0)),
                Stmt::ForRange { var: k, start: i64e(0), stop: i64e(32), step: i64e(1), body, orelse: vec![] },
            ];
            let result = match op {
                W::Ballot | W::MatchAny => Expr::new(ExprKind::Cast(bx(acc_e)), ty.clone(), span),
                W::Any => Expr::new(ExprKind::Cast(bx(cmp(CmpOp::Ne, acc_e, i64e(0)))), ty.clone(), span),
                _ => Expr::new(ExprKind::Cast(bx(cmp(CmpOp::Eq, acc_e, em))), ty.clone(), span),
            };
            Expr::new(ExprKind::Block(stmts, bx(result)), ty.clone(), span)
        }
        W::ActiveMask | W::SyncWarp => unreachable!("handled above"),
    };
    out.push(Stmt::Assign(target, value));
    Ok(out)
}
