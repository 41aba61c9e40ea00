//! Type inference: walks a parsed function for one tuple of argument types and produces
//! the typed IR.
//!
//! Every local variable has one type for the whole function, the unification of every
//! value assigned to it (as Numba does). The walk is repeated until no variable's type
//! changes; the last walk, run with settled types, is the IR that is kept. A recursive
//! call whose return type is not known yet reads as `Unknown`, the bottom of the lattice,
//! so recursion with a base case settles like any loop.

use crate::common::diagnostic::{Diagnostic, Span};
use crate::common::ir::{Block, Expr, ExprKind, Function, Stmt, Var, VarId};
use crate::common::parse::{span_of, FunctionBody, ParsedFunction};
use crate::common::resolve::{GlobalValue, Globals};
use crate::common::types::{unify, Scalar, Type};
use rustpython_parser::ast::{self, Constant};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// What the front end needs from the rest of the compiler: typing calls to other jitted
/// functions (which may start their compilation).
pub trait Host {
    /// Infer the specialization of dispatcher `id` for `args`; returns its symbol and
    /// return type (`Unknown` while that specialization is still being inferred).
    fn call_dispatcher(&mut self, id: usize, args: &[Type]) -> Result<(String, Type), Diagnostic>;
    /// The current guess of an in-progress specialization's return type, published as it
    /// widens so that mutually recursive callees see it.
    fn publish_return(&mut self, _symbol: &str, _ret: &Type) {}
    /// Parameter names of dispatcher `id` and the frozen values of its trailing defaults,
    /// to bind keyword and default arguments at a call site.
    fn dispatcher_params(&mut self, id: usize) -> Result<(Vec<String>, Vec<GlobalValue>), Diagnostic>;
    /// The dispatcher implementing `@overload` function `key` for these argument types
    /// (keywords by name), or None when no implementation accepts them.
    fn resolve_overload(&mut self, key: usize, args: &[Type], kwargs: &[(String, Type)]) -> Result<Option<usize>, Diagnostic>;
    /// What `module.attr` is when ferrumba's own table does not know it (an `@overload`ed
    /// or `register_jitable` function, typically), or None.
    fn module_attribute(&mut self, module: &str, attr: &str) -> Result<Option<GlobalValue>, Diagnostic>;
    /// The dispatcher implementing method `name` of `args[0]` (`@overload_method`), or None.
    fn resolve_method(&mut self, name: &str, args: &[Type], kwargs: &[(String, Type)]) -> Result<Option<usize>, Diagnostic>;
}

/// A compile-time value: what a Python expression denotes before it is a run-time value.
#[derive(Clone, Debug)]
pub enum Value {
    Rt(Expr),
    Module(String),
    Func(String),
    Dispatcher(usize),
    /// A function implemented through `@overload`, by registry key.
    Overload(usize),
    DType(Scalar),
    ExcClass(String),
    Str(String),
    /// `range(start, stop, step)` not yet needed as a value.
    Range(Box<Expr>, Box<Expr>, Box<Expr>),
    Enumerate(Box<Value>, Box<Expr>),
    Zip(Vec<Value>),
    /// A method looked up on a run-time value, waiting to be called (`z.conjugate`).
    Method(Box<Expr>, String),
}

