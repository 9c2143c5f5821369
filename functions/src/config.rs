//! The handlers' configuration and the addresses they answer: a leaf module, so handlers and
//! the router ([`crate::App`]) both depend on it and never on each other.

/// Where the form posts (site.yaml `form_action`).
pub const SUBMIT_PATH: &str = cwu_domain::urls::SUBMIT;
/// The receipt page a successful submission redirects to.
pub const RECEIPT_PATH: &str = cwu_domain::urls::RECEIPT;
/// Where the subscribe form posts.
pub const SUBSCRIBE_PATH: &str = cwu_domain::urls::SUBSCRIBE;
/// Where an opportunity's watch form posts.
pub const WATCH_PATH: &str = cwu_domain::urls::WATCH;
/// Confirmation links (GET: a button; POST: confirm).
pub const CONFIRM_PATH: &str = cwu_domain::urls::CONFIRM_SUBSCRIPTION;
/// Manage links (GET: the settings; POST: save them).
pub const MANAGE_PATH: &str = cwu_domain::urls::MANAGE_SUBSCRIPTION;
/// Unsubscribe links (GET: a button; POST: RFC 8058 one-click).
pub const UNSUBSCRIBE_PATH: &str = cwu_domain::urls::UNSUBSCRIBE;

/// Settings that come from the environment (Lambda) or the site folder (local).
#[derive(Clone)]
pub struct Config {
    /// The sender of every mail, e.g. `Code With Us <noreply@cwu.example.ca>` (`MAIL_FROM`).
    pub mail_from: String,
    /// The key that signs receipt, manage and sign-in links and owner sessions (Lambda: the
    /// `LINK_SIGNING_KEY` secret; local: `.local/secret`). Changing it
    /// voids the links in earlier mails.
    pub signing_key: String,
    /// Keys the HMAC of client IP addresses (Lambda: the `IP_HASH_KEY` secret; local:
    /// `.local/ip-hash-key`). A key of its own, so either can be rotated without the other:
    /// rotating this one only makes new hashes incomparable with older ones.
    pub ip_hash_key: String,
    /// What the handlers send right after storing a fact with its mails.
    pub after_submit: AfterSubmit,
    /// The origin mailed links start with (`site-gen serve`: its own address); `None`: the
    /// site's `base_url` from the registry.
    pub site_url: Option<String>,
}

/// Mail sending done by the submit handler itself, after the proposal is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterSubmit {
    /// Nothing: a separate sender (e.g. the `send-mail` function) does it all.
    Nothing,
    /// The new proposal's mails (failures stay pending for the sender).
    SendNew,
    /// The new proposal's mails, then every other pending mail (local: no separate sender).
    DrainAll,
}
