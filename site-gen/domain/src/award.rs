//! The steps after scoring, each recorded once as an evaluation event ([`Change::Award`],
//! [`Change::Accept`], [`Change::Pay`]): the rules that decide whether the owner may take one.
//!
//! - **Award**: only when every current proposal is scored on every criterion or
//!   disqualified, to a proposal that is not disqualified, once. The top-ranked proposal needs
//!   no reason; any other choice, and any choice among proposals tied at the top, needs a
//!   written justification, which the audit trail keeps.
//! - **Acceptance**: after the award, once, dated (not in the future, not before the award)
//!   with 1 to [`MAX_LINKS`] `https://` links to the delivered code.
//! - **Payment**: after the acceptance, once, dated (not before the acceptance), for exactly
//!   the award's amount: the price is fixed.
//!
//! The deadline (by the function's clock) and the owner's session are checked by the caller.

use crate::evaluation::{Change, EvaluationError, MAX_NOTE, Sheet};
use crate::money::Reward;
use crate::opportunity::Criterion;
use crate::{urls, when};
use jiff::Timestamp;
use jiff::civil::Date;

/// The most links an acceptance may list.
pub const MAX_LINKS: usize = 20;

/// The references ranked first among `references` (more than one on a tie).
pub fn top(sheet: &Sheet, references: &[String]) -> Vec<String> {
    sheet
        .ranks(references)
        .into_iter()
        .filter(|(_, rank)| rank.place == 1)
        .map(|(reference, _)| reference)
        .collect()
}

/// Whether `chosen` may be awarded with this `justification` (trimmed by the caller).
pub fn check_award(
    sheet: &Sheet,
    references: &[String],
    criteria: &[Criterion],
    chosen: &str,
    justification: &str,
) -> Result<(), EvaluationError> {
    if sheet.outcome.is_some() {
        return Err(EvaluationError::AlreadyAwarded);
    }
    let unscored = references
        .iter()
        .map(|r| sheet.row(r))
        .filter(|row| row.disqualified.is_none() && !row.complete(criteria))
        .count();
    if unscored > 0 {
        return Err(EvaluationError::NotFullyScored(unscored));
    }
    let top = top(sheet, references);
    if top.is_empty() {
        return Err(EvaluationError::NothingToAward);
    }
    if !references.iter().any(|r| r == chosen) {
        return Err(EvaluationError::UnknownProposal);
    }
    if sheet.row(chosen).disqualified.is_some() {
        return Err(EvaluationError::Disqualified);
    }
    let alone_at_top = top.len() == 1 && top[0] == chosen;
    if !alone_at_top && justification.is_empty() {
        return Err(EvaluationError::JustificationRequired);
    }
    if justification.chars().count() > MAX_NOTE {
        return Err(EvaluationError::TooLong);
    }
    Ok(())
}

/// The acceptance typed by the owner (`date` as `YYYY-MM-DD`, one link per line), checked.
pub fn accept(
    sheet: &Sheet,
    date: &str,
    links: &str,
    now: Timestamp,
) -> Result<Change, EvaluationError> {
    let outcome = sheet.outcome.as_ref().ok_or(EvaluationError::NotAwarded)?;
    if outcome.accepted.is_some() {
        return Err(EvaluationError::AlreadyAccepted);
    }
    let date = day(date, now, outcome.awarded.date, "the award")?;
    let links: Vec<String> = links
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    if links.is_empty() || links.len() > MAX_LINKS {
        return Err(EvaluationError::BadLinks(format!(
            "give 1 to {MAX_LINKS} links to the delivered code (merged pull requests or a release), one per line"
        )));
    }
    if let Some(bad) = links.iter().find(|l| !urls::is_https(l)) {
        return Err(EvaluationError::BadLinks(format!(
            "“{bad}” is not an https:// address; write each link in full, e.g. https://github.com/bcgov/permits/pull/42"
        )));
    }
    Ok(Change::Accept { date, links })
}

