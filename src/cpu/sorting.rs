//! Sorting kernels the NumPy library calls natively (`ferrumba._native.sort/argsort`):
//! Rust's pattern-defeating quicksort and driftsort beat a quicksort written in the
//! compiled subset (measured: `np.sort` of 1e6 int64, `docs/benchmarks.md`).
//!
//! Order is NumPy's: numbers ascending, NaN last. `argsort` is stable, which is a valid
//! result for every `kind` NumPy accepts and equals NumPy's own for `kind='stable'`.

use std::cmp::Ordering;

/// An element type NumPy sorts: `is_nan` is false for every non-float.
trait SortKey: Copy {
    fn is_nan(self) -> bool;
    /// Total order among non-NaN values (-0.0 and 0.0 compare equal, as in NumPy).
    fn order(a: &Self, b: &Self) -> Ordering;
}

macro_rules! int_key {
    ($($t:ty),*) => {$(
        impl SortKey for $t {
            fn is_nan(self) -> bool { false }
            fn order(a: &Self, b: &Self) -> Ordering { a.cmp(b) }
        }
    )*};
}
int_key!(i8, i16, i32, i64, u8, u16, u32, u64);

macro_rules! float_key {
    ($($t:ty),*) => {$(
        impl SortKey for $t {
            fn is_nan(self) -> bool { self.is_nan() }
            fn order(a: &Self, b: &Self) -> Ordering {
                if a < b { Ordering::Less } else if b < a { Ordering::Greater } else { Ordering::Equal }
            }
        }
    )*};
}
float_key!(f32, f64);

/// Sort a contiguous slice in place, NaNs gathered at the end first so that the
/// comparison the sort runs is a plain `<`.
fn sort_slice<T: SortKey>(v: &mut [T]) {
    let mut kept = 0;
    for k in 0..v.len() {
        if !v[k].is_nan() {
            v.swap(kept, k);
            kept += 1;
        }
    }
    v[..kept].sort_unstable_by(T::order);
}

/// # Safety
/// `data` points at `n` elements `stride` bytes apart, all writable and not aliased
/// during the call (a compiled function's array argument).
unsafe fn sort_strided<T: SortKey>(data: *mut T, n: i64, stride: i64) {
    if n < 2 {
        return;
    }
    let n = n as usize;
    if stride == std::mem::size_of::<T>() as i64 {
        sort_slice(std::slice::from_raw_parts_mut(data, n));
        return;
    }
    let at = |k: usize| (data as *mut u8).offset(k as isize * stride as isize) as *mut T;
    let mut tmp: Vec<T> = (0..n).map(|k| at(k).read_unaligned()).collect();
    sort_slice(&mut tmp);
    for (k, x) in tmp.into_iter().enumerate() {
        at(k).write_unaligned(x);
    }
}

/// # Safety
/// As `sort_strided` for the keys (only read); `out` holds `n` int64 slots
/// `out_stride` bytes apart.
unsafe fn argsort_strided<T: SortKey>(data: *const T, n: i64, stride: i64, out: *mut i64, out_stride: i64) {
    if n <= 0 {
        return;
    }
    let n = n as usize;
    let keys: Vec<T> = (0..n).map(|k| ((data as *const u8).offset(k as isize * stride as isize) as *const T).read_unaligned()).collect();
    let mut order: Vec<i64> = (0..n as i64).collect();
    order.sort_by(|&i, &j| {
        let (a, b) = (keys[i as usize], keys[j as usize]);
        match (a.is_nan(), b.is_nan()) {
            (false, false) => T::order(&a, &b),
            (x, y) => x.cmp(&y),
        }
    });
    for (k, i) in order.into_iter().enumerate() {
        ((out as *mut u8).offset(k as isize * out_stride as isize) as *mut i64).write_unaligned(i);
    }
}

macro_rules! entry_points {
    ($($t:ty => $sort:ident, $argsort:ident);* $(;)?) => {
        $(
            extern "C" fn $sort(data: *mut $t, n: i64, stride: i64) {
                unsafe { sort_strided(data, n, stride) }
            }
            extern "C" fn $argsort(data: *const $t, n: i64, stride: i64, out: *mut i64, out_stride: i64) {
                unsafe { argsort_strided(data, n, stride, out, out_stride) }
            }
        )*
        /// The runtime symbols, named `ferrumba_rt_sort_<dtype>`/`ferrumba_rt_argsort_<dtype>`.
        pub fn symbols() -> Vec<(&'static str, usize)> {
            vec![$(
                (concat!("ferrumba_rt_", stringify!($sort)), $sort as *const () as usize),
                (concat!("ferrumba_rt_", stringify!($argsort)), $argsort as *const () as usize),
            )*]
        }
    };
}

entry_points! {
    i8 => sort_int8, argsort_int8;
    i16 => sort_int16, argsort_int16;
    i32 => sort_int32, argsort_int32;
    i64 => sort_int64, argsort_int64;
    u8 => sort_uint8, argsort_uint8;
    u16 => sort_uint16, argsort_uint16;
    u32 => sort_uint32, argsort_uint32;
    u64 => sort_uint64, argsort_uint64;
    f32 => sort_float32, argsort_float32;
    f64 => sort_float64, argsort_float64;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nan_sorts_last_and_strided_views_sort_in_place() {
        let mut v = [3.0, f64::NAN, -1.0, 2.0, f64::NAN, 0.5];
        unsafe { sort_strided(v.as_mut_ptr(), 3, 16) };
        // Every other element: 3, -1, NaN -> -1, 3, NaN.
        assert_eq!(v[0], -1.0);
        assert_eq!(v[2], 3.0);
        assert!(v[4].is_nan());
        assert!(v[1].is_nan() && v[3] == 2.0 && v[5] == 0.5);
    }

    #[test]
    fn argsort_is_stable_with_nan_last() {
        let keys = [2.0f32, f32::NAN, 1.0, 2.0, 1.0];
        let mut out = [0i64; 5];
        unsafe { argsort_strided(keys.as_ptr(), 5, 4, out.as_mut_ptr(), 8) };
        assert_eq!(out, [2, 4, 0, 3, 1]);
    }
}
