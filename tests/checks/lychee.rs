//! lychee, offline, over a generated site: every internal link and fragment must resolve.

use crate::harness::lychee;
use std::path::Path;
use std::process::Command;

/// Links to these paths are handled by the functions, not files, so they are not checked.
pub const EXCLUDED: &[&str] = &["/api/"];

/// Checks every link in `public` (resolving `/…` against it, directory links to `index.html`,
/// `#fragments` against ids); returns lychee's report lines for broken ones.
pub fn broken_links(public: &Path) -> anyhow::Result<Vec<String>> {
    let root = public.canonicalize()?;
    let mut command = Command::new(lychee());
    command
        .args(["--offline", "--include-fragments", "--no-progress"])
        .args(["--index-files", "index.html"])
        .args(["--mode", "plain", "--format", "detailed"])
        .arg("--root-dir")
        .arg(&root);
    for path in EXCLUDED {
        command.args(["--exclude", &format!("^file://{}{}", root.display(), path)]);
    }
    let output = command.arg(&root).output()?;
    if output.status.success() {
        return Ok(Vec::new());
    }
    let report: Vec<String> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .chain(String::from_utf8_lossy(&output.stderr).lines())
        .filter(|line| !line.trim().is_empty())
        .map(str::to_string)
        .collect();
    anyhow::ensure!(
        !report.is_empty(),
        "lychee failed ({}) without output",
        output.status
    );
    Ok(report)
}
