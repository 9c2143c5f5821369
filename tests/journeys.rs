//! Journeys through the served site in headless Chromium, as people take them: a reader who
//! filters the board and sends a proposal (with and without JavaScript), one who makes mistakes
//! and corrects them, one who uses only the keyboard, and one who finds a closed opportunity,
//! the feed and the calendar.
//!
//! Each journey gets its own copy of the site, `site-gen serve` and browser, so its outbox holds
//! only its own mail.

use end_to_end::checks::{feed, ical};
use end_to_end::harness::browser::{Browser, Js};
use end_to_end::harness::http;
use end_to_end::harness::journey::{self, Outcome, PROPOSAL_TEXT};
use end_to_end::harness::mail::{Mail, wait_for_mail};
use end_to_end::harness::pages::{criteria, is_remote, owner_email, title};
use end_to_end::harness::server::Server;
use end_to_end::harness::site::Site;
use fantoccini::Locator;
use fantoccini::key::Key;
use serde_json::json;

/// Serve and a browser for one journey.
async fn start(js: Js) -> anyhow::Result<(Server, Browser)> {
    let server = Server::start(Site::copy_of_repo())?;
    let browser = Browser::start(js).await?;
    Ok((server, browser))
}

/// Clicks the first visible link whose `href` is exactly `href`.
async fn click_link(browser: &Browser, href: &str) -> anyhow::Result<()> {
    for link in browser
        .client()
        .find_all(Locator::Css(&format!("a[href='{href}']")))
        .await?
    {
        if link.is_displayed().await? {
            journey::click(browser, &link).await?;
            journey::wait_for_path(browser, href.split('#').next().unwrap_or(href)).await?;
            return Ok(());
        }
    }
    anyhow::bail!("no visible link to {href} on {}", browser.path().await?)
}

/// The proposal id shown on a receipt page: the first ULID-looking word.
fn proposal_id(text: &str) -> Option<String> {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .find(|word| {
            word.len() == 26
                && word
                    .chars()
                    .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
                && word.chars().any(|c| c.is_ascii_digit())
        })
        .map(str::to_string)
}

/// Checks the receipt page and the receipt mail (the only mail) a successful proposal produces.
async fn assert_receipt_and_mail(
    server: &Server,
    browser: &Browser,
    slug: &str,
    proponent: &str,
) -> anyhow::Result<()> {
    let text = browser.page_text().await?;
    let id = proposal_id(&text)
        .ok_or_else(|| anyhow::anyhow!("the receipt page shows no proposal id:\n{text}"))?;
    assert!(
        text.contains(&title(slug)),
        "the receipt page does not name the opportunity {:?}:\n{text}",
        title(slug)
    );

    // Sealed: the receipt goes to the proponent; the owner gets nothing before the deadline.
    let owner = owner_email(slug);
    let mails = wait_for_mail(&server.site().outbox(), &[proponent], 1).await?;
    let to_proponent: Vec<&Mail> = mails.iter().filter(|mail| mail.is_to(proponent)).collect();
    assert_eq!(
        to_proponent.len(),
        1,
        "one receipt to {proponent}; outbox: {mails:#?}\nserve log:\n{}",
        server.log()
    );
    assert!(
        !mails.iter().any(|mail| mail.is_to(&owner)),
        "nothing to the owner {owner} before the deadline: {mails:#?}"
    );
    let first_line = PROPOSAL_TEXT.lines().next().unwrap_or_default();
    let receipt = to_proponent[0];
    assert!(
        receipt.text.contains(&id) || receipt.subject.contains(&id),
        "the proponent's receipt must carry the proposal id {id}:\n{}\n{}",
        receipt.subject,
        receipt.text
    );
    assert!(
        receipt.text.contains(&title(slug)) || receipt.subject.contains(&title(slug)),
        "the receipt must name the opportunity"
    );
    assert!(
        receipt.text.contains(first_line) && receipt.text.contains("/api/proposals/manage?t="),
        "the receipt holds the whole proposal and the private manage link:\n{}",
        receipt.text
    );
    Ok(())
}

