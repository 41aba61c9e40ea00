//! Typing of calls: which callee a call reaches (a builtin or module function, another
//! jitted function, an `@overload`, a method of a value), and binding its arguments
//! (keywords, defaults, `*t`). What each builtin does is typed in `builtins.rs`.

use crate::common::diagnostic::{Diagnostic, Span};
use crate::common::infer::{describe_value, Typer, Value};
use crate::common::ir::{Expr, ExprKind};
use crate::common::parse::span_of;
use crate::common::types::{Type, BOOL};
use rustpython_parser::ast;

/// The callee of a call as written (`np.linalg.norm`), for messages.
fn callee_text(e: &ast::Expr) -> String {
    match e {
        ast::Expr::Name(n) => n.id.to_string(),
        ast::Expr::Attribute(a) => format!("{}.{}", callee_text(&a.value), a.attr),
        _ => "this function".into(),
    }
}

/// Argument types as a call shows them: `array(float64, 2d, C), axis=int64`.
fn shown_arguments(types: &[Type], kw_types: &[(String, Type)]) -> String {
    let mut shown: Vec<String> = types.iter().map(|t| t.to_string()).collect();
    shown.extend(kw_types.iter().map(|(k, t)| format!("{k}={t}")));
    shown.join(", ")
}

/// A diagnostic from another function's compile without a place of its own is shown at
/// the call that led to it.
fn at_call(d: Diagnostic, span: Span) -> Diagnostic {
    if d.span.is_none() {
        Diagnostic { span: Some(span), ..d }
    } else {
        d
    }
}

/// A list display as the tuple display with the same elements (nested lists too).
fn list_as_tuple(e: &ast::Expr) -> ast::Expr {
    match e {
        ast::Expr::List(l) => ast::Expr::Tuple(ast::ExprTuple { elts: l.elts.iter().map(list_as_tuple).collect(), ctx: l.ctx.clone(), range: l.range }),
        other => other.clone(),
    }
}

