//! Statuses follow from dates and recorded facts: the clock, not an editor, closes an
//! opportunity, and the recorded award, acceptance and payment move it on from there.

use crate::opportunity::{Lifecycle, Opportunity};
use crate::outcome::Outcome;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// How long before its deadline an open opportunity counts as closing soon.
pub const CLOSING_SOON_SECONDS: i64 = 7 * 24 * 3600;

/// What a reader sees about an opportunity at a given moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Accepting proposals, deadline within 7 days. Listed first: most urgent.
    ClosingSoon,
    /// Accepting proposals.
    Open,
    /// Deadline passed, no award yet.
    UnderEvaluation,
    /// Work assigned; its start date is still ahead.
    Awarded,
    /// Work assigned and its start date reached, not yet accepted.
    InProgress,
    /// The work was accepted: the acceptance criteria are met.
    Accepted,
    /// The fixed price was paid.
    Paid,
    /// Withdrawn.
    Cancelled,
    /// Not published.
    Draft,
}

/// How far an opportunity has gone past its award, as recorded: what [`Status::at`] needs of an
/// [`Outcome`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    /// Awarded, neither accepted nor paid yet.
    Awarded,
    /// The work was accepted.
    Accepted,
    /// The payment was made.
    Paid,
}

impl Stage {
    /// The furthest fact recorded in `outcome`.
    pub fn of(outcome: &Outcome) -> Stage {
        match (&outcome.accepted, &outcome.paid) {
            (_, Some(_)) => Stage::Paid,
            (Some(_), None) => Stage::Accepted,
            (None, None) => Stage::Awarded,
        }
    }
}

impl Status {
    /// The status from the publishing state, the publication date, deadline, recorded stage
    /// and start date at `now`. At the deadline itself proposals are closed. An opportunity
    /// published with a future `published` date is scheduled: a draft until that moment. An
    /// awarded one is in progress from its start date until its acceptance is recorded.
    pub fn at(
        lifecycle: Lifecycle,
        published: Option<Timestamp>,
        proposal_deadline: Timestamp,
        stage: Option<(Stage, Timestamp)>,
        now: Timestamp,
    ) -> Status {
        match lifecycle {
            Lifecycle::Draft => Status::Draft,
            Lifecycle::Published if published.is_some_and(|p| now < p) => Status::Draft,
            Lifecycle::Cancelled => Status::Cancelled,
            Lifecycle::Published if stage.is_some() => match stage {
                Some((Stage::Paid, _)) => Status::Paid,
                Some((Stage::Accepted, _)) => Status::Accepted,
                Some((Stage::Awarded, start_date)) if now >= start_date => Status::InProgress,
                _ => Status::Awarded,
            },
            Lifecycle::Published if now >= proposal_deadline => Status::UnderEvaluation,
            Lifecycle::Published
                if proposal_deadline.as_second() - now.as_second() <= CLOSING_SOON_SECONDS =>
            {
                Status::ClosingSoon
            }
            Lifecycle::Published => Status::Open,
        }
    }

    /// Whether proposals are accepted.
    pub fn accepts_proposals(self) -> bool {
        matches!(self, Status::Open | Status::ClosingSoon)
    }

    /// The label shown to readers.
    pub fn label(self) -> &'static str {
        match self {
            Status::ClosingSoon => "Closing soon",
            Status::Open => "Open",
            Status::UnderEvaluation => "Under evaluation",
            Status::Awarded => "Awarded",
            Status::InProgress => "In progress",
            Status::Accepted => "Accepted",
            Status::Paid => "Paid",
            Status::Cancelled => "Cancelled",
            Status::Draft => "Draft",
        }
    }

    /// A stable identifier for CSS classes and filters, e.g. `closing-soon`.
    pub fn id(self) -> &'static str {
        match self {
            Status::ClosingSoon => "closing-soon",
            Status::Open => "open",
            Status::UnderEvaluation => "under-evaluation",
            Status::Awarded => "awarded",
            Status::InProgress => "in-progress",
            Status::Accepted => "accepted",
            Status::Paid => "paid",
            Status::Cancelled => "cancelled",
            Status::Draft => "draft",
        }
    }

    /// Every status, in board order.
    pub const ALL: [Status; 9] = [
        Status::ClosingSoon,
        Status::Open,
        Status::UnderEvaluation,
        Status::Awarded,
        Status::InProgress,
        Status::Accepted,
        Status::Paid,
        Status::Cancelled,
        Status::Draft,
    ];
}

