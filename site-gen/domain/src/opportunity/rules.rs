//! The Code With Us rules for an opportunity: [`FrontMatter::validate`] and the slug rules.

use super::fields::example_line;
use super::input::FrontMatter;
use super::model::{Addendum, Contact, Criterion, Lifecycle, Opportunity};
use crate::email::normalize_email;
use crate::money::Reward;
use crate::outcome::{Awarded, Outcome};
use crate::problem::{FieldPath, Problem};
use crate::slug::{check as check_slug, slugify};
use crate::urls;
use crate::when::parse_moment;
use jiff::Timestamp;

/// Longest title, in characters.
pub const MAX_TITLE: usize = 200;
/// Longest teaser and remote details, in characters.
pub const MAX_SHORT_TEXT: usize = 500;
/// Longest skill name, in characters.
pub const MAX_SKILL: usize = 100;
/// Most skills one opportunity may list: each skill makes a page and a feed that list the
/// opportunity's card (with all its skills), so this bounds what one file makes the build write.
pub const MAX_SKILLS: usize = 20;
/// Most entries in any other list (criteria, requirements, addenda): each is shown on the page
/// and each addendum is a feed item in the site feed and every skill's feed.
pub const MAX_LIST_ITEMS: usize = 100;
/// Evaluation criteria points must add up to this.
pub const TOTAL_POINTS: i64 = 100;

/// The example line hints offer for a field (`reward: 25000`), from the field table.
fn example(field: &str) -> String {
    example_line(field).unwrap_or_default()
}

/// The validated dates of an opportunity.
struct Dates {
    published: Option<Timestamp>,
    proposal_deadline: Timestamp,
    assignment_date: Timestamp,
    start_date: Timestamp,
    completion_date: Option<Timestamp>,
}

/// Collects problems while validating.
struct Checker {
    problems: Vec<Problem>,
}

impl Checker {
    fn problem(&mut self, path: FieldPath, message: impl Into<String>, hint: impl Into<String>) {
        self.problems.push(Problem::new(path, message, hint));
    }

    fn missing(&mut self, field: &str) {
        self.problem(
            FieldPath::key(field),
            format!("`{field}` is missing"),
            format!("add `{}`", example(field)),
        );
    }

    fn required<T>(&mut self, field: &str, value: Option<T>) -> Option<T> {
        if value.is_none() {
            self.missing(field);
        }
        value
    }

    /// Whether a list has more than [`MAX_LIST_ITEMS`] entries (a problem when it has).
    fn too_many(&mut self, field: &str, len: usize) -> bool {
        let too_many = len > MAX_LIST_ITEMS;
        if too_many {
            self.problem(
                FieldPath::key(field),
                format!("`{field}` has more than {MAX_LIST_ITEMS} entries"),
                "keep it to what a proponent can read; move long detail into the description",
            );
        }
        too_many
    }

    /// A trimmed text of 1..=max characters. Titles, names, teasers and other short fields
    /// (`max` up to [`MAX_SHORT_TEXT`]) are one line with no control character at all (YAML
    /// escapes such as `"\0"` or `"\r\n"` would put them in pages and mail); longer list
    /// entries may also hold line breaks and tabs.
    fn text(&mut self, path: FieldPath, value: &str, max: usize) -> Option<String> {
        let text = value.trim();
        let length = text.chars().count();
        let one_line = max <= MAX_SHORT_TEXT;
        let control = text
            .chars()
            .find(|&c| c.is_control() && (one_line || !matches!(c, '\n' | '\t')));
        if let Some(c) = control {
            self.problem(
                path,
                format!(
                    "this text contains the control character U+{:04X}",
                    c as u32
                ),
                if one_line {
                    "write it on one line, without escapes such as \\0, \\r or \\n"
                } else {
                    "remove escapes such as \\0 or \\r from it"
                },
            );
            None
        } else if text.is_empty() {
            self.problem(path, "this text is empty", "write at least one word");
            None
        } else if length > max {
            self.problem(
                path,
                format!("this text is {length} characters long, over the limit of {max}"),
                format!("shorten it by {} characters", length - max),
            );
            None
        } else {
            Some(text.to_owned())
        }
    }

