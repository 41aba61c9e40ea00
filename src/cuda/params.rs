//! The parameter buffer of a kernel launch, built on the stack: one 8-byte-aligned slot
//! per parameter (16 bytes for complex128), and the array of pointers to them that
//! `cuLaunchKernel` takes. The layout follows `ptx::flatten`, which defines the kernel's
//! entry: scalars as themselves (bool as a byte, complex as a {re, im} struct), tuples
//! item by item, arrays as (meminfo, parent, data, shape..., strides...) with meminfo and
//! parent unused (null) on the device. Pure data: tested without a GPU.

use crate::common::types::{Scalar, Type};
use std::ffi::c_void;
use std::mem::MaybeUninit;

const INLINE: usize = 96;

/// Words and parameter starts inline up to `INLINE` of each (uninitialized until written:
/// nothing is cleared per launch), moving to the heap past that.
pub struct Params {
    words: [MaybeUninit<u64>; INLINE],
    starts: [MaybeUninit<u32>; INLINE],
    ptrs: [MaybeUninit<*mut c_void>; INLINE],
    nwords: usize,
    nparams: usize,
    /// Set once the inline arrays overflowed: everything lives in the vectors then.
    heap: bool,
    heap_words: Vec<u64>,
    heap_starts: Vec<u32>,
    heap_ptrs: Vec<*mut c_void>,
}

impl Default for Params {
    fn default() -> Self {
        Self::new()
    }
}

impl Params {
    #[inline]
    pub fn new() -> Params {
        Params {
            words: [MaybeUninit::uninit(); INLINE],
            starts: [MaybeUninit::uninit(); INLINE],
            ptrs: [MaybeUninit::uninit(); INLINE],
            nwords: 0,
            nparams: 0,
            heap: false,
            heap_words: Vec::new(),
            heap_starts: Vec::new(),
            heap_ptrs: Vec::new(),
        }
    }

    #[cold]
    fn move_to_heap(&mut self) {
        // SAFETY: the first `nwords`/`nparams` entries were written.
        self.heap_words.extend(self.words[..self.nwords].iter().map(|w| unsafe { w.assume_init() }));
        self.heap_starts.extend(self.starts[..self.nparams].iter().map(|s| unsafe { s.assume_init() }));
        self.heap = true;
    }

    #[inline]
    fn push_word(&mut self, w: u64) {
        if !self.heap && self.nwords == INLINE {
            self.move_to_heap();
        }
        if self.heap {
            self.heap_words.push(w);
        } else {
            self.words[self.nwords] = MaybeUninit::new(w);
        }
        self.nwords += 1;
    }

    #[inline]
    fn begin(&mut self) {
        let at = self.nwords as u32;
        if !self.heap && self.nparams == INLINE {
            self.move_to_heap();
        }
        if self.heap {
            self.heap_starts.push(at);
        } else {
            self.starts[self.nparams] = MaybeUninit::new(at);
        }
        self.nparams += 1;
    }

    /// One parameter of one word (any scalar up to 8 bytes, little-endian).
    #[inline]
    pub fn word(&mut self, w: u64) {
        self.begin();
        self.push_word(w);
    }

    /// An array argument: meminfo and parent (null), data, shape, strides (bytes).
    pub fn array(&mut self, data: u64, shape: &[i64], strides: &[i64]) {
        self.word(0);
        self.word(0);
        self.word(data);
        for &d in shape {
            self.word(d as u64);
        }
        for &s in strides {
            self.word(s as u64);
        }
    }

    /// A scalar of type `s` given as a double (its value converted as a C cast would).
    pub fn from_f64(&mut self, s: Scalar, v: f64) {
        match s {
            Scalar::F64 => self.word(v.to_bits()),
            Scalar::F32 => self.word((v as f32).to_bits() as u64),
            Scalar::Bool => self.word((v != 0.0) as u64),
            Scalar::C64 => self.word((v as f32).to_bits() as u64),
            Scalar::C128 => {
                self.begin();
                self.push_word(v.to_bits());
                self.push_word(0);
            }
            s if s.is_signed() => self.word(v as i64 as u64),
            _ => self.word(v as u64),
        }
    }

    /// A scalar of type `s` given as an integer.
    pub fn from_i64(&mut self, s: Scalar, v: i64) {
        match s {
            Scalar::F64 | Scalar::F32 | Scalar::C64 | Scalar::C128 => self.from_f64(s, v as f64),
            Scalar::Bool => self.word((v != 0) as u64),
            _ => self.word(v as u64),
        }
    }

    /// A value of type `t` from the host entry's slots (`boxing::unbox`: floats as f64
    /// bits, complex as two f64 slots, tuples item by item). Arrays are not taken here.
    pub fn from_slots(&mut self, t: &Type, slots: &[u64], pos: &mut usize) -> Result<(), String> {
        let mut next = || -> Result<u64, String> {
            let v = *slots.get(*pos).ok_or("argument slots ended early")?;
            *pos += 1;
            Ok(v)
        };
        match t {
            Type::Scalar(Scalar::Bool) => {
                let v = next()?;
                self.word((v != 0) as u64);
            }
            Type::Scalar(Scalar::F32) => {
                let v = next()?;
                self.word((f64::from_bits(v) as f32).to_bits() as u64);
            }
            Type::Scalar(Scalar::C64) => {
                let re = f64::from_bits(next()?) as f32;
                let im = f64::from_bits(next()?) as f32;
                self.word(re.to_bits() as u64 | ((im.to_bits() as u64) << 32));
            }
            Type::Scalar(Scalar::C128) => {
                let re = next()?;
                let im = next()?;
                self.begin();
                self.push_word(re);
                self.push_word(im);
            }
            Type::Scalar(_) => {
                let v = next()?;
                self.word(v);
            }
            Type::Tuple(items) => {
                for it in items {
                    self.from_slots(it, slots, pos)?;
                }
            }
            Type::NoneType | Type::DType(_) => {}
            other => return Err(format!("kernel arguments of type {other} are not supported on the GPU target")),
        }
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.nparams
    }

