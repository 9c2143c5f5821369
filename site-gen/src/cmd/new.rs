//! `site-gen new opportunity <slug>`: write a commented opportunity template to fill in.
//!
//! Every field is explained where it is written. Values to fill in are `TODO` placeholders,
//! which `check` rejects one by one with their line, so a half-filled file never publishes.

use anyhow::{Context, bail};
use cwu_domain::slug::check as check_slug;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

/// The opportunity template; each `TODO` is a placeholder that `check` reports until replaced.
pub const OPPORTUNITY_TEMPLATE: &str = r#"---
# A new Code With Us opportunity. Replace every TODO (check reports each one it finds), then run
# `site-gen check`. The full reference is the wiki page /wiki/how-to-publish/.
# Lines starting with # are comments: keep or delete them, they are never published.

# The page heading, also used in feeds. 1 to 200 characters.
# Example: title: "Permit status API for the Ministry of Forests"
title: "TODO: what the work is, in a few words"

# One or two sentences shown on the board and in feeds. Up to 500 characters.
teaser: "TODO: one or two sentences that make a developer want to read more"

# The ministry or organisation paying for the work. Up to 200 characters.
# Example: organization: "Ministry of Forests"
organization: "TODO: your ministry or organisation"

# Who receives the proposals. The name is shown publicly; the email is PRIVATE: proposals are
# sent to it and it never appears on the public site.
product_owner:
  name: "TODO: your full name"
  email: "TODO: your work email, e.g. priya.sandhu@gov.bc.ca"

# The fixed price in whole Canadian dollars, from 1 to 70000, without $ or commas.
# Example: reward: 25000
reward: TODO

# Where the team is based. Up to 200 characters. Example: location: "Victoria, BC"
location: "TODO: city and province"

# Can the work be done remotely? true or false.
remote: TODO

# Required when remote is true (delete the line when it is false): where the developer may work
# from, meetings and time zones. Up to 500 characters.
remote_details: "TODO: e.g. Fully remote within Canada; a weekly check-in on Tuesdays, Pacific time"

# At least one skill, each up to 100 characters; the same skill twice is an error. Reuse the
# spelling other opportunities use, so the skill filter and feeds group them.
# Example: skills: [Rust, PostgreSQL, OpenAPI]
skills: [TODO]

# Dates. 2027-03-12 alone means 4:00 PM Pacific time (America/Vancouver) that day; a time can be
# given as 2027-03-12T12:00 (Pacific time). They must be in this order:
# published < proposal_deadline < assignment_date <= start_date <= completion_date.
# The day the opportunity goes public (the day the pull request is merged); it dates the RSS
# item, so subscribers see the opportunity once. Optional, but set it.
published: TODO
proposal_deadline: TODO
assignment_date: TODO
start_date: TODO
# Optional: when the work should be finished. Delete the line if there is no end date.
completion_date: TODO

# The https:// address of the public repository where the work happens.
repository: "TODO: e.g. https://github.com/bcgov/permit-status"
# Optional: the GitHub issue where developers ask questions. Delete the line to have the issue
# created (and its address added by a pull request) when the opportunity is merged.
questions: "TODO: e.g. https://github.com/bcgov/permit-status/issues/1"

# When the work is accepted and paid: checkable statements, at least one, each up to 2,000 characters.
acceptance_criteria:
  - "TODO: e.g. Every endpoint in openapi.yaml returns the documented responses."

# How proposals are scored: at least one criterion with its points (1 to 100 each);
# the points must add up to exactly 100.
evaluation_criteria:
  - { criterion: "TODO: e.g. Experience building web services in Rust", points: TODO }
  - { criterion: "TODO: e.g. Proposed approach, including testing", points: TODO }

# What every proposal must contain: at least one item, each up to 2,000 characters.
proposal_requirements:
  - "TODO: e.g. Links to one or two public repositories you wrote or contributed to."

# Optional: changes published after the opportunity went out, shown newest first.
# addenda:
#   - date: 2027-02-20
#     text: "The sample data is now in the repository under fixtures/."

# draft (not public, built only with --drafts), published, or cancelled.
# Keep draft while you write; change it to published when the pull request is ready to merge.
status: draft

# Only for work awarded before the platform recorded awards: the successful proponent's public
# name and the date. An award made on the evaluation page is published without it.
# award: { proponent: "Name of the proponent", date: 2027-03-19 }
---

## The problem

TODO: who has the problem today, and what it costs them. Plain language, a paragraph or two.

## What we want built

TODO: what the finished work does. Link to the repository and anything already written.

## How we will work

TODO: how often you review pull requests, meetings, and how to reach you. Questions go on the
GitHub issue so everyone sees the answers; see [how to submit a proposal](/wiki/how-to-submit/).
"#;

/// Writes the opportunity template for `slug`; never overwrites an existing file.
pub fn opportunity(root: &Path, slug: &str) -> anyhow::Result<ExitCode> {
    if let Err(message) = check_slug(slug) {
        bail!("{message}");
    }
    let relative = format!("content/opportunities/{slug}.md");
    let path = root.join(&relative);
    if path.exists() {
        bail!("{relative} already exists; choose another slug or edit that file");
    }
    if let Some(folder) = path.parent() {
        std::fs::create_dir_all(folder)
            .with_context(|| format!("cannot create {}", folder.display()))?;
    }
    // create_new: a file appearing between the check and the write is not overwritten.
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .with_context(|| format!("cannot create {relative}"))?;
    file.write_all(OPPORTUNITY_TEMPLATE.as_bytes())
        .with_context(|| format!("cannot write {relative}"))?;
    println!(
        "wrote {relative}: replace every TODO, then run `site-gen check` to find what is left"
    );
    Ok(ExitCode::SUCCESS)
}