    fn required_text(&mut self, field: &str, value: Option<&String>, max: usize) -> Option<String> {
        let value = self.required(field, value)?;
        self.text(FieldPath::key(field), value, max)
    }

    fn moment(&mut self, path: FieldPath, value: &str) -> Option<Timestamp> {
        parse_moment(value)
            .map_err(|message| self.problem(path, message, "dates are YYYY-MM-DD, e.g. 2027-03-12"))
            .ok()
    }

    fn url(&mut self, field: &str, value: Option<&String>) -> Option<String> {
        let value = self.required(field, value)?.trim();
        if urls::is_https(value) {
            Some(value.to_owned())
        } else {
            self.problem(
                FieldPath::key(field),
                format!("`{value}` is not an https:// address"),
                format!("write the full address, e.g. `{}`", example(field)),
            );
            None
        }
    }

    /// `questions`: a GitHub issue address, `https://github.com/OWNER/REPOSITORY/issues/NUMBER`.
    fn issue_url(&mut self, value: &str) -> Option<String> {
        let value = value.trim();
        let parts: Option<Vec<&str>> = value
            .strip_prefix("https://github.com/")
            .map(|rest| rest.trim_end_matches('/').split('/').collect());
        let is_issue = parts.is_some_and(|p| {
            let name = |s: &str| {
                !s.is_empty()
                    && s.chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            };
            p.len() == 4
                && name(p[0])
                && name(p[1])
                && p[2] == "issues"
                && !p[3].is_empty()
                && p[3].chars().all(|c| c.is_ascii_digit())
        });
        if is_issue {
            Some(value.to_owned())
        } else {
            self.problem(
                FieldPath::key("questions"),
                format!("`{value}` is not the address of a GitHub issue"),
                format!(
                    "write the issue's address, e.g. `{}`, or leave `questions` out to have the issue created when the opportunity is merged",
                    example("questions")
                ),
            );
            None
        }
    }

    fn text_list(
        &mut self,
        field: &str,
        value: Option<&Vec<String>>,
        max: usize,
    ) -> Option<Vec<String>> {
        let items = self.required(field, value)?;
        if self.too_many(field, items.len()) {
            return None;
        }
        if items.is_empty() {
            self.problem(
                FieldPath::key(field),
                format!("`{field}` needs at least one entry"),
                format!("add one, e.g. `{}`", example(field)),
            );
            return None;
        }
        let path = FieldPath::key(field);
        let checked: Vec<_> = items
            .iter()
            .enumerate()
            .map(|(i, item)| self.text(path.index(i), item, max))
            .collect();
        checked.into_iter().collect()
    }
}

/// Longest free text inside lists (criteria, requirements, addenda), in characters.
const MAX_LIST_TEXT: usize = 2_000;