#[tokio::test]
async fn reader_filters_the_board_reads_an_opportunity_and_submits_a_proposal() -> anyhow::Result<()>
{
    let (server, browser) = start(Js::Enabled).await?;
    browser.goto(&server.url("/")).await?;
    click_link(&browser, "/opportunities/").await?;

    let everything = journey::visible_card_links(&browser).await?;
    let shown = journey::filter_board(&browser, "rust", true).await?;
    let (open, _) = server.site().open_and_closed();
    let expected: Vec<String> = server
        .site()
        .opportunity_pages()
        .into_iter()
        .filter(|(slug, page)| {
            let html = std::fs::read_to_string(page).unwrap_or_default();
            is_remote(slug) && html.contains("href=\"/opportunities/skills/rust/\"")
        })
        .map(|(slug, _)| format!("/opportunities/{slug}/"))
        .collect();
    let mut shown_sorted = shown.clone();
    shown_sorted.sort();
    assert_eq!(
        shown_sorted, expected,
        "filtering by Rust + remote should show exactly those (all shown before: {everything:?})"
    );
    assert!(shown.len() < everything.len(), "the filters hid nothing");

    let slug = open
        .iter()
        .find(|slug| shown.contains(&format!("/opportunities/{slug}/")))
        .expect("an open remote Rust opportunity in the example content")
        .clone();
    click_link(&browser, &format!("/opportunities/{slug}/")).await?;
    let text = browser.page_text().await?;
    for criterion in criteria(&slug) {
        assert!(
            text.contains(&criterion),
            "criterion {criterion:?} is not shown"
        );
    }

    journey::submit_in_browser(&browser, &Outcome::Accepted, "reader@example.com").await?;
    assert_receipt_and_mail(&server, &browser, &slug, "reader@example.com").await?;
    browser.quit().await
}

#[tokio::test]
async fn reader_without_javascript_finds_an_opportunity_and_submits_a_proposal()
-> anyhow::Result<()> {
    let (server, browser) = start(Js::Disabled).await?;
    browser.goto(&server.url("/")).await?;
    click_link(&browser, "/opportunities/").await?;

    // The script never ran: the filters still show (CSS does the filtering, see tests/board.rs)
    // and, none chosen, the whole list is there.
    // (checkVisibility: WebDriver's "displayed" takes the CSS-opened `<details>` for closed.)
    let shown = browser
        .eval(
            "return document.querySelector('select[name=skill]').checkVisibility();",
            vec![],
        )
        .await?;
    assert_eq!(
        shown,
        json!(true),
        "the filters must show without JavaScript"
    );
    let listed = journey::visible_card_links(&browser).await?;
    let published = server.site().opportunity_pages();
    for (slug, _) in &published {
        assert!(
            listed.contains(&format!("/opportunities/{slug}/")),
            "{slug} is missing from the board without JavaScript: {listed:?}"
        );
    }

    // Browsing by skill without a script: the skill's own page.
    click_link(&browser, "/opportunities/skills/rust/").await?;
    let rust_links = journey::visible_card_links(&browser).await?;
    let (open, _) = server.site().open_and_closed();
    let slug = open
        .iter()
        .find(|slug| rust_links.contains(&format!("/opportunities/{slug}/")))
        .expect("an open Rust opportunity on the Rust page")
        .clone();
    click_link(&browser, &format!("/opportunities/{slug}/")).await?;

    journey::submit_in_browser(&browser, &Outcome::Accepted, "nojs@example.com").await?;
    assert_receipt_and_mail(&server, &browser, &slug, "nojs@example.com").await?;
    browser.quit().await
}

