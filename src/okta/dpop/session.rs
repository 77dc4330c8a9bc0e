//! The DPoP state of one (org, client id) in this process: the proof key
//! and the latest nonce of each server.
//!
//! Made on first use, never at module startup, and tagged with the PID that
//! made it: a forked child (PHP-FPM workers) gets its own key and forgets
//! its parent's nonces rather than sharing state across processes. The
//! parent's entries are leaked in the child, as the client cache does.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use once_cell::sync::Lazy;
use parking_lot::Mutex;
use sha2::{Digest, Sha256};

use super::super::cache::PidCache;
use super::super::error::OktaError;
use super::key::ProofKey;
use super::proof::{self, Request};

/// The two servers of RFC 9449 that may each issue nonces: Okta's
/// authorization server (the token endpoint) and the resource server (the
/// Management API). They share a host but not their nonces (§8, §9).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Server {
    Authorization,
    Resource,
}

pub(crate) struct Session {
    key: ProofKey,
    authorization_nonce: Mutex<Option<String>>,
    resource_nonce: Mutex<Option<String>>,
    /// `auto` mode only: the authorization server said DPoP is not enabled
    /// for this client, so later token requests go without a proof instead
    /// of being refused first every time.
    dpop_refused: AtomicBool,
}

impl Session {
    fn new() -> Result<Session, OktaError> {
        Ok(Session {
            key: ProofKey::generate()?,
            authorization_nonce: Mutex::new(None),
            resource_nonce: Mutex::new(None),
            dpop_refused: AtomicBool::new(false),
        })
    }

    /// A fresh proof for one request to `server`, carrying that server's
    /// latest nonce when it sent one.
    pub(crate) fn proof(
        &self,
        server: Server,
        method: &str,
        url: &str,
        access_token: Option<&str>,
    ) -> Result<String, OktaError> {
        let nonce = self.slot(server).lock().clone();
        proof::create(
            &self.key,
            &Request {
                method,
                url,
                access_token,
                nonce: nonce.as_deref(),
            },
        )
    }

    /// Keeps the newest nonce a server sent (on an error or a success).
    /// Returns whether it differs from the one already held.
    pub(crate) fn remember_nonce(&self, server: Server, nonce: String) -> bool {
        let mut slot = self.slot(server).lock();
        if slot.as_deref() == Some(nonce.as_str()) {
            return false;
        }
        *slot = Some(nonce);
        true
    }

    pub(crate) fn thumbprint(&self) -> &str {
        self.key.thumbprint()
    }

    pub(crate) fn dpop_refused(&self) -> bool {
        self.dpop_refused.load(Ordering::Relaxed)
    }

    pub(crate) fn set_dpop_refused(&self) {
        self.dpop_refused.store(true, Ordering::Relaxed);
    }

    fn slot(&self, server: Server) -> &Mutex<Option<String>> {
        match server {
            Server::Authorization => &self.authorization_nonce,
            Server::Resource => &self.resource_nonce,
        }
    }
}

static SESSIONS: Lazy<Mutex<PidCache<Arc<Session>>>> =
    Lazy::new(|| Mutex::new(PidCache::new(std::process::id())));

/// This process's session for `client_id` at `org` (a base URL).
pub(crate) fn for_client(org: &str, client_id: &str) -> Result<Arc<Session>, OktaError> {
    let mut h = Sha256::new();
    h.update((org.len() as u64).to_le_bytes());
    h.update(org.as_bytes());
    h.update(client_id.as_bytes());
    let key = hex::encode(h.finalize());
    SESSIONS
        .lock()
        .get_or_try_build(&key, std::process::id(), || Session::new().map(Arc::new))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_session_per_org_and_client() {
        let a = for_client("https://a.okta.com", "0oa1").expect("a");
        let again = for_client("https://a.okta.com", "0oa1").expect("again");
        assert!(Arc::ptr_eq(&a, &again), "same key pair for the same client");
        let other = for_client("https://a.okta.com", "0oa2").expect("other");
        assert_ne!(a.thumbprint(), other.thumbprint());
        let org = for_client("https://b.okta.com", "0oa1").expect("org");
        assert_ne!(a.thumbprint(), org.thumbprint());
    }

    #[test]
    fn nonces_are_kept_per_server() {
        let s = Session::new().expect("session");
        assert!(s.remember_nonce(Server::Authorization, "as-1".into()));
        assert!(!s.remember_nonce(Server::Authorization, "as-1".into()));
        assert_eq!(s.authorization_nonce.lock().as_deref(), Some("as-1"));
        assert_eq!(s.resource_nonce.lock().as_deref(), None);
        assert!(s.remember_nonce(Server::Resource, "rs-1".into()));
        assert_eq!(s.authorization_nonce.lock().as_deref(), Some("as-1"));
    }
}
