//! The Lambda functions' configuration, read from their environment.

use super::secrets::{self, SecretError};
use std::path::PathBuf;

/// What `submit-proposal` needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// DynamoDB table holding proposals, versions and outbox mail (`PROPOSALS_TABLE`).
    pub table: String,
    /// Verified SES sender, e.g. `Code With Us <noreply@example.ca>` (`MAIL_FROM`).
    pub mail_from: String,
    /// The registry JSON written by `site-gen build` (`REGISTRY_PATH`).
    pub registry_path: PathBuf,
    /// SES configuration set for delivery events, if any (`SES_CONFIGURATION_SET`).
    pub configuration_set: Option<String>,
    /// The key that signs links (`LINK_SIGNING_KEY`); see [`crate::Config::signing_key`].
    pub signing_key: String,
    /// Keys the HMAC of client IP addresses (`IP_HASH_KEY`); see [`crate::Config::ip_hash_key`].
    pub ip_hash_key: String,
    /// The secret CloudFront sends in `X-Origin-Verify` (`ORIGIN_SECRET`); when set, requests
    /// without it are refused. Unset (an emulator): none is refused and no viewer header is
    /// believed.
    pub origin_secret: Option<String>,
    /// The private bucket holding the public outcomes file (`OUTCOMES_BUCKET`), written by the
    /// functions that record awards and sweep (`submit-proposal`, `invite-owners`); unset for
    /// the others, which write nothing there.
    pub outcomes_bucket: Option<String>,
}

/// What `send-mail` needs: the mails carry their own sender and recipients.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SenderSettings {
    /// DynamoDB table holding the outbox (`PROPOSALS_TABLE`).
    pub table: String,
    /// SES configuration set, if any (`SES_CONFIGURATION_SET`).
    pub configuration_set: Option<String>,
    /// Messages per second this sender may send (`MAIL_SEND_RATE`, default
    /// [`DEFAULT_SEND_RATE`]): every sender's rate together must stay under the account's SES
    /// maximum send rate.
    pub send_rate: u32,
}

/// Messages per second per sender unless `MAIL_SEND_RATE` says otherwise: two senders at 7
/// stay under SES's usual 14 per second for a new production account.
pub const DEFAULT_SEND_RATE: u32 = 7;

impl SenderSettings {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self, MissingVar> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads settings through `lookup`.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, MissingVar> {
        let value = |name| lookup(name).filter(|v: &String| !v.trim().is_empty());
        Ok(SenderSettings {
            table: value("PROPOSALS_TABLE").ok_or(MissingVar("PROPOSALS_TABLE"))?,
            configuration_set: value("SES_CONFIGURATION_SET"),
            send_rate: value("MAIL_SEND_RATE")
                .and_then(|rate| rate.trim().parse().ok())
                .filter(|rate: &u32| *rate > 0)
                .unwrap_or(DEFAULT_SEND_RATE),
        })
    }
}

/// A required variable is missing or empty.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("environment variable {0} is not set (see infra/template.yaml)")]
pub struct MissingVar(pub &'static str);

/// Why a function could not read its settings at start-up.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// A variable is missing.
    #[error(transparent)]
    Missing(#[from] MissingVar),
    /// A secret could not be read.
    #[error(transparent)]
    Secret(#[from] SecretError),
}

impl Settings {
    /// Reads the process environment, each secret from Secrets Manager when its
    /// `<NAME>_SECRET_ARN` is set (see [`super::secrets`]).
    pub async fn load(sdk: &aws_config::SdkConfig) -> Result<Self, LoadError> {
        Self::load_from(sdk, |name| std::env::var(name).ok()).await
    }

    /// [`Settings::load`] through `lookup` instead of the process environment.
    pub async fn load_from(
        sdk: &aws_config::SdkConfig,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, LoadError> {
        let client = aws_sdk_secretsmanager::Client::new(sdk);
        let secrets = secrets::resolve(&client, &lookup).await?;
        Ok(Self::from_lookup(|name| {
            secrets.get(name).cloned().or_else(|| lookup(name))
        })?)
    }

    /// Reads settings through `lookup`, so tests need not touch the process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, MissingVar> {
        let value = |name| lookup(name).filter(|v| !v.trim().is_empty());
        let required = |name: &'static str| value(name).ok_or(MissingVar(name));
        Ok(Settings {
            table: required("PROPOSALS_TABLE")?,
            mail_from: required("MAIL_FROM")?,
            registry_path: required("REGISTRY_PATH")?.into(),
            configuration_set: value("SES_CONFIGURATION_SET"),
            signing_key: required("LINK_SIGNING_KEY")?,
            ip_hash_key: required("IP_HASH_KEY")?,
            origin_secret: value("ORIGIN_SECRET"),
            outcomes_bucket: value("OUTCOMES_BUCKET"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| map.get(name).cloned()
    }

    #[test]
    fn reads_required_and_optional_values() {
        let all = [
            ("PROPOSALS_TABLE", "t"),
            ("MAIL_FROM", "noreply@example.ca"),
            ("REGISTRY_PATH", "/var/task/registry.json"),
            ("LINK_SIGNING_KEY", "salt"),
            ("IP_HASH_KEY", "key"),
        ];
        let settings = Settings::from_lookup(env(&all)).unwrap();
        assert_eq!(settings.table, "t");
        assert_eq!(settings.configuration_set, None);
        assert_eq!(settings.outcomes_bucket, None);
        let mut with_set = all.to_vec();
        with_set.push(("SES_CONFIGURATION_SET", "cwu"));
        with_set.push(("OUTCOMES_BUCKET", "cwu-outcomes"));
        let settings = Settings::from_lookup(env(&with_set)).unwrap();
        assert_eq!(settings.configuration_set.as_deref(), Some("cwu"));
        assert_eq!(settings.outcomes_bucket.as_deref(), Some("cwu-outcomes"));
    }

    #[test]
    fn names_the_missing_variable() {
        let err = Settings::from_lookup(env(&[("PROPOSALS_TABLE", "t"), ("MAIL_FROM", " ")]))
            .unwrap_err();
        assert_eq!(err, MissingVar("MAIL_FROM"));
        assert!(err.to_string().contains("MAIL_FROM"));
    }

    #[test]
    fn the_sender_needs_only_the_table() {
        let sender = SenderSettings::from_lookup(env(&[("PROPOSALS_TABLE", "t")])).unwrap();
        assert_eq!(sender.table, "t");
        assert_eq!(sender.configuration_set, None);
        assert_eq!(sender.send_rate, DEFAULT_SEND_RATE);
        let paced = env(&[("PROPOSALS_TABLE", "t"), ("MAIL_SEND_RATE", "20")]);
        assert_eq!(SenderSettings::from_lookup(paced).unwrap().send_rate, 20);
        assert_eq!(
            SenderSettings::from_lookup(env(&[])).unwrap_err(),
            MissingVar("PROPOSALS_TABLE")
        );
    }
}
