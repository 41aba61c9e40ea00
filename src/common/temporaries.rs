//! Arrays a loop iteration allocates and drops are freed when the next iteration starts.
//!
//! Compiled code records every allocation in the calling thread's arena, released when the
//! top-level call returns (see `cpu/memory.rs`). A loop that makes a temporary array per
//! iteration would hold all of them until then; this pass marks the arena before such a
//! loop and releases everything above the mark at the start of each iteration and after
//! the loop, when it can prove that no array made in an iteration outlives it:
//! - every variable the body assigns an array (or a tuple holding one) is mentioned nowhere
//!   outside the body, and each iteration assigns it before reading it;
//! - the body returns no array.
//! Arrays only reach other places through variables, returns and lists; a list takes its
//! own reference to an array or list stored into it, so the release cannot free those, and
//! the two rules cover every other way out. Lists count as arrays here. Loops with an
//! `else` are left alone.

use crate::common::diagnostic::Span;
use crate::common::ir::{Block, Expr, ExprKind, Function, Stmt, Var, VarId};
use crate::common::types::{Type, I64};
use std::collections::HashSet;

/// The functions of a unit (the first calls the others), with per-iteration releases
/// around every loop that allocates and allows them; None where nothing changes.
pub fn release_per_iteration(funcs: &[&Function]) -> Vec<Option<Function>> {
    let allocating = allocating_functions(funcs);
    let known: HashSet<String> = funcs.iter().map(|f| f.symbol.clone()).collect();
    let calls_allocating = |s: &str| allocating.contains(s) || !known.contains(s);
    funcs
        .iter()
        .map(|f| {
            let mut out = (*f).clone();
            let mut body = std::mem::take(&mut out.body);
            let mut changed = false;
            rewrite(&mut body, f, &mut out.vars, &calls_allocating, &mut changed);
            out.body = body;
            changed.then_some(out)
        })
        .collect()
}

/// Symbols of the functions that may allocate an array, directly or through a call (a
/// call outside the unit counts as allocating).
fn allocating_functions(funcs: &[&Function]) -> HashSet<String> {
    let known: HashSet<&str> = funcs.iter().map(|f| f.symbol.as_str()).collect();
    let mut allocating: HashSet<String> = HashSet::new();
    loop {
        let before = allocating.len();
        for f in funcs {
            if !allocating.contains(&f.symbol) && body_allocates(&f.body, &|s: &str| !known.contains(s) || allocating.contains(s)) {
                allocating.insert(f.symbol.clone());
            }
        }
        if allocating.len() == before {
            return allocating;
        }
    }
}

fn body_allocates(b: &[Stmt], calls_allocating: &dyn Fn(&str) -> bool) -> bool {
    let mut found = false;
    walk_stmts(b, &mut |s| found |= s.exprs().into_iter().any(|e| allocates(e, calls_allocating)));
    found
}

fn allocates(e: &Expr, calls_allocating: &dyn Fn(&str) -> bool) -> bool {
    let own = match &e.kind {
        ExprKind::ArrayEmpty(_) | ExprKind::Map { .. } => true,
        ExprKind::Call(symbol, _) => match symbol.as_str() {
            // The IR's own operations: only these make a new list; a growing list
            // reallocates its item buffer, which the list (not the arena) owns.
            "list.build" | "list.slice" | "list.concat" | "list.repeat" => true,
            "range" | "range.len" | "range.item" | "list.len" | "list.get" | "list.set" | "list.append" | "list.insert" | "list.pop"
            | "list.clear" | "list.extend" | "list.delete" | "list.set_slice" | "list.delete_slice" => false,
            other => calls_allocating(other),
        },
        ExprKind::Math(..) => holds_array(&e.ty),
        _ => false,
    };
    own || e.children().into_iter().any(|c| allocates(c, calls_allocating))
}

/// Whether a value of type `t` may refer to arena memory (an array or a list).
fn holds_array(t: &Type) -> bool {
    match t {
        Type::Array(_) | Type::List { .. } => true,
        Type::Tuple(items) => items.iter().any(holds_array),
        Type::Optional(inner) => holds_array(inner),
        _ => false,
    }
}

fn rewrite(b: &mut Block, f: &Function, vars: &mut Vec<Var>, allocating: &dyn Fn(&str) -> bool, changed: &mut bool) {
    let mut out = Vec::with_capacity(b.len());
    for mut s in std::mem::take(b) {
        match &mut s {
            Stmt::If { then_body, else_body, .. } => {
                rewrite(then_body, f, vars, allocating, changed);
                rewrite(else_body, f, vars, allocating, changed);
            }
            Stmt::While { body, orelse, .. } | Stmt::ForRange { body, orelse, .. } => {
                rewrite(body, f, vars, allocating, changed);
                rewrite(orelse, f, vars, allocating, changed);
            }
            _ => {}
        }
        let safe = match &s {
            // Only loops that allocate pay for the runtime calls (which also keep LLVM from
            // vectorizing the loop).
            Stmt::While { body, orelse, .. } | Stmt::ForRange { body, orelse, .. } => {
                orelse.is_empty() && body_allocates(body, allocating) && iteration_local(body, f, vars)
            }
            _ => false,
        };
        if !safe {
            out.push(s);
            continue;
        }
        let span = Span::default();
        let mark = vars.len();
        vars.push(Var { name: format!("$arena_mark{mark}"), ty: I64 });
        let mark_e = Expr::new(ExprKind::Var(mark), I64, span);
        let release = Stmt::Eval(Expr::new(ExprKind::Math("arena_release", vec![mark_e]), Type::NoneType, span));
        if let Stmt::While { body, .. } | Stmt::ForRange { body, .. } = &mut s {
            body.insert(0, release.clone());
        }
        out.push(Stmt::Assign(mark, Expr::new(ExprKind::Math("arena_mark", vec![]), I64, span)));
        out.push(s);
        out.push(release);
        *changed = true;
    }
    *b = out;
}

