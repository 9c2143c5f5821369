//! The owner's evaluation pages: the list of their opportunities, one opportunity's proposals
//! with the score sheet, the changes posted from it, and the CSV and JSON exports.
//!
//! Everything needs a session ([`crate::owner`]) and shows only the owner's own
//! opportunities (another's answers 404, like an unknown one). Before the deadline, by this
//! function's clock, a page shows the number of proposals only: they stay sealed. The sheet is
//! the replay of the stored events ([`cwu_domain::evaluation`]); a change appends events and
//! never rewrites one, so the audit trail below the sheet cannot be edited.

use crate::compose_mail::{proponent, proposal_rows};
use crate::config::Config;
use crate::decode::decode_as;
use crate::owner::{self, Session};
use crate::response::{message, page, see_other};
use crate::store::{ProposalStore, StoreError, StoredProposal};
use bytes::Bytes;
use cwu_domain::evaluation::{Change, EvaluationError, EvaluationEvent, Points, Rank, Sheet};
use cwu_domain::html::escape_html;
use cwu_domain::urls;
use cwu_domain::{Registry, RegistryEntry, Status, when};
use http::{Request, Response, StatusCode};
use jiff::Timestamp;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;

/// How often a change is retried when someone else saved at the same moment.
const MAX_ATTEMPTS: usize = 10;

/// One proposal under evaluation: its current version and every earlier one.
#[derive(Debug, Clone)]
pub struct Evaluated {
    /// The version evaluated.
    pub current: StoredProposal,
    /// Earlier versions, oldest first (withdrawals included).
    pub earlier: Vec<StoredProposal>,
}

/// The proposals evaluated for `slug`: current, not withdrawn, oldest reference first; and
/// how many are withdrawn.
pub async fn evaluated(
    store: &dyn ProposalStore,
    slug: &str,
) -> Result<(Vec<StoredProposal>, usize), StoreError> {
    let all = store.proposals(slug).await?;
    let withdrawn = all.iter().filter(|p| p.is_withdrawn()).count();
    let mut current: Vec<StoredProposal> = all.into_iter().filter(|p| !p.is_withdrawn()).collect();
    current.sort_by(|a, b| a.reference().cmp(b.reference()));
    Ok((current, withdrawn))
}

/// What a request on an evaluation address asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// The page.
    Page,
    /// The CSV export.
    Csv,
    /// The JSON export.
    Json,
    /// The award, acceptance and payment forms' address (`POST` only; [`crate::award`]).
    Outcome,
}

/// Splits a path below [`urls::EVALUATIONS`] into the slug and the view.
pub fn route(path: &str) -> Option<(&str, View)> {
    let rest = path.strip_prefix(urls::EVALUATIONS)?.strip_prefix('/')?;
    let (slug, view) = match rest.split_once('/') {
        None => (rest, View::Page),
        Some((slug, "export.csv")) => (slug, View::Csv),
        Some((slug, "export.json")) => (slug, View::Json),
        Some((slug, "outcome")) => (slug, View::Outcome),
        Some(_) => return None,
    };
    (!slug.is_empty()).then_some((slug, view))
}

pub(crate) fn unavailable(registry: &Registry, error: &StoreError) -> Response<Bytes> {
    eprintln!("functions: evaluation store unavailable: {error}");
    crate::response::unavailable(registry)
}

/// The owner's opportunity `slug`; `None` for any other (see [`not_found`]).
fn owned<'a>(registry: &'a Registry, session: &Session, slug: &str) -> Option<&'a RegistryEntry> {
    registry.get(slug).filter(|o| session.owns(o))
}

/// The 404 for an opportunity that is unknown or another owner's (the same page for both).
fn not_found(registry: &Registry) -> Response<Bytes> {
    message(
        StatusCode::NOT_FOUND,
        Some(registry),
        "Evaluation not found",
        &[
            "You have no opportunity at this address. You see only the opportunities that list you as their product owner.",
        ],
        &format!(
            r#"<p><a href="{}">Your evaluations</a></p>"#,
            urls::EVALUATIONS
        ),
    )
}

fn sealed(opportunity: &RegistryEntry, now: Timestamp) -> bool {
    now < opportunity.proposal_deadline
}

