//! The AWS adapters against a real AWS emulator (moto server) over HTTP, through the real SDK:
//! the store contract, the items written, the MIME that SES received, concurrency, and SES
//! failing. Each test starts its own moto server, so its sent mail is only its own.

#![cfg(feature = "aws")]

#[path = "aws_moto/moto.rs"]
mod moto;

use aws_sdk_dynamodb::types::AttributeValue;
use bytes::Bytes;
use functions::aws::stream::{handle_batch, handle_event};
use functions::aws::{DynamoStore, SesMailer};
use functions::mail::Mailer;
use functions::outbox;
use functions::store::{ProposalKey, ProposalStore};
use functions::{AfterSubmit, App, Config};
use jiff::{SignedDuration, Timestamp};
use moto::{Moto, SentRaw};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

const MAIL_FROM: &str = "Code With Us <noreply@cwu.example.ca>";
const SENDER: &str = "noreply@cwu.example.ca";
const OWNER: &str = "priya.sandhu@gov.example.ca";
const SLUG: &str = "permit-api";
const TITLE: &str = "Permit status API";
const TERMS: &str = "2026-06";

type Item = HashMap<String, AttributeValue>;

/// One test's emulator, table and adapters.
struct Aws {
    moto: Moto,
    ddb: aws_sdk_dynamodb::Client,
    ses: aws_sdk_sesv2::Client,
    table: String,
    store: Arc<DynamoStore>,
    mailer: Arc<SesMailer>,
}

impl Aws {
    /// A fresh emulator and table; the sender is verified when `verified`.
    async fn start(test: &str, verified: bool) -> Aws {
        let moto::Started {
            moto,
            ddb,
            ses,
            table,
        } = moto::start(test, verified.then_some(SENDER)).await;
        let store = Arc::new(DynamoStore::new(ddb.clone(), &table));
        let mailer = Arc::new(SesMailer::new(ses.clone(), None));
        Aws {
            moto,
            ddb,
            ses,
            table,
            store,
            mailer,
        }
    }

    /// The handlers on this store and mailer, sending right after each submission.
    fn app(&self) -> App {
        self.app_with(self.mailer.clone())
    }

    fn app_with(&self, mailer: Arc<dyn Mailer>) -> App {
        App::new(
            self.store.clone(),
            mailer,
            Arc::new(Arc::new(registry())),
            Config {
                mail_from: MAIL_FROM.into(),
                signing_key: "test-secret".into(),
                ip_hash_key: "test-ip-key".into(),
                after_submit: AfterSubmit::SendNew,
                site_url: None,
            },
        )
    }

    /// Every item in the table (Scan, all pages).
    async fn items(&self) -> Vec<Item> {
        let mut items = Vec::new();
        let mut start = None;
        loop {
            let page = self
                .ddb
                .scan()
                .table_name(&self.table)
                .consistent_read(true)
                .set_exclusive_start_key(start)
                .send()
                .await
                .expect("scan");
            items.extend(page.items.unwrap_or_default());
            start = page.last_evaluated_key.filter(|k| !k.is_empty());
            if start.is_none() {
                return items;
            }
        }
    }

    async fn items_of_kind(&self, kind: &str) -> Vec<Item> {
        self.items()
            .await
            .into_iter()
            .filter(|item| s(item, "item_type") == kind)
            .collect()
    }

    async fn stream_arn(&self) -> String {
        self.ddb
            .describe_table()
            .table_name(&self.table)
            .send()
            .await
            .expect("describe table")
            .table
            .and_then(|t| t.latest_stream_arn)
            .expect("the table has a stream")
    }

    fn sent(&self) -> Vec<SentRaw> {
        self.moto.sent_raw()
    }
}

/// A string attribute (empty when absent or not a string).
fn s<'a>(item: &'a Item, name: &str) -> &'a str {
    match item.get(name) {
        Some(AttributeValue::S(value)) => value,
        _ => "",
    }
}

