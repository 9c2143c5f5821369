//! Behaviour scenarios of sealed proposals and the owner's evaluation (issue 10), run on every
//! store like the rest of the suite: the proponent's manage link (update, withdraw, submit
//! again), the public form never replacing a proposal, the deadline invitation, the owner's
//! sign-in, scoring, ranks, exports, and hostile requests that must change nothing.

use super::{
    MAIL_FROM, OPEN, OWNER_EMAIL, RecordingMailer, encode, fields, now, post, registry, text,
};
use crate::app::{App, Clock};
use crate::config::{AfterSubmit, Config};
use crate::mail::{MailKind, OutboxMail};
use crate::store::{ProposalKey, ProposalStore, StoredProposal};
use bytes::Bytes;
use cwu_domain::Registry;
use cwu_domain::urls;
use http::{Request, Response, StatusCode, header};
use jiff::{SignedDuration, Timestamp};
use std::sync::Arc;

/// The fixture's open opportunity's deadline.
pub fn deadline() -> Timestamp {
    registry().get(OPEN).expect("fixture").proposal_deadline
}

/// Just after [`deadline`].
pub fn after_deadline() -> Timestamp {
    deadline() + SignedDuration::from_mins(5)
}

/// An app over `store` with `registry`, sending mail at once, with a clock fixed at `at`.
pub fn app_with(
    store: Arc<dyn ProposalStore>,
    mailer: Arc<RecordingMailer>,
    registry: Registry,
    at: Timestamp,
) -> App {
    let clock: Clock = Arc::new(move || at);
    App::new(
        store,
        mailer,
        Arc::new(Arc::new(registry)),
        Config {
            mail_from: MAIL_FROM.into(),
            signing_key: "test secret".into(),
            ip_hash_key: "test ip key".into(),
            after_submit: AfterSubmit::SendNew,
            site_url: Some("http://127.0.0.1:1111".into()),
        },
    )
    .with_clock(clock)
}

/// The plain-text part of a mail.
pub fn mail_text(mail: &OutboxMail) -> String {
    text_of_raw(&mail.raw)
}

/// The plain-text part of a whole MIME message.
pub fn text_of_raw(raw: &str) -> String {
    mail_parser::MessageParser::default()
        .parse(raw.as_bytes())
        .and_then(|m| m.body_text(0).map(|t| t.into_owned()))
        .unwrap_or_default()
}

/// The site-relative address (path and query) of the link in `mail` to `path`.
pub fn link_in(mail: &OutboxMail, path: &str) -> String {
    link_in_raw(&mail.raw, path)
}

/// [`link_in`] for a whole MIME message.
pub fn link_in_raw(raw: &str, path: &str) -> String {
    let text = text_of_raw(raw);
    let start = text
        .find(path)
        .unwrap_or_else(|| panic!("no link to {path} in:\n{text}"));
    let end = text[start..]
        .find(char::is_whitespace)
        .map_or(text.len(), |n| start + n);
    text[start..end].to_owned()
}

/// A GET, with the session cookie when given.
pub fn get(uri: &str, cookie: Option<&str>) -> Request<Bytes> {
    let mut request = Request::get(uri);
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    request.body(Bytes::new()).expect("a valid request")
}

/// A form POST of `pairs` to `uri`, with the session cookie when given.
pub fn post_to(uri: &str, pairs: &[(&str, String)], cookie: Option<&str>) -> Request<Bytes> {
    let mut request = Request::post(uri)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::USER_AGENT, "behaviour-suite/1");
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    request
        .body(Bytes::from(encode(pairs)))
        .expect("a valid request")
}

pub(super) fn status_of(response: &Response<Bytes>, expected: StatusCode) {
    assert_eq!(response.status(), expected, "{}", text(response));
}

pub(super) fn mails_of(mailer: &RecordingMailer, kind: MailKind) -> Vec<OutboxMail> {
    mailer
        .sent()
        .into_iter()
        .filter(|m| m.kind == kind)
        .collect()
}

pub(super) fn key(email: &str) -> ProposalKey {
    ProposalKey {
        opportunity: OPEN.into(),
        email: email.into(),
    }
}

