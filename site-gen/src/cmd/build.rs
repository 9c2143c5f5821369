//! `site-gen build`: content and a theme into the static site in `public/` and the private
//! registry in `private/registry.json`, with a one-line summary or the content's problems.

use crate::render::{BuildError, BuildOptions, build_site};
use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;

/// Builds `root` and prints a summary, or the content's problems (exit 1).
pub fn run(root: &Path, options: &BuildOptions) -> anyhow::Result<ExitCode> {
    match build_site(root, options) {
        Ok(report) => {
            println!(
                "Built {} opportunities, {} wiki pages ({} files; {} pages and data files rendered, {} unchanged) into {} in {} ms",
                report.opportunities,
                report.wiki_pages,
                report.files,
                report.rendered,
                report.reused,
                report.public_dir.display(),
                report.elapsed.as_millis()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(BuildError::Content(diagnostics)) => {
            let diagnostics = diagnostics.sorted();
            eprint!(
                "{}",
                diagnostics.render_human(root, std::io::stderr().is_terminal())
            );
            eprintln!("error: {}; nothing was built", diagnostics.summary());
            Ok(ExitCode::FAILURE)
        }
        Err(other) => Err(other.into()),
    }
}
