//! The two mails a proposal produces, built with `lettre`: the owner's copy of the whole
//! proposal and the proponent's receipt. Every user value is escaped in HTML; headers are
//! encoded by `lettre` (RFC 2047), and values are flattened to one line first.

use crate::mail::{MailKind, MailState, OutboxMail};
use crate::store::StoredProposal;
use cwu_domain::html::escape_html;
use cwu_domain::proposal::ProponentType;
use cwu_domain::registry::SiteInfo;
use cwu_domain::{RegistryEntry, when};
use lettre::message::{Mailbox, MultiPart};
use lettre::{Address, Message};
use std::fmt::Write;

/// Why mails could not be built (a configuration error: nothing is stored).
#[derive(Debug, thiserror::Error)]
pub enum MessageError {
    /// `MAIL_FROM` is not a mailbox.
    #[error("the sender address `{0}` is not valid")]
    Sender(String),
    /// The owner's address in the registry is not valid.
    #[error("the product owner's address for `{0}` is not valid")]
    Owner(String),
    /// `lettre` refused the message.
    #[error("cannot build the mail: {0}")]
    Build(String),
}

/// Control characters (CR, LF, tabs…) become spaces: a header value stays on one line.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// Who is proposing, as one line: `Ana Lee` or `Ana Lee (Acme Ltd.)`.
pub fn proponent_label(proposal: &StoredProposal) -> String {
    let f = &proposal.fields;
    match (&f.organization_name, f.proponent_type) {
        (Some(org), ProponentType::Organization) => one_line(&format!("{} ({org})", f.legal_name)),
        _ => one_line(&f.legal_name),
    }
}

/// The owner's mail and the receipt for `proposal`, as pending outbox items.
pub fn proposal_mails(
    proposal: &StoredProposal,
    opportunity: &RegistryEntry,
    site: &SiteInfo,
    mail_from: &str,
) -> Result<Vec<OutboxMail>, MessageError> {
    let from: Mailbox = mail_from
        .parse()
        .map_err(|_| MessageError::Sender(mail_from.to_owned()))?;
    let owner_address: Address = opportunity
        .owner
        .email
        .parse()
        .map_err(|_| MessageError::Owner(opportunity.slug.clone()))?;
    let owner = Mailbox::new(Some(one_line(&opportunity.owner.name)), owner_address);
    let proponent_address: Option<Address> = proposal.fields.email.parse().ok();
    let proponent =
        proponent_address.map(|a| Mailbox::new(Some(one_line(&proposal.fields.legal_name)), a));

    let title = one_line(&opportunity.title);
    let who = proponent_label(proposal);
    let version_note = if proposal.version > 1 {
        format!(" (version {})", proposal.version)
    } else {
        String::new()
    };

    let mut mails = Vec::with_capacity(2);
    let owner_subject = format!("Proposal{version_note} for {title} from {who}");
    let (text, html) = owner_body(proposal, opportunity, site);
    mails.push(build(
        proposal,
        MailKind::Owner,
        &from,
        owner,
        proponent.clone(),
        owner_subject,
        text,
        html,
    )?);
    if let Some(proponent) = proponent {
        let subject = format!("Receipt: your proposal{version_note} for {title}");
        let (text, html) = receipt_body(proposal, opportunity, site);
        mails.push(build(
            proposal,
            MailKind::Receipt,
            &from,
            proponent,
            None,
            subject,
            text,
            html,
        )?);
    }
    Ok(mails)
}

#[allow(clippy::too_many_arguments)]
fn build(
    proposal: &StoredProposal,
    kind: MailKind,
    from: &Mailbox,
    to: Mailbox,
    reply_to: Option<Mailbox>,
    subject: String,
    text: String,
    html: String,
) -> Result<OutboxMail, MessageError> {
    let id = crate::ids::ulid_at(proposal.submitted_at);
    let domain = from.email.domain().to_owned();
    let mut builder = Message::builder()
        .from(from.clone())
        .to(to.clone())
        .subject(subject.clone())
        .date(crate::ids::system_time(proposal.submitted_at))
        .message_id(Some(format!("<{id}@{domain}>")));
    if let Some(reply_to) = reply_to {
        builder = builder.reply_to(reply_to);
    }
    let message = builder
        .multipart(MultiPart::alternative_plain_html(text, html))
        .map_err(|e| MessageError::Build(e.to_string()))?;
    Ok(OutboxMail {
        id,
        proposal_id: proposal.id.clone(),
        kind,
        from: from.email.to_string(),
        to: vec![to.email.to_string()],
        subject,
        raw: String::from_utf8_lossy(&message.formatted()).into_owned(),
        created_at: proposal.submitted_at,
        state: MailState::Pending,
        attempts: 0,
        lease_until: None,
        claim: None,
        last_error: None,
        sent_at: None,
    })
}