pub(crate) struct Typer<'a> {
    pub(crate) globals: &'a Globals,
    pub(crate) host: &'a mut dyn Host,
    pub(crate) vars: Vec<Var>,
    /// The current version of each name. A name gets a new version (a new variable) when
    /// it is rebound to a value of another type, as Numba's SSA form gives it; versions
    /// meet at the end of an `if` in a merged variable, and names assigned in a loop share
    /// one variable for the whole loop (their types unify). Reset at every walk.
    names: BTreeMap<String, VarId>,
    /// Versions by (name, ordinal), kept across walks so that types accumulate.
    version_ids: HashMap<(String, usize), VarId>,
    version_count: HashMap<String, usize>,
    /// Names assigned in the loops being walked, innermost last.
    loop_names: Vec<BTreeSet<String>>,
    params: Vec<(String, VarId)>,
    /// Where each variable was last assigned, to point at it when versions conflict.
    def_spans: HashMap<VarId, Span>,
    pub(crate) ret: Type,
    /// Set when a walk changed some variable's (or the return) type.
    changed: bool,
    pub(crate) callees: Vec<String>,
    pub(crate) loop_depth: usize,
    temp_count: usize,
    pub(crate) symbol: String,
    /// Typing the element operation of an array-array expression: NumPy's dtype rules.
    pub(crate) array_dtypes: bool,
    /// Where a NumPy scalar type made a number (`np.int64(3)`): a literal there is a
    /// typed NumPy scalar, not a weak Python number (NEP 50).
    pub(crate) strong_scalars: Vec<crate::common::diagnostic::Span>,
}

pub struct InferOptions {
    /// The symbol of the specialization being inferred, so that self-recursive calls
    /// read the return type as inferred so far.
    pub self_symbol: Option<String>,
}

/// Infer `parsed` for `arg_types`, giving the function the native `symbol`.
pub fn infer_function(
    parsed: &ParsedFunction,
    arg_types: &[Type],
    globals: &Globals,
    symbol: String,
    options: &InferOptions,
    host: &mut dyn Host,
) -> Result<Function, Diagnostic> {
    if parsed.params.len() != arg_types.len() {
        return Err(Diagnostic::internal(format!(
            "'{}' takes {} arguments but was specialized for {}",
            parsed.name,
            parsed.params.len(),
            arg_types.len()
        )));
    }
    let mut typer = Typer {
        globals,
        host,
        vars: vec![],
        names: BTreeMap::new(),
        version_ids: HashMap::new(),
        version_count: HashMap::new(),
        loop_names: vec![],
        params: vec![],
        def_spans: HashMap::new(),
        ret: Type::Unknown,
        changed: false,
        callees: vec![],
        loop_depth: 0,
        temp_count: 0,
        symbol: options.self_symbol.clone().unwrap_or_else(|| symbol.clone()),
        array_dtypes: false,
        strong_scalars: vec![],
    };
    for (name, ty) in parsed.params.iter().zip(arg_types) {
        let id = typer.vars.len();
        typer.vars.push(Var { name: name.clone(), ty: ty.clone() });
        typer.version_ids.insert((name.clone(), 0), id);
        typer.params.push((name.clone(), id));
    }
    let params: Vec<VarId> = (0..parsed.params.len()).collect();
    // Each walk either changes a type (monotonically, up a finite lattice) or is the last.
    for _round in 0..64 {
        typer.changed = false;
        typer.temp_count = 0;
        typer.names = typer.params.iter().cloned().collect();
        typer.version_count = typer.params.iter().map(|(n, _)| (n.clone(), 1)).collect();
        typer.loop_names.clear();
        typer.callees.clear();
        let walked = typer.walk_body(&parsed.body);
        if typer.changed {
            continue;
        }
        let body = walked?;
        if typer.ret.contains_unknown() {
            return Err(Diagnostic::typing(
                "recursion-without-base",
                format!("cannot infer the return type of '{}': every return depends on a recursive call", parsed.name),
                parsed.span,
            )
            .with_hint("add a base case that returns a value without recursing"));
        }
        if let Some(v) = typer.vars.iter().find(|v| v.ty.contains_unknown()) {
            if matches!(v.ty, Type::List { .. }) {
                let shown = v.name.trim_start_matches('$');
                return Err(Diagnostic::typing("untyped-list", format!("cannot infer the item type of the list '{shown}': nothing is ever added to it"), parsed.span)
                    .with_hint("append an item to it, or create it with ferrumba.typed.List.empty_list(item_type)"));
            }
            return Err(Diagnostic::typing(
                "untyped-variable",
                format!("cannot infer the type of variable '{}'", v.name),
                parsed.span,
            )
            .with_hint("assign it a value on every path before it is used"));
        }
        return Ok(Function {
            name: parsed.name.clone(),
            symbol,
            params,
            vars: typer.vars,
            ret: typer.ret,
            body,
            callees: typer.callees,
            per_thread: None,
            plain_atomics: vec![],
        });
    }
    Err(Diagnostic::internal(format!("type inference of '{}' did not settle", parsed.name)))
}

