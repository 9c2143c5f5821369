//! Shared by the site-gen integration tests: where the repository is, and a throwaway copy of
//! its example site to build, check or serve.

#![allow(dead_code)] // each test binary uses part of it

use cwu_domain::Reward;
use cwu_domain::outcome::{Accepted, Awarded, Outcome, Outcomes, Paid};
use std::fs;
use std::path::{Path, PathBuf};

/// The example opportunity the outcome fixtures are for: under evaluation at the tests' "now"
/// (its deadline was November 6, 2026), work starting December 7, 2026.
pub const SLUG: &str = "school-enrolment-pipeline";

/// A date or moment as content writes them (Vancouver time).
pub fn moment(text: &str) -> jiff::Timestamp {
    cwu_domain::when::parse_moment(text).unwrap()
}

/// The repository root (the workspace holding `content/` and `themes/`).
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("site-gen sits in the workspace")
        .to_owned()
}

/// A temporary site root with a copy of the repository's `content/` and `themes/` (commands
/// write `public/`, `private/` and `.local/` next to them).
pub fn site_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for folder in ["content", "themes"] {
        copy_dir(&repo().join(folder), &dir.path().join(folder));
    }
    dir
}

/// Copies the folder `from` to `to`, recursively.
pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Every file under `dir`, at any depth.
pub fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// Writes `outcomes` where `serve` and `build` look by default.
pub fn record(root: &Path, outcomes: &Outcomes) {
    fs::create_dir_all(root.join(".local")).unwrap();
    fs::write(root.join(".local/outcomes.json"), outcomes.to_json()).unwrap();
}

/// An award (to a name and organization with markup in them), then optionally the acceptance
/// (with a link holding an ampersand) and the payment.
pub fn outcome(accepted: bool, paid: bool) -> Outcomes {
    let mut outcomes = Outcomes::new();
    outcomes.opportunities.insert(
        SLUG.into(),
        Outcome {
            awarded: Awarded {
                proponent: "Ada <b>Lovelace</b>".into(),
                organization: Some("Engines & Co".into()),
                date: moment("2026-11-13T10:00"),
                amount: Reward::new(35_000).unwrap(),
            },
            accepted: accepted.then(|| Accepted {
                date: moment("2026-12-15T11:00"),
                links: vec![
                    "https://github.com/bcgov-example/enrolment/compare/v1...v2?w=1&x=2".into(),
                ],
            }),
            paid: paid.then(|| Paid {
                date: moment("2026-12-18T09:30"),
                amount: Reward::new(35_000).unwrap(),
            }),
        },
    );
    outcomes
}
