//! Running a CUDA kernel's block function on the host: every block of the grid, spread over
//! a pool of one OS thread per core (the threads of one block run in order on one core,
//! inside the compiled block function).

use crate::common::ir::AtomicOp;
use crate::common::types::Scalar;
use crate::cpu::jit::EntryFn;
use crate::cpu::runtime::ExcInfo;
use crate::cpu::worker_pool;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

/// The first exception a block raised, as (class, message) pointers into compiled code's
/// constant strings (which live as long as the process).
pub struct Raised {
    pub class: usize,
    pub message: usize,
}

/// Launches with fewer CUDA threads than this run on the calling thread alone: waking the
/// pool costs a few microseconds.
const SMALL_LAUNCH: i64 = 1 << 14;

/// Where an array argument sits in the launch's slots: its first slot (meminfo, parent,
/// data, shape..., strides...) and its number of dimensions.
#[derive(Clone, Copy, Debug)]
pub struct ArraySlots {
    pub slot: usize,
    pub ndim: usize,
}

/// An array argument the kernel only updates with one commutative atomic (see
/// `common/privatize.rs`).
#[derive(Clone, Debug)]
pub struct PrivateArg {
    pub at: ArraySlots,
    pub dtype: Scalar,
    pub merge: AtomicOp,
}

/// The kernel compiled with plain updates of `arrays`, valid when each worker gets its own
/// copy of them.
pub struct PrivateVariant {
    pub entry: EntryFn,
    pub arrays: Vec<PrivateArg>,
    /// Every array argument, to refuse privatizing one that overlaps another.
    pub all_arrays: Vec<ArraySlots>,
}

/// Run every block of the grid. `slots` holds the block-range function's arguments; its
/// first two slots (first and end block number) are filled in per chunk of blocks.
pub fn run_blocks(entry: EntryFn, slots: &[u64], grid: [i64; 3], threads_per_block: i64, private: Option<&PrivateVariant>) -> Option<Raised> {
    let total = (grid[0] * grid[1] * grid[2]).max(0) as usize;
    let threads = (total as i64).saturating_mul(threads_per_block);
    let small = threads < SMALL_LAUNCH;
    let workers = if small { 1 } else { worker_pool::size().min(total.max(1)) };
    if let Some(pv) = private {
        if let Some(copies) = Copies::new(pv, slots, workers, threads) {
            let per_worker: Vec<Vec<u64>> = (0..workers).map(|w| copies.slots_of(w, slots)).collect();
            let raised = run_chunks(pv.entry, &per_worker, total);
            copies.merge_into(slots);
            return raised;
        }
    }
    let per_worker = vec![slots.to_vec(); workers];
    run_chunks(entry, &per_worker, total)
}

/// Workers take chunks of blocks from a shared counter, each with its own argument slots.
fn run_chunks(entry: EntryFn, per_worker: &[Vec<u64>], total: usize) -> Option<Raised> {
    let workers = per_worker.len();
    // Several chunks per worker balance uneven blocks; each chunk is one native call.
    let chunk = (total / (workers * 8)).max(1);
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let failed: Mutex<Option<Raised>> = Mutex::new(None);
    let work = |w: usize| {
        let mut mine = per_worker[w].clone();
        let mut ret = [0u64; 1];
        while !stop.load(Ordering::Relaxed) {
            let first = next.fetch_add(chunk, Ordering::Relaxed);
            if first >= total {
                break;
            }
            mine[0] = first as u64;
            mine[1] = (first + chunk).min(total) as u64;
            let mut exc = ExcInfo::default();
            let status = unsafe { entry(mine.as_ptr(), ret.as_mut_ptr(), &mut exc) };
            // Nothing a kernel allocates (shared arrays) outlives its blocks.
            crate::cpu::memory::release_arena();
            if status != 0 {
                stop.store(true, Ordering::Relaxed);
                if let Ok(mut f) = failed.lock() {
                    f.get_or_insert(Raised { class: exc.class as usize, message: exc.message as usize });
                }
                break;
            }
        }
    };
    worker_pool::run(workers, &work);
    failed.into_inner().unwrap_or(None)
}

