//! Command-line arguments and dispatch to each command: the only module that knows clap. It
//! turns arguments into the commands' plain options ([`crate::cmd`]).

use clap::{Parser, Subcommand, ValueEnum};
use jiff::Timestamp;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::cmd::{self, check};
use crate::content::LoadOptions;
use crate::render::BuildOptions;

/// Builds, checks and serves the Code With Us site.
#[derive(Debug, Parser)]
#[command(version, about)]
pub struct Cli {
    /// The site folder (holding `content/` and `themes/`); defaults to the current folder.
    #[arg(long, global = true, default_value = ".")]
    pub root: PathBuf,
    // Documented by its type: a doc comment here would change the `--help` text.
    #[allow(missing_docs)]
    #[command(subcommand)]
    pub command: Command,
}

/// The site-gen commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the static site into `public/` and the private registry into `private/`.
    Build(BuildArgs),
    /// Check all content and report every problem (exit status 1 when there are any).
    Check(CheckArgs),
    /// Build, serve on 127.0.0.1 with live reload, and run the proposal handlers locally.
    Serve(ServeArgs),
    /// Write a new, commented content file to fill in.
    New(NewArgs),
}

/// Options shared by commands that build.
#[derive(Debug, Clone, clap::Args)]
pub struct BuildArgs {
    /// The moment statuses are computed for (RFC 3339); defaults to SOURCE_DATE_EPOCH or the clock.
    #[arg(long, value_parser = parse_now)]
    pub now: Option<Timestamp>,
    /// Include draft opportunities.
    #[arg(long)]
    pub drafts: bool,
    /// The public outcomes file (awards, acceptances, payments); defaults to
    /// `.local/outcomes.json` in the site when it exists.
    #[arg(long)]
    pub outcomes: Option<PathBuf>,
}

/// `check` options.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// How to print problems.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Treat draft opportunities as published, so links to them are not broken.
    #[arg(long)]
    pub drafts: bool,
    /// The moment the clock rules (scheduled publishing, passed deadlines, award dates) are
    /// checked at (RFC 3339 or a date); defaults to SOURCE_DATE_EPOCH or the clock.
    #[arg(long, value_parser = parse_now)]
    pub now: Option<Timestamp>,
    /// The public outcomes file (awards, acceptances, payments); defaults to
    /// `.local/outcomes.json` in the site when it exists.
    #[arg(long)]
    pub outcomes: Option<PathBuf>,
}

/// Output formats for `check` (the command line's names for [`check::Format`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// rustc-like reports with source snippets.
    Human,
    /// GitHub Actions annotations (`::error file=…`).
    Github,
}

/// `serve` options.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Port on 127.0.0.1.
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    // Documented by its type: a doc comment here would change the `--help` text.
    #[allow(missing_docs)]
    #[command(flatten)]
    pub build: BuildArgs,
}

/// `new` options.
#[derive(Debug, clap::Args)]
pub struct NewArgs {
    /// What to create.
    #[arg(value_enum)]
    pub kind: NewKind,
    /// The slug (file name without `.md`), e.g. `permit-status-api`.
    pub slug: String,
}

/// Kinds of content `new` can write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum NewKind {
    /// An opportunity in `content/opportunities/`.
    Opportunity,
}

/// Reads `--now` as an RFC 3339 instant or a date (4:00 PM Vancouver, like content dates).
fn parse_now(text: &str) -> Result<Timestamp, String> {
    cwu_domain::when::parse_moment(text)
}

impl From<Format> for check::Format {
    fn from(format: Format) -> Self {
        match format {
            Format::Human => check::Format::Human,
            Format::Github => check::Format::Github,
        }
    }
}

impl BuildArgs {
    /// The renderer's options: `--now` resolved (see [`cmd::build_now`]).
    fn options(&self) -> anyhow::Result<BuildOptions> {
        Ok(BuildOptions {
            now: cmd::build_now(self.now)?,
            drafts: self.drafts,
            outcomes: self.outcomes.clone(),
        })
    }
}

impl Cli {
    /// Runs the chosen command and turns its outcome into an exit status.
    pub fn run(self) -> ExitCode {
        let root = &self.root;
        let result = match self.command {
            Command::Build(args) => args
                .options()
                .and_then(|options| cmd::build::run(root, &options)),
            Command::Check(args) => cmd::build_now(args.now).and_then(|now| {
                let options = LoadOptions {
                    drafts: args.drafts,
                    outcomes: args.outcomes,
                };
                check::run(root, options, now, args.format.into())
            }),
            Command::Serve(args) => args
                .build
                .options()
                .and_then(|options| cmd::serve::run(root, args.port, &options, args.build.now)),
            Command::New(args) => match args.kind {
                NewKind::Opportunity => cmd::new::opportunity(root, &args.slug),
            },
        };
        match result {
            Ok(code) => code,
            Err(error) => {
                eprintln!("error: {error:#}");
                ExitCode::FAILURE
            }
        }
    }
}