impl<'a> Typer<'a> {
    /// A new version of `name` (stable across walks: the same ordinal is the same variable).
    fn new_version(&mut self, name: &str) -> VarId {
        let k = self.version_count.entry(name.to_string()).or_insert(0);
        let ordinal = *k;
        *k += 1;
        let id = match self.version_ids.get(&(name.to_string(), ordinal)) {
            Some(&id) => id,
            None => {
                let id = self.vars.len();
                let shown = if ordinal == 0 { name.to_string() } else { format!("{name}.{ordinal}") };
                self.vars.push(Var { name: shown, ty: Type::Unknown });
                self.version_ids.insert((name.to_string(), ordinal), id);
                id
            }
        };
        self.names.insert(name.to_string(), id);
        id
    }

    pub(crate) fn lookup_var(&self, name: &str) -> Option<VarId> {
        self.names.get(name).copied()
    }

    /// A fresh hidden variable (for loop counters and values evaluated once).
    pub(crate) fn temp(&mut self, hint: &str, ty: Type) -> VarId {
        self.temp_count += 1;
        let name = format!("${hint}{}", self.temp_count);
        let id = match self.version_ids.get(&(name.clone(), 0)) {
            Some(&id) => id,
            None => {
                let id = self.vars.len();
                self.vars.push(Var { name: name.clone(), ty: Type::Unknown });
                self.version_ids.insert((name.clone(), 0), id);
                id
            }
        };
        self.merge_var(id, &ty);
        self.names.insert(name, id);
        id
    }

    /// Assign to one specific variable (a temporary), widening it.
    pub(crate) fn assign_var(&mut self, id: VarId, value: Expr, span: Span) -> Result<Stmt, Diagnostic> {
        if self.merge_var(id, &value.ty).is_none() {
            return Err(Diagnostic::internal(format!("temporary {} cannot hold {}", self.vars[id].name, value.ty)));
        }
        let ty = self.vars[id].ty.clone();
        Ok(Stmt::Assign(id, self.coerce(value, &ty, span)?))
    }

    fn in_loop(&self, name: &str) -> bool {
        self.loop_names.iter().any(|s| s.contains(name))
    }

    /// Enter a loop: every name the loop assigns gets one variable for the whole loop,
    /// initialized from its current version. Returns the initializing statements.
    pub(crate) fn enter_loop(&mut self, names: BTreeSet<String>, span: Span) -> Result<Block, Diagnostic> {
        let mut init = vec![];
        for name in &names {
            if self.in_loop(name) {
                continue;
            }
            let prior = self.lookup_var(name);
            let merged = self.new_version(name);
            if let Some(p) = prior {
                let read = self.var_expr(p, span);
                if self.merge_var(merged, &read.ty).is_none() {
                    return Err(self.conflict(name, merged, &read.ty, span));
                }
                let ty = self.vars[merged].ty.clone();
                init.push(Stmt::Assign(merged, self.coerce(read, &ty, span)?));
            }
        }
        self.loop_names.push(names);
        Ok(init)
    }

    pub(crate) fn leave_loop(&mut self) {
        self.loop_names.pop();
    }

    fn conflict(&self, name: &str, id: VarId, ty: &Type, span: Span) -> Diagnostic {
        Diagnostic::typing(
            "type-conflict",
            format!("variable '{}' is assigned values of incompatible types {} and {}", name, self.vars[id].ty, ty),
            span,
        )
        .with_hint("use a different variable for each kind of value")
    }

