//! Email subscriptions in a real browser, JavaScript on and off, on `site-gen serve` with the
//! example site (issue 12): subscribe from the home page, the board or the footer → "check your
//! inbox" → the confirmation link from the outbox → confirmed → a Rust and a Python opportunity
//! added to `content/` → exactly one mail, for the Rust one → its manage link changes skills and
//! frequency → its unsubscribe link → unsubscribed → a matching opportunity → nothing more. With
//! JavaScript on, every subscription page also passes axe-core and the Nu HTML Checker.

use end_to_end::checks::{assert_none, axe, vnu};
use end_to_end::harness::browser::{Browser, Js};
use end_to_end::harness::journey::{self, click_css, path_of, wait_for_text};
use end_to_end::harness::mail::{Mail, read_outbox, wait_for_mail};
use end_to_end::harness::server::Server;
use end_to_end::harness::site::Site;
use end_to_end::harness::{artifact_dir, http};
use fantoccini::Locator;
use std::path::Path;
use std::time::{Duration, Instant};

/// The home page's and the board's form, and the one in every page's footer.
const PAGE_FORM: &str = "form.subscribe[aria-labelledby='page-subscribe-title']";
const FOOTER_FORM: &str = "form.subscribe[aria-labelledby='footer-subscribe-title']";

/// The link in `mail`'s text whose address contains `path`.
fn link(mail: &Mail, path: &str) -> String {
    mail.text
        .split_whitespace()
        .map(|word| word.trim_matches(|c| c == '<' || c == '>'))
        .find(|word| word.starts_with("http://") && word.contains(path))
        .unwrap_or_else(|| panic!("no link to {path} in:\n{}", mail.text))
        .to_owned()
}

async fn type_into(browser: &Browser, css: &str, text: &str) -> anyhow::Result<()> {
    let field = browser.client().find(Locator::Css(css)).await?;
    field.clear().await?;
    field.send_keys(text).await?;
    Ok(())
}

