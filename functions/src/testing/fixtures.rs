//! Fixtures: the fixed clock, a registry of three opportunities, an app over any store and
//! mailer, and valid form posts.

use crate::app::{App, Clock};
use crate::config::{AfterSubmit, Config, SUBMIT_PATH};
use crate::mail::Mailer;
use crate::store::ProposalStore;
use bytes::Bytes;
use cwu_domain::opportunity::{Contact, Criterion, Lifecycle};
use cwu_domain::proposal::{ACCEPTED, field};
use cwu_domain::registry::{MAIN_MARKER, SiteInfo, TITLE_MARKER};
use cwu_domain::{Registry, RegistryEntry, Reward};
use http::{Request, Response, header};
use jiff::Timestamp;
use std::sync::Arc;

/// The fixed test clock: 2026-11-24T12:00:00-08:00.
pub fn now() -> Timestamp {
    NOW.parse().expect("a valid instant")
}
/// [`now`] as text.
pub const NOW: &str = "2026-11-24T12:00:00-08:00";
/// An opportunity open at [`NOW`] (deadline 2027-03-12, 4 PM Vancouver).
pub const OPEN: &str = "permit-api";
/// An opportunity whose deadline passed before [`NOW`].
pub const CLOSED: &str = "closed-dashboard";
/// A cancelled opportunity.
pub const CANCELLED: &str = "cancelled-portal";
/// The terms version of the fixture site.
pub const TERMS: &str = "2026-06";
/// The product owner of every fixture opportunity.
pub const OWNER_EMAIL: &str = "priya.sandhu@gov.bc.ca";
/// The sender of every fixture mail.
pub const MAIL_FROM: &str = "Code With Us <noreply@cwu.example.ca>";

fn entry(slug: &str, title: &str, proposal_deadline: &str, lifecycle: Lifecycle) -> RegistryEntry {
    RegistryEntry {
        slug: slug.into(),
        title: title.into(),
        url: cwu_domain::urls::absolute(
            "https://cwu.example.ca",
            &cwu_domain::urls::opportunity(slug),
        ),
        organization: "Ministry of Forests".into(),
        owner: Contact {
            name: "Priya Sandhu".into(),
            email: OWNER_EMAIL.into(),
        },
        reward: Reward::new(25_000).expect("valid reward"),
        proposal_deadline: proposal_deadline.parse().expect("valid deadline"),
        published: None,
        lifecycle,
        stage: None,
        evaluation_criteria: vec![
            Criterion {
                criterion: "Approach".into(),
                points: 60,
            },
            Criterion {
                criterion: "Experience <with> Rust & APIs".into(),
                points: 40,
            },
        ],
        questions: Some("https://github.com/bcgov/permit-status/issues/1".into()),
        skills: vec!["Rust".into(), "PostgreSQL".into()],
        addenda: Vec::new(),
        assignment_date: "2027-04-01T23:00:00Z".parse().expect("valid date"),
        start_date: "2027-04-15T23:00:00Z".parse().expect("valid date"),
        completion_date: None,
        repository: Some("https://github.com/bcgov-example/permit-status".into()),
    }
}

/// A registry with [`OPEN`], [`CLOSED`] and [`CANCELLED`] and a small valid page shell.
pub fn registry() -> Registry {
    let opportunities = [
        entry(
            OPEN,
            "Permit status API for the Ministry of Forests",
            "2027-03-13T00:00:00Z",
            Lifecycle::Published,
        ),
        entry(
            CLOSED,
            "Wildfire dashboard",
            "2026-11-02T00:00:00Z",
            Lifecycle::Published,
        ),
        entry(
            CANCELLED,
            "Parks portal",
            "2027-03-13T00:00:00Z",
            Lifecycle::Cancelled,
        ),
    ];
    Registry {
        site: SiteInfo {
            title: "Code With Us".into(),
            base_url: "https://cwu.example.ca".into(),
            contact_email: "codewithus@gov.bc.ca".into(),
            terms_version: TERMS.into(),
        },
        page_shell: format!(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{TITLE_MARKER} | Code With Us</title></head><body><main id=\"main\">{MAIN_MARKER}</main></body></html>"
        ),
        opportunities: opportunities
            .into_iter()
            .map(|e| (e.slug.clone(), e))
            .collect(),
    }
}

/// An app over `store` and `mailer` with the fixture registry and a clock fixed at `at`.
pub fn app_at(
    store: Arc<dyn ProposalStore>,
    mailer: Arc<dyn Mailer>,
    after_submit: AfterSubmit,
    at: Timestamp,
) -> App {
    let clock: Clock = Arc::new(move || at);
    App::new(
        store,
        mailer,
        Arc::new(Arc::new(registry())),
        Config {
            mail_from: MAIL_FROM.into(),
            signing_key: "test secret".into(),
            ip_hash_key: "test ip key".into(),
            after_submit,
            site_url: None,
        },
    )
    .with_clock(clock)
}

/// A valid form for [`OPEN`] from `email`, as `(name, value)` pairs.
pub fn fields(email: &str, proposal: &str) -> Vec<(&'static str, String)> {
    vec![
        (field::OPPORTUNITY, OPEN.into()),
        (field::PROPONENT_TYPE, "individual".into()),
        (field::LEGAL_NAME, "Ana Lee".into()),
        (field::ORGANIZATION_NAME, String::new()),
        (field::EMAIL, email.into()),
        (field::PHONE, "250-555-0100".into()),
        (field::PROPOSAL, proposal.into()),
        (field::COMMENTS, String::new()),
        (field::ACCEPT_TERMS, ACCEPTED.into()),
        (field::TERMS_VERSION, TERMS.into()),
        (field::HONEYPOT, String::new()),
    ]
}

/// [`fields`] from a person `name`d, proposing for `organization` when it is not empty.
pub fn named_fields(
    email: &str,
    name: &str,
    organization: &str,
    proposal: &str,
) -> Vec<(&'static str, String)> {
    let mut form = fields(email, proposal);
    for (key, value) in &mut form {
        match *key {
            field::LEGAL_NAME => *value = name.into(),
            field::ORGANIZATION_NAME => *value = organization.into(),
            field::PROPONENT_TYPE if !organization.is_empty() => *value = "organization".into(),
            _ => {}
        }
    }
    form
}

/// URL-encodes form pairs.
pub fn encode(pairs: &[(&str, String)]) -> String {
    let mut serializer = form_urlencoded::Serializer::new(String::new());
    for (name, value) in pairs {
        serializer.append_pair(name, value);
    }
    serializer.finish()
}

/// A browser-like form POST of `body` to the submit address.
pub fn post(body: impl Into<Bytes>) -> Request<Bytes> {
    Request::post(SUBMIT_PATH)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::USER_AGENT, "behaviour-suite/1")
        .body(body.into())
        .expect("a valid request")
}

/// The response body as text.
pub fn text(response: &Response<Bytes>) -> String {
    String::from_utf8_lossy(response.body()).into_owned()
}
