//! The owner's evaluation: an append-only list of [`EvaluationEvent`]s (scores, notes,
//! disqualifications) and the [`Sheet`] they add up to (totals and ranks).
//!
//! The events are the only stored fact: the current score of a criterion, the audit trail's
//! "old → new" and the ranking are all computed by replaying them in order, so nothing can be
//! edited after the fact and nothing is defined twice. The steps after scoring (award,
//! acceptance, payment: [`crate::award`]) are events too, and the public [`Outcome`] is
//! replayed from them like the scores.

use crate::money::Reward;
use crate::opportunity::Criterion;
use crate::outcome::{Accepted, Awarded, Outcome, Paid};
use crate::when;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt::{self, Write};

/// The longest note or disqualification reason, in characters.
pub const MAX_NOTE: usize = 2_000;

/// A score in hundredths of a point: two decimals, never negative.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Points(pub u32);

impl Points {
    /// Whole points.
    pub fn whole(points: u32) -> Self {
        Points(points.saturating_mul(100))
    }

    /// Reads a score typed by a person (`12`, `12.5`, `12.50`) for a criterion worth `max`.
    pub fn parse(text: &str, max: u32) -> Result<Points, EvaluationError> {
        let text = text.trim();
        let bad = || EvaluationError::NotAScore(text.to_owned());
        let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
        let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
        if whole.is_empty() || !digits(whole) || !digits(fraction) || whole.len() > 6 {
            return Err(bad());
        }
        if fraction.len() > 2 {
            return Err(EvaluationError::TooPrecise(text.to_owned()));
        }
        let whole: u32 = whole.parse().map_err(|_| bad())?;
        let hundredths: u32 = format!("{fraction:0<2}").parse().map_err(|_| bad())?;
        let points = Points(whole * 100 + hundredths);
        if points > Points::whole(max) {
            return Err(EvaluationError::OutOfRange {
                given: text.to_owned(),
                max,
            });
        }
        Ok(points)
    }
}

impl fmt::Display for Points {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:02}", self.0 / 100, self.0 % 100)
    }
}

/// One change the owner made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Change {
    /// Sets (or, with `None`, clears) the score of one criterion.
    Score {
        /// The criterion's name, as in the front matter.
        criterion: String,
        /// The new score.
        points: Option<Points>,
    },
    /// Replaces the owner's note on the proposal.
    Note {
        /// The new note (empty clears it).
        text: String,
    },
    /// Excludes the proposal from the ranking.
    Disqualify {
        /// Why: required, shown in the audit trail.
        reason: String,
    },
    /// Takes a disqualification back.
    Reinstate,
    /// Moves a proposal held as suspected spam (its form's hidden field was filled in) into
    /// the evaluation: the owner judged a person sent it.
    Admit,
    /// Awards the work to the event's proposal; the evaluation is final from then on.
    Award {
        /// The proponent's legal name, as in the proposal awarded.
        proponent: String,
        /// Their organization, when they proposed as one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        organization: Option<String>,
        /// The fixed price at the award (the opportunity's reward).
        amount: Reward,
        /// Why this proposal, when it is not the only top-ranked one (empty otherwise).
        #[serde(default)]
        justification: String,
    },
    /// Records the awarded work accepted: the acceptance criteria are met.
    Accept {
        /// The day it was accepted (4:00 PM Vancouver, like every date alone).
        date: Timestamp,
        /// `https://` links to the merged pull requests or the release.
        links: Vec<String>,
    },
    /// Records the payment of the fixed price.
    Pay {
        /// The day it was paid.
        date: Timestamp,
        /// The amount paid: always the award's amount.
        amount: Reward,
    },
}

