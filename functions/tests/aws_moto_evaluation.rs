//! Issue 10's "Done when" journey on DynamoDB and SES in moto, through the real SDK: three
//! proponents submit (one updates from the manage link in the receipt SES carried, one
//! withdraws); nothing reaches the owner before the deadline; after it one invitation goes
//! out through SES however often the sweep runs; its link signs the owner in; both remaining
//! proposals are scored, ranked and exported as CSV.

#![cfg(feature = "aws")]

// The shared harness: this file reads no streams or logs.
#[allow(dead_code)]
#[path = "aws_moto/moto.rs"]
mod moto;

use bytes::Bytes;
use functions::App;
use functions::app::Clock;
use functions::aws::{DynamoStore, SesMailer};
use functions::testing::{
    MAIL_FROM, OPEN, OWNER_EMAIL, after_deadline, csrf_of, encode, fields, get, link_in_raw, now,
    post, post_to, registry, text,
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

#[tokio::test]
async fn sealed_proposals_to_a_ranked_export_on_dynamodb_and_ses() {
    let moto::Started {
        moto,
        ddb,
        ses,
        table,
    } = moto::start("evaluation", Some("noreply@cwu.example.ca")).await;
    let store = Arc::new(DynamoStore::new(ddb, &table));
    let mailer = Arc::new(SesMailer::new(ses, None));

    let open = app(&store, &mailer, now());
    for (email, plan) in [
        ("ada@example.com", "Ada's plan."),
        ("bea@example.com", "Bea's plan."),
        ("cyd@example.com", "Cyd's plan."),
    ] {
        status(
            &open.handle(post(encode(&fields(email, plan)))).await,
            StatusCode::SEE_OTHER,
        );
    }
    let manage = |email: &str| {
        let receipt = sent_to(&moto, email).pop().expect("a receipt through SES");
        link_in_raw(&receipt.raw, cwu_domain::urls::MANAGE)
    };
    let update = post_to(
        &manage("bea@example.com"),
        &fields("bea@example.com", "Bea's better plan."),
        None,
    );
    status(&open.handle(update).await, StatusCode::SEE_OTHER);
    let withdraw = post_to(
        &manage("cyd@example.com"),
        &[("withdraw", "yes".into())],
        None,
    );
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
    assert!(body.contains("2 proposals were received"), "{body}");
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
    assert_eq!((evaluated.len(), withdrawn), (2, 1));
    for (proposal, (approach, experience)) in evaluated.iter().zip([("50", "30"), ("40", "20.5")]) {
        let pairs = [
            ("csrf", csrf.clone()),
            ("proposal", proposal.reference().to_owned()),
            ("action", "score".to_owned()),
            ("score-0", approach.to_owned()),
            ("score-1", experience.to_owned()),
            ("note", String::new()),
        ];
        let saved = after
            .handle(post_to(&page_url, &pairs, Some(&cookie)))
            .await;
        status(&saved, StatusCode::SEE_OTHER);
    }
    let page = text(&after.handle(get(&page_url, Some(&cookie))).await);
    assert!(page.contains("<td>80.00</td><td>1</td>"), "{page}");
    assert!(page.contains("<td>60.50</td><td>2</td>"), "{page}");
    let csv = after
        .handle(get(&cwu_domain::urls::evaluation_csv(OPEN), Some(&cookie)))
        .await;
    status(&csv, StatusCode::OK);
    let csv = text(&csv);
    assert_eq!(csv.lines().count(), 3, "{csv}");
    assert!(
        csv.contains(r#""80.00","1""#) && csv.contains(r#""60.50","2""#),
        "{csv}"
    );
}
