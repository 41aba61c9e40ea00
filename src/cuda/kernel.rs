//! `@cuda.jit` kernels on the GPU target: the object `_gpu.Kernel` subclasses. Typing a
//! launch's arguments, finding the specialization, loading its PTX into the current
//! device, checking the configuration and building the parameter buffer all happen here,
//! in Rust, without calling Python code on the hot path (device arrays are read through
//! their `CudaArray` fields, Python floats/ints/bools by type pointer).
//!
//! Arguments the hot path does not take (NumPy arrays, objects exposing
//! `__cuda_array_interface__`) go once through `_gpu._prepare_args`, which copies NumPy
//! arrays in (and back after the launch, as numba-cuda does) and wraps foreign device
//! memory without a copy.

use super::driver::{self, CudaError, LoadedKernel};
use super::params::Params;
use super::ptx::{compile_ptx_and_ir, target_cc, PtxOptions};
use super::python::{guarded, to_pyerr, CudaArray, CudaStream};
use crate::common::diagnostic::{Diagnostic, SourceFile};
use crate::common::ir::Function;
use crate::common::signature::parse_signature;
use crate::common::types::{ArrayType, Layout, Scalar, Type};
use crate::cpu::boxing::{convertible, describe_python_type, typeof_arg, unbox, SlotBuf};
use crate::cpu::dispatcher::typing_error;
use crate::driver::registry::{infer_unit, register};
use numpy::PyUntypedArray;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyTuple};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};

/// One specialization: its types, typed IR, PTX per compute capability, and the module
/// loaded per device (and context generation).
pub struct GpuOverload {
    pub args: Vec<Type>,
    typed: Arc<Function>,
    funcs: Vec<Arc<Function>>,
    source: Arc<SourceFile>,
    /// (compute capability, PTX, LLVM IR).
    ptx: Mutex<Vec<((u32, u32), Arc<(String, String)>)>>,
    loaded: RwLock<Vec<Arc<LoadedKernel>>>,
}

#[pyclass(module = "ferrumba._core", subclass, frozen, dict, weakref)]
pub struct GpuKernel {
    id: usize,
    name: String,
    /// The PTX entry's name (the Python name, made a valid identifier).
    symbol: String,
    py_func: Py<PyAny>,
    nparams: usize,
    fastmath: bool,
    max_registers: Option<u32>,
    libdevice: Option<String>,
    overloads: RwLock<Vec<Arc<GpuOverload>>>,
    /// With explicit signatures nothing else is compiled: other argument types convert
    /// to a compiled signature, or are rejected (as numba-cuda does).
    explicit: AtomicBool,
}

/// A launch configuration: `kernel[griddim, blockdim, stream, sharedmem]`.
#[pyclass(module = "ferrumba._core", frozen)]
pub struct GpuLaunch {
    kernel: Py<GpuKernel>,
    grid: [u32; 3],
    block: [u32; 3],
    stream: usize,
    shared: u32,
    stream_obj: Option<Py<PyAny>>,
}

/// How the hot path sees one argument.
#[derive(Clone, Copy)]
enum Arg {
    /// A device array; points into an object the argument tuple keeps alive.
    Array(*const CudaArray),
    F64(f64),
    I64(i64),
    Bool(bool),
    /// Another value compiled code takes (NumPy scalar, complex, tuple of scalars, None):
    /// typed with `typeof_arg` and unboxed through the host's slots.
    Value,
    /// Needs `_prepare_args` (a NumPy array, `__cuda_array_interface__`, or unknown).
    Host,
}

fn array_type(a: &CudaArray) -> Option<Type> {
    Some(Type::Array(ArrayType { dtype: a.dtype?, ndim: a.shape.len() as u32, layout: a.layout, readonly: a.readonly }))
}

