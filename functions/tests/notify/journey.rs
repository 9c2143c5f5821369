//! The "done when" journey, shared by the local (redb + recorded mail) and the AWS
//! (DynamoDB + SES in moto) tests: subscribe (Rust, immediate) → confirmation mail → confirm →
//! a Rust and a Python opportunity appear → exactly one mail, for the Rust one → a re-run of
//! the notifier sends nothing → an addendum to an opportunity you proposed to → one mail to
//! you as a proponent → one-click unsubscribe (RFC 8058 POST) → nothing more.

use bytes::Bytes;
use cwu_domain::opportunity::Addendum;
use cwu_domain::{Registry, RegistryEntry};
use functions::mail::MailState;
use functions::notify::NotifyStore;
use functions::notify::bounce;
use functions::registry_source::{RegistryError, RegistrySource};
use functions::{App, testing};
use http::{Request, Response, StatusCode, header};
use mail_parser::MessageParser;
use std::sync::{Arc, Mutex};

/// A registry the test replaces, as a new build replaces the registry file.
#[derive(Default)]
pub struct Builds(Mutex<Option<Arc<Registry>>>);

impl Builds {
    /// Publishes `registry`.
    pub fn publish(&self, registry: Registry) {
        *self.0.lock().unwrap() = Some(Arc::new(registry));
    }
}

impl RegistrySource for Builds {
    fn registry(&self) -> Result<Arc<Registry>, RegistryError> {
        Ok(self.0.lock().unwrap().clone().expect("published"))
    }
}

/// One mail as a recipient sees it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub list_unsubscribe: String,
    pub list_unsubscribe_post: String,
}

/// Parses a MIME message.
pub fn seen(raw: &str) -> Seen {
    let message = MessageParser::default()
        .parse(raw.as_bytes())
        .expect("MIME");
    let header = |name: &str| {
        message
            .header_raw(name)
            .map(|v| v.trim().to_owned())
            .unwrap_or_default()
    };
    Seen {
        to: message
            .to()
            .and_then(|to| to.first())
            .and_then(|a| a.address())
            .unwrap_or_default()
            .to_owned(),
        subject: message.subject().unwrap_or_default().to_owned(),
        text: message.body_text(0).unwrap_or_default().into_owned(),
        list_unsubscribe: header("List-Unsubscribe"),
        list_unsubscribe_post: header("List-Unsubscribe-Post"),
    }
}

/// The site-relative address of the first link in `text` under `path`.
pub fn link(text: &str, path: &str) -> String {
    let start = text
        .find(&format!("https://cwu.example.ca{path}"))
        .unwrap_or_else(|| panic!("no {path} link in {text}"));
    let url: String = text[start..]
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != '>')
        .collect();
    url.trim_start_matches("https://cwu.example.ca").to_owned()
}

pub fn get(uri: &str) -> Request<Bytes> {
    Request::get(uri).body(Bytes::new()).unwrap()
}

pub fn form_post(uri: &str, pairs: &[(&str, &str)]) -> Request<Bytes> {
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    Request::post(uri)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Bytes::from(body))
        .unwrap()
}

/// What a mail client does with `List-Unsubscribe-Post: List-Unsubscribe=One-Click`.
pub fn one_click(mail: &Seen) -> Request<Bytes> {
    assert_eq!(mail.list_unsubscribe_post, "List-Unsubscribe=One-Click");
    let url = mail
        .list_unsubscribe
        .trim_start_matches('<')
        .trim_end_matches('>');
    assert!(url.starts_with("https://"), "{url}");
    form_post(
        url.trim_start_matches("https://cwu.example.ca"),
        &[("List-Unsubscribe", "One-Click")],
    )
}

pub fn body(response: &Response<Bytes>) -> String {
    String::from_utf8_lossy(response.body()).into_owned()
}

