//! Warm rebuilds with the build cache (`.local/build-cache.json`): after each kind of change a
//! rebuild into the previous output writes exactly what a build into an empty folder writes, and
//! pages whose inputs did not change are not rendered again. A missing, corrupt or foreign cache,
//! or a page changed behind the cache's back, makes the build render again.

mod common;

use common::{SLUG, copy_dir, files, moment, outcome, record, site_copy};
use site_gen::render::{BuildOptions, BuildReport, build_site};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

const NOW: &str = "2026-11-24T12:00:00-08:00";
const CACHE: &str = ".local/build-cache.json";

fn at(now: &str) -> BuildOptions {
    BuildOptions {
        now: moment(now),
        drafts: false,
        outcomes: None,
    }
}

/// Every file under `dir` by relative path, with its bytes.
fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    files(dir)
        .into_iter()
        .map(|file| {
            let bytes = fs::read(&file).unwrap();
            (file.strip_prefix(dir).unwrap().to_owned(), bytes)
        })
        .collect()
}

/// Builds the site at `root` in place (warm), and the same state (content, theme, outcomes and
/// the feed history the warm build starts from) in an empty folder (cold); asserts that both
/// wrote the same files, byte for byte, and returns the warm build's report.
fn warm_equals_cold(root: &Path, options: &BuildOptions) -> BuildReport {
    let cold = tempfile::tempdir().unwrap();
    for folder in ["content", "themes"] {
        copy_dir(&root.join(folder), &cold.path().join(folder));
    }
    let outcomes = root.join(".local/outcomes.json");
    if outcomes.exists() {
        fs::create_dir_all(cold.path().join(".local")).unwrap();
        fs::copy(&outcomes, cold.path().join(".local/outcomes.json")).unwrap();
    }
    let history = root.join("public/feeds/history.json");
    if history.exists() {
        fs::create_dir_all(cold.path().join("public/feeds")).unwrap();
        fs::copy(&history, cold.path().join("public/feeds/history.json")).unwrap();
    }
    let warm = build_site(root, options).expect("the warm build");
    let cold_report = build_site(cold.path(), options).expect("the cold build");
    assert_eq!(cold_report.reused, 0, "a cold build has nothing to reuse");
    let (warm_files, cold_files) = (
        tree(&root.join("public")),
        tree(&cold.path().join("public")),
    );
    let differing: Vec<_> = warm_files
        .keys()
        .chain(cold_files.keys())
        .filter(|path| warm_files.get(*path) != cold_files.get(*path))
        .collect();
    assert!(
        differing.is_empty(),
        "warm and cold builds differ in {differing:?}"
    );
    assert_eq!(
        fs::read(root.join("private/registry.json")).unwrap(),
        fs::read(cold.path().join("private/registry.json")).unwrap()
    );
    assert_eq!(warm.files, cold_report.files);
    assert_eq!(warm.rendered + warm.reused, cold_report.rendered);
    warm
}