impl Opportunity {
    /// This opportunity's status at `now`.
    pub fn status_at(&self, now: Timestamp) -> Status {
        Status::at(
            self.lifecycle,
            self.published,
            self.proposal_deadline,
            self.stage(),
            now,
        )
    }

    /// When the status at `now` began, where a date says so: the `published` date for open,
    /// seven days before the deadline for closing soon, the deadline for under evaluation, the
    /// recorded dates past the award (in progress from the start date, or from the award when
    /// that came later). `None` for an open opportunity without a `published` date, a cancelled
    /// one and a draft: no date records when they began.
    pub fn status_since(&self, now: Timestamp) -> Option<Timestamp> {
        let outcome = self.outcome.as_ref();
        match self.status_at(now) {
            Status::Open => self.published,
            Status::ClosingSoon => {
                Some(self.proposal_deadline - jiff::SignedDuration::from_secs(CLOSING_SOON_SECONDS))
            }
            Status::UnderEvaluation => Some(self.proposal_deadline),
            Status::Awarded => outcome.map(|o| o.awarded.date),
            Status::InProgress => outcome.map(|o| o.awarded.date.max(self.start_date)),
            Status::Accepted => outcome.and_then(|o| o.accepted.as_ref()).map(|a| a.date),
            Status::Paid => outcome.and_then(|o| o.paid.as_ref()).map(|p| p.date),
            Status::Cancelled | Status::Draft => None,
        }
    }

    /// The recorded stage past the award, with the start date ([`Status::at`]'s `stage`).
    pub fn stage(&self) -> Option<(Stage, Timestamp)> {
        self.outcome
            .as_ref()
            .map(|outcome| (Stage::of(outcome), self.start_date))
    }