impl<'a> Typer<'a> {
    pub(crate) fn call(&mut self, c: &ast::ExprCall, span: Span) -> Result<Value, Diagnostic> {
        let callee = match self.value(&c.func)? {
            // A dtype passed around as a value is still a conversion function.
            Value::Rt(Expr { ty: Type::DType(s), .. }) => Value::DType(s),
            other => other,
        };
        if let (Value::Func(f), [value, ast::Expr::Tuple(classes)]) = (&callee, c.args.as_slice()) {
            if f == "builtins.isinstance" {
                // isinstance(x, (int, float)): any of the classes, decided at compile time.
                let x = self.value(value)?;
                let mut any = false;
                for class in &classes.elts {
                    let class = self.value(class)?;
                    if let Value::Rt(Expr { kind: ExprKind::Bool(true), .. }) = self.reflect("isinstance", vec![x.clone(), class], span)? {
                        any = true;
                    }
                }
                return Ok(Value::Rt(Expr::new(ExprKind::Bool(any), BOOL, span)));
            }
        }
        if let (Value::Func(f), Some(ast::Expr::List(_))) = (&callee, c.args.first()) {
            if f == "numpy.array" || f == "numpy.asarray" {
                // np.array([1, 2, 3]) (nested lists too): the list is only a literal of the
                // array's elements, read like a tuple.
                let mut call = c.clone();
                call.args[0] = list_as_tuple(&c.args[0]);
                return self.call(&call, span);
            }
        }
        let mut args = vec![];
        for a in &c.args {
            if let ast::Expr::Starred(st) = a {
                args.extend(self.unpack_starred(&st.value, span_of(a))?.into_iter().map(Value::Rt));
                continue;
            }
            args.push(self.value(a)?);
        }
        let mut kwargs = vec![];
        for k in &c.keywords {
            let Some(name) = &k.arg else {
                return Err(Diagnostic::typing("unsupported", "**kwargs in calls is not supported", span_of(&k.value)));
            };
            kwargs.push((name.to_string(), self.value(&k.value)?));
        }
        match callee {
            Value::Func(path) => self.call_builtin(&path, args, kwargs, span),
            Value::Dispatcher(id) => self.call_dispatcher_value(id, args, kwargs, span),
            Value::DType(s) => {
                let [a] = self.rt_args::<1>(args, "a NumPy scalar type", span)?;
                let to = Type::Scalar(s);
                if a.ty.scalar().is_none() && a.ty != Type::Unknown {
                    return Err(Diagnostic::typing("bad-argument", format!("cannot convert {} to {}", a.ty, s.name()), span));
                }
                let e = self.convert(a, &to, span)?;
                if matches!(e.kind, ExprKind::Int(_) | ExprKind::Float(_) | ExprKind::Bool(_) | ExprKind::Complex(..)) {
                    self.strong_scalars.push(e.span);
                }
                Ok(Value::Rt(e))
            }
            Value::Method(recv, name) => {
                if let Some(v) = self.native_method(&recv, &name, &args, &kwargs, span)? {
                    return Ok(v);
                }
                let mut all = vec![Value::Rt(*recv)];
                all.extend(args);
                let (types, kw_types) = self.types_of_call(&all, &kwargs, span)?;
                match self.host.resolve_method(&name, &types, &kw_types).map_err(|d| at_call(d, span))? {
                    Some(id) => self.call_dispatcher_value(id, all, kwargs, span),
                    None if types.len() == 1 && kw_types.is_empty() => {
                        Err(Diagnostic::typing("unknown-attribute", format!("method '{name}' of {} is not supported", types[0]), span)
                            .with_hint("see the README for the supported array methods"))
                    }
                    None => Err(Diagnostic::typing(
                        "no-implementation",
                        format!("method '{name}' of {} is not supported with arguments ({})", types[0], shown_arguments(&types[1..], &kw_types)),
                        span,
                    )
                    .with_hint("check the argument types; see the README for the supported array methods")),
                }
            }
            Value::Overload(key) => {
                let (types, kw_types) = self.types_of_call(&args, &kwargs, span)?;
                match self.host.resolve_overload(key, &types, &kw_types).map_err(|d| at_call(d, span))? {
                    Some(id) => self.call_dispatcher_value(id, args, kwargs, span),
                    None => Err(Diagnostic::typing(
                        "no-implementation",
                        format!("no implementation of {}() accepts ({})", callee_text(&c.func), shown_arguments(&types, &kw_types)),
                        span,
                    )
                    .with_hint("check the argument types; see the README for what is supported")),
                }
            }
            Value::ExcClass(c) => Err(Diagnostic::typing("unsupported", format!("exception '{c}' can only be raised, not created as a value"), span)
                .with_hint(format!("write `raise {c}(...)`"))),
            other => Err(Diagnostic::typing("not-callable", format!("{} is not callable in compiled code", describe_value(&other)), span)),
        }
    }

    /// Types of a call's arguments, for choosing an `@overload` implementation.
    fn types_of_call(&mut self, args: &[Value], kwargs: &[(String, Value)], span: Span) -> Result<(Vec<Type>, Vec<(String, Type)>), Diagnostic> {
        let mut types = vec![];
        for a in args {
            types.push(self.overload_argument_type(a, span)?);
        }
        let mut kw = vec![];
        for (k, v) in kwargs {
            kw.push((k.clone(), self.overload_argument_type(v, span)?));
        }
        Ok((types, kw))
    }

    /// What an `@overload` typing function sees of an argument: its type, or for `True` and
    /// `False` written as constants, the literal (so `density=False` can pick another
    /// implementation than `density=True` at compile time).
    fn overload_argument_type(&mut self, a: &Value, span: Span) -> Result<Type, Diagnostic> {
        let e = self.as_argument(a.clone(), span)?;
        Ok(match e.kind {
            ExprKind::Bool(b) if e.ty == BOOL => Type::BoolLiteral(b),
            _ => e.ty,
        })
    }

