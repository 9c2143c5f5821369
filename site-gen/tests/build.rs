//! `site-gen build` on the example content at the fixed test clock: pages, statuses, drafts,
//! privacy, feed and calendar formats, and the private registry.

mod common;

use common::{files, repo, site_copy};
use site_gen::content;
use site_gen::render::{BuildOptions, build_site};
use std::collections::HashSet;
use std::fs;
use std::path::Path;
use std::sync::OnceLock;

const NOW: &str = "2026-11-24T12:00:00-08:00";

fn options(drafts: bool) -> BuildOptions {
    BuildOptions {
        now: cwu_domain::when::parse_moment(NOW).unwrap(),
        drafts,
        outcomes: None,
    }
}

/// The example site built once at NOW (without drafts), shared by the tests.
fn built() -> &'static Path {
    static SITE: OnceLock<tempfile::TempDir> = OnceLock::new();
    SITE.get_or_init(|| {
        let dir = site_copy();
        build_site(dir.path(), &options(false)).expect("the example content builds");
        dir
    })
    .path()
}

fn read(root: &Path, relative: &str) -> String {
    fs::read_to_string(root.join(relative)).unwrap_or_else(|e| panic!("{relative}: {e}"))
}

fn examples() -> content::Content {
    content::load(&repo()).expect("the example content is valid")
}

#[test]
fn every_page_type_is_written() {
    let root = built();
    for page in [
        "public/index.html",
        "public/404.html",
        "public/robots.txt",
        "public/sitemap.xml",
        "public/opportunities/index.html",
        "public/opportunities/skills/rust/index.html",
        "public/opportunities.ics",
        "public/feeds/opportunities.xml",
        "public/feeds/skills/rust.xml",
        "public/wiki/index.html",
        "public/wiki/how-to-submit/index.html",
        "public/wiki/for-developers/local-setup/index.html",
        "public/assets/site.css",
        "public/assets/board.js",
        "public/assets/character-count.js",
        "public/assets/highlight.css",
        "private/registry.json",
    ] {
        assert!(root.join(page).is_file(), "{page} missing");
    }
    assert!(!root.join("public/private").exists());
}

