//! The quality gates. Each returns the problems it found as readable strings (empty = pass), so
//! the same function both guards the real site and is shown to fail on a broken fixture.

pub mod axe;
pub mod feed;
pub mod ical;
pub mod lychee;
pub mod vnu;

/// Panics listing `problems` under `title` when there are any.
pub fn assert_none(title: &str, problems: &[String]) {
    if !problems.is_empty() {
        panic!(
            "{title}: {} problem(s)\n  - {}",
            problems.len(),
            problems.join("\n  - ")
        );
    }
}
