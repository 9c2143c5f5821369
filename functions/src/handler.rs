//! What every request handler is given: one value instead of the same five parameters in
//! each handler's signature.

use crate::config::Config;
use crate::mail::Mailer;
use crate::store::ProposalStore;
use cwu_domain::Registry;
use jiff::Timestamp;

/// The store, mailer, opportunities, settings and this request's time, as [`crate::App`]
/// hands them to a handler.
#[derive(Clone, Copy)]
pub struct Deps<'a> {
    /// Proposals, evaluation events and the outbox.
    pub store: &'a dyn ProposalStore,
    /// Sends the mails just stored (as [`Config::after_submit`] says).
    pub mailer: &'a dyn Mailer,
    /// The opportunities and page chrome.
    pub registry: &'a Registry,
    /// Settings.
    pub config: &'a Config,
    /// The function's clock, read once for the request.
    pub now: Timestamp,
}
