//! The builtins that fold an iterable: `sum`, `any`, `all`, and `min`/`max` of a range.
//! Tuples unroll (their elements may differ in type); 1-d arrays and ranges become a loop
//! in a block expression, with the accumulator typed as Python's arithmetic gives it.

use crate::common::diagnostic::{Diagnostic, Span};
use crate::common::infer::{describe_value, Typer, Value};
use crate::common::ir::{CmpOp, Expr, ExprKind, Stmt};
use crate::common::types::{Type, BOOL, I64};
use rustpython_parser::ast;

fn bx(e: Expr) -> Box<Expr> {
    Box::new(e)
}

/// How an iterable's elements are reached.
enum Source {
    Items(Vec<Expr>),
    /// Statements that bind the iterable, and the loop: bounds and each element from the
    /// loop variable.
    Loop { setup: Vec<Stmt>, start: Expr, stop: Expr, step: Expr, element: Box<dyn Fn(Expr) -> Expr> },
}

impl Typer<'_> {
    fn fold_source(&mut self, name: &str, v: Value, span: Span) -> Result<Source, Diagnostic> {
        let int = |n: i64| Expr::new(ExprKind::Int(n), I64, span);
        match v {
            Value::Rt(e) if matches!(e.ty, Type::Tuple(_)) => {
                let Type::Tuple(tys) = e.ty.clone() else { unreachable!() };
                let tmp = self.temp("items", e.ty.clone());
                let var = Expr::new(ExprKind::Var(tmp), e.ty.clone(), span);
                let mut items: Vec<Expr> = tys.iter().enumerate().map(|(i, t)| Expr::new(ExprKind::TupleGet(bx(var.clone()), i), t.clone(), span)).collect();
                if let Some(first) = items.first_mut() {
                    let ty = first.ty.clone();
                    *first = Expr::new(ExprKind::Block(vec![Stmt::Assign(tmp, e)], bx(first.clone())), ty, span);
                }
                Ok(Source::Items(items))
            }
            Value::Rt(e) if e.ty.array().is_some_and(|a| a.ndim == 1) => {
                let elem = Type::Scalar(e.ty.array().unwrap().dtype);
                let tmp = self.temp("array", e.ty.clone());
                let var = Expr::new(ExprKind::Var(tmp), e.ty.clone(), span);
                let stop = Expr::new(ExprKind::ArrayShape(bx(var.clone()), 0), I64, span);
                let element = Box::new(move |k: Expr| Expr::new(ExprKind::ArrayGet(bx(var.clone()), vec![k]), elem.clone(), span));
                Ok(Source::Loop { setup: vec![Stmt::Assign(tmp, e)], start: int(0), stop, step: int(1), element })
            }
            Value::Rt(e) if matches!(e.ty, Type::List { .. }) => {
                let Type::List { item, .. } = e.ty.clone() else { unreachable!() };
                let tmp = self.temp("list", e.ty.clone());
                let var = Expr::new(ExprKind::Var(tmp), e.ty.clone(), span);
                let stop = Expr::new(ExprKind::Call("list.len".into(), vec![var.clone()]), I64, span);
                let element = Box::new(move |k: Expr| Expr::new(ExprKind::Call("list.get".into(), vec![var.clone(), k]), (*item).clone(), span));
                Ok(Source::Loop { setup: vec![Stmt::Assign(tmp, e)], start: int(0), stop, step: int(1), element })
            }
            Value::Rt(e) if e.ty == Type::Range => {
                let tmp = self.temp("range", Type::Range);
                let var = Expr::new(ExprKind::Var(tmp), Type::Range, span);
                let stop = Expr::new(ExprKind::Call("range.len".into(), vec![var.clone()]), I64, span);
                let element = Box::new(move |k: Expr| Expr::new(ExprKind::Call("range.item".into(), vec![var.clone(), k]), I64, span));
                Ok(Source::Loop { setup: vec![Stmt::Assign(tmp, e)], start: int(0), stop, step: int(1), element })
            }
            Value::Range(a, b, c) => Ok(Source::Loop { setup: vec![], start: *a, stop: *b, step: *c, element: Box::new(|k| k) }),
            other => Err(Diagnostic::typing("bad-argument", format!("{name}() of {} is not supported in compiled code", describe_value(&other)), span)
                .with_hint("pass a tuple, a 1-d array or a range")),
        }
    }

    /// `sum(iterable, start=0)`, `any(iterable)`, `all(iterable)`, `min/max(range)`.
    pub(crate) fn fold_builtin(&mut self, name: &str, mut args: Vec<Value>, span: Span) -> Result<Value, Diagnostic> {
        let arity_ok = if name == "sum" { (1..=2).contains(&args.len()) } else { args.len() == 1 };
        if !arity_ok {
            return Err(Diagnostic::typing("bad-arity", format!("{name}() called with {} arguments", args.len()), span));
        }
        let start = if args.len() == 2 { Some(self.as_rt(args.pop().unwrap(), span)?) } else { None };
        let source = self.fold_source(name, args.pop().unwrap(), span)?;
        let initial = match name {
            "sum" => start.unwrap_or(Expr::new(ExprKind::Int(0), I64, span)),
            "any" => Expr::new(ExprKind::Bool(false), BOOL, span),
            "all" => Expr::new(ExprKind::Bool(true), BOOL, span),
            _ => Expr::new(ExprKind::Int(0), I64, span), // min/max: replaced by the first element
        };
        match source {
            Source::Items(items) => {
                if matches!(name, "min" | "max") {
                    return Err(Diagnostic::internal("min/max of tuples are typed elsewhere"));
                }
                let mut acc = initial;
                for item in items {
                    acc = self.fold_step(name, acc, item, span)?;
                }
                Ok(Value::Rt(acc))
            }
            Source::Loop { mut setup, start, stop, step, element } => {
                let k = self.temp("k", I64);
                let item = element(Expr::new(ExprKind::Var(k), I64, span));
                // The accumulator's type: what one step makes of the initial value.
                let initial = if matches!(name, "min" | "max") { item.clone() } else { initial };
                let probe = self.fold_step(name, initial.clone(), item.clone(), span)?;
                let t = probe.ty.clone();
                let acc = self.temp("acc", t.clone());
                let acc_e = Expr::new(ExprKind::Var(acc), t.clone(), span);
                let step_e = self.fold_step(name, acc_e.clone(), item.clone(), span)?;
                let step_e = self.coerce(step_e, &t, span)?;
                let mut body = vec![Stmt::Assign(acc, step_e)];
                if matches!(name, "min" | "max") {
                    // Python raises on an empty range; the first element starts the fold.
                    let count = self.temp("count", I64);
                    let count_e = Expr::new(ExprKind::Var(count), I64, span);
                    let first = self.coerce(item, &t, span)?;
                    let is_first = Expr::new(ExprKind::Compare(CmpOp::Eq, bx(count_e.clone()), bx(Expr::new(ExprKind::Int(0), I64, span))), BOOL, span);
                    body = vec![Stmt::If { cond: is_first, then_body: vec![Stmt::Assign(acc, first)], else_body: body }];
                    body.push(Stmt::Assign(count, Expr::new(ExprKind::Binary(crate::common::ir::BinOp::Add, bx(count_e.clone()), bx(Expr::new(ExprKind::Int(1), I64, span))), I64, span)));
                    setup.push(Stmt::Assign(count, Expr::new(ExprKind::Int(0), I64, span)));
                    setup.push(Stmt::Assign(acc, self.coerce(Expr::new(ExprKind::Int(0), I64, span), &t, span)?));
                    let empty = Expr::new(ExprKind::Compare(CmpOp::Eq, bx(count_e), bx(Expr::new(ExprKind::Int(0), I64, span))), BOOL, span);
                    let raise = Stmt::Raise { class: "ValueError".into(), message: Some(format!("{name}() arg is an empty sequence")), span };
                    setup.push(Stmt::ForRange { var: k, start, stop, step, body, orelse: vec![] });
                    setup.push(Stmt::If { cond: empty, then_body: vec![raise], else_body: vec![] });
                    return Ok(Value::Rt(Expr::new(ExprKind::Block(setup, bx(acc_e)), t, span)));
                }
                let initial = self.coerce(initial, &t, span)?;
                setup.push(Stmt::Assign(acc, initial));
                setup.push(Stmt::ForRange { var: k, start, stop, step, body, orelse: vec![] });
                Ok(Value::Rt(Expr::new(ExprKind::Block(setup, bx(acc_e)), t, span)))
            }
        }
    }

    fn fold_step(&mut self, name: &str, acc: Expr, item: Expr, span: Span) -> Result<Expr, Diagnostic> {
        match name {
            "sum" => self.binary(ast::Operator::Add, acc, item, span),
            "any" => Ok(Expr::new(ExprKind::Or(bx(acc), bx(self.truth(item)?)), BOOL, span)),
            "all" => Ok(Expr::new(ExprKind::And(bx(acc), bx(self.truth(item)?)), BOOL, span)),
            _ => match self.call_builtin_path(&format!("builtins.{name}"), vec![Value::Rt(acc), Value::Rt(item)], span)? {
                Value::Rt(e) => Ok(e),
                _ => Err(Diagnostic::internal("min/max of two numbers is a value")),
            },
        }
    }
}
