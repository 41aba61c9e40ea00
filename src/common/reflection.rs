//! `isinstance`, `getattr` and `hasattr` in compiled code: questions about types, answered
//! at compile time (a constant the dead-branch pruning then uses), as Numba answers them.

use crate::common::diagnostic::{Diagnostic, Span};
use crate::common::infer::{Typer, Value};
use crate::common::ir::{Expr, ExprKind};
use crate::common::types::{Scalar, Type, BOOL};

impl Typer<'_> {
    pub(crate) fn reflect(&mut self, name: &str, args: Vec<Value>, span: Span) -> Result<Value, Diagnostic> {
        let constant = |b: bool| Value::Rt(Expr::new(ExprKind::Bool(b), BOOL, span));
        match (name, args.len()) {
            ("isinstance", 2) => {
                let mut args = args;
                let class = args.pop().unwrap();
                let value = self.as_rt(args.pop().unwrap(), span)?;
                Ok(constant(is_instance(&value.ty, &class, span)?))
            }
            ("getattr", 2 | 3) => {
                let mut it = args.into_iter();
                let (base, attr, default) = (it.next().unwrap(), it.next().unwrap(), it.next());
                let Value::Str(attr) = attr else {
                    return Err(Diagnostic::typing("non-constant-attribute", "getattr() needs the attribute name as a constant string in compiled code", span));
                };
                match (self.attribute(base, &attr, span), default) {
                    (Ok(v), _) => Ok(v),
                    (Err(_), Some(default)) => Ok(default),
                    (Err(e), None) => Err(e),
                }
            }
            ("hasattr", 2) => {
                let mut it = args.into_iter();
                let (base, attr) = (it.next().unwrap(), it.next().unwrap());
                let Value::Str(attr) = attr else {
                    return Err(Diagnostic::typing("non-constant-attribute", "hasattr() needs the attribute name as a constant string in compiled code", span));
                };
                Ok(constant(self.attribute(base, &attr, span).is_ok()))
            }
            ("type", 1) => {
                // The class of a value, known when compiling: callable as a conversion
                // (`type(a)(b)`) and comparable with isinstance. Numba types Python's int,
                // float and complex as int64, float64 and complex128.
                let value = self.as_rt(args.into_iter().next().unwrap(), span)?;
                Ok(match &value.ty {
                    Type::Scalar(Scalar::Bool) => Value::Func("builtins.bool".into()),
                    Type::Scalar(Scalar::I64) => Value::Func("builtins.int".into()),
                    Type::Scalar(Scalar::F64) => Value::Func("builtins.float".into()),
                    Type::Scalar(Scalar::C128) => Value::Func("builtins.complex".into()),
                    Type::Scalar(s) => Value::DType(*s),
                    Type::Tuple(_) => Value::Func("builtins.tuple".into()),
                    other => {
                        return Err(Diagnostic::typing("unsupported-argument", format!("type() of {other} is not supported in compiled code"), span)
                            .with_hint("type() works on numbers and tuples; use isinstance() to test a value's type"))
                    }
                })
            }
            _ => Err(Diagnostic::typing("bad-arity", format!("{name}() called with {} arguments", args.len()), span)),
        }
    }
}

/// Whether a value of type `t` is an instance of `class` (a builtin type, a NumPy scalar type).
fn is_instance(t: &Type, class: &Value, span: Span) -> Result<bool, Diagnostic> {
    let s = t.scalar();
    Ok(match class {
        // As in Python, bool is an int; NumPy integers count as int, as Numba types them.
        Value::Func(f) if f == "builtins.int" => s.is_some_and(|s| s.is_int() || s == Scalar::Bool),
        Value::Func(f) if f == "builtins.float" => s.is_some_and(|s| s.is_float()),
        Value::Func(f) if f == "builtins.complex" => s.is_some_and(|s| s.is_complex()),
        Value::Func(f) if f == "builtins.bool" => s == Some(Scalar::Bool),
        Value::Func(f) if f == "builtins.tuple" => matches!(t, Type::Tuple(_)),
        Value::Func(f) if f == "builtins.range" => matches!(t, Type::Range),
        Value::DType(d) => s == Some(*d),
        other => {
            return Err(Diagnostic::typing("unsupported-argument", format!("isinstance() against {} is not supported in compiled code", describe(other)), span)
                .with_hint("compare against int, float, complex, bool, tuple, range or a NumPy scalar type"))
        }
    })
}

fn describe(v: &Value) -> String {
    match v {
        Value::Func(f) => f.trim_start_matches("builtins.").to_string(),
        Value::Module(m) => format!("module {m}"),
        _ => "this value".into(),
    }
}
