//! The award section of the evaluation page and the confirmation page of each step of
//! [`crate::award`]. Plain forms: no JavaScript needed, every value escaped.

use crate::compose_mail::proponent;
use crate::owner::Session;
use crate::response::page;
use crate::store::StoredProposal;
use bytes::Bytes;
use cwu_domain::award;
use cwu_domain::evaluation::{Change, Sheet};
use cwu_domain::html::escape_html;
use cwu_domain::{Registry, RegistryEntry, Status, urls, when};
use http::{Response, StatusCode};
use jiff::Timestamp;
use std::collections::BTreeMap;
use std::fmt::Write;

/// The fields a step's form may post; the confirmation page posts them again.
const FIELDS: [&str; 6] = [
    "action",
    "proposal",
    "justification",
    "date",
    "links",
    "amount",
];

/// Opens a step's form; `step` is its `action` field (`None`: the caller adds it).
fn form_start(
    html: &mut String,
    session: &Session,
    opportunity: &RegistryEntry,
    step: Option<&str>,
) {
    let _ = write!(
        html,
        r#"<form method="post" action="{}"><input type="hidden" name="csrf" value="{}">"#,
        escape_html(&urls::evaluation_outcome(&opportunity.slug)),
        escape_html(&session.csrf),
    );
    if let Some(step) = step {
        let _ = write!(
            html,
            r#"<input type="hidden" name="action" value="{step}">"#
        );
    }
}

