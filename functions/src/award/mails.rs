//! The mails of the steps after scoring: one result per evaluated proponent at the award
//! (awarded, not awarded with their total and rank, or disqualified with the reason), and the
//! winner's notices of the acceptance and the payment. Withdrawn proposals are not evaluated
//! and get none.
//!
//! Each mail's id is derived from the opportunity, the step and the proposal
//! ([`compose_mail::fixed_id`]), so it exists once in the outbox whatever happens; the mails are
//! written in the same atomic write as the step itself ([`crate::store::ProposalStore::append_evaluation`]).

use crate::compose_mail::{self, Notice, NoticeError, proponent};
use crate::mail::{MailKind, OutboxMail};
use crate::store::StoredProposal;
use cwu_domain::evaluation::Sheet;
use cwu_domain::outcome::{Accepted, Outcome, Paid};
use cwu_domain::registry::SiteInfo;
use cwu_domain::{RegistryEntry, when};
use jiff::Timestamp;

/// What every mail of one opportunity needs.
pub struct Context<'a> {
    /// The opportunity.
    pub opportunity: &'a RegistryEntry,
    /// The site, for the signature.
    pub site: &'a SiteInfo,
    /// `MAIL_FROM`.
    pub mail_from: &'a str,
    /// When the step is recorded.
    pub now: Timestamp,
}

impl Context<'_> {
    fn mail(
        &self,
        step: &str,
        to: &StoredProposal,
        subject: String,
        paragraphs: Vec<String>,
        rows: Vec<(&'static str, String)>,
    ) -> Result<OutboxMail, NoticeError> {
        let o = self.opportunity;
        compose_mail::compose(
            Notice {
                id: compose_mail::fixed_id(
                    self.now,
                    &format!("{step}\0{}\0{}", o.slug, to.reference()),
                ),
                about: to.id.clone(),
                kind: MailKind::Result,
                to_name: &to.fields.legal_name,
                to: &to.fields.email,
                subject,
                paragraphs,
                rows,
                texts: Vec::new(),
                at: self.now,
            },
            self.site,
            self.mail_from,
        )
    }
}

/// One result mail per proposal in `proposals` (the current, not withdrawn ones), `sheet`
/// being the evaluation with the award to `winner` already applied.
pub fn results(
    cx: &Context<'_>,
    proposals: &[StoredProposal],
    sheet: &Sheet,
    winner: &StoredProposal,
) -> Result<Vec<OutboxMail>, NoticeError> {
    let o = cx.opportunity;
    let references: Vec<String> = proposals.iter().map(|p| p.reference().to_owned()).collect();
    let ranks = sheet.ranks(&references);
    let ranked = ranks.len();
    let winner_name = proponent(winner);
    let winning_total = sheet.row(winner.reference()).total();
    let mut mails = Vec::with_capacity(proposals.len());
    for p in proposals {
        let row = sheet.row(p.reference());
        let mut rows = vec![("Reference", p.reference().to_owned())];
        let mail = if p.reference() == winner.reference() {
            rows.push(("Fixed price", o.reward.to_string()));
            rows.push(("Work starts", when::display_date(o.start_date)));
            if let Some(end) = o.completion_date {
                rows.push(("Work to be completed by", when::display_date(end)));
            }
            let mut paragraphs = vec![
                format!(
                    "Congratulations: the work on \"{}\" is awarded to you, {winner_name}.",
                    o.title
                ),
                format!(
                    "The fixed price is {}. It is paid once the work meets the acceptance criteria and {} records it accepted.",
                    o.reward, o.organization
                ),
                format!(
                    "Next steps: {} contacts you to sign the contract before the work starts on {}. The code is delivered in the open, as pull requests to the opportunity's repository:",
                    o.organization,
                    when::display_date(o.start_date)
                ),
            ];
            paragraphs.extend(o.repository.clone());
            paragraphs.push(o.url.clone());
            cx.mail(
                "result",
                p,
                format!("Awarded to you: {}", o.title),
                paragraphs,
                rows,
            )?
        } else if let Some(reason) = &row.disqualified {
            rows.push(("Reason", reason.clone()));
            cx.mail(
                "result",
                p,
                format!("Result: {}", o.title),
                vec![
                    format!(
                        "The evaluation of \"{}\" is complete. Your proposal was disqualified, so it was not ranked; the reason recorded is below.",
                        o.title
                    ),
                    format!("The work was awarded to {winner_name}."),
                    format!(
                        "Questions about this result go to {}.",
                        cx.site.contact_email
                    ),
                    o.url.clone(),
                ],
                rows,
            )?
        } else {
            let rank = ranks
                .get(p.reference())
                .map_or_else(String::new, |r| r.to_string());
            rows.push(("Your total", format!("{} of 100", row.total())));
            rows.push(("Your rank", format!("{rank} of {ranked}")));
            rows.push(("Winning total", format!("{winning_total} of 100")));
            rows.push(("Awarded to", winner_name.clone()));
            cx.mail(
                "result",
                p,
                format!("Result: {}", o.title),
                vec![
                    format!(
                        "The evaluation of \"{}\" is complete, and the work was awarded to {winner_name}. Your proposal was not selected.",
                        o.title
                    ),
                    format!(
                        "Your proposal scored {} of 100 and ranked {rank} of {ranked}; the winning proposal scored {winning_total}. Thank you for proposing.",
                        row.total()
                    ),
                    format!(
                        "Questions about this result go to {}.",
                        cx.site.contact_email
                    ),
                    o.url.clone(),
                ],
                rows,
            )?
        };
        mails.push(mail);
    }
    Ok(mails)
}

/// The winner's notice that the work was accepted.
pub fn accepted(
    cx: &Context<'_>,
    winner: &StoredProposal,
    accepted: &Accepted,
) -> Result<OutboxMail, NoticeError> {
    let o = cx.opportunity;
    let mut paragraphs = vec![
        format!(
            "{} recorded your work on \"{}\" as accepted on {}: it meets the acceptance criteria. The fixed price of {} is paid next.",
            o.organization,
            o.title,
            when::display_date(accepted.date),
            o.reward
        ),
        "The delivered code, as recorded (these links appear on the opportunity's public page):"
            .to_owned(),
    ];
    paragraphs.extend(accepted.links.iter().cloned());
    paragraphs.push(o.url.clone());
    cx.mail(
        "accepted",
        winner,
        format!("Work accepted: {}", o.title),
        paragraphs,
        vec![("Accepted on", when::display_date(accepted.date))],
    )
}

/// The winner's notice that the payment was made.
pub fn paid(
    cx: &Context<'_>,
    winner: &StoredProposal,
    outcome: &Outcome,
    paid: &Paid,
) -> Result<OutboxMail, NoticeError> {
    let o = cx.opportunity;
    cx.mail(
        "paid",
        winner,
        format!("Payment made: {}", o.title),
        vec![
            format!(
                "{} recorded the payment of {} for \"{}\" as made on {}. The opportunity is complete: thank you for delivering it in the open.",
                o.organization,
                paid.amount,
                o.title,
                when::display_date(paid.date)
            ),
            format!(
                "If the payment has not reached you within 30 days, write to {}.",
                cx.site.contact_email
            ),
            o.url.clone(),
        ],
        vec![
            ("Amount", paid.amount.to_string()),
            ("Paid on", when::display_date(paid.date)),
            ("Awarded on", when::display_date(outcome.awarded.date)),
        ],
    )
}
