//! Typing of `for` loops: `range` loops become `ForRange` directly; every other iterable
//! (arrays, tuples, enumerate, zip, range objects) becomes an index loop over a sequence
//! evaluated once.

use crate::common::diagnostic::{Diagnostic, Span};
use crate::common::infer::{Typer, Value};
use crate::common::ir::{Block, Expr, ExprKind, Stmt};
use crate::common::parse::span_of;
use crate::common::types::{Scalar, Type, I64};
use rustpython_parser::ast;

impl<'a> Typer<'a> {
    pub(crate) fn for_loop(&mut self, f: &ast::StmtFor, out: &mut Block) -> Result<(), Diagnostic> {
        let span = span_of(f);
        let iter = self.value(&f.iter)?;
        let iter_span = span_of(f.iter.as_ref());
        let mut names = crate::common::resolve::assigned_names(&f.body);
        names.extend(crate::common::resolve::target_names(&f.target));
        if let (Value::Range(start, stop, step), ast::Expr::Name(n)) = (&iter, f.target.as_ref()) {
            let start = (**start).clone();
            if !matches!(step.kind, ExprKind::Int(_)) {
                self.check_step(step, iter_span, out);
            }
            if matches!(step.kind, ExprKind::Int(0)) {
                out.push(Stmt::Raise { class: "ValueError".into(), message: Some("range() arg 3 must not be zero".into()), span: iter_span });
            }
            let init = self.enter_loop(names, span)?;
            out.extend(init);
            // The loop variable is assigned each iteration, so its type must hold int64.
            let name = n.id.to_string();
            let probe = self.assign(&name, Expr::new(ExprKind::Int(0), I64, iter_span), iter_span)?;
            let Stmt::Assign(var, _) = probe else { unreachable!() };
            if self.vars[var].ty != I64 {
                return Err(Diagnostic::typing(
                    "type-conflict",
                    format!("loop variable '{name}' is also assigned a {}", self.vars[var].ty),
                    iter_span,
                ));
            }
            let body = self.loop_body(&f.body)?;
            let orelse = self.block(&f.orelse)?;
            out.push(Stmt::ForRange { var, start, stop: (**stop).clone(), step: (**step).clone(), body, orelse });
            return Ok(());
        }
        // Everything else iterates by index: `for x in seq` is
        // `for $i in range(len(seq)): x = seq[$i]`, with `seq` evaluated once.
        let seq = self.bind_sequence(iter, iter_span, out)?;
        let len = self.sequence_len(&seq, iter_span)?;
        let index = self.temp("index", I64);
        let init = self.enter_loop(names, span)?;
        out.extend(init);
        let item = self.sequence_item(&seq, self.var_expr(index, iter_span), iter_span)?;
        let mut prologue = vec![];
        self.assign_target(&f.target, Value::Rt(item), &mut prologue)?;
        let body = self.loop_body(&f.body)?;
        prologue.extend(body);
        let orelse = self.block(&f.orelse)?;
        let zero = Expr::new(ExprKind::Int(0), I64, iter_span);
        let one = Expr::new(ExprKind::Int(1), I64, iter_span);
        out.push(Stmt::ForRange { var: index, start: zero, stop: len, step: one, body: prologue, orelse });
        Ok(())
    }

    /// Walk a loop body (already inside the loop's scope) and leave the scope.
    pub(crate) fn loop_body(&mut self, body: &[ast::Stmt]) -> Result<Block, Diagnostic> {
        self.loop_depth += 1;
        let b = self.block(body);
        self.loop_depth -= 1;
        self.leave_loop();
        b
    }

    /// Evaluate the run-time parts of an iterable once, into temporaries.
    pub(crate) fn bind_sequence(&mut self, seq: Value, span: Span, out: &mut Block) -> Result<Value, Diagnostic> {
        Ok(match seq {
            Value::Rt(e) => {
                if matches!(e.kind, ExprKind::Var(_)) {
                    Value::Rt(e)
                } else {
                    let tmp = self.temp("seq", e.ty.clone());
                    out.push(self.assign_var(tmp, e, span)?);
                    Value::Rt(self.var_expr(tmp, span))
                }
            }
            Value::Range(a, b, c) => {
                let mut bound = vec![];
                for (hint, e) in [("start", a), ("stop", b), ("step", c)] {
                    let tmp = self.temp(hint, I64);
                    out.push(self.assign_var(tmp, *e, span)?);
                    bound.push(Box::new(self.var_expr(tmp, span)));
                }
                let c = bound.pop().unwrap();
                let b = bound.pop().unwrap();
                let a = bound.pop().unwrap();
                self.check_step(&c, span, out);
                Value::Range(a, b, c)
            }
            Value::Enumerate(inner, start) => {
                let inner = self.bind_sequence(*inner, span, out)?;
                Value::Enumerate(Box::new(inner), start)
            }
            Value::Zip(items) => {
                let mut bound = vec![];
                for v in items {
                    bound.push(self.bind_sequence(v, span, out)?);
                }
                Value::Zip(bound)
            }
            other => other,
        })
    }

    pub(crate) fn check_step(&self, step: &Expr, span: Span, out: &mut Block) {
        let zero = Expr::new(ExprKind::Int(0), I64, span);
        let is_zero = Expr::new(
            ExprKind::Compare(crate::common::ir::CmpOp::Eq, Box::new(step.clone()), Box::new(zero)),
            Type::Scalar(Scalar::Bool),
            span,
        );
        out.push(Stmt::If {
            cond: is_zero,
            then_body: vec![Stmt::Raise { class: "ValueError".into(), message: Some("range() arg 3 must not be zero".into()), span }],
            else_body: vec![],
        });
    }
}
