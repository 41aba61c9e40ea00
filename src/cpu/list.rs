//! Lists: the runtime behind Python lists in compiled code and `ferrumba.typed.List`.
//!
//! A list is a `MemInfo` (so the arena and Python owners manage it like an array buffer)
//! whose data is a `ListHeader`; the items live in a separate growable buffer, each in
//! the LLVM layout of the item type (`common::types::item_layout`). Items that are
//! themselves lists hold a reference: the list takes one when an item is stored and lets
//! go when it is overwritten, removed or the list is freed. A reference let go while the
//! compiled call runs goes to the arena instead, so a value just read from the list stays
//! valid until the call returns (compiled code itself counts no references).

use crate::cpu::memory::{alloc_array, arena_adopt, decref, incref, MemInfo};
use std::alloc::{alloc, dealloc, realloc, Layout};

const ITEM_ALIGN: usize = 16;

#[repr(C)]
pub struct ListHeader {
    pub len: i64,
    pub cap: i64,
    pub items: *mut u8,
    pub item_size: i64,
    /// Byte offset of the `MemInfo` pointer an item owns, or -1 when items own nothing.
    pub owned_offset: i64,
    /// Set by every mutation, so a reflected Python list is written back only if needed.
    pub dirty: i64,
    /// The Python list a reflected list argument was copied from (borrowed for the call),
    /// so that returning the argument returns that same object; 0 otherwise.
    pub origin: usize,
}

/// # Safety
/// `l` is a live list.
pub unsafe fn header(l: *mut MemInfo) -> &'static mut ListHeader {
    &mut *((*l).data as *mut ListHeader)
}

fn items_layout(cap: i64, item_size: i64) -> Layout {
    Layout::from_size_align(((cap * item_size).max(1)) as usize, ITEM_ALIGN).expect("list layout")
}

unsafe fn drop_items(data: *mut u8) {
    let h = &mut *(data as *mut ListHeader);
    if h.owned_offset >= 0 {
        for k in 0..h.len {
            release_owned(h, k, false);
        }
    }
    if !h.items.is_null() {
        dealloc(h.items, items_layout(h.cap, h.item_size));
        h.items = std::ptr::null_mut();
    }
}

pub unsafe fn item_ptr(h: &ListHeader, k: i64) -> *mut u8 {
    h.items.add((k * h.item_size) as usize)
}

unsafe fn owned_at(h: &ListHeader, k: i64) -> *mut MemInfo {
    *(item_ptr(h, k).add(h.owned_offset as usize) as *mut *mut MemInfo)
}

/// Let go of item k's reference: into the arena while compiled code may still hold the
/// value (`to_arena`), else dropped now.
unsafe fn release_owned(h: &ListHeader, k: i64, to_arena: bool) {
    let mi = owned_at(h, k);
    if !mi.is_null() {
        if to_arena {
            arena_adopt(mi)
        } else {
            decref(mi)
        }
    }
}

unsafe fn take_owned(h: &ListHeader, k: i64) {
    if h.owned_offset >= 0 {
        let mi = owned_at(h, k);
        if !mi.is_null() {
            incref(mi);
        }
    }
}

/// Room for `need` items; false when that much memory cannot be had (the caller raises
/// MemoryError; a list never aborts the process).
unsafe fn reserve(h: &mut ListHeader, need: i64) -> bool {
    if need <= h.cap {
        return true;
    }
    let cap = need.max(h.cap.saturating_mul(2)).max(4);
    let Some(bytes) = cap.checked_mul(h.item_size).filter(|b| *b <= isize::MAX as i64 / 2) else { return false };
    let Ok(layout) = Layout::from_size_align(bytes.max(1) as usize, ITEM_ALIGN) else { return false };
    let items = if h.items.is_null() { alloc(layout) } else { realloc(h.items, items_layout(h.cap, h.item_size), bytes.max(1) as usize) };
    if items.is_null() {
        return false;
    }
    h.items = items;
    h.cap = cap;
    true
}

/// A new empty list, its first reference held by the arena (as arrays are); null when
/// room for `capacity` items cannot be had.
pub extern "C" fn list_new(item_size: i64, owned_offset: i64, capacity: i64) -> *mut MemInfo {
    let l = alloc_array(std::mem::size_of::<ListHeader>() as i64);
    if unsafe { init(l, item_size, owned_offset, capacity) } {
        l
    } else {
        std::ptr::null_mut()
    }
}