/// The "Award" section: the award form once every proposal is scored or disqualified, then
/// what was recorded and the acceptance and payment forms.
pub fn section(
    session: &Session,
    opportunity: &RegistryEntry,
    proposals: &[&StoredProposal],
    sheet: &Sheet,
    now: Timestamp,
) -> String {
    let e = escape_html;
    if now < opportunity.proposal_deadline || opportunity.status_at(now) == Status::Cancelled {
        return String::new();
    }
    let mut html = String::from(r#"<h2 id="outcome">Award, acceptance and payment</h2>"#);
    let Some(outcome) = &sheet.outcome else {
        if opportunity.awarded() {
            html.push_str("<p>This opportunity was awarded in its page's front matter.</p>");
            return html;
        }
        award_form(&mut html, session, opportunity, proposals, sheet);
        return html;
    };
    let awarded = &outcome.awarded;
    let winner = sheet
        .winner
        .as_deref()
        .and_then(|w| proposals.iter().find(|p| p.reference() == w))
        .map_or_else(|| awarded.proponent.clone(), |p| proponent(p));
    let _ = write!(
        html,
        "<p>The evaluation is final. Awarded to <strong>{}</strong> on {} for {}; every proponent evaluated was emailed their result.</p><dl class=\"receipt\">",
        e(&winner),
        e(&when::display(awarded.date)),
        awarded.amount
    );
    match &outcome.accepted {
        Some(accepted) => {
            let _ = write!(
                html,
                "<dt>Work accepted</dt><dd>{}<ul>",
                e(&when::display_date(accepted.date))
            );
            for link in &accepted.links {
                let _ = write!(html, r#"<li><a href="{0}">{0}</a></li>"#, e(link));
            }
            html.push_str("</ul></dd>");
        }
        None => html.push_str("<dt>Work accepted</dt><dd>not yet</dd>"),
    }
    match &outcome.paid {
        Some(paid) => {
            let _ = write!(
                html,
                "<dt>Paid</dt><dd>{} on {}</dd>",
                paid.amount,
                e(&when::display_date(paid.date))
            );
        }
        None => html.push_str("<dt>Paid</dt><dd>not yet</dd>"),
    }
    html.push_str("</dl>");
    let today = when::in_vancouver(now).date().to_string();
    if outcome.accepted.is_none() {
        html.push_str("<h3>Record the work accepted</h3><p>When the delivered code meets every acceptance criterion, record the day and links to it. The winner is emailed, and the links appear on the public page.</p>");
        form_start(&mut html, session, opportunity, Some("accept"));
        let _ = write!(
            html,
            r#"<div class="field"><label for="accept-date">Accepted on</label><input type="date" id="accept-date" name="date" value="{today}" required></div><div class="field"><label for="accept-links">Links to the delivered code</label><p class="hint" id="accept-links-hint">One https:// link per line: the merged pull requests or the release.</p><textarea id="accept-links" name="links" rows="3" aria-describedby="accept-links-hint" required></textarea></div><button type="submit">Review the acceptance</button></form>"#
        );
    } else if outcome.paid.is_none() {
        html.push_str("<h3>Record the payment</h3><p>When the fixed price has been paid, record the day and the amount. The winner is emailed, and the payment appears on the public page.</p>");
        form_start(&mut html, session, opportunity, Some("pay"));
        let _ = write!(
            html,
            r#"<div class="field"><label for="pay-date">Paid on</label><input type="date" id="pay-date" name="date" value="{today}" required></div><div class="field"><label for="pay-amount">Amount paid, in dollars</label><p class="hint" id="pay-amount-hint">The fixed price: {}.</p><input type="text" inputmode="numeric" id="pay-amount" name="amount" size="10" aria-describedby="pay-amount-hint" required></div><button type="submit">Review the payment</button></form>"#,
            awarded.amount
        );
    }
    html
}

fn award_form(
    html: &mut String,
    session: &Session,
    opportunity: &RegistryEntry,
    proposals: &[&StoredProposal],
    sheet: &Sheet,
) {
    let e = escape_html;
    let criteria = &opportunity.evaluation_criteria;
    let unscored = proposals
        .iter()
        .map(|p| sheet.row(p.reference()))
        .filter(|row| row.disqualified.is_none() && !row.complete(criteria))
        .count();
    if unscored > 0 {
        let _ = write!(
            html,
            "<p>Once every proposal is scored on every criterion or disqualified, you can award the work here. Not fully scored yet: {unscored}.</p>"
        );
        return;
    }
    let references: Vec<String> = proposals.iter().map(|p| p.reference().to_owned()).collect();
    let ranks = sheet.ranks(&references);
    let top = award::top(sheet, &references);
    if top.is_empty() {
        html.push_str("<p>There is nothing to award: no proposal remains in the ranking. Cancel the opportunity, or post it again.</p>");
        return;
    }
    let mut ranked: Vec<(&StoredProposal, usize)> = proposals
        .iter()
        .filter_map(|p| ranks.get(p.reference()).map(|r| (*p, r.place)))
        .collect();
    ranked.sort_by_key(|(_, place)| *place);
    html.push_str(if top.len() == 1 {
        "<p>Every proposal is scored. The top-ranked proposal is selected; choosing another needs a written justification, kept in the audit trail. Next you confirm; then every proponent is emailed their result, and the award cannot be changed.</p>"
    } else {
        "<p>Every proposal is scored, and more than one shares the top rank: choose one and write why, for the audit trail. Next you confirm; then every proponent is emailed their result, and the award cannot be changed.</p>"
    });
    form_start(html, session, opportunity, Some("award"));
    html.push_str("<fieldset><legend>Award the work to</legend>");
    for (i, (p, place)) in ranked.iter().enumerate() {
        let reference = p.reference();
        let checked = if top.len() == 1 && top[0] == reference {
            " checked"
        } else {
            ""
        };
        let _ = write!(
            html,
            r#"<div class="field"><input type="radio" id="award-{i}" name="proposal" value="{r}" required{checked}> <label for="award-{i}">{name}: total {total}{first}</label></div>"#,
            r = e(reference),
            name = e(&proponent(p)),
            total = sheet.row(reference).total(),
            first = if *place == 1 { ", ranked first" } else { "" },
        );
    }
    html.push_str(r#"</fieldset><div class="field"><label for="award-justification">Justification</label><p class="hint" id="award-justification-hint">Required when the proposal chosen is not alone at the top. Kept in the audit trail.</p><textarea id="award-justification" name="justification" rows="3" aria-describedby="award-justification-hint"></textarea></div><button type="submit">Review the award</button></form>"#);
}

/// The page that shows what a step records and asks to confirm it.
pub fn confirm(
    session: &Session,
    registry: &Registry,
    opportunity: &RegistryEntry,
    form: &BTreeMap<String, String>,
    proposal: &StoredProposal,
    change: &Change,
) -> Response<Bytes> {
    let e = escape_html;
    let name = proponent(proposal);
    let (title, summary, button) = match change {
        Change::Award {
            amount,
            justification,
            ..
        } => {
            let mut summary = format!(
                "<p>Award the work on “{}” to <strong>{}</strong> (reference {}) for {amount}.</p>",
                e(&opportunity.title),
                e(&name),
                e(proposal.reference())
            );
            if !justification.is_empty() {
                let _ = write!(
                    summary,
                    r#"<p>Justification, kept in the audit trail:</p><div class="proposal-text">{}</div>"#,
                    e(justification)
                );
            }
            summary.push_str("<p>Once you confirm, every proponent evaluated is emailed their result: the winner, the others with their own total and rank, and those disqualified with the reason. An award is recorded once and cannot be changed.</p>");
            ("Confirm the award", summary, "Confirm the award")
        }
        Change::Accept { date, links } => {
            let mut summary = format!(
                "<p>Record the work of {} accepted on {}, delivered at:</p><ul>",
                e(&name),
                e(&when::display_date(*date))
            );
            for link in links {
                let _ = write!(summary, "<li>{}</li>", e(link));
            }
            summary.push_str("</ul><p>The winner is emailed, and the links appear on the opportunity's public page. This is recorded once and cannot be changed.</p>");
            ("Confirm the acceptance", summary, "Confirm the acceptance")
        }
        Change::Pay { date, amount } => (
            "Confirm the payment",
            format!(
                "<p>Record the payment of {amount} to {} made on {}.</p><p>The winner is emailed, and the payment appears on the opportunity's public page. This is recorded once and cannot be changed.</p>",
                e(&name),
                e(&when::display_date(*date))
            ),
            "Confirm the payment",
        ),
        _ => ("Confirm", String::new(), "Confirm"),
    };
    let mut main = format!("<h1>{title}</h1>{summary}");
    form_start(&mut main, session, opportunity, None);
    for field in FIELDS {
        if let Some(value) = form.get(field) {
            let _ = write!(
                main,
                r#"<input type="hidden" name="{field}" value="{}">"#,
                e(value)
            );
        }
    }
    let _ = write!(
        main,
        r#"<input type="hidden" name="confirm" value="yes"><button type="submit">{button}</button></form><p><a href="{}#outcome">Back to the evaluation without recording anything</a></p>"#,
        e(&urls::evaluation(&opportunity.slug))
    );
    page(StatusCode::OK, Some(registry), title, &main)
}
