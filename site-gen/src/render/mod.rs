//! The renderer: loaded content and a theme into the static site in `public/` and the private
//! registry in `private/registry.json`.
//!
//! # Library API (used by the `build` and `serve` commands and the tests)
//!
//! - [`build_site`] loads `content/` and writes the whole site into `public/`: only files whose
//!   bytes changed are written (a changed file replaced atomically, see [`output`]), then files
//!   the build no longer produces are deleted, so a server reading `public/` never sees a
//!   half-written page.
//! - For incremental rebuilds, [`Site::new`] prepares a build from already loaded [`Content`]
//!   (templates parsed once, small cards for every opportunity, sidebar) without writing anything.
//!   Then, after one opportunity changed:
//!   [`Site::write_opportunity`] (its page) and [`Site::write_lists`] (home, board, skill pages,
//!   feeds, calendar, sitemap) into an [`Output`] on `public/`; after one wiki page changed:
//!   [`Site::write_wiki_page`] (or [`Site::write_wiki`] when titles/order changed, since the
//!   sidebar is on every wiki page); [`Output::remove_stale`] after an [`Site::write_all`]
//!   deletes leftovers. [`Site::render_opportunity`] and [`Site::render_wiki_page`]
//!   return one page as a string for an in-memory server. [`Site::write_registry`] refreshes
//!   `private/registry.json`.
//!
//! Rendering is parallel (rayon); list pages get [`views::Card`]s, never rendered pages; files
//! are rendered into memory one at a time and written as they are done, so memory grows with
//! the largest page, not with the site.

pub mod cache;
pub mod calendar;
pub mod feeds;
pub mod highlight;
pub mod history;
pub mod markdown;
pub mod ocds;
pub mod output;
pub mod paging;
pub mod registry;
pub mod sitemap;
pub mod templates;
pub mod views;

use crate::content::diagnostics::Diagnostics;
use crate::content::parse_cache::{self, ParseCache};
use crate::content::{self, Content, LoadOptions, OpportunityPage, WikiPage};
use cache::{Digest, Key};
use cwu_domain::{Status, urls};
use highlight::Highlighter;
use jiff::Timestamp;
use output::Output;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;
use std::hash::Hash;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use templates::{TemplateError, Templates};
use tera::Context;
use thiserror::Error;
use views::{Card, OpportunityView, SiteView, SkillView, WikiLink};

/// The template of an opportunity's page.
const OPPORTUNITY_TEMPLATE: &str = "opportunity.html";
/// The template of a wiki page.
const WIKI_TEMPLATE: &str = "wiki.html";

/// How many open opportunities the home page lists before pointing to the board.
const HOME_CARDS: usize = 12;

/// How many items a feed holds: the newest ones. Readers poll feeds often, so a feed stays small
/// however many opportunities the board has (like Hugo's `rssLimit`); the board lists them all, page
/// by page.
pub const FEED_ITEMS: usize = 200;

/// What to build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildOptions {
    /// The moment statuses and "time left" are computed for.
    pub now: Timestamp,
    /// Include draft opportunities (as pages with a Draft status; never in feeds or the calendar).
    pub drafts: bool,
    /// The outcomes file (`--outcomes`); `None` reads `.local/outcomes.json` when it exists.
    pub outcomes: Option<PathBuf>,
}

impl BuildOptions {
    /// What content loading needs of these options.
    pub fn load_options(&self) -> LoadOptions {
        LoadOptions {
            drafts: self.drafts,
            outcomes: self.outcomes.clone(),
        }
    }
}

/// What a build wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildReport {
    /// Opportunity pages written.
    pub opportunities: usize,
    /// Wiki pages written.
    pub wiki_pages: usize,
    /// Every file written under `public/`.
    pub files: usize,
    /// Pages, open contracting data files and calendars rendered by this build.
    pub rendered: usize,
    /// Pages, open contracting data files and calendars whose inputs had not changed since the
    /// previous build, left as they were without being rendered (see [`cache`]).
    pub reused: usize,
    /// Opportunity files parsed and validated; the others were unchanged since the previous
    /// build and taken from its parse cache ([`content::parse_cache`]). 0 when the content was
    /// loaded before the build ([`build_content`]).
    pub parsed: usize,
    /// The public folder.
    pub public_dir: PathBuf,
    /// The private registry file.
    pub registry_path: PathBuf,
    /// Wall time from loading to the last file.
    pub elapsed: Duration,
}

