//! Signed, expiring tokens for links and cookies that authorise something (a proposal's manage
//! link, an owner's sign-in link and session, the subscription links of `notify::links`).
//!
//! A token is `part.part….expires.signature`: the parts say what it is bound to (an opportunity
//! and a proposal reference, an owner id and a nonce, a subscriber id and a scope), `expires` is in Unix seconds and the
//! signature is an HMAC-SHA-256 over a purpose label, the parts and the expiry. Changing any
//! part, the expiry or the purpose breaks it. Parts are plain identifiers (letters, digits,
//! `-`, `_`): never an address or any proposal text, since tokens travel in URLs.

use hmac::{Hmac, Mac};
use jiff::Timestamp;
use sha2::Sha256;

/// What a token authorises; part of what is signed, so a token of one kind is never another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// View, update or withdraw one proposal: parts `[opportunity, reference]`.
    Manage,
    /// Sign in once as an owner: parts `[owner id, nonce]`.
    SignIn,
    /// An owner's session cookie: parts `[owner id, session nonce]`.
    Session,
    /// Confirm a subscribe or watch request: parts `[subscriber id, request…]`.
    ConfirmSubscription,
    /// Change a subscription: parts `[subscriber id]`.
    ManageSubscription,
    /// Leave everything or one opportunity: parts `[subscriber id, scope…]`.
    Unsubscribe,
}

impl Purpose {
    fn label(self) -> &'static str {
        match self {
            Purpose::Manage => "manage",
            Purpose::SignIn => "sign-in",
            Purpose::Session => "session",
            Purpose::ConfirmSubscription => "subscription-confirm",
            Purpose::ManageSubscription => "subscription-manage",
            Purpose::Unsubscribe => "unsubscribe",
        }
    }
}

/// Why a token was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// Malformed, changed, or signed with another secret or for another purpose.
    #[error("the link is incomplete or was changed")]
    Invalid,
    /// Genuine but past its expiry.
    #[error("the link has expired")]
    Expired,
}

/// Bytes in a signature (128 bits).
const SIGNATURE_BYTES: usize = 16;

fn mac(secret: &str, purpose: Purpose, parts: &[&str], expires: i64) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key");
    mac.update(purpose.label().as_bytes());
    for part in parts {
        mac.update(b"\0");
        mac.update(part.as_bytes());
    }
    mac.update(format!("\0{expires}").as_bytes());
    mac
}

fn plain(part: &str) -> bool {
    !part.is_empty()
        && part
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// A token binding `parts` for `purpose` until `expires`.
///
/// # Panics
/// When a part is empty or holds other characters than letters, digits, `-` and `_` (a
/// programming error: parts are slugs, ULIDs and hex ids).
pub fn sign(secret: &str, purpose: Purpose, parts: &[&str], expires: Timestamp) -> String {
    assert!(parts.iter().all(|p| plain(p)), "token parts must be plain");
    let expires = expires.as_second();
    let signature = mac(secret, purpose, parts, expires).finalize().into_bytes();
    let mut token = parts.join(".");
    token.push_str(&format!(
        ".{expires}.{}",
        hex::encode(&signature[..SIGNATURE_BYTES])
    ));
    token
}

/// The parts of `token` if it was signed for `purpose` with `secret` and is unexpired at `now`.
pub fn verify(
    secret: &str,
    purpose: Purpose,
    token: &str,
    now: Timestamp,
) -> Result<Vec<String>, TokenError> {
    let mut pieces: Vec<&str> = token.trim().split('.').collect();
    let (Some(signature), Some(expires)) = (pieces.pop(), pieces.pop()) else {
        return Err(TokenError::Invalid);
    };
    let expires: i64 = expires.parse().map_err(|_| TokenError::Invalid)?;
    let signature = hex::decode(signature).map_err(|_| TokenError::Invalid)?;
    if pieces.is_empty() || !pieces.iter().all(|p| plain(p)) || signature.len() != SIGNATURE_BYTES {
        return Err(TokenError::Invalid);
    }
    // The MAC's own constant-time comparison, not `==` on strings.
    mac(secret, purpose, &pieces, expires)
        .verify_truncated_left(&signature)
        .map_err(|_| TokenError::Invalid)?;
    if now.as_second() >= expires {
        return Err(TokenError::Expired);
    }
    Ok(pieces.into_iter().map(str::to_owned).collect())
}

/// A short keyed digest (hex) of `value` for `label`: stable ids that reveal nothing, e.g. an
/// owner id from an owner's address, a rate-limit key from a client address.
pub fn digest(secret: &str, label: &str, value: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key");
    mac.update(label.as_bytes());
    mac.update(b"\0");
    mac.update(value.as_bytes());
    hex::encode(&mac.finalize().into_bytes()[..SIGNATURE_BYTES])
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::SignedDuration;

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    #[test]
    fn tokens_verify_until_they_expire() {
        let now = at("2026-11-24T20:00:00Z");
        let expires = now + SignedDuration::from_mins(15);
        let token = sign("s", Purpose::SignIn, &["abc", "01JNONCE"], expires);
        assert_eq!(
            verify("s", Purpose::SignIn, &token, now),
            Ok(vec!["abc".to_owned(), "01JNONCE".to_owned()])
        );
        assert_eq!(
            verify("s", Purpose::SignIn, &token, expires),
            Err(TokenError::Expired)
        );
    }

    #[test]
    fn tampering_purpose_and_secret_are_refused() {
        let now = at("2026-11-24T20:00:00Z");
        let expires = now + SignedDuration::from_hours(1);
        let token = sign("s", Purpose::Manage, &["permit-api", "01JREF"], expires);
        let invalid = Err(TokenError::Invalid);
        assert_eq!(verify("other", Purpose::Manage, &token, now), invalid);
        assert_eq!(verify("s", Purpose::Session, &token, now), invalid);
        let other_ref = token.replace("01JREF", "01JREG");
        assert_eq!(verify("s", Purpose::Manage, &other_ref, now), invalid);
        let later = token.replace(
            &expires.as_second().to_string(),
            &(expires.as_second() + 3600).to_string(),
        );
        assert_eq!(verify("s", Purpose::Manage, &later, now), invalid);
        for junk in ["", ".", "a.b", "x.1.zz", "a b.1.00", &format!("{token}x")] {
            assert_eq!(verify("s", Purpose::Manage, junk, now), invalid, "{junk}");
        }
    }

    #[test]
    fn digests_are_keyed_and_labelled() {
        assert_eq!(
            digest("s", "owner", "a@x.ca"),
            digest("s", "owner", "a@x.ca")
        );
        assert_ne!(
            digest("s", "owner", "a@x.ca"),
            digest("t", "owner", "a@x.ca")
        );
        assert_ne!(
            digest("s", "owner", "a@x.ca"),
            digest("s", "client", "a@x.ca")
        );
        assert_eq!(digest("s", "owner", "a@x.ca").len(), 32);
    }
}
