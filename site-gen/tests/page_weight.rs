//! Light pages at any size (issue 14): a large synthetic site (the benchmark's generator) builds
//! into pages that each stay under 100 KB gzipped, because the board and the skill pages are
//! split into pages of `urls::PAGE_SIZE` cards with open opportunities first.
//!
//! 1,000 opportunities (10 board pages, most skills on two pages) keep this fast in a debug
//! build; nothing on a page grows with the number of opportunities beyond a page of cards (the
//! skill list is bounded by the skills, the pager shows a fixed window), and the benchmark
//! builds the 10,000 site.

mod common;

use bench::content::{SEED, model, ours};
use common::{moment, repo};
use cwu_domain::urls;
use flate2::Compression;
use flate2::write::GzEncoder;
use site_gen::render::{BuildOptions, build_site};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

const OPPORTUNITIES: usize = 1_000;
/// The limit for every HTML page.
const MAX_GZIPPED: usize = 100 * 1024;

fn html_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            html_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "html") {
            out.push(path);
        }
    }
}

fn gzipped_len(bytes: &[u8]) -> usize {
    let mut gz = GzEncoder::new(Vec::new(), Compression::default());
    gz.write_all(bytes).unwrap();
    gz.finish().unwrap().len()
}

/// The `data-status` of every card on a page, in order.
fn statuses(html: &str) -> Vec<&str> {
    html.split("<li class=\"card\" data-status=\"")
        .skip(1)
        .map(|rest| &rest[..rest.find('"').unwrap()])
        .collect()
}

/// The synthetic site of [`OPPORTUNITIES`], built once for the tests of this file.
fn built() -> &'static Path {
    static SITE: OnceLock<tempfile::TempDir> = OnceLock::new();
    SITE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let site = model::Site::new(SEED, OPPORTUNITIES);
        ours::write(&site, root, &repo().join("themes")).unwrap();
        let options = BuildOptions {
            now: moment(model::NOW),
            drafts: false,
            outcomes: None,
        };
        build_site(root, &options).expect("the synthetic site builds");
        dir
    })
    .path()
}

#[test]
fn every_page_of_a_large_site_is_light_and_open_opportunities_come_first() {
    let public = built().join("public");

    let mut pages = Vec::new();
    html_files(&public, &mut pages);
    assert!(pages.len() > OPPORTUNITIES, "{} pages", pages.len());
    let mut heaviest = (0, PathBuf::new());
    for page in &pages {
        let size = gzipped_len(&fs::read(page).unwrap());
        assert!(
            size <= MAX_GZIPPED,
            "{}: {size} bytes gzipped",
            page.display()
        );
        heaviest = heaviest.max((size, page.clone()));
    }
    eprintln!(
        "heaviest page: {} ({} bytes gzipped)",
        heaviest.1.display(),
        heaviest.0
    );

    // The board's pages in order hold every built opportunity once, open ones (closing soon
    // first) before any other, so they fill the first page.
    let out = site_gen::render::output::Output::new(&public);
    let built = (0..OPPORTUNITIES)
        .filter(|&i| model::kind(i) != model::Kind::Draft)
        .count();
    let board_pages = urls::page_count(built);
    assert!(board_pages >= 10, "{board_pages} board pages");
    let mut order = Vec::new();
    for number in 1..=board_pages {
        let html = fs::read_to_string(out.path_for(&urls::list_page(urls::BOARD, number)))
            .unwrap_or_else(|e| panic!("board page {number}: {e}"));
        let cards = statuses(&html);
        assert!(cards.len() <= urls::PAGE_SIZE);
        if number == 1 {
            assert!(cards.iter().all(|s| ["closing-soon", "open"].contains(s)));
        }
        order.extend(cards.into_iter().map(str::to_owned));
    }
    assert_eq!(order.len(), built);
    let first_closed = order
        .iter()
        .position(|s| !["closing-soon", "open"].contains(&s.as_str()))
        .unwrap();
    assert!(
        order[first_closed..]
            .iter()
            .all(|s| !["closing-soon", "open"].contains(&s.as_str())),
        "an open opportunity after a closed one"
    );
    assert!(
        !out.path_for(&urls::list_page(urls::BOARD, board_pages + 1))
            .exists(),
        "no empty page after the last"
    );
    // A skill's list goes on to a second page.
    let rust = urls::skill("rust");
    assert!(out.path_for(&urls::list_page(&rust, 2)).is_file());
}

