//! The public outcome of an opportunity: who was awarded the work, when it was accepted and when it
//! was paid. These are the only facts of the private evaluation that are published.
//!
//! The functions record each fact once in the store (award, acceptance and payment are evaluation
//! events) and then write [`Outcomes`] — every opportunity's public outcome, derived from the store
//! — to the outcomes file, replacing it whole. The build reads that file, so the public record needs
//! no hand-copying into Markdown. Locally the file is `<site>/.local/outcomes.json` (beside the
//! store); on AWS it is the object [`OUTCOMES_FILE`] in the private bucket, fetched by the deploy and
//! the hourly rebuild before they build. Nothing private belongs here: no proposal text, no score,
//! no email address.

use crate::money::Reward;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The file (and S3 object key) holding [`Outcomes`].
pub const OUTCOMES_FILE: &str = "outcomes.json";

/// The format version written to and expected in the file.
pub const OUTCOMES_VERSION: u32 = 1;

/// Every recorded outcome, by opportunity slug.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Outcomes {
    /// [`OUTCOMES_VERSION`].
    pub version: u32,
    /// By opportunity slug.
    pub opportunities: BTreeMap<String, Outcome>,
}

/// One opportunity's public outcome.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Outcome {
    /// The award.
    pub awarded: Awarded,
    /// The work accepted, once it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accepted: Option<Accepted>,
    /// The payment made, once it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paid: Option<Paid>,
}

/// Who was awarded the work, when, for how much.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Awarded {
    /// The successful proponent's legal name, as in their proposal.
    pub proponent: String,
    /// Their organization, when they proposed as one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<String>,
    /// When the award was recorded.
    pub date: Timestamp,
    /// The fixed price (the opportunity's reward).
    pub amount: Reward,
}

/// The work accepted: the acceptance criteria were met.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Accepted {
    /// When it was accepted.
    pub date: Timestamp,
    /// Links to the delivered code (merged pull requests or a release), `https://` only.
    pub links: Vec<String>,
}

/// The payment made.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Paid {
    /// When it was paid.
    pub date: Timestamp,
    /// The amount paid: the fixed reward.
    pub amount: Reward,
}

/// Why an outcomes file was refused.
#[derive(Debug, thiserror::Error)]
pub enum OutcomesError {
    /// Not the expected JSON.
    #[error("the outcomes file is not valid: {0}")]
    Json(#[from] serde_json::Error),
    /// Written by another version of the product.
    #[error(
        "the outcomes file has version {found}; this version of the product reads version {OUTCOMES_VERSION}"
    )]
    Version {
        /// The version in the file.
        found: u32,
    },
}

impl Outcomes {
    /// An empty file's contents.
    pub fn new() -> Self {
        Outcomes {
            version: OUTCOMES_VERSION,
            opportunities: BTreeMap::new(),
        }
    }

    /// Reads the file's contents.
    pub fn from_json(text: &str) -> Result<Self, OutcomesError> {
        let outcomes: Outcomes = serde_json::from_str(text)?;
        if outcomes.version != OUTCOMES_VERSION {
            return Err(OutcomesError::Version {
                found: outcomes.version,
            });
        }
        Ok(outcomes)
    }

    /// The file's contents: pretty JSON, keys in slug order, so an unchanged outcome writes the
    /// same bytes.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("outcomes serialise") + "\n"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_other_versions() {
        let mut outcomes = Outcomes::new();
        outcomes.opportunities.insert(
            "permit-api".into(),
            Outcome {
                awarded: Awarded {
                    proponent: "Ada Lovelace".into(),
                    organization: None,
                    date: "2027-04-01T17:00:00Z".parse().unwrap(),
                    amount: Reward::new(25_000).unwrap(),
                },
                accepted: None,
                paid: None,
            },
        );
        let json = outcomes.to_json();
        assert!(!json.contains("organization"), "{json}");
        assert_eq!(Outcomes::from_json(&json).unwrap(), outcomes);
        let other = json.replace("\"version\": 1", "\"version\": 2");
        assert!(matches!(
            Outcomes::from_json(&other),
            Err(OutcomesError::Version { found: 2 })
        ));
        assert!(Outcomes::from_json(&json.replace("25000", "90000")).is_err());
    }
}