fn classify(arg: &Bound<'_, PyAny>) -> PyResult<Arg> {
    if let Ok(a) = arg.cast::<CudaArray>() {
        return Ok(Arg::Array(a.get() as *const CudaArray));
    }
    if arg.is_exact_instance_of::<PyFloat>() {
        return Ok(Arg::F64(unsafe { pyo3::ffi::PyFloat_AsDouble(arg.as_ptr()) }));
    }
    if arg.is_exact_instance_of::<PyInt>() {
        let mut overflow = 0;
        let v = unsafe { pyo3::ffi::PyLong_AsLongLongAndOverflow(arg.as_ptr(), &mut overflow) };
        if overflow == 0 && !(v == -1 && PyErr::occurred(arg.py())) {
            return Ok(Arg::I64(v));
        }
        let _ = PyErr::take(arg.py());
        return Ok(Arg::Value);
    }
    if arg.is_exact_instance_of::<PyBool>() {
        return Ok(Arg::Bool(arg.is_truthy()?));
    }
    if arg.cast::<PyUntypedArray>().is_ok() {
        return Ok(Arg::Host);
    }
    match typeof_arg(arg)? {
        Some(t) if !has_array(&t) => Ok(Arg::Value),
        _ => Ok(Arg::Host),
    }
}

fn has_array(t: &Type) -> bool {
    match t {
        Type::Array(_) => true,
        Type::Tuple(items) => items.iter().any(has_array),
        Type::Optional(inner) => has_array(inner),
        _ => false,
    }
}

/// Whether `arg` has exactly type `t` (`exact`), or converts to it under an explicit
/// signature.
fn matches(kind: Arg, arg: &Bound<'_, PyAny>, t: &Type, exact: bool) -> bool {
    match (kind, t) {
        (Arg::Array(p), Type::Array(want)) => {
            // SAFETY: the argument tuple keeps the array alive for the whole launch.
            let a = unsafe { &*p };
            match a.dtype {
                Some(d) if d == want.dtype && a.shape.len() as u32 == want.ndim => {
                    if exact {
                        a.layout == want.layout && a.readonly == want.readonly
                    } else {
                        (want.layout == Layout::Any || want.layout == a.layout) && (!a.readonly || want.readonly)
                    }
                }
                _ => false,
            }
        }
        (Arg::Array(_), _) => false,
        (Arg::F64(_), Type::Scalar(s)) => *s == Scalar::F64 || !exact,
        (Arg::I64(_), Type::Scalar(s)) => *s == Scalar::I64 || !exact,
        (Arg::Bool(_), Type::Scalar(s)) => *s == Scalar::Bool || !exact,
        (Arg::F64(_) | Arg::I64(_) | Arg::Bool(_), _) => false,
        (Arg::Value, _) => {
            if exact {
                matches!(typeof_arg(arg), Ok(Some(ref x)) if x == t)
            } else {
                convertible(arg, t)
            }
        }
        (Arg::Host, _) => false,
    }
}

fn type_of(kind: Arg, arg: &Bound<'_, PyAny>) -> PyResult<Option<Type>> {
    Ok(match kind {
        Arg::Array(p) => array_type(unsafe { &*p }),
        Arg::F64(_) => Some(Type::Scalar(Scalar::F64)),
        Arg::I64(_) => Some(Type::Scalar(Scalar::I64)),
        Arg::Bool(_) => Some(Type::Scalar(Scalar::Bool)),
        Arg::Value => typeof_arg(arg)?,
        Arg::Host => None,
    })
}

/// Append argument `arg` as type `t` to the parameter buffer.
fn push_param(params: &mut Params, kind: Arg, arg: &Bound<'_, PyAny>, t: &Type) -> PyResult<()> {
    match (kind, t) {
        (Arg::Array(p), Type::Array(_)) => {
            let a = unsafe { &*p };
            params.array(a.ptr, &a.shape, &a.strides);
        }
        (Arg::F64(v), Type::Scalar(s)) => params.from_f64(*s, v),
        (Arg::I64(v), Type::Scalar(s)) => params.from_i64(*s, v),
        (Arg::Bool(v), Type::Scalar(s)) => params.from_i64(*s, v as i64),
        _ => {
            let mut slots = SlotBuf::new();
            unbox(arg, t, &mut slots)?;
            let mut pos = 0;
            params.from_slots(t, slots.as_slice(), &mut pos).map_err(PyTypeError::new_err)?;
        }
    }
    Ok(())
}

