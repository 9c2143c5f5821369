//! Email subscriptions: what a subscriber chooses (skills, how often), and which changes to a
//! published opportunity are news worth a mail.
//!
//! The notifier keeps an [`Announced`] record per opportunity and compares each new build's
//! [`RegistryEntry`] with it ([`changes`]); every [`Change`] has a stable id, so a re-run that
//! sees the same difference produces the same mails, which the store then writes only once.

use crate::opportunity::{Lifecycle, MAX_SKILL};
use crate::registry::RegistryEntry;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// The most skills one subscription may name.
pub const MAX_SKILLS: usize = 20;

/// How often a subscriber hears about new opportunities.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Frequency {
    /// One mail per new opportunity, as soon as it is published.
    #[default]
    Immediate,
    /// One mail a week listing the new opportunities, if there were any.
    Weekly,
}

impl Frequency {
    /// Reads the form value `immediate` or `weekly`.
    pub fn parse(value: &str) -> Result<Self, String> {
        match value.trim() {
            "immediate" => Ok(Frequency::Immediate),
            "weekly" => Ok(Frequency::Weekly),
            other => Err(format!(
                "`{other}` is not a choice; choose \"each new opportunity\" or \"a weekly digest\""
            )),
        }
    }

    /// The form value.
    pub fn id(self) -> &'static str {
        match self {
            Frequency::Immediate => "immediate",
            Frequency::Weekly => "weekly",
        }
    }

    /// How it reads in a sentence.
    pub fn label(self) -> &'static str {
        match self {
            Frequency::Immediate => "each new opportunity, as it is published",
            Frequency::Weekly => "a weekly digest",
        }
    }
}

/// Reads a comma-separated list of skills: trimmed, empty items dropped, duplicates (ignoring
/// case) dropped. An empty list means every opportunity.
pub fn parse_skills(text: &str) -> Result<Vec<String>, String> {
    let mut skills: Vec<String> = Vec::new();
    for skill in text.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        if skill.chars().count() > MAX_SKILL {
            return Err(format!(
                "a skill is longer than {MAX_SKILL} characters; separate skills with commas"
            ));
        }
        if skill.chars().any(char::is_control) {
            return Err("a skill contains a control character".into());
        }
        if !skills.iter().any(|s| s.eq_ignore_ascii_case(skill)) {
            skills.push(skill.to_owned());
        }
        if skills.len() > MAX_SKILLS {
            return Err(format!("name at most {MAX_SKILLS} skills"));
        }
    }
    Ok(skills)
}

/// Whether an opportunity needing `offered` skills interests someone who chose `wanted`
/// (none chosen: everything). Case does not matter.
pub fn skills_match(wanted: &[String], offered: &[String]) -> bool {
    wanted.is_empty()
        || wanted
            .iter()
            .any(|w| offered.iter().any(|o| o.eq_ignore_ascii_case(w)))
}

/// What subscribers, watchers and proponents have been told about one opportunity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Announced {
    /// The proposal deadline last announced.
    pub deadline: Timestamp,
    /// The assignment, start and completion dates last announced.
    pub dates: (Timestamp, Timestamp, Option<Timestamp>),
    /// How many addenda have been announced.
    pub addenda: usize,
    /// Whether its cancellation has been announced.
    pub cancelled: bool,
    /// Whether its award has been announced.
    pub awarded: bool,
}

impl Announced {
    /// The facts of `entry` as the notifier records them once announced.
    pub fn of(entry: &RegistryEntry) -> Self {
        Announced {
            deadline: entry.proposal_deadline,
            dates: (
                entry.assignment_date,
                entry.start_date,
                entry.completion_date,
            ),
            addenda: entry.addenda.len(),
            cancelled: entry.lifecycle == Lifecycle::Cancelled,
            awarded: entry.awarded(),
        }
    }
}

/// One piece of news about an opportunity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "lowercase")]
pub enum Change {
    /// Newly published and open: for subscribers.
    Published,
    /// An addendum; `number` counts from 1 (the first ever published).
    Addendum {
        /// 1 for the first addendum, 2 for the second…
        number: usize,
    },
    /// The proposal deadline moved.
    Deadline {
        /// The deadline before.
        from: Timestamp,
        /// The deadline now.
        to: Timestamp,
    },
    /// The assignment, start or completion date changed.
    Dates,
    /// The opportunity was cancelled.
    Cancelled,
    /// The work was awarded.
    Awarded,
}

