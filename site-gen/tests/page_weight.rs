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

#[test]
fn every_page_of_a_large_site_is_light_and_open_opportunities_come_first() {
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
    let public = root.join("public");

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
