//! Lists between Python and compiled code: items converted to and from their native
//! layout, `ListStorage` (the native half of `ferrumba.typed.List`, which Python and
//! compiled code share by reference), and reflected Python lists (copied in for a call
//! and written back if the call changed them, as Numba's reflected lists are).

use crate::common::types::{item_layout, Scalar, Type};
use crate::cpu::list::{self, header, item_ptr};
use crate::cpu::memory::{decref, incref, MemInfo};
use pyo3::exceptions::{PyIndexError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyComplex, PyList, PyTuple};

fn layout_of(t: &Type) -> PyResult<crate::common::types::ItemLayout> {
    item_layout(t).ok_or_else(|| PyTypeError::new_err(format!("lists of {t} are not supported yet")))
}

/// The byte offset of each field of a tuple item.
fn field_offsets(items: &[Type]) -> PyResult<Vec<usize>> {
    let mut offsets = vec![];
    let mut at = 0usize;
    for it in items {
        let l = layout_of(it)?;
        at = at.div_ceil(l.align) * l.align;
        offsets.push(at);
        at += l.size;
    }
    Ok(offsets)
}

/// Write `obj` as an item of type `t` at `p`. The list, not this function, takes the
/// reference a list item holds; references made here for the item (an array's owner)
/// are pushed to `made`, for the caller to drop once the list holds its own.
///
/// # Safety
/// `p` has room for one item of `t`.
pub unsafe fn write_item(obj: &Bound<'_, PyAny>, t: &Type, p: *mut u8, made: &mut Vec<*mut MemInfo>) -> PyResult<()> {
    match t {
        Type::Array(want) => {
            let fits = match crate::cpu::boxing::typeof_arg(obj)? {
                Some(Type::Array(got)) => {
                    got.dtype == want.dtype && got.ndim == want.ndim && (want.layout == crate::common::types::Layout::Any || got.layout == want.layout) && (!got.readonly || want.readonly)
                }
                _ => false,
            };
            if !fits {
                return Err(PyTypeError::new_err(format!("cannot store {} in a list of {t}", crate::cpu::boxing::describe_python_type(obj))));
            }
            let mut slots = crate::cpu::boxing::SlotBuf::new();
            crate::cpu::boxing::unbox(obj, t, &mut slots)?;
            let words = slots.as_slice();
            std::ptr::copy_nonoverlapping(words.as_ptr() as *const u8, p, words.len() * 8);
            // A NumPy array lives as long as its Python object: the item's owner holds it.
            let owner = python_owner(obj.as_ptr(), false);
            (p as *mut *mut MemInfo).write_unaligned(owner);
            made.push(owner);
        }
        Type::Scalar(s) if s.is_complex() => {
            let c: Bound<PyComplex> = match obj.cast::<PyComplex>() {
                Ok(c) => c.clone(),
                Err(_) => obj.py().get_type::<PyComplex>().call1((obj,))?.cast_into()?,
            };
            if *s == Scalar::C64 {
                (p as *mut [f32; 2]).write_unaligned([c.real() as f32, c.imag() as f32]);
            } else {
                (p as *mut [f64; 2]).write_unaligned([c.real(), c.imag()]);
            }
        }
        Type::Scalar(Scalar::F64) => (p as *mut f64).write_unaligned(obj.extract()?),
        Type::Scalar(Scalar::F32) => (p as *mut f32).write_unaligned(obj.extract::<f64>()? as f32),
        Type::Scalar(Scalar::Bool) => *p = obj.is_truthy()? as u8,
        Type::Scalar(s) => {
            if !obj.is_instance_of::<pyo3::types::PyInt>() && !obj.hasattr("__index__")? {
                return Err(PyTypeError::new_err(format!("cannot store {} in a list of {}", obj.get_type().name()?, s.name())));
            }
            let v: i64 = match obj.extract::<i64>() {
                Ok(v) => v,
                Err(_) => obj.extract::<u64>()? as i64,
            };
            match s.itemsize() {
                1 => *p = v as u8,
                2 => (p as *mut i16).write_unaligned(v as i16),
                4 => (p as *mut i32).write_unaligned(v as i32),
                _ => (p as *mut i64).write_unaligned(v),
            }
        }
        Type::NoneType => {}
        Type::Tuple(items) => {
            let tup = obj.cast::<PyTuple>().map_err(|_| PyTypeError::new_err(format!("cannot store {} in a list of {t}", obj.get_type().name().map(|n| n.to_string()).unwrap_or_default())))?;
            if tup.len() != items.len() {
                return Err(PyTypeError::new_err(format!("cannot store a tuple of {} items in a list of {t}", tup.len())));
            }
            for ((x, it), off) in tup.iter().zip(items).zip(field_offsets(items)?) {
                write_item(&x, it, p.add(off), made)?;
            }
        }
        Type::List { item, reflected: false } => {
            let storage = storage_of(obj)?;
            if storage.item != **item {
                return Err(PyTypeError::new_err(format!("cannot store a {} in a list of {t}", storage.type_text())));
            }
            (p as *mut usize).write_unaligned(storage.mi);
        }
        other => return Err(PyTypeError::new_err(format!("lists of {other} are not supported yet"))),
    }
    Ok(())
}

