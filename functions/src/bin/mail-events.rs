//! `mail-events` Lambda: SES bounce and complaint events (configuration set → SNS topic →
//! this function) suppress the address; see [`functions::notify::bounce`].
//!
//! Environment: PROPOSALS_TABLE and LINK_SIGNING_KEY (subscriber ids are keyed with it), plus
//! the variables every function gets (see infra/template.yaml).

use functions::aws::{DynamoStore, lambda};
use jiff::Timestamp;
use lambda_runtime::{Error, LambdaEvent, service_fn};
use serde_json::{Value, json};

#[tokio::main]
async fn main() -> Result<(), Error> {
    let (sdk, settings) = lambda::start("mail-events").await?;
    let store = DynamoStore::new(aws_sdk_dynamodb::Client::new(&sdk), &settings.table);
    let (store, key) = (&store, settings.signing_key.as_str());
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| async move {
        let suppressed =
            functions::notify::bounce::handle(store, key, &event.payload, Timestamp::now())
                .await
                .map_err(|e| Error::from(e.to_string()))?;
        Ok::<_, Error>(json!({ "suppressed": suppressed }))
    }))
    .await
}
