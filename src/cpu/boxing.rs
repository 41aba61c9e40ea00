//! The Python boundary of compiled code: typing arguments (`typeof`), unboxing them into
//! entry slots, and boxing results. Typing is a few pointer comparisons for the common
//! cases; nothing here calls Python code on the hot path.

use crate::common::types::{ArrayType, Layout, Scalar, Type};
use numpy::{PyArrayDescrMethods, PyUntypedArray, PyUntypedArrayMethods};
use pyo3::exceptions::{PyOverflowError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyComplex, PyFloat, PyInt, PyList, PyTuple};
use std::sync::OnceLock;

const NPY_ARRAY_C_CONTIGUOUS: i32 = 0x0001;
const NPY_ARRAY_F_CONTIGUOUS: i32 = 0x0002;
const NPY_ARRAY_WRITEABLE: i32 = 0x0400;

fn scalar_of_type_num(n: i32) -> Option<Scalar> {
    // NumPy's type numbers on LP64 platforms (long and long long are both 64-bit).
    Some(match n {
        0 => Scalar::Bool,
        1 => Scalar::I8,
        2 => Scalar::U8,
        3 => Scalar::I16,
        4 => Scalar::U16,
        5 => Scalar::I32,
        6 => Scalar::U32,
        7 | 9 => Scalar::I64,
        8 | 10 => Scalar::U64,
        11 => Scalar::F32,
        12 => Scalar::F64,
        14 => Scalar::C64,
        15 => Scalar::C128,
        _ => return None,
    })
}

