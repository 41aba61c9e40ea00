//! The object `@njit` returns. Calling it types the arguments, finds (or compiles) the
//! specialization, and calls native code, all in Rust.

use crate::common::diagnostic::{render, Diagnostic, DiagnosticKind, SourceFile};
use crate::common::ir::Function;
use crate::common::signature::parse_signature;
use crate::common::types::{slot_count, Type};
use crate::cpu::boxing::{box_value, convertible, describe_python_type, typeof_arg, unbox, unbox_exact, SlotBuf};
use crate::cpu::jit::{compile_unit_entries, EntryFn};
use crate::cpu::launch::{ArraySlots, PrivateArg, PrivateVariant};
use crate::cpu::lower::LowerOptions;
use crate::cpu::runtime::ExcInfo;
use crate::driver::registry::{infer_unit, register};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString, PyTuple};
use std::sync::{Arc, RwLock};

pub struct Overload {
    pub args: Vec<Type>,
    pub ret: Type,
    entry: EntryFn,
    pub typed: Arc<Function>,
    pub llvm_ir: String,
    ret_slots: usize,
    /// Kernels only: the variant with per-worker copies of some arrays.
    private: Option<PrivateVariant>,
    /// Bit i: parameter i was omitted and compiled as its (constant) default value, as
    /// Numba's `Omitted` type does; such an overload serves only calls that omit it.
    omitted: u64,
    /// Reflected list parameters (index, slot, item type): written back after the call.
    reflected: Vec<(usize, usize, Type)>,
}

/// Where the reflected list parameters' native copies are in the argument slots.
fn reflected_params(args: &[Type]) -> Vec<(usize, usize, Type)> {
    let mut out = vec![];
    let mut slot = 0;
    for (i, t) in args.iter().enumerate() {
        if let Type::List { item, reflected: true } = t {
            out.push((i, slot, (**item).clone()));
        }
        slot += crate::common::types::slot_count(t);
    }
    out
}

#[pyclass(module = "ferrumba._core", dict, weakref, frozen, subclass)]
pub struct Dispatcher {
    /// Read by CPython through `tp_vectorcall_offset` (see `vectorcall.rs`).
    vectorcall: crate::cpu::vectorcall::VectorcallFn,
    pub id: usize,
    py_func: Py<PyAny>,
    params: Vec<String>,
    defaults: Vec<Py<PyAny>>,
    nogil: bool,
    lower: LowerOptions,
    overloads: RwLock<Vec<Arc<Overload>>>,
    /// With explicit signatures Numba compiles nothing else: other argument types are
    /// converted to a compiled signature, or rejected.
    explicit: std::sync::atomic::AtomicBool,
    /// A `@cuda.jit` kernel: compiled through the work-item pass and launched per block.
    kernel: bool,
}

/// An argument compiled code cannot take: Numba raises TypingError there, Python code
/// expects TypeError; `ferrumba.errors.NumbaTypeError` is both.
fn argument_type_error(py: Python<'_>, message: String) -> PyErr {
    match py.import("ferrumba.errors").and_then(|m| m.getattr("NumbaTypeError")).and_then(|cls| cls.call1((message.clone(),))) {
        Ok(exc) => PyErr::from_value(exc),
        Err(_) => PyTypeError::new_err(message),
    }
}

pub(crate) fn typing_error(py: Python<'_>, d: &Diagnostic, source: Option<&SourceFile>) -> PyErr {
    let text = render(d, source);
    let class = match d.kind {
        DiagnosticKind::Internal => "InternalError",
        _ => "TypingError",
    };
    match py.import("ferrumba.errors").and_then(|m| m.getattr(class)) {
        Ok(cls) => match cls.call1((text.clone(),)) {
            Ok(exc) => PyErr::from_value(exc),
            Err(e) => e,
        },
        Err(_) => PyTypeError::new_err(text),
    }
}

