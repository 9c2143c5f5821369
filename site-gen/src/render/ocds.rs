//! Open Contracting Data Standard 1.1 release packages: each public opportunity's at
//! [`urls::opportunity_ocds`], and all of them in one package at [`urls::OCDS_RELEASES`].
//!
//! An opportunity is one contracting process, its OCID `<ocid_prefix>-<slug>`. Each fact becomes
//! a release dated when it happened, with an id derived from the OCID and the fact, so an hourly
//! rebuild writes the same bytes until something new is recorded:
//!
//! - `tender` (the feed item's date: `published`, else when a build first made it public): the
//!   opportunity as a tender, with its buyer (the organization); its status is the tender's
//!   current one (active, complete once awarded, cancelled);
//! - `award` + `contract` (the award date): the supplier as a party, the award and the contract
//!   at the fixed price, the contract period from the start and completion dates;
//! - `implementation` (the acceptance date): the acceptance milestone met, with the delivered code;
//! - `implementation` (the payment date): the payment as a transaction from buyer to supplier.
//!
//! Only public facts: no proposal text, no score, no email address.

use super::views::awarded_to;
use cwu_domain::opportunity::Lifecycle;
use cwu_domain::outcome::Outcome;
use cwu_domain::slug::slugify;
use cwu_domain::{Opportunity, Reward, urls};
use jiff::Timestamp;
use serde_json::{Value, json};
use std::io::{self, Write};

/// The schema version the packages declare.
pub const VERSION: &str = "1.1";

/// The site-wide facts every package names.
#[derive(Debug, Clone)]
pub struct Publisher<'a> {
    /// The site's title: the publisher's name.
    pub name: &'a str,
    /// The site's base URL, without a trailing slash.
    pub base_url: &'a str,
    /// `ocds-` and six characters (`ocid_prefix` in `site.yaml`).
    pub ocid_prefix: &'a str,
}

/// An opportunity with the date its tender was first public (see the module doc).
pub type Process<'a> = (&'a Opportunity, Timestamp);

/// The OCID of `opportunity`.
pub fn ocid(publisher: &Publisher, opportunity: &Opportunity) -> String {
    format!("{}-{}", publisher.ocid_prefix, opportunity.slug)
}

