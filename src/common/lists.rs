//! Typing of lists: displays and comprehensions, indexing and slicing, methods, `+`/`*`,
//! iteration, and `ferrumba.typed.List`. Every list operation is an IR call `list.*`
//! that the backend lowers to the list runtime; the rest (`index`, `count`, `sort`, `in`,
//! `==`, ...) is jit-able Python in `ferrumba._list_impl`, as NumPy's functions are.
//!
//! An empty list (`[]`, `List()`) starts with item type `Unknown`; the first `append`
//! (or `insert`, `extend`, store) to the variable holding it decides the item type, and
//! the walk repeats with it (the same fixpoint that settles every variable's type).

use crate::common::diagnostic::{Diagnostic, Span};
use crate::common::infer::{Typer, Value};
use crate::common::ir::{CmpOp, Expr, ExprKind, Stmt};
use crate::common::parse::span_of;
use crate::common::types::{item_layout, unify, Type, BOOL, I64};
use rustpython_parser::ast::{self, Ranged};

fn bx(e: Expr) -> Box<Expr> {
    Box::new(e)
}

pub(crate) fn list_type(item: Type, reflected: bool) -> Type {
    Type::List { item: Box::new(item), reflected }
}

fn call(name: &str, args: Vec<Expr>, ty: Type, span: Span) -> Expr {
    Expr::new(ExprKind::Call(name.into(), args), ty, span)
}

fn int(n: i64, span: Span) -> Expr {
    Expr::new(ExprKind::Int(n), I64, span)
}

