//! The public record from the outcomes file: statuses past the award, what the page, the board,
//! the feed and the calendar show, and what `check` and `build` say about a broken file, a
//! conflict with the front matter's `award` or an outcome for no opportunity.

mod common;

use common::{SLUG, moment, outcome, record, site_copy};
use site_gen::render::{BuildOptions, build_site};
use std::fs;
use std::path::Path;
use std::process::{Command, Output};

fn at(now: &str) -> BuildOptions {
    BuildOptions {
        now: moment(now),
        drafts: false,
        outcomes: None,
    }
}

fn read(root: &Path, relative: &str) -> String {
    fs::read_to_string(root.join(relative)).unwrap_or_else(|e| panic!("{relative}: {e}"))
}

fn page(root: &Path) -> String {
    read(root, &format!("public/opportunities/{SLUG}/index.html"))
}

fn badge(html: &str, id: &str, label: &str) -> bool {
    html.contains(&format!("badge badge-{id}\">{label}<"))
}

#[test]
fn statuses_and_the_public_record_follow_the_outcomes_file() {
    let site = site_copy();
    let root = site.path();

    // Awarded, before the start date (December 7).
    record(root, &outcome(false, false));
    build_site(root, &at("2026-11-24T12:00")).unwrap();
    let html = page(root);
    assert!(badge(&html, "awarded", "Awarded"), "{html}");
    assert!(
        html.contains(
            "<strong>Awarded to Ada &lt;b&gt;Lovelace&lt;/b&gt; (Engines &amp; Co)</strong>"
        ),
        "the award, escaped: {html}"
    );
    assert!(html.contains("for $35,000"));
    assert!(html.contains("<time datetime=\"2026-11-13T10:00:00-08:00\">November 13, 2026</time>"));
    assert!(!html.contains("<b>Lovelace"), "markup in a name stays text");
    let board = read(root, "public/opportunities/index.html");
    assert!(board.contains("data-status=\"awarded\""));
    assert!(board.contains("<dt>Awarded to</dt><dd>Ada &lt;b&gt;Lovelace"));

    // In progress from the start date.
    build_site(root, &at("2026-12-08T12:00")).unwrap();
    assert!(badge(&page(root), "in-progress", "In progress"));

    // Accepted: the date and the delivered code, as an escaped nofollow link.
    record(root, &outcome(true, false));
    build_site(root, &at("2026-12-16T12:00")).unwrap();
    let html = page(root);
    assert!(badge(&html, "accepted", "Accepted"));
    assert!(html.contains("id=\"record_accepted\"><dt>Accepted on</dt>"));
    assert!(
        html.contains("<a href=\"https://github.com/bcgov-example/enrolment/compare/v1...v2?w=1&amp;x=2\" rel=\"nofollow\">"),
        "{html}"
    );

    // Paid: the page, the board's filter, the feed items and their stability.
    record(root, &outcome(true, true));
    build_site(root, &at("2026-12-20T12:00")).unwrap();
    let html = page(root);
    assert!(badge(&html, "paid", "Paid"));
    assert!(html.contains("id=\"record_paid\"><dt>Paid on</dt><dd><time datetime=\"2026-12-18T09:30:00-08:00\">December 18, 2026</time> ($35,000)"));
    let board = read(root, "public/opportunities/index.html");
    assert!(
        board.contains("<option value=\"paid\">") || board.contains("value=\"paid\""),
        "the status filter offers Paid"
    );
    assert!(board.contains("<dt>Paid</dt>"));
    let feed = read(root, "public/feeds/opportunities.xml");
    let base = format!("https://codewithus.example.gov.bc.ca/opportunities/{SLUG}/");
    for (anchor, date) in [
        ("record_awarded", "Fri, 13 Nov 2026 10:00:00 -0800"),
        ("record_accepted", "Tue, 15 Dec 2026 11:00:00 -0800"),
        ("record_paid", "Fri, 18 Dec 2026 09:30:00 -0800"),
    ] {
        let guid =
            format!("<guid isPermaLink=\"true\">{base}#{anchor}</guid>\n<pubDate>{date}</pubDate>");
        assert!(feed.contains(&guid), "{guid} in {feed}");
    }
    assert!(feed.contains("$35,000 was paid to Ada &amp;lt;b&amp;gt;Lovelace"));
    // An hourly rebuild later announces nothing new: same items, same dates.
    build_site(root, &at("2026-12-20T13:00")).unwrap();
    let items = |feed: &str| {
        feed.split("<item>")
            .skip(1)
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        items(&feed),
        items(&read(root, "public/feeds/opportunities.xml"))
    );
}

