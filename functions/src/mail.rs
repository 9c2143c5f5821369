//! Outbox mail items and the [`Mailer`] that sends them.
//!
//! Mails are rendered to complete MIME messages when the proposal is accepted and stored with
//! it (see [`crate::store::ProposalStore::put_version`]); a mailer only delivers the bytes, so
//! a retry sends exactly what was stored.

use async_trait::async_trait;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// Who a mail is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MailKind {
    /// The product owner's copy of the whole proposal.
    Owner,
    /// The proponent's receipt.
    Receipt,
    /// The proponent's confirmation of a withdrawal.
    Withdrawal,
    /// "This address already has a proposal", with its manage link.
    Reminder,
    /// The owner's invitation to evaluate, at the deadline.
    Invitation,
    /// An owner's one-time sign-in link.
    SignIn,
    /// A subscribe or watch request's confirmation link.
    Confirmation,
    /// News for a subscriber, watcher or proponent (new opportunity, digest, change).
    Notice,
    /// A proponent's result (awarded, not awarded, disqualified), or the winner's acceptance
    /// and payment notices.
    Result,
}

impl MailKind {
    /// A word for logs.
    pub fn label(self) -> &'static str {
        match self {
            MailKind::Owner => "proposal",
            MailKind::Receipt => "receipt",
            MailKind::Withdrawal => "withdrawal",
            MailKind::Reminder => "reminder",
            MailKind::Invitation => "invitation",
            MailKind::SignIn => "sign-in",
            MailKind::Confirmation => "confirmation",
            MailKind::Notice => "notice",
            MailKind::Result => "result",
        }
    }
}

/// Where a mail is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MailState {
    /// Not yet delivered to the mail service.
    Pending,
    /// Accepted by the mail service; never sent again.
    Sent,
    /// Refused [`crate::outbox::MAX_ATTEMPTS`] times: never tried again; an alarm says so.
    Failed,
    /// Withdrawn before sending because its recipient no longer wants it (see
    /// [`Mailer::withheld`]); `last_error` says why. Never sent.
    Cancelled,
}

/// Whom a notice is for and why they get it (by subscriber id, never an address), so that the
/// sender can check right before sending that the recipient still wants it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "as", rename_all = "lowercase")]
pub enum Audience {
    /// A subscriber to new opportunities (one notice or a digest).
    Subscriber {
        /// The subscriber id.
        id: String,
    },
    /// Someone who asked to watch one opportunity.
    Watcher {
        /// The opportunity's slug.
        opportunity: String,
        /// The subscriber id.
        id: String,
    },
    /// A proponent of the opportunity, who follows it automatically.
    Proponent {
        /// The opportunity's slug.
        opportunity: String,
        /// The subscriber id.
        id: String,
    },
}

/// One mail in the outbox: the rendered message plus its delivery bookkeeping.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxMail {
    /// A ULID, unique per mail; also the local part of its `Message-ID`.
    pub id: String,
    /// The id of the proposal version that produced it.
    pub proposal_id: String,
    /// Owner copy or receipt.
    pub kind: MailKind,
    /// Envelope sender (the configured `MAIL_FROM` address).
    pub from: String,
    /// Envelope recipients.
    pub to: Vec<String>,
    /// The subject, for logs (the message carries its encoded form).
    pub subject: String,
    /// The whole RFC 5322 message as built by `lettre` (7-bit ASCII).
    pub raw: String,
    /// When the mail was created with its proposal.
    pub created_at: Timestamp,
    /// Pending, sent or failed for good.
    pub state: MailState,
    /// How many times it has been claimed for sending.
    pub attempts: u32,
    /// Nobody else may claim it before this moment.
    pub lease_until: Option<Timestamp>,
    /// The token of the sender currently holding it.
    pub claim: Option<String>,
    /// Why the last attempt failed, or why the mail was cancelled.
    pub last_error: Option<String>,
    /// When the mail service accepted it.
    pub sent_at: Option<Timestamp>,
    /// For notices only: whom it is for, checked at send time. Other mails (receipts,
    /// results, confirmations, sign-in links) concern the recipient's own request and are
    /// always sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<Audience>,
}

/// Why a mail could not be sent (it stays pending and is retried).
#[derive(Debug, thiserror::Error)]
#[error("mail not sent: {0}")]
pub struct MailError(pub String);

/// Delivers rendered mails (SES in AWS, `.eml` files locally).
#[async_trait]
pub trait Mailer: Send + Sync {
    /// Sends `mail.raw` to `mail.to`; `Ok` only once the service has accepted it.
    async fn send(&self, mail: &OutboxMail) -> Result<(), MailError>;

    /// Why `mail` must no longer be sent (its recipient left or is suppressed), checked
    /// after the claim and before [`Mailer::send`]; `None`: send it. An error leaves the mail
    /// pending for a retry. By default every mail is wanted.
    async fn withheld(&self, _mail: &OutboxMail) -> Result<Option<String>, MailError> {
        Ok(None)
    }
}

/// `addr@example.ca` from `Name <addr@example.ca>` (or the trimmed text when it has no `<…>`).
pub fn bare_address(mailbox: &str) -> String {
    let mailbox = mailbox.trim();
    match (mailbox.rfind('<'), mailbox.strip_suffix('>')) {
        (Some(start), Some(inner)) if start < inner.len() => inner[start + 1..].trim().to_owned(),
        _ => mailbox.to_owned(),
    }
}