/// Changed files are replaced through a `.{name}.tmp-…` file next to them (render/output.rs);
/// a rebuild a day later changes every "time left", so that path runs for many pages.
#[test]
fn replaced_files_leave_no_temporary_files() {
    let dir = site_copy();
    build_site(dir.path(), &options(false)).unwrap();
    let board = read(dir.path(), "public/opportunities/index.html");
    let mut later = options(false);
    later.now += jiff::SignedDuration::from_hours(24);
    build_site(dir.path(), &later).unwrap();
    assert_ne!(
        board,
        read(dir.path(), "public/opportunities/index.html"),
        "the rebuild replaced the board"
    );
    let leftovers: Vec<_> = files(&dir.path().join("public"))
        .into_iter()
        .chain(files(&dir.path().join("private")))
        .filter(|path| path.to_string_lossy().contains(".tmp-"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "temporary files left behind: {leftovers:?}"
    );
}

#[test]
fn each_opportunity_shows_its_status_and_the_form_only_while_open() {
    let root = built();
    let content = examples();
    let now = options(false).now;
    let mut seen = HashSet::new();
    for page in &content.opportunities {
        let o = &page.opportunity;
        let status = o.status_at(now);
        seen.insert(status);
        let path = root.join(format!("public/opportunities/{}/index.html", o.slug));
        if status == cwu_domain::Status::Draft {
            assert!(!path.exists(), "draft {} was published", o.slug);
            continue;
        }
        let html = fs::read_to_string(&path).unwrap();
        assert!(
            html.contains(&format!(
                "badge badge-{}\">{}<",
                status.id(),
                status.label()
            )),
            "{}: no {status:?} badge",
            o.slug
        );
        assert_eq!(
            html.contains("<form class=\"proposal-form\""),
            status.accepts_proposals(),
            "{}: form shown while {status:?}",
            o.slug
        );
        assert!(
            html.contains(&format!(
                "href=\"{}\"",
                o.questions
                    .as_deref()
                    .expect("every example has its questions issue")
            )),
            "{}: no question link",
            o.slug
        );
        assert!(html.contains("Ask a question on GitHub"));
        assert!(
            html.contains(&o.product_owner.name),
            "{}: owner name",
            o.slug
        );
        assert!(
            html.contains("<caption id=\"scoring-caption\">Evaluation criteria"),
            "{}: scoring table",
            o.slug
        );
        if let Some(outcome) = &o.outcome {
            assert!(
                html.contains(&format!("Awarded to {}", outcome.awarded.proponent)),
                "{}",
                o.slug
            );
        }
        if status == cwu_domain::Status::Cancelled {
            assert!(html.contains("was cancelled"), "{}", o.slug);
        }
        if status == cwu_domain::Status::UnderEvaluation {
            assert!(html.contains("under evaluation"), "{}", o.slug);
        }
    }
    // Accepted and Paid are recorded only in the outcomes file, and both awarded examples have
    // started (tests/outcomes.rs covers those three).
    use cwu_domain::Status::{Accepted, Awarded, Paid};
    let expected: HashSet<_> = cwu_domain::Status::ALL
        .into_iter()
        .filter(|s| ![Awarded, Accepted, Paid].contains(s))
        .collect();
    assert_eq!(seen, expected, "examples cover every other status");
}

#[test]
fn board_lists_public_opportunities_by_status_then_deadline() {
    let root = built();
    let board = read(root, "public/opportunities/index.html");
    let content = examples();
    let now = options(false).now;
    let mut expected: Vec<_> = content
        .opportunities
        .iter()
        .map(|p| &p.opportunity)
        .filter(|o| o.status_at(now) != cwu_domain::Status::Draft)
        .collect();
    expected.sort_by_key(|o| (o.status_at(now), o.proposal_deadline));
    let positions: Vec<usize> = expected
        .iter()
        .map(|o| {
            board
                .find(&format!("id=\"card-{}\"", o.slug))
                .unwrap_or_else(|| panic!("{} not on the board", o.slug))
        })
        .collect();
    assert!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "board order {positions:?}"
    );
    for attribute in [
        "data-status=",
        "data-skills=",
        "data-remote=",
        "data-reward=",
    ] {
        assert!(board.contains(attribute), "{attribute}");
    }
    // The filters work without JavaScript: the form is never hidden, and each skill has its
    // CSS rule (the other filters' rules are in the theme's stylesheet).
    assert!(board.contains("<form class=\"filters\" id=\"filters\" aria-labelledby"));
    assert!(board.contains(
        ".board:has(#filter-skill [value=\"rust\"]:checked) .card:not([data-skills~=\"rust\"]){display:none}"
    ));
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let root = built();
    let content = examples();
    let now = options(false).now;
    let drafts: Vec<_> = content
        .opportunities
        .iter()
        .filter(|p| p.opportunity.status_at(now) == cwu_domain::Status::Draft)
        .map(|p| p.opportunity.slug.clone())
        .collect();
    assert!(!drafts.is_empty());
    for file in files(&root.join("public")) {
        let text = fs::read_to_string(&file).unwrap_or_default();
        for slug in &drafts {
            assert!(
                !text.contains(slug.as_str()),
                "draft {slug} in {}",
                file.display()
            );
        }
    }
    let registry = read(root, "private/registry.json");
    for slug in &drafts {
        assert!(!registry.contains(slug.as_str()));
    }

    let with_drafts = site_copy();
    build_site(with_drafts.path(), &options(true)).unwrap();
    for slug in &drafts {
        let page = read(
            with_drafts.path(),
            &format!("public/opportunities/{slug}/index.html"),
        );
        assert!(page.contains("Draft preview"));
        // Never announced, even with --drafts.
        assert!(
            !read(with_drafts.path(), "public/feeds/opportunities.xml").contains(slug.as_str())
        );
        assert!(!read(with_drafts.path(), "public/sitemap.xml").contains(slug.as_str()));
    }
}