/// Why a build failed.
#[derive(Debug, Error)]
pub enum BuildError {
    /// `content/` has problems (print them like `check` does).
    #[error("the content has {}", .0.summary())]
    Content(Diagnostics),
    /// The theme's templates are broken.
    #[error(transparent)]
    Template(#[from] TemplateError),
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

impl From<std::io::Error> for BuildError {
    fn from(source: std::io::Error) -> Self {
        BuildError::Io {
            path: PathBuf::new(),
            source,
        }
    }
}

fn io_at(path: &Path) -> impl FnOnce(std::io::Error) -> BuildError + '_ {
    move |source| BuildError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Loads `root/content/` and builds the whole site into `root/public/` and the registry into
/// `root/private/registry.json`.
pub fn build_site(root: &Path, options: &BuildOptions) -> Result<BuildReport, BuildError> {
    let started = Instant::now();
    // Both caches are single JSON files: read them side by side.
    let (parsed, previous) = rayon::join(|| ParseCache::load(root), || previous_build(root));
    let content =
        content::load_cached(root, options.load_options(), &parsed).map_err(BuildError::Content)?;
    let mut report = build_with(root, &content, options, previous)?;
    report.parsed = parsed.parsed();
    if let Some(json) = parsed.into_json() {
        let file = root.join(parse_cache::FILE);
        cache::write_private(&file, &json).map_err(io_at(&file))?;
    }
    report.elapsed = started.elapsed();
    Ok(report)
}

/// Builds already loaded `content` into `root/public/` (replacing it) and the registry.
pub fn build_content(
    root: &Path,
    content: &Content,
    options: &BuildOptions,
) -> Result<BuildReport, BuildError> {
    build_with(root, content, options, previous_build(root))
}

/// What the previous build left in `root/public/`, from its render cache.
fn previous_build(root: &Path) -> cache::Entries {
    cache::load(&root.join(cache::FILE))
}

/// [`build_content`] with the previous build's render cache already read.
fn build_with(
    root: &Path,
    content: &Content,
    options: &BuildOptions,
    previous: cache::Entries,
) -> Result<BuildReport, BuildError> {
    let started = Instant::now();
    let site = Site::new(root, content, options)?;
    let public = root.join("public");
    let cache_file = root.join(cache::FILE);
    let out = Output::with_cache(&public, previous);
    let files = site.write_all(&out)?;
    let (stale, (saved, registry_path)) = rayon::join(
        || out.remove_stale(),
        || rayon::join(|| out.save_cache(&cache_file), || site.write_registry()),
    );
    stale.map_err(io_at(&public))?;
    saved.map_err(io_at(&cache_file))?;
    let registry_path = registry_path?;
    let (rendered, reused) = out.pages();
    Ok(BuildReport {
        opportunities: site.opportunities.len(),
        wiki_pages: content.wiki.len(),
        files,
        rendered,
        reused,
        parsed: 0,
        public_dir: public,
        registry_path,
        elapsed: started.elapsed(),
    })
}

/// The page-level values every template gets as `page`.
#[derive(Debug, Hash, Serialize)]
struct PageMeta<'a> {
    /// The `<title>` and `<h1>`.
    title: &'a str,
    /// `<meta name="description">`.
    description: &'a str,
    /// Site-absolute path, e.g. `/opportunities/`.
    path: &'a str,
    /// Top navigation item to mark as current: `home`, `opportunities` or `wiki`.
    section: &'static str,
    /// `website` or `article` (OpenGraph).
    og_type: &'static str,
}

/// A template context holding `page`, which every template gets.
fn page_context(meta: &PageMeta) -> Context {
    let mut context = Context::new();
    context.insert("page", meta);
    context
}

/// What a list page's template gets (home, board, skill pages, 404), put either into the build
/// cache's key or into Tera's context: a list page is described twice, which is cheap, and
/// rendered only when its key changed. (Tera's context itself cannot be hashed: its maps iterate
/// in another order in every run.)
enum Listing {
    Key(Box<Key>),
    Context(Context),
}

impl Listing {
    fn insert(&mut self, name: &'static str, value: &(impl Serialize + Hash + ?Sized)) {
        match self {
            Listing::Key(key) => {
                key.str(name).hash(value);
            }
            Listing::Context(context) => context.insert(name, value),
        }
    }
}

/// A skill on the board: its pages, feed and how many opportunities ask for it.
#[derive(Debug, Clone, Hash, Serialize)]
struct SkillSummary {
    #[serde(flatten)]
    skill: SkillView,
    count: usize,
}

/// An opportunity being built.
struct Built<'c> {
    page: &'c OpportunityPage,
    /// Its status at the build's now.
    status: Status,
    /// Its card: the index in [`Site::cards`].
    card: usize,
    /// The opportunity, every field of it (what its open contracting data and calendar are
    /// made from, besides the clock): part of the build cache's keys of its files.
    digest: Digest,
}