    pub fn is_empty(&self) -> bool {
        self.nparams == 0
    }

    /// The words of parameter `i` (for tests and error messages).
    pub fn param_words(&self, i: usize) -> &[u64] {
        let (words, starts) = self.slices();
        let start = starts[i] as usize;
        let end = starts.get(i + 1).map(|&s| s as usize).unwrap_or(words.len());
        &words[start..end]
    }

    fn slices(&self) -> (&[u64], &[u32]) {
        if self.heap {
            (&self.heap_words, &self.heap_starts)
        } else {
            // SAFETY: the first `nwords`/`nparams` entries were written.
            unsafe {
                (
                    std::slice::from_raw_parts(self.words.as_ptr() as *const u64, self.nwords),
                    std::slice::from_raw_parts(self.starts.as_ptr() as *const u32, self.nparams),
                )
            }
        }
    }

    /// The `kernelParams` array: a pointer to each parameter's words. Valid until `self`
    /// is changed or moved.
    pub fn pointers(&mut self) -> *mut *mut c_void {
        let n = self.nparams;
        if self.heap {
            let base = self.heap_words.as_mut_ptr();
            self.heap_ptrs.clear();
            for i in 0..n {
                let s = self.heap_starts[i] as usize;
                self.heap_ptrs.push(unsafe { base.add(s) } as *mut c_void);
            }
            self.heap_ptrs.as_mut_ptr()
        } else {
            let base = self.words.as_mut_ptr() as *mut u64;
            for i in 0..n {
                // SAFETY: written by `begin`.
                let s = unsafe { self.starts[i].assume_init() } as usize;
                self.ptrs[i] = MaybeUninit::new(unsafe { base.add(s) } as *mut c_void);
            }
            self.ptrs.as_mut_ptr() as *mut *mut c_void
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrays_take_data_shape_and_strides_after_two_null_words() {
        let mut p = Params::new();
        p.array(0xdead_0000, &[3, 4], &[32, 8]);
        assert_eq!(p.len(), 7);
        let all: Vec<u64> = (0..7).map(|i| p.param_words(i)[0]).collect();
        assert_eq!(all, vec![0, 0, 0xdead_0000, 3, 4, 32, 8]);
    }

    #[test]
    fn scalars_follow_the_flattened_entry() {
        let mut p = Params::new();
        p.from_f64(Scalar::F32, 2.5);
        p.from_f64(Scalar::F64, -1.25);
        p.from_i64(Scalar::I32, -7);
        p.from_i64(Scalar::Bool, 5);
        p.from_i64(Scalar::F64, 3);
        assert_eq!(p.param_words(0), &[2.5f32.to_bits() as u64]);
        assert_eq!(p.param_words(1), &[(-1.25f64).to_bits()]);
        // Little-endian: the driver reads the low 4 bytes of an int32.
        assert_eq!(p.param_words(2)[0] as u32 as i32, -7);
        assert_eq!(p.param_words(3), &[1]);
        assert_eq!(p.param_words(4), &[3.0f64.to_bits()]);
    }

    #[test]
    fn tuples_and_complex_from_slots() {
        let mut p = Params::new();
        let t = Type::Tuple(vec![Type::Scalar(Scalar::I64), Type::Scalar(Scalar::C64), Type::Scalar(Scalar::C128), Type::Scalar(Scalar::F32)]);
        let slots = [9u64, 1.5f64.to_bits(), (-2.0f64).to_bits(), 3.0f64.to_bits(), 4.0f64.to_bits(), 0.5f64.to_bits()];
        let mut pos = 0;
        p.from_slots(&t, &slots, &mut pos).unwrap();
        assert_eq!(pos, slots.len());
        assert_eq!(p.len(), 4);
        assert_eq!(p.param_words(0), &[9]);
        assert_eq!(p.param_words(1), &[1.5f32.to_bits() as u64 | (((-2.0f32).to_bits() as u64) << 32)]);
        assert_eq!(p.param_words(2), &[3.0f64.to_bits(), 4.0f64.to_bits()]);
        assert_eq!(p.param_words(3), &[0.5f32.to_bits() as u64]);
    }

    #[test]
    fn pointers_address_each_parameter_also_after_spilling() {
        let mut p = Params::new();
        for i in 0..(INLINE as u64 + 40) {
            p.word(i * 10);
        }
        p.from_f64(Scalar::C128, 1.0);
        let n = p.len();
        let ptrs = p.pointers();
        for i in 0..n - 1 {
            assert_eq!(unsafe { *(*ptrs.add(i) as *const u64) }, i as u64 * 10);
        }
        let last = unsafe { *ptrs.add(n - 1) as *const [u64; 2] };
        assert_eq!(unsafe { *last }, [1.0f64.to_bits(), 0]);

        let mut q = Params::new();
        q.array(42, &[5], &[8]);
        let ptrs = q.pointers();
        assert_eq!(unsafe { *(*ptrs.add(2) as *const u64) }, 42);
        assert_eq!(unsafe { *(*ptrs.add(3) as *const u64) }, 5);
    }
}
