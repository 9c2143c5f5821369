//! `site-gen serve` on a free loopback port over a private copy of the site.

use super::http;
use super::process::ProcessGroup;
use super::site::{Site, now_epoch, site_gen};
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

/// A running `site-gen serve`, killed on drop (before its site folder is deleted).
pub struct Server {
    process: ProcessGroup,
    log: PathBuf,
    port: u16,
    site: Site,
}

impl Server {
    /// Builds `site` at the test clock and serves it, returning once `/` answers 200.
    pub fn start(site: Site) -> anyhow::Result<Self> {
        Self::start_at(site, None, super::free_port())
    }

    /// Serves `site` on `port` with `serve --now NOW` when `now` is given (the handlers' clock
    /// then starts there too), e.g. to pass a deadline; the site keeps its `.local/` store.
    pub fn start_at(site: Site, now: Option<&str>, port: u16) -> anyhow::Result<Self> {
        site.build();
        let log = site.root().join("serve.log");
        let mut command = Command::new(site_gen());
        command
            .args(["serve", "--root"])
            .arg(site.root())
            .args(["--port", &port.to_string()])
            // serve builds too; keep its statuses on the same fixed clock as `build --now`.
            .env("SOURCE_DATE_EPOCH", now_epoch().to_string());
        if let Some(now) = now {
            command.args(["--now", now]);
        }
        let mut process = ProcessGroup::spawn("site-gen serve", command, &log);
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            process.check_alive(&log)?;
            if matches!(http::get(port, "/"), Ok(response) if response.status == 200) {
                break;
            }
            if Instant::now() > deadline {
                anyhow::bail!(
                    "site-gen serve did not answer GET / with 200 within 60 s; log:\n{}",
                    std::fs::read_to_string(&log).unwrap_or_default()
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Ok(Self {
            process,
            log,
            port,
            site,
        })
    }

    /// The served site.
    pub fn site(&self) -> &Site {
        &self.site
    }

    /// The port on 127.0.0.1.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `http://127.0.0.1:PORT` followed by `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// What serve printed so far (for failure messages).
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Stops serve and gives the site back (its `.local/` store and outbox kept).
    pub fn stop(self) -> Site {
        drop(self.process);
        self.site
    }

    /// The process id of serve.
    pub fn pid(&self) -> u32 {
        self.process.id()
    }
}