    /// A call of a jitted function (or an overload's implementation) from compiled code.
    pub(crate) fn call_dispatcher_value(&mut self, id: usize, args: Vec<Value>, kwargs: Vec<(String, Value)>, span: Span) -> Result<Value, Diagnostic> {
        let rts = self.bind_call_arguments(id, args, kwargs, span)?;
        let types: Vec<Type> = rts.iter().map(|e| e.ty.clone()).collect();
        if types.iter().any(|t| t.contains_unknown()) {
            return Ok(Value::Rt(Expr::new(ExprKind::Int(0), Type::Unknown, span)));
        }
        let (symbol, mut ret) = self.host.call_dispatcher(id, &types).map_err(|d| at_call(d, span))?;
        if symbol == self.symbol {
            ret = self.ret.clone();
        }
        if !self.callees.contains(&symbol) {
            self.callees.push(symbol.clone());
        }
        Ok(Value::Rt(Expr::new(ExprKind::Call(symbol, rts), ret, span)))
    }

    /// Methods ferrumba implements itself; None hands the call to `@overload_method`.
    fn native_method(&mut self, recv: &Expr, name: &str, args: &[Value], kwargs: &[(String, Value)], span: Span) -> Result<Option<Value>, Diagnostic> {
        if let Some(s) = recv.ty.scalar() {
            if !args.is_empty() || !kwargs.is_empty() {
                return Err(Diagnostic::typing("bad-arity", format!("{name}() takes no arguments"), span));
            }
            return Ok(Some(match name {
                "conjugate" if s.is_complex() => {
                    let t = recv.ty.clone();
                    self.math("conj", vec![recv.clone()], t, span)
                }
                _ => Value::Rt(recv.clone()),
            }));
        }
        if recv.ty.array().is_some() {
            return self.array_method(recv.clone(), name, args.to_vec(), kwargs.to_vec(), span);
        }
        if let (Type::Tuple(_), "index" | "count", [x], true) = (&recv.ty, name, args, kwargs.is_empty()) {
            let x = self.as_rt(x.clone(), span)?;
            return Ok(Some(Value::Rt(self.tuple_search(name, recv.clone(), x, span)?)));
        }
        if matches!(recv.ty, Type::List { .. }) && kwargs.is_empty() {
            return self.list_method(recv.clone(), name, args.to_vec(), span);
        }
        Ok(None)
    }

    /// Match positional and keyword arguments to the callee's parameters, filling in
    /// its defaults, as Python binds a call.
    fn bind_call_arguments(&mut self, id: usize, args: Vec<Value>, kwargs: Vec<(String, Value)>, span: Span) -> Result<Vec<Expr>, Diagnostic> {
        let (params, defaults) = self.host.dispatcher_params(id)?;
        let n = params.len();
        if args.len() > n {
            return Err(Diagnostic::typing("bad-arity", format!("the called function takes {n} arguments but {} were given", args.len()), span));
        }
        let mut slots: Vec<Option<Value>> = args.into_iter().map(Some).collect();
        slots.resize(n, None);
        for (k, v) in kwargs {
            match params.iter().position(|p| *p == k) {
                Some(i) if slots[i].is_none() => slots[i] = Some(v),
                Some(_) => return Err(Diagnostic::typing("bad-arity", format!("multiple values for argument '{k}'"), span)),
                None => return Err(Diagnostic::typing("bad-arity", format!("unexpected keyword argument '{k}'"), span)),
            }
        }
        let first_default = n - defaults.len().min(n);
        let mut out = vec![];
        for (i, v) in slots.into_iter().enumerate() {
            let v = match v {
                Some(v) => v,
                None if i >= first_default => crate::common::infer_expr::global_value(defaults[i - first_default].clone(), &params[i], span)?,
                None => return Err(Diagnostic::typing("bad-arity", format!("missing argument '{}'", params[i]), span)),
            };
            out.push(self.as_argument(v, span)?);
        }
        Ok(out)
    }
}
