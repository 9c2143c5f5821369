//! The notification mails: confirmation links, new opportunities (one or a weekly digest) and
//! changes to a watched opportunity. Each carries a visible manage or unsubscribe link and the
//! RFC 8058 one-click headers (`List-Unsubscribe` with an https link,
//! `List-Unsubscribe-Post: List-Unsubscribe=One-Click`). Every value is escaped in HTML;
//! header values are flattened to one line and encoded by `lettre`.

use super::links::{self, Purpose};
use super::records::Request;
use super::{CONFIRM_PATH, MANAGE_PATH, UNSUBSCRIBE_PATH};
use crate::compose_mail::{Envelope, NoticeError, outbox_mail};
use crate::mail::{MailKind, OutboxMail};
use cwu_domain::html::escape_html;
use cwu_domain::registry::SiteInfo;
use cwu_domain::subscription::Change;
use cwu_domain::{RegistryEntry, when};
use jiff::Timestamp;
use std::fmt::Write;

/// Who a mail goes to and the links it carries.
pub struct Recipient<'a> {
    /// The normalized address.
    pub email: &'a str,
    /// [`links::subscriber_id`] of the address.
    pub id: &'a str,
}

/// What the mails need from the app: sender, secret for links and the site.
pub struct Sender<'a> {
    /// `MAIL_FROM`.
    pub mail_from: &'a str,
    /// Signs the links.
    pub secret: &'a str,
    /// Title and base URL.
    pub site: &'a SiteInfo,
    /// The origin links start with: [`crate::links::origin`] (`site-gen serve`: its own
    /// address, else the site's `base_url`).
    pub origin: String,
}

/// Which subscription an unsubscribe link ends.
pub enum Leave<'a> {
    /// Everything: the subscription and every watch.
    All,
    /// One opportunity's change notices.
    Opportunity(&'a str),
}