/// Adds an open opportunity needing only `skill` to the served site's `content/` (a copy of
/// the example's open Rust opportunity), and waits until serve has published it.
async fn add_opportunity(
    server: &Server,
    slug: &str,
    title: &str,
    skill: &str,
) -> anyhow::Result<()> {
    let content = server.site().root().join("content/opportunities");
    let template = std::fs::read_to_string(content.join("permit-status-api.md"))?;
    let text: String = template
        .lines()
        .filter(|line| !line.starts_with("published:"))
        .map(|line| {
            if line.starts_with("title:") {
                format!("title: \"{title}\"")
            } else if line.starts_with("skills:") {
                format!("skills: [{skill}]")
            } else {
                line.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(content.join(format!("{slug}.md")), text + "\n")?;
    let page = format!("/opportunities/{slug}/");
    let deadline = Instant::now() + Duration::from_secs(30);
    while !matches!(http::get(server.port(), &page), Ok(r) if r.status == 200) {
        anyhow::ensure!(
            Instant::now() < deadline,
            "{page} never appeared:\n{}",
            server.log()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(())
}

/// The mails to `email` once the outbox has been quiet for a while (the notifier runs after
/// the rebuild, then sends).
async fn settled_mail(outbox: &Path, email: &str, at_least: usize) -> anyhow::Result<Vec<Mail>> {
    wait_for_mail(outbox, &[email], at_least).await?;
    tokio::time::sleep(Duration::from_secs(2)).await;
    Ok(read_outbox(outbox)?
        .into_iter()
        .filter(|mail| mail.is_to(email))
        .collect())
}

/// Saves the page at `url` as served (GET), for the Nu HTML Checker.
fn save(dir: &Path, name: &str, server: &Server, url: &str) -> anyhow::Result<()> {
    let response = http::get(server.port(), &path_of(url))?;
    anyhow::ensure!(response.status == 200, "{name}: {}", response.status);
    std::fs::write(dir.join(format!("{name}.html")), &response.body)?;
    Ok(())
}

/// axe-core on the current page, with JavaScript on (axe needs it).
async fn gate(
    checked: bool,
    problems: &mut Vec<String>,
    browser: &Browser,
    name: &str,
) -> anyhow::Result<()> {
    if checked {
        problems.extend(axe::violations(browser, name).await?);
    }
    Ok(())
}

async fn journey(js: Js, page: &str, form: &str, who: &str) -> anyhow::Result<()> {
    let checked = js == Js::Enabled;
    let pages = artifact_dir("e2e").join(format!("subscribe-pages-{js:?}"));
    let _ = std::fs::remove_dir_all(&pages);
    std::fs::create_dir_all(&pages)?;
    let mut problems = Vec::new();

    let server = Server::start(Site::copy_of_repo())?;
    let outbox = server.site().outbox();
    let browser = Browser::start(js).await?;
    let email = format!("{who}@example.com");

    // Subscribe: Rust only, each new opportunity.
    browser.goto(&server.url(page)).await?;
    type_into(&browser, &format!("{form} [name=email]"), &email).await?;
    type_into(&browser, &format!("{form} [name=skills]"), "Rust").await?;
    click_css(
        &browser,
        &format!("{form} [name=frequency][value=immediate]"),
    )
    .await?;
    click_css(&browser, &format!("{form} [type=submit]")).await?;
    journey::wait_for_path(&browser, "/api/subscriptions").await?;
    wait_for_text(&browser, "Check your inbox").await?;
    assert!(
        !browser.page_text().await?.contains(&email),
        "no address on the page"
    );
    gate(checked, &mut problems, &browser, "check your inbox").await?;
    if checked {
        let fields = [("email", "vnu@example.com"), ("frequency", "immediate")];
        let answer = http::post_form(server.port(), "/api/subscriptions", &fields)?;
        anyhow::ensure!(answer.status == 200, "check your inbox: {}", answer.status);
        std::fs::write(pages.join("check-inbox.html"), &answer.body)?;
    }

    // The confirmation link: a page with a button (mail scanners confirm nothing), then confirmed.
    let mails = wait_for_mail(&outbox, &[&email], 1).await?;
    assert_eq!(mails.len(), 1, "one confirmation mail: {mails:?}");
    let confirm = link(&mails[0], "/api/subscriptions/confirm?t=");
    browser.goto(&confirm).await?;
    wait_for_text(&browser, "Confirm your request").await?;
    gate(checked, &mut problems, &browser, "confirm page").await?;
    save(&pages, "confirm", &server, &confirm)?;
    click_css(&browser, "main form [type=submit]").await?;
    wait_for_text(&browser, "You are subscribed to new opportunities").await?;
    gate(checked, &mut problems, &browser, "confirmed").await?;

    // A Rust and a Python opportunity: exactly one mail, for the Rust one.
    add_opportunity(&server, "rust-subscribe-test", "Rust mail test", "Rust").await?;
    add_opportunity(
        &server,
        "python-subscribe-test",
        "Python mail test",
        "Python",
    )
    .await?;
    let mails = settled_mail(&outbox, &email, 2).await?;
    assert_eq!(mails.len(), 2, "confirmation + one notice: {mails:#?}");
    let news = &mails[1];
    assert_eq!(news.subject, "New opportunity: Rust mail test");

    // Its manage link: now Python, weekly.
    let manage = link(news, "/api/subscriptions/manage?t=");
    browser.goto(&manage).await?;
    gate(checked, &mut problems, &browser, "manage page").await?;
    save(&pages, "manage", &server, &manage)?;
    type_into(&browser, "main form [name=skills]", "Python").await?;
    click_css(&browser, "main form [name=frequency][value=weekly]").await?;
    click_css(&browser, "main form [type=submit]").await?;
    wait_for_text(
        &browser,
        "You will hear about new opportunities needing Python",
    )
    .await?;
    gate(checked, &mut problems, &browser, "manage saved").await?;
    browser.goto(&manage).await?;
    let skills = browser
        .client()
        .find(Locator::Css("main form [name=skills]"))
        .await?
        .prop("value")
        .await?;
    assert_eq!(skills.as_deref(), Some("Python"));
    let weekly = browser
        .client()
        .find(Locator::Css("main form [name=frequency][value=weekly]"))
        .await?;
    assert!(weekly.is_selected().await?, "weekly is kept");

    // Its unsubscribe link: a button, then nothing more, even for a matching opportunity.
    let unsubscribe = link(news, "/api/subscriptions/unsubscribe?t=");
    browser.goto(&unsubscribe).await?;
    gate(checked, &mut problems, &browser, "unsubscribe page").await?;
    save(&pages, "unsubscribe", &server, &unsubscribe)?;
    click_css(&browser, "main form [type=submit]").await?;
    wait_for_text(&browser, "You will get no more of these mails").await?;
    gate(checked, &mut problems, &browser, "unsubscribed").await?;
    add_opportunity(
        &server,
        "python-after-leaving",
        "Python after leaving",
        "Python",
    )
    .await?;
    let mails = settled_mail(&outbox, &email, 2).await?;
    assert_eq!(mails.len(), 2, "nothing after unsubscribing: {mails:#?}");

    browser.quit().await?;
    if checked {
        problems.extend(vnu::errors(&[&pages])?);
    }
    assert_none("subscription pages: axe and Nu HTML Checker", &problems);
    Ok(())
}

#[tokio::test]
async fn subscribe_on_the_home_page_to_unsubscribe_with_javascript() -> anyhow::Result<()> {
    journey(Js::Enabled, "/", PAGE_FORM, "home").await
}

#[tokio::test]
async fn subscribe_on_the_board_to_unsubscribe_without_javascript() -> anyhow::Result<()> {
    journey(Js::Disabled, "/opportunities/", PAGE_FORM, "board").await
}

#[tokio::test]
async fn subscribe_in_the_footer_to_unsubscribe_without_javascript() -> anyhow::Result<()> {
    journey(Js::Disabled, "/wiki/", FOOTER_FORM, "footer").await
}
