//! Steps a person takes on the site, shared by the journeys and the gates: filtering the board,
//! filling in and sending the proposal form.

use super::browser::Browser;
use fantoccini::Locator;
use fantoccini::elements::Element;
use serde_json::json;
use std::time::{Duration, Instant};

/// What a form submission is meant to produce.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// A complete, valid proposal: 303 to the receipt page.
    Accepted,
    /// A proposal with mistakes (browser checks switched off so the server sees them): 422.
    Mistakes,
    /// A valid proposal for this closed opportunity (as from a stale page): 410.
    Closed(String),
}

/// The proposal text every test submits (it must appear in the owner's email).
pub const PROPOSAL_TEXT: &str = "I have built three Rust web services in production.\n\
    Approach: axum, sqlx against the read-only replica, tests with a seeded database.";

/// The terms version from `content/site.yaml`.
pub fn terms_version() -> String {
    let config = std::fs::read_to_string(super::site::source_root().join("content/site.yaml"))
        .expect("content/site.yaml");
    config
        .lines()
        .find_map(|line| line.trim().strip_prefix("terms_version:"))
        .map(|value| value.trim().trim_matches(['"', '\'']).to_string())
        .expect("terms_version in content/site.yaml")
}

/// A complete, valid form body for opportunity `slug` from proponent `email`.
pub fn valid_fields(slug: &str, email: &str) -> Vec<(&'static str, String)> {
    vec![
        ("opportunity", slug.to_string()),
        ("proponent_type", "individual".to_string()),
        ("legal_name", "Alex Tremblay".to_string()),
        ("organization_name", String::new()),
        ("email", email.to_string()),
        ("phone", "+1 250 555 0100".to_string()),
        ("proposal", PROPOSAL_TEXT.to_string()),
        ("comments", "Available from March 22.".to_string()),
        ("accept_terms", "yes".to_string()),
        ("terms_version", terms_version()),
        ("website", String::new()),
    ]
}

