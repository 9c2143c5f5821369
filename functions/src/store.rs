//! What a proposal store must do, and the records it keeps.
//!
//! One contract, two implementations: [`crate::local::RedbStore`] here and the DynamoDB store
//! under the `aws` feature. The behaviour suite in [`crate::testing`] checks both against the
//! same rules, so keep this documentation and that suite in step.

use crate::mail::{MailState, OutboxMail};
use async_trait::async_trait;
use cwu_domain::evaluation::EvaluationEvent;
use cwu_domain::proposal::ProposalFields;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// Identifies a proposal: one per proponent (normalized email) per opportunity.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ProposalKey {
    /// The opportunity's slug.
    pub opportunity: String,
    /// The proponent's normalized email ([`cwu_domain::email::normalize_email`]).
    pub email: String,
}

impl ProposalKey {
    /// The key of this proposal.
    pub fn of(fields: &ProposalFields) -> Self {
        ProposalKey {
            opportunity: fields.opportunity.clone(),
            email: fields.email.clone(),
        }
    }
}

/// One version of a proposal as stored (the current one and each entry of its history).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredProposal {
    /// This version's id: a ULID (sortable by time), new for every version.
    pub id: String,
    /// 1 for the first submission, +1 for each accepted resubmission.
    pub version: u32,
    /// When this version was accepted (the handler's clock).
    pub submitted_at: Timestamp,
    /// The validated fields; `fields.opportunity` and `fields.email` form the key.
    pub fields: ProposalFields,
    /// When the proponent accepted the terms (`fields.terms_version`): the submission time.
    pub terms_accepted_at: Timestamp,
    /// Hex SHA-256 of a salt and the client's IP address; `None` when the address is unknown.
    pub client_ip_hash: Option<String>,
    /// The browser's `User-Agent`, cut to a few hundred characters.
    pub user_agent: Option<String>,
    /// Hex SHA-256 of the fields: equal hashes mean an identical resubmission.
    pub content_hash: String,
    /// The proposal's stable reference: the first version's id, the same in every version.
    /// Manage links and the evaluation name a proposal by it (never by its address).
    #[serde(default)]
    pub reference: String,
    /// Set on a version that withdraws the proposal (its fields repeat the version before):
    /// a withdrawn proposal is not evaluated; a later version submits it again.
    #[serde(default)]
    pub withdrawn_at: Option<Timestamp>,
    /// Sent from the public form with its hidden `website` field (the honeypot) filled in:
    /// kept, but held apart as suspected spam until the owner moves it into the evaluation
    /// (an [`cwu_domain::evaluation::Change::Admit`] event). Later versions keep the mark.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub suspected_spam: bool,
}

impl StoredProposal {
    /// This proposal's key.
    pub fn key(&self) -> ProposalKey {
        ProposalKey::of(&self.fields)
    }

    /// The stable reference (records stored before references existed use their first id).
    pub fn reference(&self) -> &str {
        if self.reference.is_empty() {
            &self.id
        } else {
            &self.reference
        }
    }

    /// Whether this version withdrew the proposal.
    pub fn is_withdrawn(&self) -> bool {
        self.withdrawn_at.is_some()
    }
}

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The condition of a conditional write did not hold (someone else wrote first).
    #[error("the proposal changed while it was being saved")]
    Conflict,
    /// The store could not be reached or refused the operation; nothing was written.
    #[error("the proposal store is unavailable: {0}")]
    Unavailable(String),
}

/// Durable storage for proposals, their history and the mail outbox.
///
/// # Contract (every implementation behaves the same; `crate::testing` checks it)
///
/// - **Key**: opportunity + normalized email ([`ProposalKey`]). At most one *current*
///   proposal per key; every version ever accepted stays in the history.
/// - **Conditional write** ([`ProposalStore::put_version`]): writes the new current proposal,
///   its history entry and its outbox mails in ONE atomic operation (redb: one write
///   transaction; DynamoDB: one `TransactWriteItems`), and only when the current version is
///   still `expected` (`None`: no proposal for the key yet, i.e. `attribute_not_exists`).
///   Otherwise it writes nothing and returns [`StoreError::Conflict`]. Any other failure
///   writes nothing and returns [`StoreError::Unavailable`].
/// - **Versions and idempotency** are decided by [`crate::record::record`], not by the store:
///   it reads the current version, returns it unchanged when the content hash is identical,
///   otherwise writes version + 1 conditionally and re-reads on conflict. So 50 concurrent
///   identical posts give one record with one version, and concurrent different posts each
///   get their own version: none is lost.
/// - **Outbox**: a mail is `pending` until marked sent. A sender first *claims* it
///   ([`ProposalStore::claim_mail`]): a conditional update that succeeds only when the mail is
///   pending and not leased (no lease, or the lease has expired), setting a lease and a fresh
///   claim token and counting the attempt. Only the holder of the token may mark it sent or
///   release it. Two senders therefore never send the same mail at the same time; a sender
///   that dies after sending and before marking may cause one repeat once the lease expires
///   (at-least-once is the best any mail API allows).
/// - **Reads are strongly consistent** (DynamoDB: `ConsistentRead`): a read after a
///   successful write sees it, otherwise idempotency and versioning break under concurrency.
/// - **Mails with a fixed id** ([`ProposalStore::add_mails`]: an owner's invitation, a
///   reminder): each is added only if no mail with its id exists, so a sweep that runs twice,
///   or two sweeps at once, queue it once.
/// - **Counters** ([`ProposalStore::increment`]) are atomic: two increments never return the
///   same value. They serve rate limits and single-use links (the first use sees 1).
/// - **Evaluation events** ([`ProposalStore::append_evaluation`]) are append-only: an event
///   whose `(opportunity, seq)` exists is refused with [`StoreError::Conflict`] and nothing is
///   ever updated or deleted, which makes the audit trail uneditable. The mails of an event
///   (an award's result mails) are added in the same atomic write, or not at all.
/// - Methods never panic on bad data; they return `Unavailable` with a description.
#[async_trait]
pub trait ProposalStore: Send + Sync {
    /// The current version of the proposal with this key, if any.
    async fn current(&self, key: &ProposalKey) -> Result<Option<StoredProposal>, StoreError>;