/// Per-worker copies of the privatized arrays, each starting at its merge operation's
/// identity, C-contiguous.
struct Copies {
    arrays: Vec<(PrivateArg, Vec<i64>, Vec<Vec<u64>>)>,
}

/// Private copies cost memory and a merge per worker: take them only while that stays
/// small next to the launch's own work.
const PRIVATE_BYTES_LIMIT: usize = 64 << 20;

impl Copies {
    fn new(pv: &PrivateVariant, slots: &[u64], workers: usize, threads: i64) -> Option<Copies> {
        let extent = |a: &ArraySlots, itemsize: usize| -> Option<(u64, u64)> {
            let (lo, hi) = byte_extent(slots, a)?;
            Some((lo, hi + itemsize as u64))
        };
        let mut arrays = vec![];
        let mut bytes = 0usize;
        for arg in &pv.arrays {
            let shape: Vec<i64> = (0..arg.at.ndim).map(|k| slots[arg.at.slot + 3 + k] as i64).collect();
            let elements: i64 = shape.iter().product();
            if elements <= 0 {
                return None;
            }
            let size = elements as usize * arg.dtype.itemsize();
            bytes += size * workers;
            let cheap = elements <= 4096 || (elements as i128) * (workers as i128) <= threads as i128;
            if !cheap || bytes > PRIVATE_BYTES_LIMIT {
                return None;
            }
            // An array that overlaps another argument could be read through it.
            let mine = extent(&arg.at, arg.dtype.itemsize())?;
            for other in &pv.all_arrays {
                if other.slot == arg.at.slot {
                    continue;
                }
                match byte_extent(slots, other) {
                    Some((lo, hi)) if lo <= mine.1 && mine.0 <= hi + 16 => return None,
                    _ => {}
                }
            }
            let fill = identity_bits(arg.dtype, arg.merge);
            let words = size.div_ceil(8);
            let copies = (0..workers).map(|_| fill_copy(words, arg.dtype.itemsize(), fill)).collect();
            arrays.push((arg.clone(), shape, copies));
        }
        Some(Copies { arrays })
    }

    fn slots_of(&self, worker: usize, slots: &[u64]) -> Vec<u64> {
        let mut mine = slots.to_vec();
        for (arg, shape, copies) in &self.arrays {
            let base = arg.at.slot;
            mine[base + 2] = copies[worker].as_ptr() as u64;
            let mut stride = arg.dtype.itemsize() as i64;
            for k in (0..arg.at.ndim).rev() {
                mine[base + 3 + arg.at.ndim + k] = stride as u64;
                stride *= shape[k];
            }
        }
        mine
    }

    /// Fold every copy into the real array with atomic operations, so that a launch from
    /// another Python thread updating the same array at the same time loses nothing.
    fn merge_into(&self, slots: &[u64]) {
        for (arg, shape, copies) in &self.arrays {
            let base = arg.at.slot;
            let data = slots[base + 2] as *mut u8;
            let strides: Vec<i64> = (0..arg.at.ndim).map(|k| slots[base + 3 + arg.at.ndim + k] as i64).collect();
            let itemsize = arg.dtype.itemsize();
            let identity = identity_bits(arg.dtype, arg.merge);
            let elements: i64 = shape.iter().product();
            let mut index = vec![0i64; shape.len()];
            for linear in 0..elements as usize {
                let offset: i64 = index.iter().zip(&strides).map(|(i, s)| i * s).sum();
                let dst = unsafe { data.offset(offset as isize) };
                for copy in copies {
                    let src = unsafe { (copy.as_ptr() as *const u8).add(linear * itemsize) };
                    unsafe { merge_element(dst, src, arg.dtype, arg.merge, identity) };
                }
                for k in (0..shape.len()).rev() {
                    index[k] += 1;
                    if index[k] < shape[k] {
                        break;
                    }
                    index[k] = 0;
                }
            }
        }
    }
}