#[pymethods]
impl Dispatcher {
    #[new]
    #[pyo3(signature = (py_func, nogil=false, fastmath=false, boundscheck=false, error_model="python", kernel=false))]
    fn new(py: Python<'_>, py_func: Py<PyAny>, nogil: bool, fastmath: bool, boundscheck: bool, error_model: &str, kernel: bool) -> PyResult<Self> {
        let f = py_func.bind(py);
        let code = f.getattr("__code__")?;
        let argcount: usize = code.getattr("co_argcount")?.extract()?;
        let kwonly: usize = code.getattr("co_kwonlyargcount")?.extract()?;
        let varnames: Vec<String> = code.getattr("co_varnames")?.extract()?;
        let params = varnames[..argcount + kwonly].to_vec();
        let defaults: Vec<Py<PyAny>> = match f.getattr("__defaults__")? {
            d if d.is_none() => vec![],
            d => d.extract()?,
        };
        if !matches!(error_model, "python" | "numpy") {
            return Err(PyValueError::new_err(format!("error_model must be 'python' or 'numpy', not {error_model:?}")));
        }
        let id = register(py_func.clone_ref(py)).map_err(|d| typing_error(py, &d, None))?;
        Ok(Dispatcher {
            vectorcall: crate::cpu::vectorcall::dispatcher_vectorcall,
            id,
            py_func,
            params,
            defaults,
            nogil,
            lower: LowerOptions { fastmath, boundscheck, python_errors: error_model == "python", gpu: false },
            overloads: RwLock::new(vec![]),
            explicit: false.into(),
            kernel,
        })
    }

    #[pyo3(signature = (*args, **kwargs))]
    fn __call__(&self, py: Python<'_>, args: &Bound<'_, PyTuple>, kwargs: Option<&Bound<'_, PyDict>>) -> PyResult<Py<PyAny>> {
        self.call_general(py, args, kwargs)
    }

    /// Switch this dispatcher's type to vectorcall (see `vectorcall.rs`); false where the
    /// running CPython is not one whose layout ferrumba knows.
    fn _enable_vectorcall(slf: &Bound<'_, Self>) -> bool {
        let offset = (&slf.get().vectorcall as *const _ as usize) - (slf.as_ptr() as usize);
        crate::cpu::vectorcall::enable(slf.as_any(), offset)
    }

    /// Launch a kernel on the CPU target: `grid` blocks of `block` threads.
    #[pyo3(signature = (grid, block, args, shared_bytes=0))]
    fn _launch(&self, py: Python<'_>, grid: (i64, i64, i64), block: (i64, i64, i64), args: &Bound<'_, PyTuple>, shared_bytes: i64) -> PyResult<()> {
        if !self.kernel {
            return Err(PyTypeError::new_err("only @cuda.jit kernels can be launched"));
        }
        let dims = [grid.0, grid.1, grid.2, block.0, block.1, block.2];
        if dims.iter().any(|&d| d < 1) {
            return Err(PyValueError::new_err(format!("grid and block dimensions must be positive, got grid={grid:?} block={block:?}")));
        }
        if block.0 * block.1 * block.2 > 1024 {
            return Err(PyValueError::new_err(format!(
                "a block of {}x{}x{} threads exceeds the 1024 threads a CUDA block may have",
                block.0, block.1, block.2
            )));
        }
        if args.len() != self.params.len() {
            let name = self.py_func.bind(py).getattr("__name__")?.extract::<String>()?;
            return Err(PyTypeError::new_err(format!("{name}() takes {} arguments but {} were given", self.params.len(), args.len())));
        }
        let mut slots = SlotBuf::new();
        let ov = self.select_overload(py, args, &mut slots, 0)?;
        if shared_bytes < 0 {
            return Err(PyValueError::new_err("the dynamic shared memory size cannot be negative"));
        }
        let mut all: Vec<u64> =
            vec![0, 0, 0, grid.0 as u64, grid.1 as u64, grid.2 as u64, block.0 as u64, block.1 as u64, block.2 as u64, shared_bytes as u64];
        all.extend_from_slice(slots.as_slice());
        let entry = ov.entry;
        let g = [grid.0, grid.1, grid.2];
        let threads = block.0 * block.1 * block.2;
        let failed = py.detach(|| crate::cpu::launch::run_blocks(entry, &all, g, threads, ov.private.as_ref()));
        match failed {
            None => Ok(()),
            Some(r) => Err(raised(py, &ExcInfo { class: r.class as *const _, message: r.message as *const _ })),
        }
    }

