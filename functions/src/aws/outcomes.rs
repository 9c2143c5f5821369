//! The public outcomes file on AWS: the object [`OUTCOMES_FILE`] in the private outcomes bucket
//! (`OUTCOMES_BUCKET`, infra/template.yaml), written by `submit-proposal` after each award,
//! acceptance and payment and by every `invite-owners` sweep; the deploy and hourly workflows
//! copy it down and pass it to `site-gen build --outcomes`.

use crate::award::outcomes::{OutcomesFile, PublishError};
use async_trait::async_trait;
use aws_sdk_s3::Client;
use aws_sdk_s3::primitives::ByteStream;
use cwu_domain::outcome::OUTCOMES_FILE;

/// The outcomes object in `bucket`.
pub struct S3Outcomes {
    client: Client,
    bucket: String,
}

impl S3Outcomes {
    /// The object [`OUTCOMES_FILE`] in `bucket`.
    pub fn new(client: Client, bucket: &str) -> Self {
        S3Outcomes {
            client,
            bucket: bucket.to_owned(),
        }
    }

    fn error(&self, doing: &str, error: impl std::error::Error) -> PublishError {
        // The SDK's Display is only "service error": its source chain says which.
        let mut message = format!("{doing} s3://{}/{OUTCOMES_FILE}: {error}", self.bucket);
        let mut source = error.source();
        while let Some(cause) = source {
            message.push_str(&format!(": {cause}"));
            source = cause.source();
        }
        PublishError::File(message)
    }
}

#[async_trait]
impl OutcomesFile for S3Outcomes {
    /// `None` when the object does not exist yet (the role may list the bucket, so S3 answers
    /// NoSuchKey rather than AccessDenied).
    async fn read(&self) -> Result<Option<String>, PublishError> {
        let object = match self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(OUTCOMES_FILE)
            .send()
            .await
        {
            Ok(object) => object,
            Err(error) if error.as_service_error().is_some_and(|e| e.is_no_such_key()) => {
                return Ok(None);
            }
            Err(error) => return Err(self.error("reading", error)),
        };
        let bytes = object
            .body
            .collect()
            .await
            .map_err(|e| self.error("reading", e))?
            .into_bytes();
        String::from_utf8(bytes.to_vec())
            .map(Some)
            .map_err(|e| self.error("reading", e))
    }

    /// One PUT: S3 replaces an object whole, so a build copying it sees the old or the new one.
    async fn write(&self, json: &str) -> Result<(), PublishError> {
        self.client
            .put_object()
            .bucket(&self.bucket)
            .key(OUTCOMES_FILE)
            .content_type("application/json")
            .body(ByteStream::from(json.as_bytes().to_vec()))
            .send()
            .await
            .map_err(|e| self.error("writing", e))?;
        Ok(())
    }
}
