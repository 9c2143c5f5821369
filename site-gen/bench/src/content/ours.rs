//! Writes the synthetic site in the Code With Us content format (`content/` of a site root).

use super::model::{Opportunity, Site, WIKI_PAGES, WikiPage};
use anyhow::{Context, Result};
use std::fmt::Write as _;
use std::fs;
use std::path::Path;

/// `content/site.yaml` of the benchmark site.
const SITE_YAML: &str = r#"title: "Code With Us"
description: "Paid, fixed-price opportunities for developers to contribute open source code to British Columbia public-sector digital services."
base_url: "https://codewithus.example.gov.bc.ca"
time_zone: "America/Vancouver"
form_action: "/api/proposals"
terms_version: "2026-06"
contact_email: "codewithus@example.gov.bc.ca"
github: "https://github.com/bcgov-example"
theme: "default"
ocid_prefix: "ocds-a1b2c3"
"#;

/// `content/index.md` of the benchmark site (also Hugo's home page).
pub const INDEX_MD: &str = r#"---
title: "Code With Us"
description: "Get paid to write open source code for British Columbia public-sector digital services."
---

Code With Us lets developers get paid for contributing code, in the open, to British Columbia
public-sector digital services. Each opportunity has a fixed price of up to $70,000, the work happens
in a public GitHub repository, and you are paid once the product owner confirms the acceptance
criteria are met.

New here? Read [how Code With Us works](/wiki/), then [how to submit a proposal](/wiki/how-to-submit/).
"#;

/// Writes `content/` below `root` and links `root/themes` to the repository's themes.
pub fn write(site: &Site, root: &Path, themes: &Path) -> Result<()> {
    let content = root.join("content");
    fs::create_dir_all(content.join("opportunities"))?;
    fs::create_dir_all(content.join("wiki"))?;
    fs::write(content.join("site.yaml"), SITE_YAML)?;
    fs::write(content.join("index.md"), INDEX_MD)?;
    for i in 0..site.len() {
        let o = site.opportunity(i);
        let text = format!("---\n{}---\n\n{}", front_matter(&o), o.body);
        fs::write(
            content.join("opportunities").join(format!("{}.md", o.slug)),
            text,
        )?;
    }
    for k in 0..WIKI_PAGES {
        let page = site.wiki_page(k);
        fs::write(
            content.join("wiki").join(format!("{}.md", page.path)),
            wiki_page(&page),
        )?;
    }
    let link = root.join("themes");
    if fs::symlink_metadata(&link).is_err() {
        std::os::unix::fs::symlink(themes, &link)
            .with_context(|| format!("linking {} to {}", link.display(), themes.display()))?;
    }
    Ok(())
}

/// A double-quoted YAML scalar.
pub fn q(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The front matter of an opportunity (without the `---` fences), every schema field.
pub fn front_matter(o: &Opportunity) -> String {
    let mut y = String::with_capacity(3000);
    let _ = writeln!(y, "title: {}", q(&o.title));
    let _ = writeln!(y, "teaser: {}", q(&o.teaser));
    let _ = writeln!(y, "organization: {}", q(o.organization));
    let _ = writeln!(
        y,
        "product_owner:\n  name: {}\n  email: {}",
        q(&o.owner.name),
        q(&o.owner.email)
    );
    let _ = writeln!(y, "reward: {}", o.reward);
    let _ = writeln!(y, "location: {}", q(o.location));
    let _ = writeln!(y, "remote: {}", o.remote);
    if let Some(details) = &o.remote_details {
        let _ = writeln!(y, "remote_details: {}", q(details));
    }
    let _ = writeln!(
        y,
        "skills: [{}]",
        o.skills.iter().map(|s| q(s)).collect::<Vec<_>>().join(", ")
    );
    let _ = writeln!(y, "proposal_deadline: {}", o.deadline);
    let _ = writeln!(y, "assignment_date: {}", o.assignment);
    let _ = writeln!(y, "start_date: {}", o.start);
    if let Some(c) = o.completion {
        let _ = writeln!(y, "completion_date: {c}");
    }
    let _ = writeln!(y, "repository: {}", q(&o.repository));
    let _ = writeln!(y, "questions: {}", q(&o.questions));
    y.push_str("acceptance_criteria:\n");
    for a in &o.acceptance {
        let _ = writeln!(y, "  - {}", q(a));
    }
    y.push_str("evaluation_criteria:\n");
    for c in &o.evaluation {
        let _ = writeln!(
            y,
            "  - {{ criterion: {}, points: {} }}",
            q(&c.criterion),
            c.points
        );
    }
    y.push_str("proposal_requirements:\n");
    for r in &o.requirements {
        let _ = writeln!(y, "  - {}", q(r));
    }
    if !o.addenda.is_empty() {
        y.push_str("addenda:\n");
        for a in &o.addenda {
            let _ = writeln!(y, "  - date: {}\n    text: {}", a.date, q(&a.text));
        }
    }
    let _ = writeln!(y, "status: {}", o.status());
    if let Some((proponent, date)) = &o.award {
        let _ = writeln!(y, "award:\n  proponent: {}\n  date: {date}", q(proponent));
    }
    y
}

/// A wiki page file: front matter and body.
pub fn wiki_page(page: &WikiPage) -> String {
    format!(
        "---\ntitle: {}\nweight: {}\ndescription: {}\n---\n\n{}",
        q(&page.title),
        page.weight,
        q(&page.description),
        page.body
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_escape_backslashes_and_quotes() {
        assert_eq!(q(r#"a "b" \c"#), r#""a \"b\" \\c""#);
    }

    #[test]
    fn front_matter_has_every_required_key() {
        let site = Site::new(1, 20);
        let fm = front_matter(&site.opportunity(2));
        for key in [
            "title:",
            "teaser:",
            "organization:",
            "product_owner:",
            "reward:",
            "location:",
            "remote:",
            "skills:",
            "proposal_deadline:",
            "assignment_date:",
            "start_date:",
            "repository:",
            "questions:",
            "acceptance_criteria:",
            "evaluation_criteria:",
            "proposal_requirements:",
            "status:",
        ] {
            assert!(fm.contains(key), "{key} missing in\n{fm}");
        }
    }
}