    /// Compile eagerly for a signature string (Numba syntax).
    fn compile(&self, py: Python<'_>, signature: &str) -> PyResult<()> {
        let sig = parse_signature(signature).map_err(|e| PyTypeError::new_err(format!("invalid signature {signature:?}: {e}")))?;
        if sig.args.len() != self.params.len() {
            return Err(PyTypeError::new_err(format!(
                "signature {signature:?} has {} arguments but the function takes {}",
                sig.args.len(),
                self.params.len()
            )));
        }
        let ov = self.compile_for(py, &sig.args, 0)?;
        if let Some(ret) = sig.ret {
            if ret != ov.ret && ret != Type::NoneType {
                return Err(typing_error(
                    py,
                    &Diagnostic { kind: DiagnosticKind::Typing, id: "return-type", message: format!("the function returns {} but the signature declares {}", ov.ret, ret), span: None, hint: Some("fix the declared return type in the signature".into()), notes: vec![] },
                    None,
                ));
            }
        }
        self.explicit.store(true, std::sync::atomic::Ordering::Relaxed);
        Ok(())
    }

    /// Turn off lazy compilation (as after explicit signatures).
    fn disable_compile(&self) {
        self.explicit.store(true, std::sync::atomic::Ordering::Relaxed);
    }

    #[getter]
    fn py_func(&self, py: Python<'_>) -> Py<PyAny> {
        self.py_func.clone_ref(py)
    }

    /// Argument type strings of each compiled specialization, in compile order.
    fn _signature_strings(&self) -> Vec<(Vec<String>, String)> {
        let overloads = self.overloads.read().expect("overload list lock");
        overloads.iter().map(|ov| (ov.args.iter().map(|t| t.to_string()).collect(), ov.ret.to_string())).collect()
    }

    fn _typed_ir(&self, index: usize) -> PyResult<String> {
        let overloads = self.overloads.read().expect("overload list lock");
        let ov = overloads.get(index).ok_or_else(|| PyValueError::new_err("no such specialization"))?;
        Ok(ov.typed.to_string())
    }

    fn _llvm_ir(&self, index: usize) -> PyResult<String> {
        let overloads = self.overloads.read().expect("overload list lock");
        Ok(overloads.get(index).ok_or_else(|| PyValueError::new_err("no such specialization"))?.llvm_ir.clone())
    }

    fn _asm(&self, py: Python<'_>, index: usize) -> PyResult<String> {
        let ir = self._llvm_ir(index)?;
        crate::cpu::jit::assembly_of(&ir).map_err(|d| typing_error(py, &d, None))
    }
}

impl Dispatcher {
    /// The whole calling convention: keywords, defaults, lookup, compile on a miss.
    pub fn call_general(&self, py: Python<'_>, args: &Bound<'_, PyTuple>, kwargs: Option<&Bound<'_, PyDict>>) -> PyResult<Py<PyAny>> {
        let bound;
        let mut omitted = 0;
        let args = if kwargs.is_some_and(|k| !k.is_empty()) || args.len() != self.params.len() {
            let (tuple, mask) = self.bind_arguments(py, args, kwargs)?;
            bound = tuple;
            omitted = mask;
            &bound
        } else {
            args
        };
        let mut slots = SlotBuf::new();
        let ov = self.select_overload(py, args, &mut slots, omitted)?;
        self.run(py, &ov, &slots, &|i| args.get_item(i).ok())
    }