fn dims(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<[u32; 3]> {
    let mut out = [1u32; 3];
    let values: Vec<i64> = if let Ok(t) = obj.cast::<PyTuple>() {
        t.iter().map(|x| x.extract::<i64>()).collect::<PyResult<_>>()?
    } else if let Ok(v) = obj.extract::<i64>() {
        vec![v]
    } else if let Ok(v) = obj.extract::<Vec<i64>>() {
        v
    } else {
        return Err(PyTypeError::new_err(format!("{what} must be an int or a tuple of 1 to 3 ints, not {}", describe_python_type(obj))));
    };
    if values.is_empty() || values.len() > 3 {
        return Err(PyValueError::new_err(format!("{what} must have 1 to 3 dimensions, got {values:?}")));
    }
    for (k, &v) in values.iter().enumerate() {
        if v < 1 || v > u32::MAX as i64 {
            return Err(PyValueError::new_err(format!("grid and block dimensions must be positive, got {what}={values:?}")));
        }
        out[k] = v as u32;
    }
    Ok(out)
}

/// The driver handle of a stream argument: 0/None (default stream), a ferrumba stream,
/// an int handle, or another library's stream object (`.handle`, CuPy's `.ptr`,
/// PyTorch's `.cuda_stream`).
pub fn stream_handle(obj: &Bound<'_, PyAny>) -> PyResult<usize> {
    if obj.is_none() {
        return Ok(0);
    }
    if let Ok(s) = obj.cast::<CudaStream>() {
        return Ok(s.get().handle);
    }
    if let Ok(v) = obj.extract::<usize>() {
        return Ok(v);
    }
    for attr in ["handle", "ptr", "cuda_stream"] {
        if let Ok(h) = obj.getattr(attr) {
            if let Ok(v) = h.extract::<usize>() {
                return Ok(v);
            }
            // numba-cuda's ctypes handles.
            if let Ok(v) = h.getattr("value") {
                if v.is_none() {
                    return Ok(0);
                }
                if let Ok(v) = v.extract::<usize>() {
                    return Ok(v);
                }
            }
            if let Ok(v) = h.call_method0("__int__").and_then(|v| v.extract::<usize>()) {
                return Ok(v);
            }
        }
    }
    Err(PyTypeError::new_err(format!("a launch's stream must be a cuda.stream(), 0 or None, not {}", describe_python_type(obj))))
}

static PREPARE: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

impl GpuKernel {
    fn target_cc() -> (u32, u32) {
        match driver::device(driver::selected_ordinal()) {
            Ok(d) => target_cc(d.cc),
            Err(_) => (5, 3),
        }
    }

    fn compile_for(&self, py: Python<'_>, types: &[Type]) -> PyResult<Arc<GpuOverload>> {
        if let Some(ov) = self.overloads.read().expect("overload lock").iter().find(|ov| ov.args == types) {
            return Ok(ov.clone());
        }
        let timing = std::env::var_os("FERRUMBA_TIMING").is_some();
        let t0 = std::time::Instant::now();
        let inferred = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| infer_unit(py, self.id, types)));
        let unit = match inferred {
            Ok(Ok(unit)) => unit,
            Ok(Err((d, src))) => return Err(typing_error(py, &d, src.as_deref())),
            Err(p) => {
                let msg = p.downcast_ref::<String>().cloned().or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string())).unwrap_or_default();
                return Err(typing_error(py, &Diagnostic::internal(format!("the compiler panicked: {msg}")), None));
            }
        };
        if timing {
            eprintln!("ferrumba: {} (GPU): front end {:.1} ms", self.name, t0.elapsed().as_secs_f64() * 1e3);
        }
        let ov = Arc::new(GpuOverload {
            args: types.to_vec(),
            typed: unit.entry.clone(),
            funcs: unit.functions.clone(),
            source: unit.source.clone(),
            ptx: Mutex::new(vec![]),
            loaded: RwLock::new(vec![]),
        });
        // PTX now, so that a kernel the NVPTX backend rejects fails at compile time.
        self.ptx_for(py, &ov, Self::target_cc())?;
        let mut overloads = self.overloads.write().expect("overload lock");
        if let Some(existing) = overloads.iter().find(|o| o.args == types) {
            return Ok(existing.clone());
        }
        overloads.push(ov.clone());
        Ok(ov)
    }

    fn ptx_for(&self, py: Python<'_>, ov: &GpuOverload, cc: (u32, u32)) -> PyResult<Arc<(String, String)>> {
        let mut cache = ov.ptx.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((_, p)) = cache.iter().find(|(c, _)| *c == cc) {
            return Ok(p.clone());
        }
        let t0 = std::time::Instant::now();
        let funcs: Vec<&Function> = ov.funcs.iter().map(|f| f.as_ref()).collect();
        let options = PtxOptions { cc, fastmath: self.fastmath, libdevice: self.libdevice.clone() };
        let made = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| compile_ptx_and_ir(&funcs, &self.symbol, &options)));
        let pair = match made {
            Ok(Ok(p)) => Arc::new(p),
            Ok(Err(d)) => return Err(typing_error(py, &d, Some(&ov.source))),
            Err(p) => {
                let msg = p.downcast_ref::<String>().cloned().or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string())).unwrap_or_default();
                return Err(typing_error(py, &Diagnostic::internal(format!("the NVPTX backend panicked: {msg}")), None));
            }
        };
        if std::env::var_os("FERRUMBA_TIMING").is_some() {
            eprintln!("ferrumba: {} (GPU): PTX for sm_{}{} {:.1} ms", self.name, cc.0, cc.1, t0.elapsed().as_secs_f64() * 1e3);
        }
        cache.push((cc, pair.clone()));
        Ok(pair)
    }

    /// The module of `ov` loaded on `dev` (loading it on first use there).
    fn loaded(&self, py: Python<'_>, ov: &GpuOverload, dev: &'static driver::Device) -> PyResult<Arc<LoadedKernel>> {
        let generation = dev.generation();
        if let Some(k) = ov.loaded.read().expect("loaded lock").iter().find(|k| k.device == dev.ordinal && k.generation == generation) {
            return Ok(k.clone());
        }
        let pair = self.ptx_for(py, ov, target_cc(dev.cc))?;
        let t0 = std::time::Instant::now();
        let max_registers = self.max_registers;
        let symbol = self.symbol.clone();
        let loaded = py.detach(|| std::panic::catch_unwind(|| driver::load_ptx(dev, &pair.0, &symbol, max_registers)));
        let k = match loaded {
            Ok(Ok(k)) => Arc::new(k),
            Ok(Err(e)) => return Err(to_pyerr(py, e)),
            Err(_) => return Err(to_pyerr(py, CudaError::Unavailable("the CUDA driver layer failed while loading a module".into()))),
        };
        if std::env::var_os("FERRUMBA_TIMING").is_some() {
            eprintln!("ferrumba: {} (GPU): module load (driver JIT) {:.1} ms", self.name, t0.elapsed().as_secs_f64() * 1e3);
        }
        let mut all = ov.loaded.write().expect("loaded lock");
        // Drop modules of contexts that are gone.
        all.retain(|old| driver::device(old.device).map(|d| d.generation() == old.generation).unwrap_or(false));
        all.push(k.clone());
        Ok(k)
    }

    fn select(&self, py: Python<'_>, kinds: &[(Arg, *mut pyo3::ffi::PyObject)]) -> PyResult<Arc<GpuOverload>> {
        // SAFETY (every `item` below): pointers into the argument tuple, alive for the call.
        let item = |p: *mut pyo3::ffi::PyObject| unsafe { pyo3::Borrowed::from_ptr(py, p) };
        {
            let overloads = self.overloads.read().expect("overload lock");
            'exact: for ov in overloads.iter() {
                for (&(k, p), t) in kinds.iter().zip(&ov.args) {
                    if !matches(k, &item(p), t, true) {
                        continue 'exact;
                    }
                }
                return Ok(ov.clone());
            }
            if self.explicit.load(Ordering::Relaxed) {
                'conv: for ov in overloads.iter() {
                    for (&(k, p), t) in kinds.iter().zip(&ov.args) {
                        if !matches(k, &item(p), t, false) {
                            continue 'conv;
                        }
                    }
                    return Ok(ov.clone());
                }
            }
        }
        let mut types = Vec::with_capacity(kinds.len());
        for (i, &(k, p)) in kinds.iter().enumerate() {
            let a = item(p);
            match type_of(k, &a)? {
                Some(t) => types.push(t),
                None => {
                    return Err(PyTypeError::new_err(format!(
                        "{}(): argument {} has type '{}', which a GPU kernel does not take; \
                         pass device arrays, NumPy arrays, objects with __cuda_array_interface__, or numbers",
                        self.name,
                        i + 1,
                        describe_python_type(&a)
                    )))
                }
            }
        }
        if self.explicit.load(Ordering::Relaxed) {
            let overloads = self.overloads.read().expect("overload lock");
            let have: Vec<String> = overloads.iter().map(|ov| format!("({})", ov.args.iter().map(|t| t.to_string()).collect::<Vec<_>>().join(", "))).collect();
            let got: Vec<String> = types.iter().map(|t| t.to_string()).collect();
            return Err(PyTypeError::new_err(format!("no matching definition for argument type(s) {}; compiled signatures: {}", got.join(", "), have.join(", "))));
        }
        self.compile_for(py, &types)
    }

    fn launch(&self, py: Python<'_>, cfg: &GpuLaunch, args: &Bound<'_, PyTuple>, prepared: bool) -> PyResult<()> {
        let n = args.len();
        if n != self.nparams {
            return Err(PyTypeError::new_err(format!("{}() takes {} arguments but {} were given", self.name, self.nparams, n)));
        }
        let dev = driver::current().map_err(|e| to_pyerr(py, e))?;
        let mut inline = [(Arg::Host, std::ptr::null_mut()); 16];
        let mut heap = Vec::new();
        let kinds: &mut [(Arg, *mut pyo3::ffi::PyObject)] = if n <= inline.len() {
            &mut inline[..n]
        } else {
            heap.resize(n, (Arg::Host, std::ptr::null_mut()));
            &mut heap
        };
        let mut needs_host = false;
        for (i, k) in kinds.iter_mut().enumerate() {
            let a = args.get_borrowed_item(i)?;
            *k = (classify(&a)?, a.as_ptr());
            needs_host |= matches!(k.0, Arg::Host);
        }
        if needs_host {
            if prepared {
                let bad = kinds.iter().position(|k| matches!(k.0, Arg::Host)).unwrap_or(0);
                let a = args.get_borrowed_item(bad)?;
                return Err(PyTypeError::new_err(format!(
                    "{}(): argument {} has type '{}', which a GPU kernel does not take; \
                     pass device arrays, NumPy arrays, objects with __cuda_array_interface__, or numbers",
                    self.name,
                    bad + 1,
                    describe_python_type(&a)
                )));
            }
            return self.launch_prepared(py, cfg, args);
        }
        let ov = self.select(py, kinds)?;
        let k = self.loaded(py, &ov, dev)?;
        driver::check_config(dev, &k, &self.name, cfg.grid, cfg.block, cfg.shared).map_err(|e| to_pyerr(py, e))?;
        let mut params = Params::new();
        for (&(kind, obj), t) in kinds.iter().zip(&ov.args) {
            match kind {
                Arg::Array(p) => {
                    // SAFETY: kept alive by `args`.
                    let a = unsafe { &*p };
                    a.check_live().map_err(|e| to_pyerr(py, e))?;
                    if matches!(t, Type::Array(_)) {
                        params.array(a.ptr, &a.shape, &a.strides);
                        continue;
                    }
                }
                Arg::F64(v) => {
                    if let Type::Scalar(s) = t {
                        params.from_f64(*s, v);
                        continue;
                    }
                }
                _ => {}
            }
            // SAFETY: a pointer into `args`.
            let a = unsafe { pyo3::Borrowed::from_ptr(py, obj) };
            push_param(&mut params, kind, &a, t)?;
        }
        let ptrs = params.pointers();
        // SAFETY: one pointer per flattened parameter of the kernel's entry, each to its
        // bytes (`params` follows `ptx::flatten`), alive until cuLaunchKernel returns.
        unsafe { driver::launch(dev, &k, cfg.grid, cfg.block, cfg.shared, cfg.stream, ptrs) }.map_err(|e| to_pyerr(py, e))
    }

    /// Arguments that need Python first: converted by `_gpu._prepare_args`, launched,
    /// then copied back by the callable it returns.
    #[cold]
    fn launch_prepared(&self, py: Python<'_>, cfg: &GpuLaunch, args: &Bound<'_, PyTuple>) -> PyResult<()> {
        let prepare = PREPARE.get_or_try_init(py, || -> PyResult<Py<PyAny>> { Ok(py.import("ferrumba.cuda._gpu")?.getattr("_prepare_args")?.unbind()) })?;
        let stream = match &cfg.stream_obj {
            Some(s) => s.clone_ref(py),
            None => cfg.stream.into_pyobject(py)?.into_any().unbind(),
        };
        let out = prepare.bind(py).call1((args, stream))?;
        let (new_args, post): (Bound<'_, PyTuple>, Bound<'_, PyAny>) = out.extract()?;
        self.launch(py, cfg, &new_args, true)?;
        if !post.is_none() {
            post.call0()?;
        }
        Ok(())
    }

    fn overload(&self, index: usize) -> PyResult<Arc<GpuOverload>> {
        self.overloads.read().expect("overload lock").get(index).cloned().ok_or_else(|| PyValueError::new_err("no such specialization"))
    }
}