/// The Python value of the item of type `t` at `p`.
///
/// # Safety
/// `p` holds one item of `t`.
pub unsafe fn read_item(py: Python<'_>, t: &Type, p: *const u8) -> PyResult<Py<PyAny>> {
    Ok(match t {
        Type::Scalar(Scalar::C64) => {
            let [re, im] = (p as *const [f32; 2]).read_unaligned();
            PyComplex::from_doubles(py, re as f64, im as f64).into_any().unbind()
        }
        Type::Scalar(Scalar::C128) => {
            let [re, im] = (p as *const [f64; 2]).read_unaligned();
            PyComplex::from_doubles(py, re, im).into_any().unbind()
        }
        Type::Scalar(Scalar::F64) => (p as *const f64).read_unaligned().into_pyobject(py)?.into_any().unbind(),
        Type::Scalar(Scalar::F32) => ((p as *const f32).read_unaligned() as f64).into_pyobject(py)?.into_any().unbind(),
        Type::Scalar(Scalar::Bool) => PyBool::new(py, *p != 0).to_owned().into_any().unbind(),
        Type::Scalar(s) => {
            let v: i128 = match (s.itemsize(), s.is_signed()) {
                (1, true) => *(p as *const i8) as i128,
                (1, false) => *p as i128,
                (2, true) => (p as *const i16).read_unaligned() as i128,
                (2, false) => (p as *const u16).read_unaligned() as i128,
                (4, true) => (p as *const i32).read_unaligned() as i128,
                (4, false) => (p as *const u32).read_unaligned() as i128,
                (_, true) => (p as *const i64).read_unaligned() as i128,
                (_, false) => (p as *const u64).read_unaligned() as i128,
            };
            v.into_pyobject(py)?.into_any().unbind()
        }
        Type::NoneType => py.None(),
        Type::Array(a) => {
            let words = 3 + 2 * a.ndim as usize;
            let slots: Vec<u64> = (0..words).map(|k| (p as *const u64).add(k).read_unaligned()).collect();
            crate::cpu::boxing::box_value(py, t, &slots, &mut 0)?
        }
        Type::Tuple(items) => {
            let mut vals = vec![];
            for (it, off) in items.iter().zip(field_offsets(items)?) {
                vals.push(read_item(py, it, p.add(off))?);
            }
            PyTuple::new(py, vals)?.into_any().unbind()
        }
        Type::List { item, reflected } => {
            let mi = (p as *const *mut MemInfo).read_unaligned();
            if *reflected {
                reflected_to_python(py, item, mi)?
            } else {
                typed_list(py, mi, item)?
            }
        }
        other => return Err(PyTypeError::new_err(format!("lists of {other} are not supported yet"))),
    })
}

/// The native half of a `ferrumba.typed.List`: one reference to the list.
#[pyclass(module = "ferrumba._core", frozen)]
pub struct ListStorage {
    mi: usize,
    item: Type,
}

impl Drop for ListStorage {
    fn drop(&mut self) {
        unsafe { decref(self.mi as *mut MemInfo) };
    }
}