impl Change {
    /// A stable id for this change of `slug`, whose facts are now `current`: the same
    /// difference always gets the same id.
    pub fn id(&self, slug: &str, current: &Announced) -> String {
        match self {
            Change::Published => format!("published:{slug}"),
            Change::Addendum { number } => format!("addendum:{slug}:{number}"),
            Change::Deadline { to, .. } => format!("deadline:{slug}:{}", to.as_second()),
            Change::Dates => {
                let (a, s, c) = current.dates;
                let c = c.map_or(0, |c| c.as_second());
                format!("dates:{slug}:{}:{}:{c}", a.as_second(), s.as_second())
            }
            Change::Cancelled => format!("cancelled:{slug}"),
            Change::Awarded => format!("awarded:{slug}"),
        }
    }

    /// Whether subscribers (rather than watchers and proponents) hear about it.
    pub fn is_for_subscribers(&self) -> bool {
        matches!(self, Change::Published)
    }
}

/// The news in `entry` since `previous` was announced. An opportunity seen for the first time
/// is news only while it accepts proposals at `now` (an old or closed one is just recorded);
/// drafts are never news.
pub fn changes(previous: Option<&Announced>, entry: &RegistryEntry, now: Timestamp) -> Vec<Change> {
    if entry.lifecycle == Lifecycle::Draft {
        return Vec::new();
    }
    let Some(previous) = previous else {
        return if entry.status_at(now).accepts_proposals() {
            vec![Change::Published]
        } else {
            Vec::new()
        };
    };
    let current = Announced::of(entry);
    let mut news: Vec<Change> = (previous.addenda + 1..=current.addenda)
        .map(|number| Change::Addendum { number })
        .collect();
    if current.deadline != previous.deadline {
        news.push(Change::Deadline {
            from: previous.deadline,
            to: current.deadline,
        });
    }
    if current.dates != previous.dates {
        news.push(Change::Dates);
    }
    if current.cancelled && !previous.cancelled {
        news.push(Change::Cancelled);
    }
    if current.awarded && !previous.awarded {
        news.push(Change::Awarded);
    }
    news
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::opportunity::Addendum;
    use crate::opportunity::tests::valid;

    fn entry() -> RegistryEntry {
        let opportunity = valid().validate("permit-api").unwrap();
        let mut entry = RegistryEntry::new(&opportunity, "https://cwu.example.ca");
        // Published without a schedule: open at any time before the deadline.
        entry.published = None;
        entry
    }

    fn long_ago() -> Timestamp {
        "2020-01-01T00:00:00Z".parse().unwrap()
    }

    #[test]
    fn skills_are_parsed_and_matched_ignoring_case() {
        assert_eq!(
            parse_skills(" Rust, rust ,,Python").unwrap(),
            ["Rust", "Python"]
        );
        assert!(parse_skills("").unwrap().is_empty());
        assert!(parse_skills(&"x".repeat(MAX_SKILL + 1)).is_err());
        assert!(
            parse_skills(
                &vec!["a"; 30]
                    .iter()
                    .enumerate()
                    .map(|(i, _)| i.to_string())
                    .collect::<Vec<_>>()
                    .join(",")
            )
            .is_err()
        );
        let offered = ["Rust".to_owned(), "PostgreSQL".to_owned()];
        assert!(skills_match(&["RUST".into()], &offered));
        assert!(!skills_match(&["Python".into()], &offered));
        assert!(skills_match(&[], &offered));
        assert_eq!(Frequency::parse("weekly"), Ok(Frequency::Weekly));
        assert!(Frequency::parse("daily").is_err());
    }

    #[test]
    fn news_is_what_changed_since_the_last_announcement() {
        let mut entry = entry();
        assert_eq!(changes(None, &entry, long_ago()), [Change::Published]);
        let far_future = "2099-01-01T00:00:00Z".parse().unwrap();
        assert!(
            changes(None, &entry, far_future).is_empty(),
            "closed: recorded only"
        );
        let announced = Announced::of(&entry);
        assert!(changes(Some(&announced), &entry, long_ago()).is_empty());

        entry.addenda.insert(
            0,
            Addendum {
                date: long_ago(),
                text: "Deadline extended.".into(),
            },
        );
        entry.proposal_deadline += jiff::SignedDuration::from_hours(24 * 7);
        entry.lifecycle = Lifecycle::Cancelled;
        let news = changes(Some(&announced), &entry, long_ago());
        assert_eq!(news.len(), 3, "{news:?}");
        let number = announced.addenda + 1;
        assert_eq!(news[0], Change::Addendum { number });
        assert!(matches!(news[1], Change::Deadline { .. }));
        assert_eq!(news[2], Change::Cancelled);
        assert_eq!(
            news[0].id("permit-api", &announced),
            format!("addendum:permit-api:{number}")
        );
        assert!(changes(Some(&Announced::of(&entry)), &entry, long_ago()).is_empty());

        entry.lifecycle = Lifecycle::Draft;
        assert!(changes(None, &entry, long_ago()).is_empty());
    }
}
