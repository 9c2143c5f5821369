//! Every mail the functions send, composed with `lettre` as a complete MIME message (plain text
//! and HTML, every value escaped in HTML, headers on one line and RFC 2047-encoded) ready for
//! the outbox: the proponent's receipt and withdrawal confirmation, the "you already have a
//! proposal" reminder, and the owner's deadline invitation and sign-in link. Nothing here goes
//! to an owner before the deadline: proposals are sealed.
//!
//! Mails that must go out once whatever happens (an invitation, a reminder per hour) get an
//! id derived from what they are about ([`fixed_id`]): adding them twice to the outbox adds
//! them once ([`crate::store::ProposalStore::add_mails`]).

use crate::mail::{MailKind, MailState, OutboxMail};
use crate::store::StoredProposal;
use cwu_domain::html::escape_html;
use cwu_domain::registry::SiteInfo;
use cwu_domain::{RegistryEntry, when};
use jiff::Timestamp;
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::{Address, Message};
use sha2::{Digest, Sha256};

/// Why a mail could not be composed (configuration or an invalid stored address).
#[derive(Debug, thiserror::Error)]
pub enum NoticeError {
    /// `MAIL_FROM` is not a mailbox.
    #[error("the sender address `{0}` is not valid")]
    Sender(String),
    /// The recipient's address is not valid.
    #[error("a recipient's address is not valid")]
    Recipient,
    /// `lettre` refused the message.
    #[error("cannot build the mail: {0}")]
    Build(String),
}

/// Control characters become spaces: a header value stays on one line.
pub(crate) fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// A ULID whose time part is `at` and whose random part is a hash of `about`: the same mail
/// always gets the same id, and ids still sort by time in the outbox.
pub fn fixed_id(at: Timestamp, about: &str) -> String {
    let hash = Sha256::digest(about.as_bytes());
    let mut random = [0u8; 16];
    random[6..].copy_from_slice(&hash[..10]);
    let millis = u64::try_from(at.as_millisecond()).unwrap_or(0);
    ulid::Ulid::from_parts(millis, u128::from_be_bytes(random)).to_string()
}