    /// After an `if`: names bound to different versions in the two branches meet in a
    /// merged variable, assigned at the end of each branch that falls through.
    fn merge_branches(&mut self, then_names: BTreeMap<String, VarId>, else_names: BTreeMap<String, VarId>, then_body: &mut Block, else_body: &mut Block, span: Span) -> Result<(), Diagnostic> {
        let then_live = !block_always_leaves(then_body);
        let else_live = !block_always_leaves(else_body);
        let mut all: BTreeSet<String> = then_names.keys().cloned().collect();
        all.extend(else_names.keys().cloned());
        for name in all {
            let t = then_names.get(&name).copied().filter(|_| then_live);
            let e = else_names.get(&name).copied().filter(|_| else_live);
            match (t, e) {
                (Some(a), Some(b)) if a != b => {
                    let merged = self.new_version(&name);
                    for (v, body) in [(a, &mut *then_body), (b, &mut *else_body)] {
                        let read = self.var_expr(v, span);
                        if self.merge_var(merged, &read.ty).is_none() {
                            let at = self.def_spans.get(&v).copied().unwrap_or(span);
                            return Err(self.conflict(&name, merged, &read.ty, at));
                        }
                        let ty = self.vars[merged].ty.clone();
                        body.push(Stmt::Assign(merged, self.coerce(read, &ty, span)?));
                    }
                }
                (Some(v), _) | (None, Some(v)) => {
                    self.names.insert(name, v);
                }
                (None, None) => {}
            }
        }
        Ok(())
    }

    /// Widen variable `id` to hold `ty` (an empty list's variable, its items' type).
    pub(crate) fn widen_var(&mut self, id: VarId, ty: &Type) {
        let _ = self.merge_var(id, ty);
    }

    /// Widen variable `id` to hold `ty` too.
    fn merge_var(&mut self, id: VarId, ty: &Type) -> Option<()> {
        let merged = unify(&self.vars[id].ty, ty)?;
        if merged != self.vars[id].ty {
            self.vars[id].ty = merged;
            self.changed = true;
        }
        Some(())
    }

    /// `name = value`. Inside a loop the loop's variable for `name` widens to hold the
    /// value; elsewhere a value of the current version's type overwrites it and a value of
    /// another type starts a new version.
    pub(crate) fn assign(&mut self, name: &str, value: Expr, span: Span) -> Result<Stmt, Diagnostic> {
        let id = match self.lookup_var(name) {
            Some(id) if self.in_loop(name) => id,
            Some(id) if self.vars[id].ty == value.ty => id,
            _ => self.new_version(name),
        };
        if self.merge_var(id, &value.ty).is_none() {
            return Err(self.conflict(name, id, &value.ty, span));
        }
        self.def_spans.insert(id, span);
        let ty = self.vars[id].ty.clone();
        Ok(Stmt::Assign(id, self.coerce(value, &ty, span)?))
    }

    fn walk_body(&mut self, body: &FunctionBody) -> Result<Block, Diagnostic> {
        match body {
            FunctionBody::Statements(stmts) => {
                let mut block = self.block(stmts)?;
                if !block_always_returns(&block) {
                    block.push(self.return_stmt(Expr::new(ExprKind::NoneValue, Type::NoneType, Span::default()), Span::default())?);
                }
                Ok(block)
            }
            FunctionBody::Lambda(e) => {
                let span = span_of(e.as_ref());
                let value = self.rt(e)?;
                Ok(vec![self.return_stmt(value, span)?])
            }
        }
    }

    fn return_stmt(&mut self, value: Expr, span: Span) -> Result<Stmt, Diagnostic> {
        match unify(&self.ret, &value.ty) {
            Some(t) => {
                if t != self.ret {
                    self.ret = t;
                    self.changed = true;
                    let (symbol, ret) = (self.symbol.clone(), self.ret.clone());
                    self.host.publish_return(&symbol, &ret);
                }
            }
            None => {
                return Err(Diagnostic::typing(
                    "return-type-conflict",
                    format!("the function returns values of incompatible types {} and {}", self.ret, value.ty),
                    span,
                )
                .with_hint("return the same kind of value on every path"))
            }
        }
        let ret = self.ret.clone();
        Ok(Stmt::Return(self.coerce(value, &ret, span)?))
    }