#[test]
fn the_opportunity_calendar_shows_the_outcome_on_the_days_it_was_recorded() {
    let site = site_copy();
    let root = site.path();
    let ics_file = format!("public/opportunities/{SLUG}/deadline.ics");
    // Under evaluation, nothing recorded: no calendar (nothing ahead to remind of).
    build_site(root, &at("2026-11-10T12:00")).unwrap();
    assert!(!root.join(&ics_file).exists());

    record(root, &outcome(true, true));
    build_site(root, &at("2026-12-20T12:00")).unwrap();
    let ics = read(root, &ics_file);
    let unfolded = ics.replace("\r\n ", "");
    assert_eq!(
        unfolded.matches("BEGIN:VEVENT").count(),
        4,
        "deadline and 3 facts: {ics}"
    );
    assert!(unfolded.contains(&format!("UID:{SLUG}-deadline@")));
    assert!(
        !unfolded.contains("VALARM"),
        "no reminder of a past deadline"
    );
    let events: Vec<&str> = unfolded.split("BEGIN:VEVENT").skip(1).collect();
    for (anchor, day, next, summary) in [
        ("record_awarded", "20261113", "20261114", "Awarded: "),
        ("record_accepted", "20261215", "20261216", "Accepted: "),
        ("record_paid", "20261218", "20261219", "Paid: "),
    ] {
        let event = events
            .iter()
            .find(|e| {
                e.contains(&format!(
                    "UID:{SLUG}-{anchor}@codewithus.example.gov.bc.ca\r\n"
                ))
            })
            .unwrap_or_else(|| panic!("no {anchor} event in {ics}"));
        for expected in [
            format!("DTSTART;VALUE=DATE:{day}\r\n"),
            format!("DTEND;VALUE=DATE:{next}\r\n"),
            format!("SUMMARY:{summary}"),
            format!("URL:https://codewithus.example.gov.bc.ca/opportunities/{SLUG}/#{anchor}\r\n"),
        ] {
            assert!(event.contains(&expected), "{expected} in {event}");
        }
    }
    // The same sentences as the feed, as iCalendar text: markup stays text, commas escaped.
    assert!(
        unfolded.contains(
            "was awarded to Ada <b>Lovelace</b> (Engines & Co) on November 13\\, 2026 for $35\\,000."
        ),
        "{unfolded}"
    );
    assert!(unfolded.contains("$35\\,000 was paid to Ada <b>Lovelace</b>"));
    assert!(
        page(root).contains(&format!(
            "<a href=\"/opportunities/{SLUG}/deadline.ics\" download>Add these dates to your calendar</a>"
        )),
        "the public record links it"
    );
    // The site-wide calendar stays the open opportunities' deadlines.
    assert!(!read(root, "public/opportunities.ics").contains("record_awarded"));
}