/// Every `datetime="…"` on a page that is an instant (dates alone are skipped).
pub fn time_datetimes(html: &str) -> Vec<jiff::Timestamp> {
    html.split("datetime=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter_map(|value| value.parse::<jiff::Timestamp>().ok())
        .collect()
}

/// Chooses `skill` (an option value) and, when `remote`, "remote only" in the board's filters,
/// and returns the links of the cards still shown.
pub async fn filter_board(
    browser: &Browser,
    skill: &str,
    remote: bool,
) -> anyhow::Result<Vec<String>> {
    let client = browser.client();
    let select = client.find(Locator::Css("select[name=skill]")).await?;
    anyhow::ensure!(
        select.is_displayed().await?,
        "the board's skill filter is not shown with JavaScript on"
    );
    select.select_by_value(skill).await?;
    if remote {
        let checkbox = client.find(Locator::Css("input[name=remote]")).await?;
        if !checkbox.is_selected().await? {
            click(browser, &checkbox).await?;
        }
    }
    // Let the script react to the change events.
    tokio::time::sleep(Duration::from_millis(200)).await;
    visible_card_links(browser).await
}

/// Links to opportunity pages from the cards that are visible now.
pub async fn visible_card_links(browser: &Browser) -> anyhow::Result<Vec<String>> {
    let links = browser
        .eval(
            r#"return [...document.querySelectorAll('main a[href^="/opportunities/"]')]
                 .filter(a => /^\/opportunities\/[a-z0-9-]+\/$/.test(a.getAttribute('href')))
                 .filter(a => !a.closest('nav') && !a.closest('[hidden]') && a.offsetParent !== null)
                 .map(a => a.getAttribute('href'));"#,
            vec![],
        )
        .await?;
    let mut links: Vec<String> = serde_json::from_value(links)?;
    links.dedup();
    Ok(links)
}

/// Scrolls `element` to the middle of the viewport (clear of sticky headers and sidebars) and
/// clicks it, as a person would after scrolling to it.
pub async fn click(browser: &Browser, element: &Element) -> anyhow::Result<()> {
    browser
        .eval(
            "arguments[0].scrollIntoView({block: 'center', inline: 'center', behavior: 'instant'});",
            vec![serde_json::to_value(element)?],
        )
        .await?;
    if let Err(error) = element.click().await {
        let cover = browser
            .eval(
                "const r = arguments[0].getBoundingClientRect();
                 const at = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
                 return [r.left, r.top, r.width, r.height, innerWidth, innerHeight,
                         at ? at.outerHTML.slice(0, 300) : null];",
                vec![serde_json::to_value(element)?],
            )
            .await
            .unwrap_or_default();
        anyhow::bail!(
            "cannot click {}: {error:?}; [left, top, width, height, viewport width, height, element there]: {cover}",
            element
                .html(false)
                .await
                .unwrap_or_default()
                .chars()
                .take(200)
                .collect::<String>()
        );
    }
    Ok(())
}

/// Fills the proposal form on the current page field by field, as a person types.
pub async fn fill_form(browser: &Browser, email: &str) -> anyhow::Result<()> {
    let client = browser.client();
    let individual = client
        .find(Locator::Css("input[name=proponent_type][value=individual]"))
        .await?;
    click(browser, &individual).await?;
    for (name, value) in [
        ("legal_name", "Alex Tremblay"),
        ("email", email),
        ("phone", "+1 250 555 0100"),
        ("proposal", PROPOSAL_TEXT),
        ("comments", "Available from March 22."),
    ] {
        let field = client.find(Locator::Css(&format!("[name={name}]"))).await?;
        field.clear().await?;
        field.send_keys(value).await?;
    }
    let terms = client
        .find(Locator::Css("input[name=accept_terms]"))
        .await?;
    if !terms.is_selected().await? {
        click(browser, &terms).await?;
    }
    Ok(())
}

/// Fills the form on the current opportunity page for `outcome`, sends it with the submit
/// button and waits for the function's answer page.
pub async fn submit_in_browser(
    browser: &Browser,
    outcome: &Outcome,
    email: &str,
) -> anyhow::Result<()> {
    fill_form(browser, email).await?;
    match outcome {
        Outcome::Accepted => {}
        Outcome::Mistakes => {
            browser
                .eval(
                    "const f = document.querySelector('form[action$=\"/api/proposals\"]');
                     f.noValidate = true;
                     f.querySelector('[name=legal_name]').value = '';
                     f.querySelector('[name=email]').value = 'not-an-email';",
                    vec![],
                )
                .await?;
        }
        Outcome::Closed(slug) => {
            browser
                .eval(
                    "document.querySelector('input[name=opportunity]').value = arguments[0];",
                    vec![json!(slug)],
                )
                .await?;
        }
    }
    submit(browser).await
}

/// Clicks the form's submit button and waits until the browser shows a page under `/api/`.
pub async fn submit(browser: &Browser) -> anyhow::Result<()> {
    let button = browser
        .client()
        .find(Locator::Css("form[action$='/api/proposals'] [type=submit]"))
        .await?;
    click(browser, &button).await?;
    wait_for_path(browser, "/api/").await
}

/// Waits (up to 15 s) until the current path starts with `prefix` and the page has loaded.
pub async fn wait_for_path(browser: &Browser, prefix: &str) -> anyhow::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let path = browser.path().await?;
        let ready = browser
            .eval("return document.readyState;", vec![])
            .await
            .unwrap_or_default();
        if path.starts_with(prefix) && ready == json!("complete") {
            return Ok(());
        }
        anyhow::ensure!(
            Instant::now() < deadline,
            "still on {path} 15 s after submitting; expected a page under {prefix}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// After resubmitting from a page already under `/api/`, waits until the page changed to the
/// receipt (a page whose path differs from `before` or that shows no error summary).
pub async fn wait_for_receipt(browser: &Browser, before: &str) -> anyhow::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let path = browser.path().await?;
        if path != before {
            return wait_for_path(browser, "/api/").await;
        }
        anyhow::ensure!(
            Instant::now() < deadline,
            "still on {path} 15 s after resubmitting the corrected proposal:\n{}",
            browser.page_text().await.unwrap_or_default()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The path (and query) of an absolute `url`, as the test servers' HTTP client wants it.
pub fn path_of(url: &str) -> String {
    url.split_once("://")
        .and_then(|(_, rest)| rest.find('/').map(|at| rest[at..].to_owned()))
        .unwrap_or_else(|| url.to_owned())
}

/// Clicks the first element matching `css`, as [`click`] does.
pub async fn click_css(browser: &Browser, css: &str) -> anyhow::Result<()> {
    let element = browser.client().find(Locator::Css(css)).await?;
    click(browser, &element).await
}

/// Waits (up to 15 s) until the page text contains `text` (e.g. after a form post reloads the
/// same address).
pub async fn wait_for_text(browser: &Browser, text: &str) -> anyhow::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        if browser.page_text().await.unwrap_or_default().contains(text) {
            return Ok(());
        }
        anyhow::ensure!(
            Instant::now() < deadline,
            "the page never showed {text:?}:\n{}",
            browser.page_text().await.unwrap_or_default()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Loads `url` again until its text contains `text` (up to 30 s: `serve` rebuilds the site
/// after the outcomes file changes); the text of the page that did.
pub async fn reload_until_text(browser: &Browser, url: &str, text: &str) -> anyhow::Result<String> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        browser.goto(url).await?;
        let page = browser.page_text().await.unwrap_or_default();
        if page.contains(text) {
            return Ok(page);
        }
        anyhow::ensure!(
            Instant::now() < deadline,
            "the page never showed {text:?}:\n{page}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
