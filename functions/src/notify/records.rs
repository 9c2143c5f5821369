//! What the notifications keep in the store, and the [`NotifyStore`] contract that keeps it.
//!
//! Each record is a small JSON document under a [`Kind`] and a key, with a version for
//! conditional writes and an optional expiry (DynamoDB TTL deletes expired items; until then,
//! and in redb, readers treat them as absent). A write may carry outbox mails: record and mails
//! are stored in one atomic write, as a proposal and its receipt are.
//!
//! Keys never contain an address: a subscriber is known by [`crate::notify::links::subscriber_id`],
//! a keyed hash of the normalized address. The address itself is kept only inside the records
//! that are needed to send mail (a confirmed subscription, a watch, a request waiting for its
//! confirmation), and those are deleted when the person leaves.

use crate::mail::OutboxMail;
use crate::store::StoreError;
use async_trait::async_trait;
use cwu_domain::subscription::{Announced, Change, Frequency};
use jiff::Timestamp;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// The kinds of record; each is its own key space.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A confirmed subscription to new opportunities, by subscriber id ([`Subscriber`]).
    Subscriber,
    /// A request waiting for its confirmation link, `<id>|<what>` ([`Pending`]); expires.
    Pending,
    /// A confirmed watch of one opportunity, `<slug>|<id>` ([`Watcher`]).
    Watch,
    /// A proponent who left an opportunity's change notices, `<slug>|<id>` ([`OptOut`]).
    OptOut,
    /// An address that bounced or complained, by id ([`Suppression`]).
    Suppressed,
    /// A rate-limit counter ([`Counter`]); expires.
    Counter,
    /// What was announced about an opportunity, by slug ([`AnnouncedRecord`]).
    Announced,
}

impl Kind {
    /// The kind's name in keys and item types.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Subscriber => "subscriber",
            Kind::Pending => "pending",
            Kind::Watch => "watch",
            Kind::OptOut => "optout",
            Kind::Suppressed => "suppressed",
            Kind::Counter => "counter",
            Kind::Announced => "announced",
        }
    }
}

/// A stored record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// The document.
    pub value: serde_json::Value,
    /// 1 when first written, +1 per write.
    pub version: u64,
    /// When it stops counting (and may be deleted).
    pub expires_at: Option<Timestamp>,
}

impl Record {
    /// Whether it still counts at `now`.
    pub fn is_live(&self, now: Timestamp) -> bool {
        self.expires_at.is_none_or(|at| at > now)
    }
}

/// The condition of a [`NotifyStore::put_record`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// No record with this key exists.
    Absent,
    /// The record is at this version.
    Version(u64),
}

/// Durable storage for subscriptions, watches, suppressions, counters and announcements.
///
/// # Contract (the redb and DynamoDB stores behave the same)
/// - [`NotifyStore::put_record`] writes the record (as version `expected + 1`, or 1) and the
///   mails as pending outbox items in ONE atomic write, only if `expect` holds; otherwise it
///   writes nothing and returns [`StoreError::Conflict`].
/// - [`NotifyStore::add_mail`] adds one pending mail unless a mail with its id exists: the
///   notifier derives ids from the news and the recipient, so a re-run adds nothing twice.
/// - Reads are strongly consistent; expired records are returned with their expiry (callers
///   treat them as absent).
#[async_trait]
pub trait NotifyStore: Send + Sync {
    /// The record of `kind` under `key`.
    async fn record(&self, kind: Kind, key: &str) -> Result<Option<Record>, StoreError>;

    /// Writes `value` (and `mails`) if `expect` holds; returns the new version.
    #[allow(clippy::too_many_arguments)]
    async fn put_record(
        &self,
        kind: Kind,
        key: &str,
        expect: Expect,
        value: &serde_json::Value,
        expires_at: Option<Timestamp>,
        mails: &[OutboxMail],
    ) -> Result<u64, StoreError>;

    /// Deletes the record (nothing when there is none).
    async fn delete_record(&self, kind: Kind, key: &str) -> Result<(), StoreError>;

    /// The records of `kind` whose key starts with `prefix`, in key order.
    async fn records(&self, kind: Kind, prefix: &str) -> Result<Vec<(String, Record)>, StoreError>;

    /// Adds `mail` as pending unless a mail with its id exists; `true` when added.
    async fn add_mail(&self, mail: &OutboxMail) -> Result<bool, StoreError>;
}

/// A confirmed subscription to new opportunities.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subscriber {
    /// Where mail goes (normalized).
    pub email: String,
    /// Skills of interest; empty: every opportunity.
    pub skills: Vec<String>,
    /// Each new opportunity, or a weekly digest.
    pub frequency: Frequency,
    /// When the confirmation link was followed.
    pub confirmed_at: Timestamp,
    /// Slugs waiting for the next weekly digest, oldest first.
    pub digest: Vec<String>,
    /// When the next weekly digest is due.
    pub digest_due: Timestamp,
}

