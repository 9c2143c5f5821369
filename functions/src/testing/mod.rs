//! The behaviour suite every [`ProposalStore`] + [`Mailer`] pair must pass, written once and
//! run against redb here (`cargo test -p functions`) and against DynamoDB + SES (moto) by the
//! AWS tests (feature `testing`).
//!
//! Each scenario takes a fresh, empty store and drives it through [`App::handle`] with real
//! HTTP requests, a fixture [`Registry`] and the fixed test clock [`NOW`]; failures panic.

mod award;
mod fakes;
mod fixtures;
mod held;
mod journey;
mod refusals;

pub use award::*;
pub use fakes::{MemoryOutcomes, RecordingMailer, UnavailableStore};
pub use fixtures::{
    CANCELLED, CLOSED, MAIL_FROM, NOW, OPEN, OWNER_EMAIL, TERMS, app_at, encode, fields,
    named_fields, now, post, registry, text,
};
pub use held::*;
pub use journey::*;
pub use refusals::*;

use crate::app::App;
use crate::config::AfterSubmit;
use crate::mail::{MailKind, MailState};
use crate::store::{ProposalKey, ProposalStore};
use bytes::Bytes;
use cwu_domain::proposal::field;
use http::{Response, StatusCode, header};
use jiff::SignedDuration;
use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;

fn key(email: &str) -> ProposalKey {
    ProposalKey {
        opportunity: OPEN.into(),
        email: email.into(),
    }
}

async fn submit(app: &App, email: &str, proposal: &str) -> Response<Bytes> {
    app.handle(post(encode(&fields(email, proposal)))).await
}

/// Asserts that `response` accepted the proposal (303 to the receipt) and returns the receipt URL.
fn accepted(response: &Response<Bytes>) -> String {
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "{}",
        text(response)
    );
    location(response)
}

fn location(response: &Response<Bytes>) -> String {
    response
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// First submission → version 1; a change from the receipt's manage link → version 2 with
/// version 1 kept and the same reference; each version's receipt (and nothing to the owner:
/// proposals are sealed) is sent once.
pub async fn resubmission_keeps_history(store: Arc<dyn ProposalStore>) {
    let mailer = Arc::new(RecordingMailer::default());
    let app = app_at(store.clone(), mailer.clone(), AfterSubmit::SendNew, now());
    let first = submit(&app, "Ana@Example.org", "First draft.").await;
    assert_eq!(first.status(), StatusCode::SEE_OTHER, "{}", text(&first));
    assert!(location(&first).contains("version=1"));
    let manage = link_in(&mailer.sent()[0], cwu_domain::urls::MANAGE);
    let pairs = fields("ana@example.org ", "Second draft.");
    let second = app.handle(post_to(&manage, &pairs, None)).await;
    assert_eq!(second.status(), StatusCode::SEE_OTHER, "{}", text(&second));
    assert!(location(&second).contains("version=2"));

    let history = store
        .history(&key("ana@example.org"))
        .await
        .expect("history");
    assert_eq!(
        history.iter().map(|p| p.version).collect::<Vec<_>>(),
        [1, 2]
    );
    assert_eq!(history[0].fields.proposal, "First draft.");
    assert_ne!(history[0].id, history[1].id);
    assert_eq!(history[0].reference(), history[1].reference());
    let current = store.current(&key("ana@example.org")).await.expect("read");
    assert_eq!(current.as_ref(), history.last());
    let current = current.expect("stored");
    assert_eq!(current.user_agent.as_deref(), Some("behaviour-suite/1"));
    assert_eq!(current.terms_accepted_at, now());
    assert_eq!(current.fields.terms_version, TERMS);
    assert_eq!(store.proposals(OPEN).await.expect("list").len(), 1);

    let sent = mailer.sent();
    assert_eq!(sent.len(), 2, "one receipt per version");
    assert!(sent.iter().all(|m| m.to != [OWNER_EMAIL]), "sealed");
    let receipt = sent
        .iter()
        .find(|m| m.kind == MailKind::Receipt && m.proposal_id == current.id)
        .expect("receipt for version 2");
    assert_eq!(receipt.to, ["ana@example.org"]);
    assert!(mail_text(receipt).contains("Second draft."));
    for mail in &sent {
        let stored = store.mail(&mail.id).await.expect("read").expect("stored");
        assert_eq!(stored.state, MailState::Sent);
    }
    assert!(store.pending_mail(100).await.expect("pending").is_empty());
}

/// Posting the same content again returns the same proposal and version and mails nothing.
pub async fn identical_post_is_idempotent(store: Arc<dyn ProposalStore>) {
    let mailer = Arc::new(RecordingMailer::default());
    let app = app_at(store.clone(), mailer.clone(), AfterSubmit::SendNew, now());
    let first = submit(&app, "ana@example.org", "Same text.").await;
    let later = app_at(
        store.clone(),
        mailer.clone(),
        AfterSubmit::SendNew,
        now() + SignedDuration::from_mins(5),
    );
    let again = submit(&later, "ANA@example.org", "Same text.").await;
    assert_eq!(again.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&first), location(&again), "same receipt");
    assert_eq!(
        store
            .history(&key("ana@example.org"))
            .await
            .expect("history")
            .len(),
        1
    );
    assert_eq!(mailer.sent().len(), 1, "no mail for the repeat");
}