    /// Atomically makes `proposal` the current version, appends it to the history and adds
    /// `mails` as pending outbox items, if the current version is still `expected`.
    async fn put_version(
        &self,
        expected: Option<u32>,
        proposal: &StoredProposal,
        mails: &[OutboxMail],
    ) -> Result<(), StoreError>;

    /// Every version of the proposal with this key, oldest first (empty when none).
    async fn history(&self, key: &ProposalKey) -> Result<Vec<StoredProposal>, StoreError>;

    /// The current proposals for an opportunity, in key order.
    async fn proposals(&self, opportunity: &str) -> Result<Vec<StoredProposal>, StoreError>;

    /// Adds each mail whose id is not in the outbox yet (pending); returns how many were new.
    async fn add_mails(&self, mails: &[OutboxMail]) -> Result<usize, StoreError>;

    /// Atomically adds 1 to the counter `key` (from 0 when absent or expired) and returns the
    /// new value; the store may forget the counter after `expires`.
    async fn increment(&self, key: &str, expires: Timestamp) -> Result<u64, StoreError>;

    /// The evaluation events of an opportunity, in `seq` order.
    async fn evaluation(&self, opportunity: &str) -> Result<Vec<EvaluationEvent>, StoreError>;

    /// Appends `event` and adds `mails` as pending outbox items, atomically, unless the
    /// event's `(opportunity, seq)` exists ([`StoreError::Conflict`]: nothing written).
    async fn append_evaluation(
        &self,
        event: &EvaluationEvent,
        mails: &[OutboxMail],
    ) -> Result<(), StoreError>;

    /// Ids of mails not yet sent (leased or not), oldest first, at most `limit`.
    async fn pending_mail(&self, limit: usize) -> Result<Vec<String>, StoreError>;

    /// The outbox mail with this id, whatever its state.
    async fn mail(&self, id: &str) -> Result<Option<OutboxMail>, StoreError>;

    /// Claims a pending mail whose lease (if any) ended at or before `now`: sets
    /// `lease_until`, a new `claim` token and `attempts + 1`, and returns the updated mail.
    /// `Ok(None)` when it is sent, leased by someone else, or unknown.
    async fn claim_mail(
        &self,
        id: &str,
        now: Timestamp,
        lease_until: Timestamp,
    ) -> Result<Option<OutboxMail>, StoreError>;

    /// Marks a claimed mail sent (state `sent`, `sent_at`, claim and lease cleared) if `claim`
    /// still holds it; `Ok(false)` when it does not (the lease was lost).
    async fn mark_sent(&self, id: &str, claim: &str, now: Timestamp) -> Result<bool, StoreError>;

    /// Gives a claimed mail back after a failed send: records `error`, clears the claim and
    /// leases it until `retry_at` so nobody retries sooner; `Ok(false)` if `claim` lost it.
    async fn release_mail(
        &self,
        id: &str,
        claim: &str,
        error: &str,
        retry_at: Timestamp,
    ) -> Result<bool, StoreError>;

    /// Ends a claimed mail for good at `now` without sending it: `end` is `failed` (given up)
    /// or `cancelled` (no longer wanted); `reason` is recorded, claim and lease are cleared and
    /// it is no longer pending, if `claim` still holds it; `Ok(false)` when it does not.
    async fn close_mail(
        &self,
        id: &str,
        claim: &str,
        end: MailState,
        reason: &str,
        now: Timestamp,
    ) -> Result<bool, StoreError>;
}
