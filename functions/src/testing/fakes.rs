//! Fakes for failure paths the real adapters cannot be made to take on demand: a mailer that
//! fails its first attempts and records what it sends, a store that is always down, and an
//! outcomes file that can be made to refuse writes.

use crate::award::outcomes::{OutcomesFile, PublishError};
use crate::mail::{MailError, MailState, Mailer, OutboxMail};
use crate::store::{ProposalKey, ProposalStore, StoreError, StoredProposal};
use async_trait::async_trait;
use cwu_domain::evaluation::EvaluationEvent;
use jiff::Timestamp;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A mailer that records what it sends and fails the first `fail_first` attempts.
#[derive(Default)]
pub struct RecordingMailer {
    fail_first: AtomicUsize,
    attempts: AtomicUsize,
    sent: Mutex<Vec<OutboxMail>>,
}

impl RecordingMailer {
    /// A mailer failing its first `n` attempts, then succeeding.
    pub fn failing_first(n: usize) -> Self {
        RecordingMailer {
            fail_first: AtomicUsize::new(n),
            ..RecordingMailer::default()
        }
    }

    /// Every mail sent, in order.
    pub fn sent(&self) -> Vec<OutboxMail> {
        self.sent.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// How many times `send` was called.
    pub fn attempts(&self) -> usize {
        self.attempts.load(Ordering::SeqCst)
    }
}

#[async_trait]
impl Mailer for RecordingMailer {
    async fn send(&self, mail: &OutboxMail) -> Result<(), MailError> {
        self.attempts.fetch_add(1, Ordering::SeqCst);
        let failing = self
            .fail_first
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok();
        if failing {
            return Err(MailError("simulated mail service outage".into()));
        }
        self.sent
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(mail.clone());
        Ok(())
    }
}

/// A store whose every operation fails as if the database were unreachable.
pub struct UnavailableStore;

#[async_trait]
impl ProposalStore for UnavailableStore {
    async fn current(&self, _: &ProposalKey) -> Result<Option<StoredProposal>, StoreError> {
        Err(down())
    }
    async fn put_version(
        &self,
        _: Option<u32>,
        _: &StoredProposal,
        _: &[OutboxMail],
    ) -> Result<(), StoreError> {
        Err(down())
    }
    async fn history(&self, _: &ProposalKey) -> Result<Vec<StoredProposal>, StoreError> {
        Err(down())
    }
    async fn proposals(&self, _: &str) -> Result<Vec<StoredProposal>, StoreError> {
        Err(down())
    }
    async fn add_mails(&self, _: &[OutboxMail]) -> Result<usize, StoreError> {
        Err(down())
    }
    async fn increment(&self, _: &str, _: Timestamp) -> Result<u64, StoreError> {
        Err(down())
    }
    async fn evaluation(&self, _: &str) -> Result<Vec<EvaluationEvent>, StoreError> {
        Err(down())
    }
    async fn append_evaluation(
        &self,
        _: &EvaluationEvent,
        _: &[OutboxMail],
    ) -> Result<(), StoreError> {
        Err(down())
    }
    async fn pending_mail(&self, _: usize) -> Result<Vec<String>, StoreError> {
        Err(down())
    }
    async fn mail(&self, _: &str) -> Result<Option<OutboxMail>, StoreError> {
        Err(down())
    }
    async fn claim_mail(
        &self,
        _: &str,
        _: Timestamp,
        _: Timestamp,
    ) -> Result<Option<OutboxMail>, StoreError> {
        Err(down())
    }
    async fn mark_sent(&self, _: &str, _: &str, _: Timestamp) -> Result<bool, StoreError> {
        Err(down())
    }
    async fn release_mail(
        &self,
        _: &str,
        _: &str,
        _: &str,
        _: Timestamp,
    ) -> Result<bool, StoreError> {
        Err(down())
    }
    async fn close_mail(
        &self,
        _: &str,
        _: &str,
        _: MailState,
        _: &str,
        _: Timestamp,
    ) -> Result<bool, StoreError> {
        Err(down())
    }
}

fn down() -> StoreError {
    StoreError::Unavailable("simulated outage".into())
}

/// An outcomes file in memory that refuses writes while [`MemoryOutcomes::fail`] is set.
#[derive(Default)]
pub struct MemoryOutcomes {
    contents: Mutex<Option<String>>,
    failing: std::sync::atomic::AtomicBool,
    writes: AtomicUsize,
}

impl MemoryOutcomes {
    /// Makes every write fail (`true`) or succeed again.
    pub fn fail(&self, failing: bool) {
        self.failing.store(failing, Ordering::SeqCst);
    }

    /// The file's contents, parsed; empty when it was never written.
    pub fn outcomes(&self) -> cwu_domain::outcome::Outcomes {
        let contents = self.contents.lock().unwrap_or_else(|p| p.into_inner());
        contents.as_deref().map_or_else(Default::default, |json| {
            cwu_domain::outcome::Outcomes::from_json(json).expect("a valid outcomes file")
        })
    }

    /// The raw contents.
    pub fn json(&self) -> Option<String> {
        self.contents
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// How many writes succeeded.
    pub fn writes(&self) -> usize {
        self.writes.load(Ordering::SeqCst)
    }
}

#[async_trait]
impl OutcomesFile for MemoryOutcomes {
    async fn read(&self) -> Result<Option<String>, PublishError> {
        Ok(self.json())
    }

    async fn write(&self, json: &str) -> Result<(), PublishError> {
        if self.failing.load(Ordering::SeqCst) {
            return Err(PublishError::File("simulated storage outage".into()));
        }
        *self.contents.lock().unwrap_or_else(|p| p.into_inner()) = Some(json.to_owned());
        self.writes.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }
}