#[test]
fn no_product_owner_email_anywhere_in_public() {
    let root = built();
    let emails: Vec<String> = examples()
        .opportunities
        .iter()
        .map(|p| p.opportunity.product_owner.email.to_lowercase())
        .collect();
    assert!(emails.len() >= 5);
    let registry = read(root, "private/registry.json").to_lowercase();
    let routed = emails
        .iter()
        .filter(|e| registry.contains(e.as_str()))
        .count();
    assert_eq!(
        routed,
        emails.len() - 1,
        "the registry routes mail for every public opportunity"
    );
    let public = files(&root.join("public"));
    assert!(public.len() > 20);
    for file in public {
        let text = String::from_utf8_lossy(&fs::read(&file).unwrap()).to_lowercase();
        for email in &emails {
            assert!(
                !text.contains(email.as_str()),
                "{email} in {}",
                file.display()
            );
        }
    }
}

#[test]
fn feeds_are_rss_2_with_rfc_822_dates_and_unique_permalink_guids() {
    let root = built();
    let mut feeds = vec![root.join("public/feeds/opportunities.xml")];
    feeds.extend(files(&root.join("public/feeds/skills")));
    for feed in feeds {
        let xml = fs::read_to_string(&feed).unwrap();
        let name = feed.display();
        assert!(
            xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"")
        );
        for element in [
            "<title>",
            "<link>",
            "<description>",
            "<language>",
            "<lastBuildDate>",
        ] {
            assert!(xml.contains(element), "{name}: {element}");
        }
        assert!(xml.contains("rel=\"self\""), "{name}");
        let mut guids = HashSet::new();
        let items: Vec<&str> = xml.split("<item>").skip(1).collect();
        assert!(!items.is_empty(), "{name}: no items");
        for item in items {
            for element in [
                "<title>",
                "<link>",
                "<description>",
                "<guid isPermaLink=\"true\">https://",
                "<pubDate>",
            ] {
                assert!(item.contains(element), "{name}: item without {element}");
            }
            let guid = between(item, "<guid isPermaLink=\"true\">", "</guid>");
            assert!(
                guids.insert(guid.to_string()),
                "{name}: repeated guid {guid}"
            );
        }
        for date in xml
            .split("<pubDate>")
            .skip(1)
            .chain(xml.split("<lastBuildDate>").skip(1))
        {
            let date = &date[..date.find('<').unwrap()];
            jiff::fmt::rfc2822::parse(date).unwrap_or_else(|e| panic!("{name}: {date}: {e}"));
        }
    }
    let all = read(root, "public/feeds/opportunities.xml");
    assert!(
        all.contains("#addendum-2026-11-20</guid>"),
        "an item per addendum"
    );
    // The newest change among the items, not the build's clock: the transit validator began
    // closing soon at 4 PM on November 23, after the newest item (November 20).
    assert!(
        all.contains("<lastBuildDate>Mon, 23 Nov 2026 16:00:00 -0800</lastBuildDate>"),
        "{}",
        &all[..all.find("<item>").unwrap()]
    );
    let permit = between(&all, "<title>Permit status API", "</item>");
    assert!(
        permit.contains("<pubDate>Mon, 2 Nov 2026 16:00:00 -0800</pubDate>"),
        "an opportunity's item is dated by its `published` date, not by the build: {permit}"
    );
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text.find(start).unwrap() + start.len();
    &text[from..from + text[from..].find(end).unwrap()]
}

