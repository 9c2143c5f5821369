//! The steps after scoring, on the owner's evaluation page: award the work, record it accepted,
//! record the payment ([`cwu_domain::award`] has the rules).
//!
//! Each step is a form posted to [`urls::evaluation_outcome`] with the session's CSRF token,
//! after the deadline by this function's clock. The first post only shows what would be
//! recorded and a button to confirm it (no JavaScript needed); the confirmed post appends the
//! step as one evaluation event, conditional on its sequence number, together with its mails
//! in the same atomic write: the award's result mail to every evaluated proponent, the
//! acceptance's and the payment's notice to the winner. So a step is recorded once, with who
//! and when, and its mails are sent exactly once by the outbox even when the mail service
//! fails. Then the public outcomes file is written again ([`outcomes`]).

pub mod mails;
pub mod outcomes;

use crate::config::Config;
use crate::evaluate::{self, View, evaluated};
use crate::mail::{Mailer, OutboxMail};
use crate::outbox;
use crate::response::see_other;
use crate::store::{ProposalStore, StoreError, StoredProposal};
use bytes::Bytes;
use cwu_domain::award;
use cwu_domain::evaluation::{Change, EvaluationError, EvaluationEvent, Sheet};
use cwu_domain::{Registry, RegistryEntry, Status, urls};
use http::{Request, Response, StatusCode};
use jiff::Timestamp;
use outcomes::OutcomesFile;
use std::collections::BTreeMap;

/// How often a step is retried when another change was saved at the same moment.
const MAX_ATTEMPTS: usize = 10;

/// What the steps need besides the request.
pub struct Deps<'a> {
    /// The store of proposals, evaluation events and mail.
    pub store: &'a dyn ProposalStore,
    /// Sends the mails just stored (as [`Config::after_submit`] says).
    pub mailer: &'a dyn Mailer,
    /// The opportunities.
    pub registry: &'a Registry,
    /// Settings.
    pub config: &'a Config,
    /// Where the public outcomes are written; `None` writes nothing.
    pub outcomes: Option<&'a dyn OutcomesFile>,
    /// The function's clock.
    pub now: Timestamp,
}

/// `POST` of the award, acceptance or payment form of `slug`.
pub async fn post(request: &Request<Bytes>, deps: &Deps<'_>, slug: &str) -> Response<Bytes> {
    let (registry, now) = (deps.registry, deps.now);
    let evaluate::Posted {
        session,
        opportunity,
        form,
    } = match evaluate::posted(request, registry, deps.config, slug, now) {
        Ok(posted) => posted,
        Err(response) => return *response,
    };
    let refuse = |error: EvaluationError| {
        evaluate::render(
            &session,
            deps.store,
            registry,
            opportunity,
            View::Page,
            now,
            Some((StatusCode::UNPROCESSABLE_ENTITY, error.to_string())),
        )
    };
    if opportunity.status_at(now) == Status::Cancelled {
        return refuse(EvaluationError::Final).await;
    }
    for _ in 0..MAX_ATTEMPTS {
        let read = async {
            let (proposals, _) = evaluated(deps.store, slug).await?;
            let events = deps.store.evaluation(slug).await?;
            Ok::<_, StoreError>((proposals, events))
        };
        let (proposals, mut events) = match read.await {
            Ok(read) => read,
            Err(error) => return evaluate::unavailable(registry, &error),
        };
        let sheet = Sheet::replay(&events);
        // Proposals held as suspected spam are not evaluated until admitted: no result mail.
        let (proposals, _) = crate::quarantine::split(proposals, &sheet);
        let (reference, change) = match step(&form, opportunity, &proposals, &sheet, now) {
            Ok(step) => step,
            Err(error) => return refuse(error).await,
        };
        let Some(proponent) = proposals.iter().find(|p| p.reference() == reference) else {
            return refuse(EvaluationError::UnknownProposal).await;
        };
        if form.get("confirm").map(String::as_str) != Some("yes") {
            return crate::award_page::confirm(
                &session,
                registry,
                opportunity,
                &form,
                proponent,
                &change,
            );
        }
        let event = EvaluationEvent {
            opportunity: slug.to_owned(),
            seq: events.iter().map(|e| e.seq).max().unwrap_or(0) + 1,
            at: now,
            by: session.owner.email.clone(),
            proposal: reference,
            change,
        };
        events.push(event.clone());
        let after = Sheet::replay(&events);
        let mails = match step_mails(deps, opportunity, &proposals, &after, proponent) {
            Ok(mails) => mails,
            Err(error) => {
                eprintln!("functions: result mails not composed: {error}");
                return evaluate::unavailable(registry, &StoreError::Unavailable(error));
            }
        };
        match deps.store.append_evaluation(&event, &mails).await {
            Ok(()) => {
                outbox::send_after_store(deps.store, deps.mailer, deps.config, &mails, now).await;
                if let Some(file) = deps.outcomes {
                    // The step stands whatever happens here: the next sweep writes it again.
                    if let Err(error) = outcomes::publish(deps.store, registry, file, now).await {
                        eprintln!(
                            "functions: outcomes file not written (the sweep retries): {error}"
                        );
                    }
                }
                return see_other(&format!("{}#outcome", urls::evaluation(slug)));
            }
            Err(StoreError::Conflict) => continue,
            Err(error) => return evaluate::unavailable(registry, &error),
        }
    }
    evaluate::unavailable(
        registry,
        &StoreError::Unavailable("too many changes at once".into()),
    )
}

