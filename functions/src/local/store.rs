//! [`RedbStore`]: the proposal store of `site-gen serve`, one redb file with ACID transactions.
//!
//! Every write runs in one redb write transaction, and redb runs write transactions one at a
//! time, so the conditions of the [`ProposalStore`] contract are checked and applied
//! atomically, exactly as DynamoDB's `TransactWriteItems` does in AWS.

use crate::mail::{MailState, OutboxMail};
use crate::store::{ProposalKey, ProposalStore, StoreError, StoredProposal};
use async_trait::async_trait;
use cwu_domain::evaluation::EvaluationEvent;
use jiff::Timestamp;
use redb::{Database, ReadableDatabase, ReadableTable, TableDefinition};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::path::Path;
use std::sync::Arc;

/// Current proposal per key (`opportunity \x1f email`), JSON.
const PROPOSALS: TableDefinition<&str, &[u8]> = TableDefinition::new("proposals");
/// Every version (`opportunity \x1f email \x1f version`), JSON.
const VERSIONS: TableDefinition<&str, &[u8]> = TableDefinition::new("proposal_versions");
/// Outbox mails by id, JSON.
pub(super) const OUTBOX: TableDefinition<&str, &[u8]> = TableDefinition::new("outbox");
/// Ids of pending outbox mails (ULIDs sort by creation time).
pub(super) const PENDING: TableDefinition<&str, ()> = TableDefinition::new("outbox_pending");
/// Counters by key. Callers put the time window in the key, so a local store keeps them
/// (they are tiny) and ignores their expiry.
const COUNTERS: TableDefinition<&str, u64> = TableDefinition::new("counters");
/// Evaluation events (`opportunity \x1f seq:010`), JSON; only ever inserted.
const EVALUATION: TableDefinition<&str, &[u8]> = TableDefinition::new("evaluation_events");

const SEPARATOR: char = '\u{1f}';

pub(super) fn unavailable(error: impl std::fmt::Display) -> StoreError {
    StoreError::Unavailable(error.to_string())
}

fn key_text(key: &ProposalKey) -> String {
    format!("{}{SEPARATOR}{}", key.opportunity, key.email)
}

fn version_key(key: &ProposalKey, version: u32) -> String {
    format!("{}{SEPARATOR}{version:010}", key_text(key))
}

pub(super) fn to_json<T: Serialize>(value: &T) -> Result<Vec<u8>, StoreError> {
    serde_json::to_vec(value).map_err(unavailable)
}

pub(super) fn from_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, StoreError> {
    serde_json::from_slice(bytes).map_err(unavailable)
}

/// Adds `mails` to the outbox (and the pending ones to the pending list) within `txn`.
fn insert_mails(txn: &redb::WriteTransaction, mails: &[OutboxMail]) -> Result<(), StoreError> {
    let mut outbox = txn.open_table(OUTBOX).map_err(unavailable)?;
    let mut pending = txn.open_table(PENDING).map_err(unavailable)?;
    for mail in mails {
        outbox
            .insert(mail.id.as_str(), to_json(mail)?.as_slice())
            .map_err(unavailable)?;
        if mail.state == MailState::Pending {
            pending.insert(mail.id.as_str(), ()).map_err(unavailable)?;
        }
    }
    Ok(())
}

/// The embedded store: a redb database file.
#[derive(Clone)]
pub struct RedbStore {
    db: Arc<Database>,
}

