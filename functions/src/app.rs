//! [`App`]: routes requests under `/api/` to the handlers with their dependencies wired.
//!
//! The Lambda binaries and `site-gen serve` build one `App` each and pass it every request;
//! the handlers themselves are plain functions in [`crate::submit`] and [`crate::receipt`].

use crate::award::outcomes::{self, OutcomesFile};
use crate::config::{Config, RECEIPT_PATH, SUBMIT_PATH};
use crate::handler::Deps;
use crate::mail::Mailer;
use crate::notify::{NotifyReport, NotifyStore};
use crate::outbox::{self, DrainReport};
use crate::registry_source::RegistrySource;
use crate::response;
use crate::store::ProposalStore;
use crate::{award, evaluate, invite, manage, owner};
use bytes::Bytes;
use cwu_domain::Registry;
use cwu_domain::urls;
use http::{Method, Request, Response, StatusCode};
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
    /// Subscriptions and announcements; `None`: the `/api/subscriptions…` addresses are 404.
    pub(crate) notify: Option<Arc<dyn NotifyStore>>,
    /// Where the public outcomes are written; `None`: nowhere.
    pub(crate) outcomes: Option<Arc<dyn OutcomesFile>>,
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
            notify: None,
            outcomes: None,
        }
    }

    /// The same app writing the public outcomes to `file` after each award, acceptance and
    /// payment, and at each sweep.
    pub fn with_outcomes(mut self, file: Arc<dyn OutcomesFile>) -> Self {
        self.outcomes = Some(file);
        self
    }

    /// The same app with email subscriptions kept in `store` (usually the proposal store);
    /// its mailer then withholds notices their recipient no longer wants
    /// ([`crate::notify::gate`]).
    pub fn with_notifications(mut self, store: Arc<dyn NotifyStore>) -> Self {
        self.mailer = Arc::new(crate::notify::gate::Recipients::new(
            self.mailer,
            store.clone(),
        ));
        self.notify = Some(store);
        self
    }

    /// The same app reading time from `clock` (tests pin "now" with it).
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// The same app mailing links that start with `origin` (e.g. `http://127.0.0.1:8080`).
    pub fn with_site_url(mut self, origin: impl Into<String>) -> Self {
        let mut config = (*self.config).clone();
        config.site_url = Some(origin.into());
        self.config = Arc::new(config);
        self
    }

    /// The same app on a clock that starts at `start` and advances with real time (`site-gen
    /// serve --now`: a deadline can be passed locally, and time still moves).
    pub fn starting_at(self, start: Timestamp) -> Self {
        let began = std::time::Instant::now();
        self.with_clock(Arc::new(move || {
            let elapsed = jiff::SignedDuration::try_from(began.elapsed()).unwrap_or_default();
            start.saturating_add(elapsed).unwrap_or(start)
        }))
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
                Ok(registry) => crate::submit::submit(&request, &self.deps(registry)).await,
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
            path if path.starts_with(crate::notify::SUBSCRIBE_PATH) => {
                match (&registry, &self.notify) {
                    (Ok(registry), Some(store)) => {
                        let deps = crate::notify::handlers::Deps {
                            store: store.as_ref(),
                            sending: (self.store.as_ref(), self.mailer.as_ref()),
                            registry,
                            config: &self.config,
                            now: (self.clock)(),
                        };
                        crate::notify::handlers::route(&request, path, &deps).await
                    }
                    (Ok(registry), None) => response::not_found(Some(registry)),
                    (Err(error), _) => response::unavailable_registry(error),
                }
            }
            _ => match &registry {
                Ok(registry) => self.private_pages(&request, path, registry).await,
                Err(_) => response::not_found(None),
            },
        };
        if request.method() == Method::HEAD {
            *response.body_mut() = Bytes::new();
        }
        response
    }

    /// What a handler is given for one request on `registry`, the clock read now.
    fn deps<'a>(&'a self, registry: &'a Registry) -> Deps<'a> {
        Deps {
            store: self.store.as_ref(),
            mailer: self.mailer.as_ref(),
            registry,
            config: &self.config,
            now: (self.clock)(),
        }
    }

    /// The proposal's manage page and the owner's pages (sign-in, evaluation).
    async fn private_pages(
        &self,
        request: &Request<Bytes>,
        path: &str,
        registry: &Registry,
    ) -> Response<Bytes> {
        let deps = self.deps(registry);
        let Deps {
            store,
            mailer,
            config,
            now,
            ..
        } = deps;
        let get = matches!(*request.method(), Method::GET | Method::HEAD);
        let post = request.method() == Method::POST;
        match path {
            urls::MANAGE if get => manage::show(request, &deps).await,
            urls::MANAGE if post => manage::post(request, &deps).await,
            urls::OWNER_SIGN_IN if get => owner::sign_in_page(registry, StatusCode::OK, ""),
            urls::OWNER_SIGN_IN if post => owner::request_link(request, &deps).await,
            urls::OWNER_SESSION if get => owner::landing(request, registry, config, now),
            urls::OWNER_SESSION if post => owner::start(request, &deps).await,
            urls::OWNER_SIGN_OUT if post => owner::sign_out(request, registry, config, now),
            urls::MANAGE | urls::OWNER_SIGN_IN | urls::OWNER_SESSION => {
                response::method_not_allowed(Some(registry), "GET, HEAD, POST")
            }
            urls::OWNER_SIGN_OUT => response::method_not_allowed(Some(registry), "POST"),
            urls::EVALUATIONS if get => match owner::session(request, registry, config, now) {
                Some(session) => evaluate::list(&session, store, registry, now).await,
                None => owner::sign_in_required(registry),
            },
            _ => match evaluate::route(path) {
                Some((_, evaluate::View::Outcome)) if !post => {
                    response::method_not_allowed(Some(registry), "POST")
                }
                Some((slug, view)) if get => match owner::session(request, registry, config, now) {
                    Some(session) => {
                        evaluate::show(&session, store, registry, slug, view, now).await
                    }
                    None => owner::sign_in_required(registry),
                },
                Some((slug, evaluate::View::Page)) if post => {
                    evaluate::change(request, store, registry, config, slug, now).await
                }
                Some((slug, evaluate::View::Outcome)) if post => {
                    let deps = award::Deps {
                        store,
                        mailer,
                        registry,
                        config,
                        outcomes: self.outcomes.as_deref(),
                        now,
                    };
                    award::post(request, &deps, slug).await
                }

                Some(_) => response::method_not_allowed(Some(registry), "GET, HEAD, POST"),
                None => response::not_found(Some(registry)),
            },
        }
    }

    /// Invites the owners of opportunities whose deadline just passed ([`invite::sweep`]),
    /// then writes the public outcomes file again if it is out of date (a write that failed
    /// after an award is retried here).
    pub async fn sweep(&self) -> invite::SweepReport {
        match self.registry.registry() {
            Ok(registry) => {
                let now = (self.clock)();
                let mut report = invite::sweep(
                    self.store.as_ref(),
                    self.mailer.as_ref(),
                    &registry,
                    &self.config,
                    now,
                )
                .await;
                if let Some(file) = &self.outcomes
                    && let Err(error) =
                        outcomes::publish(self.store.as_ref(), &registry, file.as_ref(), now).await
                {
                    report.errors.push(error.to_string());
                }
                report
            }
            Err(error) => invite::SweepReport {
                invited: Vec::new(),
                errors: vec![error.to_string()],
            },
        }
    }

    /// Runs the notifier on the current registry (after a build is published); nothing
    /// without notifications or a readable registry.
    pub async fn notify(&self) -> NotifyReport {
        let (Some(store), Ok(registry)) = (&self.notify, self.registry.registry()) else {
            return NotifyReport::default();
        };
        crate::notify::Notifier {
            proposals: self.store.as_ref(),
            store: store.as_ref(),
            registry: &registry,
            config: &self.config,
            now: (self.clock)(),
        }
        .run()
        .await
    }

    /// Sends pending mail now (startup, timers, after a submission); see [`outbox::drain`].
    pub async fn drain_outbox(&self) -> DrainReport {
        outbox::drain(self.store.as_ref(), self.mailer.as_ref(), (self.clock)()).await
    }
}
