//! The Markdown report: medians, ratios and whether each target is met.

use crate::functions::{Function, ZIP_TARGET_BYTES};
use crate::measure::{Sample, median};
use crate::runner::{SizeResult, Tool, ToolRuns};
use crate::serve::ServeResult;
use std::fmt::Write as _;
use std::time::Duration;

/// Wall and memory ratio target against Hugo rendering templates that mirror ours (issue 6).
const MIRRORED_TARGET: f64 = 0.25;
/// Wall time ratio target against Hugo with plain templates (issue 14).
const PLAIN_WALL_TARGET: f64 = 0.3;
/// Peak memory ratio target against Hugo with plain templates (issue 14).
const PLAIN_MEMORY_TARGET: f64 = 0.15;
/// Sizes from which the memory target applies too.
const MEMORY_TARGET_FROM: usize = 10_000;
/// `serve` rebuild target.
const SERVE_TARGET: Duration = Duration::from_millis(100);
/// Function cold start target.
const COLD_START_TARGET: Duration = Duration::from_millis(25);

/// Everything one benchmark run measured.
pub struct Report {
    /// Command line that produced it.
    pub command: String,
    /// Machine, versions, date.
    pub environment: Vec<String>,
    /// Build benchmark per size.
    pub sizes: Vec<SizeResult>,
    /// Serve measurement, or why there is none.
    pub serve: Result<ServeResult, String>,
    /// Function zips, or why there are none.
    pub functions: Result<Vec<Function>, String>,
}

/// Metrics compared for every size.
#[derive(Clone, Copy)]
enum Metric {
    Wall,
    User,
    Sys,
    Rss,
    Bytes,
    Files,
    /// Wall time right after deleting the old output ([`crate::runner::Emptied::JustDeleted`]).
    WallDeleted,
    /// System CPU time right after deleting the old output.
    SysDeleted,
}

impl Metric {
    const ALL: [Metric; 8] = [
        Metric::Wall,
        Metric::User,
        Metric::Sys,
        Metric::Rss,
        Metric::Bytes,
        Metric::Files,
        Metric::WallDeleted,
        Metric::SysDeleted,
    ];

    fn label(self) -> &'static str {
        match self {
            Metric::Wall => "wall time",
            Metric::User => "CPU user",
            Metric::Sys => "CPU sys",
            Metric::Rss => "peak RSS",
            Metric::Bytes => "bytes written",
            Metric::Files => "files written",
            Metric::WallDeleted => "wall time, old output just deleted",
            Metric::SysDeleted => "CPU sys, old output just deleted",
        }
    }

    /// The median of the runs (time, memory) or what the build wrote (bytes, files).
    fn value(self, runs: &ToolRuns) -> f64 {
        let of = |f: fn(&Sample) -> f64| median(runs.samples.iter().map(f)).unwrap_or(f64::NAN);
        let deleted =
            |f: fn(&Sample) -> f64| median(runs.after_delete.iter().map(f)).unwrap_or(f64::NAN);
        match self {
            Metric::Wall => of(|s| s.wall.as_secs_f64()),
            Metric::User => of(|s| s.user.as_secs_f64()),
            Metric::Sys => of(|s| s.sys.as_secs_f64()),
            Metric::Rss => of(|s| s.max_rss_kib as f64 / 1024.0),
            Metric::Bytes => runs.output.bytes as f64,
            Metric::Files => runs.output.files as f64,
            Metric::WallDeleted => deleted(|s| s.wall.as_secs_f64()),
            Metric::SysDeleted => deleted(|s| s.sys.as_secs_f64()),
        }
    }

    fn format(self, v: f64) -> String {
        match self {
            Metric::Wall
            | Metric::User
            | Metric::Sys
            | Metric::WallDeleted
            | Metric::SysDeleted => format!("{v:.3} s"),
            Metric::Rss => format!("{v:.0} MB"),
            Metric::Bytes => format!("{:.1} MB", v / 1e6),
            Metric::Files => thousands(v as usize),
        }
    }
}

