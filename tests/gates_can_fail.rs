//! Every gate is shown to fail: each runs on a small broken fixture in `tests/fixtures/` and
//! must report the problem, and on a clean fixture it must report nothing (so a pass on the real
//! site means something).

use end_to_end::checks::{axe, feed, ical, lychee, vnu};
use end_to_end::harness::browser::{Browser, Js};
use end_to_end::harness::fixture;

#[tokio::test]
async fn axe_reports_a_missing_label_and_passes_a_clean_page() -> anyhow::Result<()> {
    let browser = Browser::start(Js::Enabled).await?;
    let broken = fixture("missing-label.html");
    browser
        .goto(&format!("file://{}", broken.display()))
        .await?;
    let found = axe::violations(&browser, "missing-label.html").await?;
    assert!(
        found.iter().any(|v| v.contains("label")),
        "axe did not report the unlabelled input: {found:#?}"
    );

    let clean = fixture("good-site/index.html");
    browser.goto(&format!("file://{}", clean.display())).await?;
    let found = axe::violations(&browser, "good-site/index.html").await?;
    assert!(
        found.is_empty(),
        "axe reported problems on the clean fixture: {found:#?}"
    );
    browser.quit().await
}

#[test]
fn vnu_reports_an_invalid_element_and_passes_a_clean_page() -> anyhow::Result<()> {
    let found = vnu::errors(&[&fixture("invalid-html")])?;
    assert!(
        found.iter().any(|e| e.contains("blink")),
        "vnu did not report <blink>: {found:#?}"
    );
    let found = vnu::errors(&[&fixture("good-site")])?;
    assert!(
        found.is_empty(),
        "vnu reported errors on the clean fixture: {found:#?}"
    );
    Ok(())
}

#[test]
fn lychee_reports_a_dead_link_and_a_missing_fragment() -> anyhow::Result<()> {
    let found = lychee::broken_links(&fixture("broken-links"))?;
    let report = found.join("\n");
    assert!(
        report.contains("no-such-page"),
        "dead link not reported:\n{report}"
    );
    assert!(
        report.contains("no-such-heading"),
        "dead fragment not reported:\n{report}"
    );
    let found = lychee::broken_links(&fixture("good-site"))?;
    assert!(
        found.is_empty(),
        "lychee reported the clean fixture:\n{}",
        found.join("\n")
    );
    Ok(())
}

#[test]
fn feed_check_reports_a_date_that_is_not_rfc_822() -> anyhow::Result<()> {
    let xml = std::fs::read_to_string(fixture("bad-pubdate.xml"))?;
    let (problems, items) = feed::check_rss("bad-pubdate.xml", &xml);
    assert_eq!(items.len(), 1);
    assert!(
        problems
            .iter()
            .any(|p| p.contains("pubDate") && p.contains("RFC 822")),
        "bad pubDate not reported: {problems:#?}"
    );
    assert_eq!(problems.len(), 1, "only the date is wrong: {problems:#?}");
    Ok(())
}

#[test]
fn feed_check_reports_xml_that_does_not_parse() {
    let (problems, _) = feed::check_rss("truncated.xml", "<rss version=\"2.0\"><channel>");
    assert!(
        problems.iter().any(|p| p.contains("well-formed")),
        "{problems:#?}"
    );
}

#[test]
fn calendar_check_reports_a_bad_deadline_and_a_missing_time_zone() -> anyhow::Result<()> {
    let text = std::fs::read_to_string(fixture("bad-calendar.ics"))?;
    let (problems, calendar) = ical::check_calendar("bad-calendar.ics", &text);
    assert_eq!(calendar.events.len(), 1);
    assert!(
        problems
            .iter()
            .any(|p| p.contains("DTSTART") && p.contains("DATE-TIME")),
        "malformed DTSTART not reported: {problems:#?}"
    );
    assert!(
        problems.iter().any(|p| p.contains("VTIMEZONE")),
        "missing VTIMEZONE not reported: {problems:#?}"
    );
    Ok(())
}
