//! The side-by-side build benchmark: warm-up, then interleaved measured builds of both sites
//! from a clean output directory.

use crate::content::Sites;
use crate::content::model::{Kind, NOW, kind};
use crate::measure::{self, Sample};
use anyhow::{Context, Result, bail};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Measurements of one content size.
pub struct SizeResult {
    /// Number of opportunities.
    pub count: usize,
    /// site-gen runs.
    pub ours: Vec<Sample>,
    /// Hugo runs.
    pub hugo: Vec<Sample>,
    /// What site-gen and Hugo wrote.
    pub output: (OutputSize, OutputSize),
}

/// The two builds being compared.
#[derive(Clone, Copy)]
enum Tool {
    SiteGen,
    Hugo,
}

impl Tool {
    fn name(self) -> &'static str {
        match self {
            Tool::SiteGen => "site-gen",
            Tool::Hugo => "hugo",
        }
    }
}

/// Runs `site-gen check` on our generated site, failing when the content is invalid.
pub fn check(site_gen: &Path, sites: &Sites, logs: &Path) -> Result<()> {
    let mut cmd = Command::new(site_gen);
    cmd.arg("check").arg("--root").arg(&sites.ours);
    measure::run(
        &mut cmd,
        &logs.join(format!("check-{}.log", sites.site.len())),
    )
    .context("the generated content does not pass `site-gen check`")?;
    Ok(())
}

/// Warm-up plus `runs` interleaved measured builds of each site.
pub fn run_size(site_gen: &Path, sites: &Sites, runs: usize, logs: &Path) -> Result<SizeResult> {
    let count = sites.site.len();
    // Earlier outputs are moved aside and deleted only after the runs: deleting 10,000 files
    // right before a build makes ext4 skip the just-freed inodes one by one while allocating
    // new ones (`recently_deleted`), which would time our clean-up rather than either tool.
    let trash = sites.ours.with_file_name(format!("trash-{count}"));
    remove(&trash)?;
    let next = std::cell::Cell::new(0u32);
    let set_aside = |dir: &Path, trash: &Path| -> Result<()> {
        if !dir.exists() {
            return Ok(());
        }
        fs::create_dir_all(trash)?;
        next.set(next.get() + 1);
        let to = trash.join(next.get().to_string());
        fs::rename(dir, &to).with_context(|| format!("moving {} aside", dir.display()))
    };
    let build = |tool: Tool| -> Result<Sample> {
        let (root, mut cmd) = match tool {
            Tool::SiteGen => {
                let mut cmd = Command::new(site_gen);
                cmd.arg("build")
                    .arg("--root")
                    .arg(&sites.ours)
                    .args(["--now", NOW]);
                (&sites.ours, cmd)
            }
            Tool::Hugo => {
                let mut cmd = Command::new("hugo");
                cmd.arg("--quiet").current_dir(&sites.hugo);
                (&sites.hugo, cmd)
            }
        };
        for dir in ["public", "private", "resources"] {
            set_aside(&root.join(dir), &trash)?;
        }
        let log = logs.join(format!("{}-{count}.log", tool.name()));
        measure::run(&mut cmd, &log)
            .with_context(|| format!("{} build of {count} opportunities", tool.name()))
    };

    eprintln!("bench: {count} opportunities: warm-up");
    build(Tool::SiteGen)?;
    build(Tool::Hugo)?;
    let output = (
        output_size(&sites.ours.join("public")),
        output_size(&sites.hugo.join("public")),
    );
    verify_page(sites)?;

    let mut result = SizeResult {
        count,
        ours: Vec::new(),
        hugo: Vec::new(),
        output,
    };
    for r in 0..runs {
        // Alternate which goes first so neither always inherits the other's cache state.
        let order = if r % 2 == 0 {
            [Tool::SiteGen, Tool::Hugo]
        } else {
            [Tool::Hugo, Tool::SiteGen]
        };
        for tool in order {
            let sample = build(tool)?;
            eprintln!(
                "bench: {count} run {}/{runs} {:8}: {:.3} s wall, {:.3} s cpu, {} MB",
                r + 1,
                tool.name(),
                sample.wall.as_secs_f64(),
                sample.cpu.as_secs_f64(),
                sample.max_rss_kib / 1024
            );
            match tool {
                Tool::SiteGen => result.ours.push(sample),
                Tool::Hugo => result.hugo.push(sample),
            }
        }
    }
    remove(&trash)?;
    Ok(result)
}

/// Both builds must have produced the page of a published opportunity (no empty-output wins).
fn verify_page(sites: &Sites) -> Result<()> {
    let i = (0..sites.site.len())
        .find(|&i| kind(i) == Kind::Open)
        .context("no open opportunity")?;
    let page = format!("public/opportunities/{}/index.html", sites.site.slug(i));
    for root in [&sites.ours, &sites.hugo] {
        let path: PathBuf = root.join(&page);
        if !path.is_file() {
            bail!("{} was not written by the build", path.display());
        }
    }
    Ok(())
}

fn remove(dir: &Path) -> Result<()> {
    match fs::remove_dir_all(dir) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(e).with_context(|| format!("removing {}", dir.display()))
        }
        _ => Ok(()),
    }
}

/// What one build wrote: `.html` files and bytes of all files.
#[derive(Debug, Clone, Copy, Default)]
pub struct OutputSize {
    /// `.html` files.
    pub html_files: usize,
    /// Bytes of every file.
    pub bytes: u64,
}

/// Sizes up the output tree below `dir`.
fn output_size(dir: &Path) -> OutputSize {
    let mut total = OutputSize::default();
    let Ok(entries) = fs::read_dir(dir) else {
        return total;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            let inner = output_size(&path);
            total.html_files += inner.html_files;
            total.bytes += inner.bytes;
        } else {
            total.html_files += usize::from(path.extension().is_some_and(|x| x == "html"));
            total.bytes += entry.metadata().map(|m| m.len()).unwrap_or(0);
        }
    }
    total
}