/// Writes the release package of the processes, published at `path`, into `out`: compact JSON
/// with a newline at the end. Releases are built and written one process at a time, so the
/// package of every opportunity never sits in memory as a JSON tree.
pub fn write_package<'a>(
    publisher: &Publisher,
    path: &str,
    processes: impl IntoIterator<Item = Process<'a>>,
    out: &mut impl Write,
) -> io::Result<()> {
    let head = json!({
        "uri": urls::absolute(publisher.base_url, path),
        "version": VERSION,
        "publisher": { "name": publisher.name, "uri": publisher.base_url },
        "publicationPolicy": urls::absolute(publisher.base_url, &urls::wiki(OPEN_DATA_PAGE)),
    });
    let head = serde_json::to_string(&head)?;
    // The object without its closing brace, then the releases, then the date.
    out.write_all(&head.as_bytes()[..head.len() - 1])?;
    out.write_all(br#","releases":["#)?;
    // The newest release's date, not the build's: an unchanged package keeps its bytes.
    let mut published: Option<String> = None;
    let mut first = true;
    for (opportunity, tendered) in processes {
        for release in releases(publisher, opportunity, tendered) {
            let date = release["date"].as_str();
            if let Some(date) = date.filter(|d| published.as_deref().is_none_or(|p| *d > p)) {
                published = Some(date.to_owned());
            }
            if !first {
                out.write_all(b",")?;
            }
            first = false;
            serde_json::to_writer(&mut *out, &release)?;
        }
    }
    let published = published.unwrap_or_else(|| date(Timestamp::UNIX_EPOCH));
    write!(out, r#"],"publishedDate":{}}}"#, json!(published))?;
    out.write_all(b"\n")
}

/// The wiki page (path under `content/wiki/`) that explains the open data.
pub const OPEN_DATA_PAGE: &str = "open-data";

/// Every release of one process, oldest first.
fn releases(publisher: &Publisher, o: &Opportunity, tendered: Timestamp) -> Vec<Value> {
    let ocid = ocid(publisher, o);
    let buyer = party_ref(&buyer_id(o), &o.organization);
    let release = |fact: &str, tag: &[&str], when: Timestamp, parties: Value, rest: Value| {
        let mut release = json!({
            "ocid": ocid,
            "id": format!("{ocid}-{fact}"),
            "date": date(when),
            "tag": tag,
            "initiationType": "tender",
            "language": "en",
            "buyer": buyer,
            "parties": parties,
        });
        if let (Some(release), Value::Object(rest)) = (release.as_object_mut(), rest) {
            release.extend(rest);
        }
        release
    };
    let buyer_party = json!({
        "id": buyer_id(o),
        "name": o.organization,
        "roles": ["buyer", "procuringEntity"],
    });
    let mut all = vec![release(
        "tender",
        &["tender"],
        tendered,
        json!([buyer_party]),
        json!({ "tender": tender(publisher, o, tendered) }),
    )];
    let Some(outcome) = &o.outcome else {
        return all;
    };
    let supplier = supplier_party(o, outcome);
    let parties = json!([buyer_party, supplier]);
    let supplier_ref = party_ref(&supplier_id(o), &supplier_name(outcome));
    let award_id = format!("{ocid}-award");
    let contract_id = format!("{ocid}-contract");
    let awarded = &outcome.awarded;
    let mut period = json!({ "startDate": date(o.start_date) });
    if let Some(end) = o.completion_date {
        period["endDate"] = json!(date(end));
    }
    all.push(release(
        "award",
        &["award", "contract"],
        awarded.date,
        parties.clone(),
        json!({
            "tender": { "id": o.slug, "status": "complete" },
            "awards": [{
                "id": award_id,
                "title": format!("Awarded to {}", awarded_to(outcome)),
                "status": "active",
                "date": date(awarded.date),
                "value": value(awarded.amount),
                "suppliers": [supplier_ref],
                "contractPeriod": period,
            }],
            "contracts": [{
                "id": contract_id,
                "awardID": award_id,
                "title": o.title,
                "status": "active",
                "value": value(awarded.amount),
                "period": period,
                "dateSigned": date(awarded.date),
            }],
        }),
    ));
    if let Some(accepted) = &outcome.accepted {
        let documents: Vec<Value> = accepted
            .links
            .iter()
            .enumerate()
            .map(|(i, link)| {
                json!({
                    "id": format!("delivered-{}", i + 1),
                    "title": "Delivered code",
                    "url": link,
                    "format": "text/html",
                    "language": "en",
                })
            })
            .collect();
        all.push(release(
            "accepted",
            &["implementation"],
            accepted.date,
            parties.clone(),
            json!({
                "contracts": [{
                    "id": contract_id,
                    "awardID": award_id,
                    "implementation": {
                        "milestones": [{
                            "id": "acceptance",
                            "title": "The work is accepted: every acceptance criterion is met",
                            "type": "delivery",
                            "status": "met",
                            "dateMet": date(accepted.date),
                        }],
                        "documents": documents,
                    },
                }],
            }),
        ));
    }
    if let Some(paid) = &outcome.paid {
        all.push(release(
            "paid",
            &["implementation"],
            paid.date,
            parties,
            json!({
                "contracts": [{
                    "id": contract_id,
                    "awardID": award_id,
                    "status": "terminated",
                    "implementation": {
                        "transactions": [{
                            "id": format!("{ocid}-payment"),
                            "date": date(paid.date),
                            "value": value(paid.amount),
                            "payer": buyer,
                            "payee": supplier_ref,
                        }],
                    },
                }],
            }),
        ));
    }
    all
}

/// The tender as it stands: its status follows the opportunity's lifecycle and award.
fn tender(publisher: &Publisher, o: &Opportunity, tendered: Timestamp) -> Value {
    let status = match (o.lifecycle, &o.outcome) {
        (Lifecycle::Cancelled, _) => "cancelled",
        (_, Some(_)) => "complete",
        _ => "active",
    };
    let page = urls::absolute(publisher.base_url, &urls::opportunity(&o.slug));
    let mut contract_period = json!({ "startDate": date(o.start_date) });
    if let Some(end) = o.completion_date {
        contract_period["endDate"] = json!(date(end));
    }
    json!({
        "id": o.slug,
        "title": o.title,
        "description": o.teaser,
        "status": status,
        "procuringEntity": party_ref(&buyer_id(o), &o.organization),
        "value": value(o.reward),
        "procurementMethod": "open",
        "procurementMethodDetails": "Code With Us: a fixed-price opportunity open to anyone; proposals are scored against published criteria",
        "mainProcurementCategory": "services",
        "awardCriteria": "qualityOnly",
        "awardCriteriaDetails": "The price is fixed; the work goes to the highest-scoring proposal",
        "submissionMethod": ["electronicSubmission"],
        "tenderPeriod": { "startDate": date(tendered), "endDate": date(o.proposal_deadline) },
        "awardPeriod": { "startDate": date(o.proposal_deadline), "endDate": date(o.assignment_date) },
        "contractPeriod": contract_period,
        "hasEnquiries": o.questions.is_some(),
        "documents": [{
            "id": "notice",
            "documentType": "tenderNotice",
            "title": o.title,
            "url": page,
            "format": "text/html",
            "language": "en",
        }],
    })
}

fn value(amount: Reward) -> Value {
    json!({ "amount": amount.dollars(), "currency": "CAD" })
}

/// RFC 3339 in UTC, to the second: the same instant always prints the same.
fn date(instant: Timestamp) -> String {
    instant.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn party_ref(id: &str, name: &str) -> Value {
    json!({ "id": id, "name": name })
}

fn buyer_id(o: &Opportunity) -> String {
    format!("buyer-{}", slugify(&o.organization))
}

/// The supplier's id within the process (a process has one supplier).
fn supplier_id(o: &Opportunity) -> String {
    format!("supplier-{}", o.slug)
}

/// The supplier is the organization when the proponent proposed as one, else the person.
fn supplier_name(outcome: &Outcome) -> String {
    outcome
        .awarded
        .organization
        .clone()
        .unwrap_or_else(|| outcome.awarded.proponent.clone())
}

fn supplier_party(o: &Opportunity, outcome: &Outcome) -> Value {
    let mut party = json!({
        "id": supplier_id(o),
        "name": supplier_name(outcome),
        "roles": ["supplier"],
    });
    if outcome.awarded.organization.is_some() {
        // The person who proposed for the organization: a public name, never an address.
        party["contactPoint"] = json!({ "name": outcome.awarded.proponent });
    }
    party
}