/// A prepared build: templates parsed, cards and navigation computed, nothing written yet.
pub struct Site<'c> {
    root: PathBuf,
    content: &'c Content,
    options: BuildOptions,
    templates: Templates,
    highlighter: Highlighter,
    site: SiteView,
    /// The opportunities to build (drafts only with `--drafts`).
    opportunities: Vec<Built<'c>>,
    /// Cards of those opportunities, in board order.
    cards: Vec<Card>,
    /// Wiki pages in sidebar order.
    wiki: Vec<&'c WikiPage>,
    wiki_nav: Vec<WikiLink>,
    theme_dir: PathBuf,
    /// What earlier builds announced, with this build's public opportunities and skills added.
    history: history::History,
    /// What every page depends on besides its own data (see [`Site::page_key`]).
    pages_key: Digest,
}

impl<'c> Site<'c> {
    /// Prepares a build of `content` with the theme named in `site.yaml`.
    pub fn new(
        root: &Path,
        content: &'c Content,
        options: &BuildOptions,
    ) -> Result<Self, BuildError> {
        let theme_dir = root.join("themes").join(&content.config.theme);
        let mut templates = Templates::load(&theme_dir.join("templates"))?;
        let site = SiteView::new(&content.config);
        templates.set_global("site", &site);
        // The templates, `site` (all they see besides a page's context, the clock as pages show
        // it included) and the rest of `site.yaml` (the form's action, the terms' version…).
        let pages_key = Key::new("site")
            .digest(templates.digest())
            .hash(&site)
            .debug(&content.config)
            .finish();
        let mut opportunities: Vec<Built> = content
            .opportunities
            .par_iter()
            .map(|page| Built {
                page,
                status: page.opportunity.status_at(options.now),
                card: 0,
                digest: Key::new("opportunity").hash(&page.opportunity).finish(),
            })
            .filter(|built| options.drafts || built.status != Status::Draft)
            .collect();
        // Cards in board order (sorted by index: a card is large to move), each opportunity
        // told where its card is.
        let mut unsorted: Vec<Option<Card>> = opportunities
            .par_iter()
            .map(|built| Some(Card::new(&built.page.opportunity, options.now)))
            .collect();
        let mut order: Vec<usize> = (0..unsorted.len()).collect();
        order.sort_by(|&a, &b| {
            let card = |i: usize| unsorted[i].as_ref().expect("not taken yet");
            Card::board_order(card(a), card(b))
        });
        let cards: Vec<Card> = order
            .iter()
            .enumerate()
            .map(|(position, &i)| {
                opportunities[i].card = position;
                unsorted[i].take().expect("each card taken once")
            })
            .collect();
        let mut wiki: Vec<&WikiPage> = content.wiki.iter().collect();
        wiki.sort_by(|a, b| {
            (a.path != "index", a.weight, &a.title, &a.path).cmp(&(
                b.path != "index",
                b.weight,
                &b.title,
                &b.path,
            ))
        });
        let wiki_nav = wiki.iter().map(|p| WikiLink::new(p)).collect();
        let public = root.join("public");
        let announced: Vec<&cwu_domain::Opportunity> = opportunities
            .iter()
            .filter(|built| built.status != Status::Draft)
            .map(|built| &built.page.opportunity)
            .collect();
        let announced_skills: Vec<(String, String)> = announced
            .iter()
            .flat_map(|o| o.skills.iter().map(|s| SkillView::new(s)))
            .filter(|s| !s.slug.is_empty())
            .map(|s| (s.slug, s.name))
            .collect();
        let history = history::History::read(&public)
            .map_err(io_at(&public))?
            .with(announced, announced_skills, options.now);
        Ok(Site {
            root: root.to_path_buf(),
            content,
            options: options.clone(),
            templates,
            highlighter: Highlighter::new(),
            site,
            opportunities,
            cards,
            wiki,
            wiki_nav,
            theme_dir,
            history,
            pages_key,
        })
    }

    /// The build cache's key of a page rendered with `template`, started with what every page
    /// depends on; the caller adds what the page shows.
    fn page_key(&self, template: &str) -> Key {
        let mut key = Key::new(template);
        key.digest(self.pages_key);
        key
    }

    /// Writes every file of the site into `out`; returns how many.
    pub fn write_all(&self, out: &Output) -> Result<usize, BuildError> {
        let (pages, (wiki, lists)) = rayon::join(
            || self.write_opportunities(out),
            || rayon::join(|| self.write_wiki(out), || self.write_lists(out)),
        );
        let mut files = pages? + wiki? + lists?;
        // After the pages: only now is it known whether any code block needed the stylesheet.
        files += self.write_assets(out)?;
        Ok(files)
    }