/// The step the form asks for, checked against the evaluation: the proposal it is about and
/// the event's change.
fn step(
    form: &BTreeMap<String, String>,
    opportunity: &RegistryEntry,
    proposals: &[StoredProposal],
    sheet: &Sheet,
    now: Timestamp,
) -> Result<(String, Change), EvaluationError> {
    let field = |name: &str| form.get(name).map_or("", String::as_str);
    let winner = || sheet.winner.clone().ok_or(EvaluationError::NotAwarded);
    match field("action") {
        "award" => {
            // An opportunity awarded in its front matter (before this platform) stays so.
            if opportunity.awarded() && sheet.outcome.is_none() {
                return Err(EvaluationError::Final);
            }
            let references: Vec<String> =
                proposals.iter().map(|p| p.reference().to_owned()).collect();
            let chosen = field("proposal");
            let justification = field("justification").replace("\r\n", "\n");
            let justification = justification.trim();
            award::check_award(
                sheet,
                &references,
                &opportunity.evaluation_criteria,
                chosen,
                justification,
            )?;
            let winner = proposals
                .iter()
                .find(|p| p.reference() == chosen)
                .ok_or(EvaluationError::UnknownProposal)?;
            let change = Change::Award {
                proponent: winner.fields.legal_name.clone(),
                organization: winner.fields.organization_name.clone(),
                amount: opportunity.reward,
                justification: justification.to_owned(),
            };
            Ok((chosen.to_owned(), change))
        }
        "accept" => {
            let change = award::accept(sheet, field("date"), field("links"), now)?;
            Ok((winner()?, change))
        }
        "pay" => {
            let change = award::pay(sheet, field("date"), field("amount"), now)?;
            Ok((winner()?, change))
        }
        _ => Err(EvaluationError::UnknownAction),
    }
}

/// The mails of the step just applied to `after`: the results at the award, the winner's
/// notice at the acceptance and the payment.
fn step_mails(
    deps: &Deps<'_>,
    opportunity: &RegistryEntry,
    proposals: &[StoredProposal],
    after: &Sheet,
    winner: &StoredProposal,
) -> Result<Vec<OutboxMail>, String> {
    let cx = mails::Context {
        opportunity,
        site: &deps.registry.site,
        mail_from: &deps.config.mail_from,
        now: deps.now,
    };
    let outcome = after.outcome.as_ref().ok_or("no award recorded")?;
    let result = match (&outcome.accepted, &outcome.paid) {
        (None, _) => mails::results(&cx, proposals, after, winner),
        (Some(accepted), None) => mails::accepted(&cx, winner, accepted).map(|m| vec![m]),
        (Some(_), Some(paid)) => mails::paid(&cx, winner, outcome, paid).map(|m| vec![m]),
    };
    result.map_err(|e| e.to_string())
}
