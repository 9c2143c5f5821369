//! [`NotifyStore`] on the proposals table: one item per record, written together with its
//! outbox mails in one `TransactWriteItems` when it has any.
//!
//! | item           | `pk`              | `sk`   | `item_type` | attributes                       |
//! |----------------|-------------------|--------|-------------|----------------------------------|
//! | notify record  | `NOTIFY#<kind>`   | key    | `notify`    | `doc` (JSON), `version`, `expires_at` |
//!
//! A kind's records share a partition, so listing them (the notifier's subscribers, an
//! opportunity's watchers) is one paged `Query`. `expires_at` (epoch seconds) is the table's
//! TTL attribute: pending requests and rate-limit counters delete themselves.

use super::attribute::Item;
use super::dynamodb::{DynamoStore, mail_item, n, put_if, s, sdk_unavailable, unavailable, write};
use crate::mail::OutboxMail;
use crate::notify::records::{Expect, Kind, NotifyStore, Record};
use crate::store::StoreError;
use async_trait::async_trait;
use aws_sdk_dynamodb::types::AttributeValue;
use jiff::Timestamp;

fn pk(kind: Kind) -> String {
    format!("NOTIFY#{}", kind.name())
}

fn record_item(kind: Kind, key: &str, record: &Record) -> Item {
    let mut item = Item::from([
        ("pk".to_owned(), s(pk(kind))),
        ("sk".to_owned(), s(key)),
        ("item_type".to_owned(), s("notify")),
        ("doc".to_owned(), s(record.value.to_string())),
        ("version".to_owned(), n(record.version)),
    ]);
    if let Some(at) = record.expires_at {
        item.insert("expires_at".into(), n(at.as_second()));
    }
    item
}

fn read_record(item: &Item) -> Result<Record, StoreError> {
    let doc = match item.get("doc") {
        Some(AttributeValue::S(doc)) => doc,
        _ => return Err(unavailable("notify record", "no `doc`")),
    };
    let number = |name: &str| match item.get(name) {
        Some(AttributeValue::N(v)) => v.parse::<i64>().ok(),
        _ => None,
    };
    Ok(Record {
        value: serde_json::from_str(doc).map_err(|e| unavailable("notify record", e))?,
        version: number("version")
            .and_then(|v| u64::try_from(v).ok())
            .unwrap_or(0),
        expires_at: number("expires_at").and_then(|at| Timestamp::from_second(at).ok()),
    })
}

#[async_trait]
impl NotifyStore for DynamoStore {
    async fn record(&self, kind: Kind, key: &str) -> Result<Option<Record>, StoreError> {
        let item = self
            .get(pk(kind), key.to_owned(), "get notify record")
            .await?;
        item.as_ref().map(read_record).transpose()
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
        let version = match expect {
            Expect::Absent => 1,
            Expect::Version(v) => v + 1,
        };
        let record = Record {
            value: value.clone(),
            version,
            expires_at,
        };
        let expected = match expect {
            Expect::Absent => None,
            Expect::Version(v) => Some(v),
        };
        let put = put_if(self.table(), record_item(kind, key, &record), expected)?;
        if mails.is_empty() {
            return match self.put_one(put, "put notify record").await? {
                true => Ok(version),
                false => Err(StoreError::Conflict),
            };
        }
        self.transact(vec![write(put)], mails, "write notify record")
            .await
            .map(|()| version)
    }

    async fn delete_record(&self, kind: Kind, key: &str) -> Result<(), StoreError> {
        self.client()
            .delete_item()
            .table_name(self.table())
            .key("pk", s(pk(kind)))
            .key("sk", s(key))
            .send()
            .await
            .map(|_| ())
            .map_err(|e| sdk_unavailable("delete notify record", e))
    }

    async fn records(&self, kind: Kind, prefix: &str) -> Result<Vec<(String, Record)>, StoreError> {
        let items = self.query_prefix(pk(kind), prefix.to_owned()).await?;
        items
            .iter()
            .map(|item| {
                let key = match item.get("sk") {
                    Some(AttributeValue::S(key)) => key.clone(),
                    _ => return Err(unavailable("notify record", "no `sk`")),
                };
                Ok((key, read_record(item)?))
            })
            .collect()
    }

    async fn add_mail(&self, mail: &OutboxMail) -> Result<bool, StoreError> {
        self.create(mail_item(mail)?, "add mail").await
    }
}
