//! Running a CUDA kernel's block function on the host: every block of the grid, spread over
//! one OS thread per core (the threads of one block run in order on one core, inside the
//! compiled block function).

use crate::cpu::jit::EntryFn;
use crate::cpu::runtime::ExcInfo;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

/// The first exception a block raised, as (class, message) pointers into compiled code's
/// constant strings (which live as long as the process).
pub struct Raised {
    pub class: usize,
    pub message: usize,
}

/// Launches with fewer CUDA threads than this run on the calling thread alone.
const SMALL_LAUNCH: i64 = 1 << 16;

/// Run every block of the grid. `slots` holds the block-range function's arguments; its
/// first two slots (first and end block number) are filled in per chunk of blocks.
pub fn run_blocks(entry: EntryFn, slots: &[u64], grid: [i64; 3], threads_per_block: i64) -> Option<Raised> {
    let total = (grid[0] * grid[1] * grid[2]).max(0) as usize;
    // Starting OS threads costs tens of microseconds: small launches run on the caller.
    let small = (total as i64).saturating_mul(threads_per_block) < SMALL_LAUNCH;
    let cores = if small { 1 } else { std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1) };
    let workers = cores.min(total.max(1));
    // Several chunks per worker balance uneven blocks; each chunk is one native call.
    let chunk = (total / (workers * 8)).max(1);
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let failed: Mutex<Option<Raised>> = Mutex::new(None);
    let work = || {
        let mut mine = slots.to_vec();
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
    if workers <= 1 {
        work();
    } else {
        std::thread::scope(|s| {
            for _ in 0..workers {
                s.spawn(work);
            }
        });
    }
    failed.into_inner().unwrap_or(None)
}