impl FrontMatter {
    /// Applies every Code With Us rule; returns the opportunity or every problem found.
    pub fn validate(&self, slug: &str) -> Result<Opportunity, Vec<Problem>> {
        let mut c = Checker {
            problems: Vec::new(),
        };
        if let Err(message) = check_slug(slug) {
            c.problem(FieldPath::default(), message, "rename the file");
        }
        let title = c.required_text("title", self.title.as_ref(), MAX_TITLE);
        let teaser = c.required_text("teaser", self.teaser.as_ref(), MAX_SHORT_TEXT);
        let organization = c.required_text("organization", self.organization.as_ref(), MAX_TITLE);
        let product_owner = self.product_owner(&mut c);
        let reward = c.required("reward", self.reward).and_then(|dollars| {
            Reward::new(dollars)
                .map_err(|message| {
                    c.problem(
                        FieldPath::key("reward"),
                        message,
                        "write whole dollars from 1 to 70000, without $ or commas, e.g. `reward: 25000`",
                    )
                })
                .ok()
        });
        let location = c.required_text("location", self.location.as_ref(), MAX_TITLE);
        let remote = c.required("remote", self.remote);
        let remote_details = match (remote, &self.remote_details) {
            (Some(true), None) => {
                c.problem(
                    FieldPath::key("remote_details"),
                    "`remote_details` is required when `remote: true`",
                    format!("add `{}`", example("remote_details")),
                );
                None
            }
            (_, Some(details)) => c.text(FieldPath::key("remote_details"), details, MAX_SHORT_TEXT),
            (_, None) => None,
        };
        let skills = self.skills(&mut c);
        let dates = self.dates(&mut c);
        let repository = c.url("repository", self.repository.as_ref());
        let questions = self.questions.as_ref().and_then(|q| c.issue_url(q));
        let acceptance_criteria = c.text_list(
            "acceptance_criteria",
            self.acceptance_criteria.as_ref(),
            MAX_LIST_TEXT,
        );
        let evaluation_criteria = self.evaluation_criteria(&mut c);
        let proposal_requirements = c.text_list(
            "proposal_requirements",
            self.proposal_requirements.as_ref(),
            MAX_LIST_TEXT,
        );
        let addenda = self.addenda(&mut c);
        let lifecycle = c.required("status", self.status);
        let award = self.award(&mut c, dates.as_ref().map(|d| d.proposal_deadline));
        let outcome = award
            .zip(reward)
            .map(|((proponent, date), amount)| Outcome {
                awarded: Awarded {
                    proponent,
                    organization: None,
                    date,
                    amount,
                },
                accepted: None,
                paid: None,
            });

        if !c.problems.is_empty() {
            return Err(c.problems);
        }
        // Every value is present here: a missing one would have added a problem above.
        let dates = dates.expect("checked");
        Ok(Opportunity {
            slug: slug.to_owned(),
            title: title.expect("checked"),
            teaser: teaser.expect("checked"),
            organization: organization.expect("checked"),
            product_owner: product_owner.expect("checked"),
            reward: reward.expect("checked"),
            location: location.expect("checked"),
            remote: remote.expect("checked"),
            remote_details,
            skills: skills.expect("checked"),
            published: dates.published,
            proposal_deadline: dates.proposal_deadline,
            assignment_date: dates.assignment_date,
            start_date: dates.start_date,
            completion_date: dates.completion_date,
            repository: repository.expect("checked"),
            questions,
            acceptance_criteria: acceptance_criteria.expect("checked"),
            evaluation_criteria: evaluation_criteria.expect("checked"),
            proposal_requirements: proposal_requirements.expect("checked"),
            addenda: addenda.expect("checked"),
            lifecycle: lifecycle.expect("checked"),
            outcome,
        })
    }

    fn product_owner(&self, c: &mut Checker) -> Option<Contact> {
        let owner = c.required("product_owner", self.product_owner.as_ref())?;
        let path = FieldPath::key("product_owner");
        let name = match &owner.name {
            Some(name) => c.text(path.child("name"), name, MAX_TITLE),
            None => {
                c.problem(
                    path.child("name"),
                    "`product_owner.name` is missing",
                    "add `name: \"Priya Sandhu\"`",
                );
                None
            }
        };
        let email = match &owner.email {
            Some(email) => normalize_email(email)
                .map_err(|message| {
                    c.problem(
                        path.child("email"),
                        message,
                        "the owner's work email, e.g. `priya.sandhu@gov.bc.ca`",
                    )
                })
                .ok(),
            None => {
                c.problem(
                    path.child("email"),
                    "`product_owner.email` is missing",
                    "add `email: \"priya.sandhu@gov.bc.ca\"` (it is kept private)",
                );
                None
            }
        };
        Some(Contact {
            name: name?,
            email: email?,
        })
    }

