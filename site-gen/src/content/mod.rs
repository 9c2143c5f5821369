//! Reading `content/`: front matter and Markdown bodies into validated pages.

use crate::config::SiteConfig;
use cwu_domain::Opportunity;
use std::path::PathBuf;

/// An opportunity and its Markdown description.
#[derive(Debug, Clone)]
pub struct OpportunityPage {
    /// The validated front matter.
    pub opportunity: Opportunity,
    /// The Markdown body: the description.
    pub body: String,
    /// The file, relative to the site root.
    pub source: PathBuf,
}

/// A wiki page.
#[derive(Debug, Clone)]
pub struct WikiPage {
    /// Path under `content/wiki/` without `.md`, e.g. `for-developers/local-setup`; `index` for the wiki home.
    pub path: String,
    /// Site-absolute URL, e.g. `/wiki/for-developers/local-setup/`.
    pub url: String,
    /// Title from front matter.
    pub title: String,
    /// Sidebar order (smaller first, then title).
    pub weight: i64,
    /// Optional description for meta tags.
    pub description: Option<String>,
    /// The Markdown body.
    pub body: String,
    /// The file, relative to the site root.
    pub source: PathBuf,
}

/// The home page's intro (`content/index.md`).
#[derive(Debug, Clone)]
pub struct HomePage {
    /// Page title.
    pub title: String,
    /// Description for meta tags.
    pub description: String,
    /// The Markdown intro.
    pub body: String,
}

/// Everything in `content/`, validated.
#[derive(Debug, Clone)]
pub struct Content {
    /// Site settings.
    pub config: SiteConfig,
    /// The home page intro.
    pub home: HomePage,
    /// Every opportunity, drafts included (the build decides what to publish).
    pub opportunities: Vec<OpportunityPage>,
    /// Every wiki page.
    pub wiki: Vec<WikiPage>,
}
