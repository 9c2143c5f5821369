//! The notification send against DynamoDB and SES in moto: a new opportunity for many
//! subscribers (10,000 by default), through the `functions` test that runs a smaller count in
//! every test run, with `NOTIFY_SUBSCRIBERS` raised. Moto is the bottleneck (each request is
//! Python), so the test's debug build is used.

use anyhow::{Context, Result};
use std::path::Path;
use std::process::Command;

/// Runs the send for `subscribers` and returns the test's figure line.
pub fn measure(repo: &Path, subscribers: usize) -> Result<String> {
    let moto = std::env::var("MOTO_SERVER").unwrap_or_else(|_| {
        repo.join(".venv-test/bin/moto_server")
            .display()
            .to_string()
    });
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .current_dir(repo)
        .args(["test", "-p", "functions", "--features", "aws"])
        .args([
            "--test",
            "aws_moto_notify",
            "a_new_opportunity",
            "--",
            "--nocapture",
        ])
        .env("NOTIFY_SUBSCRIBERS", subscribers.to_string())
        .env("MOTO_SERVER", moto)
        .output()
        .context("running the notification test (is moto installed? run tests/install-deps)")?;
    let log = String::from_utf8_lossy(&output.stderr);
    let line = log
        .lines()
        .find(|line| line.contains(" subscribers: stored in "))
        .map(str::to_owned);
    match (output.status.success(), line) {
        (true, Some(line)) => Ok(line),
        _ => anyhow::bail!("the notification send failed:\n{log}"),
    }
}
