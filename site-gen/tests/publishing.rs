//! What readers subscribe to and owners schedule, across builds: feed items keep their dates,
//! skill feeds never disappear, addenda are rendered Markdown, each open opportunity has its own
//! calendar with a reminder (its times in UTC), and an opportunity with a future `published`
//! date stays off the site until a build after that date.

mod common;

use common::site_copy;
use site_gen::render::{BuildOptions, build_site};
use std::fs;
use std::path::Path;

fn at(now: &str) -> BuildOptions {
    BuildOptions {
        now: cwu_domain::when::parse_moment(now).unwrap(),
        drafts: false,
        outcomes: None,
    }
}

fn read(root: &Path, relative: &str) -> String {
    fs::read_to_string(root.join(relative)).unwrap_or_else(|e| panic!("{relative}: {e}"))
}

/// Rewrites one front-matter line of an example opportunity (`key: …` → `line`, or removes it
/// when `line` is empty).
fn edit(root: &Path, slug: &str, key: &str, line: &str) {
    let path = root.join(format!("content/opportunities/{slug}.md"));
    let text = fs::read_to_string(&path).unwrap();
    let mut found = false;
    let edited: Vec<&str> = text
        .lines()
        .filter_map(|l| {
            if l.starts_with(&format!("{key}:")) {
                found = true;
                (!line.is_empty()).then_some(line)
            } else {
                Some(l)
            }
        })
        .collect();
    assert!(found, "{slug} has no `{key}:` line");
    fs::write(&path, edited.join("\n") + "\n").unwrap();
}

/// The `<pubDate>` of the item linking to `link` in an RSS document.
fn pub_date(xml: &str, link: &str) -> Option<String> {
    xml.split("<item>").skip(1).find_map(|item| {
        item.contains(&format!("<link>{link}</link>")).then(|| {
            item.split("<pubDate>")
                .nth(1)
                .and_then(|r| r.split("</pubDate>").next())
                .unwrap_or_default()
                .to_string()
        })
    })
}

#[test]
fn items_without_published_keep_their_date_from_build_to_build() {
    let site = site_copy();
    let root = site.path();
    edit(root, "permit-status-api", "published", "");
    edit(root, "wildfire-map-tiles", "published", "");
    let link = "https://codewithus.example.gov.bc.ca/opportunities/wildfire-map-tiles/";
    let mut dates = Vec::new();
    for now in [
        "2026-11-24T12:00:00-08:00",
        "2026-11-24T13:00:00-08:00",
        "2026-11-26T09:00:00-08:00",
    ] {
        build_site(root, &at(now)).unwrap();
        let xml = read(root, "public/feeds/opportunities.xml");
        dates.push(pub_date(&xml, link).expect("the item is in the feed"));
    }
    assert_eq!(
        dates[0], dates[1],
        "an hourly rebuild must not move the item's date"
    );
    assert_eq!(dates[0], dates[2]);
}

#[test]
fn a_skill_feed_stays_empty_when_its_last_opportunity_goes() {
    let site = site_copy();
    let root = site.path();
    build_site(root, &at("2026-11-24T12:00:00-08:00")).unwrap();
    let feed = "public/feeds/skills/openapi.xml";
    assert!(read(root, feed).contains("<item>"), "OpenAPI has an item");
    // The only opportunity asking for OpenAPI drops it.
    edit(
        root,
        "permit-status-api",
        "skills",
        "skills: [Rust, PostgreSQL, Docker]",
    );
    build_site(root, &at("2026-11-24T13:00:00-08:00")).unwrap();
    let xml = read(root, feed);
    assert!(
        xml.contains("<channel>") && xml.contains("<title>") && !xml.contains("<item>"),
        "the OpenAPI feed must stay, empty:\n{xml}"
    );
    assert!(xml.contains("OpenAPI"), "with the skill's name: {xml}");
    // And again on the next build, which starts from the history the last one left.
    build_site(root, &at("2026-11-24T14:00:00-08:00")).unwrap();
    assert!(root.join(feed).is_file());
}

#[test]
fn a_broken_feed_history_stops_the_build_instead_of_dropping_feeds() {
    let site = site_copy();
    let root = site.path();
    build_site(root, &at("2026-11-24T12:00:00-08:00")).unwrap();
    fs::write(root.join("public/feeds/history.json"), "{ not json").unwrap();
    let error = build_site(root, &at("2026-11-24T13:00:00-08:00"))
        .expect_err("a broken history is an error");
    assert!(error.to_string().contains("history"), "{error}");
}