/// Every file under `dir` with its length, paths relative to `dir` with `/`.
fn file_sizes(dir: &Path, prefix: &str, out: &mut Vec<(String, u64)>) {
    for entry in fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
        if entry.file_type().unwrap().is_dir() {
            file_sizes(&entry.path(), &format!("{name}/"), out);
        } else {
            out.push((name, entry.metadata().unwrap().len()));
        }
    }
}

/// What a cold build writes is what it costs (issue 14: the build is bound by the bytes and
/// files it writes): the 1,000-opportunity site stays under a byte budget per opportunity, and
/// no kind of file repeats what another holds in full. Printed by kind, so a change shows where
/// the bytes went.
#[test]
fn a_large_site_writes_a_bounded_number_of_bytes() {
    /// Bytes per opportunity the whole site may take: 33.9 KB now (20 KB of it the opportunity
    /// page), 40.6 KB when skill pages repeated cards and open contracting data was indented.
    const BUDGET_PER_OPPORTUNITY: u64 = 36_000;
    let public = built().join("public");
    let mut files = Vec::new();
    file_sizes(&public, "", &mut files);
    let kind = |path: &str| -> &'static str {
        if path.starts_with("opportunities/skills/") {
            "skill pages"
        } else if path.starts_with("opportunities/page/") || path == "opportunities/index.html" {
            "board pages"
        } else if path.ends_with("/ocds.json") || path.starts_with("ocds/") {
            "open contracting data"
        } else if path.ends_with(".ics") {
            "calendars"
        } else if path.starts_with("opportunities/") {
            "opportunity pages"
        } else if path.starts_with("feeds/") {
            "feeds"
        } else {
            "other"
        }
    };
    let mut by_kind = std::collections::BTreeMap::<&str, (usize, u64)>::new();
    for (path, len) in &files {
        let entry = by_kind.entry(kind(path)).or_default();
        entry.0 += 1;
        entry.1 += len;
    }
    let total: u64 = files.iter().map(|(_, len)| len).sum();
    for (kind, (count, bytes)) in &by_kind {
        eprintln!("{kind}: {count} files, {bytes} bytes");
    }
    eprintln!("total: {} files, {total} bytes", files.len());
    let budget = BUDGET_PER_OPPORTUNITY * OPPORTUNITIES as u64;
    assert!(
        total <= budget,
        "{total} bytes written for {OPPORTUNITIES} opportunities, over the {budget} budget"
    );
}

/// Skill pages list their opportunities compactly (title, status, deadline, reward, linking to
/// the page) rather than repeating the board's full cards: a skill page costs a few hundred
/// bytes per opportunity it lists.
#[test]
fn skill_pages_list_opportunities_without_repeating_cards() {
    /// Bytes a skill page may take per opportunity it lists, beyond the page chrome.
    const PER_ROW: usize = 450;
    /// The chrome of a page (head, header, footer with its forms) with room to spare.
    const CHROME: usize = 12_000;
    let skills = built().join("public/opportunities/skills");
    let mut pages = Vec::new();
    html_files(&skills, &mut pages);
    assert!(pages.len() > 20, "{} skill pages", pages.len());
    for page in &pages {
        let html = fs::read_to_string(page).unwrap();
        assert!(
            !html.contains("class=\"card\""),
            "{}: repeats the board's cards",
            page.display()
        );
        let rows = html.matches("<tr><td><a href=\"/opportunities/").count();
        assert!(rows > 0, "{}: lists no opportunity", page.display());
        assert!(rows <= urls::PAGE_SIZE);
        assert!(
            html.len() <= CHROME + rows * PER_ROW,
            "{}: {} bytes for {rows} opportunities",
            page.display(),
            html.len()
        );
    }
}
