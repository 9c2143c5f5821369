//! The functions' keys come from Secrets Manager (in a real moto server, through the real SDK):
//! a function configured as infra/template.yaml configures it — only `<NAME>_SECRET_ARN`
//! variables — starts with the secrets' values, and one whose secret cannot be read does not
//! start at all.

#![cfg(feature = "aws")]

// The shared harness: only its server and SDK configuration are used here.
#[allow(dead_code)]
#[path = "aws_moto/moto.rs"]
mod moto;

use functions::aws::{LoadError, Settings};
use std::collections::HashMap;

async fn create(client: &aws_sdk_secretsmanager::Client, name: &str, value: &str) -> String {
    let created = client
        .create_secret()
        .name(name)
        .secret_string(value)
        .send()
        .await
        .expect("create secret");
    created.arn.expect("secret ARN")
}

#[tokio::test]
async fn settings_read_their_keys_from_secrets_manager() {
    let moto = moto::Moto::start();
    let sdk = moto.sdk_config().await;
    let client = aws_sdk_secretsmanager::Client::new(&sdk);
    let signing = create(&client, "cwu-test-link-signing-key", "signing-key-value").await;
    let ip_hash = create(&client, "cwu-test-ip-hash-key", "ip-hash-value").await;
    let origin = create(&client, "cwu-test-origin-verify", "origin-value").await;
    let env: HashMap<String, String> = [
        ("PROPOSALS_TABLE", "proposals"),
        ("MAIL_FROM", "Code With Us <noreply@cwu.example.ca>"),
        ("REGISTRY_PATH", "/var/task/registry.json"),
        ("LINK_SIGNING_KEY_SECRET_ARN", signing.as_str()),
        ("IP_HASH_KEY_SECRET_ARN", ip_hash.as_str()),
        ("ORIGIN_SECRET_SECRET_ARN", origin.as_str()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    let settings = Settings::load_from(&sdk, |name| env.get(name).cloned())
        .await
        .expect("settings");
    assert_eq!(settings.signing_key, "signing-key-value");
    assert_eq!(settings.ip_hash_key, "ip-hash-value");
    assert_eq!(settings.origin_secret.as_deref(), Some("origin-value"));

    // A secret that does not exist (deleted, or a role without access): no start, and the
    // error names the variable, not a value.
    let mut broken = env.clone();
    broken.insert(
        "IP_HASH_KEY_SECRET_ARN".into(),
        signing.replace("link-signing-key", "missing-key"),
    );
    let error = Settings::load_from(&sdk, |name| broken.get(name).cloned())
        .await
        .expect_err("a missing secret stops the start");
    assert!(matches!(error, LoadError::Secret(_)), "{error:?}");
    assert!(
        error.to_string().contains("IP_HASH_KEY_SECRET_ARN"),
        "{error}"
    );
    assert!(!error.to_string().contains("signing-key-value"), "{error}");

    // Without the ARN, the key is simply missing (as in an unconfigured function).
    let mut unset = env.clone();
    unset.remove("LINK_SIGNING_KEY_SECRET_ARN");
    let error = Settings::load_from(&sdk, |name| unset.get(name).cloned())
        .await
        .expect_err("no signing key");
    assert!(error.to_string().contains("LINK_SIGNING_KEY"), "{error}");
}
