//! Turning a form POST into a [`ProposalForm`], refusing anything a browser would not send.

use bytes::Bytes;
use cwu_domain::proposal::{ProposalForm, limits};
use http::{Request, header};
use serde::de::DeserializeOwned;
use std::collections::HashSet;

/// Why a request body is not a proposal form.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// Body (or its announced length) over the form's limit ([`limits::BODY_BYTES`] for a
    /// proposal): 413.
    #[error("the request body is larger than the form allows")]
    TooLarge,
    /// Not `application/x-www-form-urlencoded` in UTF-8: 415.
    #[error("the request is not an HTML form post (application/x-www-form-urlencoded)")]
    UnsupportedType,
    /// Broken percent-encoding, invalid UTF-8, a repeated field: 400.
    #[error("the form data is malformed: {0}")]
    Malformed(String),
}

/// Decodes the form, checking length, content type, encoding and duplicates first.
pub fn decode(request: &Request<Bytes>) -> Result<ProposalForm, DecodeError> {
    decode_as(request)
}

/// [`decode`] into any form struct (the owner's forms, a manage action).
pub fn decode_as<T: DeserializeOwned>(request: &Request<Bytes>) -> Result<T, DecodeError> {
    decode_limited(request, limits::BODY_BYTES)
}

/// [`decode_as`] for a form of at most `max_bytes`; [`DecodeError::TooLarge`] is then about
/// that limit.
pub fn decode_limited<T: DeserializeOwned>(
    request: &Request<Bytes>,
    max_bytes: usize,
) -> Result<T, DecodeError> {
    let announced = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    let body = request.body();
    if body.len() > max_bytes || announced.is_some_and(|n| n > max_bytes as u64) {
        return Err(DecodeError::TooLarge);
    }
    if !is_form_content_type(request.headers().get(header::CONTENT_TYPE)) {
        return Err(DecodeError::UnsupportedType);
    }
    decode_body(body)
}

/// Whether the `Content-Type` is a UTF-8 (or charset-less) urlencoded form.
fn is_form_content_type(value: Option<&http::HeaderValue>) -> bool {
    let Some(value) = value.and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let mut parts = value.split(';');
    let essence = parts.next().unwrap_or("").trim();
    if !essence.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
        return false;
    }
    parts.all(|param| match param.split_once('=') {
        Some((name, charset)) if name.trim().eq_ignore_ascii_case("charset") => {
            let charset = charset.trim().trim_matches('"');
            charset.eq_ignore_ascii_case("utf-8") || charset.eq_ignore_ascii_case("utf8")
        }
        _ => true,
    })
}

/// Decodes a urlencoded body strictly: `form_urlencoded` and `serde_html_form` replace bad
/// bytes silently, so the checks that must fail loudly come first.
pub fn decode_body<T: DeserializeOwned>(body: &[u8]) -> Result<T, DecodeError> {
    let malformed = |what: &str| Err(DecodeError::Malformed(what.to_owned()));
    if std::str::from_utf8(body).is_err() {
        return malformed("the body is not valid UTF-8");
    }
    if has_broken_escape(body) {
        return malformed("a percent sign is not followed by two hexadecimal digits");
    }
    // Separators are ASCII, so the whole body decodes to UTF-8 exactly when each name and
    // value does.
    if percent_encoding::percent_decode(body)
        .decode_utf8()
        .is_err()
    {
        return malformed("an encoded value is not valid UTF-8");
    }
    let mut seen = HashSet::new();
    for (name, _) in form_urlencoded::parse(body) {
        if !seen.insert(name.clone()) {
            return Err(DecodeError::Malformed(format!(
                "the field `{name}` appears more than once"
            )));
        }
    }
    serde_html_form::from_bytes(body).map_err(|e| DecodeError::Malformed(e.to_string()))
}

/// A `%` without two hex digits after it (e.g. a body cut in the middle of an escape).
fn has_broken_escape(body: &[u8]) -> bool {
    body.iter().enumerate().any(|(i, &b)| {
        b == b'%'
            && !(body.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && body.get(i + 2).is_some_and(u8::is_ascii_hexdigit))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post(content_type: Option<&str>, body: &[u8]) -> Request<Bytes> {
        let mut builder = Request::post("/api/proposals");
        if let Some(ct) = content_type {
            builder = builder.header(header::CONTENT_TYPE, ct);
        }
        builder.body(Bytes::copy_from_slice(body)).unwrap()
    }

    const FORM: Option<&str> = Some("application/x-www-form-urlencoded");

    #[test]
    fn decodes_fields_plus_and_percent() {
        let form = decode(&post(
            Some("Application/X-WWW-Form-Urlencoded; charset=UTF-8"),
            b"legal_name=Ana+L%C3%A9e&proposal=a%0D%0Ab&unknown=x",
        ))
        .unwrap();
        assert_eq!(form.legal_name, "Ana Lée");
        assert_eq!(form.proposal, "a\r\nb");
        assert_eq!(form.email, "");
    }

    #[test]
    fn refuses_what_a_browser_would_not_send() {
        use DecodeError::*;
        let cases: [(Option<&str>, &[u8], DecodeError); 8] = [
            (None, b"a=b", UnsupportedType),
            (
                Some("multipart/form-data; boundary=x"),
                b"a=b",
                UnsupportedType,
            ),
            (
                Some("application/x-www-form-urlencoded; charset=latin1"),
                b"a=b",
                UnsupportedType,
            ),
            (FORM, b"legal_name=%C3", Malformed(String::new())),
            (FORM, b"legal_name=\xff", Malformed(String::new())),
            (FORM, b"legal_name=50%", Malformed(String::new())),
            (
                FORM,
                b"email=a%40b.ca&email=c%40d.ca",
                Malformed(String::new()),
            ),
            (FORM, b"legal_name=%zz", Malformed(String::new())),
        ];
        for (ct, body, expected) in cases {
            let got = decode(&post(ct, body)).unwrap_err();
            assert_eq!(
                std::mem::discriminant(&got),
                std::mem::discriminant(&expected),
                "{ct:?} {body:?}: {got}"
            );
        }
    }

    #[test]
    fn size_limit_uses_body_and_announced_length() {
        let big = vec![b'a'; limits::BODY_BYTES + 1];
        assert_eq!(decode(&post(FORM, &big)), Err(DecodeError::TooLarge));
        let exact = vec![b'a'; limits::BODY_BYTES];
        assert!(decode(&post(FORM, &exact)).is_ok());
        let mut lying = post(FORM, b"a=b");
        lying
            .headers_mut()
            .insert(header::CONTENT_LENGTH, "999999".parse().unwrap());
        assert_eq!(decode(&lying), Err(DecodeError::TooLarge));
    }
}
