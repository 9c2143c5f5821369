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
use serde::Serialize;
use serde_json::json;
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
            if published
                .as_deref()
                .is_none_or(|p| release.date.as_str() > p)
            {
                published = Some(release.date.clone());
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
fn releases<'o>(
    publisher: &Publisher,
    o: &'o Opportunity,
    tendered: Timestamp,
) -> Vec<Release<'o>> {
    let ocid = ocid(publisher, o);
    let buyer_id = buyer_id(o);
    let buyer = PartyRef {
        id: buyer_id.clone(),
        name: &o.organization,
    };
    let buyer_party = Party {
        contact_point: None,
        id: buyer_id,
        name: &o.organization,
        roles: &["buyer", "procuringEntity"],
    };
    let release = |fact: &str,
                   tag: &'static [&'static str],
                   when: Timestamp,
                   parties: Vec<Party<'o>>| Release {
        awards: None,
        buyer: buyer.clone(),
        contracts: None,
        date: date(when),
        id: format!("{ocid}-{fact}"),
        initiation_type: "tender",
        language: "en",
        ocid: ocid.clone(),
        parties,
        tag,
        tender: None,
    };
    let mut all = vec![Release {
        tender: Some(Tender::Full(Box::new(tender(publisher, o, tendered)))),
        ..release("tender", &["tender"], tendered, vec![buyer_party.clone()])
    }];
    let Some(outcome) = &o.outcome else {
        return all;
    };
    let supplier = supplier_party(o, outcome);
    let parties = vec![buyer_party, supplier];
    let supplier_ref = PartyRef {
        id: supplier_id(o),
        name: supplier_name(outcome),
    };
    let award_id = format!("{ocid}-award");
    let contract_id = format!("{ocid}-contract");
    let awarded = &outcome.awarded;
    let period = Period {
        end_date: o.completion_date.map(date),
        start_date: date(o.start_date),
    };
    let contract =
        |implementation: Option<Implementation<'o>>, status: Option<&'static str>| Contract {
            award_id: award_id.clone(),
            date_signed: None,
            id: contract_id.clone(),
            implementation,
            period: None,
            status,
            title: None,
            value: None,
        };
    all.push(Release {
        awards: Some(vec![Award {
            contract_period: period.clone(),
            date: date(awarded.date),
            id: award_id.clone(),
            status: "active",
            suppliers: vec![supplier_ref.clone()],
            title: format!("Awarded to {}", awarded_to(outcome)),
            value: value(awarded.amount),
        }]),
        contracts: Some(vec![Contract {
            date_signed: Some(date(awarded.date)),
            period: Some(period),
            title: Some(&o.title),
            value: Some(value(awarded.amount)),
            ..contract(None, Some("active"))
        }]),
        tender: Some(Tender::Short {
            id: &o.slug,
            status: "complete",
        }),
        ..release(
            "award",
            &["award", "contract"],
            awarded.date,
            parties.clone(),
        )
    });
    if let Some(accepted) = &outcome.accepted {
        let documents = accepted
            .links
            .iter()
            .enumerate()
            .map(|(i, link)| Document {
                document_type: None,
                format: "text/html",
                id: format!("delivered-{}", i + 1),
                language: "en",
                title: "Delivered code",
                url: link.clone(),
            })
            .collect();
        let implementation = Implementation {
            documents: Some(documents),
            milestones: Some(vec![Milestone {
                date_met: date(accepted.date),
                id: "acceptance",
                status: "met",
                title: "The work is accepted: every acceptance criterion is met",
                kind: "delivery",
            }]),
            transactions: None,
        };
        all.push(Release {
            contracts: Some(vec![contract(Some(implementation), None)]),
            ..release(
                "accepted",
                &["implementation"],
                accepted.date,
                parties.clone(),
            )
        });
    }
    if let Some(paid) = &outcome.paid {
        let implementation = Implementation {
            documents: None,
            milestones: None,
            transactions: Some(vec![Transaction {
                date: date(paid.date),
                id: format!("{ocid}-payment"),
                payee: supplier_ref,
                payer: buyer.clone(),
                value: value(paid.amount),
            }]),
        };
        all.push(Release {
            contracts: Some(vec![contract(Some(implementation), Some("terminated"))]),
            ..release("paid", &["implementation"], paid.date, parties)
        });
    }
    all
}

