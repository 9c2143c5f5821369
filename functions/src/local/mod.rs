//! The local backend of `site-gen serve`: redb store, `.eml` outbox and the registry file,
//! all inside the site folder (`.local/` is git-ignored; `private/` is written by the build).

mod mailer;
mod store;

pub use mailer::EmlMailer;
pub use store::RedbStore;

use crate::app::{AfterSubmit, App, Config};
use crate::registry_source::RegistryFile;
use crate::store::StoreError;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The sender address of local mail unless `MAIL_FROM` is set.
pub const DEFAULT_MAIL_FROM: &str = "Code With Us <noreply@cwu.localhost>";

/// Why the local backend could not start.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// The store could not be opened (another `serve` may hold it).
    #[error("cannot open the proposal store {path}: {source}")]
    Store {
        /// The database file.
        path: PathBuf,
        /// What went wrong.
        source: StoreError,
    },
    /// The `.local/secret` file could not be read or written.
    #[error("cannot read or create {path}: {source}")]
    Secret {
        /// The secret file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// Paths of the local backend inside a site folder.
#[derive(Debug, Clone)]
pub struct LocalPaths {
    /// `<site>/.local/proposals.redb`
    pub store: PathBuf,
    /// `<site>/.local/outbox/`
    pub outbox: PathBuf,
    /// `<site>/.local/secret`: signs receipt links and salts IP hashes.
    pub secret: PathBuf,
    /// `<site>/private/registry.json`
    pub registry: PathBuf,
}

impl LocalPaths {
    /// The paths for the site at `site_root`.
    pub fn new(site_root: &Path) -> Self {
        let local = site_root.join(".local");
        LocalPaths {
            store: local.join("proposals.redb"),
            outbox: local.join("outbox"),
            secret: local.join("secret"),
            registry: site_root.join("private").join("registry.json"),
        }
    }
}

/// Reads the local secret, creating a random one the first time.
fn secret(path: &Path) -> Result<String, OpenError> {
    let failed = |source| OpenError::Secret {
        path: path.to_owned(),
        source,
    };
    match std::fs::read_to_string(path) {
        Ok(secret) if !secret.trim().is_empty() => Ok(secret.trim().to_owned()),
        Ok(_) | Err(_) => {
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(failed)?;
            }
            // Two ULIDs: 160 random bits from the OS-seeded generator.
            let secret = format!("{}{}", crate::ids::random(), crate::ids::random());
            std::fs::write(path, &secret).map_err(failed)?;
            Ok(secret)
        }
    }
}

/// Builds the [`App`] for the site at `site_root` and sends any mail left pending by an
/// earlier run (in the background when called inside a tokio runtime).
pub fn open(site_root: impl AsRef<Path>) -> Result<App, OpenError> {
    let paths = LocalPaths::new(site_root.as_ref());
    let store = RedbStore::open(&paths.store).map_err(|source| OpenError::Store {
        path: paths.store.clone(),
        source,
    })?;
    let config = Config {
        mail_from: std::env::var("MAIL_FROM").unwrap_or_else(|_| DEFAULT_MAIL_FROM.to_owned()),
        secret: secret(&paths.secret)?,
        after_submit: AfterSubmit::DrainAll,
    };
    let app = App::new(
        Arc::new(store),
        Arc::new(EmlMailer::new(&paths.outbox)),
        Arc::new(RegistryFile::new(&paths.registry)),
        config,
    );
    let drainer = app.clone();
    let drain = async move {
        let report = drainer.drain_outbox().await;
        if report.sent + report.failed > 0 {
            eprintln!(
                "mail: sent {} pending mail(s) from an earlier run, {} still failing",
                report.sent, report.failed
            );
        }
    };
    match tokio::runtime::Handle::try_current() {
        Ok(handle) => {
            handle.spawn(drain);
        }
        Err(_) => {
            if let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                runtime.block_on(drain);
            }
        }
    }
    Ok(app)
}