    /// Renders the list page `template` into the file for `url` unless its key is unchanged;
    /// `fill` puts in what the template gets besides `page`.
    fn render_list(
        &self,
        out: &Output,
        url: &str,
        template: &str,
        meta: &PageMeta,
        fill: impl Fn(&mut Listing),
    ) -> Result<(), BuildError> {
        let describe = |mut listing: Listing| {
            listing.insert("page", meta);
            fill(&mut listing);
            listing
        };
        let Listing::Key(key) = describe(Listing::Key(Box::new(self.page_key(template)))) else {
            unreachable!("describing keeps the kind of listing")
        };
        out.write_keyed(url, key.finish(), |w| {
            let Listing::Context(context) = describe(Listing::Context(Context::new())) else {
                unreachable!("describing keeps the kind of listing")
            };
            self.templates.render_to(template, &context, w)?;
            Ok::<_, BuildError>(())
        })?;
        Ok(())
    }

    /// Writes every opportunity page.
    pub fn write_opportunities(&self, out: &Output) -> Result<usize, BuildError> {
        self.opportunities
            .par_iter()
            .map(|built| self.write_opportunity_page(out, built).map(|_| 2))
            .sum()
    }

    /// Writes the page of the opportunity `slug` (after it changed); `false` if it is not built.
    pub fn write_opportunity(&self, out: &Output, slug: &str) -> Result<bool, BuildError> {
        match self.find_opportunity(slug) {
            Some(built) => self.write_opportunity_page(out, built).map(|_| true),
            None => Ok(false),
        }
    }

    /// The HTML of the opportunity `slug`'s page, if it is built.
    pub fn render_opportunity(&self, slug: &str) -> Result<Option<String>, BuildError> {
        let Some(built) = self.find_opportunity(slug) else {
            return Ok(None);
        };
        let mut html = Vec::new();
        self.render_opportunity_to(built.page, &mut html)?;
        Ok(Some(
            String::from_utf8(html).expect("templates produce UTF-8"),
        ))
    }

