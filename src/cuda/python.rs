//! The CUDA driver layer as `ferrumba._core` functions and classes, for
//! `python/ferrumba/cuda/_gpu.py`: driver status, devices, memory and copies, streams,
//! events, and `CudaArray`, the Rust base of the GPU `DeviceNDArray` (its fields are what
//! a launch reads, without calling Python). Every entry point runs under `catch_unwind`:
//! a panic becomes a Python exception, never a crash.

use super::device_memory as mem;
use super::driver::{self, CudaError, Device};
use crate::common::types::{Layout, Scalar};
use numpy::{PyArrayDescrMethods, PyUntypedArray, PyUntypedArrayMethods};
use pyo3::exceptions::{PyAttributeError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

const NPY_ARRAY_C_CONTIGUOUS: i32 = 0x0001;
const NPY_ARRAY_F_CONTIGUOUS: i32 = 0x0002;
const NPY_ARRAY_WRITEABLE: i32 = 0x0400;

/// The Python exception for a driver-layer error: `CudaSupportError` (no usable driver),
/// `CudaAPIError(code, msg)` (a failed driver call), `ValueError` (an impossible request).
pub fn to_pyerr(py: Python<'_>, e: CudaError) -> PyErr {
    let errors = match py.import("ferrumba.errors") {
        Ok(m) => m,
        Err(err) => return err,
    };
    let made = match &e {
        CudaError::Unavailable(m) => errors.getattr("CudaSupportError").and_then(|c| c.call1((m.clone(),))),
        CudaError::Api { code, .. } => errors.getattr("CudaAPIError").and_then(|c| c.call1((*code, e.to_string()))),
        CudaError::Invalid(m) => return PyValueError::new_err(m.clone()),
    };
    match made {
        Ok(exc) => PyErr::from_value(exc),
        Err(err) => err,
    }
}

/// Run `f`, turning a panic into a Python exception (`CudaSupportError`, since a panic
/// here means the driver library misbehaved, e.g. lacks a symbol an old driver does not
/// export).
pub fn guarded<T>(py: Python<'_>, f: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(p) => {
            let text = p.downcast_ref::<String>().cloned().or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string())).unwrap_or_else(|| "a panic".into());
            Err(to_pyerr(py, CudaError::Unavailable(format!("the CUDA driver layer failed: {text}"))))
        }
    }
}

/// `guarded` for functions returning the driver layer's own errors.
pub fn run<T>(py: Python<'_>, f: impl FnOnce() -> driver::Result<T>) -> PyResult<T> {
    guarded(py, || f().map_err(|e| to_pyerr(py, e)))
}

fn device_or_selected(device: Option<i32>) -> driver::Result<&'static Device> {
    match device {
        Some(d) => driver::device(d),
        None => driver::device(driver::selected_ordinal()),
    }
}

// ---------------------------------------------------------------------------------------
// Driver and devices

/// (usable, reason): whether a CUDA GPU can run kernels, and why not.
#[pyfunction]
fn cuda_driver_status(py: Python<'_>) -> (bool, String) {
    guarded(py, || Ok(driver::status())).unwrap_or_else(|e| (false, e.to_string()))
}

#[pyfunction]
fn cuda_driver_version(py: Python<'_>) -> PyResult<i32> {
    run(py, || Ok(driver::driver()?.version))
}

#[pyfunction]
fn cuda_device_count(py: Python<'_>) -> PyResult<usize> {
    run(py, || Ok(driver::driver()?.devices.len()))
}

/// What `Device` objects show: name, compute capability, limits, PCI location.
#[pyfunction]
fn cuda_device_info<'py>(py: Python<'py>, ordinal: i32) -> PyResult<Bound<'py, PyDict>> {
    let d = run(py, || driver::device(ordinal))?;
    let info = PyDict::new(py);
    info.set_item("id", d.ordinal)?;
    info.set_item("name", &d.name)?;
    info.set_item("compute_capability", d.cc)?;
    info.set_item("max_threads_per_block", d.max_threads_per_block)?;
    info.set_item("max_block_dim", (d.max_block[0], d.max_block[1], d.max_block[2]))?;
    info.set_item("max_grid_dim", (d.max_grid[0], d.max_grid[1], d.max_grid[2]))?;
    info.set_item("max_shared_memory_per_block", d.max_shared_per_block)?;
    info.set_item("max_shared_memory_per_block_optin", d.max_shared_optin)?;
    info.set_item("multiprocessor_count", d.multiprocessors)?;
    info.set_item("warp_size", d.warp_size)?;
    info.set_item("total_memory", d.total_memory)?;
    info.set_item("pci_bus_id", &d.pci_bus_id)?;
    info.set_item("can_map_host_memory", d.can_map_host_memory)?;
    Ok(info)
}

