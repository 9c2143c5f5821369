//! The private registry: what the functions need to know about each opportunity.
//!
//! `site-gen build` writes it as JSON outside `public/` (it holds owners' emails); the functions
//! read it to validate and route proposals. It also carries the site's page chrome so response
//! pages look like the rest of the site.

use crate::money::Reward;
use crate::opportunity::{Addendum, Contact, Criterion, Lifecycle, Opportunity};
use crate::status::{Stage, Status};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

mod entries;
pub use entries::Entries;

/// Marker in [`Registry::page_shell`] replaced by the page title (escaped HTML).
pub const TITLE_MARKER: &str = "<!--cwu:title-->";
/// Marker in [`Registry::page_shell`] replaced by the page's main content (HTML).
pub const MAIN_MARKER: &str = "<!--cwu:main-->";

/// Site-wide facts the functions use in pages and mail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteInfo {
    /// Site title, e.g. "Code With Us".
    pub title: String,
    /// Absolute base URL without a trailing slash.
    pub base_url: String,
    /// Where people can ask for help.
    pub contact_email: String,
    /// The terms version proponents must accept.
    pub terms_version: String,
}

/// One opportunity as the functions see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub struct RegistryEntry {
    pub slug: String,
    pub title: String,
    /// Absolute URL of the opportunity's page.
    pub url: String,
    pub organization: String,
    /// Private: the product owner, who receives each proposal.
    pub owner: Contact,
    /// Shown in the owner's mail.
    pub reward: Reward,
    /// The function refuses proposals from this moment, by its own clock.
    pub proposal_deadline: Timestamp,
    /// When it goes public: before then the functions refuse its proposals.
    #[serde(default)]
    pub published: Option<Timestamp>,
    pub lifecycle: Lifecycle,
    /// How far past the award it is, as recorded (award, acceptance, payment); `None` before.
    #[serde(default)]
    pub stage: Option<Stage>,
    pub evaluation_criteria: Vec<Criterion>,
    /// The GitHub issue for questions, once it exists.
    pub questions: Option<String>,
    /// Skills asked for: subscribers choose by them.
    pub skills: Vec<String>,
    /// Newest first: a new one is news for watchers and proponents.
    pub addenda: Vec<Addendum>,
    pub assignment_date: Timestamp,
    pub start_date: Timestamp,
    pub completion_date: Option<Timestamp>,
    /// Where the work is delivered in the open (the winner's result mail names it).
    #[serde(default)]
    pub repository: Option<String>,
}

impl RegistryEntry {
    /// The entry for `opportunity`, whose page lives under `base_url`.
    pub fn new(opportunity: &Opportunity, base_url: &str) -> Self {
        RegistryEntry {
            slug: opportunity.slug.clone(),
            title: opportunity.title.clone(),
            url: crate::urls::absolute(base_url, &crate::urls::opportunity(&opportunity.slug)),
            organization: opportunity.organization.clone(),
            owner: opportunity.product_owner.clone(),
            reward: opportunity.reward,
            proposal_deadline: opportunity.proposal_deadline,
            published: opportunity.published,
            lifecycle: opportunity.lifecycle,
            stage: opportunity.stage().map(|(stage, _)| stage),
            evaluation_criteria: opportunity.evaluation_criteria.clone(),
            questions: opportunity.questions.clone(),
            skills: opportunity.skills.clone(),
            addenda: opportunity.addenda.clone(),
            assignment_date: opportunity.assignment_date,
            start_date: opportunity.start_date,
            completion_date: opportunity.completion_date,
            repository: Some(opportunity.repository.clone()),
        }
    }

    /// Whether the work was awarded (whatever happened since).
    pub fn awarded(&self) -> bool {
        self.stage.is_some()
    }

    /// The status at `now`, by the caller's clock.
    pub fn status_at(&self, now: Timestamp) -> Status {
        Status::at(
            self.lifecycle,
            self.published,
            self.proposal_deadline,
            self.stage.map(|stage| (stage, self.start_date)),
            now,
        )
    }
}

/// Everything the functions read from the build.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registry {
    /// Site-wide facts.
    pub site: SiteInfo,
    /// A whole HTML page with [`TITLE_MARKER`] and [`MAIN_MARKER`] where content goes.
    pub page_shell: String,
    /// Published and cancelled opportunities by slug (drafts only with `--drafts`), each parsed
    /// when first used.
    pub opportunities: Entries,
}

impl Registry {
    /// Reads the JSON written by [`Registry::to_json`].
    pub fn from_json(json: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(json)
    }

    /// The JSON the functions read: compact, since every function reads it at its cold start.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("the registry is plain data")
    }

    /// The opportunity with this slug.
    pub fn get(&self, slug: &str) -> Option<&RegistryEntry> {
        self.opportunities.get(slug)
    }

    /// A full page in the site's look; both arguments must already be escaped HTML.
    pub fn page(&self, title_html: &str, main_html: &str) -> String {
        self.page_shell
            .replacen(TITLE_MARKER, title_html, 1)
            .replacen(MAIN_MARKER, main_html, 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::opportunity::rules::tests::valid;

    #[test]
    fn round_trips_and_renders_pages() {
        let opportunity = valid().validate("permit-api").unwrap();
        let entry = RegistryEntry::new(&opportunity, "https://cwu.example.ca/");
        assert_eq!(
            entry.url,
            "https://cwu.example.ca/opportunities/permit-api/"
        );
        let registry = Registry {
            site: SiteInfo {
                title: "Code With Us".into(),
                base_url: "https://cwu.example.ca".into(),
                contact_email: "cwu@example.ca".into(),
                terms_version: "2026-06".into(),
            },
            page_shell: format!("<title>{TITLE_MARKER}</title><main>{MAIN_MARKER}</main>"),
            opportunities: Entries::from([(entry.slug.clone(), entry)]),
        };
        let back = Registry::from_json(&registry.to_json()).unwrap();
        assert_eq!(back, registry);
        assert_eq!(
            back.page("T", "<p>M</p>"),
            "<title>T</title><main><p>M</p></main>"
        );
        // After its `published` date (2027-01-20): before it, it is not public yet.
        let now = "2027-01-21T20:00:00Z".parse().unwrap();
        assert_eq!(back.get("permit-api").unwrap().status_at(now), Status::Open);
        let before = "2027-01-19T20:00:00Z".parse().unwrap();
        assert_eq!(
            back.get("permit-api").unwrap().status_at(before),
            Status::Draft
        );
    }
}
