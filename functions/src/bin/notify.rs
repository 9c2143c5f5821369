//! `notify` Lambda: runs the notifier on the registry bundled with this deploy (invoked by
//! `infra/publish-site` after each deploy and hourly rebuild, and hourly by a schedule, which
//! also sends the weekly digests that are due). The mails it adds reach SES through the
//! table's stream and `send-mail`. See [`functions::notify::notifier`].
//!
//! Environment: the same as `submit-proposal` (PROPOSALS_TABLE, MAIL_FROM, REGISTRY_PATH,
//! LINK_SIGNING_KEY: subscriber ids and links are keyed with it).

use functions::aws::lambda;
use lambda_runtime::{Error, LambdaEvent, service_fn};
use serde_json::{Value, json};

#[tokio::main]
async fn main() -> Result<(), Error> {
    let (sdk, settings) = lambda::start("notify").await?;
    let app = lambda::app(&sdk, &settings);
    let app = &app;
    lambda_runtime::run(service_fn(move |_event: LambdaEvent<Value>| async move {
        let report = app.notify().await;
        let summary = json!({
            "news": report.news, "mails": report.mails, "digests": report.digests,
            "errors": report.errors,
        });
        // A failed run is retried by the next one (news stays pending); failing the
        // invocation makes it visible (errors alarm).
        if report.errors.is_empty() {
            Ok(summary)
        } else {
            Err(Error::from(summary.to_string()))
        }
    }))
    .await
}
