//! Reading `content/`: front matter and Markdown bodies into validated pages.
//!
//! [`load`] reads `site.yaml`, the home intro, every opportunity and every wiki page in parallel,
//! and returns either the whole validated [`Content`] or every problem in every file at once
//! (then link and duplicate checks across files). A valid file is parsed exactly once; only a
//! broken one is analysed again to say precisely what is wrong where.

pub(crate) mod analyse;
mod anchors;
pub mod config;
pub mod diagnostics;
pub mod digest;
mod front_matter;
mod links;
mod locate;
mod opportunity;
pub mod outcomes;
pub mod parse_cache;
pub mod plain_yaml;
pub mod schedule;
pub(crate) mod source;
mod suggest;
mod wiki;
pub(crate) mod yaml;

pub use diagnostics::MAX_FILE_BYTES;
pub use front_matter::{Split, SplitError, split};
pub use links::{LinkRef, markdown_links};
pub use locate::locate;

use config::SiteConfig;
use cwu_domain::slug::{file_name_suggestion, slugify};
use cwu_domain::{Opportunity, urls};
use diagnostics::{Diagnostic, Diagnostics, Kind};
use links::Targets;
use parse_cache::ParseCache;
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// An opportunity and its Markdown description.
#[derive(Debug, Clone)]
pub struct OpportunityPage {
    /// The validated front matter.
    pub opportunity: Opportunity,
    /// The Markdown body: the description.
    pub body: String,
    /// The file, relative to the site root.
    pub source: PathBuf,
}

/// A wiki page.
#[derive(Debug, Clone)]
pub struct WikiPage {
    /// Path under `content/wiki/` without `.md`, e.g. `for-developers/local-setup`; `index` for the wiki home.
    pub path: String,
    /// Site-absolute URL, e.g. `/wiki/for-developers/local-setup/`.
    pub url: String,
    /// Title from front matter.
    pub title: String,
    /// Sidebar order (smaller first, then title).
    pub weight: i64,
    /// Optional description for meta tags.
    pub description: Option<String>,
    /// The Markdown body.
    pub body: String,
    /// The file, relative to the site root.
    pub source: PathBuf,
}

/// The home page's intro (`content/index.md`).
#[derive(Debug, Clone)]
pub struct HomePage {
    /// Page title.
    pub title: String,
    /// Description for meta tags.
    pub description: String,
    /// The Markdown intro.
    pub body: String,
}

/// Everything in `content/`, validated.
#[derive(Debug, Clone)]
pub struct Content {
    /// Site settings.
    pub config: SiteConfig,
    /// The home page intro.
    pub home: HomePage,
    /// Every opportunity, drafts included (the build decides what to publish).
    pub opportunities: Vec<OpportunityPage>,
    /// Every wiki page.
    pub wiki: Vec<WikiPage>,
    /// The outcomes file as read (already merged into the opportunities); empty without one.
    pub outcomes: cwu_domain::outcome::Outcomes,
    /// Where the outcomes were read from (or would be), for reports.
    pub outcomes_file: PathBuf,
}

/// What to treat as published while checking links, and where the outcomes are.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoadOptions {
    /// Drafts will be built (`--drafts`), so links to them are fine.
    pub drafts: bool,
    /// The outcomes file (`--outcomes`); `None` reads `.local/outcomes.json` when it exists.
    pub outcomes: Option<PathBuf>,
}

/// Reads and validates everything in `root/content/`; links to drafts count as broken.
pub fn load(root: &Path) -> Result<Content, Diagnostics> {
    load_with(root, LoadOptions::default())
}

/// Reads and validates everything in `root/content/`, reporting every problem at once.
pub fn load_with(root: &Path, options: LoadOptions) -> Result<Content, Diagnostics> {
    load_cached(root, options, &ParseCache::default())
}

