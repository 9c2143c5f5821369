//! `site-gen check`: validate all of `content/` and print every problem, for people and for CI.

use crate::content::{self, LoadOptions};
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

/// Checks the content under `root` (drafts counted as published when `drafts`); exit status 1
/// when there is any problem.
pub fn run(root: &Path, drafts: bool, format: Format) -> anyhow::Result<ExitCode> {
    if !root.join("content").is_dir() {
        anyhow::bail!(
            "there is no `content/` folder in {}; run `site-gen check` in the site's folder or pass --root",
            root.display()
        );
    }
    let options = LoadOptions { drafts };
    match content::load_with(root, options) {
        Ok(content) => {
            println!(
                "checked site.yaml, the home page, {} opportunities and {} wiki pages: no problems",
                content.opportunities.len(),
                content.wiki.len()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(diagnostics) => {
            match format {
                Format::Human => {
                    let color = std::io::stderr().is_terminal()
                        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
                    eprint!("{}", diagnostics.render_human(root, color));
                }
                Format::Github => print!("{}", diagnostics.render_github()),
            }
            eprintln!("error: content check found {}", diagnostics.summary());
            Ok(ExitCode::FAILURE)
        }
    }
}
