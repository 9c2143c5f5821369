//! The pages the submit handler answers with when it stores nothing: each says what went wrong
//! and, where the proponent can fix it, gives the form back with everything typed kept.

use crate::config::SUBMIT_PATH;
use crate::decode::DecodeError;
use crate::form::{FormTarget, render_form};
use crate::response::{BOARD_LINK, message, page};
use bytes::Bytes;
use cwu_domain::html::escape_html;
use cwu_domain::proposal::{FieldError, ProposalForm};
use cwu_domain::{Registry, RegistryEntry, urls, when};
use http::{HeaderValue, Response, StatusCode, header};
use jiff::Timestamp;

/// 413, 415 or 400 for a body that is not a proposal form.
pub fn refused(registry: &Registry, error: &DecodeError) -> Response<Bytes> {
    let back = r#"<p>Go back to the opportunity's page and use its form.</p>"#;
    match error {
        // Only a body beyond every field's limit gets here (the limit fits them all in any
        // script); the text is still in the form the browser shows on Back.
        DecodeError::TooLarge => message(
            StatusCode::PAYLOAD_TOO_LARGE,
            Some(registry),
            "Proposal too large",
            &[
                &format!(
                    "Your proposal was not saved: the form sent more than {} KiB. The proposal and comments may each have at most 10,000 characters.",
                    cwu_domain::proposal::limits::BODY_BYTES / 1024
                ),
                "Your text is not lost: use your browser's Back button to return to the form with everything you typed, shorten the proposal or the comments, and send it again.",
            ],
            "",
        ),
        DecodeError::UnsupportedType => message(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Some(registry),
            "Unsupported form data",
            &[
                "Your proposal was not saved: this address accepts only the HTML form (application/x-www-form-urlencoded, UTF-8).",
            ],
            back,
        ),
        DecodeError::Malformed(why) => message(
            StatusCode::BAD_REQUEST,
            Some(registry),
            "Malformed form data",
            &[&format!("Your proposal was not saved: {why}.")],
            back,
        ),
    }
}

fn back_link(opportunity: &RegistryEntry) -> String {
    format!(
        r#"<p><a href="{}">Back to {}</a></p>"#,
        escape_html(&urls::opportunity(&opportunity.slug)),
        escape_html(&opportunity.title)
    )
}

/// 410: the deadline passed (by this function's clock) or the opportunity is not open.
pub(super) fn closed(
    registry: &Registry,
    opportunity: &RegistryEntry,
    form: &ProposalForm,
    now: Timestamp,
) -> Response<Bytes> {
    let status = opportunity.status_at(now);
    let why =
        if now >= opportunity.proposal_deadline && status == cwu_domain::Status::UnderEvaluation {
            format!(
                "Proposals for “{}” closed on {}. Your proposal was not saved.",
                opportunity.title,
                when::display(opportunity.proposal_deadline)
            )
        } else {
            format!(
                "“{}” is not accepting proposals (status: {}). Your proposal was not saved.",
                opportunity.title,
                status.label()
            )
        };
    message(
        StatusCode::GONE,
        Some(registry),
        "Proposals are closed",
        &[&why],
        &format!("{}{}{BOARD_LINK}", typed_text(form), back_link(opportunity)),
    )
}

/// What the person typed, shown back read-only on a page that did not save it, so nothing
/// typed is lost.
pub fn typed_text(form: &ProposalForm) -> String {
    let mut html = String::from(
        "<h2>What you typed</h2><p>Nothing of it was saved. Copy it from here to keep it.</p>",
    );
    for (name, label, text) in [
        ("proposal", "Proposal", &form.proposal),
        ("comments", "Additional comments", &form.comments),
    ] {
        if !text.trim().is_empty() {
            html.push_str(&format!(
                r#"<div class="field"><label for="typed-{name}">{label}</label><textarea id="typed-{name}" rows="12" readonly>
{}</textarea></div>"#,
                escape_html(text)
            ));
        }
    }
    html
}

/// 409: the address already has a proposal; nothing changed, its manage link was mailed.
pub(super) fn already_submitted(
    registry: &Registry,
    opportunity: &RegistryEntry,
    form: &ProposalForm,
) -> Response<Bytes> {
    message(
        StatusCode::CONFLICT,
        Some(registry),
        "This address already has a proposal",
        &[
            &format!(
                "A proposal for “{}” was already submitted with this email address, so nothing was changed.",
                opportunity.title
            ),
            "Only the private link in that proposal's receipt email can update or withdraw it. We have emailed the link to the address again (at most once an hour).",
        ],
        &format!("{}{}", typed_text(form), back_link(opportunity)),
    )
}

fn form_target<'a>(registry: &'a Registry, opportunity: &'a RegistryEntry) -> FormTarget<'a> {
    FormTarget {
        action: SUBMIT_PATH,
        opportunity: &opportunity.slug,
        terms_version: &registry.site.terms_version,
    }
}

/// 422: the form again with the values kept and each error next to its field.
pub(super) fn invalid(
    registry: &Registry,
    opportunity: &RegistryEntry,
    form: &ProposalForm,
    errors: &[FieldError],
) -> Response<Bytes> {
    let title = format!("Error: check your proposal for {}", opportunity.title);
    let main = format!(
        "<h1>Check your proposal</h1><p>Your proposal for <a href=\"{}\">{}</a> was not saved yet. Correct the fields below and submit again.</p>{}",
        escape_html(&urls::opportunity(&opportunity.slug)),
        escape_html(&opportunity.title),
        render_form(form_target(registry, opportunity), form, errors)
    );
    page(
        StatusCode::UNPROCESSABLE_ENTITY,
        Some(registry),
        &title,
        &main,
    )
}

/// 503: storage failed. Says so, and gives the form back so nothing typed is lost.
pub(super) fn not_saved(
    registry: &Registry,
    opportunity: &RegistryEntry,
    form: &ProposalForm,
) -> Response<Bytes> {
    let main = format!(
        "<h1>Your proposal was not saved</h1><p>Our storage is unavailable right now, so nothing was saved and no email was sent. Wait a minute and submit again: your text is kept in the form below.</p><p>If this keeps happening, write to <a href=\"mailto:{0}\">{0}</a> before the deadline ({1}).</p>{2}",
        escape_html(&registry.site.contact_email),
        escape_html(&when::display(opportunity.proposal_deadline)),
        render_form(form_target(registry, opportunity), form, &[])
    );
    let mut response = page(
        StatusCode::SERVICE_UNAVAILABLE,
        Some(registry),
        "Your proposal was not saved",
        &main,
    );
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("60"));
    response
}
