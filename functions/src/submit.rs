//! The submit handler: from a form POST to a stored proposal, its mails and a 303 to the
//! receipt, or a page saying exactly what went wrong.
//!
//! Order of checks (first failure wins): size 413, content type 415, encoding 400, unknown
//! opportunity 404, not accepting proposals by this function's clock 410, honeypot, field
//! rules 422, storage 503.
//!
//! **Spam.** A filled honeypot (`website`) means a bot: the handler answers exactly as for a
//! success (303 to a receipt page for a made-up id) so the bot learns nothing, but stores and
//! mails nothing and logs one line. People never see the field (visually hidden, out of the
//! tab order, `aria-hidden`, `autocomplete=off`), so a person is not caught by it.

use crate::app::{AfterSubmit, Config, SUBMIT_PATH};
use crate::decode::{DecodeError, decode};
use crate::form::{FormTarget, render_form};
use crate::mail::{Mailer, OutboxMail};
use crate::message::{MessageError, proposal_mails};
use crate::outbox;
use crate::receipt;
use crate::response::{message, page};
use crate::store::{ProposalKey, ProposalStore, StoreError, StoredProposal};
use bytes::Bytes;
use cwu_domain::html::escape_html;
use cwu_domain::proposal::{FieldError, ProposalFields, ProposalForm};
use cwu_domain::{Registry, RegistryEntry, when};
use http::{HeaderValue, Request, Response, StatusCode, header};
use jiff::Timestamp;
use sha2::{Digest, Sha256};
use std::net::IpAddr;

/// The client's address, put in the request's extensions by whoever accepted the connection
/// (`serve`: the socket peer; Lambda: the request context or CloudFront's `X-Forwarded-For`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

/// How many times [`record`] re-reads after losing a race before giving up.
const MAX_ATTEMPTS: usize = 25;
/// The longest user agent kept.
const MAX_USER_AGENT: usize = 512;

/// What the handler learned about the sender, stored with the proposal.
#[derive(Debug, Clone, Default)]
pub struct Submitter {
    /// Salted SHA-256 of the client IP.
    pub client_ip_hash: Option<String>,
    /// The `User-Agent`, one line, cut to 512 characters.
    pub user_agent: Option<String>,
}

/// The outcome of [`record`].
#[derive(Debug, Clone)]
pub enum Recorded {
    /// A new version was stored with these pending mails.
    New(StoredProposal, Vec<OutboxMail>),
    /// Identical to the current version, which is returned; nothing was written or mailed.
    Unchanged(StoredProposal),
}

impl Recorded {
    /// The proposal version the proponent now has.
    pub fn proposal(&self) -> &StoredProposal {
        match self {
            Recorded::New(p, _) | Recorded::Unchanged(p) => p,
        }
    }
}

/// Why [`record`] stored nothing.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    /// The store failed (or stayed contended); nothing was saved.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The mails could not be built (configuration); nothing was saved.
    #[error(transparent)]
    Message(#[from] MessageError),
}

/// Hex SHA-256 of the validated fields: equal for identical submissions.
pub fn content_hash(fields: &ProposalFields) -> String {
    let json = serde_json::to_vec(fields).expect("the fields are plain data");
    hex::encode(Sha256::digest(json))
}

/// Hex SHA-256 of `secret`, a separator and the address.
pub fn hash_ip(secret: &str, ip: IpAddr) -> String {
    let mut hasher = Sha256::new();
    hasher.update(secret.as_bytes());
    hasher.update(b"\0ip\0");
    hasher.update(ip.to_string().as_bytes());
    hex::encode(hasher.finalize())
}

