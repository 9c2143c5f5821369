//! `site-gen new opportunity <slug>`: write a commented opportunity template to fill in.
//!
//! Every field is explained where it is written, from the domain's field table (the same one
//! the wiki's reference and `check`'s hints come from). Values to fill in are `TODO` placeholders,
//! which `check` rejects one by one with their line, so a half-filled file never publishes.

use anyhow::{Context, bail};
use cwu_domain::opportunity::{FIELD_TABLE, Template};
use cwu_domain::slug::check as check_slug;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

/// What the template says before the fields.
const HEADER: &str = "\
# A new Code With Us opportunity. Replace every TODO (check reports each one it finds), then run
# `site-gen check`. The full reference is the wiki page /wiki/how-to-publish/.
# Lines starting with # are comments: keep or delete them, they are never published.
";

/// The description to write, after the front matter.
const BODY: &str = "
## The problem

TODO: who has the problem today, and what it costs them. Plain language, a paragraph or two.

## What we want built

TODO: what the finished work does. Link to the repository and anything already written.

## How we will work

TODO: how often you review pull requests, meetings, and how to reach you. Questions go on the
GitHub issue so everyone sees the answers; see [how to submit a proposal](/wiki/how-to-submit/).
";

/// The opportunity template, written from the domain's field table: each field's comment, its
/// example and its placeholder. Each `TODO` is a placeholder that `check` reports until replaced.
pub fn opportunity_template() -> String {
    let mut out = format!("---\n{HEADER}");
    for field in FIELD_TABLE {
        let (comment, value, commented) = match field.template {
            Template::InParent => continue,
            Template::Value { comment, value } => (comment, value, false),
            Template::Commented { comment, value } => (comment, value, true),
        };
        if !comment.is_empty() {
            out.push('\n');
        }
        for line in comment.lines() {
            out.push_str(&format!("# {line}\n"));
        }
        if let Some(example) = field.example_line().filter(|_| value.contains("TODO")) {
            out.push_str(&format!("# Example: {example}\n"));
        }
        let space = if value.starts_with('\n') { "" } else { " " };
        for line in format!("{}:{space}{value}", field.name).lines() {
            let prefix = if commented { "# " } else { "" };
            out.push_str(&format!("{prefix}{line}\n"));
        }
    }
    out.push_str("---\n");
    out.push_str(BODY);
    out
}

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
    file.write_all(opportunity_template().as_bytes())
        .with_context(|| format!("cannot write {relative}"))?;
    println!(
        "wrote {relative}: replace every TODO, then run `site-gen check` to find what is left"
    );
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_writes_every_top_level_field_once() {
        let template = opportunity_template();
        for name in cwu_domain::opportunity::FIELDS {
            let written = template
                .lines()
                .filter(|line| {
                    let line = line.strip_prefix("# ").unwrap_or(line);
                    line.starts_with(&format!("{name}:"))
                })
                .count();
            assert_eq!(written, 1, "{name}\n{template}");
        }
        assert!(template.contains("# Example: reward: 25000\nreward: TODO\n"));
        assert!(template.contains("\n# award: { proponent: "), "{template}");
    }
}
