//! The opportunity board's filters as readers use them: on a desktop (1280 px) and a phone
//! (375 px), with and without JavaScript. Without a script the form's own inputs filter the cards
//! through CSS `:has()`; with one, board.js adds search, shareable addresses and suggestions.
//!
//! What a filter should show is computed from the built pages, not from the board's own markup:
//! "Open" means every opportunity whose page carries the proposal form.

use end_to_end::harness::browser::{Browser, DESKTOP, Js};
use end_to_end::harness::journey::{self, visible_card_links};
use end_to_end::harness::server::Server;
use end_to_end::harness::site::Site;
use fantoccini::Locator;
use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use serde_json::json;
use std::collections::BTreeSet;
use std::time::Duration;

/// The phone width the issue names.
const PHONE: (u32, u32) = (375, 812);

/// One card as the built board describes it.
#[derive(Debug, Clone)]
struct Card {
    link: String,
    status: String,
    skills: Vec<String>,
    remote: bool,
    reward: u32,
}

/// The cards of the built board, read from its HTML.
fn board_cards(site: &Site) -> Vec<Card> {
    let html = std::fs::read_to_string(site.public().join("opportunities/index.html"))
        .expect("the built board");
    let attr = |tag: &str, name: &str| -> String {
        tag.split(&format!(" {name}=\""))
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_default()
            .to_string()
    };
    html.split("<li class=\"card\"")
        .skip(1)
        .map(|rest| {
            let tag = rest.split('>').next().unwrap_or_default();
            let link = rest
                .split("<a href=\"")
                .nth(1)
                .and_then(|r| r.split('"').next())
                .unwrap_or_default()
                .to_string();
            Card {
                link,
                status: attr(tag, "data-status"),
                skills: attr(tag, "data-skills")
                    .split_whitespace()
                    .map(str::to_string)
                    .collect(),
                remote: attr(tag, "data-remote") == "yes",
                reward: attr(tag, "data-reward").parse().unwrap_or(0),
            }
        })
        .collect()
}

fn links(cards: impl IntoIterator<Item = Card>) -> BTreeSet<String> {
    cards.into_iter().map(|card| card.link).collect()
}

/// Links of the opportunities whose pages accept proposals (the form is there).
fn accepting(site: &Site) -> BTreeSet<String> {
    site.open_and_closed()
        .0
        .into_iter()
        .map(|slug| format!("/opportunities/{slug}/"))
        .collect()
}

async fn shown(browser: &Browser) -> anyhow::Result<BTreeSet<String>> {
    Ok(visible_card_links(browser).await?.into_iter().collect())
}

/// Opens the folded filter panel if it is folded (phones), as a person taps "Filter opportunities".
async fn unfold_filters(browser: &Browser) -> anyhow::Result<()> {
    if !displayed(browser, "select[name=status]").await? {
        let summary = browser
            .client()
            .find(Locator::Css("#filters-panel > summary"))
            .await?;
        journey::click(browser, &summary).await?;
    }
    anyhow::ensure!(
        displayed(browser, "select[name=status]").await?,
        "the status filter is not shown after unfolding the filters"
    );
    Ok(())
}

/// Moves the keyboard focus to the element matching `css`.
async fn focus(browser: &Browser, css: &str) -> anyhow::Result<()> {
    browser
        .eval(
            "document.querySelector(arguments[0]).focus();",
            vec![json!(css)],
        )
        .await?;
    Ok(())
}

/// Types `text` on the keyboard, into whatever has the focus.
async fn type_keys(browser: &Browser, text: &str) -> anyhow::Result<()> {
    let mut keys = KeyActions::new("keyboard".into());
    for c in text.chars() {
        keys = keys
            .then(KeyAction::Down { value: c })
            .then(KeyAction::Up { value: c });
    }
    browser.client().perform_actions(keys).await?;
    tokio::time::sleep(Duration::from_millis(150)).await;
    Ok(())
}