/// `GET` the owner's opportunities with their proposal counts.
pub async fn list(
    session: &Session,
    store: &dyn ProposalStore,
    registry: &Registry,
    now: Timestamp,
) -> Response<Bytes> {
    let e = escape_html;
    let mut rows = String::new();
    for opportunity in registry.opportunities.values().filter(|o| session.owns(o)) {
        let (proposals, _) = match evaluated(store, &opportunity.slug).await {
            Ok(found) => found,
            Err(error) => return unavailable(registry, &error),
        };
        let _ = write!(
            rows,
            r#"<tr><th scope="row"><a href="{}">{}</a></th><td>{}</td><td>{}</td><td>{}</td></tr>"#,
            e(&urls::evaluation(&opportunity.slug)),
            e(&opportunity.title),
            e(&when::display(opportunity.proposal_deadline)),
            e(opportunity.status_at(now).label()),
            proposals.len()
        );
    }
    let main = format!(
        r#"<h1>Your evaluations</h1>
<p>Signed in as {name}. Proposals open here after their deadline.</p>
<table><caption>Your opportunities</caption>
<thead><tr><th scope="col">Opportunity</th><th scope="col">Proposals closed</th><th scope="col">Status</th><th scope="col">Proposals</th></tr></thead>
<tbody>{rows}</tbody></table>
{sign_out}"#,
        name = e(&session.owner.name),
        sign_out = owner::sign_out_form(session),
    );
    page(StatusCode::OK, Some(registry), "Your evaluations", &main)
}

/// `GET` one opportunity's evaluation page, or its CSV or JSON export.
pub async fn show(
    session: &Session,
    store: &dyn ProposalStore,
    registry: &Registry,
    slug: &str,
    view: View,
    now: Timestamp,
) -> Response<Bytes> {
    let Some(opportunity) = owned(registry, session, slug) else {
        return not_found(registry);
    };
    render(session, store, registry, opportunity, view, now, None).await
}

pub(crate) async fn render(
    session: &Session,
    store: &dyn ProposalStore,
    registry: &Registry,
    opportunity: &RegistryEntry,
    view: View,
    now: Timestamp,
    error: Option<(StatusCode, String)>,
) -> Response<Bytes> {
    let (proposals, withdrawn) = match evaluated(store, &opportunity.slug).await {
        Ok(found) => found,
        Err(error) => return unavailable(registry, &error),
    };
    if sealed(opportunity, now) {
        let main = format!(
            r#"<h1>Evaluation: {title}</h1>
<p>Proposals are sealed until the deadline, {deadline}: nobody, you included, can read them before then.</p>
<p>Proposals received so far: <strong>{count}</strong>.</p>
<p>After the deadline we email you, and the proposals appear on this page.</p>
<p><a href="{list}">Your evaluations</a></p>{sign_out}"#,
            title = escape_html(&opportunity.title),
            deadline = escape_html(&when::display(opportunity.proposal_deadline)),
            count = proposals.len(),
            list = urls::EVALUATIONS,
            sign_out = owner::sign_out_form(session),
        );
        if view != View::Page {
            return message(
                StatusCode::CONFLICT,
                Some(registry),
                "Proposals are sealed",
                &["Nothing can be exported before the deadline."],
                "",
            );
        }
        return page(StatusCode::OK, Some(registry), "Evaluation (sealed)", &main);
    }
    let events = match store.evaluation(&opportunity.slug).await {
        Ok(events) => events,
        Err(error) => return unavailable(registry, &error),
    };
    let sheet = Sheet::replay(&events);
    let (proposals, held) = crate::quarantine::split(proposals, &sheet);
    match view {
        View::Csv => return crate::export::csv(opportunity, &proposals, &sheet),
        View::Json => return crate::export::json(opportunity, &proposals, &sheet),
        View::Page | View::Outcome => {}
    }
    let mut evaluated_all = Vec::with_capacity(proposals.len());
    for current in proposals {
        let history = match store.history(&current.key()).await {
            Ok(history) => history,
            Err(error) => return unavailable(registry, &error),
        };
        let earlier = history
            .into_iter()
            .filter(|v| v.version < current.version)
            .collect();
        evaluated_all.push(Evaluated { current, earlier });
    }
    let (status, error_html) = match &error {
        Some((status, text)) => (
            *status,
            format!(
                r#"<div class="error-summary" role="alert" tabindex="-1"><h2>Not saved</h2><p>{}</p></div>"#,
                escape_html(text)
            ),
        ),
        None => (StatusCode::OK, String::new()),
    };
    let editable = opportunity.status_at(now) == Status::UnderEvaluation && sheet.outcome.is_none();
    let held_html = crate::quarantine::section_html(&session.csrf, opportunity, &held, editable);
    let main = page_html(
        session,
        registry,
        opportunity,
        &evaluated_all,
        withdrawn,
        &sheet,
        &error_html,
        &held_html,
        now,
    );
    let title = if error.is_some() {
        format!("Error: evaluation of {}", opportunity.title)
    } else {
        format!("Evaluation of {}", opportunity.title)
    };
    page(status, Some(registry), &title, &main)
}

