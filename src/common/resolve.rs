//! Name resolution: which names a function reads from outside itself, and what those
//! names are frozen to at compile time (as Numba does, globals and closure variables are
//! constants of the compiled code).
//!
//! The values are plain Rust data, described by the Python layer; the front end never
//! touches Python objects.

use rustpython_parser::ast::{self, Expr, Stmt};
use std::collections::{BTreeSet, HashMap};

#[derive(Clone, Debug, PartialEq)]
pub enum GlobalValue {
    Int(i64),
    Float(f64),
    Bool(bool),
    Complex(f64, f64),
    NoneValue,
    Str(String),
    Tuple(Vec<GlobalValue>),
    /// A module ferrumba knows: `math`, `cmath`, `numpy`, ...
    Module(String),
    /// A function ferrumba implements natively, by dotted path (`math.sqrt`, `builtins.abs`).
    Function(String),
    /// A NumPy scalar type used as a value (`np.float32`): a conversion function and a dtype.
    DType(String),
    /// Another jitted function, by its index in the dispatcher registry.
    Dispatcher(usize),
    /// A function with `@overload` implementations, by registry key.
    Overload(usize),
    /// A builtin exception class, by name.
    ExceptionClass(String),
    /// A NumPy array, frozen: dtype name, shape, and its elements in C order.
    Array(String, Vec<i64>, std::sync::Arc<Vec<u8>>),
    /// Something ferrumba cannot freeze; the string names its Python type for the error.
    Unsupported(String),
}

pub type Globals = HashMap<String, GlobalValue>;

/// The names a function body reads that it never binds itself, in order of first use.
pub fn free_names(params: &[String], body: &[Stmt]) -> Vec<String> {
    let mut bound: BTreeSet<String> = params.iter().cloned().collect();
    for s in body {
        collect_bound(s, &mut bound);
    }
    let mut used = Vec::new();
    for s in body {
        visit_stmt(s, &mut |name| {
            if !bound.contains(name) && !used.iter().any(|u: &String| u == name) {
                used.push(name.to_string());
            }
        });
    }
    used
}

pub fn free_names_expr(params: &[String], body: &Expr) -> Vec<String> {
    let mut used = Vec::new();
    visit_expr(body, &mut |name| {
        if !params.iter().any(|p| p == name) && !used.iter().any(|u: &String| u == name) {
            used.push(name.to_string());
        }
    });
    used
}

/// Every name a block of statements assigns (at any depth), loop targets included.
pub fn assigned_names(body: &[Stmt]) -> BTreeSet<String> {
    let mut bound = BTreeSet::new();
    for s in body {
        collect_bound(s, &mut bound);
    }
    bound
}

/// The names an assignment target binds.
pub fn target_names(e: &Expr) -> BTreeSet<String> {
    let mut bound = BTreeSet::new();
    collect_target(e, &mut bound);
    bound
}

fn collect_target(e: &Expr, bound: &mut BTreeSet<String>) {
    match e {
        Expr::Name(n) => {
            bound.insert(n.id.to_string());
        }
        Expr::Tuple(t) => t.elts.iter().for_each(|x| collect_target(x, bound)),
        Expr::List(t) => t.elts.iter().for_each(|x| collect_target(x, bound)),
        Expr::Starred(s) => collect_target(&s.value, bound),
        _ => {}
    }
}

fn collect_bound(s: &Stmt, bound: &mut BTreeSet<String>) {
    match s {
        Stmt::Assign(a) => a.targets.iter().for_each(|t| collect_target(t, bound)),
        Stmt::AnnAssign(a) => collect_target(&a.target, bound),
        Stmt::AugAssign(a) => collect_target(&a.target, bound),
        Stmt::For(f) => {
            collect_target(&f.target, bound);
            f.body.iter().chain(&f.orelse).for_each(|x| collect_bound(x, bound));
        }
        Stmt::While(w) => w.body.iter().chain(&w.orelse).for_each(|x| collect_bound(x, bound)),
        Stmt::If(i) => i.body.iter().chain(&i.orelse).for_each(|x| collect_bound(x, bound)),
        Stmt::FunctionDef(f) => {
            bound.insert(f.name.to_string());
        }
        Stmt::Import(i) => i.names.iter().for_each(|a| {
            let name = a.asname.as_ref().unwrap_or(&a.name).to_string();
            bound.insert(name.split('.').next().unwrap_or_default().to_string());
        }),
        Stmt::ImportFrom(i) => i.names.iter().for_each(|a| {
            bound.insert(a.asname.as_ref().unwrap_or(&a.name).to_string());
        }),
        Stmt::Try(t) => t.body.iter().chain(&t.orelse).chain(&t.finalbody).for_each(|x| collect_bound(x, bound)),
        Stmt::With(w) => w.body.iter().for_each(|x| collect_bound(x, bound)),
        _ => {}
    }
}

