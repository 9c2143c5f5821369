//! The sender side of the outbox: claim each pending mail, send it, mark it sent, or give it
//! back with a later retry time when the mail service fails, until [`MAX_ATTEMPTS`]: then
//! the mail is marked failed for good and a log line (which an alarm watches) says so. A
//! notice whose recipient left or was suppressed since it was queued is marked cancelled
//! instead of sent ([`Mailer::withheld`]).

use crate::config::{AfterSubmit, Config};
use crate::mail::{MailState, Mailer, OutboxMail};
use crate::store::{ProposalStore, StoreError};
use jiff::{SignedDuration, Timestamp};

/// How long a claim keeps other senders off a mail: longer than any send takes.
pub const LEASE: SignedDuration = SignedDuration::from_secs(120);
/// How many pending mails one drain looks at.
pub const DRAIN_BATCH: usize = 1_000;
/// Sends tried before a mail is given up: with [`retry_delay`] about 16 hours of retries,
/// long enough to ride out an SES outage, short enough that a bad address does not retry
/// every hour forever.
pub const MAX_ATTEMPTS: u32 = 20;
/// The start of the log line of a mail given up for good (a metric filter counts them).
pub const GAVE_UP: &str = "functions: MAIL FAILED for good";

/// What happened to one mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendOutcome {
    /// Delivered to the mail service and marked sent.
    Sent,
    /// Already sent, leased by another sender, waiting for its retry time, or unknown.
    Skipped,
    /// The mail service refused it; it stays pending until its retry time.
    Failed(String),
    /// Refused for the [`MAX_ATTEMPTS`]th time: marked failed, never tried again.
    GaveUp(String),
    /// No longer wanted by its recipient (the reason): marked cancelled, never sent.
    Cancelled(String),
}

/// What a drain did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DrainReport {
    /// Mails sent.
    pub sent: usize,
    /// Mails the mail service refused (retried later).
    pub failed: usize,
    /// Mails left alone (leased, waiting or already sent).
    pub skipped: usize,
    /// Mails given up for good after [`MAX_ATTEMPTS`] refusals.
    pub gave_up: usize,
    /// Notices cancelled because their recipient left or was suppressed meanwhile.
    pub cancelled: usize,
    /// How long the oldest mail still pending after the drain has waited (from its id's
    /// time): an alarm fires when mail waits more than an hour.
    pub oldest_pending: Option<SignedDuration>,
    /// Store errors met on the way.
    pub store_errors: Vec<String>,
}

/// The wait before retrying a mail claimed `attempts` times: 30 s, doubling, at most an hour.
pub fn retry_delay(attempts: u32) -> SignedDuration {
    let seconds = 30_i64.saturating_mul(1_i64 << attempts.saturating_sub(1).min(7));
    SignedDuration::from_secs(seconds.min(3_600))
}

/// Claims, sends and settles one mail. Errors are store errors only; a mail service failure
/// is [`SendOutcome::Failed`] and the mail stays pending.
pub async fn send_one(
    store: &dyn ProposalStore,
    mailer: &dyn Mailer,
    id: &str,
    now: Timestamp,
) -> Result<SendOutcome, StoreError> {
    let lease_until = now.saturating_add(LEASE).unwrap_or(now);
    let Some(mail) = store.claim_mail(id, now, lease_until).await? else {
        return Ok(SendOutcome::Skipped);
    };
    debug_assert_eq!(mail.state, MailState::Pending);
    let claim = mail.claim.clone().unwrap_or_default();
    // Checked now, not when queued: an unsubscribe or a bounce since then must win.
    let sent = match mailer.withheld(&mail).await {
        Ok(Some(reason)) => {
            store
                .close_mail(id, &claim, MailState::Cancelled, &reason, now)
                .await?;
            eprintln!("functions: mail {id} cancelled: {reason}");
            return Ok(SendOutcome::Cancelled(reason));
        }
        Ok(None) => mailer.send(&mail).await,
        Err(error) => Err(error),
    };
    match sent {
        Ok(()) => {
            store.mark_sent(id, &claim, now).await?;
            Ok(SendOutcome::Sent)
        }
        Err(error) => {
            let message = error.to_string();
            if mail.attempts >= MAX_ATTEMPTS {
                store
                    .close_mail(id, &claim, MailState::Failed, &message, now)
                    .await?;
                eprintln!("{GAVE_UP}: mail {id} after {MAX_ATTEMPTS} attempts: {message}");
                return Ok(SendOutcome::GaveUp(message));
            }
            let retry_at = now
                .saturating_add(retry_delay(mail.attempts))
                .unwrap_or(now);
            store.release_mail(id, &claim, &message, retry_at).await?;
            Ok(SendOutcome::Failed(message))
        }
    }
}

