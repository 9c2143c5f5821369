//! Subscriptions and the notifier against DynamoDB and SES in a real moto server, through the
//! real SDK: the issue's journey, a notifier re-run and an SES outage (nothing repeated, nothing
//! lost), queued notices cancelled when their recipient left, and a new opportunity for many
//! subscribers sent under a configured rate.

#![cfg(feature = "aws")]

#[path = "notify/journey.rs"]
mod journey;
// The shared harness: this file does not read streams.
#[allow(dead_code)]
#[path = "aws_moto/moto.rs"]
mod moto;

use functions::aws::{DynamoStore, SesMailer};
use functions::mail::Mailer;
use functions::notify::records::{Expect, Kind, NotifyStore, Subscriber};
use functions::paced::PacedMailer;
use functions::store::ProposalStore;
use functions::testing::{self, MAIL_FROM};
use functions::{AfterSubmit, App, Config, outbox};
use jiff::{SignedDuration, Timestamp};
use journey::{Builds, World};
use moto::Moto;
use std::sync::Arc;
use std::time::Instant;

const SENDER: &str = "noreply@cwu.example.ca";
const SECRET: &str = "test-secret";

struct Aws {
    moto: Arc<Moto>,
    ses: aws_sdk_sesv2::Client,
    store: Arc<DynamoStore>,
    builds: Arc<Builds>,
}

impl Aws {
    async fn start(test: &str, verified: bool) -> Aws {
        let moto::Started {
            moto,
            ddb,
            ses,
            table,
        } = moto::start(test, verified.then_some(SENDER)).await;
        let builds = Arc::new(Builds::default());
        builds.publish(testing::registry());
        Aws {
            moto: Arc::new(moto),
            store: Arc::new(DynamoStore::new(ddb, &table)),
            ses,
            builds,
        }
    }

    fn app(&self, mailer: Arc<dyn Mailer>) -> App {
        App::new(
            self.store.clone(),
            mailer,
            self.builds.clone(),
            Config {
                mail_from: MAIL_FROM.into(),
                signing_key: SECRET.into(),
                ip_hash_key: "test-ip-key".into(),
                after_submit: AfterSubmit::SendNew,
                site_url: None,
            },
        )
        .with_notifications(self.store.clone())
        .with_clock(Arc::new(testing::now))
    }

    fn mailer(&self) -> Arc<dyn Mailer> {
        Arc::new(SesMailer::new(self.ses.clone(), None))
    }

    fn world(&self, mailer: Arc<dyn Mailer>) -> World {
        let moto = self.moto.clone();
        World {
            app: self.app(mailer),
            builds: self.builds.clone(),
            sent: Box::new(move || moto.sent_raw().into_iter().map(|m| m.raw).collect()),
        }
    }

    /// `count` confirmed subscribers (written directly: the form is tested elsewhere).
    async fn subscribers(&self, count: usize, skills: &[&str]) {
        for n in 0..count {
            let email = format!("dev{n}@example.org");
            let id = functions::notify::links::subscriber_id(SECRET, &email);
            let subscriber = Subscriber {
                email,
                skills: skills.iter().map(|s| s.to_string()).collect(),
                frequency: cwu_domain::subscription::Frequency::Immediate,
                confirmed_at: testing::now(),
                digest: Vec::new(),
                digest_due: testing::now() + SignedDuration::from_hours(24 * 7),
            };
            let value = serde_json::to_value(&subscriber).unwrap();
            self.store
                .put_record(Kind::Subscriber, &id, Expect::Absent, &value, None, &[])
                .await
                .unwrap();
        }
    }
}

/// SES accepted exactly `count` mails, each to a different address.
fn assert_each_once(moto: &Moto, count: usize) {
    let sent = moto.sent_raw();
    let mut recipients: Vec<String> = sent.iter().flat_map(|m| m.destinations.clone()).collect();
    recipients.sort();
    recipients.dedup();
    assert_eq!(
        (sent.len(), recipients.len()),
        (count, count),
        "each subscriber exactly once"
    );
}

fn with_new_opportunity() -> cwu_domain::Registry {
    let mut registry = testing::registry();
    let entry = journey::opportunity("rust-cli", "Rust command-line tool", &["Rust"]);
    registry.opportunities.insert(entry.slug.clone(), entry);
    registry
}

#[tokio::test]
async fn the_issue_journey_on_dynamodb_and_ses() {
    let aws = Aws::start("notify-journey", true).await;
    let world = aws.world(aws.mailer());
    journey::done_when(&world).await;
    let subscribers = aws.store.records(Kind::Subscriber, "").await.unwrap();
    assert!(subscribers.is_empty(), "leaving deleted the subscription");
}

#[tokio::test]
async fn queued_notices_are_cancelled_when_the_recipient_left_on_dynamodb() {
    let aws = Aws::start("notify-left", true).await;
    let world = aws.world(aws.mailer());
    journey::queued_notices_respect_leaving(&world, aws.store.as_ref()).await;
}

