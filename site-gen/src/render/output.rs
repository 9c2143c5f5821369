//! Writing the output tree. Each file is rendered into memory, compared with what is already on
//! disk and written only when it changed: a changed file is replaced through a temporary file and
//! a rename, so a reader (or `serve`) never sees it half-written; a new file, which nobody can be
//! reading yet, is written in place. A rebuild of an unchanged site touches almost nothing. [`Output::remove_stale`] then deletes what the build no longer produces.
//!
//! With the previous build's [`cache`] ([`Output::with_cache`]), a page whose key is unchanged is
//! not even rendered ([`Output::write_keyed`]), and a file whose bytes the cache knows is not read
//! back to compare.

use super::cache::{self, Digest, Entries, Entry, Stat};
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::RwLock;
use std::sync::atomic::{AtomicUsize, Ordering};

thread_local! {
    /// The rendering buffer of [`Output::write_with`] on this thread.
    static BUFFER: std::cell::Cell<Vec<u8>> = const { std::cell::Cell::new(Vec::new()) };
}

/// A folder being filled with the site's files.
#[derive(Debug)]
pub struct Output {
    dir: PathBuf,
    /// What the previous build left, per file (empty without a usable cache).
    previous: Entries,
    /// Every file written or confirmed unchanged, for [`Output::remove_stale`] and the next
    /// build's cache.
    written: RwLock<Entries>,
    /// Files rendered and files reused by [`Output::write_keyed`].
    rendered: AtomicUsize,
    reused: AtomicUsize,
    /// The folder was missing or empty when this output began (a cold build): nothing in it
    /// can be stale, so [`Output::remove_stale`] need not walk thousands of folders.
    fresh: bool,
}

