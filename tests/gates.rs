//! The quality gates over the whole generated site and the function's response pages:
//! HTML validity (Nu HTML Checker), links (lychee), feeds (RSS 2.0), the deadline calendar,
//! private data, accessibility (axe-core in Chromium) and screenshots at two widths.
//!
//! The static gates share one build of the example site under `target/e2e/gates-site/` (kept
//! after the run for inspection); the browser gates start their own `site-gen serve`.

use end_to_end::checks::{assert_none, axe, feed, ical, lychee, vnu};
use end_to_end::harness::browser::{Browser, Js};
use end_to_end::harness::journey;
use end_to_end::harness::pages::{owner_emails, page_types};
use end_to_end::harness::server::Server;
use end_to_end::harness::site::Site;
use end_to_end::harness::{artifact_dir, http, repo_root};
use std::collections::BTreeSet;
use std::sync::OnceLock;

/// The example site built once for the static gates of this binary.
fn built_site() -> &'static Site {
    static SITE: OnceLock<Site> = OnceLock::new();
    SITE.get_or_init(|| {
        let site = Site::copy_into(&artifact_dir("e2e").join("gates-site"));
        site.build();
        site
    })
}

#[test]
fn every_generated_html_file_is_valid_html() -> anyhow::Result<()> {
    let site = built_site();
    let pages = site.public_files(".html");
    assert!(
        pages.len() > 10,
        "expected a whole site, found {} HTML files",
        pages.len()
    );
    assert_none(
        "Nu HTML Checker errors in public/",
        &vnu::errors(&[&site.public()])?,
    );
    Ok(())
}

#[test]
fn every_internal_link_and_fragment_resolves() -> anyhow::Result<()> {
    assert_none(
        "lychee: broken links in public/",
        &lychee::broken_links(&built_site().public())?,
    );
    Ok(())
}

#[test]
fn every_feed_is_valid_rss_with_an_item_per_published_opportunity() -> anyhow::Result<()> {
    let site = built_site();
    let feeds = site.public_files(".xml");
    let feeds: Vec<_> = feeds
        .into_iter()
        .filter(|path| path.starts_with(site.public().join("feeds")))
        .collect();
    assert!(
        feeds
            .iter()
            .any(|path| path.ends_with("feeds/opportunities.xml")),
        "no feeds/opportunities.xml in {feeds:?}"
    );
    assert!(
        feeds
            .iter()
            .any(|path| path.starts_with(site.public().join("feeds/skills"))),
        "no per-skill feeds under feeds/skills/"
    );
    let mut problems = Vec::new();
    for path in &feeds {
        let name = path.strip_prefix(site.public())?.display().to_string();
        let (found, items) = feed::check_rss(&name, &std::fs::read_to_string(path)?);
        problems.extend(found);
        if name == "feeds/opportunities.xml" {
            let linked: BTreeSet<String> = items.iter().map(|item| item.link.clone()).collect();
            for (slug, _) in site.opportunity_pages() {
                if !linked
                    .iter()
                    .any(|link| link.contains(&format!("/opportunities/{slug}/")))
                {
                    problems.push(format!("{name}: no item links to opportunity {slug}"));
                }
            }
        }
        for item in &items {
            // Every item must lead to a page that exists in this build.
            let path = item
                .link
                .split_once("://")
                .and_then(|(_, rest)| rest.find('/').map(|at| &rest[at..]))
                .unwrap_or("");
            let path = path.split('#').next().unwrap_or("");
            let file = site
                .public()
                .join(path.trim_start_matches('/'))
                .join("index.html");
            if !file.is_file() {
                problems.push(format!(
                    "{name}: item {:?} links to {} which was not generated",
                    item.title, item.link
                ));
            }
        }
    }
    assert_none("RSS feeds", &problems);
    Ok(())
}