fn site_gen(root: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_site-gen"))
        .arg("--root")
        .arg(root)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("site-gen runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn check_names_a_broken_outcomes_file_a_conflict_and_an_unknown_opportunity() {
    let site = site_copy();
    let root = site.path();
    let now = ["--now", "2026-11-24T12:00:00-08:00"];

    // A file that does not parse: an error naming the file and line, never a panic.
    fs::create_dir_all(root.join(".local")).unwrap();
    fs::write(
        root.join(".local/outcomes.json"),
        "{\n  \"version\": 1,\n  \"opportunities\": {\n    \"x\": 3\n}\n",
    )
    .unwrap();
    for command in ["check", "build"] {
        let output = site_gen(root, &[&[command][..], &now[..]].concat());
        let text = stderr(&output);
        assert_eq!(output.status.code(), Some(1), "{command}: {text}");
        assert!(
            text.contains(".local/outcomes.json:4:"),
            "{command}: {text}"
        );
        assert!(!text.contains("panicked"), "{text}");
    }

    // A conflict with the front matter's award: named at `award:` with what to write instead.
    let mut outcomes = outcome(false, false);
    let mut other = outcomes.opportunities[SLUG].clone();
    other.awarded.proponent = "Grace Hopper".into();
    other.awarded.organization = None;
    outcomes
        .opportunities
        .insert("court-services-terraform".into(), other);
    record(root, &outcomes);
    let output = site_gen(root, &[&["check"][..], &now[..]].concat());
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    let line = read(root, "content/opportunities/court-services-terraform.md")
        .lines()
        .position(|l| l.starts_with("award:"))
        .unwrap()
        + 1;
    assert!(
        text.contains(&format!(
            "content/opportunities/court-services-terraform.md:{line}:"
        )),
        "{text}"
    );
    assert!(text.contains("\"Grace Hopper\""), "{text}");
    assert!(text.contains("remove `award`"), "{text}");

    // An outcome for a cancelled opportunity: an error at its `status:`.
    let mut outcomes = outcome(false, false);
    let award = outcomes.opportunities[SLUG].clone();
    outcomes
        .opportunities
        .insert("fishing-licence-reminders".into(), award);
    record(root, &outcomes);
    let output = site_gen(root, &[&["check"][..], &now[..]].concat());
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    let line = read(root, "content/opportunities/fishing-licence-reminders.md")
        .lines()
        .position(|l| l.starts_with("status:"))
        .unwrap()
        + 1;
    assert!(
        text.contains(&format!("fishing-licence-reminders.md:{line}:")),
        "{text}"
    );
    assert!(text.contains("is cancelled"), "{text}");

    // An outcome for no opportunity: a warning naming the slug; the check passes.
    let mut outcomes = outcome(false, false);
    let stray = outcomes.opportunities[SLUG].clone();
    outcomes.opportunities.insert("no-such-work".into(), stray);
    record(root, &outcomes);
    let output = site_gen(root, &[&["check"][..], &now[..]].concat());
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(text.contains("no-such-work"), "{text}");
    assert!(text.contains(".local/outcomes.json:"), "{text}");

    // Delivered code must be https:// addresses.
    for link in ["javascript:alert(1)", "https://example.com/\"><script>"] {
        let mut outcomes = outcome(true, false);
        let recorded = outcomes.opportunities.get_mut(SLUG).unwrap();
        recorded.accepted.as_mut().unwrap().links = vec![link.into()];
        record(root, &outcomes);
        let output = site_gen(root, &[&["check"][..], &now[..]].concat());
        assert_eq!(output.status.code(), Some(1), "{link}");
        let text = stderr(&output);
        assert!(text.contains("not an https:// address"), "{text}");
    }

    // `--outcomes` reads another file; a missing one is an error, not an empty record.
    fs::remove_file(root.join(".local/outcomes.json")).unwrap();
    let elsewhere = root.join("fetched.json");
    fs::write(&elsewhere, outcome(true, true).to_json()).unwrap();
    let given = elsewhere.to_string_lossy().into_owned();
    let output = site_gen(
        root,
        &[&["build", "--outcomes", &given][..], &now[..]].concat(),
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(badge(&page(root), "paid", "Paid"));
    let missing = root.join("missing.json").to_string_lossy().into_owned();
    let output = site_gen(
        root,
        &[&["check", "--outcomes", &missing][..], &now[..]].concat(),
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("missing.json"),
        "{}",
        stderr(&output)
    );
}
