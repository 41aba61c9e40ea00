//! The CUDA driver, loaded at run time through cudarc's `dynamic-loading` (so that
//! ferrumba imports and runs its CPU target on machines without CUDA): initialization,
//! devices and their primary contexts, streams, events, modules and launches.
//!
//! Every function here returns a `CudaError` instead of panicking; the Python layer
//! (`cuda/python.rs`, `cuda/kernel.rs`) turns it into `CudaSupportError` (no usable
//! driver), `CudaAPIError` (a driver call failed) or `ValueError` (a request the device
//! cannot run). This file and `device_memory.rs` are the only ones that call the driver.
//!
//! Contexts: one primary context per device, retained on first use; the calling thread's
//! selected device (`select`) is made current before each driver call. A kernel fault
//! (an illegal address, a trap, ...) leaves a context unusable for every later call, so
//! the error that reports it also resets the device's primary context: later calls work
//! again, and objects of the old context (device arrays, loaded kernels) know they are
//! stale through the device's *generation*, which every reset or `close` increments.

use cudarc::driver::sys;
use std::cell::Cell;
use std::ffi::{c_char, c_void, CStr, CString};
use std::ptr::{null, null_mut};
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

/// What can go wrong between ferrumba and the driver.
#[derive(Debug, Clone, PartialEq)]
pub enum CudaError {
    /// No usable driver or device: the reason, for `CudaSupportError`.
    Unavailable(String),
    /// A driver call failed.
    Api { code: i32, call: &'static str, name: String, message: String },
    /// A request the device cannot satisfy, found before calling the driver (bad launch
    /// configuration, stale array): a `ValueError`.
    Invalid(String),
}

impl std::fmt::Display for CudaError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CudaError::Unavailable(s) | CudaError::Invalid(s) => write!(f, "{s}"),
            CudaError::Api { code, call, name, message } => write!(f, "{call} failed: {name} ({code}): {message}"),
        }
    }
}

pub type Result<T> = std::result::Result<T, CudaError>;

const SUCCESS: i32 = 0;
const NOT_READY: i32 = 600;

/// Errors after which the context cannot be used any more (CUDA calls them sticky): the
/// device's primary context is reset when one is seen.
const STICKY: [i32; 9] = [700, 702, 710, 714, 715, 716, 717, 718, 719];

fn error_text(r: sys::CUresult) -> (String, String) {
    let code = r as i32;
    let mut p: *const c_char = null();
    // SAFETY: the driver is loaded (an error code came from it); the strings are static.
    let name = unsafe {
        if sys::cuGetErrorName(r, &mut p) as i32 == SUCCESS && !p.is_null() {
            CStr::from_ptr(p).to_string_lossy().into_owned()
        } else {
            format!("CUDA_ERROR_{code}")
        }
    };
    let mut p: *const c_char = null();
    let message = unsafe {
        if sys::cuGetErrorString(r, &mut p) as i32 == SUCCESS && !p.is_null() {
            CStr::from_ptr(p).to_string_lossy().into_owned()
        } else {
            "unknown error".to_string()
        }
    };
    (name, message)
}

/// `Ok` for CUDA_SUCCESS; otherwise the error, after resetting device `dev`'s context if
/// the error is sticky (`dev` < 0: no device to reset).
#[inline]
pub fn check(r: sys::CUresult, call: &'static str, dev: i32) -> Result<()> {
    if r as i32 == SUCCESS {
        Ok(())
    } else {
        Err(api_error(r, call, dev))
    }
}

#[cold]
fn api_error(r: sys::CUresult, call: &'static str, dev: i32) -> CudaError {
    let code = r as i32;
    let (name, mut message) = error_text(r);
    if STICKY.contains(&code) && dev >= 0 {
        if let Ok(d) = device(dev) {
            d.reset_after_fault();
            message.push_str(&format!(
                "; the fault made device {dev}'s CUDA context unusable, so ferrumba reset it: \
                 device arrays, streams, events and loaded kernels of that device from before are invalid now"
            ));
        }
    }
    CudaError::Api { code, call, name, message }
}