impl ListStorage {
    fn ptr(&self) -> *mut MemInfo {
        self.mi as *mut MemInfo
    }
    fn type_text(&self) -> String {
        Type::List { item: Box::new(self.item.clone()), reflected: false }.to_string()
    }
    /// A Python owner for list `mi` (one more reference).
    fn adopt(mi: *mut MemInfo, item: Type) -> ListStorage {
        unsafe { incref(mi) };
        ListStorage { mi: mi as usize, item }
    }
    fn with_item<T>(&self, value: &Bound<'_, PyAny>, f: impl FnOnce(*const u8) -> T) -> PyResult<T> {
        let size = unsafe { header(self.ptr()).item_size } as usize;
        let mut buf = vec![0u64; size.div_ceil(8).max(1)];
        let mut made = vec![];
        let written = unsafe { write_item(value, &self.item, buf.as_mut_ptr() as *mut u8, &mut made) };
        let result = written.map(|_| f(buf.as_ptr() as *const u8));
        // The list took its own references to what it keeps.
        made.into_iter().for_each(|mi| unsafe { decref(mi) });
        result
    }
}

#[pymethods]
impl ListStorage {
    /// An empty list of items of `item_type` (Numba's spelling, as `int64` or
    /// `UniTuple(float64 x 2)`).
    #[new]
    fn new(item_type: &str) -> PyResult<ListStorage> {
        let item = crate::common::signature::parse_type(item_type).map_err(PyTypeError::new_err)?;
        let l = layout_of(&item)?;
        let mi = list::new_detached(l.size as i64, l.owned.map_or(-1, |o| o as i64));
        Ok(ListStorage { mi: mi as usize, item })
    }

    /// An empty list whose items have the type of `value` (as a compiled function's
    /// argument would be typed).
    #[staticmethod]
    fn for_item(value: &Bound<'_, PyAny>) -> PyResult<ListStorage> {
        let Some(item) = crate::cpu::boxing::typeof_arg(value)? else {
            return Err(PyTypeError::new_err(format!("a typed List cannot hold {} items", crate::cpu::boxing::describe_python_type(value))));
        };
        let l = layout_of(&item)?;
        let mi = list::new_detached(l.size as i64, l.owned.map_or(-1, |o| o as i64));
        Ok(ListStorage { mi: mi as usize, item })
    }

    /// A new empty list of the same item type.
    fn empty_like(&self) -> ListStorage {
        let h = unsafe { header(self.ptr()) };
        let mi = list::new_detached(h.item_size, h.owned_offset);
        ListStorage { mi: mi as usize, item: self.item.clone() }
    }

    #[getter]
    fn item_type(&self) -> String {
        self.item.to_string()
    }

    fn __len__(&self) -> usize {
        unsafe { header(self.ptr()).len as usize }
    }

    fn get(&self, py: Python<'_>, i: i64) -> PyResult<Py<PyAny>> {
        let p = list::list_item(self.ptr(), i);
        if p.is_null() {
            return Err(PyIndexError::new_err("list index out of range"));
        }
        unsafe { read_item(py, &self.item, p) }
    }

    fn set(&self, i: i64, value: &Bound<'_, PyAny>) -> PyResult<()> {
        let status = self.with_item(value, |p| unsafe { list::set_item(self.ptr(), i, p, false) })?;
        if status != 0 {
            return Err(PyIndexError::new_err("list assignment index out of range"));
        }
        Ok(())
    }

    fn append(&self, value: &Bound<'_, PyAny>) -> PyResult<()> {
        grown(self.with_item(value, |p| list::list_append(self.ptr(), p))?)
    }

    fn insert(&self, i: i64, value: &Bound<'_, PyAny>) -> PyResult<()> {
        grown(self.with_item(value, |p| list::list_insert(self.ptr(), i, p))?)
    }

