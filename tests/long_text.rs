//! A long proposal is never cut short (issue 10): with JavaScript a live count under the field
//! says how far over the limit a paste is, without it the hint gives the limit; either way the
//! form sends every character and the server's 422 gives every one of them back.

use end_to_end::harness::browser::{Browser, Js};
use end_to_end::harness::journey;
use end_to_end::harness::server::Server;
use end_to_end::harness::site::Site;
use fantoccini::Locator;
use serde_json::{Value, json};
use std::time::Duration;

/// 10,000 characters of varied text (accents, an emoji outside the BMP, line breaks), which
/// the server counts as exactly 10,000.
fn ten_thousand() -> String {
    let line = "Approach: tests first, then the café’s 🦀 service.\n";
    let mut text: String = line.chars().cycle().take(9_999).collect();
    text.push('.');
    text
}

/// The proposal field's value and, with JavaScript, its visible count and live region.
async fn proposal_field(browser: &Browser) -> anyhow::Result<Value> {
    browser
        .eval(
            r#"const area = document.querySelector('textarea[name=proposal]');
               const count = document.getElementById(area.id + '-count');
               const live = area.parentElement.querySelector('[aria-live]');
               return { value: area.value.replace(/\r\n/g, '\n'), maxLength: area.maxLength,
                        count: count && count.textContent,
                        live: live && live.textContent,
                        describedby: area.getAttribute('aria-describedby') };"#,
            vec![],
        )
        .await
}

async fn long_paste_comes_back_whole(js: Js) -> anyhow::Result<()> {
    let server = Server::start(Site::copy_of_repo())?;
    let browser = Browser::start(js).await?;
    let (open, _) = server.site().open_and_closed();
    let slug = open.first().expect("an open opportunity");
    browser
        .goto(&server.url(&format!("/opportunities/{slug}/")))
        .await?;
    journey::fill_form(&browser, "long@example.com").await?;
    if js == Js::Enabled {
        // Counts what the polite live region says, however slowly the machine types.
        browser
            .eval(
                "const live = document.querySelector('textarea[name=proposal]')
                     .parentElement.querySelector('[aria-live]');
                 window.announcements = 0;
                 new MutationObserver(records => { window.announcements += records.length; })
                     .observe(live, {childList: true, characterData: true, subtree: true});",
                vec![],
            )
            .await?;
    }
    // A paste of 10,000 characters (as the clipboard inserts it: one input event), then 50 more
    // typed key by key: a `maxlength` would silently refuse these.
    browser
        .eval(
            "const area = document.querySelector('textarea[name=proposal]');
             area.value = arguments[0];
             area.dispatchEvent(new InputEvent('input', {bubbles: true, inputType: 'insertFromPaste'}));",
            vec![json!(ten_thousand())],
        )
        .await?;
    let area = browser
        .client()
        .find(Locator::Css("textarea[name=proposal]"))
        .await?;
    // Ten bursts with short gaps, as a person types: shorter than the pause before announcing.
    for _ in 0..10 {
        area.send_keys(&"x".repeat(5)).await?;
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    let typed = format!("{}{}", ten_thousand(), "x".repeat(50));
    let field = proposal_field(&browser).await?;
    assert_eq!(field["value"], json!(typed), "nothing typed is cut");
    assert_eq!(field["maxLength"], json!(-1), "no maxlength");
    if js == Js::Enabled {
        assert_eq!(
            field["count"],
            json!("You have 50 characters too many (at most 10,000)"),
            "{field:#}"
        );
        assert!(
            field["describedby"]
                .as_str()
                .is_some_and(|d| d.ends_with("proposal-proposal-count")),
            "the count describes the field: {field:#}"
        );
        // Screen readers are told once typing pauses, not at each of the 51 input events: the
        // last count is announced, and only a few times in all (the paste, if the machine
        // paused after it, and the end of typing).
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        let mut field = field;
        while field["live"] != field["count"] && std::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(200)).await;
            field = proposal_field(&browser).await?;
        }
        assert_eq!(field["live"], field["count"], "{field:#}");
        let announcements = browser.eval("return window.announcements;", vec![]).await?;
        assert!(
            announcements.as_u64().is_some_and(|n| (1..=4).contains(&n)),
            "announced {announcements} times for 51 input events"
        );
    } else {
        assert_eq!(field["count"], Value::Null, "no count without JavaScript");
    }

    journey::submit(&browser).await?;
    let text = browser.page_text().await?;
    assert!(
        text.contains(
            "Shorten your proposal to 10000 characters or fewer: it has 10050, 50 too many."
        ),
        "{text}"
    );
    let field = proposal_field(&browser).await?;
    assert_eq!(
        field["value"],
        json!(typed),
        "the 422 keeps every character"
    );
    if js == Js::Enabled {
        assert_eq!(
            field["count"],
            json!("You have 50 characters too many (at most 10,000)")
        );
    }
    browser.quit().await
}

#[tokio::test]
async fn a_long_paste_is_counted_and_comes_back_whole_with_javascript() -> anyhow::Result<()> {
    long_paste_comes_back_whole(Js::Enabled).await
}

#[tokio::test]
async fn a_long_paste_comes_back_whole_without_javascript() -> anyhow::Result<()> {
    long_paste_comes_back_whole(Js::Disabled).await
}