    fn skills(&self, c: &mut Checker) -> Option<Vec<String>> {
        if self.skills.as_ref().is_some_and(|s| s.len() > MAX_SKILLS) {
            c.problem(
                FieldPath::key("skills"),
                format!("more than {MAX_SKILLS} skills are listed"),
                format!(
                    "keep the {MAX_SKILLS} that matter most; each skill gets its own page and feed"
                ),
            );
            return None;
        }
        let skills = c.text_list("skills", self.skills.as_ref(), MAX_SKILL)?;
        // A map, not a scan: a hostile file may list a hundred thousand skills.
        let mut seen = std::collections::HashMap::with_capacity(skills.len());
        let mut by_slug: std::collections::HashMap<String, usize> =
            std::collections::HashMap::with_capacity(skills.len());
        for (i, skill) in skills.iter().enumerate() {
            let slug = slugify(skill);
            if slug.is_empty() {
                c.problem(
                    FieldPath::key("skills").index(i),
                    format!("the skill `{skill}` has no letter or digit, so it cannot have a page"),
                    "write the skill's name, e.g. `Rust`",
                );
                continue;
            }
            if let Some(&first) = by_slug.get(&slug)
                && skills[first].to_lowercase() != skill.to_lowercase()
            {
                c.problem(
                    FieldPath::key("skills").index(i),
                    format!(
                        "the skills `{}` and `{skill}` would share one page, `{}`",
                        skills[first],
                        urls::skill(&slug)
                    ),
                    "write the same skill the same way, or keep one of them",
                );
            }
            by_slug.entry(slug).or_insert(i);
            match seen.entry(skill.to_lowercase()) {
                std::collections::hash_map::Entry::Occupied(first) => {
                    let first: usize = *first.get();
                    c.problem(
                        FieldPath::key("skills").index(i),
                        format!("the skill `{skill}` is listed twice"),
                        format!(
                            "remove this entry; `{}` is already entry {}",
                            skills[first],
                            first + 1
                        ),
                    );
                }
                std::collections::hash_map::Entry::Vacant(slot) => {
                    slot.insert(i);
                }
            }
        }
        Some(skills)
    }

    fn dates(&self, c: &mut Checker) -> Option<Dates> {
        let read = |c: &mut Checker, field: &str, value: Option<&String>| {
            let text = c.required(field, value)?;
            c.moment(FieldPath::key(field), text)
        };
        let optional = |c: &mut Checker, field: &str, value: Option<&String>| match value {
            Some(text) => c.moment(FieldPath::key(field), text).map(Some),
            None => Some(None),
        };
        let published = optional(c, "published", self.published.as_ref());
        let deadline = read(c, "proposal_deadline", self.proposal_deadline.as_ref());
        let assignment = read(c, "assignment_date", self.assignment_date.as_ref());
        let start = read(c, "start_date", self.start_date.as_ref());
        let completion = optional(c, "completion_date", self.completion_date.as_ref());
        let (published, deadline, assignment, start, completion) =
            (published?, deadline?, assignment?, start?, completion?);
        if published.is_some_and(|published| published >= deadline) {
            c.problem(
                FieldPath::key("published"),
                "the publication date is not before the proposal deadline",
                "set `published` to the day the opportunity goes public, before `proposal_deadline`",
            );
        }
        if assignment <= deadline {
            c.problem(
                FieldPath::key("assignment_date"),
                "the assignment date must come after the proposal deadline",
                "set `assignment_date` to a day after `proposal_deadline`",
            );
        }
        if start < assignment {
            c.problem(
                FieldPath::key("start_date"),
                "the start date is before the assignment date",
                "set `start_date` on or after `assignment_date`",
            );
        }
        if completion.is_some_and(|done| done < start) {
            c.problem(
                FieldPath::key("completion_date"),
                "the completion date is before the start date",
                "set `completion_date` on or after `start_date`, or remove it",
            );
        }
        Some(Dates {
            published,
            proposal_deadline: deadline,
            assignment_date: assignment,
            start_date: start,
            completion_date: completion,
        })
    }