#[pymethods]
impl GpuKernel {
    #[new]
    #[pyo3(signature = (py_func, fastmath=false, max_registers=None, libdevice=None))]
    fn new(py: Python<'_>, py_func: Py<PyAny>, fastmath: bool, max_registers: Option<u32>, libdevice: Option<String>) -> PyResult<Self> {
        let f = py_func.bind(py);
        let name: String = f.getattr("__name__")?.extract()?;
        let code = f.getattr("__code__")?;
        let nparams: usize = code.getattr("co_argcount")?.extract()?;
        let id = register(py_func.clone_ref(py)).map_err(|d| typing_error(py, &d, None))?;
        let symbol: String = name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' }).collect();
        Ok(GpuKernel {
            id,
            name,
            symbol,
            py_func,
            nparams,
            fastmath,
            max_registers,
            libdevice,
            overloads: RwLock::new(vec![]),
            explicit: AtomicBool::new(false),
        })
    }

    /// `kernel[griddim, blockdim]`, `[griddim, blockdim, stream]`,
    /// `[griddim, blockdim, stream, dynamic_shared_bytes]`.
    fn __getitem__(slf: &Bound<'_, Self>, config: &Bound<'_, PyAny>) -> PyResult<GpuLaunch> {
        let t = match config.cast::<PyTuple>() {
            Ok(t) if (2..=4).contains(&t.len()) => t,
            _ => return Err(PyValueError::new_err("launch a kernel as kernel[griddim, blockdim] (optionally [griddim, blockdim, stream, sharedmem])")),
        };
        let grid = dims(&t.get_item(0)?, "griddim")?;
        let block = dims(&t.get_item(1)?, "blockdim")?;
        let (stream, stream_obj) = if t.len() >= 3 {
            let s = t.get_item(2)?;
            let h = stream_handle(&s)?;
            (h, if s.is_none() || h == 0 && s.extract::<usize>().is_ok() { None } else { Some(s.unbind()) })
        } else {
            (0, None)
        };
        let shared = if t.len() == 4 {
            let v: i64 = t.get_item(3)?.extract()?;
            if v < 0 || v > u32::MAX as i64 {
                return Err(PyValueError::new_err(format!("the dynamic shared memory size must be between 0 and {} bytes, got {v}", u32::MAX)));
            }
            v as u32
        } else {
            0
        };
        Ok(GpuLaunch { kernel: slf.clone().unbind(), grid, block, stream, shared, stream_obj })
    }