impl RedbStore {
    /// Opens (or creates) the database at `path`, creating its tables.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(unavailable)?;
        }
        let db = Database::create(path).map_err(unavailable)?;
        let txn = db.begin_write().map_err(unavailable)?;
        {
            txn.open_table(PROPOSALS).map_err(unavailable)?;
            txn.open_table(VERSIONS).map_err(unavailable)?;
            txn.open_table(OUTBOX).map_err(unavailable)?;
            txn.open_table(PENDING).map_err(unavailable)?;
            txn.open_table(COUNTERS).map_err(unavailable)?;
            txn.open_table(EVALUATION).map_err(unavailable)?;
        }
        txn.commit().map_err(unavailable)?;
        Ok(RedbStore { db: Arc::new(db) })
    }

    /// Runs blocking database work off the async threads.
    pub(super) async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Database) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let db = Arc::clone(&self.db);
        tokio::task::spawn_blocking(move || work(&db))
            .await
            .map_err(unavailable)?
    }

    /// The row under `key` in `table` (none when the table was never written).
    pub(super) fn get<T: DeserializeOwned>(
        db: &Database,
        table: TableDefinition<&str, &[u8]>,
        key: &str,
    ) -> Result<Option<T>, StoreError> {
        let txn = db.begin_read().map_err(unavailable)?;
        let table = match txn.open_table(table) {
            Ok(table) => table,
            Err(redb::TableError::TableDoesNotExist(_)) => return Ok(None),
            Err(error) => return Err(unavailable(error)),
        };
        match table.get(key).map_err(unavailable)? {
            Some(bytes) => Ok(Some(from_json(bytes.value())?)),
            None => Ok(None),
        }
    }

    /// Reads rows whose key starts with `prefix` from `table`, in key order.
    fn scan<T: DeserializeOwned>(
        db: &Database,
        table: TableDefinition<&str, &[u8]>,
        prefix: &str,
    ) -> Result<Vec<T>, StoreError> {
        let txn = db.begin_read().map_err(unavailable)?;
        let table = txn.open_table(table).map_err(unavailable)?;
        let mut out = Vec::new();
        for row in table.range(prefix..).map_err(unavailable)? {
            let (key, value) = row.map_err(unavailable)?;
            if !key.value().starts_with(prefix) {
                break;
            }
            out.push(from_json(value.value())?);
        }
        Ok(out)
    }

    /// Applies `change` to the pending mail `id` and drops the claim, if `claim` still holds
    /// it; whether it did.
    async fn settle(
        &self,
        id: &str,
        claim: &str,
        change: impl FnOnce(&mut OutboxMail) + Send + 'static,
    ) -> Result<bool, StoreError> {
        let claim = claim.to_owned();
        let updated = self
            .update_mail(id, move |mut mail| {
                let held =
                    mail.state == MailState::Pending && mail.claim.as_deref() == Some(&claim);
                held.then(|| {
                    change(&mut mail);
                    mail.claim = None;
                    mail
                })
            })
            .await?;
        Ok(updated.is_some())
    }

    /// Applies `change` to the mail `id` in one write transaction; `change` returns `None`
    /// to leave it alone (its condition failed).
    async fn update_mail(
        &self,
        id: &str,
        change: impl FnOnce(OutboxMail) -> Option<OutboxMail> + Send + 'static,
    ) -> Result<Option<OutboxMail>, StoreError> {
        let id = id.to_owned();
        self.run(move |db| {
            let txn = db.begin_write().map_err(unavailable)?;
            let updated = {
                let mut outbox = txn.open_table(OUTBOX).map_err(unavailable)?;
                let current: Option<OutboxMail> =
                    match outbox.get(id.as_str()).map_err(unavailable)? {
                        Some(bytes) => Some(from_json(bytes.value())?),
                        None => None,
                    };
                match current.and_then(change) {
                    Some(mail) => {
                        outbox
                            .insert(id.as_str(), to_json(&mail)?.as_slice())
                            .map_err(unavailable)?;
                        if mail.state != MailState::Pending {
                            let mut pending = txn.open_table(PENDING).map_err(unavailable)?;
                            pending.remove(id.as_str()).map_err(unavailable)?;
                        }
                        Some(mail)
                    }
                    None => None,
                }
            };
            if updated.is_some() {
                txn.commit().map_err(unavailable)?;
            }
            Ok(updated)
        })
        .await
    }
}

#[async_trait]
impl ProposalStore for RedbStore {
    async fn current(&self, key: &ProposalKey) -> Result<Option<StoredProposal>, StoreError> {
        let key = key_text(key);
        self.run(move |db| Self::get(db, PROPOSALS, &key)).await
    }

    async fn put_version(
        &self,
        expected: Option<u32>,
        proposal: &StoredProposal,
        mails: &[OutboxMail],
    ) -> Result<(), StoreError> {
        let proposal = proposal.clone();
        let mails = mails.to_vec();
        self.run(move |db| {
            let key = proposal.key();
            let txn = db.begin_write().map_err(unavailable)?;
            {
                let mut proposals = txn.open_table(PROPOSALS).map_err(unavailable)?;
                let current = match proposals
                    .get(key_text(&key).as_str())
                    .map_err(unavailable)?
                {
                    Some(bytes) => Some(from_json::<StoredProposal>(bytes.value())?.version),
                    None => None,
                };
                if current != expected {
                    return Err(StoreError::Conflict);
                }
                let json = to_json(&proposal)?;
                proposals
                    .insert(key_text(&key).as_str(), json.as_slice())
                    .map_err(unavailable)?;
                let mut versions = txn.open_table(VERSIONS).map_err(unavailable)?;
                versions
                    .insert(
                        version_key(&key, proposal.version).as_str(),
                        json.as_slice(),
                    )
                    .map_err(unavailable)?;
                insert_mails(&txn, &mails)?;
            }
            txn.commit().map_err(unavailable)
        })
        .await
    }

    async fn history(&self, key: &ProposalKey) -> Result<Vec<StoredProposal>, StoreError> {
        let prefix = format!("{}{SEPARATOR}", key_text(key));
        self.run(move |db| Self::scan(db, VERSIONS, &prefix)).await
    }

    async fn proposals(&self, opportunity: &str) -> Result<Vec<StoredProposal>, StoreError> {
        let prefix = format!("{opportunity}{SEPARATOR}");
        self.run(move |db| Self::scan(db, PROPOSALS, &prefix)).await
    }