/// [`load_with`], taking unchanged opportunity files from `cache` (see [`parse_cache`]) and
/// recording what it read there for the next build.
pub fn load_cached(
    root: &Path,
    options: LoadOptions,
    cache: &ParseCache,
) -> Result<Content, Diagnostics> {
    let mut problems = Vec::new();
    let config = config::load(root)
        .map_err(|found| problems.extend(found))
        .ok();

    let mut jobs = vec![Job::Home];
    jobs.extend(discover_opportunities(root, &mut problems));
    jobs.extend(discover_wiki(root, &mut problems));
    let results: Vec<Parsed> = jobs.par_iter().map(|job| job.run(root, cache)).collect();

    let mut home = None;
    let mut opportunities = Vec::new();
    let mut wiki = Vec::new();
    let mut links: Vec<(PathBuf, Vec<LinkRef>)> = Vec::new();
    let mut unreadable_slugs = Vec::new();
    for (job, parsed) in jobs.iter().zip(results) {
        let file = job.file().to_owned();
        match parsed {
            Parsed::Home(read) => {
                links.push((file, read.links));
                problems.extend(read.problems);
                home = read.page;
            }
            Parsed::Opportunity(read) => {
                links.push((file, read.links));
                problems.extend(read.problems);
                match (read.page, job) {
                    (Some(page), _) => opportunities.push(page),
                    (None, Job::Opportunity { slug, .. }) => unreadable_slugs.push(slug.clone()),
                    (None, _) => {}
                }
            }
            Parsed::Wiki(read) => {
                links.push((file, read.links));
                problems.extend(read.problems);
                wiki.extend(read.page);
            }
        }
    }
    let outcomes_file = outcomes::file(root, options.outcomes.as_deref());
    let outcomes = outcomes::read(root, options.outcomes.as_deref())
        .map_err(|found| problems.push(found))
        .unwrap_or_default();
    for page in &mut opportunities {
        problems.extend(outcomes::merge(root, page, &outcomes, &outcomes_file));
    }
    problems.extend(duplicate_opportunities(jobs.iter()));
    problems.extend(duplicate_wiki_urls(jobs.iter()));
    problems.extend(skill_collisions(&opportunities));

    let wiki_urls: Vec<String> = jobs
        .iter()
        .filter_map(|job| match job {
            Job::Wiki { path, .. } => Some(urls::wiki(path)),
            _ => None,
        })
        .collect();
    let targets = targets(
        root,
        config.as_ref(),
        &opportunities,
        &unreadable_slugs,
        &wiki_urls,
        &options,
    );
    for (file, found) in &links {
        problems.extend(targets.check(file, found));
    }

    match (config, home) {
        (Some(config), Some(home)) if problems.is_empty() => Ok(Content {
            config,
            home,
            opportunities,
            wiki,
            outcomes,
            outcomes_file,
        }),
        _ => Err(Diagnostics(problems).sorted()),
    }
}

/// Reads and validates ONE opportunity file (`content/opportunities/<slug>.md`, relative to
/// `root`) for incremental rebuilds (`serve`). Only this file is checked: links to other pages
/// and slugs that differ only in case are checked by [`load_with`].
pub fn load_opportunity(root: &Path, file: &Path) -> Result<OpportunityPage, Diagnostics> {
    let slug = file.file_stem().unwrap_or_default().to_string_lossy();
    let read = source::read_text(root, file)
        .map_or_else(Read::failed, |text| opportunity::parse(file, &slug, &text));
    read.into_page()
}

/// Validates the text of one opportunity file as [`load_opportunity`] does, without the disk
/// (the fuzz target's entry point; the text must already be UTF-8 without a byte order mark).
pub fn parse_opportunity(slug: &str, text: &str) -> Result<OpportunityPage, Diagnostics> {
    let file = PathBuf::from(format!("content/opportunities/{slug}.md"));
    opportunity::parse(&file, slug, text).into_page()
}

/// Reads and validates ONE wiki file (under `content/wiki/`, relative to `root`), like
/// [`load_opportunity`].
pub fn load_wiki_page(root: &Path, file: &Path) -> Result<WikiPage, Diagnostics> {
    let under = file.strip_prefix("content/wiki").unwrap_or(file);
    let under = under.to_string_lossy().replace('\\', "/");
    let path = under.strip_suffix(".md").unwrap_or(&under);
    let read = source::read_text(root, file)
        .map_or_else(Read::failed, |text| wiki::parse_wiki(file, path, &text));
    read.into_page()
}

/// The home intro, relative to the site root.
const HOME_FILE: &str = "content/index.md";

/// One file to read, in parallel with the others.
enum Job {
    Home,
    Opportunity { file: PathBuf, slug: String },
    Wiki { file: PathBuf, path: String },
}

/// What reading one file gave: the page when it is valid, its links, and its problems.
#[derive(Debug)]
pub(crate) struct Read<T> {
    /// The page; `None` when there are problems.
    pub page: Option<T>,
    /// Site-absolute links in it, checked once every page is known (even when it has problems).
    pub links: Vec<LinkRef>,
    /// What is wrong with it.
    pub problems: Vec<Diagnostic>,
}

impl<T> Read<T> {
    /// A file that could not be read at all.
    fn failed(problem: Diagnostic) -> Self {
        Read {
            page: None,
            links: Vec::new(),
            problems: vec![problem],
        }
    }