    /// Compile eagerly for a signature string (Numba syntax); fixes the signatures.
    fn compile(&self, py: Python<'_>, signature: &str) -> PyResult<()> {
        let sig = parse_signature(signature).map_err(|e| PyTypeError::new_err(format!("invalid signature {signature:?}: {e}")))?;
        if sig.args.len() != self.nparams {
            return Err(PyTypeError::new_err(format!("signature {signature:?} has {} arguments but the kernel takes {}", sig.args.len(), self.nparams)));
        }
        self.compile_for(py, &sig.args)?;
        self.explicit.store(true, Ordering::Relaxed);
        Ok(())
    }

    /// Compile for the types these arguments would launch with (device arrays and
    /// scalars; NumPy arrays as the device arrays they would be copied to).
    fn _compile_for_args(&self, py: Python<'_>, args: &Bound<'_, PyTuple>) -> PyResult<usize> {
        let mut types = vec![];
        for (i, a) in args.iter().enumerate() {
            let t = match classify(&a)? {
                Arg::Host => typeof_arg(&a)?.map(|t| match t {
                    Type::Array(mut at) => {
                        at.readonly = false;
                        if at.layout == Layout::Any {
                            at.layout = Layout::C;
                        }
                        Type::Array(at)
                    }
                    t => t,
                }),
                k => type_of(k, &a)?,
            };
            types.push(t.ok_or_else(|| PyTypeError::new_err(format!("{}(): argument {} cannot be typed", self.name, i + 1)))?);
        }
        let ov = self.compile_for(py, &types)?;
        let all = self.overloads.read().expect("overload lock");
        Ok(all.iter().position(|o| Arc::ptr_eq(o, &ov)).unwrap_or(0))
    }

