//! Proposal form handlers, run on AWS Lambda or locally by `site-gen serve`.
//!
//! - [`form`]: the proposal form's HTML (static page and 422 page).
//! - [`config`]: the handlers' settings and route paths (a leaf: everything may use it).
//! - [`App`]: routes `/api/…` requests to the handlers ([`submit`], [`receipt`]); [`record`] is
//!   the versioning protocol that stores a proposal, [`compose_mail`] writes its two mails.
//! - [`store::ProposalStore`] and [`mail::Mailer`]: the storage and mail contracts; the local
//!   implementations are in [`local`], the AWS ones under the `aws` feature.
//! - [`outbox`]: sends stored mail with claims and retries; [`paced`] keeps it under a rate.
//! - [`notify`]: email subscriptions, watching an opportunity, and the notifier.
//! - [`evaluate`]: the owner's evaluation page; [`award`]: the award, acceptance and payment
//!   posted from it (forms in [`award_page`]), their mails and the public outcomes file.
//!
//! Wiring: `site-gen serve` calls [`local::open`]`(site_root)` once and passes every request
//! under `/api/` to [`App::handle`] (putting the peer address in the request's extensions as
//! [`submit::ClientIp`]); `site-gen build` inserts [`render_form`] with
//! `&ProposalForm::default()` and no errors into each open opportunity's page. The form's
//! classes (`.field`, `.hint`, `.field-error`, `.error-summary`, `.choice`, `.visually-hidden`)
//! are styled by the theme; `.visually-hidden` must hide the honeypot from sight.
//!
//! ```
//! use functions::{FormTarget, render_form};
//!
//! let target = FormTarget {
//!     action: functions::config::SUBMIT_PATH,
//!     opportunity: "permit-api",
//!     terms_version: "2026-06",
//! };
//! let html = render_form(target, &Default::default(), &[]);
//! assert!(html.contains(r#"action="/api/proposals""#));
//! assert!(html.contains(r#"value="permit-api""#));
//! ```

pub mod app;
pub mod award;
pub mod award_page;
#[cfg(feature = "aws")]
pub mod aws;
pub mod compose_mail;
pub mod config;
pub mod decode;
pub mod evaluate;
pub mod export;
pub mod form;
pub mod handler;
pub mod ids;
pub mod invite;
pub mod links;
pub mod local;
pub mod mail;
pub mod manage;
pub mod notify;
pub mod outbox;
pub mod owner;
pub mod paced;
pub mod quarantine;
pub mod receipt;
pub mod record;
pub mod registry_source;
pub mod response;
pub mod store;
pub mod submit;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod token;

pub use app::App;
pub use config::{AfterSubmit, Config};
pub use form::{FormTarget, render_form};
pub use mail::{Mailer, OutboxMail};
pub use registry_source::{RegistryFile, RegistrySource};
pub use store::{ProposalKey, ProposalStore, StoreError, StoredProposal};