/// A device attribute by numba-cuda's name (`MULTIPROCESSOR_COUNT`, ...).
#[pyfunction]
fn cuda_device_attribute(py: Python<'_>, ordinal: i32, name: &str) -> PyResult<i32> {
    let d = run(py, || driver::device(ordinal))?;
    match guarded(py, || Ok(driver::device_attribute(d, name)))? {
        Some(r) => r.map_err(|e| to_pyerr(py, e)),
        None => Err(PyAttributeError::new_err(format!("'Device' object has no attribute {name:?}"))),
    }
}

/// Make `ordinal` this thread's device (its primary context current); returns it.
#[pyfunction]
fn cuda_select_device(py: Python<'_>, ordinal: i32) -> PyResult<i32> {
    run(py, || driver::select(ordinal).map(|d| d.ordinal))
}

/// This thread's device number (no driver call).
#[pyfunction]
fn cuda_selected_device() -> i32 {
    driver::selected_ordinal()
}

#[pyfunction]
fn cuda_device_generation(py: Python<'_>, ordinal: i32) -> PyResult<u32> {
    run(py, || Ok(driver::device(ordinal)?.generation()))
}

/// Wait for all work on a device (default: this thread's), without holding the GIL.
#[pyfunction]
#[pyo3(signature = (device=None))]
fn cuda_synchronize(py: Python<'_>, device: Option<i32>) -> PyResult<()> {
    let d = run(py, || device_or_selected(device))?;
    let r = py.detach(|| std::panic::catch_unwind(|| d.synchronize()));
    match r {
        Ok(r) => r.map_err(|e| to_pyerr(py, e)),
        Err(_) => Err(to_pyerr(py, CudaError::Unavailable("the CUDA driver layer failed while synchronizing".into()))),
    }
}

/// `cuda.close()`: release every device context this process holds.
#[pyfunction]
fn cuda_close(py: Python<'_>) -> PyResult<()> {
    guarded(py, || {
        driver::close_all();
        Ok(())
    })
}

/// `Device.reset()`: destroy the device's primary context and everything in it.
#[pyfunction]
fn cuda_reset_device(py: Python<'_>, ordinal: i32) -> PyResult<()> {
    run(py, || {
        driver::device(ordinal)?.reset();
        Ok(())
    })
}

/// (free, total) bytes of device memory.
#[pyfunction]
#[pyo3(signature = (device=None))]
fn cuda_mem_info(py: Python<'_>, device: Option<i32>) -> PyResult<(usize, usize)> {
    run(py, || device_or_selected(device)?.mem_info())
}

// ---------------------------------------------------------------------------------------
// Memory

/// Device memory owned by Python: freed when the last array viewing it goes.
#[pyclass(module = "ferrumba._core", frozen)]
pub struct DeviceMemory {
    ptr: u64,
    size: usize,
    device: i32,
    generation: u32,
}

#[pymethods]
impl DeviceMemory {
    #[getter]
    fn ptr(&self) -> u64 {
        self.ptr
    }
    #[getter]
    fn size(&self) -> usize {
        self.size
    }
    #[getter]
    fn device(&self) -> i32 {
        self.device
    }
    #[getter]
    fn generation(&self) -> u32 {
        self.generation
    }
    fn __repr__(&self) -> String {
        format!("<DeviceMemory {} bytes at 0x{:x} on device {}>", self.size, self.ptr, self.device)
    }
}

impl Drop for DeviceMemory {
    fn drop(&mut self) {
        let (p, dev, generation) = (self.ptr, self.device, self.generation);
        let _ = std::panic::catch_unwind(move || {
            if let Ok(d) = driver::device(dev) {
                mem::free(d, p, generation);
            }
        });
    }
}

#[pyfunction]
#[pyo3(signature = (nbytes, device=None))]
fn cuda_alloc(py: Python<'_>, nbytes: usize, device: Option<i32>) -> PyResult<DeviceMemory> {
    run(py, || {
        let d = device_or_selected(device)?;
        let generation = d.generation();
        let ptr = mem::alloc(d, nbytes)?;
        Ok(DeviceMemory { ptr, size: nbytes, device: d.ordinal, generation })
    })
}