/// One GPU, its limits (read once), and its primary context.
pub struct Device {
    pub ordinal: i32,
    handle: sys::CUdevice,
    pub name: String,
    pub cc: (u32, u32),
    pub max_threads_per_block: u32,
    pub max_block: [u32; 3],
    pub max_grid: [u32; 3],
    pub max_shared_per_block: u32,
    pub max_shared_optin: u32,
    pub multiprocessors: u32,
    pub warp_size: u32,
    pub total_memory: usize,
    pub pci_bus_id: String,
    pub can_map_host_memory: bool,
    /// The retained primary context (`CUcontext`), 0 before first use and after a reset.
    ctx: AtomicUsize,
    generation: AtomicU32,
    retain: Mutex<()>,
}

pub struct Driver {
    pub version: i32,
    pub devices: Vec<Device>,
}

static DRIVER: OnceLock<std::result::Result<Driver, String>> = OnceLock::new();

fn panic_text(p: Box<dyn std::any::Any + Send>) -> String {
    p.downcast_ref::<String>().cloned().or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string())).unwrap_or_else(|| "a panic".into())
}

/// The loaded, initialized driver, or why there is none (the same answer for the life
/// of the process).
pub fn driver() -> Result<&'static Driver> {
    match DRIVER.get_or_init(init) {
        Ok(d) => Ok(d),
        Err(reason) => Err(CudaError::Unavailable(reason.clone())),
    }
}

/// Whether a GPU is usable, with the reason when it is not; never initializes twice.
pub fn status() -> (bool, String) {
    match driver() {
        Ok(d) => (true, format!("CUDA driver {}.{}, {} device(s)", d.version / 1000, (d.version % 1000) / 10, d.devices.len())),
        Err(e) => (false, e.to_string()),
    }
}

fn init() -> std::result::Result<Driver, String> {
    // With no libcuda, cudarc panics on the first call: look for the library first.
    // SAFETY: only tries to dlopen candidate names.
    let present = std::panic::catch_unwind(|| unsafe { sys::is_culib_present() }).unwrap_or(false);
    if !present {
        return Err("no CUDA driver: libcuda.so was not found on this machine (a GPU target needs the NVIDIA driver); \
                    run kernels on the CPU target with FERRUMBA_CUDA_TARGET=cpu"
            .into());
    }
    match std::panic::catch_unwind(init_loaded) {
        Ok(r) => r,
        Err(p) => Err(format!("loading the CUDA driver failed: {}", panic_text(p))),
    }
}

fn init_loaded() -> std::result::Result<Driver, String> {
    unsafe {
        let r = sys::cuInit(0);
        if r as i32 != SUCCESS {
            let (name, message) = error_text(r);
            return Err(format!("the CUDA driver failed to initialize: {name}: {message}"));
        }
        let mut version = 0;
        let _ = sys::cuDriverGetVersion(&mut version);
        let mut count = 0;
        let r = sys::cuDeviceGetCount(&mut count);
        if r as i32 != SUCCESS {
            let (name, message) = error_text(r);
            return Err(format!("cuDeviceGetCount failed: {name}: {message}"));
        }
        if count == 0 {
            return Err("the CUDA driver is installed but sees no GPU".into());
        }
        let mut devices = vec![];
        for ordinal in 0..count {
            devices.push(query_device(ordinal).map_err(|e| e.to_string())?);
        }
        Ok(Driver { version, devices })
    }
}