impl Change {
    /// Checks the change against the opportunity's criteria: known criterion, score within its
    /// points, a reason for a disqualification, notes not too long.
    pub fn validate(&self, criteria: &[Criterion]) -> Result<(), EvaluationError> {
        match self {
            Change::Score { criterion, points } => {
                let known = criteria
                    .iter()
                    .find(|c| &c.criterion == criterion)
                    .ok_or_else(|| EvaluationError::UnknownCriterion(criterion.clone()))?;
                match points {
                    Some(p) if *p > Points::whole(known.points) => {
                        Err(EvaluationError::OutOfRange {
                            given: p.to_string(),
                            max: known.points,
                        })
                    }
                    _ => Ok(()),
                }
            }
            Change::Note { text } if text.chars().count() > MAX_NOTE => {
                Err(EvaluationError::TooLong)
            }
            Change::Disqualify { reason } if reason.trim().is_empty() => {
                Err(EvaluationError::ReasonRequired)
            }
            Change::Disqualify { reason } if reason.chars().count() > MAX_NOTE => {
                Err(EvaluationError::TooLong)
            }
            _ => Ok(()),
        }
    }
}

/// One entry of the audit trail: who changed what, when. Never edited or deleted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvaluationEvent {
    /// The opportunity's slug.
    pub opportunity: String,
    /// 1 for the first event, +1 for each next one: the store refuses a second event with the
    /// same number, so two people saving at once cannot overwrite each other.
    pub seq: u32,
    /// When (the function's clock).
    pub at: Timestamp,
    /// Who: the signed-in owner's address.
    pub by: String,
    /// The proposal's stable reference.
    pub proposal: String,
    /// What changed.
    pub change: Change,
}

/// Why a change was refused (nothing is stored).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EvaluationError {
    /// Not a number.
    #[error("“{0}” is not a score: write a number such as 12 or 12.5")]
    NotAScore(String),
    /// More than two decimals.
    #[error("“{0}” has more than two decimals")]
    TooPrecise(String),
    /// Above the criterion's points.
    #[error("{given} is more than this criterion's {max} points")]
    OutOfRange {
        /// The score as typed.
        given: String,
        /// The criterion's points.
        max: u32,
    },
    /// No such criterion.
    #[error("“{0}” is not one of this opportunity's evaluation criteria")]
    UnknownCriterion(String),
    /// No such proposal among the ones evaluated.
    #[error("there is no proposal with this reference among the ones evaluated")]
    UnknownProposal,
    /// A disqualification without a reason.
    #[error("give a reason for disqualifying the proposal")]
    ReasonRequired,
    /// A note or reason above [`MAX_NOTE`] characters.
    #[error("notes and reasons may have at most 2,000 characters")]
    TooLong,
    /// A score refused for one criterion (the error says why).
    #[error("{criterion}: {error}")]
    InCriterion {
        /// The criterion's name.
        criterion: String,
        /// Why its score was refused.
        error: String,
    },
    /// A form field or action this page does not have.
    #[error("the form asked for something this page does not do; reload the page and try again")]
    UnknownAction,
    /// The opportunity is awarded or cancelled: the evaluation is final.
    #[error("the opportunity is awarded or cancelled, so its evaluation can no longer change")]
    Final,
    /// An award while there is nothing to award.
    #[error("there is no proposal to award: every proposal was withdrawn or disqualified")]
    NothingToAward,
    /// An award before every current proposal is scored or disqualified.
    #[error(
        "score every criterion of every proposal, or disqualify it, before awarding: {0} not fully scored"
    )]
    NotFullyScored(usize),
    /// An award to a disqualified proposal.
    #[error("a disqualified proposal cannot be awarded")]
    Disqualified,
    /// An award to a proposal that is not alone at the top, without saying why.
    #[error(
        "write a justification: the proposal chosen is not the only one ranked first, and the audit trail keeps why it was chosen"
    )]
    JustificationRequired,
    /// A second award.
    #[error("the work is already awarded; an award is recorded once and cannot be changed")]
    AlreadyAwarded,
    /// An acceptance or payment before the award.
    #[error("award the work first: acceptance and payment are recorded after the award")]
    NotAwarded,
    /// A second acceptance.
    #[error("the work's acceptance is already recorded and cannot be changed")]
    AlreadyAccepted,
    /// A payment before the acceptance.
    #[error(
        "record the work accepted first: the fixed price is paid once the acceptance criteria are met"
    )]
    NotAccepted,
    /// A second payment.
    #[error("the payment is already recorded and cannot be changed")]
    AlreadyPaid,
    /// A payment of another amount than the fixed price.
    #[error("{given} is not the fixed price: the payment must be exactly {reward}")]
    WrongAmount {
        /// The amount as typed.
        given: String,
        /// The award's amount.
        reward: Reward,
    },
    /// A date that is not a date, in the future or before the step it follows.
    #[error("{0}")]
    BadDate(String),
    /// A link to the delivered code that is not an `https://` address, or none or too many.
    #[error("{0}")]
    BadLinks(String),
}

