//! `site-gen serve`: the whole product on one machine.
//!
//! Builds the site, serves `public/` on 127.0.0.1, mounts the proposal handlers (embedded store,
//! `.eml` outbox) at `/api/`, watches `content/`, `themes/` and the outcomes file (written by the
//! award handlers while it runs), rebuilds on change and tells open
//! pages to reload over server-sent events. A failed rebuild keeps the last good site and shows
//! the problems in an overlay on every page until the content is fixed. Rebuilds are incremental
//! where they can be (see `serve/rebuild.rs`): a saved opportunity's page is rewritten and reloaded first.

mod listen;
mod rebuild;

use crate::render::BuildOptions;
use anyhow::Context;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use cwu_domain::html::escape_html;
use jiff::Timestamp;
use notify::{RecommendedWatcher, RecursiveMode, Watcher};
use rebuild::{Changes, Rebuilder, Report};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::{Component, Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc::RecvTimeoutError;
use std::sync::{Arc, RwLock};
use std::time::Duration;
use tokio::sync::broadcast;
use tokio_stream::StreamExt;
use tokio_stream::wrappers::BroadcastStream;

/// Where the live-reload script listens.
const EVENTS_PATH: &str = "/__site-gen/events";
/// The live-reload script.
const SCRIPT_PATH: &str = "/__site-gen/live.js";
/// How long the files must stay unchanged before a rebuild starts.
const QUIET: Duration = Duration::from_millis(10);

/// Shared by every request.
struct Server {
    public: PathBuf,
    api: functions::App,
    /// The last build's problems as HTML, while the content is broken.
    problems: RwLock<Option<String>>,
    /// Tells open pages to reload.
    reload: broadcast::Sender<()>,
    /// Runs the notifier after each good build (builds run on the watcher thread).
    runtime: tokio::runtime::Handle,
}

/// Runs `serve` on 127.0.0.1:`port` until interrupted; with `handlers_now` (`--now`), the
/// proposal handlers' clock starts there and runs on, so a deadline can be passed locally.
pub fn run(
    root: &Path,
    port: u16,
    options: &BuildOptions,
    handlers_now: Option<Timestamp>,
) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(serve(
        root.to_path_buf(),
        port,
        options.clone(),
        handlers_now,
    ))?;
    Ok(ExitCode::SUCCESS)
}

