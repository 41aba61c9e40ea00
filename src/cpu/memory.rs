//! The memory runtime of arrays allocated by compiled code.
//!
//! Every allocation gets a `MemInfo` (reference count, data pointer, size) and is recorded
//! in the calling thread's arena. When the top-level call returns, the dispatcher boxes the
//! result (each array that escapes to Python takes a reference through a `MemoryOwner`,
//! the base object of the returned `ndarray`) and then releases the arena: every
//! allocation nobody took a reference to is freed. So memory is freed exactly once, views
//! keep their parent's buffer alive (they share its MemInfo), and nothing leaks across calls.
//! The arena and each owner hold one reference each; whichever lets go last frees.
//! Within one call, a loop whose iterations provably keep no array (`common/temporaries.rs`)
//! releases the arena back to a mark at every iteration; other temporaries live until the
//! call returns.

use pyo3::prelude::*;
use std::alloc::{alloc, dealloc, Layout};
use std::cell::RefCell;
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};

/// Data are aligned for any SIMD width the host has.
const ALIGN: usize = 64;

#[repr(C)]
pub struct MemInfo {
    pub refcount: AtomicI64,
    pub data: *mut u8,
    pub size: usize,
    /// Run on `data` just before it is freed: a container lets go of what it holds.
    pub dtor: Option<unsafe fn(*mut u8)>,
}

thread_local! {
    static ARENA: RefCell<Vec<*mut MemInfo>> = const { RefCell::new(Vec::new()) };
}

/// Live allocations in the process, for tests that check nothing leaks.
static LIVE: AtomicUsize = AtomicUsize::new(0);

pub extern "C" fn alloc_array(nbytes: i64) -> *mut MemInfo {
    let mi = alloc_detached(nbytes);
    // The arena holds the first reference.
    ARENA.with(|a| a.borrow_mut().push(mi));
    mi
}

/// An allocation whose one reference belongs to the caller, not to the arena (for
/// objects Python creates, which live as long as their owner).
pub fn alloc_detached(nbytes: i64) -> *mut MemInfo {
    let size = nbytes.max(0) as usize;
    let data = unsafe { alloc(Layout::from_size_align(size.max(1), ALIGN).expect("array layout")) };
    if data.is_null() {
        std::alloc::handle_alloc_error(Layout::from_size_align(size.max(1), ALIGN).unwrap());
    }
    let mi = Box::into_raw(Box::new(MemInfo { refcount: AtomicI64::new(1), data, size, dtor: None }));
    LIVE.fetch_add(1, Ordering::Relaxed);
    mi
}

unsafe fn free(mi: *mut MemInfo) {
    let m = Box::from_raw(mi);
    if let Some(dtor) = m.dtor {
        dtor(m.data);
    }
    dealloc(m.data, Layout::from_size_align(m.size.max(1), ALIGN).unwrap());
    LIVE.fetch_sub(1, Ordering::Relaxed);
}

/// Drop the arena's reference to every allocation of this thread's call: those that did
/// not escape are freed now, the others when their last owner goes.
pub fn release_arena() {
    let pending = ARENA.with(|a| std::mem::take(&mut *a.borrow_mut()));
    for mi in pending {
        unsafe { decref(mi) };
    }
}

/// The arena's current height, for `arena_release`.
pub extern "C" fn arena_mark() -> i64 {
    ARENA.with(|a| a.borrow().len() as i64)
}

/// Drop the arena's reference to everything allocated since `arena_mark` returned `mark`
/// (the value is an i64 only so that compiled code calls it like other runtime helpers).
pub extern "C" fn arena_release(mark: i64) -> i64 {
    let pending = ARENA.with(|a| {
        let mut a = a.borrow_mut();
        let keep = (mark.max(0) as usize).min(a.len());
        a.split_off(keep)
    });
    for mi in pending {
        unsafe { decref(mi) };
    }
    0
}

/// Hand one reference the caller holds to this thread's arena, which drops it when the
/// call returns: a value a container let go of stays valid for the rest of the call.
pub unsafe fn arena_adopt(mi: *mut MemInfo) {
    ARENA.with(|a| a.borrow_mut().push(mi));
}

/// Take one more reference.
pub unsafe fn incref(mi: *mut MemInfo) {
    (*mi).refcount.fetch_add(1, Ordering::AcqRel);
}

pub unsafe fn decref(mi: *mut MemInfo) {
    if (*mi).refcount.fetch_sub(1, Ordering::AcqRel) == 1 {
        free(mi);
    }
}

pub fn live_allocations() -> usize {
    LIVE.load(Ordering::Relaxed)
}

/// Holds one reference to a MemInfo; the base object of arrays returned to Python.
#[pyclass(module = "ferrumba._core", frozen)]
pub struct MemoryOwner {
    mi: usize,
}

impl MemoryOwner {
    pub fn new(mi: *mut MemInfo) -> MemoryOwner {
        unsafe { (*mi).refcount.fetch_add(1, Ordering::AcqRel) };
        MemoryOwner { mi: mi as usize }
    }
}

impl Drop for MemoryOwner {
    fn drop(&mut self) {
        unsafe { decref(self.mi as *mut MemInfo) };
    }
}