    fn pop(&self, py: Python<'_>, i: i64) -> PyResult<Py<PyAny>> {
        if self.__len__() == 0 {
            return Err(PyIndexError::new_err("pop from empty list"));
        }
        // Read first: the Python value takes its own reference before the list lets go.
        let value = self.get(py, i).map_err(|_| PyIndexError::new_err("pop index out of range"))?;
        let size = unsafe { header(self.ptr()).item_size } as usize;
        let mut scratch = vec![0u64; size.div_ceil(8).max(1)];
        unsafe { list::pop_item(self.ptr(), i, scratch.as_mut_ptr() as *mut u8, false) };
        Ok(value)
    }

    fn clear(&self) {
        unsafe { list::clear(self.ptr(), false) }
    }

    /// Append every item of another storage of the same item type.
    fn extend_from(&self, other: &ListStorage) -> PyResult<()> {
        if other.item != self.item {
            return Err(PyTypeError::new_err(format!("cannot extend {} with {}", self.type_text(), other.type_text())));
        }
        grown(list::list_extend(self.ptr(), other.ptr()))
    }

    /// How many items fit before the item buffer grows.
    #[getter]
    fn capacity(&self) -> usize {
        unsafe { header(self.ptr()).cap as usize }
    }

    /// The address of the list, for identity checks (`a is b` of two views of one list).
    #[getter]
    fn address(&self) -> usize {
        self.mi
    }
}

/// A `MemInfo` that keeps Python object `obj` alive (one reference to it), for arrays
/// borrowed from Python that a list keeps beyond the call. `in_arena`: its first
/// reference belongs to the calling thread's arena (compiled code), else to the caller.
///
/// # Safety
/// The GIL is held and `obj` is a live object.
unsafe fn python_owner(obj: *mut pyo3::ffi::PyObject, in_arena: bool) -> *mut MemInfo {
    unsafe fn release(data: *mut u8) {
        let obj = *(data as *const *mut pyo3::ffi::PyObject);
        pyo3::ffi::Py_DECREF(obj);
    }
    let mi = if in_arena { crate::cpu::memory::alloc_array(8) } else { crate::cpu::memory::alloc_detached(8) };
    pyo3::ffi::Py_INCREF(obj);
    *((*mi).data as *mut *mut pyo3::ffi::PyObject) = obj;
    (*mi).dtor = Some(release);
    mi
}

/// Compiled code, before it stores an array item into a list: an array borrowed from
/// Python (no owner, a parent object) gets an owner holding that object, so the list
/// can keep it past the call. Compiled code holds the GIL here (`nogil` functions that
/// put borrowed arrays into lists are not supported).
pub extern "C" fn adopt_array_item(item: *mut u8) {
    unsafe {
        let words = item as *mut usize;
        let (meminfo, parent) = (words.read_unaligned(), words.add(1).read_unaligned());
        if meminfo == 0 && parent != 0 {
            let owner = python_owner(parent as *mut pyo3::ffi::PyObject, true);
            words.write_unaligned(owner as usize);
        }
    }
}

fn grown(status: i64) -> PyResult<()> {
    if status != 0 {
        return Err(pyo3::exceptions::PyMemoryError::new_err("cannot allocate memory for the list"));
    }
    Ok(())
}

fn storage_of<'py>(obj: &Bound<'py, PyAny>) -> PyResult<PyRef<'py, ListStorage>> {
    let storage = obj.getattr("_storage").map_err(|_| PyTypeError::new_err(format!("expected a ferrumba.typed.List, got {}", obj.get_type().name().map(|n| n.to_string()).unwrap_or_default())))?;
    if storage.is_none() {
        return Err(PyTypeError::new_err("this typed List has no item type yet (append an item first, or use List.empty_list(item_type))"));
    }
    Ok(storage.cast_into::<ListStorage>()?.borrow())
}

/// A `ferrumba.typed.List` sharing list `mi`.
pub fn typed_list(py: Python<'_>, mi: *mut MemInfo, item: &Type) -> PyResult<Py<PyAny>> {
    let storage = Py::new(py, ListStorage::adopt(mi, item.clone()))?;
    Ok(py.import("ferrumba.typed")?.getattr("List")?.call_method1("_from_storage", (storage,))?.unbind())
}

/// The list pointer of a typed List argument.
pub fn typed_list_pointer(obj: &Bound<'_, PyAny>) -> PyResult<u64> {
    Ok(storage_of(obj)?.mi as u64)
}

