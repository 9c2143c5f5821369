//! (being written)
use crate::cli::CheckArgs;
use std::path::Path;
use std::process::ExitCode;

/// Runs `check`.
pub fn run(_root: &Path, _args: &CheckArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("check is not written yet")
}