/// A number attribute.
fn num(item: &Item, name: &str) -> Option<i64> {
    match item.get(name) {
        Some(AttributeValue::N(value)) => value.parse().ok(),
        _ => None,
    }
}

/// One open opportunity (deadline far in the future by the real clock the handlers use).
fn registry() -> cwu_domain::Registry {
    cwu_domain::Registry::from_json(
        &serde_json::json!({
            "site": {
                "title": "Code With Us",
                "base_url": "https://cwu.example.ca",
                "contact_email": "cwu@example.ca",
                "terms_version": TERMS,
            },
            "page_shell": "<!doctype html><title><!--cwu:title--></title><main><!--cwu:main--></main>",
            "opportunities": {
                SLUG: {
                    "slug": SLUG,
                    "title": TITLE,
                    "url": format!("https://cwu.example.ca/opportunities/{SLUG}/"),
                    "organization": "Ministry of Forests",
                    "owner": { "name": "Priya Sandhu", "email": OWNER },
                    "reward": 25000,
                    "proposal_deadline": "2099-03-13T00:00:00Z",
                    "lifecycle": "published",
                    "awarded": false,
                    "evaluation_criteria": [{ "criterion": "Approach", "points": 100 }],
                    "questions": "https://github.com/bcgov/permit-status/issues/1",
                    "skills": ["Rust"],
                    "addenda": [],
                    "assignment_date": "2099-04-01T23:00:00Z",
                    "start_date": "2099-04-15T23:00:00Z",
                    "completion_date": null,
                }
            }
        })
        .to_string(),
    )
    .expect("a valid registry")
}

/// The form as a browser posts it, with `overrides` replacing or adding fields.
fn form(email: &str, overrides: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut fields: BTreeMap<&str, &str> = BTreeMap::from([
        ("opportunity", SLUG),
        ("proponent_type", "individual"),
        ("legal_name", "Ana Lee"),
        ("organization_name", ""),
        ("email", email),
        ("phone", "250 555 0100"),
        ("proposal", "We will build it in Rust."),
        ("comments", ""),
        ("accept_terms", "yes"),
        ("terms_version", TERMS),
        ("website", ""),
    ]);
    fields.extend(overrides.iter().copied());
    fields
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

fn post(fields: &[(String, String)]) -> http::Request<Bytes> {
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish();
    http::Request::builder()
        .method("POST")
        .uri("/api/proposals")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("user-agent", "aws-moto-test")
        .body(Bytes::from(body))
        .unwrap()
}

async fn submit(app: &App, fields: &[(String, String)]) -> http::Response<Bytes> {
    app.handle(post(fields)).await
}

fn assert_see_other(response: &http::Response<Bytes>) {
    assert_eq!(
        response.status(),
        303,
        "{}",
        String::from_utf8_lossy(response.body())
    );
}

/// The header block of a raw message (before the first empty line).
fn header_block(raw: &str) -> &str {
    raw.split("\r\n\r\n").next().unwrap_or(raw)
}

/// Counts sent messages per envelope recipient.
fn per_recipient(sent: &[SentRaw]) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for message in sent {
        let parsed = mail_parser::MessageParser::default()
            .parse(message.raw.as_bytes())
            .expect("a MIME message");
        let to = parsed
            .to()
            .and_then(|to| to.first())
            .and_then(|a| a.address())
            .expect("a To address")
            .to_owned();
        // The envelope SES used is the stored recipient (moto lists it once per source: the
        // explicit destination, possibly with a display name, and the parsed `To`).
        assert!(
            message
                .destinations
                .iter()
                .all(|d| *d == to || d.ends_with(&format!("<{to}>"))),
            "envelope {:?} vs To {to}",
            message.destinations
        );
        *counts.entry(to).or_default() += 1;
    }
    counts
}

/// The store contract's behaviour suite (the same one the redb store passes), each scenario
/// on a fresh table of one emulator.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behaviour_suite_on_dynamodb() {
    let aws = Aws::start("suite", true).await;
    let ddb = aws.ddb.clone();
    functions::testing::run_all(move || {
        let ddb = ddb.clone();
        async move {
            let table = moto::unique_table("suite");
            moto::create_table(&ddb, &table).await;
            Arc::new(DynamoStore::new(ddb, table)) as Arc<dyn ProposalStore>
        }
    })
    .await;
}

