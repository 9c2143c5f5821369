//! Signed links: confirmation, management and unsubscribe links carry a purpose, what they
//! apply to (a subscriber id, never an address), an expiry and an HMAC of all three. The
//! signing is [`crate::token`]'s; this module maps a link's subject to token parts.
//!
//! A subject is a subscriber id, optionally followed by `|` and a scope whose `:`-separated
//! words become further parts (`id`, `id|subscribe`, `id|all`, `id|watch:slug`).

use crate::token::{self, TokenError};
use jiff::{SignedDuration, Timestamp};

/// What a link allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Confirm one request (subscribe or watch).
    Confirm,
    /// Change a subscription's skills and frequency.
    Manage,
    /// Leave (everything, or one opportunity's notices).
    Unsubscribe,
}

impl Purpose {
    fn token(self) -> token::Purpose {
        match self {
            Purpose::Confirm => token::Purpose::ConfirmSubscription,
            Purpose::Manage => token::Purpose::ManageSubscription,
            Purpose::Unsubscribe => token::Purpose::Unsubscribe,
        }
    }

    /// How long a new link of this purpose works.
    pub fn validity(self) -> SignedDuration {
        match self {
            Purpose::Confirm => SignedDuration::from_hours(72),
            Purpose::Manage => SignedDuration::from_hours(24 * 90),
            Purpose::Unsubscribe => SignedDuration::from_hours(24 * 365),
        }
    }
}

/// Why a link is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    /// Not signed by this site for this purpose (or changed).
    #[error("this link is incomplete or was changed")]
    Invalid,
    /// Signed, but too old.
    #[error("this link has expired")]
    Expired,
}

impl From<TokenError> for LinkError {
    fn from(error: TokenError) -> Self {
        match error {
            TokenError::Invalid => LinkError::Invalid,
            TokenError::Expired => LinkError::Expired,
        }
    }
}

/// The id that stands for `email` (normalized) in keys and links: a keyed hash, so it reveals
/// nothing and cannot be computed without the secret.
pub fn subscriber_id(secret: &str, email: &str) -> String {
    token::digest(secret, "subscriber", email)
}

/// The token parts of a subject: the id, then the scope's words.
fn parts(subject: &str) -> Vec<&str> {
    match subject.split_once('|') {
        Some((id, scope)) => std::iter::once(id).chain(scope.split(':')).collect(),
        None => vec![subject],
    }
}

/// A token for `purpose` on `subject`, valid from `now` for [`Purpose::validity`].
///
/// # Panics
/// When the subject's words are not plain identifiers (see [`token::sign`]): ids are hex and
/// slugs are plain.
pub fn sign(secret: &str, purpose: Purpose, subject: &str, now: Timestamp) -> String {
    let expires = now.saturating_add(purpose.validity()).unwrap_or(now);
    token::sign(secret, purpose.token(), &parts(subject), expires)
}

/// The subject of a token signed for `purpose`, if it is genuine and not expired at `now`.
pub fn verify(
    secret: &str,
    purpose: Purpose,
    token: &str,
    now: Timestamp,
) -> Result<String, LinkError> {
    let parts = token::verify(secret, purpose.token(), token, now)?;
    Ok(match parts.split_first() {
        Some((id, [])) => id.clone(),
        Some((id, scope)) => format!("{id}|{}", scope.join(":")),
        None => return Err(LinkError::Invalid),
    })
}

/// The absolute link to `path` (under the site's `base_url`) carrying `token`.
pub fn url(base_url: &str, path: &str, token: &str) -> String {
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("t", token)
        .finish();
    format!("{}?{query}", cwu_domain::urls::absolute(base_url, path))
}

/// The token in a request's query (`?t=`), if there is exactly one.
pub fn token_in(query: Option<&str>) -> Option<String> {
    let mut tokens = form_urlencoded::parse(query?.as_bytes()).filter(|(name, _)| name == "t");
    let token = tokens.next()?.1.into_owned();
    tokens.next().is_none().then_some(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> Timestamp {
        "2026-11-24T20:00:00Z".parse().unwrap()
    }

    #[test]
    fn links_are_bound_to_purpose_subject_secret_and_time() {
        let token = sign("s", Purpose::Confirm, "abc|subscribe", now());
        assert_eq!(
            verify("s", Purpose::Confirm, &token, now()).as_deref(),
            Ok("abc|subscribe")
        );
        assert_eq!(
            verify("s", Purpose::Manage, &token, now()),
            Err(LinkError::Invalid)
        );
        assert_eq!(
            verify("other", Purpose::Confirm, &token, now()),
            Err(LinkError::Invalid)
        );
        let forged = token.replacen("abc", "abd", 1);
        assert_eq!(
            verify("s", Purpose::Confirm, &forged, now()),
            Err(LinkError::Invalid)
        );
        let later = now() + Purpose::Confirm.validity();
        assert_eq!(
            verify("s", Purpose::Confirm, &token, later),
            Err(LinkError::Expired)
        );
        assert_eq!(
            verify("s", Purpose::Confirm, "x", now()),
            Err(LinkError::Invalid)
        );
    }

    #[test]
    fn ids_hide_the_address() {
        let id = subscriber_id("s", "ana@example.org");
        assert_eq!(id.len(), 32);
        assert!(!id.contains("ana"));
        assert_ne!(id, subscriber_id("t", "ana@example.org"));
        let link = url(
            "https://x.ca/",
            "/api/u",
            &sign("s", Purpose::Manage, &id, now()),
        );
        assert!(link.starts_with("https://x.ca/api/u?t="));
        assert_eq!(token_in(Some("t=a&t=b")), None);
        assert_eq!(token_in(Some("t=a%7Cb")).as_deref(), Some("a|b"));
    }
}