    /// The specialization for `args` (compiling one if needed), with the arguments unboxed
    /// into `slots`: an exact match first, then the slow path (typing, conversion for
    /// explicit signatures, compilation).
    fn select_overload(&self, py: Python<'_>, args: &Bound<'_, PyTuple>, slots: &mut SlotBuf, omitted: u64) -> PyResult<Arc<Overload>> {
        // Explicit signatures serve every call, omitted arguments or not.
        let omitted = if self.explicit.load(std::sync::atomic::Ordering::Relaxed) { 0 } else { omitted };
        {
            let overloads = self.overloads.read().expect("overload list lock");
            'overloads: for ov in overloads.iter() {
                if ov.args.len() != args.len() || ov.omitted != omitted {
                    continue;
                }
                slots.clear();
                for (a, t) in args.iter().zip(&ov.args) {
                    if !unbox_exact(&a, t, slots)? {
                        continue 'overloads;
                    }
                }
                return Ok(ov.clone());
            }
        }
        let ov = self.resolve_slow(py, args, omitted)?;
        slots.clear();
        for (a, t) in args.iter().zip(&ov.args) {
            unbox(&a, t, slots)?;
        }
        Ok(ov)
    }

    /// The hot path for positional arguments matching a compiled signature exactly;
    /// `None` sends the call down the general path.
    pub fn call_fast(&self, py: Python<'_>, args: &[*mut pyo3::ffi::PyObject]) -> Option<PyResult<Py<PyAny>>> {
        if args.len() != self.params.len() {
            return None;
        }
        let mut slots = SlotBuf::new();
        let found = {
            let overloads = self.overloads.read().expect("overload list lock");
            let mut found = None;
            'overloads: for ov in overloads.iter() {
                if ov.omitted != 0 {
                    continue;
                }
                slots.clear();
                for (&a, t) in args.iter().zip(&ov.args) {
                    let a = unsafe { pyo3::Borrowed::from_ptr(py, a) };
                    match unbox_exact(&a, t, &mut slots) {
                        Ok(true) => {}
                        Ok(false) => continue 'overloads,
                        Err(e) => return Some(Err(e)),
                    }
                }
                found = Some(ov.clone());
                break;
            }
            found
        }?;
        Some(self.run(py, &found, &slots, &|i| args.get(i).map(|&a| unsafe { Bound::from_borrowed_ptr(py, a) })))
    }

    /// Fill in keyword arguments and defaults, with Python's error messages; also says which
    /// parameters took a default that compiles as a constant (see `Overload::omitted`).
    fn bind_arguments<'py>(&self, py: Python<'py>, args: &Bound<'py, PyTuple>, kwargs: Option<&Bound<'py, PyDict>>) -> PyResult<(Bound<'py, PyTuple>, u64)> {
        let name = self.py_func.bind(py).getattr("__name__")?.extract::<String>()?;
        let n = self.params.len();
        if args.len() > n {
            return Err(PyTypeError::new_err(format!("{name}() takes {n} positional arguments but {} were given", args.len())));
        }
        let mut values: Vec<Option<Bound<PyAny>>> = args.iter().map(Some).collect();
        values.resize(n, None);
        if let Some(kw) = kwargs {
            for (k, v) in kw.iter() {
                let key: String = k.extract()?;
                match self.params.iter().position(|p| *p == key) {
                    Some(i) if values[i].is_some() => return Err(PyTypeError::new_err(format!("{name}() got multiple values for argument '{key}'"))),
                    Some(i) => values[i] = Some(v),
                    None => return Err(PyTypeError::new_err(format!("{name}() got an unexpected keyword argument '{key}'"))),
                }
            }
        }
        let first_default = n - self.defaults.len().min(n);
        let mut out = Vec::with_capacity(n);
        let mut omitted = 0u64;
        for (i, v) in values.into_iter().enumerate() {
            match v {
                Some(v) => out.push(v),
                None if i >= first_default => {
                    let default = self.defaults[i - first_default].bind(py).clone();
                    if i < 64 && default_literal(&default).is_some() {
                        omitted |= 1 << i;
                    }
                    out.push(default)
                }
                None => return Err(PyTypeError::new_err(format!("{name}() missing required argument: '{}'", self.params[i]))),
            }
        }
        Ok((PyTuple::new(py, out)?, omitted))
    }

    fn resolve_slow(&self, py: Python<'_>, args: &Bound<'_, PyTuple>, omitted: u64) -> PyResult<Arc<Overload>> {
        let mut types = Vec::with_capacity(args.len());
        for (i, a) in args.iter().enumerate() {
            match typeof_arg(&a)? {
                Some(t) => types.push(t),
                None => {
                    let name = self.py_func.bind(py).getattr("__name__")?.extract::<String>()?;
                    let param = self.params.get(i).map(String::as_str).unwrap_or("?");
                    if let Ok(list) = a.cast::<pyo3::types::PyList>() {
                        let why = if list.is_empty() {
                            "an empty list has no item type to compile for".to_string()
                        } else {
                            format!("its first item, a {}, cannot be a list item in compiled code", describe_python_type(&list.get_item(0)?))
                        };
                        return Err(argument_type_error(py, format!(
                            "{name}(): argument {} ('{param}') is a list that cannot be passed: {why}; \
                             pass a non-empty list of numbers or tuples, or a ferrumba.typed.List (List.empty_list(item_type) when empty, nested Lists for lists of lists)",
                            i + 1
                        )));
                    }
                    return Err(argument_type_error(py, format!(
                        "{name}(): argument {} ('{}') has type '{}', which compiled code does not support; \
                         supported are bool, int, float, complex, None, NumPy scalars and arrays, and tuples of these",
                        i + 1,
                        self.params.get(i).map(String::as_str).unwrap_or("?"),
                        describe_python_type(&a)
                    )));
                }
            }
        }
        if self.explicit.load(std::sync::atomic::Ordering::Relaxed) {
            let overloads = self.overloads.read().expect("overload list lock");
            if let Some(ov) = overloads.iter().find(|ov| args.iter().zip(&ov.args).all(|(a, t)| convertible(&a, t))) {
                return Ok(ov.clone());
            }
            let have: Vec<String> = overloads.iter().map(|ov| format!("({})", ov.args.iter().map(|t| t.to_string()).collect::<Vec<_>>().join(", "))).collect();
            let got: Vec<String> = types.iter().map(|t| t.to_string()).collect();
            return Err(PyTypeError::new_err(format!("no matching definition for argument type(s) {}; compiled signatures: {}", got.join(", "), have.join(", "))));
        }
        self.compile_for(py, &types, omitted)
    }

    fn compile_for(&self, py: Python<'_>, types: &[Type], omitted: u64) -> PyResult<Arc<Overload>> {
        if let Some(ov) = self.overloads.read().expect("overload list lock").iter().find(|ov| ov.args == types && ov.omitted == omitted) {
            return Ok(ov.clone());
        }
        // Omitted arguments are constants in the compiled code: the entry's parameter is
        // assigned its default first thing, and LLVM folds it through.
        let n_defaults = self.defaults.len().min(self.params.len());
        let first_default = self.params.len() - n_defaults;
        let constants: Vec<(usize, crate::common::ir::ExprKind)> = (0..self.params.len())
            .filter(|i| omitted & (1 << i) != 0)
            .filter_map(|i| default_literal(self.defaults[i - first_default].bind(py)).map(|k| (i, k)))
            .collect();
        let compiled = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| -> Result<Overload, (Diagnostic, Option<Arc<SourceFile>>)> {
            let t0 = std::time::Instant::now();
            let mut unit = infer_unit(py, self.id, types)?;
            if !constants.is_empty() {
                let mut entry = (*unit.entry).clone();
                entry.symbol = format!("{}.omitted{omitted}", entry.symbol);
                for (i, kind) in constants.iter().rev() {
                    let p = entry.params[*i];
                    let value = crate::common::ir::Expr::new(kind.clone(), entry.vars[p].ty.clone(), Default::default());
                    entry.body.insert(0, crate::common::ir::Stmt::Assign(p, value));
                }
                let entry = Arc::new(entry);
                unit.functions[0] = entry.clone();
                unit.entry = entry;
            }
            if std::env::var_os("FERRUMBA_TIMING").is_some() {
                eprintln!("ferrumba: {}: front end {:.1} ms", unit.entry.symbol, t0.elapsed().as_secs_f64() * 1e3);
            }
            let lowered;
            let mut funcs: Vec<&Function> = unit.functions.iter().map(|f| f.as_ref()).collect();
            let mut entry_symbols = vec![unit.entry.symbol.as_str()];
            let mut private_arrays = vec![];
            if self.kernel {
                // Kernels run on the host through the work-item pass: the unit's entry is
                // the block function, which calls the kernel body per thread.
                lowered = crate::common::workitem::to_host(&unit.entry, &unit.source).map_err(|d| (d, Some(unit.source.clone())))?;
                funcs.remove(0);
                let mut kernel_funcs = vec![&lowered.block];
                kernel_funcs.extend(&lowered.thread);
                entry_symbols = vec![lowered.block.symbol.as_str()];
                if let Some(p) = &lowered.private {
                    kernel_funcs.push(&p.block);
                    kernel_funcs.extend(&p.thread);
                    entry_symbols.push(p.block.symbol.as_str());
                    private_arrays = p.arrays.clone();
                }
                funcs.splice(0..0, kernel_funcs);
            }
            let cu = compile_unit_entries(&funcs, &entry_symbols, &self.lower).map_err(|d| (d, Some(unit.source.clone())))?;
            let private = cu.more_entries.first().map(|&entry| {
                let all = launch_array_slots(types);
                let at = |param: usize| all.iter().find(|(p, _)| *p == param).map(|(_, a)| *a).expect("a privatized parameter is an array");
                let arrays = private_arrays
                    .iter()
                    .map(|a| PrivateArg { at: at(a.param), dtype: types[a.param].array().expect("array parameter").dtype, merge: a.merge })
                    .collect();
                PrivateVariant { entry, arrays, all_arrays: all.into_iter().map(|(_, a)| a).collect() }
            });
            Ok(Overload {
                args: types.to_vec(),
                ret: unit.entry.ret.clone(),
                entry: cu.entry,
                typed: unit.entry.clone(),
                llvm_ir: cu.llvm_ir,
                ret_slots: slot_count(&unit.entry.ret),
                private,
                omitted,
                reflected: reflected_params(types),
            })
        }));
        let ov = match compiled {
            Ok(Ok(ov)) => {
                if ov.llvm_ir.contains("ferrumba_rt_gemm") {
                    load_scipy_blas(py);
                }
                Arc::new(ov)
            }
            Ok(Err((d, src))) => return Err(typing_error(py, &d, src.as_deref())),
            Err(panic) => {
                let msg = panic.downcast_ref::<String>().cloned().or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string())).unwrap_or_default();
                return Err(typing_error(py, &Diagnostic::internal(format!("the compiler panicked: {msg}")), None));
            }
        };
        self.overloads.write().expect("overload list lock").push(ov.clone());
        Ok(ov)
    }

    fn run<'py>(&self, py: Python<'py>, ov: &Overload, slots: &SlotBuf, arg_at: &dyn Fn(usize) -> Option<Bound<'py, PyAny>>) -> PyResult<Py<PyAny>> {
        let mut ret = [0u64; 16];
        let mut ret_vec;
        let ret_buf: &mut [u64] = if ov.ret_slots <= ret.len() {
            &mut ret
        } else {
            ret_vec = vec![0u64; ov.ret_slots];
            &mut ret_vec
        };
        let mut exc = ExcInfo::default();
        let entry = ov.entry;
        let status = if self.nogil {
            let (sp, rp, ep) = (slots.as_ptr() as usize, ret_buf.as_mut_ptr() as usize, &mut exc as *mut ExcInfo as usize);
            py.detach(move || unsafe { entry(sp as *const u64, rp as *mut u64, ep as *mut ExcInfo) })
        } else {
            unsafe { entry(slots.as_ptr(), ret_buf.as_mut_ptr(), &mut exc) }
        };
        let result = if status != 0 {
            Err(raised(py, &exc))
        } else {
            let mut pos = 0;
            box_value(py, &ov.ret, ret_buf, &mut pos)
        };
        // Changes to reflected lists show in the Python lists, even when the call raised.
        let mut result = result;
        for (i, slot, item) in &ov.reflected {
            if let Some(obj) = arg_at(*i) {
                if let Err(e) = crate::cpu::list_python::reflect_back(py, &obj, item, slots.as_slice()[*slot]) {
                    result = Err(e);
                }
            }
        }
        // After boxing (which takes references to escaping arrays), free the rest.
        crate::cpu::memory::release_arena();
        result
    }
}