fn visit_stmt(s: &Stmt, f: &mut dyn FnMut(&str)) {
    let ve = |e: &Expr, f: &mut dyn FnMut(&str)| visit_expr(e, f);
    match s {
        Stmt::Assign(a) => {
            ve(&a.value, f);
            a.targets.iter().for_each(|t| visit_target(t, f));
        }
        Stmt::AnnAssign(a) => {
            if let Some(v) = &a.value {
                ve(v, f);
            }
            visit_target(&a.target, f);
        }
        Stmt::AugAssign(a) => {
            ve(&a.value, f);
            ve(&a.target, f);
        }
        Stmt::Expr(e) => ve(&e.value, f),
        Stmt::Return(r) => {
            if let Some(v) = &r.value {
                ve(v, f);
            }
        }
        Stmt::If(i) => {
            ve(&i.test, f);
            i.body.iter().chain(&i.orelse).for_each(|x| visit_stmt(x, f));
        }
        Stmt::While(w) => {
            ve(&w.test, f);
            w.body.iter().chain(&w.orelse).for_each(|x| visit_stmt(x, f));
        }
        Stmt::For(l) => {
            ve(&l.iter, f);
            visit_target(&l.target, f);
            l.body.iter().chain(&l.orelse).for_each(|x| visit_stmt(x, f));
        }
        Stmt::Raise(r) => {
            if let Some(e) = &r.exc {
                ve(e, f);
            }
        }
        Stmt::Assert(a) => {
            ve(&a.test, f);
            if let Some(m) = &a.msg {
                ve(m, f);
            }
        }
        _ => {}
    }
}

/// Subscript targets read the container (`a[i] = v` reads `a` and `i`).
fn visit_target(e: &Expr, f: &mut dyn FnMut(&str)) {
    match e {
        Expr::Name(_) => {}
        Expr::Tuple(t) => t.elts.iter().for_each(|x| visit_target(x, f)),
        Expr::List(t) => t.elts.iter().for_each(|x| visit_target(x, f)),
        other => visit_expr(other, f),
    }
}

fn visit_expr(e: &Expr, f: &mut dyn FnMut(&str)) {
    match e {
        Expr::Name(n) => f(n.id.as_str()),
        Expr::BoolOp(b) => b.values.iter().for_each(|x| visit_expr(x, f)),
        Expr::NamedExpr(n) => visit_expr(&n.value, f),
        Expr::BinOp(b) => {
            visit_expr(&b.left, f);
            visit_expr(&b.right, f);
        }
        Expr::UnaryOp(u) => visit_expr(&u.operand, f),
        Expr::IfExp(i) => {
            visit_expr(&i.test, f);
            visit_expr(&i.body, f);
            visit_expr(&i.orelse, f);
        }
        Expr::Compare(c) => {
            visit_expr(&c.left, f);
            c.comparators.iter().for_each(|x| visit_expr(x, f));
        }
        Expr::Call(c) => {
            visit_expr(&c.func, f);
            c.args.iter().for_each(|x| visit_expr(x, f));
            c.keywords.iter().for_each(|k| visit_expr(&k.value, f));
        }
        Expr::Attribute(a) => visit_expr(&a.value, f),
        Expr::Subscript(s) => {
            visit_expr(&s.value, f);
            visit_expr(&s.slice, f);
        }
        Expr::Starred(s) => visit_expr(&s.value, f),
        Expr::List(l) => l.elts.iter().for_each(|x| visit_expr(x, f)),
        Expr::ListComp(lc) => {
            // The comprehension's own targets are not free names.
            let mut targets = BTreeSet::new();
            lc.generators.iter().for_each(|g| collect_target(&g.target, &mut targets));
            let mut outside = |name: &str| {
                if !targets.contains(name) {
                    f(name)
                }
            };
            visit_expr(&lc.elt, &mut outside);
            for g in &lc.generators {
                visit_expr(&g.iter, &mut outside);
                g.ifs.iter().for_each(|x| visit_expr(x, &mut outside));
            }
        }
        Expr::Tuple(t) => t.elts.iter().for_each(|x| visit_expr(x, f)),
        Expr::Slice(s) => {
            for x in [&s.lower, &s.upper, &s.step].into_iter().flatten() {
                visit_expr(x, f);
            }
        }
        _ => {}
    }
}

/// Dotted attribute paths such as `np.linalg.norm`, as `["np", "linalg", "norm"]`.
pub fn dotted_path(e: &Expr) -> Option<Vec<String>> {
    match e {
        Expr::Name(n) => Some(vec![n.id.to_string()]),
        Expr::Attribute(a) => {
            let mut p = dotted_path(&a.value)?;
            p.push(a.attr.to_string());
            Some(p)
        }
        _ => None,
    }
}

pub fn is_name(e: &Expr, name: &str) -> bool {
    matches!(e, Expr::Name(ast::ExprName { id, .. }) if id.as_str() == name)
}
