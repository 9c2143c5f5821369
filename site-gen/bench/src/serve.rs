//! `serve` rebuild latency: edit one opportunity of a running `site-gen serve` and time how long
//! until the served page shows the change.

use crate::content::Sites;
use crate::content::model::{Kind, kind};
use crate::http;
use anyhow::{Context, Result, bail};
use std::fs::{self, File};
use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

/// How often the page is polled while waiting for a rebuild.
const POLL: Duration = Duration::from_millis(2);
/// Longest wait for one rebuild before giving up.
const REBUILD_TIMEOUT: Duration = Duration::from_secs(120);
/// Longest wait for `serve` to finish the lists after a restored edit.
const IDLE_TIMEOUT: Duration = Duration::from_secs(120);
/// Longest wait for the first build of `serve`.
const READY_TIMEOUT: Duration = Duration::from_secs(300);

/// Results of the serve measurement.
pub struct ServeResult {
    /// Opportunities in the served site.
    pub count: usize,
    /// From starting `serve` until the first page was served.
    pub ready: Duration,
    /// Per edit: from the file being written until the page showed the new title.
    pub latencies: Vec<Duration>,
}

/// Kills `serve` when dropped, so a failed measurement leaves no server behind.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        // SAFETY: signalling our own child by its pid.
        unsafe { libc::kill(self.0.id() as libc::pid_t, libc::SIGTERM) };
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.0.try_wait() {
                return;
            }
            sleep(Duration::from_millis(20));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `site-gen serve` on our site, then edits `edits` opportunities one after another.
pub fn measure(site_gen: &Path, sites: &Sites, edits: usize, log: &Path) -> Result<ServeResult> {
    let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?
        .local_addr()?
        .port();
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let count = sites.site.len();
    let probe = (0..count)
        .find(|&i| kind(i) == Kind::Open)
        .context("no open opportunity")?;
    let probe_path = format!("/opportunities/{}/", sites.site.slug(probe));

    let messages = log.with_extension("stderr.log");
    let started = Instant::now();
    let child = Command::new(site_gen)
        .arg("serve")
        .arg("--root")
        .arg(&sites.ours)
        .arg("--port")
        .arg(port.to_string())
        .stdin(Stdio::null())
        .stdout(File::create(log)?)
        .stderr(File::create(&messages)?)
        .spawn()
        .context("starting site-gen serve")?;
    let mut server = Server(child);
    loop {
        if let Ok(r) = http::get(addr, &probe_path, Duration::from_secs(5))
            && r.status == 200
        {
            break;
        }
        if let Some(status) = server.0.try_wait()? {
            bail!("site-gen serve exited ({status}); see {}", log.display());
        }
        if started.elapsed() > READY_TIMEOUT {
            bail!("site-gen serve did not serve {probe_path} within {READY_TIMEOUT:?}");
        }
        sleep(Duration::from_millis(20));
    }
    let ready = started.elapsed();
    eprintln!("bench: serve ready after {:.2} s", ready.as_secs_f64());

    let mut latencies = Vec::with_capacity(edits);
    for edit in 0..edits {
        // Spread the edits over the site, skipping drafts (they are not served).
        let mut i = (edit * 1009 + 17) % count;
        while kind(i) == Kind::Draft {
            i = (i + 1) % count;
        }
        let slug = sites.site.slug(i);
        let file = sites
            .ours
            .join("content/opportunities")
            .join(format!("{slug}.md"));
        let original = fs::read_to_string(&file)?;
        let marker = format!("Bench edit {edit} {}", std::process::id());
        let edited = original.replacen("title: \"", &format!("title: \"{marker} "), 1);
        let path = format!("/opportunities/{slug}/");
        let seen = fs::read_to_string(&messages).unwrap_or_default().len();
        fs::write(&file, &edited)?;
        let result = wait_for(addr, &path, |body| contains(body, &marker));
        fs::write(&file, &original)?;
        let latency = result.with_context(|| format!("waiting for {path} to show the edit"))?;
        eprintln!(
            "bench: serve edit {}/{edits}: {:.1} ms",
            edit + 1,
            latency.as_secs_f64() * 1e3
        );
        latencies.push(latency);
        // Let the restore and the list rebuild finish, so edits do not queue behind each other.
        wait_for(addr, &path, |body| !contains(body, &marker))
            .context("waiting for the restored page")?;
        wait_idle(&messages, seen, &path)?;
    }
    drop(server);
    Ok(ServeResult {
        count,
        ready,
        latencies,
    })
}

/// Polls `path` every [`POLL`] until `done` accepts a 200 body; returns the time it took.
fn wait_for(addr: SocketAddr, path: &str, done: impl Fn(&[u8]) -> bool) -> Result<Duration> {
    let start = Instant::now();
    loop {
        if let Ok(r) = http::get(addr, path, Duration::from_secs(5))
            && r.status == 200
            && done(&r.body)
        {
            return Ok(start.elapsed());
        }
        if start.elapsed() > REBUILD_TIMEOUT {
            bail!("no change after {REBUILD_TIMEOUT:?}");
        }
        sleep(POLL);
    }
}

/// Waits until `serve`, whose messages past byte `seen` are this edit's, has updated `path`
/// twice (the edit and its restore) and then rewritten the lists: after a page, serve always
/// rewrites the lists and feeds (seconds for 10,000 opportunities on a busy machine, so a fixed
/// pause would let the next edit queue behind them).
fn wait_idle(messages: &Path, seen: usize, path: &str) -> Result<()> {
    let start = Instant::now();
    let page = format!("Updated {path} ");
    loop {
        let text = fs::read_to_string(messages).unwrap_or_default();
        let new = text.get(seen..).unwrap_or_default();
        let pages = new.lines().filter(|line| line.starts_with(&page)).count();
        let last = new.lines().rev().find(|line| line.starts_with("Updated "));
        if pages >= 2 && last.is_some_and(|line| line.contains("list pages")) {
            return Ok(());
        }
        if start.elapsed() > IDLE_TIMEOUT {
            bail!("serve did not rewrite the lists within {IDLE_TIMEOUT:?}");
        }
        sleep(Duration::from_millis(50));
    }
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}
