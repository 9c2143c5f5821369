//! Rebuilding for `serve`: incremental when only opportunities or wiki pages changed, a full
//! build otherwise.
//!
//! The loaded [`Content`] stays in memory. A saved opportunity is re-read alone, its page is
//! written first (the page the author is looking at) and open pages are told to reload at once;
//! only then are the pages that list opportunities (home, board, skill pages, feeds, calendar,
//! sitemap) and the registry rewritten, and pages reload again. A changed wiki page re-renders
//! itself, or every wiki page when its title or order changed (the sidebar is on each). Anything
//! else (`site.yaml`, `index.md`, the theme, files appearing in the wiki) is a full build.
//!
//! Incremental steps check only the changed file: links between files and slugs that differ
//! only in case are checked by `site-gen check` and by full builds (any change outside
//! opportunities and wiki pages, or a restart), not here, because checking them needs every page.

use crate::content::diagnostics::Diagnostics;
use crate::content::{self, Content};
use crate::render::output::Output;
use crate::render::{BuildError, BuildOptions, Site, build_content};
use cwu_domain::slug::slugify;
use cwu_domain::{Status, urls};
use std::collections::{BTreeMap, BTreeSet};
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::time::Instant;

const OPPORTUNITIES: &str = "content/opportunities";
const WIKI: &str = "content/wiki";

/// What the server shows and logs after a step.
pub trait Report {
    /// Logs `line`, shows `problems` (HTML-unescaped text) in the overlay, or hides it when
    /// `None`, and tells open pages to reload.
    fn publish(&self, line: &str, problems: Option<String>);
}

/// The site as last built, and what is broken since.
pub struct Rebuilder {
    root: PathBuf,
    options: BuildOptions,
    /// The last good content; `None` until a full build succeeds (then changes rebuild fully).
    content: Option<Content>,
    /// Files whose last save has problems (their last good page stays), with the report.
    broken: BTreeMap<PathBuf, String>,
    /// Why the last full build failed.
    failed: Option<String>,
    /// The opportunities were changed but the lists not yet rewritten.
    lists_stale: bool,
}

/// The changed files of one burst, sorted by how they can be rebuilt.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Changes {
    /// Opportunity files (relative to the root), created, modified or deleted.
    pub opportunities: BTreeSet<PathBuf>,
    /// Wiki files (relative to the root) that existed in the last build and still exist.
    pub wiki: BTreeSet<PathBuf>,
    /// Something needs a full build.
    pub full: bool,
}

impl Changes {
    /// Adds an absolute `path` from the file watcher; `root` is the watched (canonical) root.
    pub fn add(&mut self, root: &Path, path: &Path) {
        let Ok(relative) = path.strip_prefix(root) else {
            self.full = true;
            return;
        };
        let name = relative.file_name().unwrap_or_default().to_string_lossy();
        // Editors' swap and backup files: the build skips hidden files; `~` files vanish.
        if name.starts_with('.') || name.ends_with('~') {
            return;
        }
        // The folders themselves change whenever a file in them does.
        if path.is_dir()
            && [OPPORTUNITIES, WIKI]
                .iter()
                .any(|f| relative == Path::new(f))
        {
            return;
        }
        let is_md = name.ends_with(".md");
        if is_md && relative.parent() == Some(Path::new(OPPORTUNITIES)) {
            self.opportunities.insert(relative.to_path_buf());
        } else if is_md && relative.starts_with(WIKI) && path.is_file() {
            self.wiki.insert(relative.to_path_buf());
        } else if relative.starts_with(OPPORTUNITIES) && !path.exists() {
            // A temporary file that came and went (e.g. vim's `4913`): nothing to build.
        } else {
            self.full = true;
        }
    }

    /// Whether anything is to be done.
    pub fn is_empty(&self) -> bool {
        !self.full && self.opportunities.is_empty() && self.wiki.is_empty()
    }
}

impl Rebuilder {
    /// A rebuilder for the site in `root`; nothing is built until [`Rebuilder::full`].
    pub fn new(root: &Path, options: BuildOptions) -> Self {
        Rebuilder {
            root: root.to_path_buf(),
            options,
            content: None,
            broken: BTreeMap::new(),
            failed: None,
            lists_stale: false,
        }
    }

