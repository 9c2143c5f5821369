//! The local backend of `site-gen serve`: redb store, `.eml` outbox and the registry file,
//! all inside the site folder (`.local/` is git-ignored; `private/` is written by the build).

mod mailer;
mod notify_store;
mod store;

pub use mailer::EmlMailer;
pub use store::RedbStore;

use crate::app::App;
use crate::award::outcomes::LocalOutcomes;
use crate::config::{AfterSubmit, Config};
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
    /// `<site>/.local/secret`: signs receipt links.
    pub secret: PathBuf,
    /// `<site>/.local/ip-hash-key`: keys the IP address hashes.
    pub ip_hash_key: PathBuf,
    /// `<site>/private/registry.json`
    pub registry: PathBuf,
    /// `<site>/.local/outcomes.json`: the public outcomes, read by `build` and `serve`.
    pub outcomes: PathBuf,
}

impl LocalPaths {
    /// The paths for the site at `site_root`.
    pub fn new(site_root: &Path) -> Self {
        let local = site_root.join(".local");
        LocalPaths {
            store: local.join("proposals.redb"),
            outbox: local.join("outbox"),
            secret: local.join("secret"),
            ip_hash_key: local.join("ip-hash-key"),
            registry: site_root.join("private").join("registry.json"),
            outcomes: local.join(cwu_domain::outcome::OUTCOMES_FILE),
        }
    }
}

/// Creates `folder` readable by its owner only, and makes an existing one so: it holds the
/// secret, proposals and mail, which other users of the machine must not read.
fn private_folder(folder: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(folder)?;
    std::fs::set_permissions(folder, std::fs::Permissions::from_mode(0o700))
}

/// Reads the local secret, creating a random one (owner-only) the first time.
fn secret(path: &Path) -> Result<String, OpenError> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let failed = |source| OpenError::Secret {
        path: path.to_owned(),
        source,
    };
    match std::fs::read_to_string(path) {
        Ok(secret) if !secret.trim().is_empty() => Ok(secret.trim().to_owned()),
        Ok(_) | Err(_) => {
            // Two ULIDs: 160 random bits from the OS-seeded generator.
            let secret = format!("{}{}", crate::ids::random(), crate::ids::random());
            std::fs::OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(true)
                .mode(0o600)
                .open(path)
                .and_then(|mut file| file.write_all(secret.as_bytes()))
                .map_err(failed)?;
            Ok(secret)
        }
    }
}

/// How often the local backend retries mail that failed (e.g. the outbox was not writable).
pub const RETRY_EVERY: std::time::Duration = std::time::Duration::from_secs(60);

/// Retries pending mail every [`RETRY_EVERY`] until the app is dropped. Holds only weak
/// references, so dropping the last `App` closes the database.
fn retry_pending(app: &App) -> impl std::future::Future<Output = ()> + Send + 'static {
    let store = Arc::downgrade(&app.store);
    let mailer = Arc::downgrade(&app.mailer);
    async move {
        loop {
            tokio::time::sleep(RETRY_EVERY).await;
            let (Some(store), Some(mailer)) = (store.upgrade(), mailer.upgrade()) else {
                return;
            };
            crate::outbox::drain(store.as_ref(), mailer.as_ref(), jiff::Timestamp::now()).await;
        }
    }
}

/// How often `site-gen serve` runs [`scheduled`]: the local counterpart of the schedules on
/// AWS (the deadline sweep every 5 minutes, the notifier hourly).
pub const SCHEDULE_EVERY: std::time::Duration = std::time::Duration::from_secs(60);

/// Runs the scheduled jobs every `every`, first at once: the deadline sweep (owners are invited
/// once) and the notifier, so a weekly digest goes out when it is due, without a rebuild.
/// Holds the app for as long as it runs: spawn it for the life of the server.
pub async fn scheduled(app: App, every: std::time::Duration) {
    loop {
        let report = app.sweep().await;
        for slug in &report.invited {
            eprintln!("evaluation: proposals for {slug} closed; its owner was invited");
        }
        announce(&app).await;
        tokio::time::sleep(every).await;
    }
}

/// Runs the notifier after a build was published and sends what it queued (the local
/// counterpart of the `notify` function); logs counts only, never addresses.
pub async fn announce(app: &App) {
    let report = app.notify().await;
    for error in &report.errors {
        eprintln!("notifier: {error} (retried on the next run)");
    }
    if report.news + report.digests > 0 {
        eprintln!(
            "notifier: {} news, {} digest(s), {} new mail(s)",
            report.news, report.digests, report.mails
        );
        app.drain_outbox().await;
    }
}

