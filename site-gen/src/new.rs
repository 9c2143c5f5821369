//! (being written)
use crate::cli::NewArgs;
use std::path::Path;
use std::process::ExitCode;

/// Runs `new`.
pub fn run(_root: &Path, _args: &NewArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("new is not written yet")
}