/// A published, open opportunity needing `skills`.
pub fn opportunity(slug: &str, title: &str, skills: &[&str]) -> RegistryEntry {
    let mut entry = testing::registry().get(testing::OPEN).unwrap().clone();
    entry.slug = slug.into();
    entry.title = title.into();
    entry.url = format!("https://cwu.example.ca/opportunities/{slug}/");
    entry.skills = skills.iter().map(|s| s.to_string()).collect();
    entry
}

/// The world the journey runs in.
pub struct World {
    pub app: App,
    pub builds: Arc<Builds>,
    /// Every mail the mail service accepted so far (raw MIME), oldest first.
    pub sent: Box<dyn Fn() -> Vec<String> + Send + Sync>,
}

impl World {
    /// Mails sent since `seen_count`, which is advanced.
    pub async fn new_mail(&self, seen_count: &mut usize) -> Vec<Seen> {
        self.app.drain_outbox().await;
        let all = (self.sent)();
        let fresh = all[*seen_count..].iter().map(|raw| seen(raw)).collect();
        *seen_count = all.len();
        fresh
    }

    /// Publishes `registry` and runs the notifier, as a deploy does.
    pub async fn build(&self, registry: Registry) -> functions::notify::NotifyReport {
        self.builds.publish(registry);
        let report = self.app.notify().await;
        assert!(report.errors.is_empty(), "{report:?}");
        report
    }
}