    pub(crate) fn block(&mut self, stmts: &[ast::Stmt]) -> Result<Block, Diagnostic> {
        let mut out = Vec::with_capacity(stmts.len());
        for s in stmts {
            self.stmt(s, &mut out)?;
            // Code after a return, raise, break or continue never runs: like Numba, do not
            // type it (it may only make sense on a path that was pruned).
            if matches!(out.last(), Some(Stmt::Return(_) | Stmt::Raise { .. } | Stmt::Break | Stmt::Continue)) {
                break;
            }
        }
        Ok(out)
    }

    fn stmt(&mut self, stmt: &ast::Stmt, out: &mut Block) -> Result<(), Diagnostic> {
        use ast::Stmt as S;
        let span = span_of(stmt);
        match stmt {
            S::Expr(e) => {
                if let Some(print) = self.try_print(&e.value)? {
                    out.push(print);
                    return Ok(());
                }
                match self.value(&e.value)? {
                    Value::Rt(x) => out.push(Stmt::Eval(x)),
                    // A bare name or constant (a docstring) does nothing.
                    _ => {}
                }
            }
            S::Assign(a) => {
                let value = self.value(&a.value)?;
                if a.targets.len() == 1 {
                    // A compile-time value (a string, a module) is reported where it is
                    // written, not at the name it is assigned to.
                    let value = match value {
                        Value::Rt(e) => Value::Rt(e),
                        other => Value::Rt(self.as_rt(other, span_of(a.value.as_ref()))?),
                    };
                    self.assign_target(&a.targets[0], value, out)?;
                } else {
                    // `a = b = v` evaluates v once.
                    let v = self.as_rt(value, span_of(a.value.as_ref()))?;
                    let tmp = self.temp("chain", v.ty.clone());
                    out.push(self.assign_var(tmp, v, span)?);
                    for t in &a.targets {
                        let read = self.var_expr(tmp, span);
                        self.assign_target(t, Value::Rt(read), out)?;
                    }
                }
            }
            S::AnnAssign(a) => {
                if let Some(v) = &a.value {
                    let value = self.value(v)?;
                    self.assign_target(&a.target, value, out)?;
                }
            }
            S::AugAssign(a) => {
                let current = self.rt(&a.target)?;
                let rhs = self.rt(&a.value)?;
                if matches!(current.ty, Type::List { .. }) && matches!(a.op, ast::Operator::Add) {
                    out.push(self.list_augmented(current, rhs, span)?);
                    return Ok(());
                }
                if current.ty.array().is_some() {
                    out.extend(self.array_in_place(a.op, current, rhs, span)?);
                    return Ok(());
                }
                let result = self.binary(a.op, current, rhs, span)?;
                self.assign_target(&a.target, Value::Rt(result), out)?;
            }
            S::If(i) => {
                let cond = self.condition(&i.test)?;
                // A condition known at compile time (`x is None` where x's type says) prunes
                // the branch not taken, as Numba's dead-branch pruning does, so that each
                // branch is typed only where it can run.
                if let ExprKind::Bool(taken) = cond.kind {
                    let live = if taken { &i.body } else { &i.orelse };
                    let live = self.block(live)?;
                    out.extend(live);
                    return Ok(());
                }
                let before = self.names.clone();
                let mut then_body = self.block(&i.body)?;
                let then_names = std::mem::replace(&mut self.names, before);
                let mut else_body = self.block(&i.orelse)?;
                let else_names = self.names.clone();
                self.merge_branches(then_names, else_names, &mut then_body, &mut else_body, span)?;
                out.push(Stmt::If { cond, then_body, else_body });
            }
            S::While(w) => {
                let init = self.enter_loop(crate::common::resolve::assigned_names(&w.body), span)?;
                out.extend(init);
                let cond = self.condition(&w.test);
                self.loop_depth += 1;
                let body = self.block(&w.body);
                self.loop_depth -= 1;
                self.leave_loop();
                let (cond, body) = (cond?, body?);
                let orelse = self.block(&w.orelse)?;
                out.push(Stmt::While { cond, body, orelse });
            }
            S::For(f) => self.for_loop(f, out)?,
            S::Break(_) | S::Continue(_) if self.loop_depth == 0 => {
                return Err(Diagnostic::typing("syntax", "'break' or 'continue' outside a loop", span));
            }
            S::Break(_) => out.push(Stmt::Break),
            S::Continue(_) => out.push(Stmt::Continue),
            S::Pass(_) => {}
            S::Delete(d) if d.targets.iter().all(|t| matches!(t, ast::Expr::Subscript(_))) => {
                for t in &d.targets {
                    let ast::Expr::Subscript(sub) = t else { unreachable!() };
                    let base = self.rt(&sub.value)?;
                    if !matches!(base.ty, Type::List { .. }) {
                        return Err(Diagnostic::typing("unsupported", format!("del of an item of {} is not supported", base.ty), span));
                    }
                    out.push(self.list_delete(base, &sub.slice, span)?);
                }
            }
            S::Return(r) => {
                let value = match &r.value {
                    Some(v) => self.rt(v)?,
                    None => Expr::new(ExprKind::NoneValue, Type::NoneType, span),
                };
                out.push(self.return_stmt(value, span)?);
            }
            S::Raise(r) => out.push(self.raise(r.exc.as_deref(), span)?),
            S::Assert(a) => {
                let cond = self.condition(&a.test)?;
                let message = match &a.msg {
                    None => None,
                    Some(m) => match self.value(m)? {
                        Value::Str(s) => Some(s),
                        _ => {
                            return Err(Diagnostic::typing("unsupported", "an assert message must be a string constant", span_of(m.as_ref())))
                        }
                    },
                };
                let not = Expr::new(ExprKind::Unary(crate::common::ir::UnaryOp::Not, Box::new(cond)), Type::Scalar(Scalar::Bool), span);
                out.push(Stmt::If {
                    cond: not,
                    then_body: vec![Stmt::Raise { class: "AssertionError".into(), message, span }],
                    else_body: vec![],
                });
            }
            S::Import(_) | S::ImportFrom(_) => {
                return Err(Diagnostic::typing("unsupported", "import statements are not supported inside compiled functions", span)
                    .with_hint("import at module level; the compiled function sees module globals"));
            }
            S::FunctionDef(_) | S::AsyncFunctionDef(_) | S::ClassDef(_) => {
                return Err(Diagnostic::typing("unsupported", "defining a function or class inside a compiled function is not supported", span)
                    .with_hint("define it at module level and decorate it with @njit"));
            }
            other => {
                let what = stmt_kind_name(other);
                return Err(Diagnostic::typing("unsupported", format!("'{what}' statements are not supported"), span)
                    .with_hint("ferrumba compiles a numeric subset of Python; see the README for what is supported"));
            }
        }
        Ok(())
    }

