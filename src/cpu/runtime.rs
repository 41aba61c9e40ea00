//! Native helpers compiled code calls: printing, exact integer power, rounding, complex
//! functions. They are `extern "C"` and handed to the JIT by address (`SYMBOLS`), since the
//! extension module exports no symbols of its own.

use std::io::Write;

#[repr(C)]
pub struct ExcInfo {
    pub class: *const std::os::raw::c_char,
    pub message: *const std::os::raw::c_char,
}

impl Default for ExcInfo {
    fn default() -> Self {
        ExcInfo { class: std::ptr::null(), message: std::ptr::null() }
    }
}

fn out() -> std::io::StdoutLock<'static> {
    std::io::stdout().lock()
}

extern "C" fn print_str(s: *const std::os::raw::c_char) {
    let text = unsafe { std::ffi::CStr::from_ptr(s) };
    let _ = out().write_all(text.to_bytes());
}

extern "C" fn print_i64(v: i64) {
    let _ = write!(out(), "{v}");
}

extern "C" fn print_u64(v: u64) {
    let _ = write!(out(), "{v}");
}

extern "C" fn print_bool(v: i64) {
    let _ = out().write_all(if v != 0 { b"True" } else { b"False" });
}

/// Python's `repr` of a float: shortest round-trip digits, `1.0` not `1`, `1e+16` form.
pub fn python_float_repr(v: f64, single: bool) -> String {
    if v.is_nan() {
        return "nan".into();
    }
    if v.is_infinite() {
        return if v > 0.0 { "inf".into() } else { "-inf".into() };
    }
    let digits = if single { format!("{:e}", v as f32) } else { format!("{v:e}") };
    let (mantissa, exp) = digits.split_once('e').expect("exponent form");
    let exp: i32 = exp.parse().expect("exponent");
    let negative = mantissa.starts_with('-');
    let mantissa = mantissa.trim_start_matches('-');
    let sig: String = mantissa.chars().filter(|c| *c != '.').collect();
    let sign = if negative { "-" } else { "" };
    if (-4..16).contains(&exp) {
        let point = exp + 1;
        let body = if point <= 0 {
            format!("0.{}{}", "0".repeat((-point) as usize), sig)
        } else if point as usize >= sig.len() {
            format!("{}{}.0", sig, "0".repeat(point as usize - sig.len()))
        } else {
            format!("{}.{}", &sig[..point as usize], &sig[point as usize..])
        };
        format!("{sign}{body}")
    } else {
        let m = if sig.len() > 1 { format!("{}.{}", &sig[..1], &sig[1..]) } else { sig };
        format!("{sign}{m}e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.abs())
    }
}

extern "C" fn print_f64(v: f64, single: i64) {
    let _ = out().write_all(python_float_repr(v, single != 0).as_bytes());
}

extern "C" fn print_complex(re: f64, im: f64) {
    let im_s = python_float_repr(im, false);
    let im_s = im_s.strip_suffix(".0").unwrap_or(&im_s).to_string();
    let text = if re == 0.0 && re.is_sign_positive() {
        format!("{im_s}j")
    } else {
        let re_s = python_float_repr(re, false);
        let re_s = re_s.strip_suffix(".0").unwrap_or(&re_s).to_string();
        let sep = if im >= 0.0 || im.is_nan() { "+" } else { "" };
        format!("({re_s}{sep}{im_s}j)")
    };
    let _ = out().write_all(text.as_bytes());
}

extern "C" fn print_flush() {
    let _ = out().flush();
}

/// Integer power with wrap-around, as Numba computes it; a negative exponent gives the
/// truncated reciprocal (only ±1 survive), 0 ** -n is rejected before the call.
extern "C" fn ipow(base: i64, exp: i64) -> i64 {
    if exp < 0 {
        return match base {
            1 => 1,
            -1 => {
                if exp % 2 == 0 {
                    1
                } else {
                    -1
                }
            }
            _ => 0,
        };
    }
    let (mut result, mut b, mut e) = (1i64, base, exp as u64);
    while e > 0 {
        if e & 1 == 1 {
            result = result.wrapping_mul(b);
        }
        b = b.wrapping_mul(b);
        e >>= 1;
    }
    result
}

extern "C" fn upow(base: u64, exp: u64) -> u64 {
    let (mut result, mut b, mut e) = (1u64, base, exp);
    while e > 0 {
        if e & 1 == 1 {
            result = result.wrapping_mul(b);
        }
        b = b.wrapping_mul(b);
        e >>= 1;
    }
    result
}

/// `len(range(start, stop, step))`.
extern "C" fn range_len(start: i64, stop: i64, step: i64) -> i64 {
    if step > 0 && start < stop {
        ((stop as i128 - start as i128 - 1) / step as i128 + 1) as i64
    } else if step < 0 && start > stop {
        ((start as i128 - stop as i128 - 1) / (-(step as i128)) + 1) as i64
    } else {
        0
    }
}

/// Python's slice normalization (`PySlice_AdjustIndices`): start and length of
/// `[lo:hi:step]` over `len` items; bit 0 of `flags` says lo was given, bit 1 hi.
pub(crate) extern "C" fn slice(len: i64, lo: i64, hi: i64, step: i64, flags: i64, out: *mut [i64; 2]) {
    let clamp = |v: i64, given: bool, default: i64| -> i64 {
        if !given {
            return default;
        }
        let v = if v < 0 { v + len } else { v };
        if v < 0 {
            if step < 0 { -1 } else { 0 }
        } else if v >= len {
            if step < 0 { len - 1 } else { len }
        } else {
            v
        }
    };
    let (start, stop) = if step > 0 {
        (clamp(lo, flags & 1 != 0, 0), clamp(hi, flags & 2 != 0, len))
    } else {
        (clamp(lo, flags & 1 != 0, len - 1), clamp(hi, flags & 2 != 0, -1))
    };
    let n = if step > 0 {
        if start < stop { (stop - start - 1) / step + 1 } else { 0 }
    } else if stop < start {
        (start - stop - 1) / (-step) + 1
    } else {
        0
    };
    unsafe { *out = [start, n] };
}

/// `round(x, ndigits)` for floats, Numba's algorithm: scale, round half to even, unscale.
pub extern "C" fn round_ndigits(x: f64, ndigits: i64) -> f64 {
    if !x.is_finite() {
        return x;
    }
    let (pow1, pow2, y);
    if ndigits >= 0 {
        if ndigits > 22 {
            pow1 = 10f64.powi((ndigits - 22) as i32);
            pow2 = 1e22;
        } else {
            pow1 = 10f64.powi(ndigits as i32);
            pow2 = 1.0;
        }
        y = (x * pow1) * pow2;
        if y.is_infinite() {
            return x;
        }
    } else {
        pow1 = 10f64.powi((-ndigits) as i32);
        pow2 = 1.0;
        y = x / pow1;
    }
    let mut z = y.round();
    if (y - z).abs() == 0.5 {
        z = 2.0 * (y / 2.0).round();
    }
    if ndigits >= 0 {
        (z / pow2) / pow1
    } else {
        z * pow1
    }
}

/// `round(n, ndigits)` for ints: a negative ndigits rounds to a power of ten, half to even.
extern "C" fn round_int(n: i64, ndigits: i64) -> i64 {
    if ndigits >= 0 {
        return n;
    }
    if ndigits < -18 {
        return 0;
    }
    let p = 10i64.pow((-ndigits) as u32);
    let q = n.div_euclid(p);
    let r = n.rem_euclid(p);
    let twice = 2 * r;
    let q = if twice > p || (twice == p && q % 2 != 0) { q + 1 } else { q };
    q.wrapping_mul(p)
}

extern "C" fn gcd(a: i64, b: i64) -> i64 {
    let (mut a, mut b) = (a.unsigned_abs(), b.unsigned_abs());
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a as i64
}

extern "C" fn ldexp(x: f64, e: i64) -> f64 {
    let e = e.clamp(-10000, 10000) as i32;
    // Two steps keep intermediate powers of two finite for large |e|.
    let half = e / 2;
    x * 2f64.powi(half) * 2f64.powi(e - half)
}

/// `math.frexp`: x = m * 2**e with 0.5 <= |m| < 1 (m = x, e = 0 for 0, inf and nan).
fn frexp(x: f64) -> (f64, i64) {
    if x == 0.0 || !x.is_finite() {
        return (x, 0);
    }
    let bits = x.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i64;
    if exp == 0 {
        // Subnormal: scale into the normal range first.
        let (m, e) = frexp(x * 2f64.powi(64));
        return (m, e - 64);
    }
    let m = f64::from_bits((bits & !(0x7ff << 52)) | (1022 << 52));
    (m, exp - 1022)
}

extern "C" fn frexp_mantissa(x: f64) -> f64 {
    frexp(x).0
}

extern "C" fn frexp_exponent(x: f64) -> i64 {
    frexp(x).1
}

#[derive(Clone, Copy)]
struct C(f64, f64);

impl C {
    fn mul(self, o: C) -> C {
        C(self.0 * o.0 - self.1 * o.1, self.0 * o.1 + self.1 * o.0)
    }
    fn div(self, o: C) -> C {
        // Smith's algorithm, as CPython's complex division.
        let (a, b, c, d) = (self.0, self.1, o.0, o.1);
        if c.abs() >= d.abs() {
            if c == 0.0 && d == 0.0 {
                return C(f64::NAN, f64::NAN);
            }
            let ratio = d / c;
            let denom = c + d * ratio;
            C((a + b * ratio) / denom, (b - a * ratio) / denom)
        } else {
            let ratio = c / d;
            let denom = c * ratio + d;
            C((a * ratio + b) / denom, (b * ratio - a) / denom)
        }
    }
    fn exp(self) -> C {
        let m = self.0.exp();
        C(m * self.1.cos(), m * self.1.sin())
    }
    fn log(self) -> C {
        C(self.0.hypot(self.1).ln(), self.1.atan2(self.0))
    }
}

unsafe fn put(out: *mut [f64; 2], c: C) {
    *out = [c.0, c.1];
}

extern "C" fn cdiv(a: f64, b: f64, c: f64, d: f64, out: *mut [f64; 2]) {
    unsafe { put(out, C(a, b).div(C(c, d))) }
}

extern "C" fn cpow(a: f64, b: f64, c: f64, d: f64, out: *mut [f64; 2]) {
    let z = if c == 0.0 && d == 0.0 {
        C(1.0, 0.0)
    } else if a == 0.0 && b == 0.0 {
        C(0.0, 0.0)
    } else if d == 0.0 && c.fract() == 0.0 && c.abs() <= 100.0 {
        // Integer exponents by repeated multiplication, as CPython does (exact for small n).
        let mut r = C(1.0, 0.0);
        for _ in 0..(c.abs() as i64) {
            r = r.mul(C(a, b));
        }
        if c < 0.0 {
            C(1.0, 0.0).div(r)
        } else {
            r
        }
    } else {
        C(c, d).mul(C(a, b).log()).exp()
    };
    unsafe { put(out, z) }
}

/// The generator behind `np.random` in compiled code: xoshiro256** per OS thread, seeded
/// from the clock until `np.random.seed(s)` (inside compiled code) makes it reproducible.
mod random {
    use std::cell::Cell;

    thread_local! {
        static STATE: Cell<[u64; 4]> = Cell::new(seeded(clock_seed()));
    }

    fn clock_seed() -> u64 {
        let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(1);
        t ^ (std::thread::current().id().as_u64_fallback() << 32)
    }

    trait IdBits {
        fn as_u64_fallback(&self) -> u64;
    }

    impl IdBits for std::thread::ThreadId {
        fn as_u64_fallback(&self) -> u64 {
            use std::hash::{Hash, Hasher};
            let mut h = std::collections::hash_map::DefaultHasher::new();
            self.hash(&mut h);
            h.finish()
        }
    }

    /// splitmix64 expansion of a seed into a full state.
    fn seeded(seed: u64) -> [u64; 4] {
        let mut z = seed;
        let mut next = || {
            z = z.wrapping_add(0x9E3779B97F4A7C15);
            let mut x = z;
            x = (x ^ (x >> 30)).wrapping_mul(0xBF58476D1CE4E5B9);
            x = (x ^ (x >> 27)).wrapping_mul(0x94D049BB133111EB);
            x ^ (x >> 31)
        };
        [next(), next(), next(), next()]
    }

    pub fn seed(s: u64) {
        STATE.with(|c| c.set(seeded(s)));
    }

    pub fn next_u64() -> u64 {
        STATE.with(|c| {
            let mut s = c.get();
            let result = s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
            let t = s[1] << 17;
            s[2] ^= s[0];
            s[3] ^= s[1];
            s[1] ^= s[2];
            s[0] ^= s[3];
            s[2] ^= t;
            s[3] = s[3].rotate_left(45);
            c.set(s);
            result
        })
    }

    /// Uniform in [0, 1) with 53 random bits.
    pub fn next_f64() -> f64 {
        (next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }
}

extern "C" fn rand_seed(s: i64) {
    random::seed(s as u64)
}

extern "C" fn rand_f64() -> f64 {
    random::next_f64()
}

/// Standard normal by the polar method.
extern "C" fn rand_normal() -> f64 {
    loop {
        let u = 2.0 * random::next_f64() - 1.0;
        let v = 2.0 * random::next_f64() - 1.0;
        let s = u * u + v * v;
        if s > 0.0 && s < 1.0 {
            return u * (-2.0 * s.ln() / s).sqrt();
        }
    }
}

/// Uniform integer in [lo, hi) without modulo bias; hi <= lo returns lo.
extern "C" fn rand_int(lo: i64, hi: i64) -> i64 {
    if hi <= lo {
        return lo;
    }
    let span = (hi as i128 - lo as i128) as u128 as u64;
    let zone = u64::MAX - (u64::MAX % span);
    loop {
        let r = random::next_u64();
        if r < zone {
            return (lo as i128 + (r % span) as i128) as i64;
        }
    }
}

/// Every runtime symbol compiled code may reference, with its address.
pub fn symbols() -> Vec<(&'static str, usize)> {
    let mut v = vec![
        ("ferrumba_rt_alloc", crate::cpu::memory::alloc_array as *const () as usize),
        ("ferrumba_rt_arena_mark", crate::cpu::memory::arena_mark as *const () as usize),
        ("ferrumba_rt_arena_release", crate::cpu::memory::arena_release as *const () as usize),
        ("ferrumba_rt_print_str", print_str as *const () as usize),
        ("ferrumba_rt_print_i64", print_i64 as *const () as usize),
        ("ferrumba_rt_print_u64", print_u64 as *const () as usize),
        ("ferrumba_rt_print_bool", print_bool as *const () as usize),
        ("ferrumba_rt_print_f64", print_f64 as *const () as usize),
        ("ferrumba_rt_print_complex", print_complex as *const () as usize),
        ("ferrumba_rt_print_flush", print_flush as *const () as usize),
        ("ferrumba_rt_ipow", ipow as *const () as usize),
        ("ferrumba_rt_upow", upow as *const () as usize),
        ("ferrumba_rt_slice", slice as *const () as usize),
        ("ferrumba_rt_rand_seed", rand_seed as *const () as usize),
        ("ferrumba_rt_rand_f64", rand_f64 as *const () as usize),
        ("ferrumba_rt_rand_normal", rand_normal as *const () as usize),
        ("ferrumba_rt_rand_int", rand_int as *const () as usize),
        ("ferrumba_rt_gemm_f64", crate::cpu::blas::gemm_f64 as *const () as usize),
        ("ferrumba_rt_gemm_f32", crate::cpu::blas::gemm_f32 as *const () as usize),
        ("ferrumba_rt_range_len", range_len as *const () as usize),
        ("ferrumba_rt_round_ndigits", round_ndigits as *const () as usize),
        ("ferrumba_rt_round_int", round_int as *const () as usize),
        ("ferrumba_rt_gcd", gcd as *const () as usize),
        ("ferrumba_rt_frexp_mantissa", frexp_mantissa as *const () as usize),
        ("ferrumba_rt_frexp_exponent", frexp_exponent as *const () as usize),
        ("ferrumba_rt_ldexp", ldexp as *const () as usize),
        ("ferrumba_rt_cdiv", cdiv as *const () as usize),
        ("ferrumba_rt_cpow", cpow as *const () as usize),
    ];
    v.extend(crate::cpu::complex_math::symbols());
    v.extend(crate::cpu::sorting::symbols());
    v.extend(crate::cpu::list::symbols());
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float_repr_matches_python() {
        assert_eq!(python_float_repr(1.0, false), "1.0");
        assert_eq!(python_float_repr(0.1, false), "0.1");
        assert_eq!(python_float_repr(1e16, false), "1e+16");
        assert_eq!(python_float_repr(1.5e-5, false), "1.5e-05");
        assert_eq!(python_float_repr(-2.5, false), "-2.5");
        assert_eq!(python_float_repr(123456.789, false), "123456.789");
    }

    #[test]
    fn integer_helpers() {
        assert_eq!(ipow(3, 4), 81);
        assert_eq!(ipow(2, 64), 0);
        assert_eq!(ipow(-1, -3), -1);
        assert_eq!(range_len(10, 0, -3), 4);
        assert_eq!(range_len(0, 10, 3), 4);
        assert_eq!(round_int(25, -1), 20);
        assert_eq!(round_int(35, -1), 40);
        assert_eq!(round_int(-25, -1), -20);
        assert_eq!(gcd(-12, 18), 6);
        let mut out = [0i64; 2];
        slice(10, 2, 0, 1, 1, &mut out);
        assert_eq!(out, [2, 8]);
        slice(10, 0, 0, -3, 0, &mut out);
        assert_eq!(out, [9, 4]);
        slice(5, -100, 100, 2, 3, &mut out);
        assert_eq!(out, [0, 3]);
        assert_eq!(frexp(8.0), (0.5, 4));
        assert_eq!(frexp(-0.75), (-0.75, 0));
        assert_eq!(frexp(5e-324), (0.5, -1073));
    }

    #[test]
    fn rounding_half_even() {
        assert_eq!(round_ndigits(2.5, 0), 2.0);
        assert_eq!(round_ndigits(0.125, 2), 0.12);
        assert_eq!(round_ndigits(1234.5, -2), 1200.0);
    }
}