/// NumPy scalar types (np.float32, ...) by type object address, filled on first use.
fn numpy_scalar_types(py: Python<'_>) -> &'static [(usize, Scalar)] {
    static TYPES: OnceLock<Vec<(usize, Scalar)>> = OnceLock::new();
    TYPES.get_or_init(|| {
        let mut v = vec![];
        if let Ok(np) = py.import("numpy") {
            for s in [
                Scalar::Bool,
                Scalar::I8,
                Scalar::I16,
                Scalar::I32,
                Scalar::I64,
                Scalar::U8,
                Scalar::U16,
                Scalar::U32,
                Scalar::U64,
                Scalar::F32,
                Scalar::F64,
                Scalar::C64,
                Scalar::C128,
            ] {
                let name = if s == Scalar::Bool { "bool_" } else { s.name() };
                if let Ok(t) = np.getattr(name) {
                    v.push((t.as_ptr() as usize, s));
                    // Keep the type object alive for the process (it is anyway).
                    std::mem::forget(t);
                }
            }
        }
        v
    })
}

/// The type ferrumba gives a Python argument, or `None` when nothing supports it.
pub fn typeof_arg(arg: &Bound<'_, PyAny>) -> PyResult<Option<Type>> {
    if arg.is_exact_instance_of::<PyBool>() {
        return Ok(Some(Type::Scalar(Scalar::Bool)));
    }
    if arg.is_exact_instance_of::<PyInt>() {
        if arg.extract::<i64>().is_ok() {
            return Ok(Some(Type::Scalar(Scalar::I64)));
        }
        if arg.extract::<u64>().is_ok() {
            return Ok(Some(Type::Scalar(Scalar::U64)));
        }
        return Err(PyOverflowError::new_err("int too large to convert to a 64-bit integer"));
    }
    if arg.is_exact_instance_of::<PyFloat>() {
        return Ok(Some(Type::Scalar(Scalar::F64)));
    }
    if arg.is_exact_instance_of::<PyComplex>() {
        return Ok(Some(Type::Scalar(Scalar::C128)));
    }
    if arg.is_none() {
        return Ok(Some(Type::NoneType));
    }
    if let Ok(arr) = arg.cast::<PyUntypedArray>() {
        return Ok(array_type(arr));
    }
    if let Ok(t) = arg.cast::<PyTuple>() {
        let mut items = vec![];
        for x in t.iter() {
            match typeof_arg(&x)? {
                Some(ty) => items.push(ty),
                None => return Ok(None),
            }
        }
        return Ok(Some(Type::Tuple(items)));
    }
    let tp = arg.get_type().as_ptr() as usize;
    if let Some((_, s)) = numpy_scalar_types(arg.py()).iter().find(|(p, _)| *p == tp) {
        return Ok(Some(Type::Scalar(*s)));
    }
    // A NumPy scalar type itself (np.float32) passed as an argument.
    let me = arg.as_ptr() as usize;
    if let Some((_, s)) = numpy_scalar_types(arg.py()).iter().find(|(p, _)| *p == me) {
        return Ok(Some(Type::DType(*s)));
    }
    if arg.is_exact_instance_of::<PyList>() {
        return crate::cpu::list_python::typeof_reflected(arg);
    }
    if let Some(t) = crate::cpu::list_python::typeof_typed_list(arg) {
        return Ok(Some(t));
    }
    // Subclasses of int/float/bool (IntEnum members, ...) behave as their base type.
    if arg.is_instance_of::<PyBool>() {
        return Ok(Some(Type::Scalar(Scalar::Bool)));
    }
    if arg.is_instance_of::<PyInt>() {
        return Ok(Some(Type::Scalar(Scalar::I64)));
    }
    if arg.is_instance_of::<PyFloat>() {
        return Ok(Some(Type::Scalar(Scalar::F64)));
    }
    Ok(None)
}

fn array_type(arr: &Bound<'_, PyUntypedArray>) -> Option<Type> {
    let p = arr.as_array_ptr();
    unsafe {
        let fields = &(*p).fields;
        let descr = &(*fields.descr).fields;
        if descr.byteorder as u8 == b'>' {
            return None;
        }
        let dtype = scalar_of_type_num(descr.type_num)?;
        let flags = fields.flags;
        let layout = if flags & NPY_ARRAY_C_CONTIGUOUS != 0 {
            Layout::C
        } else if flags & NPY_ARRAY_F_CONTIGUOUS != 0 {
            Layout::F
        } else {
            Layout::Any
        };
        Some(Type::Array(ArrayType { dtype, ndim: fields.nd as u32, layout, readonly: flags & NPY_ARRAY_WRITEABLE == 0 }))
    }
}

/// Argument slots on the stack for the common case, spilling to the heap for large tuples
/// or many arrays.
pub struct SlotBuf {
    inline: [u64; 32],
    len: usize,
    spill: Vec<u64>,
}

impl SlotBuf {
    pub fn new() -> SlotBuf {
        SlotBuf { inline: [0; 32], len: 0, spill: Vec::new() }
    }
    pub fn clear(&mut self) {
        self.len = 0;
        self.spill.clear();
    }
    #[inline]
    pub fn push(&mut self, v: u64) {
        if self.len < self.inline.len() && self.spill.is_empty() {
            self.inline[self.len] = v;
            self.len += 1;
        } else {
            if self.spill.is_empty() {
                self.spill.extend_from_slice(&self.inline[..self.len]);
            }
            self.spill.push(v);
        }
    }
    pub fn as_slice(&self) -> &[u64] {
        if self.spill.is_empty() {
            &self.inline[..self.len]
        } else {
            &self.spill
        }
    }

    pub fn as_ptr(&self) -> *const u64 {
        if self.spill.is_empty() {
            self.inline.as_ptr()
        } else {
            self.spill.as_ptr()
        }
    }
}

impl Default for SlotBuf {
    fn default() -> Self {
        Self::new()
    }
}

impl Extend<u64> for SlotBuf {
    fn extend<I: IntoIterator<Item = u64>>(&mut self, iter: I) {
        for v in iter {
            self.push(v);
        }
    }
}

/// Unbox `arg` into `slots` if it has exactly type `t`; `Ok(false)` (and nothing pushed
/// that matters) when it does not. The dispatcher's hot path: the common argument types
/// are recognised by their type object and read without going through Python code.
pub fn unbox_exact(arg: &Bound<'_, PyAny>, t: &Type, slots: &mut SlotBuf) -> PyResult<bool> {
    match t {
        Type::Scalar(Scalar::I64) if arg.is_exact_instance_of::<PyInt>() => {
            let mut overflow = 0;
            let v = unsafe { pyo3::ffi::PyLong_AsLongLongAndOverflow(arg.as_ptr(), &mut overflow) };
            if overflow != 0 {
                return Ok(false);
            }
            if v == -1 {
                if let Some(e) = PyErr::take(arg.py()) {
                    return Err(e);
                }
            }
            slots.push(v as u64);
            Ok(true)
        }
        Type::Scalar(Scalar::F64) if arg.is_exact_instance_of::<PyFloat>() => {
            slots.push(unsafe { pyo3::ffi::PyFloat_AsDouble(arg.as_ptr()) }.to_bits());
            Ok(true)
        }
        Type::Scalar(Scalar::Bool) if arg.is_exact_instance_of::<PyBool>() => {
            slots.push(arg.is_truthy()? as u64);
            Ok(true)
        }
        Type::Array(_) => match arg.cast::<PyUntypedArray>() {
            Ok(a) if array_type(a).as_ref() == Some(t) => {
                unbox(arg, t, slots)?;
                Ok(true)
            }
            _ => Ok(false),
        },
        _ => {
            if matches!(typeof_arg(arg), Ok(Some(ref x)) if x == t) {
                unbox(arg, t, slots)?;
                Ok(true)
            } else {
                Ok(false)
            }
        }
    }
}

/// Whether `arg` can be passed where an explicit signature wants `t` (Numba converts
/// numbers when the dispatcher has fixed signatures).
pub fn convertible(arg: &Bound<'_, PyAny>, t: &Type) -> bool {
    match (typeof_arg(arg), t) {
        (Ok(Some(Type::Scalar(from))), Type::Scalar(to)) => !from.is_complex() || to.is_complex(),
        (Ok(Some(Type::Tuple(items))), Type::Tuple(want)) if items.len() == want.len() => match arg.cast::<PyTuple>() {
            Ok(t) => t.iter().zip(want).all(|(x, w)| convertible(&x, w)),
            Err(_) => false,
        },
        (Ok(Some(Type::Array(a))), Type::Array(b)) => {
            a.dtype == b.dtype && a.ndim == b.ndim && (b.layout == Layout::Any || a.layout == b.layout) && (!a.readonly || b.readonly)
        }
        (Ok(Some(x)), _) => &x == t || matches!(t, Type::Optional(inner) if (x == **inner || x == Type::NoneType)),
        _ => false,
    }
}

/// Write `arg` as type `t` into `slots`.
pub fn unbox(arg: &Bound<'_, PyAny>, t: &Type, slots: &mut SlotBuf) -> PyResult<()> {
    match t {
        Type::Scalar(s) if s.is_complex() => {
            let c = arg.cast::<PyComplex>().ok().map(|c| (c.real(), c.imag()));
            let (re, im) = match c {
                Some(v) => v,
                None => {
                    let c: Bound<PyComplex> = arg.py().get_type::<PyComplex>().call1((arg,))?.cast_into()?;
                    (c.real(), c.imag())
                }
            };
            slots.push(re.to_bits());
            slots.push(im.to_bits());
        }
        Type::Scalar(s) if s.is_float() => slots.push(arg.extract::<f64>()?.to_bits()),
        Type::Scalar(Scalar::Bool) => slots.push(arg.is_truthy()? as u64),
        Type::Scalar(s) if s.is_signed() => slots.push(arg.extract::<i64>()? as u64),
        Type::Scalar(_) => {
            let v = match arg.extract::<u64>() {
                Ok(v) => v,
                Err(_) => arg.extract::<i64>()? as u64,
            };
            slots.push(v)
        }
        Type::NoneType => {}
        Type::Tuple(items) => {
            let tup = arg.cast::<PyTuple>()?;
            for (x, it) in tup.iter().zip(items) {
                unbox(&x, it, slots)?;
            }
        }
        Type::Array(a) => {
            let arr = arg.cast::<PyUntypedArray>()?;
            let p = arr.as_array_ptr();
            unsafe {
                let f = &(*p).fields;
                slots.push(0); // meminfo: borrowed from Python, not owned by compiled code
                slots.push(arg.as_ptr() as u64);
                slots.push(f.data as u64);
                let nd = a.ndim as usize;
                for k in 0..nd {
                    slots.push(*f.dimensions.add(k) as u64);
                }
                for k in 0..nd {
                    slots.push(*f.strides.add(k) as u64);
                }
            }
        }
        Type::Optional(inner) => {
            if arg.is_none() {
                slots.push(0);
                slots.extend(std::iter::repeat_n(0, crate::common::types::slot_count(inner)));
            } else {
                slots.push(1);
                unbox(arg, inner, slots)?;
            }
        }
        Type::DType(_) | Type::StrLiteral(_) | Type::BoolLiteral(_) => {}
        Type::List { item, reflected: true } => slots.push(crate::cpu::list_python::reflected_from_python(arg, item)?),
        Type::List { reflected: false, .. } => slots.push(crate::cpu::list_python::typed_list_pointer(arg)?),
        Type::Range => {
            for attr in ["start", "stop", "step"] {
                slots.push(arg.getattr(attr)?.extract::<i64>()? as u64);
            }
        }
        Type::Unknown => return Err(PyTypeError::new_err("internal: unboxing an unknown type")),
    }
    Ok(())
}

/// Read a value of type `t` from `slots` starting at `*pos`.
pub fn box_value(py: Python<'_>, t: &Type, slots: &[u64], pos: &mut usize) -> PyResult<Py<PyAny>> {
    let mut next = || {
        let v = slots[*pos];
        *pos += 1;
        v
    };
    Ok(match t {
        Type::Scalar(s) if s.is_complex() => {
            let re = f64::from_bits(next());
            let im = f64::from_bits(next());
            PyComplex::from_doubles(py, re, im).into_any().unbind()
        }
        Type::Scalar(s) if s.is_float() => PyFloat::new(py, f64::from_bits(next())).into_any().unbind(),
        Type::Scalar(Scalar::Bool) => PyBool::new(py, next() != 0).to_owned().into_any().unbind(),
        Type::Scalar(s) if s.is_signed() => (next() as i64).into_pyobject(py)?.into_any().unbind(),
        Type::Scalar(_) => next().into_pyobject(py)?.into_any().unbind(),
        Type::NoneType | Type::Unknown => py.None(),
        Type::Tuple(items) => {
            let mut vals = Vec::with_capacity(items.len());
            for it in items {
                vals.push(box_value(py, it, slots, pos)?);
            }
            PyTuple::new(py, vals)?.into_any().unbind()
        }
        Type::Optional(inner) => {
            let flag = next();
            if flag != 0 {
                box_value(py, inner, slots, pos)?
            } else {
                *pos += crate::common::types::slot_count(inner);
                py.None()
            }
        }
        Type::Array(a) => {
            let meminfo = next();
            let parent = next();
            let data = next();
            let nd = a.ndim as usize;
            let mut dims: Vec<isize> = (0..nd).map(|_| next() as isize).collect();
            let mut strides: Vec<isize> = (0..nd).map(|_| next() as isize).collect();
            if meminfo == 0 && parent != 0 {
                let parent_obj = unsafe { Bound::from_borrowed_ptr(py, parent as *mut pyo3::ffi::PyObject) };
                if same_view(&parent_obj, a.dtype, data, &dims, &strides) {
                    // The argument array itself came back: hand back that same object.
                    return Ok(parent_obj.unbind());
                }
                return new_ndarray(py, a, data, &mut dims, &mut strides, parent_obj.unbind());
            }
            if meminfo == 0 {
                // A frozen global array (constant memory of the compiled code): return a copy.
                let view = new_ndarray(py, a, data, &mut dims, &mut strides, py.None())?;
                return Ok(view.bind(py).call_method0("copy")?.unbind());
            }
            let owner = Py::new(py, crate::cpu::memory::MemoryOwner::new(meminfo as *mut crate::cpu::memory::MemInfo))?;
            new_ndarray(py, a, data, &mut dims, &mut strides, owner.into_any())?
        }
        Type::DType(s) => {
            let name = if *s == Scalar::Bool { "bool_" } else { s.name() };
            py.import("numpy")?.getattr(name)?.unbind()
        }
        Type::StrLiteral(s) => pyo3::types::PyString::new(py, s).into_any().unbind(),
        Type::BoolLiteral(b) => pyo3::types::PyBool::new(py, *b).to_owned().into_any().unbind(),
        Type::List { item, reflected } => {
            let mi = next() as *mut crate::cpu::memory::MemInfo;
            if *reflected {
                crate::cpu::list_python::reflected_to_python(py, item, mi)?
            } else {
                crate::cpu::list_python::typed_list(py, mi, item)?
            }
        }
        Type::Range => {
            let (a, b, c) = (next() as i64, next() as i64, next() as i64);
            py.import("builtins")?.getattr("range")?.call1((a, b, c))?.unbind()
        }
    })
}

/// Whether the array value is the argument array itself (not a view of it: `a.real` of a
/// complex array starts at the same address with the same strides, in another dtype).
fn same_view(parent: &Bound<'_, PyAny>, dtype: Scalar, data: u64, dims: &[isize], strides: &[isize]) -> bool {
    let Ok(arr) = parent.cast::<PyUntypedArray>() else { return false };
    let d = arr.dtype();
    let kind = match dtype {
        Scalar::Bool => b'b',
        s if s.is_complex() => b'c',
        s if s.is_float() => b'f',
        s if s.is_signed() => b'i',
        _ => b'u',
    };
    if d.kind() != kind || d.itemsize() != dtype.itemsize() {
        return false;
    }
    unsafe {
        let f = &(*arr.as_array_ptr()).fields;
        f.data as u64 == data
            && f.nd as usize == dims.len()
            && (0..dims.len()).all(|k| *f.dimensions.add(k) == dims[k] && *f.strides.add(k) == strides[k])
    }
}

fn type_num_of(s: Scalar) -> i32 {
    match s {
        Scalar::Bool => 0,
        Scalar::I8 => 1,
        Scalar::U8 => 2,
        Scalar::I16 => 3,
        Scalar::U16 => 4,
        Scalar::I32 => 5,
        Scalar::U32 => 6,
        Scalar::I64 => 7,
        Scalar::U64 => 8,
        Scalar::F32 => 11,
        Scalar::F64 => 12,
        Scalar::C64 => 14,
        Scalar::C128 => 15,
    }
}

/// An ndarray over memory compiled code owns (or a view of an argument), kept alive by
/// `base`; no copy.
fn new_ndarray(py: Python<'_>, a: &ArrayType, data: u64, dims: &mut [isize], strides: &mut [isize], base: Py<PyAny>) -> PyResult<Py<PyAny>> {
    use numpy::npyffi::{NpyTypes, PY_ARRAY_API};
    unsafe {
        let descr = PY_ARRAY_API.PyArray_DescrFromType(py, type_num_of(a.dtype));
        let subtype = numpy::npyffi::get_type_object(py, NpyTypes::PyArray_Type);
        let flags = if a.readonly { 0 } else { NPY_ARRAY_WRITEABLE };
        let arr = PY_ARRAY_API.PyArray_NewFromDescr(
            py,
            subtype,
            descr,
            dims.len() as i32,
            dims.as_mut_ptr(),
            strides.as_mut_ptr(),
            data as *mut std::ffi::c_void,
            flags,
            std::ptr::null_mut(),
        );
        if arr.is_null() {
            return Err(PyErr::fetch(py));
        }
        // SetBaseObject steals the reference to `base`.
        if PY_ARRAY_API.PyArray_SetBaseObject(py, arr as *mut numpy::npyffi::PyArrayObject, base.into_ptr()) < 0 {
            pyo3::ffi::Py_DecRef(arr);
            return Err(PyErr::fetch(py));
        }
        Ok(Bound::from_owned_ptr(py, arr).unbind())
    }
}

pub fn describe_python_type(arg: &Bound<'_, PyAny>) -> String {
    arg.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "?".into())
}