    /// The page when the file has no problems, else its problems.
    fn into_page(self) -> Result<T, Diagnostics> {
        match self.page {
            Some(page) if self.problems.is_empty() => Ok(page),
            _ => Err(Diagnostics(self.problems).sorted()),
        }
    }
}

/// One file read.
enum Parsed {
    Home(Read<HomePage>),
    Opportunity(Box<Read<OpportunityPage>>),
    Wiki(Read<WikiPage>),
}

impl Job {
    fn file(&self) -> &Path {
        match self {
            Job::Home => Path::new(HOME_FILE),
            Job::Opportunity { file, .. } | Job::Wiki { file, .. } => file,
        }
    }

    fn run(&self, root: &Path, cache: &ParseCache) -> Parsed {
        let file = self.file();
        let text = source::read_text(root, file);
        match self {
            Job::Home => {
                Parsed::Home(text.map_or_else(Read::failed, |text| wiki::parse_home(file, &text)))
            }
            Job::Opportunity { slug, .. } => {
                Parsed::Opportunity(Box::new(text.map_or_else(Read::failed, |text| {
                    cache.read(file, &text, || opportunity::parse(file, slug, &text))
                })))
            }
            Job::Wiki { path, .. } => Parsed::Wiki(
                text.map_or_else(Read::failed, |text| wiki::parse_wiki(file, path, &text)),
            ),
        }
    }
}

fn relative(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_owned()
}

fn is_hidden(name: &str) -> bool {
    name.starts_with('.')
}

/// Files under `content/opportunities/` (a flat folder of `<slug>.md`).
fn discover_opportunities(root: &Path, problems: &mut Vec<Diagnostic>) -> Vec<Job> {
    let folder = root.join("content/opportunities");
    let Ok(entries) = std::fs::read_dir(&folder) else {
        return Vec::new();
    };
    let mut paths: Vec<_> = entries
        .filter_map(|entry| Some(entry.ok()?.path()))
        .collect();
    // All in one folder: by name, the order of whole paths without comparing every component.
    paths.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
    let mut jobs = Vec::new();
    for path in paths {
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        let file = relative(root, &path);
        if is_hidden(&name) {
            continue;
        }
        match name.strip_suffix(".md") {
            // Links, FIFOs and folders named `*.md` are refused by `read_text`, with the reason.
            Some(slug) => jobs.push(Job::Opportunity {
                slug: slug.to_owned(),
                file,
            }),
            _ => problems.push(Diagnostic::new(
                file,
                (1, 1),
                Kind::File,
                "only `<slug>.md` files are read in `content/opportunities/`; this one is ignored",
                format!(
                    "rename it to `{}.md`, or move it out of `content/opportunities/`",
                    file_name_suggestion(name.split('.').next().unwrap_or(&name))
                ),
            )),
        }
    }
    jobs
}

/// Files under `content/wiki/`, at any depth.
fn discover_wiki(root: &Path, problems: &mut Vec<Diagnostic>) -> Vec<Job> {
    let folder = root.join("content/wiki");
    let walk = walkdir::WalkDir::new(&folder)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| {
            entry.depth() == 0 || !is_hidden(&entry.file_name().to_string_lossy())
        });
    let mut jobs = Vec::new();
    for entry in walk {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                if error.io_error().map(std::io::Error::kind) != Some(std::io::ErrorKind::NotFound)
                {
                    let file = relative(root, error.path().unwrap_or(&folder));
                    problems.push(Diagnostic::new(
                        file,
                        (1, 1),
                        Kind::File,
                        format!("cannot read this: {error}"),
                        "check the file's permissions",
                    ));
                }
                continue;
            }
        };
        if entry.file_type().is_dir() {
            continue;
        }
        // Links and FIFOs named `*.md` are refused by `read_text`, which says why.
        let file = relative(root, entry.path());
        let under = entry.path().strip_prefix(&folder).unwrap_or(entry.path());
        let under = under.to_string_lossy().replace('\\', "/");
        match under.strip_suffix(".md") {
            Some(path) => jobs.push(Job::Wiki {
                file,
                path: path.to_owned(),
            }),
            None => problems.push(Diagnostic::new(
                file,
                (1, 1),
                Kind::File,
                "only `.md` files are read in `content/wiki/`; this one is ignored",
                "rename it to end in `.md`, or move it out of `content/wiki/`",
            )),
        }
    }
    jobs
}

