//! Reading a Python function for the compiler: its source text (through `inspect`), its
//! parsed form, and the frozen values of the names it reads from outside.

use crate::common::diagnostic::{Diagnostic, DiagnosticKind, SourceFile};
use crate::common::parse::{parse_function, FunctionBody, ParsedFunction};
use crate::common::resolve::{free_names, free_names_expr, GlobalValue, Globals};
use crate::cpu::dispatcher::Dispatcher;
use pyo3::prelude::*;
use pyo3::types::{PyList, PyTuple};
use std::sync::Arc;

pub struct FunctionInfo {
    pub qualname: String,
    pub source: Arc<SourceFile>,
    pub parsed: Arc<ParsedFunction>,
    pub globals: Arc<Globals>,
    /// Frozen values of the trailing parameters' defaults (`__defaults__`).
    pub defaults: Vec<GlobalValue>,
}

fn introspect(py: Python<'_>) -> PyResult<Bound<'_, PyModule>> {
    py.import("ferrumba._introspect")
}

pub fn load_function(py: Python<'_>, py_func: &Bound<'_, PyAny>) -> Result<FunctionInfo, Diagnostic> {
    let helper = introspect(py).map_err(|e| Diagnostic::internal(format!("importing ferrumba._introspect: {e}")))?;
    let got = helper.call_method1("function_source", (py_func,)).map_err(|e| Diagnostic {
        kind: DiagnosticKind::Syntax,
        id: "source-unavailable",
        message: format!("cannot read the source of {}: {e}", py_func.repr().map(|r| r.to_string()).unwrap_or_default()),
        span: None,
        hint: Some("ferrumba compiles from source: define the function in a .py file or a notebook cell".into()),
        notes: vec![],
    })?;
    let (filename, text, line_offset, col_offset, name, qualname): (String, String, u32, u32, String, String) =
        got.extract().map_err(|e| Diagnostic::internal(format!("function_source returned {e}")))?;
    let source = Arc::new(SourceFile { filename, text, line_offset, col_offset });
    let parsed = parse_function(&source, &name).map_err(|d| d.with_note(format!("while reading '{qualname}'")))?;
    let names = PyList::new(py, outside_names(&parsed)).map_err(|e| Diagnostic::internal(e.to_string()))?;
    let described = helper.call_method1("resolve_names", (py_func, names)).map_err(|e| Diagnostic::internal(format!("resolving globals: {e}")))?;
    let globals = globals_from(&described)?;
    let mut defaults = vec![];
    let described = helper.call_method1("describe_defaults", (py_func,)).map_err(|e| Diagnostic::internal(format!("describing defaults: {e}")))?;
    for d in described.try_iter().map_err(|e| Diagnostic::internal(e.to_string()))? {
        let d = d.map_err(|e| Diagnostic::internal(e.to_string()))?;
        defaults.push(to_global(&d).map_err(|e| Diagnostic::internal(format!("describing a default: {e}")))?);
    }
    Ok(FunctionInfo { qualname, source, parsed: Arc::new(parsed), globals: Arc::new(globals), defaults })
}

/// Globals of a source snippet, resolved as `_introspect.snippet_globals` runs it.
pub fn snippet_globals(py: Python<'_>, source: &str, parsed: &ParsedFunction) -> Result<Globals, Diagnostic> {
    let helper = introspect(py).map_err(|e| Diagnostic::internal(format!("importing ferrumba._introspect: {e}")))?;
    let names = PyList::new(py, outside_names(parsed)).map_err(|e| Diagnostic::internal(e.to_string()))?;
    let described = helper
        .call_method1("snippet_globals", (source, names))
        .map_err(|e| Diagnostic::internal(format!("running the snippet's module code: {e}")))?;
    globals_from(&described)
}

/// The names a function reads from outside itself.
fn outside_names(parsed: &ParsedFunction) -> Vec<String> {
    match &parsed.body {
        FunctionBody::Statements(body) => free_names(&parsed.params, body),
        FunctionBody::Lambda(e) => free_names_expr(&parsed.params, e),
    }
}

/// `[(name, descriptor)]` from `_introspect` as frozen globals.
fn globals_from(described: &Bound<'_, PyAny>) -> Result<Globals, Diagnostic> {
    let mut globals = Globals::new();
    for item in described.try_iter().map_err(|e| Diagnostic::internal(e.to_string()))? {
        let item = item.map_err(|e| Diagnostic::internal(e.to_string()))?;
        let (name, desc): (String, Bound<PyAny>) = item.extract().map_err(|e: PyErr| Diagnostic::internal(e.to_string()))?;
        globals.insert(name, to_global(&desc).map_err(|e| Diagnostic::internal(format!("describing a global: {e}")))?);
    }
    Ok(globals)
}

/// `module.attr` described by Python, or None when the module has no such attribute.
pub fn module_attribute(py: Python<'_>, module: &str, attr: &str) -> Result<Option<GlobalValue>, Diagnostic> {
    let helper = introspect(py).map_err(|e| Diagnostic::internal(format!("importing ferrumba._introspect: {e}")))?;
    let found = helper.call_method1("describe_attribute", (module, attr)).map_err(|e| Diagnostic::internal(format!("describing {module}.{attr}: {e}")))?;
    if found.is_none() {
        return Ok(None);
    }
    to_global(&found).map(Some).map_err(|e| Diagnostic::internal(format!("describing {module}.{attr}: {e}")))
}

/// The descriptor tuples of `_introspect.describe` as Rust values.
fn to_global(desc: &Bound<'_, PyAny>) -> PyResult<GlobalValue> {
    let t = desc.cast::<PyTuple>()?;
    let kind: String = t.get_item(0)?.extract()?;
    Ok(match kind.as_str() {
        "none" => GlobalValue::NoneValue,
        "bool" => GlobalValue::Bool(t.get_item(1)?.extract()?),
        "int" => GlobalValue::Int(t.get_item(1)?.extract()?),
        "float" => GlobalValue::Float(t.get_item(1)?.extract()?),
        "complex" => GlobalValue::Complex(t.get_item(1)?.extract()?, t.get_item(2)?.extract()?),
        "str" => GlobalValue::Str(t.get_item(1)?.extract()?),
        "tuple" => {
            let mut items = vec![];
            for x in t.get_item(1)?.try_iter()? {
                items.push(to_global(&x?)?);
            }
            GlobalValue::Tuple(items)
        }
        "module" => GlobalValue::Module(t.get_item(1)?.extract()?),
        "array" => GlobalValue::Array(t.get_item(1)?.extract()?, t.get_item(2)?.extract()?, std::sync::Arc::new(t.get_item(3)?.extract()?)),
        "function" => GlobalValue::Function(t.get_item(1)?.extract()?),
        "dtype" => GlobalValue::DType(t.get_item(1)?.extract()?),
        "exception" => GlobalValue::ExceptionClass(t.get_item(1)?.extract()?),
        "overload" => GlobalValue::Overload(t.get_item(1)?.extract()?),
        "dispatcher" => {
            let d = t.get_item(1)?;
            let d = d.cast::<Dispatcher>()?;
            GlobalValue::Dispatcher(d.get().id)
        }
        _ => GlobalValue::Unsupported(t.get_item(1)?.extract()?),
    })
}
