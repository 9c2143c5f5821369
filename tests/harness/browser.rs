//! Headless Debian Chromium driven through chromedriver with fantoccini.

use super::process::ProcessGroup;
use super::{artifact_dir, chromedriver, chromium, free_port, http};
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

/// Whether pages may run JavaScript.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Js {
    /// The default browser.
    Enabled,
    /// JavaScript switched off by content settings, as a user (or a strict policy) would.
    Disabled,
}

/// Flags that keep Chromium headless, quiet and off the network (see shared/TOOLING.md).
const FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--force-device-scale-factor=1",
];

/// Desktop viewport used unless a test resizes the window.
pub const DESKTOP: (u32, u32) = (1280, 900);

/// A browser session; chromedriver and Chromium are killed on drop.
pub struct Browser {
    client: Client,
    _driver: ProcessGroup,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts chromedriver and a fresh headless Chromium profile, without the back/forward
    /// cache: `serve`'s live-reload connection in cached pages would otherwise stall page loads
    /// (see the journey `browsing_many_pages_in_a_row_stays_fast`, which keeps the cache on).
    pub async fn start(js: Js) -> anyhow::Result<Self> {
        Self::launch(js, &["--disable-features=BackForwardCache"]).await
    }

    /// Starts Chromium exactly as a person's: with the back/forward cache.
    pub async fn start_as_shipped(js: Js) -> anyhow::Result<Self> {
        Self::launch(js, &[]).await
    }

    async fn launch(js: Js, extra_flags: &[&str]) -> anyhow::Result<Self> {
        let chromium = chromium();
        let profile = tempfile::Builder::new()
            .prefix("cwu-e2e-chromium-")
            .tempdir()?;
        let port = free_port();
        let log = profile.path().join("chromedriver.log");
        let mut command = Command::new(chromedriver());
        command.arg(format!("--port={port}"));
        let mut driver = ProcessGroup::spawn("chromedriver", command, &log);
        let deadline = Instant::now() + Duration::from_secs(30);
        while !matches!(http::get(port, "/status"), Ok(response) if response.status == 200) {
            driver.check_alive(&log)?;
            anyhow::ensure!(
                Instant::now() < deadline,
                "chromedriver did not start within 30 s"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }

        let mut args: Vec<String> = FLAGS
            .iter()
            .chain(extra_flags)
            .map(|flag| flag.to_string())
            .collect();
        args.push(format!(
            "--user-data-dir={}",
            profile.path().join("profile").display()
        ));
        args.push(format!("--window-size={},{}", DESKTOP.0, DESKTOP.1));
        let mut options = json!({ "binary": chromium, "args": args });
        if js == Js::Disabled {
            options["prefs"] = json!({ "profile.managed_default_content_settings.javascript": 2 });
        }
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("browserName".into(), json!("chrome"));
        capabilities.insert("goog:chromeOptions".into(), options);
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .map_err(|e| anyhow::anyhow!("cannot start Chromium through chromedriver: {e}"))?;
        Ok(Self {
            client,
            _driver: driver,
            _profile: profile,
        })
    }

    /// Ends the session politely (chromedriver closes Chromium and reaps it); dropping the
    /// browser without this still kills everything.
    pub async fn quit(self) -> anyhow::Result<()> {
        self.client.clone().close().await?;
        Ok(())
    }

    /// The WebDriver client.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Navigates to `url` and waits for the page to load.
    pub async fn goto(&self, url: &str) -> anyhow::Result<()> {
        self.client.goto(url).await?;
        Ok(())
    }

    /// The current path (e.g. `/opportunities/`).
    pub async fn path(&self) -> anyhow::Result<String> {
        Ok(self.client.current_url().await?.path().to_string())
    }

    /// Runs `script` (a function body; `arguments` holds `args`) and returns its value.
    pub async fn eval(&self, script: &str, args: Vec<Value>) -> anyhow::Result<Value> {
        Ok(self.client.execute(script, args).await?)
    }

    /// The visible text of the whole page.
    pub async fn page_text(&self) -> anyhow::Result<String> {
        Ok(self.client.find(Locator::Css("body")).await?.text().await?)
    }

    /// Saves screenshots of the current page at 1280 px and 375 px wide (full page height) as
    /// `target/screenshots/<name>-<width>.png`, and returns their paths.
    pub async fn screenshots(&self, name: &str) -> anyhow::Result<Vec<PathBuf>> {
        let dir = artifact_dir("screenshots");
        let mut saved = Vec::new();
        for width in [1280u32, 375] {
            self.client.set_window_size(width, DESKTOP.1).await?;
            let height = self
                .eval("return document.documentElement.scrollHeight;", vec![])
                .await?
                .as_u64()
                .unwrap_or(DESKTOP.1 as u64)
                .clamp(400, 8000) as u32;
            self.client.set_window_size(width, height).await?;
            let png = self.client.screenshot().await?;
            let path = dir.join(format!("{name}-{width}.png"));
            std::fs::write(&path, png)?;
            saved.push(path);
        }
        self.client.set_window_size(DESKTOP.0, DESKTOP.1).await?;
        Ok(saved)
    }
}