    fn evaluation_criteria(&self, c: &mut Checker) -> Option<Vec<Criterion>> {
        let entries = c.required("evaluation_criteria", self.evaluation_criteria.as_ref())?;
        if c.too_many("evaluation_criteria", entries.len()) {
            return None;
        }
        let path = FieldPath::key("evaluation_criteria");
        if entries.is_empty() {
            c.problem(
                path,
                "`evaluation_criteria` needs at least one entry",
                format!("add `{}`", example("evaluation_criteria")),
            );
            return None;
        }
        let mut criteria = Some(Vec::with_capacity(entries.len()));
        let mut total = 0;
        for (i, entry) in entries.iter().enumerate() {
            let at = path.index(i);
            let criterion = match &entry.criterion {
                Some(text) => c.text(at.child("criterion"), text, MAX_LIST_TEXT),
                None => {
                    c.problem(
                        at.child("criterion"),
                        "this entry has no `criterion`",
                        "add `criterion: \"What is scored\"`",
                    );
                    None
                }
            };
            let points = match entry.points {
                Some(points @ 1..=TOTAL_POINTS) => {
                    total += points;
                    u32::try_from(points).ok()
                }
                Some(points) => {
                    c.problem(
                        at.child("points"),
                        format!("{points} points is out of range"),
                        "give each criterion 1 to 100 points",
                    );
                    None
                }
                None => {
                    c.problem(
                        at.child("points"),
                        "this entry has no `points`",
                        "add `points: 20`",
                    );
                    None
                }
            };
            match (criterion, points, criteria.as_mut()) {
                (Some(criterion), Some(points), Some(list)) => {
                    list.push(Criterion { criterion, points })
                }
                _ => criteria = None,
            }
        }
        if criteria.is_some() && total != TOTAL_POINTS {
            c.problem(
                path,
                format!("the points add up to {total}, not 100"),
                format!(
                    "{} {} points so they total 100",
                    if total > TOTAL_POINTS {
                        "remove"
                    } else {
                        "add"
                    },
                    (total - TOTAL_POINTS).abs()
                ),
            );
        }
        criteria
    }

    fn addenda(&self, c: &mut Checker) -> Option<Vec<Addendum>> {
        let Some(entries) = &self.addenda else {
            return Some(Vec::new());
        };
        if c.too_many("addenda", entries.len()) {
            return None;
        }
        let path = FieldPath::key("addenda");
        let mut addenda = Some(Vec::with_capacity(entries.len()));
        for (i, entry) in entries.iter().enumerate() {
            let at = path.index(i);
            let date = match &entry.date {
                Some(text) => c.moment(at.child("date"), text),
                None => {
                    c.problem(
                        at.child("date"),
                        "this addendum has no `date`",
                        "add `date: 2027-02-20`",
                    );
                    None
                }
            };
            let text = match &entry.text {
                Some(text) => c.text(at.child("text"), text, MAX_LIST_TEXT),
                None => {
                    c.problem(
                        at.child("text"),
                        "this addendum has no `text`",
                        "add `text: \"What changed\"`",
                    );
                    None
                }
            };
            match (date, text, addenda.as_mut()) {
                (Some(date), Some(text), Some(list)) => list.push(Addendum { date, text }),
                _ => addenda = None,
            }
        }
        let mut addenda = addenda?;
        addenda.sort_by_key(|a| std::cmp::Reverse(a.date));
        Some(addenda)
    }

