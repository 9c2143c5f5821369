//! Behaviour scenario of a proposal held as suspected spam (issue 13), run on every store:
//! kept and said so (never discarded, never a false success), never replacing a proposal,
//! sealed until the deadline, then apart from the sheet until the owner admits it (audited).

use super::journey::{key, mails_of, status_of};
use super::{
    OPEN, OWNER_EMAIL, RecordingMailer, after_deadline, app_with, csrf_of, encode, fields, get,
    link_in, now, post, post_to, registry, sign_in_from, text,
};
use crate::mail::MailKind;
use crate::store::ProposalStore;
use cwu_domain::evaluation::Change;
use cwu_domain::proposal::field;
use cwu_domain::urls;
use http::StatusCode;
use std::sync::Arc;

/// A form post from `email` with the honeypot filled in, as an autofill extension does.
fn autofilled(email: &str, proposal: &str) -> Vec<(&'static str, String)> {
    let mut pairs = fields(email, proposal);
    for pair in pairs.iter_mut().filter(|p| p.0 == field::HONEYPOT) {
        pair.1 = "https://ana.example".into();
    }
    pairs
}

/// The journey of a held proposal, from the form to the owner moving it into the evaluation.
pub async fn suspected_spam_is_held_apart(store: Arc<dyn ProposalStore>) {
    let mailer = Arc::new(RecordingMailer::default());
    let open = app_with(store.clone(), mailer.clone(), registry(), now());
    status_of(
        &open
            .handle(post(encode(&fields("bo@example.org", "Bo's plan."))))
            .await,
        StatusCode::SEE_OTHER,
    );

    // Kept, held and said so; no receipt to an address a program probably typed.
    let held = open
        .handle(post(encode(&autofilled("ana@example.org", "Ana's plan."))))
        .await;
    status_of(&held, StatusCode::ACCEPTED);
    let page = text(&held);
    assert!(page.contains("held for a check") && page.contains("no receipt email"));
    assert!(page.contains("Ana&#39;s plan.") || page.contains("Ana's plan."));
    assert!(!page.contains("received and saved"), "no false success");
    let stored = store.current(&key("ana@example.org")).await.expect("read");
    let stored = stored.expect("kept, not discarded");
    assert!(stored.suspected_spam);
    assert!(mailer.sent().iter().all(|m| m.to != ["ana@example.org"]));
    // The same post again: the same honest page, nothing new.
    let again = post(encode(&autofilled("ana@example.org", "Ana's plan.")));
    status_of(&open.handle(again).await, StatusCode::ACCEPTED);

    // The public form never replaces a proposal, held or not: a held post for Bo's address
    // changes nothing, and a post for Ana's mails Ana her private link.
    let intruder = post(encode(&autofilled("bo@example.org", "Not Bo's plan.")));
    status_of(&open.handle(intruder).await, StatusCode::CONFLICT);
    let bo = store.current(&key("bo@example.org")).await.expect("read");
    let bo = bo.expect("kept");
    assert!(!bo.suspected_spam && bo.fields.proposal == "Bo's plan.");
    let resent = post(encode(&fields("ana@example.org", "Ana's plan, again.")));
    status_of(&open.handle(resent).await, StatusCode::CONFLICT);
    let reminder = mails_of(&mailer, MailKind::Reminder)
        .into_iter()
        .find(|m| m.to == ["ana@example.org"])
        .expect("the manage link, mailed to the address");
    let manage = link_in(&reminder, urls::MANAGE);
    let view = text(&open.handle(get(&manage, None)).await);
    assert!(view.contains("held apart as possible spam"), "{view}");
    // An update through the link is the proponent's, and stays held until the owner decides.
    let update = post_to(&manage, &fields("ana@example.org", "Ana's plan, v2."), None);
    status_of(&open.handle(update).await, StatusCode::SEE_OTHER);
    let stored = store.current(&key("ana@example.org")).await.expect("read");
    let stored = stored.expect("kept");
    assert!(stored.version == 2 && stored.suspected_spam);
    let reference = stored.reference().to_owned();

    // After the deadline: apart from the sheet, the ranking and the exports.
    let app = app_with(store.clone(), mailer.clone(), registry(), after_deadline());
    app.sweep().await;
    let invitation = mails_of(&mailer, MailKind::Invitation)
        .pop()
        .expect("invited");
    let cookie = sign_in_from(&app, &invitation).await;
    let sealed = app_with(store.clone(), mailer.clone(), registry(), now())
        .handle(get(&urls::evaluation(OPEN), Some(&cookie)))
        .await;
    assert!(!text(&sealed).contains("v2."), "sealed before the deadline");
    let page = text(
        &app.handle(get(&urls::evaluation(OPEN), Some(&cookie)))
            .await,
    );
    assert!(page.contains("Suspected spam (1)"), "{page}");
    assert_eq!(page.matches(r#"<section class="evaluated""#).count(), 1);
    assert_eq!(page.matches(r#"<section class="held""#).count(), 1);
    assert!(page.contains("v2."), "the owner reads it whole");
    let csv = || get(&urls::evaluation_csv(OPEN), Some(&cookie));
    let exported = text(&app.handle(csv()).await);
    assert_eq!(exported.lines().count(), 2, "held: not exported");

    // Scoring a held proposal is refused; moving it into the evaluation is audited.
    let csrf = csrf_of(&page);
    let act = |action: &str| {
        post_to(
            &urls::evaluation(OPEN),
            &[
                ("csrf", csrf.clone()),
                ("proposal", reference.clone()),
                ("action", action.into()),
                ("score-0", "10".into()),
                ("note", String::new()),
            ],
            Some(&cookie),
        )
    };
    status_of(
        &app.handle(act("score")).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    );
    let forged = post_to(
        &urls::evaluation(OPEN),
        &[
            ("csrf", "forged".into()),
            ("proposal", reference.clone()),
            ("action", "admit".into()),
        ],
        Some(&cookie),
    );
    assert_ne!(app.handle(forged).await.status(), StatusCode::SEE_OTHER);
    assert!(store.evaluation(OPEN).await.expect("events").is_empty());
    status_of(&app.handle(act("admit")).await, StatusCode::SEE_OTHER);
    let events = store.evaluation(OPEN).await.expect("events");
    assert_eq!(events.len(), 1);
    assert_eq!(
        (&events[0].change, events[0].by.as_str()),
        (&Change::Admit, OWNER_EMAIL)
    );
    let page = text(
        &app.handle(get(&urls::evaluation(OPEN), Some(&cookie)))
            .await,
    );
    assert!(!page.contains("Suspected spam ("));
    assert_eq!(page.matches(r#"<section class="evaluated""#).count(), 2);
    assert!(
        page.contains("moved into the evaluation"),
        "in the audit trail"
    );
    let exported = text(&app.handle(csv()).await);
    assert_eq!(exported.lines().count(), 3, "now exported");
    status_of(&app.handle(act("score")).await, StatusCode::SEE_OTHER);
    // Admitted once: a second move is refused and changes nothing.
    status_of(
        &app.handle(act("admit")).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    );
    assert_eq!(store.evaluation(OPEN).await.expect("events").len(), 2);
}