/// One mail to compose: who, what, and the body as paragraphs (plain text; links are
/// written out in full so both parts carry them).
pub struct Notice<'a> {
    /// The outbox id ([`crate::ids::ulid_at`] or [`fixed_id`]).
    pub id: String,
    /// What it is about (a proposal version's id, an opportunity's slug), for the outbox.
    pub about: String,
    /// The kind, for logs and tests.
    pub kind: MailKind,
    /// The recipient's display name.
    pub to_name: &'a str,
    /// The recipient's address.
    pub to: &'a str,
    /// The subject (one line).
    pub subject: String,
    /// Paragraphs; a paragraph that is a URL becomes a link in the HTML part.
    pub paragraphs: Vec<String>,
    /// Labelled values shown as a table after the paragraphs.
    pub rows: Vec<(&'static str, String)>,
    /// Long texts (heading, text) shown whole at the end, e.g. the proposal.
    pub texts: Vec<(&'static str, String)>,
    /// When it was created (its `Date`).
    pub at: Timestamp,
}

/// Builds the outbox item for `notice`, sent from `mail_from`.
pub fn compose(
    notice: Notice<'_>,
    site: &SiteInfo,
    mail_from: &str,
) -> Result<OutboxMail, NoticeError> {
    let bodies = bodies(&notice, site);
    outbox_mail(
        Envelope {
            id: notice.id,
            about: notice.about,
            kind: notice.kind,
            mail_from,
            to_name: Some(notice.to_name),
            to: notice.to,
            subject: &notice.subject,
            at: notice.at,
            headers: Vec::new(),
        },
        bodies,
    )
}

/// The headers and outbox bookkeeping of one mail: [`compose`] and the notification mails
/// (`notify::mails`) each write the bodies and share the rest.
pub(crate) struct Envelope<'a> {
    /// The outbox id, also the `Message-ID`'s left part.
    pub id: String,
    /// What it is about, for the outbox.
    pub about: String,
    /// The kind, for logs and tests.
    pub kind: MailKind,
    /// `MAIL_FROM`.
    pub mail_from: &'a str,
    /// The recipient's display name, if the mail greets them by name.
    pub to_name: Option<&'a str>,
    /// The recipient's address.
    pub to: &'a str,
    /// The subject (flattened to one line here).
    pub subject: &'a str,
    /// When it was created (its `Date`).
    pub at: Timestamp,
    /// More headers, name and value (the one-click unsubscribe ones).
    pub headers: Vec<(&'static str, String)>,
}

/// The outbox item for `envelope` with its plain text and HTML bodies, pending.
pub(crate) fn outbox_mail(
    envelope: Envelope<'_>,
    (text, html): (String, String),
) -> Result<OutboxMail, NoticeError> {
    let from: Mailbox = envelope
        .mail_from
        .parse()
        .map_err(|_| NoticeError::Sender(envelope.mail_from.to_owned()))?;
    let address: Address = envelope.to.parse().map_err(|_| NoticeError::Recipient)?;
    let to = Mailbox::new(envelope.to_name.map(one_line), address);
    let subject = one_line(envelope.subject);
    let domain = from.email.domain().to_owned();
    let mut message = Message::builder()
        .from(from.clone())
        .to(to.clone())
        .subject(subject.clone())
        .date(crate::ids::system_time(envelope.at))
        .message_id(Some(format!("<{}@{domain}>", envelope.id)));
    for (name, value) in envelope.headers {
        message = message.raw_header(HeaderValue::new(
            HeaderName::new_from_ascii_str(name),
            value,
        ));
    }
    let message = message
        .multipart(MultiPart::alternative_plain_html(text, html))
        .map_err(|e| NoticeError::Build(e.to_string()))?;
    Ok(OutboxMail {
        id: envelope.id,
        proposal_id: envelope.about,
        kind: envelope.kind,
        from: from.email.to_string(),
        to: vec![to.email.to_string()],
        subject,
        raw: String::from_utf8_lossy(&message.formatted()).into_owned(),
        created_at: envelope.at,
        state: MailState::Pending,
        attempts: 0,
        lease_until: None,
        claim: None,
        last_error: None,
        sent_at: None,
        audience: None,
    })
}

fn bodies(notice: &Notice<'_>, site: &SiteInfo) -> (String, String) {
    let e = escape_html;
    let mut text = String::new();
    let mut html = format!(
        r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{}</title></head><body>"#,
        e(&notice.subject)
    );
    for paragraph in &notice.paragraphs {
        text.push_str(paragraph);
        text.push_str("\n\n");
        if paragraph.starts_with("http://") || paragraph.starts_with("https://") {
            html.push_str(&format!(r#"<p><a href="{0}">{0}</a></p>"#, e(paragraph)));
        } else {
            html.push_str(&format!("<p>{}</p>", e(paragraph)));
        }
    }
    if !notice.rows.is_empty() {
        html.push_str("<table>");
        for (label, value) in &notice.rows {
            text.push_str(&format!("{label}: {value}\n"));
            html.push_str(&format!(
                r#"<tr><th scope="row" align="left">{label}</th><td>{}</td></tr>"#,
                e(value)
            ));
        }
        html.push_str("</table>");
        text.push('\n');
    }
    for (heading, body) in &notice.texts {
        text.push_str(&format!("{}\n\n{body}\n\n", heading.to_uppercase()));
        html.push_str(&format!(
            r#"<h2>{heading}</h2><div style="white-space: pre-wrap">{}</div>"#,
            e(body)
        ));
    }
    text.push_str(&format!("-- \n{}\n", site.title));
    html.push_str(&format!("<p>{}</p></body></html>", e(&site.title)));
    (text, html)
}

/// Every field of a proposal version as labelled rows (both the receipt and the withdrawal
/// confirmation show them), with the reference and version first.
pub fn proposal_rows(proposal: &StoredProposal) -> Vec<(&'static str, String)> {
    let f = &proposal.fields;
    let mut rows = vec![
        ("Reference", proposal.reference().to_owned()),
        ("Version", proposal.version.to_string()),
        ("Submitted", when::display(proposal.submitted_at)),
        (
            "Terms accepted",
            format!(
                "version {} at {}",
                f.terms_version,
                when::display(proposal.terms_accepted_at)
            ),
        ),
        (
            "Proponent type",
            match f.proponent_type {
                cwu_domain::proposal::ProponentType::Individual => "Individual".to_owned(),
                cwu_domain::proposal::ProponentType::Organization => "Organization".to_owned(),
            },
        ),
        ("Legal name", f.legal_name.clone()),
    ];
    if let Some(org) = &f.organization_name {
        rows.push(("Organization", org.clone()));
    }
    rows.push(("Email", f.email.clone()));
    if let Some(phone) = &f.phone {
        rows.push(("Phone", phone.clone()));
    }
    rows
}

/// Who is proposing, as one line: `Ana Lee` or `Ana Lee (Acme Ltd.)`.
pub fn proponent(proposal: &StoredProposal) -> String {
    let f = &proposal.fields;
    match &f.organization_name {
        Some(org) => format!("{} ({org})", f.legal_name),
        None => f.legal_name.clone(),
    }
}

/// The proposal's long texts: the proposal and, when given, the comments.
pub fn proposal_texts(proposal: &StoredProposal) -> Vec<(&'static str, String)> {
    let mut texts = vec![("Proposal", proposal.fields.proposal.clone())];
    if let Some(comments) = &proposal.fields.comments {
        texts.push(("Additional comments", comments.clone()));
    }
    texts
}

/// The receipt: the whole proposal as stored, its reference and version, and the private
/// manage link (the only way to change it).
pub fn receipt(
    proposal: &StoredProposal,
    opportunity: &RegistryEntry,
    site: &SiteInfo,
    mail_from: &str,
    manage_url: &str,
) -> Result<OutboxMail, NoticeError> {
    let version = if proposal.version > 1 {
        format!(" (version {})", proposal.version)
    } else {
        String::new()
    };
    compose(
        Notice {
            id: crate::ids::ulid_at(proposal.submitted_at),
            about: proposal.id.clone(),
            kind: MailKind::Receipt,
            to_name: &proposal.fields.legal_name,
            to: &proposal.fields.email,
            subject: format!("Receipt: your proposal{version} for {}", opportunity.title),
            paragraphs: vec![
                format!(
                    "Thank you. Your proposal for \"{}\" was received and saved. This mail holds a complete copy of it.",
                    opportunity.title
                ),
                format!(
                    "Until the deadline ({}) you can view, update or withdraw it with this private link. Do not share it: anyone with it can change your proposal.",
                    when::display(opportunity.proposal_deadline)
                ),
                manage_url.to_owned(),
                format!(
                    "Proposals are sealed: nobody, not even the product owner at {}, sees them before the deadline. Then the owner scores every proposal that is not withdrawn against the evaluation criteria. Questions go to {}, in the open. You are also emailed about changes to this opportunity (an addendum, a changed deadline or dates, a cancellation); each such mail can stop them with one click.",
                    opportunity.organization,
                    opportunity.questions.as_deref().unwrap_or(&opportunity.url)
                ),
                format!(
                    "If you did not submit this proposal, withdraw it with the link above and write to {}.",
                    site.contact_email
                ),
                opportunity.url.clone(),
            ],
            rows: proposal_rows(proposal),
            texts: proposal_texts(proposal),
            at: proposal.submitted_at,
        },
        site,
        mail_from,
    )
}

/// Confirms a withdrawal to the proponent.
pub fn withdrawn(
    proposal: &StoredProposal,
    opportunity: &RegistryEntry,
    site: &SiteInfo,
    mail_from: &str,
    manage_url: &str,
) -> Result<OutboxMail, NoticeError> {
    let at = proposal.withdrawn_at.unwrap_or(proposal.submitted_at);
    compose(
        Notice {
            id: crate::ids::ulid_at(at),
            about: proposal.id.clone(),
            kind: MailKind::Withdrawal,
            to_name: &proposal.fields.legal_name,
            to: &proposal.fields.email,
            subject: format!("Withdrawn: your proposal for {}", opportunity.title),
            paragraphs: vec![
                format!(
                    "Your proposal for \"{}\" was withdrawn on {}. It will not be evaluated. Its earlier versions are kept in the record.",
                    opportunity.title,
                    when::display(at)
                ),
                format!(
                    "You can submit it again before the deadline ({}) from your private link:",
                    when::display(opportunity.proposal_deadline)
                ),
                manage_url.to_owned(),
                format!(
                    "If you did not withdraw it, submit it again from the link and write to {}.",
                    site.contact_email
                ),
            ],
            rows: proposal_rows(proposal),
            texts: Vec::new(),
            at,
        },
        site,
        mail_from,
    )
}

/// Tells an address that already has a proposal that a public form post changed nothing, and
/// gives it its manage link again. One per proposal per hour (a fixed id).
pub fn already_submitted(
    current: &StoredProposal,
    opportunity: &RegistryEntry,
    site: &SiteInfo,
    mail_from: &str,
    manage_url: &str,
    now: Timestamp,
) -> Result<OutboxMail, NoticeError> {
    let hour = now.as_second().div_euclid(3_600);
    compose(
        Notice {
            id: fixed_id(now, &format!("already\0{}\0{hour}", current.reference())),
            about: current.id.clone(),
            kind: MailKind::Reminder,
            to_name: &current.fields.legal_name,
            to: &current.fields.email,
            subject: format!("Your proposal for {} was not changed", opportunity.title),
            paragraphs: vec![
                format!(
                    "Someone, perhaps you, sent a proposal for \"{}\" from the public form with this address on {}. This address already has a proposal, so nothing was changed: only its private link can change it.",
                    opportunity.title,
                    when::display(now)
                ),
                "To view, update or withdraw your proposal, use this link:".to_owned(),
                manage_url.to_owned(),
                "If it was not you, you need not do anything.".to_owned(),
            ],
            rows: vec![
                ("Reference", current.reference().to_owned()),
                ("Version", current.version.to_string()),
            ],
            texts: Vec::new(),
            at: now,
        },
        site,
        mail_from,
    )
}

/// The owner's invitation at the deadline: how many proposals are in, and a sign-in link.
pub fn invitation(
    opportunity: &RegistryEntry,
    count: usize,
    site: &SiteInfo,
    mail_from: &str,
    sign_in_url: &str,
    now: Timestamp,
) -> Result<OutboxMail, NoticeError> {
    let mut paragraphs = vec![format!(
        "Proposals for \"{}\" closed on {}.",
        opportunity.title,
        when::display(opportunity.proposal_deadline)
    )];
    if count == 0 {
        paragraphs.push("No proposals were received.".to_owned());
        paragraphs.push(format!(
            "Next steps: post the opportunity again with a later deadline, extend this one by changing its proposal_deadline in a pull request, or cancel it. Write to {} if you want help.",
            site.contact_email
        ));
    } else {
        paragraphs.push(format!(
            "{count} {} received. Sign in to read and score {}; this link works once, for 3 days:",
            if count == 1 {
                "proposal was"
            } else {
                "proposals were"
            },
            if count == 1 { "it" } else { "them" }
        ));
        paragraphs.push(sign_in_url.to_owned());
        paragraphs.push(
            "If the link has expired, ask for a new one on the product owner sign-in page."
                .to_owned(),
        );
    }
    compose(
        Notice {
            id: fixed_id(
                opportunity.proposal_deadline,
                &format!("invitation\0{}", opportunity.slug),
            ),
            about: opportunity.slug.clone(),
            kind: MailKind::Invitation,
            to_name: &opportunity.owner.name,
            to: &opportunity.owner.email,
            subject: format!("Proposals closed: {}", opportunity.title),
            paragraphs,
            rows: Vec::new(),
            texts: Vec::new(),
            at: now,
        },
        site,
        mail_from,
    )
}

/// A one-time sign-in link for an owner.
pub fn sign_in(
    name: &str,
    email: &str,
    site: &SiteInfo,
    mail_from: &str,
    sign_in_url: &str,
    now: Timestamp,
) -> Result<OutboxMail, NoticeError> {
    compose(
        Notice {
            id: crate::ids::ulid_at(now),
            about: "sign-in".to_owned(),
            kind: MailKind::SignIn,
            to_name: name,
            to: email,
            subject: format!("Sign in to {}", site.title),
            paragraphs: vec![
                "Use this link to sign in as a product owner. It works once, for 15 minutes:"
                    .to_owned(),
                sign_in_url.to_owned(),
                "If you did not ask for it, ignore this mail: nobody can sign in without it."
                    .to_owned(),
            ],
            rows: Vec::new(),
            texts: Vec::new(),
            at: now,
        },
        site,
        mail_from,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_ids_are_stable_distinct_and_time_ordered() {
        let at: Timestamp = "2026-12-01T00:00:00Z".parse().unwrap();
        let later: Timestamp = "2026-12-02T00:00:00Z".parse().unwrap();
        assert_eq!(fixed_id(at, "a"), fixed_id(at, "a"));
        assert_ne!(fixed_id(at, "a"), fixed_id(at, "b"));
        assert!(fixed_id(at, "z") < fixed_id(later, "a"));
        assert_eq!(fixed_id(at, "a").len(), 26);
    }

    fn invitation_for(title: &str, name: &str) -> OutboxMail {
        let registry = crate::testing::registry();
        let mut entry = registry.get(crate::testing::OPEN).unwrap().clone();
        entry.title = title.into();
        entry.owner.name = name.into();
        invitation(
            &entry,
            2,
            &registry.site,
            crate::testing::MAIL_FROM,
            "https://cwu.example.ca/api/owner/session?t=x",
            crate::testing::now(),
        )
        .unwrap()
    }

    #[test]
    fn line_breaks_never_reach_the_headers() {
        let mail = invitation_for("Title\r\nBcc: y@evil.test", "Priya\r\nX-Injected: 1");
        let headers = mail.raw.split_once("\r\n\r\n").unwrap().0;
        assert!(
            headers
                .lines()
                .all(|l| !l.starts_with("Bcc") && !l.starts_with("X-Injected")),
            "{headers}"
        );
        assert!(!mail.subject.contains('\n'));
    }

    #[test]
    fn values_are_escaped_and_non_ascii_subjects_encoded() {
        let mail = invitation_for("API des permis — <forêts> & co", "Zoë");
        assert!(mail.raw.is_ascii(), "7-bit message");
        assert!(mail.raw.contains("=?utf-8?b?"), "{}", mail.raw);
        let html = mail.raw.split("Content-Type: text/html").nth(1).unwrap();
        assert!(!html.contains("<for"), "escaped: {html}");
    }

    #[test]
    fn a_bad_sender_is_a_configuration_error() {
        let registry = crate::testing::registry();
        let entry = registry.get(crate::testing::OPEN).unwrap();
        let result = invitation(
            entry,
            0,
            &registry.site,
            "not a mailbox",
            "x",
            crate::testing::now(),
        );
        assert!(matches!(result, Err(NoticeError::Sender(_))));
    }
}