unsafe fn query_device(ordinal: i32) -> Result<Device> {
    use sys::CUdevice_attribute as A;
    let mut handle: sys::CUdevice = 0;
    check(sys::cuDeviceGet(&mut handle, ordinal), "cuDeviceGet", -1)?;
    let attr = |a: A| -> Result<u32> {
        let mut v = 0;
        check(sys::cuDeviceGetAttribute(&mut v, a, handle), "cuDeviceGetAttribute", -1)?;
        Ok(v.max(0) as u32)
    };
    let mut name = [0 as c_char; 256];
    check(sys::cuDeviceGetName(name.as_mut_ptr(), name.len() as i32, handle), "cuDeviceGetName", -1)?;
    let mut bus = [0 as c_char; 64];
    let pci_bus_id = if sys::cuDeviceGetPCIBusId(bus.as_mut_ptr(), bus.len() as i32, handle) as i32 == SUCCESS {
        CStr::from_ptr(bus.as_ptr()).to_string_lossy().into_owned()
    } else {
        String::new()
    };
    let mut total = 0usize;
    let _ = sys::cuDeviceTotalMem_v2(&mut total, handle);
    let max_shared_per_block = attr(A::CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK)?;
    Ok(Device {
        ordinal,
        handle,
        name: CStr::from_ptr(name.as_ptr()).to_string_lossy().into_owned(),
        cc: (attr(A::CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR)?, attr(A::CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR)?),
        max_threads_per_block: attr(A::CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK)?,
        max_block: [attr(A::CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_X)?, attr(A::CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_Y)?, attr(A::CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_Z)?],
        max_grid: [attr(A::CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_X)?, attr(A::CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Y)?, attr(A::CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Z)?],
        max_shared_per_block,
        max_shared_optin: attr(A::CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN).unwrap_or(0).max(max_shared_per_block),
        multiprocessors: attr(A::CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT)?,
        warp_size: attr(A::CU_DEVICE_ATTRIBUTE_WARP_SIZE)?,
        total_memory: total,
        pci_bus_id,
        can_map_host_memory: attr(A::CU_DEVICE_ATTRIBUTE_CAN_MAP_HOST_MEMORY).unwrap_or(0) != 0,
        ctx: AtomicUsize::new(0),
        generation: AtomicU32::new(0),
        retain: Mutex::new(()),
    })
}

