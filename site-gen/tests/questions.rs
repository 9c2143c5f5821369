//! `questions-issue`: the GitHub calls it makes for the example site, printed by `--dry-run`,
//! and made through `gh api` (a stand-in `gh` on PATH records them and answers like GitHub).

mod common;

use common::{outcome, site_copy};
use std::fs;
use std::path::Path;
use std::process::{Command, Output};

const NOW: &str = "2026-11-24T12:00:00-08:00";

fn questions_issue(root: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_questions-issue"))
        .args(args)
        .args(["--now", NOW, "--root"])
        .arg(root)
        .env_remove("GITHUB_REPOSITORY")
        .output()
        .expect("questions-issue runs")
}

fn stdout(output: &Output) -> String {
    assert!(
        output.status.success(),
        "questions-issue failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn dry_run_close_comments_closes_and_locks_only_this_repositorys_closed_issues() {
    let site = site_copy();
    // The awarded court-services opportunity asks its questions in this repository.
    let out = stdout(&questions_issue(
        site.path(),
        &[
            "close",
            "--dry-run",
            "--repo",
            "bcgov-example/court-filing-infra",
        ],
    ));
    let issue = "/repos/bcgov-example/court-filing-infra/issues/5";
    for call in [
        format!("GET {issue}\n"),
        format!("GET {issue}/comments?per_page=100\n"),
        format!("POST {issue}/comments\n"),
        format!("PATCH {issue}\n"),
        format!("PUT {issue}/lock\n"),
    ] {
        assert!(out.contains(&call), "{call:?} missing from:\n{out}");
    }
    assert!(
        out.contains("awarded to"),
        "the comment names the award:\n{out}"
    );
    assert!(out.contains("\"lock_reason\": \"resolved\""));
    assert_eq!(
        out.matches("POST ").count(),
        1,
        "nothing else is touched:\n{out}"
    );

    // An open opportunity's issue is left alone.
    let out = stdout(&questions_issue(
        site.path(),
        &[
            "close",
            "--dry-run",
            "--repo",
            "bcgov-example/permit-status",
        ],
    ));
    assert_eq!(out, "", "permit-status is open: no call");
}

#[test]
fn dry_run_close_of_a_deadline_says_when_proposals_closed() {
    let site = site_copy();
    let out = stdout(&questions_issue(
        site.path(),
        &[
            "close",
            "--dry-run",
            "--repo",
            "bcgov-example/enrolment-open-data",
        ],
    ));
    assert!(
        out.contains("Proposals closed on Friday, November 6, 2026, 4:00 PM PST"),
        "{out}"
    );
    assert!(out.contains("PUT /repos/bcgov-example/enrolment-open-data/issues/1/lock"));
}

#[test]
fn an_award_recorded_in_the_outcomes_file_is_announced_too() {
    let site = site_copy();
    let outcomes = site.path().join("outcomes.json");
    fs::write(&outcomes, outcome(false, false).to_json()).unwrap();
    let out = stdout(&questions_issue(
        site.path(),
        &[
            "close",
            "--dry-run",
            "--repo",
            "bcgov-example/enrolment-open-data",
            "--outcomes",
            &outcomes.to_string_lossy(),
        ],
    ));
    assert!(
        out.contains("This opportunity was awarded to Ada <b>Lovelace</b>"),
        "{out}"
    );
}

/// A stand-in for the GitHub CLI: logs each call (arguments and body) and answers like the
/// GitHub API; `FAKE_LOCKED=1` makes every issue locked with the award already announced.
fn fake_gh(dir: &Path) {
    let script = r#"#!/bin/sh
body=""
case "$*" in *"--input -"*) body=$(cat) ;; esac
printf '%s %s\n' "$*" "$body" >> "$GH_LOG"
case "$*" in
  *"--method GET"*comments*)
    if [ "$FAKE_LOCKED" = 1 ]; then echo '[{"body":"<!-- code-with-us:awarded:court-services-terraform -->"}]'; else echo '[]'; fi ;;
  *"--method GET"*/issues/*)
    if [ "$FAKE_LOCKED" = 1 ]; then echo '{"number":5,"locked":true}'; else echo '{"number":5,"locked":false}'; fi ;;
  *) echo '{}' ;;
esac
"#;
    let gh = dir.join("gh");
    fs::write(&gh, script).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&gh, fs::Permissions::from_mode(0o755)).unwrap();
    }
}

#[test]
fn through_gh_api_and_idempotent() {
    let site = site_copy();
    let bin = tempfile::tempdir().unwrap();
    fake_gh(bin.path());
    let log = bin.path().join("calls.log");
    let run = |locked: bool| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_questions-issue"));
        let old = std::env::var_os("PATH").unwrap_or_default();
        let mut paths = vec![bin.path().to_path_buf()];
        paths.extend(std::env::split_paths(&old));
        command
            .args([
                "close",
                "--repo",
                "bcgov-example/court-filing-infra",
                "--now",
                NOW,
            ])
            .arg("--root")
            .arg(site.path())
            .env("PATH", std::env::join_paths(paths).unwrap())
            .env("GH_LOG", &log)
            .env("FAKE_LOCKED", if locked { "1" } else { "0" });
        let output = command.output().unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let calls = fs::read_to_string(&log).unwrap_or_default();
        fs::remove_file(&log).ok();
        calls
    };
    let calls = run(false);
    assert!(
        calls.contains("api --method PUT /repos/bcgov-example/court-filing-infra/issues/5/lock"),
        "{calls}"
    );
    assert!(calls.contains(r#"{"lock_reason":"resolved"}"#), "{calls}");
    // Locked, award announced: a second run only looks.
    let calls = run(true);
    assert!(
        calls.lines().all(|l| l.contains("--method GET")),
        "a second run must not comment or lock again:\n{calls}"
    );
}

#[test]
fn dry_run_open_creates_the_issue_and_proposes_its_address() {
    let site = site_copy();
    let file = site
        .path()
        .join("content/opportunities/permit-status-api.md");
    let text = fs::read_to_string(&file).unwrap();
    let without: String = text
        .lines()
        .filter(|l| !l.starts_with("questions:"))
        .map(|l| format!("{l}\n"))
        .collect();
    fs::write(&file, &without).unwrap();

    let out = stdout(&questions_issue(
        site.path(),
        &["open", "--dry-run", "--repo", "bcgov-example/site"],
    ));
    let calls: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with(['G', 'P']) && l.contains(" /repos/"))
        .collect();
    assert_eq!(
        calls,
        [
            "GET /repos/bcgov-example/site/git/ref/heads/questions/permit-status-api",
            "POST /repos/bcgov-example/site/issues",
            "GET /repos/bcgov-example/site/git/ref/heads/main",
            "POST /repos/bcgov-example/site/git/refs",
            "GET /repos/bcgov-example/site/contents/content/opportunities/permit-status-api.md?ref=main",
            "PUT /repos/bcgov-example/site/contents/content/opportunities/permit-status-api.md",
            "POST /repos/bcgov-example/site/pulls",
        ],
        "only the opportunity without `questions` gets an issue:\n{out}"
    );
    assert!(
        out.contains("\"title\": \"Questions: Permit status API"),
        "{out}"
    );
    assert!(
        out.contains("https://codewithus.example.gov.bc.ca/opportunities/permit-status-api/"),
        "the issue links the page:\n{out}"
    );
    assert!(
        out.contains("Friday, March 12, 2027, 4:00 PM PST"),
        "the deadline in Pacific time:\n{out}"
    );
    // The file the pull request proposes: the same, plus the issue's address.
    let content = out
        .split("\"content\": \"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("the new file content");
    use base64::Engine as _;
    let proposed = String::from_utf8(
        base64::engine::general_purpose::STANDARD
            .decode(content)
            .unwrap(),
    )
    .unwrap();
    assert_eq!(
        proposed.replace(
            "questions: https://github.com/bcgov-example/site/issues/0\n",
            ""
        ),
        without
    );
    assert!(proposed.contains(
        "repository: \"https://github.com/bcgov-example/permit-status\"\nquestions: https://github.com/bcgov-example/site/issues/0\n"
    ));
    // The site still builds and checks without `questions`.
    let check = Command::new(env!("CARGO_BIN_EXE_site-gen"))
        .args(["check", "--now", NOW, "--root"])
        .arg(site.path())
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
}
