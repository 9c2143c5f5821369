//! `site-gen check` as product owners and CI run it: the real binary on a copy of the repository's
//! content with one file per kind of mistake, hostile files included.

mod common;

use common::{repo, site_copy as site};
use std::fs;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// Runs site-gen; a command that hangs (say on a FIFO) fails the test after two minutes.
fn site_gen(root: &Path, args: &[&str]) -> Output {
    let (stdout, stderr) = (tempfile::tempfile().unwrap(), tempfile::tempfile().unwrap());
    let mut child = Command::new(env!("CARGO_BIN_EXE_site-gen"))
        .arg("--root")
        .arg(root)
        .args(args)
        .env("NO_COLOR", "1")
        .stdout(stdout.try_clone().unwrap())
        .stderr(stderr.try_clone().unwrap())
        .spawn()
        .expect("site-gen runs");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("site-gen {args:?} hung");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let read = |mut file: fs::File| {
        let mut bytes = Vec::new();
        file.seek(SeekFrom::Start(0)).unwrap();
        file.read_to_end(&mut bytes).unwrap();
        bytes
    };
    Output {
        status,
        stdout: read(stdout),
        stderr: read(stderr),
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A valid opportunity that each case below breaks in one way.
fn fixture() -> String {
    fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/opportunity.md"))
        .unwrap()
}

/// The fixture with `from` replaced by `to` (which must be there).
fn with(from: &str, to: &str) -> String {
    let text = fixture();
    assert!(text.contains(from), "fixture has no `{from}`");
    text.replacen(from, to, 1)
}

fn write(root: &Path, file: &str, bytes: impl AsRef<[u8]>) {
    let path = root.join(file);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, bytes).unwrap();
}

/// Adds one file per mistake; returns each file with the line its problem must be reported at.
fn add_mistakes(root: &Path) -> Vec<(String, usize)> {
    let opportunity = |name: &str| format!("content/opportunities/{name}.md");
    let mut expected = Vec::new();
    let mut add = |file: String, bytes: Vec<u8>, line: usize| {
        write(root, &file, bytes);
        expected.push((file, line));
    };
    // Front matter mistakes, at the line of the field (missing ones at the opening `---`).
    let cases: &[(&str, &str, &str, usize)] = &[
        ("unknown-key", "title:", "titel:", 2),
        ("wrong-type", "reward: 25000", "reward: \"a lot\"", 8),
        (
            "missing-field",
            "teaser: \"Build a keyboard- and screen-reader-friendly date picker for the BC service forms library.\"\n",
            "",
            1,
        ),
        ("reward-over-limit", "reward: 25000", "reward: 80000", 8),
        ("points-not-100", "points: 40", "points: 30", 22),
        (
            "unordered-dates",
            "start_date: 2027-03-22",
            "start_date: 2027-03-02",
            15,
        ),
        (
            "bad-date",
            "proposal_deadline: 2027-03-12",
            "proposal_deadline: 2027-02-30",
            13,
        ),
        ("duplicate-skill", "Web Components]", "typescript]", 12),
        (
            "remote-without-details",
            "remote_details: \"Fully remote within Canada; a weekly check-in on Tuesdays, Pacific time.\"\n",
            "",
            10,
        ),
        (
            "bad-url",
            "repository: \"https://github.com",
            "repository: \"github.com",
            17,
        ),
        (
            "bad-nested-key",
            "  name: \"Jordan Lee\"",
            "  nmae: \"Jordan Lee\"",
            6,
        ),
        ("bad-status", "status: published", "status: publised", 30),
        (
            "broken-link",
            "(/opportunities/)",
            "(/wiki/no-such-page/)",
            33,
        ),
        (
            "broken-addendum-link",
            "\"The design mock-ups are in the repository.\"",
            "\"See [the FAQ](/wiki/fqa/).\"",
            29,
        ),
        (
            "duplicate-key",
            "status: published\n",
            "status: published\nreward: 30000\n",
            31,
        ),
        (
            "tabs",
            "  name: \"Jordan Lee\"",
            "\tname: \"Jordan Lee\"",
            6,
        ),
    ];
    for (name, from, to, line) in cases {
        add(opportunity(name), with(from, to).into_bytes(), *line);
    }
    let crlf = with("reward: 25000", "reward: 80000").replace('\n', "\r\n");
    add(opportunity("crlf-broken"), crlf.into_bytes(), 8);

    // Two files for one page.
    add(opportunity("Date-Picker"), fixture().into_bytes(), 1);
    add(opportunity("date-picker"), fixture().into_bytes(), 1);
    let wiki_page = "---\ntitle: \"Duplicate\"\n---\nText.\n";
    add("content/wiki/dup-page.md".into(), wiki_page.into(), 1);
    write(root, "content/wiki/dup-page/index.md", wiki_page);

    // Wiki mistakes.
    add(
        "content/wiki/bad-front-matter.md".into(),
        b"---\ntitle: \"Weights\"\nweight: high\nsort: 1\n---\n".to_vec(),
        3,
    );
    add(
        "content/wiki/broken-link.md".into(),
        b"---\ntitle: \"Links\"\n---\n\nRead [how to submit](/wiki/how-to-sumbit/).\n".to_vec(),
        5,
    );

    // Hostile files: none may crash the check.
    let mut huge = fixture().into_bytes();
    huge.extend(std::iter::repeat_n(b'a', 1024 * 1024));
    let hostile: Vec<(&str, Vec<u8>, usize)> = vec![
        ("empty", Vec::new(), 1),
        (
            "binary",
            vec![0x7f, b'E', b'L', b'F', 0, 1, 2, 0xff, 0xfe],
            1,
        ),
        ("huge", huge, 1),
        (
            "no-front-matter",
            b"# Just a heading\n\nSome text.\n".to_vec(),
            1,
        ),
        (
            "unterminated",
            b"---\ntitle: \"Never closed\"\nreward: 5\n".to_vec(),
            1,
        ),
        (
            "invalid-utf8",
            b"---\ntitle: \"Caf\xe9\"\n---\n".to_vec(),
            2,
        ),
        ("yaml-list", b"---\n- a\n- b\n---\n".to_vec(), 2),
        ("yaml-scalar", b"---\njust some text\n---\n".to_vec(), 2),
        (
            "deep-nesting",
            format!("---\ntitle: {}\n---\n", "[".repeat(100_000)).into_bytes(),
            2,
        ),
        ("only-delimiters", b"---\n---\n".to_vec(), 1),
        (
            // An anchored list of 1,000 strings aliased 50,000 times expands to 50 million
            // strings (gigabytes; an allocation abort): refused at the anchor, never expanded.
            "alias-bomb",
            format!(
                "---\ntitle: \"Bomb\"\nskills: &a [{}]\nteaser: [{}]\n---\n",
                "\"x\",".repeat(1_000),
                "*a,".repeat(50_000)
            )
            .into_bytes(),
            3,
        ),
    ];
    for (name, bytes, line) in hostile {
        add(opportunity(name), bytes, line);
    }
    add(
        "content/opportunities/notes.txt".into(),
        b"not an opportunity".to_vec(),
        1,
    );
    // The wiki page above has a second problem, on the next line.
    expected.push(("content/wiki/bad-front-matter.md".into(), 4));
    expected
}

#[test]
fn every_mistake_is_reported_at_its_file_and_line_in_one_run() {
    let root = site();
    let expected = add_mistakes(root.path());
    // Valid files in unusual encodings must pass.
    let mut bom = "\u{feff}".as_bytes().to_vec();
    bom.extend(fixture().bytes());
    write(root.path(), "content/opportunities/with-bom.md", bom);
    write(
        root.path(),
        "content/opportunities/with-crlf.md",
        fixture().replace('\n', "\r\n"),
    );

    let output = site_gen(root.path(), &["check"]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let missing: Vec<_> = expected
        .iter()
        .filter(|(file, line)| !stderr.contains(&format!("{file}:{line}:")))
        .collect();
    assert!(missing.is_empty(), "not reported: {missing:?}\n{stderr}");
    for valid in ["with-bom.md", "with-crlf.md"] {
        assert!(!stderr.contains(valid), "{valid} is valid\n{stderr}");
    }
    // Hints and snippets, like rustc.
    assert!(stderr.contains("did you mean `title`?"), "{stderr}");
    assert!(stderr.contains("did you mean `name`?"), "{stderr}");
    assert!(stderr.contains("did you mean `published`?"), "{stderr}");
    assert!(stderr.contains("reward: 80000"), "snippet\n{stderr}");
    assert!(stderr.contains("help:"), "{stderr}");
    assert!(
        stderr.contains("/wiki/how-to-submit/"),
        "link suggestion\n{stderr}"
    );
    assert!(
        stderr.lines().last().unwrap().contains("problems in"),
        "{stderr}"
    );
}

#[test]
fn github_format_prints_one_annotation_per_problem() {
    let root = site();
    let expected = add_mistakes(root.path());
    let output = site_gen(root.path(), &["check", "--format", "github"]);
    let stdout = text(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
    assert!(!text(&output.stderr).contains("panicked"));
    for line in stdout.lines() {
        let rest = line.strip_prefix("::error ").expect(line);
        let (properties, message) = rest.split_once("::").expect(line);
        let keys: Vec<_> = properties
            .split(',')
            .map(|p| p.split_once('=').expect(line).0)
            .collect();
        assert_eq!(keys, ["file", "line", "col", "title"], "{line}");
        assert!(!message.is_empty() && !message.contains('\n'), "{line}");
    }
    for (file, line) in &expected {
        let annotation = format!("::error file={file},line={line},");
        assert!(stdout.contains(&annotation), "no {annotation}\n{stdout}");
    }
}

#[test]
fn site_config_problems_point_at_their_keys() {
    let root = site();
    let config = root.path().join("content/site.yaml");
    let original = fs::read_to_string(&config).unwrap();
    let broken = original
        .lines()
        .map(|line| match line.split(':').next().unwrap_or("") {
            "base_url" => "base_url: \"http://codewithus.example.gov.bc.ca\"".to_owned(),
            "theme" => "theme: \"fancy\"".to_owned(),
            "github" => "githb: \"https://github.com/bcgov\"".to_owned(),
            _ => line.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    fs::write(&config, &broken).unwrap();
    let line_of = |key: &str| {
        broken
            .lines()
            .position(|line| line.starts_with(key))
            .unwrap()
            + 1
    };
    let output = site_gen(root.path(), &["check"]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    // The misspelt key first; the other rules are checked once the file deserializes.
    assert!(
        stderr.contains(&format!("content/site.yaml:{}:", line_of("githb"))),
        "{stderr}"
    );
    assert!(stderr.contains("did you mean `github`?"), "{stderr}");

    fs::write(&config, broken.replace("githb", "github")).unwrap();
    let stderr = text(&site_gen(root.path(), &["check"]).stderr);
    for key in ["base_url", "theme"] {
        assert!(
            stderr.contains(&format!("content/site.yaml:{}:", line_of(key))),
            "{key}\n{stderr}"
        );
    }
    assert!(stderr.contains("use one of `default`"), "{stderr}");
}

#[test]
fn skills_that_would_share_a_page_are_reported_across_files() {
    let root = site();
    let skills = "skills: [TypeScript, Accessibility, Web Components]";
    for (name, list) in [
        ("c-plus-plus", "skills: [C++, Node.js]"),
        ("c-sharp", "skills: [C#, c++]"),
        ("plain-c", "skills: [C, Node js]"),
    ] {
        write(
            root.path(),
            &format!("content/opportunities/{name}.md"),
            with(skills, list),
        );
    }
    let output = site_gen(root.path(), &["check"]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("`Node js` and `Node.js`")
            && stderr.contains("/opportunities/skills/node-js/"),
        "{stderr}"
    );
    assert_eq!(stderr.matches("would share").count(), 1, "{stderr}");
}

#[test]
fn links_to_drafts_are_broken_unless_drafts_are_built() {
    let root = site();
    write(
        root.path(),
        "content/opportunities/secret-draft.md",
        with("status: published", "status: draft"),
    );
    write(
        root.path(),
        "content/wiki/teaser.md",
        "---\ntitle: \"Coming soon\"\n---\nSee [the next one](/opportunities/secret-draft/).\n",
    );
    let output = site_gen(root.path(), &["check"]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("content/wiki/teaser.md:4:"), "{stderr}");
    assert!(stderr.contains("draft"), "{stderr}");
    let output = site_gen(root.path(), &["check", "--drafts"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
}

#[test]
fn the_repository_content_passes() {
    let content = repo().join("content");
    let opportunities = fs::read_dir(content.join("opportunities"))
        .map(|dir| dir.count())
        .unwrap_or(0);
    assert!(
        opportunities > 0,
        "the repository has example opportunities"
    );
    let output = site_gen(&repo(), &["check"]);
    let stdout = text(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert_eq!(stdout.lines().count(), 1, "one summary line: {stdout}");
    assert!(
        stdout.contains(&format!("{opportunities} opportunities")),
        "every opportunity file was read: {stdout}"
    );
    assert!(
        output.stderr.is_empty(),
        "no warnings: {}",
        text(&output.stderr)
    );
}

#[test]
fn the_publishing_reference_lists_every_field() {
    let page = fs::read_to_string(repo().join("content/wiki/how-to-publish.md")).unwrap();
    let mut rows = page
        .lines()
        .skip_while(|line| !line.starts_with("| Field |"));
    rows.next();
    let documented: std::collections::BTreeSet<String> = rows
        .take_while(|line| line.starts_with('|'))
        .filter_map(|row| {
            let cell = row.trim_start_matches('|').split('|').next()?.trim();
            Some(cell.strip_prefix('`')?.strip_suffix('`')?.to_owned())
        })
        .collect();
    let schema: std::collections::BTreeSet<String> = cwu_domain::opportunity::FIELDS
        .iter()
        .chain(cwu_domain::opportunity::NESTED_FIELDS)
        .map(|field| field.to_string())
        .collect();
    assert_eq!(
        documented, schema,
        "the reference table in content/wiki/how-to-publish.md and the schema differ"
    );
}

#[test]
fn the_publishing_reference_is_the_field_table() {
    let page = fs::read_to_string(repo().join("content/wiki/how-to-publish.md")).unwrap();
    let documented: Vec<&str> = page
        .lines()
        .skip_while(|line| !line.starts_with("| Field |"))
        .skip(2)
        .take_while(|line| line.starts_with('|'))
        .collect();
    let table: Vec<String> = cwu_domain::opportunity::FIELD_TABLE
        .iter()
        .map(|field| field.reference_row())
        .collect();
    assert_eq!(
        documented, table,
        "the reference table in content/wiki/how-to-publish.md differs from the field table \
         (site-gen/domain/src/opportunity/fields.rs): copy the rows from there"
    );
}

/// What a product owner would write in place of each placeholder line of the template.
fn fill_in(template: &str) -> String {
    template
        .lines()
        .map(|line| {
            if !line.contains("TODO") || line.trim_start().starts_with('#') {
                return line.to_owned();
            }
            let key = line.trim_start().split(':').next().unwrap_or("");
            let value = match key {
                "title" => "\"Permit status API\"",
                "teaser" => "\"Build a small read-only API.\"",
                "organization" => "\"Ministry of Forests\"",
                "name" => "\"Priya Sandhu\"",
                "email" => "\"priya.sandhu@example.gov.bc.ca\"",
                "reward" => "42000",
                "location" => "\"Victoria, BC\"",
                "remote" => "true",
                "remote_details" => "\"Fully remote within Canada.\"",
                "skills" => "[Rust, PostgreSQL]",
                "published" => "2027-01-20",
                "proposal_deadline" => "2027-03-12",
                "assignment_date" => "2027-03-19",
                "start_date" => "2027-03-22",
                "completion_date" => "2027-05-28",
                "repository" => "\"https://github.com/bcgov-example/permit-status\"",
                "questions" => "\"https://github.com/bcgov-example/permit-status/issues/1\"",
                "- { criterion" => {
                    return "  - { criterion: \"Approach\", points: 50 }".to_owned();
                }
                _ if key.starts_with("- ") => return "  - \"A real entry\"".to_owned(),
                _ => return "Real text about the work.".to_owned(),
            };
            let indent = &line[..line.len() - line.trim_start().len()];
            format!("{indent}{key}: {value}")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn new_opportunity_template_fails_until_filled_in() {
    let root = site();
    let output = site_gen(root.path(), &["new", "opportunity", "permit-status-v2"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let file = root
        .path()
        .join("content/opportunities/permit-status-v2.md");
    let template = fs::read_to_string(&file).unwrap();

    // Placeholders are rejected, each at its line.
    let output = site_gen(root.path(), &["check"]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    for (index, line) in template.lines().enumerate() {
        if line.contains("TODO") && !line.trim_start().starts_with('#') && line.contains(':') {
            let at = format!("content/opportunities/permit-status-v2.md:{}:", index + 1);
            assert!(stderr.contains(&at), "{at} not reported\n{stderr}");
        }
    }
    assert!(stderr.contains("placeholder"), "{stderr}");

    // Filled in, it passes.
    fs::write(&file, fill_in(&template)).unwrap();
    let output = site_gen(root.path(), &["check"]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}\n{}",
        text(&output.stderr),
        fill_in(&template)
    );

    // It never overwrites, and refuses bad slugs.
    let again = site_gen(root.path(), &["new", "opportunity", "permit-status-v2"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(text(&again.stderr).contains("already exists"));
    let bad = site_gen(root.path(), &["new", "opportunity", "Permit Status"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        text(&bad.stderr).contains("permit-status.md"),
        "{}",
        text(&bad.stderr)
    );
}

/// A file outside `content/` that links in the content or theme must never reveal.
const SECRET: &str = "ACTIONS_ID_TOKEN_REQUEST_TOKEN=hunter2";

#[test]
fn hostile_files_cannot_crash_hang_or_leak() {
    let root = site();
    let secret = root.path().join("environ");
    write(root.path(), "environ", SECRET);
    // A broken link after a line longer than 65,535 columns (the snippet renderer panicked).
    let long = format!("{} [here](/nowhere/)", "x".repeat(70_000));
    write(
        root.path(),
        "content/wiki/long.md",
        format!("---\ntitle: \"Long\"\n---\n{long}\n"),
    );
    // 2,500 broken links on one line: one capped report, not hundreds of megabytes.
    let many = "[a](/gone/) ".repeat(2_500);
    write(
        root.path(),
        "content/wiki/many.md",
        format!("---\ntitle: \"Many\"\n---\n{many}\n"),
    );
    // A FIFO hung `check` and `build`; links were followed and their target printed.
    for fifo in ["content/opportunities/pipe.md", "content/wiki/pipe.md"] {
        let made = Command::new("mkfifo").arg(root.path().join(fifo)).status();
        assert!(made.unwrap().success());
    }
    for link in [
        "content/index.md",
        "content/site.yaml",
        "content/wiki/leak.md",
        "content/opportunities/leak.md",
    ] {
        let _ = fs::remove_file(root.path().join(link));
        std::os::unix::fs::symlink(&secret, root.path().join(link)).unwrap();
    }

    let output = site_gen(root.path(), &["check"]);
    let stderr = text(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        &stderr[..stderr.len().min(5_000)]
    );
    assert!(stderr.len() < 200_000, "{} bytes of problems", stderr.len());
    assert!(!stderr.contains("hunter2"), "a link's target was printed");
    assert!(stderr.contains("content/wiki/long.md:4:70002"), "{stderr}");
    assert!(stderr.contains("more than 50 problems"), "{stderr}");
    assert_eq!(stderr.matches("not a regular file").count(), 2, "{stderr}");
    assert_eq!(
        stderr.matches("this is a symbolic link").count(),
        4,
        "{stderr}"
    );
    let github = text(&site_gen(root.path(), &["check", "--format", "github"]).stdout);
    assert!(!github.contains("hunter2"));
}

#[test]
fn build_never_publishes_what_a_theme_link_points_at() {
    let root = site();
    write(root.path(), "environ", SECRET);
    std::os::unix::fs::symlink(
        root.path().join("environ"),
        root.path().join("themes/default/static/environ"),
    )
    .unwrap();
    let output = site_gen(root.path(), &["build"]);
    let stderr = text(&output.stderr);
    assert_ne!(output.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("not a regular file"), "{stderr}");
    assert!(!root.path().join("public/environ").exists());
}