#[test]
fn calendar_parses_and_every_deadline_matches_its_page() -> anyhow::Result<()> {
    let site = built_site();
    let text = std::fs::read_to_string(site.public().join("opportunities.ics"))?;
    let (mut problems, calendar) = ical::check_calendar("opportunities.ics", &text);
    let (open, _closed) = site.open_and_closed();
    let mut seen = BTreeSet::new();
    for event in &calendar.events {
        let url = event.text("URL");
        let Some(slug) = url
            .split("/opportunities/")
            .nth(1)
            .map(|rest| rest.trim_end_matches('/').to_string())
        else {
            problems.push(format!(
                "event {:?} has no URL of an opportunity page",
                event.text("SUMMARY")
            ));
            continue;
        };
        seen.insert(slug.clone());
        let start = match event.get("DTSTART") {
            Some(p) if p.param("TZID") == Some("America/Vancouver") => event.start()?,
            _ => {
                problems.push(format!(
                    "{slug}: DTSTART is not given with TZID=America/Vancouver"
                ));
                continue;
            }
        };
        let page = site
            .public()
            .join(format!("opportunities/{slug}/index.html"));
        let Ok(html) = std::fs::read_to_string(&page) else {
            problems.push(format!(
                "{slug}: the event's page {} was not generated",
                page.display()
            ));
            continue;
        };
        let shown = journey::time_datetimes(&html);
        if !shown.contains(&start.timestamp()) {
            problems.push(format!(
                "{slug}: the calendar's deadline {start} is not a <time datetime> on the page (page shows {shown:?})"
            ));
        }
    }
    let expected: BTreeSet<String> = open.into_iter().collect();
    if seen != expected {
        problems.push(format!(
            "calendar events are for {seen:?}, but the open opportunities are {expected:?}"
        ));
    }
    assert_none("opportunities.ics", &problems);
    Ok(())
}

#[test]
fn no_product_owner_email_appears_in_public() -> anyhow::Result<()> {
    let site = built_site();
    let emails = owner_emails();
    assert!(
        !emails.is_empty(),
        "found no product_owner emails in content/"
    );
    let mut problems = Vec::new();
    for file in site.public_files("") {
        let text = String::from_utf8_lossy(&std::fs::read(&file)?).to_lowercase();
        for email in &emails {
            if text.contains(email.as_str()) {
                problems.push(format!("{} contains {email}", file.display()));
            }
        }
    }
    assert_none("private data in public/", &problems);
    Ok(())
}

/// axe-core on every page type and on the function's receipt, error and closed pages, with
/// screenshots of each at 1280 px and 375 px; the board's goes into the README.
#[tokio::test]
async fn every_page_type_passes_axe_and_is_screenshotted() -> anyhow::Result<()> {
    let server = Server::start(Site::copy_of_repo())?;
    let browser = Browser::start(Js::Enabled).await?;
    let mut problems = Vec::new();
    for page in page_types(server.site()) {
        browser.goto(&server.url(&page.path)).await?;
        problems.extend(axe::violations(&browser, &page.path).await?);
        browser.screenshots(&page.name).await?;
    }
    // The board with filters applied (the script shows the filter form).
    browser.goto(&server.url("/opportunities/")).await?;
    journey::filter_board(&browser, "rust", true).await?;
    problems.extend(axe::violations(&browser, "/opportunities/ (filtered)").await?);

    let (open, closed) = server.site().open_and_closed();
    let open = open.first().expect("an open opportunity");
    let closed = closed.first().expect("a closed opportunity");
    for (name, outcome) in [
        ("response-422-error", journey::Outcome::Mistakes),
        (
            "response-410-closed",
            journey::Outcome::Closed(closed.clone()),
        ),
        ("response-receipt", journey::Outcome::Accepted),
    ] {
        browser
            .goto(&server.url(&format!("/opportunities/{open}/")))
            .await?;
        journey::submit_in_browser(&browser, &outcome, &format!("{name}@example.com")).await?;
        problems.extend(axe::violations(&browser, name).await?);
        browser.screenshots(name).await?;
    }
    let board = artifact_dir("screenshots").join("board-1280.png");
    if std::env::var_os("E2E_SITE_SOURCE").is_none() {
        // Only the real example site goes into the README.
        std::fs::copy(&board, repo_root().join("tests/screenshots/board.png"))?;
    }
    browser.quit().await?;
    assert_none("axe-core violations", &problems);
    Ok(())
}

