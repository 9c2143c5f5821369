//! Proposals held as suspected spam (issue 13).
//!
//! The proposal form has a field people never see (`website`, the honeypot). A post that
//! fills it in is usually a program, but it may be a person whose autofill extension fills
//! every field, so it is never thrown away and never answered with a false success: it is
//! stored like any proposal (under the same rule: the public form never replaces an existing
//! one), marked [`StoredProposal::suspected_spam`], and the sender is told it is held for a
//! check. No receipt is mailed: the address was most likely typed by a program, so mailing it
//! would let anyone use the form to send mail to strangers. The sender gets the private link
//! by sending the form again (nothing is replaced; the link goes to the address).
//!
//! After the deadline (sealed like every proposal) the owner sees held proposals in their own
//! section of the evaluation page, out of the sheet, the ranking and the exports, and can move
//! each into the evaluation: an append-only [`Change::Admit`] event, shown in the audit trail.

use crate::compose_mail::{proponent, proposal_rows, proposal_texts};
use crate::response::page;
use crate::store::StoredProposal;
use bytes::Bytes;
use cwu_domain::evaluation::{Change, Sheet};
use cwu_domain::html::escape_html;
use cwu_domain::{Registry, RegistryEntry, urls, when};
use http::{Response, StatusCode};
use std::fmt::Write;

/// The form action that moves a held proposal into the evaluation.
pub const ADMIT: &str = "admit";

/// Splits current proposals into the ones evaluated and the ones still held: a proposal is
/// held while it is marked as suspected spam and the owner has not admitted it.
pub fn split(
    proposals: Vec<StoredProposal>,
    sheet: &Sheet,
) -> (Vec<StoredProposal>, Vec<StoredProposal>) {
    proposals
        .into_iter()
        .partition(|p| !p.suspected_spam || sheet.row(p.reference()).admitted)
}

/// The change a form `action` asks for on a held proposal, if it is [`ADMIT`].
pub fn change(action: &str) -> Option<Change> {
    (action == ADMIT).then_some(Change::Admit)
}

/// A proposal's fields and texts, escaped, under headings of `level`.
fn copy_html(html: &mut String, proposal: &StoredProposal, level: u8) {
    let e = escape_html;
    html.push_str(r#"<dl class="receipt">"#);
    for (label, value) in proposal_rows(proposal) {
        let _ = write!(html, "<dt>{label}</dt><dd>{}</dd>", e(&value));
    }
    html.push_str("</dl>");
    for (label, text) in proposal_texts(proposal) {
        let _ = write!(
            html,
            r#"<h{level}>{label}</h{level}><div class="proposal-text">{}</div>"#,
            e(&text)
        );
    }
}

/// 202 for a post that filled the honeypot: saved and held, said plainly, with a copy of
/// everything sent (the page is the receipt: no mail goes out).
pub fn received(
    registry: &Registry,
    opportunity: &RegistryEntry,
    proposal: &StoredProposal,
) -> Response<Bytes> {
    let e = escape_html;
    let mut main = format!(
        r#"<h1>Proposal received and held for a check</h1>
<p>Your proposal for <a href="{url}">{title}</a> was saved, but it is held apart as possible spam: the form has a field hidden from people, and it was filled in. Programs that send spam fill it; so do some browser extensions that fill in every field.</p>
<h2>What happens next</h2>
<ul>
<li>After the deadline ({deadline}) the product owner reads the held proposals and moves each one sent by a person into the evaluation. Until then, like every proposal, it stays sealed.</li>
<li>We sent no receipt email, because whoever fills in that field usually typed someone else's address. This page is your receipt: keep a copy of it.</li>
<li>To get the private link that updates or withdraws your proposal, send the form again with the same email address: nothing is replaced, and we email the link to that address.</li>
<li>If you use an autofill extension, switch it off for this site.</li>
</ul>
<p>Questions? Write to <a href="mailto:{contact}">{contact}</a>.</p>
<h2>What you sent</h2>"#,
        url = e(&urls::opportunity(&opportunity.slug)),
        title = e(&opportunity.title),
        deadline = e(&when::display(opportunity.proposal_deadline)),
        contact = e(&registry.site.contact_email),
    );
    copy_html(&mut main, proposal, 3);
    page(
        StatusCode::ACCEPTED,
        Some(registry),
        "Proposal received and held for a check",
        &main,
    )
}

/// The evaluation page's "Suspected spam" section (empty when nothing is held): each held
/// proposal whole, with a form (carrying the session's `csrf` token) moving it into the
/// evaluation when `editable`.
pub fn section_html(
    csrf: &str,
    opportunity: &RegistryEntry,
    held: &[StoredProposal],
    editable: bool,
) -> String {
    if held.is_empty() {
        return String::new();
    }
    let e = escape_html;
    let mut html = format!(
        r#"<h2 id="suspected-spam">Suspected spam ({})</h2><p>These were sent with the form's hidden field filled in, which programs do, and so do some autofill extensions. They are not scored, ranked or exported. If one was sent by a person, move it into the evaluation; the move is kept in the audit trail.</p>"#,
        held.len()
    );
    let disabled = if editable { "" } else { " disabled" };
    for proposal in held {
        let r = e(proposal.reference());
        let _ = write!(
            html,
            r#"<section class="held" aria-labelledby="held-{r}"><h3 id="held-{r}">{name} (reference {r}, suspected spam)</h3>"#,
            name = e(&proponent(proposal))
        );
        copy_html(&mut html, proposal, 4);
        let _ = write!(
            html,
            r#"<form method="post" action="{action}#p-{r}"><input type="hidden" name="csrf" value="{csrf}"><input type="hidden" name="proposal" value="{r}"><input type="hidden" name="action" value="{ADMIT}"><button type="submit"{disabled}>Move into the evaluation</button></form></section>"#,
            action = e(&urls::evaluation(&opportunity.slug)),
            csrf = e(csrf),
        );
    }
    html
}
