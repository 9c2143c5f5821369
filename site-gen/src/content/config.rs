//! `content/site.yaml`: the site-wide settings, and the checks each one must pass.

use super::analyse::{Schema, analyse};
use super::diagnostics::{Diagnostic, Kind};
use super::source::read_text;
use super::yaml::{Yaml, parse_fast};
use cwu_domain::FieldPath;
use serde::{Deserialize, Serialize};
use std::path::Path;

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
    /// The publisher's Open Contracting ID prefix (`ocds-` and six letters or digits, registered
    /// with the Open Contracting Partnership): each opportunity's OCID is `<prefix>-<slug>`.
    pub ocid_prefix: String,
}

/// The site configuration file, relative to the site root.
pub const CONFIG_FILE: &str = "content/site.yaml";

/// Every key of `site.yaml`, all required.
pub const CONFIG_FIELDS: &[&str] = &[
    "title",
    "description",
    "base_url",
    "time_zone",
    "form_action",
    "terms_version",
    "contact_email",
    "github",
    "theme",
    "ocid_prefix",
];

fn example(field: &str) -> Option<String> {
    let line = match field {
        "title" => "title: \"Code With Us\"",
        "description" => {
            "description: \"Paid, fixed-price opportunities to write open source code.\""
        }
        "base_url" => "base_url: \"https://codewithus.example.gov.bc.ca\"",
        "time_zone" => "time_zone: \"America/Vancouver\"",
        "form_action" => "form_action: \"/api/proposals\"",
        "terms_version" => "terms_version: \"2026-06\"",
        "contact_email" => "contact_email: \"codewithus@example.gov.bc.ca\"",
        "github" => "github: \"https://github.com/bcgov\"",
        "theme" => "theme: \"default\"",
        "ocid_prefix" => "ocid_prefix: \"ocds-a1b2c3\"",
        _ => return None,
    };
    Some(line.to_owned())
}

const SCHEMA: Schema = Schema {
    fields: CONFIG_FIELDS,
    nested: &[],
    required: CONFIG_FIELDS,
    example,
};

/// Reads and checks `content/site.yaml` under `root`, reporting every problem.
pub fn load(root: &Path) -> Result<SiteConfig, Vec<Diagnostic>> {
    let file = Path::new(CONFIG_FILE);
    let text = read_text(root, file).map_err(|problem| vec![problem])?;
    let yaml = Yaml {
        file,
        text: &text,
        first_line: 1,
        open_line: 1,
    };
    let config = match parse_fast::<SiteConfig>(&yaml) {
        Some(config) => config,
        None => {
            let analysis = analyse::<SiteConfig>(&yaml, &SCHEMA);
            match analysis.value {
                Some(config) if analysis.diagnostics.is_empty() => config,
                _ => return Err(analysis.diagnostics),
            }
        }
    };
    let problems = config.problems(root);
    if problems.is_empty() {
        Ok(config)
    } else {
        Err(problems
            .into_iter()
            .map(|(field, message, hint)| {
                yaml.at(&FieldPath::key(field), Kind::Config, message, hint)
            })
            .collect())
    }
}

/// Whether `url` is `https://host…` with a dotted host and no spaces.
fn is_https_url(url: &str) -> bool {
    url.strip_prefix("https://")
        .and_then(|rest| rest.split('/').next())
        .is_some_and(|host| host.contains('.'))
        && !url.contains(char::is_whitespace)
}

/// Whether `prefix` is an OCID prefix as the Open Contracting Partnership assigns them:
/// `ocds-` and six lowercase letters or digits.
fn is_ocid_prefix(prefix: &str) -> bool {
    prefix.strip_prefix("ocds-").is_some_and(|code| {
        code.len() == 6
            && code
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    })
}

impl SiteConfig {
    /// The rules each setting must follow: `(field, message, hint)` for each broken one.
    fn problems(&self, root: &Path) -> Vec<(&'static str, String, String)> {
        let mut problems = Vec::new();
        let mut problem =
            |field, message: String, hint: String| problems.push((field, message, hint));
        for (field, value) in [
            ("title", &self.title),
            ("description", &self.description),
            ("terms_version", &self.terms_version),
        ] {
            if value.trim().is_empty() {
                problem(
                    field,
                    format!("`{field}` is empty"),
                    format!("write it like `{}`", example(field).unwrap_or_default()),
                );
            }
        }
        if !is_https_url(&self.base_url) || self.base_url.ends_with('/') {
            problem(
                "base_url",
                format!(
                    "`{}` is not an https:// address without a trailing slash",
                    self.base_url
                ),
                format!(
                    "write it like `{}`",
                    example("base_url").unwrap_or_default()
                ),
            );
        }
        if self.time_zone != cwu_domain::when::TIME_ZONE {
            problem(
                "time_zone",
                format!("the time zone `{}` is not supported", self.time_zone),
                format!(
                    "write `time_zone: \"{}\"`; every date is read in that zone",
                    cwu_domain::when::TIME_ZONE
                ),
            );
        }
        let action = &self.form_action;
        if !(action.starts_with('/') && !action.starts_with("//") || is_https_url(action))
            || action.contains(char::is_whitespace)
        {
            problem(
                "form_action",
                format!("`{action}` is neither a site path nor an https:// address"),
                format!(
                    "write it like `{}`",
                    example("form_action").unwrap_or_default()
                ),
            );
        }
        if let Err(message) = cwu_domain::email::normalize_email(&self.contact_email) {
            problem(
                "contact_email",
                message,
                format!(
                    "write it like `{}`",
                    example("contact_email").unwrap_or_default()
                ),
            );
        }
        if !is_https_url(&self.github) {
            problem(
                "github",
                format!("`{}` is not an https:// address", self.github),
                format!("write it like `{}`", example("github").unwrap_or_default()),
            );
        }
        if !is_ocid_prefix(&self.ocid_prefix) {
            problem(
                "ocid_prefix",
                format!(
                    "`{}` is not an OCID prefix: `ocds-` and six lowercase letters or digits",
                    self.ocid_prefix
                ),
                format!(
                    "write the prefix the Open Contracting Partnership registered for you, like `{}`",
                    example("ocid_prefix").unwrap_or_default()
                ),
            );
        }
        let valid_name = !self.theme.is_empty()
            && self
                .theme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !valid_name || !root.join("themes").join(&self.theme).is_dir() {
            let available: Vec<String> = std::fs::read_dir(root.join("themes"))
                .into_iter()
                .flatten()
                .flatten()
                .filter(|entry| entry.path().is_dir())
                .map(|entry| format!("`{}`", entry.file_name().to_string_lossy()))
                .collect();
            problem(
                "theme",
                format!("there is no theme `{}` in `themes/`", self.theme),
                if available.is_empty() {
                    "add the theme's folder under `themes/`".to_owned()
                } else {
                    format!("use one of {}", available.join(", "))
                },
            );
        }
        problems
    }
}
