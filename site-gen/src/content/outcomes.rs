//! The public outcomes file ([`cwu_domain::outcome`]): read it and give each opportunity its one
//! effective outcome.
//!
//! The award functions write the file (locally `<site>/.local/outcomes.json`; the deploy and hourly
//! workflows fetch it and pass `--outcomes <file>`). An outcome in the file wins over the front
//! matter's `award`, which remains for opportunities awarded before the platform recorded awards;
//! when both exist they must name the same proponent on the same day, else it is a conflict (as is
//! an outcome for a cancelled opportunity). A file
//! that does not parse is an error naming it; an outcome for a slug no content file has is a
//! warning from `check` (the build goes on: the opportunity may have been deleted on purpose).

use super::diagnostics::{Diagnostic, Kind, Severity};
use super::schedule::line_of;
use super::{Content, OpportunityPage};
use cwu_domain::opportunity::Lifecycle;
use cwu_domain::outcome::{OUTCOMES_FILE, Outcome, Outcomes, OutcomesError};
use cwu_domain::when;
use std::path::{Path, PathBuf};

/// Where the outcomes are read from: the `--outcomes` file, else `.local/outcomes.json` in the
/// site (absent means no outcomes yet).
pub fn file(root: &Path, given: Option<&Path>) -> PathBuf {
    given.map_or_else(
        || root.join(".local").join(OUTCOMES_FILE),
        Path::to_path_buf,
    )
}

/// Reads the outcomes from `file` (see [`file`]); a missing file is no outcomes unless it was
/// `given` on the command line.
pub fn read(root: &Path, given: Option<&Path>) -> Result<Outcomes, Diagnostic> {
    let path = file(root, given);
    let shown = shown(root, &path);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && given.is_none() => {
            return Ok(Outcomes::new());
        }
        Err(e) => {
            return Err(Diagnostic::new(
                shown,
                (1, 1),
                Kind::Outcomes,
                format!("the outcomes file cannot be read: {e}"),
                "pass `--outcomes` the file the award function wrote (outcomes.json), or leave it out",
            ));
        }
    };
    let outcomes = Outcomes::from_json(&text).map_err(|error| {
        let at = match &error {
            OutcomesError::Json(json) => (json.line(), json.column()),
            OutcomesError::Version { .. } => (1, 1),
        };
        Diagnostic::new(
            &shown,
            at,
            Kind::Outcomes,
            error.to_string(),
            "this file is written by the award function, never by hand: restore the last good copy \
             (or delete it locally to build without outcomes)",
        )
    })?;
    // Pages and open data link the delivered code: only plain https:// URIs (no `javascript:`,
    // nothing a URI must not hold unencoded).
    for (slug, outcome) in &outcomes.opportunities {
        let links = outcome.accepted.iter().flat_map(|a| &a.links);
        if let Some(link) = links.into_iter().find(|l| !is_https_uri(l)) {
            let line = text.lines().position(|l| l.contains(link.as_str()));
            return Err(Diagnostic::new(
                shown,
                (line.map_or(1, |i| i + 1), 1),
                Kind::Outcomes,
                format!(
                    "the delivered code of `{slug}` links to {link:?}, not an https:// address"
                ),
                "record the acceptance again with the https:// addresses of the pull requests or release",
            ));
        }
    }
    Ok(outcomes)
}

/// An `https://` address of ASCII characters a URI may hold (RFC 3986), with a host.
fn is_https_uri(link: &str) -> bool {
    link.strip_prefix("https://")
        .is_some_and(|rest| !rest.is_empty() && !rest.starts_with('/'))
        && link
            .chars()
            .all(|c| c.is_ascii_graphic() && !"\"<>\\^`{|}".contains(c))
}

/// `path` as reports name it: relative to the site when inside it.
fn shown(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

/// Gives `page` its effective outcome from `outcomes`: the file's when it has one, else the
/// front matter's. A front-matter `award` that disagrees with the file is a problem of the
/// opportunity file (`outcomes_file` names the other side).
pub fn merge(
    root: &Path,
    page: &mut OpportunityPage,
    outcomes: &Outcomes,
    outcomes_file: &Path,
) -> Option<Diagnostic> {
    let recorded = outcomes.opportunities.get(&page.opportunity.slug)?;
    if page.opportunity.lifecycle == Lifecycle::Cancelled {
        let text = std::fs::read_to_string(root.join(&page.source)).unwrap_or_default();
        return Some(Diagnostic::new(
            &page.source,
            line_of(&text, "status"),
            Kind::Rule,
            format!(
                "this opportunity is cancelled, but {} records an award to {:?}",
                shown(root, outcomes_file).display(),
                recorded.awarded.proponent
            ),
            "a cancelled opportunity has no award: change `status` to `published` if the work \
             was awarded",
        ));
    }
    let conflict = page
        .opportunity
        .outcome
        .as_ref()
        .filter(|written| !agree(written, recorded))
        .map(|written| conflict(root, page, written, recorded, outcomes_file));
    if conflict.is_none() {
        page.opportunity.outcome = Some(recorded.clone());
    }
    conflict
}

/// The same proponent awarded on the same day (front matter has dates, the file instants).
fn agree(written: &Outcome, recorded: &Outcome) -> bool {
    let day = |o: &Outcome| when::in_vancouver(o.awarded.date).date();
    written.awarded.proponent.trim() == recorded.awarded.proponent.trim()
        && day(written) == day(recorded)
}

fn conflict(
    root: &Path,
    page: &OpportunityPage,
    written: &Outcome,
    recorded: &Outcome,
    outcomes_file: &Path,
) -> Diagnostic {
    let text = std::fs::read_to_string(root.join(&page.source)).unwrap_or_default();
    let date = |o: &Outcome| when::in_vancouver(o.awarded.date).date().to_string();
    Diagnostic::new(
        &page.source,
        line_of(&text, "award"),
        Kind::Rule,
        format!(
            "`award` says {:?} on {}, but the recorded award in {} is {:?} on {}",
            written.awarded.proponent,
            date(written),
            shown(root, outcomes_file).display(),
            recorded.awarded.proponent,
            date(recorded),
        ),
        format!(
            "the recorded award is published without `award`: remove `award` from this file, or \
             write `award: {{ proponent: {:?}, date: {} }}`",
            recorded.awarded.proponent,
            date(recorded),
        ),
    )
}

/// `check`'s warnings about the outcomes in `content`: outcomes for slugs no file has.
pub fn check(root: &Path, content: &Content) -> Vec<Diagnostic> {
    let file = shown(root, &content.outcomes_file);
    let text = std::fs::read_to_string(&content.outcomes_file).unwrap_or_default();
    content
        .outcomes
        .opportunities
        .keys()
        .filter(|slug| {
            !content
                .opportunities
                .iter()
                .any(|p| &p.opportunity.slug == *slug)
        })
        .map(|slug| {
            let line = text
                .lines()
                .position(|line| line.trim_start().starts_with(&format!("{slug:?}:")))
                .map_or(1, |i| i + 1);
            Diagnostic::new(
                &file,
                (line, 1),
                Kind::Outcomes,
                format!("there is an outcome for `{slug}`, but no content/opportunities/{slug}.md"),
                "restore the opportunity's file (its outcome is published with it), or ignore this if it was removed on purpose",
            )
            .with_severity(Severity::Warning)
        })
        .collect()
}