/// Whether nothing an iteration of `body` allocates can be reached once it ends. `vars` are
/// the function's variables so far (the original's and the marks of inner loops).
fn iteration_local(body: &Block, f: &Function, vars: &[Var]) -> bool {
    let mut assigned = vec![];
    let mut returns_array = false;
    walk_stmts(body, &mut |s| match s {
        Stmt::Assign(v, _) | Stmt::ForRange { var: v, .. } if holds_array(&vars[*v].ty) => assigned.push(*v),
        Stmt::Return(e) if holds_array(&e.ty) => returns_array = true,
        _ => {}
    });
    if returns_array {
        return false;
    }
    assigned.sort();
    assigned.dedup();
    assigned.iter().all(|&v| !f.params.contains(&v) && count_in(&f.body, v) == count_in(body, v) && defined_before_use(body, v))
}

/// In every run through `list`, `v` is assigned before it is read.
fn defined_before_use(list: &[Stmt], v: VarId) -> bool {
    let Some(first) = list.iter().position(|s| stmt_mentions(s, v)) else { return true };
    if let Stmt::Assign(w, e) = &list[first] {
        if *w == v && !mentions(e, v) {
            return true;
        }
    }
    if list[first + 1..].iter().any(|s| stmt_mentions(s, v)) {
        return false;
    }
    // Only this statement mentions v: it must define v before use inside each of its parts.
    match &list[first] {
        Stmt::If { cond, then_body, else_body } => !mentions(cond, v) && defined_before_use(then_body, v) && defined_before_use(else_body, v),
        Stmt::While { cond, body, orelse } => !mentions(cond, v) && defined_before_use(body, v) && defined_before_use(orelse, v),
        Stmt::ForRange { var, start, stop, step, body, orelse } => {
            *var != v && ![start, stop, step].iter().any(|e| mentions(e, v)) && defined_before_use(body, v) && defined_before_use(orelse, v)
        }
        // A front-end expansion (`Block` expression) that keeps v to itself.
        Stmt::Assign(w, e) if *w != v => block_local(e, v),
        Stmt::Eval(e) | Stmt::Return(e) => block_local(e, v),
        _ => false,
    }
}

/// `e` mentions v only inside one `Block` expression, which defines it before use.
fn block_local(e: &Expr, v: VarId) -> bool {
    if let ExprKind::Block(stmts, value) = &e.kind {
        let mut list = stmts.clone();
        list.push(Stmt::Eval((**value).clone()));
        return defined_before_use(&list, v);
    }
    if matches!(e.kind, ExprKind::Var(w) | ExprKind::ThreadSlot(w, _) if w == v) {
        return false;
    }
    let holders: Vec<&Expr> = e.children().into_iter().filter(|c| mentions(c, v)).collect();
    holders.len() == 1 && block_local(holders[0], v)
}

fn walk_stmts(b: &[Stmt], f: &mut dyn FnMut(&Stmt)) {
    for s in b {
        f(s);
        for inner in s.blocks() {
            walk_stmts(inner, f);
        }
        for e in s.exprs() {
            walk_blocks(e, f);
        }
    }
}

fn walk_blocks(e: &Expr, f: &mut dyn FnMut(&Stmt)) {
    if let ExprKind::Block(stmts, _) = &e.kind {
        walk_stmts(stmts, f);
    }
    for c in e.children() {
        walk_blocks(c, f);
    }
}

fn mentions(e: &Expr, v: VarId) -> bool {
    count_expr(e, v) > 0
}

fn stmt_mentions(s: &Stmt, v: VarId) -> bool {
    count_in(std::slice::from_ref(s), v) > 0
}

/// Mentions of v (reads and assignments) in a statement list, nested code included.
fn count_in(b: &[Stmt], v: VarId) -> usize {
    let mut n = 0;
    for s in b {
        if let Stmt::Assign(w, _) | Stmt::ForRange { var: w, .. } = s {
            n += usize::from(*w == v);
        }
        n += s.exprs().into_iter().map(|e| count_expr(e, v)).sum::<usize>();
        n += s.blocks().into_iter().map(|inner| count_in(inner, v)).sum::<usize>();
    }
    n
}

fn count_expr(e: &Expr, v: VarId) -> usize {
    let own = match &e.kind {
        ExprKind::Var(w) | ExprKind::ThreadSlot(w, _) => usize::from(*w == v),
        ExprKind::Block(stmts, _) => count_in(stmts, v),
        _ => 0,
    };
    own + e.children().into_iter().map(|c| count_expr(c, v)).sum::<usize>()
}
