//! Vectorcall for dispatchers: CPython calls the dispatcher without building an argument
//! tuple, straight into Rust.
//!
//! pyo3 has no vectorcall for classes and the stable ABI hides `PyTypeObject`, so the type
//! is patched after creation: `tp_vectorcall_offset` points at the dispatcher's
//! `vectorcall` field and `Py_TPFLAGS_HAVE_VECTORCALL` is set. This is done only on
//! CPython versions whose type layout is checked here field by field against what the
//! stable API reports (`PyType_GetFlags`, `PyType_GetSlot`); anywhere else the type keeps
//! its ordinary `tp_call`, which gives the same results, just slower.

use crate::cpu::dispatcher::Dispatcher;
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};
use std::os::raw::c_ulong;

const HAVE_VECTORCALL: c_ulong = 1 << 11;
const ARGUMENTS_OFFSET: usize = 1 << (usize::BITS - 1);
// Offsets of fields in CPython 3.10–3.13's PyTypeObject on 64-bit platforms.
const VECTORCALL_OFFSET_AT: usize = 56;
const TP_CALL_AT: usize = 128;
const TP_FLAGS_AT: usize = 168;

pub type VectorcallFn = unsafe extern "C" fn(*mut ffi::PyObject, *const *mut ffi::PyObject, usize, *mut ffi::PyObject) -> *mut ffi::PyObject;

/// Enable vectorcall on `obj`'s type, given the byte offset of the `vectorcall` field in
/// the instance. Returns whether it was enabled.
pub fn enable(obj: &Bound<'_, PyAny>, field_offset: usize) -> bool {
    let py = obj.py();
    let Ok(version) = py.import("sys").and_then(|s| s.getattr("version_info")).and_then(|v| v.extract::<(u32, u32, u32, String, u32)>()) else {
        return false;
    };
    if version.0 != 3 || !(10..=13).contains(&version.1) || cfg!(not(target_pointer_width = "64")) {
        return false;
    }
    // Free-threaded builds lay out objects differently.
    if py.import("sys").and_then(|s| s.getattr("_is_gil_enabled")).is_ok() {
        return false;
    }
    let tp = unsafe { ffi::Py_TYPE(obj.as_ptr()) };
    unsafe {
        let base = tp as *mut u8;
        let flags_field = base.add(TP_FLAGS_AT) as *mut c_ulong;
        let call_field = base.add(TP_CALL_AT) as *const *mut std::ffi::c_void;
        let offset_field = base.add(VECTORCALL_OFFSET_AT) as *mut ffi::Py_ssize_t;
        // The layout must be the one assumed: cross-check against the stable API.
        if *flags_field != ffi::PyType_GetFlags(tp) as c_ulong {
            return false;
        }
        let tp_call = ffi::PyType_GetSlot(tp, ffi::Py_tp_call);
        if tp_call.is_null() || *call_field != tp_call {
            return false;
        }
        if *flags_field & HAVE_VECTORCALL != 0 {
            return *offset_field == field_offset as ffi::Py_ssize_t;
        }
        if *offset_field != 0 {
            return false;
        }
        *offset_field = field_offset as ffi::Py_ssize_t;
        *flags_field |= HAVE_VECTORCALL;
        ffi::PyType_Modified(tp);
    }
    true
}

/// The vectorcall entry point of every dispatcher.
pub unsafe extern "C" fn dispatcher_vectorcall(
    callable: *mut ffi::PyObject,
    args: *const *mut ffi::PyObject,
    nargsf: usize,
    kwnames: *mut ffi::PyObject,
) -> *mut ffi::PyObject {
    let result = std::panic::catch_unwind(|| {
        let py = unsafe { Python::assume_attached() };
        let nargs = nargsf & !ARGUMENTS_OFFSET;
        let obj = unsafe { Bound::from_borrowed_ptr(py, callable) };
        let d = match obj.cast::<Dispatcher>() {
            Ok(d) => d.get(),
            Err(e) => return Err(PyErr::from(e)),
        };
        let positional = unsafe { std::slice::from_raw_parts(args, nargs) };
        if kwnames.is_null() {
            if let Some(r) = d.call_fast(py, positional) {
                return r;
            }
        }
        // Keywords, defaults or a new signature: the general path with a tuple and a dict.
        let tuple = PyTuple::new(py, positional.iter().map(|p| unsafe { Bound::from_borrowed_ptr(py, *p) }))?;
        let kwargs = if kwnames.is_null() {
            None
        } else {
            let names = unsafe { Bound::from_borrowed_ptr(py, kwnames) };
            let names = names.cast::<PyTuple>().map_err(PyErr::from)?;
            let dict = PyDict::new(py);
            for (k, name) in names.iter().enumerate() {
                dict.set_item(name, unsafe { Bound::from_borrowed_ptr(py, *args.add(nargs + k)) })?;
            }
            Some(dict)
        };
        d.call_general(py, &tuple, kwargs.as_ref())
    });
    match result {
        Ok(Ok(v)) => v.into_ptr(),
        Ok(Err(e)) => {
            e.restore(unsafe { Python::assume_attached() });
            std::ptr::null_mut()
        }
        Err(_) => {
            let py = unsafe { Python::assume_attached() };
            pyo3::exceptions::PySystemError::new_err("ferrumba: a panic in the dispatcher (a bug, please report it)").restore(py);
            std::ptr::null_mut()
        }
    }
}
