//! Shared by the site-gen integration tests: where the repository is, and a throwaway copy of
//! its example site to build, check or serve.

use std::fs;
use std::path::{Path, PathBuf};

/// The repository root (the workspace holding `content/` and `themes/`).
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("site-gen sits in the workspace")
        .to_owned()
}

/// A temporary site root with a copy of the repository's `content/` and `themes/` (commands
/// write `public/`, `private/` and `.local/` next to them).
pub fn site_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for folder in ["content", "themes"] {
        copy_dir(&repo().join(folder), &dir.path().join(folder));
    }
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}