impl Typer<'_> {
    /// `[a, b, c]`: the items unify into one item type.
    pub(crate) fn list_display(&mut self, elts: &[ast::Expr], span: Span) -> Result<Expr, Diagnostic> {
        let mut items = vec![];
        for x in elts {
            match x {
                ast::Expr::Starred(st) => items.extend(self.unpack_starred(&st.value, span_of(x))?),
                _ => items.push(self.rt(x)?),
            }
        }
        let mut item = Type::Unknown;
        for x in &items {
            item = unify(&item, &x.ty).ok_or_else(|| {
                Diagnostic::typing("type-conflict", format!("a list cannot hold both {item} and {}", x.ty), x.span)
                    .with_hint("a compiled list holds items of one type; use a tuple for mixed values")
            })?;
        }
        self.check_item_type(&item, span)?;
        let mut coerced = vec![];
        for x in items {
            coerced.push(self.coerce(x, &item, span)?);
        }
        Ok(call("list.build", coerced, list_type(item, true), span))
    }

    fn check_item_type(&self, item: &Type, span: Span) -> Result<(), Diagnostic> {
        if item.contains_unknown() || item_layout(item).is_some() {
            return Ok(());
        }
        Err(Diagnostic::typing("unsupported", format!("lists of {item} are not supported yet"), span)
            .with_hint("lists hold numbers, tuples of numbers and other lists"))
    }

    /// `[elt for x in it if cond ...]`: an empty list and the loops that append to it,
    /// written as the statements Python runs and typed like any other loop.
    pub(crate) fn list_comprehension(&mut self, lc: &ast::ExprListComp, span: Span) -> Result<Expr, Diagnostic> {
        let acc = self.temp("listcomp", list_type(Type::Unknown, true));
        let acc_name = self.vars[acc].name.clone();
        let range = lc.range;
        let name = |id: &str, ctx: ast::ExprContext| ast::Expr::Name(ast::ExprName { id: ast::Identifier::new(id), ctx, range });
        let append = ast::Expr::Call(ast::ExprCall {
            func: Box::new(ast::Expr::Attribute(ast::ExprAttribute {
                value: Box::new(name(&acc_name, ast::ExprContext::Load)),
                attr: ast::Identifier::new("append"),
                ctx: ast::ExprContext::Load,
                range,
            })),
            args: vec![(*lc.elt).clone()],
            keywords: vec![],
            range: lc.elt.range(),
        });
        let mut body = vec![ast::Stmt::Expr(ast::StmtExpr { value: Box::new(append), range })];
        for generator in lc.generators.iter().rev() {
            if generator.is_async {
                return Err(Diagnostic::typing("unsupported", "async comprehensions are not supported", span));
            }
            for cond in generator.ifs.iter().rev() {
                body = vec![ast::Stmt::If(ast::StmtIf { test: Box::new(cond.clone()), body, orelse: vec![], range })];
            }
            body = vec![ast::Stmt::For(ast::StmtFor {
                target: Box::new(generator.target.clone()),
                iter: Box::new(generator.iter.clone()),
                body,
                orelse: vec![],
                type_comment: None,
                range,
            })];
        }
        let mut stmts = vec![Stmt::Assign(acc, call("list.build", vec![], self.vars[acc].ty.clone(), span))];
        stmts.extend(self.block(&body)?);
        let result = self.var_expr(acc, span);
        let ty = result.ty.clone();
        Ok(Expr::new(ExprKind::Block(stmts, bx(result)), ty, span))
    }

    /// An empty list of `item` (known, or `Unknown` until appends decide).
    pub(crate) fn empty_list(&mut self, item: Type, reflected: bool, span: Span) -> Expr {
        call("list.build", vec![], list_type(item, reflected), span)
    }

    /// Widen the variable behind `recv` (an empty list's) to items of type `item`.
    fn refine(&mut self, recv: &Expr, item: &Type, span: Span) -> Result<Type, Diagnostic> {
        let Type::List { item: current, reflected } = &recv.ty else { return Err(Diagnostic::internal("refining a non-list")) };
        if **current != Type::Unknown {
            return Ok((**current).clone());
        }
        self.check_item_type(item, span)?;
        if let ExprKind::Var(id) = recv.kind {
            self.widen_var(id, &list_type(item.clone(), *reflected));
        }
        Ok(item.clone())
    }

    /// A value stored into a list of `item`: converted when no information is lost.
    fn as_item(&mut self, v: Expr, item: &Type, span: Span) -> Result<Expr, Diagnostic> {
        if *item == Type::Unknown || v.ty == Type::Unknown {
            return Ok(v);
        }
        match unify(item, &v.ty) {
            Some(t) if &t == item => self.coerce(v, item, span),
            _ => Err(Diagnostic::typing("type-conflict", format!("cannot store a {} in a list of {item}", v.ty), span)
                .with_hint("a compiled list holds items of one type, fixed by its first items")),
        }
    }

    pub(crate) fn list_len(&self, l: Expr, span: Span) -> Expr {
        call("list.len", vec![l], I64, span)
    }

    pub(crate) fn list_get(&self, l: Expr, i: Expr, span: Span) -> Expr {
        let item = match &l.ty {
            Type::List { item, .. } => (**item).clone(),
            _ => Type::Unknown,
        };
        call("list.get", vec![l, i], item, span)
    }

    /// The run-time parts of `[a:b:c]` as the list runtime takes them: lo, hi, step (checked
    /// not to be zero, in `setup`) and the flags saying which bounds were given.
    fn slice_arguments(&mut self, sl: &ast::ExprSlice, setup: &mut Vec<Stmt>, span: Span) -> Result<Vec<Expr>, Diagnostic> {
        let (mut args, mut flags) = (vec![], 0);
        for (k, part) in [&sl.lower, &sl.upper].into_iter().enumerate() {
            match part {
                Some(p) => {
                    let v = self.rt(p)?;
                    args.push(self.index_int(v, span)?);
                    flags |= 1 << k;
                }
                None => args.push(int(0, span)),
            }
        }
        let step = match &sl.step {
            Some(s) => {
                let v = self.rt(s)?;
                self.index_int(v, span)?
            }
            None => int(1, span),
        };
        let step_var = self.temp("step", I64);
        let step_e = self.var_expr(step_var, span);
        let zero = Expr::new(ExprKind::Compare(CmpOp::Eq, bx(step_e.clone()), bx(int(0, span))), BOOL, span);
        setup.push(Stmt::Assign(step_var, step));
        setup.push(Stmt::If {
            cond: zero,
            then_body: vec![Stmt::Raise { class: "ValueError".into(), message: Some("slice step cannot be zero".into()), span }],
            else_body: vec![],
        });
        args.push(step_e);
        args.push(int(flags, span));
        Ok(args)
    }

    /// `l[i]` and `l[a:b:c]`.
    pub(crate) fn list_subscript(&mut self, l: Expr, index: &ast::Expr, span: Span) -> Result<Expr, Diagnostic> {
        if let ast::Expr::Slice(sl) = index {
            let mut setup = vec![];
            let mut args = vec![l.clone()];
            args.extend(self.slice_arguments(sl, &mut setup, span)?);
            // A slice is a list of the same kind (a typed List's slice is a typed List).
            let ty = l.ty.clone();
            let sliced = call("list.slice", args, ty.clone(), span);
            return Ok(Expr::new(ExprKind::Block(setup, bx(sliced)), ty, span));
        }
        let i = self.rt(index)?;
        let i = self.index_int(i, span)?;
        Ok(self.list_get(l, i, span))
    }

    /// `l[i] = v` and `l[a:b:c] = iterable`.
    pub(crate) fn list_store(&mut self, l: Expr, index: &ast::Expr, value: Expr, span: Span) -> Result<Stmt, Diagnostic> {
        if let ast::Expr::Slice(sl) = index {
            let items = match value.ty {
                Type::List { .. } => value,
                _ => self.list_from(Some(Value::Rt(value)), true, span)?,
            };
            let Type::List { item: incoming, .. } = items.ty.clone() else { unreachable!() };
            let item = self.refine(&l, &incoming, span)?;
            if *incoming != item && *incoming != Type::Unknown {
                return Err(Diagnostic::typing("type-conflict", format!("cannot assign {} to a slice of {}", items.ty, l.ty), span));
            }
            let mut setup = vec![];
            let mut args = vec![l];
            args.extend(self.slice_arguments(sl, &mut setup, span)?);
            args.push(items);
            let store = call("list.set_slice", args, Type::NoneType, span);
            return Ok(Stmt::Eval(Expr::new(ExprKind::Block(setup, bx(store)), Type::NoneType, span)));
        }
        let item = self.refine(&l, &value.ty, span)?;
        let i = self.rt(index)?;
        let i = self.index_int(i, span)?;
        let v = self.as_item(value, &item, span)?;
        Ok(Stmt::Eval(call("list.set", vec![l, i, v], Type::NoneType, span)))
    }

    /// The methods of lists; None when `name` is not one the compiler knows natively.
    pub(crate) fn list_method(&mut self, l: Expr, name: &str, args: Vec<Value>, span: Span) -> Result<Option<Value>, Diagnostic> {
        let Type::List { item, reflected } = l.ty.clone() else { return Err(Diagnostic::internal("list method of a non-list")) };
        let mut rts = vec![];
        for a in args {
            rts.push(self.as_rt(a, span)?);
        }
        let arity = |n: std::ops::RangeInclusive<usize>, rts: &Vec<Expr>| -> Result<(), Diagnostic> {
            if n.contains(&rts.len()) {
                Ok(())
            } else {
                Err(Diagnostic::typing("bad-arity", format!("list.{name}() does not take {} arguments", rts.len()), span))
            }
        };
        let none = Type::NoneType;
        let out = match name {
            "append" => {
                arity(1..=1, &rts)?;
                let v = rts.pop().unwrap();
                let item = self.refine(&l, &v.ty, span)?;
                let v = self.as_item(v, &item, span)?;
                call("list.append", vec![l, v], none, span)
            }
            "insert" => {
                arity(2..=2, &rts)?;
                let v = rts.pop().unwrap();
                let i = rts.pop().unwrap();
                let i = self.index_int(i, span)?;
                let item = self.refine(&l, &v.ty, span)?;
                let v = self.as_item(v, &item, span)?;
                call("list.insert", vec![l, i, v], none, span)
            }
            "pop" => {
                arity(0..=1, &rts)?;
                let i = match rts.pop() {
                    Some(i) => self.index_int(i, span)?,
                    None => int(-1, span),
                };
                call("list.pop", vec![l, i], (*item).clone(), span)
            }
            "clear" => {
                arity(0..=0, &rts)?;
                call("list.clear", vec![l], none, span)
            }
            "copy" => {
                arity(0..=0, &rts)?;
                let ty = list_type((*item).clone(), reflected);
                call("list.slice", vec![l, int(0, span), int(0, span), int(1, span), int(0, span)], ty, span)
            }
            "extend" => {
                arity(1..=1, &rts)?;
                let other = rts.pop().unwrap();
                return Ok(Some(Value::Rt(self.list_extend(l, other, span)?)));
            }
            _ => return Ok(None),
        };
        Ok(Some(Value::Rt(out)))
    }

    /// `l.extend(it)`: another list directly, any other iterable item by item.
    fn list_extend(&mut self, l: Expr, other: Expr, span: Span) -> Result<Expr, Diagnostic> {
        if let Type::List { item: other_item, .. } = &other.ty {
            let item = self.refine(&l, other_item, span)?;
            if **other_item == item || **other_item == Type::Unknown {
                return Ok(call("list.extend", vec![l, other], Type::NoneType, span));
            }
        }
        let target = self.temp("extended", l.ty.clone());
        let mut stmts = vec![Stmt::Assign(target, l)];
        self.append_each(target, Value::Rt(other), &mut stmts, span)?;
        Ok(Expr::new(ExprKind::Block(stmts, bx(Expr::new(ExprKind::NoneValue, Type::NoneType, span))), Type::NoneType, span))
    }

    /// The loop that appends every item of `it` to the list in variable `target` (whose
    /// item type the first item decides if it is not known yet).
    fn append_each(&mut self, target: crate::common::ir::VarId, it: Value, stmts: &mut Vec<Stmt>, span: Span) -> Result<(), Diagnostic> {
        let seq = self.bind_sequence(it, span, stmts)?;
        let n = self.sequence_len(&seq, span)?;
        let k = self.temp("k", I64);
        let x = self.sequence_item(&seq, self.var_expr(k, span), span)?;
        let item = self.refine(&self.var_expr(target, span), &x.ty, span)?;
        let x = self.as_item(x, &item, span)?;
        let append = call("list.append", vec![self.var_expr(target, span), x], Type::NoneType, span);
        stmts.push(Stmt::ForRange { var: k, start: int(0, span), stop: n, step: int(1, span), body: vec![Stmt::Eval(append)], orelse: vec![] });
        Ok(())
    }

    /// `a + b` and `l * n` (`n * l`) of lists.
    pub(crate) fn list_binary(&mut self, op: ast::Operator, l: Expr, r: Expr, span: Span) -> Result<Option<Expr>, Diagnostic> {
        let reflected_of = |t: &Type| matches!(t, Type::List { reflected: true, .. });
        match (op, &l.ty, &r.ty) {
            (ast::Operator::Add, Type::List { item: a, .. }, Type::List { item: b, .. }) => {
                let Some(item) = unify(a, b).filter(|t| t == &**a || **a == Type::Unknown) else {
                    return Err(Diagnostic::typing("type-conflict", format!("cannot concatenate {} and {}", l.ty, r.ty), span));
                };
                let ty = list_type(item, reflected_of(&l.ty));
                Ok(Some(call("list.concat", vec![l, r], ty, span)))
            }
            (ast::Operator::Mult, Type::List { .. }, t) if t.is_int() || t.is_bool() => {
                let ty = l.ty.clone();
                let n = self.index_int(r, span)?;
                Ok(Some(call("list.repeat", vec![l, n], ty, span)))
            }
            (ast::Operator::Mult, t, Type::List { .. }) if t.is_int() || t.is_bool() => {
                let ty = r.ty.clone();
                let n = self.index_int(l, span)?;
                Ok(Some(call("list.repeat", vec![r, n], ty, span)))
            }
            (_, Type::List { .. }, _) | (_, _, Type::List { .. }) => {
                Err(Diagnostic::typing("unsupported-operator", format!("unsupported operand types for {}: {} and {}", op_text(op), l.ty, r.ty), span))
            }
            _ => Ok(None),
        }
    }

    /// `l += other`: extends `l` in place, as Python does.
    pub(crate) fn list_augmented(&mut self, l: Expr, other: Expr, span: Span) -> Result<Stmt, Diagnostic> {
        Ok(Stmt::Eval(self.list_extend(l, other, span)?))
    }

    /// `list(it)`: a new list with the items of any iterable.
    pub(crate) fn list_from(&mut self, it: Option<Value>, reflected: bool, span: Span) -> Result<Expr, Diagnostic> {
        let Some(it) = it else { return Ok(self.empty_list(Type::Unknown, reflected, span)) };
        let out = self.temp("list", list_type(Type::Unknown, reflected));
        // Built with the type the walks settled on (items unknown only in the first walk).
        let mut stmts = vec![Stmt::Assign(out, call("list.build", vec![], self.vars[out].ty.clone(), span))];
        self.append_each(out, it, &mut stmts, span)?;
        let result = self.var_expr(out, span);
        let ty = result.ty.clone();
        Ok(Expr::new(ExprKind::Block(stmts, bx(result)), ty, span))
    }

    /// Comparisons of two lists: `==`, `!=`, `<`, `<=`, `>`, `>=` (Python's sequence order).
    pub(crate) fn list_compare(&mut self, op: ast::CmpOp, l: Expr, r: Expr, span: Span) -> Result<Expr, Diagnostic> {
        use ast::CmpOp as C;
        let lib = "ferrumba._list_impl";
        let flag = |b: bool| Expr::new(ExprKind::Bool(b), BOOL, span);
        let not = |e: Expr| Expr::new(ExprKind::Unary(crate::common::ir::UnaryOp::Not, bx(e)), BOOL, span);
        Ok(match op {
            C::Eq => self.library_call_in(lib, "list_equal", vec![l, r], span)?,
            C::NotEq => not(self.library_call_in(lib, "list_equal", vec![l, r], span)?),
            C::Lt => self.library_call_in(lib, "list_less", vec![l, r, flag(false)], span)?,
            C::LtE => self.library_call_in(lib, "list_less", vec![l, r, flag(true)], span)?,
            C::Gt => self.library_call_in(lib, "list_less", vec![r, l, flag(false)], span)?,
            C::GtE => self.library_call_in(lib, "list_less", vec![r, l, flag(true)], span)?,
            C::In | C::NotIn => {
                let found = self.library_call_in(lib, "list_contains", vec![r, l], span)?;
                if op == C::NotIn { not(found) } else { found }
            }
            C::Is | C::IsNot => {
                return Err(Diagnostic::typing("unsupported-operator", "'is' between lists is not supported", span).with_hint("use == to compare lists"))
            }
        })
    }

    /// `sorted(it, reverse=...)`: a new list with the items of `it`, sorted stably.
    pub(crate) fn sorted(&mut self, it: Value, reverse: Option<Expr>, span: Span) -> Result<Expr, Diagnostic> {
        let items = self.list_from(Some(it), true, span)?;
        let reverse = match reverse {
            Some(r) => self.truth(r)?,
            None => Expr::new(ExprKind::Bool(false), BOOL, span),
        };
        self.library_call_in("ferrumba._list_impl", "sorted_list", vec![items, reverse], span)
    }

    /// `del l[i]`.
    pub(crate) fn list_delete(&mut self, l: Expr, index: &ast::Expr, span: Span) -> Result<Stmt, Diagnostic> {
        if let ast::Expr::Slice(sl) = index {
            let mut setup = vec![];
            let mut args = vec![l];
            args.extend(self.slice_arguments(sl, &mut setup, span)?);
            let delete = call("list.delete_slice", args, Type::NoneType, span);
            return Ok(Stmt::Eval(Expr::new(ExprKind::Block(setup, bx(delete)), Type::NoneType, span)));
        }
        let i = self.rt(index)?;
        let i = self.index_int(i, span)?;
        Ok(Stmt::Eval(call("list.delete", vec![l, i], Type::NoneType, span)))
    }
}

fn op_text(op: ast::Operator) -> &'static str {
    match op {
        ast::Operator::Add => "+",
        ast::Operator::Sub => "-",
        ast::Operator::Mult => "*",
        ast::Operator::Div => "/",
        ast::Operator::FloorDiv => "//",
        ast::Operator::Mod => "%",
        ast::Operator::Pow => "**",
        _ => "this operator",
    }
}