#[allow(clippy::too_many_arguments)]
fn page_html(
    session: &Session,
    registry: &Registry,
    opportunity: &RegistryEntry,
    proposals: &[Evaluated],
    withdrawn: usize,
    sheet: &Sheet,
    error_html: &str,
    held_html: &str,
    now: Timestamp,
) -> String {
    let e = escape_html;
    let criteria = &opportunity.evaluation_criteria;
    let references: Vec<String> = proposals
        .iter()
        .map(|p| p.current.reference().to_owned())
        .collect();
    let ranks = sheet.ranks(&references);
    let editable = opportunity.status_at(now) == Status::UnderEvaluation && sheet.outcome.is_none();
    let mut html = format!(
        r#"<h1>Evaluation: {title}</h1>
{error_html}<p>Proposals closed on {deadline}. {count} to evaluate{withdrawn_note}. Score each criterion from 0 to its points, with up to two decimals; totals and ranks follow. Equal totals share a rank and are marked as a tie.</p>
"#,
        title = e(&opportunity.title),
        deadline = e(&when::display(opportunity.proposal_deadline)),
        count = match proposals.len() {
            1 => "One proposal".to_owned(),
            n => format!("{n} proposals"),
        },
        withdrawn_note = match withdrawn {
            0 => String::new(),
            1 => " (one more was withdrawn by its proponent and is not evaluated)".to_owned(),
            n => format!(" ({n} more were withdrawn by their proponents and are not evaluated)"),
        },
    );
    if !editable && sheet.outcome.is_none() {
        let _ = write!(
            html,
            "<p>This opportunity is {}: the evaluation can no longer change.</p>",
            e(opportunity.status_at(now).label())
        );
    }
    let current: Vec<&StoredProposal> = proposals.iter().map(|p| &p.current).collect();
    html.push_str(&crate::award_page::section(
        session,
        opportunity,
        &current,
        sheet,
        now,
    ));
    // The score sheet.
    html.push_str(r#"<h2 id="ranking">Totals and ranks</h2><table><caption>Score sheet</caption><thead><tr><th scope="col">Proposal</th>"#);
    for c in criteria {
        let _ = write!(
            html,
            r#"<th scope="col">{} (of {})</th>"#,
            e(&c.criterion),
            c.points
        );
    }
    html.push_str(
        r#"<th scope="col">Total (of 100)</th><th scope="col">Rank</th></tr></thead><tbody>"#,
    );
    for p in proposals {
        let reference = p.current.reference();
        let row = sheet.row(reference);
        let _ = write!(
            html,
            "<tr><th scope=\"row\"><a href=\"#p-{}\">{}</a></th>",
            e(reference),
            e(&proponent(&p.current))
        );
        for c in criteria {
            let _ = write!(
                html,
                "<td>{}</td>",
                row.scores
                    .get(&c.criterion)
                    .map_or_else(|| "not scored".to_owned(), Points::to_string)
            );
        }
        let rank = match (&row.disqualified, ranks.get(reference)) {
            (Some(_), _) => "Disqualified".to_owned(),
            (None, Some(rank)) => rank_text(*rank, row.complete(criteria)),
            (None, None) => "—".to_owned(),
        };
        let _ = write!(html, "<td>{}</td><td>{}</td></tr>", row.total(), e(&rank));
    }
    let _ = write!(
        html,
        r#"</tbody></table><p>Export: <a href="{}">CSV (spreadsheet)</a> · <a href="{}">JSON</a></p>"#,
        e(&urls::evaluation_csv(&opportunity.slug)),
        e(&urls::evaluation_json(&opportunity.slug))
    );
    // Each proposal, whole, with its forms.
    html.push_str("<h2>Proposals</h2>");
    for p in proposals {
        proposal_html(&mut html, session, opportunity, p, sheet, editable);
    }
    html.push_str(held_html);
    // The audit trail.
    html.push_str(r#"<h2 id="audit">Audit trail</h2><p>Every change to the scores, notes and disqualifications, oldest first. Entries cannot be edited or deleted.</p>"#);
    if sheet.audit.is_empty() {
        html.push_str("<p>No changes yet.</p>");
    } else {
        html.push_str(r#"<table><caption>Changes</caption><thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">Proposal</th><th scope="col">What</th><th scope="col">Old</th><th scope="col">New</th></tr></thead><tbody>"#);
        let names: HashMap<&str, String> = proposals
            .iter()
            .map(|p| (p.current.reference(), proponent(&p.current)))
            .collect();
        for line in &sheet.audit {
            let _ = write!(
                html,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                e(&when::display(line.event.at)),
                e(&line.event.by),
                e(names
                    .get(line.event.proposal.as_str())
                    .map_or(line.event.proposal.as_str(), String::as_str)),
                e(&line.what),
                e(&line.old),
                e(&line.new)
            );
        }
        html.push_str("</tbody></table>");
    }
    let _ = write!(
        html,
        r#"<p><a href="{}">Your evaluations</a></p>{}"#,
        urls::EVALUATIONS,
        owner::sign_out_form(session)
    );
    let _ = registry;
    html
}

fn rank_text(rank: Rank, complete: bool) -> String {
    if complete {
        rank.to_string()
    } else {
        format!("{rank}, not fully scored")
    }
}

fn proposal_html(
    html: &mut String,
    session: &Session,
    opportunity: &RegistryEntry,
    p: &Evaluated,
    sheet: &Sheet,
    editable: bool,
) {
    let e = escape_html;
    let reference = p.current.reference();
    let row = sheet.row(reference);
    let _ = write!(
        html,
        // The reference keeps each heading (and so each region's name) unique: two proponents
        // may share a name.
        r#"<section class="evaluated" aria-labelledby="p-{r}"><h3 id="p-{r}">{name} (reference {r})</h3><dl class="receipt">"#,
        r = e(reference),
        name = e(&proponent(&p.current))
    );
    for (label, value) in proposal_rows(&p.current) {
        let _ = write!(html, "<dt>{label}</dt><dd>{}</dd>", e(&value));
    }
    let _ = write!(
        html,
        r#"</dl><h4>Proposal</h4><div class="proposal-text">{}</div>"#,
        e(&p.current.fields.proposal)
    );
    if let Some(comments) = &p.current.fields.comments {
        let _ = write!(
            html,
            r#"<h4>Additional comments</h4><div class="proposal-text">{}</div>"#,
            e(comments)
        );
    }
    if !p.earlier.is_empty() {
        let _ = write!(
            html,
            "<details><summary>Earlier versions ({})</summary>",
            p.earlier.len()
        );
        for v in &p.earlier {
            let _ = write!(
                html,
                r#"<h5>Version {} of {}{}</h5><div class="proposal-text">{}</div>"#,
                v.version,
                e(&when::display(v.submitted_at)),
                if v.is_withdrawn() { " (withdrawn)" } else { "" },
                e(&v.fields.proposal)
            );
        }
        html.push_str("</details>");
    }
    let action = e(&urls::evaluation(&opportunity.slug));
    let csrf = e(&session.csrf);
    let disabled = if editable { "" } else { " disabled" };
    let _ = write!(
        html,
        r#"<h4>Scores</h4><form method="post" action="{action}#p-{r}"><input type="hidden" name="csrf" value="{csrf}"><input type="hidden" name="proposal" value="{r}"><input type="hidden" name="action" value="score">"#,
        r = e(reference)
    );
    for (i, c) in opportunity.evaluation_criteria.iter().enumerate() {
        let value = row
            .scores
            .get(&c.criterion)
            .map(Points::to_string)
            .unwrap_or_default();
        let _ = write!(
            html,
            r#"<div class="field"><label for="s-{r}-{i}">{name}</label><p class="hint" id="s-{r}-{i}-hint">From 0 to {points} points, up to two decimals.</p><input type="text" inputmode="decimal" id="s-{r}-{i}" name="score-{i}" value="{value}" size="8" aria-describedby="s-{r}-{i}-hint"{disabled}></div>"#,
            r = e(reference),
            name = e(&c.criterion),
            points = c.points,
            value = e(&value),
        );
    }
    let _ = write!(
        html,
        r#"<div class="field"><label for="n-{r}">Note</label><textarea id="n-{r}" name="note" rows="3"{disabled}>
{note}</textarea></div><button type="submit"{disabled}>Save scores and note</button></form>"#,
        r = e(reference),
        note = e(&row.note),
    );
    match &row.disqualified {
        Some(reason) => {
            let _ = write!(
                html,
                r#"<p><strong>Disqualified:</strong> {}</p><form method="post" action="{action}#p-{r}"><input type="hidden" name="csrf" value="{csrf}"><input type="hidden" name="proposal" value="{r}"><input type="hidden" name="action" value="reinstate"><button type="submit"{disabled}>Take back the disqualification</button></form>"#,
                e(reason),
                r = e(reference)
            );
        }
        None => {
            let _ = write!(
                html,
                r#"<form method="post" action="{action}#p-{r}"><input type="hidden" name="csrf" value="{csrf}"><input type="hidden" name="proposal" value="{r}"><input type="hidden" name="action" value="disqualify"><div class="field"><label for="d-{r}">Reason for disqualifying</label><input type="text" id="d-{r}" name="reason" required{disabled}></div><button type="submit"{disabled}>Disqualify</button></form>"#,
                r = e(reference)
            );
        }
    }
    html.push_str("</section>");
}

/// The changes a posted form asks for on `reference`, compared with its row in `sheet`.
fn changes(
    form: &BTreeMap<String, String>,
    opportunity: &RegistryEntry,
    sheet: &Sheet,
    reference: &str,
) -> Result<Vec<Change>, EvaluationError> {
    let row = sheet.row(reference);
    let criteria = &opportunity.evaluation_criteria;
    let field = |name: &str| form.get(name).map(String::as_str).unwrap_or("");
    let wanted = match field("action") {
        "score" => {
            let mut wanted = Vec::new();
            for (name, value) in form {
                let Some(index) = name.strip_prefix("score-") else {
                    continue;
                };
                let criterion = index
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| criteria.get(i))
                    .ok_or_else(|| EvaluationError::UnknownCriterion(name.clone()))?;
                let points = if value.trim().is_empty() {
                    None
                } else {
                    Some(
                        Points::parse(value, criterion.points)
                            .map_err(|error| in_criterion(&criterion.criterion, error))?,
                    )
                };
                if row.scores.get(&criterion.criterion).copied() != points {
                    wanted.push(Change::Score {
                        criterion: criterion.criterion.clone(),
                        points,
                    });
                }
            }
            // Browsers send a textarea's text with CRLF line breaks; the page renders LF.
            let note = field("note").replace("\r\n", "\n");
            let note = note.trim();
            if note != row.note {
                wanted.push(Change::Note {
                    text: note.to_owned(),
                });
            }
            wanted
        }
        "disqualify" => vec![Change::Disqualify {
            reason: field("reason").trim().to_owned(),
        }],
        "reinstate" if row.disqualified.is_some() => vec![Change::Reinstate],
        "reinstate" => Vec::new(),
        _ => return Err(EvaluationError::UnknownAction),
    };
    for change in &wanted {
        change.validate(criteria)?;
    }
    Ok(wanted)
}

fn in_criterion(criterion: &str, error: EvaluationError) -> EvaluationError {
    EvaluationError::InCriterion {
        criterion: criterion.to_owned(),
        error: error.to_string(),
    }
}

/// A form the owner of an opportunity posted after its deadline with the session's CSRF token.
pub(crate) struct Posted<'a> {
    /// The owner's session.
    pub session: Session,
    /// The opportunity.
    pub opportunity: &'a RegistryEntry,
    /// The form's fields.
    pub form: BTreeMap<String, String>,
}

/// The form posted on `slug`'s evaluation, or the page refusing it (nothing is changed):
/// without a session, for another owner's opportunity, without the CSRF token, before the
/// deadline.
pub(crate) fn posted<'a>(
    request: &Request<Bytes>,
    registry: &'a Registry,
    config: &Config,
    slug: &str,
    now: Timestamp,
) -> Result<Posted<'a>, Box<Response<Bytes>>> {
    let Some(session) = owner::session(request, registry, config, now) else {
        return Err(Box::new(owner::sign_in_required(registry)));
    };
    let Some(opportunity) = owned(registry, &session, slug) else {
        return Err(Box::new(not_found(registry)));
    };
    let Ok(form) = decode_as::<BTreeMap<String, String>>(request) else {
        return Err(Box::new(owner::csrf_refused(registry)));
    };
    if !session.csrf_matches(form.get("csrf").map_or("", String::as_str)) {
        return Err(Box::new(owner::csrf_refused(registry)));
    }
    if sealed(opportunity, now) {
        return Err(Box::new(message(
            StatusCode::CONFLICT,
            Some(registry),
            "Proposals are sealed",
            &[&format!(
                "Nothing was saved: proposals can be scored, and the work awarded, only after the deadline, {}.",
                when::display(opportunity.proposal_deadline)
            )],
            "",
        )));
    }
    Ok(Posted {
        session,
        opportunity,
        form,
    })
}

