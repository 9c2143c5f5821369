//! SES bounce and complaint events (configuration set → event destination, delivered by SNS
//! or EventBridge): each permanently bouncing or complaining address is suppressed, so it gets
//! nothing more until it subscribes again, and its subscription and watches are deleted.

use super::handlers::delete_personal_data;
use super::links::subscriber_id;
use super::records::{self, Kind, NotifyStore, Suppression, Update};
use crate::store::StoreError;
use cwu_domain::email::normalize_email;
use jiff::Timestamp;
use serde_json::Value;

/// The addresses an event asks to suppress, with the reason (`bounce` or `complaint`).
/// Accepts an SES event, an SNS delivery (`Records[].Sns.Message`) or an EventBridge event
/// (`detail`); transient bounces suppress nothing.
pub fn addresses(event: &Value) -> Vec<(String, &'static str)> {
    if let Some(records) = event.get("Records").and_then(Value::as_array) {
        return records
            .iter()
            .filter_map(|r| r.pointer("/Sns/Message")?.as_str())
            .filter_map(|m| serde_json::from_str::<Value>(m).ok())
            .flat_map(|m| addresses(&m))
            .collect();
    }
    if let Some(detail) = event.get("detail") {
        return addresses(detail);
    }
    let kind = event
        .get("eventType")
        .or_else(|| event.get("notificationType"))
        .and_then(Value::as_str);
    let (list, field, reason) = match kind {
        Some("Bounce") => {
            if event.pointer("/bounce/bounceType").and_then(Value::as_str) != Some("Permanent") {
                return Vec::new();
            }
            ("/bounce/bouncedRecipients", "emailAddress", "bounce")
        }
        Some("Complaint") => (
            "/complaint/complainedRecipients",
            "emailAddress",
            "complaint",
        ),
        _ => return Vec::new(),
    };
    event
        .pointer(list)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|r| r.get(field)?.as_str())
        .filter_map(|a| normalize_email(&crate::mail::bare_address(a)).ok())
        .map(|a| (a, reason))
        .collect()
}

/// Suppresses every address in `event`; how many.
pub async fn handle(
    store: &dyn NotifyStore,
    secret: &str,
    event: &Value,
    now: Timestamp,
) -> Result<usize, StoreError> {
    let found = addresses(event);
    for (email, reason) in &found {
        let id = subscriber_id(secret, email);
        let suppression = Suppression {
            reason: (*reason).to_owned(),
            at: now,
        };
        records::update::<Suppression>(store, Kind::Suppressed, &id, now, |_| {
            Update::Put(suppression.clone(), None, Vec::new())
        })
        .await?;
        delete_personal_data(store, &id).await?;
        // The id only: the address never reaches the log.
        eprintln!("functions: {reason}: suppressed subscriber {}", &id[..8]);
    }
    Ok(found.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_permanent_bounces_and_complaints_in_every_envelope() {
        let bounce = json!({"eventType": "Bounce", "bounce": {"bounceType": "Permanent",
            "bouncedRecipients": [{"emailAddress": "Ana <Ana@Example.org>"}]}});
        let transient = json!({"eventType": "Bounce", "bounce": {"bounceType": "Transient",
            "bouncedRecipients": [{"emailAddress": "bo@example.org"}]}});
        let complaint = json!({"eventType": "Complaint", "complaint":
            {"complainedRecipients": [{"emailAddress": "cy@example.org"}]}});
        assert_eq!(
            addresses(&bounce),
            [("ana@example.org".to_owned(), "bounce")]
        );
        assert!(addresses(&transient).is_empty());
        let sns = json!({"Records": [{"Sns": {"Message": complaint.to_string()}}]});
        assert_eq!(
            addresses(&sns),
            [("cy@example.org".to_owned(), "complaint")]
        );
        let bridge = json!({"detail-type": "Email Bounced", "detail": bounce});
        assert_eq!(addresses(&bridge).len(), 1);
        assert!(addresses(&json!({"eventType": "Delivery"})).is_empty());
    }
}