/// The tender as it stands: its status follows the opportunity's lifecycle and award.
fn tender<'o>(publisher: &Publisher, o: &'o Opportunity, tendered: Timestamp) -> FullTender<'o> {
    let status = match (o.lifecycle, &o.outcome) {
        (Lifecycle::Cancelled, _) => "cancelled",
        (_, Some(_)) => "complete",
        _ => "active",
    };
    FullTender {
        award_criteria: "qualityOnly",
        award_criteria_details: "The price is fixed; the work goes to the highest-scoring proposal",
        award_period: Period {
            end_date: Some(date(o.assignment_date)),
            start_date: date(o.proposal_deadline),
        },
        contract_period: Period {
            end_date: o.completion_date.map(date),
            start_date: date(o.start_date),
        },
        description: &o.teaser,
        documents: [Document {
            document_type: Some("tenderNotice"),
            format: "text/html",
            id: "notice".into(),
            language: "en",
            title: &o.title,
            url: urls::absolute(publisher.base_url, &urls::opportunity(&o.slug)),
        }],
        has_enquiries: o.questions.is_some(),
        id: &o.slug,
        main_procurement_category: "services",
        procurement_method: "open",
        procurement_method_details: "Code With Us: a fixed-price opportunity open to anyone; proposals are scored against published criteria",
        procuring_entity: PartyRef {
            id: buyer_id(o),
            name: &o.organization,
        },
        status,
        submission_method: &["electronicSubmission"],
        tender_period: Period {
            end_date: Some(date(o.proposal_deadline)),
            start_date: date(tendered),
        },
        title: &o.title,
        value: value(o.reward),
    }
}

fn value(amount: Reward) -> Amount {
    Amount {
        amount: amount.dollars(),
        currency: "CAD",
    }
}

/// RFC 3339 in UTC, to the second: the same instant always prints the same.
fn date(instant: Timestamp) -> String {
    instant.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn buyer_id(o: &Opportunity) -> String {
    format!("buyer-{}", slugify(&o.organization))
}

/// The supplier's id within the process (a process has one supplier).
fn supplier_id(o: &Opportunity) -> String {
    format!("supplier-{}", o.slug)
}

/// The supplier is the organization when the proponent proposed as one, else the person.
fn supplier_name(outcome: &Outcome) -> &str {
    outcome
        .awarded
        .organization
        .as_deref()
        .unwrap_or(&outcome.awarded.proponent)
}

fn supplier_party<'o>(o: &Opportunity, outcome: &'o Outcome) -> Party<'o> {
    Party {
        // The person who proposed for the organization: a public name, never an address.
        contact_point: outcome.awarded.organization.as_ref().map(|_| ContactPoint {
            name: &outcome.awarded.proponent,
        }),
        id: supplier_id(o),
        name: supplier_name(outcome),
        roles: &["supplier"],
    }
}

// The release as written. serde_json's `Value` would sort every object's keys: these types
// declare their fields in that same (byte) order, so the files keep their bytes, without
// building a tree of maps per release (a test checks the order).

/// One release: a fact about the process, dated.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Release<'o> {
    #[serde(skip_serializing_if = "Option::is_none")]
    awards: Option<Vec<Award<'o>>>,
    buyer: PartyRef<'o>,
    #[serde(skip_serializing_if = "Option::is_none")]
    contracts: Option<Vec<Contract<'o>>>,
    date: String,
    id: String,
    initiation_type: &'static str,
    language: &'static str,
    ocid: String,
    parties: Vec<Party<'o>>,
    tag: &'static [&'static str],
    #[serde(skip_serializing_if = "Option::is_none")]
    tender: Option<Tender<'o>>,
}

#[derive(Debug, Clone, Serialize)]
struct PartyRef<'o> {
    id: String,
    name: &'o str,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct Party<'o> {
    #[serde(skip_serializing_if = "Option::is_none")]
    contact_point: Option<ContactPoint<'o>>,
    id: String,
    name: &'o str,
    roles: &'static [&'static str],
}

#[derive(Debug, Clone, Serialize)]
struct ContactPoint<'o> {
    name: &'o str,
}