/// A device attribute by its `CU_DEVICE_ATTRIBUTE_` name (without the prefix), for the
/// ones numba-cuda's `Device` exposes; `None` for a name not in the table.
pub fn device_attribute(dev: &Device, name: &str) -> Option<Result<i32>> {
    use sys::CUdevice_attribute as A;
    let a = match name {
        "MAX_THREADS_PER_BLOCK" => A::CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK,
        "MAX_BLOCK_DIM_X" => A::CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_X,
        "MAX_BLOCK_DIM_Y" => A::CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_Y,
        "MAX_BLOCK_DIM_Z" => A::CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_Z,
        "MAX_GRID_DIM_X" => A::CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_X,
        "MAX_GRID_DIM_Y" => A::CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Y,
        "MAX_GRID_DIM_Z" => A::CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Z,
        "MAX_SHARED_MEMORY_PER_BLOCK" => A::CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK,
        "MAX_SHARED_MEMORY_PER_BLOCK_OPTIN" => A::CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN,
        "MAX_SHARED_MEMORY_PER_MULTIPROCESSOR" => A::CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_MULTIPROCESSOR,
        "TOTAL_CONSTANT_MEMORY" => A::CU_DEVICE_ATTRIBUTE_TOTAL_CONSTANT_MEMORY,
        "WARP_SIZE" => A::CU_DEVICE_ATTRIBUTE_WARP_SIZE,
        "MAX_REGISTERS_PER_BLOCK" => A::CU_DEVICE_ATTRIBUTE_MAX_REGISTERS_PER_BLOCK,
        "MAX_REGISTERS_PER_MULTIPROCESSOR" => A::CU_DEVICE_ATTRIBUTE_MAX_REGISTERS_PER_MULTIPROCESSOR,
        "MAX_THREADS_PER_MULTIPROCESSOR" => A::CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_MULTIPROCESSOR,
        "CLOCK_RATE" => A::CU_DEVICE_ATTRIBUTE_CLOCK_RATE,
        "MEMORY_CLOCK_RATE" => A::CU_DEVICE_ATTRIBUTE_MEMORY_CLOCK_RATE,
        "GLOBAL_MEMORY_BUS_WIDTH" => A::CU_DEVICE_ATTRIBUTE_GLOBAL_MEMORY_BUS_WIDTH,
        "L2_CACHE_SIZE" => A::CU_DEVICE_ATTRIBUTE_L2_CACHE_SIZE,
        "MULTIPROCESSOR_COUNT" => A::CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT,
        "KERNEL_EXEC_TIMEOUT" => A::CU_DEVICE_ATTRIBUTE_KERNEL_EXEC_TIMEOUT,
        "INTEGRATED" => A::CU_DEVICE_ATTRIBUTE_INTEGRATED,
        "CAN_MAP_HOST_MEMORY" => A::CU_DEVICE_ATTRIBUTE_CAN_MAP_HOST_MEMORY,
        "COMPUTE_MODE" => A::CU_DEVICE_ATTRIBUTE_COMPUTE_MODE,
        "CONCURRENT_KERNELS" => A::CU_DEVICE_ATTRIBUTE_CONCURRENT_KERNELS,
        "ECC_ENABLED" => A::CU_DEVICE_ATTRIBUTE_ECC_ENABLED,
        "PCI_BUS_ID" => A::CU_DEVICE_ATTRIBUTE_PCI_BUS_ID,
        "PCI_DEVICE_ID" => A::CU_DEVICE_ATTRIBUTE_PCI_DEVICE_ID,
        "PCI_DOMAIN_ID" => A::CU_DEVICE_ATTRIBUTE_PCI_DOMAIN_ID,
        "ASYNC_ENGINE_COUNT" => A::CU_DEVICE_ATTRIBUTE_ASYNC_ENGINE_COUNT,
        "UNIFIED_ADDRESSING" => A::CU_DEVICE_ATTRIBUTE_UNIFIED_ADDRESSING,
        "COMPUTE_CAPABILITY_MAJOR" => A::CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR,
        "COMPUTE_CAPABILITY_MINOR" => A::CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR,
        "MANAGED_MEMORY" => A::CU_DEVICE_ATTRIBUTE_MANAGED_MEMORY,
        "MULTI_GPU_BOARD" => A::CU_DEVICE_ATTRIBUTE_MULTI_GPU_BOARD,
        "COOPERATIVE_LAUNCH" => A::CU_DEVICE_ATTRIBUTE_COOPERATIVE_LAUNCH,
        "MEMORY_POOLS_SUPPORTED" => A::CU_DEVICE_ATTRIBUTE_MEMORY_POOLS_SUPPORTED,
        _ => return None,
    };
    let mut v = 0;
    Some(check(unsafe { sys::cuDeviceGetAttribute(&mut v, a, dev.handle) }, "cuDeviceGetAttribute", -1).map(|_| v))
}

/// Device `ordinal`, or why it does not exist.
pub fn device(ordinal: i32) -> Result<&'static Device> {
    let d = driver()?;
    d.devices.get(usize::try_from(ordinal).unwrap_or(usize::MAX)).ok_or_else(|| {
        CudaError::Invalid(format!("there is no CUDA device {ordinal}: this machine has {} (numbered from 0)", d.devices.len()))
    })
}

thread_local! {
    /// The device `select` chose on this thread (numba-cuda's contexts are per thread too).
    static SELECTED: Cell<i32> = const { Cell::new(0) };
}

/// The calling thread's device, with its context made current.
#[inline]
pub fn current() -> Result<&'static Device> {
    let d = device(SELECTED.with(|s| s.get()))?;
    d.activate()?;
    Ok(d)
}

/// The calling thread's device number (without touching the driver).
pub fn selected_ordinal() -> i32 {
    SELECTED.with(|s| s.get())
}

/// Make `ordinal` the calling thread's device.
pub fn select(ordinal: i32) -> Result<&'static Device> {
    let d = device(ordinal)?;
    d.activate()?;
    SELECTED.with(|s| s.set(ordinal));
    Ok(d)
}

impl Device {
    /// Incremented whenever this device's context is released or reset: objects made
    /// under an older generation belong to a context that is gone.
    #[inline]
    pub fn generation(&self) -> u32 {
        self.generation.load(Ordering::Acquire)
    }