/// A manage-page update through the link `manage`: every field, `proposal` changed.
fn update_via(manage: &str, email: &str, proposal: &str) -> Request<Bytes> {
    post_to(manage, &fields(email, proposal), None)
}

/// The current proposal of `email` for the open opportunity, which must exist.
async fn stored(store: &dyn ProposalStore, email: &str) -> StoredProposal {
    store
        .current(&key(email))
        .await
        .expect("read")
        .expect("stored")
}

/// How many versions `email`'s proposal has.
async fn versions(store: &dyn ProposalStore, email: &str) -> usize {
    store.history(&key(email)).await.expect("history").len()
}

/// Submits each `(email, proposal)` from the public form; each is accepted.
pub(super) async fn submit_all(app: &App, proposals: &[(&str, &str)]) {
    for (email, proposal) in proposals {
        status_of(
            &app.handle(post(encode(&fields(email, proposal)))).await,
            StatusCode::SEE_OTHER,
        );
    }
}

/// Submission is sealed; the receipt holds everything and the manage link; the link updates,
/// withdraws and submits again; a public post for a taken address changes nothing.
pub async fn proposals_are_sealed_and_managed_by_link(store: Arc<dyn ProposalStore>) {
    let mailer = Arc::new(RecordingMailer::default());
    let app = app_with(store.clone(), mailer.clone(), registry(), now());
    let first = app
        .handle(post(encode(&fields(
            "Ana@Example.org",
            "First <b>draft</b>.",
        ))))
        .await;
    status_of(&first, StatusCode::SEE_OTHER);

    // Sealed: the only mail is the receipt, to the proponent, with the whole proposal.
    let sent = mailer.sent();
    assert_eq!(sent.len(), 1, "nothing to the owner");
    assert!(sent.iter().all(|m| m.to != [OWNER_EMAIL]));
    let receipt = &sent[0];
    assert_eq!(receipt.kind, MailKind::Receipt);
    assert_eq!(receipt.to, ["ana@example.org"]);
    let body = mail_text(receipt);
    let current = stored(store.as_ref(), "ana@example.org").await;
    for expected in [
        "First <b>draft</b>.",
        "Ana Lee",
        "250-555-0100",
        "Terms accepted: version 2026-06",
        &format!("Reference: {}", current.reference()),
        "Version: 1",
        "http://127.0.0.1:1111/api/proposals/manage?t=",
    ] {
        assert!(body.contains(expected), "{expected} missing from:\n{body}");
    }
    let manage = link_in(receipt, urls::MANAGE);
    assert!(
        !manage.contains("example") && !manage.contains("%40") && !manage.contains('@'),
        "no address in the link: {manage}"
    );

    // The manage page shows the current version.
    let page = app.handle(get(&manage, None)).await;
    status_of(&page, StatusCode::OK);
    assert!(text(&page).contains("First &lt;b&gt;draft&lt;/b&gt;."));

    // A public post for the same address (another letter case) replaces nothing.
    let intruder = app
        .handle(post(encode(&fields("ANA@example.org", "Intruder's text."))))
        .await;
    status_of(&intruder, StatusCode::CONFLICT);
    assert!(
        text(&intruder).contains("Intruder&#39;s text.")
            || text(&intruder).contains("Intruder's text.")
    );
    let again = app
        .handle(post(encode(&fields("ana@example.org", "Another try."))))
        .await;
    status_of(&again, StatusCode::CONFLICT);
    assert_eq!(
        versions(store.as_ref(), "ana@example.org").await,
        1,
        "the public form changed nothing"
    );
    let reminders = mails_of(&mailer, MailKind::Reminder);
    assert_eq!(reminders.len(), 1, "one reminder an hour");
    assert_eq!(reminders[0].to, ["ana@example.org"]);
    assert_eq!(link_in(&reminders[0], urls::MANAGE), manage);

    // Update from the manage link: version 2, same reference, a new receipt.
    let update = app
        .handle(update_via(&manage, "ana@example.org", "Second draft."))
        .await;
    status_of(&update, StatusCode::SEE_OTHER);
    let v2 = stored(store.as_ref(), "ana@example.org").await;
    assert_eq!((v2.version, v2.reference()), (2, current.reference()));
    assert_eq!(v2.fields.proposal, "Second draft.");
    assert_eq!(mails_of(&mailer, MailKind::Receipt).len(), 2);

    // The address of a proposal cannot change through its link.
    let moved = app
        .handle(update_via(&manage, "eve@example.org", "Mine now."))
        .await;
    status_of(&moved, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        store
            .current(&key("eve@example.org"))
            .await
            .expect("read")
            .is_none()
    );

    // Withdraw: a confirmation page, then the POST; history kept, a confirmation mail.
    let confirm = app
        .handle(get(&format!("{manage}&step=withdraw"), None))
        .await;
    status_of(&confirm, StatusCode::OK);
    assert!(text(&confirm).contains("Yes, withdraw my proposal"));
    let withdraw = app
        .handle(post_to(&manage, &[("withdraw", "yes".into())], None))
        .await;
    status_of(&withdraw, StatusCode::SEE_OTHER);
    let v3 = stored(store.as_ref(), "ana@example.org").await;
    assert!(v3.is_withdrawn() && v3.version == 3);
    assert_eq!(
        v3.fields.proposal, "Second draft.",
        "the withdrawn version repeats the last"
    );
    let confirmation = mails_of(&mailer, MailKind::Withdrawal);
    assert_eq!(confirmation.len(), 1);
    assert!(mail_text(&confirmation[0]).contains("will not be evaluated"));
    let (evaluated, withdrawn) = crate::evaluate::evaluated(store.as_ref(), OPEN)
        .await
        .expect("list");
    assert_eq!((evaluated.len(), withdrawn), (0, 1));
    let twice = app
        .handle(post_to(&manage, &[("withdraw", "yes".into())], None))
        .await;
    status_of(&twice, StatusCode::SEE_OTHER);
    assert_eq!(versions(store.as_ref(), "ana@example.org").await, 3);

    // Submit again from the link: version 4, evaluated again.
    let back = app
        .handle(update_via(&manage, "ana@example.org", "Back in."))
        .await;
    status_of(&back, StatusCode::SEE_OTHER);
    let v4 = stored(store.as_ref(), "ana@example.org").await;
    assert!(!v4.is_withdrawn() && v4.version == 4);

    // A tampered link shows a plain page and changes nothing.
    let tampered = manage.replace("permit-api.", "closed-dashboard.");
    status_of(
        &app.handle(get(&tampered, None)).await,
        StatusCode::NOT_FOUND,
    );
    let forged = app
        .handle(update_via(&tampered, "ana@example.org", "Forged."))
        .await;
    status_of(&forged, StatusCode::NOT_FOUND);

    // After the deadline, by the handler's clock, the link only shows.
    let late = app_with(store.clone(), mailer.clone(), registry(), deadline());
    let closed = late
        .handle(update_via(&manage, "ana@example.org", "Too late."))
        .await;
    status_of(&closed, StatusCode::GONE);
    assert!(
        text(&closed).contains("Too late."),
        "the typed text comes back"
    );
    let closed = late
        .handle(post_to(&manage, &[("withdraw", "yes".into())], None))
        .await;
    status_of(&closed, StatusCode::GONE);
    status_of(&late.handle(get(&manage, None)).await, StatusCode::OK);
    assert_eq!(versions(store.as_ref(), "ana@example.org").await, 4);
}