#[tokio::test]
async fn mistakes_are_shown_next_to_their_fields_kept_and_then_corrected() -> anyhow::Result<()> {
    let (server, browser) = start(Js::Enabled).await?;
    let (open, _) = server.site().open_and_closed();
    let slug = open.first().expect("an open opportunity").clone();
    browser
        .goto(&server.url(&format!("/opportunities/{slug}/")))
        .await?;
    journey::submit_in_browser(&browser, &Outcome::Mistakes, "mistakes@example.com").await?;

    let report = browser
        .eval(
            r##"const form = document.querySelector('form[action$="/api/proposals"]');
               const field = name => form && form.querySelector(`[name="${name}"]`);
               const describedText = el => (el.getAttribute('aria-describedby') || '')
                   .split(/\s+/).filter(Boolean)
                   .map(id => document.getElementById(id)).filter(Boolean)
                   .map(e => e.textContent.trim()).join(' | ');
               const err = name => {
                   const el = field(name);
                   if (!el) return null;
                   return { invalid: el.getAttribute('aria-invalid'), described: describedText(el),
                            summaryLink: !!document.querySelector(`a[href="#${el.id}"]`) && el.id !== '' };
               };
               const summary = document.querySelector('[role=alert], .error-summary, #error-summary');
               const active = document.activeElement;
               const firstField = form && form.querySelector('input:not([type=hidden]), select, textarea, fieldset');
               return {
                   form: !!form,
                   legal_name: err('legal_name'), email: err('email'),
                   values: { email: field('email') && field('email').value,
                             proposal: field('proposal') && field('proposal').value,
                             phone: field('phone') && field('phone').value,
                             type: form && (form.querySelector('[name=proponent_type]:checked') || {}).value },
                   summary: summary ? summary.textContent.trim() : null,
                   focusInSummary: !!(summary && (summary === active || summary.contains(active))),
                   summaryBeforeFields: !!(summary && firstField && (summary.compareDocumentPosition(firstField) & Node.DOCUMENT_POSITION_FOLLOWING)),
                   summaryAnnounced: !!(summary && summary.getAttribute('role') === 'alert'),
                   title: document.title,
               };"##,
            vec![],
        )
        .await?;
    let problem = |what: &str| format!("{what}; the page reported: {report:#}");
    assert_eq!(
        report["form"],
        json!(true),
        "{}",
        problem("the 422 page must show the form again")
    );
    for name in ["legal_name", "email"] {
        let field = &report[name];
        assert_eq!(
            field["invalid"],
            json!("true"),
            "{}",
            problem(&format!("{name} needs aria-invalid=true"))
        );
        assert!(
            field["described"].as_str().unwrap_or("").len() > 10,
            "{}",
            problem(&format!(
                "{name}'s error message must be tied to it with aria-describedby"
            ))
        );
        assert_eq!(
            field["summaryLink"],
            json!(true),
            "{}",
            problem(&format!("the error summary must link to {name}"))
        );
    }
    assert_eq!(
        report["values"]["email"],
        json!("not-an-email"),
        "{}",
        problem("entered email kept")
    );
    assert_eq!(
        report["values"]["proposal"]
            .as_str()
            .map(|s| s.replace("\r\n", "\n")),
        Some(PROPOSAL_TEXT.to_string()),
        "{}",
        problem("entered proposal kept")
    );
    assert_eq!(
        report["values"]["phone"],
        json!("+1 250 555 0100"),
        "{}",
        problem("entered phone kept")
    );
    assert_eq!(
        report["values"]["type"],
        json!("individual"),
        "{}",
        problem("chosen proponent type kept")
    );
    assert!(
        report["summary"].is_string(),
        "{}",
        problem("an error summary is needed")
    );
    assert_eq!(
        report["summaryBeforeFields"],
        json!(true),
        "{}",
        problem("the error summary comes before the fields")
    );
    // Without JavaScript the page cannot move focus; an alert role makes screen readers read it.
    assert!(
        report["focusInSummary"] == json!(true) || report["summaryAnnounced"] == json!(true),
        "{}",
        problem("the error summary must take focus or be announced (role=alert)")
    );

    // Correct the two fields and send again from the error page.
    let client = browser.client();
    let name = client.find(Locator::Css("[name=legal_name]")).await?;
    name.clear().await?;
    name.send_keys("Alex Tremblay").await?;
    let email = client.find(Locator::Css("[name=email]")).await?;
    email.clear().await?;
    email.send_keys("mistakes@example.com").await?;
    let terms = client
        .find(Locator::Css("input[name=accept_terms]"))
        .await?;
    if !terms.is_selected().await? {
        journey::click(&browser, &terms).await?;
    }
    let before = browser.path().await?;
    journey::submit(&browser).await?;
    journey::wait_for_receipt(&browser, &before).await?;
    assert_receipt_and_mail(&server, &browser, &slug, "mistakes@example.com").await?;
    browser.quit().await
}

