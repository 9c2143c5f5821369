//! `send-mail` Lambda: sends the outbox mail that the proposals table's stream reports, and
//! returns the records to retry (partial batch response); any other event (the scheduled
//! sweep) drains every pending mail whose retry time has come. See
//! [`functions::aws::stream::handle_event`].
//!
//! Environment: PROPOSALS_TABLE and optionally SES_CONFIGURATION_SET and MAIL_SEND_RATE (each stored mail
//! carries its sender and recipients).

use functions::aws::{DynamoStore, SenderSettings, SesMailer, stream};
use functions::mail::Mailer;
use functions::notify::gate::Recipients;
use functions::paced::PacedMailer;
use functions::store::ProposalStore;
use jiff::Timestamp;
use lambda_runtime::{Error, LambdaEvent, service_fn};
use serde_json::Value;
use std::sync::Arc;

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_runtime::tracing::init_default_subscriber();
    // Display, not Debug: the log line names the missing variable in plain words.
    let settings =
        SenderSettings::from_env().map_err(|e| Error::from(format!("send-mail: {e}")))?;
    // Built once per instance (cold start), shared by every invocation.
    let sdk = functions::aws::sdk::from_env().await;
    let dynamo = Arc::new(DynamoStore::new(
        aws_sdk_dynamodb::Client::new(&sdk),
        &settings.table,
    ));
    let store: Arc<dyn ProposalStore> = dynamo.clone();
    let ses: Arc<dyn Mailer> = Arc::new(SesMailer::new(
        aws_sdk_sesv2::Client::new(&sdk),
        settings.configuration_set.clone(),
    ));
    // Under SES's sending rate, so a notice to many subscribers is never throttled.
    let paced: Arc<dyn Mailer> = Arc::new(PacedMailer::new(ses, f64::from(settings.send_rate)));
    // A notice whose recipient left or bounced since it was queued is cancelled, not sent.
    let mailer: Arc<dyn Mailer> = Arc::new(Recipients::new(paced, dynamo));
    let (store, mailer) = (&store, &mailer);
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| async move {
        stream::handle_event(
            store.clone(),
            mailer.clone(),
            event.payload,
            Timestamp::now(),
        )
        .await
        .map_err(Error::from)
    }))
    .await
}
