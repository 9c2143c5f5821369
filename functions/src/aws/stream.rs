//! `send-mail`'s work: turn a DynamoDB stream batch into sent mail, reporting each record that
//! must be retried (Lambda partial batch responses, `ReportBatchItemFailures`).
//!
//! Only `INSERT`s of mail items matter: a new mail is pending. Updates (claims, releases,
//! marking sent) and proposal items are acknowledged without work, so the function never
//! reacts to its own writes. A record is reported failed when its mail is still pending after
//! the attempt: the mail service refused it, the store failed, or another sender (usually
//! `submit-proposal` sending right after storing) holds its lease. The stream then retries the
//! record; once its retries run out the record's batch goes to the dead-letter queue and the
//! scheduled sweep ([`crate::outbox::drain`]) sends the mail when its retry time comes.

use super::dynamodb::mail_id_of_pk;
use crate::mail::{MailState, Mailer};
use crate::outbox::drain;
use crate::outbox::{SendOutcome, send_one};
use crate::store::ProposalStore;
use aws_lambda_events::event::dynamodb::{Event, EventRecord};
use aws_lambda_events::event::streams::{DynamoDbBatchItemFailure, DynamoDbEventResponse};
use jiff::Timestamp;
use std::sync::Arc;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

/// Mails sent at the same time from one batch (kept under SES's per-second sending rate).
pub const PARALLEL_SENDS: usize = 8;

/// What became of one stream record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordOutcome {
    /// Not a new mail: nothing to do.
    Ignored,
    /// The mail is sent (now or before).
    Done,
    /// The mail is still pending; the record must be retried.
    Retry(String),
}

/// The mail id a record asks to send, if it is the insertion of a mail item.
pub fn new_mail_id(record: &EventRecord) -> Option<String> {
    if record.event_name != "INSERT" {
        return None;
    }
    // Serialised, a stream key is `{"pk": {"S": "MAIL#…"}, …}`.
    let keys = serde_json::to_value(&record.change.keys).ok()?;
    let pk = keys.get("pk")?.get("S")?.as_str()?;
    mail_id_of_pk(pk).map(str::to_owned)
}

/// Tries to send the mail `id` once and says whether it is done.
pub async fn send_mail(
    store: &dyn ProposalStore,
    mailer: &dyn Mailer,
    id: &str,
    now: Timestamp,
) -> RecordOutcome {
    match send_one(store, mailer, id, now).await {
        Ok(SendOutcome::Sent) => RecordOutcome::Done,
        Ok(SendOutcome::Failed(error)) => RecordOutcome::Retry(error),
        // Logged and marked failed or cancelled by `send_one`: a retry would change nothing.
        Ok(SendOutcome::GaveUp(_) | SendOutcome::Cancelled(_)) => RecordOutcome::Done,
        Err(error) => RecordOutcome::Retry(error.to_string()),
        // Skipped: already sent, unknown, or leased by someone else; only the last needs a retry.
        Ok(SendOutcome::Skipped) => match store.mail(id).await {
            Ok(Some(mail)) if mail.state == MailState::Pending => {
                RecordOutcome::Retry(format!("mail {id} is leased until {:?}", mail.lease_until))
            }
            Ok(_) => RecordOutcome::Done,
            Err(error) => RecordOutcome::Retry(error.to_string()),
        },
    }
}