/// The lowest and highest byte address of an array's elements (its first byte).
fn byte_extent(slots: &[u64], a: &ArraySlots) -> Option<(u64, u64)> {
    let data = slots[a.slot + 2] as i64;
    let (mut lo, mut hi) = (data, data);
    for k in 0..a.ndim {
        let n = slots[a.slot + 3 + k] as i64;
        let s = slots[a.slot + 3 + a.ndim + k] as i64;
        if n <= 0 {
            return None;
        }
        let reach = (n - 1) * s;
        if reach < 0 {
            lo += reach;
        } else {
            hi += reach;
        }
    }
    Some((lo as u64, hi as u64))
}

fn fill_copy(words: usize, itemsize: usize, fill: u64) -> Vec<u64> {
    let pattern = match itemsize {
        4 => (fill & 0xffff_ffff) | (fill << 32),
        _ => fill,
    };
    vec![pattern; words]
}

/// The bits of the value that leaves an element unchanged under `merge`.
fn identity_bits(dtype: Scalar, merge: AtomicOp) -> u64 {
    use AtomicOp as A;
    use Scalar as S;
    match (merge, dtype) {
        (A::Add | A::Or | A::Xor, _) => 0,
        (A::And, S::I32 | S::U32) => u32::MAX as u64,
        (A::And, _) => u64::MAX,
        (A::Max, S::I32) => i32::MIN as u32 as u64,
        (A::Max, S::I64) => i64::MIN as u64,
        (A::Max, S::F32) => f32::NEG_INFINITY.to_bits() as u64,
        (A::Max, S::F64) => f64::NEG_INFINITY.to_bits(),
        (A::Max, _) => 0,
        (A::Min, S::I32) => i32::MAX as u32 as u64,
        (A::Min, S::I64) => i64::MAX as u64,
        (A::Min, S::U32) => u32::MAX as u64,
        (A::Min, S::F32) => f32::INFINITY.to_bits() as u64,
        (A::Min, S::F64) => f64::INFINITY.to_bits(),
        (A::Min, _) => u64::MAX,
        _ => unreachable!("no private copies for {merge:?}"),
    }
}

/// `*dst = merge(*dst, *src)`, atomically; nothing when `*src` is the identity.
unsafe fn merge_element(dst: *mut u8, src: *const u8, dtype: Scalar, merge: AtomicOp, identity: u64) {
    use std::sync::atomic::{AtomicI32, AtomicI64, AtomicU32, AtomicU64};
    use AtomicOp as A;
    const R: Ordering = Ordering::Relaxed;
    macro_rules! int {
        ($t:ty, $atomic:ty) => {{
            let v = *(src as *const $t);
            if v as u64 == identity as $t as u64 {
                return;
            }
            let a = <$atomic>::from_ptr(dst as *mut $t);
            match merge {
                A::Add => a.fetch_add(v, R),
                A::Max => a.fetch_max(v, R),
                A::Min => a.fetch_min(v, R),
                A::And => a.fetch_and(v, R),
                A::Or => a.fetch_or(v, R),
                A::Xor => a.fetch_xor(v, R),
                _ => unreachable!(),
            };
        }};
    }
    macro_rules! float {
        ($f:ty, $bits:ty, $atomic:ty) => {{
            let v = *(src as *const $f);
            if v.to_bits() as u64 == identity {
                return;
            }
            let a = <$atomic>::from_ptr(dst as *mut $bits);
            let _ = a.fetch_update(R, R, |old| {
                let o = <$f>::from_bits(old);
                Some(match merge {
                    A::Add => o + v,
                    // maxnum/minnum, as the atomic instructions compute them.
                    A::Max => o.max(v),
                    _ => o.min(v),
                }
                .to_bits())
            });
        }};
    }
    match dtype {
        Scalar::I32 => int!(i32, AtomicI32),
        Scalar::I64 => int!(i64, AtomicI64),
        Scalar::U32 => int!(u32, AtomicU32),
        Scalar::U64 => int!(u64, AtomicU64),
        Scalar::F32 => float!(f32, u32, AtomicU32),
        Scalar::F64 => float!(f64, u64, AtomicU64),
        _ => unreachable!("atomics are typed on 32/64-bit numbers only"),
    }
}