#[tokio::test]
async fn submission_stores_items_and_sends_escaped_mime() {
    let aws = Aws::start("mime", true).await;
    let app = aws.app();
    // Names refuse `<`, `>` and `@` (they could pose as an address); quotes and `&` remain.
    let hostile_name = r#"Ana "Zed" O'Lee & Co; Bcc"#;
    let hostile_text = "Line one\r\nBcc: evil@attacker.example\r\n\r\n<script>alert('x')</script>\r\n<b>bold</b> & more";
    let fields = form(
        " Ana.Lee@Example.ORG ",
        &[
            ("legal_name", hostile_name),
            ("proposal", hostile_text),
            ("comments", "Subject: forged\r\nTo: evil@attacker.example"),
        ],
    );
    let response = submit(&app, &fields).await;
    assert_see_other(&response);

    // Items: the current proposal, its first version, one sent mail (the receipt) with a TTL.
    let proposals = aws.items_of_kind("proposal").await;
    assert_eq!(proposals.len(), 1);
    let current = &proposals[0];
    assert_eq!(s(current, "pk"), format!("OPP#{SLUG}"));
    assert_eq!(s(current, "sk"), "PROPOSAL#ana.lee@example.org");
    assert_eq!(num(current, "version"), Some(1));
    let Some(AttributeValue::M(stored_fields)) = current.get("fields") else {
        panic!("fields are a map: {current:?}");
    };
    assert_eq!(
        stored_fields.get("legal_name"),
        Some(&AttributeValue::S(hostile_name.into()))
    );
    assert_eq!(
        stored_fields.get("email"),
        Some(&AttributeValue::S("ana.lee@example.org".into()))
    );
    assert!(s(current, "client_ip_hash").is_empty() || s(current, "client_ip_hash").len() == 64);
    assert_eq!(s(current, "user_agent"), "aws-moto-test");
    let versions = aws.items_of_kind("version").await;
    assert_eq!(versions.len(), 1);
    assert_eq!(
        s(&versions[0], "sk"),
        "VERSION#ana.lee@example.org#0000000001"
    );
    assert_eq!(s(&versions[0], "id"), s(current, "id"));
    let mails = aws.items_of_kind("mail").await;
    assert_eq!(mails.len(), 1);
    let now = Timestamp::now().as_second();
    for mail in &mails {
        assert!(s(mail, "pk").starts_with("MAIL#"), "{mail:?}");
        assert_eq!(s(mail, "state"), "sent", "{:?}", mail.get("last_error"));
        assert_eq!(num(mail, "attempts"), Some(1));
        let expires = num(mail, "expires_at").expect("sent mail has a TTL");
        assert!(expires > now + 29 * 86_400 && expires < now + 31 * 86_400);
        assert!(mail.get("lease_ms").is_none());
        assert!(
            mail.get("outbox").is_none(),
            "sent mail leaves the pending index"
        );
    }
    // Proposals expire after the retention schedule's seven years.
    for item in [current, &versions[0]] {
        let expires = num(item, "expires_at").expect("proposals have a TTL");
        let seven_years = 7 * 365 * 86_400;
        assert!((expires - now - seven_years).abs() < 86_400, "{expires}");
    }

    // SES got exactly the receipt: proposals are sealed, nothing goes to the owner.
    let sent = aws.sent();
    assert_eq!(sent.len(), 1, "{sent:#?}");
    assert_eq!(
        per_recipient(&sent),
        BTreeMap::from([("ana.lee@example.org".to_owned(), 1)])
    );
    let proposal_id = s(current, "id");
    for message in &sent {
        let headers = header_block(&message.raw);
        assert!(
            !headers
                .to_ascii_lowercase()
                .contains("evil@attacker.example"),
            "injected header:\n{headers}"
        );
        assert!(
            headers
                .lines()
                .all(|l| !l.to_ascii_lowercase().starts_with("bcc:")),
            "{headers}"
        );
        assert!(message.raw.is_ascii(), "7-bit message");
        let parsed = mail_parser::MessageParser::default()
            .parse(message.raw.as_bytes())
            .unwrap();
        let from = parsed.from().and_then(|f| f.first()).unwrap();
        assert_eq!(from.address(), Some(SENDER));
        assert_eq!(parsed.to().map(|to| to.iter().count()), Some(1));
        assert_eq!(parsed.header_values("Subject").count(), 1);
        assert!(parsed.message_id().is_some(), "{headers}");
        let subject = parsed.subject().unwrap_or_default();
        assert!(!subject.contains('\n') && !subject.contains('\r'));
        // The receipt holds the whole proposal, escaped in HTML, and names its reference.
        assert!(subject.contains(TITLE), "receipt subject: {subject}");
        let text = parsed.body_text(0).expect("a plain text part");
        assert!(
            text.contains(proposal_id),
            "receipt names the proposal's reference:\n{text}"
        );
        assert!(text.contains("<script>alert('x')</script>"), "{text}");
        assert!(text.contains("Bcc: evil@attacker.example"), "{text}");
        assert!(text.contains("/api/proposals/manage?t="), "{text}");
        let html = parsed.body_html(0).expect("an HTML part");
        assert!(
            !html.contains("<script>"),
            "unescaped script in HTML:\n{html}"
        );
        assert!(html.contains("&lt;script&gt;alert("), "{html}");
        assert!(
            html.contains("&lt;b&gt;bold&lt;/b&gt; &amp; more"),
            "{html}"
        );
        assert!(!html.contains("<b>bold"), "{html}");
    }
}