    async fn add_mails(&self, mails: &[OutboxMail]) -> Result<usize, StoreError> {
        let mails = mails.to_vec();
        self.run(move |db| {
            let txn = db.begin_write().map_err(unavailable)?;
            let mut added = 0;
            {
                let mut outbox = txn.open_table(OUTBOX).map_err(unavailable)?;
                let mut pending = txn.open_table(PENDING).map_err(unavailable)?;
                for mail in &mails {
                    if outbox.get(mail.id.as_str()).map_err(unavailable)?.is_some() {
                        continue;
                    }
                    outbox
                        .insert(mail.id.as_str(), to_json(mail)?.as_slice())
                        .map_err(unavailable)?;
                    pending.insert(mail.id.as_str(), ()).map_err(unavailable)?;
                    added += 1;
                }
            }
            txn.commit().map_err(unavailable)?;
            Ok(added)
        })
        .await
    }

    async fn increment(&self, key: &str, _expires: Timestamp) -> Result<u64, StoreError> {
        let key = key.to_owned();
        self.run(move |db| {
            let txn = db.begin_write().map_err(unavailable)?;
            let value = {
                let mut counters = txn.open_table(COUNTERS).map_err(unavailable)?;
                let old = counters
                    .get(key.as_str())
                    .map_err(unavailable)?
                    .map_or(0, |row| row.value());
                counters
                    .insert(key.as_str(), old + 1)
                    .map_err(unavailable)?;
                old + 1
            };
            txn.commit().map_err(unavailable)?;
            Ok(value)
        })
        .await
    }

    async fn evaluation(&self, opportunity: &str) -> Result<Vec<EvaluationEvent>, StoreError> {
        let prefix = format!("{opportunity}{SEPARATOR}");
        self.run(move |db| Self::scan(db, EVALUATION, &prefix))
            .await
    }

    async fn append_evaluation(
        &self,
        event: &EvaluationEvent,
        mails: &[OutboxMail],
    ) -> Result<(), StoreError> {
        let event = event.clone();
        let mails = mails.to_vec();
        self.run(move |db| {
            let key = format!("{}{SEPARATOR}{:010}", event.opportunity, event.seq);
            let txn = db.begin_write().map_err(unavailable)?;
            {
                let mut events = txn.open_table(EVALUATION).map_err(unavailable)?;
                if events.get(key.as_str()).map_err(unavailable)?.is_some() {
                    return Err(StoreError::Conflict);
                }
                events
                    .insert(key.as_str(), to_json(&event)?.as_slice())
                    .map_err(unavailable)?;
                insert_mails(&txn, &mails)?;
            }
            txn.commit().map_err(unavailable)
        })
        .await
    }

    async fn pending_mail(&self, limit: usize) -> Result<Vec<String>, StoreError> {
        self.run(move |db| {
            let txn = db.begin_read().map_err(unavailable)?;
            let table = txn.open_table(PENDING).map_err(unavailable)?;
            let mut ids = Vec::new();
            for row in table.iter().map_err(unavailable)?.take(limit) {
                ids.push(row.map_err(unavailable)?.0.value().to_owned());
            }
            Ok(ids)
        })
        .await
    }

    async fn mail(&self, id: &str) -> Result<Option<OutboxMail>, StoreError> {
        let id = id.to_owned();
        self.run(move |db| Self::get(db, OUTBOX, &id)).await
    }

    async fn claim_mail(
        &self,
        id: &str,
        now: Timestamp,
        lease_until: Timestamp,
    ) -> Result<Option<OutboxMail>, StoreError> {
        let claim = crate::ids::random().to_string();
        self.update_mail(id, move |mut mail| {
            let free = mail.lease_until.is_none_or(|until| until <= now);
            (mail.state == MailState::Pending && free).then(|| {
                mail.lease_until = Some(lease_until);
                mail.claim = Some(claim);
                mail.attempts += 1;
                mail
            })
        })
        .await
    }

    async fn mark_sent(&self, id: &str, claim: &str, now: Timestamp) -> Result<bool, StoreError> {
        self.settle(id, claim, move |mail| {
            mail.state = MailState::Sent;
            mail.sent_at = Some(now);
            mail.lease_until = None;
        })
        .await
    }

    async fn release_mail(
        &self,
        id: &str,
        claim: &str,
        error: &str,
        retry_at: Timestamp,
    ) -> Result<bool, StoreError> {
        let error = error.to_owned();
        self.settle(id, claim, move |mail| {
            mail.lease_until = Some(retry_at);
            mail.last_error = Some(error);
        })
        .await
    }

    async fn close_mail(
        &self,
        id: &str,
        claim: &str,
        end: MailState,
        reason: &str,
        _now: Timestamp,
    ) -> Result<bool, StoreError> {
        let reason = reason.to_owned();
        self.settle(id, claim, move |mail| {
            mail.state = end;
            mail.lease_until = None;
            mail.last_error = Some(reason);
        })
        .await
    }
}
