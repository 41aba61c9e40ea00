//! Parse a function's source with rustpython-parser and find the function in it.

use crate::common::diagnostic::{Diagnostic, DiagnosticKind, SourceFile, Span};
use rustpython_parser::ast::{self, Expr, Ranged, Stmt};
use rustpython_parser::{parse, Mode};

/// A parsed function: its parameter names and its body, still as rustpython AST (the
/// front end's input; later stages see only the typed IR).
pub struct ParsedFunction {
    pub name: String,
    pub params: Vec<String>,
    pub body: FunctionBody,
    pub span: Span,
}

pub enum FunctionBody {
    Statements(Vec<Stmt>),
    Lambda(Box<Expr>),
}

pub fn span_of(node: &impl Ranged) -> Span {
    let r = node.range();
    Span::new(r.start().to_u32(), r.end().to_u32())
}

/// Find function `name` (or the first lambda when `name` is `<lambda>`) in `source`.
/// `def_line` is the 1-based line within `source.text` the function starts on, which
/// picks the right lambda when a line holds more than one statement.
pub fn parse_function(source: &SourceFile, name: &str) -> Result<ParsedFunction, Diagnostic> {
    let module = parse(&source.text, Mode::Module, &source.filename).map_err(|e| Diagnostic {
        kind: DiagnosticKind::Syntax,
        id: "syntax",
        message: format!("cannot parse the source of '{name}': {}", e.error),
        span: Some(Span::new(e.offset.to_u32(), e.offset.to_u32() + 1)),
        hint: Some("ferrumba compiles from source text, as returned by inspect.getsource".into()),
        notes: vec![],
    })?;
    let body = match module {
        ast::Mod::Module(m) => m.body,
        _ => return Err(Diagnostic::internal("parser returned a non-module")),
    };
    let found = if name == "<lambda>" { find_lambda_in_stmts(&body) } else { find_def(&body, name) };
    found.ok_or_else(|| Diagnostic {
        kind: DiagnosticKind::Syntax,
        id: "source-not-found",
        message: format!("cannot find the definition of '{name}' in its source"),
        span: None,
        hint: Some("define the function with `def` in a file (not interactively), or pass a lambda directly".into()),
        notes: vec![],
    })
}

fn params_of(args: &ast::Arguments) -> Result<Vec<String>, Diagnostic> {
    if let Some(v) = &args.vararg {
        return Err(Diagnostic::typing("unsupported-signature", "*args parameters are not supported", span_of(v.as_ref()))
            .with_hint("give the function a fixed list of parameters"));
    }
    if let Some(k) = &args.kwarg {
        return Err(Diagnostic::typing("unsupported-signature", "**kwargs parameters are not supported", span_of(k.as_ref()))
            .with_hint("give the function a fixed list of parameters"));
    }
    Ok(args.posonlyargs.iter().chain(&args.args).chain(&args.kwonlyargs).map(|a| a.def.arg.to_string()).collect())
}

fn find_def(body: &[Stmt], name: &str) -> Option<ParsedFunction> {
    for stmt in body {
        match stmt {
            Stmt::FunctionDef(f) if f.name.as_str() == name => {
                let params = params_of(&f.args).ok()?;
                return Some(ParsedFunction {
                    name: name.to_string(),
                    params,
                    body: FunctionBody::Statements(f.body.clone()),
                    span: span_of(f),
                });
            }
            // The source of a nested function may come with its enclosing code around it.
            Stmt::FunctionDef(f) => {
                if let Some(p) = find_def(&f.body, name) {
                    return Some(p);
                }
            }
            Stmt::ClassDef(c) => {
                if let Some(p) = find_def(&c.body, name) {
                    return Some(p);
                }
            }
            Stmt::If(i) => {
                if let Some(p) = find_def(&i.body, name).or_else(|| find_def(&i.orelse, name)) {
                    return Some(p);
                }
            }
            _ => {}
        }
    }
    None
}

fn find_lambda_in_stmts(body: &[Stmt]) -> Option<ParsedFunction> {
    let mut found = None;
    for stmt in body {
        visit_exprs_of_stmt(stmt, &mut |e| {
            if found.is_none() {
                if let Expr::Lambda(l) = e {
                    if let Ok(params) = params_of(&l.args) {
                        found = Some(ParsedFunction {
                            name: "<lambda>".into(),
                            params,
                            body: FunctionBody::Lambda(l.body.clone()),
                            span: span_of(l),
                        });
                    }
                }
            }
        });
        if found.is_some() {
            break;
        }
    }
    found
}

fn visit_exprs_of_stmt(stmt: &Stmt, f: &mut dyn FnMut(&Expr)) {
    match stmt {
        Stmt::Assign(a) => visit_expr_tree(&a.value, f),
        Stmt::Expr(e) => visit_expr_tree(&e.value, f),
        Stmt::Return(r) => {
            if let Some(v) = &r.value {
                visit_expr_tree(v, f)
            }
        }
        Stmt::FunctionDef(d) => {
            d.decorator_list.iter().for_each(|e| visit_expr_tree(e, f));
            d.body.iter().for_each(|s| visit_exprs_of_stmt(s, f));
        }
        _ => {}
    }
}

fn visit_expr_tree(e: &Expr, f: &mut dyn FnMut(&Expr)) {
    f(e);
    match e {
        Expr::Call(c) => {
            visit_expr_tree(&c.func, f);
            c.args.iter().for_each(|x| visit_expr_tree(x, f));
            c.keywords.iter().for_each(|k| visit_expr_tree(&k.value, f));
        }
        Expr::Attribute(a) => visit_expr_tree(&a.value, f),
        Expr::Tuple(t) => t.elts.iter().for_each(|x| visit_expr_tree(x, f)),
        Expr::List(t) => t.elts.iter().for_each(|x| visit_expr_tree(x, f)),
        _ => {}
    }
}
