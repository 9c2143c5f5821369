//! The validated opportunity and its parts: what the renderer and the registry are built from.

use crate::money::Reward;
use crate::outcome::Outcome;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// Where an opportunity is in its publishing life, as written in front matter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lifecycle {
    /// Not public yet; built only with `--drafts`.
    Draft,
    /// Public; its status then follows from its dates and award.
    Published,
    /// Withdrawn; stays public with a notice.
    Cancelled,
}

/// A person to contact. The product owner's email is private: never render it publicly.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Contact {
    /// Full name, shown publicly.
    pub name: String,
    /// Normalized email, private.
    pub email: String,
}

/// One scored criterion.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Criterion {
    /// What is scored.
    pub criterion: String,
    /// Its weight; all criteria add up to 100.
    pub points: u32,
}

/// A change published after the opportunity went out.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Addendum {
    /// When it was published.
    pub date: Timestamp,
    /// What changed (Markdown).
    pub text: String,
}

/// A validated opportunity. Deliberately not `Serialize`: templates get purpose-built views so the
/// owner's email cannot leak into public pages by accident.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub struct Opportunity {
    pub slug: String,
    pub title: String,
    pub teaser: String,
    pub organization: String,
    pub product_owner: Contact,
    pub reward: Reward,
    pub location: String,
    pub remote: bool,
    pub remote_details: Option<String>,
    pub skills: Vec<String>,
    /// When the opportunity went public; dates its feed item so readers see it once.
    pub published: Option<Timestamp>,
    pub proposal_deadline: Timestamp,
    pub assignment_date: Timestamp,
    pub start_date: Timestamp,
    pub completion_date: Option<Timestamp>,
    pub repository: String,
    /// The GitHub issue for questions; `None` until the workflow creates it (see `questions-issue`).
    pub questions: Option<String>,
    pub acceptance_criteria: Vec<String>,
    pub evaluation_criteria: Vec<Criterion>,
    pub proposal_requirements: Vec<String>,
    /// Newest first.
    pub addenda: Vec<Addendum>,
    pub lifecycle: Lifecycle,
    /// The public outcome (award, acceptance, payment): from the outcomes file when it has one
    /// for this opportunity, else from the front matter's `award` (opportunities awarded before
    /// the platform recorded awards).
    pub outcome: Option<Outcome>,
}