    fn find_opportunity(&self, slug: &str) -> Option<&Built<'c>> {
        self.opportunities
            .iter()
            .find(|built| built.page.opportunity.slug == slug)
    }

    /// Writes the page of one opportunity and its open contracting data.
    fn write_opportunity_page(&self, out: &Output, built: &Built) -> Result<(), BuildError> {
        let page = built.page;
        let slug = &page.opportunity.slug;
        let card = &self.cards[built.card];
        // The page shows its card (all it shows of the clock) and what the opportunity and its
        // description say (see `OpportunityView::unrendered`).
        let key = self
            .page_key(OPPORTUNITY_TEMPLATE)
            .hash(card)
            .digest(built.digest)
            .str(&page.body)
            .finish();
        out.write_keyed(&urls::opportunity(slug), key, |w| {
            let mut view = OpportunityView::unrendered(page, card.clone());
            view.render_markdown(page, &self.highlighter);
            self.render_view_to(page, &view, w)
        })?;
        let path = urls::opportunity_ocds(slug);
        let process = self.process(&page.opportunity);
        let key = self.ocds_key([(built.digest, process)]);
        out.write_keyed(&path, key, |w| {
            ocds::write_package(&self.publisher(), &path, [process], w)
        })?;
        Ok(())
    }

    /// The build cache's key of a release package of `processes` (each with its opportunity's
    /// [`Built::digest`]): it shows nothing else.
    fn ocds_key<'o>(
        &self,
        processes: impl IntoIterator<Item = (Digest, ocds::Process<'o>)>,
    ) -> Digest {
        let mut key = Key::new("ocds");
        key.debug(&self.publisher());
        for (digest, (_, tendered)) in processes {
            key.digest(digest).hash(&tendered);
        }
        key.finish()
    }

    /// Who publishes the open contracting data.
    fn publisher(&self) -> ocds::Publisher<'_> {
        ocds::Publisher {
            name: &self.site.title,
            base_url: &self.site.base_url,
            ocid_prefix: &self.content.config.ocid_prefix,
        }
    }

    /// `opportunity` as a contracting process, its tender dated like its feed item.
    fn process<'o>(&self, opportunity: &'o cwu_domain::Opportunity) -> ocds::Process<'o> {
        let tendered = self.history.item_date(opportunity, self.options.now);
        (opportunity, tendered)
    }

    /// The release package of every public opportunity.
    fn write_ocds(&self, out: &Output) -> Result<usize, BuildError> {
        let processes = || {
            self.announced()
                .map(|built| (built.digest, self.process(&built.page.opportunity)))
        };
        out.write_keyed(urls::OCDS_RELEASES, self.ocds_key(processes()), |w| {
            let processes = processes().map(|(_, process)| process);
            ocds::write_package(&self.publisher(), urls::OCDS_RELEASES, processes, w)
        })?;
        Ok(1)
    }

    fn render_opportunity_to(
        &self,
        page: &OpportunityPage,
        w: impl Write,
    ) -> Result<(), BuildError> {
        let view = OpportunityView::new(page, self.options.now, &self.highlighter);
        self.render_view_to(page, &view, w)
    }

    fn render_view_to(
        &self,
        page: &OpportunityPage,
        view: &OpportunityView,
        w: impl Write,
    ) -> Result<(), BuildError> {
        let meta = PageMeta {
            title: &view.card.title,
            description: &view.card.teaser,
            path: &view.card.url,
            section: "opportunities",
            og_type: "article",
        };
        let mut context = page_context(&meta);
        if view.accepts_proposals {
            let form = functions::form::render_form(
                functions::form::FormTarget {
                    action: &self.content.config.form_action,
                    opportunity: &page.opportunity.slug,
                    terms_version: &self.content.config.terms_version,
                },
                &Default::default(),
                &[],
            );
            context.insert("form_html", &form);
            let watch = functions::notify::forms::watch_form(&page.opportunity.slug, "");
            context.insert("watch_html", &watch);
        }
        context.insert("opportunity", view);
        self.templates
            .render_to(OPPORTUNITY_TEMPLATE, &context, w)?;
        Ok(())
    }

    /// Writes every wiki page (needed when titles or order change: the sidebar is on each).
    pub fn write_wiki(&self, out: &Output) -> Result<usize, BuildError> {
        self.wiki
            .par_iter()
            .map(|page| self.write_wiki_to(out, page).map(|_| 1))
            .sum()
    }

    /// Writes the wiki page at `path` (e.g. `faq`, `for-developers/local-setup`, `index`).
    pub fn write_wiki_page(&self, out: &Output, path: &str) -> Result<bool, BuildError> {
        match self.wiki.iter().find(|p| p.path == path) {
            Some(page) => self.write_wiki_to(out, page).map(|_| true),
            None => Ok(false),
        }
    }

    /// The HTML of the wiki page at `path`, if there is one.
    pub fn render_wiki_page(&self, path: &str) -> Result<Option<String>, BuildError> {
        let Some(page) = self.wiki.iter().find(|p| p.path == path) else {
            return Ok(None);
        };
        let mut html = Vec::new();
        self.render_wiki_to(page, &mut html)?;
        Ok(Some(
            String::from_utf8(html).expect("templates produce UTF-8"),
        ))
    }

    fn write_wiki_to(&self, out: &Output, page: &WikiPage) -> Result<PathBuf, BuildError> {
        let key = self
            .page_key(WIKI_TEMPLATE)
            .debug(page)
            .hash(&self.wiki_nav)
            .finish();
        out.write_keyed(&page.url, key, |w| self.render_wiki_to(page, w))
    }

    fn render_wiki_to(&self, page: &WikiPage, w: impl Write) -> Result<(), BuildError> {
        let rendered = markdown::render(&page.body, &self.highlighter);
        let description = page
            .description
            .as_deref()
            .unwrap_or(&self.content.config.description);
        let mut context = page_context(&PageMeta {
            title: &page.title,
            description,
            path: &page.url,
            section: "wiki",
            og_type: "article",
        });
        context.insert("wiki_nav", &self.wiki_nav);
        context.insert("toc", &rendered.toc);
        context.insert("body_html", &rendered.html);
        self.templates.render_to(WIKI_TEMPLATE, &context, w)?;
        Ok(())
    }

    /// Writes the pages and files that list opportunities: home, board, skill pages, feeds,
    /// calendar, the open contracting data of all, sitemap, robots.txt and the 404 page. Rewrite them after any opportunity changes.
    pub fn write_lists(&self, out: &Output) -> Result<usize, BuildError> {
        let skills = self.skills();
        let tasks: [&(dyn Fn() -> Result<usize, BuildError> + Sync); 7] = [
            &|| self.write_home(out),
            &|| self.write_ocds(out),
            &|| self.write_board(out, &skills),
            &|| self.write_skill_pages(out, &skills),
            &|| self.write_feeds(out, &skills),
            &|| self.write_calendar(out),
            &|| self.write_misc(out, &skills),
        ];
        tasks.par_iter().map(|task| task()).sum()
    }

    /// Every skill of the built opportunities, by name (case-insensitive), with counts.
    fn skills(&self) -> Vec<SkillSummary> {
        let mut by_slug: BTreeMap<String, SkillSummary> = BTreeMap::new();
        for card in &self.cards {
            for skill in &card.skills {
                by_slug
                    .entry(skill.slug.clone())
                    .or_insert_with(|| SkillSummary {
                        skill: skill.clone(),
                        count: 0,
                    })
                    .count += 1;
            }
        }
        let mut skills: Vec<_> = by_slug
            .into_values()
            .filter(|s| !s.skill.slug.is_empty())
            .collect();
        skills.sort_by_key(|s| s.skill.name.to_lowercase());
        skills
    }

    fn write_home(&self, out: &Output) -> Result<usize, BuildError> {
        let home = &self.content.home;
        let intro = markdown::render(&home.body, &self.highlighter);
        let open: Vec<&Card> = self
            .cards
            .iter()
            .filter(|c| c.status.accepts_proposals())
            .collect();
        let meta = PageMeta {
            title: &home.title,
            description: &home.description,
            path: urls::HOME,
            section: "home",
            og_type: "website",
        };
        self.render_list(out, urls::HOME, "index.html", &meta, |listing| {
            listing.insert("intro_html", &intro.html);
            listing.insert("open_count", &open.len());
            listing.insert("cards", &open[..open.len().min(HOME_CARDS)]);
            listing.insert("total_count", &self.cards.len());
        })?;
        Ok(1)
    }

    /// Renders one page of a list of `count` cards (`title` and `description` are the first
    /// page's); `more` puts in what only this kind of list shows.
    fn render_list_page(
        &self,
        out: &Output,
        template: &str,
        (title, description): (&str, &str),
        page: &paging::ListPage,
        count: usize,
        more: impl Fn(&mut Listing),
    ) -> Result<(), BuildError> {
        let (title, description) = if page.number > 1 {
            let of = format!(", page {} of {}", page.number, page.pager.count);
            (
                format!("{title}{of}"),
                format!("{description} Page {}.", page.number),
            )
        } else {
            (title.to_owned(), description.to_owned())
        };
        let meta = PageMeta {
            title: &title,
            description: &description,
            path: &page.url,
            section: "opportunities",
            og_type: "website",
        };
        self.render_list(out, &page.url, template, &meta, |listing| {
            listing.insert("sections", &page.sections);
            listing.insert("pager", &page.pager);
            listing.insert("count", &count);
            more(listing);
        })
    }

    fn write_board(&self, out: &Output, skills: &[SkillSummary]) -> Result<usize, BuildError> {
        let cards: Vec<&Card> = self.cards.iter().collect();
        let statuses = status_options(&self.cards);
        let jumps = paging::status_jumps(urls::BOARD, &cards);
        let max_reward = self
            .cards
            .iter()
            .map(|c| c.reward_dollars)
            .max()
            .unwrap_or(0);
        paging::pages(urls::BOARD, &cards)
            .par_iter()
            .map(|page| {
                self.render_list_page(
                    out,
                    "board.html",
                    ("Opportunities", "Every Code With Us opportunity: open, closing soon, under evaluation, awarded and cancelled, with reward, skills and deadline."),
                    page,
                    cards.len(),
                    |listing| {
                        listing.insert("skills", skills);
                        listing.insert("statuses", &statuses);
                        listing.insert("jumps", &jumps);
                        listing.insert("max_reward", &max_reward);
                    },
                )?;
                Ok(1)
            })
            .sum()
    }

    fn write_skill_pages(
        &self,
        out: &Output,
        skills: &[SkillSummary],
    ) -> Result<usize, BuildError> {
        skills
            .par_iter()
            .map(|summary| {
                let skill = &summary.skill;
                let cards: Vec<&Card> = self
                    .cards
                    .iter()
                    .filter(|c| c.skills.iter().any(|s| s.slug == skill.slug))
                    .collect();
                let title = format!("{} opportunities", skill.name);
                let description = format!(
                    "Code With Us opportunities asking for {}: status, reward and deadline.",
                    skill.name
                );
                paging::pages(&urls::skill(&skill.slug), &cards)
                    .iter()
                    .map(|page| {
                        self.render_list_page(
                            out,
                            "skill.html",
                            (&title, &description),
                            page,
                            cards.len(),
                            |listing| listing.insert("skill", skill),
                        )?;
                        Ok(1)
                    })
                    .sum::<Result<usize, BuildError>>()
            })
            .sum()
    }

    /// Public, non-draft opportunities: what feeds and the calendar announce.
    fn announced(&self) -> impl Iterator<Item = &Built<'c>> {
        self.opportunities
            .iter()
            .filter(|built| built.status != Status::Draft)
    }

    fn write_feeds(&self, out: &Output, skills: &[SkillSummary]) -> Result<usize, BuildError> {
        let base = &self.site.base_url;
        let mut items: Vec<feeds::FeedItem> = self
            .announced()
            .map(|built| built.page)
            .flat_map(|page| {
                feeds::items(
                    &page.opportunity,
                    self.options.now,
                    base,
                    self.history.item_date(&page.opportunity, self.options.now),
                    &self.highlighter,
                )
            })
            .collect();
        feeds::sort(&mut items);
        let link = urls::absolute(base, urls::BOARD);
        let self_url = urls::absolute(base, urls::FEED);
        let description = format!(
            "New Code With Us opportunities and addenda. {}",
            self.site.description
        );
        let channel = feeds::Channel {
            title: &format!("{}: opportunities", self.site.title),
            link: &link,
            description: &description,
            self_url: &self_url,
        };
        out.write_with(urls::FEED, |w| {
            feeds::write_rss(&channel, items.iter().take(FEED_ITEMS), w)
        })?;
        out.write(urls::FEED_HISTORY, self.history.to_json().as_bytes())?;
        // Every skill that ever had a feed keeps it, empty once no public opportunity lists it.
        let mut feed_skills: BTreeMap<&str, SkillView> = self
            .history
            .skills
            .iter()
            .map(|(slug, name)| {
                let view = SkillView {
                    name: name.clone(),
                    slug: slug.clone(),
                };
                (slug.as_str(), view)
            })
            .collect();
        for summary in skills {
            feed_skills.insert(&summary.skill.slug, summary.skill.clone());
        }
        let per_skill: usize = feed_skills
            .into_values()
            .collect::<Vec<_>>()
            .par_iter()
            .map(|skill| {
                let url = urls::skill_feed(&skill.slug);
                let link = urls::absolute(base, &urls::skill(&skill.slug));
                let self_url = urls::absolute(base, &url);
                let title = format!("{}: {} opportunities", self.site.title, skill.name);
                let description = format!(
                    "Code With Us opportunities and addenda asking for {}.",
                    skill.name
                );
                let channel = feeds::Channel {
                    title: &title,
                    link: &link,
                    description: &description,
                    self_url: &self_url,
                };
                let selected = items
                    .iter()
                    .filter(|item| item.skill_slugs.contains(&skill.slug))
                    .take(FEED_ITEMS);
                out.write_with(&url, |w| feeds::write_rss(&channel, selected, w))?;
                Ok::<_, BuildError>(1)
            })
            .sum::<Result<usize, BuildError>>()?;
        Ok(2 + per_skill)
    }

    fn write_calendar(&self, out: &Output) -> Result<usize, BuildError> {
        let mut open: Vec<_> = self
            .announced()
            .filter(|built| built.status.accepts_proposals())
            .map(|built| (built.digest, self.process(&built.page.opportunity)))
            .collect();
        open.sort_by(|(_, (a, _)), (_, (b, _))| {
            (a.proposal_deadline, &a.slug).cmp(&(b.proposal_deadline, &b.slug))
        });
        let name = format!("{}: proposal deadlines", self.site.title);
        let calendar = calendar::Calendar {
            name: &name,
            base_url: &self.site.base_url,
            now: self.options.now,
            reminder: false,
            utc: false,
        };
        out.write_keyed(urls::CALENDAR, calendar.key(open.iter().copied()), |w| {
            calendar::write_ics(&calendar, open.iter().map(|&(_, process)| process), w)
        })?;
        // Each open opportunity's own deadline, with a reminder the day before; each awarded
        // one's deadline and outcome.
        let own: Vec<_> = self
            .announced()
            .filter(|built| {
                built.status.accepts_proposals() || built.page.opportunity.outcome.is_some()
            })
            .map(|built| (built.digest, self.process(&built.page.opportunity)))
            .collect();
        own.par_iter()
            .map(|&(digest, process)| {
                let opportunity = process.0;
                let name = format!("{}: {}", self.site.title, opportunity.title);
                let calendar = calendar::Calendar {
                    name: &name,
                    reminder: true,
                    utc: true,
                    ..calendar.clone()
                };
                let path = urls::opportunity_calendar(&opportunity.slug);
                out.write_keyed(&path, calendar.key([(digest, process)]), |w| {
                    calendar::write_ics(&calendar, [process], w)
                })?;
                Ok::<_, BuildError>(1)
            })
            .sum::<Result<usize, BuildError>>()
            .map(|each| 1 + each)
    }

    /// Sitemap, robots.txt and the 404 page.
    fn write_misc(&self, out: &Output, skills: &[SkillSummary]) -> Result<usize, BuildError> {
        let base = &self.site.base_url;
        let list_pages = |first: String, cards: usize| {
            (1..=urls::page_count(cards)).map(move |n| urls::list_page(&first, n))
        };
        let skill_urls: Vec<String> = skills
            .iter()
            .flat_map(|s| list_pages(urls::skill(&s.skill.slug), s.count))
            .collect();
        let board_urls: Vec<String> =
            list_pages(urls::BOARD.to_owned(), self.cards.len()).collect();
        // By address, not in board order: a status change moves a card, not a sitemap line.
        let mut opportunity_urls: Vec<&str> = self
            .cards
            .iter()
            .filter(|c| c.status != Status::Draft)
            .map(|c| c.url.as_str())
            .collect();
        opportunity_urls.sort_unstable();
        let pages = [urls::HOME]
            .into_iter()
            .chain(board_urls.iter().map(String::as_str))
            .chain(opportunity_urls)
            .chain(skill_urls.iter().map(String::as_str))
            .chain(self.wiki.iter().map(|p| p.url.as_str()));
        out.write_with(urls::SITEMAP, |w| sitemap::write_sitemap(base, pages, w))?;
        out.write(
            urls::ROBOTS,
            sitemap::robots(base, &self.content.config.form_action).as_bytes(),
        )?;
        let meta = PageMeta {
            title: "Page not found",
            description: &self.site.description,
            path: urls::NOT_FOUND,
            section: "",
            og_type: "website",
        };
        self.render_list(out, urls::NOT_FOUND, "404.html", &meta, |_| {})?;
        Ok(3)
    }

    /// Copies the theme's static files and writes the highlight stylesheet.
    pub fn write_assets(&self, out: &Output) -> Result<usize, BuildError> {
        let from = self.theme_dir.join("static");
        let mut files = out.copy_tree(&from).map_err(io_at(&from))?;
        // Pages link the stylesheet unconditionally, so it is always written; generating it only
        // reads the small theme dump, not the syntax definitions.
        out.write(urls::HIGHLIGHT_CSS, highlight::stylesheet().as_bytes())?;
        files += 1;
        Ok(files)
    }

    /// The theme's page chrome with the title and main markers, for the functions' pages.
    pub fn page_shell(&self) -> Result<String, BuildError> {
        let context = page_context(&PageMeta {
            title: "",
            description: &self.site.description,
            path: &self.content.config.form_action,
            section: "opportunities",
            og_type: "website",
        });
        Ok(self.templates.render("shell.html", &context)?)
    }

    /// Writes `private/registry.json` for the functions; returns its path.
    pub fn write_registry(&self) -> Result<PathBuf, BuildError> {
        // Scheduled opportunities too: the functions are not redeployed when one goes public,
        // so they must know it beforehand (they refuse proposals until its `published` time).
        let registry = registry::registry(
            &self.content.config,
            self.content
                .opportunities
                .iter()
                .map(|page| &page.opportunity)
                .filter(|o| {
                    self.options.drafts || o.lifecycle != cwu_domain::opportunity::Lifecycle::Draft
                }),
            self.page_shell()?,
        );
        let path = self.root.join("private").join("registry.json");
        registry::write(&registry, &path).map_err(io_at(&path))?;
        Ok(path)
    }
}

