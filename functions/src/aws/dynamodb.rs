//! [`ProposalStore`] on one DynamoDB table (`pk`/`sk` strings, stream, TTL on `expires_at`).
//!
//! # Items
//!
//! | item             | `pk`             | `sk`                             | `item_type` |
//! |------------------|------------------|----------------------------------|-------------|
//! | current proposal | `OPP#<slug>`     | `PROPOSAL#<email>`               | `proposal`  |
//! | one version      | `OPP#<slug>`     | `VERSION#<email>#<version:010>`  | `version`   |
//! | outbox mail      | `MAIL#<mail id>` | `MAIL`                           | `mail`      |
//! | counter          | `COUNTER#<key>`  | `COUNTER`                        | `counter`   |
//! | evaluation event | `EVAL#<slug>`    | `EVENT#<seq:010>`                | `evaluation`|
//!
//! The other attributes are the record's own fields in native DynamoDB types
//! ([`StoredProposal`], [`OutboxMail`]; see [`super::attribute`]). An opportunity's proposals
//! share a partition, so listing them and reading one proponent's history are `Query`s in key
//! order (zero-padded versions sort numerically; an email cannot contain `#` after its `@`, so
//! one proponent's prefix never matches another's). Mails get their own partitions because
//! they are large (the owner's copy holds the whole proposal) and written in bursts.
//!
//! Mail bookkeeping adds `lease_ms` (the lease end in epoch milliseconds: conditions compare
//! numbers, not timestamp strings whose precision varies) and, once sent, `expires_at` (epoch
//! seconds, [`SENT_MAIL_TTL_DAYS`] after sending) so DynamoDB's TTL deletes the copy of the
//! proposal the mail holds. Proposals and versions never expire.
//!
//! # Writes
//!
//! [`ProposalStore::put_version`] is ONE `TransactWriteItems`: the current item (condition
//! `attribute_not_exists(pk)` for a first version, else `version = :expected`), the version
//! item and the mails (both `attribute_not_exists(pk)`: history is never overwritten). A
//! cancelled transaction (a failed condition, or a concurrent transaction on the same item)
//! wrote nothing and is a [`StoreError::Conflict`]: the caller re-reads and decides. An
//! evaluation event with mails (an award and its result mails) is one transaction the same
//! way, the event conditioned on `attribute_not_exists(pk)`. Claiming,
//! marking and releasing a mail are conditional `UpdateItem`s on the claim token and lease.
//! Reads that decide a write are strongly consistent.

use super::attribute::{AttributeError, Item, from_item, to_attribute, to_item};
use crate::mail::{MailState, OutboxMail};
use crate::store::{ProposalKey, ProposalStore, StoreError, StoredProposal};
use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::{DisplayErrorContext, SdkError};
use aws_sdk_dynamodb::operation::put_item::PutItemError;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::types::{AttributeValue, Put, ReturnValue, TransactWriteItem};
use cwu_domain::evaluation::EvaluationEvent;
use jiff::{SignedDuration, Timestamp};

/// Days a sent (or failed) mail stays in the table before TTL deletes it.
pub const SENT_MAIL_TTL_DAYS: i64 = 30;
/// Years a proposal version is kept after it was submitted, then TTL deletes it (the
/// retention schedule in README.md: procurement records are kept seven years).
pub const PROPOSAL_RETENTION_YEARS: i64 = 7;

/// The sparse index of pending mail: only mail items waiting to be sent carry its keys
/// (`outbox` = `pending`, `created_ms`), so the sweep reads what is pending, oldest first,
/// instead of scanning every proposal ever stored.
pub const PENDING_INDEX: &str = "pending-mail";

/// Attributes that are keys or bookkeeping, not record fields.
const NOT_FIELDS: &[&str] = &[
    "pk",
    "sk",
    "item_type",
    "lease_ms",
    "expires_at",
    "outbox",
    "created_ms",
];

/// The DynamoDB-backed store.
#[derive(Debug, Clone)]
pub struct DynamoStore {
    client: Client,
    table: String,
}

impl DynamoStore {
    /// A store on `table` (which must exist, with the key schema above).
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        DynamoStore {
            client,
            table: table.into(),
        }
    }

    /// The table's name.
    pub fn table(&self) -> &str {
        &self.table
    }

    /// The client it uses.
    pub(super) fn client(&self) -> &Client {
        &self.client
    }
}

/// Partition key of an opportunity's proposals.
pub fn opportunity_pk(opportunity: &str) -> String {
    format!("OPP#{opportunity}")
}

/// Sort key of the current proposal.
pub fn current_sk(email: &str) -> String {
    format!("PROPOSAL#{email}")
}

