//! `site-gen check` rules that depend on the clock (`--now`): an award dated in the future is
//! an error, a passed deadline without an award or publication date a warning, a future
//! `published` date a note saying when the opportunity appears. And `questions`, when written,
//! must be a GitHub issue address.

mod common;

use common::site_copy;
use std::fs;
use std::path::Path;
use std::process::Command;

const NOW: &str = "2026-11-24T12:00:00-08:00";

/// Replaces `from` by `to` in an example opportunity's file.
fn replace(root: &Path, slug: &str, from: &str, to: &str) {
    let path = root.join(format!("content/opportunities/{slug}.md"));
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{slug} has no {from:?}");
    fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

/// Runs `site-gen check --now NOW --format FORMAT`: (success, stdout + stderr).
fn check(root: &Path, format: &str) -> (bool, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_site-gen"))
        .args(["check", "--now", NOW, "--format", format, "--root"])
        .arg(root)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

#[test]
fn an_award_dated_in_the_future_is_rejected() {
    let site = site_copy();
    replace(
        site.path(),
        "court-services-terraform",
        "  date: 2026-08-28",
        "  date: 2026-12-28",
    );
    let (ok, out) = check(site.path(), "github");
    assert!(!ok, "a future award must fail the check:\n{out}");
    assert!(
        out.contains("::error file=content/opportunities/court-services-terraform.md")
            && out.contains("in the future"),
        "{out}"
    );
}

#[test]
fn a_passed_deadline_without_award_or_publication_date_is_a_warning() {
    let site = site_copy();
    let (ok, out) = check(site.path(), "github");
    assert!(
        ok && !out.contains("::warning"),
        "under evaluation after a known publication is fine:\n{out}"
    );
    replace(
        site.path(),
        "school-enrolment-pipeline",
        "published: 2026-10-09\n",
        "",
    );
    let (ok, out) = check(site.path(), "github");
    assert!(ok, "warnings do not fail the check:\n{out}");
    assert!(
        out.contains("::warning file=content/opportunities/school-enrolment-pipeline.md,line=13")
            && out.contains("has passed"),
        "{out}"
    );
    assert!(
        !out.contains("court-services-terraform.md"),
        "an awarded opportunity is fine:\n{out}"
    );
}

#[test]
fn a_scheduled_opportunity_says_when_it_appears() {
    let site = site_copy();
    replace(
        site.path(),
        "permit-status-api",
        "published: 2026-11-02",
        "published: 2026-12-01T09:00",
    );
    let (ok, out) = check(site.path(), "human");
    assert!(ok, "{out}");
    assert!(
        out.contains("appears on the site")
            && out.contains("Tuesday, December 1, 2026, 9:00 AM PST"),
        "{out}"
    );
    let (_, out) = check(site.path(), "github");
    assert!(
        out.contains("::notice file=content/opportunities/permit-status-api.md,line=13"),
        "{out}"
    );
}

#[test]
fn questions_must_be_a_github_issue_address() {
    let site = site_copy();
    replace(
        site.path(),
        "permit-status-api",
        "questions: \"https://github.com/bcgov-example/permit-status/issues/1\"",
        "questions: \"https://github.com/bcgov-example/permit-status/pull/1\"",
    );
    let (ok, out) = check(site.path(), "github");
    assert!(!ok, "{out}");
    assert!(
        out.contains("::error file=content/opportunities/permit-status-api.md,line=19")
            && out.contains("is not the address of a GitHub issue"),
        "{out}"
    );
}
