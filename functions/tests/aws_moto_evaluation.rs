//! Issues 10 and 11's "Done when" journey on DynamoDB, SES and S3 in moto, through the real SDK:
//! four proponents submit (one updates from the manage link in the receipt SES carried, one
//! withdraws); nothing reaches the owner before the deadline; after it one invitation goes
//! out through SES however often the sweep runs; its link signs the owner in; two proposals are
//! scored, ranked and exported as CSV, one is disqualified; the award to the top proposal sends
//! each proponent their result through SES once and publishes the outcomes object in S3 (the
//! sweep writes it when the award's own write failed); acceptance and payment follow.

#![cfg(feature = "aws")]

// The shared harness: this file reads no streams or logs.
#[allow(dead_code)]
#[path = "aws_moto/moto.rs"]
mod moto;

use bytes::Bytes;
use functions::App;
use functions::app::Clock;
use functions::award::outcomes::OutcomesFile;
use functions::aws::{DynamoStore, S3Outcomes, SesMailer};
use functions::testing::{
    MAIL_FROM, OPEN, OWNER_EMAIL, after_deadline, csrf_of, encode, get, link_in_raw, named_fields,
    now, post, post_to, registry, text, text_of_raw,
};
use functions::{AfterSubmit, Config};
use http::{StatusCode, header};
use jiff::Timestamp;
use moto::{Moto, SentRaw};
use std::sync::Arc;

/// The handlers on DynamoDB and SES, with the clock fixed at `at`.
fn app(store: &Arc<DynamoStore>, mailer: &Arc<SesMailer>, at: Timestamp) -> App {
    let clock: Clock = Arc::new(move || at);
    App::new(
        store.clone(),
        mailer.clone(),
        Arc::new(Arc::new(registry())),
        Config {
            mail_from: MAIL_FROM.into(),
            signing_key: "moto secret".into(),
            ip_hash_key: "moto ip key".into(),
            after_submit: AfterSubmit::SendNew,
            site_url: Some("http://127.0.0.1:8080".into()),
        },
    )
    .with_clock(clock)
}

/// The messages SES sent to `to` whose subject starts with `subject`, as (subject, text).
fn mails_to(moto: &Moto, to: &str, subject: &str) -> Vec<(String, String)> {
    sent_to(moto, to)
        .into_iter()
        .filter_map(|m| {
            let parsed = mail_parser::MessageParser::default().parse(m.raw.as_bytes())?;
            let title = parsed.subject()?.to_owned();
            title
                .starts_with(subject)
                .then(|| (title, text_of_raw(&m.raw)))
        })
        .collect()
}

/// The messages SES sent to `to`.
fn sent_to(moto: &Moto, to: &str) -> Vec<SentRaw> {
    moto.sent_raw()
        .into_iter()
        .filter(|m| m.destinations.iter().any(|d| d.contains(to)))
        .collect()
}

fn status(response: &http::Response<Bytes>, expected: StatusCode) {
    assert_eq!(response.status(), expected, "{}", text(response));
}

/// A bucket name no other test uses (S3's rules: lower case, at most 63 characters).
fn unique_bucket() -> String {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("outcomes-{}-{n}", std::process::id())
}

/// An S3 client on moto: path-style addresses, since `<bucket>.127.0.0.1` resolves nowhere.
fn s3_client(sdk: &aws_config::SdkConfig) -> aws_sdk_s3::Client {
    let config = aws_sdk_s3::config::Builder::from(sdk)
        .force_path_style(true)
        .build();
    aws_sdk_s3::Client::from_conf(config)
}

const ADA: &str = "ada@example.com";
const BEA: &str = "bea@example.com";
const CYD: &str = "cyd@example.com";
const DAN: &str = "dan@example.com";
const REASON: &str = "No plan for the acceptance criteria.";

