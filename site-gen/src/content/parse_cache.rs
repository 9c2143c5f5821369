//! The parse cache: every valid opportunity file as the previous build read it, so that a
//! rebuild does not parse and validate 10,000 unchanged files again.
//!
//! An entry is the file's validated [`Opportunity`] and its site links, keyed by the digest of
//! the file's text: a changed file misses and is parsed. Only files without problems are kept,
//! so a broken file is always analysed afresh and explained line by line. The whole cache is
//! bound to the `site-gen` executable and to `content/site.yaml` (a hash of each): another build
//! of `site-gen`, a changed `site.yaml`, or a file that does not parse means everything is
//! parsed again. It lives in `.local/content-cache.json`, outside `public/`; it holds owners'
//! emails, as the content does, so `.local/` is readable by its owner only. The file is JSON
//! lines: what binds it, then one line per file, so that the lines parse in parallel.

use super::digest::{Digest, code};
use super::links::LinkRef;
use super::{OpportunityPage, Read, front_matter};
use cwu_domain::Opportunity;
use cwu_domain::money::Reward;
use cwu_domain::opportunity::{Addendum, Contact, Criterion, Lifecycle};
use cwu_domain::outcome::Outcome;
use jiff::Timestamp;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Where the cache is kept, relative to the site root.
pub const FILE: &str = ".local/content-cache.json";

/// The format written; a file with another one is ignored.
const FORMAT: u32 = 2;

/// One valid opportunity file as read.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    /// The digest of the file's text.
    text: Digest,
    #[serde(with = "OpportunityDef")]
    opportunity: Opportunity,
    links: Vec<LinkRef>,
}

/// The file's first line; each of the others is a file's path relative to the site root and its
/// [`Entry`].
#[derive(Serialize, Deserialize)]
struct Header {
    format: u32,
    code: Digest,
    site: Digest,
}

/// The previous build's entries, and what this build found.
#[derive(Debug, Default)]
pub struct ParseCache {
    /// What binds the cache: this `site-gen` and `site.yaml`; `None` disables the cache.
    binding: Option<(Digest, Digest)>,
    previous: HashMap<PathBuf, Entry>,
    /// Files this build read: their entries (`None` when reused from `previous`).
    current: Mutex<HashMap<PathBuf, Option<Entry>>>,
    /// Files this build parsed.
    parsed: AtomicUsize,
}

impl ParseCache {
    /// The cache the previous build of the site at `root` left; empty when there is none, it
    /// does not parse, or another `site-gen` or another `site.yaml` wrote it.
    pub fn load(root: &Path) -> Self {
        let binding = code().zip(
            fs::read(root.join(super::config::CONFIG_FILE))
                .ok()
                .map(|b| Digest::of(&b)),
        );
        let previous = binding
            .and_then(|(code, site)| {
                let bytes = fs::read(root.join(FILE)).ok()?;
                let mut lines = bytes.split(|&b| b == b'\n').filter(|line| !line.is_empty());
                let header: Header = serde_json::from_slice(lines.next()?).ok()?;
                (header.format == FORMAT && header.code == code && header.site == site)
                    .then_some(())?;
                let lines: Vec<&[u8]> = lines.collect();
                lines
                    .par_iter()
                    .map(|line| serde_json::from_slice::<(PathBuf, Entry)>(line).ok())
                    .collect::<Option<HashMap<_, _>>>()
            })
            .unwrap_or_default();
        ParseCache {
            binding,
            previous,
            current: Mutex::default(),
            parsed: AtomicUsize::new(0),
        }
    }

    /// How many opportunity files were parsed and validated, not taken from the cache.
    pub fn parsed(&self) -> usize {
        self.parsed.load(Ordering::Relaxed)
    }

    /// The opportunity in `file` (relative to the site root) with the given `text`: from the
    /// cache when the previous build read the same text there, else from `parse`.
    pub(crate) fn read(
        &self,
        file: &Path,
        text: &str,
        parse: impl FnOnce() -> Read<OpportunityPage>,
    ) -> Read<OpportunityPage> {
        let digest = Digest::of(text.as_bytes());
        if let Some(entry) = self.previous.get(file).filter(|e| e.text == digest)
            && let Ok(parts) = front_matter::split(text)
        {
            self.record(file, None);
            return Read {
                page: Some(OpportunityPage {
                    opportunity: entry.opportunity.clone(),
                    body: parts.body.to_owned(),
                    source: file.to_owned(),
                }),
                links: entry.links.clone(),
                problems: Vec::new(),
            };
        }
        self.parsed.fetch_add(1, Ordering::Relaxed);
        let read = parse();
        if let Some(page) = read.page.as_ref().filter(|_| read.problems.is_empty()) {
            let entry = Entry {
                text: digest,
                opportunity: page.opportunity.clone(),
                links: read.links.clone(),
            };
            self.record(file, Some(entry));
        }
        read
    }

    fn record(&self, file: &Path, entry: Option<Entry>) {
        self.current
            .lock()
            .expect("no panics while holding the lock")
            .insert(file.to_owned(), entry);
    }

    /// What to save in [`FILE`] for the next build: the files this build read, or `None` when
    /// they are exactly those of the previous build (the usual rebuild: nothing to write).
    pub fn into_json(self) -> Option<Vec<u8>> {
        let (code, site) = self.binding?;
        let current = self
            .current
            .into_inner()
            .expect("no panics while holding the lock");
        let unchanged =
            current.len() == self.previous.len() && current.values().all(Option::is_none);
        if unchanged {
            return None;
        }
        let mut previous = self.previous;
        let header = Header {
            format: FORMAT,
            code,
            site,
        };
        let mut json = serde_json::to_vec(&header).expect("the cache is plain data");
        for (file, entry) in current {
            if let Some(entry) = entry.or_else(|| previous.remove(&file)) {
                json.push(b'\n');
                serde_json::to_writer(&mut json, &(file, entry)).expect("the cache is plain data");
            }
        }
        json.push(b'\n');
        Some(json)
    }
}

/// [`Opportunity`] as the cache stores it. The domain type is deliberately not `Serialize`
/// (templates must not get the owner's email by accident); serde's remote derive checks this
/// list against it field by field at compile time.
#[derive(Serialize, Deserialize)]
#[serde(remote = "Opportunity")]
struct OpportunityDef {
    slug: String,
    title: String,
    teaser: String,
    organization: String,
    product_owner: Contact,
    reward: Reward,
    location: String,
    remote: bool,
    remote_details: Option<String>,
    skills: Vec<String>,
    published: Option<Timestamp>,
    proposal_deadline: Timestamp,
    assignment_date: Timestamp,
    start_date: Timestamp,
    completion_date: Option<Timestamp>,
    repository: String,
    questions: Option<String>,
    acceptance_criteria: Vec<String>,
    evaluation_criteria: Vec<Criterion>,
    proposal_requirements: Vec<String>,
    addenda: Vec<Addendum>,
    lifecycle: Lifecycle,
    outcome: Option<Outcome>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_example_opportunity_comes_back_from_the_cache_as_parsed() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let content = crate::content::load(&root).expect("example content");
        for page in &content.opportunities {
            let entry = Entry {
                text: Digest::of(b""),
                opportunity: page.opportunity.clone(),
                links: Vec::new(),
            };
            let json = serde_json::to_string(&entry).unwrap();
            let back: Entry = serde_json::from_str(&json).unwrap();
            assert_eq!(back.opportunity, page.opportunity);
        }
    }
}
