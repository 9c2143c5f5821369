//! `submit-proposal` Lambda: the form's POST (and the receipt page) through `lambda_http`,
//! handled by [`functions::App`] on DynamoDB and SES.
//!
//! Environment: PROPOSALS_TABLE, MAIL_FROM, REGISTRY_PATH, the secrets LINK_SIGNING_KEY and
//! IP_HASH_KEY (each as `<NAME>_SECRET_ARN`, read from Secrets Manager at start-up) and optionally
//! SES_CONFIGURATION_SET, the ORIGIN_SECRET secret (requests without it are refused) and
//! OUTCOMES_BUCKET (where the public outcomes file is written after an award, acceptance or
//! payment); AWS clients follow the usual `AWS_*` variables (`AWS_ENDPOINT_URL` points them at an emulator).

use functions::aws::lambda;
use lambda_http::{Error, Request, service_fn};

#[tokio::main]
async fn main() -> Result<(), Error> {
    let (sdk, settings) = lambda::start("submit-proposal").await?;
    let app = lambda::app(&sdk, &settings);
    let app = &app;
    let origin_secret = settings.origin_secret.as_deref();
    lambda_http::run(service_fn(move |request: Request| async move {
        let response = match lambda::to_app_request(request, origin_secret) {
            Ok(request) => app.handle(request).await,
            Err(refused) => *refused,
        };
        Ok::<_, Error>(lambda::from_app_response(response))
    }))
    .await
}
