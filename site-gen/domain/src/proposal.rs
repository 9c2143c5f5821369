//! The proposal form: its field names, limits and rules, shared by the page and the handler.

use crate::email::{MAX_EMAIL, normalize_email};
use serde::{Deserialize, Serialize};

/// Names of the form fields, used by the theme and by the handler.
pub mod field {
    /// The opportunity's slug (hidden).
    pub const OPPORTUNITY: &str = "opportunity";
    /// `individual` or `organization`.
    pub const PROPONENT_TYPE: &str = "proponent_type";
    /// The proponent's legal name.
    pub const LEGAL_NAME: &str = "legal_name";
    /// Required when the proponent is an organization.
    pub const ORGANIZATION_NAME: &str = "organization_name";
    /// Where the receipt goes; with the opportunity, it identifies the proposal.
    pub const EMAIL: &str = "email";
    /// Optional phone number.
    pub const PHONE: &str = "phone";
    /// The proposal itself.
    pub const PROPOSAL: &str = "proposal";
    /// Optional additional comments.
    pub const COMMENTS: &str = "comments";
    /// The terms checkbox.
    pub const ACCEPT_TERMS: &str = "accept_terms";
    /// The terms version shown with the checkbox (hidden).
    pub const TERMS_VERSION: &str = "terms_version";
    /// Honeypot: hidden from people, filled in by bots.
    pub const HONEYPOT: &str = "website";
}

/// Maximum lengths, in characters.
pub mod limits {
    /// Legal and organization names.
    pub const NAME: usize = 200;
    /// Email address.
    pub const EMAIL: usize = super::MAX_EMAIL;
    /// Phone number.
    pub const PHONE: usize = 30;
    /// Proposal text.
    pub const PROPOSAL: usize = 10_000;
    /// Additional comments.
    pub const COMMENTS: usize = 10_000;
    /// Room for the short fields (opportunity, proponent type, terms, honeypot) and the
    /// field names and separators of a form post, in bytes.
    pub const FORM_OVERHEAD: usize = 2 * 1024;
    /// Largest request body the handler reads, in bytes: every field at its limit in the
    /// widest UTF-8 (4 bytes a character), each byte percent-encoded (3), fits. 10,000
    /// accented French characters are 60 KB encoded, which the old 64 KiB limit could not
    /// take with anything else.
    pub const BODY_BYTES: usize =
        4 * 3 * (2 * NAME + EMAIL + PHONE + PROPOSAL + COMMENTS) + FORM_OVERHEAD;
}

/// The value of the terms checkbox when ticked.
pub const ACCEPTED: &str = "yes";

/// Who is proposing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProponentType {
    /// A person working on their own.
    Individual,
    /// A company or other organization.
    Organization,
}

/// The form as posted: every field a string, missing ones empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[allow(missing_docs)]
pub struct ProposalForm {
    pub opportunity: String,
    pub proponent_type: String,
    pub legal_name: String,
    pub organization_name: String,
    pub email: String,
    pub phone: String,
    pub proposal: String,
    pub comments: String,
    pub accept_terms: String,
    pub terms_version: String,
    pub website: String,
}

/// A proposal whose fields passed every rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub struct ProposalFields {
    pub opportunity: String,
    pub proponent_type: ProponentType,
    pub legal_name: String,
    pub organization_name: Option<String>,
    /// Normalized (trimmed, lowercase).
    pub email: String,
    pub phone: Option<String>,
    pub proposal: String,
    pub comments: Option<String>,
    pub terms_version: String,
}

/// A rule a form field broke.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field's name, one of [`field`].
    pub field: &'static str,
    /// What is wrong and how to fix it, addressed to the proponent.
    pub message: String,
}

impl ProposalForm {
    /// Whether the honeypot was filled in: a bot, not a person.
    pub fn is_spam(&self) -> bool {
        !self.website.trim().is_empty()
    }

    /// Checks every field against the rules; `terms_version` is the version currently in force.
    pub fn validate(&self, terms_version: &str) -> Result<ProposalFields, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut error = |field, message: String| errors.push(FieldError { field, message });