/// A new empty list whose one reference belongs to the caller (a Python `typed.List`).
pub fn new_detached(item_size: i64, owned_offset: i64) -> *mut MemInfo {
    let l = crate::cpu::memory::alloc_detached(std::mem::size_of::<ListHeader>() as i64);
    unsafe { init(l, item_size, owned_offset, 0) };
    l
}

unsafe fn init(l: *mut MemInfo, item_size: i64, owned_offset: i64, capacity: i64) -> bool {
    {
        (*l).dtor = Some(drop_items);
        let h = (*l).data as *mut ListHeader;
        h.write(ListHeader { len: 0, cap: 0, items: std::ptr::null_mut(), item_size: item_size.max(1), owned_offset, dirty: 0, origin: 0 });
        reserve(&mut *h, capacity)
    }
}

pub extern "C" fn list_len(l: *mut MemInfo) -> i64 {
    unsafe { header(l).len }
}

/// Normalize a Python index (negative counts from the end); None when out of range.
fn index(len: i64, i: i64) -> Option<i64> {
    let k = if i < 0 { i + len } else { i };
    (0..len).contains(&k).then_some(k)
}

/// The address of item i, or null when i is out of range (the caller raises IndexError).
pub extern "C" fn list_item(l: *mut MemInfo, i: i64) -> *mut u8 {
    unsafe {
        let h = header(l);
        match index(h.len, i) {
            Some(k) => item_ptr(h, k),
            None => std::ptr::null_mut(),
        }
    }
}

/// 1 when the list cannot grow (MemoryError).
pub extern "C" fn list_append(l: *mut MemInfo, item: *const u8) -> i64 {
    unsafe {
        let h = header(l);
        if !reserve(h, h.len + 1) {
            return 1;
        }
        std::ptr::copy_nonoverlapping(item, item_ptr(h, h.len), h.item_size as usize);
        take_owned(h, h.len);
        h.len += 1;
        h.dirty = 1;
        0
    }
}

/// `l[i] = item`; 1 when i is out of range.
pub extern "C" fn list_set(l: *mut MemInfo, i: i64, item: *const u8) -> i64 {
    unsafe { set_item(l, i, item, true) }
}

/// `to_arena`: compiled code may still hold the item let go of (see the module comment).
pub unsafe fn set_item(l: *mut MemInfo, i: i64, item: *const u8, to_arena: bool) -> i64 {
    {
        let h = header(l);
        let Some(k) = index(h.len, i) else { return 1 };
        // Take the new reference first: `l[0] = l[0]` must not free the item.
        let old = if h.owned_offset >= 0 { owned_at(h, k) } else { std::ptr::null_mut() };
        std::ptr::copy_nonoverlapping(item, item_ptr(h, k), h.item_size as usize);
        take_owned(h, k);
        if !old.is_null() {
            if to_arena {
                arena_adopt(old)
            } else {
                decref(old)
            }
        }
        h.dirty = 1;
        0
    }
}

/// `l.pop(i)` into `out`; 1 when the list is empty or i is out of range.
pub extern "C" fn list_pop(l: *mut MemInfo, i: i64, out: *mut u8) -> i64 {
    unsafe { pop_item(l, i, out, true) }
}

pub unsafe fn pop_item(l: *mut MemInfo, i: i64, out: *mut u8, to_arena: bool) -> i64 {
    {
        let h = header(l);
        let Some(k) = index(h.len, i) else { return 1 };
        if h.owned_offset >= 0 {
            release_owned(h, k, to_arena);
        }
        let size = h.item_size as usize;
        std::ptr::copy_nonoverlapping(item_ptr(h, k), out, size);
        std::ptr::copy(item_ptr(h, k + 1), item_ptr(h, k), (h.len - k - 1) as usize * size);
        h.len -= 1;
        h.dirty = 1;
        0
    }
}

/// `l.insert(i, item)`: Python clamps i to [0, len]. 1 when the list cannot grow.
pub extern "C" fn list_insert(l: *mut MemInfo, i: i64, item: *const u8) -> i64 {
    unsafe {
        let h = header(l);
        let k = if i < 0 { (i + h.len).max(0) } else { i.min(h.len) };
        if !reserve(h, h.len + 1) {
            return 1;
        }
        let size = h.item_size as usize;
        std::ptr::copy(item_ptr(h, k), item_ptr(h, k + 1), (h.len - k) as usize * size);
        std::ptr::copy_nonoverlapping(item, item_ptr(h, k), size);
        take_owned(h, k);
        h.len += 1;
        h.dirty = 1;
        0
    }
}

