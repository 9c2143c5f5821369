//! Between `lambda_http`'s request and response types and the plain `http` ones the
//! handlers take, plus building the AWS-backed [`App`] once per Lambda instance.

use super::{DynamoStore, S3Outcomes, SesMailer, Settings};
use crate::app::App;
use crate::config::{AfterSubmit, Config};
use crate::registry_source::RegistryFile;
use crate::submit::ClientIp;
use aws_config::SdkConfig;
use bytes::Bytes;
use lambda_http::request::RequestContext;
use lambda_http::{Body, RequestExt};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

/// A function's cold start, shared by every binary that reads [`Settings`]: logging, the SDK
/// configuration, then the settings with their secrets. Built once per instance and shared by
/// every invocation; the error names the function and, in plain words (Display, not Debug),
/// the variable or secret that is missing.
pub async fn start(function: &str) -> Result<(SdkConfig, Settings), lambda_runtime::Error> {
    lambda_runtime::tracing::init_default_subscriber();
    let sdk = super::sdk::from_env().await;
    let settings = Settings::load(&sdk)
        .await
        .map_err(|e| lambda_runtime::Error::from(format!("{function}: {e}")))?;
    Ok((sdk, settings))
}

/// The AWS-backed app: DynamoDB store, SES mailer, registry file, settings from the environment,
/// and the outcomes object in S3 when `OUTCOMES_BUCKET` is set.
pub fn app(sdk: &SdkConfig, settings: &Settings) -> App {
    let store = Arc::new(DynamoStore::new(
        aws_sdk_dynamodb::Client::new(sdk),
        &settings.table,
    ));
    let mailer = SesMailer::new(
        aws_sdk_sesv2::Client::new(sdk),
        settings.configuration_set.clone(),
    );
    let app = App::new(
        store.clone(),
        Arc::new(mailer),
        Arc::new(RegistryFile::new(&settings.registry_path)),
        Config {
            mail_from: settings.mail_from.clone(),
            signing_key: settings.signing_key.clone(),
            ip_hash_key: settings.ip_hash_key.clone(),
            // Try at once; the stream-triggered `send-mail` picks up whatever is left.
            after_submit: AfterSubmit::SendNew,
            site_url: None,
        },
    )
    .with_notifications(store);
    match &settings.outcomes_bucket {
        Some(bucket) => app.with_outcomes(Arc::new(S3Outcomes::new(
            aws_sdk_s3::Client::new(sdk),
            bucket,
        ))),
        None => app,
    }
}

/// The header CloudFront adds to every request it forwards to the API (`OriginCustomHeaders`
/// in infra/template.yaml), holding a secret only CloudFront and this function know.
pub const ORIGIN_HEADER: &str = "x-origin-verify";

/// Whether `request` carries the origin secret, i.e. came through CloudFront. Compared as
/// SHA-256 digests, so the time taken says nothing about how much of a guess was right.
pub fn through_cloudfront(request: &lambda_http::Request, secret: &str) -> bool {
    use sha2::{Digest, Sha256};
    request
        .headers()
        .get(ORIGIN_HEADER)
        .is_some_and(|given| Sha256::digest(given.as_bytes()) == Sha256::digest(secret.as_bytes()))
}

/// The client's address: CloudFront's `CloudFront-Viewer-Address` when the request came
/// through CloudFront (`trusted`; anyone else could set that header to any address), else
/// the request context's source IP (API Gateway's HTTP API).
pub fn client_ip(request: &lambda_http::Request, trusted: bool) -> Option<IpAddr> {
    let viewer = trusted
        .then(|| request.headers().get("cloudfront-viewer-address"))
        .flatten()
        .and_then(|v| v.to_str().ok())
        .and_then(parse_viewer_address);
    viewer.or_else(|| match request.request_context_ref()? {
        RequestContext::ApiGatewayV2(context) => context.http.source_ip.as_deref()?.parse().ok(),
        _ => None,
    })
}

/// `CloudFront-Viewer-Address` is `ip:port`, with IPv6 unbracketed (`2001:db8::1:443`).
fn parse_viewer_address(value: &str) -> Option<IpAddr> {
    if let Ok(socket) = value.parse::<SocketAddr>() {
        return Some(socket.ip());
    }
    let (ip, _port) = value.rsplit_once(':')?;
    ip.trim_matches(['[', ']']).parse().ok()
}