    fn context(&self) -> Result<sys::CUcontext> {
        let c = self.ctx.load(Ordering::Acquire);
        if c != 0 {
            return Ok(c as sys::CUcontext);
        }
        let _guard = self.retain.lock().unwrap_or_else(|p| p.into_inner());
        let c = self.ctx.load(Ordering::Acquire);
        if c != 0 {
            return Ok(c as sys::CUcontext);
        }
        let mut ctx: sys::CUcontext = null_mut();
        check(unsafe { sys::cuDevicePrimaryCtxRetain(&mut ctx, self.handle) }, "cuDevicePrimaryCtxRetain", -1)?;
        self.ctx.store(ctx as usize, Ordering::Release);
        Ok(ctx)
    }

    /// Make this device's primary context current on the calling thread (a no-op when it
    /// already is: one thread-local read in the driver).
    #[inline]
    pub fn activate(&self) -> Result<()> {
        let ctx = self.context()?;
        let mut cur: sys::CUcontext = null_mut();
        unsafe {
            let _ = sys::cuCtxGetCurrent(&mut cur);
        }
        if cur != ctx {
            check(unsafe { sys::cuCtxSetCurrent(ctx) }, "cuCtxSetCurrent", -1)?;
        }
        Ok(())
    }

    /// Wait for everything queued on this device.
    pub fn synchronize(&self) -> Result<()> {
        self.activate()?;
        check(unsafe { sys::cuCtxSynchronize() }, "cuCtxSynchronize", self.ordinal)
    }

    /// Free and total memory of the device, in bytes.
    pub fn mem_info(&self) -> Result<(usize, usize)> {
        self.activate()?;
        let (mut free, mut total) = (0usize, 0usize);
        check(unsafe { sys::cuMemGetInfo_v2(&mut free, &mut total) }, "cuMemGetInfo", self.ordinal)?;
        Ok((free, total))
    }

    fn drop_context(&self, reset: bool) {
        let _guard = self.retain.lock().unwrap_or_else(|p| p.into_inner());
        let c = self.ctx.swap(0, Ordering::AcqRel);
        self.generation.fetch_add(1, Ordering::AcqRel);
        if c == 0 {
            return;
        }
        unsafe {
            let mut cur: sys::CUcontext = null_mut();
            let _ = sys::cuCtxGetCurrent(&mut cur);
            if reset {
                let _ = sys::cuDevicePrimaryCtxReset_v2(self.handle);
            }
            let _ = sys::cuDevicePrimaryCtxRelease_v2(self.handle);
            if cur as usize == c {
                let _ = sys::cuCtxSetCurrent(null_mut());
            }
        }
    }

    fn reset_after_fault(&self) {
        self.drop_context(true);
    }

    /// `cuda.close()`: wait for the device, then release ferrumba's hold on its context
    /// (which the driver destroys when nobody else holds it).
    pub fn close(&self) {
        if self.ctx.load(Ordering::Acquire) != 0 {
            if self.activate().is_ok() {
                unsafe {
                    let _ = sys::cuCtxSynchronize();
                }
            }
            self.drop_context(false);
        }
    }

    /// Reset the primary context (`Device.reset()`): destroys every allocation on it.
    pub fn reset(&self) {
        if self.ctx.load(Ordering::Acquire) == 0 {
            let _ = self.context();
        }
        self.drop_context(true);
    }
}

/// `cuda.close()` for every device this process touched.
pub fn close_all() {
    if let Ok(d) = driver() {
        for dev in &d.devices {
            dev.close();
        }
    }
}

// ---------------------------------------------------------------------------------------
// Streams and events

/// A new stream on `dev` (CU_STREAM_DEFAULT: ordered with the legacy default stream, as
/// numba-cuda's streams are).
pub fn stream_create(dev: &Device, non_blocking: bool) -> Result<usize> {
    dev.activate()?;
    let mut s: sys::CUstream = null_mut();
    check(unsafe { sys::cuStreamCreate(&mut s, if non_blocking { 1 } else { 0 }) }, "cuStreamCreate", dev.ordinal)?;
    Ok(s as usize)
}