    /// The front matter's `award` as (proponent, date); its amount is the reward.
    fn award(&self, c: &mut Checker, deadline: Option<Timestamp>) -> Option<(String, Timestamp)> {
        let award = self.award.as_ref()?;
        let path = FieldPath::key("award");
        let proponent = match &award.proponent {
            Some(name) => c.text(path.child("proponent"), name, MAX_TITLE),
            None => {
                c.problem(
                    path.child("proponent"),
                    "the award has no `proponent`",
                    "add `proponent: \"Name of the successful proponent\"`",
                );
                None
            }
        };
        let date = match &award.date {
            Some(text) => c.moment(path.child("date"), text),
            None => {
                c.problem(
                    path.child("date"),
                    "the award has no `date`",
                    "add `date: 2027-03-19`",
                );
                None
            }
        };
        if let (Some(date), Some(deadline)) = (date, deadline)
            && date < deadline
        {
            c.problem(
                path.child("date"),
                "the award date is before the proposal deadline",
                "an award is made after proposals close; check `award.date`",
            );
        }
        if self.status == Some(Lifecycle::Cancelled) {
            c.problem(
                path.clone(),
                "a cancelled opportunity cannot have an award",
                "remove `award` or change `status`",
            );
        }
        Some((proponent?, date?))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::opportunity::FIELDS;
    use crate::opportunity::input::{AddendumInput, AwardInput, ContactInput, CriterionInput};

    /// A complete, valid front matter for tests to break one field at a time.
    pub(crate) fn valid() -> FrontMatter {
        FrontMatter {
            title: Some("Permit status API".into()),
            teaser: Some("Build an API.".into()),
            organization: Some("Ministry of Forests".into()),
            product_owner: Some(ContactInput {
                name: Some("Priya Sandhu".into()),
                email: Some("Priya.Sandhu@gov.bc.ca".into()),
            }),
            reward: Some(25_000),
            location: Some("Victoria, BC".into()),
            remote: Some(true),
            remote_details: Some("Anywhere in Canada".into()),
            skills: Some(vec!["Rust".into(), "PostgreSQL".into()]),
            published: Some("2027-01-20".into()),
            proposal_deadline: Some("2027-03-12".into()),
            assignment_date: Some("2027-03-19".into()),
            start_date: Some("2027-03-22".into()),
            completion_date: Some("2027-05-28".into()),
            repository: Some("https://github.com/bcgov/permit".into()),
            questions: Some("https://github.com/bcgov/permit/issues/1".into()),
            acceptance_criteria: Some(vec!["It works".into()]),
            evaluation_criteria: Some(vec![
                CriterionInput {
                    criterion: Some("Approach".into()),
                    points: Some(60),
                },
                CriterionInput {
                    criterion: Some("Experience".into()),
                    points: Some(40),
                },
            ]),
            proposal_requirements: Some(vec!["Describe your approach".into()]),
            addenda: Some(vec![
                AddendumInput {
                    date: Some("2027-02-01".into()),
                    text: Some("First".into()),
                },
                AddendumInput {
                    date: Some("2027-02-20".into()),
                    text: Some("Second".into()),
                },
            ]),
            status: Some(Lifecycle::Published),
            award: None,
        }
    }

    fn paths(front: &FrontMatter) -> Vec<String> {
        front
            .validate("permit-api")
            .unwrap_err()
            .iter()
            .map(|p| p.path.to_string())
            .collect()
    }

    #[test]
    fn valid_front_matter_builds_an_opportunity() {
        let opp = valid().validate("permit-api").unwrap();
        assert_eq!(opp.product_owner.email, "priya.sandhu@gov.bc.ca");
        assert_eq!(opp.reward.dollars(), 25_000);
        assert_eq!(opp.addenda[0].text, "Second", "addenda are newest first");
    }

    #[test]
    fn every_missing_field_is_reported_at_once() {
        let problems = FrontMatter::default().validate("x").unwrap_err();
        let fields: Vec<_> = problems.iter().map(|p| p.path.to_string()).collect();
        for field in FIELDS {
            let optional = [
                "remote_details",
                "published",
                "completion_date",
                "questions",
                "addenda",
                "award",
            ];
            assert_eq!(
                fields.contains(&field.to_string()),
                !optional.contains(field),
                "{field}: {fields:?}"
            );
        }
        assert!(
            problems.iter().all(|p| p.hint.starts_with("add `")),
            "{problems:?}"
        );
    }

    #[test]
    fn reward_limits() {
        for (dollars, ok) in [
            (0, false),
            (-5, false),
            (1, true),
            (70_000, true),
            (70_001, false),
        ] {
            let front = FrontMatter {
                reward: Some(dollars),
                ..valid()
            };
            assert_eq!(front.validate("a").is_ok(), ok, "{dollars}");
        }
    }

    #[test]
    fn text_limits_count_characters() {
        let front = FrontMatter {
            title: Some("é".repeat(200)),
            ..valid()
        };
        assert!(front.validate("a").is_ok());
        let front = FrontMatter {
            title: Some("é".repeat(201)),
            teaser: Some(" ".into()),
            ..valid()
        };
        assert_eq!(paths(&front), ["title", "teaser"]);
    }

    #[test]
    fn control_characters_are_refused_in_one_line_fields() {
        let front = FrontMatter {
            title: Some("Permit\0API".into()),
            teaser: Some("One\r\nBcc: x".into()),
            skills: Some(vec!["Rust\u{7}".into()]),
            ..valid()
        };
        assert_eq!(paths(&front), ["title", "teaser", "skills[0]"]);
        // Longer list entries may hold line breaks (YAML block scalars), not NUL.
        let front = FrontMatter {
            acceptance_criteria: Some(vec!["Line one\nLine two".into(), "a\0b".into()]),
            ..valid()
        };
        assert_eq!(paths(&front), ["acceptance_criteria[1]"]);
    }

    #[test]
    fn skills_and_lists_are_bounded() {
        let skills = |n: usize| Some((0..n).map(|i| format!("Skill {i}")).collect());
        let front = FrontMatter {
            skills: skills(MAX_SKILLS),
            ..valid()
        };
        assert!(front.validate("a").is_ok());
        let front = FrontMatter {
            skills: skills(MAX_SKILLS + 1),
            proposal_requirements: Some(vec!["x".into(); MAX_LIST_ITEMS + 1]),
            ..valid()
        };
        assert_eq!(paths(&front), ["skills", "proposal_requirements"]);
    }

    #[test]
    fn remote_needs_details() {
        let front = FrontMatter {
            remote_details: None,
            ..valid()
        };
        assert_eq!(paths(&front), ["remote_details"]);
        let front = FrontMatter {
            remote: Some(false),
            remote_details: None,
            ..valid()
        };
        assert!(front.validate("a").is_ok());
    }

    #[test]
    fn duplicate_skills_are_rejected_case_insensitively() {
        let front = FrontMatter {
            skills: Some(vec!["Rust".into(), "Go".into(), "rust".into()]),
            ..valid()
        };
        assert_eq!(paths(&front), ["skills[2]"]);
        let front = FrontMatter {
            skills: Some(vec![]),
            ..valid()
        };
        assert_eq!(paths(&front), ["skills"]);
    }

    #[test]
    fn skills_need_a_word_and_their_own_page() {
        let front = FrontMatter {
            skills: Some(vec!["C++".into(), "C#".into(), "C".into()]),
            ..valid()
        };
        assert!(
            front.validate("permit-api").is_ok(),
            "C++, C# and C are three skills"
        );
        let front = FrontMatter {
            skills: Some(vec!["Node.js".into(), "!!!".into(), "Node js".into()]),
            ..valid()
        };
        assert_eq!(paths(&front), ["skills[1]", "skills[2]"]);
        let problems = front.validate("permit-api").unwrap_err();
        assert!(
            problems[1]
                .message
                .contains("/opportunities/skills/node-js/")
        );
    }

    #[test]
    fn dates_must_be_ordered() {
        let front = FrontMatter {
            published: Some("2027-03-12".into()),
            ..valid()
        };
        assert_eq!(
            paths(&front),
            ["published"],
            "published at the deadline is too late"
        );
        let front = FrontMatter {
            published: None,
            ..valid()
        };
        assert_eq!(
            front.validate("a").unwrap().published,
            None,
            "published is optional"
        );
        let front = FrontMatter {
            assignment_date: Some("2027-03-12".into()),
            ..valid()
        };
        assert_eq!(
            paths(&front),
            ["assignment_date"],
            "same day as a 4 PM deadline is not after it"
        );
        let front = FrontMatter {
            assignment_date: Some("2027-03-12T17:00".into()),
            start_date: Some("2027-03-12T17:00".into()),
            completion_date: None,
            ..valid()
        };
        assert!(front.validate("a").is_ok(), "assignment may equal start");
        let front = FrontMatter {
            start_date: Some("2027-03-18".into()),
            ..valid()
        };
        assert_eq!(paths(&front), ["start_date"]);
        let front = FrontMatter {
            completion_date: Some("2027-03-21".into()),
            ..valid()
        };
        assert_eq!(paths(&front), ["completion_date"]);
        let front = FrontMatter {
            proposal_deadline: Some("soon".into()),
            ..valid()
        };
        assert_eq!(paths(&front), ["proposal_deadline"]);
    }

    #[test]
    fn criteria_points_total_100() {
        let mut front = valid();
        front.evaluation_criteria.as_mut().unwrap()[1].points = Some(30);
        let problems = front.validate("a").unwrap_err();
        assert_eq!(problems[0].path.to_string(), "evaluation_criteria");
        assert!(
            problems[0].message.contains("90"),
            "{}",
            problems[0].message
        );
        assert!(problems[0].hint.contains("add 10"), "{}", problems[0].hint);
        front.evaluation_criteria.as_mut().unwrap()[1].points = Some(0);
        assert_eq!(paths(&front), ["evaluation_criteria[1].points"]);
    }

    #[test]
    fn urls_must_be_https() {
        let front = FrontMatter {
            repository: Some("github.com/bcgov/x".into()),
            questions: Some("https://".into()),
            ..valid()
        };
        assert_eq!(paths(&front), ["repository", "questions"]);
    }

    #[test]
    fn questions_is_an_optional_github_issue_address() {
        for bad in [
            "https://gitlab.com/bcgov/permit/issues/1",
            "https://github.com/bcgov/permit",
            "https://github.com/bcgov/permit/pull/3",
            "https://github.com/bcgov/permit/issues/",
            "https://github.com/bcgov/permit/issues/1x",
            "http://github.com/bcgov/permit/issues/1",
        ] {
            let front = FrontMatter {
                questions: Some(bad.into()),
                ..valid()
            };
            assert_eq!(paths(&front), ["questions"], "{bad}");
        }
        let front = FrontMatter {
            questions: Some("https://github.com/bcgov/permit.rs/issues/12".into()),
            ..valid()
        };
        assert!(front.validate("a").is_ok());
        let front = FrontMatter {
            questions: None,
            ..valid()
        };
        assert_eq!(front.validate("a").unwrap().questions, None);
    }

    #[test]
    fn award_rules() {
        let award = |date: &str| {
            Some(AwardInput {
                proponent: Some("Ana".into()),
                date: Some(date.into()),
            })
        };
        let front = FrontMatter {
            award: award("2027-03-19"),
            ..valid()
        };
        assert!(front.validate("a").unwrap().outcome.is_some());
        let front = FrontMatter {
            award: award("2027-03-01"),
            ..valid()
        };
        assert_eq!(paths(&front), ["award.date"]);
        let front = FrontMatter {
            award: award("2027-03-19"),
            status: Some(Lifecycle::Cancelled),
            ..valid()
        };
        assert_eq!(paths(&front), ["award"]);
    }

    #[test]
    fn slugs() {
        assert!(check_slug("permit-api-2").is_ok());
        for bad in ["", "Permit", "a_b", "-a", "a--b", "a b"] {
            assert!(check_slug(bad).is_err(), "{bad}");
        }
        assert_eq!(slugify("Permit API (v2)!"), "permit-api-v2");
        assert!(
            check_slug("Permit API")
                .unwrap_err()
                .contains("permit-api.md")
        );
    }
}
