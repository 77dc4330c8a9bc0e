//! Bounded worker threads over a slice, results in input order.
//!
//! Scoped threads (no pool survives the call, so nothing is left running in
//! a PHP worker), a shared index so fast workers take more items, and a
//! panic in one item becomes that item's result instead of aborting the run.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// Upper bound on worker threads: the highest `concurrency` option.
pub const MAX_WORKERS: usize = super::bulk::MAX_CONCURRENCY;

/// Name of the engine's worker threads. A panic on one is caught per item
/// and reported in that item's outcome, so the PHP binding's panic hook
/// keeps it off stderr (the PHP-FPM log) as it does for the calling thread.
pub const WORKER_THREAD_NAME: &str = "okta_sync-worker";

/// Maps `items` with `f` on up to `workers` threads. `on_panic` turns a
/// panicking item into a result.
pub fn map<T, R, F, P>(items: &[T], workers: usize, f: F, on_panic: P) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(usize, &T) -> R + Sync,
    P: Fn(usize, &T) -> R + Sync,
{
    let workers = workers.clamp(1, MAX_WORKERS).min(items.len().max(1));
    let run = |i: usize, item: &T| {
        catch_unwind(AssertUnwindSafe(|| f(i, item))).unwrap_or_else(|_| on_panic(i, item))
    };
    if workers == 1 {
        return items.iter().enumerate().map(|(i, t)| run(i, t)).collect();
    }
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<(usize, R)>> = Mutex::new(Vec::with_capacity(items.len()));
    let work = || {
        let mut local = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else { break };
            local.push((i, run(i, item)));
        }
        // A poisoned lock only means another worker panicked while
        // pushing; the data is still a plain Vec.
        let mut all = results.lock().unwrap_or_else(|p| p.into_inner());
        all.extend(local);
    };
    std::thread::scope(|s| {
        // The calling thread is one of the workers, so every item is done
        // even if the system refuses to start a thread.
        for _ in 1..workers {
            let spawned = std::thread::Builder::new()
                .name(WORKER_THREAD_NAME.into())
                .spawn_scoped(s, work);
            if spawned.is_err() {
                break;
            }
        }
        work();
    });
    let mut all = results.into_inner().unwrap_or_else(|p| p.into_inner());
    all.sort_by_key(|(i, _)| *i);
    all.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_input_order_and_survives_panics() {
        let items: Vec<u32> = (0..100).collect();
        let out = map(
            &items,
            8,
            |_, x| {
                if *x == 42 {
                    panic!("boom");
                }
                x * 2
            },
            |_, _| u32::MAX,
        );
        assert_eq!(out.len(), 100);
        assert_eq!(out[41], 82);
        assert_eq!(out[42], u32::MAX);
        assert_eq!(out[99], 198);
    }

    #[test]
    fn helpers_are_named_and_the_caller_works_too() {
        let items: Vec<u32> = (0..64).collect();
        let caller = std::thread::current().id();
        let names = map(
            &items,
            4,
            |_, _| {
                std::thread::sleep(std::time::Duration::from_millis(2));
                let t = std::thread::current();
                (t.id() == caller, t.name().map(str::to_owned))
            },
            |_, _| (false, None),
        );
        assert!(names
            .iter()
            .any(|(_, n)| n.as_deref() == Some(WORKER_THREAD_NAME)));
        assert!(names
            .iter()
            .all(|(on_caller, n)| *on_caller || n.as_deref() == Some(WORKER_THREAD_NAME)));
    }

    #[test]
    fn empty_input() {
        let out: Vec<u8> = map(&[] as &[u8], 4, |_, x| *x, |_, _| 0);
        assert!(out.is_empty());
    }
}
