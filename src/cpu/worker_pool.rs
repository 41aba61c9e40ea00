//! One persistent OS thread per core (less the caller's), parked between kernel launches:
//! starting threads per launch costs tens of microseconds, waking parked ones a few.

use std::sync::{Arc, Condvar, Mutex, OnceLock};

type Work = dyn Fn(usize) + Sync;

struct Job {
    /// Borrowed from the `run` call that posted it, which waits until every job is done.
    work: *const Work,
    index: usize,
}

// The pointer is only dereferenced while `run` keeps the closure alive.
unsafe impl Send for Job {}

struct Worker {
    slot: Mutex<Option<Job>>,
    wake: Condvar,
}

struct Shared {
    workers: Vec<Worker>,
    pending: Mutex<usize>,
    all_done: Condvar,
}

struct Pool {
    shared: Arc<Shared>,
    /// One launch uses the pool at a time; a concurrent one starts its own threads.
    busy: Mutex<()>,
}

static POOL: OnceLock<Pool> = OnceLock::new();

/// How many workers a launch may use: the cores this process may run on.
pub fn size() -> usize {
    static CORES: OnceLock<usize> = OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1))
}

fn pool() -> &'static Pool {
    POOL.get_or_init(|| {
        let shared = Arc::new(Shared {
            workers: (1..size()).map(|_| Worker { slot: Mutex::new(None), wake: Condvar::new() }).collect(),
            pending: Mutex::new(0),
            all_done: Condvar::new(),
        });
        for i in 0..shared.workers.len() {
            let shared = shared.clone();
            std::thread::Builder::new()
                .name(format!("ferrumba-worker-{}", i + 1))
                .spawn(move || worker_loop(&shared, i))
                .expect("cannot start a ferrumba worker thread");
        }
        Pool { shared, busy: Mutex::new(()) }
    })
}

fn worker_loop(shared: &Shared, i: usize) {
    let me = &shared.workers[i];
    loop {
        let job = {
            let mut slot = me.slot.lock().unwrap_or_else(|e| e.into_inner());
            loop {
                if let Some(job) = slot.take() {
                    break job;
                }
                slot = me.wake.wait(slot).unwrap_or_else(|e| e.into_inner());
            }
        };
        // Compiled code reports errors as values; a panic here would be a bug in the
        // runtime, and must not leave the launcher waiting forever.
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| unsafe { (*job.work)(job.index) }));
        let mut pending = shared.pending.lock().unwrap_or_else(|e| e.into_inner());
        *pending -= 1;
        if *pending == 0 {
            shared.all_done.notify_all();
        }
    }
}

/// Run `work(0)`, ..., `work(workers - 1)` in parallel (`work(0)` on the calling thread) and
/// return when all have finished.
pub fn run(workers: usize, work: &(dyn Fn(usize) + Sync)) {
    if workers <= 1 {
        work(0);
        return;
    }
    let pool = pool();
    let guard = match pool.busy.try_lock() {
        Ok(g) if workers <= pool.shared.workers.len() + 1 => g,
        _ => {
            std::thread::scope(|s| {
                for i in 1..workers {
                    s.spawn(move || work(i));
                }
                work(0);
            });
            return;
        }
    };
    let shared = &pool.shared;
    *shared.pending.lock().unwrap_or_else(|e| e.into_inner()) = workers - 1;
    // Erase the borrow's lifetime: this function does not return before every job ran.
    let erased: *const Work = unsafe { std::mem::transmute::<&(dyn Fn(usize) + Sync), &'static Work>(work) };
    for i in 1..workers {
        let w = &shared.workers[i - 1];
        *w.slot.lock().unwrap_or_else(|e| e.into_inner()) = Some(Job { work: erased, index: i });
        w.wake.notify_one();
    }
    let mine = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(0)));
    let mut pending = shared.pending.lock().unwrap_or_else(|e| e.into_inner());
    while *pending > 0 {
        pending = shared.all_done.wait(pending).unwrap_or_else(|e| e.into_inner());
    }
    drop(pending);
    drop(guard);
    if let Err(panic) = mine {
        std::panic::resume_unwind(panic);
    }
}
