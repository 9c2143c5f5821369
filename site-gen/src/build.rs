//! (being written)
use crate::cli::BuildArgs;
use std::path::Path;
use std::process::ExitCode;

/// Builds the site.
pub fn run(_root: &Path, _args: &BuildArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("build is not written yet")
}
