//! The compile driver: every jitted function known to the process, the typed IR of each
//! specialization inferred so far, and compiling one call's specialization together with
//! everything it calls into one native unit.

use crate::common::diagnostic::Diagnostic;
use crate::common::infer::{infer_function, Host, InferOptions};
use crate::common::ir::Function;
use crate::common::types::Type;
use crate::common::verify::find_unknown;
use crate::driver::source::{load_function, FunctionInfo};
use pyo3::prelude::*;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

struct Entry {
    py_func: Py<PyAny>,
    info: Option<Arc<FunctionInfo>>,
}

/// Jitted functions by id. Kept apart from the registry (which a compile holds for its
/// whole duration) so that `@overload` typing functions may create dispatchers while
/// a compile runs.
static ENTRIES: Mutex<Vec<Entry>> = Mutex::new(Vec::new());

enum Typed {
    InProgress { symbol: String, ret: Type },
    Done(Arc<Function>),
}

#[derive(Default)]
pub struct Registry {
    typed: HashMap<(usize, Vec<Type>), Typed>,
    by_symbol: HashMap<String, (usize, Vec<Type>)>,
    /// One symbol per specialization for the life of the process, so that re-inferring a
    /// function does not orphan the calls other functions already make to it.
    symbols: HashMap<(usize, Vec<Type>), String>,
}

static REGISTRY: Mutex<Option<Registry>> = Mutex::new(None);

/// Run `f` with the registry. Compilation runs under the GIL, so the lock is never
/// contended; a re-entrant use (compiling while compiling) is reported, not deadlocked.
pub fn with_registry<T>(f: impl FnOnce(&mut Registry) -> T) -> Result<T, Diagnostic> {
    let mut guard = REGISTRY
        .try_lock()
        .map_err(|_| Diagnostic::internal("the compiler was re-entered while compiling (a Python callback started another compile)"))?;
    Ok(f(guard.get_or_insert_with(Registry::default)))
}

pub fn register(py_func: Py<PyAny>) -> Result<usize, Diagnostic> {
    let mut entries = ENTRIES.lock().map_err(|_| Diagnostic::internal("dispatcher table poisoned"))?;
    entries.push(Entry { py_func, info: None });
    Ok(entries.len() - 1)
}

fn entry_info(id: usize) -> Option<Arc<FunctionInfo>> {
    ENTRIES.lock().ok()?.get(id)?.info.clone()
}

/// What a compile produces for the dispatcher: the entry's typed IR and every function
/// of its unit (the entry first).
pub struct TypedUnit {
    pub entry: Arc<Function>,
    pub functions: Vec<Arc<Function>>,
    pub source: Arc<crate::common::diagnostic::SourceFile>,
}

pub fn infer_unit(py: Python<'_>, id: usize, args: &[Type]) -> Result<TypedUnit, (Diagnostic, Option<Arc<crate::common::diagnostic::SourceFile>>)> {
    with_registry(|reg| {
        let mut session = Session { reg, py, failed_source: None };
        let result = session.specialize(id, args);
        let source = session.failed_source.take();
        match result {
            Ok(entry) => {
                // A function typed while a callee was still being inferred may hold calls
                // of a type that was not known then; infer it again now that it is.
                for _ in 0..4 {
                    let stale: Vec<(usize, Vec<Type>)> = session
                        .reg
                        .typed
                        .iter()
                        .filter_map(|(k, t)| match t {
                            Typed::Done(f) if find_unknown(f).is_some() => Some(k.clone()),
                            _ => None,
                        })
                        .collect();
                    if stale.is_empty() {
                        break;
                    }
                    for k in stale {
                        session.reg.typed.remove(&k);
                        session.specialize(k.0, &k.1).map_err(|d| (d, session.failed_source.clone()))?;
                    }
                }
                let entry = match session.reg.typed.get(&(id, args.to_vec())) {
                    Some(Typed::Done(f)) => f.clone(),
                    _ => entry,
                };
                let functions = session.collect(&entry)?;
                let src = entry_info(id).map(|i| i.source.clone()).expect("inferred function has source");
                Ok(TypedUnit { entry, functions, source: src })
            }
            Err(d) => Err((d, source)),
        }
    })
    .map_err(|d| (d, None))?
}

struct Session<'r, 'py> {
    reg: &'r mut Registry,
    py: Python<'py>,
    /// Source of the function whose inference failed, to render the diagnostic.
    failed_source: Option<Arc<crate::common::diagnostic::SourceFile>>,
}

impl Session<'_, '_> {
    fn info(&mut self, id: usize) -> Result<Arc<FunctionInfo>, Diagnostic> {
        if let Some(i) = entry_info(id) {
            return Ok(i);
        }
        let func = {
            let entries = ENTRIES.lock().map_err(|_| Diagnostic::internal("dispatcher table poisoned"))?;
            entries.get(id).ok_or_else(|| Diagnostic::internal(format!("no dispatcher {id}")))?.py_func.clone_ref(self.py)
        };
        // Reading the function runs Python code (inspect): the table is not locked meanwhile.
        let info = Arc::new(load_function(self.py, func.bind(self.py))?);
        if let Some(e) = ENTRIES.lock().map_err(|_| Diagnostic::internal("dispatcher table poisoned"))?.get_mut(id) {
            e.info = Some(info.clone());
        }
        Ok(info)
    }

