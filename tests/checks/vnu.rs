//! The Nu HTML Checker (vnu-jar from npm, run with the system Java).

use crate::harness::{java, node_module};
use std::path::Path;
use std::process::Command;

/// Validates every HTML file under (or at) each of `paths`; returns one line per error.
pub fn errors(paths: &[&Path]) -> anyhow::Result<Vec<String>> {
    let jar = node_module("vnu-jar/build/dist/vnu.jar");
    let output = Command::new(java())
        .arg("-jar")
        .arg(jar)
        .args(["--errors-only", "--skip-non-html", "--format", "gnu"])
        .args(paths)
        .output()?;
    // vnu prints its messages on stderr and exits 1 when there are errors.
    let messages: Vec<String> = String::from_utf8_lossy(&output.stderr)
        .lines()
        .chain(String::from_utf8_lossy(&output.stdout).lines())
        .filter(|line| !line.trim().is_empty())
        .map(str::to_string)
        .collect();
    anyhow::ensure!(
        output.status.success() || !messages.is_empty(),
        "vnu failed ({}) without messages",
        output.status
    );
    Ok(messages)
}
