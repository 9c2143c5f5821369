//! `site-gen check`: validate all of `content/` and print every problem, for people and for CI.

use crate::content::diagnostics::Diagnostics;
use crate::content::{self, LoadOptions};
use jiff::Timestamp;
use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;

/// How to print problems.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// rustc-like reports with source snippets.
    Human,
    /// GitHub Actions annotations (`::error file=…`).
    Github,
}

/// Checks the content under `root` (drafts counted as published when `options.drafts`) with its
/// outcomes file, with the clock rules at `now` (see [`content::schedule`]); exit status 1 when
/// there is any error (warnings and notes are printed but pass).
pub fn run(
    root: &Path,
    options: LoadOptions,
    now: Timestamp,
    format: Format,
) -> anyhow::Result<ExitCode> {
    if !root.join("content").is_dir() {
        anyhow::bail!(
            "there is no `content/` folder in {}; run `site-gen check` in the site's folder or pass --root",
            root.display()
        );
    }
    match content::load_with(root, options) {
        Ok(content) => {
            let mut clock = content::schedule::check(root, &content, now);
            clock.0.extend(content::outcomes::check(root, &content));
            let clock = clock.sorted();
            print_diagnostics(root, format, &clock);
            if clock.has_errors() {
                eprintln!("error: content check found {}", clock.summary());
                return Ok(ExitCode::FAILURE);
            }
            println!(
                "checked site.yaml, the home page, {} opportunities and {} wiki pages: no problems",
                content.opportunities.len(),
                content.wiki.len()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(diagnostics) => {
            print_diagnostics(root, format, &diagnostics);
            eprintln!("error: content check found {}", diagnostics.summary());
            Ok(ExitCode::FAILURE)
        }
    }
}

fn print_diagnostics(root: &Path, format: Format, diagnostics: &Diagnostics) {
    match format {
        Format::Human => {
            let color = std::io::stderr().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
            eprint!("{}", diagnostics.render_human(root, color));
        }
        Format::Github => print!("{}", diagnostics.render_github()),
    }
}
