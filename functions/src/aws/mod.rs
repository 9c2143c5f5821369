//! AWS adapters (cargo feature `aws`): the proposal store on DynamoDB, the mailer on SES v2, the
//! public outcomes file on S3, the Lambda functions' configuration and their event plumbing.

pub mod attribute;
pub mod config;
pub mod dynamodb;
pub mod lambda;
pub mod notify_store;
pub mod outcomes;
pub mod sdk;
pub mod secrets;
pub mod ses;
pub mod stream;

pub use config::{LoadError, SenderSettings, Settings};
pub use dynamodb::DynamoStore;
pub use outcomes::S3Outcomes;
pub use ses::SesMailer;
