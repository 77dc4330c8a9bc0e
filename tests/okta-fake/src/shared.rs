//! State shared by every connection of one running fake.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::atomic::AtomicUsize;

use parking_lot::{Mutex, RwLock};
use serde_json::Value;

use crate::config::{FakeConfig, Knobs, OAuthClient};
use crate::dpop::DpopState;
use crate::hooks::Hooks;
use crate::ratelimit::Limiter;
use crate::store::Store;

/// Most recent requests kept for `GET /__fake/requests`.
pub const REQUEST_LOG_CAP: usize = 20_000;

/// A minted OAuth access token.
#[derive(Clone, Debug)]
pub struct AccessToken {
    pub client_id: String,
    pub scopes: Vec<String>,
    pub expires_at: std::time::Instant,
    /// `cnf.jkt`: the thumbprint of the DPoP key the token is bound to.
    pub jkt: Option<String>,
}

pub struct Shared {
    /// `http(s)://127.0.0.1:PORT`, no trailing slash.
    pub base_url: String,
    pub api_token: String,
    pub oauth_clients: Vec<OAuthClient>,
    pub initial: FakeConfig,
    pub store: Mutex<Store>,
    pub knobs: RwLock<Knobs>,
    pub limiter: Mutex<Limiter>,
    pub in_flight: AtomicUsize,
    pub log: Mutex<VecDeque<Value>>,
    pub tokens: Mutex<HashMap<String, AccessToken>>,
    /// Client-assertion `jti`s already used (Okta rejects replays).
    pub used_jtis: Mutex<HashSet<String>>,
    pub hooks: Hooks,
    pub dpop: DpopState,
}

impl Shared {
    pub fn new(base_url: String, cfg: &FakeConfig) -> Shared {
        Shared {
            base_url,
            api_token: cfg.token.clone(),
            oauth_clients: cfg.oauth_clients.clone(),
            initial: cfg.clone(),
            store: Mutex::new(Store::default()),
            knobs: RwLock::new(cfg.initial_knobs()),
            limiter: Mutex::new(Limiter::default()),
            in_flight: AtomicUsize::new(0),
            log: Mutex::new(VecDeque::new()),
            tokens: Mutex::new(HashMap::new()),
            used_jtis: Mutex::new(HashSet::new()),
            hooks: Hooks::default(),
            dpop: DpopState::default(),
        }
    }

    pub fn knobs(&self) -> Knobs {
        self.knobs.read().clone()
    }

    /// The fake's clock in epoch seconds (`clock_skew_secs` applied).
    pub fn now_secs(&self) -> i64 {
        (crate::clock::epoch_secs() as i64).saturating_add(self.knobs.read().clock_skew_secs)
    }

    pub fn record(&self, entry: Value) {
        let mut log = self.log.lock();
        if log.len() >= REQUEST_LOG_CAP {
            log.pop_front();
        }
        log.push_back(entry);
    }

    /// Back to the start-up state: no data, fresh windows, initial knobs.
    pub fn reset(&self) {
        *self.store.lock() = Store::default();
        *self.knobs.write() = self.initial.initial_knobs();
        self.limiter.lock().clear();
        self.log.lock().clear();
        self.tokens.lock().clear();
        self.used_jtis.lock().clear();
        self.hooks.clear();
        self.dpop.clear();
        crate::users::seed::seed_numbered(self, self.initial.seed_users);
    }
}