/// 50 identical posts at once → one record, one version, one receipt.
pub async fn concurrent_identical_posts_make_one_record(store: Arc<dyn ProposalStore>) {
    let mailer = Arc::new(RecordingMailer::default());
    let app = app_at(store.clone(), mailer.clone(), AfterSubmit::Nothing, now());
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..50 {
        let app = app.clone();
        tasks.spawn(async move { submit(&app, "ana@example.org", "Concurrent.").await });
    }
    let mut locations = Vec::new();
    while let Some(response) = tasks.join_next().await {
        locations.push(accepted(&response.expect("task")));
    }
    locations.dedup();
    assert_eq!(locations.len(), 1, "every post got the same receipt");
    assert_eq!(store.proposals(OPEN).await.expect("list").len(), 1);
    assert_eq!(
        store
            .history(&key("ana@example.org"))
            .await
            .expect("history")
            .len(),
        1
    );
    assert_eq!(store.pending_mail(100).await.expect("pending").len(), 1);
    let report = app.drain_outbox().await;
    assert_eq!(report.sent, 1);
    assert_eq!(mailer.sent().len(), 1);
}

/// Different contents posted at once from one proposal's manage link → every one becomes its
/// own version; and from the public form for that address → none replaces it.
pub async fn concurrent_changes_lose_no_version(store: Arc<dyn ProposalStore>) {
    let mailer = Arc::new(RecordingMailer::default());
    let app = app_at(store.clone(), mailer.clone(), AfterSubmit::SendNew, now());
    accepted(&submit(&app, "ana@example.org", "Draft 0.").await);
    let manage = link_in(&mailer.sent()[0], cwu_domain::urls::MANAGE);
    let mut tasks = tokio::task::JoinSet::new();
    for i in 1..=10 {
        let (by_link, manage) = (app.clone(), manage.clone());
        tasks.spawn(async move {
            let pairs = fields("ana@example.org", &format!("Draft {i}."));
            by_link.handle(post_to(&manage, &pairs, None)).await
        });
        let public = app.clone();
        tasks.spawn(
            async move { submit(&public, "ana@example.org", &format!("Public {i}.")).await },
        );
    }
    while let Some(response) = tasks.join_next().await {
        let status = response.expect("task").status();
        assert!(
            status == StatusCode::SEE_OTHER || status == StatusCode::CONFLICT,
            "{status}"
        );
    }
    let history = store
        .history(&key("ana@example.org"))
        .await
        .expect("history");
    assert_eq!(
        history.iter().map(|p| p.version).collect::<Vec<_>>(),
        (1..=11).collect::<Vec<u32>>()
    );
    let mut texts: Vec<_> = history.iter().map(|p| p.fields.proposal.clone()).collect();
    assert!(texts.iter().all(|t| t.starts_with("Draft")), "{texts:?}");
    texts.sort();
    texts.dedup();
    assert_eq!(texts.len(), 11, "each draft kept once");
}