pub fn stream_destroy(dev: &Device, s: usize, generation: u32) {
    if s > 2 && dev.generation() == generation && dev.activate().is_ok() {
        unsafe {
            let _ = sys::cuStreamDestroy_v2(s as sys::CUstream);
        }
    }
}

pub fn stream_synchronize(dev: &Device, s: usize) -> Result<()> {
    dev.activate()?;
    check(unsafe { sys::cuStreamSynchronize(s as sys::CUstream) }, "cuStreamSynchronize", dev.ordinal)
}

/// Whether everything queued on stream `s` has completed.
pub fn stream_query(dev: &Device, s: usize) -> Result<bool> {
    dev.activate()?;
    let r = unsafe { sys::cuStreamQuery(s as sys::CUstream) };
    if r as i32 == NOT_READY {
        return Ok(false);
    }
    check(r, "cuStreamQuery", dev.ordinal).map(|_| true)
}

pub fn stream_wait_event(dev: &Device, s: usize, event: usize) -> Result<()> {
    dev.activate()?;
    check(unsafe { sys::cuStreamWaitEvent(s as sys::CUstream, event as sys::CUevent, 0) }, "cuStreamWaitEvent", dev.ordinal)
}

pub fn event_create(dev: &Device, timing: bool) -> Result<usize> {
    dev.activate()?;
    let mut e: sys::CUevent = null_mut();
    // CU_EVENT_DISABLE_TIMING = 2.
    check(unsafe { sys::cuEventCreate(&mut e, if timing { 0 } else { 2 }) }, "cuEventCreate", dev.ordinal)?;
    Ok(e as usize)
}

pub fn event_destroy(dev: &Device, e: usize, generation: u32) {
    if e != 0 && dev.generation() == generation && dev.activate().is_ok() {
        unsafe {
            let _ = sys::cuEventDestroy_v2(e as sys::CUevent);
        }
    }
}

pub fn event_record(dev: &Device, e: usize, s: usize) -> Result<()> {
    dev.activate()?;
    check(unsafe { sys::cuEventRecord(e as sys::CUevent, s as sys::CUstream) }, "cuEventRecord", dev.ordinal)
}

pub fn event_synchronize(dev: &Device, e: usize) -> Result<()> {
    dev.activate()?;
    check(unsafe { sys::cuEventSynchronize(e as sys::CUevent) }, "cuEventSynchronize", dev.ordinal)
}

pub fn event_query(dev: &Device, e: usize) -> Result<bool> {
    dev.activate()?;
    let r = unsafe { sys::cuEventQuery(e as sys::CUevent) };
    if r as i32 == NOT_READY {
        return Ok(false);
    }
    check(r, "cuEventQuery", dev.ordinal).map(|_| true)
}

/// Milliseconds between two recorded events.
pub fn event_elapsed(dev: &Device, start: usize, end: usize) -> Result<f32> {
    dev.activate()?;
    let mut ms = 0f32;
    check(unsafe { sys::cuEventElapsedTime(&mut ms, start as sys::CUevent, end as sys::CUevent) }, "cuEventElapsedTime", dev.ordinal)?;
    Ok(ms)
}

// ---------------------------------------------------------------------------------------
// Modules and launches

/// A kernel loaded into one device's context, with the attributes launches check.
pub struct LoadedKernel {
    pub device: i32,
    pub generation: u32,
    pub module: usize,
    pub function: usize,
    pub max_threads_per_block: u32,
    pub static_shared: u32,
    pub num_regs: u32,
    pub local_bytes: u32,
    pub const_bytes: u32,
    /// The dynamic shared memory the function may use now (raised on demand, up to the
    /// device's opt-in limit).
    pub dynamic_shared_limit: AtomicU32,
}

impl Drop for LoadedKernel {
    fn drop(&mut self) {
        let _ = std::panic::catch_unwind(|| {
            if let Ok(dev) = device(self.device) {
                if dev.generation() == self.generation && dev.activate().is_ok() {
                    unsafe {
                        let _ = sys::cuModuleUnload(self.module as sys::CUmodule);
                    }
                }
            }
        });
    }
}