fn edit(root: &Path, relative: &str, from: &str, to: &str) {
    let path = root.join(relative);
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{relative} has no {from:?}");
    fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

fn html(root: &Path) -> usize {
    files(&root.join("public"))
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .count()
}

/// The files built from a cache key, what `rendered + reused` counts: HTML pages, open
/// contracting data and calendars.
fn pages(root: &Path) -> usize {
    files(&root.join("public"))
        .iter()
        .filter(|p| {
            p.extension().is_some_and(|e| e == "html" || e == "ics")
                || p.ends_with("ocds.json")
                || p.ends_with("ocds/releases.json")
        })
        .count()
}

#[test]
fn an_unchanged_rebuild_renders_no_page() {
    let site = site_copy();
    let root = site.path();
    let first = build_site(root, &at(NOW)).unwrap();
    assert_eq!(first.reused, 0);
    assert_eq!(first.rendered, pages(root));
    assert!(root.join(CACHE).is_file());
    assert!(
        !files(&root.join("public"))
            .iter()
            .any(|p| p.to_string_lossy().contains("build-cache")),
        "the cache is never published"
    );
    let again = warm_equals_cold(root, &at(NOW));
    assert_eq!(again.rendered, 0, "nothing changed, nothing rendered");
    assert_eq!(again.reused, pages(root));
}

#[test]
fn an_edited_opportunity_renders_its_page_and_the_lists_only() {
    let site = site_copy();
    let root = site.path();
    build_site(root, &at(NOW)).unwrap();
    edit(
        root,
        "content/opportunities/wildfire-map-tiles.md",
        "\n## ",
        "\nA sentence added by the warm test.\n\n## ",
    );
    let report = warm_equals_cold(root, &at(NOW));
    let opportunity_pages = files(&root.join("public/opportunities"))
        .iter()
        .filter(|p| {
            p.ends_with("index.html")
                && p.parent().unwrap().parent().unwrap() == root.join("public/opportunities")
                && !p.parent().unwrap().ends_with("page")
                && !p.parent().unwrap().ends_with("skills")
        })
        .count();
    assert!(opportunity_pages > 3, "{opportunity_pages}");
    // Its page; its card did not change, so no list either.
    assert_eq!(report.rendered, 1, "{report:?}");
    let page = fs::read_to_string(root.join("public/opportunities/wildfire-map-tiles/index.html"))
        .unwrap();
    assert!(page.contains("A sentence added by the warm test."));

    // A new title changes its card: the lists that show it are rendered, no other page.
    edit(
        root,
        "content/opportunities/wildfire-map-tiles.md",
        "title: \"",
        "title: \"Renamed: ",
    );
    let report = warm_equals_cold(root, &at(NOW));
    assert!(report.rendered > 1, "{report:?}");
    assert!(
        report.reused >= opportunity_pages - 1,
        "the other opportunities' pages are reused: {report:?}"
    );
}

#[test]
fn a_changed_template_renders_every_page_that_uses_the_theme() {
    let site = site_copy();
    let root = site.path();
    build_site(root, &at(NOW)).unwrap();
    edit(
        root,
        "themes/default/templates/partials/card.html",
        "<dt>Proposals due</dt>",
        "<dt>Proposals due by</dt>",
    );
    let report = warm_equals_cold(root, &at(NOW));
    assert_eq!(
        report.rendered,
        html(root),
        "every page uses the theme, the open contracting data does not: {report:?}"
    );
    assert!(
        fs::read_to_string(root.join("public/opportunities/index.html"))
            .unwrap()
            .contains("Proposals due by")
    );
}

#[test]
fn a_changed_site_yaml_renders_again() {
    let site = site_copy();
    let root = site.path();
    build_site(root, &at(NOW)).unwrap();
    edit(
        root,
        "content/site.yaml",
        "terms_version: \"2026-06\"",
        "terms_version: \"2026-12\"",
    );
    let report = warm_equals_cold(root, &at(NOW));
    assert_eq!(report.rendered, html(root), "{report:?}");
}

#[test]
fn a_status_flipped_by_the_clock_reaches_every_page_that_shows_it() {
    let site = site_copy();
    let root = site.path();
    // The transit schedule validator closes on November 30 at 4:00 PM.
    build_site(root, &at("2026-11-30T15:00")).unwrap();
    let page = "public/opportunities/transit-schedule-validator/index.html";
    assert!(
        fs::read_to_string(root.join(page))
            .unwrap()
            .contains("badge-closing-soon")
    );
    let report = warm_equals_cold(root, &at("2026-11-30T17:00"));
    assert!(
        fs::read_to_string(root.join(page))
            .unwrap()
            .contains("badge-under-evaluation")
    );
    assert!(report.rendered > 0);
}

#[test]
fn a_recorded_outcome_reaches_the_page() {
    let site = site_copy();
    let root = site.path();
    build_site(root, &at(NOW)).unwrap();
    record(root, &outcome(true, false));
    warm_equals_cold(root, &at(NOW));
    let page =
        fs::read_to_string(root.join(format!("public/opportunities/{SLUG}/index.html"))).unwrap();
    assert!(page.contains("Awarded to"), "{page}");
}

#[test]
fn a_change_no_card_shows_renders_the_files_that_show_it() {
    let site = site_copy();
    let root = site.path();
    build_site(root, &at(NOW)).unwrap();
    // No card shows the repository: no list is rendered again. Its page is, and the files
    // keyed on every field of the opportunity: its open contracting data and calendar, and the
    // site's.
    edit(
        root,
        "content/opportunities/wildfire-map-tiles.md",
        "repository: \"https://github.com/bcgov-example/wildfire-tiles\"",
        "repository: \"https://github.com/bcgov-example/wildfire-vector-tiles\"",
    );
    let report = warm_equals_cold(root, &at(NOW));
    assert_eq!(report.rendered, 5, "{report:?}");
    let page = fs::read_to_string(root.join("public/opportunities/wildfire-map-tiles/index.html"))
        .unwrap();
    assert!(page.contains("wildfire-vector-tiles"));

    // Each fact of an outcome reaches the opportunity's own calendar.
    let calendar = root.join(format!("public/opportunities/{SLUG}/deadline.ics"));
    record(root, &outcome(true, false));
    warm_equals_cold(root, &at(NOW));
    assert!(!fs::read_to_string(&calendar).unwrap().contains("Paid"));
    record(root, &outcome(true, true));
    warm_equals_cold(root, &at(NOW));
    assert!(
        fs::read_to_string(&calendar)
            .unwrap()
            .contains("SUMMARY:Paid")
    );
}

#[test]
fn a_missing_corrupt_or_foreign_cache_means_a_full_build() {
    let site = site_copy();
    let root = site.path();
    build_site(root, &at(NOW)).unwrap();
    let all = pages(root);
    let cache = root.join(CACHE);
    let good = fs::read_to_string(&cache).unwrap();

    fs::remove_file(&cache).unwrap();
    let report = warm_equals_cold(root, &at(NOW));
    assert_eq!((report.rendered, report.reused), (all, 0), "no cache");

    fs::write(&cache, &good[..good.len() / 2]).unwrap();
    let report = warm_equals_cold(root, &at(NOW));
    assert_eq!(
        (report.rendered, report.reused),
        (all, 0),
        "a cut-off cache"
    );

    // Written by another site-gen: the code digest differs.
    let json: serde_json::Value = serde_json::from_str(&good).unwrap();
    let code = json["code"].as_str().unwrap().to_owned();
    let other = if code.starts_with('0') { "1" } else { "0" };
    fs::write(
        &cache,
        good.replacen(&code, &format!("{other}{}", &code[1..]), 1),
    )
    .unwrap();
    let report = warm_equals_cold(root, &at(NOW));
    assert_eq!(
        (report.rendered, report.reused),
        (all, 0),
        "another site-gen's cache"
    );
}

#[test]
fn a_page_changed_behind_the_cache_is_rendered_again() {
    let site = site_copy();
    let root = site.path();
    build_site(root, &at(NOW)).unwrap();
    let page = root.join("public/opportunities/permit-status-api/index.html");
    let built = fs::read(&page).unwrap();
    fs::write(&page, b"edited by hand").unwrap();
    let deleted = root.join("public/wiki/index.html");
    fs::remove_file(&deleted).unwrap();
    let report = warm_equals_cold(root, &at(NOW));
    assert_eq!(report.rendered, 2, "{report:?}");
    assert_eq!(fs::read(&page).unwrap(), built);
    assert!(deleted.is_file());
}

// The parse cache (`.local/content-cache.json`): opportunity files whose text did not change
// are not parsed and validated again.

const PARSE_CACHE: &str = ".local/content-cache.json";

fn opportunity_files(root: &Path) -> usize {
    fs::read_dir(root.join("content/opportunities"))
        .unwrap()
        .count()
}

#[test]
fn unchanged_content_is_not_parsed_again_and_an_edited_file_is() {
    let site = site_copy();
    let root = site.path();
    let first = build_site(root, &at(NOW)).unwrap();
    assert_eq!(first.parsed, opportunity_files(root));
    assert!(root.join(PARSE_CACHE).is_file());
    let again = warm_equals_cold(root, &at(NOW));
    assert_eq!(again.parsed, 0, "{again:?}");

    let file = "content/opportunities/wildfire-map-tiles.md";
    edit(root, file, "title: \"", "title: \"Renamed: ");
    let report = warm_equals_cold(root, &at(NOW));
    assert_eq!(report.parsed, 1, "{report:?}");
    assert!(
        fs::read_to_string(root.join("public/opportunities/wildfire-map-tiles/index.html"))
            .unwrap()
            .contains("Renamed: ")
    );
    assert_eq!(build_site(root, &at(NOW)).unwrap().parsed, 0);
}

#[test]
fn a_touched_file_with_the_same_bytes_is_not_parsed_again() {
    let site = site_copy();
    let root = site.path();
    build_site(root, &at(NOW)).unwrap();
    let file = root.join("content/opportunities/wildfire-map-tiles.md");
    let bytes = fs::read(&file).unwrap();
    fs::remove_file(&file).unwrap();
    fs::write(&file, bytes).unwrap();
    let report = warm_equals_cold(root, &at(NOW));
    assert_eq!(report.parsed, 0, "keyed by the text, not the file's times");
}

#[test]
fn a_removed_and_an_added_file_reach_the_site() {
    let site = site_copy();
    let root = site.path();
    build_site(root, &at(NOW)).unwrap();
    let folder = root.join("content/opportunities");
    fs::remove_file(folder.join("air-quality-alerts.md")).unwrap();
    fs::copy(folder.join(format!("{SLUG}.md")), folder.join("a-copy.md")).unwrap();
    let report = warm_equals_cold(root, &at(NOW));
    assert_eq!(report.parsed, 1, "only the new file: {report:?}");
    assert!(
        !root
            .join("public/opportunities/air-quality-alerts")
            .exists()
    );
    assert!(
        root.join("public/opportunities/a-copy/index.html")
            .is_file()
    );
    // The removed file is gone from the cache, the new one is in it.
    let cache = fs::read_to_string(root.join(PARSE_CACHE)).unwrap();
    assert!(!cache.contains("air-quality-alerts.md") && cache.contains("a-copy.md"));
    assert_eq!(build_site(root, &at(NOW)).unwrap().parsed, 0);
}

#[test]
fn a_corrupt_or_foreign_parse_cache_or_a_changed_site_yaml_means_parsing_all() {
    let site = site_copy();
    let root = site.path();
    build_site(root, &at(NOW)).unwrap();
    let all = opportunity_files(root);
    let cache = root.join(PARSE_CACHE);
    let good = fs::read_to_string(&cache).unwrap();

    fs::write(&cache, &good[..good.len() / 2]).unwrap();
    assert_eq!(warm_equals_cold(root, &at(NOW)).parsed, all, "cut off");

    // Written by another site-gen: the code digest differs (on the first line, which binds the
    // cache).
    let header = good.lines().next().unwrap();
    let json: serde_json::Value = serde_json::from_str(header).unwrap();
    let code = json["code"].as_str().unwrap().to_owned();
    let other = if code.starts_with('0') { "1" } else { "0" };
    fs::write(
        &cache,
        good.replacen(&code, &format!("{other}{}", &code[1..]), 1),
    )
    .unwrap();
    assert_eq!(
        warm_equals_cold(root, &at(NOW)).parsed,
        all,
        "another site-gen's cache"
    );

    edit(
        root,
        "content/site.yaml",
        "terms_version: \"2026-06\"",
        "terms_version: \"2026-12\"",
    );
    assert_eq!(warm_equals_cold(root, &at(NOW)).parsed, all, "site.yaml");
    assert_eq!(warm_equals_cold(root, &at(NOW)).parsed, 0);
}

#[test]
fn a_broken_file_is_explained_with_its_line_even_with_a_cache() {
    let site = site_copy();
    let root = site.path();
    build_site(root, &at(NOW)).unwrap();
    let file = "content/opportunities/wildfire-map-tiles.md";
    edit(root, file, "reward: ", "reward: \"lots\"\nold_reward: ");
    let line = fs::read_to_string(root.join(file))
        .unwrap()
        .lines()
        .position(|l| l.starts_with("reward: \"lots\""))
        .unwrap()
        + 1;
    let expect = |diagnostics: &site_gen::content::diagnostics::Diagnostics| {
        let found: Vec<_> = diagnostics
            .0
            .iter()
            .map(|d| (d.file.clone(), d.line))
            .collect();
        assert!(
            found.contains(&(PathBuf::from(file), line)),
            "{found:?} lacks {file}:{line}"
        );
    };
    match build_site(root, &at(NOW)) {
        Err(site_gen::render::BuildError::Content(diagnostics)) => expect(&diagnostics),
        other => panic!("the build must refuse the file: {other:?}"),
    }
    // `site-gen check` reads the same way.
    let checked = site_gen::content::load(root).unwrap_err();
    expect(&checked);
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_site-gen"))
        .args(["check", "--root"])
        .arg(root)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(stderr.contains(&format!("{file}:{line}")), "{stderr}");
}
