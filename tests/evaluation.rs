//! The sealed-proposal, evaluation and award journey of issues 10 and 11 in a real browser,
//! JavaScript on and off, in one run on `site-gen serve` with the example site:
//!
//! three proponents submit (one updates from the manage link, one withdraws) → the owner gets
//! nothing before the deadline → serve restarted with `--now` past the deadline (same `.local/`
//! store) → one invitation mail → sign in from its link → score both remaining proposals → totals
//! and ranks → CSV export → award to the top proposal (review, confirm) → one result mail per
//! proponent → the rebuilt opportunity page says "Awarded to …" → acceptance and payment (each
//! reviewed, confirmed, mailed to the winner once) → page, feed item and OCDS package show them.
//! With JavaScript on, the new pages also pass axe-core and the Nu HTML Checker. The same page
//! path for a proposal held as suspected spam (issue 13) follows.

use end_to_end::checks::{assert_none, axe, vnu};
use end_to_end::harness::browser::{Browser, Js};
use end_to_end::harness::journey::{
    self, Outcome, PROPOSAL_TEXT, click_css, path_of, reload_until_text, wait_for_text,
};
use end_to_end::harness::mail::{Mail, read_outbox, wait_for_mail};
use end_to_end::harness::pages::{front_matter_value, owner_email};
use end_to_end::harness::server::Server;
use end_to_end::harness::site::Site;
use end_to_end::harness::{NOW, artifact_dir, free_port, http};
use fantoccini::Locator;
use std::path::Path;
use std::time::{Duration, Instant};

/// The open opportunity whose deadline comes first (the example site's next to close).
fn next_to_close(server: &Server) -> (String, jiff::civil::Date) {
    let (open, _) = server.site().open_and_closed();
    open.into_iter()
        .filter_map(|slug| {
            let date = front_matter_value(&slug, "proposal_deadline")?;
            let date: jiff::civil::Date = date.get(..10)?.parse().ok()?;
            Some((slug, date))
        })
        .min_by_key(|(_, date)| *date)
        .expect("an open opportunity with a deadline")
}

/// The first link in `mail`'s text whose address contains `path`, as an absolute URL.
fn link(mail: &Mail, path: &str) -> String {
    let start = mail
        .text
        .find("http://")
        .and_then(|_| {
            mail.text
                .match_indices("http://")
                .map(|(at, _)| at)
                .find(|at| {
                    mail.text[*at..]
                        .split_whitespace()
                        .next()
                        .is_some_and(|u| u.contains(path))
                })
        })
        .unwrap_or_else(|| panic!("no link to {path} in:\n{}", mail.text));
    mail.text[start..]
        .split_whitespace()
        .next()
        .expect("a link")
        .to_owned()
}

fn save(dir: &Path, name: &str, response: &http::Response) -> anyhow::Result<()> {
    anyhow::ensure!(response.status == 200, "{name}: {}", response.status);
    std::fs::write(dir.join(format!("{name}.html")), &response.body)?;
    Ok(())
}