/// The function's response pages, saved byte for byte, are valid HTML too.
#[test]
fn function_response_pages_are_valid_html() -> anyhow::Result<()> {
    let server = Server::start(Site::copy_of_repo())?;
    let (open, closed) = server.site().open_and_closed();
    let open = open.first().expect("an open opportunity");
    let closed = closed.first().expect("a closed opportunity");
    let dir = artifact_dir("e2e").join("response-pages");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;

    let port = server.port();
    let valid = journey::valid_fields(open, "vnu@example.com");
    let fields: Vec<(&str, &str)> = valid.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let accepted = http::post_form(port, "/api/proposals", &fields)?;
    assert_eq!(
        accepted.status, 303,
        "a valid proposal must get 303; body:\n{}",
        accepted.body
    );
    let location = accepted
        .header("location")
        .expect("303 has a Location")
        .to_string();
    let location = location
        .split_once("://")
        .and_then(|(_, rest)| rest.find('/').map(|at| rest[at..].to_string()))
        .unwrap_or(location);
    let receipt = http::get(port, &location)?;
    assert_eq!(receipt.status, 200, "receipt page {location}");
    std::fs::write(dir.join("receipt.html"), &receipt.body)?;

    let mistakes: Vec<(&str, &str)> = fields
        .iter()
        .map(|&(k, v)| {
            if k == "email" {
                (k, "not-an-email")
            } else {
                (k, v)
            }
        })
        .collect();
    let error = http::post_form(port, "/api/proposals", &mistakes)?;
    assert_eq!(
        error.status, 422,
        "a proposal with a bad email must get 422"
    );
    std::fs::write(dir.join("error-422.html"), &error.body)?;

    let late: Vec<(&str, &str)> = fields
        .iter()
        .map(|&(k, v)| {
            if k == "opportunity" {
                (k, closed.as_str())
            } else {
                (k, v)
            }
        })
        .collect();
    let gone = http::post_form(port, "/api/proposals", &late)?;
    assert_eq!(
        gone.status, 410,
        "a proposal for closed {closed} must get 410"
    );
    std::fs::write(dir.join("closed-410.html"), &gone.body)?;

    assert_none(
        "Nu HTML Checker errors in response pages",
        &vnu::errors(&[&dir])?,
    );
    Ok(())
}

/// A board too long for one page (the example site with 110 more open opportunities): its pages
/// and a skill's second page, with the pager, pass vnu and axe, and every link and "jump to a
/// status" fragment resolves.
#[tokio::test]
async fn a_board_of_several_pages_passes_the_gates() -> anyhow::Result<()> {
    let site = Site::copy_of_repo();
    let folder = site.root().join("content/opportunities");
    let original = std::fs::read_to_string(folder.join("permit-status-api.md"))?;
    for n in 1..=110 {
        let copy = original.replace("title: \"", &format!("title: \"Copy {n}: "));
        std::fs::write(folder.join(format!("permit-status-api-{n}.md")), copy)?;
    }
    site.build();
    let public = site.public();
    let pages = [
        "opportunities/index.html",
        "opportunities/page/2/index.html",
        "opportunities/skills/rust/page/2/index.html",
    ];
    for page in pages {
        assert!(public.join(page).is_file(), "{page} missing");
    }
    let paths: Vec<_> = pages.iter().map(|page| public.join(page)).collect();
    let paths: Vec<&std::path::Path> = paths.iter().map(|p| p.as_path()).collect();
    assert_none("Nu HTML Checker errors", &vnu::errors(&paths)?);
    assert_none("lychee: broken links", &lychee::broken_links(&public)?);

    let server = Server::start(site)?;
    let browser = Browser::start(Js::Enabled).await?;
    let mut problems = Vec::new();
    for page in pages {
        let path = format!("/{}", page.trim_end_matches("index.html"));
        browser.goto(&server.url(&path)).await?;
        problems.extend(axe::violations(&browser, &path).await?);
    }
    browser.quit().await?;
    assert_none("axe-core violations", &problems);
    Ok(())
}