/// Sort key of one version in the history.
pub fn version_sk(email: &str, version: u32) -> String {
    format!("VERSION#{email}#{version:010}")
}

/// Partition key of an outbox mail.
pub fn mail_pk(id: &str) -> String {
    format!("MAIL#{id}")
}

/// Sort key of every outbox mail.
pub const MAIL_SK: &str = "MAIL";

/// The mail id in a mail item's partition key, or `None` for other items.
pub fn mail_id_of_pk(pk: &str) -> Option<&str> {
    pk.strip_prefix("MAIL#")
}

pub(super) fn s(value: impl Into<String>) -> AttributeValue {
    AttributeValue::S(value.into())
}

pub(super) fn n(value: impl ToString) -> AttributeValue {
    AttributeValue::N(value.to_string())
}

fn json<T: serde::Serialize>(value: &T) -> AttributeValue {
    to_attribute(value).expect("timestamps and strings serialise")
}

pub(super) fn unavailable(what: &str, error: impl std::fmt::Display) -> StoreError {
    StoreError::Unavailable(format!("{what}: {error}"))
}

pub(super) fn sdk_unavailable<E, R>(what: &str, error: SdkError<E, R>) -> StoreError
where
    E: std::error::Error + 'static,
    R: std::fmt::Debug,
{
    unavailable(what, DisplayErrorContext(error))
}

fn bad_item(what: &str, error: AttributeError) -> StoreError {
    unavailable(what, error)
}

fn keyed(mut item: Item, pk: String, sk: String, item_type: &str) -> Result<Item, StoreError> {
    // A record field named like a key or bookkeeping attribute would be silently lost.
    if let Some(clash) = NOT_FIELDS.iter().find(|name| item.contains_key(**name)) {
        return Err(unavailable(
            "storing a record",
            format!("its field `{clash}` clashes with a reserved attribute"),
        ));
    }
    item.insert("pk".into(), s(pk));
    item.insert("sk".into(), s(sk));
    item.insert("item_type".into(), s(item_type));
    Ok(item)
}

fn proposal_item(
    proposal: &StoredProposal,
    sk: String,
    item_type: &str,
) -> Result<Item, StoreError> {
    let item = to_item(proposal).map_err(|e| bad_item("proposal", e))?;
    let mut item = keyed(
        item,
        opportunity_pk(&proposal.fields.opportunity),
        sk,
        item_type,
    )?;
    let kept = SignedDuration::from_hours(24 * 365 * PROPOSAL_RETENTION_YEARS);
    let expires = proposal
        .submitted_at
        .saturating_add(kept)
        .unwrap_or(Timestamp::MAX);
    item.insert("expires_at".into(), n(expires.as_second()));
    Ok(item)
}

pub(super) fn mail_item(mail: &OutboxMail) -> Result<Item, StoreError> {
    let item = to_item(mail).map_err(|e| bad_item("mail", e))?;
    let mut item = keyed(item, mail_pk(&mail.id), MAIL_SK.into(), "mail")?;
    if let Some(lease) = mail.lease_until {
        item.insert("lease_ms".into(), n(lease.as_millisecond()));
    }
    if mail.state == MailState::Pending {
        item.insert("outbox".into(), s("pending"));
        item.insert("created_ms".into(), n(mail.created_at.as_millisecond()));
    }
    Ok(item)
}

fn read_mail(item: &Item) -> Result<OutboxMail, StoreError> {
    from_item(item, NOT_FIELDS).map_err(|e| bad_item("mail item", e))
}

fn read_proposal(item: &Item) -> Result<StoredProposal, StoreError> {
    from_item(item, NOT_FIELDS).map_err(|e| bad_item("proposal item", e))
}

/// A `Put` of `item` that only creates it (`expected` is `None`) or only replaces the item
/// at version `expected`.
pub(super) fn put_if(table: &str, item: Item, expected: Option<u64>) -> Result<Put, StoreError> {
    let put = Put::builder().table_name(table).set_item(Some(item));
    let put = match expected {
        None => put.condition_expression("attribute_not_exists(pk)"),
        Some(version) => put
            .condition_expression("#version = :expected")
            .expression_attribute_names("#version", "version")
            .expression_attribute_values(":expected", n(version)),
    };
    put.build()
        .map_err(|e| unavailable("building the transaction", e))
}

/// `put` as one write of a transaction.
pub(super) fn write(put: Put) -> TransactWriteItem {
    TransactWriteItem::builder().put(put).build()
}