/// `POST` on an evaluation page: checks the session, the CSRF token, the deadline and the
/// values, then appends one event per changed value and goes back to the page (303).
pub async fn change(
    request: &Request<Bytes>,
    store: &dyn ProposalStore,
    registry: &Registry,
    config: &Config,
    slug: &str,
    now: Timestamp,
) -> Response<Bytes> {
    let Posted {
        session,
        opportunity,
        form,
    } = match posted(request, registry, config, slug, now) {
        Ok(posted) => posted,
        Err(response) => return *response,
    };
    let refuse = |error: EvaluationError| {
        render(
            &session,
            store,
            registry,
            opportunity,
            View::Page,
            now,
            Some((StatusCode::UNPROCESSABLE_ENTITY, error.to_string())),
        )
    };
    if opportunity.status_at(now) != Status::UnderEvaluation {
        return refuse(EvaluationError::Final).await;
    }
    let reference = form.get("proposal").cloned().unwrap_or_default();
    let proposals = match evaluated(store, slug).await {
        Ok((proposals, _)) => proposals,
        Err(error) => return unavailable(registry, &error),
    };
    if !proposals.iter().any(|p| p.reference() == reference) {
        return refuse(EvaluationError::UnknownProposal).await;
    }
    for _ in 0..MAX_ATTEMPTS {
        let events = match store.evaluation(slug).await {
            Ok(events) => events,
            Err(error) => return unavailable(registry, &error),
        };
        let sheet = Sheet::replay(&events);
        if sheet.outcome.is_some() {
            return refuse(EvaluationError::Final).await;
        }
        // Held proposals can only be admitted; the others only scored.
        let (scored, held) = crate::quarantine::split(proposals.clone(), &sheet);
        let admit = crate::quarantine::change(form.get("action").map_or("", String::as_str));
        let among = if admit.is_some() { &held } else { &scored };
        if !among.iter().any(|p| p.reference() == reference) {
            return refuse(EvaluationError::UnknownProposal).await;
        }
        let wanted = match admit
            .map(|c| Ok(vec![c]))
            .unwrap_or_else(|| changes(&form, opportunity, &sheet, &reference))
        {
            Ok(wanted) => wanted,
            Err(error) => return refuse(error).await,
        };
        let next = events.iter().map(|e| e.seq).max().unwrap_or(0) + 1;
        match append(store, slug, &session, &reference, wanted, next, now).await {
            Ok(()) => {
                return see_other(&format!("{}#p-{reference}", urls::evaluation(slug)));
            }
            Err(StoreError::Conflict) => continue,
            Err(error) => return unavailable(registry, &error),
        }
    }
    unavailable(
        registry,
        &StoreError::Unavailable("too many changes at once".into()),
    )
}

/// Appends `changes` as events `first`, `first + 1`, …; a conflict on the first means someone
/// else saved meanwhile (the caller re-reads and decides again).
async fn append(
    store: &dyn ProposalStore,
    slug: &str,
    session: &Session,
    reference: &str,
    changes: Vec<Change>,
    first: u32,
    now: Timestamp,
) -> Result<(), StoreError> {
    for (seq, change) in (first..).zip(changes) {
        store
            .append_evaluation(
                &EvaluationEvent {
                    opportunity: slug.to_owned(),
                    seq,
                    at: now,
                    by: session.owner.email.clone(),
                    proposal: reference.to_owned(),
                    change,
                },
                &[],
            )
            .await?;
    }
    Ok(())
}