/// 200 proponents at once → 200 records and, after draining, 200 receipts sent once each.
pub async fn concurrent_distinct_proponents(store: Arc<dyn ProposalStore>) {
    let mailer = Arc::new(RecordingMailer::default());
    let app = app_at(store.clone(), mailer.clone(), AfterSubmit::SendNew, now());
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..200 {
        let app = app.clone();
        tasks.spawn(async move {
            submit(
                &app,
                &format!("dev{i}@example.org"),
                &format!("Proposal {i}."),
            )
            .await
        });
    }
    while let Some(response) = tasks.join_next().await {
        accepted(&response.expect("task"));
    }
    assert_eq!(store.proposals(OPEN).await.expect("list").len(), 200);
    app.drain_outbox().await;
    let sent = mailer.sent();
    assert_eq!(sent.len(), 200);
    let mut ids: Vec<_> = sent.iter().map(|m| m.id.clone()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 200, "no mail sent twice");
    assert!(store.pending_mail(1_000).await.expect("pending").is_empty());
}

/// A mail service failing its first attempts: each mail still goes exactly once after
/// drains at later times, and failures are recorded on the mail.
pub async fn failing_mailer_sends_every_mail_once(store: Arc<dyn ProposalStore>) {
    let mailer = Arc::new(RecordingMailer::failing_first(7));
    let app = app_at(store.clone(), mailer.clone(), AfterSubmit::SendNew, now());
    for i in 0..3 {
        let response = submit(&app, &format!("dev{i}@example.org"), "Text.").await;
        assert_eq!(
            response.status(),
            StatusCode::SEE_OTHER,
            "stored even if mail fails"
        );
    }
    assert_eq!(mailer.sent().len(), 0);
    let failed = store.pending_mail(100).await.expect("pending");
    assert_eq!(failed.len(), 3, "one receipt each");
    let first = store.mail(&failed[0]).await.expect("read").expect("stored");
    assert!(first.last_error.is_some() && first.attempts == 1);
    // Before the retry time, nothing is retried.
    assert_eq!(app.drain_outbox().await.sent, 0);
    let mut at = now();
    for _ in 0..20 {
        at += SignedDuration::from_hours(2);
        let later = app_at(store.clone(), mailer.clone(), AfterSubmit::SendNew, at);
        later.drain_outbox().await;
    }
    let sent = mailer.sent();
    let mut counts: HashMap<String, usize> = HashMap::new();
    for mail in &sent {
        *counts.entry(mail.id.clone()).or_default() += 1;
    }
    assert_eq!(counts.len(), 3, "every mail sent");
    assert!(counts.values().all(|&n| n == 1), "none twice: {counts:?}");
    assert_eq!(mailer.attempts(), 3 + 7);
    assert!(store.pending_mail(100).await.expect("pending").is_empty());
}

/// A mail the mail service always refuses is tried [`crate::outbox::MAX_ATTEMPTS`] times,
/// then marked failed and never tried again (no hourly retries forever).
pub async fn undeliverable_mail_fails_for_good(store: Arc<dyn ProposalStore>) {
    use crate::outbox::MAX_ATTEMPTS;
    let mailer = Arc::new(RecordingMailer::failing_first(usize::MAX));
    let app = app_at(store.clone(), mailer.clone(), AfterSubmit::SendNew, now());
    let response = submit(&app, "dev@example.org", "Text.").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    // One mail: the receipt (the owner hears nothing before the deadline).
    let ids = store.pending_mail(100).await.expect("pending");
    assert_eq!(ids.len(), 1);
    let mut at = now();
    let mut gave_up = 0;
    for _ in 0..MAX_ATTEMPTS + 5 {
        at += SignedDuration::from_hours(2);
        let later = app_at(store.clone(), mailer.clone(), AfterSubmit::SendNew, at);
        gave_up += later.drain_outbox().await.gave_up;
    }
    assert_eq!(gave_up, 1);
    assert_eq!(mailer.attempts(), MAX_ATTEMPTS as usize);
    assert!(store.pending_mail(100).await.expect("pending").is_empty());
    for id in &ids {
        let mail = store.mail(id).await.expect("read").expect("kept");
        assert_eq!(mail.state, MailState::Failed);
        assert_eq!(mail.attempts, MAX_ATTEMPTS);
        assert!(mail.last_error.is_some() && mail.claim.is_none());
    }
}

