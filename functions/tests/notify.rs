//! Subscriptions, watching and the notifier on the local backend (redb store, recorded mail):
//! the issue's journey and the rules around it (opt-in, limits, bad input, digests, bounces).

#[path = "notify/journey.rs"]
mod journey;

use functions::local::RedbStore;
use functions::mail::Mailer;
use functions::notify::records::{Kind, NotifyStore};
use functions::testing::{self, MAIL_FROM, RecordingMailer};
use functions::{AfterSubmit, App, Config};
use http::StatusCode;
use jiff::{SignedDuration, Timestamp};
use journey::{Builds, World, body, form_post, get, link, one_click};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

struct Local {
    world: World,
    store: Arc<RedbStore>,
    clock: Arc<AtomicI64>,
    _dir: tempfile::TempDir,
}

impl Local {
    fn new() -> Local {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(RedbStore::open(&dir.path().join("store.redb")).unwrap());
        let mailer = Arc::new(RecordingMailer::default());
        let builds = Arc::new(Builds::default());
        builds.publish(testing::registry());
        let clock = Arc::new(AtomicI64::new(testing::now().as_second()));
        let time = clock.clone();
        let app = App::new(
            store.clone(),
            mailer.clone() as Arc<dyn Mailer>,
            builds.clone(),
            Config {
                mail_from: MAIL_FROM.into(),
                signing_key: "test-secret".into(),
                ip_hash_key: "test-ip-key".into(),
                after_submit: AfterSubmit::DrainAll,
                site_url: None,
            },
        )
        .with_notifications(store.clone())
        .with_clock(Arc::new(move || {
            Timestamp::from_second(time.load(Ordering::SeqCst)).unwrap()
        }));
        let sent = move || mailer.sent().into_iter().map(|m| m.raw).collect();
        Local {
            world: World {
                app,
                builds,
                sent: Box::new(sent),
            },
            store,
            clock,
            _dir: dir,
        }
    }

    fn advance(&self, by: SignedDuration) {
        self.clock.fetch_add(by.as_secs(), Ordering::SeqCst);
    }

    async fn subscribe(
        &self,
        email: &str,
        skills: &str,
        frequency: &str,
    ) -> http::Response<bytes::Bytes> {
        self.world
            .app
            .handle(form_post(
                "/api/subscriptions",
                &[
                    ("email", email),
                    ("skills", skills),
                    ("frequency", frequency),
                ],
            ))
            .await
    }

    /// Subscribes and confirms `email`; returns the confirmation mail.
    async fn subscribed(
        &self,
        email: &str,
        skills: &str,
        frequency: &str,
        count: &mut usize,
    ) -> journey::Seen {
        journey::subscribed(&self.world, email, (skills, frequency), count).await
    }
}

#[tokio::test]
async fn the_issue_journey_on_the_local_backend() {
    let local = Local::new();
    journey::done_when(&local.world).await;
    // Leaving deleted the address: only its id remains (the suppression that honours it).
    for kind in [Kind::Subscriber, Kind::Watch, Kind::Pending] {
        assert!(
            local.store.records(kind, "").await.unwrap().is_empty(),
            "{kind:?}"
        );
    }
    for kind in [Kind::Suppressed, Kind::OptOut] {
        for (key, record) in local.store.records(kind, "").await.unwrap() {
            assert!(!format!("{key}{:?}", record.value).contains("example.org"));
        }
    }
}

#[tokio::test]
async fn queued_notices_are_cancelled_when_the_recipient_left_on_the_local_backend() {
    let local = Local::new();
    journey::queued_notices_respect_leaving(&local.world, local.store.as_ref()).await;
}

#[tokio::test]
async fn the_same_answer_whether_or_not_subscribed_and_limited_per_address() {
    let local = Local::new();
    let mut count = 0;
    local.world.build(testing::registry()).await;
    let first = body(&local.subscribe("ana@example.org", "", "weekly").await);
    // The confirmation is sent with the answer, not at the next outbox sweep.
    assert_eq!((local.world.sent)().len(), 1, "sent at once");
    local
        .subscribed("bo@example.org", "", "immediate", &mut 0)
        .await;
    let known = body(&local.subscribe("bo@example.org", "", "weekly").await);
    assert_eq!(first, known, "no enumeration");
    // A few confirmation mails per address per day, then silence (same answer).
    for _ in 0..5 {
        let response = local.subscribe("ana@example.org", "", "weekly").await;
        assert_eq!(body(&response), first);
    }
    let to_ana =
        |mails: &[journey::Seen]| mails.iter().filter(|m| m.to == "ana@example.org").count();
    let mails = local.world.new_mail(&mut count).await;
    assert_eq!(
        to_ana(&mails),
        functions::notify::handlers::PER_ADDRESS_PER_DAY as usize
    );
    local.advance(SignedDuration::from_hours(24));
    local.subscribe("ana@example.org", "", "weekly").await;
    assert_eq!(
        to_ana(&local.world.new_mail(&mut count).await),
        1,
        "a new day"
    );
}