async fn journey(js: Js) -> anyhow::Result<()> {
    let checked = js == Js::Enabled;
    let pages = artifact_dir("e2e").join(format!("evaluation-pages-{js:?}"));
    let _ = std::fs::remove_dir_all(&pages);
    std::fs::create_dir_all(&pages)?;
    let mut problems = Vec::new();

    let server = Server::start_at(Site::copy_of_repo(), Some(NOW), free_port())?;
    let (slug, deadline) = next_to_close(&server);
    let owner = owner_email(&slug);
    let browser = Browser::start(js).await?;
    let people = ["ada@example.com", "bea@example.com", "cyd@example.com"];
    for email in people {
        browser
            .goto(&server.url(&format!("/opportunities/{slug}/")))
            .await?;
        journey::submit_in_browser(&browser, &Outcome::Accepted, email).await?;
        journey::wait_for_path(&browser, "/api/proposals/receipt").await?;
    }
    let outbox = server.site().outbox();
    let receipts = wait_for_mail(&outbox, &people, 3).await?;
    let receipt_of = |email: &str| {
        receipts
            .iter()
            .find(|m| m.is_to(email))
            .cloned()
            .unwrap_or_else(|| panic!("no receipt for {email}"))
    };

    // Bea updates her proposal from the link in her receipt.
    let bea = link(&receipt_of("bea@example.com"), "/api/proposals/manage?t=");
    browser.goto(&bea).await?;
    if checked {
        problems.extend(axe::violations(&browser, "manage page").await?);
        save(&pages, "manage", &http::get(server.port(), &path_of(&bea))?)?;
    }
    let text = browser
        .client()
        .find(Locator::Css("textarea[name=proposal]"))
        .await?;
    text.clear().await?;
    text.send_keys("Bea's updated plan.").await?;
    click_css(&browser, "input[name=accept_terms]").await?;
    click_css(&browser, "form.proposal-form [type=submit]").await?;
    journey::wait_for_path(&browser, "/api/proposals/receipt").await?;
    assert!(
        browser.page_text().await?.contains("version 1"),
        "{}",
        browser.page_text().await?
    );

    // Cyd withdraws, after a confirmation.
    let cyd = link(&receipt_of("cyd@example.com"), "/api/proposals/manage?t=");
    browser.goto(&cyd).await?;
    click_css(&browser, "form[method=get] [type=submit]").await?;
    wait_for_text(&browser, "Withdraw your proposal?").await?;
    if checked {
        problems.extend(axe::violations(&browser, "withdraw confirmation").await?);
        save(
            &pages,
            "withdraw",
            &http::get(server.port(), &format!("{}&step=withdraw", path_of(&cyd)))?,
        )?;
    }
    click_css(&browser, "form[method=post] [type=submit]").await?;
    wait_for_text(&browser, "You withdrew this proposal").await?;

    // Sealed: nothing reached the owner before the deadline.
    let before = read_outbox(&outbox)?;
    assert!(
        !before.iter().any(|m| m.is_to(&owner)),
        "mail to the owner before the deadline: {before:#?}"
    );
    assert!(
        before.iter().any(|m| m.subject.starts_with("Withdrawn")),
        "{before:#?}"
    );

    // Past the deadline: serve again on the same store, with the clock moved.
    let site = server.stop();
    let after = deadline.checked_add(jiff::Span::new().days(1))?.to_string();
    let server = Server::start_at(site, Some(&after), free_port())?;
    let invitations = wait_for_mail(&outbox, &[&owner], 1).await?;
    let invitation = invitations
        .iter()
        .find(|m| m.is_to(&owner))
        .expect("an invitation");
    assert!(
        invitation.text.contains("2 proposals were received"),
        "{}",
        invitation.text
    );
    let first_line = PROPOSAL_TEXT.lines().next().unwrap_or_default();
    assert!(
        !invitation.text.contains(first_line),
        "no proposal text in the invitation"
    );
    let sign_in = link(invitation, "/api/owner/session?t=");
    assert!(
        sign_in.starts_with(&server.url("/")),
        "links lead to this server: {sign_in}"
    );
    browser.goto(&sign_in).await?;
    if checked {
        problems.extend(axe::violations(&browser, "sign-in landing").await?);
        save(
            &pages,
            "sign-in-landing",
            &http::get(server.port(), &path_of(&sign_in))?,
        )?;
        save(
            &pages,
            "sign-in",
            &http::get(server.port(), "/api/owner/sign-in")?,
        )?;
    }
    click_css(&browser, "form[method=post] [type=submit]").await?;
    journey::wait_for_path(&browser, "/api/owner/evaluations").await?;
    click_css(
        &browser,
        &format!("a[href='/api/owner/evaluations/{slug}']"),
    )
    .await?;
    wait_for_text(&browser, "Score sheet").await?;

    // Score both proposals: every criterion 2 for the first, 1.5 for the second.
    let mut totals = Vec::new();
    for (index, score) in [(0, 2.0), (1, 1.5)] {
        let sections = browser
            .client()
            .find_all(Locator::Css("section.evaluated"))
            .await?;
        assert_eq!(sections.len(), 2, "the withdrawn proposal is not evaluated");
        let section = &sections[index];
        let inputs = section
            .find_all(Locator::Css("input[name^=score-]"))
            .await?;
        for input in &inputs {
            input.clear().await?;
            input.send_keys(&format!("{score}")).await?;
        }
        let total = format!("{:.2}", score * inputs.len() as f64);
        let button = section.find(Locator::Css("button[type=submit]")).await?;
        journey::click(&browser, &button).await?;
        // The post answers 303 back to the page, which shows the new total in the sheet.
        wait_for_text(&browser, &total).await?;
        totals.push(total);
    }
    let html = browser.client().source().await?;
    assert!(
        html.contains(&format!("<td>{}</td><td>1</td>", totals[0]))
            && html.contains(&format!("<td>{}</td><td>2</td>", totals[1])),
        "totals and ranks {totals:?} in the sheet:\n{html}"
    );
    assert!(html.contains("Audit trail"));

    let cookie = browser.client().get_named_cookie("cwu_owner").await?;
    let cookie = format!("cwu_owner={}", cookie.value());
    let page = http::get_with_cookie(
        server.port(),
        &format!("/api/owner/evaluations/{slug}"),
        &cookie,
    )?;
    if checked {
        problems.extend(axe::violations(&browser, "evaluation page").await?);
        save(&pages, "evaluation", &page)?;
    }
    let csv = http::get_with_cookie(
        server.port(),
        &format!("/api/owner/evaluations/{slug}/export.csv"),
        &cookie,
    )?;
    assert_eq!(csv.status, 200);
    assert_eq!(csv.body.lines().count(), 3, "{}", csv.body);
    assert!(
        csv.body.contains(&format!("\"{}\"", totals[0])),
        "{}",
        csv.body
    );

    let invitations_now = read_outbox(&outbox)?
        .into_iter()
        .filter(|m| m.is_to(&owner) && m.subject.starts_with("Proposals closed"))
        .count();
    assert_eq!(invitations_now, 1, "one invitation");

    let owner_pages = Owner {
        server: &server,
        browser: &browser,
        slug: &slug,
        cookie: &cookie,
        pages: checked.then_some(pages.as_path()),
    };
    problems.extend(award_accept_and_pay(&owner_pages, &people).await?);
    browser.quit().await?;
    if checked {
        problems.extend(vnu::errors(&[&pages])?);
    }
    assert_none("evaluation pages: axe and Nu HTML Checker", &problems);
    Ok(())
}

