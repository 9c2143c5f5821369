//! A copy of the repository's site (`content/` and `themes/`) in a temporary folder, built with
//! the workspace's own `site-gen` at the fixed test clock.

use super::{NOW, repo_root};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The `site-gen` executable, built once per test binary with the workspace's cargo.
///
/// `SITE_GEN_BIN` overrides it (e.g. for a release build). Cargo only hands a test the paths of
/// its own package's binaries, so `site-gen` from the other package is built here.
pub fn site_gen() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        if let Some(bin) = std::env::var_os("SITE_GEN_BIN") {
            let bin = PathBuf::from(bin);
            assert!(
                bin.is_file(),
                "SITE_GEN_BIN={} is not a file",
                bin.display()
            );
            return bin;
        }
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let output = Command::new(cargo)
            .current_dir(repo_root())
            .args([
                "build",
                "--quiet",
                "-p",
                "site-gen",
                "--bin",
                "site-gen",
                "--message-format=json-render-diagnostics",
            ])
            .output()
            .expect("cannot run cargo to build site-gen");
        assert!(
            output.status.success(),
            "cargo build -p site-gen failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
            .filter(|msg| {
                msg["reason"] == "compiler-artifact" && msg["target"]["name"] == "site-gen"
            })
            .find_map(|msg| msg["executable"].as_str().map(PathBuf::from))
            .expect("cargo build -p site-gen reported no site-gen executable")
    })
}

/// The build clock as seconds since the epoch, for `SOURCE_DATE_EPOCH`.
pub fn now_epoch() -> i64 {
    NOW.parse::<jiff::Timestamp>()
        .expect("NOW is an RFC 3339 time")
        .as_second()
}

/// A private copy of the example site (a temporary one is deleted on drop).
pub struct Site {
    root: PathBuf,
    _temporary: Option<tempfile::TempDir>,
}

impl Site {
    /// Copies `content/` and `themes/` of the repository into a fresh temporary folder.
    pub fn copy_of_repo() -> Self {
        let temporary = tempfile::Builder::new()
            .prefix("cwu-e2e-site-")
            .tempdir()
            .expect("cannot create a temporary site folder");
        let mut site = Self::copy_into(temporary.path());
        site._temporary = Some(temporary);
        site
    }

    /// Copies the repository's site into `dir` (emptied first) and keeps it there, e.g. under
    /// `target/` where a failed gate's input stays for inspection.
    pub fn copy_into(dir: &Path) -> Self {
        if dir.exists() {
            std::fs::remove_dir_all(dir)
                .unwrap_or_else(|e| panic!("cannot empty {}: {e}", dir.display()));
        }
        let source = source_root();
        for sub in ["content", "themes"] {
            copy_dir(&source.join(sub), &dir.join(sub))
                .unwrap_or_else(|e| panic!("cannot copy {sub}/ into the test site: {e}"));
        }
        Self {
            root: dir.to_path_buf(),
            _temporary: None,
        }
    }

    /// Copies the repository's site and builds it at [`NOW`].
    pub fn built() -> Self {
        let site = Self::copy_of_repo();
        site.build();
        site
    }

    /// Runs `site-gen build --root ROOT --now NOW` and panics with its output when it fails.
    pub fn build(&self) {
        let output = Command::new(site_gen())
            .args(["build", "--root"])
            .arg(self.root())
            .args(["--now", NOW])
            .output()
            .expect("cannot run site-gen build");
        assert!(
            output.status.success(),
            "site-gen build failed ({}):\n{}{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }

    /// The site folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The generated static site.
    pub fn public(&self) -> PathBuf {
        self.root().join("public")
    }

    /// Where `serve` writes each mail as an `.eml` file.
    pub fn outbox(&self) -> PathBuf {
        self.root().join(".local/outbox")
    }

    /// Every file under `public/` whose name ends with `extension`, sorted.
    pub fn public_files(&self, extension: &str) -> Vec<PathBuf> {
        let mut files = Vec::new();
        collect_files(&self.public(), &mut files);
        files.retain(|path| path.to_string_lossy().ends_with(extension));
        files.sort();
        files
    }

    /// The generated page of each published opportunity (slug = file stem under
    /// `content/opportunities/`), sorted by slug.
    pub fn opportunity_pages(&self) -> Vec<(String, PathBuf)> {
        let content = self.root().join("content/opportunities");
        let mut pages: Vec<(String, PathBuf)> = std::fs::read_dir(&content)
            .unwrap_or_else(|e| panic!("cannot list {}: {e}", content.display()))
            .filter_map(Result::ok)
            .filter_map(|entry| {
                let name = entry.file_name().to_string_lossy().into_owned();
                let slug = name.strip_suffix(".md")?.to_string();
                let page = self
                    .public()
                    .join(format!("opportunities/{slug}/index.html"));
                page.is_file().then_some((slug, page))
            })
            .collect();
        pages.sort();
        pages
    }

    /// Slugs of opportunities whose page carries the proposal form (open ones) and of those
    /// whose page does not (closed ones), as built.
    pub fn open_and_closed(&self) -> (Vec<String>, Vec<String>) {
        let (open, closed): (Vec<_>, Vec<_>) =
            self.opportunity_pages().into_iter().partition(|(_, page)| {
                let html = std::fs::read_to_string(page).unwrap_or_default();
                html.contains("name=\"proposal\"")
            });
        let slugs =
            |pages: Vec<(String, PathBuf)>| pages.into_iter().map(|(slug, _)| slug).collect();
        (slugs(open), slugs(closed))
    }
}

/// Where the site under test comes from: the repository, or the folder named by
/// `E2E_SITE_SOURCE` (holding `content/` and `themes/`), e.g. a deliberately broken copy used
/// to show that the gates fail.
pub fn source_root() -> PathBuf {
    std::env::var_os("E2E_SITE_SOURCE")
        .map(PathBuf::from)
        .unwrap_or_else(repo_root)
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}

fn collect_files(dir: &Path, into: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        if path.is_dir() {
            collect_files(&path, into);
        } else {
            into.push(path);
        }
    }
}