/// Builds the [`App`] for the site at `site_root` and sends any mail left pending by an
/// earlier run (in the background when called inside a tokio runtime, which then also retries
/// failed mail every minute).
pub fn open(site_root: impl AsRef<Path>) -> Result<App, OpenError> {
    let paths = LocalPaths::new(site_root.as_ref());
    if let Some(local) = paths.secret.parent() {
        private_folder(local).map_err(|source| OpenError::Secret {
            path: local.to_owned(),
            source,
        })?;
    }
    let store = RedbStore::open(&paths.store).map_err(|source| OpenError::Store {
        path: paths.store.clone(),
        source,
    })?;
    let config = Config {
        mail_from: std::env::var("MAIL_FROM").unwrap_or_else(|_| DEFAULT_MAIL_FROM.to_owned()),
        signing_key: secret(&paths.secret)?,
        ip_hash_key: secret(&paths.ip_hash_key)?,
        after_submit: AfterSubmit::DrainAll,
        site_url: None,
    };
    let store = Arc::new(store);
    let app = App::new(
        store.clone(),
        Arc::new(EmlMailer::new(&paths.outbox)),
        Arc::new(RegistryFile::new(&paths.registry)),
        config,
    )
    .with_notifications(store)
    .with_outcomes(Arc::new(LocalOutcomes::new(paths.outcomes.clone())));
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
            handle.spawn(retry_pending(&app));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{self, OPEN, encode, fields, post};
    use bytes::Bytes;
    use http::{Request, StatusCode, header};

    fn site() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("private")).unwrap();
        write_registry(dir.path(), &testing::registry());
        dir
    }

    fn write_registry(site: &Path, registry: &cwu_domain::Registry) {
        std::fs::write(site.join("private/registry.json"), registry.to_json()).unwrap();
    }

    fn emls(site: &Path) -> Vec<String> {
        let mut files: Vec<String> = std::fs::read_dir(site.join(".local/outbox"))
            .map(|dir| {
                dir.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                    .filter(|n| n.ends_with(".eml"))
                    .collect()
            })
            .unwrap_or_default();
        files.sort();
        files
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn submits_into_redb_and_writes_eml_files() {
        let site = site();
        let app = open(site.path()).unwrap();
        // The real clock: the fixture's open opportunity closes in 2027.
        let response = app
            .handle(post(encode(&fields("ana@example.org", "Text."))))
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let files = emls(site.path());
        assert_eq!(
            files.len(),
            1,
            "only the receipt: proposals are sealed {files:?}"
        );
        let receipt =
            std::fs::read_to_string(site.path().join(".local/outbox").join(&files[0])).unwrap();
        assert!(
            receipt.contains("To: \"Ana Lee\" <ana@example.org>"),
            "{receipt}"
        );
        assert!(!receipt.contains("Priya Sandhu"));
        let body = mail_parser::MessageParser::default()
            .parse(receipt.as_bytes())
            .and_then(|m| m.body_text(0).map(|t| t.into_owned()))
            .unwrap_or_default();
        assert!(
            body.contains("/api/proposals/manage?t=permit-api."),
            "{body}"
        );
        assert!(site.path().join(".local/proposals.redb").exists());

        let location = response.headers()[header::LOCATION].to_str().unwrap();
        let receipt = app
            .handle(Request::get(location).body(Bytes::new()).unwrap())
            .await;
        assert_eq!(receipt.status(), StatusCode::OK);

        // A rebuild that drops the opportunity is seen at once.
        let mut registry = testing::registry();
        registry.opportunities.remove(OPEN);
        write_registry(site.path(), &registry);
        let response = app
            .handle(post(encode(&fields("bo@example.org", "Text."))))
            .await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn mail_that_could_not_be_written_is_sent_later() {
        let site = site();
        std::fs::create_dir_all(site.path().join(".local")).unwrap();
        std::fs::write(site.path().join(".local/outbox"), "not a folder").unwrap();
        let app = open(site.path()).unwrap();
        let response = app
            .handle(post(encode(&fields("ana@example.org", "Text."))))
            .await;
        assert_eq!(
            response.status(),
            StatusCode::SEE_OTHER,
            "stored despite the mailer"
        );
        assert_eq!(app.store().pending_mail(10).await.unwrap().len(), 1);
        std::fs::remove_file(site.path().join(".local/outbox")).unwrap();
        let later = jiff::Timestamp::now() + jiff::SignedDuration::from_hours(1);
        let report = crate::outbox::drain(app.store().as_ref(), app.mailer.as_ref(), later).await;
        assert_eq!(report.sent, 1);
        assert_eq!(emls(site.path()).len(), 1);
    }

    #[test]
    fn missing_registry_is_a_503_not_a_crash() {
        let dir = tempfile::tempdir().unwrap();
        let app = open(dir.path()).unwrap();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let response = runtime.block_on(app.handle(post(encode(&fields("ana@example.org", "T.")))));
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        let secret = std::fs::read_to_string(dir.path().join(".local/secret")).unwrap();
        assert_eq!(secret.len(), 52);
    }

    #[test]
    fn local_files_are_the_owners_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        // A folder left world-readable by an earlier version is closed too.
        std::fs::create_dir_all(dir.path().join(".local")).unwrap();
        std::fs::set_permissions(
            dir.path().join(".local"),
            std::fs::Permissions::from_mode(0o755),
        )
        .unwrap();
        drop(open(dir.path()).unwrap());
        let mode = |p: &str| {
            std::fs::metadata(dir.path().join(p))
                .unwrap()
                .permissions()
                .mode()
                & 0o777
        };
        assert_eq!(mode(".local"), 0o700);
        assert_eq!(mode(".local/secret"), 0o600);
        assert_eq!(mode(".local/ip-hash-key"), 0o600);
        let key = |p: &str| std::fs::read_to_string(dir.path().join(p)).unwrap();
        assert_ne!(
            key(".local/secret"),
            key(".local/ip-hash-key"),
            "one key per purpose"
        );
    }
}
