//! Issue 11's public record in a real browser, JavaScript on and off, on `site-gen serve` with the
//! example site: an award recorded in the outcomes file shows on the opportunity page; when the
//! outcomes file is replaced while serve runs (as the award function does after recording the
//! acceptance and the payment), serve rebuilds and the page, the board, a feed item and the OCDS
//! package show them. With JavaScript on, the page also passes axe-core and the Nu HTML Checker.

use cwu_domain::Reward;
use cwu_domain::outcome::{Accepted, Awarded, Outcome, Outcomes, Paid};
use end_to_end::checks::{assert_none, axe, vnu};
use end_to_end::harness::browser::{Browser, Js};
use end_to_end::harness::journey::reload_until_text;
use end_to_end::harness::server::Server;
use end_to_end::harness::site::Site;
use end_to_end::harness::{http, target_dir};
use fantoccini::Locator;
use std::path::Path;

/// Under evaluation at the tests' clock (its deadline was November 6, 2026).
const SLUG: &str = "school-enrolment-pipeline";
const DELIVERED: &str = "https://github.com/bcgov-example/enrolment/releases/tag/v1.0.0";

fn moment(text: &str) -> jiff::Timestamp {
    cwu_domain::when::parse_moment(text).unwrap()
}

/// The award, then (when `done`) the acceptance and the payment.
fn outcomes(done: bool) -> Outcomes {
    let mut outcomes = Outcomes::new();
    outcomes.opportunities.insert(
        SLUG.into(),
        Outcome {
            awarded: Awarded {
                proponent: "Ada Lovelace".into(),
                organization: Some("Engines & Co".into()),
                date: moment("2026-11-13T10:00"),
                amount: Reward::new(35_000).unwrap(),
            },
            accepted: done.then(|| Accepted {
                date: moment("2026-11-20T11:00"),
                links: vec![DELIVERED.into()],
            }),
            paid: done.then(|| Paid {
                date: moment("2026-11-23T09:30"),
                amount: Reward::new(35_000).unwrap(),
            }),
        },
    );
    outcomes
}

/// Replaces the outcomes file whole, by a rename, as the award function does.
fn record(root: &Path, outcomes: &Outcomes) {
    let local = root.join(".local");
    std::fs::create_dir_all(&local).unwrap();
    let next = local.join("outcomes.json.next");
    std::fs::write(&next, outcomes.to_json()).unwrap();
    std::fs::rename(next, local.join("outcomes.json")).unwrap();
}

async fn public_record(js: Js) -> anyhow::Result<()> {
    let site = Site::copy_of_repo();
    record(site.root(), &outcomes(false));
    let server = Server::start(site)?;
    let browser = Browser::start(js).await?;
    let page = server.url(&format!("/opportunities/{SLUG}/"));

    let text = reload_until_text(&browser, &page, "Awarded to Ada Lovelace (Engines & Co)").await?;
    assert!(text.contains("November 13, 2026"), "{text}");
    assert!(text.contains("$35,000"), "{text}");
    assert!(!text.contains("Paid on"), "{text}");
    let forms = browser
        .client()
        .find_all(Locator::Css("form.proposal-form"))
        .await?;
    assert!(forms.is_empty(), "no proposal form once awarded");

    // The acceptance and the payment are recorded while serve runs.
    record(server.site().root(), &outcomes(true));
    let text = reload_until_text(&browser, &page, "Paid on").await?;
    for fact in [
        "Accepted on",
        "November 20, 2026",
        "November 23, 2026",
        DELIVERED,
    ] {
        assert!(text.contains(fact), "{fact} in {text}");
    }
    let link = browser
        .client()
        .find(Locator::Css(&format!("a[href=\"{DELIVERED}\"]")))
        .await?;
    assert_eq!(link.attr("rel").await?.as_deref(), Some("nofollow"));
    let badge = browser
        .client()
        .find(Locator::Css(".opportunity-header .badge"))
        .await?;
    assert_eq!(badge.text().await?, "Paid");

    // The board, a feed item and the open contracting data say the same.
    browser.goto(&server.url("/opportunities/")).await?;
    let board = browser.page_text().await?;
    assert!(board.contains("Ada Lovelace (Engines & Co)"), "{board}");
    let feed = http::get(server.port(), "/feeds/opportunities.xml")?;
    assert!(
        feed.body
            .contains(&format!("/opportunities/{SLUG}/#record_paid</guid>")),
        "{}",
        feed.body
    );
    let ocds = http::get(server.port(), &format!("/opportunities/{SLUG}/ocds.json"))?;
    assert_eq!(ocds.status, 200);
    assert!(
        ocds.body.contains(&format!("-{SLUG}-paid\"")),
        "{}",
        ocds.body
    );
    assert!(ocds.body.contains(DELIVERED));

    let mut problems = Vec::new();
    if js == Js::Enabled {
        browser.goto(&page).await?;
        problems.extend(axe::violations(&browser, "opportunity with its public record").await?);
        let saved = target_dir().join("e2e/record");
        std::fs::create_dir_all(&saved)?;
        let html = http::get(server.port(), &format!("/opportunities/{SLUG}/"))?;
        let file = saved.join("paid.html");
        std::fs::write(&file, &html.body)?;
        problems.extend(vnu::errors(&[&file])?);
    }
    browser.quit().await?;
    assert_none("public record: axe and Nu HTML Checker", &problems);
    Ok(())
}

#[tokio::test]
async fn the_public_record_shows_and_follows_the_outcomes_file_with_javascript()
-> anyhow::Result<()> {
    public_record(Js::Enabled).await
}

#[tokio::test]
async fn the_public_record_shows_and_follows_the_outcomes_file_without_javascript()
-> anyhow::Result<()> {
    public_record(Js::Disabled).await
}