/// The signed-in owner's browser on the evaluation page of `slug`; `pages`: where to save the
/// pages for the Nu HTML Checker (and check them with axe), when JavaScript is on.
struct Owner<'a> {
    server: &'a Server,
    browser: &'a Browser,
    slug: &'a str,
    cookie: &'a str,
    pages: Option<&'a Path>,
}

impl Owner<'_> {
    /// Fills the step form holding `action` with `fields` (CSS selector, text), asks for its
    /// review page, checks and saves it as `name`, then confirms; back on the evaluation page.
    async fn review_and_confirm(
        &self,
        action: &str,
        fields: &[(&str, &str)],
        name: &str,
        problems: &mut Vec<String>,
    ) -> anyhow::Result<()> {
        let client = self.browser.client();
        let form = format!("form:has(input[name=action][value={action}])");
        for (css, text) in fields {
            let field = client.find(Locator::Css(&format!("{form} {css}"))).await?;
            field.clear().await?;
            field.send_keys(text).await?;
        }
        // The review page, as served, for the Nu HTML Checker: the same post without the
        // confirmation records nothing.
        let mut posted = Vec::new();
        for input in client
            .find_all(Locator::Css(&format!("{form} [name]")))
            .await?
        {
            let kind = input.attr("type").await?.unwrap_or_default();
            if kind == "radio" && !input.is_selected().await? {
                continue;
            }
            let field = input.attr("name").await?.unwrap_or_default();
            posted.push((field, input.prop("value").await?.unwrap_or_default()));
        }
        click_css(self.browser, &format!("{form} button[type=submit]")).await?;
        wait_for_text(
            self.browser,
            "Back to the evaluation without recording anything",
        )
        .await?;
        if let Some(pages) = self.pages {
            problems.extend(axe::violations(self.browser, name).await?);
            let pairs: Vec<(&str, &str)> = posted
                .iter()
                .map(|(n, v)| (n.as_str(), v.as_str()))
                .collect();
            let review = http::post_form_with_cookie(
                self.server.port(),
                &format!("/api/owner/evaluations/{}/outcome", self.slug),
                &pairs,
                self.cookie,
            )?;
            save(pages, name, &review)?;
        }
        click_css(
            self.browser,
            "form:has(input[name=confirm]) button[type=submit]",
        )
        .await?;
        // Back on the evaluation page (the review page has no audit trail).
        wait_for_text(self.browser, "Audit trail").await
    }

    /// The mails whose subject starts with one of `subjects` that each of `people` has, by
    /// address, once there are at least `expected` in all (or 10 s passed).
    async fn mails(
        &self,
        people: &[&str],
        subjects: &[&str],
        expected: usize,
    ) -> anyhow::Result<Vec<(String, Vec<Mail>)>> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let outbox = read_outbox(&self.server.site().outbox())?;
            let found: Vec<(String, Vec<Mail>)> = people
                .iter()
                .map(|person| {
                    let theirs = outbox
                        .iter()
                        .filter(|m| {
                            m.is_to(person) && subjects.iter().any(|s| m.subject.starts_with(s))
                        })
                        .cloned()
                        .collect();
                    ((*person).to_owned(), theirs)
                })
                .collect();
            let count: usize = found.iter().map(|(_, mails)| mails.len()).sum();
            if count >= expected || Instant::now() > deadline {
                return Ok(found);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// Issue 11's "Done when", continuing the evaluation: award to the top proposal, one result
/// mail per proponent, the rebuilt page, acceptance and payment on the page, feed and OCDS.
async fn award_accept_and_pay(owner: &Owner<'_>, people: &[&str]) -> anyhow::Result<Vec<String>> {
    let mut problems = Vec::new();
    let (server, browser, slug) = (owner.server, owner.browser, owner.slug);
    let client = browser.client();
    let ranked_first = client
        .find(Locator::Css(
            "input[name=proposal][type=radio]:checked + label",
        ))
        .await?
        .text()
        .await?;
    assert!(
        ranked_first.contains("ranked first"),
        "preselected: {ranked_first}"
    );
    owner
        .review_and_confirm("award", &[], "award-review", &mut problems)
        .await?;
    wait_for_text(browser, "The evaluation is final. Awarded to").await?;

    // One result mail per proponent: the winner (the top proposal) and the other; none for the
    // one who withdrew.
    let subjects = ["Awarded to you: ", "Result: "];
    let (evaluated, withdrew) = (&people[..2], people[2]);
    let results = owner.mails(people, &subjects, evaluated.len()).await?;
    let counts: Vec<usize> = results.iter().map(|(_, mails)| mails.len()).collect();
    assert_eq!(
        counts,
        [1, 1, 0],
        "one result each, none to {withdrew}: {results:#?}"
    );
    let winners: Vec<&Mail> = results
        .iter()
        .flat_map(|(_, mails)| mails)
        .filter(|m| m.subject.starts_with("Awarded to you"))
        .collect();
    assert_eq!(winners.len(), 1, "{results:#?}");
    let loser = results
        .iter()
        .flat_map(|(_, mails)| mails)
        .find(|m| m.subject.starts_with("Result: "))
        .expect("the other proponent's result");
    for expected in [
        "not selected",
        "Your rank: 2 of 2",
        "Awarded to: Alex Tremblay",
    ] {
        assert!(loser.text.contains(expected), "{expected}: {}", loser.text);
    }
    let winner = winners[0].to.clone();

    // The opportunity page, rebuilt by serve from the outcomes file the award wrote.
    let public = server.url(&format!("/opportunities/{slug}/"));
    let text = reload_until_text(browser, &public, "Awarded to Alex Tremblay").await?;
    assert!(!text.contains("Paid on"), "{text}");

    // Acceptance, then payment, on the evaluation page.
    browser
        .goto(&server.url(&format!("/api/owner/evaluations/{slug}")))
        .await?;
    let delivered = format!("https://github.com/bcgov-example/{slug}/releases/tag/v1.0.0");
    owner
        .review_and_confirm(
            "accept",
            &[("textarea[name=links]", &delivered)],
            "acceptance-review",
            &mut problems,
        )
        .await?;
    wait_for_text(browser, "Record the payment").await?;
    let price = client
        .find(Locator::Css("#pay-amount-hint"))
        .await?
        .text()
        .await?;
    let price = price
        .trim_start_matches("The fixed price: ")
        .trim_end_matches('.')
        .to_owned();
    owner
        .review_and_confirm(
            "pay",
            &[("input[name=amount]", &price)],
            "payment-review",
            &mut problems,
        )
        .await?;
    wait_for_text(browser, &format!("{price} on")).await?;
    if let Some(pages) = owner.pages {
        problems.extend(axe::violations(browser, "evaluation, paid").await?);
        let page = http::get_with_cookie(
            server.port(),
            &format!("/api/owner/evaluations/{slug}"),
            owner.cookie,
        )?;
        save(pages, "evaluation-paid", &page)?;
    }
    for subject in ["Work accepted: ", "Payment made: "] {
        let notices = owner.mails(people, &[subject], 1).await?;
        let to: Vec<(&str, usize)> = notices
            .iter()
            .map(|(person, mails)| (person.as_str(), mails.len()))
            .filter(|(_, n)| *n > 0)
            .collect();
        assert_eq!(to.len(), 1, "{subject} to the winner only: {notices:#?}");
        assert!(
            winner.iter().any(|w| w == to[0].0) && to[0].1 == 1,
            "{to:?} {winner:?}"
        );
    }

    // The public record: the page, a feed item and the open contracting data.
    let text = reload_until_text(browser, &public, "Paid on").await?;
    assert!(
        text.contains("Accepted on") && text.contains(&delivered),
        "{text}"
    );
    assert!(text.contains(&price), "{text}");
    let feed = http::get(server.port(), "/feeds/opportunities.xml")?;
    assert!(
        feed.body
            .contains(&format!("/opportunities/{slug}/#record_paid</guid>")),
        "{}",
        feed.body
    );
    let ocds = http::get(server.port(), &format!("/opportunities/{slug}/ocds.json"))?;
    assert_eq!(ocds.status, 200);
    assert!(
        ocds.body.contains(&format!("-{slug}-paid\"")),
        "{}",
        ocds.body
    );
    assert!(ocds.body.contains(&delivered) && !ocds.body.contains('@'));
    if let Some(pages) = owner.pages {
        problems.extend(axe::violations(browser, "opportunity, paid").await?);
        save(
            pages,
            "opportunity-paid",
            &http::get(server.port(), &path_of(&public))?,
        )?;
    }
    Ok(problems)
}

#[tokio::test]
async fn sealed_proposals_to_award_and_payment_with_javascript() -> anyhow::Result<()> {
    journey(Js::Enabled).await
}

#[tokio::test]
async fn sealed_proposals_to_award_and_payment_without_javascript() -> anyhow::Result<()> {
    journey(Js::Disabled).await
}

/// Issue 13's honeypot, tried as a person whose autofill extension fills every field: the
/// proposal is kept and the page says it is held for a check (no false success, no receipt
/// mail); after the deadline the owner finds it under "Suspected spam" and moves it into the
/// evaluation, which the audit trail records.
async fn held_journey(js: Js) -> anyhow::Result<()> {
    let checked = js == Js::Enabled;
    let pages = artifact_dir("e2e").join(format!("held-pages-{js:?}"));
    let _ = std::fs::remove_dir_all(&pages);
    std::fs::create_dir_all(&pages)?;
    let mut problems = Vec::new();

    let server = Server::start_at(Site::copy_of_repo(), Some(NOW), free_port())?;
    let (slug, deadline) = next_to_close(&server);
    let owner = owner_email(&slug);
    let browser = Browser::start(js).await?;
    browser
        .goto(&server.url(&format!("/opportunities/{slug}/")))
        .await?;
    journey::fill_form(&browser, "dee@example.com").await?;
    browser
        .eval(
            "document.querySelector('input[name=website]').value = 'https://dee.example';",
            vec![],
        )
        .await?;
    journey::submit(&browser).await?;
    wait_for_text(&browser, "held for a check").await?;
    let text = browser.page_text().await?;
    let first_line = PROPOSAL_TEXT.lines().next().unwrap_or_default();
    assert!(
        text.contains(first_line),
        "a copy of what was sent:\n{text}"
    );
    assert!(!text.contains("received and saved"), "no false success");
    if checked {
        problems.extend(axe::violations(&browser, "held page").await?);
        // The page as served, for the Nu HTML Checker: a second person's autofilled post.
        let mut fields = journey::valid_fields(&slug, "eve@example.com");
        fields.retain(|(name, _)| *name != "website");
        fields.push(("website", "https://eve.example".into()));
        let pairs: Vec<(&str, &str)> = fields.iter().map(|(n, v)| (*n, v.as_str())).collect();
        let held = http::post_form(server.port(), "/api/proposals", &pairs)?;
        anyhow::ensure!(held.status == 202, "held page: {}", held.status);
        std::fs::write(pages.join("held.html"), &held.body)?;
        sealed_pages(&server, &slug, &owner, &pages).await?;
    }
    let held = if checked { 2 } else { 1 };
    let outbox = server.site().outbox();
    assert!(
        !read_outbox(&outbox)?
            .iter()
            .any(|m| m.is_to("dee@example.com")),
        "no receipt to an address a program may have typed"
    );

    let site = server.stop();
    let after = deadline.checked_add(jiff::Span::new().days(1))?.to_string();
    let server = Server::start_at(site, Some(&after), free_port())?;
    // With JavaScript on, the owner also asked for a sign-in link before the deadline.
    let invitations = wait_for_mail(&outbox, &[&owner], if checked { 2 } else { 1 }).await?;
    let invitation = invitations
        .iter()
        .find(|m| m.is_to(&owner) && m.subject.starts_with("Proposals closed"))
        .expect("an invitation");
    browser
        .goto(&link(invitation, "/api/owner/session?t="))
        .await?;
    click_css(&browser, "form[method=post] [type=submit]").await?;
    journey::wait_for_path(&browser, "/api/owner/evaluations").await?;
    browser
        .goto(&server.url(&format!("/api/owner/evaluations/{slug}")))
        .await?;
    wait_for_text(&browser, &format!("Suspected spam ({held})")).await?;
    let client = browser.client();
    assert!(
        client
            .find_all(Locator::Css("section.evaluated"))
            .await?
            .is_empty()
    );
    if checked {
        problems.extend(axe::violations(&browser, "evaluation with suspected spam").await?);
        let cookie = client.get_named_cookie("cwu_owner").await?;
        let page = http::get_with_cookie(
            server.port(),
            &format!("/api/owner/evaluations/{slug}"),
            &format!("cwu_owner={}", cookie.value()),
        )?;
        save(&pages, "evaluation-held", &page)?;
    }
    click_css(&browser, "section.held button[type=submit]").await?;
    wait_for_text(&browser, "moved into the evaluation").await?;
    assert_eq!(
        client
            .find_all(Locator::Css("section.evaluated"))
            .await?
            .len(),
        1,
        "admitted into the evaluation"
    );
    assert_eq!(
        client.find_all(Locator::Css("section.held")).await?.len(),
        held - 1
    );
    browser.quit().await?;
    if checked {
        problems.extend(vnu::errors(&[&pages])?);
    }
    assert_none("held proposal pages: axe and Nu HTML Checker", &problems);
    Ok(())
}

/// Issue 10's pages that no journey step shows, saved for the Nu HTML Checker: the 409 for a
/// public post to an address that has a proposal (a held one here, which it must not replace),
/// and the owner's evaluation page while proposals are sealed (signed in by a link asked for on
/// the public sign-in page).
async fn sealed_pages(
    server: &Server,
    slug: &str,
    owner: &str,
    pages: &Path,
) -> anyhow::Result<()> {
    let mut fields = journey::valid_fields(slug, "eve@example.com");
    for (name, value) in &mut fields {
        if *name == "proposal" {
            *value = "Someone else's plan.".into();
        }
    }
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(n, v)| (*n, v.as_str())).collect();
    let taken = http::post_form(server.port(), "/api/proposals", &pairs)?;
    anyhow::ensure!(taken.status == 409, "taken address: {}", taken.status);
    std::fs::write(pages.join("taken-409.html"), &taken.body)?;
    // Nothing replaced; the held proposal's private link goes to its address.
    wait_for_mail(&server.site().outbox(), &["eve@example.com"], 1).await?;
    let asked = http::post_form(server.port(), "/api/owner/sign-in", &[("email", owner)])?;
    anyhow::ensure!(asked.status == 200, "sign-in request: {}", asked.status);
    let mails = wait_for_mail(&server.site().outbox(), &[owner], 1).await?;
    let mail = mails
        .iter()
        .find(|m| m.is_to(owner))
        .expect("a sign-in link");
    let landing = link(mail, "/api/owner/session?t=");
    let token = landing.split_once("?t=").map_or("", |(_, t)| t);
    let session = http::post_form(server.port(), "/api/owner/session", &[("t", token)])?;
    let cookie = session
        .header("set-cookie")
        .and_then(|c| c.split(';').next())
        .ok_or_else(|| anyhow::anyhow!("no session: {}", session.status))?;
    let sealed = http::get_with_cookie(
        server.port(),
        &format!("/api/owner/evaluations/{slug}"),
        cookie,
    )?;
    anyhow::ensure!(sealed.body.contains("sealed"), "{}", sealed.body);
    save(pages, "evaluation-sealed", &sealed)
}

#[tokio::test]
async fn a_filled_honeypot_is_held_then_admitted_with_javascript() -> anyhow::Result<()> {
    held_journey(Js::Enabled).await
}

#[tokio::test]
async fn a_filled_honeypot_is_held_then_admitted_without_javascript() -> anyhow::Result<()> {
    held_journey(Js::Disabled).await
}