fn log_text(buf: &[u8]) -> String {
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    String::from_utf8_lossy(&buf[..end]).trim().to_string()
}

/// Load `ptx` into `dev`'s context (the driver assembles it for the device) and look up
/// kernel `entry`. A rejected module's error reads with the JIT's log.
pub fn load_ptx(dev: &Device, ptx: &str, entry: &str, max_registers: Option<u32>) -> Result<LoadedKernel> {
    use sys::CUjit_option as O;
    dev.activate()?;
    let image = CString::new(ptx).map_err(|_| CudaError::Invalid("PTX text contains a NUL byte".into()))?;
    let mut error_log = vec![0u8; 16 * 1024];
    let mut info_log = vec![0u8; 4 * 1024];
    let mut options = vec![
        O::CU_JIT_ERROR_LOG_BUFFER,
        O::CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES,
        O::CU_JIT_INFO_LOG_BUFFER,
        O::CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES,
    ];
    let mut values: Vec<*mut c_void> = vec![
        error_log.as_mut_ptr() as *mut c_void,
        error_log.len() as *mut c_void,
        info_log.as_mut_ptr() as *mut c_void,
        info_log.len() as *mut c_void,
    ];
    if let Some(r) = max_registers {
        options.push(O::CU_JIT_MAX_REGISTERS);
        values.push(r as usize as *mut c_void);
    }
    let mut module: sys::CUmodule = null_mut();
    let r = unsafe { sys::cuModuleLoadDataEx(&mut module, image.as_ptr() as *const c_void, options.len() as u32, options.as_mut_ptr(), values.as_mut_ptr()) };
    if r as i32 != SUCCESS {
        let err = api_error(r, "cuModuleLoadDataEx", dev.ordinal);
        let log = log_text(&error_log);
        return Err(match err {
            CudaError::Api { code, call, name, message } => CudaError::Api {
                code,
                call,
                name,
                message: if log.is_empty() { message } else { format!("{message}; the PTX JIT compiler said:\n{log}") },
            },
            other => other,
        });
    }
    let unload = |e: CudaError| {
        unsafe {
            let _ = sys::cuModuleUnload(module);
        }
        e
    };
    let name = CString::new(entry).map_err(|_| CudaError::Invalid("kernel name contains a NUL byte".into())).map_err(unload)?;
    let mut function: sys::CUfunction = null_mut();
    check(unsafe { sys::cuModuleGetFunction(&mut function, module, name.as_ptr()) }, "cuModuleGetFunction", dev.ordinal).map_err(unload)?;
    let attr = |a: sys::CUfunction_attribute| -> Result<u32> {
        let mut v = 0;
        check(unsafe { sys::cuFuncGetAttribute(&mut v, a, function) }, "cuFuncGetAttribute", dev.ordinal)?;
        Ok(v.max(0) as u32)
    };
    use sys::CUfunction_attribute as F;
    let loaded = (|| {
        Ok(LoadedKernel {
            device: dev.ordinal,
            generation: dev.generation(),
            module: module as usize,
            function: function as usize,
            max_threads_per_block: attr(F::CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK)?,
            static_shared: attr(F::CU_FUNC_ATTRIBUTE_SHARED_SIZE_BYTES)?,
            num_regs: attr(F::CU_FUNC_ATTRIBUTE_NUM_REGS)?,
            local_bytes: attr(F::CU_FUNC_ATTRIBUTE_LOCAL_SIZE_BYTES)?,
            const_bytes: attr(F::CU_FUNC_ATTRIBUTE_CONST_SIZE_BYTES)?,
            dynamic_shared_limit: AtomicU32::new(attr(F::CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES)?),
        })
    })();
    loaded.map_err(unload)
}