/// At the deadline, one invitation per opportunity however often the sweep runs; none before.
pub async fn deadline_invites_the_owner_once(store: Arc<dyn ProposalStore>) {
    let mailer = Arc::new(RecordingMailer::default());
    let open = app_with(store.clone(), mailer.clone(), registry(), now());
    submit_all(
        &open,
        &[("ana@example.org", "A."), ("bo@example.org", "B.")],
    )
    .await;
    assert!(
        open.sweep().await.invited.is_empty(),
        "nothing before the deadline"
    );
    let owner_mail_before = mailer
        .sent()
        .iter()
        .filter(|m| m.to == [OWNER_EMAIL])
        .count();
    assert_eq!(owner_mail_before, 0);

    let after = app_with(store.clone(), mailer.clone(), registry(), after_deadline());
    let report = after.sweep().await;
    assert_eq!(report.invited, [OPEN], "{report:?}");
    for _ in 0..3 {
        assert!(after.sweep().await.invited.is_empty());
    }
    let invitations = mails_of(&mailer, MailKind::Invitation);
    assert_eq!(invitations.len(), 1);
    assert_eq!(invitations[0].to, [OWNER_EMAIL]);
    let body = mail_text(&invitations[0]);
    assert!(body.contains("2 proposals were received"), "{body}");
    assert!(
        !body.contains("A.\n") && !body.contains("ana@"),
        "no proposal content"
    );
    assert!(body.contains("http://127.0.0.1:1111/api/owner/session?t="));

    // An opportunity without proposals: the mail says so and what to do.
    let mut empty = registry();
    let mut entry = empty.get(OPEN).expect("fixture").clone();
    entry.slug = "empty-one".into();
    empty.opportunities.insert(entry.slug.clone(), entry);
    let report = app_with(store.clone(), mailer.clone(), empty, after_deadline())
        .sweep()
        .await;
    assert_eq!(report.invited, ["empty-one"]);
    let invitations = mails_of(&mailer, MailKind::Invitation);
    let body = mail_text(invitations.last().expect("sent"));
    assert!(
        body.contains("No proposals were received") && body.contains("extend"),
        "{body}"
    );
}

