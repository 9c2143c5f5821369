//! HTML responses in the site's look, with the security headers every response carries.

use crate::registry_source::RegistryError;
use bytes::Bytes;
use cwu_domain::Registry;
use cwu_domain::html::escape_html;
use cwu_domain::registry::{MAIN_MARKER, TITLE_MARKER};
use http::{HeaderValue, Response, StatusCode, header};

/// Content Security Policy of every response: nothing but this site's own resources.
pub const CSP: &str = "default-src 'self'; img-src 'self' data:; object-src 'none'; \
                       base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The chrome used when the registry (and with it the theme's shell) cannot be read.
fn fallback_shell() -> String {
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{TITLE_MARKER} | Code With Us</title></head><body><main id=\"main\">{MAIN_MARKER}</main></body></html>"
    )
}

/// A full HTML page: `title` is plain text (escaped here), `main_html` already-escaped HTML.
pub fn page(
    status: StatusCode,
    registry: Option<&Registry>,
    title: &str,
    main_html: &str,
) -> Response<Bytes> {
    let title = escape_html(title);
    let html = match registry {
        Some(registry) => registry.page(&title, main_html),
        None => {
            fallback_shell()
                .replacen(TITLE_MARKER, &title, 1)
                .replacen(MAIN_MARKER, main_html, 1)
        }
    };
    let mut response = Response::new(Bytes::from(html));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    secure(response)
}

/// Adds the security and caching headers (responses here are personal: never cached).
pub fn secure(mut response: Response<Bytes>) -> Response<Bytes> {
    let headers = response.headers_mut();
    for (name, value) in [
        (header::CONTENT_SECURITY_POLICY, CSP),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::CACHE_CONTROL, "no-store"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}

/// A short page: a heading and paragraphs of plain text.
pub fn message(
    status: StatusCode,
    registry: Option<&Registry>,
    title: &str,
    paragraphs: &[&str],
    extra_html: &str,
) -> Response<Bytes> {
    let mut main = format!("<h1>{}</h1>", escape_html(title));
    for paragraph in paragraphs {
        main.push_str(&format!("<p>{}</p>", escape_html(paragraph)));
    }
    main.push_str(extra_html);
    page(status, registry, title, &main)
}

/// `303 See Other` to `location` (a path built by this crate, already URL-safe).
pub fn see_other(location: &str) -> Response<Bytes> {
    let mut response = Response::new(Bytes::new());
    *response.status_mut() = StatusCode::SEE_OTHER;
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    secure(response)
}

/// A paragraph linking to the board ([`cwu_domain::urls::BOARD`]), ending most error pages.
pub const BOARD_LINK: &str = r#"<p><a href="/opportunities/">See the open opportunities</a></p>"#;

/// 404 for an unknown address under `/api/`.
pub fn not_found(registry: Option<&Registry>) -> Response<Bytes> {
    message(
        StatusCode::NOT_FOUND,
        registry,
        "Page not found",
        &["There is nothing at this address."],
        BOARD_LINK,
    )
}

/// 405 with the methods this address accepts.
pub fn method_not_allowed(registry: Option<&Registry>, allow: &'static str) -> Response<Bytes> {
    let mut response = message(
        StatusCode::METHOD_NOT_ALLOWED,
        registry,
        "Method not allowed",
        &["Proposals are sent with the form on an opportunity's page."],
        BOARD_LINK,
    );
    response
        .headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static(allow));
    response
}

/// 503 when the registry cannot be read: nothing was saved.
pub fn unavailable_registry(error: &RegistryError) -> Response<Bytes> {
    eprintln!("functions: {error}");
    let mut response = message(
        StatusCode::SERVICE_UNAVAILABLE,
        None,
        "Service unavailable",
        &[
            "The list of opportunities is not available right now, so nothing was saved.",
            "Go back, wait a minute and submit again. Your browser may have kept what you wrote.",
        ],
        "",
    );
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("60"));
    response
}

/// 503 when the store cannot be reached: nothing was changed.
pub fn unavailable(registry: &Registry) -> Response<Bytes> {
    let mut response = message(
        StatusCode::SERVICE_UNAVAILABLE,
        Some(registry),
        "Not saved: service unavailable",
        &[
            "Our storage is unavailable right now, so nothing was changed. Wait a minute and try again.",
        ],
        "",
    );
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("60"));
    response
}

/// A file download (`attachment`) with the usual security headers.
pub fn download(body: Vec<u8>, content_type: &'static str, filename: &str) -> Response<Bytes> {
    let mut response = Response::new(Bytes::from(body));
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    secure(response)
}