impl Output {
    /// Writes into `dir` (creating folders as needed).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Output::with_cache(dir, Entries::new())
    }

    /// Writes into `dir`, trusting `previous` (see [`cache::load`]) for the files it describes.
    pub fn with_cache(dir: impl Into<PathBuf>, previous: Entries) -> Self {
        let dir = dir.into();
        let fresh = fs::read_dir(&dir).map_or(true, |mut entries| entries.next().is_none());
        // A rebuild writes about what the previous build did.
        let written = Entries::with_capacity(previous.len());
        Output {
            dir,
            previous,
            written: RwLock::new(written),
            rendered: AtomicUsize::new(0),
            reused: AtomicUsize::new(0),
            fresh,
        }
    }

    /// How many files [`Output::write_keyed`] rendered, and how many it found unchanged.
    pub fn pages(&self) -> (usize, usize) {
        (
            self.rendered.load(Ordering::Relaxed),
            self.reused.load(Ordering::Relaxed),
        )
    }

    /// Saves what this build wrote as the next build's cache in `file`.
    pub fn save_cache(&self, file: &Path) -> io::Result<()> {
        cache::save(file, &self.read())
    }

    fn record(&self, name: String, entry: Entry) {
        self.written
            .write()
            .expect("no panics while holding the lock")
            .insert(name, entry);
    }

    /// Every file written or confirmed so far (saving the cache and removing stale files can
    /// read them side by side).
    fn read(&self) -> std::sync::RwLockReadGuard<'_, Entries> {
        self.written
            .read()
            .expect("no panics while holding the lock")
    }

    /// The previous build's entry for the file `name` at `path`, if the file is still the one
    /// it wrote.
    fn unchanged(&self, name: &str, path: &Path) -> Option<Entry> {
        let entry = self.previous.get(name)?;
        (Stat::of(path)? == entry.stat).then_some(*entry)
    }

    /// The folder written into.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file for a site-absolute URL path: `/wiki/` → `wiki/index.html`, `/robots.txt` →
    /// `robots.txt`.
    pub fn path_for(&self, url: &str) -> PathBuf {
        self.dir.join(file_name(url))
    }

    /// Writes the file for `url` with the bytes `fill` produces.
    pub fn write_with<E: From<io::Error>>(
        &self,
        url: &str,
        fill: impl FnOnce(&mut Vec<u8>) -> Result<(), E>,
    ) -> Result<PathBuf, E> {
        self.fill_and_write(file_name(url), None, fill)
    }

    /// Writes the page for `url` unless the previous build wrote it from the same `key` (a
    /// digest of everything the page depends on) and the file is still as it left it: then
    /// `fill` is not called at all.
    pub fn write_keyed<E: From<io::Error>>(
        &self,
        url: &str,
        key: Digest,
        fill: impl FnOnce(&mut Vec<u8>) -> Result<(), E>,
    ) -> Result<PathBuf, E> {
        let name = file_name(url);
        let path = self.dir.join(&name);
        if let Some(entry) = self.unchanged(&name, &path).filter(|e| e.key == Some(key)) {
            self.reused.fetch_add(1, Ordering::Relaxed);
            self.record(name, entry);
            return Ok(path);
        }
        self.rendered.fetch_add(1, Ordering::Relaxed);
        self.fill_and_write(name, Some(key), fill)
    }

    /// Writes the file `name` (relative to the output folder) with the bytes `fill` produces.
    fn fill_and_write<E: From<io::Error>>(
        &self,
        name: String,
        key: Option<Digest>,
        fill: impl FnOnce(&mut Vec<u8>) -> Result<(), E>,
    ) -> Result<PathBuf, E> {
        let path = self.dir.join(&name);
        // One buffer per thread, reused: a fresh 32 KB buffer per file made the allocator
        // consolidate its free lists for every one of tens of thousands of files.
        let mut bytes = BUFFER.with(|b| b.take());
        bytes.clear();
        fill(&mut bytes)?;
        let digest = Digest::of(&bytes);
        let stat = match self.unchanged(&name, &path).filter(|e| e.bytes == digest) {
            Some(entry) => Ok(entry.stat),
            None => write_if_changed(&path, &bytes).and_then(|()| {
                Stat::of(&path).ok_or_else(|| io::Error::other("a file just written is gone"))
            }),
        };
        if bytes.capacity() <= 1 << 20 {
            // (The few big files, such as all releases, give their memory back.)
            BUFFER.with(|b| b.replace(bytes));
        }
        let stat = stat?;
        let entry = Entry {
            key,
            bytes: digest,
            stat,
        };
        self.record(name, entry);
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
        self.copy_dir(from, "")
    }

    fn copy_dir(&self, from: &Path, url_prefix: &str) -> io::Result<usize> {
        let mut count = 0;
        for entry in fs::read_dir(from)? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let url = format!("{url_prefix}/{name}");
            let kind = entry.file_type()?;
            if kind.is_dir() {
                count += self.copy_dir(&entry.path(), &url)?;
            } else if kind.is_file() {
                self.write(&url, &fs::read(entry.path())?)?;
                count += 1;
            } else {
                // A link would publish whatever it points at (say `/proc/self/environ`), and a
                // FIFO would hang the build: only regular files are copied.
                return Err(io::Error::other(format!(
                    "{} is not a regular file (a symbolic link, FIFO or device); \
                     a theme's static/ folder may hold only files and folders",
                    entry.path().display()
                )));
            }
        }
        Ok(count)
    }

    /// Deletes files (and then empty folders) under the output folder that this build did not
    /// write: pages of removed opportunities, old skill feeds… Returns how many files went.
    pub fn remove_stale(&self) -> io::Result<usize> {
        if self.fresh {
            return Ok(0);
        }
        let written = self.read();
        remove_unlisted(&self.dir, Some(""), &written).map(|(removed, _)| removed)
    }
}

/// The file for a site-absolute URL path, relative to the output folder: `/wiki/` →
/// `wiki/index.html`, `/robots.txt` → `robots.txt`.
fn file_name(url: &str) -> String {
    let relative = url.trim_start_matches('/');
    if relative.is_empty() || relative.ends_with('/') {
        format!("{relative}index.html")
    } else {
        relative.to_owned()
    }
}