/// Chooses the option `value` of the select `name` as a keyboard user does: focus it and type
/// the start of the option's label. (Pointer clicks on the desktop's filters would be refused by
/// WebDriver, which takes the open-by-CSS `<details>` for closed; see [`displayed`].)
async fn choose(browser: &Browser, name: &str, value: &str) -> anyhow::Result<()> {
    let css = format!("select[name={name}]");
    let label = browser
        .eval(
            "const s = document.querySelector(arguments[0]);
             const o = [...s.options].find(o => o.value === arguments[1]);
             return o ? o.text : null;",
            vec![json!(css), json!(value)],
        )
        .await?;
    let label = label
        .as_str()
        .ok_or_else(|| anyhow::anyhow!("{css} has no option {value:?}"))?
        .to_string();
    focus(browser, &css).await?;
    // The first word is enough, and a space could open the list instead of typing.
    type_keys(browser, label.split(' ').next().unwrap_or_default()).await?;
    // Leave the select so its typeahead buffer does not join the next one.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let chosen = browser
        .eval(
            "return document.querySelector(arguments[0]).value;",
            vec![json!(css)],
        )
        .await?;
    anyhow::ensure!(
        chosen == json!(value),
        "typing {label:?} in {css} chose {chosen}, not {value:?}"
    );
    Ok(())
}

async fn tick_remote(browser: &Browser) -> anyhow::Result<()> {
    focus(browser, "input[name=remote]").await?;
    type_keys(browser, " ").await
}

async fn clear_filters(browser: &Browser) -> anyhow::Result<()> {
    focus(browser, "#filters button[type=reset]").await?;
    type_keys(browser, "\u{E007}").await // Enter
}

/// Whether an element matching `css` is rendered and visible. (WebDriver's own "is displayed"
/// takes every child of a closed `<details>` for hidden, even where CSS shows the content, as
/// the board does on wide screens; `checkVisibility` asks the browser's rendering.)
async fn displayed(browser: &Browser, css: &str) -> anyhow::Result<bool> {
    let visible = browser
        .eval(
            "const el = document.querySelector(arguments[0]);
             return !!el && el.checkVisibility({ contentVisibilityAuto: true, visibilityProperty: true });",
            vec![json!(css)],
        )
        .await?;
    Ok(visible == json!(true))
}

/// The filters every journey tries, with what each must show.
async fn filters_show_what_they_say(
    browser: &Browser,
    server: &Server,
    label: &str,
) -> anyhow::Result<()> {
    let site = server.site();
    let cards = board_cards(site);
    let everything = links(cards.clone());
    unfold_filters(browser).await?;

    // "Open" is every opportunity that accepts proposals, closing soon included.
    choose(browser, "status", "open").await?;
    let open = accepting(site);
    assert!(
        cards
            .iter()
            .any(|c| c.status == "closing-soon" && open.contains(&c.link)),
        "the example content should have an opportunity closing soon"
    );
    assert_eq!(shown(browser).await?, open, "{label}: Open");
    choose(browser, "skill", "python").await?;
    let open_python: BTreeSet<String> = links(
        cards
            .iter()
            .filter(|c| open.contains(&c.link) && c.skills.iter().any(|s| s == "python"))
            .cloned(),
    );
    assert!(
        !open_python.is_empty(),
        "an open Python opportunity is in the example content"
    );
    assert_eq!(shown(browser).await?, open_python, "{label}: Open + Python");
    clear_filters(browser).await?;
    assert_eq!(shown(browser).await?, everything, "{label}: cleared");

    // Skill, remote and reward together.
    choose(browser, "skill", "rust").await?;
    tick_remote(browser).await?;
    choose(browser, "min", "30000").await?;
    let expected = links(
        cards
            .iter()
            .filter(|c| c.skills.iter().any(|s| s == "rust") && c.remote && c.reward >= 30_000)
            .cloned(),
    );
    assert!(!expected.is_empty() && expected.len() < everything.len());
    assert_eq!(
        shown(browser).await?,
        expected,
        "{label}: Rust + remote + from $30,000"
    );
    choose(browser, "min", "").await?;
    choose(browser, "max", "30000").await?;
    let expected = links(
        cards
            .iter()
            .filter(|c| c.skills.iter().any(|s| s == "rust") && c.remote && c.reward <= 30_000)
            .cloned(),
    );
    assert_eq!(
        shown(browser).await?,
        expected,
        "{label}: Rust + remote + up to $30,000"
    );
    clear_filters(browser).await?;

    // Nothing matches: the page says what to loosen.
    choose(browser, "status", "cancelled").await?;
    choose(browser, "skill", "rust").await?;
    assert!(
        shown(browser).await?.is_empty(),
        "{label}: no cancelled Rust opportunity"
    );
    assert!(
        displayed(browser, "#filter-loosen").await?,
        "{label}: an empty result must suggest what to loosen"
    );
    let advice = browser
        .client()
        .find(Locator::Css("#filter-loosen"))
        .await?;
    let text = advice.text().await?;
    assert!(
        text.contains("Status") && text.contains("Skill"),
        "{label}: the advice should name the status and skill filters: {text:?}"
    );
    clear_filters(browser).await?;
    assert_eq!(shown(browser).await?, everything);
    Ok(())
}

