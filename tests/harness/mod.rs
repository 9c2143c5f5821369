//! Starting and stopping what the tests drive: the site, its server, the browser.
//!
//! Tools the tests need are looked up once, and a missing one is a loud test failure that names
//! `tests/install-deps`, never a silent skip.

pub mod browser;
pub mod http;
pub mod journey;
pub mod mail;
pub mod pages;
pub mod process;
pub mod server;
pub mod site;

use std::net::TcpListener;
use std::path::{Path, PathBuf};

/// The fixed test clock every build uses (see the team brief).
pub const NOW: &str = "2026-11-24T12:00:00-08:00";

/// The repository's top-level folder.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent folder")
        .to_path_buf()
}

/// Where test artifacts (screenshots, saved response pages) go: `target/…` of the workspace.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|dir| {
            if dir.is_absolute() {
                dir
            } else {
                repo_root().join(dir)
            }
        })
        .unwrap_or_else(|| repo_root().join("target"))
}

/// A folder under `target/` for one kind of artifact, created if needed.
pub fn artifact_dir(name: &str) -> PathBuf {
    let dir = target_dir().join(name);
    std::fs::create_dir_all(&dir)
        .unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    dir
}

/// Panics with a message telling how to install the tools when `path` does not exist.
pub fn require(path: &Path, what: &str) -> PathBuf {
    if !path.exists() {
        panic!(
            "{what} is missing: {} does not exist. Run tests/install-deps (as root) to install \
             the test tools; the end-to-end tests never skip.",
            path.display()
        );
    }
    path.to_path_buf()
}

/// The system Chromium (Debian package `chromium`).
pub fn chromium() -> PathBuf {
    require(Path::new("/usr/bin/chromium"), "Chromium")
}

/// The system chromedriver (Debian package `chromium-driver`).
pub fn chromedriver() -> PathBuf {
    require(Path::new("/usr/bin/chromedriver"), "chromedriver")
}

/// The `java` runtime for the Nu HTML Checker.
pub fn java() -> PathBuf {
    let found = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .map(|dir| dir.join("java"))
            .find(|candidate| candidate.is_file())
    });
    match found {
        Some(java) => java,
        None => require(Path::new("/usr/bin/java"), "Java (for the Nu HTML Checker)"),
    }
}

/// lychee from the test virtualenv (`.venv-test/bin/lychee`).
pub fn lychee() -> PathBuf {
    require(&repo_root().join(".venv-test/bin/lychee"), "lychee")
}

/// A file inside `tests/node_modules/` (installed by `npm ci`).
pub fn node_module(relative: &str) -> PathBuf {
    require(
        &repo_root().join("tests/node_modules").join(relative),
        "an npm package of the tests",
    )
}

/// A loopback TCP port that was free a moment ago.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .expect("no free loopback port")
}

/// A file under `tests/fixtures/`.
pub fn fixture(name: &str) -> PathBuf {
    require(
        &repo_root().join("tests/fixtures").join(name),
        "a test fixture",
    )
}