    pub(crate) fn assign_target(&mut self, target: &ast::Expr, value: Value, out: &mut Block) -> Result<(), Diagnostic> {
        let span = span_of(target);
        match target {
            ast::Expr::Name(n) => {
                let v = self.as_rt(value, span)?;
                out.push(self.assign(n.id.as_str(), v, span)?);
            }
            ast::Expr::Tuple(ast::ExprTuple { elts, .. }) | ast::Expr::List(ast::ExprList { elts, .. }) => {
                let v = self.as_rt(value, span)?;
                let Type::Tuple(items) = v.ty.clone() else {
                    if v.ty == Type::Unknown {
                        return Ok(());
                    }
                    return Err(Diagnostic::typing("cannot-unpack", format!("cannot unpack a value of type {}", v.ty), span)
                        .with_hint("only tuples can be unpacked"));
                };
                if items.len() != elts.len() {
                    return Err(Diagnostic::typing(
                        "cannot-unpack",
                        format!("cannot unpack a tuple of {} values into {} targets", items.len(), elts.len()),
                        span,
                    ));
                }
                // Evaluate the right side once, then assign from the temporary, so that
                // `a, b = b, a` swaps.
                let tmp = self.temp("unpack", v.ty.clone());
                out.push(self.assign_var(tmp, v, span)?);
                let items = match self.vars[tmp].ty.clone() {
                    Type::Tuple(unified) => unified,
                    _ => items,
                };
                for (i, (elt, ty)) in elts.iter().zip(items).enumerate() {
                    let item = Expr::new(ExprKind::TupleGet(Box::new(self.var_expr(tmp, span)), i), ty, span);
                    self.assign_target(elt, Value::Rt(item), out)?;
                }
            }
            ast::Expr::Subscript(s) => {
                let v = self.as_rt(value, span)?;
                let array = self.rt(&s.value)?;
                out.push(self.store(array, &s.slice, v, span)?);
            }
            _ => {
                return Err(Diagnostic::typing("unsupported", "cannot assign to this kind of target", span)
                    .with_hint("assign to a name, a tuple of names or an array element"))
            }
        }
        Ok(())
    }

