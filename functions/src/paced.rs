//! [`PacedMailer`]: keeps sending under the mail service's rate (SES allows a fixed number of
//! messages per second per account), so a large notice is delivered steadily instead of being
//! throttled.

use crate::mail::{MailError, Mailer, OutboxMail};
use async_trait::async_trait;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Mutex;
use tokio::time::Instant;

/// Spaces the sends of one process at least `1 / rate` seconds apart.
pub struct PacedMailer {
    inner: Arc<dyn Mailer>,
    interval: Duration,
    next: Mutex<Instant>,
}

impl PacedMailer {
    /// Sends through `inner` at most `per_second` messages a second (at least 0.1).
    pub fn new(inner: Arc<dyn Mailer>, per_second: f64) -> Self {
        PacedMailer {
            inner,
            interval: Duration::from_secs_f64(1.0 / per_second.max(0.1)),
            next: Mutex::new(Instant::now()),
        }
    }
}

#[async_trait]
impl Mailer for PacedMailer {
    async fn send(&self, mail: &OutboxMail) -> Result<(), MailError> {
        let slot = {
            let mut next = self.next.lock().await;
            let slot = (*next).max(Instant::now());
            *next = slot + self.interval;
            slot
        };
        tokio::time::sleep_until(slot).await;
        self.inner.send(mail).await
    }

    async fn withheld(&self, mail: &OutboxMail) -> Result<Option<String>, MailError> {
        self.inner.withheld(mail).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::RecordingMailer;

    #[tokio::test]
    async fn sends_no_faster_than_the_rate() {
        let inner = Arc::new(RecordingMailer::default());
        let paced = PacedMailer::new(inner.clone(), 500.0);
        let mail: OutboxMail = serde_json::from_value(serde_json::json!({
            "id": "01J", "proposal_id": "x", "kind": "notice", "from": "a@x.ca", "to": ["b@x.ca"],
            "subject": "s", "raw": "r", "created_at": "2026-11-24T20:00:00Z", "state": "pending",
            "attempts": 0, "lease_until": null, "claim": null, "last_error": null, "sent_at": null
        }))
        .unwrap();
        let started = std::time::Instant::now();
        for _ in 0..11 {
            paced.send(&mail).await.unwrap();
        }
        // 11 sends at 500 a second: the last leaves at least 20 ms after the first.
        assert!(started.elapsed() >= Duration::from_millis(20));
        assert_eq!(inner.sent().len(), 11);
    }
}