/// The Python exception compiled code raised.
fn raised(py: Python<'_>, exc: &ExcInfo) -> PyErr {
    let class = if exc.class.is_null() { "SystemError".to_string() } else { unsafe { std::ffi::CStr::from_ptr(exc.class) }.to_string_lossy().into_owned() };
    let message = if exc.message.is_null() { None } else { Some(unsafe { std::ffi::CStr::from_ptr(exc.message) }.to_string_lossy().into_owned()) };
    // Builtin classes by name; others as "module:QualName".
    let (module, name) = class.split_once(':').unwrap_or(("builtins", class.as_str()));
    let owner = match py.import(module) {
        Ok(b) => b,
        Err(e) => return e,
    };
    let mut cls = owner.into_any();
    for part in name.split('.') {
        cls = match cls.getattr(part) {
            Ok(c) => c,
            Err(e) => return e,
        };
    }
    let value = match message {
        Some(m) => cls.call1((PyString::new(py, &m),)),
        None => cls.call0(),
    };
    match value {
        Ok(v) => PyErr::from_value(v),
        Err(e) => e,
    }
}

/// Where each array argument of a kernel launch sits among the launch's slots (the block
/// function's launch parameters first, then the arguments'), with the argument it is in.
fn launch_array_slots(types: &[Type]) -> Vec<(usize, ArraySlots)> {
    fn walk(t: &Type, param: usize, slot: usize, out: &mut Vec<(usize, ArraySlots)>) {
        match t {
            Type::Array(a) => out.push((param, ArraySlots { slot, ndim: a.ndim as usize })),
            Type::Tuple(items) => {
                let mut at = slot;
                for it in items {
                    walk(it, param, at, out);
                    at += slot_count(it);
                }
            }
            _ => {}
        }
    }
    let mut out = vec![];
    let mut slot = crate::common::workitem::BLOCK_PARAMS;
    for (param, t) in types.iter().enumerate() {
        walk(t, param, slot, &mut out);
        slot += slot_count(t);
    }
    out
}

