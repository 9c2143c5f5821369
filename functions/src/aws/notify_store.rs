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

use super::dynamodb::{DynamoStore, mail_item, n, s, sdk_unavailable, unavailable};
use crate::mail::OutboxMail;
use crate::notify::records::{Expect, Kind, NotifyStore, Record};
use crate::store::StoreError;
use async_trait::async_trait;
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::put_item::PutItemError;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem};
use jiff::Timestamp;
use std::collections::HashMap;

type Item = HashMap<String, AttributeValue>;

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

fn conditional_put(table: &str, item: Item, expect: Option<Expect>) -> Result<Put, StoreError> {
    let put = Put::builder().table_name(table).set_item(Some(item));
    let put = match expect {
        Some(Expect::Absent) | None => put.condition_expression("attribute_not_exists(pk)"),
        Some(Expect::Version(version)) => put
            .condition_expression("#version = :expected")
            .expression_attribute_names("#version", "version")
            .expression_attribute_values(":expected", n(version)),
    };
    put.build()
        .map_err(|e| unavailable("building the transaction", e))
}

#[async_trait]
impl NotifyStore for DynamoStore {
    async fn record(&self, kind: Kind, key: &str) -> Result<Option<Record>, StoreError> {
        let output = self
            .client()
            .get_item()
            .table_name(self.table())
            .consistent_read(true)
            .key("pk", s(pk(kind)))
            .key("sk", s(key))
            .send()
            .await
            .map_err(|e| sdk_unavailable("get notify record", e))?;
        output.item.as_ref().map(read_record).transpose()
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
        let put = conditional_put(self.table(), record_item(kind, key, &record), Some(expect))?;
        if mails.is_empty() {
            let result = self
                .client()
                .put_item()
                .table_name(self.table())
                .set_item(put.item().clone().into())
                .set_condition_expression(put.condition_expression().map(str::to_owned))
                .set_expression_attribute_names(put.expression_attribute_names().cloned())
                .set_expression_attribute_values(put.expression_attribute_values().cloned())
                .send()
                .await;
            return match result {
                Ok(_) => Ok(version),
                Err(SdkError::ServiceError(e))
                    if matches!(e.err(), PutItemError::ConditionalCheckFailedException(_)) =>
                {
                    Err(StoreError::Conflict)
                }
                Err(e) => Err(sdk_unavailable("put notify record", e)),
            };
        }
        let mut writes = vec![TransactWriteItem::builder().put(put).build()];
        for mail in mails {
            let put = conditional_put(self.table(), mail_item(mail)?, None)?;
            writes.push(TransactWriteItem::builder().put(put).build());
        }
        match self
            .client()
            .transact_write_items()
            .set_transact_items(Some(writes))
            .send()
            .await
        {
            Ok(_) => Ok(version),
            Err(SdkError::ServiceError(e))
                if matches!(
                    e.err(),
                    TransactWriteItemsError::TransactionCanceledException(_)
                        | TransactWriteItemsError::TransactionInProgressException(_)
                ) =>
            {
                Err(StoreError::Conflict)
            }
            Err(e) => Err(sdk_unavailable("write notify record", e)),
        }
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
        let result = self
            .client()
            .put_item()
            .table_name(self.table())
            .set_item(Some(mail_item(mail)?))
            .condition_expression("attribute_not_exists(pk)")
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(SdkError::ServiceError(e))
                if matches!(e.err(), PutItemError::ConditionalCheckFailedException(_)) =>
            {
                Ok(false)
            }
            Err(e) => Err(sdk_unavailable("add mail", e)),
        }
    }
}