    pub(crate) fn var_expr(&self, id: VarId, span: Span) -> Expr {
        Expr::new(ExprKind::Var(id), self.vars[id].ty.clone(), span)
    }

    fn raise(&mut self, exc: Option<&ast::Expr>, span: Span) -> Result<Stmt, Diagnostic> {
        let Some(exc) = exc else {
            return Err(Diagnostic::typing("unsupported", "a bare 'raise' (re-raise) is not supported", span));
        };
        let (callee, args) = match exc {
            ast::Expr::Call(c) => (c.func.as_ref(), c.args.as_slice()),
            other => (other, &[][..]),
        };
        let class = match self.value(callee)? {
            Value::ExcClass(c) => c,
            _ => {
                return Err(Diagnostic::typing("unsupported", "only builtin exception classes can be raised", span_of(callee))
                    .with_hint("raise ValueError(\"message\") or another builtin exception"))
            }
        };
        let message = match args {
            [] => None,
            [m] => match self.value(m)? {
                Value::Str(s) => Some(s),
                Value::Rt(Expr { kind: ExprKind::Int(i), .. }) => Some(i.to_string()),
                _ => {
                    return Err(Diagnostic::typing("unsupported", "the exception's argument must be a constant", span_of(m))
                        .with_hint("use a string literal as the message"))
                }
            },
            _ => return Err(Diagnostic::typing("unsupported", "an exception with more than one argument is not supported", span)),
        };
        Ok(Stmt::Raise { class, message, span })
    }

    fn try_print(&mut self, e: &ast::Expr) -> Result<Option<Stmt>, Diagnostic> {
        let ast::Expr::Call(c) = e else { return Ok(None) };
        let is_print = matches!(self.value(&c.func), Ok(Value::Func(ref p)) if p == "builtins.print");
        if !is_print {
            return Ok(None);
        }
        let mut args = vec![];
        for a in &c.args {
            match self.value(a)? {
                Value::Str(s) => args.push(Expr::new(ExprKind::Call(format!("str:{s}"), vec![]), Type::NoneType, span_of(a))),
                v => args.push(self.as_rt(v, span_of(a))?),
            }
        }
        Ok(Some(Stmt::Print(args)))
    }

    /// The condition of `if`/`while`: the operand's truth value.
    pub(crate) fn condition(&mut self, e: &ast::Expr) -> Result<Expr, Diagnostic> {
        let v = self.rt(e)?;
        self.truth(v)
    }

    pub(crate) fn rt(&mut self, e: &ast::Expr) -> Result<Expr, Diagnostic> {
        let v = self.value(e)?;
        self.as_rt(v, span_of(e))
    }

