//! `questions-issue open|close`: keeps each opportunity's GitHub questions issue (see
//! `site_gen::cmd::questions`). The workflows run it; `--dry-run` prints the API calls instead.

use clap::{Parser, ValueEnum};
use site_gen::cmd::questions::{self, DryRun, GhCli, Mode, Target};
use std::path::PathBuf;
use std::process::ExitCode;

/// Creates the questions issue of newly merged opportunities (with a pull request adding its
/// address) and comments on, closes and locks it when proposals close or the work is awarded.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    /// `open`: create missing issues; `close`: close and lock those of closed opportunities.
    #[arg(value_enum)]
    mode: ModeArg,
    /// The repository, `owner/name` (in a workflow: GITHUB_REPOSITORY).
    #[arg(long, env = "GITHUB_REPOSITORY")]
    repo: String,
    /// The branch pull requests go into.
    #[arg(long, default_value = "main")]
    base: String,
    /// The site folder (holding `content/`).
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// The moment statuses are computed for (RFC 3339 or a date); defaults to the clock.
    #[arg(long, value_parser = cwu_domain::when::parse_moment)]
    now: Option<jiff::Timestamp>,
    /// Print the GitHub API calls instead of making them.
    #[arg(long)]
    dry_run: bool,
    /// The public outcomes file, so awards recorded on the platform close the issue too;
    /// defaults to `.local/outcomes.json` in the site when it exists.
    #[arg(long)]
    outcomes: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ModeArg {
    Open,
    Close,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args) -> anyhow::Result<()> {
    let now = args.now.unwrap_or_else(jiff::Timestamp::now);
    let (base_url, entries) = questions::entries(&args.root, now, args.outcomes.as_deref())?;
    let target = Target {
        repo: args.repo.clone(),
        base: args.base.clone(),
        base_url,
        root: args.root.clone(),
    };
    let mode = match args.mode {
        ModeArg::Open => Mode::Open,
        ModeArg::Close => Mode::Close,
    };
    let done = if args.dry_run {
        questions::run(&mut DryRun::new(std::io::stdout()), &target, mode, &entries)?
    } else {
        questions::run(&mut GhCli, &target, mode, &entries)?
    };
    for line in &done {
        eprintln!("{line}");
    }
    if done.is_empty() {
        eprintln!("nothing to do");
    }
    Ok(())
}
