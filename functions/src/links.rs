//! The private links the functions mail out, signed and absolute.
//!
//! Links point at the server that sends the mail: [`crate::Config::site_url`] when set
//! (`site-gen serve` sets its own address), else the site's `base_url` from the registry.

use crate::config::Config;
use crate::token::{self, Purpose};
use cwu_domain::Registry;
use cwu_domain::urls;
use jiff::{SignedDuration, Timestamp};

/// How long a mailed sign-in link works.
pub const SIGN_IN_LINK: SignedDuration = SignedDuration::from_mins(15);
/// How long the sign-in link in a deadline invitation works.
pub const INVITATION_LINK: SignedDuration = SignedDuration::from_hours(72);
/// How long a manage link works after the deadline it was signed with (to view the proposal).
pub const MANAGE_AFTER_DEADLINE: SignedDuration = SignedDuration::from_hours(24 * 90);

/// The origin links start with, without a trailing slash.
pub fn origin(config: &Config, registry: &Registry) -> String {
    config
        .site_url
        .as_deref()
        .unwrap_or(&registry.site.base_url)
        .trim_end_matches('/')
        .to_owned()
}

/// The manage token of a proposal: bound to its opportunity and reference, expiring well
/// after `deadline` (changes stop at the deadline by the handler's clock anyway).
pub fn manage_token(config: &Config, slug: &str, reference: &str, deadline: Timestamp) -> String {
    let expires = deadline
        .saturating_add(MANAGE_AFTER_DEADLINE)
        .unwrap_or(deadline);
    token::sign(
        &config.signing_key,
        Purpose::Manage,
        &[slug, reference],
        expires,
    )
}

/// The site-relative manage address of a proposal.
pub fn manage_path(config: &Config, slug: &str, reference: &str, deadline: Timestamp) -> String {
    format!(
        "{}?t={}",
        urls::MANAGE,
        manage_token(config, slug, reference, deadline)
    )
}

/// The absolute manage link mailed to the proponent.
pub fn manage_url(
    config: &Config,
    registry: &Registry,
    slug: &str,
    reference: &str,
    deadline: Timestamp,
) -> String {
    format!(
        "{}{}",
        origin(config, registry),
        manage_path(config, slug, reference, deadline)
    )
}

/// An absolute one-time sign-in link for the owner `owner_id`, valid for `valid`.
pub fn sign_in_url(
    config: &Config,
    registry: &Registry,
    owner_id: &str,
    now: Timestamp,
    valid: SignedDuration,
) -> String {
    let nonce = crate::ids::random();
    let expires = now.saturating_add(valid).unwrap_or(now);
    let token = token::sign(
        &config.signing_key,
        Purpose::SignIn,
        &[owner_id, &nonce],
        expires,
    );
    format!(
        "{}{}?t={token}",
        origin(config, registry),
        urls::OWNER_SESSION
    )
}