/// The payment typed by the owner (`date` as `YYYY-MM-DD`, `amount` in dollars, `$` and
/// thousands commas allowed), checked.
pub fn pay(
    sheet: &Sheet,
    date: &str,
    amount: &str,
    now: Timestamp,
) -> Result<Change, EvaluationError> {
    let outcome = sheet.outcome.as_ref().ok_or(EvaluationError::NotAwarded)?;
    let accepted = outcome
        .accepted
        .as_ref()
        .ok_or(EvaluationError::NotAccepted)?;
    if outcome.paid.is_some() {
        return Err(EvaluationError::AlreadyPaid);
    }
    let reward = outcome.awarded.amount;
    let given = amount.trim();
    let digits: String = given
        .strip_prefix('$')
        .unwrap_or(given)
        .chars()
        .filter(|c| *c != ',')
        .collect();
    let paid = digits.parse::<i64>().ok().and_then(|d| Reward::new(d).ok());
    if paid != Some(reward) {
        return Err(EvaluationError::WrongAmount {
            given: given.to_owned(),
            reward,
        });
    }
    let date = day(date, now, accepted.date, "the acceptance")?;
    Ok(Change::Pay {
        date,
        amount: reward,
    })
}

/// A day typed as `YYYY-MM-DD`, not after today and not before `after` (both in Vancouver),
/// as 4:00 PM that day.
fn day(
    text: &str,
    now: Timestamp,
    after: Timestamp,
    after_what: &str,
) -> Result<Timestamp, EvaluationError> {
    let text = text.trim();
    let bad = |why: String| EvaluationError::BadDate(why);
    let date: Date = text
        .parse()
        .map_err(|_| bad(format!("“{text}” is not a date: write it as 2027-05-28")))?;
    let vancouver = |t: Timestamp| when::in_vancouver(t).date();
    if date > vancouver(now) {
        return Err(bad(format!(
            "{date} is in the future: record it on the day or after"
        )));
    }
    if date < vancouver(after) {
        return Err(bad(format!(
            "{date} is before {after_what} ({})",
            when::display_date(after)
        )));
    }
    when::parse_moment(&date.to_string()).map_err(bad)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::{EvaluationEvent, Points};

    fn criteria() -> Vec<Criterion> {
        vec![Criterion {
            criterion: "Approach".into(),
            points: 100,
        }]
    }

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    fn event(seq: u32, proposal: &str, change: Change) -> EvaluationEvent {
        EvaluationEvent {
            opportunity: "permit-api".into(),
            seq,
            at: at("2027-04-01T17:00:00Z"),
            by: "owner@example.ca".into(),
            proposal: proposal.into(),
            change,
        }
    }

    fn score(seq: u32, proposal: &str, points: u32) -> EvaluationEvent {
        let change = Change::Score {
            criterion: "Approach".into(),
            points: Some(Points::whole(points)),
        };
        event(seq, proposal, change)
    }

    fn award_to(seq: u32, proposal: &str) -> EvaluationEvent {
        let change = Change::Award {
            proponent: "Ana Lee".into(),
            organization: None,
            amount: Reward::new(25_000).unwrap(),
            justification: String::new(),
        };
        event(seq, proposal, change)
    }

    fn refs(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn award_needs_every_proposal_scored_and_a_reason_off_the_top() {
        let c = criteria();
        let all = refs(&["A", "B", "C"]);
        let partly = Sheet::replay(&[score(1, "A", 80), score(2, "B", 70)]);
        assert_eq!(
            check_award(&partly, &all, &c, "A", ""),
            Err(EvaluationError::NotFullyScored(1))
        );
        let disqualify = Change::Disqualify {
            reason: "late".into(),
        };
        let sheet = Sheet::replay(&[
            score(1, "A", 80),
            score(2, "B", 70),
            event(3, "C", disqualify),
        ]);
        assert_eq!(check_award(&sheet, &all, &c, "A", ""), Ok(()));
        assert_eq!(
            check_award(&sheet, &all, &c, "B", ""),
            Err(EvaluationError::JustificationRequired)
        );
        assert_eq!(check_award(&sheet, &all, &c, "B", "Better plan."), Ok(()));
        assert_eq!(
            check_award(&sheet, &all, &c, "C", "why not"),
            Err(EvaluationError::Disqualified)
        );
        assert_eq!(
            check_award(&sheet, &all, &c, "Z", ""),
            Err(EvaluationError::UnknownProposal)
        );
        assert_eq!(
            check_award(&sheet, &all, &c, "B", &"x".repeat(MAX_NOTE + 1)),
            Err(EvaluationError::TooLong)
        );
        let tie = Sheet::replay(&[score(1, "A", 80), score(2, "B", 80)]);
        let two = refs(&["A", "B"]);
        assert_eq!(top(&tie, &two), two);
        assert_eq!(
            check_award(&tie, &two, &c, "A", ""),
            Err(EvaluationError::JustificationRequired),
            "a tie: the owner chooses and says why"
        );
        let nobody = Sheet::replay(&[event(
            1,
            "A",
            Change::Disqualify {
                reason: "late".into(),
            },
        )]);
        assert_eq!(
            check_award(&nobody, &refs(&["A"]), &c, "A", "x"),
            Err(EvaluationError::NothingToAward)
        );
        let awarded = Sheet::replay(&[score(1, "A", 80), award_to(2, "A")]);
        assert_eq!(
            check_award(&awarded, &refs(&["A"]), &c, "A", ""),
            Err(EvaluationError::AlreadyAwarded)
        );
    }

    #[test]
    fn acceptance_and_payment_follow_the_award_once_for_the_fixed_price() {
        let now = at("2027-06-01T20:00:00Z");
        let none = Sheet::replay(&[score(1, "A", 80)]);
        let link = "https://github.com/bcgov/permits/pull/42";
        assert_eq!(
            accept(&none, "2027-05-30", link, now),
            Err(EvaluationError::NotAwarded)
        );
        assert_eq!(
            pay(&none, "2027-05-30", "25000", now),
            Err(EvaluationError::NotAwarded)
        );
        let awarded = vec![score(1, "A", 80), award_to(2, "A")];
        let sheet = Sheet::replay(&awarded);
        assert_eq!(
            pay(&sheet, "2027-05-30", "25000", now),
            Err(EvaluationError::NotAccepted)
        );
        for (date, links) in [
            ("2027-06-02", link),
            ("2027-03-31", link),
            ("30/05/2027", link),
            ("2027-05-30", ""),
            ("2027-05-30", "http://github.com/x"),
            ("2027-05-30", "https://github.com/a b"),
            ("2027-05-30", "javascript:alert(1)"),
        ] {
            assert!(accept(&sheet, date, links, now).is_err(), "{date} {links}");
        }
        let too_many = vec![link; MAX_LINKS + 1].join("\n");
        assert!(accept(&sheet, "2027-05-30", &too_many, now).is_err());
        let change = accept(&sheet, "2027-05-30", &format!(" {link} \r\n\r\n"), now).unwrap();
        assert_eq!(
            change,
            Change::Accept {
                date: when::parse_moment("2027-05-30").unwrap(),
                links: vec![link.to_owned()],
            }
        );
        let mut events = awarded;
        events.push(event(3, "A", change));
        let sheet = Sheet::replay(&events);
        assert_eq!(
            accept(&sheet, "2027-05-30", link, now),
            Err(EvaluationError::AlreadyAccepted)
        );
        let wrong = pay(&sheet, "2027-05-31", "24,000", now).unwrap_err();
        assert_eq!(
            wrong.to_string(),
            "24,000 is not the fixed price: the payment must be exactly $25,000"
        );
        assert!(pay(&sheet, "2027-05-31", "", now).is_err());
        assert!(
            pay(&sheet, "2027-05-29", "25000", now).is_err(),
            "before acceptance"
        );
        let paid = pay(&sheet, "2027-05-31", "$25,000", now).unwrap();
        events.push(event(4, "A", paid));
        let sheet = Sheet::replay(&events);
        assert_eq!(
            pay(&sheet, "2027-05-31", "25000", now),
            Err(EvaluationError::AlreadyPaid)
        );
        let outcome = sheet.outcome.expect("recorded");
        assert_eq!(outcome.paid.map(|p| p.amount.dollars()), Some(25_000));
        assert_eq!(sheet.winner.as_deref(), Some("A"));
        assert_eq!(sheet.audit.len(), 4);
        assert_eq!(sheet.audit[1].what, "Award");
    }
}