/// Claims exclude each other until the lease ends; stale tokens cannot settle a mail.
pub async fn claims_are_exclusive(store: Arc<dyn ProposalStore>) {
    let mailer = Arc::new(RecordingMailer::default());
    let app = app_at(store.clone(), mailer, AfterSubmit::Nothing, now());
    submit(&app, "ana@example.org", "Text.").await;
    let id = store.pending_mail(10).await.expect("pending")[0].clone();
    let lease = now() + SignedDuration::from_mins(2);
    let claimed = store
        .claim_mail(&id, now(), lease)
        .await
        .expect("claim")
        .expect("free");
    assert_eq!(claimed.attempts, 1);
    let token = claimed.claim.clone().expect("token");
    assert!(
        store
            .claim_mail(&id, now(), lease)
            .await
            .expect("claim")
            .is_none()
    );
    let after = lease + SignedDuration::from_secs(1);
    let stolen = store
        .claim_mail(&id, after, after + SignedDuration::from_mins(2))
        .await;
    let stolen = stolen.expect("claim").expect("lease expired");
    assert!(
        !store.mark_sent(&id, &token, after).await.expect("mark"),
        "stale token"
    );
    let new_token = stolen.claim.expect("token");
    assert!(store.mark_sent(&id, &new_token, after).await.expect("mark"));
    assert!(
        store
            .claim_mail(&id, after + SignedDuration::from_hours(1), after)
            .await
            .expect("claim")
            .is_none(),
        "sent mail never claimed again"
    );
    assert!(
        store
            .claim_mail("no-such-mail", now(), lease)
            .await
            .expect("claim")
            .is_none()
    );
}