async fn serve(
    root: PathBuf,
    port: u16,
    options: BuildOptions,
    handlers_now: Option<Timestamp>,
) -> anyhow::Result<()> {
    let address = SocketAddr::from(([127, 0, 0, 1], port));
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .with_context(|| {
            format!("listening on {address} (is another serve running? try --port)")
        })?;
    let address = listener.local_addr().unwrap_or(address);
    let mut proposals = functions::local::open(&root)
        .context("opening the local proposal store")?
        // Links in mails lead back to this server.
        .with_site_url(format!("http://{address}"));
    if let Some(now) = handlers_now {
        // The handlers' clock starts at --now too (and runs on), so a deadline can be passed.
        proposals = proposals.starting_at(now);
    }
    let (reload, _) = broadcast::channel(16);
    let server = Arc::new(Server {
        public: root.join("public"),
        api: proposals,
        problems: RwLock::new(None),
        reload,
        runtime: tokio::runtime::Handle::current(),
    });
    let outcomes = crate::content::outcomes::file(&root, options.outcomes.as_deref());
    let mut rebuilder = Rebuilder::new(&root, options);
    rebuilder.survive(&*server, Rebuilder::full);
    // Mail left pending by an earlier run (e.g. a crash) goes out now.
    let drain = server.api.clone();
    tokio::spawn(async move { drain.drain_outbox().await });
    // The deadline sweep and the notifier on a timer, as the schedules do on AWS: owners are
    // invited once, and weekly digests go out when due even if no content changes.
    tokio::spawn(functions::local::scheduled(
        server.api.clone(),
        functions::local::SCHEDULE_EVERY,
    ));

    let _watcher = watch(&root, &outcomes, rebuilder, Arc::clone(&server))?;

    let app = Router::new()
        .route(EVENTS_PATH, axum::routing::get(events))
        .route(SCRIPT_PATH, axum::routing::get(script))
        .route("/api/{*rest}", axum::routing::any(api_request))
        .fallback(static_file)
        .with_state(Arc::clone(&server));
    eprintln!(
        "Serving {} on http://{address}/ (Ctrl-C to stop)",
        root.display()
    );
    listen::serve(listener, app, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(())
}

impl Report for Server {
    fn publish(&self, line: &str, problems: Option<String>) {
        eprintln!("{line}");
        if let Some(problems) = &problems {
            eprintln!("{problems}");
        }
        // A published build may bring news for subscribers, watchers and proponents; the
        // notifier remembers what it announced, so running it after every build is safe.
        if problems.is_none() {
            let api = self.api.clone();
            self.runtime
                .spawn(async move { functions::local::announce(&api).await });
        }
        *self.problems.write().expect("not poisoned") = problems.as_deref().map(escape_html);
        let _ = self.reload.send(());
    }
}

/// Rebuilds on every change under `content/` and `themes/` and of the `outcomes` file; the
/// returned watcher must be kept.
fn watch(
    root: &Path,
    outcomes: &Path,
    mut rebuilder: Rebuilder,
    server: Arc<Server>,
) -> anyhow::Result<RecommendedWatcher> {
    let (changes, changed) = std::sync::mpsc::channel::<Vec<PathBuf>>();
    // Only writes count: the build itself opens and reads every file, which inotify reports too.
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if let Ok(event) = event
            && (event.kind.is_create() || event.kind.is_modify() || event.kind.is_remove())
        {
            let _ = changes.send(event.paths);
        }
    })
    .context("starting the file watcher")?;
    // Events name paths under the watched folders as the watcher resolved them.
    let watched = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    for folder in ["content", "themes"] {
        watcher
            .watch(&watched.join(folder), RecursiveMode::Recursive)
            .with_context(|| format!("watching {folder}/"))?;
    }
    // The outcomes file is replaced whole (often by a rename), so its folder is watched; of that
    // folder (`.local/` holds the store and the outbox too) only the file itself counts.
    // (`.local/` exists by now: the local store was opened in it.)
    let outcomes_dir = outcomes.parent().unwrap_or(Path::new("."));
    let outcomes_dir = outcomes_dir
        .canonicalize()
        .with_context(|| format!("the outcomes file's folder {}", outcomes_dir.display()))?;
    let outcomes_file = outcomes_dir.join(outcomes.file_name().unwrap_or_default());
    watcher
        .watch(&outcomes_dir, RecursiveMode::NonRecursive)
        .with_context(|| format!("watching {}", outcomes_dir.display()))?;
    let relevant = move |path: &PathBuf| {
        path.parent() != Some(outcomes_dir.as_path()) || *path == outcomes_file
    };
    std::thread::spawn(move || {
        let mut next = None;
        while let Some(paths) = next.take().or_else(|| changed.recv().ok()) {
            // Editors save in bursts (temporary file, rename, metadata): one rebuild per burst.
            let mut burst = Changes::default();
            let mut add = |paths: Vec<PathBuf>| {
                paths
                    .iter()
                    .filter(|p| relevant(p))
                    .for_each(|p| burst.add(&watched, p))
            };
            add(paths);
            while let Ok(paths) = changed.recv_timeout(QUIET) {
                add(paths);
            }
            if !burst.is_empty() {
                rebuilder.survive(&*server, |r, report| r.apply(burst, report));
            }
            // Lists wait while saves keep coming, so each saved page shows up first.
            match changed.recv_timeout(QUIET) {
                Ok(paths) => next = Some(paths),
                Err(RecvTimeoutError::Timeout) => rebuilder.survive(&*server, Rebuilder::finish),
                Err(RecvTimeoutError::Disconnected) => break,
            }
        }
    });
    Ok(watcher)
}

/// Server-sent events: one `reload` per build.
async fn events(State(server): State<Arc<Server>>) -> impl IntoResponse {
    let builds = BroadcastStream::new(server.reload.subscribe());
    let stream = builds.map(|_| Ok::<_, Infallible>(Event::default().event("reload").data("")));
    Sse::new(stream).keep_alive(KeepAlive::default())
}

async fn script() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        include_str!("serve/live.js"),
    )
}

/// Hands `/api/…` to the same handlers the Lambda runs.
async fn api_request(
    State(server): State<Arc<Server>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request,
) -> Response {
    let (mut parts, body) = request.into_parts();
    // The handler stores a salted hash of the client address, as behind API Gateway.
    parts
        .extensions
        .insert(functions::submit::ClientIp(peer.ip()));
    // The handler enforces its own, smaller limit and answers 413 itself.
    let read = axum::body::to_bytes(body, 1024 * 1024);
    let body = match tokio::time::timeout(listen::BODY_TIMEOUT, read).await {
        Ok(Ok(body)) => body,
        Ok(Err(_)) => return StatusCode::PAYLOAD_TOO_LARGE.into_response(),
        Err(_) => return StatusCode::REQUEST_TIMEOUT.into_response(),
    };
    let response = server
        .api
        .handle(http::Request::from_parts(parts, body))
        .await;
    let (parts, body) = response.into_parts();
    Response::from_parts(parts, Body::from(body))
}

