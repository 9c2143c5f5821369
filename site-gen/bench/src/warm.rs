//! The warm rebuild (issue 14): both tools build into their previous output. site-gen's hourly
//! case: nothing changed but the clock, one hour later, and five opportunities close in that hour
//! (their deadline moved to half past [`NOW`]: the synthetic deadlines all fall at 4:00 PM).
//! Each run first rebuilds at [`NOW`] (not measured), so every measured build has the same work:
//! five statuses to flip. Hugo has no such cache: its warm figure is its full build of the same
//! content with its previous `public/` in place. Medians of interleaved runs; the target is
//! site-gen's wall time at most a tenth of Hugo's.

use crate::content::model::{self, Kind, NOW, kind};
use crate::content::{Sites, ours};
use crate::measure::{self, Sample, median};
use anyhow::{Context, Result, bail};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// site-gen's warm wall time as a share of Hugo's full build.
pub const TARGET: f64 = 0.1;
/// How many statuses the clock flips.
const FLIPS: usize = 5;
/// Their new deadline: half an hour after [`NOW`].
const DEADLINE: &str = "2026-11-24T12:30";

/// A Hugo site to compare with, by name.
pub struct HugoSite<'a> {
    /// How the report names it.
    pub name: &'a str,
    /// Its root.
    pub root: &'a Path,
}

/// Measures `runs` interleaved warm rebuilds of our site of `sites` (a copy in `out`, five
/// deadlines moved) against a full build of each Hugo site into its previous output; returns the
/// Markdown section.
pub fn measure(
    site_gen: &Path,
    sites: &Sites,
    themes: &Path,
    out: &Path,
    hugo: &[HugoSite],
    runs: usize,
    logs: &Path,
) -> Result<String> {
    let count = sites.site.len();
    let root = out.join(format!("warm-{count}"));
    if root.exists() {
        fs::remove_dir_all(&root)?;
    }
    ours::write(&sites.site, &root, themes)?;
    let flipped = close_in_the_hour(&sites.site, &root)?;
    let later = (NOW.parse::<jiff::Timestamp>()? + jiff::SignedDuration::from_hours(1)).to_string();
    let build = |now: &str| -> Result<Sample> {
        let mut cmd = Command::new(site_gen);
        cmd.args(["build", "--root"])
            .arg(&root)
            .args(["--now", now]);
        measure::run(&mut cmd, &logs.join(format!("warm-site-gen-{count}.log")))
    };
    let hugo_build = |site: &HugoSite| -> Result<Sample> {
        let mut cmd = Command::new("hugo");
        cmd.arg("--quiet").current_dir(site.root);
        measure::run(
            &mut cmd,
            &logs.join(format!("warm-{}-{count}.log", site.name)),
        )
    };

    eprintln!("bench: {count} opportunities: warm rebuilds");
    // Warm-up: every tool's output in place, site-gen's cache written.
    build(NOW)?;
    for site in hugo {
        hugo_build(site)?;
    }
    let mut ours_samples = Vec::new();
    let mut hugo_samples: Vec<Vec<Sample>> = vec![Vec::new(); hugo.len()];
    for r in 0..runs {
        build(NOW)?;
        let ours_first = |samples: &mut Vec<Sample>| -> Result<()> {
            let sample = build(&later)?;
            check_flipped(&root, &flipped)?;
            samples.push(sample);
            Ok(())
        };
        if r % 2 == 0 {
            ours_first(&mut ours_samples)?;
        }
        for (site, samples) in hugo.iter().zip(&mut hugo_samples) {
            samples.push(hugo_build(site)?);
        }
        if r % 2 == 1 {
            ours_first(&mut ours_samples)?;
        }
        eprintln!(
            "bench: {count} warm run {}/{runs}: site-gen {:.3} s wall",
            r + 1,
            ours_samples.last().map_or(0.0, |s| s.wall.as_secs_f64())
        );
    }
    Ok(table(count, &ours_samples, hugo, &hugo_samples))
}

/// Moves the deadline of [`FLIPS`] closing-soon opportunities to [`DEADLINE`]; their slugs.
fn close_in_the_hour(site: &model::Site, root: &Path) -> Result<Vec<String>> {
    let slugs: Vec<String> = (0..site.len())
        .filter(|&i| kind(i) == Kind::ClosingSoon)
        .take(FLIPS)
        .map(|i| site.slug(i).to_owned())
        .collect();
    if slugs.len() < FLIPS {
        bail!("fewer than {FLIPS} closing-soon opportunities");
    }
    for slug in &slugs {
        let file = page_source(root, slug);
        let text = fs::read_to_string(&file)?;
        let Some(start) = text.find("\nproposal_deadline: ") else {
            bail!("{} has no proposal_deadline", file.display());
        };
        let end = start + 1 + text[start + 1..].find('\n').context("a line")?;
        let text = format!(
            "{}\nproposal_deadline: {DEADLINE}{}",
            &text[..start],
            &text[end..]
        );
        fs::write(&file, text)?;
    }
    Ok(slugs)
}

fn page_source(root: &Path, slug: &str) -> PathBuf {
    root.join("content/opportunities")
        .join(format!("{slug}.md"))
}

/// The measured build must have flipped the five (no empty-output wins).
fn check_flipped(root: &Path, slugs: &[String]) -> Result<()> {
    for slug in slugs {
        let page = root.join(format!("public/opportunities/{slug}/index.html"));
        let html = fs::read_to_string(&page).with_context(|| page.display().to_string())?;
        if !html.contains("badge-under-evaluation") {
            bail!("{} does not show its new status", page.display());
        }
    }
    Ok(())
}

fn table(count: usize, ours: &[Sample], hugo: &[HugoSite], samples: &[Vec<Sample>]) -> String {
    let med = |s: &[Sample], f: fn(&Sample) -> f64| median(s.iter().map(f)).unwrap_or(f64::NAN);
    let wall = |s: &Sample| s.wall.as_secs_f64();
    let user = |s: &Sample| s.user.as_secs_f64();
    let sys = |s: &Sample| s.sys.as_secs_f64();
    let mut md = format!(
        "### Warm rebuild, {count} opportunities\n\n\
         Both tools build into their previous output. site-gen: the clock one hour later, \
         {FLIPS} statuses flip, nothing else changed (its build cache renders only what changed). \
         Hugo: its full build of the same content. Medians of {} interleaved runs.\n\n\
         | Build | wall | user | sys | site-gen wall ÷ this | target ≤ {TARGET} |\n\
         |---|--:|--:|--:|--:|:-:|\n",
        ours.len()
    );
    let ours_wall = med(ours, wall);
    let _ = writeln!(
        md,
        "| site-gen warm rebuild | {ours_wall:.3} s | {:.3} s | {:.3} s | | |",
        med(ours, user),
        med(ours, sys)
    );
    for (site, s) in hugo.iter().zip(samples) {
        let ratio = ours_wall / med(s, wall);
        let _ = writeln!(
            md,
            "| Hugo ({}) full build | {:.3} s | {:.3} s | {:.3} s | {ratio:.2}× | {} |",
            site.name,
            med(s, wall),
            med(s, user),
            med(s, sys),
            if ratio <= TARGET {
                "met"
            } else {
                "**not met**"
            }
        );
    }
    md
}
