//! Side-by-side benchmark of `site-gen build` against Hugo on the same synthetic content (Hugo
//! with plain templates, and with templates mirroring ours), plus
//! `serve` rebuild latency and the Lambda zips; prints a Markdown report and writes it to
//! `bench-out/report.md`.

mod functions;
mod http;
mod measure;
mod notify;
mod publish;
mod report;
mod runner;
mod serve;
mod tools;
mod warm;

use anyhow::{Context, Result};
use bench::content;
use clap::Parser;
use std::fs;
use std::path::{Path, PathBuf};

/// Benchmark site-gen against Hugo (issue 6).
#[derive(Parser)]
#[command(version, about)]
struct Args {
    /// Numbers of opportunities to benchmark.
    #[arg(long, value_delimiter = ',', default_values_t = [1000, 10000])]
    sizes: Vec<usize>,
    /// Measured runs per tool and size (after one warm-up each).
    #[arg(long, default_value_t = 5)]
    runs: usize,
    /// Skip the `serve` rebuild measurement.
    #[arg(long)]
    skip_serve: bool,
    /// Compare only with Hugo's plain templates (skip the Hugo site mirroring ours).
    #[arg(long)]
    skip_mirrored: bool,
    /// Skip the cold builds right after deleting the old output (only move it aside).
    #[arg(long)]
    skip_after_delete: bool,
    /// Number of edits for the `serve` measurement (on the largest size).
    #[arg(long, default_value_t = 5)]
    serve_edits: usize,
    /// Only generate the content (for profiling site-gen by hand), then exit.
    #[arg(long)]
    generate_only: bool,
    /// Do not run `site-gen check` on the generated content first.
    #[arg(long)]
    no_check: bool,
    /// Only report the function zips and cold starts (no content, builds or serve).
    #[arg(long)]
    functions_only: bool,
    /// Use the existing `target/release/site-gen` instead of building it first.
    #[arg(long)]
    no_build: bool,
    /// Only measure the notification send: a new opportunity for this many subscribers,
    /// against DynamoDB and SES in moto (e.g. 10000).
    #[arg(long)]
    notify_only: Option<usize>,
    /// Only measure what `infra/publish_site.py` sends to S3 in moto for the site of this many
    /// opportunities: first publish, no change, 1% of statuses changed, clock +1 hour, clock at
    /// 4 PM (the day's step of the time left). Uses the release `site-gen` if built, else the
    /// debug one (the figures are counts, not times).
    #[arg(long)]
    publish_only: Option<usize>,
    /// Only measure warm rebuilds at this size: site-gen with its build cache, the clock one hour
    /// later and five statuses flipping, against Hugo's full build into its previous output.
    #[arg(long)]
    warm_only: Option<usize>,
    /// Only measure the `serve` rebuild latency on the site of this many opportunities.
    #[arg(long)]
    serve_only: Option<usize>,
}

