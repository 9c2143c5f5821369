//! `invite-owners` Lambda, run on a schedule: once an opportunity's deadline has passed, mails
//! its owner the number of proposals and a sign-in link, once ([`functions::App::sweep`]); then
//! rewrites the public outcomes file in OUTCOMES_BUCKET if it is out of date (a write that failed
//! after an award is retried here).
//!
//! Environment: the same as `submit-proposal` (PROPOSALS_TABLE, MAIL_FROM, REGISTRY_PATH,
//! LINK_SIGNING_KEY, IP_HASH_KEY, OUTCOMES_BUCKET, optionally SES_CONFIGURATION_SET): the sign-in
//! links it mails are verified by `submit-proposal` with the same secret (LINK_SIGNING_KEY).

use functions::aws::lambda;
use lambda_runtime::{Error, LambdaEvent, service_fn};
use serde_json::{Value, json};

#[tokio::main]
async fn main() -> Result<(), Error> {
    let (sdk, settings) = lambda::start("invite-owners").await?;
    let app = lambda::app(&sdk, &settings);
    let app = &app;
    lambda_runtime::run(service_fn(move |_: LambdaEvent<Value>| async move {
        let report = app.sweep().await;
        for slug in &report.invited {
            println!("invite-owners: invited the owner of {slug}");
        }
        // An error fails the invocation (and its alarm); the next run tries again.
        if report.errors.is_empty() {
            Ok(json!({ "invited": report.invited }))
        } else {
            Err(Error::from(report.errors.join("; ")))
        }
    }))
    .await
}