#[tokio::test]
async fn resubmission_adds_a_version_and_keeps_the_history() {
    let aws = Aws::start("history", true).await;
    let app = aws.app();
    let email = "dev@example.org";
    assert_see_other(&submit(&app, &form(email, &[("proposal", "First version")])).await);
    // The same post again changes nothing and mails nothing.
    assert_see_other(&submit(&app, &form(email, &[("proposal", "First version")])).await);
    // A different public post for the address is refused; the receipt's manage link changes it.
    let public = submit(&app, &form(email, &[("proposal", "Not mine")])).await;
    assert_eq!(public.status(), 409);
    let receipt = aws
        .sent()
        .into_iter()
        .find(|m| m.raw.contains("Subject: Receipt"))
        .expect("the receipt");
    let manage = functions::testing::link_in_raw(&receipt.raw, "/api/proposals/manage");
    let update = http::Request::post(manage.as_str())
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Bytes::from(
            form_urlencoded::Serializer::new(String::new())
                .extend_pairs(form(email, &[("proposal", "Second version")]))
                .finish(),
        ))
        .unwrap();
    assert_see_other(&app.handle(update).await);

    let key = ProposalKey {
        opportunity: SLUG.into(),
        email: email.into(),
    };
    let current = aws.store.current(&key).await.unwrap().unwrap();
    assert_eq!(current.version, 2);
    assert_eq!(current.fields.proposal, "Second version");
    let history = aws.store.history(&key).await.unwrap();
    let texts: Vec<_> = history.iter().map(|p| p.fields.proposal.as_str()).collect();
    assert_eq!(texts, ["First version", "Second version"]);
    assert_eq!(
        history.iter().map(|p| p.version).collect::<Vec<_>>(),
        [1, 2]
    );
    assert_ne!(history[0].id, history[1].id);
    assert_eq!(aws.items_of_kind("version").await.len(), 2);
    assert_eq!(aws.items_of_kind("proposal").await.len(), 1);
    assert_eq!(aws.store.proposals(SLUG).await.unwrap(), vec![current]);
    // Two receipts and the reminder sent for the refused public post; nothing to the owner.
    assert_eq!(aws.sent().len(), 3);
    assert!(aws.sent().iter().all(|m| !m.raw.contains(OWNER)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_concurrent_identical_posts_make_one_record() {
    let aws = Aws::start("identical", true).await;
    let app = aws.app();
    let fields = form("same@example.org", &[]);
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..50 {
        let (app, fields) = (app.clone(), fields.clone());
        tasks.spawn(async move { submit(&app, &fields).await });
    }
    let mut locations = std::collections::BTreeSet::new();
    while let Some(response) = tasks.join_next().await {
        let response = response.unwrap();
        assert_see_other(&response);
        locations.insert(response.headers()["location"].to_str().unwrap().to_owned());
    }
    assert_eq!(
        locations.len(),
        1,
        "every post gets the same receipt: {locations:?}"
    );
    assert_eq!(aws.items_of_kind("proposal").await.len(), 1);
    assert_eq!(aws.items_of_kind("version").await.len(), 1);
    assert_eq!(aws.items_of_kind("mail").await.len(), 1);
    assert_eq!(aws.sent().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_concurrent_proponents_make_200_records_and_200_receipts() {
    let aws = Aws::start("distinct", true).await;
    let app = aws.app();
    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..200 {
        let app = app.clone();
        tasks.spawn(async move {
            let fields = form(
                &format!("dev{n}@example.org"),
                &[("legal_name", &format!("Developer {n}"))],
            );
            submit(&app, &fields).await
        });
    }
    while let Some(response) = tasks.join_next().await {
        assert_see_other(&response.unwrap());
    }
    assert_eq!(aws.store.proposals(SLUG).await.unwrap().len(), 200);
    assert_eq!(aws.items_of_kind("version").await.len(), 200);
    let mails = aws.items_of_kind("mail").await;
    assert_eq!(mails.len(), 200);
    assert!(mails.iter().all(|m| s(m, "state") == "sent"));
    let sent = aws.sent();
    assert_eq!(sent.len(), 200);
    let counts = per_recipient(&sent);
    assert!(!counts.contains_key(OWNER), "sealed: nothing to the owner");
    for n in 0..200 {
        assert_eq!(counts[&format!("dev{n}@example.org")], 1, "dev{n}");
    }
}

/// The `submit-proposal` path end to end: a Lambda function URL event (base64 form body, as
/// function URLs send it) through `lambda_http`'s decoding and our conversion to the app, and
/// the response back; the client IP comes from the request context.
#[tokio::test]
async fn function_url_event_reaches_the_handler() {
    use base64_body::encode;
    let aws = Aws::start("function-url", true).await;
    let app = aws.app();
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(form("url@example.org", &[]))
        .finish();
    let event = serde_json::json!({
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": "/api/proposals",
        "rawQueryString": "",
        "headers": {
            "content-type": "application/x-www-form-urlencoded",
            "user-agent": "Mozilla/5.0 (function URL test)",
            "host": "abc.lambda-url.ca-central-1.on.aws",
        },
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "abc",
            "domainName": "abc.lambda-url.ca-central-1.on.aws",
            "domainPrefix": "abc",
            "http": {
                "method": "POST",
                "path": "/api/proposals",
                "protocol": "HTTP/1.1",
                "sourceIp": "203.0.113.77",
                "userAgent": "Mozilla/5.0 (function URL test)",
            },
            "requestId": "r1",
            "routeKey": "$default",
            "stage": "$default",
            "time": "24/Nov/2026:20:00:00 +0000",
            "timeEpoch": 1795550400000_i64,
        },
        "body": encode(body.as_bytes()),
        "isBase64Encoded": true,
    });
    let lambda: lambda_http::request::LambdaRequest =
        serde_json::from_value(event).expect("a function URL event");
    let request = functions::aws::lambda::to_app_request(http::Request::from(lambda), None)
        .expect("no origin secret configured");
    assert_eq!(
        request.extensions().get::<functions::submit::ClientIp>(),
        Some(&functions::submit::ClientIp(
            "203.0.113.77".parse().unwrap()
        ))
    );
    let response = functions::aws::lambda::from_app_response(app.handle(request).await);
    assert_eq!(response.status(), 303);
    assert!(
        response.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/api/proposals/receipt")
    );
    let key = ProposalKey {
        opportunity: SLUG.into(),
        email: "url@example.org".into(),
    };
    let stored = aws.store.current(&key).await.unwrap().expect("stored");
    let expected_hash = functions::submit::hash_ip("test-ip-key", "203.0.113.77".parse().unwrap());
    assert_eq!(
        stored.client_ip_hash.as_deref(),
        Some(expected_hash.as_str())
    );
    assert_eq!(
        stored.user_agent.as_deref(),
        Some("Mozilla/5.0 (function URL test)")
    );
    assert_eq!(aws.sent().len(), 1, "the receipt only");
}

/// Standard base64, so the test needs no codec crate.
mod base64_body {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    pub fn encode(bytes: &[u8]) -> String {
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let b = [
                chunk[0],
                *chunk.get(1).unwrap_or(&0),
                *chunk.get(2).unwrap_or(&0),
            ];
            let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
            for i in 0..4 {
                if i <= chunk.len() {
                    out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
                } else {
                    out.push('=');
                }
            }
        }
        out
    }
}

/// SES rejects every message until the sender is verified: each accepted proposal still gets
/// its mail exactly once, through the stream-triggered sender and the sweep.
#[tokio::test]
async fn mail_survives_ses_failures_and_is_sent_exactly_once() {
    let aws = Aws::start("ses-down", false).await;
    let app = aws.app();
    for n in 0..5 {
        let fields = form(&format!("dev{n}@example.org"), &[]);
        assert_see_other(&submit(&app, &fields).await);
    }
    // Stored, not sent: SES refused the immediate attempt (MessageRejected, unverified sender).
    assert_eq!(aws.store.proposals(SLUG).await.unwrap().len(), 5);
    let mails = aws.items_of_kind("mail").await;
    assert_eq!(mails.len(), 5);
    for mail in &mails {
        assert_eq!(s(mail, "state"), "pending");
        assert_eq!(num(mail, "attempts"), Some(1));
        assert!(
            s(mail, "last_error").contains("MessageRejected"),
            "{mail:?}"
        );
    }
    assert!(aws.sent().is_empty());

    // The stream hands send-mail every new mail; all are waiting for their retry time.
    let event: aws_lambda_events::event::dynamodb::Event =
        serde_json::from_value(aws.moto.stream_event(&aws.stream_arn().await)).unwrap();
    let inserts = event
        .records
        .iter()
        .filter(|r| r.event_name == "INSERT")
        .count();
    assert_eq!(inserts, 5 * 3, "proposal, version and receipt per post");
    let response = handle_batch(
        aws.store.clone(),
        aws.mailer.clone(),
        event.clone(),
        Timestamp::now(),
    )
    .await;
    assert_eq!(
        response.batch_item_failures.len(),
        5,
        "only the mail records are retried"
    );

    // After the retry time, still refused: failures reported again, nothing sent.
    let later = Timestamp::now() + SignedDuration::from_mins(5);
    let response = handle_batch(aws.store.clone(), aws.mailer.clone(), event.clone(), later).await;
    assert_eq!(response.batch_item_failures.len(), 5);
    let sequence_numbers: std::collections::BTreeSet<_> = event
        .records
        .iter()
        .filter(|r| functions::aws::stream::new_mail_id(r).is_some() && r.event_name == "INSERT")
        .filter_map(|r| r.change.sequence_number.clone())
        .collect();
    let failed: std::collections::BTreeSet<_> = response
        .batch_item_failures
        .iter()
        .filter_map(|f| f.item_identifier.clone())
        .collect();
    assert_eq!(failed, sequence_numbers);
    assert!(aws.sent().is_empty());

    // SES works again: the stream retry sends what is due, the sweep finds nothing left.
    moto::verify_sender(&aws.ses, SENDER).await;
    let much_later = Timestamp::now() + SignedDuration::from_hours(2);
    let response = handle_batch(
        aws.store.clone(),
        aws.mailer.clone(),
        event.clone(),
        much_later,
    )
    .await;
    assert!(response.batch_item_failures.is_empty(), "{response:?}");
    let report = outbox::drain(aws.store.as_ref(), aws.mailer.as_ref(), much_later).await;
    assert_eq!((report.sent, report.failed), (0, 0), "{report:?}");
    // Replaying the whole batch (Lambda may) through the function's entry point sends
    // nothing twice; so does the scheduled sweep event.
    let payload = serde_json::to_value(&event).unwrap();
    let answer = handle_event(aws.store.clone(), aws.mailer.clone(), payload, much_later)
        .await
        .unwrap();
    assert_eq!(answer, serde_json::json!({ "batchItemFailures": [] }));
    let scheduled = serde_json::json!({ "source": "aws.events", "detail-type": "Scheduled Event" });
    let answer = handle_event(aws.store.clone(), aws.mailer.clone(), scheduled, much_later)
        .await
        .unwrap();
    assert_eq!(
        answer,
        serde_json::json!({ "sent": 0, "failed": 0, "skipped": 0 })
    );

    let sent = aws.sent();
    assert_eq!(sent.len(), 5, "every mail exactly once");
    let counts = per_recipient(&sent);
    assert!(!counts.contains_key(OWNER), "sealed: nothing to the owner");
    for n in 0..5 {
        assert_eq!(counts[&format!("dev{n}@example.org")], 1);
    }
    assert!(aws.store.pending_mail(100).await.unwrap().is_empty());
}

/// SES unreachable (a closed port) at submit time: the proposal is saved, and the sweep
/// sends its mails once SES answers.
#[tokio::test]
async fn unreachable_ses_leaves_mail_pending_for_the_sweep() {
    let aws = Aws::start("ses-closed", true).await;
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    let broken = SesMailer::new(
        aws_sdk_sesv2::Client::new(&aws.moto.sdk_config_at(&closed).await),
        None,
    );
    let app = aws.app_with(Arc::new(broken));
    assert_see_other(&submit(&app, &form("dev@example.org", &[])).await);
    let pending = aws.store.pending_mail(100).await.unwrap();
    assert_eq!(pending.len(), 1);
    assert!(aws.sent().is_empty());

    // Too early: the retry time has not come, nothing is sent.
    let report = outbox::drain(aws.store.as_ref(), aws.mailer.as_ref(), Timestamp::now()).await;
    assert_eq!(report.sent, 0, "{report:?}");
    let later = Timestamp::now() + SignedDuration::from_mins(10);
    let report = outbox::drain(aws.store.as_ref(), aws.mailer.as_ref(), later).await;
    assert_eq!(report.sent, 1, "{report:?}");
    let report = outbox::drain(aws.store.as_ref(), aws.mailer.as_ref(), later).await;
    assert_eq!(report.sent, 0, "{report:?}");
    assert_eq!(aws.sent().len(), 1);
    for id in pending {
        let mail = aws.store.mail(&id).await.unwrap().unwrap();
        assert_eq!(mail.attempts, 2);
        assert!(mail.sent_at.is_some());
        assert!(mail.claim.is_none() && mail.lease_until.is_none());
    }
}

/// A store whose table does not exist fails plainly: the form says nothing was saved (503).
#[tokio::test]
async fn a_missing_table_is_a_503_not_a_false_success() {
    let aws = Aws::start("no-table", true).await;
    let store = Arc::new(DynamoStore::new(aws.ddb.clone(), "no-such-table"));
    let app = App::new(
        store,
        aws.mailer.clone(),
        Arc::new(Arc::new(registry())),
        Config {
            mail_from: MAIL_FROM.into(),
            signing_key: "s".into(),
            ip_hash_key: "k".into(),
            after_submit: AfterSubmit::SendNew,
            site_url: None,
        },
    );
    let response = submit(&app, &form("dev@example.org", &[])).await;
    assert_eq!(response.status(), 503);
    assert!(aws.sent().is_empty());
}
