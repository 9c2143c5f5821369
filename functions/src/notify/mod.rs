//! Email notifications: subscriptions to new opportunities, watching one opportunity, and the
//! notifier that tells subscribers, watchers and proponents about every change that matters.
//!
//! - [`forms`]: the subscribe, watch and manage forms (`site-gen build` inserts the first two).
//! - [`handlers`]: subscribe and watch (double opt-in), confirm, manage, unsubscribe.
//! - [`links`]: signed, expiring links bound to a subscriber id (never an address).
//! - [`mails`]: the mails, each with RFC 8058 one-click unsubscribe headers.
//! - [`notifier`]: after each published build, the news since the last announcement → outbox.
//! - [`bounce`]: SES bounce and complaint events → suppression.
//! - [`gate`]: at send time, notices to someone who left or is suppressed are cancelled.
//! - [`records`]: what is stored, and the [`records::NotifyStore`] contract.

pub mod bounce;
pub mod forms;
pub mod gate;
pub mod handlers;
pub mod links;
pub mod mails;
pub mod notifier;
pub mod records;

pub use crate::config::{CONFIRM_PATH, MANAGE_PATH, SUBSCRIBE_PATH, UNSUBSCRIBE_PATH, WATCH_PATH};
pub use notifier::{Notifier, NotifyReport};
pub use records::NotifyStore;
