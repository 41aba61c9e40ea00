//! Checks of typed-IR invariants between stages. A failure here is a compiler bug (or an
//! inference that must be redone), never the user's error.

use crate::common::ir::{Block, Expr, ExprKind, Function, Stmt};
use crate::common::types::Type;

/// The first expression whose type is still unknown, shown in text form.
pub fn find_unknown(f: &Function) -> Option<String> {
    if f.ret.contains_unknown() {
        return Some(format!("return type of {}", f.name));
    }
    block_unknown(f, &f.body)
}

fn block_unknown(f: &Function, b: &Block) -> Option<String> {
    b.iter().find_map(|s| stmt_unknown(f, s))
}

fn stmt_unknown(f: &Function, s: &Stmt) -> Option<String> {
    match s {
        Stmt::Assign(_, e) | Stmt::Eval(e) | Stmt::Return(e) => expr_unknown(f, e),
        Stmt::Store { array, indices, value, .. } => {
            expr_unknown(f, array).or_else(|| indices.iter().find_map(|i| expr_unknown(f, i))).or_else(|| expr_unknown(f, value))
        }
        Stmt::If { cond, then_body, else_body } => {
            expr_unknown(f, cond).or_else(|| block_unknown(f, then_body)).or_else(|| block_unknown(f, else_body))
        }
        Stmt::While { cond, body, orelse } => expr_unknown(f, cond).or_else(|| block_unknown(f, body)).or_else(|| block_unknown(f, orelse)),
        Stmt::ForRange { start, stop, step, body, orelse, .. } => expr_unknown(f, start)
            .or_else(|| expr_unknown(f, stop))
            .or_else(|| expr_unknown(f, step))
            .or_else(|| block_unknown(f, body))
            .or_else(|| block_unknown(f, orelse)),
        Stmt::Print(args) => args.iter().find_map(|a| expr_unknown(f, a)),
        Stmt::MapInto { target, inputs, body } => {
            expr_unknown(f, target).or_else(|| inputs.iter().find_map(|a| expr_unknown(f, a))).or_else(|| expr_unknown(f, body))
        }
        Stmt::Break | Stmt::Continue | Stmt::Raise { .. } => None,
    }
}

fn expr_unknown(f: &Function, e: &Expr) -> Option<String> {
    if e.ty.contains_unknown() && !matches!(e.ty, Type::NoneType) {
        return Some(crate::common::ir::show(f, e));
    }
    let children: Vec<&Expr> = match &e.kind {
        ExprKind::Cast(x) | ExprKind::Unary(_, x) | ExprKind::Truth(x) | ExprKind::TupleGet(x, _) | ExprKind::ArrayShape(x, _) | ExprKind::ArraySize(x) | ExprKind::IsNone(x) | ExprKind::Unwrap(x) => vec![x],
        ExprKind::Binary(_, a, b) | ExprKind::Compare(_, a, b) | ExprKind::And(a, b) | ExprKind::Or(a, b) | ExprKind::TupleGetDyn(a, b) => vec![a, b],
        ExprKind::IfElse(c, a, b) => vec![c, a, b],
        ExprKind::Tuple(items) | ExprKind::Call(_, items) | ExprKind::Math(_, items) => items.iter().collect(),
        ExprKind::ArrayGet(a, idx) => std::iter::once(a.as_ref()).chain(idx.iter()).collect(),
        ExprKind::Block(stmts, value) => {
            if let Some(u) = block_unknown(f, stmts) {
                return Some(u);
            }
            vec![value]
        }
        ExprKind::ArrayEmpty(dims) => dims.iter().collect(),
        ExprKind::Reshape(a, dims) | ExprKind::Permute(a, dims) => std::iter::once(a.as_ref()).chain(dims.iter()).collect(),
        ExprKind::Transpose(a) | ExprKind::ExpandDims(a, _) | ExprKind::ComplexPart(a, _) => vec![a],
        ExprKind::Atomic(_, args) | ExprKind::Warp(_, args) => args.iter().collect(),
        ExprKind::ThreadSlot(_, t) => vec![t],
        ExprKind::ArrayView(a, items) => {
            let mut v = vec![a.as_ref()];
            for it in items {
                match it {
                    crate::common::ir::SliceItem::Index(i) => v.push(i),
                    crate::common::ir::SliceItem::Range(a, b, c) => v.extend([a, b, c].into_iter().flatten()),
                }
            }
            v
        }
        ExprKind::Map { inputs, body, shape } => {
            let mut v: Vec<&Expr> = inputs.iter().collect();
            v.push(body);
            if let Some(s) = shape {
                v.extend(s.iter());
            }
            v
        }
        _ => vec![],
    };
    children.into_iter().find_map(|c| expr_unknown(f, c))
}
