//! Content rules that depend on the clock, which `check` applies at its "now":
//!
//! - an `award` dated in the future is an error (an award is recorded once it is made);
//! - a published opportunity without a `published` date whose proposal deadline has passed
//!   (and no award) is a warning: it shows as under evaluation and takes no proposals, which for
//!   a new file means a past deadline by mistake. (With a `published` date the rules already
//!   require it before the deadline, so the opportunity was open at some point.)
//! - a `published` date in the future is a note saying when the opportunity will appear: the
//!   first hourly rebuild after that moment (until then it is off the site, feeds, sitemap and
//!   calendars, and the functions refuse its proposals).

use super::diagnostics::{Diagnostic, Diagnostics, Kind, Severity};
use super::{Content, OpportunityPage};
use cwu_domain::{Status, when};
use jiff::Timestamp;

/// The clock rules' findings for every opportunity in `content` at `now`.
pub fn check(root: &std::path::Path, content: &Content, now: Timestamp) -> Diagnostics {
    let mut found = Vec::new();
    for page in &content.opportunities {
        let text = std::fs::read_to_string(root.join(&page.source)).unwrap_or_default();
        found.extend(check_one(page, &text, now));
    }
    Diagnostics(found).sorted()
}

fn check_one(page: &OpportunityPage, text: &str, now: Timestamp) -> Vec<Diagnostic> {
    let o = &page.opportunity;
    let at = |key: &str| line_of(text, key);
    let mut found = Vec::new();
    // Only the front matter's `award` (a recorded award is dated by the functions' clock).
    if let Some(award) = o.outcome.as_ref().map(|o| &o.awarded)
        && award.date > now
        && text.lines().any(|line| line.starts_with("award:"))
    {
        found.push(Diagnostic::new(
            &page.source,
            line_of_award_date(text),
            Kind::Rule,
            format!(
                "the award is dated {}, which is in the future",
                when::display_date(award.date)
            ),
            "add `award` once the work is assigned, dated that day",
        ));
    }
    match o.status_at(now) {
        Status::UnderEvaluation if o.published.is_none() => found.push(
            Diagnostic::new(
                &page.source,
                at("proposal_deadline"),
                Kind::Rule,
                format!(
                    "the proposal deadline ({}) has passed: this opportunity shows as under \
                     evaluation and accepts no proposals",
                    when::display(o.proposal_deadline)
                ),
                "if it should take proposals, set `proposal_deadline` to a future date; if it was \
                 open before, add `published` with the day it went public",
            )
            .with_severity(Severity::Warning),
        ),
        Status::Draft if o.scheduled_after(now) => found.push(
            Diagnostic::new(
                &page.source,
                at("published"),
                Kind::Rule,
                format!(
                    "scheduled: this opportunity appears on the site, in the feeds and the \
                     calendars with the first hourly rebuild after {}",
                    when::display(o.published.unwrap_or(now))
                ),
                "nothing to do; remove `published` (or set it to today) to publish it with the \
                 next build",
            )
            .with_severity(Severity::Note),
        ),
        _ => {}
    }
    found
}

/// The 1-based line and column of the top-level `key:` in the front matter, or the first line.
pub(super) fn line_of(text: &str, key: &str) -> (usize, usize) {
    text.lines()
        .position(|line| line.starts_with(&format!("{key}:")))
        .map_or((1, 1), |i| (i + 1, 1))
}

/// Where `award`'s `date:` is written (inline or on its own line), or the `award:` line.
fn line_of_award_date(text: &str) -> (usize, usize) {
    let (award, _) = line_of(text, "award");
    text.lines()
        .enumerate()
        .skip(award - 1)
        .take_while(|(i, line)| *i + 1 == award || line.starts_with(' '))
        .find_map(|(i, line)| line.find("date:").map(|column| (i + 1, column + 1)))
        .unwrap_or((award, 1))
}