/// The journey; `world.app` must be at [`testing::now`] with `testing::registry()` published.
pub async fn done_when(world: &World) {
    let dev = "dev@example.org";
    let mut count = 0;
    // The first build only records what exists: nobody has subscribed yet.
    world.build(testing::registry()).await;
    assert!(world.new_mail(&mut count).await.is_empty());

    // Subscribe: Rust only, each new opportunity.
    let response = world
        .app
        .handle(form_post(
            "/api/subscriptions",
            &[
                ("email", "Dev@Example.org"),
                ("skills", "Rust"),
                ("frequency", "immediate"),
            ],
        ))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let answer = body(&response);
    assert!(answer.contains("Check your inbox"), "{answer}");
    assert!(!answer.contains("dev@example.org") && !answer.contains("Dev@Example.org"));
    let mails = world.new_mail(&mut count).await;
    assert_eq!(mails.len(), 1, "{mails:?}");
    let confirmation = &mails[0];
    assert_eq!(confirmation.to, dev);
    assert!(
        confirmation.subject.starts_with("Confirm"),
        "{confirmation:?}"
    );
    assert!(confirmation.list_unsubscribe.starts_with("<https://"));

    // Nothing is sent before confirming: a Rust opportunity now is not mailed.
    let confirm = link(&confirmation.text, "/api/subscriptions/confirm");
    assert!(!confirm.contains("dev%40") && !confirm.contains("example.org"));
    let page = world.app.handle(get(&confirm)).await;
    assert_eq!(page.status(), StatusCode::OK);
    assert!(body(&page).contains("<button"), "GET only shows a button");
    let confirmed = world.app.handle(form_post(&confirm, &[])).await;
    assert_eq!(confirmed.status(), StatusCode::OK, "{}", body(&confirmed));
    assert!(body(&confirmed).contains("subscribed"));
    // Safe to follow twice.
    let again = world.app.handle(form_post(&confirm, &[])).await;
    assert_eq!(again.status(), StatusCode::OK);

    // A Rust and a Python opportunity are published: exactly one mail, for the Rust one.
    let mut registry = testing::registry();
    for entry in [
        opportunity("rust-cli", "Rust command-line tool", &["Rust"]),
        opportunity("python-etl", "Python data pipeline", &["Python"]),
    ] {
        registry.opportunities.insert(entry.slug.clone(), entry);
    }
    let report = world.build(registry.clone()).await;
    assert_eq!(report.mails, 1, "{report:?}");
    let mails = world.new_mail(&mut count).await;
    assert_eq!(mails.len(), 1, "{mails:?}");
    let news = &mails[0];
    assert_eq!(news.to, dev);
    assert_eq!(news.subject, "New opportunity: Rust command-line tool");
    assert!(news.text.contains("/api/subscriptions/manage?t="));
    assert!(news.text.contains("/api/subscriptions/unsubscribe?t="));

    // The same build again (a redeploy, a re-run): nothing.
    let report = world.build(registry.clone()).await;
    assert_eq!(report.mails, 0, "{report:?}");
    assert!(world.new_mail(&mut count).await.is_empty());

    // Propose to the existing opportunity: the receipt, and the proponent watches it.
    let response = world
        .app
        .handle(testing::post(testing::encode(&testing::fields(
            dev,
            "We will do it.",
        ))))
        .await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "{}",
        body(&response)
    );
    let mails = world.new_mail(&mut count).await;
    let receipt = mails.iter().find(|m| m.to == dev).expect("receipt");
    assert!(
        receipt.text.contains("changes to this opportunity"),
        "{}",
        receipt.text
    );

    // An addendum to it: one mail to the proponent.
    registry
        .opportunities
        .get_mut(testing::OPEN)
        .unwrap()
        .addenda
        .insert(
            0,
            Addendum {
                date: testing::now(),
                text: "The API must also <serve> XML.".into(),
            },
        );
    world.build(registry.clone()).await;
    let mails = world.new_mail(&mut count).await;
    assert_eq!(mails.len(), 1, "{mails:?}");
    let addendum = &mails[0];
    assert_eq!(addendum.to, dev);
    assert!(addendum.subject.starts_with("Addendum to"), "{addendum:?}");
    assert!(addendum.text.contains("The API must also <serve> XML."));
    assert!(addendum.text.contains("submitted a proposal"));

    // One-click unsubscribe from the header, twice (idempotent), then nothing more.
    for _ in 0..2 {
        let response = world.app.handle(one_click(addendum)).await;
        assert_eq!(response.status(), StatusCode::OK, "{}", body(&response));
    }
    registry
        .opportunities
        .get_mut(testing::OPEN)
        .unwrap()
        .addenda
        .insert(
            0,
            Addendum {
                date: testing::now(),
                text: "Second addendum.".into(),
            },
        );
    world.build(registry.clone()).await;
    assert!(world.new_mail(&mut count).await.is_empty());

    // Leaving everything from the new-opportunity mail: no more new opportunities either.
    let response = world.app.handle(one_click(news)).await;
    assert_eq!(response.status(), StatusCode::OK);
    registry.opportunities.insert(
        "rust-api".into(),
        opportunity("rust-api", "Another Rust API", &["Rust"]),
    );
    let report = world.build(registry).await;
    assert_eq!(report.mails, 0, "{report:?}");
    assert!(world.new_mail(&mut count).await.is_empty());
}

/// Subscribes and confirms `email`; returns the confirmation mail (its `List-Unsubscribe`
/// leaves everything).
pub async fn subscribed(
    world: &World,
    email: &str,
    (skills, frequency): (&str, &str),
    count: &mut usize,
) -> Seen {
    let pairs = [
        ("email", email),
        ("skills", skills),
        ("frequency", frequency),
    ];
    let response = world
        .app
        .handle(form_post("/api/subscriptions", &pairs))
        .await;
    assert_eq!(response.status(), StatusCode::OK, "{}", body(&response));
    let mail = world.new_mail(count).await.pop().expect("confirmation");
    let confirm = link(&mail.text, "/api/subscriptions/confirm");
    let response = world.app.handle(form_post(&confirm, &[])).await;
    assert_eq!(response.status(), StatusCode::OK, "{}", body(&response));
    mail
}

/// Proposes to the open opportunity as `email` (accepted: 303 to the receipt).
async fn propose(world: &World, email: &str) {
    let proposal = testing::fields(email, "We will do it.");
    let response = world
        .app
        .handle(testing::post(testing::encode(&proposal)))
        .await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "{}",
        body(&response)
    );
}