#[test]
fn addenda_in_feeds_are_rendered_markdown_escaped_as_xml() {
    let site = site_copy();
    let root = site.path();
    let path = root.join("content/opportunities/permit-status-api.md");
    let text = fs::read_to_string(&path).unwrap();
    let text = text.replacen(
        "addenda:\n",
        "addenda:\n  - date: 2026-11-21\n    text: \"The **deadline** stays. See [the FAQ](/wiki/faq/). <script>x</script>\"\n",
        1,
    );
    fs::write(&path, text).unwrap();
    build_site(root, &at("2026-11-24T12:00:00-08:00")).unwrap();
    let xml = read(root, "public/feeds/opportunities.xml");
    let item = xml
        .split("<item>")
        .find(|item| item.contains("#addendum-2026-11-21"))
        .expect("the addendum's item");
    assert!(
        item.contains("&lt;strong&gt;deadline&lt;/strong&gt;"),
        "Markdown rendered: {item}"
    );
    assert!(!item.contains("**deadline**"), "no raw Markdown: {item}");
    assert!(
        item.contains("&amp;lt;script&amp;gt;"),
        "raw HTML escaped, then escaped as XML: {item}"
    );
}

#[test]
fn each_open_opportunity_has_its_own_calendar_with_a_reminder() {
    let site = site_copy();
    let root = site.path();
    build_site(root, &at("2026-11-24T12:00:00-08:00")).unwrap();
    let page = read(root, "public/opportunities/permit-status-api/index.html");
    assert!(
        page.contains("href=\"/opportunities/permit-status-api/deadline.ics\""),
        "the page links its own calendar"
    );
    assert!(
        page.contains("href=\"webcal://codewithus.example.gov.bc.ca/opportunities.ics\""),
        "and offers the subscription to every deadline"
    );
    let ics = read(root, "public/opportunities/permit-status-api/deadline.ics");
    assert_eq!(ics.matches("BEGIN:VEVENT").count(), 1, "one event:\n{ics}");
    assert!(ics.contains("UID:permit-status-api-deadline@"));
    assert!(ics.contains("BEGIN:VALARM\r\nACTION:DISPLAY\r\n"));
    assert!(ics.contains("TRIGGER:-P1D\r\n"), "a reminder a day before");
    // One deadline needs no zone rules: 4:00 PM Pacific (standard time) on March 12, in UTC.
    assert!(ics.contains("DTSTART:20270313T000000Z\r\n"), "{ics}");
    assert!(
        !ics.contains("VTIMEZONE"),
        "no zone rules in every file:\n{ics}"
    );
    let all = read(root, "public/opportunities.ics");
    assert!(
        all.matches("BEGIN:VEVENT").count() > 1,
        "the site-wide calendar keeps every open deadline"
    );
    // A closed opportunity has no calendar (nothing to remind of) until it has an outcome.
    assert!(
        !root
            .join("public/opportunities/school-enrolment-pipeline/deadline.ics")
            .exists()
    );
    let awarded = read(
        root,
        "public/opportunities/court-services-terraform/deadline.ics",
    );
    assert_eq!(awarded.matches("BEGIN:VEVENT").count(), 2, "{awarded}");
    assert!(awarded.contains("UID:court-services-terraform-record_awarded@"));
    assert!(
        !awarded.contains("VALARM"),
        "no reminder of a past deadline"
    );
}

#[test]
fn a_future_published_date_keeps_it_off_the_site_until_a_build_after_it() {
    let site = site_copy();
    let root = site.path();
    edit(
        root,
        "permit-status-api",
        "published",
        "published: 2026-11-25T09:00",
    );
    let page = "public/opportunities/permit-status-api/index.html";
    let registry = |root: &Path| {
        cwu_domain::Registry::from_json(&read(root, "private/registry.json")).unwrap()
    };

    build_site(root, &at("2026-11-24T12:00:00-08:00")).unwrap();
    assert!(!root.join(page).exists(), "no page before its time");
    for file in [
        "public/opportunities/index.html",
        "public/index.html",
        "public/feeds/opportunities.xml",
        "public/feeds/skills/rust.xml",
        "public/sitemap.xml",
        "public/opportunities.ics",
        "public/feeds/history.json",
    ] {
        assert!(
            !read(root, file).contains("permit-status-api"),
            "{file} announces it before its time"
        );
    }
    let entry = registry(root);
    let entry = entry
        .get("permit-status-api")
        .expect("the functions know it beforehand");
    let before = cwu_domain::when::parse_moment("2026-11-25T08:59").unwrap();
    let after = cwu_domain::when::parse_moment("2026-11-25T09:00").unwrap();
    assert!(
        !entry.status_at(before).accepts_proposals(),
        "the functions refuse proposals before its time"
    );
    assert!(entry.status_at(after).accepts_proposals());

    // The first (hourly) build after the moment publishes it, dated as written.
    build_site(root, &at("2026-11-25T10:02:00-08:00")).unwrap();
    assert!(root.join(page).is_file());
    assert!(read(root, "public/sitemap.xml").contains("/opportunities/permit-status-api/"));
    let xml = read(root, "public/feeds/opportunities.xml");
    assert_eq!(
        pub_date(
            &xml,
            "https://codewithus.example.gov.bc.ca/opportunities/permit-status-api/"
        )
        .as_deref(),
        Some("Wed, 25 Nov 2026 09:00:00 -0800")
    );
}