#[tokio::test]
async fn a_rerun_repeats_nothing_and_an_ses_outage_loses_nothing() {
    let aws = Aws::start("notify-outage", false).await;
    let app = aws.app(aws.mailer());
    // The first run records what is already published; the subscribers come after it.
    assert!(app.notify().await.errors.is_empty());
    aws.subscribers(20, &["Rust"]).await;
    aws.builds.publish(with_new_opportunity());
    let report = app.notify().await;
    assert_eq!((report.news, report.mails), (1, 20), "{report:?}");
    // SES refuses (unverified sender): every mail stays pending.
    let report = app.drain_outbox().await;
    assert_eq!((report.sent, report.failed), (0, 20), "{report:?}");
    // The notifier runs again (the hourly rebuild, a redeploy): nothing new.
    let report = app.notify().await;
    assert_eq!((report.news, report.mails), (0, 0), "{report:?}");
    assert_eq!(aws.store.pending_mail(100).await.unwrap().len(), 20);
    // SES is back: after the retry time every mail goes out, once.
    moto::verify_sender(&aws.ses, SENDER).await;
    let later = Timestamp::now() + SignedDuration::from_hours(2);
    let mailer = aws.mailer();
    let report = outbox::drain(aws.store.as_ref(), mailer.as_ref(), later).await;
    assert_eq!((report.sent, report.failed), (20, 0), "{report:?}");
    let report = outbox::drain(aws.store.as_ref(), mailer.as_ref(), later).await;
    assert_eq!(report.sent, 0);
    assert_each_once(&aws.moto, 20);
}

/// The send rate of this test (messages per second): `NOTIFY_SEND_RATE`, default 200.
fn rate() -> f64 {
    std::env::var("NOTIFY_SEND_RATE")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(200.0)
}

/// How many subscribers: `NOTIFY_SUBSCRIBERS`, default 300 (`bench --notify-only N` sets it; the
/// README gives 1,000 and 10,000). Each mail is five requests to moto, a Python server on the same two
/// cores as the rest of the test run: at 1,000 this one test took five minutes of it.
fn subscriber_count() -> usize {
    std::env::var("NOTIFY_SUBSCRIBERS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(300)
}

/// Records when SES accepted each mail.
struct Clocked {
    ses: Arc<dyn Mailer>,
    at: std::sync::Mutex<Vec<Instant>>,
}

#[async_trait::async_trait]
impl Mailer for Clocked {
    async fn send(
        &self,
        mail: &functions::mail::OutboxMail,
    ) -> Result<(), functions::mail::MailError> {
        self.ses.send(mail).await?;
        self.at.lock().unwrap().push(Instant::now());
        Ok(())
    }
}

/// The most sends within any one second (what SES's per-second rate limits).
fn busiest_second(mut at: Vec<Instant>) -> usize {
    at.sort();
    let mut first = 0;
    let mut most = 0;
    for last in 0..at.len() {
        while at[last].duration_since(at[first]) >= std::time::Duration::from_secs(1) {
            first += 1;
        }
        most = most.max(last - first + 1);
    }
    most
}

/// A new opportunity for many subscribers: each gets exactly one mail, none is refused, and no
/// second carries more sends than the configured rate (SES throttles above it). The line it
/// prints is the figure in README (run with `NOTIFY_SUBSCRIBERS=10000` for the full count).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_opportunity_reaches_every_subscriber_once_at_the_configured_rate() {
    let subscribers = subscriber_count();
    let aws = Aws::start("notify-many", true).await;
    let rate = rate();
    let clocked = Arc::new(Clocked {
        ses: aws.mailer(),
        at: std::sync::Mutex::new(Vec::new()),
    });
    let paced: Arc<dyn Mailer> = Arc::new(PacedMailer::new(clocked.clone(), rate));
    let app = aws.app(paced);
    assert!(app.notify().await.errors.is_empty());
    let started = Instant::now();
    aws.subscribers(subscribers, &[]).await;
    let subscribed = started.elapsed();
    aws.builds.publish(with_new_opportunity());
    let started = Instant::now();
    let report = app.notify().await;
    assert_eq!(report.mails, subscribers, "{report:?}");
    let queued = started.elapsed();
    let started = Instant::now();
    let (mut sent, mut failed) = (0, 0);
    loop {
        let report = app.drain_outbox().await;
        assert!(report.store_errors.is_empty(), "{report:?}");
        sent += report.sent;
        failed += report.failed;
        if report.sent + report.failed == 0 {
            break;
        }
    }
    let delivered = started.elapsed();
    let busiest = busiest_second(clocked.at.lock().unwrap().clone());
    eprintln!(
        "{subscribers} subscribers: stored in {:.1} s; notifier queued {} mails in {:.1} s; \
         sent {sent} at most {rate}/s in {:.1} s ({:.0}/s, busiest second {busiest}), {failed} refused",
        subscribed.as_secs_f64(),
        report.mails,
        queued.as_secs_f64(),
        delivered.as_secs_f64(),
        sent as f64 / delivered.as_secs_f64()
    );
    assert_eq!((sent, failed), (subscribers, 0));
    assert!(
        busiest <= rate.ceil() as usize + 1,
        "{busiest} in one second"
    );
    assert_each_once(&aws.moto, subscribers);
}