impl Sender<'_> {
    fn link(&self, path: &str, purpose: Purpose, subject: &str, now: Timestamp) -> String {
        links::url(
            &self.origin,
            path,
            &links::sign(self.secret, purpose, subject, now),
        )
    }

    /// The unsubscribe link for `to`.
    pub fn unsubscribe_link(&self, to: &Recipient, leave: &Leave, now: Timestamp) -> String {
        let scope = match leave {
            Leave::All => "all".to_owned(),
            Leave::Opportunity(slug) => format!("watch:{slug}"),
        };
        self.link(
            UNSUBSCRIBE_PATH,
            Purpose::Unsubscribe,
            &format!("{}|{scope}", to.id),
            now,
        )
    }

    /// The link to change a subscription's skills and frequency.
    pub fn manage_link(&self, to: &Recipient, now: Timestamp) -> String {
        self.link(MANAGE_PATH, Purpose::Manage, to.id, now)
    }

    /// Builds one mail; `id` is its outbox id, `source` what produced it.
    #[allow(clippy::too_many_arguments)]
    fn build(
        &self,
        id: String,
        source: &str,
        kind: MailKind,
        to: &Recipient,
        subject: &str,
        bodies: (String, String),
        unsubscribe: &str,
        now: Timestamp,
    ) -> Result<OutboxMail, NoticeError> {
        outbox_mail(
            Envelope {
                id,
                about: source.to_owned(),
                kind,
                mail_from: self.mail_from,
                to_name: None,
                to: to.email,
                subject,
                at: now,
                headers: vec![
                    ("List-Unsubscribe", format!("<{unsubscribe}>")),
                    ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click".into()),
                ],
            },
            bodies,
        )
    }

    /// The mail with the link that confirms `request`.
    pub fn confirmation(
        &self,
        to: &Recipient,
        request: &Request,
        opportunity: Option<&RegistryEntry>,
        now: Timestamp,
    ) -> Result<OutboxMail, NoticeError> {
        let confirm = self.link(
            CONFIRM_PATH,
            Purpose::Confirm,
            &format!("{}|{}", to.id, request.what()),
            now,
        );
        let (subject, asked) = match (request, opportunity) {
            (Request::Watch { .. }, Some(entry)) => (
                format!("Confirm: email me about changes to {}", entry.title),
                format!(
                    "Someone (we hope you) asked for mail about changes to \"{}\" ({}).",
                    entry.title, entry.url
                ),
            ),
            (Request::Subscribe { skills, frequency }, _) => (
                format!("Confirm your subscription to {}", self.site.title),
                format!(
                    "Someone (we hope you) asked to be emailed about new opportunities ({}), {}.",
                    if skills.is_empty() {
                        "all of them".to_owned()
                    } else {
                        format!("needing {}", skills.join(", "))
                    },
                    frequency.label()
                ),
            ),
            (Request::Watch { opportunity }, None) => {
                return Err(NoticeError::Build(format!(
                    "no opportunity `{opportunity}`"
                )));
            }
        };
        let unsubscribe = self.unsubscribe_link(to, &Leave::All, now);
        let body = page(
            &subject,
            &[
                asked.as_str(),
                "Nothing will be sent until you confirm. If it was not you, ignore this mail.",
            ],
            &[
                ("Confirm", confirm.as_str()),
                ("Stop all mail from us", unsubscribe.as_str()),
            ],
            self.site,
            &format!(
                "The link works for {} days.",
                Purpose::Confirm.validity().as_hours() / 24
            ),
        );
        let id = crate::ids::ulid_at(now);
        self.build(
            id,
            &request.what(),
            MailKind::Confirmation,
            to,
            &subject,
            body,
            &unsubscribe,
            now,
        )
    }

    /// A subscriber's mail about new opportunities: one (immediate) or several (digest).
    pub fn new_opportunities(
        &self,
        id: String,
        source: &str,
        to: &Recipient,
        entries: &[&RegistryEntry],
        now: Timestamp,
    ) -> Result<OutboxMail, NoticeError> {
        let subject = match entries {
            [one] => format!("New opportunity: {}", one.title),
            many => format!("{} new opportunities this week", many.len()),
        };
        let lines: Vec<String> = entries.iter().map(|e| summary(e)).collect();
        let mut paragraphs: Vec<&str> = lines.iter().map(String::as_str).collect();
        paragraphs.push("You get this because you subscribed to new opportunities.");
        let manage = self.manage_link(to, now);
        let unsubscribe = self.unsubscribe_link(to, &Leave::All, now);
        let mut link_list: Vec<(&str, &str)> = entries
            .iter()
            .map(|e| (e.title.as_str(), e.url.as_str()))
            .collect();
        link_list.push(("Change skills or frequency", manage.as_str()));
        link_list.push(("Unsubscribe", unsubscribe.as_str()));
        let body = page(&subject, &paragraphs, &link_list, self.site, "");
        self.build(
            id,
            source,
            MailKind::Notice,
            to,
            &subject,
            body,
            &unsubscribe,
            now,
        )
    }

    /// A watcher's or proponent's mail about `change` to `entry`.
    #[allow(clippy::too_many_arguments)]
    pub fn change(
        &self,
        id: String,
        source: &str,
        to: &Recipient,
        entry: &RegistryEntry,
        change: &Change,
        why: &str,
        now: Timestamp,
    ) -> Result<OutboxMail, NoticeError> {
        let (subject, what) = match change {
            Change::Addendum { number } => {
                let newest = entry.addenda.len();
                let text = newest
                    .checked_sub(*number)
                    .and_then(|i| entry.addenda.get(i))
                    .map(|a| a.text.clone())
                    .unwrap_or_default();
                (
                    format!("Addendum to {}", entry.title),
                    format!("Addendum {number}: {text}"),
                )
            }
            Change::Deadline { from, to } => (
                format!("Deadline changed: {}", entry.title),
                format!(
                    "Proposals are now due {} (was {}).",
                    when::display(*to),
                    when::display(*from)
                ),
            ),
            Change::Dates => (
                format!("Dates changed: {}", entry.title),
                format!(
                    "Assignment {}, start {}{}.",
                    when::display(entry.assignment_date),
                    when::display(entry.start_date),
                    entry
                        .completion_date
                        .map(|c| format!(", completion {}", when::display(c)))
                        .unwrap_or_default()
                ),
            ),
            Change::Cancelled => (
                format!("Cancelled: {}", entry.title),
                "This opportunity was cancelled; no proposals will be evaluated.".to_owned(),
            ),
            Change::Awarded => (
                format!("Awarded: {}", entry.title),
                "This opportunity was awarded. The result is on its page.".to_owned(),
            ),
            Change::Published => (format!("New opportunity: {}", entry.title), summary(entry)),
        };
        let unsubscribe = self.unsubscribe_link(to, &Leave::Opportunity(&entry.slug), now);
        let body = page(
            &subject,
            &[what.as_str(), why],
            &[
                (entry.title.as_str(), entry.url.as_str()),
                ("Stop mail about this opportunity", unsubscribe.as_str()),
            ],
            self.site,
            "",
        );
        self.build(
            id,
            source,
            MailKind::Notice,
            to,
            &subject,
            body,
            &unsubscribe,
            now,
        )
    }
}

/// One opportunity in a sentence.
fn summary(entry: &RegistryEntry) -> String {
    format!(
        "{} — {}, {}; skills: {}; proposals due {}.",
        entry.title,
        entry.organization,
        entry.reward,
        if entry.skills.is_empty() {
            "any".to_owned()
        } else {
            entry.skills.join(", ")
        },
        when::display(entry.proposal_deadline)
    )
}

/// Text and HTML bodies: a heading, paragraphs, labelled links and a closing note.
fn page(
    heading: &str,
    paragraphs: &[&str],
    links: &[(&str, &str)],
    site: &SiteInfo,
    note: &str,
) -> (String, String) {
    let e = escape_html;
    let mut text = format!("{heading}\n\n");
    let mut html = format!(
        r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{0}</title></head><body><h1>{0}</h1>"#,
        e(heading)
    );
    for paragraph in paragraphs {
        let _ = write!(text, "{paragraph}\n\n");
        let _ = write!(html, "<p>{}</p>", e(paragraph));
    }
    html.push_str("<ul>");
    for (label, url) in links {
        let _ = writeln!(text, "{label}: {url}");
        let _ = write!(html, r#"<li><a href="{}">{}</a></li>"#, e(url), e(label));
    }
    html.push_str("</ul>");
    let _ = write!(text, "\n{note}\n-- \n{}\n", site.title);
    let _ = write!(
        html,
        "<p>{}</p><p>{}</p></body></html>",
        e(note),
        e(&site.title)
    );
    (text, html)
}