/// Tries to send `ids`, counting what happened.
pub async fn send_all(
    store: &dyn ProposalStore,
    mailer: &dyn Mailer,
    ids: &[String],
    now: Timestamp,
) -> DrainReport {
    let mut report = DrainReport::default();
    // `ids` are oldest first: the first one left pending is the oldest.
    let still_pending = |report: &mut DrainReport, id: &str| {
        if report.oldest_pending.is_none() {
            report.oldest_pending = waited(id, now);
        }
    };
    for id in ids {
        match send_one(store, mailer, id, now).await {
            Ok(SendOutcome::Sent) => report.sent += 1,
            Ok(SendOutcome::Skipped) => {
                report.skipped += 1;
                still_pending(&mut report, id);
            }
            Ok(SendOutcome::Failed(error)) => {
                eprintln!("functions: mail {id} not sent, will retry: {error}");
                report.failed += 1;
                still_pending(&mut report, id);
            }
            Ok(SendOutcome::GaveUp(_)) => report.gave_up += 1,
            Ok(SendOutcome::Cancelled(_)) => report.cancelled += 1,
            Err(error) => {
                report.store_errors.push(error.to_string());
                still_pending(&mut report, id);
            }
        }
    }
    report
}

/// Sends mails just stored with their fact, as [`Config::after_submit`] says: nothing (a
/// separate sender does it), these mails, or these and every other pending mail.
pub async fn send_after_store(
    store: &dyn ProposalStore,
    mailer: &dyn Mailer,
    config: &Config,
    mails: &[OutboxMail],
    now: Timestamp,
) {
    if config.after_submit == AfterSubmit::Nothing {
        return;
    }
    let ids: Vec<String> = mails.iter().map(|m| m.id.clone()).collect();
    send_all(store, mailer, &ids, now).await;
    if config.after_submit == AfterSubmit::DrainAll {
        drain(store, mailer, now).await;
    }
}

/// Adds mails that are not about a stored fact (a sign-in link, an invitation) to the outbox,
/// each once ([`ProposalStore::add_mails`]), then sends them like [`send_after_store`].
pub async fn queue(
    store: &dyn ProposalStore,
    mailer: &dyn Mailer,
    config: &Config,
    mails: &[OutboxMail],
    now: Timestamp,
) -> Result<(), StoreError> {
    store.add_mails(mails).await?;
    send_after_store(store, mailer, config, mails, now).await;
    Ok(())
}

/// How long the mail `id` (a ULID, whose time part is its creation) has waited at `now`.
fn waited(id: &str, now: Timestamp) -> Option<SignedDuration> {
    let created = ulid::Ulid::from_string(id).ok()?.timestamp_ms();
    let created = Timestamp::from_millisecond(i64::try_from(created).ok()?).ok()?;
    Some(now.duration_since(created))
}

/// Sends every pending mail whose lease or retry time has passed at `now`.
pub async fn drain(store: &dyn ProposalStore, mailer: &dyn Mailer, now: Timestamp) -> DrainReport {
    match store.pending_mail(DRAIN_BATCH).await {
        Ok(ids) => send_all(store, mailer, &ids, now).await,
        Err(error) => DrainReport {
            store_errors: vec![error.to_string()],
            ..DrainReport::default()
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mails_wait_comes_from_its_id() {
        let created: Timestamp = "2026-11-24T12:00:00Z".parse().unwrap();
        let id = crate::ids::ulid_at(created);
        let now = created + SignedDuration::from_mins(90);
        assert_eq!(waited(&id, now), Some(SignedDuration::from_mins(90)));
        assert_eq!(waited("not a ulid", now), None);
    }

    #[test]
    fn retry_delay_doubles_up_to_an_hour() {
        assert_eq!(retry_delay(1).as_secs(), 30);
        assert_eq!(retry_delay(2).as_secs(), 60);
        assert_eq!(retry_delay(3).as_secs(), 120);
        assert_eq!(retry_delay(50).as_secs(), 3_600);
    }
}