    fn specialize(&mut self, id: usize, args: &[Type]) -> Result<Arc<Function>, Diagnostic> {
        let info = self.info(id)?;
        let key = (id, args.to_vec());
        let next = self.reg.symbols.len();
        let symbol = self.reg.symbols.entry(key.clone()).or_insert_with(|| format!("{}.{}.{}", mangle(&info.qualname), id, next)).clone();
        self.reg.typed.insert(key.clone(), Typed::InProgress { symbol: symbol.clone(), ret: Type::Unknown });
        self.reg.by_symbol.insert(symbol.clone(), key.clone());
        let options = InferOptions { self_symbol: Some(symbol.clone()) };
        match infer_function(&info.parsed, args, &info.globals, symbol, &options, self) {
            Ok(f) => {
                let f = Arc::new(f);
                self.reg.typed.insert(key, Typed::Done(f.clone()));
                Ok(f)
            }
            Err(d) => {
                self.reg.typed.remove(&key);
                if self.failed_source.is_none() {
                    self.failed_source = Some(info.source.clone());
                }
                let sig: Vec<String> = args.iter().map(|t| t.to_string()).collect();
                Err(d.with_note(format!("during: typing {}({})", info.qualname, sig.join(", "))))
            }
        }
    }

    /// The entry and, transitively, every specialization it calls.
    fn collect(&self, entry: &Arc<Function>) -> Result<Vec<Arc<Function>>, (Diagnostic, Option<Arc<crate::common::diagnostic::SourceFile>>)> {
        let mut out = vec![entry.clone()];
        let mut i = 0;
        while i < out.len() {
            for callee in out[i].callees.clone() {
                if out.iter().any(|f| f.symbol == callee) {
                    continue;
                }
                let key = self.reg.by_symbol.get(&callee);
                match key.and_then(|k| self.reg.typed.get(k)) {
                    Some(Typed::Done(f)) => out.push(f.clone()),
                    _ => return Err((Diagnostic::internal(format!("callee {callee} was never typed")), None)),
                }
            }
            i += 1;
        }
        Ok(out)
    }
}

impl Host for Session<'_, '_> {
    fn call_dispatcher(&mut self, id: usize, args: &[Type]) -> Result<(String, Type), Diagnostic> {
        match self.reg.typed.get(&(id, args.to_vec())) {
            Some(Typed::Done(f)) => Ok((f.symbol.clone(), f.ret.clone())),
            Some(Typed::InProgress { symbol, ret }) => Ok((symbol.clone(), ret.clone())),
            None => {
                let f = self.specialize(id, args)?;
                Ok((f.symbol.clone(), f.ret.clone()))
            }
        }
    }

    fn dispatcher_params(&mut self, id: usize) -> Result<(Vec<String>, Vec<crate::common::resolve::GlobalValue>), Diagnostic> {
        let info = self.info(id)?;
        Ok((info.parsed.params.clone(), info.defaults.clone()))
    }

    fn resolve_overload(&mut self, key: usize, args: &[Type], kwargs: &[(String, Type)]) -> Result<Option<usize>, Diagnostic> {
        self.resolve_extension("resolve_overload", key.into_pyobject(self.py).map_err(|e| Diagnostic::internal(e.to_string()))?.into_any(), args, kwargs)
    }

    fn resolve_method(&mut self, name: &str, args: &[Type], kwargs: &[(String, Type)]) -> Result<Option<usize>, Diagnostic> {
        self.resolve_extension("resolve_method", pyo3::types::PyString::new(self.py, name).into_any(), args, kwargs)
    }

    fn module_attribute(&mut self, module: &str, attr: &str) -> Result<Option<crate::common::resolve::GlobalValue>, Diagnostic> {
        crate::driver::source::module_attribute(self.py, module, attr)
    }

    fn publish_return(&mut self, symbol: &str, ret: &Type) {
        if let Some(key) = self.reg.by_symbol.get(symbol) {
            if let Some(Typed::InProgress { ret: r, .. }) = self.reg.typed.get_mut(key) {
                *r = ret.clone();
            }
        }
    }
}

impl Session<'_, '_> {
    /// Ask `ferrumba.extending` for the implementation of an overloaded call; the typing
    /// functions there run user (or library) Python code, at compile time only.
    fn resolve_extension(&mut self, function: &str, key: Bound<'_, PyAny>, args: &[Type], kwargs: &[(String, Type)]) -> Result<Option<usize>, Diagnostic> {
        let py = self.py;
        let fail = |e: PyErr| Diagnostic {
            span: None,
            ..Diagnostic::typing("overload-failed", format!("an @overload typing function raised: {e}"), Default::default())
        };
        let module = py.import("ferrumba.extending").map_err(fail)?;
        let mut names: Vec<String> = args.iter().map(|t| t.to_string()).collect();
        let kw = pyo3::types::PyDict::new(py);
        for (k, t) in kwargs {
            kw.set_item(k, t.to_string()).map_err(fail)?;
        }
        names.shrink_to_fit();
        let found = module.call_method1(function, (key, names, kw)).map_err(fail)?;
        if found.is_none() {
            return Ok(None);
        }
        let d = found.cast::<crate::cpu::dispatcher::Dispatcher>().map_err(|e| fail(e.into()))?;
        Ok(Some(d.get().id))
    }
}

fn mangle(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' }).collect()
}