/// Signs in from the invitation's link; returns the session cookie (`name=value`).
pub async fn sign_in_from(app: &App, mail: &OutboxMail) -> String {
    let landing = link_in(mail, urls::OWNER_SESSION);
    let page = app.handle(get(&landing, None)).await;
    status_of(&page, StatusCode::OK);
    let token = landing.split_once("?t=").expect("token").1.to_owned();
    let started = app
        .handle(post_to(urls::OWNER_SESSION, &[("t", token)], None))
        .await;
    status_of(&started, StatusCode::SEE_OTHER);
    let cookie = started.headers()[header::SET_COOKIE]
        .to_str()
        .expect("ascii");
    for attribute in ["HttpOnly", "Secure", "SameSite=Strict", "Path=/api/owner"] {
        assert!(cookie.contains(attribute), "{attribute} in {cookie}");
    }
    cookie.split(';').next().expect("pair").to_owned()
}

/// The CSRF token on an owner page.
pub fn csrf_of(html: &str) -> String {
    let start = html.find(r#"name="csrf" value=""#).expect("csrf field") + 19;
    html[start..start + html[start..].find('"').expect("end")].to_owned()
}

/// The journey: two proposals evaluated, scored, ranked with a tie, exported, audited.
pub async fn owner_scores_ranks_and_exports(store: Arc<dyn ProposalStore>) {
    let mailer = Arc::new(RecordingMailer::default());
    let open = app_with(store.clone(), mailer.clone(), registry(), now());
    submit_all(
        &open,
        &[
            ("ana@example.org", "=HYPERLINK(\"http://evil\")"),
            ("bo@example.org", "Bo's plan."),
            ("cy@example.org", "Cy's plan."),
        ],
    )
    .await;
    // Cy withdraws.
    let cy = mails_of(&mailer, MailKind::Receipt)
        .into_iter()
        .find(|m| m.to == ["cy@example.org"])
        .expect("receipt");
    let withdraw = open
        .handle(post_to(
            &link_in(&cy, urls::MANAGE),
            &[("withdraw", "yes".into())],
            None,
        ))
        .await;
    status_of(&withdraw, StatusCode::SEE_OTHER);

    // Before the deadline the owner sees the count only.
    let app = app_with(store.clone(), mailer.clone(), registry(), after_deadline());
    app.sweep().await;
    let invitation = mails_of(&mailer, MailKind::Invitation)
        .pop()
        .expect("invited");
    let cookie = sign_in_from(&app, &invitation).await;
    let early = app_with(store.clone(), mailer.clone(), registry(), now());
    let sealed = early
        .handle(get(&urls::evaluation(OPEN), Some(&cookie)))
        .await;
    status_of(&sealed, StatusCode::OK);
    assert!(
        text(&sealed).contains("sealed")
            && !text(&sealed).contains("Bo&#39;s plan")
            && !text(&sealed).contains("Bo's plan")
    );

    // The link worked once.
    let token = link_in(&invitation, urls::OWNER_SESSION)
        .split_once("?t=")
        .expect("t")
        .1
        .to_owned();
    status_of(
        &app.handle(post_to(urls::OWNER_SESSION, &[("t", token)], None))
            .await,
        StatusCode::GONE,
    );

    let list = app.handle(get(urls::EVALUATIONS, Some(&cookie))).await;
    status_of(&list, StatusCode::OK);
    assert!(text(&list).contains(&urls::evaluation(OPEN)));
    let page = app
        .handle(get(&urls::evaluation(OPEN), Some(&cookie)))
        .await;
    status_of(&page, StatusCode::OK);
    let html = text(&page);
    assert!(html.contains("Bo&#39;s plan.") || html.contains("Bo's plan."));
    assert!(
        !html.contains("Cy&#39;s plan") && !html.contains("Cy's plan"),
        "withdrawn: not evaluated"
    );
    let csrf = csrf_of(&html);
    let (evaluated, _) = crate::evaluate::evaluated(store.as_ref(), OPEN)
        .await
        .expect("list");
    let refs: Vec<String> = evaluated.iter().map(|p| p.reference().to_owned()).collect();
    assert_eq!(refs.len(), 2);

    let score = |reference: &str, a: &str, b: &str, note: &str| {
        post_to(
            &urls::evaluation(OPEN),
            &[
                ("csrf", csrf.clone()),
                ("proposal", reference.to_owned()),
                ("action", "score".into()),
                ("score-0", a.into()),
                ("score-1", b.into()),
                ("note", note.into()),
            ],
            Some(&cookie),
        )
    };
    status_of(
        &app.handle(score(&refs[0], "50", "30.25", "Solid.")).await,
        StatusCode::SEE_OTHER,
    );
    status_of(
        &app.handle(score(&refs[1], "60", "20.25", "")).await,
        StatusCode::SEE_OTHER,
    );
    let page = text(
        &app.handle(get(&urls::evaluation(OPEN), Some(&cookie)))
            .await,
    );
    assert!(page.contains("80.25"), "totals shown");
    assert_eq!(
        page.matches("1 (tie)").count(),
        2,
        "equal totals shown as a tie"
    );
    assert!(page.contains("Audit trail") && page.contains("30.25"));
    // A change keeps the old value in the audit trail.
    status_of(
        &app.handle(score(&refs[1], "59", "20.25", "")).await,
        StatusCode::SEE_OTHER,
    );
    let events = store.evaluation(OPEN).await.expect("events");
    assert_eq!(events.len(), 6, "{events:?}");
    assert!(events.iter().all(|e| e.by == OWNER_EMAIL));
    let page = text(
        &app.handle(get(&urls::evaluation(OPEN), Some(&cookie)))
            .await,
    );
    assert!(page.contains("<td>60.00</td><td>59.00</td>"), "old → new");
    assert!(page.contains(">1</td>") && page.contains(">2</td>"));

    let csv = app
        .handle(get(&urls::evaluation_csv(OPEN), Some(&cookie)))
        .await;
    status_of(&csv, StatusCode::OK);
    assert!(
        csv.headers()[header::CONTENT_TYPE]
            .to_str()
            .expect("ascii")
            .starts_with("text/csv")
    );
    let csv = text(&csv);
    assert_eq!(csv.lines().count(), 3, "{csv}");
    assert!(csv.contains("\"80.25\"") && csv.contains("\"79.25\""));
    let json = app
        .handle(get(&urls::evaluation_json(OPEN), Some(&cookie)))
        .await;
    status_of(&json, StatusCode::OK);
    let json: serde_json::Value = serde_json::from_slice(json.body()).expect("json");
    assert_eq!(json["proposals"].as_array().expect("list").len(), 2);
    assert_eq!(json["audit"].as_array().expect("audit").len(), 6);
}

/// Requests without a session, with a wrong CSRF token, out-of-range or unknown values, for
/// another owner's opportunity, or with bad links: clear errors, nothing stored.
pub async fn hostile_evaluation_requests_change_nothing(store: Arc<dyn ProposalStore>) {
    let mailer = Arc::new(RecordingMailer::default());
    let mut two_owners = registry();
    let mut other = two_owners.get(OPEN).expect("fixture").clone();
    other.slug = "someone-elses".into();
    other.owner.email = "other.owner@gov.bc.ca".into();
    two_owners.opportunities.insert(other.slug.clone(), other);
    let open = app_with(store.clone(), mailer.clone(), two_owners.clone(), now());
    status_of(
        &open
            .handle(post(encode(&fields("ana@example.org", "A."))))
            .await,
        StatusCode::SEE_OTHER,
    );
    let mut someone = fields("bo@example.org", "B.");
    someone[0].1 = "someone-elses".into();
    status_of(
        &open.handle(post(encode(&someone))).await,
        StatusCode::SEE_OTHER,
    );
    let app = app_with(
        store.clone(),
        mailer.clone(),
        two_owners.clone(),
        after_deadline(),
    );
    app.sweep().await;
    let invitation = mails_of(&mailer, MailKind::Invitation)
        .into_iter()
        .find(|m| m.to == [OWNER_EMAIL])
        .expect("invited");
    let cookie = sign_in_from(&app, &invitation).await;
    let csrf = csrf_of(&text(
        &app.handle(get(&urls::evaluation(OPEN), Some(&cookie)))
            .await,
    ));
    let reference = crate::evaluate::evaluated(store.as_ref(), OPEN)
        .await
        .expect("list")
        .0[0]
        .reference()
        .to_owned();
    let form = |pairs: &[(&'static str, &str)]| -> Vec<(&'static str, String)> {
        let mut all = vec![
            ("csrf", csrf.clone()),
            ("proposal", reference.clone()),
            ("action", "score".to_owned()),
        ];
        for (name, value) in pairs {
            all.retain(|(n, _)| n != name);
            all.push((name, (*value).to_owned()));
        }
        all
    };
    let page = urls::evaluation(OPEN);
    let cases: Vec<(&str, Request<Bytes>, StatusCode, &str)> = vec![
        (
            "no session",
            post_to(&page, &form(&[("score-0", "5")]), None),
            StatusCode::UNAUTHORIZED,
            "Sign in",
        ),
        (
            "forged session",
            post_to(
                &page,
                &form(&[("score-0", "5")]),
                Some("cwu_owner=abc.123.00"),
            ),
            StatusCode::UNAUTHORIZED,
            "Sign in",
        ),
        (
            "no csrf",
            post_to(
                &page,
                &form(&[("csrf", ""), ("score-0", "5")]),
                Some(&cookie),
            ),
            StatusCode::FORBIDDEN,
            "Nothing was changed",
        ),
        (
            "wrong csrf",
            post_to(
                &page,
                &form(&[("csrf", "0123"), ("score-0", "5")]),
                Some(&cookie),
            ),
            StatusCode::FORBIDDEN,
            "Nothing was changed",
        ),
        (
            "over the points",
            post_to(&page, &form(&[("score-0", "60.01")]), Some(&cookie)),
            StatusCode::UNPROCESSABLE_ENTITY,
            "more than this criterion",
        ),
        (
            "negative",
            post_to(&page, &form(&[("score-0", "-1")]), Some(&cookie)),
            StatusCode::UNPROCESSABLE_ENTITY,
            "is not a score",
        ),
        (
            "three decimals",
            post_to(&page, &form(&[("score-1", "1.234")]), Some(&cookie)),
            StatusCode::UNPROCESSABLE_ENTITY,
            "two decimals",
        ),
        (
            "unknown criterion",
            post_to(&page, &form(&[("score-7", "1")]), Some(&cookie)),
            StatusCode::UNPROCESSABLE_ENTITY,
            "not one of this opportunity",
        ),
        (
            "unknown proposal",
            post_to(
                &page,
                &form(&[("proposal", "01NOPE"), ("score-0", "1")]),
                Some(&cookie),
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            "no proposal with this reference",
        ),
        (
            "no reason",
            post_to(
                &page,
                &form(&[("action", "disqualify"), ("reason", " ")]),
                Some(&cookie),
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            "give a reason",
        ),
        (
            "unknown action",
            post_to(&page, &form(&[("action", "award")]), Some(&cookie)),
            StatusCode::UNPROCESSABLE_ENTITY,
            "reload the page",
        ),
        (
            "another owner's",
            post_to(
                &urls::evaluation("someone-elses"),
                &form(&[("score-0", "5")]),
                Some(&cookie),
            ),
            StatusCode::NOT_FOUND,
            "Evaluation not found",
        ),
    ];
    for (name, request, status, says) in cases {
        let response = app.handle(request).await;
        assert_eq!(response.status(), status, "{name}: {}", text(&response));
        assert!(
            text(&response).contains(says),
            "{name}: {}",
            text(&response)
        );
    }
    for view in [
        urls::evaluation("someone-elses"),
        urls::evaluation_csv("someone-elses"),
    ] {
        status_of(
            &app.handle(get(&view, Some(&cookie))).await,
            StatusCode::NOT_FOUND,
        );
    }
    status_of(
        &app.handle(get(&urls::evaluation_csv(OPEN), None)).await,
        StatusCode::UNAUTHORIZED,
    );
    // Before the deadline the same valid change is refused: sealed.
    let early = app_with(store.clone(), mailer.clone(), two_owners.clone(), now());
    let sealed = early
        .handle(post_to(&page, &form(&[("score-0", "5")]), Some(&cookie)))
        .await;
    status_of(&sealed, StatusCode::CONFLICT);
    assert!(
        store.evaluation(OPEN).await.expect("events").is_empty(),
        "nothing stored"
    );

    // Sign-in links: tampered, expired, reused.
    let landing = link_in(&invitation, urls::OWNER_SESSION);
    let token = landing.split_once("?t=").expect("t").1.to_owned();
    let tampered = token.replacen('0', "1", 1);
    status_of(
        &app.handle(post_to(urls::OWNER_SESSION, &[("t", tampered)], None))
            .await,
        StatusCode::BAD_REQUEST,
    );
    let much_later = app_with(
        store.clone(),
        mailer.clone(),
        two_owners.clone(),
        after_deadline() + SignedDuration::from_hours(73),
    );
    let expired = much_later.handle(get(&landing, None)).await;
    status_of(&expired, StatusCode::GONE);
    assert!(text(&expired).contains("Get a new sign-in link"));
    status_of(
        &app.handle(post_to(urls::OWNER_SESSION, &[("t", token)], None))
            .await,
        StatusCode::GONE,
    );
    // An expired session cookie is no session.
    let next_day = app_with(
        store.clone(),
        mailer,
        two_owners,
        after_deadline() + SignedDuration::from_hours(5),
    );
    status_of(
        &next_day.handle(get(&page, Some(&cookie))).await,
        StatusCode::UNAUTHORIZED,
    );
}

/// The sign-in page answers an owner and a stranger alike, mails only the owner, and limits
/// requests per address.
pub async fn sign_in_reveals_nobody_and_is_limited(store: Arc<dyn ProposalStore>) {
    let mailer = Arc::new(RecordingMailer::default());
    let app = app_with(store.clone(), mailer.clone(), registry(), after_deadline());
    status_of(
        &app.handle(get(urls::OWNER_SIGN_IN, None)).await,
        StatusCode::OK,
    );
    let ask = |email: &str| post_to(urls::OWNER_SIGN_IN, &[("email", email.to_owned())], None);
    let owner = app.handle(ask(&OWNER_EMAIL.to_uppercase())).await;
    let stranger = app.handle(ask("nobody@example.org")).await;
    status_of(&owner, StatusCode::OK);
    status_of(&stranger, StatusCode::OK);
    assert_eq!(
        text(&owner).replace(OWNER_EMAIL, "X"),
        text(&stranger).replace("nobody@example.org", "X"),
        "the same answer"
    );
    let links = mails_of(&mailer, MailKind::SignIn);
    assert_eq!(links.len(), 1);
    assert_eq!(links[0].to, [OWNER_EMAIL]);
    let cookie = sign_in_from(&app, &links[0]).await;
    status_of(
        &app.handle(get(urls::EVALUATIONS, Some(&cookie))).await,
        StatusCode::OK,
    );
    for _ in 1..crate::owner::PER_ADDRESS {
        status_of(&app.handle(ask(OWNER_EMAIL)).await, StatusCode::OK);
    }
    status_of(
        &app.handle(ask(OWNER_EMAIL)).await,
        StatusCode::TOO_MANY_REQUESTS,
    );
    assert_eq!(
        mails_of(&mailer, MailKind::SignIn).len(),
        crate::owner::PER_ADDRESS as usize
    );
}
