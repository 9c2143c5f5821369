//! [`App`]: routes requests under `/api/` to the handlers with their dependencies wired.
//!
//! The Lambda binaries and `site-gen serve` build one `App` each and pass it every request;
//! the handlers themselves are plain functions in [`crate::submit`] and [`crate::receipt`].

use crate::config::{Config, RECEIPT_PATH, SUBMIT_PATH};
use crate::mail::Mailer;
use crate::outbox::{self, DrainReport};
use crate::registry_source::RegistrySource;
use crate::response;
use crate::store::ProposalStore;
use bytes::Bytes;
use http::{Method, Request, Response};
use jiff::Timestamp;
use std::sync::Arc;

/// Today's time; replaced in tests.
pub type Clock = Arc<dyn Fn() -> Timestamp + Send + Sync>;

/// Everything a handler needs, shared by all requests.
#[derive(Clone)]
pub struct App {
    pub(crate) store: Arc<dyn ProposalStore>,
    pub(crate) mailer: Arc<dyn Mailer>,
    pub(crate) registry: Arc<dyn RegistrySource>,
    pub(crate) config: Arc<Config>,
    pub(crate) clock: Clock,
}

impl App {
    /// An app over these adapters, using the real clock.
    pub fn new(
        store: Arc<dyn ProposalStore>,
        mailer: Arc<dyn Mailer>,
        registry: Arc<dyn RegistrySource>,
        config: Config,
    ) -> Self {
        App {
            store,
            mailer,
            registry,
            config: Arc::new(config),
            clock: Arc::new(Timestamp::now),
        }
    }

    /// The same app reading time from `clock` (tests pin "now" with it).
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// The store this app writes to.
    pub fn store(&self) -> &Arc<dyn ProposalStore> {
        &self.store
    }

    /// Answers one request under `/api/`; never fails (faults become 5xx pages).
    pub async fn handle(&self, request: Request<Bytes>) -> Response<Bytes> {
        let path = request.uri().path().trim_end_matches('/');
        let registry = self.registry.registry();
        let mut response = match path {
            SUBMIT_PATH if request.method() == Method::POST => match &registry {
                Ok(registry) => {
                    crate::submit::submit(
                        &request,
                        self.store.as_ref(),
                        self.mailer.as_ref(),
                        registry,
                        &self.config,
                        (self.clock)(),
                    )
                    .await
                }
                Err(error) => response::unavailable_registry(error),
            },
            SUBMIT_PATH => response::method_not_allowed(registry.ok().as_deref(), "POST"),
            RECEIPT_PATH if matches!(*request.method(), Method::GET | Method::HEAD) => {
                match &registry {
                    Ok(registry) => crate::receipt::receipt(&request, registry, &self.config),
                    Err(error) => response::unavailable_registry(error),
                }
            }
            RECEIPT_PATH => response::method_not_allowed(registry.ok().as_deref(), "GET, HEAD"),
            _ => response::not_found(registry.ok().as_deref()),
        };
        if request.method() == Method::HEAD {
            *response.body_mut() = Bytes::new();
        }
        response
    }

    /// Sends pending mail now (startup, timers, after a submission); see [`outbox::drain`].
    pub async fn drain_outbox(&self) -> DrainReport {
        outbox::drain(self.store.as_ref(), self.mailer.as_ref(), (self.clock)()).await
    }
}