#[test]
fn calendar_is_rfc_5545_with_open_deadlines() {
    let root = built();
    let ics = read(root, "public/opportunities.ics");
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
    assert!(ics.ends_with("END:VCALENDAR\r\n"));
    assert!(!ics.replace("\r\n", "").contains('\n'), "bare LF");
    for line in ics.split("\r\n") {
        assert!(line.len() <= 75, "{} octets: {line}", line.len());
    }
    let unfolded = ics.replace("\r\n ", "");
    assert!(unfolded.contains("BEGIN:VTIMEZONE\r\nTZID:America/Vancouver"));
    // No METHOD, so each DTSTAMP is when the event was last revised, never the build's clock:
    // the permit API was published on November 2, its newest addendum is of November 20
    // (4 PM PST).
    assert!(!unfolded.contains("METHOD:"));
    assert!(!unfolded.contains("DTSTAMP:20261124T200000Z"));
    let permit = between(&unfolded, "UID:permit-status-api-deadline@", "END:VEVENT");
    assert!(permit.contains("DTSTAMP:20261121T000000Z"), "{permit}");
    let content = examples();
    let now = options(false).now;
    let mut uids = HashSet::new();
    for o in content.opportunities.iter().map(|p| &p.opportunity) {
        let uid = format!("UID:{}-deadline@codewithus.example.gov.bc.ca", o.slug);
        if o.status_at(now).accepts_proposals() {
            assert!(unfolded.contains(&uid), "{uid}");
            let local = cwu_domain::when::in_vancouver(o.proposal_deadline)
                .strftime("%Y%m%dT%H%M%S")
                .to_string();
            assert!(unfolded.contains(&format!("DTSTART;TZID=America/Vancouver:{local}")));
        } else {
            assert!(!unfolded.contains(&uid), "closed {uid}");
        }
    }
    for line in unfolded.split("\r\n").filter(|l| l.starts_with("UID:")) {
        assert!(uids.insert(line.to_string()), "repeated {line}");
    }
    // Commas in titles and descriptions are escaped.
    for line in unfolded
        .split("\r\n")
        .filter(|l| l.starts_with("SUMMARY:") || l.starts_with("DESCRIPTION:"))
    {
        let value = &line[line.find(':').unwrap() + 1..];
        assert!(
            !value.replace("\\,", "").contains(','),
            "unescaped comma: {line}"
        );
    }
}

#[test]
fn pages_have_meta_landmarks_and_highlighted_code() {
    let root = built();
    for page in [
        "public/index.html",
        "public/opportunities/index.html",
        "public/opportunities/permit-status-api/index.html",
        "public/wiki/how-to-publish/index.html",
    ] {
        let html = read(root, page);
        for needle in [
            "<html lang=\"en-CA\">",
            "<meta name=\"description\" content=\"",
            "<link rel=\"canonical\" href=\"https://codewithus.example.gov.bc.ca/",
            "<meta property=\"og:title\"",
            "<link rel=\"alternate\" type=\"application/rss+xml\"",
            "<a class=\"skip-link\" href=\"#main\">",
            "<main id=\"main\"",
            "<nav class=\"site-nav\" aria-label=\"Main\">",
        ] {
            assert!(html.contains(needle), "{page}: {needle}");
        }
        assert_eq!(html.matches("<h1").count(), 1, "{page}: one h1");
    }
    let wiki = read(root, "public/wiki/how-to-publish/index.html");
    assert!(wiki.contains("class=\"toc\""), "table of contents");
    assert!(wiki.contains("<nav class=\"wiki-nav\" aria-label=\"Wiki\">"));
    assert!(wiki.contains("aria-current=\"page\">"));
    assert!(wiki.contains("<pre class=\"code\""), "code block");
    assert!(wiki.contains("class=\"hl-"), "highlighted with classes");
    assert!(read(root, "public/assets/highlight.css").contains(".hl-"));
}

#[test]
fn registry_is_private_and_carries_the_page_shell() {
    let root = built();
    let registry = cwu_domain::Registry::from_json(&read(root, "private/registry.json")).unwrap();
    assert!(
        registry
            .page_shell
            .contains(cwu_domain::registry::TITLE_MARKER)
    );
    assert!(
        registry
            .page_shell
            .contains(cwu_domain::registry::MAIN_MARKER)
    );
    assert!(registry.page_shell.contains("/assets/site.css"));
    assert_eq!(registry.site.terms_version, "2026-06");
    assert!(registry.get("permit-status-api").is_some());
    let page = registry.page("Received", "<p>ok</p>");
    assert!(
        page.contains("<title>Received · Code With Us</title>"),
        "{page}"
    );
}

