//! Synthetic benchmark content: one deterministic model written both in our format and as an
//! equivalent Hugo site.

pub mod hugo;
pub mod model;
pub mod ours;
pub mod plain;
mod text;
mod words;

use anyhow::{Context, Result};
use std::fs;
use std::path::{Path, PathBuf};

/// Seed of the benchmark content; fixed so every run and machine builds the same pages.
pub const SEED: u64 = 0x00C0_DE01_7A05;

/// Where the two sites of one size live.
pub struct Sites {
    /// Our site root (`content/`, `themes/`).
    pub ours: PathBuf,
    /// The Hugo site root (templates mirroring ours).
    pub hugo: PathBuf,
    /// The Hugo site with plain templates over the same content.
    pub hugo_plain: PathBuf,
    /// The content model (for slugs).
    pub site: model::Site,
}

/// Generates the sites of `count` opportunities under `out` (`site-N`, `hugo-N`, `hugo-plain-N`),
/// replacing any earlier content so no stale file survives.
pub fn generate(out: &Path, themes: &Path, count: usize) -> Result<Sites> {
    let site = model::Site::new(SEED, count);
    let ours = out.join(format!("site-{count}"));
    let hugo = out.join(format!("hugo-{count}"));
    let hugo_plain = out.join(format!("hugo-plain-{count}"));
    for dir in [
        ours.join("content"),
        hugo.join("content"),
        hugo.join("layouts"),
        hugo_plain.join("layouts"),
    ] {
        if dir.exists() {
            fs::remove_dir_all(&dir).with_context(|| format!("removing {}", dir.display()))?;
        }
    }
    ours::write(&site, &ours, themes).context("writing our site")?;
    hugo::write(&site, &hugo).context("writing the Hugo site")?;
    plain::write(&hugo_plain, &hugo.join("content")).context("writing the plain Hugo site")?;
    Ok(Sites {
        ours,
        hugo,
        hugo_plain,
        site,
    })
}
