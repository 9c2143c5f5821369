//! The AWS SDK configuration every function (and the tests against the emulator) starts from.
//!
//! The SDK's default HTTPS client (`default-https-client`) is rustls on aws-lc-rs, a large C
//! library that made the biggest zip pass its 4 MB budget. These functions build the same client
//! on rustls with ring instead; the feature stays off in `Cargo.toml`, so nothing else links
//! aws-lc-rs into a Lambda binary.

use aws_config::{BehaviorVersion, ConfigLoader, SdkConfig};
use aws_smithy_http_client::tls::{Provider, rustls_provider::CryptoMode};

/// The SDK's configuration loader with an HTTPS (and plain HTTP, for a local emulator) client on
/// rustls with ring; callers add a region, credentials or an endpoint as they need.
pub fn defaults() -> ConfigLoader {
    let client = aws_smithy_http_client::Builder::new()
        .tls_provider(Provider::Rustls(CryptoMode::Ring))
        .build_https();
    aws_config::defaults(BehaviorVersion::latest()).http_client(client)
}

/// The configuration from the environment (region, credentials), as a Lambda function loads it.
pub async fn from_env() -> SdkConfig {
    defaults().load().await
}
