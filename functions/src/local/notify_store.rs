//! [`NotifyStore`] on the same redb file as the proposals: one table of records keyed
//! `<kind>|<key>`, and the outbox tables shared with [`RedbStore`], written in the same
//! transaction.

use super::store::{OUTBOX, PENDING, RedbStore, from_json, to_json, unavailable};
use crate::mail::{MailState, OutboxMail};
use crate::notify::records::{Expect, Kind, NotifyStore, Record};
use crate::store::StoreError;
use async_trait::async_trait;
use jiff::Timestamp;
use redb::{ReadableDatabase, ReadableTable, TableDefinition, TableError, WriteTransaction};

/// Notification records (JSON [`Record`]s).
const RECORDS: TableDefinition<&str, &[u8]> = TableDefinition::new("notify_records");

fn full_key(kind: Kind, key: &str) -> String {
    format!("{}|{key}", kind.name())
}

/// Adds `mail` as pending unless its id exists; whether it was added.
fn insert_mail(txn: &WriteTransaction, mail: &OutboxMail) -> Result<bool, StoreError> {
    let mut outbox = txn.open_table(OUTBOX).map_err(unavailable)?;
    if outbox.get(mail.id.as_str()).map_err(unavailable)?.is_some() {
        return Ok(false);
    }
    outbox
        .insert(mail.id.as_str(), to_json(mail)?.as_slice())
        .map_err(unavailable)?;
    if mail.state == MailState::Pending {
        let mut pending = txn.open_table(PENDING).map_err(unavailable)?;
        pending.insert(mail.id.as_str(), ()).map_err(unavailable)?;
    }
    Ok(true)
}

#[async_trait]
impl NotifyStore for RedbStore {
    async fn record(&self, kind: Kind, key: &str) -> Result<Option<Record>, StoreError> {
        let key = full_key(kind, key);
        self.run(move |db| RedbStore::get(db, RECORDS, &key)).await
    }

    async fn put_record(
        &self,
        kind: Kind,
        key: &str,
        expect: Expect,
        value: &serde_json::Value,
        expires_at: Option<Timestamp>,
        mails: &[OutboxMail],
    ) -> Result<u64, StoreError> {
        let key = full_key(kind, key);
        let value = value.clone();
        let mails = mails.to_vec();
        self.run(move |db| {
            let txn = db.begin_write().map_err(unavailable)?;
            let version = {
                let mut table = txn.open_table(RECORDS).map_err(unavailable)?;
                let current = match table.get(key.as_str()).map_err(unavailable)? {
                    Some(bytes) => Some(from_json::<Record>(bytes.value())?.version),
                    None => None,
                };
                let version = match (expect, current) {
                    (Expect::Absent, None) => 1,
                    (Expect::Version(v), Some(c)) if v == c => c + 1,
                    _ => return Err(StoreError::Conflict),
                };
                let record = Record {
                    value,
                    version,
                    expires_at,
                };
                table
                    .insert(key.as_str(), to_json(&record)?.as_slice())
                    .map_err(unavailable)?;
                version
            };
            for mail in &mails {
                insert_mail(&txn, mail)?;
            }
            txn.commit().map_err(unavailable)?;
            Ok(version)
        })
        .await
    }

    async fn delete_record(&self, kind: Kind, key: &str) -> Result<(), StoreError> {
        let key = full_key(kind, key);
        self.run(move |db| {
            let txn = db.begin_write().map_err(unavailable)?;
            txn.open_table(RECORDS)
                .map_err(unavailable)?
                .remove(key.as_str())
                .map_err(unavailable)?;
            txn.commit().map_err(unavailable)
        })
        .await
    }

    async fn records(&self, kind: Kind, prefix: &str) -> Result<Vec<(String, Record)>, StoreError> {
        let kind_prefix = full_key(kind, "");
        let prefix = full_key(kind, prefix);
        self.run(move |db| {
            let txn = db.begin_read().map_err(unavailable)?;
            let table = match txn.open_table(RECORDS) {
                Ok(table) => table,
                Err(TableError::TableDoesNotExist(_)) => return Ok(Vec::new()),
                Err(error) => return Err(unavailable(error)),
            };
            let mut out = Vec::new();
            for row in table.range(prefix.as_str()..).map_err(unavailable)? {
                let (key, value) = row.map_err(unavailable)?;
                if !key.value().starts_with(prefix.as_str()) {
                    break;
                }
                let own = key.value()[kind_prefix.len()..].to_owned();
                out.push((own, from_json(value.value())?));
            }
            Ok(out)
        })
        .await
    }

    async fn add_mail(&self, mail: &OutboxMail) -> Result<bool, StoreError> {
        let mail = mail.clone();
        self.run(move |db| {
            let txn = db.begin_write().map_err(unavailable)?;
            let added = insert_mail(&txn, &mail)?;
            txn.commit().map_err(unavailable)?;
            Ok(added)
        })
        .await
    }
}