    fn disable_compile(&self) {
        self.explicit.store(true, Ordering::Relaxed);
    }

    #[getter]
    fn py_func(&self, py: Python<'_>) -> Py<PyAny> {
        self.py_func.clone_ref(py)
    }

    #[getter]
    fn _name(&self) -> &str {
        &self.name
    }

    fn _signature_strings(&self) -> Vec<(Vec<String>, String)> {
        let overloads = self.overloads.read().expect("overload lock");
        overloads.iter().map(|ov| (ov.args.iter().map(|t| t.to_string()).collect(), ov.typed.ret.to_string())).collect()
    }

    fn _typed_ir(&self, index: usize) -> PyResult<String> {
        Ok(self.overload(index)?.typed.to_string())
    }

    /// PTX of specialization `index` for compute capability `cc` (default: the current
    /// device's, or 5.3 without one).
    #[pyo3(signature = (index, cc=None))]
    fn _ptx(&self, py: Python<'_>, index: usize, cc: Option<(u32, u32)>) -> PyResult<String> {
        let ov = self.overload(index)?;
        Ok(self.ptx_for(py, &ov, target_cc(cc.unwrap_or_else(Self::target_cc)))?.0.clone())
    }

    #[pyo3(signature = (index, cc=None))]
    fn _llvm_ir(&self, py: Python<'_>, index: usize, cc: Option<(u32, u32)>) -> PyResult<String> {
        let ov = self.overload(index)?;
        Ok(self.ptx_for(py, &ov, target_cc(cc.unwrap_or_else(Self::target_cc)))?.1.clone())
    }

