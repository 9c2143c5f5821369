//! Secrets at start-up, from AWS Secrets Manager.
//!
//! The stack (infra/template.yaml) generates each key as a secret and gives a function only the
//! secret's ARN, in `<NAME>_SECRET_ARN`; the function reads the value once per cold start. So no
//! key sits in a CloudFormation parameter, a deploy log or the function's configuration, and the
//! role decides which function may read which key. A plain `<NAME>` variable with the value
//! itself is still read, for emulators and the benchmark, but is never deployed.

use aws_sdk_secretsmanager::Client;
use std::collections::HashMap;

/// The settings that are secrets, by their variable name.
pub const SECRET_VARS: [&str; 3] = ["LINK_SIGNING_KEY", "IP_HASH_KEY", "ORIGIN_SECRET"];

/// A secret named by `<NAME>_SECRET_ARN` could not be read.
#[derive(Debug, thiserror::Error)]
#[error("cannot read the secret {variable}_SECRET_ARN names ({reason})")]
pub struct SecretError {
    /// The setting, e.g. `LINK_SIGNING_KEY`.
    pub variable: &'static str,
    /// What went wrong, without the secret's value.
    pub reason: String,
}

/// The variables `lookup` gives, with each `<NAME>_SECRET_ARN` replaced by `<NAME>` holding the
/// secret's value. A secret that cannot be read is an error: a function must not start with a
/// key missing (it would sign nothing, or accept anything).
pub async fn resolve(
    client: &Client,
    lookup: impl Fn(&str) -> Option<String>,
) -> Result<HashMap<String, String>, SecretError> {
    let mut resolved = HashMap::new();
    for variable in SECRET_VARS {
        let arn = lookup(&format!("{variable}_SECRET_ARN")).filter(|arn| !arn.trim().is_empty());
        let value = match arn {
            Some(arn) => Some(read(client, variable, &arn).await?),
            None => lookup(variable),
        };
        if let Some(value) = value {
            resolved.insert(variable.to_owned(), value);
        }
    }
    Ok(resolved)
}

async fn read(client: &Client, variable: &'static str, arn: &str) -> Result<String, SecretError> {
    let error = |reason: String| SecretError { variable, reason };
    let output = client
        .get_secret_value()
        .secret_id(arn)
        .send()
        .await
        .map_err(|e| error(aws_sdk_secretsmanager::error::DisplayErrorContext(e).to_string()))?;
    output
        .secret_string
        .filter(|value| !value.trim().is_empty())
        .ok_or_else(|| error("the secret has no text value".into()))
}