/// Opportunity files whose names differ only in letter case: one page on case-insensitive disks.
fn duplicate_opportunities<'a>(jobs: impl Iterator<Item = &'a Job>) -> Vec<Diagnostic> {
    let mut seen: HashMap<String, &Path> = HashMap::new();
    let mut problems = Vec::new();
    for job in jobs {
        let Job::Opportunity { file, slug } = job else {
            continue;
        };
        match seen.get(&slug.to_lowercase()) {
            Some(first) => problems.push(Diagnostic::new(
                file,
                (1, 1),
                Kind::Duplicate,
                format!(
                    "this file and `{}` differ only in letter case, so they are the same page \
                     `{}`",
                    first.display(),
                    urls::opportunity(&slug.to_lowercase())
                ),
                "keep one of them; slugs are lowercase",
            )),
            None => {
                seen.insert(slug.to_lowercase(), file);
            }
        }
    }
    problems
}

/// Differently written skills of different opportunities that would share one skill page
/// (`Node.js` and `Node js`); the same skill in another letter case is the same skill.
fn skill_collisions(opportunities: &[OpportunityPage]) -> Vec<Diagnostic> {
    let mut pages: Vec<&OpportunityPage> = opportunities.iter().collect();
    pages.sort_by(|a, b| a.source.cmp(&b.source));
    let mut first: HashMap<String, (&str, &Path)> = HashMap::new();
    let mut problems = Vec::new();
    for page in pages {
        for skill in &page.opportunity.skills {
            let slug = slugify(skill);
            let (name, file) = *first.entry(slug.clone()).or_insert((skill, &page.source));
            if name.to_lowercase() != skill.to_lowercase() {
                problems.push(Diagnostic::new(
                    &page.source,
                    (1, 1),
                    Kind::Duplicate,
                    format!(
                        "the skill `{skill}` and `{name}` in `{}` would share one page, `{}`",
                        file.display(),
                        urls::skill(&slug)
                    ),
                    "write the same skill the same way in every opportunity",
                ));
            }
        }
    }
    problems
}

/// Wiki files that become the same URL (`faq.md` and `faq/index.md`, or `FAQ.md` and `faq.md`).
fn duplicate_wiki_urls<'a>(jobs: impl Iterator<Item = &'a Job>) -> Vec<Diagnostic> {
    let mut seen: HashMap<String, &Path> = HashMap::new();
    let mut problems = Vec::new();
    for job in jobs {
        let Job::Wiki { file, path } = job else {
            continue;
        };
        let url = urls::wiki(path);
        match seen.get(&url.to_lowercase()) {
            Some(first) => problems.push(Diagnostic::new(
                file,
                (1, 1),
                Kind::Duplicate,
                format!(
                    "this page and `{}` are both published at `{url}`",
                    first.display()
                ),
                "rename or remove one of them",
            )),
            None => {
                seen.insert(url.to_lowercase(), file);
            }
        }
    }
    problems
}

/// Every URL the build will generate, for link checking.
fn targets(
    root: &Path,
    config: Option<&SiteConfig>,
    opportunities: &[OpportunityPage],
    unreadable_slugs: &[String],
    wiki_urls: &[String],
    options: &LoadOptions,
) -> Targets {
    let mut targets = Targets::default();
    for url in urls::fixed_files() {
        targets.add(url.to_owned());
    }
    // How many cards each list (the board, each skill page) has: its later pages are targets too.
    let mut lists: HashMap<String, usize> = HashMap::new();
    for page in opportunities {
        let slug = &page.opportunity.slug;
        if opportunity::is_draft(&page.opportunity) && !options.drafts {
            targets.add_draft(urls::opportunity(slug));
            continue;
        }
        let skill_slugs: Vec<String> = page.opportunity.skills.iter().map(|s| slugify(s)).collect();
        for url in urls::opportunity_files(slug, skill_slugs.iter().map(String::as_str)) {
            targets.add(url);
        }
        for first in [urls::BOARD.to_owned()]
            .into_iter()
            .chain(skill_slugs.iter().map(|s| urls::skill(s)))
        {
            *lists.entry(first).or_default() += 1;
        }
    }
    for (first, cards) in &lists {
        for number in 2..=urls::page_count(*cards) {
            targets.add(urls::list_page(first, number));
        }
    }
    // A file with problems is reported already; links to it are not broken on top of that.
    for slug in unreadable_slugs {
        targets.add(urls::opportunity(slug));
    }
    // Every wiki file, including ones with problems (reported already).
    for url in wiki_urls {
        targets.add(url.clone());
    }
    // The build copies the theme's `static/` folder to the site root.
    if let Some(config) = config {
        let statics = root.join("themes").join(&config.theme).join("static");
        for entry in walkdir::WalkDir::new(&statics).into_iter().flatten() {
            if entry.file_type().is_file()
                && let Ok(path) = entry.path().strip_prefix(&statics)
            {
                let path = path.to_string_lossy().replace('\\', "/");
                targets.add(format!("/{path}"));
            }
        }
    }
    targets
}