#[tokio::test]
async fn keyboard_alone_reaches_and_operates_every_control_with_visible_focus() -> anyhow::Result<()>
{
    let (server, browser) = start(Js::Enabled).await?;
    let (open, _) = server.site().open_and_closed();
    let slug = open.first().expect("an open opportunity").clone();
    browser
        .goto(&server.url(&format!("/opportunities/{slug}/")))
        .await?;
    let client = browser.client();

    let mut visited = Vec::new();
    let mut invisible_focus = Vec::new();
    let mut submitted = false;
    for _ in 0..300 {
        client.active_element().await?.send_keys(&Key::Tab).await?;
        let focus = browser
            .eval(
                r#"const el = document.activeElement;
                   const style = getComputedStyle(el);
                   const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
                   const shadow = style.boxShadow && style.boxShadow !== 'none';
                   return { tag: el.tagName.toLowerCase(), name: el.getAttribute('name') || '',
                            type: el.getAttribute('type') || '', id: el.id || '',
                            href: el.getAttribute('href') || '', text: (el.textContent || '').trim().slice(0, 40),
                            visible: outline || shadow };"#,
                vec![],
            )
            .await?;
        let label = format!(
            "<{} name={} id={} href={} {:?}>",
            focus["tag"].as_str().unwrap_or(""),
            focus["name"].as_str().unwrap_or(""),
            focus["id"].as_str().unwrap_or(""),
            focus["href"].as_str().unwrap_or(""),
            focus["text"].as_str().unwrap_or("")
        );
        if focus["tag"] == json!("body") {
            break;
        }
        if focus["visible"] != json!(true) {
            invisible_focus.push(label.clone());
        }
        visited.push(focus["name"].as_str().unwrap_or("").to_string());
        let active = client.active_element().await?;
        match focus["name"].as_str().unwrap_or("") {
            "proponent_type" => active.send_keys(&Key::Space).await?,
            "legal_name" => active.send_keys("Alex Tremblay").await?,
            "email" => active.send_keys("keyboard@example.com").await?,
            "proposal" => {
                active
                    .send_keys(PROPOSAL_TEXT.lines().next().unwrap_or(""))
                    .await?
            }
            "accept_terms" => active.send_keys(&Key::Space).await?,
            "website" => panic!("the honeypot field is reachable by keyboard"),
            _ => {}
        }
        if focus["tag"] == json!("button") && focus["type"] == json!("submit") {
            for field in [
                "proponent_type",
                "legal_name",
                "email",
                "phone",
                "proposal",
                "comments",
                "accept_terms",
            ] {
                assert!(
                    visited.iter().any(|name| name == field),
                    "{field} was never reached by Tab: {visited:?}"
                );
            }
            assert!(
                invisible_focus.is_empty(),
                "focus is not visible on: {invisible_focus:#?}"
            );
            active.send_keys(&Key::Enter).await?;
            journey::wait_for_path(&browser, "/api/").await?;
            submitted = true;
            break;
        }
    }
    assert!(
        submitted,
        "Tab never reached the submit button; reached: {visited:?}"
    );
    assert_receipt_and_mail(&server, &browser, &slug, "keyboard@example.com").await?;
    browser.quit().await
}