    /// The overlay's text: what is broken now, if anything.
    fn problems(&self) -> Option<String> {
        if let Some(failed) = &self.failed {
            return Some(failed.clone());
        }
        (!self.broken.is_empty()).then(|| self.broken.values().cloned().collect())
    }

    /// Runs one rebuild `step` so that even a panic in it (a bug) leaves the watcher running:
    /// the failure is shown in the overlay and the next change builds everything again.
    pub fn survive<R: Report>(&mut self, report: &R, step: impl FnOnce(&mut Self, &R)) {
        let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| step(self, report)));
        if let Err(panic) = outcome {
            let why = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            self.content = None;
            self.broken.clear();
            self.lists_stale = false;
            self.failed = Some(format!(
                "site-gen failed while rebuilding: {why}\nThis is a bug in site-gen; the next change rebuilds everything."
            ));
            report.publish(
                "The site could not be rebuilt; the last good version is served",
                self.problems(),
            );
        }
    }

    /// Loads everything and builds the whole site.
    pub fn full(&mut self, report: &impl Report) {
        let started = Instant::now();
        let loaded = content::load_with(&self.root, self.options.load_options())
            .map_err(BuildError::Content)
            .and_then(|content| {
                build_content(&self.root, &content, &self.options).map(|built| (content, built))
            });
        self.broken.clear();
        self.lists_stale = false;
        let line = match loaded {
            Ok((content, built)) => {
                self.content = Some(content);
                self.failed = None;
                format!(
                    "Built {} opportunities and {} wiki pages in {} ms",
                    built.opportunities,
                    built.wiki_pages,
                    started.elapsed().as_millis()
                )
            }
            Err(error) => {
                // The disk no longer matches what is in memory: the next change builds fully.
                self.content = None;
                self.failed = Some(self.describe(error));
                "The site could not be rebuilt; the last good version is served".to_owned()
            }
        };
        report.publish(&line, self.problems());
    }

    /// Rebuilds the pages `changes` touch. Lists are left for [`Rebuilder::finish`], so that a
    /// quick next save gets its own page first.
    pub fn apply(&mut self, changes: Changes, report: &impl Report) {
        if changes.full || self.content.is_none() {
            return self.full(report);
        }
        let started = Instant::now();
        let mut written = Vec::new();
        if !changes.opportunities.is_empty() {
            let Some(slugs) = self.reload_opportunities(&changes.opportunities) else {
                return self.full(report);
            };
            match self.write_opportunities(&slugs) {
                Ok(()) => {
                    self.lists_stale = true;
                    written.extend(slugs.iter().map(|s| urls::opportunity(s)));
                }
                Err(error) => self.failed = Some(self.describe(error)),
            }
        }
        if !changes.wiki.is_empty() {
            match self.update_wiki(&changes.wiki) {
                Ok(Some(urls)) => written.extend(urls),
                Ok(None) => return self.full(report),
                Err(error) => self.failed = Some(self.describe(error)),
            }
        }
        let line = match (written.is_empty(), self.broken.is_empty()) {
            (false, _) => format!(
                "Updated {} in {} ms",
                written.join(", "),
                started.elapsed().as_millis()
            ),
            (true, false) => format!("{} file(s) with problems", self.broken.len()),
            (true, true) => "Nothing to update".to_owned(),
        };
        report.publish(&line, self.problems());
    }

    /// Rewrites the lists and the registry after opportunities changed, if they have.
    pub fn finish(&mut self, report: &impl Report) {
        if !self.lists_stale {
            return;
        }
        let Some(content) = &self.content else {
            return;
        };
        let started = Instant::now();
        let written = write_lists(&self.root, content, &self.options);
        self.lists_stale = false;
        let line = match written {
            Ok(files) => format!(
                "Updated {files} list pages, feeds and the registry in {} ms",
                started.elapsed().as_millis()
            ),
            Err(error) => {
                self.failed = Some(self.describe(error));
                "The lists could not be rebuilt".to_owned()
            }
        };
        report.publish(&line, self.problems());
    }

    /// Re-reads the changed opportunity files into the content; the slugs whose page must be
    /// written (or removed). `None` when a full build is needed to report a problem properly.
    fn reload_opportunities(&mut self, files: &BTreeSet<PathBuf>) -> Option<Vec<String>> {
        let content = self.content.as_mut()?;
        let mut slugs = Vec::new();
        for file in files {
            let slug = file.file_stem()?.to_string_lossy().into_owned();
            let at = content.opportunities.iter().position(|p| &p.source == file);
            if !self.root.join(file).exists() {
                self.broken.remove(file);
                if let Some(at) = at {
                    content.opportunities.remove(at);
                    slugs.push(slug);
                }
                continue;
            }
            // A new file whose slug differs from another only in case: the full check says so.
            let clashes = || {
                content
                    .opportunities
                    .iter()
                    .any(|p| p.opportunity.slug.eq_ignore_ascii_case(&slug))
            };
            if at.is_none() && clashes() {
                return None;
            }
            let loaded = content::load_opportunity(&self.root, file).and_then(|mut page| {
                let outcomes = (&content.outcomes, content.outcomes_file.as_path());
                match content::outcomes::merge(&self.root, &mut page, outcomes.0, outcomes.1) {
                    Some(conflict) => Err(Diagnostics(vec![conflict])),
                    None => Ok(page),
                }
            });
            match loaded {
                Ok(page) => {
                    self.broken.remove(file);
                    match at {
                        Some(at) => content.opportunities[at] = page,
                        None => content.opportunities.push(page),
                    }
                    slugs.push(slug);
                }
                Err(problems) => {
                    let text = render(&self.root, problems);
                    self.broken.insert(file.clone(), text);
                }
            }
        }
        Some(slugs)
    }

    /// Writes the pages of `slugs`, removing those no longer built (deleted, or now drafts).
    fn write_opportunities(&self, slugs: &[String]) -> Result<(), BuildError> {
        if slugs.is_empty() {
            return Ok(());
        }
        let content = self.content.as_ref().expect("checked by apply");
        // An opportunity's page needs only the site settings and the opportunity itself, so a
        // Site of just the changed ones renders the same page without preparing a card for each
        // of 10,000 others (tens of milliseconds; the lists that need them come after).
        let alone = Content {
            config: content.config.clone(),
            home: content.home.clone(),
            opportunities: content
                .opportunities
                .iter()
                .filter(|p| slugs.contains(&p.opportunity.slug))
                .cloned()
                .collect(),
            wiki: Vec::new(),
            outcomes: content.outcomes.clone(),
            outcomes_file: content.outcomes_file.clone(),
        };
        let site = Site::new(&self.root, &alone, &self.options)?;
        let out = Output::new(self.root.join("public"));
        for slug in slugs {
            if !site.write_opportunity(&out, slug)? {
                for file in [
                    urls::opportunity_ocds(slug),
                    urls::opportunity_calendar(slug),
                ] {
                    let _ = std::fs::remove_file(out.path_for(&file));
                }
                remove_page(&out, &urls::opportunity(slug));
            }
        }
        Ok(())
    }

    /// Re-reads changed wiki pages and writes them; the URLs written, or `None` when a full
    /// build is needed (a page that was not in the last build).
    fn update_wiki(
        &mut self,
        files: &BTreeSet<PathBuf>,
    ) -> Result<Option<Vec<String>>, BuildError> {
        let Some(content) = self.content.as_mut() else {
            return Ok(None);
        };
        let mut paths = Vec::new();
        let mut navigation_changed = false;
        for file in files {
            let Some(at) = content.wiki.iter().position(|p| &p.source == file) else {
                return Ok(None);
            };
            match content::load_wiki_page(&self.root, file) {
                Ok(page) => {
                    self.broken.remove(file);
                    let old = &content.wiki[at];
                    navigation_changed |= (&old.title, old.weight) != (&page.title, page.weight);
                    paths.push((page.path.clone(), page.url.clone()));
                    content.wiki[at] = page;
                }
                Err(problems) => {
                    let text = render(&self.root, problems);
                    self.broken.insert(file.clone(), text);
                }
            }
        }
        if paths.is_empty() {
            return Ok(Some(Vec::new()));
        }
        let content = self.content.as_ref().expect("checked above");
        let site = Site::new(&self.root, content, &self.options)?;
        let out = Output::new(self.root.join("public"));
        if navigation_changed {
            let pages = site.write_wiki(&out)?;
            return Ok(Some(vec![format!(
                "{pages} wiki pages (navigation changed)"
            )]));
        }
        for (path, _) in &paths {
            site.write_wiki_page(&out, path)?;
        }
        Ok(Some(paths.into_iter().map(|(_, url)| url).collect()))
    }

    /// A build error as the overlay shows it.
    fn describe(&self, error: BuildError) -> String {
        match error {
            BuildError::Content(problems) => render(&self.root, problems),
            other => other.to_string(),
        }
    }
}