/// On a phone the filters start folded so the first card shows on the first screen.
async fn phone_first_screen_shows_a_card(browser: &Browser, label: &str) -> anyhow::Result<()> {
    let report = browser
        .eval(
            r#"const card = document.querySelector('.board .card');
               const select = document.querySelector('select[name=status]');
               return { cardTop: card.getBoundingClientRect().top, height: innerHeight,
                        selectShown: select.checkVisibility({ contentVisibilityAuto: true }) };"#,
            vec![],
        )
        .await?;
    assert_eq!(
        report["selectShown"],
        json!(false),
        "{label}: the filters should start folded at 375 px: {report}"
    );
    let top = report["cardTop"].as_f64().unwrap_or(f64::MAX);
    let height = report["height"].as_f64().unwrap_or(0.0);
    assert!(
        top < height - 60.0,
        "{label}: no card starts on the first screen at 375 px: {report}"
    );
    Ok(())
}

async fn board_at(js: Js, size: (u32, u32)) -> anyhow::Result<(Server, Browser)> {
    let server = Server::start(Site::copy_of_repo())?;
    let browser = Browser::start(js).await?;
    browser.client().set_window_size(size.0, size.1).await?;
    browser.goto(&server.url("/opportunities/")).await?;
    Ok((server, browser))
}

#[tokio::test]
async fn desktop_with_javascript() -> anyhow::Result<()> {
    let (server, browser) = board_at(Js::Enabled, DESKTOP).await?;
    assert!(displayed(&browser, "select[name=skill]").await?);
    filters_show_what_they_say(&browser, &server, "1280 px, JavaScript").await?;
    addresses_apply_filters_or_say_they_cannot(&browser, &server).await?;
    time_left_follows_the_clock(&browser, &server).await?;
    browser.quit().await
}

#[tokio::test]
async fn desktop_without_javascript() -> anyhow::Result<()> {
    let (server, browser) = board_at(Js::Disabled, DESKTOP).await?;
    assert!(
        displayed(&browser, "select[name=skill]").await?,
        "the filters must show without JavaScript, unfolded on a desktop"
    );
    assert!(
        !displayed(&browser, "input[name=q]").await?,
        "text search needs the script: it must not show without it"
    );
    filters_show_what_they_say(&browser, &server, "1280 px, no JavaScript").await?;

    // A shared link's filter cannot be read without a script: the page must not claim it.
    browser
        .goto(&server.url("/opportunities/?skill=rust"))
        .await?;
    let skill = browser
        .eval(
            "return document.querySelector('select[name=skill]').value;",
            vec![],
        )
        .await?;
    assert_eq!(
        skill,
        json!(""),
        "without JavaScript the skill filter shows “Any skill”"
    );
    assert_eq!(
        shown(&browser).await?,
        links(board_cards(server.site())),
        "and every card is shown, as the filter says"
    );
    time_left_is_the_builds(&browser, &server).await?;
    browser.quit().await
}

#[tokio::test]
async fn phone_with_javascript() -> anyhow::Result<()> {
    let (server, browser) = board_at(Js::Enabled, PHONE).await?;
    phone_first_screen_shows_a_card(&browser, "375 px, JavaScript").await?;
    filters_show_what_they_say(&browser, &server, "375 px, JavaScript").await?;
    browser.quit().await
}

#[tokio::test]
async fn phone_without_javascript() -> anyhow::Result<()> {
    let (server, browser) = board_at(Js::Disabled, PHONE).await?;
    phone_first_screen_shows_a_card(&browser, "375 px, no JavaScript").await?;
    filters_show_what_they_say(&browser, &server, "375 px, no JavaScript").await?;
    browser.quit().await
}

