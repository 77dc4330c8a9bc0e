//! Accept loop: plain TCP or TLS, HTTP/1.1 keep-alive, and per-connection
//! reset support for the `reset` fault.

use std::convert::Infallible;
use std::sync::Arc;

use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio::sync::{watch, Notify};
use tokio_rustls::TlsAcceptor;

use crate::pipeline::{self, Outcome};
use crate::shared::Shared;

pub async fn serve(
    listener: TcpListener,
    shared: Arc<Shared>,
    tls: Option<TlsAcceptor>,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        tokio::select! {
            _ = shutdown.changed() => break,
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let _ = stream.set_nodelay(true);
                let shared = shared.clone();
                let tls = tls.clone();
                let shutdown = shutdown.clone();
                tokio::spawn(async move {
                    match tls {
                        Some(acceptor) => {
                            if let Ok(s) = acceptor.accept(stream).await {
                                connection(s, shared, shutdown).await;
                            }
                        }
                        None => connection(stream, shared, shutdown).await,
                    }
                });
            }
        }
    }
}

async fn connection<S>(stream: S, shared: Arc<Shared>, mut shutdown: watch::Receiver<bool>)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    // A `reset` fault must close the socket without any response; dropping the
    // connection future (below) does exactly that.
    let reset = Arc::new(Notify::new());
    let reset_signal = reset.clone();
    let service = service_fn(move |req| {
        let shared = shared.clone();
        let reset = reset_signal.clone();
        async move {
            match pipeline::handle(shared, req).await {
                Outcome::Response(r) => Ok::<_, Infallible>(r),
                Outcome::Reset => {
                    reset.notify_one();
                    std::future::pending().await
                }
            }
        }
    });
    let conn = hyper::server::conn::http1::Builder::new()
        .keep_alive(true)
        .serve_connection(TokioIo::new(stream), service);
    tokio::select! {
        _ = conn => {}
        _ = reset.notified() => {}
        _ = shutdown.changed() => {}
    }
}