/// The type of a `ferrumba.typed.List` (None when it is not one, or has no item type yet).
pub fn typeof_typed_list(obj: &Bound<'_, PyAny>) -> Option<Type> {
    let storage = obj.getattr("_storage").ok()?;
    let storage = storage.cast::<ListStorage>().ok()?;
    Some(Type::List { item: Box::new(storage.borrow().item.clone()), reflected: false })
}

/// A Python list copied into a new native list (arena-owned) for one call.
pub fn reflected_from_python(obj: &Bound<'_, PyAny>, item: &Type) -> PyResult<u64> {
    let list = obj.cast::<PyList>()?;
    let l = layout_of(item)?;
    let mi = list::list_new(l.size as i64, l.owned.map_or(-1, |o| o as i64), list.len() as i64);
    if mi.is_null() {
        return Err(pyo3::exceptions::PyMemoryError::new_err("cannot allocate memory for the list"));
    }
    let mut buf = vec![0u64; l.size.div_ceil(8).max(1)];
    for x in list.iter() {
        let mut made = vec![];
        let written = unsafe { write_item(&x, item, buf.as_mut_ptr() as *mut u8, &mut made) };
        let appended = written.and_then(|_| grown(list::list_append(mi, buf.as_ptr() as *const u8)));
        made.into_iter().for_each(|m| unsafe { decref(m) });
        appended?;
    }
    unsafe {
        header(mi).dirty = 0;
        header(mi).origin = obj.as_ptr() as usize;
    }
    Ok(mi as u64)
}

/// A new Python list with the items of native list `mi`; for a list argument, the
/// caller's own list (which the dispatcher then updates).
pub fn reflected_to_python(py: Python<'_>, item: &Type, mi: *mut MemInfo) -> PyResult<Py<PyAny>> {
    let h = unsafe { header(mi) };
    if h.origin != 0 {
        return Ok(unsafe { Bound::from_borrowed_ptr(py, h.origin as *mut pyo3::ffi::PyObject) }.unbind());
    }
    let mut vals = Vec::with_capacity(h.len as usize);
    for k in 0..h.len {
        vals.push(unsafe { read_item(py, item, item_ptr(h, k))? });
    }
    Ok(PyList::new(py, vals)?.into_any().unbind())
}

/// After a call: write a reflected list argument's native copy back into the Python list
/// if compiled code changed it.
pub fn reflect_back(py: Python<'_>, obj: &Bound<'_, PyAny>, item: &Type, mi: u64) -> PyResult<()> {
    let mi = mi as *mut MemInfo;
    if mi.is_null() {
        return Ok(());
    }
    // The native copy may outlive the call (stored in a typed List): from now on it is a
    // list of its own, not a view of the caller's object, which it does not keep alive.
    unsafe { header(mi).origin = 0 };
    if unsafe { header(mi).dirty } == 0 {
        return Ok(());
    }
    let h = unsafe { header(mi) };
    let mut vals = Vec::with_capacity(h.len as usize);
    for k in 0..h.len {
        vals.push(unsafe { read_item(py, item, item_ptr(h, k))? });
    }
    let fresh = PyList::new(py, vals)?;
    let list = obj.cast::<PyList>()?;
    list.set_slice(0, list.len(), &fresh)?;
    Ok(())
}

/// The item type of a Python list argument, from its first item as Numba does; None for
/// an empty list (its item type cannot be known).
pub fn typeof_reflected(obj: &Bound<'_, PyAny>) -> PyResult<Option<Type>> {
    let list = obj.cast::<PyList>()?;
    if list.is_empty() {
        return Ok(None);
    }
    let first = list.get_item(0)?;
    Ok(match crate::cpu::boxing::typeof_arg(&first)? {
        // A list inside a reflected list could not be written back faithfully (Numba
        // refuses it too): such data wants ferrumba.typed.List.
        Some(Type::List { .. }) | None => None,
        Some(t) if item_layout(&t).is_some() => Some(Type::List { item: Box::new(t), reflected: true }),
        Some(_) => None,
    })
}
