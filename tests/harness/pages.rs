//! What the example site contains, read from `content/` and the built `public/`, so tests follow
//! the content instead of hard-coding it.

use super::site::Site;
use std::path::Path;

/// A page of the site the tests visit: a short name (used for screenshots) and its URL path.
#[derive(Debug, Clone)]
pub struct Page {
    /// Short name, e.g. `board` or `opportunity-permit-status-api`.
    pub name: String,
    /// URL path, e.g. `/opportunities/`.
    pub path: String,
}

impl Page {
    fn new(name: impl Into<String>, path: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            path: path.into(),
        }
    }
}

/// Every kind of generated page: home, board, a skill page, every opportunity (each status),
/// the wiki index and every wiki page, and the 404 page.
pub fn page_types(site: &Site) -> Vec<Page> {
    let mut pages = vec![
        Page::new("home", "/"),
        Page::new("board", "/opportunities/"),
    ];
    if let Some(skill) = first_subdir(&site.public().join("opportunities/skills")) {
        pages.push(Page::new(
            format!("skill-{skill}"),
            format!("/opportunities/skills/{skill}/"),
        ));
    }
    for (slug, _) in site.opportunity_pages() {
        pages.push(Page::new(
            format!("opportunity-{slug}"),
            format!("/opportunities/{slug}/"),
        ));
    }
    for path in site.public_files("index.html") {
        let relative = path
            .strip_prefix(site.public())
            .expect("under public/")
            .to_string_lossy()
            .replace('\\', "/");
        if let Some(dir) = relative.strip_prefix("wiki/") {
            let dir = dir.trim_end_matches("index.html");
            let name = format!("wiki-{}", dir.trim_end_matches('/').replace('/', "-"));
            let name = if dir.is_empty() {
                "wiki".to_string()
            } else {
                name
            };
            pages.push(Page::new(name, format!("/wiki/{dir}")));
        }
    }
    pages.push(Page::new("not-found", "/404.html"));
    pages
}

/// Product owners' email addresses from the content's front matter (they must stay private).
pub fn owner_emails() -> Vec<String> {
    let dir = super::site::source_root().join("content/opportunities");
    let mut emails = Vec::new();
    for entry in std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
    {
        let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
        for line in text.lines() {
            if let Some(rest) = line.trim().strip_prefix("email:") {
                emails.push(rest.trim().trim_matches(['"', '\'']).to_lowercase());
            }
            // The inline form: product_owner: { name: "…", email: "…" }
            if let Some((_, rest)) = line.split_once("email:")
                && line.trim_start().starts_with("product_owner:")
            {
                let email: String = rest
                    .trim()
                    .trim_start_matches(['"', '\''])
                    .chars()
                    .take_while(|c| !matches!(c, '"' | '\'' | ' ' | '}' | ','))
                    .collect();
                emails.push(email.to_lowercase());
            }
        }
    }
    emails.retain(|email| email.contains('@'));
    emails.sort();
    emails.dedup();
    emails
}

/// The product owner's email of the opportunity `slug` (from its front matter).
pub fn owner_email(slug: &str) -> String {
    let file = super::site::source_root().join(format!("content/opportunities/{slug}.md"));
    let text = std::fs::read_to_string(&file)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()));
    let owners = owner_emails();
    owners
        .into_iter()
        .find(|email| text.to_lowercase().contains(email.as_str()))
        .unwrap_or_else(|| panic!("no product_owner email in {}", file.display()))
}

fn first_subdir(dir: &Path) -> Option<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .filter(|entry| entry.path().is_dir())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names.into_iter().next()
}

/// The front matter of `content/opportunities/<slug>.md`, as text.
fn front_matter(slug: &str) -> String {
    let file = super::site::source_root().join(format!("content/opportunities/{slug}.md"));
    let text = std::fs::read_to_string(&file)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()));
    text.split("\n---").next().unwrap_or("").to_string()
}

/// A top-level scalar of an opportunity's front matter (quotes removed).
pub fn front_matter_value(slug: &str, key: &str) -> Option<String> {
    front_matter(slug).lines().find_map(|line| {
        line.strip_prefix(&format!("{key}:"))
            .map(|value| value.trim().trim_matches(['"', '\'']).to_string())
    })
}

/// The opportunity's title.
pub fn title(slug: &str) -> String {
    front_matter_value(slug, "title").unwrap_or_else(|| panic!("{slug} has no title"))
}

/// Whether the opportunity may be done remotely.
pub fn is_remote(slug: &str) -> bool {
    front_matter_value(slug, "remote").as_deref() == Some("true")
}

/// The evaluation criteria texts of the opportunity.
pub fn criteria(slug: &str) -> Vec<String> {
    front_matter(slug)
        .split("criterion:")
        .skip(1)
        .filter_map(|rest| {
            let rest = rest.trim_start();
            let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
            rest[1..].split(quote).next().map(str::to_string)
        })
        .collect()
}