/// `l.extend(other)` for another list of the same item type (`l.extend(l)` included).
/// 1 when the list cannot grow.
pub extern "C" fn list_extend(l: *mut MemInfo, other: *mut MemInfo) -> i64 {
    unsafe {
        let n = header(other).len;
        let h = header(l);
        if h.len.checked_add(n).is_none() || !reserve(h, h.len + n) {
            return 1;
        }
        let src = header(other);
        let size = h.item_size as usize;
        std::ptr::copy(src.items, item_ptr(h, h.len), n as usize * size);
        for k in h.len..h.len + n {
            take_owned(h, k);
        }
        h.len += n;
        h.dirty = 1;
        0
    }
}

pub extern "C" fn list_clear(l: *mut MemInfo) {
    unsafe { clear(l, true) }
}

pub unsafe fn clear(l: *mut MemInfo, to_arena: bool) {
    {
        let h = header(l);
        if h.owned_offset >= 0 {
            for k in 0..h.len {
                release_owned(h, k, to_arena);
            }
        }
        h.len = 0;
        h.dirty = 1;
    }
}

/// `l[lo:hi:step]` as a new list (bit 0 of `flags`: lo given, bit 1: hi given).
pub extern "C" fn list_slice(l: *mut MemInfo, lo: i64, hi: i64, step: i64, flags: i64) -> *mut MemInfo {
    unsafe {
        let h = header(l);
        let mut span = [0i64; 2];
        crate::cpu::runtime::slice(h.len, lo, hi, step, flags, &mut span);
        let [start, n] = span;
        let out = list_new(h.item_size, h.owned_offset, n);
        if out.is_null() {
            return out;
        }
        let o = header(out);
        for j in 0..n {
            std::ptr::copy_nonoverlapping(item_ptr(h, start + j * step), item_ptr(o, j), h.item_size as usize);
            take_owned(o, j);
        }
        o.len = n;
        out
    }
}

/// `l[lo:hi:step] = other`: 0, 1 when the list cannot grow (MemoryError), 2 when an
/// extended slice (step != 1) and `other` differ in length (ValueError).
pub extern "C" fn list_set_slice(l: *mut MemInfo, lo: i64, hi: i64, step: i64, flags: i64, other: *mut MemInfo) -> i64 {
    unsafe {
        let (start, n) = slice_span(l, lo, hi, step, flags);
        let size = header(l).item_size as usize;
        let m = header(other).len;
        // The new items, copied first (`l[:] = l` reads what it writes) with their references.
        let mut incoming = vec![0u8; m as usize * size];
        std::ptr::copy_nonoverlapping(header(other).items, incoming.as_mut_ptr(), incoming.len());
        let h = header(l);
        if step != 1 {
            if m != n {
                return 2;
            }
            for j in 0..n {
                let k = start + j * step;
                if h.owned_offset >= 0 {
                    release_owned(h, k, true);
                }
                std::ptr::copy_nonoverlapping(incoming.as_ptr().add(j as usize * size), item_ptr(h, k), size);
                take_owned(h, k);
            }
            h.dirty = 1;
            return 0;
        }
        if m > n && !reserve(h, h.len + m - n) {
            return 1;
        }
        if h.owned_offset >= 0 {
            for k in start..start + n {
                release_owned(h, k, true);
            }
        }
        // Move the tail to its new place, then fill the gap.
        std::ptr::copy(item_ptr(h, start + n), item_ptr(h, start + m), (h.len - start - n) as usize * size);
        std::ptr::copy_nonoverlapping(incoming.as_ptr(), item_ptr(h, start), incoming.len());
        for k in start..start + m {
            take_owned(h, k);
        }
        h.len += m - n;
        h.dirty = 1;
        0
    }
}

/// `del l[lo:hi:step]`.
pub extern "C" fn list_delete_slice(l: *mut MemInfo, lo: i64, hi: i64, step: i64, flags: i64) {
    unsafe {
        let (start, n) = slice_span(l, lo, hi, step, flags);
        let h = header(l);
        let size = h.item_size as usize;
        let mut doomed: Vec<i64> = (0..n).map(|j| start + j * step).collect();
        doomed.sort_unstable();
        let mut kept = 0;
        let mut next = doomed.iter().peekable();
        for k in 0..h.len {
            if next.peek() == Some(&&k) {
                next.next();
                if h.owned_offset >= 0 {
                    release_owned(h, k, true);
                }
                continue;
            }
            if kept != k {
                std::ptr::copy_nonoverlapping(item_ptr(h, k), item_ptr(h, kept), size);
            }
            kept += 1;
        }
        h.len = kept;
        h.dirty = 1;
    }
}