fn main() -> Result<()> {
    let args = Args::parse();
    let repo = repo_root()?;
    let out = repo.join("bench-out");
    let logs = out.join("logs");
    fs::create_dir_all(&logs)?;
    let themes = repo.join("themes");

    if let Some(subscribers) = args.notify_only {
        let line = notify::measure(&repo, subscribers)?;
        println!("{line}");
        fs::write(out.join("notify.txt"), format!("{line}\n"))?;
        return Ok(());
    }

    if let Some(count) = args.publish_only {
        let site_gen = tools::built_site_gen(&repo)
            .or_else(|_| tools::debug_site_gen(&repo))
            .context("build site-gen first (cargo build -p site-gen)")?;
        let table = publish::measure(&repo, &site_gen, &out, count)?;
        print!("{table}");
        fs::write(out.join("publish.md"), &table)?;
        return Ok(());
    }

    if args.functions_only {
        let registry = [
            out.join("site-1000/private/registry.json"),
            repo.join("private/registry.json"),
        ]
        .into_iter()
        .find(|p| p.is_file());
        let report = report::Report {
            command: command_line(),
            environment: vec![format!("Machine: {}", tools::machine())],
            sizes: Vec::new(),
            serve: Err("Not measured (`--functions-only`).".into()),
            functions: Ok(functions::measure(
                &tools::target_dir(&repo),
                registry.as_deref(),
                &logs,
            )),
        };
        print!("{}", report.markdown());
        return Ok(());
    }

    let mut sizes = args
        .warm_only
        .or(args.serve_only)
        .map_or_else(|| args.sizes.clone(), |count| vec![count]);
    sizes.sort_unstable();
    sizes.dedup();
    let mut generated = Vec::new();
    for &count in &sizes {
        eprintln!("bench: generating {count} opportunities");
        generated.push(content::generate(&out, &themes, count)?);
    }
    if args.generate_only {
        for sites in &generated {
            for root in [&sites.ours, &sites.hugo, &sites.hugo_plain] {
                println!("{}", root.display());
            }
        }
        return Ok(());
    }

    let hugo_version = tools::ensure_hugo()?;
    let load_at_start = tools::load_average();
    let site_gen = if args.no_build {
        tools::built_site_gen(&repo)?
    } else {
        tools::build_site_gen(&repo)?
    };
    if args.serve_only.is_some() {
        let sites = generated.last().context("no size to measure")?;
        let result = serve::measure(&site_gen, sites, args.serve_edits, &logs.join("serve.log"))?;
        let table = report::serve_section(&result);
        print!("{table}");
        fs::write(out.join("serve.md"), &table)?;
        return Ok(());
    }
    let warm = |sites: &content::Sites| {
        let mut hugo = vec![warm::HugoSite {
            name: "plain templates",
            root: &sites.hugo_plain,
        }];
        if !args.skip_mirrored {
            hugo.push(warm::HugoSite {
                name: "templates like ours",
                root: &sites.hugo,
            });
        }
        warm::measure(&site_gen, sites, &themes, &out, &hugo, args.runs, &logs)
    };
    if args.warm_only.is_some() {
        let sites = generated.last().context("no size to measure")?;
        let table = warm(sites)?;
        print!("{table}");
        fs::write(out.join("warm.md"), &table)?;
        return Ok(());
    }
    let tools: &[runner::Tool] = if args.skip_mirrored {
        &[runner::Tool::SiteGen, runner::Tool::HugoPlain]
    } else {
        &[
            runner::Tool::SiteGen,
            runner::Tool::HugoPlain,
            runner::Tool::Hugo,
        ]
    };
    let trash = runner::Trash::new(out.join("trash"))?;
    let mut results = Vec::new();
    for sites in &generated {
        if !args.no_check {
            runner::check(&site_gen, sites, &logs)?;
        }
        results.push(runner::run_size(
            &site_gen,
            sites,
            tools,
            args.runs,
            !args.skip_after_delete,
            &trash,
            &logs,
        )?);
    }

    let serve = match generated.last() {
        _ if args.skip_serve => Err("Not measured (`--skip-serve`).".to_string()),
        None => Err("Not measured: no sizes.".to_string()),
        Some(sites) => serve::measure(&site_gen, sites, args.serve_edits, &logs.join("serve.log"))
            .map_err(|e| format!("Not measured: {e:#}")),
    };
    let registry = generated
        .first()
        .map(|s| s.ours.join("private/registry.json"))
        .filter(|p| p.is_file());
    let functions = Ok(functions::measure(
        &tools::target_dir(&repo),
        registry.as_deref(),
        &logs,
    ));

    let report = report::Report {
        command: command_line(),
        environment: vec![
            format!(
                "Date: {}",
                jiff::Timestamp::now()
                    .round(jiff::Unit::Second)
                    .unwrap_or_else(|_| jiff::Timestamp::now())
            ),
            format!("Machine: {}", tools::machine()),
            format!("site-gen: commit {}, `--release`", tools::commit(&repo)),
            format!("Hugo: {hugo_version}"),
            format!(
                "Load average (1 min) at start / end: {load_at_start} / {} on {} cores",
                tools::load_average(),
                std::thread::available_parallelism().map_or(1, |n| n.get())
            ),
        ],
        sizes: results,
        serve,
        functions,
    };
    trash.empty()?;
    let mut md = report.markdown();
    if let Some(sites) = generated.last() {
        md.push_str(&format!("\n{}", warm(sites)?));
    }
    print!("{md}");
    let path = out.join("report.md");
    fs::write(&path, &md).with_context(|| format!("writing {}", path.display()))?;
    eprintln!("bench: report written to {}", path.display());
    Ok(())
}

/// How this run was started, as the documented cargo command.
fn command_line() -> String {
    let args: Vec<String> = std::env::args().skip(1).collect();
    format!("cargo run --release -p bench -- {}", args.join(" "))
        .trim_end()
        .to_string()
}

/// The workspace root (two levels above this package).
fn repo_root() -> Result<PathBuf> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest
        .join("../..")
        .canonicalize()
        .context("finding the workspace root")
}
