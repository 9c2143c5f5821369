//! The front matter as written: the input schema, every field optional so one pass can report
//! every problem. Its keys are those of the field table (`fields`), which a test holds it to.

use super::model::Lifecycle;
use serde::Deserialize;

/// Front matter as written: every field optional so all problems can be reported at once.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct FrontMatter {
    pub title: Option<String>,
    pub teaser: Option<String>,
    pub organization: Option<String>,
    pub product_owner: Option<ContactInput>,
    pub reward: Option<i64>,
    pub location: Option<String>,
    pub remote: Option<bool>,
    pub remote_details: Option<String>,
    pub skills: Option<Vec<String>>,
    pub published: Option<String>,
    pub proposal_deadline: Option<String>,
    pub assignment_date: Option<String>,
    pub start_date: Option<String>,
    pub completion_date: Option<String>,
    pub repository: Option<String>,
    pub questions: Option<String>,
    pub acceptance_criteria: Option<Vec<String>>,
    pub evaluation_criteria: Option<Vec<CriterionInput>>,
    pub proposal_requirements: Option<Vec<String>>,
    pub addenda: Option<Vec<AddendumInput>>,
    pub status: Option<Lifecycle>,
    pub award: Option<AwardInput>,
}

/// `product_owner` as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct ContactInput {
    pub name: Option<String>,
    pub email: Option<String>,
}

/// One `evaluation_criteria` entry as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct CriterionInput {
    pub criterion: Option<String>,
    pub points: Option<i64>,
}

/// One `addenda` entry as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct AddendumInput {
    pub date: Option<String>,
    pub text: Option<String>,
}

/// `award` as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct AwardInput {
    pub proponent: Option<String>,
    pub date: Option<String>,
}
