//! Device and host memory through the CUDA driver: allocations on a device, page-locked
//! (pinned) and mapped host memory, copies in every direction and memset. A stream
//! handle of 0 means the legacy default stream and a synchronous copy (numba-cuda's
//! `stream=0`); any other handle queues the copy on that stream.

use super::driver::{check, CudaError, Device, Result};
use cudarc::driver::sys;
use std::ffi::c_void;

/// `n` bytes of device memory on `dev` (0 bytes: the null pointer, nothing allocated).
pub fn alloc(dev: &Device, n: usize) -> Result<u64> {
    if n == 0 {
        return Ok(0);
    }
    dev.activate()?;
    let mut p: sys::CUdeviceptr = 0;
    let r = unsafe { sys::cuMemAlloc_v2(&mut p, n) };
    if r as i32 == 2 {
        // CUDA_ERROR_OUT_OF_MEMORY: say how much was asked and how much is left.
        let free = dev.mem_info().map(|(f, _)| f).unwrap_or(0);
        return Err(CudaError::Api {
            code: 2,
            call: "cuMemAlloc",
            name: "CUDA_ERROR_OUT_OF_MEMORY".into(),
            message: format!("out of memory allocating {n} bytes on {} ({free} bytes free)", dev.name),
        });
    }
    check(r, "cuMemAlloc", dev.ordinal)?;
    Ok(p)
}

/// Free device memory of generation `generation` (nothing when the context it lived in
/// is gone: the driver freed it with the context).
pub fn free(dev: &Device, p: u64, generation: u32) {
    if p != 0 && dev.generation() == generation && dev.activate().is_ok() {
        unsafe {
            let _ = sys::cuMemFree_v2(p);
        }
    }
}

/// Page-locked host memory, also mapped into the device's address space when `mapped`;
/// returns (host pointer, device pointer or 0).
pub fn host_alloc(dev: &Device, n: usize, mapped: bool, portable: bool, write_combined: bool) -> Result<(usize, u64)> {
    dev.activate()?;
    // CU_MEMHOSTALLOC_PORTABLE = 1, DEVICEMAP = 2, WRITECOMBINED = 4.
    let flags = (portable as u32) | ((mapped as u32) << 1) | ((write_combined as u32) << 2);
    let mut p: *mut c_void = std::ptr::null_mut();
    check(unsafe { sys::cuMemHostAlloc(&mut p, n.max(1), flags) }, "cuMemHostAlloc", dev.ordinal)?;
    let mut d: sys::CUdeviceptr = 0;
    if mapped {
        if let Err(e) = check(unsafe { sys::cuMemHostGetDevicePointer_v2(&mut d, p, 0) }, "cuMemHostGetDevicePointer", dev.ordinal) {
            unsafe {
                let _ = sys::cuMemFreeHost(p);
            }
            return Err(e);
        }
    }
    Ok((p as usize, d))
}

pub fn host_free(dev: &Device, p: usize, generation: u32) {
    if p != 0 && dev.generation() == generation && dev.activate().is_ok() {
        unsafe {
            let _ = sys::cuMemFreeHost(p as *mut c_void);
        }
    }
}

pub fn memset(dev: &Device, dst: u64, byte: u8, n: usize, stream: usize) -> Result<()> {
    if n == 0 {
        return Ok(());
    }
    dev.activate()?;
    let r = if stream == 0 { unsafe { sys::cuMemsetD8_v2(dst, byte, n) } } else { unsafe { sys::cuMemsetD8Async(dst, byte, n, stream as sys::CUstream) } };
    check(r, "cuMemsetD8", dev.ordinal)
}

/// Host → device.
///
/// # Safety
/// `src` must be readable for `n` bytes (until the copy completes, for a pinned source
/// on a stream).
pub unsafe fn htod(dev: &Device, dst: u64, src: *const u8, n: usize, stream: usize) -> Result<()> {
    if n == 0 {
        return Ok(());
    }
    dev.activate()?;
    let r = if stream == 0 {
        sys::cuMemcpyHtoD_v2(dst, src as *const c_void, n)
    } else {
        sys::cuMemcpyHtoDAsync_v2(dst, src as *const c_void, n, stream as sys::CUstream)
    };
    check(r, "cuMemcpyHtoD", dev.ordinal)
}

/// Device → host.
///
/// # Safety
/// `dst` must be writable for `n` bytes (and stay so until the copy completes, for a
/// pinned destination on a stream).
pub unsafe fn dtoh(dev: &Device, dst: *mut u8, src: u64, n: usize, stream: usize) -> Result<()> {
    if n == 0 {
        return Ok(());
    }
    dev.activate()?;
    let r = if stream == 0 {
        sys::cuMemcpyDtoH_v2(dst as *mut c_void, src, n)
    } else {
        sys::cuMemcpyDtoHAsync_v2(dst as *mut c_void, src, n, stream as sys::CUstream)
    };
    check(r, "cuMemcpyDtoH", dev.ordinal)
}

/// Device → device (also between devices: addresses are unified).
pub fn dtod(dev: &Device, dst: u64, src: u64, n: usize, stream: usize) -> Result<()> {
    if n == 0 {
        return Ok(());
    }
    dev.activate()?;
    let r = if stream == 0 { unsafe { sys::cuMemcpyDtoD_v2(dst, src, n) } } else { unsafe { sys::cuMemcpyDtoDAsync_v2(dst, src, n, stream as sys::CUstream) } };
    check(r, "cuMemcpyDtoD", dev.ordinal)
}