#[derive(Debug, Serialize)]
#[serde(untagged)]
enum Tender<'o> {
    Full(Box<FullTender<'o>>),
    Short { id: &'o str, status: &'static str },
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct FullTender<'o> {
    award_criteria: &'static str,
    award_criteria_details: &'static str,
    award_period: Period,
    contract_period: Period,
    description: &'o str,
    documents: [Document<'o>; 1],
    has_enquiries: bool,
    id: &'o str,
    main_procurement_category: &'static str,
    procurement_method: &'static str,
    procurement_method_details: &'static str,
    procuring_entity: PartyRef<'o>,
    status: &'static str,
    submission_method: &'static [&'static str],
    tender_period: Period,
    title: &'o str,
    value: Amount,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct Period {
    #[serde(skip_serializing_if = "Option::is_none")]
    end_date: Option<String>,
    start_date: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Document<'o> {
    #[serde(skip_serializing_if = "Option::is_none")]
    document_type: Option<&'static str>,
    format: &'static str,
    id: String,
    language: &'static str,
    title: &'o str,
    url: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Award<'o> {
    contract_period: Period,
    date: String,
    id: String,
    status: &'static str,
    suppliers: Vec<PartyRef<'o>>,
    title: String,
    value: Amount,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Contract<'o> {
    #[serde(rename = "awardID")]
    award_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    date_signed: Option<String>,
    id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    implementation: Option<Implementation<'o>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    period: Option<Period>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<&'o str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<Amount>,
}

#[derive(Debug, Serialize)]
struct Implementation<'o> {
    #[serde(skip_serializing_if = "Option::is_none")]
    documents: Option<Vec<Document<'o>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    milestones: Option<Vec<Milestone>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    transactions: Option<Vec<Transaction<'o>>>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Milestone {
    date_met: String,
    id: &'static str,
    status: &'static str,
    title: &'static str,
    #[serde(rename = "type")]
    kind: &'static str,
}

#[derive(Debug, Serialize)]
struct Transaction<'o> {
    date: String,
    id: String,
    payee: PartyRef<'o>,
    payer: PartyRef<'o>,
    value: Amount,
}

#[derive(Debug, Clone, Copy, Serialize)]
struct Amount {
    amount: u32,
    currency: &'static str,
}

#[cfg(test)]
mod tests {
    use super::*;
    use cwu_domain::outcome::{Accepted, Awarded, Paid};
    use std::path::Path;

    #[test]
    fn every_object_of_every_release_has_its_keys_in_sorted_order() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let content = crate::content::load(&root).expect("example content");
        let mut opportunity = content.opportunities[0].opportunity.clone();
        let moment = |text: &str| text.parse::<Timestamp>().unwrap();
        let amount = Reward::new(35_000).unwrap();
        opportunity.completion_date = Some(moment("2027-06-01T23:00:00Z"));
        opportunity.outcome = Some(Outcome {
            awarded: Awarded {
                proponent: "Ada Lovelace".into(),
                organization: Some("Engines & Co".into()),
                date: moment("2026-11-13T18:00:00Z"),
                amount,
            },
            accepted: Some(Accepted {
                date: moment("2026-12-15T19:00:00Z"),
                links: vec![
                    "https://github.com/a/b/pull/1".into(),
                    "https://x.ca/".into(),
                ],
            }),
            paid: Some(Paid {
                date: moment("2026-12-18T17:30:00Z"),
                amount,
            }),
        });
        let publisher = Publisher {
            name: "Code With Us",
            base_url: "https://cwu.example",
            ocid_prefix: "ocds-a1b2c3",
        };
        let all = releases(&publisher, &opportunity, moment("2026-11-01T00:00:00Z"));
        assert_eq!(all.len(), 4, "tender, award, acceptance, payment");
        for release in &all {
            let written = serde_json::to_string(release).unwrap();
            // A `Value` keeps its objects' keys sorted.
            let value: serde_json::Value = serde_json::from_str(&written).unwrap();
            assert_eq!(written, value.to_string());
        }
        let award = serde_json::to_string(&all[1]).unwrap();
        assert!(
            award.contains(r#""contactPoint":{"name":"Ada Lovelace"}"#),
            "{award}"
        );
    }
}
