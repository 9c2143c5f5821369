//! Blocking GETs against the local `serve` (ureq), to poll until a rebuilt page is served.

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

/// Status code and body of a response.
pub struct Response {
    /// HTTP status code.
    pub status: u16,
    /// Body bytes.
    pub body: Vec<u8>,
}

/// `GET path` from `addr`, giving up after `timeout`; error statuses are responses, not errors.
pub fn get(addr: SocketAddr, path: &str, timeout: Duration) -> io::Result<Response> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(timeout))
        .build()
        .into();
    let mut response = agent
        .get(&format!("http://{addr}{path}"))
        .call()
        .map_err(io::Error::other)?;
    let body = response
        .body_mut()
        .with_config()
        .limit(256 * 1024 * 1024)
        .read_to_vec()
        .map_err(io::Error::other)?;
    Ok(Response {
        status: response.status().as_u16(),
        body,
    })
}