/// Stores a validated proposal under the store contract: identical to the current version →
/// [`Recorded::Unchanged`]; otherwise version + 1 written conditionally with its mails,
/// re-reading and deciding again whenever another writer got there first.
pub async fn record(
    store: &dyn ProposalStore,
    fields: ProposalFields,
    submitter: &Submitter,
    now: Timestamp,
    mails: &(dyn Fn(&StoredProposal) -> Result<Vec<OutboxMail>, MessageError> + Sync),
) -> Result<Recorded, RecordError> {
    let key = ProposalKey::of(&fields);
    let hash = content_hash(&fields);
    for _ in 0..MAX_ATTEMPTS {
        let current = store.current(&key).await?;
        if let Some(current) = current.as_ref().filter(|c| c.content_hash == hash) {
            return Ok(Recorded::Unchanged(current.clone()));
        }
        let expected = current.as_ref().map(|c| c.version);
        let proposal = StoredProposal {
            id: crate::ids::ulid_at(now),
            version: expected.map_or(1, |v| v + 1),
            submitted_at: now,
            fields: fields.clone(),
            terms_accepted_at: now,
            client_ip_hash: submitter.client_ip_hash.clone(),
            user_agent: submitter.user_agent.clone(),
            content_hash: hash.clone(),
        };
        let outbox = mails(&proposal)?;
        match store.put_version(expected, &proposal, &outbox).await {
            Ok(()) => return Ok(Recorded::New(proposal, outbox)),
            Err(StoreError::Conflict) => continue,
            Err(error) => return Err(error.into()),
        }
    }
    Err(StoreError::Unavailable("too many concurrent changes to this proposal".into()).into())
}

/// Who sent the request, from its extensions and headers.
pub fn submitter(request: &Request<Bytes>, secret: &str) -> Submitter {
    let ip = request
        .extensions()
        .get::<ClientIp>()
        .map(|c| c.0)
        .or_else(|| {
            request
                .headers()
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(',').next())
                .and_then(|v| v.trim().parse().ok())
        });
    let user_agent = request
        .headers()
        .get(header::USER_AGENT)
        .map(|v| String::from_utf8_lossy(v.as_bytes()))
        .map(|v| {
            v.chars()
                .filter(|c| !c.is_control())
                .take(MAX_USER_AGENT)
                .collect::<String>()
        })
        .filter(|v| !v.is_empty());
    Submitter {
        client_ip_hash: ip.map(|ip| hash_ip(secret, ip)),
        user_agent,
    }
}

/// Handles `POST /api/proposals` (see the module documentation for the responses).
pub async fn submit(
    request: &Request<Bytes>,
    store: &dyn ProposalStore,
    mailer: &dyn Mailer,
    registry: &Registry,
    config: &Config,
    now: Timestamp,
) -> Response<Bytes> {
    let form = match decode(request) {
        Ok(form) => form,
        Err(error) => return refused(registry, &error),
    };
    let slug = form.opportunity.trim();
    let Some(opportunity) = registry.get(slug) else {
        return message(
            StatusCode::NOT_FOUND,
            Some(registry),
            "Opportunity not found",
            &["There is no opportunity with this address, so your proposal was not saved."],
            r#"<p><a href="/opportunities/">See the open opportunities</a></p>"#,
        );
    };
    let status = opportunity.status_at(now);
    if !status.accepts_proposals() {
        return closed(registry, opportunity, now);
    }
    if form.is_spam() {
        eprintln!("functions: honeypot filled for {slug}; treated as spam, nothing stored");
        let fake = crate::ids::ulid_at(now);
        return crate::response::see_other(&receipt::url(&config.secret, slug, &fake, 1));
    }
    let fields = match form.validate(&registry.site.terms_version) {
        Ok(fields) => fields,
        Err(errors) => return invalid(registry, opportunity, &form, &errors),
    };
    let build_mails = |proposal: &StoredProposal| {
        proposal_mails(proposal, opportunity, &registry.site, &config.mail_from)
    };
    let submitter = submitter(request, &config.secret);
    match record(store, fields, &submitter, now, &build_mails).await {
        Ok(recorded) => {
            if let Recorded::New(_, mails) = &recorded
                && config.after_submit != AfterSubmit::Nothing
            {
                let ids: Vec<String> = mails.iter().map(|m| m.id.clone()).collect();
                outbox::send_all(store, mailer, &ids, now).await;
                if config.after_submit == AfterSubmit::DrainAll {
                    outbox::drain(store, mailer, now).await;
                }
            }
            let p = recorded.proposal();
            crate::response::see_other(&receipt::url(&config.secret, slug, &p.id, p.version))
        }
        Err(error) => {
            eprintln!("functions: proposal for {slug} not saved: {error}");
            not_saved(registry, opportunity, &form)
        }
    }
}

