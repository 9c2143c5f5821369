//! `site-gen check`: validate all of `content/` and print every problem, for people and for CI.

use crate::cli::{CheckArgs, Format};
use crate::content::{self, LoadOptions};
use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;

/// Checks the content under `root`; exit status 1 when there is any problem.
pub fn run(root: &Path, args: &CheckArgs) -> anyhow::Result<ExitCode> {
    if !root.join("content").is_dir() {
        anyhow::bail!(
            "there is no `content/` folder in {}; run `site-gen check` in the site's folder or pass --root",
            root.display()
        );
    }
    let options = LoadOptions {
        drafts: args.drafts,
    };
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
            match args.format {
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