        let proponent_type = match self.proponent_type.as_str() {
            "individual" => Some(ProponentType::Individual),
            "organization" => Some(ProponentType::Organization),
            _ => {
                error(
                    field::PROPONENT_TYPE,
                    "Choose whether you are an individual or an organization.".into(),
                );
                None
            }
        };
        let legal_name = name(&self.legal_name, true, "your legal name")
            .map_err(|m| error(field::LEGAL_NAME, m))
            .ok()
            .flatten();
        let organization_name = name(
            &self.organization_name,
            proponent_type == Some(ProponentType::Organization),
            "the organization's legal name",
        )
        .map_err(|m| error(field::ORGANIZATION_NAME, m))
        .ok()
        .flatten();
        let email = normalize_email(&self.email)
            // The detailed reasons are written for content files; people filling in a form
            // need only the rule.
            .map_err(|_| {
                error(
                    field::EMAIL,
                    format!(
                        "Enter an email address like name@example.ca, up to {MAX_EMAIL} characters."
                    ),
                )
            })
            .ok();
        let phone = line(&self.phone, limits::PHONE, false, "a phone number")
            .and_then(|phone| match phone {
                Some(p)
                    if !p
                        .chars()
                        .all(|c| c.is_ascii_digit() || " +-().x".contains(c)) =>
                {
                    Err("Use digits, spaces and + - ( ) x only in the phone number.".into())
                }
                other => Ok(other),
            })
            .map_err(|m| error(field::PHONE, m))
            .ok()
            .flatten();
        let proposal = block(&self.proposal, limits::PROPOSAL, true, "your proposal")
            .map_err(|m| error(field::PROPOSAL, m))
            .ok()
            .flatten();
        let comments = block(&self.comments, limits::COMMENTS, false, "comments")
            .map_err(|m| error(field::COMMENTS, m))
            .ok()
            .flatten();
        if self.accept_terms != ACCEPTED {
            error(
                field::ACCEPT_TERMS,
                "You must accept the terms to submit a proposal.".into(),
            );
        } else if self.terms_version != terms_version {
            error(
                field::ACCEPT_TERMS,
                format!(
                    "The terms have changed to version {terms_version}. Read them and accept them again."
                ),
            );
        }

        match (proponent_type, legal_name, email, proposal) {
            (Some(proponent_type), Some(legal_name), Some(email), Some(proposal))
                if errors.is_empty() =>
            {
                Ok(ProposalFields {
                    opportunity: self.opportunity.trim().to_owned(),
                    proponent_type,
                    legal_name,
                    organization_name: organization_name
                        .filter(|_| proponent_type == ProponentType::Organization),
                    email,
                    phone,
                    proposal,
                    comments,
                    terms_version: terms_version.to_owned(),
                })
            }
            _ => Err(errors),
        }
    }
}

/// A one-line value: no line breaks or control characters (they could forge mail headers).
fn line(value: &str, max: usize, required: bool, what: &str) -> Result<Option<String>, String> {
    let value = value.trim();
    if crate::text::one_line_problem(value).is_some() {
        return Err(format!(
            "Write {what} on one line, without special or invisible characters."
        ));
    }
    length(value, max, required, what)
}

/// A name shown in the owner's mail (sender name, subject): one line, and nothing that could
/// pose as an address or be decoded into other text (see [`crate::text::name_problem`]).
fn name(value: &str, required: bool, what: &str) -> Result<Option<String>, String> {
    let value = line(value, limits::NAME, required, what)?;
    match value.as_deref().and_then(crate::text::name_problem) {
        Some(problem) => Err(format!("Write {what} as plain text: {problem}.")),
        None => Ok(value),
    }
}

/// A multi-line value: line endings normalized, tabs kept, other control characters refused.
fn block(value: &str, max: usize, required: bool, what: &str) -> Result<Option<String>, String> {
    let value = value.replace("\r\n", "\n").replace('\r', "\n");
    let value = value.trim();
    if value
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(format!(
            "Remove the special (control) characters from {what}."
        ));
    }
    length(value, max, required, what)
}