/// Labelled values shown in both mails' bodies: (label, value).
fn field_rows(proposal: &StoredProposal) -> Vec<(&'static str, String)> {
    let f = &proposal.fields;
    let mut rows = vec![
        (
            "Proponent type",
            match f.proponent_type {
                ProponentType::Individual => "Individual".to_owned(),
                ProponentType::Organization => "Organization".to_owned(),
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

fn facts(proposal: &StoredProposal) -> Vec<(&'static str, String)> {
    vec![
        ("Proposal id", proposal.id.clone()),
        ("Version", proposal.version.to_string()),
        ("Submitted", when::display(proposal.submitted_at)),
        (
            "Terms accepted",
            format!(
                "version {} at {}",
                proposal.fields.terms_version,
                when::display(proposal.terms_accepted_at)
            ),
        ),
    ]
}

/// Each `(label, value)` as a `label: value` line of `text` and a row of the table open in
/// `html`, which it closes.
fn write_rows(
    text: &mut String,
    html: &mut String,
    rows: impl IntoIterator<Item = (&'static str, String)>,
) {
    for (label, value) in rows {
        let _ = writeln!(text, "{label}: {value}");
        let _ = write!(
            html,
            "<tr><th scope=\"row\" align=\"left\">{label}</th><td>{}</td></tr>",
            escape_html(&value)
        );
    }
    html.push_str("</table>");
}

fn owner_body(
    proposal: &StoredProposal,
    opportunity: &RegistryEntry,
    site: &SiteInfo,
) -> (String, String) {
    let f = &proposal.fields;
    let mut text = String::new();
    let mut html = String::new();
    let e = escape_html;
    let _ = writeln!(
        text,
        "A proposal{} was submitted for \"{}\" ({}).\n",
        if proposal.version > 1 {
            format!(
                " (version {}, replacing version {})",
                proposal.version,
                proposal.version - 1
            )
        } else {
            String::new()
        },
        opportunity.title,
        opportunity.url
    );
    let _ = write!(
        html,
        r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{}</title></head><body><p>A proposal{} was submitted for <a href="{}">{}</a>.</p><table>"#,
        e(&opportunity.title),
        if proposal.version > 1 {
            format!(" (version {})", proposal.version)
        } else {
            String::new()
        },
        e(&opportunity.url),
        e(&opportunity.title)
    );
    let reward = [("Reward", opportunity.reward.to_string())];
    let rows = reward
        .into_iter()
        .chain(facts(proposal))
        .chain(field_rows(proposal));
    write_rows(&mut text, &mut html, rows);
    let _ = write!(text, "\nPROPOSAL\n\n{}\n", f.proposal);
    let _ = write!(
        html,
        r#"<h2>Proposal</h2><div style="white-space: pre-wrap">{}</div>"#,
        e(&f.proposal)
    );
    if let Some(comments) = &f.comments {
        let _ = write!(text, "\nADDITIONAL COMMENTS\n\n{comments}\n");
        let _ = write!(
            html,
            r#"<h2>Additional comments</h2><div style="white-space: pre-wrap">{}</div>"#,
            e(comments)
        );
    }
    let _ = write!(text, "\nEVALUATION CRITERIA (score out of 100)\n\n");
    html.push_str("<h2>Evaluation criteria (score out of 100)</h2><ul>");
    for criterion in &opportunity.evaluation_criteria {
        let _ = writeln!(
            text,
            "- {} ({} points): ____",
            criterion.criterion, criterion.points
        );
        let _ = write!(
            html,
            "<li>{} ({} points)</li>",
            e(&criterion.criterion),
            criterion.points
        );
    }
    html.push_str("</ul>");
    let _ = write!(
        text,
        "\nReply to this mail to answer the proponent. Proposals close {}.\n-- \n{}\n",
        when::display(opportunity.proposal_deadline),
        site.title
    );
    let _ = write!(
        html,
        "<p>Reply to this mail to answer the proponent. Proposals close {}.</p><p>{}</p></body></html>",
        e(&when::display(opportunity.proposal_deadline)),
        e(&site.title)
    );
    (text, html)
}

fn receipt_body(
    proposal: &StoredProposal,
    opportunity: &RegistryEntry,
    site: &SiteInfo,
) -> (String, String) {
    let e = escape_html;
    let deadline = when::display(opportunity.proposal_deadline);
    let mut text = format!(
        "Thank you. Your proposal for \"{}\" was received.\n\n",
        opportunity.title
    );
    let mut html = format!(
        r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Receipt</title></head><body><p>Thank you. Your proposal for <a href="{}">{}</a> was received.</p><table>"#,
        e(&opportunity.url),
        e(&opportunity.title)
    );
    write_rows(&mut text, &mut html, facts(proposal));
    let next = format!(
        "What happens next: the product owner, {}, receives your proposal and scores it against the \
         evaluation criteria after the deadline ({deadline}). You can submit again with the same \
         email address until then; your latest version is the one evaluated. Questions go to {}.",
        opportunity.organization, opportunity.questions
    );
    let _ = write!(
        text,
        "\n{next}\n\nIf you did not submit this proposal, write to {}.\n-- \n{}\n{}\n",
        site.contact_email, site.title, opportunity.url
    );
    let _ = write!(
        html,
        "<p>{}</p><p>If you did not submit this proposal, write to {}.</p><p>{}</p></body></html>",
        e(&next),
        e(&site.contact_email),
        e(&site.title)
    );
    (text, html)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{self, MAIL_FROM, OPEN};
    use cwu_domain::proposal::ProposalFields;

    fn proposal(name: &str, text: &str) -> StoredProposal {
        let fields = ProposalFields {
            opportunity: OPEN.into(),
            proponent_type: ProponentType::Organization,
            legal_name: name.into(),
            organization_name: Some("Acme & Sons <Ltd>".into()),
            email: "ana@example.org".into(),
            phone: None,
            proposal: text.into(),
            comments: Some("Thanks\r\nBcc: x@evil.test".into()),
            terms_version: testing::TERMS.into(),
        };
        StoredProposal {
            id: "01JDQ0000000000000000000AA".into(),
            version: 2,
            submitted_at: testing::now(),
            content_hash: crate::record::content_hash(&fields),
            fields,
            terms_accepted_at: testing::now(),
            client_ip_hash: None,
            user_agent: None,
        }
    }

    fn mails(p: &StoredProposal, title: &str) -> Vec<OutboxMail> {
        let registry = testing::registry();
        let mut entry = registry.get(OPEN).unwrap().clone();
        entry.title = title.into();
        proposal_mails(p, &entry, &registry.site, MAIL_FROM).unwrap()
    }

    fn headers(mail: &OutboxMail) -> &str {
        mail.raw.split_once("\r\n\r\n").unwrap().0
    }

    #[test]
    fn owner_mail_has_everything_escaped_and_a_reply_to() {
        let p = proposal("Ana <script>x</script> Lee", "Line <b>1</b>\nLine 2 & more");
        let all = mails(&p, "Permit API");
        assert_eq!(all.len(), 2);
        let owner = &all[0];
        assert_eq!(owner.kind, MailKind::Owner);
        assert_eq!(owner.from, "noreply@cwu.example.ca");
        assert_eq!(
            owner.subject,
            "Proposal (version 2) for Permit API from Ana <script>x</script> Lee (Acme & Sons <Ltd>)"
        );
        let h = headers(owner);
        assert!(
            h.contains("Reply-To:") && h.contains("<ana@example.org>"),
            "{h}"
        );
        assert!(h.contains("Message-ID: <") && h.contains("@cwu.example.ca>"));
        assert!(h.contains("multipart/alternative"));
        let html = owner
            .raw
            .split("Content-Type: text/html")
            .nth(1)
            .unwrap()
            .replace("=\r\n", "");
        assert!(!html.contains("<script") && !html.contains("<b>") && !html.contains("<Ltd>"));
        assert!(html.contains("&lt;b&gt;1&lt;/b&gt;"));
        assert!(
            html.contains("Approach (60 points)"),
            "criteria for scoring"
        );
        assert!(html.contains("Experience &lt;with&gt; Rust &amp; APIs"));
        assert!(owner.raw.contains("01JDQ0000000000000000000AA"));
        let receipt = &all[1];
        assert_eq!(receipt.kind, MailKind::Receipt);
        assert_eq!(receipt.to, ["ana@example.org"]);
        assert!(!headers(receipt).contains("Reply-To"));
        assert!(receipt.raw.contains("01JDQ0000000000000000000AA"));
        assert_ne!(owner.id, receipt.id);
    }

    #[test]
    fn owner_mail_shows_the_reward() {
        let owner = &mails(&proposal("Ana Lee", "Text"), "Permit API")[0];
        let html = owner
            .raw
            .split("Content-Type: text/html")
            .nth(1)
            .expect("an HTML part");
        assert!(html.contains("Reward</th><td>$25,000</td>"), "{html}");
        assert!(owner.raw.contains("Reward: $25,000"));
    }

    #[test]
    fn line_breaks_never_reach_the_headers() {
        let p = proposal("Ana\r\nBcc: x@evil.test", "Text");
        for mail in mails(&p, "Title\r\nBcc: y@evil.test\nX-Injected: 1") {
            let h = headers(&mail);
            assert!(
                !h.contains("\r\nBcc:") && !h.contains("\nX-Injected"),
                "{h}"
            );
            assert!(
                h.lines()
                    .all(|l| !l.starts_with("Bcc") && !l.starts_with("X-Injected"))
            );
            assert!(!mail.subject.contains('\n'));
        }
    }

    #[test]
    fn non_ascii_subjects_are_encoded() {
        let p = proposal("Zoë Tremblay", "Texte");
        let owner = &mails(&p, "API des permis — forêts")[0];
        let h = headers(owner);
        assert!(
            h.contains("Subject: Proposal") && h.contains("=?utf-8?b?"),
            "{h}"
        );
        assert!(owner.raw.is_ascii());
    }

    #[test]
    fn a_bad_sender_is_a_configuration_error() {
        let registry = testing::registry();
        let entry = registry.get(OPEN).unwrap();
        let p = proposal("Ana", "Text");
        assert!(matches!(
            proposal_mails(&p, entry, &registry.site, "not a mailbox"),
            Err(MessageError::Sender(_))
        ));
    }
}
