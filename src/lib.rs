//! ferrumba: a just-in-time, type-specializing compiler for numerical Python.
//!
//! `common` is the front end and typed IR; `cpu` lowers it for the host; `driver` connects
//! Python functions to the compiler. See docs/ARCHITECTURE.md for the map.

pub mod common;
pub mod cpu;
pub mod cuda;
pub mod driver;

use pyo3::prelude::*;

/// Typed IR of `source`'s function `name` for argument types given as Numba type strings
/// (for snapshot tests and `inspect_types` of plain source).
#[pyfunction]
fn typed_ir_of_source(py: Python<'_>, source: &str, name: &str, arg_types: Vec<String>) -> PyResult<String> {
    let src = common::diagnostic::SourceFile { filename: "<source>".into(), text: source.to_string(), line_offset: 0, col_offset: 0 };
    let types = arg_types
        .iter()
        .map(|t| common::signature::parse_type(t))
        .collect::<Result<Vec<_>, _>>()
        .map_err(pyo3::exceptions::PyValueError::new_err)?;
    let render = |d: common::diagnostic::Diagnostic| common::diagnostic::render(&d, Some(&src));
    let parsed = common::parse::parse_function(&src, name).map_err(|d| pyo3::exceptions::PyValueError::new_err(render(d)))?;
    struct NoCalls;
    impl common::infer::Host for NoCalls {
        fn call_dispatcher(&mut self, _: usize, _: &[common::types::Type]) -> Result<(String, common::types::Type), common::diagnostic::Diagnostic> {
            Err(common::diagnostic::Diagnostic::internal("no other functions in a source snippet"))
        }
        fn dispatcher_params(&mut self, _: usize) -> Result<(Vec<String>, Vec<common::resolve::GlobalValue>), common::diagnostic::Diagnostic> {
            Err(common::diagnostic::Diagnostic::internal("no other functions in a source snippet"))
        }
        fn module_attribute(&mut self, module: &str, attr: &str) -> Result<Option<common::resolve::GlobalValue>, common::diagnostic::Diagnostic> {
            Python::attach(|py| driver::source::module_attribute(py, module, attr))
        }
        fn resolve_overload(&mut self, _: usize, _: &[common::types::Type], _: &[(String, common::types::Type)]) -> Result<Option<usize>, common::diagnostic::Diagnostic> {
            Ok(None)
        }
        fn resolve_method(&mut self, _: &str, _: &[common::types::Type], _: &[(String, common::types::Type)]) -> Result<Option<usize>, common::diagnostic::Diagnostic> {
            Ok(None)
        }
    }
    let opts = common::infer::InferOptions { self_symbol: None };
    let globals = driver::source::snippet_globals(py, source, &parsed).map_err(|d| pyo3::exceptions::PyValueError::new_err(render(d)))?;
    let f = common::infer::infer_function(&parsed, &types, &globals, name.to_string(), &opts, &mut NoCalls)
        .map_err(|d| pyo3::exceptions::PyValueError::new_err(render(d)))?;
    Ok(f.to_string())
}

/// Arrays allocated by compiled code and not yet freed (for leak tests).
#[pyfunction]
fn live_allocations() -> usize {
    cpu::memory::live_allocations()
}

/// PTX for `py_func` compiled as a kernel for `signature` (Numba syntax) and compute
/// capability `cc`; returns the PTX and the return type. Needs no GPU.
#[pyfunction]
#[pyo3(signature = (py_func, signature, cc, fastmath=false, libdevice=None))]
fn compile_ptx(py: Python<'_>, py_func: Py<PyAny>, signature: &str, cc: (u32, u32), fastmath: bool, libdevice: Option<String>) -> PyResult<(String, String)> {
    let sig = common::signature::parse_signature(signature).map_err(|e| pyo3::exceptions::PyTypeError::new_err(format!("invalid signature {signature:?}: {e}")))?;
    let name: String = py_func.bind(py).getattr("__name__")?.extract()?;
    let id = driver::registry::register(py_func).map_err(|d| cpu::dispatcher::typing_error(py, &d, None))?;
    let unit = driver::registry::infer_unit(py, id, &sig.args).map_err(|(d, src)| cpu::dispatcher::typing_error(py, &d, src.as_deref()))?;
    let funcs: Vec<&common::ir::Function> = unit.functions.iter().map(|f| f.as_ref()).collect();
    let options = cuda::ptx::PtxOptions { cc: cuda::ptx::target_cc(cc), fastmath, libdevice };
    let symbol: String = name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' }).collect();
    let ptx = cuda::ptx::compile_ptx(&funcs, &symbol, &options).map_err(|d| cpu::dispatcher::typing_error(py, &d, Some(&unit.source)))?;
    Ok((ptx, unit.entry.ret.to_string()))
}

#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    cpu::complex_math::set_python_version(m.py().version_info() >= (3, 14));
    m.add_class::<cpu::dispatcher::Dispatcher>()?;
    m.add_function(wrap_pyfunction!(typed_ir_of_source, m)?)?;
    m.add_function(wrap_pyfunction!(live_allocations, m)?)?;
    m.add_function(wrap_pyfunction!(compile_ptx, m)?)?;
    m.add_class::<cpu::memory::MemoryOwner>()?;
    m.add_class::<cpu::list_python::ListStorage>()?;
    cuda::python::register(m)?;
    Ok(())
}