/// Page-locked host memory (mapped into the device's address space when `mapped`).
#[pyclass(module = "ferrumba._core", frozen)]
pub struct HostMemory {
    ptr: usize,
    device_ptr: u64,
    size: usize,
    device: i32,
    generation: u32,
}

#[pymethods]
impl HostMemory {
    #[getter]
    fn ptr(&self) -> usize {
        self.ptr
    }
    #[getter]
    fn device_ptr(&self) -> u64 {
        self.device_ptr
    }
    #[getter]
    fn size(&self) -> usize {
        self.size
    }
    #[getter]
    fn device(&self) -> i32 {
        self.device
    }
}

impl Drop for HostMemory {
    fn drop(&mut self) {
        let (p, dev, generation) = (self.ptr, self.device, self.generation);
        let _ = std::panic::catch_unwind(move || {
            if let Ok(d) = driver::device(dev) {
                mem::host_free(d, p, generation);
            }
        });
    }
}

#[pyfunction]
#[pyo3(signature = (nbytes, mapped=false, portable=false, wc=false, device=None))]
fn cuda_host_alloc(py: Python<'_>, nbytes: usize, mapped: bool, portable: bool, wc: bool, device: Option<i32>) -> PyResult<HostMemory> {
    run(py, || {
        let d = device_or_selected(device)?;
        if mapped && !d.can_map_host_memory {
            return Err(CudaError::Invalid(format!("{} cannot map host memory", d.name)));
        }
        let generation = d.generation();
        let (ptr, device_ptr) = mem::host_alloc(d, nbytes, mapped, portable, wc)?;
        Ok(HostMemory { ptr, device_ptr, size: nbytes, device: d.ordinal, generation })
    })
}

/// Data pointer and byte size of a contiguous NumPy array (`writable`: also check that).
fn host_buffer(a: &Bound<'_, PyAny>, writable: bool) -> PyResult<(usize, usize)> {
    let arr = a.cast::<PyUntypedArray>().map_err(|_| PyTypeError::new_err("expected a NumPy array"))?;
    let p = arr.as_array_ptr();
    unsafe {
        let f = &(*p).fields;
        if f.flags & (NPY_ARRAY_C_CONTIGUOUS | NPY_ARRAY_F_CONTIGUOUS) == 0 {
            return Err(PyValueError::new_err("host array is not contiguous"));
        }
        if writable && f.flags & NPY_ARRAY_WRITEABLE == 0 {
            return Err(PyValueError::new_err("host array is read-only"));
        }
        let nbytes = arr.len() * arr.dtype().itemsize();
        Ok((f.data as usize, nbytes))
    }
}

fn check_span(what: &str, nbytes: usize, have: usize) -> PyResult<()> {
    if nbytes > have {
        return Err(PyValueError::new_err(format!("copying {nbytes} bytes, but the {what} has only {have}")));
    }
    Ok(())
}

/// Set `nbytes` bytes at device address `ptr` to `byte`.
#[pyfunction]
#[pyo3(signature = (ptr, byte, nbytes, stream=0, device=None))]
fn cuda_memset(py: Python<'_>, ptr: u64, byte: u8, nbytes: usize, stream: usize, device: Option<i32>) -> PyResult<()> {
    run(py, || mem::memset(device_or_selected(device)?, ptr, byte, nbytes, stream))
}

/// Host array → device address (`stream` 0: synchronous).
#[pyfunction]
#[pyo3(signature = (dst, src, nbytes, stream=0, device=None))]
fn cuda_htod(py: Python<'_>, dst: u64, src: &Bound<'_, PyAny>, nbytes: usize, stream: usize, device: Option<i32>) -> PyResult<()> {
    let (p, have) = host_buffer(src, false)?;
    check_span("host array", nbytes, have)?;
    let d = run(py, || device_or_selected(device))?;
    let r = py.detach(|| std::panic::catch_unwind(|| unsafe { mem::htod(d, dst, p as *const u8, nbytes, stream) }));
    finish(py, r)
}

/// Device address → host array.
#[pyfunction]
#[pyo3(signature = (dst, src, nbytes, stream=0, device=None))]
fn cuda_dtoh(py: Python<'_>, dst: &Bound<'_, PyAny>, src: u64, nbytes: usize, stream: usize, device: Option<i32>) -> PyResult<()> {
    let (p, have) = host_buffer(dst, true)?;
    check_span("host array", nbytes, have)?;
    let d = run(py, || device_or_selected(device))?;
    let r = py.detach(|| std::panic::catch_unwind(|| unsafe { mem::dtoh(d, p as *mut u8, src, nbytes, stream) }));
    finish(py, r)
}