#[tokio::test]
async fn bad_posts_get_clear_errors_and_hostile_text_is_escaped() {
    let local = Local::new();
    let app = &local.world.app;
    let hostile = local
        .subscribe("<script>x</script>@example.org", "<b>Rust</b>", "immediate")
        .await;
    assert_eq!(hostile.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = body(&hostile);
    assert!(
        !page.contains("<script>x") && !page.contains("<b>Rust"),
        "{page}"
    );
    assert!(page.contains("&lt;b&gt;Rust&lt;/b&gt;"));
    let bad_frequency = local.subscribe("ana@example.org", "", "hourly").await;
    assert_eq!(bad_frequency.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let big = "x".repeat(5_000);
    let response = app
        .handle(form_post("/api/subscriptions", &[("email", &big)]))
        .await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let response = app
        .handle(
            http::Request::post("/api/subscriptions")
                .header("content-type", "application/json")
                .body(bytes::Bytes::from_static(b"{}"))
                .unwrap(),
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let response = app
        .handle(form_post(
            "/api/subscriptions",
            &[("email", "a@b.ca"), ("email", "c@d.ca")],
        ))
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        app.handle(get("/api/subscriptions")).await.status(),
        StatusCode::METHOD_NOT_ALLOWED
    );
    // Forged and expired links.
    let forged = app
        .handle(form_post("/api/subscriptions/unsubscribe?t=abc.1.00", &[]))
        .await;
    assert_eq!(forged.status(), StatusCode::NOT_FOUND);
    let mut count = 0;
    let mail = local
        .subscribed("ana@example.org", "", "immediate", &mut count)
        .await;
    local.advance(SignedDuration::from_hours(24 * 400));
    let expired = app.handle(one_click(&mail)).await;
    assert_eq!(expired.status(), StatusCode::GONE);
    // Too many posts from one client.
    let mut last = StatusCode::OK;
    for _ in 0..=functions::notify::handlers::PER_CLIENT_PER_HOUR {
        last = local
            .subscribe("cy@example.org", "", "immediate")
            .await
            .status();
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn watchers_hear_about_changes_and_weekly_subscribers_get_one_digest() {
    let local = Local::new();
    let mut count = 0;
    local.world.build(testing::registry()).await;
    // Watching needs confirming too.
    let response = local
        .world
        .app
        .handle(form_post(
            "/api/subscriptions/watch",
            &[("email", "wu@example.org"), ("opportunity", testing::OPEN)],
        ))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let mail = local.world.new_mail(&mut count).await.pop().unwrap();
    assert!(
        mail.subject.starts_with("Confirm: email me about changes"),
        "{mail:?}"
    );
    let mut registry = testing::registry();
    registry
        .opportunities
        .get_mut(testing::OPEN)
        .unwrap()
        .proposal_deadline += SignedDuration::from_hours(48);
    local.world.build(registry.clone()).await;
    assert!(
        local.world.new_mail(&mut count).await.is_empty(),
        "not confirmed yet"
    );
    let confirm = link(&mail.text, "/api/subscriptions/confirm");
    assert_eq!(
        local
            .world
            .app
            .handle(form_post(&confirm, &[]))
            .await
            .status(),
        StatusCode::OK
    );
    registry
        .opportunities
        .get_mut(testing::OPEN)
        .unwrap()
        .lifecycle = cwu_domain::opportunity::Lifecycle::Cancelled;
    local.world.build(registry.clone()).await;
    let mails = local.world.new_mail(&mut count).await;
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert!(mails[0].subject.starts_with("Cancelled:"));

    // Weekly: two new opportunities, one digest when it is due, then nothing.
    local
        .subscribed("we@example.org", "", "weekly", &mut count)
        .await;
    for slug in ["one", "two"] {
        registry
            .opportunities
            .insert(slug.into(), journey::opportunity(slug, slug, &["Go"]));
        local.world.build(registry.clone()).await;
    }
    assert!(
        local.world.new_mail(&mut count).await.is_empty(),
        "queued for the digest"
    );
    local.advance(SignedDuration::from_hours(24 * 7));
    let report = local.world.build(registry.clone()).await;
    assert_eq!(report.digests, 1);
    let mails = local.world.new_mail(&mut count).await;
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].subject, "2 new opportunities this week");
    assert_eq!(local.world.build(registry).await.digests, 0);
}

/// `serve` runs the notifier on a timer too: a digest due at a time goes out without a build.
#[tokio::test]
async fn a_due_digest_goes_out_on_the_timer_without_a_rebuild() {
    let local = Local::new();
    let mut count = 0;
    local.world.build(testing::registry()).await;
    local
        .subscribed("we@example.org", "", "weekly", &mut count)
        .await;
    let mut registry = testing::registry();
    let entry = journey::opportunity("one", "One", &["Go"]);
    registry.opportunities.insert(entry.slug.clone(), entry);
    local.world.build(registry).await;
    let timer = tokio::spawn(functions::local::scheduled(
        local.world.app.clone(),
        std::time::Duration::from_millis(20),
    ));
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    assert!(local.world.new_mail(&mut count).await.is_empty(), "not due");
    local.advance(SignedDuration::from_hours(24 * 7));
    let mut mails = Vec::new();
    for _ in 0..250 {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        mails = local.world.new_mail(&mut count).await;
        if !mails.is_empty() {
            break;
        }
    }
    timer.abort();
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert_eq!(mails[0].subject, "New opportunity: One");
}

#[tokio::test]
async fn manage_changes_skills_and_bounces_suppress() {
    let local = Local::new();
    let mut count = 0;
    local.world.build(testing::registry()).await;
    local
        .subscribed("ana@example.org", "Python", "immediate", &mut count)
        .await;
    local
        .subscribed("bo@example.org", "", "immediate", &mut count)
        .await;
    // Ana's first news mail carries the manage link; switch her to Go.
    let mut registry = testing::registry();
    registry
        .opportunities
        .insert("py".into(), journey::opportunity("py", "Py", &["Python"]));
    local.world.build(registry.clone()).await;
    let mails = local.world.new_mail(&mut count).await;
    let ana = mails.iter().find(|m| m.to == "ana@example.org").unwrap();
    let manage = link(&ana.text, "/api/subscriptions/manage");
    let page = local.world.app.handle(get(&manage)).await;
    assert!(body(&page).contains("value=\"Python\""), "{}", body(&page));
    let saved = local
        .world
        .app
        .handle(form_post(
            &manage,
            &[("skills", "Go"), ("frequency", "immediate")],
        ))
        .await;
    assert_eq!(saved.status(), StatusCode::OK, "{}", body(&saved));
    // Bo bounces permanently.
    let event = serde_json::json!({"eventType": "Bounce", "bounce": {"bounceType": "Permanent",
        "bouncedRecipients": [{"emailAddress": "bo@example.org"}]}});
    let store: &dyn NotifyStore = local.store.as_ref();
    assert_eq!(
        functions::notify::bounce::handle(store, "test-secret", &event, testing::now())
            .await
            .unwrap(),
        1
    );
    registry
        .opportunities
        .insert("go".into(), journey::opportunity("go", "Go", &["Go"]));
    registry.opportunities.insert(
        "py2".into(),
        journey::opportunity("py2", "Py2", &["Python"]),
    );
    local.world.build(registry).await;
    let mails = local.world.new_mail(&mut count).await;
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert_eq!(
        (mails[0].to.as_str(), mails[0].subject.as_str()),
        ("ana@example.org", "New opportunity: Go")
    );
}

/// Cancelling an opportunity (`status: cancelled`) mails every proponent once
/// (issue 11): a second build adds nothing.
#[tokio::test]
async fn cancelling_mails_every_proponent_once() {
    let local = Local::new();
    let app = &local.world.app;
    // The published opportunity, announced: its cancellation is news.
    local.world.build(testing::registry()).await;
    for email in ["ana@example.org", "bo@example.org"] {
        let response = app
            .handle(testing::post(testing::encode(&testing::fields(
                email, "A plan.",
            ))))
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
    }
    let mut count = 0;
    local.world.new_mail(&mut count).await;
    let mut registry = testing::registry();
    registry
        .opportunities
        .get_mut(testing::OPEN)
        .unwrap()
        .lifecycle = cwu_domain::opportunity::Lifecycle::Cancelled;
    local.world.build(registry.clone()).await;
    let mails = local.world.new_mail(&mut count).await;
    let mut to: Vec<&str> = mails
        .iter()
        .filter(|m| m.subject.starts_with("Cancelled:"))
        .map(|m| m.to.as_str())
        .collect();
    to.sort_unstable();
    assert_eq!(to, ["ana@example.org", "bo@example.org"], "{mails:?}");
    local.world.build(registry).await;
    assert!(local.world.new_mail(&mut count).await.is_empty(), "once");
}
