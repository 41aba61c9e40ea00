//! Block-uniform variables of a kernel with barriers: those every thread of a block holds
//! the same value in (`s = TPB // 2; while s > 0: ...; s //= 2`). The region splitter keeps
//! them once per block instead of once per thread, assigns them once per block, and needs
//! no run-time agreement check for conditions made of them.
//!
//! A variable is uniform when each of its assignments sits where the splitter runs code once
//! per block (the kernel's top level, or inside control flow that contains a barrier, whose
//! condition all threads must agree on) and computes a uniform expression: constants, block
//! index and dimensions, scalar arguments the kernel never assigns, other uniform variables,
//! and arithmetic of those. The largest such set is found by starting from every candidate
//! and removing the ones an assignment disqualifies, until none does.

use crate::common::ir::{Block, Expr, ExprKind, Stmt, VarId};
use crate::common::regions::contains_barrier;
use std::collections::HashSet;

/// The uniform variables among `candidates`, given the `inputs` known to be uniform.
pub fn block_uniform_vars(body: &Block, inputs: &HashSet<VarId>, candidates: &[VarId]) -> HashSet<VarId> {
    let mut uniform: HashSet<VarId> = candidates.iter().copied().collect();
    loop {
        let mut known: HashSet<VarId> = uniform.union(inputs).copied().collect();
        let before = uniform.len();
        walk(body, true, &mut known, &mut uniform);
        if uniform.len() == before {
            return uniform;
        }
    }
}

/// Whether `e` has the same value in every thread of a block, given the uniform variables.
pub fn is_uniform(e: &Expr, uniform: &HashSet<VarId>) -> bool {
    let own = match &e.kind {
        ExprKind::Int(_) | ExprKind::Float(_) | ExprKind::Bool(_) | ExprKind::Complex(..) | ExprKind::NoneValue => true,
        ExprKind::Var(v) => uniform.contains(v),
        ExprKind::Cast(_)
        | ExprKind::Unary(..)
        | ExprKind::Binary(..)
        | ExprKind::Compare(..)
        | ExprKind::And(..)
        | ExprKind::Or(..)
        | ExprKind::Truth(_)
        | ExprKind::IfElse(..)
        | ExprKind::Tuple(_)
        | ExprKind::TupleGet(..)
        | ExprKind::ArrayShape(..)
        | ExprKind::ArraySize(_) => true,
        ExprKind::Math(name, _) => matches!(*name, "nonnegative" | "min" | "max" | "abs" | "iabs"),
        _ => false,
    };
    own && e.children().into_iter().all(|c| is_uniform(c, uniform))
}

fn disqualify(v: VarId, known: &mut HashSet<VarId>, uniform: &mut HashSet<VarId>) {
    uniform.remove(&v);
    known.remove(&v);
}

fn walk(b: &Block, at_block_level: bool, known: &mut HashSet<VarId>, uniform: &mut HashSet<VarId>) {
    for s in b {
        let with_barrier = at_block_level && contains_barrier(std::slice::from_ref(s));
        match s {
            Stmt::Assign(v, e) => {
                if !(at_block_level && is_uniform(e, known)) {
                    disqualify(*v, known, uniform);
                }
                blocks_in(e, known, uniform);
            }
            Stmt::If { cond, then_body, else_body } => {
                blocks_in(cond, known, uniform);
                walk(then_body, with_barrier, known, uniform);
                walk(else_body, with_barrier, known, uniform);
            }
            Stmt::While { cond, body, orelse } => {
                blocks_in(cond, known, uniform);
                walk(body, with_barrier, known, uniform);
                walk(orelse, with_barrier, known, uniform);
            }
            Stmt::ForRange { var, start, stop, step, body, orelse } => {
                if !(with_barrier && [start, stop, step].iter().all(|e| is_uniform(e, known))) {
                    disqualify(*var, known, uniform);
                }
                walk(body, with_barrier, known, uniform);
                walk(orelse, with_barrier, known, uniform);
            }
            Stmt::Eval(e) | Stmt::Return(e) => blocks_in(e, known, uniform),
            Stmt::Store { array, indices, value, .. } => {
                for e in std::iter::once(array).chain(indices).chain(std::iter::once(value)) {
                    blocks_in(e, known, uniform);
                }
            }
            Stmt::Print(items) => items.iter().for_each(|e| blocks_in(e, known, uniform)),
            Stmt::MapInto { target, inputs, body } => {
                for e in std::iter::once(target).chain(inputs).chain(std::iter::once(body)) {
                    blocks_in(e, known, uniform);
                }
            }
            Stmt::Break | Stmt::Continue | Stmt::Raise { .. } => {}
        }
    }
}

/// Statements inside expressions run per thread: what they assign is not uniform.
fn blocks_in(e: &Expr, known: &mut HashSet<VarId>, uniform: &mut HashSet<VarId>) {
    if let ExprKind::Block(stmts, _) = &e.kind {
        walk(stmts, false, known, uniform);
    }
    for c in e.children() {
        blocks_in(c, known, uniform);
    }
}
