//! Matrix products for compiled code: the BLAS SciPy ships (the one Numba calls) when SciPy
//! can be imported, otherwise the matrixmultiply crate. Both take any strides; BLAS only
//! sees layouts it accepts, everything else goes to matrixmultiply.

use std::os::raw::c_char;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Fortran `?gemm` as `scipy.linalg.cython_blas` exports it (LP64: int is 32 bits).
type Gemm<T> = unsafe extern "C" fn(
    transa: *const c_char,
    transb: *const c_char,
    m: *const i32,
    n: *const i32,
    k: *const i32,
    alpha: *const T,
    a: *const T,
    lda: *const i32,
    b: *const T,
    ldb: *const i32,
    beta: *const T,
    c: *mut T,
    ldc: *const i32,
);

static DGEMM: AtomicUsize = AtomicUsize::new(0);
static SGEMM: AtomicUsize = AtomicUsize::new(0);

/// Use these `?gemm` entry points (addresses of SciPy's `cython_blas` functions) from now on.
pub fn install(dgemm: usize, sgemm: usize) {
    DGEMM.store(dgemm, Ordering::Release);
    SGEMM.store(sgemm, Ordering::Release);
}

/// How BLAS sees one row-major operand: its transpose flag and leading dimension, from the
/// element strides of a `rows × cols` matrix; None when BLAS cannot take it as it is.
fn blas_view(rows: i64, cols: i64, rs: i64, cs: i64) -> Option<(u8, i32)> {
    // Row-major (unit column stride): the column-major transpose, no flag.
    if cs == 1 && rs >= cols.max(1) {
        return i32::try_from(rs).ok().map(|ld| (b'N', ld));
    }
    if rs == 1 && cs >= rows.max(1) {
        return i32::try_from(cs).ok().map(|ld| (b'T', ld));
    }
    None
}

/// C (m×n) = A (m×k) · B (k×n) through BLAS's column-major `?gemm`, computed as
/// Cᵀ = Bᵀ · Aᵀ; false when some layout or size does not fit BLAS.
#[allow(clippy::too_many_arguments)]
unsafe fn blas_gemm<T: Copy>(f: Gemm<T>, one: T, zero: T, m: i64, k: i64, n: i64, a: *const T, rsa: i64, csa: i64, b: *const T, rsb: i64, csb: i64, c: *mut T, rsc: i64, csc: i64) -> bool {
    if m == 0 || n == 0 || k == 0 || csc != 1 || rsc < n.max(1) {
        return false;
    }
    let (Some((tb, ldb)), Some((ta, lda)), Ok(mm), Ok(nn), Ok(kk), Ok(ldc)) =
        (blas_view(k, n, rsb, csb), blas_view(m, k, rsa, csa), i32::try_from(m), i32::try_from(n), i32::try_from(k), i32::try_from(rsc))
    else {
        return false;
    };
    let (ta, tb) = (ta as c_char, tb as c_char);
    f(&tb, &ta, &nn, &mm, &kk, &one, b, &ldb, a, &lda, &zero, c, &ldc);
    true
}

/// Strides are in bytes, as arrays carry them.
pub extern "C" fn gemm_f64(m: i64, k: i64, n: i64, a: *const f64, rsa: i64, csa: i64, b: *const f64, rsb: i64, csb: i64, c: *mut f64, rsc: i64, csc: i64) {
    let e = |s: i64| s / 8;
    let f = DGEMM.load(Ordering::Acquire);
    if f != 0 {
        let f: Gemm<f64> = unsafe { std::mem::transmute::<usize, Gemm<f64>>(f) };
        if unsafe { blas_gemm(f, 1.0, 0.0, m, k, n, a, e(rsa), e(csa), b, e(rsb), e(csb), c, e(rsc), e(csc)) } {
            return;
        }
    }
    let e = |s: i64| (s / 8) as isize;
    unsafe { matrixmultiply::dgemm(m as usize, k as usize, n as usize, 1.0, a, e(rsa), e(csa), b, e(rsb), e(csb), 0.0, c, e(rsc), e(csc)) }
}

pub extern "C" fn gemm_f32(m: i64, k: i64, n: i64, a: *const f32, rsa: i64, csa: i64, b: *const f32, rsb: i64, csb: i64, c: *mut f32, rsc: i64, csc: i64) {
    let e = |s: i64| s / 4;
    let f = SGEMM.load(Ordering::Acquire);
    if f != 0 {
        let f: Gemm<f32> = unsafe { std::mem::transmute::<usize, Gemm<f32>>(f) };
        if unsafe { blas_gemm(f, 1.0, 0.0, m, k, n, a, e(rsa), e(csa), b, e(rsb), e(csb), c, e(rsc), e(csc)) } {
            return;
        }
    }
    let e = |s: i64| (s / 4) as isize;
    unsafe { matrixmultiply::sgemm(m as usize, k as usize, n as usize, 1.0, a, e(rsa), e(csa), b, e(rsb), e(csb), 0.0, c, e(rsc), e(csc)) }
}