fn length(value: &str, max: usize, required: bool, what: &str) -> Result<Option<String>, String> {
    let count = value.chars().count();
    if value.is_empty() {
        if required {
            Err(format!("Enter {what}."))
        } else {
            Ok(None)
        }
    } else if count > max {
        Err(format!(
            "Shorten {what} to {max} characters or fewer: it has {count}, {} too many.",
            count - max
        ))
    } else {
        Ok(Some(value.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> ProposalForm {
        ProposalForm {
            opportunity: "permit-api".into(),
            proponent_type: "individual".into(),
            legal_name: "Ana Lee".into(),
            email: "Ana@Example.org".into(),
            proposal: "I will build it.\r\nIn Rust.".into(),
            accept_terms: ACCEPTED.into(),
            terms_version: "2026-06".into(),
            ..ProposalForm::default()
        }
    }

    fn fields(result: Result<ProposalFields, Vec<FieldError>>) -> Vec<&'static str> {
        result.unwrap_err().into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn valid_form_is_normalized() {
        let fields = form().validate("2026-06").unwrap();
        assert_eq!(fields.email, "ana@example.org");
        assert_eq!(fields.proposal, "I will build it.\nIn Rust.");
        assert_eq!(fields.organization_name, None);
    }

    #[test]
    fn every_error_is_reported() {
        let empty = ProposalForm::default();
        assert_eq!(
            fields(empty.validate("2026-06")),
            [
                field::PROPONENT_TYPE,
                field::LEGAL_NAME,
                field::EMAIL,
                field::PROPOSAL,
                field::ACCEPT_TERMS
            ]
        );
    }

    #[test]
    fn organization_needs_its_name() {
        let org = ProposalForm {
            proponent_type: "organization".into(),
            ..form()
        };
        assert_eq!(fields(org.validate("2026-06")), [field::ORGANIZATION_NAME]);
    }

    #[test]
    fn limits_are_in_characters() {
        let ok = ProposalForm {
            proposal: "é".repeat(limits::PROPOSAL),
            ..form()
        };
        assert!(ok.validate("2026-06").is_ok());
        let long = ProposalForm {
            proposal: "é".repeat(limits::PROPOSAL + 1),
            comments: "x".repeat(limits::COMMENTS + 1),
            ..form()
        };
        let errors = long.validate("2026-06").unwrap_err();
        assert_eq!(errors.len(), 2);
        assert!(
            errors[0].message.contains("1 too many"),
            "{}",
            errors[0].message
        );
    }

    #[test]
    fn the_body_limit_fits_every_field_at_its_limit_in_any_script() {
        // The widest characters, percent-encoded as a browser sends them.
        let widest = |n: usize| "𠀀".repeat(n);
        let full = ProposalForm {
            proponent_type: "organization".into(),
            legal_name: widest(limits::NAME),
            organization_name: widest(limits::NAME),
            phone: "1".repeat(limits::PHONE),
            proposal: widest(limits::PROPOSAL),
            comments: widest(limits::COMMENTS),
            email: format!("{}@{}.example.ca", "a".repeat(64), "b".repeat(63)),
            ..form()
        };
        let encoded: usize = serde_json::to_value(&full)
            .unwrap()
            .as_object()
            .unwrap()
            .iter()
            .map(|(name, value)| {
                let value = value.as_str().unwrap();
                name.len()
                    + 2
                    + value
                        .bytes()
                        .map(|b| if b.is_ascii_alphanumeric() { 1 } else { 3 })
                        .sum::<usize>()
            })
            .sum();
        assert!(
            encoded <= limits::BODY_BYTES,
            "{encoded} > {}",
            limits::BODY_BYTES
        );
        assert!(full.validate("2026-06").is_ok());
    }

    #[test]
    fn names_that_pose_as_someone_else_are_refused() {
        for hostile in [
            "Priya Sandhu <priya.sandhu@gov.bc.ca>",
            "Ana\u{202e}",
            "\u{200b}\u{200d}",
            "=?utf-8?q?Ana=0D=0ABcc:_x@evil.test?=",
        ] {
            let form = ProposalForm {
                legal_name: hostile.into(),
                ..form()
            };
            assert_eq!(
                fields(form.validate("2026-06")),
                [field::LEGAL_NAME],
                "{hostile:?}"
            );
        }
    }

    #[test]
    fn header_injection_is_refused() {
        let hostile = ProposalForm {
            legal_name: "Ana\r\nBcc: x@evil.test".into(),
            phone: "555\n1234".into(),
            ..form()
        };
        assert_eq!(
            fields(hostile.validate("2026-06")),
            [field::LEGAL_NAME, field::PHONE]
        );
        let nul = ProposalForm {
            proposal: "a\u{0}b".into(),
            ..form()
        };
        assert_eq!(fields(nul.validate("2026-06")), [field::PROPOSAL]);
    }

    #[test]
    fn terms_must_be_accepted_in_the_current_version() {
        let unticked = ProposalForm {
            accept_terms: String::new(),
            ..form()
        };
        assert_eq!(fields(unticked.validate("2026-06")), [field::ACCEPT_TERMS]);
        assert_eq!(fields(form().validate("2027-01")), [field::ACCEPT_TERMS]);
    }

    #[test]
    fn honeypot_marks_spam() {
        assert!(!form().is_spam());
        assert!(
            ProposalForm {
                website: "http://spam.test".into(),
                ..form()
            }
            .is_spam()
        );
    }
}