impl DynamoStore {
    /// Writes `writes` and `mails` (each only if new) in ONE `TransactWriteItems`.
    pub(super) async fn transact(
        &self,
        mut writes: Vec<TransactWriteItem>,
        mails: &[OutboxMail],
        what: &str,
    ) -> Result<(), StoreError> {
        for mail in mails {
            writes.push(write(put_if(&self.table, mail_item(mail)?, None)?));
        }
        match self
            .client
            .transact_write_items()
            .set_transact_items(Some(writes))
            .send()
            .await
        {
            Ok(_) => Ok(()),
            // Cancelled (a condition failed, or another transaction held an item): nothing
            // was written, and re-reading tells the caller what happened.
            Err(SdkError::ServiceError(e))
                if matches!(
                    e.err(),
                    TransactWriteItemsError::TransactionCanceledException(_)
                        | TransactWriteItemsError::TransactionInProgressException(_)
                ) =>
            {
                Err(StoreError::Conflict)
            }
            Err(e) => Err(sdk_unavailable(what, e)),
        }
    }

    /// `put` as one `PutItem`: `Ok(false)` when its condition failed.
    pub(super) async fn put_one(&self, put: Put, what: &str) -> Result<bool, StoreError> {
        let result = self
            .client
            .put_item()
            .table_name(put.table_name())
            .set_item(Some(put.item().clone()))
            .set_condition_expression(put.condition_expression().map(str::to_owned))
            .set_expression_attribute_names(put.expression_attribute_names().cloned())
            .set_expression_attribute_values(put.expression_attribute_values().cloned())
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(SdkError::ServiceError(e))
                if matches!(e.err(), PutItemError::ConditionalCheckFailedException(_)) =>
            {
                Ok(false)
            }
            Err(e) => Err(sdk_unavailable(what, e)),
        }
    }

    /// A `PutItem` that only creates: `Ok(false)` when an item with its key exists.
    pub(super) async fn create(&self, item: Item, what: &str) -> Result<bool, StoreError> {
        self.put_one(put_if(&self.table, item, None)?, what).await
    }

    /// The item under `pk` and `sk` (a strongly consistent read).
    pub(super) async fn get(
        &self,
        pk: String,
        sk: String,
        what: &str,
    ) -> Result<Option<Item>, StoreError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .consistent_read(true)
            .key("pk", s(pk))
            .key("sk", s(sk))
            .send()
            .await
            .map_err(|e| sdk_unavailable(what, e))?;
        Ok(output.item)
    }

    /// Every item of a `Query` on `pk` whose sort key starts with `prefix` (all of the
    /// partition when empty), in key order.
    pub(super) async fn query_prefix(
        &self,
        pk: String,
        prefix: String,
    ) -> Result<Vec<Item>, StoreError> {
        let mut items = Vec::new();
        let mut start = None;
        loop {
            let mut query = self
                .client
                .query()
                .table_name(&self.table)
                .consistent_read(true)
                .expression_attribute_values(":pk", s(pk.clone()));
            query = if prefix.is_empty() {
                query.key_condition_expression("pk = :pk")
            } else {
                query
                    .key_condition_expression("pk = :pk AND begins_with(sk, :prefix)")
                    .expression_attribute_values(":prefix", s(prefix.clone()))
            };
            let page = query
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(|e| sdk_unavailable("query", e))?;
            items.extend(page.items.unwrap_or_default());
            start = page.last_evaluated_key.filter(|key| !key.is_empty());
            if start.is_none() {
                return Ok(items);
            }
        }
    }

    /// A conditional `UpdateItem` on a mail; `Ok(None)` when the condition failed.
    async fn update_mail(
        &self,
        id: &str,
        update: &str,
        condition: &str,
        names: &[(&str, &str)],
        values: Vec<(&str, AttributeValue)>,
    ) -> Result<Option<Item>, StoreError> {
        let mut request = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(mail_pk(id)))
            .key("sk", s(MAIL_SK))
            .update_expression(update)
            .condition_expression(condition)
            .return_values(ReturnValue::AllNew);
        for (placeholder, name) in names {
            request = request.expression_attribute_names(*placeholder, *name);
        }
        for (placeholder, value) in values {
            request = request.expression_attribute_values(placeholder, value);
        }
        match request.send().await {
            Ok(output) => Ok(Some(output.attributes.unwrap_or_default())),
            Err(SdkError::ServiceError(e))
                if matches!(e.err(), UpdateItemError::ConditionalCheckFailedException(_)) =>
            {
                Ok(None)
            }
            Err(e) => Err(sdk_unavailable("update mail", e)),
        }
    }

    /// Ends a claimed mail's life in the outbox (`state` sent or failed) if `claim` still
    /// holds it: out of the pending index, expiring after [`SENT_MAIL_TTL_DAYS`] (it holds a
    /// copy of the proposal), with one more attribute `set` (`sent_at` or `last_error`).
    async fn settle_for_good(
        &self,
        id: &str,
        claim: &str,
        state: MailState,
        now: Timestamp,
        (name, value): (&str, AttributeValue),
    ) -> Result<bool, StoreError> {
        let expires = now + SignedDuration::from_hours(24 * SENT_MAIL_TTL_DAYS);
        let item = self
            .update_mail(
                id,
                "SET #state = :state, #set = :set, expires_at = :expires, \
                 #claim = :null, #lease_until = :null REMOVE lease_ms, outbox, created_ms",
                "#claim = :claim",
                &[
                    ("#state", "state"),
                    ("#set", name),
                    ("#claim", "claim"),
                    ("#lease_until", "lease_until"),
                ],
                vec![
                    (":state", json(&state)),
                    (":set", value),
                    (":expires", n(expires.as_second())),
                    (":null", AttributeValue::Null(true)),
                    (":claim", s(claim)),
                ],
            )
            .await?;
        Ok(item.is_some())
    }
}