unsafe fn slice_span(l: *mut MemInfo, lo: i64, hi: i64, step: i64, flags: i64) -> (i64, i64) {
    let mut span = [0i64; 2];
    crate::cpu::runtime::slice(header(l).len, lo, hi, step, flags, &mut span);
    (span[0], span[1])
}

/// `a + b` as a new list (null: MemoryError).
pub extern "C" fn list_concat(a: *mut MemInfo, b: *mut MemInfo) -> *mut MemInfo {
    unsafe {
        let ha = header(a);
        let out = list_new(ha.item_size, ha.owned_offset, ha.len.saturating_add(header(b).len));
        if out.is_null() || list_extend(out, a) != 0 || list_extend(out, b) != 0 {
            return std::ptr::null_mut();
        }
        header(out).dirty = 0;
        out
    }
}

/// `l * n` as a new list (null: MemoryError).
pub extern "C" fn list_repeat(l: *mut MemInfo, n: i64) -> *mut MemInfo {
    unsafe {
        let h = header(l);
        let out = list_new(h.item_size, h.owned_offset, h.len.saturating_mul(n.max(0)));
        if out.is_null() {
            return out;
        }
        for _ in 0..n.max(0) {
            if list_extend(out, l) != 0 {
                return std::ptr::null_mut();
            }
        }
        header(out).dirty = 0;
        out
    }
}

/// `del l[i]`; 1 when i is out of range.
pub extern "C" fn list_delete(l: *mut MemInfo, i: i64) -> i64 {
    unsafe {
        let size = header(l).item_size as usize;
        let mut scratch = vec![0u8; size];
        list_pop(l, i, scratch.as_mut_ptr())
    }
}

pub fn symbols() -> Vec<(&'static str, usize)> {
    vec![
        ("ferrumba_rt_list_new", list_new as *const () as usize),
        ("ferrumba_rt_list_len", list_len as *const () as usize),
        ("ferrumba_rt_list_item", list_item as *const () as usize),
        ("ferrumba_rt_list_append", list_append as *const () as usize),
        ("ferrumba_rt_list_set", list_set as *const () as usize),
        ("ferrumba_rt_list_pop", list_pop as *const () as usize),
        ("ferrumba_rt_list_insert", list_insert as *const () as usize),
        ("ferrumba_rt_list_extend", list_extend as *const () as usize),
        ("ferrumba_rt_list_clear", list_clear as *const () as usize),
        ("ferrumba_rt_list_slice", list_slice as *const () as usize),
        ("ferrumba_rt_list_concat", list_concat as *const () as usize),
        ("ferrumba_rt_list_repeat", list_repeat as *const () as usize),
        ("ferrumba_rt_list_delete", list_delete as *const () as usize),
        ("ferrumba_rt_list_set_slice", list_set_slice as *const () as usize),
        ("ferrumba_rt_list_delete_slice", list_delete_slice as *const () as usize),
        ("ferrumba_rt_list_adopt_array", crate::cpu::list_python::adopt_array_item as *const () as usize),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cpu::lower_list::{HEADER_CAP, HEADER_DIRTY, HEADER_ITEMS, HEADER_LEN, MEMINFO_DATA};
    use std::mem::offset_of;

    #[test]
    fn compiled_code_reads_the_fields_where_they_are() {
        assert_eq!(offset_of!(MemInfo, data) as i64, MEMINFO_DATA);
        assert_eq!(offset_of!(ListHeader, len) as i64, HEADER_LEN);
        assert_eq!(offset_of!(ListHeader, cap) as i64, HEADER_CAP);
        assert_eq!(offset_of!(ListHeader, items) as i64, HEADER_ITEMS);
        assert_eq!(offset_of!(ListHeader, dirty) as i64, HEADER_DIRTY);
    }

    #[test]
    fn nested_lists_hold_references() {
        let refs = |mi: *mut MemInfo| unsafe { (*mi).refcount.load(std::sync::atomic::Ordering::Relaxed) };
        let outer = new_detached(8, 0);
        let inner = new_detached(8, -1);
        list_append(inner, 7i64.to_ne_bytes().as_ptr());
        for _ in 0..2 {
            list_append(outer, (&(inner as usize) as *const usize) as *const u8);
        }
        assert_eq!(refs(inner), 3, "ours and one per item of the outer list");
        let mut out = [0u8; 8];
        unsafe { pop_item(outer, 0, out.as_mut_ptr(), false) };
        assert_eq!(refs(inner), 2);
        unsafe { clear(outer, false) };
        assert_eq!(refs(inner), 1);
        assert_eq!(list_len(inner), 1);
        unsafe {
            decref(outer);
            decref(inner);
        }
    }
}