/// `<script>` and CRLF in every field, duplicated fields, broken encodings, oversized and
/// truncated bodies: the right status, nothing stored wrongly, nothing injected.
pub async fn hostile_bodies_are_refused_safely(store: Arc<dyn ProposalStore>) {
    let mailer = Arc::new(RecordingMailer::default());
    let app = app_at(store.clone(), mailer.clone(), AfterSubmit::SendNew, now());
    let script = "<script>alert(1)</script>";
    let crlf = "x\r\nBcc: victim@evil.test\r\nSubject: pwned";
    // Each case from its own address: the public form never replaces a proposal.
    let mut case = 0;
    for (name, _) in fields("ana@example.org", "Text.") {
        for payload in [script, crlf] {
            case += 1;
            let mut pairs = fields(&format!("case{case}@example.org"), "Text.");
            for pair in &mut pairs {
                if pair.0 == name {
                    pair.1 = format!("{}{payload}", pair.1);
                }
            }
            let response = app.handle(post(encode(&pairs))).await;
            let body = text(&response);
            assert!(!body.contains("<script>"), "{name}: script reflected");
            for value in response.headers().values() {
                assert!(!value.as_bytes().contains(&b'\n'), "{name}: header broken");
            }
            assert_eq!(
                response.status(),
                hostile_status(name),
                "{name} with {payload:?}: {body}"
            );
        }
    }
    // Accepted: markup or line breaks in the free text (escaped wherever shown). Names refuse
    // both: `<` and `>` could pose as an address in the owner's mail.
    let accepted = store.proposals(OPEN).await.expect("list");
    assert_eq!(
        accepted.len(),
        6,
        "proposal, comments and the held honeypot cases"
    );
    assert_eq!(accepted.iter().filter(|p| p.suspected_spam).count(), 2);
    assert!(accepted.iter().all(|p| !p.fields.legal_name.contains('\n')));
    for mail in mailer.sent() {
        let (headers, body) = mail.raw.split_once("\r\n\r\n").unwrap_or_default();
        assert!(!headers.contains("\r\nBcc:"), "header injected: {headers}");
        assert!(!headers.contains("\r\nSubject: pwned"));
        let html = body
            .split("Content-Type: text/html")
            .nth(1)
            .expect("every mail has an HTML part")
            .replace("=\r\n", "");
        assert!(
            !html.contains("<script"),
            "unescaped script in a mail: {html}"
        );
        assert_eq!(mail.to.len(), 1);
    }

    let before = store.proposals(OPEN).await.expect("list").len();
    let good = encode(&fields("ana@example.org", "Another text."));
    let cut = good.find("&email=").expect("email field");
    let cases: Vec<(Bytes, StatusCode)> = vec![
        (
            Bytes::from(vec![b'a'; cwu_domain::proposal::limits::BODY_BYTES + 1]),
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
        (
            Bytes::from(good[..cut].to_owned()),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            Bytes::from(good.replace("Another+text.", "%E2%82")),
            StatusCode::BAD_REQUEST,
        ),
        (Bytes::from(format!("{good}%E2%8")), StatusCode::BAD_REQUEST),
        (
            Bytes::from([&good.as_bytes()[..cut], b"&email=\xff\xfe"].concat()),
            StatusCode::BAD_REQUEST,
        ),
        (
            Bytes::from(format!("{good}&email=eve%40evil.test")),
            StatusCode::BAD_REQUEST,
        ),
    ];
    for (body, expected) in cases {
        let response = app.handle(post(body.clone())).await;
        if expected == StatusCode::PAYLOAD_TOO_LARGE {
            assert!(
                text(&response).contains("Back button"),
                "says how to get the text back"
            );
        }
        assert_eq!(
            response.status(),
            expected,
            "{:?}",
            String::from_utf8_lossy(&body[..body.len().min(200)])
        );
        assert!(!text(&response).contains("<script>"));
    }
    assert_eq!(
        store.proposals(OPEN).await.expect("list").len(),
        before,
        "nothing stored by refused bodies"
    );
    assert!(
        store
            .current(&key("eve@evil.test"))
            .await
            .expect("read")
            .is_none()
    );
}

/// The status a hostile value (markup or CRLF) in `name` must get.
fn hostile_status(name: &str) -> StatusCode {
    match name {
        n if n == field::OPPORTUNITY => StatusCode::NOT_FOUND,
        // The honeypot: stored, held as suspected spam, and said so (202).
        n if n == field::HONEYPOT => StatusCode::ACCEPTED,
        n if n == field::PROPOSAL || n == field::COMMENTS => StatusCode::SEE_OTHER,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    }
}

/// Calls `$callback!(name, …)` with the name of every scenario in this module: the one list of
/// them, used by [`run_all`] and by test files that give each scenario its own `#[test]`.
#[macro_export]
macro_rules! behaviour_scenarios {
    ($callback:ident) => {
        $callback!(
            resubmission_keeps_history,
            identical_post_is_idempotent,
            concurrent_identical_posts_make_one_record,
            concurrent_changes_lose_no_version,
            concurrent_distinct_proponents,
            failing_mailer_sends_every_mail_once,
            undeliverable_mail_fails_for_good,
            claims_are_exclusive,
            hostile_bodies_are_refused_safely,
            proposals_are_sealed_and_managed_by_link,
            deadline_invites_the_owner_once,
            owner_scores_ranks_and_exports,
            hostile_evaluation_requests_change_nothing,
            sign_in_reveals_nobody_and_is_limited,
            suspected_spam_is_held_apart,
            bad_manage_links_say_what_to_do,
            sign_in_is_limited_per_client,
            award_results_acceptance_and_payment,
            hostile_award_requests_change_nothing,
        );
    };
}

/// Runs every scenario, each on a fresh store from `new_store`.
pub async fn run_all<F, Fut>(mut new_store: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Arc<dyn ProposalStore>>,
{
    macro_rules! run_each {
        ($($name:ident),* $(,)?) => {$(
            $name(new_store().await).await;
        )*};
    }
    crate::behaviour_scenarios!(run_each);
}
