//! Writing the output tree: buffered file writes into a staging folder that replaces `public/`
//! in one step, so a reader (or `serve`) never sees a half-deleted site.

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// A folder being filled with the site's files.
#[derive(Debug, Clone)]
pub struct Output {
    dir: PathBuf,
}

impl Output {
    /// Writes into `dir` directly (creating folders as needed).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Output { dir: dir.into() }
    }

    /// The folder written into.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file for a site-absolute URL path: `/wiki/` → `wiki/index.html`, `/robots.txt` →
    /// `robots.txt`.
    pub fn path_for(&self, url: &str) -> PathBuf {
        let relative = url.trim_start_matches('/');
        if relative.is_empty() || relative.ends_with('/') {
            self.dir.join(relative).join("index.html")
        } else {
            self.dir.join(relative)
        }
    }

    /// Writes the file for `url` with a buffered writer given to `fill`.
    pub fn write_with<E: From<io::Error>>(
        &self,
        url: &str,
        fill: impl FnOnce(&mut BufWriter<File>) -> Result<(), E>,
    ) -> Result<PathBuf, E> {
        let path = self.path_for(url);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        let mut writer = BufWriter::with_capacity(64 * 1024, File::create(&path)?);
        fill(&mut writer)?;
        writer.flush()?;
        Ok(path)
    }

    /// Writes `bytes` as the file for `url`.
    pub fn write(&self, url: &str, bytes: &[u8]) -> io::Result<PathBuf> {
        self.write_with(url, |w| w.write_all(bytes))
    }

    /// Copies every file under `from` into the output, keeping relative paths.
    pub fn copy_tree(&self, from: &Path) -> io::Result<usize> {
        if !from.is_dir() {
            return Ok(0);
        }
        copy_dir(from, &self.dir)
    }
}

fn copy_dir(from: &Path, to: &Path) -> io::Result<usize> {
    fs::create_dir_all(to)?;
    let mut count = 0;
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            count += copy_dir(&entry.path(), &target)?;
        } else {
            fs::copy(entry.path(), target)?;
            count += 1;
        }
    }
    Ok(count)
}

/// A fresh staging folder next to `target` (e.g. `public.building-1234/`).
pub fn staging_dir(target: &Path) -> io::Result<PathBuf> {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    let staging = target.with_file_name(format!(".{name}.building-{}", std::process::id()));
    if staging.exists() {
        fs::remove_dir_all(&staging)?;
    }
    fs::create_dir_all(&staging)?;
    Ok(staging)
}

/// Replaces `target` with `staging`: the old tree is moved aside first and deleted afterwards,
/// so `target` is missing only between two renames.
pub fn replace_dir(staging: &Path, target: &Path) -> io::Result<()> {
    let old = target.with_file_name(format!(
        ".{}.old-{}",
        target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        std::process::id()
    ));
    let had_old = target.exists();
    if had_old {
        if old.exists() {
            fs::remove_dir_all(&old)?;
        }
        fs::rename(target, &old)?;
    }
    fs::rename(staging, target)?;
    if had_old {
        fs::remove_dir_all(&old)?;
    }
    Ok(())
}

/// Writes `bytes` to `path` through a temporary file and a rename, so readers see the old or the
/// new file, never a partial one.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    let temp = path.with_extension(format!("tmp-{}", std::process::id()));
    fs::write(&temp, bytes)?;
    fs::rename(&temp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_map_to_files() {
        let out = Output::new("/p");
        assert_eq!(out.path_for("/"), PathBuf::from("/p/index.html"));
        assert_eq!(out.path_for("/wiki/faq/"), PathBuf::from("/p/wiki/faq/index.html"));
        assert_eq!(out.path_for("/robots.txt"), PathBuf::from("/p/robots.txt"));
    }
}
