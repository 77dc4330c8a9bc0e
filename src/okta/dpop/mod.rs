//! OAuth 2.0 Demonstrating Proof of Possession (RFC 9449) for the client:
//! `key` (the proof key pair), `proof` (one proof JWT), `challenge`
//! (`WWW-Authenticate` and `DPoP-Nonce`), `session` (per process and
//! client: the key and each server's latest nonce).

pub(crate) mod challenge;
mod key;
pub(crate) mod proof;
pub(crate) mod session;

pub(crate) use session::{Server, Session};