/// `?skill=Rust` and `?skill=rust` are the same filter; a value no option has is reported and
/// dropped, never shown as applied.
async fn addresses_apply_filters_or_say_they_cannot(
    browser: &Browser,
    server: &Server,
) -> anyhow::Result<()> {
    let cards = board_cards(server.site());
    let rust = links(
        cards
            .iter()
            .filter(|c| c.skills.iter().any(|s| s == "rust"))
            .cloned(),
    );
    for query in ["?skill=rust", "?skill=Rust", "?skill=RUST"] {
        browser
            .goto(&server.url(&format!("/opportunities/{query}")))
            .await?;
        assert_eq!(shown(browser).await?, rust, "{query}");
        let value = browser
            .eval(
                "return document.querySelector('select[name=skill]').value;",
                vec![],
            )
            .await?;
        assert_eq!(value, json!("rust"), "{query}: the skill filter shows Rust");
    }
    browser
        .goto(&server.url("/opportunities/?status=OPEN&skill=Python"))
        .await?;
    let open_python = links(
        cards
            .iter()
            .filter(|c| {
                accepting(server.site()).contains(&c.link) && c.skills.iter().any(|s| s == "python")
            })
            .cloned(),
    );
    assert_eq!(
        shown(browser).await?,
        open_python,
        "?status=OPEN&skill=Python"
    );

    browser
        .goto(&server.url("/opportunities/?skill=Cobol"))
        .await?;
    assert_eq!(
        shown(browser).await?,
        links(cards.clone()),
        "an unknown skill filters nothing"
    );
    let notice = browser
        .client()
        .find(Locator::Css("#filter-notice"))
        .await?;
    assert!(
        displayed(browser, "#filter-notice").await?,
        "the ignored filter is reported"
    );
    assert!(notice.text().await?.contains("Cobol"));
    let search = browser.eval("return location.search;", vec![]).await?;
    assert_eq!(
        search,
        json!(""),
        "the address no longer claims the ignored filter"
    );
    Ok(())
}

/// The "time left" the build wrote, then (with JavaScript) kept current by the reader's clock.
async fn time_lefts(browser: &Browser) -> anyhow::Result<Vec<(String, String)>> {
    let found = browser
        .eval(
            r#"return [...document.querySelectorAll('[data-time-left]')]
                 .map(e => [e.getAttribute('data-time-left'), e.textContent.trim()]);"#,
            vec![],
        )
        .await?;
    Ok(serde_json::from_value(found)?)
}

/// The live wording `time-left.js` keeps for the time from `now` to `deadline`
/// (cwu_domain::when::time_left).
fn expected_time_left(now: jiff::Timestamp, deadline: &str) -> String {
    let deadline: jiff::Timestamp = deadline.parse().expect("an RFC 3339 deadline");
    cwu_domain::when::time_left(now, deadline)
        .unwrap_or_else(|| "the deadline has passed".to_string())
}

async fn time_left_follows_the_clock(browser: &Browser, server: &Server) -> anyhow::Result<()> {
    browser.goto(&server.url("/opportunities/")).await?;
    let now = jiff::Timestamp::now();
    let found = time_lefts(browser).await?;
    assert!(!found.is_empty(), "the board shows time left");
    for (deadline, text) in found {
        let near = [now, now + jiff::SignedDuration::from_secs(60)];
        assert!(
            near.iter()
                .any(|t| expected_time_left(*t, &deadline) == text),
            "with JavaScript the time left to {deadline} should follow the clock ({}), not the build: {text:?}",
            expected_time_left(now, &deadline)
        );
    }
    Ok(())
}

/// Without JavaScript the build's text stays: whole days (hours in the last day), so that an
/// hourly rebuild does not rewrite the page (cwu_domain::when::time_left_static).
async fn time_left_is_the_builds(browser: &Browser, server: &Server) -> anyhow::Result<()> {
    browser.goto(&server.url("/opportunities/")).await?;
    let built: jiff::Timestamp = end_to_end::harness::NOW.parse()?;
    let found = time_lefts(browser).await?;
    assert!(!found.is_empty());
    for (deadline, text) in found {
        let deadline: jiff::Timestamp = deadline.parse()?;
        assert_eq!(
            Some(text),
            cwu_domain::when::time_left_static(built, deadline),
            "without JavaScript the build's text stays"
        );
    }
    Ok(())
}
