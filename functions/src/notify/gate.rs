//! The send-time check of notices: a notice queued before its recipient unsubscribed, left
//! the opportunity, or bounced is cancelled instead of sent ([`Recipients`]).
//!
//! Only notices carry an [`Audience`]; receipts, result mails, confirmations and sign-in links
//! answer the recipient's own request or proposal and are always sent.

use super::records::{self, Kind, NotifyStore, OptOut, Subscriber, Suppression, Watcher};
use crate::mail::{Audience, MailError, Mailer, OutboxMail};
use crate::store::StoreError;
use async_trait::async_trait;
use jiff::Timestamp;
use std::sync::Arc;

/// A [`Mailer`] that withholds notices their recipient no longer wants.
pub struct Recipients {
    inner: Arc<dyn Mailer>,
    store: Arc<dyn NotifyStore>,
}

impl Recipients {
    /// Sends through `inner`, checking each notice against `store` first.
    pub fn new(inner: Arc<dyn Mailer>, store: Arc<dyn NotifyStore>) -> Self {
        Recipients { inner, store }
    }
}

#[async_trait]
impl Mailer for Recipients {
    async fn send(&self, mail: &OutboxMail) -> Result<(), MailError> {
        self.inner.send(mail).await
    }

    async fn withheld(&self, mail: &OutboxMail) -> Result<Option<String>, MailError> {
        let Some(audience) = &mail.audience else {
            return self.inner.withheld(mail).await;
        };
        unwanted(self.store.as_ref(), audience, Timestamp::now())
            .await
            .map_err(|e| MailError(e.to_string()))
    }
}

/// Why `audience` no longer wants its notice at `now`, or `None` when it still does.
pub async fn unwanted(
    store: &dyn NotifyStore,
    audience: &Audience,
    now: Timestamp,
) -> Result<Option<String>, StoreError> {
    let id = match audience {
        Audience::Subscriber { id }
        | Audience::Watcher { id, .. }
        | Audience::Proponent { id, .. } => id,
    };
    // An unsubscribe from everything, a bounce or a complaint.
    if let Some((suppression, _)) =
        records::get::<Suppression>(store, Kind::Suppressed, id, now).await?
    {
        return Ok(Some(format!(
            "recipient suppressed ({})",
            suppression.reason
        )));
    }
    let left = match audience {
        Audience::Subscriber { id } => records::get::<Subscriber>(store, Kind::Subscriber, id, now)
            .await?
            .is_none()
            .then_some("recipient unsubscribed"),
        Audience::Watcher { opportunity, id } => {
            records::get::<Watcher>(store, Kind::Watch, &format!("{opportunity}|{id}"), now)
                .await?
                .is_none()
                .then_some("recipient stopped watching the opportunity")
        }
        Audience::Proponent { opportunity, id } => {
            records::get::<OptOut>(store, Kind::OptOut, &format!("{opportunity}|{id}"), now)
                .await?
                .is_some()
                .then_some("proponent left the opportunity's notices")
        }
    };
    Ok(left.map(str::to_owned))
}