/// Rust opportunities, each as it is published.
const RUST_NOW: (&str, &str) = ("Rust", "immediate");

fn with_addendum(registry: &mut Registry, text: &str) {
    let entry = registry.opportunities.get_mut(testing::OPEN).unwrap();
    entry.addenda.insert(
        0,
        Addendum {
            date: testing::now(),
            text: text.into(),
        },
    );
}

/// Notices queued before their recipient left (one-click unsubscribe, a bounce, a proponent
/// leaving the opportunity) are cancelled with the reason when the sender reaches them, never
/// sent; a receipt is owed even to someone who left every list.
pub async fn queued_notices_respect_leaving(world: &World, notify: &dyn NotifyStore) {
    let store = world.app.store().clone();
    let mut count = 0;
    world.build(testing::registry()).await;
    subscribed(world, "stays@example.org", RUST_NOW, &mut count).await;
    let leaves = subscribed(world, "leaves@example.org", RUST_NOW, &mut count).await;
    subscribed(world, "bounces@example.org", RUST_NOW, &mut count).await;

    // A Rust opportunity: three notices queued; before the sender reaches them, one
    // subscriber leaves by the header's POST and another address bounces.
    let mut registry = testing::registry();
    let entry = opportunity("rust-cli", "Rust command-line tool", &["Rust"]);
    registry.opportunities.insert(entry.slug.clone(), entry);
    assert_eq!(world.build(registry.clone()).await.mails, 3);
    let queued = store.pending_mail(10).await.unwrap();
    assert_eq!(queued.len(), 3);
    let response = world.app.handle(one_click(&leaves)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let bounce = serde_json::json!({"eventType": "Bounce", "bounce": {"bounceType": "Permanent",
        "bouncedRecipients": [{"emailAddress": "bounces@example.org"}]}});
    bounce::handle(notify, "test-secret", &bounce, testing::now())
        .await
        .unwrap();
    let sent: Vec<String> = world
        .new_mail(&mut count)
        .await
        .into_iter()
        .map(|m| m.to)
        .collect();
    assert_eq!(sent, ["stays@example.org"]);
    assert!(store.pending_mail(10).await.unwrap().is_empty(), "settled");
    let mut cancelled = Vec::new();
    for id in &queued {
        let mail = store.mail(id).await.unwrap().expect("kept");
        if mail.state == MailState::Cancelled {
            cancelled.push(mail.last_error.unwrap_or_default());
        }
    }
    cancelled.sort();
    assert_eq!(
        cancelled,
        [
            "recipient suppressed (bounce)",
            "recipient suppressed (unsubscribed)"
        ]
    );

    // A receipt answers the person's own proposal: it is sent although they left every list.
    propose(world, "leaves@example.org").await;
    let mails = world.new_mail(&mut count).await;
    assert!(
        mails
            .iter()
            .any(|m| m.to == "leaves@example.org" && m.subject.starts_with("Receipt")),
        "{mails:?}"
    );

    // A proponent hears about an addendum, then leaves the opportunity from that mail while
    // the next one is queued: it is cancelled too.
    propose(world, "stays@example.org").await;
    world.new_mail(&mut count).await;
    with_addendum(&mut registry, "First addendum.");
    world.build(registry.clone()).await;
    let first = world.new_mail(&mut count).await;
    assert_eq!(first.len(), 1, "{first:?}");
    assert_eq!(first[0].to, "stays@example.org");
    with_addendum(&mut registry, "Second addendum.");
    assert_eq!(world.build(registry).await.mails, 1);
    let queued = store.pending_mail(10).await.unwrap();
    let response = world.app.handle(one_click(&first[0])).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(world.new_mail(&mut count).await.is_empty());
    let mail = store.mail(&queued[0]).await.unwrap().expect("kept");
    assert_eq!(mail.state, MailState::Cancelled);
    assert_eq!(
        mail.last_error.as_deref(),
        Some("proponent left the opportunity's notices")
    );
}