/// Look for SciPy's BLAS once, when the first function with a matrix product compiles (so
/// that importing ferrumba never imports SciPy); without SciPy, matrixmultiply does the work.
fn load_scipy_blas(py: Python<'_>) {
    static LOADED: std::sync::Once = std::sync::Once::new();
    LOADED.call_once(|| {
        let capsule_pointer = |capi: &Bound<'_, PyDict>, name: &str| -> PyResult<usize> {
            let Some(capsule) = capi.get_item(name)? else { return Ok(0) };
            let capsule = capsule.cast::<pyo3::types::PyCapsule>()?;
            // The name is the capsule's own (static in the Cython module), read at once.
            let name = capsule.name()?.map(|n| unsafe { n.as_cstr() });
            Ok(capsule.pointer_checked(name)?.as_ptr() as usize)
        };
        let found = || -> PyResult<(usize, usize)> {
            let capi = py.import("scipy.linalg.cython_blas")?.getattr("__pyx_capi__")?;
            let capi = capi.cast::<PyDict>()?;
            Ok((capsule_pointer(capi, "dgemm")?, capsule_pointer(capi, "sgemm")?))
        };
        if let Ok((dgemm, sgemm)) = found() {
            crate::cpu::blas::install(dgemm, sgemm);
        }
    });
}

/// A default value that compiles as a constant: an int, float or bool (as `typeof_arg`
/// types it: int64, float64, bool).
fn default_literal(v: &Bound<'_, PyAny>) -> Option<crate::common::ir::ExprKind> {
    use crate::common::ir::ExprKind;
    if v.is_exact_instance_of::<pyo3::types::PyBool>() {
        return v.extract::<bool>().ok().map(ExprKind::Bool);
    }
    if v.is_exact_instance_of::<pyo3::types::PyInt>() {
        return v.extract::<i64>().ok().map(ExprKind::Int);
    }
    if v.is_exact_instance_of::<pyo3::types::PyFloat>() {
        return v.extract::<f64>().ok().map(ExprKind::Float);
    }
    None
}