/// Device address → device address.
#[pyfunction]
#[pyo3(signature = (dst, src, nbytes, stream=0, device=None))]
fn cuda_dtod(py: Python<'_>, dst: u64, src: u64, nbytes: usize, stream: usize, device: Option<i32>) -> PyResult<()> {
    run(py, || mem::dtod(device_or_selected(device)?, dst, src, nbytes, stream))
}

fn finish(py: Python<'_>, r: std::thread::Result<driver::Result<()>>) -> PyResult<()> {
    match r {
        Ok(r) => r.map_err(|e| to_pyerr(py, e)),
        Err(_) => Err(to_pyerr(py, CudaError::Unavailable("the CUDA driver layer failed during a copy".into()))),
    }
}

// ---------------------------------------------------------------------------------------
// Device arrays

/// What a kernel launch needs to know of a device array, read without calling Python:
/// data pointer, shape, strides (bytes), element type, contiguity, and whose context the
/// memory belongs to. `DeviceNDArray` (Python) subclasses it with numba-cuda's API.
#[pyclass(module = "ferrumba._core", subclass, frozen, dict, weakref)]
pub struct CudaArray {
    pub ptr: u64,
    pub shape: Vec<i64>,
    pub strides: Vec<i64>,
    /// None for element types kernels cannot take (records, datetimes): such arrays copy,
    /// but do not launch.
    pub dtype: Option<Scalar>,
    dtype_obj: Py<PyAny>,
    owner: Py<PyAny>,
    pub device: i32,
    /// The device's context generation the memory belongs to; `u32::MAX` for memory of
    /// another library (CuPy, PyTorch), which ferrumba does not track.
    pub generation: u32,
    pub readonly: bool,
    pub layout: Layout,
    itemsize: i64,
    size: i64,
    c_contiguous: bool,
    f_contiguous: bool,
}

fn contiguous(shape: &[i64], strides: &[i64], itemsize: i64, fortran: bool) -> bool {
    if shape.contains(&0) {
        return true;
    }
    let mut expected = itemsize;
    let dims: Vec<usize> = if fortran { (0..shape.len()).collect() } else { (0..shape.len()).rev().collect() };
    for k in dims {
        if shape[k] != 1 {
            if strides[k] != expected {
                return false;
            }
            expected *= shape[k];
        }
    }
    true
}

impl CudaArray {
    /// Kernel-argument check: the memory's context still exists.
    pub fn check_live(&self) -> Result<(), CudaError> {
        if self.generation != u32::MAX {
            let d = driver::device(self.device)?;
            if d.generation() != self.generation {
                return Err(CudaError::Invalid(format!(
                    "this device array belongs to a CUDA context of device {} that was closed or reset (after cuda.close() or a kernel fault); copy the data to a new device array",
                    self.device
                )));
            }
        }
        Ok(())
    }
}

#[pymethods]
impl CudaArray {
    #[new]
    #[pyo3(signature = (shape, strides, dtype, ptr, owner, device=0, generation=None, readonly=false))]
    #[allow(clippy::too_many_arguments)]
    fn new(py: Python<'_>, shape: Vec<i64>, strides: Vec<i64>, dtype: &Bound<'_, PyAny>, ptr: u64, owner: Py<PyAny>, device: i32, generation: Option<u32>, readonly: bool) -> PyResult<Self> {
        if shape.len() != strides.len() {
            return Err(PyValueError::new_err(format!("shape {shape:?} and strides {strides:?} differ in length")));
        }
        if shape.iter().any(|&d| d < 0) {
            return Err(PyValueError::new_err(format!("negative dimension in shape {shape:?}")));
        }
        let itemsize: i64 = dtype.getattr("itemsize")?.extract()?;
        let native: bool = dtype.getattr("isnative")?.extract()?;
        let name: String = dtype.getattr("name")?.extract()?;
        let scalar = if native { Scalar::from_name(&name) } else { None };
        let generation = match generation {
            Some(g) => g,
            None => guarded(py, || Ok(driver::device(device).map(|d| d.generation()).unwrap_or(0)))?,
        };
        let c = contiguous(&shape, &strides, itemsize, false);
        let f = contiguous(&shape, &strides, itemsize, true);
        let layout = if c {
            Layout::C
        } else if f {
            Layout::F
        } else {
            Layout::Any
        };
        Ok(CudaArray {
            ptr,
            size: shape.iter().product(),
            shape,
            strides,
            dtype: scalar,
            dtype_obj: dtype.clone().unbind(),
            owner,
            device,
            generation,
            readonly,
            layout,
            itemsize,
            c_contiguous: c,
            f_contiguous: f,
        })
    }