/// 413, 415 or 400 for a body that is not a proposal form.
fn refused(registry: &Registry, error: &DecodeError) -> Response<Bytes> {
    let back = r#"<p>Go back to the opportunity's page and use its form.</p>"#;
    match error {
        DecodeError::TooLarge => message(
            StatusCode::PAYLOAD_TOO_LARGE,
            Some(registry),
            "Proposal too large",
            &[&format!(
                "Your proposal was not saved: the form sent more than {} KiB. The proposal and comments may each have at most 10,000 characters.",
                cwu_domain::proposal::limits::BODY_BYTES / 1024
            )],
            back,
        ),
        DecodeError::UnsupportedType => message(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Some(registry),
            "Unsupported form data",
            &[
                "Your proposal was not saved: this address accepts only the HTML form (application/x-www-form-urlencoded, UTF-8).",
            ],
            back,
        ),
        DecodeError::Malformed(why) => message(
            StatusCode::BAD_REQUEST,
            Some(registry),
            "Malformed form data",
            &[&format!("Your proposal was not saved: {why}.")],
            back,
        ),
    }
}

fn back_link(opportunity: &RegistryEntry) -> String {
    format!(
        r#"<p><a href="/opportunities/{}/">Back to {}</a></p>"#,
        escape_html(&opportunity.slug),
        escape_html(&opportunity.title)
    )
}

/// 410: the deadline passed (by this function's clock) or the opportunity is not open.
fn closed(registry: &Registry, opportunity: &RegistryEntry, now: Timestamp) -> Response<Bytes> {
    let status = opportunity.status_at(now);
    let why = if now >= opportunity.deadline && status == cwu_domain::Status::UnderEvaluation {
        format!(
            "Proposals for “{}” closed on {}. Your proposal was not saved.",
            opportunity.title,
            when::display(opportunity.deadline)
        )
    } else {
        format!(
            "“{}” is not accepting proposals (status: {}). Your proposal was not saved.",
            opportunity.title,
            status.label()
        )
    };
    message(
        StatusCode::GONE,
        Some(registry),
        "Proposals are closed",
        &[&why],
        &format!(
            r#"{}<p><a href="/opportunities/">See the open opportunities</a></p>"#,
            back_link(opportunity)
        ),
    )
}

fn form_target<'a>(registry: &'a Registry, opportunity: &'a RegistryEntry) -> FormTarget<'a> {
    FormTarget {
        action: SUBMIT_PATH,
        opportunity: &opportunity.slug,
        terms_version: &registry.site.terms_version,
    }
}

/// 422: the form again with the values kept and each error next to its field.
fn invalid(
    registry: &Registry,
    opportunity: &RegistryEntry,
    form: &ProposalForm,
    errors: &[FieldError],
) -> Response<Bytes> {
    let title = format!("Error: check your proposal for {}", opportunity.title);
    let main = format!(
        "<h1>Check your proposal</h1><p>Your proposal for <a href=\"/opportunities/{}/\">{}</a> was not saved yet. Correct the fields below and submit again.</p>{}",
        escape_html(&opportunity.slug),
        escape_html(&opportunity.title),
        render_form(form_target(registry, opportunity), form, errors)
    );
    page(
        StatusCode::UNPROCESSABLE_ENTITY,
        Some(registry),
        &title,
        &main,
    )
}

/// 503: storage failed. Says so, and gives the form back so nothing typed is lost.
fn not_saved(
    registry: &Registry,
    opportunity: &RegistryEntry,
    form: &ProposalForm,
) -> Response<Bytes> {
    let main = format!(
        "<h1>Your proposal was not saved</h1><p>Our storage is unavailable right now, so nothing was saved and no email was sent. Wait a minute and submit again: your text is kept in the form below.</p><p>If this keeps happening, write to <a href=\"mailto:{0}\">{0}</a> before the deadline ({1}).</p>{2}",
        escape_html(&registry.site.contact_email),
        escape_html(&when::display(opportunity.deadline)),
        render_form(form_target(registry, opportunity), form, &[])
    );
    let mut response = page(
        StatusCode::SERVICE_UNAVAILABLE,
        Some(registry),
        "Your proposal was not saved",
        &main,
    );
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("60"));
    response
}