    /// Whether it is published with a `published` date still after `now` (not public yet).
    pub fn scheduled_after(&self, now: Timestamp) -> bool {
        self.lifecycle == Lifecycle::Published && self.published.is_some_and(|p| now < p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::when::parse_moment;

    fn at(now: &str) -> Status {
        let deadline = parse_moment("2026-11-01").unwrap(); // fall-back day: 4 PM PST = 00:00Z next day
        Status::at(
            Lifecycle::Published,
            None,
            deadline,
            None,
            now.parse().unwrap(),
        )
    }

    #[test]
    fn boundaries_around_the_deadline() {
        assert_eq!(
            at("2026-11-02T00:00:00Z"),
            Status::UnderEvaluation,
            "closed at the deadline"
        );
        assert_eq!(
            at("2026-11-01T23:59:59Z"),
            Status::ClosingSoon,
            "open one second before"
        );
        // Seven days before 4 PM PST on Nov 1 is 4 PM PDT on Oct 25 (DST ended in between).
        assert_eq!(at("2026-10-26T00:00:00Z"), Status::ClosingSoon);
        assert_eq!(at("2026-10-25T23:59:59Z"), Status::Open);
    }

    #[test]
    fn award_and_lifecycle_win_over_dates() {
        let deadline = parse_moment("2027-03-12").unwrap();
        let now: Timestamp = "2026-11-24T20:00:00Z".parse().unwrap();
        let awarded = Some((Stage::Awarded, parse_moment("2027-04-01").unwrap()));
        assert_eq!(
            Status::at(Lifecycle::Published, None, deadline, awarded, now),
            Status::Awarded
        );
        assert_eq!(
            Status::at(Lifecycle::Cancelled, None, deadline, None, now),
            Status::Cancelled
        );
        assert_eq!(
            Status::at(Lifecycle::Draft, None, deadline, None, now),
            Status::Draft
        );
        assert_eq!(
            Status::at(Lifecycle::Published, None, deadline, None, now),
            Status::Open
        );
    }

    #[test]
    fn a_future_publication_date_keeps_it_a_draft_until_then() {
        let deadline = parse_moment("2027-03-12").unwrap();
        let published = parse_moment("2026-12-01T09:00").ok();
        let status = |now: &str| {
            Status::at(
                Lifecycle::Published,
                published,
                deadline,
                None,
                parse_moment(now).unwrap(),
            )
        };
        assert_eq!(status("2026-12-01T08:59"), Status::Draft);
        assert_eq!(status("2026-12-01T09:00"), Status::Open);
    }

    #[test]
    fn past_the_award_the_start_date_and_recorded_facts_decide() {
        let deadline = parse_moment("2027-03-12").unwrap();
        let start = parse_moment("2027-04-01").unwrap(); // 4 PM Vancouver
        let at = |stage, now: &str| {
            Status::at(
                Lifecycle::Published,
                None,
                deadline,
                Some((stage, start)),
                parse_moment(now).unwrap(),
            )
        };
        assert_eq!(at(Stage::Awarded, "2027-04-01T15:59"), Status::Awarded);
        assert_eq!(at(Stage::Awarded, "2027-04-01T16:00"), Status::InProgress);
        // Recorded facts win over dates, even before the start date.
        assert_eq!(at(Stage::Accepted, "2027-03-20"), Status::Accepted);
        assert_eq!(at(Stage::Paid, "2027-03-20"), Status::Paid);
        assert_eq!(
            Status::at(
                Lifecycle::Cancelled,
                None,
                deadline,
                Some((Stage::Paid, start)),
                start
            ),
            Status::Cancelled
        );
    }

    #[test]
    fn each_status_begins_at_the_date_that_made_it() {
        use crate::Reward;
        use crate::outcome::{Accepted, Awarded, Outcome, Paid};
        let mut o = crate::opportunity::rules::tests::valid()
            .validate("permit-api")
            .unwrap();
        let m = |text: &str| parse_moment(text).unwrap();
        // Published 2027-01-20, deadline 2027-03-12 (4 PM PST), work starts 2027-03-22.
        assert_eq!(o.status_since(m("2027-02-01")), Some(m("2027-01-20")));
        // Closing soon from 4 PM PST on March 5, whatever the hour now.
        assert_eq!(o.status_since(m("2027-03-06T09:00")), Some(m("2027-03-05")));
        assert_eq!(o.status_since(m("2027-03-13")), Some(m("2027-03-12")));
        o.outcome = Some(Outcome {
            awarded: Awarded {
                proponent: "Ada".into(),
                organization: None,
                date: m("2027-03-18T10:00"),
                amount: Reward::new(25_000).unwrap(),
            },
            accepted: None,
            paid: None,
        });
        assert_eq!(o.status_since(m("2027-03-19")), Some(m("2027-03-18T10:00")));
        assert_eq!(o.status_since(m("2027-03-25")), Some(m("2027-03-22")));
        let outcome = o.outcome.as_mut().unwrap();
        outcome.awarded.date = m("2027-03-24T10:00");
        assert_eq!(
            o.status_since(m("2027-03-25")),
            Some(m("2027-03-24T10:00")),
            "awarded after the start date: in progress from the award"
        );
        let outcome = o.outcome.as_mut().unwrap();
        outcome.accepted = Some(Accepted {
            date: m("2027-05-20"),
            links: Vec::new(),
        });
        assert_eq!(o.status_since(m("2027-05-21")), Some(m("2027-05-20")));
        o.outcome.as_mut().unwrap().paid = Some(Paid {
            date: m("2027-05-30"),
            amount: Reward::new(25_000).unwrap(),
        });
        assert_eq!(o.status_since(m("2027-06-01")), Some(m("2027-05-30")));
        o.lifecycle = Lifecycle::Cancelled;
        assert_eq!(o.status_since(m("2027-06-01")), None, "no date records it");
        o.lifecycle = Lifecycle::Published;
        o.outcome = None;
        o.published = None;
        assert_eq!(o.status_since(m("2027-02-01")), None);
    }

    #[test]
    fn only_open_statuses_accept_proposals() {
        let accepting: Vec<_> = Status::ALL
            .into_iter()
            .filter(|s| s.accepts_proposals())
            .collect();
        assert_eq!(accepting, [Status::ClosingSoon, Status::Open]);
    }
}
