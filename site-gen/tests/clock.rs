//! The build's clock reaches the output only through statuses (open, closing soon, under
//! evaluation…) and the time left, which changes once a day: an hourly rebuild that changes no
//! status writes no file at all, so a publish sends nothing (issue 14), and a status change
//! rewrites exactly the files that show that status.

mod common;

use common::{moment, outcome, record, site_copy};
use site_gen::content;
use site_gen::render::{BuildOptions, build_site};
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;
use std::time::SystemTime;

/// Every file under `public/` and `private/`, by path relative to the site root: its bytes and
/// when it was last written.
type Snapshot = BTreeMap<String, (Vec<u8>, SystemTime)>;

fn snapshot(root: &Path) -> Snapshot {
    fn walk(root: &Path, dir: &Path, into: &mut Snapshot) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, into);
            } else {
                let relative = path.strip_prefix(root).unwrap().to_string_lossy();
                let modified = fs::metadata(&path).unwrap().modified().unwrap();
                into.insert(relative.into_owned(), (fs::read(&path).unwrap(), modified));
            }
        }
    }
    let mut files = Snapshot::new();
    for folder in ["public", "private"] {
        walk(root, &root.join(folder), &mut files);
    }
    files
}

/// The files written (new or rewritten, even with the same bytes) or removed between two
/// snapshots; removed ones are marked `(removed)`.
fn written(before: &Snapshot, after: &Snapshot) -> BTreeSet<String> {
    let mut changed: BTreeSet<String> = after
        .iter()
        .filter(|(path, file)| before.get(*path) != Some(file))
        .map(|(path, _)| path.clone())
        .collect();
    changed.extend(
        before
            .keys()
            .filter(|path| !after.contains_key(*path))
            .map(|path| format!("{path} (removed)")),
    );
    changed
}

fn build(root: &Path, now: &str) -> Snapshot {
    let options = BuildOptions {
        now: moment(now),
        drafts: false,
        outcomes: None,
    };
    build_site(root, &options).expect("the example content builds");
    snapshot(root)
}

/// What each opportunity shows of the clock at `now`: its status and its time left.
fn shown_at(root: &Path, now: &str) -> Vec<(String, cwu_domain::Status, Option<String>)> {
    let now = moment(now);
    content::load(root)
        .unwrap()
        .opportunities
        .iter()
        .map(|page| {
            let o = &page.opportunity;
            let left = cwu_domain::when::time_left_static(now, o.proposal_deadline);
            (o.slug.clone(), o.status_at(now), left)
        })
        .collect()
}

#[test]
fn an_hourly_rebuild_that_changes_no_status_writes_no_file() {
    let site = site_copy();
    let root = site.path();
    // An awarded opportunity too, so outcome items and calendars are part of the output.
    record(root, &outcome(false, false));
    let (now, hour_later) = ("2026-11-24T12:00:00-08:00", "2026-11-24T13:00:00-08:00");
    assert_eq!(
        shown_at(root, now),
        shown_at(root, hour_later),
        "the premise: no status and no time left changes in that hour"
    );
    let before = build(root, now);
    assert!(before.len() > 50, "{} files", before.len());
    let after = build(root, hour_later);
    let written = written(&before, &after);
    assert!(
        written.is_empty(),
        "an hour later with no status change, the build wrote or removed {} of {} files: {written:#?}",
        written.len(),
        after.len()
    );
}

/// The example content with `transit-schedule-validator` (Python, GTFS, GIS, GitHub Actions)
/// closing at 10:00 on November 30 instead of 4 PM, so that its status changes at an hour when
/// no other opportunity's time left does (theirs close at 4 PM).
fn site_with_a_morning_deadline() -> tempfile::TempDir {
    let site = site_copy();
    let file = site
        .path()
        .join("content/opportunities/transit-schedule-validator.md");
    let text = fs::read_to_string(&file).unwrap();
    let moved = text.replace(
        "\nproposal_deadline: 2026-11-30\n",
        "\nproposal_deadline: 2026-11-30T10:00\n",
    );
    assert_ne!(text, moved);
    fs::write(&file, moved).unwrap();
    site
}

/// The files that show the status of `transit-schedule-validator`: its page, the board and the
/// home page (its card), the pages of its skills (its card) and the feeds its item is in (the
/// item names the status, and the feed's `lastBuildDate` is that change).
fn showing_its_status() -> BTreeSet<String> {
    let mut files: BTreeSet<String> = [
        "public/opportunities/transit-schedule-validator/index.html",
        "public/opportunities/index.html",
        "public/index.html",
        "public/feeds/opportunities.xml",
    ]
    .map(str::to_owned)
    .into();
    for skill in ["python", "gtfs", "gis", "github-actions"] {
        files.insert(format!("public/opportunities/skills/{skill}/index.html"));
        files.insert(format!("public/feeds/skills/{skill}.xml"));
    }
    files
}

#[test]
fn a_status_change_rewrites_exactly_the_files_that_show_it() {
    let site = site_with_a_morning_deadline();
    let root = site.path();
    let transit = |now: &str| {
        shown_at(root, now)
            .into_iter()
            .find(|(slug, ..)| slug == "transit-schedule-validator")
            .unwrap()
            .1
    };

    // Open → closing soon, seven days before the deadline: nothing else changes with it (the
    // calendars and the open contracting data do not name the status; the sitemap lists
    // addresses, not board order).
    let (before, after) = ("2026-11-23T09:30", "2026-11-23T10:30");
    assert_eq!(transit(before), cwu_domain::Status::Open);
    assert_eq!(transit(after), cwu_domain::Status::ClosingSoon);
    let old = build(root, before);
    let new = build(root, after);
    assert_eq!(written(&old, &new), showing_its_status());

    // Closing soon → under evaluation at the deadline: it also leaves the deadlines calendar,
    // and its own deadline calendar (only open or awarded opportunities have one) goes.
    let (before, after) = ("2026-11-30T09:30", "2026-11-30T10:30");
    assert_eq!(transit(before), cwu_domain::Status::ClosingSoon);
    assert_eq!(transit(after), cwu_domain::Status::UnderEvaluation);
    let old = build(root, before);
    let new = build(root, after);
    let mut expected = showing_its_status();
    expected.insert("public/opportunities.ics".to_owned());
    expected
        .insert("public/opportunities/transit-schedule-validator/deadline.ics (removed)".into());
    assert_eq!(written(&old, &new), expected);
    let feed = String::from_utf8(new["public/feeds/opportunities.xml"].0.clone()).unwrap();
    assert!(
        feed.contains("<lastBuildDate>Mon, 30 Nov 2026 10:00:00 -0800</lastBuildDate>"),
        "the feed changed when the status did: {}",
        &feed[..feed.find("<item>").unwrap_or(feed.len())]
    );
}
