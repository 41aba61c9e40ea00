//! The `cmath` module for compiled code: a port of CPython's Modules/cmathmodule.c (the
//! algorithms and C99 Annex G special-value tables as CPython implements them), so that
//! results agree with CPython bit for bit, signs of zeros and NaN positions included.
//!
//! Each helper writes its result to `out` and returns CPython's errno as a status: 0, or
//! `EDOM` (compiled code raises ValueError("math domain error")), or `ERANGE`
//! (OverflowError("math range error")). Real functions come from the C library, as in
//! CPython (Rust's own `asinh` is not libm's, so it is declared here).

use std::f64::consts::{E, LN_10, LN_2, PI};
use std::sync::atomic::{AtomicBool, Ordering};

pub const OK: i64 = 0;
pub const EDOM: i64 = 1;
pub const ERANGE: i64 = 2;

extern "C" {
    #[link_name = "asinh"]
    fn libm_asinh(x: f64) -> f64;
    fn ldexp(x: f64, e: i32) -> f64;
    fn log1p(x: f64) -> f64;
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Cx {
    pub re: f64,
    pub im: f64,
}

const fn c(re: f64, im: f64) -> Cx {
    Cx { re, im }
}

const LARGE: f64 = f64::MAX / 4.0;
const DBL_MIN: f64 = f64::MIN_POSITIVE;
const MANT_DIG: i32 = f64::MANTISSA_DIGITS as i32;
const SCALE_UP: i32 = 2 * (MANT_DIG / 2) + 1;
const SCALE_DOWN: i32 = -(SCALE_UP + 1) / 2;

fn sqrt_large() -> f64 {
    LARGE.sqrt()
}
fn log_large() -> f64 {
    LARGE.ln()
}
fn sqrt_dbl_min() -> f64 {
    DBL_MIN.sqrt()
}

/// The row/column of a double in the special-value tables.
fn special_type(d: f64) -> usize {
    if d.is_finite() {
        match (d != 0.0, d.is_sign_positive()) {
            (true, true) => 4,
            (true, false) => 1,
            (false, true) => 3,
            (false, false) => 2,
        }
    } else if d.is_nan() {
        6
    } else if d > 0.0 {
        5
    } else {
        0
    }
}

fn neg(z: Cx) -> Cx {
    c(-z.re, -z.im)
}

const P: f64 = PI;
const P14: f64 = 0.25 * PI;
const P12: f64 = 0.5 * PI;
const P34: f64 = 0.75 * PI;
const INF: f64 = f64::INFINITY;
const N: f64 = f64::NAN;
/// CPython's placeholder for table entries that are never read (finite arguments).
const U: f64 = -9.5426319407711027e33;

type Table = [[Cx; 7]; 7];

macro_rules! table {
    ($( [$( ($re:expr, $im:expr) ),*] ),*) => { [ $( [ $( c($re, $im) ),* ] ),* ] };
}

static ACOS: Table = table!(
    [(P34, INF), (P, INF), (P, INF), (P, -INF), (P, -INF), (P34, -INF), (N, INF)],
    [(P12, INF), (U, U), (U, U), (U, U), (U, U), (P12, -INF), (N, N)],
    [(P12, INF), (U, U), (P12, 0.), (P12, -0.), (U, U), (P12, -INF), (P12, N)],
    [(P12, INF), (U, U), (P12, 0.), (P12, -0.), (U, U), (P12, -INF), (P12, N)],
    [(P12, INF), (U, U), (U, U), (U, U), (U, U), (P12, -INF), (N, N)],
    [(P14, INF), (0., INF), (0., INF), (0., -INF), (0., -INF), (P14, -INF), (N, INF)],
    [(N, INF), (N, N), (N, N), (N, N), (N, N), (N, -INF), (N, N)]
);

static ACOSH: Table = table!(
    [(INF, -P34), (INF, -P), (INF, -P), (INF, P), (INF, P), (INF, P34), (INF, N)],
    [(INF, -P12), (U, U), (U, U), (U, U), (U, U), (INF, P12), (N, N)],
    [(INF, -P12), (U, U), (0., -P12), (0., P12), (U, U), (INF, P12), (N, N)],
    [(INF, -P12), (U, U), (0., -P12), (0., P12), (U, U), (INF, P12), (N, N)],
    [(INF, -P12), (U, U), (U, U), (U, U), (U, U), (INF, P12), (N, N)],
    [(INF, -P14), (INF, -0.), (INF, -0.), (INF, 0.), (INF, 0.), (INF, P14), (INF, N)],
    [(INF, N), (N, N), (N, N), (N, N), (N, N), (INF, N), (N, N)]
);

static ASINH: Table = table!(
    [(-INF, -P14), (-INF, -0.), (-INF, -0.), (-INF, 0.), (-INF, 0.), (-INF, P14), (-INF, N)],
    [(-INF, -P12), (U, U), (U, U), (U, U), (U, U), (-INF, P12), (N, N)],
    [(-INF, -P12), (U, U), (-0., -0.), (-0., 0.), (U, U), (-INF, P12), (N, N)],
    [(INF, -P12), (U, U), (0., -0.), (0., 0.), (U, U), (INF, P12), (N, N)],
    [(INF, -P12), (U, U), (U, U), (U, U), (U, U), (INF, P12), (N, N)],
    [(INF, -P14), (INF, -0.), (INF, -0.), (INF, 0.), (INF, 0.), (INF, P14), (INF, N)],
    [(INF, N), (N, N), (N, -0.), (N, 0.), (N, N), (INF, N), (N, N)]
);

static ATANH: Table = table!(
    [(-0., -P12), (-0., -P12), (-0., -P12), (-0., P12), (-0., P12), (-0., P12), (-0., N)],
    [(-0., -P12), (U, U), (U, U), (U, U), (U, U), (-0., P12), (N, N)],
    [(-0., -P12), (U, U), (-0., -0.), (-0., 0.), (U, U), (-0., P12), (-0., N)],
    [(0., -P12), (U, U), (0., -0.), (0., 0.), (U, U), (0., P12), (0., N)],
    [(0., -P12), (U, U), (U, U), (U, U), (U, U), (0., P12), (N, N)],
    [(0., -P12), (0., -P12), (0., -P12), (0., P12), (0., P12), (0., P12), (0., N)],
    [(0., -P12), (N, N), (N, N), (N, N), (N, N), (0., P12), (N, N)]
);

static COSH: Table = table!(
    [(INF, N), (U, U), (INF, 0.), (INF, -0.), (U, U), (INF, N), (INF, N)],
    [(N, N), (U, U), (U, U), (U, U), (U, U), (N, N), (N, N)],
    [(N, 0.), (U, U), (1., 0.), (1., -0.), (U, U), (N, 0.), (N, 0.)],
    [(N, 0.), (U, U), (1., -0.), (1., 0.), (U, U), (N, 0.), (N, 0.)],
    [(N, N), (U, U), (U, U), (U, U), (U, U), (N, N), (N, N)],
    [(INF, N), (U, U), (INF, -0.), (INF, 0.), (U, U), (INF, N), (INF, N)],
    [(N, N), (N, N), (N, 0.), (N, 0.), (N, N), (N, N), (N, N)]
);

static EXP: Table = table!(
    [(0., 0.), (U, U), (0., -0.), (0., 0.), (U, U), (0., 0.), (0., 0.)],
    [(N, N), (U, U), (U, U), (U, U), (U, U), (N, N), (N, N)],
    [(N, N), (U, U), (1., -0.), (1., 0.), (U, U), (N, N), (N, N)],
    [(N, N), (U, U), (1., -0.), (1., 0.), (U, U), (N, N), (N, N)],
    [(N, N), (U, U), (U, U), (U, U), (U, U), (N, N), (N, N)],
    [(INF, N), (U, U), (INF, -0.), (INF, 0.), (U, U), (INF, N), (INF, N)],
    [(N, N), (N, N), (N, -0.), (N, 0.), (N, N), (N, N), (N, N)]
);

static LOG: Table = table!(
    [(INF, -P34), (INF, -P), (INF, -P), (INF, P), (INF, P), (INF, P34), (INF, N)],
    [(INF, -P12), (U, U), (U, U), (U, U), (U, U), (INF, P12), (N, N)],
    [(INF, -P12), (U, U), (-INF, -P), (-INF, P), (U, U), (INF, P12), (N, N)],
    [(INF, -P12), (U, U), (-INF, -0.), (-INF, 0.), (U, U), (INF, P12), (N, N)],
    [(INF, -P12), (U, U), (U, U), (U, U), (U, U), (INF, P12), (N, N)],
    [(INF, -P14), (INF, -0.), (INF, -0.), (INF, 0.), (INF, 0.), (INF, P14), (INF, N)],
    [(INF, N), (N, N), (N, N), (N, N), (N, N), (INF, N), (N, N)]
);

static SINH: Table = table!(
    [(INF, N), (U, U), (-INF, -0.), (-INF, 0.), (U, U), (INF, N), (INF, N)],
    [(N, N), (U, U), (U, U), (U, U), (U, U), (N, N), (N, N)],
    [(0., N), (U, U), (-0., -0.), (-0., 0.), (U, U), (0., N), (0., N)],
    [(0., N), (U, U), (0., -0.), (0., 0.), (U, U), (0., N), (0., N)],
    [(N, N), (U, U), (U, U), (U, U), (U, U), (N, N), (N, N)],
    [(INF, N), (U, U), (INF, -0.), (INF, 0.), (U, U), (INF, N), (INF, N)],
    [(N, N), (N, N), (N, -0.), (N, 0.), (N, N), (N, N), (N, N)]
);

static SQRT: Table = table!(
    [(INF, -INF), (0., -INF), (0., -INF), (0., INF), (0., INF), (INF, INF), (N, INF)],
    [(INF, -INF), (U, U), (U, U), (U, U), (U, U), (INF, INF), (N, N)],
    [(INF, -INF), (U, U), (0., -0.), (0., 0.), (U, U), (INF, INF), (N, N)],
    [(INF, -INF), (U, U), (0., -0.), (0., 0.), (U, U), (INF, INF), (N, N)],
    [(INF, -INF), (U, U), (U, U), (U, U), (U, U), (INF, INF), (N, N)],
    [(INF, -INF), (INF, -0.), (INF, -0.), (INF, 0.), (INF, 0.), (INF, INF), (INF, N)],
    [(INF, -INF), (N, N), (N, N), (N, N), (N, N), (INF, INF), (N, N)]
);

static TANH: Table = table!(
    [(-1., 0.), (U, U), (-1., -0.), (-1., 0.), (U, U), (-1., 0.), (-1., 0.)],
    [(N, N), (U, U), (U, U), (U, U), (U, U), (N, N), (N, N)],
    [(N, N), (U, U), (-0., -0.), (-0., 0.), (U, U), (N, N), (N, N)],
    [(N, N), (U, U), (0., -0.), (0., 0.), (U, U), (N, N), (N, N)],
    [(N, N), (U, U), (U, U), (U, U), (U, U), (N, N), (N, N)],
    [(1., 0.), (U, U), (1., -0.), (1., 0.), (U, U), (1., 0.), (1., 0.)],
    [(N, N), (N, N), (N, -0.), (N, 0.), (N, N), (N, N), (N, N)]
);

static RECT: Table = table!(
    [(INF, N), (U, U), (-INF, 0.), (-INF, -0.), (U, U), (INF, N), (INF, N)],
    [(N, N), (U, U), (U, U), (U, U), (U, U), (N, N), (N, N)],
    [(0., 0.), (U, U), (-0., 0.), (-0., -0.), (U, U), (0., 0.), (0., 0.)],
    [(0., 0.), (U, U), (0., -0.), (0., 0.), (U, U), (0., 0.), (0., 0.)],
    [(N, N), (U, U), (U, U), (U, U), (U, U), (N, N), (N, N)],
    [(INF, N), (U, U), (INF, -0.), (INF, 0.), (U, U), (INF, N), (INF, N)],
    [(N, N), (N, N), (N, 0.), (N, 0.), (N, N), (N, N), (N, N)]
);

/// CPython 3.14 follows C17's DR#471 (gh-121889, gh-122637): acosh(±0+nanj) is nan+π/2j and
/// tanh(±0+infj), tanh(±0+nanj) are ±0+nanj. Earlier versions give nan+nanj for all three.
static DR471: AtomicBool = AtomicBool::new(false);

/// Follow the special values of the CPython that imported the extension.
pub fn set_python_version(at_least_3_14: bool) {
    DR471.store(at_least_3_14, Ordering::Relaxed);
}

fn dr471() -> bool {
    DR471.load(Ordering::Relaxed)
}

fn special(z: Cx, t: &Table) -> Option<Cx> {
    if !z.re.is_finite() || !z.im.is_finite() {
        Some(t[special_type(z.re)][special_type(z.im)])
    } else {
        None
    }
}

fn is_inf(x: f64) -> bool {
    x.is_infinite()
}

pub fn acos(z: Cx) -> (Cx, i64) {
    if let Some(r) = special(z, &ACOS) {
        return (r, OK);
    }
    let r = if z.re.abs() > LARGE || z.im.abs() > LARGE {
        c(z.im.abs().atan2(z.re), -((z.re / 2.).hypot(z.im / 2.).ln() + LN_2 * 2.).copysign(z.im))
    } else {
        let (s1, _) = sqrt(c(1. - z.re, -z.im));
        let (s2, _) = sqrt(c(1. + z.re, z.im));
        c(2. * s1.re.atan2(s2.re), unsafe { libm_asinh(s2.re * s1.im - s2.im * s1.re) })
    };
    (r, OK)
}

pub fn acosh(z: Cx) -> (Cx, i64) {
    if z.re == 0. && z.im.is_nan() && dr471() {
        return (c(N, P12), OK);
    }
    if let Some(r) = special(z, &ACOSH) {
        return (r, OK);
    }
    let r = if z.re.abs() > LARGE || z.im.abs() > LARGE {
        c((z.re / 2.).hypot(z.im / 2.).ln() + LN_2 * 2., z.im.atan2(z.re))
    } else {
        let (s1, _) = sqrt(c(z.re - 1., z.im));
        let (s2, _) = sqrt(c(z.re + 1., z.im));
        c(unsafe { libm_asinh(s1.re * s2.re + s1.im * s2.im) }, 2. * s1.im.atan2(s2.re))
    };
    (r, OK)
}

pub fn asin(z: Cx) -> (Cx, i64) {
    let (s, e) = asinh(c(-z.im, z.re));
    (c(s.im, -s.re), e)
}

pub fn asinh(z: Cx) -> (Cx, i64) {
    if let Some(r) = special(z, &ASINH) {
        return (r, OK);
    }
    let r = if z.re.abs() > LARGE || z.im.abs() > LARGE {
        let l = (z.re / 2.).hypot(z.im / 2.).ln() + LN_2 * 2.;
        let re = if z.im >= 0. { l.copysign(z.re) } else { -l.copysign(-z.re) };
        c(re, z.im.atan2(z.re.abs()))
    } else {
        let (s1, _) = sqrt(c(1. + z.im, -z.re));
        let (s2, _) = sqrt(c(1. - z.im, z.re));
        c(unsafe { libm_asinh(s1.re * s2.im - s2.re * s1.im) }, z.im.atan2(s1.re * s2.re - s1.im * s2.im))
    };
    (r, OK)
}

pub fn atan(z: Cx) -> (Cx, i64) {
    let (s, e) = atanh(c(-z.im, z.re));
    (c(s.im, -s.re), e)
}

pub fn atanh(z: Cx) -> (Cx, i64) {
    if let Some(r) = special(z, &ATANH) {
        return (r, OK);
    }
    if z.re < 0. {
        let (r, e) = atanh(neg(z));
        return (neg(r), e);
    }
    let ay = z.im.abs();
    if z.re > sqrt_large() || ay > sqrt_large() {
        let h = (z.re / 2.).hypot(z.im / 2.);
        (c(z.re / 4. / h / h, (PI / 2.).copysign(z.im)), OK)
    } else if z.re == 1. && ay < sqrt_dbl_min() {
        if ay == 0. {
            (c(INF, z.im), EDOM)
        } else {
            (c(-(ay.sqrt() / ay.hypot(2.).sqrt()).ln(), (2f64.atan2(-ay) / 2.).copysign(z.im)), OK)
        }
    } else {
        let re = unsafe { log1p(4. * z.re / ((1. - z.re) * (1. - z.re) + ay * ay)) } / 4.;
        let im = -(-2. * z.im).atan2((1. - z.re) * (1. + z.re) - ay * ay) / 2.;
        (c(re, im), OK)
    }
}

pub fn cos(z: Cx) -> (Cx, i64) {
    cosh(c(-z.im, z.re))
}

pub fn cosh(z: Cx) -> (Cx, i64) {
    if !z.re.is_finite() || !z.im.is_finite() {
        let r = if is_inf(z.re) && z.im.is_finite() && z.im != 0. {
            if z.re > 0. {
                c(INF.copysign(z.im.cos()), INF.copysign(z.im.sin()))
            } else {
                c(INF.copysign(z.im.cos()), -INF.copysign(z.im.sin()))
            }
        } else {
            COSH[special_type(z.re)][special_type(z.im)]
        };
        let e = if is_inf(z.im) && !z.re.is_nan() { EDOM } else { OK };
        return (r, e);
    }
    let r = if z.re.abs() > log_large() {
        let xm1 = z.re - 1f64.copysign(z.re);
        c(z.im.cos() * xm1.cosh() * E, z.im.sin() * xm1.sinh() * E)
    } else {
        c(z.im.cos() * z.re.cosh(), z.im.sin() * z.re.sinh())
    };
    (r, if is_inf(r.re) || is_inf(r.im) { ERANGE } else { OK })
}

pub fn exp(z: Cx) -> (Cx, i64) {
    if !z.re.is_finite() || !z.im.is_finite() {
        let r = if is_inf(z.re) && z.im.is_finite() && z.im != 0. {
            if z.re > 0. {
                c(INF.copysign(z.im.cos()), INF.copysign(z.im.sin()))
            } else {
                c(0f64.copysign(z.im.cos()), 0f64.copysign(z.im.sin()))
            }
        } else {
            EXP[special_type(z.re)][special_type(z.im)]
        };
        let e = if is_inf(z.im) && (z.re.is_finite() || (is_inf(z.re) && z.re > 0.)) { EDOM } else { OK };
        return (r, e);
    }
    let r = if z.re > log_large() {
        let l = (z.re - 1.).exp();
        c(l * z.im.cos() * E, l * z.im.sin() * E)
    } else {
        let l = z.re.exp();
        c(l * z.im.cos(), l * z.im.sin())
    };
    (r, if is_inf(r.re) || is_inf(r.im) { ERANGE } else { OK })
}

pub fn log(z: Cx) -> (Cx, i64) {
    if let Some(r) = special(z, &LOG) {
        return (r, OK);
    }
    let (ax, ay) = (z.re.abs(), z.im.abs());
    let re = if ax > LARGE || ay > LARGE {
        (ax / 2.).hypot(ay / 2.).ln() + LN_2
    } else if ax < DBL_MIN && ay < DBL_MIN {
        if ax > 0. || ay > 0. {
            unsafe { ldexp(ax, MANT_DIG).hypot(ldexp(ay, MANT_DIG)).ln() - MANT_DIG as f64 * LN_2 }
        } else {
            return (c(-INF, z.im.atan2(z.re)), EDOM);
        }
    } else {
        let h = ax.hypot(ay);
        if (0.71..=1.73).contains(&h) {
            let (am, an) = if ax > ay { (ax, ay) } else { (ay, ax) };
            unsafe { log1p((am - 1.) * (am + 1.) + an * an) / 2. }
        } else {
            h.ln()
        }
    };
    (c(re, z.im.atan2(z.re)), OK)
}

pub fn log10(z: Cx) -> (Cx, i64) {
    let (r, e) = log(z);
    (c(r.re / LN_10, r.im / LN_10), e)
}

/// `cmath.log(x, base)`: log(x) / log(base) by CPython's complex division.
pub fn log_base(x: Cx, base: Cx) -> (Cx, i64) {
    // CPython checks errno once, at the end: the second log overwrites the first's, and the
    // division sets it only for a zero divisor. So log(0, 2) is -inf+nanj, not an error.
    let (lx, _) = log(x);
    let (lb, e2) = log(base);
    let (q, e3) = quot(lx, lb);
    (q, if e3 != OK { e3 } else { e2 })
}

/// CPython 3.11's `_Py_c_quot` (EDOM and 0 for a zero divisor; NaN for a NaN divisor).
pub fn quot(a: Cx, b: Cx) -> (Cx, i64) {
    let abs_br = if b.re < 0. { -b.re } else { b.re };
    let abs_bi = if b.im < 0. { -b.im } else { b.im };
    if abs_br >= abs_bi {
        if abs_br == 0.0 {
            (c(0., 0.), EDOM)
        } else {
            let ratio = b.im / b.re;
            let denom = b.re + b.im * ratio;
            (c((a.re + a.im * ratio) / denom, (a.im - a.re * ratio) / denom), OK)
        }
    } else if abs_bi >= abs_br {
        let ratio = b.re / b.im;
        let denom = b.re * ratio + b.im;
        (c((a.re * ratio + a.im) / denom, (a.im * ratio - a.re) / denom), OK)
    } else {
        (c(N, N), OK)
    }
}

pub fn sin(z: Cx) -> (Cx, i64) {
    let (s, e) = sinh(c(-z.im, z.re));
    (c(s.im, -s.re), e)
}

pub fn sinh(z: Cx) -> (Cx, i64) {
    if !z.re.is_finite() || !z.im.is_finite() {
        let r = if is_inf(z.re) && z.im.is_finite() && z.im != 0. {
            if z.re > 0. {
                c(INF.copysign(z.im.cos()), INF.copysign(z.im.sin()))
            } else {
                c(-INF.copysign(z.im.cos()), INF.copysign(z.im.sin()))
            }
        } else {
            SINH[special_type(z.re)][special_type(z.im)]
        };
        let e = if is_inf(z.im) && !z.re.is_nan() { EDOM } else { OK };
        return (r, e);
    }
    let r = if z.re.abs() > log_large() {
        let xm1 = z.re - 1f64.copysign(z.re);
        c(z.im.cos() * xm1.sinh() * E, z.im.sin() * xm1.cosh() * E)
    } else {
        c(z.im.cos() * z.re.sinh(), z.im.sin() * z.re.cosh())
    };
    (r, if is_inf(r.re) || is_inf(r.im) { ERANGE } else { OK })
}

pub fn sqrt(z: Cx) -> (Cx, i64) {
    if let Some(r) = special(z, &SQRT) {
        return (r, OK);
    }
    if z.re == 0. && z.im == 0. {
        return (c(0., z.im), OK);
    }
    let (mut ax, ay) = (z.re.abs(), z.im.abs());
    let s = if ax < DBL_MIN && ay < DBL_MIN {
        unsafe {
            ax = ldexp(ax, SCALE_UP);
            ldexp((ax + ax.hypot(ldexp(ay, SCALE_UP))).sqrt(), SCALE_DOWN)
        }
    } else {
        ax /= 8.;
        2. * (ax + ax.hypot(ay / 8.)).sqrt()
    };
    let d = ay / (2. * s);
    let r = if z.re >= 0. { c(s, d.copysign(z.im)) } else { c(d, s.copysign(z.im)) };
    (r, OK)
}

pub fn tan(z: Cx) -> (Cx, i64) {
    let (s, e) = tanh(c(-z.im, z.re));
    (c(s.im, -s.re), e)
}

pub fn tanh(z: Cx) -> (Cx, i64) {
    if !z.re.is_finite() || !z.im.is_finite() {
        let r = if is_inf(z.re) && z.im.is_finite() && z.im != 0. {
            let im = 0f64.copysign(2. * z.im.sin() * z.im.cos());
            if z.re > 0. {
                c(1.0, im)
            } else {
                c(-1.0, im)
            }
        } else if z.re == 0. && !z.im.is_finite() && dr471() {
            c(z.re, N)
        } else {
            TANH[special_type(z.re)][special_type(z.im)]
        };
        let e = if is_inf(z.im) && z.re.is_finite() { EDOM } else { OK };
        return (r, e);
    }
    let r = if z.re.abs() > log_large() {
        c(1f64.copysign(z.re), 4. * z.im.sin() * z.im.cos() * (-2. * z.re.abs()).exp())
    } else {
        let tx = z.re.tanh();
        let ty = z.im.tan();
        let cx = 1. / z.re.cosh();
        let txty = tx * ty;
        let denom = 1. + txty * txty;
        c(tx * (1. + ty * ty) / denom, ((ty / denom) * cx) * cx)
    };
    (r, OK)
}

pub fn rect(r: f64, phi: f64) -> (Cx, i64) {
    if !r.is_finite() || !phi.is_finite() {
        let z = if is_inf(r) && phi.is_finite() && phi != 0. {
            if r > 0. {
                c(INF.copysign(phi.cos()), INF.copysign(phi.sin()))
            } else {
                c(-INF.copysign(phi.cos()), -INF.copysign(phi.sin()))
            }
        } else {
            RECT[special_type(r)][special_type(phi)]
        };
        let e = if r != 0. && !r.is_nan() && is_inf(phi) { EDOM } else { OK };
        (z, e)
    } else if phi == 0.0 {
        (c(r, r * phi), OK)
    } else {
        (c(r * phi.cos(), r * phi.sin()), OK)
    }
}

/// `cmath.polar`: (abs(z), phase(z)); OverflowError when a finite z's modulus overflows.
pub fn polar(z: Cx) -> (Cx, i64) {
    let phi = z.im.atan2(z.re);
    let r = z.re.hypot(z.im);
    let e = if z.re.is_finite() && z.im.is_finite() && !r.is_finite() { ERANGE } else { OK };
    (c(r, phi), e)
}

/// `cmath.phase`: CPython checks errno after the C library's atan2, which glibc sets to
/// ERANGE when the result underflows (phase(2.3+5e-324j) raises OverflowError).
pub fn phase(z: Cx) -> (Cx, i64) {
    #[cfg(target_os = "linux")]
    {
        extern "C" {
            fn __errno_location() -> *mut i32;
        }
        unsafe {
            *__errno_location() = 0;
            let phi = z.im.atan2(z.re);
            let e = *__errno_location();
            const LIBC_EDOM: i32 = 33;
            const LIBC_ERANGE: i32 = 34;
            let status = match e {
                0 => OK,
                LIBC_EDOM => EDOM,
                LIBC_ERANGE => ERANGE,
                _ => EDOM,
            };
            (c(phi, 0.), status)
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        (c(z.im.atan2(z.re), 0.), OK)
    }
}

unsafe fn put(out: *mut [f64; 2], (z, e): (Cx, i64)) -> i64 {
    *out = [z.re, z.im];
    e
}

macro_rules! unary {
    ($($name:ident => $f:ident),*) => {
        $(extern "C" fn $name(a: f64, b: f64, out: *mut [f64; 2]) -> i64 {
            unsafe { put(out, $f(c(a, b))) }
        })*
    };
}

unary!(cm_acos => acos, cm_acosh => acosh, cm_asin => asin, cm_asinh => asinh, cm_atan => atan,
    cm_atanh => atanh, cm_cos => cos, cm_cosh => cosh, cm_exp => exp, cm_log => log, cm_log10 => log10,
    cm_sin => sin, cm_sinh => sinh, cm_sqrt => sqrt, cm_tan => tan, cm_tanh => tanh, cm_polar => polar, cm_phase => phase);

extern "C" fn cm_rect(r: f64, phi: f64, out: *mut [f64; 2]) -> i64 {
    unsafe { put(out, rect(r, phi)) }
}

extern "C" fn cm_log_base(a: f64, b: f64, c_: f64, d: f64, out: *mut [f64; 2]) -> i64 {
    unsafe { put(out, log_base(c(a, b), c(c_, d))) }
}

/// The cmath functions with a runtime helper, by the name `Math` nodes use (`c` + name).
pub const UNARY: &[&str] = &[
    "cacos", "cacosh", "casin", "casinh", "catan", "catanh", "ccos", "ccosh", "cexp", "clog", "clog10", "csin", "csinh", "csqrt",
    "ctan", "ctanh",
];

pub fn symbols() -> Vec<(&'static str, usize)> {
    vec![
        ("ferrumba_rt_cacos", cm_acos as *const () as usize),
        ("ferrumba_rt_cacosh", cm_acosh as *const () as usize),
        ("ferrumba_rt_casin", cm_asin as *const () as usize),
        ("ferrumba_rt_casinh", cm_asinh as *const () as usize),
        ("ferrumba_rt_catan", cm_atan as *const () as usize),
        ("ferrumba_rt_catanh", cm_atanh as *const () as usize),
        ("ferrumba_rt_ccos", cm_cos as *const () as usize),
        ("ferrumba_rt_ccosh", cm_cosh as *const () as usize),
        ("ferrumba_rt_cexp", cm_exp as *const () as usize),
        ("ferrumba_rt_clog", cm_log as *const () as usize),
        ("ferrumba_rt_clog10", cm_log10 as *const () as usize),
        ("ferrumba_rt_csin", cm_sin as *const () as usize),
        ("ferrumba_rt_csinh", cm_sinh as *const () as usize),
        ("ferrumba_rt_csqrt", cm_sqrt as *const () as usize),
        ("ferrumba_rt_ctan", cm_tan as *const () as usize),
        ("ferrumba_rt_ctanh", cm_tanh as *const () as usize),
        ("ferrumba_rt_crect", cm_rect as *const () as usize),
        ("ferrumba_rt_cpolar", cm_polar as *const () as usize),
        ("ferrumba_rt_cphase", cm_phase as *const () as usize),
        ("ferrumba_rt_clog_base", cm_log_base as *const () as usize),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same(a: Cx, b: Cx) -> bool {
        let s = |x: f64, y: f64| (x.is_nan() && y.is_nan()) || (x == y && x.is_sign_negative() == y.is_sign_negative());
        s(a.re, b.re) && s(a.im, b.im)
    }

    #[test]
    fn special_values() {
        assert!(same(exp(c(-INF, -INF)).0, c(0., 0.)));
        assert!(same(sqrt(c(-0., -INF)).0, c(INF, -INF)));
        assert_eq!(log(c(0., 0.)).1, EDOM);
        assert_eq!(exp(c(1000., 0.)).1, ERANGE);
        assert!(same(atanh(c(1., -0.)).0, c(INF, -0.)));
    }
}