    /// Registers, shared/local/constant memory and the thread limit of specialization
    /// `index` loaded on the current device.
    fn _function_attributes<'py>(&self, py: Python<'py>, index: usize) -> PyResult<Bound<'py, PyDict>> {
        let ov = self.overload(index)?;
        let dev = guarded(py, || driver::current().map_err(|e| to_pyerr(py, e)))?;
        let k = guarded(py, || self.loaded(py, &ov, dev))?;
        let d = PyDict::new(py);
        d.set_item("regs", k.num_regs)?;
        d.set_item("shared", k.static_shared)?;
        d.set_item("local", k.local_bytes)?;
        d.set_item("const", k.const_bytes)?;
        d.set_item("maxthreads", k.max_threads_per_block)?;
        Ok(d)
    }
}

#[pymethods]
impl GpuLaunch {
    #[pyo3(signature = (*args))]
    fn __call__(&self, py: Python<'_>, args: &Bound<'_, PyTuple>) -> PyResult<()> {
        let kernel = self.kernel.get();
        guarded(py, || kernel.launch(py, self, args, false))
    }

    #[getter]
    fn griddim(&self) -> (u32, u32, u32) {
        (self.grid[0], self.grid[1], self.grid[2])
    }
    #[getter]
    fn blockdim(&self) -> (u32, u32, u32) {
        (self.block[0], self.block[1], self.block[2])
    }
    #[getter]
    fn sharedmem(&self) -> u32 {
        self.shared
    }
    #[getter]
    fn stream(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        match &self.stream_obj {
            Some(s) => Ok(s.clone_ref(py)),
            None => Ok(self.stream.into_pyobject(py)?.into_any().unbind()),
        }
    }
}