/// One comparison table: site-gen against one Hugo site, with its targets.
struct Comparison {
    title: &'static str,
    what: &'static str,
    tool: Tool,
    wall_target: f64,
    memory_target: f64,
}

impl Comparison {
    /// The target of `metric` at `count` opportunities, if it has one.
    fn target(&self, metric: Metric, count: usize) -> Option<f64> {
        match metric {
            Metric::Wall | Metric::WallDeleted => Some(self.wall_target),
            Metric::Rss if count >= MEMORY_TARGET_FROM => Some(self.memory_target),
            _ => None,
        }
    }
}

const COMPARISONS: [Comparison; 2] = [
    Comparison {
        title: "Cold build: site-gen vs Hugo with plain templates (medians)",
        what: "Hugo renders plain templates over the same content: a page (title and body), a list page of links, its built-in RSS feed and sitemap.",
        tool: Tool::HugoPlain,
        wall_target: PLAIN_WALL_TARGET,
        memory_target: PLAIN_MEMORY_TARGET,
    },
    Comparison {
        title: "Cold build: site-gen vs Hugo with templates mirroring ours (medians)",
        what: "Hugo renders templates mirroring the default theme over the same content: the page chrome, opportunity pages with every field and the proposal form, one list page of cards for all opportunities, wiki pages with a sidebar, an RSS feed, highlighting with CSS classes.",
        tool: Tool::Hugo,
        wall_target: MIRRORED_TARGET,
        memory_target: MIRRORED_TARGET,
    },
];

impl Report {
    /// The report as Markdown.
    pub fn markdown(&self) -> String {
        let mut md = String::from("# site-gen benchmark\n\n");
        let _ = writeln!(md, "Command: `{}`\n", self.command);
        for line in &self.environment {
            let _ = writeln!(md, "- {line}");
        }
        if !self.sizes.is_empty() {
            self.build_tables(&mut md);
        }
        self.rest(md)
    }

    /// One table per Hugo site measured, then notes.
    fn build_tables(&self, md: &mut String) {
        for comparison in &COMPARISONS {
            self.build_table(md, comparison);
        }
        md.push_str(
            "\nEach build starts in an emptied output folder, with pending writes flushed (`sync`) \
             before the clock starts; the tools take turns (the first rotates each round). The \
             first rows move the old output aside (deleted after the benchmark), as on a fresh \
             checkout; the *just deleted* rows delete it right before the build (`rm -rf public`), \
             which on ext4 without a journal makes every inode allocation skip the inodes freed \
             in the last minute one by one, so they grow with files written × files deleted. \
             Bytes and files are what each build left in its output folder.\n\n",
        );
        for size in &self.sizes {
            let runs = size.tools.first().map_or(0, |t| t.samples.len());
            let _ = writeln!(
                md,
                "- {} opportunities (+ 50 wiki pages): {runs} runs each after a warm-up.",
                thousands(size.count),
            );
        }
    }

    /// The table comparing site-gen with the Hugo site of `comparison`, if it was measured.
    fn build_table(&self, md: &mut String, comparison: &Comparison) {
        let pairs: Vec<(usize, &ToolRuns, &ToolRuns)> = self
            .sizes
            .iter()
            .filter_map(|size| {
                Some((
                    size.count,
                    size.runs(Tool::SiteGen)?,
                    size.runs(comparison.tool)?,
                ))
            })
            .collect();
        if pairs.is_empty() {
            return;
        }
        let _ = writeln!(md, "\n## {}\n\n{}\n", comparison.title, comparison.what);
        md.push_str(
            "| Opportunities | Metric | site-gen | Hugo | site-gen / Hugo | Target | Met |\n",
        );
        md.push_str("|--:|---|--:|--:|--:|:-:|:-:|\n");
        for (count, ours, theirs) in pairs {
            for metric in Metric::ALL {
                let (ours, theirs) = (metric.value(ours), metric.value(theirs));
                if ours.is_nan() && theirs.is_nan() {
                    continue; // not measured (`--skip-after-delete`)
                }
                let ratio = ours / theirs;
                let (target, met) = match comparison.target(metric, count) {
                    Some(t) => (format!("≤ {t}×"), yes_no(ratio <= t).to_string()),
                    None => ("–".to_string(), "–".to_string()),
                };
                let _ = writeln!(
                    md,
                    "| {} | {} | {} | {} | {:.3}× | {target} | {met} |",
                    thousands(count),
                    metric.label(),
                    metric.format(ours),
                    metric.format(theirs),
                    ratio
                );
            }
        }
    }

