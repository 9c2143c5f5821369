//! `send-mail` Lambda: sends the outbox mail that the proposals table's stream reports, and
//! returns the records to retry (partial batch response); any other event (the scheduled
//! sweep) drains every pending mail whose retry time has come.
//!
//! Environment: PROPOSALS_TABLE, MAIL_FROM, REGISTRY_PATH, IP_HASH_SALT and optionally
//! SES_CONFIGURATION_SET (the same as `submit-proposal`).

use aws_config::BehaviorVersion;
use aws_lambda_events::event::dynamodb::Event;
use functions::aws::{DynamoStore, SesMailer, Settings, stream};
use functions::mail::Mailer;
use functions::outbox;
use functions::store::ProposalStore;
use jiff::Timestamp;
use lambda_runtime::{Error, LambdaEvent, service_fn};
use serde_json::{Value, json};
use std::sync::Arc;

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_runtime::tracing::init_default_subscriber();
    let settings = Settings::from_env()?;
    let sdk = aws_config::load_defaults(BehaviorVersion::latest()).await;
    let store: Arc<dyn ProposalStore> = Arc::new(DynamoStore::new(
        aws_sdk_dynamodb::Client::new(&sdk),
        &settings.table,
    ));
    let mailer: Arc<dyn Mailer> = Arc::new(SesMailer::new(
        aws_sdk_sesv2::Client::new(&sdk),
        settings.configuration_set.clone(),
    ));
    let (store, mailer) = (&store, &mailer);
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| async move {
        let now = Timestamp::now();
        if event.payload.get("Records").is_some() {
            let batch: Event = serde_json::from_value(event.payload)?;
            let response = stream::handle_batch(store.clone(), mailer.clone(), batch, now).await;
            Ok::<_, Error>(serde_json::to_value(response)?)
        } else {
            let report = outbox::drain(store.as_ref(), mailer.as_ref(), now).await;
            eprintln!("send-mail: sweep {report:?}");
            if report.store_errors.is_empty() {
                Ok(json!({ "sent": report.sent, "failed": report.failed, "skipped": report.skipped }))
            } else {
                Err(format!("store errors: {:?}", report.store_errors).into())
            }
        }
    }))
    .await
}