/// The handlers' request: same parts, body as bytes, client IP in the extensions; `Err` with
/// a 403 response when `origin_secret` is set and the request did not come through CloudFront
/// (a direct call to the API's own `execute-api` address).
pub fn to_app_request(
    request: lambda_http::Request,
    origin_secret: Option<&str>,
) -> Result<http::Request<Bytes>, Box<http::Response<Bytes>>> {
    let trusted = origin_secret.is_some_and(|secret| through_cloudfront(&request, secret));
    if origin_secret.is_some() && !trusted {
        let mut refused = http::Response::new(Bytes::from_static(
            b"Use the form on the site's own address.\n",
        ));
        *refused.status_mut() = http::StatusCode::FORBIDDEN;
        return Err(Box::new(refused));
    }
    let ip = client_ip(&request, trusted);
    let (parts, body) = request.into_parts();
    let body = match body {
        Body::Empty => Bytes::new(),
        Body::Text(text) => Bytes::from(text),
        Body::Binary(bytes) => Bytes::from(bytes),
        _ => Bytes::new(),
    };
    let mut request = http::Request::from_parts(parts, body);
    if let Some(ip) = ip {
        request.extensions_mut().insert(ClientIp(ip));
    }
    Ok(request)
}

/// The Lambda response: UTF-8 bodies (all the pages) as text, anything else as binary.
pub fn from_app_response(response: http::Response<Bytes>) -> http::Response<Body> {
    response.map(|bytes| match String::from_utf8(bytes.to_vec()) {
        Ok(text) if text.is_empty() => Body::Empty,
        Ok(text) => Body::Text(text),
        Err(error) => Body::Binary(error.into_bytes()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_cloudfront_viewer_addresses() {
        assert_eq!(
            parse_viewer_address("203.0.113.9:51234"),
            Some("203.0.113.9".parse().unwrap())
        );
        assert_eq!(
            parse_viewer_address("2001:db8::1:443"),
            Some("2001:db8::1".parse().unwrap())
        );
        assert_eq!(
            parse_viewer_address("[2001:db8::1]:443"),
            Some("2001:db8::1".parse().unwrap())
        );
        assert_eq!(parse_viewer_address("nonsense"), None);
    }

    fn from_viewer(origin: Option<&str>) -> lambda_http::Request {
        let mut request = http::Request::builder()
            .method("POST")
            .uri("/api/proposals")
            .header("cloudfront-viewer-address", "198.51.100.7:4431");
        if let Some(origin) = origin {
            request = request.header(ORIGIN_HEADER, origin);
        }
        request.body(Body::Text("a=b".into())).unwrap()
    }

    #[test]
    fn only_cloudfront_chooses_the_client_address() {
        // A direct caller of the API's own address is refused when a secret is configured…
        let direct = to_app_request(from_viewer(None), Some("s3cret")).unwrap_err();
        assert_eq!(direct.status(), http::StatusCode::FORBIDDEN);
        let guessed = to_app_request(from_viewer(Some("guess")), Some("s3cret"));
        assert!(guessed.is_err());
        // …and without one (an emulator), its viewer header is not believed.
        let unverified = to_app_request(from_viewer(None), None).unwrap();
        assert_eq!(unverified.extensions().get::<ClientIp>(), None);
    }

    #[test]
    fn converts_bodies_both_ways() {
        let request = to_app_request(from_viewer(Some("s3cret")), Some("s3cret")).unwrap();
        assert_eq!(request.body().as_ref(), b"a=b");
        assert_eq!(
            request.extensions().get::<ClientIp>(),
            Some(&ClientIp("198.51.100.7".parse().unwrap()))
        );
        let response = from_app_response(http::Response::new(Bytes::from_static(b"<p>ok</p>")));
        assert!(matches!(response.body(), Body::Text(t) if t == "<p>ok</p>"));
        let response = from_app_response(http::Response::new(Bytes::from_static(b"\xff")));
        assert!(matches!(response.body(), Body::Binary(b) if b == b"\xff"));
    }
}