/// A launch configuration checked against the device and the kernel: grid and block
/// dimensions, threads per block (which the kernel's register use may lower below the
/// device's 1024), and shared memory (static + dynamic; dynamic beyond the default
/// 48 KiB is opted into here, up to what the device allows).
pub fn check_config(dev: &Device, k: &LoadedKernel, name: &str, grid: [u32; 3], block: [u32; 3], dynamic_shared: u32) -> Result<()> {
    let threads = block[0] as u64 * block[1] as u64 * block[2] as u64;
    if threads > k.max_threads_per_block as u64 {
        let why = if k.max_threads_per_block < dev.max_threads_per_block {
            format!(" (it uses {} registers per thread, which limits it to {} threads per block)", k.num_regs, k.max_threads_per_block)
        } else {
            String::new()
        };
        return Err(CudaError::Invalid(format!(
            "kernel {name}: a block of {}x{}x{} threads exceeds the {} threads a CUDA block may have for this kernel on {}{why}",
            block[0], block[1], block[2], k.max_threads_per_block, dev.name
        )));
    }
    for (axis, (&b, &m)) in ["x", "y", "z"].iter().zip(block.iter().zip(&dev.max_block)) {
        if b > m {
            return Err(CudaError::Invalid(format!("kernel {name}: blockdim.{axis} = {b} exceeds the device's maximum of {m}")));
        }
    }
    for (axis, (&g, &m)) in ["x", "y", "z"].iter().zip(grid.iter().zip(&dev.max_grid)) {
        if g > m {
            return Err(CudaError::Invalid(format!("kernel {name}: griddim.{axis} = {g} exceeds the device's maximum of {m}")));
        }
    }
    if dynamic_shared > k.dynamic_shared_limit.load(Ordering::Relaxed) {
        let total = k.static_shared as u64 + dynamic_shared as u64;
        if total > dev.max_shared_optin as u64 {
            return Err(CudaError::Invalid(format!(
                "kernel {name}: {dynamic_shared} bytes of dynamic shared memory plus its {} static bytes exceed the {} bytes a block may use on {}",
                k.static_shared, dev.max_shared_optin, dev.name
            )));
        }
        dev.activate()?;
        check(
            unsafe { sys::cuFuncSetAttribute(k.function as sys::CUfunction, sys::CUfunction_attribute::CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, dynamic_shared as i32) },
            "cuFuncSetAttribute",
            dev.ordinal,
        )?;
        k.dynamic_shared_limit.store(dynamic_shared, Ordering::Relaxed);
    }
    Ok(())
}

/// `cuLaunchKernel` with `params[i]` pointing at the i-th kernel parameter's bytes; the
/// context must be current (`current()`/`activate()`).
///
/// # Safety
/// `params` must hold one valid pointer per parameter of the kernel, each to as many
/// bytes as that parameter has.
#[inline]
pub unsafe fn launch(dev: &Device, k: &LoadedKernel, grid: [u32; 3], block: [u32; 3], dynamic_shared: u32, stream: usize, params: *mut *mut c_void) -> Result<()> {
    let r = sys::cuLaunchKernel(
        k.function as sys::CUfunction,
        grid[0],
        grid[1],
        grid[2],
        block[0],
        block[1],
        block[2],
        dynamic_shared,
        stream as sys::CUstream,
        params,
        null_mut(),
    );
    check(r, "cuLaunchKernel", dev.ordinal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_never_panics_and_explains_itself() {
        // With no libcuda (most build machines) the reason names it; with one, the driver
        // answers. Either way no panic reaches the caller, and the answer is stable.
        let (ok, reason) = status();
        assert!(!reason.is_empty());
        if !ok {
            assert!(reason.contains("libcuda") || reason.contains("driver") || reason.contains("GPU"), "{reason}");
            assert!(matches!(current(), Err(CudaError::Unavailable(_))));
            assert!(matches!(device(0), Err(CudaError::Unavailable(_))));
        }
        assert_eq!(status(), (ok, reason));
    }

    #[test]
    fn errors_read_with_call_name_and_code() {
        let e = CudaError::Api { code: 700, call: "cuCtxSynchronize", name: "CUDA_ERROR_ILLEGAL_ADDRESS".into(), message: "an illegal memory access".into() };
        assert_eq!(e.to_string(), "cuCtxSynchronize failed: CUDA_ERROR_ILLEGAL_ADDRESS (700): an illegal memory access");
    }
}