/// The statuses present on the board, for its filter.
fn status_options(cards: &[Card]) -> Vec<StatusOption> {
    Status::ALL
        .into_iter()
        .filter(|s| cards.iter().any(|c| c.status == *s))
        .map(|s| StatusOption {
            id: s.id(),
            label: s.label(),
        })
        .collect()
}

/// A status in the board's filter.
#[derive(Debug, Hash, Serialize)]
struct StatusOption {
    id: &'static str,
    label: &'static str,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn board_filter_lists_only_present_statuses_in_board_order() {
        let content = crate::content::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join(".."))
            .expect("example content");
        let now = cwu_domain::when::parse_moment("2026-11-24T12:00:00-08:00").unwrap();
        let mut cards: Vec<Card> = content
            .opportunities
            .iter()
            .map(|p| Card::new(&p.opportunity, now))
            .collect();
        cards.sort_by(Card::board_order);
        let ids: Vec<_> = status_options(&cards).iter().map(|s| s.id).collect();
        assert_eq!(
            ids,
            [
                "closing-soon",
                "open",
                "under-evaluation",
                "in-progress",
                "cancelled",
                "draft"
            ]
        );
        let sections = views::sections(&cards.iter().collect::<Vec<_>>());
        assert_eq!(sections.len(), 6, "one section per status");
    }
}
