//! The side-by-side build benchmark: a warm-up, then interleaved measured builds of each site,
//! each into an emptied output folder (a cold build): the old output moved aside, then (see
//! [`Emptied`]) deleted right before the build.

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
    /// Each tool's runs, in the order they were asked for.
    pub tools: Vec<ToolRuns>,
}

impl SizeResult {
    /// The runs of `tool`, if it was measured.
    pub fn runs(&self, tool: Tool) -> Option<&ToolRuns> {
        self.tools.iter().find(|t| t.tool == tool)
    }
}

/// One tool's measured builds of one size.
pub struct ToolRuns {
    /// Which build.
    pub tool: Tool,
    /// Its measured runs into a folder whose old output was moved aside.
    pub samples: Vec<Sample>,
    /// Its measured runs right after deleting its old output ([`Emptied::JustDeleted`]).
    pub after_delete: Vec<Sample>,
    /// What it wrote.
    pub output: OutputSize,
}

/// The builds being compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    /// `site-gen build` with the default theme.
    SiteGen,
    /// Hugo with templates mirroring the default theme's pages.
    Hugo,
    /// Hugo with plain templates (a page, a list page, its built-in feed and sitemap).
    HugoPlain,
}

impl Tool {
    /// Short name for logs.
    pub fn name(self) -> &'static str {
        match self {
            Tool::SiteGen => "site-gen",
            Tool::Hugo => "hugo",
            Tool::HugoPlain => "hugo-plain",
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

/// How the output folder of a cold build was emptied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Emptied {
    /// The previous output was moved aside (into the trash, deleted after the whole benchmark):
    /// the build writes into a new folder as on a fresh checkout.
    MovedAside,
    /// The previous output was deleted (and flushed with `sync`) right before the build, as
    /// `rm -rf public` would. On ext4 without a journal (this machine's disk) allocating an
    /// inode skips, one by one, every inode freed in the last minute (five while its block is
    /// unwritten: `recently_deleted`), so such a build also pays for the files just deleted,
    /// about files written × files deleted.
    JustDeleted,
}

/// Where outputs moved aside wait until [`Trash::empty`].
pub struct Trash {
    dir: PathBuf,
    next: std::cell::Cell<u32>,
}

impl Trash {
    /// A trash folder at `dir` (emptied first).
    pub fn new(dir: PathBuf) -> Result<Self> {
        remove(&dir)?;
        Ok(Trash {
            dir,
            next: std::cell::Cell::new(0),
        })
    }

    fn set_aside(&self, dir: &Path) -> Result<()> {
        if !dir.exists() {
            return Ok(());
        }
        fs::create_dir_all(&self.dir)?;
        self.next.set(self.next.get() + 1);
        let to = self.dir.join(self.next.get().to_string());
        fs::rename(dir, &to).with_context(|| format!("moving {} aside", dir.display()))
    }