/// Serves `public/` like S3 + CloudFront do: `/x/` → `x/index.html`, missing → `404.html`.
async fn static_file(State(server): State<Arc<Server>>, method: Method, uri: Uri) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::ALLOW, "GET, HEAD")],
        )
            .into_response();
    }
    let Some(relative) = safe_relative(uri.path()) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let mut file = server.public.join(&relative);
    if uri.path().ends_with('/') {
        file.push("index.html");
    } else if file.is_dir() {
        let location = directory_location(uri.path());
        return (
            StatusCode::MOVED_PERMANENTLY,
            [(header::LOCATION, location)],
        )
            .into_response();
    }
    let (status, file) = match tokio::fs::read(&file).await {
        Ok(bytes) => (StatusCode::OK, (file, bytes)),
        Err(_) => {
            let not_found = server.public.join("404.html");
            let bytes = tokio::fs::read(&not_found).await.unwrap_or_default();
            (StatusCode::NOT_FOUND, (not_found, bytes))
        }
    };
    let (path, bytes) = file;
    let mime = mime_guess::from_path(&path).first_or_octet_stream();
    let is_html = mime.essence_str() == "text/html";
    let body = if is_html {
        server.decorate(bytes)
    } else {
        bytes
    };
    let mut response = Response::new(if method == Method::HEAD {
        Body::empty()
    } else {
        Body::from(Bytes::from(body))
    });
    *response.status_mut() = status;
    let content_type = if is_html {
        "text/html; charset=utf-8".to_owned()
    } else {
        mime.to_string()
    };
    if let Ok(value) = HeaderValue::from_str(&content_type) {
        response.headers_mut().insert(header::CONTENT_TYPE, value);
    }
    // Pages change on every rebuild: never let the browser keep a stale copy.
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

impl Server {
    /// Adds the live-reload script and, while the content is broken, the problems overlay.
    fn decorate(&self, html: Vec<u8>) -> Vec<u8> {
        let mut extra = format!(r#"<script src="{SCRIPT_PATH}" defer></script>"#);
        if let Some(problems) = self.problems.read().expect("not poisoned").as_deref() {
            extra.push_str(&format!(
                r#"<div id="site-gen-problems" role="alert" style="position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;margin:0;padding:1rem;background:#fff4f4;color:#5c0000;border-top:4px solid #b00020;font:14px/1.4 monospace;z-index:9999"><strong>The site could not be rebuilt; showing the last good version.</strong><pre style="white-space:pre-wrap">{problems}</pre></div>"#
            ));
        }
        let text = String::from_utf8_lossy(&html);
        let at = text.rfind("</body>").unwrap_or(text.len());
        let mut out = String::with_capacity(text.len() + extra.len());
        out.push_str(&text[..at]);
        out.push_str(&extra);
        out.push_str(&text[at..]);
        out.into_bytes()
    }
}

/// Where a folder's address without its final slash redirects: the same path with one leading
/// slash, because `//host/x` in a `Location` is another site (an open redirect).
fn directory_location(path: &str) -> String {
    format!("/{}/", path.trim_start_matches(['/', '\\']))
}

/// The request path as a relative file path, refusing anything that could leave `public/`.
fn safe_relative(path: &str) -> Option<PathBuf> {
    let decoded = percent_encoding::percent_decode_str(path)
        .decode_utf8()
        .ok()?;
    let relative = Path::new(decoded.trim_start_matches('/'));
    relative
        .components()
        .all(|c| matches!(c, Component::Normal(_)))
        .then(|| relative.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_cannot_escape_public() {
        assert_eq!(safe_relative("/wiki/faq/"), Some(PathBuf::from("wiki/faq")));
        assert_eq!(safe_relative("/"), Some(PathBuf::new()));
        assert_eq!(safe_relative("/../etc/passwd"), None);
        assert_eq!(safe_relative("/a/%2e%2e/%2e%2e/x"), None);
        assert_eq!(safe_relative("/a/..%2F..%2Fx"), None);
    }

    #[test]
    fn folder_redirects_stay_on_this_site() {
        assert_eq!(directory_location("/wiki"), "/wiki/");
        assert_eq!(directory_location("//evil.example/x"), "/evil.example/x/");
        assert_eq!(directory_location("///opportunities"), "/opportunities/");
        assert_eq!(directory_location("/\\evil.example"), "/evil.example/");
    }
}