#[tokio::test]
async fn sealed_proposals_to_award_and_payment_on_dynamodb_ses_and_s3() {
    let moto::Started {
        moto,
        ddb,
        ses,
        table,
    } = moto::start("evaluation", Some("noreply@cwu.example.ca")).await;
    let sdk = moto.sdk_config().await;
    let store = Arc::new(DynamoStore::new(ddb, &table));
    let mailer = Arc::new(SesMailer::new(ses, None));

    let open = app(&store, &mailer, now());
    for (email, name) in [
        (ADA, "Ada Byron"),
        (BEA, "Bea Chen"),
        (CYD, "Cyd Diaz"),
        (DAN, "Dan Evans"),
    ] {
        let form = named_fields(email, name, "", &format!("{name}'s plan."));
        status(
            &open.handle(post(encode(&form))).await,
            StatusCode::SEE_OTHER,
        );
    }
    let manage = |email: &str| {
        let receipt = sent_to(&moto, email).pop().expect("a receipt through SES");
        link_in_raw(&receipt.raw, cwu_domain::urls::MANAGE)
    };
    let update = post_to(
        &manage(BEA),
        &named_fields(BEA, "Bea Chen", "", "Bea's better plan."),
        None,
    );
    status(&open.handle(update).await, StatusCode::SEE_OTHER);
    let withdraw = post_to(&manage(CYD), &[("withdraw", "yes".into())], None);
    status(&open.handle(withdraw).await, StatusCode::SEE_OTHER);
    assert!(sent_to(&moto, OWNER_EMAIL).is_empty(), "sealed");
    assert_eq!(
        open.sweep().await.invited.len(),
        0,
        "nothing before the deadline"
    );

    let after = app(&store, &mailer, after_deadline());
    assert_eq!(after.sweep().await.invited, [OPEN]);
    for _ in 0..2 {
        assert!(after.sweep().await.invited.is_empty());
    }
    let invitations = sent_to(&moto, OWNER_EMAIL);
    assert_eq!(invitations.len(), 1, "one invitation");
    let invitation = &invitations[0].raw;
    let body = functions::testing::text_of_raw(invitation);
    assert!(body.contains("3 proposals were received"), "{body}");
    assert!(
        !body.contains("plan."),
        "no proposal text in the invitation"
    );

    let landing = link_in_raw(invitation, cwu_domain::urls::OWNER_SESSION);
    assert!(
        body.contains(&format!("http://127.0.0.1:8080{landing}")),
        "the link leads to the server that sent it"
    );
    status(&after.handle(get(&landing, None)).await, StatusCode::OK);
    let token = landing.split_once("?t=").expect("a token").1.to_owned();
    let session = after
        .handle(post_to(
            cwu_domain::urls::OWNER_SESSION,
            &[("t", token)],
            None,
        ))
        .await;
    status(&session, StatusCode::SEE_OTHER);
    let cookie = session.headers()[header::SET_COOKIE]
        .to_str()
        .expect("ascii")
        .split(';')
        .next()
        .expect("name=value")
        .to_owned();

    let page_url = cwu_domain::urls::evaluation(OPEN);
    let page = text(&after.handle(get(&page_url, Some(&cookie))).await);
    assert!(
        page.contains("better plan.") && !page.contains("Cyd"),
        "withdrawn: not evaluated"
    );
    let csrf = csrf_of(&page);
    let (evaluated, withdrawn) = functions::evaluate::evaluated(store.as_ref(), OPEN)
        .await
        .expect("the proposals");
    assert_eq!((evaluated.len(), withdrawn), (3, 1));
    let reference = |email: &str| {
        evaluated
            .iter()
            .find(|p| p.fields.email == email)
            .expect("evaluated")
            .reference()
            .to_owned()
    };
    let post_page = |address: &str, pairs: &[(&str, &str)]| {
        let mut all = vec![("csrf", csrf.clone())];
        all.extend(pairs.iter().map(|(k, v)| (*k, (*v).to_owned())));
        post_to(address, &all, Some(&cookie))
    };
    for (email, approach, experience) in [(ADA, "50", "30"), (BEA, "40", "20.5")] {
        let scored = post_page(
            &page_url,
            &[
                ("proposal", &reference(email)),
                ("action", "score"),
                ("score-0", approach),
                ("score-1", experience),
                ("note", ""),
            ],
        );
        status(&after.handle(scored).await, StatusCode::SEE_OTHER);
    }
    let disqualified = post_page(
        &page_url,
        &[
            ("proposal", &reference(DAN)),
            ("action", "disqualify"),
            ("reason", REASON),
        ],
    );
    status(&after.handle(disqualified).await, StatusCode::SEE_OTHER);
    let page = text(&after.handle(get(&page_url, Some(&cookie))).await);
    assert!(page.contains("<td>80.00</td><td>1</td>"), "{page}");
    assert!(page.contains("<td>60.50</td><td>2</td>"), "{page}");
    let csv = after
        .handle(get(&cwu_domain::urls::evaluation_csv(OPEN), Some(&cookie)))
        .await;
    status(&csv, StatusCode::OK);
    let csv = text(&csv);
    assert_eq!(csv.lines().count(), 4, "{csv}");
    assert!(
        csv.contains(r#""80.00","1""#) && csv.contains(r#""60.50","2""#) && csv.contains(REASON),
        "{csv}"
    );

    // The award, while the outcomes bucket does not exist yet: the award stands, its mails go.
    let s3 = s3_client(&sdk);
    let bucket = unique_bucket();
    let outcomes = Arc::new(S3Outcomes::new(s3.clone(), &bucket));
    let awarding = app(&store, &mailer, after_deadline()).with_outcomes(outcomes.clone());
    let outcome_url = cwu_domain::urls::evaluation_outcome(OPEN);
    let award = [
        ("action", "award"),
        ("proposal", &reference(ADA)),
        ("confirm", "yes"),
    ];
    status(
        &awarding.handle(post_page(&outcome_url, &award)).await,
        StatusCode::SEE_OTHER,
    );
    let results = |email: &str| {
        let mut found = mails_to(&moto, email, "Result: ");
        found.extend(mails_to(&moto, email, "Awarded to you: "));
        found
    };
    let one = |email: &str| {
        let mut found = results(email);
        assert_eq!(found.len(), 1, "one result mail to {email}: {found:#?}");
        found.pop().expect("one").1
    };
    let winner = one(ADA);
    for expected in ["awarded to you", "$25,000", "contract"] {
        assert!(winner.contains(expected), "{expected}: {winner}");
    }
    let second = one(BEA);
    for expected in [
        "not selected",
        "Your total: 60.50 of 100",
        "Your rank: 2 of 2",
        "Winning total: 80.00 of 100",
        "Awarded to: Ada Byron",
    ] {
        assert!(second.contains(expected), "{expected}: {second}");
    }
    let out = one(DAN);
    assert!(
        out.contains("disqualified") && out.contains(REASON),
        "{out}"
    );
    assert!(results(CYD).is_empty(), "the withdrawn proposal: no result");
    assert!(
        !second.contains("Dan") && !second.contains(REASON) && !out.contains("60.50"),
        "nobody sees another proponent's score, reason or name (the winner's aside)"
    );
    for mail in [&winner, &second, &out] {
        assert!(!mail.contains("plan."), "no proposal text: {mail}");
    }

    // The sweep writes the object once the bucket exists; the build reads it as written.
    s3.create_bucket()
        .bucket(&bucket)
        .create_bucket_configuration(
            aws_sdk_s3::types::CreateBucketConfiguration::builder()
                .location_constraint(aws_sdk_s3::types::BucketLocationConstraint::CaCentral1)
                .build(),
        )
        .send()
        .await
        .expect("create the bucket");
    assert_eq!(outcomes.read().await.expect("read"), None, "nothing yet");
    let report = awarding.sweep().await;
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let written = outcomes.read().await.expect("read").expect("written");
    let object = s3
        .get_object()
        .bucket(&bucket)
        .key(cwu_domain::outcome::OUTCOMES_FILE)
        .send()
        .await
        .expect("the object");
    assert_eq!(object.content_type(), Some("application/json"));
    let published = cwu_domain::outcome::Outcomes::from_json(&written).expect("the build reads it");
    let derived = functions::award::outcomes::derive(store.as_ref(), &registry(), after_deadline())
        .await
        .expect("derived");
    assert_eq!(published, derived);
    assert_eq!(written, derived.to_json(), "byte for byte");
    let awarded = &published.opportunities[OPEN].awarded;
    assert_eq!(awarded.proponent, "Ada Byron");
    assert_eq!(awarded.amount.dollars(), 25_000);
    assert_eq!(awarded.date, after_deadline());
    for private in ["@", "80.00", "plan", "Bea", "Dan"] {
        assert!(!written.contains(private), "{private} in {written}");
    }

    // Acceptance and payment: each written to the object at once and mailed to the winner once.
    let later = after_deadline() + jiff::SignedDuration::from_hours(2);
    let recording = app(&store, &mailer, later).with_outcomes(outcomes.clone());
    let pr = "https://github.com/bcgov-example/permit-status/pull/7";
    for step in [
        [
            ("action", "accept"),
            ("date", "2027-03-12"),
            ("links", pr),
            ("confirm", "yes"),
        ],
        [
            ("action", "pay"),
            ("date", "2027-03-12"),
            ("amount", "$25,000"),
            ("confirm", "yes"),
        ],
    ] {
        status(
            &recording.handle(post_page(&outcome_url, &step)).await,
            StatusCode::SEE_OTHER,
        );
    }
    let published = outcomes.read().await.expect("read").expect("written");
    let outcome = &cwu_domain::outcome::Outcomes::from_json(&published)
        .expect("valid")
        .opportunities[OPEN];
    assert_eq!(outcome.accepted.as_ref().expect("accepted").links, [pr]);
    assert_eq!(
        outcome.paid.as_ref().expect("paid").amount.dollars(),
        25_000
    );
    let accepted = mails_to(&moto, ADA, "Work accepted: ");
    let paid = mails_to(&moto, ADA, "Payment made: ");
    assert_eq!((accepted.len(), paid.len()), (1, 1));
    assert!(accepted[0].1.contains(pr) && paid[0].1.contains("payment of $25,000"));
    for email in [BEA, CYD, DAN] {
        assert!(mails_to(&moto, email, "Work accepted").is_empty());
        assert!(mails_to(&moto, email, "Payment made").is_empty());
    }
}