#[test]
fn cards_stay_small() {
    let content = examples();
    let now = options(false).now;
    for page in &content.opportunities {
        let card = site_gen::render::views::Card::new(&page.opportunity, now);
        let json = serde_json::to_string(&card).unwrap();
        assert!(
            json.len() < 2_000,
            "{}: card of {} bytes",
            page.opportunity.slug,
            json.len()
        );
        assert!(!json.contains(&page.opportunity.product_owner.email));
        let first_line = page
            .body
            .trim()
            .lines()
            .find(|l| l.len() > 40)
            .unwrap_or("");
        assert!(
            first_line.is_empty() || !json.contains(first_line),
            "description in a card"
        );
    }
}

#[test]
fn build_is_reproducible_and_rebuilds_in_place() {
    let dir = site_copy();
    build_site(dir.path(), &options(false)).unwrap();
    let first = read(dir.path(), "public/opportunities/index.html");
    let feed = read(dir.path(), "public/feeds/opportunities.xml");
    build_site(dir.path(), &options(false)).unwrap();
    assert_eq!(first, read(dir.path(), "public/opportunities/index.html"));
    assert_eq!(feed, read(dir.path(), "public/feeds/opportunities.xml"));
}

#[test]
fn content_problems_stop_the_build() {
    let dir = site_copy();
    fs::write(
        dir.path().join("content/opportunities/broken.md"),
        "---\ntitle: \"\"\nrewardd: 5\n---\nBody\n",
    )
    .unwrap();
    match build_site(dir.path(), &options(false)) {
        Err(site_gen::render::BuildError::Content(problems)) => assert!(!problems.0.is_empty()),
        other => panic!("expected content problems, got {other:?}"),
    }
    assert!(!dir.path().join("public").exists());
}

#[test]
fn raw_html_in_markdown_is_escaped() {
    let dir = site_copy();
    let path = dir
        .path()
        .join("content/opportunities/permit-status-api.md");
    let text = fs::read_to_string(&path).unwrap();
    fs::write(
        &path,
        format!("{text}\n<script>alert('x')</script>\n\n<img src=x onerror=alert(1)>\n"),
    )
    .unwrap();
    build_site(dir.path(), &options(false)).unwrap();
    let html = read(
        dir.path(),
        "public/opportunities/permit-status-api/index.html",
    );
    assert!(!html.contains("<script>alert"), "raw script survived");
    assert!(!html.contains("<img src=x"), "raw img survived");
    assert!(html.contains("&lt;script&gt;alert"));
}

/// The files a build writes are exactly the addresses `cwu_domain::urls` gives (theme files
/// aside), the list link checking accepts: neither has a file the other lacks.
#[test]
fn the_output_files_are_the_addresses_urls_derives() {
    use cwu_domain::urls;
    let root = built();
    let content = examples();
    let now = options(false).now;
    let mut expected: HashSet<String> = urls::fixed_files().map(str::to_owned).into();
    for page in &content.opportunities {
        let opportunity = &page.opportunity;
        if opportunity.status_at(now) == cwu_domain::Status::Draft {
            continue;
        }
        let skills: Vec<String> = opportunity
            .skills
            .iter()
            .map(|s| site_gen::render::views::SkillView::new(s).slug)
            .collect();
        expected.extend(urls::opportunity_files(
            &opportunity.slug,
            skills.iter().map(String::as_str),
        ));
        if opportunity.status_at(now).accepts_proposals() || opportunity.outcome.is_some() {
            expected.insert(urls::opportunity_calendar(&opportunity.slug));
        }
    }
    expected.extend(content.wiki.iter().map(|page| urls::wiki(&page.path)));
    let statics = repo().join("themes/default/static");
    let public = root.join("public");
    let written: HashSet<String> = files(&public)
        .into_iter()
        .map(|path| path.strip_prefix(&public).unwrap().to_owned())
        .filter(|relative| !statics.join(relative).is_file())
        .map(|relative| {
            let url = format!("/{}", relative.to_string_lossy().replace('\\', "/"));
            match url.strip_suffix("index.html") {
                Some(folder) => folder.to_owned(),
                None => url,
            }
        })
        .collect();
    assert_eq!(written, expected);
}
