//! Behaviour scenarios of issue 10's refusals, run on every store: manage links that are
//! expired or tampered with, and sign-in requests beyond the per-client limit. Each gets a
//! plain page saying what to do, reveals nothing and changes or mails nothing.

use super::journey::{key, mails_of, status_of};
use super::{
    OWNER_EMAIL, RecordingMailer, app_with, deadline, encode, fields, get, link_in, now, post,
    post_to, registry, text,
};
use crate::links::MANAGE_AFTER_DEADLINE;
use crate::mail::MailKind;
use crate::owner::PER_CLIENT;
use crate::store::ProposalStore;
use cwu_domain::urls;
use http::{Request, StatusCode};
use jiff::SignedDuration;
use std::sync::Arc;

/// A manage link whose signature was changed, or that expired (90 days after the deadline),
/// shows a page saying what to do; posting through it changes nothing.
pub async fn bad_manage_links_say_what_to_do(store: Arc<dyn ProposalStore>) {
    let mailer = Arc::new(RecordingMailer::default());
    let open = app_with(store.clone(), mailer.clone(), registry(), now());
    let sent = post(encode(&fields("ana@example.org", "Ana's plan.")));
    status_of(&open.handle(sent).await, StatusCode::SEE_OTHER);
    let receipt = mails_of(&mailer, MailKind::Receipt).pop().expect("receipt");
    let manage = link_in(&receipt, urls::MANAGE);
    // The signature's last character changed, as a mangled copy and paste does.
    let last = manage.chars().last().expect("a token");
    let tampered = format!(
        "{}{}",
        &manage[..manage.len() - last.len_utf8()],
        if last == '0' { '1' } else { '0' }
    );
    let expired_at = deadline() + MANAGE_AFTER_DEADLINE + SignedDuration::from_mins(1);
    let expired = app_with(store.clone(), mailer.clone(), registry(), expired_at);
    let update = |link: &str| post_to(link, &fields("ana@example.org", "Forged."), None);
    let withdraw = |link: &str| post_to(link, &[("withdraw", "yes".into())], None);
    let cases: [(&str, &crate::App, Request<_>, StatusCode, &str); 6] = [
        (
            "tampered view",
            &open,
            get(&tampered, None),
            StatusCode::NOT_FOUND,
            "Open the link in your receipt email exactly as it is",
        ),
        (
            "tampered update",
            &open,
            update(&tampered),
            StatusCode::NOT_FOUND,
            "Open the link in your receipt email exactly as it is",
        ),
        (
            "tampered withdrawal",
            &open,
            withdraw(&tampered),
            StatusCode::NOT_FOUND,
            "Open the link in your receipt email exactly as it is",
        ),
        (
            "expired view",
            &expired,
            get(&manage, None),
            StatusCode::GONE,
            "This link has expired",
        ),
        (
            "expired update",
            &expired,
            update(&manage),
            StatusCode::GONE,
            "This link has expired",
        ),
        (
            "expired withdrawal",
            &expired,
            withdraw(&manage),
            StatusCode::GONE,
            "This link has expired",
        ),
    ];
    for (name, app, request, status, says) in cases {
        let response = app.handle(request).await;
        let page = text(&response);
        assert_eq!(response.status(), status, "{name}: {page}");
        assert!(page.contains(says), "{name}: {page}");
        assert!(page.contains("Need help? Write to"), "{name}: {page}");
        assert!(
            !page.contains("Ana&#39;s plan") && !page.contains("ana@"),
            "{name}"
        );
    }
    let history = store.history(&key("ana@example.org")).await.expect("read");
    assert_eq!(history.len(), 1, "nothing changed");
    assert!(!history[0].is_withdrawn());
    assert_eq!(mailer.sent().len(), 1, "only the receipt");
    // The real link still works.
    status_of(&open.handle(get(&manage, None)).await, StatusCode::OK);
}

/// Sign-in requests from one client for many addresses stop at [`PER_CLIENT`] an hour, with
/// the same answer for an owner and a stranger, and no mail beyond the limit; another client
/// is not affected.
pub async fn sign_in_is_limited_per_client(store: Arc<dyn ProposalStore>) {
    let mailer = Arc::new(RecordingMailer::default());
    let app = app_with(store.clone(), mailer.clone(), registry(), now());
    let ask = |client: &str, email: &str| {
        let mut request = post_to(urls::OWNER_SIGN_IN, &[("email", email.to_owned())], None);
        let forwarded = http::HeaderValue::from_str(client).expect("an address");
        request.headers_mut().insert("x-forwarded-for", forwarded);
        request
    };
    for i in 0..PER_CLIENT {
        let asked = app
            .handle(ask("198.51.100.7", &format!("s{i}@example.org")))
            .await;
        status_of(&asked, StatusCode::OK);
    }
    let owner = app.handle(ask("198.51.100.7", OWNER_EMAIL)).await;
    let stranger = app.handle(ask("198.51.100.7", "late@example.org")).await;
    status_of(&owner, StatusCode::TOO_MANY_REQUESTS);
    status_of(&stranger, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(text(&owner), text(&stranger), "the same answer");
    assert!(text(&owner).contains("wait an hour"), "{}", text(&owner));
    assert!(mails_of(&mailer, MailKind::SignIn).is_empty(), "no mail");
    // Another client still gets a link for the owner.
    status_of(
        &app.handle(ask("203.0.113.9", OWNER_EMAIL)).await,
        StatusCode::OK,
    );
    let links = mails_of(&mailer, MailKind::SignIn);
    assert_eq!(links.len(), 1);
    assert_eq!(links[0].to, [OWNER_EMAIL]);
}
