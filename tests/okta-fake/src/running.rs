//! [`RunningFake`]: the server on its own thread and tokio runtime.

use std::net::SocketAddr;
use std::sync::Arc;
use std::thread::JoinHandle;

use serde_json::Value;
use tokio::sync::watch;

use crate::config::FakeConfig;
use crate::shared::Shared;

/// A fake Okta org listening on loopback. Dropping it shuts the server down.
pub struct RunningFake {
    url: String,
    ca_pem: Option<String>,
    shared: Arc<Shared>,
    shutdown: watch::Sender<bool>,
    thread: Option<JoinHandle<()>>,
}

impl RunningFake {
    /// Binds `127.0.0.1:0` and returns once the server is listening.
    pub fn start(cfg: FakeConfig) -> std::io::Result<RunningFake> {
        RunningFake::start_on("127.0.0.1:0".parse().map_err(std::io::Error::other)?, cfg)
    }

    /// Like [`RunningFake::start`] on a given address (`okta-fake --listen`).
    pub fn start_on(addr: SocketAddr, cfg: FakeConfig) -> std::io::Result<RunningFake> {
        for f in &cfg.faults {
            f.validate().map_err(std::io::Error::other)?;
        }
        let std_listener = std::net::TcpListener::bind(addr)?;
        std_listener.set_nonblocking(true)?;
        let local = std_listener.local_addr()?;
        let tls = if cfg.tls {
            Some(crate::tls::generate()?)
        } else {
            None
        };
        let scheme = if tls.is_some() { "https" } else { "http" };
        let url = format!("{scheme}://{local}");
        let shared = Arc::new(Shared::new(url.clone(), &cfg));
        crate::users::seed::seed_numbered(&shared, cfg.seed_users);
        let ca_pem = tls.as_ref().map(|t| t.ca_pem.clone());
        let acceptor = tls.map(|t| t.acceptor);

        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(4)
            .thread_name("okta-fake")
            .enable_all()
            .build()?;
        let (shutdown, shutdown_rx) = watch::channel(false);
        let listener = {
            let _guard = runtime.enter();
            tokio::net::TcpListener::from_std(std_listener)?
        };
        let serve_shared = shared.clone();
        let thread = std::thread::Builder::new()
            .name("okta-fake".into())
            .spawn(move || {
                runtime.block_on(async move {
                    crate::hooks::start_dispatcher(serve_shared.clone());
                    crate::server::serve(listener, serve_shared, acceptor, shutdown_rx).await;
                });
                // Don't wait for held (latency/timeout-fault) requests on shutdown.
                runtime.shutdown_background();
            })?;
        Ok(RunningFake {
            url,
            ca_pem,
            shared,
            shutdown,
            thread: Some(thread),
        })
    }

    /// `http://127.0.0.1:PORT` (`https://` with TLS), no trailing slash.
    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// The CA certificate (PEM) that signed the server certificate, with TLS.
    pub fn ca_pem(&self) -> Option<String> {
        self.ca_pem.clone()
    }

    /// Same as `GET /__fake/state`.
    pub fn state(&self) -> Value {
        crate::control::state(&self.shared)
    }

    /// Same as `POST /__fake/knobs`. Panics on invalid knobs: a test that sets
    /// knobs the fake does not understand must fail loudly.
    pub fn set_knobs(&self, knobs: Value) {
        if let Err(e) = self.try_set_knobs(knobs) {
            panic!("okta-fake: invalid knobs: {e}");
        }
    }

    /// Like [`RunningFake::set_knobs`], returning the error instead.
    pub fn try_set_knobs(&self, knobs: Value) -> Result<(), String> {
        crate::control::set_knobs(&self.shared, &knobs).map(|_| ())
    }

    /// Same as `GET /__fake/requests`.
    pub fn request_log(&self) -> Vec<Value> {
        self.shared.log.lock().iter().cloned().collect()
    }

    /// Same as `POST /__fake/reset`.
    pub fn reset(&self) {
        self.shared.reset();
    }

    /// Same as `GET /__fake/dpop`: token requests, proofless ones, nonce
    /// challenges and refused proofs per server.
    pub fn dpop_counters(&self) -> Value {
        self.shared.dpop.counters_json()
    }

    /// Same as `POST /__fake/dpop/rotate`: a new nonce for `server`
    /// (`"authorization"` or `"resource"`); `expire_old` stops accepting the
    /// previous ones. Returns the new nonce.
    pub fn rotate_dpop_nonce(&self, server: &str, expire_old: bool) -> String {
        let server = if server == "resource" {
            crate::dpop::Server::Resource
        } else {
            crate::dpop::Server::Authorization
        };
        self.shared.dpop.rotate(server, expire_old)
    }

    /// Same as `DELETE /__fake/tokens`: every issued access token expires.
    pub fn expire_tokens(&self) {
        self.shared.tokens.lock().clear();
    }

    /// Same as `POST /__fake/users`: creates users directly (no API call, no
    /// rate limit). Returns the created users as Okta renders them.
    pub fn seed_users(&self, users: Value) -> Result<Vec<Value>, String> {
        crate::users::seed::seed(&self.shared, &users)
    }
}

impl Drop for RunningFake {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
