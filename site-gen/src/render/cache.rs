//! The build cache: what every file in `public/` was built from, so that a rebuild renders only
//! the pages whose inputs changed.
//!
//! Each file written gets an entry: the [`Digest`] of its bytes, the file's size, modification
//! time and inode as the build left them, and for pages (the expensive files: Markdown,
//! highlighting, Tera), open contracting data and calendars a key of everything the file depends
//! on (its source, the theme's templates, `site.yaml`, the clock-derived values it shows, this
//! `site-gen`). On the next build
//! a page whose key is the same and whose file is still the one the cache describes is neither
//! rendered nor compared ([`super::output::Output::write_keyed`]); any other file is rendered
//! (cheap) and written only when its bytes changed, and when the cache knows them the old file is
//! not even read.
//!
//! The cache lives in `.local/build-cache.json`, outside `public/`, so it is never published.
//! It is bound to the `site-gen` binary that wrote it (a hash of the executable): a cache from
//! another build of `site-gen`, or one that does not parse, is ignored and the build renders
//! everything. A file changed by anything else (`serve`, an editor, a deleted `public/`) no longer
//! matches its entry and is rendered again.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt;
use std::fs;
use std::hash::{Hash, Hasher};
use std::io;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use xxhash_rust::xxh3::Xxh3;

/// Where the cache is kept, relative to the site root.
pub const FILE: &str = ".local/build-cache.json";

/// The format written; a file with another one is ignored.
const FORMAT: u32 = 1;

pub use crate::content::digest::{Digest, code};

/// Builds a [`Key`] from the parts a page depends on, in order.
pub struct Key(Xxh3);

impl Key {
    /// A key for pages of one `kind` (so different kinds of page never share keys).
    pub fn new(kind: &str) -> Self {
        let mut key = Key(Xxh3::new());
        key.str(kind);
        key
    }

    /// Adds a string.
    pub fn str(&mut self, text: &str) -> &mut Self {
        self.0.update(&(text.len() as u64).to_le_bytes());
        self.0.update(text.as_bytes());
        self
    }

    /// Adds another digest.
    pub fn digest(&mut self, digest: Digest) -> &mut Self {
        self.0.update(&digest.0.to_le_bytes());
        self
    }

    /// Adds `value` as `{:?}` formats it: every field, without allocating the text. Only for
    /// values without hash maps, whose order changes from run to run.
    pub fn debug(&mut self, value: &impl fmt::Debug) -> &mut Self {
        use fmt::Write as _;
        write!(Feed(&mut self.0), "{value:?}").expect("hashing cannot fail");
        // A byte that never occurs in UTF-8 ends the part.
        self.0.update(&[0xff]);
        self
    }

    /// Adds `value` as its [`Hash`] implementation feeds it: every field (derived), lengths and
    /// ends of strings marked, and far cheaper than formatting it as text.
    pub fn hash(&mut self, value: &(impl Hash + ?Sized)) -> &mut Self {
        value.hash(&mut Feed(&mut self.0));
        self
    }

    /// The key.
    pub fn finish(&self) -> Digest {
        Digest(self.0.digest128())
    }
}

struct Feed<'a>(&'a mut Xxh3);

impl fmt::Write for Feed<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0.update(s.as_bytes());
        Ok(())
    }
}

impl Hasher for Feed<'_> {
    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    fn finish(&self) -> u64 {
        self.0.digest()
    }
}

/// What the cache knows of one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// What the page was built from (`None` for files that are always rendered).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<Digest>,
    /// Its bytes.
    pub bytes: Digest,
    /// The file as the build left it: size, modification time (ns) and inode.
    pub stat: Stat,
}

/// Enough of a file's metadata to notice that something else replaced or changed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stat {
    len: u64,
    mtime_ns: i128,
    inode: u64,
}

impl Stat {
    /// The metadata of the file at `path`, if it exists.
    pub fn of(path: &Path) -> Option<Stat> {
        let meta = fs::metadata(path).ok()?;
        Some(Stat {
            len: meta.len(),
            mtime_ns: i128::from(meta.mtime()) * 1_000_000_000 + i128::from(meta.mtime_nsec()),
            inode: meta.ino(),
        })
    }
}

/// Entries by file path relative to the output folder (`wiki/faq/index.html`).
pub type Entries = HashMap<String, Entry>;

/// The file as stored.
#[derive(Serialize, Deserialize)]
struct Stored<Files> {
    format: u32,
    code: Digest,
    files: Files,
}

/// The entries the previous build left, or none when there is no cache, it does not parse, or
/// another `site-gen` wrote it.
pub fn load(file: &Path) -> Entries {
    let Some(code) = code() else {
        return Entries::new();
    };
    let Ok(text) = fs::read(file) else {
        return Entries::new();
    };
    match serde_json::from_slice::<Stored<Entries>>(&text) {
        Ok(stored) if stored.format == FORMAT && stored.code == code => stored.files,
        _ => Entries::new(),
    }
}

/// Writes `entries` to `file`, replacing it atomically.
pub fn save(file: &Path, entries: &Entries) -> io::Result<()> {
    let Some(code) = code() else {
        return Ok(());
    };
    let stored = Stored {
        format: FORMAT,
        code,
        files: entries,
    };
    let json = serde_json::to_vec(&stored).map_err(io::Error::other)?;
    write_private(file, &json)
}

/// Writes a cache `file` in `.local/`, replacing it atomically.
pub fn write_private(file: &Path, bytes: &[u8]) -> io::Result<()> {
    if let Some(folder) = file.parent() {
        private_folder(folder)?;
    }
    super::output::write_atomic(file, bytes)
}

/// `.local/` also holds the local store's secrets: create it readable by its owner only.
fn private_folder(folder: &Path) -> io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(folder)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_depend_on_every_part_and_its_boundaries() {
        let key = |a: &str, b: &str| Key::new("k").str(a).str(b).finish();
        let mut split = Key::new("k");
        split.str("ab");
        split.str("c");
        assert_eq!(split.finish(), key("ab", "c"));
        assert_eq!(key("ab", "c"), key("ab", "c"));
        assert_ne!(key("ab", "c"), key("a", "bc"));
        assert_ne!(
            Key::new("k").str("x").finish(),
            Key::new("j").str("x").finish()
        );
        assert_ne!(
            Key::new("k").debug(&("a", 1)).finish(),
            Key::new("k").debug(&("a", 2)).finish()
        );
        let hashed = |a: &str, b: &str| Key::new("k").hash(&(a, b)).finish();
        assert_eq!(hashed("ab", "c"), hashed("ab", "c"));
        assert_ne!(hashed("ab", "c"), hashed("a", "bc"));
        assert_ne!(
            Key::new("k").hash(&[1u8, 2][..]).hash(&[3u8][..]).finish(),
            Key::new("k").hash(&[1u8][..]).hash(&[2u8, 3][..]).finish()
        );
    }

    #[test]
    fn saved_entries_load_back_and_a_broken_file_loads_none() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let file = dir.path().join(FILE);
        let page = out.join("a/index.html");
        fs::create_dir_all(page.parent().unwrap()).unwrap();
        fs::write(&page, "one").unwrap();
        let entry = Entry {
            key: Some(Key::new("page").finish()),
            bytes: Digest::of(b"one"),
            stat: Stat::of(&page).unwrap(),
        };
        let entries = Entries::from([("a/index.html".to_owned(), entry)]);
        save(&file, &entries).unwrap();
        assert_eq!(load(&file), entries);
        fs::write(&file, "{not json").unwrap();
        assert!(load(&file).is_empty());
    }
}