/// Where one proposal stands.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Row {
    /// Score per criterion name (criteria not yet scored are absent).
    pub scores: BTreeMap<String, Points>,
    /// The owner's note.
    pub note: String,
    /// The reason, while disqualified.
    pub disqualified: Option<String>,
    /// Whether the owner moved it out of the suspected spam into the evaluation.
    pub admitted: bool,
}

impl Row {
    /// The sum of the scores given so far.
    pub fn total(&self) -> Points {
        Points(self.scores.values().map(|p| p.0).sum())
    }

    /// Whether every criterion has a score.
    pub fn complete(&self, criteria: &[Criterion]) -> bool {
        criteria
            .iter()
            .all(|c| self.scores.contains_key(&c.criterion))
    }
}

/// One audit line, with the value before and after the change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditLine {
    /// The event.
    pub event: EvaluationEvent,
    /// What was changed, e.g. "Approach" or "Note".
    pub what: String,
    /// The value before ("—" when none).
    pub old: String,
    /// The value after.
    pub new: String,
}

/// The evaluation as the events add it up.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sheet {
    /// Rows by proposal reference.
    pub rows: BTreeMap<String, Row>,
    /// Every event with its old and new value, oldest first.
    pub audit: Vec<AuditLine>,
    /// The award, acceptance and payment recorded so far.
    pub outcome: Option<Outcome>,
    /// The reference of the proposal awarded.
    pub winner: Option<String>,
}

const NONE: &str = "—";

impl Sheet {
    /// Replays `events` (in `seq` order) into the sheet.
    pub fn replay(events: &[EvaluationEvent]) -> Sheet {
        let mut sheet = Sheet::default();
        let mut ordered: Vec<&EvaluationEvent> = events.iter().collect();
        ordered.sort_by_key(|e| e.seq);
        for event in ordered {
            sheet.apply(event);
        }
        sheet
    }

