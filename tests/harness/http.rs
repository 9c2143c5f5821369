//! A blocking HTTP client for the tests (ureq): fetches the function's response pages byte for
//! byte (the browser only exposes the re-serialized DOM) and waits for servers to answer.
//! Redirects are not followed and error statuses are not errors: the tests assert on them.

use std::sync::OnceLock;
use std::time::Duration;

/// A response: status, headers (lower-case names) and body.
#[derive(Debug)]
pub struct Response {
    /// HTTP status code.
    pub status: u16,
    /// Header names lower-cased, in order.
    pub headers: Vec<(String, String)>,
    /// The body as text (the site only serves UTF-8).
    pub body: String,
}

impl Response {
    /// The first header called `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// `GET path` from `127.0.0.1:port`.
pub fn get(port: u16, path: &str) -> std::io::Result<Response> {
    read(agent().get(&url(port, path)).call())
}

/// `GET path` from `127.0.0.1:port` with a `Cookie` header.
pub fn get_with_cookie(port: u16, path: &str, cookie: &str) -> std::io::Result<Response> {
    read(
        agent()
            .get(&url(port, path))
            .header("Cookie", cookie)
            .call(),
    )
}

/// `POST path` with an `application/x-www-form-urlencoded` body made of `fields`.
pub fn post_form(port: u16, path: &str, fields: &[(&str, &str)]) -> std::io::Result<Response> {
    read(
        agent()
            .post(&url(port, path))
            .send_form(fields.iter().copied()),
    )
}

/// [`post_form`] with a `Cookie` header (a signed-in owner's form).
pub fn post_form_with_cookie(
    port: u16,
    path: &str,
    fields: &[(&str, &str)],
    cookie: &str,
) -> std::io::Result<Response> {
    read(
        agent()
            .post(&url(port, path))
            .header("Cookie", cookie)
            .send_form(fields.iter().copied()),
    )
}

fn url(port: u16, path: &str) -> String {
    format!("http://127.0.0.1:{port}{path}")
}

fn agent() -> &'static ureq::Agent {
    static AGENT: OnceLock<ureq::Agent> = OnceLock::new();
    AGENT.get_or_init(|| {
        ureq::Agent::config_builder()
            .max_redirects(0)
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(30)))
            .build()
            .into()
    })
}

fn read(
    result: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
) -> std::io::Result<Response> {
    let mut response = result.map_err(std::io::Error::other)?;
    let headers = response
        .headers()
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_owned(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect();
    let body = response
        .body_mut()
        .with_config()
        .limit(64 * 1024 * 1024)
        .read_to_string()
        .map_err(std::io::Error::other)?;
    Ok(Response {
        status: response.status().as_u16(),
        headers,
        body,
    })
}