    /// A compile-time value used where a run-time value is needed.
    pub(crate) fn as_rt(&mut self, v: Value, span: Span) -> Result<Expr, Diagnostic> {
        match v {
            Value::Rt(e) => Ok(e),
            Value::Range(a, b, c) => {
                Ok(Expr::new(ExprKind::Call("range".into(), vec![*a, *b, *c]), Type::Range, span))
            }
            Value::DType(s) => Ok(Expr::new(ExprKind::NoneValue, Type::DType(s), span)),
            Value::Str(_) => Err(Diagnostic::typing("unsupported", "strings cannot be used as values in compiled code", span)
                .with_hint("string constants may appear only as exception messages and print() arguments")),
            other => Err(Diagnostic::typing(
                "not-a-value",
                format!("{} cannot be used as a value in compiled code", describe_value(&other)),
                span,
            )
            .with_hint("call it, or pass the value it produces")),
        }
    }

    /// An argument of a call to a jitted function or an `@overload`: as `as_rt`, except
    /// that a string constant travels as a compile-time literal (`ord='fro'`), with no
    /// run-time value, for the callee's typing to choose by.
    pub(crate) fn as_argument(&mut self, v: Value, span: Span) -> Result<Expr, Diagnostic> {
        match v {
            Value::Str(s) => Ok(Expr::new(ExprKind::NoneValue, Type::StrLiteral(s), span)),
            other => self.as_rt(other, span),
        }
    }

    pub(crate) fn global(&self, name: &str) -> Option<&GlobalValue> {
        self.globals.get(name)
    }
}

pub(crate) fn describe_value(v: &Value) -> String {
    match v {
        Value::Rt(e) => format!("a value of type {}", e.ty),
        Value::Module(m) => format!("module '{m}'"),
        Value::Func(f) => format!("function '{}'", f.trim_start_matches("builtins.")),
        Value::Dispatcher(_) => "a jitted function".into(),
        Value::Overload(_) => "an overloaded function".into(),
        Value::DType(s) => format!("the type '{}'", s.name()),
        Value::ExcClass(c) => format!("exception class '{c}'"),
        Value::Str(_) => "a string".into(),
        Value::Range(..) => "a range".into(),
        Value::Enumerate(..) => "an enumerate object".into(),
        Value::Zip(..) => "a zip object".into(),
        Value::Method(_, m) => format!("method '{m}'"),
    }
}

fn stmt_kind_name(s: &ast::Stmt) -> &'static str {
    use ast::Stmt as S;
    match s {
        S::With(_) | S::AsyncWith(_) => "with",
        S::Try(_) | S::TryStar(_) => "try",
        S::Delete(_) => "del",
        S::Global(_) => "global",
        S::Nonlocal(_) => "nonlocal",
        S::Match(_) => "match",
        S::AsyncFor(_) => "async for",
        _ => "this kind of",
    }
}

/// Whether control can never fall off the end of `block`.
fn block_always_returns(block: &Block) -> bool {
    match block.last() {
        Some(Stmt::Return(_)) | Some(Stmt::Raise { .. }) => true,
        Some(Stmt::If { then_body, else_body, .. }) => block_always_returns(then_body) && block_always_returns(else_body),
        // `while True:` without a break leaves only through return or raise.
        Some(Stmt::While { cond: Expr { kind: ExprKind::Bool(true), .. }, body, .. }) => !breaks_out(body),
        _ => false,
    }
}

/// Whether control never reaches the end of `block` (it returns, raises, breaks or
/// continues), so its variable versions do not flow past it.
fn block_always_leaves(block: &Block) -> bool {
    match block.last() {
        Some(Stmt::Break | Stmt::Continue) => true,
        Some(Stmt::If { then_body, else_body, .. }) => block_always_leaves(then_body) && block_always_leaves(else_body),
        _ => block_always_returns(block),
    }
}

/// Whether a `break` in `block` leaves the loop that directly contains it.
fn breaks_out(block: &Block) -> bool {
    block.iter().any(|s| match s {
        Stmt::Break => true,
        Stmt::If { then_body, else_body, .. } => breaks_out(then_body) || breaks_out(else_body),
        _ => false,
    })
}

pub(crate) fn int_constant(c: &Constant) -> Option<i64> {
    match c {
        Constant::Int(i) => i64::try_from(i).ok(),
        _ => None,
    }
}