    fn apply(&mut self, event: &EvaluationEvent) {
        let row = self.rows.entry(event.proposal.clone()).or_default();
        let show = |p: Option<Points>| p.map_or_else(|| NONE.to_owned(), |p| p.to_string());
        let (what, old, new) = match &event.change {
            Change::Score { criterion, points } => {
                let old = match points {
                    Some(p) => row.scores.insert(criterion.clone(), *p),
                    None => row.scores.remove(criterion),
                };
                (criterion.clone(), show(old), show(*points))
            }
            Change::Note { text } => {
                let old = std::mem::replace(&mut row.note, text.clone());
                ("Note".to_owned(), or_none(&old), or_none(text))
            }
            Change::Disqualify { reason } => {
                let old = row.disqualified.replace(reason.clone());
                (
                    "Disqualified".to_owned(),
                    old.map_or_else(|| "no".to_owned(), |r| format!("yes: {r}")),
                    format!("yes: {reason}"),
                )
            }
            Change::Reinstate => {
                let old = row.disqualified.take();
                (
                    "Disqualified".to_owned(),
                    old.map_or_else(|| "no".to_owned(), |r| format!("yes: {r}")),
                    "no".to_owned(),
                )
            }
            Change::Admit => {
                row.admitted = true;
                (
                    "Suspected spam".to_owned(),
                    "held apart".to_owned(),
                    "moved into the evaluation".to_owned(),
                )
            }
            Change::Award {
                proponent,
                organization,
                amount,
                justification,
            } => {
                self.winner = Some(event.proposal.clone());
                self.outcome = Some(Outcome {
                    awarded: Awarded {
                        proponent: proponent.clone(),
                        organization: organization.clone(),
                        date: event.at,
                        amount: *amount,
                    },
                    accepted: None,
                    paid: None,
                });
                let mut new = format!("awarded for {amount}");
                if !justification.is_empty() {
                    let _ = write!(new, "; justification: {justification}");
                }
                ("Award".to_owned(), NONE.to_owned(), new)
            }
            Change::Accept { date, links } => {
                if let Some(outcome) = &mut self.outcome {
                    outcome.accepted = Some(Accepted {
                        date: *date,
                        links: links.clone(),
                    });
                }
                let new = format!(
                    "accepted on {}: {}",
                    when::display_date(*date),
                    links.join(" ")
                );
                ("Work accepted".to_owned(), NONE.to_owned(), new)
            }
            Change::Pay { date, amount } => {
                if let Some(outcome) = &mut self.outcome {
                    outcome.paid = Some(Paid {
                        date: *date,
                        amount: *amount,
                    });
                }
                let new = format!("{amount} paid on {}", when::display_date(*date));
                ("Payment".to_owned(), NONE.to_owned(), new)
            }
        };
        self.audit.push(AuditLine {
            event: event.clone(),
            what,
            old,
            new,
        });
    }

    /// The row of a proposal (empty when nothing was scored yet).
    pub fn row(&self, reference: &str) -> Row {
        self.rows.get(reference).cloned().unwrap_or_default()
    }

    /// Ranks of `references` by total, highest first. Disqualified proposals get no rank; equal
    /// totals share a rank and are marked as a tie (1, 2=, 2=, 4): never broken silently.
    pub fn ranks(&self, references: &[String]) -> BTreeMap<String, Rank> {
        let totals: Vec<(String, Points)> = references
            .iter()
            .map(|r| (r.clone(), self.row(r)))
            .filter(|(_, row)| row.disqualified.is_none())
            .map(|(r, row)| (r, row.total()))
            .collect();
        totals
            .iter()
            .map(|(reference, total)| {
                let above = totals.iter().filter(|(_, t)| t > total).count();
                let equal = totals.iter().filter(|(_, t)| t == total).count();
                (
                    reference.clone(),
                    Rank {
                        place: above + 1,
                        tied: equal > 1,
                    },
                )
            })
            .collect()
    }
}

fn or_none(text: &str) -> String {
    if text.is_empty() {
        NONE.to_owned()
    } else {
        text.to_owned()
    }
}

/// A proposal's place in the ranking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Rank {
    /// 1 for the highest total.
    pub place: usize,
    /// Whether another proposal has the same total.
    pub tied: bool,
}