#[tokio::test]
async fn closed_opportunities_show_no_form_and_say_why() -> anyhow::Result<()> {
    let (server, browser) = start(Js::Disabled).await?;
    let (_, closed) = server.site().open_and_closed();
    assert!(
        closed.len() >= 3,
        "the example content should have closed, awarded and cancelled opportunities"
    );
    for slug in &closed {
        browser
            .goto(&server.url(&format!("/opportunities/{slug}/")))
            .await?;
        let forms = browser
            .client()
            .find_all(Locator::Css(
                "form[action$='/api/proposals'], textarea[name=proposal]",
            ))
            .await?;
        assert!(
            forms.is_empty(),
            "{slug} is closed but shows the proposal form"
        );
        let text = browser.page_text().await?.to_lowercase();
        let reasons = [
            "closed",
            "awarded",
            "cancelled",
            "no longer accept",
            "under evaluation",
        ];
        assert!(
            reasons.iter().any(|reason| text.contains(reason)),
            "{slug} does not say why proposals are not accepted:\n{text}"
        );
    }
    browser.quit().await
}

#[tokio::test]
async fn feed_and_calendar_links_work() -> anyhow::Result<()> {
    let (server, browser) = start(Js::Disabled).await?;
    let mut checked = Vec::new();
    for path in ["/", "/opportunities/"] {
        browser.goto(&server.url(path)).await?;
        let links = browser
            .eval(
                r#"return [...document.querySelectorAll('a[href], link[rel=alternate][href]')]
                     .map(a => a.getAttribute('href'))
                     .filter(h => h.endsWith('.xml') || h.endsWith('.ics'));"#,
                vec![],
            )
            .await?;
        let links: Vec<String> = serde_json::from_value(links)?;
        assert!(
            links.iter().any(|h| h.ends_with(".xml")),
            "{path} links to no feed"
        );
        if path == "/opportunities/" {
            assert!(
                links.iter().any(|h| h.ends_with(".ics")),
                "the board links to no calendar"
            );
        }
        for link in links {
            // The subscription link (webcal://<site host>/…) names the same file on the site.
            let link = match link.strip_prefix("webcal://") {
                Some(rest) => format!("/{}", rest.split_once('/').map_or("", |(_, path)| path)),
                None => link,
            };
            let response = http::get(server.port(), &link)?;
            assert_eq!(response.status, 200, "{link} (linked from {path})");
            let kind = response.header("content-type").unwrap_or("").to_string();
            if link.ends_with(".xml") {
                assert!(kind.contains("xml"), "{link} is served as {kind:?}");
                let (problems, items) = feed::check_rss(&link, &response.body);
                assert!(problems.is_empty(), "{problems:#?}");
                assert!(!items.is_empty(), "{link} has no items");
            } else {
                assert!(
                    kind.starts_with("text/calendar"),
                    "{link} is served as {kind:?}"
                );
                let (problems, calendar) = ical::check_calendar(&link, &response.body);
                assert!(problems.is_empty(), "{problems:#?}");
                assert!(!calendar.events.is_empty(), "{link} has no events");
            }
            checked.push(link);
        }
    }
    assert!(!checked.is_empty());
    browser.quit().await
}

/// A person clicking through the served site page after page: every page must load promptly.
/// (Chromium keeps recently left pages in its back/forward cache; if they hold connections open,
/// such as a live-reload stream, the six connections per host run out and loads stall.)
#[tokio::test]
async fn browsing_many_pages_in_a_row_stays_fast() -> anyhow::Result<()> {
    let server = Server::start(Site::copy_of_repo())?;
    let browser = Browser::start_as_shipped(Js::Enabled).await?;
    let mut slow = Vec::new();
    for page in end_to_end::harness::pages::page_types(server.site())
        .into_iter()
        .take(8)
    {
        let started = std::time::Instant::now();
        browser.goto(&server.url(&page.path)).await?;
        let took = started.elapsed();
        // A stalled load waits for a connection that never frees (WebDriver gives up after
        // 300 s); a slow machine takes seconds. 30 s tells the two apart without timing pages.
        if took > std::time::Duration::from_secs(30) {
            slow.push(format!("{} took {took:.1?}", page.path));
        }
    }
    assert!(
        slow.is_empty(),
        "pages loaded slowly one after another (a connection kept open by a left page?): {slow:#?}"
    );
    browser.quit().await
}