/// Problems as `check` prints them, without colour.
fn render(root: &Path, problems: Diagnostics) -> String {
    problems.sorted().render_human(root, false)
}

/// Rewrites every page that lists opportunities and the registry; returns how many files.
fn write_lists(
    root: &Path,
    content: &Content,
    options: &BuildOptions,
) -> Result<usize, BuildError> {
    let site = Site::new(root, content, options)?;
    let out = Output::new(root.join("public"));
    let files = site.write_lists(&out)?;
    site.write_registry()?;
    remove_stale_lists(&out, content, options);
    Ok(files)
}

/// Deletes the list pages the lists no longer have (a full build does this with
/// [`Output::remove_stale`]): the pages of skills no built opportunity asks for any more, and
/// the numbered pages past the last one of the board and of each skill. Skill feeds stay: every
/// skill that ever had one keeps it (the lists write them all).
fn remove_stale_lists(out: &Output, content: &Content, options: &BuildOptions) {
    let built: Vec<_> = content
        .opportunities
        .iter()
        .filter(|p| options.drafts || p.opportunity.status_at(options.now) != Status::Draft)
        .collect();
    let mut skills: BTreeMap<String, usize> = BTreeMap::new();
    for page in &built {
        for skill in &page.opportunity.skills {
            *skills.entry(slugify(skill)).or_default() += 1;
        }
    }
    remove_pages_past(out, urls::BOARD, built.len());
    // `opportunities/skills/x/index.html` → `opportunities/skills`.
    let a_skill_page = out.path_for(&urls::skill("x"));
    let Some(skill_pages) = a_skill_page.parent().and_then(Path::parent) else {
        return;
    };
    let Ok(entries) = std::fs::read_dir(skill_pages) else {
        return;
    };
    for entry in entries.flatten() {
        let slug = entry.file_name().to_string_lossy().into_owned();
        match skills.get(&slug) {
            Some(&cards) => remove_pages_past(out, &urls::skill(&slug), cards),
            None => {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
}

/// Deletes the numbered pages of the list whose first page is `first` past the last one its
/// `cards` cards fill.
fn remove_pages_past(out: &Output, first: &str, cards: usize) {
    // `{first}page/2/index.html` → `{first}page`.
    let second = out.path_for(&urls::list_page(first, 2));
    let Some(pages) = second.parent().and_then(Path::parent) else {
        return;
    };
    let Ok(entries) = std::fs::read_dir(pages) else {
        return;
    };
    let last = urls::page_count(cards);
    for entry in entries.flatten() {
        let name = entry.file_name();
        if name.to_str().and_then(|n| n.parse::<usize>().ok()) > Some(last) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
    let _ = std::fs::remove_dir(pages); // when left empty
}

/// Removes the page for `url` and its folder when that is left empty.
fn remove_page(out: &Output, url: &str) {
    let file = out.path_for(url);
    let _ = std::fs::remove_file(&file);
    if let Some(folder) = file.parent() {
        let _ = std::fs::remove_dir(folder);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a step published, in order.
    #[derive(Default)]
    struct Published(std::sync::Mutex<Vec<(String, Option<String>)>>);

    impl Report for Published {
        fn publish(&self, line: &str, problems: Option<String>) {
            self.0.lock().unwrap().push((line.to_owned(), problems));
        }
    }

    #[test]
    fn a_panicking_rebuild_is_reported_and_the_next_one_runs() {
        let root = tempfile::tempdir().unwrap();
        let options = BuildOptions {
            now: jiff::Timestamp::UNIX_EPOCH,
            drafts: false,
            outcomes: None,
        };
        let mut rebuilder = Rebuilder::new(root.path(), options);
        let published = Published::default();
        rebuilder.survive(&published, |_, _| panic!("index out of range"));
        rebuilder.survive(&published, |r, report| {
            report.publish("next", r.problems());
        });
        let published = published.0.into_inner().unwrap();
        assert_eq!(published.len(), 2, "{published:?}");
        let overlay = published[0].1.as_deref().unwrap_or_default();
        assert!(overlay.contains("index out of range"), "{overlay}");
        assert_eq!(published[1].0, "next");
        assert!(rebuilder.content.is_none(), "the next change builds fully");
    }

    fn changes(root: &Path, paths: &[&str]) -> Changes {
        let mut changes = Changes::default();
        for path in paths {
            changes.add(root, &root.join(path));
        }
        changes
    }

    #[test]
    fn opportunity_saves_are_incremental_and_other_files_build_fully() {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(root.path().join("content/wiki")).unwrap();
        std::fs::write(root.path().join("content/wiki/faq.md"), "x").unwrap();
        let found = changes(
            root.path(),
            &[
                "content/opportunities/a.md",
                "content/opportunities/.a.md.swp",
                "content/opportunities/4913",
                "content/wiki/faq.md",
            ],
        );
        assert_eq!(
            found.opportunities,
            BTreeSet::from([PathBuf::from("content/opportunities/a.md")])
        );
        assert_eq!(
            found.wiki,
            BTreeSet::from([PathBuf::from("content/wiki/faq.md")])
        );
        assert!(!found.full);
        for full in [
            "content/site.yaml",
            "content/index.md",
            "themes/default/templates/page.html",
            "content/wiki/gone.md",
        ] {
            assert!(changes(root.path(), &[full]).full, "{full}");
        }
        let mut outside = Changes::default();
        outside.add(root.path(), Path::new("/elsewhere/file.md"));
        assert!(outside.full);
    }

    fn copy_dir(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            let target = to.join(entry.file_name());
            if entry.file_type().unwrap().is_dir() {
                copy_dir(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), target).unwrap();
            }
        }
    }

    /// When the board shrinks under `serve`, its numbered pages past the last one go, as a full
    /// build would remove them; so do the pages of a skill no opportunity asks for any more
    /// (its feed stays, as it does in a full build) and every file of a deleted opportunity.
    #[test]
    fn lists_that_shrink_leave_no_pages_behind() {
        let site = tempfile::tempdir().unwrap();
        let root = site.path();
        let repo = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        for folder in ["content", "themes"] {
            copy_dir(&repo.join(folder), &root.join(folder));
        }
        // 100 more opportunities asking for Rust (the example site has 8 public ones, 2 of
        // them asking for Rust): two pages of the board and of Rust; one asks for COBOL too.
        let permit =
            std::fs::read_to_string(root.join(OPPORTUNITIES).join("permit-status-api.md")).unwrap();
        for i in 0..100 {
            let text = if i == 0 {
                permit.replacen("skills: [Rust,", "skills: [COBOL, Rust,", 1)
            } else {
                permit.clone()
            };
            let file = root.join(OPPORTUNITIES).join(format!("copy-{i}.md"));
            std::fs::write(file, text).unwrap();
        }
        let options = BuildOptions {
            now: cwu_domain::when::parse_moment("2026-11-24T12:00").unwrap(),
            drafts: false,
            outcomes: None,
        };
        let public = root.join("public");
        let mut rebuilder = Rebuilder::new(root, options);
        let published = Published::default();
        rebuilder.full(&published);
        for file in [
            "opportunities/page/2/index.html",
            "opportunities/skills/rust/page/2/index.html",
            "opportunities/skills/cobol/index.html",
            "opportunities/copy-0/ocds.json",
            "opportunities/copy-0/deadline.ics",
        ] {
            assert!(public.join(file).is_file(), "{file} after the full build");
        }

        let deleted: Vec<String> = (0..20)
            .map(|i| format!("{OPPORTUNITIES}/copy-{i}.md"))
            .collect();
        for file in &deleted {
            std::fs::remove_file(root.join(file)).unwrap();
        }
        let paths: Vec<&str> = deleted.iter().map(String::as_str).collect();
        rebuilder.apply(changes(root, &paths), &published);
        rebuilder.finish(&published);
        let log = published.0.into_inner().unwrap();
        assert!(
            log.iter().all(|(_, problems)| problems.is_none()),
            "{log:?}"
        );
        for gone in [
            "opportunities/page",
            "opportunities/skills/rust/page",
            "opportunities/skills/cobol",
            "opportunities/copy-0",
        ] {
            assert!(!public.join(gone).exists(), "{gone} is left behind");
        }
        for kept in [
            "opportunities/index.html",
            "opportunities/skills/rust/index.html",
            "feeds/skills/cobol.xml",
            "opportunities/copy-20/index.html",
        ] {
            assert!(public.join(kept).is_file(), "{kept} is gone");
        }
    }
}
