//! `content/site.yaml`: the site-wide settings.

use serde::{Deserialize, Serialize};

/// Site-wide settings from `content/site.yaml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    /// Site title, e.g. "Code With Us".
    pub title: String,
    /// One-sentence description for meta tags and feeds.
    pub description: String,
    /// Absolute base URL, e.g. `https://codewithus.example.gov.bc.ca`.
    pub base_url: String,
    /// Always `America/Vancouver` today; kept explicit for readers of the file.
    pub time_zone: String,
    /// Where the proposal form posts, e.g. `/api/proposals`.
    pub form_action: String,
    /// The version of the terms proponents accept.
    pub terms_version: String,
    /// Where people can ask for help.
    pub contact_email: String,
    /// The GitHub organization or repository URL.
    pub github: String,
    /// Theme folder name under `themes/`.
    pub theme: String,
}
