//! The process cache of clients, keyed by config and tagged with the PID
//! that built each entry.
//!
//! PHP-FPM forks workers from a master. A reqwest blocking client owns a
//! runtime thread, which does not exist in a forked child; dropping the
//! parent's client there would wait for that thread forever. So a child
//! never drops what its parent built: stale entries are leaked with
//! `mem::forget` and replaced by fresh ones.

use std::collections::HashMap;

use once_cell::sync::Lazy;
use parking_lot::Mutex;

use super::client::OktaClient;
use super::config::ClientConfig;
use super::error::OktaError;
use super::stats;

/// Entries beyond this are dropped (same process only) to bound memory when
/// a long-running worker sees many configurations.
const MAX_ENTRIES: usize = 32;

/// A map whose entries are only valid in the process that created them.
pub struct PidCache<T> {
    pid: u32,
    entries: HashMap<String, T>,
}

impl<T: Clone> PidCache<T> {
    pub fn new(pid: u32) -> Self {
        PidCache {
            pid,
            entries: HashMap::new(),
        }
    }

    /// Returns the cached value for `key`, building it if needed. If `pid`
    /// differs from the PID that filled the cache (we are in a forked
    /// child), every inherited entry is leaked, not dropped.
    pub fn get_or_try_build<E>(
        &mut self,
        key: &str,
        pid: u32,
        build: impl FnOnce() -> Result<T, E>,
    ) -> Result<T, E> {
        if pid != self.pid {
            let inherited = std::mem::take(&mut self.entries);
            std::mem::forget(inherited);
            self.pid = pid;
        }
        if let Some(v) = self.entries.get(key) {
            return Ok(v.clone());
        }
        if self.entries.len() >= MAX_ENTRIES {
            self.entries.clear();
        }
        let v = build()?;
        self.entries.insert(key.to_owned(), v.clone());
        Ok(v)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

static CLIENTS: Lazy<Mutex<PidCache<OktaClient>>> =
    Lazy::new(|| Mutex::new(PidCache::new(std::process::id())));

pub(crate) fn client_for(cfg: &ClientConfig) -> Result<OktaClient, OktaError> {
    let mut cache = CLIENTS.lock();
    let client = cache.get_or_try_build(&cfg.cache_key(), std::process::id(), || {
        OktaClient::build(cfg)
    })?;
    stats::set_clients(cache.len() as u64);
    Ok(client)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    static DROPS: AtomicUsize = AtomicUsize::new(0);

    struct Tracked;
    impl Drop for Tracked {
        fn drop(&mut self) {
            DROPS.fetch_add(1, Ordering::SeqCst);
        }
    }

    #[test]
    fn reuses_in_same_process_and_never_drops_parent_entries_in_child() {
        let mut cache: PidCache<Arc<Tracked>> = PidCache::new(100);
        let mut builds = 0;
        let a = cache
            .get_or_try_build::<()>("k", 100, || {
                builds += 1;
                Ok(Arc::new(Tracked))
            })
            .expect("build");
        let b = cache
            .get_or_try_build::<()>("k", 100, || {
                builds += 1;
                Ok(Arc::new(Tracked))
            })
            .expect("cached");
        assert_eq!(builds, 1);
        assert!(Arc::ptr_eq(&a, &b));
        drop((a, b));
        assert_eq!(DROPS.load(Ordering::SeqCst), 0, "cache still holds it");

        // "Forked child": different pid → a fresh value, and the parent's
        // value is never dropped.
        let c = cache
            .get_or_try_build::<()>("k", 200, || {
                builds += 1;
                Ok(Arc::new(Tracked))
            })
            .expect("rebuild");
        assert_eq!(builds, 2);
        assert_eq!(
            DROPS.load(Ordering::SeqCst),
            0,
            "parent value leaked, not dropped"
        );
        assert_eq!(cache.len(), 1);
        drop(c);

        let err = cache.get_or_try_build("other", 200, || Err::<Arc<Tracked>, _>("nope"));
        assert_eq!(err.err(), Some("nope"));
        assert_eq!(cache.len(), 1, "failed builds are not cached");
    }
}