    /// serve, functions and raw runs.
    fn rest(&self, mut md: String) -> String {
        md.push_str("\n## serve: rebuild after editing one opportunity\n\n");
        match &self.serve {
            Ok(s) => md.push_str(&serve_section(s)),
            Err(why) => {
                let _ = writeln!(md, "{why}");
            }
        }

        md.push_str("\n## Functions: arm64 zips and cold start\n\n");
        match &self.functions {
            Ok(fs) if !fs.is_empty() => {
                md.push_str("| Function | Zip | Size | ≤ 4 MB | Cold start | ≤ 25 ms |\n|---|---|--:|:-:|--:|:-:|\n");
                for f in fs {
                    let (cold, met) = match &f.cold_start {
                        Ok((d, what)) => (
                            format!("{:.1} ms ({what})", d.as_secs_f64() * 1e3),
                            yes_no(*d <= COLD_START_TARGET),
                        ),
                        Err(why) => (why.clone(), "–"),
                    };
                    let _ = writeln!(
                        md,
                        "| {} | `{}` | {:.2} MB | {} | {cold} | {met} |",
                        f.name,
                        f.zip.display(),
                        f.zip_bytes as f64 / 1e6,
                        yes_no(f.zip_bytes <= ZIP_TARGET_BYTES)
                    );
                }
            }
            Ok(_) => md.push_str(
                "Not measured: no `target/lambda/**/bootstrap.zip` (run `infra/check` first).\n",
            ),
            Err(why) => {
                let _ = writeln!(md, "{why}");
            }
        }

        if !self.sizes.is_empty() {
            md.push_str("\n## Raw runs (wall s / user s / sys s / peak RSS MB; moved aside, then just deleted)\n\n");
        }
        for size in &self.sizes {
            for runs in &size.tools {
                let samples: Vec<String> = runs
                    .samples
                    .iter()
                    .chain(&runs.after_delete)
                    .map(|s| {
                        format!(
                            "{:.3}/{:.3}/{:.3}/{}",
                            s.wall.as_secs_f64(),
                            s.user.as_secs_f64(),
                            s.sys.as_secs_f64(),
                            s.max_rss_kib / 1024
                        )
                    })
                    .collect();
                let _ = writeln!(
                    md,
                    "- {} {}: {}",
                    thousands(size.count),
                    runs.tool.name(),
                    samples.join(", ")
                );
            }
        }
        md
    }
}

/// The `serve` latency table and how it was measured.
pub fn serve_section(s: &ServeResult) -> String {
    let mut md = String::new();
    let ms: Vec<f64> = s.latencies.iter().map(|d| d.as_secs_f64() * 1e3).collect();
    let med = median(ms.iter().copied()).unwrap_or(f64::NAN);
    let (min, max) = ms
        .iter()
        .fold((f64::INFINITY, 0f64), |(lo, hi), &v| (lo.min(v), hi.max(v)));
    md.push_str("| Site | Edit → page served updated (median) | min / max | Target | Met |\n|---|--:|--:|:-:|:-:|\n");
    let _ = writeln!(
        md,
        "| {} opportunities | {med:.1} ms | {min:.1} / {max:.1} ms | ≤ {} ms | {} |",
        thousands(s.count),
        SERVE_TARGET.as_millis(),
        yes_no(med <= SERVE_TARGET.as_secs_f64() * 1e3)
    );
    let _ = writeln!(
        md,
        "\n{} edits, each after serve had rewritten the lists for the one before (title changed, file \
         rewritten, page polled every 2 ms); serve was ready {:.2} s after start. \
         The browser's live-reload push follows the rebuild.",
        ms.len(),
        s.ready.as_secs_f64()
    );
    md
}

fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "**no**" }
}

/// `10000` → `10,000`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(10_000), "10,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