#[async_trait]
impl ProposalStore for DynamoStore {
    async fn current(&self, key: &ProposalKey) -> Result<Option<StoredProposal>, StoreError> {
        let pk = opportunity_pk(&key.opportunity);
        let item = self.get(pk, current_sk(&key.email), "get proposal").await?;
        item.as_ref().map(read_proposal).transpose()
    }

    async fn put_version(
        &self,
        expected: Option<u32>,
        proposal: &StoredProposal,
        mails: &[OutboxMail],
    ) -> Result<(), StoreError> {
        let email = &proposal.fields.email;
        let current_item = proposal_item(proposal, current_sk(email), "proposal")?;
        let version_item = proposal_item(proposal, version_sk(email, proposal.version), "version")?;
        let writes = vec![
            write(put_if(&self.table, current_item, expected.map(u64::from))?),
            write(put_if(&self.table, version_item, None)?),
        ];
        self.transact(writes, mails, "write proposal").await
    }

    async fn history(&self, key: &ProposalKey) -> Result<Vec<StoredProposal>, StoreError> {
        let items = self
            .query_prefix(
                opportunity_pk(&key.opportunity),
                format!("VERSION#{}#", key.email),
            )
            .await?;
        items.iter().map(read_proposal).collect()
    }

    async fn proposals(&self, opportunity: &str) -> Result<Vec<StoredProposal>, StoreError> {
        let items = self
            .query_prefix(opportunity_pk(opportunity), "PROPOSAL#".into())
            .await?;
        items.iter().map(read_proposal).collect()
    }

    async fn add_mails(&self, mails: &[OutboxMail]) -> Result<usize, StoreError> {
        let mut added = 0;
        for mail in mails {
            if self.create(mail_item(mail)?, "put item").await? {
                added += 1;
            }
        }
        Ok(added)
    }