/// Handles one stream batch; the response lists the sequence numbers to retry.
pub async fn handle_batch(
    store: Arc<dyn ProposalStore>,
    mailer: Arc<dyn Mailer>,
    event: Event,
    now: Timestamp,
) -> DynamoDbEventResponse {
    let permits = Arc::new(Semaphore::new(PARALLEL_SENDS));
    let mut tasks = JoinSet::new();
    let mut outcomes = vec![RecordOutcome::Ignored; event.records.len()];
    for (index, record) in event.records.iter().enumerate() {
        let Some(id) = new_mail_id(record) else {
            continue;
        };
        let (store, mailer, permits) = (store.clone(), mailer.clone(), permits.clone());
        tasks.spawn(async move {
            let _permit = permits.acquire_owned().await;
            (
                index,
                send_mail(store.as_ref(), mailer.as_ref(), &id, now).await,
            )
        });
    }
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok((index, outcome)) => outcomes[index] = outcome,
            // A panicked task leaves its record `Ignored`: mark every unsettled mail for retry.
            Err(error) => {
                eprintln!("send-mail: a send task failed: {error}");
                for (index, record) in event.records.iter().enumerate() {
                    if outcomes[index] == RecordOutcome::Ignored && new_mail_id(record).is_some() {
                        outcomes[index] = RecordOutcome::Retry(error.to_string());
                    }
                }
            }
        }
    }
    let mut response = DynamoDbEventResponse::default();
    for (record, outcome) in event.records.iter().zip(&outcomes) {
        if let RecordOutcome::Retry(reason) = outcome {
            eprintln!(
                "send-mail: record {} will be retried: {reason}",
                record.event_id
            );
            let mut failure = DynamoDbBatchItemFailure::default();
            failure.item_identifier = record.change.sequence_number.clone();
            response.batch_item_failures.push(failure);
        }
    }
    response
}

/// The sweep's numbers as one CloudWatch embedded-metric-format log line, which CloudWatch
/// turns into the metrics `CodeWithUs/Mail` `OldestPendingMailSeconds` (0 when none waits) and
/// `MailGivenUp`; infra/template.yaml alarms on them.
pub fn sweep_metrics(report: &crate::outbox::DrainReport, now: Timestamp) -> String {
    let oldest = report.oldest_pending.map_or(0, |d| d.as_secs().max(0));
    serde_json::json!({
        "_aws": {
            "Timestamp": now.as_millisecond(),
            "CloudWatchMetrics": [{
                "Namespace": "CodeWithUs/Mail",
                "Dimensions": [[]],
                "Metrics": [
                    {"Name": "OldestPendingMailSeconds", "Unit": "Seconds"},
                    {"Name": "MailGivenUp", "Unit": "Count"},
                ],
            }],
        },
        "OldestPendingMailSeconds": oldest,
        "MailGivenUp": report.gave_up,
    })
    .to_string()
}

/// `send-mail`'s whole invocation: a stream batch (it has `Records`) gets the partial batch
/// response; any other event, such as the scheduled sweep, drains the outbox and reports what
/// it did. An error makes Lambda retry the invocation.
pub async fn handle_event(
    store: Arc<dyn ProposalStore>,
    mailer: Arc<dyn Mailer>,
    payload: serde_json::Value,
    now: Timestamp,
) -> Result<serde_json::Value, String> {
    if payload.get("Records").is_some() {
        let batch: Event =
            serde_json::from_value(payload).map_err(|e| format!("not a stream batch: {e}"))?;
        let response = handle_batch(store, mailer, batch, now).await;
        return serde_json::to_value(response).map_err(|e| e.to_string());
    }
    let report = drain(store.as_ref(), mailer.as_ref(), now).await;
    eprintln!("send-mail: sweep {report:?}");
    println!("{}", sweep_metrics(&report, now));
    if report.store_errors.is_empty() {
        Ok(serde_json::json!({
            "sent": report.sent,
            "failed": report.failed,
            "skipped": report.skipped,
        }))
    } else {
        Err(format!("store errors: {:?}", report.store_errors))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outbox::DrainReport;
    use jiff::SignedDuration;

    #[test]
    fn sweep_metrics_are_one_embedded_metric_line() {
        let report = DrainReport {
            gave_up: 2,
            oldest_pending: Some(SignedDuration::from_mins(61)),
            ..DrainReport::default()
        };
        let line = sweep_metrics(&report, Timestamp::UNIX_EPOCH);
        assert!(!line.contains('\n'));
        let value: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(value["OldestPendingMailSeconds"], 3_660);
        assert_eq!(value["MailGivenUp"], 2);
        let declared = &value["_aws"]["CloudWatchMetrics"][0]["Metrics"];
        assert_eq!(declared.as_array().map(Vec::len), Some(2));
    }
}