    #[getter]
    fn shape<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, &self.shape)
    }
    #[getter]
    fn strides<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, &self.strides)
    }
    #[getter]
    fn ndim(&self) -> usize {
        self.shape.len()
    }
    #[getter]
    fn size(&self) -> i64 {
        self.size
    }
    #[getter]
    fn itemsize(&self) -> i64 {
        self.itemsize
    }
    #[getter]
    fn nbytes(&self) -> i64 {
        self.size * self.itemsize
    }
    #[getter]
    fn dtype(&self, py: Python<'_>) -> Py<PyAny> {
        self.dtype_obj.clone_ref(py)
    }
    /// Address of the first element on the device.
    #[getter]
    fn _ptr(&self) -> u64 {
        self.ptr
    }
    /// What keeps the memory alive (a `DeviceMemory`, or another library's array).
    #[getter]
    fn _owner(&self, py: Python<'_>) -> Py<PyAny> {
        self.owner.clone_ref(py)
    }
    #[getter]
    fn _device(&self) -> i32 {
        self.device
    }
    #[getter]
    fn _generation(&self) -> u32 {
        self.generation
    }
    #[getter]
    fn readonly(&self) -> bool {
        self.readonly
    }
    /// 'C', 'F' or 'A', as the kernel's argument type will say.
    #[getter]
    fn _layout(&self) -> &'static str {
        match self.layout {
            Layout::C => "C",
            Layout::F => "F",
            Layout::Any => "A",
        }
    }
    fn is_c_contiguous(&self) -> bool {
        self.c_contiguous
    }
    fn is_f_contiguous(&self) -> bool {
        self.f_contiguous
    }
    /// Whether the memory's context still exists.
    fn _is_live(&self, py: Python<'_>) -> bool {
        guarded(py, || Ok(self.check_live().is_ok())).unwrap_or(false)
    }
    fn __len__(&self) -> PyResult<usize> {
        match self.shape.first() {
            Some(&n) => Ok(n as usize),
            None => Err(PyTypeError::new_err("len() of unsized object")),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Streams and events

/// A CUDA stream (created here, owned and destroyed with the object) or a borrowed
/// handle (the default streams 0, 1 = legacy, 2 = per-thread, or another library's).
#[pyclass(module = "ferrumba._core", subclass, frozen, dict, weakref)]
pub struct CudaStream {
    pub handle: usize,
    device: i32,
    generation: u32,
    owned: bool,
}

#[pymethods]
impl CudaStream {
    #[new]
    #[pyo3(signature = (handle=None, device=None, non_blocking=false))]
    fn new(py: Python<'_>, handle: Option<usize>, device: Option<i32>, non_blocking: bool) -> PyResult<Self> {
        match handle {
            Some(h) => Ok(CudaStream { handle: h, device: device.unwrap_or_else(driver::selected_ordinal), generation: u32::MAX, owned: false }),
            None => run(py, || {
                let d = device_or_selected(device)?;
                let generation = d.generation();
                let handle = driver::stream_create(d, non_blocking)?;
                Ok(CudaStream { handle, device: d.ordinal, generation, owned: true })
            }),
        }
    }
    #[getter]
    fn handle(&self) -> usize {
        self.handle
    }
    #[getter]
    fn device(&self) -> i32 {
        self.device
    }
    fn __int__(&self) -> usize {
        self.handle
    }
    /// Wait for everything queued on the stream (the GIL released meanwhile).
    fn synchronize(&self, py: Python<'_>) -> PyResult<()> {
        let d = run(py, || driver::device(self.device))?;
        let h = self.handle;
        let r = py.detach(|| std::panic::catch_unwind(|| driver::stream_synchronize(d, h)));
        finish(py, r)
    }
    /// Whether everything queued on the stream has completed.
    fn query(&self, py: Python<'_>) -> PyResult<bool> {
        run(py, || driver::stream_query(driver::device(self.device)?, self.handle))
    }
    fn _wait_event(&self, py: Python<'_>, event: usize) -> PyResult<()> {
        run(py, || driver::stream_wait_event(driver::device(self.device)?, self.handle, event))
    }
}

impl Drop for CudaStream {
    fn drop(&mut self) {
        if self.owned {
            let (dev, h, generation) = (self.device, self.handle, self.generation);
            let _ = std::panic::catch_unwind(move || {
                if let Ok(d) = driver::device(dev) {
                    driver::stream_destroy(d, h, generation);
                }
            });
        }
    }
}

/// A CUDA event (timing by default, as numba-cuda's).
#[pyclass(module = "ferrumba._core", subclass, frozen, dict, weakref)]
pub struct CudaEvent {
    handle: usize,
    device: i32,
    generation: u32,
}

#[pymethods]
impl CudaEvent {
    #[new]
    #[pyo3(signature = (timing=true, device=None))]
    fn new(py: Python<'_>, timing: bool, device: Option<i32>) -> PyResult<Self> {
        run(py, || {
            let d = device_or_selected(device)?;
            let generation = d.generation();
            let handle = driver::event_create(d, timing)?;
            Ok(CudaEvent { handle, device: d.ordinal, generation })
        })
    }
    #[getter]
    fn handle(&self) -> usize {
        self.handle
    }
    fn _record(&self, py: Python<'_>, stream: usize) -> PyResult<()> {
        run(py, || driver::event_record(driver::device(self.device)?, self.handle, stream))
    }
    fn synchronize(&self, py: Python<'_>) -> PyResult<()> {
        let d = run(py, || driver::device(self.device))?;
        let h = self.handle;
        let r = py.detach(|| std::panic::catch_unwind(|| driver::event_synchronize(d, h)));
        finish(py, r)
    }
    fn query(&self, py: Python<'_>) -> PyResult<bool> {
        run(py, || driver::event_query(driver::device(self.device)?, self.handle))
    }
    /// Milliseconds from this event to `other` (both recorded and completed).
    fn elapsed_time(&self, py: Python<'_>, other: PyRef<'_, CudaEvent>) -> PyResult<f64> {
        run(py, || driver::event_elapsed(driver::device(self.device)?, self.handle, other.handle).map(|ms| ms as f64))
    }
}

impl Drop for CudaEvent {
    fn drop(&mut self) {
        let (dev, h, generation) = (self.device, self.handle, self.generation);
        let _ = std::panic::catch_unwind(move || {
            if let Ok(d) = driver::device(dev) {
                driver::event_destroy(d, h, generation);
            }
        });
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(cuda_driver_status, m)?)?;
    m.add_function(wrap_pyfunction!(cuda_driver_version, m)?)?;
    m.add_function(wrap_pyfunction!(cuda_device_count, m)?)?;
    m.add_function(wrap_pyfunction!(cuda_device_info, m)?)?;
    m.add_function(wrap_pyfunction!(cuda_device_attribute, m)?)?;
    m.add_function(wrap_pyfunction!(cuda_select_device, m)?)?;
    m.add_function(wrap_pyfunction!(cuda_selected_device, m)?)?;
    m.add_function(wrap_pyfunction!(cuda_device_generation, m)?)?;
    m.add_function(wrap_pyfunction!(cuda_synchronize, m)?)?;
    m.add_function(wrap_pyfunction!(cuda_close, m)?)?;
    m.add_function(wrap_pyfunction!(cuda_reset_device, m)?)?;
    m.add_function(wrap_pyfunction!(cuda_mem_info, m)?)?;
    m.add_function(wrap_pyfunction!(cuda_alloc, m)?)?;
    m.add_function(wrap_pyfunction!(cuda_host_alloc, m)?)?;
    m.add_function(wrap_pyfunction!(cuda_memset, m)?)?;
    m.add_function(wrap_pyfunction!(cuda_htod, m)?)?;
    m.add_function(wrap_pyfunction!(cuda_dtoh, m)?)?;
    m.add_function(wrap_pyfunction!(cuda_dtod, m)?)?;
    m.add_class::<DeviceMemory>()?;
    m.add_class::<HostMemory>()?;
    m.add_class::<CudaArray>()?;
    m.add_class::<CudaStream>()?;
    m.add_class::<CudaEvent>()?;
    m.add_class::<super::kernel::GpuKernel>()?;
    m.add_class::<super::kernel::GpuLaunch>()?;
    Ok(())
}
