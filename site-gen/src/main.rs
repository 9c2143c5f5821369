//! The `site-gen` command: a thin layer over the library's commands.

use clap::Parser;
use site_gen::cli::Cli;
use std::process::ExitCode;

fn main() -> ExitCode {
    Cli::parse().run()
}