    /// Deletes everything set aside (after the measurements: see [`Emptied::JustDeleted`]).
    pub fn empty(&self) -> Result<()> {
        remove(&self.dir)
    }
}

/// Builds `tool`'s site into an emptied output folder (emptied as `emptied` says) and measures
/// the build alone. Pending writes are flushed (`sync`) before the clock starts, so no build
/// pays for the previous one's writeback.
fn cold_build(
    site_gen: &Path,
    sites: &Sites,
    tool: Tool,
    emptied: Emptied,
    trash: &Trash,
    logs: &Path,
) -> Result<Sample> {
    let count = sites.site.len();
    let root = site_root(sites, tool);
    let mut cmd = match tool {
        Tool::SiteGen => {
            let mut cmd = Command::new(site_gen);
            cmd.arg("build")
                .arg("--root")
                .arg(root)
                .args(["--now", NOW]);
            cmd
        }
        Tool::Hugo | Tool::HugoPlain => {
            let mut cmd = Command::new("hugo");
            cmd.arg("--quiet").current_dir(root);
            cmd
        }
    };
    // `.local` holds site-gen's warm-rebuild caches (parsed content, rendered pages), as
    // `resources` holds Hugo's: a cold build starts without them, as on a fresh checkout.
    for dir in ["public", "private", "resources", ".local"] {
        match emptied {
            Emptied::MovedAside => trash.set_aside(&root.join(dir))?,
            Emptied::JustDeleted => remove(&root.join(dir))?,
        }
    }
    // SAFETY: sync(2) takes no arguments and cannot fail.
    unsafe { libc::sync() };
    let log = logs.join(format!("{}-{count}.log", tool.name()));
    measure::run(&mut cmd, &log)
        .with_context(|| format!("{} build of {count} opportunities", tool.name()))
}

/// Warm-up plus `runs` interleaved measured builds of each of `tools` into a folder moved
/// aside, then (with `after_delete`) `runs` more right after deleting the output.
pub fn run_size(
    site_gen: &Path,
    sites: &Sites,
    tools: &[Tool],
    runs: usize,
    after_delete: bool,
    trash: &Trash,
    logs: &Path,
) -> Result<SizeResult> {
    let count = sites.site.len();
    eprintln!("bench: {count} opportunities: warm-up");
    let mut result = SizeResult {
        count,
        tools: Vec::new(),
    };
    for &tool in tools {
        cold_build(site_gen, sites, tool, Emptied::MovedAside, trash, logs)?;
        let root = site_root(sites, tool);
        verify_page(sites, root)?;
        result.tools.push(ToolRuns {
            tool,
            samples: Vec::new(),
            after_delete: Vec::new(),
            output: output_size(&root.join("public")),
        });
    }
    // Moved aside first: the deleting runs leave freed inodes that slow later allocations.
    let modes: &[Emptied] = if after_delete {
        &[Emptied::MovedAside, Emptied::JustDeleted]
    } else {
        &[Emptied::MovedAside]
    };
    for &emptied in modes {
        for r in 0..runs {
            // Rotate which goes first so none always inherits another's cache state.
            let mut order: Vec<usize> = (0..tools.len()).collect();
            order.rotate_left(r % tools.len().max(1));
            for i in order {
                let tool = tools[i];
                let sample = cold_build(site_gen, sites, tool, emptied, trash, logs)?;
                eprintln!(
                    "bench: {count} run {}/{runs} {:10} ({emptied:?}): {:.3} s wall, {:.3} s user, {:.3} s sys, {} MB",
                    r + 1,
                    tool.name(),
                    sample.wall.as_secs_f64(),
                    sample.user.as_secs_f64(),
                    sample.sys.as_secs_f64(),
                    sample.max_rss_kib / 1024
                );
                let runs = &mut result.tools[i];
                match emptied {
                    Emptied::MovedAside => runs.samples.push(sample),
                    Emptied::JustDeleted => runs.after_delete.push(sample),
                }
            }
        }
    }
    Ok(result)
}

fn site_root(sites: &Sites, tool: Tool) -> &Path {
    match tool {
        Tool::SiteGen => &sites.ours,
        Tool::Hugo => &sites.hugo,
        Tool::HugoPlain => &sites.hugo_plain,
    }
}

/// Each build must have produced the page of a published opportunity (no empty-output wins).
fn verify_page(sites: &Sites, root: &Path) -> Result<()> {
    let i = (0..sites.site.len())
        .find(|&i| kind(i) == Kind::Open)
        .context("no open opportunity")?;
    let path: PathBuf = root
        .join("public/opportunities")
        .join(sites.site.slug(i))
        .join("index.html");
    if !path.is_file() {
        bail!("{} was not written by the build", path.display());
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

/// What one build wrote: files, `.html` files and bytes of all files.
#[derive(Debug, Clone, Copy, Default)]
pub struct OutputSize {
    /// Files of any kind.
    pub files: usize,
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
            total.files += inner.files;
            total.html_files += inner.html_files;
            total.bytes += inner.bytes;
        } else {
            total.files += 1;
            total.html_files += usize::from(path.extension().is_some_and(|x| x == "html"));
            total.bytes += entry.metadata().map(|m| m.len()).unwrap_or(0);
        }
    }
    total
}