/// What a confirmation link will confirm.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "request", rename_all = "lowercase")]
pub enum Request {
    /// Subscribe (or change an existing subscription) with these preferences.
    Subscribe {
        /// Skills of interest.
        skills: Vec<String>,
        /// How often.
        frequency: Frequency,
    },
    /// Watch one opportunity.
    Watch {
        /// Its slug.
        opportunity: String,
    },
}

impl Request {
    /// The part of the pending key and of the confirmation link that names the request.
    pub fn what(&self) -> String {
        match self {
            Request::Subscribe { .. } => "subscribe".into(),
            Request::Watch { opportunity } => format!("watch:{opportunity}"),
        }
    }
}

/// A request waiting for its confirmation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pending {
    /// The address to confirm (normalized).
    pub email: String,
    /// What confirming does.
    pub request: Request,
    /// When it was asked for.
    pub requested_at: Timestamp,
}

/// A confirmed watch of one opportunity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Watcher {
    /// Where mail goes (normalized).
    pub email: String,
    /// When the watch was confirmed.
    pub since: Timestamp,
}

/// A proponent's "no more notices about this opportunity" (no address: the key is enough).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OptOut {
    /// When they left.
    pub at: Timestamp,
}

/// An address that must receive nothing more until it subscribes again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suppression {
    /// `bounce` or `complaint`.
    pub reason: String,
    /// When the event arrived.
    pub at: Timestamp,
}

/// A rate-limit counter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counter {
    /// Events counted in the counter's window.
    pub count: u32,
}

/// News detected but not yet fully mailed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct News {
    /// [`Change::id`]: mail ids derive from it.
    pub id: String,
    /// What happened.
    pub change: Change,
    /// When the notifier first saw it.
    pub detected_at: Timestamp,
}

/// What was announced about one opportunity, and news still being sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnnouncedRecord {
    /// The facts as announced (including `pending`).
    pub facts: Announced,
    /// News recorded but whose mails may not all be in the outbox yet.
    pub pending: Vec<News>,
}

fn bad_record(kind: Kind, error: impl std::fmt::Display) -> StoreError {
    StoreError::Unavailable(format!("a {} record is unreadable: {error}", kind.name()))
}

/// The live record of `kind` under `key`, read as `T`, with its version.
pub async fn get<T: DeserializeOwned>(
    store: &dyn NotifyStore,
    kind: Kind,
    key: &str,
    now: Timestamp,
) -> Result<Option<(T, u64)>, StoreError> {
    match store.record(kind, key).await? {
        Some(record) if record.is_live(now) => {
            let value = serde_json::from_value(record.value).map_err(|e| bad_record(kind, e))?;
            Ok(Some((value, record.version)))
        }
        _ => Ok(None),
    }
}

/// What [`update`] should do with the current value.
pub enum Update<T> {
    /// Write this value (with these expiry and mails).
    Put(T, Option<Timestamp>, Vec<OutboxMail>),
    /// Delete the record.
    Delete,
    /// Leave it as it is.
    Keep,
}

/// How many times [`update`] re-reads after losing a race.
const MAX_ATTEMPTS: usize = 25;

/// Reads the record, lets `decide` choose, and writes conditionally, re-reading whenever
/// another writer got there first. Expired records count as absent.
pub async fn update<T: Serialize + DeserializeOwned>(
    store: &dyn NotifyStore,
    kind: Kind,
    key: &str,
    now: Timestamp,
    mut decide: impl FnMut(Option<T>) -> Update<T> + Send,
) -> Result<(), StoreError> {
    for _ in 0..MAX_ATTEMPTS {
        let record = store.record(kind, key).await?;
        let expect = record
            .as_ref()
            .map_or(Expect::Absent, |r| Expect::Version(r.version));
        let current = match record.filter(|r| r.is_live(now)) {
            Some(record) => {
                Some(serde_json::from_value(record.value).map_err(|e| bad_record(kind, e))?)
            }
            None => None,
        };
        let (value, expires_at, mails) = match decide(current) {
            Update::Put(value, expires_at, mails) => (value, expires_at, mails),
            Update::Delete => return store.delete_record(kind, key).await,
            Update::Keep => return Ok(()),
        };
        let value = serde_json::to_value(&value).map_err(|e| bad_record(kind, e))?;
        match store
            .put_record(kind, key, expect, &value, expires_at, &mails)
            .await
        {
            Ok(_) => return Ok(()),
            Err(StoreError::Conflict) => continue,
            Err(error) => return Err(error),
        }
    }
    Err(StoreError::Unavailable(format!(
        "too many concurrent changes to a {} record",
        kind.name()
    )))
}
