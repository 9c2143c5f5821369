//! [`Mailer`] on Amazon SES v2: sends each stored message as-is with `SendEmail` and
//! `Content::Raw`, so what SES delivers is byte for byte what was stored with the proposal.

pub use crate::mail::bare_address;
use crate::mail::{MailError, Mailer, OutboxMail};
use async_trait::async_trait;
use aws_sdk_sesv2::Client;
use aws_sdk_sesv2::error::DisplayErrorContext;
use aws_sdk_sesv2::primitives::Blob;
use aws_sdk_sesv2::types::{Destination, EmailContent, RawMessage};

/// Sends outbox mail through SES.
#[derive(Debug, Clone)]
pub struct SesMailer {
    client: Client,
    configuration_set: Option<String>,
}

impl SesMailer {
    /// A mailer using `client`, tagging messages with `configuration_set` when set (delivery,
    /// bounce and complaint events).
    pub fn new(client: Client, configuration_set: Option<String>) -> Self {
        SesMailer {
            client,
            configuration_set,
        }
    }
}

#[async_trait]
impl Mailer for SesMailer {
    async fn send(&self, mail: &OutboxMail) -> Result<(), MailError> {
        if mail.to.is_empty() {
            return Err(MailError(format!("mail {} has no recipient", mail.id)));
        }
        let raw = RawMessage::builder()
            .data(Blob::new(mail.raw.as_bytes()))
            .build()
            .map_err(|e| MailError(e.to_string()))?;
        // The envelope is explicit (not parsed by SES from the headers), so it is exactly the
        // recipients the mail was stored for; bare addresses, because display names there
        // would need RFC 2047 encoding (the message's own headers carry them, encoded).
        let destination = Destination::builder()
            .set_to_addresses(Some(mail.to.iter().map(|a| bare_address(a)).collect()))
            .build();
        self.client
            .send_email()
            .from_email_address(bare_address(&mail.from))
            .destination(destination)
            .content(EmailContent::builder().raw(raw).build())
            .set_configuration_set_name(self.configuration_set.clone())
            .send()
            .await
            .map(|_| ())
            .map_err(|e| MailError(format!("SES: {}", DisplayErrorContext(e))))
    }
}

#[cfg(test)]
mod tests {
    use super::bare_address;

    #[test]
    fn envelope_addresses_drop_display_names() {
        assert_eq!(bare_address("Zoë <zoe@example.ca>"), "zoe@example.ca");
        assert_eq!(bare_address(" \"A <b>\" <a@example.ca> "), "a@example.ca");
        assert_eq!(bare_address("a@example.ca"), "a@example.ca");
        assert_eq!(bare_address("<a@example.ca>"), "a@example.ca");
    }
}
