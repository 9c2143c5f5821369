//! (being written)
use crate::cli::ServeArgs;
use std::path::Path;
use std::process::ExitCode;

/// Runs `serve`.
pub fn run(_root: &Path, _args: &ServeArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("serve is not written yet")
}
