//! Accepting connections for `serve` with limits, so idle or slow clients cannot take it down.
//!
//! `axum::serve` has no connection cap and no header timeout: about a thousand idle connections
//! use up a common 1,024 file-descriptor limit. Here each connection holds one of
//! [`MAX_CONNECTIONS`] permits (the next client waits in the kernel's backlog, using no
//! descriptor of ours), and a client that has not sent a request's headers within
//! [`HEADER_TIMEOUT`] (including an idle keep-alive connection) is disconnected. Bodies have
//! their own timeout where they are read (see `api_request`).

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower_service::Service;

/// Connections served at once; live-reload pages hold one each.
pub const MAX_CONNECTIONS: usize = 256;
/// How long a client may take to send a request's headers, or stay idle between requests.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a client may take to send a request body.
pub const BODY_TIMEOUT: Duration = Duration::from_secs(30);

/// Serves `app` on `listener` until `shutdown` completes.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    shutdown: impl std::future::Future<Output = ()>,
) -> std::io::Result<()> {
    let permits = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let accept = async {
        loop {
            let permit = Arc::clone(&permits)
                .acquire_owned()
                .await
                .expect("the semaphore is never closed");
            let (stream, peer) = match listener.accept().await {
                Ok(accepted) => accepted,
                // Out of descriptors or a connection reset before accept: try again shortly.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            };
            let app = app.clone();
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |request: hyper::Request<_>| {
                    let mut request = request.map(Body::new);
                    request.extensions_mut().insert(ConnectInfo(peer));
                    app.clone().call(request)
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .timer(TokioTimer::new())
                    .header_read_timeout(HEADER_TIMEOUT)
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
                drop(permit);
            });
        }
    };
    tokio::select! {
        _ = accept => Ok(()),
        () = shutdown => Ok(()),
    }
}
