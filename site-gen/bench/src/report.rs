//! The Markdown report: medians, ratios and whether each target is met.

use crate::functions::{Function, ZIP_TARGET_BYTES};
use crate::measure::{Sample, median};
use crate::runner::SizeResult;
use crate::serve::ServeResult;
use std::fmt::Write as _;
use std::time::Duration;

/// Wall and memory ratio target (site-gen / Hugo).
const RATIO_TARGET: f64 = 0.25;
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
    Cpu,
    Rss,
}

impl Metric {
    fn label(self) -> &'static str {
        match self {
            Metric::Wall => "wall time",
            Metric::Cpu => "CPU user+sys",
            Metric::Rss => "peak RSS",
        }
    }

    fn value(self, s: &Sample) -> f64 {
        match self {
            Metric::Wall => s.wall.as_secs_f64(),
            Metric::Cpu => s.cpu.as_secs_f64(),
            Metric::Rss => s.max_rss_kib as f64 / 1024.0,
        }
    }

    fn format(self, v: f64) -> String {
        match self {
            Metric::Wall | Metric::Cpu => format!("{v:.3} s"),
            Metric::Rss => format!("{v:.0} MB"),
        }
    }

    /// Whether this metric has a target at this size.
    fn targeted(self, count: usize) -> bool {
        match self {
            Metric::Wall => true,
            Metric::Cpu => false,
            Metric::Rss => count >= MEMORY_TARGET_FROM,
        }
    }
}

impl Report {
    /// The report as Markdown.
    pub fn markdown(&self) -> String {
        let mut md = String::from("# site-gen benchmark\n\n");
        let _ = writeln!(md, "Command: `{}`\n", self.command);
        for line in &self.environment {
            let _ = writeln!(md, "- {line}");
        }
        if !self.sizes.is_empty() {
            self.build_table(&mut md);
        }
        self.rest(md)
    }

    /// The side-by-side build table and notes.
    fn build_table(&self, md: &mut String) {
        md.push_str("\n## Build: site-gen vs Hugo (medians)\n\n");
        md.push_str(
            "| Opportunities | Metric | site-gen | Hugo | site-gen / Hugo | Target | Met |\n",
        );
        md.push_str("|--:|---|--:|--:|--:|:-:|:-:|\n");
        for size in &self.sizes {
            for metric in [Metric::Wall, Metric::Cpu, Metric::Rss] {
                let ours = median(size.ours.iter().map(|s| metric.value(s))).unwrap_or(f64::NAN);
                let hugo = median(size.hugo.iter().map(|s| metric.value(s))).unwrap_or(f64::NAN);
                let ratio = ours / hugo;
                let (target, met) = if metric.targeted(size.count) {
                    (
                        format!("≤ {RATIO_TARGET}×"),
                        yes_no(ratio <= RATIO_TARGET).to_string(),
                    )
                } else {
                    ("–".to_string(), "–".to_string())
                };
                let _ = writeln!(
                    md,
                    "| {} | {} | {} | {} | {:.3}× | {target} | {met} |",
                    thousands(size.count),
                    metric.label(),
                    metric.format(ours),
                    metric.format(hugo),
                    ratio
                );
            }
        }
        md.push('\n');
        for size in &self.sizes {
            let _ = writeln!(
                md,
                "- {} opportunities (+ 50 wiki pages): {} runs each after a warm-up; written: site-gen {} HTML files, {:.1} MB in all; Hugo {} HTML files, {:.1} MB.",
                thousands(size.count),
                size.ours.len(),
                size.output.0.html_files,
                size.output.0.bytes as f64 / 1e6,
                size.output.1.html_files,
                size.output.1.bytes as f64 / 1e6
            );
        }
    }

    /// serve, functions and raw runs.
    fn rest(&self, mut md: String) -> String {
        md.push_str("\n## serve: rebuild after editing one opportunity\n\n");
        match &self.serve {
            Ok(s) => {
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
                    "\n{} edits 3 s apart (title changed, file rewritten, page polled every 2 ms); serve was ready {:.2} s after start. \
                     The browser's live-reload push follows the rebuild.",
                    ms.len(),
                    s.ready.as_secs_f64()
                );
            }
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
            md.push_str("\n## Raw runs (wall s / CPU s / peak RSS MB)\n\n");
        }
        for size in &self.sizes {
            for (tool, samples) in [("site-gen", &size.ours), ("Hugo", &size.hugo)] {
                let runs: Vec<String> = samples
                    .iter()
                    .map(|s| {
                        format!(
                            "{:.3}/{:.3}/{}",
                            s.wall.as_secs_f64(),
                            s.cpu.as_secs_f64(),
                            s.max_rss_kib / 1024
                        )
                    })
                    .collect();
                let _ = writeln!(
                    md,
                    "- {} {tool}: {}",
                    thousands(size.count),
                    runs.join(", ")
                );
            }
        }
        md
    }
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