impl fmt::Display for Rank {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.place, if self.tied { " (tie)" } else { "" })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn criteria() -> Vec<Criterion> {
        vec![
            Criterion {
                criterion: "Approach".into(),
                points: 60,
            },
            Criterion {
                criterion: "Experience".into(),
                points: 40,
            },
        ]
    }

    fn event(seq: u32, proposal: &str, change: Change) -> EvaluationEvent {
        EvaluationEvent {
            opportunity: "permit-api".into(),
            seq,
            at: "2026-12-01T20:00:00Z".parse().unwrap(),
            by: "owner@example.ca".into(),
            proposal: proposal.into(),
            change,
        }
    }

    fn score(criterion: &str, points: &str) -> Change {
        Change::Score {
            criterion: criterion.into(),
            points: Some(Points::parse(points, 100).unwrap()),
        }
    }

    #[test]
    fn scores_have_two_decimals_within_the_points() {
        assert_eq!(Points::parse("12", 60), Ok(Points(1200)));
        assert_eq!(Points::parse(" 12.5 ", 60), Ok(Points(1250)));
        assert_eq!(Points::parse("0.05", 60), Ok(Points(5)));
        assert_eq!(Points::parse("60.00", 60), Ok(Points(6000)));
        assert_eq!(Points(1250).to_string(), "12.50");
        for bad in ["", "-1", "1e3", "abc", ".5", "1,5", "9999999"] {
            assert!(
                matches!(Points::parse(bad, 60), Err(EvaluationError::NotAScore(_))),
                "{bad}"
            );
        }
        assert!(matches!(
            Points::parse("60.01", 60),
            Err(EvaluationError::OutOfRange { max: 60, .. })
        ));
        assert!(matches!(
            Points::parse("1.234", 60),
            Err(EvaluationError::TooPrecise(_))
        ));
    }

    #[test]
    fn changes_are_checked_against_the_criteria() {
        let c = criteria();
        assert!(score("Approach", "60").validate(&c).is_ok());
        assert_eq!(
            score("Approach", "61").validate(&c),
            Err(EvaluationError::OutOfRange {
                given: "61.00".into(),
                max: 60
            })
        );
        assert_eq!(
            score("Price", "1").validate(&c),
            Err(EvaluationError::UnknownCriterion("Price".into()))
        );
        let blank = Change::Disqualify { reason: " ".into() };
        assert_eq!(blank.validate(&c), Err(EvaluationError::ReasonRequired));
        let long = Change::Note {
            text: "x".repeat(MAX_NOTE + 1),
        };
        assert_eq!(long.validate(&c), Err(EvaluationError::TooLong));
    }

    #[test]
    fn replay_gives_totals_ranks_ties_and_the_audit_trail() {
        let events = vec![
            event(3, "B", score("Approach", "50")),
            event(1, "A", score("Approach", "40")),
            event(2, "A", score("Experience", "10.5")),
            event(4, "C", score("Approach", "50.5")),
            event(5, "A", score("Approach", "39.5")),
            event(6, "D", score("Approach", "60")),
            event(
                7,
                "D",
                Change::Disqualify {
                    reason: "late".into(),
                },
            ),
        ];
        let sheet = Sheet::replay(&events);
        assert_eq!(sheet.row("A").total(), Points(5000));
        assert!(sheet.row("A").complete(&criteria()));
        assert!(!sheet.row("B").complete(&criteria()));
        let refs: Vec<String> = ["A", "B", "C", "D"].map(String::from).to_vec();
        let ranks = sheet.ranks(&refs);
        assert_eq!(ranks["C"].to_string(), "1");
        assert_eq!(ranks["A"].to_string(), "2 (tie)");
        assert_eq!(ranks["B"].to_string(), "2 (tie)");
        assert!(!ranks.contains_key("D"), "disqualified: no rank");
        let fifth = &sheet.audit[4];
        assert_eq!(fifth.event.seq, 5);
        assert_eq!((fifth.old.as_str(), fifth.new.as_str()), ("40.00", "39.50"));
        assert_eq!(sheet.audit[6].new, "yes: late");
    }

    #[test]
    fn admitting_a_held_proposal_is_audited() {
        let sheet = Sheet::replay(&[event(1, "S", Change::Admit)]);
        assert!(sheet.row("S").admitted);
        assert!(!sheet.row("A").admitted);
        let line = &sheet.audit[0];
        assert_eq!(
            (line.what.as_str(), line.old.as_str(), line.new.as_str()),
            ("Suspected spam", "held apart", "moved into the evaluation")
        );
    }
}