    async fn increment(&self, key: &str, expires: Timestamp) -> Result<u64, StoreError> {
        let output = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(format!("COUNTER#{key}")))
            .key("sk", s("COUNTER"))
            .update_expression("SET item_type = :type, expires_at = :expires ADD #count :one")
            .expression_attribute_names("#count", "count")
            .expression_attribute_values(":type", s("counter"))
            .expression_attribute_values(":expires", n(expires.as_second()))
            .expression_attribute_values(":one", n(1))
            .return_values(ReturnValue::AllNew)
            .send()
            .await
            .map_err(|e| sdk_unavailable("increment", e))?;
        match output.attributes.as_ref().and_then(|a| a.get("count")) {
            Some(AttributeValue::N(count)) => count
                .parse()
                .map_err(|e| unavailable("reading a counter", e)),
            _ => Err(unavailable("reading a counter", "no count returned")),
        }
    }

    async fn evaluation(&self, opportunity: &str) -> Result<Vec<EvaluationEvent>, StoreError> {
        let items = self
            .query_prefix(format!("EVAL#{opportunity}"), "EVENT#".into())
            .await?;
        items
            .iter()
            .map(|item| from_item(item, NOT_FIELDS).map_err(|e| bad_item("evaluation event", e)))
            .collect()
    }

    async fn append_evaluation(
        &self,
        event: &EvaluationEvent,
        mails: &[OutboxMail],
    ) -> Result<(), StoreError> {
        let item = to_item(event).map_err(|e| bad_item("evaluation event", e))?;
        let item = keyed(
            item,
            format!("EVAL#{}", event.opportunity),
            format!("EVENT#{:010}", event.seq),
            "evaluation",
        )?;
        if mails.is_empty() {
            return match self.create(item, "put item").await? {
                true => Ok(()),
                false => Err(StoreError::Conflict),
            };
        }
        let event = write(put_if(&self.table, item, None)?);
        self.transact(vec![event], mails, "write evaluation event")
            .await
    }

    /// A `Query` of the sparse pending-mail index, oldest first (eventually consistent, like
    /// every index read: a mail sent a moment ago may still be listed, and its claim fails).
    async fn pending_mail(&self, limit: usize) -> Result<Vec<String>, StoreError> {
        let mut pending = Vec::new();
        let mut start = None;
        while pending.len() < limit {
            let page = self
                .client
                .query()
                .table_name(&self.table)
                .index_name(PENDING_INDEX)
                .key_condition_expression("outbox = :pending")
                .expression_attribute_values(":pending", s("pending"))
                .limit(i32::try_from(limit - pending.len()).unwrap_or(i32::MAX))
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(|e| sdk_unavailable("query pending mail", e))?;
            pending.extend(page.items.unwrap_or_default().iter().filter_map(|item| {
                match item.get("pk") {
                    Some(AttributeValue::S(pk)) => mail_id_of_pk(pk).map(str::to_owned),
                    _ => None,
                }
            }));
            start = page.last_evaluated_key.filter(|key| !key.is_empty());
            if start.is_none() {
                break;
            }
        }
        Ok(pending)
    }

    async fn mail(&self, id: &str) -> Result<Option<OutboxMail>, StoreError> {
        let item = self.get(mail_pk(id), MAIL_SK.into(), "get mail").await?;
        item.as_ref().map(read_mail).transpose()
    }

    async fn claim_mail(
        &self,
        id: &str,
        now: Timestamp,
        lease_until: Timestamp,
    ) -> Result<Option<OutboxMail>, StoreError> {
        let claim = crate::ids::random();
        let item = self
            .update_mail(
                id,
                "SET #lease_until = :lease, lease_ms = :lease_ms, #claim = :claim \
                 ADD #attempts :one",
                "#state = :pending AND (attribute_not_exists(lease_ms) OR lease_ms <= :now_ms)",
                &[
                    ("#lease_until", "lease_until"),
                    ("#claim", "claim"),
                    ("#attempts", "attempts"),
                    ("#state", "state"),
                ],
                vec![
                    (":lease", json(&lease_until)),
                    (":lease_ms", n(lease_until.as_millisecond())),
                    (":claim", s(claim)),
                    (":one", n(1)),
                    (":pending", json(&MailState::Pending)),
                    (":now_ms", n(now.as_millisecond())),
                ],
            )
            .await?;
        item.as_ref().map(read_mail).transpose()
    }

    async fn mark_sent(&self, id: &str, claim: &str, now: Timestamp) -> Result<bool, StoreError> {
        self.settle_for_good(id, claim, MailState::Sent, now, ("sent_at", json(&now)))
            .await
    }

    async fn release_mail(
        &self,
        id: &str,
        claim: &str,
        error: &str,
        retry_at: Timestamp,
    ) -> Result<bool, StoreError> {
        let item = self
            .update_mail(
                id,
                "SET last_error = :error, #lease_until = :retry, lease_ms = :retry_ms, \
                 #claim = :null",
                "#claim = :claim",
                &[("#claim", "claim"), ("#lease_until", "lease_until")],
                vec![
                    (":error", s(error)),
                    (":retry", json(&retry_at)),
                    (":retry_ms", n(retry_at.as_millisecond())),
                    (":null", AttributeValue::Null(true)),
                    (":claim", s(claim)),
                ],
            )
            .await?;
        Ok(item.is_some())
    }

    async fn close_mail(
        &self,
        id: &str,
        claim: &str,
        end: MailState,
        reason: &str,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        self.settle_for_good(id, claim, end, now, ("last_error", s(reason)))
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_sort_and_never_collide() {
        assert_eq!(opportunity_pk("permit-api"), "OPP#permit-api");
        assert_eq!(current_sk("ana@example.org"), "PROPOSAL#ana@example.org");
        assert!(version_sk("a@x.ca", 9) < version_sk("a@x.ca", 10));
        assert_eq!(version_sk("a@x.ca", 2), "VERSION#a@x.ca#0000000002");
        assert_eq!(mail_id_of_pk(&mail_pk("01J")), Some("01J"));
        assert_eq!(mail_id_of_pk("OPP#x"), None);
    }
}