/// Deletes the files under `dir` that `keep` does not list (by their names relative to the
/// output folder, `dir`'s being `prefix`; `None` when it is no UTF-8 and nothing in it can be
/// listed), and the folders that leaves empty; returns how many files went and how many entries
/// are left in `dir`.
fn remove_unlisted(dir: &Path, prefix: Option<&str>, keep: &Entries) -> io::Result<(usize, usize)> {
    let (mut removed, mut left) = (0, 0);
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let name = entry.file_name();
        let name = prefix.zip(name.to_str()).map(|(p, n)| format!("{p}{n}"));
        if entry.file_type()?.is_dir() {
            let inner = name.map(|n| n + "/");
            let (gone, inside) = remove_unlisted(&path, inner.as_deref(), keep)?;
            removed += gone;
            if inside == 0 {
                fs::remove_dir(&path)?;
            } else {
                left += 1;
            }
        } else if name.is_some_and(|n| keep.contains_key(&n)) {
            left += 1;
        } else {
            fs::remove_file(&path)?;
            removed += 1;
        }
    }
    Ok((removed, left))
}

/// Writes `bytes` to `path` unless it already holds exactly them; a changed file is replaced
/// atomically. A new file is written in place: nobody can be reading it yet, and skipping the
/// temporary file and rename matters on a first build of thousands of pages.
pub fn write_if_changed(path: &Path, bytes: &[u8]) -> io::Result<()> {
    match fs::metadata(path) {
        Ok(meta)
            if meta.len() == bytes.len() as u64 && fs::read(path).is_ok_and(|old| old == bytes) =>
        {
            Ok(())
        }
        Ok(_) => write_atomic(path, bytes),
        Err(_) => {
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent)?;
            }
            fs::write(path, bytes)
        }
    }
}

/// Writes `bytes` to `path` through a temporary file and a rename, so readers see the old or the
/// new file, never a partial one.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    let temp = temp_path(path);
    let result = fs::write(&temp, bytes).and_then(|()| fs::rename(&temp, path));
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result
}

/// A temporary name next to `path`, unique per process and thread.
fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let thread = format!("{:?}", std::thread::current().id());
    let thread: String = thread.chars().filter(char::is_ascii_digit).collect();
    path.with_file_name(format!(".{name}.tmp-{}-{thread}", std::process::id()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_map_to_files() {
        let out = Output::new("/p");
        assert_eq!(out.path_for("/"), PathBuf::from("/p/index.html"));
        assert_eq!(
            out.path_for("/wiki/faq/"),
            PathBuf::from("/p/wiki/faq/index.html")
        );
        assert_eq!(out.path_for("/robots.txt"), PathBuf::from("/p/robots.txt"));
    }

    #[test]
    fn a_build_into_an_empty_folder_keeps_all_it_wrote() {
        let dir = tempfile::tempdir().unwrap();
        let public = dir.path().join("public");
        let out = Output::new(&public);
        out.write("/a/", b"one").unwrap();
        out.write("/b/c.txt", b"two").unwrap();
        assert_eq!(out.remove_stale().unwrap(), 0);
        assert!(public.join("a/index.html").is_file() && public.join("b/c.txt").is_file());
    }

    #[test]
    fn rewrites_only_changes_and_removes_stale_files() {
        let dir = tempfile::tempdir().unwrap();
        let out = Output::new(dir.path());
        let page = out.write("/a/", b"one").unwrap();
        out.write("/old/b.txt", b"stale").unwrap();
        let before = fs::metadata(&page).unwrap().modified().unwrap();
        let out = Output::new(dir.path());
        out.write("/a/", b"one").unwrap();
        assert_eq!(
            fs::metadata(&page).unwrap().modified().unwrap(),
            before,
            "unchanged file rewritten"
        );
        assert_eq!(out.remove_stale().unwrap(), 1);
        assert!(!dir.path().join("old").exists());
        out.write("/a/", b"two").unwrap();
        assert_eq!(fs::read(&page).unwrap(), b"two");
    }
}
